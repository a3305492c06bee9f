//! The page: the picture and time controls, the summary and inspector beside it, and below the
//! faults, event log, presets and configuration. Owns the one animation-frame loop that turns
//! wall time into `Tick`s (converted to simulated time in `playback::wall_to_sim_us`).

use std::cell::RefCell;
use std::rc::Rc;

use gloo_render::{request_animation_frame, AnimationFrame};
use rmq_sim::scenario::presets;
use rmq_sim::Scenario;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::share_bar::{LinkBanner, ModelNote, ShareBar};
use crate::components::{
    announcer::Announcer, chrome::{Legend, LangSwitch}, config_panel::ConfigPanel, event_log::EventLog,
    fault_panel::FaultPanel, help_dialog::HelpDialog, inspector::Inspector, pipeline::Pipeline,
    preset_picker::PresetPicker, summary::Summary, time_controls::TimeControls, tour_panel::TourPanel,
    version_picker::VersionPicker,
};
use crate::i18n::{self, t, tf, Key, Lang};
use crate::keyboard::{use_keyboard, KeyState};
use crate::layout::Orientation;
use crate::embed::{use_height_report, use_url_sync, UrlState};
use crate::extras::{ExtraSlot, Field};
use crate::playback::{Action, Playback};
use crate::share::{LabOptions, Panel, ViewOpts};

/// Narrower than this (CSS px), the picture is drawn tall instead of wide.
pub(crate) const TALL_BELOW_PX: f64 = 760.0;
/// From this window width (CSS px) the page has a side column beside the picture (www/style.css,
/// `@media (max-width: 1100px)` stacks them): the lanes' cards go there, else under the picture.
const SIDE_COLUMN_FROM_PX: f64 = 1101.0;


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

/// The page's arrangement by the window's width; an embedded lab's by its own width
/// ([`crate::embed::use_own_width`]), since a module mount sits in a docs column of a wide window.
/// That width is known before the first render (`own_width`: the element `mount::mount_lab` draws
/// into; an iframe's document), so the first render is already the lab's own arrangement, as the
/// static first frame drawn before it (`www/first-frame.mjs` `layoutFor`).
#[hook]
fn use_orientation(embed: bool, own_width: Option<f64>, root: NodeRef) -> (Orientation, f64) {
    let width = use_state(window_width);
    {
        let width = width.clone();
        use_effect_with((), move |_| {
            let listener = (!embed).then(web_sys::window).flatten().map(|w| {
                gloo_events::EventListener::new(&w, "resize", move |_| width.set(window_width()))
            });
            move || drop(listener)
        });
    }
    let own = crate::embed::use_own_width(embed, root, move || own_width.or_else(crate::embed::document_width));
    let o = match own {
        Some(w) => crate::embed::embed_orientation(w),
        None if *width < TALL_BELOW_PX => Orientation::Tall,
        None => Orientation::Wide,
    };
    (o, *width)
}

/// After a preset is chosen (at the bottom of the page): Play gets the focus, so Space plays it
/// rather than pressing the preset's button again, and the picture with its claim is scrolled
/// into view (issue 24 item 7).
fn show_picture(root: &NodeRef) {
    // The embedded lab's root (possibly in a shadow root), else the page.
    let page = || web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
    let Some(app) = root.cast::<web_sys::Element>().or_else(page) else { return };
    if let Ok(Some(play)) = app.query_selector("[data-testid=play]") {
        if let Ok(play) = play.dyn_into::<web_sys::HtmlElement>() {
            let _ = play.focus();
        }
    }
    if let Ok(Some(stage)) = app.query_selector(".stage, .embed-stage") {
        stage.scroll_into_view();
    }
}

/// The starting language: `?lang=`, else the browser's languages, else English.
fn initial_lang() -> Lang {
    let Some(w) = web_sys::window() else { return Lang::En };
    let search = w.location().search().unwrap_or_default();
    let nav: Vec<String> = w.navigator().languages().iter().filter_map(|v| v.as_string()).collect();
    i18n::negotiate(&search, &nav)
}

/// The playback a lab starts with ([`crate::share::resolve_start`]'s run, paused at its playhead:
/// a preset's at t = 0), also drawn ahead of time as its first frame (`src/first_frame.rs`).
pub(crate) fn start_playback(start: &crate::share::Start) -> Playback {
    let mut p = Playback::from_timeline(start.timeline.clone(), start.playhead);
    p.speed = start.view.speed.unwrap_or(p.speed);
    p.selected = start.view.selected;
    p
}

// The wrappers around the picture, shared with the first frame drawn ahead of time
// (`src/first_frame.rs`, issue 23), so that its diagram lands where the lab will draw it.

/// The page's header line: the name, the tagline with the release, the scenario's title, then
/// `controls` (the language switch, the sweep's button) and the help button.
pub(crate) fn page_header(l: Lang, version: rmq_sim::RocketMqVersion, title: String, controls: Html, on_help: Callback<MouseEvent>) -> Html {
    html! {
        <header class="top">
            <div class="brand"><h1>{"losslab"}</h1><span class="tag" data-testid="tagline">{tf(l, Key::Tagline, &[&version])}</span></div>
            // One header line on a desktop: a long title ends in an ellipsis, whole in its tooltip.
            <p class="scenario-name" data-testid="scenario-name" title={title.clone()}>{title}</p>
            { controls }
            <button id="help-button" class="help-button" onclick={on_help} aria-keyshortcuts="?" aria-haspopup="dialog">{t(l, Key::HelpButton)}</button>
        </header>
    }
}

/// The preset's claim at the top of the page's picture column.
pub(crate) fn claim_line(l: Lang, claim: Option<&str>) -> Html {
    html! { if let Some(c) = claim { <p class="claim">{t(l, Key::ClaimPrefix)}{c.to_string()}</p> } }
}

/// An embedded lab's picture box (`inner`: the picture and its controls), arranged for `o`.
pub(crate) fn embed_stage(o: Orientation, inner: Html) -> Html {
    html! { <div class="embed-stage" data-orientation={o.name()}>{ inner }</div> }
}

/// What an embedded lab draws from its picture box down: the picture, its controls (and the
/// summary's line) in [`embed_stage`], then the panels `shows` lets in. Shared with the first frame
/// drawn ahead of time (`src/first_frame.rs`), so that the frame is as tall as the lab that
/// replaces it and the text under an embed does not move when the lab arrives.
pub(crate) struct EmbedBody<'a> {
    pub orientation: Orientation,
    /// The playback at the playhead (the picture, the time controls).
    pub state: &'a Playback,
    /// The playback per event (the panels: equal between events, they skip those frames).
    pub per_event: &'a Playback,
    pub dispatch: &'a Callback<Action>,
    pub shows: &'a dyn Fn(Panel) -> bool,
    /// The preset on screen, chosen in the presets panel.
    pub current: Option<AttrValue>,
    pub on_preset: Callback<&'static str>,
    pub on_apply: Callback<Scenario>,
    /// The scenario text the configuration panel and the version selector share.
    pub draft: UseStateHandle<String>,
    /// The lab's base URL (the extras module).
    pub base: AttrValue,
}

pub(crate) fn embed_body(b: EmbedBody) -> Html {
    let EmbedBody { orientation, state, per_event, dispatch, shows, current, on_preset, on_apply, draft, base } = b;
    let sc = &state.run.timeline.scenario;
    let ended = state.live.borrow().ended().is_some();
    // Narrower than a wide embed there is no room beside the picture: the summary's line.
    let compact_summary = orientation != Orientation::Wide;
    html! {
        <>
            { embed_stage(orientation, html! {
                <>
                    <Pipeline pb={state.clone()} {orientation} dispatch={dispatch.clone()} />
                    <TimeControls pb={state.clone()} dispatch={dispatch.clone()} />
                    // In a docs column the summary is one line under Play (the whole panel folded
                    // under it), so diagram + controls + summary fit 700 px (issue 24 item 6).
                    if shows(Panel::Summary) && compact_summary { <Summary pb={per_event.clone()} dispatch={dispatch.clone()} compact=true /> }
                </>
            }) }
            // The other panels two to a row where the column has room (≥ 600 px: a docs
            // column), so that every panel but the log and the configuration fits 1,200 px.
            if [Panel::Tour, Panel::Faults, Panel::Inspector, Panel::Presets].into_iter().any(shows) || (shows(Panel::Summary) && !compact_summary) {
                <div class="embed-side">
                    if shows(Panel::Tour) { <TourPanel pb={per_event.clone()} dispatch={dispatch.clone()} /> }
                    if shows(Panel::Faults) { <FaultPanel has_slave={sc.slave.enabled} {ended} pb={per_event.clone()} dispatch={dispatch.clone()} /> }
                    if shows(Panel::Summary) && !compact_summary { <Summary pb={per_event.clone()} dispatch={dispatch.clone()} /> }
                    if shows(Panel::Inspector) { <Inspector pb={per_event.clone()} dispatch={dispatch.clone()} base={base.clone()} /> }
                    if shows(Panel::Presets) {
                        <PresetPicker {current} on_load={on_preset} compact={compact_summary}>
                            <VersionPicker text={draft.clone()} running={sc.version} on_load={on_apply.clone()} base={base.clone()} />
                        </PresetPicker>
                    }
                </div>
            }
            if shows(Panel::Log) { <EventLog pb={per_event.clone()} dispatch={dispatch.clone()} /> }
            if shows(Panel::Config) { <ConfigPanel scenario={sc.clone()} text={draft} {on_apply} {base} /> }
        </>
    }
}

#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// Options from `mount_lab`; `None`: read from the page's URL (`?preset=`, `?embed=1…`, `#run=`).
    #[prop_or_default]
    pub options: Option<Rc<LabOptions>>,
}

/// The lab: where it starts is read from its options first. A link whose scenario text only the
/// full TOML parser reads (a hand-made one; every link a lab made opens at once) shows a loading
/// line while the extras module reads it ([`crate::scenario_text`]), then the lab.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let opts = {
        let given = props.options.clone();
        use_memo((), move |_| given.map(|o| (*o).clone()).unwrap_or_else(crate::embed::options_from_location))
    };
    // The link or preset to open first (a broken link names its problem and opens the default).
    let start = {
        let opts = opts.clone();
        use_state(move || Rc::new(crate::share::resolve_start(&opts)))
    };
    {
        let (opts, start) = (opts.clone(), start.clone());
        use_effect_with((), move |_| {
            if let Some(u) = start.pending.clone() {
                let base = crate::embed::lab_base(&opts);
                let toml = u.toml.clone();
                crate::scenario_text::parse_in_extras(&base, toml, Callback::from(move |r| {
                    start.set(Rc::new(crate::share::finish_start(&opts, u.clone(), r)));
                }));
            }
        });
    }
    // A lab that starts in Chinese draws once the Chinese text is there (the lab module carries
    // only the English, issue 23): a loading line until then; if it cannot come, the lab in English
    // saying why.
    let start_lang = opts.lang.or(start.view.lang).unwrap_or_else(initial_lang);
    let zh_problem = use_state(|| None::<AttrValue>);
    let wants_zh = start.pending.is_none() && start_lang == Lang::Zh && !i18n::zh_ready() && zh_problem.is_none();
    let zh_loaded = use_state(|| 0u32);
    {
        let (opts, zh_problem, zh_loaded) = (opts.clone(), zh_problem.clone(), zh_loaded.clone());
        use_effect_with(wants_zh, move |wants| {
            if *wants {
                crate::lang_load::load_zh(&crate::embed::lab_base(&opts), Callback::from(move |r: Result<(), String>| match r {
                    Ok(()) => zh_loaded.set(*zh_loaded + 1),
                    Err(e) => zh_problem.set(Some(e.into())),
                }));
            }
        });
    }
    if start.pending.is_some() || wants_zh {
        let lang = if start.pending.is_some() { opts.lang.unwrap_or_else(initial_lang) } else { Lang::Zh };
        let (line, id) = if start.pending.is_some() { (t(lang, Key::LinkLoading), "link-loading") } else { (crate::lang_load::LOADING, "lang-loading") };
        return html! {
            <div class={classes!("app", opts.embed.then_some("embed"))} lang={lang.tag()}>
                <p class="extra-loading" role="status" data-testid={id}>{line}</p>
            </div>
        };
    }
    html! { <Lab opts={opts.clone()} start={(*start).clone()} zh_problem={(*zh_problem).clone()} /> }
}

/// The Chinese text on the first press of 中文.
#[derive(Clone, PartialEq)]
enum ZhFetch {
    Idle,
    Loading,
    Failed(AttrValue),
}

#[derive(Properties, PartialEq)]
struct LabProps {
    opts: Rc<LabOptions>,
    start: Rc<crate::share::Start>,
    /// Why the Chinese text the lab was to start in could not be fetched: it starts in English.
    zh_problem: Option<AttrValue>,
}

#[function_component(Lab)]
fn lab(props: &LabProps) -> Html {
    let (opts, start) = (props.opts.clone(), props.start.clone());
    let pb = use_reducer(|| start_playback(&start));
    let current = use_state(|| start.preset.map(AttrValue::from));
    let lang = use_state(|| match props.zh_problem {
        Some(_) => Lang::En,
        None => opts.lang.or(start.view.lang).unwrap_or_else(initial_lang),
    });
    // The 中文 button while its text is fetched (first use), and why it could not be.
    let zh_fetch = use_state(|| ZhFetch::Idle);
    let help_open = use_state(|| false);
    // "Compare settings" (src/sweep/): mounted once opened (or opened by a `#sweep=` link), kept
    // while the lab is shown again so its results stay.
    // The page itself is in the extras module (src/extras.rs), fetched the first time it opens:
    // the lab keeps only its `#sweep=` link (empty for the defaults).
    let sweep = use_state(|| (opts.sync_url && !opts.embed).then(crate::sweep::link_from_location).flatten().map(AttrValue::from));
    let sweep_open = use_state(|| sweep.is_some());
    let lanes = use_state(|| start.view.lanes.clone());
    // The scenario text of the configuration panel and the version selector: it follows the
    // run's scenario, and keeps what the user typed until then.
    let draft = {
        let sc = start.timeline.scenario.clone();
        use_state_eq(move || rmq_sim::scenario::parse::scenario_to_toml(&sc))
    };
    {
        let draft = draft.clone();
        use_effect_with(pb.run.timeline.scenario.clone(), move |sc| draft.set(rmq_sim::scenario::parse::scenario_to_toml(sc)));
    }
    let hide = if opts.hide.is_empty() { start.view.hide.clone() } else { opts.hide.clone() };
    let shows = |p: Panel| !hide.contains(&p) && opts.shows(p);
    let root = use_node_ref();
    use_height_report(opts.report_height, opts.id.clone(), root.clone());
    use_animation(pb.playing, pb.dispatcher());
    let (orientation, window_w) = use_orientation(opts.embed, opts.own_width, root.clone());
    // Memoised so that panels whose data did not change skip re-rendering on each frame.
    let dispatch = {
        let d = pb.dispatcher();
        use_callback((), move |a: Action, _| d.dispatch(a))
    };
    let on_preset = {
        let (d, current, root) = (pb.dispatcher(), current.setter(), root.clone());
        use_callback((), move |id: &'static str, _| {
            if let Some(sc) = presets::load(id) {
                current.set(Some(AttrValue::from(id)));
                d.dispatch(Action::Load(Box::new(sc)));
                show_picture(&root);
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
    // The sweep button's pause and the sweep page's events: the same callbacks on every frame, so
    // those panels keep their props (a new callback per render is a change) and skip the frame.
    let pause = use_callback(dispatch.clone(), |_: (), d| d.emit(Action::Pause));
    // What the sweep page (in the extras module) reports: a run to open (its scenario as TOML,
    // which parses back to the same scenario), or that it closed.
    let on_sweep_event = {
        let (o, on_apply) = (sweep_open.setter(), on_apply.clone());
        use_callback((), move |(name, payload): (String, String), _| match name.as_str() {
            "open" => {
                // The sweep writes the lab's own TOML (`scenario_to_toml`): read without the parser.
                if let Some(Ok(sc)) = rmq_sim::scenario::lite::read(&payload) {
                    o.set(false);
                    on_apply.emit(sc);
                }
            }
            "close" => o.set(false),
            _ => {}
        })
    };
    let on_help = {
        let help_open = help_open.setter();
        use_callback((), move |open: bool, _| {
            help_open.set(open);
            if !open {
                // To Play, not back to the help button: Space there would press "?" again and
                // re-open the dialog, where the user expects it to play or pause.
                crate::keyboard::focus("[data-testid=play]");
            }
        })
    };
    let slave_stopped = pb.live.borrow().slave().is_some_and(|s| s.state == rmq_sim::sim::NodeState::Stopped);
    let keys = KeyState {
        playing: pb.playing,
        speed: pb.speed,
        has_slave: pb.run.timeline.scenario.slave.enabled,
        slave_stopped,
        ended: pb.live.borrow().ended().is_some(),
        help_open: *help_open || *sweep_open,
    };
    // A lab mounted into someone else's page leaves their keyboard alone.
    use_keyboard(keys, if opts.keys { dispatch.clone() } else { Callback::noop() }, on_help.clone());
    // The chosen language on <html lang> and in the title (the URL sync below writes `lang=`).
    let own_page = opts.sync_url && !opts.embed;
    use_effect_with(*lang, move |l| {
        if !own_page {
            return;
        }
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(html) = doc.document_element() {
                let _ = html.set_attribute("lang", if *l == Lang::Zh { "zh-CN" } else { "en" });
            }
            doc.set_title(t(*l, Key::DocTitle));
        }
    });
    let on_lang = {
        let (lang, zh_fetch) = (lang.setter(), zh_fetch.setter());
        let base = crate::embed::lab_base(&opts);
        use_callback((), move |l: Lang, _| {
            if l == Lang::Zh && !i18n::zh_ready() {
                zh_fetch.set(ZhFetch::Loading);
                let (lang, zh_fetch) = (lang.clone(), zh_fetch.clone());
                crate::lang_load::load_zh(&base, Callback::from(move |r: Result<(), String>| match r {
                    Ok(()) => {
                        zh_fetch.set(ZhFetch::Idle);
                        lang.set(Lang::Zh);
                    }
                    Err(e) => zh_fetch.set(ZhFetch::Failed(e.into())),
                }));
            } else {
                lang.set(l);
            }
        })
    };
    let zh_state = match &*zh_fetch {
        ZhFetch::Failed(e) => Some(e.clone()),
        _ => props.zh_problem.clone().filter(|_| !i18n::zh_ready()),
    };
    // Keep the URL (`?preset=…#run=v1.…`) reproducing the run (a side effect, so not in the reducer).
    let view = ViewOpts {
        speed: Some(pb.speed),
        selected: pb.selected,
        lang: Some(*lang),
        preset: current.as_deref().and_then(presets::find).map(|p| p.id),
        hide: hide.clone(),
        lanes: (*lanes).clone(),
    };
    let query = opts.query_for(view.preset, Some(*lang));
    use_url_sync(
        opts.sync_url && !*sweep_open,
        UrlState { run: pb.run.clone(), cursor: (!pb.playing).then_some(pb.cursor), view: view.clone(), query: query.clone() },
    );
    let state: Playback = (*pb).clone();
    // Panels that change only per event get this (equal between events: they skip those frames).
    let per_event = crate::playback::use_per_event(&state);
    let sc = &state.run.timeline.scenario;
    let preset = current.as_deref().and_then(presets::find).map(|p| i18n::preset_text(*lang, p));
    // A preset's title in the page's language; a scenario of the user's keeps its own name.
    let (title, claim) = (preset.map_or_else(|| sc.name.clone(), |p| p.0.to_string()), preset.map(|p| p.1));
    let ended = state.live.borrow().ended().is_some();
    let close_help = on_help.reform(|_| false);
    let open_help = on_help.reform(|_: MouseEvent| true);
    let l = *lang;
    let lab_base = crate::embed::lab_base(&opts);
    let side_column = window_w >= SIDE_COLUMN_FROM_PX;
    // The lanes follow the playhead only while some are open; closed, they change per event.
    let lanes_pb = if lanes.is_empty() { per_event.clone() } else { state.clone() };
    let banner = html! {
        <>
            { for start.problem.as_ref().map(|p| html! { <LinkBanner problem={AttrValue::from(p.clone())} /> }) }
            { for start.model_note.map(|change| html! { <ModelNote {change} /> }) }
        </>
    };
    if opts.embed {
        return html! {
            <ContextProvider<Lang> context={*lang}>
            <div class="app embed" ref={root} role="region" aria-label={format!("losslab: {}", sc.name)} lang={lang.tag()}>
                { banner }
                if let Some(why) = &zh_state { <p class="extra-failed" role="alert" data-testid="lang-failed">{crate::lang_load::FAILED}{why.clone()}</p> }
                if let Some(c) = &opts.caption { <p class="embed-caption" data-testid="caption">{c.clone()}</p> }
                { embed_body(EmbedBody {
                    orientation,
                    state: &state,
                    per_event: &per_event,
                    dispatch: &dispatch,
                    shows: &shows,
                    current: (*current).clone(),
                    on_preset,
                    on_apply,
                    draft: draft.clone(),
                    base: AttrValue::from(lab_base.clone()),
                }) }
            </div>
            </ContextProvider<Lang>>
        };
    }
    html! {
        <ContextProvider<Lang> context={l}>
        <ContextProvider<crate::compare::LanesCtx> context={crate::compare::LanesCtx::new(&lanes)}>
        <div class="app">
            <a class="skip" href="#time-controls">{t(l, Key::SkipToControls)}</a>
            { page_header(l, sc.version, title, html! {
                <>
                    <LangSwitch lang={l} on_change={on_lang} loading={*zh_fetch == ZhFetch::Loading} problem={zh_state.clone()} />
                    <crate::sweep::OpenButton sweep={sweep.clone()} open={sweep_open.clone()} {pause} />
                </>
            }, open_help) }
            { banner }
            if let Some(link) = &*sweep {
                <ExtraSlot mount="mount_sweep" base={AttrValue::from(lab_base.clone())} on_event={on_sweep_event}
                    fields={vec![("link", Field::Str(link.to_string())), ("open", Field::Bool(*sweep_open)), ("lang", Field::Str(l.tag().into())),
                        ("syncUrl", Field::Bool(opts.sync_url)), ("query", Field::Str(query.clone())), ("base", Field::Str(lab_base.clone()))]} />
            }
            <main class="layout" hidden={*sweep_open}>
                <div class="stage">
                    { claim_line(l, claim) }
                    // The tour above the picture only in one column: beside it (the side column's top)
                    // on a desktop, so the picture's bottom row stays above the sticky time controls.
                    if shows(Panel::Tour) && !side_column { <TourPanel pb={per_event.clone()} dispatch={dispatch.clone()} /> }
                    <Pipeline pb={state.clone()} {orientation} dispatch={dispatch.clone()} />
                    // Open lanes under the picture on a narrow page (beside it in the side column
                    // otherwise): seen while scrubbing, following the playhead.
                    if !side_column { <crate::compare::LaneCards pb={lanes_pb.clone()} base={AttrValue::from(lab_base.clone())} /> }
                    <Legend />
                    <TimeControls pb={state.clone()} dispatch={dispatch.clone()} />
                    <ShareBar pb={per_event.clone()} {view} query={AttrValue::from(query)} base={AttrValue::from(crate::embed::lab_base(&opts))} />
                    <crate::compare::Downloads pb={per_event.clone()} base={AttrValue::from(lab_base.clone())} />
                    if shows(Panel::Faults) { <FaultPanel has_slave={sc.slave.enabled} {ended} pb={per_event.clone()} dispatch={dispatch.clone()} /> }
                    <crate::compare::Lanes pb={per_event.clone()} base={AttrValue::from(lab_base.clone())} />
                </div>
                <aside class="side">
                    if shows(Panel::Tour) && side_column { <TourPanel pb={per_event.clone()} dispatch={dispatch.clone()} /> }
                    if side_column { <crate::compare::LaneCards pb={lanes_pb.clone()} base={AttrValue::from(lab_base.clone())} /> }
                    if shows(Panel::Summary) { <Summary pb={per_event.clone()} dispatch={dispatch.clone()} /> }
                    if shows(Panel::Inspector) { <Inspector pb={per_event.clone()} dispatch={dispatch.clone()} base={AttrValue::from(lab_base.clone())} /> }
                </aside>
                <div class="lower">
                    if shows(Panel::Log) { <EventLog pb={per_event.clone()} dispatch={dispatch.clone()} /> }
                    if shows(Panel::Presets) {
                        // The version selector beside the presets, in their panel; it shares the
                        // scenario text (`draft`) with the configuration panel.
                        <PresetPicker current={(*current).clone()} on_load={on_preset}>
                            <VersionPicker text={draft.clone()} running={sc.version} on_load={on_apply.clone()} base={AttrValue::from(lab_base.clone())} />
                        </PresetPicker>
                    }
                    if shows(Panel::Config) { <ConfigPanel scenario={sc.clone()} text={draft.clone()} {on_apply} base={AttrValue::from(lab_base.clone())} /> }
                </div>
            </main>
            <Announcer pb={per_event.clone()} />
            if *help_open { <HelpDialog on_close={close_help} /> }
        </div>
        </ContextProvider<crate::compare::LanesCtx>>
        </ContextProvider<Lang>>
    }
}
