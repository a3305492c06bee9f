// losslab browser benchmarks (bench.html): the core as wasm (bench_core) and the lab's frame rate
// with ~1,000 messages in flight. Writes a table and window.__benchResults (JSON-able object).
import init, { bench_core, bench_run_link } from './losslab-web.js';
import { mount } from './losslab.mjs';

// Loading the wasm runs the app's `main`; it must not mount a full lab on <body>.
globalThis.__losslabNoAutostart = true;

const CORE_CASES = [
  { preset: 'defaults', messages: 1000, repeats: 5 },
  { preset: 'defaults', messages: 10000, repeats: 3 },
  { preset: 'async-flush-power-loss', messages: 1000, repeats: 5 },
];
// Rendering: `defaults` with 1,000 messages sent every 10 ms (over 10 s) over a network with 20 s
// one-way latency, from 10 s on (all sent, none arrived) at 2x: for the 3 s measured (simulated
// 10 s … 16 s) all 1,000 are on their way to the broker, spread along the link, each drawn as a
// moving token. (Resting tokens are capped by their station's slots; only moving ones reach ~1,000.)
const RENDER = { preset: 'defaults', messages: 1000, intervalUs: 10000, latencyMs: 20000, startMs: 10000, speed: 2, seconds: 3 };

const params = new URLSearchParams(location.search);
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

async function benchCore() {
  const out = [];
  for (const c of CORE_CASES) {
    status.textContent = `core: ${c.preset} × ${c.messages}…`;
    await nextFrame();
    const r = bench_core(c.preset, c.messages, c.repeats);
    const res = { ...c, events: r.events, simulatedMs: r.simulatedMs, bestMs: r.bestMs,
      eventsPerSec: r.events / (Math.max(r.bestMs, 0.001) / 1000) };
    out.push(res);
    row([`core: ${c.preset}, ${c.messages} messages`, fmt(res.events), `${fmt(res.simulatedMs / 1000, 1)} s`,
      fmt(res.bestMs, 1), fmt(res.eventsPerSec), '', '', '']);
  }
  return out;
}

async function benchRender() {
  const seconds = Number(params.get('seconds')) || RENDER.seconds;
  status.textContent = `rendering: ${RENDER.messages} messages, ${seconds} s…`;
  const el = document.getElementById('bench-lab');
  const run = bench_run_link(RENDER.preset, RENDER.messages, RENDER.intervalUs, RENDER.latencyMs, RENDER.startMs, RENDER.speed);
  await mount(el, { run, lang: 'en' });
  // Wait until the lab is drawn, then press play.
  while (!el.querySelector('svg.pipeline') || !el.querySelector('[data-testid=play]')) await nextFrame();
  await nextFrame();
  el.querySelector('[data-testid=play]').click();
  let frames = 0;
  let peakTokens = 0;
  const start = performance.now();
  let last = start;
  await new Promise(resolve => {
    const tick = now => {
      frames += 1;
      last = now;
      if (frames % 10 === 0) peakTokens = Math.max(peakTokens, el.querySelectorAll('svg.pipeline g.token').length);
      if (now - start < seconds * 1000) requestAnimationFrame(tick); else resolve();
    };
    requestAnimationFrame(tick);
  });
  const elapsed = last - start;
  el.querySelector('[data-testid=play]').click(); // pause
  const res = { ...RENDER, seconds, frames, elapsedMs: elapsed, fps: frames / (elapsed / 1000),
    meanFrameMs: elapsed / frames, peakTokens };
  row([`render: ${RENDER.preset}, ${RENDER.messages} messages in flight (${RENDER.latencyMs / 1000} s latency), ${RENDER.speed}x`,
    '', '', '', '', fmt(res.fps, 1), fmt(res.meanFrameMs, 2), fmt(peakTokens)]);
  return res;
}

async function main() {
  try {
    await init({ module_or_path: new URL('./losslab-web_bg.wasm', import.meta.url) });
    const core = await benchCore();
    const render = await benchRender();
    window.__benchResults = { userAgent: navigator.userAgent, core, render };
    status.textContent = 'done';
  } catch (e) {
    window.__benchResults = { error: String(e && e.stack || e) };
    status.textContent = `failed: ${e}`;
    throw e;
  }
}

main();
