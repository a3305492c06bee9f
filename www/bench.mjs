// losslab browser benchmarks (bench.html), each beside its baseline where one applies:
// - core: the simulator as wasm (bench_core) on the `defaults` preset at each size, log discarded,
//   the same workload as the native benchmark (sim/benches/simulate.rs) — scripts/bench.sh puts
//   the two side by side;
// - render: frame times (requestAnimationFrame intervals, p50/p95) with N messages in flight in
//   the lab, then on a baseline that draws N plain moving tokens with the same technique and no
//   logic: a canvas in a <foreignObject> of an SVG with the lab's viewBox (as the lab's token layer,
//   src/components/token_canvas.rs), cleared and redrawn every frame, each token a circle with its
//   number.
// - sweep (?sweep=SEEDS, 0 = the grid's own): the sweep benchmark's grid (bench-sweep-grid.json) on
//   this page's thread (the sweep's worker runs the same Plan::run calls).
// Parameters: ?core=1000,10000&render=100,1000,5000&seconds=3&repeats=3&sweep=0. Writes a table and
// window.__benchResults (a JSON-able object). Figures only: speed goals live in BENCHMARKS.md.
// The benchmark functions are in the extras module (issue 23: the lab module carries none of them).
import init, { bench_core, bench_run_link, bench_sweep } from './losslab-extras.js';
import { mount } from './losslab.mjs';

// Loading the wasm runs the app's `main`; it must not mount a full lab on <body>.
globalThis.__losslabNoAutostart = true;

const params = new URLSearchParams(location.search);
const list = (name, dflt) => (params.get(name) ?? dflt).split(',').filter(Boolean).map(Number);
const CORE = list('core', '1000,10000');
const RENDER = list('render', '1000');
const SECONDS = Number(params.get('seconds')) || 3;
const REPEATS = Number(params.get('repeats')) || 3;
// Rendering: `defaults` with N messages sent over 10 s over a network with 20 s one-way latency,
// from 10 s on (all sent, none arrived), at 2x: while measured, all N travel to the broker, spread
// along the link, each a moving token. (Resting tokens are capped by their station's slots.)
const LINK = { preset: 'defaults', latencyMs: 20000, startMs: 10000, speed: 2 };

const status = document.getElementById('bench-status');
const tbody = document.querySelector('#bench-results tbody');
const fmt = (v, d = 0) => (v === null || v === undefined ? '—' : Number(v).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));

function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = c;
    tr.appendChild(td);
  }
  tbody.appendChild(tr);
}

const nextFrame = () => new Promise(r => requestAnimationFrame(r));

function benchCore() {
  const out = [];
  for (const messages of CORE) {
    const r = bench_core('defaults', messages, REPEATS);
    const res = { preset: 'defaults', messages, events: r.events, simulatedMs: r.simulatedMs, bestMs: r.bestMs,
      eventsPerSec: r.events / (Math.max(r.bestMs, 0.001) / 1000), messagesPerSec: messages / (Math.max(r.bestMs, 0.001) / 1000) };
    out.push(res);
    row([`core: defaults, ${fmt(messages)} messages`, fmt(res.events), fmt(res.bestMs, 1), fmt(res.messagesPerSec), '', '', '']);
  }
  return out;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Calls `each(now, i)` on every animation frame for SECONDS (after a 0.5 s warm-up, where i is
 * -1; then i counts the measured frames); frame stats, with the peak of what `each` returned. */
async function frames(each = () => {}) {
  const warm = performance.now() + 500;
  while (performance.now() < warm) each(await nextFrame(), -1);
  const intervals = [];
  let last = await nextFrame();
  const end = last + SECONDS * 1000;
  let peak = 0;
  while (last < end) {
    const now = await nextFrame();
    peak = Math.max(peak, each(now, intervals.length) || 0);
    intervals.push(now - last);
    last = now;
  }
  const sorted = [...intervals].sort((a, b) => a - b);
  return { frames: intervals.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1),
    meanMs: intervals.reduce((a, b) => a + b, 0) / intervals.length, peakTokens: peak };
}

// What the lab's token canvas drew last (it answers `tokens()`).
const drawnTokens = el => el.querySelector('svg.pipeline canvas.token-canvas')?.tokens?.().length ?? 0;

async function benchLab(el, messages) {
  const run = bench_run_link(LINK.preset, messages, Math.round(10_000_000 / messages), LINK.latencyMs, LINK.startMs, LINK.speed);
  await mount(el, { run, lang: 'en' });
  // mount() draws into a shadow root of `el` (isolated from the host page).
  const root = el.shadowRoot ?? el;
  while (!root.querySelector('svg.pipeline') || !root.querySelector('[data-testid=play]')) await nextFrame();
  await nextFrame();
  const viewBox = root.querySelector('svg.pipeline').getAttribute('viewBox');
  root.querySelector('[data-testid=play]').click();
  // The sprites the canvas copied at the same frames (fewer than its tokens where they stack).
  let peakBlits = 0;
  const res = await frames((_, i) => {
    if (i < 0 || i % 10 !== 0) return 0;
    peakBlits = Math.max(peakBlits, root.querySelector('svg.pipeline canvas.token-canvas')?.blits?.() ?? 0);
    return drawnTokens(root);
  });
  root.querySelector('[data-testid=play]').click(); // pause
  return { ...res, peakBlits, viewBox };
}

/** The baseline: `n` plain tokens moving along a line, drawn as the lab draws its tokens (a canvas
 * in the SVG at the lab's size and devicePixelRatio; each token's circle and number painted once
 * into one sprite atlas, then one whole-pixel blit per token per frame), with no other logic. */
async function benchBaseline(el, n, viewBox) {
  const NS = 'http://www.w3.org/2000/svg';
  el.replaceChildren();
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('class', 'pipeline');
  svg.setAttribute('viewBox', viewBox);
  const [, , w, h] = viewBox.split(/\s+/).map(Number);
  const fo = document.createElementNS(NS, 'foreignObject');
  for (const [k, v] of [['x', 0], ['y', 0], ['width', w], ['height', h]]) fo.setAttribute(k, String(v));
  const canvas = document.createElement('canvas');
  canvas.className = 'token-canvas';
  fo.appendChild(canvas);
  svg.appendChild(fo);
  el.appendChild(svg);
  const ctx = canvas.getContext('2d');
  const COLS = 64;
  let atlas = null, cell = 0, atlasK = 0;
  const painted = new Set();
  const sprite = (i, k) => {
    if (atlasK !== k) {
      atlasK = k;
      cell = Math.ceil(2 * 11.4 * k);
      atlas = document.createElement('canvas');
      atlas.width = COLS * cell;
      atlas.height = Math.ceil(n / COLS) * cell;
      painted.clear();
    }
    const [sx, sy] = [(i % COLS) * cell, Math.floor(i / COLS) * cell];
    if (!painted.has(i)) {
      const a = atlas.getContext('2d');
      a.setTransform(k, 0, 0, k, sx + cell / 2, sy + cell / 2);
      a.beginPath();
      a.arc(0, 0, 8, 0, 2 * Math.PI);
      a.fillStyle = '#f6f6f6';
      a.fill();
      a.setLineDash([1.5, 1.5]);
      a.lineWidth = 1.3;
      a.strokeStyle = '#5b6770';
      a.stroke();
      a.textAlign = 'center';
      a.font = '700 7.6px sans-serif';
      a.fillStyle = '#1e2a33';
      a.fillText(String(i), 0, 2.6);
      painted.add(i);
    }
    return [sx, sy];
  };
  const t0 = performance.now();
  return frames(now => {
    const r = canvas.getBoundingClientRect();
    const [bw, bh] = [Math.round(r.width * devicePixelRatio), Math.round(r.height * devicePixelRatio)];
    if (canvas.width !== bw || canvas.height !== bh) { canvas.width = bw; canvas.height = bh; }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, bw, bh);
    const k = bw / w;
    const s = (now - t0) / 20000;
    for (let i = 0; i < n; i++) {
      const [x, y] = [0.1 * w + 0.5 * w * ((i / n + s) % 1), 0.25 * h + 0.02 * h * (i % 7)];
      const [sx, sy] = sprite(i, k);
      ctx.drawImage(atlas, sx, sy, cell, cell, Math.round(x * k - cell / 2), Math.round(y * k - cell / 2), cell, cell);
    }
    return n;
  });
}

async function benchRender() {
  const out = [];
  const el = document.getElementById('bench-lab');
  for (const messages of RENDER) {
    status.textContent = `rendering: ${messages} messages in flight, ${SECONDS} s…`;
    // A fresh host each time: a mounted lab keeps its shadow root, which would hide the baseline.
    const labHost = document.createElement('div');
    el.replaceChildren(labHost);
    const lab = await benchLab(labHost, messages);
    status.textContent = `rendering baseline: ${messages} plain tokens, ${SECONDS} s…`;
    const baseHost = document.createElement('div');
    el.replaceChildren(baseHost);
    const baseline = await benchBaseline(baseHost, messages, lab.viewBox);
    el.replaceChildren();
    const res = { messages, seconds: SECONDS, lab, baseline };
    out.push(res);
    row([`render: ${fmt(messages)} in flight (lab / baseline)`, '', '', '', `${fmt(lab.p50, 1)} / ${fmt(baseline.p50, 1)}`,
      `${fmt(lab.p95, 1)} / ${fmt(baseline.p95, 1)}`, `${fmt(lab.peakTokens)} / ${fmt(baseline.peakTokens)}`]);
  }
  return out;
}

async function main() {
  try {
    await init({ module_or_path: new URL('./losslab-extras_bg.wasm', import.meta.url) });
    status.textContent = 'core…';
    await nextFrame();
    const core = benchCore();
    const render = await benchRender();
    let sweep = null;
    if (params.has('sweep')) {
      status.textContent = 'sweep…';
      await nextFrame();
      const grid = await (await fetch(new URL('./bench-sweep-grid.json', import.meta.url))).text();
      sweep = bench_sweep(grid, Number(params.get('sweep')) || 0);
      row([`sweep: ${sweep.runs} runs of 1,000 messages`, '', fmt(sweep.ms), '', '', '', '']);
    }
    window.__benchResults = { userAgent: navigator.userAgent, core, render, sweep };
    status.textContent = 'done';
  } catch (e) {
    window.__benchResults = { error: String(e && e.stack || e) };
    status.textContent = `failed: ${e}`;
    throw e;
  }
}

main();
