#!/bin/sh
# Mado benchmarks: `make bench` runs `./bench/run.sh build`.
#
#   bench/run.sh [BUILD_DIR]
#
# Generates a corpus (bench/gen_mail), then measures, each against its
# target (docs/benchmarks.md explains every figure):
#   1. parse only, in process (bench/parse)
#   2. mado import --maildir and --mbox on the whole corpus
#   3. mado ingest, one process per mail, interleaved mail by mail with
#      bench/ceiling (the same durable work without parsing), and the ratio
#   4. peak RSS of ingest and import
#   5. where the time of one ingest process goes (start-up, syncs)
#
# Environment:
#   BENCH_MAILS         corpus size (default 10000)
#   BENCH_INGEST_MAILS  mails fed one process each to ingest and to the
#                       ceiling (default 2000: the first 2000 of the corpus;
#                       set it to BENCH_MAILS to feed all of them, ~5 min more)
#   BENCH_BREAKDOWN     mails for the breakdown runs (default 300; 0 = skip)
#   TMPDIR              where the scratch directory goes (default BUILD_DIR)
set -eu

BUILD=${1:-build}
MADO=$BUILD/mado
BIN=$BUILD/bench
MAILS=${BENCH_MAILS:-10000}
INGEST_MAILS=${BENCH_INGEST_MAILS:-2000}
BREAKDOWN=${BENCH_BREAKDOWN:-300}
[ "$INGEST_MAILS" -gt "$MAILS" ] && INGEST_MAILS=$MAILS

for f in "$MADO" "$BIN/gen_mail" "$BIN/procrun" "$BIN/ceiling" "$BIN/parse"; do
	[ -x "$f" ] || { echo "bench: $f missing: run make bench" >&2; exit 1; }
done
TMP=$(mktemp -d "${TMPDIR:-$BUILD}/mado-bench.XXXXXX")
TMP=$(cd "$TMP" && pwd)
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP PIPE
# Snapshot the binaries: a rebuild of build/ while the benchmark runs (other
# work in the same tree) must not swap the program between two mails.
mkdir "$TMP/bin"
cp "$MADO" "$BIN/gen_mail" "$BIN/procrun" "$BIN/ceiling" "$BIN/parse" "$TMP/bin/"
MADO=$TMP/bin/mado
BIN=$TMP/bin
cd "$TMP"

PASS=0
MISS=0
judge() { # judge OK(1/0): sets V to PASS/MISS and counts it (not in a subshell)
	if [ "$1" = 1 ]; then PASS=$((PASS + 1)); V=PASS; else MISS=$((MISS + 1)); V=MISS; fi
}
# field LINE KEY: value of KEY=value in a procrun/parse line
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
load() { cut -d' ' -f1 /proc/loadavg; }
count_rows() { # count_rows DB TABLE
	if command -v sqlite3 >/dev/null 2>&1; then
		sqlite3 "$1" "SELECT count(*) FROM $2" 2>/dev/null || echo "?"
	else
		echo "?"
	fi
}

CORES=$(nproc 2>/dev/null || echo "?")
FS=$(df -T . 2>/dev/null | awk 'NR == 2 { print $2 " on " $1 }')
SQLV=$(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || true)
GMV=$(pkg-config --modversion gmime-3.0 2>/dev/null || true)
echo "== Mado benchmarks =="
echo "machine: $CORES cores, Linux $(uname -r), $FS; SQLite ${SQLV:-?}, GMime ${GMV:-?}"
LOAD0=$(load)
echo "load average at start: $LOAD0$(awk "BEGIN { exit !($LOAD0 > 0.7) }" && echo \
	"  (other work is running: wall-clock figures below are inflated by it)" || true)"

# ---- corpus ---------------------------------------------------------------
"$BIN/gen_mail" --maildir md --count "$MAILS" --seed 1
"$BIN/gen_mail" --mbox mbox --count "$MAILS" --seed 1
MDKB=$(du -sk md/new | cut -f1)
MBKB=$(du -sk mbox | cut -f1)
echo "corpus: $MAILS mails (30% Japanese, 10% with an attachment, 30% replies): maildir $(calc '%.1f' "$MDKB/1024") MB on disk, mbox $(calc '%.1f' "$MBKB/1024") MB"
echo

# ---- 1. parse only ----------------------------------------------------------
P=$("$BIN/parse" md 3) || true
echo "parse only (in process, mail_parse + hygiene_classify, best of 3 passes): $(calc '%.0f' "$(field "$P" rate)") mails/s  ($(field "$P" us_per_mail) us/mail, peak RSS $(calc '%.1f' "$(field "$P" maxrss_kb)/1024") MB$([ "$(field "$P" failed)" = 0 ] || echo ", $(field "$P" failed) FAILED"))"
PP=$("$BIN/parse" --pin-gconv md 3) || true
echo "  the same with the Japanese gconv modules kept loaded (bench/parse.c --pin-gconv): $(calc '%.0f' "$(field "$PP" rate)") mails/s  ($(field "$PP" us_per_mail) us/mail)"

# ---- 2. import ------------------------------------------------------------
IMPORT_TARGET=3000
import_run() { # import_run LABEL ARGS...
	label=$1
	shift
	"$MADO" init "ws-$label" >/dev/null
	line=$("$BIN/procrun" --label "$label" -- "$MADO" --workspace "ws-$label" import "$@") || true
	rows=$(count_rows "ws-$label/mado.db" messages)
	rate=$(calc '%.0f' "$MAILS / $(field "$line" total_s)")
	ok=$(awk "BEGIN { print ($rate >= $IMPORT_TARGET && $(field "$line" fail) == 0) ? 1 : 0 }")
	[ "$rows" = "?" ] || [ "$rows" = "$MAILS" ] || ok=0
	judge "$ok"
	printf 'import %-9s %s mails/s  (%s mails in %.2f s wall, %s stored, %s failed, peak RSS %.1f MB)   target >= %s/s: %s\n' \
		"$label:" "$rate" "$MAILS" "$(field "$line" total_s)" "$rows" "$(field "$line" fail)" \
		"$(calc '%.1f' "$(field "$line" maxrss_kb)/1024")" "$IMPORT_TARGET" "$V"
	eval "IMPORT_RSS_$(echo "$label" | tr -d -)=$(field "$line" maxrss_kb)"
	rm -rf "ws-$label"
}
import_run --maildir --maildir md
import_run --mbox --mbox mbox

# ---- 3. ingest vs ceiling, one process per mail -----------------------------
"$MADO" init ws >/dev/null
"$BIN/ceiling" init cw
LOAD1=$(load)
T0=$(date +%s)
OUT=$("$BIN/procrun" --stdin-dir md/new --limit "$INGEST_MAILS" --label ingest --label ceiling \
	-- "$MADO" --workspace ws ingest ::: "$BIN/ceiling" cw) || true
T1=$(date +%s)
ING=$(echo "$OUT" | grep '^ingest ')
CEIL=$(echo "$OUT" | grep '^ceiling ')
WALKB=$(( $(stat -c %s ws/mado.db-wal 2>/dev/null || echo 0) / 1024 ))
CWALKB=$(( $(stat -c %s cw/ceiling.db-wal 2>/dev/null || echo 0) / 1024 ))
ROWS=$(count_rows ws/mado.db messages)
LEFT=$(ls ws/spool/new | wc -l)
SAMPLE="first $INGEST_MAILS of $MAILS mails, fresh workspace, interleaved with the ceiling, $((T1 - T0)) s"
[ "$INGEST_MAILS" = "$MAILS" ] && SAMPLE="all $MAILS mails, fresh workspace, interleaved with the ceiling, $((T1 - T0)) s"
echo
echo "one process per mail ($SAMPLE; load average $LOAD1 before, $(load) after):"
printf 'ingest  (process per mail):            %s mails/s  p50 %.1f ms  p99 %.1f ms\n' \
	"$(calc '%.0f' "$(field "$ING" rate)")" "$(field "$ING" p50_ms)" "$(field "$ING" p99_ms)"
printf '  CPU %.1f ms/mail (median of the first tenth %.1f ms, of the last tenth %.1f ms); %s failed, %s stored, %s left in spool; WAL at the end %s KB\n' \
	"$(field "$ING" cpu_mean_ms)" "$(field "$ING" first_cpu_ms)" "$(field "$ING" last_cpu_ms)" \
	"$(field "$ING" fail)" "$ROWS" "$LEFT" "$WALKB"
printf 'ceiling (process per mail, no parsing): %s mails/s  p50 %.1f ms  p99 %.1f ms\n' \
	"$(calc '%.0f' "$(field "$CEIL" rate)")" "$(field "$CEIL" p50_ms)" "$(field "$CEIL" p99_ms)"
printf '  CPU %.1f ms/mail (median of the first tenth %.1f ms, of the last tenth %.1f ms); %s failed; WAL at the end %s KB\n' \
	"$(field "$CEIL" cpu_mean_ms)" "$(field "$CEIL" first_cpu_ms)" "$(field "$CEIL" last_cpu_ms)" \
	"$(field "$CEIL" fail)" "$CWALKB"
RATIO=$(calc '%.2f' "$(field "$CEIL" rate) / $(field "$ING" rate)")
RATIO50=$(calc '%.2f' "$(field "$ING" p50_ms) / $(field "$CEIL" p50_ms)")
RATIO99=$(calc '%.2f' "$(field "$ING" p99_ms) / $(field "$CEIL" p99_ms)")
ok=$(awk "BEGIN { print ($RATIO <= 2 && $(field "$ING" fail) == 0) ? 1 : 0 }")
[ "$ROWS" = "?" ] || [ "$ROWS" = "$INGEST_MAILS" ] || ok=0
[ "$LEFT" = 0 ] || ok=0
judge "$ok"
echo "ingest/ceiling: ${RATIO}x time per mail (p50 ${RATIO50}x, p99 ${RATIO99}x)   target <= 2x: $V"

# ---- 4. memory -----------------------------------------------------------
IRSS=$(field "$ING" maxrss_kb)
ok=$(awk "BEGIN { print ($IRSS <= 32 * 1024) ? 1 : 0 }")
judge "$ok"
echo
printf 'peak RSS, ingest (max over %s processes): %.1f MB   target <= 32 MB: %s\n' \
	"$INGEST_MAILS" "$(calc '%.1f' "$IRSS/1024")" "$V"
printf 'peak RSS, import: --maildir %.1f MB, --mbox %.1f MB (%s mails; no target)\n' \
	"$(calc '%.1f' "$IMPORT_RSS_maildir/1024")" "$(calc '%.1f' "$IMPORT_RSS_mbox/1024")" "$MAILS"

# ---- 5. where the time of one ingest process goes --------------------------
if [ "$BREAKDOWN" -gt 0 ]; then
	"$MADO" init ws-spool >/dev/null
	"$MADO" init ws-bounded >/dev/null
	"$BIN/ceiling" init cw-bounded
	"$BIN/ceiling" init cw-plain
	"$BIN/ceiling" init cw-keep
	OUT=$("$BIN/procrun" --stdin-dir md/new --limit "$BREAKDOWN" \
		--label exec --label start --label spool --label bounded --label plain --label keep \
		--label ingest-bounded --label truncate \
		-- /bin/true ::: "$MADO" --help ::: "$MADO" --workspace ws-spool ingest --spool-only \
		::: "$BIN/ceiling" cw-bounded ::: "$BIN/ceiling" --close plain cw-plain \
		::: "$BIN/ceiling" --close keep cw-keep \
		::: "$MADO" --workspace ws-bounded ingest ::: "$BIN/ceiling" --truncate-wal ws-bounded/mado.db 1024) || true
	bd() { # bd LABEL TEXT
		l=$(echo "$OUT" | grep "^$1 ")
		printf '  %-58s p50 %6.2f ms  (CPU %5.2f ms)\n' "$2" "$(field "$l" p50_ms)" "$(field "$l" cpu_mean_ms)"
	}
	echo
	echo "where the time of one process goes ($BREAKDOWN mails, interleaved; wall p50, CPU mean):"
	bd exec "exec of /bin/true (process floor)"
	bd start "mado --help (exec + dynamic linking, no work)"
	bd spool "mado ingest --spool-only (spool write + 2 fsyncs)"
	bd bounded "ceiling (no checkpoint on close, WAL truncated past 1 MB)"
	bd plain "ceiling --close plain (checkpoint + WAL delete per close)"
	bd keep "ceiling --close keep (WAL kept, default auto-checkpoint)"
	bd ingest-bounded "ingest, WAL truncated past 1 MB after each mail (what-if)"
	printf '  %-58s p50 %6.2f ms  (CPU %5.2f ms)\n' "ingest (above, $INGEST_MAILS mails)" "$(field "$ING" p50_ms)" "$(field "$ING" cpu_mean_ms)"
	echo "  shared libraries loaded by mado: $(ldd "$MADO" 2>/dev/null | grep -c '=>'), by ceiling: $(ldd "$BIN/ceiling" 2>/dev/null | grep -c '=>')"
	if command -v strace >/dev/null 2>&1; then
		# Syncs per mail over the next 30 mails, not one: every ~5th ingest
		# checkpoints the WAL (2 syncs) and the next one syncs the new WAL's
		# header (docs/intake.md, "Syncs per mail").
		SYNC_MAILS=30
		mkdir sync-mails
		ls md/new | sed -n "$((INGEST_MAILS + 1)),$((INGEST_MAILS + SYNC_MAILS))p" >sync-list
		# all of the corpus was ingested: its last mails, stored again as duplicates
		[ -s sync-list ] || ls md/new | tail -n "$SYNC_MAILS" >sync-list
		while read -r f; do cp "md/new/$f" sync-mails/; done <sync-list
		syncs() { # syncs CMD...: "N.NN (a fsync, b fdatasync, c syncfs per mail)"
			n=$(ls sync-mails | wc -l)
			strace -f -c -o strace.out "$BIN/procrun" --stdin-dir sync-mails -- "$@" >/dev/null 2>&1 || true
			awk -v n="$n" '$NF == "fsync" { f = $4 } $NF == "fdatasync" { d = $4 } $NF == "syncfs" { s = $4 }
				END { printf "%.2f (%.2f fsync, %.2f fdatasync, %.2f syncfs)", (f + d + s) / n, f / n, d / n, s / n }' strace.out
		}
		echo "  syncs per mail (strace -c over $SYNC_MAILS more mails): ingest $(syncs "$MADO" --workspace ws ingest)"
		echo "    ceiling $(syncs "$BIN/ceiling" cw); --close plain $(syncs "$BIN/ceiling" --close plain cw-plain); --close keep $(syncs "$BIN/ceiling" --close keep cw-keep)"
	fi
fi

echo
echo "summary: $PASS PASS, $MISS MISS (load average at end: $(load))"
