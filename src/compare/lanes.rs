//! Side-by-side lanes: the current run (lane A) and up to three configurations that differ by one
//! knob, on the same seed, workload and fault timeline. Each lane is a compact diagram of where
//! the messages are at the shared playhead plus its final tallies, with the differences from
//! lane A spelled out (`rmq_sim::whatif::LaneDiff`).

use std::rc::Rc;

use rmq_sim::ledger::{Answer, Ledger};
use rmq_sim::whatif::{Knob, LaneDiff};
use rmq_sim::{MsgId, SimTime, Verdict};
use yew::prelude::*;

use super::{LaneRun, LanesCtx, MAX_LANES};
use crate::components::message_token::look_class;
use crate::components::{clock, pipeline};
use crate::layout::{Orientation, StationId, Tracks};
use crate::extras::{ExtraSlot, Field};
use crate::i18n::{t, tf, Key, Lang};
use crate::playback::Playback;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub pb: Playback,
    /// The lab's base URL, where the extras module is (the lane cards).
    pub base: AttrValue,
}

#[derive(Properties, PartialEq)]
pub struct GridProps {
    pub pb: Playback,
}

/// How many messages are at each station at `t`: sent, acknowledged, only in the page cache, on
/// the master's disk, on the slave, consumed, dead-lettered, lost.
pub fn stations_at(ledger: &Ledger, t: SimTime) -> [u32; 8] {
    let by = |x: Option<SimTime>| x.is_some_and(|x| x <= t);
    let mut c = [0u32; 8];
    for m in &ledger.messages {
        let lost = by(m.lost().first().map(|l| l.0)) && m.consumed_at.first().is_none_or(|c| *c > t);
        c[0] += by(m.attempts.first().map(|a| a.sent_at)) as u32;
        c[1] += matches!(m.answer, Some((at, Answer::Status(_))) if at <= t) as u32;
        c[2] += (by(m.appended_at()) && !by(m.master_flushed_at()) && !lost) as u32;
        c[3] += (by(m.master_flushed_at()) && !lost) as u32;
        c[4] += by(m.replicated_at()) as u32;
        c[5] += by(m.consumed_at.first().copied()) as u32;
        c[6] += by(m.dead_lettered_at()) as u32;
        c[7] += (lost && matches!(m.verdict, Some(Verdict::LostAfterAck | Verdict::LostUnacked))) as u32;
    }
    c
}

/// The lane's station counts at `at` as a caption under its small diagram: "sent 20 · page
/// cache 5 · disk 15 · …" (the slave's only with a slave).
fn caption(lang: Lang, ledger: &Ledger, at: SimTime, slave: bool) -> Html {
    let c = stations_at(ledger, at);
    let names = [
        (Key::LaneSent, c[0], "prod"),
        (Key::LaneCache, c[2], "cache"),
        (Key::LaneDisk, c[3], "disk"),
        (Key::LaneSlave, c[4], "slave"),
        (Key::LaneConsumed, c[5], "cons"),
        (Key::LaneDlq, c[6], "dlq"),
        (Key::LaneLost, c[7], "lost"),
    ];
    html! {
        <p class="lane-caption" data-testid="lane-caption">
            { for names.iter().filter(|n| slave || n.2 != "slave").map(|(key, n, class)| html! {
                <span class={classes!("lc", *class, (*n > 0).then_some("some"))} data-station={*class}>{t(lang, *key)}{" "}<b>{n.to_string()}</b></span>
            }) }
        </p>
    }
}

/// The arrangement a lane's small diagram uses: the docs column's, the densest.
pub const MINI: Orientation = Orientation::Compact;

/// The stations a small diagram draws: (the station whose box it is, its title, its class).
fn mini_boxes(lang: Lang, slave: bool) -> Vec<(StationId, String, &'static str)> {
    let group = tf(lang, Key::StConsumerGroup, &[&""]).trim().to_string();
    [
        (StationId::Producer, t(lang, Key::StProducer).to_string(), "prod"),
        (StationId::MasterCache, t(lang, Key::StMaster).to_string(), "master"),
        (StationId::SlaveCache, t(lang, Key::StSlave).to_string(), "slave"),
        (StationId::ConsumeQueue, t(lang, Key::StQueue).to_string(), "queue"),
        (StationId::Consumer, group, "cons"),
        (StationId::Retry, "%RETRY%".to_string(), "retry"),
        (StationId::Dlq, "%DLQ%".to_string(), "dlq"),
        (StationId::Lost, t(lang, Key::StLost).to_string(), "lost"),
    ]
    .into_iter()
    .filter(|b| slave || b.2 != "slave")
    .collect()
}

/// A lane's small diagram at `at`: the main picture's geometry ([`crate::layout`] at [`MINI`]),
/// its links ([`pipeline::links_view`]) and its tokens ([`crate::layout::tokens`], with the
/// tokens' `.tok-*` looks), drawn at the lane's size. It follows the shared playhead.
pub fn mini_diagram(lang: Lang, tracks: &Tracks, ledger: &Ledger, at: SimTime, slave: bool) -> Html {
    let (w, h) = crate::layout::canvas(MINI);
    let (tokens, _) = crate::layout::tokens(MINI, tracks, ledger, at);
    let moving = tokens.iter().filter(|t| t.moving).count();
    html! {
        <svg class="mini-pipeline" viewBox={format!("0 0 {w} {h}")} role="img" aria-label={t(lang, Key::PipelineLabel)}
             data-testid="lane-mini" data-tokens={tokens.len().to_string()} data-moving={moving.to_string()}>
            { for mini_boxes(lang, slave).into_iter().map(|(s, title, class)| {
                let b = crate::layout::outer(MINI, s);
                html! {
                    <g class={classes!("mini-st", class)}>
                        <rect x={b.x.to_string()} y={b.y.to_string()} width={b.w.to_string()} height={b.h.to_string()} rx="8" />
                        <text x={(b.x + 8.0).to_string()} y={(b.y + 24.0).to_string()}>{title}</text>
                    </g>
                }
            }) }
            { pipeline::links_view(MINI, slave) }
            <g class="mini-tokens">
                { for tokens.iter().map(|tok| html! {
                    <g class={look_class(tok.look)} data-msg={tok.msg.to_string()}>
                        <circle class="body" cx={format!("{:.1}", tok.x)} cy={format!("{:.1}", tok.y)} r={crate::layout::TOKEN_R.to_string()} />
                    </g>
                }) }
            </g>
        </svg>
    }
}

fn tallies(report: &rmq_sim::report::Report, diff: Option<&LaneDiff>) -> Html {
    html! {
        <table class="lane-tallies">
            { for Verdict::ALL.iter().map(|v| {
                let n = report.summary.verdicts[v.name()];
                let d = diff.map_or(0, |d| d.delta(*v));
                let better = matches!(v, Verdict::Delivered) == (d > 0);
                let class = (d != 0).then_some(if better { "better" } else { "worse" });
                // A verdict no lane has (and no difference) is folded away in the side column.
                let zero = (n == 0 && d == 0).then_some("zero");
                html! {
                    <tr class={classes!(class, zero)} data-verdict={v.name()}>
                        <th scope="row"><code>{v.name()}</code></th>
                        <td data-testid="lane-count">{n}</td>
                        <td class="delta">{ if d != 0 { format!("{d:+}") } else { String::new() } }</td>
                    </tr>
                }
            }) }
        </table>
    }
}

/// "lane B lost 23 fewer acknowledged messages; msg#101 survives in B".
fn diff_sentence(lang: Lang, letter: &str, d: &LaneDiff) -> String {
    let lost = d.delta(Verdict::LostAfterAck);
    let mut parts = vec![match lost {
        0 => tf(lang, Key::LaneSameLost, &[&letter]),
        n if n < 0 => tf(lang, Key::LaneFewerLost, &[&letter, &(-n)]),
        n => tf(lang, Key::LaneMoreLost, &[&letter, &n]),
    }];
    if let Some(first) = d.saved.first() {
        let more = d.saved.len() - 1;
        parts.push(if more > 0 {
            tf(lang, Key::LaneSurvivesMore, &[&MsgId(*first), &letter, &more])
        } else {
            tf(lang, Key::LaneSurvives, &[&MsgId(*first), &letter])
        });
    }
    if let Some(first) = d.newly_lost.first() {
        parts.push(tf(lang, Key::LaneNewlyLost, &[&MsgId(*first), &letter, &d.newly_lost.len()]));
    }
    parts.join(t(lang, Key::LaneJoin))
}

const LETTERS: [&str; 4] = ["A", "B", "C", "D"];

#[function_component(Lanes)]
pub fn lanes(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let Some(ctx) = use_context::<LanesCtx>() else { return html! {} };
    let base = &p.pb.run;
    let addable: Vec<Knob> = Knob::ALL
        .into_iter()
        .chain(super::version_lanes(base.timeline.scenario.version))
        // The remoting clients beside gRPC ones (issue 21 item 4); applies only to gRPC clients.
        .chain([Knob::RemotingClients])
        .filter(|k| !ctx.knobs.contains(k) && k.apply(&base.timeline.scenario).is_some())
        .collect();
    let full = ctx.knobs.len() >= MAX_LANES;
    let base_sc = &base.timeline.scenario;
    html! {
        <section class="panel lanes" data-testid="lanes" aria-labelledby="lanes-h">
            <h2 id="lanes-h">{t(lang, Key::LanesHeading)}</h2>
            <p class="hint">{t(lang, Key::LanesHint)}</p>
            <div class="lane-add" role="group" aria-label={t(lang, Key::LaneAddGroup)}>
                <span class="lane-add-label">{t(lang, Key::LaneAdd)}</span>
                { for addable.iter().map(|k| {
                    let (ctx, k) = (ctx.clone(), *k);
                    let onclick = Callback::from(move |_: MouseEvent| ctx.add(k));
                    let label = match k {
                        Knob::SameOn(v) => html! { {tf(lang, Key::LaneSameOn, &[&v])} },
                        _ => html! { <code>{k.describe(base_sc)}</code> },
                    };
                    let title = match k {
                        Knob::SameOn(v) => Some(tf(lang, Key::LaneSameOnTitle, &[&v])),
                        _ => None,
                    };
                    html! { <button class="chip" {onclick} {title} disabled={full} data-testid="lane-add" data-knob={k.id()}>{label}</button> }
                }) }
            </div>
        </section>
    }
}

/// The open lanes' cards, where they are seen while scrubbing: beside the picture at desktop
/// widths, under it on a narrow screen (the page places them; issue 24 item 6). Nothing while no
/// lane is open.
#[function_component(LaneCards)]
pub fn lane_cards(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let Some(ctx) = use_context::<LanesCtx>() else { return html! {} };
    let run_key = Rc::as_ptr(&p.pb.run) as usize;
    // The lane cards are drawn by the extras module (issue 23): it gets the run as its link body
    // (made once per run, while lanes are open), the playhead and the lanes, and sends back the
    // lanes to show when one is closed.
    let open = !ctx.knobs.is_empty();
    let link = {
        let run = p.pb.run.clone();
        use_memo((run_key, open), move |(_, open)| {
            if *open { crate::share::encode_run(&run.timeline, SimTime::ZERO, &Default::default()) } else { String::new() }
        })
    };
    let on_lanes = {
        let ctx = ctx.clone();
        Callback::from(move |(name, text): (String, String)| {
            if name == "lanes" {
                ctx.set.emit(crate::share::parse_lanes(&text));
            }
        })
    };
    if !open {
        return html! {};
    }
    html! {
        <section class="lane-cards" data-testid="lane-cards" aria-label={t(lang, Key::LanesHeading)}>
            <ExtraSlot mount="mount_lanes" base={p.base.clone()} on_event={on_lanes}
                fields={vec![("link", Field::Str((*link).clone())), ("cursorUs", Field::Num(p.pb.cursor.0 as f64)),
                    ("lang", Field::Str(lang.tag().into())), ("lanes", Field::Str(crate::share::lanes_text(&ctx.knobs)))]} />
        </section>
    }
}

/// The lane cards: lane A (this run) and one per open lane, each run to its end (in the extras
/// module, [`crate::extras_host`]).
#[function_component(LaneGrid)]
pub fn lane_grid(p: &GridProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let Some(ctx) = use_context::<LanesCtx>() else { return html! {} };
    let run_key = Rc::as_ptr(&p.pb.run) as usize;
    let runs = {
        let run = p.pb.run.clone();
        use_memo((run_key, ctx.knobs.clone()), move |(_, knobs)| {
            knobs
                .iter()
                .filter_map(|k| LaneRun::new(&run.timeline, *k))
                .map(|l| {
                    let diff = LaneDiff::of(&run.report, &l.report);
                    (l, diff)
                })
                .collect::<Vec<_>>()
        })
    };
    let base = &p.pb.run;
    let cursor = p.pb.cursor;
    let faults = base.faults.len();
    #[allow(clippy::too_many_arguments)]
    let card = |letter: &str, change: Html, tracks: &Tracks, ledger: &Ledger, slave: bool, report: &rmq_sim::report::Report, diff: Option<&LaneDiff>, remove: Html| {
        html! {
            <article class="lane" data-testid="lane" data-lane={letter.to_string()} data-cursor-ms={cursor.as_ms().to_string()} data-version={report.version.name()}
                     data-lost-after-ack={report.summary.verdicts["LOST_AFTER_ACK"].to_string()} data-faults={faults.to_string()}>
                <header class="lane-head">
                    <span class="lane-letter">{letter}</span>
                    <span class="lane-change">{change}</span>
                    <span class="lane-version" data-testid="lane-version">{format!("RocketMQ {}", report.version)}</span>
                    <span class="lane-clock" data-testid="lane-clock">{clock(cursor)}</span>
                    { remove }
                </header>
                { mini_diagram(lang, tracks, ledger, cursor, slave) }
                { caption(lang, ledger, cursor, slave) }
                { tallies(report, diff) }
                if let Some(d) = diff { <p class="lane-diff" data-testid="lane-diff">{diff_sentence(lang, letter, d)}</p> }
            </article>
        }
    };
    let base_sc = &base.timeline.scenario;
    html! {
        <>
            if !runs.is_empty() {
            <div class={classes!("lane-grid", format!("n{}", runs.len() + 1))}>
                { card(LETTERS[0], html! { {t(lang, Key::LaneThisRun)} }, &base.tracks, base.done.ledger(), base_sc.slave.enabled, &base.report, None, html! {}) }
                { for runs.iter().enumerate().map(|(i, (l, d))| {
                    let (ctx, k) = (ctx.clone(), l.knob);
                    let onclick = Callback::from(move |_: MouseEvent| ctx.remove(k));
                    let remove = html! { <button class="close" {onclick} aria-label={tf(lang, Key::LaneRemove, &[&LETTERS[i + 1]])} title={tf(lang, Key::LaneRemove, &[&LETTERS[i + 1]])}>{"×"}</button> };
                    let change = match l.knob {
                        Knob::SameOn(v) => html! { {tf(lang, Key::LaneSameOn, &[&v])} },
                        _ => html! { <code>{l.change.clone()}</code> },
                    };
                    card(LETTERS[i + 1], change, &l.tracks, l.done.ledger(), l.done.scenario().slave.enabled, &l.report, Some(d), remove)
                }) }
            </div>
        }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{outer, tokens, Rect};

    fn inside(r: Rect, x: f64, y: f64) -> bool {
        r.x <= x && x <= r.x + r.w && r.y <= y && y <= r.y + r.h
    }

    #[test]
    fn a_lanes_small_diagram_draws_the_pictures_stations_and_tokens_at_the_playhead() {
        // Lane B of the first run: the same whole path under SYNC_FLUSH.
        let base = crate::playback::Timeline::new(rmq_sim::scenario::presets::load(crate::DEFAULT_PRESET).unwrap());
        let lane = super::super::LaneRun::new(&base, Knob::SyncFlush).expect("whole-path runs ASYNC_FLUSH");
        let ledger = lane.done.ledger();
        let boxes = mini_boxes(Lang::En, true);
        assert_eq!(boxes.len(), 8, "producer, master, slave, queue, consumer group, %RETRY%, %DLQ%, lost");
        let (w, h) = crate::layout::canvas(MINI);
        let at = |ms: u64| tokens(MINI, &lane.tracks, ledger, SimTime::from_ms(ms)).0;
        for ms in [0, 10, 500, 1_950, 16_000, 26_100, 40_000] {
            for tok in at(ms) {
                assert!(inside(Rect { x: 0.0, y: 0.0, w, h }, tok.x, tok.y), "{ms} ms: msg#{} drawn at ({}, {}) outside", tok.msg, tok.x, tok.y);
                if !tok.moving {
                    assert!(boxes.iter().any(|(s, _, _)| inside(outer(MINI, *s), tok.x, tok.y)), "{ms} ms: msg#{} rests in a drawn box", tok.msg);
                }
            }
        }
        // It follows the playhead: msg#0 travels to the master over 0–20 ms, and by the end every
        // message rests somewhere.
        let pos = |ms: u64| at(ms).iter().find(|t| t.msg == 0).map(|t| (t.moving, t.x, t.y)).unwrap();
        let (early, late) = (pos(5), pos(15));
        assert!(early.0 && late.0, "msg#0 on its way at 5 and 15 ms");
        assert!((early.1, early.2) != (late.1, late.2), "msg#0 moved between 5 and 15 ms");
        assert_ne!(at(500).len(), at(40_000).len());
        assert_eq!(at(40_000).iter().filter(|t| !t.moving).count(), ledger.messages.len());
        // The caption's counts are the lane's own.
        assert_eq!(stations_at(ledger, SimTime::from_ms(40_000))[0], 20);
    }
}
