//! The sweep's Web Workers, seen from the page: start them on a grid, hear one message per finished
//! run, cancel them by dropping them (`Worker.terminate()`: at once, even in the middle of a run).
//!
//! The worker is `www/sweep-worker.mjs`, a module worker next to `index.html` that loads this very
//! wasm (`losslab-web.js` / `losslab-web_bg.wasm`, already in the browser's cache) and calls
//! [`super::job`]'s exports — the same `rmq_sim::sweep` functions as `losslab sweep`, in the same
//! binary as the page, so the page and the worker cannot disagree. A sweep runs on one worker per
//! core (`navigator.hardwareConcurrency`, at most [`MAX_WORKERS`]): worker *k* of *n* simulates
//! runs *k*, *k + n*, *k + 2n*, … (runs are pure, so the split changes no result; the page files
//! each result under its index). Protocol (plain objects), per worker:
//!
//! - page → worker: `{ grid: "<grid JSON>", first: k, step: n }`
//! - worker → page: `{ type: "start", total }`, then `{ type: "unit", index, result: "<JSON>" }`
//!   per finished run of its share, in index order, then `{ type: "done" }`; or
//!   `{ type: "error", message }` (a bad grid, a trap in the core).
//!
//! [`SweepWorker`] merges the workers' messages into one stream: one `Start`, every `Unit`, one
//! `Done` once all workers are done.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

/// File name of the worker script, next to the page.
pub const WORKER_FILE: &str = "sweep-worker.mjs";

/// Most workers one sweep starts (each holds its own copy of the wasm: memory grows with them).
pub const MAX_WORKERS: usize = 4;

/// How many workers a sweep of `runs` runs uses: one per core, at most [`MAX_WORKERS`], never more
/// than there are runs, at least one.
pub fn worker_count(cores: usize, runs: usize) -> usize {
    cores.clamp(1, MAX_WORKERS).min(runs.max(1))
}

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

/// A running sweep. Dropping it terminates its workers.
pub struct SweepWorker {
    lanes: Vec<Lane>,
}

/// One worker and its handlers.
struct Lane {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

/// What the lanes have reported so far, to merge their messages into one stream.
#[derive(Default)]
struct Merge {
    started: bool,
    done: usize,
}

impl Merge {
    /// The merged stream's event for one lane's `ev` out of `lanes` (`None`: swallowed).
    fn take(&mut self, ev: WorkerEvent, lanes: usize) -> Option<WorkerEvent> {
        match ev {
            WorkerEvent::Start { .. } if self.started => None,
            WorkerEvent::Start { .. } => {
                self.started = true;
                Some(ev)
            }
            WorkerEvent::Done => {
                self.done += 1;
                (self.done == lanes).then_some(WorkerEvent::Done)
            }
            other => Some(other),
        }
    }
}

impl SweepWorker {
    /// Starts workers on `grid` (JSON) of `runs` runs, one per core; their merged reports go to
    /// `on_event`.
    pub fn start(grid: &str, runs: usize, on_event: Callback<WorkerEvent>) -> Result<SweepWorker, String> {
        let url = worker_url()?;
        let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency()) as usize;
        let n = worker_count(cores, runs);
        let merge = std::rc::Rc::new(std::cell::RefCell::new(Merge::default()));
        let mut lanes = Vec::with_capacity(n);
        for k in 0..n {
            let opts = web_sys::WorkerOptions::new();
            opts.set_type(web_sys::WorkerType::Module);
            opts.set_name(&format!("losslab-sweep-{k}"));
            let worker = web_sys::Worker::new_with_options(&url, &opts).map_err(js_text)?;
            let on_message = {
                let (on_event, merge) = (on_event.clone(), merge.clone());
                Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                    let ev = merge.borrow_mut().take(WorkerEvent::from_js(&e.data()), n);
                    if let Some(ev) = ev {
                        on_event.emit(ev);
                    }
                })
            };
            // A script that fails to load or throws outside a message handler.
            let on_error = {
                let on_event = on_event.clone();
                Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                    let msg = e.dyn_ref::<web_sys::ErrorEvent>().map(|e| e.message()).filter(|m| !m.is_empty());
                    on_event.emit(WorkerEvent::Error(msg.unwrap_or_else(|| format!("the sweep worker ({WORKER_FILE}) could not start"))));
                })
            };
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            let msg = js_sys::Object::new();
            Reflect::set(&msg, &"grid".into(), &JsValue::from_str(grid)).map_err(js_text)?;
            Reflect::set(&msg, &"first".into(), &JsValue::from(k as u32)).map_err(js_text)?;
            Reflect::set(&msg, &"step".into(), &JsValue::from(n as u32)).map_err(js_text)?;
            worker.post_message(&msg).map_err(js_text)?;
            lanes.push(Lane { worker, _on_message: on_message, _on_error: on_error });
        }
        Ok(SweepWorker { lanes })
    }

    /// How many workers this sweep runs on.
    pub fn workers(&self) -> usize {
        self.lanes.len()
    }

    /// Terminates the workers; no more messages arrive. Safe to call from their own handlers.
    pub fn stop(&self) {
        for lane in &self.lanes {
            lane.worker.set_onmessage(None);
            lane.worker.set_onerror(None);
            lane.worker.terminate();
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_worker_per_core_at_most_four_never_more_than_runs() {
        assert_eq!(worker_count(2, 240), 2);
        assert_eq!(worker_count(16, 240), MAX_WORKERS);
        assert_eq!(worker_count(0, 240), 1, "no reported core count: one worker");
        assert_eq!(worker_count(4, 3), 3, "no idle worker for a tiny grid");
        assert_eq!(worker_count(4, 0), 1);
    }

    /// Two workers' streams merge into one start, every unit, and one done after both.
    #[test]
    fn merged_stream_has_one_start_and_one_done() {
        let mut m = Merge::default();
        let unit = |index| WorkerEvent::Unit { index, result: String::new() };
        assert_eq!(m.take(WorkerEvent::Start { total: 4 }, 2), Some(WorkerEvent::Start { total: 4 }));
        assert_eq!(m.take(unit(0), 2), Some(unit(0)));
        assert_eq!(m.take(WorkerEvent::Start { total: 4 }, 2), None);
        assert_eq!(m.take(unit(1), 2), Some(unit(1)));
        assert_eq!(m.take(WorkerEvent::Done, 2), None, "the other worker is still running");
        assert_eq!(m.take(unit(3), 2), Some(unit(3)));
        assert_eq!(m.take(WorkerEvent::Done, 2), Some(WorkerEvent::Done));
        assert_eq!(m.take(WorkerEvent::Error("x".into()), 2), Some(WorkerEvent::Error("x".into())));
    }
}
