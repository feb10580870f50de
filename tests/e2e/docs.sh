#!/bin/sh
# The documentation states what the binary does: every setting is in
# docs/configuration.md with its default, and every command has --help.
. "$(dirname "$0")/lib.sh"
mado config --defaults | grep ' = ' | while IFS= read -r line; do
	k=${line%% = *}; v=${line#* = }
	grep -qF "| \`$k\` | \`$v\` |" "$MADO_ROOT/docs/configuration.md" || echo "missing: $k = $v"
done > "$TMPROOT/missing"
is "$(cat "$TMPROOT/missing")" "" "docs/configuration.md lists every setting with its default"
for c in init ingest import ticket config run outbox automations webhooks; do
	mado "$c" --help >"$TMPROOT/help" 2>&1
	ok "$(test $? -eq 0 && grep -q usage "$TMPROOT/help"; echo $?)" "mado $c --help"
done
mado >/dev/null 2>&1
is "$?" 64 "mado without a command: usage, exit 64"
mado frobnicate >/dev/null 2>&1
is "$?" 64 "unknown command: exit 64"
done_testing
