//! One test per rule of the spec (`shared/spec/rocketmq-semantics.md` §6 and the client spec),
//! named after it. Scenarios are written as TOML so they read like the files users write.

mod common;
use common::*;

use rmq_sim::event::{EventKind, FlowControl, SendError};
use rmq_sim::ledger::{Answer, Verdict};
use rmq_sim::{SendStatus, Sim, SimDuration, SimTime};

fn answered_at(sim: &Sim, msg: u32) -> Option<(SimTime, Answer)> {
    sim.ledger().messages[msg as usize].answer
}

fn ms(t: SimTime) -> u64 {
    t.as_ms()
}

/// §6.1
#[test]
fn defaults_every_send_ok_and_delivered_once() {
    let (_, r) = run(&preset("defaults"));
    assert_eq!(statuses(&r), "SEND_OK=100");
    assert_eq!(verdicts(&r), "DELIVERED=100");
}

/// §6.2
#[test]
fn sync_master_without_slave_answers_slave_not_available() {
    let (_, r) = run(&preset("slave-not-available"));
    assert_eq!(statuses(&r), "SLAVE_NOT_AVAILABLE=100");
    assert_eq!(verdicts(&r), "DELIVERED=100");
}

/// §6.3, clean stop: the connection closes, so the next send is answered at once.
#[test]
fn slave_clean_stop_gives_slave_not_available_at_once() {
    let (sim, r) = run(&preset("slave-stopped"));
    assert_eq!(statuses(&r), "SEND_OK=100 SLAVE_NOT_AVAILABLE=100");
    for m in &sim.ledger().messages[100..] {
        let (at, answer) = m.answer.unwrap();
        assert_eq!(answer, Answer::Status(SendStatus::SlaveNotAvailable));
        assert!(at.since(m.attempts[0].sent_at) <= SimDuration::from_ms(2), "answered in one round trip");
    }
}

/// §6.3, silent loss: sends wait (and the client times out) until `haHousekeepingInterval`.
#[test]
fn slave_silent_loss_is_noticed_after_housekeeping() {
    let sc = scenario(
        r#"
        until = "2m"
        [broker]
        brokerRole = "SYNC_MASTER"
        [slave]
        enabled = true
        [producer]
        messages = 40
        interval = "1s"
        [[fault]]
        at = "5500ms"
        kind = "POWER_LOSS"
        target = "slave"
        "#,
    );
    let (sim, _) = run(&sc);
    let disconnect = sim
        .events()
        .iter()
        .find(|e| matches!(e.kind, EventKind::SlaveDisconnected { .. }))
        .expect("the master drops the silent slave");
    // Last report at 5.003010 s (msg 5's batch: 1 ms each way plus 10 µs for its 1188 bytes on a 1 Gbit
    // link), dropped 20 s later.
    assert_eq!(disconnect.at, SimTime::from_ms(25_003) + SimDuration::from_us(10));
    for id in 6..=22 {
        let (_, a) = answered_at(&sim, id).unwrap();
        assert!(matches!(a, Answer::Exception(_)), "msg {id} waits for the slave and times out: {a:?}");
    }
    for id in 26..40 {
        assert_eq!(answered_at(&sim, id).unwrap().1, Answer::Status(SendStatus::SlaveNotAvailable), "msg {id}");
    }
}

/// §6.4: the broker answers FLUSH_SLAVE_TIMEOUT `slaveTimeout` after the append…
#[test]
fn slave_link_stall_answers_flush_slave_timeout_after_slave_timeout() {
    let (sim, r) = run(&preset("flush-slave-timeout"));
    assert_eq!(statuses(&r), "FLUSH_SLAVE_TIMEOUT=100 SEND_OK=100");
    assert_eq!(verdicts(&r), "DELIVERED=200");
    let m = &sim.ledger().messages[150];
    let (at, a) = m.answer.unwrap();
    assert_eq!(a, Answer::Status(SendStatus::FlushSlaveTimeout));
    // sent at t, appended at t+1ms, answered when GroupTransferService wakes after
    // append+3000ms (it re-checks every 1 s, §2b), received 1 ms later.
    let took = at.since(m.attempts[0].sent_at);
    assert!(took >= SimDuration::from_ms(3_002) && took <= SimDuration::from_ms(4_002), "{took}");
}

/// §6.4: …but with the default `sendMsgTimeout` the client's clock runs out first.
#[test]
fn slave_link_stall_with_default_client_timeout_throws() {
    let (sim, r) = run(&preset("flush-slave-client-timeout"));
    assert_eq!(statuses(&r), "EXCEPTION=100 SEND_OK=100");
    // Stored and consumed; the failFast retries (see below) store most of them again.
    assert_eq!(verdicts(&r), "DELIVERED=101 DUPLICATED=99");
    assert!(sim.events().iter().any(|e| matches!(
        e.kind,
        EventKind::LateResponseDropped { status: SendStatus::FlushSlaveTimeout, .. }
    )));
}

/// §6.5
#[test]
fn sync_flush_disk_stall_answers_flush_disk_timeout_at_sync_flush_timeout() {
    let (sim, r) = run(&preset("flush-disk-timeout"));
    assert_eq!(statuses(&r), "FLUSH_DISK_TIMEOUT=100 SEND_OK=100");
    assert_eq!(verdicts(&r), "DELIVERED=200");
    let m = &sim.ledger().messages[150];
    assert_eq!(m.answer.unwrap().0.since(m.attempts[0].sent_at), SimDuration::from_ms(5_002));
}

/// §6.6, and #8239: consumers read from the page cache before the flush.
#[test]
fn sync_flush_stall_client_times_out_yet_message_is_delivered() {
    let (sim, r) = run(&preset("flush-disk-client-timeout"));
    assert_eq!(statuses(&r), "EXCEPTION=100 SEND_OK=100");
    assert_eq!(r.summary.verdicts["LOST_UNACKED"] + r.summary.verdicts["LOST_AFTER_ACK"], 0);
    let m = &sim.ledger().messages[150];
    let delivered = m.deliveries[0].at;
    assert!(delivered < m.master_flushed_at().unwrap(), "consumed before it was on disk");
}

/// Client §5: a SYNC timeout closes the connection and fails every other request in flight on
/// it; those sends retry at once while their budget lasts, storing the message again.
#[test]
fn sync_timeout_fails_fast_other_requests_on_the_connection() {
    let (sim, _) = run(&preset("flush-slave-client-timeout"));
    let first_timeout = sim
        .events()
        .iter()
        .find(|e| matches!(e.kind, EventKind::AttemptFailed { error: SendError::Timeout, .. }))
        .unwrap();
    assert_eq!(first_timeout.at, SimTime::from_ms(4_000), "msg 100, sent at 1.000s, times out first");
    let m = &sim.ledger().messages[150];
    assert_eq!(m.attempts.len(), 3, "failed fast at 4.000s and 4.010s, then out of attempts");
    assert_eq!(m.attempts[1].sent_at, SimTime::from_ms(4_000));
    assert_eq!(m.verdict, Some(Verdict::Duplicated));
}

/// §6.6: an application that resends after the timeout creates a duplicate.
#[test]
fn resending_after_a_client_timeout_duplicates() {
    let mut sc = preset("flush-disk-client-timeout");
    sc.producer.retry_times_when_send_failed = 0; // no failFast retries: only the application resends
    sc.producer.on_exception = rmq_sim::scenario::OnException::PersistAndResend;
    sc.producer.resend_delay = SimDuration::from_secs(1);
    let (sim, r) = run(&sc);
    assert_eq!(r.summary.verdicts["DUPLICATED"], 100);
    assert!(sim.ledger().messages[150].attempts.len() >= 2);
}

/// §6.7: the loss is the page-cache tail since the last flush.
#[test]
fn async_flush_power_loss_loses_unflushed_send_ok() {
    let (sim, r) = run(&preset("async-flush-power-loss"));
    assert_eq!(statuses(&r), "SEND_OK=300");
    assert_eq!(verdicts(&r), "DELIVERED=251 LOST_AFTER_ACK=49");
    let down = sim
        .events()
        .iter()
        .find_map(|e| match e.kind {
            EventKind::BrokerDown { written, flushed, .. } => Some((written, flushed)),
            _ => None,
        })
        .unwrap();
    // Header, topic, body and the 64-byte properties string (`calMsgLength`).
    let lost_bytes = 49 * (91 + 9 + 1024 + 64);
    assert_eq!(down.0 - down.1, lost_bytes, "exactly the unflushed messages are lost");
    // Bounded by the least-pages rule: fewer than 4 dirty page boundaries, plus one interval.
    assert!(down.0 - down.1 < 4 * 4096 + 50 * 1188 + 4096);
    let cause = sim.ledger().messages[251].cause().cloned().unwrap().to_string();
    assert!(cause.starts_with("SEND_OK at 2.512s under ASYNC_FLUSH"), "{cause}");
    assert!(cause.contains("lost power at 3.000s"), "{cause}");
}

/// §6.8
#[test]
fn async_flush_process_crash_loses_nothing() {
    let (_, r) = run(&preset("async-flush-process-crash"));
    assert_eq!(verdicts(&r), "DELIVERED=300");
}

/// §6.9
#[test]
fn sync_flush_power_loss_loses_no_send_ok() {
    let (_, r) = run(&preset("sync-flush-power-loss"));
    assert_eq!(statuses(&r), "SEND_OK=300");
    assert_eq!(verdicts(&r), "DELIVERED=300");
}

/// §6.10: the master stays down, consumers switch to the slave after the route poll.
#[test]
fn book_recommendation_survives_master_power_loss_from_the_slave() {
    let (sim, r) = run(&preset("book-recommendation"));
    assert_eq!(verdicts(&r), "DELIVERED=300");
    let switch = sim
        .events()
        .iter()
        .find(|e| matches!(e.kind, EventKind::RouteChanged { consumers_read_from: rmq_sim::NodeId::Slave }))
        .expect("consumers move to the slave");
    // Registered at 0 s; the name server expires it at 120 s; the clients poll at 150 s.
    assert_eq!(ms(switch.at), 150_000);
}

/// §6.10 / §4b: a master that restarts behind its slave does not reconcile.
#[test]
fn book_recommendation_master_restart_loses_slave_only_tail() {
    let (sim, r) = run(&preset("book-recommendation-master-restarts"));
    assert_eq!(verdicts(&r), "DELIVERED=251 LOST_AFTER_ACK=49");
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::MasterBehindSlave { .. })));
    let cause = sim.ledger().messages[260].cause().cloned().unwrap().to_string();
    assert!(cause.contains("does not reconcile"), "{cause}");
    // The bytes still exist on the slave.
    let slave = sim.slave().unwrap();
    assert!(slave.store.records.iter().any(|r| r.msg.0 == 260));
}

/// §6.10: both machines lose power inside the flush window.
#[test]
fn both_machines_losing_power_lose_unflushed_on_both() {
    let (_, r) = run(&preset("both-machines-lose-power"));
    assert_eq!(verdicts(&r), "DELIVERED=251 LOST_AFTER_ACK=49");
}

/// §6.11
#[test]
fn async_master_disk_lost_loses_unreplicated() {
    let (sim, r) = run(&preset("async-master-disk-lost"));
    // The push thread sends every 100 ms (10 messages) and the link takes 50 ms: 9 are lost.
    assert_eq!(verdicts(&r), "DELIVERED=291 LOST_AFTER_ACK=9");
    for m in sim.ledger().messages.iter().filter(|m| m.verdict == Some(Verdict::LostAfterAck)) {
        assert!(m.replicated_at().is_none(), "only unreplicated messages are lost");
    }
}

/// §6.11
#[test]
fn sync_master_disk_lost_keeps_every_send_ok() {
    let (sim, r) = run(&preset("sync-master-disk-lost"));
    assert_eq!(r.summary.verdicts["LOST_AFTER_ACK"], 0);
    for m in &sim.ledger().messages {
        if m.send_status_name() == "SEND_OK" {
            assert_eq!(m.verdict, Some(Verdict::Delivered), "msg {}", m.id);
        }
    }
}

/// §6.12 and §5: 17 deliveries at delays 10s, 30s, 1m … 2h; DLQ ≈ 4h45m40s after the first failure.
#[test]
fn poison_message_is_dead_lettered_after_17_deliveries() {
    let (sim, r) = run(&preset("poison-message-dlq"));
    assert_eq!(verdicts(&r), "DEAD_LETTERED=1 DELIVERED=9");
    let m = &sim.ledger().messages[3];
    assert_eq!(m.deliveries.len(), 17);
    let levels: Vec<u32> = m.retries().iter().map(|(l, _)| *l).collect();
    assert_eq!(levels, (3..=18).collect::<Vec<_>>(), "retry k uses delay level 2 + k");
    let first_failure = m.deliveries[0].result.unwrap().0;
    let dlq = m.dead_lettered_at().unwrap();
    let total = dlq.since(first_failure);
    let expected = SimDuration::from_secs(4 * 3600 + 45 * 60 + 40);
    // Plus up to 100 ms per retry: the schedule service looks at each level every 100 ms.
    assert!(total >= expected && total < expected + SimDuration::from_secs(2), "{total}");
    assert_eq!(r.summary.reconsumes, 16);
}

/// §6.13
#[test]
fn max_reconsume_times_3_gives_four_deliveries() {
    let (sim, _) = run(&preset("max-reconsume-3"));
    let m = &sim.ledger().messages[0];
    assert_eq!(m.deliveries.len(), 4);
    assert_eq!(m.verdict, Some(Verdict::DeadLettered));
    let gaps: Vec<u64> = m.retries().iter().zip(m.deliveries.iter()).map(|((_, due), d)| due.since(d.result.unwrap().0).as_ms()).collect();
    assert_eq!(gaps, vec![10_001, 30_001, 60_001], "10 s, 30 s, 1 m (+1 ms to reach the broker)");
}

/// §6.14
#[test]
fn consumer_crash_before_offset_commit_duplicates() {
    let (sim, r) = run(&preset("consumer-crash-duplicates"));
    assert!(r.summary.verdicts["DUPLICATED"] > 100, "{}", verdicts(&r));
    assert_eq!(r.summary.verdicts["LOST_AFTER_ACK"] + r.summary.verdicts["LOST_UNACKED"], 0);
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::ConsumerCrashed { .. })));
}

/// §6.15: sends during the downtime throw…
#[test]
fn master_down_sync_sends_fail_with_exceptions() {
    let (_, r) = run(&preset("master-down-sync-send"));
    assert_eq!(statuses(&r), "EXCEPTION=100 SEND_OK=100");
    assert_eq!(verdicts(&r), "DELIVERED=100 LOST_UNACKED=100");
}

/// §6.15: …and a persist-and-resend `onException` delivers them after the restart.
#[test]
fn async_send_with_compensation_delivers_after_restart() {
    let (sim, r) = run(&preset("async-send-compensation"));
    assert_eq!(verdicts(&r), "DELIVERED=200");
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::SendFailed { callback: true, .. })));
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::ResendScheduled { .. })));
}

/// §6.16
#[test]
fn oneway_sends_vanish_silently_in_a_power_loss() {
    let (sim, r) = run(&preset("oneway-power-loss"));
    assert_eq!(statuses(&r), "NO_REPLY=300");
    assert!(r.summary.verdicts["LOST_UNACKED"] > 0);
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::SendFailed { .. })), "no signal at all");
}

/// Client §1: a refused connection fails fast, three attempts, then MQClientException.
#[test]
fn connection_refused_fails_after_three_fast_attempts() {
    let sc = scenario(
        r#"
        [producer]
        messages = 2
        [consumer]
        enabled = false
        [[fault]]
        at = "0s"
        kind = "PROCESS_CRASH"
        target = "master"
        "#,
    );
    let (sim, _) = run(&sc);
    // msg 1 is sent at 10 ms, after the crash at 0 s.
    let m = &sim.ledger().messages[1];
    assert_eq!(m.attempts.len(), 3);
    let (at, a) = m.answer.unwrap();
    assert_eq!(a, Answer::Exception(SendError::RetriesExhausted));
    assert_eq!(at, SimTime::from_ms(16), "three round trips of 2 ms");
}

/// Client §2: ASYNC learns of a timeout at the response-table scan, 1–2 s late.
#[test]
fn async_timeout_is_detected_at_the_scan() {
    let sc = scenario(
        r#"
        [producer]
        sendMode = "ASYNC"
        messages = 1
        [[fault]]
        at = "0s"
        kind = "POWER_LOSS"
        target = "master"
        "#,
    );
    let (sim, _) = run(&sc);
    let (at, a) = sim.ledger().messages[0].answer.unwrap();
    assert_eq!(a, Answer::Exception(SendError::CallTimeout));
    assert_eq!(at, SimTime::from_ms(4_000), "begin 0 + 3000 + 1000, at the 4 s scan");
}

/// Client §1: retryAnotherBrokerWhenNotStoreOK with one broker group stores the message again.
#[test]
fn retry_another_broker_with_one_group_duplicates() {
    let sc = scenario(
        r#"
        [broker]
        brokerRole = "SYNC_MASTER"
        [producer]
        messages = 5
        retryAnotherBrokerWhenNotStoreOK = true
        "#,
    );
    let (sim, r) = run(&sc);
    assert_eq!(statuses(&r), "SLAVE_NOT_AVAILABLE=5");
    assert_eq!(verdicts(&r), "DUPLICATED=5");
    assert_eq!(sim.ledger().messages[0].attempts.len(), 3);
}

/// Spec §2: with light traffic the async flusher waits for 4 dirty pages or the thorough flush.
/// In 4.9.8 `lastFlushTimestamp` starts at 0, so the first turn after a start is thorough.
#[test]
fn async_flush_waits_for_least_pages_or_thorough_interval() {
    let sc = scenario(
        r#"
        [producer]
        messages = 3
        interval = "1s"
        [consumer]
        enabled = false
        "#,
    );
    let (sim, _) = run(&sc);
    let flushed = |i: usize| sim.ledger().messages[i].master_flushed_at().unwrap();
    let one = SimDuration::from_us(2_000 + 1188 * 1000 / 200_000);
    assert_eq!(flushed(0), SimTime::from_ms(500) + one, "the first turn ignores the least-pages rule");
    // The flusher sleeps 500 ms after each flush, so its turns drift by the flush times.
    let later = flushed(1);
    assert!(later >= SimTime::from_ms(10_500) && later < SimTime::from_ms(11_000), "then only every flushCommitLogThoroughInterval: {later}");
    assert_eq!(flushed(2), flushed(1));
}

/// Spec §2: `SEND_OK` under SYNC_MASTER means two page caches, not two disks.
#[test]
fn sync_master_send_ok_before_slave_flush() {
    let sc = scenario(
        r#"
        [broker]
        brokerRole = "SYNC_MASTER"
        [slave]
        enabled = true
        [producer]
        messages = 2
        "#,
    );
    let (sim, _) = run(&sc);
    let m = &sim.ledger().messages[0];
    assert!(m.answer.unwrap().0 < m.slave_flushed_at().unwrap());
    assert!(m.replicated_at().unwrap() < m.answer.unwrap().0);
}

/// Client §11: once the route shows no master, sends fail at once with "No route info".
#[test]
fn no_route_after_the_route_poll_while_master_down() {
    let sc = scenario(
        r#"
        until = "5m"
        [slave]
        enabled = true
        [producer]
        messages = 20
        interval = "10s"
        [[fault]]
        at = "5s"
        kind = "PROCESS_CRASH"
        target = "master"
        duration = "100s"
        "#,
    );
    let (sim, _) = run(&sc);
    // Down at 5 s; removed at once; clients poll at 30 s.
    assert_eq!(sim.ledger().messages[2].answer.unwrap().1, Answer::Exception(SendError::RetriesExhausted));
    assert_eq!(sim.ledger().messages[4].answer.unwrap().1, Answer::Exception(SendError::NoRoute));
    assert_eq!(sim.ledger().messages[11].answer.unwrap().1, Answer::Status(SendStatus::SendOk));
}

/// Limits: hitting the event limit is a reported outcome, never a hang.
#[test]
fn event_limit_ends_the_run_with_a_reason() {
    let mut sim = Sim::new(&preset("defaults"));
    sim.set_event_limit(50);
    sim.run();
    assert_eq!(sim.ended(), Some(rmq_sim::event::EndReason::EventLimit));
    assert!(sim.ledger().messages.iter().all(|m| m.verdict.is_some()));
}

/// Faults: a producer↔master partition swallows requests and responses; sends time out.
#[test]
fn producer_partition_times_sends_out_and_heals() {
    let sc = scenario(
        r#"
        [producer]
        messages = 30
        interval = "1s"
        [[fault]]
        at = "5500ms"
        kind = "NETWORK_PARTITION"
        target = "producer"
        duration = "10s"
        "#,
    );
    let (sim, r) = run(&sc);
    assert_eq!(sim.ledger().messages[7].answer.unwrap().1, Answer::Exception(SendError::CallTimeout));
    assert_eq!(sim.ledger().messages[7].appended_at(), None, "the request never reached the master");
    assert_eq!(sim.ledger().messages[20].answer.unwrap().1, Answer::Status(SendStatus::SendOk));
    // msgs 6..=14 vanish in the partition (15 gets through on a failFast retry after the heal).
    // msg 14's timeout at 17.000s closes the connection just after msg 17 went out on it: msg 17
    // is failed fast, retried, and stored twice.
    assert_eq!(verdicts(&r), "DELIVERED=20 DUPLICATED=1 LOST_UNACKED=9");
}

/// Faults: DISK_SLOW multiplies every flush's cost by its factor, for its duration.
#[test]
fn slow_disk_multiplies_flush_time() {
    let base = r#"
        [broker]
        flushDiskType = "SYNC_FLUSH"
        [producer]
        messages = 1
        "#;
    let (fast, _) = run(&scenario(base));
    let slow_text = format!("{base}\n[[fault]]\nat = \"0s\"\nkind = \"DISK_SLOW\"\ntarget = \"master\"\nfactor = 50\n");
    let (slow, _) = run(&scenario(&slow_text));
    let flush_time = |sim: &Sim| {
        let m = &sim.ledger().messages[0];
        m.master_flushed_at().unwrap().since(m.appended_at().unwrap())
    };
    assert_eq!(flush_time(&slow), flush_time(&fast).saturating_mul(50));
}

/// Faults: SLAVE_DOWN and its inverse SLAVE_UP: the slave reconnects and catches up.
#[test]
fn slave_up_reconnects_and_catches_up() {
    let sc = scenario(
        r#"
        [broker]
        brokerRole = "SYNC_MASTER"
        [slave]
        enabled = true
        [producer]
        messages = 30
        interval = "1s"
        [[fault]]
        at = "5500ms"
        kind = "SLAVE_DOWN"
        target = "slave"
        [[fault]]
        at = "10500ms"
        kind = "SLAVE_UP"
        target = "slave"
        "#,
    );
    let (sim, r) = run(&sc);
    // §6.21: the restarted slave connects only at 15.5 s, so msgs 11 to 15 get SLAVE_NOT_AVAILABLE
    // at once; msgs 16 and 17 wait for the new connection's first report at 20.5 s and the client
    // times out; msg 18 and later are replicated.
    assert_eq!(statuses(&r), "EXCEPTION=2 SEND_OK=18 SLAVE_NOT_AVAILABLE=10");
    for id in 11..=15 {
        assert_eq!(answered_at(&sim, id).unwrap().1, Answer::Status(SendStatus::SlaveNotAvailable), "msg {id}");
    }
    for id in [16, 17] {
        assert!(matches!(answered_at(&sim, id).unwrap().1, Answer::Exception(_)), "msg {id}");
    }
    assert_eq!(sim.slave().unwrap().store.written, sim.master().store.written, "caught up");
}

/// Faults: a consumer crash without a duration stops consumption for good.
#[test]
fn consumer_crash_without_duration_leaves_messages_unresolved() {
    let sc = scenario(
        r#"
        until = "1m"
        [producer]
        messages = 20
        interval = "1s"
        [[fault]]
        at = "9500ms"
        kind = "CONSUMER_CRASH"
        target = "consumer"
        "#,
    );
    let (sim, r) = run(&sc);
    assert_eq!(verdicts(&r), "DELIVERED=10 UNRESOLVED=10");
    assert!(sim.consumer_view().crashed);
}

/// §6.17 and §5 (flow control): a backlog of several thousand messages is consumed exactly once;
/// over `pullThresholdForQueue` the pull waits 50 ms, it is never dropped. The threshold is per
/// queue: 1,500 messages in each of two queues go over it in both.
#[test]
fn backlog_over_pull_threshold_is_consumed_exactly_once() {
    let sc = scenario(
        r#"
        [topic]
        writeQueueNums = 2
        readQueueNums = 2
        [producer]
        messages = 3000
        interval = "1ms"
        [consumer]
        startAt = "10s"
        "#,
    );
    let (sim, r) = run(&sc);
    assert_eq!(verdicts(&r), "DELIVERED=3000");
    assert_eq!(sim.ended(), Some(rmq_sim::event::EndReason::Quiescent));
    let deferred: Vec<_> = sim
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::PullFlowControlled { why: FlowControl::Count { cached }, again_at, queue } => Some((e.at, *cached, *again_at, *queue)),
            _ => None,
        })
        .collect();
    assert!(!deferred.is_empty(), "the process queue went over 1000 messages");
    for q in 0..2 {
        assert!(deferred.iter().any(|d| d.3 == rmq_sim::event::QueueKind::Main(q)), "queue {q} has its own flow control");
    }
    for (at, cached, again_at, _) in deferred {
        assert!(cached > 1_000, "flow control only above the threshold (strict >), got {cached}");
        assert_eq!(again_at.since(at), SimDuration::from_ms(50), "PULL_TIME_DELAY_MILLS_WHEN_CACHE_FLOW_CONTROL");
    }
}

/// §5: the three flow-control knobs carry RocketMQ's names; a small `consumeConcurrentlyMaxSpan`
/// defers pulls on the span rule, and still every message arrives once.
#[test]
fn consume_concurrently_max_span_defers_pulls_without_dropping_them() {
    let sc = scenario(
        r#"
        [producer]
        messages = 500
        interval = "1ms"
        [consumer]
        startAt = "2s"
        consumeThread = 2
        pullThresholdForQueue = 65535
        pullThresholdSizeForQueue = 1024
        consumeConcurrentlyMaxSpan = 40
        "#,
    );
    let (sim, r) = run(&sc);
    assert_eq!(verdicts(&r), "DELIVERED=500");
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::PullFlowControlled { why: FlowControl::Span { span }, .. } if span > 40)));
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::PullFlowControlled { why: FlowControl::Count { .. }, .. })));
}

/// §5: `pullThresholdSizeForQueue` counts MiB of cached bodies.
#[test]
fn pull_threshold_size_for_queue_counts_cached_body_mib() {
    let sc = scenario(
        r#"
        [producer]
        messages = 100
        interval = "1ms"
        bodySize = 1048576
        [consumer]
        startAt = "1s"
        consumeThread = 1
        pullThresholdSizeForQueue = 8
        "#,
    );
    let (sim, r) = run(&sc);
    assert_eq!(verdicts(&r), "DELIVERED=100");
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::PullFlowControlled { why: FlowControl::Size { cached_mib }, .. } if cached_mib > 8)));
}

/// §6.23: a message at a consume-queue offset the restarted consumer skips over (its committed
/// offset lies beyond the end a power loss truncated the queue to, and new messages refilled the
/// gap) is never consumed: a loss with that cause, never `UNRESOLVED`. (One queue, so the
/// figures read off one queue's offsets; with several each queue has its own gap.)
#[test]
fn message_skipped_after_truncation_is_a_loss_not_unresolved() {
    let sc = scenario(
        r#"
        until = "2m"
        [topic]
        writeQueueNums = 1
        readQueueNums = 1
        [producer]
        messages = 1000
        interval = "20ms"
        [[fault]]
        at = "5s"
        kind = "POWER_LOSS"
        target = "master"
        duration = "2s"
        [[fault]]
        at = "5500ms"
        kind = "CONSUMER_CRASH"
        target = "consumer"
        duration = "4s"
        "#,
    );
    let (sim, r) = run(&sc);
    assert_eq!(r.summary.verdicts["UNRESOLVED"], 0, "{}", verdicts(&r));
    let skipped: Vec<_> = sim
        .ledger()
        .messages
        .iter()
        .filter(|m| m.cause().is_some_and(|c| c.0.iter().any(|s| matches!(s, rmq_sim::text::CauseStep::SkippedByConsumer { .. }))))
        .collect();
    assert_eq!(skipped.len(), 23, "the gap between the truncated end and the committed offset");
    for m in skipped {
        assert_eq!(m.verdict, Some(Verdict::LostAfterAck));
        assert!(m.appended_at().unwrap() > SimTime::from_ms(7_000), "appended after the restart, into the gap");
        let zh = m.explain(rmq_sim::text::Lang::Zh);
        assert!(zh.contains("偏移 249"), "{zh}");
    }
}

/// §6.18 and §2b: under ASYNC_MASTER the push thread idles in 100 ms steps, so the SEND_OK
/// messages of the last ~100 ms before a master disk loss exist only on the master…
#[test]
fn async_master_loses_the_last_100ms_on_disk_loss() {
    let (sim, r) = run(&master_disk_lost_at_2s("4.9.8", "brokerRole = \"ASYNC_MASTER\"", ""));
    let lost: Vec<_> = sim.ledger().messages.iter().filter(|m| m.verdict == Some(Verdict::LostAfterAck)).collect();
    assert!((20..=110).contains(&lost.len()), "tens of SEND_OK messages lost: {}", verdicts(&r));
    for m in &lost {
        assert_eq!(m.send_status_name(), "SEND_OK");
        assert!(m.appended_at().unwrap() >= SimTime::from_ms(1_890), "only the last ~100 ms: {:?}", m.appended_at());
    }
    // The pushes come in 100 ms steps (plus the time on the wire), not one per message.
    let pushes: Vec<SimTime> = sim.events().iter().filter(|e| matches!(e.kind, EventKind::ReplicaSent { .. })).map(|e| e.at).collect();
    // A step is a burst of back-to-back 32 KiB batches (100 messages of 1.1 KiB make four).
    let mut steps: Vec<SimTime> = Vec::new();
    for (i, &t) in pushes.iter().enumerate() {
        if i == 0 || t.since(pushes[i - 1]) > SimDuration::from_ms(5) {
            steps.push(t);
        }
    }
    assert!((18..=21).contains(&steps.len()), "one step every 100 ms in 2 s, got {}", steps.len());
    for w in steps.windows(2) {
        assert!(w[1].since(w[0]) >= SimDuration::from_ms(100), "{} then {}", w[0], w[1]);
    }
}

/// §6.18: …the same run under SYNC_MASTER (each put wakes the push thread) loses none of them.
#[test]
fn sync_master_loses_no_send_ok_on_disk_loss() {
    let (sim, r) = run(&master_disk_lost_at_2s("4.9.8", "brokerRole = \"SYNC_MASTER\"", ""));
    let lost_ok = sim.ledger().messages.iter().filter(|m| m.verdict == Some(Verdict::LostAfterAck) && m.send_status_name() == "SEND_OK").count();
    assert_eq!(lost_ok, 0, "{} / {}", statuses(&r), verdicts(&r));
}

/// §6.19 and §2b: a slave that loses power and comes back within 20 s opens a new connection and
/// is refilled from the offset it reports, so a later master disk loss loses no SEND_OK message.
#[test]
fn rebooted_slave_is_refilled_from_its_reported_offset() {
    let sc = scenario(
        r#"
        until = "10m"
        [broker]
        brokerRole = "SYNC_MASTER"
        [slave]
        enabled = true
        [producer]
        messages = 600
        interval = "50ms"
        sendMsgTimeout = 10000
        [consumer]
        startAt = "1m"
        [[fault]]
        at = "5s"
        kind = "POWER_LOSS"
        target = "slave"
        duration = "10s"
        [[fault]]
        at = "40s"
        kind = "DISK_LOST"
        target = "master"
        "#,
    );
    let (sim, r) = run(&sc);
    let lost_ok = sim.ledger().messages.iter().filter(|m| m.verdict == Some(Verdict::LostAfterAck) && m.send_status_name() == "SEND_OK").count();
    assert_eq!(lost_ok, 0, "{} / {}", statuses(&r), verdicts(&r));
    let reported = sim.events().iter().find_map(|e| match e.kind {
        EventKind::SlaveReported { slave_offset, transfer_from, .. } if e.at > SimTime::from_ms(15_000) => Some((e.at, slave_offset, transfer_from)),
        _ => None,
    });
    let (at, slave_offset, from) = reported.expect("the rebooted slave reports on its new connection");
    // It restarts at 15 s, connects 5 s later (§2b) and reports one heartbeat after that.
    assert_eq!(at, SimTime::from_ms(25_000) + SimDuration::from_ms(1), "one heartbeat after the reconnect, plus the link");
    assert_eq!(slave_offset, from, "fed from its own offset: no hole");
    let slave = &sim.slave().unwrap().store;
    assert!(slave.records.windows(2).all(|w| w[0].end() == w[1].offset), "the slave's commit log has no hole");
}

/// §6.20 and §5: `sendMessageBack` does not wait for the flush: with a stalled disk under
/// SYNC_FLUSH each message is retried once and consumed once.
#[test]
fn send_message_back_does_not_wait_for_a_stalled_disk() {
    let sc = scenario(
        r#"
        until = "5m"
        [broker]
        flushDiskType = "SYNC_FLUSH"
        [producer]
        messages = 10
        interval = "100ms"
        sendMsgTimeout = 10000
        [consumer]
        failFirstAttempts = 1
        [[fault]]
        at = "0s"
        kind = "DISK_STALL"
        target = "master"
        duration = "1m"
        "#,
    );
    let (sim, r) = run(&sc);
    assert_eq!(verdicts(&r), "DELIVERED=10");
    for m in &sim.ledger().messages {
        assert_eq!(m.deliveries.len(), 2, "msg#{}: once failed, once from %RETRY%", m.id);
        assert!(m.deliveries[1].at < SimTime::from_ms(20_000), "retried at its 10 s level, not after the stall");
    }
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::ConsumeRetriedLocally { .. })), "no sendMessageBack timed out");
}

/// §5: the DLQ copy carries the failing delivery's reconsumeTimes + 1.
#[test]
fn dlq_copy_carries_reconsume_times_plus_one() {
    let (sim, _) = run(&preset("poison-message-dlq"));
    let dlq = sim.copies().iter().find(|c| c.topic == rmq_sim::event::Topic::Dlq).expect("a DLQ copy");
    assert_eq!(dlq.reconsume_times, 17);
}

/// §5: the schedule service looks at each level every 100 ms: a retry moves to %RETRY% at the
/// first tick at or after its due time, never before.
#[test]
fn schedule_service_moves_retries_on_its_100ms_ticks() {
    let (sim, _) = run(&preset("max-reconsume-3"));
    let m = &sim.ledger().messages[0];
    let moved: Vec<SimTime> = sim.events().iter().filter(|e| matches!(e.kind, EventKind::RetryDue { msg, .. } if msg.0 == 0)).map(|e| e.at).collect();
    assert_eq!(moved.len(), m.retries().len());
    for (&(_, due), at) in m.retries().iter().zip(moved) {
        assert!(at >= due && at.since(due) < SimDuration::from_ms(100), "due {due}, moved {at}");
        assert_eq!((at.as_us() - 1_000_000) % 100_000, 0, "on a tick of the level's timer (1 s after start, then every 100 ms)");
    }
}

/// SYNC_MASTER, 300 sends every 100 ms with a 10 s client timeout; the slave is stopped cleanly
/// at 5 s and started at 8 s. `head` (e.g. `until`) is spliced in before `[broker]`.
fn slave_stopped_at_5s_started_at_8s(head: &str) -> rmq_sim::Scenario {
    scenario(&format!(
        r#"
        {head}
        [broker]
        brokerRole = "SYNC_MASTER"
        [slave]
        enabled = true
        [producer]
        messages = 300
        interval = "100ms"
        sendMsgTimeout = 10000
        [[fault]]
        at = "5s"
        kind = "SLAVE_DOWN"
        target = "slave"
        [[fault]]
        at = "8s"
        kind = "SLAVE_UP"
        target = "slave"
        "#
    ))
}

/// §6.21 and §2b: after a clean stop and start of the slave, SYNC_MASTER sends in the first ~5 s
/// after the new connection (itself ~5 s after the start) wait for its first report:
/// FLUSH_SLAVE_TIMEOUT (or a client timeout), not SEND_OK at once.
#[test]
fn restarted_slave_is_silent_for_one_heartbeat() {
    let sc = slave_stopped_at_5s_started_at_8s("");
    let (sim, _) = run(&sc);
    let status = |id: usize| sim.ledger().messages[id].send_status_name();
    // The slave starts at 8 s and connects at 13 s; its first report comes at 18 s.
    for id in 130..=150 {
        assert_eq!(status(id), "FLUSH_SLAVE_TIMEOUT", "msg {id}: sent within 2 s of the reconnect");
    }
    for id in 60..=70 {
        assert_eq!(status(id), "SLAVE_NOT_AVAILABLE", "msg {id}: no connection while the slave is stopped");
    }
    assert_eq!(status(250), "SEND_OK");
}

/// §6.22 and §2c: with `transientStorePoolEnable` a master process crash under steady traffic
/// loses the uncommitted write-buffer tail (at most ~16 KiB, or ~200 ms of light traffic)…
#[test]
fn transient_store_pool_process_crash_loses_the_uncommitted_tail() {
    let (sim, r) = run(&preset("transient-store-pool-process-crash"));
    let lost: Vec<_> = sim.ledger().messages.iter().filter(|m| m.verdict == Some(Verdict::LostAfterAck)).collect();
    assert!(!lost.is_empty() && lost.len() <= 16, "{}", verdicts(&r));
    for m in &lost {
        assert_eq!(m.send_status_name(), "SEND_OK");
        assert!(m.appended_at().unwrap() >= SimTime::from_ms(2_800), "only the last ~200 ms");
        assert!(matches!(m.lost()[0].1, rmq_sim::text::LossReason::WriteBufferLost { .. }), "{:?}", m.lost());
        assert!(m.explain(rmq_sim::text::Lang::Zh).contains("transientStorePoolEnable"));
    }
    // Committed bytes were never more than ~16 KiB behind the writes.
    let commits = sim.events().iter().filter(|e| matches!(e.kind, EventKind::Committed { .. })).count();
    assert!(commits > 10, "CommitRealTimeService committed along the way: {commits}");
}

/// §6.22: …the same run with the option off loses nothing (the OS writes the page cache back).
#[test]
fn same_process_crash_without_the_pool_loses_nothing() {
    let mut sc = preset("transient-store-pool-process-crash");
    sc.broker.transient_store_pool_enable = false;
    let (_, r) = run(&sc);
    assert_eq!(verdicts(&r), "DELIVERED=300");
}

/// §2c: readers see only committed bytes: nothing is consumed or replicated before its commit.
#[test]
fn transient_store_pool_readers_see_only_committed_bytes() {
    let sc = scenario(
        r#"
        [broker]
        transientStorePoolEnable = true
        [slave]
        enabled = true
        [producer]
        messages = 50
        interval = "10ms"
        "#,
    );
    let (sim, r) = run(&sc);
    assert_eq!(verdicts(&r), "DELIVERED=50");
    let mut committed = 0;
    for e in sim.events() {
        match e.kind {
            EventKind::Committed { to, .. } => committed = to,
            EventKind::ReplicaSent { to, .. } => assert!(to <= committed, "{e}"),
            EventKind::Pulled { count, from, .. } if count > 0 => {
                let last = &sim.master().store.records[sim.master().store.cq_main[0][(from + count as u64 - 1) as usize]];
                assert!(last.end() <= committed, "{e}");
            }
            _ => {}
        }
    }
    // Under SYNC_FLUSH the option has no effect (isTransientStorePoolEnable).
    let mut sync = sc.clone();
    sync.broker.flush_disk_type = rmq_sim::scenario::FlushDiskType::SyncFlush;
    let (sim, _) = run(&sync);
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::Committed { .. })));
}

/// §2b and apache/rocketmq #2528: the replication link is finite; a burst faster than it leaves
/// the slave more than `haSlaveFallbehindMax` behind, and SYNC_MASTER sends get
/// SLAVE_NOT_AVAILABLE at once with the slave up and no fault.
#[test]
fn burst_past_ha_slave_fallbehind_max_gives_slave_not_available() {
    let (sim, r) = run(&preset("slave-falls-behind-burst"));
    assert!(sim.scenario().faults.is_empty());
    assert_eq!(verdicts(&r), "DELIVERED=300");
    let first_sna = sim.ledger().messages.iter().position(|m| m.send_status_name() == "SLAVE_NOT_AVAILABLE").expect("the slave fell behind");
    assert!(sim.ledger().messages[..first_sna].iter().all(|m| m.send_status_name() == "SEND_OK"), "SEND_OK until the gap passes 256 MiB");
    // The gap at that send: what the master had written minus what the slave had reported.
    let m = &sim.ledger().messages[first_sna];
    let (at, _) = m.answer.unwrap();
    assert!(at.since(m.attempts[0].sent_at) < SimDuration::from_ms(5), "answered at once, not after a wait");
    // On a link ten times faster the same burst stays within the gap.
    let mut fast = preset("slave-falls-behind-burst");
    fast.slave.replication_bytes_per_ms = 10_000_000;
    let (_, r) = run(&fast);
    assert_eq!(statuses(&r), "SEND_OK=300");
}

/// §4b with §2b's first report: a master that restarts with an empty disk and writes past the
/// slave's offset before the slave's first report (5 s after reconnecting) still gets the slave's
/// offset as acknowledged; the lab marks the promise void (MasterBehindSlave) although the
/// master's offset is by then the larger one. Found by the 20,000-seed sweep (seed 17654).
#[test]
fn master_behind_slave_is_detected_by_diverged_logs_not_only_by_offsets() {
    let sc = scenario(
        r#"
        until = "2m"
        [broker]
        brokerRole = "SYNC_MASTER"
        [slave]
        enabled = true
        [producer]
        messages = 400
        interval = "50ms"
        [[fault]]
        at = "2s"
        kind = "DISK_LOST"
        target = "master"
        duration = "1s"
        "#,
    );
    let (sim, _) = run(&sc);
    let behind = sim.events().iter().find_map(|e| match e.kind {
        EventKind::MasterBehindSlave { master_offset, slave_offset } => Some((e.at, master_offset, slave_offset)),
        _ => None,
    });
    let (at, master_offset, slave_offset) = behind.expect("the diverged slave is noticed at its first report");
    assert_eq!(master_offset, 0, "the master restarted empty");
    assert!(slave_offset > 0 && at > SimTime::from_ms(8_000), "reported one heartbeat after reconnecting: {at}");
}

/// A master whose disk is destroyed for good, a slave, and a consumer that fails every message,
/// started after the route moved to the slave: no message can ever be sent back.
const MASTER_GONE_CONSUMER_FAILS: &str = r#"
    until = "10m"
    [slave]
    enabled = true
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

/// Client spec §10: with no master in the route, `sendMessageBack` goes to a null address and no
/// reply comes; after its 5 s timeout the fallback fails and the message is consumed again 5 s
/// later. So deliveries from the slave are 10 s apart (plus the consume time), not 5 s.
#[test]
fn send_back_with_no_master_in_the_route_waits_its_timeout_then_retries_locally() {
    let (sim, _) = run(&scenario(MASTER_GONE_CONSUMER_FAILS));
    let changed = sim.events().iter().find(|e| matches!(e.kind, EventKind::RouteChanged { .. })).expect("the route moves to the slave").at;
    let m = &sim.ledger().messages[0];
    let after: Vec<SimTime> = m.deliveries.iter().map(|d| d.at).filter(|&t| t > changed).collect();
    assert!(after.len() > 10, "msg#0 is consumed again and again from the slave: {after:?}");
    let consume = rmq_sim::Scenario::default().consumer.consume_time;
    for w in after.windows(2) {
        assert_eq!(w[1].since(w[0]), SimDuration::from_ms(10_000) + consume, "5 s RPC timeout + 5 s submitConsumeRequestLater");
    }
}

/// Issue 12, swarm seed 5242: the client never dead-letters on its own, so with the master gone
/// for good a failing message is consumed locally forever. The run stops at a bound, and the
/// bound is the reported outcome: the report says which, and every message still in flight is
/// `UNRESOLVED` with the bound as its cause.
#[test]
fn a_run_stopped_by_a_bound_says_so_for_every_message_in_flight() {
    use rmq_sim::ledger::CauseStep;
    use rmq_sim::event::EndReason;
    let sc = scenario(MASTER_GONE_CONSUMER_FAILS);
    let (sim, r) = run(&sc);
    assert_eq!(r.ended_by, "TIME_LIMIT");
    assert_eq!(verdicts(&r), "UNRESOLVED=2");
    for m in &sim.ledger().messages {
        let cause = m.cause().expect("an UNRESOLVED message at a bound has a cause");
        assert!(matches!(cause.0[..], [CauseStep::RunStopped { reason: EndReason::TimeLimit, at, .. }] if at == sc.until), "{cause:?}");
        assert!(m.explain(rmq_sim::text::Lang::En).contains("its `until`"), "{}", m.explain(rmq_sim::text::Lang::En));
    }
    let mut sim = Sim::new(&sc);
    sim.set_event_limit(100);
    sim.run();
    let r = rmq_sim::report::Report::of(&sim);
    assert_eq!(r.ended_by, "EVENT_LIMIT");
    for m in &sim.ledger().messages {
        assert_eq!(m.verdict, Some(Verdict::Unresolved));
        let text = m.explain(rmq_sim::text::Lang::En);
        assert!(text.contains("event limit (101 events)"), "{text}");
    }
    assert!(r.to_table().contains("(EVENT_LIMIT)"));
}

/// A message the DLQ consumer compensated stays `DEAD_LETTERED` when its DLQ copy is lost
/// afterwards (here in a power cut before any flush): the application handled it, so it is no
/// broken promise (`LOST_AFTER_ACK` is "no copy was consumed or dead-lettered"). The history's
/// final `"dlq"` read still receives it, so a checker reading the history agrees.
#[test]
fn a_compensated_message_whose_dlq_copy_is_lost_stays_dead_lettered() {
    let sc = scenario(
        r#"
        until = "2m"
        [broker]
        flushCommitLogLeastPages = 1000
        flushCommitLogThoroughInterval = 600000
        [producer]
        messages = 1
        [consumer]
        failMessages = [0]
        maxReconsumeTimes = 0
        dlqConsumer = true
        [[fault]]
        at = "100ms"
        kind = "POWER_LOSS"
        target = "master"
        duration = "30s"
        "#,
    );
    let (sim, r) = run(&sc);
    let m = &sim.ledger().messages[0];
    assert!(m.compensated_at().is_some(), "the DLQ consumer compensated it");
    assert!(m.lost().iter().any(|(_, why)| matches!(why, rmq_sim::text::LossReason::PageCacheLost { .. })), "then its copies were lost: {:?}", m.lost());
    assert_eq!(verdicts(&r), "DEAD_LETTERED=1");
    let history = rmq_sim::export::history::ops(&sim);
    assert!(history.iter().any(|op| op.process == rmq_sim::export::history::Process::Named("dlq") && op.kind == "ok" && op.compensated == Some(true)), "{history:?}");
}

/// Client spec §10: a pull whose broker went down under it fails and is retried after
/// `pullTimeDelayMillsWhenException` (1 s). Swarm seed 984: a master that crashed and restarted
/// while a pull was on the wire left that queue without a pull request for good, so every later
/// message was never consumed ("no consumer reached it").
#[test]
fn a_pull_lost_in_a_broker_restart_is_retried() {
    for crash_ms in (4_000..9_000).step_by(250) {
        let sc = scenario(&format!(
            r#"
            until = "10m"
            [network]
            latency = "2s"
            [producer]
            messages = 12
            interval = "1s"
            sendMsgTimeout = 10000
            [[fault]]
            at = "{crash_ms}ms"
            kind = "PROCESS_CRASH"
            target = "master"
            duration = "1ms"
            "#
        ));
        let (sim, r) = run(&sc);
        for m in &sim.ledger().messages {
            let stored = m.appended_at().is_some();
            assert!(!stored || !m.consumed_at.is_empty(), "crash at {crash_ms} ms: msg#{} stored but never consumed ({})", m.id, verdicts(&r));
        }
    }
}

/// Client spec §10: consumers whose route points at the slave keep retrying their pulls while it
/// is down, so a slave that restarts is read again. Swarm seed 54180: the master stayed down, the
/// route moved to a slave that was itself down, and after the slave's restart nothing pulled.
#[test]
fn consumers_routed_to_a_restarted_slave_read_it_again() {
    let sc = scenario(
        r#"
        until = "10m"
        [slave]
        enabled = true
        [producer]
        messages = 5
        interval = "10ms"
        [consumer]
        startAt = "2m"
        [[fault]]
        at = "1s"
        kind = "PROCESS_CRASH"
        target = "slave"
        duration = "4m"
        [[fault]]
        at = "2s"
        kind = "PROCESS_CRASH"
        target = "master"
        "#,
    );
    let (sim, r) = run(&sc);
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::RouteChanged { .. })), "the route moves to the slave");
    assert_eq!(verdicts(&r), "DELIVERED=5", "read from the slave once it is back");
}

// ---- Faults compose as machines do (issue 24 item 1; the rules are in `sim::faults`'s doc). ----

fn fault_toml(at: &str, kind: &str, target: &str, duration: Option<&str>) -> String {
    let d = duration.map(|d| format!("duration = \"{d}\"\n")).unwrap_or_default();
    format!("[[fault]]\nat = \"{at}\"\nkind = \"{kind}\"\ntarget = \"{target}\"\n{d}")
}

/// The times at which `node` restarted.
fn restarts(sim: &Sim, node: rmq_sim::NodeId) -> Vec<u64> {
    sim.events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::BrokerRestarted { node: n, .. } if n == node))
        .map(|e| ms(e.at))
        .collect()
}

/// The refusals in the log, as (ms, why).
fn refusals(sim: &Sim) -> Vec<(u64, rmq_sim::FaultRefusal)> {
    sim.events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::FaultRefused { why, .. } => Some((ms(e.at), why)),
            _ => None,
        })
        .collect()
}

/// A light workload whose consumer starts late, so what a fault cuts is lost, not already read.
const LATE_CONSUMER: &str = "until = \"3m\"\n[producer]\nmessages = 20\ninterval = \"100ms\"\n[consumer]\nstartAt = \"2m\"\n";

/// Issue 24: a disk destroyed while the machine is off (power cut) stays destroyed: the master
/// comes back at the end of the power cut with an empty commit log.
#[test]
fn disk_destroyed_while_the_machine_is_off_stays_destroyed() {
    let sc = scenario(&format!(
        "{LATE_CONSUMER}{}{}",
        fault_toml("5s", "POWER_LOSS", "master", Some("30s")),
        fault_toml("10s", "DISK_LOST", "master", Some("5s"))
    ));
    let (sim, r) = run(&sc);
    assert_eq!(restarts(&sim, rmq_sim::NodeId::Master), vec![35_000], "the power cut's end, not the disk loss's");
    let recovered: Vec<u64> = sim
        .events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::BrokerRestarted { recovered_to, .. } => Some(recovered_to),
            _ => None,
        })
        .collect();
    assert_eq!(recovered, vec![0], "no commit log survives a destroyed disk");
    assert_eq!(verdicts(&r), "LOST_AFTER_ACK=20", "every SEND_OK message was on the destroyed disk");
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::BrokerStillDown { how: rmq_sim::event::CrashKind::DiskLost, restart_at: Some(t), .. } if ms(t) == 35_000)));
}

/// Issue 24: a disk destroyed while only the broker process is down stays destroyed too, and the
/// machine is now off (silence instead of refused connections).
#[test]
fn disk_destroyed_while_the_process_is_down_stays_destroyed() {
    let sc = scenario(&format!(
        "{LATE_CONSUMER}{}{}",
        fault_toml("5s", "PROCESS_CRASH", "master", Some("30s")),
        fault_toml("10s", "DISK_LOST", "master", Some("5s"))
    ));
    let mut sim = Sim::new(&sc);
    sim.run_until(SimTime::from_ms(11_000));
    assert_eq!(sim.master().state, rmq_sim::sim::NodeState::MachineDown);
    sim.run();
    assert_eq!(restarts(&sim, rmq_sim::NodeId::Master), vec![35_000]);
    let r = rmq_sim::report::Report::of(&sim);
    assert_eq!(verdicts(&r), "LOST_AFTER_ACK=20");
}

/// Issue 24: a permanent power cut that falls inside a temporary one keeps the master down for
/// the rest of the run (it was swallowed: the master came back at the first cut's end).
#[test]
fn a_permanent_power_cut_during_a_temporary_one_keeps_the_master_down() {
    let sc = scenario(&format!(
        "{LATE_CONSUMER}{}{}",
        fault_toml("5s", "POWER_LOSS", "master", Some("30s")),
        fault_toml("10s", "POWER_LOSS", "master", None)
    ));
    let (sim, _) = run(&sc);
    assert_eq!(restarts(&sim, rmq_sim::NodeId::Master), Vec::<u64>::new());
    assert!(!sim.master().is_up());
    assert!(refusals(&sim).is_empty());
}

/// Issue 24: a longer power cut during a shorter one extends the outage to its own end.
#[test]
fn a_longer_power_cut_during_a_shorter_one_extends_the_outage() {
    let sc = scenario(&format!(
        "{LATE_CONSUMER}{}{}",
        fault_toml("5s", "POWER_LOSS", "master", Some("10s")),
        fault_toml("10s", "POWER_LOSS", "master", Some("30s"))
    ));
    let (sim, _) = run(&sc);
    assert_eq!(restarts(&sim, rmq_sim::NodeId::Master), vec![40_000]);
}

/// Issue 24: a shorter power cut inside a longer one changes nothing and is named as such.
#[test]
fn a_shorter_power_cut_inside_a_longer_one_is_refused() {
    let sc = scenario(&format!(
        "{LATE_CONSUMER}{}{}",
        fault_toml("5s", "POWER_LOSS", "master", Some("30s")),
        fault_toml("10s", "POWER_LOSS", "master", Some("5s"))
    ));
    let (sim, _) = run(&sc);
    assert_eq!(restarts(&sim, rmq_sim::NodeId::Master), vec![35_000]);
    assert_eq!(
        refusals(&sim),
        vec![(10_000, rmq_sim::FaultRefusal::AlreadyOff { node: rmq_sim::NodeId::Master, until: Some(SimTime::from_ms(35_000)) })]
    );
}

/// Issue 24: a crash of a process that is not running cannot apply; the log and the CLI's
/// report name it with the reason (it used to print the fault line and do nothing).
#[test]
fn a_crash_of_a_stopped_process_is_refused_with_the_reason() {
    let sc = scenario(&format!(
        "{LATE_CONSUMER}{}{}",
        fault_toml("5s", "POWER_LOSS", "master", Some("30s")),
        fault_toml("10s", "PROCESS_CRASH", "master", Some("60s"))
    ));
    let (sim, r) = run(&sc);
    assert_eq!(restarts(&sim, rmq_sim::NodeId::Master), vec![35_000], "the refused crash holds nothing down");
    let why = rmq_sim::FaultRefusal::NotRunning {
        node: rmq_sim::NodeId::Master,
        since: SimTime::from_ms(5_000),
        how: rmq_sim::event::CrashKind::PowerLoss,
    };
    assert_eq!(refusals(&sim), vec![(10_000, why)]);
    let line = sim.events().iter().find(|e| matches!(e.kind, EventKind::FaultRefused { .. })).unwrap().to_string();
    assert!(line.contains("PROCESS_CRASH on master not applied: the master process is not running"), "{line}");
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::FaultInjected { kind: rmq_sim::scenario::FaultKind::ProcessCrash, .. })));
    assert_eq!(r.faults_not_applied, vec![format!("10.000s PROCESS_CRASH on master: {why}")]);
    assert!(r.to_table().contains("faults not applied"));
}

/// Issue 24: the power returns before a crash's downtime ends: the machine answers again but the
/// process stays down (connection refused) until the downtime's end.
#[test]
fn power_back_before_a_crash_downtime_ends_keeps_the_process_down() {
    let sc = scenario(&format!(
        "until = \"3m\"\n[producer]\nmessages = 400\ninterval = \"100ms\"\n{}{}",
        fault_toml("5s", "PROCESS_CRASH", "master", Some("30s")),
        fault_toml("10s", "POWER_LOSS", "master", Some("5s"))
    ));
    let mut sim = Sim::new(&sc);
    sim.run_until(SimTime::from_ms(12_000));
    assert_eq!(sim.master().state, rmq_sim::sim::NodeState::MachineDown);
    sim.run_until(SimTime::from_ms(20_000));
    assert_eq!(sim.master().state, rmq_sim::sim::NodeState::ProcessDown);
    sim.run();
    assert_eq!(restarts(&sim, rmq_sim::NodeId::Master), vec![35_000]);
    // Message 200 is sent at 20 s: refused at once, not a timeout.
    let m = &sim.ledger().messages[200];
    assert!(matches!(m.attempts[0].outcome, Some((_, Answer::Exception(SendError::ConnectRefused)))), "{:?}", m.attempts[0]);
}

/// Issue 24: a stopped slave that loses power stays stopped when the power returns; `SLAVE_UP`
/// while its machine is off, of a running slave, and `SLAVE_DOWN` of a stopped one are refused.
#[test]
fn a_stopped_slave_that_loses_power_stays_stopped_until_slave_up() {
    let sc = scenario(&format!(
        "until = \"1m\"\n[slave]\nenabled = true\n[producer]\nmessages = 20\ninterval = \"100ms\"\n{}{}{}{}{}{}",
        fault_toml("5s", "SLAVE_DOWN", "slave", None),
        fault_toml("6s", "POWER_LOSS", "slave", Some("10s")),
        fault_toml("7s", "SLAVE_DOWN", "slave", None),
        fault_toml("10s", "SLAVE_UP", "slave", None),
        fault_toml("20s", "SLAVE_UP", "slave", None),
        fault_toml("25s", "SLAVE_UP", "slave", None)
    ));
    let (sim, _) = run(&sc);
    assert_eq!(restarts(&sim, rmq_sim::NodeId::Slave), vec![20_000]);
    let slave = rmq_sim::NodeId::Slave;
    assert_eq!(
        refusals(&sim),
        vec![
            (7_000, rmq_sim::FaultRefusal::NotRunning { node: slave, since: SimTime::from_ms(5_000), how: rmq_sim::event::CrashKind::PowerLoss }),
            (10_000, rmq_sim::FaultRefusal::MachineOff { node: slave, until: Some(SimTime::from_ms(16_000)) }),
            (25_000, rmq_sim::FaultRefusal::AlreadyRunning { node: slave }),
        ]
    );
}

/// Issue 24: a shorter disk stall inside a longer one is refused (it used to end the longer one
/// early); a longer one extends it, and the flush in progress resumes after the later end.
#[test]
fn overlapping_disk_stalls_last_until_the_latest_end() {
    let sc = scenario(&format!(
        "until = \"2m\"\n[broker]\nflushDiskType = \"SYNC_FLUSH\"\n[producer]\nmessages = 10\ninterval = \"1s\"\nsendMsgTimeout = \"30s\"\n{}{}{}",
        fault_toml("500ms", "DISK_STALL", "master", Some("10s")),
        fault_toml("2s", "DISK_STALL", "master", Some("2s")),
        fault_toml("5s", "DISK_STALL", "master", Some("20s"))
    ));
    let (sim, _) = run(&sc);
    let flushed: Vec<u64> = sim
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Flushed { node: rmq_sim::NodeId::Master, .. }))
        .map(|e| ms(e.at))
        .collect();
    assert!(flushed.iter().all(|&t| !(500..25_000).contains(&t)), "no flush completes in the stalls: {flushed:?}");
    assert!(flushed.iter().any(|&t| t >= 25_000), "the flushes resume after the longer stall");
    assert!(matches!(refusals(&sim)[..], [(2_000, rmq_sim::FaultRefusal::AlreadyInForce { until: Some(u) })] if ms(u) == 10_500));
    let ended: Vec<u64> = sim.events().iter().filter(|e| matches!(e.kind, EventKind::FaultEnded { .. })).map(|e| ms(e.at)).collect();
    assert_eq!(ended, vec![25_000], "the first stall's end is not announced while the second lasts");
}

/// Issue 24: overlapping partitions of the producer link: a shorter one inside is refused, a
/// longer one extends the cut (sends in it get no answer).
#[test]
fn overlapping_partitions_last_until_the_latest_end() {
    let sc = scenario(&format!(
        "until = \"2m\"\n[producer]\nmessages = 30\ninterval = \"1s\"\n{}{}{}",
        fault_toml("1s", "NETWORK_PARTITION", "producer", Some("10s")),
        fault_toml("2s", "NETWORK_PARTITION", "producer", Some("2s")),
        fault_toml("8s", "NETWORK_PARTITION", "producer", Some("10s"))
    ));
    let (sim, _) = run(&sc);
    assert_eq!(refusals(&sim).len(), 1);
    for i in [5usize, 15] {
        let m = &sim.ledger().messages[i];
        assert!(matches!(m.answer, Some((_, Answer::Exception(_)))), "msg {i} sent in the cut: {:?}", m.answer);
    }
    let m = &sim.ledger().messages[19];
    assert!(matches!(m.answer, Some((_, Answer::Status(SendStatus::SendOk)))), "after the cut: {:?}", m.answer);
}

/// Issue 24: overlapping slow disks run at the larger factor while they overlap; the disk is
/// normal again only when the last ends (the shorter one's end used to reset it).
#[test]
fn overlapping_slow_disks_keep_the_larger_factor_until_the_last_ends() {
    let sc = scenario(&format!(
        "until = \"1m\"\n[producer]\nmessages = 10\ninterval = \"1s\"\n{}factor = 10\n{}factor = 2\n",
        fault_toml("1s", "DISK_SLOW", "master", Some("20s")),
        fault_toml("2s", "DISK_SLOW", "master", Some("3s"))
    ));
    let mut sim = Sim::new(&sc);
    sim.run_until(SimTime::from_ms(3_000));
    assert_eq!(sim.master().slow_factor, 10);
    sim.run_until(SimTime::from_ms(6_000));
    assert_eq!(sim.master().slow_factor, 10, "the longer, slower fault still lasts");
    sim.run_until(SimTime::from_ms(22_000));
    assert_eq!(sim.master().slow_factor, 1);
}

/// Issue 24: a consumer crash while the consumer is down extends its downtime if longer, and is
/// refused if it would end sooner or before the consumer ever started.
#[test]
fn a_consumer_crash_during_a_consumer_outage_extends_it_or_is_refused() {
    let sc = scenario(&format!(
        "until = \"2m\"\n[producer]\nmessages = 10\ninterval = \"1s\"\n[consumer]\nstartAt = \"3s\"\n{}{}{}{}",
        fault_toml("1s", "CONSUMER_CRASH", "consumer", Some("5s")),
        fault_toml("5s", "CONSUMER_CRASH", "consumer", Some("10s")),
        fault_toml("8s", "CONSUMER_CRASH", "consumer", Some("30s")),
        fault_toml("9s", "CONSUMER_CRASH", "consumer", Some("2s"))
    ));
    let (sim, r) = run(&sc);
    let starts: Vec<u64> = sim.events().iter().filter(|e| matches!(e.kind, EventKind::ConsumerStarted { .. })).map(|e| ms(e.at)).collect();
    assert_eq!(starts, vec![3_000, 38_000]);
    assert_eq!(
        refusals(&sim),
        vec![
            (1_000, rmq_sim::FaultRefusal::ConsumerNotStarted { starts_at: SimTime::from_ms(3_000) }),
            (9_000, rmq_sim::FaultRefusal::ConsumerDown { until: Some(SimTime::from_ms(38_000)) }),
        ]
    );
    assert!(!verdicts(&r).contains("LOST"), "{}", verdicts(&r));
}

/// Issue 24: a fault on a slave or consumer the scenario lacks, a pair its kind does not take,
/// and a disk fault on a destroyed disk are refused; [`Sim::can_apply`] says so before injecting.
#[test]
fn faults_that_cannot_apply_are_refused_before_and_when_injected() {
    use rmq_sim::scenario::{Fault, FaultKind, FaultTarget};
    use rmq_sim::{Command, FaultRefusal};
    let fault = |kind, target| Fault { at: SimTime::ZERO, kind, target, duration: Some(SimDuration::from_secs(10)), factor: 10 };
    let mut sc = scenario("until = \"1m\"\n[producer]\nmessages = 10\ninterval = \"1s\"\n[consumer]\nenabled = false\n");
    sc.faults.clear();
    let mut sim = Sim::new(&sc);
    sim.run_until(SimTime::from_ms(1_000));
    assert_eq!(sim.can_apply(&fault(FaultKind::PowerLoss, FaultTarget::Slave)), Err(FaultRefusal::NoSlave));
    assert_eq!(sim.can_apply(&fault(FaultKind::ConsumerCrash, FaultTarget::Consumer)), Err(FaultRefusal::NoConsumer));
    assert_eq!(
        sim.can_apply(&fault(FaultKind::ProcessCrash, FaultTarget::Producer)),
        Err(FaultRefusal::WrongTarget { kind: FaultKind::ProcessCrash, target: FaultTarget::Producer })
    );
    assert_eq!(sim.can_apply(&fault(FaultKind::DiskLost, FaultTarget::Master)), Ok(()));
    sim.inject(Command::Inject(fault(FaultKind::PowerLoss, FaultTarget::Slave)));
    sim.inject(Command::Inject(fault(FaultKind::DiskLost, FaultTarget::Master)));
    sim.run_until(SimTime::from_ms(2_000));
    let gone = FaultRefusal::DiskDestroyed { node: rmq_sim::NodeId::Master, since: SimTime::from_ms(1_000) };
    let destroyed = Err(gone);
    assert_eq!(sim.can_apply(&fault(FaultKind::DiskStall, FaultTarget::Master)), destroyed);
    let shorter = Fault { duration: Some(SimDuration::from_secs(5)), ..fault(FaultKind::DiskLost, FaultTarget::Master) };
    assert_eq!(sim.can_apply(&shorter), destroyed, "a second loss that ends sooner");
    assert_eq!(sim.can_apply(&fault(FaultKind::DiskLost, FaultTarget::Master)), Ok(()), "a longer one extends the outage");
    sim.inject(Command::Inject(fault(FaultKind::DiskSlow, FaultTarget::Master)));
    sim.run();
    let r: Vec<FaultRefusal> = refusals(&sim).into_iter().map(|(_, w)| w).collect();
    assert_eq!(r, vec![FaultRefusal::NoSlave, gone]);
}

/// §6 item 26 (third rule): a broker *process* that dies closes its sockets, so the client fails
/// every request pending on that connection at once (`failFast`) and a SYNC send retries now
/// instead of waiting out `sendMsgTimeout`; a power loss sends no FIN, so there the client waits.
#[test]
fn process_crash_fails_pending_requests_at_once_power_loss_does_not() {
    let base = |kind: &str| {
        scenario(&format!(
            "until = \"2m\"\n[broker]\nflushDiskType = \"SYNC_FLUSH\"\n[producer]\nmessages = 40\ninterval = \"100ms\"\n{}{}",
            fault_toml("1s", "DISK_STALL", "master", Some("60s")),
            fault_toml("2s", kind, "master", Some("30s"))
        ))
    };
    // Message 15 is sent at 1.5 s and held by the master for its stalled flush when it dies at 2 s.
    let (crash, _) = run(&base("PROCESS_CRASH"));
    let m = &crash.ledger().messages[15];
    assert!(
        matches!(m.attempts[0].outcome, Some((t, Answer::Exception(SendError::ConnectionClosed))) if ms(t) == 2_000),
        "failed at the crash: {:?}",
        m.attempts[0]
    );
    assert!(m.attempts.len() > 1 && ms(m.attempts[1].sent_at) == 2_000, "retried at once: {:?}", m.attempts);
    let (at, _) = m.answer.unwrap();
    assert!(ms(at) < 2_100, "the send ended right after the crash, not at its timeout: {at}");
    let (power, _) = run(&base("POWER_LOSS"));
    let m = &power.ledger().messages[15];
    // No FIN: it waits until a timeout closes the connection (message 10's, at 4 s).
    assert!(
        matches!(m.attempts[0].outcome, Some((t, Answer::Exception(SendError::Timeout))) if ms(t) >= 4_000),
        "waited for a timeout: {:?}",
        m.attempts[0]
    );
}

/// §6.24 and client §1: `sendDefaultImpl` returns the last *returned* `SendResult`. With
/// `retryAnotherBrokerWhenNotStoreOK` the first attempt's `FLUSH_DISK_TIMEOUT` (at 5 s) starts a
/// retry that runs out of the 8 s budget; the application still gets `FLUSH_DISK_TIMEOUT`, not an
/// exception, so the power loss during the stall (before the consumer starts) loses the message
/// *after* an acknowledgement.
#[test]
fn send_returns_the_last_returned_result_when_the_retry_fails() {
    let sc = scenario(
        r#"
        until = "1m"
        [broker]
        flushDiskType = "SYNC_FLUSH"
        [producer]
        messages = 10
        interval = "100ms"
        sendMsgTimeout = 8000
        retryAnotherBrokerWhenNotStoreOK = true
        [consumer]
        startAt = "25s"
        [[fault]]
        at = "0s"
        kind = "DISK_STALL"
        target = "master"
        duration = "30s"
        [[fault]]
        at = "20s"
        kind = "POWER_LOSS"
        target = "master"
        "#,
    );
    let (sim, r) = run(&sc);
    assert_eq!(statuses(&r), "FLUSH_DISK_TIMEOUT=10");
    assert_eq!(verdicts(&r), "LOST_AFTER_ACK=10");
    // Message 0's retry is the first to time out; the others' retries are failed fast when that
    // timeout closes the connection, and retry once more while their budget lasts.
    let m = &sim.ledger().messages[0];
    assert_eq!(m.attempts.len(), 2, "the first attempt's FLUSH_DISK_TIMEOUT started one retry");
    assert_eq!(m.attempts[0].outcome.map(|o| o.1), Some(Answer::Status(SendStatus::FlushDiskTimeout)));
    assert!(matches!(m.attempts[1].outcome, Some((_, Answer::Exception(_)))), "the retry failed");
    let (at, answer) = m.answer.unwrap();
    assert_eq!(answer, Answer::Status(SendStatus::FlushDiskTimeout));
    assert_eq!(at, m.attempts[0].sent_at + SimDuration::from_ms(8_000), "send() returned when the budget ran out");
    let send = m.sends.last().unwrap();
    assert_eq!(send.answer, Answer::Status(SendStatus::FlushDiskTimeout));
    let cause = m.cause().unwrap().render(rmq_sim::text::Lang::En);
    assert!(cause.starts_with("FLUSH_DISK_TIMEOUT at"), "{cause}");
    assert!(cause.contains("retry"), "the chain says the retry failed: {cause}");
    // The history says `ok` with that status: the application was told "stored".
    let history = rmq_sim::export::history::ops(&sim);
    let op = history.iter().find(|o| o.f == "send" && o.value == 0 && o.kind != "invoke").unwrap();
    assert_eq!((op.kind, op.status, op.attempts), ("ok", Some("FLUSH_DISK_TIMEOUT"), Some(2)));
}

/// §6.21 and §2b: a (re)started slave's `HAClient` connects only ~5 s after the slave starts (it
/// learns the master's address from the broker's first registration, then sleeps 5 s). Until
/// then the master has no connection for it: `SYNC_MASTER` sends get `SLAVE_NOT_AVAILABLE` at
/// once; for the ~5 s after the connect they wait for its first report (`FLUSH_SLAVE_TIMEOUT`);
/// then `SEND_OK`.
#[test]
fn restarted_slave_connects_only_5s_after_it_starts() {
    let sc = slave_stopped_at_5s_started_at_8s("until = \"2m\"");
    let (sim, _) = run(&sc);
    let connected: Vec<SimTime> =
        sim.events().iter().filter(|e| matches!(e.kind, EventKind::SlaveConnected { .. })).map(|e| e.at).collect();
    assert_eq!(connected, vec![SimTime::from_ms(13_000)], "one connection, 5 s after the slave started");
    let m = |id: usize| &sim.ledger().messages[id];
    for id in 81..=129 {
        let (at, answer) = m(id).answer.unwrap();
        assert_eq!(answer, Answer::Status(SendStatus::SlaveNotAvailable), "msg {id}: the slave is up but not connected");
        assert!(at.since(m(id).attempts[0].sent_at) <= SimDuration::from_ms(2), "msg {id}: answered at once");
    }
    for id in 131..=150 {
        assert_eq!(m(id).send_status_name(), "FLUSH_SLAVE_TIMEOUT", "msg {id}: waits for the first report");
    }
    for id in 200..300 {
        assert_eq!(m(id).send_status_name(), "SEND_OK", "msg {id}: after the first report");
    }
}

/// §6.26: a `messageDelayLevel` table of any length is accepted (RocketMQ's own tests use
/// `"5s 8s"`), and a retry beyond the last level uses the last level (`CommitLog.asyncPutMessage`
/// clamps the delay level to `getMaxDelayLevel()`).
#[test]
fn message_delay_level_of_any_length_clamps_retries_to_its_last_level() {
    let sc = scenario(
        r#"
        until = "5m"
        [broker]
        messageDelayLevel = "5s 8s"
        [producer]
        messages = 3
        [consumer]
        maxReconsumeTimes = 3
        failMessages = [0]
        "#,
    );
    let (sim, r) = run(&sc);
    assert_eq!(verdicts(&r), "DEAD_LETTERED=1 DELIVERED=2");
    let m = &sim.ledger().messages[0];
    let levels: Vec<u32> = m.retries().iter().map(|(level, _)| *level).collect();
    assert_eq!(levels, vec![2, 2, 2], "levels 3, 4 and 5 are clamped to the table's last level");
    for (d, (_, due)) in m.deliveries.iter().zip(m.retries()) {
        let failed_at = d.result.unwrap().0;
        assert_eq!(due.since(failed_at), SimDuration::from_secs(8) + SimDuration::from_ms(1), "8 s after the send-back reached the master");
    }
}

/// §6.26 and `CommitLog.calMsgLength`: a stored message's size includes its properties string.
/// A plain send keeps `UNIQ_KEY` (32 hex characters) and the broker's `CLUSTER=DefaultCluster`:
/// 64 bytes (4.9.8's `asyncSendMessage` drops `WAIT=true` before storing). A retry in the schedule
/// topic also carries `RETRY_TOPIC`, `WAIT=false`, `DELAY`, `ORIGIN_MESSAGE_ID`, `REAL_TOPIC` and
/// `REAL_QID`.
#[test]
fn stored_message_size_includes_its_properties() {
    let sc = scenario(
        r#"
        until = "1m"
        [producer]
        messages = 2
        [consumer]
        failMessages = [0]
        maxReconsumeTimes = 1
        "#,
    );
    let (sim, _) = run(&sc);
    let sizes: Vec<(rmq_sim::event::Topic, u64)> = sim
        .events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Appended { node: rmq_sim::NodeId::Master, msg, topic, size, .. } if msg.0 == 0 => Some((topic, size)),
            _ => None,
        })
        .collect();
    use rmq_sim::event::Topic;
    let header = 91;
    let plain = 9 + 32 + 1 + 8 + 14; // UNIQ_KEY 0x01 <32> 0x02 CLUSTER 0x01 DefaultCluster
    let back = 11 + 9 + 2 + 4 + 5 + 2 + 5 + 1 + 2 + 17 + 32 + 2; // RETRY_TOPIC, WAIT=false, DELAY=3, ORIGIN_MESSAGE_ID
    let real = 10 + 17 + 2 + 8 + 1 + 2; // REAL_TOPIC=%RETRY%demo_group, REAL_QID=0
    assert_eq!(plain, 64);
    // `plain` already dropped its last separator; the longer strings put it back and drop theirs.
    let retried = plain + 1 + back + real - 1;
    assert_eq!(
        sizes,
        vec![
            (Topic::Main, header + 9 + 1024 + plain),
            (Topic::Schedule, header + 19 + 1024 + retried),
            (Topic::Retry, header + 7 + 1024 + retried),
            // The DLQ copy: DELAY=0 (one digit, as 3), REAL_* kept from the retry it came from.
            (Topic::Dlq, header + 5 + 1024 + retried),
        ]
    );
}

/// A slave, steady traffic for 60 s (10 msg/s), a consumer caught up: the base of the
/// `SlaveSynchronize` / `persistAll` / `READ_FROM_STORE` rules (§5, client spec §8). `{faults}`
/// is appended.
fn offsets_on_the_slave(faults: &str) -> rmq_sim::Scenario {
    scenario(&format!(
        r#"
        until = "10m"
        [slave]
        enabled = true
        [topic]
        writeQueueNums = 1
        readQueueNums = 1
        [producer]
        messages = 600
        interval = "100ms"
        {faults}
        "#
    ))
}

fn slave_syncs(sim: &Sim) -> Vec<(SimTime, u64)> {
    use rmq_sim::event::OffsetVia;
    sim.events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::OffsetCommitted { node: rmq_sim::NodeId::Slave, queue: rmq_sim::event::QueueKind::Main(0), offset, via: OffsetVia::SlaveSync } => {
                Some((e.at, offset))
            }
            _ => None,
        })
        .collect()
}

/// Client spec §8, `SlaveSynchronize`: every 10 s, the first 3 s after the slave starts, the slave
/// copies the master's consumer-offset table; a restarted slave starts its timer over.
#[test]
fn slave_synchronize_copies_the_masters_offsets_every_10s_from_3s_after_start() {
    let (sim, _) = run(&offsets_on_the_slave(""));
    let syncs = slave_syncs(&sim);
    assert!(syncs.len() >= 5, "the offsets move for a minute: {syncs:?}");
    for (at, _) in &syncs {
        assert_eq!((at.as_ms() - 3_000) % 10_000, 0, "syncs at 3 s + k·10 s: {syncs:?}");
    }
    // What the slave holds is what the master held at the sync.
    for (at, offset) in &syncs {
        let master_then = sim
            .events()
            .iter()
            .take_while(|e| e.at <= *at)
            .filter_map(|e| match e.kind {
                EventKind::OffsetCommitted { node: rmq_sim::NodeId::Master, queue: rmq_sim::event::QueueKind::Main(0), offset, .. } => Some(offset),
                _ => None,
            })
            .last();
        assert_eq!(master_then, Some(*offset), "sync at {at}");
    }

    // A slave stopped at 20.5 s and started at 31 s syncs first at 34 s, then every 10 s.
    let sc = offsets_on_the_slave(
        r#"
        [[fault]]
        at = "20500ms"
        kind = "SLAVE_DOWN"
        target = "slave"
        [[fault]]
        at = "31s"
        kind = "SLAVE_UP"
        target = "slave"
        "#,
    );
    let (sim, _) = run(&sc);
    let after: Vec<u64> = slave_syncs(&sim).iter().map(|(t, _)| t.as_ms()).filter(|&t| t > 20_500).collect();
    assert_eq!(after.first(), Some(&34_000), "{after:?}");
    assert!(after.iter().all(|t| (t - 34_000) % 10_000 == 0), "{after:?}");
}

/// Client spec §8, `persistAll`: every held queue's offset is sent each time, changed or not, to
/// the slave once the route has no master. A consumer that was caught up when the master died
/// (`SYNC_MASTER`: the slave holds everything it consumed, so its offset never moves again)
/// writes its exact offset over the slave's older synced one after the route poll.
#[test]
fn persist_all_sends_every_offset_to_the_slave_once_the_route_has_no_master() {
    use rmq_sim::event::OffsetVia;
    let mut sc = offsets_on_the_slave(
        r#"
        [[fault]]
        at = "45050ms"
        kind = "POWER_LOSS"
        target = "master"
        "#,
    );
    sc.broker.broker_role = rmq_sim::scenario::BrokerRole::SyncMaster;
    let (sim, _) = run(&sc);
    let changed = sim
        .events()
        .iter()
        .find(|e| matches!(e.kind, EventKind::RouteChanged { consumers_read_from: rmq_sim::NodeId::Slave }))
        .expect("the route drops the silent master")
        .at;
    let synced = slave_syncs(&sim).last().copied().expect("the slave synced before the fault");
    assert_eq!(synced.0, SimTime::from_ms(43_000));
    let persisted = sim
        .events()
        .iter()
        .find(|e| {
            matches!(e.kind, EventKind::OffsetCommitted { node: rmq_sim::NodeId::Slave, via: OffsetVia::Persist, queue: rmq_sim::event::QueueKind::Main(0), .. })
        })
        .expect("the next persistAll writes the offset to the slave");
    assert!(persisted.at > changed && persisted.at <= changed + SimDuration::from_ms(5_000), "{persisted} after {changed}");
    assert!(
        matches!(persisted.kind, EventKind::OffsetCommitted { offset: 451, .. }) && synced.1 < 451,
        "{persisted}; the slave had {} from the sync",
        synced.1
    );
    assert_eq!(sim.consumer_view().main_offset, 451, "nothing was consumed after the route change");
}

/// §6.25 with a lost disk: the consumer crashes and restarts while the route still lists the dead
/// master. Its `READ_FROM_STORE` query fails, so the rebalance skips the queues until one after the
/// route dropped the master (every 20 s from the start); then the slave answers with the offset it
/// synced, and only what was consumed since that sync is delivered again.
#[test]
fn consumer_restarted_while_the_route_lists_a_dead_master_resumes_from_the_slaves_offset() {
    let sc = offsets_on_the_slave(
        r#"
        [[fault]]
        at = "40s"
        kind = "DISK_LOST"
        target = "master"
        [[fault]]
        at = "50s"
        kind = "CONSUMER_CRASH"
        target = "consumer"
        duration = "20s"
        "#,
    );
    let (sim, r) = run(&sc);
    let failed: Vec<_> = sim.events().iter().filter(|e| matches!(e.kind, EventKind::OffsetQueryFailed { .. })).collect();
    assert!(!failed.is_empty(), "the dead master does not answer the offset query");
    assert_eq!(failed[0].at, SimTime::from_ms(70_000));
    assert!(matches!(failed[0].kind, EventKind::OffsetQueryFailed { node: rmq_sim::NodeId::Master, retry_at, .. } if retry_at == SimTime::from_ms(90_000)), "{}", failed[0]);
    let changed = sim.events().iter().find(|e| matches!(e.kind, EventKind::RouteChanged { .. })).expect("route poll").at;
    let assigned = sim
        .events()
        .iter()
        .find(|e| matches!(e.kind, EventKind::QueueAssigned { queue: rmq_sim::event::QueueKind::Main(0), node: rmq_sim::NodeId::Slave, .. }))
        .expect("a later rebalance reads the slave's offset");
    assert!(assigned.at > changed && assigned.at <= changed + SimDuration::from_ms(20_000), "{assigned}");
    assert_eq!((assigned.at.as_ms() - 70_000) % 20_000, 0, "rebalances every 20 s from the start");
    // The slave's offset is the master's at the last sync before the fault (33 s): the messages
    // consumed in the last ≤ 10 s are delivered again, not all 400.
    let dup = r.summary.verdicts.get("DUPLICATED").copied().unwrap_or(0);
    assert!((1..=100).contains(&dup), "{}", verdicts(&r));
}

/// `RebalanceService` never stops: a consumer that started with every broker down skips its
/// queues, and when a broker comes back — here a slave stopped for good and brought up by a later
/// `SLAVE_UP` — the next 20 s rebalance reads the offsets from it and the message is consumed.
/// Swarm seed 19226 (shrunk): the rebalance gave up while no broker was expected back, the queues
/// stayed skipped, and the message on the slave was reported lost with no cause.
#[test]
fn rebalance_resumes_when_a_broker_comes_back_unforeseen() {
    let sc = scenario(
        r#"
        version = "4.7.0"
        until = "1h"
        [slave]
        enabled = true
        replicationLatency = "2s"
        [producer]
        messages = 1
        [consumer]
        startAt = "15s"
        [[fault]]
        at = "2171ms"
        kind = "DISK_LOST"
        target = "master"
        [[fault]]
        at = "5015ms"
        kind = "SLAVE_DOWN"
        target = "slave"
        [[fault]]
        at = "305016ms"
        kind = "SLAVE_UP"
        target = "slave"
        "#,
    );
    let (sim, r) = run(&sc);
    assert!(first_at(&sim, |k| matches!(k, EventKind::OffsetQueryFailed { .. })) == Some(SimTime::from_ms(15_000)), "the queues are skipped at the start");
    let assigned = first_at(&sim, |k| matches!(k, EventKind::QueueAssigned { node: rmq_sim::NodeId::Slave, .. })).expect("a rebalance after the slave is back");
    assert_eq!(assigned, SimTime::from_ms(315_000), "the first 20 s rebalance tick after the slave restarted at 5m05.016s");
    assert_eq!(r.summary.verdicts.get("DELIVERED").copied().unwrap_or(0), 1, "{}", verdicts(&r));
}

/// §6.25 with a power loss: the consumer restarts after the route has dropped the master, reads
/// the slave's offset at once and redelivers at most the last few seconds.
#[test]
fn consumer_restarted_during_a_master_outage_redelivers_only_the_last_seconds() {
    let sc = offsets_on_the_slave(
        r#"
        [[fault]]
        at = "40s"
        kind = "POWER_LOSS"
        target = "master"
        [[fault]]
        at = "50s"
        kind = "CONSUMER_CRASH"
        target = "consumer"
        duration = "150s"
        "#,
    );
    let (sim, r) = run(&sc);
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::OffsetQueryFailed { .. })), "the fresh route names the slave");
    let dup = r.summary.verdicts.get("DUPLICATED").copied().unwrap_or(0);
    assert!((1..=100).contains(&dup), "{}", verdicts(&r));
}

/// Issue 18 item 5 (spec §5): `ScheduleMessageService` saves its progress (`delayOffset.json`)
/// every `flushDelayOffsetInterval` (10 s, the first 10 s after the master starts), never at a
/// crash. A retry moved to `%RETRY%` at 10.1 s is saved at 20 s: a master crash at 15 s forgets
/// the move, and the restarted master moves it again, so the retry is delivered twice; a crash at
/// 25 s moves nothing twice.
#[test]
fn schedule_progress_is_saved_every_10s_so_a_crash_moves_recent_retries_again() {
    let with_crash_at = |at: &str| {
        scenario(&format!(
            r#"
            until = "5m"
            [producer]
            messages = 1
            [consumer]
            failFirstAttempts = 1
            [[fault]]
            at = "{at}"
            kind = "PROCESS_CRASH"
            target = "master"
            duration = "5s"
            "#
        ))
    };
    let retry_moves = |sim: &Sim| {
        sim.events().iter().filter(|e| matches!(e.kind, EventKind::RetryDue { .. })).map(|e| e.at).collect::<Vec<_>>()
    };
    let (sim, r) = run(&with_crash_at("15s"));
    let moves = retry_moves(&sim);
    assert_eq!(moves.len(), 2, "moved at 10.1 s, and again after the restart at 20 s: {moves:?}");
    assert_eq!(moves[0], SimTime::from_ms(10_100));
    assert!(moves[1] > SimTime::from_ms(20_000) && moves[1] <= SimTime::from_ms(21_100), "{moves:?}");
    let m = &sim.ledger().messages[0];
    assert_eq!(m.deliveries.iter().filter(|d| d.from_retry).count(), 2, "the retry is delivered twice");
    assert_eq!(verdicts(&r), "DUPLICATED=1");

    let (sim, r) = run(&with_crash_at("25s"));
    assert_eq!(retry_moves(&sim), vec![SimTime::from_ms(10_100)], "saved at 20 s: not moved again");
    assert_eq!(verdicts(&r), "DELIVERED=1");
}

/// Client spec §7 (`ConsumeRequest.run` → `processConsumeResult` → `sendMessageBack`, a
/// synchronous RPC with a 5 s timeout): the consume thread is blocked until the broker answers.
/// With one thread and two failing messages, the second starts only when the first one's
/// `sendMessageBack` has returned: after the round trip with a master, after the 5 s timeout
/// with none in the route. The 4.9.8 source: `ConsumeMessageConcurrentlyService` L241-301,
/// `DefaultMQPushConsumerImpl.sendMessageBack` L522-549.
#[test]
fn send_message_back_blocks_the_consume_thread() {
    let base = r#"
        until = "10m"
        [network]
        latency = "50ms"
        [producer]
        messages = 2
        interval = "1ms"
        [consumer]
        consumeThread = 1
        consumeTime = "10ms"
        failMessages = [0, 1]
        maxReconsumeTimes = 0
        "#;
    let started = |sim: &Sim, msg: u32| -> Vec<SimTime> {
        sim.events()
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::Delivered { msg: m, .. } if m.0 == msg => Some(e.at),
                _ => None,
            })
            .collect()
    };
    // With the master: msg#1 waits for msg#0's consume (10 ms) and its round trip (2 × 50 ms).
    let (sim, _) = run(&scenario(base));
    let first = sim.events().iter().find(|e| matches!(e.kind, EventKind::Consumed { msg, .. } if msg.0 == 0)).expect("msg#0 consumed").at;
    assert_eq!(started(&sim, 1)[0], first + SimDuration::from_ms(100), "the thread is free when the answer is back");
    // The master's disk is gone for good and the route names the slave: each failure holds the
    // one thread for the 5 s RPC timeout, so msg#1 starts 5 s after msg#0's consume ended.
    let gone = format!(
        "{base}
        startAt = \"3m\"
        [slave]
        enabled = true
        [[fault]]
        at = \"1s\"
        kind = \"DISK_LOST\"
        target = \"master\"
        "
    );
    let mut sim = Sim::new(&scenario(&gone));
    sim.run_until(SimTime::from_ms(300_000));
    let (s0, s1) = (started(&sim, 0), started(&sim, 1));
    let consumed0 = sim.events().iter().find(|e| matches!(e.kind, EventKind::Consumed { msg, .. } if msg.0 == 0)).expect("msg#0 consumed").at;
    assert!(!s0.is_empty() && !s1.is_empty(), "both are consumed from the slave");
    assert_eq!(s1[0], consumed0 + SimDuration::from_ms(5_000), "msg#1 waits out msg#0's sendMessageBack timeout");
    // Every consume starts only after the previous one's RPC ended: starts are ≥ 5 s apart.
    let mut all: Vec<SimTime> = s0.iter().chain(&s1).copied().collect();
    all.sort();
    assert!(all.windows(2).all(|w| w[1].since(w[0]) >= SimDuration::from_ms(5_000)), "{all:?}");
}

/// Spec §5, client spec §6 (`PullRequestHoldService`, `brokerSuspendMaxTimeMillis` = 15 s): a
/// pull that finds nothing is held; the service checks held pulls every 5 s, so with no new
/// message it returns 15–20 s after it was held, and the client's next pull (at once) carries
/// the queue's commit offset to the master. With a 60 s persist interval, that pull is what
/// commits the last message's offset: a consumer crash 30 s later redelivers nothing. (Before,
/// a held pull waited for a message forever, and the crash redelivered the last message.)
#[test]
fn held_pull_returns_after_15_to_20_s_and_the_next_pull_commits_the_offset() {
    use rmq_sim::event::{OffsetVia, QueueKind};
    use rmq_sim::NodeId;
    let sc = scenario(
        r#"
        until = "3m"
        [topic]
        writeQueueNums = 1
        readQueueNums = 1
        [producer]
        messages = 5
        interval = "3s"
        [consumer]
        persistConsumerOffsetInterval = 60000
        [[fault]]
        at = "40s"
        kind = "CONSUMER_CRASH"
        target = "consumer"
        duration = "5s"
        "#,
    );
    let (sim, r) = run(&sc);
    // msg#4 is consumed at ~12 s; its pull is held from then on, and the first 5 s check at or
    // after held + 15 s answers PULL_NOT_FOUND: at 30 s. The next pull commits offset 5.
    let last_pulled = sim
        .events()
        .iter()
        .rfind(|e| matches!(e.kind, EventKind::Pulled { queue: QueueKind::Main(0), count: 1, .. }))
        .expect("msg#4 pulled")
        .at;
    let commit = sim
        .events()
        .iter()
        .find(|e| matches!(e.kind, EventKind::OffsetCommitted { node: NodeId::Master, queue: QueueKind::Main(0), offset: 5, via: OffsetVia::Pull }))
        .expect("a pull commits offset 5")
        .at;
    let held_for = commit.since(last_pulled);
    assert!(held_for >= SimDuration::from_ms(15_000) && held_for <= SimDuration::from_ms(20_010), "the pull came back after {held_for}");
    assert_eq!(commit.as_us() % 5_000_000, 2 * sc.network.latency.as_us(), "answered at a 5 s check, plus the round trip");
    assert_eq!(verdicts(&r), "DELIVERED=5", "the crash at 40 s redelivers nothing");
}

/// Issue 18 item 7: a master notices a slave *process* that died within tens of milliseconds
/// (the OS closes the dead process's HA connection): SYNC_MASTER sends that reach the master in
/// that window still count the slave and wait `slaveTimeout` (`FLUSH_SLAVE_TIMEOUT`); later ones
/// get `SLAVE_NOT_AVAILABLE` at once. (A power loss is noticed only by housekeeping:
/// `slave_silent_loss_is_noticed_after_housekeeping`.)
#[test]
fn a_dead_slave_process_is_noticed_within_tens_of_milliseconds() {
    let sc = scenario(
        r#"
        until = "1m"
        [broker]
        brokerRole = "SYNC_MASTER"
        [slave]
        enabled = true
        [producer]
        messages = 200
        interval = "1ms"
        sendMsgTimeout = 10000
        [[fault]]
        at = "100ms"
        kind = "PROCESS_CRASH"
        target = "slave"
        "#,
    );
    let (sim, _) = run(&sc);
    let died = SimTime::from_ms(100);
    let noticed = sim.events().iter().find(|e| matches!(e.kind, EventKind::SlaveDisconnected { .. })).expect("noticed").at;
    assert_eq!(noticed, died + SimDuration::from_ms(20) + sc.slave.replication_latency, "the process's teardown, then the FIN across the HA link");
    let mut waited = 0;
    for m in &sim.ledger().messages {
        let a = &m.attempts[0];
        let arrived = a.sent_at + sc.network.latency;
        let (at, answer) = a.outcome.expect("answered");
        if arrived >= died && arrived < noticed {
            waited += 1;
            assert_eq!(answer, Answer::Status(SendStatus::FlushSlaveTimeout), "msg#{} reached the master in the window", m.id);
            assert!(at.since(arrived) >= sc.broker.slave_timeout, "msg#{} waited slaveTimeout", m.id);
        } else if arrived >= noticed {
            assert_eq!(answer, Answer::Status(SendStatus::SlaveNotAvailable), "msg#{}", m.id);
        }
    }
    assert!(waited >= 15, "sends reached the master in the {} window: {waited}", noticed.since(died));
}

/// `DefaultMessageStore.ReputMessageService.doReput` calls the arriving listener only when the
/// broker is not a `SLAVE`: a pull held on a slave is not woken by a replicated message, only by
/// `PullRequestHoldService`'s 5 s check. Here the master restarts while consumers still read
/// from the slave (their route changes back at the next 30 s poll): the slave's held pulls are
/// answered only at its 5 s ticks (plus the round trips of a batch's follow-up pulls).
#[test]
fn a_held_pull_on_a_slave_wakes_only_at_the_hold_services_check() {
    use rmq_sim::NodeId;
    let sc = scenario(
        r#"
        until = "3m"
        [slave]
        enabled = true
        [producer]
        messages = 800
        interval = "100ms"
        [[fault]]
        at = "5s"
        kind = "PROCESS_CRASH"
        target = "master"
        duration = "40s"
        "#,
    );
    let (sim, _) = run(&sc);
    let ev = sim.events();
    let restarted = ev.iter().find(|e| matches!(e.kind, EventKind::BrokerRestarted { node: NodeId::Master, .. })).expect("restart").at;
    let back = ev.iter().find(|e| e.at > restarted && matches!(e.kind, EventKind::RouteChanged { consumers_read_from: NodeId::Master })).expect("route back").at;
    let pulls: Vec<SimTime> = ev
        .iter()
        .filter(|e| e.at > restarted && e.at < back && matches!(e.kind, EventKind::Pulled { node: NodeId::Slave, count, .. } if count > 0))
        .map(|e| e.at)
        .collect();
    assert!(pulls.len() >= 2, "the consumer read new messages from the slave: {pulls:?}");
    for t in &pulls {
        assert!(t.as_us() % 5_000_000 < 10_000, "a slave answered a held pull at {t}, not at a 5 s check");
    }
}

/// Swarm seed 1128 (shrunk): a retry moved to `%RETRY%` while that queue's held pull was on its
/// way back as `PULL_NOT_FOUND` (a 2 s network latency) must still be consumed: the pull the
/// client sends on that answer finds it. (With the answer as a background action the run ended
/// under it and the retry was never read.)
#[test]
fn a_message_arriving_while_an_empty_pull_returns_is_consumed() {
    let sc = scenario(
        r#"
        until = "6h"
        [broker]
        brokerRole = "SYNC_MASTER"
        flushDiskType = "SYNC_FLUSH"
        messageDelayLevel = "1s 5s 10s 30s"
        [network]
        latency = "2s"
        [producer]
        messages = 1
        [consumer]
        consumeTime = "5s"
        consumeThread = 1
        failFirstAttempts = 3
        "#,
    );
    let (sim, _) = run(&sc);
    let m = &sim.ledger().messages[0];
    assert_eq!(m.deliveries.len(), 4, "consumed from %RETRY% after three failures");
    assert_eq!(m.verdict, Some(Verdict::Delivered));
}

/// Swarm seeds 3221 and 6736 (shrunk): under `SYNC_FLUSH` a power loss keeps every `SEND_OK`
/// copy, but a disk lost while the master was already down (faults compose) takes them: a later
/// power loss is not to blame, and the checker must not say so.
#[test]
fn a_disk_lost_while_the_master_is_down_takes_its_send_ok_copies() {
    let (sim, r) = run(&scenario(
        r#"
        until = "1h"
        [broker]
        flushDiskType = "SYNC_FLUSH"
        [producer]
        messages = 1
        [[fault]]
        at = "4475ms"
        kind = "POWER_LOSS"
        target = "master"
        duration = "30s"
        [[fault]]
        at = "10151ms"
        kind = "DISK_LOST"
        target = "master"
        duration = "30s"
        [[fault]]
        at = "42727ms"
        kind = "POWER_LOSS"
        target = "master"
        "#,
    ));
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::BrokerStillDown { .. })), "the disk goes under a down master");
    assert_eq!(statuses(&r), "SEND_OK=1");
}

// ---- Topic queues (issue 18 item 6; spec §5 "A topic has several queues", client spec §1) ----

/// The `TopicTest` queue of each main-topic `SendAttempted`, in log order, by message.
fn attempt_queues(sim: &Sim) -> Vec<(u32, u8)> {
    sim.events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::SendAttempted { msg, queue, .. } => Some((msg.0, queue)),
            _ => None,
        })
        .collect()
}

/// `selectOneMessageQueue` (sendLatencyFaultEnable = false): each send takes the next of the
/// topic's `writeQueueNums` queues, round robin on the sending thread's index; the broker
/// dispatches it to that queue, where the consumer reads it at that queue's own offsets.
#[test]
fn producer_sends_round_robin_over_the_write_queues() {
    let (sim, r) = run(&scenario("[producer]\nmessages = 10\n"));
    assert_eq!(verdicts(&r), "DELIVERED=10");
    let queues: Vec<u8> = attempt_queues(&sim).iter().map(|&(_, q)| q).collect();
    assert_eq!(queues, [0, 1, 2, 3, 0, 1, 2, 3, 0, 1], "defaultTopicQueueNums = 4, round robin");
    for e in sim.events() {
        match e.kind {
            EventKind::Appended { msg, topic: rmq_sim::event::Topic::Main, queue_id, .. } => {
                assert_eq!(queue_id as u32, msg.0 % 4, "msg#{} stored in the queue it was sent to", msg.0)
            }
            EventKind::Delivered { msg, queue, queue_offset, .. } => {
                assert_eq!(queue, rmq_sim::event::QueueKind::Main((msg.0 % 4) as u8));
                assert_eq!(queue_offset as u32, msg.0 / 4, "each queue has its own offsets");
            }
            _ => {}
        }
    }
    for q in 0..4u8 {
        assert_eq!(sim.master().store.queue(rmq_sim::event::Topic::Main, q).len(), if q < 2 { 3 } else { 2 });
    }
    // A closed loop: each thread has its own index (the lab starts thread t at queue t).
    let (sim, _) = run(&scenario("[producer]\nmessages = 6\nthreads = 2\n[topic]\nwriteQueueNums = 3\n"));
    let queues: Vec<u8> = attempt_queues(&sim).iter().map(|&(_, q)| q).collect();
    assert_eq!(queues, [0, 1, 1, 2, 2, 0], "thread 0 picks 0, 1, 2; thread 1 picks 1, 2, 0");
}

/// A SYNC retry (`lastBrokerName` set) looks for a queue on another broker: with one broker
/// group every queue is on the failed broker, so after `writeQueueNums` picks it falls back to
/// one more; the retry lands on the next queue, and the round robin goes on from there.
#[test]
fn retry_avoids_the_failed_broker_and_with_one_group_takes_the_next_queue() {
    let (sim, _) = run(&scenario(
        r#"
        [producer]
        messages = 4
        interval = "1s"
        [[fault]]
        at = "500ms"
        kind = "PROCESS_CRASH"
        duration = "2s"
        "#,
    ));
    // msg#1 and msg#2 find the master down: three refused attempts each, each on the next queue.
    assert_eq!(attempt_queues(&sim), [(0, 0), (1, 1), (1, 2), (1, 3), (2, 0), (2, 1), (2, 2), (3, 3)]);
}

/// Each queue's pulls carry that queue's in-memory offset: a consumer that crashes before its
/// first `persistAll` (10 s after it starts) restarts from each queue's last pull commit. With
/// 8 messages 1 s apart on 4 queues, each queue's last pull committed only its first message:
/// the restart redelivers 4. On one queue the last pull committed 7: it redelivers 1.
#[test]
fn crashed_consumer_redelivers_from_each_queues_own_pull_commit() {
    let toml = |queues: u32| {
        format!(
            "[topic]\nwriteQueueNums = {queues}\nreadQueueNums = {queues}\n[producer]\nmessages = 8\ninterval = \"1s\"\n\
             [[fault]]\nat = \"7500ms\"\nkind = \"CONSUMER_CRASH\"\nduration = \"500ms\"\n"
        )
    };
    let restart_offsets = |sim: &Sim| {
        sim.events()
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::ConsumerStarted { offsets } => Some(offsets.clone()),
                _ => None,
            })
            .nth(1)
            .expect("restarted")
    };
    let (sim, r) = run(&scenario(&toml(4)));
    assert_eq!(verdicts(&r), "DELIVERED=4 DUPLICATED=4");
    let main: Vec<Option<u64>> = restart_offsets(&sim).iter().filter(|(q, _)| *q != rmq_sim::event::QueueKind::Retry).map(|(_, o)| *o).collect();
    assert_eq!(main, [Some(1); 4], "each queue resumes from its own commit");
    let (sim, r) = run(&scenario(&toml(1)));
    assert_eq!(verdicts(&r), "DELIVERED=7 DUPLICATED=1");
    assert_eq!(restart_offsets(&sim)[0], (rmq_sim::event::QueueKind::Main(0), Some(7)));
}

/// `writeQueueNums` > `readQueueNums`: the producer sends to every write queue, the rebalance
/// hands out only the first `readQueueNums`, so what lands in the others is never consumed; its
/// cause says so.
#[test]
fn fewer_read_queues_than_write_queues_leave_messages_unread() {
    let sc = scenario("[topic]\nwriteQueueNums = 4\nreadQueueNums = 2\n[producer]\nmessages = 8\n");
    let (sim, r) = run(&sc);
    assert_eq!(verdicts(&r), "DELIVERED=4 LOST_AFTER_ACK=4");
    for m in &sim.ledger().messages {
        let unread = m.id % 4 >= 2;
        assert_eq!(m.verdict == Some(Verdict::LostAfterAck), unread, "msg#{}", m.id);
        if unread {
            let why = m.explain(Default::default());
            assert!(why.contains(&format!("TopicTest#{}, a queue no consumer reads", m.id % 4)), "{why}");
            assert!(why.contains("writeQueueNums = 4 but readQueueNums = 2"), "{why}");
        }
    }
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::Pulled { queue: rmq_sim::event::QueueKind::Main(2 | 3), .. })));
}

/// `%RETRY%<group>` has one queue (`retryQueueNums` = 1) and `%DLQ%<group>` one
/// (`DLQ_NUMS_PER_GROUP`): retries of messages from every `TopicTest` queue share it.
#[test]
fn retry_topic_has_one_queue_for_every_source_queue() {
    let (sim, r) = run(&scenario(
        "[producer]\nmessages = 8\n[consumer]\nfailFirstAttempts = 1\nmaxReconsumeTimes = 1\nfailMessages = [7]\n",
    ));
    assert_eq!(verdicts(&r), "DEAD_LETTERED=1 DELIVERED=7");
    let retry_offsets: Vec<u64> = sim
        .events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Delivered { queue: rmq_sim::event::QueueKind::Retry, queue_offset, .. } => Some(queue_offset),
            _ => None,
        })
        .collect();
    assert_eq!(retry_offsets, (0..8).collect::<Vec<u64>>(), "one queue, offsets 0..7");
    assert!(sim.events().iter().all(|e| !matches!(e.kind, EventKind::Appended { topic: rmq_sim::event::Topic::Retry | rmq_sim::event::Topic::Dlq, queue_id: 1.., .. })));
    assert_eq!(sim.master().store.cq_retry.len(), 8);
    assert_eq!(sim.master().store.cq_dlq.len(), 1);
}

/// Client spec §7, `DefaultMQPushConsumerImpl.sendMessageBack`'s catch block: when the
/// `consumerSendMessageBack` RPC throws (here: it reached a master whose process had just died,
/// and timed out after 5 s), the client sends the message to `%RETRY%<group>` itself with its inner
/// producer, `RECONSUME_TIME` n + 1 and `delayTimeLevel` 3 + n. The master is back by then, so the
/// retry is stored (delay level 3, 10 s) and consumed from `%RETRY%` — no local re-consume. The
/// broker compares the header's n + 1 with `maxReconsumeTimes`: at `maxReconsumeTimes = 1` the
/// fallback dead-letters a message on its first failure, where `consumerSendMsgBack` would have
/// scheduled one retry.
#[test]
fn send_back_failure_falls_back_to_the_clients_own_send_to_the_retry_topic() {
    let toml = |consumer: &str| {
        format!(
            "until = \"2m\"\n[topic]\nwriteQueueNums = 1\nreadQueueNums = 1\n[producer]\nmessages = 1\n[consumer]\n{consumer}\n\
             [[fault]]\nat = \"7ms\"\nkind = \"PROCESS_CRASH\"\ntarget = \"master\"\nduration = \"2s\"\n"
        )
    };
    let (sim, r) = run(&scenario(&toml("failFirstAttempts = 1")));
    assert_eq!(verdicts(&r), "DELIVERED=1");
    let fallback = sim.events().iter().find(|e| matches!(e.kind, EventKind::SendBackFallback { reconsume_times: 1, .. })).expect("the client sends it back itself");
    assert_eq!(fallback.at, SimTime::from_ms(7 + 5_000), "after the RPC's 5 s timeout");
    let scheduled = sim.events().iter().find_map(|e| match e.kind {
        EventKind::RetryScheduled { delay_level, due_at, reconsume_times, .. } => Some((e.at, delay_level, due_at, reconsume_times)),
        _ => None,
    });
    assert_eq!(scheduled, Some((SimTime::from_ms(5_008), 3, SimTime::from_ms(15_008), 1)), "level 3 + 0, stored by the fallback put");
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::Delivered { queue: rmq_sim::event::QueueKind::Retry, reconsume_times: 1, .. })));
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::ConsumeRetriedLocally { .. })), "the fallback succeeded");
    // maxReconsumeTimes = 1: n + 1 = 1 ≥ 1, so the fallback's put goes to %DLQ% at once.
    let (sim, r) = run(&scenario(&toml("failMessages = [0]\nmaxReconsumeTimes = 1")));
    assert_eq!(verdicts(&r), "DEAD_LETTERED=1");
    assert_eq!(sim.ledger().messages[0].deliveries.len(), 1, "dead-lettered on its first failure");
    assert!(sim.events().iter().any(|e| e.at == SimTime::from_ms(5_008) && matches!(e.kind, EventKind::DeadLettered { reconsume_times: 1, .. })), "the header's reconsumeTimes n + 1 = 1");
    // A master process still down refuses the fallback at once: the message is consumed again locally.
    let (sim, _) = run(&scenario(&toml("failFirstAttempts = 1").replace("duration = \"2s\"", "duration = \"8s\"")));
    assert!(sim.events().iter().any(|e| e.at == SimTime::from_ms(5_007) && matches!(e.kind, EventKind::ConsumeRetriedLocally { .. })));
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::SendBackFallback { .. })));
}
