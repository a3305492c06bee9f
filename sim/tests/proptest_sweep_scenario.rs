//! `losslab sweep --scenario CELL:SEED` prints a run's exact scenario for `losslab run`: for any
//! grid the sweep accepts, that TOML must parse back to the same scenario and the same event-log
//! digest (issue 22: `--fault-duration 0s` printed a scenario the parser refused).

use proptest::prelude::*;
use rmq_sim::log::LogMode;
use rmq_sim::scenario::parse::{parse_scenario, scenario_to_toml};
use rmq_sim::scenario::{BrokerRole, FaultKind, FlushDiskType, Scenario, SendMode};
use rmq_sim::sweep::{Grid, Plan};
use rmq_sim::Sim;

fn digest(sc: &Scenario) -> Option<String> {
    let mut sim = Sim::new(sc);
    sim.set_log_mode(LogMode::Digest);
    sim.run();
    sim.log_digest()
}

/// Every fault choice the grid takes: each kind on each of its targets (SLAVE_UP is no fault).
fn fault_choices() -> Vec<String> {
    let mut out = vec!["NONE".to_string(), "BASE".to_string()];
    for k in FaultKind::ALL.iter().filter(|k| **k != FaultKind::SlaveUp) {
        for t in k.targets() {
            out.push(format!("{}@{}", k.name(), t.name()));
        }
    }
    out
}

fn duration() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::sample::select(vec!["0s", "0ms", "1ms", "250ms", "1s", "3s", "30s", "2m"]).prop_map(String::from))
}

fn grid() -> impl Strategy<Value = Grid> {
    let workload = prop_oneof![
        // A preset's workload, with its own faults (BASE).
        prop::sample::select(vec!["defaults", "async-flush-power-loss", "poison-message-dlq", "consumer-crash-duplicates", "flush-slave-timeout"])
            .prop_map(|p| (Some(p.to_string()), None)),
        // A small open- or closed-loop workload.
        (1u32..80, prop::sample::select(vec!["1ms", "10ms", "100ms"]), prop::option::of(1u32..8)).prop_map(|(m, i, threads)| {
            let producer = match threads {
                Some(t) => format!("threads = {t}"),
                None => format!("interval = \"{i}\""),
            };
            (None, Some(format!("[producer]\nmessages = {m}\n{producer}\n")))
        }),
    ];
    (
        workload,
        prop::sample::subsequence(vec![FlushDiskType::AsyncFlush, FlushDiskType::SyncFlush], 1..=2),
        prop::sample::subsequence(vec![BrokerRole::AsyncMaster, BrokerRole::SyncMaster], 1..=2),
        prop::sample::subsequence(vec![SendMode::Sync, SendMode::Async, SendMode::Oneway], 1..=2),
        prop::sample::subsequence(fault_choices(), 1..=3),
        (duration(), duration(), duration()),
        (1u32..4, 0u64..1_000),
    )
        .prop_map(|((preset, base), flush, role, send, faults, (at, jitter, lasting), (seeds, first_seed))| Grid {
            base,
            preset,
            flush_disk_type: flush,
            broker_role: role,
            send_mode: send,
            faults,
            fault_at: at,
            fault_jitter: jitter,
            fault_duration: lasting,
            seeds,
            first_seed,
            version: None,
            ..Grid::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_printed_sweep_scenario_parses_back_to_the_same_run(
        grid in grid(),
        pick in any::<prop::sample::Index>(),
    ) {
        // A grid the sweep refuses prints nothing; only accepted grids are checked.
        let Ok(plan) = Plan::new(&grid) else { return Ok(()) };
        let (cell, seed) = plan.run_at(pick.index(plan.runs() as usize) as u32);
        let sc = plan.scenario(cell, seed);
        let text = scenario_to_toml(&sc);
        let back = parse_scenario(&text);
        prop_assert!(back.is_ok(), "grid {grid:?}\ncell {cell} seed {seed}: {}\n{text}", back.unwrap_err());
        let back = back.unwrap();
        prop_assert_eq!(&back, &sc, "{}", text);
        prop_assert_eq!(digest(&back), digest(&sc));
    }
}

/// The case the issue found, pinned: `--fault-duration 0s` is refused by the sweep, naming the
/// flag, as a scenario refuses a zero `duration` (it printed a scenario `run` refused).
#[test]
fn a_zero_fault_duration_is_refused_by_the_grid() {
    let grid = Grid { fault_duration: Some("0s".into()), ..Grid::default() };
    let e = Plan::new(&grid).expect_err("0s is no duration");
    assert_eq!(e.field, "faultDuration");
    assert!(e.reason.contains("greater than zero"), "{}", e.reason);
}
