#!/bin/sh
# SLA end to end with a set clock: a mail arrives Friday 17:30 JST before
# Silver Week (敬老の日, 国民の休日, 秋分の日) → due times for the Tokyo
# calendar; the clock moves past the warning and the breach → events and
# escalation exactly once (each sweep run twice). Also the admin API for
# calendars, policies and automations: refusals, dry run, export/import.
. "$(dirname "$0")/lib.sh"
W=$(new_ws sla)
cat >> "$W/mado.conf" <<CONF
scheduler.interval_seconds = 1
CONF
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --role admin >/dev/null
MADO_PASSWORD=super-pass-1 mado -w "$W" user add boss@example.com --role supervisor --group "Tier 2" >/dev/null
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add agent@example.com --role agent --group Support >/dev/null
T0='2026-09-18T17:30:00+09:00'
# The server's clock stands at the mail's arrival: its own scheduler then
# finds nothing due, and the test moves time with `mado automations run`.
export MADO_CLOCK="$T0"
start_server "$W"
unset MADO_CLOCK
J='Content-Type: application/json'
ADM=$(login admin@example.com admin-pass-1 "$TMPROOT/adm.jar")
AGT=$(login agent@example.com agent-pass-1 "$TMPROOT/agt.jar")
a() { curl -s -b "$TMPROOT/adm.jar" -H "X-CSRF-Token: $ADM" -H "$J" "$@"; }
TIER2=$(sql "$W" "SELECT id FROM groups WHERE name='Tier 2'")

# ---- admin API: refusals ----
is "$(code -b "$TMPROOT/agt.jar" "$BASE/api/v1/admin/calendars")" 403 "an agent may not list calendars"
is "$(code -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H "$J" -d '{"name":"x"}' "$BASE/api/v1/admin/sla-policies")" 403 \
	"an agent may not create a policy"
is "$(code -b "$TMPROOT/agt.jar" "$BASE/api/v1/workflow/export")" 403 "an agent may not export"
is "$(code -b "$TMPROOT/adm.jar" -H "$J" -d '{"name":"x"}' "$BASE/api/v1/admin/calendars")" 403 \
	"an admin without the CSRF token is refused"
is "$(code "$BASE/api/v1/admin/automations")" 401 "anonymous: 401"
is "$(code -b "$TMPROOT/adm.jar" -H "X-CSRF-Token: $ADM" -H "$J" -d '{"name":"bad","time_zone":"Mars/Olympus"}' "$BASE/api/v1/admin/calendars")" 400 \
	"unknown time zone refused"
r=$(a -d '{"name":"bad","hours":"mon 18:00-09:00"}' "$BASE/api/v1/admin/calendars")
ok "$(printf "%s" "$r" | grep -q 'ends before it starts'; echo $?)" "bad hours refused with the reason"
r=$(a -d '{"name":"bad","hours":""}' "$BASE/api/v1/admin/calendars")
ok "$(printf "%s" "$r" | grep -q 'open at least once a week'; echo $?)" "a calendar never open is refused"
r=$(a -d '{"name":"bad","colour":"red"}' "$BASE/api/v1/admin/calendars")
ok "$(printf "%s" "$r" | grep -q unknown_field; echo $?)" "unknown field refused"
is "$(sql "$W" "SELECT count(*) FROM calendars")" 0 "nothing stored by refused requests"

# ---- configuration ----
r=$(a -d '{"name":"東京オフィス","time_zone":"Asia/Tokyo","hours":"mon-fri 09:00-18:00","jp_holidays":true,"holidays":[{"date":"2026-12-29","name":"年末休業"}]}' \
	"$BASE/api/v1/admin/calendars")
CAL=$(printf "%s" "$r" | jq -r .id)
is "$(printf "%s" "$r" | jq -r '.holidays[0].name')" "年末休業" "calendar created with a custom holiday"
is "$(code -b "$TMPROOT/adm.jar" -H "X-CSRF-Token: $ADM" -H "$J" -d '{"name":"東京オフィス"}' "$BASE/api/v1/admin/calendars")" 409 \
	"a second calendar of the same name: 409"
r=$(a -d "{\"name\":\"standard\",\"position\":10,\"calendar_id\":$CAL,\"first_response_seconds\":14400,\"resolution_seconds\":97200,\"warn_seconds\":1800}" \
	"$BASE/api/v1/admin/sla-policies")
POL=$(printf "%s" "$r" | jq -r .id)
is "$(printf "%s" "$r" | jq -r .first_response_seconds)" 14400 "policy created"
is "$(code -b "$TMPROOT/adm.jar" -H "X-CSRF-Token: $ADM" -H "$J" -d '{"name":"x","match_priority":"asap"}' "$BASE/api/v1/admin/sla-policies")" 400 \
	"bad priority condition refused"
r=$(a -d "{\"name\":\"escalate on breach\",\"kind\":\"escalate\",\"on_sla\":\"breach\",\"set_priority\":\"high\",\"set_group_id\":$TIER2,\"notify_supervisor\":true}" \
	"$BASE/api/v1/admin/automations")
ESC=$(printf "%s" "$r" | jq -r .id)
ok "$([ "$ESC" -gt 0 ] 2>/dev/null; echo $?)" "escalation created"
a -d '{"name":"tell the boss early","kind":"escalate","on_sla":"warning","notify_supervisor":true}' "$BASE/api/v1/admin/automations" >/dev/null
is "$(code -b "$TMPROOT/adm.jar" -H "X-CSRF-Token: $ADM" -H "$J" -d '{"name":"nothing","kind":"escalate","on_sla":"breach"}' "$BASE/api/v1/admin/automations")" 400 \
	"an escalation that does nothing is refused"
r=$(a -X PATCH -d '{"warn_seconds":1800,"enabled":true}' "$BASE/api/v1/admin/sla-policies/$POL")
is "$(printf "%s" "$r" | jq -r .name)" standard "PATCH keeps the fields it does not name"
is "$(code -b "$TMPROOT/adm.jar" -H "X-CSRF-Token: $ADM" -X DELETE "$BASE/api/v1/admin/calendars/$CAL")" 409 \
	"a calendar in use cannot be deleted"

# ---- the mail: Friday 17:30 JST, before Silver Week ----
mail 'Taro <taro@example.co.jp>' 'システムにログインできません' 'sla1@example.co.jp' | MADO_CLOCK="$T0" mado -w "$W" ingest
wait_tickets "$W" 1
T=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='sla1@example.co.jp'")
is "$(sql "$W" "SELECT created_at FROM tickets WHERE id=$T")" "$(date -d "$T0" +%s)" "the ticket is stamped with the set clock"
r=$(a "$BASE/api/v1/tickets/$T")
is "$(printf "%s" "$r" | jq -r .sla.policy.name)" standard "the policy shows on the ticket"
is "$(printf "%s" "$r" | jq -r .sla.first_response.due)" "2026-09-24T03:30:00Z" \
	"first response due Thu 24 Sep 12:30 JST (weekend, 21-23 Sep holidays skipped)"
is "$(printf "%s" "$r" | jq -r .sla.resolution.due)" "2026-09-28T08:30:00Z" "resolution due Mon 28 Sep 17:30 JST (27 business hours)"
is "$(printf "%s" "$r" | jq -r .sla.first_response.seconds_left)" "$((6 * 86400 - 5 * 3600))" "time left at arrival"
is "$(printf "%s" "$r" | jq -r .sla.breached)" false "not breached"
sql "$W" "SELECT body_text FROM outbox WHERE ticket_id=$T AND kind='ack'" | grep -q "139時間以内"
ok $? "the acknowledgement promises the SLA's first response (139 hours, in Japanese)"
r=$(a "$BASE/api/v1/admin/sla/dry-run?ticket=$T&at=2026-09-25T09:00:00%2B09:00")
is "$(printf "%s" "$r" | jq -r .policy.name)" standard "dry run: which policy matches"
is "$(printf "%s" "$r" | jq -r .due.first_response)" "2026-09-25T04:00:00Z" "dry run: due times from another instant"
is "$(code -b "$TMPROOT/adm.jar" "$BASE/api/v1/admin/sla/dry-run?ticket=abc")" 400 "dry run: bad ticket refused"
is "$(a "$BASE/api/v1/tickets?sla_due_before=2026-09-24T03:30:00Z" | jq '.tickets | length')" 1 "sla_due_before: due by then"
is "$(a "$BASE/api/v1/tickets?sla_due_before=2026-09-24T03:29:59Z" | jq '.tickets | length')" 0 "…and not a second earlier"
is "$(code -b "$TMPROOT/adm.jar" "$BASE/api/v1/tickets?sla_breached=yes")" 400 "sla_breached must be 0 or 1"

# ---- time moves: warning at 12:00, breach at 12:30, each sweep twice ----
sweep() { MADO_CLOCK="$1" mado -w "$W" automations run; }
sla_events() { sql "$W" "SELECT count(*) FROM events WHERE ticket_id=$T AND kind='sla' AND new_value='$1'"; }
notes() { sql "$W" "SELECT count(*) FROM events WHERE ticket_id=$T AND kind='notify'"; }
r=$(sweep 2026-09-24T11:59:59+09:00)
is "$(sla_events warning)" 0 "no warning a second before it is due"
r=$(sweep 2026-09-24T12:00:00+09:00)
is "$r" "due timers: 1, fired: 2" "the warning sweep: one timer, a warning and a notification"
sweep 2026-09-24T12:00:00+09:00 >/dev/null
is "$(sla_events warning)" 1 "one warning event after two sweeps"
is "$(notes)" 1 "the supervisor told once about the warning"
sweep 2026-09-24T12:30:00+09:00 >/dev/null
sweep 2026-09-24T12:30:00+09:00 >/dev/null
is "$(sla_events breached)" 1 "one breach event after two sweeps"
is "$(sql "$W" "SELECT priority || ' ' || group_id || ' ' || sla_breached FROM tickets WHERE id=$T")" "high $TIER2 first_response" \
	"escalated once: priority high, Tier 2, marked breached"
is "$(notes)" 2 "the supervisor told once about the breach"
ok "$(sql "$W" "SELECT new_value FROM events WHERE ticket_id=$T AND kind='notify' ORDER BY id DESC LIMIT 1" | grep -q boss@example.com; echo $?)" \
	"the notification names Tier 2's supervisor"
is "$(sql "$W" "SELECT count(*) FROM events WHERE ticket_id=$T AND field='priority' AND new_value='high'")" 1 "one priority change"
r=$(a "$BASE/api/v1/tickets/$T")
is "$(printf "%s" "$r" | jq -r .sla.breached)" true "the API shows the breach"
is "$(a "$BASE/api/v1/tickets?sla_breached=1" | jq -r '.tickets[0].number')" "$T" "sla_breached=1 lists it"
is "$(a "$BASE/api/v1/tickets?sla_breached=0" | jq '.tickets | length')" 0 "sla_breached=0 does not"

# ---- what the customer sees: no SLA, no warnings, no supervisors ----
t=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
h=$(printf %s "$t" | sha256sum | cut -c1-64)
TARO=$(sql "$W" "SELECT id FROM customers WHERE email='taro@example.co.jp'")
sql "$W" "INSERT INTO sessions(token_hash, customer_id, csrf_token, created_at, expires_at) VALUES ('$h', $TARO, 'c$h', strftime('%s','now'), strftime('%s','now')+3600)"
r=$(curl -s -b "mado_session=$t" "$BASE/api/v1/tickets/$T")
is "$(printf "%s" "$r" | jq -r '.number')" "$T" "the customer sees the ticket"
is "$(printf "%s" "$r" | jq -r '[has("sla"), ([.events[] | select(.kind == "sla" or .kind == "notify")] | length)] | tostring')" \
	'[false,0]' "…but not its SLA, warnings, breaches or notifications"

# ---- export / import ----
a "$BASE/api/v1/workflow/export" > "$TMPROOT/sla.json"
is "$(jq '[.calendars, .sla_policies, .automations] | map(length)' -c "$TMPROOT/sla.json")" "[1,1,2]" \
	"the one workflow export carries the SLA configuration"
BOSS=$(login boss@example.com super-pass-1 "$TMPROOT/boss.jar")
is "$(curl -s -b "$TMPROOT/boss.jar" "$BASE/api/v1/workflow/export" | jq -c '[has("rules"), has("calendars")]')" '[true,false]' \
	"a supervisor's export: the rules, not the admins' SLA configuration"
jq '.sla_policies[0].warn_seconds = 600' "$TMPROOT/sla.json" > "$TMPROOT/sla2.json"
r=$(a -d @"$TMPROOT/sla2.json" "$BASE/api/v1/workflow/import")
is "$(printf "%s" "$r" | jq -c '.imported | {calendars, sla_policies, automations}')" '{"calendars":1,"sla_policies":1,"automations":2}' "import counts"
is "$(sql "$W" "SELECT count(*) || ' ' || max(warn_seconds) FROM sla_policies")" "1 600" "import updates by name, adds no duplicate"
jq '.sla_policies[0].match_priority = "asap" | .calendars[0].name = "新しい"' "$TMPROOT/sla.json" > "$TMPROOT/bad.json"
r=$(a -d @"$TMPROOT/bad.json" "$BASE/api/v1/workflow/import")
is "$(printf "%s" "$r" | jq -r .error.code)" bad_request "a bad import is refused"
ok "$(printf "%s" "$r" | jq -r .error.message | grep -q 'sla_policies\[0\] (standard): match_priority'; echo $?)" \
	"…naming the item and the field"
is "$(code -b "$TMPROOT/adm.jar" "$BASE/api/v1/admin/workflow/sla")" 404 "the old SLA-only export is gone"
is "$(sql "$W" "SELECT count(*) FROM calendars")" 1 "…and changes nothing (one transaction)"
is "$(a -X DELETE "$BASE/api/v1/admin/automations/$ESC" | jq -r .deleted)" "$ESC" "automation deleted"

# ---- replies and pauses through the API; the scheduler inside mado serve ----
r=$(a -d "{\"name\":\"remind after an hour\",\"kind\":\"remind_pending\",\"after_seconds\":3600,\"calendar_id\":$CAL}" \
	"$BASE/api/v1/admin/automations")
REM=$(printf "%s" "$r" | jq -r .id)
mail 'Hanako <hanako@example.co.jp>' '請求書の再発行' 'sla2@example.co.jp' | mado -w "$W" ingest
wait_tickets "$W" 2
T2=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='sla2@example.co.jp'")
a -d '{"body":"確認いたします。"}' "$BASE/api/v1/tickets/$T2/replies" >/dev/null
r=$(a "$BASE/api/v1/tickets/$T2")
is "$(printf "%s" "$r" | jq -r '.sla.first_response.met_at + " " + (.sla.first_response.breached|tostring)')" "2026-09-18T08:30:00Z false" \
	"an agent reply meets the first response"
r=$(a -X PATCH -d '{"status":"pending"}' "$BASE/api/v1/tickets/$T2")
r=$(a "$BASE/api/v1/tickets/$T2")
is "$(printf "%s" "$r" | jq -r '.sla.paused')" true "pending pauses the SLA"
a -X PATCH -d '{"status":"resolved"}' "$BASE/api/v1/tickets/$T" >/dev/null
is "$(a "$BASE/api/v1/tickets/$T" | jq -r '.sla.resolution | [.met_at, .seconds_left] | tostring')" '["2026-09-18T08:30:00Z",null]' \
	"resolving meets the resolution target"
is "$(sql "$W" "SELECT due_at FROM timers WHERE ticket_id=$T2 AND kind='automation:$REM'")" "$(date -d 2026-09-24T09:30:00+09:00 +%s)" \
	"the reminder waits one business hour: 30 min on Friday, 30 on Thursday (24 Sep 09:30 JST)"
stop_server
export MADO_CLOCK=2026-09-24T09:30:00+09:00
start_server "$W"
unset MADO_CLOCK
# the first sweep comes one interval after start: a queue listening now
# hears what it changes
curl -sN -b "$TMPROOT/adm.jar" "$BASE/api/v1/events" >"$TMPROOT/sched.sse" 2>/dev/null &
SSE_PID=$!
wait_for "$TMPROOT/sched.sse" ': connected' 3
REMINDERS="SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message_id WHERE o.ticket_id=$T2 AND m.source='notice:reminder'"
i=0; while [ "$(sql "$W" "$REMINDERS")" -lt 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
is "$(sql "$W" "$REMINDERS")" 1 "the scheduler in mado serve queued the reminder"
wait_for "$TMPROOT/sched.sse" 'event: ticket.updated' 3
# (the outbox sender in the same server may publish other tickets too: a
# notice it failed to deliver to port 25 is an update of that ticket)
is "$(sed -n 's/^data: //p' "$TMPROOT/sched.sse" | jq -r .ticket_id | sort -u | grep -cx "$T2")" 1 \
	"…and published ticket.updated for it on the live event stream"
kill "$SSE_PID" 2>/dev/null
ok "$(sql "$W" "SELECT headers_json FROM outbox WHERE ticket_id=$T2 AND kind='notice' ORDER BY id DESC LIMIT 1" | grep -q '"Auto-Submitted","auto-generated"'; echo $?)" \
	"…marked Auto-Submitted: auto-generated"
sleep 1.2
is "$(sql "$W" "$REMINDERS")" 1 "…once, however many sweeps run"

# ---- the clock from the workspace setting ----
W2=$(new_ws clocked)
echo "clock.override = 2027-03-19T17:30:00+09:00" >> "$W2/mado.conf"
mail 'Jiro <jiro@example.co.jp>' 'テスト' 'clk@example.co.jp' | mado -w "$W2" ingest
is "$(sql "$W2" "SELECT created_at FROM tickets")" "$(date -d 2027-03-19T17:30:00+09:00 +%s)" "clock.override stamps the ticket"
echo "clock.override = soon" >> "$W2/mado.conf"
mado -w "$W2" automations run >/dev/null 2>"$TMPROOT/clk.err"
is "$?" 78 "a bad clock.override stops the command"
ok "$(grep -q "clock: 'soon'" "$TMPROOT/clk.err"; echo $?)" "…saying what to fix"
done_testing
