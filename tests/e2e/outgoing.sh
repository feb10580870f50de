#!/bin/sh
# Outgoing mail against a real SMTP peer (Postfix's smtp-sink capturing
# what Mado sends): an agent reply through the API goes out with our
# Message-ID, the ticket token, the signed Reply-To, In-Reply-To and a VERP
# envelope; the customer's reply-all built from the captured headers lands
# on the same ticket (English, then Japanese in ISO-2022-JP); relay down,
# 4xx, 421 and a drop after the final dot are retried and the mail arrives
# once; a 5xx fails the mail visibly on the ticket; header injection
# through names and subjects is neutralised; a bounce to the VERP address
# threads to the ticket.
# Needs curl, sqlite3, jq and smtp-sink (Debian postfix).
. "$(dirname "$0")/lib.sh"
need jq smtp-sink

W=$(new_ws out)
SP=$(free_port)
SP=$((SP + 7))
cat >>"$W/mado.conf" <<CONF
mailbox.addresses = support@example.com
mailbox.msgid_domain = mado.example.com
mailbox.from_name = Example Support
outbox.relay_host = 127.0.0.1
outbox.relay_port = $SP
outbox.relay_tls = none
outbox.retry_base_seconds = 1
outbox.retry_max_seconds = 1
outbox.in_serve = false
ack.enabled = false
CONF
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add agent@example.com --name 'Ann Lee' --role admin >/dev/null

# relay NAME [OPTIONS...]: smtp-sink on $SP dumping each mail into $TMPROOT/NAME/
relay() { _n=$1; shift; sink "$TMPROOT/$_n" "$SP" "$@"; }
captured() { cat "$TMPROOT/$1"/* 2>/dev/null; }
ncaptured() { ls "$TMPROOT/$1" 2>/dev/null | wc -l | tr -d ' '; }
# run: deliver what is due after the backoff (1 s)
run() { sleep 1.2; mado -w "$W" outbox run; }
status() { sql "$W" "SELECT status||'|'||attempts FROM outbox WHERE id=$1"; }

start_server "$W"
G=$TMPROOT/agent.jar
CS=$(login agent@example.com agent-pass-1 "$G")
reply() {  # reply TICKET JSON: sets R
	R=$(curl -s -b "$G" -H "X-CSRF-Token: $CS" -H 'Content-Type: application/json' --data-binary "$2" "$BASE/api/v1/tickets/$1/replies")
}

# ---- an English round trip, through every kind of relay trouble ----
mail 'Alice Smith <alice@example.org>' 'Printer on fire' 'c1@example.org' | mado -w "$W" ingest
wait_tickets "$W" 1
reply 1 '{"body":"Hello Alice,\n\nplease unplug it.\n.\nFrom the support team"}'
OB=$(printf '%s\n' "$R" | jq -r .outbox.id)
MID=$(printf '%s\n' "$R" | jq -r .message.message_id)
is "$(printf '%s\n' "$R" | jq -r .outbox.status)" queued "the reply is queued"

out=$(run)
is "$out" "sent 0, retry later 1, failed 0" "relay down: retry later"
is "$(status $OB)" "queued|1" "…still queued after one attempt"
ok "$(sql "$W" "SELECT last_error FROM outbox WHERE id=$OB" | grep -qi 'connect'; echo $?)" "…the error says the relay could not be reached"

relay soft -r RCPT
out=$(run)
is "$out" "sent 0, retry later 1, failed 0" "4xx to RCPT: retry later"
ok "$(sql "$W" "SELECT last_error FROM outbox WHERE id=$OB" | grep -q '^4'; echo $?)" "…the relay's 4xx reply is kept"

relay q421 -Q .
out=$(run)
is "$out" "sent 0, retry later 1, failed 0" "421 after the final dot: retry later"

relay dropped -q .
out=$(run)
is "$out" "sent 0, retry later 1, failed 0" "connection dropped after the final dot: retry later"
is "$(status $OB)" "queued|4" "…four attempts so far"

relay good
out=$(run)
is "$out" "sent 1, retry later 0, failed 0" "the relay is back: sent"
is "$(status $OB)" "sent|5" "…marked sent"
out=$(run)
is "$out" "sent 0, retry later 0, failed 0" "a sent mail is never sent again"
is "$(ncaptured good)" 1 "the relay got the mail exactly once"
C=$(captured good)
hdr() { printf '%s\n' "$C" | sed '/^$/q' | grep -i "^$1:" | head -1 | sed "s/^[^:]*: *//" | tr -d '\r'; }
is "$(hdr Message-ID)" "<$MID>" "Message-ID is ours"
is "$(hdr In-Reply-To)" "<c1@example.org>" "In-Reply-To the customer's mail"
is "$(hdr References)" "<c1@example.org>" "References the thread"
is "$(hdr Subject)" "Re: Printer on fire [#1]" "Subject with the ticket token"
is "$(hdr From)" "Example Support <support@example.com>" "From with the display name"
is "$(hdr To)" "Alice Smith <alice@example.org>" "To the customer, by name"
RT=$(hdr Reply-To)
ok "$(echo "$RT" | grep -Eq '^support\+1\.[a-z2-7]{12}@example\.com$'; echo $?)" "Reply-To is the signed address ($RT)"
ok "$(hdr X-Mail-Args | grep -Eq '^<bounce\+1-[a-z2-7]{12}@example\.com>'; echo $?)" "VERP envelope sender: $(hdr X-Mail-Args)"
is "$(hdr X-Rcpt-Args)" "<alice@example.org>" "envelope recipient"
ok "$(printf '%s\n' "$C" | grep -q '^=2E'; echo $?)" "a lone dot line travels encoded"
is "$(hdr Auto-Submitted)" "" "an agent reply is not Auto-Submitted"

# the customer answers with reply-all, as a mail client builds it
REF=$(hdr References)
printf 'From: Alice Smith <alice@example.org>\nTo: %s\nSubject: Re: %s\nMessage-ID: <c2@example.org>\nIn-Reply-To: %s\nReferences: %s %s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nIt is out now, thanks.\n\nOn Mon, 23 Nov 2026 at 10:00, Example Support <support@example.com> wrote:\n> Hello Alice,\n>\n> please unplug it.\n' \
	"$RT" "$(hdr Subject)" "$(hdr Message-ID)" "$REF" "$(hdr Message-ID)" | mado -w "$W" ingest
i=0; while [ "$(sql "$W" "SELECT count(*) FROM messages WHERE message_id='c2@example.org'")" -lt 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='c2@example.org'")" 1 "the customer's reply-all lands on the same ticket"
J=$(mado -w "$W" ticket show 1 --json)
is "$(printf '%s\n' "$J" | jq -r '.messages[] | select(.message_id=="c2@example.org") | .text_new')" "It is out now, thanks." "…shown with our quoted mail folded (text_new)"
is "$(printf '%s\n' "$J" | jq -c '.messages[] | select(.message_id=="c2@example.org") | .folded')" '[{"kind":"history","from_line":2,"to_line":6}]' "…the folded lines"
ok "$(printf '%s\n' "$J" | jq -r '.messages[] | select(.message_id=="c2@example.org") | .text' | grep -q 'please unplug it'; echo $?)" "…and the full text kept"
# the same answer through a client that drops In-Reply-To: the signed Reply-To still threads it
printf 'From: Alice Smith <alice@example.org>\nTo: %s\nSubject: Re: something else\nMessage-ID: <c3@example.org>\n\nAnd another thing.\n' "$RT" | mado -w "$W" ingest
i=0; while [ "$(sql "$W" "SELECT count(*) FROM messages WHERE message_id='c3@example.org'")" -lt 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='c3@example.org'")" 1 "…and one with only the signed Reply-To address too"

# ---- a bounce of the reply comes back to its VERP address ----
VERP=$(hdr X-Mail-Args | sed 's/^<\([^>]*\)>.*/\1/')
printf 'From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\nTo: %s\nDelivered-To: %s\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <dsn1@mx.example.org>\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n--b\nContent-Type: text/plain\n\nYour message could not be delivered.\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; alice@example.org\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such user\n--b--\n' \
	"$VERP" "$VERP" | mado -w "$W" ingest
i=0; while [ "$(sql "$W" "SELECT count(*) FROM messages WHERE message_id='dsn1@mx.example.org'")" -lt 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(sql "$W" "SELECT coalesce(ticket_id,0) FROM messages WHERE message_id='dsn1@mx.example.org'")" 1 "a bounce without the original headers threads by its VERP address"
is "$(sql "$W" "SELECT bouncing FROM customers WHERE email='alice@example.org'")" 1 "…and marks the address"
printf 'From: MAILER-DAEMON@mx.example.org\nTo: bounce+1-aaaaaaaaaaaa@example.com\nSubject: Undelivered\nMessage-ID: <dsn2@mx.example.org>\nAuto-Submitted: auto-replied\n\nx\n' | mado -w "$W" ingest
i=0; while [ "$(sql "$W" "SELECT count(*) FROM messages WHERE message_id='dsn2@mx.example.org'")" -lt 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(sql "$W" "SELECT coalesce(ticket_id,0) FROM messages WHERE message_id='dsn2@mx.example.org'")" 0 "a forged VERP tag threads nowhere"

# ---- 5xx: failed, on the ticket ----
mail 'Bob <bob@example.net>' 'Invoice' 'c4@example.net' | mado -w "$W" ingest
wait_tickets "$W" 2
reply 2 '{"body":"Here is the invoice."}'
OB2=$(printf '%s\n' "$R" | jq -r .outbox.id)
relay hard -f RCPT
out=$(run)
is "$out" "sent 0, retry later 0, failed 2" "5xx to RCPT: failed (the reply, then the mail telling its author, refused by the same relay)"
J=$(mado -w "$W" ticket show 2 --json)
is "$(printf '%s\n' "$J" | jq -r .delivery_failed)" true "the ticket JSON says its delivery failed"
is "$(printf '%s\n' "$J" | jq -r ".outbox[] | select(.id==$OB2) | .status")" failed "…and shows the failed mail"
ok "$(printf '%s\n' "$J" | jq -r ".outbox[] | select(.id==$OB2) | .last_error" | grep -q '^5'; echo $?)" "…with the relay's 5xx reply"
ok "$(printf '%s\n' "$J" | jq -e '[.events[] | select(.kind=="delivery" and (.new | startswith("failed to bob@example.net")))] | length == 1' >/dev/null; echo $?)" "…and an event on the ticket"
relay good2
out=$(run)
is "$out" "sent 0, retry later 0, failed 0" "a failed mail is not retried"
is "$(ncaptured good2)" 0 "…nothing reaches the relay"

# ---- header injection through the customer's name and the subject ----
printf 'From: =?utf-8?q?Eve=0D=0ABcc:_victim@evil.example?= <eve@example.org>\nTo: support@example.com\nSubject: =?utf-8?q?Hi=0D=0ABcc:_victim2@evil.example=0D=0A=0D=0Abody?=\nMessage-ID: <c5@example.org>\n\nhello\n' | mado -w "$W" ingest
wait_tickets "$W" 3
reply 3 '{"body":"Hi Eve","cc":["carol@example.net"]}'
relay inj
out=$(run)
is "$out" "sent 1, retry later 0, failed 0" "a reply to a hostile name and subject is sent"
C=$(captured inj)
H=$(printf '%s\n' "$C" | tr -d '\r' | sed '/^$/q')
is "$(printf '%s\n' "$H" | grep -ci '^bcc')" 0 "no Bcc header in the captured mail"
is "$(printf '%s\n' "$H" | grep -c '^X-Rcpt-Args')" 2 "exactly two envelope recipients"
is "$(printf '%s\n' "$H" | grep '^X-Rcpt-Args' | tr '\n' ' ')" "X-Rcpt-Args: <eve@example.org> X-Rcpt-Args: <carol@example.net> " "…the customer and the cc"
is "$(printf '%s\n' "$H" | grep -v '^X-Client\|^X-Helo\|^X-Mail-Args\|^X-Rcpt-Args\|^Received\|^[ 	]' | cut -d: -f1 | tr '\n' ' ')" \
	"Date From To Cc Reply-To Subject Message-ID In-Reply-To References X-Mado-Loop MIME-Version Content-Type Content-Transfer-Encoding " \
	"exactly the intended header fields"

# ---- Japanese, ISO-2022-JP ----
echo "mailbox.charset = iso-2022-jp" >>"$W/mado.conf"
stop_server
start_server "$W"
CS=$(login agent@example.com agent-pass-1 "$G")
BODY='請求書の金額が違います。' mail '=?UTF-8?B?5bGx55SwIOWkqumDjg==?= <taro@example.jp>' '=?UTF-8?B?6KuL5rGC5pu444Gr44Gk44GE44Gm?=' 'j1@example.jp' | mado -w "$W" ingest
wait_tickets "$W" 4
T=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='j1@example.jp'")
is "$(sql "$W" "SELECT subject FROM tickets WHERE id=$T")" "請求書について" "a Japanese ticket"
reply "$T" '{"body":"山田様\n\nご連絡ありがとうございます。確認いたします。"}'
relay ja
out=$(run)
is "$out" "sent 1, retry later 0, failed 0" "the Japanese reply is sent"
C=$(captured ja)
ok "$(printf '%s\n' "$C" | grep -q 'charset=ISO-2022-JP'; echo $?)" "…as ISO-2022-JP"
ok "$(printf '%s\n' "$C" | LC_ALL=C grep -q "$(printf '[\200-\377]')"; test $? -ne 0; echo $?)" "…in 7-bit only"
# read it back as the customer's client would: our parser, via ingest into a scratch workspace
W2=$(new_ws scratch)
printf '%s\n' "$C" | sed '1,/^Received:/{/^X-/d;/^Received:/d}' | sed '/^	\|^ /{1,3d}' >"$TMPROOT/ja.eml"
C=$(captured ja)
RT=$(hdr Reply-To); JS=$(hdr Subject); JM=$(hdr Message-ID)
printf 'From: =?UTF-8?B?5bGx55SwIOWkqumDjg==?= <taro@example.jp>\nTo: %s\nSubject: Re: %s\nMessage-ID: <j2@example.jp>\nIn-Reply-To: %s\nReferences: <j1@example.jp> %s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n了解しました。\n' \
	"$RT" "$JS" "$JM" "$JM" | mado -w "$W" ingest
i=0; while [ "$(sql "$W" "SELECT count(*) FROM messages WHERE message_id='j2@example.jp'")" -lt 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='j2@example.jp'")" "$T" "the Japanese reply-all lands on the same ticket"
is "$(sql "$W" "SELECT subject FROM messages WHERE message_id='j2@example.jp'")" "Re: Re: 請求書について [#$T]" "…its subject decodes from our ISO-2022-JP words"
is "$(sql "$W" "SELECT body_text FROM messages WHERE message_id='j2@example.jp'")" "了解しました。" "…with its Japanese body"

# ---- a crash between the relay's 250 and 'sent': one more copy, same Message-ID ----
echo "outbox.sending_lease_seconds = 10" >>"$W/mado.conf"
reply 1 '{"body":"Sent just before a crash."}'
OB4=$(printf '%s\n' "$R" | jq -r .outbox.id)
MID4=$(printf '%s\n' "$R" | jq -r .message.message_id)
relay crash
MADO_FAULT=crash:outbox-after-send mado -w "$W" outbox run >/dev/null 2>&1
ok "$(test $? -ne 0; echo $?)" "the sender died right after the relay accepted the mail"
is "$(status $OB4)" "sending|1" "…leaving the row 'sending'"
is "$(mado -w "$W" outbox run)" "sent 0, retry later 0, failed 0" "…which no sender takes while its lease runs"
sleep 10
is "$(mado -w "$W" outbox run)" "sent 1, retry later 0, failed 0" "after the lease it is sent again"
is "$(status $OB4)" "sent|2" "…and marked sent"
is "$(ncaptured crash)" 2 "the relay got it twice: at most one duplicate"
is "$(grep -h '^Message-ID:' "$TMPROOT/crash"/* | tr -d '\r' | sort -u)" "Message-ID: <$MID4>" "…both with the same Message-ID"
# the message without smtp-sink's own X-*/Received lines in front
sent_part() { awk 'h == 0 && (/^X-/ || /^Received:/ || /^[ \t]/) { next } { h = 1; print }' "$1"; }
set -- "$TMPROOT/crash"/*
sent_part "$1" >"$TMPROOT/copy1"; sent_part "$2" >"$TMPROOT/copy2"
ok "$(cmp -s "$TMPROOT/copy1" "$TMPROOT/copy2" && test -s "$TMPROOT/copy1"; echo $?)" "…and the same bytes"
is "$(mado -w "$W" outbox run)" "sent 0, retry later 0, failed 0" "nothing more is sent"

# ---- the sender inside mado serve ----
echo "outbox.in_serve = true" >>"$W/mado.conf"
stop_server
start_server "$W"
CS=$(login agent@example.com agent-pass-1 "$G")
relay served
reply 1 '{"body":"Sent by the server itself."}'
OB3=$(printf '%s\n' "$R" | jq -r .outbox.id)
i=0; while [ "$(status $OB3)" != "sent|1" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
is "$(status $OB3)" "sent|1" "mado serve delivers the outbox itself"
is "$(ncaptured served)" 1 "…once"
stop_server
stop_sink
done_testing
