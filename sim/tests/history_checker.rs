//! An independent checker of the exported Jepsen-style history (`losslab run --export history`),
//! written from the format the README documents and nothing else: it parses each line as plain
//! JSON, checks the history is well formed, classifies every value the way a total-queue
//! checker does, and must agree with the run's own verdicts — for every preset and for hundreds
//! of random scenarios from the seed sweep's generator.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::random::random_scenario;
use rmq_sim::export::Format;
use rmq_sim::report::Report;
use rmq_sim::scenario::presets;
use rmq_sim::{Scenario, Sim};
use serde_json::Value;

/// What the history says about one value (message id).
#[derive(Default, Debug)]
struct Fate {
    send_invokes: u32,
    /// Send completions by type.
    send_ok: u32,
    send_fail: u32,
    send_info: u32,
    /// `ok` receives by client processes (the consumer group).
    received: u32,
    /// `fail` receives (a delivery the consumer handed back for a retry).
    failed_receives: u32,
    /// An `ok` receive by the final reader `"dlq"`.
    in_dlq: bool,
    /// An `info` receive by `"pending"`.
    pending: bool,
}

/// Parses and checks a history; returns each value's fate, or what is malformed.
fn check(history: &str) -> Result<BTreeMap<u64, Fate>, String> {
    let mut fates: BTreeMap<u64, Fate> = BTreeMap::new();
    // Per process: the open invoke's (f, value), and whether it crashed (`info`).
    let mut open: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let mut crashed: BTreeSet<String> = BTreeSet::new();
    let mut last_time = 0u64;
    for (i, line) in history.lines().enumerate() {
        let op: Value = serde_json::from_str(line).map_err(|e| format!("line {i}: not JSON: {e}"))?;
        let field = |k: &str| op.get(k).ok_or_else(|| format!("line {i}: no `{k}`: {line}"));
        if field("index")?.as_u64() != Some(i as u64) {
            return Err(format!("line {i}: index is not the line number"));
        }
        let process = match field("process")? {
            Value::Number(n) => n.to_string(),
            Value::String(s) if s == "dlq" || s == "pending" => format!("\"{s}\""),
            other => return Err(format!("line {i}: process {other} is neither a number nor dlq/pending")),
        };
        let kind = field("type")?.as_str().ok_or(format!("line {i}: type"))?.to_string();
        let f = field("f")?.as_str().ok_or(format!("line {i}: f"))?.to_string();
        let value = field("value")?.as_u64().ok_or(format!("line {i}: value"))?;
        let time = field("time")?.as_u64().ok_or(format!("line {i}: time"))?;
        if !["send", "receive"].contains(&f.as_str()) {
            return Err(format!("line {i}: f = {f}"));
        }
        if time < last_time {
            return Err(format!("line {i}: time goes backwards"));
        }
        last_time = time;
        if kind == "invoke" {
            if crashed.contains(&process) && !process.starts_with('"') {
                return Err(format!("line {i}: process {process} invoked after an info"));
            }
            if open.insert(process.clone(), (f.clone(), value)).is_some() {
                return Err(format!("line {i}: process {process} invoked twice without completing"));
            }
            if f == "send" {
                fates.entry(value).or_default().send_invokes += 1;
            }
            continue;
        }
        let Some((of, ov)) = open.remove(&process) else {
            return Err(format!("line {i}: {kind} by process {process} with no invoke"));
        };
        if (of.as_str(), ov) != (f.as_str(), value) {
            return Err(format!("line {i}: completion {f} {value} does not match invoke {of} {ov}"));
        }
        let fate = fates.entry(value).or_default();
        match (f.as_str(), kind.as_str(), process.as_str()) {
            ("send", "ok", _) => fate.send_ok += 1,
            ("send", "fail", _) => fate.send_fail += 1,
            ("send", "info", _) => fate.send_info += 1,
            ("receive", "ok", "\"dlq\"") => fate.in_dlq = true,
            ("receive", "info", "\"pending\"") => fate.pending = true,
            ("receive", "ok", _) => fate.received += 1,
            ("receive", "fail", _) => fate.failed_receives += 1,
            ("receive", "info", _) => {}
            (f, k, p) => return Err(format!("line {i}: unexpected {k} {f} by {p}")),
        }
        if kind == "info" {
            crashed.insert(process);
        }
    }
    if let Some((p, (f, v))) = open.iter().find(|(p, _)| !p.starts_with('"')) {
        return Err(format!("process {p} never completed its {f} of {v}"));
    }
    for (v, fate) in &fates {
        // Jepsen's "unexpected": a value whose every send definitely failed was received.
        if fate.received > 0 && fate.send_ok + fate.send_info == 0 {
            return Err(format!("value {v} was received but every send of it failed"));
        }
        if fate.send_ok + fate.send_fail + fate.send_info != fate.send_invokes {
            return Err(format!("value {v}: {} send invokes, other completions", fate.send_invokes));
        }
    }
    Ok(fates)
}

/// The verdict a total-queue reading of the history gives.
fn verdict(f: &Fate) -> &'static str {
    match f.received {
        n if n >= 2 => "DUPLICATED",
        1 => "DELIVERED",
        _ if f.in_dlq => "DEAD_LETTERED",
        _ if f.pending => "UNRESOLVED",
        _ if f.send_ok > 0 => "LOST_AFTER_ACK",
        _ => "LOST_UNACKED",
    }
}

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
