// End to end: controller mode drawn (issue 20 item 3). The failover preset at defaults is played:
// the controller elects the slave, and the picture shows it — broker 1's station becomes the
// master at epoch 2 (data attributes on the broker stations), the controller station names it,
// the promotion is written on the master, and the live region says so. Played on, the old master
// rejoins and truncates its tail: those messages become truncated ghosts (canvas and token list),
// and the inspector names the truncation as their cause. A three-replica preset draws the second
// slave and the SyncStateSet's three chips. Screenshots go to artifacts/controller-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, startLab, stopLab, expectAttr, expectText, eventually, play, pause, setSpeed, seekTo, settle, copyShareLink, digestInFreshContext } from './helpers.mjs';

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

// The fault panel in controller mode (issue 20, issue 24 item 1): buttons for the controller, for
// broker 0 (the node that started as master) and for the second slave, only where they apply;
// pressed from the keyboard, drawn, said, listed, refused with the reason when they cannot apply,
// and carried by a share link.
test('the fault panel crashes the controller and stops the second slave; both survive a share link', { timeout: 240000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}?lang=en&preset=v5-controller-failover-all-ack`);
  await page.waitForSelector('svg.pipeline [data-testid=controller]');
  for (const f of ['PROCESS_CRASH-controller', 'NETWORK_PARTITION-controller', 'PROCESS_CRASH-firstMaster', 'POWER_LOSS-firstMaster',
    'DISK_LOST-firstMaster', 'SLAVE_DOWN-slave2', 'SLAVE_UP-slave2', 'NETWORK_PARTITION-slave2']) {
    await page.waitForSelector(`button[data-fault=${f}]`);
  }
  assert.match(await page.getAttribute('button[data-fault=PROCESS_CRASH-master]', 'title'), /whoever is master now \(broker 0\)/);
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid=announcer]');
    window.__said = [];
    new MutationObserver(() => window.__said.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
  });
  await seekTo(page, 1000);
  // From the keyboard, as the other fault buttons: focus it, press Enter.
  await page.focus('button[data-fault=PROCESS_CRASH-controller]');
  await page.keyboard.press('Enter');
  await expectAttr(page, 'svg.pipeline [data-testid=controller]', 'data-state', 'down');
  await expectText(page, 'svg.pipeline [data-testid=controller] .st-sub', /process down · elects nobody/);
  await page.waitForFunction(() => window.__said.some((s) => /fault: Crash controller/.test(s)), null, { timeout: 30000, polling: 100 });
  await expectText(page, '[data-testid=fault-list]', /1\.000s Crash controller for 30\.000s/);
  // A second crash inside the first cannot apply: refused with the reason, listed nowhere.
  await expectAttr(page, 'button[data-fault=PROCESS_CRASH-controller]', 'aria-disabled', 'true');
  await page.keyboard.press('Enter');
  await expectText(page, '[data-testid=fault-refusal]', /Not injected: the same fault is already in force until 31\.000s/);
  assert.equal(await page.locator('[data-testid=fault-list] li').count(), 1);
  // The second slave, stopped at 2 s: drawn down, listed by its name.
  await seekTo(page, 2000);
  await page.click('button[data-fault=SLAVE_DOWN-slave2]');
  await expectAttr(page, broker(2), 'data-up', 'false');
  await expectText(page, '[data-testid=fault-list]', /2\.000s Stop slave 2 for the rest of the run/);
  await settle(page);
  await page.locator('.fault-panel').screenshot({ path: `${ARTIFACTS}controller-fault-panel-1440.png` });
  await page.locator('svg.pipeline').screenshot({ path: `${ARTIFACTS}controller-crashed-1440.png` });
  const digest = await page.getAttribute('[data-testid=share]', 'data-digest');
  const link = await copyShareLink(page);
  // The link, in a fresh context: the same run, the same faults listed.
  await digestInFreshContext(browser, link, digest, {
    ready: 'svg.pipeline [data-testid=controller]',
    viewport: { width: 1440, height: 1000 },
    more: async (fresh) => {
      await expectAttr(fresh, 'svg.pipeline [data-testid=controller]', 'data-state', 'down');
      await expectText(fresh, '[data-testid=fault-list]', /1\.000s Crash controller for 30\.000s/);
      await expectText(fresh, '[data-testid=fault-list]', /2\.000s Stop slave 2 for the rest of the run/);
    },
  });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the controller and first-master buttons only in controller mode, the second slave\'s only with two slaves', { timeout: 120000 }, async () => {
  const faults = async (page) => page.$$eval('.fault-panel button[data-fault]', (bs) => bs.map((b) => b.dataset.fault));
  const cases = [
    ['v5-controller-failover-truncated', true, false],
    ['v5-controller-failover-all-ack', true, true],
    ['whole-path', false, false],
  ];
  for (const [preset, controller, slave2] of cases) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${server.url}?lang=zh&preset=${preset}`);
    await page.waitForSelector('.fault-panel button[data-fault=POWER_LOSS-master]');
    const got = await faults(page);
    assert.equal(got.some((f) => f.endsWith('-controller')), controller, `${preset}: ${got}`);
    assert.equal(got.some((f) => f.endsWith('-firstMaster')), controller, `${preset}: ${got}`);
    assert.equal(got.some((f) => f.endsWith('-slave2')), slave2, `${preset}: ${got}`);
    if (slave2) {
      await expectText(page, 'button[data-fault=SLAVE_DOWN-slave2]', /停止第二个从节点/);
      await expectText(page, 'button[data-fault=PROCESS_CRASH-controller]', /控制器宕机/);
    }
    await page.close();
  }
  // At 375 px the three-replica controller panel's buttons stay inside the page.
  const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
  await page.goto(`${server.url}?lang=en&preset=v5-controller-failover-all-ack`);
  await page.waitForSelector('button[data-fault=PROCESS_CRASH-controller]');
  const right = await page.$$eval('.fault-panel button', (bs) => Math.max(...bs.map((b) => b.getBoundingClientRect().right)));
  assert.ok(right <= 375, `the buttons fit the phone (${right})`);
  await page.locator('.fault-panel').screenshot({ path: `${ARTIFACTS}controller-fault-panel-375.png` });
  await page.close();
});
