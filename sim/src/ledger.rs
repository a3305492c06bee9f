//! The ledger: every logical message's stages with their times, and its one verdict.
//!
//! The simulator writes it as events happen; [`crate::Sim::finish`] gives each message
//! exactly one [`Verdict`] and, for lost messages, a cause sentence built from the stages.

use crate::event::{LossReason, MsgId, QueueKind, SendError, SendStatus};
use crate::time::SimTime;
use smallvec::SmallVec;

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

/// A list that nearly always holds exactly one entry (a message's attempts, sends, deliveries,
/// consumptions): that one is kept inline, so the common message costs no heap allocation; a
/// second entry moves the list to the heap. It derefs to a slice, like a `Vec`.
pub type Few<T> = SmallVec<[T; 1]>;

/// When a stage was first reached, in 8 bytes where `Option<SimTime>` takes 16: `SimTime::MAX`
/// stands for "not reached". No stage can be reached then: a run's clock stops at its `until`
/// (at most `limits::MAX_UNTIL_MS`), and [`StageTime::set`] refuses the sentinel. Read it as an
/// `Option<SimTime>` through [`StageTime::get`] or the record's accessor of the same name.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct StageTime(u64);

impl StageTime {
    /// Not reached.
    pub const NONE: StageTime = StageTime(u64::MAX);

    pub fn get(self) -> Option<SimTime> {
        (self.0 != u64::MAX).then_some(SimTime(self.0))
    }

    pub fn is_none(self) -> bool {
        self.0 == u64::MAX
    }

    pub(crate) fn set(&mut self, t: SimTime) {
        assert!(t != SimTime::MAX, "a stage reached at SimTime::MAX cannot be recorded");
        self.0 = t.0;
    }

    /// Records the first time only: later calls keep the stage's first time.
    pub(crate) fn get_or_insert(&mut self, t: SimTime) {
        if self.is_none() {
            self.set(t);
        }
    }
}

impl Default for StageTime {
    fn default() -> Self {
        StageTime::NONE
    }
}

impl std::fmt::Debug for StageTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// The stages only a few messages reach (a retry, a lost copy, the DLQ, a compensation, a cause):
/// boxed beside the record, so the common message pays one pointer for them, not ~100 bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct RareStages {
    retries: Vec<(u32, SimTime)>,
    dead_lettered_at: Option<SimTime>,
    compensated_at: Option<SimTime>,
    lost: Vec<(SimTime, LossReason)>,
    cause: Option<Cause>,
}

/// Everything that happened to one logical message.
///
/// Its size is the ledger's memory per message, so the rare stages sit in a box behind
/// accessors ([`MessageRecord::retries`] and the like) and the stage times are 8-byte
/// [`StageTime`]s, read as `Option<SimTime>` through accessors of the same name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageRecord {
    pub id: u32,
    pub attempts: Few<AttemptRecord>,
    /// First append to the master's page cache.
    pub(crate) appended_at: StageTime,
    pub(crate) master_flushed_at: StageTime,
    pub(crate) replicated_at: StageTime,
    pub(crate) slave_flushed_at: StageTime,
    /// Every finished send of this message, in order.
    pub sends: Few<SendRecord>,
    /// The last answer the producer saw, and when.
    pub answer: Option<(SimTime, Answer)>,
    pub deliveries: Few<DeliveryRecord>,
    pub consumed_at: Few<SimTime>,
    pub verdict: Option<Verdict>,
    /// `None` until the message reaches a rare stage; never `Some` of an empty one, so two
    /// records with the same stages compare equal.
    rare: Option<Box<RareStages>>,
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

    /// First append to the master's page cache.
    pub fn appended_at(&self) -> Option<SimTime> {
        self.appended_at.get()
    }

    pub fn master_flushed_at(&self) -> Option<SimTime> {
        self.master_flushed_at.get()
    }

    pub fn replicated_at(&self) -> Option<SimTime> {
        self.replicated_at.get()
    }

    pub fn slave_flushed_at(&self) -> Option<SimTime> {
        self.slave_flushed_at.get()
    }

    /// (delay level, due time) of each retry the broker scheduled.
    pub fn retries(&self) -> &[(u32, SimTime)] {
        self.rare.as_ref().map_or(&[], |r| &r.retries)
    }

    /// The retry waiting in `%RETRY%` at `t`: the first one not yet due. Retries are scheduled
    /// one after another (the next only when this one's delivery fails), so the later entries
    /// were not scheduled yet at `t`.
    pub fn retry_waiting_at(&self, t: SimTime) -> Option<(u32, SimTime)> {
        self.retries().iter().find(|(_, due)| *due > t).copied()
    }

    pub fn dead_lettered_at(&self) -> Option<SimTime> {
        self.rare.as_ref().and_then(|r| r.dead_lettered_at)
    }

    pub fn compensated_at(&self) -> Option<SimTime> {
        self.rare.as_ref().and_then(|r| r.compensated_at)
    }

    /// Each time a readable copy vanished, and why.
    pub fn lost(&self) -> &[(SimTime, LossReason)] {
        self.rare.as_ref().map_or(&[], |r| &r.lost)
    }

    /// For lost messages: the chain of events that lost it; for `UNRESOLVED` ones waiting for
    /// a consumer, why nothing reads them.
    pub fn cause(&self) -> Option<&Cause> {
        self.rare.as_ref().and_then(|r| r.cause.as_ref())
    }

    /// The rare stages, boxed on first use.
    fn rare_mut(&mut self) -> &mut RareStages {
        self.rare.get_or_insert_with(Box::default)
    }

    pub(crate) fn push_retry(&mut self, level: u32, due_at: SimTime) {
        self.rare_mut().retries.push((level, due_at));
    }

    pub(crate) fn set_dead_lettered_at(&mut self, t: SimTime) {
        self.rare_mut().dead_lettered_at = Some(t);
    }

    pub(crate) fn set_compensated_at(&mut self, t: SimTime) {
        self.rare_mut().compensated_at = Some(t);
    }

    /// Notes a vanished copy, once per distinct reason.
    pub(crate) fn note_loss(&mut self, at: SimTime, why: &LossReason) {
        if !self.lost().iter().any(|(_, w)| w == why) {
            self.rare_mut().lost.push((at, why.clone()));
        }
    }

    /// Sets the cause; a record left with no rare stage drops its box.
    pub(crate) fn set_cause(&mut self, cause: Option<Cause>) {
        match (cause, &mut self.rare) {
            (Some(c), _) => self.rare_mut().cause = Some(c),
            (None, Some(r)) => {
                r.cause = None;
                if **r == RareStages::default() {
                    self.rare = None;
                }
            }
            (None, None) => {}
        }
    }
}

/// The record as it has always serialised: every stage a field of its own, in this order.
#[derive(serde::Serialize)]
#[serde(rename = "MessageRecord")]
struct RecordView<'a> {
    id: u32,
    attempts: &'a [AttemptRecord],
    appended_at: Option<SimTime>,
    master_flushed_at: Option<SimTime>,
    replicated_at: Option<SimTime>,
    slave_flushed_at: Option<SimTime>,
    sends: &'a [SendRecord],
    answer: Option<(SimTime, Answer)>,
    deliveries: &'a [DeliveryRecord],
    consumed_at: &'a [SimTime],
    retries: &'a [(u32, SimTime)],
    dead_lettered_at: Option<SimTime>,
    compensated_at: Option<SimTime>,
    lost: &'a [(SimTime, LossReason)],
    verdict: Option<Verdict>,
    cause: Option<&'a Cause>,
}

impl serde::Serialize for MessageRecord {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RecordView {
            id: self.id,
            attempts: &self.attempts,
            appended_at: self.appended_at(),
            master_flushed_at: self.master_flushed_at(),
            replicated_at: self.replicated_at(),
            slave_flushed_at: self.slave_flushed_at(),
            sends: &self.sends,
            answer: self.answer,
            deliveries: &self.deliveries,
            consumed_at: &self.consumed_at,
            retries: self.retries(),
            dead_lettered_at: self.dead_lettered_at(),
            compensated_at: self.compensated_at(),
            lost: self.lost(),
            verdict: self.verdict,
            cause: self.cause(),
        }
        .serialize(s)
    }
}
/// One link of a lost message's cause chain.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum CauseStep {
    /// The producer was told the message was stored.
    Answered { status: SendStatus, at: SimTime, flush: &'static str, role: &'static str },
    /// After the `Answered` status, a retry (`retryAnotherBrokerWhenNotStoreOK`) failed with
    /// `error`; `send()` returned the earlier status all the same (client spec §1).
    RetryFailedAfterStatus { error: SendError },
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
    /// `pop`: the gRPC consumer, whose position is the broker's pop offset (spec 5 §5).
    SkippedByConsumer { queue: QueueKind, offset: u64, consumer_offset: u64, pop: bool },
    /// gRPC consumer, the master gone for good (spec 5 §5): the master popped it at `popped_at`
    /// and its checkpoint stayed there unacked; no slave revives a checkpoint, and the slave's
    /// pops of `queue` start at `consumer_offset` (the group's offset it copied), past `offset`.
    CheckpointOnLostMaster { queue: QueueKind, offset: u64, consumer_offset: u64, popped_at: SimTime },
    /// It sits in a queue of the topic the consumer group never reads: the producer writes to
    /// `writeQueueNums` queues, the rebalance allocates only the first `readQueueNums` (spec §5).
    QueueNotRead { queue: QueueKind, read_queue_nums: u32, write_queue_nums: u32 },
    /// Its retry waits in `SCHEDULE_TOPIC_XXXX` on the slave, whose schedule service does not
    /// run, and the master stays down.
    RetryStuckOnSlave,
    /// 5.x: the `SEND_OK` did not wait for the slave, because `inSyncReplicas` (the acks a
    /// `SYNC_MASTER` put waits for, the master's own included) is this value ≤ 1 (spec 5 §2).
    InSyncReplicasNoWait { version: crate::rocketmq_version::RocketMqVersion, in_sync_replicas: u32 },
    /// 5.x: only the slave holds it, and a 5.x slave refuses every pull while `slaveReadEnable`
    /// is false (spec 5 §2).
    SlaveReadDisabled,
    /// (`UNRESOLVED`) It waits in the broker, but no consumer is online to read it.
    WaitingForConsumer { crashed: bool },
    /// Controller mode with `allAckInSyncStateSet` (spec 5 §4): it lies beyond the confirm offset
    /// (`confirm`, a commit-log offset) that consumers may read up to, which stayed where it was:
    /// a SyncStateSet member stopped acknowledging and was never dropped from the set (the
    /// controller, which applies the change, was away), so nothing after it became readable.
    AboveConfirmOffset { confirm: u64 },
    /// The run ran out of work before any consumer reached it (a model gap; the sweep forbids it).
    NeverReached,
    /// (`UNRESOLVED`) The run stopped at one of its bounds (`until`, the event limit) with this
    /// message's work still pending: a reported outcome, never a hang.
    RunStopped { reason: crate::event::EndReason, at: SimTime, events: u64 },
    /// (`DUPLICATED`) The gRPC producer resent it at once after attempt `attempt` failed with
    /// `error`, though that attempt had been stored: `copies` copies in the topic (spec 5 §5).
    ResentAfterStored { attempt: u32, error: SendError, copies: u32 },
    /// (`DUPLICATED`) gRPC consumer: the proxy stopped auto-renewing it at `at` (`why`) while the
    /// client still held it, so it was revived and delivered again, and the first consumption's
    /// ack carried a stale receipt handle (spec 5 §5, `DefaultReceiptHandleManager`).
    ProxyStoppedRenewing { why: crate::event::RenewEnd, at: SimTime },
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
    /// once: its lists ([`Few`]) hold that one entry inline, so neither the run nor the finished
    /// ledger allocates per message for them.
    pub fn new(n: u32) -> Self {
        Ledger { messages: (0..n).map(|id| MessageRecord { id, ..Default::default() }).collect() }
    }

    pub fn get(&self, msg: MsgId) -> &MessageRecord {
        &self.messages[msg.0 as usize]
    }

    pub fn get_mut(&mut self, msg: MsgId) -> &mut MessageRecord {
        &mut self.messages[msg.0 as usize]
    }
}

// The record's size is the ledger's memory per message, which the benchmark holds to 256 B
// (`sim/benches/simulate.rs`): growing it fails the build, not only a benchmark run.
const _: () = assert!(std::mem::size_of::<MessageRecord>() <= 200);
// One attempt, send, delivery and consumption stay inline: 8 bytes over the element at most.
const _: () = assert!(std::mem::size_of::<Few<AttemptRecord>>() <= 40);
const _: () = assert!(std::mem::size_of::<Few<DeliveryRecord>>() <= 40);
const _: () = assert!(std::mem::size_of::<StageTime>() == 8);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{ConsumeResult, NodeId};

    fn typical() -> MessageRecord {
        let t = SimTime(5);
        let mut m = MessageRecord { id: 3, ..Default::default() };
        m.attempts.push(AttemptRecord { attempt: 1, sent_at: t, outcome: Some((t, Answer::Status(SendStatus::SendOk))) });
        m.appended_at.get_or_insert(t);
        m.sends.push(SendRecord { started_at: t, ended_at: t, answer: Answer::Status(SendStatus::SendOk) });
        m.answer = Some((t, Answer::Status(SendStatus::SendOk)));
        m.deliveries.push(DeliveryRecord { at: t, reconsume_times: 0, from_retry: false, result: Some((t, ConsumeResult::Success)) });
        m.consumed_at.push(t);
        m.verdict = Some(Verdict::Delivered);
        m.set_cause(None);
        m
    }

    #[test]
    fn a_typical_message_holds_no_heap() {
        let m = typical();
        assert!(!m.attempts.spilled() && !m.sends.spilled() && !m.deliveries.spilled() && !m.consumed_at.spilled());
        assert!(m.rare.is_none(), "no rare stage, no box");
        let mut twice = m.clone();
        twice.consumed_at.push(SimTime(9));
        assert!(twice.consumed_at.spilled(), "a second entry moves to the heap");
        assert_eq!(&twice.consumed_at[..], &[SimTime(5), SimTime(9)]);
    }

    #[test]
    fn a_stage_time_keeps_its_first_time() {
        let mut s = StageTime::default();
        assert_eq!((s.get(), format!("{s:?}")), (None, "None".to_string()));
        s.get_or_insert(SimTime(7));
        s.get_or_insert(SimTime(9));
        assert_eq!((s.get(), format!("{s:?}")), (Some(SimTime(7)), format!("{:?}", Some(SimTime(7)))));
        s.set(SimTime(0));
        assert_eq!(s.get(), Some(SimTime(0)), "time zero is a time, not the sentinel");
    }

    #[test]
    #[should_panic(expected = "SimTime::MAX")]
    fn the_sentinel_is_not_a_stage_time() {
        StageTime::default().set(SimTime::MAX);
    }

    #[test]
    fn rare_stages_box_on_first_use_and_read_back() {
        let mut m = typical();
        assert_eq!((m.retries(), m.lost(), m.dead_lettered_at(), m.compensated_at(), m.cause()), (&[][..], &[][..], None, None, None));
        let why = LossReason::DiskLost { node: NodeId::Master, at: SimTime(8) };
        m.push_retry(3, SimTime(10));
        m.note_loss(SimTime(8), &why);
        m.note_loss(SimTime(9), &why);
        m.set_dead_lettered_at(SimTime(11));
        m.set_compensated_at(SimTime(12));
        m.set_cause(Some(Cause(vec![CauseStep::NoAnswer])));
        assert_eq!(m.retries(), &[(3, SimTime(10))]);
        assert_eq!(m.lost(), &[(SimTime(8), why)], "one note per reason, at its first time");
        assert_eq!((m.dead_lettered_at(), m.compensated_at()), (Some(SimTime(11)), Some(SimTime(12))));
        assert_eq!(m.cause(), Some(&Cause(vec![CauseStep::NoAnswer])));
        let mut c = typical();
        c.set_cause(Some(Cause(vec![CauseStep::NoAnswer])));
        c.set_cause(None);
        assert_eq!(c, typical(), "a cleared cause leaves no empty box behind");
    }

    /// The countdown on a waiting retry names the next delivery, not the message's last retry
    /// (it once showed level 18, 4 h 45 min, while level 3 was waiting).
    #[test]
    fn the_retry_waiting_is_the_next_one_due() {
        let mut m = typical();
        for (level, due) in [(3, 10), (4, 40), (5, 100)] {
            m.push_retry(level, SimTime(due));
        }
        assert_eq!(m.retry_waiting_at(SimTime(5)), Some((3, SimTime(10))));
        assert_eq!(m.retry_waiting_at(SimTime(10)), Some((4, SimTime(40))), "a retry due now is no longer waiting");
        assert_eq!(m.retry_waiting_at(SimTime(60)), Some((5, SimTime(100))));
        assert_eq!(m.retry_waiting_at(SimTime(100)), None);
    }

    /// The record serialises as it did when every stage was a field of its own.
    #[test]
    fn serialises_field_by_field_in_the_old_order() {
        let mut m = typical();
        m.push_retry(3, SimTime(10));
        m.set_cause(Some(Cause(vec![CauseStep::NoAnswer])));
        let json = serde_json::to_string(&m).expect("serialises");
        assert_eq!(
            json,
            concat!(
                r#"{"id":3,"attempts":[{"attempt":1,"sent_at":5,"outcome":[5,{"Status":"SEND_OK"}]}],"#,
                r#""appended_at":5,"master_flushed_at":null,"replicated_at":null,"slave_flushed_at":null,"#,
                r#""sends":[{"started_at":5,"ended_at":5,"answer":{"Status":"SEND_OK"}}],"answer":[5,{"Status":"SEND_OK"}],"#,
                r#""deliveries":[{"at":5,"reconsume_times":0,"from_retry":false,"result":[5,"CONSUME_SUCCESS"]}],"#,
                r#""consumed_at":[5],"retries":[[3,10]],"dead_lettered_at":null,"compensated_at":null,"lost":[],"#,
                r#""verdict":"DELIVERED","cause":["NoAnswer"]}"#
            )
        );
    }
}
