//! The Chinese text on first use (issue 23: one language per page). The lab module carries only
//! the English; `losslab-zh.txt` (written from [`crate::i18n`]'s catalogue) is fetched from the
//! lab's own directory — same origin, through `connect-src 'self'`, so the page's CSP is unchanged —
//! when a page, an embed or a link starts in Chinese (the lab waits for it before its first draw,
//! showing a loading line) or the reader presses 中文 (the button says it is loading, the lab stays
//! in English until the text is there). If it cannot be fetched the lab stays in English and says
//! why, and the button can be pressed again.

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

use crate::i18n;

/// The loading line while the Chinese text is fetched (both languages: the Chinese is not there yet).
pub const LOADING: &str = "正在加载中文… Loading the Chinese text…";
/// The first words of the failure line, before the reason.
pub const FAILED: &str = "无法加载中文。The Chinese text could not be loaded, so the lab stays in English: ";

/// Fetches and installs the Chinese text next to `base` unless it is there already; `done` gets
/// `Ok` once Chinese lookups answer Chinese, or the reason they cannot.
pub fn load_zh(base: &str, done: Callback<Result<(), String>>) {
    if i18n::zh_ready() {
        done.emit(Ok(()));
        return;
    }
    let ok = {
        let done = done.clone();
        Closure::once_into_js(move |text: JsValue| {
            done.emit(text.as_string().ok_or_else(|| "losslab-zh.txt: no text".to_string()).and_then(i18n::install_zh));
        })
    };
    let err = Closure::once_into_js(move |e: JsValue| done.emit(Err(crate::extras::message_of(&e))));
    let promise: JsValue = crate::extras::fetch_text(&i18n::zh_file_url(base)).into();
    if let Ok(then) = Reflect::get(&promise, &"then".into()).and_then(|f| f.dyn_into::<Function>()) {
        let _ = then.call2(&promise, &ok, &err);
    }
}
