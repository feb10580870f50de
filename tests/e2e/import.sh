#!/bin/sh
# mado import: maildir and mbox, batched, resumable after kill -9, no
# duplicates when run twice.
. "$(dirname "$0")/lib.sh"
GEN="$MADO_ROOT/build-san/bench/gen_mail"
[ -x "$GEN" ] || GEN="$MADO_ROOT/build/bench/gen_mail"
if [ ! -x "$GEN" ]; then
	make -s -C "$MADO_ROOT" build/bench/gen_mail >/dev/null 2>&1
	GEN="$MADO_ROOT/build/bench/gen_mail"
fi
"$GEN" --maildir "$TMPROOT/md" --count 500 --seed 3
"$GEN" --mbox "$TMPROOT/box.mbox" --count 400 --seed 4

W=$(new_ws md)
mado -w "$W" import --maildir "$TMPROOT/md" >"$TMPROOT/out" 2>&1
ok $? "maildir import succeeds"
is "$(sql "$W" "SELECT count(*) FROM messages")" 500 "500 messages from the maildir"
replies=$(sql "$W" "SELECT count(*) FROM messages WHERE thread_reason LIKE 'In-Reply-To%'")
ok "$(test "$replies" -gt 100; echo $?)" "replies threaded into their tickets ($replies)"
is "$(( $(sql "$W" "SELECT count(*) FROM tickets") + replies ))" 500 "every message is a new ticket or a threaded reply"
att=$(sql "$W" "SELECT count(*) FROM attachments")
ok "$(test "$att" -gt 20; echo $?)" "attachments stored ($att)"
ja=$(sql "$W" "SELECT count(*) FROM messages WHERE body_text LIKE '%お世話になっております%'")
ok "$(test "$ja" -gt 50; echo $?)" "Japanese bodies decoded ($ja)"
is "$(sql "$W" "SELECT count(*) FROM messages WHERE body_text LIKE '%'||char(65533)||'%'")" 0 "no replacement characters"
grep -q "imported 500" "$TMPROOT/out"
ok $? "summary line printed"
# Full-text indexing is deferred to the end of each batch (schema 11): the
# index must hold exactly what a per-row trigger would have put there.
is "$(sql "$W" "SELECT count(*) FROM fts_deferred")" 0 "no batch left deferred after the import"
sql "$W" "INSERT INTO message_fts(message_fts) VALUES('integrity-check'); INSERT INTO ticket_fts(ticket_fts) VALUES('integrity-check')"
ok $? "FTS5 integrity-check passes on both indexes"
is "$(sql "$W" "SELECT count(*) FROM message_fts WHERE message_fts MATCH '\"お世話になっております\"'")" "$(sql "$W" "SELECT count(*) FROM messages WHERE instr(subject || ' ' || body_text, 'お世話になっております') > 0")" "every imported message is in the message index"
is "$(sql "$W" "SELECT count(*) FROM ticket_fts_docsize")" "$(sql "$W" "SELECT count(*) FROM tickets")" "every imported ticket is in the ticket index"
is "$(sql "$W" "SELECT count(*) FROM messages m WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = m.raw_sha256 AND length(b.data) = m.raw_size)")" 0 "every raw message kept as a blob row"

mado -w "$W" import --maildir "$TMPROOT/md" >"$TMPROOT/out" 2>&1
is "$(sql "$W" "SELECT count(*) FROM messages")" 500 "second run: no duplicates"
grep -q "already present 500" "$TMPROOT/out"
ok $? "second run reports everything as already present"

W2=$(new_ws mbox)
mado -w "$W2" import --mbox "$TMPROOT/box.mbox" >"$TMPROOT/out" 2>&1
ok $? "mbox import succeeds"
is "$(sql "$W2" "SELECT count(*) FROM messages")" 400 "400 messages from the mbox"
mado -w "$W2" import --mbox "$TMPROOT/box.mbox" >/dev/null 2>&1
is "$(sql "$W2" "SELECT count(*) FROM messages")" 400 "mbox twice: no duplicates"

# mboxrd: a body line "From me" is stored as ">From me" in the mbox and read back as "From me"
W3=$(new_ws quoting)
printf 'From a@b Mon Nov 23 10:00:00 2026\nFrom: a@b.test\nSubject: q\nMessage-ID: <q1@b.test>\n\nhello\n>From the start\n\nFrom a@b Mon Nov 23 10:00:01 2026\nFrom: c@d.test\nSubject: r\nMessage-ID: <q2@b.test>\n\nsecond\n' > "$TMPROOT/q.mbox"
mado -w "$W3" import --mbox "$TMPROOT/q.mbox" >/dev/null 2>&1
is "$(sql "$W3" "SELECT count(*) FROM messages")" 2 "two messages split at From_ lines"
is "$(sql "$W3" "SELECT body_text FROM messages WHERE message_id='q1@b.test'")" "hello
From the start" "mboxrd >From unquoted"

# kill -9 in the middle, run again: every message exactly once
"$GEN" --maildir "$TMPROOT/big" --count 3000 --seed 5
W4=$(new_ws resume)
echo "import.batch = 50" > "$W4/mado.conf"
mado -w "$W4" import --maildir "$TMPROOT/big" >/dev/null 2>&1 &
pid=$!
i=0
while [ "$(sql "$W4" "SELECT count(*) FROM messages" 2>/dev/null || echo 0)" -lt 200 ] && [ $i -lt 400 ]; do
	sleep 0.05; i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
partial=$(sql "$W4" "SELECT count(*) FROM messages")
ok "$(test "$partial" -lt 3000; echo $?)" "killed part-way ($partial of 3000 stored)"
mado -w "$W4" import --maildir "$TMPROOT/big" >/dev/null 2>"$TMPROOT/resume.err"
rc=$?
ok "$rc" "the import runs again after kill -9"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$TMPROOT/resume.err"
is "$(sql "$W4" "SELECT count(*) FROM messages")" 3000 "every message exactly once after resuming"
is "$(sql "$W4" "SELECT count(*) FROM (SELECT message_id FROM messages GROUP BY message_id, raw_sha256 HAVING count(*) > 1)")" 0 "no duplicates"
sql "$W4" "INSERT INTO message_fts(message_fts) VALUES('integrity-check')"
ok $? "…and the full-text index is consistent after the kill"
is "$(sql "$W4" "SELECT count(*) FROM message_fts_docsize")" 3000 "…with every message indexed once"

# What the reader thread cannot read or must refuse is reported and
# skipped; everything around it is imported in order.
mkdir -p "$TMPROOT/odd/new" "$TMPROOT/odd/cur" "$TMPROOT/odd/new/2-a-directory"
printf 'From: a@odd.test\nSubject: first\nMessage-ID: <o1@odd.test>\n\nhello\n' > "$TMPROOT/odd/new/1"
printf 'From: b@odd.test\nSubject: third\nMessage-ID: <o3@odd.test>\n\nhello\n' > "$TMPROOT/odd/new/3"
W5=$(new_ws odd)
mado -w "$W5" import --maildir "$TMPROOT/odd" >"$TMPROOT/out" 2>"$TMPROOT/err"
grep -q "2-a-directory skipped" "$TMPROOT/err"
ok $? "an unreadable maildir entry is reported as skipped"
is "$(sql "$W5" "SELECT group_concat(subject, ',') FROM (SELECT subject FROM messages ORDER BY id)")" "first,third" "…and the messages around it are imported in order"
grep -q "imported 2, already present 0, failed 1" "$TMPROOT/out"
ok $? "…and counted as failed"
echo "mail.max_message_bytes = 1K" > "$W5/mado.conf"
BIG=$(head -c 3000 /dev/zero | tr '\0' x)
printf 'From a@b Mon Nov 23 10:00:00 2026\nFrom: a@big.test\nSubject: big\nMessage-ID: <b1@big.test>\n\n%s\n\nFrom a@b Mon Nov 23 10:00:01 2026\nFrom: c@big.test\nSubject: small\nMessage-ID: <b2@big.test>\n\nsmall\n' "$BIG" > "$TMPROOT/big.mbox"
mado -w "$W5" import --mbox "$TMPROOT/big.mbox" >/dev/null 2>"$TMPROOT/err"
grep -q "message 1 skipped: over mail.max_message_bytes" "$TMPROOT/err"
ok $? "an mbox message over the size limit is skipped with a reason"
is "$(sql "$W5" "SELECT count(*) FROM messages WHERE message_id = 'b2@big.test'")" 1 "…and the next one imported"

# not a maildir: clear error
mado -w "$W" import --maildir "$TMPROOT/nothing" >/dev/null 2>"$TMPROOT/err"
ok "$(test $? -ne 0 && grep -q 'not a maildir' "$TMPROOT/err"; echo $?)" "a missing maildir is a clear error"
done_testing
