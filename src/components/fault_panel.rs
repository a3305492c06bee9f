//! Fault buttons, usable during playback: each injects at the playhead and is recorded on the
//! timeline, so replays reproduce it. A fault that cannot apply at the playhead (the core's
//! [`rmq_sim::Sim::can_apply`]: a crash of a stopped process, a shorter power cut inside a longer
//! one …) is refused with the reason; the panel lists the faults so far, and those the core
//! refused with why.
//!
//! In controller mode (issue 20) the master's buttons hit whoever is master now (their tooltip
//! says which broker), and the panel adds broker 0 as "the first master" (the node that started
//! as master: after a failover, a slave) and the controller (crash, partition); with two slaves,
//! the second slave's stop, start and partition.

use rmq_sim::scenario::{Fault, FaultKind, FaultTarget};
use rmq_sim::{Event as SimEvent, EventKind, FaultRefusal, NodeId, SimDuration, SimTime};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::{t, tf, Key, Lang};
use crate::narrate::target_key;
use crate::playback::{Action, Playback};
use FaultKind::*;
use FaultTarget::{Consumer, Controller, FirstMaster, Master, Producer, Slave, Slave2};
use Shown::{Always, ControllerMode, TwoSlaves};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub has_slave: bool,
    pub ended: bool,
    /// The playback at the playhead (per event): what can apply now, and the faults so far.
    pub pb: Playback,
    pub dispatch: Callback<Action>,
}

fn node_word(lang: Lang, node: NodeId) -> &'static str {
    t(lang, crate::narrate::node_word(node))
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
        WrongTarget { kind, target } => {
            tf(lang, Key::RefuseWrongTarget, &[&fault_words(lang, kind, target), &t(lang, target_key(target))])
        }
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

/// A fault in the page's words: the label of its button where there is one ("Cut master power"),
/// else the same words for its target ("Cut slave power"). A slow disk's factor is the fault's
/// (a preset's may differ from the button's ×10), so its words leave it out.
pub fn fault_words(lang: Lang, kind: FaultKind, target: FaultTarget) -> String {
    if let Some(b) = BUTTONS.iter().find(|b| b.kind == kind && b.target == target && kind != DiskSlow) {
        return t(lang, b.label).to_string();
    }
    let key = match kind {
        ProcessCrash => Key::FaultWordsCrash,
        PowerLoss => Key::FaultWordsPower,
        DiskLost => Key::FaultWordsDisk,
        DiskSlow => Key::FaultWordsSlow,
        DiskStall => Key::FaultWordsStall,
        SlaveDown => Key::FaultWordsStop,
        SlaveUp => Key::FaultWordsStart,
        NetworkPartition => Key::FaultWordsPartition,
        ConsumerCrash => Key::FaultWordsConsumer,
    };
    tf(lang, key, &[&t(lang, target_key(target))])
}

/// The faults that came due at or before `upto`, from the run's log: what each was (in the
/// fault buttons' words), and for one that could not apply, why (`None` when it was injected).
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
                Some((format!("{} {} {lasts}", e.at, fault_words(lang, kind, target)), None))
            }
            EventKind::FaultRefused { kind, target, why } => Some((
                format!("{} {}", e.at, fault_words(lang, kind, target)),
                Some(refusal_text(lang, &why)),
            )),
            _ => None,
        })
        .collect()
}

/// When a button is in the panel: always, or only where the scenario has what it hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    Always,
    /// Controller mode: the controller, and broker 0 as "the node that started as master"
    /// (elsewhere it is always the master, which the master's buttons hit).
    ControllerMode,
    /// A second slave (`[slave] count = 2`).
    TwoSlaves,
}

struct Button {
    label: Key,
    kind: FaultKind,
    target: FaultTarget,
    help: Key,
    /// Its keyboard shortcut (see [`crate::keyboard`]), if it has one.
    key: Option<&'static str>,
    shown: Shown,
}

const fn button(label: Key, kind: FaultKind, target: FaultTarget, help: Key, key: Option<&'static str>, shown: Shown) -> Button {
    Button { label, kind, target, help, key, shown }
}

/// Every button, in the panel's order: the master (whoever it is now), broker 0 (controller
/// mode), the slaves, the controller, the clients.
const BUTTONS: &[Button] = &[
    button(Key::FaultKill, ProcessCrash, Master, Key::FaultKillHelp, Some("C"), Always),
    button(Key::FaultPower, PowerLoss, Master, Key::FaultPowerHelp, Some("P"), Always),
    button(Key::FaultDisk, DiskLost, Master, Key::FaultDiskHelp, Some("D"), Always),
    button(Key::FaultSlow, DiskSlow, Master, Key::FaultSlowHelp, None, Always),
    button(Key::FaultStall, DiskStall, Master, Key::FaultStallHelp, None, Always),
    button(Key::FaultFirstKill, ProcessCrash, FirstMaster, Key::FaultFirstKillHelp, None, ControllerMode),
    button(Key::FaultFirstPower, PowerLoss, FirstMaster, Key::FaultFirstPowerHelp, None, ControllerMode),
    button(Key::FaultFirstDisk, DiskLost, FirstMaster, Key::FaultFirstDiskHelp, None, ControllerMode),
    button(Key::FaultSlaveStop, SlaveDown, Slave, Key::FaultSlaveStopHelp, Some("S"), Always),
    button(Key::FaultSlaveStart, SlaveUp, Slave, Key::FaultSlaveStartHelp, Some("S"), Always),
    button(Key::FaultPartSlave, NetworkPartition, Slave, Key::FaultPartSlaveHelp, None, Always),
    button(Key::FaultSlave2Stop, SlaveDown, Slave2, Key::FaultSlave2StopHelp, None, TwoSlaves),
    button(Key::FaultSlave2Start, SlaveUp, Slave2, Key::FaultSlave2StartHelp, None, TwoSlaves),
    button(Key::FaultPartSlave2, NetworkPartition, Slave2, Key::FaultPartSlave2Help, None, TwoSlaves),
    button(Key::FaultCtlCrash, ProcessCrash, Controller, Key::FaultCtlCrashHelp, None, ControllerMode),
    button(Key::FaultCtlPart, NetworkPartition, Controller, Key::FaultCtlPartHelp, None, ControllerMode),
    button(Key::FaultPartProducer, NetworkPartition, Producer, Key::FaultPartProducerHelp, None, Always),
    button(Key::FaultConsumer, ConsumerCrash, Consumer, Key::FaultConsumerHelp, Some("X"), Always),
];

/// The buttons a scenario's panel shows: the controller's and broker 0's only in controller
/// mode, the second slave's only with two slaves.
fn buttons_for(sc: &rmq_sim::Scenario) -> impl Iterator<Item = &'static Button> + '_ {
    BUTTONS.iter().filter(move |b| match b.shown {
        Always => true,
        ControllerMode => sc.broker.enable_controller_mode,
        TwoSlaves => sc.slave_count() >= 2,
    })
}

/// The fault a button injects, lasting `secs` (a slave's stop and start last until the other).
fn fault_of(b: &Button, secs: Option<u64>) -> Fault {
    let dur = if matches!(b.kind, SlaveUp | SlaveDown) { None } else { secs.map(SimDuration::from_secs) };
    Fault { at: SimTime::ZERO, kind: b.kind, target: b.target, duration: dur, factor: 10 }
}

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
    let sc = &p.pb.run.timeline.scenario;
    // In controller mode the master's buttons hit whoever is master now: say which broker.
    let now_master = sc.broker.enable_controller_mode.then(|| tf(lang, Key::FaultNowMaster, &[&p.pb.live.borrow().master().broker_id]));
    let buttons = buttons_for(sc).map(|b| {
        let needs_slave = b.target == FaultTarget::Slave;
        let disabled = p.ended || (needs_slave && !p.has_slave);
        let fault = fault_of(b, *duration);
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
            None => match (&now_master, b.target) {
                (Some(now), Master) => format!("{} — {now}", t(lang, b.help)),
                _ => t(lang, b.help).to_string(),
            },
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

    /// The default preset with the master's power cut at 1 s for 30 s, then its process killed at
    /// 2 s (refused: it is not running), run to the end.
    fn two_master_faults() -> Sim {
        let mut sim = Sim::new(&presets::load("defaults").expect("preset"));
        sim.run_until(SimTime::from_ms(1_000));
        sim.inject(rmq_sim::Command::Inject(fault(FaultKind::PowerLoss, FaultTarget::Master, Some(30))));
        sim.run_until(SimTime::from_ms(2_000));
        sim.inject(rmq_sim::Command::Inject(fault(FaultKind::ProcessCrash, FaultTarget::Master, Some(30))));
        sim.run();
        sim
    }

    #[test]
    fn the_list_names_injected_faults_and_refused_ones_with_why() {
        let sim = two_master_faults();
        let list = faults_so_far(sim.events(), SimTime::from_ms(2_000), Lang::En);
        assert_eq!(list.len(), 2, "{list:?}");
        assert_eq!(list[0], ("1.000s Cut master power for 30.000s".to_string(), None));
        assert_eq!(list[1].0, "2.000s Kill master process");
        assert_eq!(list[1].1.as_deref(), Some("the master process is not running (down since 1.000s)"));
        assert_eq!(faults_so_far(sim.events(), SimTime::from_ms(1_500), Lang::En).len(), 1, "nothing after the playhead");
    }

    /// "Faults so far" speaks the page's language with the fault buttons' words, never the log's
    /// kinds ("PROCESS_CRASH master"), for every kind on every target it takes.
    #[test]
    fn the_list_says_each_fault_with_its_buttons_words_in_both_languages() {
        let sim = two_master_faults();
        let zh = faults_so_far(sim.events(), SimTime::from_ms(2_000), Lang::Zh);
        assert_eq!(zh[0].0, "1.000s 主节点断电 持续 30.000s");
        assert_eq!(zh[1].0, "2.000s 杀死主节点进程");
        for b in BUTTONS.iter().filter(|b| b.kind != DiskSlow) {
            for lang in [Lang::En, Lang::Zh] {
                assert_eq!(fault_words(lang, b.kind, b.target), t(lang, b.label));
            }
        }
        assert_eq!(fault_words(Lang::En, DiskSlow, Master), "Slow master disk");
        assert_eq!(fault_words(Lang::Zh, DiskSlow, Master), "主节点磁盘变慢");
        assert_eq!(fault_words(Lang::En, PowerLoss, Slave), "Cut slave power");
        assert_eq!(fault_words(Lang::Zh, PowerLoss, Slave), "从节点断电");
        for kind in [ProcessCrash, PowerLoss, DiskLost, DiskSlow, DiskStall, SlaveDown, SlaveUp, NetworkPartition, ConsumerCrash] {
            for &target in kind.targets() {
                for lang in [Lang::En, Lang::Zh] {
                    let words = fault_words(lang, kind, target);
                    assert!(!words.contains(kind.name()) && !words.contains('{'), "{lang:?} {kind:?} {target:?}: {words}");
                    assert!(words.contains(t(lang, target_key(target))) || BUTTONS.iter().any(|b| b.kind == kind && b.target == target));
                }
            }
        }
    }

    /// A refusal names the fault in the buttons' words too, never the log's kind ("POWER_LOSS
    /// does not apply to the consumer"), for every kind on every target it does not take.
    #[test]
    fn a_wrong_target_refusal_says_the_fault_in_the_buttons_words() {
        let all = [Master, Slave, Slave2, FirstMaster, Controller, Producer, Consumer];
        let why = FaultRefusal::WrongTarget { kind: PowerLoss, target: Consumer };
        assert_eq!(refusal_text(Lang::En, &why), "“Cut consumer power” is not a fault the consumer can take");
        assert_eq!(refusal_text(Lang::Zh, &why), "“消费者断电”：这种故障不能作用于消费者");
        for kind in [ProcessCrash, PowerLoss, DiskLost, DiskSlow, DiskStall, SlaveDown, SlaveUp, NetworkPartition, ConsumerCrash] {
            for target in all.into_iter().filter(|t| !kind.targets().contains(t)) {
                for lang in [Lang::En, Lang::Zh] {
                    let text = refusal_text(lang, &FaultRefusal::WrongTarget { kind, target });
                    assert!(!text.contains(kind.name()) && !text.contains('{'), "{lang:?} {kind:?} {target:?}: {text}");
                    assert!(text.contains(&fault_words(lang, kind, target)), "{text}");
                }
            }
        }
    }

    fn targets(sc: &rmq_sim::Scenario) -> Vec<(FaultKind, FaultTarget)> {
        buttons_for(sc).map(|b| (b.kind, b.target)).collect()
    }

    /// The controller's buttons and broker 0's ("the node that started as master") are in the
    /// panel only in controller mode; the second slave's only with two slaves.
    #[test]
    fn the_controller_first_master_and_slave2_buttons_show_only_where_they_apply() {
        let plain = presets::load("defaults").expect("preset");
        let one_slave = presets::load("v5-controller-failover-truncated").expect("preset");
        let three = presets::load("v5-controller-failover-all-ack").expect("preset");
        assert_eq!((one_slave.slave_count(), three.slave_count()), (1, 2));
        let mut two_slaves_plain = plain.clone();
        (two_slaves_plain.slave.enabled, two_slaves_plain.slave.count) = (true, 2);
        let has = |sc: &rmq_sim::Scenario, t: FaultTarget| targets(sc).iter().any(|(_, x)| *x == t);
        for (sc, ctl, s2) in [(&plain, false, false), (&one_slave, true, false), (&three, true, true), (&two_slaves_plain, false, true)] {
            assert_eq!(has(sc, Controller), ctl, "{}: controller buttons", sc.name);
            assert_eq!(has(sc, FirstMaster), ctl, "{}: first-master buttons", sc.name);
            assert_eq!(has(sc, Slave2), s2, "{}: second-slave buttons", sc.name);
            assert!(has(sc, Master) && has(sc, Slave) && has(sc, Consumer), "{}: the buttons every scenario has", sc.name);
        }
        let t = targets(&three);
        for want in [(ProcessCrash, Controller), (NetworkPartition, Controller), (ProcessCrash, FirstMaster), (PowerLoss, FirstMaster),
            (DiskLost, FirstMaster), (SlaveDown, Slave2), (SlaveUp, Slave2), (NetworkPartition, Slave2)] {
            assert!(t.contains(&want), "{want:?} in the three-replica controller panel");
        }
        // Every button names a target its kind takes; a fresh run accepts each of the buttons
        // that only some panels have (but starting a slave that runs); the keys stay on the
        // buttons every panel has.
        for sc in [&plain, &one_slave, &three, &two_slaves_plain] {
            let sim = Sim::new(sc);
            for b in buttons_for(sc) {
                assert!(b.kind.targets().contains(&b.target), "{:?} on {:?}", b.kind, b.target);
                assert!(b.key.is_none() || b.shown == Always, "a shortcut only on buttons every panel has");
                if b.shown == Always {
                    continue;
                }
                let got = sim.can_apply(&fault_of(b, Some(30)));
                if b.kind == SlaveUp {
                    assert!(matches!(got, Err(FaultRefusal::AlreadyRunning { .. })), "{}: {got:?}", sc.name);
                } else {
                    assert_eq!(got, Ok(()), "{}: {:?} {:?}", sc.name, b.kind, b.target);
                }
            }
        }
    }

    /// A controller crash is injected, listed, drawn down; a second one inside it is refused with
    /// the reason, in both languages; the second slave is named as such.
    #[test]
    fn a_controller_crash_is_listed_and_a_second_one_inside_it_refused() {
        let mut sim = Sim::new(&presets::load("v5-controller-failover-all-ack").expect("preset"));
        sim.run_until(SimTime::from_ms(1_000));
        sim.inject(rmq_sim::Command::Inject(fault(ProcessCrash, Controller, Some(30))));
        sim.run_until(SimTime::from_ms(2_000));
        assert!(!sim.controller().expect("controller mode").up, "the controller is down");
        let again = sim.can_apply(&fault(ProcessCrash, Controller, Some(10))).unwrap_err();
        assert_eq!(refusal_text(Lang::En, &again), "the same fault is already in force until 31.000s");
        assert_eq!(refusal_text(Lang::Zh, &again), "同样的故障已在生效，直到 31.000s");
        assert_eq!(sim.can_apply(&fault(NetworkPartition, Controller, None)), Ok(()), "a longer outage extends it");
        sim.inject(rmq_sim::Command::Inject(fault(SlaveDown, Slave2, None)));
        sim.run_until(SimTime::from_ms(3_000));
        let stopped = sim.can_apply(&fault(SlaveDown, Slave2, None)).unwrap_err();
        assert_eq!(refusal_text(Lang::En, &stopped), "the second slave process is not running (down since 2.000s)");
        assert_eq!(refusal_text(Lang::Zh, &stopped), "第二个从节点进程没有在运行（自 2.000s 起已停止）");
        sim.inject(rmq_sim::Command::Inject(fault(ProcessCrash, Controller, Some(5))));
        sim.run_until(SimTime::from_ms(4_000));
        let list = faults_so_far(sim.events(), SimTime::from_ms(4_000), Lang::En);
        let names: Vec<&str> = list.iter().map(|(what, _)| what.as_str()).collect();
        assert!(names.iter().any(|w| w.starts_with("3.000s Cut master power")), "the preset's own fault: {names:?}");
        assert!(names.contains(&"1.000s Crash controller for 30.000s"), "{names:?}");
        assert!(names.contains(&"2.000s Stop slave 2 for the rest of the run"), "{names:?}");
        let refused = list.iter().find(|(w, _)| w == "3.000s Crash controller").expect("the refused crash is listed");
        assert_eq!(refused.1.as_deref(), Some("the same fault is already in force until 31.000s"));
        let zh = faults_so_far(sim.events(), SimTime::from_ms(4_000), Lang::Zh);
        assert!(zh.iter().any(|(w, _)| w == "1.000s 控制器宕机 持续 30.000s"), "{zh:?}");
    }
}
