//! The page: the picture and time controls, the summary and inspector beside it, and below the
//! faults, event log, presets and configuration. Owns the one animation-frame loop that turns
//! wall time into `Tick`s (converted to simulated time in `playback::wall_to_sim_us`).

use std::cell::RefCell;
use std::rc::Rc;

use gloo::render::{request_animation_frame, AnimationFrame};
use rmq_sim::scenario::presets;
use rmq_sim::text::Lang;
use rmq_sim::Scenario;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::share_bar::{LinkBanner, ShareBar};
use crate::components::{
    config_panel::ConfigPanel, event_log::EventLog, fault_panel::FaultPanel, inspector::Inspector,
    pipeline::Pipeline, preset_picker::PresetPicker, summary::Summary, time_controls::TimeControls,
};
use crate::layout::Orientation;
use crate::embed::{use_height_report, use_url_sync, UrlState};
use crate::playback::{Action, Playback};
use crate::share::{LabOptions, Panel, ViewOpts};

/// Narrower than this (CSS px), the picture is drawn tall instead of wide.
const TALL_BELOW_PX: f64 = 760.0;

/// Space plays/pauses, ← and → step; ignored while typing in a field.
#[hook]
fn use_keyboard(playing: bool, dispatch: Callback<Action>) {
    use_effect_with(playing, move |playing| {
        let playing = *playing;
        let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
            gloo::events::EventListener::new(&doc, "keydown", move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                let tag = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map(|el| el.tag_name());
                let typing = matches!(tag.as_deref(), Some("INPUT" | "TEXTAREA" | "SELECT"));
                let on_button = tag.as_deref() == Some("BUTTON");
                let action = match e.key().as_str() {
                    _ if typing || e.ctrl_key() || e.meta_key() || e.alt_key() => None,
                    // Space on a focused button presses that button.
                    " " if on_button => None,
                    " " => Some(if playing { Action::Pause } else { Action::Play }),
                    "ArrowRight" => Some(Action::Step),
                    "ArrowLeft" => Some(Action::StepBack),
                    _ => None,
                };
                if let Some(a) = action {
                    e.prevent_default();
                    dispatch.emit(a);
                }
            })
        });
        move || drop(listener)
    });
}

type FrameSlot = Rc<RefCell<Option<AnimationFrame>>>;

/// Requests the next frame; each frame dispatches the wall time since the previous one.
fn next_frame(slot: FrameSlot, dispatch: UseReducerDispatcher<Playback>, last: Option<f64>) {
    let slot2 = slot.clone();
    let frame = request_animation_frame(move |ts| {
        if let Some(prev) = last {
            // A backgrounded tab resumes with a huge delta: cap it so playback does not jump.
            dispatch.dispatch(Action::Tick((ts - prev).clamp(0.0, 100.0)));
        }
        next_frame(slot2, dispatch, Some(ts));
    });
    *slot.borrow_mut() = Some(frame);
}

#[hook]
fn use_animation(playing: bool, dispatch: UseReducerDispatcher<Playback>) {
    use_effect_with(playing, move |playing| {
        let slot: FrameSlot = Rc::new(RefCell::new(None));
        if *playing {
            next_frame(slot.clone(), dispatch, None);
        }
        move || drop(slot.borrow_mut().take())
    });
}

fn window_width() -> f64 {
    web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|v| v.as_f64()).unwrap_or(1440.0)
}

#[hook]
fn use_orientation() -> Orientation {
    let width = use_state(window_width);
    {
        let width = width.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo::events::EventListener::new(&w, "resize", move |_| width.set(window_width()))
            });
            move || drop(listener)
        });
    }
    if *width < TALL_BELOW_PX {
        Orientation::Tall
    } else {
        Orientation::Wide
    }
}

fn legend() -> Html {
    html! {
        <ul class="legend" aria-label="Legend">
            <li><svg viewBox="-9 -9 18 18" class="token tok-memory"><circle class="body" r="6" /></svg>{"only in page cache (dashed)"}</li>
            <li><svg viewBox="-9 -9 18 18" class="token tok-durable"><circle class="body" r="6" /></svg>{"on disk (solid)"}</li>
            <li><svg viewBox="-9 -9 18 18" class="token tok-replicated"><circle class="ring2" r="8.2" /><circle class="body" r="6" /></svg>{"on the slave too (double ring)"}</li>
            <li><span class="sym">{"✓"}</span>{"consumed"}</li>
            <li><span class="sym">{"☠"}</span>{"dead-lettered"}</li>
            <li><span class="sym">{"✕"}</span>{"lost (ghost)"}</li>
        </ul>
    }
}

/// English / Simplified Chinese for the explanations (the seed note is Chinese originally).
fn lang_switch(lang: &UseStateHandle<Lang>) -> Html {
    let button = |l: Lang, label: &'static str| {
        let lang2 = lang.clone();
        let onclick = Callback::from(move |_: MouseEvent| lang2.set(l));
        html! { <button class={classes!((**lang == l).then_some("on"))} {onclick} aria-pressed={(**lang == l).to_string()} title={if l == Lang::Zh { "简体中文 (Simplified Chinese)" } else { "English" }}>{label}</button> }
    };
    html! {
        <div class="lang" role="group" aria-label="Language of explanations">
            { button(Lang::En, "EN") }{ button(Lang::Zh, "ZH") }
        </div>
    }
}

#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// Options from `mount_lab`; `None`: read from the page's URL (`?preset=`, `?embed=1…`, `#run=`).
    #[prop_or_default]
    pub options: Option<Rc<LabOptions>>,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let opts = {
        let given = props.options.clone();
        use_memo((), move |_| given.map(|o| (*o).clone()).unwrap_or_else(crate::embed::options_from_location))
    };
    // The link or preset to open first (a broken link names its problem and opens the default).
    let start = {
        let opts = opts.clone();
        use_memo((), move |_| crate::share::resolve_start(&opts))
    };
    let pb = use_reducer(|| {
        let mut p = Playback::from_timeline(start.timeline.clone(), start.playhead);
        p.speed = start.view.speed.unwrap_or(p.speed);
        p.selected = start.view.selected;
        p
    });
    let current = use_state(|| start.preset.map(AttrValue::from));
    let lang = use_state(|| opts.lang.or(start.view.lang).unwrap_or_default());
    let hide = if opts.hide.is_empty() { start.view.hide.clone() } else { opts.hide.clone() };
    let shows = |p: Panel| !hide.contains(&p) && opts.shows(p);
    let root = use_node_ref();
    use_height_report(opts.report_height, opts.id.clone(), root.clone());
    use_animation(pb.playing, pb.dispatcher());
    let orientation = use_orientation();
    // Memoised so that panels whose data did not change skip re-rendering on each frame.
    let dispatch = {
        let d = pb.dispatcher();
        use_callback((), move |a: Action, _| d.dispatch(a))
    };
    let on_preset = {
        let (d, current) = (pb.dispatcher(), current.setter());
        use_callback((), move |id: &'static str, _| {
            if let Some(sc) = presets::load(id) {
                current.set(Some(AttrValue::from(id)));
                d.dispatch(Action::Load(Box::new(sc)));
            }
        })
    };
    let on_apply = {
        let (d, current) = (pb.dispatcher(), current.setter());
        use_callback((), move |sc: Scenario, _| {
            current.set(None);
            d.dispatch(Action::Load(Box::new(sc)));
        })
    };
    use_keyboard(pb.playing, if opts.keys { dispatch.clone() } else { Callback::noop() });
    // Keep the URL (`?preset=…#run=v1.…`) reproducing the run (a side effect, so not in the reducer).
    let view = ViewOpts {
        speed: Some(pb.speed),
        selected: pb.selected,
        lang: Some(*lang),
        preset: current.as_deref().and_then(presets::find).map(|p| p.id),
        hide: hide.clone(),
    };
    let query = opts.query_for(view.preset);
    use_url_sync(
        opts.sync_url,
        UrlState { run: pb.run.clone(), cursor: (!pb.playing).then_some(pb.cursor), view: view.clone(), query: query.clone() },
    );
    let state: Playback = (*pb).clone();
    let sc = &state.run.timeline.scenario;
    let claim = current.as_deref().and_then(presets::find).map(|p| p.claim);
    let ended = state.live.borrow().ended().is_some();
    let banner = start.problem.as_ref().map(|p| html! { <LinkBanner problem={AttrValue::from(p.clone())} /> });
    if opts.embed {
        return html! {
            <div class="app embed" ref={root} role="region" aria-label={format!("losslab: {}", sc.name)} lang={lang.tag()}>
                { banner }
                if let Some(c) = &opts.caption { <p class="embed-caption" data-testid="caption">{c.clone()}</p> }
                <div class="embed-stage">
                    <Pipeline pb={state.clone()} {orientation} dispatch={dispatch.clone()} />
                    <TimeControls pb={state.clone()} dispatch={dispatch.clone()} />
                </div>
                if shows(Panel::Faults) { <FaultPanel has_slave={sc.slave.enabled} {ended} dispatch={dispatch.clone()} /> }
                if shows(Panel::Summary) || shows(Panel::Inspector) {
                    <div class="embed-side">
                        if shows(Panel::Summary) { <Summary pb={state.clone()} dispatch={dispatch.clone()} /> }
                        if shows(Panel::Inspector) { <Inspector pb={state.clone()} dispatch={dispatch.clone()} lang={*lang} /> }
                    </div>
                }
                if shows(Panel::Log) { <EventLog pb={state.clone()} dispatch={dispatch.clone()} /> }
                if shows(Panel::Presets) { <PresetPicker current={(*current).clone()} on_load={on_preset} /> }
                if shows(Panel::Config) { <ConfigPanel scenario={sc.clone()} {on_apply} /> }
            </div>
        };
    }
    html! {
        <div class="app">
            <header class="top">
                <div class="brand"><h1>{"losslab"}</h1><span class="tag">{"RocketMQ 4.9 message-loss lab"}</span></div>
                <p class="scenario-name" data-testid="scenario-name">{sc.name.clone()}</p>
                { lang_switch(&lang) }
            </header>
            { banner }
            <main class="layout">
                <div class="stage">
                    if let Some(c) = claim { <p class="claim">{"Claim: "}{c}</p> }
                    <Pipeline pb={state.clone()} {orientation} dispatch={dispatch.clone()} />
                    { legend() }
                    <TimeControls pb={state.clone()} dispatch={dispatch.clone()} />
                    <ShareBar pb={state.clone()} {view} query={AttrValue::from(query)} base={AttrValue::from(crate::embed::lab_base(&opts))} />
                    if shows(Panel::Faults) { <FaultPanel has_slave={sc.slave.enabled} {ended} dispatch={dispatch.clone()} /> }
                </div>
                <aside class="side">
                    if shows(Panel::Summary) { <Summary pb={state.clone()} dispatch={dispatch.clone()} /> }
                    if shows(Panel::Inspector) { <Inspector pb={state.clone()} dispatch={dispatch.clone()} lang={*lang} /> }
                </aside>
                <div class="lower">
                    if shows(Panel::Log) { <EventLog pb={state.clone()} dispatch={dispatch.clone()} /> }
                    if shows(Panel::Presets) { <PresetPicker current={(*current).clone()} on_load={on_preset} /> }
                    if shows(Panel::Config) { <ConfigPanel scenario={sc.clone()} {on_apply} /> }
                </div>
            </main>
        </div>
    }
}
