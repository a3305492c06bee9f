//! The pull path (spec §5; client spec §6–§7): the push consumer's `PullMessageService` and the
//! broker's `PullMessageProcessor` with long polling.
//!
//! Each consume queue has one pull request, always in exactly one place: on the wire, held by a
//! broker (long polling, `pull_request_hold_service.rs`: a pull with nothing new waits until a
//! message arrives or 15–20 s have passed), or
//! deferred by flow control. `DefaultMQPushConsumerImpl.pullMessage` defers it by 50 ms
//! (`PULL_TIME_DELAY_MILLS_WHEN_CACHE_FLOW_CONTROL`) while the queue's process queue holds more than
//! `pullThresholdForQueue` messages or `pullThresholdSizeForQueue` MiB of bodies, or spans more
//! than `consumeConcurrentlyMaxSpan` offsets; it is never dropped, so a backlog of any size is
//! consumed in the end. A pull past the queue's end is corrected to the end.

use super::consumer::HeldPull;
use super::{Action, Sim};
use crate::broker::store::CopyId;
use crate::event::{EventKind, FlowControl, NodeId, OffsetVia, QueueKind, Topic};
use crate::time::SimDuration;

/// `PULL_TIME_DELAY_MILLS_WHEN_CACHE_FLOW_CONTROL`.
pub(crate) const PULL_DELAY_WHEN_FLOW_CONTROL: SimDuration = SimDuration::from_ms(50);
/// `pullTimeDelayMillsWhenException` (`ClientConfig`, 1 s): a failed pull is retried this much later.
pub(crate) const PULL_DELAY_WHEN_EXCEPTION: SimDuration = SimDuration::from_ms(1_000);

impl Sim {
    /// Sends a pull for every queue that has room and none outstanding (`TopicTest`'s read
    /// queues in `queueId` order, then `%RETRY%`).
    pub(crate) fn kick_consumer(&mut self) {
        if self.sc.consumer.client == crate::scenario::Client::Grpc {
            return self.kick_pop_consumer();
        }
        let queues: Vec<QueueKind> = self.consumer.queues.keys().copied().collect();
        for q in queues {
            self.pull(q);
        }
    }

    /// Which flow-control rule, if any, holds back the next pull of `q` (checked in this order
    /// by `pullMessage`, each with a strict `>`).
    fn flow_control(&self, q: QueueKind) -> Option<FlowControl> {
        let c = &self.sc.consumer;
        let pq = &self.consumer.queues[&q].pq;
        let count = pq.len() as u64;
        let bytes = count * self.sc.producer.body_size as u64;
        let span = match (pq.keys().next(), pq.keys().next_back()) {
            (Some(first), Some(last)) => last - first,
            _ => 0,
        };
        if count > c.pull_threshold_for_queue as u64 {
            Some(FlowControl::Count { cached: count })
        } else if bytes >> 20 > c.pull_threshold_size_for_queue as u64 {
            Some(FlowControl::Size { cached_mib: bytes >> 20 })
        } else if span > c.consume_concurrently_max_span as u64 {
            Some(FlowControl::Span { span })
        } else {
            None
        }
    }

    /// `executePullRequestLater` fired: the pull request tries again.
    pub(super) fn on_pull_later(&mut self, q: QueueKind, cepoch: u32) {
        let s = self.consumer.queues.get_mut(&q).expect("queue");
        if cepoch != self.consumer.epoch || !s.deferred {
            return;
        }
        s.deferred = false;
        s.pull_outstanding = false;
        self.pull(q);
    }

    /// `DefaultMQPushConsumerImpl.pullMessage`: sends the queue's pull request, unless it is
    /// busy or flow control defers it by 50 ms.
    pub(super) fn pull(&mut self, q: QueueKind) {
        let source = self.route;
        if !self.consumer.online || !self.node(source).is_up() {
            return;
        }
        if self.consumer.queues[&q].pull_outstanding || !self.consumer.queues[&q].assigned {
            return; // busy, or skipped by the rebalance (its offset is not known yet)
        }
        if let Some(why) = self.flow_control(q) {
            let s = self.consumer.queues.get_mut(&q).expect("queue");
            s.pull_outstanding = true;
            s.deferred = true;
            let again_at = self.now + PULL_DELAY_WHEN_FLOW_CONTROL;
            if !s.flow_controlled {
                s.flow_controlled = true;
                self.emit(EventKind::PullFlowControlled { queue: q, why, again_at });
            }
            let cepoch = self.consumer.epoch;
            self.schedule_at(again_at, Action::PullLater { queue: q, cepoch });
            return;
        }
        let s = self.consumer.queues.get_mut(&q).expect("queue");
        s.flow_controlled = false;
        // The pull carries the in-memory offset to the master (never to a slave).
        let commit = (source == NodeId::Master && s.mem_offset > 0).then_some(s.mem_offset);
        let offset = s.pull_offset;
        s.pull_outstanding = true;
        s.pull_seq += 1;
        let (cepoch, nepoch) = (self.consumer.epoch, self.node(source).epoch);
        self.schedule(
            self.sc.network.latency,
            Action::PullArrive { queue: q, cepoch, node: source, nepoch, offset, commit },
        );
    }

    pub(super) fn on_pull_arrive(&mut self, q: QueueKind, cepoch: u32, node: NodeId, nepoch: u32, offset: u64, commit: Option<u64>) {
        if cepoch != self.consumer.epoch {
            return;
        }
        if !self.node(node).is_up() || self.node(node).epoch != nepoch {
            // The broker went down (and maybe came back) under the pull: the request fails and
            // `executePullRequestLater` tries again after `pullTimeDelayMillsWhenException`.
            // (Dropping it instead left the queue without a pull request for good when the
            // broker restarted while the pull was on the wire: swarm seed 984.)
            let s = self.consumer.queues.get_mut(&q).expect("queue");
            s.deferred = true;
            let cepoch = self.consumer.epoch;
            self.schedule(PULL_DELAY_WHEN_EXCEPTION, Action::PullLater { queue: q, cepoch });
            return;
        }
        if node != NodeId::Master && self.rules().slave_pull_needs_read_enable && !self.sc.slave.slave_read_enable {
            // 5.x `PullMessageProcessor.rejectRequest`: SYSTEM_BUSY; the client retries later.
            let again_at = self.now + self.sc.network.latency + PULL_DELAY_WHEN_EXCEPTION;
            self.emit(EventKind::PullRejected { node, queue: q, again_at });
            self.consumer.queues.get_mut(&q).expect("queue").deferred = true;
            let cepoch = self.consumer.epoch;
            self.schedule_at(again_at, Action::PullLater { queue: q, cepoch });
            return;
        }
        if let Some(off) = commit {
            self.store_offset(node, q, off, OffsetVia::Pull);
        }
        let len = self.node(node).store.consume_queue(q).len() as u64;
        let mut offset = offset;
        if offset > len {
            self.emit(EventKind::OffsetCorrected { queue: q, from: offset, to: len });
            offset = len;
            let s = self.consumer.queues.get_mut(&q).expect("queue");
            s.pull_offset = len;
            if s.pq.is_empty() {
                s.mem_offset = len;
            }
        }
        if offset == len {
            let seq = self.consumer.queues[&q].pull_seq;
            self.consumer.held.insert(q, HeldPull { node, nepoch, cepoch, offset, held_at: self.now, seq });
            self.arm_hold_check(node);
            return;
        }
        self.answer_pull(q, node, offset);
    }

    pub(super) fn answer_pull(&mut self, q: QueueKind, node: NodeId, offset: u64) {
        let batch = self.sc.consumer.pull_batch_size as u64;
        let store = &self.node(node).store;
        let cq = store.consume_queue(q);
        let end = (offset + batch).min(cq.len() as u64);
        let entries: Vec<(u64, CopyId)> =
            (offset..end).map(|i| (i, store.records[cq[i as usize]].copy)).collect();
        let arrives_at = self.now + self.sc.network.latency;
        let count = entries.len() as u32;
        let msgs = entries.iter().map(|&(_, c)| self.copies[c].msg).collect();
        self.emit(EventKind::Pulled { node, queue: q, from: offset, count, arrives_at, msgs });
        let cepoch = self.consumer.epoch;
        self.schedule(self.sc.network.latency, Action::PullResponse { queue: q, cepoch, entries });
    }

    /// A message was dispatched to queue `queue_id` of `topic` on `node`: answer a pull held
    /// there for that queue (`NotifyMessageArrivingListener` wakes the pulls of that topic and
    /// queue only).
    pub(crate) fn notify_dispatch(&mut self, node: NodeId, topic: Topic, queue_id: u8) {
        let q = match topic {
            Topic::Main => QueueKind::Main(queue_id),
            Topic::Retry => QueueKind::Retry,
            Topic::Dlq => {
                // Before 4.9.2 `%DLQ%` is created write-only: its consumer reads nothing.
                if node == self.route && self.sc.consumer.dlq_consumer && self.rules().dlq_readable {
                    if let Some(&idx) = self.node(node).store.cq_dlq.last() {
                        let copy = self.node(node).store.records[idx].copy;
                        let after = self.sc.network.latency + self.sc.consumer.consume_time;
                        self.schedule(after, Action::DlqConsume { copy });
                    }
                }
                return;
            }
            Topic::Schedule => return,
        };
        // A slave's reput service does not call the arriving listener (`DefaultMessageStore`
        // `doReput`: only when the role is not `SLAVE`): its held pulls learn of replicated
        // messages at the hold service's next 5 s check.
        if node != NodeId::Master {
            return;
        }
        if self.sc.consumer.client == crate::scenario::Client::Grpc {
            return self.pop_notify(q);
        }
        let Some(h) = self.consumer.held.get(&q) else { return };
        if h.node != node || h.cepoch != self.consumer.epoch || self.node(node).epoch != h.nepoch {
            return;
        }
        let offset = h.offset;
        self.consumer.held.remove(&q);
        self.answer_pull(q, node, offset);
    }

    pub(crate) fn drop_held_pulls(&mut self, node: NodeId) {
        let dropped: Vec<QueueKind> = self.consumer.held.iter().filter(|(_, h)| h.node == node).map(|(&q, _)| q).collect();
        for q in dropped {
            self.consumer.held.remove(&q);
            self.consumer.queues.get_mut(&q).expect("queue").pull_outstanding = false;
        }
    }

    /// The route moved: in-flight pulls to the old broker are abandoned; pull from the new one.
    pub(crate) fn consumer_switch_source(&mut self) {
        self.consumer.held.clear();
        self.consumer.epoch += 0;
        for q in self.consumer.queues.values_mut() {
            q.pull_outstanding = false;
            q.deferred = false;
        }
        self.kick_consumer();
        self.persist_after_route_change();
    }

    pub(super) fn on_pull_response(&mut self, q: QueueKind, cepoch: u32, entries: Vec<(u64, CopyId)>) {
        if cepoch != self.consumer.epoch || !self.consumer.online {
            return;
        }
        for (qoffset, copy) in entries {
            let s = self.consumer.queues.get_mut(&q).expect("queue");
            if qoffset < s.pull_offset && s.pq.contains_key(&qoffset) {
                continue;
            }
            s.pull_offset = s.pull_offset.max(qoffset + 1);
            s.pq.insert(qoffset, copy);
            let rc = self.copies[copy].reconsume_times;
            self.deliver(q, qoffset, copy, rc);
        }
        self.consumer.queues.get_mut(&q).expect("queue").pull_outstanding = false;
        self.pull(q);
    }
}
