// The lab's first frame before its wasm (issue 23 item 2: the page draws its first diagram after
// ≤ 250 KB gzip). The lab module is ~455 KB gzip; what a reader sees first, the diagram of a preset
// at t = 0, is a small static HTML fragment rendered ahead of time by the lab's own Yew components
// (www/first-frame/<preset>.<lang>.<layout>.html, written natively and checked in). This module
// decides from the URL (or a module mount's options) whether the lab will start exactly at such a
// frame, fetches the fragment, draws it inert ("loading…"), and only once it is painted lets the
// caller load the wasm. The live lab replaces it: the frame is removed in the same task as the live
// diagram (`svg.pipeline`) is inserted, before the browser paints, so the page is never blank and
// never shows both.
//
// Used by loader.js (the page: scripts/csp-boot.py writes it from Trunk's loader) and by
// losslab.mjs (module mounts). Anything that goes wrong — a fragment that does not come, a URL the
// frame does not match — means no frame: the page loads as before, with its "Loading the lab…" box.
// The rules below follow the lab's own URL reading (src/share.rs `LabOptions::from_url`, src/i18n.rs
// `negotiate`, src/embed.rs `embed_orientation`, src/app.rs `TALL_BELOW_PX`); tests/e2e/first_frame.test.mjs
// checks that the frame equals the live lab's first frame.

/** The preset a lab opens without `?preset=` (src/lib.rs `DEFAULT_PRESET`). */
export const DEFAULT_PRESET = 'whole-path';
/** Narrower than this window (CSS px), the page's picture is drawn tall (src/app.rs `TALL_BELOW_PX`). */
export const TALL_BELOW_PX = 760;
/** src/embed.rs `EMBED_WIDE_FROM_PX`, `EMBED_COMPACT_FROM_PX`: an embed's arrangement by its own width. */
export const EMBED_WIDE_FROM_PX = 1000;
export const EMBED_COMPACT_FROM_PX = 600;
/** The panels a page's frame draws, whose hiding (`hide=`) would change it: the guided tour, the
 *  summary and the inspector (above or beside the picture). The panels below them are drawn by the
 *  live lab only, so a page with one of these hidden has no frame. (`share::Panel::from_name`:
 *  trimmed, any case.) */
const IN_PAGE_FRAME = ['tour', 'summary', 'inspector'];
/** An embed's frame draws every panel the live embed does (src/app.rs `embed_body`), each a root
 *  element of this class (`share::Panel` → its component's section); the loader takes out those the
 *  embed's options hide, so the frame is as tall as the lab that replaces it. */
export const EMBED_PANEL_CLASS = { log: 'event-log', config: 'config', summary: 'summary', inspector: 'inspector', faults: 'fault-panel', presets: 'presets', tour: 'tour' };
/** `share::parse_panels`: the known panel names of a comma list (trimmed, ASCII case ignored). */
const panelNames = (hide) => String(hide ?? '').split(',').map((p) => p.trim().replace(/[A-Z]/g, (c) => c.toLowerCase()))
  .filter((p) => Object.hasOwn(EMBED_PANEL_CLASS, p));
const hidesFramePanel = (hide) => panelNames(hide).some((p) => IN_PAGE_FRAME.includes(p));

/** The panels an embed leaves out (`LabOptions::shows`): those of `hide`, and with `lock` the
 *  configuration and the presets. Sorted, each once. */
export function hiddenPanels(hide, lock) {
  return [...new Set([...panelNames(hide), ...(lock ? ['config', 'presets'] : [])])].sort();
}

/**
 * Takes out of an embed's frame `root` the panels `hidden` names, as the live embed leaves them out
 * (src/app.rs `embed_body`): each panel's section, under the picture box, in the side panels' row or
 * below; the side panels' row itself when the live embed draws none (no tour, faults, inspector or
 * presets, and no whole summary: hidden, or its line under the controls narrower than a wide embed).
 */
export function takeOutPanels(root, hidden, layout) {
  for (const p of hidden) {
    const c = EMBED_PANEL_CLASS[p];
    if (!c) continue;
    for (const el of root.querySelectorAll(`.app.embed > .${c}, .app.embed > .embed-side > .${c}, .embed-stage-frame > .${c}`)) el.remove();
  }
  const side = ['tour', 'faults', 'inspector', 'presets'].some((p) => !hidden.includes(p)) || (!hidden.includes('summary') && layout === 'embed-wide');
  if (!side) for (const el of root.querySelectorAll('.app.embed > .embed-side')) el.remove();
}

/** `Lang::from_tag`: the primary subtag, `en` or `zh`; anything else null. */
export function langFromTag(tag) {
  const primary = String(tag).trim().split(/[-_]/)[0].toLowerCase();
  return primary === 'en' || primary === 'zh' ? primary : null;
}

function percentDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%([0-9a-fA-F]{2})/g, (m, h) => { try { return decodeURIComponent(m); } catch { return m; } });
  }
}

/** `share::query_pairs`: `?a=1&b=x%20y` → [['a','1'], ['b','x y']] (`+` is a space). */
export function queryPairs(search) {
  return String(search).replace(/^\?+/, '').split('&').filter(Boolean).map((kv) => {
    const i = kv.indexOf('=');
    const [k, v] = i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)];
    return [percentDecode(k.replace(/\+/g, ' ')), percentDecode(v.replace(/\+/g, ' '))];
  });
}

const isTrue = (v) => ['', '1', 'true', 'yes', 'on'].includes(String(v).trim());
/** `share::clean_text`: without control characters, trimmed; empty → null. */
const cleanText = (v) => String(v).replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim() || null;
/** `share::clean_text(v, ID_MAX)`: the embed's `id=`, its first 64 characters kept. */
const cleanId = (v) => Array.from(String(v).replace(/[\u0000-\u001f\u007f-\u009f]/g, '')).slice(0, 64).join('').trim() || null;

/** The language the lab starts in, as `opts.lang.or(…).unwrap_or_else(initial_lang)` reads it:
 *  the (last) `lang=` the lab's options hold, else `i18n::negotiate` (the first raw `lang=` of the
 *  page's query, else the browser's first language the lab speaks), else English. */
export function startLang(optionLang, search, languages) {
  const own = optionLang == null ? null : langFromTag(optionLang);
  if (own) return own;
  const first = String(search).replace(/^\?+/, '').split('&').find((kv) => kv.split('=')[0] === 'lang');
  const fromQuery = first === undefined ? null : langFromTag(first.slice(first.indexOf('=') + 1 || first.length));
  if (fromQuery) return fromQuery;
  for (const l of languages || []) {
    const t = langFromTag(l);
    if (t) return t;
  }
  return 'en';
}

/** The fragment's layout name for a page `windowWidth` wide, or an embed `ownWidth` wide. */
export function layoutFor(embed, width) {
  if (!embed) return width < TALL_BELOW_PX ? 'page-tall' : 'page-wide';
  if (width >= EMBED_WIDE_FROM_PX) return 'embed-wide';
  if (width >= EMBED_COMPACT_FROM_PX) return 'embed-compact';
  return 'embed-tall';
}

const PRESET_ID = /^[a-z0-9][a-z0-9.-]{0,63}$/;

/**
 * What the lab starts with, from its options (read as the lab reads them), when that is exactly a
 * preset's frame at t = 0: `{ preset, lang, embed, caption, hidden }` (`hidden`: the panels an embed
 * leaves out, taken out of its frame), else `null` with `why`. Anything that changes the first frame
 * otherwise means no frame: a run link (`#run=`, the module's `run`), the settings sweep (`#sweep=`),
 * another release (`version`), a panel the page's frame draws hidden (`hide=tour|summary|inspector`),
 * a preset id that is not one (its fragment does not come either).
 */
export function frameOptions({ embed, preset, lang, caption, hide, lock, run, version, sweep }) {
  if (run) return { why: 'a run link' };
  if (sweep) return { why: 'the settings sweep' };
  if (version != null && cleanText(version) !== null) return { why: 'another release' };
  if (!embed && hidesFramePanel(hide)) return { why: 'a panel of the frame hidden' };
  const id = preset ?? DEFAULT_PRESET;
  if (!PRESET_ID.test(id)) return { why: 'not a preset' };
  return { preset: id, lang, embed: !!embed, caption: caption == null ? null : cleanText(caption), hidden: embed ? hiddenPanels(hide, lock) : [] };
}

/** The page's frame options from its URL (`LabOptions::from_url`), `languages` the browser's. */
export function pageFrameOptions(search, hash, languages) {
  const o = { embed: false, preset: null, lang: null, caption: null, hide: '', lock: false, version: null, id: null };
  for (const [k, v] of queryPairs(search)) {
    if (k === 'embed') o.embed = isTrue(v);
    else if (k === 'preset') o.preset = v;
    else if (k === 'lang') o.lang = langFromTag(v);
    else if (k === 'caption') o.caption = v;
    else if (k === 'hide') o.hide = v;
    else if (k === 'lock') o.lock = isTrue(v);
    else if (k === 'id') o.id = cleanId(v);
    else if (k === 'version') o.version = v;
  }
  const parts = String(hash).replace(/^#/, '');
  o.run = parts.split('&').some((kv) => kv.startsWith('run='));
  // The sweep page opens instead of the lab on the page itself (src/sweep/mod.rs `sweep_in_fragment`).
  o.sweep = !o.embed && parts.startsWith('sweep=');
  const f = frameOptions(o);
  if (f.preset) f.lang = startLang(o.lang, search, languages);
  if (f.preset && f.embed) f.id = o.id;
  return f;
}

/** The fragment's URL in the lab's directory `base`. */
export function fragmentUrl(base, preset, lang, layout) {
  return new URL(`first-frame/${preset}.${lang}.${layout}.html`, base).href;
}

/**
 * Fetches the fragment and returns its root element (not yet in the page), or null when it does
 * not come or is not the frame asked for.
 */
export async function fetchFrame(url, { preset, lang, layout }) {
  try {
    const r = await fetch(url, { credentials: 'same-origin' });
    if (!r.ok) return null;
    const t = document.createElement('template');
    t.innerHTML = await r.text();
    const root = t.content.firstElementChild;
    if (!root || !root.classList.contains('first-frame')) return null;
    if (root.dataset.preset !== preset || root.dataset.lang !== lang || root.dataset.layout !== layout) return null;
    if (!root.querySelector('svg.pipeline-frame')) return null;
    root.setAttribute('inert', '');
    root.setAttribute('aria-busy', 'true');
    return root;
  } catch {
    return null;
  }
}

/** The caption line an embed shows above its diagram (src/app.rs: `p.embed-caption`), in the frame too. */
function addCaption(root, caption) {
  if (!caption) return;
  const p = document.createElement('p');
  p.className = 'embed-caption';
  p.textContent = caption.slice(0, 200);
  const at = root.querySelector('[data-caption-slot]') || root.querySelector('.embed-stage-frame, .embed-stage');
  if (at && at.parentNode) at.parentNode.insertBefore(p, at);
  else root.prepend(p);
}

/**
 * Resolves once what is on screen has been painted (two animation frames), at once in a hidden tab
 * (no frames come there) and after 1 s at the latest: the wasm is never held back for long.
 */
export function painted() {
  if (document.visibilityState === 'hidden') return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, 1000);
    requestAnimationFrame(() => requestAnimationFrame(() => { clearTimeout(t); resolve(); }));
  });
}

/**
 * Removes `frame` as soon as the live diagram (`svg.pipeline`) is in `root` (a MutationObserver
 * callback runs before the browser paints the inserted lab, so no frame shows both or neither).
 */
export function replaceWhenLive(root, frame, onGone) {
  const live = () => [...root.querySelectorAll('svg.pipeline')].some((s) => !s.closest('.first-frame'));
  const done = () => { frame.remove(); if (onGone) onGone(); };
  if (live()) return done();
  const obs = new MutationObserver(() => {
    if (!frame.isConnected) return obs.disconnect();
    if (live()) { obs.disconnect(); done(); }
  });
  obs.observe(root, { childList: true, subtree: true });
}

/** `share::origin_of`: `scheme://host` of an http(s) URL, else null. */
function originOf(url) {
  const m = /^(https?):\/\/([^/?#]*)/.exec(String(url ?? ''));
  return m && /^[A-Za-z0-9.:[\]-]+$/.test(m[2]) ? `${m[1]}://${m[2]}` : null;
}

/** src/embed.rs `parent_origin`: the embedding page's origin (`location.ancestorOrigins[0]`, else
 *  the referrer's), or null. */
function parentOrigin() {
  try {
    const a = location.ancestorOrigins;
    if (a && a.length && originOf(a[0])) return a[0];
  } catch { /* none */ }
  return originOf(document.referrer);
}

/**
 * An iframe embed's frame reports its height to the embedding page as the live lab will
 * (src/embed.rs `use_height_report`: `{ type: 'losslab:height', height, id }`, the height of the
 * `.app.embed` box, checked every 200 ms, sent on change), so that `embed/host.js` sizes the iframe
 * to the frame at once, and the live lab, as tall, keeps it: the text under the iframe stays put.
 * Stops when the frame is gone.
 */
function reportHeight(frame, id) {
  if (window.parent === window) return;
  const target = parentOrigin() ?? '*';
  const app = frame.querySelector('.app.embed') || frame;
  let last = -1;
  const tick = () => {
    if (!frame.isConnected) return clearInterval(timer);
    const h = Math.max(app.scrollHeight, app.clientHeight);
    if (h > 0 && h !== last) {
      last = h;
      try { window.parent.postMessage({ type: 'losslab:height', height: h, id }, target); } catch { /* a gone parent */ }
    }
  };
  const timer = setInterval(tick, 200);
  tick();
}

/**
 * The page (index.html): draws the first frame when the URL starts at a preset's t = 0, waits
 * until it is painted, and resolves (always; never rejects) so that loader.js then fetches the
 * wasm. Resolves to the frame's description, or null when none was drawn.
 */
export async function pageFirstFrame() {
  try {
    const f = pageFrameOptions(location.search, location.hash, navigator.languages || [navigator.language || '']);
    if (!f.preset) return null;
    const width = f.embed ? document.documentElement.clientWidth : window.innerWidth;
    const layout = layoutFor(f.embed, width);
    const base = new URL('./', import.meta.url).href;
    const frame = await fetchFrame(fragmentUrl(base, f.preset, f.lang, layout), { ...f, layout });
    const boot = document.getElementById('losslab-boot');
    // The lab's code failed meanwhile (boot.js says so in its box): no frame over that.
    if (!frame || (boot && boot.dataset.boot === 'failed')) return null;
    if (f.embed) {
      takeOutPanels(frame, f.hidden, layout);
      addCaption(frame, f.caption);
    }
    if (boot) {
      boot.hidden = true;
      boot.after(frame);
    } else {
      document.body.prepend(frame);
    }
    replaceWhenLive(document.body, frame);
    if (f.embed) reportHeight(frame, f.id ?? null);
    await painted();
    return { ...f, layout };
  } catch {
    return null;
  }
}

/** A module mount's frame options (`mount_lab`'s options as `mount::options_from_js` reads them),
 *  or `{ why }` when it starts elsewhere than a preset's t = 0. */
export function mountFrameOptions(options) {
  const flag = (v) => (v === undefined || v === null ? null : !!v && v !== '0' && v !== 'false');
  const embed = flag(options.embed) ?? true;
  const str = (v) => (typeof v === 'string' ? v : null);
  const f = frameOptions({
    embed,
    preset: str(options.preset),
    caption: str(options.caption),
    hide: Array.isArray(options.hide) ? options.hide.filter((h) => typeof h === 'string').join(',') : str(options.hide),
    lock: flag(options.lock) ?? false,
    run: typeof options.run === 'string' && options.run.trim() !== '',
    version: str(options.version),
  });
  if (f.preset) f.lang = startLang(str(options.lang), location.search, navigator.languages || [navigator.language || '']);
  return f;
}

/**
 * A module mount (losslab.mjs): draws the frame `f` (from `mountFrameOptions`) into `host` (a
 * `.lab-host` box in the mount's shadow root, its stylesheet adopted) and resolves once it is
 * painted; `liveRoot` is where the live lab will appear. Resolves to true when a frame was drawn.
 */
export async function mountFirstFrame(host, liveRoot, f, base) {
  try {
    if (!f.preset) return false;
    const width = f.embed ? Math.round(host.getBoundingClientRect().width) : window.innerWidth;
    const layout = layoutFor(f.embed, width);
    const frame = await fetchFrame(fragmentUrl(base, f.preset, f.lang, layout), { ...f, layout });
    if (!frame) return false;
    if (f.embed) {
      takeOutPanels(frame, f.hidden, layout);
      addCaption(frame, f.caption);
    }
    host.replaceChildren(frame);
    replaceWhenLive(liveRoot, frame, () => host.remove());
    await painted();
    return true;
  } catch {
    return false;
  }
}

/**
 * Adds the lab's preloads (Trunk's `<link rel="preload">` / `modulepreload`, which csp-boot.py took
 * out of index.html) to the page's head: `links` as attribute objects.
 */
export function preload(links) {
  for (const attrs of links) {
    const l = document.createElement('link');
    for (const [k, v] of Object.entries(attrs)) l.setAttribute(k, v);
    document.head.appendChild(l);
  }
}
