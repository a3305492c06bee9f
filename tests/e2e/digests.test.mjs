// End to end: determinism across targets. Every preset's event-log digest in the browser (the
// wasm build, played by the page) equals the native runner's (`losslab run --preset … --json`);
// and a share link opened in a fresh browser context reproduces the digest it was made from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { startLab, stopLab, expectAttr, seekTo, eventually, copyShareLink, digestInFreshContext } from './helpers.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
let server, browser;

before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

function losslab(...args) {
  return execFileSync('cargo', ['run', '-q', '-p', 'rmq_sim', '--bin', 'losslab', '--', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
}

test('every preset: the browser\'s digest equals the native one', { timeout: 600000 }, async t => {
  const ids = losslab('presets').split('\n').map(l => l.split(/\s+/)[0]).filter(Boolean);
  assert.ok(ids.length >= 20, ids.join(' '));
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  let compared = 0;
  for (const id of ids) {
    const native = JSON.parse(losslab('run', '--preset', id, '--json')).eventLogDigest;
    await page.goto(`${server.url}?preset=${id}`);
    await page.waitForSelector('svg.pipeline');
    await expectAttr(page, '[data-testid=share]', 'data-digest', native, `${id}: wasm digest = native digest`);
    compared++;
  }
  t.diagnostic(`${compared} preset digests compared, native = browser`);
  await page.close();
});

test('a share link opened in a fresh browser context reproduces its digest', { timeout: 120000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(`${server.url}?preset=book-recommendation`);
  await page.waitForSelector('svg.pipeline');
  await seekTo(page, 1500);
  const before = await page.getAttribute('[data-testid=share]', 'data-digest');
  await page.click('[data-fault=PROCESS_CRASH-master]');
  const digest = await eventually(async () => {
    const d = await page.getAttribute('[data-testid=share]', 'data-digest');
    assert.notEqual(d, before, 'the injected fault changed the run');
    return d;
  });
  const link = await copyShareLink(page);
  await digestInFreshContext(browser, link, digest);
  await page.close();
});

/** A share-link body for a scenario file, as the lab writes them (`v1.` base64url(zlib(JSON))). */
function linkBody(toml) {
  const json = JSON.stringify({ s: toml, t: 0, v: {} });
  return 'v1.' + deflateSync(Buffer.from(json)).toString('base64url');
}

test('swarm cases: the browser replays each to the native digest', { timeout: 900000 }, async t => {
  const count = Number(process.env.DIGEST_SWARM_COUNT || 200);
  const dir = mkdtempSync(join(tmpdir(), 'losslab-swarm-'));
  // The native digests, computed now by the swarm's generator (release, as CI builds it).
  execFileSync('cargo', ['test', '-q', '--release', '-p', 'rmq_sim', '--test', 'swarm', 'dump_cases_for_the_browser'],
    { cwd: ROOT, env: { ...process.env, SWARM_DUMP: dir, SWARM_DUMP_COUNT: String(count) }, stdio: 'ignore' });
  // In seed order, so a failure names the same case on every machine (readdir's order is the file system's).
  const seeds = readdirSync(dir).filter(f => f.endsWith('.toml')).map(f => f.slice(0, -5)).sort((a, b) => a - b);
  assert.equal(seeds.length, count);
  let page = null;
  for (const [i, seed] of seeds.entries()) {
    // A fresh page now and then: 200 loads in one renderer is not what a reader does.
    if (i % 50 === 0) { await page?.close(); page = await browser.newPage({ viewport: { width: 1000, height: 700 } }); }
    const toml = readFileSync(join(dir, `${seed}.toml`), 'utf8');
    const native = readFileSync(join(dir, `${seed}.digest`), 'utf8').trim();
    page = await openCase(t, page, `${server.url}#run=${linkBody(toml)}`, `seed ${seed}`);
    assert.equal(await page.locator('[data-testid=link-banner]').count(), 0, `seed ${seed}: the link opened`);
    await expectAttr(page, '[data-testid=share]', 'data-digest', native, `swarm seed ${seed}: wasm digest = native digest`);
  }
  await page.close();
  t.diagnostic(`${seeds.length} swarm-case digests compared, native = browser`);
});

/**
 * Opens a case's link and waits for its diagram. A load that draws nothing in 30 s (CI saw one, stop 30,
 * never reproduced: every case here draws in under a second) is reported with what the page showed, its
 * console errors and whether the renderer crashed, then tried once more in a fresh page; a second miss
 * fails the test with that report. Returns the page the case is open in.
 */
async function openCase(t, page, url, label) {
  const errors = [];
  let crashed = false;
  const onConsole = m => { if (m.type() === 'error') errors.push(m.text()); };
  const onError = e => errors.push(String(e));
  const onCrash = () => { crashed = true; };
  page.on('console', onConsole); page.on('pageerror', onError); page.on('crash', onCrash);
  try {
    await page.goto(url);
    await page.waitForSelector('svg.pipeline', { timeout: 30000 });
    return page;
  } catch (e) {
    const shown = crashed ? '(renderer crashed)' : await page.evaluate(() => `${document.readyState}: ${document.body?.innerText.replace(/\s+/g, " ").slice(0, 300)}`).catch(x => `(page unreadable: ${x.message})`);
    const report = `${label}: no diagram after 30 s (${e.message.split('\n')[0]}); page: ${shown}; console errors: ${JSON.stringify(errors.slice(0, 5))}`;
    t.diagnostic(report);
    await page.close().catch(() => {});
    const fresh = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await fresh.goto(url);
    await fresh.waitForSelector('svg.pipeline', { timeout: 60000 }).catch(x => { throw new Error(`${report}; and again in a fresh page: ${x.message.split('\n')[0]}`); });
    return fresh;
  } finally {
    page.off('console', onConsole); page.off('pageerror', onError); page.off('crash', onCrash);
  }
}
