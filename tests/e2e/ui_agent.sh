#!/bin/sh
# The agent's day in the web UI, item by item (issue 6; docs/ui.md): view
# counts and "breaching soon" from the server, paging past the first 50,
# j/k through tickets, the properties panel (type, group, custom fields)
# and a readable history, the customer panel (tier, other tickets), split
# and merge from the ticket view, bulk merge, and no untranslated English
# on the Japanese pages. Headless Debian Chromium through Playwright
# (tests/browser/agent.mjs); a missing Chromium or Node is a failure.
. "$(dirname "$0")/lib.sh"

need_browser

WS=$(new_ws ws)
browser_agents "$WS"

# 60 tickets for paging, imported as one mbox
MBOX=$TMPROOT/paging.mbox
i=1
while [ $i -le 60 ]; do
	printf 'From page%d@example.net Mon Nov 23 10:00:00 2026\n' $i
	BODY="Paging body $i" mail "Page Tester <page$i@example.net>" "Paging test $i" "page-$i@example.net"
	printf '\n'
	i=$((i + 1))
done >"$MBOX"
mado -w "$WS" import --mbox "$MBOX" >/dev/null
# a Japanese customer with two tickets; the first has a follow-up mail
BODY='先月の請求書の金額が間違っているようです。' mail '山田 花子 <hanako@example.co.jp>' '請求書の金額について' ja-1@example.co.jp | mado -w "$WS" ingest
BODY='追加の資料をお送りします。別件です。' mail '山田 花子 <hanako@example.co.jp>' 'Re: 請求書の金額について' ja-2@example.co.jp \
	'In-Reply-To: <ja-1@example.co.jp>' | mado -w "$WS" ingest
BODY='領収書を再発行していただけますか。' mail '山田 花子 <hanako@example.co.jp>' '領収書の再発行' ja-3@example.co.jp | mado -w "$WS" ingest
# a customer known before the SLA policies exist (made VIP by the test)
BODY='最初の問い合わせです。' mail '大事な顧客 <vip@example.jp>' '初回の問い合わせ' vip-0@example.jp | mado -w "$WS" ingest
sql "$WS" "UPDATE tickets SET group_id = (SELECT id FROM groups WHERE name = 'Support')"
is "$(ntickets "$WS")" 63 "63 tickets (60 imported, 3 from hanako, 1 from the VIP customer)"
is "$(sql "$WS" "SELECT count(*) FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.subject = '請求書の金額について'")" 2 \
	"the follow-up is threaded into hanako's first ticket"

start_server "$WS"
mkdir -p "$MADO_ROOT/build-san/screenshots"
MADO_BASE=$BASE MADO_WS=$WS MADO_BIN=$MADO_BIN CHROMIUM=$CHROMIUM T_START=$T_N \
	SCREENSHOTS="$MADO_ROOT/build-san/screenshots" \
	node "$MADO_ROOT/tests/browser/agent.mjs"
