// Trunk writes index.html (and the other pages) with subresource-integrity hashes of the files it
// emitted; a post-build hook that rewrites one of those files must re-point its hash, or the
// browser refuses the preload. Used by scripts/wasm-opt.mjs and scripts/minify.mjs.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const sri = buf => `sha384-${createHash('sha384').update(buf).digest('base64')}`;

/** Replaces the hash of `before` by the hash of `after` in every .html file of `dir`. */
export function repointIntegrity(dir, before, after) {
  const oldHash = sri(before);
  const newHash = sri(after);
  for (const html of readdirSync(dir).filter(n => n.endsWith('.html'))) {
    const p = join(dir, html);
    if (!statSync(p).isFile()) continue;
    const text = readFileSync(p, 'utf8');
    if (text.includes(oldHash)) writeFileSync(p, text.split(oldHash).join(newHash));
  }
}
