// End to end: the built app (trunk build --release → dist/) in headless Chromium.
// A newcomer's path through the ASYNC_FLUSH scenario (the first run, the default `whole-path`
// preset, has its own test in first_run.test.mjs): play, cut the master's power, find a message
// that was acknowledged and then lost, with its cause; then SYNC_FLUSH loses none.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, startLab, stopLab, openApp, playUntil, seekToEnd, rowCount, cursorMs, eventually, seekTo, expectText, expectValue, expectCount, expectUrl, expectTextChange, settle, runAxe, seriousIds } from './helpers.mjs';

let server, browser;

before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

test('ASYNC_FLUSH: a power cut during playback loses acknowledged messages, explained in the inspector', { timeout: 120000 }, async () => {
  const { page, foreign, errors } = await openApp(browser, server.url + '?preset=async-flush-power-loss');
  await expectText(page, '[data-testid=scenario-name]', /ASYNC_FLUSH/);
  await playUntil(page, 1200);
  const cutAt = await cursorMs(page);
  const marks = await page.locator('.fault-mark').count();
  await page.click('button[data-fault=POWER_LOSS-master]');
  await expectCount(page, '.fault-mark', n => n > marks, 'the fault is marked on the scrub bar');
  assert.equal(await cursorMs(page), cutAt, 'the fault is injected at the playhead');
  await page.screenshot({ path: `${ARTIFACTS}async-after-cut-1440.png` });
  await seekToEnd(page);
  await eventually(async () => {
    const lost = await rowCount(page, 'verdict', 'LOST_AFTER_ACK');
    assert.ok(lost.atEnd > 0, `acknowledged messages are lost (${lost.atEnd})`);
  });
  await page.locator('.token-list .tok-lost').first().dispatchEvent('click');
  await expectText(page, '[data-testid=inspector]', /SEND_OK/);
  await expectText(page, '[data-testid=inspector]', /LOST_AFTER_ACK/);
  await expectText(page, '[data-testid=explain]', /lost power/);
  await page.screenshot({ path: `${ARTIFACTS}async-inspector-1440.png` });
  await page.setViewportSize({ width: 375, height: 812 });
  await settle(page);
  await page.screenshot({ path: `${ARTIFACTS}async-inspector-375.png` });
  await page.screenshot({ path: `${ARTIFACTS}async-full-375.png`, fullPage: true });
  assert.deepEqual(foreign, [], 'no request leaves the page');
  assert.deepEqual(errors, []);
  await page.close();
});

test('SYNC_FLUSH: the same power cut loses no acknowledged message', { timeout: 120000 }, async () => {
  const { page } = await openApp(browser, server.url + '?preset=async-flush-power-loss');
  await page.selectOption('#cfg-broker-flushDiskType', 'SYNC_FLUSH');
  await eventually(async () => assert.match(await page.inputValue('#cfg-toml'), /flushDiskType = "SYNC_FLUSH"/));
  await page.click('[data-testid=apply]');
  await expectText(page, '.pipeline', /SYNC_FLUSH/);
  await playUntil(page, 1200);
  const marks = await page.locator('.fault-mark').count();
  await page.click('button[data-fault=POWER_LOSS-master]');
  await expectCount(page, '.fault-mark', n => n > marks, 'the power cut is marked');
  await seekToEnd(page);
  await eventually(async () => assert.equal((await rowCount(page, 'verdict', 'LOST_AFTER_ACK')).atEnd, 0));
  await expectText(page, '[data-testid=broken]', /^0/);
  await page.screenshot({ path: `${ARTIFACTS}sync-flush-end-1440.png` });
  await page.close();
});

test('a preset in the URL opens directly, and keys drive playback', { timeout: 60000 }, async () => {
  const { page } = await openApp(browser, server.url + '?preset=max-reconsume-3');
  await expectText(page, '[data-testid=scenario-name]', /maxReconsumeTimes = 3/);
  await page.click('[data-preset=sync-flush-power-loss]');
  // The address follows the preset (replaceState): wait for it, never read it right after the click.
  await expectUrl(page, /preset=sync-flush-power-loss/);
  await expectText(page, '[data-testid=scenario-name]', /SYNC_FLUSH/);
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const before = await page.textContent('[data-testid=clock]');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expectTextChange(page, '[data-testid=clock]', before, 'ArrowRight steps the clock');
  assert.ok(await cursorMs(page) > 0);
  await page.close();
});

test('an invalid value is named next to its field and the typed text is kept', { timeout: 60000 }, async () => {
  const { page } = await openApp(browser, server.url + '?preset=async-flush-power-loss');
  await page.fill('#cfg-producer-sendMsgTimeout', '3 fortnights');
  await expectText(page, '.field.invalid', /producer\.sendMsgTimeout/);
  await expectValue(page, '#cfg-producer-sendMsgTimeout', '3 fortnights');
  await eventually(async () => assert.equal(await page.isDisabled('[data-testid=apply]'), true));
  await page.close();
});

test('the lab refuses more messages than it keeps in memory, naming the field, the cap and the CLI', { timeout: 60000 }, async () => {
  const { page } = await openApp(browser, server.url + '?preset=async-flush-power-loss');
  // The core (and `losslab run`) accept 10^6; the lab, which keeps every event, stops at 100,000.
  await page.fill('#cfg-producer-messages', '1000000');
  await expectText(page, '.field.invalid', /producer\.messages.*100000.*losslab run/s);
  await expectValue(page, '#cfg-producer-messages', '1000000');
  await eventually(async () => assert.equal(await page.isDisabled('[data-testid=apply]'), true));
  await page.fill('#cfg-producer-messages', '100000');
  await eventually(async () => assert.equal(await page.isDisabled('[data-testid=apply]'), false));
  await page.close();
});

test('the event log stays small in the DOM with thousands of events and filters by message', { timeout: 60000 }, async () => {
  const { page } = await openApp(browser, server.url + '?preset=async-flush-power-loss');
  await seekToEnd(page);
  await eventually(async () => {
    const count = await page.textContent('.event-log .count');
    assert.ok(Number(count.split(' ')[0]) > 1000, count);
  });
  await expectCount(page, '.log-view .row', n => n > 0 && n < 60, 'only visible rows are rendered');
  await page.fill('[data-testid=log-msg]', '251');
  await eventually(async () => {
    const rows = await page.locator('.log-view .row').allInnerTexts();
    assert.ok(rows.length > 0 && rows.every(r => r.includes('msg#251')), rows.join('\n'));
  });
  await page.close();
});

test('accessibility: axe finds no critical or serious violations, inspector open', { timeout: 60000 }, async () => {
  const { page } = await openApp(browser, server.url + '?preset=async-flush-power-loss');
  await seekTo(page, 3500);
  await expectCount(page, '.token-list .tok-lost', n => n > 0);
  await page.locator('.token-list .tok-lost').first().dispatchEvent('click');
  await expectCount(page, '[data-testid=explain]', 1, 'the inspector is open');
  assert.deepEqual(seriousIds(await runAxe(page)), []);
  await page.close();
});
