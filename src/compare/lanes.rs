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
use crate::components::clock;
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

fn diagram(lang: Lang, ledger: &Ledger, at: SimTime, slave: bool) -> Html {
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
    let shown: Vec<_> = names.iter().filter(|n| slave || n.2 != "slave").collect();
    let w = 60.0;
    let gap = 8.0;
    let width = shown.len() as f64 * (w + gap) - gap;
    html! {
        <svg class="lane-diagram" viewBox={format!("0 0 {width} 46")} role="img"
             aria-label={shown.iter().map(|n| format!("{} {}", t(lang, n.0), n.1)).collect::<Vec<_>>().join(", ")}>
            { for shown.iter().enumerate().map(|(i, (key, n, class))| {
                let x = i as f64 * (w + gap);
                html! {
                    <g class={classes!("st", *class, (*n > 0).then_some("some"))}>
                        <rect x={x.to_string()} y="2" width={w.to_string()} height="42" rx="5" />
                        <text x={(x + w / 2.0).to_string()} y="21" class="n" text-anchor="middle">{n.to_string()}</text>
                        <text x={(x + w / 2.0).to_string()} y="37" class="l" text-anchor="middle">{t(lang, *key)}</text>
                    </g>
                }
            }) }
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
                html! {
                    <tr class={classes!(class)} data-verdict={v.name()}>
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
    let on_lanes = {
        let ctx = ctx.clone();
        Callback::from(move |(name, text): (String, String)| {
            if name == "lanes" {
                ctx.set.emit(crate::share::parse_lanes(&text));
            }
        })
    };
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
            if open {
                <ExtraSlot mount="mount_lanes" base={p.base.clone()} on_event={on_lanes}
                    fields={vec![("link", Field::Str((*link).clone())), ("cursorUs", Field::Num(p.pb.cursor.0 as f64)),
                        ("lang", Field::Str(lang.tag().into())), ("lanes", Field::Str(crate::share::lanes_text(&ctx.knobs)))]} />
            }
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
    let card = |letter: &str, change: Html, ledger: &Ledger, slave: bool, report: &rmq_sim::report::Report, diff: Option<&LaneDiff>, remove: Html| {
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
                { diagram(lang, ledger, cursor, slave) }
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
                { card(LETTERS[0], html! { {t(lang, Key::LaneThisRun)} }, base.done.ledger(), base_sc.slave.enabled, &base.report, None, html! {}) }
                { for runs.iter().enumerate().map(|(i, (l, d))| {
                    let (ctx, k) = (ctx.clone(), l.knob);
                    let onclick = Callback::from(move |_: MouseEvent| ctx.remove(k));
                    let remove = html! { <button class="close" {onclick} aria-label={tf(lang, Key::LaneRemove, &[&LETTERS[i + 1]])} title={tf(lang, Key::LaneRemove, &[&LETTERS[i + 1]])}>{"×"}</button> };
                    let change = match l.knob {
                        Knob::SameOn(v) => html! { {tf(lang, Key::LaneSameOn, &[&v])} },
                        _ => html! { <code>{l.change.clone()}</code> },
                    };
                    card(LETTERS[i + 1], change, l.done.ledger(), l.done.scenario().slave.enabled, &l.report, Some(d), remove)
                }) }
            </div>
        }
        </>
    }
}
