// End to end: both languages, the keyboard, the live region, reduced motion, axe in both languages
// and both colour schemes, and screenshots (zh/en × light/dark × 1440/375) into artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ARTIFACTS, startLab, stopLab, cursorMs, eventually, expectText, expectCount, expectValue, expectAttr, expectUrl, seekTo, setSpeed, settle, runAxe, seriousIds } from './helpers.mjs';
let server, browser;

// The catalogue's key names (e.g. `SummaryHeading`): none may ever show up as text.
const KEY_NAMES = [...readFileSync(new URL('../../src/i18n.rs', import.meta.url), 'utf8').matchAll(/^\s+([A-Z][a-z]+[A-Z]\w*) => "/gm)].map(m => m[1]);
const CJK = /[\u4e00-\u9fff]/;

before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

async function open(query, { viewport = { width: 1440, height: 900 }, colorScheme = 'light', reducedMotion = 'no-preference' } = {}) {
  const page = await browser.newPage({ viewport, colorScheme, reducedMotion });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(`${server.url}${query}`);
  await page.waitForSelector('svg.pipeline');
  return { page, errors };
}

/** Visible text outside the English-only parts (the event log and the history are English by design). */
async function uiText(page) {
  return page.evaluate(() => {
    const parts = [];
    const walk = el => {
      if (el.closest('[lang="en"]') && el !== document.documentElement) return;
      for (const n of el.childNodes) {
        if (n.nodeType === Node.TEXT_NODE) parts.push(n.textContent);
        else if (n.nodeType === Node.ELEMENT_NODE) walk(n);
      }
    };
    walk(document.body);
    const attrs = [...document.querySelectorAll('[aria-label],[title],[placeholder]')]
      .filter(e => !e.closest('[lang="en"]'))
      .flatMap(e => ['aria-label', 'title', 'placeholder'].map(a => e.getAttribute(a)).filter(Boolean));
    return parts.join(' ') + ' ' + attrs.join(' ');
  });
}

for (const lang of ['zh', 'en']) {
  test(`${lang}: every label is translated, no key or blank leaks`, { timeout: 60000 }, async () => {
    const { page, errors } = await open(`?lang=${lang}`);
    await expectAttr(page, 'html', 'lang', lang === 'zh' ? 'zh-CN' : 'en');
    await seekTo(page, 3500);
    await page.click('#lost-list button');
    await page.waitForSelector('[data-testid=inspector] [data-testid=explain]');
    await page.keyboard.press('?');
    await page.waitForSelector('[data-testid=help-dialog]');
    const text = await uiText(page);
    assert.doesNotMatch(text, /\{\d\}/, 'an unfilled blank');
    const leaked = KEY_NAMES.filter(k => new RegExp(`\\b${k}\\b`).test(text));
    assert.deepEqual(leaked, [], 'catalogue key names shown as text');
    const headings = await eventually(async () => {
      const headings = await page.locator('h2').allInnerTexts();
      assert.ok(headings.length >= 7, headings.join(' | '));
      return headings;
    });
    for (const h of headings) {
      if (lang === 'zh') assert.match(h, CJK, `panel heading without Chinese: ${h}`);
      else assert.doesNotMatch(h, CJK, `English heading with Chinese: ${h}`);
    }
    if (lang === 'zh') {
      assert.match(text, /同步刷盘|异步刷盘/);
      assert.match(text, /死信队列/);
      await expectText(page, '[data-testid=explain]', /断电/);
      await expectText(page, '#log-h', /英文原文/);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('the language switch keeps the preset in the URL, and the run link once the run moves', { timeout: 60000 }, async () => {
  const { page } = await open('?lang=en&preset=max-reconsume-3');
  await page.click('.lang button[data-lang=zh]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('lang') === 'zh');
  // Untouched at the preset's t = 0 the address is the plain query (it reproduces the run, and a
  // reload draws its first frame); the language travels in it.
  let url = new URL(await expectUrl(page, /\?preset=max-reconsume-3&lang=zh$/));
  assert.equal(url.hash, '');
  await expectText(page, '#summary-h', '汇总');
  await seekTo(page, 1000);
  url = new URL(await expectUrl(page, /#run=v1\./));
  assert.equal(url.searchParams.get('preset'), 'max-reconsume-3');
  assert.equal(url.searchParams.get('lang'), 'zh');
  await page.close();
});

test('the browser language chooses when the URL does not', { timeout: 60000 }, async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(server.url);
  await page.waitForSelector('svg.pipeline');
  await expectAttr(page, 'html', 'lang', 'zh-CN');
  await expectUrl(page, /[?&]lang=zh/);
  await ctx.close();
});

test('keyboard only: play, cut the master power, open a lost message, hear about it', { timeout: 120000 }, async () => {
  // The ASYNC_FLUSH preset (no fault before 3 s): the default whole-path run cuts the power at
  // 1.95 s itself, and a cut at 1.2 s then absorbs it (faults compose), so no mark is added.
  const { page, errors } = await open('?lang=en&preset=async-flush-power-loss');
  const kb = page.keyboard;
  await kb.press('+');
  await kb.press('+');
  await expectValue(page, '[data-testid=speed]', '1');
  await kb.press(' ');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=scrub]').value) >= 1200, null, { timeout: 60000, polling: 50 });
  await kb.press('k');
  await expectAttr(page, '[data-testid=play]', 'data-playing', 'false', 'K pauses');
  const t = await eventually(async () => {
    const a = await cursorMs(page);
    await settle(page);
    assert.equal(await cursorMs(page), a, 'the playhead holds still');
    return a;
  });
  const marks = await page.locator('.fault-mark').count();
  await kb.press('p');
  await expectCount(page, '.fault-mark', n => n > marks, 'P cut the power at the playhead');
  assert.equal(await cursorMs(page), t);
  await page.waitForSelector('#lost-list button');
  await page.waitForFunction(() => /lost: the master lost power before/.test(document.querySelector('[data-testid=announcer]').textContent), null, { timeout: 5000 });
  const said = await page.textContent('[data-testid=announcer]');
  assert.match(said, /fault: Cut master power/, "the fault in its button's words");
  assert.doesNotMatch(said, /POWER_LOSS/);
  await kb.press('l');
  await eventually(async () => assert.equal(await page.evaluate(() => document.activeElement.matches('#lost-list button')), true, 'L focuses the first lost message'));
  await kb.press('Enter');
  await page.waitForSelector('[data-testid=inspector] [data-testid=explain]');
  await expectText(page, '[data-testid=explain]', /lost power/);
  await expectText(page, '[data-testid=inspector]', /LOST_AFTER_ACK/);
  await eventually(async () => assert.equal(await page.evaluate(() => document.activeElement.id), 'insp-h', 'the focus moves to the inspector'));
  await page.screenshot({ path: `${ARTIFACTS}keyboard-inspector-en-1440.png` });
  await kb.press('Escape');
  await expectCount(page, '[data-testid=explain]', 0, 'Escape closes the inspector');
  const beforeStep = await cursorMs(page);
  await kb.press('ArrowRight');
  await eventually(async () => assert.ok(await cursorMs(page) > beforeStep, 'ArrowRight steps'));
  await kb.press('?');
  await page.waitForSelector('[data-testid=help-dialog]');
  await expectText(page, '[data-testid=help-dialog]', /cut the master's power/);
  await kb.press('Escape');
  await expectCount(page, '[data-testid=help-dialog]', 0);
  await eventually(async () => assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'play', 'the focus goes to Play'));
  // Space there plays or pauses; it once pressed the focused help button and re-opened the help.
  const wasPlaying = await page.getAttribute('[data-testid=play]', 'data-playing');
  await kb.press(' ');
  await eventually(async () => assert.notEqual(await page.getAttribute('[data-testid=play]', 'data-playing'), wasPlaying, 'Space toggles playback'));
  assert.equal(await page.locator('[data-testid=help-dialog]').count(), 0, 'Space did not re-open the help');
  if (wasPlaying === 'false') {
    await kb.press(' ');
    await eventually(async () => assert.equal(await page.getAttribute('[data-testid=play]', 'data-playing'), 'false'));
  }
  // Tab reaches the controls in order, with a visible focus ring.
  await kb.press('Tab');
  await eventually(async () => {
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(ring, 'none');
  });
  assert.deepEqual(errors, []);
  await page.close();
});

test('shortcuts stay quiet while typing in a field', { timeout: 60000 }, async () => {
  const { page } = await open('?lang=en');
  await page.focus('[data-testid=log-msg]');
  await page.keyboard.type('p d 12');
  await expectValue(page, '[data-testid=log-msg]', 'p d 12');
  assert.equal(await page.locator('[data-testid=help-dialog]').count(), 0, 'typing `?`-free text opened no dialog');
  // A key outside the field that does act: once its effect shows, the typed keys were handled
  // too, so the absence of their effects below is a fact, not a sample taken too early.
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('?');
  await page.waitForSelector('[data-testid=help-dialog]');
  assert.equal(await page.locator('.fault-mark').count(), 1, 'only the preset\'s own power cut is marked');
  assert.equal(await cursorMs(page), 0);
  await page.close();
});

/** Distinct positions of travelling tokens, sampled on every animation frame for 3 s of play. */
async function movingPositions(page) {
  await setSpeed(page, '0.1');
  await seekTo(page, 0);
  await page.click('[data-testid=play]');
  await expectAttr(page, '[data-testid=play]', 'data-playing', 'true');
  const seen = await page.evaluate(() => new Promise(resolve => {
    const seen = new Set();
    const end = performance.now() + 3000;
    const frame = () => {
      // The token canvas answers what it drew last (src/components/token_canvas.rs).
      const drawn = document.querySelector('svg.pipeline canvas.token-canvas').tokens();
      drawn.filter(t => t.moving).forEach(t => seen.add(`${t.x.toFixed(1)} ${t.y.toFixed(1)}`));
      if (performance.now() < end) requestAnimationFrame(frame); else resolve([...seen]);
    };
    requestAnimationFrame(frame);
  }));
  await page.click('[data-testid=play]');
  return seen;
}

test('reduced motion: tokens jump between stations instead of gliding', { timeout: 90000 }, async () => {
  const { page } = await open('?lang=en&preset=defaults', { reducedMotion: 'reduce' });
  await expectAttr(page, 'svg.pipeline', 'data-motion', 'jump');
  const jumps = await movingPositions(page);
  // Gliding tokens would be drawn anywhere along their way; jumping ones only at a station's centre.
  assert.ok(jumps.length <= 11, `travelling tokens sit only on the 11 station centres: ${jumps.join(' ')}`);
  const anims = await page.evaluate(() => document.getAnimations().length);
  assert.equal(anims, 0, 'nothing animates');
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await page.waitForFunction(() => document.querySelector('svg.pipeline').dataset.motion === 'glide');
  console.log(`moving-token positions: jump ${jumps.length}, glide ${(await movingPositions(page)).length}`);
  await page.close();
});

for (const lang of ['en', 'zh']) {
  for (const colorScheme of ['light', 'dark']) {
    test(`axe: no serious or critical violations (${lang}, ${colorScheme}); screenshots`, { timeout: 90000 }, async () => {
      const { page } = await open(`?lang=${lang}`, { colorScheme });
      await seekTo(page, 3500);
      await page.click('#lost-list button');
      await page.waitForSelector('[data-testid=inspector] [data-testid=explain]');
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${ARTIFACTS}view-${lang}-${colorScheme}-1440.png` });
      await page.screenshot({ path: `${ARTIFACTS}view-${lang}-${colorScheme}-1440-full.png`, fullPage: true });
      assert.deepEqual(seriousIds(await runAxe(page, `${lang}/${colorScheme}`)), []);
      await page.setViewportSize({ width: 375, height: 812 });
      await settle(page);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${ARTIFACTS}view-${lang}-${colorScheme}-375.png` });
      await page.screenshot({ path: `${ARTIFACTS}view-${lang}-${colorScheme}-375-full.png`, fullPage: true });
      await page.close();
    });
  }
}
