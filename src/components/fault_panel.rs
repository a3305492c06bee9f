//! Fault buttons, usable during playback: each injects at the playhead and is recorded on the
//! timeline, so replays reproduce it.

use rmq_sim::scenario::{Fault, FaultKind, FaultTarget};
use rmq_sim::{SimDuration, SimTime};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::playback::Action;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub has_slave: bool,
    pub ended: bool,
    pub dispatch: Callback<Action>,
}

struct Button {
    label: &'static str,
    kind: FaultKind,
    target: FaultTarget,
    help: &'static str,
}

const BUTTONS: &[Button] = &[
    Button { label: "Kill master process", kind: FaultKind::ProcessCrash, target: FaultTarget::Master, help: "kill -9: the OS keeps the page cache and writes it back" },
    Button { label: "Cut master power", kind: FaultKind::PowerLoss, target: FaultTarget::Master, help: "the page cache is gone: unflushed bytes are lost" },
    Button { label: "Destroy master disk", kind: FaultKind::DiskLost, target: FaultTarget::Master, help: "the commit log is gone, flushed or not" },
    Button { label: "Slow master disk ×10", kind: FaultKind::DiskSlow, target: FaultTarget::Master, help: "flushes take ten times longer" },
    Button { label: "Stall master disk", kind: FaultKind::DiskStall, target: FaultTarget::Master, help: "no flush completes" },
    Button { label: "Stop slave", kind: FaultKind::SlaveDown, target: FaultTarget::Slave, help: "clean stop: the master loses its slave at once" },
    Button { label: "Start slave", kind: FaultKind::SlaveUp, target: FaultTarget::Slave, help: "the slave comes back and catches up" },
    Button { label: "Partition slave", kind: FaultKind::NetworkPartition, target: FaultTarget::Slave, help: "master↔slave packets are dropped" },
    Button { label: "Partition producer", kind: FaultKind::NetworkPartition, target: FaultTarget::Producer, help: "producer↔master packets are dropped" },
    Button { label: "Crash consumer", kind: FaultKind::ConsumerCrash, target: FaultTarget::Consumer, help: "in-process messages are dropped; it restarts from the stored offsets" },
];

/// Durations offered: downtime before a restart, or how long a disk/link fault lasts.
const DURATIONS: &[(&str, Option<u64>)] = &[("10 s", Some(10)), ("30 s", Some(30)), ("rest of the run", None)];

#[function_component(FaultPanel)]
pub fn fault_panel(p: &Props) -> Html {
    let duration = use_state(|| Some(30u64));
    let on_duration = {
        let duration = duration.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            duration.set(v.parse::<u64>().ok());
        })
    };
    let buttons = BUTTONS.iter().map(|b| {
        let needs_slave = b.target == FaultTarget::Slave;
        let disabled = p.ended || (needs_slave && !p.has_slave);
        let dur = (*duration).map(SimDuration::from_secs);
        let dur = if b.kind == FaultKind::SlaveUp || b.kind == FaultKind::SlaveDown { None } else { dur };
        let fault = Fault { at: SimTime::ZERO, kind: b.kind, target: b.target, duration: dur, factor: 10 };
        let onclick = p.dispatch.reform(move |_: MouseEvent| Action::Inject(fault.clone()));
        let title = if needs_slave && !p.has_slave { "no slave configured".to_string() } else { b.help.to_string() };
        html! { <button class="fault" {onclick} {disabled} title={title}>{b.label}</button> }
    });
    html! {
        <section class="panel fault-panel" aria-label="Faults">
            <div class="fault-head">
            <h2>{"Inject a fault at the playhead"}</h2>
            <label class="inline">{"lasts / restarts after "}
                <select onchange={on_duration} aria-label="Fault duration">
                    { for DURATIONS.iter().map(|(l, v)| html! {
                        <option value={v.map(|s| s.to_string()).unwrap_or_default()} selected={*duration == *v}>{*l}</option>
                    }) }
                </select>
            </label>
            </div>
            <div class="fault-buttons">{ for buttons }</div>
            if p.ended { <p class="hint">{"The run has ended; seek back to inject a fault earlier."}</p> }
        </section>
    }
}
