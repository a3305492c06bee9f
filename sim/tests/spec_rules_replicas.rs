//! A broker group of a master and two slaves (`[slave] count = 2`, issue 20 item 2): one rule per
//! test, from `shared/spec/rocketmq-5.md` §2 (quorum write counts the master and every HA
//! connection) and `rocketmq-semantics.md` §2 (4.x `SYNC_MASTER` waits for
//! `push2SlaveMaxOffset`, the furthest slave).

mod common;
use common::*;

use rmq_sim::event::{EventKind, NodeId};
use rmq_sim::scenario::{parse_scenario, FaultTarget};
use rmq_sim::{SendStatus, Sim, SimDuration};

/// A steady workload on a three-replica group; `broker` and `faults` are spliced in.
fn group(version: &str, broker: &str, faults: &str) -> rmq_sim::Scenario {
    scenario(&format!(
        r#"
        version = "{version}"
        until = "60s"
        [broker]
        {broker}
        [slave]
        enabled = true
        count = 2
        [producer]
        messages = 40
        interval = "50ms"
        {faults}
        "#
    ))
}

/// The master's answer to each first attempt, and how long after its append.
fn put_answers(sim: &Sim) -> Vec<(u32, SendStatus, SimDuration)> {
    let mut appended = std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for e in sim.events() {
        match &e.kind {
            EventKind::Appended { msg, topic: rmq_sim::event::Topic::Main, node: NodeId::Master, .. } => {
                appended.entry(msg.0).or_insert(e.at);
            }
            EventKind::PutAnswered { msg, attempt: 1, status, .. } => out.push((msg.0, *status, e.at.since(appended[&msg.0]))),
            _ => {}
        }
    }
    out
}

/// Each slave has its own HA connection and receives every message; the log names the second.
#[test]
fn two_slaves_each_replicate_over_their_own_connection() {
    let (sim, _) = run(&group("4.9.8", "", ""));
    assert_eq!(sim.slaves().len(), 2);
    let master = sim.master().store.written;
    for s in sim.slaves() {
        assert_eq!(s.store.written, master, "{} caught up", s.id.name());
    }
    let received = |slave: NodeId| {
        sim.events().iter().filter(|e| matches!(e.kind, EventKind::ReplicaReceived { slave: s, .. } if s == slave)).count()
    };
    assert!(received(NodeId::Slave) > 0 && received(NodeId::Slave2) > 0);
    let line = sim.events().iter().find(|e| matches!(e.kind, EventKind::ReplicaReceived { slave: NodeId::Slave2, .. })).unwrap();
    assert!(line.to_string().contains("slave2 appended up to offset="), "{line}");
    // The first slave's lines read as they did with one slave.
    let line = sim.events().iter().find(|e| matches!(e.kind, EventKind::ReplicaReceived { slave: NodeId::Slave, .. })).unwrap();
    assert!(line.to_string().contains(" slave appended up to offset="), "{line}");
}

/// §2: `inSyncReplicas = 2` of 3 counts the master plus one ack: either slave will do, so a
/// partitioned slave2 changes nothing (every put answered `PUT_OK` within milliseconds).
#[test]
fn v5_in_sync_replicas_2_of_3_is_met_by_either_slave() {
    let broker = "brokerRole = \"SYNC_MASTER\"\ntotalReplicas = 3\ninSyncReplicas = 2";
    for target in ["slave", "slave2"] {
        let fault = format!("[[fault]]\nat = \"0s\"\nkind = \"NETWORK_PARTITION\"\ntarget = \"{target}\"");
        let (sim, r) = run(&group("5.3.3", broker, &fault));
        let answers = put_answers(&sim);
        assert_eq!(answers.len(), 40, "{}", statuses(&r));
        for (msg, status, waited) in answers {
            assert_eq!(status, SendStatus::SendOk, "msg {msg} with {target} cut");
            assert!(waited < SimDuration::from_ms(50), "msg {msg} waited {waited} with {target} cut");
        }
    }
}

/// §2: `inSyncReplicas = 3` waits for both slaves. Healthy, the second ack (not above
/// `push2SlaveMaxOffset`, so it does not wake `GroupTransferService`) is seen at the next 1 ms
/// poll; with slave2 cut, every put waits `slaveTimeout` and gets `FLUSH_SLAVE_TIMEOUT`.
#[test]
fn v5_in_sync_replicas_3_of_3_waits_for_both_slaves() {
    let broker = "brokerRole = \"SYNC_MASTER\"\ntotalReplicas = 3\ninSyncReplicas = 3";
    let (sim, _) = run(&group("5.3.3", broker, ""));
    for (msg, status, waited) in put_answers(&sim) {
        assert_eq!(status, SendStatus::SendOk, "msg {msg}");
        assert!(waited <= SimDuration::from_ms(10), "msg {msg} waited {waited}");
    }
    let fault = "[[fault]]\nat = \"0s\"\nkind = \"NETWORK_PARTITION\"\ntarget = \"slave2\"";
    let (sim, _) = run(&group("5.3.3", broker, fault));
    let answers = put_answers(&sim);
    assert!(!answers.is_empty());
    for (msg, status, waited) in answers {
        assert_eq!(status, SendStatus::FlushSlaveTimeout, "msg {msg}");
        assert_eq!(waited, SimDuration::from_ms(3_000), "msg {msg}: slaveTimeout exactly");
    }
}

/// 4.x: `SYNC_MASTER` waits for `push2SlaveMaxOffset` (the furthest slave) and `isSlaveOK` needs
/// one connection: with slave 1 stopped, slave2 still answers every send `SEND_OK`.
#[test]
fn v4_sync_master_with_two_slaves_waits_for_the_furthest() {
    let fault = "[[fault]]\nat = \"500ms\"\nkind = \"SLAVE_DOWN\"\ntarget = \"slave\"";
    let (sim, r) = run(&group("4.9.8", "brokerRole = \"SYNC_MASTER\"", fault));
    let answers = put_answers(&sim);
    assert_eq!(answers.len(), 40);
    assert!(answers.iter().all(|(_, s, _)| *s == SendStatus::SendOk), "{}", statuses(&r));
    assert!(sim.slave().unwrap().store.written < sim.master().store.written, "slave 1 stopped early");
    assert_eq!(sim.slaves()[1].store.written, sim.master().store.written, "slave2 holds everything");
}

/// Fault targets: `slave2` hits the second slave only; `slave` the first only.
#[test]
fn a_fault_on_slave2_hits_only_the_second_slave() {
    let fault = "[[fault]]\nat = \"500ms\"\nkind = \"POWER_LOSS\"\ntarget = \"slave2\"\nduration = \"5s\"";
    let (sim, _) = run(&group("4.9.8", "", fault));
    let down: Vec<NodeId> =
        sim.events().iter().filter_map(|e| match e.kind { EventKind::BrokerDown { node, .. } => Some(node), _ => None }).collect();
    assert_eq!(down, vec![NodeId::Slave2]);
    let restarted = sim.events().iter().any(|e| matches!(e.kind, EventKind::BrokerRestarted { node: NodeId::Slave2, .. }));
    assert!(restarted);
    // Slave 1 never lost its connection; slave2's lingered until housekeeping, then it reconnected.
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::SlaveDisconnected { slave: NodeId::Slave, .. })));
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::SlaveConnected { slave: NodeId::Slave2, .. })));
    for s in sim.slaves() {
        assert_eq!(s.store.written, sim.master().store.written, "{} caught up by the end", s.id.name());
    }
}

/// Bad input: three slaves, no slave, a fault on a second slave the group lacks.
#[test]
fn slave_count_and_slave2_faults_are_checked() {
    for n in ["0", "3"] {
        let e = parse_scenario(&format!("[slave]\nenabled = true\ncount = {n}\n")).unwrap_err();
        assert_eq!(e.field, "slave.count");
        assert!(e.reason.contains("1 or 2 slaves"), "{}", e.reason);
    }
    let e = parse_scenario("[slave]\nenabled = true\n[[fault]]\nat = \"1s\"\nkind = \"POWER_LOSS\"\ntarget = \"slave2\"\n").unwrap_err();
    assert!(e.field.ends_with("target"), "{}", e.field);
    assert!(e.reason.contains("count = 2"), "{}", e.reason);
    // The default (one slave) writes no `count`; two slaves round-trip.
    let one = parse_scenario("[slave]\nenabled = true\n").unwrap();
    assert!(!rmq_sim::scenario::parse::scenario_to_toml(&one).contains("count"));
    let two = group("5.3.3", "", "");
    assert_eq!(two.slave.count, 2);
    assert_eq!(parse_scenario(&rmq_sim::scenario::parse::scenario_to_toml(&two)).unwrap(), two);
    assert!(rmq_sim::scenario::FaultKind::PowerLoss.targets().contains(&FaultTarget::Slave2));
}
