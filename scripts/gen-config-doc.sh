#!/bin/sh
# Regenerate docs/configuration.md from the settings table.
set -eu
MADO=${1:-build/mado}
{
	echo "# Configuration"
	echo
	echo "Settings live in the workspace's \`mado.conf\` as \`key = value\` lines."
	echo "Unknown keys and out-of-range values are errors (\`mado config --check\`)."
	echo "This page is generated from the settings table (\`mado config --defaults\`)"
	echo "by \`scripts/gen-config-doc.sh\`; a test checks that it is current."
	echo
	echo "| setting | default | meaning |"
	echo "| --- | --- | --- |"
	"$MADO" config --defaults | awk '
		/^# / { doc = substr($0, 3); next }
		/ = / { k = $1; v = substr($0, index($0, " = ") + 3); printf "| `%s` | `%s` | %s |\n", k, v, doc }'
} > docs/configuration.md
