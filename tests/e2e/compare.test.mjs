// End to end: compare and explain. Lanes of the same run under another knob, scrubbed together;
// the what-if of a message lost to a power cut; the retry schedule of a poison message; and the
// downloads (each parsed). Every wait is for a condition.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { deflateSync, inflateSync } from 'node:zlib';
import { ARTIFACTS, startLab, stopLab, openApp, seekTo, seekToEnd, runAxe, seriousIds } from './helpers.mjs';

const require = createRequire(import.meta.url);
let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

const preset = id => readFileSync(new URL(`../../sim/presets/${id}.toml`, import.meta.url), 'utf8');
/** A share link body (`v1.` + base64url(zlib(JSON))), as rmq_sim::scenario::link writes it. */
const linkBody = (toml, view = {}) => 'v1.' + deflateSync(Buffer.from(JSON.stringify({ s: toml, t: 0, v: view }))).toString('base64url');
const readLink = hash => JSON.parse(inflateSync(Buffer.from(decodeURIComponent(hash).replace(/^#run=v1\./, ''), 'base64url')).toString());

const lanes = page => page.locator('[data-testid=lane]');
const laneAttr = (page, i, name) => lanes(page).nth(i).getAttribute(name);

async function shoot(page, name) {
  await page.screenshot({ path: `${ARTIFACTS}${name}-1440.png`, fullPage: true });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 812 });
  await page.waitForFunction(() => window.innerWidth === 375);
  await page.screenshot({ path: `${ARTIFACTS}${name}-375.png`, fullPage: true });
  await page.setViewportSize(size);
  await page.waitForFunction(w => window.innerWidth === w, size.width);
}

test('lanes: ASYNC_FLUSH vs SYNC_FLUSH under a power loss, scrubbed together, faults in every lane, in the link', { timeout: 180000 }, async () => {
  const { page, errors } = await openApp(browser, `${server.url}?preset=async-flush-power-loss&lang=en`);
  await page.click('[data-testid=lane-add][data-knob=SYNC_FLUSH]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=lane]').length === 2);
  // No outcome before the playhead reaches it (issue 24 item 2): at 0 s every count is 0.
  const counts = (i) => lanes(page).nth(i).locator('[data-testid=lane-count]').allTextContents();
  for (const i of [0, 1]) {
    assert.equal(await laneAttr(page, i, 'data-lost-after-ack'), '0', `lane ${i} at 0 s`);
    assert.ok((await counts(i)).every((n) => n.trim() === '0'), `lane ${i}: nothing decided at 0 s: ${await counts(i)}`);
  }
  assert.equal(await page.locator('[data-testid=lane-diff]').textContent(), 'lane B lost as many acknowledged messages');
  // At the end, the whole runs.
  await seekToEnd(page);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=lane]')].every(l => l.dataset.ended === 'true'));
  const lostA = Number(await laneAttr(page, 0, 'data-lost-after-ack'));
  const lostB = Number(await laneAttr(page, 1, 'data-lost-after-ack'));
  assert.ok(lostA > 0 && lostB < lostA, `ASYNC_FLUSH loses ${lostA}, SYNC_FLUSH ${lostB}`);
  assert.match(await lanes(page).nth(1).textContent(), /flushDiskType = SYNC_FLUSH/);
  assert.match(await page.textContent('[data-testid=lane-diff]'), new RegExp(`lane B lost ${lostA - lostB} fewer acknowledged messages; msg#\\d+ survives in B`));
  // The counts of each lane differ where the verdicts do.
  const countOf = (i, v) => lanes(page).nth(i).locator(`tr[data-verdict=${v}] [data-testid=lane-count]`).textContent();
  assert.equal(Number(await countOf(0, 'LOST_AFTER_ACK')), lostA);
  assert.equal(Number(await countOf(1, 'LOST_AFTER_ACK')), lostB);
  // One time control scrubs both lanes.
  for (const ms of ['2500', '4000']) {
    await page.fill('[data-testid=scrub]', ms);
    await page.waitForFunction(ms => [...document.querySelectorAll('[data-testid=lane]')].every(l => l.dataset.cursorMs === ms), ms);
  }
  // At 4 s the master is powered off (3 s–33 s): a process crash cannot apply and is refused with
  // the reason, never injected silently (issue 24: faults compose as machines do).
  await page.waitForSelector('button[data-fault=PROCESS_CRASH-master][aria-disabled=true]');
  assert.match(await page.getAttribute('button[data-fault=PROCESS_CRASH-master]', 'title'), /master process is not running/);
  // A fault injected at the playhead lands in every lane: back to 2.5 s, where the master runs.
  await page.fill('[data-testid=scrub]', '2500');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=lane]')].every(l => l.dataset.cursorMs === '2500'));
  await page.waitForSelector('button[data-fault=PROCESS_CRASH-master]:not([aria-disabled=true])');
  const faultsBefore = Number(await laneAttr(page, 0, 'data-faults'));
  await page.click('button[data-fault=PROCESS_CRASH-master]');
  await page.waitForFunction(n => [...document.querySelectorAll('[data-testid=lane]')].every(l => Number(l.dataset.faults) === n + 1), faultsBefore);
  // The lanes travel in the share link (written to the address bar after a short debounce).
  let link;
  for (const deadline = Date.now() + 10000; ;) {
    const hash = new URL(page.url()).hash;
    link = hash.startsWith('#run=v1.') ? readLink(hash) : { v: {} };
    if (link.v.lanes === 'SYNC_FLUSH' && link.v.inj === '1') break;
    assert.ok(Date.now() < deadline, `the link carries the lanes: ${JSON.stringify(link.v)}`);
    await page.waitForFunction(prev => location.hash !== prev, hash, { timeout: 1000 }).catch(() => {});
  }
  assert.equal(link.v.inj, '1');
  await shoot(page, 'compare-lanes');
  // …and reopen: same lanes, same counts.
  const again = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await again.goto(page.url());
  await again.waitForFunction(() => document.querySelectorAll('[data-testid=lane]').length === 2);
  assert.equal(await again.locator('[data-testid=lane]').nth(1).getAttribute('data-faults'), String(faultsBefore + 1));
  await again.close();
  // An old link (no `lanes` key) still opens, with no lanes.
  const old = await browser.newPage();
  await old.goto(`${server.url}#run=${linkBody(preset('async-flush-power-loss'))}`);
  await old.waitForSelector('svg.pipeline');
  await old.waitForSelector('[data-testid=lanes]');
  assert.equal(await old.locator('[data-testid=lane]').count(), 0);
  assert.equal(await old.locator('[data-testid=link-banner]').count(), 0, 'no error banner');
  await old.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test('what-if: SYNC_FLUSH and SYNC_MASTER with a slave save a message lost to a power cut; opens as a lane', { timeout: 180000 }, async () => {
  // The master stays down 5 minutes: long enough for the consumers to move to a slave, if any.
  const toml = preset('async-flush-power-loss')
    .replace('until = "2m"', 'until = "10m"').replace('startAt = "40s"', 'startAt = "10s"').replace('duration = "30s"', 'duration = "5m"');
  assert.match(toml, /duration = "5m"/);
  const { page, errors } = await openApp(browser, `${server.url}?lang=en#run=${linkBody(toml)}`);
  await seekToEnd(page);
  await page.locator('[data-testid=lost-list] .msg-chip').first().click();
  await page.waitForSelector('[data-testid=whatif] [data-testid=whatif-row]');
  const saved = await page.$$eval('[data-testid=whatif-row][data-saved=true]', rows => rows.map(r => r.dataset.knob));
  assert.ok(saved.includes('SYNC_FLUSH'), `saving knobs: ${saved}`);
  assert.ok(saved.includes('SYNC_MASTER'), `saving knobs: ${saved}`);
  assert.ok(!saved.includes('DLQ_CONSUMER'), 'a DLQ consumer cannot bring back what the broker lost');
  const headline = await page.textContent('[data-testid=whatif-headline]');
  assert.match(headline, /flushDiskType = SYNC_FLUSH/);
  assert.match(headline, /brokerRole = SYNC_MASTER \+ a slave/);
  await shoot(page, 'compare-whatif');
  // Second click: the saving run opens as a lane beside this one.
  await page.click('[data-testid=whatif-row][data-knob=SYNC_MASTER] [data-testid=whatif-lane]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=lane]').length === 2);
  assert.match(await page.locator('[data-testid=lane]').nth(1).textContent(), /SYNC_MASTER/);
  assert.match(await page.textContent('[data-testid=lane-diff]'), /survives in B/);
  // Lanes, what-if and retry schedule open: axe finds no serious or critical violation.
  // runAxe loads axe through DevTools: the page's CSP forbids an injected inline script.
  assert.deepEqual(seriousIds(await runAxe(page, 'compare')), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('retry schedule: the poison message shows 1 + maxReconsumeTimes deliveries ending in %DLQ%', { timeout: 120000 }, async () => {
  const toml = preset('poison-message-dlq');
  const poison = Number(/failMessages\s*=\s*\[\s*(\d+)/.exec(toml)[1]);
  const max = Number((/maxReconsumeTimes\s*=\s*(\d+)/.exec(toml) || [0, 16])[1]);
  const { page, errors } = await openApp(browser, `${server.url}?lang=en#run=${linkBody(toml, { msg: String(poison) })}`);
  await page.waitForSelector('[data-testid=gantt]');
  await page.waitForFunction(n => document.querySelectorAll('[data-testid=gantt-delivery]').length === n, 1 + max);
  assert.equal(1 + max, 17, 'the preset is the 16-retry poison message');
  assert.equal(await page.locator('[data-testid=gantt-wait]').count(), max, 'a wait in SCHEDULE_TOPIC_XXXX after each failure but the last');
  assert.match(await page.textContent('[data-testid=gantt-end]'), /%DLQ%/);
  assert.match(await page.textContent('[data-testid=gantt-axis-note]'), /compressed/);
  // Bars are in time order from left to right.
  const lefts = await page.$$eval('[data-testid=gantt-delivery]', bs => bs.map(b => b.getBoundingClientRect().left));
  assert.ok(lefts.every((x, i) => i === 0 || x > lefts[i - 1]), `bars left to right: ${lefts}`);
  await shoot(page, 'compare-gantt');
  assert.deepEqual(errors, []);
  await page.close();
});

// Issue 24 item 6 and issue 21: the Gantt's wide view draws each wait between deliveries as a bar
// with its length — the remoting consumer's 16 waits in SCHEDULE_TOPIC_XXXX (18 levels, from
// level 3), the gRPC consumer's 17 (the 5.x backoff from 1 s, plus the revive service's ~2.1 s;
// the last into %DLQ%) — on a log scale it states, with a key (1 s, 1 min, 1 h), so a longer wait
// is always a wider bar; it scrolls sideways at 375 px, opens and closes from the keyboard (Escape
// puts the focus back on Expand), in en and zh.
test('retry schedule, wide view: one bar per wait with its length on a stated log scale, 4.x and 5.x; keyboard; 375 px; zh', { timeout: 240000 }, async () => {
  for (const [id, waits, first, last, tag] of [
    ['poison-message-dlq', 16, /^10\.\d s$/, /^2 h 0 min$/, '4x'],
    ['v5-grpc-poison-message', 17, /^3\.1 s$/, /^1 h 0 min → %DLQ%demo_group$/, '5x'],
  ]) {
    const toml = preset(id);
    const poison = Number(/failMessages\s*=\s*\[\s*(\d+)/.exec(toml)[1]);
    const { page, errors } = await openApp(browser, `${server.url}?lang=en#run=${linkBody(toml, { msg: String(poison) })}`);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.waitForSelector('[data-testid=gantt]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=gantt-delivery]').length === 17);
    assert.equal(await page.locator('[data-testid=gantt-wait]').count(), waits, `${id}: the inspector's preview draws the waits too`);
    // Open from the keyboard: focus Expand, press Enter; the focus moves into the dialog.
    await page.focus('[data-testid=gantt-expand]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=gantt-wide]');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'gantt-wide-close', 'focus moves into the dialog');
    const bars = page.locator('[data-testid=gantt-wide-wait]');
    assert.equal(await bars.count(), waits, `${id}: a bar for each wait`);
    const labels = await page.$$eval('[data-testid=gantt-wide-wait] + .g-len', ls => ls.map(l => l.textContent));
    assert.equal(labels.length, waits);
    assert.ok(labels.every(l => /^\d+(\.\d)? (ms|s|min|h)\b/.test(l)), `${id}: every wait has its length: ${labels}`);
    assert.match(labels[0], first, `${id}: the first wait ${labels[0]}`);
    assert.match(labels[waits - 1], last, `${id}: the last wait ${labels[waits - 1]}`);
    // The scale is said on the axis and under the chart, with its key.
    assert.match(await page.textContent('[data-testid=gantt-wide] thead .g-track'), /log scale/);
    assert.match(await page.textContent('[data-testid=gantt-wide-axis-note]'), /Log scale/);
    const key = await page.$$eval('[data-testid=gantt-scale-bar]', bs => bs.map(b => b.getBoundingClientRect().width));
    assert.equal(key.length, 3, 'the key: 1 s, 1 min, 1 h');
    assert.ok(key[0] < key[1] && key[1] < key[2], `key widths grow: ${key}`);
    const check = async vw => {
      // A longer wait is a wider bar (one log scale for every wait); every bar is at least 3 px,
      // and each bar and its label lie inside the chart's track.
      const geo = await bars.evaluateAll(bs => bs.map(b => {
        const r = b.getBoundingClientRect(), l = b.nextElementSibling.getBoundingClientRect();
        const t = b.closest('td').getBoundingClientRect();
        return { ms: Number(b.dataset.ms), w: r.width, in: r.left >= t.left - 1 && r.right <= t.right + 1 && l.left >= t.left - 1 && l.right <= t.right + 1 };
      }));
      for (let i = 0; i < geo.length; i++) {
        assert.ok(geo[i].w >= 3, `${id} at ${vw}: wait ${i} is ${geo[i].w} px`);
        assert.ok(geo[i].in, `${id} at ${vw}: wait ${i} or its label leaves the track`);
        for (let j = 0; j < i; j++) {
          if (geo[i].ms > geo[j].ms) assert.ok(geo[i].w > geo[j].w, `${id} at ${vw}: wait ${i} (${geo[i].ms} ms) wider than wait ${j} (${geo[j].ms} ms): ${geo.map(g => g.w)}`);
        }
      }
      const hour = geo.find(g => g.ms >= 3600000 && g.ms < 3660000);
      const hourKey = await page.$eval('[data-testid=gantt-scale-bar][data-ms="3600000"]', b => b.getBoundingClientRect().width);
      if (hour) assert.ok(Math.abs(hour.w - hourKey) < 4, `${id} at ${vw}: the 1 h key (${hourKey} px) as wide as a 1 h wait (${hour.w} px)`);
    };
    await check(1440);
    const box = await page.locator('[data-testid=gantt-wide]').boundingBox();
    assert.ok(box.width > 1000, `the wide view is ${box.width} px wide`);
    if (id === 'v5-grpc-poison-message') {
      assert.match(await page.getAttribute('[data-testid=gantt-wide-wait] >> nth=0', 'title'), /nacked with the retry policy's backoff 1\.0 s/);
    }
    await page.screenshot({ path: `${ARTIFACTS}gantt-wide-${tag}-1440.png` });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForFunction(() => window.innerWidth === 375);
    const scroll = await page.$eval('[data-testid=gantt-wide] .gantt-scroll', el => [el.scrollWidth, el.clientWidth]);
    assert.ok(scroll[0] > scroll[1] && scroll[1] <= 375, `at 375 px the chart scrolls: ${scroll}`);
    const page375 = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(page375 <= 375, `at 375 px only the chart scrolls, not the page: ${page375}`);
    await check(375);
    await page.screenshot({ path: `${ARTIFACTS}gantt-wide-${tag}-375.png` });
    // Scrolled to its end, the last wait is in view and each row still shows its delivery number.
    await page.$eval('[data-testid=gantt-wide] .gantt-scroll', el => { el.scrollLeft = el.scrollWidth; });
    const lastBar = await bars.nth(waits - 1).boundingBox();
    const lastNo = await page.locator('[data-testid=gantt-wide-row] >> nth=16').locator('th').boundingBox();
    assert.ok(lastBar.x + lastBar.width <= 376 && lastBar.x >= 0, `${id}: the last wait scrolled into view: ${JSON.stringify(lastBar)}`);
    assert.ok(lastNo.x >= 0 && lastNo.x < 40, `${id}: row #17's number stays at the left: ${JSON.stringify(lastNo)}`);
    // …and the pinned "#" column does not cover the last wait's label (it sat under it).
    const lastLabel = await bars.nth(waits - 1).evaluate(b => b.nextElementSibling.getBoundingClientRect().left);
    assert.ok(lastLabel >= lastNo.x + lastNo.width, `${id}: the last label (left ${lastLabel}) clears the pinned # column (right ${lastNo.x + lastNo.width})`);
    await page.screenshot({ path: `${ARTIFACTS}gantt-wide-${tag}-375-scrolled.png` });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.waitForFunction(() => window.innerWidth === 1440);
    // Escape closes it and gives the focus back to Expand.
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('[data-testid=gantt-wide]'));
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'gantt-expand', 'focus returns to Expand');
    // Close, too.
    await page.click('[data-testid=gantt-expand]');
    await page.click('[data-testid=gantt-wide-close]');
    await page.waitForFunction(() => !document.querySelector('[data-testid=gantt-wide]'));
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'gantt-expand', 'focus returns to Expand after Close');
    assert.deepEqual(errors, []);
    await page.close();
  }
  // In Chinese: the dialog, its scale and its buttons.
  const toml = preset('v5-grpc-poison-message');
  const { page, errors } = await openApp(browser, `${server.url}?lang=zh#run=${linkBody(toml, { msg: '3' })}`);
  await page.waitForSelector('[data-testid=gantt-expand]');
  assert.match(await page.textContent('[data-testid=gantt-expand]'), /展开/);
  await page.click('[data-testid=gantt-expand]');
  await page.waitForSelector('[data-testid=gantt-wide]');
  assert.match(await page.textContent('[data-testid=gantt-wide-close]'), /关闭/);
  assert.match(await page.textContent('[data-testid=gantt-wide-axis-note]'), /对数比例/);
  assert.match(await page.textContent('[data-testid=gantt-wide] tfoot'), /比例尺/);
  assert.doesNotMatch(await page.textContent('[data-testid=gantt-wide]'), /\b(waits|deliveries|Log scale|scale|Close)\b/);
  await page.screenshot({ path: `${ARTIFACTS}gantt-wide-5x-zh-1440.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('downloads: events, history, CSV, SVG and PNG are valid files', { timeout: 120000 }, async () => {
  const { page, errors } = await openApp(browser, `${server.url}?preset=async-flush-power-loss&lang=en`);
  const get = async id => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${id}]`)]);
    return { name: dl.suggestedFilename(), body: readFileSync(await dl.path()) };
  };
  const jsonl = await get('dl-jsonl');
  assert.match(jsonl.name, /\.events\.jsonl$/);
  const events = jsonl.body.toString().trim().split('\n').map(l => JSON.parse(l));
  assert.ok(events.length > 100 && events.every(e => typeof e.event === 'string' && typeof e.text === 'string'));
  const history = (await get('dl-history')).body.toString().trim().split('\n').map(l => JSON.parse(l));
  assert.ok(history.every(o => ['invoke', 'ok', 'fail', 'info'].includes(o.type) && ['send', 'receive'].includes(o.f)));
  const acked = new Set(history.filter(o => o.f === 'send' && o.type === 'ok').map(o => o.value));
  const received = new Set(history.filter(o => o.f === 'receive' && o.type === 'ok').map(o => o.value));
  const lost = [...acked].filter(v => !received.has(v)).length;
  const csv = (await get('dl-csv')).body.toString().trim().split('\n');
  assert.ok(csv[0].startsWith('id,sendStatus,verdict,'));
  assert.equal(csv.length - 1, 300, 'one row per message');
  assert.equal(csv.filter(r => r.split(',')[2] === 'LOST_AFTER_ACK').length, lost, 'history and CSV agree on the lost');
  const svg = await get('dl-svg');
  assert.match(svg.name, /\.svg$/);
  const parsed = await page.evaluate(text => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return { error: doc.querySelector('parsererror') !== null, root: doc.documentElement.nodeName, shapes: doc.querySelectorAll('rect, circle, path, line, text').length };
  }, svg.body.toString());
  assert.deepEqual([parsed.error, parsed.root], [false, 'svg']);
  assert.ok(parsed.shapes > 10, `${parsed.shapes} shapes`);
  const png = (await get('dl-png')).body;
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  assert.ok(w > 200 && h > 100, `PNG ${w}×${h}`);
  const dims = await page.evaluate(async b64 => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  }, png.toString('base64'));
  assert.deepEqual(dims, [w, h], 'the PNG decodes');
  assert.deepEqual(errors, []);
  await page.close();
});

/** The circles of lane `i`'s small diagram: "msg@x,y" for each token drawn. */
const miniTokens = (page, i) => page.locator('[data-testid=lane]').nth(i).locator('[data-testid=lane-mini] circle')
  .evaluateAll(cs => cs.map(c => `${c.parentNode.dataset.msg}@${c.getAttribute('cx')},${c.getAttribute('cy')}`).join(' '));

for (const [width, where] of [[1440, 'beside'], [375, 'under']]) {
  test(`lanes are small diagrams ${where} the picture at ${width} px, following the playhead`, { timeout: 180000 }, async () => {
    const { page, errors } = await openApp(browser, `${server.url}?lang=en`, { width, height: 900 });
    await page.click('[data-testid=lane-add][data-knob=SYNC_FLUSH]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=lane] [data-testid=lane-mini]').length === 2, null, { timeout: 30000 });
    // Where the cards are: in the side column beside the picture, or right under the picture.
    const place = await page.evaluate(() => {
      const cards = document.querySelector('[data-testid=lane-cards]');
      const pic = document.querySelector('svg.pipeline').getBoundingClientRect();
      const c = cards.getBoundingClientRect();
      return { side: !!cards.closest('.side'), picTop: pic.top, picBottom: pic.bottom, picRight: pic.right, top: c.top, left: c.left };
    });
    if (where === 'beside') {
      assert.ok(place.side && place.left >= place.picRight, `the cards beside the picture: ${JSON.stringify(place)}`);
      assert.ok(place.top < place.picBottom, `level with the picture: ${JSON.stringify(place)}`);
    } else {
      assert.ok(!place.side && place.top >= place.picBottom && place.top - place.picBottom < 40, `the cards right under the picture: ${JSON.stringify(place)}`);
    }
    // Lane B's small diagram changes with the playhead: msg#0 travels at 10 ms, rests at 1 s.
    await seekTo(page, 10);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=lane]')[1]?.dataset.cursorMs === '10');
    const early = await miniTokens(page, 1);
    await seekTo(page, 1000);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=lane]')[1]?.dataset.cursorMs === '1000');
    await page.waitForFunction(before => {
      const cs = [...document.querySelectorAll('[data-testid=lane]')[1].querySelectorAll('[data-testid=lane-mini] circle')];
      return cs.map(c => `${c.parentNode.dataset.msg}@${c.getAttribute('cx')},${c.getAttribute('cy')}`).join(' ') !== before;
    }, early);
    const later = await miniTokens(page, 1);
    assert.notEqual(later, early, 'the small diagram moved with the playhead');
    assert.ok(later.split(' ').length > early.split(' ').length, `more messages sent by 1 s (${later.split(' ').length} vs ${early.split(' ').length})`);
    // The numbers stay, as the caption.
    assert.match(await page.locator('[data-testid=lane]').nth(1).locator('[data-testid=lane-caption]').textContent(), /sent\s*11(?!\d)/);
    await page.locator('[data-testid=lane-cards]').screenshot({ path: `${ARTIFACTS}lanes-mini-${width}.png` });
    await page.screenshot({ path: `${ARTIFACTS}lanes-mini-page-${width}.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });
}
