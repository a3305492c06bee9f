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
}
