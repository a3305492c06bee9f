// Trunk post-build hook (Trunk.toml), after scripts/wasm-opt.mjs: minifies the bundle's JS glue
// (wasm-bindgen's losslab-web.js) and style.css with esbuild from npm (a registry package with
// its platform binary: nothing is downloaded at build time). Release builds only. Measured on
// 2026-12-01: JS 12.1 → 8.3 KB gzip, CSS 8.4 → 7.0 KB gzip (issue 11, the 250 KB bundle budget).
// Only whitespace, comments and local names change: the module's exports, the wasm's import
// names (object keys) and every CSS selector stay as they are.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repointIntegrity } from './lib/integrity.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const staging = process.env.TRUNK_STAGING_DIR;
const profile = process.env.TRUNK_PROFILE || 'debug';
if (!staging) {
  console.error('minify.mjs: run by Trunk as a post_build hook (TRUNK_STAGING_DIR is not set)');
  process.exit(2);
}
if (profile !== 'release') {
  console.log(`minify.mjs: ${profile} build, JS and CSS left as built`);
  process.exit(0);
}
if (!existsSync(join(root, 'node_modules', 'esbuild'))) {
  console.error('minify.mjs: node_modules/esbuild is missing: run scripts/setup.sh (npm ci installs it)');
  process.exit(1);
}
const { transformSync } = await import('esbuild');

// first-frame.mjs: the page's loader imports it before the first diagram (issue 23 item 2), so its
// bytes are part of that figure; its exports keep their names.
for (const [name, loader] of [['losslab-web.js', 'js'], ['losslab-extras.js', 'js'], ['style.css', 'css'], ['first-frame.mjs', 'js']]) {
  const file = join(staging, name);
  if (!existsSync(file)) {
    console.error(`minify.mjs: ${name} is missing from the build`);
    process.exit(1);
  }
  const before = readFileSync(file);
  const { code } = transformSync(before.toString('utf8'), { loader, minify: true, target: 'es2020', legalComments: 'none' });
  const after = Buffer.from(code, 'utf8');
  writeFileSync(file, after);
  repointIntegrity(staging, before, after);
  console.log(`minify.mjs: ${name} ${before.length} → ${after.length} bytes`);
}
