//! Helpers shared by the scenario tests.
#![allow(dead_code)]

#[path = "common/history.rs"]
pub mod history;
#[path = "common/random.rs"]
pub mod random;

use rmq_sim::vec_map::VecMap;

use rmq_sim::event::EventKind;
use rmq_sim::invariants::run_checked;
use rmq_sim::ledger::Verdict;
use rmq_sim::report::Report;
use rmq_sim::scenario::{parse_scenario, presets, Scenario};
use rmq_sim::{Sim, SimTime};

/// Runs a scenario to the end with every invariant checked after every action.
pub fn run(sc: &Scenario) -> (Sim, Report) {
    let mut sim = Sim::new(sc);
    if let Err(e) = run_checked(&mut sim) {
        panic!(
            "invariant broken: {e}\n  scenario `{}` seed {}\n  reproduce: cargo run -p rmq_sim --bin losslab -- run FILE.toml --seed {} --log",
            sc.name, sc.seed, sc.seed
        );
    }
    let report = Report::of(&sim);
    (sim, report)
}

/// A test's scenario from its TOML; a test whose scenario does not parse fails with the error.
pub fn scenario(toml: &str) -> Scenario {
    parse_scenario(toml).unwrap_or_else(|e| panic!("test scenario must parse: {e}"))
}

/// A steady 1 ms workload of 3000 messages with a healthy slave; the master's disk is destroyed
/// at 2 s and it stays down; the consumer starts at 5 s, so everything sent is still unconsumed.
/// `broker` (e.g. `brokerRole`) and `slave` are spliced into their tables.
pub fn master_disk_lost_at_2s(version: &str, broker: &str, slave: &str) -> Scenario {
    scenario(&format!(
        r#"
        version = "{version}"
        until = "10m"
        [broker]
        {broker}
        [slave]
        enabled = true
        {slave}
        [producer]
        messages = 3000
        interval = "1ms"
        [consumer]
        startAt = "5s"
        [[fault]]
        at = "2s"
        kind = "DISK_LOST"
        target = "master"
        "#
    ))
}

/// How many messages ended `LOST_AFTER_ACK`.
pub fn lost_after_ack(sim: &Sim) -> usize {
    sim.ledger().messages.iter().filter(|m| m.verdict == Some(Verdict::LostAfterAck)).count()
}

/// How many events of the run `f` picks.
pub fn count(sim: &Sim, f: impl Fn(&EventKind) -> bool) -> usize {
    sim.events().iter().filter(|e| f(&e.kind)).count()
}

/// When the first event `f` picks happened.
pub fn first_at(sim: &Sim, f: impl Fn(&EventKind) -> bool) -> Option<SimTime> {
    sim.events().iter().find(|e| f(&e.kind)).map(|e| e.at)
}

pub fn preset(id: &str) -> Scenario {
    presets::load(id).unwrap_or_else(|| panic!("preset {id} must load"))
}

/// The non-zero counts of a report section, as `KEY=n` pairs in a stable order.
pub fn nonzero(m: &VecMap<&'static str, u32>) -> String {
    m.iter().filter(|(_, &v)| v > 0).map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
}

pub fn statuses(r: &Report) -> String {
    nonzero(&r.summary.send_status)
}

pub fn verdicts(r: &Report) -> String {
    nonzero(&r.summary.verdicts)
}
