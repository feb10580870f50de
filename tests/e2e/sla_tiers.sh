#!/bin/sh
# Tiers are data, not a fixed list: a customer and an organisation can get
# any tier name (one line, 1..64 bytes), GET /api/v1/admin/tiers lists the
# tiers in use (customers, organisations, SLA policies) for admins only,
# and an SLA policy for a new tier is saved and governs that tier's
# tickets (the SLA dry run picks it). Bad tiers are refused with the
# reason and change nothing.
. "$(dirname "$0")/lib.sh"
need jq
W=$(new_ws tiers)
MADO_PASSWORD=admin-pass-1 mado -w "$W" user add admin@example.com --role admin >/dev/null
MADO_PASSWORD=super-pass-1 mado -w "$W" user add boss@example.com --role supervisor >/dev/null
MADO_PASSWORD=agent-pass-1 mado -w "$W" user add agent@example.com --role agent >/dev/null
mail 'Hanako <hanako@gold.example.jp>' '請求書の再発行' 'tier1@gold.example.jp' | mado -w "$W" ingest
mail 'Ken <ken@plain.example.jp>' '質問です' 'tier2@plain.example.jp' | mado -w "$W" ingest
T=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='tier1@gold.example.jp'")
T2=$(sql "$W" "SELECT ticket_id FROM messages WHERE message_id='tier2@plain.example.jp'")
C=$(sql "$W" "SELECT id FROM customers WHERE email='hanako@gold.example.jp'")
O=$(sql "$W" "SELECT id FROM organizations WHERE domain='gold.example.jp'")
start_server "$W"
J='Content-Type: application/json'
ADM=$(login admin@example.com admin-pass-1 "$TMPROOT/adm.jar")
SUP=$(login boss@example.com super-pass-1 "$TMPROOT/sup.jar")
AGT=$(login agent@example.com agent-pass-1 "$TMPROOT/agt.jar")
a() { curl -s -b "$TMPROOT/adm.jar" -H "X-CSRF-Token: $ADM" -H "$J" "$@"; }

# refusals: the tier list is the admins'
is "$(code -b "$TMPROOT/agt.jar" "$BASE/api/v1/admin/tiers")" 403 "an agent may not list the tiers"
is "$(code -b "$TMPROOT/sup.jar" "$BASE/api/v1/admin/tiers")" 403 "a supervisor may not list the tiers"
is "$(code "$BASE/api/v1/admin/tiers")" 401 "anonymous: 401"

# a new tier on a customer (agents may) and on an organisation (supervisors)
is "$(code -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H "$J" -X PATCH -d '{"tier":"ゴールド"}' \
	"$BASE/api/v1/customers/$C")" 200 "an agent gives a customer a new tier"
is "$(code -b "$TMPROOT/sup.jar" -H "X-CSRF-Token: $SUP" -H "$J" -X PATCH -d '{"tier":"ゴールド"}' \
	"$BASE/api/v1/organizations/$O")" 200 "a supervisor gives the organisation the same tier"
is "$(a "$BASE/api/v1/admin/tiers" | jq -c '[.tiers[] | [.tier, .customers, .organizations, .policies]]')" \
	'[["standard",1,1,0],["ゴールド",1,1,0]]' "the tiers in use, with their counts"

# an SLA policy for the new tier
r=$(a -d '{"name":"gold urgent-ish","match_tier":"ゴールド","first_response_seconds":1800,"resolution_seconds":14400}' \
	"$BASE/api/v1/admin/sla-policies")
P=$(printf %s "$r" | jq -r .id)
is "$(printf %s "$r" | jq -r .match_tier)" "ゴールド" "a policy for the new tier is saved"
is "$(a "$BASE/api/v1/admin/tiers" | jq -r '.tiers[] | select(.tier == "ゴールド") | .policies')" 1 \
	"…and counted in the tier list"
is "$(a -d '{"name":"tier only of a policy","match_tier":"platinum"}' -o /dev/null -w '%{http_code}' \
	"$BASE/api/v1/admin/sla-policies")" 201 "a tier no customer has yet is accepted (free entry)"
is "$(a "$BASE/api/v1/admin/tiers" | jq -r '[.tiers[].tier] | join(",")')" "platinum,standard,ゴールド" \
	"policies' tiers are listed too"
is "$(a "$BASE/api/v1/admin/sla/dry-run?ticket=$T" | jq -r .policy.name)" "gold urgent-ish" \
	"the gold customer's ticket is under the gold policy"
is "$(a "$BASE/api/v1/admin/sla/dry-run?ticket=$T2" | jq -r .policy)" null "another customer's ticket is not"

# refused tiers, with the reason, changing nothing
r=$(a -X PATCH -d '{"match_tier":"gold\nBcc: x@evil.example"}' "$BASE/api/v1/admin/sla-policies/$P")
is "$(printf %s "$r" | jq -r .error.code)" bad_value "a tier with a line break is refused"
ok "$(printf %s "$r" | jq -r .error.message | grep -q 'match_tier must be a tier name'; echo $?)" "…with the reason"
is "$(code -b "$TMPROOT/adm.jar" -H "X-CSRF-Token: $ADM" -H "$J" -X PATCH -d "{\"match_tier\":\"$(printf 'x%.0s' $(seq 65))\"}" \
	"$BASE/api/v1/admin/sla-policies/$P")" 400 "a tier longer than 64 bytes is refused"
is "$(code -b "$TMPROOT/agt.jar" -H "X-CSRF-Token: $AGT" -H "$J" -X PATCH -d '{"match_tier":"vip"}' \
	"$BASE/api/v1/admin/sla-policies/$P")" 403 "an agent may not edit a policy"
is "$(sql "$W" "SELECT match_tier FROM sla_policies WHERE id=$P")" "ゴールド" "the refused edits changed nothing"
done_testing
