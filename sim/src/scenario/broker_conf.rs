//! Java-properties `broker.conf` import: lays a real master's store knobs onto a scenario.
//!
//! Users have a `broker.conf` already; pasting it is quicker and less error-prone than copying
//! values into `[broker]`. `defaultTopicQueueNums` sets `[topic]` (the queues of a topic the
//! producer creates: at most the producer's 4). Keys the lab models (the flush and HA knobs of spec §1) are applied in
//! RocketMQ's own units (milliseconds, bytes); every other key (`brokerName`, `namesrvAddr`,
//! `storePathRootDir`, …) is listed as not modelled, with its line, so the user sees what the run
//! ignores instead of wondering.
//!
//! The syntax is `java.util.Properties.load`'s, which RocketMQ's `BrokerStartup` calls
//! ([`properties`]): `key=value`, `key:value` or `key value` (whitespace around the separator
//! skipped), leading whitespace skipped, `#` and `!` comment lines, blank lines, a line ending in
//! an odd number of backslashes continued on the next (its leading whitespace skipped), and the
//! escapes `\uXXXX`, `\t`, `\n`, `\r`, `\f` and `\`+any character (that character: `\=`, `\:`,
//! `\ ` in a key). A malformed `\uXXXX` is an error, as in Java. Input is text: the runner
//! reads the file's bytes as ISO-8859-1, as `load(InputStream)` does. A key given twice: the later
//! value wins, as in `Properties.load`, and both lines are listed in `applied`.
//!
//! Where the lab is stricter than RocketMQ: a value it cannot read for a modelled key is an error
//! (RocketMQ's `MixAll.properties2Object` swallows the exception and keeps the default, which is
//! how a typo silently keeps `ASYNC_FLUSH`); trailing whitespace of a value is ignored. A mode the
//! lab does not model (DLedger: `enableDLegerCommitLog=true`) is an error naming the key, not a
//! master/slave report that would mislead. A key the lab does not know that is a small edit from
//! one it models (`flushDiskTyp`) is named by [`nearest_known_key`].
//!
//! **Controller mode** (5.x, `shared/spec/rocketmq-5.md` §4) is modelled: `enableControllerMode`,
//! `allAckInSyncStateSet`, `haMaxTimeSlaveNotCatchup` and `controllerHeartBeatTimeoutMills` are
//! applied; the other broker keys of the mode (`controllerAddr`, `brokerElectionPriority`, the
//! metadata periods, [`controller_key_note`]) are read and get a note saying why they change
//! nothing in the run. RocketMQ reads the whole file before it acts on it, so controller mode
//! changes the meaning of keys wherever they stand (`BrokerStartup`, 5.3.3): `brokerRole` is
//! ignored (the controller's election decides; the quick-start samples say `SLAVE` on every
//! broker), so is `brokerId` (the controller assigns ids as brokers register; the samples say
//! `-1`), and `totalReplicas` and `enableAutoInSyncReplicas` are not read by the put
//! (`CommitLog.asyncPutMessage` takes its controller-mode branch first). A release without
//! controller mode (4.x) lists those keys as keys it does not have (it ignores them: the broker
//! then starts as whatever `brokerRole` says). `enableControllerMode` with
//! `enableDLegerCommitLog` is an error, as `BrokerStartup` refuses it.
//!
//! `losslab check` reads any RocketMQ configuration ([`read_broker_conf`], issue 19): a slave's
//! file, a DLedger broker's, a controller's, a name server's or a broker container's (RocketMQ
//! 5.3.3's `distribution/conf` has all of them). Instead of refusing them it says what the file is
//! ([`ConfKind`]), names the keys of the modes and processes the lab does not model yet
//! ([`unmodelled_key`]), and lists the keys the chosen release does not have (RocketMQ ignores a
//! key it has no setter for), so the check can warn at the top and skip the fault rows.

use super::parse::{broker_keys, edit_distance, parse_delay_levels, ScenarioError};
use super::{BrokerConfig, BrokerRole, FlushDiskType, Scenario};
use crate::time::SimDuration;

/// The result of an import: the scenario with the known keys applied, and which lines did what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerConfImport {
    pub scenario: Scenario,
    /// `(line, key)` of each key applied to `scenario.broker`, in file order.
    pub applied: Vec<(usize, String)>,
    /// `(line, key)` of each key the lab does not model, in file order.
    pub not_modelled: Vec<(usize, String)>,
    /// `(line, key, why)` of each key the scenario's version does not have ([`read_broker_conf`]
    /// only; [`import_broker_conf`] refuses them).
    pub not_in_version: Vec<(usize, String, &'static str)>,
    /// `(line, key, what)` of each key of a mode or process the lab does not model yet.
    pub mode_keys: Vec<(usize, String, Unmodelled)>,
    /// `(line, key, why)` of each key read whose value changes nothing in the run, and why
    /// (`brokerRole` in controller mode, `controllerAddr`, `allAckInSyncStateSet` outside it, …).
    pub notes: Vec<(usize, String, String)>,
    /// What the file configures.
    pub kind: ConfKind,
    /// `(line, value)` of `brokerId` (the last one; `Long.parseLong`, a value that is not a number
    /// read as RocketMQ keeps it: the default 0).
    pub broker_id: Option<(usize, i64)>,
    /// The line of the last `enableControllerMode=true`, whether or not the release has the key.
    pub controller_mode_asked: Option<usize>,
}

/// A mode or process whose keys the lab recognises but does not model yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unmodelled {
    /// DLedger commit log (`enableDLegerCommitLog`, `MessageStoreConfig`).
    DLedger,
    /// The controller itself (`ControllerConfig`), standalone or inside the name server.
    Controller,
    /// The name server (`NamesrvConfig`).
    NameServer,
    /// A BrokerContainer (`brokerConfigPaths`: several brokers in one process).
    BrokerContainer,
}

impl Unmodelled {
    /// What the mode is, in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            Unmodelled::DLedger => "DLedger mode (a Raft group elects the master and a send is acknowledged by a majority)",
            Unmodelled::Controller => "the controller of controller mode (RIP-44), standalone or inside the name server",
            Unmodelled::NameServer => "the name server",
            Unmodelled::BrokerContainer => "a BrokerContainer (several brokers in one process; each has its own file)",
        }
    }

    /// Its name in a report (`DLEDGER`, …).
    pub fn name(self) -> &'static str {
        match self {
            Unmodelled::DLedger => "DLEDGER",
            Unmodelled::Controller => "CONTROLLER",
            Unmodelled::NameServer => "NAME_SERVER",
            Unmodelled::BrokerContainer => "BROKER_CONTAINER",
        }
    }
}

/// What a configuration file configures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConfKind {
    /// A master/slave master (`brokerRole` absent, `ASYNC_MASTER` or `SYNC_MASTER`).
    #[default]
    Master,
    /// A slave (`brokerRole=SLAVE`).
    Slave,
    /// A broker in controller mode (`enableControllerMode=true` on the line; 5.x): any broker of
    /// the group may be elected master, so its file is every broker's.
    ControllerMode(usize),
    /// A broker in a mode the lab does not model (`enableDLegerCommitLog=true` on the line), or
    /// not a broker's file at all (only keys of another process, and no broker key the lab applies).
    Unmodelled(Unmodelled, usize),
}

/// Keys of the modes and processes the lab does not model yet (RocketMQ 5.3.3's
/// `MessageStoreConfig`, `ControllerConfig`, `NamesrvConfig`, `BrokerContainerConfig`).
pub fn unmodelled_key(key: &str) -> Option<Unmodelled> {
    Some(match key {
        "enableDLegerCommitLog" | "dLegerGroup" | "dLegerPeers" | "dLegerSelfId" | "preferredLeaderId"
        | "enableBatchPush" | "storePathDLedgerCommitLog" => Unmodelled::DLedger,
        "controllerType" | "controllerDLegerGroup" | "controllerDLegerPeers" | "controllerDLegerSelfId"
        | "controllerStorePath" | "enableElectUncleanMaster" | "electMasterMaxRetryCount" | "scanInactiveMasterInterval"
        | "controllerThreadPoolNums" | "controllerRequestThreadPoolQueueCapacity" | "jraftConfig" => Unmodelled::Controller,
        "enableControllerInNamesrv" | "supportActingMaster" | "kvConfigPath" | "orderMessageEnable"
        | "returnOrderTopicConfigToBroker" | "unRegisterBrokerQueueCapacity" => Unmodelled::NameServer,
        "brokerConfigPaths" => Unmodelled::BrokerContainer,
        _ => return None,
    })
}

/// The broker keys of controller mode (RocketMQ 5.3.3 `BrokerConfig` and `MessageStoreConfig`):
/// the four the lab models, then those [`controller_key_note`] explains.
pub const CONTROLLER_MODE_KEYS: &[&str] = &[
    "enableControllerMode",
    "allAckInSyncStateSet",
    "haMaxTimeSlaveNotCatchup",
    "controllerHeartBeatTimeoutMills",
    "controllerAddr",
    "fetchControllerAddrByDnsLookup",
    "syncControllerMetadataPeriod",
    "syncBrokerMetadataPeriod",
    "checkSyncStateSetPeriod",
    "brokerElectionPriority",
];

/// Why a 4.x release lacks a controller-mode key.
const CONTROLLER_MODE_CAME: &str = "came with 5.0's controller mode (RIP-44)";

/// Why a broker key of controller mode that the lab reads changes nothing in its run (`None` for
/// the keys it models).
pub fn controller_key_note(key: &str) -> Option<&'static str> {
    Some(match key {
        "controllerAddr" | "fetchControllerAddrByDnsLookup" => {
            "where the controllers are: the lab runs one controller, reachable unless a fault hits it"
        }
        "syncControllerMetadataPeriod" => {
            "how often the broker asks which controller leads (10 s): the lab's one controller never moves"
        }
        "brokerElectionPriority" => {
            "the election's last tie-break, after epoch and max offset: the lab gives every broker the same priority, so a tie goes to the lowest brokerId"
        }
        "syncBrokerMetadataPeriod" => {
            "a broker's poll of its role (5000 ms, what it waits for with notifyBrokerRoleChanged = false): the lab runs 5000 ms"
        }
        "checkSyncStateSetPeriod" => {
            "the master's SyncStateSet check (5000 ms, the rhythm at which a lagging slave leaves the set): the lab runs 5000 ms"
        }
        _ => return None,
    })
}

/// Applies `text` (a master's `broker.conf`) onto a copy of `base`. Errors name the key (or
/// `line` for a line that is not `key=value`) and the 1-based line; a slave's file, a mode the
/// lab does not model and a key `base.version` does not have are errors too.
pub fn import_broker_conf(text: &str, base: &Scenario) -> Result<BrokerConfImport, ScenarioError> {
    import(text, base, true)
}

/// Reads any RocketMQ configuration file onto a copy of `base`, for `losslab check`: as
/// [`import_broker_conf`], but a slave's file, a mode or process the lab does not model and a
/// key `base.version` lacks are reported ([`BrokerConfImport::kind`], `mode_keys`,
/// `not_in_version`) instead of refused. A value the lab cannot read for a key it applies is
/// still an error. A slave's `flushDiskType` and `slaveReadEnable` are laid onto `[slave]`.
pub fn read_broker_conf(text: &str, base: &Scenario) -> Result<BrokerConfImport, ScenarioError> {
    import(text, base, false)
}

fn import(text: &str, base: &Scenario, strict: bool) -> Result<BrokerConfImport, ScenarioError> {
    let props = properties(text)?;
    let trim = |v: &str| v.trim_end_matches([' ', '\t', '\x0c']).to_string();
    let is_true = |v: &str| trim(v).eq_ignore_ascii_case("true");
    let version = base.version;
    let has_controller_mode = version.has_key("broker.enableControllerMode");
    // RocketMQ reads the whole file before it acts on it: controller mode (the last
    // `enableControllerMode` wins) changes what `brokerRole` and `brokerId` mean wherever they stand.
    let last = |key: &str| props.iter().rev().find(|(_, k, _)| k == key);
    let controller_mode_asked = last("enableControllerMode").filter(|(_, _, v)| is_true(v)).map(|(l, ..)| *l);
    let controller = controller_mode_asked.filter(|_| has_controller_mode);
    if let (Some(line), false, true) = (controller_mode_asked, has_controller_mode, strict) {
        // Named first: it changes what the file's brokerRole and brokerId mean.
        let why = version.rules().absent_key("broker.enableControllerMode").unwrap_or(CONTROLLER_MODE_CAME);
        return Err(ScenarioError::new(
            "enableControllerMode",
            Some(line),
            format!("RocketMQ {version} has no `enableControllerMode` ({why}); check the file against the version it is for"),
        ));
    }
    if let (Some(cl), Some((dl, ..))) = (controller, last("enableDLegerCommitLog").filter(|(_, _, v)| is_true(v))) {
        return Err(ScenarioError::new(
            "enableDLegerCommitLog",
            Some(*dl),
            format!("enableControllerMode=true (line {cl}) and enableDLegerCommitLog=true cannot both be on: RocketMQ's BrokerStartup refuses to start (\"The config enableControllerMode and enableDLegerCommitLog cannot both be true\"); give one"),
        ));
    }
    let mut out = BrokerConfImport {
        scenario: base.clone(),
        applied: Vec::new(),
        not_modelled: Vec::new(),
        not_in_version: Vec::new(),
        mode_keys: Vec::new(),
        notes: Vec::new(),
        kind: controller.map_or(ConfKind::Master, ConfKind::ControllerMode),
        broker_id: None,
        controller_mode_asked,
    };
    let mut gap_key: Option<&str> = None;
    let mut slave_keys: Vec<(usize, String, String)> = Vec::new();
    for (line_no, key, value) in &props {
        let line_no = *line_no;
        let value = trim(value);
        let (key, value) = (key.as_str(), value.as_str());
        let err = |field: &str, reason: String| ScenarioError::new(field, Some(line_no), reason);
        let note = |out: &mut BrokerConfImport, why: &str| out.notes.push((line_no, key.to_string(), why.to_string()));
        if let Some(mode) = unmodelled_mode(key, value) {
            if strict {
                return Err(err(key, mode));
            }
        }
        if CONTROLLER_MODE_KEYS.contains(&key) {
            if !has_controller_mode {
                let why = version.rules().absent_key(&format!("broker.{key}")).unwrap_or(CONTROLLER_MODE_CAME);
                if strict {
                    return Err(err(key, format!("RocketMQ {version} has no `{key}` ({why}); check the file against the version it is for")));
                }
                out.not_in_version.push((line_no, key.to_string(), why));
                continue;
            }
            if let Some(why) = controller_key_note(key) {
                note(&mut out, why);
                continue;
            }
            apply(&mut out.scenario.broker, key, value).map_err(|r| err(key, r))?;
            if controller.is_some() || key == "enableControllerMode" {
                out.applied.push((line_no, key.to_string()));
            } else {
                note(&mut out, "read only in controller mode (enableControllerMode = true): it changes nothing for a master/slave broker");
            }
            continue;
        }
        if key == "brokerId" {
            out.broker_id = Some((line_no, value.parse::<i64>().unwrap_or(0)));
            if controller.is_some() {
                note(&mut out, "controller mode ignores it: the controller assigns each broker its id when it registers (RocketMQ's samples give -1)");
                continue;
            }
        }
        if controller.is_some() {
            match key {
                "brokerRole" => {
                    if !["SYNC_MASTER", "ASYNC_MASTER", "SLAVE"].contains(&value) {
                        return Err(err(key, format!("`{value}` is not one of `SYNC_MASTER`, `ASYNC_MASTER`, `SLAVE`")));
                    }
                    note(&mut out, "controller mode ignores it: the controller elects the master, which runs as SYNC_MASTER, and the others run as SLAVE");
                    continue;
                }
                "totalReplicas" | "enableAutoInSyncReplicas" => {
                    apply(&mut out.scenario.broker, key, value).map_err(|r| err(key, r))?;
                    note(&mut out, "not read in controller mode: a put counts the SyncStateSet (minInSyncReplicas, and inSyncReplicas or allAckInSyncStateSet)");
                    continue;
                }
                "enableSlaveActingMaster" | "transientStorePoolEnable" if boolean(value).map_err(|r| err(key, r))? => {
                    let why = if key == "enableSlaveActingMaster" {
                        "controller mode elects a new master itself, and its put path never reads enableSlaveActingMaster (CommitLog.asyncPutMessage takes the controller-mode branch first); the lab does not model the two together: give enableSlaveActingMaster=false"
                    } else {
                        "the lab does not model transientStorePoolEnable in controller mode (a promoted slave has no write buffer); give transientStorePoolEnable=false"
                    };
                    return Err(err(key, format!("with enableControllerMode=true: {why}")));
                }
                _ => {}
            }
        }
        if !strict {
            if let Some(what) = unmodelled_key(key) {
                let turns_on = what == Unmodelled::DLedger && key == "enableDLegerCommitLog" && is_true(value);
                if turns_on && !matches!(out.kind, ConfKind::Unmodelled(..)) {
                    out.kind = ConfKind::Unmodelled(what, line_no);
                }
                out.mode_keys.push((line_no, key.to_string(), what));
                continue;
            }
            if key == "brokerRole" && value == "SLAVE" {
                if out.kind == ConfKind::Master {
                    out.kind = ConfKind::Slave;
                }
                out.applied.push((line_no, key.to_string()));
                continue;
            }
            if key == "flushDiskType" || key == "slaveReadEnable" {
                // A slave's own knobs: laid onto `[slave]` once the file is known to be a slave's.
                slave_keys.push((line_no, key.to_string(), value.to_string()));
            }
        }
        if key == "slaveReadEnable" {
            out.scenario.slave.slave_read_enable = boolean(value).map_err(|r| err(key, r))?;
            out.applied.push((line_no, key.to_string()));
            continue;
        }
        if key == "defaultTopicQueueNums" {
            // `BrokerConfig.defaultTopicQueueNums` (default 8) sizes `TBW102`; a topic the producer
            // creates by sending gets min(this, the producer's own `defaultTopicQueueNums`, 4) read
            // and write queues (`TopicConfigManager.createTopicInSendMessageMethod`): `[topic]`.
            let n = number(value).map_err(|r| err(key, r))?;
            if n == 0 || n > i32::MAX as u64 {
                return Err(err(key, format!("{n} is out of range; give 1 to {} (a topic created with 0 queues has nowhere to send)", i32::MAX)));
            }
            let q = n.min(u64::from(PRODUCER_DEFAULT_TOPIC_QUEUE_NUMS)) as u32;
            out.scenario.topic.write_queue_nums = q;
            out.scenario.topic.read_queue_nums = q;
            out.applied.push((line_no, key.to_string()));
            continue;
        }
        if key == "haSlaveFallbehindMax" || key == "haMaxGapNotInSync" {
            match gap_key {
                Some(other) if other != key => {
                    return Err(err(key, format!("{other} is given too; they are the same knob (4.9.x and 5.x names), give one")));
                }
                _ => {
                    gap_key = Some(if key == "haMaxGapNotInSync" {
                        "haMaxGapNotInSync"
                    } else {
                        "haSlaveFallbehindMax"
                    })
                }
            }
        }
        if let Some(why) = version.rules().absent_key(&format!("broker.{key}")) {
            if !strict {
                out.not_in_version.push((line_no, key.to_string(), why));
                continue;
            }
            return Err(err(key, format!("RocketMQ {version} has no `{key}` ({why}); check the file against the version it is for")));
        }
        match apply(&mut out.scenario.broker, key, value) {
            Ok(true) => out.applied.push((line_no, key.to_string())),
            Ok(false) => out.not_modelled.push((line_no, key.to_string())),
            Err(reason) => return Err(err(key, reason)),
        }
    }
    if out.kind == ConfKind::Slave {
        for (line, key, value) in slave_keys {
            if key == "flushDiskType" {
                let err = |r: String| ScenarioError::new(&key, Some(line), r);
                out.scenario.slave.flush_disk_type = match value.as_str() {
                    "SYNC_FLUSH" => FlushDiskType::SyncFlush,
                    "ASYNC_FLUSH" => FlushDiskType::AsyncFlush,
                    _ => return Err(err(format!("`{value}` is not one of `SYNC_FLUSH`, `ASYNC_FLUSH`"))),
                };
            }
        }
    }
    if let ConfKind::ControllerMode(_) = out.kind {
        // Any broker of the group may be elected: every one runs this file's store settings.
        out.scenario.slave.flush_disk_type = out.scenario.broker.flush_disk_type;
    }
    // A file with keys of another process and none the lab applies is that process's file.
    if out.kind == ConfKind::Master && out.applied.is_empty() {
        if let Some((line, _, what)) = out.mode_keys.iter().find(|(_, _, w)| *w != Unmodelled::DLedger) {
            out.kind = ConfKind::Unmodelled(*what, *line);
        }
    }
    Ok(out)
}

/// Sets one known knob; `Ok(false)` for a key the lab does not model.
fn apply(b: &mut BrokerConfig, key: &str, value: &str) -> Result<bool, String> {
    match key {
        "flushDiskType" => {
            b.flush_disk_type = match value {
                "SYNC_FLUSH" => FlushDiskType::SyncFlush,
                "ASYNC_FLUSH" => FlushDiskType::AsyncFlush,
                _ => return Err(format!("`{value}` is not one of `SYNC_FLUSH`, `ASYNC_FLUSH`")),
            }
        }
        "brokerRole" => {
            b.broker_role = match value {
                "SYNC_MASTER" => BrokerRole::SyncMaster,
                "ASYNC_MASTER" => BrokerRole::AsyncMaster,
                "SLAVE" => {
                    return Err("this is a slave's broker.conf; give the master's".to_string())
                }
                _ => return Err(format!("`{value}` is not one of `SYNC_MASTER`, `ASYNC_MASTER`")),
            }
        }
        "syncFlushTimeout" => b.sync_flush_timeout = ms(value, false)?,
        "slaveTimeout" => b.slave_timeout = ms(value, false)?,
        "flushIntervalCommitLog" => b.flush_interval_commit_log = ms(value, true)?,
        "flushCommitLogLeastPages" => b.flush_commit_log_least_pages = number(value)?,
        "flushCommitLogThoroughInterval" => {
            b.flush_commit_log_thorough_interval = ms(value, false)?
        }
        "haSlaveFallbehindMax" | "haMaxGapNotInSync" => {
            b.ha_slave_fallbehind_max_bytes = number(value)?
        }
        "haHousekeepingInterval" => b.ha_housekeeping_interval = ms(value, true)?,
        "haSendHeartbeatInterval" => b.ha_send_heartbeat_interval = ms(value, true)?,
        "messageDelayLevel" => b.message_delay_level = parse_delay_levels(value)?,
        "transientStorePoolEnable" => b.transient_store_pool_enable = boolean(value)?,
        "totalReplicas" => b.total_replicas = replicas(value)?,
        "inSyncReplicas" => b.in_sync_replicas = replicas(value)?,
        "minInSyncReplicas" => b.min_in_sync_replicas = replicas(value)?,
        "enableAutoInSyncReplicas" => b.enable_auto_in_sync_replicas = boolean(value)?,
        "enableSlaveActingMaster" => b.enable_slave_acting_master = boolean(value)?,
        "commitIntervalCommitLog" => b.commit_interval_commit_log = ms(value, true)?,
        "commitCommitLogLeastPages" => b.commit_commit_log_least_pages = number(value)?,
        "commitCommitLogThoroughInterval" => {
            b.commit_commit_log_thorough_interval = ms(value, false)?
        }
        "enableControllerMode" => b.enable_controller_mode = boolean(value)?,
        "allAckInSyncStateSet" => b.all_ack_in_sync_state_set = boolean(value)?,
        "haMaxTimeSlaveNotCatchup" => b.ha_max_time_slave_not_catchup = ms(value, false)?,
        "controllerHeartBeatTimeoutMills" => b.controller_heart_beat_timeout_mills = ms(value, true)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// `true` or `false`, in any case (`Boolean.parseBoolean`); anything else, which RocketMQ would
/// read as `false`, is an error.
fn boolean(value: &str) -> Result<bool, String> {
    if value.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if value.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(format!("`{value}` is not `true` or `false`"))
    }
}

/// A replica count: 1 to [`MAX_REPLICAS`](super::parse::MAX_REPLICAS), the master included.
fn replicas(value: &str) -> Result<u32, String> {
    let max = super::parse::MAX_REPLICAS;
    match number(value)? {
        n @ 1.. if n <= u64::from(max) => Ok(n as u32),
        n => Err(format!("{n} is out of range; give 1 to {max} (replicas, the master included)")),
    }
}

/// A non-negative integer, as RocketMQ's `Long.parseLong` would read it (no sign accepted here).
fn number(value: &str) -> Result<u64, String> {
    if value.is_empty() || !value.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!("`{value}` is not a non-negative integer"));
    }
    value
        .parse::<u64>()
        .ok()
        .filter(|n| *n <= i64::MAX as u64)
        .ok_or_else(|| format!("`{value}` is too large"))
}

/// Milliseconds, as broker.conf gives them; `positive` for periods, where zero would spin.
fn ms(value: &str, positive: bool) -> Result<SimDuration, String> {
    let n = number(value).map_err(|r| format!("{r}; broker.conf gives milliseconds, e.g. 5000"))?;
    if positive && n == 0 {
        return Err("must be greater than zero".to_string());
    }
    n.checked_mul(1_000).map(SimDuration).ok_or_else(|| format!("`{value}` ms is too large"))
}

/// The mode whose loss behaviour the lab does not model, by the key that turns it on
/// (`Boolean.parseBoolean`: `true` in any case).
fn unmodelled_mode(key: &str, value: &str) -> Option<String> {
    (key == "enableDLegerCommitLog" && value.eq_ignore_ascii_case("true")).then(|| {
        format!("`{key}=true` turns on {}; losslab models master/slave replication and 5.x controller mode, so a loss report for this broker.conf would mislead: none is given", Unmodelled::DLedger.describe())
    })
}

/// Every key [`apply`] models (the scenario's `[broker]` keys), and the mode keys it recognises.
pub const KNOWN_KEYS: &[&str] = broker_keys!(
    "enableDLegerCommitLog",
    "slaveReadEnable",
    "defaultTopicQueueNums",
    "controllerAddr",
    "fetchControllerAddrByDnsLookup",
    "syncControllerMetadataPeriod",
    "syncBrokerMetadataPeriod",
    "checkSyncStateSetPeriod",
    "brokerElectionPriority"
);

/// `DefaultMQProducer.defaultTopicQueueNums`: the queues a producer asks for when its send creates
/// the topic (4.7.0, 4.9.8 and 5.3.3 alike).
pub const PRODUCER_DEFAULT_TOPIC_QUEUE_NUMS: u32 = 4;

/// The known key `key` is probably a misspelling of: within 2 edits (1 for keys of up to 8
/// characters), ignoring case (RocketMQ's keys are case-sensitive: `flushdisktype` is ignored).
/// `None` for a key that is known, or far from every known key (`brokerName`).
pub fn nearest_known_key(key: &str) -> Option<&'static str> {
    if KNOWN_KEYS.contains(&key) {
        return None;
    }
    let lower = key.to_ascii_lowercase();
    let max = if key.chars().count() <= 8 { 1 } else { 2 };
    KNOWN_KEYS
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, _)| *d <= max)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// `(line, key, value)` of each property, in file order, as `java.util.Properties.load` reads
/// `text` (see the module doc); `line` is the 1-based line the property starts on.
pub fn properties(text: &str) -> Result<Vec<(usize, String, String)>, ScenarioError> {
    let mut out = Vec::new();
    for (line_no, logical) in logical_lines(text) {
        let chars: Vec<char> = logical.chars().collect();
        let blank = |c: char| c == ' ' || c == '\t' || c == '\x0c';
        // The key ends at the first unescaped `=`, `:` or whitespace (Properties.load0).
        let (mut key_len, mut value_start, mut has_sep, mut backslash) = (0, chars.len(), false, false);
        while key_len < chars.len() {
            let c = chars[key_len];
            if (c == '=' || c == ':') && !backslash {
                value_start = key_len + 1;
                has_sep = true;
                break;
            } else if blank(c) && !backslash {
                value_start = key_len + 1;
                break;
            }
            backslash = c == '\\' && !backslash;
            key_len += 1;
        }
        while value_start < chars.len() {
            let c = chars[value_start];
            if !blank(c) {
                if !has_sep && (c == '=' || c == ':') {
                    has_sep = true;
                } else {
                    break;
                }
            }
            value_start += 1;
        }
        let convert = |s: &[char]| {
            unescape(s).map_err(|r| ScenarioError::new("line", Some(line_no), r))
        };
        let key = convert(&chars[..key_len])?;
        let value = convert(&chars[value_start..])?;
        out.push((line_no, key, value));
    }
    Ok(out)
}

/// Properties' `loadConvert`: `\uXXXX` (exactly four hex digits), `\t \n \r \f`, and `\`
/// before any other character is that character.
fn unescape(s: &[char]) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c != '\\' || i == s.len() {
            out.push(c);
            continue;
        }
        let e = s[i];
        i += 1;
        match e {
            'u' => {
                let hex: String = s[i..s.len().min(i + 4)].iter().collect();
                let code = (hex.len() == 4 && hex.chars().all(|h| h.is_ascii_hexdigit()))
                    .then(|| u32::from_str_radix(&hex, 16).ok())
                    .flatten()
                    .ok_or_else(|| format!("malformed \\uXXXX escape `\\u{hex}` (four hex digits, as in \\u0041)"))?;
                i += 4;
                // Java strings are UTF-16: a high surrogate escape followed by a low one is one
                // character (`\ud83d\ude00`); a lone half has no Rust char: U+FFFD.
                let low = (0xD800..0xDC00).contains(&code) && s.len() >= i + 6 && s[i] == '\\' && s[i + 1] == 'u';
                let low = low
                    .then(|| u32::from_str_radix(&s[i + 2..i + 6].iter().collect::<String>(), 16).ok())
                    .flatten()
                    .filter(|l| (0xDC00..0xE000).contains(l));
                match low {
                    Some(l) => {
                        out.push(char::from_u32(0x10000 + ((code - 0xD800) << 10) + (l - 0xDC00)).unwrap_or('\u{fffd}'));
                        i += 6;
                    }
                    None => out.push(char::from_u32(code).unwrap_or('\u{fffd}')),
                }
            }
            't' => out.push('\t'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            'f' => out.push('\x0c'),
            other => out.push(other),
        }
    }
    Ok(out)
}

/// Logical lines as Properties' `LineReader` makes them: natural lines end at `\n`, `\r` or
/// `\r\n`; leading whitespace is skipped; blank lines and `#`/`!` comment lines are dropped (a
/// comment never continues); a line ending in an odd number of backslashes continues on the next,
/// whose leading whitespace is skipped. Each with the 1-based number of its first line.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    // A lone `\r` ends a natural line too, but lines are numbered by `\n` (as editors count them).
    let natural = text.split('\n').enumerate().flat_map(|(i, l)| l.strip_suffix('\r').unwrap_or(l).split('\r').map(move |l| (i, l)));
    for (i, raw) in natural {
        let line = raw.trim_start_matches([' ', '\t', '\x0c']);
        let (start, mut joined) = match pending.take() {
            Some((start, mut acc)) => {
                acc.push_str(line);
                (start, acc)
            }
            None => {
                if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
                    continue;
                }
                (i + 1, line.to_string())
            }
        };
        let slashes = joined.chars().rev().take_while(|&c| c == '\\').count();
        if slashes % 2 == 1 {
            joined.pop();
            pending = Some((start, joined));
        } else {
            out.push((start, joined));
        }
    }
    out.extend(pending);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(text: &str) -> Vec<(usize, String, String)> {
        properties(text).expect("valid properties")
    }

    fn kv(text: &str) -> Vec<(String, String)> {
        props(text).into_iter().map(|(_, k, v)| (k, v)).collect()
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn continuation_lines_join_and_keep_the_first_line_number() {
        let got = props("a=1 \\\n   2 \\\\\nb=3\\\n# c \\\nd=4\\");
        // As in Java, a continued line is part of the value even when it starts with `#`, and an
        // even number of trailing backslashes is an escaped backslash, not a continuation.
        assert_eq!(got, [(1, "a".into(), "1 2 \\".into()), (3, "b".into(), "3# c d=4".into())]);
        assert_eq!(props("# c \\\nd=4"), [(2, "d".into(), "4".into())], "a comment never continues");
        assert_eq!(props("a=x\\\n\nb=y"), [(1, "a".into(), "x".into()), (3, "b".into(), "y".into())]);
    }

    #[test]
    fn separators_are_equals_colon_or_whitespace() {
        assert_eq!(
            kv("a=1\nb:2\nc 3\nd = 4\ne\t:\t5\nf   =   6\ng\nh=\ni==7\nj x=y"),
            [pair("a", "1"), pair("b", "2"), pair("c", "3"), pair("d", "4"), pair("e", "5"), pair("f", "6"), pair("g", ""), pair("h", ""), pair("i", "=7"), pair("j", "x=y")]
        );
    }

    #[test]
    fn leading_whitespace_comments_and_line_ends() {
        assert_eq!(
            kv("   \t a=1\r\n! bang comment\r  # hash comment\n\n\x0cb=2\rc=3"),
            [pair("a", "1"), pair("b", "2"), pair("c", "3")]
        );
        let lines: Vec<usize> = props("a=1\r\nb=2\rc=3\nd=4").iter().map(|p| p.0).collect();
        assert_eq!(lines, [1, 2, 2, 3], "a lone CR splits, but only LF counts lines");
    }

    #[test]
    fn escapes_are_javas() {
        assert_eq!(
            kv("flush\\u0044iskType=SYNC\\u005fFLUSH\nk\\=ey\\:x\\ y=v\\t\\n\\q\nname=\\u00e9\\u4e2d"),
            [pair("flushDiskType", "SYNC_FLUSH"), pair("k=ey:x y", "v\t\nq"), pair("name", "é中")]
        );
        assert_eq!(kv("a=\\ud83d\\ude00|\\ud83d|\\ude00"), [pair("a", "😀|\u{fffd}|\u{fffd}")], "surrogate pairs");
        let e = properties("a=1\nb=\\u12G4\n").unwrap_err();
        assert_eq!((e.field.as_str(), e.line), ("line", Some(2)));
        assert!(e.reason.contains("malformed \\uXXXX"), "{}", e.reason);
        assert!(properties("b=\\u12").is_err());
    }

    #[test]
    fn misspelt_keys_have_a_nearest_known_key() {
        assert_eq!(nearest_known_key("flushDiskTyp"), Some("flushDiskType"));
        assert_eq!(nearest_known_key("flushdisktype"), Some("flushDiskType"));
        assert_eq!(nearest_known_key("brokerRoles"), Some("brokerRole"));
        assert_eq!(nearest_known_key("syncFlushTimeOut"), Some("syncFlushTimeout"));
        assert_eq!(nearest_known_key("flushDiskType"), None, "known");
        assert_eq!(nearest_known_key("brokerName"), None, "far from every known key");
        assert_eq!(nearest_known_key("brokerId"), None);
        assert_eq!(nearest_known_key("namesrvAddr"), None);
        assert_eq!(super::super::parse::edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn numbers_are_plain_non_negative_integers() {
        assert_eq!(number("42"), Ok(42));
        assert!(number("-1").is_err());
        assert!(number("+1").is_err());
        assert!(number("1e3").is_err());
        assert!(number("99999999999999999999").unwrap_err().contains("too large"));
        assert_eq!(ms("5000", true), Ok(SimDuration::from_ms(5_000)));
    }
}
