//! The end of a run: exactly one verdict per message, and a cause for every lost one.

use super::{NodeState, Sim};
use crate::event::{MsgId, NodeId, Topic};
use crate::ledger::{Answer, Verdict};
use crate::scenario::SendMode;
use crate::text::{Cause, CauseStep};

impl Sim {
    /// The broker consumers will read from once routes settle: the master while it is up or
    /// will restart, else the slave.
    pub(crate) fn readable_node(&self) -> Option<NodeId> {
        let alive = |n: &super::Node| n.is_up() || n.restart_at.is_some() || n.state == NodeState::ProcessDown && n.restart_at.is_some();
        if alive(&self.master) {
            Some(NodeId::Master)
        } else if self.slave.as_ref().is_some_and(alive) {
            Some(NodeId::Slave)
        } else {
            None
        }
    }

    pub(super) fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        let reader = self.readable_node();
        let readable: std::collections::BTreeSet<usize> = match reader {
            Some(n) => self.node(n).store.records.iter().map(|r| r.copy).collect(),
            None => Default::default(),
        };
        let mut in_process = std::collections::BTreeSet::new();
        for q in self.consumer.queues.values() {
            for &copy in q.pq.values() {
                in_process.insert(self.copies[copy].msg);
            }
        }
        // One pass over the copies: which messages still have work pending, which sit in the DLQ.
        let n = self.sc.producer.messages as usize;
        let (mut pending, mut dead) = (vec![false; n], vec![false; n]);
        for (i, c) in self.copies.iter().enumerate() {
            if readable.contains(&i) {
                let m = c.msg.0 as usize;
                pending[m] |= !c.handled;
                dead[m] |= c.topic == Topic::Dlq;
            }
        }
        for id in 0..self.sc.producer.messages {
            let msg = MsgId(id);
            let (pending_copy, dead_lettered) = (pending[id as usize], dead[id as usize]);
            let rec = self.ledger.get(msg);
            let never_sent = rec.attempts.is_empty();
            let verdict = match rec.consumed_at.len() {
                n if n >= 2 => Verdict::Duplicated,
                1 => Verdict::Delivered,
                _ if dead_lettered => Verdict::DeadLettered,
                _ if never_sent || pending_copy || in_process.contains(&msg) || self.producer_pending(msg) => {
                    Verdict::Unresolved
                }
                _ if rec.was_acked() => Verdict::LostAfterAck,
                _ => Verdict::LostUnacked,
            };
            let cause = matches!(verdict, Verdict::LostAfterAck | Verdict::LostUnacked).then(|| self.cause_of(msg));
            let rec = self.ledger.get_mut(msg);
            rec.verdict = Some(verdict);
            rec.cause = cause;
        }
    }

    /// The chain of events that lost `msg`.
    fn cause_of(&self, msg: MsgId) -> Cause {
        let rec = self.ledger.get(msg);
        let (flush, role) = (self.sc.broker.flush_disk_type.name(), self.sc.broker.broker_role.name());
        let mut steps = vec![match rec.answer {
            Some((at, Answer::Status(status))) => CauseStep::Answered { status, at, flush, role },
            Some((at, Answer::Exception(error))) => CauseStep::Exception { error, at },
            Some((at, Answer::NoReply)) if self.sc.producer.send_mode == SendMode::Oneway => CauseStep::Oneway { at },
            _ => CauseStep::NoAnswer,
        }];
        match (rec.lost.is_empty(), rec.appended_at) {
            (false, _) => steps.extend(rec.lost.iter().map(|(_, why)| CauseStep::Loss(why.clone()))),
            (true, None) => steps.push(CauseStep::NeverReachedMaster),
            (true, Some(_)) if !rec.deliveries.is_empty() => steps.push(CauseStep::RetryLost),
            (true, Some(_)) if self.readable_node().is_none() => steps.push(CauseStep::Stranded),
            (true, Some(_)) => steps.push(CauseStep::NoCopyLeft),
        }
        if let Some(t) = rec.consumed_at.first() {
            steps.push(CauseStep::ConsumedAt(*t));
        }
        Cause(steps)
    }
}
