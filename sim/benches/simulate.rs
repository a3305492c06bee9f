//! `cargo bench -p rmq_sim`: how fast the core simulates. Speed goals live here, never in tests.
//!
//! A plain harness (no extra dependency): each case runs a few times and reports the best
//! wall time, events per second and simulated-to-real speed.

use std::time::Instant;

use rmq_sim::scenario::presets;
use rmq_sim::{Scenario, Sim};

fn bench(name: &str, sc: &Scenario) {
    let mut best = f64::MAX;
    let mut events = 0;
    let mut sim_ms = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let mut sim = Sim::new(sc);
        sim.run();
        best = best.min(start.elapsed().as_secs_f64());
        events = sim.events().len();
        sim_ms = sim.now().as_ms();
    }
    println!(
        "{name:<40} {events:>9} events {:>9.2} ms {:>12.0} events/s  {:>10.0}x real time",
        best * 1e3,
        events as f64 / best,
        sim_ms as f64 / 1e3 / best
    );
}

fn main() {
    for id in ["defaults", "async-flush-power-loss", "book-recommendation-master-restarts", "poison-message-dlq", "consumer-crash-duplicates"] {
        bench(id, &presets::load(id).expect("preset"));
    }
    let mut big = presets::load("async-flush-power-loss").expect("preset");
    big.producer.messages = 10_000;
    big.producer.interval = rmq_sim::SimDuration::from_us(500);
    bench("10k messages, power loss", &big);
    let mut retries = presets::load("defaults").expect("preset");
    retries.producer.messages = 1_000;
    retries.consumer.fail_percent = 50;
    bench("1k messages, 50% consume failures", &retries);
}
