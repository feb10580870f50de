#!/bin/sh
# SLA warnings in business time, and due times recomputed after an edit.
# A table of mails, each arriving at its own set clock (MADO_CLOCK), on a
# Tokyo mon-fri 09:00-18:00 calendar with Japanese holidays, a first
# response target of 9 business hours and a warning 2 business hours
# before: the warning timer lands where business time says, and a sweep
# fires it there and not a second earlier. Then an admin edits the policy
# and the calendar through the API: the scheduler inside `mado serve`
# recomputes the due times and timers of the open tickets the policy
# governs, in batches of scheduler.batch, and of no other ticket.
. "$(dirname "$0")/lib.sh"
W=$(new_ws slab)
cat >> "$W/mado.conf" <<CONF
scheduler.interval_seconds = 1
scheduler.batch = 2
CONF
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --role admin >/dev/null
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add agent@example.com --role agent >/dev/null
J='Content-Type: application/json'
# The server's clock stands before every row: its scheduler fires nothing
# by itself; the test moves time with `mado automations run`.
export MADO_CLOCK=2026-04-01T00:00:00+09:00
start_server "$W"
unset MADO_CLOCK
ADM=$(login admin@example.com admin-pass-1 "$TMPROOT/adm.jar")
AGT=$(login agent@example.com agent-pass-1 "$TMPROOT/agt.jar")
a() { curl -s -b "$TMPROOT/adm.jar" -H "X-CSRF-Token: $ADM" -H "$J" "$@"; }
CAL=$(a -d '{"name":"東京","time_zone":"Asia/Tokyo","hours":"mon-fri 09:00-18:00","jp_holidays":true}' \
	"$BASE/api/v1/admin/calendars" | jq -r .id)
POL=$(a -d "{\"name\":\"standard\",\"position\":5,\"calendar_id\":$CAL,\"first_response_seconds\":32400,\"warn_seconds\":7200}" \
	"$BASE/api/v1/admin/sla-policies" | jq -r .id)
OTHER=$(a -d '{"name":"urgent, around the clock","position":1,"match_priority":"urgent","first_response_seconds":3600,"warn_seconds":600}' \
	"$BASE/api/v1/admin/sla-policies" | jq -r .id)
ok "$([ "$POL" -gt 0 ] && [ "$OTHER" -gt 0 ] 2>/dev/null; echo $?)" "calendar and policies created"
stop_server

# ---- the table: arrival (JST) | due | warning (2 business hours before) ----
epoch() { date -d "$1+09:00" +%s; }
n=0
while IFS='|' read -r arr due warn what; do
	n=$((n + 1))
	mail 'Taro <taro@example.co.jp>' "質問 $n" "row$n@example.co.jp" | MADO_CLOCK="$arr+09:00" mado -w "$W" ingest
	T=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='row$n@example.co.jp'")
	is "$(sql "$W" "SELECT first_response_due FROM tickets WHERE id=$T")" "$(epoch "$due")" "row $n due: $what"
	is "$(sql "$W" "SELECT due_at FROM timers WHERE ticket_id=$T AND kind='sla_warning:first_response'")" \
		"$(epoch "$warn")" "row $n warning: $what"
done <<TABLE
2026-04-20T10:00:00|2026-04-21T10:00:00|2026-04-20T17:00:00|the warning the evening before, not 08:00 before opening
2026-04-24T10:30:00|2026-04-27T10:30:00|2026-04-24T17:30:00|over the weekend: Friday evening
2026-09-18T11:00:00|2026-09-24T11:00:00|2026-09-24T09:00:00|after Silver Week: the opening of the due day, not Friday 18:00
2026-04-21T15:00:00|2026-04-22T15:00:00|2026-04-22T13:00:00|inside one day: as the wall clock
2026-04-30T09:30:00|2026-05-01T09:30:00|2026-04-30T16:30:00|half an hour one morning, an hour and a half the evening before
TABLE
T1=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='row1@example.co.jp'")
warnings() { sql "$W" "SELECT count(*) FROM events WHERE ticket_id=$1 AND kind='sla' AND new_value='warning'"; }
MADO_CLOCK=2026-04-20T16:59:59+09:00 mado -w "$W" automations run >/dev/null
is "$(warnings "$T1")" 0 "row 1: no warning a second before 17:00"
MADO_CLOCK=2026-04-20T17:00:00+09:00 mado -w "$W" automations run >/dev/null
is "$(warnings "$T1")" 1 "row 1: the warning at 17:00 the evening before"

# tickets the edit must not touch: one closed, one under the other policy
mail 'Jiro <jiro@example.co.jp>' '解約' 'closed@example.co.jp' | MADO_CLOCK=2026-04-20T10:00:00+09:00 mado -w "$W" ingest
TC=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='closed@example.co.jp'")
sql "$W" "UPDATE tickets SET status='closed' WHERE id=$TC"
TC_DUE=$(sql "$W" "SELECT first_response_due FROM tickets WHERE id=$TC")
mail 'Saburo <saburo@example.co.jp>' '至急' 'urgent@example.co.jp' | MADO_CLOCK=2026-04-20T10:00:00+09:00 mado -w "$W" ingest
TU=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='urgent@example.co.jp'")
sql "$W" "UPDATE tickets SET priority='urgent', sla_policy_id=$OTHER, first_response_due=1 WHERE id=$TU"

# ---- an admin edits the policy: 18 business hours instead of 9 ----
export MADO_CLOCK=2026-04-01T00:00:00+09:00
start_server "$W"
unset MADO_CLOCK
ADM=$(login admin@example.com admin-pass-1 "$TMPROOT/adm.jar")
AGT=$(login agent@example.com agent-pass-1 "$TMPROOT/agt.jar")
is "$(code -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H "$J" -X PATCH -d '{"first_response_seconds":64800}' \
	"$BASE/api/v1/admin/sla-policies/$POL")" 403 "an agent may not edit a policy"
is "$(sql "$W" "SELECT count(*) FROM sla_recompute")" 0 "…and nothing is queued"
a -X PATCH -d '{"first_response_seconds":64800}' "$BASE/api/v1/admin/sla-policies/$POL" >/dev/null
due_of() { a "$BASE/api/v1/tickets/$1" | jq -r .sla.first_response.due; }
i=0; while [ "$(sql "$W" "SELECT count(*) FROM sla_recompute")" != 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
is "$(sql "$W" "SELECT count(*) FROM sla_recompute")" 0 "the scheduler worked the job off (6 tickets, batches of 2)"
is "$(due_of "$T1")" "2026-04-22T01:00:00Z" "row 1 due two business days after arrival now (Wed 10:00 JST)"
is "$(sql "$W" "SELECT due_at FROM timers WHERE ticket_id=$T1 AND kind='sla_warning:first_response'")" \
	"$(epoch 2026-04-21T17:00:00)" "…and its warning timer moved with it (Tue 17:00)"
T3=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='row3@example.co.jp'")
is "$(due_of "$T3")" "2026-09-25T02:00:00Z" "row 3 (Silver Week) due Fri 25 Sep 11:00 JST"
is "$(sql "$W" "SELECT first_response_due FROM tickets WHERE id=$TC")" "$TC_DUE" "a closed ticket keeps its due time"
is "$(sql "$W" "SELECT first_response_due FROM tickets WHERE id=$TU")" 1 "a ticket of another policy is not touched"

# ---- an admin adds a company holiday to the calendar ----
a -X PATCH -d '{"holidays":[{"date":"2026-04-21","name":"創立記念日"}]}' "$BASE/api/v1/admin/calendars/$CAL" >/dev/null
i=0; while [ "$(due_of "$T1")" != "2026-04-23T01:00:00Z" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
is "$(due_of "$T1")" "2026-04-23T01:00:00Z" "a holiday added to the calendar moves row 1 a day later (Thu 10:00 JST)"
is "$(sql "$W" "SELECT count(*) FROM sla_recompute")" 0 "no job left"
is "$(sql "$W" "SELECT count(*) FROM events WHERE ticket_id=$T1 AND kind='sla' AND new_value='warning'")" 1 \
	"the warning that already fired is not repeated"
done_testing
