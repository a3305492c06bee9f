//! The swarm: thousands of random scenarios hunting for broken invariants.
//!
//! Each case draws every knob the lab has, a workload, a fault plan that uses every fault kind —
//! overlapping faults, a second fault at the very moment a broker restarts ("during recovery"),
//! permanent ones — and faults injected mid-run the way the UI's buttons inject them. Every
//! invariant of [`rmq_sim::invariants::Checker`] (safety) is checked after every action, and at
//! the end the liveness checks below. A failure prints the seed, a one-line reproduction and the
//! case shrunk to a minimal one (faults, injections, messages and whole config sections removed
//! while the same property still breaks).
//!
//! It also counts which rare branches of the model the cases reach (from the event log: every
//! `SendStatus`, every exception, `SYSTEM_BUSY`, master-behind-slave, every way a copy is lost,
//! local consume retries, offset corrections, …) and fails if one is never reached.
//!
//! ```sh
//! cargo test --release -p rmq_sim --test swarm                          # 2,000 cases (CI; a debug build runs 200)
//! SWARM_COUNT=100000 cargo test --release -p rmq_sim --test swarm -- --nocapture   # the full swarm
//! SWARM_SEED=123 cargo test --release -p rmq_sim --test swarm -- --nocapture       # one case, shrunk if it fails
//! ```
//! `SWARM_START=N` starts at another seed.
//!
//! Cases draw the RocketMQ version too (half stay on 4.9.8; 4.7.0 and 5.3.3 with its replica
//! keys and `slaveReadEnable`). Version-specific invariants: "a SYNC_MASTER's SEND_OK is on the
//! slave" holds on 4.x, and on 5.x only when the put waits for two acks
//! (`Scenario::send_ok_waits_for_slave`: `inSyncReplicas` ≥ 2 and no degradation to 1); every
//! other invariant and the liveness checks hold in every version.
//!
//! Under 5.3.3, half the cases with a slave run controller mode, with one or two slaves (issue
//! 20), and `controller_mode_promises` checks what `allAckInSyncStateSet` promises against one
//! failure.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

#[path = "swarm/case.rs"]
mod case;
#[path = "common/history.rs"]
mod history;

use case::{describe, generate, Case};
use rmq_sim::event::{CrashKind, EndReason, EventKind, SendError};
use rmq_sim::invariants::Checker;
use rmq_sim::scenario::parse::{parse_scenario, scenario_to_toml};
use rmq_sim::scenario::*;
use rmq_sim::text::{CauseStep, LossReason};
use rmq_sim::{Command, Scenario, SendStatus, Sim, Verdict};

/// A broken property: its name (for shrinking: the same name must still break) and the detail.
#[derive(Debug)]
struct Break {
    property: String,
    detail: String,
}

fn broke(property: &str, detail: impl Into<String>) -> Break {
    Break { property: property.to_string(), detail: detail.into() }
}

/// Whether every fault of the case ends by itself (no permanent crash, stall or partition).
fn all_faults_heal(case: &Case) -> bool {
    let heals = |f: &Fault| f.duration.is_some() || matches!(f.kind, FaultKind::SlaveUp | FaultKind::DiskSlow);
    case.scenario.faults.iter().all(heals) && case.injected.iter().all(|(_, f)| heals(f))
}

/// Actions a case may take: actions that log nothing never reach the event limit, so this bounds
/// a silent loop.
const MAX_ACTIONS: u64 = 50_000_000;

/// [`MAX_ACTIONS`] plus every broker's idle flush ticks: `flushIntervalCommitLog = 1` ms on three
/// brokers for 6 h is 65 million actions of honest work (swarm seed 4315 of the 20,000-case
/// run, two slaves and no fault, broke the flat bound).
fn max_actions(sc: &Scenario) -> u64 {
    let brokers = 1 + sc.slave_count() as u64;
    MAX_ACTIONS + brokers * (sc.until.as_ms() / sc.broker.flush_interval_commit_log.as_ms().max(1))
}

/// Runs the case with every invariant after every action, then the liveness checks.
fn run_case(case: &Case, cov: &mut Coverage) -> Result<(), Break> {
    let run = catch_unwind(AssertUnwindSafe(|| -> Result<Sim, Break> {
        let mut sim = Sim::new(&case.scenario);
        let mut checker = Checker::new();
        let mut pending = case.injected.iter().peekable();
        while sim.ended().is_none() {
            if let Some((t, fault)) = pending.peek() {
                if sim.next_at().is_none_or(|next| next > *t) {
                    sim.run_until(*t);
                    checker.check(&sim).map_err(invariant)?;
                    sim.inject(Command::Inject(fault.clone()));
                    pending.next();
                    continue;
                }
            }
            sim.step_action();
            checker.check(&sim).map_err(invariant)?;
            if sim.actions_processed() > max_actions(&case.scenario) {
                return Err(broke("run_terminates", format!("{} actions without reaching an end", max_actions(&case.scenario))));
            }
        }
        Ok(sim)
    }));
    let sim = match run {
        Ok(result) => result?,
        Err(panic) => {
            let msg = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            return Err(broke("no_panic", msg.unwrap_or_else(|| "the simulator panicked".into())));
        }
    };
    cov.record(&sim);
    if restarted_consumer_redelivers_little(case, &sim)? {
        cov.hit("consumer restarted in an outage resumed from the slave's offset");
    }
    for hit in controller_mode_promises(case, &sim)? {
        cov.hit(hit);
    }
    if case.scenario.consumer.client == Client::Grpc {
        for hit in grpc_consumer_promises(case, &sim)? {
            cov.hit(hit);
        }
    }
    liveness(case, &sim)
}

/// Spec 5 §4, §6 item 5: what controller mode with `allAckInSyncStateSet = true` promises when
/// exactly one thing fails (one fault, nothing injected) and no unclean election can pick a
/// replica outside the SyncStateSet:
/// - `all_ack_send_ok_survives_one_failure`: a message answered `SEND_OK` while the SyncStateSet
///   had two members or more (the put waited for every member) is not lost before a consumer
///   read it. (One answered while the set was the master alone waited for nobody: the promise
///   is the set's. What happens after a delivery — a retry or `%DLQ%` copy the broker writes —
///   is another put, outside this promise.)
/// - `no_consumer_reads_what_is_later_truncated`: consumers read only up to the confirm offset
///   (every member has it: 5.3.3's `ReputMessageService` dispatches up to
///   `CommitLog.getConfirmOffset()`, which with `allAckInSyncStateSet` and two members or more
///   is the least ack over the set), and only members are elected, so no copy a consumer was
///   given is cut by a truncation on rejoin. Per copy: another copy of the same message nobody
///   read may be cut — a duplicate from a producer retry (swarm seed 5077), or the `%DLQ%` copy
///   the broker wrote when the consume failed (swarm seed 17459 of the 20,000-case run: the
///   FLUSH_SLAVE_TIMEOUT copy was read once the slave's ack confirmed it and survived on the
///   new master; its DLQ copy, above the confirm offset, was cut and the message is lost).
///
/// Returns the coverage it reached.
fn controller_mode_promises(case: &Case, sim: &Sim) -> Result<Vec<&'static str>, Break> {
    let sc = &case.scenario;
    let one_failure = sc.faults.len() == 1 && case.injected.is_empty() && sc.faults[0].kind != FaultKind::SlaveUp;
    if !sc.controller_mode() || !sc.broker.all_ack_in_sync_state_set || sc.controller.enable_elect_unclean_master || !one_failure {
        return Ok(Vec::new());
    }
    let mut hits = vec!["controller mode, allAckInSyncStateSet, one failure"];
    let mut set_size = 1 + sc.slave_count();
    let mut acked_in_set: Vec<u32> = Vec::new();
    let mut delivered: Vec<u32> = Vec::new();
    let mut delivered_from: std::collections::BTreeSet<(u32, rmq_sim::event::Topic)> = Default::default();
    let mut read_then_cut: Vec<(u32, rmq_sim::event::Topic, rmq_sim::SimTime)> = Vec::new();
    for e in sim.events() {
        match &e.kind {
            EventKind::SyncStateSetChanged { sync_state_set, .. } => set_size = sync_state_set.split(',').count(),
            EventKind::MasterElected { .. } => {
                set_size = 1;
                hits.push("controller mode, allAckInSyncStateSet, one failure: a slave elected");
            }
            EventKind::PutAnswered { msg, status: SendStatus::SendOk, .. } if set_size >= 2 => acked_in_set.push(msg.0),
            EventKind::Delivered { msg, queue, .. } => {
                delivered.push(msg.0);
                delivered_from.insert((msg.0, queue.topic()));
            }
            EventKind::CopyLost { msg, topic, why: LossReason::TruncatedOnRejoin { .. }, .. } => {
                hits.push("controller mode, allAckInSyncStateSet, one failure: a truncation");
                if delivered_from.contains(&(msg.0, *topic)) {
                    read_then_cut.push((msg.0, *topic, e.at));
                }
            }
            _ => {}
        }
    }
    let lost = |id: u32| {
        let m = &sim.ledger().messages[id as usize];
        matches!(m.verdict, Some(Verdict::LostAfterAck | Verdict::LostUnacked)) && !m.lost().is_empty()
    };
    // A copy cut from a topic the message was delivered from. The copies of (message, topic)
    // that are in no store at the end: the cut one is among them. A consumer read a cut copy
    // when every one of them was handled (consumed or sent back); one unread among them may be
    // the cut one.
    let held: std::collections::BTreeSet<usize> =
        std::iter::once(sim.master()).chain(sim.slaves()).flat_map(|n| n.store.records.iter().map(|r| r.copy)).collect();
    let read_copy_cut = |id: u32, topic: rmq_sim::event::Topic| {
        let mut gone = sim.copies().iter().enumerate().filter(|(i, c)| c.msg.0 == id && c.topic == topic && !held.contains(i)).peekable();
        gone.peek().is_some() && gone.all(|(_, c)| c.handled)
    };
    if let Some((id, _, at)) = read_then_cut.into_iter().find(|&(id, topic, _)| lost(id) && read_copy_cut(id, topic)) {
        let m = &sim.ledger().messages[id as usize];
        return Err(broke(
            "no_consumer_reads_what_is_later_truncated",
            format!("msg#{id} was delivered to a consumer, then cut at {at} by a truncation on rejoin, and is lost: {}", m.explain(Default::default())),
        ));
    }
    // A master that lost data and came back before the controller declared it dead stays master
    // of its epoch and rewrites the epoch's start: its slaves cut or strand what it lost
    // (`replicas_manager`, `LossReason::MasterRestartedInPlace`). That is RocketMQ 5.3.3's own
    // behaviour — the promise is against a failover — so such a loss, named, is not a break;
    // any other loss of these messages is (swarm seeds 10030, 19544 were excluded before).
    let in_place = |id: u32| {
        sim.ledger().messages[id as usize].lost().iter().any(|(_, r)| matches!(r, LossReason::MasterRestartedInPlace { .. }))
    };
    if acked_in_set.iter().any(|&id| lost(id) && in_place(id)) {
        hits.push("controller mode, allAckInSyncStateSet, one failure: the master back before the controller noticed");
    }
    for id in acked_in_set {
        let m = &sim.ledger().messages[id as usize];
        if lost(id) && !delivered.contains(&id) && !in_place(id) {
            return Err(broke(
                "all_ack_send_ok_survives_one_failure",
                format!("msg#{id} was answered SEND_OK while the SyncStateSet had two members or more, and is lost: {}", m.explain(Default::default())),
            ));
        }
    }
    Ok(hits)
}

/// Spec §5 / §6.25 (`SlaveSynchronize` + `persistAll`): a consumer restarted while the master is
/// down reads its offset from the slave, which is at most one persist interval plus one sync
/// period old: it redelivers at most what it consumed in that long before the master died.
///
/// It applies where nothing else disturbed the chain in the window before the death: no other
/// fault began or was still going in the `persist + sync + 10 s` before it, the consumer ran
/// and the route named the master all that time, and the slave stayed up until the restarted
/// consumer read its offset. The offset the consumer held at `death − persist − sync −
/// latency` is rebuilt from the log, conservatively (a message counts as finished only at a
/// successful `Consumed`). Returns whether a case was checked.
fn restarted_consumer_redelivers_little(case: &Case, sim: &Sim) -> Result<bool, Break> {
    use rmq_sim::event::{ConsumeResult, QueueKind};
    use rmq_sim::NodeId;
    use EventKind::*;
    let sc = &case.scenario;
    let window = sc.consumer.persist_consumer_offset_interval.as_us() + rmq_sim::SLAVE_SYNC_PERIOD.as_us();
    let faults: Vec<(u64, &Fault)> =
        sc.faults.iter().map(|f| (f.at.as_us(), f)).chain(case.injected.iter().map(|(t, f)| (t.as_us(), f))).collect();
    let events = sim.events();
    let mut checked = false;
    for (i, e) in events.iter().enumerate() {
        if !matches!(e.kind, BrokerDown { node: NodeId::Master, .. }) {
            continue;
        }
        let died = e.at.as_us();
        let Some(quiet_from) = died.checked_sub(window + 10_000_000) else { continue };
        let disturbing = |&(at, f): &(u64, &Fault)| {
            let ends = f.duration.map(|d| at + d.as_us());
            let the_death = at == died
                && f.target == FaultTarget::Master
                && matches!(f.kind, FaultKind::ProcessCrash | FaultKind::PowerLoss | FaultKind::DiskLost);
            at <= died && !the_death && ends.is_none_or(|end| end > quiet_from)
        };
        if !sc.slave.enabled || faults.iter().any(disturbing) {
            continue;
        }
        let before = &events[..i];
        if before.iter().rev().find(|e| matches!(e.kind, RouteChanged { .. })).is_some_and(|r| {
            r.at.as_us() > quiet_from || matches!(r.kind, RouteChanged { consumers_read_from: NodeId::Slave })
        }) {
            continue;
        }
        let Some(start) = before.iter().rposition(|e| matches!(e.kind, ConsumerStarted { .. })) else { continue };
        let ConsumerStarted { offsets: ref start_offsets } = before[start].kind else { continue };
        if before[start].at.as_us() > quiet_from || before[start..].iter().any(|e| matches!(e.kind, ConsumerCrashed { .. })) {
            continue;
        }
        // Per queue of `TopicTest` (each has its own offset, committed on its own pulls): the
        // offset the consumer held at `then`.
        let then = died - window - sc.network.latency.as_us();
        let mut pending: BTreeMap<(QueueKind, u64), rmq_sim::MsgId> = BTreeMap::new();
        let mut next: BTreeMap<QueueKind, u64> =
            start_offsets.iter().filter_map(|&(q, o)| Some((q, o?))).filter(|(q, _)| *q != QueueKind::Retry).collect();
        for e in before[start..].iter().take_while(|e| e.at.as_us() <= then) {
            match e.kind {
                Delivered { msg, queue, queue_offset, .. } => {
                    pending.insert((queue, queue_offset), msg);
                    if let Some(n) = next.get_mut(&queue) {
                        *n = (*n).max(queue_offset + 1);
                    }
                }
                Consumed { msg, result: ConsumeResult::Success, .. } => {
                    // Ambiguous when a message is in process twice: drop the entry that
                    // raises the rebuilt offset least (a retry first, else the highest offset).
                    let key = pending.iter().filter(|(_, m)| **m == msg).map(|(k, _)| *k).max_by_key(|(q, o)| (*q == QueueKind::Retry, *o));
                    if let Some(k) = key {
                        pending.remove(&k);
                    }
                }
                _ => {}
            }
        }
        let held: BTreeMap<QueueKind, u64> = next
            .iter()
            .map(|(&q, &n)| (q, pending.keys().find(|(pq, _)| *pq == q).map_or(n, |(_, o)| *o)))
            .collect();
        // The restart during the outage and the offsets it read from the slave.
        let after = &events[i + 1..];
        let Some(crash) = after.iter().position(|e| matches!(e.kind, ConsumerCrashed { .. })) else { continue };
        let mut read: BTreeMap<QueueKind, u64> = BTreeMap::new();
        for e in &after[crash + 1..] {
            match &e.kind {
                BrokerRestarted { node: NodeId::Master, .. } | BrokerDown { node: NodeId::Slave, .. } | ConsumerCrashed { .. } => break,
                ConsumerStarted { offsets } => {
                    read.extend(offsets.iter().filter_map(|&(q, o)| Some((q, o?))));
                }
                QueueAssigned { queue, node: NodeId::Slave, offset } => {
                    read.insert(*queue, *offset);
                }
                _ => {}
            }
        }
        let compared: Vec<(QueueKind, u64, u64)> =
            held.iter().filter_map(|(q, &h)| read.get(q).map(|&r| (*q, r, h))).collect();
        if compared.is_empty() {
            continue;
        }
        checked = true;
        if let Some((queue, read, held)) = compared.into_iter().find(|&(_, r, h)| r < h) {
            return Err(broke(
                "restarted_consumer_redelivers_at_most_one_persist_and_sync_period",
                format!(
                    "the master died at {}; the consumer held {queue} offset {held} {} before, yet restarted from {read}",
                    e.at,
                    rmq_sim::SimDuration(window)
                ),
            ));
        }
    }
    Ok(checked)
}

/// A checker refusal `name: detail` as a break of the property `name`.
fn invariant(e: String) -> Break {
    let property = e.split(':').next().unwrap_or(&e).to_string();
    Break { property, detail: e }
}

/// Events one simulated instant may hold, per send the workload can make (every attempt of
/// every resend of every message), plus a floor: more means the model re-schedules itself
/// without time moving (a livelock), which no bound in RocketMQ would end. A burst is not one:
/// 5,168 ASYNC messages at interval 0 with `resendDelay = 0ms` legitimately log 220,000 events
/// at t = 0 (swarm seeds 40957, 81569 broke a flat 100,000 limit).
const EVENTS_PER_SEND_AT_ONE_INSTANT: usize = 20;
const MIN_EVENTS_AT_ONE_INSTANT: usize = 100_000;

/// Liveness: simulated time keeps moving; a run whose faults all heal ends without hitting the
/// event limit (the master comes back, so every failing message reaches the DLQ); a run that
/// stops at a bound (`until`, the event limit) says so for every message still in flight; once
/// every fault has healed and the work is done (the run went quiet), nothing is left in flight.
///
/// A permanent fault may legitimately leave work that never ends: with the master gone for good
/// a failing consumer re-consumes each message locally forever (RocketMQ's client has no
/// reconsume cap of its own; the DLQ needs a master), at the rate its consume threads allow (each
/// failure blocks one through the 5 s `sendMessageBack` RPC). Swarm seed 5242 is such a run: it
/// stops at its `until`, and that is a reported outcome, not a hang.
fn liveness(case: &Case, sim: &Sim) -> Result<(), Break> {
    let ended = sim.ended().expect("the loop runs to the end");
    let events = sim.events();
    let (mut most, mut run, mut prev) = (0, 0, None);
    for e in events {
        run = if prev == Some(e.at) { run + 1 } else { 1 };
        prev = Some(e.at);
        most = most.max(run);
    }
    let p = &case.scenario.producer;
    let attempts = match p.client {
        Client::Grpc => p.max_attempts as usize,
        Client::Remoting => 1 + p.retry_times_when_send_failed.max(p.retry_times_when_send_async_failed) as usize,
    };
    let sends = p.messages as usize * attempts * (1 + p.resend_max_times as usize);
    if most > MIN_EVENTS_AT_ONE_INSTANT.max(EVENTS_PER_SEND_AT_ONE_INSTANT * sends) {
        return Err(broke("time_moves", format!("{most} events at one simulated instant")));
    }
    // As in the sweep, every loss has a cause the model can name (`NeverReached` is a model gap:
    // swarm seeds 840, 984, … found pulls lost in a master restart, fixed in the pull path).
    if let Some(m) = sim.ledger().messages.iter().find(|m| m.cause().is_some_and(|c| c.0.contains(&CauseStep::NeverReached))) {
        return Err(broke("every_loss_has_a_named_cause", format!("msg#{} {:?}: {}", m.id, m.verdict, m.explain(Default::default()))));
    }
    if ended == EndReason::EventLimit && all_faults_heal(case) {
        return Err(broke("run_terminates", format!("every fault heals, yet the run hit the event limit after {} events", events.len())));
    }
    if ended != EndReason::Quiescent {
        let reported = |c: &rmq_sim::ledger::Cause| {
            c.0.iter().any(|s| matches!(s, CauseStep::RunStopped { reason, .. } if *reason == ended) || matches!(s, CauseStep::WaitingForConsumer { .. }))
        };
        if let Some(m) = sim.ledger().messages.iter().find(|m| m.verdict == Some(Verdict::Unresolved) && !m.cause().is_some_and(reported)) {
            return Err(broke("bound_is_reported", format!("the run stopped ({ended:?}) with msg#{} UNRESOLVED and no cause naming the bound", m.id)));
        }
    }
    if p.client == Client::Grpc {
        grpc_copies_and_attempts(case, sim)?;
    }
    if let Some(m) = sim.ledger().messages.iter().find(|m| m.verdict.is_none()) {
        return Err(broke("one_verdict_per_message", format!("msg#{} has no verdict", m.id)));
    }
    if ended == EndReason::Quiescent && all_faults_heal(case) && case.scenario.consumer.enabled {
        if let Some(m) = sim.ledger().messages.iter().find(|m| m.verdict == Some(Verdict::Unresolved)) {
            return Err(broke(
                "quiet_run_leaves_nothing_in_flight",
                format!("the run went quiet at {} with msg#{} UNRESOLVED", sim.now(), m.id),
            ));
        }
    }
    // Every message that was acknowledged with SEND_OK and never lost a copy is consumed or
    // dead-lettered once the run went quiet with a healthy consumer.
    if ended == EndReason::Quiescent && all_faults_heal(case) && case.scenario.consumer.enabled {
        for m in &sim.ledger().messages {
            let unread = m.cause().is_some_and(|c| c.0.iter().any(|s| matches!(s, CauseStep::QueueNotRead { .. })));
            if m.lost().is_empty() && m.was_acked() && m.verdict == Some(Verdict::LostAfterAck) && !unread {
                let kinds: Vec<_> = case.scenario.faults.iter().map(|f| f.kind).chain(case.injected.iter().map(|(_, f)| f.kind)).collect();
                // A copy can vanish without a CopyLost only through a fault that destroys state.
                if !kinds.iter().any(|k| matches!(k, FaultKind::PowerLoss | FaultKind::DiskLost | FaultKind::ProcessCrash)) {
                    return Err(broke("acked_and_never_lost_is_consumed", format!("msg#{} LOST_AFTER_ACK with no loss recorded and no broker fault", m.id)));
                }
            }
        }
    }
    Ok(())
}

/// gRPC producer (spec 5 §5): no send makes more than `maxAttempts` attempts; every copy in
/// the topic comes from one attempt that reached the broker, so a message has at most as many
/// copies as attempts; and a message consumed twice from two stored attempts names the resend
/// in its cause.
fn grpc_copies_and_attempts(case: &Case, sim: &Sim) -> Result<(), Break> {
    let max = case.scenario.producer.max_attempts as usize;
    let mut copies = vec![Vec::new(); sim.ledger().messages.len()];
    for c in sim.copies().iter().filter(|c| c.topic == rmq_sim::event::Topic::Main) {
        copies[c.msg.0 as usize].push(c.attempt);
    }
    for m in &sim.ledger().messages {
        // One `SendRecord` per finished call, plus at most one call still open at the end.
        if m.attempts.len() > max * (m.sends.len() + 1) {
            return Err(broke("grpc_attempts_within_max_attempts", format!("msg#{}: {} attempts in {} sends", m.id, m.attempts.len(), m.sends.len())));
        }
        let mine = &copies[m.id as usize];
        let distinct: std::collections::BTreeSet<_> = mine.iter().collect();
        if mine.len() > m.attempts.len() || distinct.len() != mine.len() || mine.iter().any(|a| a.is_none()) {
            return Err(broke("grpc_one_copy_per_attempt", format!("msg#{}: copies from attempts {mine:?}, {} attempts", m.id, m.attempts.len())));
        }
        let explained = m.cause().is_some_and(|c| c.0.iter().any(|s| matches!(s, CauseStep::ResentAfterStored { .. })));
        if m.verdict == Some(Verdict::Duplicated) && mine.len() >= 2 && !explained {
            return Err(broke("grpc_duplicate_is_explained", format!("msg#{}: {} copies, cause {:?}", m.id, mine.len(), m.cause())));
        }
    }
    Ok(())
}

/// gRPC push consumer (spec 5 §5, POP through the proxy):
/// - `pop_takes_a_position_once`: the broker moves the group's offset past what it pops, so a
///   queue position is popped again only after the master restarted, another was elected or took the role
///   (its offsets may be older then: the real broker redelivers too) — never while its copy is
///   invisible to the group, nor after its ack.
/// - `pop_dead_letters_at_max_attempts`: the client never gets a delivery with `reconsumeTimes`
///   ≥ `maxAttempts` (`retryMaxTimes` + 1); the proxy forwards exactly those to `%DLQ%`.
/// - `poison_reaches_the_dlq_after_max_attempts`: with no fault, a message that fails every
///   delivery and was stored once is delivered `retryMaxTimes` + 1 times, each retry no sooner
///   than the retry policy's backoff for that attempt plus the revive lag, then dead-lettered.
/// - `acked_message_is_delivered_or_named`: once the run went quiet with every fault healed, a
///   message the producer was told was stored was delivered, dead-lettered, or lost with a cause.
/// - `history_checker_agrees`: the exported history, read by the independent checker, gives
///   every message the run's verdict.
///
/// Returns the coverage it reached.
fn grpc_consumer_promises(case: &Case, sim: &Sim) -> Result<Vec<&'static str>, Break> {
    use rmq_sim::sim::{PopAnswer, PopEnd};
    let sc = &case.scenario;
    let mut hits = std::collections::BTreeSet::new();
    let max_attempts = sc.consumer.max_attempts();
    // How many times the master had restarted or been replaced (elected, or taking the role with
    // `changeToMaster`) before each pop, in event order (a pop and an election can share an
    // instant): its offsets may be older after, and a rejoin's truncation may put another
    // message at a position. The trace
    // and the `Popped` events are written together, one for one.
    let mut resets = 0usize;
    let resets_before: Vec<usize> = sim
        .events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::BrokerRestarted { node: rmq_sim::NodeId::Master, .. }
            | EventKind::MasterElected { .. }
            | EventKind::RoleChanged { .. } => {
                resets += 1;
                None
            }
            EventKind::Popped { .. } => Some(resets),
            _ => None,
        })
        .collect();
    assert_eq!(resets_before.len(), sim.pop_trace().len(), "one Popped event per traced pop");
    let mut last: BTreeMap<(rmq_sim::event::QueueKind, u64), (usize, &rmq_sim::sim::PopTrace)> = BTreeMap::new();
    for (i, t) in sim.pop_trace().iter().enumerate() {
        if t.node != rmq_sim::NodeId::Master {
            // A slave's pop moves no stored offset and writes no checkpoint (spec 5 §5): it pops
            // the same positions again after each clear of its offset queue.
            hits.insert("grpc consumer: a slave popped for the proxy");
            continue;
        }
        if let Some((j, prev)) = last.insert((t.queue, t.queue_offset), (i, t)) {
            if resets_before[i] == resets_before[j] {
                return Err(broke(
                    "pop_takes_a_position_once",
                    format!("{} offset {} (msg#{}) popped at {} and again at {}, no master restart between; the first ended {:?}", t.queue, t.queue_offset, t.msg.0, prev.popped_at, t.popped_at, prev.end),
                ));
            }
            hits.insert("grpc consumer: a position popped again after a master restart");
        }
        match t.answer {
            Some((_, PopAnswer::Nack(_))) => {
                hits.insert("grpc consumer: nacked");
            }
            Some((_, PopAnswer::Ack)) => {
                hits.insert("grpc consumer: acked");
            }
            None => {}
        }
        match t.end {
            Some((_, PopEnd::Revived)) if t.answer.is_none() => {
                hits.insert("grpc consumer: invisible time ran out, revived");
            }
            Some((_, PopEnd::CopyLost)) => {
                hits.insert("grpc consumer: popped copy lost before its revive");
            }
            _ => {}
        }
        if t.renewals > 0 {
            hits.insert("grpc consumer: invisible time renewed");
        }
    }
    for e in sim.events() {
        match e.kind {
            EventKind::Delivered { msg, reconsume_times, .. } if reconsume_times >= max_attempts => {
                return Err(broke("pop_dead_letters_at_max_attempts", format!("msg#{} delivered with reconsumeTimes {reconsume_times} ≥ maxAttempts {max_attempts}", msg.0)));
            }
            EventKind::DeadLettered { msg, reconsume_times } => {
                if reconsume_times < max_attempts {
                    return Err(broke("pop_dead_letters_at_max_attempts", format!("msg#{} forwarded to %DLQ% with reconsumeTimes {reconsume_times} < maxAttempts {max_attempts}", msg.0)));
                }
                hits.insert("grpc consumer: dead-lettered by the proxy");
            }
            _ => {}
        }
    }
    let ended = sim.ended();
    let quiet = ended == Some(EndReason::Quiescent);
    if quiet && sc.faults.is_empty() && case.injected.is_empty() {
        let c = &sc.consumer;
        let mut stored = vec![0u32; sim.ledger().messages.len()];
        for copy in sim.copies().iter().filter(|c| c.topic == rmq_sim::event::Topic::Main) {
            stored[copy.msg.0 as usize] += 1;
        }
        for m in &sim.ledger().messages {
            let poison = c.fail_messages.contains(&m.id) || c.fail_percent == 100 || c.fail_first_attempts >= max_attempts;
            // A message with a named cause (a queue nobody reads) is explained, not a poison run.
            if !poison || stored[m.id as usize] != 1 || !sc.consumer.enabled || m.cause().is_some() {
                continue;
            }
            hits.insert("grpc consumer: poison message checked");
            let s = rmq_sim::retry_schedule::Schedule::of(sim, rmq_sim::MsgId(m.id));
            let bad = |why: String| Err(broke("poison_reaches_the_dlq_after_max_attempts", format!("msg#{}: {why}", m.id)));
            if s.deliveries.len() != max_attempts as usize || m.verdict != Some(Verdict::DeadLettered) {
                return bad(format!("{} deliveries, verdict {:?}; maxAttempts {max_attempts}", s.deliveries.len(), m.verdict));
            }
            for (k, w) in s.waits().iter().enumerate() {
                let least = c.group_retry_policy.next_attempt_delay(k as u32 + 1) + rmq_sim::SimDuration::from_ms(2_100);
                if w.after != k || w.duration() < least {
                    return bad(format!("wait {k} after delivery {}: {} < the backoff of attempt {} + the revive lag ({least})", w.after, w.duration(), k + 1));
                }
            }
        }
    }
    if quiet && all_faults_heal(case) && sc.consumer.enabled {
        for m in &sim.ledger().messages {
            if m.was_acked() && m.deliveries.is_empty() && m.verdict != Some(Verdict::DeadLettered) && m.cause().is_none() {
                return Err(broke("acked_message_is_delivered_or_named", format!("msg#{} acked, never delivered, {:?} without a cause", m.id, m.verdict)));
            }
        }
    }
    let history = rmq_sim::export::Format::History.render(sim);
    let fates = history::check(&history).map_err(|e| broke("history_checker_agrees", format!("malformed history: {e}")))?;
    for m in &sim.ledger().messages {
        let got = fates.get(&(m.id as u64)).map_or("UNRESOLVED-NO-OPS", history::verdict);
        let want = m.verdict.unwrap_or(Verdict::Unresolved).name();
        if got != want {
            return Err(broke("history_checker_agrees", format!("msg#{}: the history says {got}, the run {want}", m.id)));
        }
    }
    Ok(hits.into_iter().collect())
}

/// Smaller cases to try, most aggressive first.
fn candidates(case: &Case) -> Vec<Case> {
    let mut out = Vec::new();
    let with = |f: &dyn Fn(&mut Case)| {
        let mut c = case.clone();
        f(&mut c);
        c
    };
    for i in 0..case.injected.len() {
        out.push(with(&|c| { c.injected.remove(i); }));
    }
    for i in 0..case.scenario.faults.len() {
        out.push(with(&|c| { c.scenario.faults.remove(i); }));
    }
    let n = case.scenario.producer.messages;
    for m in [1, n / 4, n / 2, n - 1] {
        if m >= 1 && m < n {
            out.push(with(&|c| {
                c.scenario.producer.messages = m;
                c.scenario.consumer.fail_messages.retain(|&x| x < m);
            }));
        }
    }
    let d = Scenario::default();
    out.push(with(&|c| c.scenario.broker = d.broker.clone()));
    out.push(with(&|c| c.scenario.disk = d.disk.clone()));
    out.push(with(&|c| c.scenario.network = d.network.clone()));
    out.push(with(&|c| c.scenario.slave = d.slave.clone()));
    out.push(with(&|c| c.scenario.topic = d.topic.clone()));
    out.push(with(&|c| {
        let messages = c.scenario.producer.messages;
        c.scenario.producer = ProducerConfig { messages, ..d.producer.clone() };
    }));
    out.push(with(&|c| {
        let fail_messages = c.scenario.consumer.fail_messages.clone();
        c.scenario.consumer = ConsumerConfig { fail_messages, ..d.consumer.clone() };
    }));
    out.push(with(&|c| c.scenario.consumer.fail_messages.clear()));
    for i in 0..case.scenario.faults.len() {
        if case.scenario.faults[i].duration.is_some() {
            out.push(with(&|c| c.scenario.faults[i].duration = None));
        }
    }
    // Only real changes, and only cases that are still valid scenario files (a reproduction must load).
    out.retain(|c| c != case);
    out.retain(|c| parse_scenario(&scenario_to_toml(&c.scenario)).as_ref() == Ok(&c.scenario));
    out
}

/// Greedy shrinking: keep any smaller case that breaks the same property, until none does.
fn shrink(mut case: Case, property: &str) -> (Case, usize) {
    let mut runs = 0;
    'outer: while runs < 500 {
        for c in candidates(&case) {
            runs += 1;
            if let Err(b) = run_case(&c, &mut Coverage::default()) {
                if b.property == property {
                    case = c;
                    continue 'outer;
                }
            }
        }
        break;
    }
    (case, runs)
}

fn check_seed(seed: u64, cov: &mut Coverage) -> Result<(), String> {
    let case = generate(seed);
    let Err(b) = run_case(&case, cov) else { return Ok(()) };
    let (small, runs) = shrink(case.clone(), &b.property);
    let detail = run_case(&small, &mut Coverage::default()).err().map_or(b.detail.clone(), |b| b.detail);
    Err(format!(
        "swarm seed {seed}: `{}` broken: {}\n\
         reproduce: SWARM_SEED={seed} cargo test --release -p rmq_sim --test swarm -- --nocapture\n\
         shrunk in {runs} runs to ({detail}):\n{}",
        b.property,
        b.detail,
        describe(&small)
    ))
}

/// Rare branches of the model, recognised in the event log.
#[derive(Default)]
struct Coverage {
    hits: BTreeMap<&'static str, u64>,
}

/// Every branch the swarm must reach at least once in the CI run.
const RARE: &[&str] = &[
    "controller mode, allAckInSyncStateSet, one failure",
    "controller mode, allAckInSyncStateSet, one failure: a slave elected",
    "status FLUSH_DISK_TIMEOUT",
    "status FLUSH_SLAVE_TIMEOUT",
    "status SLAVE_NOT_AVAILABLE",
    "exception RemotingConnectException",
    "exception RemotingTimeoutException",
    "exception sendDefaultImpl call timeout",
    "exception Send [N] times, still failed",
    "exception No route info",
    "exception SYSTEM_BUSY",
    "late response dropped",
    "request lost at a down broker",
    "put refused",
    "resend scheduled (PERSIST_AND_RESEND)",
    "oneway sent",
    "async callback",
    "master restarted behind its slave",
    "copy lost: page cache (power loss)",
    "copy lost: disk lost",
    "copy lost: only on the slave",
    "restart truncated the commit log",
    "down: process crash",
    "down: power loss",
    "down: disk lost",
    "down: clean stop",
    "slave disconnected",
    "slave reconnected",
    "route changed to the slave",
    "consumer crashed with messages in flight",
    "consume retried locally (no master for sendMessageBack)",
    "retry scheduled",
    "dead-lettered",
    "compensated from the DLQ",
    "offset corrected",
    "offset committed by pull",
    "fault ended",
    "verdict DUPLICATED",
    "verdict LOST_AFTER_ACK",
    "verdict LOST_UNACKED",
    "verdict DEAD_LETTERED",
    "verdict UNRESOLVED",
    "end: time limit",
    "end: quiescent",
    "pull flow-controlled (count)",
    "retry re-armed after a restart",
    "copy lost after DLQ compensation",
    "cause: skipped by the consumer",
    "cause: queue not read (readQueueNums < writeQueueNums)",
    "cause: retry stuck on the slave",
    "cause: stranded on a down broker",
    "cause: retry lost",
    "cause: never reached a master",
    "cause: waiting for the consumer",
    "cause: the run stopped at a bound",
    "grpc DEADLINE_EXCEEDED",
    "grpc UNAVAILABLE",
    "grpc INTERNAL_SERVER_ERROR",
    "cause: gRPC resend stored a copy again",
    "grpc MASTER_PERSISTENCE_TIMEOUT",
    "grpc SLAVE_PERSISTENCE_TIMEOUT",
    "grpc consumer: acked",
    "grpc consumer: nacked",
    "grpc consumer: dead-lettered by the proxy",
    "grpc consumer: poison message checked",
    "grpc consumer: invisible time ran out, revived",
];

/// Branches the swarm tracks but the 2,000 CI cases need not reach (too rare for that many;
/// the 100,000-case run reports how often it reached them).
const TRACKED: &[&str] = &[
    "exception SYSTEM_ERROR (in-sync replicas not enough)",
    "pull flow-controlled (size)",
    "end: event limit",
    "cause: no copy left",
    "pull flow-controlled (span)",
    "retry entry lost before it was due",
    "consumer restarted in an outage resumed from the slave's offset",
    "exception failFast: connection closed",
    "fault refused",
    "broker hit while down",
    "sendMessageBack failed: the client sent the message back itself",
    "grpc PROXY_TIMEOUT",
    "grpc TOO_MANY_REQUESTS",
    "grpc HA_NOT_AVAILABLE",
    "copy lost: master back before the controller noticed",
    "controller mode, allAckInSyncStateSet, one failure: a truncation",
    "controller mode, allAckInSyncStateSet, one failure: the master back before the controller noticed",
    "grpc consumer: invisible time renewed",
    "grpc consumer: popped copy lost before its revive",
    "grpc consumer: a position popped again after a master restart",
    "grpc consumer: a slave popped for the proxy",
    "grpc consumer: a checkpoint stranded on a master gone for good",
];

impl Coverage {
    fn hit(&mut self, name: &'static str) {
        debug_assert!(RARE.contains(&name) || TRACKED.contains(&name), "{name} is not in RARE or TRACKED");
        *self.hits.entry(name).or_default() += 1;
    }

    fn record(&mut self, sim: &Sim) {
        use EventKind::*;
        let mut seen = std::collections::BTreeSet::new();
        // Retries scheduled before the master's latest restart, to see one re-armed after it.
        let mut scheduled_before_restart = std::collections::BTreeSet::new();
        let mut scheduled = std::collections::BTreeSet::new();
        for e in sim.events() {
            match &e.kind {
                RetryScheduled { msg, .. } => {
                    scheduled.insert(*msg);
                }
                BrokerRestarted { node: rmq_sim::NodeId::Master, .. } => scheduled_before_restart.extend(std::mem::take(&mut scheduled)),
                RetryDue { msg, .. } if scheduled_before_restart.remove(msg) => {
                    seen.insert("retry re-armed after a restart");
                }
                // Here, not below: the `CopyLost { why, .. }` arms there would take it first.
                CopyLost { topic: rmq_sim::event::Topic::Schedule, .. } => {
                    seen.insert("retry entry lost before it was due");
                }
                _ => {}
            }
            let name = match &e.kind {
                SendAnswered { status: SendStatus::FlushDiskTimeout, .. } => "status FLUSH_DISK_TIMEOUT",
                SendAnswered { status: SendStatus::FlushSlaveTimeout, .. } => "status FLUSH_SLAVE_TIMEOUT",
                SendAnswered { status: SendStatus::SlaveNotAvailable, .. } => "status SLAVE_NOT_AVAILABLE",
                SendAnswered { callback: true, .. } => "async callback",
                AttemptFailed { error, .. } | SendFailed { error, .. } => match error {
                    SendError::ConnectRefused => "exception RemotingConnectException",
                    SendError::Timeout => "exception RemotingTimeoutException",
                    SendError::CallTimeout => "exception sendDefaultImpl call timeout",
                    SendError::RetriesExhausted => "exception Send [N] times, still failed",
                    SendError::NoRoute => "exception No route info",
                    SendError::BrokerBusy => "exception SYSTEM_BUSY",
                    SendError::ConnectionClosed => "exception failFast: connection closed",
                    SendError::SystemError => "exception SYSTEM_ERROR (in-sync replicas not enough)",
                    SendError::MasterPersistenceTimeout => "grpc MASTER_PERSISTENCE_TIMEOUT",
                    SendError::SlavePersistenceTimeout => "grpc SLAVE_PERSISTENCE_TIMEOUT",
                    SendError::HaNotAvailable => "grpc HA_NOT_AVAILABLE",
                    SendError::InternalServerError => "grpc INTERNAL_SERVER_ERROR",
                    SendError::ProxyTimeout => "grpc PROXY_TIMEOUT",
                    SendError::TooManyRequests => "grpc TOO_MANY_REQUESTS",
                    SendError::DeadlineExceeded => "grpc DEADLINE_EXCEEDED",
                    SendError::Unavailable => "grpc UNAVAILABLE",
                },
                LateResponseDropped { .. } => "late response dropped",
                RequestLost { .. } => "request lost at a down broker",
                PutRefused { .. } => "put refused",
                ResendScheduled { .. } => "resend scheduled (PERSIST_AND_RESEND)",
                OnewaySent { .. } => "oneway sent",
                MasterBehindSlave { .. } => "master restarted behind its slave",
                CopyLost { why: LossReason::PageCacheLost { .. }, .. } => "copy lost: page cache (power loss)",
                CopyLost { why: LossReason::DiskLost { .. }, .. } => "copy lost: disk lost",
                CopyLost { why: LossReason::SlaveOnly { .. }, .. } => "copy lost: only on the slave",
                CopyLost { why: LossReason::MasterRestartedInPlace { .. }, .. } => "copy lost: master back before the controller noticed",
                BrokerRestarted { truncated, .. } if *truncated > 0 => "restart truncated the commit log",
                BrokerDown { how: CrashKind::ProcessCrash, .. } => "down: process crash",
                BrokerDown { how: CrashKind::PowerLoss, .. } => "down: power loss",
                BrokerDown { how: CrashKind::DiskLost, .. } => "down: disk lost",
                BrokerDown { how: CrashKind::CleanStop, .. } => "down: clean stop",
                SlaveDisconnected { .. } => "slave disconnected",
                SlaveConnected { .. } => "slave reconnected",
                RouteChanged { consumers_read_from: rmq_sim::NodeId::Slave } => "route changed to the slave",
                ConsumerCrashed { in_flight } if *in_flight > 0 => "consumer crashed with messages in flight",
                ConsumeRetriedLocally { .. } => "consume retried locally (no master for sendMessageBack)",
                SendBackFallback { .. } => "sendMessageBack failed: the client sent the message back itself",
                RetryScheduled { .. } => "retry scheduled",
                DeadLettered { .. } => "dead-lettered",
                Compensated { .. } => "compensated from the DLQ",
                OffsetCorrected { .. } => "offset corrected",
                OffsetCommitted { via: rmq_sim::event::OffsetVia::Pull, .. } => "offset committed by pull",
                FaultEnded { .. } => "fault ended",
                FaultRefused { .. } => "fault refused",
                BrokerStillDown { .. } => "broker hit while down",
                RunEnded { reason: EndReason::TimeLimit } => "end: time limit",
                RunEnded { reason: EndReason::Quiescent } => "end: quiescent",
                RunEnded { reason: EndReason::EventLimit } => "end: event limit",
                PullFlowControlled { why: rmq_sim::event::FlowControl::Count { .. }, .. } => "pull flow-controlled (count)",
                PullFlowControlled { why: rmq_sim::event::FlowControl::Size { .. }, .. } => "pull flow-controlled (size)",
                PullFlowControlled { why: rmq_sim::event::FlowControl::Span { .. }, .. } => "pull flow-controlled (span)",
                _ => continue,
            };
            seen.insert(name);
        }
        for m in &sim.ledger().messages {
            if m.compensated_at().is_some() && m.lost().iter().any(|(t, _)| *t > m.compensated_at().unwrap_or_default()) {
                seen.insert("copy lost after DLQ compensation");
            }
            for step in m.cause().iter().flat_map(|c| &c.0) {
                seen.insert(match step {
                    CauseStep::SkippedByConsumer { .. } => "cause: skipped by the consumer",
                    CauseStep::CheckpointOnLostMaster { .. } => "grpc consumer: a checkpoint stranded on a master gone for good",
                    CauseStep::QueueNotRead { .. } => "cause: queue not read (readQueueNums < writeQueueNums)",
                    CauseStep::RetryStuckOnSlave => "cause: retry stuck on the slave",
                    CauseStep::Stranded => "cause: stranded on a down broker",
                    CauseStep::RetryLost => "cause: retry lost",
                    CauseStep::NeverReachedMaster => "cause: never reached a master",
                    CauseStep::WaitingForConsumer { .. } => "cause: waiting for the consumer",
                    CauseStep::RunStopped { .. } => "cause: the run stopped at a bound",
                    CauseStep::NoCopyLeft => "cause: no copy left",
                    CauseStep::ResentAfterStored { .. } => "cause: gRPC resend stored a copy again",
                    _ => continue,
                });
            }
            match m.verdict {
                Some(Verdict::Duplicated) => seen.insert("verdict DUPLICATED"),
                Some(Verdict::LostAfterAck) => seen.insert("verdict LOST_AFTER_ACK"),
                Some(Verdict::LostUnacked) => seen.insert("verdict LOST_UNACKED"),
                Some(Verdict::DeadLettered) => seen.insert("verdict DEAD_LETTERED"),
                Some(Verdict::Unresolved) => seen.insert("verdict UNRESOLVED"),
                _ => false,
            };
        }
        for name in seen {
            self.hit(name);
        }
    }

    /// One line per branch: in how many cases it was reached.
    fn table(&self, cases: u64) -> String {
        let row = |n: &&str| format!("  {:>7} / {cases}  {n}\n", self.hits.get(n).copied().unwrap_or(0));
        let rare: String = RARE.iter().map(row).collect();
        let tracked: String = TRACKED.iter().map(row).collect();
        format!("{rare}tracked, not required in CI:\n{tracked}")
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| v.parse().unwrap_or_else(|_| panic!("{name} must be a number")))
}

#[test]
fn swarm_keeps_every_invariant_and_reaches_every_rare_branch() {
    let mut cov = Coverage::default();
    if let Some(seed) = env_u64("SWARM_SEED") {
        if let Err(report) = check_seed(seed, &mut cov) {
            panic!("{report}");
        }
        println!("swarm seed {seed}: every invariant held\n{}", describe(&generate(seed)));
        return;
    }
    let start = env_u64("SWARM_START").unwrap_or(0);
    // 2,000 in CI (a release build, scripts/test.sh); a debug `cargo test -p rmq_sim` runs 200.
    let count = env_u64("SWARM_COUNT").unwrap_or(if cfg!(debug_assertions) { 200 } else { 2_000 });
    let began = std::time::Instant::now();
    let mut breaks = Vec::new();
    let mut ran = 0;
    let progress = std::env::var("SWARM_PROGRESS").is_ok();
    for seed in start..start + count {
        let t = std::time::Instant::now();
        let result = check_seed(seed, &mut cov);
        ran += 1;
        if progress && (t.elapsed().as_millis() > 500 || seed % 500 == 0) {
            eprintln!("swarm seed {seed}: {} ms, {:.0} s so far", t.elapsed().as_millis(), began.elapsed().as_secs_f64());
        }
        if let Err(report) = result {
            eprintln!("{report}");
            breaks.push(seed);
            if breaks.len() >= 5 {
                break;
            }
        }
    }
    println!(
        "swarm: {ran} cases (seeds {start}..{}), {} broken, {:.1} s\nrare branches reached (cases):\n{}",
        start + ran,
        breaks.len(),
        began.elapsed().as_secs_f64(),
        cov.table(ran)
    );
    assert!(breaks.is_empty(), "invariants broken for seeds {breaks:?} (reports above)");
    let missed: Vec<_> = RARE.iter().filter(|n| !cov.hits.contains_key(*n)).collect();
    assert!(missed.is_empty() || ran < 2_000, "rare branches never reached in {ran} cases: {missed:?}");
}

/// The generator makes valid scenario files, so every printed reproduction loads.
#[test]
fn swarm_cases_are_valid_scenario_files() {
    for seed in 0..300 {
        let case = generate(seed);
        assert_eq!(parse_scenario(&scenario_to_toml(&case.scenario)).as_ref(), Ok(&case.scenario), "seed {seed}\n{}", describe(&case));
    }
}

/// Shrinking keeps the broken property and ends at a smaller case: a property that breaks
/// whenever a case has a POWER_LOSS fault shrinks to a single fault.
#[test]
fn shrinking_finds_a_minimal_case() {
    let seed = (0..500).find(|&s| {
        let c = generate(s);
        c.scenario.faults.len() >= 3 && c.scenario.faults.iter().any(|f| f.kind == FaultKind::PowerLoss)
    });
    let case = generate(seed.expect("a case with a power cut"));
    let is_bad = |c: &Case| c.scenario.faults.iter().any(|f| f.kind == FaultKind::PowerLoss);
    // The same greedy loop as `shrink`, with the stand-in property.
    let mut small = case.clone();
    'outer: loop {
        for c in candidates(&small) {
            if is_bad(&c) {
                small = c;
                continue 'outer;
            }
        }
        break;
    }
    assert_eq!(small.scenario.faults.len(), 1);
    assert!(small.injected.is_empty());
    assert_eq!(small.scenario.producer.messages, 1);
}

/// Chunked playback (the UI's `run_until` steps) and one run to the end give the same log.
#[test]
fn chunked_and_single_runs_agree() {
    for seed in 0..80 {
        let c = generate(seed);
        if c.scenario.producer.messages > 1_000 {
            continue;
        }
        let whole = rmq_sim::report::digest(case::replay(&c, None).events());
        for chunk in [137, 1_000] {
            let chunked = rmq_sim::report::digest(case::replay(&c, Some(chunk)).events());
            assert_eq!(chunked, whole, "seed {seed}: chunks of {chunk} ms\n{}", describe(&c));
        }
    }
}

/// `SWARM_DUMP=DIR`: writes the first `SWARM_DUMP_COUNT` (default 200) cases of up to 300
/// messages as `DIR/<seed>.toml` with their native event-log digest in `DIR/<seed>.digest`, for
/// the browser to replay (`tests/e2e/digests.test.mjs`). Without it, this test does nothing.
#[test]
fn dump_cases_for_the_browser() {
    let Ok(dir) = std::env::var("SWARM_DUMP") else { return };
    let count = env_u64("SWARM_DUMP_COUNT").unwrap_or(200);
    std::fs::create_dir_all(&dir).expect("SWARM_DUMP is a writable folder");
    let mut written = 0;
    for seed in 0.. {
        if written == count {
            break;
        }
        let case = generate(seed);
        if case.scenario.producer.messages > 300 {
            continue;
        }
        let mut sim = Sim::new(&case.scenario);
        sim.run();
        std::fs::write(format!("{dir}/{seed}.toml"), scenario_to_toml(&case.scenario)).expect("write");
        std::fs::write(format!("{dir}/{seed}.digest"), rmq_sim::report::digest(sim.events())).expect("write");
        written += 1;
    }
}

/// Parses a directed case and runs it with every property checked, panicking with `label` and
/// the broken property; returns the case (to replay) and the branches it reached.
fn run_directed(label: &str, text: &str) -> (Case, Coverage) {
    let scenario = parse_scenario(text).unwrap_or_else(|e| panic!("{label}: {e}"));
    let case = Case { scenario, injected: Vec::new() };
    let mut cov = Coverage::default();
    if let Err(b) = run_case(&case, &mut cov) {
        panic!("{label}: `{}` broken: {}", b.property, b.detail);
    }
    (case, cov)
}

/// [`run_directed`], then the case replayed: the run whose events a directed test reads.
fn replay_directed(label: &str, text: &str) -> (Sim, Coverage) {
    let (case, cov) = run_directed(label, text);
    (case::replay(&case, None), cov)
}

/// Two tracked branches that 100,000 random cases did not reach, each from a scenario made for
/// it, run through the same checker as a random case (every invariant after every action):
/// - the size limit of the pull path (`pullThresholdSizeForQueue`, in MiB) needs large bodies and a
///   backlog, which the generator never combines;
/// - a retry's entry in `SCHEDULE_TOPIC_XXXX` lost before it was due needs the master's disk to go
///   within the retry's delay.
#[test]
fn directed_cases_reach_the_branches_random_cases_miss() {
    let cases = [
        (
            "pull flow-controlled (size)",
            r#"
            name = "a backlog of 256 KiB messages against a 1 MiB pull cache"
            until = "2m"
            [producer]
            messages = 200
            interval = "1ms"
            bodySize = 262144
            [consumer]
            startAt = "2s"
            consumeTime = "50ms"
            pullThresholdSizeForQueue = 1
            "#,
        ),
        (
            "retry entry lost before it was due",
            r#"
            name = "the master's disk goes while a retry waits in the schedule topic"
            until = "10m"
            [producer]
            messages = 5
            [consumer]
            failMessages = [0]
            [slave]
            enabled = true
            [[fault]]
            at = "5s"
            kind = "DISK_LOST"
            target = "master"
            "#,
        ),
        (
            "consumer restarted in an outage resumed from the slave's offset",
            r#"
            name = "the master's disk goes with the consumer caught up; the consumer restarts in the outage"
            until = "10m"
            [producer]
            messages = 600
            interval = "100ms"
            [slave]
            enabled = true
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
        ),
    ];
    for (branch, text) in cases {
        let (_, cov) = run_directed(branch, text);
        assert!(cov.hits.contains_key(branch), "{branch} not reached:\n{}", cov.table(1));
    }
}

/// Swarm seed 5242, shrunk by hand to what makes it loop (issue 18 item 8): SYNC_FLUSH +
/// SYNC_MASTER, a 100 ms send timeout, `failPercent = 100`, `maxReconsumeTimes = 3`, a DLQ
/// consumer, and the master's disk gone for good before the consumer starts, so the route names
/// the slave and no message can ever be sent back. RocketMQ's client re-consumes them forever,
/// but each failure blocks its consume thread through the 5 s `sendMessageBack` RPC
/// (`processConsumeResult` runs on the consume thread): at most `consumeThread` consumes start
/// in any 5 s. The model let the thread go at once, so all 167 messages went round every 10 s
/// (1.07 million events in 6 h, the event limit with a few hundred more messages); now the loop
/// runs at the rate the threads allow (258,000 events in 6 h), and the run ends at `until`.
#[test]
fn directed_case_swarm_5242_the_failing_consumer_loops_at_the_thread_pool_rate() {
    let text = r#"
        name = "swarm 5242, shrunk: the master's disk goes for good, every consume fails"
        until = "30m"
        [broker]
        flushDiskType = "SYNC_FLUSH"
        brokerRole = "SYNC_MASTER"
        [slave]
        enabled = true
        [producer]
        messages = 167
        interval = "1ms"
        sendMsgTimeout = 100
        [consumer]
        maxReconsumeTimes = 3
        failPercent = 100
        dlqConsumer = true
        startAt = "3m"
        [[fault]]
        at = "4438ms"
        kind = "DISK_LOST"
        target = "master"
        "#;
    let (sim, cov) = replay_directed("swarm 5242", text);
    let scenario = sim.scenario();
    assert!(cov.hits.contains_key("end: time limit"), "the run ends at its `until`:\n{}", cov.table(1));
    let starts: Vec<u64> = sim.events().iter().filter(|e| matches!(e.kind, EventKind::Delivered { .. })).map(|e| e.at.as_us()).collect();
    let threads = scenario.consumer.consume_thread as usize;
    let period = 5_000_000;
    for (i, &t) in starts.iter().enumerate() {
        let in_window = starts[i..].iter().take_while(|&&u| u < t + period).count();
        assert!(in_window <= threads, "{in_window} consumes started within 5 s of {}, with {threads} threads", rmq_sim::SimTime(t));
    }
    assert!(starts.len() > 1_000, "the consumer keeps re-consuming: {} deliveries", starts.len());
}

/// Swarm seed 7743, shrunk by hand (issue 18 item 6): 5.3.3 `SYNC_FLUSH` dispatches only flushed
/// messages, flushes take up to 500 ms, and the run stops at `until` with the last message stored
/// but not yet flushed — in queue 2 of 4 while the group reads 2. That copy is in no consume queue
/// yet, so its cause was looked up by its consume-queue position, found none, and read
/// `NeverReached`; an unread queue is now known from the copy itself (`QueueNotRead`).
#[test]
fn directed_case_swarm_7743_an_undispatched_copy_in_an_unread_queue_has_its_cause() {
    let text = r#"
        name = "swarm 7743, shrunk: the last message waits for its flush in a queue nobody reads"
        version = "5.3.3"
        seed = 7743
        until = "20s"
        [broker]
        flushDiskType = "SYNC_FLUSH"
        brokerRole = "ASYNC_MASTER"
        syncFlushTimeout = 0
        slaveTimeout = 5
        flushIntervalCommitLog = 5000
        flushCommitLogLeastPages = 16
        flushCommitLogThoroughInterval = 10000
        haSlaveFallbehindMax = 4096
        haHousekeepingInterval = 5000
        haSendHeartbeatInterval = 200
        messageDelayLevel = "1s 5s 10s 30s"
        transientStorePoolEnable = false
        commitIntervalCommitLog = 200
        commitCommitLogLeastPages = 4
        commitCommitLogThoroughInterval = 200
        totalReplicas = 2
        inSyncReplicas = 1
        minInSyncReplicas = 1
        enableAutoInSyncReplicas = false
        enableSlaveActingMaster = true
        [disk]
        flushLatencyMin = "100us"
        flushLatencyMax = "500100us"
        flushBytesPerMs = 200000
        [slave]
        enabled = true
        replicationLatency = "1ms"
        flushDiskType = "ASYNC_FLUSH"
        replicationBytesPerMs = 125000
        slaveReadEnable = false
        [network]
        latency = "30ms"
        [topic]
        writeQueueNums = 4
        readQueueNums = 2
        [producer]
        sendMode = "SYNC"
        messages = 195
        interval = "100ms"
        bodySize = 100
        sendMsgTimeout = 1
        retryTimesWhenSendFailed = 0
        retryTimesWhenSendAsyncFailed = 2
        retryAnotherBrokerWhenNotStoreOK = false
        onException = "LOG"
        resendDelay = "1s"
        resendMaxTimes = 0
        [consumer]
        enabled = true
        group = "demo_group"
        startAt = "0ms"
        maxReconsumeTimes = 16
        consumeTime = "5ms"
        failPercent = 0
        failMessages = []
        failFirstAttempts = 0
        failWith = "RECONSUME_LATER"
        dlqConsumer = false
        persistConsumerOffsetInterval = 5000
        pullBatchSize = 32
        consumeThread = 20
        pullThresholdForQueue = 1000
        pullThresholdSizeForQueue = 100
        consumeConcurrentlyMaxSpan = 2000
        "#;
    let (_, cov) = run_directed("swarm 7743", text);
    assert!(cov.hits.contains_key("cause: queue not read (readQueueNums < writeQueueNums)"), "{}", cov.table(1));
}

/// Swarm seed 17459 of the 20,000-case run, shrunk: `no_consumer_reads_what_is_later_truncated`
/// held per message, and broke. Under `allAckInSyncStateSet` msg#86's first copy answered
/// FLUSH_SLAVE_TIMEOUT (the slave's ack came 4 s later) and a consumer read it only once that
/// ack raised the confirm offset past it — 5.3.3 dispatches to consumers only up to
/// `CommitLog.getConfirmOffset()`, so no consumer reads above it, and the model agrees. The
/// consume failed and the broker wrote a `%DLQ%` copy above the confirm offset; the master was
/// killed, the slave elected, and the old master's rejoin cut the DLQ copy (and a producer
/// retry's duplicate). The copy read survived on the new master: the invariant was wrong, and
/// now checks the copies read.
#[test]
fn directed_case_swarm_17459_a_cut_dlq_copy_is_not_a_read_copy_cut() {
    let text = r#"
        name = "swarm 17459, shrunk: a FLUSH_SLAVE_TIMEOUT copy read once confirmed; its DLQ copy cut on rejoin"
        version = "5.3.3"
        until = "6h"
        [broker]
        flushDiskType = "SYNC_FLUSH"
        brokerRole = "ASYNC_MASTER"
        flushIntervalCommitLog = 200
        inSyncReplicas = 2
        enableControllerMode = true
        allAckInSyncStateSet = true
        haMaxTimeSlaveNotCatchup = 1000
        [slave]
        enabled = true
        replicationLatency = "2s"
        flushDiskType = "SYNC_FLUSH"
        [controller]
        notifyBrokerRoleChanged = true
        [network]
        latency = "1ms"
        [producer]
        client = "grpc"
        messages = 87
        interval = "500ms"
        bodySize = 1
        onException = "PERSIST_AND_RESEND"
        resendDelay = "1s"
        resendMaxTimes = 0
        [consumer]
        maxReconsumeTimes = 0
        consumeTime = "0ms"
        failPercent = 10
        failFirstAttempts = 1
        failWith = "EXCEPTION"
        pullBatchSize = 1
        consumeThread = 1
        [[fault]]
        at = "47774ms"
        kind = "PROCESS_CRASH"
        target = "master"
        duration = "90s"
        "#;
    let (sim, cov) = replay_directed("swarm 17459", text);
    assert!(cov.hits.contains_key("controller mode, allAckInSyncStateSet, one failure: a truncation"), "{}", cov.table(1));
    let cut: Vec<rmq_sim::event::Topic> = sim
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CopyLost { msg, topic, why: LossReason::TruncatedOnRejoin { .. }, .. } if msg.0 == 86 => Some(*topic),
            _ => None,
        })
        .collect();
    assert_eq!(cut, vec![rmq_sim::event::Topic::Main, rmq_sim::event::Topic::Dlq], "a duplicate and the DLQ copy are cut");
    let read = sim.copies().iter().position(|c| c.msg.0 == 86 && c.attempt == Some(1)).expect("the first copy");
    assert!(sim.master().store.records.iter().any(|r| r.copy == read), "the copy read is on the new master");
}

/// Swarm 8751 (986 and 10033 alike): a slave cut back at its handshake (`truncate_with`) while a
/// flush of the cut bytes ran; the flush's end set `flushed` past `written` (slave 2 "flushed
/// 8283744 > written 0"). The running flush now ends at the cut.
#[test]
fn directed_case_swarm_8751_a_flush_running_over_cut_bytes_ends_at_the_cut() {
    let text = r#"
        name = "swarm 8751, shrunk: slave 2 cut at its handshake while a flush ran"
        version = "5.3.3"
        seed = 8751
        until = "1h"

        [broker]
        flushDiskType = "SYNC_FLUSH"
        brokerRole = "ASYNC_MASTER"
        syncFlushTimeout = 0
        slaveTimeout = 0
        flushIntervalCommitLog = 500
        flushCommitLogLeastPages = 4
        flushCommitLogThoroughInterval = 0
        haSlaveFallbehindMax = 0
        haHousekeepingInterval = 500
        haSendHeartbeatInterval = 5000
        messageDelayLevel = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"
        transientStorePoolEnable = false
        commitIntervalCommitLog = 200
        commitCommitLogLeastPages = 4
        commitCommitLogThoroughInterval = 200
        totalReplicas = 2
        inSyncReplicas = 2
        minInSyncReplicas = 2
        enableAutoInSyncReplicas = true
        enableSlaveActingMaster = false
        enableControllerMode = true
        allAckInSyncStateSet = true
        haMaxTimeSlaveNotCatchup = 15000
        controllerHeartBeatTimeoutMills = 3000

        [disk]
        flushLatencyMin = "20ms"
        flushLatencyMax = "520ms"
        flushBytesPerMs = 1000

        [slave]
        enabled = true
        count = 2
        replicationLatency = "20ms"
        flushDiskType = "SYNC_FLUSH"
        replicationBytesPerMs = 125000
        slaveReadEnable = true

        [controller]
        scanNotActiveBrokerInterval = 5000
        enableElectUncleanMaster = false
        notifyBrokerRoleChanged = true

        [network]
        latency = "1ms"

        [topic]
        writeQueueNums = 4
        readQueueNums = 4

        [producer]
        client = "grpc"
        maxAttempts = 3
        requestTimeout = 3000
        sendMode = "SYNC"
        messages = 21
        interval = "0ms"
        bodySize = 65536
        onException = "LOG"
        resendDelay = "10s"
        resendMaxTimes = 0

        [consumer]
        enabled = true
        group = "demo_group"
        startAt = "2s"
        maxReconsumeTimes = 0
        consumeTime = "5ms"
        failPercent = 0
        failMessages = []
        failFirstAttempts = 3
        failWith = "RECONSUME_LATER"
        dlqConsumer = false
        persistConsumerOffsetInterval = 5000
        pullBatchSize = 4
        consumeThread = 20
        pullThresholdForQueue = 1000
        pullThresholdSizeForQueue = 100
        consumeConcurrentlyMaxSpan = 2000

        [proxy]
        proxyMode = "CLUSTER"

        [[fault]]
        at = "4132ms"
        kind = "DISK_LOST"
        target = "master"
        duration = "1ms"
        "#;
    let (case, _) = run_directed("swarm 8751", text);
    assert_eq!(case.scenario.slave.count, 2);
}

/// Swarm seeds 13272 and 18148 of the 20,000-case run, shrunk: `pop_takes_a_position_once`
/// compared times, so a re-pop was unexcused when the election came at the very instant of the
/// first pop (13272: controller mode, the master killed at 2.000 s as the consumer's first pop
/// ran; broker 1, elected at once, pops offset 0 again from its own, older offsets — RocketMQ's
/// redelivery), or when the broker that took the role with `changeToMaster` did so after an
/// election that preceded the first pop (18148: the old master, back in place, popped `%RETRY%`
/// offset 3 before the elected broker took over; the rejoin cut that tail and a revived message
/// refilled offset 3). The invariant now orders pops, restarts, elections and role changes by
/// event.
#[test]
fn directed_case_swarm_13272_and_18148_a_re_pop_after_a_change_of_master_in_the_same_instant_or_later() {
    let (sim, _) = replay_directed("swarm 13272", include_str!("fixtures/swarm/seed-13272.toml"));
    let first = &sim.pop_trace()[0];
    assert!(sim.pop_trace().iter().skip(1).any(|t| (t.queue, t.queue_offset, t.popped_at) == (first.queue, first.queue_offset, first.popped_at)), "offset 0 popped twice at 2.000s");
    let (sim, _) = replay_directed("swarm 18148", include_str!("fixtures/swarm/seed-18148.toml"));
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::RoleChanged { .. })));
}

/// Swarm seed 16502 of the 20,000-case run, shrunk: a power loss cut `TopicTest#1`'s consume
/// queue back to 7 entries while the group's pop offset, committed before, stayed at 8; msg#69,
/// stored after the restart, took position 7 and no pop ever returned it. The cause chain ended
/// in "no consumer reached it"; with the gRPC consumer the group's position is the broker's pop
/// offset, and the chain now names the skip as it does for the pull consumer (§6.23), in POP's
/// words: every pop starts at the broker's pop offset, past it.
#[test]
fn directed_case_swarm_16502_a_pop_offset_ahead_of_a_truncated_queue_names_the_skipped_message() {
    let (sim, _) = replay_directed("swarm 16502", include_str!("fixtures/swarm/seed-16502.toml"));
    let m = &sim.ledger().messages[69];
    let cause = m.cause().expect("msg#69 has a cause");
    assert!(
        cause.0.iter().any(|s| matches!(s, CauseStep::SkippedByConsumer { offset: 7, consumer_offset: 8, pop: true, .. })),
        "{cause:?}"
    );
    // The POP wording: the broker's pop offset, not a pull (issue 21).
    let (en, zh) = (cause.render(rmq_sim::text::Lang::En), cause.render(rmq_sim::text::Lang::Zh));
    assert!(en.contains("below the group's pop offset 8 on the broker") && !en.contains("no pull"), "{en}");
    assert!(zh.contains("POP 偏移 8") && !zh.contains("拉取"), "{zh}");
}
