//! The web lab's own limits, below the core's ([`rmq_sim::scenario::limits`]).
//!
//! The lab keeps every event of its run in memory (to scrub, replay and inspect it: some 500
//! bytes a message beside the ledger), so a run as large as the core accepts (10^6 messages)
//! would hold hundreds of megabytes in a browser tab. Runs above the lab's cap belong to the
//! `losslab` runner, which streams its log into the digest (`LogMode::Digest`).

use rmq_sim::scenario::{Scenario, ScenarioError};

/// Most messages one run in the web lab may send.
pub const LAB_MAX_MESSAGES: u32 = 100_000;

/// Refuses a scenario the lab cannot hold; the error names the field and the way to run it.
pub fn check(sc: &Scenario) -> Result<(), ScenarioError> {
    let n = sc.producer.messages;
    if n > LAB_MAX_MESSAGES {
        return Err(ScenarioError {
            field: "producer.messages".into(),
            line: None,
            reason: format!(
                "{n} messages is more than the web lab's {LAB_MAX_MESSAGES} (it keeps every event in memory); \
                 run larger scenarios with the command-line runner: `losslab run scenario.toml`"
            ),
        });
    }
    Ok(())
}

/// [`rmq_sim::scenario::parse_scenario`], then [`check`]. The lab's own views call
/// [`parse_here`] instead: this one links the `toml` parser.
pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    parse_here(text).unwrap_or_else(|| rmq_sim::scenario::parse_scenario(text).and_then(|sc| check(&sc).map(|()| sc)))
}

/// [`parse`] without the `toml` parser ([`rmq_sim::scenario::lite`]): `None` when only the full
/// parser reads the text (the lab then asks the extras module, [`crate::scenario_text`]).
pub fn parse_here(text: &str) -> Option<Result<Scenario, ScenarioError>> {
    rmq_sim::scenario::lite::read(text).map(|r| r.and_then(|sc| check(&sc).map(|()| sc)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_sim::scenario::presets;

    #[test]
    fn the_lab_refuses_more_messages_than_it_can_hold_naming_the_field_and_the_cli() {
        let mut sc = presets::load("defaults").expect("preset");
        sc.producer.messages = LAB_MAX_MESSAGES;
        assert_eq!(check(&sc), Ok(()));
        sc.producer.messages = LAB_MAX_MESSAGES + 1;
        let e = check(&sc).expect_err("over the cap");
        assert_eq!(e.field, "producer.messages");
        assert!(e.reason.contains("100000") && e.reason.contains("100001"), "{}", e.reason);
        assert!(e.reason.contains("losslab run"), "{}", e.reason);
    }

    /// The core still accepts 10^6 messages (the CLI's limit); the lab's parse refuses them.
    #[test]
    fn the_core_accepts_what_the_lab_refuses() {
        let text = "[producer]\nmessages = 1000000\n";
        assert_eq!(rmq_sim::scenario::parse_scenario(text).map(|s| s.producer.messages), Ok(1_000_000));
        assert_eq!(parse(text).expect_err("lab cap").field, "producer.messages");
        assert!(parse("[producer]\nmessages = 100000\n").is_ok());
    }
}
