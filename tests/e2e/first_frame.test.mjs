// End to end: the lab's first frame (issue 23 item 2: the first diagram after ≤ 250 KB gzip). A page
// or embed that starts at a preset's t = 0 draws that diagram from a small static fragment
// (www/first-frame/, rendered ahead of time by the lab's components) before its wasm is requested;
// the live lab replaces it. Each test HOLDS the lab's code (page.route) so the static frame is
// checked while it is the only thing drawn, then releases it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { ARTIFACTS, startLab, stopLab, eventually } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

const BUDGET = 250 * 1024;
const LAB_CODE = /\/(losslab-web(_bg\.wasm|\.js)|snippets\/losslab-web[^/]*\/.*)$/;

/**
 * Opens `url` with the lab's code (its JS glue, snippets and wasm) held back until `release()`.
 * `requests` lists every request in the order made; `atLabRequest` is what the page showed when
 * the lab's code was first requested (`null` until then).
 */
async function held(url, viewport, { route } = {}) {
  const ctx = await browser.newContext({ viewport });
  const page = await ctx.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  let release;
  const gate = new Promise((r) => (release = r));
  const state = { atLabRequest: null, labRequests: 0 };
  await ctx.route(LAB_CODE, async (r) => {
    if (state.labRequests++ === 0) {
      const frame = r.request().frame();
      state.atLabRequest = await frame.evaluate(() => {
        const f = document.querySelector('.first-frame');
        return { frame: !!f && !!f.querySelector('svg.pipeline-frame .station'), fetched: performance.getEntriesByType('resource').map((e) => e.name) };
      }).catch(() => null);
    }
    await gate;
    await r.continue().catch(() => {});
  });
  if (route) await route(ctx);
  await page.goto(url);
  return { ctx, page, requests, errors, state, release };
}

/** The path of `url` in dist/ ('' → index.html). */
const pathOf = (url) => {
  const p = new URL(url).pathname.replace(/^\/+/, '');
  return p === '' || p.endsWith('/') ? `${p}index.html` : p;
};

/** gzip -9 bytes of what the server sends for each of `paths`. */
async function gzipOf(paths) {
  let total = 0;
  for (const p of paths) {
    const r = await fetch(new URL(p, server.url));
    assert.ok(r.ok, `${p} is served`);
    total += gzipSync(Buffer.from(await r.arrayBuffer()), { level: 9 }).length;
  }
  return total;
}

/** In `scope` (a page, frame or element): the first-frame's or the live diagram's geometry: the
 *  svg's viewBox, each station's box (in order) and text. Boxes are relative to the lab's own
 *  origin: its document, or for a module mount its host element (a page moves it when an iframe
 *  above it grows to its lab's height). */
async function geometry(scope, svgSelector) {
  return scope.locator(svgSelector).first().evaluate((svg) => {
    const host = svg.getRootNode().host;
    const o = host ? host.getBoundingClientRect() : { x: 0, y: 0 };
    return {
      viewBox: svg.getAttribute('viewBox'),
      stations: [...svg.querySelectorAll('.station')].map((s) => {
        const r = s.getBoundingClientRect();
        return { x: r.x - o.x, y: r.y - o.y, w: r.width, h: r.height, text: s.textContent.replace(/\s+/g, ' ').trim() };
      }),
    };
  });
}

function assertSameGeometry(frame, live, what) {
  assert.equal(frame.viewBox, live.viewBox, `${what}: the svg's viewBox`);
  assert.equal(frame.stations.length, live.stations.length, `${what}: the number of stations`);
  assert.ok(frame.stations.length >= 4, `${what}: stations drawn (${frame.stations.length})`);
  frame.stations.forEach((s, i) => {
    const l = live.stations[i];
    for (const k of ['x', 'y', 'w', 'h']) {
      assert.ok(Math.abs(s[k] - l[k]) <= 2, `${what}: station ${i} (${l.text.slice(0, 30)}) ${k} ${s[k].toFixed(1)} in the frame, ${l[k].toFixed(1)} live`);
    }
    assert.equal(s.text, l.text, `${what}: station ${i}'s text`);
  });
}

for (const lang of ['en', 'zh']) {
  for (const viewport of [{ width: 1440, height: 900 }, { width: 375, height: 800 }]) {
    test(`page ?preset=…&lang=${lang} at ${viewport.width} px: the frame first, from page files + css + fragment only, then the live lab`, { timeout: 120000 }, async () => {
      const preset = 'async-flush-power-loss';
      const layout = viewport.width >= 760 ? 'page-wide' : 'page-tall';
      const h = await held(`${server.url}?preset=${preset}&lang=${lang}`, viewport);
      const { page } = h;
      const frame = page.locator('.first-frame');
      await page.locator('.first-frame svg.pipeline-frame .station').first().waitFor({ state: 'visible' });
      assert.equal(await frame.getAttribute('data-preset'), preset);
      assert.equal(await frame.getAttribute('data-lang'), lang);
      assert.equal(await frame.getAttribute('data-layout'), layout);
      assert.match(await page.locator('.first-frame .first-frame-status').innerText(), lang === 'zh' ? /加载/ : /[Ll]oading/, 'the frame says the lab is loading');
      assert.equal(await frame.getAttribute('aria-busy'), 'true');
      assert.equal(await page.locator('#losslab-boot').isVisible(), false, 'the boot box hides behind the frame');
      assert.equal(await page.locator('svg.pipeline').count(), 0, 'no live diagram yet');
      // Nothing in the frame takes focus or a click.
      const focusable = await frame.evaluate((f) => [...f.querySelectorAll('a, button, input, select, textarea, [tabindex]')].filter((e) => !e.closest('[inert]')).length);
      assert.equal(focusable, 0, 'every control of the frame is inert');
      for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => !!document.activeElement?.closest('.first-frame')), false, 'Tab never lands in the frame');
      const button = page.locator('.first-frame button').first();
      if (await button.count()) {
        const box = await button.boundingBox();
        await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        assert.equal(await page.evaluate(() => !!document.activeElement?.closest('.first-frame')), false, 'a click does not focus a control of the frame');
      }
      await page.screenshot({ path: `${ARTIFACTS}first-frame-held-${lang}-${viewport.width}.png` });
      // The lab's code was requested only once the frame was drawn, and before it the page
      // fetched its own small files, the stylesheet and the fragment: ≤ 250 KB gzip.
      await eventually(() => assert.ok(h.state.atLabRequest, 'the lab\'s code is requested'));
      assert.equal(h.state.atLabRequest.frame, true, 'the frame was drawn when the lab\'s code was requested');
      const before = h.requests.slice(0, h.requests.findIndex((u) => LAB_CODE.test(u)));
      const paths = [...new Set(before.map(pathOf))];
      const fragment = `first-frame/${preset}.${lang}.${layout}.html`;
      assert.deepEqual(paths.filter((p) => !['index.html', 'style.css', 'boot.js', 'loader.js', 'first-frame.mjs', fragment].includes(p)), [],
        'before the lab\'s code: only the page files, the stylesheet and the fragment');
      assert.ok(paths.includes(fragment), `the fragment ${fragment} was fetched`);
      const bytes = await gzipOf(paths);
      assert.ok(bytes <= BUDGET, `the first diagram after ${(bytes / 1024).toFixed(1)} KB gzip (≤ 250 KB)`);
      h.release();
      await page.locator('svg.pipeline .station').first().waitFor({ state: 'visible', timeout: 60000 });
      await eventually(async () => assert.equal(await page.locator('.first-frame').count(), 0, 'the frame is gone'));
      assert.equal(await page.locator('#losslab-boot').count(), 0, 'the boot box is gone');
      assert.deepEqual(h.errors, []);
      await h.ctx.close();
    });
  }
}

// The static frame equals the live lab's at t = 0 (default preset included; page, tall page and a
// 690 px embed).
const SAME = [
  ['the default preset (no ?preset=), page 1440', '?lang=en', { width: 1440, height: 900 }],
  ['whole-path in Chinese, page 1440', '?preset=whole-path&lang=zh', { width: 1440, height: 900 }],
  ['sync-flush-power-loss, page 375', '?preset=sync-flush-power-loss&lang=en', { width: 375, height: 800 }],
  ['v5-controller-failover-all-ack, page 1440', '?preset=v5-controller-failover-all-ack&lang=en', { width: 1440, height: 900 }],
  ['async-flush-power-loss, 690 px embed', '?embed=1&preset=async-flush-power-loss&lang=en', { width: 690, height: 800 }],
  ['whole-path, 375 px embed', '?embed=1&preset=whole-path&lang=en', { width: 375, height: 800 }],
  ['whole-path, 1100 px embed', '?embed=1&preset=whole-path&lang=zh', { width: 1100, height: 800 }],
];
for (const [what, query, viewport] of SAME) {
  test(`the frame equals the live lab at t = 0: ${what}`, { timeout: 120000 }, async () => {
    const h = await held(server.url + query, viewport);
    const { page } = h;
    await page.locator('.first-frame svg.pipeline-frame .station').first().waitFor({ state: 'visible' });
    const frame = await geometry(page, '.first-frame svg.pipeline-frame');
    h.release();
    await page.locator('svg.pipeline .station').first().waitFor({ state: 'visible', timeout: 60000 });
    await eventually(async () => assert.equal(await page.locator('.first-frame').count(), 0, 'the frame is gone'));
    assertSameGeometry(frame, await geometry(page, 'svg.pipeline'), what);
    await h.ctx.close();
  });
}

test('in the docs example (690 px column): the iframe and the module mount draw their frames, equal to the live labs', { timeout: 180000 }, async () => {
  const h = await held(`${server.url}embed/example.html`, { width: 1280, height: 900 });
  const { page } = h;
  const iframe = page.frameLocator('#lab-frame');
  const module = page.locator('#lab-module');
  await iframe.locator('.first-frame svg.pipeline-frame .station').first().waitFor({ state: 'visible' });
  await module.locator('.first-frame svg.pipeline-frame .station').first().waitFor({ state: 'visible' });
  assert.equal(await iframe.locator('.first-frame').getAttribute('data-layout'), 'embed-compact');
  assert.equal(await module.locator('.first-frame').getAttribute('data-layout'), 'embed-compact');
  // The caption the embed asked for, above the diagram as the live lab draws it.
  assert.match(await iframe.locator('.first-frame .embed-caption').innerText(), /ASYNC_FLUSH/);
  assert.match(await module.locator('.first-frame .embed-caption').innerText(), /SYNC_FLUSH/);
  const frames = [await geometry(iframe, '.first-frame svg.pipeline-frame'), await geometry(module, '.first-frame svg.pipeline-frame')];
  await page.screenshot({ path: `${ARTIFACTS}first-frame-held-docs-column.png` });
  h.release();
  await iframe.locator('svg.pipeline .station').first().waitFor({ state: 'visible', timeout: 60000 });
  await module.locator('svg.pipeline .station').first().waitFor({ state: 'visible', timeout: 60000 });
  await eventually(async () => {
    assert.equal(await iframe.locator('.first-frame').count(), 0, 'the iframe\'s frame is gone');
    assert.equal(await module.locator('.first-frame').count(), 0, 'the module\'s frame is gone');
  });
  assertSameGeometry(frames[0], await geometry(iframe, 'svg.pipeline'), 'the iframe');
  assertSameGeometry(frames[1], await geometry(module, 'svg.pipeline'), 'the module mount');
  await h.ctx.close();
});

// An embed's frame is as tall as the live embed (issue 23: it stopped at the time controls, and the
// text under an embedded lab jumped down by the side panels, log and configuration when the lab
// arrived). A docs page with a column of the given width holds the lab (an iframe sized by
// embed/host.js from the height messages, or a module mount) and a paragraph under it; the frame's
// height and the paragraph's place are measured with the lab's code held, then again once the live
// lab has drawn for its own width.
const HEIGHTS = [
  // [what, how, column px, layout, lang, preset, options]
  ['iframe, wide', 'iframe', 1100, 'embed-wide', 'en', 'whole-path', ''],
  ['iframe, docs column', 'iframe', 690, 'embed-compact', 'en', 'async-flush-power-loss', ''],
  ['iframe, narrow', 'iframe', 375, 'embed-tall', 'en', 'whole-path', ''],
  ['iframe, docs column, in Chinese', 'iframe', 690, 'embed-compact', 'zh', 'whole-path', ''],
  ['iframe, docs column, lock=1&hide=log,config (the docs example\'s)', 'iframe', 690, 'embed-compact', 'en', 'async-flush-power-loss', '&lock=1&hide=log,config'],
  ['iframe, wide, every side panel hidden', 'iframe', 1100, 'embed-wide', 'en', 'sync-flush-power-loss', '&hide=tour,faults,inspector,presets,summary'],
  ['module, wide', 'module', 1100, 'embed-wide', 'en', 'async-flush-power-loss', {}],
  ['module, docs column', 'module', 690, 'embed-compact', 'en', 'whole-path', {}],
  ['module, narrow', 'module', 375, 'embed-tall', 'en', 'async-flush-power-loss', {}],
  ['module, narrow, in Chinese', 'module', 375, 'embed-tall', 'zh', 'whole-path', {}],
  ['module, docs column, lock and hide (the docs example\'s)', 'module', 690, 'embed-compact', 'en', 'sync-flush-power-loss', { lock: true, hide: ['log', 'config', 'inspector'] }],
];

/** A docs page (served beside the lab, in embed/) with a `width` px column: the lab, then a paragraph. */
function docsPage(how, width, preset, lang, options) {
  const lab = how === 'iframe'
    ? `<iframe id="lab" src="../?embed=1&amp;preset=${preset}&amp;lang=${lang}&amp;id=lab${options.replace(/&/g, '&amp;')}" sandbox="allow-scripts" title="losslab" height="300" style="display:block;width:100%;border:0"></iframe>
       <script src="./host.js"></script>`
    : `<div id="lab"></div>
       <script type="module">import { mount } from '../losslab.mjs';
         mount(document.getElementById('lab'), ${JSON.stringify({ preset, lang, ...options })});</script>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>docs</title><link rel="icon" href="data:,"></head>
    <body style="margin:0;font:16px/1.6 sans-serif"><main style="width:${width}px;margin:0 20px">
    <h1>A page of documentation</h1>${lab}<p id="below">The text under the lab stays where it is.</p></main></body></html>`;
}

for (const [i, [what, how, width, layout, lang, preset, options]] of HEIGHTS.entries()) {
  test(`an embed's frame is as tall as the live lab, and the text under it stays put: ${what}`, { timeout: 120000 }, async (t) => {
    const url = `${server.url}embed/first-frame-height-${how}.html`;
    const h = await held(url, { width: width + 40, height: 900 }, {
      route: (ctx) => ctx.route(url, (r) => r.fulfill({ contentType: 'text/html', body: docsPage(how, width, preset, lang, options) })),
    });
    const { page } = h;
    const scope = how === 'iframe' ? page.frameLocator('#lab') : page.locator('#lab');
    await scope.locator('.first-frame svg.pipeline-frame .station').first().waitFor({ state: 'visible' });
    assert.equal(await scope.locator('.first-frame').getAttribute('data-layout'), layout);
    // The height of the lab's box: the frame's (or, live, the lab's) `.app.embed`, as posted.
    const appHeight = (sel) => scope.locator(sel).first().evaluate((e) => e.getBoundingClientRect().height);
    const labBox = () => page.locator('#lab').evaluate((e) => e.getBoundingClientRect().height);
    const belowTop = () => page.locator('#below').evaluate((e) => e.getBoundingClientRect().top + window.scrollY);
    const frameH = await appHeight('.first-frame .app.embed');
    // The iframe takes the frame's height from its messages; a mount is as tall as its frame.
    await eventually(async () => assert.ok(Math.abs(await labBox() - frameH) <= 2, `${what}: the lab's box ${await labBox()} px, its frame ${frameH} px`));
    // (A full-page screenshot resizes the viewport for a moment: taken before the paragraph is watched.)
    await page.screenshot({ path: `${ARTIFACTS}first-frame-height-${i}-${how}-${width}-${lang}-held.png`, fullPage: true });
    const below = await belowTop();
    // Every position the paragraph takes from here on (each animation frame), until the lab is live.
    await page.evaluate(() => {
      const el = document.getElementById('below');
      window.__belowTops = [];
      const tick = () => { window.__belowTops.push(el.getBoundingClientRect().top + window.scrollY); if (!window.__stopTops) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    });
    h.release();
    await scope.locator('svg.pipeline .station').first().waitFor({ state: 'visible', timeout: 60000 });
    await eventually(async () => assert.equal(await scope.locator('.first-frame').count(), 0, 'the frame is gone'));
    await scope.locator(`.embed-stage[data-orientation=${layout.slice('embed-'.length)}]`).waitFor({ timeout: 30000 });
    await eventually(async () => {
      const live = await appHeight('.app.embed');
      assert.ok(Math.abs(live - frameH) <= 2, `${what}: the live lab is ${live.toFixed(1)} px tall, its frame was ${frameH.toFixed(1)} px`);
      assert.ok(Math.abs(await labBox() - frameH) <= 2, `${what}: the lab's box ${await labBox()} px after, ${frameH} px before`);
      assert.ok(Math.abs(await belowTop() - below) <= 2, `${what}: the text under the lab at ${await belowTop()} px, ${below} px before`);
    });
    const tops = await page.evaluate(() => { window.__stopTops = true; return window.__belowTops; });
    await page.screenshot({ path: `${ARTIFACTS}first-frame-height-${i}-${how}-${width}-${lang}-live.png`, fullPage: true });
    assert.deepEqual(h.errors, []);
    await h.ctx.close();
    // Frame by frame, too: the live embed's first render is already for its own width (mount_lab
    // and an iframe's document measure it before that render), so the text under it never jumps.
    await t.test('in every animation frame while the lab replaces its frame', () => {
      const moved = Math.max(...tops.map((y) => Math.abs(y - below)));
      if (process.env.E2E_DEBUG_TOPS) console.log(what, below, JSON.stringify(tops.map((y) => Math.round(y))));
      assert.ok(moved <= 2, `${what}: the text under the lab moved by up to ${moved.toFixed(1)} px while the lab replaced its frame (${tops.length} frames)`);
    });
  });
}

/** Opens `url` with the lab's code held, waits until the loader asks for it, and checks that
 *  no frame was drawn (the boot box shows instead); then lets the lab load. */
async function noFrame(url, what, opts = {}) {
  const h = await held(url, { width: 1200, height: 800 }, opts);
  const { page } = h;
  await eventually(() => assert.ok(h.state.atLabRequest, 'the lab\'s code is requested'), { message: what });
  assert.equal(h.state.atLabRequest.frame, false, `${what}: no frame`);
  assert.equal(await page.locator('.first-frame').count(), 0, `${what}: no frame`);
  assert.equal(await page.locator('#losslab-boot').isVisible(), true, `${what}: the boot box says the lab is loading`);
  h.release();
  await page.locator(opts.ready ?? 'svg.pipeline .station').first().waitFor({ state: 'attached', timeout: 60000 });
  await h.ctx.close();
}

test('no frame where the lab does not start at a preset\'s t = 0; the lab still loads', { timeout: 300000 }, async () => {
  // A run link: made by the lab itself (its URL after loading a preset).
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(`${server.url}?preset=async-flush-power-loss&lang=en`);
  await page.locator('svg.pipeline').waitFor();
  // Untouched at t = 0 its address stays the plain query (first_frame_reload.test.mjs); a seek writes the link.
  await page.locator('[data-testid=scrub]').fill('1500');
  await page.waitForURL(/#run=v1\./);
  const link = page.url();
  await page.close();
  await noFrame(link, 'a #run= link');
  await noFrame(`${server.url}?preset=no-such-preset&lang=en`, 'an unknown preset');
  await noFrame(`${server.url}?preset=async-flush-power-loss&version=5.3.3&lang=en`, 'another release');
  await noFrame(`${server.url}?preset=whole-path&hide=tour&lang=en`, 'the page\'s tour hidden');
  await noFrame(`${server.url}?preset=whole-path&hide=log,inspector&lang=en`, 'the page\'s inspector hidden');
  await noFrame(`${server.url}?lang=en#sweep=`, 'the settings sweep', { ready: '[data-testid=sweep-toggle]' });
});

test('a fragment that does not come: the lab loads as before', { timeout: 120000 }, async () => {
  await noFrame(`${server.url}?preset=async-flush-power-loss&lang=en`, 'the fragment answers 404', {
    route: (ctx) => ctx.route('**/first-frame/**', (r) => r.fulfill({ status: 404, body: 'not found' })),
  });
});

test('a wasm that cannot load while the frame is shown: the boot box says so', { timeout: 120000 }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await ctx.newPage();
  await ctx.route('**/losslab-web_bg.wasm', (r) => r.fulfill({ status: 404, body: 'gone' }));
  await page.goto(`${server.url}?preset=async-flush-power-loss&lang=en`);
  await page.locator('#losslab-boot[data-boot=failed]').waitFor({ state: 'visible', timeout: 60000 });
  assert.match(await page.locator('#losslab-boot').innerText(), /could not load/);
  assert.equal(await page.locator('.first-frame').count(), 0, 'the frame gave way to the failure box');
  await ctx.close();
});

// The loader's reading of the URL, without a browser: the same options the lab reads
// (src/share.rs LabOptions::from_url, src/i18n.rs negotiate), each case that changes the first frame.
test('the URL rules: which page starts at a preset\'s t = 0 frame, in which language and layout', async () => {
  const ff = await import('../../www/first-frame.mjs');
  const page = (search, hash = '', langs = ['en-US']) => ff.pageFrameOptions(search, hash, langs);
  assert.deepEqual(page(''), { preset: 'whole-path', lang: 'en', embed: false, caption: null, hidden: [] }, 'no query: the default preset');
  assert.equal(page('?preset=async-flush-power-loss&lang=zh').lang, 'zh');
  assert.equal(page('?preset=x', '', ['zh-CN', 'en']).lang, 'zh', 'the browser\'s first language the lab speaks');
  assert.equal(page('?lang=fr', '', ['de', 'zh-TW']).lang, 'zh', 'a language the lab does not speak: the browser\'s');
  assert.equal(page('?lang=ZH_cn').lang, 'zh', 'the primary subtag, any case');
  assert.equal(page('?lang=zh&lang=en').lang, 'en', 'the last lang= (as from_url)');
  assert.equal(page('?embed=1&preset=whole-path').embed, true);
  assert.equal(page('?embed=0&preset=whole-path').embed, false);
  assert.equal(page('?embed=1&caption=A%20b+c').caption, 'A b c');
  assert.equal(page('?preset=whole-path&id=x&lock=1&hide=log,config,faults&foo=bar').preset, 'whole-path', 'options that do not change the frame');
  // An embed's frame draws every panel; the loader takes out the hidden ones (lock=1: the
  // configuration and the presets), as share::parse_panels and LabOptions::shows read them.
  assert.deepEqual(page('?embed=1&preset=whole-path&hide=inspector,tour').hidden, ['inspector', 'tour']);
  assert.deepEqual(page('?embed=1&preset=whole-path&hide=summary').hidden, ['summary'], 'an embed\'s summary hidden: a frame without it');
  assert.deepEqual(page('?embed=1&preset=whole-path&hide= LOG,bogus,log&lock=1').hidden, ['config', 'log', 'presets'], 'trimmed, any case, unknown names ignored, each once');
  assert.deepEqual(page('?embed=1&preset=whole-path&hide=log&hide=config').hidden, ['config'], 'the last hide= (as from_url)');
  assert.deepEqual(page('?embed=1&preset=whole-path&lock=0').hidden, []);
  assert.equal(page('?embed=1&preset=whole-path&id=lab-1').id, 'lab-1', 'the id the frame\'s height messages carry');
  globalThis.location ??= { search: '' }; // node has neither; mountFrameOptions reads the page's lang=
  globalThis.navigator ??= { languages: ['en'] };
  assert.deepEqual(ff.mountFrameOptions({ preset: 'whole-path', lang: 'en', lock: true, hide: ['log', 'Inspector'] }).hidden, ['config', 'inspector', 'log', 'presets'], 'a mount\'s hide array and lock');
  for (const [search, hash, why] of [
    ['?preset=whole-path', '#run=v1.abc', 'a run link'],
    ['?preset=whole-path', '#x=1&run=v1.abc', 'a run link'],
    ['', '#sweep=1', 'the settings sweep'],
    ['?preset=whole-path&version=5.3.3', '', 'another release'],
    ['?preset=whole-path&hide=Tour', '', 'the page\'s tour hidden'],
    ['?preset=whole-path&hide=summary', '', 'the page\'s summary hidden'],
    ['?preset=../etc/passwd', '', 'not a preset id'],
    ['?preset=%3Cb%3E', '', 'not a preset id'],
  ]) assert.equal(page(search, hash).preset, undefined, `${search}${hash}: ${why}`);
  assert.equal(page('?embed=1&preset=whole-path', '#sweep=1').preset, 'whole-path', 'an embed never opens the sweep page');
  assert.equal(page('?preset=whole-path&version=').preset, 'whole-path', 'an empty version is none');
  assert.deepEqual([ff.layoutFor(false, 759), ff.layoutFor(false, 760), ff.layoutFor(true, 599), ff.layoutFor(true, 600), ff.layoutFor(true, 999), ff.layoutFor(true, 1000)],
    ['page-tall', 'page-wide', 'embed-tall', 'embed-compact', 'embed-compact', 'embed-wide']);
  assert.equal(ff.fragmentUrl('http://h/lab/', 'whole-path', 'zh', 'page-tall'), 'http://h/lab/first-frame/whole-path.zh.page-tall.html');
});
