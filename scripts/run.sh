#!/bin/sh
# `make run`: create the local workspace with demo mail if none exists,
# then show what came in and how to use it.
set -eu
MADO=${1:-build/mado}
WS=${MADO_HOME:-./var}
if [ ! -f "$WS/mado.db" ]; then
	"$MADO" init "$WS"
	make --no-print-directory build/bench/gen_mail >/dev/null
	demo=$(mktemp -d)
	build/bench/gen_mail --maildir "$demo" --count 300 --seed 7
	"$MADO" --workspace "$WS" import --maildir "$demo"
	rm -rf "$demo"
fi
"$MADO" --workspace "$WS" ticket list --limit 15
echo
"$MADO" --workspace "$WS" run
echo
echo "The HTTP API and web UI (mado serve on http://127.0.0.1:8080) are not built yet;"
echo "until then, tickets are read with the commands above."
