#!/bin/sh
# Install the Debian packages Mado's build and tests need.
# Idempotent: does nothing when every package is present. As root it runs
# apt-get; otherwise it prints the one command to run.
set -eu
PKGS="build-essential pkg-config clang libclang-rt-14-dev llvm
libgmime-3.0-dev libglib2.0-dev libsqlite3-dev sqlite3 libsodium-dev
libgumbo-dev libjansson-dev libcurl4-openssl-dev libpcre2-dev libmicrohttpd-dev curl wrk jq python3
postfix swaks libsasl2-modules ca-certificates openssl dovecot-core
tzdata nodejs chromium fonts-ipafont-gothic"
# The web UI (web/) is built with npm. Debian's nodejs ships npm separately;
# NodeSource's nodejs includes it (and conflicts with Debian's npm package).
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "mado: missing packages:$missing" >&2
	echo "run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "mado: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# postfix asks questions on install; answer them up front.
echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
echo "postfix postfix/mailname string localhost" | debconf-set-selections
if ! apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -qq
	apt-get install -y --no-install-recommends $missing
fi
