//! The run's event log, kept whole or streamed into its digest.
//!
//! The digest is the SHA-256 over the event lines, each followed by `\n` (lower-case hex): it
//! identifies a run natively and in the browser. A run of 10^6 messages logs some 10^7 events; kept
//! whole that is hundreds of megabytes, so such a run can stream its log instead
//! ([`LogMode::Digest`]): each action's events are hashed as soon as the next action starts, and
//! only the latest action's events stay in memory. The digest is the same either way.

use std::fmt::Write as _;

use sha2::{Digest as _, Sha256};

use crate::event::{Event, EventKind};
use crate::time::SimTime;

/// How a run keeps its event log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogMode {
    /// Every event stays in memory ([`crate::Sim::events`] is the whole log): the web lab, tests.
    #[default]
    Retain,
    /// Only the latest action's events stay in memory; earlier ones are folded into the digest.
    Digest,
    /// Only the latest action's events stay in memory and no digest is kept: for capacity runs
    /// and sweeps that need the ledger only (hashing the log costs more than simulating it).
    Discard,
}

/// Hashed lines are batched into a buffer of about this size before they reach SHA-256.
const BATCH: usize = 8 * 1024;

/// The event log of one run.
#[derive(Clone)]
pub struct EventLog {
    mode: LogMode,
    events: Vec<Event>,
    emitted: u64,
    /// [`LogMode::Digest`]: the lines hashed so far, and text not yet handed to the hasher.
    hasher: Sha256,
    pending: String,
}

impl Default for EventLog {
    fn default() -> Self {
        EventLog { mode: LogMode::Retain, events: Vec::new(), emitted: 0, hasher: Sha256::new(), pending: String::new() }
    }
}

impl EventLog {
    /// Switches the mode; only before the first event, so a digest never mixes two modes.
    pub fn set_mode(&mut self, mode: LogMode) {
        assert_eq!(self.emitted, 0, "the log mode is chosen before the run starts");
        self.mode = mode;
    }

    pub fn mode(&self) -> LogMode {
        self.mode
    }

    /// Appends an event at `at`; its `seq` is the number of events before it.
    pub fn push(&mut self, at: SimTime, kind: EventKind) {
        self.events.push(Event { at, seq: self.emitted, kind });
        self.emitted += 1;
    }

    /// Events logged so far, whichever the mode.
    pub fn emitted(&self) -> u64 {
        self.emitted
    }

    /// The events in memory: the whole log ([`LogMode::Retain`]) or the latest action's.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The events logged after the first `before` (all of them must still be in memory: in
    /// [`LogMode::Digest`], those of the latest action).
    pub fn since(&self, before: u64) -> &[Event] {
        let n = (self.emitted - before) as usize;
        &self.events[self.events.len() - n..]
    }

    /// An action starts: in [`LogMode::Digest`], the previous action's events go into the digest.
    pub fn begin_action(&mut self) {
        if self.mode == LogMode::Discard {
            self.events.clear();
        } else if self.mode == LogMode::Digest && !self.events.is_empty() {
            for e in self.events.drain(..) {
                writeln!(self.pending, "{e}").expect("write to string");
            }
            if self.pending.len() >= BATCH {
                self.hasher.update(self.pending.as_bytes());
                self.pending.clear();
            }
        }
    }

    /// The digest of every event logged so far (`None` in [`LogMode::Discard`]).
    pub fn digest(&self) -> Option<String> {
        Some(match self.mode {
            LogMode::Discard => return None,
            LogMode::Retain => digest(&self.events),
            LogMode::Digest => {
                let mut h = self.hasher.clone();
                h.update(self.pending.as_bytes());
                let mut line = String::new();
                for e in &self.events {
                    line.clear();
                    writeln!(line, "{e}").expect("write to string");
                    h.update(line.as_bytes());
                }
                hex(&h.finalize())
            }
        })
    }
}

/// SHA-256 over the event lines, each followed by `\n`, in lower-case hex.
pub fn digest(events: &[Event]) -> String {
    let mut h = Sha256::new();
    let mut line = String::new();
    for e in events {
        line.clear();
        writeln!(line, "{e}").expect("write to string");
        h.update(line.as_bytes());
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes.iter().flat_map(|b| [DIGITS[usize::from(b >> 4)] as char, DIGITS[usize::from(b & 15)] as char]).collect()
}
