#!/bin/sh
# Search latency over HTTP: a workspace with N generated mails
# (bench/gen_mail, `mado import`), `mado serve`, then each query R times
# over one keep-alive connection (curl's time_total: server + loopback).
#
#   bench/api_search.sh [BUILD_DIR]     (BUILD_DIR default build)
# Environment: BENCH_SEARCH_MAILS (default 20000), BENCH_SEARCH_REPEAT (50),
#   BENCH_SEARCH_QUERIES (comma-separated), BENCH_SEARCH_LIMIT (page size, 20),
#   BENCH_SEARCH_WS (a workspace with mail already imported: copied, not changed)
set -eu
uptime
BUILD=${1:-build}
MADO=$(cd "$BUILD" && pwd)/mado
GEN=$(cd "$BUILD" && pwd)/bench/gen_mail
N=${BENCH_SEARCH_MAILS:-20000}
R=${BENCH_SEARCH_REPEAT:-50}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mado-search-bench.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

if [ -n "${BENCH_SEARCH_WS:-}" ]; then   # reuse a workspace made by an earlier run
	cp -r "$BENCH_SEARCH_WS" "$TMP/ws"
else
	"$MADO" init "$TMP/ws" >/dev/null
	"$GEN" --maildir "$TMP/md" --count "$N" >/dev/null
	t0=$(date +%s%N)
	"$MADO" -w "$TMP/ws" import --maildir "$TMP/md" >/dev/null
	echo "import of $N mails (with FTS triggers): $(( ($(date +%s%N) - t0) / 1000000 )) ms"
fi
db=$TMP/ws/mado.db
echo "messages: $(sqlite3 "$db" 'SELECT count(*) FROM messages'), text bytes: $(sqlite3 "$db" 'SELECT sum(length(CAST(body_text AS BLOB)) + length(CAST(subject AS BLOB))) FROM messages')," \
	"FTS bytes: $(sqlite3 "$db" "SELECT sum(length(block)) FROM message_fts_data") + $(sqlite3 "$db" "SELECT sum(length(block)) FROM ticket_fts_data") (tickets)"
MADO_PASSWORD=bench-pass-1 "$MADO" -w "$TMP/ws" user add bench@example.com --role admin >/dev/null
MADO_PASSWORD=bench-pass-2 "$MADO" -w "$TMP/ws" user add agent@example.com --role agent --group Bench >/dev/null
# the agent sees every second ticket
sqlite3 "$db" "UPDATE tickets SET group_id = (SELECT id FROM groups WHERE name='Bench') WHERE id % 2 = 0"
PORT=$(( 30000 + $$ % 20000 ))
"$MADO" -w "$TMP/ws" serve --listen "127.0.0.1:$PORT" >"$TMP/serve.log" 2>&1 &
PID=$!
BASE=http://127.0.0.1:$PORT
i=0; while ! curl -s -o /dev/null "$BASE/healthz" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
for who in bench@example.com:bench-pass-1:admin agent@example.com:bench-pass-2:agent; do
	email=${who%%:*}; rest=${who#*:}; pass=${rest%%:*}; role=${rest#*:}
	curl -s -c "$TMP/$role.jar" -H 'Content-Type: application/json' \
		-d "{\"email\":\"$email\",\"password\":\"$pass\"}" "$BASE/api/v1/session" >/dev/null
done

# server CPU (user+system) per query, from /proc: meaningful on a loaded machine
cpu() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
TCK=$(getconf CLK_TCK)
printf '%-8s %-22s %6s %6s %9s %9s %9s %9s\n' role query chars total median_ms p95_ms max_ms cpu_ms
for role in admin agent; do
	printf '%s\n' "${BENCH_SEARCH_QUERIES:-請求書,ord,パスワード,cache,請求,返金,ログ,error cache,請求書 金額}" | tr , '\n' >"$TMP/queries"
	while IFS= read -r q; do
		enc=$(printf '%s' "$q" | jq -sRr @uri)
		url="$BASE/api/v1/search?q=$enc&limit=${BENCH_SEARCH_LIMIT:-20}"
		total=$(curl -s -b "$TMP/$role.jar" "$url" | jq -r .total)
		set --
		k=0; while [ $k -lt "$R" ]; do set -- "$@" -o /dev/null "$url"; k=$((k + 1)); done
		c0=$(cpu)
		curl -s -b "$TMP/$role.jar" -w '%{time_total}\n' "$@" | sort -n >"$TMP/t"
		c1=$(cpu)
		cms=$(awk -v a="$c0" -v b="$c1" -v t="$TCK" -v n="$R" 'BEGIN { printf "%.2f", (b - a) * 1000 / t / n }')
		med=$(awk -v n="$R" 'NR == int((n + 1) / 2) { printf "%.2f", $1 * 1000 }' "$TMP/t")
		p95=$(awk -v n="$R" 'NR == int(n * 0.95 + 0.999) { printf "%.2f", $1 * 1000 }' "$TMP/t")
		max=$(tail -1 "$TMP/t" | awk '{ printf "%.2f", $1 * 1000 }')
		printf '%-8s %-22s %6s %6s %9s %9s %9s %9s\n' "$role" "$q" "$(printf '%s' "$q" | wc -m)" "$total" "$med" "$p95" "$max" "$cms"
	done <"$TMP/queries"
done
