#!/usr/bin/env bash
# Runs the web app's tests: native unit tests, wasm-bindgen tests in headless Chromium (through
# wasm-pack, with Debian's chromedriver and the installed wasm-bindgen: nothing is downloaded), a
# release Trunk build, the guide (scripts/docs.sh), and the end-to-end tests against dist/ and
# target/site on free local ports. Offline throughout; assumes scripts/setup.sh installed the tools.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export TRUNK_SKIP_VERSION_CHECK=true

say() { printf '\n[test-web] %s\n' "$*"; }

say "native unit tests (layout, playback, toml editing, shared digest)"
cargo test -p losslab-web

say "wasm-bindgen browser tests (wasm-pack, headless Chromium)"
# --mode no-install: use the wasm-bindgen on PATH (the Cargo.toml pin), never download one.
wasm-pack test --mode no-install --headless --chrome --chromedriver "$CHROMEDRIVER"

say "trunk build --release (offline; wasm-opt from npm in the post-build hook)"
trunk build --release --offline

say "release bundle size (gzip wasm + JS + CSS against its ceiling: scripts/size-check.mjs)"
node scripts/size-check.mjs dist

say "the README's serve command serves this build (scripts/serve.sh --no-build)"
# The serve command once ran `trunk serve`, whose injected auto-reload script the CSP hook refused: it
# served nothing. This starts it on the build above and waits for the lab's page and loader.
serve_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
bash scripts/serve.sh --no-build --port "$serve_port" >/dev/null 2>&1 &
serve_pid=$!
served=0
for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:$serve_port/" | grep -q 'loader.js' && curl -fs -o /dev/null "http://127.0.0.1:$serve_port/loader.js"; then served=1; break; fi
  sleep 0.1
done
kill "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
[ "$served" = 1 ] || { echo "scripts/serve.sh --no-build served no lab on port $serve_port" >&2; exit 1; }

say "the guide with the lab inside it (scripts/docs.sh → target/site)"
# An absolute output path, as a user would pass one: the guide e2e test below reads target/site, so
# a docs.sh that wrote it anywhere else (it once wrote into ./$PWD/… inside the repo) fails there.
if bash scripts/docs.sh / 2>/dev/null; then echo "docs.sh accepted / as its output folder" >&2; exit 1; fi
bash scripts/docs.sh "$PWD/target/site"
[ ! -e "./$PWD" ] || { echo "docs.sh wrote into ./$PWD inside the repository" >&2; exit 1; }

say "end-to-end tests (playwright-core + Debian chromium)"
[ -d node_modules/playwright-core ] || { echo "run scripts/setup.sh first (npm ci)"; exit 1; }
. scripts/lib/serve-dist.sh
serve_dist dist
mkdir -p artifacts
# --test-timeout bounds each test file's whole run as well as tests without their own `timeout`:
# digests.test.mjs loads the page once per preset (31 and growing, each a fresh wasm compile), which
# took over 180 s on a loaded 2-core machine; each test still declares its own, tighter bound.
BASE_URL="http://127.0.0.1:$PORT/" node --test --test-timeout=900000 tests/e2e/
say "all web tests passed; screenshots in artifacts/"
