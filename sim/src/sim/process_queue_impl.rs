//! The gRPC push consumer (`apache/rocketmq-clients` Java `PushConsumerImpl`, `ProcessQueueImpl`;
//! spec 5 §5): `[consumer] client = "grpc"`, RocketMQ 5.3.3 only.
//!
//! Each assigned queue (`TopicTest`'s read queues and the group's retry topic) has one receive
//! loop: a receive goes through the proxy and pops (`pop_message_processor.rs`); the messages it
//! returns go to the consumption thread pool (`consumptionThreadCount`, 20); the next receive is
//! sent at once. A queue whose cache holds `maxCacheMessageCount` (4096) / queues messages waits
//! 1 s before receiving again (`RECEIVING_BACKOFF_DELAY_WHEN_CACHE_IS_FULL`).
//!
//! A consumption's result decides the answer (`eraseMessage`): `SUCCESS` acks; a failure (or an
//! exception) nacks with the retry policy's delay for this delivery attempt (`nackMessage`:
//! `getNextAttemptDelay(deliveryAttempt)`, `deliveryAttempt` = `reconsumeTimes` + 1). The policy
//! is the group's, given by the proxy's settings (`GrpcClientSettingsManager`:
//! `maxAttempts` = `retryMaxTimes` + 1, the `CUSTOMIZED` list 1 s, 5 s, 10 s, … from its first
//! entry). The client never dead-letters an ordinary message itself: the proxy does, on the pop
//! after `maxAttempts` deliveries. No consume offset lives in the client: the broker moved it at
//! the pop. A crashed client loses what it held; the checkpoints bring it back when their
//! invisible time ends.

use super::{Action, Sim};
use crate::broker::store::CopyId;
use crate::event::{ConsumeResult, EventKind, NodeId, QueueKind};
use crate::time::SimDuration;

/// `RECEIVING_BACKOFF_DELAY_WHEN_CACHE_IS_FULL`.
const CACHE_FULL_BACKOFF: SimDuration = SimDuration::from_ms(1_000);
/// `PushConsumerBuilderImpl.maxCacheMessageCount`.
const MAX_CACHE_MESSAGE_COUNT: usize = 4_096;

impl Sim {
    /// `PushConsumerImpl.startUp`: the group comes online and every queue starts receiving.
    pub(super) fn on_pop_consumer_start(&mut self) {
        let c = &mut self.consumer;
        c.online = true;
        c.crashed = false;
        c.restart_at = None;
        c.started_at = self.now;
        c.busy_threads = 0;
        c.waiting.clear();
        self.pop.receiving.clear();
        self.pop.held.clear();
        self.pop.held_on_slave.clear();
        self.pop.cached.clear();
        let offsets: Vec<(QueueKind, Option<u64>)> =
            self.consumer.queues.keys().map(|&q| (q, Some(self.master.offsets.get(&q).copied().unwrap_or(0)))).collect();
        self.emit(EventKind::ConsumerStarted { offsets });
        self.kick_pop_consumer();
    }

    /// Every queue without a receive outstanding receives.
    pub(crate) fn kick_pop_consumer(&mut self) {
        let queues: Vec<QueueKind> = self.consumer.queues.keys().copied().collect();
        for q in queues {
            self.receive(q);
        }
    }

    /// `ProcessQueueImpl.receiveMessage`.
    fn receive(&mut self, q: QueueKind) {
        let broker_up = self.node(self.pop_read_node()).is_up();
        if !self.consumer.online || !broker_up || self.pop.receiving.contains(&q) {
            return;
        }
        self.pop.receiving.insert(q);
        let per_queue = (MAX_CACHE_MESSAGE_COUNT / self.consumer.queues.len().max(1)).max(1);
        let cepoch = self.consumer.epoch;
        if self.pop.cached.values().filter(|&&cq| cq == q).count() >= per_queue {
            self.schedule(CACHE_FULL_BACKOFF, Action::PopReceiveLater { queue: q, cepoch });
            return;
        }
        self.schedule(self.proxy_hops(), Action::PopArrive { queue: q, cepoch });
    }

    /// The cache-full wait ended.
    pub(super) fn on_pop_receive_later(&mut self, q: QueueKind, cepoch: u32) {
        if cepoch != self.consumer.epoch {
            return;
        }
        self.pop.receiving.remove(&q);
        self.receive(q);
    }

    /// A receive's answer reached the client (`onReceiveMessageResult`): the messages go to the
    /// consumption pool and the queue receives again.
    pub(super) fn on_pop_response(&mut self, q: QueueKind, cepoch: u32, entries: Vec<(u64, CopyId, usize)>) {
        if cepoch != self.consumer.epoch || !self.consumer.online {
            return; // the client died: their checkpoints bring them back
        }
        self.pop.receiving.remove(&q);
        for (qoffset, copy, trace) in entries {
            let live = self.pop.cks.get(&copy).is_some_and(|ck| ck.trace == trace);
            if live || self.pop.trace[trace].node != NodeId::Master {
                self.pop.trace[trace].received_at = Some(self.now);
            }
            self.pop.cached.insert(copy, q);
            let rc = self.copies[copy].reconsume_times;
            self.deliver_popped(q, qoffset, copy, rc, Some(trace as u32));
        }
        self.receive(q);
    }

    /// A consumption ended: the thread is free at once (the ack or nack is asynchronous). The
    /// answer for a message a slave popped reaches nothing: the proxy sends it to the route's
    /// master address, and no broker holds a checkpoint for that pop.
    pub(super) fn on_pop_consume_done(&mut self, cepoch: u32, copy: CopyId, rc: u32, pop: Option<u32>) {
        if cepoch != self.consumer.epoch {
            return;
        }
        let result = self.finish_consumption(copy, rc);
        let nack = if result == ConsumeResult::Success {
            None
        } else {
            Some(self.sc.consumer.group_retry_policy.next_attempt_delay(rc + 1))
        };
        self.release_consume_thread();
        let from_slave = pop.is_some_and(|t| self.pop.trace[t as usize].node != NodeId::Master);
        if from_slave {
            self.pop.cached.remove(&copy);
            return;
        }
        self.send_pop_answer(copy, nack);
    }

    /// The client process died: what it held is gone; the broker's checkpoints stay.
    pub(crate) fn crash_pop_consumer(&mut self) {
        self.pop.receiving.clear();
        self.pop.held.clear();
        self.pop.held_on_slave.clear();
        self.pop.cached.clear();
        self.pop.unsent.clear();
    }
}
