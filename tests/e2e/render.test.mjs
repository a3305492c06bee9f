// The lab at 1,000 messages in flight, recorded: frames captured while it plays (each once the
// playhead has moved on by a fixed step, so the test waits for conditions, never for time), and
// compared. Every token advances between captures, all by the step the playhead moved, and each
// captured picture differs from the last: no frozen frame, no token jumping ahead or back. The
// tokens are drawn on a canvas (src/components/token_canvas.rs), whose `tokens()` says what it
// drew last; the test also checks that the canvas has paint where it says a token is and none
// where it says there is none, and that a click on a drawn token opens it in the inspector.
// Screenshots (light and dark, 1440 and 375 px) go to artifacts/render-*.png. No timing
// assertions: frame rates live in the benchmark (scripts/bench.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, startLab, stopLab, cursorMs, eventually, expectText, expectAttr, play, pause, setSpeed } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

const IN_FLIGHT = 1000;
const LATENCY_MS = 20000;
/** Simulated ms between captures, played at 0.2× (a second of wall time each): the tokens stay
 * in flight for the whole recording even when a screenshot takes seconds on a busy machine. */
const STEP_MS = 200;
const CAPTURES = 6;

/** A page showing `defaults` with IN_FLIGHT messages all travelling (bench.rs `bench_run_link`:
 * sent over 10 s, 20 s latency, playhead at 10 s, speed 2×). */
async function openInFlight({ width, colorScheme }) {
  const page = await browser.newPage({ viewport: { width, height: 1000 }, colorScheme, deviceScaleFactor: 2 });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${server.url}?lang=en`);
  await page.waitForSelector('svg.pipeline canvas.token-canvas');
  const link = await page.evaluate(async ([n, latency]) => {
    // The benchmark functions are in the extras module (issue 23).
    const m = await import('./losslab-extras.js');
    await m.default({ module_or_path: new URL('./losslab-extras_bg.wasm', document.baseURI) });
    return m.bench_run_link('defaults', n, Math.round(10_000_000 / n), latency, 10_000, 2);
  }, [IN_FLIGHT, LATENCY_MS]);
  await page.goto(`${server.url}?lang=en#run=${link}`);
  await page.waitForFunction(n => document.querySelector('svg.pipeline canvas.token-canvas')?.tokens?.().filter(t => t.moving).length === n,
    IN_FLIGHT, { timeout: 60000, polling: 100 });
  return { page, errors };
}

/** What the canvas drew last, with the playhead, and whether its bitmap has paint at each
 * token's centre and at a point far from every token, read in one go. */
function probe(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('svg.pipeline canvas.token-canvas');
    const tokens = canvas.tokens();
    const scrub = document.querySelector('[data-testid=scrub]');
    const ctx = canvas.getContext('2d');
    const k = canvas.width / Number(canvas.closest('foreignObject').getAttribute('width'));
    const alpha = (x, y) => ctx.getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data[3];
    const painted = tokens.filter((_, i) => i % 97 === 0).map(t => alpha(t.x, t.y));
    // A spot no token covers: the canvas's top-left corner region, checked against the list.
    const far = tokens.every(t => Math.hypot(t.x - 2, t.y - 2) > 12) ? alpha(2, 2) : null;
    return { cursor: Number(scrub.dataset.cursor), tokens, painted, far, bitmap: [canvas.width, canvas.height] };
  });
}

test('at 1,000 in flight every captured frame moves every token on by the playhead\'s step', { timeout: 180000 }, async () => {
  const { page, errors } = await openInFlight({ width: 1440, colorScheme: 'light' });
  await setSpeed(page, '0.2');
  await play(page);
  const caps = [];
  let next = (await cursorMs(page)) + STEP_MS;
  for (let i = 0; i < CAPTURES; i++) {
    await page.waitForFunction(ms => Number(document.querySelector('[data-testid=scrub]').dataset.cursor) >= ms, next, { timeout: 60000, polling: 'raf' });
    const shot = await page.locator('svg.pipeline').screenshot({ path: `${ARTIFACTS}render-recording-${i}.png` });
    const p = await probe(page);
    caps.push({ ...p, shot });
    next = p.cursor + STEP_MS;
  }
  await pause(page);
  const steps = [];
  for (let i = 1; i < caps.length; i++) {
    const [a, b] = [caps[i - 1], caps[i]];
    assert.ok(b.cursor > a.cursor, `the playhead moved between captures ${i - 1} and ${i}`);
    assert.notDeepEqual(b.shot, a.shot, `capture ${i} shows a different picture from capture ${i - 1} (no frozen frame)`);
    const before = new Map(a.tokens.map(t => [t.msg, t]));
    const want = (b.cursor - a.cursor) / LATENCY_MS;
    let moved = 0;
    for (const t of b.tokens.filter(t => t.moving)) {
      const was = before.get(t.msg);
      if (!was?.moving) continue;
      const d = t.progress - was.progress;
      assert.ok(d > 0, `msg#${t.msg} advanced (progress ${was.progress} → ${t.progress})`);
      assert.ok(Math.abs(d - want) < 1e-3, `msg#${t.msg} advanced by the playhead's step (${d.toFixed(5)}, want ${want.toFixed(5)}): no jump`);
      moved++;
    }
    assert.equal(moved, IN_FLIGHT, `all ${IN_FLIGHT} tokens were travelling in captures ${i - 1} and ${i}`);
    steps.push(b.cursor - a.cursor);
  }
  for (const c of caps) {
    assert.ok(c.painted.every(a => a > 0), `the canvas has paint under every sampled token (${c.painted.join(',')})`);
    if (c.far !== null) assert.equal(c.far, 0, 'and none where no token is');
    assert.ok(c.bitmap[0] >= 1440, `the bitmap is drawn at devicePixelRatio 2 (${c.bitmap.join('×')})`);
  }
  console.log(`capture steps (simulated ms): ${steps.join(', ')}`);

  // A click on a drawn token opens it in the inspector (hit-tested on the canvas).
  const { tokens } = await probe(page);
  const t = tokens[Math.floor(tokens.length / 2)];
  const box = await page.evaluate(() => {
    const c = document.querySelector('svg.pipeline canvas.token-canvas');
    const r = c.getBoundingClientRect();
    return { left: r.left, top: r.top, width: r.width, height: r.height, w: Number(c.closest('foreignObject').getAttribute('width')), h: Number(c.closest('foreignObject').getAttribute('height')) };
  });
  // The topmost token at that spot may be a neighbour drawn over it (they overlap, 1,000 on one link).
  const at = { x: box.left + (t.x / box.w) * box.width, y: box.top + (t.y / box.h) * box.height };
  await page.mouse.click(at.x, at.y);
  await expectText(page, '[data-testid=inspector]', /msg#\d+/);
  const inspected = Number((await page.textContent('[data-testid=inspector]')).match(/msg#(\d+)/)[1]);
  // Within a token's radius (8) and the hit margin, plus a pixel of rounding (clientX is whole).
  const near = tokens.filter(o => Math.hypot(o.x - t.x, o.y - t.y) <= 11.5).map(o => o.msg);
  assert.ok(near.includes(inspected), `the click opened a token drawn under the pointer (msg#${inspected} of ${near.join(',')})`);
  await expectAttr(page, `.token-list button[data-msg="${inspected}"]`, 'aria-pressed', 'true', 'the list marks it selected');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the token layer in light and dark at 1440 and 375 px: every listed token is drawn', { timeout: 180000 }, async () => {
  for (const [width, colorScheme] of [[1440, 'dark'], [375, 'light'], [375, 'dark']]) {
    const { page, errors } = await openInFlight({ width, colorScheme });
    await page.locator('svg.pipeline').screenshot({ path: `${ARTIFACTS}render-${colorScheme}-${width}.png` });
    const p = await probe(page);
    assert.equal(p.tokens.length, await page.locator('.token-list button').count(), `${colorScheme} ${width}: one list entry per drawn token`);
    assert.ok(p.painted.every(a => a > 0), `${colorScheme} ${width}: paint under the sampled tokens`);
    // Keyboard: Tab into the list reaches a token's button (the canvas rings it).
    await page.locator('.token-list button').first().focus();
    await eventually(async () => assert.ok(await page.evaluate(() => document.activeElement?.closest('.token-list') !== null)));
    assert.deepEqual(errors, []);
    await page.close();
  }
});
