//! The ES module's entry into the lab: `mount_lab` renders an [`App`] into an element the page
//! gives, with options read from a JS object. It sits above [`crate::app`] and [`crate::embed`]
//! (both are used here, neither uses this module), so the front end's dependencies run one way:
//! mount → app → embed / share_bar → embed.

use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use crate::app::{App, AppProps};
use crate::share::{self, LabOptions};

fn js_string(o: &JsValue, key: &str) -> Option<String> {
    Reflect::get(o, &key.into()).ok().and_then(|v| v.as_string())
}

fn js_flag(o: &JsValue, key: &str) -> Option<bool> {
    let v = Reflect::get(o, &key.into()).ok()?;
    (!v.is_undefined() && !v.is_null()).then(|| v.is_truthy() && v.as_string().is_none_or(|s| s != "0" && s != "false"))
}

/// `mount_lab`'s options object → [`LabOptions`]; anything missing or of the wrong type is
/// ignored ([`LabOptions::from_module`] does the checking).
pub fn options_from_js(o: &JsValue) -> LabOptions {
    let hide = Reflect::get(o, &"hide".into()).ok().map(|v| {
        if js_sys::Array::is_array(&v) {
            js_sys::Array::from(&v).iter().filter_map(|x| x.as_string()).collect::<Vec<_>>().join(",")
        } else {
            v.as_string().unwrap_or_default()
        }
    });
    LabOptions::from_module(share::ModuleOptions {
        embed: js_flag(o, "embed"),
        preset: js_string(o, "preset"),
        lang: js_string(o, "lang"),
        caption: js_string(o, "caption"),
        lock: js_flag(o, "lock"),
        hide,
        run: js_string(o, "run"),
        base: js_string(o, "base"),
        version: js_string(o, "version"),
    })
}

/// Mounts a lab into `element` (the ES module `losslab.mjs` calls this after loading the wasm).
/// `options`: `{ preset, version, lang, run, caption, lock, hide, embed, base }`, all optional — `run` is a
/// link body `v1.…` or any URL with `#run=`; `hide` an array or a comma list; `embed` defaults
/// to true (no page chrome). Several labs may be mounted on one page; a module-mounted lab
/// leaves the page's URL and keyboard alone.
pub fn mount_lab(element: web_sys::Element, options: JsValue) {
    let mut opts = options_from_js(&options);
    // The element's own width before the first render, so that the first render is already drawn
    // for it (a docs column of a wide window: compact, not wide); its ResizeObserver follows later
    // changes (`embed::use_own_width`).
    opts.own_width = Some(element.get_bounding_client_rect().width().round());
    yew::Renderer::<App>::with_root_and_props(element, AppProps { options: Some(Rc::new(opts)) }).render();
    crate::panic_panel::install();
}
