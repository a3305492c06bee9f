#!/usr/bin/env python3
"""Trunk post-build hook: moves Trunk's inline bootstrap `<script type="module">` out of index.html.

The page's Content-Security-Policy (the <meta> in index.html) allows scripts from the lab's own
files only ('self', plus 'wasm-unsafe-eval' to compile the wasm) and no inline script. Trunk 0.21
writes its loader (import the wasm-bindgen JS, call init) inline, so this hook writes that loader
to `loader.js` next to index.html and references it with `<script type="module" src=…>`. It fails
the build if index.html keeps any inline script, so a policy that would block the app cannot ship.

The first frame (issue 23 item 2): the page draws a preset's diagram at t = 0 from a small static
fragment before the lab's wasm (www/first-frame.mjs), so the wasm must not be requested before that
frame is drawn. Trunk puts `<link rel="preload">` / `modulepreload` for the lab's JS, snippets and
wasm into index.html, which would fetch them at once, beside (on a fast link, before) the fragment:
this hook takes them out of index.html, and loader.js adds them back and imports the lab once the
frame is painted — at once when no frame applies. index.html gets a `modulepreload` of
first-frame.mjs instead, which loader.js imports, so both come in one round trip.

Run by Trunk (Trunk.toml [[hooks]], stage post_build) with TRUNK_STAGING_DIR and TRUNK_PUBLIC_URL
set; by hand: `python3 scripts/csp-boot.py DIR [PUBLIC_URL]`.
"""
import json
import os
import re
import sys

INLINE = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
PRELOAD = re.compile(r'<link rel="(?:module)?preload"[^>]*>')
ATTR = re.compile(r'([a-z-]+)="([^"]*)"')
TRUNK_IMPORT = re.compile(r"^import init, \* as bindings from '(?P<js>[^']+)';$", re.M)


def defer_lab(html: str, boot: str, public_url: str) -> tuple[str, str]:
    """Moves Trunk's preloads of the lab from index.html into loader.js, after the first frame."""
    links = [dict(ATTR.findall(m.group(0))) for m in PRELOAD.finditer(html)]
    if not links:
        raise SystemExit("csp-boot: Trunk's preloads of the lab were not found in index.html")
    if not any(l.get("href", "").endswith("_bg.wasm") for l in links):
        raise SystemExit("csp-boot: no preload of the lab's wasm in index.html")
    html = PRELOAD.sub("", html)
    tag = f'<script type="module" src="{public_url}loader.js"></script>'
    html = html.replace(tag, f'<link rel="modulepreload" href="{public_url}first-frame.mjs">' + tag)
    m = TRUNK_IMPORT.search(boot)
    if not m:
        raise SystemExit("csp-boot: Trunk's loader has changed: `import init, * as bindings from ...` not found")
    later = (
        f"import {{ pageFirstFrame, preload }} from '{public_url}first-frame.mjs';\n"
        "// The first frame (a preset's diagram at t = 0, a small static fragment) is drawn and painted\n"
        "// before the lab's wasm is requested; at once when none applies. It never throws.\n"
        "await pageFirstFrame();\n"
        f"preload({json.dumps(links)});\n"
        f"const bindings = await import('{m.group('js')}');\n"
        "const init = bindings.default;"
    )
    boot = boot[: m.start()] + later + boot[m.end():]
    return html, boot


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
    return defer_lab(out, "".join(boot), public_url)


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
