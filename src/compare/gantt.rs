//! A message's retry schedule as a Gantt chart: one row per delivery (`reconsumeTimes`, queue,
//! result), the wait after it — in `SCHEDULE_TOPIC_XXXX` at a delay level (the remoting consumer),
//! or invisible for the nack's backoff until the revive service writes it to `%RETRY%` (the gRPC
//! consumer's POP, spec 5 §5) — and the end: consumed, or `%DLQ%<group>` with the DLQ consumer's
//! compensation. The time axis compresses idle stretches
//! (`rmq_sim::retry_schedule::CompressedAxis`) and says so.
//!
//! The inspector's column is narrow, so the chart there is a preview; its Expand button opens a
//! full-width view (a dialog over the page, Escape or Close to leave) where every wait between two
//! deliveries ([`Schedule::waits`]) is a bar with its length written on it — at 375 px the chart
//! keeps its width and scrolls sideways.

use rmq_sim::event::{ConsumeResult, QueueKind};
use rmq_sim::retry_schedule::{CompressedAxis, End, Schedule, Wait, WaitKind};
use rmq_sim::scenario::Client;
use rmq_sim::{MsgId, SimDuration, SimTime};
use yew::prelude::*;

use crate::components::clock;
use crate::i18n::{t, tf, Key, Lang};
use crate::playback::Playback;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub pb: Playback,
    pub msg: u32,
}

fn pct(x: f64) -> String {
    format!("{:.3}%", (x * 100.0).clamp(0.0, 100.0))
}

/// A wait's length the way a bar label reads: `820 ms`, `3.1 s`, `2 min 5 s`, `1 h 0 min`; in
/// Chinese with the units the rest of the Chinese page writes (`820 毫秒`, `3.1 秒`, `2 分 5 秒`,
/// `1 小时 0 分`, as in "2 小时 46 分").
pub fn short_duration(lang: Lang, d: SimDuration) -> String {
    let ms = d.as_us() / 1_000;
    let (u_ms, u_s, u_min, u_h) = match lang {
        Lang::En => ("ms", "s", "min", "h"),
        Lang::Zh => ("毫秒", "秒", "分", "小时"),
    };
    match ms {
        0..=999 => format!("{ms} {u_ms}"),
        1_000..=59_999 => format!("{}.{} {u_s}", ms / 1_000, (ms % 1_000) / 100),
        60_000..=3_599_999 => format!("{} {u_min} {} {u_s}", ms / 60_000, (ms / 1_000) % 60),
        _ => format!("{} {u_h} {} {u_min}", ms / 3_600_000, (ms / 60_000) % 60),
    }
}

/// The scale key's lengths (1 s, 1 min, 1 h) in `lang`.
fn key_lengths(lang: Lang) -> [(u64, &'static str); 3] {
    match lang {
        Lang::En => [(1, "1 s"), (60, "1 min"), (3_600, "1 h")],
        Lang::Zh => [(1, "1 秒"), (60, "1 分钟"), (3_600, "1 小时")],
    }
}

/// The chart's axis: the points are where each delivery starts and ends, where each wait starts
/// and ends, and the end (consumed, `%DLQ%`, compensated). A wait is then one stretch of the
/// axis, so its bar's width is `ln(1 + ms)` of its own length on one scale for every wait: a
/// longer wait is always drawn wider. (On the axis of every time the schedule knows, a wait is
/// cut at its retry, due, nack and revive times, each cut adding a logarithm: the 1 h wait into
/// `%DLQ%`, cut less often, was drawn narrower than the 30 min one before it.)
pub fn wait_axis(s: &Schedule, waits: &[Wait]) -> CompressedAxis {
    let mut ts: Vec<SimTime> = s.deliveries.iter().flat_map(|d| [d.at, d.done_at]).collect();
    ts.extend(waits.iter().flat_map(|w| [w.from, w.to]));
    match s.end {
        End::Consumed(t) => ts.push(t),
        End::DeadLettered { at, compensated } => ts.extend(std::iter::once(at).chain(compensated)),
        End::Open => {}
    }
    CompressedAxis::new(&ts)
}

/// The scale's key in the wide view: the width (in 0..=1 of the track) a wait of `len` would
/// have on `axis`, measured from the longest wait (whose stretch is `ln(1 + ms)` long, as
/// every stretch of [`wait_axis`]). `None` without a wait of at least 1 ms.
pub fn key_width(axis: &CompressedAxis, waits: &[Wait], len: SimDuration) -> Option<f64> {
    let w = waits.iter().max_by_key(|w| w.duration())?;
    let ms = w.duration().as_us() as f64 / 1_000.0;
    (ms >= 1.0).then(|| {
        let per_ln = (axis.x(w.to) - axis.x(w.from)) / (1.0 + ms).ln();
        (per_ln * (1.0 + len.as_us() as f64 / 1_000.0).ln()).min(1.0)
    })
}

/// A bar from `a` to `b` on the axis, at least a sliver wide.
fn bar(axis: &CompressedAxis, a: SimTime, b: SimTime, class: Classes, title: String, testid: &'static str) -> Html {
    let (x0, x1) = (axis.x(a), axis.x(b));
    let style = format!("left:{};width:max(3px,{})", pct(x0), pct(x1 - x0));
    html! { <span class={classes!("g-bar", class)} {style} title={title.clone()} data-testid={testid} role="img" aria-label={title} /> }
}

/// What a wait was, in a sentence (the bar's title).
fn wait_title(lang: Lang, w: &Wait, group: &str) -> String {
    let what = match w.kind {
        WaitKind::Scheduled { level, due } => tf(lang, Key::GanttWaitTitle, &[&level, &clock(due)]),
        WaitKind::Local => tf(lang, Key::GanttLocalTitle, &[&clock(w.to)]),
        WaitKind::Invisible { backoff: Some(b), revived_at } => tf(
            lang,
            Key::GanttPopWaitTitle,
            &[&short_duration(lang, b), &w.after.saturating_add(1), &revived_at.map_or_else(|| "—".to_string(), clock)],
        ),
        WaitKind::RenewStopped { delay, revived_at } => tf(
            lang,
            Key::GanttRenewStopTitle,
            &[&short_duration(lang, delay), &revived_at.map_or_else(|| "—".to_string(), clock)],
        ),
        WaitKind::Invisible { backoff: None, revived_at } => {
            tf(lang, Key::GanttPopTimeoutTitle, &[&revived_at.map_or_else(|| "—".to_string(), clock)])
        }
        WaitKind::Other => String::new(),
    };
    let len = tf(lang, Key::GanttWaitLen, &[&short_duration(lang, w.duration())]);
    let dlq = if w.to_dlq { format!(" → %DLQ%{group}") } else { String::new() };
    if what.is_empty() { format!("{len}{dlq}") } else { format!("{what}; {len}{dlq}") }
}

/// The label written beside a wait's bar in the wide view: its length, then where it ended
/// (`→ %DLQ%<group>`) or, for the proxy's `STOP_RENEW`, that it was one.
pub fn wait_label(lang: Lang, w: &Wait, group: &str) -> String {
    let mut text = short_duration(lang, w.duration());
    if matches!(w.kind, WaitKind::RenewStopped { .. }) {
        text = format!("{text} · {}", t(lang, Key::GanttRenewStop));
    }
    if w.to_dlq {
        text = format!("{text} → %DLQ%{group}");
    }
    text
}

/// A wait bar's class beside `g-bar wait`: the proxy's `STOP_RENEW` is drawn apart from an
/// invisible time that ran out or a nack's backoff.
fn wait_class(w: &Wait) -> Option<&'static str> {
    matches!(w.kind, WaitKind::RenewStopped { .. }).then_some("renew-stop")
}

/// The wait bar of the wide view: the bar and its length written beside it (on the left of its
/// end when it ends near the right edge, so the label stays in the track).
fn wide_wait(lang: Lang, axis: &CompressedAxis, w: &Wait, title: String, group: &str) -> Html {
    let (x0, x1) = (axis.x(w.from), axis.x(w.to));
    let style = format!("left:{};width:max(3px,{})", pct(x0), pct(x1 - x0));
    let label_style = if x1 > 0.8 { format!("right:{}", pct(1.0 - x1)) } else { format!("left:{}", pct(x0)) };
    let text = wait_label(lang, w, group);
    let kind = match w.kind {
        WaitKind::Invisible { .. } => "invisible",
        WaitKind::RenewStopped { .. } => "renew-stop",
        WaitKind::Scheduled { .. } => "scheduled",
        _ => "other",
    };
    html! {
        <>
            <span class={classes!("g-bar", "wait", wait_class(w), w.open.then_some("open"))} {style} title={title.clone()} role="img" aria-label={title}
                data-testid="gantt-wide-wait" data-kind={kind} data-ms={(w.duration().as_us() / 1_000).to_string()} />
            <span class="g-len" style={label_style} aria-hidden="true">{text}</span>
        </>
    }
}

#[function_component(RetrySchedule)]
pub fn retry_schedule(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let run_key = std::rc::Rc::as_ptr(&p.pb.run) as usize;
    let sched = {
        let run = p.pb.run.clone();
        use_memo((run_key, p.msg), move |(_, msg)| {
            let s = Schedule::of(&run.done, MsgId(*msg));
            let waits = s.waits();
            let axis = wait_axis(&s, &waits);
            (s, axis, waits)
        })
    };
    let wide = use_state(|| false);
    let close_ref = use_node_ref();
    let expand_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        use_effect_with(*wide, move |open| {
            if *open {
                if let Some(b) = close_ref.cast::<web_sys::HtmlElement>() {
                    let _ = b.focus();
                }
            }
        });
    }
    let (s, axis, waits) = &*sched;
    if s.deliveries.is_empty() {
        return html! {};
    }
    let sc = &p.pb.run.timeline.scenario;
    let group = sc.consumer.group.as_str();
    let pop = sc.consumer.client == Client::Grpc;
    let queue = |q: QueueKind| match q {
        QueueKind::Main(q) => format!("TopicTest#{q}"),
        QueueKind::Retry => format!("%RETRY%{group}"),
    };
    let cursor = p.pb.cursor;
    let first = s.deliveries[0].at;
    let last = s.times().last().copied().unwrap_or(first);
    let rows = |is_wide: bool| {
        s.deliveries
            .iter()
            .enumerate()
            .map(|(k, d)| {
                let (class, result) = match d.result {
                    Some(ConsumeResult::Success) => ("ok", "CONSUME_SUCCESS"),
                    Some(ConsumeResult::ReconsumeLater) => ("fail", "RECONSUME_LATER"),
                    Some(ConsumeResult::Exception) => ("fail", "EXCEPTION"),
                    None => ("open", "—"),
                };
                let title = tf(lang, Key::GanttDeliveryTitle, &[&(k + 1), &clock(d.at), &result, &queue(d.queue)]);
                let wait = waits.iter().find(|w| w.after == k);
                let next = match wait {
                    Some(w) if is_wide => wide_wait(lang, axis, w, wait_title(lang, w, group), group),
                    Some(w) => bar(axis, w.from, w.to, classes!("wait", wait_class(w)), wait_title(lang, w, group), "gantt-wait"),
                    None => html! {},
                };
                let after = match (wait.map(|w| w.kind), d.retry) {
                    (Some(WaitKind::RenewStopped { .. }), _) => {
                        tf(lang, Key::GanttNextRenewStop, &[&clock(wait.map_or(d.done_at, |w| w.to))])
                    }
                    (_, Some((_, level, due))) => tf(lang, Key::GanttNext, &[&level, &clock(due)]),
                    (Some(WaitKind::Invisible { backoff: Some(b), .. }), _) if !wait.is_some_and(|w| w.to_dlq) => {
                        tf(lang, Key::GanttNextPop, &[&short_duration(lang, b), &clock(wait.map_or(d.done_at, |w| w.to))])
                    }
                    _ if k + 1 == s.deliveries.len() => match &s.end {
                        End::DeadLettered { .. } => format!("→ %DLQ%{group}"),
                        End::Consumed(_) => "✓".to_string(),
                        End::Open => String::new(),
                    },
                    _ => String::new(),
                };
                let delivery_id = if is_wide { "gantt-wide-delivery" } else { "gantt-delivery" };
                html! {
                    <tr data-testid={if is_wide { "gantt-wide-row" } else { "gantt-row" }} class={class}>
                        <th scope="row">{format!("#{}", k + 1)}</th>
                        <td class="g-rc"><code>{d.reconsume_times}</code></td>
                        <td class="g-track">
                            { bar(axis, d.at, d.done_at, classes!(class), title, delivery_id) }
                            { next }
                        </td>
                        <td class="g-next" title={result}><span class={classes!("g-res", class)}>{ match class { "ok" => "✓", "fail" => "✗", _ => "…" } }</span>{" "}<span class="g-after">{after}</span></td>
                    </tr>
                }
            })
            .collect::<Html>()
    };
    let end = match &s.end {
        End::Consumed(at) => tf(lang, Key::GanttEndConsumed, &[&clock(*at)]),
        End::DeadLettered { at, compensated: Some(c) } => {
            tf(lang, Key::GanttEndCompensated, &[&format!("%DLQ%{group}"), &clock(*at), &clock(*c)])
        }
        End::DeadLettered { at, compensated: None } => tf(lang, Key::GanttEndDlq, &[&format!("%DLQ%{group}"), &clock(*at)]),
        End::Open => t(lang, Key::GanttEndOpen).to_string(),
    };
    let gaps = axis.idle_gaps();
    let show_cursor = cursor >= first && cursor <= last;
    // The wide view's key: bars of 1 s, 1 min and 1 h on the waits' scale, so the log scale is
    // read off the chart, not taken on trust.
    let scale_key = || {
        key_lengths(lang)
            .into_iter()
            .enumerate()
            .filter_map(|(i, (secs, text))| {
                let len = SimDuration::from_secs(secs);
                key_width(axis, waits, len).map(|w| (i, len, text, w))
            })
            .map(|(i, len, text, w)| {
                html! {
                    <tr class="g-scale" data-testid="gantt-scale">
                        <th scope="row" colspan="2">{ if i == 0 { t(lang, Key::GanttScaleKey) } else { "" } }</th>
                        <td class="g-track">
                            <span class="g-len" style="left:0">{text}</span>
                            <span class="g-bar wait key" style={format!("left:0;width:{}", pct(w))} role="img"
                                aria-label={tf(lang, Key::GanttScaleBar, &[&text])} data-testid="gantt-scale-bar" data-ms={(len.as_us() / 1_000).to_string()} />
                        </td>
                        <td />
                    </tr>
                }
            })
            .collect::<Html>()
    };
    let result_head = if pop { t(lang, Key::GanttResultPop) } else { t(lang, Key::GanttResult) };
    let table = |is_wide: bool| {
        html! {
            <>
            <div class="gantt-scroll">
            <table class="gantt-table">
                <thead><tr>
                    <th scope="col">{"#"}</th>
                    <th scope="col" class="g-rc"><code>{"reconsume"}<wbr />{"Times"}</code></th>
                    <th scope="col" class="g-track">
                        { t(lang, if is_wide { Key::GanttWideTime } else { Key::GanttTime }) }
                        if show_cursor { <span class="g-cursor" style={format!("left:{}", pct(axis.x(cursor)))} /> }
                    </th>
                    <th scope="col" class="g-next">{result_head}</th>
                </tr></thead>
                <tbody>{ rows(is_wide) }</tbody>
                if is_wide { <tfoot>{ scale_key() }</tfoot> }
            </table>
            if !is_wide {
                <div class="g-axis" aria-hidden="true">
                    { for gaps.iter().map(|(a, b)| {
                        let mid = (axis.x(*a) + axis.x(*b)) / 2.0;
                        html! { <span class="g-break" style={format!("left:{}", pct(mid))} title={b.since(*a).to_string()}>{"≈"}</span> }
                    }) }
                </div>
            }
            </div>
            if is_wide {
                <p class="g-axis-note" data-testid="gantt-wide-axis-note">{t(lang, Key::GanttWideAxisNote)}</p>
            } else {
                <p class="g-axis-note" data-testid="gantt-axis-note">{tf(lang, Key::GanttAxisNote, &[&gaps.len()])}</p>
            }
            </>
        }
    };
    let open = {
        let wide = wide.clone();
        Callback::from(move |_: MouseEvent| wide.set(true))
    };
    // Leaving the wide view (Close, Escape, a click beside it) puts the focus back on Expand,
    // which stays in the page.
    let leave = {
        let wide = wide.clone();
        let expand_ref = expand_ref.clone();
        move || {
            wide.set(false);
            if let Some(b) = expand_ref.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        }
    };
    let close = {
        let leave = leave.clone();
        Callback::from(move |_: MouseEvent| leave())
    };
    let on_key = {
        let leave = leave.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                e.prevent_default();
                leave();
            }
        })
    };
    let on_backdrop = Callback::from(move |e: MouseEvent| {
        let on_self = e.target().zip(e.current_target()).is_some_and(|(t, c)| t == c);
        if on_self {
            leave();
        }
    });
    let policy = match sc.consumer.group_retry_policy {
        rmq_sim::scenario::GroupRetryPolicy::Customized => "CUSTOMIZED",
        rmq_sim::scenario::GroupRetryPolicy::Exponential => "EXPONENTIAL",
    };
    let pop_note = pop.then(|| tf(lang, Key::GanttPopNote, &[&policy, &sc.consumer.max_attempts(), &format!("%DLQ%{group}")]));
    html! {
        <section class="gantt" data-testid="gantt" aria-labelledby="gantt-h">
            <div class="g-head">
                <h3 id="gantt-h">{t(lang, Key::GanttHeading)}</h3>
                <button type="button" class="g-expand" data-testid="gantt-expand" aria-haspopup="dialog" onclick={open} ref={expand_ref}
                    title={t(lang, Key::GanttExpandTitle)}>{"⤢ "}{t(lang, Key::GanttExpand)}</button>
            </div>
            <p class="hint">{tf(lang, Key::GanttSummary, &[&s.deliveries.len(), &clock(first), &clock(last), &format!("%RETRY%{group}")])}</p>
            if let Some(note) = &pop_note { <p class="hint" data-testid="gantt-pop-note">{note.clone()}</p> }
            { table(false) }
            <p class="g-end" data-testid="gantt-end">{end.clone()}</p>
            if *wide {
                <div class="gantt-backdrop" onclick={on_backdrop}>
                    <div class="gantt-wide" role="dialog" aria-modal="true" aria-labelledby="gantt-wide-h" data-testid="gantt-wide" onkeydown={on_key}>
                        <div class="g-head">
                            <h3 id="gantt-wide-h">{tf(lang, Key::GanttWideHeading, &[&p.msg])}</h3>
                            <button type="button" class="g-expand" data-testid="gantt-wide-close" ref={close_ref} onclick={close}>{"✕ "}{t(lang, Key::GanttClose)}</button>
                        </div>
                        <p class="hint">{tf(lang, Key::GanttWideNote, &[&waits.len(), &s.deliveries.len()])}</p>
                        if let Some(note) = &pop_note { <p class="hint">{note.clone()}</p> }
                        { table(true) }
                        <p class="g-end" data-testid="gantt-wide-end">{end}</p>
                    </div>
                </div>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_sim::scenario::presets;
    use rmq_sim::Sim;

    fn poison(preset: &str) -> (Schedule, Vec<Wait>) {
        let mut sim = Sim::new(&presets::load(preset).expect("preset"));
        sim.run();
        let s = Schedule::of(&sim, MsgId(3));
        let waits = s.waits();
        (s, waits)
    }

    /// Issue 24 item 6: a longer wait is always drawn wider, on one log scale for every wait — the
    /// 5.x poison message's last wait (1 h, into `%DLQ%`) was drawn narrower than the 30 min one
    /// before it on the axis of every time the schedule knows.
    #[test]
    fn a_longer_wait_is_a_wider_bar_on_one_log_scale() {
        for (preset, n, last) in [("poison-message-dlq", 16, "2 h 0 min"), ("v5-grpc-poison-message", 17, "1 h 0 min")] {
            let (s, waits) = poison(preset);
            assert_eq!(waits.len(), n, "{preset}: a wait after each failed delivery but a remoting last one");
            assert_eq!(short_duration(Lang::En, waits[n - 1].duration()), last, "{preset}");
            let axis = wait_axis(&s, &waits);
            let width = |w: &Wait| axis.x(w.to) - axis.x(w.from);
            let ln = |w: &Wait| (1.0 + w.duration().as_us() as f64 / 1_000.0).ln();
            let per_ln = width(&waits[0]) / ln(&waits[0]);
            for w in &waits {
                assert!((width(w) / ln(w) - per_ln).abs() < 1e-9, "{preset}: wait {} off the scale", w.after);
            }
            for p in waits.windows(2) {
                if p[1].duration() > p[0].duration() {
                    assert!(width(&p[1]) > width(&p[0]), "{preset}: wait {} narrower than the shorter one before it", p[1].after);
                }
            }
            // The key's bars are on the same scale: 1 h is as wide as a 1 h wait.
            let hour = key_width(&axis, &waits, SimDuration::from_secs(3_600)).unwrap();
            let (one_s, one_min) = (
                key_width(&axis, &waits, SimDuration::from_secs(1)).unwrap(),
                key_width(&axis, &waits, SimDuration::from_secs(60)).unwrap(),
            );
            assert!(one_s < one_min && one_min < hour);
            let h = waits.iter().find(|w| short_duration(Lang::En, w.duration()) == "1 h 0 min").expect("a 1 h wait");
            assert!((width(h) - hour).abs() < 0.002, "{preset}: key {hour} vs wait {}", width(h));
        }
    }

    #[test]
    fn bar_labels_read_the_wait_at_its_scale() {
        let ms = SimDuration::from_ms;
        let en = |d| short_duration(Lang::En, d);
        assert_eq!(en(ms(4)), "4 ms");
        assert_eq!(en(ms(3_104)), "3.1 s");
        assert_eq!(en(ms(7_104)), "7.1 s");
        assert_eq!(en(ms(62_104)), "1 min 2 s");
        assert_eq!(en(ms(3_602_104)), "1 h 0 min");
        assert_eq!(en(ms(7_202_104)), "2 h 0 min");
    }

    /// The Chinese page writes a wait's length with Chinese units (as its presets' "2 小时 46 分"),
    /// not "1 h 30 min", and so does the scale's key.
    #[test]
    fn bar_labels_in_chinese_use_chinese_units() {
        let ms = SimDuration::from_ms;
        let zh = |d| short_duration(Lang::Zh, d);
        assert_eq!(zh(ms(4)), "4 毫秒");
        assert_eq!(zh(ms(3_104)), "3.1 秒");
        assert_eq!(zh(ms(62_104)), "1 分 2 秒");
        assert_eq!(zh(ms(5_402_104)), "1 小时 30 分");
        for d in [4, 3_104, 62_104, 5_402_104] {
            assert!(!zh(ms(d)).contains(['h', 's']) && !zh(ms(d)).contains("min"), "{}", zh(ms(d)));
        }
        assert_eq!(key_lengths(Lang::Zh).map(|(_, t)| t), ["1 秒", "1 分钟", "1 小时"]);
    }

    /// The proxy's `STOP_RENEW` (3 h of renewals under a 4 h consumption) is its own wait: its bar
    /// has its own class and its label and title say the proxy stopped renewing, in both
    /// languages — not "invisible until its invisible time ran out".
    #[test]
    fn the_proxys_stop_renew_is_labelled_apart_from_an_invisible_time_that_ran_out() {
        let sc = rmq_sim::scenario::parse_scenario(
            "version = \"5.3.3\"\nuntil = \"8h\"\n[producer]\nmessages = 1\n[consumer]\nclient = \"grpc\"\nconsumeTime = \"4h\"\n",
        )
        .expect("scenario");
        let mut sim = Sim::new(&sc);
        sim.run();
        let s = Schedule::of(&sim, MsgId(0));
        let w = s.waits()[0];
        assert!(matches!(w.kind, WaitKind::RenewStopped { .. }), "{:?}", w.kind);
        assert_eq!(wait_class(&w), Some("renew-stop"));
        assert_eq!(wait_label(Lang::En, &w, "g"), "12.1 s · proxy stopped renewing (3 h)");
        assert_eq!(wait_label(Lang::Zh, &w, "g"), "12.1 秒 · 代理停止续期（3 小时）");
        let en = wait_title(Lang::En, &w, "g");
        assert!(en.starts_with("the proxy stopped renewing its invisible time (STOP_RENEW") && en.contains("retry policy's 10.0 s"), "{en}");
        assert!(!en.contains("ran out"), "{en}");
        assert!(wait_title(Lang::Zh, &w, "g").starts_with("代理停止为它续期"));
        let (_, waits) = poison("v5-grpc-poison-message");
        assert!(waits.iter().all(|w| wait_class(w).is_none() && !wait_label(Lang::En, w, "g").contains("renewing")));
    }
}
