//! One test per rule of `shared/spec/rocketmq-5.md` §5 (consumer side) and §6 item 7: the gRPC
//! push consumer (`[consumer] client = "grpc"`, RocketMQ 5.3.3), which receives through the proxy
//! by POP (`sim/src/sim/pop_message_processor.rs` and its neighbours). Each test is named after
//! its rule.

mod common;
use common::*;

use rmq_sim::event::{EventKind, MsgId, QueueKind};
use rmq_sim::ledger::Verdict;
use rmq_sim::scenario::{parse_scenario, GroupRetryPolicy};
use rmq_sim::{Sim, SimDuration, SimTime};

/// Ten messages, message 3 fails every delivery, under the gRPC consumer (`consumer` adds keys).
fn grpc(consumer: &str, until: &str) -> rmq_sim::Scenario {
    scenario(&format!(
        r#"
        version = "5.3.3"
        until = "{until}"
        [producer]
        messages = 10
        [consumer]
        client = "grpc"
        {consumer}
        "#
    ))
}

/// When each delivery of `msg` reached a consume thread.
fn deliveries(sim: &Sim, msg: u32) -> Vec<SimTime> {
    sim.events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Delivered { msg: m, .. } if m == MsgId(msg)))
        .map(|e| e.at)
        .collect()
}

fn verdict(sim: &Sim, msg: u32) -> Verdict {
    sim.ledger().get(MsgId(msg)).verdict.expect("a verdict")
}

fn parse_err(toml: &str) -> String {
    match parse_scenario(toml) {
        Ok(_) => panic!("must be refused:\n{toml}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn grpc_consumer_exists_only_in_5x() {
    let e = parse_err("[consumer]\nclient = \"grpc\"\n");
    assert!(e.contains("consumer.client") && e.contains("5.3.3"), "{e}");
    let e = parse_err("version = \"4.7.0\"\n[consumer]\nclient = \"grpc\"\n");
    assert!(e.contains("consumer.client") && e.contains("RocketMQ 4.7.0"), "{e}");
    let e = parse_err("version = \"5.3.3\"\n[consumer]\nclient = \"http\"\n");
    assert!(e.contains("consumer.client"), "{e}");
    assert!(parse_scenario("version = \"5.3.3\"\n[consumer]\nclient = \"remoting\"\n").is_ok());
}

#[test]
fn each_client_takes_only_its_own_knobs() {
    let e = parse_err("version = \"5.3.3\"\n[consumer]\nclient = \"grpc\"\nmaxReconsumeTimes = 3\n");
    assert!(e.contains("consumer.maxReconsumeTimes") && e.contains("retryMaxTimes"), "{e}");
    let e = parse_err("version = \"5.3.3\"\n[consumer]\nclient = \"grpc\"\npullBatchSize = 8\n");
    assert!(e.contains("consumer.pullBatchSize") && e.contains("remoting"), "{e}");
    let e = parse_err("version = \"5.3.3\"\n[consumer]\nretryMaxTimes = 3\n");
    assert!(e.contains("consumer.retryMaxTimes") && e.contains("maxReconsumeTimes"), "{e}");
    let e = parse_err("version = \"5.3.3\"\n[consumer]\nclient = \"grpc\"\nretryMaxTimes = -1\n");
    assert!(e.contains("consumer.retryMaxTimes"), "{e}");
    let e = parse_err("version = \"5.3.3\"\n[consumer]\nclient = \"grpc\"\ngroupRetryPolicy = \"LINEAR\"\n");
    assert!(e.contains("consumer.groupRetryPolicy"), "{e}");
    let e = parse_err("version = \"5.3.3\"\n[consumer]\nclient = \"grpc\"\ndefaultInvisibleTimeMills = \"5s\"\n");
    assert!(e.contains("consumer.defaultInvisibleTimeMills") && e.contains("10 s"), "{e}");
    let e = parse_err("version = \"5.3.3\"\n[consumer]\nclient = \"grpc\"\nconsumptionThreadCount = 0\n");
    assert!(e.contains("consumer.consumptionThreadCount"), "{e}");
}

#[test]
fn grpc_consumer_scenario_round_trips_through_toml() {
    let sc = grpc("retryMaxTimes = 4\ngroupRetryPolicy = \"EXPONENTIAL\"\ndefaultInvisibleTimeMills = 30000\nconsumptionThreadCount = 4", "1h");
    let text = rmq_sim::scenario::parse::scenario_to_toml(&sc);
    assert!(text.contains("client = \"grpc\"") && !text.contains("maxReconsumeTimes"), "{text}");
    assert_eq!(parse_scenario(&text).expect("written scenario parses"), sc);
}

/// `CustomizedBackoffRetryPolicy.getNextAttemptDelay(attempt)` = `next[attempt - 1]`: the list
/// from its first entry (1 s), the last entry past the end; `ExponentialBackoffRetryPolicy` at the
/// group defaults (5 s × 2^(attempt - 1), at most 2 h).
#[test]
fn retry_policy_uses_the_list_from_its_first_entry() {
    let c = GroupRetryPolicy::Customized;
    assert_eq!(c.next_attempt_delay(1), SimDuration::from_secs(1));
    assert_eq!(c.next_attempt_delay(2), SimDuration::from_secs(5));
    assert_eq!(c.next_attempt_delay(17), SimDuration::from_secs(3_600));
    assert_eq!(c.next_attempt_delay(18), SimDuration::from_secs(7_200));
    assert_eq!(c.next_attempt_delay(40), SimDuration::from_secs(7_200));
    let x = GroupRetryPolicy::Exponential;
    assert_eq!(x.next_attempt_delay(1), SimDuration::from_secs(5));
    assert_eq!(x.next_attempt_delay(3), SimDuration::from_secs(20));
    assert_eq!(x.next_attempt_delay(60), SimDuration::from_secs(7_200));
}

/// `PopMessageProcessor` moves the group's offset past what it pops at once; only the
/// checkpoint stands for the message until it is acked.
#[test]
fn pop_moves_the_offset_at_once_and_ack_ends_the_checkpoint() {
    let (sim, r) = run(&grpc("consumeTime = \"30s\"", "10m"));
    let popped = sim.events().iter().find(|e| matches!(e.kind, EventKind::Popped { msg: MsgId(0), .. })).expect("popped");
    let EventKind::Popped { invisible_until, .. } = popped.kind else { unreachable!() };
    assert_eq!(invisible_until, popped.at + SimDuration::from_secs(60), "the proxy's defaultInvisibleTimeMills");
    let total: u64 = (0..4).map(|q| sim.master().offsets.get(&QueueKind::Main(q)).copied().unwrap_or(0)).sum();
    assert_eq!(total, 10, "every message popped: the offsets moved");
    let acked = sim.events().iter().filter(|e| matches!(e.kind, EventKind::PopAcked { .. })).count();
    assert_eq!(acked, 10);
    assert_eq!(verdicts(&r), "DELIVERED=10");
}

/// A nack is `changeInvisibleDuration(next[attempt - 1])`; the revive service writes the message
/// to the retry topic ~2 s after that (`ackTimeInterval` + 1 s): the first retry comes ~1 s + the
/// revive lag after the failure, not 10 s (the remoting consumer's level 3).
#[test]
fn first_retry_after_one_second_plus_the_revive_lag() {
    let (sim, _) = run(&grpc("failMessages = [3]", "6h"));
    let d = deliveries(&sim, 3);
    let failed = d[0] + SimDuration::from_ms(5); // consumeTime
    let nack = sim.events().iter().find(|e| matches!(e.kind, EventKind::InvisibleTimeChanged { msg: MsgId(3), renewed: false, .. })).expect("a nack");
    let EventKind::InvisibleTimeChanged { visible_at, .. } = nack.kind else { unreachable!() };
    assert_eq!(visible_at, nack.at + SimDuration::from_secs(1), "next[0] = 1 s");
    let gap = d[1].since(failed);
    assert!(gap >= SimDuration::from_secs(3) && gap < SimDuration::from_ms(3_200), "1 s + ~2.1 s revive lag, got {gap}");
    let second = d[2].since(d[1] + SimDuration::from_ms(5));
    assert!(second >= SimDuration::from_secs(7) && second < SimDuration::from_ms(7_200), "5 s + lag, got {second}");
}

/// §6 item 7: 17 deliveries, the 17th ~1 h 46 min after the first; the proxy's
/// `PopMessageResultFilterImpl` sends the 18th pop (`reconsumeTimes` 17 ≥ `maxAttempts` 17) to
/// `%DLQ%` ~2 h 46 min after the first delivery; the remoting consumer takes 4 h 45 min.
#[test]
fn poison_message_dead_letters_after_max_attempts_on_the_5x_schedule() {
    let (sim, r) = run(&grpc("failMessages = [3]", "6h"));
    let d = deliveries(&sim, 3);
    assert_eq!(d.len(), 17, "maxAttempts = retryMaxTimes + 1 = 17 deliveries");
    let to_17th = d[16].since(d[0]);
    assert!(to_17th > SimDuration::from_secs(6_346) && to_17th < SimDuration::from_secs(6_420), "~1h46m, got {to_17th}");
    let dlq = sim.events().iter().find(|e| matches!(e.kind, EventKind::DeadLettered { msg: MsgId(3), .. })).expect("dead-lettered");
    assert!(matches!(dlq.kind, EventKind::DeadLettered { reconsume_times: 17, .. }));
    let to_dlq = dlq.at.since(d[0]);
    assert!(to_dlq > SimDuration::from_secs(9_946) && to_dlq < SimDuration::from_secs(10_020), "~2h46m, got {to_dlq}");
    assert_eq!(verdict(&sim, 3), Verdict::DeadLettered);
    assert_eq!(verdicts(&r), "DEAD_LETTERED=1 DELIVERED=9");
    // The same poison message with the remoting consumer: level 3 + reconsumeTimes, 4 h 45 min.
    let mut remoting = grpc("failMessages = [3]", "6h");
    remoting.consumer.client = rmq_sim::scenario::Client::Remoting;
    let (rsim, _) = run(&remoting);
    let rd = deliveries(&rsim, 3);
    assert_eq!(rd.len(), 17);
    assert!(rd[1].since(rd[0]) >= SimDuration::from_secs(10), "remoting: first retry after 10 s");
    assert!(rd[16].since(rd[0]) > SimDuration::from_secs(4 * 3_600 + 45 * 60 - 120));
}

/// `maxAttempts` = the group's `retryMaxTimes` + 1 (`GrpcClientSettingsManager`).
#[test]
fn retry_max_times_sets_max_attempts() {
    let (sim, _) = run(&grpc("failMessages = [3]\nretryMaxTimes = 2", "1h"));
    assert_eq!(deliveries(&sim, 3).len(), 3);
    assert_eq!(verdict(&sim, 3), Verdict::DeadLettered);
    let (sim, _) = run(&grpc("failMessages = [3]\nretryMaxTimes = 0", "1h"));
    assert_eq!(deliveries(&sim, 3).len(), 1, "retryMaxTimes = 0: one delivery, then the DLQ");
}

/// The group's `EXPONENTIAL` policy reaches the client through the proxy's settings.
#[test]
fn exponential_group_retry_policy_sets_the_backoff() {
    let (sim, _) = run(&grpc("failMessages = [3]\nretryMaxTimes = 2\ngroupRetryPolicy = \"EXPONENTIAL\"", "1h"));
    let d = deliveries(&sim, 3);
    let gap = d[1].since(d[0] + SimDuration::from_ms(5));
    assert!(gap >= SimDuration::from_secs(7) && gap < SimDuration::from_ms(7_200), "5 s + lag, got {gap}");
    let gap = d[2].since(d[1] + SimDuration::from_ms(5));
    assert!(gap >= SimDuration::from_secs(12) && gap < SimDuration::from_ms(12_200), "10 s + lag, got {gap}");
}

/// Auto-renew: while the client holds a message the proxy renews its invisible time 10 s before
/// it ends, so a consumption longer than `defaultInvisibleTimeMills` is not delivered twice.
#[test]
fn proxy_renews_a_held_message_so_a_slow_consumption_is_not_redelivered() {
    let (sim, r) = run(&grpc("consumeTime = \"150s\"", "1h"));
    let renewals = sim.events().iter().filter(|e| matches!(e.kind, EventKind::InvisibleTimeChanged { renewed: true, .. })).count();
    assert!(renewals >= 10, "each message renewed at 50 s and 100 s, got {renewals}");
    assert_eq!(sim.events().iter().filter(|e| matches!(e.kind, EventKind::Revived { .. })).count(), 0);
    assert_eq!(verdicts(&r), "DELIVERED=10");
}

/// A crashed client renews nothing: what it held comes back when the invisible time ends
/// (pop + 60 s + the revive lag), through the retry topic with `reconsumeTimes` 1.
#[test]
fn messages_of_a_crashed_client_come_back_after_the_invisible_time() {
    let sc = scenario(
        r#"
        version = "5.3.3"
        until = "10m"
        [producer]
        messages = 10
        [consumer]
        client = "grpc"
        consumeTime = "20s"
        [[fault]]
        at = "10s"
        kind = "CONSUMER_CRASH"
        duration = "5s"
        "#,
    );
    let (sim, r) = run(&sc);
    let d = deliveries(&sim, 0);
    assert_eq!(d.len(), 2, "{d:?}");
    let back = d[1].since(d[0]);
    assert!(back >= SimDuration::from_secs(62) && back < SimDuration::from_ms(62_300), "60 s + lag, got {back}");
    let revived = sim.events().iter().filter(|e| matches!(e.kind, EventKind::Revived { reconsume_times: 1, .. })).count();
    assert_eq!(revived, 10);
    assert_eq!(verdicts(&r), "DELIVERED=10");
}

/// An ack the master cannot take (it is down) is retried by the client and reaches the master
/// when it is back, before its revive service scans again: no redelivery.
#[test]
fn an_ack_during_a_master_outage_lands_when_the_master_returns() {
    let sc = scenario(
        r#"
        version = "5.3.3"
        until = "10m"
        [producer]
        messages = 1
        [consumer]
        client = "grpc"
        consumeTime = "2s"
        [[fault]]
        at = "1s"
        kind = "PROCESS_CRASH"
        target = "master"
        duration = "2m"
        "#,
    );
    let (sim, r) = run(&sc);
    assert_eq!(deliveries(&sim, 0).len(), 1);
    let acked = sim.events().iter().find(|e| matches!(e.kind, EventKind::PopAcked { .. })).expect("acked");
    assert!(acked.at > SimTime::ZERO + SimDuration::from_secs(120), "after the restart, at {}", acked.at);
    assert_eq!(verdicts(&r), "DELIVERED=1");
}

/// The proxy renews on its `scheduleRenewTask` scan, every `renewSchedulePeriodMillis` (5 s),
/// a handle whose invisible time ends within `renewAheadTimeMillis` (10 s). At the proxy's
/// minimum invisible time (`defaultInvisibleTimeMills` = 10 s) that is already true at the pop:
/// the message is renewed at each scan while the client holds it (5 s, 10 s, 15 s …), and a
/// 15 s consumption is delivered once. (Renewing only at `invisible end − 10 s` — the pop itself,
/// before the client held it — renewed nothing, and every delivery was revived while it ran:
/// swarm, issue 21.)
#[test]
fn proxy_renews_on_its_5s_scan_even_at_the_minimum_invisible_time() {
    let (sim, r) = run(&grpc("consumeTime = \"15s\"\ndefaultInvisibleTimeMills = \"10s\"", "2m"));
    let renewals: Vec<SimTime> =
        sim.events().iter().filter(|e| matches!(e.kind, EventKind::InvisibleTimeChanged { renewed: true, .. })).map(|e| e.at).collect();
    assert!(!renewals.is_empty());
    assert!(renewals.iter().all(|t| t.as_us() % 5_000_000 == 0), "on the 5 s scans: {renewals:?}");
    assert_eq!(sim.events().iter().filter(|e| matches!(e.kind, EventKind::Revived { .. })).count(), 0);
    assert_eq!(verdicts(&r), "DELIVERED=10");
}

/// `ReputMessageService` dispatches up to the confirm offset and never takes a dispatch back
/// (`isCommitLogAvailable`: `reputFromOffset < getConfirmOffset()`). `computeConfirmOffset`
/// skips a member whose ack is still 0, so the confirm offset is the master's end until the
/// slave's first ack, then falls to that ack: message 1, dispatched and popped before, stays in
/// its consume queue and the group's offset stays past it. (The lab hid it again, and the pop's
/// offset correction — `OFFSET_OVERFLOW_BADLY` sets the offset to the queue's end — moved the
/// group's offset back onto it: popped twice with no fault, swarm seeds 474, 884, 1097.)
#[test]
fn a_falling_confirm_offset_takes_back_no_dispatched_message() {
    let sc = scenario(
        r#"
        version = "5.3.3"
        until = "1m"
        [broker]
        enableControllerMode = true
        allAckInSyncStateSet = true
        totalReplicas = 2
        inSyncReplicas = 2
        minInSyncReplicas = 2
        [slave]
        enabled = true
        replicationLatency = "20ms"
        [producer]
        messages = 2
        interval = "10ms"
        [consumer]
        client = "grpc"
        "#,
    );
    let (sim, r) = run(&sc);
    let mut popped = std::collections::BTreeSet::new();
    for t in sim.pop_trace() {
        assert!(popped.insert((t.queue, t.queue_offset)), "{} offset {} popped twice: {:?}", t.queue, t.queue_offset, sim.pop_trace());
    }
    assert_eq!(popped.len(), 2);
    assert_eq!(deliveries(&sim, 1).len(), 1);
    assert_eq!(verdicts(&r), "DELIVERED=2");
}
