#!/bin/sh
# Triage and routing end to end: the workflow configured over the admin
# API (import), a mail from a VIP customer with an urgent keyword piped
# into `mado ingest` → an urgent ticket whose reason shows in
# `mado ticket show --json` and the API, routed to the VIP group's senior
# agent; the dry run; rule create/edit/order/enable/delete; availability
# and redistribution; "updated" triggers from the API; and the requests
# that must be refused (agent role, supervisor import, no CSRF, bad JSON,
# bad rules). Needs curl, sqlite3 and jq.
. "$(dirname "$0")/lib.sh"
need jq
W=$(new_ws routing)
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --name Admin --role admin >/dev/null
MADO_PASSWORD=super-pass-1 mado -w "$W" user add sup@example.com --name Sue --role supervisor >/dev/null
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add agent@example.com --name Ann --role agent --group Support >/dev/null
MADO_PASSWORD=senior-pass1 mado -w "$W" user add senior@example.com --name Sen --role agent --group VIP >/dev/null
MADO_PASSWORD=junior-pass1 mado -w "$W" user add junior@example.com --name Jun --role agent --group VIP >/dev/null
AGENT_ID=$(sql "$W" "SELECT id FROM agents WHERE email='agent@example.com'")
SENIOR_ID=$(sql "$W" "SELECT id FROM agents WHERE email='senior@example.com'")
VIP=$(sql "$W" "SELECT id FROM groups WHERE name='VIP'")
start_server "$W"

A=$TMPROOT/admin.jar; S=$TMPROOT/sup.jar; G=$TMPROOT/agent.jar
ACS=$(login admin@example.com admin-pass-1 "$A")
SCS=$(login sup@example.com super-pass-1 "$S")
GCS=$(login agent@example.com agent-pass-1 "$G")
ok "$(test ${#ACS} -eq 64 && test ${#SCS} -eq 64 && test ${#GCS} -eq 64; echo $?)" "everyone logged in"

admin() { req "$A" "$ACS" "$@"; }
sup() { req "$S" "$SCS" "$@"; }
agent() { req "$G" "$GCS" "$@"; }
j() { printf '%s\n' "$R" | jq -r "$1"; }

CONFIG='{"version": 1,
 "groups": [{"name": "VIP", "strategy": "vip", "escalation_group": null},
            {"name": "Support", "strategy": "round_robin", "escalation_group": "VIP"}],
 "agents": [{"email": "senior@example.com", "senior": true, "capacity": 5, "skills": ["ja"], "shifts": ""}],
 "rules": [
  {"kind": "priority", "name": "VIP customers", "rule": {"if": {"field": "customer.tier", "value": "vip"}, "priority": "high"}},
  {"kind": "priority", "name": "Outage words", "rule": {"if": {"field": "text", "op": "contains",
     "value": ["システム停止", "至急", "urgent", "down"]}, "priority": "urgent"}},
  {"kind": "category", "name": "Outage", "rule": {"if": {"field": "priority", "value": "urgent"}, "category": "outage"}},
  {"kind": "routing", "name": "VIP to VIP", "rule": {"if": {"field": "customer.tier", "value": "vip"}, "group": "VIP"}},
  {"kind": "routing", "name": "Rest to Support", "rule": {"group": "Support"}},
  {"kind": "trigger", "name": "Urgent alarm", "rule": {"if": {"field": "priority", "value": "urgent"},
     "then": [{"add_tags": ["outage"]}, {"webhook": "https://hooks.example.org/mado"},
              {"mail": {"subject": "受付しました / Received", "body": "#{{number}} {{subject}}"}}]}},
  {"kind": "trigger", "name": "Waiting", "rule": {"on": ["updated"], "if": {"field": "status", "value": "pending"},
     "then": [{"add_tags": ["waiting"]}]}}
 ]}'

# ---- refused requests ----
agent GET /api/v1/rules; is "$ST" 403 "agent role: GET rules refused"
agent POST /api/v1/rules '{"kind":"priority","name":"x","rule":{"priority":"high"}}'; is "$ST" 403 "agent role: POST rule refused"
agent POST /api/v1/workflow/import "$CONFIG"; is "$ST" 403 "agent role: import refused"
sup POST /api/v1/workflow/import "$CONFIG"; is "$ST" 403 "supervisor: import is admin-only"
is "$(code -b "$A" -H 'Content-Type: application/json' -X POST -d '{"kind":"priority","name":"x","rule":{"priority":"high"}}' "$BASE/api/v1/rules")" 403 \
	"POST rule without CSRF token: 403"
is "$(code -H 'Content-Type: application/json' -X POST -d '{}' "$BASE/api/v1/rules/test")" 401 "no session: 401"
admin POST /api/v1/rules '{"kind": "priority", "name": '; is "$ST/$(j .error.code)" "400/bad_json" "bad JSON: 400"
admin POST /api/v1/rules '{"kind":"priority","name":"x","rule":{"if":{"field":"nope","value":"x"},"priority":"high"}}'
is "$ST/$(j .error.code)" "400/bad_rule" "unknown field in a rule: 400"
is "$(j .error.message)" 'unknown field "nope"' "…saying what is wrong"
admin POST /api/v1/rules '{"kind":"routing","name":"x","rule":{"group":"Nowhere"}}'; is "$ST" 400 "routing rule to a missing group: 400"
admin POST /api/v1/rules '{"kind":"trigger","name":"x","rule":{"then":[{"mail":{"subject":"a\r\nBcc: e@vil","body":"b"}}]}}'
is "$ST" 400 "mail subject with CRLF: 400"
admin POST /api/v1/rules '{"kind":"priority","name":"x","rule":{"priority":"high"},"colour":"red"}'; is "$ST" 400 "unknown body field: 400"
is "$(sql "$W" "SELECT count(*) FROM triage_rules")" 0 "nothing refused was stored"

# ---- import / export ----
admin POST /api/v1/workflow/import "$CONFIG"; is "$ST/$(j .rules)" "200/7" "admin imports the configuration (7 rules)"
admin GET /api/v1/workflow/export
is "$(j '.rules | length')/$(j '[.groups[] | select(.name=="VIP")][0].strategy')/$(j '[.agents[] | select(.email=="senior@example.com")][0].senior')" \
	"7/vip/true" "export gives back rules, strategies and agent profiles"
is "$(j '[.groups[] | select(.name=="Support")][0].escalation_group')" "VIP" "…and escalation groups by name"
printf '%s' "$R" > "$TMPROOT/export.json"
admin POST /api/v1/workflow/import "$(cat "$TMPROOT/export.json")"; is "$ST/$(j .rules)" "200/7" "the export imports again as is"
admin POST /api/v1/workflow/import '{"version": 1, "rules": [{"kind": "priority", "name": "bad", "rule": {"priority": "hot"}}]}'
is "$ST" 400 "an import with a bad rule: 400"
is "$(sql "$W" "SELECT count(*) FROM triage_rules")" 7 "…and the configuration is unchanged (all or nothing)"

# ---- a VIP customer's urgent mail ----
mail 'Sato <sato@bigcorp.co.jp>' 'Hello' 'v1@bigcorp.co.jp' | mado -w "$W" ingest
wait_tickets "$W" 1 100
is "$(sql "$W" "SELECT priority||'|'||coalesce(assignee_id,0) FROM tickets WHERE id=1")" "normal|$AGENT_ID" \
	"first mail (not VIP yet): normal, round-robin to the Support agent"
CUST=$(sql "$W" "SELECT id FROM customers WHERE email='sato@bigcorp.co.jp'")
admin PATCH "/api/v1/customers/$CUST" '{"tier": "vip"}'; is "$ST" 200 "the customer becomes VIP"
BODY='本番環境が停止しています。' mail 'Sato <sato@bigcorp.co.jp>' '【至急】ｼｽﾃﾑ停止' 'v2@bigcorp.co.jp' | mado -w "$W" ingest
wait_tickets "$W" 2 100
mado -w "$W" ticket show 2 --json > "$TMPROOT/show.json"
is "$(jq -r .priority "$TMPROOT/show.json")" urgent "VIP + urgent keyword: urgent"
is "$(jq -r .priority_reason.en "$TMPROOT/show.json")" "urgent: VIP customer + 'システム停止' in subject" \
	"mado ticket show --json: the reason (en)"
is "$(jq -r .priority_reason.ja "$TMPROOT/show.json")" "緊急: VIP顧客 + 件名に「システム停止」" "…and (ja)"
is "$(jq -r .category "$TMPROOT/show.json")" outage "category from a rule"
mado -w "$W" ticket show 2 | grep -q "^Why: urgent: VIP customer"; ok $? "plain ticket show prints the reason"
admin GET /api/v1/tickets/2
is "$(j .priority_reason.en)" "urgent: VIP customer + 'システム停止' in subject" "the API shows the reason"
is "$(j .group_id)/$(j .assignee_id)" "$VIP/$SENIOR_ID" "routed to the VIP group's senior agent"
is "$(j '[.events[] | select(.kind=="routing" and .field=="assignee_id")][0].new')" \
	"group 'VIP' by rule 'VIP to VIP': VIP customer; agent $SENIOR_ID by vip, senior: 0 open (load 0, capacity 5)" \
	"routing decision recorded with its reason"
is "$(j '[.events[] | select(.kind=="trigger")][0].new')" "Urgent alarm on created: priority is urgent" "trigger fire recorded"
is "$(sql "$W" "SELECT count(*) FROM outbox WHERE ticket_id=2 AND kind='notification' AND recipient='senior@example.com'")" 1 \
	"the agent routing chose is told by mail, once"
is "$(sql "$W" "SELECT count(*) FROM ticket_tags WHERE ticket_id=2 AND tag='outage'")/$(sql "$W" "SELECT count(*) FROM webhook_queue WHERE ticket_id=2")" \
	"1/1" "trigger actions: tag added, webhook queued"
is "$(sql "$W" "SELECT count(*) FROM outbox WHERE ticket_id=2 AND kind='notice' AND headers_json LIKE '%Auto-Submitted\",\"auto-generated%'")" 1 \
	"trigger mail queued in the outbox as auto-generated"

# ---- dry run ----
admin POST /api/v1/rules/test '{"ticket": 2}'
is "$ST/$(j .priority.level)" "200/urgent" "dry run: the priority that would come out"
is "$(j '[.rules[] | select(.would_fire)] | length')" 6 "dry run: six rules match ticket 2 (all but the updated trigger)"
is "$(j '[.rules[] | select(.name=="Outage words")][0].why.ja')" "件名に「システム停止」" "…each with why"
sup POST /api/v1/rules/test '{"ticket": 1, "kind": "priority", "rule": {"if": {"field": "subject", "value": "hello"}, "priority": "low"}}'
is "$ST/$(j '.rules[0].matches')/$(j '.rules[0].why.en')" "200/true/subject is hello" "supervisor tries an unsaved rule"
admin POST /api/v1/rules/test '{"ticket": 999}'; is "$ST" 404 "dry run on a missing ticket: 404"
is "$(sql "$W" "SELECT count(*) FROM events WHERE ticket_id=1 AND kind='trigger'")" 0 "the dry run wrote nothing"

# ---- create, edit, order, enable, delete ----
sup POST /api/v1/rules '{"kind":"priority","name":"Down","rule":{"if":{"field":"subject","op":"contains","value":"down"},"priority":"high"}}'
is "$ST/$(j .rule.position)/$(j .rule.enabled)" "201/3/true" "supervisor creates a rule: appended, enabled"
NEW=$(j .rule.id)
sup PATCH "/api/v1/rules/$NEW" '{"enabled": false, "name": "Down (off)"}'
is "$ST/$(j .rule.enabled)/$(j .rule.name)" "200/false/Down (off)" "disable and rename"
sup PATCH "/api/v1/rules/$NEW" '{"rule": {"priority": "bogus"}}'; is "$ST" 400 "edit with a bad rule: 400"
admin GET "/api/v1/rules?kind=priority"; IDS=$(j '[.rules[].id] | reverse | map(tostring) | join(",")')
admin POST /api/v1/rules/order "{\"kind\": \"priority\", \"ids\": [$IDS]}"
is "$ST/$(j '.rules[0].id')" "200/$NEW" "reorder: the last rule is now first"
admin POST /api/v1/rules/order '{"kind": "priority", "ids": [1]}'; is "$ST" 400 "order must list every rule of the kind"
sup DELETE "/api/v1/rules/$NEW"; is "$ST" 200 "delete"
sup GET "/api/v1/rules/$NEW"; is "$ST" 404 "…gone"

# ---- availability, redistribution, updated triggers ----
agent PATCH "/api/v1/agents/$AGENT_ID" '{"available": false}'; is "$ST" 200 "the agent sets themself away"
mail 'Kim <kim@example.net>' 'Question' 'q1@example.net' | mado -w "$W" ingest
wait_tickets "$W" 3 100
is "$(sql "$W" "SELECT coalesce(assignee_id,0) FROM tickets WHERE id=3")" 0 "an away agent gets nothing new (waits in Support)"
agent POST "/api/v1/agents/$AGENT_ID/redistribute"; is "$ST" 403 "agent cannot redistribute"
sup POST "/api/v1/agents/$AGENT_ID/redistribute"; is "$ST/$(j .unassigned)" "200/1" "supervisor redistributes the away agent's ticket"
is "$(sql "$W" "SELECT coalesce(assignee_id,0) FROM tickets WHERE id=1")" 0 "…it is no longer theirs"
admin PATCH /api/v1/tickets/3 '{"status": "pending"}'; is "$ST" 200 "PATCH status pending"
is "$(sql "$W" "SELECT count(*) FROM ticket_tags WHERE ticket_id=3 AND tag='waiting'")" 1 "the 'updated' trigger ran after the change"
admin PATCH "/api/v1/groups/$VIP/routing" '{"strategy": "sideways"}'; is "$ST" 400 "unknown strategy: 400"
agent PATCH "/api/v1/agents/$SENIOR_ID/routing" '{"capacity": 1}'; is "$ST" 403 "agent cannot change routing profiles"
admin PATCH "/api/v1/agents/$SENIOR_ID/routing" '{"shifts": "someday"}'; is "$ST" 400 "bad shift spec: 400"
admin PATCH "/api/v1/agents/$SENIOR_ID/routing" '{"capacity": 1, "skills": ["billing"]}'
is "$ST/$(j .routing.capacity)/$(j '.routing.skills[0]')/$(j .routing.senior)" "200/1/billing/true" "admin sets capacity and skills (senior kept)"

done_testing
