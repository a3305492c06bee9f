// End to end: one language per page (issue 23). The lab module carries only the English; the
// Chinese (losslab-zh.txt) is fetched when a page, an embed or a link starts in Chinese — the lab
// draws in Chinese from its first diagram, after a loading line — or on the first press of 中文,
// whose button says it is loading until the text is there. A failed fetch leaves the lab in English
// saying why, and the button can be pressed again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, stopLab, openApp, expectText, expectAttr, eventually, seekToEnd, ARTIFACTS } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

const CJK = /[\u4e00-\u9fff]/;
const isZh = url => new URL(url).pathname.endsWith('/losslab-zh.txt');

/** Every URL the page requests, from now on. */
function record(page) {
  const urls = [];
  page.on('request', r => urls.push(r.url()));
  return urls;
}

/** Holds the Chinese text back until the returned `release()`, so its loading state can be seen. */
async function holdZh(page) {
  let release;
  const held = new Promise(r => { release = r; });
  await page.route(/losslab-zh\.txt(\?|$)/, async route => { await held; await route.continue(); });
  return release;
}

test('an English page fetches no Chinese; the first 中文 fetches it once, with a loading state', { timeout: 120000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const urls = record(page);
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(server.url + '?lang=en&preset=async-flush-power-loss');
  await page.waitForSelector('svg.pipeline .station');
  await page.waitForTimeout(500);
  assert.deepEqual(urls.filter(isZh), [], 'an English page does not fetch the Chinese text');

  const release = await holdZh(page);
  await page.click('.lang button[data-lang=zh]');
  // While the text comes: the button says so and cannot be pressed twice; the lab is still whole, in English.
  await expectAttr(page, '.lang button[data-lang=zh]', 'aria-busy', 'true');
  assert.equal(await page.locator('.lang button[data-lang=zh]').isDisabled(), true);
  await expectText(page, '[data-testid=lang-loading]', /正在加载中文.*Loading the Chinese text/);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('#summary-h'), 'Summary');
  await page.click('[data-testid=step]');
  release();

  await expectAttr(page, 'html', 'lang', 'zh-CN');
  await expectText(page, '#summary-h', '汇总');
  await expectText(page, '[data-testid=play]', '▶ 播放');
  await expectText(page, '[data-testid=scenario-name]', CJK, 'the preset title in Chinese');
  assert.equal(await page.locator('[data-testid=lang-loading]').count(), 0, 'the loading line is gone');
  assert.equal(await page.locator('.lang button[data-lang=zh]').getAttribute('aria-busy'), null);

  // Back and forth: the text is fetched once.
  await page.click('.lang button[data-lang=en]');
  await expectText(page, '#summary-h', 'Summary');
  await page.click('.lang button[data-lang=zh]');
  await expectText(page, '#summary-h', '汇总');
  assert.equal(urls.filter(isZh).length, 1, `the Chinese text was fetched once: ${urls.filter(isZh).join(' ')}`);
  assert.match(urls.find(isZh), /losslab-zh\.txt\?v=[0-9a-f]{16}$/, 'the URL names the catalogue version');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a page, an iframe embed and a module embed that start in Chinese draw in Chinese from their first diagram', { timeout: 120000 }, async () => {
  for (const query of ['?lang=zh&preset=async-flush-power-loss', '?embed=1&lang=zh&preset=book-recommendation']) {
    const page = await browser.newPage({ viewport: { width: 690, height: 900 } });
    const urls = record(page);
    const release = await holdZh(page);
    await page.goto(server.url + query);
    // No English diagram first: a loading line until the Chinese is there.
    await expectText(page, '[data-testid=lang-loading]', /正在加载中文/);
    assert.equal(await page.locator('svg.pipeline').count(), 0, `${query}: nothing drawn before the Chinese text`);
    release();
    await page.waitForSelector('svg.pipeline .station');
    assert.ok(urls.some(isZh), `${query}: the Chinese text was fetched`);
    await expectText(page, '[data-testid=play]', '▶ 播放', `${query}: Play in Chinese`);
    const stations = await page.locator('svg.pipeline').textContent();
    assert.match(stations, CJK, `${query}: the diagram's labels in Chinese`);
    if (query.includes('embed=1')) {
      await page.screenshot({ path: `${ARTIFACTS}lang-load-embed-zh-690.png`, fullPage: true });
    } else {
      await expectAttr(page, 'html', 'lang', 'zh-CN');
      await expectText(page, '#summary-h', '汇总');
    }
    await page.close();
  }
  // The module embed (losslab.mjs) with lang 'zh' fetches the text itself.
  const host = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await host.goto(server.url + 'embed/example.html');
  await host.waitForFunction(() => document.body.dataset.moduleMounted === 'true', null, { timeout: 30000 });
  await host.evaluate(async () => {
    const el = document.createElement('div');
    el.id = 'zh-module-lab';
    document.body.append(el);
    const m = await import(new URL('../losslab.mjs', location.href).href);
    await m.mount(el, { preset: 'async-flush-power-loss', lang: 'zh' });
  });
  await host.locator('#zh-module-lab svg.pipeline .station').first().waitFor({ timeout: 30000 });
  await expectText(host.locator('#zh-module-lab'), '[data-testid=play]', '▶ 播放', 'the module-mounted lab in Chinese');
  await host.close();
});

// The core's sentences (rmq_sim::text: causes, verdicts, statuses) come with the UI's in losslab-zh.txt:
// the lab module links none of them (scripts/size-check.mjs checks the built wasm), so a Chinese page
// must still explain a lost message in Chinese, from its first load and after a switch.
test("the core's Chinese cause chain, verdict and status meanings come from losslab-zh.txt", { timeout: 120000 }, async () => {
  const lost = /断电时，它还只在页缓存（page cache）里，刷盘进度落后/;
  for (const start of ['zh', 'en']) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = [];
    page.on('pageerror', e => errors.push(String(e)));
    await page.goto(`${server.url}?lang=${start}&preset=async-flush-power-loss`);
    await page.waitForSelector('svg.pipeline .station');
    await seekToEnd(page);
    await page.locator('.token-list .tok-lost').first().dispatchEvent('click');
    await expectText(page, '[data-testid=inspector]', /LOST_AFTER_ACK/);
    if (start === 'en') {
      await expectText(page, '[data-testid=explain]', /lost power/);
      await page.click('.lang button[data-lang=zh]');
      await expectAttr(page, 'html', 'lang', 'zh-CN');
    }
    await expectText(page, '[data-testid=explain]', lost, `${start}: the cause in Chinese`);
    await expectText(page, '[data-testid=inspector]', /SEND_OK：返回时，消息只在主节点的页缓存中/, `${start}: the send's meaning in Chinese`);
    assert.ok(!/\{[a-z_]+\}/.test(await page.locator('[data-testid=inspector]').textContent()), `${start}: every blank filled`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('when the Chinese text cannot be fetched, the lab stays in English, says why, and 中文 works again later', { timeout: 120000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.route(/losslab-zh\.txt(\?|$)/, route => route.fulfill({ status: 404, body: 'not here' }));
  await page.goto(server.url + '?lang=en&preset=defaults');
  await page.waitForSelector('svg.pipeline .station');
  await page.click('.lang button[data-lang=zh]');
  await expectText(page, '[data-testid=lang-failed]', /无法加载中文.*could not be loaded.*HTTP 404/);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('#summary-h'), 'Summary');
  assert.equal(await page.locator('.lang button[data-lang=zh]').isDisabled(), false, 'the button can be pressed again');
  await page.unroute(/losslab-zh\.txt(\?|$)/);
  await page.click('.lang button[data-lang=zh]');
  await expectText(page, '#summary-h', '汇总');
  await eventually(async () => assert.equal(await page.locator('[data-testid=lang-failed]').count(), 0, 'the failure line is gone'));
  await page.close();

  // A page that starts in Chinese without its text: the lab in English, saying why.
  const zh = await browser.newPage({ viewport: { width: 690, height: 900 } });
  await zh.route(/losslab-zh\.txt(\?|$)/, route => route.fulfill({ status: 200, body: 'losslab zh 0000000000000000\n' }));
  await zh.goto(server.url + '?embed=1&lang=zh&preset=defaults');
  await zh.waitForSelector('svg.pipeline .station');
  await expectText(zh, '[data-testid=lang-failed]', /another version of the lab/);
  await expectText(zh, '[data-testid=play]', '▶ Play');
  await zh.close();
});
