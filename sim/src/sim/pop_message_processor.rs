//! `PopMessageProcessor` (broker, 5.x) behind the proxy's `ReceiveMessageActivity` (spec 5 §5):
//! how a gRPC push consumer's receive takes messages.
//!
//! A receive reaches the master through the proxy (two hops each way). The broker reads the
//! group's queue from its consume offset, up to `receiveBatchSize` (32) messages, and **moves the
//! offset past them at once**: from then on only the checkpoint (`PopCheckPoint`, written to the
//! revive topic) stands for them. Each popped message is invisible until `popTime +
//! invisibleTime`; the push consumer asks for auto-renew, so the proxy pops with its own
//! `defaultInvisibleTimeMills` (60 s) and renews it while the client holds the message
//! (`receipt_handle_manager.rs`). An ack ends the checkpoint (`ack_message_processor.rs`); a nack
//! moves its end (`change_invisible_time_processor.rs`); a checkpoint still open at its end is
//! revived into the retry topic (`pop_revive_service.rs`).
//!
//! Before a message reaches the client the proxy's `PopMessageResultFilterImpl` looks at its
//! `reconsumeTimes`: at `maxAttempts` (the group's `retryMaxTimes` + 1 = 17) or more it is not
//! delivered but forwarded to `%DLQ%<group>` (`forwardMessageToDeadLetterQueue`: a
//! `consumerSendMsgBack` with delay level -1, then an ack).
//!
//! Long polling: a receive that finds nothing is held (`PopLongPollingService`) and answered
//! when a message is dispatched to that queue. The held receive is re-sent every 20 s
//! (`grpcClientConsumerMaxLongPollingTimeoutMillis`) with nothing changing, so the model keeps it
//! held. Modelled simplifications: the checkpoint lives in the
//! model's memory, not as a revive-topic record, so it survives every broker crash (its own
//! loss on a power loss is not modelled); `popFromRetryProbability` is not: each queue, the
//! retry topic included, has its own receive loop.
//!
//! **A pop on a slave.** The proxy sends a receive to the broker its cached read route names
//! (`ReceiveMessageQueueSelector` → `MessageQueueSelector.buildRead` →
//! `TopicRouteWrapper.getMasterAddrPrefer`): the master while the name server lists it, else the
//! first slave (`proxy.rs`). Outside controller mode a slave's `PopMessageProcessor` serves the
//! pop — nothing in `processRequest` checks the role — but:
//! - its checkpoint cannot be stored: `appendCheckPoint` → `addCkJustOffset` → `putCkToStore`
//!   goes through `EscapeBridge.putMessageToSpecificQueue`, which on a slave (no
//!   `peekMasterBroker`, no remote escape without `enableSlaveActingMaster`) answers
//!   `SERVICE_NOT_AVAILABLE`; the pop still returns the messages. Nothing will revive them, and
//!   the slave's `PopReviveService` does not run anyway (`changeSpecialServiceStatus(brokerId ==
//!   0)`), so the checkpoints the master wrote before it died are never revived either;
//! - its offset does not move: only `PopBufferMergeService`'s in-memory offset queue holds the
//!   pop's `nextBeginOffset` (`getPopOffset` takes the larger of it and the stored offset), and on
//!   a slave that service never commits it and clears it every 5 s
//!   (`pop_buffer_merge_service.rs`). The next receive after a clear starts again from the
//!   offset the slave copied from the master (`SlaveSynchronize`, every 10 s), and pops the same
//!   messages again;
//! - the client's ack or nack cannot land anywhere: the proxy sends it to the route's master
//!   address (`ClusterTopicRouteService.getBrokerAddr` → `getMasterAddr`), which is gone.
//!
//! So while the master is away the slave redelivers everything past its copy of the group's
//! offset, again after every long-polling round (20 s); a message the master popped before the
//! slave's last copy of its offsets and that was not acked stays in a checkpoint nobody revives.

use super::{Action, Sim};
use crate::broker::store::CopyId;
use crate::event::{EventKind, MsgId, NodeId, QueueKind, Topic};
use crate::time::{SimDuration, SimTime};
use crate::vec_map::{DequeMap, VecMap, VecSet};

/// The proxy's `receiveBatchSize` in the settings it gives a push consumer (32).
pub(crate) const RECEIVE_BATCH_SIZE: u64 = 32;
/// How long a broker holds a receive that found nothing: the client's long-polling timeout
/// (30 s) capped by the proxy's `grpcClientConsumerMaxLongPollingTimeoutMillis` (20 s).
pub(crate) const POP_LONG_POLLING: SimDuration = SimDuration::from_ms(20_000);

/// One open checkpoint: a popped message not yet acked or revived.
#[derive(Clone, Debug)]
pub(crate) struct CheckPoint {
    /// The popped copy's `reconsumeTimes`.
    pub reconsume_times: u32,
    /// When it was first popped (`renewMaxTimeMillis` counts from here).
    pub popped_at: SimTime,
    /// `popTime + invisibleTime`: when it becomes visible again unless acked.
    pub revive_at: SimTime,
    /// Bumped at each change of invisible time: the receipt handle the client holds is stale.
    pub gen: u32,
    /// This pop's entry in [`Pop::trace`].
    pub trace: usize,
}

/// How a pop's checkpoint ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PopEnd {
    /// The master took the client's ack.
    Acked,
    /// The revive service wrote it to the retry topic (`reconsumeTimes` + 1).
    Revived,
    /// The revive service found the popped copy gone ("can not get biz msg"): nothing revived.
    CopyLost,
}

/// The answer of the client the master took for a pop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PopAnswer {
    Ack,
    /// A nack: `changeInvisibleDuration` with this backoff.
    Nack(SimDuration),
}

/// What happened to one popped message (the report's per-message `pops`, gRPC consumer only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PopTrace {
    pub msg: MsgId,
    /// The broker that popped it: the master, or a slave (no checkpoint: nothing ends it).
    pub node: NodeId,
    pub queue: QueueKind,
    /// Its position in `queue` (with `queue`, the popped copy).
    pub queue_offset: u64,
    pub reconsume_times: u32,
    pub popped_at: SimTime,
    /// When the pop's answer reached the client (its receive returned the message).
    pub received_at: Option<SimTime>,
    /// The checkpoint's end of invisibility: at the pop, then after each renewal or the nack.
    pub invisible_until: SimTime,
    /// Auto-renewals by the proxy (`DefaultReceiptHandleManager`).
    pub renewals: u32,
    /// The client's answer the master took, and when.
    pub answer: Option<(SimTime, PopAnswer)>,
    /// How and when the checkpoint ended; `None` while it is open.
    pub end: Option<(SimTime, PopEnd)>,
}

/// The POP side of the group: the master's open checkpoints and the gRPC client's state.
#[derive(Clone, Debug, Default)]
pub(crate) struct Pop {
    /// Open checkpoints on the master, by popped copy.
    pub cks: DequeMap<CopyId, CheckPoint>,
    /// Queues with a receive outstanding (on the wire, or held by long polling).
    pub receiving: VecSet<QueueKind>,
    /// Queues whose receive the broker holds (long polling).
    pub held: VecSet<QueueKind>,
    /// Messages the client holds (received, not yet acked or nacked): its process queues' cache.
    pub cached: DequeMap<CopyId, QueueKind>,
    /// Acks and nacks the client could not deliver (the master was down): (copy, gen, nack
    /// backoff). The client retries them every second; the model sends them when the master is back.
    pub unsent: Vec<(CopyId, u32, Option<SimDuration>)>,
    /// Every pop of the run, in order.
    pub trace: Vec<PopTrace>,
    /// Queues whose receive a slave holds with nothing it could ever pop (its stored offset is at
    /// the queue's end): re-sending it changes nothing until the proxy's route changes.
    pub held_on_slave: VecSet<QueueKind>,
    /// Each slave's in-memory pop offsets (`PopBufferMergeService.commitOffsets`), by queue.
    pub slave_buffer: VecMap<(NodeId, QueueKind), super::pop_buffer_merge_service::BufferedOffset>,
}

impl Sim {
    /// Two network hops: the client to the proxy, the proxy to the broker.
    pub(crate) fn proxy_hops(&self) -> SimDuration {
        SimDuration::from_us(self.sc.network.latency.as_us().saturating_mul(2))
    }

    /// A receive reached the broker the proxy's read route names (`PopMessageProcessor.processRequest`).
    pub(super) fn on_pop_arrive(&mut self, q: QueueKind, cepoch: u32) {
        if cepoch != self.consumer.epoch || !self.consumer.online {
            return;
        }
        let node = self.pop_read_node();
        if node != NodeId::Master {
            return self.slave_pop(q, node);
        }
        if !self.master.is_up() {
            // The receive fails; the client tries again once the master is back (`kick_consumer`).
            self.pop.receiving.remove(&q);
            return;
        }
        let offset = self.pop_offset(q);
        if offset >= self.master.store.consume_queue(q).len() as u64 {
            self.pop.held.insert(q);
            return;
        }
        self.pop_found(q);
    }

    /// The group's offset in `q` as `popMsgFromQueue` reads it: an offset past the queue's end
    /// (the queue lost its tail in a power loss or a truncation, while the offset table kept the
    /// offset) makes `getMessage` answer `OFFSET_OVERFLOW_BADLY`, and the pop commits its
    /// `nextBeginOffset` — the queue's end on a master (`nextOffsetCorrection`) — before it waits
    /// for new messages. Without the correction the next message stored there (a revived retry,
    /// at the position the lost one had) would sit below the offset, never popped.
    fn pop_offset(&mut self, q: QueueKind) -> u64 {
        let offset = self.master.offsets.get(&q).copied().unwrap_or(0);
        let len = self.master.store.consume_queue(q).len() as u64;
        if offset <= len {
            return offset;
        }
        self.emit(EventKind::OffsetCorrected { queue: q, from: offset, to: len });
        self.master.offsets.insert(q, len);
        len
    }

    /// A message was dispatched to `q` on the master: a held receive for it is answered.
    pub(crate) fn pop_notify(&mut self, q: QueueKind) {
        if self.pop.held.remove(&q) {
            self.pop_found(q);
        }
    }

    /// The master went down: its held receives fail (the client receives again after it returns).
    pub(crate) fn drop_held_pops(&mut self) {
        for q in std::mem::take(&mut self.pop.held) {
            self.pop.receiving.remove(&q);
        }
    }

    /// Pops what `q` holds from the group's offset: the offset moves past it, each message gets
    /// a checkpoint (or, at `maxAttempts`, goes to `%DLQ%`), and the batch travels back.
    fn pop_found(&mut self, q: QueueKind) {
        let offset = self.pop_offset(q);
        let cq = self.master.store.consume_queue(q);
        let end = (offset + RECEIVE_BATCH_SIZE).min(cq.len() as u64);
        let found: Vec<(u64, CopyId)> =
            (offset..end).map(|i| (i, self.master.store.records[cq[i as usize]].copy)).collect();
        self.master.offsets.insert(q, end);
        let invisible = self.sc.consumer.default_invisible_time;
        let max_attempts = self.sc.consumer.max_attempts();
        let mut entries = Vec::with_capacity(found.len());
        for (qoffset, copy) in found {
            let (msg, rc) = (self.copies[copy].msg, self.copies[copy].reconsume_times);
            if rc >= max_attempts {
                self.forward_to_dlq(copy);
                continue;
            }
            let revive_at = self.now + invisible;
            let trace = self.pop.trace.len();
            self.pop.trace.push(PopTrace {
                msg,
                node: NodeId::Master,
                queue: q,
                queue_offset: qoffset,
                reconsume_times: rc,
                popped_at: self.now,
                received_at: None,
                invisible_until: revive_at,
                renewals: 0,
                answer: None,
                end: None,
            });
            self.pop.cks.insert(
                copy,
                CheckPoint { reconsume_times: rc, popped_at: self.now, revive_at, gen: 0, trace },
            );
            self.emit(EventKind::Popped { msg, queue: q, queue_offset: qoffset, reconsume_times: rc, invisible_until: revive_at, node: NodeId::Master });
            self.arm_revive(copy);
            self.arm_renew(copy);
            entries.push((qoffset, copy, trace));
        }
        let cepoch = self.consumer.epoch;
        self.schedule(self.proxy_hops(), Action::PopResponse { queue: q, cepoch, entries });
    }

    /// A receive reached slave `node` (see the module doc): it pops from the larger of its stored
    /// offset and its buffer's, writes no checkpoint, and moves only the buffer's offset. With
    /// nothing to pop the receive is held until the long-polling time ends (no message reaches a
    /// slave whose master is gone), and the client receives again — which the model plays only
    /// when it can pop something after a clear; otherwise the receive stays held until the
    /// proxy's route changes.
    fn slave_pop(&mut self, q: QueueKind, node: NodeId) {
        if !self.node(node).is_up() {
            self.pop.receiving.remove(&q);
            return; // the client receives again once the broker is back (`kick_consumer`)
        }
        let offset = self.slave_pop_offset(q, node);
        let slave = self.node(node);
        let cq = slave.store.consume_queue(q);
        let end = (offset + RECEIVE_BATCH_SIZE).min(cq.len() as u64);
        let cepoch = self.consumer.epoch;
        if offset >= end {
            let stored = slave.offsets.get(&q).copied().unwrap_or(0);
            if stored < end {
                // After a clear the client's next receive pops from `stored` again.
                let at = self.now + POP_LONG_POLLING + self.proxy_hops();
                self.schedule_at(at, Action::PopResponse { queue: q, cepoch, entries: Vec::new() });
            } else {
                self.pop.held_on_slave.insert(q);
            }
            return;
        }
        let found: Vec<(u64, CopyId)> = (offset..end).map(|i| (i, slave.store.records[cq[i as usize]].copy)).collect();
        self.pop_buffer_put(q, node, end);
        let invisible_until = self.now + self.sc.consumer.default_invisible_time;
        let max_attempts = self.sc.consumer.max_attempts();
        let mut entries = Vec::with_capacity(found.len());
        for (qoffset, copy) in found {
            let (msg, rc) = (self.copies[copy].msg, self.copies[copy].reconsume_times);
            if rc >= max_attempts {
                // `forwardMessageToDeadLetterQueue` sends it back to the route's master address,
                // which is gone: the forward fails and the filter keeps it from the client.
                continue;
            }
            let trace = self.pop.trace.len();
            self.pop.trace.push(PopTrace {
                msg,
                node,
                queue: q,
                queue_offset: qoffset,
                reconsume_times: rc,
                popped_at: self.now,
                received_at: None,
                invisible_until,
                renewals: 0,
                answer: None,
                end: None,
            });
            self.emit(EventKind::Popped { msg, queue: q, queue_offset: qoffset, reconsume_times: rc, invisible_until, node });
            entries.push((qoffset, copy, trace));
        }
        self.schedule(self.proxy_hops(), Action::PopResponse { queue: q, cepoch, entries });
    }

    /// `PopMessageResultFilterImpl` said `TO_DLQ`: the proxy's `forwardMessageToDeadLetterQueue`
    /// (`consumerSendMsgBack`, delay level -1: `%DLQ%<group>` with `reconsumeTimes` + 1), then
    /// the ack of the popped copy. The application never sees this delivery.
    fn forward_to_dlq(&mut self, copy: CopyId) {
        let (msg, rc) = (self.copies[copy].msg, self.copies[copy].reconsume_times);
        self.copies[copy].handled = true;
        let dlq = self.master_append(msg, Topic::Dlq, 0, rc + 1, None);
        self.copies[dlq].handled = !(self.sc.consumer.dlq_consumer && self.rules().dlq_readable);
        self.ledger.get_mut(msg).set_dead_lettered_at(self.now);
        self.emit(EventKind::DeadLettered { msg, reconsume_times: rc });
    }
}
