//! TOML scenario files → [`Scenario`], and back ([`scenario_to_toml`]).
//!
//! Keys use RocketMQ's own names (`[broker] flushDiskType`, `[producer] sendMsgTimeout`, …) so a user
//! can paste values from a `broker.conf` or client code. Every key is optional and takes the default
//! of [`Scenario::default`]. Durations are strings with a unit (`"500ms"`, `"3s"`) or integers in
//! milliseconds, because RocketMQ gives its knobs in ms.
//!
//! The file is read with `toml` into a plain table and walked by hand rather than through serde
//! derive: that way every refusal names the exact dotted key (`broker.syncFlushTimeout`,
//! `fault[2].kind`, faults counted from 1) and the line it sits on, which the UI shows next to the
//! field. Unknown keys are errors (with a "did you mean" hint), since a misspelt knob silently
//! keeping its default would make a run lie about what it shows.

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::{
    limits, BrokerConfig, Client, ControllerConfig, BrokerRole, ConsumerConfig, GroupRetryPolicy, DiskConfig, FailWith, Fault, FaultKind,
    FaultTarget, FlushDiskType, NetworkConfig, OnException, ProducerConfig, ProxyMode, Scenario, SendMode,
    SlaveConfig, TopicConfig,
};
use super::tour::{Tour, TourStep, Words, MAX_TOUR_STEPS, MAX_TOUR_TEXT};
use crate::ledger::Verdict;
use crate::rocketmq_version::RocketMqVersion;
use crate::time::{format_duration, parse_duration, SimDuration, SimTime};

/// A scenario, `broker.conf` or URL error that names the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// Dotted key path, e.g. `broker.syncFlushTimeout` or `fault[2].at`.
    pub field: String,
    /// 1-based line in the source text, when known.
    pub line: Option<usize>,
    /// Why the value was refused.
    pub reason: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} (line {}): {}", self.field, line, self.reason),
            None => write!(f, "{}: {}", self.field, self.reason),
        }
    }
}

impl std::error::Error for ScenarioError {}

impl ScenarioError {
    pub fn new(field: impl Into<String>, line: Option<usize>, reason: impl Into<String>) -> Self {
        ScenarioError { field: field.into(), line, reason: reason.into() }
    }
}

type Result<T> = std::result::Result<T, ScenarioError>;

/// Name given to a scenario file without `name`: the default scenario's name describes the
/// defaults, which would mislabel any other file.
pub const UNNAMED: &str = "Custom scenario";

/// Most retries the lab accepts for `retryTimesWhenSendFailed` / `retryTimesWhenSendAsyncFailed`.
pub const MAX_SEND_RETRIES: u32 = 100;
/// Most `resendMaxTimes` (the application's own resends) the lab accepts.
pub const MAX_RESENDS: u32 = 1_000;
/// Most `messageDelayLevel` entries: RocketMQ takes any count, the lab bounds it.
pub const MAX_DELAY_LEVELS: usize = 64;
/// Fewest `messageDelayLevel` entries: any table with a level is accepted (RocketMQ's own tests
/// use `"5s 8s"`); a retry beyond the table uses its last level, as `CommitLog` clamps it.
pub const MIN_DELAY_LEVELS: usize = 1;
/// Largest `DISK_SLOW` factor.
pub const MAX_SLOW_FACTOR: u32 = 1_000_000;

const FLUSH_DISK_TYPES: &[(&str, FlushDiskType)] =
    &[("SYNC_FLUSH", FlushDiskType::SyncFlush), ("ASYNC_FLUSH", FlushDiskType::AsyncFlush)];
const BROKER_ROLES: &[(&str, BrokerRole)] =
    &[("SYNC_MASTER", BrokerRole::SyncMaster), ("ASYNC_MASTER", BrokerRole::AsyncMaster)];
const SEND_MODES: &[(&str, SendMode)] =
    &[("SYNC", SendMode::Sync), ("ASYNC", SendMode::Async), ("ONEWAY", SendMode::Oneway)];
const CLIENTS: &[(&str, Client)] = &[("remoting", Client::Remoting), ("grpc", Client::Grpc)];
const PROXY_MODES: &[(&str, ProxyMode)] = &[("CLUSTER", ProxyMode::Cluster), ("LOCAL", ProxyMode::Local)];
/// Most attempts `[producer] maxAttempts` takes (the client takes any positive int).
pub const MAX_GRPC_ATTEMPTS: u32 = 100;
/// The remoting producer's keys, refused with `client = "grpc"`, and what the gRPC producer has instead.
pub const REMOTING_ONLY_PRODUCER_KEYS: &[(&str, &str)] = &[
    ("sendMsgTimeout", "the gRPC producer bounds each attempt with requestTimeout"),
    ("retryTimesWhenSendFailed", "the gRPC producer's attempts are maxAttempts"),
    ("retryTimesWhenSendAsyncFailed", "the gRPC producer's attempts are maxAttempts"),
    ("retryAnotherBrokerWhenNotStoreOK", "the gRPC producer resends every failed attempt, up to maxAttempts"),
];
/// The gRPC producer's keys, refused with `client = "remoting"`, and what the remoting producer has instead.
pub const GRPC_ONLY_PRODUCER_KEYS: &[(&str, &str)] = &[
    ("maxAttempts", "the remoting producer's is retryTimesWhenSendFailed"),
    ("requestTimeout", "the remoting producer's is sendMsgTimeout"),
];
const ON_EXCEPTIONS: &[(&str, OnException)] =
    &[("LOG", OnException::Log), ("PERSIST_AND_RESEND", OnException::PersistAndResend)];
const FAIL_WITHS: &[(&str, FailWith)] =
    &[("RECONSUME_LATER", FailWith::ReconsumeLater), ("EXCEPTION", FailWith::Exception)];
const TARGETS: &[FaultTarget] =
    &[
        FaultTarget::Master,
        FaultTarget::Slave,
        FaultTarget::Slave2,
        FaultTarget::FirstMaster,
        FaultTarget::Controller,
        FaultTarget::Producer,
        FaultTarget::Consumer,
    ];
const CONTROLLER_KEYS: &[&str] = &["scanNotActiveBrokerInterval", "enableElectUncleanMaster", "notifyBrokerRoleChanged"];

const ROOT_KEYS: &[&str] = &[
    "name", "version", "seed", "until", "broker", "disk", "slave", "controller", "network", "topic", "producer",
    "consumer", "proxy", "fault", "tour",
];
const TOUR_KEYS: &[&str] = &["question", "question_zh", "predict", "step"];
const TOUR_STEP_KEYS: &[&str] = &["at", "text", "text_zh"];
/// The `[broker]` keys, in the order [`scenario_to_toml`] writes them, followed by `$extra`:
/// the one list both the scenario parser ([`BROKER_KEYS`]) and the `broker.conf` reader
/// (`broker_conf::KNOWN_KEYS`, which adds the mode keys it recognises) take their keys from.
macro_rules! broker_keys {
    ($($extra:literal),*) => {
        &[
            "flushDiskType",
            "brokerRole",
            "syncFlushTimeout",
            "slaveTimeout",
            "flushIntervalCommitLog",
            "flushCommitLogLeastPages",
            "flushCommitLogThoroughInterval",
            "haSlaveFallbehindMax",
            "haMaxGapNotInSync",
            "haHousekeepingInterval",
            "haSendHeartbeatInterval",
            "messageDelayLevel",
            "transientStorePoolEnable",
            "commitIntervalCommitLog",
            "commitCommitLogLeastPages",
            "commitCommitLogThoroughInterval",
            "totalReplicas",
            "inSyncReplicas",
            "minInSyncReplicas",
            "enableAutoInSyncReplicas",
            "enableSlaveActingMaster",
            "enableControllerMode",
            "allAckInSyncStateSet",
            "haMaxTimeSlaveNotCatchup",
            "controllerHeartBeatTimeoutMills",
            $($extra),*
        ]
    };
}
pub(crate) use broker_keys;

/// The keys `[broker]` takes.
pub const BROKER_KEYS: &[&str] = broker_keys!();
/// Most replicas `totalReplicas`, `inSyncReplicas` and `minInSyncReplicas` accept: RocketMQ
/// takes any int; the lab's group is a master and one slave, so more can never be reached.
pub const MAX_REPLICAS: u32 = 16;
const DISK_KEYS: &[&str] =
    &["flushLatency", "flushLatencyMin", "flushLatencyMax", "flushBytesPerMs"];
const SLAVE_KEYS: &[&str] =
    &["enabled", "count", "replicationLatency", "flushDiskType", "replicationBytesPerMs", "slaveReadEnable"];
/// Most slaves a group has in the lab (`[slave] count`): a master and two slaves.
pub const MAX_SLAVES: u32 = 2;
const NETWORK_KEYS: &[&str] = &["latency", "producerBytesPerMs"];
const TOPIC_KEYS: &[&str] = &["writeQueueNums", "readQueueNums"];
const PROXY_KEYS: &[&str] = &["proxyMode"];
/// `[producer]` keys both clients take; each client's own are `REMOTING_ONLY_PRODUCER_KEYS` and
/// `GRPC_ONLY_PRODUCER_KEYS`.
const PRODUCER_SHARED_KEYS: &[&str] = &[
    "client",
    "sendMode",
    "messages",
    "interval",
    "threads",
    "bodySize",
    "onException",
    "resendDelay",
    "resendMaxTimes",
];
/// `[consumer]` keys both clients take; each client's own follow.
const CONSUMER_SHARED_KEYS: &[&str] = &[
    "enabled",
    "group",
    "startAt",
    "consumeTime",
    "failPercent",
    "failMessages",
    "failFirstAttempts",
    "failWith",
    "dlqConsumer",
    "client",
];
/// `[consumer]` keys only the remoting `DefaultMQPushConsumer` has.
const CONSUMER_REMOTING_KEYS: &[&str] = &[
    "maxReconsumeTimes",
    "persistConsumerOffsetInterval",
    "pullBatchSize",
    "consumeThread",
    "pullThresholdForQueue",
    "pullThresholdSizeForQueue",
    "consumeConcurrentlyMaxSpan",
];
/// `[consumer]` keys only the gRPC `PushConsumer` (with its proxy and group config) has.
const CONSUMER_GRPC_KEYS: &[&str] =
    &["retryMaxTimes", "groupRetryPolicy", "defaultInvisibleTimeMills", "consumptionThreadCount"];
const GROUP_RETRY_POLICIES: &[(&str, GroupRetryPolicy)] =
    &[("CUSTOMIZED", GroupRetryPolicy::Customized), ("EXPONENTIAL", GroupRetryPolicy::Exponential)];
const FAULT_KEYS: &[&str] = &["at", "kind", "target", "duration", "factor"];

/// Parses a scenario file. Never panics; every error names its dotted field and, when the key can
/// be found in the text, its 1-based line.
pub fn parse_scenario(text: &str) -> std::result::Result<Scenario, ScenarioError> {
    let root: Table = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
    from_table(&root, &LineIndex::build(text))
}

/// A scenario from an already-built TOML table (the JavaScript API builds one from a JS object):
/// the same checks and messages as [`parse_scenario`], without lines (`line` is `None`).
pub fn parse_scenario_table(root: &Table) -> std::result::Result<Scenario, ScenarioError> {
    from_table(root, &LineIndex::build(""))
}

/// A scenario from a table read out of `text` by other means than `toml` (the lab's own reading,
/// [`super::lite`]): the same checks, messages and lines as [`parse_scenario`].
pub(crate) fn from_table_with_lines(root: &Table, text: &str) -> std::result::Result<Scenario, ScenarioError> {
    from_table(root, &LineIndex::build(text))
}

fn from_table(root: &Table, lines: &LineIndex) -> std::result::Result<Scenario, ScenarioError> {
    let root = Tbl { table: root, path: String::new(), lines };
    root.check_keys(ROOT_KEYS)?;

    let version = match root.string("version")? {
        Some(v) => RocketMqVersion::parse(v).map_err(|r| root.err("version", r))?,
        None => RocketMqVersion::default(),
    };
    let mut s = Scenario {
        name: root.string("name")?.unwrap_or(UNNAMED).to_string(),
        version,
        ..Scenario::default()
    };
    s.seed = root.seed("seed", s.seed)?;
    let until = root.duration("until", SimDuration(s.until.as_us()), Bound::Positive)?;
    if until.as_us() > limits::MAX_UNTIL_MS * 1_000 {
        return Err(root.err("until", "at most 7 days (\"168h\")"));
    }
    s.until = SimTime(until.as_us());
    if let Some(t) = root.section("broker")? {
        t.check_version(s.version)?;
        parse_broker(&t, &mut s.broker)?;
    }
    if let Some(t) = root.section("disk")? {
        parse_disk(&t, &mut s.disk)?;
    }
    if let Some(t) = root.section("slave")? {
        t.check_version(s.version)?;
        parse_slave(&t, &mut s.slave)?;
    }
    if let Some(t) = root.section("controller")? {
        t.check_version(s.version)?;
        parse_controller(&t, &mut s.controller)?;
    }
    if s.broker.enable_controller_mode && s.slave.enabled && s.slave.flush_disk_type != s.broker.flush_disk_type {
        return Err(ScenarioError::new(
            "slave.flushDiskType",
            None,
            "in controller mode any broker may become master, so every broker runs the [broker] flushDiskType; give the slave the same",
        ));
    }
    if let Some(t) = root.section("network")? {
        parse_network(&t, &mut s.network)?;
    }
    if let Some(t) = root.section("topic")? {
        parse_topic(&t, &mut s.topic)?;
    }
    if let Some(t) = root.section("producer")? {
        parse_producer(&t, &mut s.producer, s.version)?;
    }
    if let Some(t) = root.section("consumer")? {
        parse_consumer(&t, &mut s.consumer, s.producer.messages, s.until, s.version)?;
    }
    if let Some(t) = root.section("proxy")? {
        t.check_version(s.version)?;
        t.check_keys(PROXY_KEYS)?;
        s.proxy.proxy_mode = t.choice("proxyMode", s.proxy.proxy_mode, PROXY_MODES)?;
    }
    s.faults = parse_faults(&root, &s)?;
    if let Some(t) = root.section("tour")? {
        s.tour = Some(parse_tour(&t, s.until)?);
    }
    Ok(s)
}

fn toml_error(text: &str, e: &toml::de::Error) -> ScenarioError {
    let line = e.span().map(|span| line_of_offset(text, span.start));
    // The `toml` crate gives some refusals (a control character in a comment) no message.
    let reason = match e.message().trim() {
        "" => "not valid TOML here (a stray control character?)".to_string(),
        m => m.to_string(),
    };
    ScenarioError::new("toml", line, reason)
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

fn parse_broker(t: &Tbl, b: &mut BrokerConfig) -> Result<()> {
    t.check_keys(BROKER_KEYS)?;
    b.flush_disk_type = t.choice("flushDiskType", b.flush_disk_type, FLUSH_DISK_TYPES)?;
    if t.string("brokerRole")? == Some("SLAVE") {
        return Err(
            t.err("brokerRole", "the lab's master cannot be a SLAVE; use [slave] enabled = true")
        );
    }
    b.broker_role = t.choice("brokerRole", b.broker_role, BROKER_ROLES)?;
    b.sync_flush_timeout = t.duration("syncFlushTimeout", b.sync_flush_timeout, Bound::Any)?;
    b.slave_timeout = t.duration("slaveTimeout", b.slave_timeout, Bound::Any)?;
    b.flush_interval_commit_log =
        t.duration("flushIntervalCommitLog", b.flush_interval_commit_log, Bound::Positive)?;
    b.flush_commit_log_least_pages =
        t.int("flushCommitLogLeastPages", b.flush_commit_log_least_pages, 0, i64::MAX as u64)?;
    b.flush_commit_log_thorough_interval = t.duration(
        "flushCommitLogThoroughInterval",
        b.flush_commit_log_thorough_interval,
        Bound::Any,
    )?;
    if t.has("haSlaveFallbehindMax") && t.has("haMaxGapNotInSync") {
        return Err(t.err(
            "haMaxGapNotInSync",
            "give either haSlaveFallbehindMax (4.9.x name) or haMaxGapNotInSync (5.x name), not both",
        ));
    }
    let gap_key =
        if t.has("haMaxGapNotInSync") { "haMaxGapNotInSync" } else { "haSlaveFallbehindMax" };
    b.ha_slave_fallbehind_max_bytes =
        t.int(gap_key, b.ha_slave_fallbehind_max_bytes, 0, i64::MAX as u64)?;
    b.ha_housekeeping_interval =
        t.duration("haHousekeepingInterval", b.ha_housekeeping_interval, Bound::Positive)?;
    b.ha_send_heartbeat_interval =
        t.duration("haSendHeartbeatInterval", b.ha_send_heartbeat_interval, Bound::Positive)?;
    if let Some(levels) = t.string("messageDelayLevel")? {
        b.message_delay_level =
            parse_delay_levels(levels).map_err(|r| t.err("messageDelayLevel", r))?;
    }
    b.transient_store_pool_enable =
        t.bool("transientStorePoolEnable", b.transient_store_pool_enable)?;
    b.commit_interval_commit_log =
        t.duration("commitIntervalCommitLog", b.commit_interval_commit_log, Bound::Positive)?;
    b.commit_commit_log_least_pages =
        t.int("commitCommitLogLeastPages", b.commit_commit_log_least_pages, 0, i64::MAX as u64)?;
    b.commit_commit_log_thorough_interval = t.duration(
        "commitCommitLogThoroughInterval",
        b.commit_commit_log_thorough_interval,
        Bound::Any,
    )?;
    b.total_replicas = t.int_u32("totalReplicas", b.total_replicas, 1, MAX_REPLICAS)?;
    b.in_sync_replicas = t.int_u32("inSyncReplicas", b.in_sync_replicas, 1, MAX_REPLICAS)?;
    b.min_in_sync_replicas =
        t.int_u32("minInSyncReplicas", b.min_in_sync_replicas, 1, MAX_REPLICAS)?;
    b.enable_auto_in_sync_replicas =
        t.bool("enableAutoInSyncReplicas", b.enable_auto_in_sync_replicas)?;
    b.enable_slave_acting_master =
        t.bool("enableSlaveActingMaster", b.enable_slave_acting_master)?;
    b.enable_controller_mode = t.bool("enableControllerMode", b.enable_controller_mode)?;
    b.all_ack_in_sync_state_set = t.bool("allAckInSyncStateSet", b.all_ack_in_sync_state_set)?;
    b.ha_max_time_slave_not_catchup =
        t.duration("haMaxTimeSlaveNotCatchup", b.ha_max_time_slave_not_catchup, Bound::Any)?;
    b.controller_heart_beat_timeout_mills = t.duration(
        "controllerHeartBeatTimeoutMills",
        b.controller_heart_beat_timeout_mills,
        Bound::Positive,
    )?;
    if b.enable_controller_mode && b.enable_slave_acting_master {
        return Err(t.err(
            "enableSlaveActingMaster",
            "controller mode elects a new master itself, and its put path never reads enableSlaveActingMaster (RocketMQ 5.3.3 CommitLog.asyncPutMessage takes the controller-mode branch first); the lab does not model the two together",
        ));
    }
    if b.enable_controller_mode && b.transient_store_pool_enable {
        return Err(t.err(
            "transientStorePoolEnable",
            "the lab does not model transientStorePoolEnable in controller mode (a promoted slave has no write buffer)",
        ));
    }
    Ok(())
}

fn parse_controller(t: &Tbl, c: &mut ControllerConfig) -> Result<()> {
    t.check_keys(CONTROLLER_KEYS)?;
    c.scan_not_active_broker_interval =
        t.duration("scanNotActiveBrokerInterval", c.scan_not_active_broker_interval, Bound::Positive)?;
    c.enable_elect_unclean_master = t.bool("enableElectUncleanMaster", c.enable_elect_unclean_master)?;
    c.notify_broker_role_changed = t.bool("notifyBrokerRoleChanged", c.notify_broker_role_changed)?;
    Ok(())
}

/// Parses `messageDelayLevel`: space-separated durations, RocketMQ's units `s m h d` (`d` is a
/// day) plus the lab's `ms`/`us`. Any count from [`MIN_DELAY_LEVELS`] to [`MAX_DELAY_LEVELS`]: a
/// retry beyond the last level uses the last level (`CommitLog.asyncPutMessage` clamps it).
pub fn parse_delay_levels(text: &str) -> std::result::Result<Vec<SimDuration>, String> {
    let mut levels = Vec::new();
    for (i, word) in text.split_whitespace().enumerate() {
        let level = match word.strip_suffix('d') {
            Some(days) if !days.is_empty() && days.bytes().all(|c| c.is_ascii_digit()) => days
                .parse::<u64>()
                .ok()
                .and_then(|d| d.checked_mul(86_400_000_000))
                .map(SimDuration)
                .ok_or_else(|| format!("level {} `{word}` is too large", i + 1))?,
            _ => parse_duration(word).map_err(|r| format!("level {}: {r}", i + 1))?,
        };
        if level == SimDuration::ZERO {
            return Err(format!("level {} is zero; every delay level must be positive", i + 1));
        }
        if level.as_us() > limits::MAX_UNTIL_MS * 1_000 {
            return Err(format!("level {} `{word}` is longer than 7 days", i + 1));
        }
        levels.push(level);
    }
    if levels.len() < MIN_DELAY_LEVELS || levels.len() > MAX_DELAY_LEVELS {
        return Err(format!(
            "{} levels given; give {MIN_DELAY_LEVELS} to {MAX_DELAY_LEVELS} space-separated durations \
             (a retry beyond the last level uses the last one), e.g. \"1s 5s 10s 30s 1m 2m\"",
            levels.len()
        ));
    }
    Ok(levels)
}

fn parse_disk(t: &Tbl, d: &mut DiskConfig) -> Result<()> {
    t.check_keys(DISK_KEYS)?;
    if t.has("flushLatency") {
        for key in ["flushLatencyMin", "flushLatencyMax"] {
            if t.has(key) {
                return Err(t.err(
                    key,
                    "give either flushLatency or flushLatencyMin/flushLatencyMax, not both",
                ));
            }
        }
        let latency = t.duration("flushLatency", d.flush_latency_min, Bound::Any)?;
        d.flush_latency_min = latency;
        d.flush_latency_max = latency;
    } else {
        d.flush_latency_min = t.duration("flushLatencyMin", d.flush_latency_min, Bound::Any)?;
        d.flush_latency_max = t.duration("flushLatencyMax", d.flush_latency_max, Bound::Any)?;
        if d.flush_latency_min > d.flush_latency_max {
            let key = if t.has("flushLatencyMin") { "flushLatencyMin" } else { "flushLatencyMax" };
            return Err(t.err(
                key,
                format!(
                    "flushLatencyMin ({}) is greater than flushLatencyMax ({}); a missing one takes \
                     the default 2ms",
                    format_duration(d.flush_latency_min),
                    format_duration(d.flush_latency_max)
                ),
            ));
        }
    }
    d.flush_bytes_per_ms = t.int("flushBytesPerMs", d.flush_bytes_per_ms, 1, i64::MAX as u64)?;
    Ok(())
}

fn parse_slave(t: &Tbl, s: &mut SlaveConfig) -> Result<()> {
    t.check_keys(SLAVE_KEYS)?;
    s.enabled = t.bool("enabled", s.enabled)?;
    if t.has("count") {
        let n = t.int("count", u64::from(s.count), 0, i64::MAX as u64)?;
        if n == 0 || n > u64::from(MAX_SLAVES) {
            return Err(t.err(
                "count",
                format!("a broker group in the lab has 1 or 2 slaves (a master and at most two slaves), not {n}"),
            ));
        }
        s.count = n as u32;
    }
    s.replication_latency = t.duration("replicationLatency", s.replication_latency, Bound::Any)?;
    s.flush_disk_type = t.choice("flushDiskType", s.flush_disk_type, FLUSH_DISK_TYPES)?;
    s.replication_bytes_per_ms =
        t.int("replicationBytesPerMs", s.replication_bytes_per_ms, 1, i64::MAX as u64)?;
    s.slave_read_enable = t.bool("slaveReadEnable", s.slave_read_enable)?;
    Ok(())
}

fn parse_network(t: &Tbl, n: &mut NetworkConfig) -> Result<()> {
    t.check_keys(NETWORK_KEYS)?;
    n.latency = t.duration("latency", n.latency, Bound::Any)?;
    if t.has("producerBytesPerMs") {
        n.producer_bytes_per_ms = Some(t.int("producerBytesPerMs", 1, 1, i64::MAX as u64)?);
    }
    Ok(())
}

/// `[topic]`: 1 to [`limits::MAX_QUEUE_NUMS`] queues each way (a topic without a write queue
/// has no route to send to; one without a read queue is never consumed).
fn parse_topic(t: &Tbl, q: &mut TopicConfig) -> Result<()> {
    t.check_keys(TOPIC_KEYS)?;
    q.write_queue_nums = t.int_u32("writeQueueNums", q.write_queue_nums, 1, limits::MAX_QUEUE_NUMS)?;
    q.read_queue_nums = t.int_u32("readQueueNums", q.read_queue_nums, 1, limits::MAX_QUEUE_NUMS)?;
    Ok(())
}

fn parse_producer(t: &Tbl, p: &mut ProducerConfig, version: RocketMqVersion) -> Result<()> {
    let client_keys = REMOTING_ONLY_PRODUCER_KEYS.iter().chain(GRPC_ONLY_PRODUCER_KEYS).map(|(k, _)| *k);
    t.check_keys(&PRODUCER_SHARED_KEYS.iter().copied().chain(client_keys).collect::<Vec<_>>())?;
    p.client = t.choice("client", p.client, CLIENTS)?;
    if p.client == Client::Grpc && !version.rules().grpc_clients {
        return Err(t.err(
            "client",
            format!("RocketMQ {version} has no gRPC producer (apache/rocketmq-clients talks to the 5.x proxy): set version = \"5.3.3\" or client = \"remoting\""),
        ));
    }
    let (foreign, owner) = match p.client {
        Client::Grpc => (REMOTING_ONLY_PRODUCER_KEYS, "the remoting producer's (client = \"remoting\")"),
        Client::Remoting => (GRPC_ONLY_PRODUCER_KEYS, "the gRPC producer's (client = \"grpc\", 5.3.3)"),
    };
    if let Some((key, instead)) = foreign.iter().find(|(k, _)| t.has(k)) {
        return Err(t.err(key, format!("`{key}` is {owner}; {instead}")));
    }
    if t.has("maxAttempts") && matches!(t.get("maxAttempts"), Some(Value::Integer(n)) if *n < 1) {
        return Err(t.err("maxAttempts", "must be at least 1 (ProducerBuilder.setMaxAttempts: \"maxAttempts should be positive\")"));
    }
    p.max_attempts = t.int_u32("maxAttempts", p.max_attempts, 1, MAX_GRPC_ATTEMPTS)?;
    p.request_timeout = t.duration("requestTimeout", p.request_timeout, Bound::Positive)?;
    p.send_mode = t.choice("sendMode", p.send_mode, SEND_MODES)?;
    if p.client == Client::Grpc && p.send_mode == SendMode::Oneway {
        return Err(t.err("sendMode", "the gRPC producer has send (SYNC) and sendAsync (ASYNC), no ONEWAY"));
    }
    p.messages = t.int_u32("messages", p.messages, 1, limits::MAX_MESSAGES)?;
    p.interval = t.duration("interval", p.interval, Bound::Any)?;
    if t.has("threads") && t.has("interval") {
        return Err(t.err(
            "threads",
            "`threads` and `interval` together: `threads` is a closed-loop producer (each thread sends as soon as its last send returned), `interval` an open-loop one; keep one of the two",
        ));
    }
    if t.has("threads") {
        p.threads = Some(t.int_u32("threads", 1, 1, limits::MAX_THREADS)?);
    }
    p.body_size = t.int_u32("bodySize", p.body_size, 1, limits::MAX_BODY_SIZE)?;
    p.send_msg_timeout = t.duration("sendMsgTimeout", p.send_msg_timeout, Bound::Positive)?;
    p.retry_times_when_send_failed =
        t.int_u32("retryTimesWhenSendFailed", p.retry_times_when_send_failed, 0, MAX_SEND_RETRIES)?;
    p.retry_times_when_send_async_failed = t.int_u32(
        "retryTimesWhenSendAsyncFailed",
        p.retry_times_when_send_async_failed,
        0,
        MAX_SEND_RETRIES,
    )?;
    p.retry_another_broker_when_not_store_ok =
        t.bool("retryAnotherBrokerWhenNotStoreOK", p.retry_another_broker_when_not_store_ok)?;
    p.on_exception = t.choice("onException", p.on_exception, ON_EXCEPTIONS)?;
    p.resend_delay = t.duration("resendDelay", p.resend_delay, Bound::Any)?;
    p.resend_max_times = t.int_u32("resendMaxTimes", p.resend_max_times, 0, MAX_RESENDS)?;
    Ok(())
}

fn parse_consumer(t: &Tbl, c: &mut ConsumerConfig, messages: u32, until: SimTime, version: RocketMqVersion) -> Result<()> {
    t.check_keys(&[CONSUMER_SHARED_KEYS, CONSUMER_REMOTING_KEYS, CONSUMER_GRPC_KEYS].concat())?;
    c.client = t.choice("client", c.client, CLIENTS)?;
    if c.client == Client::Grpc && !version.rules().grpc_clients {
        return Err(t.err(
            "client",
            format!("the gRPC push consumer talks to the proxy, which came with RocketMQ 5.0; RocketMQ {version} has only the remoting client: set `version = \"5.3.3\"` or `client = \"remoting\"`"),
        ));
    }
    let (other, theirs, ours) = match c.client {
        Client::Remoting => (CONSUMER_GRPC_KEYS, "the gRPC push consumer's (client = \"grpc\")", "remoting"),
        Client::Grpc => (CONSUMER_REMOTING_KEYS, "the remoting DefaultMQPushConsumer's (client = \"remoting\")", "grpc"),
    };
    let foreign = t.table.keys().filter(|k| other.contains(&k.as_str())).min_by_key(|k| t.lines.find(&t.field(k)).unwrap_or(usize::MAX));
    if let Some(key) = foreign {
        let hint = match key.as_str() {
            "maxReconsumeTimes" => "; the gRPC consumer's attempts come from the group's `retryMaxTimes`",
            "consumeThread" => "; the gRPC consumer's is `consumptionThreadCount`",
            "retryMaxTimes" => "; the remoting consumer's is `maxReconsumeTimes`",
            "consumptionThreadCount" => "; the remoting consumer's is `consumeThread`",
            _ => "",
        };
        return Err(t.err(key, format!("a key of {theirs}, not of the `{ours}` client{hint}")));
    }
    c.enabled = t.bool("enabled", c.enabled)?;
    if let Some(group) = t.string("group")? {
        check_group(group).map_err(|r| t.err("group", r))?;
        c.group = group.to_string();
    }
    let start = t.duration("startAt", SimDuration(c.start_at.as_us()), Bound::Any)?;
    if start.as_us() > until.as_us() {
        return Err(t.err(
            "startAt",
            format!(
                "after `until` ({}); the group would never run",
                format_duration(SimDuration(until.as_us()))
            ),
        ));
    }
    c.start_at = SimTime(start.as_us());
    c.max_reconsume_times = t.max_reconsume("maxReconsumeTimes", c.max_reconsume_times)?;
    c.consume_time = t.duration("consumeTime", c.consume_time, Bound::Any)?;
    c.fail_percent = t.int_u32("failPercent", c.fail_percent, 0, 100)?;
    c.fail_messages = t.message_ids("failMessages", messages)?;
    c.fail_first_attempts =
        t.int_u32("failFirstAttempts", c.fail_first_attempts, 0, limits::MAX_RECONSUME_TIMES)?;
    c.fail_with = t.choice("failWith", c.fail_with, FAIL_WITHS)?;
    c.dlq_consumer = t.bool("dlqConsumer", c.dlq_consumer)?;
    if c.dlq_consumer && !c.enabled {
        return Err(t.err(
            "dlqConsumer",
            "needs the consumer group (consumer.enabled = true): only its failures reach %DLQ%",
        ));
    }
    c.persist_consumer_offset_interval = t.duration(
        "persistConsumerOffsetInterval",
        c.persist_consumer_offset_interval,
        Bound::Positive,
    )?;
    c.pull_batch_size = t.int_u32("pullBatchSize", c.pull_batch_size, 1, 1_024)?;
    c.consume_thread = t.int_u32("consumeThread", c.consume_thread, 1, 1_000)?;
    // The ranges `DefaultMQPushConsumerImpl.checkConfig` accepts.
    c.pull_threshold_for_queue =
        t.int_u32("pullThresholdForQueue", c.pull_threshold_for_queue, 1, 65_535)?;
    c.pull_threshold_size_for_queue =
        t.int_u32("pullThresholdSizeForQueue", c.pull_threshold_size_for_queue, 1, 1_024)?;
    c.consume_concurrently_max_span =
        t.int_u32("consumeConcurrentlyMaxSpan", c.consume_concurrently_max_span, 1, 65_535)?;
    c.retry_max_times = t.int_u32("retryMaxTimes", c.retry_max_times, 0, limits::MAX_RECONSUME_TIMES)?;
    c.group_retry_policy = t.choice("groupRetryPolicy", c.group_retry_policy, GROUP_RETRY_POLICIES)?;
    c.default_invisible_time =
        t.duration("defaultInvisibleTimeMills", c.default_invisible_time, Bound::Positive)?;
    // The proxy's `minInvisibleTimeMillsForRecv` (10 s) and `maxInvisibleTimeMills` (12 h).
    if c.default_invisible_time < SimDuration::from_secs(10) || c.default_invisible_time > SimDuration::from_secs(12 * 3_600) {
        return Err(t.err("defaultInvisibleTimeMills", "between 10 s (the proxy's minInvisibleTimeMillsForRecv) and 12 h (maxInvisibleTimeMills)"));
    }
    c.consume_thread = t.int_u32("consumptionThreadCount", c.consume_thread, 1, 1_000)?;
    Ok(())
}

/// RocketMQ's `Validators.checkGroup`: `^[%|a-zA-Z0-9_-]+$`, at most 255 characters.
pub fn check_group(group: &str) -> std::result::Result<(), String> {
    if group.is_empty() {
        return Err("the group name is empty".to_string());
    }
    if group.len() > 255 {
        return Err(format!("{} characters; RocketMQ allows at most 255", group.len()));
    }
    match group.chars().find(|&c| !(c.is_ascii_alphanumeric() || "%|_-".contains(c))) {
        Some(c) => {
            Err(format!("`{c}` is not allowed; RocketMQ group names match ^[%|a-zA-Z0-9_-]+$"))
        }
        None => Ok(()),
    }
}

fn parse_faults(root: &Tbl, s: &Scenario) -> Result<Vec<Fault>> {
    let Some(value) = root.get("fault") else {
        return Ok(Vec::new());
    };
    let Value::Array(items) = value else {
        return Err(root.err(
            "fault",
            format!("expected [[fault]] entries (an array of tables), found {}", type_name(value)),
        ));
    };
    if items.len() > limits::MAX_FAULTS {
        return Err(
            root.err("fault", format!("{} faults; at most {}", items.len(), limits::MAX_FAULTS))
        );
    }
    let mut faults = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("fault[{}]", i + 1);
        let Value::Table(table) = item else {
            return Err(ScenarioError::new(
                &path,
                root.lines.find(&path),
                format!("expected a table, found {}", type_name(item)),
            ));
        };
        let t = Tbl { table, path, lines: root.lines };
        faults.push(parse_fault(&t, s)?);
    }
    Ok(faults)
}

fn parse_fault(t: &Tbl, s: &Scenario) -> Result<Fault> {
    t.check_keys(FAULT_KEYS)?;
    let kinds: Vec<(&str, FaultKind)> = FaultKind::ALL.iter().map(|k| (k.name(), *k)).collect();
    let Some(kind) = t.choice_opt("kind", &kinds)? else {
        return Err(t.err("kind", format!("missing; give one of {}", list(&kinds))));
    };
    if !t.has("at") {
        return Err(t.err("at", "missing; say when the fault happens, e.g. at = \"3s\""));
    }
    let at = t.duration("at", SimDuration::ZERO, Bound::Any)?;
    if at.as_us() > s.until.as_us() {
        return Err(t.err(
            "at",
            format!(
                "after `until` ({}); the run ends first",
                format_duration(SimDuration(s.until.as_us()))
            ),
        ));
    }
    let targets: Vec<(&str, FaultTarget)> = kind.targets().iter().map(|t| (t.name(), *t)).collect();
    let target = match t.string("target")? {
        None => kind.targets()[0],
        Some(name) => match targets.iter().find(|(n, _)| *n == name) {
            Some((_, target)) => *target,
            None if TARGETS.iter().any(|t| t.name() == name) => {
                return Err(t.err(
                    "target",
                    format!("{} cannot hit `{name}`; it accepts {}", kind.name(), list(&targets)),
                ));
            }
            None => {
                return Err(t.err(
                    "target",
                    format!("unknown target `{name}`; {} accepts {}", kind.name(), list(&targets)),
                ))
            }
        },
    };
    if target == FaultTarget::Slave2 && s.slave_count() < 2 {
        return Err(t.err(
            "target",
            format!(
                "{} hits the second slave, but the group has {} slave(s) ([slave] count = 2 adds it)",
                kind.name(),
                s.slave_count()
            ),
        ));
    }
    if target == FaultTarget::Controller && !s.controller_mode() {
        return Err(t.err(
            "target",
            format!(
                "{} hits the controller, but the broker is not in controller mode ([broker] enableControllerMode = true, version 5.3.3)",
                kind.name()
            ),
        ));
    }
    if target == FaultTarget::Slave && !s.slave.enabled {
        return Err(t.err(
            "target",
            format!(
                "{} hits the slave, but no slave is configured ([slave] enabled = false)",
                kind.name()
            ),
        ));
    }
    if target == FaultTarget::Consumer && !s.consumer.enabled {
        return Err(t.err(
            "target",
            format!("{} hits the consumer, but consumer.enabled = false", kind.name()),
        ));
    }
    let duration = match t.has("duration") {
        false => None,
        true if kind == FaultKind::SlaveUp => {
            return Err(t.err(
                "duration",
                "SLAVE_UP has no duration; the slave stays up until a SLAVE_DOWN",
            ));
        }
        true => Some(t.duration("duration", SimDuration::ZERO, Bound::Positive)?),
    };
    if t.has("factor") && kind != FaultKind::DiskSlow {
        return Err(t.err("factor", format!("only DISK_SLOW takes a factor, not {}", kind.name())));
    }
    let factor = t.int_u32("factor", 10, 1, MAX_SLOW_FACTOR)?;
    Ok(Fault { at: SimTime(at.as_us()), kind, target, duration, factor })
}

/// `[tour]` ([`super::tour`]): a question, the verdict the reader predicts, and its steps in time
/// order.
fn parse_tour(t: &Tbl, until: SimTime) -> Result<Tour> {
    t.check_keys(TOUR_KEYS)?;
    let question = Words { en: t.text("question", true)?, zh: t.text("question_zh", false)? };
    let verdicts: Vec<(&str, Verdict)> = Verdict::ALL.iter().map(|v| (v.name(), *v)).collect();
    let Some(predict) = t.choice_opt("predict", &verdicts)? else {
        return Err(t.err("predict", format!("missing; the verdict whose count the reader predicts, one of {}", list(&verdicts))));
    };
    let items: &[Value] = match t.get("step") {
        None => &[],
        Some(Value::Array(items)) => items,
        Some(v) => {
            return Err(t.err("step", format!("expected [[tour.step]] entries (an array of tables), found {}", type_name(v))));
        }
    };
    if items.len() > MAX_TOUR_STEPS {
        return Err(t.err("step", format!("{} steps; at most {MAX_TOUR_STEPS}", items.len())));
    }
    let mut steps = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("{}[{}]", t.field("step"), i + 1);
        let Value::Table(table) = item else {
            return Err(ScenarioError::new(&path, t.lines.find(&path), format!("expected a table, found {}", type_name(item))));
        };
        let st = Tbl { table, path, lines: t.lines };
        st.check_keys(TOUR_STEP_KEYS)?;
        if !st.has("at") {
            return Err(st.err("at", "missing; say when the tour stops to say this, e.g. at = \"3s\""));
        }
        let at = st.duration("at", SimDuration::ZERO, Bound::Any)?;
        if at.as_us() > until.as_us() {
            return Err(st.err("at", format!("after `until` ({}); the run ends first", format_duration(SimDuration(until.as_us())))));
        }
        steps.push(TourStep { at: SimTime(at.as_us()), text: Words { en: st.text("text", true)?, zh: st.text("text_zh", false)? } });
    }
    // Stable: steps written for one instant keep their order.
    steps.sort_by_key(|s| s.at);
    Ok(Tour { question, predict, steps })
}

fn list<T>(options: &[(&str, T)]) -> String {
    let names: Vec<String> = options.iter().map(|(n, _)| format!("`{n}`")).collect();
    names.join(", ")
}

/// Which durations a knob accepts: zero is refused where the knob is a period (a zero period
/// would schedule forever at one instant) or a budget that could never be met.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bound {
    Any,
    Positive,
}

/// One table of the file with its dotted path, for error messages.
struct Tbl<'a> {
    table: &'a Table,
    path: String,
    lines: &'a LineIndex,
}

impl<'a> Tbl<'a> {
    fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn err(&self, key: &str, reason: impl Into<String>) -> ScenarioError {
        let field = self.field(key);
        let line = self.lines.find(&field);
        ScenarioError::new(field, line, reason)
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.table.get(key)
    }

    fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    /// Refuses keys the lab does not know, the first in the file first, with a spelling hint.
    fn check_keys(&self, known: &[&str]) -> Result<()> {
        let unknown = self
            .table
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .min_by_key(|k| self.lines.find(&self.field(k)).unwrap_or(usize::MAX));
        let Some(key) = unknown else { return Ok(()) };
        let reason = match suggest(key, known) {
            Some(hint) => format!("unknown key; did you mean `{hint}`?"),
            None if self.path.is_empty() => {
                format!("unknown key or table; known: {}", known.join(", "))
            }
            None => format!("unknown key; [{}] takes {}", self.path, known.join(", ")),
        };
        Err(self.err(key, reason))
    }

    /// Refuses a key the chosen RocketMQ release does not have (`inSyncReplicas` under 4.9.8,
    /// `slaveTimeout` under 4.7.0), the first in the file first.
    fn check_version(&self, version: RocketMqVersion) -> Result<()> {
        let absent = self
            .table
            .keys()
            .filter(|k| !version.has_key(&self.field(k)))
            .min_by_key(|k| self.lines.find(&self.field(k)).unwrap_or(usize::MAX));
        let Some(key) = absent else { return Ok(()) };
        let why = version.rules().absent_key(&self.field(key)).unwrap_or("");
        let with: Vec<&str> =
            RocketMqVersion::ALL.iter().filter(|v| v.has_key(&self.field(key))).map(|v| v.name()).collect();
        Err(self.err(
            key,
            format!(
                "RocketMQ {version} has no `{key}` ({why}); it exists in {}: set `version` to one of them or remove the key",
                with.join(", ")
            ),
        ))
    }

    fn section(&self, key: &str) -> Result<Option<Tbl<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Table(table)) => {
                Ok(Some(Tbl { table, path: self.field(key), lines: self.lines }))
            }
            Some(v) => {
                Err(self.err(key, format!("expected a table [{key}], found {}", type_name(v))))
            }
        }
    }

    fn string(&self, key: &str) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.err(key, format!("expected a string, found {}", type_name(v)))),
        }
    }

    /// A tour's text: a string of at most [`MAX_TOUR_TEXT`] characters, non-empty when `required`.
    fn text(&self, key: &str, required: bool) -> Result<String> {
        let s = self.string(key)?.unwrap_or_default().trim();
        if required && s.is_empty() {
            return Err(self.err(key, "missing or empty; write the sentence the reader sees"));
        }
        if s.chars().count() > MAX_TOUR_TEXT {
            return Err(self.err(key, format!("{} characters; at most {MAX_TOUR_TEXT}", s.chars().count())));
        }
        Ok(s.to_string())
    }

    fn bool(&self, key: &str, default: bool) -> Result<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(Value::Boolean(b)) => Ok(*b),
            Some(v) => {
                Err(self.err(key, format!("expected true or false, found {}", type_name(v))))
            }
        }
    }

    fn choice<T: Copy>(&self, key: &str, default: T, options: &[(&str, T)]) -> Result<T> {
        Ok(self.choice_opt(key, options)?.unwrap_or(default))
    }

    fn choice_opt<T: Copy>(&self, key: &str, options: &[(&str, T)]) -> Result<Option<T>> {
        let Some(name) = self.string(key)? else {
            return Ok(None);
        };
        match options.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => Ok(Some(*v)),
            None => Err(self.err(key, format!("`{name}` is not one of {}", list(options)))),
        }
    }

    fn int(&self, key: &str, default: u64, min: u64, max: u64) -> Result<u64> {
        let n = match self.get(key) {
            None => return Ok(default),
            Some(Value::Integer(n)) => *n,
            Some(v) => {
                return Err(self.err(key, format!("expected an integer, found {}", type_name(v))))
            }
        };
        if n < 0 {
            return Err(self.err(key, format!("{n} is negative; give {min} to {max}")));
        }
        let n = n as u64;
        if n < min || n > max {
            return Err(self.err(key, format!("{n} is out of range; give {min} to {max}")));
        }
        Ok(n)
    }

    fn int_u32(&self, key: &str, default: u32, min: u32, max: u32) -> Result<u32> {
        Ok(self.int(key, default.into(), min.into(), max.into())? as u32)
    }

    /// `maxReconsumeTimes`: `-1` means 16, as the client's `getMaxReconsumeTimes` does.
    fn max_reconsume(&self, key: &str, default: u32) -> Result<u32> {
        if let Some(Value::Integer(-1)) = self.get(key) {
            return Ok(16);
        }
        self.int_u32(key, default, 0, limits::MAX_RECONSUME_TIMES)
    }

    /// The seed: a TOML integer, or a decimal string for seeds above `i64::MAX`.
    fn seed(&self, key: &str, default: u64) -> Result<u64> {
        match self.get(key) {
            Some(Value::String(s)) => s
                .trim()
                .parse::<u64>()
                .map_err(|_| self.err(key, format!("`{s}` is not an unsigned 64-bit integer"))),
            _ => self.int(key, default, 0, i64::MAX as u64),
        }
    }

    /// A duration: a string with a unit, or an integer number of milliseconds.
    fn duration(&self, key: &str, default: SimDuration, bound: Bound) -> Result<SimDuration> {
        let d = match self.get(key) {
            None => return Ok(default),
            Some(Value::Integer(n)) if *n < 0 => {
                return Err(self.err(key, format!("{n} is negative; durations are at least 0")));
            }
            Some(Value::Integer(n)) => (*n as u64)
                .checked_mul(1_000)
                .map(SimDuration)
                .ok_or_else(|| self.err(key, format!("{n} ms is too large")))?,
            Some(Value::String(s)) if s.trim_start().starts_with('-') => {
                return Err(self.err(key, format!("`{s}` is negative; durations are at least 0")));
            }
            Some(Value::String(s)) => parse_duration(s).map_err(|r| self.err(key, r))?,
            Some(Value::Float(_)) => {
                return Err(self.err(key, "a float is not a duration; write a string with a unit like \"1.5s\", or integer milliseconds"));
            }
            Some(v) => {
                return Err(self.err(
                    key,
                    format!(
                        "expected a duration like \"500ms\" or integer milliseconds, found {}",
                        type_name(v)
                    ),
                ));
            }
        };
        if bound == Bound::Positive && d == SimDuration::ZERO {
            return Err(self.err(key, "must be greater than zero"));
        }
        Ok(d)
    }

    /// A list of message ids, each below `messages`, none twice.
    fn message_ids(&self, key: &str, messages: u32) -> Result<Vec<u32>> {
        let items = match self.get(key) {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(v) => {
                return Err(self
                    .err(key, format!("expected an array of message ids, found {}", type_name(v))))
            }
        };
        let mut ids = Vec::with_capacity(items.len());
        for item in items {
            let id = match item {
                Value::Integer(n) if *n >= 0 && *n < i64::from(messages) => *n as u32,
                Value::Integer(n) => {
                    return Err(self.err(key, format!("message id {n} does not exist; ids run from 0 to {} (producer.messages - 1)", messages - 1)));
                }
                v => {
                    return Err(self
                        .err(key, format!("expected integer message ids, found {}", type_name(v))))
                }
            };
            if ids.contains(&id) {
                return Err(self.err(key, format!("message id {id} is listed twice")));
            }
            ids.push(id);
        }
        Ok(ids)
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

/// The known key closest to `key` by edit distance, if it is close enough to be a typo.
pub fn suggest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = key.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Edits (insert, delete, substitute a character) from `a` to `b`: [`suggest`]'s and
/// `broker_conf::nearest_known_key`'s distance.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Where keys and table headers sit in the text, by dotted field (`broker.slaveTimeout`,
/// `fault[2].at`, `fault[2]`). Built by a line scan because `toml::Table` keeps no spans; a key
/// written in an inline table is not found, and the error then has no line.
struct LineIndex {
    fields: BTreeMap<String, usize>,
}

impl LineIndex {
    fn build(text: &str) -> Self {
        let mut fields = BTreeMap::new();
        let mut arrays: BTreeMap<String, usize> = BTreeMap::new();
        let mut prefix = String::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if let Some(rest) = line.strip_prefix("[[") {
                let name = unquote(rest.split("]]").next().unwrap_or(""));
                let n = arrays.entry(name.clone()).or_insert(0);
                *n += 1;
                prefix = format!("{name}[{n}]");
                fields.entry(prefix.clone()).or_insert(i + 1);
                fields.entry(name).or_insert(i + 1);
            } else if let Some(rest) = line.strip_prefix('[') {
                prefix = unquote(rest.split(']').next().unwrap_or(""));
                fields.entry(prefix.clone()).or_insert(i + 1);
            } else if let Some((key, _)) = line.split_once('=') {
                let key = unquote(key);
                if key.is_empty() || key.starts_with('#') {
                    continue;
                }
                let field = if prefix.is_empty() { key } else { format!("{prefix}.{key}") };
                fields.entry(field).or_insert(i + 1);
            }
        }
        LineIndex { fields }
    }

    /// The line of `field`, else of its nearest enclosing table.
    fn find(&self, field: &str) -> Option<usize> {
        let mut f = field;
        loop {
            if let Some(line) = self.fields.get(f) {
                return Some(*line);
            }
            f = &f[..f.rfind('.')?];
        }
    }
}

/// `a . "b"` → `a.b`: dotted keys with optional quotes, as they appear in headers and key lines.
fn unquote(key: &str) -> String {
    let parts: Vec<&str> =
        key.split('.').map(|p| p.trim().trim_matches(|c| c == '"' || c == '\'')).collect();
    parts.join(".")
}

/// Writes a complete scenario file: every key, durations with a unit, RocketMQ ms knobs as integer
/// milliseconds. [`parse_scenario`] reads it back to the same [`Scenario`].
pub fn scenario_to_toml(s: &Scenario) -> String {
    let mut w = Writer::default();
    w.kv("name", quote(&s.name));
    w.kv("version", quote(s.version.name()));
    w.kv(
        "seed",
        if s.seed <= i64::MAX as u64 { s.seed.to_string() } else { quote(&s.seed.to_string()) },
    );
    w.kv("until", dur(SimDuration(s.until.as_us())));
    write_broker(&mut w, &s.broker, s.version);
    w.header("[disk]");
    w.kv("flushLatencyMin", dur(s.disk.flush_latency_min));
    w.kv("flushLatencyMax", dur(s.disk.flush_latency_max));
    w.kv("flushBytesPerMs", s.disk.flush_bytes_per_ms.to_string());
    w.header("[slave]");
    w.kv("enabled", s.slave.enabled.to_string());
    if s.slave.count != 1 {
        w.kv("count", s.slave.count.to_string());
    }
    w.kv("replicationLatency", dur(s.slave.replication_latency));
    w.kv("flushDiskType", quote(name_of(FLUSH_DISK_TYPES, s.slave.flush_disk_type)));
    w.kv("replicationBytesPerMs", s.slave.replication_bytes_per_ms.to_string());
    w.kv("slaveReadEnable", s.slave.slave_read_enable.to_string());
    if s.version.has_key("controller.scanNotActiveBrokerInterval") {
        w.header("[controller]");
        w.kv("scanNotActiveBrokerInterval", ms(s.controller.scan_not_active_broker_interval));
        w.kv("enableElectUncleanMaster", s.controller.enable_elect_unclean_master.to_string());
        w.kv("notifyBrokerRoleChanged", s.controller.notify_broker_role_changed.to_string());
    }
    w.header("[network]");
    w.kv("latency", dur(s.network.latency));
    if let Some(bw) = s.network.producer_bytes_per_ms {
        w.kv("producerBytesPerMs", bw.to_string());
    }
    w.header("[topic]");
    w.kv("writeQueueNums", s.topic.write_queue_nums.to_string());
    w.kv("readQueueNums", s.topic.read_queue_nums.to_string());
    write_producer(&mut w, &s.producer);
    write_consumer(&mut w, &s.consumer);
    if s.producer.client == Client::Grpc {
        w.header("[proxy]");
        w.kv("proxyMode", quote(name_of(PROXY_MODES, s.proxy.proxy_mode)));
    }
    for f in &s.faults {
        w.header("[[fault]]");
        w.kv("at", dur(SimDuration(f.at.as_us())));
        w.kv("kind", quote(f.kind.name()));
        w.kv("target", quote(f.target.name()));
        if let Some(d) = f.duration {
            w.kv("duration", dur(d));
        }
        if f.kind == FaultKind::DiskSlow {
            w.kv("factor", f.factor.to_string());
        }
    }
    if let Some(tour) = &s.tour {
        write_tour(&mut w, tour);
    }
    w.out
}

fn write_tour(w: &mut Writer, tour: &Tour) {
    w.header("[tour]");
    w.kv("question", quote(&tour.question.en));
    if !tour.question.zh.is_empty() {
        w.kv("question_zh", quote(&tour.question.zh));
    }
    w.kv("predict", quote(tour.predict.name()));
    for step in &tour.steps {
        w.header("[[tour.step]]");
        w.kv("at", dur(SimDuration(step.at.as_us())));
        w.kv("text", quote(&step.text.en));
        if !step.text.zh.is_empty() {
            w.kv("text_zh", quote(&step.text.zh));
        }
    }
}

/// Writes the `[broker]` keys the release has (`slaveTimeout` not under 4.7.0, the 5.x replica
/// keys only under 5.x).
fn write_broker(w: &mut Writer, b: &BrokerConfig, version: RocketMqVersion) {
    w.header("[broker]");
    w.kv("flushDiskType", quote(name_of(FLUSH_DISK_TYPES, b.flush_disk_type)));
    w.kv("brokerRole", quote(name_of(BROKER_ROLES, b.broker_role)));
    w.kv("syncFlushTimeout", ms(b.sync_flush_timeout));
    if version.has_key("broker.slaveTimeout") {
        w.kv("slaveTimeout", ms(b.slave_timeout));
    }
    w.kv("flushIntervalCommitLog", ms(b.flush_interval_commit_log));
    w.kv("flushCommitLogLeastPages", b.flush_commit_log_least_pages.to_string());
    w.kv("flushCommitLogThoroughInterval", ms(b.flush_commit_log_thorough_interval));
    w.kv("haSlaveFallbehindMax", b.ha_slave_fallbehind_max_bytes.to_string());
    w.kv("haHousekeepingInterval", ms(b.ha_housekeeping_interval));
    w.kv("haSendHeartbeatInterval", ms(b.ha_send_heartbeat_interval));
    let levels: Vec<String> = b.message_delay_level.iter().map(|d| format_duration(*d)).collect();
    w.kv("messageDelayLevel", quote(&levels.join(" ")));
    w.kv("transientStorePoolEnable", b.transient_store_pool_enable.to_string());
    w.kv("commitIntervalCommitLog", ms(b.commit_interval_commit_log));
    w.kv("commitCommitLogLeastPages", b.commit_commit_log_least_pages.to_string());
    w.kv("commitCommitLogThoroughInterval", ms(b.commit_commit_log_thorough_interval));
    if version.has_key("broker.inSyncReplicas") {
        w.kv("totalReplicas", b.total_replicas.to_string());
        w.kv("inSyncReplicas", b.in_sync_replicas.to_string());
        w.kv("minInSyncReplicas", b.min_in_sync_replicas.to_string());
        w.kv("enableAutoInSyncReplicas", b.enable_auto_in_sync_replicas.to_string());
        w.kv("enableSlaveActingMaster", b.enable_slave_acting_master.to_string());
    }
    if version.has_key("broker.enableControllerMode") {
        w.kv("enableControllerMode", b.enable_controller_mode.to_string());
        w.kv("allAckInSyncStateSet", b.all_ack_in_sync_state_set.to_string());
        w.kv("haMaxTimeSlaveNotCatchup", ms(b.ha_max_time_slave_not_catchup));
        w.kv("controllerHeartBeatTimeoutMills", ms(b.controller_heart_beat_timeout_mills));
    }
}

fn write_producer(w: &mut Writer, p: &ProducerConfig) {
    w.header("[producer]");
    if p.client == Client::Grpc {
        w.kv("client", quote(name_of(CLIENTS, p.client)));
        w.kv("maxAttempts", p.max_attempts.to_string());
        w.kv("requestTimeout", ms(p.request_timeout));
    }
    w.kv("sendMode", quote(name_of(SEND_MODES, p.send_mode)));
    w.kv("messages", p.messages.to_string());
    match p.threads {
        Some(n) => w.kv("threads", n.to_string()),
        None => w.kv("interval", dur(p.interval)),
    }
    w.kv("bodySize", p.body_size.to_string());
    if p.client == Client::Remoting {
        w.kv("sendMsgTimeout", ms(p.send_msg_timeout));
        w.kv("retryTimesWhenSendFailed", p.retry_times_when_send_failed.to_string());
        w.kv("retryTimesWhenSendAsyncFailed", p.retry_times_when_send_async_failed.to_string());
        w.kv("retryAnotherBrokerWhenNotStoreOK", p.retry_another_broker_when_not_store_ok.to_string());
    }
    w.kv("onException", quote(name_of(ON_EXCEPTIONS, p.on_exception)));
    w.kv("resendDelay", dur(p.resend_delay));
    w.kv("resendMaxTimes", p.resend_max_times.to_string());
}

fn write_consumer(w: &mut Writer, c: &ConsumerConfig) {
    let grpc = c.client == Client::Grpc;
    w.header("[consumer]");
    if grpc {
        w.kv("client", quote(name_of(CLIENTS, c.client)));
    }
    w.kv("enabled", c.enabled.to_string());
    w.kv("group", quote(&c.group));
    w.kv("startAt", dur(SimDuration(c.start_at.as_us())));
    if !grpc {
        w.kv("maxReconsumeTimes", c.max_reconsume_times.to_string());
    }
    w.kv("consumeTime", dur(c.consume_time));
    w.kv("failPercent", c.fail_percent.to_string());
    let ids: Vec<String> = c.fail_messages.iter().map(u32::to_string).collect();
    w.kv("failMessages", format!("[{}]", ids.join(", ")));
    w.kv("failFirstAttempts", c.fail_first_attempts.to_string());
    w.kv("failWith", quote(name_of(FAIL_WITHS, c.fail_with)));
    w.kv("dlqConsumer", c.dlq_consumer.to_string());
    if grpc {
        w.kv("retryMaxTimes", c.retry_max_times.to_string());
        w.kv("groupRetryPolicy", quote(name_of(GROUP_RETRY_POLICIES, c.group_retry_policy)));
        w.kv("defaultInvisibleTimeMills", ms(c.default_invisible_time));
        w.kv("consumptionThreadCount", c.consume_thread.to_string());
        return;
    }
    w.kv("persistConsumerOffsetInterval", ms(c.persist_consumer_offset_interval));
    w.kv("pullBatchSize", c.pull_batch_size.to_string());
    w.kv("consumeThread", c.consume_thread.to_string());
    w.kv("pullThresholdForQueue", c.pull_threshold_for_queue.to_string());
    w.kv("pullThresholdSizeForQueue", c.pull_threshold_size_for_queue.to_string());
    w.kv("consumeConcurrentlyMaxSpan", c.consume_concurrently_max_span.to_string());
}

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    fn header(&mut self, h: &str) {
        self.out.push('\n');
        self.out.push_str(h);
        self.out.push('\n');
    }
    fn kv(&mut self, key: &str, value: String) {
        self.out.push_str(key);
        self.out.push_str(" = ");
        self.out.push_str(&value);
        self.out.push('\n');
    }
}

fn dur(d: SimDuration) -> String {
    quote(&format_duration(d))
}

/// A RocketMQ ms knob: an integer when whole milliseconds (as in `broker.conf`), else a string.
fn ms(d: SimDuration) -> String {
    if d.as_us() % 1_000 == 0 && d.as_ms() <= i64::MAX as u64 {
        d.as_ms().to_string()
    } else {
        dur(d)
    }
}

fn name_of<T: PartialEq>(options: &[(&'static str, T)], value: T) -> &'static str {
    options.iter().find(|(_, v)| *v == value).map_or("?", |(n, _)| n)
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_and_case_but_not_strangers() {
        assert_eq!(suggest("flushDiskTyp", BROKER_KEYS), Some("flushDiskType"));
        assert_eq!(suggest("FLUSHDISKTYPE", BROKER_KEYS), Some("flushDiskType"));
        assert_eq!(suggest("haSlaveFallBehindMax", BROKER_KEYS), Some("haSlaveFallbehindMax"));
        assert_eq!(suggest("namesrvAddr", BROKER_KEYS), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn line_index_finds_keys_headers_and_falls_back_to_the_table() {
        let idx = LineIndex::build("seed = 1\n[broker]\n  slaveTimeout = 1 # c\n[[fault]]\n[[fault]]\nat = 2\n\"quoted\" = 3\n# x = 1\n");
        assert_eq!(idx.find("seed"), Some(1));
        assert_eq!(idx.find("broker.slaveTimeout"), Some(3));
        assert_eq!(idx.find("broker.missing"), Some(2));
        assert_eq!(idx.find("fault[2].at"), Some(6));
        assert_eq!(idx.find("fault[2].quoted"), Some(7));
        assert_eq!(idx.find("fault[1].at"), Some(4));
        assert_eq!(idx.find("fault"), Some(4));
        assert_eq!(idx.find("# x"), None);
        assert_eq!(idx.find("nothing"), None);
    }

    #[test]
    fn delay_levels_take_rocketmq_units_including_days() {
        let levels = parse_delay_levels(" 1s 2m  3h 1d\t500ms ").unwrap();
        let secs: Vec<u64> = levels.iter().map(|d| d.as_us() / 1_000_000).collect();
        assert_eq!(secs, [1, 120, 10_800, 86_400, 0]);
        assert!(parse_delay_levels("1s 2s 8d").unwrap_err().contains("longer than 7 days"));
        assert!(parse_delay_levels("1s 2s x").unwrap_err().contains("level 3"));
        assert!(parse_delay_levels(&"1s ".repeat(65)).unwrap_err().contains("65 levels"));
        assert_eq!(parse_delay_levels(&"1s ".repeat(64)).map(|l| l.len()), Ok(64));
    }

    #[test]
    fn group_names_follow_rocketmq_validators() {
        assert!(check_group("demo_group").is_ok());
        assert!(check_group("%DLQ%a|b-c").is_ok());
        assert!(check_group("").is_err());
        assert!(check_group("a.b").unwrap_err().contains("`.`"));
    }

    #[test]
    fn strings_are_quoted_for_toml() {
        assert_eq!(quote("a\"b\\c\u{1}"), "\"a\\\"b\\\\c\\u0001\"");
    }
}
