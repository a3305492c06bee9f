//! The RocketMQ release a run follows, and the one table of what each release does differently
//! (`shared/spec/rocketmq-5.md` §1–§3; `rocketmq-semantics.md` for 4.9.8).
//!
//! A scenario's top-level `version` picks a [`RocketMqVersion`] (absent: `"4.9.8"`, the model
//! every preset, golden log and share link was made with). The services never test the version:
//! they ask [`RocketMqVersion::rules`] for a [`VersionRules`] and read the behaviour they need
//! (which timeout bounds the slave wait, how often `GroupTransferService` looks, whether the put
//! path counts replicas, …). So the differences can be held against the spec in one place:
//!
//! | rule ([`VersionRules`] field) | 4.7.0 | 4.9.8 | 5.3.3 | spec |
//! |---|---|---|---|---|
//! | `slave_wait_timeout` | `syncFlushTimeout` (5 s) | `slaveTimeout` (3 s) | `slaveTimeout` | §1 |
//! | `transfer_deadline` | when the service starts on the request | when the request is created | created | §1 |
//! | `transfer_one_by_one` | yes: the k-th pending send waits ~k × 5 s in a stall | no | no | §1 |
//! | `transfer_poll` | 1 s | 1 s | 1 ms | §1, §2 |
//! | `late_replica_success_is_timeout` | yes (`wakeupCustomer`) | no | no | §1 |
//! | `flush_disk_watcher` | no: a late flush answers `FLUSH_DISK_TIMEOUT` when it ends | `FlushDiskWatcher` at `syncFlushTimeout` | watcher | source (4.7.0 `CommitLog.asyncPutMessage`) |
//! | `checks_slave_ok` | `isSlaveOK` → `SLAVE_NOT_AVAILABLE` | yes | no: the store never answers it | §1, §2 |
//! | `quorum_write` | no: waits for `push2SlaveMaxOffset` | no | `needAckNums = inSyncReplicas`; ≤ 1 → no wait, no wake | §2 |
//! | `slave_acting_master` | no | no | `enableSlaveActingMaster`: `calcNeedAckNums`, `IN_SYNC_REPLICAS_NOT_ENOUGH` | §3 |
//! | `slave_pull_needs_read_enable` | no | no | the slave answers `SYSTEM_BUSY` unless `slaveReadEnable` | §2 |
//! | `sync_flush_dispatch_flushed_only` | no | no | `SYNC_FLUSH`: consumers see only flushed messages | §2 |
//! | `dlq_readable` | no (`%DLQ%` write-only before 4.9.2) | yes | yes | §1 |
//! | `grpc_clients` | no | no | yes: `[producer] client = "grpc"` through the proxy | §5 |
//! | `send_back_fails_fast_without_master` | no: the RPC to a null address waits its 5 s | no | yes: "master node does not exist" at once | source (`DefaultMQPushConsumerImpl.sendMessageBack`) |
//!
//! Keys that do not exist in a release are refused by the parser ([`VersionRules::absent_key`]):
//! `slaveTimeout` under 4.7.0, the 5.x quorum and acting-master keys under 4.x.

use crate::time::SimDuration;

/// A RocketMQ release the lab models.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RocketMqVersion {
    /// `rocketmq-all-4.7.0`: the first async put pipeline; the slave wait is `syncFlushTimeout`.
    V4_7_0,
    /// `rocketmq-all-4.9.8`: the lab's original model (default).
    #[default]
    V4_9_8,
    /// `rocketmq-all-5.3.3`: quorum write, slave-acting master, slave reads off by default.
    V5_3_3,
}

/// Which knob bounds a `SYNC_MASTER` send's wait for the slave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaveWaitTimeout {
    /// `syncFlushTimeout` (4.7.0: `GroupCommitRequest(nextOffset, syncFlushTimeout)`).
    SyncFlushTimeout,
    /// `slaveTimeout` (4.9.3+).
    SlaveTimeout,
}

/// When a waiting send's deadline starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferDeadline {
    /// 4.7.0 `doWaitTransfer`: `waitUntilWhen = now + timeout` when the service starts on it.
    ServiceStart,
    /// 4.9.3+: the `GroupCommitRequest` fixes `deadLine` when it is created (at the put).
    RequestCreated,
}

/// What one release does differently on the reliability path. Read by the services; see the
/// module table for each field against the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionRules {
    pub version: RocketMqVersion,
    /// Which knob bounds the slave wait.
    pub slave_wait_timeout: SlaveWaitTimeout,
    /// When that wait's deadline starts.
    pub transfer_deadline: TransferDeadline,
    /// `GroupTransferService` serves waiting sends strictly one after the other, each from its own
    /// start (4.7.0). Later releases serve them in order too, but with deadlines fixed at the put
    /// the order no longer changes when a send times out.
    pub transfer_one_by_one: bool,
    /// How long `GroupTransferService` waits between two looks when no slave report wakes it
    /// (`notifyTransferObject.waitForRunning`): 1 s in 4.x, 1 ms in 5.x.
    pub transfer_poll: SimDuration,
    /// `GroupCommitRequest.wakeupCustomer` (4.7.0) reports a success later than the request's
    /// timeout (counted from its creation) as `FLUSH_SLAVE_TIMEOUT`.
    pub late_replica_success_is_timeout: bool,
    /// `FlushDiskWatcher` (4.9.x, 5.x) answers a `SYNC_FLUSH` send `FLUSH_DISK_TIMEOUT` at
    /// `syncFlushTimeout`. Without it (4.7.0) the send waits for its flush however long it takes,
    /// and a flush later than `syncFlushTimeout` answers `FLUSH_DISK_TIMEOUT` when it ends.
    pub flush_disk_watcher: bool,
    /// `HAService.isSlaveOK` guards the slave wait: no connection, or one more than
    /// `haSlaveFallbehindMax` behind, answers `SLAVE_NOT_AVAILABLE` at once (4.x).
    pub checks_slave_ok: bool,
    /// RIP-34 quorum write (5.x): a `SYNC_MASTER` put waits only when `needAckNums` (=
    /// `inSyncReplicas`, counting the master) is above 1, for that many replicas' acks.
    pub quorum_write: bool,
    /// RIP-32 (5.x): `enableSlaveActingMaster` makes the put count the in-sync replicas first
    /// (`calcNeedAckNums`, `enableAutoInSyncReplicas`) and refuse with
    /// `IN_SYNC_REPLICAS_NOT_ENOUGH` before appending when too few are.
    pub slave_acting_master: bool,
    /// `PullMessageProcessor.rejectRequest` (5.x): a `SLAVE` refuses every pull with `SYSTEM_BUSY`
    /// unless `slaveReadEnable = true`.
    pub slave_pull_needs_read_enable: bool,
    /// `CommitLog.getConfirmOffset` (5.3.0+): with `SYNC_FLUSH` the consume queues are dispatched
    /// only up to the flushed offset, so consumers never see an unflushed message.
    pub sync_flush_dispatch_flushed_only: bool,
    /// `%DLQ%` topics are created readable (4.9.2+); before, a DLQ consumer reads nothing.
    pub dlq_readable: bool,
    /// `DefaultMQPushConsumerImpl.sendMessageBack` with no master in the route: 5.x throws at once
    /// (`isBlank(brokerAddr)`), 4.x sends the RPC to a null address and waits out its 5 s timeout.
    pub send_back_fails_fast_without_master: bool,
    /// The proxy and its gRPC clients (`apache/rocketmq-clients`) exist (5.x): `client = "grpc"`.
    pub grpc_clients: bool,
}

/// The `[broker]` keys that came with 5.0 (RIP-32, RIP-34), with why a 4.x release lacks them.
const KEYS_5X: &[(&str, &str)] = &[
    ("broker.totalReplicas", "came with 5.0's quorum write (RIP-34)"),
    ("broker.inSyncReplicas", "came with 5.0's quorum write (RIP-34); 4.x SYNC_MASTER always waits for its slave"),
    ("broker.minInSyncReplicas", "came with 5.0's quorum write (RIP-34)"),
    ("broker.enableAutoInSyncReplicas", "came with 5.0's automatic degradation (RIP-32/34)"),
    ("broker.enableSlaveActingMaster", "came with 5.0's slave-acting master (RIP-32)"),
    ("broker.enableControllerMode", "came with 5.0's controller mode (RIP-44)"),
    ("broker.allAckInSyncStateSet", "came with 5.0's controller mode (RIP-44)"),
    ("broker.haMaxTimeSlaveNotCatchup", "came with 5.0's controller mode (RIP-44)"),
    ("broker.controllerHeartBeatTimeoutMills", "came with 5.0's controller mode (RIP-44)"),
    ("controller.scanNotActiveBrokerInterval", "came with 5.0's controller (RIP-44)"),
    ("controller.enableElectUncleanMaster", "came with 5.0's controller (RIP-44)"),
    ("controller.notifyBrokerRoleChanged", "came with 5.0's controller (RIP-44)"),
    ("proxy.proxyMode", "the proxy came with 5.0"),
];

/// The keys 4.9.x added before 5.0, with why 4.7.0 lacks them; 4.7.0 lacks [`KEYS_5X`] as well.
const KEYS_4_9_X: &[(&str, &str)] =
    &[("broker.slaveTimeout", "came with 4.9.3; 4.7.0 waits syncFlushTimeout for the slave")];

static RULES_4_7_0: VersionRules = VersionRules {
    version: RocketMqVersion::V4_7_0,
    slave_wait_timeout: SlaveWaitTimeout::SyncFlushTimeout,
    transfer_deadline: TransferDeadline::ServiceStart,
    transfer_one_by_one: true,
    transfer_poll: SimDuration::from_ms(1_000),
    late_replica_success_is_timeout: true,
    flush_disk_watcher: false,
    checks_slave_ok: true,
    quorum_write: false,
    slave_acting_master: false,
    slave_pull_needs_read_enable: false,
    sync_flush_dispatch_flushed_only: false,
    dlq_readable: false,
    send_back_fails_fast_without_master: false,
    grpc_clients: false,
};

static RULES_4_9_8: VersionRules = VersionRules {
    version: RocketMqVersion::V4_9_8,
    slave_wait_timeout: SlaveWaitTimeout::SlaveTimeout,
    transfer_deadline: TransferDeadline::RequestCreated,
    transfer_one_by_one: false,
    transfer_poll: SimDuration::from_ms(1_000),
    late_replica_success_is_timeout: false,
    flush_disk_watcher: true,
    checks_slave_ok: true,
    quorum_write: false,
    slave_acting_master: false,
    slave_pull_needs_read_enable: false,
    sync_flush_dispatch_flushed_only: false,
    dlq_readable: true,
    send_back_fails_fast_without_master: false,
    grpc_clients: false,
};

static RULES_5_3_3: VersionRules = VersionRules {
    version: RocketMqVersion::V5_3_3,
    slave_wait_timeout: SlaveWaitTimeout::SlaveTimeout,
    transfer_deadline: TransferDeadline::RequestCreated,
    transfer_one_by_one: false,
    transfer_poll: SimDuration::from_ms(1),
    late_replica_success_is_timeout: false,
    flush_disk_watcher: true,
    checks_slave_ok: false,
    quorum_write: true,
    slave_acting_master: true,
    slave_pull_needs_read_enable: true,
    sync_flush_dispatch_flushed_only: true,
    dlq_readable: true,
    send_back_fails_fast_without_master: true,
    grpc_clients: true,
};

impl RocketMqVersion {
    /// Every modelled release, oldest first.
    pub const ALL: [RocketMqVersion; 3] =
        [RocketMqVersion::V4_7_0, RocketMqVersion::V4_9_8, RocketMqVersion::V5_3_3];

    /// The release number as written in a scenario (`"5.3.3"`).
    pub fn name(self) -> &'static str {
        match self {
            RocketMqVersion::V4_7_0 => "4.7.0",
            RocketMqVersion::V4_9_8 => "4.9.8",
            RocketMqVersion::V5_3_3 => "5.3.3",
        }
    }

    /// The release named `text`; an unknown one lists the known ones.
    pub fn parse(text: &str) -> Result<RocketMqVersion, String> {
        Self::ALL.into_iter().find(|v| v.name() == text.trim()).ok_or_else(|| {
            let known: Vec<String> = Self::ALL.iter().map(|v| format!("`{}`", v.name())).collect();
            format!("`{text}` is not a RocketMQ version the lab models; known: {}", known.join(", "))
        })
    }

    /// A list of releases, comma-separated (`"4.9.8, 5.3.3"`): each known and given once, at
    /// least one. The reason names what is wrong (the caller names the field or flag).
    pub fn parse_list(list: &str) -> Result<Vec<RocketMqVersion>, String> {
        let known = Self::ALL.map(RocketMqVersion::name).join(", ");
        if list.trim().is_empty() {
            return Err(format!("the list is empty; give one or more of {known}, comma-separated"));
        }
        let mut out = Vec::new();
        for v in list.split(',').map(str::trim) {
            if v.is_empty() {
                return Err(format!("`{list}` has an empty item; give one or more of {known}, comma-separated"));
            }
            let version = RocketMqVersion::parse(v)?;
            if out.contains(&version) {
                return Err(format!("{version} is given twice; give each release once"));
            }
            out.push(version);
        }
        Ok(out)
    }

    /// What this release does differently (the module's table).
    pub fn rules(self) -> &'static VersionRules {
        match self {
            RocketMqVersion::V4_7_0 => &RULES_4_7_0,
            RocketMqVersion::V4_9_8 => &RULES_4_9_8,
            RocketMqVersion::V5_3_3 => &RULES_5_3_3,
        }
    }

    /// Dotted scenario keys (`broker.inSyncReplicas`) this release does not have, with why.
    pub fn absent_keys(self) -> impl Iterator<Item = &'static (&'static str, &'static str)> {
        let (before_4_9, before_5): (&[_], &[_]) = match self {
            RocketMqVersion::V4_7_0 => (KEYS_4_9_X, KEYS_5X),
            RocketMqVersion::V4_9_8 => (&[], KEYS_5X),
            RocketMqVersion::V5_3_3 => (&[], &[]),
        };
        before_4_9.iter().chain(before_5)
    }

    /// Whether the release has the dotted scenario key `field` (`broker.slaveTimeout`).
    pub fn has_key(self, field: &str) -> bool {
        self.absent_keys().all(|(k, _)| *k != field)
    }
}

impl VersionRules {
    /// Why the dotted key `field` does not exist in this release, or `None` when it does.
    pub fn absent_key(&self, field: &str) -> Option<&'static str> {
        self.version.absent_keys().find(|(k, _)| *k == field).map(|(_, why)| *why)
    }
}

impl std::fmt::Display for RocketMqVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for RocketMqVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for RocketMqVersion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        RocketMqVersion::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_lists_the_known() {
        for v in RocketMqVersion::ALL {
            assert_eq!(RocketMqVersion::parse(v.name()), Ok(v));
            assert_eq!(v.rules().version, v);
        }
        assert_eq!(RocketMqVersion::default(), RocketMqVersion::V4_9_8);
        let e = RocketMqVersion::parse("5.0").unwrap_err();
        assert!(e.contains("`4.7.0`, `4.9.8`, `5.3.3`"), "{e}");
    }

    #[test]
    fn a_list_of_releases_is_each_known_and_given_once() {
        assert_eq!(RocketMqVersion::parse_list(" 5.3.3, 4.9.8"), Ok(vec![RocketMqVersion::V5_3_3, RocketMqVersion::V4_9_8]), "in the order given");
        assert!(RocketMqVersion::parse_list(" ").unwrap_err().starts_with("the list is empty"));
        assert!(RocketMqVersion::parse_list("4.9.8,,5.3.3").unwrap_err().contains("has an empty item"));
        assert!(RocketMqVersion::parse_list("4.9.8,6.0").unwrap_err().contains("`6.0` is not a RocketMQ version"));
        assert!(RocketMqVersion::parse_list("5.3.3,5.3.3").unwrap_err().contains("5.3.3 is given twice"));
    }

    #[test]
    fn keys_of_other_versions_are_absent() {
        assert!(!RocketMqVersion::V4_7_0.has_key("broker.slaveTimeout"));
        assert!(RocketMqVersion::V4_9_8.has_key("broker.slaveTimeout"));
        assert!(!RocketMqVersion::V4_9_8.has_key("broker.inSyncReplicas"));
        assert!(RocketMqVersion::V5_3_3.has_key("broker.inSyncReplicas"));
        assert!(RocketMqVersion::V4_7_0.rules().absent_key("broker.enableSlaveActingMaster").is_some());
    }
}
