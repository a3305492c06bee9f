//! Exports of a finished run for tools outside the lab (public interfaces, see the README's
//! "Exports" section):
//!
//! - [`jsonl`]: the event log as JSON Lines, one event per line, with its log line as `text`;
//! - [`history`]: a Jepsen-style client history of sends and receives, for external checkers
//!   (e.g. a total-queue checker: acknowledged sends that no receive saw are lost);
//! - [`csv`]: one row per message with the time of each stage, for spreadsheets.
//!
//! Each is plain text built from the core's state only (no web dependency), so the runner and
//! the page produce the same bytes.

pub mod csv;
pub mod history;
pub mod jsonl;

use crate::log::LogMode;
use crate::sim::Sim;

/// The three export formats, by their `--export` name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    History,
    Csv,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Jsonl, Format::History, Format::Csv];

    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::History => "history",
            Format::Csv => "csv",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// File name suffix for downloads.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "events.jsonl",
            Format::History => "history.jsonl",
            Format::Csv => "messages.csv",
        }
    }

    /// The export of `sim` in this format. Meant for a finished run (after [`Sim::run`]);
    /// verdict columns are empty for a run still in progress.
    pub fn render(self, sim: &Sim) -> String {
        match self {
            Format::Jsonl => jsonl::export(sim),
            Format::History => history::export(sim),
            Format::Csv => csv::export(sim),
        }
    }

    /// Runs `sim` (not yet started) to its end and writes its export to `out`, the same bytes
    /// as [`Format::render`] of the same run, without keeping the event log: `jsonl` writes each
    /// event as it happens, `history` keeps its operations (a few per message), `csv` needs the
    /// ledger only. So the run is the one `losslab run --json` makes (a streamed log, capped at
    /// [`crate::scenario::limits::MAX_EVENTS_STREAMED`]), never one cut at the kept log's
    /// [`crate::scenario::limits::MAX_EVENTS`]. Stops at the first failed write.
    pub fn stream(self, sim: &mut Sim, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        sim.set_log_mode(LogMode::Discard);
        match self {
            Format::Jsonl => {
                while let Some(events) = sim.step_action() {
                    for e in events {
                        writeln!(out, "{}", jsonl::event_json(e))?;
                    }
                }
            }
            Format::History => {
                let mut b = history::HistoryBuilder::new(sim.scenario());
                while let Some(events) = sim.step_action() {
                    events.iter().for_each(|e| b.feed(e));
                }
                for op in b.finish(sim) {
                    writeln!(out, "{}", serde_json::to_string(&op).expect("an op always serialises"))?;
                }
            }
            Format::Csv => {
                sim.run();
                csv::write(sim, out)?;
            }
        }
        out.flush()
    }
}
