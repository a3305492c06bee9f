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

/// Closed-loop send TPS (messages per second, integer) of `text` with `threads` threads.
fn tps(text: &str, threads: u32) -> u64 {
    let sc = scenario(&format!("{text}\n[producer]\nmessages = 400\nthreads = {threads}\n"));
    let (_, r) = run(&sc);
    assert_eq!(r.summary.send_status["SEND_OK"], 400, "threads={threads}: every send answered SEND_OK");
    r.throughput.send_milli_tps.expect("a window") / 1_000
}

fn master_flushes(sim: &Sim) -> usize {
    sim.events()
        .iter()
        .filter(|e| matches!(e.kind, rmq_sim::EventKind::Flushed { node: rmq_sim::NodeId::Master, .. }))
        .count()
}

/// A 1188-byte message (1024 body + 91 header + "TopicTest" + 64 of properties) on a 2376 B/ms link: 2 per ms.
const LINK_2000_PER_S: &str = "[network]\nproducerBytesPerMs = 2376";

#[test]
fn tps_rises_with_threads_until_the_link_saturates() {
    let t: Vec<u64> = [1, 2, 4, 16, 64].iter().map(|&n| tps(LINK_2000_PER_S, n)).collect();
    assert!(t[0] < t[1] && t[1] < t[2], "more threads, more TPS while the link has room: {t:?}");
    for &x in &t {
        assert!(x <= 2_000, "never above the link's 2000 msg/s: {t:?}");
    }
    assert!(t[3] >= 1_900, "16 threads fill the link: {t:?}");
    assert!(t[4] <= t[3] + t[3] / 50, "past saturation more threads add nothing: {t:?}");
}

#[test]
fn sync_flush_tps_rises_with_threads_until_the_flush_saturates() {
    // A flush costs 2 ms + 1 ms per 1188 bytes: at most ~1000 msg/s however large the batch.
    let disk = "[broker]\nflushDiskType = \"SYNC_FLUSH\"\n[disk]\nflushBytesPerMs = 1188";
    let t: Vec<u64> = [1, 2, 4, 32, 128].iter().map(|&n| tps(disk, n)).collect();
    assert!(t[0] < t[1] && t[1] < t[2] && t[2] < t[3], "group commit lets more threads send more: {t:?}");
    for &x in &t {
        assert!(x <= 1_000, "never above what the disk flushes: {t:?}");
    }
    assert!(t[2] > 2 * t[0], "4 threads more than double one: {t:?}");
    assert!(t[4] < t[3] + t[3] / 10, "near saturation 4× the threads add under 10%: {t:?}");
    let unlimited_async = tps("", 128);
    assert!(unlimited_async > 2 * t[4], "ASYNC_FLUSH does not wait for the disk: {unlimited_async} vs {t:?}");
}

#[test]
fn group_commit_batches_concurrent_puts_so_sync_flush_costs_less_per_message() {
    let run_threads = |threads: u32| {
        let sc = scenario(&format!(
            "[broker]\nflushDiskType = \"SYNC_FLUSH\"\n[producer]\nmessages = 400\nthreads = {threads}\n"
        ));
        let (sim, r) = run(&sc);
        (master_flushes(&sim), r.throughput.send_milli_tps.unwrap())
    };
    let (f1, tps1) = run_threads(1);
    let (f16, tps16) = run_threads(16);
    assert_eq!(f1, 400, "one thread: one flush per message");
    assert!(f16 * 4 < 400, "16 threads share flushes (group commit): {f16} flushes for 400 messages");
    assert!(tps16 > 8 * tps1, "so 16 threads send far more than one: {tps16} vs {tps1}");
}

#[test]
fn sync_flush_p99_is_at_least_the_flush_latency() {
    for producer in ["interval = \"5ms\"", "threads = 8"] {
        let sc = scenario(&format!(
            "[broker]\nflushDiskType = \"SYNC_FLUSH\"\n[disk]\nflushLatency = \"20ms\"\n[producer]\nmessages = 200\n{producer}\n"
        ));
        let (_, r) = run(&sc);
        let ok = r.latency.by_answer["SEND_OK"];
        assert_eq!(ok.count, 200);
        assert!(ok.p99_us >= 20_000, "{producer}: p99 {} µs < the 20 ms flush", ok.p99_us);
        assert!(ok.p50_us >= 20_000, "{producer}: every SYNC_FLUSH send waits for a flush");
    }
}

#[test]
fn sync_master_p50_is_at_least_one_replication_round_trip() {
    for producer in ["interval = \"5ms\"", "threads = 8"] {
        let text = |role: &str| {
            format!(
                "[broker]\nbrokerRole = \"{role}\"\n[slave]\nenabled = true\nreplicationLatency = \"15ms\"\n[producer]\nmessages = 200\n{producer}\n"
            )
        };
        let (_, sync) = run(&scenario(&text("SYNC_MASTER")));
        let (_, asynch) = run(&scenario(&text("ASYNC_MASTER")));
        let ok = sync.latency.by_answer["SEND_OK"];
        assert_eq!(ok.count, 200, "{producer}");
        assert!(ok.p50_us >= 30_000, "{producer}: p50 {} µs < one 2 × 15 ms round trip to the slave", ok.p50_us);
        assert!(asynch.latency.all.p50_us < 30_000, "{producer}: ASYNC_MASTER does not wait for the slave");
        if producer.starts_with("threads") {
            assert!(
                sync.throughput.send_milli_tps < asynch.throughput.send_milli_tps,
                "closed loop: the round trip costs SYNC_MASTER throughput"
            );
        }
    }
}

#[test]
fn async_closed_loop_threads_wait_for_their_callback() {
    let (_, r) = run(&scenario("[producer]\nsendMode = \"ASYNC\"\nthreads = 2\nmessages = 100"));
    assert_eq!(r.summary.send_status["SEND_OK"], 100);
    // Two threads, one 2 ms round trip each per callback: 1000 msg/s.
    assert_eq!(r.throughput.send_milli_tps, Some(1_000_000));
}

#[test]
fn oneway_closed_loop_is_bounded_by_the_link() {
    let (_, r) = run(&scenario(&format!("{LINK_2000_PER_S}\n[producer]\nsendMode = \"ONEWAY\"\nthreads = 4\nmessages = 400")));
    let t = r.throughput.send_milli_tps.unwrap() / 1_000;
    assert!((1_900..=2_000).contains(&t), "a ONEWAY thread moves on once its request is written: {t}");
}

#[test]
fn resends_do_not_add_producer_threads() {
    // The master is down for the first 2 s; failed sends are resent by the application later.
    let sc = scenario(
        "until = \"10m\"\n[producer]\nthreads = 2\nmessages = 1000\nonException = \"PERSIST_AND_RESEND\"\nresendDelay = \"1s\"\nsendMsgTimeout = \"100ms\"\n[[fault]]\nat = \"0s\"\nkind = \"PROCESS_CRASH\"\ntarget = \"master\"\nduration = \"2s\"",
    );
    let (sim, _) = run(&sc);
    // At any time at most 2 thread sends + resends are in flight; thread sends alone never overlap beyond 2.
    let mut firsts: Vec<(u64, u64)> = sim
        .ledger()
        .messages
        .iter()
        .map(|m| (m.sends[0].started_at.as_us(), m.sends[0].ended_at.as_us()))
        .collect();
    firsts.sort();
    for (i, &(start, _)) in firsts.iter().enumerate() {
        let overlapping = firsts[..i].iter().filter(|&&(_, end)| end > start).count();
        assert!(overlapping < 2, "first sends overlap 3 deep at {start} µs");
    }
}

#[test]
fn threads_and_bandwidth_survive_the_toml_round_trip() {
    for text in ["[producer]\nthreads = 7\n[network]\nproducerBytesPerMs = 125000", "[producer]\ninterval = \"3ms\""] {
        let sc = scenario(text);
        let back = scenario(&rmq_sim::scenario::parse::scenario_to_toml(&sc));
        assert_eq!(back, sc, "{text}");
        // Share links carry only what differs from the defaults: the closed loop survives it.
        let linked = scenario(&rmq_sim::scenario::link::minimal_toml(&sc));
        assert_eq!(linked, sc, "{text} through a share link");
    }
    assert!(parse_scenario("[network]\nproducerBytesPerMs = 0").unwrap_err().to_string().contains("network.producerBytesPerMs"));
}

#[test]
fn sync_master_tps_is_bounded_by_the_replication_link() {
    // The slave link carries 2376 B/ms: two 1188-byte messages per ms at most.
    let text = "[broker]\nbrokerRole = \"SYNC_MASTER\"\n[slave]\nenabled = true\nreplicationBytesPerMs = 2376";
    let t: Vec<u64> = [1, 4, 32, 128].iter().map(|&n| tps(text, n)).collect();
    assert!(t[0] < t[1] && t[1] < t[2], "more threads, more TPS while the link has room: {t:?}");
    for &x in &t {
        assert!(x <= 2_000, "never above what the slave link carries: {t:?}");
    }
    assert!(t[3] >= 1_800, "128 threads all but fill the slave link: {t:?}");
    let asynch = tps("[slave]\nenabled = true\nreplicationBytesPerMs = 2376", 128);
    assert!(asynch > t[3], "ASYNC_MASTER does not wait for the slave link: {asynch} vs {t:?}");
}

#[test]
fn consume_tps_is_over_the_consumers_own_window_so_a_late_consumer_does_not_read_zero() {
    // The consumer starts 5 s after the last send: every message is consumed outside the
    // producer's window, which is what "Consume TPS 0.0 beside 20 delivered" measured.
    let (_, r) = run(&scenario(
        "[producer]\nmessages = 20\ninterval = \"10ms\"\n[consumer]\nstartAt = \"5s\"\n[network]\nlatency = \"1ms\"",
    ));
    let t = r.throughput;
    assert_eq!(t.consumed, 20, "{t:?}");
    assert!(t.consume_window_us > 5_000_000 && t.consume_window_us < 10_000_000, "from the first send to past 5 s: {t:?}");
    assert_eq!(t.consume_milli_tps, Some(20 * 1_000_000_000 / t.consume_window_us));
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert!(v["throughput"]["consumeTps"].as_f64().unwrap() > 0.0);
    assert!(v["throughput"]["consumeWindowMs"].as_f64().unwrap() > 0.0);
    assert!(r.cost_text().contains("Consume TPS over"), "{}", r.cost_text());
}
