//! Counts by send status and by verdict: so far (at the playhead) and when the run ends
//! (`Report::of` the finished run). Acknowledged-then-lost messages are called out as broken
//! promises.

use rmq_sim::report::{us_to_ms, Report, SEND_STATUS_KEYS};
use rmq_sim::Verdict;
use yew::prelude::*;

use crate::i18n::{t, tf, Key, Lang};
use crate::layout::Place;
use crate::playback::{Action, Playback};

/// At most this many lost messages are listed as buttons.
const LOST_LIST_MAX: usize = 12;

/// A symbol for each verdict, so the tables read without colour (as the tokens do).
pub fn verdict_symbol(v: Verdict) -> &'static str {
    match v {
        Verdict::Delivered => "✓",
        Verdict::Duplicated => "×2",
        Verdict::LostAfterAck => "✕",
        Verdict::LostUnacked => "✕?",
        Verdict::DeadLettered => "☠",
        Verdict::Unresolved => "…",
    }
}

/// A symbol for each send status the producer can see: stored (✓), stored with a warning (⚠),
/// failed (✕) or no answer (–).
pub fn status_symbol(name: &str) -> &'static str {
    match name {
        "SEND_OK" => "✓",
        "EXCEPTION" => "✕",
        "NO_REPLY" => "–",
        _ => "⚠",
    }
}

/// Lost messages whose ghost is already in the lost bin at the playhead, in id order.
fn lost_so_far(pb: &Playback) -> Vec<u32> {
    let tracks = &pb.run.tracks;
    pb.run
        .done
        .ledger()
        .messages
        .iter()
        .filter(|r| matches!(r.verdict, Some(Verdict::LostAfterAck | Verdict::LostUnacked)))
        .filter(|r| tracks.keys.get(r.id as usize).and_then(|k| k.last()).is_some_and(|k| k.place == Place::Lost && k.arrive <= pb.cursor))
        .map(|r| r.id)
        .collect()
}

fn lost_list(lang: Lang, lost: &[u32], dispatch: &Callback<Action>) -> Html {
    let shown = lost.iter().take(LOST_LIST_MAX).map(|id| {
        let id = *id;
        let onclick = dispatch.reform(move |_: MouseEvent| Action::Select(Some(id)));
        html! { <li><button class="msg-chip" {onclick} data-msg={id.to_string()}>{format!("✕ msg#{id}")}</button></li> }
    });
    html! {
        <div class="lost-box">
            <h3 id="lost-h">{t(lang, Key::LostListHeading)}</h3>
            <ul id="lost-list" class="lost-list" aria-labelledby="lost-h" tabindex="-1" data-testid="lost-list">
                { for shown }
            </ul>
            if lost.is_empty() { <p class="hint">{t(lang, Key::NoneLostYet)}</p> }
            if lost.len() > LOST_LIST_MAX { <p class="hint">{tf(lang, Key::LostListMore, &[&(lost.len() - LOST_LIST_MAX)])}</p> }
        </div>
    }
}

/// The run's cost in the benchmark producer's words (the report's `throughput` and `latency`):
/// Send TPS, Average / p99 / Max RT of the acknowledged sends, Send Failed, Consume TPS.
/// Before the playhead reaches the end every figure is "…" (they are the whole run's: Consume
/// TPS and Max RT would tell the ending before it is played).
fn cost_table(lang: Lang, r: &Report, ended: bool) -> Html {
    let tps = |m: Option<u64>| m.map_or("–".to_string(), |m| format!("{}.{}", m / 1_000, m % 1_000 / 100));
    let a = &r.latency.acked;
    let rt = |us: u64| if a.count > 0 { format!("{:.3}", us_to_ms(us)) } else { "–".to_string() };
    let hidden = (!ended).then(|| t(lang, Key::AtEndHidden));
    let rows = [
        ("Send TPS", tps(r.throughput.send_milli_tps)),
        ("Average RT(ms)", rt(a.mean_us)),
        ("p99 RT(ms)", rt(a.p99_us)),
        ("Max RT(ms)", rt(a.max_us)),
        ("Send Failed", r.throughput.send_failed.to_string()),
        ("Consume TPS", tps(r.throughput.consume_milli_tps)),
    ];
    html! {
        <table class="counts cost" data-testid="cost">
            <caption>{t(lang, Key::CostHeading)}</caption>
            <tbody>
                { for rows.iter().map(|(k, v)| html! { <tr><th scope="row" lang="en">{*k}</th><td data-cost={*k} title={hidden}>{ if ended { v.clone() } else { "…".to_string() } }</td></tr> }) }
            </tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub pb: Playback,
    pub dispatch: Callback<Action>,
    /// One line of counts at the playhead, the full panel folded under it (an embed in a docs
    /// column: the diagram, its controls and this line fit 700 px; issue 24 item 6).
    #[prop_or_default]
    pub compact: bool,
}

/// The compact summary's line: the producer's `SEND_OK` and the verdicts decided by the
/// playhead — `DELIVERED` and `LOST_AFTER_ACK` always, any other once it has happened (a verdict
/// named before it happens would tell the ending).
pub fn strip_counts(pb: &Playback) -> Vec<(&'static str, u32)> {
    let sent_ok = statuses_so_far(pb).into_iter().filter(|(k, n)| *k == "SEND_OK" || *n > 0);
    let verdicts = Verdict::ALL
        .iter()
        .map(|v| (v.name(), pb.decided_by(*v, pb.cursor)))
        .filter(|(k, n)| matches!(*k, "DELIVERED" | "LOST_AFTER_ACK") || *n > 0);
    sent_ok.chain(verdicts).collect()
}

fn strip(l: Lang, pb: &Playback) -> Html {
    html! {
        <span class="strip-counts" role="group" aria-label={t(l, Key::SummaryStripLabel)}>
            { for strip_counts(pb).into_iter().map(|(k, n)| {
                let sym = Verdict::ALL.iter().find(|v| v.name() == k).map_or_else(|| status_symbol(k), |v| verdict_symbol(*v));
                let broken = k == "LOST_AFTER_ACK" && n > 0;
                html! {
                    <span class={classes!("strip-count", broken.then_some("has"))} data-count={k}>
                        <span class="sym" aria-hidden="true">{sym}</span><code>{k}</code>{" "}<b>{n}</b>
                    </span>
                }
            }) }
        </span>
    }
}

/// Send statuses the producer has seen by the playhead (from the playback `Sim`'s ledger).
fn statuses_so_far(pb: &Playback) -> Vec<(&'static str, u32)> {
    let live = pb.live.borrow();
    let msgs = &live.ledger().messages;
    SEND_STATUS_KEYS
        .iter()
        .map(|k| {
            let n = msgs.iter().filter(|m| m.answer.is_some() && m.send_status_name() == *k).count() as u32;
            (*k, n)
        })
        .collect()
}

/// The first acknowledged-then-lost message whose ghost the playhead has reached.
fn first_broken(pb: &Playback, lost: &[u32]) -> Option<u32> {
    let msgs = &pb.run.done.ledger().messages;
    lost.iter().copied().find(|id| msgs.get(*id as usize).is_some_and(|r| r.verdict == Some(Verdict::LostAfterAck)))
}

/// An "at end" cell: the whole run's count once the playhead is at the end, "…" before.
fn at_end(n: u32, ended: bool, lang: Lang) -> Html {
    if ended {
        html! { <td data-at-end="shown">{n}</td> }
    } else {
        html! { <td data-at-end="hidden" title={t(lang, Key::AtEndHidden)}>{"…"}</td> }
    }
}

#[function_component(Summary)]
pub fn summary(p: &Props) -> Html {
    let pb = &p.pb;
    let lang = use_context::<Lang>().unwrap_or_default();
    let l = lang;
    let lost = lost_so_far(pb);
    let fin = &pb.run.report.summary;
    let group = pb.run.timeline.scenario.consumer.group.clone();
    let so_far = statuses_so_far(pb);
    let broken_end = fin.verdicts.get("LOST_AFTER_ACK").copied().unwrap_or(0);
    let broken_now = pb.decided_by(Verdict::LostAfterAck, pb.cursor);
    // The run's outcomes only once the playhead reaches the end (issue 24: never spoil the ending).
    let ended = pb.cursor >= pb.run.end;
    let show = first_broken(pb, &lost).map(|id| p.dispatch.reform(move |_: MouseEvent| Action::Select(Some(id))));
    let full = html! {
        <>
            <div class={classes!("broken", (broken_now > 0).then_some("has"))} data-testid="broken">
                <span class="b-num">{broken_now}</span>
                <span class="b-text">{ if ended { tf(l, Key::BrokenText, &[&broken_end]) } else { t(l, Key::BrokenTextSoFar).to_string() } }</span>
                if let Some(cb) = show { <button class="link" onclick={cb}>{t(l, Key::InspectOne)}</button> }
            </div>
            <table class="counts">
                <thead><tr><th scope="col">{t(l, Key::ProducerSaw)}</th><th scope="col">{t(l, Key::SoFar)}</th><th scope="col">{t(l, Key::AtEnd)}</th></tr></thead>
                <tbody>
                    { for so_far.iter().map(|(k, n)| html! {
                        <tr><th scope="row"><span class="sym" aria-hidden="true">{status_symbol(k)}</span><code>{*k}</code></th><td>{*n}</td>{ at_end(fin.send_status.get(k).copied().unwrap_or(0), ended, l) }</tr>
                    }) }
                </tbody>
            </table>
            <table class="counts">
                <thead><tr><th scope="col">{t(l, Key::VerdictCol)}</th><th scope="col">{t(l, Key::SoFar)}</th><th scope="col">{t(l, Key::AtEnd)}</th></tr></thead>
                <tbody>
                    { for Verdict::ALL.iter().filter(|v| **v != Verdict::Unresolved || fin.verdicts.get(v.name()).copied().unwrap_or(0) > 0).map(|v| {
                        let now = pb.decided_by(*v, pb.cursor);
                        html! { <tr class={classes!((*v == Verdict::LostAfterAck).then_some("row-broken"))} title={rmq_sim::text::verdict_meaning_in(*v, &group, l)}><th scope="row"><span class="sym" aria-hidden="true">{verdict_symbol(*v)}</span><code>{v.name()}</code></th><td>{now}</td>{ at_end(fin.verdicts.get(v.name()).copied().unwrap_or(0), ended, l) }</tr> }
                    }) }
                </tbody>
            </table>
            { cost_table(l, &pb.run.report, ended) }
            { lost_list(l, &lost, &p.dispatch) }
            <p class="digest">{tf(l, Key::Digest, &[&pb.run.report.seed, &&pb.run.report.event_log_digest[..12]])}</p>
        </>
    };
    if p.compact {
        // The line is the disclosure's summary: clicking it unfolds the whole panel below.
        return html! {
            <section class="summary summary-compact" aria-labelledby="summary-h" data-testid="summary" data-compact="true">
                <details>
                    <summary>
                        <h2 id="summary-h" class="strip-h">{t(l, Key::SummaryHeading)}</h2>
                        { strip(l, pb) }
                        <span class="strip-more">{t(l, Key::SummaryAllCounts)}</span>
                    </summary>
                    <div class="summary-full">{ full }</div>
                </details>
            </section>
        };
    }
    html! {
        <section class="panel summary" aria-labelledby="summary-h" data-testid="summary">
            <h2 id="summary-h">{t(l, Key::SummaryHeading)}</h2>
            { full }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playback::Action;
    use rmq_sim::SimTime;

    #[test]
    fn the_compact_line_counts_at_the_playhead_and_names_no_verdict_before_it_happens() {
        let pb = Playback::new(rmq_sim::scenario::presets::load(crate::DEFAULT_PRESET).unwrap());
        // Before Play: what every run has, all zero; no dead letter named before one happens.
        assert_eq!(strip_counts(&pb), [("SEND_OK", 0), ("DELIVERED", 0), ("LOST_AFTER_ACK", 0)]);
        let end = pb.run.end;
        let pb = pb.apply(Action::Seek(end));
        assert_eq!(strip_counts(&pb), [("SEND_OK", 20), ("DELIVERED", 14), ("LOST_AFTER_ACK", 5), ("DEAD_LETTERED", 1)]);
        // Mid-run (after the power cut, before the consumer): the broken promises so far.
        let pb = pb.apply(Action::Seek(SimTime::from_ms(14_000)));
        assert!(strip_counts(&pb).contains(&("LOST_AFTER_ACK", 5)), "{:?}", strip_counts(&pb));
        assert!(strip_counts(&pb).contains(&("DELIVERED", 0)));
    }
}
