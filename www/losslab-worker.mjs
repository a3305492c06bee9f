// losslab's Web Worker: runs the core off the page's main thread for run(…, { worker: true }),
// check(…, { worker: true }) and events(…, { worker: true }) of losslab.mjs. One worker per page,
// started on first use; it loads the same wasm as the page (from next to this file).
import init, * as wasm from './losslab-web.js';

// The wasm's `main` would mount a lab on <body>; a worker has none.
globalThis.__losslabNoAutostart = true;
const ready = init({ module_or_path: new URL('./losslab-web_bg.wasm', import.meta.url) });

function eventsOf(scenario, options) {
  const cursor = wasm.losslabEvents(scenario, options);
  const out = [];
  try {
    for (let e = cursor.nextEvent(); e !== undefined; e = cursor.nextEvent()) out.push(e);
  } finally {
    cursor.free();
  }
  return out;
}

const calls = {
  run: (scenario, options) => wasm.losslabRun(scenario, options),
  check: (conf, options) => wasm.losslabCheck(conf, options),
  events: eventsOf,
  sweep: (grid, options) => {
    if (typeof wasm.losslabSweep !== 'function') throw new Error('losslab: sweep() is not in this build of the lab yet');
    return wasm.losslabSweep(grid, options);
  },
};

self.onmessage = async (e) => {
  const { id, fn, args } = e.data;
  try {
    await ready;
    const f = calls[fn];
    if (!f) throw new Error(`losslab worker: no function ${fn}`);
    self.postMessage({ id, value: f(...args) });
  } catch (err) {
    const o = err instanceof Error ? err : new Error(String(err));
    self.postMessage({ id, error: { name: o.name, message: o.message, field: o.field, line: o.line ?? null, reason: o.reason } });
  }
};
