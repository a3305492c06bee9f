//! A Jepsen-style history of the run as the clients saw it: one JSON object per line.
//!
//! ```json
//! {"index":0,"process":3,"type":"invoke","f":"send","value":3,"time":30000000,"version":"4.9.8"}
//! {"index":1,"process":3,"type":"ok","f":"send","value":3,"time":32004000,"status":"SEND_OK","attempts":1,"version":"4.9.8"}
//! ```
//!
//! `time` is simulated nanoseconds (Jepsen's unit), `value` the message id, `version` the RocketMQ
//! release the run followed. The rules (also in
//! the README, where they are a public interface):
//!
//! - **send**: one operation per application call to `send` — the producer's internal retries
//!   (`retryTimesWhenSendFailed`, `retryAnotherBrokerWhenNotStoreOK`) are inside it (`attempts`
//!   counts them). `ok` when a `SendStatus` came back (any of the four: all mean "stored" to the
//!   client), also when a later retry failed and `send()` returned the earlier status; `fail` only when the producer knows nothing was stored (every attempt was refused:
//!   connection refused, no route, `MQBrokerException`); `info` when the outcome is unknown to
//!   the producer (a timeout, ONEWAY, or no answer when the run ended). A `PERSIST_AND_RESEND`
//!   resend is a new operation by a new process: message *i*'s *r*-th resend is process
//!   *i* + *r* × `messages` (as Jepsen replaces a crashed process).
//! - **receive**: one operation per delivery to the consumer group: `invoke` when a consume
//!   thread took the message (`queue`: `TopicTest#<queueId>` or `%RETRY%<group>`, `reconsumeTimes`), `ok` on `CONSUME_SUCCESS`, `fail` on
//!   `RECONSUME_LATER` / an exception (the message comes back as a retry), `info` when the
//!   consumer crashed with it in flight or the run ended. Consumer processes are numbered from
//!   `messages` × (1 + `resendMaxTimes`) upward; a free one is reused (lowest first), one whose
//!   receive ended `info` never again. A duplicate is simply a second `ok` receive.
//! - **final reads** at the run's end time: process `"dlq"` reads `%DLQ%<group>` and receives
//!   (`ok`) every message with a readable dead-lettered copy or one the DLQ consumer compensated
//!   (`compensated: true` then, even if its DLQ copy was lost afterwards); process `"pending"` records an `info` receive for every message
//!   still in flight when the run ended (queued, in a process queue, or a send unanswered).
//!
//! So a total-queue checker finds: acknowledged sends with no receive = lost after ack;
//! values received more than once by the consumer group = duplicated; `info`/`fail` sends with
//! no receive = lost unacknowledged; values only the `"dlq"` process received = dead-lettered.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::event::{ConsumeResult, EventKind, MsgId, QueueKind, SendError, Topic};
use crate::ledger::Verdict;
use crate::rocketmq_version::RocketMqVersion;
use crate::sim::Sim;
use crate::time::SimTime;

/// Who performed an operation: a client process number, or one of the final readers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Process {
    Client(u64),
    Named(&'static str),
}

/// One line of the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Op {
    pub index: u64,
    pub process: Process,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub f: &'static str,
    pub value: u32,
    /// Simulated nanoseconds.
    pub time: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reconsume_times: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compensated: Option<bool>,
    /// The RocketMQ release the run followed (the scenario's `version`), on every operation so
    /// that each line says whose behaviour it records.
    pub version: RocketMqVersion,
}

impl Op {
    fn new(process: Process, kind: &'static str, f: &'static str, value: MsgId, at: SimTime) -> Op {
        Op {
            index: 0,
            process,
            kind,
            f,
            value: value.0,
            time: at.as_us() * 1_000,
            status: None,
            error: None,
            attempts: None,
            queue: None,
            reconsume_times: None,
            result: None,
            compensated: None,
            version: RocketMqVersion::default(),
        }
    }
}

/// A send operation not yet completed.
struct OpenSend {
    process: u64,
    /// Attempts in this operation, and which of them the producer knows were refused.
    attempts: Vec<(u32, bool)>,
    /// A `SendStatus` came back; final unless the producer retries at once.
    answered: Option<(SimTime, u64, &'static str)>,
}

/// A receive operation not yet completed.
struct OpenReceive {
    process: u64,
    msg: MsgId,
    done_at: SimTime,
}

/// Builds the history, ordered by (time, event sequence).
struct Builder {
    ops: Vec<((SimTime, u64, u64), Op)>,
    messages: u64,
    sends: BTreeMap<MsgId, OpenSend>,
    send_count: BTreeMap<MsgId, u64>,
    receives: Vec<OpenReceive>,
    free: std::collections::BTreeSet<u64>,
    next_consumer: u64,
    group: String,
    version: RocketMqVersion,
}

impl Builder {
    fn push(&mut self, key: (SimTime, u64, u64), op: Op) {
        self.ops.push((key, op));
    }

    fn open_send(&mut self, msg: MsgId, at: SimTime, seq: u64) {
        let r = self.send_count.entry(msg).or_insert(0);
        let process = msg.0 as u64 + *r * self.messages;
        *r += 1;
        self.push((at, seq, 0), Op::new(Process::Client(process), "invoke", "send", msg, at));
        self.sends.insert(msg, OpenSend { process, attempts: Vec::new(), answered: None });
    }

    /// Completes an answered send whose answer turned out final.
    fn settle_answer(&mut self, msg: MsgId) {
        let Some(open) = self.sends.get(&msg) else { return };
        let Some((at, seq, status)) = open.answered else { return };
        let open = self.sends.remove(&msg).expect("open send");
        let mut op = Op::new(Process::Client(open.process), "ok", "send", msg, at);
        op.status = Some(status);
        op.attempts = Some(open.attempts.len() as u32);
        self.push((at, seq, 1), op);
    }

    fn take_consumer_process(&mut self) -> u64 {
        match self.free.pop_first() {
            Some(p) => p,
            None => {
                self.next_consumer += 1;
                self.next_consumer - 1
            }
        }
    }

    fn queue_name(&self, q: QueueKind) -> String {
        match q {
            QueueKind::Main(q) => format!("TopicTest#{q}"),
            QueueKind::Retry => format!("%RETRY%{}", self.group),
        }
    }
}

fn result_name(r: ConsumeResult) -> &'static str {
    match r {
        ConsumeResult::Success => "CONSUME_SUCCESS",
        ConsumeResult::ReconsumeLater => "RECONSUME_LATER",
        ConsumeResult::Exception => "EXCEPTION",
    }
}

/// The history built event by event, so a run can be exported while it streams its log
/// ([`crate::log::LogMode::Discard`]): memory grows with the operations, not the events.
pub struct HistoryBuilder(Builder);

impl HistoryBuilder {
    /// A history for a run of `sc`.
    pub fn new(sc: &crate::scenario::Scenario) -> HistoryBuilder {
        let messages = sc.producer.messages as u64;
        let consumer_base = messages * (1 + sc.producer.resend_max_times as u64);
        HistoryBuilder(Builder {
            ops: Vec::new(),
            messages,
            sends: BTreeMap::new(),
            send_count: BTreeMap::new(),
            receives: Vec::new(),
            free: Default::default(),
            next_consumer: consumer_base,
            group: sc.consumer.group.clone(),
            version: sc.version,
        })
    }

    /// Takes the next event of the log, in order.
    pub fn feed(&mut self, e: &crate::event::Event) {
        self.0.feed(e);
    }

    /// The operations, in order, `index` set, once `sim` (the run fed) has ended.
    pub fn finish(self, sim: &Sim) -> Vec<Op> {
        self.0.finish(sim)
    }
}

impl Builder {
    fn feed(&mut self, e: &crate::event::Event) {
        let (at, seq) = (e.at, e.seq);
        // An earlier `SendStatus` is final unless this event is the producer's immediate retry.
        if let Some(msg) = e.kind.msg() {
            if !matches!(e.kind, EventKind::SendAttempted { .. }) {
                self.settle_answer(msg);
            }
        }
        match &e.kind {
            EventKind::SendAttempted { msg, attempt, .. } => {
                // `retryAnotherBrokerWhenNotStoreOK`: the same call tries again at once.
                let retry = self.sends.get(msg).is_some_and(|o| o.answered.is_none_or(|(t, _, _)| t == at));
                if retry {
                    self.sends.get_mut(msg).expect("open").answered = None;
                } else {
                    self.settle_answer(*msg);
                    self.open_send(*msg, at, seq);
                }
                self.sends.get_mut(msg).expect("open").attempts.push((*attempt, false));
            }
            EventKind::AttemptFailed { msg, attempt, error } => {
                if let Some(open) = self.sends.get_mut(msg) {
                    if let Some(a) = open.attempts.iter_mut().find(|a| a.0 == *attempt) {
                        // Refused, nothing stored: no connection, or a 5.x master's
                        // IN_SYNC_REPLICAS_NOT_ENOUGH before appending (SYSTEM_ERROR, retried).
                        a.1 = matches!(error, SendError::ConnectRefused | SendError::SystemError);
                    }
                }
            }
            EventKind::SendAnswered { msg, status, .. } => {
                if let Some(open) = self.sends.get_mut(msg) {
                    open.answered = Some((at, seq, status.name()));
                }
            }
            EventKind::SendReturnedEarlierResult { msg, status, .. } => {
                // A later attempt failed, yet `send()` returned this status: an `ok`.
                if let Some(open) = self.sends.get_mut(msg) {
                    open.answered = Some((at, seq, status.name()));
                }
                self.settle_answer(*msg);
            }
            EventKind::SendFailed { msg, error, .. } => {
                if !self.sends.contains_key(msg) {
                    // No route: the call failed before any attempt.
                    self.open_send(*msg, at, seq);
                }
                let mut open = self.sends.remove(msg).expect("open send");
                if matches!(error, SendError::BrokerBusy | SendError::SystemError) {
                    if let Some(last) = open.attempts.last_mut() {
                        last.1 = true;
                    }
                }
                let definite = open.attempts.iter().all(|a| a.1);
                let mut op = Op::new(Process::Client(open.process), if definite { "fail" } else { "info" }, "send", *msg, at);
                op.error = Some(error.name());
                op.attempts = Some(open.attempts.len() as u32);
                self.push((at, seq, 1), op);
            }
            EventKind::OnewaySent { msg } => {
                if let Some(open) = self.sends.remove(msg) {
                    let mut op = Op::new(Process::Client(open.process), "info", "send", *msg, at);
                    op.attempts = Some(open.attempts.len() as u32);
                    self.push((at, seq, 1), op);
                }
            }
            EventKind::Delivered { msg, queue, reconsume_times, done_at, .. } => {
                let process = self.take_consumer_process();
                let mut op = Op::new(Process::Client(process), "invoke", "receive", *msg, at);
                op.queue = Some(self.queue_name(*queue));
                op.reconsume_times = Some(*reconsume_times);
                self.push((at, seq, 0), op);
                self.receives.push(OpenReceive { process, msg: *msg, done_at: *done_at });
            }
            EventKind::Consumed { msg, result, reconsume_times } => {
                if let Some(i) = self.receives.iter().position(|r| r.msg == *msg && r.done_at == at) {
                    let r = self.receives.remove(i);
                    let kind = if *result == ConsumeResult::Success { "ok" } else { "fail" };
                    let mut op = Op::new(Process::Client(r.process), kind, "receive", *msg, at);
                    op.reconsume_times = Some(*reconsume_times);
                    op.result = Some(result_name(*result));
                    self.push((at, seq, 1), op);
                    self.free.insert(r.process);
                }
            }
            EventKind::ConsumerCrashed { .. } => {
                for r in std::mem::take(&mut self.receives) {
                    self.push((at, seq, 1), Op::new(Process::Client(r.process), "info", "receive", r.msg, at));
                }
            }
            _ => {}
        }
    }

    fn finish(mut self, sim: &Sim) -> Vec<Op> {
        let b = &mut self;
        let end = sim.now();
        let last = u64::MAX;
        let open: Vec<MsgId> = b.sends.keys().copied().collect();
        for msg in open {
            b.settle_answer(msg);
            if let Some(open) = b.sends.remove(&msg) {
                let mut op = Op::new(Process::Client(open.process), "info", "send", msg, end);
                op.attempts = Some(open.attempts.len() as u32);
                b.push((end, last - 2, 1), op);
            }
        }
        for r in std::mem::take(&mut b.receives) {
            b.push((end, last - 2, 1), Op::new(Process::Client(r.process), "info", "receive", r.msg, end));
        }
        // Final reads: the dead letter queue as the readable broker holds it, then what is pending.
        let dlq = format!("%DLQ%{}", b.group);
        let mut dead: Vec<MsgId> = match sim.readable_node() {
            Some(n) => sim.node(n).store.records.iter().filter(|r| r.topic == Topic::Dlq).map(|r| r.msg).collect(),
            None => Vec::new(),
        };
        // The DLQ consumer received a compensated message even if its DLQ copy was lost later.
        dead.extend(sim.ledger().messages.iter().filter(|m| m.compensated_at().is_some()).map(|m| MsgId(m.id)));
        crate::sort::sort(&mut dead);
        dead.dedup();
        for (i, msg) in dead.into_iter().enumerate() {
            let i = 2 * i as u64;
            let mut inv = Op::new(Process::Named("dlq"), "invoke", "receive", msg, end);
            inv.queue = Some(dlq.clone());
            b.push((end, last - 1, i), inv);
            let mut ok = Op::new(Process::Named("dlq"), "ok", "receive", msg, end);
            ok.queue = Some(dlq.clone());
            ok.compensated = Some(sim.ledger().get(msg).compensated_at().is_some());
            b.push((end, last - 1, i + 1), ok);
        }
        for m in &sim.ledger().messages {
            if m.verdict == Some(Verdict::Unresolved) {
                let (msg, i) = (MsgId(m.id), 2 * m.id as u64);
                b.push((end, last, i), Op::new(Process::Named("pending"), "invoke", "receive", msg, end));
                b.push((end, last, i + 1), Op::new(Process::Named("pending"), "info", "receive", msg, end));
            }
        }
        let mut ops = std::mem::take(&mut self.ops);
        crate::sort::sort_by_key(&mut ops, |(k, _)| *k);
        let version = self.version;
        ops.into_iter()
            .enumerate()
            .map(|(i, (_, mut op))| {
                op.index = i as u64;
                op.version = version;
                op
            })
            .collect()
    }
}

/// The history's operations, in order, `index` set.
pub fn ops(sim: &Sim) -> Vec<Op> {
    let mut b = HistoryBuilder::new(sim.scenario());
    for e in sim.events() {
        b.feed(e);
    }
    b.finish(sim)
}

pub fn export(sim: &Sim) -> String {
    let mut out = String::new();
    for op in ops(sim) {
        out.push_str(&serde_json::to_string(&op).expect("an op always serialises"));
        out.push('\n');
    }
    out
}
