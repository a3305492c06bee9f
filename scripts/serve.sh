#!/usr/bin/env bash
# Installs what is missing (no browser, mdbook or wasm-pack needed to serve), builds the app (release, offline) and
# serves dist/ on http://127.0.0.1:8080. It opens on the `whole-path` preset (the first run: every station, one power cut).
#
#   bash scripts/serve.sh [--port N] [--no-build]
#
# It serves the release build with scripts/serve-dist.py, as the end-to-end tests do. `trunk serve` would inject an
# inline auto-reload script, which the page's Content-Security-Policy forbids (scripts/csp-boot.py fails that build,
# and Trunk then serves nothing). After an edit, run the command again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
port=8080
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="${2:?--port takes a number}"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "serve.sh: unknown argument '$1' (takes --port N and --no-build)" >&2; exit 2 ;;
  esac
done
if [ "$build" = 1 ]; then
  # npm stays: release builds run binaryen's wasm-opt from node_modules (Trunk.toml hook).
  SETUP_SKIP_BROWSER=1 SETUP_SKIP_DOCS=1 SETUP_SKIP_WASM_PACK=1 bash scripts/setup.sh
  echo "[serve] building (release); then open http://127.0.0.1:$port"
  TRUNK_SKIP_VERSION_CHECK=true trunk build --release --offline
fi
[ -f dist/index.html ] || { echo "serve.sh: dist/index.html is missing: run without --no-build" >&2; exit 1; }
echo "[serve] serving dist/ on http://127.0.0.1:$port (Ctrl-C stops it)"
exec python3 scripts/serve-dist.py "$port" dist
