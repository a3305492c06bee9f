//! Determinism: the same scenario and seed give the same log, however the run is chunked, and
//! golden logs pin a few presets byte for byte (`UPDATE_EXPECT=1` rewrites them).

mod common;
use common::*;

use rmq_sim::report::{digest, log_text};
use rmq_sim::{Sim, SimTime};

fn full_log(sc: &rmq_sim::Scenario) -> String {
    let mut sim = Sim::new(sc);
    sim.run();
    log_text(sim.events())
}

#[test]
fn same_scenario_and_seed_give_the_same_log() {
    for p in rmq_sim::scenario::presets::all() {
        let sc = preset(p.id);
        assert_eq!(full_log(&sc), full_log(&sc), "{}", p.id);
    }
}

#[test]
fn another_seed_changes_a_random_run() {
    let mut sc = preset("defaults");
    sc.consumer.fail_percent = 30;
    let a = full_log(&sc);
    sc.seed += 1;
    assert_ne!(a, full_log(&sc));
}

#[test]
fn chunked_run_until_gives_the_same_log_as_one_run() {
    for id in ["async-flush-power-loss", "book-recommendation-master-restarts", "consumer-crash-duplicates", "flush-disk-timeout", "max-reconsume-3"] {
        let sc = preset(id);
        let whole = full_log(&sc);
        for chunk_ms in [1, 7, 250, 3_000] {
            let mut sim = Sim::new(&sc);
            let mut t = 0;
            while sim.ended().is_none() {
                t += chunk_ms;
                sim.run_until(SimTime::from_ms(t));
            }
            assert_eq!(log_text(sim.events()), whole, "{id} in chunks of {chunk_ms} ms");
        }
    }
}

/// Stepping to an event and injecting a fault there equals a scenario fault at that time, even
/// when other actions are due at the same instant (the UI does exactly this).
#[test]
fn step_then_inject_equals_a_scenario_fault_at_that_time() {
    for (id, steps) in [("defaults", 37), ("book-recommendation", 500), ("flush-slave-timeout", 900)] {
        let base = preset(id);
        let mut sim = Sim::new(&base);
        for _ in 0..steps {
            sim.step();
        }
        let fault = rmq_sim::scenario::Fault {
            at: sim.now(),
            kind: rmq_sim::scenario::FaultKind::PowerLoss,
            target: rmq_sim::scenario::FaultTarget::Master,
            duration: Some(rmq_sim::SimDuration::from_secs(5)),
            factor: 10,
        };
        sim.inject(rmq_sim::Command::Inject(fault.clone()));
        sim.run();
        let mut planned = base.clone();
        planned.faults.push(fault);
        assert_eq!(log_text(sim.events()), full_log(&planned), "{id}");
    }
}

#[test]
fn stepping_gives_the_same_log_as_running() {
    let sc = preset("flush-slave-timeout");
    let mut sim = Sim::new(&sc);
    while sim.step().is_some() {}
    assert_eq!(log_text(sim.events()), full_log(&sc));
}

#[test]
fn injecting_a_fault_at_a_time_equals_the_scenario_fault() {
    let sc = preset("async-flush-power-loss");
    let mut without = sc.clone();
    let fault = without.faults.remove(0);
    let mut sim = Sim::new(&without);
    sim.run_until(fault.at);
    sim.inject(rmq_sim::Command::Inject(fault));
    sim.run();
    assert_eq!(log_text(sim.events()), full_log(&sc), "identical, event for event");
}

#[test]
fn golden_logs() {
    for id in [
        "defaults",
        "async-flush-power-loss",
        "max-reconsume-3",
        "flush-slave-timeout",
        "v5-grpc-flush-disk-stall",
        "v5-remoting-flush-disk-stall",
        "v5-grpc-master-persistence-timeout",
    ] {
        let mut sc = preset(id);
        sc.producer.messages = sc.producer.messages.min(12);
        let log = full_log(&sc);
        expect_test::expect_file![format!("golden/{id}.log")].assert_eq(&log);
    }
}

/// The `defaults` digest lives in `golden/defaults.digest`; the browser test reads the same file,
/// so native and wasm must agree byte for byte.
#[test]
fn defaults_digest_is_pinned() {
    let mut sim = Sim::new(&preset("defaults"));
    sim.run();
    expect_test::expect_file!["golden/defaults.digest"].assert_eq(&digest(sim.events()));
}
