#!/bin/sh
# Trigger mail is a customer notice like the others, and every automatic
# mail to a customer counts in the same limits. A trigger's "mail" action
# goes out threaded to the customer's mail (In-Reply-To, References), with
# the signed Reply-To, the ticket token, the null envelope sender and
# Auto-Submitted: auto-generated, its placeholders filled in, stored on the
# ticket (source notice:trigger), as smtp-sink captures it. Acks, trigger
# mail and status notices to one address stop at auto.per_recipient_max
# within auto.window_minutes (the ticket says why), per ticket at
# auto.per_ticket_max; another customer is not affected; an auto-reply
# from the customer starts no trigger mail.
# Needs sqlite3, jq and smtp-sink (Debian postfix).
. "$(dirname "$0")/lib.sh"
need jq smtp-sink

W=$(new_ws limits)
SP=$(free_port)
SP=$((SP + 17))
cat >>"$W/mado.conf" <<CONF
mailbox.addresses = support@example.com
mailbox.msgid_domain = mado.example.com
outbox.relay_port = $SP
outbox.relay_tls = none
outbox.in_serve = false
auto.per_recipient_max = 3
auto.per_ticket_max = 5
CONF
CAP=$TMPROOT/cap
sink "$CAP" "$SP"
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --name Admin --role admin >/dev/null
start_server "$W"
A=$TMPROOT/a.jar
ACS=$(login admin@example.com admin-pass-1 "$A")
admin() { req "$A" "$ACS" "$@"; }
admin POST /api/v1/rules '{"kind":"trigger","name":"Tell them","rule":{"on":["created","customer_replied"],
  "then":[{"mail":{"subject":"Noted, {{customer.name}}","body":"Ticket {{number}} ({{ticket.subject}}) has your message."}}]}}'
is "$ST" 201 "a trigger that mails the requester"
stop_server   # mail below is piped in; the server's drainer stays out of the counts

auto() { sql "$W" "SELECT count(*) FROM outbox WHERE kind IN ('ack','notice') AND recipient='$1'"; }
trig() { sql "$W" "SELECT count(*) FROM outbox o JOIN messages m ON m.id=o.message_id WHERE m.source='notice:trigger' AND o.recipient='$1'"; }
last_event() { sql "$W" "SELECT new_value FROM events WHERE ticket_id=$1 AND kind='$2' ORDER BY id DESC LIMIT 1"; }

# ---- 1. the trigger's mail, as sent ----
mail 'Alice Smith <alice@example.org>' 'Printer on fire' 'a1@example.org' | mado -w "$W" ingest
is "$(trig alice@example.org)|$(auto alice@example.org)" "1|2" "a new ticket: the trigger's mail and the ack"
mado -w "$W" outbox run >/dev/null
C=$(grep -l 'Noted, Alice Smith' "$CAP"/* 2>/dev/null | head -1)
ok "$(test -n "$C"; echo $?)" "smtp-sink got the trigger's mail"
hdr() { sed '/^\r*$/q' "$C" | grep -i "^$1:" | head -1 | sed "s/^[^:]*: *//" | tr -d '\r'; }
is "$(hdr Subject)" "Noted, Alice Smith [#1]" "…placeholders filled in, the ticket token added"
is "$(hdr In-Reply-To)" "<a1@example.org>" "…threaded to the customer's mail"
is "$(hdr References)" "<a1@example.org>" "…References too"
ok "$(hdr Reply-To | grep -Eq '^support\+1\.[a-z2-7]{12}@example\.com$'; echo $?)" "…Reply-To the signed address"
is "$(hdr Auto-Submitted)" "auto-generated" "…Auto-Submitted: auto-generated"
is "$(hdr X-Mail-Args | sed 's/ .*//')" "<>" "…null envelope sender"
ok "$(tr -d '\r' < "$C" | grep -q '^Ticket 1 (Printer on fire) has your message.$'; echo $?)" "…the body's placeholders, old and new, filled in"
is "$(sql "$W" "SELECT count(*) FROM messages WHERE ticket_id=1 AND direction='out' AND source='notice:trigger'")" 1 "…and kept on the ticket"

# ---- 2. one customer: at most auto.per_recipient_max automatic mails ----
mail 'Alice Smith <alice@example.org>' 'Re: Printer on fire [#1]' 'a2@example.org' 'In-Reply-To: <a1@example.org>' | mado -w "$W" ingest
is "$(trig alice@example.org)|$(auto alice@example.org)" "2|3" "the customer writes again: a second trigger mail (3 automatic mails)"
mail 'Alice Smith <alice@example.org>' 'Re: Printer on fire [#1]' 'a3@example.org' 'In-Reply-To: <a2@example.org>' | mado -w "$W" ingest
is "$(auto alice@example.org)" 3 "and again: nothing more (auto.per_recipient_max = 3)"
is "$(last_event 1 notice)" "suppressed: rate limit per recipient (auto.per_recipient_max)" "…the ticket says why"
mail 'Alice Smith <alice@example.org>' 'Toner' 'a4@example.org' | mado -w "$W" ingest
T2=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='a4@example.org'")
is "$(auto alice@example.org)" 3 "a new ticket of hers: no ack, no trigger mail either"
ok "$(sql "$W" "SELECT count(*) FROM events WHERE ticket_id=$T2 AND new_value LIKE 'suppressed: %' AND kind IN ('ack','notice')" | grep -qx 2; echo $?)" "…both recorded as suppressed"
start_server "$W"
ACS=$(login admin@example.com admin-pass-1 "$A")
admin PATCH /api/v1/tickets/1 '{"status":"resolved"}'
is "$ST|$(auto alice@example.org)" "200|3" "resolving her ticket: the resolved notice is held back too"
is "$(last_event 1 notice)" "suppressed: rate limit per recipient (auto.per_recipient_max)" "…recorded"
stop_server

# ---- 3. another customer is not affected; an auto-reply starts nothing ----
mail 'Bob <bob@example.net>' 'Login fails' 'b1@example.net' | mado -w "$W" ingest
is "$(auto bob@example.net)" 2 "another customer still gets the ack and the trigger's mail"
mail 'Bob <bob@example.net>' 'Out of office: Re: Login fails [#3]' 'b2@example.net' 'In-Reply-To: <b1@example.net>' 'Auto-Submitted: auto-replied' | mado -w "$W" ingest
is "$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='b2@example.net'")|$(auto bob@example.net)" "$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='b1@example.net'")|2" \
	"his out-of-office lands on the ticket and starts no trigger mail"

# ---- 4. per ticket: auto.per_ticket_max counts notices of every kind ----
printf 'auto.per_recipient_max = 100\nauto.per_ticket_max = 3\n' >>"$W/mado.conf"
T3=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='b1@example.net'")
mail 'Bob <bob@example.net>' "Re: Login fails [#$T3]" 'b3@example.net' 'In-Reply-To: <b1@example.net>' | mado -w "$W" ingest
is "$(auto bob@example.net)" 3 "bob writes again: a third automatic mail on his ticket"
mail 'Bob <bob@example.net>' "Re: Login fails [#$T3]" 'b4@example.net' 'In-Reply-To: <b3@example.net>' | mado -w "$W" ingest
is "$(auto bob@example.net)" 3 "…then the ticket's limit holds (auto.per_ticket_max = 3)"
is "$(last_event "$T3" notice)" "suppressed: rate limit per ticket (auto.per_ticket_max)" "…recorded"
ok "$(grep -q 'ERROR: \(Address\|Leak\|Undefined\)Sanitizer\|runtime error' "$TMPROOT"/serve.*.log; [ $? -ne 0 ]; echo $?)" "no sanitizer report from the server"
done_testing
