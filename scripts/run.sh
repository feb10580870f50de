#!/bin/sh
# `make run`: create the local workspace with demo data if none exists,
# then serve the API on http://127.0.0.1:8080 and print how to log in.
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
	MADO_PASSWORD=mado-demo-admin "$MADO" --workspace "$WS" user add admin@demo.mado \
		--name "Demo Admin" --role admin --group Support
	MADO_PASSWORD=mado-demo-agent "$MADO" --workspace "$WS" user add agent@demo.mado \
		--name "Demo Agent" --role agent --group Support
	sqlite3 "$WS/mado.db" "UPDATE tickets SET group_id = (SELECT id FROM groups WHERE name = 'Support')" 2>/dev/null || true
fi
cat <<MSG

Mado is starting on http://127.0.0.1:8080 (workspace $WS).
Log in to the API as admin@demo.mado / mado-demo-admin (or agent@demo.mado / mado-demo-agent):

  curl -c jar -H 'Content-Type: application/json' \\
       -d '{"email":"admin@demo.mado","password":"mado-demo-admin"}' http://127.0.0.1:8080/api/v1/session
  curl -b jar http://127.0.0.1:8080/api/v1/tickets

The web UI is not built yet (its own issue); the API is described in docs/api.md.
Tickets from the command line: $MADO --workspace $WS ticket list
Stop with Ctrl-C.

MSG
exec "$MADO" --workspace "$WS" serve --listen 127.0.0.1:8080
