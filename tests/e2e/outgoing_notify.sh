#!/bin/sh
# Agent notifications by mail (smtp-sink captures them): new ticket in my
# group, assigned to me, customer replied, mention, and my reply bounced
# with a 5xx; each agent's own settings (GET/PATCH /api/v1/me/notifications)
# turn them off; nothing goes to the agent who acted.
# Needs curl, sqlite3, jq and smtp-sink (Debian postfix).
. "$(dirname "$0")/lib.sh"
need jq smtp-sink
W=$(new_ws notify)
SP=$(( $(free_port) + 13 ))
cat >>"$W/mado.conf" <<CONF
mailbox.addresses = support@example.com
outbox.relay_port = $SP
outbox.relay_tls = none
outbox.in_serve = false
ack.enabled = false
CONF
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --name Admin --role admin >/dev/null
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add ann@example.com --name 'Ann Lee' --role agent --group Support >/dev/null
MADO_PASSWORD=agent-pass-2 mado -w "$W" user add bob@example.com --name 'Bob Stone' --role agent --group Support >/dev/null
SUPPORT=$(sql "$W" "SELECT id FROM groups WHERE name='Support'")
ANN=$(sql "$W" "SELECT id FROM agents WHERE email='ann@example.com'")
start_server "$W"
A=$TMPROOT/a.jar; G=$TMPROOT/g.jar
ACS=$(login admin@example.com admin-pass-1 "$A"); GCS=$(login ann@example.com agent-pass-1 "$G")
req() {
	_jar=$1; _csrf=$2; _m=$3; _p=$4; shift 4
	ST=$(curl -s -o "$TMPROOT/r" -w '%{http_code}' -b "$_jar" -H "X-CSRF-Token: $_csrf" \
		-H 'Content-Type: application/json' -X "$_m" ${1:+--data-binary "$1"} "$BASE$_p")
	R=$(cat "$TMPROOT/r")
}
admin() { req "$A" "$ACS" "$@"; }
ann() { req "$G" "$GCS" "$@"; }
notes_to() { sql "$W" "SELECT count(*) FROM outbox WHERE kind='notification' AND recipient='$1'"; }
last_subject() { sql "$W" "SELECT headers_json FROM outbox WHERE kind='notification' AND recipient='$1' ORDER BY id DESC LIMIT 1" | jq -r '.[] | select(.[0]=="Subject") | .[1]'; }

mail 'Alice <alice@example.org>' 'Printer on fire' 'c1@example.org' | mado -w "$W" ingest
wait_tickets "$W" 1

admin PATCH /api/v1/tickets/1 "{\"group_id\": $SUPPORT}"
is "$ST" 200 "the ticket goes to Support"
is "$(notes_to ann@example.com)/$(notes_to bob@example.com)/$(notes_to admin@example.com)" "1/1/0" "both members hear of the new ticket in their group"
is "$(last_subject ann@example.com)" "[#1] New in your group: Printer on fire" "…with the ticket in the subject"

admin PATCH /api/v1/tickets/1 "{\"assignee_id\": $ANN}"
is "$(notes_to ann@example.com)" 2 "Ann hears she was assigned"
is "$(last_subject ann@example.com)" "[#1] Assigned to you: Printer on fire" "…subject"

mail 'Alice <alice@example.org>' 'Re: Printer on fire' 'c2@example.org' 'In-Reply-To: <c1@example.org>' | mado -w "$W" ingest
i=0; while [ "$(notes_to ann@example.com)" -lt 3 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(last_subject ann@example.com)" "[#1] The customer replied: Printer on fire" "the assignee hears the customer replied"
is "$(notes_to bob@example.com)" 1 "…the other member does not"

admin POST /api/v1/tickets/1/notes '{"body":"@bob@example.com can you check the toner?"}'
is "$(last_subject bob@example.com)" "[#1] You were mentioned: Printer on fire" "a mentioned agent hears of it"
ann POST /api/v1/tickets/1/notes '{"body":"@ann@example.com note to self"}'
is "$(notes_to ann@example.com)" 3 "…but not when mentioning oneself"

# settings
ann GET /api/v1/me/notifications
is "$R" '{"new_in_group":true,"assigned":true,"customer_replied":true,"mention":true}' "all notifications on by default"
ann PATCH /api/v1/me/notifications '{"customer_replied": false}'
is "$ST/$(printf '%s' "$R" | jq -c .)" '200/{"new_in_group":true,"assigned":true,"customer_replied":false,"mention":true}' "Ann turns off customer replies"
ann PATCH /api/v1/me/notifications '{"customer_replied": "no"}'; is "$ST" 400 "a non-boolean is refused"
ann PATCH /api/v1/me/notifications '{"everything": false}'; is "$ST" 400 "an unknown setting is refused"
is "$(code -X PATCH -H 'Content-Type: application/json' -d '{"mention":false}' "$BASE/api/v1/me/notifications")" 401 "anonymous: 401"
mail 'Alice <alice@example.org>' 'Re: Printer on fire' 'c3@example.org' 'In-Reply-To: <c1@example.org>' | mado -w "$W" ingest
i=0; while [ "$(sql "$W" "SELECT count(*) FROM messages WHERE message_id='c3@example.org'")" -lt 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(notes_to ann@example.com)" 3 "…and gets none for the next one"

# the mails themselves
sink "$TMPROOT/cap" "$SP"
out=$(mado -w "$W" outbox run)
is "$out" "sent 5, retry later 0, failed 0" "the notifications are sent"
C=$(grep -l 'Assigned to you' "$TMPROOT/cap"/* | head -1)
ok "$(grep -q '^X-Mail-Args: <>' "$C" && grep -q '^Auto-Submitted: auto-generated' "$C" && grep -q '^To: Ann Lee <ann@example.com>' "$C"; echo $?)" "null sender, Auto-Submitted: auto-generated, to the agent"

# a reply that bounces with a 5xx: its author hears of it
ann POST /api/v1/tickets/1/replies '{"body":"Please restart it."}'
sink "$TMPROOT/cap5" "$SP" -f RCPT
mado -w "$W" outbox run >/dev/null
is "$(sql "$W" "SELECT status FROM outbox WHERE kind='reply'")" failed "the reply failed with a 5xx"
is "$(last_subject ann@example.com)" "[#1] Your reply could not be delivered: Printer on fire" "…and its author is told by mail"
ok "$(sql "$W" "SELECT body_text FROM outbox WHERE kind='notification' AND recipient='ann@example.com' ORDER BY id DESC LIMIT 1" | grep -q 'failed to alice@example.org: 5'; echo $?)" "…with the relay's reply"
done_testing
