#!/bin/sh
# House-style checks: banned C functions (curl checksrc style) and SQL
# built by string formatting.
set -u
cd "$(dirname "$0")/.."
rc=0
banned='\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|gets)[[:space:]]*\('
if grep -rnE "$banned" src tests/unit tests/golden tests/fuzz bench --include='*.c' --include='*.h' | grep -v 'lint: allow'; then
	echo "lint: banned function used (see docs/house-style in ../shared)" >&2
	rc=1
fi
if grep -rnE 'sqlite3_(mprintf|vmprintf|snprintf)' src | grep -v 'lint: allow'; then
	echo "lint: SQL must use bound parameters, not formatted strings" >&2
	rc=1
fi
if grep -rnE '\bexit[[:space:]]*\(' src --include='*.c' | grep -v '^src/main.c' | grep -v '_exit(' ; then
	echo "lint: exit() below main" >&2
	rc=1
fi
[ $rc -eq 0 ] && echo "lint: ok"
exit $rc
