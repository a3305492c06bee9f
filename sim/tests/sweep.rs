//! Seed sweeps: hundreds of random scenarios (knobs, workloads, fault plans), every invariant
//! checked after every action. A failure prints the seed, the scenario as TOML and the command
//! that reproduces it. `SWEEP_SEED=N` runs one seed; `SWEEP_COUNT=N` changes how many.

use rmq_sim::invariants::run_checked;
use rmq_sim::rng::{SimRng, Stream};
use rmq_sim::scenario::parse::scenario_to_toml;
use rmq_sim::scenario::*;
use rmq_sim::{Scenario, Sim, SimDuration, SimTime, Verdict};

fn pick<T: Copy>(r: &mut SimRng, xs: &[T]) -> T {
    xs[r.below(xs.len() as u64) as usize]
}

/// A random but valid scenario for `seed`.
fn random_scenario(seed: u64) -> Scenario {
    let mut r = SimRng::stream(seed, Stream::Faults);
    let mut sc = Scenario { name: format!("sweep {seed}"), seed, ..Scenario::default() };
    sc.until = SimTime::from_ms(pick(&mut r, &[20_000, 60_000, 300_000, 3_600_000]));
    sc.broker.flush_disk_type = pick(&mut r, &[FlushDiskType::SyncFlush, FlushDiskType::AsyncFlush]);
    sc.broker.broker_role = pick(&mut r, &[BrokerRole::SyncMaster, BrokerRole::AsyncMaster]);
    sc.broker.sync_flush_timeout = SimDuration::from_ms(pick(&mut r, &[500, 5_000]));
    sc.broker.slave_timeout = SimDuration::from_ms(pick(&mut r, &[500, 3_000]));
    sc.broker.flush_commit_log_least_pages = pick(&mut r, &[0, 1, 4, 16]);
    sc.broker.ha_slave_fallbehind_max_bytes = pick(&mut r, &[8 * 1024, 256 * 1024 * 1024]);
    sc.disk.flush_latency_min = SimDuration::from_us(pick(&mut r, &[100, 2_000]));
    sc.disk.flush_latency_max = sc.disk.flush_latency_min + SimDuration::from_us(pick(&mut r, &[0, 5_000, 50_000]));
    sc.slave.enabled = r.below(3) > 0;
    sc.slave.replication_latency = SimDuration::from_ms(pick(&mut r, &[1, 20, 200]));
    sc.slave.flush_disk_type = pick(&mut r, &[FlushDiskType::SyncFlush, FlushDiskType::AsyncFlush]);
    sc.network.latency = SimDuration::from_us(pick(&mut r, &[200, 1_000, 30_000]));
    sc.producer.send_mode = pick(&mut r, &[SendMode::Sync, SendMode::Async, SendMode::Oneway]);
    sc.producer.messages = 1 + r.below(150) as u32;
    sc.producer.interval = SimDuration::from_ms(pick(&mut r, &[1, 10, 100]));
    if r.below(40) == 0 {
        // A backlog: thousands of messages at 1 ms (or faster) before a late consumer.
        sc.producer.messages = pick(&mut r, &[1_500, 5_000, 20_000]);
        sc.producer.interval = SimDuration::from_us(pick(&mut r, &[100, 1_000]));
    }
    sc.producer.body_size = pick(&mut r, &[100, 1024, 8192]);
    sc.producer.send_msg_timeout = SimDuration::from_ms(pick(&mut r, &[1_000, 3_000, 10_000]));
    sc.producer.retry_another_broker_when_not_store_ok = r.below(4) == 0;
    sc.producer.on_exception = pick(&mut r, &[OnException::Log, OnException::PersistAndResend]);
    sc.producer.resend_delay = SimDuration::from_secs(pick(&mut r, &[1, 10]));
    sc.producer.resend_max_times = pick(&mut r, &[1, 3]);
    sc.consumer.enabled = r.below(8) > 0;
    sc.consumer.start_at = SimTime::from_ms(pick(&mut r, &[0, 2_000, 15_000]));
    sc.consumer.max_reconsume_times = pick(&mut r, &[0, 2, 16]);
    sc.consumer.consume_time = SimDuration::from_ms(pick(&mut r, &[1, 5, 50]));
    sc.consumer.fail_percent = pick(&mut r, &[0, 0, 10, 50]);
    sc.consumer.fail_first_attempts = pick(&mut r, &[0, 0, 1]);
    sc.consumer.fail_with = pick(&mut r, &[FailWith::ReconsumeLater, FailWith::Exception]);
    sc.consumer.dlq_consumer = sc.consumer.enabled && r.below(2) == 0;
    sc.consumer.consume_thread = pick(&mut r, &[1, 20]);
    if r.below(6) == 0 {
        // A slow consumer: the process queue fills and flow control holds the pulls back.
        sc.consumer.consume_time = SimDuration::from_ms(pick(&mut r, &[100, 500]));
        sc.consumer.pull_threshold_for_queue = pick(&mut r, &[50, 1_000]);
        sc.consumer.consume_concurrently_max_span = pick(&mut r, &[100, 2_000]);
    }
    let horizon = (sc.producer.messages as u64 * sc.producer.interval.as_ms()).max(1_000) + 5_000;
    for _ in 0..r.below(4) {
        let kind = pick(&mut r, &FaultKind::ALL);
        let targets: Vec<FaultTarget> = kind
            .targets()
            .iter()
            .copied()
            .filter(|t| sc.slave.enabled || *t != FaultTarget::Slave)
            .filter(|t| sc.consumer.enabled || *t != FaultTarget::Consumer)
            .collect();
        if targets.is_empty() {
            continue;
        }
        let target = pick(&mut r, &targets);
        let at = SimTime::from_ms(r.below(horizon.min(sc.until.as_ms())));
        let duration = match (kind, r.below(4)) {
            (FaultKind::SlaveUp, _) => None,
            (_, 0) => None,
            (_, _) => Some(SimDuration::from_ms(pick(&mut r, &[500, 5_000, 30_000]))),
        };
        let factor = if kind == FaultKind::DiskSlow { pick(&mut r, &[2, 10, 100]) } else { 10 };
        sc.faults.push(Fault { at, kind, target, duration, factor });
    }
    sc
}

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
        if m.cause.as_ref().is_some_and(|c| c.0.contains(&CauseStep::NeverReached)) {
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
