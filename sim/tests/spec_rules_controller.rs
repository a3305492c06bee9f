//! One test per rule of `shared/spec/rocketmq-5.md` §4 (controller mode, RIP-44) and §6 item 5,
//! as modelled in `sim/src/sim/controller.rs` and `sim/src/sim/replicas_manager.rs`.

mod common;
use common::*;

use rmq_sim::event::{EventKind, LossReason, NodeId};
use rmq_sim::ledger::Verdict;
use rmq_sim::scenario::parse_scenario;
use rmq_sim::{SendStatus, Sim, SimTime};

/// A controller-mode group (5.3.3, one slave) running `until`; `broker`, `slave`, `producer`
/// and `rest` (`[consumer]`, faults, `[controller]`) spliced in. The skeleton every test here
/// shares, so each test states only what its rule needs.
fn controller(until: &str, broker: &str, slave: &str, producer: &str, rest: &str) -> rmq_sim::Scenario {
    scenario(&format!(
        r#"
        version = "5.3.3"
        until = "{until}"
        [broker]
        enableControllerMode = true
        {broker}
        [slave]
        enabled = true
        {slave}
        [producer]
        {producer}
        {rest}
        "#
    ))
}

/// A controller-mode group under a steady 1 ms workload of 3000 messages (3 s); `broker`,
/// `slave`, `rest` (faults, `[controller]`) spliced in. The consumer starts at `consumer_at`.
fn group(broker: &str, slave: &str, consumer_at: &str, rest: &str) -> rmq_sim::Scenario {
    controller(
        "5m",
        broker,
        &format!("slaveReadEnable = true\n{slave}"),
        "messages = 3000\ninterval = \"1ms\"",
        &format!("[consumer]\nstartAt = \"{consumer_at}\"\n{rest}"),
    )
}

fn fault(at: &str, kind: &str, target: &str, duration: Option<&str>) -> String {
    let d = duration.map(|d| format!("duration = \"{d}\"\n")).unwrap_or_default();
    format!("[[fault]]\nat = \"{at}\"\nkind = \"{kind}\"\ntarget = \"{target}\"\n{d}")
}

fn elected(sim: &Sim) -> Vec<(SimTime, u32, u32, bool)> {
    sim.events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::MasterElected { broker, epoch, unclean, .. } => Some((e.at, broker, epoch, unclean)),
            _ => None,
        })
        .collect()
}

fn truncated_msgs(sim: &Sim) -> Vec<u32> {
    sim.events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CopyLost { msg, why: LossReason::TruncatedOnRejoin { .. }, .. } => Some(msg.0),
            _ => None,
        })
        .collect()
}

/// §4: a killed master process closes its channel: the controller elects at once; the slave
/// becomes master with epoch 2 and a SyncStateSet of itself.
#[test]
fn killed_master_is_replaced_at_once_with_epoch_plus_one() {
    let (sim, _) = run(&group("", "", "0s", &fault("2s", "PROCESS_CRASH", "master", Some("60s"))));
    let e = elected(&sim);
    assert_eq!(e.len(), 1, "{e:?}");
    let (at, broker, epoch, unclean) = e[0];
    assert!(at.since(SimTime::from_ms(2_000)) <= rmq_sim::SimDuration::from_ms(2), "at once: {at}");
    assert_eq!((broker, epoch, unclean), (1, 2, false));
    assert_eq!(sim.master().broker_id, 1, "broker 1 holds the master position");
    let c = sim.controller().unwrap();
    assert_eq!(c.epoch, 2);
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::RoleChanged { broker: 1, node: NodeId::Master, epoch: 2 })));
}

/// §4 (timing, confirmed in `DefaultBrokerHeartbeatManager`): a master that loses power is
/// declared inactive by the scan (every 5 s from 2 s) that first finds its last heartbeat (1 s
/// rhythm) older than `controllerHeartBeatTimeoutMills` (10 s): 10–15 s later.
#[test]
fn silent_master_is_replaced_after_heartbeat_timeout_and_scan() {
    let (sim, _) = run(&group("", "", "0s", &fault("2500ms", "POWER_LOSS", "master", Some("60s"))));
    // Last heartbeat at 2 s; older than 10 s after 12 s; scans at 2, 7, 12, 17 s → 17 s.
    assert_eq!(elected(&sim).first().map(|e| e.0), Some(SimTime::from_ms(17_000)));
    let faster = group("controllerHeartBeatTimeoutMills = 3000", "", "0s", &format!(
        "[controller]\nscanNotActiveBrokerInterval = 1000\n{}",
        fault("2500ms", "POWER_LOSS", "master", Some("60s"))
    ));
    let (sim, _) = run(&faster);
    // Last heartbeat 2 s; older than 3 s after 5 s; scans at 2, 3, 4, 5, 6 s → 6 s (5 s is not > 3 s).
    assert_eq!(elected(&sim).first().map(|e| e.0), Some(SimTime::from_ms(6_000)));
}

/// §4 (route timing): producers and consumers learn the new master only at their next 30 s
/// route poll; until then sends to the old master fail.
#[test]
fn clients_find_the_new_master_at_their_route_poll() {
    let sc = group("", "", "0s", &fault("2s", "PROCESS_CRASH", "master", Some("2m")));
    let sc = rmq_sim::Scenario { producer: rmq_sim::scenario::ProducerConfig { messages: 40_000, ..sc.producer.clone() }, ..sc };
    let (sim, _) = run(&sc);
    let route = first_at(&sim, |k| matches!(k, EventKind::RouteChanged { consumers_read_from: NodeId::Master }));
    assert_eq!(route, Some(SimTime::from_ms(30_000)));
    let mut ok_in_gap = 0;
    let mut ok_after = 0;
    for e in sim.events() {
        if let EventKind::PutAnswered { status: SendStatus::SendOk, .. } = e.kind {
            if e.at > SimTime::from_ms(2_010) && e.at < SimTime::from_ms(30_000) {
                ok_in_gap += 1;
            } else if e.at > SimTime::from_ms(30_000) {
                ok_after += 1;
            }
        }
    }
    assert_eq!(ok_in_gap, 0, "no send reaches the new master before the route poll");
    assert!(ok_after > 1_000, "the producer writes to the new master after it: {ok_after}");
}

/// §4: the election takes the live SyncStateSet member with the highest epoch, then the
/// largest max offset: slave2 got more data than slave 1 (whose link was cut) and wins.
#[test]
fn election_prefers_the_member_with_the_largest_offset() {
    let faults = format!("{}{}", fault("500ms", "NETWORK_PARTITION", "slave", Some("1m")), fault("2s", "PROCESS_CRASH", "master", Some("1m")));
    let (sim, _) = run(&group("", "count = 2", "0s", &faults));
    let e = elected(&sim);
    assert_eq!(e.first().map(|e| e.1), Some(2), "{e:?}");
    // Without the partition both hold the same: the lowest brokerId wins the tie.
    let (sim, _) = run(&group("", "count = 2", "0s", &fault("2s", "PROCESS_CRASH", "master", Some("1m"))));
    assert_eq!(elected(&sim).first().map(|e| e.1), Some(1));
}

/// §4: a slave not caught up (here: no connection) leaves the SyncStateSet at the master's next
/// 5 s check; then no election is possible outside the set (the group has no master), unless
/// `enableElectUncleanMaster`.
#[test]
fn no_election_outside_the_sync_state_set_unless_unclean() {
    let faults = format!("{}{}", fault("500ms", "SLAVE_DOWN", "slave", None), fault("10s", "PROCESS_CRASH", "master", Some("1m")));
    let faults = format!("{faults}{}", fault("6s", "SLAVE_UP", "slave", None).replace("duration", "#"));
    // The slave is stopped at 0.5 s, dropped from the set at the 3 s check, started at 6 s
    // (connects at 11 s: after the master died at 10 s).
    let (sim, _) = run(&group("", "", "0s", &faults));
    let shrunk = first_at(&sim, |k| matches!(k, EventKind::SyncStateSetChanged { how: "shrunk", .. }));
    assert_eq!(shrunk, Some(SimTime::from_ms(3_000)));
    let no_master = first_at(&sim, |k| matches!(k, EventKind::NoMasterElected { .. }));
    assert_eq!(no_master, Some(SimTime::from_ms(10_001)), "the slave is no member: no master");
    // The old master, a member, is elected again when it registers (`brokerElect`) at 70 s.
    assert_eq!(elected(&sim).iter().map(|e| (e.0, e.1, e.2)).collect::<Vec<_>>(), vec![(SimTime::from_ms(70_001), 0, 2)]);
    let unclean = format!("[controller]\nenableElectUncleanMaster = true\n{faults}");
    let (sim, _) = run(&group("", "", "0s", &unclean));
    let e = elected(&sim);
    assert_eq!(e.first().map(|e| (e.1, e.3)), Some((1, true)), "{e:?}");
}

/// §4, §6.5: `allAckInSyncStateSet = false`, `inSyncReplicas = 1`: the old master's
/// unreplicated tail is truncated when it rejoins as a slave: acknowledged and lost.
#[test]
fn rejoining_old_master_truncates_its_unreplicated_tail() {
    let (sim, r) = run(&group("", "", "10s", &fault("2s", "PROCESS_CRASH", "master", Some("60s"))));
    let cut = first_at(&sim, |k| matches!(k, EventKind::LogTruncated { broker: 0, .. }));
    assert_eq!(cut, Some(SimTime::from_ms(62_000)), "truncated when it comes back");
    let lost = truncated_msgs(&sim);
    assert!(!lost.is_empty());
    assert!(lost_after_ack(&sim) > 0, "{}", verdicts(&r));
    for m in sim.ledger().messages.iter().filter(|m| m.verdict == Some(Verdict::LostAfterAck)) {
        assert!(lost.contains(&m.id), "msg {} lost for another reason", m.id);
    }
}

/// §4, §6.5: with `allAckInSyncStateSet = true` every SEND_OK waited for the slave: the same
/// failover loses nothing acknowledged, and no consumer read a message that was later cut.
#[test]
fn all_ack_in_sync_state_set_keeps_every_acknowledged_message() {
    for kind in ["PROCESS_CRASH", "POWER_LOSS"] {
        let (sim, r) = run(&group("allAckInSyncStateSet = true", "", "0s", &fault("2s", kind, "master", Some("60s"))));
        assert_eq!(lost_after_ack(&sim), 0, "{kind}: {}", verdicts(&r));
        assert!(!elected(&sim).is_empty());
        let lost = truncated_msgs(&sim);
        let delivered: Vec<u32> = sim
            .events()
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::Delivered { msg, .. } => Some(msg.0),
                _ => None,
            })
            .collect();
        assert!(lost.iter().all(|m| !delivered.contains(m)), "{kind}: a consumer read a message later truncated");
    }
}

/// §4 (confirm offset): with `allAckInSyncStateSet` and two members, consumers read only up to
/// the least ack of the set: with the slave's link cut, nothing new is readable (and every put
/// waits `slaveTimeout`) until the master drops it from the set.
#[test]
fn consumers_read_only_up_to_the_confirm_offset() {
    let (sim, _) = run(&group("allAckInSyncStateSet = true", "", "0s", &fault("1s", "NETWORK_PARTITION", "slave", Some("2m"))));
    let shrunk = first_at(&sim, |k| matches!(k, EventKind::SyncStateSetChanged { how: "shrunk", .. })).expect("shrinks");
    // Not caught up for 15 s, seen at a 5 s check (3, 8, 13, 18 s): 18 s.
    assert_eq!(shrunk, SimTime::from_ms(18_000));
    let delivered_in_gap = sim.events().iter().filter(|e| {
        matches!(e.kind, EventKind::Delivered { .. }) && e.at > SimTime::from_ms(1_010) && e.at < shrunk
    });
    assert_eq!(delivered_in_gap.count(), 0, "nothing past the confirm offset is readable");
    let timeouts = sim.events().iter().filter(|e| matches!(e.kind, EventKind::PutAnswered { status: SendStatus::FlushSlaveTimeout, .. })).count();
    assert!(timeouts > 0);
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::Delivered { .. }) && e.at >= shrunk), "readable again once alone");
}

/// §4: a SyncStateSet smaller than `minInSyncReplicas` refuses every put
/// (`IN_SYNC_REPLICAS_NOT_ENOUGH`) before appending.
#[test]
fn sync_state_set_below_min_in_sync_replicas_refuses_puts() {
    let (sim, _) = run(&group("minInSyncReplicas = 2", "", "0s", &fault("500ms", "SLAVE_DOWN", "slave", None)));
    assert!(sim.in_sync_replicas_not_enough() > 0);
    let first = first_at(&sim, |k| matches!(k, EventKind::InSyncReplicasNotEnough { .. })).unwrap();
    assert!(first >= SimTime::from_ms(3_000), "only once the set shrank (3 s check): {first}");
}

/// §4: the controller is a node: lost together with the master, nobody is elected; back, it
/// re-elects at its first inactive-master scan (5 s).
#[test]
fn controller_down_with_the_master_elects_only_when_back() {
    let faults = format!("{}{}", fault("1s", "POWER_LOSS", "controller", Some("30s")), fault("2s", "POWER_LOSS", "master", None));
    let (sim, _) = run(&group("", "", "0s", &faults));
    assert!(first_at(&sim, |k| matches!(k, EventKind::ControllerBack)) == Some(SimTime::from_ms(31_000)));
    assert_eq!(elected(&sim).first().map(|e| (e.0, e.1)), Some((SimTime::from_ms(36_000), 1)));
}

/// Fault targets: `firstMaster` is broker 0 wherever it sits; `master` is whoever is master now.
#[test]
fn first_master_and_master_targets_follow_the_failover() {
    let faults = format!(
        "{}{}{}",
        fault("1s", "PROCESS_CRASH", "master", Some("10s")),
        fault("30s", "POWER_LOSS", "firstMaster", Some("5s")),
        fault("60s", "PROCESS_CRASH", "master", Some("5s"))
    );
    let (sim, _) = run(&group("", "", "0s", &faults));
    let downs: Vec<(SimTime, NodeId)> = sim
        .events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::BrokerDown { node, .. } => Some((e.at, node)),
            _ => None,
        })
        .collect();
    // 1 s: broker 0 as master; 30 s: broker 0, now the slave; 60 s: broker 1, the master now.
    assert_eq!(downs, vec![(SimTime::from_ms(1_000), NodeId::Master), (SimTime::from_ms(30_000), NodeId::Slave), (SimTime::from_ms(60_000), NodeId::Master)]);
    // The second kill elected broker 0 back (epoch 3).
    assert_eq!(elected(&sim).iter().map(|e| (e.1, e.2)).collect::<Vec<_>>(), vec![(1, 2), (0, 3)]);
}

/// Bad input: controller keys outside 5.3.3, a controller fault outside controller mode.
#[test]
fn controller_keys_and_targets_are_checked() {
    let e = parse_scenario("version = \"4.9.8\"\n[broker]\nenableControllerMode = true\n").unwrap_err();
    assert_eq!(e.field, "broker.enableControllerMode");
    assert!(e.reason.contains("5.3.3"), "{}", e.reason);
    let e = parse_scenario("[controller]\nenableElectUncleanMaster = true\n").unwrap_err();
    assert_eq!(e.field, "controller.enableElectUncleanMaster");
    assert!(e.reason.contains("4.9.8") && e.reason.contains("5.3.3"), "{}", e.reason);
    let e = parse_scenario("version = \"5.3.3\"\n[[fault]]\nat = \"1s\"\nkind = \"POWER_LOSS\"\ntarget = \"controller\"\n").unwrap_err();
    assert!(e.reason.contains("controller mode"), "{}", e.reason);
    let e = parse_scenario("version = \"5.3.3\"\n[controller]\nscanNotActiveBrokerInterval = 0\n").unwrap_err();
    assert_eq!(e.field, "controller.scanNotActiveBrokerInterval");
    // Round trip.
    let sc = group("allAckInSyncStateSet = true", "count = 2", "0s", "[controller]\nenableElectUncleanMaster = true\n");
    let text = rmq_sim::scenario::parse::scenario_to_toml(&sc);
    assert_eq!(parse_scenario(&text).unwrap(), sc);
}

/// §4 (confirm offset), as the lab draws it (`Sim::confirm_offset`): while a member of the set is
/// cut off, the confirm offset stays at its last ack, below what the master holds; once the
/// master is alone in the set it is the master's end again. No controller, no confirm offset.
#[test]
fn the_confirm_offset_lags_the_master_while_a_member_is_cut_off() {
    let sc = group("allAckInSyncStateSet = true", "", "0s", &fault("1s", "NETWORK_PARTITION", "slave", Some("2m")));
    let mut sim = Sim::new(&sc);
    sim.run_until(SimTime::from_ms(10_000));
    let confirm = sim.confirm_offset().expect("controller mode has a confirm offset");
    assert!(confirm > 0 && confirm < sim.master().store.written, "{confirm} vs {}", sim.master().store.written);
    sim.run_until(SimTime::from_ms(19_000));
    assert_eq!(sim.confirm_offset(), Some(sim.master().store.written), "alone in the set: the master's end");
    let plain = scenario("[slave]\nenabled = true\n[producer]\nmessages = 10\n");
    assert_eq!(Sim::new(&plain).confirm_offset(), None);
}

/// §4, issue 20 item 3 (the lab marks them): a message cut by a truncation carries that cause
/// itself. Its cause chain ends with `Loss(TruncatedOnRejoin)` naming the node, the time it
/// rejoined and the new epoch; the report's `cause` and both languages word it as a truncation.
#[test]
fn a_truncated_message_carries_its_truncation_as_its_cause() {
    use rmq_sim::ledger::CauseStep;
    use rmq_sim::text::Lang;
    let (sim, r) = run(&group("", "", "10s", &fault("2s", "PROCESS_CRASH", "master", Some("60s"))));
    let cut = truncated_msgs(&sim);
    assert!(!cut.is_empty());
    let rejoined = first_at(&sim, |k| matches!(k, EventKind::LogTruncated { broker: 0, .. })).unwrap();
    for id in &cut {
        let m = &sim.ledger().messages[*id as usize];
        if m.verdict != Some(Verdict::LostAfterAck) {
            continue;
        }
        let steps = &m.cause().expect("a lost message has a cause").0;
        let last = steps.last().expect("steps");
        let CauseStep::Loss(why @ LossReason::TruncatedOnRejoin { node, at, epoch }) = last else {
            panic!("msg {id}: the last step is the truncation, not {last:?}");
        };
        assert_eq!((*node, *at, *epoch), (NodeId::Slave, rejoined, 2), "msg {id}");
        assert!(matches!(steps[0], CauseStep::Answered { status: SendStatus::SendOk, .. }), "msg {id}: {steps:?}");
        let en = why.render(Lang::En);
        assert!(en.contains("truncated its log") && en.contains("epoch 2"), "{en}");
        let zh = why.render(Lang::Zh);
        assert!(zh.contains("截断") && zh.contains("epoch 2"), "{zh}");
        let reported = r.messages.iter().find(|x| x.id == *id).unwrap();
        assert!(reported.cause.as_deref().is_some_and(|c| c.contains("truncated its log to the last point they shared")), "{reported:?}");
    }
    assert!(cut.iter().any(|id| sim.ledger().messages[*id as usize].verdict == Some(Verdict::LostAfterAck)));
}

/// §4 (confirm offset, apache/rocketmq#6662), swarm seed 2419: with the controller away the
/// master cannot drop a member that stopped acknowledging, so the confirm offset stays where it
/// was and nothing written after it becomes readable; such a message names that cause
/// (`AboveConfirmOffset`), not "never reached".
#[test]
fn a_frozen_confirm_offset_is_named_as_the_cause() {
    use rmq_sim::ledger::CauseStep;
    let faults = format!("{}{}", fault("500ms", "POWER_LOSS", "controller", None), fault("1s", "SLAVE_DOWN", "slave", Some("1ms")));
    let (sim, r) = run(&group("allAckInSyncStateSet = true", "", "5s", &faults));
    let frozen: Vec<_> = sim
        .ledger()
        .messages
        .iter()
        .filter(|m| m.cause().is_some_and(|c| c.0.iter().any(|s| matches!(s, CauseStep::AboveConfirmOffset { .. }))))
        .collect();
    assert!(!frozen.is_empty(), "{}", verdicts(&r));
    assert!(sim.ledger().messages.iter().all(|m| !m.cause().is_some_and(|c| c.0.contains(&CauseStep::NeverReached))));
    let text = r.messages.iter().find(|m| m.id == frozen[0].id).and_then(|m| m.cause.clone()).unwrap();
    assert!(text.contains("beyond the confirm offset"), "{text}");
}

/// The master's power is cut at 1 s and it is back at 5 s, before the controller's scan finds
/// its heartbeat 10 s old; `allAckInSyncStateSet`, ASYNC_FLUSH, the consumer from 30 s.
fn back_before_the_controller_noticed() -> rmq_sim::Scenario {
    group("allAckInSyncStateSet = true", "", "30s", &fault("1s", "POWER_LOSS", "master", Some("4s")))
}

/// §4, read in 5.3.3 (`ReplicasInfoManager.registerBroker`, `ReplicasManager.changeToMaster`,
/// `AutoSwitchHAService.changeToMaster`): a master back before `controllerHeartBeatTimeoutMills`
/// is still the controller's master; it registers, stays master of the same epoch (no
/// election), and its `changeToMaster` — the full path, `masterBrokerId` is null in a new
/// process — removes the epoch's entry and appends it at its recovered end. The SyncStateSet
/// check it runs at once finds no slave connected: the set shrinks to the master.
#[test]
fn master_back_before_the_controller_noticed_stays_master_and_rewrites_its_epoch_start() {
    let (sim, _) = run(&back_before_the_controller_noticed());
    assert!(elected(&sim).is_empty(), "no election: {:?}", elected(&sim));
    let restarted = sim.events().iter().find(|e| matches!(e.kind, EventKind::BrokerRestarted { node: NodeId::Master, .. })).expect("restart");
    let EventKind::BrokerRestarted { recovered_to, .. } = restarted.kind else { unreachable!() };
    assert_eq!(restarted.at, SimTime::from_ms(5_000));
    assert!(recovered_to > 0, "some of the log was flushed");
    let rewritten = sim.events().iter().find(|e| matches!(e.kind, EventKind::EpochStartRewritten { .. })).expect("the epoch's start rewritten");
    assert_eq!(rewritten.at, restarted.at);
    assert!(matches!(rewritten.kind, EventKind::EpochStartRewritten { broker: 0, epoch: 1, from: 0, to } if to == recovered_to), "{rewritten}");
    let shrunk = sim.events().iter().find(|e| matches!(e.kind, EventKind::SyncStateSetChanged { .. })).expect("the set shrinks");
    assert_eq!(shrunk.at, restarted.at, "checkSyncStateSetAndDoReport runs at once: {shrunk}");
    assert!(matches!(&shrunk.kind, EventKind::SyncStateSetChanged { sync_state_set, epoch: 1, .. } if sync_state_set == "{0}"), "{shrunk}");
    let c = sim.controller().unwrap();
    assert_eq!((c.master, c.epoch, c.epoch_starts.clone()), (Some(0), 1, vec![(1, recovered_to)]));
}

/// §4 (`AutoSwitchHAClient.doTruncate`, `EpochFileCache.findConsistentPoint`): in the group's
/// first epoch the slave's entry `(1, 0)` and the master's rewritten `(1, recovered end)` start
/// at different offsets and no earlier epoch is shared: no consistent point (-1), the handshake
/// fails every time and the slave replicates nothing from this master. What the master lost and
/// only the slave kept is never read: acknowledged messages lost under `allAckInSyncStateSet`
/// with one failure — RocketMQ's behaviour, named as the cause. The log says nothing of 4.x:
/// controller mode has no "master restarted behind its slave".
#[test]
fn slave_of_a_master_back_in_its_first_epoch_finds_no_consistent_point() {
    use rmq_sim::text::Lang;
    let (sim, r) = run(&back_before_the_controller_noticed());
    let stuck = sim.events().iter().find(|e| matches!(e.kind, EventKind::NoConsistentPoint { .. })).expect("no consistent point");
    assert!(matches!(stuck.kind, EventKind::NoConsistentPoint { node: NodeId::Slave, broker: 1, epoch: 1 }), "{stuck}");
    assert!(sim.controller().unwrap().stuck.contains(&1));
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::LogTruncated { .. } | EventKind::SlaveConnected { .. } if e.at > stuck.at)));
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::MasterBehindSlave { .. })));
    assert!(!sim.events().iter().any(|e| e.to_string().contains("4.x")), "no 4.x wording in controller mode");
    let lost: Vec<u32> = sim
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CopyLost { msg, node: NodeId::Slave, why: LossReason::MasterRestartedInPlace { truncated: false, epoch: 1, .. }, .. } => Some(msg.0),
            _ => None,
        })
        .collect();
    assert!(!lost.is_empty(), "{}", verdicts(&r));
    assert!(lost.iter().any(|id| sim.ledger().messages[*id as usize].verdict == Some(Verdict::LostAfterAck)), "{}", verdicts(&r));
    for id in &lost {
        let m = &sim.ledger().messages[*id as usize];
        assert!(matches!(m.verdict, Some(Verdict::LostAfterAck | Verdict::LostUnacked)), "msg#{id}");
        let (_, why) = m.lost().last().unwrap();
        assert!(why.render(Lang::En).contains("found no consistent point"), "{}", why.render(Lang::En));
        assert!(why.render(Lang::Zh).contains("找不到与主节点一致的位置"), "{}", why.render(Lang::Zh));
    }
    let rewritten_to = sim.controller().unwrap().epoch_starts[0].1;
    assert!(sim.slaves()[0].store.written > rewritten_to, "the slave keeps its log, beyond the master's recovered end");
}

/// §4 (`findConsistentPoint` in a later epoch): broker 1 leads epoch 2 after a failover and
/// broker 0 follows it; broker 1 loses power and is back before the controller noticed, with
/// epoch 2 rewritten to start at its recovered end. Broker 0's entry for epoch 2 starts where
/// epoch 2 began: no match there, epoch 1 matches, and the consistent point is the lesser of the
/// two ends of epoch 1 — where epoch 2 began. Broker 0 cuts everything it held of epoch 2,
/// fetches back what the master kept, and what the master lost is gone (named as the cause).
#[test]
fn slave_of_a_master_back_in_a_later_epoch_truncates_to_the_epoch_before() {
    let sc = controller(
        "3m",
        "allAckInSyncStateSet = true",
        "",
        "messages = 600\ninterval = \"100ms\"",
        &format!("[consumer]\nstartAt = \"70s\"\n{}{}", fault("3s", "PROCESS_CRASH", "master", Some("10s")), fault("40s", "POWER_LOSS", "master", Some("4s"))),
    );
    let (sim, r) = run(&sc);
    let e = elected(&sim);
    assert_eq!(e.iter().map(|x| (x.1, x.2)).collect::<Vec<_>>(), vec![(1, 2)], "one failover only");
    let epoch2_start = sim.events().iter().find_map(|e| match e.kind {
        EventKind::MasterElected { offset, .. } => Some(offset),
        _ => None,
    });
    let rewritten = sim.events().iter().find(|e| matches!(e.kind, EventKind::EpochStartRewritten { .. })).expect("rewritten");
    let EventKind::EpochStartRewritten { broker: 1, epoch: 2, from, to } = rewritten.kind else { panic!("{rewritten}") };
    assert_eq!(Some(from), epoch2_start);
    assert!(to > from, "{rewritten}");
    let cut = sim.events().iter().find(|e| e.at > rewritten.at && matches!(e.kind, EventKind::LogTruncated { .. })).expect("the slave truncates");
    assert!(matches!(cut.kind, EventKind::LogTruncated { node: NodeId::Slave, broker: 0, to, epoch: 2, .. } if to == from), "{cut}");
    let lost: Vec<u32> = sim
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CopyLost { msg, why: LossReason::MasterRestartedInPlace { truncated: true, epoch: 2, .. }, .. } => Some(msg.0),
            _ => None,
        })
        .collect();
    assert!(!lost.is_empty(), "{}", verdicts(&r));
    assert!(lost.iter().all(|id| sim.ledger().messages[*id as usize].verdict == Some(Verdict::LostAfterAck)));
    assert!(!sim.controller().unwrap().stuck.contains(&0), "a consistent point was found");
    assert_eq!(sim.slaves()[0].store.written, sim.master().store.written, "the slave caught up again");
}

/// §4 (`checkSyncStateSetAndDoReport` every 5 s; `alterSyncStateSet` needs the controller):
/// with the controller away the master cannot drop the slave that stopped, the confirm offset
/// stays where it was (#6662) and the message sent after the stop waits above it. When the
/// controller is back, the next check drops the slave and the message is read — the run does
/// not end while that check is pending (swarm seed 8126 of the 20,000-case run ended quiet
/// the moment the controller came back, the message LOST_AFTER_ACK with no loss recorded).
#[test]
fn a_pending_sync_state_set_shrink_keeps_the_run_alive() {
    let sc = controller(
        "1h",
        "allAckInSyncStateSet = true",
        "",
        "messages = 43\ninterval = \"1s\"",
        &format!("{}{}", fault("37709ms", "NETWORK_PARTITION", "controller", Some("20s")), fault("41691ms", "SLAVE_DOWN", "slave", None)),
    );
    let (sim, r) = run(&sc);
    let back = first_at(&sim, |k| matches!(k, EventKind::ControllerBack)).expect("the controller is back");
    let shrunk = first_at(&sim, |k| matches!(k, EventKind::SyncStateSetChanged { how: "shrunk", .. })).expect("the set shrinks");
    assert!(shrunk > back && shrunk <= back + rmq_sim::SimDuration::from_ms(5_000), "the next 5 s check after {back}: {shrunk}");
    let m = &sim.ledger().messages[42];
    assert_eq!(m.verdict, Some(Verdict::Delivered), "{}", verdicts(&r));
}
