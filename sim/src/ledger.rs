//! The ledger: every logical message's stages with their times, and its one verdict.
//!
//! The simulator writes it as events happen; [`crate::Sim::finish`] gives each message
//! exactly one [`Verdict`] and, for lost messages, a cause sentence built from the stages.

use crate::event::{LossReason, MsgId, QueueKind, SendError, SendStatus};
use crate::time::SimTime;

/// What the producer finally saw for a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Answer {
    Status(SendStatus),
    Exception(SendError),
    /// ONEWAY: nothing comes back.
    NoReply,
}

/// The one verdict each message gets at the end of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Verdict {
    /// Consumed exactly once.
    #[serde(rename = "DELIVERED")]
    Delivered,
    /// Consumed more than once.
    #[serde(rename = "DUPLICATED")]
    Duplicated,
    /// The producer was told it was stored (any `SendStatus`), yet no copy was consumed or
    /// dead-lettered: a broken promise.
    #[serde(rename = "LOST_AFTER_ACK")]
    LostAfterAck,
    /// The producer saw an exception or no answer, and the message never arrived.
    #[serde(rename = "LOST_UNACKED")]
    LostUnacked,
    /// It ended in `%DLQ%<group>`.
    #[serde(rename = "DEAD_LETTERED")]
    DeadLettered,
    /// Still in flight when the run ended: it hit `until` or a limit with work pending, or the
    /// message waits in the broker for a consumer that is not online.
    #[serde(rename = "UNRESOLVED")]
    Unresolved,
}

impl Verdict {
    pub const ALL: [Verdict; 6] = [
        Verdict::Delivered,
        Verdict::Duplicated,
        Verdict::LostAfterAck,
        Verdict::LostUnacked,
        Verdict::DeadLettered,
        Verdict::Unresolved,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Delivered => "DELIVERED",
            Verdict::Duplicated => "DUPLICATED",
            Verdict::LostAfterAck => "LOST_AFTER_ACK",
            Verdict::LostUnacked => "LOST_UNACKED",
            Verdict::DeadLettered => "DEAD_LETTERED",
            Verdict::Unresolved => "UNRESOLVED",
        }
    }
}

/// One send attempt as the producer saw it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AttemptRecord {
    pub attempt: u32,
    pub sent_at: SimTime,
    /// When and what came back for this attempt, if anything did.
    pub outcome: Option<(SimTime, Answer)>,
}

/// One send call as the application saw it: `send()` returning (SYNC), the callback running
/// (ASYNC), or the request written (ONEWAY). A message has one per send, more when resent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SendRecord {
    pub started_at: SimTime,
    pub ended_at: SimTime,
    pub answer: Answer,
}

impl SendRecord {
    /// The latency the producer saw, in µs.
    pub fn latency_us(&self) -> u64 {
        self.ended_at.since(self.started_at).as_us()
    }
}

/// One delivery to the consumer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryRecord {
    pub at: SimTime,
    pub reconsume_times: u32,
    pub from_retry: bool,
    /// When consumption ended and with what, once it has.
    pub result: Option<(SimTime, crate::event::ConsumeResult)>,
}

/// Everything that happened to one logical message.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct MessageRecord {
    pub id: u32,
    pub attempts: Vec<AttemptRecord>,
    /// First append to the master's page cache.
    pub appended_at: Option<SimTime>,
    pub master_flushed_at: Option<SimTime>,
    pub replicated_at: Option<SimTime>,
    pub slave_flushed_at: Option<SimTime>,
    /// Every finished send of this message, in order.
    pub sends: Vec<SendRecord>,
    /// The last answer the producer saw, and when.
    pub answer: Option<(SimTime, Answer)>,
    pub deliveries: Vec<DeliveryRecord>,
    pub consumed_at: Vec<SimTime>,
    /// (delay level, due time) of each retry the broker scheduled.
    pub retries: Vec<(u32, SimTime)>,
    pub dead_lettered_at: Option<SimTime>,
    pub compensated_at: Option<SimTime>,
    /// Each time a readable copy vanished, and why.
    pub lost: Vec<(SimTime, LossReason)>,
    pub verdict: Option<Verdict>,
    /// For lost messages: the chain of events that lost it; for `UNRESOLVED` ones waiting for
    /// a consumer, why nothing reads them.
    pub cause: Option<Cause>,
}

impl MessageRecord {
    pub fn send_status_name(&self) -> &'static str {
        match self.answer {
            Some((_, Answer::Status(s))) => s.name(),
            Some((_, Answer::Exception(_))) => "EXCEPTION",
            Some((_, Answer::NoReply)) | None => "NO_REPLY",
        }
    }

    pub fn was_acked(&self) -> bool {
        matches!(self.answer, Some((_, Answer::Status(_))))
    }

    /// `reconsumeTimes` of the last delivery.
    pub fn reconsume_times(&self) -> u32 {
        self.deliveries.last().map_or(0, |d| d.reconsume_times)
    }

}

/// One link of a lost message's cause chain.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum CauseStep {
    /// The producer was told the message was stored.
    Answered { status: SendStatus, at: SimTime, flush: &'static str, role: &'static str },
    /// The producer saw an exception.
    Exception { error: SendError, at: SimTime },
    /// A ONEWAY send: no answer.
    Oneway { at: SimTime },
    NoAnswer,
    Loss(LossReason),
    NeverReachedMaster,
    RetryLost,
    Stranded,
    NoCopyLeft,
    ConsumedAt(SimTime),
    /// §6.23: its consume-queue offset lies below where the consumer already is (the queue was
    /// truncated under an offset the group had committed, and new messages refilled the gap).
    SkippedByConsumer { queue: QueueKind, offset: u64, consumer_offset: u64 },
    /// Its retry waits in `SCHEDULE_TOPIC_XXXX` on the slave, whose schedule service does not
    /// run, and the master stays down.
    RetryStuckOnSlave,
    /// (`UNRESOLVED`) It waits in the broker, but no consumer is online to read it.
    WaitingForConsumer { crashed: bool },
    /// The run ran out of work before any consumer reached it (a model gap; the sweep forbids it).
    NeverReached,
    /// (`UNRESOLVED`) The run stopped at one of its bounds (`until`, the event limit) with this
    /// message's work still pending: a reported outcome, never a hang.
    RunStopped { reason: crate::event::EndReason, at: SimTime, events: u64 },
}

/// The chain of events that lost a message.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Cause(pub Vec<CauseStep>);

/// All messages, indexed by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    pub messages: Vec<MessageRecord>,
}

impl Ledger {
    /// A ledger for `n` messages. Nearly every message is sent, answered, delivered and consumed
    /// once: room for one of each is made up front, so the run does not grow four lists per
    /// message, and a finished run holds room for one of each, not four (a first `push` on an
    /// empty list reserves four).
    pub fn new(n: u32) -> Self {
        Ledger {
            messages: (0..n)
                .map(|id| MessageRecord {
                    id,
                    attempts: Vec::with_capacity(1),
                    sends: Vec::with_capacity(1),
                    deliveries: Vec::with_capacity(1),
                    consumed_at: Vec::with_capacity(1),
                    ..Default::default()
                })
                .collect(),
        }
    }

    pub fn get(&self, msg: MsgId) -> &MessageRecord {
        &self.messages[msg.0 as usize]
    }

    pub fn get_mut(&mut self, msg: MsgId) -> &mut MessageRecord {
        &mut self.messages[msg.0 as usize]
    }
}
