// End to end: the first frame (issue 23) on a reload, and an embedded lab's first render in its
// own arrangement.
//
// 1. A lab untouched at a preset's t = 0 keeps the plain query as its address (`?preset=…&lang=…`,
//    no `#run=`: src/share.rs `query_reproduces`), so reloading the home page or a preset link
//    draws the static first frame (www/first-frame.mjs) before the lab's code arrives; the first
//    seek writes the `#run=` link as before.
// 2. An embedded lab (a module mount in a docs column of a wide window, an iframe) renders its
//    first live diagram already in its own arrangement (src/mount.rs measures the element before the
//    first render), never the window's first and its own a moment later.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, startLab, stopLab, eventually, seekTo } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

const ff = await import('../../www/first-frame.mjs');
const LAB_CODE = /\/(losslab-web(_bg\.wasm|\.js)|snippets\/losslab-web[^/]*\/.*)$/;

/**
 * Holds the lab's code (its JS glue, snippets and wasm) in `ctx` from now on, until `release()`;
 * `state.atLabRequest` is what the page showed when the code was first requested (as in
 * first_frame.test.mjs).
 */
async function holdLabCode(ctx) {
  let release;
  const gate = new Promise((r) => (release = r));
  const state = { atLabRequest: null, labRequests: 0 };
  await ctx.route(LAB_CODE, async (r) => {
    if (state.labRequests++ === 0) {
      state.atLabRequest = await r.request().frame().evaluate(() => {
        const f = document.querySelector('.first-frame');
        return { frame: !!f && !!f.querySelector('svg.pipeline-frame .station'), preset: f?.dataset.preset ?? null, layout: f?.dataset.layout ?? null };
      }).catch(() => null);
    }
    await gate;
    await r.continue().catch(() => {});
  });
  return { state, release };
}

const plain = (url) => new URL(url).hash === '';

for (const [what, start, preset, viewport, layout] of [
  ['the home page', '', 'whole-path', { width: 1200, height: 800 }, 'page-wide'],
  ['a preset link', '?preset=async-flush-power-loss', 'async-flush-power-loss', { width: 1200, height: 800 }, 'page-wide'],
  ['an iframe embed\'s page', '?embed=1&preset=book-recommendation&caption=A%20power%20cut&id=lab-1', 'book-recommendation', { width: 690, height: 800 }, 'embed-compact'],
]) {
  test(`a reload of ${what} draws the first frame; a seek writes the run link`, { timeout: 180000 }, async () => {
    const ctx = await browser.newContext({ viewport, locale: 'en-US' });
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url + start);
    await page.locator('svg.pipeline .station').first().waitFor({ state: 'attached', timeout: 60000 });
    // The live lab, untouched: its address is the plain query, with the language it settled on.
    await page.waitForURL((u) => plain(u) && u.searchParams.get('preset') === preset && u.searchParams.get('lang') === 'en', { timeout: 20000 });
    const written = new URL(page.url());
    assert.equal(written.hash, '', `${what}: no #run= while untouched`);
    // …which is exactly what the loader draws a frame for.
    const f = ff.pageFrameOptions(written.search, written.hash, ['en-US']);
    assert.equal(f.preset, preset, `${what}: the loader reads ${written.search} as the preset's t = 0`);
    assert.equal(f.lang, 'en');

    // Reload with the lab's code held back: the frame is drawn before it is requested.
    const { state, release } = await holdLabCode(ctx);
    await page.reload();
    await eventually(() => assert.ok(state.atLabRequest, 'the lab\'s code is requested'), { message: what });
    assert.deepEqual(state.atLabRequest, { frame: true, preset, layout }, `${what}: the frame was drawn before the lab's code was requested`);
    await page.locator('.first-frame svg.pipeline-frame .station').first().waitFor({ state: 'visible' });
    await page.screenshot({ path: `${ARTIFACTS}first-frame-reload-${preset}.png` });
    release();
    await page.locator('svg.pipeline .station').first().waitFor({ state: 'visible', timeout: 60000 });
    await eventually(async () => assert.equal(await page.locator('.first-frame').count(), 0, 'the frame is gone'));
    // The reloaded lab is the same run at t = 0, and keeps its plain address.
    assert.equal(new URL(page.url()).search, written.search);
    assert.ok(plain(page.url()), page.url());

    // Anything that moves the run writes the link, as before; back at 0 untouched, plain again.
    await seekTo(page, 1500);
    await page.waitForURL(/\?[^#]*preset=[^#]*#run=v1\./, { timeout: 20000 });
    assert.equal(new URL(page.url()).search, written.search, 'the query stays');
    await seekTo(page, 0);
    await page.waitForURL((u) => plain(u) && u.search === written.search, { timeout: 20000 });
    assert.deepEqual(errors, []);
    await ctx.close();
  });
}

// Installed before any of the page's scripts: records, for every embedded lab, the arrangement
// (`.embed-stage[data-orientation]`) its live diagram (`svg.pipeline`) had when it was first
// inserted, and every arrangement after that. Watches the document (an iframe's lab) and every
// shadow root as it is attached (a module mount). A MutationObserver may run after a second
// render has already changed the attribute: the first change's old value is then the first.
function recordArrangements() {
  const labs = [];
  const known = new Map();
  const watch = (root) => new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') {
        known.get(r.target)?.olds.push(r.oldValue);
        continue;
      }
      for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue;
        for (const svg of n.matches('svg.pipeline') ? [n] : n.querySelectorAll('svg.pipeline')) {
          const stage = svg.closest('.embed-stage');
          if (!stage || svg.closest('.first-frame') || known.has(stage)) continue;
          const lab = { stage, olds: [], width: Math.round(svg.closest('.app').getBoundingClientRect().width) };
          known.set(stage, lab);
          labs.push(lab);
        }
      }
    }
  }).observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-orientation'], attributeOldValue: true });
  watch(document);
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const shadow = attach.call(this, init);
    watch(shadow);
    return shadow;
  };
  window.__arrangements = () => labs.map(({ stage, olds, width }) => {
    const values = [...olds, stage.dataset.orientation].filter((v, i, all) => i === 0 || v !== all[i - 1]);
    return { width, first: values[0], values, host: stage.getRootNode().host?.id ?? null };
  });
}

/** `embed::embed_orientation`: the arrangement of an embedded lab `width` px wide. */
const own = (width) => ff.layoutFor(true, width).replace('embed-', '');

test('an embedded lab\'s first live render is already its own arrangement (690 px column, 1440 px window)', { timeout: 180000 }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await ctx.addInitScript(recordArrangements);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}embed/example.html`);
  await page.waitForFunction(() => document.body.dataset.moduleMounted === 'true' && window.__arrangements().length === 1, null, { timeout: 60000 });
  const frame = page.frames().find((f) => f.url().includes('embed=1'));
  await frame.waitForFunction(() => window.__arrangements().length === 1, null, { timeout: 60000 });
  // A lab mounted once the module is loaded (no static frame) into a narrow box of the same page.
  await page.evaluate(async () => {
    const el = document.createElement('div');
    el.id = 'narrow-lab';
    el.style.width = '420px';
    document.querySelector('main').append(el);
    const { mount } = await import(new URL('../losslab.mjs', location.href).href);
    await mount(el, { preset: 'whole-path', lang: 'en', hide: ['log', 'config'] });
  });
  await page.waitForFunction(() => window.__arrangements().length === 2, null, { timeout: 60000 });
  const [module, narrow] = await page.evaluate(() => window.__arrangements());
  const [iframe] = await frame.evaluate(() => window.__arrangements());
  for (const [what, lab, want] of [['the module mount', module, 'compact'], ['the iframe', iframe, 'compact'], ['a 420 px module mount', narrow, 'tall']]) {
    assert.equal(own(lab.width), want, `${what} is ${lab.width}px wide`);
    assert.equal(lab.first, want, `${what}: the first live render is drawn for its own ${lab.width}px, not the window's (${JSON.stringify(lab.values)})`);
    assert.deepEqual(lab.values, [want], `${what}: one arrangement from the first render on`);
  }
  assert.equal(module.host, 'lab-module');
  assert.equal(narrow.host, 'narrow-lab');
  assert.deepEqual(errors, []);
  await ctx.close();
});
