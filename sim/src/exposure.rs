//! The loss-exposure check of a real `broker.conf` (`losslab check`, and `check()` of the
//! JavaScript API): the file's known keys are laid onto each preset that injects a broker fault,
//! and each is run, counting the messages acknowledged and then lost. One function, so that the
//! command line and the browser give the same figures.
//!
//! The check runs as one RocketMQ release ([`check_broker_conf_as`]; `check_broker_conf` is
//! 4.9.8) and says at the top what that release does with the file that a 4.x user would not
//! expect (spec 5 §2): a 5.x `SYNC_MASTER` whose `inSyncReplicas` is 1 replicates asynchronously,
//! and a 5.x slave without `slaveReadEnable = true` serves no pulls while the master is down.
//! Every run has a readable slave (`slaveReadEnable = true`), so a row shows what the
//! replication setting keeps. Any RocketMQ configuration file is read
//! ([`broker_conf::read_broker_conf`]): a master's and a controller-mode broker's get fault rows;
//! a slave's, a DLedger broker's and another process's (controller, name server, broker
//! container) get a line at the top saying what the file is and why there are no rows (figures
//! for a mode the lab does not model would mislead), with that mode's keys named.
//!
//! A controller-mode broker's file (5.x, spec 5 §4) is every broker's of its group: its rows are
//! the presets with at least one slave (a controller-mode group has two brokers or more), every
//! broker running the file's settings, the controller's own settings the preset's. A master/slave
//! file skips the presets whose faults hit the controller (it has none). A release without
//! controller mode reads such a file as master/slave, and the first line says so, naming the
//! keys it ignores; a slave's file whose `brokerId` is not above 0 is one `BrokerStartup` refuses.

use serde::Serialize;

use crate::fault_rates::{self, FaultRates, YearlyLoss};
use crate::report::Report;
use crate::rocketmq_version::RocketMqVersion;
use crate::scenario::broker_conf::{ConfKind, Unmodelled};
use crate::scenario::{broker_conf, presets, BrokerRole, FaultTarget, Scenario, ScenarioError};
use crate::Sim;

/// A line of the file and its key; for a key the lab does not know, the modelled key it is
/// probably a misspelling of (`flushDiskTyp` → `flushDiskType`; RocketMQ ignores the misspelt key
/// and keeps the default), else `null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyLine {
    pub line: usize,
    pub key: String,
    pub did_you_mean: Option<&'static str>,
}

/// A line of the file, its key and what the check says about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyNote {
    pub line: usize,
    pub key: String,
    pub note: String,
}

/// One preset's broker faults run against the imported configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Exposure {
    pub preset: &'static str,
    /// The faults, e.g. `POWER_LOSS master at 3s (with slave)`.
    pub fault: String,
    pub messages: u32,
    /// Messages whose producer was told they were stored, yet lost.
    pub lost_after_ack: u32,
    /// Of those, how many were answered `SEND_OK`.
    pub send_ok_lost: u32,
    /// Expected acknowledged-then-lost messages per year ([`crate::fault_rates`]), for a row whose
    /// one fault is a machine fault with a rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_year: Option<YearlyLoss>,
}

/// The check's result: which keys applied, which the lab does not model, and the exposure rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    /// The `[broker]` the file gave (defaults for keys it does not set).
    #[serde(skip)]
    pub broker: crate::scenario::BrokerConfig,
    /// The RocketMQ release the check ran as.
    pub version: RocketMqVersion,
    /// What the file configures: `MASTER`, `SLAVE`, `CONTROLLER_MODE` (a broker in controller
    /// mode), or a mode or process the lab does not model (`DLEDGER`, `CONTROLLER`,
    /// `NAME_SERVER`, `BROKER_CONTAINER`). Only a master's and a controller-mode broker's file
    /// have fault rows.
    pub file: &'static str,
    /// What to read first: what this release does with the file that a 4.x user would not
    /// expect, or why there are no fault rows. One sentence each.
    pub warnings: Vec<String>,
    pub applied: Vec<KeyLine>,
    pub not_modelled: Vec<KeyLine>,
    /// Keys this release does not have: RocketMQ ignores them.
    pub not_in_version: Vec<KeyNote>,
    /// Keys of a mode or process the lab does not model yet, named as such.
    pub mode_keys: Vec<KeyNote>,
    /// Keys read whose value changes nothing in the runs, with why (`brokerRole` in controller
    /// mode, `controllerAddr`, `allAckInSyncStateSet` outside controller mode, …).
    pub notes: Vec<KeyNote>,
    pub faults: Vec<Exposure>,
    /// The fault rates the per-year figures used (given or default).
    #[serde(skip)]
    pub rates: FaultRates,
}

fn key_lines(v: &[(usize, String)]) -> Vec<KeyLine> {
    v.iter()
        .map(|(line, key)| KeyLine { line: *line, key: key.clone(), did_you_mean: broker_conf::nearest_known_key(key) })
        .collect()
}

/// [`check_broker_conf_as`] RocketMQ 4.9.8 (a file without a version).
pub fn check_broker_conf(text: &str) -> Result<CheckReport, ScenarioError> {
    check_broker_conf_as(text, RocketMqVersion::default())
}

/// `key (line n)` of each `(line, key, _)` whose key is one of `keys`, joined.
fn lines_of<T>(v: &[(usize, String, T)], keys: impl Fn(&str) -> bool) -> String {
    v.iter().filter(|(_, k, _)| keys(k)).map(|(l, k, _)| format!("{k} (line {l})")).collect::<Vec<_>>().join(", ")
}

/// The one-sentence warnings for the file read as `version` (module doc).
fn warnings(imported: &broker_conf::BrokerConfImport, version: RocketMqVersion) -> Vec<String> {
    let sc = &imported.scenario;
    let rules = version.rules();
    let mut out = Vec::new();
    if let (Some(line), false) = (imported.controller_mode_asked, version.has_key("broker.enableControllerMode")) {
        let others = lines_of(&imported.not_in_version, |k| k != "enableControllerMode" && broker_conf::CONTROLLER_MODE_KEYS.contains(&k));
        let others = if others.is_empty() { String::new() } else { format!(" and the other controller-mode keys ({others})") };
        let role = if imported.kind == ConfKind::Slave { "SLAVE" } else { sc.broker.broker_role.name() };
        out.push(format!(
            "RocketMQ {version} has no controller mode: it ignores enableControllerMode=true (line {line}){others} and starts this broker as a master/slave {role}, with no failover."
        ));
    }
    if imported.kind == ConfKind::Slave {
        let (line, id) = imported.broker_id.map_or(("not given".to_string(), 0), |(l, id)| (format!("line {l}"), id));
        if id <= 0 {
            out.push(format!(
                "RocketMQ {version}'s BrokerStartup refuses to start this slave: outside controller mode a SLAVE needs a brokerId above 0, and this file's is {id} ({line}), so it exits with \"Slave's brokerId must be > 0\"."
            ));
        }
    }
    match imported.kind {
        ConfKind::Master => {
            if rules.quorum_write && sc.broker.broker_role == BrokerRole::SyncMaster && sc.broker.in_sync_replicas <= 1 {
                out.push(format!(
                    "RocketMQ {version} replicates this SYNC_MASTER asynchronously: with inSyncReplicas = {} (the master alone) a send is acknowledged without waiting for the slave; set totalReplicas = 2 and inSyncReplicas = 2 to wait for it as 4.x does.",
                    sc.broker.in_sync_replicas
                ));
            }
        }
        ConfKind::ControllerMode(_) => {
            let b = &sc.broker;
            if !b.all_ack_in_sync_state_set && b.in_sync_replicas <= 1 {
                out.push(format!(
                    "In controller mode at allAckInSyncStateSet = false and inSyncReplicas = {} a send is acknowledged before any slave has it, so after a failover the old master truncates what only it held when it rejoins (acknowledged, then lost); set allAckInSyncStateSet = true to wait for every member of the SyncStateSet.",
                    b.in_sync_replicas
                ));
            }
        }
        ConfKind::Slave => {
            if rules.slave_pull_needs_read_enable && !sc.slave.slave_read_enable {
                out.push(format!(
                    "RocketMQ {version}'s slave refuses every pull at slaveReadEnable = false (the default), so while the master is down consumers read nothing from it; set slaveReadEnable = true to read from the slave as 4.x does."
                ));
            }
            out.push("This is a slave's file (brokerRole = SLAVE): the fault rows need the master's file, so none are given here.".to_string());
        }
        ConfKind::Unmodelled(mode, line) => out.push(match mode {
            Unmodelled::DLedger => format!(
                "This broker runs in {} (line {line}), which losslab does not model yet: its loss figures for master/slave replication would mislead, so none are given.",
                mode.describe()
            ),
            _ => format!(
                "This is the configuration of {} (line {line}), not of a broker: losslab checks a broker's file, so no loss figures are given.",
                mode.describe()
            ),
        }),
    }
    out
}

/// The configuration a row tests, in RocketMQ's spelling: `ASYNC_FLUSH + SYNC_MASTER`, or in
/// controller mode `ASYNC_FLUSH + controller mode` with `allAckInSyncStateSet` or an
/// `inSyncReplicas` above 1 (`brokerRole` means nothing there).
pub fn config_label(b: &crate::scenario::BrokerConfig) -> String {
    if !b.enable_controller_mode {
        return format!("{} + {}", b.flush_disk_type.name(), b.broker_role.name());
    }
    let acks = if b.all_ack_in_sync_state_set {
        " + allAckInSyncStateSet".to_string()
    } else if b.in_sync_replicas > 1 {
        format!(" + inSyncReplicas={}", b.in_sync_replicas)
    } else {
        String::new()
    };
    format!("{} + controller mode{acks}", b.flush_disk_type.name())
}

/// The slaves of a run as a row names them: `no slave`, `slave`, `2 slaves`.
pub fn slaves_label(sc: &Scenario) -> &'static str {
    match sc.slave_count() {
        0 => "no slave",
        1 => "slave",
        _ => "2 slaves",
    }
}

/// [`check_broker_conf_with`] the default fault rates.
pub fn check_broker_conf_as(text: &str, version: RocketMqVersion) -> Result<CheckReport, ScenarioError> {
    check_broker_conf_with(text, version, &FaultRates::default())
}

/// Reads `text` (any RocketMQ configuration file; errors name the key and line) as RocketMQ
/// `version` reads it and, for a master's file, runs every preset with a broker fault against it.
/// Presets whose faults hit only the consumer are skipped (they do not depend on the broker's
/// settings), and so are those that need a slave they do not have. A row with one machine fault
/// that has a rate in `rates` also gets its expected loss per year.
pub fn check_broker_conf_with(text: &str, version: RocketMqVersion, rates: &FaultRates) -> Result<CheckReport, ScenarioError> {
    let base = Scenario { version, ..Scenario::default() };
    let imported = broker_conf::read_broker_conf(text, &base)?;
    let mut faults = Vec::new();
    let controller = matches!(imported.kind, ConfKind::ControllerMode(_));
    let rows = if imported.kind == ConfKind::Master || controller { presets::all() } else { &[] };
    for p in rows {
        let Some(preset) = presets::load(p.id) else { continue };
        if preset.faults.is_empty() || preset.faults.iter().any(|f| f.target == FaultTarget::Consumer) {
            continue;
        }
        // A master/slave group has no controller to hit; a controller-mode group has a slave.
        if !controller && preset.faults.iter().any(|f| f.target == FaultTarget::Controller) {
            continue;
        }
        if controller && !preset.slave.enabled {
            continue;
        }
        let mut sc = preset.clone();
        sc.broker = imported.scenario.broker.clone();
        sc.version = version;
        sc.slave.slave_read_enable = true;
        if controller {
            sc.slave.flush_disk_type = sc.broker.flush_disk_type;
        }
        // The broker.conf decides the role; a slave exists exactly when the preset has one.
        if !sc.slave.enabled && sc.faults.iter().any(|f| f.target == FaultTarget::Slave) {
            continue;
        }
        let mut sim = Sim::new(&sc);
        sim.run();
        let report = Report::of(&sim);
        let send_ok_lost = report
            .messages
            .iter()
            .filter(|m| m.verdict == "LOST_AFTER_ACK" && m.send_status == "SEND_OK")
            .count() as u32;
        let fault = sc
            .faults
            .iter()
            .map(|f| {
                let with = match sc.slave_count() {
                    0 => "",
                    1 => " (with slave)",
                    _ => " (with 2 slaves)",
                };
                format!("{} {} at {}{with}", f.kind.name(), f.target.name(), f.at)
            })
            .collect::<Vec<_>>()
            .join(", ");
        let lost_after_ack = report.summary.verdicts["LOST_AFTER_ACK"];
        let per_year = match sc.faults.as_slice() {
            [one] if matches!(one.target, FaultTarget::Master | FaultTarget::Slave) => {
                rates.of(one.kind).map(|rate| fault_rates::per_year(rate, lost_after_ack as u64, 1))
            }
            _ => None,
        };
        faults.push(Exposure { preset: p.id, fault, messages: report.summary.messages, lost_after_ack, send_ok_lost, per_year });
    }
    let note = |(line, key, note): (usize, &String, String)| KeyNote { line, key: key.clone(), note };
    Ok(CheckReport {
        broker: imported.scenario.broker.clone(),
        version,
        file: match imported.kind {
            ConfKind::Master => "MASTER",
            ConfKind::Slave => "SLAVE",
            ConfKind::ControllerMode(_) => "CONTROLLER_MODE",
            ConfKind::Unmodelled(mode, _) => mode.name(),
        },
        warnings: warnings(&imported, version),
        applied: key_lines(&imported.applied),
        not_modelled: key_lines(&imported.not_modelled),
        not_in_version: imported
            .not_in_version
            .iter()
            .map(|(l, k, why)| note((*l, k, format!("RocketMQ {version} has no {k} ({why}): it ignores the key"))))
            .collect(),
        mode_keys: imported
            .mode_keys
            .iter()
            .map(|(l, k, what)| note((*l, k, format!("a key of {}, not modelled yet", what.describe()))))
            .collect(),
        notes: imported.notes.iter().map(|(l, k, why)| note((*l, k, why.clone()))).collect(),
        faults,
        rates: *rates,
    })
}

/// One fault row of a check run as several releases: its acknowledged-then-lost count in each,
/// in the order the releases were given (JSON: `{ "fault": …, "lostAfterAck": { "4.9.8": 0, "5.3.3": 12 } }`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultDifference {
    /// The fault and whether the run had a slave: `POWER_LOSS master at 3s for 30s [slave]`.
    pub fault: String,
    #[serde(serialize_with = "lost_as_map")]
    pub lost_after_ack: Vec<(RocketMqVersion, u32)>,
}

impl FaultDifference {
    /// Whether every release lost as many.
    pub fn same(&self) -> bool {
        self.lost_after_ack.windows(2).all(|w| w[0].1 == w[1].1)
    }
}

fn lost_as_map<S: serde::Serializer>(v: &[(RocketMqVersion, u32)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(v.len()))?;
    for (version, n) in v {
        m.serialize_entry(version.name(), n)?;
    }
    m.end()
}

/// A check run as several releases: each release's report, then the difference per fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckComparison {
    pub reports: Vec<CheckReport>,
    pub difference: Vec<FaultDifference>,
}

/// Checks `text` as each of `versions` (in that order; the first error stops, naming key and
/// line) and compares the fault rows.
pub fn check_broker_conf_versions(text: &str, versions: &[RocketMqVersion]) -> Result<CheckComparison, ScenarioError> {
    let reports = versions.iter().map(|v| check_broker_conf_as(text, *v)).collect::<Result<Vec<_>, _>>()?;
    let difference = difference(&reports);
    Ok(CheckComparison { reports, difference })
}

/// A preset's faults as a row names them: `POWER_LOSS master at 3s for 30s`.
pub fn preset_fault_label(id: &str) -> String {
    let Some(sc) = presets::load(id) else { return id.to_string() };
    sc.faults
        .iter()
        .map(|f| {
            let lasting = f.duration.map(|d| format!(" for {}", crate::time::format_duration(d))).unwrap_or_default();
            format!("{} {} at {}{lasting}", f.kind.name(), f.target.name(), f.at)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each fault row's acknowledged-then-lost count per release (`losslab check --version
/// 4.9.8,5.3.3` and the JS API's `check(conf, { version: [...] })`), in the first report's row
/// order (the rows are the same presets in every release); presets with the same fault and the
/// same counts are one row.
pub fn difference(reports: &[CheckReport]) -> Vec<FaultDifference> {
    let mut out: Vec<FaultDifference> = Vec::new();
    let Some(first) = reports.first() else { return out };
    for (i, row) in first.faults.iter().enumerate() {
        let lost = reports.iter().filter_map(|r| r.faults.get(i).map(|f| (r.version, f.lost_after_ack))).collect();
        let slave = presets::load(row.preset).map_or("no slave", |sc| slaves_label(&sc));
        let d = FaultDifference { fault: format!("{} [{slave}]", preset_fault_label(row.preset)), lost_after_ack: lost };
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn async_flush_loses_acknowledged_messages_and_sync_flush_does_not() {
        let asy = check_broker_conf("flushDiskType=ASYNC_FLUSH\nbrokerName=a\n").expect("valid");
        let row = asy.faults.iter().find(|r| r.preset == "async-flush-power-loss").expect("row");
        assert!(row.lost_after_ack > 0 && row.send_ok_lost > 0);
        assert_eq!(asy.not_modelled, vec![KeyLine { line: 2, key: "brokerName".into(), did_you_mean: None }]);
        let syn = check_broker_conf("flushDiskType=SYNC_FLUSH\n").expect("valid");
        let row = syn.faults.iter().find(|r| r.preset == "async-flush-power-loss").expect("row");
        assert_eq!(row.lost_after_ack, 0);
    }

    #[test]
    fn several_releases_give_each_report_and_the_difference_per_fault() {
        let text = "brokerRole=SYNC_MASTER\nflushDiskType=ASYNC_FLUSH\n";
        let c = check_broker_conf_versions(text, &[RocketMqVersion::V4_9_8, RocketMqVersion::V5_3_3]).expect("valid");
        assert_eq!(c.reports.iter().map(|r| r.version).collect::<Vec<_>>(), vec![RocketMqVersion::V4_9_8, RocketMqVersion::V5_3_3]);
        assert_eq!(c.reports[1], check_broker_conf_as(text, RocketMqVersion::V5_3_3).unwrap(), "each report is the one-release check");
        assert!(c.reports[0].warnings.is_empty());
        assert!(c.reports[1].warnings[0].contains("inSyncReplicas = 2"), "{:?}", c.reports[1].warnings);
        // The upgrade trap, per fault: a lost master disk loses acknowledged messages on 5.3.3 only.
        let disk = c.difference.iter().find(|d| d.fault.starts_with("DISK_LOST master") && d.fault.ends_with("[slave]")).expect("a disk row");
        assert!(!disk.same());
        assert_eq!(disk.lost_after_ack[0], (RocketMqVersion::V4_9_8, 0));
        assert!(disk.lost_after_ack[1].1 > 0, "{disk:?}");
        assert!(c.difference.iter().any(FaultDifference::same), "a no-slave power cut is the same in both");
        // JSON: the releases as keys, in the order given.
        let json = serde_json::to_value(&c).unwrap();
        let keys: Vec<&String> = json["difference"][0]["lostAfterAck"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["4.9.8", "5.3.3"]);
        assert_eq!(json["reports"][1]["version"], "5.3.3");
        assert!(check_broker_conf_versions("flushDiskType=FAST\n", &[RocketMqVersion::V5_3_3]).unwrap_err().to_string().contains("flushDiskType"));
    }

    #[test]
    fn a_bad_line_names_its_line() {
        // `not a property` is key `not` (Java's `key value`); a bad `\uXXXX` escape is refused.
        let e = check_broker_conf("flushDiskType=ASYNC_FLUSH\nbrokerName=\\u00zz\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }
}
