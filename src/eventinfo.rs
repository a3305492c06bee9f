//! Names for events, for the log filter and the inspector. Display only: no reliability logic.

use rmq_sim::{Event, EventKind, MsgId};

/// The kinds the event-log filter offers, in the order of the pipeline.
pub const KINDS: &[&str] = &[
    "send", "answer", "append", "flush", "replica", "fault", "broker", "lost", "consume", "retry", "dlq",
    "offset", "run",
];

/// The filter group an event belongs to.
pub fn kind_of(kind: &EventKind) -> &'static str {
    use EventKind::*;
    match kind {
        SendAttempted { .. } | OnewaySent { .. } | ResendScheduled { .. } | RequestLost { .. } => "send",
        AttemptFailed { .. } | SendAnswered { .. } | SendFailed { .. } | LateResponseDropped { .. } => "answer",
        SendReturnedEarlierResult { .. } | ProxyAnswered { .. } => "answer",
        PutAnswered { .. } | PutRefused { .. } | InSyncReplicasNotEnough { .. } => "answer",
        Appended { .. } => "append",
        FlushStarted { .. } | Flushed { .. } | Committed { .. } => "flush",
        ReplicaSent { .. } | ReplicaReceived { .. } | SlaveAcked { .. } | SlaveConnected { .. } => "replica",
        SlaveReported { .. } => "replica",
        SlaveDisconnected { .. } | MasterBehindSlave { .. } => "replica",
        MasterElected { .. } | NoMasterElected { .. } | RoleChanged { .. } | SyncStateSetChanged { .. } => "broker",
        LogTruncated { .. } | ControllerBack | EpochStartRewritten { .. } => "broker",
        NoConsistentPoint { .. } => "replica",
        FaultInjected { .. } | FaultEnded { .. } | FaultRefused { .. } => "fault",
        BrokerDown { .. } | BrokerRestarted { .. } | BrokerStillDown { .. } | RouteChanged { .. } => "broker",
        CopyLost { .. } => "lost",
        ConsumerStarted { .. } | ConsumerCrashed { .. } | Pulled { .. } | Delivered { .. } => "consume",
        OffsetQueryFailed { .. } | QueueAssigned { .. } => "consume",
        PullFlowControlled { .. } | PullRejected { .. } => "consume",
        Consumed { .. } | ConsumeRetriedLocally { .. } | SendBackFallback { .. } => "consume",
        RetryScheduled { .. } | RetryDue { .. } => "retry",
        Popped { .. } | PopAcked { .. } => "consume",
        InvisibleTimeChanged { .. } | RenewEnded { .. } | Revived { .. } => "retry",
        DeadLettered { .. } | Compensated { .. } => "dlq",
        OffsetCommitted { .. } | OffsetCorrected { .. } => "offset",
        RunEnded { .. } | VersionSelected { .. } => "run",
    }
}

/// The message an event is about, if it is about one.
pub fn msg_of(kind: &EventKind) -> Option<MsgId> {
    use EventKind::*;
    match kind {
        SendAttempted { msg, .. } | AttemptFailed { msg, .. } | SendAnswered { msg, .. } => Some(*msg),
        SendFailed { msg, .. } | OnewaySent { msg } | ResendScheduled { msg, .. } => Some(*msg),
        SendReturnedEarlierResult { msg, .. } | ProxyAnswered { msg, .. } => Some(*msg),
        LateResponseDropped { msg, .. } | RequestLost { msg, .. } | Appended { msg, .. } => Some(*msg),
        PutAnswered { msg, .. } | PutRefused { msg, .. } | CopyLost { msg, .. } => Some(*msg),
        InSyncReplicasNotEnough { msg, .. } => Some(*msg),
        Delivered { msg, .. } | Consumed { msg, .. } | RetryScheduled { msg, .. } => Some(*msg),
        RetryDue { msg, .. } | ConsumeRetriedLocally { msg, .. } | SendBackFallback { msg, .. } | DeadLettered { msg, .. } => Some(*msg),
        Compensated { msg } => Some(*msg),
        Popped { msg, .. } | PopAcked { msg } | InvisibleTimeChanged { msg, .. } | Revived { msg, .. } => Some(*msg),
        RenewEnded { msg, .. } => Some(*msg),
        _ => None,
    }
}

/// Indices of the events among `events` that pass the filter (`msg` and `kind` both optional).
pub fn filter(events: &[Event], msg: Option<u32>, kind: Option<&str>) -> Vec<u32> {
    events
        .iter()
        .enumerate()
        .filter(|(_, e)| msg.is_none_or(|m| msg_of(&e.kind) == Some(MsgId(m))))
        .filter(|(_, e)| kind.is_none_or(|k| kind_of(&e.kind) == k))
        .map(|(i, _)| i as u32)
        .collect()
}
