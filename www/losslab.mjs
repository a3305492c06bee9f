// losslab as an ES module: mount the lab into any element (no iframe), or ask the core questions
// from a documentation page. Types: losslab.d.ts next to this file.
//
//   import { mount, run } from 'https://example.com/losslab/losslab.mjs';
//   await mount(document.getElementById('lab'), { preset: 'async-flush-power-loss', lang: 'en' });
//   const report = await run('book-recommendation', { seed: 7 });
//   report.summary.verdicts.LOST_AFTER_ACK;     // the names of `losslab run --json`
//
// mount(element, options): options (all optional) are preset (a preset id), lang ('en' | 'zh'),
// run (a link body 'v1.…' or any URL with '#run=v1.…'), caption (text above the diagram), lock
// (true: no configuration editing, no preset switching), hide (array or comma list of 'log',
// 'config', 'summary', 'inspector', 'faults', 'presets', 'tour'), embed (default true: no page chrome).
// The lab is drawn in a shadow root of `element` with its own copy of the lab's stylesheet, so
// the page's styles do not reach into it and its styles do not touch the page. Children that
// `element` had stay in the light DOM, unseen (a "Loading…" line there is a fine fallback). A lab that
// starts at a preset's t = 0 (no `run`, no `version`) first shows that diagram from a small static
// fragment (first-frame.mjs, first-frame/), inert, while the lab's code loads: ~24 KB gzip before the
// first diagram (the whole embed at t = 0) instead of the lab's ~441 KB.
//
// run(scenario, options) / events(scenario, options): a scenario is TOML text, a preset id, or an
// object with the TOML's names ({ broker: { flushDiskType: 'SYNC_FLUSH' }, fault: [...] });
// options.seed overrides its seed (a Number, or a BigInt: seeds above 2^53 − 1 come back as BigInts, exact;
// an integral Number above 2^53 − 1 is refused, JavaScript has rounded it); `undefined` and `null` in an
// object mean absent; options.worker = true computes in a Web Worker
// (losslab-worker.mjs) so a page that builds a table does not block its reader.
// check(brokerConf, { version }): the loss-exposure check of a broker.conf text (`losslab check --json`), as
// RocketMQ 4.9.8 or `version` ('5.3.3'; several, ['4.9.8', '5.3.3']: { reports, difference }).
// presets(): [{ id, title, claim, toml }]. sweep(grid): the settings sweep (`losslab sweep --json`). Errors are thrown as Error objects with `field`,
// `line` (or null) and `reason`.
//
// Two wasm modules, each loaded once per page however many labs are mounted and functions called
// (issue 23): the lab (losslab-web.js / _bg.wasm), all that mount() needs, and the extras
// (losslab-extras.js / _bg.wasm), fetched on the first call of run, check, presets, events or
// sweep (or when a lab first opens its settings sweep), so a page that only mounts labs never
// fetches it. Each mount is an independent lab that leaves the page's URL and keyboard alone.
import { mountFirstFrame, mountFrameOptions } from './first-frame.mjs';

// Loading the wasm runs the app's `main`, which would mount a full lab on <body>: tell it not to.
globalThis.__losslabNoAutostart = true;

const here = (path) => new URL(path, import.meta.url).href;
let ready = null;
let loaded = false;
let sheet = null;
let worker = null;

/** The lab module's JS glue (losslab-web.js), once loaded. */
let wasm = null;

/** Loads the lab's JS glue and wasm once (imported here, not at the top: a mount draws its first
 *  frame before any of the lab's code is requested). */
function load() {
  if (!ready) {
    ready = import(here('./losslab-web.js'))
      .then((m) => m.default({ module_or_path: here('./losslab-web_bg.wasm') }).then(() => { wasm = m; loaded = true; }));
    ready.catch(() => { ready = null; });
  }
  return ready;
}

let extrasReady = null;
/** Loads the extras module once (the JS API's functions); resolves to its exports. */
export function extras() {
  if (!extrasReady) {
    extrasReady = import(here('./losslab-extras.js')).then(async (m) => {
      await m.default({ module_or_path: here('./losslab-extras_bg.wasm') });
      return m;
    });
    extrasReady.catch(() => { extrasReady = null; });
  }
  return extrasReady;
}

/**
 * The lab's stylesheet for a shadow root: `:root` rules apply to the lab's host box, `rem` is the
 * lab's own 15 px (a docs theme may set html { font-size: 62.5% }), and the box first resets
 * everything it would inherit from the page.
 */
export function shadowCss(css) {
  const prelude = '.lab-host { all: initial; display: block; --lab-rem: 15px; }\n';
  return prelude + css
    .replace(/:root\b/g, '.lab-host')
    .replace(/(^|[^\w.-])(\d*\.?\d+)rem\b/g, '$1calc($2 * var(--lab-rem))');
}

function labSheet() {
  if (!sheet) {
    sheet = fetch(here('./style.css'))
      .then((r) => {
        if (!r.ok) throw new Error(`losslab: ${r.url} answered ${r.status}`);
        return r.text();
      })
      .then((css) => {
        const s = new CSSStyleSheet();
        s.replaceSync(shadowCss(css));
        return s;
      });
    sheet.catch(() => { sheet = null; });
  }
  return sheet;
}

/**
 * Mounts a lab into a shadow root of `element`. Resolves to `element` once the lab is drawn.
 * @param {Element} element
 * @param {import('./losslab').MountOptions} [options]
 */
export async function mount(element, options = {}) {
  if (!(element instanceof Element)) throw new TypeError('losslab mount: element must be a DOM Element');
  options = options ?? {};
  let shadow = element.shadowRoot;
  if (!shadow) {
    try {
      shadow = element.attachShadow({ mode: 'open' });
    } catch (e) {
      throw new TypeError(`losslab mount: a <${element.localName}> cannot hold a lab (no shadow root); use a <div>`);
    }
  }
  // The first frame (issue 23 item 2, www/first-frame.mjs): a lab that starts at a preset's t = 0
  // (no `run`, no `version`) is drawn from a small static fragment, with the lab's stylesheet, before
  // the wasm is requested (or while another mount's request is under way); the live lab replaces it.
  const f = loaded ? { why: 'the lab is loaded' } : mountFrameOptions(options);
  let css;
  if (f.preset) {
    css = await labSheet();
    shadow.adoptedStyleSheets = [css];
    const frameBox = document.createElement('div');
    frameBox.className = 'lab-host';
    shadow.replaceChildren(frameBox);
    await mountFirstFrame(frameBox, shadow, f, here('./'));
    await load();
  } else {
    [, css] = await Promise.all([load(), labSheet()]);
    shadow.adoptedStyleSheets = [css];
  }
  const box = document.createElement('div');
  box.className = 'lab-host';
  // The frame (if any) stays before the live lab's box until the live diagram is in it.
  const frame = shadow.querySelector('.lab-host > .first-frame');
  if (frame) shadow.append(box);
  else shadow.replaceChildren(box);
  wasm.mount_lab(box, { ...options, base: here('./') });
  element.setAttribute('data-losslab', 'mounted');
  return element;
}

/** Rebuilds an error posted by the worker as the Error the direct call would have thrown. */
function revive(e) {
  const err = new Error(e.message);
  err.name = e.name;
  for (const k of ['field', 'line', 'reason']) if (k in e) err[k] = e[k];
  return err;
}

/** Calls `fn(...args)` of the core in the shared worker (losslab-worker.mjs). */
function inWorker(fn, args) {
  if (!worker) {
    const w = new Worker(here('./losslab-worker.mjs'), { type: 'module', name: 'losslab' });
    const pending = new Map();
    let next = 0;
    w.onmessage = (e) => {
      const p = pending.get(e.data.id);
      if (!p) return;
      pending.delete(e.data.id);
      if (e.data.error) p.reject(revive(e.data.error));
      else p.resolve(e.data.value);
    };
    w.onerror = (e) => {
      const err = new Error(`losslab worker failed: ${e.message || 'could not start (is losslab-worker.mjs served?)'}`);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      worker = null;
    };
    worker = {
      call(fn, args) {
        const id = next++;
        return new Promise((resolve, reject) => {
          pending.set(id, { resolve, reject });
          try {
            w.postMessage({ id, fn, args });
          } catch (e) {
            pending.delete(id);
            reject(new TypeError(`losslab: the scenario cannot be sent to the worker (${e.message})`));
          }
        });
      },
    };
  }
  return worker.call(fn, args);
}

/** `options` without `worker` (the core does not know it). */
function coreOptions(options) {
  const { worker: _, ...rest } = options ?? {};
  return rest;
}

/**
 * Runs a scenario to its end. Resolves to the report of `losslab run --json`.
 * @returns {Promise<import('./losslab').Report>}
 */
export async function run(scenario, options = {}) {
  if (options?.worker) return inWorker('run', [scenario, coreOptions(options)]);
  return (await extras()).losslabRun(scenario, coreOptions(options));
}

/**
 * The loss-exposure check of a broker.conf text (`losslab check --json`, without `config`).
 * `{ version: '5.3.3' }` checks it as that release; several (`['4.9.8', '5.3.3']`) give
 * `{ reports, difference }` (`losslab check --version 4.9.8,5.3.3 --json`).
 * @returns {Promise<import('./losslab').CheckReport | import('./losslab').CheckComparison>}
 */
export async function check(brokerConf, options = {}) {
  if (options?.worker) return inWorker('check', [brokerConf, coreOptions(options)]);
  return (await extras()).losslabCheck(brokerConf, coreOptions(options));
}

/** The presets, in `losslab presets` order. */
export async function presets() {
  return (await extras()).losslabPresets();
}

/**
 * The event log of a run, as an iterator. Directly, each step of the iterator runs the
 * simulation only as far as the next event; with { worker: true } the worker runs it whole.
 * @returns {Promise<IterableIterator<import('./losslab').LogEvent>>}
 */
export async function events(scenario, options = {}) {
  if (options?.worker) {
    const all = await inWorker('events', [scenario, coreOptions(options)]);
    return all[Symbol.iterator]();
  }
  const cursor = (await extras()).losslabEvents(scenario, coreOptions(options));
  let open = true;
  const close = () => {
    if (open) cursor.free();
    open = false;
    return { done: true, value: undefined };
  };
  return {
    [Symbol.iterator]() { return this; },
    next() {
      const value = open ? cursor.nextEvent() : undefined;
      return value === undefined ? close() : { done: false, value };
    },
    return: close,
  };
}

/**
 * The settings sweep (rmq_sim::sweep, `losslab sweep --json`): a grid object or its TOML text.
 * Every (cell, seed) runs in one call, so pass { worker: true } from a page.
 */
export async function sweep(grid, options = {}) {
  if (options?.worker) return inWorker('sweep', [grid, coreOptions(options)]);
  return (await extras()).losslabSweep(grid, coreOptions(options));
}
