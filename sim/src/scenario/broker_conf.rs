//! Java-properties `broker.conf` import: lays a real master's store knobs onto a scenario.
//!
//! Users have a `broker.conf` already; pasting it is quicker and less error-prone than copying
//! values into `[broker]`. Keys the lab models (the flush and HA knobs of spec §1) are applied in
//! RocketMQ's own units (milliseconds, bytes); every other key (`brokerName`, `namesrvAddr`,
//! `storePathRootDir`, …) is listed as not modelled, with its line, so the user sees what the run
//! ignores instead of wondering.
//!
//! The syntax is the part of `java.util.Properties` that broker.conf files use: `key=value`,
//! `key = value` or `key:value`, `#` and `!` comments, blank lines, and a trailing `\` joining the
//! next line. A key without `=`/`:` is refused (Java would read `key value`, but in a broker.conf
//! that is almost always a paste error). A key given twice: the later value wins, as in
//! `Properties.load`, and both lines are listed in `applied`.

use super::parse::{parse_delay_levels, ScenarioError};
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
}

/// Applies `text` (a master's `broker.conf`) onto a copy of `base`. Errors name the key (or
/// `line` for a line that is not `key=value`) and the 1-based line.
pub fn import_broker_conf(text: &str, base: &Scenario) -> Result<BrokerConfImport, ScenarioError> {
    let mut out =
        BrokerConfImport { scenario: base.clone(), applied: Vec::new(), not_modelled: Vec::new() };
    let mut gap_key: Option<&str> = None;
    for (line_no, line) in logical_lines(text) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        let err = |field: &str, reason: String| ScenarioError::new(field, Some(line_no), reason);
        let Some(sep) = line.find(['=', ':']) else {
            return Err(err("line", format!("`{line}` is not `key=value`")));
        };
        let (key, value) = (line[..sep].trim(), line[sep + 1..].trim());
        if key.is_empty() {
            return Err(err("line", "the key before `=` is empty".to_string()));
        }
        if !is_property_name(key) {
            return Err(err(
                "line",
                format!("`{key}` is not a property name ([A-Za-z][A-Za-z0-9_.]*)"),
            ));
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
        match apply(&mut out.scenario.broker, key, value) {
            Ok(true) => out.applied.push((line_no, key.to_string())),
            Ok(false) => out.not_modelled.push((line_no, key.to_string())),
            Err(reason) => return Err(err(key, reason)),
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
        "transientStorePoolEnable" => {
            b.transient_store_pool_enable = match value {
                "true" => true,
                "false" => false,
                _ => return Err(format!("`{value}` is not `true` or `false`")),
            }
        }
        "commitIntervalCommitLog" => b.commit_interval_commit_log = ms(value, true)?,
        "commitCommitLogLeastPages" => b.commit_commit_log_least_pages = number(value)?,
        "commitCommitLogThoroughInterval" => {
            b.commit_commit_log_thorough_interval = ms(value, false)?
        }
        _ => return Ok(false),
    }
    Ok(true)
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

fn is_property_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// Physical lines joined where a line ends in an odd number of backslashes (Properties'
/// continuation), each with the 1-based number of its first line. Comments never continue.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        let (start, mut joined) = match pending.take() {
            Some((start, mut acc)) => {
                acc.push_str(line.trim_start());
                (start, acc)
            }
            None => {
                let first = line.trim_start();
                if first.starts_with('#') || first.starts_with('!') {
                    out.push((i + 1, line.to_string()));
                    continue;
                }
                (i + 1, line.to_string())
            }
        };
        let slashes = joined.bytes().rev().take_while(|&c| c == b'\\').count();
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

    #[test]
    fn continuation_lines_join_and_keep_the_first_line_number() {
        let lines = logical_lines("a=1 \\\n   2 \\\\\nb=3\\\n# c \\\nd=4\\");
        let got: Vec<(usize, &str)> = lines.iter().map(|(n, l)| (*n, l.as_str())).collect();
        // As in Java, a continued line is part of the value even when it starts with `#`.
        assert_eq!(got, [(1, "a=1 2 \\\\"), (3, "b=3# c d=4")]);
        let lines = logical_lines("# c \\\nd=4");
        assert_eq!(lines, [(1, "# c \\".to_string()), (2, "d=4".to_string())]);
    }

    #[test]
    fn property_names_are_identifiers() {
        assert!(is_property_name("brokerName"));
        assert!(is_property_name("rocketmq.client.x_1"));
        assert!(!is_property_name("1abc"));
        assert!(!is_property_name("a-b"));
        assert!(!is_property_name(""));
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
