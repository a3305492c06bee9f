// End to end: embeds in a documentation column. The example page (www/embed/example.html) is a
// plain docs page with a 690 px text column, heading rules and code styling. In it, the sandboxed
// iframe (with and without hide=) and the ES module show the whole path and the control bar within
// 700 px at normal text size; the module lab is isolated from the page in both directions; and a
// sandboxed frame served without Access-Control-Allow-Origin says why it is empty.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ARTIFACTS, startLab, stopLab, launch, assertPagesClean } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

/** In `scope` (a frame or the module's host element): where the picture and the control bar end
 *  relative to the lab's top, the orientation, and the drawn size of the station titles. */
async function measure(handle) {
  return handle.evaluate((root) => {
    const q = (s) => (root.shadowRoot ?? root).querySelector(s) ?? root.querySelector(s);
    const app = q('.app.embed');
    const svg = q('svg.pipeline');
    const controls = q('.time-controls');
    const top = app.getBoundingClientRect().top;
    const title = svg.querySelector('.st-title');
    const scale = svg.getScreenCTM().a;
    return {
      orientation: q('.embed-stage').dataset.orientation,
      svgBottom: svg.getBoundingClientRect().bottom - top,
      controlsBottom: controls.getBoundingClientRect().bottom - top,
      titlePx: parseFloat(getComputedStyle(title).fontSize) * scale,
      // The numbers on message tokens are icons (as small on the desktop); every other text counts.
      smallestPx: Math.min(...[...svg.querySelectorAll('text')].filter((t) => !t.closest('.tokens') && t.getBBox().width > 0)
        .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale)),
      width: app.getBoundingClientRect().width,
    };
  });
}

function assertFits(m, what) {
  assert.equal(m.orientation, 'compact', `${what}: compact picture in a ${m.width}px column`);
  assert.ok(m.controlsBottom <= 700, `${what}: picture and controls end ${Math.round(m.controlsBottom)}px down (≤ 700)`);
  assert.ok(m.svgBottom < m.controlsBottom, `${what}: the control bar is under the picture`);
  assert.ok(m.titlePx >= 11.5, `${what}: station titles drawn at ${m.titlePx.toFixed(1)}px`);
  assert.ok(m.smallestPx >= 8.5, `${what}: smallest text drawn at ${m.smallestPx.toFixed(1)}px`);
}

test('in a 690 px docs column the iframe and the module show the whole path and the controls in 700 px', { timeout: 120000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url + 'embed/example.html');
  const column = await page.locator('main').evaluate((m) => m.clientWidth - 40);
  assert.equal(column, 690);

  const frameEl = page.locator('#lab-frame');
  const frame = page.frameLocator('#lab-frame');
  await frame.locator('svg.pipeline').waitFor({ timeout: 30000 });
  await frame.locator('.embed-stage[data-orientation=compact]').waitFor();
  assert.equal(await frame.locator('#losslab-boot').count(), 0, 'the boot message is gone once the app runs');
  const inFrame = await measure(await frame.locator('body').elementHandle());

  await page.waitForSelector('#lab-module svg.pipeline');
  await page.locator('#lab-module .embed-stage[data-orientation=compact]').waitFor();
  const mod = await measure(await page.locator('#lab-module').elementHandle());

  await page.setViewportSize({ width: 1280, height: 2400 });
  await frameEl.scrollIntoViewIfNeeded();
  await frameEl.screenshot({ path: `${ARTIFACTS}column-690-iframe.png` });
  await page.locator('#lab-module').screenshot({ path: `${ARTIFACTS}column-690-module.png` });
  console.log('iframe', inFrame, 'module', mod);
  assertFits(inFrame, 'iframe, hide=log,config');
  assertFits(mod, 'module');
  // Same picture, same size in both.
  assert.ok(Math.abs(mod.titlePx - inFrame.titlePx) < 1.5, `module ${mod.titlePx} vs iframe ${inFrame.titlePx}`);

  // Without hide: every panel, still the path and the controls first.
  await page.evaluate((src) => {
    const f = document.createElement('iframe');
    f.id = 'lab-all';
    f.className = 'losslab';
    f.setAttribute('sandbox', 'allow-scripts');
    f.src = src;
    document.querySelector('main').prepend(f);
  }, '../?embed=1&preset=book-recommendation&id=lab-all');
  const all = page.frameLocator('#lab-all');
  await all.locator('.embed-stage[data-orientation=compact]').waitFor({ timeout: 30000 });
  assert.ok(await all.locator('.event-log').count() === 1 && await all.locator('.config').count() === 1, 'all panels shown');
  assertFits(await measure(await all.locator('body').elementHandle()), 'iframe without hide');
  await page.waitForFunction(() => document.getElementById('lab-all').style.height !== '', null, { timeout: 10000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${ARTIFACTS}column-690-iframe-all-panels.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the module lab is isolated from the page in both directions', { timeout: 60000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.url + 'embed/example.html');
  const before = await page.evaluate(() => {
    const b = document.createElement('button');
    b.id = 'host-button';
    b.textContent = 'a host button';
    document.querySelector('main').append(b);
    const cs = (el) => getComputedStyle(el);
    return { root: cs(document.documentElement).fontSize, bg: cs(document.body).backgroundColor,
      button: cs(b).padding + ' ' + cs(b).borderRadius, h2: cs(document.querySelector('h2')).borderBottomWidth };
  });
  await page.waitForSelector('#lab-module svg.pipeline');
  const after = await page.evaluate(() => {
    const cs = (el) => getComputedStyle(el);
    return { root: cs(document.documentElement).fontSize, bg: cs(document.body).backgroundColor,
      button: cs(document.getElementById('host-button')).padding + ' ' + cs(document.getElementById('host-button')).borderRadius,
      h2: cs(document.querySelector('h2')).borderBottomWidth };
  });
  assert.deepEqual(after, before, 'the lab changed none of the page\'s styles');
  assert.equal(before.h2, '1px', 'the page has a heading rule (so the next check means something)');
  const inside = await page.locator('#lab-module').evaluate((host) => {
    const root = host.shadowRoot;
    const cs = (el) => getComputedStyle(el);
    const h2 = root.querySelector('.panel h2');
    const code = root.querySelector('code');
    const lab = root.querySelector('.lab-host');
    return { shadow: !!root, h2Rule: cs(h2).borderBottomWidth, codeBg: cs(code).backgroundColor,
      font: cs(lab).fontSize, line: cs(lab).lineHeight, h2Size: cs(h2).fontSize };
  });
  assert.ok(inside.shadow, 'mounted in a shadow root');
  assert.equal(inside.h2Rule, '0px', 'the page\'s heading rule does not reach the lab\'s headings');
  assert.equal(inside.codeBg, 'rgba(0, 0, 0, 0)', 'the page\'s code style does not reach the lab');
  assert.equal(inside.font, '15px', 'the lab keeps its own text size');
  assert.equal(inside.h2Size, `${(1.02 * 15).toFixed(2).replace(/0$/, '')}px`, 'rem means the lab\'s 15px, not the page\'s root size');
  // A docs theme with html { font-size: 62.5% } (mdBook's) leaves the lab's sizes alone.
  await page.addStyleTag({ content: 'html { font-size: 62.5%; line-height: 3; }' });
  const themed = await page.locator('#lab-module').evaluate((host) => getComputedStyle(host.shadowRoot.querySelector('.panel h2')).fontSize);
  assert.equal(themed, inside.h2Size);
  await page.close();
});

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

test('a sandboxed iframe served without Access-Control-Allow-Origin says why, with the fix', { timeout: 60000 }, async () => {
  const port = await freePort();
  const dist = new URL('../../dist', import.meta.url).pathname;
  // Python's plain static server: no CORS header, like a default nginx.
  let own;
  const plain = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dist], { stdio: 'ignore' });
  try {
    const url = `http://127.0.0.1:${port}/embed/example.html`;
    for (let i = 0; i < 100; i++) {
      try { if ((await fetch(url)).ok) break; } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    // A browser of its own: its pages come from this second loopback server, which the shared
    // browser's watch (pinned to the lab server's origin) would count as foreign requests.
    own = await launch();
    const page = await own.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    const frame = page.frameLocator('#lab-frame');
    const box = frame.locator('#losslab-boot[data-boot=failed]');
    await box.waitFor({ timeout: 30000 });
    const text = await box.textContent();
    assert.match(text, /could not load/);
    assert.match(text, /Access-Control-Allow-Origin: \*/);
    assert.match(text, /allow-same-origin/);
    assert.equal(await frame.locator('svg.pipeline').count(), 0);
    await page.locator('#lab-frame').screenshot({ path: `${ARTIFACTS}iframe-no-cors.png` });
    // The module on the same origin needs no CORS: it still runs.
    await page.waitForSelector('#lab-module svg.pipeline', { timeout: 30000 });
    await page.close();
    assertPagesClean(own);
  } finally {
    plain.kill();
    await own?.close();
  }
});

/** The snippet the Embed button writes (after `setup`), pasted into the example page's 690 px
 *  column without its script: how tall the lab in the frame is, once its height has held for two
 *  polls (the picture, the fonts and the summary drawn). */
async function snippetHeight(page, setup, shot) {
  if (await page.locator('[data-testid=embed-panels]').count() === 0) await page.click('[data-testid=embed]');
  await setup();
  const snippet = await page.inputValue('[data-testid=embed-snippet]');
  const host = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await host.goto(server.url + 'embed/example.html');
  await host.evaluate(html => {
    const m = document.querySelector('main');
    m.innerHTML = html;
    m.querySelector('iframe').style.height = '3000px';
  }, snippet.replace(/<script[^>]*><\/script>/, ''));
  const frameEl = await host.waitForSelector('main iframe');
  const frame = await frameEl.contentFrame();
  await frame.waitForSelector('.embed-stage[data-orientation=compact] svg.pipeline', { timeout: 30000 });
  const h = await (await frame.waitForFunction(() => {
    const h = Math.round(document.querySelector('.app.embed').getBoundingClientRect().height);
    const same = window.__lastH === h;
    window.__lastH = h;
    return same && h > 0 && h;
  }, null, { polling: 300, timeout: 30000 })).jsonValue();
  const compact = await frame.locator('[data-testid=summary][data-compact=true]').count();
  await host.locator('main iframe').screenshot({ path: `${ARTIFACTS}${shot}` }).catch(() => {});
  await host.close();
  return { h, snippet, compact };
}

test('the Embed button defaults to diagram + controls + summary: ≤ 700 px in a 690 px column, ≤ 1,200 px with hide=log,config', { timeout: 180000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // The default preset: the whole path, with its tour.
  await page.goto(server.url + '?lang=en');
  await page.waitForSelector('svg.pipeline');
  const checked = () => page.locator('[data-testid=embed-panels] input:checked').evaluateAll(is => is.map(i => i.dataset.panel));
  // The default: the picture, its controls and the summary (one line under Play in a docs column).
  const dflt = await snippetHeight(page, async () => {
    assert.deepEqual(await checked(), ['summary'], 'a new snippet embeds the picture, its controls and the summary');
  }, 'embed-snippet-default-690.png');
  console.log('diagram + controls + summary', dflt.h);
  assert.equal(dflt.compact, 1, 'the summary is its one-line form in a docs column');
  assert.ok(dflt.h <= 700, `diagram + controls + summary: ${dflt.h} px (≤ 700)`);
  // Without the summary: the snippet changes and the frame is smaller.
  const bare = await snippetHeight(page, async () => {
    await page.uncheck('[data-testid=embed-panels] input[data-panel=summary]');
  }, 'embed-snippet-bare-690.png');
  console.log('diagram + controls', bare.h);
  assert.notEqual(bare.snippet, dflt.snippet, 'the choice changes the snippet');
  assert.ok(bare.h < dflt.h, `without the summary ${bare.h} px < ${dflt.h} px`);
  // Every panel but the log and the configuration (hide=log,config).
  const most = await snippetHeight(page, async () => {
    for (const p of ['summary', 'inspector', 'tour', 'faults', 'presets']) await page.check(`[data-testid=embed-panels] input[data-panel=${p}]`);
    assert.deepEqual((await checked()).sort(), ['faults', 'inspector', 'presets', 'summary', 'tour']);
  }, 'embed-snippet-hide-log-config-690.png');
  console.log('hide=log,config', most.h);
  assert.ok(most.h <= 1200, `hide=log,config: ${most.h} px (≤ 1,200)`);
  await page.close();
});
