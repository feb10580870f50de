#!/bin/sh
# The trigger dry run (POST /api/v1/rules/test) simulates the actions: it
# shows the field changes, tags, notes, notifications, mails and webhooks
# the triggers would produce on a ticket, a later trigger reacting to what
# an earlier one set, and writes nothing: every table of the database is
# the same before and after. An unsaved rule can be tried alone; agents
# are refused.
. "$(dirname "$0")/lib.sh"
W=$(new_ws tdry)
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --role admin >/dev/null
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add agent@example.com --role agent >/dev/null
mail 'Taro <taro@example.co.jp>' 'ログインできません' 'dry1@example.co.jp' | mado -w "$W" ingest
T=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='dry1@example.co.jp'")
start_server "$W"
ADM=$(login admin@example.com admin-pass-1 "$TMPROOT/adm.jar")
AGT=$(login agent@example.com agent-pass-1 "$TMPROOT/agt.jar")
J='Content-Type: application/json'
a() { curl -s -b "$TMPROOT/adm.jar" -H "X-CSRF-Token: $ADM" -H "$J" "$@"; }
rule() { a -d "{\"kind\":\"trigger\",\"name\":\"$1\",\"rule\":$2}" "$BASE/api/v1/rules" >/dev/null; }
rule "login trouble" '{"if":{"field":"subject","op":"contains","value":"ログイン"},"then":[
 {"set":{"priority":"high"}},{"add_tags":["login"]},{"note":"ログイン障害の可能性"},
 {"notify":{"agents":["agent@example.com"],"message":"ログインの問い合わせ"}},
 {"webhook":"http://127.0.0.1:9/hook"},
 {"mail":{"subject":"受付しました #{{number}}","body":"「{{subject}}」を受け付けました。"}}]}'
rule "tagged login → incident" '{"if":{"field":"tags","value":"login"},"then":[{"set":{"type":"incident"}}]}'
rule "never" '{"if":{"field":"subject","value":"nothing like this"},"then":[{"note":"no"}]}'

# every table but the sessions (a request touches its session)
snapshot() {
	for t in $(sql "$W" "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '%session%' AND name NOT LIKE 'sqlite_%' ORDER BY name"); do
		echo "== $t"; sql "$W" "SELECT * FROM \"$t\""
	done | sha256sum
}
BEFORE=$(snapshot)
is "$(code -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H "$J" -d "{\"ticket\":$T}" "$BASE/api/v1/rules/test")" 403 \
	"an agent may not dry-run rules"
R=$(a -d "{\"ticket\":$T}" "$BASE/api/v1/rules/test")
S=$(printf %s "$R" | jq -c .simulation)
is "$(printf %s "$S" | jq -r '[.fired[].by] | join(" ")')" "$(printf 'rule:%s rule:%s' \
	"$(sql "$W" "SELECT id FROM triage_rules WHERE name='login trouble'")" \
	"$(sql "$W" "SELECT id FROM triage_rules WHERE name='tagged login → incident'")")" \
	"both triggers would fire, the second on the tag the first adds"
is "$(printf %s "$S" | jq -r '[.changes[] | select(.kind == "field") | "\(.field):\(.old // "")→\(.new // "")"] | join(" ")')" \
	"priority:normal→high tags:→login type:question→incident" "the field changes, in order"
is "$(printf %s "$S" | jq -r '.notes[0].text')" "ログイン障害の可能性" "the note"
is "$(printf %s "$S" | jq -r '.notifications[0].agent')" "agent@example.com" "the notification"
is "$(printf %s "$S" | jq -r '.mails[0].subject')" "受付しました #$T [#$T]" "the mail's subject, rendered"
is "$(printf %s "$S" | jq -r '.mails[0].to[0].email')" "taro@example.co.jp" "…to the requester"
is "$(printf %s "$S" | jq -r '.mails[0].body')" "「ログインできません」を受け付けました。" "…and its body"
is "$(printf %s "$S" | jq -r '.webhooks[0].url + " " + (.webhooks[0].body.ticket.number|tostring)')" \
	"http://127.0.0.1:9/hook $T" "the webhook and its body"
is "$(printf %s "$S" | jq -r .capped)" false "not capped"
is "$(snapshot)" "$BEFORE" "the dry run wrote nothing (every table the same)"
is "$(sql "$W" "SELECT priority || ' ' || type FROM tickets WHERE id=$T")" "normal question" "the ticket is as it was"
is "$(sql "$W" "SELECT count(*) FROM webhook_queue") $(sql "$W" "SELECT count(*) FROM notifications")" "0 0" \
	"no webhook queued, no notification"

# an unsaved rule, alone
R=$(a -d "{\"ticket\":$T,\"kind\":\"trigger\",\"rule\":{\"then\":[{\"add_tags\":[\"vip\"]},{\"group\":\"nowhere\"}]}}" "$BASE/api/v1/rules/test")
is "$(printf %s "$R" | jq -c '[(.simulation.fired | length), [.simulation.changes[] | .new]]')" \
	'[1,["vip","group: no such group"]]' "an unsaved rule is simulated alone, with what it could not do"
# each condition alone: which of the rule's conditions hold, by their place in the rule
R=$(a -d "{\"ticket\":$T,\"kind\":\"trigger\",\"rule\":{\"if\":{\"all\":[{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"ログイン\"},
 {\"any\":[{\"field\":\"priority\",\"value\":\"urgent\"},{\"not\":{\"field\":\"status\",\"value\":\"closed\"}}]}]},\"then\":[{\"note\":\"x\"}]}}" \
	"$BASE/api/v1/rules/test")
is "$(printf %s "$R" | jq -r '[.rules[0].conditions[] | "\(.path)=\(.matched)"] | join(" ")')" \
	"/if/all/0=true /if/all/1/any/0=false /if/all/1/any/1/not=false" "each leaf condition, with whether it holds alone"
is "$(printf %s "$R" | jq -r '.rules[0].conditions[0].why.ja + " | " + (.rules[0].conditions[1].why|tostring)')" \
	"件名に「ログイン」 | null" "…and why, for those that hold"
is "$(printf %s "$R" | jq -r '.rules[0].matches')" true "the rule matches (not closed)"
R=$(a -d "{\"ticket\":$T,\"kind\":\"trigger\",\"rule\":{\"then\":[{\"note\":\"x\"}]}}" "$BASE/api/v1/rules/test")
is "$(printf %s "$R" | jq -c '.rules[0].conditions')" "[]" "a rule without conditions has none to show"
R=$(a -d "{\"ticket\":$T,\"kind\":\"priority\"}" "$BASE/api/v1/rules/test")
is "$(printf %s "$R" | jq -r 'has("simulation")')" false "no simulation when only priority rules are tried"
R=$(a -d "{\"ticket\":$T,\"event\":\"updated\"}" "$BASE/api/v1/rules/test")
is "$(printf %s "$R" | jq -r '.simulation.fired | length')" 0 "nothing fires on an event the triggers do not run on"
is "$(snapshot)" "$BEFORE" "still nothing written"
done_testing
