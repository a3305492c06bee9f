//! The loss-exposure check of a real `broker.conf` (`losslab check`, and `check()` of the
//! JavaScript API): the file's known keys are laid onto each preset that injects a broker fault,
//! and each is run, counting the messages acknowledged and then lost. One function, so that the
//! command line and the browser give the same figures.

use serde::Serialize;

use crate::report::Report;
use crate::scenario::{broker_conf, presets, FaultTarget, Scenario, ScenarioError};
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
}

/// The check's result: which keys applied, which the lab does not model, and the exposure rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    /// The `[broker]` the file gave (defaults for keys it does not set).
    #[serde(skip)]
    pub broker: crate::scenario::BrokerConfig,
    pub applied: Vec<KeyLine>,
    pub not_modelled: Vec<KeyLine>,
    pub faults: Vec<Exposure>,
}

fn key_lines(v: &[(usize, String)]) -> Vec<KeyLine> {
    v.iter()
        .map(|(line, key)| KeyLine { line: *line, key: key.clone(), did_you_mean: broker_conf::nearest_known_key(key) })
        .collect()
}

/// Imports `text` (a master's `broker.conf`; errors name the key and line) and runs every preset
/// with a broker fault against it. Presets whose faults hit only the consumer are skipped (they do
/// not depend on the broker's settings), and so are those that need a slave they do not have.
pub fn check_broker_conf(text: &str) -> Result<CheckReport, ScenarioError> {
    let imported = broker_conf::import_broker_conf(text, &Scenario::default())?;
    let mut faults = Vec::new();
    for p in presets::all() {
        let Some(preset) = presets::load(p.id) else { continue };
        if preset.faults.is_empty() || preset.faults.iter().any(|f| f.target == FaultTarget::Consumer) {
            continue;
        }
        let mut sc = preset.clone();
        sc.broker = imported.scenario.broker.clone();
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
            .map(|f| format!("{} {} at {}{}", f.kind.name(), f.target.name(), f.at, if sc.slave.enabled { " (with slave)" } else { "" }))
            .collect::<Vec<_>>()
            .join(", ");
        faults.push(Exposure {
            preset: p.id,
            fault,
            messages: report.summary.messages,
            lost_after_ack: report.summary.verdicts["LOST_AFTER_ACK"],
            send_ok_lost,
        });
    }
    Ok(CheckReport {
        broker: imported.scenario.broker.clone(),
        applied: key_lines(&imported.applied),
        not_modelled: key_lines(&imported.not_modelled),
        faults,
    })
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
    fn a_bad_line_names_its_line() {
        // `not a property` is key `not` (Java's `key value`); a bad `\uXXXX` escape is refused.
        let e = check_broker_conf("flushDiskType=ASYNC_FLUSH\nbrokerName=\\u00zz\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }
}
