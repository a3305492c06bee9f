#!/usr/bin/env python3
"""Trunk post-build hook: moves Trunk's inline bootstrap `<script type="module">` out of index.html.

The page's Content-Security-Policy (the <meta> in index.html) allows scripts from the lab's own
files only ('self', plus 'wasm-unsafe-eval' to compile the wasm) and no inline script. Trunk 0.21
writes its loader (import the wasm-bindgen JS, call init) inline, so this hook writes that loader
to `loader.js` next to index.html and references it with `<script type="module" src=…>`. It fails
the build if index.html keeps any inline script, so a policy that would block the app cannot ship.

Run by Trunk (Trunk.toml [[hooks]], stage post_build) with TRUNK_STAGING_DIR and TRUNK_PUBLIC_URL
set; by hand: `python3 scripts/csp-boot.py DIR [PUBLIC_URL]`.
"""
import os
import re
import sys

INLINE = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)


def externalize(html: str, public_url: str) -> tuple[str, str]:
    boot = []

    def repl(m: re.Match) -> str:
        attrs = m.group("attrs")
        if "src=" in attrs:
            return m.group(0)
        if 'type="module"' not in attrs:
            raise SystemExit(f"csp-boot: an inline non-module script in index.html: {m.group(0)[:80]}")
        boot.append(m.group("body").strip() + "\n")
        return f'<script type="module" src="{public_url}loader.js"></script>'

    out = INLINE.sub(repl, html)
    if not boot:
        raise SystemExit("csp-boot: Trunk's inline loader was not found in index.html")
    if any("src=" not in m.group("attrs") for m in INLINE.finditer(out)):
        raise SystemExit("csp-boot: index.html still has an inline script")
    return out, "".join(boot)


def main() -> None:
    staging = sys.argv[1] if len(sys.argv) > 1 else os.environ["TRUNK_STAGING_DIR"]
    public_url = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("TRUNK_PUBLIC_URL", "/")
    if not public_url.endswith("/"):
        public_url += "/"
    index = os.path.join(staging, "index.html")
    with open(index, encoding="utf-8") as f:
        html = f.read()
    html, boot = externalize(html, public_url)
    with open(os.path.join(staging, "loader.js"), "w", encoding="utf-8") as f:
        f.write("// Trunk's loader, moved out of index.html by scripts/csp-boot.py (no inline script under the CSP).\n")
        f.write(boot)
    with open(index, "w", encoding="utf-8") as f:
        f.write(html)


if __name__ == "__main__":
    main()
