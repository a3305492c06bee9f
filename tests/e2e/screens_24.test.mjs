// End to end: glitches seen on issue 24's screenshots (items 2 and 7), each checked where it was
// seen. At 1440×900 the guided tour pushed the picture's bottom row under the sticky time
// controls: it now sits at the top of the side column. Between 760 and 1000 px the header left a
// lone button on a second line: the preset's title takes a line of its own under the brand and the
// controls. Slave 2's "stopped" plate covered its log line: it sits on its title line. The gRPC
// (POP) consumer's consume queue said "consumed to 0 of 10": it says how far the broker popped and
// what the checkpoints hold. Screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, startLab, stopLab, openApp, settle, seekTo, seekToEnd, eventually, expectText, expectAttr } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

test('at 1440×900 the picture\'s bottom row stays above the sticky time controls with a guided tour, before and during the tour', { timeout: 120000 }, async () => {
  for (const preset of ['whole-path', 'async-flush-power-loss']) {
    const { page, errors } = await openApp(browser, `${server.url}?lang=en&preset=${preset}`, { width: 1440, height: 900 });
    await page.waitForSelector('[data-testid=tour-question]');
    const check = async (when) => {
      const g = await page.evaluate(() => {
        const box = (el) => { const b = el.getBoundingClientRect(); return { top: b.top, bottom: b.bottom }; };
        const controls = box(document.querySelector('.time-controls'));
        const bottom = ['st-lost', 'st-slave', 'st-retry', 'st-dlq'].map((c) => ({ c, ...box(document.querySelector(`svg.pipeline .station.${c} > rect`)) }));
        return { controls, bottom, scrollY: window.scrollY };
      });
      assert.equal(g.scrollY, 0, `${preset} ${when}: the page is not scrolled`);
      for (const s of g.bottom) assert.ok(s.bottom <= g.controls.top, `${preset} ${when}: ${s.c} (bottom ${s.bottom}) above the time controls (top ${g.controls.top})`);
    };
    await check('before a prediction');
    await page.click('[data-testid=tour-guess][data-guess=some]');
    await expectAttr(page, '[data-testid=tour]', 'data-touring', 'true');
    await check('during the tour');
    if (preset === 'whole-path') {
      await settle(page);
      await page.screenshot({ path: `${ARTIFACTS}tour-1440x900.png` });
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('between 761 and 1100 px the header is one line, or the title on a line of its own under one line of the rest; nothing overlaps', { timeout: 180000 }, async () => {
  for (const lang of ['en', 'zh']) {
    for (const width of [761, 800, 860, 900, 1000, 1001, 1100]) {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      await page.goto(`${server.url}?lang=${lang}&preset=whole-path`);
      await page.waitForSelector('svg.pipeline');
      const items = await page.evaluate(() => [...document.querySelectorAll('header.top > *')].map((e) => {
        const b = e.getBoundingClientRect();
        return { name: e.className || e.tagName, top: b.top, bottom: b.bottom, left: b.left, right: b.right, title: e.dataset.testid === 'scenario-name' };
      }));
      const where = `${lang} ${width} px: ${JSON.stringify(items)}`;
      for (const [i, a] of items.entries()) {
        assert.ok(a.left >= 0 && a.right <= width, `${where}: ${a.name} inside the page`);
        for (const b of items.slice(i + 1)) assert.ok(!overlap(a, b), `${where}: ${a.name} and ${b.name} overlap`);
      }
      const rest = items.filter((i) => !i.title);
      const title = items.find((i) => i.title);
      const line = Math.min(...rest.map((i) => i.bottom));
      assert.ok(rest.every((i) => i.top < line), `${where}: the brand and every control on one line`);
      const alone = title.top >= Math.max(...rest.map((i) => i.bottom)) - 0.5;
      assert.ok(title.top < line || alone, `${where}: the title on that line or on a line of its own below it`);
      if (width > 1000) assert.ok(title.top < line, `${where}: one line above 1000 px`);
      if (width === 900 && lang === 'en') await page.locator('header.top').screenshot({ path: `${ARTIFACTS}header-900-en.png` });
      await page.close();
    }
  }
});

test('the second slave\'s "stopped" badge leaves its log line and bar readable, at 1440 and 375 px', { timeout: 120000 }, async () => {
  for (const width of [1440, 375]) {
    const { page, errors } = await openApp(browser, `${server.url}?lang=en&preset=v5-controller-failover-all-ack`, { width, height: 1000 });
    await seekTo(page, 2000);
    await page.click('button[data-fault=SLAVE_DOWN-slave2]');
    await expectAttr(page, '[data-testid=broker][data-broker="2"]', 'data-up', 'false');
    const g = await eventually(async () => {
      const g = await page.evaluate(() => {
        const box = (el) => el && (({ left, right, top, bottom }) => ({ left, right, top, bottom }))(el.getBoundingClientRect());
        const s2 = document.querySelector('[data-testid=broker][data-broker="2"]');
        return { badge: box(document.querySelector('[data-testid=slave2-badge] rect')), text: document.querySelector('[data-testid=slave2-badge] text')?.textContent,
          line: box(s2.querySelector('.rg-label')), bar: box(s2.querySelector('.gauge .g-bg')), title: box(s2.querySelector('.st-title')), station: box(s2.querySelector('.station > rect')) };
      });
      assert.ok(g.badge, 'the badge is drawn');
      return g;
    });
    assert.equal(g.text, 'stopped');
    for (const k of ['line', 'bar', 'title']) assert.ok(!overlap(g.badge, g[k]), `${width}: the badge covers the ${k}: ${JSON.stringify(g)}`);
    assert.ok(g.badge.left >= g.station.left && g.badge.right <= g.station.right && g.badge.top >= g.station.top, `${width}: the badge inside the station: ${JSON.stringify(g)}`);
    await settle(page);
    await page.locator('svg.pipeline').screenshot({ path: `${ARTIFACTS}slave2-stopped-${width}.png` });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('the gRPC (POP) consumer\'s consume queue says how far the broker popped and what the checkpoints hold, in en and zh', { timeout: 120000 }, async () => {
  const lines = (page) => page.$$eval('[data-testid=queue-lines] .q-consumed', (ts) => ts.map((t) => t.dataset.full).join(' '));
  const { page, errors } = await openApp(browser, `${server.url}?lang=en&preset=v5-grpc-poison-message`);
  await expectAttr(page, '[data-testid=queue-lines]', 'data-pop', 'true');
  // msg#3 fails its first delivery and is nacked: invisible (its checkpoint open) for 1 s.
  const group = () => page.evaluate(() => document.querySelector('.st-consumer .st-sub')?.dataset.full || '');
  await seekTo(page, 1000);
  await eventually(async () => assert.match(await lines(page), /^popped to 10 of 10( ·)? acked \d+ · 1 unacked$/));
  await eventually(async () => assert.match(await group(), /POP · 1 nacked, in backoff$/));
  // Visible again at 1.04 s, revived at 3.14 s: its checkpoint is still open on the broker while
  // nothing waits on the consumer's side. The two said "1 invisible" and "0 invisible" here.
  await seekTo(page, 3000);
  await eventually(async () => assert.match(await lines(page), /acked 9 · 1 unacked$/));
  await eventually(async () => assert.match(await group(), /POP · 0 nacked, in backoff$/));
  assert.doesNotMatch(`${await lines(page)} ${await group()}`, /invisible/);
  await seekToEnd(page);
  await eventually(async () => assert.match(await lines(page), /popped to 10 of 10 .*acked 9 · 0 unacked/));
  assert.doesNotMatch(await lines(page), /consumed to 0/);
  // The lanes are filled to the broker's offset.
  const fills = await page.$$eval('svg.pipeline .q-lane .q-fill', (rs) => rs.map((r) => Math.max(Number(r.getAttribute('width')), Number(r.getAttribute('height')))));
  assert.ok(fills.length > 0 && fills.every((f) => f > 0), `the lanes are filled: ${fills}`);
  await settle(page);
  await page.locator('svg.pipeline').screenshot({ path: `${ARTIFACTS}pop-queue-1440.png` });
  await page.click('[data-lang=zh]');
  await eventually(async () => assert.match(await lines(page), /已 Pop 到 10 \/ 10.*已确认 9 · 未确认 0/));
  // The remoting consumer keeps its "consumed to".
  await page.goto(`${server.url}?lang=en&preset=poison-message-dlq`);
  await expectAttr(page, '[data-testid=queue-lines]', 'data-pop', 'false');
  await seekToEnd(page);
  await expectText(page, '[data-testid=queue-lines]', /consumed to \d+ of \d+/);
  assert.deepEqual(errors, []);
  await page.close();
});
