#!/bin/sh
# Build the web UI (web/ → web/dist) with npm: `npm ci` when the lock file
# changed since the last install, then typecheck and `vite build`.
# Called by make only when a file under web/ changed (stamp web/dist/.stamp).
# Without npm the build stops here with what to do: there is no committed
# prebuilt bundle (docs/ui.md says why).
set -eu
cd "$(dirname "$0")/../web"
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
	echo "mado: building the web UI (web/) needs Node.js 18+ and npm: run 'make deps' (installs nodejs, npm)" >&2
	exit 1
fi
stamp=node_modules/.mado-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
	echo "  NPM     ci (web/)"
	npm ci --no-audit --no-fund --loglevel=error
	touch "$stamp"
fi
echo "  VITE    web/ → web/dist"
npm run --silent build -- --logLevel warn
touch dist/.stamp
