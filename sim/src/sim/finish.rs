//! The end of a run: exactly one verdict per message, and a cause for every lost one.

use super::{NodeState, Sim};
use crate::event::{MsgId, NodeId, Topic};
use crate::ledger::{Answer, Verdict};
use crate::scenario::{BrokerRole, FlushDiskType, SendMode};

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

    /// The chain of events that lost `msg`, as one sentence.
    fn cause_of(&self, msg: MsgId) -> String {
        let rec = self.ledger.get(msg);
        let flush = match self.sc.broker.flush_disk_type {
            FlushDiskType::SyncFlush => "SYNC_FLUSH",
            FlushDiskType::AsyncFlush => "ASYNC_FLUSH",
        };
        let role = match self.sc.broker.broker_role {
            BrokerRole::SyncMaster => "SYNC_MASTER",
            BrokerRole::AsyncMaster => "ASYNC_MASTER",
        };
        let mut parts = Vec::new();
        match rec.answer {
            Some((t, Answer::Status(s))) => parts.push(format!("{} at {t} under {flush} + {role}", s.name())),
            Some((t, Answer::Exception(e))) => parts.push(format!("the producer saw {} at {t}", e.describe())),
            Some((t, Answer::NoReply)) if self.sc.producer.send_mode == SendMode::Oneway => {
                parts.push(format!("sent ONEWAY at {t}: no answer, so the producer never knew"))
            }
            _ => parts.push("the producer never got an answer".to_string()),
        }
        match (rec.lost.is_empty(), rec.appended_at) {
            (false, _) => parts.extend(rec.lost.iter().map(|(_, why)| why.clone())),
            (true, None) => parts.push("it never reached a live master".to_string()),
            (true, Some(_)) if !rec.deliveries.is_empty() => {
                parts.push("its retry was lost before it could be consumed again".to_string())
            }
            (true, Some(_)) if self.readable_node().is_none() => parts.push(
                "its copies sit on brokers that stay down for the rest of the run".to_string(),
            ),
            (true, Some(_)) => parts.push("no readable copy was left".to_string()),
        }
        if let Some(t) = rec.consumed_at.first() {
            parts.push(format!("consumed at {t}"));
        }
        parts.join("; ")
    }
}
