#!/bin/sh
# mado ingest: exit codes, durability, idempotency, threading, hygiene.
. "$(dirname "$0")/lib.sh"
W=$(new_ws ws)

mail 'Alice Example <alice@example.org>' 'Printer on fire' 'm1@example.org' | mado -w "$W" ingest
ok $? "a plain message is accepted (exit 0)"
is "$(ntickets "$W")" 1 "one ticket"
is "$(sql "$W" "SELECT status||'|'||channel||'|'||subject FROM tickets")" "new|email|Printer on fire" "ticket is new, email, with the subject"
is "$(sql "$W" "SELECT email||'|'||name FROM customers")" "alice@example.org|Alice Example" "customer created from From"
is "$(sql "$W" "SELECT domain FROM organizations")" "example.org" "organisation from the domain"
is "$(ls "$W/spool/new" | wc -l)" 0 "spool drained"
sha=$(sql "$W" "SELECT raw_sha256 FROM messages")
is "$(sql "$W" "SELECT count(*) FROM blobs WHERE sha256 = '$sha' AND length(data) = (SELECT raw_size FROM messages)")" 1 "raw message kept in the blob store (a row: schema 11)"
is "$(find "$W/blobs" -type f | wc -l)" 0 "…and no blob file for a small message"

mail 'Alice Example <alice@example.org>' 'Printer on fire' 'm1@example.org' | mado -w "$W" ingest
ok $? "redelivery accepted"
is "$(sql "$W" "SELECT count(*) FROM messages")" 1 "redelivery stores nothing new"

BODY="A different body" mail 'Alice Example <alice@example.org>' 'Printer on fire' 'm1@example.org' | mado -w "$W" ingest
is "$(sql "$W" "SELECT count(*) FROM messages")" 2 "same Message-ID, other body: a different message"

mail 'ALICE@Example.org' 'Re: Printer on fire' 'm2@example.org' 'In-Reply-To: <m1@example.org>' | mado -w "$W" ingest
is "$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='m2@example.org'")" 1 "reply joins by In-Reply-To"
is "$(sql "$W" "SELECT count(*) FROM customers")" 1 "customer matched case-insensitively"

mail 'bob@example.org' 'Re: something' 'm3@example.org' 'References: <zzz@nowhere> <m2@example.org>' | mado -w "$W" ingest
is "$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='m3@example.org'")" 1 "reply joins by References"

mail 'alice@example.org' 'Update [#1] more info' 'm4@example.org' | mado -w "$W" ingest
is "$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='m4@example.org'")" 1 "subject token from a participant joins"

mail 'mallory@evil.test' 'Re: [#1] give me the data' 'm5@evil.test' | mado -w "$W" ingest
t5=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='m5@evil.test'")
ok "$(test "$t5" != 1; echo $?)" "subject token from a stranger does not join"
is "$(sql "$W" "SELECT linked_ticket_id FROM tickets WHERE id=$t5")" 1 "…it opens a new ticket linked to #1"

# Signed reply address: compute the tag with the binary's own HMAC via a reply
# sent To: a forged tag (refused) — the valid one is covered by unit tests.
mail 'carol@other.test' 'hello' 'm6@other.test' 'Cc: support+1.aaaaaaaaaaaa@localhost' | mado -w "$W" ingest
t6=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='m6@other.test'")
ok "$(test "$t6" != 1; echo $?)" "a forged reply-address tag does not join"

# A valid signed reply address joins, whoever sends it and whatever the subject
addr=$(mado -w "$W" ticket show 1 | sed -n 's/^Reply address: //p')
ok "$(echo "$addr" | grep -q '^support+1\.[a-z2-7]\{12\}@localhost$'; echo $?)" "ticket show prints the signed reply address ($addr)"
mail 'dan@new.test' 'totally unrelated' 'm7@new.test' "Cc: $addr" | mado -w "$W" ingest
is "$(sql "$W" "SELECT ticket_id||'|'||thread_reason FROM messages WHERE message_id='m7@new.test'")" "1|signed reply address of #1" "a valid signed reply address joins its ticket"

# Auto-replies and bounces that match no ticket open no ticket
before=$(ntickets "$W")
mail 'bob@example.org' 'Out of office' 'oof1@example.org' 'Auto-Submitted: auto-replied' | mado -w "$W" ingest
ok $? "auto-reply accepted"
is "$(ntickets "$W")" "$before" "an unthreaded auto-reply opens no ticket"
is "$(sql "$W" "SELECT may_auto_answer||'|'||kind FROM messages WHERE message_id='oof1@example.org'")" "0|auto-reply" "auto-reply recorded, never auto-answered"

mail 'bob@example.org' 'Out of office' 'oof2@example.org' 'Auto-Submitted: auto-replied' 'In-Reply-To: <m1@example.org>' | mado -w "$W" ingest
is "$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='oof2@example.org'")" 1 "a threaded auto-reply joins its ticket"

# Bounce (RFC 3464) of a message of ticket 1 joins ticket 1 and marks the address
cat <<'MSG' | mado -w "$W" ingest
From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
To: support@localhost
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce1@mx.example.org>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system. Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; alice@example.org
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--B
Content-Type: text/rfc822-headers

From: support@localhost
To: alice@example.org
Subject: Re: Printer on fire
Message-ID: <m2@example.org>

--B--
MSG
is "$(sql "$W" "SELECT ticket_id||'|'||kind FROM messages WHERE message_id='bounce1@mx.example.org'")" "1|bounce" "bounce joins the ticket of the bounced mail"
is "$(sql "$W" "SELECT bouncing||'|'||bounce_status FROM customers WHERE email='alice@example.org'")" "1|5.1.1" "the address is marked bouncing"

# A customer forwarding a bounce is asking us something: a ticket, nobody marked
before=$(ntickets "$W")
cat <<'MSG' | mado -w "$W" ingest
From: Hana <hana@customer.test>
To: support@localhost
Subject: Fwd: Undelivered Mail Returned to Sender
Message-ID: <fwd-bounce@customer.test>
Content-Type: text/plain

Why did my mail bounce?

---------- Forwarded message ---------
From: MAILER-DAEMON@mx.partner.test (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: hana@customer.test

This is the mail system at host mx.partner.test.
I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<taro@partner.test>: host mx.partner.test said: 550 5.1.1 <taro@partner.test>:
    Recipient address rejected: User unknown in local recipient table
MSG
is "$(ntickets "$W")" "$((before + 1))" "a forwarded bounce from a person opens a ticket"
is "$(sql "$W" "SELECT count(*) FROM customers WHERE bouncing = 1 AND email <> 'alice@example.org'")" 0 "…and marks no address as bouncing"

# Attachments: stored by hash, listed with an unguessable download URL
printf 'From: ann@att.test\nSubject: with file\nMessage-ID: <att1@att.test>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=Q\n\n--Q\nContent-Type: text/plain\n\nsee file\n--Q\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="../../report.pdf"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--Q--\n' | mado -w "$W" ingest
ta=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='att1@att.test'")
mado -w "$W" ticket show "$ta" --json > "$TMPROOT/att.json"
grep -q '"filename": "report.pdf"' "$TMPROOT/att.json"
ok $? "attachment listed with a safe name"
grep -Eq '"url": "/api/v1/attachments/[0-9a-f]{64}"' "$TMPROOT/att.json"
ok $? "…and an unguessable download URL"
asha=$(sql "$W" "SELECT sha256 FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.message_id='att1@att.test'")
is "$(sqlite3 "$W/mado.db" "SELECT writefile('$TMPROOT/att.bin', data) FROM blobs WHERE sha256 = '$asha'" >/dev/null; sha256sum "$TMPROOT/att.bin" | cut -d' ' -f1)" "$asha" "…stored under its SHA-256"

# Limits and loops: 65 with a reason
cat > "$W/mado.conf" <<'CONF'
mail.max_message_bytes = 2K
CONF
BODY=$(head -c 3000 /dev/zero | tr '\0' x) mail 'a@b.test' 'big' 'big@b.test' | mado -w "$W" ingest 2>"$TMPROOT/err"
is "$?" 65 "over the size limit: exit 65"
ok "$(grep -q 'too big' "$TMPROOT/err"; echo $?)" "…with the reason on stderr"
: > "$W/mado.conf"
{ i=0; while [ $i -lt 60 ]; do echo "Received: from h$i by h$i; Mon, 23 Nov 2026 10:00:00 +0000"; i=$((i+1)); done; mail 'a@b.test' 'loop' 'loop@b.test'; } | mado -w "$W" ingest 2>"$TMPROOT/err"
is "$?" 65 "60 Received: headers: exit 65 (mail loop)"

# Unknown config key is refused clearly, as a temporary failure for the MTA
echo "no.such.key = 1" > "$W/mado.conf"
mail 'a@b.test' 'x' 'cfg@b.test' | mado -w "$W" ingest 2>"$TMPROOT/err"
is "$?" 75 "bad config: exit 75 (the MTA keeps the mail)"
ok "$(grep -q "unknown setting 'no.such.key'" "$TMPROOT/err"; echo $?)" "…naming the bad key"
: > "$W/mado.conf"

# Database locked by another process beyond the deadline → 75; then drained
echo "ingest.deadline_seconds = 2" > "$W/mado.conf"
n0=$(sql "$W" "SELECT count(*) FROM messages")
( sqlite3 "$W/mado.db" "BEGIN IMMEDIATE; INSERT INTO quarantine(raw_sha256,reason,created_at) VALUES('x','lock',0);" ".system sleep 5" "COMMIT;" >/dev/null 2>&1 & echo $! > "$TMPROOT/lockpid"; wait ) &
sleep 0.5
mail 'dave@d.test' 'while locked' 'locked@d.test' | mado -w "$W" ingest 2>"$TMPROOT/err"
is "$?" 75 "database locked past the deadline: exit 75"
wait
mado -w "$W" ingest --drain >/dev/null
is "$(sql "$W" "SELECT count(*) FROM messages WHERE message_id='locked@d.test'")" 1 "…and the spooled copy is processed by --drain"
mail 'dave@d.test' 'while locked' 'locked@d.test' | mado -w "$W" ingest
is "$(sql "$W" "SELECT count(*) FROM messages WHERE message_id='locked@d.test'")" 1 "…the MTA's retry does not duplicate it"
: > "$W/mado.conf"

# A failed fsync fails the delivery (75) and leaves nothing behind
MADO_FAULT=fsync:1 mado -w "$W" ingest 2>"$TMPROOT/err" <<'MSG'
From: erin@e.test
Subject: fsync fails
Message-ID: <fsync@e.test>

body
MSG
is "$?" 75 "failed fsync: exit 75"
is "$(find "$W/spool/new" "$W/spool/tmp" -type f | wc -l)" 0 "…nothing partial in the spool"
is "$(sql "$W" "SELECT count(*) FROM messages WHERE message_id='fsync@e.test'")" 0 "…and nothing in the database"
MADO_FAULT=write:1 mado -w "$W" ingest 2>"$TMPROOT/err" <<'MSG'
From: erin@e.test
Subject: disk full
Message-ID: <enospc@e.test>

body
MSG
is "$?" 75 "disk full (ENOSPC on write): exit 75"

# kill -9 at each step, then redelivery + drain: exactly one message
for step in before-spool after-spool after-commit; do
	MADO_FAULT=crash:$step mado -w "$W" ingest 2>/dev/null <<MSG
From: frank@f.test
Subject: crash $step
Message-ID: <crash-$step@f.test>

body
MSG
	rc=$?
	ok "$(test $rc -ne 0; echo $?)" "killed at $step: the MTA sees a failure ($rc)"
	mado -w "$W" ingest <<MSG
From: frank@f.test
Subject: crash $step
Message-ID: <crash-$step@f.test>

body
MSG
	mado -w "$W" ingest --drain >/dev/null
	is "$(sql "$W" "SELECT count(*) FROM messages WHERE message_id='crash-$step@f.test'")" 1 "killed at $step, redelivered, drained: exactly one message"
	is "$(ls "$W/spool/new" | wc -l)" 0 "killed at $step: spool empty after drain"
done

# Real disk full: a small tmpfs (needs root); skipped elsewhere
if [ "$(id -u)" -eq 0 ] && mkdir -p "$TMPROOT/full" && mount -t tmpfs -o size=1m tmpfs "$TMPROOT/full" 2>/dev/null; then
	on_exit "umount $TMPROOT/full"
	mado init "$TMPROOT/full/ws" >/dev/null
	head -c 900000 /dev/zero > "$TMPROOT/full/filler" 2>/dev/null
	BODY=$(head -c 200000 /dev/zero | tr '\0' y) mail 'g@g.test' 'full' 'full@g.test' | mado -w "$TMPROOT/full/ws" ingest 2>"$TMPROOT/err"
	is "$?" 75 "tmpfs full: exit 75"
	is "$(find "$TMPROOT/full/ws/spool/new" "$TMPROOT/full/ws/spool/tmp" -type f | wc -l)" 0 "…nothing partial left"
	umount "$TMPROOT/full"
else
	skip "tmpfs disk-full test needs root"
	skip "tmpfs disk-full test needs root"
fi
done_testing
