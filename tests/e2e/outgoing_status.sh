#!/bin/sh
# Notices to customers when an agent changes a ticket's status, against a
# real SMTP peer (smtp-sink): resolving sends the 'resolved' template (in
# the customer's language, with the survey placeholder), setting pending
# the 'status' template, both automatic mail (null envelope sender,
# Auto-Submitted: auto-generated) threaded to the customer's mail; an
# answer to the notice lands on the ticket; bulk updates notify too; a
# bouncing address gets nothing; notify.customer_on_* off sends nothing.
# Needs sqlite3, jq and smtp-sink (Debian postfix).
. "$(dirname "$0")/lib.sh"
need jq smtp-sink

W=$(new_ws notices)
SP=$(free_port)
SP=$((SP + 13))
cat >>"$W/mado.conf" <<CONF
mailbox.addresses = support@example.com
outbox.relay_port = $SP
outbox.relay_tls = none
outbox.in_serve = false
CONF
CAP=$TMPROOT/cap
sink "$CAP" "$SP"
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --name Admin --role admin >/dev/null

notices() { sql "$W" "SELECT count(*) FROM outbox WHERE kind='notice' AND ticket_id=$1"; }
notice_body() { sql "$W" "SELECT body_text FROM outbox WHERE kind='notice' AND ticket_id=$1 ORDER BY id DESC LIMIT 1"; }
notice_hdr() {
	sql "$W" "SELECT headers_json FROM outbox WHERE kind='notice' AND ticket_id=$1 ORDER BY id DESC LIMIT 1" |
		jq -r --arg h "$2" '.[] | select(.[0]==$h) | .[1]'
}
tid() { sql "$W" "SELECT coalesce(ticket_id,0) FROM messages WHERE message_id='$1'"; }

mail 'Alice Smith <alice@example.org>' 'Printer on fire' 'a1@example.org' | mado -w "$W" ingest
BODY='プリンターが動きません。至急お願いします。' mail '=?UTF-8?B?5bGx55SwIOWkqumDjg==?= <taro@example.jp>' '=?UTF-8?B?6KuL5rGC5pu4?=' 'j1@example.jp' | mado -w "$W" ingest
mail 'Bob <bob@example.net>' 'Login fails' 'b1@example.net' | mado -w "$W" ingest
mail 'Carol <carol@example.net>' 'Invoice' 'c1@example.net' | mado -w "$W" ingest
mail 'Dan <dan@example.net>' 'Refund' 'd1@example.net' | mado -w "$W" ingest
mado -w "$W" outbox run >/dev/null   # the acks
rm -f "$CAP"/*
start_server "$W"
A=$TMPROOT/a.jar
ACS=$(login admin@example.com admin-pass-1 "$A")
admin() { req "$A" "$ACS" "$@"; }

# ---- resolved, in English and in Japanese ----
admin PATCH /api/v1/tickets/1 '{"status":"resolved"}'
is "$ST" 200 "an agent resolves an English customer's ticket"
is "$(notices 1)" 1 "…one notice queued, in the same transaction"
is "$(notice_hdr 1 Subject)" "[#1] Resolved: Printer on fire" "…the resolved template's subject with the ticket token"
ok "$(notice_body 1 | grep -q 'we consider ticket 1 (Printer on fire) resolved'; echo $?)" "…its English body"
ok "$(notice_body 1 | grep -q 'How did we do? Tell us in one click:'; echo $?)" "…with the survey line"
ok "$(notice_body 1 | grep -q '{{'; [ $? -ne 0 ]; echo $?)" "…every placeholder rendered (survey.url included)"
S1=$(notice_body 1 | grep -o 'http://127.0.0.1:8080/survey/1?t=[a-z2-7]*')
ok "$(echo "$S1" | grep -Eq '^http://127\.0\.0\.1:8080/survey/1\?t=[a-z2-7]{12}$'; echo $?)" "…the survey link: survey.url with the number and a signed token ($S1)"
is "$(notice_hdr 1 Auto-Submitted)" "auto-generated" "…Auto-Submitted: auto-generated"
is "$(notice_hdr 1 In-Reply-To)" "<a1@example.org>" "…In-Reply-To the customer's mail"
is "$(sql "$W" "SELECT mail_from FROM outbox WHERE kind='notice' AND ticket_id=1")" "" "…null envelope sender in the outbox"
is "$(sql "$W" "SELECT new_value FROM events WHERE ticket_id=1 AND kind='notice' AND field='resolved'")" "queued to alice@example.org" "…recorded on the ticket"
admin PATCH /api/v1/tickets/2 '{"status":"resolved"}'
is "$(notices 2)" 1 "resolving a Japanese customer's ticket queues one notice"
is "$(notice_hdr 2 Subject)" "[#2] 解決しました: 請求書" "…the Japanese subject with the ticket token"
ok "$(notice_body 2 | grep -q '受付番号 2（請求書）は解決済みとさせていただきました'; echo $?)" "…the Japanese body"
ok "$(notice_body 2 | grep -q 'アンケートへのご協力をお願いいたします'; echo $?)" "…with the survey line"
S2=$(notice_body 2 | grep -o 'http://127.0.0.1:8080/survey/2?t=[a-z2-7]*')
ok "$(test -n "$S2" && [ "${S2#*t=}" != "${S1#*t=}" ]; echo $?)" "…its own link, another token ($S2)"
admin PATCH /api/v1/tickets/1 '{"priority":"high"}'
is "$(notices 1)" 1 "another change to a resolved ticket sends nothing more"

# ---- delivered: automatic mail that threads back ----
is "$(mado -w "$W" outbox run)" "sent 2, retry later 0, failed 0" "both notices are sent"
F=$(grep -l 'Printer on fire' "$CAP"/* | head -1)
C=$(cat "$F")
hdr() { printf '%s\n' "$C" | tr -d '\r' | sed '/^$/q' | grep -i "^$1:" | head -1 | sed "s/^[^:]*: *//"; }
is "$(hdr X-Mail-Args)" "<>" "the captured notice has a null envelope sender"
is "$(hdr Auto-Submitted)" "auto-generated" "…Auto-Submitted: auto-generated"
is "$(hdr In-Reply-To)" "<a1@example.org>" "…In-Reply-To the customer's mail"
NM=$(hdr Message-ID)
printf 'From: Alice Smith <alice@example.org>\nTo: support@example.com\nSubject: Re: still broken\nMessage-ID: <a2@example.org>\nIn-Reply-To: %s\nReferences: %s\n\nIt is still on fire.\n' \
	"$NM" "$NM" | mado -w "$W" ingest
i=0; while [ "$(tid a2@example.org)" = "" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done   # the server's drainer
is "$(tid a2@example.org)" 1 "the customer's answer to the notice (no token in the subject) lands on the same ticket"

# ---- pending: the status template; bulk goes the same way ----
admin PATCH /api/v1/tickets/3 '{"status":"pending"}'
is "$(notices 3)" 1 "setting pending queues one notice"
ok "$(notice_body 3 | grep -q 'the status of ticket 3 (Login fails) is now: pending'; echo $?)" "…with the status template"
is "$(notice_hdr 3 Subject)" "[#3] Your request is now pending" "…and its subject"
admin POST /api/v1/tickets/bulk '{"ids":[4,5],"changes":{"status":"open"}}'
is "$(notices 4)$(notices 5)" "00" "open is no status the customer is told of"
sql "$W" "UPDATE customers SET bouncing=1 WHERE email='carol@example.net'"
admin POST /api/v1/tickets/bulk '{"ids":[4,5],"changes":{"status":"pending"}}'
is "$ST" 200 "bulk update to pending"
is "$(notices 5)" 1 "…notifies each ticket's customer"
is "$(notices 4)" 0 "…but not an address that bounces"
is "$(sql "$W" "SELECT new_value FROM events WHERE ticket_id=4 AND kind='notice' AND field='status'")" "suppressed: the address bounces" "…which is recorded on the ticket"

# ---- the settings switch each off ----
stop_server
printf 'notify.customer_on_resolved = false\nnotify.customer_on_pending = false\n' >>"$W/mado.conf"
start_server "$W"
ACS=$(login admin@example.com admin-pass-1 "$A")
admin PATCH /api/v1/tickets/3 '{"status":"resolved"}'
is "$ST/$(notices 3)" "200/1" "notify.customer_on_resolved = false: resolving sends nothing"
admin PATCH /api/v1/tickets/5 '{"status":"open"}'
admin PATCH /api/v1/tickets/5 '{"status":"pending"}'
is "$ST/$(notices 5)" "200/1" "notify.customer_on_pending = false: pending sends nothing"
stop_server
ok "$(grep -q 'ERROR: \(Address\|Leak\|Undefined\)Sanitizer\|runtime error' "$TMPROOT"/serve.*.log; [ $? -ne 0 ]; echo $?)" "no sanitizer report from the server"
done_testing
