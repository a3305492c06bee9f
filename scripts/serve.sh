#!/usr/bin/env bash
# Installs what is missing (no browser, mdbook or wasm-pack needed to serve), builds the app (release, offline) and
# serves it on http://127.0.0.1:8080 with Trunk. It opens on the `whole-path` preset (the first run: every station, one power cut).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# npm stays: release builds run binaryen's wasm-opt from node_modules (Trunk.toml hook).
SETUP_SKIP_BROWSER=1 SETUP_SKIP_DOCS=1 SETUP_SKIP_WASM_PACK=1 bash scripts/setup.sh
echo "[serve] building; then open http://127.0.0.1:8080"
export TRUNK_SKIP_VERSION_CHECK=true
exec trunk serve --release --offline --address 127.0.0.1 --port 8080
