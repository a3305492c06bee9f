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
# The output folder: an argument is taken relative to the caller's folder (an absolute one as is),
# the default is target/site in the repository. Made absolute before the cd below, so that
# `scripts/docs.sh /tmp/site` writes to /tmp/site and not to ./tmp/site inside the repository.
CALLER_DIR="$(pwd)"
cd "$(dirname "$0")/.."
REPO_DIR="$(pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
case "${1:-}" in
  "") OUT="$REPO_DIR/target/site" ;;
  /*) OUT="$1" ;;
  *) OUT="$CALLER_DIR/$1" ;;
esac
OUT="${OUT%/}"
# The folder is emptied first: refuse the places where that would destroy something else.
case "$OUT" in
  ""|/|"$HOME"|"$REPO_DIR"|"$CALLER_DIR") echo "docs.sh: refusing to build into $OUT/ (it is emptied first)" >&2; exit 2 ;;
esac

say() { printf '[docs] %s\n' "$*"; }

rm -rf "$OUT"
mkdir -p "$OUT"
say "the lab → $OUT/lab (trunk build --release, relative URLs)"
trunk build --release --offline --public-url ./ --dist "$OUT/lab"
for lang in en zh; do
  say "the $lang book → $OUT/$lang"
  mdbook build "guide/$lang" -d "$OUT/$lang"
done
cp guide/index.html "$OUT/index.html"
say "done: python3 scripts/serve-dist.py 8000 $OUT, then http://127.0.0.1:8000/"
