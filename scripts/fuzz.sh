#!/bin/sh
# Build each tests/fuzz target with clang's libFuzzer and run it for N seconds.
# Usage: scripts/fuzz.sh SECONDS target...
set -eu
secs=$1; shift
# The Makefile's PKGS, so that a new dependency is named in one place.
PKGS=$(MAKEFLAGS= make -s --no-print-directory print-pkgs)
CFLAGS="-std=gnu11 -g -O1 -D_GNU_SOURCE -Isrc $(pkg-config --cflags $PKGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
mkdir -p build-fuzz
srcs=$(find src -name '*.c' ! -name main.c | sort)
for t in "$@"; do
	echo "== fuzz $t ($secs s)"
	[ -f build-fuzz/migrations.c ] || ./scripts/embed-migrations.sh src/store/migrations/*.sql > build-fuzz/migrations.c
	clang $CFLAGS -o "build-fuzz/$t" "tests/fuzz/$t.c" $srcs build-fuzz/migrations.c \
		$(pkg-config --libs $PKGS) -lm -lpthread
	mkdir -p "build-fuzz/corpus-$t"
	"./build-fuzz/$t" -max_total_time="$secs" -max_len=65536 -timeout=10 \
		"build-fuzz/corpus-$t" "tests/fuzz/corpus/$t"
done
