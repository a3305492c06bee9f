//! Sharing and embedding, the browser part: the options from the page's URL or from
//! `mount::mount_lab`, the URL kept in sync with the run, the `losslab:height` messages to a host page,
//! and copying to the clipboard. Every browser API here is guarded: inside
//! `<iframe sandbox="allow-scripts">` (an opaque origin) `history.replaceState`, the clipboard
//! and storage throw, and the lab goes on without them.
//!
//! Height protocol: an embedded lab posts `{ type: "losslab:height", height: <CSS px>, id:
//! <its ?id= or null> }` to `window.parent` (addressed to the embedding page's origin when known, else `*`; it holds nothing
//! private) once it is drawn and whenever its height changes (checked every 200 ms, sent only
//! on change). `www/embed/host.js` listens and sets the matching iframe's height.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::{Interval, Timeout};
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::layout::Orientation;
use crate::playback::Run;
use crate::share::{self, LabOptions, ViewOpts};
use rmq_sim::SimTime;

/// Options of the lab page from its own URL.
pub fn options_from_location() -> LabOptions {
    let loc = web_sys::window().map(|w| w.location());
    let search = loc.as_ref().and_then(|l| l.search().ok()).unwrap_or_default();
    let hash = loc.as_ref().and_then(|l| l.hash().ok()).unwrap_or_default();
    LabOptions::from_url(&search, &hash)
}

/// The lab's base URL: the module's directory for a module mount, else this page's directory.
pub fn lab_base(opts: &LabOptions) -> String {
    if let Some(b) = &opts.base {
        return share::lab_base(b);
    }
    let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    share::lab_base(&href)
}

fn location_path() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default()
}

/// `history.replaceState` to `url`; ignored where it throws (a sandboxed frame).
fn replace_url(url: &str) {
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

/// What the page's URL shows: the run and — while paused — the playhead and view.
#[derive(Clone)]
pub struct UrlState {
    pub run: Rc<Run>,
    /// `None` while playing: the URL is not rewritten on every animation frame.
    pub cursor: Option<SimTime>,
    pub view: ViewOpts,
    /// The query part (`?preset=…`, and the embed parameters in embed mode).
    pub query: String,
}

impl PartialEq for UrlState {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.run, &o.run) && self.cursor == o.cursor && self.view == o.view && self.query == o.query
    }
}

/// Keeps `?…#run=v1.…` in sync on meaningful changes: at once when a run is loaded or a fault
/// injected, 200 ms after the last seek / selection / speed / language change (a scrub drag
/// writes once). While the lab sits untouched at a preset's t = 0 the address is the plain query
/// (`?preset=…&lang=…`, [`share::query_reproduces`]), which reproduces that run and for which the
/// page draws its first frame before the wasm (`www/first-frame.mjs`): so a reload does too.
#[hook]
pub fn use_url_sync(enabled: bool, state: UrlState) {
    let last_run = use_mut_ref(|| None::<Rc<Run>>);
    let last_words = use_mut_ref(|| None::<(ViewOpts, String)>);
    // `enabled` is a dependency: when the URL comes back (from the settings sweep), it is written at once.
    use_effect_with((enabled, state), move |(enabled, s)| {
        let mut pending = None;
        if !*enabled {
            *last_run.borrow_mut() = None;
        }
        if *enabled {
            let write = {
                let s = s.clone();
                move || replace_url(&share::page_url(&location_path(), &s.query, &s.run.timeline, s.cursor, &s.view))
            };
            let new_run = !last_run.borrow().as_ref().is_some_and(|r| Rc::ptr_eq(r, &s.run));
            // A new run, language, selection, speed or query is written at once; only the
            // playhead (a scrub drag) waits for 200 ms of quiet.
            let words = (s.view.clone(), s.query.clone());
            let new_words = last_words.borrow().as_ref() != Some(&words);
            if new_run || new_words {
                *last_run.borrow_mut() = Some(s.run.clone());
                *last_words.borrow_mut() = Some(words);
                write();
            } else if s.cursor.is_some() {
                pending = Some(Timeout::new(200, write));
            }
        }
        move || drop(pending)
    });
}

/// Posts the height of `root` to the parent window when it changes (see the module doc).
#[hook]
pub fn use_height_report(enabled: bool, id: Option<String>, root: NodeRef) {
    use_effect_with(enabled, move |enabled| {
        let interval = enabled.then(|| {
            let last = Cell::new(-1);
            let tick = move || {
                let Some(el) = root.cast::<web_sys::Element>() else { return };
                let h = el.scroll_height().max(el.client_height());
                if h > 0 && h != last.get() {
                    last.set(h);
                    post_height(h, id.as_deref());
                }
            };
            tick();
            Interval::new(200, tick)
        });
        move || drop(interval)
    });
}

/// An embedded lab this wide (CSS px, its own box) and wider is drawn [`Orientation::Wide`].
pub const EMBED_WIDE_FROM_PX: f64 = 1000.0;
/// Narrower than this, an embedded lab is drawn [`Orientation::Tall`]; in between (a docs
/// column, ~690 px) [`Orientation::Compact`], at about 1:1 so its text reads at normal size.
pub const EMBED_COMPACT_FROM_PX: f64 = 600.0;

/// The arrangement of an embedded lab `width` CSS px wide.
pub fn embed_orientation(width: f64) -> Orientation {
    if width >= EMBED_WIDE_FROM_PX {
        Orientation::Wide
    } else if width >= EMBED_COMPACT_FROM_PX {
        Orientation::Compact
    } else {
        Orientation::Tall
    }
}

/// The width of `root` (CSS px), kept up to date with a `ResizeObserver` when `enabled`; `None`
/// when not enabled. It starts from `initial()` (called once: the width the lab's box had before
/// its first render), so the first render already has the lab's own arrangement; `None` from it
/// means unknown until `root` is first measured.
#[hook]
pub fn use_own_width<F>(enabled: bool, root: NodeRef, initial: F) -> Option<f64>
where
    F: FnOnce() -> Option<f64>,
{
    let width = use_state_eq(move || if enabled { initial() } else { None });
    {
        let width = width.setter();
        use_effect_with(enabled, move |enabled| {
            let observer = enabled.then(|| {
                let el = root.cast::<web_sys::Element>()?;
                let measure = {
                    let el = el.clone();
                    move || width.set(Some(el.get_bounding_client_rect().width().round()))
                };
                measure();
                let cb = Closure::<dyn FnMut()>::new(measure);
                let obs = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()).ok()?;
                obs.observe(&el);
                Some((obs, cb))
            });
            move || {
                if let Some(Some((obs, _cb))) = observer {
                    obs.disconnect();
                }
            }
        });
    }
    *width
}

/// The width of this document's box (CSS px, without a scrollbar): an iframe embed's own width
/// before its first render, as `www/first-frame.mjs` reads it for the frame's layout.
pub fn document_width() -> Option<f64> {
    let el = web_sys::window()?.document()?.document_element()?;
    Some(f64::from(el.client_width())).filter(|w| *w > 0.0)
}

/// `{ type: "losslab:height", height, id }` to `window.parent`, if there is one.
fn post_height(height: i32, id: Option<&str>) {
    let Some(w) = web_sys::window() else { return };
    let Ok(Some(parent)) = w.parent() else { return };
    if js_sys::Object::is(&parent, &w) {
        return;
    }
    let msg = js_sys::Object::new();
    let _ = Reflect::set(&msg, &"type".into(), &"losslab:height".into());
    let _ = Reflect::set(&msg, &"height".into(), &JsValue::from(height));
    let _ = Reflect::set(&msg, &"id".into(), &id.map_or(JsValue::NULL, JsValue::from));
    let _ = parent.post_message(&msg, &parent_origin().unwrap_or_else(|| "*".to_string()));
}

/// The embedding page's origin, so the height goes to that page only: `location.ancestorOrigins[0]`
/// (Chromium, Safari), else the referrer's origin. `None` when neither is known (then `*`: the
/// message holds only a height and the frame's own `?id=`).
fn parent_origin() -> Option<String> {
    let w = web_sys::window()?;
    let loc = Reflect::get(&w, &"location".into()).ok()?;
    let from_ancestors = Reflect::get(&loc, &"ancestorOrigins".into())
        .ok()
        .filter(|a| a.is_object())
        .and_then(|a| Reflect::get(&a, &0.into()).ok())
        .and_then(|o| o.as_string());
    let from_referrer = || {
        let doc = w.document()?;
        let r = Reflect::get(&doc, &"referrer".into()).ok()?.as_string()?;
        share::origin_of(&r)
    };
    from_ancestors.filter(|o| share::origin_of(o).is_some()).or_else(from_referrer)
}

/// `document.execCommand("copy")` on the current selection; false where it throws or fails.
fn exec_copy() -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return false };
    Reflect::get(&doc, &"execCommand".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call1(&doc, &"copy".into()).ok())
        .and_then(|r| r.as_bool())
        .unwrap_or(false)
}

/// Selects the text of an input or textarea (so that Ctrl+C copies it when nothing else can).
pub fn select_text(el: &web_sys::Element) {
    if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        i.select();
    } else if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        t.select();
    }
}

/// Copies `text` with the async Clipboard API, falling back to `execCommand("copy")` on the
/// (already selected) field; `done` gets whether either worked. Never throws.
pub fn copy_text(text: &str, done: Callback<bool>) {
    let clip = web_sys::window()
        .and_then(|w| Reflect::get(&w, &"navigator".into()).ok())
        .and_then(|n| Reflect::get(&n, &"clipboard".into()).ok())
        .filter(|c| c.is_object());
    let promise = clip.and_then(|c| {
        let f = Reflect::get(&c, &"writeText".into()).ok()?.dyn_into::<Function>().ok()?;
        f.call1(&c, &JsValue::from_str(text)).ok()
    });
    let then = promise.as_ref().and_then(|p| Reflect::get(p, &"then".into()).ok()).and_then(|f| f.dyn_into::<Function>().ok());
    match (promise, then) {
        (Some(p), Some(then)) => {
            let ok = {
                let done = done.clone();
                Closure::once_into_js(move |_: JsValue| done.emit(true))
            };
            let err = Closure::once_into_js(move |_: JsValue| done.emit(exec_copy()));
            let _ = then.call2(&p, &ok, &err);
        }
        _ => done.emit(exec_copy()),
    }
}

/// Whether the page asked the lab not to mount itself on `<body>` (the ES module sets
/// `globalThis.__losslabNoAutostart` before it loads the wasm).
pub fn autostart_disabled() -> bool {
    Reflect::get(&js_sys::global(), &"__losslabNoAutostart".into()).is_ok_and(|v| v.is_truthy())
}

/// Removes index.html's "Loading the lab…" box (`#losslab-boot`, see `www/boot.js`): the app
/// has started, so there is nothing to warn about.
pub fn remove_boot_message() {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("losslab-boot")) {
        el.remove();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_embed_in_a_docs_column_is_compact() {
        assert_eq!(embed_orientation(690.0), Orientation::Compact);
        assert_eq!(embed_orientation(600.0), Orientation::Compact);
        assert_eq!(embed_orientation(599.0), Orientation::Tall);
        assert_eq!(embed_orientation(375.0), Orientation::Tall);
        assert_eq!(embed_orientation(1000.0), Orientation::Wide);
    }
}
