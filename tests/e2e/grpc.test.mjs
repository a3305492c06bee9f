// End to end: the RocketMQ 5 clients in the lab (issue 21). The user switches the producer to
// gRPC in the configuration, runs the stalled SYNC_FLUSH disk and sees the proxy on the send link,
// the producer station naming the gRPC client, each stalled message's three attempts resent after
// an error and stored three times while the application saw an exception; the local proxy's
// FLUSH_DISK_TIMEOUT → MASTER_PERSISTENCE_TIMEOUT in the inspector; the remoting producer beside
// it in a lane. The gRPC consumer's poison message is invisible on the consumer's side after each
// nack, and reaches %DLQ% after 17 deliveries on the 5.x schedule (~2 h 46 min). Every wait is
// page.waitForFunction (or a helper that polls) with a deadline, never a sample right after an action.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, stopLab, openApp, seekTo, seekToEnd, pause, settle, ARTIFACTS, WAIT_MS } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

/** Waits until `fn(arg)` is truthy in the page, up to the suite's deadline. */
const until = (page, fn, arg, what) =>
  page.waitForFunction(fn, arg, { timeout: WAIT_MS, polling: 50 }).catch(e => { throw new Error(`${what}: ${e.message}`); });

/** Opens message `msg` in the inspector (through the picture's accessible token list). */
async function inspect(page, msg) {
  await until(page, m => !!document.querySelector(`[data-testid=token-list] button[data-msg="${m}"]`), String(msg), `msg#${msg} is drawn`);
  await page.locator(`[data-testid=token-list] button[data-msg="${msg}"]`).dispatchEvent('click');
  await until(page, m => document.querySelector('[data-testid=inspector] h2')?.textContent.includes(`msg#${m}`), String(msg), `the inspector opens msg#${msg}`);
}

test('gRPC producer: switched on in the lab, a stalled disk stores each message three times while the application sees an exception', { timeout: 240000 }, async () => {
  const { page, foreign, errors } = await openApp(browser, `${server.url}?preset=v5-remoting-flush-disk-stall&lang=en`);
  // The remoting producer: no proxy, "SYNC send".
  await until(page, () => (document.querySelector('.st-producer .st-sub')?.dataset.full || '').startsWith('SYNC send'), null, 'the remoting producer says SYNC send');
  assert.equal(await page.locator('[data-testid=proxy]').count(), 0, 'no proxy for the remoting clients');
  await pause(page);

  // The user takes the preset's stall out (to inject one from the fault panel), switches the
  // producer to gRPC and applies.
  const toml = (await page.inputValue('#cfg-toml')).replace(/\[\[fault\]\][\s\S]*$/, '');
  await page.fill('#cfg-toml', toml);
  await until(page, () => !document.querySelector('#cfg-toml').value.includes('[[fault]]'), null, 'the stall is out of the configuration');
  await page.selectOption('#cfg-producer-client', 'grpc');
  await until(page, () => /client = "grpc"/.test(document.querySelector('#cfg-toml').value), null, 'the configuration says client = "grpc"');
  await page.click('[data-testid=apply]');
  await until(page, () => document.querySelector('[data-testid=proxy][data-hop=send]')?.dataset.mode === 'CLUSTER', null, 'the proxy is drawn on the send link, in CLUSTER mode');
  await until(page, () => /^gRPC client · \d+ of 6 sent/.test(document.querySelector('.st-producer .st-sub')?.dataset.full || ''), null, 'the producer station names the gRPC client');
  await until(page, () => document.querySelector('[data-testid=grpc-settings]')?.dataset.full === 'maxAttempts 3 · requestTimeout 3 s', null, 'and its settings');
  assert.equal(await page.locator('[data-testid=proxy][data-hop=pop]').count(), 0, 'the consumer stays remoting: no proxy on its link');

  // The user stalls the master's disk at 1 s (for the panel's default 30 s).
  await pause(page);
  await seekTo(page, 1000);
  const marks = await page.locator('.fault-mark').count();
  await page.click('button[data-fault=DISK_STALL-master]');
  await until(page, n => document.querySelectorAll('.fault-mark').length > n, marks, 'the stall is marked');

  // In the stall (from 1 s for 30 s), msg#1's attempts time out at requestTimeout and are resent at once.
  await seekTo(page, 13500);
  await until(page, () => [...document.querySelectorAll('.answers text')].some(t => t.textContent.includes('✕ msg#1 DEADLINE_EXCEEDED')), null, 'the feed shows msg#1 thrown');
  await until(page, () => [...document.querySelectorAll('.answers text')].some(t => /↻ msg#2 1\/3 DEADLINE_EXCEEDED/.test(t.textContent)), null, 'the feed shows msg#2 resent');
  await inspect(page, 1);
  await until(page, () => {
    const g = document.querySelector('[data-testid=grpc-send]');
    return g && g.dataset.attempts === '3' && g.dataset.copies === '3';
  }, null, 'three attempts, three copies stored by 13.5 s');
  const attempts = await page.locator('[data-testid=grpc-send] li').allTextContents();
  assert.match(attempts[0], /^attempt 1 of 3 at .*DEADLINE_EXCEEDED, resent at once/);
  assert.match(attempts[1], /^attempt 2 of 3 at .*DEADLINE_EXCEEDED, resent at once/);
  assert.match(attempts[2], /^attempt 3 of 3 at .*DEADLINE_EXCEEDED: the application saw the exception/);
  assert.match(await page.textContent('[data-testid=inspector] .status'), /EXCEPTION · 3 attempt\(s\)/);
  await page.screenshot({ path: `${ARTIFACTS}grpc-stall-1440.png` });

  // At the end: consumed three times — DUPLICATED, although the application saw an exception.
  await seekToEnd(page);
  await until(page, () => document.querySelector('[data-testid=inspector] .v-name')?.textContent.includes('DUPLICATED'), null, 'msg#1 is DUPLICATED');
  assert.match(await page.textContent('[data-testid=copies-stored]'), /copies stored in TopicTest: 3/);

  // The remoting producer beside it: a lane that stores each message once.
  await page.click('[data-testid=lane-add][data-knob=REMOTING_CLIENTS]');
  await until(page, () => document.querySelectorAll('[data-testid=lane]').length === 2, null, 'the remoting lane opens');
  const lane = page.locator('[data-testid=lane]').nth(1);
  assert.match(await lane.textContent(), /\[producer\] client = "remoting"/);
  await until(page, () => {
    const count = (i, v) => document.querySelectorAll('[data-testid=lane]')[i]?.querySelector(`tr[data-verdict=${v}] [data-testid=lane-count]`)?.textContent.trim();
    return count(0, 'DUPLICATED') === '5' && count(1, 'DUPLICATED') === '0';
  }, null, 'gRPC: 5 duplicated; remoting: none');
  await settle(page);
  await page.screenshot({ path: `${ARTIFACTS}grpc-stall-lanes-1440.png`, fullPage: true });
  assert.deepEqual(foreign, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('gRPC producer through a LOCAL proxy: the broker\'s FLUSH_DISK_TIMEOUT reaches the client as MASTER_PERSISTENCE_TIMEOUT, then a resend', { timeout: 120000 }, async () => {
  const { page, errors } = await openApp(browser, `${server.url}?preset=v5-grpc-master-persistence-timeout&lang=en`);
  await until(page, () => document.querySelector('[data-testid=proxy][data-hop=send]')?.dataset.mode === 'LOCAL', null, 'the proxy in LOCAL mode');
  await seekToEnd(page);
  await until(page, () => document.querySelector('[data-testid=proxy]')?.dataset.code === 'MASTER_PERSISTENCE_TIMEOUT', null, 'the proxy last answered MASTER_PERSISTENCE_TIMEOUT');
  assert.equal(await page.getAttribute('[data-testid=proxy]', 'data-from'), 'FLUSH_DISK_TIMEOUT');
  // msg#10 is the first sent in the stall.
  await inspect(page, 10);
  await until(page, () => document.querySelector('[data-testid=grpc-send]')?.dataset.copies === '3', null, 'three copies of msg#10');
  const first = page.locator('[data-testid=grpc-send] li[data-attempt="1"]');
  assert.equal(await first.getAttribute('data-proxy-code'), 'MASTER_PERSISTENCE_TIMEOUT');
  assert.match(await first.textContent(), /MASTER_PERSISTENCE_TIMEOUT, resent at once · proxy answered MASTER_PERSISTENCE_TIMEOUT \(broker: FLUSH_DISK_TIMEOUT\)/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('gRPC consumer: a poison message is invisible after each nack and reaches %DLQ% after 17 deliveries at ~2 h 46 min', { timeout: 180000 }, async () => {
  const { page, errors } = await openApp(browser, `${server.url}?preset=v5-grpc-poison-message&lang=en`);
  await until(page, () => document.querySelector('[data-testid=proxy][data-hop=pop]')?.dataset.mode === 'CLUSTER', null, 'the proxy on the consumer\'s link');
  // Nacked at 40 ms with the first backoff, 1 s: invisible until 1.040 s, drawn on the consumer's side.
  await seekTo(page, 500);
  // The line says it whole where it fits, else "msg#3 ◌ until 1.040s · 1/17" (the whole line in data-full's tooltip).
  const invisible = () => document.querySelector('[data-testid=invisible][data-msg="3"] text')?.dataset.full || '';
  await until(page, `/^msg#3 (invisible|◌) until 1\\.040s · 1\\/17/.test((${invisible})())`, null, 'msg#3 invisible until 1.040s');
  await until(page, () => document.querySelector('[data-testid=token-list] button[data-msg="3"]')?.classList.contains('tok-invisible'), null, 'msg#3 drawn invisible');
  await until(page, () => /POP · 1 nacked, in backoff/.test(document.querySelector('.st-consumer .st-sub')?.dataset.full || ''), null, 'the consumer says one is nacked, in its backoff');
  await page.screenshot({ path: `${ARTIFACTS}grpc-pop-invisible-1440.png` });
  // Visible again at 1.040 s, on its way into %RETRY% (revived at 3.14 s): not invisible.
  await seekTo(page, 2000);
  await until(page, () => !document.querySelector('[data-testid=invisible][data-msg="3"]'), null, 'msg#3 visible again, on its way to %RETRY%');
  // Revived, delivered again, failed, nacked with the second backoff, 5 s: invisible until 8.149 s.
  await seekTo(page, 3500);
  await until(page, `/^msg#3 (invisible|◌) until 8\\.149s · 2\\/17/.test((${invisible})())`, null, 'msg#3 invisible until 8.149s after its second delivery');
  // The 17th delivery at ~1 h 46 min, then %DLQ% one backoff (1 h) later.
  await seekTo(page, 6_400_000);
  await until(page, `/^msg#3 (invisible|◌) until 2h46m19\\.784s · 17\\/17/.test((${invisible})())`, null, 'after the 17th delivery, invisible until ~2 h 46 min, 17 of 17 deliveries');
  await seekToEnd(page);
  await until(page, () => document.querySelector('[data-testid=token-list] button[data-msg="3"]')?.classList.contains('tok-dlq'), null, 'msg#3 in %DLQ%');
  await inspect(page, 3);
  await until(page, () => /· 17 deliveries/.test(document.querySelector('[data-testid=inspector] .status')?.textContent || ''), null, '17 deliveries');
  assert.match(await page.textContent('[data-testid=inspector] .v-name'), /DEAD_LETTERED/);
  await settle(page);
  await page.screenshot({ path: `${ARTIFACTS}grpc-pop-dlq-1440.png` });
  assert.deepEqual(errors, []);
  await page.close();
});
