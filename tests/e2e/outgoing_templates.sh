#!/bin/sh
# Mail templates (admins) and canned responses (agents) over HTTP: who may
# read and change them (requests that must be refused), placeholders
# checked when saved, an admin's acknowledgement text used for the next
# ack, restoring the built-in text, a canned response rendered for a
# ticket in the customer's words, and agent replies wrapped in the reply
# template of the customer's language.
# Needs curl, sqlite3 and jq.
. "$(dirname "$0")/lib.sh"
need jq
W=$(new_ws tpl)
echo "outbox.in_serve = false" >>"$W/mado.conf"
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --name Admin --role admin >/dev/null
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add agent@example.com --name 'Ann Lee' --role agent --group Support >/dev/null
MADO_PASSWORD=light-pass-1 mado -w "$W" user add light@example.com --name Lu --role light_agent --group Support >/dev/null
MADO_PASSWORD=other-pass-1 mado -w "$W" user add other@example.com --name Otto --role agent --group Billing >/dev/null
start_server "$W"
A=$TMPROOT/a.jar; G=$TMPROOT/g.jar; L=$TMPROOT/l.jar; O=$TMPROOT/o.jar
ACS=$(login admin@example.com admin-pass-1 "$A"); GCS=$(login agent@example.com agent-pass-1 "$G")
LCS=$(login light@example.com light-pass-1 "$L"); OCS=$(login other@example.com other-pass-1 "$O")
req() {
	_jar=$1; _csrf=$2; _m=$3; _p=$4; shift 4
	if [ $# -gt 0 ]; then
		ST=$(curl -s -o "$TMPROOT/r" -w '%{http_code}' -b "$_jar" -H "X-CSRF-Token: $_csrf" \
			-H 'Content-Type: application/json' -X "$_m" --data-binary "$1" "$BASE$_p")
	else
		ST=$(curl -s -o "$TMPROOT/r" -w '%{http_code}' -b "$_jar" -H "X-CSRF-Token: $_csrf" -X "$_m" "$BASE$_p")
	fi
	R=$(cat "$TMPROOT/r")
}
admin() { req "$A" "$ACS" "$@"; }
agent() { req "$G" "$GCS" "$@"; }
light() { req "$L" "$LCS" "$@"; }
other() { req "$O" "$OCS" "$@"; }
j() { printf '%s\n' "$R" | jq -r "$1"; }
# wait_ack N: the server's drainer moves piped mail in within a second
wait_ack() { i=0; while [ "$(sql "$W" "SELECT count(*) FROM outbox WHERE kind='ack' AND ticket_id=$1")" -lt 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done; }

# ---- templates ----
admin GET /api/v1/admin/templates
is "$ST" 200 "admin lists the templates"
is "$(j '.templates | length')" 10 "…five templates in two languages"
is "$(j '[.templates[] | select(.customized)] | length')" 0 "…all built-in"
agent GET /api/v1/admin/templates; is "$ST" 403 "an agent may not list templates"
light GET /api/v1/admin/templates/ack/en; is "$ST" 403 "a light agent may not read one"
is "$(code "$BASE/api/v1/admin/templates")" 401 "anonymous: 401"
agent PUT /api/v1/admin/templates/ack/en '{"subject":"x","body":"y"}'; is "$ST" 403 "an agent may not change a template"
is "$(sql "$W" "SELECT count(*) FROM mail_templates")" 0 "…nothing stored"
admin PUT /api/v1/admin/templates/ack/en '{"subject":"{{ticket.token}} Got it","body":"Hi {{customer.password}}"}'
is "$ST" 400 "an unknown placeholder is refused"
ok "$(j .error.message | grep -q 'customer.password'; echo $?)" "…and named"
admin PUT /api/v1/admin/templates/ack/en '{"subject":"x","body":"{{ticket.number"}'; is "$ST" 400 "an unclosed placeholder is refused"
admin PUT /api/v1/admin/templates/ack/fr '{"subject":"x","body":"y"}'; is "$ST" 404 "an unknown language is 404"
admin PUT /api/v1/admin/templates/nope/en '{"subject":"x","body":"y"}'; is "$ST" 404 "an unknown template is 404"
admin PUT /api/v1/admin/templates/ack/en '{"subject":"x","body":"y","extra":1}'; is "$ST" 400 "an unknown field is refused"
admin PUT /api/v1/admin/templates/ack/en '{"subject":"{{ticket.token}} Got it: {{ticket.subject}}","body":"Dear {{customer.name}}, ticket {{ticket.number}} is in. <{{ticket.url}}>"}'
is "$ST" 200 "admin replaces the English ack"
is "$(j .customized)" true "…customized"
mail 'Alice Smith <alice@example.org>' 'Printer on fire' 'a1@example.org' | mado -w "$W" ingest
wait_ack 1
is "$(sql "$W" "SELECT body_text FROM outbox WHERE kind='ack' AND ticket_id=1")" "Dear Alice Smith, ticket 1 is in. <http://127.0.0.1:8080/tickets/1>" "the next ack uses it"
is "$(sql "$W" "SELECT headers_json FROM outbox WHERE kind='ack' AND ticket_id=1" | jq -r '.[] | select(.[0]=="Subject") | .[1]')" "[#1] Got it: Printer on fire" "…subject too"
BODY='至急お願いします' mail '=?UTF-8?B?5bGx55SwIOWkqumDjg==?= <taro@example.jp>' '=?UTF-8?B?6KuL5rGC5pu4?=' 'j1@example.jp' | mado -w "$W" ingest
wait_ack 2
ok "$(sql "$W" "SELECT body_text FROM outbox WHERE kind='ack' AND ticket_id=2" | grep -q 'お問い合わせいただきありがとうございます'; echo $?)" "a Japanese customer still gets the built-in Japanese text"
admin DELETE /api/v1/admin/templates/ack/en
is "$ST/$(j .customized)" "200/false" "deleting restores the built-in text"
ok "$(j .body | grep -q 'thank you for contacting us'; echo $?)" "…which is shown"

# ---- the reply wrapper: agent replies go out inside the reply template ----
reply_body() { sql "$W" "SELECT body_text FROM outbox WHERE kind='reply' AND ticket_id=$1 ORDER BY id DESC LIMIT 1"; }
admin POST /api/v1/tickets/1/replies '{"body":"Please unplug it."}'
is "$ST" 201 "an agent reply is queued"
is "$(reply_body 1)" "$(printf 'Please unplug it.\n\n-- \nAdmin\nsupport@localhost')" "…inside the built-in wrapper (signature: agent, support)"
admin PUT /api/v1/admin/templates/reply/en '{"subject":"Re: {{ticket.subject}} {{ticket.token}}","body":"Dear {{customer.name}},\n\n{{reply.body}}\n\nYours, {{agent.name}}"}'
is "$ST" 200 "admin replaces the English reply wrapper"
admin PUT /api/v1/admin/templates/reply/ja '{"subject":"Re: {{ticket.subject}} {{ticket.token}}","body":"{{customer.name}} 様\n\n{{reply.body}}\n\n担当: {{agent.name}}"}'
is "$ST" 200 "…and the Japanese one"
admin POST /api/v1/tickets/1/replies '{"body":"It should work now."}'
is "$(reply_body 1)" "$(printf 'Dear Alice Smith,\n\nIt should work now.\n\nYours, Admin')" "an English customer's reply uses the English wrapper"
admin POST /api/v1/tickets/2/replies '{"body":"Sent today. {{agent.name}}"}'
is "$(reply_body 2)" "$(printf '山田 太郎 様\n\nSent today. {{agent.name}}\n\n担当: Admin')" "a Japanese customer's (written in English by the agent) the Japanese one; the agent's text is never rendered"
is "$(sql "$W" "SELECT body_text FROM messages WHERE direction='out' AND ticket_id=2 AND source LIKE 'agent:%'")" "$(reply_body 2)" "…the conversation keeps what the customer got"
admin DELETE /api/v1/admin/templates/reply/en >/dev/null
admin DELETE /api/v1/admin/templates/reply/ja >/dev/null

# ---- canned responses ----
agent POST /api/v1/canned '{"title":"Restart","body":"Hello {{customer.name}},\n\nplease restart the printer (ticket {{ticket.number}}).\n{{agent.name}}"}'
is "$ST" 201 "an agent creates a canned response"
CID=$(j .id)
light POST /api/v1/canned '{"title":"x","body":"y"}'; is "$ST" 403 "a light agent may not create one"
agent POST /api/v1/canned '{"title":"Bad","body":"{{customer.secret}}"}'; is "$ST" 400 "an unknown placeholder is refused"
agent POST /api/v1/canned '{"title":"","body":"x"}'; is "$ST" 400 "a title is required"
light GET /api/v1/canned
is "$ST/$(j '.canned | length')" "200/1" "a light agent lists them"
admin PATCH /api/v1/tickets/1 '{"group_id": 1}' >/dev/null
light POST "/api/v1/canned/$CID/render" '{"ticket": 1}'
is "$ST" 200 "rendered for a ticket"
is "$(j .body)" "Hello Alice Smith,

please restart the printer (ticket 1).
Lu" "…with the ticket's and the agent's values"
other POST "/api/v1/canned/$CID/render" '{"ticket": 1}'; is "$ST" 404 "not for a ticket the agent cannot see"
light POST "/api/v1/canned/$CID/render" '{"ticket": "1"}'; is "$ST" 400 "the ticket must be a number"
agent PATCH "/api/v1/canned/$CID" '{"title":"Restart it"}'
is "$ST/$(j .title)" "200/Restart it" "an agent renames it"
agent PATCH /api/v1/canned/999 '{"title":"x"}'; is "$ST" 404 "unknown id: 404"
light DELETE "/api/v1/canned/$CID"; is "$ST" 403 "a light agent may not delete it"
agent DELETE "/api/v1/canned/$CID"; is "$ST" 200 "an agent deletes it"
agent DELETE "/api/v1/canned/$CID"; is "$ST" 404 "…once"
done_testing
