// losslab's settings sweep, in module workers so the page stays responsive while it runs.
//
// It loads the extras module (losslab-extras.js / losslab-extras_bg.wasm next to this file, already
// in the browser's cache: the sweep page itself runs in it; nothing is fetched from elsewhere) and
// calls its sweep exports, which
// are the same rmq_sim::sweep functions `losslab sweep` runs, so the numbers are the CLI's.
// The page starts one worker per core (src/sweep/worker.rs); worker `first` of `step` simulates
// runs first, first + step, first + 2·step, …
//
//   page → worker: { grid: "<grid JSON>", first, step }   (first 0 and step 1 when left out)
//   worker → page: { type: "start", total }, { type: "unit", index, result: "<JSON>" } per
//                  finished run of its share (in index order), { type: "done" };
//                  or { type: "error", message }.
// The page cancels by terminating the workers.
import init, { sweep_run_count, sweep_run } from './losslab-extras.js';

const ready = init({ module_or_path: new URL('./losslab-extras_bg.wasm', import.meta.url) });

self.onmessage = async (event) => {
  const { grid, first = 0, step = 1 } = event.data || {};
  try {
    await ready;
    if (typeof grid !== 'string') throw new Error('no grid given to the sweep worker');
    if (!Number.isInteger(first) || !Number.isInteger(step) || first < 0 || step < 1) {
      throw new Error(`the sweep worker needs first ≥ 0 and step ≥ 1 (got ${first}, ${step})`);
    }
    const total = sweep_run_count(grid);
    self.postMessage({ type: 'start', total });
    for (let index = first; index < total; index += step) {
      self.postMessage({ type: 'unit', index, result: sweep_run(grid, index) });
    }
    self.postMessage({ type: 'done' });
  } catch (err) {
    self.postMessage({ type: 'error', message: String((err && err.message) || err) });
  }
};
