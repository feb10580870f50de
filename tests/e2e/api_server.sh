#!/bin/sh
# mado serve: sessions, CSRF, tokens, rate limits, refusals, hostile
# requests, live intake, graceful stop.
. "$(dirname "$0")/lib.sh"
W=$(new_ws srv)
MADO_PASSWORD=correct-horse mado -w "$W" user add admin@example.com --role admin >/dev/null
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add agent@example.com --role agent --group Support >/dev/null
MADO_PASSWORD=light-pass-1 mado -w "$W" user add light@example.com --role light_agent --group Support >/dev/null
start_server "$W"
is "$(curl -s "$BASE/healthz")" '{"status":"ok"}' "/healthz answers"
h=$(curl -s -D - -o /dev/null "$BASE/healthz")
for hdr in "Content-Security-Policy: default-src 'none'" "X-Content-Type-Options: nosniff" "X-Frame-Options: DENY" "Referrer-Policy: no-referrer"; do
	echo "$h" | grep -qi "^$hdr"
	ok $? "security header: $hdr"
done

# live intake: a mail piped while the server runs is in the API within a second
mail 'Alice <alice@example.org>' 'Live intake' 'live1@example.org' | mado -w "$W" ingest
ok $? "ingest exits 0 while the server holds the writer lock"
i=0; while [ "$(ntickets "$W")" -lt 1 ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done
ok "$(test $i -lt 10; echo $?)" "the server drained it within a second ($((i * 100)) ms)"

# unauthenticated
is "$(code "$BASE/api/v1/tickets")" 401 "no session: 401"
is "$(code "$BASE/api/v1/nothing")" 404 "unknown endpoint: 404"
is "$(code -X PUT "$BASE/api/v1/tickets")" 405 "wrong method: 405"

# login: identical replies for unknown user and wrong password
r1=$(curl -s -H 'Content-Type: application/json' -d '{"email":"nobody@example.com","password":"x"}' "$BASE/api/v1/session")
r2=$(curl -s -H 'Content-Type: application/json' -d '{"email":"admin@example.com","password":"wrong"}' "$BASE/api/v1/session")
is "$r1" "$r2" "unknown user and wrong password get the same reply"
CSRF=$(login admin@example.com correct-horse "$TMPROOT/admin.jar")
ok "$(test ${#CSRF} -eq 64; echo $?)" "login returns a CSRF token"
grep -q 'mado_session' "$TMPROOT/admin.jar"
ok $? "login sets the session cookie"
curl -s -D "$TMPROOT/h" -o /dev/null -H 'Content-Type: application/json' -d '{"email":"admin@example.com","password":"correct-horse"}' "$BASE/api/v1/session"
grep -i '^Set-Cookie' "$TMPROOT/h" | grep -qi 'HttpOnly' && grep -i '^Set-Cookie' "$TMPROOT/h" | grep -qi 'SameSite=Strict'
ok $? "cookie is HttpOnly and SameSite=Strict"
is "$(code -b "$TMPROOT/admin.jar" "$BASE/api/v1/tickets")" 200 "session works"
is "$(curl -s -b "$TMPROOT/admin.jar" "$BASE/api/v1/session" | sed -n 's/.*"role":"\([a-z_]*\)".*/\1/p')" admin "session knows the role"

# session renewal: logging in again gives a new cookie; the old one stops working
cp "$TMPROOT/admin.jar" "$TMPROOT/old.jar"
curl -s -b "$TMPROOT/admin.jar" -c "$TMPROOT/admin.jar" -H 'Content-Type: application/json' -d '{"email":"admin@example.com","password":"correct-horse"}' "$BASE/api/v1/session" >/dev/null
ok "$(! cmp -s "$TMPROOT/old.jar" "$TMPROOT/admin.jar"; echo $?)" "a new login issues a new session token"
is "$(code -b "$TMPROOT/old.jar" "$BASE/api/v1/tickets")" 401 "…and the old session is gone"
CSRF=$(login admin@example.com correct-horse "$TMPROOT/admin.jar")

# CSRF: state-changing requests with a session need the header
is "$(code -b "$TMPROOT/admin.jar" -X DELETE "$BASE/api/v1/session")" 403 "logout without CSRF token: 403"
is "$(code -b "$TMPROOT/admin.jar" -H "X-CSRF-Token: $(echo "$CSRF" | tr 0-9a-f a-f0-9)" -X DELETE "$BASE/api/v1/session")" 403 "wrong CSRF token: 403"

# API tokens: no cookie, no CSRF needed; stored hashed
TOKEN=$(mado -w "$W" user token admin@example.com --name ci)
is "$(code -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/tickets")" 200 "API token works"
# the token with its last character changed (never to itself)
case "$TOKEN" in *0) WRONG="${TOKEN%?}1" ;; *) WRONG="${TOKEN%?}0" ;; esac
is "$(code -H "Authorization: Bearer $WRONG" "$BASE/api/v1/tickets")" 401 "a wrong token is refused"
is "$(sql "$W" "SELECT count(*) FROM api_tokens WHERE token_hash = '$TOKEN'")" 0 "the token itself is not stored"

# visibility: an agent sees the tickets of their groups only (404, like nonexistent)
ACSRF=$(login agent@example.com agent-pass-1 "$TMPROOT/agent.jar")
is "$(code -b "$TMPROOT/agent.jar" "$BASE/api/v1/tickets/1")" 404 "agent: ticket outside their groups is 404"
is "$(curl -s -b "$TMPROOT/agent.jar" "$BASE/api/v1/tickets" | grep -c '"number"')" 0 "agent: list omits it"
sql "$W" "UPDATE tickets SET group_id = (SELECT id FROM groups WHERE name='Support') WHERE id = 1"
is "$(code -b "$TMPROOT/agent.jar" "$BASE/api/v1/tickets/1")" 200 "agent: ticket in their group is visible"
is "$(code -b "$TMPROOT/agent.jar" "$BASE/api/v1/tickets/999")" 404 "nonexistent ticket: 404"
is "$(code -b "$TMPROOT/agent.jar" "$BASE/api/v1/tickets/abc")" 404 "non-numeric id: 404"

# hostile input: clean 4xx, server stays up
is "$(code -b "$TMPROOT/agent.jar" "$BASE/api/v1/tickets?status=new'%20OR%201=1--")" 400 "SQL in a filter: 400"
is "$(code -b "$TMPROOT/agent.jar" "$BASE/api/v1/tickets?limit=99999999999")" 400 "absurd limit: 400"
head -c 20000 /dev/zero | tr '\0' '[' > "$TMPROOT/deep.json"
is "$(code -H 'Content-Type: application/json' --data-binary @"$TMPROOT/deep.json" "$BASE/api/v1/session")" 413 "20 KB of nested JSON on a 4 KB endpoint: 413"
python3 -c 'print("{\"email\":" + "["*1000 + "]"*1000 + "}")' > "$TMPROOT/deep2.json" 2>/dev/null || printf '{"email":%s}' "$(head -c 1000 /dev/zero | tr '\0' '[')$(head -c 1000 /dev/zero | tr '\0' ']')" > "$TMPROOT/deep2.json"
is "$(code -H 'Content-Type: application/json' --data-binary @"$TMPROOT/deep2.json" "$BASE/api/v1/session")" 400 "JSON nested 1,000 deep: 400"
head -c 10485760 /dev/zero > "$TMPROOT/big"
is "$(code -H 'Content-Type: application/json' --data-binary @"$TMPROOT/big" "$BASE/api/v1/session")" 413 "10 MB body: 413"
is "$(code -H 'Content-Type: application/json' -d 'not json' "$BASE/api/v1/session")" 400 "malformed JSON: 400"
# slowloris: a connection that sends headers slowly is dropped; others are served meanwhile
( exec 3<>/dev/tcp/127.0.0.1/$PORT 2>/dev/null && printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&3 && sleep 20; ) 2>/dev/null &
slow=$!
is "$(code "$BASE/healthz")" 200 "served while a slow client holds a connection"
kill $slow 2>/dev/null; wait $slow 2>/dev/null

# login rate limit per account: after 5 failures even the right password is refused (429)
for i in 1 2 3 4 5 6; do
	curl -s -o /dev/null -H 'Content-Type: application/json' -d '{"email":"light@example.com","password":"bad"}' "$BASE/api/v1/session"
done
is "$(code -H 'Content-Type: application/json' -d '{"email":"light@example.com","password":"light-pass-1"}' "$BASE/api/v1/session")" 429 "login rate limit: 429 after 5 failures"

is "$(code "$BASE/healthz")" 200 "server still up after the hostile requests"
curl -s "$BASE/metrics" | grep -q 'mado_http_requests_total{status="4xx"}'
ok $? "/metrics exports request counters"

# graceful stop
kill "$SERVER_PID"
i=0; while kill -0 "$SERVER_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
ok "$(! kill -0 "$SERVER_PID" 2>/dev/null; echo $?)" "SIGTERM stops the server"
wait "$SERVER_PID"; rc=$?
is "$rc" 0 "…with exit 0"
SERVER_PID=
grep -q 'stopped' "$TMPROOT"/serve.*.log
ok $? "…after finishing cleanly"
done_testing
