//! The extras module's side of [`crate::extras`] (issue 23): the views the lab mounts from the
//! second wasm module, each a Yew app of its own in the element the lab's slot gives it, fed by
//! the slot's props (a plain JS object) and reporting back through its `emit(name, payload)`.
//! Only `src/extras_main.rs` calls into here, so the lab module links none of it.
//!
//! Two Yew apps on one page that come from two wasm modules each number their app roots from 1,
//! and Yew marks the elements it renders with that number (`__yew_subtree_id`) to route events:
//! the lab's root would take the sweep page's clicks for its own. [`mount`] therefore first moves
//! this module's numbering far past any the lab will reach ([`ROOT_ID_OFFSET`] app roots).

use std::rc::Rc;

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::compare::{lanes::LaneGrid, whatif_panel, LanesCtx, RetrySchedule, WhatIfPanel};
use crate::i18n::Lang;
use crate::playback::Playback;
use crate::share::{lanes_text, parse_lanes};
use crate::sweep::{SweepInputs, SweepStart, SweepView};

/// How many app roots this module numbers away before its first view: a page would have to mount
/// that many labs (each one app root) before the two modules' numbers met.
pub const ROOT_ID_OFFSET: u32 = 4096;

fn js_str(o: &JsValue, key: &str) -> String {
    Reflect::get(o, &key.into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

fn js_bool(o: &JsValue, key: &str) -> bool {
    Reflect::get(o, &key.into()).ok().and_then(|v| v.as_bool()).unwrap_or(false)
}

/// The lab's `emit(name, payload)`; compared by identity.
#[derive(Clone)]
pub struct Emit(pub Function);

impl PartialEq for Emit {
    fn eq(&self, o: &Self) -> bool {
        js_sys::Object::is(&self.0, &o.0)
    }
}

impl Emit {
    fn send(&self, name: &str, payload: &str) {
        let _ = self.0.call2(&JsValue::NULL, &JsValue::from_str(name), &JsValue::from_str(payload));
    }
}

/// The sweep page's props as the lab sends them: `link` (the `#sweep=` value it opened with, or
/// empty for the defaults), `open`, `lang`, `syncUrl`, `query`, `base`.
#[derive(Properties, PartialEq, Clone)]
pub struct SweepHostProps {
    pub start: Rc<SweepStart>,
    pub open: bool,
    pub lang: Lang,
    pub sync_url: bool,
    pub query: AttrValue,
    pub base: AttrValue,
    pub emit: Emit,
}

impl SweepHostProps {
    /// The props from the lab's object. `start` is read once, at mount ([`SweepHost`] keeps its
    /// own inputs afterwards).
    pub fn from_js(o: &JsValue, emit: Emit, start: Option<Rc<SweepStart>>) -> SweepHostProps {
        let start = start.unwrap_or_else(|| {
            let link = js_str(o, "link");
            if link.is_empty() {
                Rc::default()
            } else {
                let (inputs, problem) = SweepInputs::from_link(&link);
                Rc::new(SweepStart { inputs, problem })
            }
        });
        SweepHostProps {
            start,
            open: js_bool(o, "open"),
            lang: Lang::from_tag(&js_str(o, "lang")).unwrap_or_default(),
            sync_url: js_bool(o, "syncUrl"),
            query: js_str(o, "query").into(),
            base: js_str(o, "base").into(),
            emit,
        }
    }
}

/// The settings sweep page, in the lab's slot: opening a run sends `("open", <scenario TOML>)`,
/// closing the page `("close", "")`.
#[function_component(SweepHost)]
pub fn sweep_host(p: &SweepHostProps) -> Html {
    let on_open = {
        let emit = p.emit.clone();
        Callback::from(move |sc: rmq_sim::Scenario| emit.send("open", &rmq_sim::scenario::parse::scenario_to_toml(&sc)))
    };
    let on_close = {
        let emit = p.emit.clone();
        Callback::from(move |_| emit.send("close", ""))
    };
    html! {
        <ContextProvider<Lang> context={p.lang}>
            <SweepView start={p.start.clone()} open={p.open} {on_open} {on_close} sync_url={p.sync_url} query={p.query.clone()} base={p.base.clone()} />
        </ContextProvider<Lang>>
    }
}

/// The inspector's what-if and retry schedule for one message of the lab's run.
#[derive(Properties, PartialEq, Clone)]
pub struct InspectorHostProps {
    pub pb: Playback,
    pub msg: u32,
    pub lang: Lang,
    pub lanes: Rc<Vec<rmq_sim::whatif::Knob>>,
    pub emit: Emit,
}

/// The what-if (for a message lost, duplicated or dead-lettered) and the retry schedule; a what-if
/// lane opened here is sent to the lab as `("lanes", "SYNC_FLUSH,…")`, the lanes to show.
#[function_component(InspectorHost)]
pub fn inspector_host(p: &InspectorHostProps) -> Html {
    let emit = p.emit.clone();
    let ctx = LanesCtx { knobs: p.lanes.clone(), set: Callback::from(move |v: Vec<rmq_sim::whatif::Knob>| emit.send("lanes", &lanes_text(&v))) };
    let verdict = p.pb.run.done.ledger().messages.get(p.msg as usize).and_then(|r| r.verdict);
    html! {
        <ContextProvider<Lang> context={p.lang}>
        <ContextProvider<LanesCtx> context={ctx}>
            if whatif_panel::asks(verdict) { <WhatIfPanel pb={p.pb.clone()} msg={p.msg} /> }
            <RetrySchedule pb={p.pb.clone()} msg={p.msg} />
        </ContextProvider<LanesCtx>>
        </ContextProvider<Lang>>
    }
}

/// The lane cards beside the lab's run; closing a lane sends `("lanes", …)`, the lanes left.
#[function_component(LanesHost)]
pub fn lanes_host(p: &InspectorHostProps) -> Html {
    let emit = p.emit.clone();
    let ctx = LanesCtx { knobs: p.lanes.clone(), set: Callback::from(move |v: Vec<rmq_sim::whatif::Knob>| emit.send("lanes", &lanes_text(&v))) };
    html! {
        <ContextProvider<Lang> context={p.lang}>
        <ContextProvider<LanesCtx> context={ctx}>
            <LaneGrid pb={p.pb.clone()} />
        </ContextProvider<LanesCtx>>
        </ContextProvider<Lang>>
    }
}

/// The inspector's props from the lab's object: `link` (the run's link body), `msg`, `cursorUs`,
/// `lang`, `lanes`. The run is replayed here once per link (`last`: the link and playback of the
/// previous props), which gives the lab's own run.
fn inspector_props(o: &JsValue, emit: Emit, last: Option<(&str, &Playback)>) -> Result<(String, InspectorHostProps), String> {
    let link = js_str(o, "link");
    let num = |k: &str| Reflect::get(o, &k.into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let cursor = rmq_sim::SimTime(num("cursorUs").max(0.0) as u64);
    let mut pb = match last {
        Some((l, pb)) if l == link => pb.clone(),
        _ => {
            let (timeline, _, _) = crate::share::open_link(&link)?;
            Playback::from_timeline(timeline, cursor)
        }
    };
    // Playback compares by run and `version` (the lab's reducer bumps it on every change): a new
    // playhead is a new version here too, or the views would not redraw.
    if pb.cursor != cursor {
        pb.cursor = cursor;
        pb.version = pb.version.wrapping_add(1);
    }
    let props = InspectorHostProps {
        pb,
        msg: num("msg") as u32,
        lang: Lang::from_tag(&js_str(o, "lang")).unwrap_or_default(),
        lanes: Rc::new(parse_lanes(&js_str(o, "lanes"))),
        emit,
    };
    Ok((link, props))
}

/// A view of the lab's run (the inspector's extras or the lanes), replayed from the run's link.
pub enum RunView {
    Inspector,
    Lanes,
}

/// A mounted run view's Yew app; both take [`InspectorHostProps`].
pub enum RunApp {
    Inspector(yew::AppHandle<InspectorHost>),
    Lanes(yew::AppHandle<LanesHost>),
}

impl RunApp {
    fn update(&mut self, p: InspectorHostProps) {
        match self {
            RunApp::Inspector(app) => app.update(p),
            RunApp::Lanes(app) => app.update(p),
        }
    }

    fn destroy(self) {
        match self {
            RunApp::Inspector(app) => app.destroy(),
            RunApp::Lanes(app) => app.destroy(),
        }
    }
}

/// A mounted view: its Yew app, updated with new props from the lab.
pub enum Mounted {
    Sweep { app: Option<yew::AppHandle<SweepHost>>, emit: Emit, start: Rc<SweepStart> },
    /// `link` and `pb`: the run last replayed, kept so a new playhead does not replay it again.
    Run { app: Option<RunApp>, emit: Emit, link: String, pb: Playback },
}

impl Mounted {
    pub fn update(&mut self, props: &JsValue) {
        match self {
            Mounted::Sweep { app: Some(app), emit, start } => app.update(SweepHostProps::from_js(props, emit.clone(), Some(start.clone()))),
            Mounted::Run { app: Some(app), emit, link, pb } => {
                if let Ok((l, p)) = inspector_props(props, emit.clone(), Some((link.as_str(), &*pb))) {
                    *link = l;
                    *pb = p.pb.clone();
                    app.update(p);
                }
            }
            _ => {}
        }
    }

    pub fn destroy(&mut self) {
        match self {
            Mounted::Sweep { app, .. } => {
                if let Some(app) = app.take() {
                    app.destroy();
                }
            }
            Mounted::Run { app, .. } => {
                if let Some(app) = app.take() {
                    app.destroy();
                }
            }
        }
    }
}

/// Mounts `view` of the lab's run into `element` (props: see [`InspectorHostProps`]; the lanes
/// ignore `msg`).
pub fn mount_run_view(view: RunView, element: web_sys::Element, props: JsValue, emit: Function) -> Result<Mounted, String> {
    offset_root_ids();
    // This module carries the Chinese itself (the lab fetches it; `crate::i18n`'s module doc).
    crate::i18n::install_builtin_zh();
    let emit = Emit(emit);
    let (link, p) = inspector_props(&props, emit.clone(), None)?;
    let pb = p.pb.clone();
    let app = match view {
        RunView::Inspector => RunApp::Inspector(yew::Renderer::<InspectorHost>::with_root_and_props(element, p).render()),
        RunView::Lanes => RunApp::Lanes(yew::Renderer::<LanesHost>::with_root_and_props(element, p).render()),
    };
    Ok(Mounted::Run { app: Some(app), emit, link, pb })
}

#[function_component(Nothing)]
fn nothing() -> Html {
    html! {}
}

/// Moves this module's app-root numbering past the lab's (see the module doc), once.
fn offset_root_ids() {
    thread_local!(static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if DONE.with(|d| d.replace(true)) {
        return;
    }
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    for _ in 0..ROOT_ID_OFFSET {
        if let Ok(el) = doc.create_element("div") {
            yew::Renderer::<Nothing>::with_root(el).render().destroy();
        }
    }
}

/// Mounts the settings sweep page into `element` (the lab's slot; see [`SweepHostProps`]).
pub fn mount_sweep(element: web_sys::Element, props: JsValue, emit: Function) -> Mounted {
    offset_root_ids();
    crate::i18n::install_builtin_zh();
    let emit = Emit(emit);
    let p = SweepHostProps::from_js(&props, emit.clone(), None);
    let start = p.start.clone();
    let app = yew::Renderer::<SweepHost>::with_root_and_props(element, p).render();
    Mounted::Sweep { app: Some(app), emit, start }
}

/// The export `format` (`jsonl`, `history`, `csv`: `rmq_sim::export::Format`) of the run a link body
/// (`v1.…`, [`crate::share::encode_run`]) holds: the timeline is replayed here to its end, which gives
/// the lab's own run (same scenario, seed and injected faults → same log), so the file has the bytes
/// of `losslab run --export`.
pub fn export_run(link_body: &str, format: &str) -> Result<String, String> {
    let f = rmq_sim::export::Format::parse(format).ok_or_else(|| format!("no export format {format}"))?;
    let (timeline, _, _) = crate::share::open_link(link_body)?;
    Ok(f.render(&timeline.run_to_end()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playback::Timeline;
    use rmq_sim::export::Format;
    use rmq_sim::scenario::{Fault, FaultKind, FaultTarget};
    use rmq_sim::SimTime;

    #[test]
    fn an_export_from_a_link_body_has_the_bytes_of_the_labs_own_run() {
        let mut tl = Timeline::new(rmq_sim::scenario::presets::load("async-flush-power-loss").unwrap());
        // An injected fault travels in the link too.
        tl.injected.push((SimTime::from_ms(700), Fault { at: SimTime::from_ms(700), kind: FaultKind::PowerLoss, target: FaultTarget::Master, duration: None, factor: 10 }));
        let body = crate::share::encode_run(&tl, SimTime::ZERO, &Default::default());
        let done = tl.run_to_end();
        for f in [Format::Jsonl, Format::History, Format::Csv] {
            assert_eq!(export_run(&body, f.name()).unwrap(), f.render(&done), "{}", f.name());
        }
        assert!(export_run(&body, "pdf").unwrap_err().contains("pdf"));
        assert!(export_run("v1.broken", "csv").is_err());
    }
}
