#!/bin/sh
# Webhooks delivered by the scheduler inside `mado serve` (no cron) to a
# real HTTP receiver on 127.0.0.1 (tests/e2e/webhook_receiver.py): the
# body as queued, signed with X-Mado-Signature (HMAC-SHA256 of the body
# under the workspace key, checked here with openssl); a 500 is retried
# with a doubling delay; a receiver that hangs is cut off at
# webhooks.timeout_seconds and does not stall the SLA sweep meanwhile; a
# stop of the server cuts off a POST in flight at once. `mado webhooks
# send` beside the server does not send a webhook twice.
. "$(dirname "$0")/lib.sh"
W=$(new_ws hooks)
cat >> "$W/mado.conf" <<CONF
scheduler.interval_seconds = 1
webhooks.timeout_seconds = 6
CONF
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --role admin >/dev/null
RP=$(free_port)
LOG="$TMPROOT/received"
mkdir -p "$LOG"
python3 "$MADO_ROOT/tests/e2e/webhook_receiver.py" "$RP" "$LOG" &
RECEIVER=$!
stop_receiver() { kill "$RECEIVER" 2>/dev/null; wait "$RECEIVER" 2>/dev/null; }
on_exit stop_receiver
i=0; while ! curl -s -o /dev/null -X POST -d x "http://127.0.0.1:$RP/ping" && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
rm -f "$LOG"/*
start_server "$W"
ADM=$(login admin@example.com admin-pass-1 "$TMPROOT/adm.jar")
a() { curl -s -b "$TMPROOT/adm.jar" -H "X-CSRF-Token: $ADM" -H 'Content-Type: application/json' "$@"; }
a -d '{"name":"fast","first_response_seconds":2,"warn_seconds":0}' "$BASE/api/v1/admin/sla-policies" >/dev/null
hook() { a -d "{\"kind\":\"trigger\",\"name\":\"$1\",\"rule\":{\"if\":{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"$1\"},\"then\":[{\"webhook\":\"http://127.0.0.1:$RP/$1\"}]}}" "$BASE/api/v1/rules" >/dev/null; }
hook ok; hook fail; hook slow
# the server drains what `mado ingest` spooled: wait for the ticket
ticket() {
	i=0; while [ -z "$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='$1'")" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
	sql "$W" "SELECT ticket_id FROM messages WHERE message_id='$1'"
}
wait_file() { i=0; while ! ls "$LOG" | grep -q "$1" && [ $i -lt $(($2 * 10)) ]; do sleep 0.1; i=$((i+1)); done; ls "$LOG" | grep -q "$1"; }

# ---- delivered and signed, without cron ----
mail 'Taro <taro@example.co.jp>' 'ok: 注文について' 'h-ok@example.co.jp' | mado -w "$W" ingest
T=$(ticket h-ok@example.co.jp)
wait_file '^[0-9]*\.ok$' 10
ok $? "the server delivered the webhook by itself"
F=$(ls "$LOG"/*.ok | grep -v start | head -1)
BODY=$(sed '1,/^$/d' "$F")
is "$(printf %s "$BODY" | jq -r '.ticket.number')" "$T" "the body names the ticket"
SIG=$(sed -n 's/^X-Mado-Signature: //p' "$F" | tr -d '\r')
WANT="sha256=$(printf %s "$BODY" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(od -An -tx1 "$W/secret.key" | tr -d ' \n')" | sed 's/.*= //')"
is "$SIG" "$WANT" "X-Mado-Signature is the HMAC-SHA256 of the body under the workspace key"
ok "$(grep -q "^X-Mado-Delivery: [0-9]" "$F"; echo $?)" "X-Mado-Delivery carries the queue id"
i=0; while [ "$(sql "$W" "SELECT status FROM webhook_queue WHERE ticket_id=$T")" != sent ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
is "$(sql "$W" "SELECT status || ' ' || attempts FROM webhook_queue WHERE ticket_id=$T")" "sent 1" "recorded as sent after one attempt"

# ---- a 500 is retried later, the delay doubling ----
mail 'Taro <taro@example.co.jp>' 'fail: 請求書' 'h-fail@example.co.jp' | mado -w "$W" ingest
T=$(ticket h-fail@example.co.jp)
i=0; while [ "$(sql "$W" "SELECT attempts FROM webhook_queue WHERE ticket_id=$T")" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
r=$(sql "$W" "SELECT status || ' ' || last_error || ' ' || (next_attempt_at - strftime('%s','now') BETWEEN 50 AND 60) FROM webhook_queue WHERE ticket_id=$T")
is "$r" "queued HTTP 500 1" "a 500: queued again, retried in a minute"
NEXT=$(sql "$W" "SELECT next_attempt_at FROM webhook_queue WHERE ticket_id=$T")
# time moves past the retry: cron's sender (beside the server) sends it
MADO_CLOCK="$NEXT" mado -w "$W" webhooks send >/dev/null
is "$(sql "$W" "SELECT attempts || ' ' || (next_attempt_at - $NEXT) FROM webhook_queue WHERE ticket_id=$T")" "2 120" \
	"the second attempt, and the next one two minutes after it"
is "$(ls "$LOG" | grep -c '^[0-9]*\.fail$')" 2 "the receiver saw exactly two attempts"

# ---- a receiver that hangs: cut off, and the SLA sweep goes on ----
mail 'Taro <taro@example.co.jp>' 'slow: 至急' 'h-slow@example.co.jp' | mado -w "$W" ingest
T=$(ticket h-slow@example.co.jp)
wait_file '^start\.[0-9]*\.slow$' 10
ok $? "the hanging receiver got the POST"
i=0; while [ "$(sql "$W" "SELECT count(*) FROM events WHERE ticket_id=$T AND kind='sla' AND new_value='breached'")" != 1 ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done
is "$(sql "$W" "SELECT count(*) FROM events WHERE ticket_id=$T AND kind='sla' AND new_value='breached'") $(sql "$W" "SELECT attempts FROM webhook_queue WHERE ticket_id=$T")" \
	"1 0" "the SLA breach fired while the webhook still hung (the sweep is not held up)"
i=0; while [ "$(sql "$W" "SELECT attempts FROM webhook_queue WHERE ticket_id=$T")" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
r=$(sql "$W" "SELECT status || ' ' || attempts FROM webhook_queue WHERE ticket_id=$T")
is "$r" "queued 1" "the hanging receiver was cut off at the timeout, to be retried"
ok "$(sql "$W" "SELECT last_error FROM webhook_queue WHERE ticket_id=$T" | grep -qi 'timeout'; echo $?)" "…as a timeout"

# ---- stopping the server cuts a POST in flight ----
sql "$W" "UPDATE webhook_queue SET next_attempt_at = 0 WHERE ticket_id=$T"
N=$(ls "$LOG" | grep -c '^start\.[0-9]*\.slow$')
i=0; while [ "$(ls "$LOG" | grep -c '^start\.[0-9]*\.slow$')" = "$N" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
t0=$(date +%s%N)
stop_server
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ok "$([ "$ms" -lt 3000 ]; echo $?)" "the server stops at once with a POST in flight (${ms} ms)"
is "$(sql "$W" "SELECT attempts FROM webhook_queue WHERE ticket_id=$T")" 1 "…and the cut-off POST counts no attempt"
done_testing
