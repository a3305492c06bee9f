//! The sweep's Web Worker, seen from the page: start it on a grid, hear one message per finished
//! run, cancel it by dropping it (`Worker.terminate()`: at once, even in the middle of a run).
//!
//! The worker is `www/sweep-worker.mjs`, a module worker next to `index.html` that loads this very
//! wasm (`losslab-web.js` / `losslab-web_bg.wasm`, already in the browser's cache) and calls
//! [`super::job`]'s exports — the same `rmq_sim::sweep` functions as `losslab sweep`, in the same
//! binary as the page, so the page and the worker cannot disagree. Protocol (plain objects):
//!
//! - page → worker: `{ grid: "<grid TOML>" }`
//! - worker → page: `{ type: "start", total }`, then `{ type: "unit", index, result: "<JSON>" }`
//!   per finished run (a cell × seed) in index order, then `{ type: "done" }`; or
//!   `{ type: "error", message }` (a bad grid, a trap in the core).

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

/// File name of the worker script, next to the page.
pub const WORKER_FILE: &str = "sweep-worker.mjs";

/// What the worker reports.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerEvent {
    /// It parsed the grid: `total` runs follow.
    Start { total: u32 },
    /// Run `index` finished; `result` is its JSON (`rmq_sim::sweep`'s run result).
    Unit { index: u32, result: String },
    Done,
    Error(String),
}

impl WorkerEvent {
    /// Reads one message from the worker; anything unexpected is an [`WorkerEvent::Error`].
    pub fn from_js(data: &JsValue) -> WorkerEvent {
        let get = |k: &str| Reflect::get(data, &k.into()).ok();
        let num = |k: &str| get(k).and_then(|v| v.as_f64()).map(|v| v as u32);
        match get("type").and_then(|v| v.as_string()).as_deref() {
            Some("start") => WorkerEvent::Start { total: num("total").unwrap_or(0) },
            Some("unit") => match (num("index"), get("result").and_then(|v| v.as_string())) {
                (Some(index), Some(result)) => WorkerEvent::Unit { index, result },
                _ => WorkerEvent::Error("the sweep worker sent a malformed result".into()),
            },
            Some("done") => WorkerEvent::Done,
            Some("error") => WorkerEvent::Error(get("message").and_then(|v| v.as_string()).unwrap_or_default()),
            _ => WorkerEvent::Error("the sweep worker sent an unknown message".into()),
        }
    }
}

/// A running sweep. Dropping it terminates the worker.
pub struct SweepWorker {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl SweepWorker {
    /// Starts a worker on `grid` (TOML); its reports go to `on_event`.
    pub fn start(grid: &str, on_event: Callback<WorkerEvent>) -> Result<SweepWorker, String> {
        let url = worker_url()?;
        let opts = web_sys::WorkerOptions::new();
        opts.set_type(web_sys::WorkerType::Module);
        opts.set_name("losslab-sweep");
        let worker = web_sys::Worker::new_with_options(&url, &opts).map_err(js_text)?;
        let on_message = {
            let on_event = on_event.clone();
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| on_event.emit(WorkerEvent::from_js(&e.data())))
        };
        // A script that fails to load or throws outside a message handler.
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let msg = e.dyn_ref::<web_sys::ErrorEvent>().map(|e| e.message()).filter(|m| !m.is_empty());
            on_event.emit(WorkerEvent::Error(msg.unwrap_or_else(|| format!("the sweep worker ({WORKER_FILE}) could not start"))));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let msg = js_sys::Object::new();
        Reflect::set(&msg, &"grid".into(), &JsValue::from_str(grid)).map_err(js_text)?;
        worker.post_message(&msg).map_err(js_text)?;
        Ok(SweepWorker { worker, _on_message: on_message, _on_error: on_error })
    }
}

impl SweepWorker {
    /// Terminates the worker; no more messages arrive. Safe to call from its own handlers.
    pub fn stop(&self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

impl Drop for SweepWorker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The worker script's URL: next to the page (`document.baseURI`), so that a lab built with
/// `--public-url /somewhere/` finds it too.
fn worker_url() -> Result<String, String> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let base = doc.base_uri().map_err(js_text)?.unwrap_or_default();
    web_sys::Url::new_with_base(WORKER_FILE, &base).map(|u| u.href()).map_err(js_text)
}

fn js_text(v: JsValue) -> String {
    v.as_string()
        .or_else(|| Reflect::get(&v, &"message".into()).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| format!("{v:?}"))
}

/// Wall-clock milliseconds (`performance.now()`), for the time-left estimate only.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_else(js_sys::Date::now)
}
