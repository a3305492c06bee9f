// End to end: the built app (trunk build --release → dist/) in headless Chromium.
// A newcomer's path: the default ASYNC_FLUSH scenario, play, cut the master's power, find a
// message that was acknowledged and then lost, with its cause; then SYNC_FLUSH loses none.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ARTIFACTS, startLab, stopLab, openApp, playUntil, seekToEnd, rowCount, cursorMs } from './helpers.mjs';

const require = createRequire(import.meta.url);
let server, browser;

before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

test('ASYNC_FLUSH: a power cut during playback loses acknowledged messages, explained in the inspector', { timeout: 120000 }, async () => {
  const { page, foreign, errors } = await openApp(browser, server.url);
  assert.match(await page.textContent('[data-testid=scenario-name]'), /ASYNC_FLUSH/);
  await playUntil(page, 1200);
  const cutAt = await cursorMs(page);
  await page.click('button[data-fault=POWER_LOSS-master]');
  assert.equal(await cursorMs(page), cutAt, 'the fault is injected at the playhead');
  assert.ok(await page.locator('.fault-mark').count() >= 1, 'the fault is marked on the scrub bar');
  await page.screenshot({ path: `${ARTIFACTS}async-after-cut-1440.png` });
  await seekToEnd(page);
  const lost = await rowCount(page, 'verdict', 'LOST_AFTER_ACK');
  assert.ok(lost.atEnd > 0, `acknowledged messages are lost (${lost.atEnd})`);
  await page.locator('g.tokens g.tok-lost').first().dispatchEvent('click');
  const insp = await page.textContent('[data-testid=inspector]');
  assert.match(insp, /SEND_OK/);
  assert.match(insp, /LOST_AFTER_ACK/);
  assert.match(await page.textContent('[data-testid=explain]'), /lost power/);
  await page.screenshot({ path: `${ARTIFACTS}async-inspector-1440.png` });
  await page.setViewportSize({ width: 375, height: 812 });
  await page.waitForTimeout(200);
  await page.screenshot({ path: `${ARTIFACTS}async-inspector-375.png` });
  await page.screenshot({ path: `${ARTIFACTS}async-full-375.png`, fullPage: true });
  assert.deepEqual(foreign, [], 'no request leaves the page');
  assert.deepEqual(errors, []);
  await page.close();
});

test('SYNC_FLUSH: the same power cut loses no acknowledged message', { timeout: 120000 }, async () => {
  const { page } = await openApp(browser, server.url);
  await page.selectOption('#cfg-broker-flushDiskType', 'SYNC_FLUSH');
  assert.match(await page.inputValue('#cfg-toml'), /flushDiskType = "SYNC_FLUSH"/);
  await page.click('[data-testid=apply]');
  assert.match(await page.textContent('.pipeline'), /SYNC_FLUSH/);
  await playUntil(page, 1200);
  await page.click('button[data-fault=POWER_LOSS-master]');
  await seekToEnd(page);
  const lost = await rowCount(page, 'verdict', 'LOST_AFTER_ACK');
  assert.equal(lost.atEnd, 0);
  assert.equal(await page.locator('g.tokens g.tok-lost').count() >= 0, true);
  assert.match(await page.textContent('[data-testid=broken]'), /^0/);
  await page.screenshot({ path: `${ARTIFACTS}sync-flush-end-1440.png` });
  await page.close();
});

test('a preset in the URL opens directly, and keys drive playback', { timeout: 60000 }, async () => {
  const { page } = await openApp(browser, server.url + '?preset=max-reconsume-3');
  assert.match(await page.textContent('[data-testid=scenario-name]'), /maxReconsumeTimes = 3/);
  await page.click('[data-preset=sync-flush-power-loss]');
  assert.match(page.url(), /preset=sync-flush-power-loss/);
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press('ArrowRight');
  assert.ok(await cursorMs(page) >= 0);
  const before = await page.textContent('[data-testid=clock]');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.notEqual(await page.textContent('[data-testid=clock]'), before);
  await page.close();
});

test('an invalid value is named next to its field and the typed text is kept', { timeout: 60000 }, async () => {
  const { page } = await openApp(browser, server.url);
  await page.fill('#cfg-producer-sendMsgTimeout', '3 fortnights');
  assert.match(await page.textContent('.field.invalid'), /producer\.sendMsgTimeout/);
  assert.equal(await page.inputValue('#cfg-producer-sendMsgTimeout'), '3 fortnights');
  assert.equal(await page.isDisabled('[data-testid=apply]'), true);
  await page.close();
});

test('the event log stays small in the DOM with thousands of events and filters by message', { timeout: 60000 }, async () => {
  const { page } = await openApp(browser, server.url);
  await seekToEnd(page);
  const count = await page.textContent('.event-log .count');
  const total = Number(count.split(' ')[0]);
  assert.ok(total > 1000, count);
  assert.ok(await page.locator('.log-view .row').count() < 60, 'only visible rows are rendered');
  await page.fill('[data-testid=log-msg]', '251');
  const rows = await page.locator('.log-view .row').allInnerTexts();
  assert.ok(rows.length > 0 && rows.every(r => r.includes('msg#251')), rows.join('\n'));
  await page.close();
});

test('accessibility: axe finds no critical or serious violations, inspector open', { timeout: 60000 }, async () => {
  const { page } = await openApp(browser, server.url);
  await page.fill('[data-testid=scrub]', '3500');
  await page.locator('g.tokens g.tok-lost').first().dispatchEvent('click');
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const critical = result.violations.filter(v => v.impact === 'critical' || v.impact === 'serious');
  for (const v of result.violations) console.log(`axe ${v.impact}: ${v.id} (${v.nodes.length}) ${v.help}`);
  assert.deepEqual(critical.map(v => v.id), []);
  await page.close();
});
