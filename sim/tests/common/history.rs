//! The independent checker of the exported Jepsen-style history (`losslab run --export
//! history`), written from the format the README documents and nothing else: it parses each line
//! as plain JSON, checks the history is well formed and classifies every value the way a
//! total-queue checker does. Used by `history_checker.rs` (presets, random runs) and by the
//! swarm (its gRPC cases), which include it by `#[path]`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// What the history says about one value (message id).
#[derive(Default, Debug)]
pub struct Fate {
    pub send_invokes: u32,
    /// Send completions by type.
    pub send_ok: u32,
    pub send_fail: u32,
    pub send_info: u32,
    /// `ok` receives by client processes (the consumer group).
    pub received: u32,
    /// `fail` receives (a delivery the consumer handed back for a retry).
    pub failed_receives: u32,
    /// An `ok` receive by the final reader `"dlq"`.
    pub in_dlq: bool,
    /// An `info` receive by `"pending"`.
    pub pending: bool,
}

/// Parses and checks a history; returns each value's fate, or what is malformed.
pub fn check(history: &str) -> Result<BTreeMap<u64, Fate>, String> {
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
pub fn verdict(f: &Fate) -> &'static str {
    match f.received {
        n if n >= 2 => "DUPLICATED",
        1 => "DELIVERED",
        _ if f.in_dlq => "DEAD_LETTERED",
        _ if f.pending => "UNRESOLVED",
        _ if f.send_ok > 0 => "LOST_AFTER_ACK",
        _ => "LOST_UNACKED",
    }
}
