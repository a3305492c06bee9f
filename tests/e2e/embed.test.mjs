// End to end: share links and embedding, against the built app (dist/) served like a static host.
// The example page embeds the lab twice (a sandboxed iframe + host.js, and the ES module); a link
// from "Copy link" reproduces the run in a fresh page; the "Embed" snippet carries the run; broken
// links show a banner and the default scenario; the embed view passes axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ARTIFACTS, startLab, stopLab, openApp, cursorMs } from './helpers.mjs';

const require = createRequire(import.meta.url);
let server, browser;

before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

/** The short digest the summary shows ("… log digest 0123456789ab…"). */
async function shortDigest(scope) {
  const t = await scope.locator('[data-testid=summary] .digest').textContent();
  return t.match(/(?:digest|摘要) ([0-9a-f]{12})/)[1];
}

async function clickTimes(locator, n) {
  for (let i = 0; i < n; i++) await locator.click();
}

test('example page: the sandboxed iframe and the ES module both run; host.js sizes the frame', { timeout: 120000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.addInitScript(() => {
    window.__heights = [];
    window.addEventListener('message', e => { if (e.data && e.data.type === 'losslab:height') window.__heights.push(e.data); });
  });
  await page.goto(server.url + 'embed/example.html');

  // The iframe (sandbox="allow-scripts": opaque origin, no clipboard, no storage).
  assert.equal(await page.getAttribute('#lab-frame', 'sandbox'), 'allow-scripts');
  const frame = page.frameLocator('#lab-frame');
  await frame.locator('svg.pipeline').waitFor({ timeout: 30000 });
  assert.match(await frame.locator('[data-testid=caption]').textContent(), /ASYNC_FLUSH/);
  assert.equal(await frame.locator('header.top').count(), 0, 'no page chrome');
  assert.equal(await frame.locator('.config, [data-testid=apply], .presets').count(), 0, 'lock=1 + hide=config: no configuration');
  assert.equal(await frame.locator('.event-log').count(), 0, 'hide=log');
  const frameClock = await frame.locator('[data-testid=clock]').textContent();
  await clickTimes(frame.locator('[data-testid=step]'), 3);
  assert.notEqual(await frame.locator('[data-testid=clock]').textContent(), frameClock, 'stepping moves the iframe\'s clock');
  assert.ok(await frame.locator('g.tokens g').count() > 0, 'a token appears in the iframe');

  // host.js applied the height the frame posted.
  await page.waitForFunction(() => document.getElementById('lab-frame').hasAttribute('data-losslab-height'), null, { timeout: 10000 });
  const posted = await page.evaluate(() => window.__heights);
  assert.ok(posted.length >= 1, 'the frame posted its height');
  assert.equal(posted.at(-1).id, 'lab-frame', 'the message carries the ?id=');
  await page.waitForFunction(() => {
    const f = document.getElementById('lab-frame');
    return f.style.height === f.getAttribute('data-losslab-height') + 'px' && window.__heights.length && f.getAttribute('data-losslab-height') === String(window.__heights.at(-1).height);
  }, null, { timeout: 10000 });
  const box = await page.locator('#lab-frame').boundingBox();
  const inner = await frame.locator('.app.embed').evaluate(el => el.scrollHeight);
  assert.ok(Math.abs(box.height - inner) <= 4, `frame ${box.height}px tall for ${inner}px of content`);

  // The ES module mount.
  await page.waitForSelector('#lab-module svg.pipeline', { timeout: 30000 });
  const mod = page.locator('#lab-module');
  assert.match(await mod.locator('[data-testid=caption]').textContent(), /SYNC_FLUSH/);
  assert.match(await mod.locator('svg.pipeline').textContent(), /SYNC_FLUSH/);
  const modClock = await mod.locator('[data-testid=clock]').textContent();
  await clickTimes(mod.locator('[data-testid=step]'), 3);
  assert.notEqual(await mod.locator('[data-testid=clock]').textContent(), modClock, 'stepping moves the module lab\'s clock');
  assert.equal(await frame.locator('[data-testid=clock]').textContent() !== frameClock, true, 'the labs are independent');
  assert.equal(await page.locator('body > .app').count(), 0, 'the module did not mount a full lab on <body>');
  assert.ok(!page.url().includes('#run='), 'a module mount leaves the page URL alone');

  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: width > 1000 ? 900 : 812 });
    await page.waitForTimeout(600);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${ARTIFACTS}embed-example-${width}.png` });
    // A tall viewport, so that the (out-of-process) frame is painted whole in the element shot.
    await page.setViewportSize({ width, height: 3200 });
    await page.waitForTimeout(400);
    await page.locator('#lab-frame').screenshot({ path: `${ARTIFACTS}embed-example-iframe-${width}.png` });
    await mod.screenshot({ path: `${ARTIFACTS}embed-example-module-${width}.png` });
    const overflow = await frame.locator('html').evaluate(el => el.scrollWidth - el.clientWidth);
    assert.ok(overflow <= 0, `the embedded lab fits its frame at ${width} px (${overflow} px too wide)`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('a second module mount on the same page is an independent lab', { timeout: 60000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(server.url + 'embed/example.html');
  await page.waitForSelector('#lab-module svg.pipeline', { timeout: 30000 });
  await page.evaluate(async () => {
    const el = document.createElement('div');
    el.id = 'lab-two';
    document.querySelector('main').appendChild(el);
    const { mount } = await import('../losslab.mjs');
    await mount(el, { preset: 'poison-message-dlq', hide: 'log,config,presets' });
  });
  await page.waitForSelector('#lab-two svg.pipeline');
  const two = page.locator('#lab-two');
  await clickTimes(two.locator('[data-testid=step]'), 2);
  assert.notEqual(await two.locator('[data-testid=clock]').textContent(), await page.locator('#lab-module [data-testid=clock]').textContent());
  assert.equal(await page.locator('head link[href*="style.css"]').count(), 0, 'no lab stylesheet on the host page');
  assert.equal(await page.evaluate(() => document.querySelectorAll('[data-losslab=mounted]').length), 2);
  await page.close();
});

test('"Copy link" gives a link that reproduces the run (digest, playhead, faults, selection)', { timeout: 120000 }, async () => {
  const { page, errors } = await openApp(browser, server.url + '?preset=book-recommendation');
  await page.click('[data-testid=step]');
  await page.fill('[data-testid=scrub]', '1200');
  await page.click('[data-testid=step]');
  await page.click('[data-fault=POWER_LOSS-master]');
  await page.fill('[data-testid=scrub]', '2600');
  await page.click('[data-testid=step]');
  await page.selectOption('[data-testid=speed]', '5');
  await page.locator('g.tokens g').first().dispatchEvent('click');
  const inspected = (await page.textContent('[data-testid=inspector]')).match(/msg#\d+/)[0];
  await page.click('.lang button[data-lang=zh]');
  const cursor = await cursorMs(page);
  const clock = await page.textContent('[data-testid=clock]');
  const digest = await page.getAttribute('[data-testid=share]', 'data-digest');
  const marks = await page.locator('.fault-mark').count();
  assert.ok(marks >= 2, `faults marked (${marks})`);

  await page.click('[data-testid=copy-link]');
  const link = await page.inputValue('[data-testid=share-link]');
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/\?preset=book-recommendation&lang=zh#run=v1\.[A-Za-z0-9_-]+$/);
  assert.match(await page.textContent('.share-status'), /Copied|Ctrl\+C|已复制/);
  // The address bar follows the run too (replaceState, once paused).
  await page.waitForFunction(l => location.href === l, link, { timeout: 5000 });

  const fresh = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await fresh.goto(link);
  await fresh.waitForSelector('svg.pipeline');
  assert.equal(await fresh.getAttribute('[data-testid=share]', 'data-digest'), digest, 'same event-log digest');
  assert.equal(await shortDigest(fresh), digest.slice(0, 12));
  assert.equal(await cursorMs(fresh), cursor, 'same playhead');
  assert.equal(await fresh.textContent('[data-testid=clock]'), clock);
  assert.equal(await fresh.locator('.fault-mark').count(), marks, 'same faults');
  assert.equal(await fresh.inputValue('[data-testid=speed]'), '5', 'same speed');
  assert.equal((await fresh.textContent('[data-testid=inspector]')).match(/msg#\d+/)?.[0], inspected, 'same message selected');
  assert.equal(await fresh.getAttribute('html', 'lang'), 'zh-CN', 'same language');
  assert.equal(await fresh.locator('[data-testid=link-banner]').count(), 0);
  assert.deepEqual(errors, []);
  await fresh.close();
  await page.close();
});

test('"Embed" writes an iframe snippet that carries the run', { timeout: 90000 }, async () => {
  const { page } = await openApp(browser, server.url + '?preset=async-flush-power-loss');
  await page.fill('[data-testid=scrub]', '1100');
  await page.click('[data-fault=POWER_LOSS-master]');
  const digest = await page.getAttribute('[data-testid=share]', 'data-digest');
  await page.click('[data-testid=embed]');
  const snippet = await page.inputValue('[data-testid=embed-snippet]');
  assert.match(snippet, /<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed=1#run=v1\.[A-Za-z0-9_-]+"/);
  assert.match(snippet, /sandbox="allow-scripts"/);
  assert.match(snippet, /loading="lazy"/);
  assert.match(snippet, /title="losslab: [^"]+"/);
  assert.match(snippet, /<script src="http:\/\/127\.0\.0\.1:\d+\/embed\/host\.js" defer><\/script>/);
  await page.screenshot({ path: `${ARTIFACTS}share-embed-snippet-1440.png` });

  // The snippet, on a page of its own, shows the same run.
  const host = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await host.goto(server.url + 'embed/example.html');
  await host.evaluate(html => { document.querySelector('main').innerHTML = html; }, snippet.replace(/<script[^>]*><\/script>/, ''));
  const frame = host.frameLocator('iframe');
  await frame.locator('svg.pipeline').waitFor({ timeout: 30000 });
  assert.equal(await shortDigest(frame), digest.slice(0, 12), 'the embedded run has the same digest');
  await host.close();
  await page.close();
});

test('broken links show a banner and the default scenario', { timeout: 90000 }, async () => {
  const { page } = await openApp(browser, server.url + '?preset=sync-flush-power-loss');
  await page.click('[data-testid=copy-link]');
  const good = (await page.inputValue('[data-testid=share-link]')).split('#run=')[1];
  await page.close();
  const cases = [
    ['truncated', good.slice(0, Math.floor(good.length / 2)), /damaged/],
    ['tampered', good.slice(0, 20) + (good[20] === 'A' ? 'B' : 'A') + good.slice(21), /./],
    ['unknown version', 'v7.' + good.slice(3), /not supported/],
    ['script', 'v1.%3Cscript%3Ealert(1)%3C/script%3E', /script/],
    ['oversized', 'v1.' + 'A'.repeat(17000), /too long/],
  ];
  for (const [what, body, reason] of cases) {
    const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = [];
    p.on('pageerror', e => errors.push(String(e)));
    await p.goto(server.url + '#run=' + body);
    await p.waitForSelector('svg.pipeline');
    const banner = await p.textContent('[data-testid=link-banner]');
    assert.match(banner, /could not be opened/, what);
    assert.match(banner, /Showing the default scenario instead/, what);
    assert.match(banner, reason, `${what}: ${banner}`);
    assert.match(await p.textContent('[data-testid=scenario-name]'), /ASYNC_FLUSH/, `${what}: the default scenario`);
    assert.equal(await cursorMs(p), 0, what);
    if (what === 'truncated') await p.screenshot({ path: `${ARTIFACTS}broken-link-banner-1440.png` });
    assert.deepEqual(errors, [], what);
    await p.close();
  }
});

test('embed view: minimal chrome, lang and caption, no serious axe violations; screenshots', { timeout: 90000 }, async () => {
  const url = server.url + '?embed=1&preset=book-recommendation&lang=zh&caption=' + encodeURIComponent('Book recommendation <b>not bold</b>');
  const { page, errors } = await openApp(browser, url);
  assert.equal(await page.locator('header.top').count(), 0);
  assert.equal(await page.textContent('[data-testid=caption]'), 'Book recommendation <b>not bold</b>', 'caption is text, not markup');
  assert.ok(await page.locator('.config').count() >= 0);
  await page.fill('[data-testid=scrub]', '3500');
  await page.locator('g.tokens g').first().dispatchEvent('click');
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  for (const v of result.violations) console.log(`axe ${v.impact}: ${v.id} (${v.nodes.length}) ${v.help}`);
  assert.deepEqual(result.violations.filter(v => v.impact === 'critical' || v.impact === 'serious').map(v => v.id), []);
  await page.screenshot({ path: `${ARTIFACTS}embed-view-1440.png` });
  await page.screenshot({ path: `${ARTIFACTS}embed-view-full-1440.png`, fullPage: true });
  await page.setViewportSize({ width: 375, height: 812 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${ARTIFACTS}embed-view-375.png` });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 375 px (${overflow} px too wide)`);
  assert.deepEqual(errors, []);
  await page.close();
});
