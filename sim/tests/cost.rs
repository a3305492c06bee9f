//! What each setting costs: per-send latency, throughput and the closed-loop producer.
//! Physics tests assert relations (more, at least), not exact figures, so they survive model
//! refinements of replication timing and bandwidth.

mod common;

use common::run;
use rmq_sim::report::{LatencyStats, Report};
use rmq_sim::scenario::{parse_scenario, Scenario};
use rmq_sim::Sim;

fn scenario(text: &str) -> Scenario {
    parse_scenario(text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn percentiles_are_nearest_rank_on_integers() {
    let mut v: Vec<u64> = (1..=100).rev().collect();
    let s = LatencyStats::of(&mut v);
    assert_eq!((s.count, s.p50_us, s.p99_us, s.max_us, s.mean_us), (100, 50, 99, 100, 50));
    let s = LatencyStats::of(&mut [7]);
    assert_eq!((s.p50_us, s.p99_us, s.max_us, s.mean_us), (7, 7, 7, 7));
    assert_eq!(LatencyStats::of(&mut []).count, 0);
}

#[test]
fn a_sync_send_costs_one_round_trip_and_the_report_says_so() {
    let (_, r) = run(&scenario("[producer]\nmessages = 50\ninterval = \"10ms\"\n[network]\nlatency = \"3ms\""));
    let all = r.latency.all;
    assert_eq!(all.count, 50);
    assert_eq!((all.p50_us, all.p99_us, all.max_us), (6_000, 6_000, 6_000), "2 × 3 ms");
    assert_eq!(r.latency.by_answer["SEND_OK"], all);
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(v["latency"]["SEND_OK"]["p50Ms"], 6.0);
    assert_eq!(v["latency"]["all"]["meanMs"], 6.0);
    // 50 sends from t=0 to the last answer at 490 ms + 6 ms.
    assert_eq!(v["throughput"]["windowMs"], 496.0);
    assert_eq!(r.throughput.send_milli_tps, Some(50 * 1_000_000 / 496));
    assert!(v["throughput"]["consumeTps"].as_f64().unwrap() > 0.0);
}

#[test]
fn exceptions_are_their_own_latency_row_and_count_as_send_failed() {
    let (_, r) = run(&common::preset("master-down-sync-send"));
    let exc = r.latency.by_answer.get("EXCEPTION").expect("the preset throws");
    assert_eq!(exc.count, r.summary.send_status["EXCEPTION"]);
    assert_eq!(r.throughput.send_failed, exc.count);
    assert!(r.to_table().contains("Send Failed: "));
}

#[test]
fn oneway_sends_have_no_latency_but_count_in_send_tps() {
    let (_, r) = run(&scenario("[producer]\nsendMode = \"ONEWAY\"\nmessages = 20"));
    assert_eq!(r.latency.all.count, 0);
    assert!(r.latency.by_answer.is_empty());
    assert_eq!(r.throughput.sends_acked, 20);
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert!(v["latency"]["all"]["p99Ms"].is_null());
}

#[test]
fn threads_and_interval_together_name_both() {
    let e = parse_scenario("[producer]\nthreads = 4\ninterval = \"1ms\"").unwrap_err();
    let text = e.to_string();
    assert!(text.contains("threads") && text.contains("interval"), "{text}");
    assert!(parse_scenario("[producer]\nthreads = 0").is_err());
}

#[test]
fn closed_loop_sends_every_message_back_to_back() {
    let sc = scenario("[producer]\nthreads = 1\nmessages = 30\n[network]\nlatency = \"1ms\"");
    let mut sim = Sim::new(&sc);
    sim.run();
    let l = sim.ledger();
    for w in l.messages.windows(2) {
        // One thread: message i+1 starts when message i's send returned.
        assert_eq!(w[1].sends[0].started_at, w[0].sends[0].ended_at);
    }
    let r = Report::of(&sim);
    assert_eq!(r.summary.send_status["SEND_OK"], 30);
    assert_eq!(r.throughput.send_milli_tps, Some(500_000), "one 2 ms round trip per send");
}
