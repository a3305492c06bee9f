//! Entry point of the extras module (`losslab-extras.js` / `losslab-extras_bg.wasm`, issue 23):
//! everything a page that only shows a lab does not need, fetched on first use from the same
//! origin. The lab loads it for its "Compare settings" page ([`losslab_web::extras`] on the lab's
//! side, [`losslab_web::extras_host`] here); `www/losslab.mjs` for the JS API (`run`, `check`,
//! `presets`, `events`, `sweep`); `www/losslab-worker.mjs` and `www/sweep-worker.mjs` in their
//! workers; `www/bench.mjs` for the benchmarks. The two modules share no memory: each links its
//! own copy of what it needs of `rmq_sim`, and what crosses between them are strings (scenario
//! TOML, link bodies) and plain JS values.
//!
//! `main` does nothing: loading this module never mounts anything by itself.

#[cfg(target_arch = "wasm32")]
mod exports {
    use losslab_web::{bench, extras_host, js_api, sweep::job};
    use wasm_bindgen::prelude::*;

    /// Runs a scenario to its end; the report of `losslab run --json` ([`js_api::run`]).
    #[wasm_bindgen(js_name = losslabRun)]
    pub fn run(scenario: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        js_api::run(scenario, options)
    }

    /// The loss-exposure check of a `broker.conf` text, as one release or several ([`js_api::check`]).
    #[wasm_bindgen(js_name = losslabCheck)]
    pub fn check(broker_conf: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        js_api::check(broker_conf, options)
    }

    /// The presets: `[{ id, title, claim, toml }]` ([`js_api::presets_js`]).
    #[wasm_bindgen(js_name = losslabPresets)]
    pub fn presets() -> Result<JsValue, JsValue> {
        js_api::presets_js()
    }

    /// The event log of a run, read one event at a time ([`js_api::EventCursor`]).
    #[wasm_bindgen]
    pub struct EventCursor(js_api::EventCursor);

    #[wasm_bindgen]
    impl EventCursor {
        /// The next event as `{ atUs, seq, kind, line, data }`, or `undefined` after the last.
        #[wasm_bindgen(js_name = nextEvent)]
        pub fn next_event(&mut self) -> Result<JsValue, JsValue> {
            self.0.next_event()
        }
    }

    /// Starts a run whose log is read with `nextEvent()` ([`js_api::events`]).
    #[wasm_bindgen(js_name = losslabEvents)]
    pub fn events(scenario: JsValue, options: JsValue) -> Result<EventCursor, JsValue> {
        js_api::events(scenario, options).map(EventCursor)
    }

    /// The settings sweep, `losslab sweep --json` ([`js_api::sweep`]).
    #[wasm_bindgen(js_name = losslabSweep)]
    pub fn sweep(grid: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        js_api::sweep(grid, options)
    }

    /// How many runs the sweep grid (JSON) holds, for `www/sweep-worker.mjs`.
    #[wasm_bindgen]
    pub fn sweep_run_count(grid_json: &str) -> Result<u32, JsValue> {
        job::sweep_run_count(grid_json)
    }

    /// Run `index` of the sweep grid (JSON); its result as JSON, for `www/sweep-worker.mjs`.
    #[wasm_bindgen]
    pub fn sweep_run(grid_json: &str, index: u32) -> Result<String, JsValue> {
        job::sweep_run(grid_json, index)
    }

    /// The whole sweep on the calling thread; the report's JSON.
    #[wasm_bindgen]
    pub fn sweep_json(grid_json: &str) -> Result<String, JsValue> {
        job::sweep_json(grid_json)
    }

    /// A view mounted in one of the lab's slots (`losslab_web::extras::ExtraSlot`).
    #[wasm_bindgen]
    pub struct ExtraHandle(extras_host::Mounted);

    #[wasm_bindgen]
    impl ExtraHandle {
        /// New props from the lab (the same plain object as at mount).
        pub fn update(&mut self, props: JsValue) {
            self.0.update(&props);
        }

        /// Unmounts the view (the lab's slot went away).
        pub fn destroy(&mut self) {
            self.0.destroy();
        }
    }

    /// The settings sweep page in the lab's slot `element` ([`extras_host::mount_sweep`]).
    #[wasm_bindgen]
    pub fn mount_sweep(element: web_sys::Element, props: JsValue, emit: js_sys::Function) -> ExtraHandle {
        ExtraHandle(extras_host::mount_sweep(element, props, emit))
    }

    /// The inspector's what-if and retry schedule in the lab's slot `element`
    /// ([`extras_host::mount_run_view`]).
    #[wasm_bindgen]
    pub fn mount_inspector_extras(element: web_sys::Element, props: JsValue, emit: js_sys::Function) -> Result<ExtraHandle, JsValue> {
        extras_host::mount_run_view(extras_host::RunView::Inspector, element, props, emit).map(ExtraHandle).map_err(|e| JsValue::from_str(&e))
    }

    /// The comparison lanes' cards in the lab's slot `element` ([`extras_host::mount_run_view`]).
    #[wasm_bindgen]
    pub fn mount_lanes(element: web_sys::Element, props: JsValue, emit: js_sys::Function) -> Result<ExtraHandle, JsValue> {
        extras_host::mount_run_view(extras_host::RunView::Lanes, element, props, emit).map(ExtraHandle).map_err(|e| JsValue::from_str(&e))
    }

    /// A scenario text the lab cannot read itself, read by the full parser
    /// ([`losslab_web::scenario_text::parse_answer`]).
    #[wasm_bindgen(js_name = losslabParseScenario)]
    pub fn parse_scenario_text(text: &str) -> String {
        losslab_web::scenario_text::parse_answer(text)
    }

    /// A download of the lab's run: export `format` of the run in `link_body` ([`extras_host::export_run`]).
    #[wasm_bindgen]
    pub fn export_run(link_body: &str, format: &str) -> Result<String, JsValue> {
        extras_host::export_run(link_body, format).map_err(|e| JsValue::from_str(&e))
    }

    /// The core's speed in the browser ([`bench::bench_core`]).
    #[wasm_bindgen]
    pub fn bench_core(preset: &str, messages: u32, repeats: u32) -> Result<JsValue, JsValue> {
        bench::bench_core(preset, messages, repeats)
    }

    /// The sweep benchmark on this thread ([`bench::bench_sweep`]).
    #[wasm_bindgen]
    pub fn bench_sweep(grid_json: &str, seeds: u32) -> Result<JsValue, JsValue> {
        bench::bench_sweep(grid_json, seeds)
    }

    /// A link body for the rendering benchmark ([`bench::bench_run_link`]).
    #[wasm_bindgen]
    pub fn bench_run_link(preset: &str, messages: u32, interval_us: u32, latency_ms: u32, start_ms: u32, speed: f64) -> Result<String, JsValue> {
        bench::bench_run_link(preset, messages, interval_us, latency_ms, start_ms, speed)
    }
}

fn main() {}
