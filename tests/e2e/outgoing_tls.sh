#!/bin/sh
# Outgoing mail through a real submission relay: a private Postfix
# instance on 127.0.0.1 offering STARTTLS (a certificate openssl makes
# here) and SMTP AUTH (Dovecot SASL: a private dovecot with a passwd-file,
# its auth socket in the relay's queue), relaying to smtp-sink, which
# captures what arrives.
#
# Cases: Mado's sender (libcurl) upgrades with STARTTLS, logs in and the
# mail arrives byte for byte as Mado composed it; a wrong password keeps
# the mail queued with the relay's 535 visible, and it goes once the
# password is fixed; a relay that requires TLS, with TLS off in Mado's
# settings, refuses cleanly (queued, 530 visible, no password sent); a
# relay refusing one recipient of several (550) delivers to the others,
# the refusal is an event on the ticket, and a recipient refused for now
# (450) is retried alone, so nobody gets the mail twice.
# Needs root (a Postfix instance), openssl, dovecot (dovecot-core), jq.
. "$(dirname "$0")/lib.sh"
PATH=$PATH:/usr/sbin:/sbin
skip_all() { skip "$1"; done_testing; exit 0; }
[ "$(id -u)" -eq 0 ] || skip_all "a private Postfix instance needs root"
for c in postfix postconf openssl dovecot jq sqlite3; do
	command -v "$c" >/dev/null 2>&1 || skip_all "$c not installed (scripts/deps.sh)"
done
postconf -a | grep -qx dovecot || skip_all "Postfix without Dovecot SASL"
id dovenull >/dev/null 2>&1 && id dovecot >/dev/null 2>&1 || skip_all "the dovecot users are missing"

PFC=$TMPROOT/pf-etc
PFQ=$TMPROOT/pf-queue
PFLOG=$TMPROOT/maillog
mkdir -p "$PFC" && mkdir -m 755 "$PFQ"
RELAY=$(free_port)                # STARTTLS offered, AUTH after TLS
TLSONLY=$((RELAY + 1))            # STARTTLS required
SP=$((RELAY + 2))                 # smtp-sink behind the relay
HOST=relay.mado-e2e.test

# ---- the certificate, and the relay's one user ----
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
	-addext "subjectAltName=IP:127.0.0.1" -keyout "$PFC/relay.key" -out "$PFC/relay.pem" 2>"$TMPROOT/openssl.err" ||
	{ sed 's/^/# /' "$TMPROOT/openssl.err"; skip_all "openssl cannot make a certificate"; }
chmod 600 "$PFC/relay.key"

# ---- a private dovecot: SASL only (no protocols), one user ----
DVD=$TMPROOT/dovecot
mkdir -p "$DVD/run" "$DVD/state"
echo 'mado:{PLAIN}relay-pass-1::::::' > "$DVD/users"
chmod 644 "$DVD/users"
mkdir -m 700 "$PFQ/private" && chown postfix "$PFQ/private"  # as Postfix makes it
cat > "$DVD/dovecot.conf" <<EOF
protocols =
base_dir = $DVD/run
state_dir = $DVD/state
log_path = $DVD/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $DVD/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service auth {
  unix_listener $PFQ/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
EOF
dv_stop() {
	[ -s "$DVD/run/master.pid" ] || return 0
	pid=$(cat "$DVD/run/master.pid")
	kill "$pid" 2>/dev/null
	t=0; while kill -0 "$pid" 2>/dev/null && [ $t -lt 25 ]; do sleep 0.2; t=$((t + 1)); done
}
on_exit dv_stop
dovecot -c "$DVD/dovecot.conf" 2>"$TMPROOT/dovecot.err" ||
	{ sed 's/^/# /' "$TMPROOT/dovecot.err"; skip_all "the private dovecot does not start"; }
i=0; while [ ! -S "$PFQ/private/auth" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
# one recipient refused for good, one for now (until the map changes)
printf 'refused@example.org 550 5.1.1 no such user here\nlater@example.org 450 4.2.1 mailbox busy, try later\n' > "$PFC/rcpt_access"

cat > "$PFC/main.cf" <<EOF
# private relay for tests/e2e/outgoing_tls.sh
compatibility_level = 3.6
config_directory = $PFC
queue_directory = $PFQ
data_directory = $TMPROOT/pf-data
meta_directory = /etc/postfix
mail_owner = postfix
myhostname = $HOST
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
notify_classes =
in_flow_delay = 0
maillog_file = $PFLOG
maillog_file_prefixes = $TMPROOT
smtpd_tls_security_level = may
smtpd_tls_cert_file = $PFC/relay.pem
smtpd_tls_key_file = $PFC/relay.key
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_sasl_security_options = noanonymous
smtpd_sasl_authenticated_header = yes
smtpd_tls_auth_only = yes
# only a logged-in client may relay; then the per-recipient verdicts
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = check_recipient_access texthash:$PFC/rcpt_access
relayhost = [127.0.0.1]:$SP
smtp_tls_security_level = none
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
EOF
# master.cf: the system's without chroot, with our two listeners only
awk -v p1="$RELAY" -v p2="$TLSONLY" '
	/^#/ || /^[ \t]/ || NF < 8 { print; next }
	$2 == "inet" { if ($8 == "smtpd" && !done) {
		print "127.0.0.1:" p1 " inet n - n - - smtpd"
		print "127.0.0.1:" p2 " inet n - n - - smtpd -o syslog_name=postfix/tlsonly -o smtpd_tls_security_level=encrypt"
		done = 1 } else print "#" $0; next }
	{ $5 = "n"; print }
' /etc/postfix/master.cf > "$PFC/master.cf"
grep -q '^postlog' "$PFC/master.cf" || echo "postlog   unix-dgram n  -       n       -       1       postlogd" >> "$PFC/master.cf"

pf() { postfix -c "$PFC" "$@"; }
on_exit postfix_stop
if ! pf start >"$TMPROOT/pf-start.log" 2>&1; then
	sed "s/^/# /" "$TMPROOT/pf-start.log"; cat "$PFLOG" 2>/dev/null | tail -5 | sed "s/^/# /"
	skip_all "the private Postfix instance does not start"
fi
i=0; while ! grep -qi ":$(printf '%04X' "$RELAY") " /proc/net/tcp && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ok 0 "private Postfix $(postconf -dh mail_version) relay on 127.0.0.1:$RELAY (TLS may), :$TLSONLY (TLS required)"
sink "$TMPROOT/got" "$SP"

# ---- Mado: a workspace whose relay is that Postfix ----
W=$(new_ws tls)
conf() {  # conf SETTING...: the relay settings of this case
	{
		printf '%s\n' "mailbox.addresses = support@example.com" "mailbox.msgid_domain = mado.example.com" \
			"mailbox.from_name = Example Support" "outbox.relay_host = 127.0.0.1" "outbox.in_serve = false" \
			"outbox.retry_base_seconds = 1" "outbox.retry_max_seconds = 1" "ack.enabled = false" \
			"notify.customer_on_resolved = false"
		printf '%s\n' "$@"
	} > "$W/mado.conf"
}
GOOD="outbox.relay_port = $RELAY
outbox.relay_tls = starttls
outbox.relay_ca_file = $PFC/relay.pem
outbox.relay_user = mado
outbox.relay_password = relay-pass-1"
conf "$GOOD"
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add agent@example.com --name 'Ann Lee' --role admin >/dev/null
start_server "$W"
G=$TMPROOT/agent.jar
CS=$(login agent@example.com agent-pass-1 "$G")
reply() { req "$G" "$CS" POST "/api/v1/tickets/$1/replies" "$2"; OB=$(printf '%s\n' "$R" | jq -r .outbox.id); }
run() { sleep 1.1; mado -w "$W" outbox run; }
ob() { sql "$W" "SELECT $2 FROM outbox WHERE id=$1"; }
# sent_to ADDR: how many times the relay handed a mail for ADDR to smtp-sink
sent_to() { grep -c "to=<$1>, relay=127.0.0.1\[127.0.0.1\]:$SP, .*status=sent" "$PFLOG"; }
wait_sent() { i=0; while [ "$(sent_to "$1")" -lt "$2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; }
logdiag() { grep -E "$1" "$PFLOG" | tail -n 12 | sed 's/^/# /'; }

# ---- 1. STARTTLS, AUTH, delivered intact ----
mail 'Alice Smith <alice@example.org>' 'Printer on fire' 'c1@example.org' | mado -w "$W" ingest
wait_tickets "$W" 1
reply 1 '{"body":"Hello Alice,\n\nplease unplug it.\n.\nあいさつ: よろしくお願いします。"}'
is "$ST" 201 "an agent reply is queued"
is "$(run)" "sent 1, retry later 0, failed 0" "sent through the relay"
wait_sent alice@example.org 1
is "$(sent_to alice@example.org)" 1 "the relay passed it on to alice@example.org once"
f0=$T_FAIL
ok "$(grep -q "postfix/smtpd\[[0-9]*\]: .*TLS connection established from localhost\[127.0.0.1\]" "$PFLOG"; echo $?)" "maillog: Mado's session upgraded with STARTTLS"
ok "$(grep -q "client=localhost\[127.0.0.1\], sasl_method=PLAIN, sasl_username=mado" "$PFLOG"; echo $?)" "maillog: Mado logged in (sasl_username=mado)"
[ "$T_FAIL" -eq "$f0" ] || logdiag 'smtpd|warning'
C=$(cat "$TMPROOT/got"/* 2>/dev/null)
ok "$(printf '%s\n' "$C" | grep -q "with ESMTPSA"; echo $?)" "Received: by ESMTPSA (TLS and AUTH)"
ok "$(printf '%s\n' "$C" | grep -q "(Authenticated sender: mado)"; echo $?)" "…Authenticated sender in the Received header"
# the exact bytes Mado composes for that row (compose is deterministic)
cat > "$TMPROOT/keep.sh" <<EOF
#!/bin/sh
cat > "$TMPROOT/exact.eml"
EOF
chmod 755 "$TMPROOT/keep.sh"
conf "outbox.transport = sendmail" "outbox.sendmail_path = $TMPROOT/keep.sh"
sql "$W" "UPDATE outbox SET status='queued', next_attempt_at=0 WHERE id=$OB"
mado -w "$W" outbox run >/dev/null
first=$(head -n 1 "$TMPROOT/exact.eml")
printf '%s\n' "$C" | tr -d '\r' | sed -n "/^$(printf '%s' "$first" | sed 's/[][\\/.*^$]/\\&/g')/,\$p" > "$TMPROOT/relayed.eml"
ok "$(cmp -s "$TMPROOT/exact.eml" "$TMPROOT/relayed.eml"; echo $?)" "the relayed mail is byte for byte what Mado composed ($(wc -c < "$TMPROOT/exact.eml") bytes)"
cmp "$TMPROOT/exact.eml" "$TMPROOT/relayed.eml" 2>&1 | sed 's/^/# /'
conf "$GOOD"

# ---- 2. a wrong password: queued, the 535 visible; fixed: sent ----
conf "outbox.relay_port = $RELAY" "outbox.relay_tls = starttls" "outbox.relay_ca_file = $PFC/relay.pem" \
	"outbox.relay_user = mado" "outbox.relay_password = wrong-pass"
reply 1 '{"body":"Second answer."}'
is "$(run)" "sent 0, retry later 1, failed 0" "wrong password: retry later, not failed"
is "$(ob "$OB" status)" queued "…the mail stays queued"
ok "$(ob "$OB" last_error | grep -q '^535 '; echo $?)" "…the relay's 535 is kept: $(ob "$OB" last_error)"
req "$G" "$CS" GET /api/v1/tickets/1
ok "$(printf '%s\n' "$R" | jq -r ".outbox[] | select(.id==$OB) | .last_error" | grep -q 'authentication failed'; echo $?)" "…and shown on the ticket"
conf "$GOOD"
is "$(run)" "sent 1, retry later 0, failed 0" "password fixed: sent"
is "$(ob "$OB" status)" sent "…marked sent"

# ---- "try" with a password: a relay without STARTTLS never sees it ----
conf "outbox.relay_port = $SP" "outbox.relay_tls = try" "outbox.relay_user = mado" \
	"outbox.relay_password = relay-pass-1"
reply 1 '{"body":"Through a plain relay?"}'
is "$(run)" "sent 0, retry later 1, failed 0" "relay_tls = try with a password, relay without STARTTLS: retry later, no password in clear"
# (smtp-sink answers AUTH oddly, so a password sent in clear would fail
# too: the error must be the missing TLS, before any AUTH)
ok "$(ob "$OB" last_error | grep -qi 'ssl\|tls'; echo $?)" "…held back for want of TLS: $(ob "$OB" last_error)"
conf "$GOOD"
is "$(run)" "sent 1, retry later 0, failed 0" "…sent once the relay offers TLS"

# ---- 3. TLS required by the relay, off in Mado: refused cleanly ----
conf "outbox.relay_port = $TLSONLY" "outbox.relay_tls = none" "outbox.relay_user = mado" \
	"outbox.relay_password = relay-pass-1"
reply 1 '{"body":"Third answer."}'
is "$(run)" "sent 0, retry later 1, failed 0" "TLS off against a relay that requires it: retry later"
ok "$(ob "$OB" last_error | grep -q '^530 .*STARTTLS'; echo $?)" "…the relay's 530 is kept: $(ob "$OB" last_error)"
ok "$(! grep -q 'postfix/tlsonly/smtpd.*sasl_username' "$PFLOG"; echo $?)" "…and no password went over the plain connection"
conf "outbox.relay_port = $TLSONLY" "outbox.relay_tls = starttls" "outbox.relay_ca_file = $PFC/relay.pem" \
	"outbox.relay_user = mado" "outbox.relay_password = relay-pass-1"
is "$(run)" "sent 1, retry later 0, failed 0" "TLS on: the same relay takes it"
conf "outbox.relay_port = $RELAY" "outbox.relay_tls = starttls" "outbox.relay_user = mado" \
	"outbox.relay_password = relay-pass-1"
reply 1 '{"body":"Fourth answer."}'
is "$(run)" "sent 0, retry later 1, failed 0" "a certificate Mado cannot verify: retry later"
ok "$(ob "$OB" last_error | grep -qi 'certificate'; echo $?)" "…the error says why: $(ob "$OB" last_error)"
conf "$GOOD"
# the held mail goes out now; case 4 counts only its own mail, so wait
# until nothing earlier is left queued (a run may find it not yet due)
i=0
while [ "$(sql "$W" "SELECT count(*) FROM outbox WHERE status='queued'")" != 0 ] && [ $i -lt 10 ]; do
	run >/dev/null
	i=$((i + 1))
done

# ---- 4. one recipient refused (550), one refused for now (450) ----
a0=$(sent_to alice@example.org)
reply 1 '{"body":"To all of you.","cc":["bob@example.org","refused@example.org","later@example.org"]}'
is "$(run)" "sent 1, retry later 1, failed 0" "550 for one RCPT, 450 for another: retry later (and the author's notification sent)"
wait_sent bob@example.org 1
is "$(sent_to alice@example.org)|$(sent_to bob@example.org)" "$((a0 + 1))|1" "…alice and bob got it"
is "$(sent_to refused@example.org)|$(sent_to later@example.org)" "0|0" "…the refused ones did not"
is "$(ob "$OB" rcpt_json)" '["later@example.org"]' "…the envelope of the retry is the 450 recipient alone"
req "$G" "$CS" GET /api/v1/tickets/1
ok "$(printf '%s\n' "$R" | jq -e '[.events[] | select(.kind=="delivery" and (.new | startswith("refused by the relay: refused@example.org: 550 5.1.1")))] | length == 1' >/dev/null; echo $?)" \
	"the 550 is an event on the ticket"
ok "$(printf '%s\n' "$R" | jq -e '[.events[] | select(.kind=="delivery" and .new == "sent to alice@example.org, bob@example.org")] | length == 1' >/dev/null; echo $?)" \
	"…next to 'sent to alice@example.org, bob@example.org'"
is "$(sql "$W" "SELECT count(*) FROM outbox WHERE kind='notification' AND recipient='agent@example.com'")" 1 "the reply's author is told by mail"
wait_sent agent@example.com 1
is "$(sent_to agent@example.com)" 1 "…and the relay passed that on"
printf 'refused@example.org 550 5.1.1 no such user here\n' > "$PFC/rcpt_access"
pf reload >/dev/null 2>&1
sleep 1
out=$(run)
is "$out" "sent 1, retry later 0, failed 0" "the 450 recipient takes it later"
wait_sent later@example.org 1
is "$(sent_to later@example.org)|$(sent_to alice@example.org)|$(sent_to bob@example.org)" "1|$((a0 + 1))|1" \
	"…later@ got it once, alice and bob no second copy"
is "$(ob "$OB" status)" sent "…the mail is sent"

# ---- 5. all recipients refused for good: failed ----
mail 'Carol <refused@example.org>' 'No such user' 'c5@example.org' | mado -w "$W" ingest
wait_tickets "$W" 2
reply 2 '{"body":"Hello?"}'
is "$(run)" "sent 1, retry later 0, failed 1" "the only recipient refused with 550: failed (the author told by mail)"
is "$(ob "$OB" status)" failed "…marked failed"

# ---- 6. every recipient refused, one for good (550), one for now (450) ----
printf 'refused@example.org 550 5.1.1 no such user here\nlater@example.org 450 4.2.0 try again later\n' > "$PFC/rcpt_access"
pf reload >/dev/null 2>&1
sleep 1
l0=$(sent_to later@example.org)
reply 2 '{"body":"Copying a colleague.","cc":["later@example.org"]}'
is "$(run)" "sent 1, retry later 1, failed 0" "550 and 450, nobody took it: retry later, not failed (the author told by mail)"
is "$(ob "$OB" rcpt_json)" '["later@example.org"]' "…the retry's envelope is the 450 recipient alone"
req "$G" "$CS" GET /api/v1/tickets/2
ok "$(printf '%s\n' "$R" | jq -e '[.events[] | select(.kind=="delivery" and (.new | startswith("refused by the relay: refused@example.org: 550")))] | length == 1' >/dev/null; echo $?)" \
	"…the 550 is an event on the ticket"
printf 'refused@example.org 550 5.1.1 no such user here\n' > "$PFC/rcpt_access"
pf reload >/dev/null 2>&1
sleep 1
is "$(run)" "sent 1, retry later 0, failed 0" "…the 450 recipient takes it later"
wait_sent later@example.org $((l0 + 1))
is "$(sent_to later@example.org)|$(sent_to refused@example.org)" "$((l0 + 1))|0" "…once, and the refused one never"

stop_server
postfix_stop
dv_stop
ok "$(test -z "$(in_queue)"; echo $?)" "the private Postfix instance stopped"
done_testing
