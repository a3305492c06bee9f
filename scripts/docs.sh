#!/usr/bin/env bash
# Builds the guide (mdBook, English and Chinese) with the lab inside it:
#
#   target/site/index.html   language choice
#   target/site/en/, zh/     the two books; chapters embed the lab as ../lab/…
#   target/site/lab/         the lab (trunk build), with losslab.mjs, embed/, the worker
#
# Every link between them is relative, so target/site can be published under any base path
# (https://example.com/, https://example.com/docs/rocketmq/, …) without rebuilding.
# Serve it locally with: python3 scripts/serve-dist.py 8000 target/site
# Assumes scripts/setup.sh installed trunk and mdbook; offline throughout.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
OUT="${1:-target/site}"

say() { printf '[docs] %s\n' "$*"; }

rm -rf "$OUT"
mkdir -p "$OUT"
say "the lab → $OUT/lab (trunk build --release, relative URLs)"
trunk build --release --offline --public-url ./ --dist "$OUT/lab"
for lang in en zh; do
  say "the $lang book → $OUT/$lang"
  mdbook build "guide/$lang" -d "$(pwd)/$OUT/$lang"
done
cp guide/index.html "$OUT/index.html"
say "done: python3 scripts/serve-dist.py 8000 $OUT, then http://127.0.0.1:8000/"
