#!/bin/sh
# The web UI: time to first render of the queue with BENCH_UI_TICKETS
# tickets (default 100,000) in headless Chromium (from navigation to the
# list visible), and the JS/CSS bundle size gzipped (target: JS < 200 KB).
#
#   bench/ui.sh [BUILD_DIR]        (BUILD_DIR default build)
#
# The tickets are inserted by SQL into a scratch workspace (the list reads
# tickets, customers and organisations; messages do not matter for it):
# 2,000 customers, subjects half Japanese, statuses and priorities spread
# by number, all in one group, a quarter assigned to the measuring agent.
set -eu
BUILD=${1:-build}
MADO=$(cd "$BUILD" && pwd)/mado
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_UI_TICKETS:-100000}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] || [ ! -d "$ROOT/web/node_modules/playwright-core" ]; then
	echo "ui bench: needs $CHROMIUM and web/node_modules (make deps; make)" >&2
	exit 1
fi

echo "== web UI bundle (gzip -9)"
js=0; css=0
for f in "$ROOT"/web/dist/assets/*; do
	sz=$(gzip -9 -c "$f" | wc -c)
	case "$f" in *.js) js=$((js + sz)) ;; *.css) css=$((css + sz)) ;; esac
	printf '  %-40s %7d bytes raw %7d gzipped\n' "$(basename "$f")" "$(wc -c < "$f")" "$sz"
done
printf 'JS %d KB gzipped (target < 200 KB: %s), CSS %d KB gzipped\n' $((js / 1024)) \
	"$([ $js -lt 204800 ] && echo met || echo MISSED)" $((css / 1024))

. "$ROOT/bench/lib.sh"
bench_scratch ui-bench

WS=$TMP/ws
"$MADO" init "$WS" >/dev/null
MADO_PASSWORD=bench-ui-pw "$MADO" -w "$WS" user add bench@example.com --name Bench --role agent --group Support >/dev/null
t0=$(date +%s%N)
sqlite3 "$WS/mado.db" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO organizations(id, domain, name, created_at) VALUES (1, 'example.co.jp', 'Example 株式会社', 1795400000),
  (2, 'example.com', 'Example Inc.', 1795400000);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000)
INSERT INTO customers(id, email, name, organization_id, created_at, updated_at)
  SELECT i, 'customer' || i || CASE i % 2 WHEN 0 THEN '@example.co.jp' ELSE '@example.com' END,
         CASE i % 2 WHEN 0 THEN '山田 花子 ' || i ELSE 'Customer ' || i END, 1 + i % 2, 1795400000, 1795400000 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $N)
INSERT INTO tickets(id, subject, status, priority, customer_id, organization_id, created_at, updated_at, group_id, assignee_id)
  SELECT i, CASE i % 2 WHEN 0 THEN '請求書の金額について (' || i || ')' ELSE 'Cannot log in to my account (' || i || ')' END,
         CASE i % 10 WHEN 0 THEN 'pending' WHEN 1 THEN 'open' WHEN 2 THEN 'open' WHEN 3 THEN 'resolved' WHEN 4 THEN 'closed' ELSE 'new' END,
         CASE i % 13 WHEN 0 THEN 'urgent' WHEN 1 THEN 'high' WHEN 2 THEN 'low' ELSE 'normal' END,
         1 + i % 2000, 1 + (1 + i % 2000) % 2, 1795400000 + i * 30, 1795400000 + i * 30,
         (SELECT id FROM groups WHERE name = 'Support'),
         CASE i % 4 WHEN 0 THEN (SELECT id FROM agents WHERE email = 'bench@example.com') END
  FROM c;
COMMIT;
ANALYZE;
SQL
echo "== queue first render: $N tickets inserted in $(( ($(date +%s%N) - t0) / 1000000 )) ms; $(nproc) CPUs, $(uptime | sed 's/.*load/load/')"

bench_serve "$MADO" "$WS"
[ -n "${BENCH_UI_HOLD:-}" ] && { echo "serving on $BASE, workspace $WS"; sleep "$BENCH_UI_HOLD"; }
MADO_BASE=$BASE CHROMIUM=$CHROMIUM node "$ROOT/bench/ui_render.mjs"
