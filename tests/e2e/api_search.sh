#!/bin/sh
# Search (FTS5 trigram + the 2-character path), live events (SSE) and
# presence, over HTTP against the real server, with visibility by group.
. "$(dirname "$0")/lib.sh"
W=$(new_ws ws)
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --role admin >/dev/null
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add ja@example.com --role agent --group Japan >/dev/null
MADO_PASSWORD=agent-pass-2 mado -w "$W" user add en@example.com --role agent --group English >/dev/null
MADO_PASSWORD=agent-pass-3 mado -w "$W" user add ja2@example.com --role agent --group Japan >/dev/null

# Mail before the server starts (ingested inline), indexed by the triggers.
BODY='お世話になっております。先月の請求書の金額が間違っているようです。返金の手続きをお願いします。' \
	mail '山田 太郎 <yamada@example.jp>' '請求書について' 'ja1@example.jp' | mado -w "$W" ingest
BODY='注文した商品がまだ届きません。配送状況を確認してください。' \
	mail 'suzuki@example.jp' '配送の遅れ' 'ja2@example.jp' | mado -w "$W" ingest
BODY='My invoice shows a double charge. Please refund the second payment.' \
	mail 'alice@example.org' 'Invoice problem' 'en1@example.org' | mado -w "$W" ingest
BODY='The printer in room 4 is on fire again; the invoice for the last repair is attached.' \
	mail 'bob@example.org' 'Printer on fire' 'en2@example.org' | mado -w "$W" ingest
sql "$W" "UPDATE tickets SET group_id = (SELECT id FROM groups WHERE name='Japan') WHERE id IN (1, 2);
          UPDATE tickets SET group_id = (SELECT id FROM groups WHERE name='English') WHERE id IN (3, 4);"

start_server "$W"
JA=$TMPROOT/ja.jar; EN=$TMPROOT/en.jar; AD=$TMPROOT/ad.jar; JA2=$TMPROOT/ja2.jar
JA_CSRF=$(login ja@example.com agent-pass-1 "$JA")
EN_CSRF=$(login en@example.com agent-pass-2 "$EN")
AD_CSRF=$(login admin@example.com admin-pass-1 "$AD")
JA2_CSRF=$(login ja2@example.com agent-pass-3 "$JA2")
ok "$(test -n "$JA_CSRF" && test -n "$EN_CSRF" && test -n "$AD_CSRF" && test -n "$JA2_CSRF"; echo $?)" "agents log in"

# search JAR Q [EXTRA-QUERY]: the JSON reply
search() { curl -s -b "$1" -G --data-urlencode "q=$2" ${3:+--data-urlencode "$3"} "$BASE/api/v1/search"; }
# ids JSON: ticket ids of the results, comma-separated
ids() { jq -r '[.results[].ticket.number] | map(tostring) | join(",")'; }

r=$(search "$AD" 請求書)
is "$(echo "$r" | ids)" "1" "3-character Japanese word finds its ticket"
is "$(echo "$r" | jq -r .mode)" "full_text" "…through the full-text index"
is "$(echo "$r" | jq -r '[.results[0].snippet[] | select(.hit) | .text] | join(",")')" "請求書" "…snippet highlights the word"
is "$(echo "$r" | jq -r '[.results[0].subject[] | select(.hit) | .text] | join(",")')" "請求書" "…subject highlighted too"
is "$(echo "$r" | jq -r '.results[0].snippet | map(.text) | join("")' | grep -c '金額が間違っている')" 1 "…snippet carries the context"
r=$(search "$AD" 手続き)
is "$(echo "$r" | ids)" "1" "substring inside a Japanese sentence (手続き)"
r=$(search "$AD" 請求)
is "$(echo "$r" | ids)" "1" "2-character Japanese word 請求 finds its ticket"
is "$(echo "$r" | jq -r '.mode + " " + (.scan_window|tostring) + " " + (.total_exact|tostring)')" "bigram null true" \
	"…through the bigram index (exact: fewer matches than its window)"
is "$(echo "$r" | jq -r '[.results[0].snippet[] | select(.hit) | .text] | join(",")')" "請求" "…highlighted"
is "$(search "$AD" 返金 | ids)" "1" "2-character Japanese word 返金 finds its ticket"
is "$(search "$AD" 配送 | ids)" "2" "2-character word 配送 finds the other ticket"
is "$(search "$AD" '返金 手続き' | ids)" "1" "a short and a long word together (AND)"
is "$(search "$AD" '返金　配送' | ids)" "" "full-width space separates words (AND: no ticket has both)"
is "$(search "$AD" '返金 請求' | jq -r '.mode + " " + ([.results[].ticket.number] | map(tostring) | join(","))')" "bigram 1" \
	"two 2-character words: both must occur (bigram index)"
is "$(search "$AD" 'My' | jq -r '.mode + " " + (.scan_window|tostring)')" "recent 5000" \
	"an ASCII pair takes the window of recent messages"
is "$(search "$AD" '返金 My' | jq -r '.mode + " " + (.total|tostring)')" "recent 0" "…and so does a query mixing it with a Japanese pair"
# 5,100 newer messages (written by a script, not by intake) push ticket 1's
# mail out of any window of 5,000 recent ones: the bigram index still finds
# it, after serve's drain loop has indexed the script's messages
sql "$W" "INSERT INTO messages (ticket_id, message_id, raw_sha256, raw_size, subject, body_text, created_at)
  WITH RECURSIVE k(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM k WHERE k < 5100)
  SELECT 4, 'filler' || k || '@example.org', 'x', 1, 'printer log ' || k, '印刷の記録です。', 0 FROM k"
i=0; while [ "$(sql "$W" "SELECT upto = (SELECT max(id) FROM messages) FROM bigram_state")" != 1 ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1)); done
is "$(sql "$W" "SELECT upto = (SELECT max(id) FROM messages) FROM bigram_state")" 1 "serve's drain loop indexed the script's messages"
r=$(search "$AD" 請求)
is "$(echo "$r" | jq -r '.mode + " " + ([.results[].ticket.number] | map(tostring) | join(",")) + " " + (.total_exact|tostring)')" \
	"bigram 1 true" "a 2-character word in a message older than 5,100 others is found, exactly"
is "$(search "$AD" 記録 | jq -r '.mode + " " + (.total|tostring) + " " + ([.results[].ticket.number] | map(tostring) | join(","))')" \
	"bigram 1 4" "…and the script's messages by theirs"
sql "$W" "INSERT INTO messages (ticket_id, message_id, raw_sha256, raw_size, subject, body_text, created_at)
          VALUES (2, 'late@example.jp', 'x', 1, 'Re: 配送', '障害が発生しています', 0)"
is "$(search "$AD" 障害 | jq -r '.mode + " " + ([.results[].ticket.number] | map(tostring) | join(","))')" "bigram 2" \
	"a message written a moment ago is found at once (indexed or scanned above the mark)"
is "$(search "$EN" 障害 | jq -r '.total')" 0 "…never by an agent who may not see its ticket"
r=$(search "$AD" invoice)
is "$(echo "$r" | jq -r '.total')" 2 "English word in two tickets: total 2"
is "$(echo "$r" | jq -r '.total_exact')" true "…exact (no candidate window cut anything off)"
is "$(echo "$r" | ids)" "3,4" "…ranked: invoice in subject and body first"
is "$(echo "$r" | jq -r '[.results[0].snippet[] | select(.hit) | .text] | join(",")')" "invoice" "…highlighted"
is "$(search "$AD" INVOICE | ids)" "3,4" "case-insensitive"
is "$(search "$AD" oic | ids)" "3,4" "substring inside a word (oic)"
is "$(search "$AD" 'refund payment' | ids)" "3" "two words must both occur"
is "$(search "$AD" invoice status=new | jq -r .total)" 2 "status filter"
is "$(search "$AD" invoice status=closed | jq -r .total)" 0 "status filter excludes"
is "$(search "$AD" invoice limit=1 | jq -r '(.results | length|tostring) + "/" + (.next_offset|tostring)')" "1/1" "limit and next_offset"
is "$(search "$AD" 'nothing-like-this' | jq -r .total)" 0 "no match: total 0"

# Visibility: the Japan group sees only its tickets, in results and counts
is "$(search "$JA" invoice | jq -r '.total')" 0 "Japan agent: English tickets invisible (total 0)"
is "$(search "$JA" 請求 | ids)" "1" "Japan agent finds the Japan ticket"
is "$(search "$EN" 請求 | jq -r '.total')" 0 "English agent: Japan ticket invisible (2-char path)"
is "$(search "$EN" 請求書 | jq -r '.total')" 0 "English agent: Japan ticket invisible (full text)"
is "$(search "$EN" invoice | jq -r '.total')" 2 "English agent sees its own"

# Hostile queries: 200 or 400, never 500; the server stays up
for q in '"' '""' "'" "' OR 1=1 --" '"; DROP TABLE tickets; --' 'NEAR(a b)' 'a*' '*' '^foo' 'subject:foo' \
	'body_text : x' '(' ')' 'AND' 'OR OR' 'NOT' '-' '%' '_' '\' '%%%' '"unterminated' '{a b}' 'a:' \
	'message_fts' "$(printf 'x%.0s' $(seq 1 300))" '1 2 3 4 5 6 7 8 9' 'a b c d e'; do
	c=$(code -b "$AD" -G --data-urlencode "q=$q" "$BASE/api/v1/search")
	case $c in 200|400) ;; *) echo "# q=[$q] -> $c"; c=bad ;; esac
	[ "$c" = bad ] && break
done
ok "$(test "$c" != bad; echo $?)" "hostile q strings give 200 or 400"
is "$(search "$AD" '"; DROP TABLE tickets; --' | jq -r .total)" 0 "SQL in q is only text"
is "$(search "$AD" '%' | jq -r .total)" 0 "LIKE wildcard in a short word is literal"
is "$(code -b "$AD" "$BASE/api/v1/search?q=")" 400 "empty q is 400"
is "$(code -b "$AD" "$BASE/api/v1/search")" 400 "missing q is 400"
is "$(code -b "$AD" "$BASE/api/v1/search?q=%20%20")" 400 "blank q is 400"
is "$(code -b "$AD" "$BASE/api/v1/search?q=%FF%FE")" 400 "invalid UTF-8 is 400"
is "$(code -b "$AD" "$BASE/api/v1/search?q=abc&limit=0")" 400 "bad limit is 400"
is "$(code -b "$AD" "$BASE/api/v1/search?q=abc&status=bogus")" 400 "unknown status is 400"
is "$(code "$BASE/api/v1/search?q=abc")" 401 "anonymous search is 401"
is "$(ntickets "$W")" 4 "tickets table intact"
is "$(code "$BASE/healthz")" 200 "server still up"

# ---- live events (SSE) ----
sse() {  # sse JAR NAME: start a subscriber writing to $TMPROOT/NAME.sse
	curl -sN -b "$1" "$BASE/api/v1/events" >"$TMPROOT/$2.sse" 2>/dev/null &
	eval "SSE_$2=\$!"
}
sse "$AD" ad; sse "$JA" ja; sse "$EN" en; sse "$JA2" ja2
for n in ad ja en ja2; do wait_for "$TMPROOT/$n.sse" ': connected' 3; done
ok "$(grep -q '^retry: ' "$TMPROOT/ad.sse"; echo $?)" "event stream opens with a retry hint"
is "$(curl -s -o /dev/null -w '%{content_type}' -m 1 -b "$AD" "$BASE/api/v1/events")" \
	"text/event-stream; charset=utf-8" "…as text/event-stream"

t0=$(date +%s%N)
BODY='新しい問い合わせです。' mail 'kato@example.jp' '新規の問い合わせ' 'ja3@example.jp' | mado -w "$W" ingest
wait_for "$TMPROOT/ad.sse" 'event: ticket.created' 3
ok $? "admin's stream gets ticket.created for mail piped into mado ingest"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ok "$(test $ms -le 1500; echo $?)" "…within ~1 s ($ms ms)"
is "$(sed -n 's/^data: //p' "$TMPROOT/ad.sse" | grep ticket.created | jq -r .ticket_id)" 5 "…with the ticket id"
is "$(search "$AD" 問い合わせ | ids)" "5" "the new mail is searchable at once"
sleep 0.5
ok "$(! grep -q 'ticket.created' "$TMPROOT/ja.sse"; echo $?)" "Japan agent gets no event for the ungrouped ticket"
ok "$(! grep -q 'ticket.created' "$TMPROOT/en.sse"; echo $?)" "English agent gets no event for it either"

BODY='追加の情報です。' mail 'yamada@example.jp' 'Re: 請求書について' 'ja4@example.jp' 'In-Reply-To: <ja1@example.jp>' | mado -w "$W" ingest
wait_for "$TMPROOT/ja.sse" 'event: ticket.updated' 3
ok $? "Japan agent gets ticket.updated for a reply on its ticket"
is "$(sed -n 's/^data: //p' "$TMPROOT/ja.sse" | grep ticket.updated | jq -r '(.ticket_id|tostring) + " " + .change')" "1 message" "…ticket 1, a new message"
sleep 0.5
ok "$(! grep -q 'ticket.updated' "$TMPROOT/en.sse"; echo $?)" "English agent does not"

# ---- presence ----
P=$BASE/api/v1/tickets/1/presence
pres() { curl -s -b "$1" -H "X-CSRF-Token: $2" -H 'Content-Type: application/json' -d "$3" "$P"; }
is "$(pres "$JA" "$JA_CSRF" '{"state":"viewing","ttl":5}' | jq -r '.agents[0].email + " " + .agents[0].state')" \
	"ja@example.com viewing" "POST presence: agent is viewing"
is "$(curl -s -b "$JA2" "$P" | jq -r '[.agents[] | .email + " " + .state] | join(",")')" \
	"ja@example.com viewing" "a second agent of the group sees who is viewing"
wait_for "$TMPROOT/ja2.sse" 'event: presence' 3
ok $? "…and gets a presence event"
is "$(sed -n 's/^data: //p' "$TMPROOT/ja2.sse" | grep '"presence"' | head -1 | jq -r '.email + " " + .state')" \
	"ja@example.com viewing" "…naming the agent and state"
is "$(code -b "$EN" "$P")" 404 "an agent who may not see the ticket: 404"
is "$(code -b "$EN" -H "X-CSRF-Token: $EN_CSRF" -H 'Content-Type: application/json' -d '{"state":"viewing"}' "$P")" 404 \
	"…and cannot announce presence there"
ok "$(! grep -q 'event: presence' "$TMPROOT/en.sse"; echo $?)" "…nor receives its presence events"
is "$(code -b "$JA" -H 'Content-Type: application/json' -d '{"state":"viewing"}' "$P")" 403 "presence without CSRF: 403"
is "$(code -b "$JA" -H "X-CSRF-Token: $JA_CSRF" -H 'Content-Type: application/json' -d '{"state":"dancing"}' "$P")" 400 "unknown state: 400"
pres "$JA2" "$JA2_CSRF" '{"state":"replying"}' >/dev/null
is "$(curl -s -b "$JA" "$P" | jq -r '[.agents[] | .email + " " + .state] | sort | join(",")')" \
	"ja2@example.com replying,ja@example.com viewing" "two agents present, one replying"
pres "$JA2" "$JA2_CSRF" '{"state":"left"}' >/dev/null
is "$(curl -s -b "$JA" "$P" | jq -r '[.agents[].email] | join(",")')" "ja@example.com" "\"left\" removes at once"
sleep 6
is "$(curl -s -b "$JA2" "$P" | jq -r '.agents | length')" 0 "presence expires without a refresh"
ok "$(sed -n 's/^data: //p' "$TMPROOT/ja2.sse" | grep '"presence"' | grep -q '"ja@example.com".*"left"\|"left".*"ja@example.com"'; echo $?)" \
	"…and its expiry is published as left"

# ---- limits and shutdown ----
for i in 1 2 3; do curl -sN -b "$AD" "$BASE/api/v1/events" >/dev/null 2>&1 & done
sleep 0.5
is "$(code -m 2 -b "$AD" "$BASE/api/v1/events")" 429 "a fifth stream for one agent: 429"
is "$(code "$BASE/api/v1/events")" 401 "anonymous stream: 401"
is "$(code -b "$EN" "$BASE/api/v1/search?q=invoice")" 200 "streams do not hold the server's threads"
t0=$(date +%s%N)
kill "$SERVER_PID"; wait "$SERVER_PID"; rc=$?; SERVER_PID=
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
is "$rc" 0 "SIGTERM with open streams: clean exit"
ok "$(test $ms -le 3000; echo $?)" "…without hanging ($ms ms)"
sleep 0.3
ok "$(! kill -0 "$SSE_ad" 2>/dev/null; echo $?)" "…and the streams end"
grep -q 'ERROR: AddressSanitizer\|runtime error' "$TMPROOT"/serve.*.log && cat "$TMPROOT"/serve.*.log | sed 's/^/# /'
ok "$(! grep -q 'ERROR: AddressSanitizer\|runtime error\|LeakSanitizer' "$TMPROOT"/serve.*.log; echo $?)" "server log clean under sanitizers"

done_testing
