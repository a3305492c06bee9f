//! A scenario: the broker's knobs, the workload and the fault plan, plus the seed.
//!
//! Every field carries RocketMQ's own property name (in `broker.conf` or on the client) where
//! RocketMQ has one, and RocketMQ 4.9.8's default. Names the lab invented (the disk model, the
//! network latency, the failure policy) are marked as such. Scenario files are TOML
//! ([`parse`]); a Java-properties `broker.conf` can be imported onto a scenario ([`broker_conf`]);
//! the presets reproducing the seed note's claims ship with the crate ([`presets`]).

pub mod broker_conf;
pub mod link;
pub mod lite;
pub mod parse;
pub mod presets;
pub mod tour;

use crate::time::{SimDuration, SimTime};

pub use crate::rocketmq_version::{RocketMqVersion, VersionRules};
pub use parse::{parse_scenario, ScenarioError};

/// `flushDiskType`: when the master's commit log reaches the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FlushDiskType {
    /// `SYNC_FLUSH`: each send waits for a group-commit flush, up to `syncFlushTimeout`.
    #[serde(rename = "SYNC_FLUSH")]
    SyncFlush,
    /// `ASYNC_FLUSH` (default): a background service flushes every `flushIntervalCommitLog`.
    #[serde(rename = "ASYNC_FLUSH")]
    AsyncFlush,
}

/// `brokerRole` of the master (the lab's slave is always `SLAVE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BrokerRole {
    /// `SYNC_MASTER`: each send waits for the slave, up to `slaveTimeout`.
    #[serde(rename = "SYNC_MASTER")]
    SyncMaster,
    /// `ASYNC_MASTER` (default): replication runs in the background.
    #[serde(rename = "ASYNC_MASTER")]
    AsyncMaster,
}

impl FlushDiskType {
    pub fn name(self) -> &'static str {
        match self {
            FlushDiskType::SyncFlush => "SYNC_FLUSH",
            FlushDiskType::AsyncFlush => "ASYNC_FLUSH",
        }
    }
}

impl BrokerRole {
    pub fn name(self) -> &'static str {
        match self {
            BrokerRole::SyncMaster => "SYNC_MASTER",
            BrokerRole::AsyncMaster => "ASYNC_MASTER",
        }
    }
}

impl SendMode {
    pub fn name(self) -> &'static str {
        match self {
            SendMode::Sync => "SYNC",
            SendMode::Async => "ASYNC",
            SendMode::Oneway => "ONEWAY",
        }
    }
}

/// The producer's send mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SendMode {
    #[serde(rename = "SYNC")]
    Sync,
    #[serde(rename = "ASYNC")]
    Async,
    #[serde(rename = "ONEWAY")]
    Oneway,
}

/// Which client library talks to the cluster (`[producer] client`, `[consumer] client`; spec 5
/// §5). Lab name. The gRPC push consumer receives through the proxy, which POPs from the broker
/// (`sim::process_queue_impl`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Client {
    /// The remoting client (`DefaultMQProducer`, `DefaultMQPushConsumer`), talking to the broker.
    #[default]
    #[serde(rename = "remoting")]
    Remoting,
    /// `apache/rocketmq-clients` (Java), speaking gRPC to the proxy (5.x only).
    #[serde(rename = "grpc")]
    Grpc,
}

impl Client {
    pub fn name(self) -> &'static str {
        match self {
            Client::Remoting => "remoting",
            Client::Grpc => "grpc",
        }
    }
}

/// `[proxy] proxyMode` (`ProxyConfig.proxyMode`, default `CLUSTER`): how the proxy reaches the broker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub enum ProxyMode {
    /// A process of its own: it calls the broker over remoting with a 2 s timeout
    /// (`MessagingProcessor.DEFAULT_TIMEOUT_MILLS`).
    #[default]
    #[serde(rename = "CLUSTER")]
    Cluster,
    /// Inside the broker's process: it calls `SendMessageProcessor` directly and waits for its answer.
    #[serde(rename = "LOCAL")]
    Local,
}

/// `[proxy]` (5.3.3): the proxy between the gRPC clients and the broker.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyConfig {
    pub proxy_mode: ProxyMode,
}

/// What the application does in `onException` (ASYNC) or its `catch` block (SYNC). Lab name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum OnException {
    /// `LOG`: log the failure and drop the message.
    #[serde(rename = "LOG")]
    Log,
    /// `PERSIST_AND_RESEND`: keep the message locally and send it again later (the seed's
    /// "compensate later"), after `resendDelay`, up to `resendMaxTimes` times.
    #[serde(rename = "PERSIST_AND_RESEND")]
    PersistAndResend,
}

/// How a failing consumption reports itself (both count as `RECONSUME_LATER` in RocketMQ).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum FailWith {
    #[serde(rename = "RECONSUME_LATER")]
    ReconsumeLater,
    /// The listener throws; `ConsumeMessageConcurrentlyService` treats it as `RECONSUME_LATER`.
    #[serde(rename = "EXCEPTION")]
    Exception,
}

/// The consumer group's `groupRetryPolicy` type (`SubscriptionGroupConfig`, 5.x), which the proxy
/// hands to a gRPC consumer as its backoff policy (`GrpcClientSettingsManager`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub enum GroupRetryPolicy {
    /// `CUSTOMIZED` (default): `CustomizedRetryPolicy`'s list 1 s 5 s 10 s 30 s 1 m … 2 h; the
    /// client waits `next[attempt - 1]` (the last entry beyond the list).
    #[default]
    #[serde(rename = "CUSTOMIZED")]
    Customized,
    /// `EXPONENTIAL` at `ExponentialRetryPolicy`'s defaults: min(2 h, 5 s × 2^(attempt - 1)).
    #[serde(rename = "EXPONENTIAL")]
    Exponential,
}

impl GroupRetryPolicy {
    /// `CustomizedRetryPolicy`'s default `next` list (spec 5 §5): the 18 delay levels.
    pub const CUSTOMIZED_NEXT_SECS: [u64; 18] =
        [1, 5, 10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1_200, 1_800, 3_600, 7_200];

    /// The client's backoff before delivery attempt `attempt` + 1, after attempt `attempt` (≥ 1,
    /// the message's `reconsumeTimes` + 1) failed: `CustomizedBackoffRetryPolicy.getNextAttemptDelay`
    /// takes `next[attempt - 1]` (the last entry past the list), so the list is used from its
    /// **first** entry; `ExponentialBackoffRetryPolicy` min(max, initial × multiplier^(attempt - 1)).
    pub fn next_attempt_delay(self, attempt: u32) -> SimDuration {
        let attempt = attempt.max(1);
        match self {
            GroupRetryPolicy::Customized => {
                let i = (attempt as usize - 1).min(Self::CUSTOMIZED_NEXT_SECS.len() - 1);
                SimDuration::from_secs(Self::CUSTOMIZED_NEXT_SECS[i])
            }
            GroupRetryPolicy::Exponential => {
                let max = 7_200_000u64;
                let ms = 2u64.checked_pow(attempt - 1).and_then(|f| f.checked_mul(5_000)).map_or(max, |v| v.min(max));
                SimDuration::from_ms(ms)
            }
        }
    }
}

/// `[broker]`: the master's `broker.conf` knobs (`MessageStoreConfig`, 4.9.8 defaults).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerConfig {
    /// `flushDiskType`, default `ASYNC_FLUSH`.
    pub flush_disk_type: FlushDiskType,
    /// `brokerRole`, default `ASYNC_MASTER`.
    pub broker_role: BrokerRole,
    /// `syncFlushTimeout`, default 5000 ms.
    pub sync_flush_timeout: SimDuration,
    /// `slaveTimeout`, default 3000 ms (4.9.x; older 4.x waited `syncFlushTimeout`).
    pub slave_timeout: SimDuration,
    /// `flushIntervalCommitLog`, default 500 ms.
    pub flush_interval_commit_log: SimDuration,
    /// `flushCommitLogLeastPages`, default 4 (pages of 4 KiB).
    pub flush_commit_log_least_pages: u64,
    /// `flushCommitLogThoroughInterval`, default 10000 ms.
    pub flush_commit_log_thorough_interval: SimDuration,
    /// `haSlaveFallbehindMax` (5.x: `haMaxGapNotInSync`), default 256 MiB.
    pub ha_slave_fallbehind_max_bytes: u64,
    /// `haHousekeepingInterval`, default 20000 ms: the master drops a slave silent this long.
    pub ha_housekeeping_interval: SimDuration,
    /// `haSendHeartbeatInterval`, default 5000 ms: the slave reports its offset at least this often.
    pub ha_send_heartbeat_interval: SimDuration,
    /// `messageDelayLevel`, default `1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h`.
    pub message_delay_level: Vec<SimDuration>,
    /// `transientStorePoolEnable`, default false: appends go to an off-heap write buffer that
    /// `CommitRealTimeService` commits into the page cache (only with `ASYNC_FLUSH`, spec §2c).
    pub transient_store_pool_enable: bool,
    /// `commitIntervalCommitLog`, default 200 ms: the commit service's idle wait.
    pub commit_interval_commit_log: SimDuration,
    /// `commitCommitLogLeastPages`, default 4: commit once this many pages wait.
    pub commit_commit_log_least_pages: u64,
    /// `commitCommitLogThoroughInterval`, default 200 ms: at least this often commit everything.
    pub commit_commit_log_thorough_interval: SimDuration,
    /// `totalReplicas` (5.x, default 1): replicas in the group, the master included. The store
    /// starts with it as its alive-replica count until the name server tells it better.
    pub total_replicas: u32,
    /// `inSyncReplicas` (5.x, default 1): acks a `SYNC_MASTER` put waits for, the master's own
    /// included (`needAckNums`); at 1 it waits for none (spec 5 §2).
    pub in_sync_replicas: u32,
    /// `minInSyncReplicas` (5.x, default 1): the floor of automatic degradation.
    pub min_in_sync_replicas: u32,
    /// `enableAutoInSyncReplicas` (5.x, default false): with `enableSlaveActingMaster`, wait for
    /// no more replicas than are in sync, down to `minInSyncReplicas` (spec 5 §3).
    pub enable_auto_in_sync_replicas: bool,
    /// `enableSlaveActingMaster` (5.x `BrokerConfig`, default false): the put counts the in-sync
    /// replicas first and answers `IN_SYNC_REPLICAS_NOT_ENOUGH` when too few are (spec 5 §3).
    pub enable_slave_acting_master: bool,
    /// `enableControllerMode` (5.x `BrokerConfig`, default false): a controller elects the
    /// master from the SyncStateSet (spec 5 §4); `brokerRole` is then ignored (`SYNC_MASTER`).
    pub enable_controller_mode: bool,
    /// `allAckInSyncStateSet` (5.x `MessageStoreConfig`, default false): in controller mode a
    /// put waits for every member of the SyncStateSet, and consumers read only up to the
    /// confirm offset.
    pub all_ack_in_sync_state_set: bool,
    /// `haMaxTimeSlaveNotCatchup` (5.x, default 15000 ms): a slave not caught up this long
    /// leaves the SyncStateSet.
    pub ha_max_time_slave_not_catchup: SimDuration,
    /// `controllerHeartBeatTimeoutMills` (5.x `BrokerConfig`, default 10000 ms): a broker sends
    /// it with its heartbeat; the controller declares it inactive when it has heard nothing for
    /// that long. (A *broker* setting in RocketMQ, so it sits here, not in `[controller]`.)
    pub controller_heart_beat_timeout_mills: SimDuration,
}

impl BrokerConfig {
    /// `MessageStoreConfig.isTransientStorePoolEnable`: the option only works with `ASYNC_FLUSH`
    /// on a master.
    pub fn uses_transient_store_pool(&self) -> bool {
        self.transient_store_pool_enable && self.flush_disk_type == FlushDiskType::AsyncFlush
    }
}

impl Default for BrokerConfig {
    fn default() -> Self {
        BrokerConfig {
            flush_disk_type: FlushDiskType::AsyncFlush,
            broker_role: BrokerRole::AsyncMaster,
            sync_flush_timeout: SimDuration::from_ms(5_000),
            slave_timeout: SimDuration::from_ms(3_000),
            flush_interval_commit_log: SimDuration::from_ms(500),
            flush_commit_log_least_pages: 4,
            flush_commit_log_thorough_interval: SimDuration::from_ms(10_000),
            ha_slave_fallbehind_max_bytes: 256 * 1024 * 1024,
            ha_housekeeping_interval: SimDuration::from_ms(20_000),
            ha_send_heartbeat_interval: SimDuration::from_ms(5_000),
            message_delay_level: default_delay_levels(),
            transient_store_pool_enable: false,
            commit_interval_commit_log: SimDuration::from_ms(200),
            commit_commit_log_least_pages: 4,
            commit_commit_log_thorough_interval: SimDuration::from_ms(200),
            total_replicas: 1,
            in_sync_replicas: 1,
            min_in_sync_replicas: 1,
            enable_auto_in_sync_replicas: false,
            enable_slave_acting_master: false,
            enable_controller_mode: false,
            all_ack_in_sync_state_set: false,
            ha_max_time_slave_not_catchup: SimDuration::from_ms(15_000),
            controller_heart_beat_timeout_mills: SimDuration::from_ms(10_000),
        }
    }
}

/// RocketMQ's default `messageDelayLevel`: level 1 is 1 s … level 18 is 2 h.
pub fn default_delay_levels() -> Vec<SimDuration> {
    [1, 5, 10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1_200, 1_800, 3_600, 7_200]
        .into_iter()
        .map(SimDuration::from_secs)
        .collect()
}

/// `[controller]`: the controller (`ControllerConfig`, RocketMQ 5.3.3 defaults) that elects a
/// master in controller mode (spec 5 §4). One controller node (the lab does not model the
/// controllers' own Raft quorum: a controller down is the quorum lost).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControllerConfig {
    /// `scanNotActiveBrokerInterval`, default 5000 ms: how often the controller looks for
    /// brokers whose heartbeat is older than their `controllerHeartBeatTimeoutMills` (first scan
    /// 2 s after it starts).
    pub scan_not_active_broker_interval: SimDuration,
    /// `enableElectUncleanMaster`, default false: with no live member of the SyncStateSet, elect
    /// any live replica (and lose what only the old master held).
    pub enable_elect_unclean_master: bool,
    /// `notifyBrokerRoleChanged`, default true: the controller tells the brokers of a new
    /// master at once; without it they learn it from their metadata poll
    /// (`syncBrokerMetadataPeriod`, 5 s).
    pub notify_broker_role_changed: bool,
}

impl Default for ControllerConfig {
    fn default() -> Self {
        ControllerConfig {
            scan_not_active_broker_interval: SimDuration::from_ms(5_000),
            enable_elect_unclean_master: false,
            notify_broker_role_changed: true,
        }
    }
}

/// `[disk]`: the lab's disk model (no RocketMQ names): one flush costs a latency drawn from
/// `flushLatencyMin..=flushLatencyMax` (or exactly `flushLatency`) plus `bytes / flushBytesPerMs` ms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskConfig {
    pub flush_latency_min: SimDuration,
    pub flush_latency_max: SimDuration,
    /// Bytes a flush writes per millisecond, default 200000 (≈ 200 MB/s).
    pub flush_bytes_per_ms: u64,
}

impl Default for DiskConfig {
    fn default() -> Self {
        DiskConfig {
            flush_latency_min: SimDuration::from_ms(2),
            flush_latency_max: SimDuration::from_ms(2),
            flush_bytes_per_ms: 200_000,
        }
    }
}

/// `[slave]`: the slave(s) of the broker group (one, or two with `count = 2`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlaveConfig {
    /// Whether a slave is configured at all. Default false (a lone master).
    pub enabled: bool,
    /// One-way latency of the master↔slave link (lab name), default 1 ms.
    pub replication_latency: SimDuration,
    /// The slave's own `flushDiskType`, default `ASYNC_FLUSH`.
    pub flush_disk_type: FlushDiskType,
    /// Throughput of the master→slave link in bytes per millisecond (lab name), default 125000:
    /// a 1 Gbit/s link. Batches queue behind each other, so a burst can leave the slave behind.
    pub replication_bytes_per_ms: u64,
    /// How many slaves the group has when `enabled` (lab name `count`, 1 or 2; default 1): a
    /// master and two slaves is the three-replica group of 5.x quorum writes (spec 5 §2, §4).
    /// Both slaves take this table's settings; the second is `slave2` in faults and the log.
    pub count: u32,
    /// The slave broker's `slaveReadEnable` (`BrokerConfig`, default false). In 5.x a slave
    /// refuses every pull unless it is true (spec 5 §2); 4.x slaves serve pulls either way.
    pub slave_read_enable: bool,
}

impl Default for SlaveConfig {
    fn default() -> Self {
        SlaveConfig {
            enabled: false,
            replication_latency: SimDuration::from_ms(1),
            flush_disk_type: FlushDiskType::AsyncFlush,
            replication_bytes_per_ms: 125_000,
            count: 1,
            slave_read_enable: false,
        }
    }
}

/// `[network]`: the link between the clients (producer, consumer) and the brokers. Lab names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkConfig {
    /// One-way latency, default 1 ms.
    pub latency: SimDuration,
    /// Bytes per millisecond the producer's connection to the master carries (`producerBytesPerMs`);
    /// `None` (default): no limit. Requests queue behind each other on it, so it bounds a
    /// producer's throughput; [`GIGABIT_BYTES_PER_MS`] is a 1 Gbit/s link.
    pub producer_bytes_per_ms: Option<u64>,
}

/// 1 Gbit/s in bytes per millisecond.
pub const GIGABIT_BYTES_PER_MS: u64 = 125_000;

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig { latency: SimDuration::from_ms(1), producer_bytes_per_ms: None }
    }
}

/// `[topic]`: the producer's topic `TopicTest` (`TopicConfig`; spec §5, "A topic has several
/// queues"). A topic the producer creates by sending gets min(the producer's
/// `defaultTopicQueueNums`, 4; the broker's `defaultTopicQueueNums`, 8) = 4 read and write queues
/// (`TopicConfigManager.createTopicInSendMessageMethod`); one made with the admin tool has its own
/// counts. The producer spreads its sends over the `writeQueueNums` queues, the consumer group
/// reads the first `readQueueNums` (`MQClientInstance.topicRouteData2TopicPublishInfo` /
/// `…SubscribeInfo`): with fewer read than write queues, what lands in the others is never read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicConfig {
    /// `writeQueueNums`, default 4: the queues the producer sends to.
    pub write_queue_nums: u32,
    /// `readQueueNums`, default 4: the queues the consumer group reads.
    pub read_queue_nums: u32,
}

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig { write_queue_nums: 4, read_queue_nums: 4 }
    }
}

/// `[producer]`: one producer sending `messages` messages: open loop, message *i* at
/// *i* × `interval`; or closed loop, `threads` threads each sending the next message as soon as
/// its previous send returned (RocketMQ's `benchmark/producer.sh`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerConfig {
    /// `client` (lab name): `remoting` (default) or `grpc` (5.3.3: through the proxy).
    pub client: Client,
    /// gRPC `maxAttempts` (`ProducerBuilder.setMaxAttempts`), default 3: attempts per send, each
    /// resent at once after a failure.
    pub max_attempts: u32,
    /// gRPC `requestTimeout` (`ClientConfigurationBuilder`), default 3 s: each attempt's deadline.
    pub request_timeout: SimDuration,
    /// `SYNC` (default) | `ASYNC` | `ONEWAY`.
    pub send_mode: SendMode,
    /// How many messages to send (lab name), default 200.
    pub messages: u32,
    /// Open-loop spacing between sends (lab name), default 10 ms. Unused when `threads` is set.
    pub interval: SimDuration,
    /// Closed loop (lab name): this many sending threads, back to back. `None` (default): open loop.
    pub threads: Option<u32>,
    /// Body size in bytes (lab name), default 1024.
    pub body_size: u32,
    /// `sendMsgTimeout`, default 3000 ms: one budget for all attempts of a send.
    pub send_msg_timeout: SimDuration,
    /// `retryTimesWhenSendFailed`, default 2 (SYNC: up to 3 attempts).
    pub retry_times_when_send_failed: u32,
    /// `retryTimesWhenSendAsyncFailed`, default 2.
    pub retry_times_when_send_async_failed: u32,
    /// `retryAnotherBrokerWhenNotStoreOK`, default false.
    pub retry_another_broker_when_not_store_ok: bool,
    /// The application's reaction to an exception (lab name), default `LOG`.
    pub on_exception: OnException,
    /// `PERSIST_AND_RESEND`: wait before resending (lab name), default 10 s.
    pub resend_delay: SimDuration,
    /// `PERSIST_AND_RESEND`: give up after this many resends (lab name), default 10.
    pub resend_max_times: u32,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            client: Client::Remoting,
            max_attempts: 3,
            request_timeout: SimDuration::from_ms(3_000),
            send_mode: SendMode::Sync,
            messages: 200,
            interval: SimDuration::from_ms(10),
            threads: None,
            body_size: 1024,
            send_msg_timeout: SimDuration::from_ms(3_000),
            retry_times_when_send_failed: 2,
            retry_times_when_send_async_failed: 2,
            retry_another_broker_when_not_store_ok: false,
            on_exception: OnException::Log,
            resend_delay: SimDuration::from_secs(10),
            resend_max_times: 10,
        }
    }
}

/// `[consumer]`: one push consumer group consuming concurrently (clustering).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerConfig {
    /// Whether a consumer group runs at all (lab name), default true.
    pub enabled: bool,
    /// `consumerGroup`, default `demo_group`; names `%RETRY%<group>` and `%DLQ%<group>`.
    pub group: String,
    /// When the group comes online (lab name), default 0 s.
    pub start_at: SimTime,
    /// `maxReconsumeTimes`, default 16 (the client's -1 means 16).
    pub max_reconsume_times: u32,
    /// How long one consumption takes (lab name), default 5 ms.
    pub consume_time: SimDuration,
    /// Percentage of attempts that fail (lab name), default 0; an integer 0..=100.
    pub fail_percent: u32,
    /// Message ids whose every attempt fails (poison messages; lab name).
    pub fail_messages: Vec<u32>,
    /// Every message fails its first N attempts (lab name), default 0.
    pub fail_first_attempts: u32,
    /// How a failure is reported (lab name): `RECONSUME_LATER` (default) or `EXCEPTION`.
    pub fail_with: FailWith,
    /// Whether a second consumer reads `%DLQ%<group>` and compensates (lab name), default false.
    pub dlq_consumer: bool,
    /// `persistConsumerOffsetInterval`, default 5000 ms (first persist 10 s after start).
    pub persist_consumer_offset_interval: SimDuration,
    /// `pullBatchSize`, default 32.
    pub pull_batch_size: u32,
    /// `consumeThreadMin`/`consumeThreadMax`, default 20.
    pub consume_thread: u32,
    /// `pullThresholdForQueue`, default 1000: more cached messages than this in a queue's process
    /// queue and the next pull waits 50 ms (flow control, spec §5).
    pub pull_threshold_for_queue: u32,
    /// `pullThresholdSizeForQueue`, default 100 (MiB of cached message bodies per queue).
    pub pull_threshold_size_for_queue: u32,
    /// `consumeConcurrentlyMaxSpan`, default 2000: largest offset span of a process queue.
    pub consume_concurrently_max_span: u32,
    /// `client`: the remoting `DefaultMQPushConsumer` (default) or the gRPC `PushConsumer` (5.3.3).
    pub client: Client,
    /// gRPC: the group's `retryMaxTimes` (`SubscriptionGroupConfig`, default 16); the proxy gives
    /// the client `maxAttempts` = `retryMaxTimes` + 1 and dead-letters a message popped with
    /// `reconsumeTimes` ≥ `maxAttempts`.
    pub retry_max_times: u32,
    /// gRPC: the group's `groupRetryPolicy` type (default `CUSTOMIZED`).
    pub group_retry_policy: GroupRetryPolicy,
    /// gRPC: the proxy's `defaultInvisibleTimeMills` (60 s): how long a received message stays
    /// invisible before the proxy renews it (auto-renew, `renewAheadTimeMillis` 10 s before).
    pub default_invisible_time: SimDuration,
}

impl ConsumerConfig {
    /// The gRPC consumer's `maxAttempts` (`retryMaxTimes` + 1, `GrpcClientSettingsManager`).
    pub fn max_attempts(&self) -> u32 {
        self.retry_max_times + 1
    }

    /// The `reconsumeTimes` at which a message goes to `%DLQ%<group>` for this client: the
    /// remoting client's `maxReconsumeTimes`, the gRPC consumer's `maxAttempts`.
    pub fn dead_letter_at(&self) -> u32 {
        match self.client {
            Client::Remoting => self.max_reconsume_times,
            Client::Grpc => self.max_attempts(),
        }
    }
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        ConsumerConfig {
            enabled: true,
            group: "demo_group".to_string(),
            start_at: SimTime::ZERO,
            max_reconsume_times: 16,
            consume_time: SimDuration::from_ms(5),
            fail_percent: 0,
            fail_messages: Vec::new(),
            fail_first_attempts: 0,
            fail_with: FailWith::ReconsumeLater,
            dlq_consumer: false,
            persist_consumer_offset_interval: SimDuration::from_ms(5_000),
            pull_batch_size: 32,
            consume_thread: 20,
            pull_threshold_for_queue: 1_000,
            pull_threshold_size_for_queue: 100,
            consume_concurrently_max_span: 2_000,
            client: Client::Remoting,
            retry_max_times: 16,
            group_retry_policy: GroupRetryPolicy::Customized,
            default_invisible_time: SimDuration::from_secs(60),
        }
    }
}

/// Which machine or link a fault hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum FaultTarget {
    #[serde(rename = "master")]
    Master,
    #[serde(rename = "slave")]
    Slave,
    /// The second slave (`[slave] count = 2`); for `NETWORK_PARTITION`, the master↔slave2 link.
    #[serde(rename = "slave2")]
    Slave2,
    /// The broker that started as master (`brokerId` 0), whatever its role now: after a
    /// controller-mode failover it is no longer `master`. Without a failover, the master.
    #[serde(rename = "firstMaster")]
    FirstMaster,
    /// The controller (controller mode): crashed or partitioned away, it elects nobody.
    #[serde(rename = "controller")]
    Controller,
    /// The producer↔master link (`NETWORK_PARTITION` only).
    #[serde(rename = "producer")]
    Producer,
    #[serde(rename = "consumer")]
    Consumer,
}

/// The kinds of fault, with RocketMQ-operator vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum FaultKind {
    /// The broker process dies (`kill -9`); the OS survives and writes the page cache back.
    #[serde(rename = "PROCESS_CRASH")]
    ProcessCrash,
    /// The machine loses power (or the OS crashes): unflushed page-cache bytes are gone.
    #[serde(rename = "POWER_LOSS")]
    PowerLoss,
    /// The machine's disk is destroyed, with the machine.
    #[serde(rename = "DISK_LOST")]
    DiskLost,
    /// Flushes take `factor` times longer.
    #[serde(rename = "DISK_SLOW")]
    DiskSlow,
    /// No flush completes.
    #[serde(rename = "DISK_STALL")]
    DiskStall,
    /// The slave broker is stopped cleanly (its connection closes at once).
    #[serde(rename = "SLAVE_DOWN")]
    SlaveDown,
    /// The slave broker is started again.
    #[serde(rename = "SLAVE_UP")]
    SlaveUp,
    /// The link to `target` (slave: master↔slave; producer: producer↔master) drops every packet.
    #[serde(rename = "NETWORK_PARTITION")]
    NetworkPartition,
    /// The consumer process dies and restarts after `duration`.
    #[serde(rename = "CONSUMER_CRASH")]
    ConsumerCrash,
}

impl FaultKind {
    pub const ALL: [FaultKind; 9] = [
        FaultKind::ProcessCrash,
        FaultKind::PowerLoss,
        FaultKind::DiskLost,
        FaultKind::DiskSlow,
        FaultKind::DiskStall,
        FaultKind::SlaveDown,
        FaultKind::SlaveUp,
        FaultKind::NetworkPartition,
        FaultKind::ConsumerCrash,
    ];

    /// RocketMQ-style upper-case name, as in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::ProcessCrash => "PROCESS_CRASH",
            FaultKind::PowerLoss => "POWER_LOSS",
            FaultKind::DiskLost => "DISK_LOST",
            FaultKind::DiskSlow => "DISK_SLOW",
            FaultKind::DiskStall => "DISK_STALL",
            FaultKind::SlaveDown => "SLAVE_DOWN",
            FaultKind::SlaveUp => "SLAVE_UP",
            FaultKind::NetworkPartition => "NETWORK_PARTITION",
            FaultKind::ConsumerCrash => "CONSUMER_CRASH",
        }
    }

    /// The targets this kind accepts; the first is the default.
    pub fn targets(self) -> &'static [FaultTarget] {
        use FaultTarget::*;
        match self {
            FaultKind::ProcessCrash | FaultKind::PowerLoss | FaultKind::DiskLost => {
                &[Master, Slave, Slave2, FirstMaster, Controller]
            }
            FaultKind::DiskSlow | FaultKind::DiskStall => &[Master, Slave, Slave2, FirstMaster],
            FaultKind::SlaveDown | FaultKind::SlaveUp => &[Slave, Slave2],
            FaultKind::NetworkPartition => &[Slave, Slave2, Producer, Controller],
            FaultKind::ConsumerCrash => &[Consumer],
        }
    }
}

impl FaultTarget {
    pub fn name(self) -> &'static str {
        match self {
            FaultTarget::Master => "master",
            FaultTarget::Slave => "slave",
            FaultTarget::Slave2 => "slave2",
            FaultTarget::FirstMaster => "firstMaster",
            FaultTarget::Controller => "controller",
            FaultTarget::Producer => "producer",
            FaultTarget::Consumer => "consumer",
        }
    }
}

/// One `[[fault]]`: at `at`, `kind` hits `target`; it lasts `duration` (until the end of the run
/// when absent). For crashes the duration is the downtime before the restart.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Fault {
    pub at: SimTime,
    pub kind: FaultKind,
    pub target: FaultTarget,
    pub duration: Option<SimDuration>,
    /// `DISK_SLOW` only: flush latency multiplier, default 10.
    pub factor: u32,
}

impl Scenario {
    /// How many slaves the group has: 0 without `[slave] enabled`, else `count` (1 or 2).
    pub fn slave_count(&self) -> usize {
        if self.slave.enabled {
            self.slave.count as usize
        } else {
            0
        }
    }

    /// Controller mode is on (`[broker] enableControllerMode`, 5.3.3 only).
    pub fn controller_mode(&self) -> bool {
        self.broker.enable_controller_mode
    }

    /// What the chosen release does differently ([`crate::rocketmq_version`]).
    pub fn rules(&self) -> &'static VersionRules {
        self.version.rules()
    }

    /// Whether a `SEND_OK` from this master promises the slave has the message: a `SYNC_MASTER`
    /// in 4.x always; in 5.x only when the put waits for two acks (`inSyncReplicas` ≥ 2) and
    /// automatic degradation (`enableSlaveActingMaster` + `enableAutoInSyncReplicas` with
    /// `minInSyncReplicas` 1) cannot lower that to the master alone (spec 5 §2–§3).
    ///
    /// In controller mode `brokerRole` is ignored (the elected master runs `SYNC_MASTER`): with
    /// `allAckInSyncStateSet` the put waits for the SyncStateSet, which may be the master alone,
    /// so it promises no slave; without it, `inSyncReplicas` ≥ 2 acks from any connection
    /// (`GroupTransferService.doWaitTransfer`, 5.3.3).
    pub fn send_ok_waits_for_slave(&self) -> bool {
        let b = &self.broker;
        if self.controller_mode() {
            return !b.all_ack_in_sync_state_set && b.in_sync_replicas >= 2;
        }
        if b.broker_role != BrokerRole::SyncMaster {
            return false;
        }
        if !self.rules().quorum_write {
            return true;
        }
        let degrades = self.rules().slave_acting_master
            && b.enable_slave_acting_master
            && b.enable_auto_in_sync_replicas
            && b.min_in_sync_replicas < 2;
        b.in_sync_replicas >= 2 && !degrades
    }
}

/// A whole scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub name: String,
    /// `version`: the RocketMQ release whose behaviour the run follows, default 4.9.8.
    pub version: RocketMqVersion,
    /// The run's seed, default 1.
    pub seed: u64,
    /// Simulated time limit, default 6 h; the run ends earlier when nothing is pending.
    pub until: SimTime,
    pub broker: BrokerConfig,
    pub disk: DiskConfig,
    pub slave: SlaveConfig,
    /// `[controller]` (5.3.3, used with `[broker] enableControllerMode`).
    pub controller: ControllerConfig,
    pub network: NetworkConfig,
    pub topic: TopicConfig,
    pub producer: ProducerConfig,
    pub consumer: ConsumerConfig,
    /// `[proxy]` (5.3.3): used when a client is `grpc`.
    pub proxy: ProxyConfig,
    /// Faults, kept in file order (the simulator orders them by time, then by file order).
    pub faults: Vec<Fault>,
    /// `[tour]`: the guided tour the lab offers for this run; the simulator never reads it.
    pub tour: Option<tour::Tour>,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: "Defaults: ASYNC_FLUSH, ASYNC_MASTER, no slave, no fault".to_string(),
            version: RocketMqVersion::default(),
            seed: 1,
            until: SimTime::from_ms(6 * 3_600_000),
            broker: BrokerConfig::default(),
            disk: DiskConfig::default(),
            slave: SlaveConfig::default(),
            controller: ControllerConfig::default(),
            network: NetworkConfig::default(),
            topic: TopicConfig::default(),
            producer: ProducerConfig::default(),
            consumer: ConsumerConfig::default(),
            proxy: ProxyConfig::default(),
            faults: Vec::new(),
            tour: None,
        }
    }
}

/// Hard limits that keep every run bounded; hitting one ends the run with a reported outcome.
pub mod limits {
    /// Most messages one scenario may send.
    pub const MAX_MESSAGES: u32 = 1_000_000;
    /// Most events a run that keeps its whole log (`LogMode::Retain`: the web lab) may log
    /// before it stops with `EventLimit`; that log is then some 300 MB.
    pub const MAX_EVENTS: u64 = 5_000_000;
    /// Most events a run that streams its log (`LogMode::Digest`/`Discard`: the runner, sweeps)
    /// may log: 100 per message at [`MAX_MESSAGES`], memory bounded by the ledger.
    pub const MAX_EVENTS_STREAMED: u64 = 100_000_000;
    /// Most faults in one scenario.
    pub const MAX_FAULTS: usize = 1_000;
    /// Longest simulated run: 7 days.
    pub const MAX_UNTIL_MS: u64 = 7 * 24 * 3_600_000;
    /// Most closed-loop producer threads.
    pub const MAX_THREADS: u32 = 1_000;
    /// Largest body.
    pub const MAX_BODY_SIZE: u32 = 4 * 1024 * 1024;
    /// Most `maxReconsumeTimes` the lab accepts (RocketMQ caps the delay level at 18 anyway).
    pub const MAX_RECONSUME_TIMES: u32 = 1_000;
    /// Most `writeQueueNums` / `readQueueNums` (RocketMQ takes any int; admin-created topics
    /// rarely have more than 64 queues, and the lab draws each one).
    pub const MAX_QUEUE_NUMS: u32 = 64;
}

/// Inputs that parse but do nothing, each named by its field: a `CONSUMER_CRASH` before the
/// consumer starts (a crash of a consumer that is not online does nothing) and an open-loop send schedule longer than `until` (the last sends never happen). Warnings,
/// not errors: the run is well defined, and a sweep's scenario (`sweep --scenario`) must parse
/// back whatever its grid made; `losslab run` prints them on stderr. (What cannot happen at all
/// is refused by the parser: a fault or `consumer.startAt` after `until`, a `CONSUMER_CRASH`
/// with `consumer.enabled = false`.)
pub fn warnings(sc: &Scenario) -> Vec<ScenarioError> {
    let mut out = Vec::new();
    let until = sc.until;
    for (i, f) in sc.faults.iter().enumerate() {
        let field = format!("fault[{}].at", i + 1);
        if f.kind == FaultKind::ConsumerCrash && sc.consumer.enabled && f.at < sc.consumer.start_at {
            out.push(ScenarioError::new(
                &field,
                None,
                format!(
                    "CONSUMER_CRASH at {} is before the consumer starts (consumer.startAt = {}): it crashes nothing, so it does nothing",
                    f.at, sc.consumer.start_at
                ),
            ));
        }
    }
    let t = &sc.topic;
    if t.read_queue_nums < t.write_queue_nums && sc.consumer.enabled {
        out.push(ScenarioError::new(
            "topic.readQueueNums",
            None,
            format!(
                "{} read queues but {} write queues: the producer also sends to queues {}..{}, which no consumer reads; their messages stay unread",
                t.read_queue_nums,
                t.write_queue_nums,
                t.read_queue_nums,
                t.write_queue_nums - 1
            ),
        ));
    }
    let p = &sc.producer;
    if p.threads.is_none() && p.messages > 0 {
        let last = p.interval.as_us().saturating_mul(u64::from(p.messages - 1));
        if last > until.as_us() {
            let sent = until.as_us() / p.interval.as_us().max(1) + 1;
            out.push(ScenarioError::new(
                "producer.messages",
                None,
                format!(
                    "{} messages, one every {}, take until {} to send, past `until` ({until}): only the first {sent} are sent",
                    p.messages,
                    crate::time::format_duration(p.interval),
                    SimTime(last)
                ),
            ));
        }
    }
    out
}
