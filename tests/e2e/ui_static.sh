#!/bin/sh
# The web UI is embedded in the binary and served by `mado serve`:
# index.html at / and for client routes, hashed assets (gzip when
# accepted, cached as immutable), under the strict CSP; unknown API paths
# stay JSON 404s. The UI itself is driven in Chromium by tests/e2e/ui.sh.
. "$(dirname "$0")/lib.sh"

WS=$(new_ws ws)
start_server "$WS"
h="$TMPROOT/h"

curl -s -D "$h" -o "$TMPROOT/index" "$BASE/"
grep -q '^HTTP/1.1 200' "$h"; ok $? "GET / is 200"
grep -qi '^Content-Type: text/html; charset=utf-8' "$h"; ok $? "index.html is text/html"
grep -qi "^Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self';" "$h"; ok $? "strict CSP on the app"
grep -qi '^Cache-Control: no-store' "$h"; ok $? "index.html is never cached"
grep -q '<div id="app">' "$TMPROOT/index"; ok $? "the page is the SPA shell"
grep -q '<script>' "$TMPROOT/index"; [ $? -ne 0 ]; ok $? "no inline script"
grep -qi '<style' "$TMPROOT/index"; [ $? -ne 0 ]; ok $? "no inline style"
js=$(sed -n 's|.*src="\(/assets/[^"]*\.js\)".*|\1|p' "$TMPROOT/index")
[ -n "$js" ]; ok $? "index.html names a hashed script ($js)"

curl -s -o "$TMPROOT/route" "$BASE/tickets/123"
cmp -s "$TMPROOT/index" "$TMPROOT/route"; ok $? "client route /tickets/123 answers index.html"

curl -s -D "$h" -H 'Accept-Encoding: gzip' -o "$TMPROOT/js.gz" "$BASE$js"
grep -qi '^Content-Encoding: gzip' "$h"; ok $? "script sent gzipped when accepted"
grep -qi '^Cache-Control: public, max-age=31536000, immutable' "$h"; ok $? "hashed asset cached as immutable"
grep -qi '^Content-Type: text/javascript' "$h"; ok $? "script has a JavaScript type"
curl -s -D "$h" -o "$TMPROOT/js" "$BASE$js"
grep -qi '^Content-Encoding' "$h"; [ $? -ne 0 ]; ok $? "identity without Accept-Encoding"
gzip -dc "$TMPROOT/js.gz" | cmp -s - "$TMPROOT/js"; ok $? "gzip body decompresses to the same script"
cmp -s "$TMPROOT/js" "$MADO_ROOT/web/dist$js"; ok $? "served script is the built file"

is "$(code "$BASE/assets/missing-00000000.js")" 404 "unknown asset: 404"
is "$(code "$BASE/api/v1/nothing")" 404 "unknown API path stays 404"
curl -s "$BASE/api/v1/nothing" | grep -q '"not_found"'; ok $? "as JSON"
is "$(code -X POST "$BASE/api/v1/nothing")" 404 "POST to an unknown path: 404, not 405"
is "$(code -X POST "$BASE/")" 404 "POST / is not the UI"
is "$(code "$BASE/healthz")" 200 "exact routes still win over the UI"

# Remote images of a mail: blocked unless an agent asks (?images=remote)
printf 'From: a@example.org\nTo: support@localhost\nSubject: img\nMessage-ID: <img-1@example.org>\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n<p>hi<img src="https://tracker.example/t.png"></p>\n' |
	mado -w "$WS" ingest
MADO_PASSWORD=agent-pw-123 mado -w "$WS" user add ag@example.com --role admin >/dev/null
i=0; while [ "$(ntickets "$WS")" != 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mid=$(sql "$WS" "SELECT id FROM messages LIMIT 1")
login ag@example.com agent-pw-123 "$TMPROOT/jar" >/dev/null
curl -s -b "$TMPROOT/jar" -D "$h" -o "$TMPROOT/m1" "$BASE/api/v1/messages/$mid/html"
grep -q 'data-mado-remote-src="https://tracker.example/t.png"' "$TMPROOT/m1" && ! grep -q ' src="https://tracker' "$TMPROOT/m1"
ok $? "mail HTML: the remote image stays blocked by default"
grep -qi "^Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox" "$h"; ok $? "with the strict mail CSP"
curl -s -b "$TMPROOT/jar" -D "$h" -o "$TMPROOT/m2" "$BASE/api/v1/messages/$mid/html?images=remote"
grep -q ' src="https://tracker.example/t.png"' "$TMPROOT/m2"; ok $? "?images=remote restores the image's src"
grep -qi "^Content-Security-Policy: .*img-src 'self' data: https: http:; sandbox" "$h"; ok $? "and admits remote images, still sandboxed"
is "$(code "$BASE/api/v1/messages/$mid/html?images=remote")" 401 "without a session: 401"
done_testing
