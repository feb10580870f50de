#!/bin/sh
# `make run`: create the local workspace with demo data if none exists,
# then serve the web UI and the API on http://127.0.0.1:8080 and print how
# to log in.
set -eu
MADO=${1:-build/mado}
WS=${MADO_HOME:-./var}
if [ ! -f "$WS/mado.db" ]; then
	"$MADO" init "$WS"
	make --no-print-directory build/bench/gen_mail >/dev/null
	demo=$(mktemp -d)
	build/bench/gen_mail --maildir "$demo" --count 400 --seed 7
	"$MADO" --workspace "$WS" import --maildir "$demo"
	rm -rf "$demo"
	MADO_PASSWORD=mado-demo-admin "$MADO" --workspace "$WS" user add admin@demo.mado \
		--name "Demo Admin" --role admin --group Support
	MADO_PASSWORD=mado-demo-agent "$MADO" --workspace "$WS" user add agent@demo.mado \
		--name "Demo Agent" --role agent --group Support
	MADO_PASSWORD=mado-demo-agent "$MADO" --workspace "$WS" user add yamada@demo.mado \
		--name "山田 太郎" --role agent --group Support
	# A queue that looks worked on: statuses, priorities, types, assignees
	# and tags spread by ticket number (deterministic), a VIP organisation.
	sqlite3 "$WS/mado.db" <<'SQL' 2>/dev/null || true
UPDATE tickets SET group_id = (SELECT id FROM groups WHERE name = 'Support');
UPDATE tickets SET
  status = CASE id % 10 WHEN 0 THEN 'pending' WHEN 1 THEN 'open' WHEN 2 THEN 'open' WHEN 3 THEN 'resolved'
                         WHEN 4 THEN 'closed' WHEN 5 THEN 'on-hold' ELSE status END,
  priority = CASE id % 13 WHEN 0 THEN 'urgent' WHEN 1 THEN 'high' WHEN 2 THEN 'high' WHEN 3 THEN 'low' ELSE priority END,
  type = CASE id % 7 WHEN 0 THEN 'incident' WHEN 1 THEN 'problem' WHEN 2 THEN 'request' ELSE type END,
  assignee_id = CASE id % 4 WHEN 0 THEN NULL
                ELSE (SELECT a.id FROM agents a WHERE a.email = CASE tickets.id % 4 WHEN 1 THEN 'agent@demo.mado'
                      WHEN 2 THEN 'yamada@demo.mado' ELSE 'admin@demo.mado' END) END;
INSERT OR IGNORE INTO ticket_tags(ticket_id, tag)
  SELECT id, CASE id % 5 WHEN 0 THEN 'billing' WHEN 1 THEN 'login' WHEN 2 THEN 'shipping' ELSE 'vip' END
  FROM tickets WHERE id % 3 = 0;
UPDATE organizations SET tier = 'vip' WHERE domain LIKE '%.co.jp' AND id = (SELECT min(id) FROM organizations WHERE domain LIKE '%.co.jp');
SQL
fi
cat <<MSG

Mado is running: open http://127.0.0.1:8080/ (workspace $WS)

Demo logins for the web UI (and the API):
  admin@demo.mado  / mado-demo-admin   (admin)
  agent@demo.mado  / mado-demo-agent   (agent)
  yamada@demo.mado / mado-demo-agent   (agent; set 日本語 in the profile, or use a Japanese browser)

Press ? in the UI for keyboard shortcuts. The API is described in docs/api.md:
  curl -c jar -H 'Content-Type: application/json' \\
       -d '{"email":"admin@demo.mado","password":"mado-demo-admin"}' http://127.0.0.1:8080/api/v1/session
  curl -b jar http://127.0.0.1:8080/api/v1/tickets
Tickets from the command line: $MADO --workspace $WS ticket list
Stop with Ctrl-C.

MSG
exec "$MADO" --workspace "$WS" serve --listen 127.0.0.1:8080
