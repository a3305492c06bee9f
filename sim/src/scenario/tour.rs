//! A guided tour of a scenario (issue 24 item 3), written in the scenario file's own `[tour]`
//! table so that a documentation author writes one for their page as the presets do: the claim as
//! a question, the outcome the reader predicts before the run, and a sentence at each key moment of
//! the run, in English and Chinese.
//!
//! ```toml
//! [tour]
//! question = "Every message was answered SEND_OK. Does the power cut lose any of them?"
//! question_zh = "每条消息都得到了 SEND_OK。断电会让其中一些丢失吗？"
//! predict = "LOST_AFTER_ACK"   # the verdict whose count the reader predicts
//!
//! [[tour.step]]
//! at = "3s"
//! text = "The master loses power: the page cache is gone."
//! text_zh = "主节点断电：页缓存里的数据没了。"
//! ```
//!
//! The simulator never reads the tour: a run with and without it is the same run.

use crate::ledger::Verdict;
use crate::time::SimTime;

/// At most this many steps: a tour is a handful of key moments, not a second event log.
pub const MAX_TOUR_STEPS: usize = 20;
/// At most this many characters in one text, so a hostile file cannot make the page carry a book.
pub const MAX_TOUR_TEXT: usize = 600;

/// A sentence in English and Chinese; an empty Chinese text is looked up by the English among the
/// presets' tours ([`tour_zh`]), else falls back to the English.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Words {
    pub en: String,
    pub zh: String,
}

impl Words {
    /// The text for a reader of Chinese (`zh`) or English.
    pub fn get(&self, zh: bool) -> &str {
        if !zh {
            &self.en
        } else if !self.zh.is_empty() {
            &self.zh
        } else {
            tour_zh(&self.en).unwrap_or(&self.en)
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/presets/tour_zh.rs"));

/// The presets' tour Chinese compiled in, `(FNV-1a of the English, Chinese)` rows (`sim/build.rs`).
/// Whatever calls this links the text: the lab module does not (a wasm build's preset bodies carry
/// no `*_zh` lines; it installs the rows from `losslab-zh.txt`, [`install_tour_zh`]).
pub fn builtin_tour_zh() -> &'static [(u64, &'static str)] {
    TOUR_ZH
}

static TOUR_ZH_INSTALLED: std::sync::OnceLock<Vec<(u64, &'static str)>> = std::sync::OnceLock::new();

/// Installs the tours' Chinese rows (kept for the process's life; a second install keeps the first).
/// Refused if a row's Chinese is empty.
pub fn install_tour_zh(rows: Vec<(u64, &'static str)>) -> Result<(), String> {
    if let Some(i) = rows.iter().position(|(_, z)| z.trim().is_empty()) {
        return Err(format!("the tours' Chinese row {} is empty", i + 1));
    }
    let _ = TOUR_ZH_INSTALLED.set(rows);
    Ok(())
}

/// The Chinese of a preset tour's English sentence `en`, if installed (native builds: compiled in).
pub fn tour_zh(en: &str) -> Option<&'static str> {
    let rows = TOUR_ZH_INSTALLED.get().map(Vec::as_slice);
    #[cfg(not(target_arch = "wasm32"))]
    let rows = rows.or(Some(builtin_tour_zh()));
    let h = crate::text::fnv1a(&[en]);
    rows?.iter().find(|(k, _)| *k == h).map(|(_, z)| *z)
}

/// One key moment: when the playhead reaches `at`, the tour pauses and says `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourStep {
    pub at: SimTime,
    pub text: Words,
}

/// The `[tour]` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tour {
    pub question: Words,
    /// The verdict whose count the reader predicts (`LOST_AFTER_ACK`, `DUPLICATED`, …).
    pub predict: Verdict,
    /// In time order (the parser sorts them; steps at one instant keep file order).
    pub steps: Vec<TourStep>,
}

/// What the reader predicts: how many of the messages sent end with the tour's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guess {
    None,
    /// At least one, fewer than half.
    Some,
    /// Half of the messages sent or more.
    Most,
}

impl Guess {
    pub const ALL: [Guess; 3] = [Guess::None, Guess::Some, Guess::Most];

    /// Which answer `count` of `sent` messages is.
    pub fn of(count: u32, sent: u32) -> Guess {
        if count == 0 {
            Guess::None
        } else if u64::from(count) * 2 < u64::from(sent) {
            Guess::Some
        } else {
            Guess::Most
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Guess::None => "none",
            Guess::Some => "some",
            Guess::Most => "most",
        }
    }
}

impl Tour {
    /// The first step strictly after `from` and at or before `to`: where playback moving from
    /// `from` to `to` stops so the reader can read it.
    pub fn stop_between(&self, from: SimTime, to: SimTime) -> Option<usize> {
        self.steps.iter().position(|s| s.at > from && s.at <= to)
    }

    /// The step shown at `t`: the last one at or before it.
    pub fn step_at(&self, t: SimTime) -> Option<usize> {
        self.steps.iter().rposition(|s| s.at <= t)
    }

    /// The steps said at `t`: every step of the last moment at or before it (steps written for
    /// one instant are read together).
    pub fn moment_at(&self, t: SimTime) -> &[TourStep] {
        let Some(last) = self.step_at(t) else { return &[] };
        let at = self.steps[last].at;
        let first = self.steps.iter().position(|s| s.at == at).unwrap_or(last);
        &self.steps[first..=last]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tour(at_ms: &[u64]) -> Tour {
        Tour {
            question: Words { en: "q".into(), zh: String::new() },
            predict: Verdict::LostAfterAck,
            steps: at_ms.iter().map(|&ms| TourStep { at: SimTime::from_ms(ms), text: Words::default() }).collect(),
        }
    }

    /// The compiled-in table answers every preset tour's Chinese by its English, as the file says
    /// it (a wasm build's preset bodies carry no `*_zh` lines and read the Chinese from this table).
    #[test]
    fn every_preset_tour_s_chinese_is_found_by_its_english() {
        let mut n = 0;
        for p in crate::scenario::presets::all() {
            let sc = crate::scenario::parse_scenario(p.source()).expect("a preset parses");
            let Some(t) = sc.tour else { continue };
            for w in std::iter::once(&t.question).chain(t.steps.iter().map(|s| &s.text)) {
                assert!(!w.zh.is_empty(), "{}: a tour sentence without Chinese", p.id);
                assert_eq!(tour_zh(&w.en), Some(w.zh.as_str()), "{}: {}", p.id, w.en);
                let bare = Words { en: w.en.clone(), zh: String::new() };
                assert_eq!(bare.get(true), w.zh, "{}: the English alone finds the Chinese", p.id);
                assert_eq!(bare.get(false), w.en);
                n += 1;
            }
        }
        assert_eq!(n, builtin_tour_zh().len(), "one row per tour sentence");
        assert_eq!(tour_zh("a sentence no preset has"), None);
        assert!(install_tour_zh(vec![(1, " ")]).unwrap_err().contains("row 1 is empty"));
    }

    #[test]
    fn playback_stops_at_the_first_step_it_would_pass() {
        let t = tour(&[100, 300, 300, 900]);
        assert_eq!(t.stop_between(SimTime::ZERO, SimTime::from_ms(99)), None);
        assert_eq!(t.stop_between(SimTime::ZERO, SimTime::from_ms(100)), Some(0));
        // Already at a step: the next one, not the same one again.
        assert_eq!(t.stop_between(SimTime::from_ms(100), SimTime::from_ms(1_000)), Some(1));
        assert_eq!(t.stop_between(SimTime::from_ms(300), SimTime::from_ms(1_000)), Some(3));
        assert_eq!(t.step_at(SimTime::from_ms(299)), Some(0));
        assert_eq!(t.step_at(SimTime::from_ms(300)), Some(2));
        assert_eq!(t.step_at(SimTime::from_ms(50)), None);
        assert_eq!(t.moment_at(SimTime::from_ms(500)).len(), 2, "both steps at 300 ms are read together");
        assert_eq!(t.moment_at(SimTime::from_ms(150)).len(), 1);
        assert!(t.moment_at(SimTime::from_ms(50)).is_empty());
    }

    #[test]
    fn a_guess_is_none_some_or_most_of_the_messages_sent() {
        assert_eq!(Guess::of(0, 300), Guess::None);
        assert_eq!(Guess::of(1, 300), Guess::Some);
        assert_eq!(Guess::of(149, 300), Guess::Some);
        assert_eq!(Guess::of(150, 300), Guess::Most);
        assert_eq!(Guess::of(300, 300), Guess::Most);
        assert_eq!(Guess::of(u32::MAX, u32::MAX), Guess::Most);
    }

    #[test]
    fn chinese_falls_back_to_english() {
        let w = Words { en: "e".into(), zh: String::new() };
        assert_eq!(w.get(true), "e");
        let w = Words { en: "e".into(), zh: "中".into() };
        assert_eq!((w.get(true), w.get(false)), ("中", "e"));
    }
}
