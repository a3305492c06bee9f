//! One test per rule of `shared/spec/rocketmq-5.md` §5 (consumer side) and §6 item 7: the gRPC
//! push consumer (`[consumer] client = "grpc"`, RocketMQ 5.3.3), which receives through the proxy
//! by POP (`sim/src/sim/pop_message_processor.rs` and its neighbours). Each test is named after
//! its rule.

mod common;
use common::*;

use rmq_sim::event::{EventKind, MsgId, NodeId, QueueKind, RenewEnd};
use rmq_sim::ledger::{CauseStep, Verdict};
use rmq_sim::text::Lang;
use rmq_sim::scenario::{parse_scenario, GroupRetryPolicy};
use rmq_sim::{Sim, SimDuration, SimTime};

/// A 5.3.3 run consumed by the gRPC consumer: `producer` and `consumer` are the keys of those two
/// sections, `rest` adds whole sections (broker, slave, network, faults, proxy: TOML takes them in
/// any order).
fn pop_group(producer: &str, consumer: &str, until: &str, rest: &str) -> rmq_sim::Scenario {
    scenario(&format!(
        "version = \"5.3.3\"\nuntil = \"{until}\"\n[producer]\n{producer}\n[consumer]\nclient = \"grpc\"\n{consumer}\n{rest}\n"
    ))
}

/// Ten messages under the gRPC consumer (`consumer` adds keys to its section).
fn grpc(consumer: &str, until: &str) -> rmq_sim::Scenario {
    pop_group("messages = 10", consumer, until, "")
}

/// A `[[fault]]` section: `kind` on `target` at `at`, for `duration` ("" for one that lasts).
fn fault(kind: &str, target: &str, at: &str, duration: &str) -> String {
    let target = if target.is_empty() { String::new() } else { format!("target = \"{target}\"\n") };
    let duration = if duration.is_empty() { String::new() } else { format!("duration = \"{duration}\"\n") };
    format!("[[fault]]\nat = \"{at}\"\nkind = \"{kind}\"\n{target}{duration}")
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

/// `ReputMessageService` dispatches up to the confirm offset and never takes a dispatch back
/// (`isCommitLogAvailable`: `reputFromOffset < getConfirmOffset()`). `computeConfirmOffset`
/// skips a member whose ack is still 0, so the confirm offset is the master's end until the
/// slave's first ack, then falls to that ack: message 1, dispatched and popped before, stays in
/// its consume queue and the group's offset stays past it. (The lab hid it again, and the pop's
/// offset correction — `OFFSET_OVERFLOW_BADLY` sets the offset to the queue's end — moved the
/// group's offset back onto it: popped twice with no fault, swarm seeds 474, 884, 1097.)
#[test]
fn a_falling_confirm_offset_takes_back_no_dispatched_message() {
    let sc = pop_group(
        r#"
        messages = 2
        interval = "10ms"
        "#,
        "",
        "1m",
        r#"
        [broker]
        enableControllerMode = true
        allAckInSyncStateSet = true
        totalReplicas = 2
        inSyncReplicas = 2
        minInSyncReplicas = 2
        [slave]
        enabled = true
        replicationLatency = "20ms"
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

/// A pop whose offset lies past its queue's end — the master lost the queue's tail in a power
/// loss while the offset table kept the offset — gets `OFFSET_OVERFLOW_BADLY` and commits the
/// queue's end (`popMsgFromQueue` commits `nextBeginOffset`; `nextOffsetCorrection` on a master)
/// before it waits. Message 42's retry copy, popped and sent to `%DLQ%` just before the power
/// loss, is gone with the page cache; message 43 is revived after the restart into the same
/// `%RETRY%` position and popped there. (Without the correction the offset stayed one past it:
/// message 43 was never popped again and its loss had no cause, swarm seed 836.)
#[test]
fn a_pop_past_the_queues_end_takes_the_queues_end() {
    let sc = pop_group(
        r#"
        messages = 44
        interval = "1s"
        bodySize = 65536
        "#,
        r#"
        startAt = "15s"
        consumeTime = "1ms"
        failFirstAttempts = 3
        retryMaxTimes = 0
        groupRetryPolicy = "EXPONENTIAL"
        "#,
        "10m",
        &format!("[broker]\nflushIntervalCommitLog = 500\n[network]\nlatency = \"30ms\"\n{}", fault("POWER_LOSS", "master", "49299ms", "1ms")),
    );
    let (sim, _) = run(&sc);
    let corrected = sim.events().iter().find(|e| matches!(e.kind, EventKind::OffsetCorrected { queue: QueueKind::Retry, .. }));
    assert!(matches!(corrected.map(|e| &e.kind), Some(EventKind::OffsetCorrected { from: 43, to: 42, .. })), "{corrected:?}");
    assert_eq!(verdict(&sim, 43), Verdict::DeadLettered, "popped from %RETRY% after the restart");
    let lost = sim.ledger().get(MsgId(42));
    assert_eq!(lost.verdict, Some(Verdict::LostAfterAck));
    assert!(lost.cause().is_some_and(|c| !c.0.contains(&rmq_sim::text::CauseStep::NeverReached)), "{:?}", lost.cause());
}

/// Controller mode: the elected master's `changeSpecialServiceStatus(true)` starts its
/// `PopReviveService`, which revives the checkpoints of the revive topic it replicated: a message
/// nacked at 4 s (visible again at 5 s, due for revive at ~7.1 s) when the master loses power at 6 s is revived by the new master once it scans
/// (`reviveInterval`, 1 s after the role change). (The lab revived only on the old master and
/// the message was never delivered again: a loss with no cause, swarm seed 3804.)
#[test]
fn the_elected_master_revives_the_old_masters_checkpoints() {
    let sc = pop_group(
        "messages = 1",
        r#"
        failMessages = [0]
        retryMaxTimes = 1
        consumeTime = "4s"
        "#,
        "10m",
        &format!("[broker]\nenableControllerMode = true\n[slave]\nenabled = true\n{}", fault("POWER_LOSS", "master", "6s", "")),
    );
    let (sim, _) = run(&sc);
    let elected = sim.events().iter().find(|e| matches!(e.kind, EventKind::RoleChanged { .. })).map(|e| e.at).expect("a new master");
    let revived = sim.events().iter().find(|e| matches!(e.kind, EventKind::Revived { .. })).map(|e| e.at);
    assert_eq!(revived, Some(elected + SimDuration::from_secs(1)), "revived by the new master's first scan");
    assert_eq!(deliveries(&sim, 0).len(), 2);
    assert_eq!(verdict(&sim, 0), Verdict::DeadLettered);
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

/// A crashed client: the proxy does not see it die and renews its handles until its channel
/// expires — the channel scan (every 10 s) removes a client whose last heartbeat (1 s after its
/// start, then every 10 s) is more than `channelExpiredTimeout` (120 s) old — and then clears
/// them (`CLIENT_UNREGISTER` → `clearGroup`): visible `invisibleTimeMillisWhenClear` (1 s)
/// later, back through the retry topic with `reconsumeTimes` 1. Crash at 10 s: last heartbeat
/// at 1 s, renewed at 55 s and 105 s all the same, cleared at 130 s, revived at 131 s + the revive
/// lag (it was invisible until 5 min 5 s).
#[test]
fn messages_of_a_crashed_client_come_back_when_the_proxy_clears_its_expired_channel() {
    let sc = pop_group(
        "messages = 10",
        r#"consumeTime = "20s""#,
        "10m",
        &fault("CONSUMER_CRASH", "", "10s", "5s"),
    );
    let (sim, r) = run(&sc);
    let d = deliveries(&sim, 0);
    assert_eq!(d.len(), 2, "{d:?}");
    let renewed_for_the_dead: Vec<SimTime> = sim
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::InvisibleTimeChanged { msg: MsgId(0), renewed: true, .. }))
        .map(|e| e.at)
        .collect();
    let s = |secs| SimTime::ZERO + SimDuration::from_secs(secs);
    assert_eq!(renewed_for_the_dead, vec![s(55), s(105)], "renewed until the channel expired");
    let cleared: Vec<(SimTime, Option<SimTime>)> = sim
        .events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::RenewEnded { why: RenewEnd::ClientGone, visible_at, .. } => Some((e.at, visible_at)),
            _ => None,
        })
        .collect();
    assert_eq!(cleared.len(), 10, "{cleared:?}");
    assert!(cleared.iter().all(|&(at, v)| at == s(130) && v == Some(s(131))), "{cleared:?}");
    let back = d[1].since(SimTime::ZERO);
    assert!(back >= SimDuration::from_ms(133_100) && back < SimDuration::from_ms(133_400), "131 s + lag, got {back}");
    let revived = sim.events().iter().filter(|e| matches!(e.kind, EventKind::Revived { reconsume_times: 1, .. })).count();
    assert_eq!(revived, 10);
    assert_eq!(verdicts(&r), "DELIVERED=10");
}

/// One message consumed for `consume` under the gRPC consumer (`more` adds consumer keys).
fn slow_one(consume: &str, more: &str, until: &str, faults: &str) -> rmq_sim::Scenario {
    pop_group("messages = 1", &format!("consumeTime = \"{consume}\"\n{more}"), until, faults)
}

/// Each renewal's invisible time: (renewed at, visible at − renewed at), for `msg`.
fn renewals(sim: &Sim, msg: u32) -> Vec<(SimTime, SimDuration)> {
    sim.events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::InvisibleTimeChanged { msg: m, visible_at, renewed: true } if m == MsgId(msg) => {
                Some((e.at, visible_at.since(e.at)))
            }
            _ => None,
        })
        .collect()
}

/// `RenewStrategyPolicy.nextDelayDuration(renewTimes)`: renewal n sets 1 min, 3 min, 5 min,
/// 10 min, 30 min, then 1 h for each later one — not `defaultInvisibleTimeMills` each time.
#[test]
fn renewals_step_through_renew_strategy_policy() {
    let (sim, r) = run(&slow_one("150m", "", "3h", ""));
    let steps: Vec<u64> = renewals(&sim, 0).iter().map(|&(_, d)| d.as_us() / 1_000_000).collect();
    assert_eq!(steps, vec![60, 180, 300, 600, 1_800, 3_600, 3_600], "{:?}", renewals(&sim, 0));
    // Each renewal comes at the first 5 s scan within 10 s of the end the previous one set.
    for w in renewals(&sim, 0).windows(2) {
        let due = w[0].0 + w[0].1;
        assert!(w[1].0 <= due && w[1].0 + SimDuration::from_secs(15) > due, "{w:?}");
    }
    assert_eq!(sim.events().iter().filter(|e| matches!(e.kind, EventKind::Revived { .. })).count(), 0);
    assert_eq!(verdicts(&r), "DELIVERED=1");
}

/// At the first due scan `renewMaxTimeMillis` (3 h) or more after the pop the proxy stops
/// renewing (`STOP_RENEW`): it sets the
/// invisible time to the *group's* retry policy's `nextDelayDuration(reconsumeTimes)` —
/// `CustomizedRetryPolicy` indexes `reconsumeTimes + 2`: 10 s for a first delivery, 30 s for a
/// second; `EXPONENTIAL` 5 s × 2^`reconsumeTimes` — and drops the handle. The message comes back
/// while the first consumption still runs, whose ack then carries the client's original receipt
/// handle: refused, and the message is consumed twice.
#[test]
fn renewal_stops_at_renew_max_time_with_the_group_retry_policy_delay() {
    let (sim, r) = run(&slow_one("4h", "", "8h", ""));
    let stops: Vec<(SimTime, SimDuration)> = sim
        .events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::RenewEnded { why: RenewEnd::MaxTime, visible_at: Some(v), .. } => Some((e.at, v.since(e.at))),
            _ => None,
        })
        .collect();
    assert_eq!(stops.len(), 2, "{stops:?}");
    let popped = sim.pop_trace()[0].popped_at;
    // The check runs at a due scan only: the renewal at 2 h 48 min 45 s (< 3 h) set 1 h more, so
    // the stop comes at the next due scan, 3 h 48 min 35 s after the pop.
    let last_renewal = renewals(&sim, 0).iter().map(|&(t, _)| t).filter(|&t| t < stops[0].0).max().expect("renewed");
    assert!(last_renewal.since(popped) < SimDuration::from_secs(3 * 3_600), "{last_renewal}");
    assert_eq!(stops[0].0, SimTime::ZERO + SimDuration::from_secs(13_715), "{}", stops[0].0);
    assert_eq!(stops[0].1, SimDuration::from_secs(10), "reconsumeTimes 0: next[2]");
    assert_eq!(stops[1].1, SimDuration::from_secs(30), "reconsumeTimes 1: next[3]");
    let d = deliveries(&sim, 0);
    let back = d[1].since(stops[0].0);
    assert!(back >= SimDuration::from_ms(12_100) && back < SimDuration::from_ms(12_400), "10 s + lag, got {back}");
    let trace = &sim.pop_trace()[0];
    assert_eq!(trace.answer, None, "the first consumption's ack carried a stale handle");
    assert!(matches!(trace.end, Some((_, rmq_sim::sim::PopEnd::Revived))), "{trace:?}");
    assert_eq!(verdicts(&r), "DUPLICATED=1");
    let rec = sim.ledger().get(MsgId(0));
    let step = CauseStep::ProxyStoppedRenewing { why: RenewEnd::MaxTime, at: stops[0].0 };
    assert_eq!(rec.cause().map(|c| &c.0[..]), Some(&[step][..]), "the cause chain names STOP_RENEW");
    assert!(rec.explain(Lang::En).contains("renewMaxTimeMillis (3 h)"), "{}", rec.explain(Lang::En));
    assert!(rec.explain(Lang::Zh).contains("停止为它续期"), "{}", rec.explain(Lang::Zh));
    let (sim, _) = run(&slow_one("4h", "groupRetryPolicy = \"EXPONENTIAL\"", "230m", ""));
    let stop = sim.events().iter().find_map(|e| match e.kind {
        EventKind::RenewEnded { why: RenewEnd::MaxTime, visible_at: Some(v), .. } => Some(v.since(e.at)),
        _ => None,
    });
    assert_eq!(stop, Some(SimDuration::from_secs(5)), "EXPONENTIAL: 5 s × 2^0");
}

/// A renewal the master cannot take (the cluster-mode proxy's call fails) is tried again at the
/// next scan (`renewRetryTimes`); after `maxRenewRetryTimes` (3) failures the proxy drops the
/// handle. A master back within a scan or two: renewed, delivered once.
#[test]
fn a_failed_renewal_is_retried_up_to_max_renew_retry_times() {
    let crash = |dur: &str| fault("PROCESS_CRASH", "master", "53s", dur);
    let (sim, r) = run(&slow_one("100s", "", "10m", &crash("4s")));
    let at: Vec<u64> = renewals(&sim, 0).iter().map(|&(t, _)| t.as_us() / 1_000_000).collect();
    assert_eq!(at.first(), Some(&60), "the 55 s renewal failed, the 60 s one landed: {at:?}");
    assert_eq!(deliveries(&sim, 0).len(), 1);
    assert_eq!(verdicts(&r), "DELIVERED=1");
    let (sim, _) = run(&slow_one("100s", "", "10m", &crash("30s")));
    assert!(renewals(&sim, 0).iter().all(|&(t, _)| t > SimTime::ZERO + SimDuration::from_secs(83)), "only the next pop's");
    let gave_up: Vec<u64> = sim
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::RenewEnded { why: RenewEnd::RetriesExhausted, visible_at: None, .. }))
        .map(|e| e.at.as_us() / 1_000_000)
        .collect();
    assert_eq!(gave_up, vec![70], "failed at 55, 60, 65 s; dropped at 70 s");
}

/// An ack the master cannot take (it is down) is retried by the client and reaches the master
/// when it is back, before its revive service scans again: no redelivery.
#[test]
fn an_ack_during_a_master_outage_lands_when_the_master_returns() {
    let sc = pop_group(
        "messages = 1",
        r#"consumeTime = "2s""#,
        "10m",
        &fault("PROCESS_CRASH", "master", "1s", "2m"),
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

/// Once the proxy dropped a handle it had renewed, the client's ack goes to the broker with the
/// client's own receipt handle from the pop (`removeReceiptHandle` finds nothing to swap in),
/// which the renewal replaced: refused, and the message comes back. Renewed at 55 s; the master
/// is down from 103 s to 133 s, so the renewals at 105, 110 and 115 s fail and the handle is
/// dropped at 120 s; the consumption ends at 125 s, its ack lands when the master is back.
#[test]
fn after_the_proxy_drops_a_renewed_handle_the_clients_ack_is_refused() {
    let crash = &fault("PROCESS_CRASH", "master", "103s", "30s");
    let (sim, r) = run(&slow_one("125s", "", "10m", crash));
    let gave_up = sim.events().iter().find(|e| matches!(e.kind, EventKind::RenewEnded { why: RenewEnd::RetriesExhausted, .. }));
    assert_eq!(gave_up.map(|e| e.at), Some(SimTime::ZERO + SimDuration::from_secs(120)));
    let first = &sim.pop_trace()[0];
    assert_eq!((first.renewals, first.answer), (1, None), "{first:?}");
    assert_eq!(deliveries(&sim, 0).len(), 2);
    assert_eq!(verdicts(&r), "DUPLICATED=1");
    let cause = sim.ledger().get(MsgId(0)).cause().map(|c| c.0.clone());
    let step = CauseStep::ProxyStoppedRenewing { why: RenewEnd::RetriesExhausted, at: SimTime::ZERO + SimDuration::from_secs(120) };
    assert_eq!(cause, Some(vec![step]));
}

/// `LOCAL` mode: the proxy runs in the broker's process, so a broker that went down took the
/// proxy's receipt handles with it: nothing renews the messages popped before, which come back
/// at their invisible time while the client still consumes them. Renewed at 55 s (until 115 s),
/// the master down from 70 s to 75 s: `CLUSTER` renews again at 105 s, `LOCAL` does not.
#[test]
fn a_local_proxy_loses_its_handles_with_the_broker() {
    let crash = &fault("PROCESS_CRASH", "master", "70s", "5s");
    let (sim, r) = run(&slow_one("150s", "", "10m", crash));
    assert_eq!(renewals(&sim, 0).len(), 2, "CLUSTER: 55 s and 105 s");
    assert_eq!(verdicts(&r), "DELIVERED=1");
    let local = format!("{crash}\n[proxy]\nproxyMode = \"LOCAL\"");
    let (sim, r) = run(&slow_one("150s", "", "10m", &local));
    let first: Vec<u64> = renewals(&sim, 0).iter().map(|&(t, _)| t.as_us() / 1_000_000).filter(|&t| t < 120).collect();
    assert_eq!(first, vec![55], "LOCAL: the 105 s renewal had no handle");
    assert_eq!(deliveries(&sim, 0).len(), 2);
    assert_eq!(verdicts(&r), "DUPLICATED=1");
}

/// `clearGroup`'s `changeInvisibleTime` fails when the master is down, and is not retried: the
/// message keeps the invisible time the last renewal set (105 s + 3 min) and comes back then.
#[test]
fn a_clear_the_master_cannot_take_changes_nothing() {
    let sc = pop_group(
        "messages = 1",
        r#"consumeTime = "20s""#,
        "10m",
        &(fault("CONSUMER_CRASH", "", "10s", "") + &fault("PROCESS_CRASH", "master", "125s", "10s")),
    );
    let (sim, _) = run(&sc);
    let cleared = sim.events().iter().find(|e| matches!(e.kind, EventKind::RenewEnded { why: RenewEnd::ClientGone, .. }));
    assert!(matches!(cleared.map(|e| (e.at, &e.kind)), Some((t, EventKind::RenewEnded { visible_at: None, .. })) if t == SimTime::ZERO + SimDuration::from_secs(130)), "{cleared:?}");
    let revived = sim.events().iter().find(|e| matches!(e.kind, EventKind::Revived { .. })).map(|e| e.at.as_us() / 100_000);
    assert_eq!(revived, Some(2_871), "285 s + the revive lag, in tenths of a second");
}

/// One message on a master with a slave under the gRPC consumer, and `fault` of the master.
fn with_slave(consumer: &str, fault: &str, until: &str) -> rmq_sim::Scenario {
    pop_group("messages = 1", consumer, until, &format!("[slave]\nenabled = true\n{fault}"))
}

/// Who popped each pop, in order, and when.
fn pops_by(sim: &Sim) -> Vec<(SimTime, NodeId)> {
    sim.pop_trace().iter().map(|t| (t.popped_at, t.node)).collect()
}

/// The proxy's read route is `getMasterAddrPrefer` over its cached route (`TopicRouteService`,
/// `refreshAfterWrite` 20 s): a master whose process died leaves the name server at once, the
/// proxy's reload at 20 s names the slave, and the client's receives go there; the reload after
/// the master is back (registered at its restart, 80 s) names the master again at 100 s (each
/// pop reaches the broker two hops after the receive is sent).
#[test]
fn proxy_reads_from_the_slave_while_its_route_lists_no_master() {
    let sc = with_slave("startAt = \"10s\"", &fault("PROCESS_CRASH", "master", "5s", "75s"), "5m");
    let (sim, _) = run(&sc);
    let routes: Vec<(u64, NodeId)> = sim
        .events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::RouteChanged { consumers_read_from } => Some((e.at.as_ms(), consumers_read_from)),
            _ => None,
        })
        .collect();
    assert_eq!(routes, vec![(20_000, NodeId::Slave), (100_000, NodeId::Master)]);
    let pops = pops_by(&sim);
    assert_eq!(pops.first().map(|&(t, n)| (t.as_ms(), n)), Some((20_002, NodeId::Slave)), "{pops:?}");
    assert!(pops.iter().all(|&(t, n)| (n == NodeId::Slave) == (t.as_ms() < 100_000)), "{pops:?}");
}

/// A slave serves the pop but cannot keep its place (`PopBufferMergeService` on a slave): the
/// checkpoint's put fails (`EscapeBridge`: `SERVICE_NOT_AVAILABLE`), the stored offset does not
/// move, and the offset queue is cleared every 5 s — so the receive after each long-polling round
/// (20 s) pops the same message again, and no ack (sent to the route's master address) ends it.
#[test]
fn a_slave_pop_keeps_no_checkpoint_and_pops_the_same_message_again() {
    let sc = with_slave("startAt = \"10s\"", &fault("PROCESS_CRASH", "master", "5s", ""), "2m");
    let (sim, r) = run(&sc);
    let slave = sim.slave().expect("slave");
    assert_eq!(slave.offsets.get(&QueueKind::Main(0)).copied().unwrap_or(0), 0, "the slave's stored offset never moved");
    let at: Vec<u64> = deliveries(&sim, 0).iter().map(|t| t.as_ms()).collect();
    assert_eq!(at.len(), 5, "popped at 20 s and after every 20 s round: {at:?}");
    assert!(at.windows(2).all(|w| w[1] - w[0] >= 20_000), "{at:?}");
    assert!(sim.pop_trace().iter().all(|t| t.node == NodeId::Slave && t.end.is_none() && t.answer.is_none()));
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::PopAcked { .. } | EventKind::Revived { .. })));
    assert_eq!(verdicts(&r), "DUPLICATED=1");
    // The report names them so, not as checkpoints still open.
    let pops = r.messages[0].pops.as_ref().expect("pops");
    assert!(pops.iter().all(|p| p.end == "NO_CHECKPOINT"), "{pops:?}");
    assert_eq!(r.pop.as_ref().map(|p| (p.pops, p.open_at_end)), Some((5, 0)));
}

/// A checkpoint on a master that never returns is never revived: the slave's `PopReviveService`
/// does not run (`changeSpecialServiceStatus(brokerId == 0)`), and the slave's pops start at the
/// group's offset it copied from the master (`SlaveSynchronize`, 13 s), past the message. The
/// message, popped at once and failing after 30 s, is never delivered again, and its cause says so.
#[test]
fn a_checkpoint_on_a_master_gone_for_good_is_never_revived() {
    let sc = with_slave("consumeTime = \"30s\"\nfailMessages = [0]", &fault("PROCESS_CRASH", "master", "20s", ""), "10m");
    let (sim, _) = run(&sc);
    assert_eq!(deliveries(&sim, 0).len(), 1);
    assert_eq!(verdict(&sim, 0), Verdict::LostAfterAck);
    let cause = sim.ledger().get(MsgId(0)).cause().expect("a cause");
    assert!(
        cause.0.iter().any(|s| matches!(s, CauseStep::CheckpointOnLostMaster { consumer_offset: 1, offset: 0, .. })),
        "{cause:?}"
    );
    assert!(cause.render(Lang::En).contains("PopReviveService runs on the master only"), "{}", cause.render(Lang::En));
    // Stopped at `until` while the proxy still tries to renew it: not work in flight either.
    let sc = with_slave("consumeTime = \"30s\"\nfailMessages = [0]", &fault("PROCESS_CRASH", "master", "20s", ""), "50s");
    let (sim, _) = run(&sc);
    assert_eq!(sim.ended(), Some(rmq_sim::event::EndReason::TimeLimit));
    assert_eq!(verdict(&sim, 0), Verdict::LostAfterAck);
}
