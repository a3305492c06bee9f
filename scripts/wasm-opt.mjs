// Trunk post-build hook (Trunk.toml): shrinks the app's wasm with binaryen's wasm-opt from npm
// (a wasm build of binaryen that runs on Node: nothing is downloaded at build time), so that
// `trunk build --release` stays one command. Debug builds are left alone (fast rebuilds).
//
// Trunk has already written index.html with a subresource-integrity hash of the wasm it
// preloads; the hash is re-pointed here (scripts/lib/integrity.mjs), or the browser would refuse it.
//
// Flags: the wasm features rustc 1.95 emits for wasm32-unknown-unknown (measured in
// /work/shared/toolchain.md), and -Oz. The size before and after is recorded in
// target/wasm-opt/sizes.json for the benchmarks (scripts/bench.sh) to show beside each other.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { repointIntegrity } from './lib/integrity.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const staging = process.env.TRUNK_STAGING_DIR;
const profile = process.env.TRUNK_PROFILE || 'debug';
if (!staging) {
  console.error('wasm-opt.mjs: run by Trunk as a post_build hook (TRUNK_STAGING_DIR is not set)');
  process.exit(2);
}
if (profile !== 'release') {
  console.log(`wasm-opt.mjs: ${profile} build, wasm left as built`);
  process.exit(0);
}
const bin = join(root, 'node_modules', '.bin', 'wasm-opt');
if (!existsSync(bin)) {
  console.error('wasm-opt.mjs: node_modules/.bin/wasm-opt is missing: run scripts/setup.sh (npm ci installs binaryen)');
  process.exit(1);
}

const FEATURES = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];

const gz = buf => gzipSync(buf, { level: 9 }).length;
const sizes = {};
for (const name of readdirSync(staging).filter(n => n.endsWith('_bg.wasm'))) {
  const file = join(staging, name);
  const before = readFileSync(file);
  const keep = join(root, 'target', 'wasm-opt');
  mkdirSync(keep, { recursive: true });
  copyFileSync(file, join(keep, name.replace(/\.wasm$/, '.pre-opt.wasm')));
  const t0 = Date.now();
  execFileSync(bin, ['-Oz', ...FEATURES, file, '-o', file], { stdio: 'inherit' });
  const after = readFileSync(file);
  sizes[name] = { beforeBytes: before.length, beforeGzip: gz(before), afterBytes: after.length, afterGzip: gz(after), ms: Date.now() - t0 };
  console.log(`wasm-opt.mjs: ${name} ${before.length} → ${after.length} bytes (${gz(before)} → ${gz(after)} gzip) in ${sizes[name].ms} ms`);

  repointIntegrity(staging, before, after);
}
mkdirSync(join(root, 'target', 'wasm-opt'), { recursive: true });
writeFileSync(join(root, 'target', 'wasm-opt', 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
