#!/bin/sh
# Ticket writes and list filters over HTTP: update, bulk, notes with
# @mentions, replies into the outbox, merge, links, children, saved views,
# custom fields; filters, sort, cursor paging and visible-only totals; and
# for every permission rule a request that must be refused.
# Needs curl, sqlite3 and jq.
. "$(dirname "$0")/lib.sh"
need jq
W=$(new_ws tk)
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --name Admin --role admin >/dev/null
MADO_PASSWORD=super-pass-1 mado -w "$W" user add sup@example.com --name Sue --role supervisor >/dev/null
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add agent@example.com --name 'Ann Lee' --role agent --group Support >/dev/null
MADO_PASSWORD=agent-pass-2 mado -w "$W" user add agent2@example.com --name 'Bob Stone' --role agent --group Billing >/dev/null
MADO_PASSWORD=light-pass-1 mado -w "$W" user add light@example.com --name Lu --role light_agent --group Support >/dev/null
SUPPORT=$(sql "$W" "SELECT id FROM groups WHERE name='Support'")
BILLING=$(sql "$W" "SELECT id FROM groups WHERE name='Billing'")
ADMIN_ID=$(sql "$W" "SELECT id FROM agents WHERE email='admin@example.com'")
AGENT_ID=$(sql "$W" "SELECT id FROM agents WHERE email='agent@example.com'")
AGENT2_ID=$(sql "$W" "SELECT id FROM agents WHERE email='agent2@example.com'")
LIGHT_ID=$(sql "$W" "SELECT id FROM agents WHERE email='light@example.com'")
start_server "$W"

mail 'Alice <alice@example.org>' 'Printer on fire' 'm1@example.org' | mado -w "$W" ingest
mail 'Bob <bob@example.net>' 'Two questions' 'm2@example.net' | mado -w "$W" ingest
mail 'Carol <carol@example.org>' 'Printer still on fire' 'm3@example.org' | mado -w "$W" ingest
mail 'Dave <dave@other.test>' 'Invoice wrong' 'm4@other.test' | mado -w "$W" ingest
wait_tickets "$W" 4
is "$(ntickets "$W")" 4 "four mails ingested into four tickets"

A=$TMPROOT/admin.jar; S=$TMPROOT/sup.jar; G=$TMPROOT/agent.jar; G2=$TMPROOT/agent2.jar; L=$TMPROOT/light.jar
ACS=$(login admin@example.com admin-pass-1 "$A")
SCS=$(login sup@example.com super-pass-1 "$S")
GCS=$(login agent@example.com agent-pass-1 "$G")
G2CS=$(login agent2@example.com agent-pass-2 "$G2")
LCS=$(login light@example.com light-pass-1 "$L")
ok "$(test ${#ACS} -eq 64 && test ${#GCS} -eq 64 && test ${#G2CS} -eq 64 && test ${#LCS} -eq 64 && test ${#SCS} -eq 64; echo $?)" "everyone logged in"

admin() { req "$A" "$ACS" "$@"; }
sup() { req "$S" "$SCS" "$@"; }
agent() { req "$G" "$GCS" "$@"; }
agent2() { req "$G2" "$G2CS" "$@"; }
light() { req "$L" "$LCS" "$@"; }
j() { printf '%s\n' "$R" | jq -r "$1"; }

# ---- PATCH: groups put tickets in queues ----
admin PATCH /api/v1/tickets/1 "{\"group_id\": $SUPPORT}"
is "$ST" 200 "admin PATCH group_id: 200"
is "$(j .group_id)" "$SUPPORT" "…the response is the updated ticket"
is "$(sql "$W" "SELECT group_id FROM tickets WHERE id=1")" "$SUPPORT" "…stored"
is "$(sql "$W" "SELECT actor||'|'||kind||'|'||field||'|'||coalesce(old_value,'NULL')||'|'||new_value FROM events WHERE ticket_id=1 AND field='group_id'")" \
	"agent:$ADMIN_ID|field|group_id|NULL|$SUPPORT" "…with an event (actor, field, old, new)"
admin PATCH /api/v1/tickets/2 "{\"group_id\": $SUPPORT}"; s2=$ST
admin PATCH /api/v1/tickets/3 "{\"group_id\": $SUPPORT}"; s3=$ST
admin PATCH /api/v1/tickets/4 "{\"group_id\": $BILLING}"
is "$s2$s3$ST" 200200200 "tickets 2, 3 in Support, 4 in Billing"
admin PATCH /api/v1/tickets/1 "{\"group_id\": 9999}"
is "$ST" 400 "unknown group: 400"

# ---- visibility: 404 for tickets outside the caller's groups ----
agent GET /api/v1/tickets/1; is "$ST" 200 "agent sees a Support ticket"
agent2 GET /api/v1/tickets/1; is "$ST" 404 "agent outside the group: show is 404"
agent2 PATCH /api/v1/tickets/1 '{"priority":"high"}'; is "$ST" 404 "agent outside the group: PATCH is 404"
agent2 POST /api/v1/tickets/1/notes '{"body":"sneaky"}'; is "$ST" 404 "agent outside the group: note is 404"
agent2 POST /api/v1/tickets/1/replies '{"body":"sneaky"}'; is "$ST" 404 "agent outside the group: reply is 404"
agent2 PATCH /api/v1/tickets/999 '{"priority":"high"}'; is "$ST" 404 "nonexistent ticket: 404, the same"
is "$(sql "$W" "SELECT count(*) FROM notes")$(sql "$W" "SELECT priority FROM tickets WHERE id=1")" "0normal" "…and nothing was written"

# ---- counts never include invisible tickets ----
agent GET /api/v1/tickets; is "$(j .total)" 3 "agent: total counts the 3 visible tickets"
is "$(j '.tickets | length')" 3 "…and lists them"
agent2 GET /api/v1/tickets; is "$(j .total)/$(j '.tickets[0].number')" "1/4" "agent2: total 1 (ticket 4 only)"
admin GET /api/v1/tickets; is "$(j .total)" 4 "admin: total 4"
agent GET '/api/v1/tickets?customer=dave@other.test'; is "$(j .total)" 0 "agent filtering for an invisible customer: total 0"

# ---- roles and CSRF ----
light PATCH /api/v1/tickets/1 '{"priority":"high"}'; is "$ST" 403 "light agent PATCH: 403"
light POST /api/v1/tickets/1/replies '{"body":"hi"}'; is "$ST" 403 "light agent reply: 403"
light POST /api/v1/tickets/1/merge '{"into":2}'; is "$ST" 403 "light agent merge: 403"
light POST /api/v1/tickets/bulk '{"ids":[1],"changes":{"priority":"high"}}'; is "$ST" 403 "light agent bulk: 403"
is "$(code -b "$G" -H 'Content-Type: application/json' -X PATCH -d '{"priority":"high"}' "$BASE/api/v1/tickets/1")" 403 "PATCH without CSRF token: 403"
is "$(code -b "$G" -H 'Content-Type: application/json' -d '{"body":"x"}' "$BASE/api/v1/tickets/1/notes")" 403 "note without CSRF token: 403"
is "$(sql "$W" "SELECT priority FROM tickets WHERE id=1")" normal "…nothing changed"
TOKEN=$(mado -w "$W" user token agent@example.com --name ci)
is "$(code -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -X PATCH -d '{"type":"incident"}' "$BASE/api/v1/tickets/1")" 200 "API token PATCH works without CSRF"
is "$(sql "$W" "SELECT type FROM tickets WHERE id=1")" incident "…and changed the type"
is "$(code -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -X PATCH -d '{"type":"incident"}' "$BASE/api/v1/tickets/4")" 404 "API token of an agent outside the group: 404"

# ---- status transitions ----
agent PATCH /api/v1/tickets/1 '{"status":"open"}'; is "$ST" 200 "new → open"
agent PATCH /api/v1/tickets/1 '{"status":"new"}'; is "$ST" 400 "open → new: 400"
is "$(j .error.code)" bad_transition "…with code bad_transition"
agent PATCH /api/v1/tickets/1 '{"status":"pending"}'; is "$ST" 200 "open → pending"
agent PATCH /api/v1/tickets/1 '{"status":"resolved"}'; is "$ST" 200 "pending → resolved"
agent PATCH /api/v1/tickets/1 '{"status":"on-hold"}'; is "$ST" 400 "resolved → on-hold: 400"
agent PATCH /api/v1/tickets/1 '{"status":"closed"}'; is "$ST" 200 "resolved → closed"
agent PATCH /api/v1/tickets/1 '{"status":"pending"}'; is "$ST" 400 "closed → pending: 400"
ok "$(j .error.message | grep -q 'reopened'; echo $?)" "…the message says a closed ticket can only be reopened"
agent PATCH /api/v1/tickets/1 '{"status":"open"}'; is "$ST" 200 "closed → open (reopen)"
is "$(sql "$W" "SELECT group_concat(old_value||'>'||new_value, ' ') FROM events WHERE ticket_id=1 AND field='status' AND actor='agent:$AGENT_ID'")" \
	"new>open open>pending pending>resolved resolved>closed closed>open" "every status change is an event"
agent PATCH /api/v1/tickets/1 '{"status":"bogus"}'; is "$ST" 400 "unknown status: 400"
agent PATCH /api/v1/tickets/1 '{"priority":"critical"}'; is "$ST" 400 "unknown priority: 400"
agent PATCH /api/v1/tickets/1 '{"type":"rant"}'; is "$ST" 400 "unknown type: 400"
agent PATCH /api/v1/tickets/1 '{"colour":"red"}'; is "$ST" 400 "unknown field: 400"
agent PATCH /api/v1/tickets/1 '{}'; is "$ST" 400 "nothing to change: 400"
agent PATCH /api/v1/tickets/1 'not json'; is "$ST" 400 "malformed JSON: 400"
agent PATCH /api/v1/tickets/1 '{"priority":"urgent","type":"problem"}'; is "$ST/$(j .priority)/$(j .type)" "200/urgent/problem" "priority and type in one request"
n0=$(sql "$W" "SELECT count(*) FROM events")
agent PATCH /api/v1/tickets/1 '{"priority":"urgent"}'
is "$ST/$(sql "$W" "SELECT count(*) FROM events")" "200/$n0" "an unchanged value writes no event"
agent PATCH /api/v1/tickets/1 '{"priority":"high","status":"new"}'
is "$ST/$(sql "$W" "SELECT priority FROM tickets WHERE id=1")" "400/urgent" "a refused request changes nothing (all or nothing)"

# ---- assignee ----
agent PATCH /api/v1/tickets/1 "{\"assignee_id\": $AGENT2_ID}"; is "$ST" 403 "agent assigning outside the ticket's group: 403"
agent PATCH /api/v1/tickets/1 "{\"assignee_id\": $LIGHT_ID}"; is "$ST" 400 "assigning a light agent: 400"
agent PATCH /api/v1/tickets/1 '{"assignee_id": 9999}'; is "$ST" 400 "assigning a nonexistent agent: 400"
agent PATCH /api/v1/tickets/1 '{"assignee_id": "me"}'; is "$ST" 400 "assignee_id of the wrong type: 400"
agent PATCH /api/v1/tickets/1 "{\"assignee_id\": $AGENT_ID}"; is "$ST/$(j .assignee_id)" "200/$AGENT_ID" "agent assigns within the group"
sup PATCH /api/v1/tickets/2 "{\"assignee_id\": $AGENT2_ID}"; is "$ST" 200 "supervisor may assign outside the group"
agent2 GET /api/v1/tickets/2; is "$ST" 200 "…and the assignee now sees that ticket"
agent2 GET /api/v1/tickets; is "$(j .total)" 2 "…and counts it"
sup PATCH /api/v1/tickets/2 '{"assignee_id": null}'; is "$ST/$(j .assignee_id)" "200/null" "unassign with null"
agent2 GET /api/v1/tickets/2; is "$ST" 404 "…and the former assignee no longer sees it"

# ---- tags ----
agent PATCH /api/v1/tickets/1 '{"tags":{"add":["VIP","printer","hardware"]}}'
is "$ST/$(j '.tags | join(",")')" "200/hardware,printer,vip" "tags added (lowercased, sorted)"
agent PATCH /api/v1/tickets/1 '{"tags":{"remove":["hardware"]}}'
is "$(j '.tags | join(",")')" "printer,vip" "tag removed"
is "$(sql "$W" "SELECT count(*) FROM events WHERE ticket_id=1 AND field='tags'")" 4 "each tag change is an event"
agent PATCH /api/v1/tickets/1 '{"tags":{"add":["no spaces"]}}'; is "$ST" 400 "bad tag: 400"
agent PATCH /api/v1/tickets/1 '{"tags":["x"]}'; is "$ST" 400 "tags must be {add, remove}: 400"

# ---- custom fields ----
agent POST /api/v1/fields '{"key":"order_no","label":"Order","type":"number"}'; is "$ST" 403 "agent defining a field: 403"
admin POST /api/v1/fields '{"key":"order_no","label":"Order number","type":"number"}'; is "$ST" 201 "admin defines a number field"
admin POST /api/v1/fields '{"key":"plan","label":"Plan","type":"select","options":["free","pro"]}'; is "$ST" 201 "…a select field"
admin POST /api/v1/fields '{"key":"due","label":"Due","type":"date"}'; is "$ST" 201 "…a date field"
admin POST /api/v1/fields '{"key":"note","label":"Note","type":"text"}'; is "$ST" 201 "…a text field"
admin POST /api/v1/fields '{"key":"plan","label":"Again","type":"text"}'; is "$ST" 409 "duplicate key: 409"
admin POST /api/v1/fields '{"key":"x","label":"X","type":"colour"}'; is "$ST" 400 "unknown type: 400"
admin POST /api/v1/fields '{"key":"y","label":"Y","type":"select"}'; is "$ST" 400 "select without options: 400"
admin POST /api/v1/fields '{"key":"Bad Key","label":"Z","type":"text"}'; is "$ST" 400 "bad key: 400"
light GET /api/v1/fields; is "$ST/$(j '[.fields[].key] | join(",")')" "200/order_no,plan,due,note" "light agent lists the definitions"
agent PATCH /api/v1/tickets/1 '{"custom_fields":{"order_no":42,"plan":"pro","due":"2026-12-01","note":"café ☕"}}'
is "$ST" 200 "typed custom field values set"
is "$(j '.custom_fields.order_no')|$(j '.custom_fields.plan')|$(j '.custom_fields.due')|$(j '.custom_fields.note')" "42|pro|2026-12-01|café ☕" "…and shown typed"
agent PATCH /api/v1/tickets/1 '{"custom_fields":{"plan":"gold"}}'; is "$ST" 400 "select value not among the options: 400"
agent PATCH /api/v1/tickets/1 '{"custom_fields":{"order_no":"42"}}'; is "$ST" 400 "number field given a string: 400"
agent PATCH /api/v1/tickets/1 '{"custom_fields":{"due":"2026-02-30"}}'; is "$ST" 400 "impossible date: 400"
agent PATCH /api/v1/tickets/1 '{"custom_fields":{"nope":1}}'; is "$ST" 400 "unknown field key: 400"
agent PATCH /api/v1/tickets/1 '{"custom_fields":{"plan":null}}'
is "$ST/$(j '.custom_fields.plan')" "200/null" "null clears a value"
is "$(sql "$W" "SELECT old_value||'>'||coalesce(new_value,'NULL') FROM events WHERE ticket_id=1 AND field='custom.plan' ORDER BY id DESC LIMIT 1")" "pro>NULL" "…recorded as an event"

# ---- list filters, sort, paging ----
admin GET '/api/v1/tickets?status=open'; is "$(j '[.tickets[].number] | join(",")')/$(j .total)" "1/1" "status filter"
admin GET '/api/v1/tickets?status=new,open'; is "$(j .total)" 4 "several statuses"
admin GET '/api/v1/tickets?priority=urgent'; is "$(j '[.tickets[].number] | join(",")')" 1 "priority filter"
admin GET '/api/v1/tickets?type=problem'; is "$(j '[.tickets[].number] | join(",")')" 1 "type filter"
admin GET "/api/v1/tickets?group=$BILLING"; is "$(j '[.tickets[].number] | join(",")')" 4 "group filter"
admin GET '/api/v1/tickets?group=none'; is "$(j .total)" 0 "group=none"
agent GET '/api/v1/tickets?assignee=me'; is "$(j '[.tickets[].number] | join(",")')" 1 "assignee=me"
admin GET '/api/v1/tickets?assignee=none'; is "$(j .total)" 3 "assignee=none"
admin GET "/api/v1/tickets?assignee=$AGENT_ID"; is "$(j .total)" 1 "assignee by id"
admin GET '/api/v1/tickets?customer=bob@example.net'; is "$(j '[.tickets[].number] | join(",")')" 2 "customer by email"
cid=$(sql "$W" "SELECT id FROM customers WHERE email='carol@example.org'")
admin GET "/api/v1/tickets?customer=$cid"; is "$(j '[.tickets[].number] | join(",")')" 3 "customer by id"
admin GET '/api/v1/tickets?organization=example.org&sort=created'; is "$(j '[.tickets[].number] | join(",")')" "1,3" "organization by domain"
admin GET '/api/v1/tickets?tag=vip'; is "$(j '[.tickets[].number] | join(",")')" 1 "tag filter"
admin GET '/api/v1/tickets?channel=email'; is "$(j .total)" 4 "channel filter"
admin GET '/api/v1/tickets?created_after=2099-01-01'; is "$ST/$(j .total)" "200/0" "created_after (ISO date) in the future: none"
admin GET '/api/v1/tickets?created_before=2099-01-01T00:00:00%2B09:00'; is "$(j .total)" 4 "created_before with an offset"
admin GET '/api/v1/tickets?updated_after=1000000000&updated_before=4102444800'; is "$(j .total)" 4 "updated range in epoch seconds"
admin GET '/api/v1/tickets?created_after=yesterday'; is "$ST" 400 "bad time: 400"
admin GET '/api/v1/tickets?sort=-priority'; is "$(j '.tickets[0].number')" 1 "sort=-priority puts the urgent ticket first"
admin GET '/api/v1/tickets?sort=subject'; is "$ST" 400 "unknown sort field: 400"
is "$(j .error.message | grep -c sort)" 1 "…with a message naming sort"
admin GET '/api/v1/tickets?sort=created;DROP%20TABLE%20tickets'; is "$ST" 400 "SQL in sort: 400"
admin GET '/api/v1/tickets?group=1%20OR%201=1'; is "$ST" 400 "SQL in group: 400"
admin GET "/api/v1/tickets?channel=email'%20OR%20'1'='1"; is "$ST/$(j .total)" "200/0" "SQL in channel is just a value: 200, no match"
admin GET "/api/v1/tickets?customer=x'%20OR%201=1--@x"; is "$ST/$(j .total)" "200/0" "SQL in customer is just a value"
admin GET "/api/v1/tickets?organization=a.b'%20UNION%20SELECT%201--"; is "$ST/$(j .total)" "200/0" "SQL in organization is just a value"
admin GET "/api/v1/tickets?tag=x'%20OR%201=1"; is "$ST" 400 "SQL in tag: 400 (not a tag)"
is "$(ntickets "$W")" 4 "…and the tickets table is intact"
admin GET '/api/v1/tickets?bogus=1&limit=0'; is "$ST" 400 "limit 0: 400"
# paging: one ticket per page in every sort, each ticket exactly once
for sort in created -created updated -updated priority -priority; do
	seen=""; cursor=""; pages=0
	while [ $pages -lt 10 ]; do
		admin GET "/api/v1/tickets?sort=$sort&limit=1${cursor:+&cursor=$cursor}"
		[ "$ST" = 200 ] || break
		seen="$seen$(j '.tickets[].number') "
		pages=$((pages + 1))
		cursor=$(j '.next_cursor // empty')
		[ -n "$cursor" ] || break
	done
	is "$(echo $seen | tr ' ' '\n' | sort -n | tr '\n' ' ')" "1 2 3 4 " "paging with sort=$sort visits every ticket once"
done
admin GET '/api/v1/tickets?sort=-created&limit=2'; c=$(j .next_cursor)
admin GET "/api/v1/tickets?sort=updated&cursor=$c"; is "$ST" 400 "a cursor of another sort: 400"
admin GET '/api/v1/tickets?cursor=abc'; is "$ST" 400 "a malformed cursor: 400"

# ---- bulk ----
agent POST /api/v1/tickets/bulk '{"ids":[2,3,4,999],"changes":{"priority":"high","tags":{"add":["bulk"]}}}'
is "$ST" 200 "bulk update: 200"
is "$(j '[.results[] | "\(.id):\(.status)"] | join(",")')" "2:200,3:200,4:404,999:404" "…per-ticket results; invisible and missing tickets are 404"
is "$(sql "$W" "SELECT group_concat(x, ',') FROM (SELECT id||priority AS x FROM tickets ORDER BY id)")" "1urgent,2high,3high,4normal" "…and only visible tickets changed"
agent POST /api/v1/tickets/bulk '{"ids":[1,2],"changes":{"status":"new"}}'
is "$(j '[.results[] | "\(.status):\(.changes // 0)"] | join(",")')" "400:0,200:0" "bulk: an invalid transition is refused per ticket (2 is new already: a no-op)"
agent POST /api/v1/tickets/bulk "{\"ids\":[1,2],\"changes\":{\"status\":\"pending\",\"assignee_id\":$AGENT2_ID}}"
is "$(j '[.results[].status] | join(",")')" "403,403" "bulk: the assignee rule applies per ticket"
agent POST /api/v1/tickets/bulk '{"ids":"1","changes":{"priority":"low"}}'; is "$ST" 400 "bulk: ids not an array: 400"
agent POST /api/v1/tickets/bulk '{"ids":[1],"changes":{"priority":"meh"}}'; is "$ST" 400 "bulk: bad changes: 400"

# ---- notes and @mentions ----
light POST /api/v1/tickets/1/notes '{"body":"Checked the logs. @agent@example.com and @Bob Stone, have a look; mail me at lu@example.com."}'
is "$ST" 201 "light agent adds an internal note"
is "$(j '[.mentions[].email] | join(",")')" "agent@example.com,agent2@example.com" "…mentions by email and by name (not a bare address)"
nid=$(j .note.id)
is "$(sql "$W" "SELECT group_concat(agent_id, ',') FROM (SELECT agent_id FROM note_mentions WHERE note_id=$nid ORDER BY agent_id)")" "$AGENT_ID,$AGENT2_ID" "…recorded in note_mentions"
is "$(sql "$W" "SELECT kind||'|'||new_value FROM events WHERE ticket_id=1 AND kind='mention'")" "mention|agent@example.com, agent2@example.com" "…and as an event"
agent GET /api/v1/tickets/1; is "$(j '.notes[0].body' | cut -c1-17)|$(j '.notes[0].agent.email')" "Checked the logs.|light@example.com" "show lists the note"
is "$(sql "$W" "SELECT count(*) FROM messages WHERE body_text LIKE 'Checked the logs%'")" 0 "a note is never a message (never mailed)"
light POST /api/v1/tickets/1/notes '{"body":"   "}'; is "$ST" 400 "empty note: 400"
light POST /api/v1/tickets/4/notes '{"body":"hi"}'; is "$ST" 404 "light agent note outside the group: 404"

# ---- replies ----
n_out=$(sql "$W" "SELECT count(*) FROM outbox")
agent POST /api/v1/tickets/2/replies '{"body":"Answers: yes and no.","cc":["boss@example.net"]}'
is "$ST" 201 "agent reply: 201"
mid=$(j .message.message_id)
ok "$(echo "$mid" | grep -q '@mado\.localhost$'; echo $?)" "…Message-ID on our domain ($mid)"
is "$(sql "$W" "SELECT direction||'|'||ticket_id||'|'||body_text FROM messages WHERE message_id='$mid'")" "$(printf 'out|2|Answers: yes and no.\n\n-- \nAnn Lee\nsupport@localhost')" "…stored as an outgoing message, as sent (inside the reply template)"
is "$(sql "$W" "SELECT ticket_id FROM thread_ids WHERE message_id='$mid'")" 2 "…registered in thread_ids"
is "$(sql "$W" "SELECT o.status||'|'||o.rcpt_json FROM outbox o JOIN messages m ON m.id=o.message_id WHERE m.message_id='$mid'")" \
	'queued|["bob@example.net","boss@example.net"]' "…queued in the outbox with its recipients"
hdr=$(sql "$W" "SELECT headers_json FROM outbox ORDER BY id DESC LIMIT 1")
ok "$(echo "$hdr" | jq -e '[.[] | select(.[0]=="In-Reply-To")][0][1] == "<m2@example.net>"' >/dev/null; echo $?)" "…In-Reply-To the customer's mail"
ok "$(echo "$hdr" | jq -e '[.[] | select(.[0]=="Subject")][0][1] == "Re: Two questions [#2]"' >/dev/null; echo $?)" "…Subject with the ticket token"
ok "$(echo "$hdr" | jq -e '[.[] | select(.[0]=="Reply-To")][0][1] | test("^support\\+2\\.[a-z2-7]{12}@localhost$")' >/dev/null; echo $?)" "…Reply-To the signed reply address"
is "$(sql "$W" "SELECT status FROM tickets WHERE id=2")" open "…and answering a new ticket opens it"
is "$(sql "$W" "SELECT role FROM participants WHERE ticket_id=2 AND email='boss@example.net'")" cc "…the cc is a participant"
mail 'Bob <bob@example.net>' 'Re: Two questions [#2]' 'm2b@example.net' "In-Reply-To: <$mid>" | mado -w "$W" ingest
i=0; while [ "$(sql "$W" "SELECT count(*) FROM messages WHERE message_id='m2b@example.net'")" -lt 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='m2b@example.net'")" 2 "the customer's answer to our reply threads into the ticket"
agent POST /api/v1/tickets/2/replies '{"body":"x","cc":["a@b.test\r\nBcc: victim@evil.test"]}'; is "$ST" 400 "header injection in cc: 400"
agent POST /api/v1/tickets/2/replies '{"body":"x","upload_ids":["not-mine"]}'; is "$ST" 400 "unknown upload: 400"
agent POST /api/v1/tickets/2/replies '{"body":""}'; is "$ST" 400 "empty reply: 400"
is "$(sql "$W" "SELECT count(*) FROM outbox")/$(sql "$W" "SELECT count(*) FROM messages WHERE direction='out' AND source NOT LIKE 'notice:%'")" "$((n_out + 1))/1" "refused replies leave no message and no outbox row (same transaction)"

# ---- links ----
agent POST /api/v1/tickets/1/links '{"ticket":2}'; is "$ST" 201 "link 1 and 2"
agent POST /api/v1/tickets/2/links '{"ticket":1}'; is "$ST/$(j .created)" "200/false" "linking again (either way round) is a no-op"
agent POST /api/v1/tickets/1/links '{"ticket":4}'; is "$ST" 404 "linking to an invisible ticket: 404"
agent POST /api/v1/tickets/1/links '{"ticket":1}'; is "$ST" 400 "linking to itself: 400"
agent GET /api/v1/tickets/2; is "$(j '.links | join(",")')" 1 "show lists the link"
is "$(sql "$W" "SELECT count(*) FROM events WHERE kind='link'")" 2 "one link event on each ticket"

# ---- children (split) ----
m3=$(sql "$W" "SELECT id FROM messages WHERE message_id='m2b@example.net'")
agent POST /api/v1/tickets/2/children "{\"subject\":\"Second question\",\"message_ids\":[$m3]}"
is "$ST" 201 "split a message into a child ticket"
child=$(j .ticket)
is "$(sql "$W" "SELECT parent_id||'|'||group_id||'|'||customer_id FROM tickets WHERE id=$child")" "2|$SUPPORT|$(sql "$W" "SELECT customer_id FROM tickets WHERE id=2")" "…child points to its parent, same group and customer"
is "$(sql "$W" "SELECT ticket_id FROM messages WHERE id=$m3")" "$child" "…the message moved to the child"
is "$(sql "$W" "SELECT ticket_id FROM thread_ids WHERE message_id='m2b@example.net'")" "$child" "…and replies to it thread into the child"
agent GET /api/v1/tickets/2; is "$(j '.children | join(",")')" "$child" "parent shows its child"
m4=$(sql "$W" "SELECT id FROM messages WHERE message_id='m4@other.test'")
agent POST /api/v1/tickets/2/children "{\"subject\":\"steal\",\"message_ids\":[$m4]}"; is "$ST" 400 "a message of another ticket: 400"
agent POST /api/v1/tickets/2/children '{"subject":"a\r\nb","message_ids":[1]}'; is "$ST" 400 "multi-line subject: 400"
agent2 POST /api/v1/tickets/2/children "{\"subject\":\"x\",\"message_ids\":[$m3]}"; is "$ST" 404 "split by an agent outside the group: 404"

# ---- merge ----
agent POST /api/v1/tickets/3/merge '{"into":4}'; is "$ST" 404 "merge into an invisible ticket: 404"
agent POST /api/v1/tickets/3/merge '{"into":3}'; is "$ST" 400 "merge into itself: 400"
agent POST /api/v1/tickets/3/merge '{"into":1}'; is "$ST" 200 "merge 3 into 1"
is "$(sql "$W" "SELECT status||'|'||merged_into FROM tickets WHERE id=3")" "closed|1" "…the merged ticket is closed and points to 1"
is "$(sql "$W" "SELECT count(*) FROM messages WHERE ticket_id=3")|$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='m3@example.org'")" "0|1" "…its thread moved"
is "$(sql "$W" "SELECT ticket_id FROM thread_ids WHERE message_id='m3@example.org'")" 1 "…its Message-IDs moved"
is "$(sql "$W" "SELECT role FROM participants WHERE ticket_id=1 AND email='carol@example.org'")|$(sql "$W" "SELECT count(*) FROM participants WHERE ticket_id=3")" "cc|0" "…its participants moved (requester as cc)"
is "$(sql "$W" "SELECT count(*) FROM events WHERE kind='merge' AND ((ticket_id=3 AND new_value='1') OR (ticket_id=1 AND new_value='3'))")" 2 "…events on both tickets"
agent PATCH /api/v1/tickets/3 '{"status":"open"}'; is "$ST" 400 "a merged ticket cannot be reopened"
agent POST /api/v1/tickets/3/merge '{"into":2}'; is "$ST" 400 "merging a merged ticket again: 400"
agent POST /api/v1/tickets/2/merge '{"into":3}'; is "$ST" 400 "merging into a merged ticket: 400"
agent POST /api/v1/tickets/2/merge '{"into":"1"}'; is "$ST" 400 "merge target of the wrong type: 400"
agent POST /api/v1/tickets/3/replies '{"body":"hello"}'; is "$ST/$(j .error.code)" "400/merged" "a reply on a merged ticket: 400 merged"
agent POST /api/v1/tickets/3/children '{"subject":"x","message_ids":[1]}'; is "$ST/$(j .error.code)" "400/merged" "splitting a merged ticket: 400 merged"
agent POST /api/v1/tickets/999/replies '{"body":"hello"}'; is "$ST/$(j .error.message)" "404/no such ticket" "a reply on an unknown ticket: 404"
is "$(sql "$W" "SELECT count(*) FROM messages WHERE ticket_id=3")|$(sql "$W" "SELECT count(*) FROM tickets WHERE parent_id=3")" "0|0" "…refused replies and splits wrote nothing"

# ---- saved views ----
agent POST /api/v1/views '{"name":"My urgent","query":{"priority":"urgent","assignee":"me"}}'; is "$ST" 201 "agent saves a private view"
mine=$(j .view.id)
agent POST /api/v1/views '{"name":"Team","query":{},"shared":true}'; is "$ST" 403 "agent creating a shared view: 403"
sup POST /api/v1/views '{"name":"All open","query":{"status":"open,pending","sort":"-updated"},"shared":true}'; is "$ST" 201 "supervisor saves a shared view"
shared=$(j .view.id)
agent POST /api/v1/views '{"name":"Bad","query":{"sort":"subject"}}'; is "$ST" 400 "a view with an unknown sort: 400"
agent POST /api/v1/views '{"name":"Bad","query":{"drop":"table"}}'; is "$ST" 400 "a view with an unknown filter: 400"
light POST /api/v1/views '{"name":"Light","query":{"tag":"vip"}}'; is "$ST" 201 "light agent saves a private view"
agent GET /api/v1/views; is "$(j '[.views[].name] | join(",")')" "My urgent,All open" "agent sees own and shared views"
agent2 GET /api/v1/views; is "$(j '[.views[].name] | join(",")')" "All open" "another agent sees only the shared one"
agent2 DELETE "/api/v1/views/$mine"; is "$ST" 404 "deleting someone else's private view: 404"
agent DELETE "/api/v1/views/$shared"; is "$ST" 403 "agent deleting a shared view of someone else: 403"
is "$(code -b "$G" -X DELETE "$BASE/api/v1/views/$mine")" 403 "delete without CSRF: 403"
agent DELETE "/api/v1/views/$mine"; is "$ST" 200 "owner deletes a private view"
sup DELETE "/api/v1/views/$shared"; is "$ST" 200 "supervisor deletes a shared view"
is "$(sql "$W" "SELECT count(*) FROM saved_views")" 1 "…gone from the database"

# ---- an agent may hand a ticket to another queue, and then no longer sees it ----
agent PATCH "/api/v1/tickets/$child" "{\"group_id\": $BILLING}"
is "$ST/$(j .visible)" "200/false" "agent moves a ticket to another group: 200, no longer visible"
agent GET "/api/v1/tickets/$child"; is "$ST" 404 "…and it is 404 for them now"
agent2 GET "/api/v1/tickets/$child"; is "$ST" 200 "…and visible to the other group"

# ---- a busy database is 503, and the server recovers ----
( sqlite3 "$W/mado.db" "BEGIN IMMEDIATE; INSERT INTO quarantine(raw_sha256,reason,created_at) VALUES('x','lock',0);" ".system sleep 7" "COMMIT;" >/dev/null 2>&1 ) &
lockpid=$!
sleep 0.5
agent PATCH /api/v1/tickets/1 '{"priority":"low"}'
is "$ST" 503 "write while another process holds the database past the busy timeout: 503"
wait $lockpid
agent PATCH /api/v1/tickets/1 '{"priority":"low"}'; is "$ST" 200 "…and works again afterwards"
is "$(code "$BASE/healthz")" 200 "server still up"
stop_server
is "$(grep -cE 'AddressSanitizer|LeakSanitizer|runtime error' "$TMPROOT"/serve.*.log)" 0 "no sanitizer report from the server (leaks are checked at exit)"
done_testing
