#!/bin/sh
# The mailbox settings over HTTP (GET /api/v1/admin/mailbox): an admin
# reads what mado.conf says; agents, light agents and anonymous callers
# are refused, and there is no way to write them.
. "$(dirname "$0")/lib.sh"
need jq
W=$(new_ws mbox)
cat >>"$W/mado.conf" <<'CONF'
outbox.in_serve = false
mailbox.addresses = help@example.co.jp, sales@example.co.jp
mailbox.from_name = Example サポート
mailbox.charset = iso-2022-jp
CONF
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --name Admin --role admin >/dev/null
MADO_PASSWORD=super-pass-1 mado -w "$W" user add sup@example.com --name Sue --role supervisor >/dev/null
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add agent@example.com --name Ann --role agent >/dev/null
start_server "$W"
A=$TMPROOT/a.jar; S=$TMPROOT/s.jar; G=$TMPROOT/g.jar
ACS=$(login admin@example.com admin-pass-1 "$A"); SCS=$(login sup@example.com super-pass-1 "$S")
GCS=$(login agent@example.com agent-pass-1 "$G")
get() { req "$1" "$2" GET /api/v1/admin/mailbox; }

get "$A" "$ACS"
is "$ST" 200 "an admin reads the mailbox settings"
is "$(printf '%s' "$R" | jq -c .addresses)" '["help@example.co.jp","sales@example.co.jp"]' "…the addresses of mado.conf, in order"
is "$(printf '%s' "$R" | jq -r .reply_address)" help@example.co.jp "…the first is the reply address"
is "$(printf '%s' "$R" | jq -r .from_name)" "Example サポート" "…the sender name"
is "$(printf '%s' "$R" | jq -r .charset)" iso-2022-jp "…the charset"
get "$S" "$SCS"; is "$ST" 403 "a supervisor is refused"
get "$G" "$GCS"; is "$ST" 403 "an agent is refused"
is "$(code "$BASE/api/v1/admin/mailbox")" 401 "anonymous: 401"
is "$(code -b "$A" -H "X-CSRF-Token: $ACS" -X PATCH -H 'Content-Type: application/json' -d '{"from_name":"x"}' "$BASE/api/v1/admin/mailbox")" 405 "there is no write"
done_testing
