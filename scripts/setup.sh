#!/usr/bin/env bash
# Installs what the build and the tests need, skipping whatever is already there at the right version.
# Everything comes from crates.io, Debian packages or npm: nothing downloads a prebuilt binary from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen = "=…"` pin in Cargo.toml
TRUNK_VERSION=0.21.14          # 0.22 needs a newer rustc than these machines have
MDBOOK_VERSION=0.5.4           # the guide (guide/, scripts/docs.sh)
WASM_PACK_VERSION=0.15.1       # runs the browser tests with Debian's chromedriver
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '[setup] %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "${SETUP_SKIP_BROWSER:-}" != 1 ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q chromium chromium-driver
  fi
  # A CJK font, so headless Chromium draws the Chinese UI (and its screenshots) instead of tofu
  # boxes. The page itself never fetches a web font.
  if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    say "installing Debian's fonts-wqy-microhei (Chinese glyphs for headless Chromium)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q fonts-wqy-microhei
  fi
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION from crates.io (a few minutes, once)"
  # Not --locked: its lock file pins a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ "${SETUP_SKIP_TRUNK:-}" != 1 ]; then
  if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION from crates.io (about 11 minutes, once)"
    cargo install --locked trunk --version "$TRUNK_VERSION" --force
  fi
fi

if [ "${SETUP_SKIP_DOCS:-}" != 1 ]; then
  if [ "$(mdbook --version 2>/dev/null || true)" != "mdbook v$MDBOOK_VERSION" ]; then
    say "installing mdbook $MDBOOK_VERSION from crates.io (about 4 minutes, once)"
    cargo install --locked mdbook --version "$MDBOOK_VERSION" --force
  fi
fi

if [ "${SETUP_SKIP_WASM_PACK:-}" != 1 ]; then
  if [ "$(wasm-pack --version 2>/dev/null || true)" != "wasm-pack $WASM_PACK_VERSION" ]; then
    say "installing wasm-pack $WASM_PACK_VERSION from crates.io (about 4 minutes, once)"
    cargo install --locked wasm-pack --version "$WASM_PACK_VERSION" --force
  fi
fi

if [ -f package.json ] && [ "${SETUP_SKIP_NPM:-}" != 1 ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ] || [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/esbuild ]; then
    say "installing npm packages (playwright-core, axe-core, binaryen's wasm-opt and esbuild for release builds)"
    npm ci --no-audit --no-fund 2>/dev/null || npm install --no-audit --no-fund
  fi
fi
say "ready"
