// The release bundle's size: wasm + JS + CSS of dist/, gzip-compressed (level 9), against the
// budget. `node scripts/size-check.mjs [DIST]` fails (exit 1) when the bundle passes its ceiling
// by more than 10%; scripts/test.sh runs it after the release build. scripts/bench.mjs imports it.
//
// The ceiling is the 250 KB budget once the bundle fits it. Until then it is the size measured
// when the check was added (CEILING_BYTES, a ratchet: lower it as cuts land, never raise it), so
// the check stops growth without failing every CI run; BENCHMARKS.md shows the budget miss.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const BUNDLE_BUDGET_BYTES = 250 * 1024;
/** Today's ceiling (533 KB measured with wasm-opt on, main of 2026-12-01 21:03, after the sweep view landed); the budget once it fits. */
export const CEILING_BYTES = 533 * 1024;
export const BUNDLE_FILES = ['losslab-web_bg.wasm', 'losslab-web.js', 'style.css'];

export const gzipSize = buf => gzipSync(buf, { level: 9 }).length;

/** { files: {name: {bytes, gzip}}, gzip, bytes } of the bundle in `dist`. */
export function bundleSize(dist) {
  const files = {};
  let gzip = 0;
  let bytes = 0;
  for (const name of BUNDLE_FILES) {
    const p = join(dist, name);
    if (!existsSync(p)) throw new Error(`${p} is missing: build first (trunk build --release --offline)`);
    const buf = readFileSync(p);
    files[name] = { bytes: buf.length, gzip: gzipSize(buf) };
    gzip += files[name].gzip;
    bytes += buf.length;
  }
  return { files, gzip, bytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2] || 'dist';
  const s = bundleSize(dist);
  const kb = n => `${(n / 1024).toFixed(1)} KB`;
  const parts = Object.entries(s.files).map(([n, f]) => `${n} ${kb(f.gzip)}`).join(', ');
  const ceiling = Math.max(BUNDLE_BUDGET_BYTES, CEILING_BYTES);
  const limit = ceiling * 1.1;
  console.log(`bundle: ${kb(s.gzip)} gzip (${parts}); budget ${kb(BUNDLE_BUDGET_BYTES)}, ceiling ${kb(ceiling)}, fails above ${kb(limit)}`);
  if (s.gzip > limit) {
    console.error(`size check failed: the bundle is ${kb(s.gzip)} gzip, more than 10% over its ${kb(ceiling)} ceiling (budget ${kb(BUNDLE_BUDGET_BYTES)})`);
    process.exit(1);
  }
}
