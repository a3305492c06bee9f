// losslab as an ES module: mount the lab into any element, without an iframe.
//
//   import { mount } from 'https://example.com/losslab/losslab.mjs';
//   await mount(document.getElementById('lab'), { preset: 'async-flush-power-loss', lang: 'en' });
//
// Options (all optional): preset (a preset id), lang ('en' | 'zh'), run (a link body 'v1.…' or any
// URL with '#run=v1.…'), caption (text above the diagram), lock (true: no configuration editing,
// no preset switching), hide (array or comma list of 'log', 'config', 'summary', 'inspector',
// 'faults', 'presets'), embed (default true: no page chrome; false: the whole lab).
//
// The wasm (losslab-web_bg.wasm, next to this file) is loaded once per page, however many labs
// are mounted; each mount is an independent lab. A mounted lab leaves the page's URL and the
// keyboard alone. The lab's stylesheet (style.css, next to this file) is added once; it styles
// plain elements (buttons, inputs, body font and background) of the host page too.
import init, { mount_lab } from './losslab-web.js';

// Loading the wasm runs the app's `main`, which would mount a full lab on <body>: tell it not to.
globalThis.__losslabNoAutostart = true;

let ready = null;

function load() {
  if (!ready) {
    const css = new URL('./style.css', import.meta.url).href;
    if (!document.querySelector(`link[data-losslab-css]`)) {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = css;
      link.setAttribute('data-losslab-css', '');
      document.head.appendChild(link);
    }
    ready = init({ module_or_path: new URL('./losslab-web_bg.wasm', import.meta.url) });
  }
  return ready;
}

/**
 * Mounts a lab into `element` (emptied first). Resolves once the lab is drawn.
 * @param {Element} element
 * @param {{preset?: string, lang?: string, run?: string, caption?: string, lock?: boolean,
 *          hide?: string[] | string, embed?: boolean}} [options]
 */
export async function mount(element, options = {}) {
  if (!(element instanceof Element)) throw new TypeError('losslab mount: element must be a DOM Element');
  await load();
  element.replaceChildren();
  mount_lab(element, { ...options, base: new URL('./', import.meta.url).href });
  return element;
}
