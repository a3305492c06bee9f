// End to end: the first load (issue 23). The lab module (losslab-web_bg.wasm) is all a page that
// shows a lab fetches; the extras module (losslab-extras.js / _bg.wasm: the settings sweep, the JS
// API, the benchmarks) is fetched on first use only, with a loading line while it comes, and a
// readable failure (never a dead control) when it cannot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { startLab, stopLab, openApp, expectText } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

const isExtras = url => /losslab-extras(_bg\.wasm|\.js)(\?|$)/.test(new URL(url).pathname);

/** Holds the extras module's wasm back until the returned `release()`, so its loading line is there to be seen. */
async function holdExtras(page) {
  let release;
  const held = new Promise(r => { release = r; });
  await page.route(/losslab-extras_bg\.wasm$/, async route => { await held; await route.continue(); });
  return release;
}

/** How many times the extras module's wasm was fetched among `urls`. */
const extrasFetches = urls => urls.filter(u => new URL(u).pathname.endsWith('losslab-extras_bg.wasm')).length;

/** Every URL the page (and its frames and workers) requests, from now on. */
function record(page) {
  const urls = [];
  page.on('request', r => urls.push(r.url()));
  return urls;
}

test('a lab-only page, an iframe embed and a module embed that only mounts fetch no extras', { timeout: 120000 }, async () => {
  // The full page: drawn, played a little, its panels open.
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const urls = record(page);
  await page.goto(server.url + '?lang=en&preset=defaults');
  await page.waitForSelector('svg.pipeline .station');
  await page.click('[data-testid=play]');
  await page.waitForTimeout(1500);
  assert.ok(urls.some(u => u.endsWith('losslab-web_bg.wasm')), `the lab module was fetched: ${urls.join(' ')}`);
  assert.deepEqual(urls.filter(isExtras), [], 'the lab page fetched no extras module');
  await page.close();

  // The embedding example: a sandboxed iframe of the lab and a lab mounted by the ES module.
  const host = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const hostUrls = record(host);
  await host.goto(server.url + 'embed/example.html');
  await host.waitForFunction(() => document.body.dataset.moduleMounted === 'true', null, { timeout: 30000 });
  await host.frameLocator('#lab-frame').locator('svg.pipeline').waitFor({ timeout: 30000 });
  await host.locator('#lab-module svg.pipeline .station').first().waitFor({ timeout: 30000 });
  await host.waitForTimeout(1000);
  assert.deepEqual(hostUrls.filter(isExtras), [], 'neither embed fetched the extras module');
  await host.close();
});

test('the first "Compare settings" shows a loading line, then the sweep page, fetched once', { timeout: 120000 }, async () => {
  const { page, errors } = await openApp(browser, server.url + '?lang=en&preset=defaults');
  const urls = record(page);
  const release = await holdExtras(page);
  await page.click('[data-testid=sweep-toggle]');
  await expectText(page, '[data-testid=extra-loading]', /Loading this part of the lab/);
  assert.equal(await page.getAttribute('[data-testid=extra-loading]', 'role'), 'status');
  assert.equal(await page.isVisible('main.layout'), false, 'the lab is hidden while the sweep page is open');
  release();
  await page.waitForSelector('[data-testid=sweep]:not([hidden])', { timeout: 30000 });
  assert.equal(await page.locator('[data-testid=extra-loading]').count(), 0, 'the loading line is gone');
  // Its controls answer (they are the extras module's Yew app): the seeds field takes input, and
  // "Back to the lab" returns to the lab, whose own controls still answer.
  await page.fill('[data-testid=sweep-seeds]', '2');
  assert.equal(await page.inputValue('[data-testid=sweep-seeds]'), '2');
  await page.click('[data-testid=sweep-toggle]');
  await page.waitForSelector('main.layout:not([hidden])');
  await page.click('[data-testid=play]');
  // Open it again: no second fetch, and it kept its inputs.
  await page.click('[data-testid=sweep-toggle]');
  await page.waitForSelector('[data-testid=sweep]:not([hidden])');
  assert.equal(await page.inputValue('[data-testid=sweep-seeds]'), '2', 'the page kept its inputs');
  assert.equal(extrasFetches(urls), 1, 'the extras module was fetched once');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a sweep run opened from the extras module plays in the lab', { timeout: 180000 }, async () => {
  const small = '#sweep=1&flush=SYNC_FLUSH&role=ASYNC_MASTER&mode=SYNC&fault=POWER_LOSS&seeds=1&messages=100&interval=2ms';
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(server.url + '?lang=en' + small);
  await page.waitForSelector('[data-testid=sweep]:not([hidden])', { timeout: 30000 });
  await page.click('[data-testid=sweep-run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=sweep-progress]')?.dataset.phase === 'done', null, { timeout: 120000 });
  // A seed button of the table opens that run in the lab (its scenario crosses as TOML text).
  await page.locator('[data-testid=sweep-open]').first().click();
  await page.waitForSelector('main.layout:not([hidden]) svg.pipeline .station');
  await expectText(page, '[data-testid=scenario-name]', /./);
  await page.close();
});

test('when the extras module cannot be fetched, the slot says so and the lab goes on', { timeout: 60000 }, async () => {
  const { page } = await openApp(browser, server.url + '?lang=en&preset=defaults');
  await page.route(/losslab-extras\.js$/, route => route.fulfill({ status: 404, body: 'not here' }));
  await page.click('[data-testid=sweep-toggle]');
  await expectText(page, '[data-testid=extra-failed]', /could not be loaded/);
  assert.equal(await page.getAttribute('[data-testid=extra-failed]', 'role'), 'alert');
  await page.click('[data-testid=sweep-toggle]');
  await page.waitForSelector('main.layout:not([hidden]) svg.pipeline');
  await page.close();
});

test('the first download fetches the extras module, says so meanwhile, then saves the file', { timeout: 120000 }, async () => {
  const { page, errors } = await openApp(browser, server.url + '?lang=en&preset=defaults');
  const urls = record(page);
  const release = await holdExtras(page);
  const download = page.waitForEvent('download', { timeout: 60000 });
  await page.click('[data-testid=dl-csv]');
  await expectText(page, '[data-testid=downloads] [data-testid=extra-loading]', /Loading this part of the lab/);
  release();
  const dl = await download;
  assert.match(dl.suggestedFilename(), /\.messages\.csv$/);
  const body = await (await dl.createReadStream()).toArray();
  assert.ok(Buffer.concat(body).toString().startsWith('id,sendStatus,verdict,'), 'a CSV with its header');
  await page.waitForFunction(() => !document.querySelector('[data-testid=downloads] [data-testid=extra-loading]'));
  assert.equal(extrasFetches(urls), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the first message opened in the inspector fetches its what-if and retry schedule, saying so meanwhile', { timeout: 120000 }, async () => {
  // A link that opens the poison message of its preset in the inspector.
  const toml = readFileSync(new URL('../../sim/presets/poison-message-dlq.toml', import.meta.url), 'utf8');
  const poison = /failMessages\s*=\s*\[\s*(\d+)/.exec(toml)[1];
  const body = 'v1.' + deflateSync(Buffer.from(JSON.stringify({ s: toml, t: 0, v: { msg: poison } }))).toString('base64url');
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  const urls = record(page);
  const release = await holdExtras(page);
  await page.goto(`${server.url}?lang=en#run=${body}`);
  await expectText(page, '[data-testid=inspector] [data-testid=extra-loading]', /Loading this part of the lab/);
  // The lab's own part of the inspector is there at once.
  await page.waitForSelector('[data-testid=inspector] [data-testid=explain]');
  release();
  await page.waitForSelector('[data-testid=inspector] [data-testid=gantt]', { timeout: 30000 });
  await page.waitForSelector('[data-testid=inspector] [data-testid=whatif]');
  assert.equal(await page.locator('[data-testid=inspector] [data-testid=extra-loading]').count(), 0);
  assert.equal(extrasFetches(urls), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the first comparison lane fetches the lane cards, saying so meanwhile; closing it goes back to one run', { timeout: 120000 }, async () => {
  const { page, errors } = await openApp(browser, server.url + '?lang=en&preset=async-flush-power-loss');
  const urls = record(page);
  const release = await holdExtras(page);
  // The add-menu is the lab's own: there before any fetch.
  await page.click('[data-testid=lane-add][data-knob=SYNC_FLUSH]');
  await expectText(page, '[data-testid=lane-cards] [data-testid=extra-loading]', /Loading this part of the lab/);
  release();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=lane]').length === 2, null, { timeout: 30000 });
  assert.equal(await page.locator('[data-testid=lane-cards] [data-testid=extra-loading]').count(), 0);
  // Closing lane B (a button of the extras' cards) reaches the lab: no lane left, the menu offers it again.
  await page.locator('[data-testid=lane] .close').first().click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=lane]').length === 0);
  await page.waitForSelector('[data-testid=lane-add][data-knob=SYNC_FLUSH]:not([disabled])');
  assert.equal(extrasFetches(urls), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

// Issue 23: the lab module carries no TOML parser. Every link a lab made (and the presets' own
// files) opens at once without the extras; a hand-made link whose scenario text only the full
// parser reads (a comment after a value) shows a loading line, fetches the extras once, then
// opens its run; text typed into the configuration panel likewise.
test('a hand-made link and hand-typed TOML wait for the extras\' parser; a lab-made link does not', { timeout: 120000 }, async () => {
  const link = s => 'v1.' + deflateSync(Buffer.from(JSON.stringify({ s, t: 0, v: {}, m: 4 }))).toString('base64url');
  const made = link('name = "Made by a lab"\n\n[producer]\nmessages = 7\n');
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  const urls = record(page);
  await page.goto(`${server.url}?lang=en#run=${made}`);
  await expectText(page, '[data-testid=scenario-name]', /Made by a lab/);
  assert.equal(extrasFetches(urls), 0, 'a link in the lab\'s own TOML needs no extras');

  const release = await holdExtras(page);
  await page.goto(`${server.url}?lang=en&by=hand#run=${link('name = "Made by hand" # a comment after a value\n[producer]\nmessages = 9 # nine\n')}`);
  await expectText(page, '[data-testid=link-loading]', /loading the full TOML parser/);
  release();
  await expectText(page, '[data-testid=scenario-name]', /Made by hand/, 'the hand-made link opens once the parser is there');
  assert.equal(await page.locator('[data-testid=link-banner]').count(), 0, 'no broken-link banner');
  assert.equal(extrasFetches(urls), 1, 'the extras module was fetched once');

  // Text typed by hand into the configuration panel: read by the extras' parser, then applied;
  // a broken value is named with its line.
  await page.fill('#cfg-toml', 'name = "Typed" # mine\n[producer]\nmessages = 11\n');
  await page.waitForSelector('[data-testid=apply]:not([disabled])', { timeout: 30000 });
  await page.click('[data-testid=apply]');
  await expectText(page, '[data-testid=scenario-name]', /Typed/);
  const broken = 'name = "x" # mine\n[broker]\nflushDiskType = "FAST"\n';
  await page.fill('#cfg-toml', broken);
  await expectText(page, '.config', /broker\.flushDiskType/, 'the error names the field');
  assert.equal(await page.inputValue('#cfg-toml'), broken, 'the typed text is kept');
  assert.deepEqual(errors, []);
  await page.close();
});
