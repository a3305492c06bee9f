//! The event log: typed, past-tense facts, ordered by (time, sequence).
//!
//! Each event has exactly one stable text line ([`Event`]'s `Display`); golden tests pin those
//! lines and the run's digest is a SHA-256 of them, so the same scenario and seed give the same
//! digest natively and in the browser.

use std::fmt;

use crate::time::{SimDuration, SimTime};

/// A logical message: the producer's *i*-th message. Resends and retry copies keep the id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct MsgId(pub u32);

impl fmt::Display for MsgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "msg#{}", self.0)
    }
}

/// A broker of the group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum NodeId {
    #[serde(rename = "master")]
    Master,
    /// The first slave (`brokerId = 1`).
    #[serde(rename = "slave")]
    Slave,
    /// The second slave (`brokerId = 2`) of a three-replica group (`[slave] count = 2`).
    #[serde(rename = "slave2")]
    Slave2,
}

impl NodeId {
    /// The slaves in `brokerId` order.
    pub const SLAVES: [NodeId; 2] = [NodeId::Slave, NodeId::Slave2];

    pub fn name(self) -> &'static str {
        match self {
            NodeId::Master => "master",
            NodeId::Slave => "slave",
            NodeId::Slave2 => "slave2",
        }
    }

    /// The slave at `index` (0: `slave`, 1: `slave2`).
    pub fn slave(index: usize) -> NodeId {
        NodeId::SLAVES[index]
    }

    /// This slave's index (0 or 1); `None` for the master.
    pub fn slave_index(self) -> Option<usize> {
        match self {
            NodeId::Master => None,
            NodeId::Slave => Some(0),
            NodeId::Slave2 => Some(1),
        }
    }

    /// The first slave: events about it keep their pre-two-slave JSON (no `slave` field).
    pub fn is_first_slave(&self) -> bool {
        *self == NodeId::Slave
    }
}

/// The topic a stored copy belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Topic {
    /// The producer's topic (`TopicTest`).
    Main,
    /// `SCHEDULE_TOPIC_XXXX`: a failed message waiting out its delay level.
    Schedule,
    /// `%RETRY%<group>`: a retry that is due and consumable.
    Retry,
    /// `%DLQ%<group>`: the dead letter queue.
    Dlq,
}

impl Topic {
    pub fn label(self) -> &'static str {
        match self {
            Topic::Main => "TopicTest",
            Topic::Schedule => "SCHEDULE_TOPIC_XXXX",
            Topic::Retry => "%RETRY%",
            Topic::Dlq => "%DLQ%",
        }
    }
}

/// The four `SendStatus` values: all are successes for the client (the message is in the
/// master's page cache in every case).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum SendStatus {
    #[serde(rename = "SEND_OK")]
    SendOk,
    #[serde(rename = "FLUSH_DISK_TIMEOUT")]
    FlushDiskTimeout,
    #[serde(rename = "FLUSH_SLAVE_TIMEOUT")]
    FlushSlaveTimeout,
    #[serde(rename = "SLAVE_NOT_AVAILABLE")]
    SlaveNotAvailable,
}

impl SendStatus {
    pub fn name(self) -> &'static str {
        match self {
            SendStatus::SendOk => "SEND_OK",
            SendStatus::FlushDiskTimeout => "FLUSH_DISK_TIMEOUT",
            SendStatus::FlushSlaveTimeout => "FLUSH_SLAVE_TIMEOUT",
            SendStatus::SlaveNotAvailable => "SLAVE_NOT_AVAILABLE",
        }
    }
}

/// The exceptions a producer can see, by RocketMQ class name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum SendError {
    /// `RemotingConnectException`: connection refused (the broker process is down).
    ConnectRefused,
    /// `RemotingTimeoutException`: no response within the attempt's share of `sendMsgTimeout`.
    Timeout,
    /// `RemotingTooMuchRequestException("sendDefaultImpl call timeout")`: the budget ran out.
    CallTimeout,
    /// `MQClientException("Send [N] times, still failed")`: every attempt failed.
    RetriesExhausted,
    /// `MQClientException("No route info of this topic")`: the route has no master.
    NoRoute,
    /// `MQBrokerException(SYSTEM_BUSY)`: the broker refused the request.
    BrokerBusy,
    /// `RemotingSendRequestException`: the broker process died and the OS closed its socket;
    /// the client's `failFast` failed the request at once (spec §6 item 26).
    ConnectionClosed,
    /// `MQBrokerException(SYSTEM_ERROR)`: a 5.x master with `enableSlaveActingMaster` refused the
    /// put before appending it, `IN_SYNC_REPLICAS_NOT_ENOUGH` (spec 5 §3). Code 1 is in the
    /// remoting producer's `retryResponseCodes`: a SYNC send tries again.
    SystemError,
    /// gRPC producer (spec 5 §5): the proxy answered `MASTER_PERSISTENCE_TIMEOUT`, its name for
    /// the broker's `FLUSH_DISK_TIMEOUT` (`SendMessageActivity`); the copy was stored.
    MasterPersistenceTimeout,
    /// gRPC: `SLAVE_PERSISTENCE_TIMEOUT`, the proxy's name for `FLUSH_SLAVE_TIMEOUT`.
    SlavePersistenceTimeout,
    /// gRPC: `HA_NOT_AVAILABLE`, the proxy's name for `SLAVE_NOT_AVAILABLE`.
    HaNotAvailable,
    /// gRPC: `INTERNAL_SERVER_ERROR`: any other broker failure the proxy saw.
    InternalServerError,
    /// gRPC: `PROXY_TIMEOUT`: the cluster-mode proxy's own call to the broker timed out.
    ProxyTimeout,
    /// gRPC: `TOO_MANY_REQUESTS`: the broker's `SYSTEM_BUSY` through a cluster-mode proxy;
    /// the only failure the client resends after a backoff.
    TooManyRequests,
    /// gRPC: `DEADLINE_EXCEEDED`: no answer within the attempt's `requestTimeout`.
    DeadlineExceeded,
    /// gRPC: `UNAVAILABLE`: the connection to the proxy was refused or closed.
    Unavailable,
}

impl SendError {
    /// The gRPC client's errors (spec 5 §5), in the order of the variants.
    pub const GRPC: [SendError; 8] = [
        SendError::MasterPersistenceTimeout,
        SendError::SlavePersistenceTimeout,
        SendError::HaNotAvailable,
        SendError::InternalServerError,
        SendError::ProxyTimeout,
        SendError::TooManyRequests,
        SendError::DeadlineExceeded,
        SendError::Unavailable,
    ];

    /// The `apache.rocketmq.v2.Code` (or gRPC status) of a gRPC client error; `None` for the
    /// remoting client's exceptions.
    pub fn grpc_code(self) -> Option<&'static str> {
        Some(match self {
            SendError::MasterPersistenceTimeout => "MASTER_PERSISTENCE_TIMEOUT",
            SendError::SlavePersistenceTimeout => "SLAVE_PERSISTENCE_TIMEOUT",
            SendError::HaNotAvailable => "HA_NOT_AVAILABLE",
            SendError::InternalServerError => "INTERNAL_SERVER_ERROR",
            SendError::ProxyTimeout => "PROXY_TIMEOUT",
            SendError::TooManyRequests => "TOO_MANY_REQUESTS",
            SendError::DeadlineExceeded => "DEADLINE_EXCEEDED",
            SendError::Unavailable => "UNAVAILABLE",
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            SendError::ConnectRefused => "RemotingConnectException",
            SendError::Timeout => "RemotingTimeoutException",
            SendError::CallTimeout => "RemotingTooMuchRequestException",
            SendError::RetriesExhausted | SendError::NoRoute => "MQClientException",
            SendError::BrokerBusy | SendError::SystemError => "MQBrokerException",
            SendError::ConnectionClosed => "RemotingSendRequestException",
            SendError::MasterPersistenceTimeout | SendError::SlavePersistenceTimeout | SendError::ProxyTimeout => {
                "ProxyTimeoutException"
            }
            SendError::HaNotAvailable | SendError::InternalServerError => "InternalErrorException",
            SendError::TooManyRequests => "TooManyRequestsException",
            SendError::DeadlineExceeded | SendError::Unavailable => "StatusRuntimeException",
        }
    }

    /// The exception with its message, as the application would log it.
    pub fn describe(self) -> &'static str {
        match self {
            SendError::ConnectRefused => "RemotingConnectException: connect to master failed",
            SendError::Timeout => "RemotingTimeoutException: wait response timeout",
            SendError::CallTimeout => "RemotingTooMuchRequestException: sendDefaultImpl call timeout",
            SendError::RetriesExhausted => "MQClientException: Send [N] times, still failed",
            SendError::NoRoute => "MQClientException: No route info of this topic",
            SendError::BrokerBusy => "MQBrokerException: CODE: 2 [OVERLOAD] system busy",
            SendError::ConnectionClosed => "RemotingSendRequestException: send request to master failed",
            SendError::SystemError => "MQBrokerException: CODE: 1 DESC: in-sync replicas not enough",
            SendError::MasterPersistenceTimeout => {
                "ProxyTimeoutException: MASTER_PERSISTENCE_TIMEOUT send message failed, sendStatus=FLUSH_DISK_TIMEOUT"
            }
            SendError::SlavePersistenceTimeout => {
                "ProxyTimeoutException: SLAVE_PERSISTENCE_TIMEOUT send message failed, sendStatus=FLUSH_SLAVE_TIMEOUT"
            }
            SendError::HaNotAvailable => {
                "InternalErrorException: HA_NOT_AVAILABLE send message failed, sendStatus=SLAVE_NOT_AVAILABLE"
            }
            SendError::InternalServerError => "InternalErrorException: INTERNAL_SERVER_ERROR",
            SendError::ProxyTimeout => "ProxyTimeoutException: PROXY_TIMEOUT",
            SendError::TooManyRequests => "TooManyRequestsException: TOO_MANY_REQUESTS",
            SendError::DeadlineExceeded => "StatusRuntimeException: DEADLINE_EXCEEDED (requestTimeout)",
            SendError::Unavailable => "StatusRuntimeException: UNAVAILABLE",
        }
    }
}

/// What a consumption returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum ConsumeResult {
    #[serde(rename = "CONSUME_SUCCESS")]
    Success,
    #[serde(rename = "RECONSUME_LATER")]
    ReconsumeLater,
    /// The listener threw; RocketMQ treats it as `RECONSUME_LATER`.
    #[serde(rename = "EXCEPTION")]
    Exception,
}

impl ConsumeResult {
    pub fn name(self) -> &'static str {
        match self {
            ConsumeResult::Success => "CONSUME_SUCCESS",
            ConsumeResult::ReconsumeLater => "RECONSUME_LATER",
            ConsumeResult::Exception => "EXCEPTION (counts as RECONSUME_LATER)",
        }
    }
}

/// How a machine went down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum CrashKind {
    /// The process died; the OS keeps the page cache and writes it back.
    ProcessCrash,
    /// The machine lost power: the page cache is gone.
    PowerLoss,
    /// The disk is destroyed.
    DiskLost,
    /// A clean stop (`SLAVE_DOWN`): the page cache is flushed on shutdown.
    CleanStop,
}

impl CrashKind {
    pub fn name(self) -> &'static str {
        match self {
            CrashKind::ProcessCrash => "process crashed",
            CrashKind::PowerLoss => "lost power",
            CrashKind::DiskLost => "lost its disk",
            CrashKind::CleanStop => "stopped cleanly",
        }
    }
}

/// A network link of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Link {
    /// master ↔ slave (HA replication).
    MasterSlave,
    /// producer ↔ master.
    ProducerMaster,
}

impl Link {
    pub fn name(self) -> &'static str {
        match self {
            Link::MasterSlave => "master<->slave",
            Link::ProducerMaster => "producer<->master",
        }
    }
}

/// Which consume queue of the group a delivery came from: a queue of the producer's topic, or
/// the retry topic's one queue (spec §5: `%RETRY%<group>` is created with one queue,
/// `SubscriptionGroupConfig.retryQueueNums`). Serialized as its name (`"TopicTest#2"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QueueKind {
    /// `TopicTest`, queue `queueId` (one of the topic's `readQueueNums`).
    Main(u8),
    /// `%RETRY%<group>`, queue 0.
    Retry,
}

impl QueueKind {
    /// The topic whose consume queue this is.
    pub fn topic(self) -> Topic {
        match self {
            QueueKind::Main(_) => Topic::Main,
            QueueKind::Retry => Topic::Retry,
        }
    }

    /// The queue's `queueId` in its topic.
    pub fn queue_id(self) -> u8 {
        match self {
            QueueKind::Main(q) => q,
            QueueKind::Retry => 0,
        }
    }
}

impl serde::Serialize for QueueKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `TopicTest#2` (queue 2 of the producer's topic), `%RETRY%`.
impl fmt::Display for QueueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueueKind::Main(q) => write!(f, "TopicTest#{q}"),
            QueueKind::Retry => f.write_str("%RETRY%"),
        }
    }
}

/// Which flow-control rule of `DefaultMQPushConsumerImpl.pullMessage` deferred a pull.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum FlowControl {
    /// More than `pullThresholdForQueue` messages cached.
    Count { cached: u64 },
    /// More than `pullThresholdSizeForQueue` MiB of bodies cached.
    Size { cached_mib: u64 },
    /// The process queue spans more than `consumeConcurrentlyMaxSpan` offsets.
    Span { span: u64 },
}

/// Why the proxy stopped auto-renewing a gRPC consumer's message (`DefaultReceiptHandleManager`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum RenewEnd {
    /// `renewMaxTimeMillis` (3 h) since the pop passed: `STOP_RENEW` sets the group retry
    /// policy's `nextDelayDuration(reconsumeTimes)`.
    MaxTime,
    /// The client's channel expired (`CLIENT_UNREGISTER`): `CLEAR_GROUP` sets
    /// `invisibleTimeMillisWhenClear` (1 s).
    ClientGone,
    /// `maxRenewRetryTimes` (3) renewals failed in a row: the handle is dropped, nothing changed.
    RetriesExhausted,
}

/// How a consume offset reached the broker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum OffsetVia {
    /// `persistConsumerOffsetInterval`'s periodic `persistAll`.
    Persist,
    /// The `commitOffset` carried by a pull request.
    Pull,
    /// The slave's `SlaveSynchronize` copied the master's offset table (every 10 s).
    SlaveSync,
}

/// Why the run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum EndReason {
    /// Nothing was pending any more.
    Quiescent,
    /// The scenario's `until` was reached.
    TimeLimit,
    /// The event limit was hit: a reported outcome, never a hang.
    EventLimit,
}

/// One fact of the run. `seq` is the global insertion counter that orders same-time events.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    pub at: SimTime,
    pub seq: u64,
    pub kind: EventKind,
}

/// Why a readable copy vanished.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum LossReason {
    /// It was only in the node's page cache when the node lost power.
    PageCacheLost { node: NodeId, at: SimTime, behind: u64 },
    /// The node's disk was destroyed.
    DiskLost { node: NodeId, at: SimTime },
    /// It was still in the off-heap write buffer (`transientStorePoolEnable`) when the broker
    /// process died (spec §2c).
    WriteBufferLost { node: NodeId, at: SimTime, uncommitted: u64 },
    /// Only the slave holds it, and the master restarted behind it (spec §4b).
    SlaveOnly { gap: u64 },
    /// Controller mode: the node rejoined under master epoch `epoch` and truncated its log to
    /// the last point it shared with the new master; only it held this copy (spec 5 §4).
    TruncatedOnRejoin { node: NodeId, at: SimTime, epoch: u32 },
    /// Controller mode: the master lost it in a restart that came before the controller
    /// declared it dead, stayed master of `epoch` and rewrote the epoch's start; the slave
    /// `node` that held it truncated it at its next handshake (`truncated`), or finds no
    /// consistent point and keeps it where consumers never read it (spec 5 §4).
    MasterRestartedInPlace { node: NodeId, at: SimTime, epoch: u32, truncated: bool },
}

/// Everything that can happen, in the past tense.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum EventKind {
    /// The producer put a send attempt on the wire, to `TopicTest` queue `queue` (the one
    /// `selectOneMessageQueue` picked); `arrives_at` is None when it can never arrive.
    SendAttempted { msg: MsgId, attempt: u32, queue: u8, arrives_at: Option<SimTime> },
    /// An attempt failed on the client side; the producer may try again at once.
    AttemptFailed { msg: MsgId, attempt: u32, error: SendError },
    /// The producer received a `SendStatus` (SYNC returned; ASYNC's `onSuccess` fired).
    SendAnswered { msg: MsgId, attempt: u32, status: SendStatus, callback: bool },
    /// The producer gave up and the application saw an exception (ASYNC: `onException`).
    SendFailed { msg: MsgId, error: SendError, callback: bool },
    /// A later attempt failed with `error`, and SYNC `send()` returned the `status` that attempt
    /// `attempt` had returned instead of throwing (`retryAnotherBrokerWhenNotStoreOK`, client §1).
    SendReturnedEarlierResult { msg: MsgId, attempt: u32, status: SendStatus, error: SendError },
    /// A ONEWAY send left: no answer will ever come.
    OnewaySent { msg: MsgId },
    /// The proxy answered a gRPC producer's attempt (spec 5 §5): `from`, what the broker said
    /// (a `SendStatus`, a refusal, or the proxy's own failure), became `code` (`OK` or an error).
    ProxyAnswered { msg: MsgId, attempt: u32, from: &'static str, code: &'static str },
    /// The application persisted a failed message to send it again at `at`.
    ResendScheduled { msg: MsgId, resend_at: SimTime },
    /// A response reached a client that had already timed out the request; it was dropped.
    LateResponseDropped { msg: MsgId, attempt: u32, status: SendStatus },
    /// A request reached a broker that could not take it.
    RequestLost { msg: MsgId, attempt: u32, why: &'static str },
    /// A message was appended to a broker's commit log (its page cache), for queue `queue_id` of
    /// its topic.
    Appended { node: NodeId, msg: MsgId, topic: Topic, queue_id: u8, offset: u64, size: u64, reconsume_times: u32 },
    /// A flush started; it will make everything up to `to` durable at `done_at`.
    FlushStarted { node: NodeId, from: u64, to: u64, done_at: SimTime },
    /// `CommitRealTimeService` copied the write buffer's bytes `from..to` into the page cache.
    Committed { from: u64, to: u64 },
    /// Bytes up to `offset` are durable on the node's disk.
    Flushed { node: NodeId, offset: u64 },
    /// The broker answered a put; the response reaches the producer at `arrives_at`.
    PutAnswered { msg: MsgId, attempt: u32, status: SendStatus, arrives_at: SimTime },
    /// The master refused a request (`MQBrokerException`).
    PutRefused { msg: MsgId, attempt: u32 },
    /// A 5.x master with `enableSlaveActingMaster` found fewer replicas in sync (`in_sync`, the
    /// master included) than the put needs (`need_ack_nums`) and refused it before appending:
    /// `IN_SYNC_REPLICAS_NOT_ENOUGH`, answered as `SYSTEM_ERROR` (spec 5 §3).
    InSyncReplicasNotEnough { msg: MsgId, attempt: u32, in_sync: u32, need_ack_nums: u32 },
    /// A 5.x slave refused a pull (`PullMessageProcessor.rejectRequest`: `slaveReadEnable` is
    /// false): `SYSTEM_BUSY [REJECTREQUEST]`; the consumer tries again at `again_at` (spec 5 §2).
    PullRejected { node: NodeId, queue: QueueKind, again_at: SimTime },
    /// The master pushed commit-log bytes to the slave. (`slave`: which one; the first slave's
    /// events carry no `slave` field in JSON and read as before.)
    ReplicaSent { from: u64, to: u64, arrives_at: SimTime, #[serde(skip_serializing_if = "NodeId::is_first_slave")] slave: NodeId },
    /// The slave appended the master's bytes up to `offset`.
    ReplicaReceived { offset: u64, #[serde(skip_serializing_if = "NodeId::is_first_slave")] slave: NodeId },
    /// The master learned the slave holds everything up to `offset` (`push2SlaveMaxOffset` when
    /// it is the largest report).
    SlaveAcked { offset: u64, #[serde(skip_serializing_if = "NodeId::is_first_slave")] slave: NodeId },
    /// The slave opened a new HA connection; it will report `slave_offset` one heartbeat later.
    SlaveConnected { slave_offset: u64, #[serde(skip_serializing_if = "NodeId::is_first_slave")] slave: NodeId },
    /// The slave's first report on its connection: the master pushes from `transfer_from`.
    SlaveReported { slave_offset: u64, transfer_from: u64, #[serde(skip_serializing_if = "NodeId::is_first_slave")] slave: NodeId },
    /// The master lost its slave connection.
    SlaveDisconnected { why: &'static str, #[serde(skip_serializing_if = "NodeId::is_first_slave")] slave: NodeId },
    /// Controller mode: the controller elected `broker` master for `epoch`; it held `offset`
    /// bytes (`unclean`: from outside the SyncStateSet, `enableElectUncleanMaster`).
    MasterElected { broker: u32, epoch: u32, offset: u64, unclean: bool },
    /// Controller mode: no live broker could be elected; the group has no master.
    NoMasterElected { epoch: u32, sync_state_set: String },
    /// Controller mode: the elected broker became master (`changeToMaster`) at `node`.
    RoleChanged { broker: u32, node: NodeId, epoch: u32 },
    /// Controller mode: the SyncStateSet changed (`how`: shrunk or grew).
    SyncStateSetChanged { sync_state_set: String, epoch: u32, how: &'static str },
    /// Controller mode: a replica rejoining under epoch `epoch` cut its log to `to`
    /// (`AutoSwitchHAClient.doTruncate`), `cut` bytes.
    LogTruncated { node: NodeId, broker: u32, to: u64, cut: u64, epoch: u32 },
    /// Controller mode: the controller is reachable and running again.
    ControllerBack,
    /// Controller mode: the master restarted before the controller declared it dead and was told
    /// it is still master of `epoch`; its `changeToMaster` rewrote that epoch's start in its
    /// epoch file from `from` to its recovered end `to`.
    EpochStartRewritten { broker: u32, epoch: u32, from: u64, to: u64 },
    /// Controller mode: a slave's HA handshake found no consistent point with the master's epoch
    /// file (`findConsistentPoint` = -1): it replicates nothing from this master.
    NoConsistentPoint { node: NodeId, broker: u32, epoch: u32 },
    /// A restarted master is behind its slave: master-slave replication without controller mode
    /// does not reconcile (spec §4b). Controller mode never logs it: the slave's handshake
    /// truncates it to the master first (`replicas_manager`).
    MasterBehindSlave { master_offset: u64, slave_offset: u64 },
    /// A fault began.
    FaultInjected { kind: crate::scenario::FaultKind, target: crate::scenario::FaultTarget, until: Option<SimTime> },
    /// A fault could not apply (a crash of a process that is not running, a shorter outage
    /// inside a longer one …): nothing changed (see `sim::faults` for the rules).
    FaultRefused { kind: crate::scenario::FaultKind, target: crate::scenario::FaultTarget, why: crate::sim::FaultRefusal },
    /// A broker already down was hit again (`how`: its power or disk; or its machine came back
    /// while its process stays down): it restarts at `restart_at` (never, if None).
    BrokerStillDown { node: NodeId, how: CrashKind, restart_at: Option<SimTime> },
    /// A fault with a duration ended (disk back to normal, partition healed).
    FaultEnded { kind: crate::scenario::FaultKind, target: crate::scenario::FaultTarget },
    /// A broker went down.
    BrokerDown { node: NodeId, how: CrashKind, written: u64, flushed: u64 },
    /// A broker came back and recovered its commit log up to `recovered_to`.
    BrokerRestarted { node: NodeId, recovered_to: u64, truncated: u64 },
    /// A stored copy of a message can no longer be read by any consumer.
    CopyLost { msg: MsgId, node: NodeId, topic: Topic, why: LossReason },
    /// The consumers' route changed: they now pull from `node`.
    RouteChanged { consumers_read_from: NodeId },
    /// The consumer group came online (or restarted) at these offsets, one per queue it reads;
    /// `None`: the queue's offset could not be read and the queue waits for a later rebalance.
    ConsumerStarted { offsets: Vec<(QueueKind, Option<u64>)> },
    /// A (re)started consumer could not read a queue's offset (`READ_FROM_STORE`) from `node`,
    /// which is down: the rebalance skips the queue and tries again at `retry_at`.
    OffsetQueryFailed { queue: QueueKind, node: NodeId, retry_at: SimTime },
    /// A later rebalance read a skipped queue's offset from `node`; the consumer pulls it from there.
    QueueAssigned { queue: QueueKind, node: NodeId, offset: u64 },
    /// The consumer process died; everything in its process queues is dropped.
    ConsumerCrashed { in_flight: u32 },
    /// A pull returned messages; they travel to the consumer and arrive at `arrives_at`.
    /// `msgs` lists the messages it carries, in queue order (not part of the log line).
    Pulled { node: NodeId, queue: QueueKind, from: u64, count: u32, arrives_at: SimTime, msgs: Vec<MsgId> },
    /// A message reached the consumer and a consume thread took it.
    Delivered { msg: MsgId, queue: QueueKind, queue_offset: u64, reconsume_times: u32, done_at: SimTime },
    /// A consumption ended.
    Consumed { msg: MsgId, result: ConsumeResult, reconsume_times: u32 },
    /// The broker wrote a failed message to `SCHEDULE_TOPIC_XXXX`, due at `due_at` (then `%RETRY%`).
    RetryScheduled { msg: MsgId, delay_level: u32, due_at: SimTime, reconsume_times: u32 },
    /// The schedule service moved a due message into `%RETRY%<group>`.
    RetryDue { msg: MsgId, reconsume_times: u32 },
    /// `sendMessageBack` threw, and the client sends the message to `%RETRY%<group>` itself with
    /// `reconsumeTimes` (`RECONSUME_TIME`) as given (client spec §7).
    SendBackFallback { msg: MsgId, reconsume_times: u32 },
    /// `sendMessageBack` failed (no master): the client consumes the message again in 5 s.
    ConsumeRetriedLocally { msg: MsgId, again_at: SimTime },
    /// After `maxReconsumeTimes` retries the broker wrote the message to `%DLQ%<group>`.
    DeadLettered { msg: MsgId, reconsume_times: u32 },
    /// The DLQ consumer read a dead-lettered message and compensated.
    Compensated { msg: MsgId },
    /// gRPC consumer: broker `node` popped `msg` for the proxy (`PopMessageProcessor`). On the
    /// master the group's offset moved past it and a checkpoint keeps it invisible until
    /// `invisible_until`; on a slave (the proxy's read route lost the master, spec 5 §5) the
    /// checkpoint could not be stored and the offset moved only in the slave's memory.
    Popped { msg: MsgId, queue: QueueKind, queue_offset: u64, reconsume_times: u32, invisible_until: SimTime, node: NodeId },
    /// gRPC consumer: the broker took the ack of `msg` (`AckMessageProcessor`): its checkpoint is done.
    PopAcked { msg: MsgId },
    /// gRPC consumer: `msg` stays invisible until `visible_at`: a nack with the retry policy's
    /// backoff (`ChangeInvisibleTimeProcessor`), or (`renewed`) the proxy's auto-renew.
    InvisibleTimeChanged { msg: MsgId, visible_at: SimTime, renewed: bool },
    /// gRPC consumer: the proxy stopped auto-renewing `msg` and dropped its receipt handle
    /// (`DefaultReceiptHandleManager`), `why`; it made the message visible at `visible_at`, or
    /// (`None`) changed nothing (the broker was down, or the renewals kept failing).
    RenewEnded { msg: MsgId, why: RenewEnd, visible_at: Option<SimTime> },
    /// gRPC consumer: `PopReviveService` found `msg`'s checkpoint unacked after its invisible time
    /// and wrote it to the group's retry topic with `reconsume_times`.
    Revived { msg: MsgId, reconsume_times: u32 },
    /// A consume offset reached a broker.
    OffsetCommitted { node: NodeId, queue: QueueKind, offset: u64, via: OffsetVia },
    /// Flow control deferred a queue's pull; it is tried again at `again_at` (logged once per episode).
    PullFlowControlled { queue: QueueKind, why: FlowControl, again_at: SimTime },
    /// A pull asked for an offset past the queue's end; the broker corrected it.
    OffsetCorrected { queue: QueueKind, from: u64, to: u64 },
    /// The run follows RocketMQ `version`'s rules (logged first, and only when the version is
    /// not 4.9.8, so every 4.9.8 log and digest is the one it was before versions existed).
    VersionSelected { version: crate::rocketmq_version::RocketMqVersion },
    /// The run stopped.
    RunEnded { reason: EndReason },
}

impl EventKind {
    /// The message this event is about, if it is about one.
    pub fn msg(&self) -> Option<MsgId> {
        use EventKind::*;
        match self {
            SendAttempted { msg, .. }
            | AttemptFailed { msg, .. }
            | SendAnswered { msg, .. }
            | SendFailed { msg, .. }
            | SendReturnedEarlierResult { msg, .. }
            | OnewaySent { msg }
            | ProxyAnswered { msg, .. }
            | ResendScheduled { msg, .. }
            | LateResponseDropped { msg, .. }
            | RequestLost { msg, .. }
            | Appended { msg, .. }
            | PutAnswered { msg, .. }
            | PutRefused { msg, .. }
            | InSyncReplicasNotEnough { msg, .. }
            | CopyLost { msg, .. }
            | Delivered { msg, .. }
            | Consumed { msg, .. }
            | RetryScheduled { msg, .. }
            | RetryDue { msg, .. }
            | ConsumeRetriedLocally { msg, .. }
            | SendBackFallback { msg, .. }
            | DeadLettered { msg, .. }
            | Popped { msg, .. }
            | PopAcked { msg }
            | InvisibleTimeChanged { msg, .. }
            | RenewEnded { msg, .. }
            | Revived { msg, .. }
            | Compensated { msg } => Some(*msg),
            _ => None,
        }
    }

    /// A stable short name of the variant, for filters (`"Appended"`, `"CopyLost"` …).
    pub fn kind_name(&self) -> &'static str {
        use EventKind::*;
        match self {
            SendAttempted { .. } => "SendAttempted",
            AttemptFailed { .. } => "AttemptFailed",
            SendAnswered { .. } => "SendAnswered",
            SendFailed { .. } => "SendFailed",
            SendReturnedEarlierResult { .. } => "SendReturnedEarlierResult",
            OnewaySent { .. } => "OnewaySent",
            ProxyAnswered { .. } => "ProxyAnswered",
            ResendScheduled { .. } => "ResendScheduled",
            LateResponseDropped { .. } => "LateResponseDropped",
            RequestLost { .. } => "RequestLost",
            Appended { .. } => "Appended",
            FlushStarted { .. } => "FlushStarted",
            Flushed { .. } => "Flushed",
            Committed { .. } => "Committed",
            PutAnswered { .. } => "PutAnswered",
            PutRefused { .. } => "PutRefused",
            InSyncReplicasNotEnough { .. } => "InSyncReplicasNotEnough",
            PullRejected { .. } => "PullRejected",
            VersionSelected { .. } => "VersionSelected",
            ReplicaSent { .. } => "ReplicaSent",
            ReplicaReceived { .. } => "ReplicaReceived",
            SlaveAcked { .. } => "SlaveAcked",
            SlaveConnected { .. } => "SlaveConnected",
            SlaveReported { .. } => "SlaveReported",
            SlaveDisconnected { .. } => "SlaveDisconnected",
            MasterBehindSlave { .. } => "MasterBehindSlave",
            MasterElected { .. } => "MasterElected",
            NoMasterElected { .. } => "NoMasterElected",
            RoleChanged { .. } => "RoleChanged",
            SyncStateSetChanged { .. } => "SyncStateSetChanged",
            LogTruncated { .. } => "LogTruncated",
            ControllerBack => "ControllerBack",
            EpochStartRewritten { .. } => "EpochStartRewritten",
            NoConsistentPoint { .. } => "NoConsistentPoint",
            FaultInjected { .. } => "FaultInjected",
            FaultEnded { .. } => "FaultEnded",
            FaultRefused { .. } => "FaultRefused",
            BrokerStillDown { .. } => "BrokerStillDown",
            BrokerDown { .. } => "BrokerDown",
            BrokerRestarted { .. } => "BrokerRestarted",
            CopyLost { .. } => "CopyLost",
            RouteChanged { .. } => "RouteChanged",
            ConsumerStarted { .. } => "ConsumerStarted",
            OffsetQueryFailed { .. } => "OffsetQueryFailed",
            QueueAssigned { .. } => "QueueAssigned",
            ConsumerCrashed { .. } => "ConsumerCrashed",
            Pulled { .. } => "Pulled",
            Delivered { .. } => "Delivered",
            Consumed { .. } => "Consumed",
            RetryScheduled { .. } => "RetryScheduled",
            RetryDue { .. } => "RetryDue",
            ConsumeRetriedLocally { .. } => "ConsumeRetriedLocally",
            SendBackFallback { .. } => "SendBackFallback",
            DeadLettered { .. } => "DeadLettered",
            Compensated { .. } => "Compensated",
            Popped { .. } => "Popped",
            PopAcked { .. } => "PopAcked",
            InvisibleTimeChanged { .. } => "InvisibleTimeChanged",
            RenewEnded { .. } => "RenewEnded",
            Revived { .. } => "Revived",
            OffsetCommitted { .. } => "OffsetCommitted",
            PullFlowControlled { .. } => "PullFlowControlled",
            OffsetCorrected { .. } => "OffsetCorrected",
            RunEnded { .. } => "RunEnded",
        }
    }
}

fn kib(bytes: u64) -> String {
    if bytes % 1024 == 0 {
        format!("{}KiB", bytes / 1024)
    } else {
        format!("{}B", bytes)
    }
}

/// A byte count for sentences: `812 B`, `53.8 KiB`, `1.2 MiB` (integer arithmetic only).
pub fn bytes(n: u64) -> String {
    if n < 1024 {
        format!("{n} B")
    } else if n < 1024 * 1024 {
        format!("{}.{} KiB", n / 1024, (n % 1024) * 10 / 1024)
    } else {
        format!("{}.{} MiB", n >> 20, (n % (1 << 20)) * 10 / (1 << 20))
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={} #{} ", self.at, self.seq)?;
        fmt::Display::fmt(&self.kind, f)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use EventKind::*;
        match self {
            SendAttempted { msg, attempt, queue, arrives_at: Some(t) } => {
                write!(f, "producer sent {msg} attempt {attempt} to {}, arrives {t}", QueueKind::Main(*queue))
            }
            SendAttempted { msg, attempt, queue, arrives_at: None } => {
                write!(f, "producer sent {msg} attempt {attempt} to {}, master unreachable", QueueKind::Main(*queue))
            }
            AttemptFailed { msg, attempt, error } => match error.grpc_code() {
                Some(code) => write!(f, "producer attempt {attempt} of {msg} failed: {} {code}", error.name()),
                None => write!(f, "producer attempt {attempt} of {msg} failed: {}", error.name()),
            },
            SendAnswered { msg, attempt, status, callback } => {
                let how = if *callback { "onSuccess" } else { "send returned" };
                write!(f, "producer got {} for {msg} (attempt {attempt}, {how})", status.name())
            }
            SendFailed { msg, error, callback } => {
                let how = if *callback { "onException" } else { "send threw" };
                write!(f, "producer saw {} for {msg} ({how})", error.describe())
            }
            SendReturnedEarlierResult { msg, attempt, status, error } => write!(
                f,
                "producer's retry of {msg} failed ({}); send returned the {} of attempt {attempt}, its last returned result",
                error.name(),
                status.name()
            ),
            OnewaySent { msg } => write!(f, "producer sent {msg} ONEWAY: no answer will come"),
            ProxyAnswered { msg, attempt, from, code } => {
                write!(f, "proxy answered {code} for {msg} attempt {attempt} ({from})")
            }
            ResendScheduled { msg, resend_at } => {
                write!(f, "application persisted {msg} to resend at {resend_at}")
            }
            LateResponseDropped { msg, attempt, status } => write!(
                f,
                "producer dropped a late {} for {msg} attempt {attempt}: it had timed out",
                status.name()
            ),
            RequestLost { msg, attempt, why } => {
                write!(f, "master never processed {msg} attempt {attempt}: {why}")
            }
            Appended { node, msg, topic, queue_id, offset, size, reconsume_times } => write!(
                f,
                "{} appended {msg} to {} page cache offset={offset} size={size} reconsumeTimes={reconsume_times}",
                node.name(),
                match topic {
                    Topic::Main => QueueKind::Main(*queue_id).to_string(),
                    _ => topic.label().to_string(),
                }
            ),
            FlushStarted { node, from, to, done_at } => write!(
                f,
                "{} started a flush of {} (offset {from}..{to}), done {done_at}",
                node.name(),
                kib(to - from)
            ),
            Flushed { node, offset } => write!(f, "{} flushed offset={offset}", node.name()),
            Committed { from, to } => write!(
                f,
                "master committed {} from its write buffer to the page cache (offset {from}..{to})",
                kib(to - from)
            ),
            PutAnswered { msg, attempt, status, arrives_at } => write!(
                f,
                "master answered {} for {msg} attempt {attempt}, reaches producer {arrives_at}",
                status.name()
            ),
            PutRefused { msg, attempt } => {
                write!(f, "master refused {msg} attempt {attempt}: SYSTEM_BUSY")
            }
            InSyncReplicasNotEnough { msg, attempt, in_sync, need_ack_nums } => write!(
                f,
                "master refused {msg} attempt {attempt} before appending it: IN_SYNC_REPLICAS_NOT_ENOUGH ({in_sync} in sync, needs {need_ack_nums}), answered SYSTEM_ERROR"
            ),
            PullRejected { node, queue, again_at } => write!(
                f,
                "{} refused the {} pull: SYSTEM_BUSY [REJECTREQUEST] (slaveReadEnable = false); consumer tries again {again_at}",
                node.name(),
                queue
            ),
            VersionSelected { version } => write!(f, "run follows RocketMQ {version}'s rules"),
            ReplicaSent { from, to, arrives_at, slave } => {
                write!(f, "master pushed offset {from}..{to} to {}, arrives {arrives_at}", slave.name())
            }
            ReplicaReceived { offset, slave } => write!(f, "{} appended up to offset={offset}", slave.name()),
            SlaveAcked { offset, slave } => write!(f, "master saw {} ack offset={offset}", slave.name()),
            SlaveConnected { slave_offset, slave } => {
                write!(f, "{} connected to master at offset={slave_offset}", slave.name())
            }
            SlaveReported { slave_offset, transfer_from, slave } => write!(
                f,
                "{} reported offset={slave_offset}; master pushes from offset={transfer_from}",
                slave.name()
            ),
            SlaveDisconnected { why, slave } => write!(f, "master lost its {}: {why}", slave.name()),
            MasterElected { broker, epoch, offset, unclean } => write!(
                f,
                "controller elected broker {broker} master, epoch {epoch}, at offset={offset}{}",
                if *unclean { " (unclean: outside the SyncStateSet)" } else { "" }
            ),
            NoMasterElected { epoch, sync_state_set } => write!(
                f,
                "controller found no live broker to elect (SyncStateSet {sync_state_set}, epoch {epoch}): the group has no master"
            ),
            RoleChanged { broker, node, epoch } => {
                write!(f, "broker {broker} became {} (SYNC_MASTER), epoch {epoch}", node.name())
            }
            SyncStateSetChanged { sync_state_set, epoch, how } => {
                write!(f, "SyncStateSet {how} to {sync_state_set} (epoch {epoch})")
            }
            LogTruncated { node, broker, to, cut, epoch } => write!(
                f,
                "broker {broker} ({}) truncated its log to offset={to} to follow epoch {epoch}: {} cut",
                node.name(),
                kib(*cut)
            ),
            ControllerBack => write!(f, "controller is back"),
            EpochStartRewritten { broker, epoch, from, to } => write!(
                f,
                "broker {broker} restarted before the controller declared it dead and is master of epoch {epoch} again: changeToMaster rewrote the epoch's start in its epoch file from offset={from} to offset={to}"
            ),
            NoConsistentPoint { node, broker, epoch } => write!(
                f,
                "broker {broker} ({}) found no consistent point with the master's epoch file (epoch {epoch} starts elsewhere, no earlier epoch shared): its HA handshake fails and it replicates nothing from this master",
                node.name()
            ),
            MasterBehindSlave { master_offset, slave_offset } => write!(
                f,
                "master restarted {} behind its slave (master {master_offset}, slave {slave_offset}); master-slave replication (without controller mode) does not reconcile",
                kib(slave_offset - master_offset)
            ),
            FaultInjected { kind, target, until: Some(u) } => {
                write!(f, "fault {} on {} until {u}", kind.name(), target.name())
            }
            FaultInjected { kind, target, until: None } => {
                write!(f, "fault {} on {} for the rest of the run", kind.name(), target.name())
            }
            FaultEnded { kind, target } => {
                write!(f, "fault {} on {} ended", kind.name(), target.name())
            }
            FaultRefused { kind, target, why } => {
                write!(f, "fault {} on {} not applied: {why}", kind.name(), target.name())
            }
            BrokerStillDown { node, how, restart_at: Some(t) } => {
                write!(f, "{} stays down ({}); it restarts at {t}", node.name(), how.name())
            }
            BrokerStillDown { node, how, restart_at: None } => {
                write!(f, "{} stays down ({}); no restart is planned", node.name(), how.name())
            }
            BrokerDown { node, how, written, flushed } => write!(
                f,
                "{} {} with written={written} flushed={flushed} ({} unflushed)",
                node.name(),
                how.name(),
                kib(written - flushed)
            ),
            BrokerRestarted { node, recovered_to, truncated } => write!(
                f,
                "{} restarted, recovered commit log to offset={recovered_to} (truncated {})",
                node.name(),
                kib(*truncated)
            ),
            CopyLost { msg, node, topic, why } => {
                write!(f, "{msg} lost from {} {}: {why}", node.name(), topic.label())
            }
            RouteChanged { consumers_read_from } => {
                write!(f, "route changed: consumers now read from {}", consumers_read_from.name())
            }
            ConsumerStarted { offsets } => {
                let at = |o: &Option<u64>| o.map_or_else(|| "unknown (skipped)".to_string(), |o| o.to_string());
                let list: Vec<String> = offsets.iter().map(|(q, o)| format!("{q} offset={}", at(o))).collect();
                write!(f, "consumer started at {}", list.join(" "))
            }
            OffsetQueryFailed { queue, node, retry_at } => write!(
                f,
                "consumer could not read its {} offset from {} (down): queue skipped until the rebalance at {retry_at}",
                queue,
                node.name()
            ),
            QueueAssigned { queue, node, offset } => write!(
                f,
                "consumer rebalance read {} offset={offset} from {}; pulls it again",
                queue,
                node.name()
            ),
            ConsumerCrashed { in_flight } => {
                write!(f, "consumer crashed with {in_flight} messages in its process queues")
            }
            Pulled { node, queue, from, count, arrives_at, .. } => write!(
                f,
                "consumer pulled {count} from {} {} offset={from}, arrive {arrives_at}",
                node.name(),
                queue
            ),
            Delivered { msg, queue, queue_offset, reconsume_times, done_at } => write!(
                f,
                "consumer got {msg} from {} offset={queue_offset} reconsumeTimes={reconsume_times}, done {done_at}",
                queue
            ),
            Consumed { msg, result, reconsume_times } => write!(
                f,
                "consumer returned {} for {msg} reconsumeTimes={reconsume_times}",
                result.name()
            ),
            RetryScheduled { msg, delay_level, due_at, reconsume_times } => write!(
                f,
                "master scheduled {msg} retry reconsumeTimes={reconsume_times} delayLevel={delay_level} due {due_at}"
            ),
            RetryDue { msg, reconsume_times } => {
                write!(f, "master moved {msg} to %RETRY% reconsumeTimes={reconsume_times}")
            }
            SendBackFallback { msg, reconsume_times } => write!(
                f,
                "consumer's sendMessageBack of {msg} failed; its client sends it to %RETRY% itself, reconsumeTimes={reconsume_times}"
            ),
            ConsumeRetriedLocally { msg, again_at } => {
                write!(f, "consumer could not send {msg} back; consumes it again at {again_at}")
            }
            DeadLettered { msg, reconsume_times } => {
                write!(f, "master wrote {msg} to %DLQ% after reconsumeTimes={reconsume_times}")
            }
            Compensated { msg } => write!(f, "DLQ consumer compensated {msg}"),
            Popped { msg, queue, queue_offset, reconsume_times, invisible_until, node: NodeId::Master } => write!(
                f,
                "master popped {msg} from {queue} offset={queue_offset} reconsumeTimes={reconsume_times} for the proxy; invisible until {invisible_until}"
            ),
            Popped { msg, queue, queue_offset, reconsume_times, node, .. } => write!(
                f,
                "{} popped {msg} from {queue} offset={queue_offset} reconsumeTimes={reconsume_times} for the proxy; its checkpoint could not be stored (SERVICE_NOT_AVAILABLE): nothing will revive it, and the pop offset moved only in the slave's memory",
                node.name()
            ),
            PopAcked { msg } => write!(f, "master took the ack of {msg} and closed its checkpoint"),
            InvisibleTimeChanged { msg, visible_at, renewed: false } => {
                write!(f, "consumer nacked {msg} with changeInvisibleDuration: invisible until {visible_at}")
            }
            InvisibleTimeChanged { msg, visible_at, renewed: true } => {
                write!(f, "proxy renewed the invisible time of {msg} until {visible_at}")
            }
            RenewEnded { msg, why, visible_at } => {
                match why {
                    RenewEnd::MaxTime => write!(
                        f,
                        "proxy stopped renewing {msg}: renewMaxTimeMillis (3h) since its pop has passed (STOP_RENEW, the group retry policy's delay)"
                    )?,
                    RenewEnd::ClientGone => write!(
                        f,
                        "proxy cleared the receipt handle of {msg}: its client's channel expired, no heartbeat for channelExpiredTimeout (120s) (CLEAR_GROUP, invisibleTimeMillisWhenClear)"
                    )?,
                    RenewEnd::RetriesExhausted => write!(
                        f,
                        "proxy dropped the receipt handle of {msg} after maxRenewRetryTimes (3) failed renewals"
                    )?,
                }
                match visible_at {
                    Some(t) => write!(f, "; invisible until {t}"),
                    None if *why == RenewEnd::RetriesExhausted => Ok(()),
                    None => write!(f, "; the broker was down: nothing changed"),
                }
            }
            Revived { msg, reconsume_times } => write!(
                f,
                "revive service found the checkpoint of {msg} unacked; wrote it to %RETRY% reconsumeTimes={reconsume_times}"
            ),
            OffsetCommitted { node, queue, offset, via } => write!(
                f,
                "{} stored consume offset {} = {offset} ({})",
                node.name(),
                queue,
                match via {
                    OffsetVia::Persist => "periodic persist",
                    OffsetVia::Pull => "carried by a pull",
                    OffsetVia::SlaveSync => "synced from the master",
                }
            ),
            PullFlowControlled { queue, why, again_at } => write!(
                f,
                "consumer flow control on {}: {}; pulls again at {again_at}",
                queue,
                match why {
                    FlowControl::Count { cached } => format!("{cached} messages cached > pullThresholdForQueue"),
                    FlowControl::Size { cached_mib } => format!("{cached_mib} MiB cached > pullThresholdSizeForQueue"),
                    FlowControl::Span { span } => format!("span {span} > consumeConcurrentlyMaxSpan"),
                }
            ),
            OffsetCorrected { queue, from, to } => {
                write!(f, "broker corrected {} pull offset {from} to {to}", queue)
            }
            RunEnded { reason } => write!(
                f,
                "run ended: {}",
                match reason {
                    EndReason::Quiescent => "nothing pending",
                    EndReason::TimeLimit => "time limit reached",
                    EndReason::EventLimit => "event limit reached",
                }
            ),
        }
    }
}

/// Formats a duration for cause sentences.
pub fn human(d: SimDuration) -> String {
    d.to_string()
}
