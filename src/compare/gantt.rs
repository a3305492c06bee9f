//! A message's retry schedule as a Gantt chart: one row per delivery (`reconsumeTimes`, queue,
//! result), the wait in `SCHEDULE_TOPIC_XXXX` after it (delay level, due time), and the end —
//! consumed, or `%DLQ%<group>` with the DLQ consumer's compensation. The time axis compresses
//! idle stretches (`rmq_sim::retry_schedule::CompressedAxis`) and says so.

use rmq_sim::event::{ConsumeResult, QueueKind};
use rmq_sim::retry_schedule::{CompressedAxis, End, Schedule};
use rmq_sim::{MsgId, SimTime};
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

/// A bar from `a` to `b` on the axis, at least a sliver wide.
fn bar(axis: &CompressedAxis, a: SimTime, b: SimTime, class: &'static str, title: String, testid: &'static str) -> Html {
    let (x0, x1) = (axis.x(a), axis.x(b));
    let style = format!("left:{};width:max(3px,{})", pct(x0), pct(x1 - x0));
    html! { <span class={classes!("g-bar", class)} {style} title={title.clone()} data-testid={testid} role="img" aria-label={title} /> }
}

#[function_component(RetrySchedule)]
pub fn retry_schedule(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let run_key = std::rc::Rc::as_ptr(&p.pb.run) as usize;
    let sched = {
        let run = p.pb.run.clone();
        use_memo((run_key, p.msg), move |(_, msg)| {
            let s = Schedule::of(&run.done, MsgId(*msg));
            let axis = CompressedAxis::new(&s.times());
            (s, axis)
        })
    };
    let (s, axis) = &*sched;
    if s.deliveries.is_empty() {
        return html! {};
    }
    let group = &p.pb.run.timeline.scenario.consumer.group;
    let queue = |q: QueueKind| match q {
        QueueKind::Main(q) => format!("TopicTest#{q}"),
        QueueKind::Retry => format!("%RETRY%{group}"),
    };
    let cursor = p.pb.cursor;
    let first = s.deliveries[0].at;
    let last = s.times().last().copied().unwrap_or(first);
    let rows = s.deliveries.iter().enumerate().map(|(k, d)| {
        let (class, result) = match d.result {
            Some(ConsumeResult::Success) => ("ok", "CONSUME_SUCCESS"),
            Some(ConsumeResult::ReconsumeLater) => ("fail", "RECONSUME_LATER"),
            Some(ConsumeResult::Exception) => ("fail", "EXCEPTION"),
            None => ("open", "—"),
        };
        let title = tf(lang, Key::GanttDeliveryTitle, &[&(k + 1), &clock(d.at), &result, &queue(d.queue)]);
        let next = match (d.retry, d.local_retry_at) {
            (Some((at, level, due)), _) => html! {
                <>
                { bar(axis, at, due, "wait", tf(lang, Key::GanttWaitTitle, &[&level, &clock(due)]), "gantt-wait") }
                </>
            },
            (None, Some(again)) => bar(axis, d.done_at, again, "wait local", tf(lang, Key::GanttLocalTitle, &[&clock(again)]), "gantt-wait"),
            _ => html! {},
        };
        let after = match d.retry {
            Some((_, level, due)) => tf(lang, Key::GanttNext, &[&level, &clock(due)]),
            None if k + 1 == s.deliveries.len() => match &s.end {
                End::DeadLettered { .. } => format!("→ %DLQ%{group}"),
                End::Consumed(_) => "✓".to_string(),
                End::Open => String::new(),
            },
            None => String::new(),
        };
        html! {
            <tr data-testid="gantt-row" class={class}>
                <th scope="row">{format!("#{}", k + 1)}</th>
                <td class="g-rc"><code>{d.reconsume_times}</code></td>
                <td class="g-track">
                    { bar(axis, d.at, d.done_at, class, title, "gantt-delivery") }
                    { next }
                </td>
                <td class="g-next" title={result}><span class={classes!("g-res", class)}>{ match class { "ok" => "✓", "fail" => "✗", _ => "…" } }</span>{" "}<span class="g-after">{after}</span></td>
            </tr>
        }
    });
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
    html! {
        <section class="gantt" data-testid="gantt" aria-labelledby="gantt-h">
            <h3 id="gantt-h">{t(lang, Key::GanttHeading)}</h3>
            <p class="hint">{tf(lang, Key::GanttSummary, &[&s.deliveries.len(), &clock(first), &clock(last), &format!("%RETRY%{group}")])}</p>
            <div class="gantt-scroll">
            <table class="gantt-table">
                <thead><tr>
                    <th scope="col">{"#"}</th>
                    <th scope="col" class="g-rc"><code>{"reconsume"}<wbr />{"Times"}</code></th>
                    <th scope="col" class="g-track">
                        { t(lang, Key::GanttTime) }
                        if show_cursor { <span class="g-cursor" style={format!("left:{}", pct(axis.x(cursor)))} /> }
                    </th>
                    <th scope="col" class="g-next">{t(lang, Key::GanttResult)}</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            </div>
            <div class="g-axis" aria-hidden="true">
                { for gaps.iter().map(|(a, b)| {
                    let mid = (axis.x(*a) + axis.x(*b)) / 2.0;
                    html! { <span class="g-break" style={format!("left:{}", pct(mid))} title={b.since(*a).to_string()}>{"≈"}</span> }
                }) }
            </div>
            <p class="g-axis-note" data-testid="gantt-axis-note">{tf(lang, Key::GanttAxisNote, &[&gaps.len()])}</p>
            <p class="g-end" data-testid="gantt-end">{end}</p>
        </section>
    }
}
