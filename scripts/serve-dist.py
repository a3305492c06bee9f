#!/usr/bin/env python3
"""Serves dist/ like a static host would for embeds: `python3 scripts/serve-dist.py PORT [DIR]`.

Adds `Access-Control-Allow-Origin: *`: a lab in `<iframe sandbox="allow-scripts">` has an opaque
origin, so its module script and wasm fetches are cross-origin and need it (GitHub Pages sends it
too). Also serves `.mjs` and `.wasm` with JavaScript / wasm MIME types.
"""
import functools
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm"}

    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, *args):
        pass


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    directory = sys.argv[2] if len(sys.argv) > 2 else "dist"
    handler = functools.partial(Handler, directory=directory)
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        httpd.serve_forever()


if __name__ == "__main__":
    main()
