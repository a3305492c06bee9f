// losslab's Web Worker: runs the core off the page's main thread for run(…, { worker: true }),
// check(…, { worker: true }) and events(…, { worker: true }) of losslab.mjs. One worker per page,
// started on first use; it loads the extras module (the JS API's half of the code, issue 23) from
// next to this file, as the page's own calls do.
import init, * as wasm from './losslab-extras.js';

const ready = init({ module_or_path: new URL('./losslab-extras_bg.wasm', import.meta.url) });

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
  sweep: (grid, options) => wasm.losslabSweep(grid, options),
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
