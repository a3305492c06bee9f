//! One test per rule of `shared/spec/rocketmq-5.md` §1–§3 and §6 items 1–4: what RocketMQ 4.7.0
//! and 5.3.3 do differently from 4.9.8 (`sim/src/rocketmq_version.rs` holds the table). Each
//! runs the same scenario under the versions it compares.

mod common;
use common::*;

use rmq_sim::event::{EventKind, SendError};
use rmq_sim::ledger::{Answer, Verdict};
use rmq_sim::{SendStatus, Sim, SimDuration, SimTime};

/// The master's answer to each message's first attempt, and how long after its append.
fn put_answers(sim: &Sim) -> Vec<(u32, SendStatus, SimDuration)> {
    let mut appended = std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for e in sim.events() {
        match &e.kind {
            EventKind::Appended { msg, topic: rmq_sim::event::Topic::Main, .. } => {
                appended.entry(msg.0).or_insert(e.at);
            }
            EventKind::PutAnswered { msg, attempt: 1, status, .. } => {
                out.push((msg.0, *status, e.at.since(appended[&msg.0])));
            }
            _ => {}
        }
    }
    out
}

/// §2, §6.1: on 5.3.3 `SYNC_MASTER` at the default `inSyncReplicas = 1` does not wait for the
/// slave: the SEND_OK messages of the last ~100 ms before a master disk loss are lost, as under
/// ASYNC_MASTER; the same run on 4.9.8 loses none.
#[test]
fn v5_sync_master_at_default_in_sync_replicas_loses_acknowledged_messages() {
    let (sim, r) = run(&master_disk_lost_at_2s("5.3.3", "brokerRole = \"SYNC_MASTER\"", "slaveReadEnable = true"));
    let lost = lost_after_ack(&sim);
    assert!((20..=110).contains(&lost), "tens of SEND_OK messages lost on 5.3.3: {}", verdicts(&r));
    for m in sim.ledger().messages.iter().filter(|m| m.verdict == Some(Verdict::LostAfterAck)) {
        assert_eq!(m.send_status_name(), "SEND_OK");
        assert!(m.appended_at().unwrap() >= SimTime::from_ms(1_890), "only the last ~100 ms");
    }
    // SEND_OK at master-only latency: every answer within the append's own instant.
    assert!(put_answers(&sim).iter().all(|&(_, s, d)| s == SendStatus::SendOk && d == SimDuration::ZERO));
    let (sim, r) = run(&master_disk_lost_at_2s("4.9.8", "brokerRole = \"SYNC_MASTER\"", "slaveReadEnable = true"));
    assert_eq!(lost_after_ack(&sim), 0, "4.9.8 keeps them: {}", verdicts(&r));
}

/// §2: at `needAckNums` ≤ 1 the put wakes no push thread, so the pushes come in the 100 ms
/// idle steps of ASYNC_MASTER.
#[test]
fn v5_sync_master_at_default_in_sync_replicas_wakes_no_push_thread() {
    let steps = |version: &str| {
        let (sim, _) = run(&master_disk_lost_at_2s(version, "brokerRole = \"SYNC_MASTER\"", "slaveReadEnable = true"));
        let pushes: Vec<SimTime> = sim.events().iter().filter(|e| matches!(e.kind, EventKind::ReplicaSent { .. })).map(|e| e.at).collect();
        pushes.windows(2).filter(|w| w[1].since(w[0]) > SimDuration::from_ms(5)).count() + 1
    };
    assert!((18..=21).contains(&steps("5.3.3")), "one step per 100 ms: {}", steps("5.3.3"));
    assert_eq!(steps("4.9.8"), 1, "4.9.8 wakes the push thread at each put: no 100 ms gap");
}

/// §2, §6.1: with `totalReplicas = inSyncReplicas = 2` 5.3.3 waits for the slave again and
/// loses none.
#[test]
fn v5_in_sync_replicas_2_loses_no_acknowledged_message() {
    let (sim, r) = run(&master_disk_lost_at_2s("5.3.3", "brokerRole = \"SYNC_MASTER\"\ntotalReplicas = 2\ninSyncReplicas = 2", "slaveReadEnable = true"));
    assert_eq!(lost_after_ack(&sim), 0, "{}", verdicts(&r));
    assert!(r.summary.verdicts["DELIVERED"] > 1_000, "{}", verdicts(&r));
}

/// §2 last bullet, §6.1: a 5.x slave refuses every pull at the default `slaveReadEnable =
/// false`, so while the master is down nothing unconsumed is delivered, whatever the
/// replication setting; 4.9.8's slave serves them.
#[test]
fn v5_slave_refuses_pulls_unless_slave_read_enable() {
    let (sim, r) = run(&master_disk_lost_at_2s("5.3.3", "brokerRole = \"SYNC_MASTER\"\ntotalReplicas = 2\ninSyncReplicas = 2", ""));
    assert_eq!(count(&sim, |k| matches!(k, EventKind::Delivered { .. })), 0, "{}", verdicts(&r));
    assert!(count(&sim, |k| matches!(k, EventKind::PullRejected { .. })) > 100);
    assert_eq!(r.summary.verdicts["DELIVERED"], 0);
    let (sim, _) = run(&master_disk_lost_at_2s("4.9.8", "brokerRole = \"SYNC_MASTER\"", ""));
    assert_eq!(count(&sim, |k| matches!(k, EventKind::PullRejected { .. })), 0);
    assert!(count(&sim, |k| matches!(k, EventKind::Delivered { .. })) > 1_000, "4.9.8's slave serves pulls");
}

/// A SYNC_MASTER whose slave is stopped at 1 s; 20 sends from 2 s, every 100 ms.
fn slave_down(version: &str, broker: &str) -> rmq_sim::Scenario {
    scenario(&format!(
        r#"
        version = "{version}"
        until = "1m"
        [broker]
        brokerRole = "SYNC_MASTER"
        {broker}
        [slave]
        enabled = true
        [producer]
        messages = 40
        interval = "100ms"
        sendMsgTimeout = 10000
        [[fault]]
        at = "1s"
        kind = "SLAVE_DOWN"
        target = "slave"
        "#
    ))
}

/// §2, §6.2: 5.3.3 with `inSyncReplicas = 2` and the slave down: every send waits exactly
/// `slaveTimeout` (3 s) and gets FLUSH_SLAVE_TIMEOUT, never SLAVE_NOT_AVAILABLE; 4.9.8 answers
/// SLAVE_NOT_AVAILABLE at once.
#[test]
fn v5_in_sync_replicas_2_with_the_slave_down_waits_slave_timeout_every_send() {
    let (sim, _) = run(&slave_down("5.3.3", "totalReplicas = 2\ninSyncReplicas = 2"));
    let after: Vec<_> = put_answers(&sim).into_iter().filter(|&(m, _, _)| m >= 11).collect();
    assert_eq!(after.len(), 29);
    for (m, status, waited) in after {
        assert_eq!((status, waited), (SendStatus::FlushSlaveTimeout, SimDuration::from_secs(3)), "message {m}");
    }
    let (sim, _) = run(&slave_down("4.9.8", ""));
    for (m, status, waited) in put_answers(&sim).into_iter().filter(|&(m, _, _)| m >= 11) {
        assert_eq!((status, waited), (SendStatus::SlaveNotAvailable, SimDuration::ZERO), "message {m}");
    }
}

/// §2: at the client's default `sendMsgTimeout` (3 s) the client times out first: an exception
/// for a message that was stored.
#[test]
fn v5_in_sync_replicas_2_slave_down_client_times_out_first_at_defaults() {
    let mut sc = slave_down("5.3.3", "totalReplicas = 2\ninSyncReplicas = 2");
    sc.producer.send_msg_timeout = SimDuration::from_secs(3);
    let (sim, _) = run(&sc);
    let m = &sim.ledger().messages[20];
    assert!(matches!(m.answer, Some((_, Answer::Exception(_)))), "{:?}", m.answer);
    assert!(m.appended_at().is_some(), "stored all the same");
    assert!(put_answers(&sim).iter().all(|&(_, s, _)| s != SendStatus::SlaveNotAvailable));
}

/// §3, §6.3: slave-acting master with automatic degradation (`totalReplicas = 2`,
/// `inSyncReplicas = 2`, `minInSyncReplicas = 1`, `enableAutoInSyncReplicas`): with the slave
/// down the put needs only the master: SEND_OK at master-only latency. While the slave is up it
/// waits for it.
#[test]
fn v5_acting_master_with_auto_in_sync_replicas_degrades_to_master_only() {
    let (sim, _) = run(&slave_down(
        "5.3.3",
        "totalReplicas = 2\ninSyncReplicas = 2\nminInSyncReplicas = 1\nenableAutoInSyncReplicas = true\nenableSlaveActingMaster = true",
    ));
    let answers = put_answers(&sim);
    for &(m, status, waited) in &answers {
        assert_eq!(status, SendStatus::SendOk, "message {m}");
        if m >= 10 {
            assert_eq!(waited, SimDuration::ZERO, "master-only after the slave stopped: message {m}");
        } else {
            assert!(waited > SimDuration::ZERO, "waits for the slave while it is up: message {m}");
        }
    }
}

/// §3: without automatic degradation the acting-master put refuses at once with
/// IN_SYNC_REPLICAS_NOT_ENOUGH before appending (answered SYSTEM_ERROR), which the SYNC remoting
/// producer retries: three attempts, nothing stored, `Send [N] times, still failed`.
#[test]
fn v5_acting_master_without_degradation_refuses_with_system_error_before_appending() {
    let (sim, r) = run(&slave_down("5.3.3", "totalReplicas = 2\ninSyncReplicas = 2\nenableSlaveActingMaster = true"));
    let m = &sim.ledger().messages[20];
    assert_eq!(m.attempts.len(), 3, "retried: code 1 is in retryResponseCodes");
    assert_eq!(m.answer.map(|(_, a)| a), Some(Answer::Exception(SendError::RetriesExhausted)));
    assert!(m.appended_at().is_none(), "nothing stored");
    // Messages 10..40 (the slave stopped at 1 s, as message 10 left), three attempts each.
    assert_eq!(count(&sim, |k| matches!(k, EventKind::InSyncReplicasNotEnough { in_sync: 1, need_ack_nums: 2, .. })), 30 * 3);
    assert_eq!(r.in_sync_replicas_not_enough, 30 * 3);
    assert!(r.to_json().contains("\"inSyncReplicasNotEnough\": 90"), "{}", r.to_json());
}

/// A SYNC_MASTER whose slave link is partitioned from 1 s to `heal`; ten sends from 2 s.
fn stalled_slave(version: &str, heal: &str) -> rmq_sim::Scenario {
    scenario(&format!(
        r#"
        version = "{version}"
        until = "2m"
        [broker]
        brokerRole = "SYNC_MASTER"
        [slave]
        enabled = true
        [producer]
        messages = 30
        interval = "100ms"
        sendMsgTimeout = 60000
        [[fault]]
        at = "1950ms"
        kind = "NETWORK_PARTITION"
        target = "slave"
        duration = "{heal}"
        "#
    ))
}

/// §1, §6.4: 4.7.0 waits `syncFlushTimeout` (5 s) for the slave, from when GroupTransferService
/// starts on the request, one request after the other: the first pending send times out ~5 s
/// after its put, the next 5 s later; 4.9.8 times every one out 3 s (up to +1 s) after its own put.
#[test]
fn v470_slave_wait_is_sync_flush_timeout_one_request_after_the_other() {
    let (sim, _) = run(&stalled_slave("4.7.0", "60s"));
    let waits: Vec<_> = put_answers(&sim).into_iter().filter(|&(m, _, _)| m >= 20).collect();
    assert_eq!(waits[0].1, SendStatus::FlushSlaveTimeout);
    assert_eq!(waits[0].2, SimDuration::from_secs(5), "the first: syncFlushTimeout");
    assert_eq!(waits[1].2, SimDuration::from_ms(9_900), "the second starts when the first ends");
    assert_eq!(waits[2].2, SimDuration::from_ms(14_800));
    let (sim, _) = run(&stalled_slave("4.9.8", "60s"));
    for (m, status, waited) in put_answers(&sim).into_iter().filter(|&(m, _, _)| m >= 20) {
        assert_eq!(status, SendStatus::FlushSlaveTimeout);
        assert!(waited >= SimDuration::from_secs(3) && waited <= SimDuration::from_secs(4), "message {m}: {waited}");
    }
}

/// §1: 4.7.0's `wakeupCustomer` reports a slave ack that came later than `syncFlushTimeout`
/// after the put as FLUSH_SLAVE_TIMEOUT, though the slave has the message.
#[test]
fn v470_late_replica_success_is_flush_slave_timeout() {
    let (sim, _) = run(&stalled_slave("4.7.0", "6s"));
    let answers = put_answers(&sim);
    // Message 21 (put at 2.1 s) waits behind message 20 (timed out at 7 s); the link heals at
    // 7.95 s, the slave acks it then: reached, but 5.85 s after its put.
    let (_, status, waited) = answers.iter().find(|a| a.0 == 21).copied().unwrap();
    assert_eq!(status, SendStatus::FlushSlaveTimeout);
    assert!(waited > SimDuration::from_secs(5) && waited < SimDuration::from_secs(7), "{waited}");
    assert!(sim.slave().unwrap().store.records.iter().any(|r| r.msg.0 == 21), "the slave has it");
}

/// §1 (4.7.0 source): no `FlushDiskWatcher`: a SYNC_FLUSH send with a stalled disk waits for
/// its flush however long, and a flush later than `syncFlushTimeout` answers FLUSH_DISK_TIMEOUT
/// when it ends; 4.9.8 answers FLUSH_DISK_TIMEOUT at `syncFlushTimeout`.
#[test]
fn v470_has_no_flush_disk_watcher() {
    let run_with = |version: &str| {
        let sc = scenario(&format!(
            r#"
            version = "{version}"
            until = "1m"
            [broker]
            flushDiskType = "SYNC_FLUSH"
            [producer]
            messages = 1
            sendMsgTimeout = 60000
            [[fault]]
            at = "0s"
            kind = "DISK_STALL"
            target = "master"
            duration = "8s"
            "#
        ));
        let (sim, _) = run(&sc);
        put_answers(&sim)[0]
    };
    assert_eq!(run_with("4.9.8"), (0, SendStatus::FlushDiskTimeout, SimDuration::from_secs(5)));
    let (_, status, waited) = run_with("4.7.0");
    assert_eq!(status, SendStatus::FlushDiskTimeout);
    assert!(waited >= SimDuration::from_secs(8), "answered when the stalled flush ended: {waited}");
}

/// §1: before 4.9.2 `%DLQ%` is write-only: a DLQ consumer reads nothing, so a dead-lettered
/// message is never compensated.
#[test]
fn v470_dlq_is_not_readable() {
    let run_with = |version: &str| {
        let sc = scenario(&format!(
            r#"
            version = "{version}"
            [producer]
            messages = 3
            [consumer]
            maxReconsumeTimes = 0
            failMessages = [1]
            dlqConsumer = true
            "#
        ));
        let (sim, _) = run(&sc);
        count(&sim, |k| matches!(k, EventKind::Compensated { .. }))
    };
    assert_eq!(run_with("4.9.8"), 1);
    assert_eq!(run_with("4.7.0"), 0);
}

/// The version switch itself changes no 4.9.8 run, and a run on another version says which.
#[test]
fn a_run_on_another_version_logs_it_first() {
    let mut sc = preset("defaults");
    sc.version = rmq_sim::RocketMqVersion::V5_3_3;
    let (sim, r) = run(&sc);
    assert!(matches!(sim.events()[0].kind, EventKind::VersionSelected { version: rmq_sim::RocketMqVersion::V5_3_3 }));
    assert!(r.to_json().contains("\"version\": \"5.3.3\""));
    let (sim, r) = run(&preset("defaults"));
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::VersionSelected { .. })));
    assert!(r.to_json().contains("\"version\": \"4.9.8\""));
}

/// §2 (5.3.0+, apache/rocketmq#8239): with SYNC_FLUSH the consume queue is dispatched only up
/// to the flushed offset: while the disk stalls a consumer reads nothing, where 4.9.8 hands it
/// the unflushed messages.
#[test]
fn v5_sync_flush_dispatches_only_flushed_messages() {
    let first_delivery = |version: &str| {
        let sc = scenario(&format!(
            r#"
            version = "{version}"
            until = "1m"
            [broker]
            flushDiskType = "SYNC_FLUSH"
            [producer]
            messages = 10
            interval = "100ms"
            sendMsgTimeout = 10000
            [[fault]]
            at = "500ms"
            kind = "DISK_STALL"
            target = "master"
            duration = "4s"
            "#
        ));
        let (sim, r) = run(&sc);
        assert_eq!(r.summary.verdicts["DELIVERED"], 10, "{version}: {}", verdicts(&r));
        let stalled: Vec<SimTime> = sim
            .events()
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Delivered { msg, .. } if msg.0 >= 5))
            .map(|e| e.at)
            .collect();
        stalled[0]
    };
    assert!(first_delivery("4.9.8") < SimTime::from_ms(1_000), "4.9.8 reads unflushed messages");
    assert!(first_delivery("5.3.3") >= SimTime::from_ms(4_500), "5.3.3 waits for the flush");
}

/// 5.3.3's `sendMessageBack` throws at once when the route has no master address
/// (`UtilAll.isBlank(brokerAddr)`: "master node does not exist"), where 4.x sends the RPC to a
/// null address and waits its 5 s timeout; the fallback finds no route either way. So a failing
/// message read from the slave is consumed again every 5 s (plus the consume time), not every 10 s.
#[test]
fn send_back_without_master_fails_at_once_in_5x() {
    let toml = r#"
        version = "5.3.3"
        until = "10m"
        [slave]
        enabled = true
        slaveReadEnable = true
        [producer]
        messages = 2
        interval = "100ms"
        [consumer]
        failPercent = 100
        startAt = "3m"
        [[fault]]
        at = "3s"
        kind = "DISK_LOST"
        target = "master"
    "#;
    let (sim, _) = run(&rmq_sim::scenario::parse_scenario(toml).unwrap());
    let changed = sim.events().iter().find(|e| matches!(e.kind, EventKind::RouteChanged { .. })).expect("the route moves to the slave").at;
    let after: Vec<SimTime> = sim.ledger().messages[0].deliveries.iter().map(|d| d.at).filter(|&t| t > changed).collect();
    assert!(after.len() > 10, "{after:?}");
    let consume = rmq_sim::Scenario::default().consumer.consume_time;
    for w in after.windows(2) {
        assert_eq!(w[1].since(w[0]), SimDuration::from_ms(5_000) + consume, "no 5 s RPC wait, then 5 s submitConsumeRequestLater");
    }
}
