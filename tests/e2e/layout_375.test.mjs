// End to end (issue 24 item 7): at 375 px, with 5-digit message ids, checked at a point mid-run
// (tokens travelling and resting, answer lines in the producer's feed) rather than at the end:
// tokens stay in the picture and resting ones in their station, the producer's answer lines stay
// in its box, log lines and the page do not overflow. And the keyboard focus returns to Play after
// the help dialog closes and after a preset is chosen, which also scrolls to its picture.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, startLab, stopLab, openApp, seekTo, eventually, expectAttr, settle } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

test('375 px, 5-digit ids mid-run: tokens, answer lines and log lines stay inside', { timeout: 180000 }, async () => {
  const { page, errors } = await openApp(browser, server.url + '?lang=en&preset=defaults', { width: 375, height: 812 });
  await page.fill('#cfg-producer-messages', '12000');
  // One send every 2 ms (defaults: 10 ms), so the 5-digit ids are sent within the run's minute.
  await page.fill('#cfg-producer-interval', '2ms');
  await page.click('[data-testid=apply]');
  await page.waitForFunction(() => /of 12000 sent/.test(document.querySelector('.st-producer .st-sub')?.dataset.full ?? ''), null, { timeout: 60000 });
  const max = Number(await page.getAttribute('[data-testid=scrub]', 'max'));
  // Find a moment while the 5-digit ids are being sent (tokens rest in their stations meanwhile).
  let found = null;
  for (let f = 0.5; f < 1 && !found; f += 0.05) {
    await seekTo(page, Math.round(max * f));
    await settle(page);
    const toks = await page.evaluate(() => document.querySelector('canvas.token-canvas').tokens());
    if (toks.some(t => t.msg >= 10000 && t.moving) && toks.some(t => !t.moving)) found = { f, toks };
  }
  assert.ok(found, 'a mid-run moment with 5-digit ids travelling while others rest');
  const boxes = await page.evaluate(() => {
    const svg = document.querySelector('svg.pipeline');
    const vb = svg.viewBox.baseVal;
    const stations = [...svg.querySelectorAll('.stations .station > rect')].map(r => r.getBBox()).map(b => ({ x: b.x, y: b.y, w: b.width, h: b.height }));
    const prod = svg.querySelector('.st-producer > rect').getBBox();
    const answers = [...svg.querySelectorAll('.answers text')].map(t => t.getBBox()).map(b => ({ x: b.x, y: b.y, w: b.width, h: b.height }));
    return { vb: { w: vb.width, h: vb.height }, stations, prod: { x: prod.x, y: prod.y, w: prod.width, h: prod.height }, answers };
  });
  const R = 8;
  for (const t of found.toks) {
    assert.ok(t.x >= R && t.x <= boxes.vb.w - R && t.y >= R && t.y <= boxes.vb.h - R, `msg#${t.msg} inside the picture (${t.x}, ${t.y})`);
    if (!t.moving) {
      assert.ok(boxes.stations.some(b => t.x - R >= b.x - 0.5 && t.x + R <= b.x + b.w + 0.5 && t.y - R >= b.y - 0.5 && t.y + R <= b.y + b.h + 0.5),
        `resting msg#${t.msg} inside a station at (${t.x}, ${t.y})`);
    }
  }
  assert.ok(boxes.answers.length > 0, 'the producer shows its answer lines');
  const p = boxes.prod;
  for (const a of boxes.answers) {
    assert.ok(a.x >= p.x && a.x + a.w <= p.x + p.w + 0.5 && a.y >= p.y && a.y + a.h <= p.y + p.h + 0.5, `an answer line inside the producer: ${JSON.stringify(a)} in ${JSON.stringify(p)}`);
    // Not over the token grid: below every resting token of the producer.
    for (const t of found.toks.filter(t => !t.moving && t.x > p.x && t.x < p.x + p.w && t.y > p.y && t.y < p.y + p.h)) {
      assert.ok(a.y >= t.y + R - 0.5, `answer line at ${a.y} clear of msg#${t.msg} at ${t.y}`);
    }
  }
  const overflow = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    rows: [...document.querySelectorAll('.log-view .row')].filter(r => r.getBoundingClientRect().right > document.querySelector('.log-view').getBoundingClientRect().right + 1).length,
  }));
  assert.ok(overflow.page <= 375, `the page is not wider than the phone (${overflow.page})`);
  assert.equal(overflow.rows, 0, 'no log line runs out of the log');
  await page.locator('svg.pipeline').screenshot({ path: `${ARTIFACTS}ids-5-digit-375-midrun.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the focus returns to Play after the help closes and after a preset is chosen, which shows its picture', { timeout: 90000 }, async () => {
  const { page, errors } = await openApp(browser, server.url + '?lang=en', { width: 1440, height: 900 });
  const onPlay = () => page.evaluate(() => document.activeElement?.dataset?.testid === 'play');
  await page.keyboard.press('?');
  await page.waitForSelector('[data-testid=help-dialog]');
  await page.keyboard.press('Escape');
  await eventually(async () => assert.ok(await onPlay(), 'Play has the focus after the help closes'));
  await page.locator('[data-preset=retry-then-success]').scrollIntoViewIfNeeded();
  await page.click('[data-preset=retry-then-success]');
  await eventually(async () => assert.ok(await onPlay(), 'Play has the focus after a preset is chosen'));
  await eventually(async () => {
    const top = await page.evaluate(() => document.querySelector('svg.pipeline').getBoundingClientRect().top);
    assert.ok(top >= 0 && top < 300, `the picture is in view (top ${top})`);
  });
  await page.keyboard.press(' ');
  await expectAttr(page, '[data-testid=play]', 'data-playing', 'true', 'Space plays the chosen preset');
  await page.screenshot({ path: `${ARTIFACTS}preset-chosen-scrolled-1440.png` });
  assert.deepEqual(errors, []);
  await page.close();
});
