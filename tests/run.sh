#!/bin/sh
# Run every Mado test and print one summary line: "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR [pattern]
# Each test program (C unit/golden binaries, tests/e2e/*.sh, fuzz replays)
# prints TAP; we count its "ok" / "not ok" lines. A program that exits
# non-zero without reporting a failure counts as one failure.
set -u
BUILD=${1:-build-san}
PATTERN=${2:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export MADO_BIN="$ROOT/$BUILD/mado"
export MADO_ROOT="$ROOT"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}"
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export G_SLICE=always-malloc
LOGDIR="$ROOT/$BUILD/test-logs"
mkdir -p "$LOGDIR"
passed=0
failed=0
failed_names=""

run_one() {
	name=$1; shift
	case "$name" in *"$PATTERN"*) ;; *) return ;; esac
	log="$LOGDIR/$(echo "$name" | tr '/' '_').log"
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		failed_names="$failed_names $name"
		printf '%-40s %4d passed %4d FAILED  (log: %s)\n' "$name" "$p" "$f" "$log"
		grep -E '^not ok|^#' "$log" | head -40 | sed 's/^/    /'
		tail -5 "$log" | sed 's/^/    | /'
	else
		printf '%-40s %4d passed\n' "$name" "$p"
	fi
}

for t in "$BUILD"/tests/unit/* "$BUILD"/tests/golden/*; do
	[ -x "$t" ] || continue
	run_one "${t#"$BUILD"/tests/}" "$t"
done
for t in "$BUILD"/fuzz-replay/*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	run_one "fuzz/$n" "$t" "tests/fuzz/corpus/$n"
done
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	[ "$(basename "$t")" = lib.sh ] && continue
	run_one "e2e/$(basename "$t" .sh)" sh "$t"
done

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
