#!/bin/sh
# SLA benchmarks: `make bench` runs `./bench/sla.sh build`.
#   scheduler sweep with BENCH_SLA_TICKETS tickets (default 1,000,000) of
#   which BENCH_SLA_DUE (default 1,000) are due (bench/sched.c).
set -eu
BUILD=${1:-build}
[ -x "$BUILD/bench/sched" ] || { echo "bench: $BUILD/bench/sched missing: run make bench" >&2; exit 1; }
echo "== SLA scheduler"
TMPDIR=${TMPDIR:-$BUILD} "$BUILD/bench/sched" "${BENCH_SLA_TICKETS:-1000000}" "${BENCH_SLA_DUE:-1000}"
