//! The event log kept whole or streamed: a streamed run has the very same digest (so every pinned
//! digest stays valid), holds only the latest action's events, and still honours the limits.

use rmq_sim::log::LogMode;
use rmq_sim::report::{digest, Report};
use rmq_sim::scenario::{limits, parse_scenario, presets};
use rmq_sim::{Scenario, Sim, SimTime};

fn run(sc: &Scenario, mode: LogMode) -> Sim {
    let mut sim = Sim::new(sc);
    sim.set_log_mode(mode);
    sim.run();
    sim
}

#[test]
fn every_preset_has_the_same_digest_kept_or_streamed() {
    for p in presets::all() {
        let sc = presets::load(p.id).expect("preset");
        let kept = run(&sc, LogMode::Retain);
        let want = digest(kept.events());
        assert_eq!(kept.log_digest().as_deref(), Some(want.as_str()), "{}", p.id);
        let streamed = run(&sc, LogMode::Digest);
        assert_eq!(streamed.log_digest().as_deref(), Some(want.as_str()), "{}: streamed digest", p.id);
        assert_eq!(streamed.events_emitted(), kept.events().len() as u64, "{}", p.id);
        assert_eq!(Report::of(&streamed), Report::of(&kept), "{}: the same report", p.id);
        let discarded = run(&sc, LogMode::Discard);
        assert_eq!(discarded.log_digest(), None, "{}", p.id);
        assert_eq!(discarded.events_emitted(), kept.events().len() as u64, "{}", p.id);
        assert_eq!(discarded.ledger(), kept.ledger(), "{}: the same ledger", p.id);
    }
}

#[test]
fn a_streamed_run_in_chunks_and_steps_has_the_same_digest() {
    for id in ["async-flush-power-loss", "consumer-crash-duplicates", "max-reconsume-3"] {
        let sc = presets::load(id).expect("preset");
        let want = run(&sc, LogMode::Retain).log_digest();
        let mut sim = Sim::new(&sc);
        sim.set_log_mode(LogMode::Digest);
        let mut t = 0;
        while sim.ended().is_none() {
            t += 333;
            sim.run_until(SimTime::from_ms(t));
        }
        assert_eq!(sim.log_digest(), want, "{id} in chunks");

        // Step by step: each step returns its new events, and only those stay in memory.
        let mut sim = Sim::new(&sc);
        sim.set_log_mode(LogMode::Digest);
        let mut seen = 0u64;
        while let Some(events) = sim.step() {
            let n = events.len() as u64;
            assert!(n > 0);
            assert_eq!(events.first().map(|e| e.seq), Some(seen), "{id}: seq continues");
            seen += n;
            assert_eq!(sim.events().len() as u64, n, "{id}: only the latest action's events are kept");
            assert_eq!(sim.events_emitted(), seen);
        }
        assert_eq!(sim.log_digest(), want, "{id} step by step");
    }
}

#[test]
fn the_event_limit_holds_in_every_mode() {
    let sc = presets::load("defaults").expect("preset");
    for mode in [LogMode::Retain, LogMode::Digest, LogMode::Discard] {
        let mut sim = Sim::new(&sc);
        sim.set_log_mode(mode);
        sim.set_event_limit(50);
        sim.run();
        assert_eq!(sim.ended(), Some(rmq_sim::event::EndReason::EventLimit), "{mode:?}");
        assert!(sim.events_emitted() <= 60, "{mode:?}: {} events", sim.events_emitted());
    }
}

#[test]
fn a_scenario_may_send_a_million_messages() {
    let sc = parse_scenario("[producer]\nmessages = 1000000\n").expect("10^6 messages are accepted");
    assert_eq!(sc.producer.messages, 1_000_000);
    assert!(parse_scenario(&format!("[producer]\nmessages = {}\n", limits::MAX_MESSAGES + 1)).is_err());
    // A streamed run may log 100 events per message; a kept log stops far earlier.
    const { assert!(limits::MAX_EVENTS_STREAMED >= 100 * limits::MAX_MESSAGES as u64) };
    const { assert!(limits::MAX_EVENTS < limits::MAX_EVENTS_STREAMED) };
}

#[test]
#[should_panic(expected = "before the run starts")]
fn the_log_mode_cannot_change_mid_run() {
    let sc = presets::load("defaults").expect("preset");
    let mut sim = Sim::new(&sc);
    sim.step();
    sim.set_log_mode(LogMode::Digest);
}
