#!/bin/sh
# Acknowledgements of new tickets against a real SMTP peer (smtp-sink):
# sent with a null envelope sender and Auto-Submitted: auto-replied, the
# ticket number, the promised first-response time and the link; in
# Japanese for a Japanese customer; the customer's answer to the ack lands
# on the ticket; never to an out-of-office, a list, our own address, or
# twice to one address within ack.recipient_hours. Then two Mado instances
# whose support addresses write to each other through the sendmail
# transport, one of them stripping Auto-Submitted: the exchange stops.
# Needs sqlite3, jq and smtp-sink (Debian postfix).
. "$(dirname "$0")/lib.sh"
need jq smtp-sink

W=$(new_ws ack)
SP=$(free_port)
SP=$((SP + 11))
cat >>"$W/mado.conf" <<CONF
mailbox.addresses = support@example.com
mailbox.from_name = Example Support
outbox.relay_port = $SP
outbox.relay_tls = none
outbox.in_serve = false
portal.ticket_url = https://help.example.com/tickets/{n}
ack.first_response_hours = 8
CONF
CAP=$TMPROOT/cap
sink "$CAP" "$SP"

acks() { sql "$W" "SELECT count(*) FROM outbox WHERE kind='ack' AND recipient='$1'"; }
ack_event() { sql "$W" "SELECT new_value FROM events WHERE ticket_id=$1 AND kind='ack' ORDER BY id DESC LIMIT 1"; }
tid() { sql "$W" "SELECT coalesce(ticket_id,0) FROM messages WHERE message_id='$1'"; }

mail 'Alice Smith <alice@example.org>' 'Printer on fire' 'a1@example.org' | mado -w "$W" ingest
is "$(acks alice@example.org)" 1 "a new ticket queues one acknowledgement, in the same transaction"
is "$(ack_event 1)" "queued to alice@example.org" "…recorded on the ticket"
is "$(sql "$W" "SELECT count(*) FROM thread_ids WHERE ticket_id=1")/$(sql "$W" "SELECT count(*) FROM messages")" "2/1" "…its Message-ID threads to the ticket; it is no message of the conversation"
is "$(mado -w "$W" outbox run)" "sent 1, retry later 0, failed 0" "the ack is sent"
C=$(cat "$CAP"/*)
hdr() { printf '%s\n' "$C" | tr -d '\r' | sed '/^$/q' | grep -i "^$1:" | head -1 | sed "s/^[^:]*: *//"; }
is "$(hdr X-Mail-Args)" "<>" "null envelope sender"
is "$(hdr Auto-Submitted)" "auto-replied" "Auto-Submitted: auto-replied"
is "$(hdr Subject)" "[#1] We received your request: Printer on fire" "subject with the ticket token"
is "$(hdr In-Reply-To)" "<a1@example.org>" "In-Reply-To the customer's mail"
ok "$(hdr Reply-To | grep -Eq '^support\+1\.[a-z2-7]{12}@example\.com$'; echo $?)" "Reply-To the signed address"
B=$(printf '%s\n' "$C" | tr -d '\r' | sed '1,/^$/d')
ok "$(printf '%s\n' "$B" | grep -q 'now ticket 1:'; echo $?)" "the body gives the ticket number"
ok "$(printf '%s\n' "$B" | grep -q 'within 8 hours'; echo $?)" "…the promised first-response time"
ok "$(printf '%s\n' "$B" | grep -q 'https://help.example.com/tickets/1'; echo $?)" "…and the link to follow the ticket"
ok "$(printf '%s\n' "$C" | grep -q 'multipart/alternative'; echo $?)" "text and HTML parts"

# the customer answers the ack: same ticket, and no second ack
AM=$(hdr Message-ID); RT=$(hdr Reply-To)
printf 'From: Alice Smith <alice@example.org>\nTo: %s\nSubject: Re: %s\nMessage-ID: <a2@example.org>\nIn-Reply-To: %s\nReferences: <a1@example.org> %s\n\nMore details.\n' \
	"$RT" "$(hdr Subject)" "$AM" "$AM" | mado -w "$W" ingest
is "$(tid a2@example.org)" 1 "the answer to the ack lands on the ticket"
is "$(acks alice@example.org)" 1 "…and is not acknowledged"

mail 'Alice Smith <alice@example.org>' 'Another question' 'a3@example.org' | mado -w "$W" ingest
T=$(tid a3@example.org)
ok "$(test "$T" -gt 1; echo $?)" "a new subject from Alice opens ticket $T"
is "$(acks alice@example.org)" 1 "…but no second ack within ack.recipient_hours"
is "$(ack_event "$T")" "suppressed: the address was acknowledged recently (ack.recipient_hours)" "…and the ticket says why"

mail 'Bob <bob@example.net>' 'Out of office' 'b1@example.net' 'Auto-Submitted: auto-replied' | mado -w "$W" ingest
is "$(acks bob@example.net)" 0 "no ack to an out-of-office reply"
mail 'Bob <bob@example.net>' 'Automatic reply: hello' 'b2@example.net' 'X-Auto-Response-Suppress: All' | mado -w "$W" ingest
is "$(acks bob@example.net)" 0 "…nor to one marked X-Auto-Response-Suppress"
mail 'Carol <carol@lists.example.org>' 'Weekly digest' 'l1@lists.example.org' 'List-Id: <news.lists.example.org>' 'Precedence: list' | mado -w "$W" ingest
T=$(tid l1@lists.example.org)
is "$(acks carol@lists.example.org)" 0 "no ack to list mail"
[ "$T" -gt 0 ] && is "$(ack_event "$T")" "suppressed: machine mail (auto-reply, bounce, list, bulk or spam)" "…the list's ticket says why" || ok 0 "list mail opened no ticket"
mail 'Support <support@example.com>' 'Hello from ourselves' 'o1@example.com' | mado -w "$W" ingest
is "$(acks support@example.com)" 0 "no ack to our own address"

# Japanese
BODY='請求書の金額が違います。' mail '=?UTF-8?B?5bGx55SwIOWkqumDjg==?= <taro@example.jp>' '=?UTF-8?B?6KuL5rGC5pu444Gr44Gk44GE44Gm?=' 'j1@example.jp' | mado -w "$W" ingest
T=$(tid j1@example.jp)
is "$(sql "$W" "SELECT headers_json FROM outbox WHERE ticket_id=$T AND kind='ack'" | jq -r '.[] | select(.[0]=="Subject") | .[1]')" "[#$T] お問い合わせを受け付けました: 請求書について" "a Japanese customer gets a Japanese ack"
ok "$(sql "$W" "SELECT body_text FROM outbox WHERE ticket_id=$T AND kind='ack'" | grep -q '山田 太郎 様'; echo $?)" "…addressed by name"
ok "$(sql "$W" "SELECT body_text FROM outbox WHERE ticket_id=$T AND kind='ack'" | grep -q '8時間以内'; echo $?)" "…with the first-response time"
rm -f "$CAP"/*
is "$(mado -w "$W" outbox run)" "sent 1, retry later 0, failed 0" "…sent"
ok "$(grep -q '=?UTF-8?B?' "$CAP"/*; echo $?)" "…its subject in encoded words"

# ---- two instances mailing each other ----
A=$(new_ws loop-a); B=$(new_ws loop-b)
for x in a b; do
	Y=$([ $x = a ] && echo "$B" || echo "$A")
	# a sendmail for instance x that delivers into instance y; a's strips
	# Auto-Submitted and our loop header, as a careless relay might
	strip=''
	[ $x = a ] && strip='/^Auto-Submitted:/d;/^X-Mado-Loop:/d'
	cat >"$TMPROOT/sendmail-$x" <<SH
#!/bin/sh
echo "\$*" >>"$TMPROOT/args-$x"
sed -e '$strip' | "$MADO_BIN" -w "$Y" ingest
SH
	chmod +x "$TMPROOT/sendmail-$x"
	X=$([ $x = a ] && echo "$A" || echo "$B")
	cat >>"$X/mado.conf" <<CONF
mailbox.addresses = support@$x.example
mailbox.msgid_domain = mado.$x.example
outbox.transport = sendmail
outbox.sendmail_path = $TMPROOT/sendmail-$x
outbox.in_serve = false
CONF
done
printf 'From: support@b.example\nTo: support@a.example\nSubject: Hello\nMessage-ID: <start@b.example>\n\nhi\n' | mado -w "$A" ingest
for round in 1 2 3 4 5 6 7 8 9 10; do
	mado -w "$A" outbox run >/dev/null
	mado -w "$B" outbox run >/dev/null
done
na=$(sql "$A" "SELECT count(*) FROM outbox"); nb=$(sql "$B" "SELECT count(*) FROM outbox")
ok "$(test "$na" -ge 1 && test "$nb" -ge 1 && test $((na + nb)) -le 3; echo $?)" "the exchange happened and stopped after $na + $nb automatic mails"
ok "$(grep -q -- '-f <> -- support@b.example' "$TMPROOT/args-a"; echo $?)" "the sendmail transport passed the null sender and the recipient"
is "$(mado -w "$A" outbox run; mado -w "$B" outbox run)" "sent 0, retry later 0, failed 0
sent 0, retry later 0, failed 0" "nothing is left to send"
done_testing
