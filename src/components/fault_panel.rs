//! Fault buttons, usable during playback: each injects at the playhead and is recorded on the
//! timeline, so replays reproduce it. A fault that cannot apply at the playhead (the core's
//! [`rmq_sim::Sim::can_apply`]: a crash of a stopped process, a shorter power cut inside a longer
//! one …) is refused with the reason; the panel lists the faults so far, and those the core
//! refused with why.

use rmq_sim::scenario::{Fault, FaultKind, FaultTarget};
use rmq_sim::{Event as SimEvent, EventKind, FaultRefusal, NodeId, SimDuration, SimTime};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::{t, tf, Key, Lang};
use crate::narrate::target_key;
use crate::playback::{Action, Playback};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub has_slave: bool,
    pub ended: bool,
    /// The playback at the playhead (per event): what can apply now, and the faults so far.
    pub pb: Playback,
    pub dispatch: Callback<Action>,
}

fn node_word(lang: Lang, node: NodeId) -> &'static str {
    t(lang, if node == NodeId::Slave { Key::TargetSlave } else { Key::TargetMaster })
}

fn until_words(lang: Lang, until: Option<SimTime>) -> String {
    match until {
        Some(u) => tf(lang, Key::UntilAt, &[&u]),
        None => t(lang, Key::UntilEnd).to_string(),
    }
}

/// Why a fault cannot apply, in the page's language (the core's `Display` is the CLI's English).
pub fn refusal_text(lang: Lang, why: &FaultRefusal) -> String {
    use FaultRefusal::*;
    match *why {
        WrongTarget { kind, target } => tf(lang, Key::RefuseWrongTarget, &[&kind.name(), &t(lang, target_key(target))]),
        NoSlave => t(lang, Key::RefuseNoSlave).to_string(),
        NoConsumer => t(lang, Key::RefuseNoConsumer).to_string(),
        NoController => t(lang, Key::RefuseNoController).to_string(),
        NotRunning { node, since, .. } => tf(lang, Key::RefuseNotRunning, &[&node_word(lang, node), &since]),
        AlreadyRunning { node } => tf(lang, Key::RefuseAlreadyRunning, &[&node_word(lang, node)]),
        MachineOff { node, until } => tf(lang, Key::RefuseMachineOff, &[&node_word(lang, node), &until_words(lang, until)]),
        AlreadyOff { node, until } => tf(lang, Key::RefuseAlreadyOff, &[&node_word(lang, node), &until_words(lang, until)]),
        DiskDestroyed { node, since } => tf(lang, Key::RefuseDiskDestroyed, &[&node_word(lang, node), &since]),
        AlreadyInForce { until } => tf(lang, Key::RefuseInForce, &[&until_words(lang, until)]),
        ConsumerNotStarted { starts_at } => tf(lang, Key::RefuseConsumerNotStarted, &[&starts_at]),
        ConsumerDown { until } => tf(lang, Key::RefuseConsumerDown, &[&until_words(lang, until)]),
    }
}

/// The faults that came due at or before `upto`, from the run's log: what each was, and for one
/// that could not apply, why (`None` when it was injected).
pub fn faults_so_far(events: &[SimEvent], upto: SimTime, lang: Lang) -> Vec<(String, Option<String>)> {
    events
        .iter()
        .take_while(|e| e.at <= upto)
        .filter_map(|e| match e.kind {
            EventKind::FaultInjected { kind, target, until } => {
                let lasts = match until {
                    Some(u) => tf(lang, Key::FaultForDuration, &[&u.since(e.at)]),
                    None => t(lang, Key::UntilEnd).to_string(),
                };
                Some((format!("{} {} {} {lasts}", e.at, kind.name(), t(lang, target_key(target))), None))
            }
            EventKind::FaultRefused { kind, target, why } => Some((
                format!("{} {} {}", e.at, kind.name(), t(lang, target_key(target))),
                Some(refusal_text(lang, &why)),
            )),
            _ => None,
        })
        .collect()
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
    // The reason the last refused button gave, shown until another button is pressed.
    let notice = use_state(|| None::<String>);
    let buttons = BUTTONS.iter().map(|b| {
        let needs_slave = b.target == FaultTarget::Slave;
        let disabled = p.ended || (needs_slave && !p.has_slave);
        let dur = (*duration).map(SimDuration::from_secs);
        let dur = if b.kind == FaultKind::SlaveUp || b.kind == FaultKind::SlaveDown { None } else { dur };
        let fault = Fault { at: SimTime::ZERO, kind: b.kind, target: b.target, duration: dur, factor: 10 };
        let refused = if disabled { None } else { p.pb.live.borrow().can_apply(&fault).err().map(|why| refusal_text(lang, &why)) };
        let onclick = {
            let (notice, refused) = (notice.clone(), refused.clone());
            let dispatch = p.dispatch.clone();
            Callback::from(move |_: MouseEvent| match &refused {
                Some(why) => notice.set(Some(why.clone())),
                None => {
                    notice.set(None);
                    dispatch.emit(Action::Inject(fault.clone()));
                }
            })
        };
        let mut title = match &refused {
            _ if needs_slave && !p.has_slave => t(lang, Key::NoSlave).to_string(),
            Some(why) => tf(lang, Key::FaultCannotApply, &[why]),
            None => t(lang, b.help).to_string(),
        };
        if let Some(k) = b.key {
            title = format!("{title} — {}", tf(lang, Key::ShortcutHint, &[&k]));
        }
        let class = classes!("fault", refused.is_some().then_some("refused"));
        let aria_disabled = refused.is_some().then_some("true");
        html! {
            <button {class} {onclick} {disabled} title={title} aria-disabled={aria_disabled} aria-keyshortcuts={b.key} data-fault={format!("{}-{}", b.kind.name(), b.target.name())}>
                {t(lang, b.label)}
                if let Some(k) = b.key { <kbd aria-hidden="true">{k}</kbd> }
            </button>
        }
    });
    let so_far = faults_so_far(p.pb.run.done.events(), p.pb.cursor, lang);
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
            <p class="fault-refusal" role="status" data-testid="fault-refusal">
                { (*notice).as_ref().map(|why| tf(lang, Key::FaultCannotApply, &[why])).unwrap_or_default() }
            </p>
            if !so_far.is_empty() {
                <h3 class="fault-list-h">{t(lang, Key::FaultsSoFar)}</h3>
                <ul class="fault-list" data-testid="fault-list">
                    { for so_far.into_iter().map(|(what, why)| html! {
                        <li class={classes!(why.is_some().then_some("refused"))}>
                            {what}
                            if let Some(w) = why { {" — "}{tf(lang, Key::FaultNotApplied, &[&w])} }
                        </li>
                    }) }
                </ul>
            }
            if p.ended { <p class="hint">{t(lang, Key::RunEndedHint)}</p> }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_sim::scenario::presets;
    use rmq_sim::Sim;

    fn fault(kind: FaultKind, target: FaultTarget, secs: Option<u64>) -> Fault {
        Fault { at: SimTime::ZERO, kind, target, duration: secs.map(SimDuration::from_secs), factor: 10 }
    }

    #[test]
    fn a_crash_of_a_stopped_master_is_refused_with_the_reason_in_both_languages() {
        let mut sim = Sim::new(&presets::load("defaults").expect("preset"));
        sim.run_until(SimTime::from_ms(1_000));
        sim.inject(rmq_sim::Command::Inject(fault(FaultKind::PowerLoss, FaultTarget::Master, Some(30))));
        sim.run_until(SimTime::from_ms(2_000));
        let why = sim.can_apply(&fault(FaultKind::ProcessCrash, FaultTarget::Master, Some(30))).unwrap_err();
        assert_eq!(refusal_text(Lang::En, &why), "the master process is not running (down since 1.000s)");
        assert_eq!(refusal_text(Lang::Zh, &why), "主节点进程没有在运行（自 1.000s 起已停止）");
        let shorter = sim.can_apply(&fault(FaultKind::PowerLoss, FaultTarget::Master, Some(10))).unwrap_err();
        assert!(refusal_text(Lang::En, &shorter).starts_with("the master machine is already off until 31.000s"));
        assert_eq!(sim.can_apply(&fault(FaultKind::DiskLost, FaultTarget::Master, Some(10))), Ok(()));
    }

    #[test]
    fn the_list_names_injected_faults_and_refused_ones_with_why() {
        let mut sim = Sim::new(&presets::load("defaults").expect("preset"));
        sim.run_until(SimTime::from_ms(1_000));
        sim.inject(rmq_sim::Command::Inject(fault(FaultKind::PowerLoss, FaultTarget::Master, Some(30))));
        sim.run_until(SimTime::from_ms(2_000));
        sim.inject(rmq_sim::Command::Inject(fault(FaultKind::ProcessCrash, FaultTarget::Master, Some(30))));
        sim.run();
        let list = faults_so_far(sim.events(), SimTime::from_ms(2_000), Lang::En);
        assert_eq!(list.len(), 2, "{list:?}");
        assert_eq!(list[0], ("1.000s POWER_LOSS master for 30.000s".to_string(), None));
        assert_eq!(list[1].0, "2.000s PROCESS_CRASH master");
        assert_eq!(list[1].1.as_deref(), Some("the master process is not running (down since 1.000s)"));
        assert_eq!(faults_so_far(sim.events(), SimTime::from_ms(1_500), Lang::En).len(), 1, "nothing after the playhead");
    }
}
