//! Invariants checked after every event in tests (stateright-style named properties).
//!
//! A violation is our bug, never the user's: the checker returns the property's name and the
//! offending event so the sweep can print the seed and the command that reproduces it.

use std::collections::{BTreeMap, BTreeSet};

use crate::event::{EventKind, NodeId, SendStatus, Topic};
use crate::scenario::FlushDiskType;
use crate::sim::Sim;

/// Incremental checker: feed it the simulator after each step.
#[derive(Default)]
pub struct Checker {
    seen: usize,
    /// Copies already checked (a copy's `reconsumeTimes` never changes).
    copies_seen: usize,
    /// Each broker's durable end, by `broker_id` (a controller-mode failover moves brokers
    /// between positions).
    flushed: BTreeMap<u32, u64>,
    /// Copies the master answered `SEND_OK` for and still holds.
    send_ok_on_master: BTreeSet<usize>,
    /// When the slave last went down: copies older than that may legitimately be gone from it.
    slave_down_at: Option<crate::time::SimTime>,
}

/// The broker at position `node` now.
fn broker_of(sim: &Sim, node: NodeId) -> u32 {
    match node.slave_index() {
        None => sim.master().broker_id,
        Some(i) => sim.slaves().get(i).map_or(0, |s| s.broker_id),
    }
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks every event produced since the last call, and the state after them.
    pub fn check(&mut self, sim: &Sim) -> Result<(), String> {
        let events = &sim.events()[self.seen..];
        let mut crashed = Vec::new();
        for (i, e) in events.iter().enumerate() {
            let prev = if self.seen + i == 0 { None } else { sim.events().get(self.seen + i - 1) };
            if let Some(p) = prev {
                if (p.at, p.seq) >= (e.at, e.seq) {
                    return Err(format!("events_ordered: {e} after {p}"));
                }
            }
            match &e.kind {
                EventKind::BrokerDown { node, how, .. } => {
                    crashed.push(broker_of(sim, *node));
                    if *node != NodeId::Master {
                        self.slave_down_at = Some(e.at);
                    }
                    if *node == NodeId::Master {
                        self.check_power_loss(sim, *how, e)?;
                    }
                }
                // A broker already down lost its disk or its power (faults compose, `sim::faults`).
                // A disk lost under a master that is already down takes its SEND_OK copies as
                // a disk loss while up does (swarm seeds 3221, 6736: a later power loss was
                // blamed for them).
                EventKind::BrokerStillDown { node, how, .. } => {
                    crashed.push(broker_of(sim, *node));
                    if *node == NodeId::Master && *how == crate::event::CrashKind::DiskLost {
                        self.send_ok_on_master.clear();
                    }
                }
                // Controller mode: a rejoining replica cuts its log (`replicas_manager`).
                EventKind::LogTruncated { broker, .. } => crashed.push(*broker),
                // A failover moves brokers between positions: a crash logged before it in this
                // batch named a position another broker holds now, so excuse every broker.
                EventKind::RoleChanged { node, .. } => {
                    crashed.extend(0..3);
                    // Another broker holds the master position now: SYNC_FLUSH promised the old
                    // master's disk, not the new one's (spec 5 §4: the elected slave may lack
                    // what the old master acknowledged without waiting for it).
                    if *node == NodeId::Master {
                        self.send_ok_on_master.clear();
                    }
                }
                EventKind::Delivered { msg, .. } if sim.ledger().get(*msg).appended_at().is_none_or(|t| t > e.at) => {
                    return Err(format!("nothing_consumed_before_stored: {e}"));
                }
                // `consumerSendMsgBack` dead-letters at exactly `maxReconsumeTimes` (the stored count
                // grows by one per retry); the client's own fallback send carries its local count
                // + 1, which local re-consumes can have pushed past it (client spec §7).
                EventKind::DeadLettered { reconsume_times, .. }
                    if *reconsume_times < sim.scenario().consumer.dead_letter_at() =>
                {
                    return Err(format!("dead_letter_after_max_reconsume_times: {e}"));
                }
                EventKind::PutAnswered { msg, attempt, status: SendStatus::SendOk, .. } => {
                    if let Some(copy) = sim.copies().iter().rposition(|c| c.msg == *msg && c.attempt == Some(*attempt)) {
                        self.send_ok_on_master.insert(copy);
                    }
                    self.check_promises(sim, *msg, e)?;
                }
                _ => {}
            }
        }
        self.seen = sim.events().len();
        for node in std::iter::once(sim.master()).chain(sim.slaves()) {
            let s = &node.store;
            if s.flushed > s.written {
                return Err(format!("durable_never_exceeds_written: {} flushed {} > written {}", node.id.name(), s.flushed, s.written));
            }
            let last = self.flushed.insert(node.broker_id, s.flushed).unwrap_or(0);
            if s.flushed < last && !crashed.contains(&node.broker_id) {
                return Err(format!("durable_never_goes_backwards: {} {} -> {}", node.id.name(), last, s.flushed));
            }
        }
        // A retry copy carries at most `maxReconsumeTimes` + 1. A `%DLQ%` copy written by the
        // client's own fallback send carries the client's count + 1, which local re-consumes
        // during an outage can raise past that (client spec §7): it ends the retries all the same.
        for c in &sim.copies()[self.copies_seen..] {
            if c.topic != Topic::Dlq && c.reconsume_times > sim.scenario().consumer.dead_letter_at() + 1 {
                return Err(format!("retries_bounded: {} reconsumeTimes {}", c.msg, c.reconsume_times));
            }
        }
        self.copies_seen = sim.copies().len();
        if sim.ended().is_some() {
            let n = sim.ledger().messages.iter().filter(|m| m.verdict.is_some()).count();
            if n != sim.ledger().messages.len() {
                return Err("one_verdict_per_message: some message has no verdict".into());
            }
        }
        Ok(())
    }

    /// SEND_OK promises at the moment the broker answers.
    fn check_promises(&self, sim: &Sim, msg: crate::event::MsgId, e: &crate::event::Event) -> Result<(), String> {
        let sc = sim.scenario();
        let copy = sim.copies().iter().rposition(|c| c.msg == msg && c.answered == Some(SendStatus::SendOk));
        let Some(copy) = copy else { return Ok(()) };
        let master = &sim.master().store;
        let Some(rec) = master.find(copy) else { return Ok(()) };
        if sc.broker.flush_disk_type == FlushDiskType::SyncFlush && master.flushed < rec.end() {
            return Err(format!("sync_flush_send_ok_is_on_disk: {e} but flushed={} < end={}", master.flushed, rec.end()));
        }
        let slave_healthy = !sim.slaves().is_empty()
            && sim.slaves().iter().all(|s| s.is_up())
            && self.slave_down_at.is_none_or(|t| t < sim.copies()[copy].appended_at);
        // Version-specific: a 5.x SYNC_MASTER promises it only when it waits for two acks, and
        // then on `inSyncReplicas - 1` slaves (the master counts itself); 4.x on one slave
        // (`push2SlaveMaxOffset`, the furthest one).
        if sc.send_ok_waits_for_slave() && sim.ha().slave_ahead_at.is_none() && slave_healthy {
            let need = if sc.rules().quorum_write { sc.broker.in_sync_replicas.saturating_sub(1) as usize } else { 1 };
            let need = need.min(sim.slaves().len());
            let on_slaves = sim.slaves().iter().filter(|s| s.store.find(copy).is_some()).count();
            if on_slaves < need {
                return Err(format!("sync_master_send_ok_is_on_slave: {e} but only {on_slaves} slave(s) of {need} hold it"));
            }
        }
        Ok(())
    }

    /// Under `SYNC_FLUSH`, a master power loss keeps every copy answered `SEND_OK`.
    fn check_power_loss(&mut self, sim: &Sim, how: crate::event::CrashKind, e: &crate::event::Event) -> Result<(), String> {
        use crate::event::CrashKind;
        match how {
            CrashKind::DiskLost => self.send_ok_on_master.clear(),
            CrashKind::PowerLoss if sim.scenario().broker.flush_disk_type == FlushDiskType::SyncFlush => {
                for &copy in &self.send_ok_on_master {
                    if sim.master().store.find(copy).is_none() {
                        return Err(format!("sync_flush_send_ok_survives_power_loss: {e}: lost {}", sim.copies()[copy].msg));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Runs `sim` to the end, checking every invariant after every action.
pub fn run_checked(sim: &mut Sim) -> Result<(), String> {
    let mut checker = Checker::new();
    while sim.ended().is_none() {
        sim.step_action();
        checker.check(sim)?;
    }
    Ok(())
}
