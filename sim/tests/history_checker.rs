//! An independent checker of the exported Jepsen-style history (`losslab run --export history`),
//! written from the format the README documents and nothing else: it parses each line as plain
//! JSON, checks the history is well formed, classifies every value the way a total-queue
//! checker does, and must agree with the run's own verdicts — for every preset and for hundreds
//! of random scenarios from the seed sweep's generator.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::history::{check, verdict, Fate};
use common::random::random_scenario;
use rmq_sim::export::Format;
use rmq_sim::report::Report;
use rmq_sim::scenario::presets;
use rmq_sim::{Scenario, Sim};

fn agree(sc: &Scenario) -> BTreeMap<u64, Fate> {
    let mut sim = Sim::new(sc);
    sim.run();
    let history = Format::History.render(&sim);
    let fates = check(&history).unwrap_or_else(|e| panic!("{} (seed {}): {e}", sc.name, sc.seed));
    let report = Report::of(&sim);
    for m in &report.messages {
        let fate = fates.get(&(m.id as u64));
        let got = fate.map_or("UNRESOLVED-NO-OPS", verdict);
        // A message never sent has no operation but its pending marker.
        assert_eq!(got, m.verdict, "{} (seed {}): msg#{} {fate:?}", sc.name, sc.seed, m.id);
    }
    fates
}

#[test]
fn every_preset_history_agrees_with_its_verdicts() {
    for p in presets::all() {
        agree(&common::preset(p.id));
    }
}

#[test]
fn random_run_histories_agree_with_their_verdicts() {
    let count: u64 = std::env::var("SWEEP_COUNT").ok().and_then(|c| c.parse().ok()).unwrap_or(300);
    let mut seen = BTreeSet::new();
    for seed in 0..count {
        let sc = random_scenario(seed);
        let mut sim = Sim::new(&sc);
        sim.run();
        for m in Report::of(&sim).messages {
            seen.insert(m.verdict);
        }
        agree(&sc);
    }
    // The sweep reaches every verdict, so each rule above was exercised.
    for v in ["DELIVERED", "DUPLICATED", "LOST_AFTER_ACK", "LOST_UNACKED", "DEAD_LETTERED", "UNRESOLVED"] {
        assert!(seen.contains(v), "no random run had a {v} message");
    }
}

/// A poison message: 1 + maxReconsumeTimes failed receives, then only the DLQ has it.
#[test]
fn a_poison_message_shows_its_retries_then_the_dlq() {
    let sc = common::preset("poison-message-dlq");
    let fates = agree(&sc);
    let poison = sc.consumer.fail_messages[0] as u64;
    let f = &fates[&poison];
    assert_eq!(f.failed_receives, 1 + sc.consumer.max_reconsume_times, "{f:?}");
    assert!(f.in_dlq && f.received == 0, "{f:?}");
}

/// gRPC producer (spec 5 §5): one `send` per application call, however many attempts it made;
/// the copies its resends stored show as more receives, and the checker calls them duplicates.
#[test]
fn a_grpc_resend_is_one_send_and_its_copies_are_more_receives() {
    for id in ["v5-grpc-flush-disk-stall", "v5-grpc-master-persistence-timeout"] {
        let sc = common::preset(id);
        let fates = agree(&sc);
        let mut sim = Sim::new(&sc);
        sim.run();
        let history = Format::History.render(&sim);
        let stalled: Vec<&Fate> = fates.values().filter(|f| f.received == 3).collect();
        assert!(!stalled.is_empty(), "{id}: some message is received three times");
        for f in &stalled {
            assert_eq!((f.send_invokes, f.send_info + f.send_ok + f.send_fail), (1, 1), "{id}: {f:?}");
        }
        // Its one completion carries the three attempts.
        let three = history.lines().filter(|l| l.contains("\"f\":\"send\"") && l.contains("\"attempts\":3")).count();
        assert!(three >= stalled.len(), "{id}: {three} sends with 3 attempts for {} messages", stalled.len());
    }
}

/// The runner's `--export history` is what the checker reads (the bytes a third party gets).
#[test]
fn the_runner_exports_the_checked_history() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_losslab"))
        .args(["run", "--preset", "async-flush-power-loss", "--export", "history"])
        .output()
        .expect("run losslab");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let fates = check(&String::from_utf8(out.stdout).expect("UTF-8")).expect("well formed");
    let lost = fates.values().filter(|f| verdict(f) == "LOST_AFTER_ACK").count();
    let (_, report) = common::run(&common::preset("async-flush-power-loss"));
    assert_eq!(lost as u32, report.summary.verdicts["LOST_AFTER_ACK"]);
    assert!(lost > 0, "the preset loses acknowledged messages");
}

/// The checker itself rejects malformed histories (so its agreement means something).
#[test]
fn the_checker_rejects_bad_histories() {
    let ok = r#"{"index":0,"process":0,"type":"invoke","f":"send","value":0,"time":0}
{"index":1,"process":0,"type":"ok","f":"send","value":0,"time":5}"#;
    assert!(check(ok).is_ok());
    let bad = [
        // completion without invoke
        r#"{"index":0,"process":0,"type":"ok","f":"send","value":0,"time":0}"#,
        // mismatched value
        "{\"index\":0,\"process\":0,\"type\":\"invoke\",\"f\":\"send\",\"value\":0,\"time\":0}\n{\"index\":1,\"process\":0,\"type\":\"ok\",\"f\":\"send\",\"value\":1,\"time\":0}",
        // a failed send that was received
        "{\"index\":0,\"process\":0,\"type\":\"invoke\",\"f\":\"send\",\"value\":0,\"time\":0}\n{\"index\":1,\"process\":0,\"type\":\"fail\",\"f\":\"send\",\"value\":0,\"time\":0}\n{\"index\":2,\"process\":9,\"type\":\"invoke\",\"f\":\"receive\",\"value\":0,\"time\":1}\n{\"index\":3,\"process\":9,\"type\":\"ok\",\"f\":\"receive\",\"value\":0,\"time\":2}",
        // time backwards
        "{\"index\":0,\"process\":0,\"type\":\"invoke\",\"f\":\"send\",\"value\":0,\"time\":5}\n{\"index\":1,\"process\":0,\"type\":\"ok\",\"f\":\"send\",\"value\":0,\"time\":4}",
    ];
    for b in bad {
        assert!(check(b).is_err(), "accepted: {b}");
    }
}

/// The gRPC consumer's POP run: the checker sees 17 failed receives and the DLQ, as the verdict says.
#[test]
fn the_checker_agrees_on_a_grpc_pop_run() {
    let sc = common::preset("v5-grpc-poison-message");
    let fates = agree(&sc);
    let poison = sc.consumer.fail_messages[0] as u64;
    let f = &fates[&poison];
    assert_eq!(f.failed_receives, sc.consumer.max_attempts(), "{f:?}");
    assert!(f.in_dlq && f.received == 0, "{f:?}");
}
