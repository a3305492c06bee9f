//! The producer (`DefaultMQProducerImpl.sendDefaultImpl`, `MQClientAPIImpl`; client spec §1–§4).
//!
//! Open loop: message *i* is sent at *i* × `interval`. Closed loop (`threads = N`, as RocketMQ's
//! `benchmark/producer.sh`): N threads each send the next unsent message as soon as their last
//! send returned (SYNC: `send()` returned; ASYNC: the callback ran; ONEWAY: the request was
//! written). Requests share one connection of `[network] producerBytesPerMs`: each waits for the ones before
//! it to be written (when `producerBytesPerMs` is set), then travels `latency`. Each finished send is a [`SendRecord`] in the ledger,
//! the source of the report's latency and throughput. SYNC tries up to
//! 1 + `retryTimesWhenSendFailed` times within one `sendMsgTimeout` budget; a response timeout
//! spends the whole budget (`RemotingTooMuchRequestException`). ASYNC learns of a timeout only at
//! the response-table scan (first at 3 s, then every second, once `begin + timeout + 1 s` has
//! passed), so a late response can still reach `onSuccess`. ONEWAY gets no answer at all.
//! A refused connection (process down) fails in one round trip and is retried at once; a machine
//! that is off or partitioned swallows the request (blackhole) and the client times out.
//!
//! Each attempt goes to one of the topic's `writeQueueNums` queues (spec §5, client spec §1):
//! `MQFaultStrategy.selectOneMessageQueue` with `sendLatencyFaultEnable` false (its default)
//! calls `TopicPublishInfo.selectOneMessageQueue(lastBrokerName)`, a round robin on the sending
//! thread's `ThreadLocalIndex`. That index starts at a random value; the lab starts thread *t*'s
//! first pick at queue *t* mod `writeQueueNums` instead (threads spread as random starts would
//! spread them), so the queues never depend on the seed (README, "The seed"). A send's first attempt takes the
//! next queue; a later attempt (`lastBrokerName` set) loops over the queues looking for one on
//! another broker, and with the lab's one broker group finds none and falls back to a plain pick:
//! the index moves `writeQueueNums` + 1 steps, so the retry lands on the next queue of the same
//! broker. `sendDefaultImpl` picks before it checks the budget, so an attempt the spent budget
//! stops still moves the index. Threads: an open-loop producer is one thread, a closed loop's
//! threads each have their index, and the application's resends run on one more thread. (ASYNC
//! retries pick on the callback's thread in RocketMQ; the model uses the sending thread's index.)

use super::{Action, Sim};
use crate::event::{EventKind, MsgId, NodeId, SendError, SendStatus, Topic};
use crate::ledger::{Answer, AttemptRecord, SendRecord};
use crate::scenario::{OnException, SendMode};
use crate::time::{SimDuration, SimTime};

/// One logical message's current send.
#[derive(Clone, Debug, Default)]
pub(crate) struct SendState {
    /// Attempt number of the last attempt (counts across resends).
    pub attempt: u32,
    /// Attempts made in the current send.
    pub attempts_in_send: u32,
    /// Resends the application made so far.
    pub resends: u32,
    pub first_start: SimTime,
    /// The attempt the client is waiting for.
    pub outstanding: Option<u32>,
    /// A resend is scheduled.
    pub resend_pending: bool,
    /// The outstanding attempt was written to the connection (not refused before it).
    pub on_channel: bool,
    /// Closed loop: the producer thread inside this send (not the application's resend).
    pub by_thread: Option<u32>,
    /// The thread making the current send, whose `ThreadLocalIndex` picks its queues.
    pub thread: u32,
    /// The last `SendStatus` an attempt of this send returned, and which attempt: with
    /// `retryAnotherBrokerWhenNotStoreOK` a later attempt may fail, and `sendDefaultImpl` then
    /// returns this result instead of throwing (client spec §1).
    pub returned: Option<(u32, SendStatus)>,
    /// gRPC producer: the queue this send's attempts go to.
    pub grpc_queue: u8,
    /// gRPC producer: a resend waits out the `TOO_MANY_REQUESTS` backoff.
    pub backoff_pending: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Producer {
    pub sends: Vec<SendState>,
    /// Closed loop: the next message no thread has taken yet.
    pub next_unsent: u32,
    /// When the connection has written every request handed to it so far.
    pub link_free_at: SimTime,
    /// Each thread's `ThreadLocalIndex` (`TopicPublishInfo.sendWhichQueue`), by thread: `None`
    /// until its first pick. Only its value modulo `writeQueueNums` matters.
    pub send_which_queue: Vec<Option<u64>>,
    /// gRPC producer: `PublishingLoadBalancer`'s index, one step per send call.
    pub grpc_index: u64,
}

impl Producer {
    /// `threads` sending threads (1 for an open loop), plus the application's resend thread.
    pub fn new(messages: u32, threads: u32) -> Self {
        Producer {
            sends: vec![SendState::default(); messages as usize],
            next_unsent: 0,
            link_free_at: SimTime::ZERO,
            send_which_queue: vec![None; threads as usize + 1],
            grpc_index: 0,
        }
    }
}

/// How the master looks from the producer right now.
pub(super) enum Reach {
    Ok,
    /// Connection refused: the process is down but the machine answers.
    Refused,
    /// Packets vanish: the machine is off or the link is partitioned.
    Blackhole,
}

impl Sim {
    pub(super) fn reach_master(&self) -> Reach {
        let partitioned = self.producer_link_down_until.is_some_and(|u| u > self.now);
        // Controller mode: until its route poll the producer still sends to the broker its route
        // names, which may be the old master (down, or back as a slave: a slave refuses writes,
        // modelled as a refused connection).
        let node = self.position_of(self.producer_broker);
        match self.node(node).state {
            _ if partitioned => Reach::Blackhole,
            super::NodeState::Up if node != NodeId::Master => Reach::Refused,
            super::NodeState::Up => Reach::Ok,
            super::NodeState::ProcessDown | super::NodeState::Stopped => Reach::Refused,
            super::NodeState::MachineDown => Reach::Blackhole,
        }
    }

    fn max_attempts(&self) -> u32 {
        match self.sc.producer.send_mode {
            SendMode::Sync => 1 + self.sc.producer.retry_times_when_send_failed,
            SendMode::Async => 1 + self.sc.producer.retry_times_when_send_async_failed,
            SendMode::Oneway => 1,
        }
    }

    /// Schedules the workload: every send (open loop) or each thread's first send (closed loop).
    pub(super) fn start_producer(&mut self) {
        let (messages, interval) = (self.sc.producer.messages, self.sc.producer.interval);
        match self.sc.producer.threads {
            None => {
                for i in 0..messages {
                    let at = SimTime(interval.as_us().saturating_mul(i as u64));
                    self.schedule_at(at, Action::ProducerSend(MsgId(i)));
                }
            }
            Some(threads) => {
                for thread in 0..threads.min(messages) {
                    self.thread_takes_next(thread, SimTime::ZERO);
                }
            }
        }
    }

    /// Closed loop: free thread `thread` starts the next unsent message at `at`.
    fn thread_takes_next(&mut self, thread: u32, at: SimTime) {
        let next = self.producer.next_unsent;
        if next >= self.sc.producer.messages {
            return;
        }
        self.producer.next_unsent += 1;
        self.producer.sends[next as usize].by_thread = Some(thread);
        self.schedule_at(at, Action::ProducerSend(MsgId(next)));
    }

    /// A send call finished with `answer`: record its latency; a closed-loop thread moves on at
    /// `resume_at` (now, or when a ONEWAY request has been written).
    pub(super) fn end_send(&mut self, msg: MsgId, answer: Answer, resume_at: SimTime) {
        let now = self.now;
        let s = &mut self.producer.sends[msg.0 as usize];
        let started_at = s.first_start;
        let by_thread = s.by_thread.take();
        self.ledger.get_mut(msg).sends.push(SendRecord { started_at, ended_at: now.max(resume_at), answer });
        if let Some(thread) = by_thread {
            self.thread_takes_next(thread, resume_at);
        }
    }

    /// Hands a request to the connection: returns when it has been written (after the requests
    /// before it, at `[network] producerBytesPerMs`).
    pub(super) fn write_request(&mut self) -> SimTime {
        let Some(bw) = self.sc.network.producer_bytes_per_ms else { return self.now };
        let bytes = self.stored_size(Topic::Main, 0);
        let wire = SimDuration(bytes.saturating_mul(1_000).div_ceil(bw.max(1)));
        let begin = self.now.max(self.producer.link_free_at);
        let done = begin + wire;
        self.producer.link_free_at = done;
        done
    }

    pub(super) fn on_producer_send(&mut self, msg: MsgId) {
        let now = self.now;
        let resend_thread = self.producer.send_which_queue.len() as u32 - 1;
        let s = &mut self.producer.sends[msg.0 as usize];
        s.first_start = now;
        s.attempts_in_send = 0;
        // A closed-loop thread's send, else the application's resend thread or the open loop's one.
        s.thread = s.by_thread.unwrap_or(if s.resend_pending { resend_thread } else { 0 });
        s.resend_pending = false;
        s.returned = None;
        if self.producer_no_route {
            self.send_failed(msg, SendError::NoRoute);
            return;
        }
        if self.grpc_producer() {
            self.grpc_send(msg);
            return;
        }
        self.start_attempt(msg);
    }

    /// When the client gives up waiting for `attempt` started now.
    fn client_deadline(&self, msg: MsgId) -> SimTime {
        let s = &self.producer.sends[msg.0 as usize];
        let deadline = s.first_start + self.sc.producer.send_msg_timeout;
        match self.sc.producer.send_mode {
            SendMode::Async => {
                // `scanResponseTable`: first run 3 s after the client starts, then every second;
                // a request is dropped once `begin + timeout + 1000 ms <= now`.
                let due = deadline + SimDuration::from_ms(1_000);
                due.next_tick(SimTime::from_ms(3_000), SimDuration::from_ms(1_000))
            }
            _ => deadline,
        }
    }

    /// `selectOneMessageQueue(tpInfo, lastBrokerName)` on the send's thread: the queue id of
    /// `TopicTest` the next attempt of `msg` goes to (see the module doc).
    fn select_queue(&mut self, msg: MsgId) -> u8 {
        let n = u64::from(self.sc.topic.write_queue_nums.max(1));
        let s = &self.producer.sends[msg.0 as usize];
        let (thread, retry) = (s.thread as usize, s.attempts_in_send > 0);
        let p = &mut self.producer;
        // `ThreadLocalIndex`: RocketMQ's random start (`Math.abs(random.nextInt())`) stands as
        // one before queue `thread`, so the first pick is queue `thread` mod n.
        let index = match p.send_which_queue[thread] {
            Some(i) => i,
            None => thread as u64 + n - 1,
        };
        // A retry's loop finds no queue on another broker (one broker group): n picks, then one more.
        let index = index + if retry { n + 1 } else { 1 };
        p.send_which_queue[thread] = Some(index % n);
        (index % n) as u8
    }

    /// `sendDefaultImpl` picks the next attempt's queue before it finds the budget spent: the
    /// pick moves the thread's index though no attempt follows.
    fn pick_before_budget_check(&mut self, msg: MsgId) {
        if self.producer.sends[msg.0 as usize].attempts_in_send < self.max_attempts() {
            self.select_queue(msg);
        }
    }

    /// The part of an attempt both producers share: count it, record it, write the request
    /// (a refused connection writes nothing; otherwise the request goes onto the wire and
    /// vanishes there when the far end is off or partitioned) and log `SendAttempted`. Returns the
    /// attempt number and when the request was written.
    pub(super) fn begin_attempt(&mut self, msg: MsgId, queue: u8, reach: &Reach) -> (u32, SimTime) {
        let (now, lat) = (self.now, self.sc.network.latency);
        let s = &mut self.producer.sends[msg.0 as usize];
        s.attempt += 1;
        s.attempts_in_send += 1;
        let attempt = s.attempt;
        self.ledger.get_mut(msg).attempts.push(AttemptRecord { attempt, sent_at: now, outcome: None });
        let written = match reach {
            Reach::Refused => now,
            Reach::Ok | Reach::Blackhole => self.write_request(),
        };
        let arrives_at = matches!(reach, Reach::Ok).then_some(written + lat);
        self.emit(EventKind::SendAttempted { msg, attempt, queue, arrives_at });
        (attempt, written)
    }

    fn start_attempt(&mut self, msg: MsgId) {
        let lat = self.sc.network.latency;
        let mode = self.sc.producer.send_mode;
        let queue = self.select_queue(msg);
        let reach = self.reach_master();
        let (attempt, written) = self.begin_attempt(msg, queue, &reach);
        match reach {
            Reach::Ok => {
                let epoch = self.master.epoch;
                self.schedule_at(written + lat, Action::RequestArrive { msg, attempt, queue, epoch })
            }
            Reach::Refused => {
                let s = &mut self.producer.sends[msg.0 as usize];
                s.outstanding = Some(attempt);
                s.on_channel = false;
                self.schedule(lat + lat, Action::AttemptRefused { msg, attempt });
                return;
            }
            Reach::Blackhole => {}
        }
        if mode == SendMode::Oneway {
            self.emit(EventKind::OnewaySent { msg });
            self.set_answer(msg, attempt, Answer::NoReply);
            self.end_send(msg, Answer::NoReply, written);
            return;
        }
        let s = &mut self.producer.sends[msg.0 as usize];
        s.outstanding = Some(attempt);
        s.on_channel = true;
        let deadline = self.client_deadline(msg);
        self.schedule_at(deadline, Action::ClientTimeout { msg, attempt });
    }

    pub(super) fn set_answer(&mut self, msg: MsgId, attempt: u32, answer: Answer) {
        let now = self.now;
        let rec = self.ledger.get_mut(msg);
        rec.answer = Some((now, answer));
        if let Some(a) = rec.attempts.iter_mut().rev().find(|a| a.attempt == attempt) {
            a.outcome = Some((now, answer));
        }
    }

    pub(super) fn on_attempt_refused(&mut self, msg: MsgId, attempt: u32) {
        let s = &self.producer.sends[msg.0 as usize];
        if s.outstanding != Some(attempt) {
            return;
        }
        if self.grpc_producer() {
            self.grpc_attempt_failed(msg, attempt, SendError::Unavailable);
            return;
        }
        self.emit(EventKind::AttemptFailed { msg, attempt, error: SendError::ConnectRefused });
        self.set_answer(msg, attempt, Answer::Exception(SendError::ConnectRefused));
        let s = &self.producer.sends[msg.0 as usize];
        let elapsed = self.now.since(s.first_start);
        if self.sc.producer.send_mode == SendMode::Oneway {
            // invokeOneway: no channel → RemotingConnectException wrapped in MQClientException.
            self.send_failed(msg, SendError::RetriesExhausted);
        } else if elapsed > self.sc.producer.send_msg_timeout {
            self.pick_before_budget_check(msg);
            self.send_failed(msg, SendError::CallTimeout);
        } else if s.attempts_in_send < self.max_attempts() {
            self.start_attempt(msg);
        } else if self.sc.producer.send_mode == SendMode::Async {
            self.send_failed(msg, SendError::ConnectRefused);
        } else {
            self.send_failed(msg, SendError::RetriesExhausted);
        }
    }

    pub(super) fn on_client_timeout(&mut self, msg: MsgId, attempt: u32) {
        if self.producer.sends[msg.0 as usize].outstanding != Some(attempt) {
            return;
        }
        if self.grpc_producer() {
            self.grpc_attempt_failed(msg, attempt, SendError::DeadlineExceeded);
            return;
        }
        self.emit(EventKind::AttemptFailed { msg, attempt, error: SendError::Timeout });
        // The timeout spent the whole budget: later attempts fail locally.
        if self.sc.producer.send_mode == SendMode::Sync {
            self.pick_before_budget_check(msg);
        }
        self.send_failed(msg, SendError::CallTimeout);
        if self.sc.producer.send_mode == SendMode::Sync {
            self.fail_fast_connection(SendError::Timeout);
        }
    }

    /// A SYNC timeout closes the connection (`clientCloseSocketIfTimeout`, default true), and
    /// `failFast` fails every other request in flight on it; each send then tries again at once
    /// on a new connection while its budget lasts (client spec §5). The master's process dying
    /// closes the connection too (spec §6 item 26): then `error` is `ConnectionClosed`.
    pub(super) fn fail_fast_connection(&mut self, error: SendError) {
        if self.grpc_producer() {
            // The gRPC client's connection is to the proxy, not the broker.
            self.proxy_broker_connection_closed();
            return;
        }
        for (msg, attempt) in self.outstanding_on_channel() {
            self.emit(EventKind::AttemptFailed { msg, attempt, error });
            self.set_answer(msg, attempt, Answer::Exception(error));
            self.retry_or_fail(msg);
        }
    }

    /// The sends waiting for an answer on the client's connection (to the broker for the
    /// remoting client, to the proxy for the gRPC one), with their attempt: what a closed
    /// connection fails at once.
    pub(super) fn outstanding_on_channel(&self) -> Vec<(MsgId, u32)> {
        self.producer
            .sends
            .iter()
            .enumerate()
            .filter(|(_, s)| s.on_channel)
            .filter_map(|(i, s)| s.outstanding.map(|a| (MsgId(i as u32), a)))
            .collect()
    }

    /// After a failed attempt: `sendDefaultImpl` tries again while the budget and
    /// the attempts last, else the send fails with the call timeout or `Send [N] times`.
    fn retry_or_fail(&mut self, msg: MsgId) {
        let s = &mut self.producer.sends[msg.0 as usize];
        s.outstanding = None;
        let (elapsed, used) = (self.now.since(s.first_start), s.attempts_in_send);
        if elapsed > self.sc.producer.send_msg_timeout {
            self.pick_before_budget_check(msg);
            self.send_failed(msg, SendError::CallTimeout);
        } else if used < self.max_attempts() {
            self.start_attempt(msg);
        } else {
            self.send_failed(msg, SendError::RetriesExhausted);
        }
    }

    pub(super) fn on_response_arrive(&mut self, msg: MsgId, attempt: u32, result: Result<SendStatus, SendError>) {
        if self.producer_link_down_until.is_some_and(|u| u > self.now) {
            self.emit(EventKind::RequestLost { msg, attempt, why: "the response was lost in the producer<->master partition" });
            return;
        }
        let s = &self.producer.sends[msg.0 as usize];
        if s.outstanding != Some(attempt) {
            if let Ok(status) = result {
                self.emit(EventKind::LateResponseDropped { msg, attempt, status });
            }
            return;
        }
        if self.grpc_producer() {
            self.grpc_response(msg, attempt, result);
            return;
        }
        let status = match result {
            Ok(status) => status,
            Err(SendError::SystemError) if self.sc.producer.send_mode == SendMode::Sync => {
                // `sendDefaultImpl`: an `MQBrokerException` whose code is in `retryResponseCodes`
                // (SYSTEM_ERROR is) tries again while attempts and the budget last; the last
                // failure is `Send [N] times, still failed`. (ASYNC's `onExceptionImpl` is called
                // with `needRetry = false` for a broker error: the callback fails at once.)
                self.emit(EventKind::AttemptFailed { msg, attempt, error: SendError::SystemError });
                self.set_answer(msg, attempt, Answer::Exception(SendError::SystemError));
                self.retry_or_fail(msg);
                return;
            }
            Err(error) => {
                self.send_failed(msg, error);
                return;
            }
        };
        let mode = self.sc.producer.send_mode;
        self.emit(EventKind::SendAnswered { msg, attempt, status, callback: mode == SendMode::Async });
        self.set_answer(msg, attempt, Answer::Status(status));
        let s = &mut self.producer.sends[msg.0 as usize];
        s.outstanding = None;
        s.returned = Some((attempt, status));
        let retry_another = mode == SendMode::Sync
            && status != SendStatus::SendOk
            && self.sc.producer.retry_another_broker_when_not_store_ok;
        let s = &self.producer.sends[msg.0 as usize];
        if retry_another
            && s.attempts_in_send < self.max_attempts()
            && self.now.since(s.first_start) <= self.sc.producer.send_msg_timeout
        {
            // One broker group: "another broker" is the same master again, so it stores a copy again.
            self.start_attempt(msg);
        } else {
            if retry_another {
                self.pick_before_budget_check(msg);
            }
            self.end_send(msg, Answer::Status(status), self.now);
        }
    }

    pub(crate) fn send_failed(&mut self, msg: MsgId, error: SendError) {
        if let Some((returned_by, status)) = self.producer.sends[msg.0 as usize].returned {
            // `sendDefaultImpl` returns a held `sendResult` before it checks the call timeout or
            // rethrows (client spec §1): the application hears the earlier status, not `error`.
            let attempt = self.producer.sends[msg.0 as usize].attempt;
            self.emit(EventKind::SendReturnedEarlierResult { msg, attempt: returned_by, status, error });
            self.set_answer(msg, attempt, Answer::Exception(error));
            self.ledger.get_mut(msg).answer = Some((self.now, Answer::Status(status)));
            self.producer.sends[msg.0 as usize].outstanding = None;
            self.end_send(msg, Answer::Status(status), self.now);
            return;
        }
        let callback = self.sc.producer.send_mode == SendMode::Async;
        self.emit(EventKind::SendFailed { msg, error, callback });
        let attempt = self.producer.sends[msg.0 as usize].attempt;
        self.set_answer(msg, attempt, Answer::Exception(error));
        self.end_send(msg, Answer::Exception(error), self.now);
        let s = &mut self.producer.sends[msg.0 as usize];
        s.outstanding = None;
        if self.sc.producer.on_exception == OnException::PersistAndResend
            && s.resends < self.sc.producer.resend_max_times
        {
            s.resends += 1;
            s.resend_pending = true;
            let resend_at = self.now + self.sc.producer.resend_delay;
            self.emit(EventKind::ResendScheduled { msg, resend_at });
            self.schedule_at(resend_at, Action::ProducerSend(msg));
        }
    }

    /// The master answered a put: the response travels back to the producer.
    pub(crate) fn answer_put(&mut self, msg: MsgId, attempt: u32, result: Result<SendStatus, SendError>) {
        let lat = self.sc.network.latency;
        if let Ok(status) = result {
            self.emit(EventKind::PutAnswered { msg, attempt, status, arrives_at: self.now + lat });
        }
        if self.grpc_producer() {
            self.proxy_on_broker_answer(msg, attempt, result);
            return;
        }
        if self.sc.producer.send_mode != SendMode::Oneway {
            self.schedule(lat, Action::ResponseArrive { msg, attempt, result });
        }
    }

    /// True while the producer still has business with `msg` (an answer or a resend to come).
    pub(crate) fn producer_pending(&self, msg: MsgId) -> bool {
        let s = &self.producer.sends[msg.0 as usize];
        s.outstanding.is_some() || s.resend_pending || s.backoff_pending
    }
}
