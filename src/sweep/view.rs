//! The "Compare settings" page: the grid's inputs, the worker's progress (bar, runs done, time
//! left, Cancel), then per fault a chart and a table of every configuration. Clicking a mark or a
//! table's seed button hands that run's scenario to the lab (`on_open`).

use std::cell::RefCell;
use std::rc::Rc;

use rmq_sim::Scenario;
use yew::prelude::*;

use super::chart::{axis_name, fmt_num, version_class, version_swatch, Chart, XAxis};
use rmq_sim::fault_rates::DEFAULT_RATES;
use rmq_sim::sweep::SyncMasterLossRule;
use super::inputs::{SweepInputs, Workload, FAULT_CHOICES, FLUSH_CHOICES, MODE_CHOICES, RATE_FIELDS, ROLE_CHOICES, VERSION_CHOICES};
use super::model::{fault_label, Progressive};
use super::worker::{now_ms, SweepWorker, WorkerEvent};
use super::{format_duration_ms, time_left_ms, SweepStart};
use crate::embed::{copy_text, select_text};
use crate::i18n::{t, tf, Key, Lang};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The inputs to start from (a `#sweep=` link's, or the defaults).
    pub start: Rc<SweepStart>,
    /// Shown (else hidden, keeping its inputs and results).
    pub open: bool,
    /// Open this scenario (one seed of one configuration) in the lab.
    pub on_open: Callback<Scenario>,
    pub on_close: Callback<()>,
    /// Keep the page's URL on `?…#sweep=…` (the full page; not a module mount).
    pub sync_url: bool,
    /// The query to keep in the URL (`?lang=…`).
    pub query: AttrValue,
    /// The lab's base URL, for the shared link.
    pub base: AttrValue,
}

/// Where a sweep is.
#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Idle,
    Running { started: f64 },
    Done { ms: f64 },
    Cancelled,
    Failed(String),
}

/// The sweep last started (its grid fixed) and where it is.
#[derive(Clone)]
struct State {
    phase: Phase,
    run: Option<Rc<RefCell<Progressive>>>,
}

fn window_width() -> f64 {
    web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|v| v.as_f64()).unwrap_or(1440.0)
}

fn replace_url(url: &str) {
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

fn checkbox<T: Copy + PartialEq + 'static>(name: &'static str, label: Html, on: bool, value: T, set: Callback<(T, bool)>) -> Html {
    let onchange = set.reform(move |e: Event| (value, e.target_unchecked_into::<web_sys::HtmlInputElement>().checked()));
    html! { <label class="check"><input type="checkbox" {name} checked={on} {onchange} />{label}</label> }
}

#[function_component(SweepView)]
pub fn sweep_view(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let inputs = use_state(|| p.start.inputs.clone());
    let worker = use_mut_ref(|| None::<SweepWorker>);
    let axis = use_state(|| XAxis::P99);
    let fault_ix = use_state(|| 0usize);
    let width = use_state(window_width);
    let shown_link = use_state(|| None::<String>);
    let copied = use_state(|| None::<Key>);
    let link_field = use_node_ref();
    {
        let width = width.clone();
        use_effect_with((), move |_| {
            let l = web_sys::window().map(|w| gloo_events::EventListener::new(&w, "resize", move |_| width.set(window_width())));
            move || drop(l)
        });
    }
    // Leaving the page terminates a running worker.
    {
        let worker = worker.clone();
        use_effect_with((), move |_| move || drop(worker.borrow_mut().take()));
    }
    // The URL follows the inputs (`#sweep=…`), so a reload or a shared link gives the same sweep.
    {
        let (sync, query) = (p.sync_url, p.query.clone());
        use_effect_with(((*inputs).clone(), query, p.open), move |(i, q, open)| {
            if sync && *open {
                let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
                replace_url(&format!("{path}{q}#sweep={}", i.to_link()));
            }
        });
    }
    {
        let field = link_field.clone();
        use_effect_with((*shown_link).clone(), move |_| {
            if let Some(el) = field.cast::<web_sys::Element>() {
                select_text(&el);
            }
        });
    }
    let grid = inputs.to_grid();
    // The sweep's state lives in one shared cell (the worker's messages arrive between renders);
    // every change is followed by a re-render.
    let state = use_mut_ref(|| State { phase: Phase::Idle, run: None });
    let redraw = use_force_update();
    let on_event = {
        let (state, worker, redraw) = (state.clone(), worker.clone(), redraw.clone());
        Callback::from(move |ev: WorkerEvent| {
            let mut s = state.borrow_mut();
            let Some(run) = s.run.clone() else { return };
            let mut run = run.borrow_mut();
            match ev {
                WorkerEvent::Start { total } => {
                    if total as usize != run.total() {
                        s.phase = Phase::Failed(format!("the worker counts {total} runs, the page {}", run.total()));
                    }
                }
                WorkerEvent::Unit { index, result } => {
                    if let Err(e) = run.accept(index as usize, &result) {
                        s.phase = Phase::Failed(e);
                    }
                }
                WorkerEvent::Done => {
                    if let Phase::Running { started } = s.phase {
                        s.phase = if run.is_complete() { Phase::Done { ms: now_ms() - started } } else { Phase::Failed("the worker stopped early".into()) };
                    }
                }
                WorkerEvent::Error(e) => s.phase = Phase::Failed(e),
            }
            // Stopped, not dropped: this handler is the worker's own closure, still running.
            if !matches!(s.phase, Phase::Running { .. }) {
                run.close();
                if let Some(w) = worker.borrow().as_ref() {
                    w.stop();
                }
            }
            redraw.force_update();
        })
    };
    let on_run = {
        let (state, worker, grid, fault_ix, redraw) = (state.clone(), worker.clone(), grid.clone(), fault_ix.setter(), redraw.clone());
        Callback::from(move |_: MouseEvent| {
            let Ok(g) = &grid else { return };
            drop(worker.borrow_mut().take());
            fault_ix.set(0);
            match Progressive::new(g) {
                Ok(run) => {
                    let (text, runs) = (run.grid_json().to_string(), run.total());
                    *state.borrow_mut() = State { phase: Phase::Running { started: now_ms() }, run: Some(Rc::new(RefCell::new(run))) };
                    match SweepWorker::start(&text, runs, on_event.clone()) {
                        Ok(w) => *worker.borrow_mut() = Some(w),
                        Err(e) => {
                            let mut s = state.borrow_mut();
                            s.phase = Phase::Failed(e);
                            if let Some(r) = &s.run {
                                r.borrow_mut().close();
                            }
                        }
                    }
                }
                Err(e) => *state.borrow_mut() = State { phase: Phase::Failed(e.to_string()), run: None },
            }
            redraw.force_update();
        })
    };
    let on_cancel = {
        let (state, worker, redraw) = (state.clone(), worker.clone(), redraw.clone());
        Callback::from(move |_: MouseEvent| {
            drop(worker.borrow_mut().take());
            let mut s = state.borrow_mut();
            if let Some(r) = &s.run {
                r.borrow_mut().close();
            }
            s.phase = Phase::Cancelled;
            drop(s);
            redraw.force_update();
        })
    };
    let state = state.borrow().clone();
    let running = matches!(state.phase, Phase::Running { .. });
    let set_inputs = |f: fn(&mut SweepInputs, &str)| {
        let inputs = inputs.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
            let mut i = (*inputs).clone();
            f(&mut i, &v);
            inputs.set(i);
        })
    };
    macro_rules! toggler {
        ($field:ident) => {{
            let inputs = inputs.clone();
            Callback::from(move |(v, on)| {
                let mut i = (*inputs).clone();
                i.$field.retain(|x| *x != v);
                if on {
                    i.$field.push(v);
                }
                i.normalise();
                inputs.set(i);
            })
        }};
    }
    let (tv_, tf_, tr_, tm_, tfa_) = (toggler!(versions), toggler!(flush), toggler!(roles), toggler!(modes), toggler!(faults));
    let version_boxes = VERSION_CHOICES.iter().map(|v| checkbox("version", html! { <code>{v.name()}</code> }, inputs.versions.contains(v), *v, tv_.clone()));
    let flush_boxes = FLUSH_CHOICES.iter().map(|v| checkbox("flush", html! { <code>{v.name()}</code> }, inputs.flush.contains(v), *v, tf_.clone()));
    let role_boxes = ROLE_CHOICES.iter().map(|v| checkbox("role", html! { <code>{v.name()}</code> }, inputs.roles.contains(v), *v, tr_.clone()));
    let mode_boxes = MODE_CHOICES.iter().map(|v| checkbox("mode", html! { <code>{v.name()}</code> }, inputs.modes.contains(v), *v, tm_.clone()));
    let fault_boxes = FAULT_CHOICES.iter().map(|v| {
        let label = match v {
            Some(k) => html! { <code>{k.name()}</code> },
            None => html! { {t(lang, Key::SweepNoFault)} },
        };
        checkbox("fault", label, inputs.faults.contains(v), *v, tfa_.clone())
    });
    let on_workload = {
        let inputs = inputs.clone();
        Callback::from(move |closed: bool| {
            let mut i = (*inputs).clone();
            i.workload = if closed { Workload::Threads(i.threads_text.clone()) } else { Workload::Interval(i.interval_text.clone()) };
            // A closed loop has no sending span to place the fault in: the core needs a time.
            if closed && i.fault_at_text.trim().is_empty() {
                i.fault_at_text = "1s".into();
            }
            inputs.set(i);
        })
    };
    let closed = matches!(inputs.workload, Workload::Threads(_));
    let problem = grid.as_ref().err().map(|e| e.text(lang));
    let progress = state.run.as_ref().map(|r| {
        let r = r.borrow();
        let (done, total) = (r.done(), r.total());
        let left = match state.phase {
            Phase::Running { started } => time_left_ms(now_ms() - started, done, total).map(|ms| tf(lang, Key::SweepTimeLeft, &[&format_duration_ms(ms)])),
            _ => None,
        };
        let workers = worker.borrow().as_ref().map(SweepWorker::workers);
        let status = match &state.phase {
            Phase::Done { ms } => tf(lang, Key::SweepDone, &[&total, &format_duration_ms(*ms)]),
            Phase::Cancelled => tf(lang, Key::SweepCancelled, &[&done, &total]),
            Phase::Failed(e) => tf(lang, Key::SweepFailed, &[e]),
            _ => format!("{}{}", tf(lang, Key::SweepProgress, &[&done, &total]), left.unwrap_or_default()),
        };
        html! {
            // `data-ms` (the sweep's wall time) and `data-workers` are read by the benchmark.
            <div class="sweep-progress" data-testid="sweep-progress" data-done={done.to_string()} data-total={total.to_string()}
                 data-ms={match state.phase { Phase::Done { ms } => Some(format!("{ms:.1}")), _ => None }} data-workers={workers.map(|n| n.to_string())}
                 data-phase={match state.phase { Phase::Idle => "idle", Phase::Running { .. } => "running", Phase::Done { .. } => "done", Phase::Cancelled => "cancelled", Phase::Failed(_) => "failed" }}>
                <progress max={total.to_string()} value={done.to_string()} aria-label={t(lang, Key::SweepProgressLabel)} />
                <span class={classes!("sweep-status", matches!(state.phase, Phase::Failed(_)).then_some("error"))} role="status" data-testid="sweep-status">{status}</span>
            </div>
        }
    });
    let results = state.run.as_ref().map(|r| {
        let r = r.borrow();
        let faults = r.faults();
        let fi = (*fault_ix).min(faults.len().saturating_sub(1));
        let fault_name = |i: usize| faults.get(i).map(|f| fault_label(lang, f)).unwrap_or_default();
        let marks = r.marks(fi);
        let rows = r.rows(fi);
        // A `version` axis: each release its own shape and colour, named in the key and a column.
        let versions = r.versions();
        let by_version = !versions.is_empty();
        let first_seed = r.first_seed();
        let open = {
            let (on_open, run) = (p.on_open.clone(), state.run.clone());
            Callback::from(move |(cell, seed): (u32, u64)| {
                if let Some(sc) = run.as_ref().and_then(|r| r.borrow().scenario(cell, seed)) {
                    on_open.emit(sc);
                }
            })
        };
        let on_pick = {
            let (open, rows) = (open.clone(), rows.clone());
            Callback::from(move |i: usize| {
                if let Some(row) = rows.get(i) {
                    open.emit((row.cell, row.open_seed(first_seed)));
                }
            })
        };
        let x_name = axis_name(lang, *axis, &marks);
        let any_per_year = marks.iter().any(|m| m.per_year.is_some());
        let healthy_cols = !marks.is_empty() && marks.iter().all(|m| m.cost_with_no_fault);
        let cost_note = marks.iter().any(|m| m.cost_with_no_fault) && faults.get(fi).is_some_and(|f| f != "NONE");
        let despite = r.despite_sync_master(fi).into_iter().map(|(n, c)| {
            let d = c.despite_sync_master.as_ref().expect("filtered");
            let label = c.cell.config_label();
            let (lost, runs) = (c.lost_after_ack, c.runs);
            let text = match d.rule {
                SyncMasterLossRule::InSyncReplicasOne => {
                    let v = c.cell.version.map(|v| v.name()).unwrap_or("5.x");
                    tf(lang, Key::SweepDespiteIsr, &[&n, &label, &lost, &runs, &v, &d.in_sync_replicas])
                }
                SyncMasterLossRule::RestartWithoutReconcile => {
                    tf(lang, Key::SweepDespiteRestart, &[&n, &label, &lost, &runs, &d.restart_after.clone().unwrap_or_default()])
                }
                SyncMasterLossRule::Other => tf(lang, Key::SweepDespiteOther, &[&n, &label, &lost, &runs]),
            };
            html! { <li data-testid="sweep-despite" data-rule={format!("{:?}", d.rule)}>{text}</li> }
        }).collect::<Vec<_>>();
        let per_year_note = any_per_year.then(|| {
            let rates = r.fault_rates();
            let lines = DEFAULT_RATES.iter().filter(|d| r.rated_kinds(fi).contains(&d.kind)).map(|d| {
                let shown = match rates.given(d.kind) {
                    Some(rate) => format!("{} {rate}", d.kind.name()),
                    None => format!("{} {}", d.kind.name(), tf(lang, Key::SweepRateDefault, &[&d.per_machine_year, &d.source])),
                };
                html! { <li>{shown}</li> }
            });
            html! {
                <div class="sweep-per-year" data-testid="sweep-per-year">
                    <h4>{t(lang, Key::SweepPerYearHeading)}</h4>
                    <p class="hint">{t(lang, Key::SweepPerYearFormula)}</p>
                    <ul class="hint">{ for lines }</ul>
                </div>
            }
        });
        let caption = tf(lang, Key::SweepChartCaption, &[&fault_name(fi), &x_name]);
        let fault_tabs = (faults.len() > 1).then(|| {
            let tabs = faults.iter().enumerate().map(|(i, f)| {
                let onclick = { let s = fault_ix.setter(); Callback::from(move |_: MouseEvent| s.set(i)) };
                html! { <button class={classes!((i == fi).then_some("on"))} aria-pressed={(i == fi).to_string()} data-fault={f.clone()} {onclick}>{fault_label(lang, f)}</button> }
            });
            html! { <div class="seg" role="group" aria-label={t(lang, Key::SweepFaultPick)}><span class="seg-label">{t(lang, Key::SweepFaultPick)}</span>{ for tabs }</div> }
        });
        let axis_btn = |a: XAxis, k: Key| {
            let onclick = { let s = axis.setter(); Callback::from(move |_: MouseEvent| s.set(a)) };
            let on = *axis == a;
            html! { <button class={classes!(on.then_some("on"))} aria-pressed={on.to_string()} data-axis={if a == XAxis::P99 { "p99" } else { "tps" }} {onclick}>{t(lang, k)}</button> }
        };
        let seeds = r.seeds();
        let finished = !matches!(state.phase, Phase::Running { .. });
        let downloads = finished.then(|| {
            let report = r.report();
            let href = |mime: &str, text: &str| format!("data:{mime};charset=utf-8,{}", String::from(js_sys::encode_uri_component(text)));
            html! {
                <p class="sweep-downloads">{t(lang, Key::SweepDownloads)}
                    <a download="losslab-sweep.json" href={href("application/json", &report.to_json())} data-testid="sweep-json">{"JSON"}</a>{" · "}
                    <a download="losslab-sweep.csv" href={href("text/csv", &report.to_csv())} data-testid="sweep-csv">{"CSV"}</a>
                </p>
            }
        });
        let table_rows = rows.iter().enumerate().map(|(i, row)| {
            let m = &marks[i];
            let seed = row.open_seed(first_seed);
            let onclick = { let open = open.clone(); let cell = row.cell; Callback::from(move |_: MouseEvent| open.emit((cell, seed))) };
            let none_lost = row.failing_seeds.is_empty().then(|| html! { <span class="wide-only">{" "}{t(lang, Key::SweepNoneLost)}</span> });
            let on_frontier = if *axis == XAxis::P99 { m.frontier_latency } else { m.frontier_tps };
            html! {
                <tr data-testid="sweep-row" class={classes!(m.recommended.then_some("book"))} data-version={m.version.map(|v| v.name())}>
                    <th scope="row">{m.n}</th>
                    if let (true, Some(v)) = (by_version, m.version) {
                        <td class={classes!("ver", version_class(v))}>{version_swatch(v)}{" "}{v.name()}</td>
                    }
                    // Each setting stays on one line when the cell wraps.
                    <td>{m.label.replace(" + ", "\u{a0}+ ")}{ if m.recommended { html! { <span class="book-tag">{" ★ "}{t(lang, Key::SweepBookShort)}</span> } } else { html! {} } }</td>
                    <td class="num">{super::spread_text(m.loss_pct, "%")}</td>
                    <td class="num wide-only">{super::spread_text(row.p50_ms, "")}</td>
                    <td class="num">{super::spread_text(m.p99_ms, "")}</td>
                    <td class="num">{super::spread_text(m.tps, "")}</td>
                    if any_per_year { <td class="num" data-testid="sweep-per-year-cell">{m.per_year.map(fmt_num).unwrap_or_else(|| "–".into())}</td> }
                    <td class="wide-only">{ if on_frontier { t(lang, Key::SweepYes) } else if !m.ties.is_empty() { "=" } else { "" } }</td>
                    <td><button class="link" {onclick} title={tf(lang, Key::SweepOpenSeedTitle, &[&seed])} data-testid="sweep-open" data-seed={seed.to_string()}>{tf(lang, Key::SweepOpenSeed, &[&seed])}{none_lost}</button></td>
                </tr>
            }
        });
        html! {
            <section class="panel sweep-results" aria-label={caption.clone()}>
                <div class="sweep-switches">
                    { fault_tabs }
                    <div class="seg" role="group" aria-label={t(lang, Key::SweepAxis)}><span class="seg-label">{t(lang, Key::SweepAxis)}</span>{axis_btn(XAxis::P99, Key::SweepToggleP99)}{axis_btn(XAxis::Tps, Key::SweepToggleTps)}</div>
                </div>
                <h3 class="sweep-caption">{caption.clone()}</h3>
                if !marks.is_empty() {
                    <Chart marks={marks.clone()} axis={*axis} width={*width} {on_pick} caption={caption.clone()} />
                }
                if cost_note { <p class="hint" data-testid="sweep-cost-note">{t(lang, Key::SweepCostNote)}</p> }
                if !despite.is_empty() {
                    <div class="sweep-despite">
                        <h4>{t(lang, Key::SweepDespiteHeading)}</h4>
                        <ul>{ for despite }</ul>
                    </div>
                }
                <ul class="sweep-key">
                    <li><svg viewBox="0 0 28 16" aria-hidden="true"><path class="frontier" d="M1,13 H11 V4 H27" /></svg>{t(lang, Key::SweepKeyFrontier)}</li>
                    <li><svg viewBox="0 0 28 16" aria-hidden="true"><circle class="book-ring" cx="14" cy="8" r="6.5" /></svg>{t(lang, Key::SweepKeyBook)}</li>
                    <li><svg viewBox="0 0 28 16" aria-hidden="true"><path class="err" d="M4,8 H24 M14,1 V15" /></svg>{t(lang, Key::SweepKeyBars)}</li>
                    if marks.iter().any(|m| !m.ties.is_empty()) { <li data-testid="sweep-key-ties"><strong>{"="}</strong>{" "}{t(lang, Key::SweepKeyTies)}</li> }
                    { for versions.iter().map(|v| html! {
                        <li class={classes!("ver", version_class(*v))} data-testid="sweep-key-version" data-version={v.name()}>{version_swatch(*v)}{format!("RocketMQ {v}")}</li>
                    }) }
                </ul>
                <div class="table-wrap">
                <table class="sweep-table" data-testid="sweep-table">
                    <caption>{tf(lang, Key::SweepTableCaption, &[&fault_name(fi), &seeds])}</caption>
                    <thead><tr>
                        <th scope="col">{"#"}</th>
                        if by_version { <th scope="col">{t(lang, Key::SweepColVersion)}</th> }
                        <th scope="col">{t(lang, Key::SweepColConfig)}</th><th scope="col">{t(lang, Key::SweepColLoss)}</th>
                        if healthy_cols {
                            <th scope="col" class="wide-only">{t(lang, Key::SweepColP50Healthy)}</th><th scope="col">{t(lang, Key::SweepColP99Healthy)}</th><th scope="col">{t(lang, Key::SweepColTpsHealthy)}</th>
                        } else {
                            <th scope="col" class="wide-only">{t(lang, Key::SweepColP50)}</th><th scope="col">{t(lang, Key::SweepColP99)}</th><th scope="col">{t(lang, Key::SweepColTps)}</th>
                        }
                        if any_per_year { <th scope="col">{t(lang, Key::SweepColPerYear)}</th> }
                        <th scope="col" class="wide-only">{t(lang, Key::SweepColFrontier)}</th><th scope="col">{t(lang, Key::SweepColRun)}</th>
                    </tr></thead>
                    <tbody>{ for table_rows }</tbody>
                </table>
                </div>
                { per_year_note }
                { downloads }
            </section>
        }
    });
    let on_copy = {
        let (shown, copied, inputs, base, query) = (shown_link.setter(), copied.setter(), inputs.clone(), p.base.clone(), p.query.clone());
        Callback::from(move |_: MouseEvent| {
            let url = format!("{base}{query}#sweep={}", inputs.to_link());
            copied.set(None);
            shown.set(Some(url.clone()));
            let copied = copied.clone();
            copy_text(&url, Callback::from(move |ok: bool| copied.set(Some(if ok { Key::Copied } else { Key::PressCopy }))));
        })
    };
    let close = p.on_close.reform(|_: MouseEvent| ());
    // The lab's single-key shortcuts belong to the lab: keys pressed here stay here.
    let keep_keys = Callback::from(|e: KeyboardEvent| e.stop_propagation());
    html! {
        <main class="sweep" data-testid="sweep" onkeydown={keep_keys} hidden={!p.open}>
            if let Some(e) = &p.start.problem { <p class="link-banner" role="alert">{e.clone()}</p> }
            <div class="sweep-top">
                <button class="link" onclick={close} data-testid="sweep-back">{t(lang, Key::SweepBack)}</button>
                <h2>{t(lang, Key::SweepHeading)}</h2>
            </div>
            <p class="hint">{t(lang, Key::SweepIntro)}</p>
            <section class="panel sweep-inputs" aria-label={t(lang, Key::SweepInputs)}>
                <fieldset data-testid="sweep-versions"><legend>{t(lang, Key::SweepVersions)}</legend>{ for version_boxes }</fieldset>
                <fieldset><legend><code>{"flushDiskType"}</code></legend>{ for flush_boxes }</fieldset>
                <fieldset><legend><code>{"brokerRole"}</code></legend>{ for role_boxes }</fieldset>
                <fieldset><legend>{t(lang, Key::SweepSendMode)}{" "}<code>{"sendMode"}</code></legend>{ for mode_boxes }</fieldset>
                <fieldset><legend>{t(lang, Key::SweepFaults)}</legend>{ for fault_boxes }</fieldset>
                <fieldset class="sweep-numbers"><legend>{t(lang, Key::SweepWorkload)}</legend>
                    <label>{t(lang, Key::SweepSeeds)}<input type="number" min="1" data-testid="sweep-seeds" value={inputs.seeds_text.clone()} onchange={set_inputs(|i, v| i.seeds_text = v.to_string())} /></label>
                    <label>{t(lang, Key::SweepMessages)}<input type="number" min="1" data-testid="sweep-messages" value={inputs.messages_text.clone()} onchange={set_inputs(|i, v| i.messages_text = v.to_string())} /></label>
                    <label class="radio"><input type="radio" name="workload" checked={!closed} onchange={on_workload.reform(|_: Event| false)} />{t(lang, Key::SweepOpenLoop)}
                        <input type="text" size="6" data-testid="sweep-interval" value={inputs.interval_text.clone()} disabled={closed}
                               onchange={set_inputs(|i, v| { i.interval_text = v.to_string(); i.workload = Workload::Interval(v.to_string()) })} /></label>
                    <label class="radio"><input type="radio" name="workload" checked={closed} onchange={on_workload.reform(|_: Event| true)} />{t(lang, Key::SweepClosedLoop)}
                        <input type="number" min="1" data-testid="sweep-threads" value={inputs.threads_text.clone()} disabled={!closed}
                               onchange={set_inputs(|i, v| { i.threads_text = v.to_string(); i.workload = Workload::Threads(v.to_string()) })} /></label>
                    <label>{t(lang, Key::SweepFaultAt)}<code>{"faultAt"}</code><input type="text" size="7" data-testid="sweep-fault-at" placeholder={t(lang, Key::SweepFaultAtAuto)}
                        value={inputs.fault_at_text.clone()} onchange={set_inputs(|i, v| i.fault_at_text = v.to_string())} /></label>
                </fieldset>
                <fieldset class="sweep-numbers" data-testid="sweep-rates"><legend>{t(lang, Key::SweepRates)}</legend>
                    { for RATE_FIELDS.iter().enumerate().map(|(k, (field, _, kind))| {
                        let default = DEFAULT_RATES.iter().find(|d| d.kind == *kind).map(|d| (d.per_machine_year.to_string(), d.source)).unwrap_or_default();
                        let onchange = {
                            let inputs = inputs.clone();
                            Callback::from(move |e: Event| {
                                let mut i = (*inputs).clone();
                                i.rates_text[k] = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
                                inputs.set(i);
                            })
                        };
                        html! {
                            <label title={default.1}><code>{kind.name()}</code>
                                <input type="text" size="6" inputmode="decimal" aria-label={*field} data-testid={format!("sweep-rate-{}", kind.name())}
                                       placeholder={default.0} value={inputs.rates_text[k].clone()} {onchange} />
                            </label>
                        }
                    }) }
                </fieldset>
                <div class="sweep-actions">
                    if running {
                        <button class="primary" onclick={on_cancel} data-testid="sweep-cancel">{t(lang, Key::SweepCancel)}</button>
                    } else {
                        <button class="primary" onclick={on_run} disabled={grid.is_err()} data-testid="sweep-run">{t(lang, Key::SweepRun)}</button>
                    }
                    <button onclick={on_copy} data-testid="sweep-copy-link">{t(lang, Key::SweepCopyLink)}</button>
                    if let Some(e) = problem { <p class="error" role="alert" data-testid="sweep-problem">{e}</p> }
                </div>
                if let Some(url) = (*shown_link).clone() {
                    <div class="share-out">
                        <input type="text" readonly=true ref={link_field} value={url} aria-label={t(lang, Key::SweepLinkField)} data-testid="sweep-link" />
                        if let Some(k) = *copied { <span class="hint" role="status">{t(lang, k)}</span> }
                    </div>
                }
                { progress }
            </section>
            { results }
            if let Ok(g) = &grid {
                <details class="panel sweep-cli">
                    <summary>{t(lang, Key::SweepCli)}</summary>
                    <p class="hint">{t(lang, Key::SweepCliNote)}</p>
                    <pre data-testid="sweep-grid-toml"><code>{super::inputs::grid_toml(g)}</code></pre>
                    <pre><code>{"losslab sweep grid.toml --json"}</code></pre>
                </details>
            }
        </main>
    }
}
