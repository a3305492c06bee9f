//! Words for people, in English and Simplified Chinese: verdicts, send statuses and the cause
//! chains of lost messages. RocketMQ's identifiers (`SEND_OK`, `SYNC_FLUSH`, `%DLQ%`) stay as
//! they are in both languages. The event log itself is always English: its lines are hashed.

//!
//! The data these sentences are made of lives with its owners ([`LossReason`] in the event log,
//! [`Cause`] in the ledger); this module only depends on them, so there is no import circle.

use crate::event::{bytes, EndReason, NodeId, RenewEnd, SendStatus};
use crate::ledger::{MessageRecord, Verdict};
use crate::time::SimTime;

pub use crate::event::LossReason;
pub use crate::ledger::{Cause, CauseStep};

/// A language the lab speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// `en`, `zh`, `zh-CN`, `zh-Hans`, `en-US` … → a language; anything else → None.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

fn node_name(node: NodeId, lang: Lang) -> &'static str {
    match (node, lang) {
        (NodeId::Master, Lang::En) => "master",
        (NodeId::Slave, Lang::En) => "slave",
        (NodeId::Master, Lang::Zh) => zh_str(Zh::NodeMaster),
        (NodeId::Slave, Lang::Zh) => zh_str(Zh::NodeSlave),
        (NodeId::Slave2, Lang::En) => "second slave",
        (NodeId::Slave2, Lang::Zh) => zh_str(Zh::NodeSlave2),
    }
}

impl LossReason {
    pub fn render(&self, lang: Lang) -> String {
        let lang = spoken(lang);
        match (self, lang) {
            (LossReason::PageCacheLost { node, at, behind }, Lang::En) => format!(
                "only in the {}'s page cache when it lost power at {at} (flushed offset {} behind)",
                node_name(*node, lang),
                bytes(*behind)
            ),
            (LossReason::PageCacheLost { node, at, behind }, Lang::Zh) => {
                fill_zh(Zh::LossPageCache, &[&node_name(*node, lang), &at, &bytes(*behind)])
            }
            (LossReason::DiskLost { node, at }, Lang::En) => {
                format!("the {} lost its disk at {at}", node_name(*node, lang))
            }
            (LossReason::DiskLost { node, at }, Lang::Zh) => fill_zh(Zh::LossDisk, &[&node_name(*node, lang), &at]),
            (LossReason::WriteBufferLost { node, at, uncommitted }, Lang::En) => format!(
                "only in the {}'s off-heap write buffer (transientStorePoolEnable, {} not yet committed to the page cache) when its process crashed at {at}",
                node_name(*node, lang),
                bytes(*uncommitted)
            ),
            (LossReason::WriteBufferLost { node, at, uncommitted }, Lang::Zh) => {
                fill_zh(Zh::LossWriteBuffer, &[&node_name(*node, lang), &at, &bytes(*uncommitted)])
            }
            (LossReason::SlaveOnly { gap }, Lang::En) => format!(
                "only on the slave: the master restarted {} behind its slave and master-slave replication (without controller mode) does not reconcile",
                bytes(*gap)
            ),
            (LossReason::SlaveOnly { gap }, Lang::Zh) => fill_zh(Zh::LossSlaveOnly, &[&bytes(*gap)]),
            (LossReason::TruncatedOnRejoin { node, at, epoch }, Lang::En) => format!(
                "only the old master held it, unreplicated: a slave was elected master (epoch {epoch}) and when the old master rejoined at {at} as the {} it truncated its log to the last point they shared",
                node_name(*node, lang)
            ),
            (LossReason::MasterRestartedInPlace { node, at, epoch, truncated: true }, Lang::En) => format!(
                "the master lost it and came back before the controller declared it dead, still master of epoch {epoch} with that epoch's start rewritten to its shorter log; at {at} the {} that held it truncated its log to the last point they shared",
                node_name(*node, lang)
            ),
            (LossReason::MasterRestartedInPlace { node, at, epoch, truncated: false }, Lang::En) => format!(
                "the master lost it and came back before the controller declared it dead, still master of epoch {epoch} with that epoch's start rewritten to its shorter log; at {at} the {} that held it found no consistent point with it, replicates nothing more and is never read",
                node_name(*node, lang)
            ),
            (LossReason::MasterRestartedInPlace { node, at, epoch, truncated: true }, Lang::Zh) => {
                fill_zh(Zh::LossRestartedTruncated, &[&epoch, &at, &node_name(*node, lang)])
            }
            (LossReason::MasterRestartedInPlace { node, at, epoch, truncated: false }, Lang::Zh) => {
                fill_zh(Zh::LossRestartedDetached, &[&epoch, &at, &node_name(*node, lang)])
            }
            (LossReason::TruncatedOnRejoin { node, at, epoch }, Lang::Zh) => {
                fill_zh(Zh::LossTruncatedOnRejoin, &[&epoch, &at, &node_name(*node, lang)])
            }
        }
    }
}

impl std::fmt::Display for LossReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl CauseStep {
    pub fn render(&self, lang: Lang) -> String {
        use CauseStep::*;
        let lang = spoken(lang);
        match (self, lang) {
            (Answered { status, at, flush, role }, Lang::En) => format!("{} at {at} under {flush} + {role}", status.name()),
            (Answered { status, at, flush, role }, Lang::Zh) => fill_zh(Zh::StepAnswered, &[&at, &status.name(), &flush, &role]),
            (RetryFailedAfterStatus { error }, Lang::En) => format!(
                "its retry then failed ({}), and send() returned that earlier status: the application was told it was stored",
                error.name()
            ),
            (RetryFailedAfterStatus { error }, Lang::Zh) => fill_zh(Zh::StepRetryFailedAfterStatus, &[&error.name()]),
            (Exception { error, at }, Lang::En) => format!("the producer saw {} at {at}", error.describe()),
            (Exception { error, at }, Lang::Zh) => fill_zh(Zh::StepException, &[&at, &error.describe()]),
            (Oneway { at }, Lang::En) => format!("sent ONEWAY at {at}: no answer, so the producer never knew"),
            (Oneway { at }, Lang::Zh) => fill_zh(Zh::StepOneway, &[&at]),
            (NoAnswer, Lang::En) => "the producer never got an answer".into(),
            (NoAnswer, Lang::Zh) => fill_zh(Zh::StepNoAnswer, &[]),
            (Loss(r), l) => r.render(l),
            (NeverReachedMaster, Lang::En) => "it never reached a live master".into(),
            (NeverReachedMaster, Lang::Zh) => fill_zh(Zh::StepNeverReachedMaster, &[]),
            (RetryLost, Lang::En) => "its retry was lost before it could be consumed again".into(),
            (RetryLost, Lang::Zh) => fill_zh(Zh::StepRetryLost, &[]),
            (Stranded, Lang::En) => "its copies sit on brokers that stay down for the rest of the run".into(),
            (Stranded, Lang::Zh) => fill_zh(Zh::StepStranded, &[]),
            (NoCopyLeft, Lang::En) => "no readable copy was left".into(),
            (NoCopyLeft, Lang::Zh) => fill_zh(Zh::StepNoCopyLeft, &[]),
            (SkippedByConsumer { queue, offset, consumer_offset, pop: true }, Lang::En) => format!(
                "it sits at {} queue offset {offset}, below the group's pop offset {consumer_offset} on the broker (committed before the queue was truncated); new messages refilled the gap, no checkpoint holds it, and every pop starts at that offset, past it",
                queue
            ),
            (SkippedByConsumer { queue, offset, consumer_offset, pop: true }, Lang::Zh) => {
                fill_zh(Zh::StepSkippedByPop, &[&queue, &offset, &consumer_offset])
            }
            (CheckpointOnLostMaster { queue, offset, consumer_offset, popped_at }, Lang::En) => format!(
                "the master popped it at {popped_at} and its checkpoint stayed on that master, which never came back: a slave revives no checkpoint (PopReviveService runs on the master only), and the slave's pops of {queue} start at offset {consumer_offset}, the group's offset it copied from the master, past its offset {offset}"
            ),
            (CheckpointOnLostMaster { queue, offset, consumer_offset, popped_at }, Lang::Zh) => {
                fill_zh(Zh::StepCheckpointOnLostMaster, &[&popped_at, &queue, &consumer_offset, &offset])
            }
            (SkippedByConsumer { queue, offset, consumer_offset, .. }, Lang::En) => format!(
                "it sits at {} queue offset {offset}, below offset {consumer_offset} where the consumer group reads from (committed before the queue was truncated); new messages refilled the gap and no pull returns it",
                queue
            ),
            (SkippedByConsumer { queue, offset, consumer_offset, .. }, Lang::Zh) => {
                fill_zh(Zh::StepSkippedByConsumer, &[&queue, &offset, &consumer_offset])
            }
            (QueueNotRead { queue, read_queue_nums, write_queue_nums }, Lang::En) => format!(
                "it sits in {queue}, a queue no consumer reads: the topic has writeQueueNums = {write_queue_nums} but readQueueNums = {read_queue_nums}, so the producer writes to queues the rebalance never hands out"
            ),
            (QueueNotRead { queue, read_queue_nums, write_queue_nums }, Lang::Zh) => {
                fill_zh(Zh::StepQueueNotRead, &[&queue, &write_queue_nums, &read_queue_nums])
            }
            (InSyncReplicasNoWait { version, in_sync_replicas }, Lang::En) => format!(
                "RocketMQ {version}'s SYNC_MASTER did not wait for the slave: inSyncReplicas = {in_sync_replicas} (it counts the master itself), so replication was asynchronous; totalReplicas = 2 and inSyncReplicas = 2 make it wait as 4.x did"
            ),
            (InSyncReplicasNoWait { version, in_sync_replicas }, Lang::Zh) => {
                fill_zh(Zh::StepInSyncReplicasNoWait, &[&version, &in_sync_replicas])
            }
            (SlaveReadDisabled, Lang::En) => {
                "only the slave holds it, and a 5.x slave refuses every pull while slaveReadEnable = false: unreachable until the master returns".into()
            }
            (SlaveReadDisabled, Lang::Zh) => fill_zh(Zh::StepSlaveReadDisabled, &[]),
            (RetryStuckOnSlave, Lang::En) => {
                "its retry waits in SCHEDULE_TOPIC_XXXX on the slave, whose schedule service does not run, and the master stays down".into()
            }
            (RetryStuckOnSlave, Lang::Zh) => fill_zh(Zh::StepRetryStuckOnSlave, &[]),
            (WaitingForConsumer { crashed: false }, Lang::En) => {
                "it waits in the broker: no consumer group is running (consumer.enabled = false)".into()
            }
            (WaitingForConsumer { crashed: false }, Lang::Zh) => fill_zh(Zh::StepWaitingNoConsumer, &[]),
            (WaitingForConsumer { crashed: true }, Lang::En) => {
                "it waits in the broker: the consumer crashed and did not come back".into()
            }
            (WaitingForConsumer { crashed: true }, Lang::Zh) => fill_zh(Zh::StepWaitingConsumerCrashed, &[]),
            (AboveConfirmOffset { confirm }, Lang::En) => format!(
                "it lies beyond the confirm offset (offset={confirm}) that consumers may read up to under allAckInSyncStateSet: a SyncStateSet member stopped acknowledging and was never dropped from the set (the controller was away), so the offset never moved past it"
            ),
            (AboveConfirmOffset { confirm }, Lang::Zh) => fill_zh(Zh::StepAboveConfirmOffset, &[&confirm]),
            (NeverReached, Lang::En) => "no consumer reached it before the run ran out of work".into(),
            (NeverReached, Lang::Zh) => fill_zh(Zh::StepNeverReached, &[]),
            (RunStopped { reason: EndReason::EventLimit, at, events }, Lang::En) => {
                format!("the run stopped at {at}: it reached the event limit ({events} events) with this message's work still pending")
            }
            (RunStopped { reason: EndReason::EventLimit, at, events }, Lang::Zh) => {
                fill_zh(Zh::StepRunStoppedAtEventLimit, &[&at, &events])
            }
            (RunStopped { at, .. }, Lang::En) => format!("the run stopped at {at} (its `until`) with this message's work still pending"),
            (RunStopped { at, .. }, Lang::Zh) => fill_zh(Zh::StepRunStoppedAtUntil, &[&at]),
            (ResentAfterStored { attempt, error, copies }, Lang::En) => format!(
                "the gRPC producer's attempt {attempt} failed with {} after the broker had stored it, and the client resent it at once (same message id, up to maxAttempts): {copies} copies stored, each consumed",
                error.grpc_code().unwrap_or(error.name())
            ),
            (ResentAfterStored { attempt, error, copies }, Lang::Zh) => {
                fill_zh(Zh::StepResentAfterStored, &[&attempt, &error.grpc_code().unwrap_or(error.name()), &copies])
            }
            (ProxyStoppedRenewing { why: RenewEnd::MaxTime, at }, Lang::En) => format!(
                "the proxy stopped renewing it at {at}, renewMaxTimeMillis (3 h) after its pop, while the gRPC consumer was still consuming it (STOP_RENEW: visible again after the group retry policy's delay): it was revived and delivered again, and the first consumption's ack carried a stale receipt handle"
            ),
            (ProxyStoppedRenewing { why: RenewEnd::MaxTime, at }, Lang::Zh) => fill_zh(Zh::StepRenewMaxTime, &[&at]),
            (ProxyStoppedRenewing { why: RenewEnd::RetriesExhausted, at }, Lang::En) => format!(
                "the proxy dropped its receipt handle at {at} after maxRenewRetryTimes (3) failed renewals (the broker was down); the gRPC consumer's ack then carried the handle from the pop, which a renewal had replaced: refused, and the message was revived and delivered again"
            ),
            (ProxyStoppedRenewing { why: RenewEnd::RetriesExhausted, at }, Lang::Zh) => fill_zh(Zh::StepRenewRetriesExhausted, &[&at]),
            (ProxyStoppedRenewing { why: RenewEnd::ClientGone, at }, Lang::En) => format!(
                "the proxy cleared its receipt handle at {at}: the gRPC consumer's channel had expired (no heartbeat for channelExpiredTimeout, 120 s), and the message became visible again (CLEAR_GROUP)"
            ),
            (ProxyStoppedRenewing { why: RenewEnd::ClientGone, at }, Lang::Zh) => fill_zh(Zh::StepRenewClientGone, &[&at]),
            (ConsumedAt(t), Lang::En) => format!("consumed at {t}"),
            (ConsumedAt(t), Lang::Zh) => fill_zh(Zh::StepConsumedAt, &[&t]),
        }
    }
}

impl Cause {
    pub fn render(&self, lang: Lang) -> String {
        let lang = spoken(lang);
        let sep = if lang == Lang::Zh { "；" } else { "; " };
        self.0.iter().map(|s| s.render(lang)).collect::<Vec<_>>().join(sep)
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl MessageRecord {
    /// A one-sentence explanation of the verdict, for the inspector and the summary.
    pub fn explain(&self, lang: Lang) -> String {
        let v = self.verdict.unwrap_or(Verdict::Unresolved);
        let lang = spoken(lang);
        let at = |t: Option<&SimTime>| t.map(|t| t.to_string()).unwrap_or_default();
        match (v, lang) {
            (Verdict::Delivered, Lang::En) => format!("consumed once, at {}", at(self.consumed_at.first())),
            (Verdict::Delivered, Lang::Zh) => fill_zh(Zh::ExplainDelivered, &[&at(self.consumed_at.first())]),
            (Verdict::Duplicated, Lang::En) => match self.cause() {
                Some(c) => format!("consumed {} times: {}", self.consumed_at.len(), c.render(lang)),
                None => format!("consumed {} times: at-least-once delivery redelivered it", self.consumed_at.len()),
            },
            (Verdict::Duplicated, Lang::Zh) => match self.cause() {
                Some(c) => fill_zh(Zh::ExplainDuplicatedBecause, &[&self.consumed_at.len(), &c.render(lang)]),
                None => fill_zh(Zh::ExplainDuplicated, &[&self.consumed_at.len()]),
            },
            (Verdict::DeadLettered, Lang::En) => format!(
                "failed {} times and was written to %DLQ% at {}",
                self.deliveries.len(),
                at(self.dead_lettered_at().as_ref())
            ),
            (Verdict::DeadLettered, Lang::Zh) => {
                fill_zh(Zh::ExplainDeadLettered, &[&self.deliveries.len(), &at(self.dead_lettered_at().as_ref())])
            }
            (Verdict::Unresolved, _) => match self.cause() {
                Some(c) => format!("{}: {}", verdict_meaning(v, lang), c.render(lang)),
                None => verdict_meaning(v, lang).to_string(),
            },
            (Verdict::LostAfterAck | Verdict::LostUnacked, _) => match self.cause() {
                Some(c) => c.render(lang),
                None => verdict_meaning(v, lang).to_string(),
            },
        }
    }
}

/// [`verdict_meaning`] with the run's consumer group filled in (`%DLQ%demo_group`, not
/// `%DLQ%<group>`), for a page that shows one run.
pub fn verdict_meaning_in(v: Verdict, group: &str, lang: Lang) -> String {
    verdict_meaning(v, lang).replace("<group>", group)
}

/// What a verdict means, in one sentence.
pub fn verdict_meaning(v: Verdict, lang: Lang) -> &'static str {
    match (v, spoken(lang)) {
        (Verdict::Delivered, Lang::En) => "consumed exactly once",
        (Verdict::Delivered, Lang::Zh) => zh_str(Zh::VerdictDelivered),
        (Verdict::Duplicated, Lang::En) => "consumed more than once",
        (Verdict::Duplicated, Lang::Zh) => zh_str(Zh::VerdictDuplicated),
        (Verdict::LostAfterAck, Lang::En) => {
            "the producer was told it was stored, yet no copy was ever consumed or dead-lettered: a broken promise"
        }
        (Verdict::LostAfterAck, Lang::Zh) => zh_str(Zh::VerdictLostAfterAck),
        (Verdict::LostUnacked, Lang::En) => "the producer saw an exception or no answer, and the message never arrived",
        (Verdict::LostUnacked, Lang::Zh) => zh_str(Zh::VerdictLostUnacked),
        (Verdict::DeadLettered, Lang::En) => "it ended in the dead letter queue %DLQ%<group>",
        (Verdict::DeadLettered, Lang::Zh) => zh_str(Zh::VerdictDeadLettered),
        (Verdict::Unresolved, Lang::En) => "still in flight when the run ended",
        (Verdict::Unresolved, Lang::Zh) => zh_str(Zh::VerdictUnresolved),
    }
}

/// Where a `SEND_OK` message was when the producer got the answer, from its own stages: the
/// inspector's first line. It states what this answer covered, never general advice (what would
/// have kept a lost message is the what-if's to say, computed for that message).
pub fn send_ok_meaning(on_disk: bool, on_slave: bool, lang: Lang) -> &'static str {
    match (on_disk, on_slave, spoken(lang)) {
        (true, true, Lang::En) => "SEND_OK: when answered, the message was on the master's disk and on the slave",
        (true, true, Lang::Zh) => zh_str(Zh::SendOkDiskSlave),
        (true, false, Lang::En) => "SEND_OK: when answered, the message was on the master's disk, on no slave",
        (true, false, Lang::Zh) => zh_str(Zh::SendOkDisk),
        (false, true, Lang::En) => {
            "SEND_OK: when answered, the message was in the master's page cache (not yet on its disk) and on the slave"
        }
        (false, true, Lang::Zh) => zh_str(Zh::SendOkCacheSlave),
        (false, false, Lang::En) => {
            "SEND_OK: when answered, the message was only in the master's page cache: not yet on disk, on no slave"
        }
        (false, false, Lang::Zh) => zh_str(Zh::SendOkCache),
    }
}

/// What a `SendStatus` means (the seed note's wording, §1).
pub fn status_meaning(s: SendStatus, lang: Lang) -> &'static str {
    match (s, spoken(lang)) {
        (SendStatus::SendOk, Lang::En) => {
            "sent: the master stored the message and answered SEND_OK"
        }
        (SendStatus::SendOk, Lang::Zh) => zh_str(Zh::StatusSendOk),
        (SendStatus::FlushDiskTimeout, Lang::En) => {
            "stored, but the flush to disk timed out (SYNC_FLUSH): lost only if the server goes down first"
        }
        (SendStatus::FlushDiskTimeout, Lang::Zh) => zh_str(Zh::StatusFlushDiskTimeout),
        (SendStatus::FlushSlaveTimeout, Lang::En) => {
            "stored, but replication to the slave timed out (SYNC_MASTER): lost only if the server goes down"
        }
        (SendStatus::FlushSlaveTimeout, Lang::Zh) => zh_str(Zh::StatusFlushSlaveTimeout),
        (SendStatus::SlaveNotAvailable, Lang::En) => {
            "stored, but no slave was available to replicate it (SYNC_MASTER)"
        }
        (SendStatus::SlaveNotAvailable, Lang::Zh) => zh_str(Zh::StatusSlaveNotAvailable),
    }
}

/// `3 s`, `2500 ms`: a broker timeout as the replication link states it.
fn timeout_words(d: crate::time::SimDuration) -> String {
    let ms = d.as_us() / 1_000;
    if ms % 1_000 == 0 {
        format!("{} s", ms / 1_000)
    } else {
        format!("{ms} ms")
    }
}

/// What a `SYNC_MASTER` / `ASYNC_MASTER` put waits for before it is answered, in one line for
/// the replication link: computed from the release's rules ([`crate::rocketmq_version`]) and
/// the broker's config. `None` without a slave. 4.x `SYNC_MASTER` waits for the slave up to
/// `slaveTimeout` (4.7.0: `syncFlushTimeout`); 5.x waits for `inSyncReplicas` replicas, the
/// master itself included, so at the default 1 it waits for none but itself (spec 5 §2).
pub fn replication_wait(sc: &crate::scenario::Scenario, lang: Lang) -> Option<String> {
    use crate::rocketmq_version::SlaveWaitTimeout;
    use crate::scenario::BrokerRole;
    if !sc.slave.enabled {
        return None;
    }
    let rules = sc.rules();
    let b = &sc.broker;
    let zh = spoken(lang) == Lang::Zh;
    if b.enable_controller_mode {
        // Controller mode (spec 5 §4): the master is a SYNC_MASTER whatever `brokerRole` says;
        // `allAckInSyncStateSet` waits for every member of the SyncStateSet, else `inSyncReplicas`.
        let limit = format!("slaveTimeout {}", timeout_words(b.slave_timeout));
        let n = b.in_sync_replicas;
        return Some(match (b.all_ack_in_sync_state_set, n, zh) {
            (true, _, false) => format!("controller mode, allAckInSyncStateSet: waits for every SyncStateSet member, up to {limit}"),
            (true, _, true) => fill_zh(Zh::ReplControllerAllAck, &[&limit]),
            (false, 0..=1, false) => format!("controller mode, inSyncReplicas = {n}: waits only for itself (slaves copy asynchronously)"),
            (false, 0..=1, true) => fill_zh(Zh::ReplControllerSelf, &[&n]),
            (false, _, false) => format!("controller mode, inSyncReplicas = {n}: waits for {n} replicas, the master counted, up to {limit}"),
            (false, _, true) => fill_zh(Zh::ReplControllerN, &[&n, &limit]),
        });
    }
    if b.broker_role != BrokerRole::SyncMaster {
        return Some(if zh { fill_zh(Zh::ReplAsyncMaster, &[]) } else { "ASYNC_MASTER: does not wait for the slave".into() });
    }
    let (knob, d) = match rules.slave_wait_timeout {
        SlaveWaitTimeout::SlaveTimeout => ("slaveTimeout", b.slave_timeout),
        SlaveWaitTimeout::SyncFlushTimeout => ("syncFlushTimeout", b.sync_flush_timeout),
    };
    let limit = format!("{knob} {}", timeout_words(d));
    if !rules.quorum_write {
        return Some(match (sc.slave_count() >= 2, zh) {
            (false, true) => fill_zh(Zh::ReplSyncSlave, &[&limit]),
            (false, false) => format!("SYNC_MASTER: waits for the slave, up to {limit}"),
            (true, true) => fill_zh(Zh::ReplSyncFasterSlave, &[&limit]),
            (true, false) => format!("SYNC_MASTER: waits for the faster of its two slaves (push2SlaveMaxOffset), up to {limit}"),
        });
    }
    let n = b.in_sync_replicas;
    if sc.slave_count() >= 2 && !(rules.slave_acting_master && b.enable_slave_acting_master && b.enable_auto_in_sync_replicas) {
        // A three-replica group: `needAckNums` counts the master and each slave's connection.
        return Some(match (n, zh) {
            (0..=1, false) => format!("SYNC_MASTER, inSyncReplicas = {n}: waits for 1 replica: itself (both slaves are copied asynchronously)"),
            (0..=1, true) => fill_zh(Zh::ReplTwoSlavesSelf, &[&n]),
            (2, false) => format!("SYNC_MASTER, inSyncReplicas = 2: waits for either of its two slaves, up to {limit}"),
            (2, true) => fill_zh(Zh::ReplTwoSlavesEither, &[&limit]),
            (3, false) => format!("SYNC_MASTER, inSyncReplicas = 3: waits for both slaves, up to {limit}"),
            (3, true) => fill_zh(Zh::ReplTwoSlavesBoth, &[&limit]),
            (_, false) => format!("SYNC_MASTER, inSyncReplicas = {n}: waits for {n} replicas, more than the master and its two slaves: every send waits {limit}"),
            (_, true) => fill_zh(Zh::ReplTwoSlavesTooMany, &[&n, &limit]),
        });
    }
    Some(match (n, zh) {
        (0..=1, false) => format!("SYNC_MASTER, inSyncReplicas = {n}: waits for 1 replica: itself (the slave is copied asynchronously)"),
        (0..=1, true) => fill_zh(Zh::ReplOneSlaveSelf, &[&n]),
        (2, false) if rules.slave_acting_master && b.enable_slave_acting_master && b.enable_auto_in_sync_replicas => format!(
            "SYNC_MASTER, inSyncReplicas = 2: waits for the slave, up to {limit}, while it is in sync; without it, for {} replica(s) (minInSyncReplicas)",
            b.min_in_sync_replicas
        ),
        (2, true) if rules.slave_acting_master && b.enable_slave_acting_master && b.enable_auto_in_sync_replicas => {
            fill_zh(Zh::ReplOneSlaveAutoInSync, &[&limit, &b.min_in_sync_replicas])
        }
        (2, false) => format!("SYNC_MASTER, inSyncReplicas = 2: waits for the slave, up to {limit}"),
        (2, true) => fill_zh(Zh::ReplOneSlaveWait, &[&limit]),
        (_, false) => format!("SYNC_MASTER, inSyncReplicas = {n}: waits for {n} replicas, more than the master and its one slave: every send waits {limit}"),
        (_, true) => fill_zh(Zh::ReplOneSlaveTooMany, &[&n, &limit]),
    })
}

/// `text` safe for a terminal: every control character except newline and tab (C0, DEL, C1 such
/// as U+009B, the one-character CSI) is written as its Rust escape (`\u{1b}`), so a scenario name
/// or a path cannot clear the screen, set a window title or move the cursor.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The Chinese sentences, one template per [`Zh`] id, with blanks `{0}`, `{1}` … filled in the
/// order of the call site's values ([`fill_zh`]). One language per page (issue 23): a native build (the CLI, the tests)
/// reads them compiled in ([`builtin_zh`]); a wasm build links them only if it calls
/// [`builtin_zh`] (the web crate's extras module does, its lab module does not: the lab installs
/// them from `losslab-zh.txt` with [`install_zh`], and answers the English until then).
macro_rules! zh_templates {
    ($($id:ident => $zh:literal;)*) => {
        /// A Chinese sentence of this module (see [`builtin_zh`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Zh {
            $($id),*
        }

        impl Zh {
            /// Every id, in the order of [`builtin_zh`] and of `losslab-zh.txt`'s core lines.
            pub const ALL: &'static [Zh] = &[$(Zh::$id),*];
        }

        /// The compiled-in Chinese, in [`Zh::ALL`] order. Whatever calls this links the text.
        pub fn builtin_zh() -> &'static [&'static str] {
            static BUILTIN: &[&str] = &[$($zh),*];
            BUILTIN
        }

        /// FNV-1a (64 bits) over every id and template, computed at compile time (so it links no
        /// text): a `losslab-zh.txt` of another version of the core is refused.
        pub const ZH_FINGERPRINT: u64 = fnv1a(&[$(stringify!($id), $zh),*]);
    };
}

pub(crate) const fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < parts.len() {
        let b = parts[i].as_bytes();
        let mut j = 0;
        while j <= b.len() {
            h ^= if j < b.len() { b[j] as u64 } else { 0 };
            h = h.wrapping_mul(0x0100_0000_01b3);
            j += 1;
        }
        i += 1;
    }
    h
}

zh_templates! {
    NodeMaster => "主节点";
    NodeSlave => "从节点";
    NodeSlave2 => "第二个从节点";
    LossPageCache => "{0}在 {1} 断电时，它还只在页缓存（page cache）里，刷盘进度落后 {2}";
    LossDisk => "{0}的磁盘在 {1} 损毁";
    LossWriteBuffer => "{0}的进程在 {1} 崩溃时，它还只在堆外写缓冲区里（transientStorePoolEnable，尚有 {2} 未提交到页缓存）";
    LossSlaveOnly => "它只存在于从节点：主节点重启后比从节点落后 {0}，而主从复制（非 Controller 模式）不会自动对齐两边的数据";
    LossRestartedTruncated => "主节点丢失了它，并在 Controller 判定其失联之前重启，仍是 epoch {0} 的主节点，且把该 epoch 的起点改写为它变短后的日志末尾；{1} 时持有它的{2}把日志截断到与主节点最后一致的位置";
    LossRestartedDetached => "主节点丢失了它，并在 Controller 判定其失联之前重启，仍是 epoch {0} 的主节点，且把该 epoch 的起点改写为它变短后的日志末尾；{1} 时持有它的{2}找不到与主节点一致的位置，不再复制，也不会被消费者读取";
    LossTruncatedOnRejoin => "只有旧主节点存有它且尚未复制：从节点已被选为新主（epoch {0}），旧主在 {1} 以{2}身份重新加入时把日志截断到与新主最后一致的位置";
    StepAnswered => "{0} 收到 {1}（{2} + {3}）";
    StepRetryFailedAfterStatus => "随后的重试失败（{0}），send() 仍返回之前的状态：应用被告知消息已存储";
    StepException => "生产者在 {0} 收到异常 {1}";
    StepOneway => "{0} 以 ONEWAY 方式发送：没有响应，生产者无从知晓";
    StepNoAnswer => "生产者始终没有收到响应";
    StepNeverReachedMaster => "消息从未到达存活的主节点";
    StepRetryLost => "它的重试消息在再次被消费之前丢失了";
    StepStranded => "它的副本所在的 Broker 直到运行结束都没有恢复";
    StepNoCopyLeft => "已经没有可读的副本";
    StepSkippedByConsumer => "它位于 {0} 队列偏移 {1}，低于消费组读取的起点偏移 {2}（该偏移在队列被截断之前就已提交）；新消息填满了空缺，再也不会有拉取返回它";
    StepSkippedByPop => "它位于 {0} 队列偏移 {1}，低于 Broker 上消费组的 POP 偏移 {2}（该偏移在队列被截断之前就已提交）；新消息填满了空缺，没有 checkpoint 指向它，每次 POP 都从该偏移开始，越过了它";
    StepCheckpointOnLostMaster => "主节点在 {0} POP 了它，它的 checkpoint 留在这个再也没有恢复的主节点上：从节点不会复活 checkpoint（PopReviveService 只在主节点运行），而从节点对 {1} 的 POP 从它从主节点复制来的消费组偏移 {2} 开始，越过了它的偏移 {3}";
    StepQueueNotRead => "它位于 {0}，一个没有消费者读取的队列：该 Topic 的 writeQueueNums = {1}，而 readQueueNums = {2}，生产者写入的队列有一部分永远不会被负载均衡分配出去";
    StepInSyncReplicasNoWait => "RocketMQ {0} 的 SYNC_MASTER 没有等待从节点：inSyncReplicas = {1}（包含主节点自己），复制实际上是异步的；设置 totalReplicas = 2 和 inSyncReplicas = 2 才会像 4.x 那样等待";
    StepSlaveReadDisabled => "只有从节点还有它，而 5.x 的从节点在 slaveReadEnable = false 时拒绝所有拉取请求：主节点恢复之前无法消费";
    StepRetryStuckOnSlave => "它的重试消息停在从节点的 SCHEDULE_TOPIC_XXXX 中，从节点不运行定时消息服务，而主节点一直没有恢复";
    StepWaitingNoConsumer => "它仍在 Broker 中等待：没有运行中的消费组（consumer.enabled = false）";
    StepWaitingConsumerCrashed => "它仍在 Broker 中等待：消费者崩溃后没有重新上线";
    StepAboveConfirmOffset => "它位于确认位点（confirm offset，offset={0}）之后，而 allAckInSyncStateSet 下消费者只能读到确认位点：SyncStateSet 中有成员停止了确认却一直没有被移出集合（控制器不在），确认位点因此再也没有越过它";
    StepNeverReached => "在运行无事可做之前，没有消费者读到它";
    StepRunStoppedAtEventLimit => "运行在 {0} 停止：达到事件上限（{1} 个事件），该消息的处理仍未完成";
    StepRunStoppedAtUntil => "运行在 {0} 停止（到达 `until`），该消息的处理仍未完成";
    StepResentAfterStored => "gRPC 生产者的第 {0} 次尝试在 Broker 已经存储之后以 {1} 失败，客户端立即重发（同一个消息 ID，最多 maxAttempts 次）：共存储 {2} 份副本，每份都被消费";
    StepRenewMaxTime => "代理在 {0} 停止为它续期：距 pop 已过 renewMaxTimeMillis（3 小时），而 gRPC 消费者仍在消费它（STOP_RENEW：按消费组重试策略的延迟后重新可见）；它被重新投递（revive）并再次消费，第一次消费的 ack 携带的 receipt handle 已经过期";
    StepRenewRetriesExhausted => "代理在 {0} 连续 maxRenewRetryTimes（3）次续期失败（Broker 不可用）后丢弃了它的 receipt handle；gRPC 消费者的 ack 于是带着 pop 时的 handle，而它已被续期替换：ack 被拒绝，消息被重新投递（revive）并再次消费";
    StepRenewClientGone => "代理在 {0} 清除了它的 receipt handle：gRPC 消费者的通道已过期（channelExpiredTimeout 即 120 秒内没有心跳），消息重新可见（CLEAR_GROUP）";
    StepConsumedAt => "已于 {0} 被消费";
    ExplainDelivered => "在 {0} 被消费，恰好一次";
    ExplainDuplicatedBecause => "被消费了 {0} 次：{1}";
    ExplainDuplicated => "被消费了 {0} 次：至少一次（at-least-once）投递把它又投递了一遍";
    ExplainDeadLettered => "消费失败 {0} 次，于 {1} 被写入 %DLQ% 死信队列";
    VerdictDelivered => "恰好被消费一次";
    VerdictDuplicated => "被消费了不止一次（重复消费）";
    VerdictLostAfterAck => "生产者已被告知存储成功，却没有任何副本被消费或进入死信队列：承诺落空";
    VerdictLostUnacked => "生产者收到异常或没有收到响应，消息最终没有送达";
    VerdictDeadLettered => "最终进入死信队列 %DLQ%<group>";
    VerdictUnresolved => "运行结束时仍在途中";
    SendOkDiskSlave => "SEND_OK：返回时，消息已在主节点磁盘上，也已在从节点上";
    SendOkDisk => "SEND_OK：返回时，消息已在主节点磁盘上，但不在任何从节点上";
    SendOkCacheSlave => "SEND_OK：返回时，消息在主节点的页缓存中（尚未刷盘），也已在从节点上";
    SendOkCache => "SEND_OK：返回时，消息只在主节点的页缓存中：尚未刷盘，也不在任何从节点上";
    StatusSendOk => "消息发送成功：主节点已存储该消息并返回 SEND_OK";
    StatusFlushDiskTimeout => "消息已进入服务器队列（内存），但刷盘超时（SYNC_FLUSH）：只有服务器宕机时才会丢失";
    StatusFlushSlaveTimeout => "消息已存储，但同步到从节点超时（SYNC_MASTER）：只有服务器宕机时才会丢失";
    StatusSlaveNotAvailable => "消息已存储，但没有可用的从节点来复制它（SYNC_MASTER）";
    ReplControllerAllAck => "控制器模式，allAckInSyncStateSet：等待 SyncStateSet 中所有成员，最多 {0}";
    ReplControllerSelf => "控制器模式，inSyncReplicas = {0}：只等主节点自己（从节点为异步复制）";
    ReplControllerN => "控制器模式，inSyncReplicas = {0}：等待 {0} 个副本（含主节点），最多 {1}";
    ReplAsyncMaster => "ASYNC_MASTER：不等待从节点";
    ReplSyncSlave => "SYNC_MASTER：等待从节点，最多 {0}";
    ReplSyncFasterSlave => "SYNC_MASTER：等待两个从节点中最快的一个（push2SlaveMaxOffset），最多 {0}";
    ReplTwoSlavesSelf => "SYNC_MASTER，inSyncReplicas = {0}：只等 1 个副本，即主节点自己（两个从节点均为异步复制）";
    ReplTwoSlavesEither => "SYNC_MASTER，inSyncReplicas = 2：等待两个从节点中任意一个，最多 {0}";
    ReplTwoSlavesBoth => "SYNC_MASTER，inSyncReplicas = 3：等待两个从节点，最多 {0}";
    ReplTwoSlavesTooMany => "SYNC_MASTER，inSyncReplicas = {0}：等待 {0} 个副本，多于主节点加两个从节点：每次发送都要等满 {1}";
    ReplOneSlaveSelf => "SYNC_MASTER，inSyncReplicas = {0}：只等 1 个副本，即主节点自己（从节点为异步复制）";
    ReplOneSlaveAutoInSync => "SYNC_MASTER，inSyncReplicas = 2：从节点同步时等待它，最多 {0}；从节点不在同步时只等 {1} 个副本（minInSyncReplicas）";
    ReplOneSlaveWait => "SYNC_MASTER，inSyncReplicas = 2：等待从节点，最多 {0}";
    ReplOneSlaveTooMany => "SYNC_MASTER，inSyncReplicas = {0}：等待 {0} 个副本，多于主节点加一个从节点：每次发送都要等满 {1}";
}

static ZH_INSTALLED: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();

/// The Chinese templates in use: the installed ones; in a wasm build nothing before
/// [`install_zh`] (Chinese then answers the English), in a native build the compiled-in ones.
pub fn zh_table() -> Option<&'static [&'static str]> {
    let installed = ZH_INSTALLED.get().map(Vec::as_slice);
    #[cfg(not(target_arch = "wasm32"))]
    let installed = installed.or_else(|| Some(builtin_zh()));
    installed
}

/// Installs the Chinese templates (one per [`Zh`] id, in [`Zh::ALL`] order), kept for the
/// process's life; a second install keeps the first. Refused if the count is not this core's or a
/// template is empty (the lab then stays in English).
pub fn install_zh(templates: Vec<&'static str>) -> Result<(), String> {
    if templates.len() != Zh::ALL.len() {
        return Err(format!("{} of the core's {} Chinese sentences", templates.len(), Zh::ALL.len()));
    }
    if let Some(i) = templates.iter().position(|t| t.trim().is_empty()) {
        return Err(format!("the core's Chinese sentence {} is empty", i + 1));
    }
    let _ = ZH_INSTALLED.set(templates);
    Ok(())
}

/// `Lang::Zh` once Chinese templates are there, else English: every function here that renders
/// Chinese first asks this, so a wasm page before `losslab-zh.txt` is in reads English, never a
/// blank.
fn spoken(lang: Lang) -> Lang {
    if lang == Lang::Zh && zh_table().is_none() {
        Lang::En
    } else {
        lang
    }
}

/// The template of `id` ("" without a table; [`spoken`] keeps callers from asking then).
fn zh_str(id: Zh) -> &'static str {
    zh_table().and_then(|t| t.get(id as usize).copied()).unwrap_or_default()
}

/// The template of `id` with `{0}`, `{1}` … replaced by `args` in order (a blank without a value
/// stays as written).
fn fill_zh(id: Zh, args: &[&dyn std::fmt::Display]) -> String {
    use std::fmt::Write;
    let t = zh_str(id);
    let mut out = String::with_capacity(t.len() + 16);
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| Some((close, args.get(after[..close].parse::<usize>().ok()?)?))) {
            Some((close, v)) => {
                let _ = write!(out, "{v}");
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dlq_is_named_after_the_run_s_group() {
        assert_eq!(verdict_meaning_in(Verdict::DeadLettered, "orders", Lang::En), "it ended in the dead letter queue %DLQ%orders");
        assert_eq!(verdict_meaning_in(Verdict::DeadLettered, "orders", Lang::Zh), "最终进入死信队列 %DLQ%orders");
    }

    /// Every Chinese sentence a reader can get has its blanks filled (the templates are filled at
    /// run time, not by `format!`, so a misnamed blank would show as `{name}`).
    #[test]
    fn chinese_templates_have_their_blanks_filled() {
        use crate::event::SendError;
        let at = SimTime::from_ms(1_500);
        let mut out: Vec<String> = Vec::new();
        for node in [NodeId::Master, NodeId::Slave, NodeId::Slave2] {
            for r in [
                LossReason::PageCacheLost { node, at, behind: 4_096 },
                LossReason::DiskLost { node, at },
                LossReason::WriteBufferLost { node, at, uncommitted: 10 },
                LossReason::SlaveOnly { gap: 20 },
                LossReason::TruncatedOnRejoin { node, at, epoch: 3 },
                LossReason::MasterRestartedInPlace { node, at, epoch: 2, truncated: true },
                LossReason::MasterRestartedInPlace { node, at, epoch: 2, truncated: false },
            ] {
                out.push(r.render(Lang::Zh));
            }
        }
        let steps = [
            CauseStep::Answered { status: SendStatus::SendOk, at, flush: "SYNC_FLUSH", role: "SYNC_MASTER" },
            CauseStep::RetryFailedAfterStatus { error: SendError::Timeout },
            CauseStep::Exception { error: SendError::Timeout, at },
            CauseStep::Oneway { at },
            CauseStep::RunStopped { reason: EndReason::EventLimit, at, events: 9 },
            CauseStep::RunStopped { reason: EndReason::TimeLimit, at, events: 9 },
            CauseStep::ProxyStoppedRenewing { why: RenewEnd::MaxTime, at },
            CauseStep::ConsumedAt(at),
        ];
        out.extend(steps.iter().map(|s| s.render(Lang::Zh)));
        for v in [Verdict::Delivered, Verdict::Duplicated, Verdict::LostAfterAck, Verdict::LostUnacked, Verdict::DeadLettered, Verdict::Unresolved] {
            out.push(verdict_meaning(v, Lang::Zh).into());
        }
        let mut sc = crate::scenario::Scenario::default();
        sc.slave.enabled = true;
        out.push(replication_wait(&sc, Lang::Zh).unwrap());
        sc.broker.broker_role = crate::scenario::BrokerRole::SyncMaster;
        for v in [crate::rocketmq_version::RocketMqVersion::V4_9_8, crate::rocketmq_version::RocketMqVersion::V5_3_3] {
            for n in 1..=4 {
                sc.broker.in_sync_replicas = n;
                out.push(replication_wait(&crate::scenario::Scenario { version: v, ..sc.clone() }, Lang::Zh).unwrap());
            }
        }
        for s in &out {
            assert!(!s.contains('{') && !s.contains('}'), "a blank left unfilled: {s}");
        }
        assert_eq!(steps[0].render(Lang::Zh), "1.500s 收到 SEND_OK（SYNC_FLUSH + SYNC_MASTER）");
        assert!(out[0].starts_with("主节点在 1.500s 断电时") && out[0].ends_with("刷盘进度落后 4.0 KiB"), "{}", out[0]);
    }

    #[test]
    fn the_chinese_templates_install_only_whole() {
        // A native build reads the compiled-in table; an install of the wrong size is refused.
        assert_eq!(zh_table().map(<[_]>::len), Some(Zh::ALL.len()));
        assert!(install_zh(vec!["x"]).unwrap_err().contains(&format!("1 of the core's {}", Zh::ALL.len())));
        let mut empty = builtin_zh().to_vec();
        empty[3] = " ";
        assert!(install_zh(empty).unwrap_err().contains("sentence 4 is empty"));
        assert_eq!(zh_str(Zh::NodeSlave2), "第二个从节点");
    }

    /// Only this module reads the compiled-in Chinese: a wasm build that does not call
    /// `builtin_zh` (the lab module) links none of it (issue 23; `scripts/size-check.mjs` checks
    /// the built lab for one of these sentences).
    #[test]
    fn only_the_text_module_reads_the_compiled_in_chinese() {
        let bad: Vec<_> = walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
            .into_iter()
            .map(|e| e.expect("src").into_path())
            .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "text.rs"))
            .filter(|p| std::fs::read_to_string(p).expect("read").contains("builtin_zh"))
            .collect();
        assert!(bad.is_empty(), "{bad:?} read the compiled-in Chinese");
    }

    #[test]
    fn control_characters_are_escaped_for_a_terminal() {
        assert_eq!(escape_controls("plain\tname\n"), "plain\tname\n");
        assert_eq!(escape_controls("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_controls("\u{9b}31m\r\x07\x7f"), "\\u{9b}31m\\u{d}\\u{7}\\u{7f}");
        assert_eq!(escape_controls("主节点"), "主节点");
    }

    #[test]
    fn language_tags_resolve() {
        assert_eq!(Lang::from_tag("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::from_tag("zh_Hans"), Some(Lang::Zh));
        assert_eq!(Lang::from_tag("EN-us"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn causes_render_in_both_languages_keeping_identifiers() {
        let c = Cause(vec![
            CauseStep::Answered { status: SendStatus::SendOk, at: SimTime::from_ms(2_512), flush: "ASYNC_FLUSH", role: "ASYNC_MASTER" },
            CauseStep::Loss(LossReason::PageCacheLost { node: NodeId::Master, at: SimTime::from_ms(3_000), behind: 55_076 }),
        ]);
        assert_eq!(
            c.render(Lang::En),
            "SEND_OK at 2.512s under ASYNC_FLUSH + ASYNC_MASTER; only in the master's page cache when it lost power at 3.000s (flushed offset 53.7 KiB behind)"
        );
        let zh = c.render(Lang::Zh);
        assert!(zh.contains("SEND_OK") && zh.contains("ASYNC_FLUSH") && zh.contains("主节点"), "{zh}");
    }

    #[test]
    fn the_replication_link_counts_two_slaves() {
        use crate::rocketmq_version::RocketMqVersion as V;
        use crate::scenario::{BrokerRole, Scenario};
        let mut sc = Scenario::default();
        sc.slave.enabled = true;
        sc.slave.count = 2;
        sc.broker.broker_role = BrokerRole::SyncMaster;
        let at = |sc: &Scenario, v: V| replication_wait(&Scenario { version: v, ..sc.clone() }, Lang::En).unwrap();
        assert!(at(&sc, V::V4_9_8).contains("the faster of its two slaves"));
        assert!(at(&sc, V::V5_3_3).contains("both slaves are copied asynchronously"));
        sc.broker.in_sync_replicas = 2;
        assert!(at(&sc, V::V5_3_3).contains("either of its two slaves"));
        sc.broker.in_sync_replicas = 3;
        assert!(at(&sc, V::V5_3_3).contains("waits for both slaves"));
        sc.broker.in_sync_replicas = 4;
        assert!(at(&sc, V::V5_3_3).contains("more than the master and its two slaves"));
    }

    /// Controller mode: the master is a SYNC_MASTER whatever `brokerRole` says; the line names
    /// `allAckInSyncStateSet` or `inSyncReplicas`, never ASYNC_MASTER (the lab drew "does not wait
    /// for the slave" on a group whose puts waited for the whole SyncStateSet).
    #[test]
    fn the_replication_link_in_controller_mode_names_the_sync_state_set() {
        use crate::scenario::Scenario;
        let mut sc = Scenario { version: crate::rocketmq_version::RocketMqVersion::V5_3_3, ..Scenario::default() };
        sc.slave.enabled = true;
        sc.broker.enable_controller_mode = true;
        assert_eq!(replication_wait(&sc, Lang::En).unwrap(), "controller mode, inSyncReplicas = 1: waits only for itself (slaves copy asynchronously)");
        sc.broker.all_ack_in_sync_state_set = true;
        assert_eq!(replication_wait(&sc, Lang::En).unwrap(), "controller mode, allAckInSyncStateSet: waits for every SyncStateSet member, up to slaveTimeout 3 s");
        assert!(replication_wait(&sc, Lang::Zh).unwrap().contains("等待 SyncStateSet 中所有成员"));
        sc.broker.all_ack_in_sync_state_set = false;
        sc.broker.in_sync_replicas = 2;
        assert!(replication_wait(&sc, Lang::En).unwrap().contains("waits for 2 replicas, the master counted"));
    }

    #[test]
    fn the_replication_link_says_what_the_master_waits_for_per_version() {
        use crate::rocketmq_version::RocketMqVersion as V;
        use crate::scenario::{BrokerRole, Scenario};
        let mut sc = Scenario::default();
        assert_eq!(replication_wait(&sc, Lang::En), None, "no slave, no link");
        sc.slave.enabled = true;
        assert_eq!(replication_wait(&sc, Lang::En).unwrap(), "ASYNC_MASTER: does not wait for the slave");
        sc.broker.broker_role = BrokerRole::SyncMaster;
        let at = |sc: &Scenario, v: V, lang: Lang| replication_wait(&Scenario { version: v, ..sc.clone() }, lang).unwrap();
        assert_eq!(at(&sc, V::V4_9_8, Lang::En), "SYNC_MASTER: waits for the slave, up to slaveTimeout 3 s");
        assert_eq!(at(&sc, V::V4_7_0, Lang::En), "SYNC_MASTER: waits for the slave, up to syncFlushTimeout 5 s");
        assert!(at(&sc, V::V5_3_3, Lang::En).contains("waits for 1 replica: itself"), "5.3.3 at defaults");
        assert!(at(&sc, V::V5_3_3, Lang::Zh).contains("只等 1 个副本，即主节点自己"));
        sc.broker.in_sync_replicas = 2;
        sc.broker.total_replicas = 2;
        assert_eq!(at(&sc, V::V5_3_3, Lang::En), "SYNC_MASTER, inSyncReplicas = 2: waits for the slave, up to slaveTimeout 3 s");
        // 4.x has no inSyncReplicas: its SYNC_MASTER always waits for the slave.
        assert_eq!(at(&sc, V::V4_9_8, Lang::En), "SYNC_MASTER: waits for the slave, up to slaveTimeout 3 s");
        sc.broker.slave_timeout = crate::time::SimDuration::from_ms(2_500);
        assert!(at(&sc, V::V5_3_3, Lang::Zh).ends_with("最多 slaveTimeout 2500 ms"), "{}", at(&sc, V::V5_3_3, Lang::Zh));
        sc.broker.enable_slave_acting_master = true;
        sc.broker.enable_auto_in_sync_replicas = true;
        assert!(at(&sc, V::V5_3_3, Lang::En).contains("while it is in sync; without it, for 1 replica(s)"));
        sc.broker.in_sync_replicas = 3;
        assert!(at(&sc, V::V5_3_3, Lang::En).contains("every send waits slaveTimeout 2500 ms"));
    }
}
