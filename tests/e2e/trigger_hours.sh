#!/bin/sh
# The trigger condition business_hours uses the SLA calendars: by default
# the ticket's SLA calendar (Tokyo, mon-fri 09:00-18:00, Japanese
# holidays), or the calendar a condition names. Mails arrive at set clocks
# (MADO_CLOCK) on a weekday, at night, on a Saturday, on 敬老の日 and on
# 国民の休日: the "after-hours" trigger fires exactly outside the
# calendar's hours, and the named Saturday-desk calendar only on Saturday
# between 10:00 and 14:00. Rules naming a calendar that does not exist
# are refused.
. "$(dirname "$0")/lib.sh"
W=$(new_ws thours)
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --role admin >/dev/null
J='Content-Type: application/json'
export MADO_CLOCK=2026-09-18T10:00:00+09:00
start_server "$W"
unset MADO_CLOCK
ADM=$(login admin@example.com admin-pass-1 "$TMPROOT/adm.jar")
a() { curl -s -b "$TMPROOT/adm.jar" -H "X-CSRF-Token: $ADM" -H "$J" "$@"; }
CAL=$(a -d '{"name":"東京","time_zone":"Asia/Tokyo","hours":"mon-fri 09:00-18:00","jp_holidays":true}' \
	"$BASE/api/v1/admin/calendars" | jq -r .id)
a -d '{"name":"土曜窓口","time_zone":"Asia/Tokyo","hours":"sat 10:00-14:00","jp_holidays":false}' \
	"$BASE/api/v1/admin/calendars" >/dev/null
a -d "{\"name\":\"standard\",\"calendar_id\":$CAL,\"first_response_seconds\":14400}" "$BASE/api/v1/admin/sla-policies" >/dev/null
rule() { a -d "{\"kind\":\"trigger\",\"name\":\"$1\",\"rule\":$2}" "$BASE/api/v1/rules"; }
r=$(rule "after hours" '{"if":{"field":"business_hours","value":false},"then":[{"add_tags":["after-hours"]}]}')
is "$(printf %s "$r" | jq -r .rule.kind)" trigger "after-hours trigger on the ticket's SLA calendar saved"
r=$(rule "saturday desk" '{"if":{"field":"business_hours","value":true,"calendar":"土曜窓口"},"then":[{"add_tags":["saturday-desk"]}]}')
is "$(printf %s "$r" | jq -r .rule.kind)" trigger "trigger on a named calendar saved"
r=$(rule "bad" '{"if":{"field":"business_hours","value":true,"calendar":"nowhere"},"then":[{"add_tags":["x"]}]}')
is "$(printf %s "$r" | jq -r .error.code)" bad_rule "a calendar that does not exist is refused"
ok "$(printf %s "$r" | grep -q 'no calendar named'; echo $?)" "…saying so"
r=$(rule "bad2" '{"if":{"field":"subject","value":"x","calendar":"東京"},"then":[{"add_tags":["x"]}]}')
is "$(printf %s "$r" | jq -r .error.code)" bad_rule "calendar only goes with business_hours"
is "$(sql "$W" "SELECT count(*) FROM triage_rules")" 2 "nothing stored by refused rules"
a "$BASE/api/v1/workflow/export" > "$TMPROOT/workflow.json"
stop_server

# arrival (JST) | tags the triggers set | what
n=0
while IFS='|' read -r when want what; do
	n=$((n + 1))
	mail 'Taro <taro@example.co.jp>' "問い合わせ $n" "h$n@example.co.jp" | MADO_CLOCK="$when+09:00" mado -w "$W" ingest
	T=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='h$n@example.co.jp'")
	is "$(sql "$W" "SELECT coalesce(group_concat(tag, ','), '') FROM (SELECT tag FROM ticket_tags WHERE ticket_id=$T ORDER BY tag)")" \
		"$want" "$what"
done <<TABLE
2026-09-18T10:00:00||Friday 10:00: open, no tag
2026-09-18T18:00:00|after-hours|Friday 18:00: closed
2026-09-19T11:00:00|after-hours,saturday-desk|Saturday 11:00: Tokyo closed, the Saturday desk open
2026-09-19T09:30:00|after-hours|Saturday 09:30: the Saturday desk not yet open
2026-09-21T10:00:00|after-hours|敬老の日 (Monday): closed
2026-09-22T10:00:00|after-hours|国民の休日 (Tuesday between two holidays): closed
2026-09-24T10:00:00||Thursday after Silver Week: open again
2026-09-24T08:59:00|after-hours|Thursday 08:59: not yet open
TABLE
T=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='h5@example.co.jp'")
is "$(sql "$W" "SELECT new_value FROM events WHERE ticket_id=$T AND kind='trigger' ORDER BY id LIMIT 1")" \
	"after hours on created: outside business hours (東京)" "the trigger's event names the calendar"

# ---- the one export moves rules and the calendars they name together ----
W2=$(new_ws thours2)
MADO_PASSWORD=admin-pass-1 mado -w "$W2" user add admin@example.com --role admin >/dev/null
start_server "$W2"
ADM=$(login admin@example.com admin-pass-1 "$TMPROOT/adm.jar")
jq 'del(.calendars, .sla_policies)' "$TMPROOT/workflow.json" > "$TMPROOT/no-cal.json"
r=$(a -d @"$TMPROOT/no-cal.json" "$BASE/api/v1/workflow/import")
ok "$(printf %s "$r" | jq -r .error.message | grep -q 'no calendar named'; echo $?)" \
	"rules naming calendars this instance lacks are refused"
is "$(sql "$W2" "SELECT count(*) FROM triage_rules") $(sql "$W2" "SELECT count(*) FROM sla_policies")" "0 0" "…and nothing is imported"
r=$(a -d @"$TMPROOT/workflow.json" "$BASE/api/v1/workflow/import")
is "$(printf %s "$r" | jq -c '.imported | [.calendars, .sla_policies, .rules]')" "[2,1,2]" \
	"with the calendars in the same document: all of it, in one transaction"
is "$(sql "$W2" "SELECT c.name FROM sla_policies p JOIN calendars c ON c.id = p.calendar_id")" "東京" \
	"the policy points at this instance's calendar of the same name"
done_testing
