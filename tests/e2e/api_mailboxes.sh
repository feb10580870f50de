#!/bin/sh
# Mailboxes managed over HTTP while mado serve runs, and what they do
# (with the read-only settings, GET /api/v1/admin/mailbox):
# mado.conf's address is in the table at start; an admin creates, edits,
# deactivates and deletes mailboxes (supervisors and agents get 403, a
# write without the CSRF token 403, bad input 400/409 with the field and
# the reason in English and Japanese); mail to sales@ lands in the Sales
# group with the mailbox on the ticket; the ack and the agent's reply go
# out From sales@ with its name (checked in the mail smtp-sink captured),
# then From its reply address once one is set; mail from sales@ (not in
# mado.conf) is our own mail coming back: no ticket.
# Needs curl, sqlite3, jq and smtp-sink (Debian postfix).
. "$(dirname "$0")/lib.sh"
need jq smtp-sink

W=$(new_ws mboxes)
SP=$(free_port)
SP=$((SP + 11))
cat >>"$W/mado.conf" <<CONF
mailbox.addresses = help@example.co.jp
mailbox.from_name = Example サポート
mailbox.msgid_domain = mado.example.co.jp
outbox.relay_host = 127.0.0.1
outbox.relay_port = $SP
outbox.relay_tls = none
outbox.in_serve = false
CONF
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --name Admin --role admin >/dev/null
MADO_PASSWORD=super-pass-1 mado -w "$W" user add sup@example.com --name Sue --role supervisor >/dev/null
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add agent@example.com --name Ann --role agent >/dev/null
start_server "$W"
A=$TMPROOT/a.jar; S=$TMPROOT/s.jar; G=$TMPROOT/g.jar
ACS=$(login admin@example.com admin-pass-1 "$A"); SCS=$(login sup@example.com super-pass-1 "$S")
GCS=$(login agent@example.com agent-pass-1 "$G")
MB=/api/v1/admin/mailboxes
j() { printf '%s' "$R" | jq -r "$1"; }

# ---- the list starts with mado.conf's address ----
req "$A" "$ACS" GET $MB
is "$ST" 200 "an admin lists the mailboxes"
is "$(j '[.mailboxes[].address]|join(",")')" help@example.co.jp "…mado.conf's address is in the table"
is "$(j '.mailboxes[0].name')" "Example サポート" "…named by mailbox.from_name"
HELP=$(j '.mailboxes[0].id')

# ---- who may ----
req "$S" "$SCS" GET $MB; is "$ST" 403 "a supervisor may not list them"
req "$G" "$GCS" GET $MB; is "$ST" 403 "an agent may not list them"
req "$S" "$SCS" POST $MB '{"address":"x@example.co.jp"}'; is "$ST" 403 "a supervisor may not create one"
req "$G" "$GCS" POST $MB '{"address":"x@example.co.jp"}'; is "$ST" 403 "an agent may not create one"
req "$S" "$SCS" PATCH "$MB/$HELP" '{"name":"x"}'; is "$ST" 403 "a supervisor may not edit one"
req "$G" "$GCS" DELETE "$MB/$HELP"; is "$ST" 403 "an agent may not delete one"
is "$(code -b "$A" -X POST -H 'Content-Type: application/json' -d '{"address":"x@example.co.jp"}' "$BASE$MB")" 403 \
	"an admin's write without the CSRF token: 403"
is "$(code "$BASE$MB")" 401 "anonymous: 401"
is "$(sql "$W" "SELECT count(*) FROM mailboxes")" 1 "…none of them wrote anything"

# ---- create, with a group ----
req "$A" "$ACS" POST /api/v1/groups '{"name":"Sales"}'
SALES_G=$(j .group.id)
req "$A" "$ACS" POST $MB "{\"address\":\"Sales@Example.co.jp\",\"name\":\"Example Sales\",\"group_id\":$SALES_G}"
is "$ST" 201 "an admin creates sales@"
is "$(j .address)|$(j .group)|$(j .active)|$(j .reply_address)" "sales@example.co.jp|Sales|true|" \
	"…stored lowercase, with its group, active, replying from itself"
SALES=$(j .id)

# ---- bad input: refused with the field and the reason in en and ja ----
req "$A" "$ACS" POST $MB '{"address":"not an address"}'
is "$ST|$(j .error.code)|$(j .error.field)" "400|bad_field|address" "a non-address is refused"
is "$(j .error.message_ja)" "アドレスは support@example.com のようなメールアドレスにしてください" "…with the reason in Japanese"
req "$A" "$ACS" POST $MB '{"address":"evil@example.co.jp\r\nBcc: victim@example.org"}'
is "$ST|$(j .error.message)" "400|address must not contain a line break" "CR/LF in an address is refused"
req "$A" "$ACS" POST $MB '{"address":"ok@example.co.jp","name":"Evil\r\nBcc: victim@example.org"}'
is "$ST|$(j .error.field)" "400|name" "CR/LF in a name is refused"
req "$A" "$ACS" POST $MB '{"address":"ok@example.co.jp","reply_address":"Name <a@example.co.jp>"}'
is "$ST|$(j .error.field)" "400|reply_address" "a reply address with a display name is refused"
req "$A" "$ACS" POST $MB '{"address":"SALES@example.co.jp"}'
is "$ST|$(j .error.code)|$(j .error.message)" "409|duplicate|another mailbox already has this address" \
	"an address already taken (in another case) is refused"
req "$A" "$ACS" POST $MB '{"address":"ok@example.co.jp","group_id":9999}'
is "$ST|$(j .error.field)" "400|group_id" "a group that does not exist is refused"
req "$A" "$ACS" POST $MB '{"address":"ok@example.co.jp","color":"red"}'
is "$ST|$(j .error.field)" "400|color" "an unknown field is refused"
req "$A" "$ACS" PATCH "$MB/$SALES" '{"address":"help@example.co.jp"}'
is "$ST|$(j .error.code)" "409|duplicate" "renaming onto another mailbox's address is refused"
req "$A" "$ACS" PATCH "$MB/9999" '{"name":"x"}'; is "$ST" 404 "editing a mailbox that does not exist: 404"
is "$(sql "$W" "SELECT count(*)||'|'||group_concat(address) FROM mailboxes")" "2|help@example.co.jp,sales@example.co.jp" \
	"…nothing refused was written"

# ---- intake: mail to sales@ lands in Sales, under the running server ----
inmail() {  # inmail FROM TO SUBJECT MSGID
	printf 'From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s>\nDate: Mon, 23 Nov 2026 10:00:00 +0900\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nHello, a question about prices.\n' \
		"$1" "$2" "$3" "$4" | mado -w "$W" ingest
}
inmail 'Bob <bob@customer.example>' 'Example Sales <sales@example.co.jp>' 'Price list' 'm1@customer.example'
wait_tickets "$W" 1
is "$(sql "$W" "SELECT mailbox||'|'||coalesce(group_id,0) FROM tickets WHERE id=1")" "sales@example.co.jp|$SALES_G" \
	"mail to sales@ is a ticket of the Sales group, its mailbox kept"
ok "$(sql "$W" "SELECT new_value FROM events WHERE ticket_id=1 AND kind='routing' AND field='group_id'" | grep -q "by mailbox sales@example.co.jp"; echo $?)" \
	"…and the routing event says it was the mailbox"
inmail 'Carol <carol@customer.example>' 'help@example.co.jp' 'Login problem' 'm2@customer.example'
wait_tickets "$W" 2
is "$(sql "$W" "SELECT mailbox||'|'||coalesce(group_id,0) FROM tickets WHERE id=2")" "help@example.co.jp|0" \
	"mail to help@ (no group) stays unrouted"

# ---- what goes out: From the address the customer wrote to ----
sink "$TMPROOT/out" "$SP"
send() { mado -w "$W" outbox run >/dev/null; }
mailto() { grep -l "^To: .*$1" "$TMPROOT/out"/* 2>/dev/null | head -1; }
send
F=$(mailto bob@customer.example)
ok "$(grep -q '^From: Example Sales <sales@example.co.jp>' "$F"; echo $?)" "the ack to Bob is From sales@ with its name"
ok "$(grep -Eq '^Reply-To: .*sales\+1\.' "$F"; echo $?)" "…replies to it go to sales@'s signed address"
F=$(mailto carol@customer.example)
ok "$(grep -q '^From: =?[Uu][Tt][Ff]-8?.*<help@example.co.jp>' "$F"; echo $?)" "the ack to Carol is From help@ with its Japanese name, encoded"
rm -f "$TMPROOT/out"/*
req "$A" "$ACS" POST /api/v1/tickets/1/replies '{"body":"Here is the price list."}'
is "$ST" 201 "the admin replies to Bob"
send
F=$(mailto bob@customer.example)
ok "$(grep -q '^From: Example Sales <sales@example.co.jp>' "$F"; echo $?)" "…the reply is From sales@ with its name"

# ---- edits take effect at once ----
req "$A" "$ACS" PATCH "$MB/$SALES" '{"reply_address":"sales-team@example.co.jp","name":"Sales Team"}'
is "$ST|$(j .reply_address)|$(j .name)" "200|sales-team@example.co.jp|Sales Team" "the admin sets a reply address and a new name"
rm -f "$TMPROOT/out"/*
req "$A" "$ACS" POST /api/v1/tickets/1/replies '{"body":"And the catalogue."}'
send
F=$(mailto bob@customer.example)
ok "$(grep -q '^From: Sales Team <sales-team@example.co.jp>' "$F"; echo $?)" "…the next reply is From the reply address with the new name"
req "$A" "$ACS" PATCH "$MB/$SALES" '{"active":false}'
is "$ST|$(j .active)" "200|false" "the admin deactivates sales@"
inmail 'Dave <dave@customer.example>' 'sales@example.co.jp' 'Bulk order' 'm4@customer.example'
wait_tickets "$W" 3
is "$(sql "$W" "SELECT mailbox||'|'||coalesce(group_id,0) FROM tickets WHERE subject='Bulk order'")" "|0" \
	"mail to an inactive mailbox is not routed by it"
inmail 'Sales <sales@example.co.jp>' 'help@example.co.jp' 'Looping back' 'm5@example.co.jp'
_i=0; while [ "$(sql "$W" "SELECT count(*) FROM messages WHERE message_id='m5@example.co.jp'")" = 0 ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
is "$(sql "$W" "SELECT count(*) FROM messages WHERE message_id='m5@example.co.jp' AND ticket_id IS NULL")" 1 \
	"mail from sales@ (a mailbox, not in mado.conf) is our own: stored without a ticket"

# ---- delete ----
req "$A" "$ACS" DELETE "$MB/$SALES"; is "$ST|$(j .deleted)" "200|true" "the admin deletes sales@"
req "$A" "$ACS" DELETE "$MB/$HELP"
is "$ST|$(j .error.code)" "409|last_mailbox" "the last mailbox cannot be deleted"
ok "$(j .error.message_ja | grep -q '最後のメールボックス'; echo $?)" "…said in Japanese too"
req "$A" "$ACS" DELETE "$MB/$SALES"; is "$ST" 404 "deleting it again: 404"
req "$A" "$ACS" GET /api/v1/admin/mailbox
is "$ST|$(j '.addresses|join(",")')|$(j .reply_address)" "200|help@example.co.jp|help@example.co.jp" \
	"the settings show the mailboxes left, the first replying"
is "$(j .from_name)|$(j .msgid_domain)" "Example サポート|mado.example.co.jp" "…its name and mado.conf's Message-ID domain"
req "$S" "$SCS" GET /api/v1/admin/mailbox; is "$ST" 403 "a supervisor may not read the settings"
req "$G" "$GCS" GET /api/v1/admin/mailbox; is "$ST" 403 "an agent may not read the settings"
is "$(code -b "$A" -H "X-CSRF-Token: $ACS" -X PATCH -H 'Content-Type: application/json' -d '{"from_name":"x"}' "$BASE/api/v1/admin/mailbox")" 405 \
	"the settings are not written over HTTP (mado.conf)"
done_testing
