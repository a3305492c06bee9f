// End to end: labels that fit at every size (issue 24 item 7). A run of 12,000 messages (ids of 5
// digits) at its end, in the phone's picture (375 px, English and Chinese) and in the compact embed
// (`?embed=1&hide=log,config` in the 690 px column of the docs example page): every station's title
// and subtitle, the producer's answer lines and the retry countdowns lie inside their station's
// box, and a cut label carries its full text as a tooltip. The geometry behind it is tested
// natively (src/layout.rs `labels_fit_their_boxes_at_375_px_and_in_the_compact_embed`,
// `a_five_digit_id_fits_its_token`). Screenshots: artifacts/layout-fit-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, startLab, stopLab, eventually, seekToEnd } from './helpers.mjs';

let server, browser, link;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

const MESSAGES = 12000;

/** A `#run=` link: `defaults` with MESSAGES messages, one every 200 µs, 1 ms latency. */
async function runLink(page) {
  if (link) return link;
  await page.goto(`${server.url}?lang=en`);
  await page.waitForSelector('svg.pipeline');
  link = await page.evaluate(async (n) => {
    const m = await import('./losslab-web.js');
    return m.bench_run_link('defaults', n, 200, 1, 0, 1);
  }, MESSAGES);
  return link;
}

/** Every label of the picture that lies outside its station's box (1 unit of slack for
 *  anti-aliasing), the labels cut without a tooltip, and the largest message id drawn. */
function misfits(root) {
  const svg = root.querySelector('svg.pipeline');
  const out = [];
  const inside = (b, r, what) => {
    if (b.width === 0) return;
    if (b.x < r.x - 1 || b.x + b.width > r.x + r.width + 1 || b.y < r.y - 1 || b.y + b.height > r.y + r.height + 1) {
      out.push(`${what}: [${b.x.toFixed(1)}, ${(b.x + b.width).toFixed(1)}] outside [${r.x}, ${r.x + r.width}]`);
    }
  };
  const boxes = [...svg.querySelectorAll('g.station')];
  for (const g of boxes) {
    const r = g.querySelector('rect').getBBox();
    for (const t of g.querySelectorAll('text')) {
      inside(t.getBBox(), r, `${g.getAttribute('class')} "${t.textContent}"`);
      if (t.textContent.endsWith('…') && !t.querySelector('title')) out.push(`"${t.textContent}" is cut with no tooltip`);
    }
  }
  const box = (cls) => boxes.find((g) => g.classList.contains(cls))?.querySelector('rect').getBBox();
  for (const t of svg.querySelectorAll('g.answers text')) inside(t.getBBox(), box('st-producer'), `answer "${t.textContent}"`);
  for (const t of svg.querySelectorAll('g.retry-list text')) inside(t.getBBox(), box('st-retry'), `retry "${t.textContent}"`);
  const ids = svg.querySelector('canvas.token-canvas')?.tokens?.().map((t) => t.msg) ?? [];
  return { out, maxId: Math.max(-1, ...ids), stations: boxes.length, answers: svg.querySelectorAll('g.answers text').length,
    orientation: svg.getAttribute('viewBox') };
}

/** Waits until the picture shows the run's end with 5-digit ids and every label fits. */
async function assertFits(scope, what) {
  let last;
  try {
    await eventually(async () => {
      last = await scope.locator('body').evaluate(misfits);
      assert.ok(last.stations >= 8, `${what}: the stations are drawn`);
      assert.ok(last.maxId >= 10000, `${what}: 5-digit ids are drawn (largest ${last.maxId})`);
      assert.ok(last.answers > 0, `${what}: the producer shows its answers`);
      assert.deepEqual(last.out, [], `${what}: labels outside their box`);
    }, { timeout: 60000, interval: 250, message: what });
  } finally {
    console.log(what, JSON.stringify(last));
  }
  return last;
}

for (const lang of ['en', 'zh']) {
  test(`at 375 px (${lang}) titles, subtitles and answers with 5-digit ids stay inside their boxes`, { timeout: 180000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 900 }, deviceScaleFactor: 2 });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const run = await runLink(page);
    await page.goto(`${server.url}?lang=${lang}#run=${run}`);
    await page.waitForSelector('svg.pipeline canvas.token-canvas', { timeout: 60000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=scrub]')?.getAttribute('max')) > 0, null, { timeout: 120000, polling: 200 });
    await seekToEnd(page);
    const m = await assertFits(page, `375 px ${lang}`);
    assert.equal(m.orientation, '0 0 400 1040', 'the phone gets the tall picture');
    await page.locator('svg.pipeline').screenshot({ path: `${ARTIFACTS}layout-fit-375-${lang}.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('in a 690 px docs column the compact embed (hide=log,config) keeps every label inside its box', { timeout: 180000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const run = await runLink(page);
  await page.goto(server.url + 'embed/example.html');
  const column = await page.locator('main').evaluate((m) => m.clientWidth - 40);
  assert.equal(column, 690);
  await page.evaluate((src) => {
    const f = document.createElement('iframe');
    f.id = 'lab-fit';
    f.className = 'losslab';
    f.setAttribute('sandbox', 'allow-scripts');
    f.style.width = '100%';
    f.style.height = '1200px';
    f.src = src;
    document.querySelector('main').prepend(f);
  }, `../?embed=1&hide=log,config&lang=en#run=${run}`);
  const frame = page.frameLocator('#lab-fit');
  await frame.locator('.embed-stage[data-orientation=compact]').waitFor({ timeout: 60000 });
  await frame.locator('svg.pipeline canvas.token-canvas').waitFor({ timeout: 60000 });
  await eventually(async () => assert.ok(Number(await frame.locator('[data-testid=scrub]').getAttribute('max')) > 0), { timeout: 120000, message: 'the run is ready' });
  await seekToEnd(frame);
  const m = await assertFits(frame, '690 px embed');
  assert.equal(m.orientation, '0 0 640 520', 'the column gets the compact picture');
  const width = await page.locator('#lab-fit').evaluate((f) => f.getBoundingClientRect().width);
  assert.ok(width >= 680 && width <= 700, `the frame is ${width}px wide`);
  await frame.locator('svg.pipeline').screenshot({ path: `${ARTIFACTS}layout-fit-690-embed.png` });
  assert.deepEqual(errors, []);
  await page.close();
});
