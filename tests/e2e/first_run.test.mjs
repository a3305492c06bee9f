// End to end: the first run (issue 24 item 2). The default preset's one run uses the whole path;
// the stations are joined by drawn links that the tokens travel along; playback slows where
// events crowd and skips idle time, and says so on the time bar; the summary shows no outcome
// before the playhead reaches it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, startLab, stopLab, openApp, seekTo, seekToEnd, rowCount, eventually, expectText, expectCount, play, pause, settle } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

test('before Play the summary tells no outcome; at the end it does', { timeout: 90000 }, async () => {
  const { page, errors } = await openApp(browser, server.url + '?lang=en');
  await expectText(page, '[data-testid=scenario-name]', /whole path/);
  await expectCount(page, '[data-testid=summary] td[data-at-end=shown]', 0, 'no "at end" figure before Play');
  await expectCount(page, '[data-testid=summary] td[data-at-end=hidden]', n => n >= 8);
  const cost = await page.locator('[data-testid=cost] td').allInnerTexts();
  assert.ok(cost.every(c => c.trim() === '…'), `the cost is the whole run's: hidden before the end (${cost})`);
  await expectText(page, '[data-testid=broken]', /^0/);
  assert.doesNotMatch(await page.textContent('[data-testid=broken]'), /end of the run/);
  await page.screenshot({ path: `${ARTIFACTS}first-run-start-1440.png` });
  await seekToEnd(page);
  await expectCount(page, '[data-testid=summary] td[data-at-end=hidden]', 0, 'every figure at the end');
  await eventually(async () => {
    assert.equal((await rowCount(page, 'verdict', 'LOST_AFTER_ACK')).atEnd, 5);
    assert.equal((await rowCount(page, 'verdict', 'DEAD_LETTERED')).atEnd, 1);
    assert.equal((await rowCount(page, 'verdict', 'DELIVERED')).atEnd, 14);
  });
  await expectText(page, '[data-testid=broken]', /by the end of the run/);
  await page.screenshot({ path: `${ARTIFACTS}first-run-end-1440.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

/** Distance from point p to the segment a–b. */
function dist([px, py], [ax, ay], [bx, by]) {
  const [dx, dy] = [bx - ax, by - ay];
  const k = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - (ax + k * dx), py - (ay + k * dy));
}

for (const [width, name] of [[1440, 'wide'], [375, 'tall']]) {
  test(`${name}: the stations are joined by links and tokens travel along them`, { timeout: 90000 }, async () => {
    const { page, errors } = await openApp(browser, server.url + '?lang=en', { width, height: 900 });
    const links = await page.locator('[data-testid=links] .link').evaluateAll(ls => ls.map(l => ({
      what: l.dataset.link, pts: l.dataset.points.split(' ').map(p => p.split(',').map(Number)) })));
    assert.deepEqual(links.map(l => l.what), ['send', 'replicate', 'dispatch', 'pull', 'retry', 'dead-letter']);
    const on = new Set();
    // msg#0 is sent at 0 and arrives at 20 ms; msg#2's retry is pulled from %RETRY% at 26.05 s and arrives at 26.07 s.
    for (const ms of [...Array(19).keys()].map(i => i + 1).concat([...Array(19).keys()].map(i => 26051 + i))) {
      await seekTo(page, ms);
      await settle(page);
      const moving = await page.evaluate(() => document.querySelector('canvas.token-canvas').tokens().filter(t => t.moving));
      for (const t of moving) for (const l of links) if (dist([t.x, t.y], l.pts[0], l.pts[1]) < 1) on.add(l.what);
    }
    assert.ok(on.has('send'), `a send crosses the send link (${[...on]})`);
    assert.ok(on.has('retry'), `the retried message comes back along the retry link (${[...on]})`);
    await seekTo(page, 10);
    await settle(page);
    await page.locator('svg.pipeline').screenshot({ path: `${ARTIFACTS}first-run-links-${width}.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('playback slows where events crowd and skips idle time, saying so on the time bar', { timeout: 90000 }, async () => {
  const { page, errors } = await openApp(browser, server.url + '?lang=en');
  await play(page);
  await page.waitForSelector('[data-testid=pace][data-pace=slowed]', { timeout: 10000 });
  await expectText(page, '[data-testid=pace]', /slowed to [\d.]+× here/);
  await pause(page);
  await expectCount(page, '[data-testid=pace][data-pace=normal]', 1, 'paused: nothing said');
  // After the power cut (1.95 s) nothing happens until the master restarts at 13.95 s.
  await seekTo(page, 2100);
  await play(page);
  await page.waitForSelector('[data-testid=pace][data-pace=skipped]', { timeout: 10000 });
  await expectText(page, '[data-testid=pace]', /skipped [\d.]+\s?m?s in which nothing happened/);
  await page.locator('.time-controls').screenshot({ path: `${ARTIFACTS}first-run-pace-skipped.png` });
  await pause(page);
  assert.deepEqual(errors, []);
  await page.close();
});
