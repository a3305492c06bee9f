//! The run's report: the JSON the `losslab` runner prints (a public interface), the event-log
//! digest that identifies a run, and a readable summary table.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::event::Event;
use crate::ledger::Verdict;
use crate::sim::Sim;

pub use crate::log::digest;

/// The whole log as text, one line per event.
pub fn log_text(events: &[Event]) -> String {
    let mut out = String::new();
    for e in events {
        writeln!(out, "{e}").expect("write to string");
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub messages: u32,
    pub send_status: BTreeMap<&'static str, u32>,
    pub verdicts: BTreeMap<&'static str, u32>,
    pub reconsumes: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageReport {
    pub id: u32,
    pub send_status: &'static str,
    pub verdict: &'static str,
    pub send_attempts: u32,
    pub deliveries: u32,
    pub reconsume_times: u32,
    pub cause: Option<String>,
}

/// The `--json` report.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub name: String,
    pub seed: u64,
    pub ended_at_ms: u64,
    pub event_log_digest: String,
    pub summary: Summary,
    pub messages: Vec<MessageReport>,
}

pub const SEND_STATUS_KEYS: [&str; 6] =
    ["SEND_OK", "FLUSH_DISK_TIMEOUT", "FLUSH_SLAVE_TIMEOUT", "SLAVE_NOT_AVAILABLE", "EXCEPTION", "NO_REPLY"];

impl Report {
    /// The report of a finished run.
    pub fn of(sim: &Sim) -> Report {
        let mut send_status: BTreeMap<&'static str, u32> = SEND_STATUS_KEYS.iter().map(|k| (*k, 0)).collect();
        let mut verdicts: BTreeMap<&'static str, u32> = Verdict::ALL.iter().map(|v| (v.name(), 0)).collect();
        let mut reconsumes = 0;
        let mut messages = Vec::new();
        for m in &sim.ledger().messages {
            let status = m.send_status_name();
            let verdict = m.verdict.unwrap_or(Verdict::Unresolved).name();
            *send_status.get_mut(status).expect("known status") += 1;
            *verdicts.get_mut(verdict).expect("known verdict") += 1;
            reconsumes += m.deliveries.iter().filter(|d| d.from_retry).count() as u32;
            messages.push(MessageReport {
                id: m.id,
                send_status: status,
                verdict,
                send_attempts: m.attempts.len() as u32,
                deliveries: m.deliveries.len() as u32,
                reconsume_times: m.reconsume_times(),
                cause: m.cause.as_ref().map(|c| c.render(crate::text::Lang::En)),
            });
        }
        Report {
            name: sim.scenario().name.clone(),
            seed: sim.scenario().seed,
            ended_at_ms: sim.now().as_ms(),
            event_log_digest: sim.log_digest().unwrap_or_default(),
            summary: Summary { messages: messages.len() as u32, send_status, verdicts, reconsumes },
            messages,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises")
    }

    /// A readable table for the terminal.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.name);
        let _ = writeln!(out, "seed {}  ended at {} ms  digest {}", self.seed, self.ended_at_ms, &self.event_log_digest[..16]);
        let _ = writeln!(out, "\nproducer saw            messages");
        for k in SEND_STATUS_KEYS {
            let _ = writeln!(out, "  {k:<22}{:>8}", self.summary.send_status[k]);
        }
        let _ = writeln!(out, "\nverdict                 messages");
        for v in Verdict::ALL {
            let _ = writeln!(out, "  {:<22}{:>8}", v.name(), self.summary.verdicts[v.name()]);
        }
        let _ = writeln!(out, "  {:<22}{:>8}", "(retry deliveries)", self.summary.reconsumes);
        let lost: Vec<&MessageReport> = self.messages.iter().filter(|m| m.cause.is_some()).collect();
        if !lost.is_empty() {
            let _ = writeln!(out, "\nlost messages");
            for m in lost.iter().take(10) {
                let _ = writeln!(out, "  msg#{:<5} {:<15} {}", m.id, m.verdict, m.cause.as_deref().unwrap_or(""));
            }
            if lost.len() > 10 {
                let _ = writeln!(out, "  … and {} more (use --json)", lost.len() - 10);
            }
        }
        out
    }
}
