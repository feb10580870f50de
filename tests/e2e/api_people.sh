#!/bin/sh
# mado serve, the people half of the API: customers, organisations,
# attachment downloads, mail HTML, uploads, agents, groups, API tokens —
# every endpoint, every role rule, with a request that must be refused.
. "$(dirname "$0")/lib.sh"
W=$(new_ws people)
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --role admin >/dev/null
MADO_PASSWORD=super-pass-1 mado -w "$W" user add sup@example.com --role supervisor --group Support >/dev/null
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add agent@example.com --role agent --group Support >/dev/null
MADO_PASSWORD=other-pass-1 mado -w "$W" user add other@example.com --role agent --group Sales >/dev/null
MADO_PASSWORD=light-pass-1 mado -w "$W" user add light@example.com --role light_agent --group Support >/dev/null
start_server "$W"
J='Content-Type: application/json'

# ---- mail: a plain one, one with attachments, an HTML one, one more customer ----
mail 'Alice Example <alice@example.org>' 'Need help' 'p1@example.org' | mado -w "$W" ingest
printf '\211PNG\r\n\032\n\000\001\002binary\377data' > "$TMPROOT/pic.png"
printf '<html><script>alert(1)</script></html>' > "$TMPROOT/evil.html"
{
	printf 'From: Alice Example <alice@example.org>\nTo: support@localhost\nSubject: Files attached\n'
	printf 'Message-ID: <p2@example.org>\nDate: Mon, 23 Nov 2026 10:00:00 +0900\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="XX"\n\n--XX\nContent-Type: text/plain\n\nSee attached.\n'
	printf -- '--XX\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n'
	printf 'Content-Disposition: attachment; filename="screen shot.png"\n\n'
	base64 "$TMPROOT/pic.png"
	printf -- '--XX\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n'
	printf 'Content-Disposition: attachment; filename="../../evil \\"x\\";.html"\n\n'
	base64 "$TMPROOT/evil.html"
	printf -- '--XX--\n'
} | mado -w "$W" ingest
ok $? "mail with attachments accepted"
{
	printf 'From: Bob <bob@other.test>\nTo: support@localhost\nSubject: HTML mail\n'
	printf 'Message-ID: <h1@other.test>\nDate: Mon, 23 Nov 2026 10:00:00 +0900\nMIME-Version: 1.0\n'
	printf 'Content-Type: text/html; charset=utf-8\n\n'
	printf '<p onclick="x()">Hello <b>there</b></p><script>alert(document.cookie)</script>'
	printf '<img src="https://evil.test/track.png" alt="t"><a href="javascript:alert(1)">x</a>\n'
} | mado -w "$W" ingest
mail 'Carol <carol@example.org>' 'Colleague of Alice' 'c1@example.org' | mado -w "$W" ingest
wait_tickets "$W" 4 30
is "$(ntickets "$W")" 4 "the server drained four tickets"
T1=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='p1@example.org'")
T2=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='p2@example.org'")
T3=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='h1@other.test'")
sql "$W" "UPDATE tickets SET group_id = (SELECT id FROM groups WHERE name='Support') WHERE id IN ($T1, $T2, $T3)"
ALICE=$(sql "$W" "SELECT id FROM customers WHERE email='alice@example.org'")
BOB=$(sql "$W" "SELECT id FROM customers WHERE email='bob@other.test'")
ORG=$(sql "$W" "SELECT id FROM organizations WHERE domain='example.org'")
PNG_TOK=$(sql "$W" "SELECT k.token FROM attachment_tokens k JOIN attachments a ON a.id=k.attachment_id WHERE a.content_type='image/png'")
HTML_TOK=$(sql "$W" "SELECT k.token FROM attachment_tokens k JOIN attachments a ON a.id=k.attachment_id WHERE a.content_type='text/html'")
HMSG=$(sql "$W" "SELECT id FROM messages WHERE message_id='h1@other.test'")
PMSG=$(sql "$W" "SELECT id FROM messages WHERE message_id='p1@example.org'")
ok "$(echo "$PNG_TOK" | grep -qx '[0-9a-f]\{64\}'; echo $?)" "every attachment gets a 64-hex download token"
is "$(sql "$W" "SELECT count(DISTINCT token) FROM attachment_tokens")" 2 "tokens are distinct"

# ---- sessions ----
ADM=$(login admin@example.com admin-pass-1 "$TMPROOT/adm.jar")
SUP=$(login sup@example.com super-pass-1 "$TMPROOT/sup.jar")
AGT=$(login agent@example.com agent-pass-1 "$TMPROOT/agt.jar")
OTH=$(login other@example.com other-pass-1 "$TMPROOT/oth.jar")
LGT=$(login light@example.com light-pass-1 "$TMPROOT/lgt.jar")
ok "$(test ${#ADM} -eq 64 && test ${#LGT} -eq 64; echo $?)" "agents logged in"
a() { curl -s -b "$TMPROOT/adm.jar" -H "X-CSRF-Token: $ADM" "$@"; }
# customer sessions (the portal's login is a later issue): a session row
csess() {  # csess CUSTOMER_ID -> cookie token
	t=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	h=$(printf %s "$t" | sha256sum | cut -c1-64)
	sql "$W" "INSERT INTO sessions(token_hash, customer_id, csrf_token, created_at, expires_at) VALUES ('$h', $1, 'c$h', strftime('%s','now'), strftime('%s','now')+3600)"
	echo "$t"
}
CA=$(csess "$ALICE"); CB=$(csess "$BOB")
CAROL=$(sql "$W" "SELECT id FROM customers WHERE email='carol@example.org'"); CC=$(csess "$CAROL")

# ---- customers ----
r=$(a "$BASE/api/v1/customers")
ok "$(echo "$r" | grep -q '"email":"alice@example.org"' && echo "$r" | grep -q '"email":"bob@other.test"'; echo $?)" "customers: list"
r=$(curl -s -b "$TMPROOT/lgt.jar" "$BASE/api/v1/customers?q=ALI")
ok "$(echo "$r" | grep -q alice && ! echo "$r" | grep -q bob; echo $?)" "customers: prefix search, case-insensitive, light agent may list"
is "$(a "$BASE/api/v1/customers?q=%25" | grep -c '"email"')" 0 "customers: '%' is matched literally, not as a wildcard"
is "$(a "$BASE/api/v1/customers?q=x'%20OR%201=1--" | grep -c '"email"')" 0 "customers: SQL in q finds nothing"
r=$(a "$BASE/api/v1/customers?limit=1")
cur=$(echo "$r" | sed -n 's/.*"next_cursor":\([0-9]*\).*/\1/p')
ok "$(test -n "$cur"; echo $?)" "customers: a full page has next_cursor"
r2=$(a "$BASE/api/v1/customers?limit=1&cursor=$cur")
ok "$(test "$r" != "$r2" && echo "$r2" | grep -q '"email"'; echo $?)" "customers: the cursor gives the next page"
is "$(code -b "$TMPROOT/adm.jar" "$BASE/api/v1/customers?limit=0")" 400 "customers: bad limit 400"
is "$(code -b "$TMPROOT/adm.jar" "$BASE/api/v1/customers?cursor=x")" 400 "customers: bad cursor 400"
is "$(code "$BASE/api/v1/customers")" 401 "customers: anonymous 401"
is "$(code -b "mado_session=$CA" "$BASE/api/v1/customers")" 403 "customers: a customer may not list customers"
is "$(code -b "mado_session=$CA" "$BASE/api/v1/customers/$ALICE")" 403 "customers: a customer may not show a customer"

r=$(a "$BASE/api/v1/customers/$ALICE")
ok "$(echo "$r" | grep -q '"tier":"standard"' && echo "$r" | grep -q '"time_zone":' && echo "$r" | grep -q '"bouncing":false' && echo "$r" | grep -q '"domain":"example.org"'; echo $?)" "customer show: tier, time zone, bouncing, organisation"
is "$(echo "$r" | grep -o "\"id\":$T1,\|\"id\":$T2," | wc -l)" 2 "customer show: admin sees both of Alice's tickets"
r=$(curl -s -b "$TMPROOT/agt.jar" "$BASE/api/v1/customers/$ALICE")
is "$(echo "$r" | grep -o "\"id\":$T1,\|\"id\":$T2," | wc -l)" 2 "customer show: agent of the tickets' group sees them"
r=$(curl -s -b "$TMPROOT/oth.jar" "$BASE/api/v1/customers/$ALICE")
ok "$(echo "$r" | grep -q '"tickets":\[\]'; echo $?)" "customer show: agent outside the group sees the profile but no ticket"
is "$(code -b "$TMPROOT/adm.jar" "$BASE/api/v1/customers/99999")" 404 "customer show: unknown id 404"
is "$(code -b "$TMPROOT/adm.jar" "$BASE/api/v1/customers/abc")" 404 "customer show: non-numeric id 404"

r=$(curl -s -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H "$J" -X PATCH -d '{"tier":"vip","time_zone":"Asia/Tokyo","language":"ja","name":"Alice E."}' "$BASE/api/v1/customers/$ALICE")
ok "$(echo "$r" | grep -q '"tier":"vip"' && echo "$r" | grep -q '"time_zone":"Asia/Tokyo"' && echo "$r" | grep -q '"language":"ja"' && echo "$r" | grep -q '"name":"Alice E."'; echo $?)" "customer update: tier, time zone, language, name"
is "$(sql "$W" "SELECT tier||'|'||time_zone||'|'||language FROM customers WHERE id=$ALICE")" "vip|Asia/Tokyo|ja" "customer update: stored"
is "$(sql "$W" "SELECT count(*) FROM people_audit WHERE subject='customer' AND subject_id=$ALICE")" 4 "customer update: one audit row per changed field"
is "$(sql "$W" "SELECT old_value||'>'||new_value||'|'||actor FROM people_audit WHERE subject='customer' AND field='tier'")" "standard>vip|agent:$(sql "$W" "SELECT id FROM agents WHERE email='agent@example.com'")" "customer update: audit has old, new and actor"
curl -s -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H "$J" -X PATCH -d '{"tier":"vip"}' "$BASE/api/v1/customers/$ALICE" >/dev/null
is "$(sql "$W" "SELECT count(*) FROM people_audit WHERE subject='customer'")" 4 "customer update: no change, no audit row"
ok "$(a "$BASE/api/v1/customers/$ALICE" | grep -q '"changes":\[{'; echo $?)" "customer show: lists the changes"
pc() { code -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H "$J" -X PATCH -d "$1" "$BASE/api/v1/customers/$ALICE"; }
is "$(pc '{"email":"x@y.z"}')" 400 "customer update: unknown field 400"
is "$(pc '{"tier":"gold\nX-Injected: 1"}')" 400 "customer update: a tier with a line break 400"
is "$(pc '{"tier":""}')" 400 "customer update: an empty tier 400"
is "$(pc '{"tier":" vip"}')" 400 "customer update: a tier with a blank at an end 400"
is "$(pc '{"time_zone":"../../etc/passwd"}')" 400 "customer update: bad time zone 400"
is "$(pc '{"language":"english please"}')" 400 "customer update: bad language 400"
is "$(pc '{"tier":1}')" 400 "customer update: non-string 400"
is "$(pc '[1]')" 400 "customer update: not an object 400"
is "$(code -b "$TMPROOT/agt.jar" -H "$J" -X PATCH -d '{"tier":"standard"}' "$BASE/api/v1/customers/$ALICE")" 403 "customer update: missing CSRF 403"
is "$(code -b "$TMPROOT/lgt.jar" -H "X-CSRF-Token: $LGT" -H "$J" -X PATCH -d '{"tier":"standard"}' "$BASE/api/v1/customers/$ALICE")" 403 "customer update: light agent 403"
is "$(code -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H "$J" -X PATCH -d '{"tier":"standard"}' "$BASE/api/v1/customers/99999")" 404 "customer update: unknown id 404"
is "$(sql "$W" "SELECT tier FROM customers WHERE id=$ALICE")" vip "customer update: refused requests changed nothing"

# ---- organisations ----
r=$(curl -s -b "$TMPROOT/lgt.jar" "$BASE/api/v1/organizations")
ok "$(echo "$r" | grep -q '"domain":"example.org"' && echo "$r" | grep -q '"domain":"other.test"'; echo $?)" "organizations: list"
is "$(a "$BASE/api/v1/organizations?q=other" | grep -o '"domain":"[^"]*"')" '"domain":"other.test"' "organizations: prefix search"
r=$(a "$BASE/api/v1/organizations/$ORG")
ok "$(echo "$r" | grep -q '"shared_tickets":false' && echo "$r" | grep -q '"customer_count":2' && echo "$r" | grep -q carol@example.org; echo $?)" "organization show: sharing, customers"
is "$(code -b "$TMPROOT/adm.jar" "$BASE/api/v1/organizations/99999")" 404 "organization show: unknown 404"
is "$(code -b "mado_session=$CA" "$BASE/api/v1/organizations")" 403 "organizations: customer 403"
is "$(code -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H "$J" -X PATCH -d '{"tier":"vip"}' "$BASE/api/v1/organizations/$ORG")" 403 "organization update: agent 403 (supervisor+)"
po() { code -b "$TMPROOT/sup.jar" -H "X-CSRF-Token: $SUP" -H "$J" -X PATCH -d "$1" "$BASE/api/v1/organizations/$ORG"; }
is "$(po '{"domain":"evil.test"}')" 400 "organization update: unknown field 400"
is "$(po '{"shared_tickets":"yes"}')" 400 "organization update: shared_tickets must be boolean"
is "$(code -b "$TMPROOT/sup.jar" -H "$J" -X PATCH -d '{"tier":"vip"}' "$BASE/api/v1/organizations/$ORG")" 403 "organization update: missing CSRF 403"
# before sharing, Carol (same organisation) cannot fetch Alice's attachment
is "$(code -b "mado_session=$CC" "$BASE/api/v1/attachments/$PNG_TOK")" 404 "customer of the same org, sharing off: 404"
is "$(po '{"shared_tickets":true,"tier":"premium"}')" 200 "organization update: supervisor sets sharing and tier"
is "$(sql "$W" "SELECT shared_tickets||'|'||tier FROM organizations WHERE id=$ORG")" "1|premium" "organization update: stored"
is "$(sql "$W" "SELECT count(*) FROM people_audit WHERE subject='organization'")" 2 "organization update: audited"
is "$(po '{"shared_tickets":true,"tier":"premium"}')" 200 "organization update: the same values again 200"
is "$(sql "$W" "SELECT count(*) FROM people_audit WHERE subject='organization'")" 2 "organization update: unchanged values are not audited"
is "$(code -b "$TMPROOT/sup.jar" -H "X-CSRF-Token: $SUP" -H "$J" -X PATCH -d '{"tier":"vip"}' "$BASE/api/v1/organizations/99999")" 404 "organization update: unknown id 404"
r=$(a "$BASE/api/v1/organizations?limit=1")
ok "$(echo "$r" | grep -q '"next_cursor":' && test "$(echo "$r" | grep -o '"domain":' | wc -l)" -eq 1; echo $?)" "organizations: a full page of one has next_cursor"
is "$(code -b "mado_session=$CC" "$BASE/api/v1/attachments/$PNG_TOK")" 200 "customer of the same org, sharing on: 200"

# ---- attachment downloads ----
curl -s -D "$TMPROOT/ah" -o "$TMPROOT/got.png" -b "$TMPROOT/adm.jar" "$BASE/api/v1/attachments/$PNG_TOK"
is "$(sed -n 's/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$TMPROOT/ah" | tr -d '\r')" 200 "download: 200"
is "$(sha256sum < "$TMPROOT/got.png" | cut -c1-64)" "$(sha256sum < "$TMPROOT/pic.png" | cut -c1-64)" "download: the exact bytes (sha256)"
# A workspace from before schema 11 keeps its blobs as files: move this one
# out of the database into blobs/ab/<sha256> and download it again.
PSHA=$(sha256sum < "$TMPROOT/pic.png" | cut -c1-64)
mkdir -p "$W/blobs/$(echo "$PSHA" | cut -c1-2)"
sql "$W" "SELECT writefile('$W/blobs/$(echo "$PSHA" | cut -c1-2)/$PSHA', data) FROM blobs WHERE sha256 = '$PSHA'; DELETE FROM blobs WHERE sha256 = '$PSHA'" >/dev/null
curl -s -o "$TMPROOT/got2.png" -b "$TMPROOT/adm.jar" "$BASE/api/v1/attachments/$PNG_TOK"
is "$(sha256sum < "$TMPROOT/got2.png" | cut -c1-64)" "$PSHA" "download: a blob kept as a file (older workspace) reads too"
hdr() { grep -i "^$1:" "$TMPROOT/ah" | sed 's/^[^:]*: //' | tr -d '\r'; }
is "$(hdr Content-Type)" "image/png" "download: a passive type keeps its content type"
is "$(hdr Content-Disposition)" "attachment; filename=\"screen shot.png\"; filename*=UTF-8''screen%20shot.png" "download: Content-Disposition attachment with an encoded name"
is "$(hdr X-Content-Type-Options)" nosniff "download: nosniff"
is "$(hdr Content-Security-Policy)" "default-src 'none'; sandbox" "download: sandbox CSP"
is "$(grep -ci '^Content-Security-Policy:' "$TMPROOT/ah")" 1 "download: one CSP header only"
curl -s -D "$TMPROOT/ah" -o "$TMPROOT/got.html" -b "$TMPROOT/adm.jar" "$BASE/api/v1/attachments/$HTML_TOK"
is "$(hdr Content-Type)" "application/octet-stream" "download: text/html is sent as application/octet-stream"
is "$(sha256sum < "$TMPROOT/got.html" | cut -c1-64)" "$(sha256sum < "$TMPROOT/evil.html" | cut -c1-64)" "download: html attachment bytes intact"
cd_html=$(hdr Content-Disposition)
ok "$(echo "$cd_html" | grep -q "^attachment; " && ! echo "$cd_html" | grep -q '\.\./' && echo "$cd_html" | grep -q "filename\*=UTF-8''[A-Za-z0-9%._-]*html$"; echo $?)" "download: path and quotes stripped from the name ($cd_html)"
is "$(code -b "$TMPROOT/agt.jar" "$BASE/api/v1/attachments/$PNG_TOK")" 200 "download: agent of the group 200"
is "$(code -b "$TMPROOT/oth.jar" "$BASE/api/v1/attachments/$PNG_TOK")" 404 "download: agent outside the group 404"
GUESS=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
is "$(code -b "$TMPROOT/adm.jar" "$BASE/api/v1/attachments/$GUESS")" 404 "download: a guessed token 404"
is "$(code -b "$TMPROOT/adm.jar" "$BASE/api/v1/attachments/1")" 404 "download: an attachment id is not a token"
is "$(code -b "$TMPROOT/adm.jar" "$BASE/api/v1/attachments/$PNG_TOK'%20OR%20'1'='1")" 404 "download: SQL in the token 404"
is "$(code "$BASE/api/v1/attachments/$PNG_TOK")" 401 "download: anonymous 401"
is "$(code -b "mado_session=$CA" "$BASE/api/v1/attachments/$PNG_TOK")" 200 "download: the customer of the ticket 200"
is "$(code -b "mado_session=$CB" "$BASE/api/v1/attachments/$PNG_TOK")" 404 "download: another customer 404"
is "$(code -I -b "$TMPROOT/adm.jar" "$BASE/api/v1/attachments/$PNG_TOK")" 200 "download: HEAD works"

# ---- mail HTML ----
curl -s -D "$TMPROOT/ah" -o "$TMPROOT/mail.html" -b "$TMPROOT/adm.jar" "$BASE/api/v1/messages/$HMSG/html"
is "$(sed -n 's/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$TMPROOT/ah" | tr -d '\r')" 200 "mail html: 200"
is "$(hdr Content-Type)" "text/html; charset=utf-8" "mail html: text/html"
is "$(hdr Content-Security-Policy)" "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox" "mail html: its own sandbox CSP"
is "$(hdr X-Frame-Options)" SAMEORIGIN "mail html: the UI may frame it, other sites may not"
ok "$(head -c 15 "$TMPROOT/mail.html" | grep -q '<!DOCTYPE html>'; echo $?)" "mail html: a full document"
ok "$(! grep -qi '<script' "$TMPROOT/mail.html"; echo $?)" "mail html: no <script>"
ok "$(! grep -qi 'onclick\|javascript:' "$TMPROOT/mail.html"; echo $?)" "mail html: no handlers, no javascript: URLs"
ok "$(grep -q 'data-mado-remote-src="https://evil.test/track.png"' "$TMPROOT/mail.html" && ! grep -q '[[:space:]]src="https://evil' "$TMPROOT/mail.html"; echo $?)" "mail html: remote image kept blocked (data-mado-remote-src)"
ok "$(grep -q '<b>there</b>' "$TMPROOT/mail.html"; echo $?)" "mail html: harmless markup kept"
curl -s -o "$TMPROOT/plain.html" -b "$TMPROOT/adm.jar" "$BASE/api/v1/messages/$PMSG/html"
ok "$(grep -q '<pre>Hello, I need help with my order.' "$TMPROOT/plain.html"; echo $?)" "mail html: a text-only mail is shown as escaped text"
is "$(code -b "$TMPROOT/agt.jar" "$BASE/api/v1/messages/$HMSG/html")" 200 "mail html: agent of the group 200"
is "$(code -b "$TMPROOT/oth.jar" "$BASE/api/v1/messages/$HMSG/html")" 404 "mail html: agent outside the group 404"
is "$(code -b "$TMPROOT/adm.jar" "$BASE/api/v1/messages/99999/html")" 404 "mail html: unknown message 404"
is "$(code -b "mado_session=$CB" "$BASE/api/v1/messages/$HMSG/html")" 200 "mail html: the customer of the ticket 200"
is "$(code -b "mado_session=$CA" "$BASE/api/v1/messages/$HMSG/html")" 404 "mail html: another customer 404"

# ---- uploads ----
head -c 100000 /dev/urandom > "$TMPROOT/up.bin"
r=$(curl -s -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H 'Content-Type: application/pdf' --data-binary @"$TMPROOT/up.bin" "$BASE/api/v1/uploads?filename=..%2F..%2Fquote%20report.pdf")
UID_=$(echo "$r" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
ok "$(echo "$UID_" | grep -qx '[0-9a-f]\{32\}'; echo $?)" "upload: 201 with a random id ($r)"
USHA=$(sha256sum < "$TMPROOT/up.bin" | cut -c1-64)
ok "$(echo "$r" | grep -q "\"sha256\":\"$USHA\"" && cmp -s "$TMPROOT/up.bin" "$W/blobs/$(echo "$USHA" | cut -c1-2)/$USHA"; echo $?)" "upload: stored as a blob by SHA-256"
is "$(sql "$W" "SELECT filename||'|'||content_type||'|'||size FROM uploads WHERE id='$UID_'")" "quote report.pdf|application/pdf|100000" "upload: row with a safe name, type and size"
is "$(code -b "$TMPROOT/lgt.jar" -H "X-CSRF-Token: $LGT" -H 'X-Filename: n.txt' --data-binary 'hello' "$BASE/api/v1/uploads")" 201 "upload: a light agent may upload (notes)"
is "$(code -b "$TMPROOT/agt.jar" --data-binary 'hello' "$BASE/api/v1/uploads")" 403 "upload: missing CSRF 403"
is "$(code -b "mado_session=$CA" -H "X-CSRF-Token: c$(printf %s "$CA" | sha256sum | cut -c1-64)" --data-binary 'hello' "$BASE/api/v1/uploads")" 403 "upload: customer 403"
is "$(code -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -X POST "$BASE/api/v1/uploads")" 400 "upload: empty body 400"
head -c 10485761 /dev/zero > "$TMPROOT/big"
is "$(code -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" --data-binary @"$TMPROOT/big" "$BASE/api/v1/uploads")" 413 "upload: over 10 MB 413"
is "$(sql "$W" "SELECT count(*) FROM uploads")" 2 "upload: refused uploads stored nothing"

# ---- agents ----
r=$(curl -s -b "$TMPROOT/lgt.jar" "$BASE/api/v1/agents")
ok "$(echo "$r" | grep -q '"email":"other@example.com"' && ! echo "$r" | grep -qi 'argon\|password'; echo $?)" "agents: list, without password hashes"
ok "$(echo "$r" | grep -q '"role":"light_agent"' && echo "$r" | grep -q '"groups":\[1\]'; echo $?)" "agents: roles and groups"
is "$(code -b "mado_session=$CA" "$BASE/api/v1/agents")" 403 "agents: customer 403"
NEWA='{"email":"new@example.com","name":"New Agent","role":"agent","password":"new-pass-12","time_zone":"Europe/Berlin","language":"de","groups":[1]}'
is "$(code -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H "$J" -d "$NEWA" "$BASE/api/v1/agents")" 403 "agent create: agent 403"
is "$(code -b "$TMPROOT/lgt.jar" -H "X-CSRF-Token: $LGT" -H "$J" -d "$NEWA" "$BASE/api/v1/agents")" 403 "agent create: light agent 403"
is "$(code -b "$TMPROOT/adm.jar" -H "$J" -d "$NEWA" "$BASE/api/v1/agents")" 403 "agent create: missing CSRF 403"
r=$(a -H "$J" -d "$NEWA" -w ' %{http_code}' "$BASE/api/v1/agents")
ok "$(echo "$r" | grep -q ' 201$' && echo "$r" | grep -q '"time_zone":"Europe/Berlin"' && echo "$r" | grep -q '"groups":\[1\]'; echo $?)" "agent create: admin 201"
NEWID=$(sql "$W" "SELECT id FROM agents WHERE email='new@example.com'")
ok "$(sql "$W" "SELECT password_hash FROM agents WHERE id=$NEWID" | grep -q '^\$argon2id\$'; echo $?)" "agent create: password stored as Argon2id"
NEWC=$(login new@example.com new-pass-12 "$TMPROOT/new.jar")
ok "$(test ${#NEWC} -eq 64; echo $?)" "agent create: the new agent can log in"
ac() { code -b "$TMPROOT/adm.jar" -H "X-CSRF-Token: $ADM" -H "$J" -d "$1" "$BASE/api/v1/agents"; }
is "$(ac "$NEWA")" 409 "agent create: duplicate email 409"
is "$(ac '{"email":"r@example.com","role":"root","password":"long-enough"}')" 400 "agent create: unknown role 400"
is "$(ac '{"email":"r@example.com","role":"customer","password":"long-enough"}')" 400 "agent create: role customer 400"
is "$(ac '{"email":"r@example.com","role":"agent","password":"short"}')" 400 "agent create: short password 400"
is "$(ac '{"email":"not-an-address","role":"agent","password":"long-enough"}')" 400 "agent create: bad email 400"
is "$(ac '{"email":"r@example.com","role":"agent","password":"long-enough","is_admin":true}')" 400 "agent create: unknown field 400"
is "$(ac '{"email":"r@example.com","role":"agent","password":"long-enough","groups":[999]}')" 400 "agent create: unknown group 400"
is "$(ac '{"email":"r@example.com","password":"long-enough"}')" 400 "agent create: missing role 400"
is "$(ac '{"email":"r@example.com","role":"agent","password":"long-enough","language":""}')" 400 "agent create: empty language 400"
is "$(ac '{"email":"r@example.com","role":"agent","password":"long-enough","name":"a\u0007b"}')" 400 "agent create: control character in name 400"
r=$(a -H "$J" -d '{"email":"r@example.com","role":"agent","password":"long-enough","time_zone":"Not A Zone"}' "$BASE/api/v1/agents")
ok "$(echo "$r" | grep -q '"code":"bad_value"' && echo "$r" | grep -q 'time_zone: an IANA zone name'; echo $?)" "agent create: bad time zone 400 names the rule"
is "$(sql "$W" "SELECT count(*) FROM agents WHERE email='r@example.com'")" 0 "agent create: refused requests stored no agent"

AGID=$(sql "$W" "SELECT id FROM agents WHERE email='agent@example.com'")
OTHID=$(sql "$W" "SELECT id FROM agents WHERE email='other@example.com'")
ADMID=$(sql "$W" "SELECT id FROM agents WHERE email='admin@example.com'")
pa() { code -b "$TMPROOT/$1.jar" -H "X-CSRF-Token: $2" -H "$J" -X PATCH -d "$3" "$BASE/api/v1/agents/$4"; }
is "$(pa agt "$AGT" '{"name":"Agent A","language":"ja","time_zone":"Asia/Tokyo","available":false}' "$AGID")" 200 "agent update: own name, language, time zone, availability"
is "$(sql "$W" "SELECT name||'|'||language||'|'||time_zone||'|'||available FROM agents WHERE id=$AGID")" "Agent A|ja|Asia/Tokyo|0" "agent update: stored"
is "$(pa agt "$AGT" '{"role":"admin"}' "$AGID")" 403 "agent update: own role 403"
is "$(pa agt "$AGT" '{"groups":[1,2]}' "$AGID")" 403 "agent update: own groups 403"
is "$(pa agt "$AGT" '{"name":"Hacked"}' "$OTHID")" 403 "agent update: another agent 403"
is "$(pa sup "$SUP" '{"name":"Hacked"}' "$OTHID")" 403 "agent update: supervisor on another agent 403"
is "$(pa lgt "$LGT" '{"available":true}' "$(sql "$W" "SELECT id FROM agents WHERE email='light@example.com'")")" 200 "agent update: light agent on themselves 200"
is "$(pa agt "$AGT" '{"password":"x"}' "$AGID")" 400 "agent update: unknown field 400"
is "$(pa agt "$AGT" '{"time_zone":"Not A Zone"}' "$AGID")" 400 "agent update: bad time zone 400"
is "$(pa agt "$AGT" '{"available":"no"}' "$AGID")" 400 "agent update: non-boolean available 400"
is "$(code -b "$TMPROOT/agt.jar" -H "$J" -X PATCH -d '{"name":"x"}' "$BASE/api/v1/agents/$AGID")" 403 "agent update: missing CSRF 403"
is "$(pa adm "$ADM" '{"role":"supervisor","groups":[2]}' "$NEWID")" 200 "agent update: admin changes role and groups"
is "$(sql "$W" "SELECT role||'|'||(SELECT group_concat(group_id) FROM group_members WHERE agent_id=$NEWID) FROM agents WHERE id=$NEWID")" "supervisor|2" "agent update: role and groups stored"
is "$(pa adm "$ADM" '{"disabled":true}' "$NEWID")" 200 "agent update: admin disables an agent"
is "$(code -b "$TMPROOT/new.jar" "$BASE/api/v1/session")" 401 "agent update: a disabled agent's session ends"
is "$(pa adm "$ADM" '{"role":"agent"}' "$ADMID")" 409 "agent update: an admin may not demote themselves"
is "$(pa adm "$ADM" '{"role":"agent"}' 99999)" 404 "agent update: unknown agent 404"
is "$(sql "$W" "SELECT count(*) FROM people_audit WHERE subject='agent' AND subject_id=$NEWID AND field IN ('role','groups','disabled')")" 4 "agent update: audited (created groups, role, groups, disabled)"

# ---- groups ----
r=$(curl -s -b "$TMPROOT/lgt.jar" "$BASE/api/v1/groups")
ok "$(echo "$r" | grep -q '"name":"Support"' && echo "$r" | grep -q '"name":"Sales"' && echo "$r" | grep -q '"members":\['; echo $?)" "groups: list with members"
is "$(code -b "mado_session=$CA" "$BASE/api/v1/groups")" 403 "groups: customer 403"
gc() { code -b "$TMPROOT/$1.jar" -H "X-CSRF-Token: $2" -H "$J" -d "$3" "$BASE/api/v1/groups"; }
is "$(gc agt "$AGT" '{"name":"Billing"}')" 403 "group create: agent 403"
is "$(gc adm "" '{"name":"Billing"}')" 403 "group create: missing CSRF 403"
is "$(gc adm "$ADM" '{"name":"Billing"}')" 201 "group create: admin 201"
is "$(gc adm "$ADM" '{"name":"Billing"}')" 409 "group create: duplicate 409"
is "$(gc adm "$ADM" '{"name":""}')" 400 "group create: empty name 400"
is "$(gc adm "$ADM" '{"name":"X","color":"red"}')" 400 "group create: unknown field 400"
BILL=$(sql "$W" "SELECT id FROM groups WHERE name='Billing'")
gm() { code -b "$TMPROOT/$1.jar" -H "X-CSRF-Token: $2" -H "$J" -d "$3" "$BASE/api/v1/groups/$4/members"; }
is "$(gm adm "$ADM" "{\"agent_id\":$OTHID}" "$BILL")" 200 "group member add: admin 200"
is "$(sql "$W" "SELECT count(*) FROM group_members WHERE group_id=$BILL AND agent_id=$OTHID")" 1 "group member add: stored"
is "$(gm adm "$ADM" "{\"agent_id\":$OTHID}" "$BILL")" 200 "group member add: idempotent"
is "$(gm adm "$ADM" '{"agent_id":99999}' "$BILL")" 400 "group member add: unknown agent 400"
is "$(gm adm "$ADM" "{\"agent_id\":$OTHID}" 99999)" 404 "group member add: unknown group 404"
is "$(gm adm "$ADM" '{"agent_id":"1"}' "$BILL")" 400 "group member add: agent_id must be an integer"
is "$(gm sup "$SUP" "{\"agent_id\":$OTHID}" "$BILL")" 403 "group member add: supervisor 403"
# joining Support makes the attachment visible to the other agent
is "$(gm adm "$ADM" "{\"agent_id\":$OTHID}" 1)" 200 "group member add: other agent joins Support"
is "$(code -b "$TMPROOT/oth.jar" "$BASE/api/v1/attachments/$PNG_TOK")" 200 "download: visible once in the ticket's group"

# ---- API tokens ----
r=$(curl -s -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H "$J" -d '{"name":"ci"}' "$BASE/api/v1/tokens")
TOK=$(echo "$r" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
ok "$(echo "$TOK" | grep -qx '[0-9a-f]\{64\}'; echo $?)" "token create: returns a token once"
is "$(code -H "Authorization: Bearer $TOK" "$BASE/api/v1/customers")" 200 "token create: the token works"
is "$(sql "$W" "SELECT count(*) FROM api_tokens WHERE token_hash='$TOK'")" 0 "token create: the token itself is not stored"
is "$(sql "$W" "SELECT count(*) FROM api_tokens WHERE token_hash='$(printf %s "$TOK" | sha256sum | cut -c1-64)' AND agent_id=$AGID")" 1 "token create: its hash is, for the caller"
is "$(code -H "Authorization: Bearer $TOK" -H "$J" -d '{"name":"from-token"}' "$BASE/api/v1/tokens")" 201 "token create: with a bearer token, no CSRF needed"
is "$(code -b "$TMPROOT/agt.jar" -H "$J" -d '{"name":"ci"}' "$BASE/api/v1/tokens")" 403 "token create: missing CSRF 403"
is "$(code -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H "$J" -d '{}' "$BASE/api/v1/tokens")" 400 "token create: name required 400"
is "$(code -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H "$J" -d '{"name":"x","agent_id":1}' "$BASE/api/v1/tokens")" 400 "token create: unknown field 400"
is "$(code -b "mado_session=$CA" -H "$J" -d '{"name":"x"}' "$BASE/api/v1/tokens")" 403 "token create: customer 403"

is "$(curl -s "$BASE/healthz")" '{"status":"ok"}' "server still up"
stop_server
done_testing
