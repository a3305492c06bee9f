//! The selected message: its stages and every event that mentions it, with times, and its
//! verdict explained in the core's own sentence (`MessageRecord::explain`).

use rmq_sim::ledger::MessageRecord;
use rmq_sim::text::{send_ok_meaning, status_meaning, verdict_meaning_in, Lang};
use rmq_sim::{MsgId, SimTime};
use yew::prelude::*;

use super::clock;
use crate::eventinfo;
use crate::extras::{ExtraSlot, Field};
use crate::i18n::{t, tf, Key};
use crate::playback::{Action, Playback};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub pb: Playback,
    pub dispatch: Callback<Action>,
    /// The lab's base URL, where the extras module is (the what-if and the retry schedule).
    pub base: AttrValue,
}

fn stage(lang: Lang, name: Key, at: Option<SimTime>, cursor: SimTime) -> Html {
    let (v, class) = match at {
        Some(at) if at <= cursor => (clock(at), "done"),
        Some(at) => (tf(lang, Key::Later, &[&clock(at)]), "later"),
        None => (t(lang, Key::Never).to_string(), "never"),
    };
    html! { <tr class={class}><th scope="row">{t(lang, name)}</th><td>{v}</td></tr> }
}

fn stages(lang: Lang, r: &MessageRecord, cursor: SimTime) -> Html {
    html! {
        <table class="stages">
            { stage(lang, Key::StageSent, r.attempts.first().map(|a| a.sent_at), cursor) }
            { stage(lang, Key::StageCache, r.appended_at(), cursor) }
            { stage(lang, Key::StageDisk, r.master_flushed_at(), cursor) }
            { stage(lang, Key::StageSlave, r.replicated_at(), cursor) }
            { stage(lang, Key::StageAnswer, r.answer.as_ref().map(|(at, _)| *at), cursor) }
            { stage(lang, Key::StageConsumed, r.consumed_at.first().copied(), cursor) }
            { stage(lang, Key::StageDlq, r.dead_lettered_at(), cursor) }
            if let Some((key, at)) = loss_stage(r) { { stage(lang, key, Some(at), cursor) } }
        </table>
    }
}

/// The loss row, when a copy vanished: "last copy lost" (at the last loss) only when no copy
/// survived, else "a copy lost" (at the first) — a master's page cache lost in a power cut while
/// the slave kept the message is not the end of the message.
pub fn loss_stage(r: &MessageRecord) -> Option<(Key, SimTime)> {
    use rmq_sim::Verdict::{LostAfterAck, LostUnacked};
    match (r.lost().first(), r.lost().last()) {
        // Controller mode: the last copy went in a rejoining replica's truncation (issue 20).
        (_, Some((at, _))) if matches!(r.verdict, Some(LostAfterAck | LostUnacked)) && crate::layout::cut_by_truncation(r) => {
            Some((Key::StageTruncated, *at))
        }
        (_, Some((at, _))) if matches!(r.verdict, Some(LostAfterAck | LostUnacked)) => Some((Key::StageLost, *at)),
        (Some((at, _)), _) => Some((Key::StageCopyLost, *at)),
        _ => None,
    }
}

/// The line under "producer saw": what this answer covered, from the message's own stages
/// (`SEND_OK`: where the copy was when the answer came), never advice that ignores the run.
pub fn answer_line(r: &MessageRecord, lang: Lang) -> Option<String> {
    let (at, answer) = r.answer.as_ref()?;
    let rmq_sim::ledger::Answer::Status(st) = answer else { return None };
    Some(match st {
        rmq_sim::SendStatus::SendOk => {
            let by = |t: Option<SimTime>| t.is_some_and(|t| t <= *at);
            send_ok_meaning(by(r.master_flushed_at()), by(r.replicated_at()), lang).to_string()
        }
        other => status_meaning(*other, lang).to_string(),
    })
}

/// One attempt of a gRPC send (spec 5 §5), as the inspector lists it.
#[derive(Debug, PartialEq)]
pub struct GrpcAttempt {
    pub attempt: u32,
    pub sent_at: SimTime,
    /// The client's side: the error code it saw, `None` for a receipt (or no answer yet).
    pub code: Option<&'static str>,
    /// Whether the client got its receipt (`SEND_OK` through the proxy).
    pub ok: bool,
    /// Whether the application saw this attempt's error (the last attempt, or not resent).
    pub thrown: bool,
    /// What the proxy answered for this attempt: (the broker's answer, its code).
    pub proxy: Option<(&'static str, &'static str)>,
}

/// A gRPC message's attempts, and the copies the broker stored in `TopicTest` by `cursor` and by
/// the end of the run, from its events (`history`: its events' indices in `events`).
pub fn grpc_send(events: &[rmq_sim::Event], history: &[u32], cursor: SimTime) -> (Vec<GrpcAttempt>, usize, usize) {
    use rmq_sim::EventKind::*;
    let mut out: Vec<GrpcAttempt> = Vec::new();
    let (mut now, mut end) = (0, 0);
    for e in history.iter().map(|&i| &events[i as usize]) {
        let find = |out: &mut Vec<GrpcAttempt>, a: u32| out.iter().position(|x| x.attempt == a);
        match &e.kind {
            SendAttempted { attempt, .. } => {
                out.push(GrpcAttempt { attempt: *attempt, sent_at: e.at, code: None, ok: false, thrown: false, proxy: None })
            }
            AttemptFailed { attempt, error, .. } if e.at <= cursor => {
                if let Some(i) = find(&mut out, *attempt) {
                    out[i].code = error.grpc_code();
                }
            }
            SendFailed { .. } if e.at <= cursor => {
                if let Some(last) = out.last_mut() {
                    last.thrown = true;
                }
            }
            SendAnswered { attempt, .. } if e.at <= cursor => {
                if let Some(i) = find(&mut out, *attempt) {
                    out[i].ok = true;
                }
            }
            ProxyAnswered { attempt, from, code, .. } if e.at <= cursor => {
                if let Some(i) = find(&mut out, *attempt) {
                    out[i].proxy = Some((*from, *code));
                }
            }
            Appended { node: rmq_sim::NodeId::Master, topic: rmq_sim::event::Topic::Main, .. } => {
                end += 1;
                if e.at <= cursor {
                    now += 1;
                }
            }
            _ => {}
        }
    }
    out.retain(|a| a.sent_at <= cursor);
    (out, now, end)
}

/// The gRPC producer's send of this message: each attempt with the code the client saw and what
/// the proxy made of the broker's answer, and the copies stored (issue 21: the duplicates).
fn grpc_view(lang: Lang, events: &[rmq_sim::Event], history: &[u32], cursor: SimTime, max_attempts: u32) -> Html {
    let (attempts, now, end) = grpc_send(events, history, cursor);
    let copies = if now == end { tf(lang, Key::CopiesStored, &[&now]) } else { tf(lang, Key::CopiesStoredLater, &[&now, &end]) };
    html! {
        <div class="grpc-send" data-testid="grpc-send" data-attempts={attempts.len().to_string()} data-copies={now.to_string()} data-copies-end={end.to_string()}>
            <h3>{t(lang, Key::GrpcSendHeading)}</h3>
            <ol class="grpc-attempts">
                { for attempts.iter().map(|a| {
                    let what = match (a.ok, a.code) {
                        (true, _) => t(lang, Key::GrpcOk).to_string(),
                        (false, Some(code)) if a.thrown => tf(lang, Key::GrpcThrown, &[&code]),
                        (false, Some(code)) => tf(lang, Key::GrpcResent, &[&code]),
                        (false, None) => t(lang, Key::GrpcNoAnswer).to_string(),
                    };
                    let proxy = a.proxy.map(|(from, code)| tf(lang, Key::GrpcProxySaid, &[&code, &from])).unwrap_or_default();
                    html! {
                        <li data-attempt={a.attempt.to_string()} data-code={a.code} data-proxy-code={a.proxy.map(|p| p.1)}>
                            {tf(lang, Key::GrpcAttemptLine, &[&a.attempt, &max_attempts, &clock(a.sent_at), &what])}{proxy}
                        </li>
                    }
                }) }
            </ol>
            <p class="copies" data-testid="copies-stored">{copies}</p>
        </div>
    }
}

#[function_component(Inspector)]
pub fn inspector(p: &Props) -> Html {
    let pb = &p.pb;
    let lang = use_context::<Lang>().unwrap_or_default();
    let head_ref = use_node_ref();
    {
        // Opening a message moves the focus to the inspector, so keyboard and screen-reader users land on it.
        let head_ref = head_ref.clone();
        use_effect_with(pb.selected, move |sel| {
            if sel.is_some() {
                if let Some(h) = head_ref.cast::<web_sys::HtmlElement>() {
                    let _ = h.focus();
                }
            }
        });
    }
    let run_key = std::rc::Rc::as_ptr(&pb.run) as usize;
    let history = {
        let run = pb.run.clone();
        use_memo((run_key, pb.selected), move |(_, sel)| match sel {
            Some(id) => eventinfo::filter(run.done.events(), Some(*id), None),
            None => Vec::new(),
        })
    };
    // The what-if and the retry schedule are in the extras module (issue 23): they get the run as
    // its link body (made once per run, while a message is open) and the lanes open beside it, and
    // send back the lanes to show.
    let link = {
        let run = pb.run.clone();
        use_memo((run_key, pb.selected.is_some()), move |(_, open)| {
            if *open { crate::share::encode_run(&run.timeline, SimTime::ZERO, &Default::default()) } else { String::new() }
        })
    };
    let lanes = use_context::<crate::compare::LanesCtx>();
    let lanes_text = lanes.as_ref().map(|l| crate::share::lanes_text(&l.knobs)).unwrap_or_default();
    let on_lanes = Callback::from(move |(name, text): (String, String)| {
        if let (Some(l), "lanes") = (&lanes, name.as_str()) {
            l.set.emit(crate::share::parse_lanes(&text));
        }
    });
    let Some(id) = pb.selected else {
        return html! {
            <section class="panel inspector" aria-labelledby="insp-h">
                <h2 id="insp-h">{t(lang, Key::InspectorHeading)}</h2>
                <p class="hint">{t(lang, Key::InspectorHint)}</p>
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
        <section class="panel inspector" aria-labelledby="insp-h" data-testid="inspector">
            <div class="insp-head">
                <h2 id="insp-h" tabindex="-1" ref={head_ref}><span class="sr-only">{t(lang, Key::InspectorHeading)}{" "}</span>{format!("{}", MsgId(id))}</h2>
                <button class="close" onclick={close} aria-label={t(lang, Key::CloseInspector)} title={t(lang, Key::CloseInspector)} aria-keyshortcuts="Escape">{"×"}</button>
            </div>
            <p class="status">{t(lang, Key::ProducerSawPrefix)}<strong>{r.send_status_name()}</strong>
                {tf(lang, Key::AttemptsDeliveries, &[&r.attempts.len(), &r.deliveries.len()])}</p>
            if let Some(line) = answer_line(r, lang) {
                <p class="hint" data-testid="answer-line">{line}</p>
            }
            <div class={classes!("verdict", broken.then_some("broken"))}>
                <span class="v-label">{tf(lang, Key::AtEndOfRun, &[&clock(pb.run.end)])}</span>
                <strong class="v-name">{super::summary::verdict_symbol(r.verdict.unwrap_or(rmq_sim::Verdict::Unresolved))}{" "}{verdict}</strong>
                <p class="v-meaning">{r.verdict.map(|v| verdict_meaning_in(v, &pb.run.timeline.scenario.consumer.group, lang)).unwrap_or_default()}</p>
                <p class="v-explain" data-testid="explain">{r.explain(lang)}</p>
            </div>
            { stages(lang, r, pb.cursor) }
            if pb.run.timeline.scenario.producer.client == rmq_sim::scenario::Client::Grpc {
                { grpc_view(lang, events, &history, pb.cursor, pb.run.timeline.scenario.producer.max_attempts) }
            }
            <ExtraSlot mount="mount_inspector_extras" base={p.base.clone()} on_event={on_lanes}
                fields={vec![("link", Field::Str((*link).clone())), ("msg", Field::Num(f64::from(id))), ("cursorUs", Field::Num(pb.cursor.0 as f64)),
                    ("lang", Field::Str(lang.tag().into())), ("lanes", Field::Str(lanes_text))]} />
            <h3>{t(lang, Key::History)}</h3>
            // It scrolls past 220 px (a message with retries, queues and failovers has many
            // events): focusable, so a keyboard can scroll it (axe: scrollable-region-focusable).
            <ol class="history" lang="en" tabindex="0" aria-label={t(lang, Key::History)}>
                { for history.iter().map(|&i| {
                    let e = &events[i as usize];
                    let later = (i as usize) >= reached;
                    html! { <li class={classes!(later.then_some("later"))}><time>{clock(e.at)}</time>{" "}{e.kind.to_string()}</li> }
                }) }
            </ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_sim::scenario::presets;
    use rmq_sim::Sim;

    fn line(preset: &str, msg: usize) -> String {
        let mut sim = Sim::new(&presets::load(preset).expect("preset"));
        sim.run();
        answer_line(&sim.ledger().messages[msg], Lang::En).expect("an answer")
    }

    /// A copy lost while another survived is not called the last copy (issue 24: a delivered
    /// message's inspector said "last copy lost").
    #[test]
    fn only_a_lost_message_has_lost_its_last_copy() {
        let is_loss = |v: rmq_sim::Verdict| matches!(v, rmq_sim::Verdict::LostAfterAck | rmq_sim::Verdict::LostUnacked);
        let (mut kept, mut gone, mut untouched) = (0, 0, 0);
        for p in presets::all() {
            let mut sim = Sim::new(&presets::load(p.id).expect("preset"));
            sim.run();
            for m in &sim.ledger().messages {
                let stage = loss_stage(m);
                match (m.lost().last(), m.verdict.is_some_and(is_loss)) {
                    (None, _) => {
                        assert_eq!(stage, None);
                        untouched += 1;
                    }
                    (Some((last, _)), true) => {
                        let key = if crate::layout::cut_by_truncation(m) { Key::StageTruncated } else { Key::StageLost };
                        assert_eq!(stage, Some((key, *last)));
                        gone += 1;
                    }
                    (Some(_), false) => {
                        assert_eq!(stage, Some((Key::StageCopyLost, m.lost()[0].0)), "{}: {:?}", p.id, m.verdict);
                        kept += 1;
                    }
                }
            }
        }
        assert!(kept > 0 && gone > 0 && untouched > 0, "the presets hold every case: {kept} kept, {gone} gone, {untouched} untouched");
    }

    /// Issue 21: a message sent in the stalled disk through the gRPC client lists its three
    /// attempts, each resent after the error the client saw, the last thrown, with three copies
    /// stored; through a LOCAL proxy the broker's FLUSH_DISK_TIMEOUT shows as the proxy's
    /// MASTER_PERSISTENCE_TIMEOUT.
    #[test]
    fn a_grpc_message_lists_its_attempts_and_copies() {
        let run = |id: &str| {
            let mut sim = Sim::new(&presets::load(id).expect("preset"));
            sim.run();
            sim
        };
        let sim = run("v5-grpc-flush-disk-stall");
        let hist = crate::eventinfo::filter(sim.events(), Some(1), None);
        let (a, now, end) = grpc_send(sim.events(), &hist, sim.now());
        assert_eq!((a.len(), now, end), (3, 3, 3));
        assert!(a.iter().all(|x| x.code == Some("DEADLINE_EXCEEDED") && !x.ok));
        assert_eq!(a.iter().map(|x| x.thrown).collect::<Vec<_>>(), [false, false, true]);
        assert_eq!(a[0].proxy, Some(("its call to the broker: RemotingTimeoutException", "PROXY_TIMEOUT")));
        // Halfway: two attempts sent, two copies stored so far, three by the end.
        let (a, now, end) = grpc_send(sim.events(), &hist, SimTime::from_ms(8_000));
        assert_eq!((a.len(), now, end), (2, 2, 3));
        let sim = run("v5-grpc-master-persistence-timeout");
        let r = sim.ledger().messages.iter().find(|r| r.verdict == Some(rmq_sim::Verdict::Duplicated)).expect("a duplicate");
        let hist = crate::eventinfo::filter(sim.events(), Some(r.id), None);
        let (a, _, end) = grpc_send(sim.events(), &hist, sim.now());
        assert_eq!(end, 3);
        assert_eq!(a[0].proxy, Some(("FLUSH_DISK_TIMEOUT", "MASTER_PERSISTENCE_TIMEOUT")));
        assert_eq!(a[0].code, Some("MASTER_PERSISTENCE_TIMEOUT"));
    }

    #[test]
    fn the_first_line_fits_the_message_and_gives_no_blanket_advice() {
        // Defaults: answered from the page cache, no slave.
        let d = line("defaults", 0);
        assert_eq!(d, "SEND_OK: when answered, the message was only in the master's page cache: not yet on disk, on no slave");
        // SYNC_FLUSH: on disk when answered.
        assert!(line("sync-flush-power-loss", 0).contains("on the master's disk"));
        // ASYNC_FLUSH + SYNC_MASTER: on the slave when answered.
        assert!(line("book-recommendation", 0).ends_with("(not yet on its disk) and on the slave"));
        for p in ["defaults", "sync-flush-power-loss", "book-recommendation"] {
            assert!(!line(p, 0).contains("enable"), "{p}: no advice in the first line");
        }
    }
}
