#!/usr/bin/env bash
# Builds the app (release, offline) and serves it on http://127.0.0.1:8080 with Trunk.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target-web}"
export TRUNK_SKIP_VERSION_CHECK=true
exec trunk serve --release --offline --address 127.0.0.1 --port 8080
