# Shared helpers for end-to-end tests (POSIX sh). Each test prints TAP.
# MADO_BIN is the binary under test (set by tests/run.sh).
: "${MADO_BIN:=$(pwd)/build-san/mado}"
: "${MADO_ROOT:=$(pwd)}"
T_N=0
T_FAIL=0
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/mado-e2e.XXXXXX")
chmod 755 "$TMPROOT"
trap 'cleanup_all' EXIT
CLEANUPS=""
cleanup_all() {
	for c in $CLEANUPS; do $c >/dev/null 2>&1 || true; done
	rm -rf "$TMPROOT"
}
on_exit() { CLEANUPS="$CLEANUPS $1"; }

ok() {  # ok CONDITION-EXIT-STATUS DESCRIPTION
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then echo "ok $T_N - $2"; else echo "not ok $T_N - $2"; T_FAIL=$((T_FAIL + 1)); fi
}
is() {  # is GOT WANT DESCRIPTION
	T_N=$((T_N + 1))
	if [ "$1" = "$2" ]; then echo "ok $T_N - $3"
	else echo "not ok $T_N - $3"; echo "#   got:  '$1'"; echo "#   want: '$2'"; T_FAIL=$((T_FAIL + 1)); fi
}
skip() { T_N=$((T_N + 1)); echo "ok $T_N - # SKIP $1"; }
done_testing() { echo "1..$T_N"; [ "$T_FAIL" -eq 0 ]; }

mado() { "$MADO_BIN" "$@"; }
# need TOOL...: skip the whole test (TAP "1..0 # SKIP") when a tool is
# missing; smtp-sink is looked for where Debian's postfix puts it
need() {
	for _c in "$@"; do
		case $_c in
		smtp-sink) [ -x /usr/sbin/smtp-sink ] || { echo "1..0 # SKIP smtp-sink (postfix) not installed"; exit 0; } ;;
		*) command -v "$_c" >/dev/null || { echo "1..0 # SKIP $_c not installed"; exit 0; } ;;
		esac
	done
}

# need_browser: Debian's Chromium, Node and web/'s playwright-core for the
# browser tests; one missing is a failure saying what to install (never a
# skip: the UI is tested in a real browser or not at all). Sets CHROMIUM.
need_browser() {
	CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
	if [ ! -x "$CHROMIUM" ] || ! command -v node >/dev/null || [ ! -d "$MADO_ROOT/web/node_modules/playwright-core" ]; then
		ok 1 "Chromium at $CHROMIUM, node and web/node_modules/playwright-core (make deps installs Debian's chromium; make builds web/ with npm ci)"
		done_testing
		exit 1
	fi
}
# browser_agents WS: the browser tests' two agents of group Support: Ann
# Lee (admin, first-agent-pw) and 佐藤 健二 (agent, second-agent-pw)
browser_agents() {
	MADO_PASSWORD=first-agent-pw mado -w "$1" user add ann@example.com --name "Ann Lee" --role admin --group Support >/dev/null
	MADO_PASSWORD=second-agent-pw mado -w "$1" user add kenji@example.com --name "佐藤 健二" --role agent --group Support >/dev/null
}

# new_ws NAME: create a workspace, echo its path
new_ws() {
	d="$TMPROOT/$1"
	mado init "$d" >/dev/null || return 1
	echo "$d"
}
# sql WS QUERY: read the workspace database
sql() { sqlite3 -batch -noheader "$1/mado.db" "$2"; }
ntickets() { sql "$1" "SELECT count(*) FROM tickets"; }
# wait_tickets W N [TENTHS]: wait (up to TENTHS tenths of a second,
# default 50) until W has N tickets; a mail piped to `mado ingest` while a
# server holds the writer lock is stored by the server's drainer, not by
# the ingest process
wait_tickets() { _i=0; while [ "$(ntickets "$1")" -lt "$2" ] && [ $_i -lt "${3:-50}" ]; do sleep 0.1; _i=$((_i + 1)); done; }

# mail FROM SUBJECT MSGID [EXTRA-HEADERS...] — a message on stdout; body from $BODY
mail() {
	from=$1; subj=$2; mid=$3; shift 3
	printf 'From: %s\nTo: support@localhost\nSubject: %s\nMessage-ID: <%s>\nDate: Mon, 23 Nov 2026 10:00:00 +0900\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n' "$from" "$subj" "$mid"
	for h in "$@"; do printf '%s\n' "$h"; done
	printf '\n%s\n' "${BODY:-Hello, I need help with my order.}"
}

# free_port: a TCP port nobody listens on (checked in /proc/net/tcp)
free_port() {
	p=$(( 20000 + $$ % 20000 ))
	while grep -qi ":$(printf '%04X' $p) " /proc/net/tcp /proc/net/tcp6 2>/dev/null; do p=$((p + 1)); done
	echo $p
}
# start_server WS: start `mado serve` on a free port; sets PORT and BASE
start_server() {
	PORT=$(free_port)
	BASE="http://127.0.0.1:$PORT"
	"$MADO_BIN" -w "$1" serve --listen "127.0.0.1:$PORT" >"$TMPROOT/serve.$PORT.log" 2>&1 &
	SERVER_PID=$!
	on_exit stop_server
	i=0
	while ! curl -s -o /dev/null "$BASE/healthz" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
stop_server() {
	[ -n "${SERVER_PID:-}" ] || return 0
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
}
# login EMAIL PASSWORD JAR: log in, keep the cookie in JAR, print the CSRF token
login() {
	curl -s -c "$3" -H 'Content-Type: application/json' \
		-d "{\"email\":\"$1\",\"password\":\"$2\"}" "$BASE/api/v1/session" |
		sed -n 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/p'
}
# code ARGS...: HTTP status of a curl request
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# req JAR CSRF METHOD PATH [BODY]: sets ST (HTTP status) and R (body)
req() {
	_jar=$1; _csrf=$2; _m=$3; _p=$4; shift 4
	if [ $# -gt 0 ]; then
		curl -s -o "$TMPROOT/r" -w '%{http_code}' -b "$_jar" -H "X-CSRF-Token: $_csrf" \
			-H 'Content-Type: application/json' -X "$_m" --data-binary "$1" "$BASE$_p" >"$TMPROOT/st"
	else
		curl -s -o "$TMPROOT/r" -w '%{http_code}' -b "$_jar" -H "X-CSRF-Token: $_csrf" -X "$_m" "$BASE$_p" >"$TMPROOT/st"
	fi
	ST=$(cat "$TMPROOT/st"); R=$(cat "$TMPROOT/r")
}

# sink DIR PORT [OPTIONS...]: (re)start Postfix's smtp-sink on 127.0.0.1:PORT,
# dumping each mail it accepts into DIR (one file per mail); SINK_PID is set.
# OPTIONS are smtp-sink's (-r/-f/-Q/-q COMMAND for 4xx/5xx/421/drop).
SINK_PID=
sink() {
	stop_sink
	_d=$1; _p=$2; shift 2
	mkdir -p "$_d"
	chmod 777 "$_d"
	# smtp-sink refuses to run as root without a user to drop to
	if [ "$(id -u)" -eq 0 ]; then set -- -u nobody "$@"; fi
	/usr/sbin/smtp-sink "$@" -d "$_d/%H%M%S." 127.0.0.1:"$_p" 10 >/dev/null 2>&1 &
	SINK_PID=$!
	on_exit stop_sink
	_i=0; while ! grep -qi ":$(printf '%04X' "$_p") " /proc/net/tcp && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
}
stop_sink() {
	[ -n "${SINK_PID:-}" ] || return 0
	kill "$SINK_PID" 2>/dev/null
	wait "$SINK_PID" 2>/dev/null
	SINK_PID=
}

# wait_for FILE PATTERN SECONDS: 0 when PATTERN shows up in time
wait_for() {
	_w=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		[ $_w -ge $(($3 * 20)) ] && return 1
		sleep 0.05; _w=$((_w + 1))
	done
}

# A private Postfix instance (config in $PFC, queue in $PFQ): its processes
# (daemons, and the commands pipe(8) runs) work in its queue directory.
in_queue() { for d in /proc/[0-9]*; do [ "$(readlink "$d/cwd" 2>/dev/null)" = "$PFQ" ] && echo "${d#/proc/}"; done; }
# postfix_stop: stop it, and kill whatever of it is left after 5 s
postfix_stop() {
	[ -d "$PFQ/pid" ] || return 0
	postfix -c "$PFC" stop >/dev/null 2>&1
	_t=0
	while [ -n "$(in_queue)" ] && [ $_t -lt 25 ]; do sleep 0.2; _t=$((_t + 1)); done
	for _p in $(in_queue); do kill -9 "$_p" 2>/dev/null; done
}
