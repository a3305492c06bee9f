//! Fault buttons, usable during playback: each injects at the playhead and is recorded on the
//! timeline, so replays reproduce it.

use rmq_sim::scenario::{Fault, FaultKind, FaultTarget};
use rmq_sim::{SimDuration, SimTime};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::{t, tf, Key, Lang};
use crate::playback::Action;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub has_slave: bool,
    pub ended: bool,
    pub dispatch: Callback<Action>,
}

struct Button {
    label: Key,
    kind: FaultKind,
    target: FaultTarget,
    help: Key,
    /// Its keyboard shortcut (see [`crate::keyboard`]), if it has one.
    key: Option<&'static str>,
}

const BUTTONS: &[Button] = &[
    Button { label: Key::FaultKill, kind: FaultKind::ProcessCrash, target: FaultTarget::Master, help: Key::FaultKillHelp, key: Some("C") },
    Button { label: Key::FaultPower, kind: FaultKind::PowerLoss, target: FaultTarget::Master, help: Key::FaultPowerHelp, key: Some("P") },
    Button { label: Key::FaultDisk, kind: FaultKind::DiskLost, target: FaultTarget::Master, help: Key::FaultDiskHelp, key: Some("D") },
    Button { label: Key::FaultSlow, kind: FaultKind::DiskSlow, target: FaultTarget::Master, help: Key::FaultSlowHelp, key: None },
    Button { label: Key::FaultStall, kind: FaultKind::DiskStall, target: FaultTarget::Master, help: Key::FaultStallHelp, key: None },
    Button { label: Key::FaultSlaveStop, kind: FaultKind::SlaveDown, target: FaultTarget::Slave, help: Key::FaultSlaveStopHelp, key: Some("S") },
    Button { label: Key::FaultSlaveStart, kind: FaultKind::SlaveUp, target: FaultTarget::Slave, help: Key::FaultSlaveStartHelp, key: Some("S") },
    Button { label: Key::FaultPartSlave, kind: FaultKind::NetworkPartition, target: FaultTarget::Slave, help: Key::FaultPartSlaveHelp, key: None },
    Button { label: Key::FaultPartProducer, kind: FaultKind::NetworkPartition, target: FaultTarget::Producer, help: Key::FaultPartProducerHelp, key: None },
    Button { label: Key::FaultConsumer, kind: FaultKind::ConsumerCrash, target: FaultTarget::Consumer, help: Key::FaultConsumerHelp, key: Some("X") },
];

/// Durations offered: downtime before a restart, or how long a disk/link fault lasts.
const DURATIONS: &[(Key, Option<u64>)] = &[(Key::Dur10, Some(10)), (Key::Dur30, Some(30)), (Key::DurRest, None)];

#[function_component(FaultPanel)]
pub fn fault_panel(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
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
        let mut title = if needs_slave && !p.has_slave { t(lang, Key::NoSlave).to_string() } else { t(lang, b.help).to_string() };
        if let Some(k) = b.key {
            title = format!("{title} — {}", tf(lang, Key::ShortcutHint, &[&k]));
        }
        html! {
            <button class="fault" {onclick} {disabled} title={title} aria-keyshortcuts={b.key} data-fault={format!("{}-{}", b.kind.name(), b.target.name())}>
                {t(lang, b.label)}
                if let Some(k) = b.key { <kbd aria-hidden="true">{k}</kbd> }
            </button>
        }
    });
    html! {
        <section class="panel fault-panel" aria-labelledby="faults-h">
            <div class="fault-head">
            <h2 id="faults-h">{t(lang, Key::FaultsHeading)}</h2>
            <label class="inline">{t(lang, Key::FaultLasts)}
                <select id="fault-duration" onchange={on_duration} aria-label={t(lang, Key::FaultDurationLabel)}>
                    { for DURATIONS.iter().map(|(l, v)| html! {
                        <option value={v.map(|s| s.to_string()).unwrap_or_default()} selected={*duration == *v}>{t(lang, *l)}</option>
                    }) }
                </select>
            </label>
            </div>
            <div class="fault-buttons">{ for buttons }</div>
            if p.ended { <p class="hint">{t(lang, Key::RunEndedHint)}</p> }
        </section>
    }
}
