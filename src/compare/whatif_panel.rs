//! "Would it have survived with …?" for the message in the inspector: the core's what-if
//! (`rmq_sim::whatif::what_if`) on the run's scenario (with every fault, injected ones included),
//! one row per knob that applies — saved or not, its send-latency cost — and a button that opens
//! that run as a lane.

use rmq_sim::report::LatencyStats;
use rmq_sim::whatif::what_if;
use rmq_sim::SimDuration;
use rmq_sim::{MsgId, Verdict};
use yew::prelude::*;

use super::LanesCtx;
use crate::i18n::{t, tf, Key, Lang};
use crate::playback::Playback;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub pb: Playback,
    pub msg: u32,
}

fn lat(l: &LatencyStats) -> String {
    format!("{} / {}", SimDuration::from_us(l.p50_us), SimDuration::from_us(l.p99_us))
}

/// Up to this many messages the what-if runs as soon as the message is opened.
const AUTO_MAX_MESSAGES: u32 = 5_000;

/// Whether the what-if question is worth asking for this verdict.
pub fn asks(v: Option<Verdict>) -> bool {
    matches!(v, Some(Verdict::LostAfterAck | Verdict::LostUnacked | Verdict::Duplicated | Verdict::DeadLettered))
}

#[function_component(WhatIfPanel)]
pub fn whatif_panel(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let lanes = use_context::<LanesCtx>();
    let run_key = std::rc::Rc::as_ptr(&p.pb.run) as usize;
    // Small runs are answered at once; a large one (one re-run per knob) waits for a click.
    let asked = use_state(|| None::<(usize, u32)>);
    let auto = p.pb.run.timeline.scenario.producer.messages <= AUTO_MAX_MESSAGES;
    let wanted = auto || *asked == Some((run_key, p.msg));
    let answer = {
        let run = p.pb.run.clone();
        use_memo((run_key, p.msg, wanted), move |(_, msg, wanted)| {
            wanted.then(|| what_if(&super::merged_scenario(&run.timeline), MsgId(*msg))).flatten()
        })
    };
    if !wanted {
        let (asked, key) = (asked.clone(), (run_key, p.msg));
        let onclick = Callback::from(move |_: MouseEvent| asked.set(Some(key)));
        return html! {
            <section class="whatif" data-testid="whatif" aria-labelledby="whatif-h">
                <h3 id="whatif-h">{tf(lang, Key::WhatIfHeading, &[&MsgId(p.msg)])}</h3>
                <button class="small" {onclick} data-testid="whatif-ask">{t(lang, Key::WhatIfAsk)}</button>
            </section>
        };
    }
    let Some(w) = answer.as_ref() else { return html! {} };
    let saving: Vec<&str> = w.saving().map(|o| o.change.as_str()).collect();
    let verdict = w.before.name();
    let headline = if saving.is_empty() {
        t(lang, Key::WhatIfNone).to_string()
    } else {
        tf(lang, Key::WhatIfSavedBy, &[&saving.join(" · ")])
    };
    let rows = w.outcomes.iter().map(|o| {
        let open = lanes.clone().map(|l| {
            let knob = o.knob;
            let already = l.knobs.contains(&knob) || l.knobs.len() >= super::MAX_LANES;
            let onclick = Callback::from(move |_: MouseEvent| l.add(knob));
            html! { <button class="small" {onclick} disabled={already} data-testid="whatif-lane" title={t(lang, Key::WhatIfOpenLaneTitle)}>{t(lang, Key::WhatIfOpenLane)}</button> }
        });
        let cost = o.run.latency().p50_us as i64 - w.base.latency().p50_us as i64;
        let cost = if cost >= 0 { format!("+{}", SimDuration::from_us(cost as u64)) } else { format!("−{}", SimDuration::from_us((-cost) as u64)) };
        html! {
            <tr data-testid="whatif-row" data-knob={o.knob.id()} data-saved={o.saved.to_string()} class={classes!(o.saved.then_some("saved"))}>
                <th scope="row"><code>{o.change.clone()}</code></th>
                <td class="w-verdict">{ if o.saved { format!("✓ {}", t(lang, Key::WhatIfSaves)) } else { format!("✗ {}", o.verdict) } }</td>
                <td class="w-cost" title={t(lang, Key::WhatIfLatencyTitle)}>{lat(&o.run.latency())}{" "}<small>{format!("({cost})")}</small></td>
                <td>{ for open }</td>
            </tr>
        }
    });
    html! {
        <section class="whatif" data-testid="whatif" aria-labelledby="whatif-h">
            <h3 id="whatif-h">{tf(lang, Key::WhatIfHeading, &[&MsgId(p.msg)])}</h3>
            <p class="w-headline" data-testid="whatif-headline">{headline}</p>
            <p class="hint">{tf(lang, Key::WhatIfHint, &[&verdict, &lat(&w.base.latency())])}</p>
            <table class="whatif-table">
                <thead><tr>
                    <th scope="col">{t(lang, Key::WhatIfChange)}</th>
                    <th scope="col">{tf(lang, Key::WhatIfThisMessage, &[&MsgId(p.msg)])}</th>
                    <th scope="col">{t(lang, Key::WhatIfLatency)}</th>
                    <th scope="col"><span class="sr-only">{t(lang, Key::WhatIfOpenLane)}</span></th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </section>
    }
}
