#!/usr/bin/env bash
# Runs every benchmark and writes BENCHMARKS.md: each figure, its budget, its baseline measured in
# the same run, and the ratio (a figure that misses its budget says why, and the plan).
#
#   bash scripts/bench.sh           # full sizes (10^4..10^6 messages; 100..5,000 in flight): ~10 min
#   bash scripts/bench.sh --smoke   # tiny sizes into artifacts/bench/ only: CI runs it so the
#                                   # benchmarks cannot rot; it enforces no timing
#
# Native core: sim/benches/simulate.rs. Browser (headless Chromium): scripts/bench.mjs against the
# release build (dist/bench.html, the lab, dist/bench-static.html). Assumes scripts/setup.sh ran.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

SMOKE=()
case "${1:-}" in
  --smoke) SMOKE=(--smoke) ;;
  "") ;;
  *) echo "usage: bash scripts/bench.sh [--smoke]" >&2; exit 2 ;;
esac
OUT=artifacts/bench
mkdir -p "$OUT"

echo "== core, native (cargo bench -p rmq_sim --bench simulate)"
cargo bench --locked -p rmq_sim --bench simulate -- "${SMOKE[@]}" --json "$PWD/$OUT/native.json"

# The smoke reuses a release build when there is one (scripts/test-web.sh just made it).
if [ ${#SMOKE[@]} -eq 0 ] || [ ! -f dist/bench.html ]; then
  echo "== release build (trunk build --release: wasm-opt runs in its post-build hook)"
  trunk build --release --offline
fi

echo "== browser: load, core as wasm, rendering (headless Chromium)"
[ -d node_modules/playwright-core ] || { echo "run scripts/setup.sh first (npm ci)" >&2; exit 1; }
. scripts/lib/serve-dist.sh
serve_dist dist
node scripts/bench.mjs "${SMOKE[@]}" --base "http://127.0.0.1:$PORT/" --native "$OUT/native.json" --out "$OUT"
