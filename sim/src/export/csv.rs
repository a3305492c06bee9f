//! One row per message with the time of each stage it reached, for spreadsheets.
//!
//! Times are simulated milliseconds with three decimals (the core counts microseconds); an
//! empty cell means the message never reached that stage. The header is a public interface:
//! [`COLUMNS`].

use crate::ledger::{MessageRecord, Verdict};
use crate::rocketmq_version::RocketMqVersion;
use crate::sim::Sim;
use crate::text::Lang;
use crate::time::SimTime;

pub const COLUMNS: [&str; 22] = [
    "id",
    "sendStatus",
    "verdict",
    "sendAttempts",
    "firstSendMs",
    "answeredMs",
    "appendedMs",
    "masterFlushedMs",
    "replicatedMs",
    "slaveFlushedMs",
    "deliveries",
    "firstDeliveryMs",
    "consumedMs",
    "consumedTimes",
    "retries",
    "lastRetryDueMs",
    "reconsumeTimes",
    "deadLetteredMs",
    "compensatedMs",
    "lostMs",
    "cause",
    // The RocketMQ release the run followed (the scenario's `version`), the same on every row.
    "version",
];

fn ms(t: Option<SimTime>) -> String {
    t.map(|t| format!("{}.{:03}", t.as_us() / 1_000, t.as_us() % 1_000)).unwrap_or_default()
}

fn row(m: &MessageRecord, version: RocketMqVersion) -> Vec<String> {
    vec![
        m.id.to_string(),
        m.send_status_name().to_string(),
        m.verdict.unwrap_or(Verdict::Unresolved).name().to_string(),
        m.attempts.len().to_string(),
        ms(m.attempts.first().map(|a| a.sent_at)),
        ms(m.answer.map(|(t, _)| t)),
        ms(m.appended_at()),
        ms(m.master_flushed_at()),
        ms(m.replicated_at()),
        ms(m.slave_flushed_at()),
        m.deliveries.len().to_string(),
        ms(m.deliveries.first().map(|d| d.at)),
        ms(m.consumed_at.first().copied()),
        m.consumed_at.len().to_string(),
        m.retries().len().to_string(),
        ms(m.retries().last().map(|r| r.1)),
        m.reconsume_times().to_string(),
        ms(m.dead_lettered_at()),
        ms(m.compensated_at()),
        ms(m.lost().first().map(|l| l.0)),
        m.cause().map(|c| c.render(Lang::En)).unwrap_or_default(),
        version.name().to_string(),
    ]
}

pub fn export(sim: &Sim) -> String {
    let mut out = Vec::new();
    write(sim, &mut out).expect("write to memory");
    String::from_utf8(out).expect("CSV of UTF-8 fields is UTF-8")
}

/// The export written to `out` row by row (the ledger only: the event log may be discarded).
pub fn write(sim: &Sim, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    for m in &sim.ledger().messages {
        w.write_record(row(m, sim.scenario().version))?;
    }
    w.flush()
}
