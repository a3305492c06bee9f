// losslab's settings sweep, in a module worker so the page stays responsive while it runs.
//
// It loads the page's own wasm (losslab-web.js / losslab-web_bg.wasm next to this file, already
// in the browser's cache: nothing is fetched from elsewhere) and calls its sweep exports, which
// are the same rmq_sim::sweep functions `losslab sweep` runs, so the numbers are the CLI's.
//
//   page → worker: { grid: "<grid JSON>" }
//   worker → page: { type: "start", total }, { type: "unit", index, result: "<JSON>" } per
//                  finished run (cell × seed, in index order), { type: "done" };
//                  or { type: "error", message }.
// The page cancels by terminating the worker.
import init, { sweep_run_count, sweep_run } from './losslab-web.js';

// Loading the wasm runs the app's `main`; in a worker it must not try to mount the lab.
globalThis.__losslabNoAutostart = true;

const ready = init({ module_or_path: new URL('./losslab-web_bg.wasm', import.meta.url) });

self.onmessage = async (event) => {
  const grid = event.data && event.data.grid;
  try {
    await ready;
    if (typeof grid !== 'string') throw new Error('no grid given to the sweep worker');
    const total = sweep_run_count(grid);
    self.postMessage({ type: 'start', total });
    for (let index = 0; index < total; index++) {
      self.postMessage({ type: 'unit', index, result: sweep_run(grid, index) });
    }
    self.postMessage({ type: 'done' });
  } catch (err) {
    self.postMessage({ type: 'error', message: String((err && err.message) || err) });
  }
};
