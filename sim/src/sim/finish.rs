//! The end of a run: exactly one verdict per message, and a cause for every lost one.
//!
//! `UNRESOLVED` means work was still pending: the run hit `until` or a limit, or the message waits
//! in the broker for a consumer that is not online. A run that ended with nothing pending
//! (`Quiescent`) while a consumer was online has no `UNRESOLVED` message (spec §6.17, §6.23): a
//! message that no consumer can reach any more gets a loss verdict whose cause says why.


use super::{NodeState, Sim};
use crate::broker::store::CopyId;
use crate::event::{EndReason, MsgId, NodeId, QueueKind, SendStatus, Topic};
use crate::ledger::{Answer, Cause, CauseStep, Verdict};
use crate::scenario::{BrokerRole, SendMode};

/// Each copy's (consume queue, position) on the reader, by copy id.
type Positions = Vec<Option<(QueueKind, u64)>>;

impl Sim {
    /// The broker consumers will read from once routes settle: the master while it is up or
    /// will restart, else the slave.
    pub(crate) fn readable_node(&self) -> Option<NodeId> {
        let alive = |n: &super::Node| n.is_up() || n.restart_at.is_some() || n.state == NodeState::ProcessDown && n.restart_at.is_some();
        if alive(&self.master) {
            Some(NodeId::Master)
        } else if self.slaves.first().is_some_and(alive) {
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
        // Indexed by copy id and by message id (both dense): a run of 10^6 messages ends in one
        // pass, not 10^6 tree look-ups.
        let mut readable = vec![false; self.copies.len()];
        // Copies in a `TopicTest` queue at or above `readQueueNums`: no consumer reads them.
        let mut unread = vec![false; self.copies.len()];
        if let Some(n) = reader {
            for r in &self.node(n).store.records {
                readable[r.copy] = true;
                unread[r.copy] = self.in_unread_queue(r.copy);
            }
        }
        let mut in_process = vec![false; self.sc.producer.messages as usize];
        for q in self.consumer.queues.values() {
            for &copy in q.pq.values() {
                in_process[self.copies[copy].msg.0 as usize] = true;
            }
        }
        // gRPC consumer: an open checkpoint brings its message back (or the ack ends it) — on a
        // master that is up or will return; no slave revives one.
        if reader == Some(NodeId::Master) {
            for &copy in self.pop.cks.keys() {
                in_process[self.copies[copy].msg.0 as usize] = true;
            }
        }
        // One pass over the copies: which messages still have a readable copy nobody handled,
        // which sit in the DLQ.
        let n = self.sc.producer.messages as usize;
        let (mut pending, mut dead) = (vec![None; n], vec![false; n]);
        let mut pending_unread = vec![None; n];
        for (i, c) in self.copies.iter().enumerate() {
            if readable[i] {
                let m = c.msg.0 as usize;
                let slot = if unread[i] { &mut pending_unread[m] } else { &mut pending[m] };
                if !c.handled && slot.is_none() {
                    *slot = Some(i);
                }
                dead[m] |= c.topic == Topic::Dlq;
            }
        }
        // A copy a consumer can still read comes first; one in an unread queue waits for nobody.
        for (p, u) in pending.iter_mut().zip(&pending_unread) {
            if p.is_none() {
                *p = *u;
            }
        }
        let nothing_pending = self.ended == Some(EndReason::Quiescent);
        let consumer_offline = !self.consumer.online;
        let positions = reader.map(|r| self.queue_positions(r)).unwrap_or_default();
        for id in 0..self.sc.producer.messages {
            let msg = MsgId(id);
            let (pending_copy, dead_lettered) = (pending[id as usize], dead[id as usize]);
            let rec = self.ledger.get(msg);
            let never_sent = rec.attempts.is_empty();
            let skipped = pending_copy.and_then(|c| self.skipped_over(c, reader, &positions));
            let not_read = pending_copy.is_some_and(|c| unread[c]);
            let waiting = (pending_copy.is_some() && skipped.is_none() && !not_read) || in_process[id as usize];
            let work_left = never_sent || waiting || self.producer_pending(msg);
            let verdict = match rec.consumed_at.len() {
                n if n >= 2 => Verdict::Duplicated,
                1 => Verdict::Delivered,
                // Dead-lettered: a DLQ copy is still readable, or the DLQ consumer already
                // compensated it before that copy was lost (the application handled it).
                _ if dead_lettered || rec.compensated_at().is_some() => Verdict::DeadLettered,
                _ if work_left && !nothing_pending => Verdict::Unresolved,
                _ if waiting && consumer_offline => Verdict::Unresolved,
                _ if rec.was_acked() => Verdict::LostAfterAck,
                _ => Verdict::LostUnacked,
            };
            let cause = match verdict {
                Verdict::LostAfterAck | Verdict::LostUnacked => Some(self.cause_of(msg, pending_copy, &positions)),
                Verdict::Duplicated => {
                    let resent = self.grpc_producer().then(|| self.resent_after_stored(msg)).flatten();
                    resent.or_else(|| self.renew_ended_cause(msg)).map(|s| Cause(vec![s]))
                }
                Verdict::Unresolved if waiting && consumer_offline => {
                    Some(Cause(vec![CauseStep::WaitingForConsumer { crashed: self.consumer.crashed }]))
                }
                Verdict::Unresolved => self.ended.map(|reason| {
                    let stopped = CauseStep::RunStopped { reason, at: self.now, events: self.log.emitted() };
                    match self.slave_refuses_reads() {
                        true => Cause(vec![CauseStep::SlaveReadDisabled, stopped]),
                        false => Cause(vec![stopped]),
                    }
                }),
                _ => None,
            };
            let rec = self.ledger.get_mut(msg);
            rec.verdict = Some(verdict);
            rec.set_cause(cause);
        }
    }

    /// gRPC producer: the first failed attempt of `msg` that the broker had stored, which the
    /// client resent at once (spec 5 §5), with the number of copies in the topic.
    fn resent_after_stored(&self, msg: MsgId) -> Option<CauseStep> {
        let stored: Vec<u32> =
            self.copies.iter().filter(|c| c.msg == msg && c.topic == Topic::Main).filter_map(|c| c.attempt).collect();
        let rec = self.ledger.get(msg);
        let (attempt, error) = rec.attempts.iter().find_map(|a| match a.outcome {
            Some((_, Answer::Exception(error))) if stored.contains(&a.attempt) => Some((a.attempt, error)),
            _ => None,
        })?;
        (stored.len() >= 2).then_some(CauseStep::ResentAfterStored { attempt, error, copies: stored.len() as u32 })
    }

    /// Where each copy sits in `node`'s consume queues, by copy id.
    fn queue_positions(&self, node: NodeId) -> Positions {
        let store = &self.node(node).store;
        let mut at = vec![None; self.copies.len()];
        let main = (0..store.cq_main.len()).map(|q| QueueKind::Main(q as u8));
        for q in main.chain([QueueKind::Retry]) {
            for (pos, &idx) in store.consume_queue(q).iter().enumerate() {
                at[store.records[idx].copy] = Some((q, pos as u64));
            }
        }
        at
    }

    /// §6.23: a readable copy below where the group reads from: the live consumer pulls past
    /// it, and a restarted one starts from the broker's committed offset, also past it.
    /// With the gRPC consumer the group's position is the broker's pop offset alone (spec 5 §5,
    /// `popMsgFromQueue` reads from the committed offset and commits past what it pops): a copy
    /// below it with no open checkpoint is never popped.
    fn skipped_over(&self, copy: CopyId, reader: Option<NodeId>, positions: &Positions) -> Option<CauseStep> {
        let (queue, offset) = positions.get(copy).copied().flatten()?;
        let committed = self.node(reader?).offsets.get(&queue).copied().unwrap_or(0);
        if self.sc.consumer.client == crate::scenario::Client::Grpc {
            if offset >= committed {
                return None;
            }
            return match self.pop.cks.get(&copy) {
                None => Some(CauseStep::SkippedByConsumer { queue, offset, consumer_offset: committed, pop: true }),
                // The master that holds the checkpoint is gone for good (the reader is a slave).
                Some(ck) if reader != Some(NodeId::Master) => {
                    Some(CauseStep::CheckpointOnLostMaster { queue, offset, consumer_offset: committed, popped_at: ck.popped_at })
                }
                Some(_) => None,
            };
        }
        let q = self.consumer.queues.get(&queue)?;
        let consumer_offset = match self.consumer.online {
            true if offset < q.started_from => q.started_from,
            true => q.pull_offset,
            false => committed,
        };
        (offset < consumer_offset && !q.pq.contains_key(&offset) && offset < committed.max(q.pull_offset))
            .then_some(CauseStep::SkippedByConsumer { queue, offset, consumer_offset, pop: false })
    }

    /// The copy belongs to a `TopicTest` queue at or above `readQueueNums`, which no consumer
    /// reads (dispatched yet or not).
    fn in_unread_queue(&self, copy: CopyId) -> bool {
        let c = &self.copies[copy];
        c.topic == Topic::Main && u32::from(c.queue_id) >= self.sc.topic.read_queue_nums
    }

    /// Consumers read from the slave, and it is a 5.x slave refusing pulls (spec 5 §2).
    fn slave_refuses_reads(&self) -> bool {
        self.readable_node() == Some(NodeId::Slave)
            && self.rules().slave_pull_needs_read_enable
            && !self.sc.slave.slave_read_enable
    }

    /// Why a readable, unhandled copy will never be consumed in a run that has nothing left to do.
    fn unreachable_because(&self, copy: CopyId, positions: &Positions) -> CauseStep {
        if self.in_unread_queue(copy) {
            let (read_queue_nums, write_queue_nums) = (self.sc.topic.read_queue_nums, self.sc.topic.write_queue_nums);
            let queue = QueueKind::Main(self.copies[copy].queue_id);
            return CauseStep::QueueNotRead { queue, read_queue_nums, write_queue_nums };
        }
        if let Some(step) = self.skipped_over(copy, self.readable_node(), positions) {
            return step;
        }
        if self.copies[copy].topic == Topic::Schedule && self.readable_node() == Some(NodeId::Slave) {
            return CauseStep::RetryStuckOnSlave;
        }
        if self.slave_refuses_reads() {
            return CauseStep::SlaveReadDisabled;
        }
        if let Some(node) = self.readable_node() {
            let store = &self.node(node).store;
            if let (Some(confirm), Some(rec)) = (store.confirm_limit, store.find(copy)) {
                if rec.end() > store.dispatched_end() {
                    return CauseStep::AboveConfirmOffset { confirm };
                }
            }
        }
        CauseStep::NeverReached
    }

    /// The chain of events that lost `msg`.
    fn cause_of(&self, msg: MsgId, pending: Option<CopyId>, positions: &Positions) -> Cause {
        let rec = self.ledger.get(msg);
        let (flush, role) = (self.sc.broker.flush_disk_type.name(), self.sc.broker.broker_role.name());
        let mut steps = vec![match rec.answer {
            Some((at, Answer::Status(status))) => CauseStep::Answered { status, at, flush, role },
            Some((at, Answer::Exception(error))) => CauseStep::Exception { error, at },
            Some((at, Answer::NoReply)) if self.sc.producer.send_mode == SendMode::Oneway => CauseStep::Oneway { at },
            _ => CauseStep::NoAnswer,
        }];
        if let Some((_, Answer::Status(SendStatus::SendOk))) = rec.answer {
            let sc = &self.sc;
            // (In controller mode brokerRole means nothing, and allAckInSyncStateSet may wait.)
            if sc.broker.broker_role == BrokerRole::SyncMaster && sc.rules().quorum_write && !sc.controller_mode() && !sc.send_ok_waits_for_slave() {
                steps.push(CauseStep::InSyncReplicasNoWait { version: sc.version, in_sync_replicas: sc.broker.in_sync_replicas });
            }
        }
        if let (Some((_, Answer::Status(_))), Some((_, Answer::Exception(error)))) =
            (rec.answer, rec.attempts.last().and_then(|a| a.outcome))
        {
            steps.push(CauseStep::RetryFailedAfterStatus { error });
        }
        match (pending, rec.lost().is_empty(), rec.appended_at()) {
            (Some(copy), _, _) => {
                steps.extend(rec.lost().iter().map(|(_, why)| CauseStep::Loss(why.clone())));
                steps.push(self.unreachable_because(copy, positions));
            }
            (None, false, _) => steps.extend(rec.lost().iter().map(|(_, why)| CauseStep::Loss(why.clone()))),
            (None, true, None) => steps.push(CauseStep::NeverReachedMaster),
            (None, true, Some(_)) if !rec.deliveries.is_empty() => steps.push(CauseStep::RetryLost),
            (None, true, Some(_)) if self.readable_node().is_none() => steps.push(CauseStep::Stranded),
            (None, true, Some(_)) => steps.push(CauseStep::NoCopyLeft),
        }
        if let Some(t) = rec.consumed_at.first() {
            steps.push(CauseStep::ConsumedAt(*t));
        }
        Cause(steps)
    }
}
