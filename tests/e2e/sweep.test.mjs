// End to end: "Compare settings", the settings sweep in a Web Worker. Its numbers equal the
// page's own thread and `losslab sweep`; it shows progress, can be cancelled and leaves the page
// responsive; the chart has a mark per configuration; a mark opens a run whose digest is the
// CLI's; the inputs travel in the link; screenshots in both languages and themes, two widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ARTIFACTS, startLab, stopLab, openApp } from './helpers.mjs';

const require = createRequire(import.meta.url);

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

const ROOT = new URL('../../', import.meta.url).pathname;
const TMP = mkdtempSync(join(tmpdir(), 'losslab-sweep-'));

/** The native runner, as a user would call it (`cargo run -p rmq_sim --bin losslab -- …`). */
function losslab(...args) {
  return execFileSync('cargo', ['run', '--quiet', '-p', 'rmq_sim', '--bin', 'losslab', '--', ...args],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Small enough for seconds: 2 × 2 × SYNC × (POWER_LOSS, DISK_LOST) × 3 seeds × 300 messages. */
const SMALL = '#sweep=1&flush=SYNC_FLUSH,ASYNC_FLUSH&role=SYNC_MASTER,ASYNC_MASTER&mode=SYNC&fault=POWER_LOSS,DISK_LOST&seeds=3&messages=300&interval=2ms';

/** Opens a `#sweep=` link (the lab itself stays hidden), recording foreign requests and errors. */
async function openSweep(url, viewport = { width: 1440, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const foreign = [];
  const errors = [];
  page.on('request', r => { if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('[data-testid=sweep]:not([hidden])');
  return { page, foreign, errors };
}

const phase = page => page.getAttribute('[data-testid=sweep-progress]', 'data-phase');

async function runToEnd(page) {
  await page.click('[data-testid=sweep-run]');
  await page.waitForFunction(() => {
    const p = document.querySelector('[data-testid=sweep-progress]');
    return p && ['done', 'failed'].includes(p.dataset.phase);
  }, null, { timeout: 120000, polling: 100 });
  assert.equal(await phase(page), 'done', await page.textContent('[data-testid=sweep-status]'));
}

/** The report the page offers for download (its "JSON" link). */
async function pageReport(page) {
  const href = await page.getAttribute('[data-testid=sweep-json]', 'href');
  return decodeURIComponent(href.slice(href.indexOf(',') + 1));
}

test('the worker\'s sweep equals the page thread\'s and `losslab sweep`, mark by mark', { timeout: 300000 }, async () => {
  const { page, foreign, errors } = await openSweep(server.url + '?lang=en' + SMALL);
  assert.equal(await page.inputValue('[data-testid=sweep-seeds]'), '3', 'the link\'s inputs are in the form');
  await runToEnd(page);
  // It ran on one worker per core (at most 4), each its share of the runs.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency || 1);
  assert.equal(Number(await page.getAttribute('[data-testid=sweep-progress]', 'data-workers')), Math.min(Math.max(cores, 1), 4));
  const fromWorker = await pageReport(page);
  const report = JSON.parse(fromWorker);
  assert.equal(report.runs.length, 2 * 2 * 2 * 3);
  assert.equal(report.cells.length, 8);

  // The same grid on the page's own thread (the wasm the page loaded, `sweep_json`).
  // (The sweep is in the extras module, which the page has loaded: importing it again gives
  // that instance, and its init returns at once.)
  const onPage = await page.evaluate(async grid => {
    const wasm = await import(new URL('losslab-extras.js', document.baseURI).href);
    await wasm.default({ module_or_path: new URL('losslab-extras_bg.wasm', document.baseURI) });
    return wasm.sweep_json(grid);
  }, JSON.stringify(report.grid));
  assert.equal(onPage, fromWorker, 'worker and page thread agree byte for byte');

  // And in the terminal, from the grid TOML the page shows.
  const toml = await page.textContent('[data-testid=sweep-grid-toml]');
  const file = join(TMP, 'grid.toml');
  writeFileSync(file, toml);
  const cli = losslab('sweep', file, '--json');
  assert.equal(cli, fromWorker, 'losslab sweep --json prints the same report');

  // A mark per configuration under each fault, one of them the book's, a frontier drawn.
  for (const fault of ['POWER_LOSS@master', 'DISK_LOST@master']) {
    await page.click(`[data-fault="${fault}"]`);
    await page.waitForSelector(`[data-fault="${fault}"][aria-pressed=true]`);
    assert.equal(await page.locator('[data-testid=sweep-mark]').count(), 4, fault);
    assert.equal(await page.locator('[data-testid=sweep-row]').count(), 4, fault);
    assert.equal(await page.locator('.mark.book').count(), 1, 'ASYNC_FLUSH + SYNC_MASTER marked');
    assert.match(await page.locator('.mark.book title').textContent(), /ASYNC_FLUSH \+ SYNC_MASTER/);
    const cells = report.cells.filter(c => c.fault === fault);
    for (const c of cells) {
      const mark = page.locator(`[data-testid=sweep-mark][data-cell="${c.index}"]`);
      assert.equal(await mark.count(), 1, `cell ${c.index} has its mark`);
      assert.equal(await mark.getAttribute('class').then(k => k.includes('on-frontier')), c.frontierLatency, `cell ${c.index} frontier`);
    }
  }
  await page.click('[data-axis=tps]');
  await page.waitForSelector('[data-axis=tps][aria-pressed=true]');
  assert.match(await page.textContent('svg.sweep-chart'), /send TPS/);
  assert.deepEqual(foreign, [], 'nothing fetched from elsewhere');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the chart decides: loss under the fault against the cost with no fault, loss per year, why SYNC_MASTER still loses', { timeout: 300000 }, async () => {
  const url = server.url + '?lang=en#sweep=1&flush=SYNC_FLUSH,ASYNC_FLUSH&role=SYNC_MASTER,ASYNC_MASTER&mode=SYNC&fault=POWER_LOSS,NONE&seeds=2&messages=300&interval=2ms&powerLosses=0.5';
  const { page, errors } = await openSweep(url);
  assert.equal(await page.inputValue('[data-testid=sweep-rate-POWER_LOSS]'), '0.5', 'the rate travels in the link');
  assert.equal(await page.getAttribute('[data-testid=sweep-rate-DISK_LOST]', 'placeholder'), '0.016', 'the default shows');
  await runToEnd(page);
  const report = JSON.parse(await pageReport(page));
  assert.equal(report.grid.powerLossesPerYear, 0.5);
  await page.click('[data-fault="POWER_LOSS@master"]');
  await page.waitForSelector('[data-testid=sweep-per-year]');
  // x: the NONE cell's p99, named so on the axis; the frontier is the core's over those.
  assert.match(await page.textContent('svg.sweep-chart'), /p99 send latency with no fault/);
  assert.ok(await page.isVisible('[data-testid=sweep-cost-note]'));
  const cells = report.cells.filter(c => c.fault === 'POWER_LOSS@master');
  const perYear = await page.locator('[data-testid=sweep-per-year-cell]').allTextContents();
  assert.equal(perYear.length, cells.length);
  for (const c of cells) {
    assert.equal(c.perYear.faultsPerMachineYear, 0.5);
    assert.equal(c.perYear.ackedThenLost, Math.floor(500 * c.lostAfterAck / c.runs) / 1000, 'rate × the mean loss per fault');
    const none = report.cells.find(n => n.fault === 'NONE' && n.flushDiskType === c.flushDiskType && n.brokerRole === c.brokerRole);
    assert.deepEqual(c.healthy.p99Us, none.p99Us);
    const mark = page.locator(`[data-testid=sweep-mark][data-cell="${c.index}"]`);
    assert.equal(await mark.getAttribute('class').then(k => k.includes('on-frontier')), c.frontierLatency, `cell ${c.index} frontier`);
    assert.match(await mark.locator('title').textContent(), /with no fault p99/);
  }
  assert.match(await page.textContent('[data-testid=sweep-per-year]'), /POWER_LOSS 0\.5/);
  // Ties are named, not marked: '=' in the table, explained in the key.
  const tied = cells.filter(c => (c.ties ?? []).length > 0);
  assert.equal(await page.locator('[data-testid=sweep-key-ties]').count(), tied.length > 0 ? 1 : 0);
  for (const c of tied) assert.equal(c.frontierLatency, false, `cell ${c.index} ties, so it is not on the frontier`);
  // Each SYNC_MASTER configuration that still loses says why, by its rule.
  const despite = cells.filter(c => c.despiteSyncMaster);
  assert.equal(await page.locator('[data-testid=sweep-despite]').count(), despite.length);
  for (const d of despite) {
    assert.equal(d.despiteSyncMaster.rule, 'RESTART_WITHOUT_RECONCILE', '4.9.8: the master restarts behind its slave');
    assert.match(await page.textContent('[data-testid=sweep-despite]'), /does not reconcile/);
  }
  await page.screenshot({ path: join(ARTIFACTS, 'sweep-decides-1440.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('clicking a mark opens a failing seed in the lab; its digest is `losslab run`\'s', { timeout: 300000 }, async () => {
  const { page, errors } = await openSweep(server.url + '?lang=en' + SMALL);
  await runToEnd(page);
  const report = JSON.parse(await pageReport(page));
  await page.click('[data-fault="POWER_LOSS@master"]');
  // A configuration that lost acknowledged messages under a power cut (ASYNC_FLUSH does).
  const failing = report.cells.find(c => c.fault === 'POWER_LOSS@master' && c.failingSeeds.length > 0);
  assert.ok(failing, 'some configuration loses messages under POWER_LOSS');
  const seed = failing.failingSeeds[0];
  const mark = page.locator(`[data-testid=sweep-mark][data-cell="${failing.index}"]`);
  assert.equal(await mark.getAttribute('data-seed'), String(seed));
  await mark.click();
  await page.waitForSelector('main.layout:not([hidden]) svg.pipeline');
  await page.waitForFunction(() => location.hash.startsWith('#run=v1.'));
  const digest = await page.getAttribute('[data-testid=share]', 'data-digest');
  const run = report.runs.find(r => r.cell === failing.index && r.seed === seed);
  assert.equal(digest, run.digest, 'the lab replays the sweep\'s run');
  // The same scenario in the terminal.
  const toml = await page.inputValue('textarea.toml');
  const file = join(TMP, 'point.toml');
  writeFileSync(file, toml);
  assert.equal(JSON.parse(losslab('run', file, '--json')).eventLogDigest, digest, 'losslab run gives the same digest');
  // Back to the sweep: the results are still there.
  await page.click('[data-testid=sweep-toggle]');
  await page.waitForSelector('[data-testid=sweep]:not([hidden]) [data-testid=sweep-mark]');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a long sweep shows progress and time left, leaves the page responsive, and cancels', { timeout: 300000 }, async () => {
  // 2 × 2 × 1 × 2 faults × 60 seeds × 2,000 messages: far longer than the checks below.
  const long = SMALL.replace('seeds=3', 'seeds=60').replace('messages=300', 'messages=2000');
  const { page, errors } = await openSweep(server.url + '?lang=en' + long);
  // Frames drawn while the sweep runs: if it ran on the page's thread there would be none.
  await page.evaluate(() => {
    window.__frames = 0;
    window.__runningFrames = 0;
    const tick = () => {
      window.__frames++;
      if (document.querySelector('[data-testid=sweep-progress][data-phase=running]')) window.__runningFrames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.click('[data-testid=sweep-run]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=sweep-progress]')?.dataset.done) >= 2, null, { timeout: 60000, polling: 50 });
  assert.equal(await phase(page), 'running');
  assert.equal(await page.getAttribute('[data-testid=sweep-progress]', 'data-total'), '480');
  assert.match(await page.textContent('[data-testid=sweep-status]'), /^\d+ of 480 runs · about .+ left$/);
  await page.waitForFunction(() => window.__runningFrames >= 30, null, { timeout: 60000, polling: 50 });

  // A click while it runs is handled within a frame or two (counted in animation frames).
  await page.evaluate(() => {
    window.__clickFrame = null;
    window.__shownFrame = null;
    document.addEventListener('pointerdown', () => { window.__clickFrame = window.__frames; }, { capture: true, once: true });
    new MutationObserver((_, obs) => {
      if (document.querySelector('[data-testid=sweep-link]')) { window.__shownFrame = window.__frames; obs.disconnect(); }
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.click('[data-testid=sweep-copy-link]');
  await page.waitForFunction(() => window.__shownFrame !== null, null, { timeout: 30000, polling: 'raf' });
  const { clickFrame, shownFrame } = await page.evaluate(() => ({ clickFrame: window.__clickFrame, shownFrame: window.__shownFrame }));
  assert.ok(clickFrame !== null && shownFrame - clickFrame <= 2, `click handled ${shownFrame - clickFrame} frames after it`);
  assert.equal(await phase(page), 'running', 'the sweep was still running');
  assert.match(await page.inputValue('[data-testid=sweep-link]'), /#sweep=1&.*seeds=60/);

  await page.click('[data-testid=sweep-cancel]');
  await page.waitForSelector('[data-testid=sweep-progress][data-phase=cancelled]');
  const done = Number(await page.getAttribute('[data-testid=sweep-progress]', 'data-done'));
  assert.ok(done < 480);
  assert.equal(await page.textContent('[data-testid=sweep-status]'), `Cancelled after ${done} of 480 runs.`);
  await page.waitForSelector('[data-testid=sweep-run]');
  // No more results arrive once cancelled (the worker was terminated): 30 frames later, same count.
  const f0 = await page.evaluate(() => window.__frames);
  await page.waitForFunction(f => window.__frames >= f + 30, f0, { timeout: 30000, polling: 'raf' });
  assert.equal(Number(await page.getAttribute('[data-testid=sweep-progress]', 'data-done')), done);
  assert.deepEqual(errors, []);
  await page.close();
});

test('inputs travel in the link; a bad value is named, not run', { timeout: 120000 }, async () => {
  const { page } = await openApp(browser, server.url + '?lang=en');
  await page.click('[data-testid=sweep-toggle]');
  await page.waitForSelector('[data-testid=sweep]:not([hidden])');
  await page.fill('[data-testid=sweep-seeds]', '2');
  await page.press('[data-testid=sweep-seeds]', 'Tab');
  await page.waitForFunction(() => location.hash.includes('seeds=2'));
  const link = await page.evaluate(() => location.href);
  await page.fill('[data-testid=sweep-messages]', '0');
  await page.press('[data-testid=sweep-messages]', 'Tab');
  await page.waitForSelector('[data-testid=sweep-problem]');
  assert.match(await page.textContent('[data-testid=sweep-problem]'), /^messages:/);
  assert.ok(await page.isDisabled('[data-testid=sweep-run]'));
  // Back to the lab: the URL is the run's again (the default preset, untouched at t = 0: its plain
  // query, no `#sweep=`).
  await page.click('[data-testid=sweep-toggle]');
  await page.waitForFunction(() => location.hash === '' && new URL(location.href).searchParams.get('preset') === 'whole-path');
  const fresh = await browser.newPage();
  await fresh.goto(link);
  await fresh.waitForSelector('[data-testid=sweep]:not([hidden])');
  assert.equal(await fresh.inputValue('[data-testid=sweep-seeds]'), '2');
  await fresh.close();
  await page.close();
});

test('screenshots and axe: the chart in English and Chinese, light and dark, 1440 and 375 px', { timeout: 300000 }, async () => {
  for (const lang of ['en', 'zh']) {
    for (const width of [1440, 375]) {
      const { page, errors } = await openSweep(server.url + `?lang=${lang}` + SMALL, { width, height: 900 });
      await runToEnd(page);
      await page.click('[data-fault="POWER_LOSS@master"]');
      if (lang === 'zh') assert.match(await page.textContent('svg.sweep-chart'), /确认后丢失/);
      for (const scheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.locator('.sweep-results').screenshot({ path: `${ARTIFACTS}sweep-${lang}-${scheme}-${width}.png` });
        if (width === 1440) {
          // Through DevTools, not a script tag: the page's CSP forbids an injected inline script.
          if (scheme === 'light') await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
          const result = await page.evaluate(async () => await window.axe.run(document.querySelector('main.sweep'), { resultTypes: ['violations'] }));
          const bad = result.violations.filter(v => ['serious', 'critical'].includes(v.impact));
          for (const v of bad) console.log(`axe sweep ${lang}/${scheme} ${v.impact}: ${v.id} ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
          assert.deepEqual(bad.map(v => v.id), [], `axe (${lang}, ${scheme})`);
        }
      }
      assert.deepEqual(errors, []);
      await page.close();
    }
  }
});
