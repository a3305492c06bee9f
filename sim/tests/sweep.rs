//! Seed sweeps: hundreds of random scenarios (knobs, workloads, fault plans), every invariant
//! checked after every action. A failure prints the seed, the scenario as TOML and the command
//! that reproduces it. `SWEEP_SEED=N` runs one seed; `SWEEP_COUNT=N` changes how many.

mod common;

use common::random::{pick, random_scenario};
use rmq_sim::invariants::run_checked;
use rmq_sim::rng::{SimRng, Stream};
use rmq_sim::scenario::parse::scenario_to_toml;
use rmq_sim::scenario::*;
use rmq_sim::{Scenario, Sim, SimDuration, SimTime, Verdict};

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
    let why = |e: String| -> ! {
        panic!(
            "seed {seed}: {e}\nreproduce: SWEEP_SEED={seed} cargo test -p rmq_sim --test sweep\n{}",
            scenario_to_toml(&sc)
        )
    };
    if let Err(e) = liveness(&sim) {
        why(e);
    }
    if sc.faults.is_empty() && consumers_eventually_succeed(&sc) {
        // Without faults nothing may stall: given time, every stored message is consumed.
        let long = Scenario { until: SimTime::from_ms(limits::MAX_UNTIL_MS), ..sc.clone() };
        let mut sim = Sim::new(&long);
        sim.run();
        if let Err(e) = everything_stored_is_consumed(&sim) {
            why(e);
        }
    }
    // The scenario text round-trips, so the printed reproduction is faithful.
    assert_eq!(parse_scenario(&scenario_to_toml(&sc)).as_ref(), Ok(&sc), "seed {seed}");
}

/// Consumers that fail at most their first attempts, within `maxReconsumeTimes`.
fn consumers_eventually_succeed(sc: &Scenario) -> bool {
    let c = &sc.consumer;
    c.enabled && c.fail_percent == 0 && c.fail_messages.is_empty() && c.fail_first_attempts <= c.max_reconsume_times
}

/// `UNRESOLVED` only when the run hit `until` or a limit with work pending, or the message waits
/// for a consumer that is not online; never a cause the model cannot name.
fn liveness(sim: &Sim) -> Result<(), String> {
    use rmq_sim::event::EndReason;
    use rmq_sim::text::CauseStep;
    let quiescent = sim.ended() == Some(EndReason::Quiescent);
    for m in &sim.ledger().messages {
        if m.verdict == Some(Verdict::Unresolved) && quiescent && sim.consumer_view().online {
            return Err(format!("no_silent_unresolved: msg#{} UNRESOLVED in a run that ended with nothing pending", m.id));
        }
        if m.cause().is_some_and(|c| c.0.contains(&CauseStep::NeverReached)) {
            return Err(format!("every_loss_has_a_named_cause: msg#{}: {}", m.id, m.explain(Default::default())));
        }
    }
    Ok(())
}

/// With no fault, a message stored once is consumed once; one stored more often (a client
/// timeout and a resend) at least once.
fn everything_stored_is_consumed(sim: &Sim) -> Result<(), String> {
    use rmq_sim::event::{EndReason, Topic};
    if sim.ended() != Some(EndReason::Quiescent) {
        return Err(format!("no_fault_run_ends: a fault-free run ended with {:?}", sim.ended()));
    }
    let mut stored = vec![0u32; sim.ledger().messages.len()];
    for c in sim.copies().iter().filter(|c| c.topic == Topic::Main) {
        stored[c.msg.0 as usize] += 1;
    }
    for m in &sim.ledger().messages {
        let (n, consumed) = (stored[m.id as usize], m.consumed_at.len() as u32);
        let ok = match n {
            0 => consumed == 0,
            1 => m.verdict == Some(Verdict::Delivered),
            _ => consumed >= 1,
        };
        if !ok {
            return Err(format!(
                "no_fault_all_delivered: msg#{} stored {n} times, consumed {consumed} times, verdict {:?}",
                m.id, m.verdict
            ));
        }
    }
    Ok(())
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
        let link = Link::new(sc.clone(), SimTime::ZERO, Default::default());
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
