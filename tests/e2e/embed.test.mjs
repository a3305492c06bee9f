// End to end: share links and embedding, against the built app (dist/) served like a static host.
// The example page embeds the lab twice (a sandboxed iframe + host.js, and the ES module); a link
// from "Copy link" reproduces the run in a fresh page; the "Embed" snippet carries the run; broken
// links show a banner and the default scenario; a link made with an older model opens with a note;
// the embed view passes axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, inflateSync } from 'node:zlib';
import { ARTIFACTS, startLab, stopLab, openApp, cursorMs, eventually, expectText, expectTextChange, expectCount, expectAttr, expectValue, expectUrl, clickStep, seekTo, setSpeed, settle, runAxe, seriousIds, copyShareLink } from './helpers.mjs';
let server, browser;

before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

/** The short digest the summary shows ("… log digest 0123456789ab…"). */
async function shortDigest(scope) {
  const t = await expectText(scope, '[data-testid=summary] .digest', /(?:digest|摘要) [0-9a-f]{12}/);
  return t.match(/(?:digest|摘要) ([0-9a-f]{12})/)[1];
}

/** Waits until the summary shows the short digest `want`. */
function expectDigest(scope, want, message) {
  return expectText(scope, '[data-testid=summary] .digest', new RegExp(`(?:digest|摘要) ${want}`), message);
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
  await expectText(frame, '[data-testid=caption]', /ASYNC_FLUSH/);
  await expectCount(frame, 'header.top', 0, 'no page chrome');
  await expectCount(frame, '.config, [data-testid=apply], .presets', 0, 'lock=1 + hide=config: no configuration');
  await expectCount(frame, '.event-log', 0, 'hide=log');
  const frameClock = await frame.locator('[data-testid=clock]').textContent();
  await clickStep(frame, 3);
  await expectTextChange(frame, '[data-testid=clock]', frameClock, 'stepping moves the iframe\'s clock');
  await expectCount(frame, '.token-list button', n => n > 0, 'a token appears in the iframe');

  // host.js applied the height the frame posted.
  await page.waitForFunction(() => document.getElementById('lab-frame').hasAttribute('data-losslab-height'), null, { timeout: 10000 });
  const posted = await eventually(async () => {
    const posted = await page.evaluate(() => window.__heights);
    assert.ok(posted.length >= 1, 'the frame posted its height');
    return posted;
  });
  assert.equal(posted.at(-1).id, 'lab-frame', 'the message carries the ?id=');
  await page.waitForFunction(() => {
    const f = document.getElementById('lab-frame');
    return f.style.height === f.getAttribute('data-losslab-height') + 'px' && window.__heights.length && f.getAttribute('data-losslab-height') === String(window.__heights.at(-1).height);
  }, null, { timeout: 10000 });
  await eventually(async () => {
    const box = await page.locator('#lab-frame').boundingBox();
    const inner = await frame.locator('.app.embed').evaluate(el => el.scrollHeight);
    assert.ok(Math.abs(box.height - inner) <= 4, `frame ${box.height}px tall for ${inner}px of content`);
  });

  // The ES module mount.
  await page.waitForSelector('#lab-module svg.pipeline', { timeout: 30000 });
  const mod = page.locator('#lab-module');
  await expectText(mod, '[data-testid=caption]', /SYNC_FLUSH/);
  await expectText(mod, 'svg.pipeline', /SYNC_FLUSH/);
  const frameNow = await frame.locator('[data-testid=clock]').textContent();
  const modClock = await mod.locator('[data-testid=clock]').textContent();
  await clickStep(mod, 3);
  await expectTextChange(mod, '[data-testid=clock]', modClock, 'stepping moves the module lab\'s clock');
  assert.equal(await frame.locator('[data-testid=clock]').textContent(), frameNow, 'the labs are independent: the frame\'s clock stayed');
  assert.equal(await page.locator('body > .app').count(), 0, 'the module did not mount a full lab on <body>');
  assert.ok(!(await page.evaluate(() => location.href)).includes('#run='), 'a module mount leaves the page URL alone');

  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: width > 1000 ? 900 : 812 });
    // The frame re-lays out and reports its new height; wait for host.js to apply it.
    await page.waitForFunction(() => {
      const f = document.getElementById('lab-frame');
      return window.__heights.length && f.style.height === window.__heights.at(-1).height + 'px';
    }, null, { timeout: 10000 });
    await settle(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${ARTIFACTS}embed-example-${width}.png` });
    // A tall viewport, so that the (out-of-process) frame is painted whole in the element shot.
    await page.setViewportSize({ width, height: 3200 });
    await settle(page);
    await page.locator('#lab-frame').screenshot({ path: `${ARTIFACTS}embed-example-iframe-${width}.png` });
    await mod.screenshot({ path: `${ARTIFACTS}embed-example-module-${width}.png` });
    await eventually(async () => {
      const overflow = await frame.locator('html').evaluate(el => el.scrollWidth - el.clientWidth);
      assert.ok(overflow <= 0, `the embedded lab fits its frame at ${width} px (${overflow} px too wide)`);
    });
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
  const moduleClock = await page.locator('#lab-module [data-testid=clock]').textContent();
  await clickStep(two, 2);
  await expectTextChange(two, '[data-testid=clock]', moduleClock, 'the second lab steps on its own');
  await expectText(page, '#lab-module [data-testid=clock]', moduleClock, 'the first lab stayed');
  assert.equal(await page.locator('head link[href*="style.css"]').count(), 0, 'no lab stylesheet on the host page');
  await eventually(async () => assert.equal(await page.evaluate(() => document.querySelectorAll('[data-losslab=mounted]').length), 2));
  await page.close();
});

test('"Copy link" gives a link that reproduces the run (digest, playhead, faults, selection)', { timeout: 120000 }, async () => {
  const { page, errors } = await openApp(browser, server.url + '?preset=book-recommendation');
  await clickStep(page);
  await seekTo(page, 1200);
  await clickStep(page);
  const marksBefore = await page.locator('.fault-mark').count();
  const digestBefore = await page.getAttribute('[data-testid=share]', 'data-digest');
  await page.click('[data-fault=POWER_LOSS-master]');
  await expectCount(page, '.fault-mark', n => n > marksBefore, 'the power cut is marked');
  await eventually(async () => assert.notEqual(await page.getAttribute('[data-testid=share]', 'data-digest'), digestBefore, 'the run changed'));
  await seekTo(page, 2600);
  await clickStep(page);
  await setSpeed(page, 5);
  await page.locator('.token-list button').first().dispatchEvent('click');
  const inspected = (await expectText(page, '[data-testid=inspector]', /msg#\d+/)).match(/msg#\d+/)[0];
  await page.click('.lang button[data-lang=zh]');
  await expectAttr(page, 'html', 'lang', 'zh-CN');
  const cursor = await cursorMs(page);
  const clock = await page.textContent('[data-testid=clock]');
  const digest = await page.getAttribute('[data-testid=share]', 'data-digest');
  const marks = await page.locator('.fault-mark').count();
  assert.ok(marks >= 2, `faults marked (${marks})`);

  await page.click('[data-testid=copy-link]');
  const link = await eventually(async () => {
    const link = await page.inputValue('[data-testid=share-link]');
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/\?preset=book-recommendation&lang=zh#run=v1\.[A-Za-z0-9_-]+$/);
    return link;
  });
  await expectText(page, '.share-status', /Copied|Ctrl\+C|已复制/);
  // The address bar follows the run too (replaceState, once paused).
  await page.waitForFunction(l => location.href === l, link, { timeout: 10000 });

  const fresh = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await fresh.goto(link);
  await fresh.waitForSelector('svg.pipeline');
  await expectAttr(fresh, '[data-testid=share]', 'data-digest', digest, 'same event-log digest');
  await expectDigest(fresh, digest.slice(0, 12));
  await eventually(async () => assert.equal(await cursorMs(fresh), cursor, 'same playhead'));
  await expectText(fresh, '[data-testid=clock]', clock);
  await expectCount(fresh, '.fault-mark', marks, 'same faults');
  await expectValue(fresh, '[data-testid=speed]', '5', 'same speed');
  await expectText(fresh, '[data-testid=inspector]', new RegExp(`${inspected}\\b`), 'same message selected');
  await expectAttr(fresh, 'html', 'lang', 'zh-CN', 'same language');
  await expectCount(fresh, '[data-testid=link-banner]', 0);
  await expectCount(fresh, '[data-testid=model-note]', 0, 'a link made by this lab has no model note');
  assert.deepEqual(errors, []);
  await fresh.close();
  await page.close();
});

test('"Embed" writes an iframe snippet that carries the run', { timeout: 90000 }, async () => {
  const { page } = await openApp(browser, server.url + '?preset=async-flush-power-loss');
  await seekTo(page, 1100);
  const marks = await page.locator('.fault-mark').count();
  await page.click('[data-fault=POWER_LOSS-master]');
  await expectCount(page, '.fault-mark', n => n > marks, 'the power cut is marked');
  const digest = await page.getAttribute('[data-testid=share]', 'data-digest');
  await page.click('[data-testid=embed]');
  // The summary (whose digest is compared below) is chosen: a new snippet has it already.
  await page.check('[data-testid=embed-panels] input[data-panel=summary]');
  const snippet = await eventually(async () => {
    const s = await page.inputValue('[data-testid=embed-snippet]');
    assert.match(s, /<iframe/);
    return s;
  });
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
  await expectDigest(frame, digest.slice(0, 12), 'the embedded run has the same digest');
  await host.close();
  await page.close();
});

/** A link body `v1.…` as its JSON payload, and back. */
const readBody = body => JSON.parse(inflateSync(Buffer.from(decodeURIComponent(body).replace(/^v1\./, ''), 'base64url')).toString());
const writeBody = payload => 'v1.' + deflateSync(Buffer.from(JSON.stringify(payload))).toString('base64url');

test('a link made before the model changed opens the same run, with a note saying the run may differ', { timeout: 120000 }, async () => {
  const { page } = await openApp(browser, server.url + '?preset=book-recommendation');
  const name = await expectText(page, '[data-testid=scenario-name]', /\S/);
  const body = (await copyShareLink(page)).split('#run=')[1];
  const digest = await page.getAttribute('[data-testid=share]', 'data-digest');
  await page.close();
  const payload = readBody(body);
  assert.ok(Number.isInteger(payload.m) && payload.m >= 1, `a new link carries the model version: ${JSON.stringify(payload)}`);
  // The link as the lab wrote it before the model version was recorded: no `m`.
  delete payload.m;
  const old = writeBody(payload);
  for (const [lang, note] of [['en', /earlier version of the lab's model.*may differ/], ['zh', /较早版本的模拟模型.*可能与链接作者当时看到的不同/]]) {
    const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = [];
    p.on('pageerror', e => errors.push(String(e)));
    await p.goto(server.url + `?lang=${lang}#run=` + old);
    await p.waitForSelector('svg.pipeline');
    await expectText(p, '[data-testid=model-note]', note, `${lang}: the note`);
    await expectCount(p, '[data-testid=link-banner]', 0, `${lang}: an old link is no broken link`);
    // (The zh page shows the preset's Chinese title.)
    if (lang === 'en') await expectText(p, '[data-testid=scenario-name]', name, 'the same scenario');
    await expectAttr(p, '[data-testid=share]', 'data-digest', digest, `${lang}: the run of today's model`);
    if (lang === 'en') {
      await p.click('[data-testid=model-note] button');
      await expectCount(p, '[data-testid=model-note]', 0, 'the note can be dismissed');
    }
    assert.deepEqual(errors, [], lang);
    await p.close();
  }
});

test('broken links show a banner and the default scenario', { timeout: 90000 }, async () => {
  const { page } = await openApp(browser, server.url + '?preset=sync-flush-power-loss');
  const good = (await copyShareLink(page)).split('#run=')[1];
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
    const banner = await expectText(p, '[data-testid=link-banner]', /could not be opened/, what);
    assert.match(banner, /Showing the default scenario instead/, what);
    assert.match(banner, reason, `${what}: ${banner}`);
    await expectText(p, '[data-testid=scenario-name]', /whole path/, `${what}: the default scenario`);
    assert.equal(await cursorMs(p), 0, what);
    if (what === 'truncated') await p.screenshot({ path: `${ARTIFACTS}broken-link-banner-1440.png` });
    assert.deepEqual(errors, [], what);
    await p.close();
  }
});

test('embed view: minimal chrome, lang and caption, no serious axe violations; screenshots', { timeout: 90000 }, async () => {
  const url = server.url + '?embed=1&preset=book-recommendation&lang=zh&caption=' + encodeURIComponent('Book recommendation <b>not bold</b>');
  const { page, errors } = await openApp(browser, url);
  await expectCount(page, 'header.top', 0);
  await expectText(page, '[data-testid=caption]', 'Book recommendation <b>not bold</b>', 'caption is text, not markup');
  assert.equal(await page.locator('[data-testid=caption] b').count(), 0, 'no <b> element was made from the caption');
  await seekTo(page, 3500);
  await page.locator('.token-list button').first().dispatchEvent('click');
  await expectText(page, '[data-testid=inspector]', /msg#\d+/, 'the inspector shows the message');
  assert.deepEqual(seriousIds(await runAxe(page)), []);
  await page.screenshot({ path: `${ARTIFACTS}embed-view-1440.png` });
  await page.screenshot({ path: `${ARTIFACTS}embed-view-full-1440.png`, fullPage: true });
  await page.setViewportSize({ width: 375, height: 812 });
  await eventually(async () => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 375 px (${overflow} px too wide)`);
  });
  await settle(page);
  await page.screenshot({ path: `${ARTIFACTS}embed-view-375.png` });
  assert.deepEqual(errors, []);
  await page.close();
});
