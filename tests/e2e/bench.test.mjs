// The browser benchmark page (dist/bench.html): it runs, its figures exist and are positive, and
// the core's event count in wasm equals the native runner's for the same scenario. No speed
// thresholds: the figures are only logged (speed goals live in benchmarks, never in tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, launch, serveDist } from './helpers.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Event count of the native `losslab` runner on `preset` with `messages` messages. */
function nativeEvents(preset, messages) {
  const src = readFileSync(join(ROOT, 'sim/presets', `${preset}.toml`), 'utf8');
  const re = /^(\[producer\][^[]*?^messages\s*=\s*)\d+/m;
  assert.match(src, re, `${preset}.toml sets [producer] messages`);
  const dir = mkdtempSync(join(tmpdir(), 'losslab-bench-'));
  const file = join(dir, `${preset}.toml`);
  writeFileSync(file, src.replace(re, `$1${messages}`));
  const log = execFileSync('cargo', ['run', '-q', '-p', 'rmq_sim', '--bin', 'losslab', '--', 'run', file, '--log'],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
  return log.split('\n').filter(l => l.length > 0).length;
}

test('bench page reports core and rendering figures', async t => {
  const server = await serveDist();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    const errors = [];
    page.on('pageerror', e => errors.push(String(e)));
    page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
    // Small sizes: this checks the page works; scripts/bench.sh runs the real sizes.
    await page.goto(new URL('bench.html?core=1000&render=100&seconds=1&repeats=1', server.url).href);
    await page.waitForFunction(() => window.__benchResults, null, { timeout: 150000, polling: 250 });
    const r = await page.evaluate(() => window.__benchResults);
    assert.equal(r.error, undefined, `bench page failed: ${r.error}`);
    await page.screenshot({ path: join(ARTIFACTS, 'bench.png') }); // the table and the diagram

    assert.ok(r.core.length > 0);
    for (const c of r.core) {
      for (const k of ['events', 'simulatedMs', 'bestMs', 'eventsPerSec', 'messagesPerSec']) {
        assert.ok(Number.isFinite(c[k]) && c[k] > 0, `core ${c.preset}×${c.messages}: ${k} = ${c[k]}`);
      }
      t.diagnostic(`wasm core ${c.preset} × ${c.messages}: ${c.events} events, ${(c.simulatedMs / 1000).toFixed(1)} s simulated, best ${c.bestMs.toFixed(1)} ms, ${Math.round(c.eventsPerSec)} events/s`);
      const native = nativeEvents(c.preset, c.messages);
      assert.equal(c.events, native, `${c.preset}×${c.messages}: wasm and native event counts`);
    }
    assert.equal(r.render.length, 1);
    for (const g of r.render) {
      for (const side of ['lab', 'baseline']) {
        for (const k of ['frames', 'p50', 'p95', 'meanMs', 'peakTokens']) {
          assert.ok(Number.isFinite(g[side][k]) && g[side][k] > 0, `render ${side}: ${k} = ${g[side][k]}`);
        }
      }
      // Every message in flight is drawn, in the lab as in the baseline.
      assert.equal(g.lab.peakTokens, g.messages, 'the lab draws every message in flight');
      assert.equal(g.baseline.peakTokens, g.messages);
      t.diagnostic(`render ${g.messages} in flight: lab p50 ${g.lab.p50.toFixed(1)} / p95 ${g.lab.p95.toFixed(1)} ms, baseline p50 ${g.baseline.p50.toFixed(1)} / p95 ${g.baseline.p95.toFixed(1)} ms`);
    }
    console.log(JSON.stringify(r));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.stop();
  }
});
