#!/bin/sh
# Outgoing mail: `make bench` runs `./bench/outbox.sh build`.
#   outbox throughput: BENCH_OUTBOX_MAILS mails (default 2,000; bench/gen_mail)
#   spooled by `mado ingest --spool-only` and stored by `mado ingest
#   --drain` queue an acknowledgement per new ticket (rate limits raised
#   so that none is held back; replies and auto-replies get none); then
#   `mado outbox run` delivers the queue through SMTP (libcurl) to
#   Postfix's smtp-sink on 127.0.0.1, which accepts and discards: mails/s,
#   with the count checked against the outbox.
#   template rendering: bench/tpl (every built-in template, both
#   languages, text and HTML): ns per render.
set -eu
BUILD=${1:-build}
MADO=$(cd "$BUILD" && pwd)/mado
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
echo "== outgoing mail"
"$BUILD/bench/tpl"
SINK=/usr/sbin/smtp-sink
[ -x "$SINK" ] || { echo "outbox: smtp-sink (Debian postfix) missing: skipped"; exit 0; }
bench_scratch outbox
N=${BENCH_OUTBOX_MAILS:-2000}
"$BUILD/bench/gen_mail" --maildir "$TMP/mail" --count "$N" --seed 7 >/dev/null
"$MADO" init "$TMP/ws" >/dev/null
PORT=$(bench_free_port $(( 20000 + $$ % 20000 )))
cat >>"$TMP/ws/mado.conf" <<CONF
mailbox.addresses = support@example.com
outbox.relay_host = 127.0.0.1
outbox.relay_port = $PORT
outbox.relay_tls = none
ack.recipient_hours = 0
auto.global_max = 100000
auto.per_recipient_max = 1000
CONF
for f in "$TMP"/mail/new/* "$TMP"/mail/cur/*; do
	[ -f "$f" ] && "$MADO" -w "$TMP/ws" ingest --spool-only <"$f"
done
"$MADO" -w "$TMP/ws" ingest --drain >/dev/null
USER_OPT=
[ "$(id -u)" -eq 0 ] && USER_OPT="-u nobody"
# shellcheck disable=SC2086
"$SINK" $USER_OPT 127.0.0.1:"$PORT" 64 >/dev/null 2>&1 &
PID=$!
i=0; while ! bench_listening "$PORT" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
q=$(sqlite3 "$TMP/ws/mado.db" "SELECT count(*) FROM outbox WHERE status='queued'")
t0=$(date +%s.%N)
"$MADO" -w "$TMP/ws" outbox run --max "$q" >"$TMP/run.log"
t1=$(date +%s.%N)
sent=$(sqlite3 "$TMP/ws/mado.db" "SELECT count(*) FROM outbox WHERE status='sent'")
awk -v q="$q" -v s="$sent" -v a="$t0" -v b="$t1" -v l="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
	printf "outbox run to smtp-sink: %d queued, %d sent in %.2f s: %.0f mails/s (load average %s)\n", q, s, b - a, s / (b - a), l }'
[ "$sent" -eq "$q" ] || { echo "outbox: only $sent of $q sent: $(cat "$TMP/run.log")"; exit 1; }
