// End to end: controller mode drawn (issue 20 item 3). The failover preset at defaults is played:
// the controller elects the slave, and the picture shows it — broker 1's station becomes the
// master at epoch 2 (data attributes on the broker stations), the controller station names it,
// the promotion is written on the master, and the live region says so. Played on, the old master
// rejoins and truncates its tail: those messages become truncated ghosts (canvas and token list),
// and the inspector names the truncation as their cause. A three-replica preset draws the second
// slave and the SyncStateSet's three chips. Screenshots go to artifacts/controller-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, startLab, stopLab, expectAttr, expectText, eventually, play, pause, setSpeed, seekTo, settle } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

const broker = (id) => `svg.pipeline [data-testid=broker][data-broker="${id}"]`;

test('a failover is drawn: the slave becomes master at epoch 2, and the old master\'s truncated tail is marked', { timeout: 240000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}?lang=en&preset=v5-controller-failover-truncated`);
  await page.waitForSelector('svg.pipeline [data-testid=controller]');
  // Before the fault: broker 0 is master at epoch 1, broker 1 its slave; the controller is up.
  await expectAttr(page, broker(0), 'data-role', 'master');
  await expectAttr(page, broker(0), 'data-epoch', '1');
  await expectAttr(page, broker(1), 'data-role', 'slave');
  await expectAttr(page, 'svg.pipeline [data-testid=controller]', 'data-state', 'up');
  await expectAttr(page, 'svg.pipeline [data-testid=controller]', 'data-master', '0');

  // Everything the live region says, kept (it moves on to the next sentence as the run plays).
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid=announcer]');
    window.__said = [];
    new MutationObserver(() => window.__said.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
  });
  // Play: the master's process dies at 250 ms and the controller elects the slave at once.
  await setSpeed(page, '1');
  await play(page);
  await page.waitForFunction(() => {
    const b = document.querySelector('svg.pipeline [data-testid=broker][data-broker="1"]');
    return b?.dataset.role === 'master' && Number(b.dataset.epoch) === 2;
  }, null, { timeout: 60000, polling: 50 });
  await expectAttr(page, broker(0), 'data-role', 'slave');
  await expectAttr(page, 'svg.pipeline [data-testid=controller]', 'data-master', '1');
  await expectAttr(page, 'svg.pipeline [data-testid=controller]', 'data-epoch', '2');
  await expectText(page, 'svg.pipeline .st-master .st-title', /broker 1/);
  await expectAttr(page, 'svg.pipeline [data-testid=promoted]', 'data-broker', '1');
  await page.waitForFunction(() => window.__said.some((s) => /the controller elected broker 1 master \(epoch 2\)/.test(s)), null, { timeout: 30000, polling: 100 });
  await page.locator('svg.pipeline').screenshot({ path: `${ARTIFACTS}controller-promoted.png` });

  // On to the old master's return at 30.25 s: its tail is cut and drawn as truncated ghosts.
  await setSpeed(page, '100');
  await page.waitForFunction(() => {
    const c = document.querySelector('svg.pipeline canvas.token-canvas');
    return (c?.tokens?.() ?? []).some((t) => t.look === 'truncated');
  }, null, { timeout: 60000, polling: 100 });
  await pause(page);
  await page.waitForFunction(() => window.__said.some((s) => /broker 0 rejoined and truncated its log/.test(s)), null, { timeout: 30000, polling: 100 });
  const cut = page.locator('[data-testid=token-list] button.tok-truncated').first();
  await cut.waitFor({ state: 'attached' });
  const id = await cut.getAttribute('data-msg');
  assert.match(await cut.textContent(), /cut by a truncation/);
  await cut.dispatchEvent('click');
  await expectText(page, '[data-testid=inspector] h2', new RegExp(`${id}`));
  await expectText(page, '[data-testid=inspector] table.stages', /cut by a truncation/);
  await expectText(page, '[data-testid=explain]', /truncated its log/);
  await settle(page);
  await page.locator('svg.pipeline').screenshot({ path: `${ARTIFACTS}controller-truncated.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a three-replica group draws the second slave and three SyncStateSet chips, at 375 px too', { timeout: 120000 }, async () => {
  for (const width of [1440, 375]) {
    const page = await browser.newPage({ viewport: { width, height: 1000 } });
    await page.goto(`${server.url}?lang=zh&preset=v5-controller-failover-all-ack`);
    await page.waitForSelector('svg.pipeline [data-testid=controller]');
    await expectAttr(page, broker(2), 'data-role', 'slave');
    await expectAttr(page, 'svg.pipeline [data-testid=controller]', 'data-sync-state-set', '{0, 1, 2}');
    await eventually(async () => assert.equal(await page.locator('svg.pipeline .sync-chip.member').count(), 3));
    // After the election (17 s): broker 1 is master at epoch 2, the set is itself and broker 2 once it has caught up.
    await seekTo(page, 40000);
    await expectAttr(page, broker(1), 'data-role', 'master');
    await expectAttr(page, broker(1), 'data-epoch', '2');
    await expectAttr(page, 'svg.pipeline [data-testid=controller]', 'data-sync-state-set', /^\{1(, 2)?\}$/);
    // Every station's box stays inside the picture, and the band's two boxes do not overlap.
    const boxes = await page.evaluate(() => {
      const svg = document.querySelector('svg.pipeline');
      const vb = svg.viewBox.baseVal;
      const r = (sel) => { const b = svg.querySelector(sel).getBBox(); return { x: b.x, y: b.y, w: b.width, h: b.height }; };
      return { vb: { w: vb.width, h: vb.height }, slave2: r('[data-testid=broker][data-broker="2"] .station > rect'), ctl: r('[data-testid=controller] .station > rect') };
    });
    for (const b of [boxes.slave2, boxes.ctl]) assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.w <= boxes.vb.w && b.y + b.h <= boxes.vb.h, `${width}: ${JSON.stringify(b)} inside ${JSON.stringify(boxes.vb)}`);
    assert.ok(boxes.slave2.x + boxes.slave2.w <= boxes.ctl.x, `${width}: the second slave and the controller are side by side`);
    await settle(page);
    await page.locator('svg.pipeline').screenshot({ path: `${ARTIFACTS}controller-three-replicas-${width}.png` });
    await page.close();
  }
});
