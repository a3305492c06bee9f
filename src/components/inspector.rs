//! The selected message: its stages and every event that mentions it, with times, and its
//! verdict explained in the core's own sentence (`MessageRecord::explain`).

use rmq_sim::ledger::MessageRecord;
use rmq_sim::text::{status_meaning, verdict_meaning, Lang};
use rmq_sim::{MsgId, SimTime};
use yew::prelude::*;

use super::clock;
use crate::eventinfo;
use crate::playback::{Action, Playback};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub pb: Playback,
    pub dispatch: Callback<Action>,
    /// Language of the explanation (the core writes it in English and Simplified Chinese).
    #[prop_or_default]
    pub lang: Lang,
}

fn stage(name: &str, t: Option<SimTime>, cursor: SimTime) -> Html {
    let (v, class) = match t {
        Some(t) if t <= cursor => (clock(t), "done"),
        Some(t) => (format!("{} (later)", clock(t)), "later"),
        None => ("never".to_string(), "never"),
    };
    html! { <tr class={class}><th>{name.to_string()}</th><td>{v}</td></tr> }
}

fn stages(r: &MessageRecord, cursor: SimTime) -> Html {
    html! {
        <table class="stages">
            { stage("first sent", r.attempts.first().map(|a| a.sent_at), cursor) }
            { stage("in master page cache", r.appended_at, cursor) }
            { stage("on master disk", r.master_flushed_at, cursor) }
            { stage("on slave", r.replicated_at, cursor) }
            { stage("answer to producer", r.answer.as_ref().map(|(t, _)| *t), cursor) }
            { stage("first consumed", r.consumed_at.first().copied(), cursor) }
            { stage("dead-lettered", r.dead_lettered_at, cursor) }
            { stage("last copy lost", r.lost.last().map(|(t, _)| *t), cursor) }
        </table>
    }
}

#[function_component(Inspector)]
pub fn inspector(p: &Props) -> Html {
    let pb = &p.pb;
    let run_key = std::rc::Rc::as_ptr(&pb.run) as usize;
    let history = {
        let run = pb.run.clone();
        use_memo((run_key, pb.selected), move |(_, sel)| match sel {
            Some(id) => eventinfo::filter(run.done.events(), Some(*id), None),
            None => Vec::new(),
        })
    };
    let Some(id) = pb.selected else {
        return html! {
            <section class="panel inspector" aria-label="Inspector">
                <h2>{"Inspector"}</h2>
                <p class="hint">{"Click a message token to see its history and why it ended as it did."}</p>
            </section>
        };
    };
    let Some(r) = pb.run.done.ledger().messages.get(id as usize) else { return html! {} };
    let close = p.dispatch.reform(|_: MouseEvent| Action::Select(None));
    let verdict = r.verdict.map_or("UNRESOLVED", |v| v.name());
    let broken = r.verdict == Some(rmq_sim::Verdict::LostAfterAck);
    let events = pb.run.done.events();
    let reached = pb.run.events_by(pb.cursor);
    html! {
        <section class="panel inspector" aria-label="Inspector" data-testid="inspector">
            <div class="insp-head">
                <h2>{format!("{}", MsgId(id))}</h2>
                <button class="close" onclick={close} aria-label="Close inspector">{"×"}</button>
            </div>
            <p class="status">{"producer saw "}<strong>{r.send_status_name()}</strong>
                {format!(" · {} attempt(s) · {} deliveries", r.attempts.len(), r.deliveries.len())}</p>
            if let Some((_, rmq_sim::ledger::Answer::Status(st))) = r.answer.as_ref() {
                <p class="hint" lang={p.lang.tag()}>{status_meaning(*st, p.lang)}</p>
            }
            <div class={classes!("verdict", broken.then_some("broken"))}>
                <span class="v-label">{format!("At the end of the run ({}):", clock(pb.run.end))}</span>
                <strong class="v-name">{verdict}</strong>
                <p class="v-meaning">{r.verdict.map(|v| verdict_meaning(v, p.lang)).unwrap_or_default()}</p>
                <p class="v-explain" data-testid="explain" lang={p.lang.tag()}>{r.explain(p.lang)}</p>
            </div>
            { stages(r, pb.cursor) }
            <h3>{"History"}</h3>
            <ol class="history">
                { for history.iter().map(|&i| {
                    let e = &events[i as usize];
                    let later = (i as usize) >= reached;
                    html! { <li class={classes!(later.then_some("later"))}><time>{clock(e.at)}</time>{" "}{e.kind.to_string()}</li> }
                }) }
            </ol>
        </section>
    }
}
