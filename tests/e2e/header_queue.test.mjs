// End to end: two things seen on 1440 px screenshots (issue 24 item 7). The header held the
// default preset's long title and pushed "Keyboard shortcuts" onto a second line: now the title
// takes the room left and ends in an ellipsis (whole in its tooltip), one header line on a desktop
// in both languages, and on a phone it wraps on a line of its own inside the page. The consume
// queue's subtitle was cut ("TopicTest ×4 (mast…") in the wide picture's narrow station: now it is
// whole everywhere, the broker the consumer reads from on a line of its own above the lanes where
// the station is narrow, and "consumed to N of M" under the lanes stays inside it with 5-digit
// offsets. Screenshots at 1440, 375 and in a 690 px embed go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, startLab, stopLab, settle, seekToEnd, eventually } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

/** The header's items (their boxes), the title's text, tooltip and whether it is cut. */
function header(page) {
  return page.evaluate(() => {
    const items = [...document.querySelectorAll('header.top > *')].map((e) => e.getBoundingClientRect())
      .map((b) => ({ top: b.top, bottom: b.bottom, right: b.right }));
    const name = document.querySelector('[data-testid=scenario-name]');
    return { items, text: name.textContent, title: name.getAttribute('title'), cut: name.scrollWidth > name.clientWidth + 1,
      page: document.documentElement.scrollWidth };
  });
}

/** The consume queue's subtitle (drawn and whole), its route line if any, and the station box. */
function queue(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('svg.pipeline');
    const box = (el) => { const b = el.getBBox(); return { x: b.x, y: b.y, w: b.width, h: b.height }; };
    const st = svg.querySelector('.st-queue');
    const sub = st.querySelector('.st-sub');
    const route = svg.querySelector('[data-testid=queue-route] text');
    return { drawn: sub.lastChild.textContent, full: sub.dataset.full, sub: box(sub), station: box(st.querySelector('rect')),
      route: route && { drawn: route.lastChild.textContent, full: route.dataset.full, box: box(route) } };
  });
}

const inside = (b, s) => b.x >= s.x - 0.5 && b.y >= s.y - 0.5 && b.x + b.w <= s.x + s.w + 0.5 && b.y + b.h <= s.y + s.h + 0.5;

test('at 1440 px the header is one line with the long title cut to an ellipsis, whole in its tooltip; at 375 it wraps inside the page', { timeout: 120000 }, async () => {
  for (const lang of ['en', 'zh']) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${server.url}?lang=${lang}&preset=whole-path`);
    await page.waitForSelector('svg.pipeline');
    const h = await header(page);
    const firstBottom = Math.min(...h.items.map((b) => b.bottom));
    assert.ok(h.items.every((b) => b.top < firstBottom), `${lang}: every header item on one line: ${JSON.stringify(h.items)}`);
    assert.equal(h.title, h.text, `${lang}: the whole title is the tooltip`);
    // The English title is the longer one: cut (else this test no longer checks the ellipsis).
    if (lang === 'en') assert.ok(h.cut, 'en: the long title is cut to fit');
    await settle(page);
    await page.locator('header.top').screenshot({ path: `${ARTIFACTS}header-1440-${lang}.png` });
    await page.close();
  }
  const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
  await page.goto(`${server.url}?lang=en&preset=whole-path`);
  await page.waitForSelector('svg.pipeline');
  const h = await header(page);
  assert.ok(!h.cut, 'on a phone the title wraps, whole');
  assert.ok(h.page <= 375 && h.items.every((b) => b.right <= 375.5), `the header stays inside the phone: ${JSON.stringify(h)}`);
  await page.locator('header.top').screenshot({ path: `${ARTIFACTS}header-375.png` });
  await page.close();
});

test('the consume queue\'s subtitle is whole at 1440, 375 and in a 690 px embed, with the route above the lanes where the station is narrow', { timeout: 120000 }, async () => {
  for (const [width, query, name] of [[1440, '', '1440'], [375, '', '375'], [690, '&embed=1', 'embed-690']]) {
    for (const preset of ['whole-path', 'v5-slave-unreadable']) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(`${server.url}?lang=en&preset=${preset}${query}`);
      await page.waitForSelector('svg.pipeline .st-queue .st-sub');
      const q = await queue(page);
      assert.equal(q.drawn, q.full, `${name} ${preset}: the subtitle is drawn whole`);
      assert.match(q.full, /^TopicTest ×\d+/);
      assert.ok(inside(q.sub, q.station), `${name} ${preset}: the subtitle inside its station ${JSON.stringify(q)}`);
      if (width === 1440) {
        assert.ok(q.route, `${name}: the wide picture's narrow station has the route line`);
        assert.equal(q.route.drawn, q.route.full, `${name}: the route line is whole`);
        assert.match(q.route.full, /^(master|slave|second slave)$/);
        assert.ok(inside(q.route.box, q.station), `${name}: the route line inside the station ${JSON.stringify(q)}`);
      } else {
        assert.match(q.full, / · (master|slave|second slave)$/, `${name}: the route in the subtitle`);
      }
      if (preset === 'whole-path') {
        await settle(page);
        await page.locator('svg.pipeline').screenshot({ path: `${ARTIFACTS}queue-sub-${name}.png` });
      }
      await page.close();
    }
  }
});

test('with 5-digit offsets the consume queue\'s "consumed to N of M" stays whole inside its station at 1440 px', { timeout: 180000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${server.url}?lang=en&preset=defaults`);
  await page.waitForSelector('svg.pipeline');
  await page.fill('#cfg-producer-messages', '12000');
  await page.fill('#cfg-producer-interval', '2ms');
  await page.click('[data-testid=apply]');
  await page.waitForFunction(() => /of 12000 sent/.test(document.querySelector('.st-producer .st-sub')?.dataset.full ?? ''), null, { timeout: 60000 });
  await seekToEnd(page);
  const got = await eventually(async () => {
    const g = await page.evaluate(() => {
      const svg = document.querySelector('svg.pipeline');
      const b = (el) => { const r = el.getBBox(); return { x: r.x, y: r.y, w: r.width, h: r.height }; };
      return { station: b(svg.querySelector('.st-queue rect')),
        lines: [...svg.querySelectorAll('.q-consumed')].map((t) => ({ drawn: t.lastChild.textContent, full: t.dataset.full, box: b(t) })) };
    });
    assert.ok(g.lines.some((l) => /\d{5}/.test(l.full)), `5-digit offsets reached: ${JSON.stringify(g.lines)}`);
    return g;
  });
  assert.equal(got.lines.length, 2, 'the narrow station splits the line');
  for (const l of got.lines) {
    assert.equal(l.drawn, l.full, `${l.full} drawn whole`);
    assert.ok(inside(l.box, got.station), `${l.full} inside the station: ${JSON.stringify(got)}`);
  }
  await settle(page);
  await page.locator('svg.pipeline').screenshot({ path: `${ARTIFACTS}queue-consumed-5-digit-1440.png` });
  await page.close();
});
