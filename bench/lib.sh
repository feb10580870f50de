# Shared by benchmark scripts (POSIX sh): a scratch directory removed on
# exit together with the server started in it, and a server on a free port.
# (bench/api_wrk.sh and bench/api_search.sh predate it and may adopt it.)

# bench_scratch NAME: sets TMP; on exit stops $PID (if set) and removes TMP
bench_scratch() {
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/mado-$1.XXXXXX")
	PID=
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}
bench_cleanup() {
	if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
	rm -rf "$TMP"
}

# bench_free_port FROM: the first port from FROM on that nothing listens on
bench_free_port() {
	_p=$1
	while bench_listening "$_p"; do _p=$((_p + 1)); done
	echo "$_p"
}
bench_listening() { grep -qi ":$(printf '%04X' "$1") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; }

# bench_serve MADO WS: `mado serve` on a free port; sets PORT, BASE and PID
bench_serve() {
	PORT=$(bench_free_port $(( 30000 + $$ % 20000 )))
	BASE=http://127.0.0.1:$PORT
	"$1" -w "$2" serve --listen "127.0.0.1:$PORT" >"$TMP/serve.log" 2>&1 &
	PID=$!
	i=0
	while ! curl -s -o /dev/null "$BASE/healthz" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
