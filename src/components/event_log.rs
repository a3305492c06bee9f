//! The event log up to the playhead, filterable by message id and kind. Virtualised: only the
//! rows in view are rendered, so tens of thousands of lines stay fast. The filter runs once
//! per (run, filter), not per frame.

use std::rc::Rc;

use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::clock;
use crate::eventinfo::{self, KINDS};
use crate::i18n::{t, tf, Key, Lang};

/// The filter group's name in the page's language (the log lines themselves stay English).
fn kind_label(lang: Lang, kind: &str) -> &'static str {
    let key = match kind {
        "send" => Key::KindSend,
        "answer" => Key::KindAnswer,
        "append" => Key::KindAppend,
        "flush" => Key::KindFlush,
        "replica" => Key::KindReplica,
        "fault" => Key::KindFault,
        "broker" => Key::KindBroker,
        "lost" => Key::KindLost,
        "consume" => Key::KindConsume,
        "retry" => Key::KindRetry,
        "dlq" => Key::KindDlq,
        "offset" => Key::KindOffset,
        _ => Key::KindRun,
    };
    t(lang, key)
}

/// A symbol for the groups that carry bad news, so they read without their colour.
fn kind_symbol(kind: &str) -> &'static str {
    match kind {
        "lost" => "✕ ",
        "fault" => "⚡ ",
        "broker" => "⚠ ",
        "dlq" => "☠ ",
        _ => "",
    }
}
use crate::playback::{Action, Playback};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub pb: Playback,
    pub dispatch: Callback<Action>,
}

const ROW_PX: f64 = 22.0;
const VIEW_PX: f64 = 330.0;
const OVERSCAN: usize = 6;

/// The rows to render for a scroll position: `first..last` of `total`.
pub fn window(scroll_px: f64, total: usize) -> (usize, usize) {
    let first = ((scroll_px.max(0.0) / ROW_PX) as usize).saturating_sub(OVERSCAN).min(total);
    let last = (first + (VIEW_PX / ROW_PX) as usize + 2 * OVERSCAN).min(total);
    (first, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_renders_only_rows_in_view() {
        assert_eq!(window(0.0, 0), (0, 0));
        let (a, b) = window(0.0, 50_000);
        assert_eq!(a, 0);
        assert!(b < 40);
        let (a, b) = window(22.0 * 10_000.0, 50_000);
        assert!(a <= 10_000 && 10_000 < b && b - a < 40);
        assert_eq!(window(1e12, 100).1, 100);
    }
}

#[function_component(EventLog)]
pub fn event_log(p: &Props) -> Html {
    let pb = &p.pb;
    let lang = use_context::<Lang>().unwrap_or_default();
    let l = lang;
    let msg_text = use_state(String::new);
    let kind = use_state(|| None::<&'static str>);
    let scroll = use_state(|| 0.0f64);
    let follow = use_state(|| true);
    let list_ref = use_node_ref();
    let msg: Option<u32> = msg_text.trim().trim_start_matches("msg#").parse().ok();
    let msg_bad = !msg_text.trim().is_empty() && msg.is_none();
    let run_key = Rc::as_ptr(&pb.run) as usize;
    let rows = {
        let run = pb.run.clone();
        use_memo((run_key, msg, *kind), move |(_, m, k)| eventinfo::filter(run.done.events(), *m, *k))
    };
    let events = pb.run.done.events();
    let reached = pb.run.events_by(pb.cursor);
    let total = rows.partition_point(|&i| (i as usize) < reached);
    let height = total as f64 * ROW_PX;
    let top = if *follow { (height - VIEW_PX).max(0.0) } else { *scroll };
    {
        let list_ref = list_ref.clone();
        use_effect_with((top as i64, *follow), move |(top, follow)| {
            if let (true, Some(el)) = (*follow, list_ref.cast::<Element>()) {
                el.set_scroll_top(*top as i32);
            }
        });
    }
    let (first, last) = window(top, total);
    let onscroll = {
        let (scroll, follow) = (scroll.clone(), follow.clone());
        Callback::from(move |e: Event| {
            let el = e.target_unchecked_into::<Element>();
            let at_bottom = (el.scroll_height() - el.client_height() - el.scroll_top()) < 4;
            scroll.set(el.scroll_top() as f64);
            follow.set(at_bottom);
        })
    };
    let on_msg = {
        let msg_text = msg_text.clone();
        Callback::from(move |e: InputEvent| msg_text.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            kind.set(KINDS.iter().copied().find(|k| *k == v));
        })
    };
    let select = p.dispatch.clone();
    html! {
        <section class="panel event-log" aria-labelledby="log-h">
            <div class="log-head">
                <h2 id="log-h">{t(l, Key::LogHeading)}</h2>
                <span class="count">{tf(l, Key::LogCount, &[&total, &events.len()])}</span>
            </div>
            <div class="filters">
                <label>{t(l, Key::LogMessage)}<input type="text" placeholder={t(l, Key::LogMessagePlaceholder)} value={(*msg_text).clone()} oninput={on_msg} aria-invalid={msg_bad.to_string()} data-testid="log-msg" /></label>
                <label>{t(l, Key::LogKind)}<select onchange={on_kind} data-testid="log-kind">
                    <option value="" selected={kind.is_none()}>{t(l, Key::LogAll)}</option>
                    { for KINDS.iter().map(|k| html! { <option value={*k} selected={*kind == Some(*k)}>{kind_label(l, k)}</option> }) }
                </select></label>
                if msg_bad { <span class="error" role="alert">{t(l, Key::LogBadId)}</span> }
            </div>
            <div class="log-view" tabindex="0" role="log" aria-label={t(l, Key::LogView)} lang="en" ref={list_ref} {onscroll} style={format!("height: {VIEW_PX}px")} data-testid="log-view">
                <div class="log-spacer" style={format!("height: {height}px")}>
                    { for (first..last).map(|j| {
                        let i = rows[j] as usize;
                        let e = &events[i];
                        let m = eventinfo::msg_of(&e.kind);
                        let onclick = m.map(|m| select.reform(move |_: MouseEvent| Action::Select(Some(m.0))));
                        let k = eventinfo::kind_of(&e.kind);
                        html! {
                            <div class={classes!("row", k)} style={format!("top: {}px", j as f64 * ROW_PX)} {onclick}>
                                <time>{clock(e.at)}</time>
                                <span class="k">{kind_symbol(k)}{k}</span>
                                <span class="t">{e.kind.to_string()}</span>
                            </div>
                        }
                    }) }
                </div>
            </div>
        </section>
    }
}
