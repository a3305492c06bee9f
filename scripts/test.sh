#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh), then runs every test: the simulator's native tests,
# clippy, the wasm32 build of the core, the benchmarks' build, and the web app's browser and
# end-to-end tests (scripts/test-web.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh

echo "== native tests (simulator core, CLI, scenario parser)"
cargo test --locked -p rmq_sim

echo "== the swarm: 2,000 random scenarios, every invariant after every action, rare branches reached (release)"
cargo test --locked --release -p rmq_sim --test swarm -- --nocapture

echo "== clippy"
cargo clippy --locked --workspace --all-targets -- -D warnings

echo "== the core builds for wasm32 (no web dependency, no std::time)"
cargo build --locked -p rmq_sim --lib --target wasm32-unknown-unknown

echo "== the fuzz targets compile on stable (running them needs nightly: see README, Hostile input)"
cargo check --locked --manifest-path fuzz/Cargo.toml


echo "== losslab runs every preset"
for p in $(cargo run -q --locked -p rmq_sim --bin losslab -- presets | awk '{print $1}'); do
  cargo run -q --locked -p rmq_sim --bin losslab -- run --preset "$p" --json > /dev/null
done
if cargo run -q --locked -p rmq_sim --bin losslab -- run --preset no-such-preset 2>/dev/null; then
  echo "losslab accepted an unknown preset" >&2; exit 1
fi

if [ -f scripts/test-web.sh ]; then
  echo "== web app: browser tests and end-to-end tests"
  bash scripts/test-web.sh
fi

echo "== benchmarks run (tiny sizes; no timing is enforced): bash scripts/bench.sh --smoke"
mkdir -p artifacts
bash scripts/bench.sh --smoke > artifacts/bench-smoke.log 2>&1 || { cat artifacts/bench-smoke.log; exit 1; }
echo "== all tests passed"
