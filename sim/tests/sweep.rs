//! Seed sweeps: hundreds of random scenarios (knobs, workloads, fault plans), every invariant
//! checked after every action. A failure prints the seed, the scenario as TOML and the command
//! that reproduces it. `SWEEP_SEED=N` runs one seed; `SWEEP_COUNT=N` changes how many.

mod common;

use common::random::{pick, random_scenario};
use rmq_sim::invariants::run_checked;
use rmq_sim::rng::{SimRng, Stream};
use rmq_sim::scenario::parse::scenario_to_toml;
use rmq_sim::scenario::*;
use rmq_sim::{Scenario, Sim, SimDuration, SimTime};

fn check_seed(seed: u64) {
    let sc = random_scenario(seed);
    let mut sim = Sim::new(&sc);
    if let Err(e) = run_checked(&mut sim) {
        panic!(
            "seed {seed}: invariant broken: {e}\nreproduce: SWEEP_SEED={seed} cargo test -p rmq_sim --test sweep\n\
             or save this scenario and run `cargo run -p rmq_sim --bin losslab -- run FILE.toml --log`:\n{}",
            scenario_to_toml(&sc)
        );
    }
    // The scenario text round-trips, so the printed reproduction is faithful.
    assert_eq!(parse_scenario(&scenario_to_toml(&sc)).as_ref(), Ok(&sc), "seed {seed}");
}

#[test]
fn random_scenarios_keep_every_invariant() {
    if let Ok(one) = std::env::var("SWEEP_SEED") {
        check_seed(one.parse().expect("SWEEP_SEED is a u64"));
        return;
    }
    let count: u64 = std::env::var("SWEEP_COUNT").ok().and_then(|c| c.parse().ok()).unwrap_or(500);
    for seed in 0..count {
        check_seed(seed);
    }
}

fn digest_of(sc: &Scenario) -> String {
    let mut sim = Sim::new(sc);
    sim.run();
    rmq_sim::report::digest(sim.events())
}

/// Share links reproduce the identical run: encode → decode → same event-log digest.
#[test]
fn share_links_reproduce_the_same_run() {
    use rmq_sim::scenario::link::{decode, encode, Link};
    let presets = presets::all().iter().map(|p| presets::load(p.id).expect("preset"));
    let random = (0..150).map(random_scenario);
    for sc in presets.chain(random) {
        let link = Link { scenario: sc.clone(), playhead: SimTime::ZERO, view: Default::default() };
        let back = decode(&encode(&link)).unwrap_or_else(|e| panic!("{}: {e}", sc.name));
        assert_eq!(digest_of(&back.scenario), digest_of(&sc), "{}", sc.name);
    }
}

/// Faults injected at random moments while running (as the UI's buttons do) keep every
/// invariant, whatever the kind and target.
#[test]
fn random_injections_keep_every_invariant() {
    use rmq_sim::invariants::Checker;
    let ids: Vec<&str> = presets::all().iter().map(|p| p.id).collect();
    for seed in 0..200u64 {
        let mut r = SimRng::stream(seed, Stream::Network);
        let sc = presets::load(pick(&mut r, &ids)).expect("preset");
        let mut sim = Sim::new(&sc);
        let mut checker = Checker::new();
        let mut t = 0;
        while sim.ended().is_none() {
            t += 1 + r.below(3_000);
            sim.run_until(SimTime::from_ms(t));
            checker.check(&sim).unwrap_or_else(|e| panic!("seed {seed} ({}): {e}", sc.name));
            if r.below(3) == 0 {
                let kind = pick(&mut r, &FaultKind::ALL);
                let target = pick(&mut r, &[FaultTarget::Master, FaultTarget::Slave, FaultTarget::Producer, FaultTarget::Consumer]);
                let duration = (r.below(2) == 0).then(|| SimDuration::from_ms(1 + r.below(20_000)));
                sim.inject(rmq_sim::Command::Inject(Fault { at: SimTime::ZERO, kind, target, duration, factor: 10 }));
            }
        }
        checker.check(&sim).unwrap_or_else(|e| panic!("seed {seed} ({}): {e}", sc.name));
    }
}
