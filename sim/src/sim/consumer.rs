//! The push consumer group (concurrent; client spec §6–§10, broker spec §5).
//!
//! It pulls each of `TopicTest`'s `readQueueNums` queues and `%RETRY%<group>`'s one queue, each
//! with its own pull request, process queue, flow control and offset (spec §5, "A topic has
//! several queues": the one consumer of the group is allocated every queue) (long polling: a pull with nothing new is held by
//! the broker for up to 15–20 s, `PullRequestHoldService`), consumes on `consumeThread` threads, and keeps an
//! in-memory offset per queue: the smallest offset still in its process queue. That offset
//! reaches the broker two ways: carried by every pull to the master, and by the periodic persist
//! (`persistConsumerOffsetInterval`, first 10 s after start). A failed message is sent back
//! (`sendMessageBack`): the broker writes it to `SCHEDULE_TOPIC_XXXX` with delay level
//! 3 + `reconsumeTimes`, or to `%DLQ%<group>` once `reconsumeTimes` ≥ `maxReconsumeTimes`.
//! If the RPC fails (it times out after 5 s), the client sends the message to `%RETRY%<group>`
//! itself through its inner producer (client spec §7); if there is no master to send either to,
//! the client consumes it again after 5 s (after the 5 s RPC timeout when its route shows no
//! master in 4.x; at once in 5.x, which finds no master address). `sendMessageBack` is a synchronous RPC made by
//! the consume thread itself (`ConsumeRequest.run` → `processConsumeResult`, client spec §7): the
//! thread is busy until the broker answers or the RPC times out, and the next consume request
//! waits in the pool's queue for a free thread (`consumeThread` threads, an unbounded queue). The client itself never dead-letters: with
//! the master gone for good a failing message is consumed again every 10 s until the run stops
//! at `until` or the event limit (a reported outcome: `UNRESOLVED`, the bound as its cause).
//! The persist sends every queue's offset each time, to the master, or to the slave once the
//! route has no master (client spec §8); the slave also copies the master's table every 10 s
//! (`SlaveSynchronize`). A crashed consumer restarts from the offsets the broker holds
//! (`READ_FROM_STORE`, with the route fetched from the name server at start): the master, else the
//! slave; while the route still lists a dead master the query fails and the rebalance skips the
//! queue until a later one (every 20 s). At-least-once: what was consumed since the offset the
//! broker holds is delivered again.

use std::collections::VecDeque;

use super::{Action, Sim};
use crate::broker::store::CopyId;
use crate::event::{ConsumeResult, EventKind, NodeId, OffsetVia, QueueKind, Topic};
use crate::ledger::DeliveryRecord;
use crate::rng::Ratio;
use crate::scenario::{Client, FailWith};
use crate::time::{SimDuration, SimTime};
use crate::vec_map::{DequeMap, VecMap, VecSet};

/// `submitConsumeRequestLater` after a failed `sendMessageBack`.
const LOCAL_RETRY_DELAY: SimDuration = SimDuration::from_ms(5_000);
/// `consumerSendMessageBack`'s RPC timeout.
const SEND_BACK_TIMEOUT: SimDuration = SimDuration::from_ms(5_000);
/// The client's inner producer (`MQClientInstance.getDefaultMQProducer`): `sendMsgTimeout` 3000 ms.
const FALLBACK_SEND_TIMEOUT: SimDuration = SimDuration::from_ms(3_000);
/// First `persistAll` after the client starts.
const FIRST_PERSIST: SimDuration = SimDuration::from_ms(10_000);
/// `RebalanceService`'s `waitInterval` (`rocketmq.client.rebalance.waitInterval`).
const REBALANCE_INTERVAL: SimDuration = SimDuration::from_ms(20_000);

/// One consume queue as the consumer tracks it.
#[derive(Clone, Debug, Default)]
pub(crate) struct QueueState {
    /// Next offset to pull.
    pub pull_offset: u64,
    /// Process queue: offset → copy, messages delivered but not finished.
    pub pq: DequeMap<u64, CopyId>,
    /// In-memory consume offset (`ProcessQueue.removeMessage`'s answer).
    pub mem_offset: u64,
    /// The queue's one `PullRequest` is busy: on the wire, held by a broker, or deferred.
    pub pull_outstanding: bool,
    /// The pull request waits out flow control (`PullLater` is scheduled).
    pub deferred: bool,
    /// The last pull attempt was flow-controlled (the event is logged once per episode).
    pub flow_controlled: bool,
    /// The rebalance holds this queue (its offset was read); a skipped queue is not pulled.
    pub assigned: bool,
    /// The offset this queue resumed from at the group's last start (the broker's committed one).
    pub started_from: u64,
    /// Counts the pulls sent: an answer to an older one is stale.
    pub pull_seq: u32,
}

/// One message handed to the consume thread pool.
#[derive(Clone, Debug)]
pub(crate) struct ConsumeRequest {
    pub queue: QueueKind,
    pub qoffset: u64,
    pub copy: CopyId,
    pub reconsume_times: u32,
    /// gRPC consumer: the pop it came from (its entry in the pop trace).
    pub pop: Option<u32>,
}

/// A pull held by a broker (long polling).
#[derive(Clone, Debug)]
pub(crate) struct HeldPull {
    pub node: NodeId,
    pub nepoch: u32,
    pub cepoch: u32,
    pub offset: u64,
    /// When the broker suspended it (`suspendTimestamp`).
    pub held_at: SimTime,
    /// The queue's `pull_seq` of this pull.
    pub seq: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct Consumer {
    pub online: bool,
    pub epoch: u32,
    pub queues: VecMap<QueueKind, QueueState>,
    pub held: VecMap<QueueKind, HeldPull>,
    /// Consume threads busy: consuming, or blocked in a `sendMessageBack` RPC.
    pub busy_threads: u32,
    /// Consume requests waiting for a free thread (the pool's unbounded queue), in order.
    pub waiting: VecDeque<ConsumeRequest>,
    /// `sendMessageBack` RPCs in flight, each blocking its thread until its answer or timeout.
    pub send_backs: VecSet<u32>,
    pub next_rpc: u32,
    pub persist_armed: bool,
    /// A `Rebalance` is scheduled for skipped queues.
    pub rebalance_armed: bool,
    pub started_at: SimTime,
    /// Messages waiting for a local re-consume, by (queue, offset).
    pub local_retries: usize,
    pub crashed: bool,
    pub restart_at: Option<SimTime>,
}

/// A read-only view of the consumer for the front end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerView {
    pub online: bool,
    /// Crashed (`CONSUMER_CRASH`) and not restarted yet, as opposed to not started yet.
    pub crashed: bool,
    /// When a crashed consumer restarts, if it will.
    pub restart_at: Option<SimTime>,
    /// The in-memory offsets of `TopicTest`'s read queues, summed (messages consumed past).
    pub main_offset: u64,
    /// Each read queue's in-memory offset, by `queueId`.
    pub main_offsets: Vec<u64>,
    pub retry_offset: u64,
    pub in_process: usize,
}

impl Consumer {
    /// A group reading `read_queue_nums` queues of `TopicTest` and `%RETRY%<group>`.
    pub fn new(read_queue_nums: u32) -> Self {
        let main = (0..read_queue_nums.min(u8::MAX as u32 + 1)).map(|q| QueueKind::Main(q as u8));
        Consumer {
            online: false,
            epoch: 0,
            queues: main.chain([QueueKind::Retry]).map(|q| (q, QueueState::default())).collect(),
            held: VecMap::new(),
            busy_threads: 0,
            waiting: VecDeque::new(),
            send_backs: VecSet::new(),
            next_rpc: 0,
            persist_armed: false,
            rebalance_armed: false,
            started_at: SimTime::ZERO,
            local_retries: 0,
            crashed: false,
            restart_at: None,
        }
    }
}

impl Sim {
    /// The consumer group as the front end shows it.
    pub fn consumer_view(&self) -> ConsumerView {
        let c = &self.consumer;
        ConsumerView {
            online: c.online,
            crashed: c.crashed,
            restart_at: c.restart_at,
            main_offset: c.queues.iter().filter(|(q, _)| **q != QueueKind::Retry).map(|(_, s)| s.mem_offset).sum(),
            main_offsets: c.queues.iter().filter(|(q, _)| **q != QueueKind::Retry).map(|(_, s)| s.mem_offset).collect(),
            retry_offset: c.queues[&QueueKind::Retry].mem_offset,
            in_process: c.queues.values().map(|q| q.pq.len()).sum::<usize>() + self.pop.cached.len(),
        }
    }

    pub(super) fn on_consumer_start(&mut self, cepoch: u32) {
        if cepoch != self.consumer.epoch || self.consumer.online {
            return;
        }
        if self.sc.consumer.client == Client::Grpc {
            return self.on_pop_consumer_start();
        }
        // A starting client fetches its route from the name server at once
        // (`updateTopicSubscribeInfoWhenSubscriptionChanged`), not at the next 30 s poll.
        let fresh = self.namesrv_route();
        if fresh != self.route {
            self.route = fresh;
            self.emit(EventKind::RouteChanged { consumers_read_from: fresh });
        }
        let c = &mut self.consumer;
        c.online = true;
        c.crashed = false;
        c.restart_at = None;
        c.started_at = self.now;
        c.persist_armed = false;
        c.rebalance_armed = false;
        for s in c.queues.values_mut() {
            *s = QueueState::default();
        }
        c.busy_threads = 0;
        c.waiting.clear();
        c.send_backs.clear();
        // `rebalanceImmediately`: each queue's offset is read with READ_FROM_STORE.
        let offsets: Vec<(QueueKind, Option<u64>)> =
            self.consumer.queues.keys().map(|&q| (q, self.read_offset_from_store(q))).collect();
        self.emit(EventKind::ConsumerStarted { offsets: offsets.clone() });
        for (q, off) in offsets {
            match off {
                Some(off) => self.assign_queue(q, off),
                None => self.skip_queue(q),
            }
        }
        self.kick_consumer();
    }

    /// The route the name server gives a client that asks now (the one the 30 s poll will see).
    pub(crate) fn namesrv_route(&self) -> NodeId {
        let dropped = self.namesrv_master_gone_at.is_some_and(|t| t <= self.now);
        if !self.master.is_up() && dropped && !self.slaves.is_empty() {
            NodeId::Slave
        } else {
            NodeId::Master
        }
    }

    /// `RemoteBrokerOffsetStore.readOffset(READ_FROM_STORE)` from the broker the consumer's
    /// route names (the master while it is listed, else the slave): `None` when that broker is
    /// down (the query fails: `readOffset` returns -2 and the rebalance skips the queue). A
    /// queue without a stored offset starts at 0 (client spec §9: a young queue).
    fn read_offset_from_store(&self, q: QueueKind) -> Option<u64> {
        let node = self.node(self.route);
        node.is_up().then(|| node.offsets.get(&q).copied().unwrap_or(0))
    }

    /// The rebalance takes queue `q` at `off`: a process queue and a pull request from there.
    fn assign_queue(&mut self, q: QueueKind, off: u64) {
        let s = self.consumer.queues.get_mut(&q).expect("queue");
        *s = QueueState { pull_offset: off, mem_offset: off, started_from: off, assigned: true, ..Default::default() };
    }

    /// The offset query failed: the rebalance skips `q` ("compute offset failed") until the next
    /// one (`RebalanceService`, every 20 s from the start).
    fn skip_queue(&mut self, q: QueueKind) {
        let retry_at = (self.now + SimDuration::from_us(1)).next_tick(self.consumer.started_at, REBALANCE_INTERVAL);
        let node = self.route;
        self.emit(EventKind::OffsetQueryFailed { queue: q, node, retry_at });
        if !self.consumer.rebalance_armed {
            self.consumer.rebalance_armed = true;
            let cepoch = self.consumer.epoch;
            self.schedule_at(retry_at, Action::Rebalance { cepoch });
        }
    }

    /// A broker restarted: a rebalance that stopped because no broker could answer
    /// ([`Sim::on_rebalance`]) resumes on its 20 s rhythm — RocketMQ's `RebalanceService` never
    /// stops, and a broker brought back by a later fault (`SLAVE_UP`) answers it again (swarm
    /// seed 19226: the master's disk gone, the slave stopped and started 5 min later, and the
    /// queues stayed skipped for good).
    pub(crate) fn resume_rebalance(&mut self) {
        let c = &self.consumer;
        let skipped = c.queues.values().any(|s| !s.assigned);
        if self.sc.consumer.client == Client::Grpc || !c.online || c.rebalance_armed || !skipped {
            return;
        }
        let at = (self.now + SimDuration::from_us(1)).next_tick(c.started_at, REBALANCE_INTERVAL);
        self.consumer.rebalance_armed = true;
        let cepoch = self.consumer.epoch;
        self.schedule_at(at, Action::Rebalance { cepoch });
    }

    /// `RebalanceService`'s periodic `doRebalance`: skipped queues are tried again. It keeps
    /// trying only while some broker is up or will come back (otherwise nothing could answer;
    /// a broker that comes back unforeseen resumes it, [`Sim::resume_rebalance`]).
    pub(super) fn on_rebalance(&mut self, cepoch: u32) {
        if cepoch != self.consumer.epoch || !self.consumer.online {
            return;
        }
        self.consumer.rebalance_armed = false;
        let skipped: Vec<QueueKind> =
            self.consumer.queues.iter().filter(|(_, s)| !s.assigned).map(|(&q, _)| q).collect();
        let could_answer = |n: &super::Node| n.is_up() || n.restart_at.is_some();
        let hope = could_answer(&self.master) || self.slaves.iter().any(could_answer);
        for q in skipped {
            match self.read_offset_from_store(q) {
                Some(offset) => {
                    let node = self.route;
                    self.assign_queue(q, offset);
                    self.emit(EventKind::QueueAssigned { queue: q, node, offset });
                    self.pull(q);
                }
                None if hope => self.skip_queue(q),
                None => {}
            }
        }
    }

    pub(crate) fn crash_consumer(&mut self, until: Option<SimTime>) {
        if !self.consumer.online {
            return;
        }
        let in_flight = (self.consumer.queues.values().map(|q| q.pq.len()).sum::<usize>() + self.pop.cached.len()) as u32;
        if self.sc.consumer.client == Client::Grpc {
            self.proxy_client_crashed();
        }
        let c = &mut self.consumer;
        c.online = false;
        c.crashed = true;
        c.restart_at = until;
        c.epoch += 1;
        c.held.clear();
        c.local_retries = 0;
        c.busy_threads = 0;
        c.waiting.clear();
        c.send_backs.clear();
        self.crash_pop_consumer();
        let c = &mut self.consumer;
        for q in c.queues.values_mut() {
            q.pq.clear();
            q.pull_outstanding = false;
            q.deferred = false;
        }
        self.emit(EventKind::ConsumerCrashed { in_flight });
        if let Some(u) = until {
            let cepoch = self.consumer.epoch;
            self.schedule_at(u, Action::ConsumerStart { cepoch });
        }
    }


    /// Submits a message to the consume thread pool: it starts at once on a free thread, or
    /// waits in the pool's queue.
    pub(super) fn deliver(&mut self, q: QueueKind, qoffset: u64, copy: CopyId, rc: u32) {
        self.deliver_popped(q, qoffset, copy, rc, None);
    }

    /// [`Sim::deliver`], for the gRPC consumer: `pop` is the pop the message came from.
    pub(super) fn deliver_popped(&mut self, q: QueueKind, qoffset: u64, copy: CopyId, rc: u32, pop: Option<u32>) {
        self.consumer.waiting.push_back(ConsumeRequest { queue: q, qoffset, copy, reconsume_times: rc, pop });
        self.start_consumes();
    }

    /// Free threads take the waiting consume requests, oldest first.
    fn start_consumes(&mut self) {
        let threads = self.sc.consumer.consume_thread.max(1);
        while self.consumer.busy_threads < threads {
            let Some(r) = self.consumer.waiting.pop_front() else { break };
            self.consumer.busy_threads += 1;
            let done_at = self.now + self.sc.consumer.consume_time;
            let (q, qoffset, copy, rc, pop) = (r.queue, r.qoffset, r.copy, r.reconsume_times, r.pop);
            let msg = self.copies[copy].msg;
            self.emit(EventKind::Delivered { msg, queue: q, queue_offset: qoffset, reconsume_times: rc, done_at });
            self.ledger.get_mut(msg).deliveries.push(DeliveryRecord {
                at: self.now,
                reconsume_times: rc,
                from_retry: q == QueueKind::Retry,
                result: None,
            });
            let cepoch = self.consumer.epoch;
            self.schedule_at(done_at, Action::ConsumeDone { queue: q, cepoch, qoffset, copy, attempt_rc: rc, pop });
        }
    }

    /// A consume thread is done (its consume, and the `sendMessageBack` RPC if it made one).
    pub(super) fn release_consume_thread(&mut self) {
        self.release_thread();
    }

    fn release_thread(&mut self) {
        self.consumer.busy_threads = self.consumer.busy_threads.saturating_sub(1);
        self.start_consumes();
    }

    /// What the listener returns for this delivery of `copy` (the scenario's failure knobs).
    /// A consumption ended: the listener's result (decided by the scenario), the `Consumed`
    /// event, and the result on the open delivery in the ledger; a success is the message
    /// consumed. Both consumers (push and POP) end a consumption here; what follows differs.
    pub(super) fn finish_consumption(&mut self, copy: CopyId, rc: u32) -> ConsumeResult {
        let result = self.decide(copy);
        let msg = self.copies[copy].msg;
        let now = self.now;
        self.emit(EventKind::Consumed { msg, result, reconsume_times: rc });
        let rec = self.ledger.get_mut(msg);
        if let Some(d) = rec.deliveries.iter_mut().rev().find(|d| d.result.is_none()) {
            d.result = Some((now, result));
        }
        if result == ConsumeResult::Success {
            rec.consumed_at.push(now);
        }
        result
    }

    fn decide(&mut self, copy: CopyId) -> ConsumeResult {
        let c = &self.sc.consumer;
        let msg = self.copies[copy].msg;
        let attempt = self.ledger.get(msg).deliveries.len() as u32;
        let fail = c.fail_messages.contains(&msg.0)
            || attempt <= c.fail_first_attempts
            || self.consumer_rng.chance(Ratio::percent(c.fail_percent as u64));
        match (fail, c.fail_with) {
            (false, _) => ConsumeResult::Success,
            (true, FailWith::ReconsumeLater) => ConsumeResult::ReconsumeLater,
            (true, FailWith::Exception) => ConsumeResult::Exception,
        }
    }

    pub(super) fn on_consume_done(&mut self, q: QueueKind, cepoch: u32, qoffset: u64, copy: CopyId, rc: u32, pop: Option<u32>) {
        if self.sc.consumer.client == Client::Grpc {
            return self.on_pop_consume_done(cepoch, copy, rc, pop);
        }
        if cepoch != self.consumer.epoch {
            return;
        }
        let result = self.finish_consumption(copy, rc);
        if result == ConsumeResult::Success {
            self.finish_message(q, qoffset, copy);
            self.release_thread();
            return;
        }
        // The thread stays busy through the synchronous `sendMessageBack` RPC.
        let rpc = self.consumer.next_rpc;
        if self.master.is_up() && self.route == NodeId::Master {
            self.consumer.next_rpc += 1;
            self.consumer.send_backs.insert(rpc);
            self.schedule(self.sc.network.latency, Action::SendBackArrive { queue: q, cepoch, qoffset, copy, rpc });
            self.schedule(SEND_BACK_TIMEOUT, Action::SendBackTimeout { queue: q, cepoch, qoffset, copy, attempt_rc: rc, rpc });
        } else if self.route != NodeId::Master && self.rules().send_back_fails_fast_without_master {
            // 5.x: no master address in the route throws at once ("master node does not exist");
            // the fallback send finds no route either, and the message is consumed again 5 s later.
            self.retry_locally(q, qoffset, copy, rc, LOCAL_RETRY_DELAY);
            self.release_thread();
        } else if self.route != NodeId::Master {
            // The route has no master: the RPC goes to a null address (the name server's channel)
            // and no reply comes; after its 5 s timeout the fallback send fails too ("No route
            // info") and the message is consumed again 5 s later (client spec §10).
            self.consumer.next_rpc += 1;
            self.consumer.send_backs.insert(rpc);
            self.schedule(SEND_BACK_TIMEOUT, Action::SendBackTimeout { queue: q, cepoch, qoffset, copy, attempt_rc: rc, rpc });
        } else {
            self.retry_locally(q, qoffset, copy, rc, LOCAL_RETRY_DELAY);
            self.release_thread();
        }
    }

    fn retry_locally(&mut self, q: QueueKind, qoffset: u64, copy: CopyId, rc: u32, delay: SimDuration) {
        let again_at = self.now + delay;
        let msg = self.copies[copy].msg;
        self.emit(EventKind::ConsumeRetriedLocally { msg, again_at });
        self.consumer.local_retries += 1;
        let cepoch = self.consumer.epoch;
        self.schedule_at(again_at, Action::LocalRetry { queue: q, cepoch, qoffset, copy, attempt_rc: rc + 1 });
    }

    pub(super) fn on_local_retry(&mut self, q: QueueKind, cepoch: u32, qoffset: u64, copy: CopyId, rc: u32) {
        if cepoch != self.consumer.epoch {
            return;
        }
        self.consumer.local_retries = self.consumer.local_retries.saturating_sub(1);
        self.deliver(q, qoffset, copy, rc);
    }

    /// `SendMessageProcessor.consumerSendMsgBack`: to the schedule topic or to the DLQ, answered
    /// as soon as the copy is in the page cache (spec §5: it waits for no flush and no slave).
    pub(super) fn on_send_back_arrive(&mut self, q: QueueKind, cepoch: u32, qoffset: u64, copy: CopyId, rpc: u32) {
        if !self.master.is_up() {
            return; // the RPC times out (SendBackTimeout)
        }
        let msg = self.copies[copy].msg;
        let stored_rc = self.copies[copy].reconsume_times;
        let max = self.sc.consumer.max_reconsume_times;
        let new_copy = if stored_rc >= max {
            // The DLQ copy carries the failing delivery's reconsumeTimes + 1 (17 for a poison message).
            let dlq = self.master_append(msg, Topic::Dlq, 0, stored_rc + 1, None);
            self.copies[dlq].handled = !(self.sc.consumer.dlq_consumer && self.rules().dlq_readable);
            self.ledger.get_mut(msg).set_dead_lettered_at(self.now);
            self.emit(EventKind::DeadLettered { msg, reconsume_times: stored_rc });
            dlq
        } else {
            self.schedule_retry(msg, stored_rc)
        };
        let _ = new_copy;
        // `asyncConsumerSendMsgBack` puts with waitStoreMsgOK = false: no flush or slave wait.
        self.schedule(self.sc.network.latency, Action::SendBackAck { queue: q, cepoch, qoffset, rpc });
    }

    /// Writes a retry of `msg` (consumed with `reconsumeTimes` `rc`) to `SCHEDULE_TOPIC_XXXX` at
    /// delay level 3 + `rc` (clamped to the table), with `reconsumeTimes` `rc` + 1.
    fn schedule_retry(&mut self, msg: crate::event::MsgId, rc: u32) -> CopyId {
        let levels = &self.sc.broker.message_delay_level;
        let level = (3 + rc).min(levels.len() as u32);
        let due_at = self.now + levels[level as usize - 1];
        let sched = self.master_append(msg, Topic::Schedule, 0, rc + 1, None);
        self.copies[sched].due_at = Some(due_at);
        self.ledger.get_mut(msg).push_retry(level, due_at);
        self.emit(EventKind::RetryScheduled { msg, delay_level: level, due_at, reconsume_times: rc + 1 });
        self.schedule_delivery(sched, due_at);
        sched
    }

    /// No answer to `sendMessageBack` within 5 s: the RPC threw, and
    /// `DefaultMQPushConsumerImpl.sendMessageBack`'s catch block sends the message to
    /// `%RETRY%<group>` itself (client spec §7): a new message with `RECONSUME_TIME` n + 1 and
    /// `delayTimeLevel` 3 + n (n: the client's `reconsumeTimes`), through the client's inner
    /// producer (sync, 3 s). It needs a master in the route ("No route info" otherwise) that
    /// answers: a master process that is down refuses at once, a machine that is off lets the
    /// send time out after 3 s. When that send fails too, the thread is free and the client
    /// consumes the message again 5 s later.
    pub(super) fn on_send_back_timeout(&mut self, q: QueueKind, cepoch: u32, qoffset: u64, copy: CopyId, rc: u32, rpc: u32) {
        if cepoch != self.consumer.epoch || !self.consumer.send_backs.remove(&rpc) {
            return;
        }
        let waiting = self.consumer.queues[&q].pq.get(&qoffset) == Some(&copy);
        let refused = matches!(self.master.state, super::NodeState::ProcessDown | super::NodeState::Stopped);
        if waiting && self.route == NodeId::Master && !refused {
            let rpc = self.consumer.next_rpc;
            self.consumer.next_rpc += 1;
            self.consumer.send_backs.insert(rpc);
            let msg = self.copies[copy].msg;
            self.emit(EventKind::SendBackFallback { msg, reconsume_times: rc + 1 });
            if self.master.is_up() {
                self.schedule(self.sc.network.latency, Action::SendBackFallbackArrive { queue: q, cepoch, qoffset, copy, attempt_rc: rc, rpc });
            }
            self.schedule(FALLBACK_SEND_TIMEOUT, Action::SendBackFallbackTimeout { queue: q, cepoch, qoffset, copy, attempt_rc: rc, rpc });
            return;
        }
        self.send_back_failed(q, qoffset, copy, rc);
    }

    /// The client's own send got no answer within its 3 s.
    pub(super) fn on_send_back_fallback_timeout(&mut self, q: QueueKind, cepoch: u32, qoffset: u64, copy: CopyId, rc: u32, rpc: u32) {
        if cepoch != self.consumer.epoch || !self.consumer.send_backs.remove(&rpc) {
            return;
        }
        self.send_back_failed(q, qoffset, copy, rc);
    }

    /// `sendMessageBack` and the client's own send both failed: the thread is free, and the
    /// message is consumed again 5 s later (`submitConsumeRequestLater`).
    fn send_back_failed(&mut self, q: QueueKind, qoffset: u64, copy: CopyId, rc: u32) {
        if self.consumer.queues[&q].pq.get(&qoffset) == Some(&copy) {
            self.retry_locally(q, qoffset, copy, rc, LOCAL_RETRY_DELAY);
        }
        self.release_thread();
    }

    /// The client's own send to `%RETRY%<group>` reached the master: a plain put of a delayed
    /// message, so it is written to `SCHEDULE_TOPIC_XXXX` at level 3 + n, or — the broker's
    /// `handleRetryAndDLQ` compares the header's `reconsumeTimes` n + 1 with `maxReconsumeTimes`
    /// — to `%DLQ%<group>` once n + 1 ≥ `maxReconsumeTimes`: one retry earlier than
    /// `consumerSendMsgBack`, which compares the stored n. Answered at once (the model does not
    /// hold this put for a `SYNC_FLUSH` flush or a `SYNC_MASTER` slave: either way the copy is in
    /// the page cache and the send returns a status, not an exception).
    pub(super) fn on_send_back_fallback_arrive(&mut self, q: QueueKind, cepoch: u32, qoffset: u64, copy: CopyId, rc: u32, rpc: u32) {
        if !self.master.is_up() {
            return; // the send times out (SendBackTimeout)
        }
        let msg = self.copies[copy].msg;
        if rc + 1 >= self.sc.consumer.max_reconsume_times {
            let dlq = self.master_append(msg, Topic::Dlq, 0, rc + 1, None);
            self.copies[dlq].handled = !(self.sc.consumer.dlq_consumer && self.rules().dlq_readable);
            self.ledger.get_mut(msg).set_dead_lettered_at(self.now);
            self.emit(EventKind::DeadLettered { msg, reconsume_times: rc + 1 });
        } else {
            self.schedule_retry(msg, rc);
        }
        self.schedule(self.sc.network.latency, Action::SendBackAck { queue: q, cepoch, qoffset, rpc });
    }

    /// The broker's answer to `sendMessageBack`: the message is done and the thread is free. An
    /// answer after the timeout finds no request waiting and is dropped, as the client does.
    pub(super) fn on_send_back_ack(&mut self, q: QueueKind, cepoch: u32, qoffset: u64, rpc: u32) {
        if cepoch != self.consumer.epoch || !self.consumer.send_backs.remove(&rpc) {
            return;
        }
        if let Some(copy) = self.consumer.queues[&q].pq.get(&qoffset).copied() {
            self.finish_message(q, qoffset, copy);
        }
        self.release_thread();
    }

    /// Removes a finished message from the process queue and moves the in-memory offset.
    fn finish_message(&mut self, q: QueueKind, qoffset: u64, copy: CopyId) {
        self.copies[copy].handled = true;
        let s = self.consumer.queues.get_mut(&q).expect("queue");
        if s.pq.remove(&qoffset).is_none() {
            return;
        }
        let new = s.pq.keys().next().copied().unwrap_or(s.pull_offset);
        if new > s.mem_offset {
            s.mem_offset = new;
            self.arm_persist();
        }
    }

    fn arm_persist(&mut self) {
        if self.consumer.persist_armed {
            return;
        }
        self.consumer.persist_armed = true;
        let phase = self.consumer.started_at + FIRST_PERSIST;
        let at = (self.now + SimDuration::from_us(1)).next_tick(phase, self.sc.consumer.persist_consumer_offset_interval);
        let cepoch = self.consumer.epoch;
        self.schedule_at(at, Action::PersistTick { cepoch });
    }

    /// `persistAll`: a oneway update of **every** held queue's offset, changed or not, to the
    /// master, or to the slave when the route has no master (client spec §8). A value the broker
    /// already holds changes nothing (and logs nothing). The timer runs every
    /// `persistConsumerOffsetInterval`; the model wakes it only when a send can change something:
    /// after an offset moved and after the route changed.
    pub(super) fn on_persist_tick(&mut self, cepoch: u32) {
        if cepoch != self.consumer.epoch {
            return;
        }
        self.consumer.persist_armed = false;
        let node = self.route;
        if !self.node(node).is_up() {
            return;
        }
        let updates: Vec<(QueueKind, u64)> =
            self.consumer.queues.iter().filter(|(_, s)| s.assigned).map(|(&q, s)| (q, s.mem_offset)).collect();
        for (q, off) in updates {
            self.store_offset(node, q, off, OffsetVia::Persist);
        }
    }

    /// The consumer's route changed: its next `persistAll` goes to the new broker.
    pub(super) fn persist_after_route_change(&mut self) {
        if self.consumer.online {
            self.arm_persist();
        }
    }

    pub(super) fn store_offset(&mut self, node: NodeId, q: QueueKind, offset: u64, via: OffsetVia) {
        let offsets = &mut self.node_mut(node).offsets;
        if offsets.get(&q) == Some(&offset) {
            return;
        }
        offsets.insert(q, offset);
        self.emit(EventKind::OffsetCommitted { node, queue: q, offset, via });
        // The broker the route names now holds another value than the consumer (a late pull's
        // older offset, or the slave's sync): the next `persistAll`, which sends every offset
        // whether it changed or not, puts the consumer's back.
        let s = &self.consumer.queues[&q];
        if self.consumer.online && node == self.route && s.assigned && s.mem_offset != offset {
            self.arm_persist();
        }
    }

    pub(super) fn on_dlq_consume(&mut self, copy: CopyId) {
        let readable = self.node(self.route).is_up() && self.node(self.route).store.find(copy).is_some();
        if !readable || self.copies[copy].handled {
            return;
        }
        self.copies[copy].handled = true;
        let msg = self.copies[copy].msg;
        self.ledger.get_mut(msg).set_compensated_at(self.now);
        self.emit(EventKind::Compensated { msg });
    }
}
