//! The lab's RocketMQ version selector, the pure part (tested natively): a scenario's TOML text
//! re-targeted at another release, keeping everything the user wrote.
//!
//! Switching sets the top-level `version` line. A key the target release does not have
//! (`inSyncReplicas` under 4.9.8, `slaveTimeout` under 4.7.0, see
//! [`RocketMqVersion::absent_keys`]) is dropped when it holds its default — the config panel's
//! text spells every key out, so a 5.3.3 scenario at defaults switches to 4.9.8 cleanly — and
//! kept when the user changed it: the core's parser then names it, its line and the release,
//! and the text stays as the user wrote it, for them to decide.

use rmq_sim::scenario::parse::scenario_to_toml;
use rmq_sim::scenario::{RocketMqVersion, Scenario, ScenarioError};

use crate::tomledit;

/// The release a scenario text names (absent: 4.9.8), or `None` when its `version` is unknown.
pub fn version_of(text: &str) -> Option<RocketMqVersion> {
    match tomledit::get(text, "", "version") {
        None => Some(RocketMqVersion::default()),
        Some(v) => RocketMqVersion::parse(&v).ok(),
    }
}

/// `section.key` split (`broker.inSyncReplicas` → `("broker", "inSyncReplicas")`).
fn split(field: &str) -> (&str, &str) {
    field.split_once('.').unwrap_or(("", field))
}

/// A key's default as the config text writes it, from a release that has the key.
fn default_of(field: &str) -> Option<String> {
    let has = RocketMqVersion::ALL.into_iter().rev().find(|v| v.has_key(field))?;
    let (section, key) = split(field);
    tomledit::get(&scenario_to_toml(&Scenario { version: has, ..Scenario::default() }), section, key)
}

/// `text` under release `to`: its `version` line set, the keys `to` lacks dropped where they hold
/// their default and kept (for the parser to name) where they do not.
pub fn retarget(text: &str, to: RocketMqVersion) -> String {
    let mut out = tomledit::set(text, "", "version", to.name());
    for (field, _) in to.absent_keys() {
        let (section, key) = split(field);
        if let Some(v) = tomledit::get(&out, section, key) {
            if default_of(field).is_some_and(|d| d == v.trim()) {
                out = tomledit::remove(&out, section, key);
            }
        }
    }
    out
}

/// The scenario `text` describes under release `to`, with the web lab's own limits; the error is
/// the core's, naming the field, line and release.
pub fn switch(text: &str, to: RocketMqVersion) -> (String, Result<Scenario, ScenarioError>) {
    let text = retarget(text, to);
    let parsed = crate::lab_limits::parse(&text);
    (text, parsed)
}

/// [`switch`] without the `toml` parser (the lab's own reading, [`crate::lab_limits::parse_here`]):
/// `None` when only the full parser reads the switched text (one the user typed by hand).
pub fn switch_here(text: &str, to: RocketMqVersion) -> (String, Option<Result<Scenario, ScenarioError>>) {
    let text = retarget(text, to);
    let parsed = crate::lab_limits::parse_here(&text);
    (text, parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_sim::scenario::presets;
    use rmq_sim::scenario::BrokerRole;

    fn toml(sc: &Scenario) -> String {
        scenario_to_toml(sc)
    }

    #[test]
    fn a_preset_switches_to_each_release_and_back_unchanged() {
        let base = presets::load("sync-master-disk-lost").unwrap();
        for v in RocketMqVersion::ALL {
            let (text, sc) = switch(&toml(&base), v);
            let sc = sc.unwrap_or_else(|e| panic!("{v}: {e}\n{text}"));
            assert_eq!(sc.version, v);
            assert_eq!(version_of(&text), Some(v));
            // Everything else is the preset's: faults, workload, role, seed.
            assert_eq!(Scenario { version: base.version, broker: base.broker.clone(), ..sc.clone() }, base, "{v}");
            assert_eq!(sc.broker.broker_role, BrokerRole::SyncMaster);
            // And back: the same scenario as before.
            let (_, back) = switch(&toml(&sc), RocketMqVersion::V4_9_8);
            assert_eq!(back.unwrap(), base, "{v} → 4.9.8");
        }
    }

    #[test]
    fn an_edited_key_the_release_lacks_is_the_core_s_error_and_the_text_is_kept() {
        let mut sc = presets::load("sync-master-disk-lost").unwrap();
        sc.version = RocketMqVersion::V5_3_3;
        sc.broker.in_sync_replicas = 2;
        sc.broker.total_replicas = 2;
        let (text, parsed) = switch(&toml(&sc), RocketMqVersion::V4_9_8);
        let e = parsed.unwrap_err();
        assert_eq!(e.field, "broker.totalReplicas");
        assert!(e.reason.contains("RocketMQ 4.9.8 has no `totalReplicas`"), "{}", e.reason);
        assert_eq!(tomledit::get(&text, "broker", "inSyncReplicas").as_deref(), Some("2"), "the user's value is kept");
        // Switching back to 5.3.3 restores the run the user had.
        assert_eq!(switch(&text, RocketMqVersion::V5_3_3).1.unwrap(), sc);
        // 4.7.0 has no slaveTimeout: the default is dropped, a changed one is named.
        sc.broker.slave_timeout = rmq_sim::SimDuration::from_ms(2_000);
        sc.broker.in_sync_replicas = 1;
        sc.broker.total_replicas = 1;
        let e = switch(&toml(&sc), RocketMqVersion::V4_7_0).1.unwrap_err();
        assert_eq!(e.field, "broker.slaveTimeout");
        assert!(e.reason.contains("4.7.0"), "{}", e.reason);
    }

    #[test]
    fn a_text_without_version_is_4_9_8_and_an_unknown_one_is_none() {
        assert_eq!(version_of("name = \"x\"\n"), Some(RocketMqVersion::V4_9_8));
        assert_eq!(version_of("version = \"5.3.3\"\n"), Some(RocketMqVersion::V5_3_3));
        assert_eq!(version_of("version = \"6\"\n"), None);
        let (text, sc) = switch("name = \"x\"\n[broker]\nbrokerRole = \"SYNC_MASTER\"\n", RocketMqVersion::V5_3_3);
        assert!(text.starts_with("version = \"5.3.3\"\n"), "{text}");
        assert_eq!(sc.unwrap().version, RocketMqVersion::V5_3_3);
    }
}
