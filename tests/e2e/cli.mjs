// The native runner, for comparing the browser's numbers with `losslab … --json`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

/** `losslab ARGS…` (built on first use by cargo), its stdout as text. */
export function losslab(...args) {
  return execFileSync('cargo', ['run', '-q', '--locked', '-p', 'rmq_sim', '--bin', 'losslab', '--', ...args],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20 });
}

/** `losslab run --preset ID [--seed N] --json`, parsed. */
export function cliReport(preset, seed) {
  return JSON.parse(losslab('run', '--preset', preset, ...(seed === undefined ? [] : ['--seed', String(seed)]), '--json'));
}

/** A file in a fresh temporary folder, for `losslab run FILE` / `check FILE`. */
export function tempFile(name, text) {
  const path = join(mkdtempSync(join(tmpdir(), 'losslab-e2e-')), name);
  writeFileSync(path, text);
  return path;
}
