#!/bin/sh
# End-to-end with a real Postfix: a private instance (own config, queue, data
# directory, log file, port on 127.0.0.1) delivers through a master.cf pipe
# transport into `mado ingest`, as README.md ("Hooking Mado to Postfix")
# describes. Needs root (Postfix instance, pipe user); skipped otherwise.
#
# Cases: one mail over SMTP; 1,000 mails; threaded replies (also through
# support+ext@); an auto-reply storm; an oversized message bounced with Mado's
# reason; a locked database (75 → deferred → flushed); kill -9 during
# delivery (after spool, after commit) → flushed + --drain. Every mail ends up
# exactly once; no sanitizer report from any piped run.
# Mail goes in over SMTP (swaks; Net::SMTP sessions for the bulk cases) and
# through sendmail(1)/postdrop (cases 6 and 7). The pipe runs a private copy
# of $MADO_BIN as an unprivileged user (mado-e2e, created if missing).
. "$(dirname "$0")/lib.sh"
trap 'exit 1' INT TERM HUP
PATH=$PATH:/usr/sbin:/sbin

diag() { sed 's/^/# /'; }
now() { date +%s.%N | cut -c1-14; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
T_START=$(now)
# Log lines (maillog) matching a pattern as TAP diagnostics.
logdiag() { grep -E "$1" "$PFLOG" 2>/dev/null | tail -n "${2:-15}" | diag; }
# is + the relevant maillog lines when it fails
is_log() {  # is_log GOT WANT DESCRIPTION LOG-PATTERN
	f0=$T_FAIL
	is "$1" "$2" "$3"
	[ "$T_FAIL" -eq "$f0" ] || logdiag "$4"
}
ok_log() {  # ok_log STATUS DESCRIPTION LOG-PATTERN
	f0=$T_FAIL
	ok "$1" "$2"
	[ "$T_FAIL" -eq "$f0" ] || logdiag "$3"
}
skip_all() { skip "$1"; done_testing; exit 0; }

[ "$(id -u)" -eq 0 ] || skip_all "a private Postfix instance needs root"
for c in postfix postconf postqueue sendmail swaks perl sqlite3 setpriv; do
	command -v "$c" >/dev/null 2>&1 || skip_all "$c not installed (scripts/deps.sh)"
done
DAEMON_DIR=$(postconf -dh daemon_directory 2>/dev/null)
[ -x "$DAEMON_DIR/pipe" ] || skip_all "Postfix pipe(8) not found"
MAJ=$(postconf -dh mail_version | cut -d. -f1); MIN=$(postconf -dh mail_version | cut -d. -f2)
[ "$MAJ" -gt 3 ] || { [ "$MAJ" -eq 3 ] && [ "$MIN" -ge 4 ]; } || skip_all "Postfix >= 3.4 needed (maillog_file)"

# ---------------------------------------------------------------------------
# The pipe user, and a binary it can execute
PUSER=mado-e2e
if ! id "$PUSER" >/dev/null 2>&1; then
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PUSER" 2>/dev/null ||
		id "$PUSER" >/dev/null 2>&1 || skip_all "cannot create user $PUSER"
fi
PGROUP=$(id -gn "$PUSER")
as_user() { setpriv --reuid="$PUSER" --regid="$PGROUP" --init-groups env HOME="$TMPROOT" "$@"; }

# Every read of the workspace runs as the pipe user, so that no file in it
# (WAL, shm, blobs) ever becomes root-owned.
sql() { as_user sqlite3 -batch -noheader "$1/mado.db" "$2"; }
umado() { as_user "$BIN" "$@"; }

# A private copy of the binary: reachable by the pipe user whatever the
# permissions of the checkout, and immune to a rebuild during the run.
mkdir -p "$TMPROOT/bin" && cp "$MADO_BIN" "$TMPROOT/bin/mado" && chmod 755 "$TMPROOT/bin/mado" ||
	skip_all "cannot copy $MADO_BIN"
BIN=$TMPROOT/bin/mado
as_user test -x "$BIN" || skip_all "$PUSER cannot execute $BIN"
W=$TMPROOT/ws
"$BIN" init "$W" >/dev/null || skip_all "mado init failed"
chown -R "$PUSER:$PGROUP" "$W"
SAN=$TMPROOT/san        # sanitizer logs of the piped runs
CATCH=$TMPROOT/catch    # bounces sent back to catch@localhost
FLAG=$TMPROOT/fault     # MADO_FAULT for the piped runs, when present
mkdir -p "$SAN" "$CATCH"
chown "$PUSER:$PGROUP" "$SAN" "$CATCH"
setconf() { printf '%s\n' "$@" > "$W/mado.conf"; chown "$PUSER:$PGROUP" "$W/mado.conf"; }

# The pipe runs this wrapper: sanitizer options (output into $SAN, never into
# the command output that becomes bounce text) and optional fault injection.
cat > "$TMPROOT/mado-pipe" <<EOF
#!/bin/sh
ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=0:log_path=$SAN/asan"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$SAN/ubsan"
G_SLICE=always-malloc
export ASAN_OPTIONS UBSAN_OPTIONS G_SLICE
if [ -s "$FLAG" ]; then MADO_FAULT=\$(cat "$FLAG"); export MADO_FAULT; fi
exec "$BIN" --workspace "$W" ingest
EOF
cat > "$TMPROOT/catch-pipe" <<EOF
#!/bin/sh
cat > "$CATCH/msg.\$\$"
EOF
chmod 755 "$TMPROOT/mado-pipe" "$TMPROOT/catch-pipe"

# ---------------------------------------------------------------------------
# The private Postfix instance
PFC=$TMPROOT/pf-etc
PFQ=$TMPROOT/pf-queue
PFD=$TMPROOT/pf-data
PFLOG=$TMPROOT/maillog
mkdir -p "$PFC" && mkdir -m 755 "$PFQ"
# a port is free when no TCP socket (v4 or v6) uses it
port_free() { ! grep -qi ":$(printf '%04X' "$1") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
PORT=$((30000 + $$ % 20000))
n=0
while ! port_free $PORT && [ $n -lt 200 ]; do PORT=$((PORT + 1)); n=$((n + 1)); done
port_free $PORT || skip_all "no free port on 127.0.0.1"

cat > "$PFC/main.cf" <<EOF
# private instance for tests/e2e/postfix.sh
compatibility_level = 3.6
config_directory = $PFC
queue_directory = $PFQ
data_directory = $PFD
meta_directory = /etc/postfix
mail_owner = postfix
myhostname = mado-e2e.localdomain
mydomain = localdomain
myorigin = \$myhostname
mydestination = localhost
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_banner = \$myhostname ESMTP mado-e2e
biff = no
append_dot_mydomain = no
readme_directory = no
alias_maps =
alias_database =
recipient_delimiter = +
local_recipient_maps = inline:{ support@localhost=ok, catch@localhost=ok }
transport_maps = inline:{ support@localhost=mado:, catch@localhost=catch: }
# nothing ever leaves this instance
local_transport = error:5.1.1 no local delivery in the mado e2e instance
default_transport = error:5.1.1 no outside delivery in the mado e2e instance
relay_transport = \$default_transport
notify_classes =
in_flow_delay = 0
queue_run_delay = 60s
minimal_backoff_time = 60s
maximal_backoff_time = 120s
maillog_file = $PFLOG
maillog_file_prefixes = $TMPROOT
EOF
# master.cf: the system's, without chroot (the queue is private), with the
# only inet service on our port, plus the mado and catch pipes.
awk -v port="$PORT" '
	/^#/ || /^[ \t]/ || NF < 8 { print; next }
	$2 == "inet" { if ($8 == "smtpd" && !done) { print "127.0.0.1:" port " inet n - n - - smtpd"; done = 1 } else print "#" $0; next }
	{ $5 = "n"; print }
' /etc/postfix/master.cf > "$PFC/master.cf"
cat >> "$PFC/master.cf" <<EOF
mado      unix  -       n       n       -       4       pipe
  flags=Rq user=$PUSER argv=$TMPROOT/mado-pipe
catch     unix  -       n       n       -       1       pipe
  flags=Rq user=$PUSER argv=$TMPROOT/catch-pipe
EOF
grep -q '^postlog' "$PFC/master.cf" || echo "postlog   unix-dgram n  -       n       -       1       postlogd" >> "$PFC/master.cf"

pf() { postfix -c "$PFC" "$@"; }
pf_stop() {
	if [ -s "$TMPROOT/lockpid" ]; then kill "$(cat "$TMPROOT/lockpid")" 2>/dev/null; : > "$TMPROOT/lockpid"; fi
	postfix_stop
}
on_exit pf_stop
if ! pf start >"$TMPROOT/pf-start.log" 2>&1; then
	diag < "$TMPROOT/pf-start.log"
	[ -f "$PFLOG" ] && tail -n 20 "$PFLOG" | diag
	skip_all "the private Postfix instance does not start"
fi
MASTER=$(sed -n '1s/ //gp' "$PFQ/pid/master.pid")
ok "$(in_queue | grep -qx "$MASTER"; echo $?)" "private Postfix $(postconf -dh mail_version) started on 127.0.0.1:$PORT (master $MASTER)"

# ---------------------------------------------------------------------------
# Helpers
case_start() { CASE=$1; T_CASE=$(now); }
case_end() { echo "# case $CASE took $(elapsed "$T_CASE")s (total $(elapsed "$T_START")s)"; }
queue_len() { postqueue -c "$PFC" -j 2>/dev/null | grep -c queue_name; }
# wait_queue_empty SECONDS: until no message is left in any queue
wait_queue_empty() {
	t=0
	while [ "$(queue_len)" -ne 0 ]; do
		[ $t -ge $(($1 * 5)) ] && return 1
		sleep 0.2; t=$((t + 1))
	done
	return 0
}
# wait_all_deferred SECONDS: until every queued message is in the deferred queue
wait_all_deferred() {
	t=0
	while postqueue -c "$PFC" -j 2>/dev/null | grep -v '"queue_name": *"deferred"' | grep -q queue_name; do
		[ $t -ge $(($1 * 5)) ] && return 1
		sleep 0.2; t=$((t + 1))
	done
	return 0
}
# send_local MSGFILE: submit through sendmail(1) into this instance's maildrop
send_local() { sendmail -C "$PFC" -i -f "${SENDER:-customer@example.org}" support@localhost < "$1"; }
# smtp_send DIR: every file of DIR over SMTP (Net::SMTP, which swaks needs
# anyway), 4 sessions in parallel, many messages per session
smtp_send() {
	for k in 0 1 2 3; do
		ls "$1" | awk -v k=$k -v d="$1" 'NR % 4 == k { print d "/" $0 }' | xargs perl -MNet::SMTP -e '
			my ($port, $from, $rcpt, @files) = @ARGV;
			my $s = Net::SMTP->new("127.0.0.1", Port => $port, Hello => "client.test", Timeout => 60)
				or die "connect: $@\n";
			for my $f (@files) {
				open my $fh, "<", $f or die "$f: $!\n";
				local $/; my $d = <$fh>; close $fh;
				($s->mail($from) && $s->to($rcpt) && $s->data($d)) or die "$f: " . $s->message;
			}
			$s->quit;' "$PORT" "${SENDER:-customer@example.org}" support@localhost &
	done
	wait
}
# swaks_to RCPT FROM SUBJECT MSGID [--header ...]
swaks_to() {
	rcpt=$1 from=$2 subj=$3 mid=$4; shift 4
	swaks --silent 2 --server 127.0.0.1 --port "$PORT" --helo client.test \
		--to "$rcpt" --from "$from" --header "Subject: $subj" --header "Message-Id: <$mid>" "$@"
}
spool_count() { find "$W/spool" -type f 2>/dev/null | wc -l; }
# mado ingest --drain as the pipe user; a failure is reported at the end
drain() {
	umado -w "$W" ingest --drain >/dev/null 2>"$TMPROOT/drain.out" ||
		{ echo "drain exited $?:"; cat "$TMPROOT/drain.out"; } >> "$TMPROOT/drain.err"
}
# Count messages/tickets whose Message-ID matches a LIKE pattern.
nmsg() { sql "$W" "SELECT count(*) FROM messages WHERE message_id LIKE '$1'"; }
# Message-IDs stored more or less than once among a LIKE pattern, as "n/total"
once() {
	sql "$W" "SELECT count(DISTINCT message_id)||'/'||count(*) FROM messages WHERE message_id LIKE '$1'"
}

# ---------------------------------------------------------------------------
# 1. One mail through SMTP
case_start 1
swaks_to support@localhost alice@example.org 'Printer on fire' 'one@example.org' \
	--header 'From: "Alice Example" <alice@example.org>' >"$TMPROOT/swaks.out" 2>&1
rc=$?
ok_log $rc "swaks: support@localhost accepted over SMTP" "smtpd|cleanup"
[ $rc -eq 0 ] || diag < "$TMPROOT/swaks.out"
wait_queue_empty 30
ok_log $? "the message left the queue" "."
is_log "$(ntickets "$W")" 1 "one ticket" "relay=mado"
is "$(sql "$W" "SELECT status||'|'||channel||'|'||subject FROM tickets")" "new|email|Printer on fire" "…new, email, with the subject"
is "$(sql "$W" "SELECT email||'|'||name FROM customers")" "alice@example.org|Alice Example" "…from the customer in From"
ok_log "$(grep -q 'to=<support@localhost>, relay=mado, .*status=sent' "$PFLOG"; echo $?)" "maillog: delivered by the mado pipe" "relay=mado"
is "$(sql "$W" "SELECT count(*) FROM messages WHERE raw_sha256 IS NOT NULL AND message_id='one@example.org'")" 1 "…one message, raw kept"

case_end
# ---------------------------------------------------------------------------
# 2. 1,000 mails over SMTP (4 sessions)
case_start 2
N=1000
mkdir -p "$TMPROOT/bulk"
i=0
while [ $i -lt $N ]; do
	mail "Customer $((i % 37)) <c$((i % 37))@bulk.test>" "bulk request $i" "bulk-$i@bulk.test" > "$TMPROOT/bulk/$i"
	i=$((i + 1))
done
t0=$(now)
smtp_send "$TMPROOT/bulk" 2>"$TMPROOT/smtp.err"
ok_log "$(test ! -s "$TMPROOT/smtp.err"; echo $?)" "1,000 mails accepted over SMTP" "smtpd|warning"
diag < "$TMPROOT/smtp.err"
tq=$(elapsed "$t0")
wait_queue_empty 150
ok_log $? "1,000 mails: the Postfix queue empties" "relay=mado.*status=(deferred|bounced)|warning|fatal|panic"
tp=$(elapsed "$t0")
drain
ttot=$(elapsed "$t0")
echo "# 1,000 mails: submitted in ${tq}s, delivered by Postfix in ${tp}s, drained in ${ttot}s total"
is_log "$(nmsg 'bulk-%@bulk.test')" $N "1,000 messages stored" "relay=mado.*status=(deferred|bounced)"
is "$(once 'bulk-%@bulk.test')" "$N/$N" "…no duplicates"
is "$(sql "$W" "SELECT count(DISTINCT t.id) FROM tickets t JOIN messages m ON m.ticket_id=t.id WHERE m.message_id LIKE 'bulk-%@bulk.test'")" $N "…1,000 tickets"
is "$(ntickets "$W")" $((N + 1)) "…and no other ticket"
is "$(sql "$W" "SELECT count(*) FROM tickets WHERE subject LIKE 'bulk request %'")" $N "…each with its subject"
is "$(spool_count)" 0 "…spool empty"
is "$(grep -c 'relay=mado, .*status=sent' "$PFLOG")" $((N + 1)) "maillog: 1,001 deliveries by the pipe so far"
rm -rf "$TMPROOT/bulk"

case_end
# ---------------------------------------------------------------------------
# 3. Replies: In-Reply-To of an earlier message, also to support+ext@
case_start 3
swaks_to support@localhost bob@example.org 'Cannot log in' 'thread-1@example.org' \
	--header 'From: Bob <bob@example.org>' >/dev/null 2>&1
wait_queue_empty 30
t1=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='thread-1@example.org'")
ok "$(test -n "$t1"; echo $?)" "first message of a thread opens ticket #$t1"
swaks_to support@localhost bob@example.org 'Re: Cannot log in' 'thread-2@example.org' \
	--header 'From: Bob <bob@example.org>' --header 'In-Reply-To: <thread-1@example.org>' >/dev/null 2>&1
swaks_to 'support+42.abcdefabcdef@localhost' bob@example.org 'Re: Re: Cannot log in' 'thread-3@example.org' \
	--header 'From: Bob <bob@example.org>' --header 'In-Reply-To: <thread-2@example.org>' \
	--header 'References: <thread-1@example.org> <thread-2@example.org>' >/dev/null 2>&1
wait_queue_empty 30
is_log "$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='thread-2@example.org'")" "$t1" "a reply with In-Reply-To joins the ticket" "thread|relay=mado"
is_log "$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='thread-3@example.org'")" "$t1" "a reply to support+ext@localhost reaches the pipe and joins too" "support\\+42"
is "$(ntickets "$W")" $((N + 2)) "…no new ticket for the replies"

case_end
# ---------------------------------------------------------------------------
# 4. Auto-reply storm: 200 unthreaded auto-replies open no ticket
case_start 4
before=$(ntickets "$W")
mkdir -p "$TMPROOT/storm"
i=0
while [ $i -lt 200 ]; do
	case $((i % 3)) in
	0) h1='Auto-Submitted: auto-replied' h2='Precedence: bulk' ;;
	1) h1='X-Autoreply: yes' h2='Precedence: bulk' ;;
	2) h1='Auto-Submitted: auto-replied' h2='X-Autoreply: yes' ;;
	esac
	mail "ooo$((i % 10))@storm.test" "Out of office: re: your message $i" "storm-$i@storm.test" "$h1" "$h2" > "$TMPROOT/storm/$i"
	i=$((i + 1))
done
SENDER=ooo@storm.test smtp_send "$TMPROOT/storm" 2>"$TMPROOT/smtp.err"
ok_log "$(test ! -s "$TMPROOT/smtp.err"; echo $?)" "200 auto-replies accepted over SMTP" "smtpd|warning"
diag < "$TMPROOT/smtp.err"
wait_queue_empty 60
ok_log $? "storm: the queue empties" "relay=mado.*status=(deferred|bounced)"
drain
is "$(ntickets "$W")" "$before" "200 auto-replies: no new ticket"
is "$(once 'storm-%@storm.test')" "200/200" "…each stored once"
is "$(sql "$W" "SELECT kind||'|'||count(*)||'|'||sum(ticket_id IS NULL)||'|'||sum(may_auto_answer) FROM messages WHERE message_id LIKE 'storm-%@storm.test' GROUP BY kind")" \
	"auto-reply|200|200|0" "…as kind auto-reply, without a ticket, never auto-answered"
rm -rf "$TMPROOT/storm"

case_end
# ---------------------------------------------------------------------------
# 5. Over mail.max_message_bytes: bounced with Mado's reason, nothing stored
case_start 5
setconf "mail.max_message_bytes = 2K"
m0=$(sql "$W" "SELECT count(*) FROM messages")
swaks_to support@localhost catch@localhost 'huge attachment' 'big@example.org' \
	--body "$(head -c 6000 /dev/zero | tr '\0' x | fold -w 70)" >/dev/null 2>&1
wait_queue_empty 30
ok_log "$(grep -q 'relay=mado, .*status=bounced .*5\.3\.4 message too big' "$PFLOG"; echo $?)" \
	"maillog: bounced by the pipe with Mado's reason (5.3.4 message too big)" "relay=mado.*status=bounced|catch"
ok "$(grep -l 'message too big' "$CATCH"/msg.* >/dev/null 2>&1; echo $?)" "…the bounce to the sender carries the reason"
[ "$(ls "$CATCH" | wc -l)" -gt 0 ] || logdiag "catch|bounce"
is "$(sql "$W" "SELECT count(*) FROM messages")" "$m0" "…nothing stored"
is "$(sql "$W" "SELECT count(*) FROM quarantine")" 0 "…nor quarantined"
is "$(spool_count)" 0 "…nothing in the spool"
setconf ""

case_end
# ---------------------------------------------------------------------------
# 6. Database locked past ingest.deadline_seconds: 75 → deferred; then flushed
case_start 6
setconf "ingest.deadline_seconds = 2"
d0=$(grep -c 'relay=mado, .*status=deferred' "$PFLOG")
( as_user sqlite3 -cmd ".timeout 5000" "$W/mado.db" "BEGIN IMMEDIATE;" ".system sleep 7" "ROLLBACK;" >/dev/null 2>&1 &
  echo $! > "$TMPROOT/lockpid"; wait ) &
lockjob=$!
# wait until the write lock is really held
t=0
while as_user sqlite3 "$W/mado.db" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1 && [ $t -lt 50 ]; do sleep 0.1; t=$((t + 1)); done
i=0
while [ $i -lt 10 ]; do
	mail "Locked $i <locked$i@lock.test>" "sent while locked $i" "locked-$i@lock.test" > "$TMPROOT/msg"
	send_local "$TMPROOT/msg"
	i=$((i + 1))
done
wait $lockjob
: > "$TMPROOT/lockpid"
wait_all_deferred 20
d1=$(grep -c 'relay=mado, .*status=deferred' "$PFLOG")
ok_log "$(test $((d1 - d0)) -ge 1; echo $?)" "locked database: Postfix deferred $((d1 - d0)) deliveries (exit 75)" "relay=mado"
ok_log "$(grep 'relay=mado, .*status=deferred' "$PFLOG" | tail -n 1 | grep -q '4\.3\.0'; echo $?)" "…with Mado's 4.3.0 reason in the log" "status=deferred"
q=$(queue_len)
ok "$(test "$q" -ge 1; echo $?)" "…$q message(s) waiting in the deferred queue"
postqueue -c "$PFC" -f
wait_queue_empty 30
ok_log $? "after the lock is released and the queue flushed, the queue empties" "relay=mado"
drain
is "$(once 'locked-%@lock.test')" "10/10" "every mail sent while locked: exactly one message"
is "$(sql "$W" "SELECT count(DISTINCT ticket_id) FROM messages WHERE message_id LIKE 'locked-%@lock.test'")" 10 "…and one ticket each"
is "$(spool_count)" 0 "…spool empty"
setconf ""

case_end
# ---------------------------------------------------------------------------
# 7. kill -9 in the middle of deliveries, then flush + --drain
case_start 7
for step in after-spool after-commit; do
	echo "crash:$step" > "$FLAG"
	chmod 644 "$FLAG"
	d0=$(grep -c 'relay=mado, .*status=deferred' "$PFLOG")
	i=0
	while [ $i -lt 20 ]; do
		mail "Crash $i <crash$i@crash.test>" "crash $step $i" "crash-$step-$i@crash.test" > "$TMPROOT/msg"
		send_local "$TMPROOT/msg"
		i=$((i + 1))
	done
	sleep 1
	wait_all_deferred 30
	ok_log $? "crash:$step: deliveries settle (deferred or accepted)" "relay=mado"
	d1=$(grep -c 'relay=mado, .*status=deferred' "$PFLOG")
	ok_log "$(grep 'relay=mado, .*status=deferred' "$PFLOG" | tail -n 1 | grep -q 'signal 9' && test $((d1 - d0)) -ge 1; echo $?)" \
		"crash:$step: $((d1 - d0)) deliveries killed by signal 9 and deferred" "relay=mado"
	rm -f "$FLAG"
	postqueue -c "$PFC" -f
	wait_queue_empty 30
	ok_log $? "crash:$step: after the flush the queue empties" "relay=mado"
	drain
	is "$(once "crash-$step-%@crash.test")" "20/20" "crash:$step: every mail exactly one message"
	is "$(sql "$W" "SELECT count(DISTINCT ticket_id)||'/'||sum(ticket_id IS NULL) FROM messages WHERE message_id LIKE 'crash-$step-%@crash.test'")" "20/0" "…one ticket each"
	is "$(spool_count)" 0 "…spool empty"
done

case_end
# ---------------------------------------------------------------------------
# Overall
total=$((N + 4 + 200 + 10 + 40))
is "$(sql "$W" "SELECT count(*) FROM messages")" "$total" "in all $total messages, each stored once"
is "$(sql "$W" "SELECT count(*) FROM (SELECT message_id FROM messages GROUP BY message_id HAVING count(*) > 1)")" 0 "no Message-ID stored twice"
is "$(sql "$W" "SELECT count(*) FROM quarantine")|$(spool_count)" "0|0" "nothing quarantined, nothing left in the spool"
is "$(grep -c 'relay=mado, .*status=bounced' "$PFLOG")" 1 "maillog: the oversized message is the only bounce from the pipe"
ok_log "$(! grep -qE 'postfix[^ ]*\[[0-9]+\]: (fatal|panic):' "$PFLOG"; echo $?)" "maillog: no fatal or panic" "fatal|panic"
is "$(cat "$TMPROOT/drain.err" 2>/dev/null | wc -l)" 0 "every mado ingest --drain succeeded"
[ -s "$TMPROOT/drain.err" ] && head -n 30 "$TMPROOT/drain.err" | diag
grep -E 'postfix[^ ]*\[[0-9]+\]: warning:' "$PFLOG" | sort -u -k5 | head -n 10 | diag
sanlogs=$(ls "$SAN" 2>/dev/null | wc -l)
is "$sanlogs" 0 "no ASan/UBSan report from any piped mado run"
[ "$sanlogs" -eq 0 ] || cat "$SAN"/* | head -n 60 | diag
pf_stop
left=$(in_queue | tr '\n' ' ')
ok "$(test -z "$left"; echo $?)" "the private Postfix instance stopped, no process left${left:+ (left: $left)}"
done_testing
