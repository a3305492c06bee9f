//! Counts by send status and by verdict: so far (at the playhead) and when the run ends
//! (`Report::of` the finished run). Acknowledged-then-lost messages are called out as broken
//! promises.

use rmq_sim::report::SEND_STATUS_KEYS;
use rmq_sim::{SimTime, Verdict};
use yew::prelude::*;

use crate::playback::{Action, Playback};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub pb: Playback,
    pub dispatch: Callback<Action>,
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

/// Messages whose final verdict is `v` and whose fate is already visible at `t` (lost ones
/// once their ghost appears, the others once their last stage has happened).
fn decided_by(pb: &Playback, v: Verdict, t: SimTime) -> u32 {
    let ledger = pb.run.done.ledger();
    let tracks = &pb.run.tracks;
    ledger
        .messages
        .iter()
        .filter(|r| r.verdict == Some(v))
        .filter(|r| tracks.keys.get(r.id as usize).and_then(|k| k.last()).is_some_and(|k| k.arrive <= t))
        .count() as u32
}

fn first_broken(pb: &Playback) -> Option<u32> {
    pb.run.done.ledger().messages.iter().find(|r| r.verdict == Some(Verdict::LostAfterAck)).map(|r| r.id)
}

#[function_component(Summary)]
pub fn summary(p: &Props) -> Html {
    let pb = &p.pb;
    let fin = &pb.run.report.summary;
    let so_far = statuses_so_far(pb);
    let broken_end = fin.verdicts.get("LOST_AFTER_ACK").copied().unwrap_or(0);
    let broken_now = decided_by(pb, Verdict::LostAfterAck, pb.cursor);
    let show = first_broken(pb).map(|id| p.dispatch.reform(move |_: MouseEvent| Action::Select(Some(id))));
    html! {
        <section class="panel summary" aria-label="Summary" data-testid="summary">
            <h2>{"Summary"}</h2>
            <div class={classes!("broken", (broken_now > 0).then_some("has"))} data-testid="broken">
                <span class="b-num">{broken_now}</span>
                <span class="b-text">{format!(" broken promises so far: acknowledged, then lost ({broken_end} by the end of the run)")}</span>
                if let Some(cb) = show { <button class="link" onclick={cb}>{"inspect one"}</button> }
            </div>
            <table class="counts">
                <thead><tr><th>{"producer saw"}</th><th>{"so far"}</th><th>{"at end"}</th></tr></thead>
                <tbody>
                    { for so_far.iter().map(|(k, n)| html! {
                        <tr><th><code>{*k}</code></th><td>{*n}</td><td>{fin.send_status.get(k).copied().unwrap_or(0)}</td></tr>
                    }) }
                </tbody>
            </table>
            <table class="counts">
                <thead><tr><th>{"verdict"}</th><th>{"so far"}</th><th>{"at end"}</th></tr></thead>
                <tbody>
                    { for Verdict::ALL.iter().filter(|v| **v != Verdict::Unresolved || fin.verdicts.get(v.name()).copied().unwrap_or(0) > 0).map(|v| {
                        let now = decided_by(pb, *v, pb.cursor);
                        html! { <tr class={classes!((*v == Verdict::LostAfterAck).then_some("row-broken"))}><th><code>{v.name()}</code></th><td>{now}</td><td>{fin.verdicts.get(v.name()).copied().unwrap_or(0)}</td></tr> }
                    }) }
                </tbody>
            </table>
            <p class="digest">{format!("seed {} · log digest {}…", pb.run.report.seed, &pb.run.report.event_log_digest[..12])}</p>
        </section>
    }
}
