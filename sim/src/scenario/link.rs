//! Share links: a whole run — scenario, seed, every fault with its time, the playhead and the
//! view's options — in a compact, versioned, URL-safe string.
//!
//! Format `v1.<base64url(zlib(json))>`. The JSON holds the scenario as a *minimal* TOML text
//! (only the lines that differ from the defaults, so links stay short and read like a scenario
//! file), the playhead in µs, the view's options as string pairs, and the [`MODEL_VERSION`] the
//! link was made with (`m`; links made before it was recorded have none, read as 0). A link from
//! another model version opens the same scenario, and [`Link::model_changed`] says so: the run
//! may differ from the one its author saw, and the lab must say that, never replay silently. zlib's Adler-32 catches
//! most tampering; whatever gets through is then parsed and validated like any scenario file.
//! Decoding never panics: every refusal is a [`ScenarioError`] on the field `link`.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::parse::{parse_scenario, scenario_to_toml, ScenarioError};
use super::Scenario;
use crate::time::SimTime;

/// The version this build writes and reads.
pub const VERSION: &str = "v1";
/// The simulator model's version, written into every link. Bump it with every change to the
/// core that can change a run's event log (a scenario then replays differently), and add a line
/// below.
/// - 0: links made before the model version was recorded (up to issue 18 items 1–5).
/// - 1: issue 18 item 8, a consume thread is blocked through its `sendMessageBack` RPC.
/// - 2: issue 18 item 7, long polling's 15–20 s return (`PullRequestHoldService`), a slave's held
///   pulls woken only by its 5 s check, a dead slave process noticed after tens of milliseconds.
/// - 3: issue 18 item 6, topic queues: `[topic] writeQueueNums` / `readQueueNums` (default 4), the
///   producer's round robin over them, one process queue, pull and offset per queue. A link made
///   before opens with 4 queues where its author's run had one.
/// - 4: issue 18, the `sendMessageBack` fallback: when the RPC throws, the client sends the
///   message to `%RETRY%<group>` itself; 5.3.3 fails at once with no master in the route.
pub const MODEL_VERSION: u32 = 4;
/// Longest link body accepted (encoded characters).
pub const MAX_ENCODED: usize = 16 * 1024;
/// Largest inflated payload accepted: a zip bomb stops here.
pub const MAX_INFLATED: usize = 256 * 1024;

/// Everything a link reproduces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The scenario; faults injected during playback are in `scenario.faults` with their times.
    pub scenario: Scenario,
    /// Where the playhead was.
    pub playhead: SimTime,
    /// View options (panels, speed, selected message …), owned by the front end.
    pub view: BTreeMap<String, String>,
    /// The [`MODEL_VERSION`] the link was made with (0: before versions were recorded).
    pub model: u32,
}

/// How a link's model differs from this build's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelChange {
    /// Made with an earlier model: this lab's run may differ from the one the author saw.
    Older,
    /// Made with a later model than this lab's (a newer lab made it).
    Newer,
}

impl Link {
    /// A link of `scenario` made now, with this build's model.
    pub fn new(scenario: Scenario, playhead: SimTime, view: BTreeMap<String, String>) -> Link {
        Link { scenario, playhead, view, model: MODEL_VERSION }
    }

    /// Whether the link was made with another model than this build's, and which way.
    pub fn model_changed(&self) -> Option<ModelChange> {
        match self.model.cmp(&MODEL_VERSION) {
            std::cmp::Ordering::Less => Some(ModelChange::Older),
            std::cmp::Ordering::Equal => None,
            std::cmp::Ordering::Greater => Some(ModelChange::Newer),
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Payload {
    s: String,
    t: u64,
    #[serde(default)]
    v: BTreeMap<String, String>,
    /// The model version; absent in links made before it was recorded.
    #[serde(default)]
    m: u32,
}

fn link_error(reason: impl Into<String>) -> ScenarioError {
    ScenarioError::new("link", None, reason)
}

/// The scenario as TOML, keeping only what differs from the defaults (plus the section headers
/// those lines need, and every fault).
pub fn minimal_toml(s: &Scenario) -> String {
    let full = scenario_to_toml(s);
    let defaults = scenario_to_toml(&Scenario { faults: Vec::new(), ..Scenario::default() });
    let mut default_lines = std::collections::BTreeSet::new();
    let mut section = String::new();
    for line in defaults.lines() {
        if line.starts_with('[') {
            section = line.to_string();
        } else if !line.trim().is_empty() {
            default_lines.insert((section.clone(), line.to_string()));
        }
    }
    let mut out = String::new();
    let mut section = String::new();
    let mut pending_header: Option<String> = None;
    for line in full.lines() {
        if line.starts_with('[') {
            section = line.to_string();
            pending_header = Some(line.to_string());
            if line == "[[fault]]" {
                out.push_str("[[fault]]\n");
                pending_header = None;
            }
            continue;
        }
        if line.trim().is_empty() || default_lines.contains(&(section.clone(), line.to_string())) && section != "[[fault]]" {
            continue;
        }
        if let Some(h) = pending_header.take() {
            out.push_str(&h);
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Encodes a link body (without any `#` or `?run=` prefix).
pub fn encode(link: &Link) -> String {
    let payload = Payload { s: minimal_toml(&link.scenario), t: link.playhead.as_us(), v: link.view.clone(), m: link.model };
    let json = serde_json::to_vec(&payload).expect("a payload always serialises");
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&json, 9);
    format!("{VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Decodes a link body; any damage is an error that says what is wrong.
pub fn decode(text: &str) -> Result<Link, ScenarioError> {
    match decode_here(text)? {
        Decoded::Link(link) => Ok(*link),
        Decoded::NeedsParser(u) => {
            let parsed = parse_scenario(&u.toml);
            u.finish(parsed)
        }
    }
}

/// A link body unpacked (version, base64url, zlib, JSON all checked), its scenario still text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unpacked {
    /// The scenario's (minimal) TOML text.
    pub toml: String,
    playhead_us: u64,
    view: BTreeMap<String, String>,
    model: u32,
}

/// A link decoded as far as the web lab goes without the `toml` parser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decoded {
    Link(Box<Link>),
    /// Its scenario text is outside what [`super::lite`] reads (no link this lab wrote): the full
    /// parser reads it ([`Unpacked::finish`] with its result).
    NeedsParser(Unpacked),
}

/// [`decode`] with the lab's own reading of the scenario text ([`super::lite`]): every link a lab
/// wrote decodes here; one whose text only the full parser reads comes back unpacked.
pub fn decode_here(text: &str) -> Result<Decoded, ScenarioError> {
    let u = unpack(text)?;
    match super::lite::read(&u.toml) {
        Some(parsed) => u.finish(parsed).map(|l| Decoded::Link(Box::new(l))),
        None => Ok(Decoded::NeedsParser(u)),
    }
}

/// The link's envelope checked and opened; its scenario text is not read yet.
pub fn unpack(text: &str) -> Result<Unpacked, ScenarioError> {
    let text = text.trim();
    if text.len() > MAX_ENCODED {
        return Err(link_error(format!("the link is too long ({} characters, at most {MAX_ENCODED})", text.len())));
    }
    let Some((version, body)) = text.split_once('.') else {
        return Err(link_error("not a losslab link (no version prefix)"));
    };
    if version != VERSION {
        return Err(link_error(format!("link version `{}` is not supported (this lab reads {VERSION})", truncate(version))));
    }
    let packed = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| link_error("the link is damaged (not base64url); was it cut short?"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&packed, MAX_INFLATED)
        .map_err(|_| link_error("the link is damaged or truncated (its checksum does not match)"))?;
    let payload: Payload =
        serde_json::from_slice(&json).map_err(|e| link_error(format!("the link's content is malformed: {e}")))?;
    Ok(Unpacked { toml: payload.s, playhead_us: payload.t, view: payload.v, model: payload.m })
}

impl Unpacked {
    /// The link, given what a parser made of [`Unpacked::toml`]; its errors are named `link: …`.
    pub fn finish(self, parsed: Result<Scenario, ScenarioError>) -> Result<Link, ScenarioError> {
        let scenario = parsed.map_err(|e| ScenarioError { field: format!("link: {}", e.field), line: e.line, reason: e.reason })?;
        if self.playhead_us > scenario.until.as_us() {
            return Err(link_error("the playhead lies after the scenario's end"));
        }
        for (k, v) in &self.view {
            if k.len() > 64 || v.len() > 256 {
                return Err(link_error("a view option is too long"));
            }
        }
        Ok(Link { scenario, playhead: SimTime(self.playhead_us), view: self.view, model: self.model })
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(12).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets;

    fn sample() -> Link {
        let mut view = BTreeMap::new();
        view.insert("msg".to_string(), "37".to_string());
        Link::new(presets::load("book-recommendation").unwrap(), SimTime::from_ms(4_200), view)
    }

    #[test]
    fn every_preset_round_trips() {
        for p in presets::all() {
            let link = Link::new(presets::load(p.id).unwrap(), SimTime::ZERO, BTreeMap::new());
            let text = encode(&link);
            // A preset's guided tour travels in its link (in two languages): ~1,600 chars with
            // one, under 800 without; both stay far below what browsers and chat apps keep whole.
            let bound = if link.scenario.tour.is_some() { 2_000 } else { 800 };
            assert!(text.len() < bound, "{} link is {} chars", p.id, text.len());
            assert_eq!(decode(&text).as_ref(), Ok(&link), "{}", p.id);
        }
    }

    #[test]
    fn minimal_toml_keeps_only_changes() {
        let t = minimal_toml(&presets::load("book-recommendation").unwrap());
        assert!(t.contains("brokerRole = \"SYNC_MASTER\""), "{t}");
        assert!(!t.contains("syncFlushTimeout"), "{t}");
        assert!(t.contains("[[fault]]"), "{t}");
    }

    #[test]
    fn broken_links_are_refused_with_a_reason() {
        let good = encode(&sample());
        let cases = [
            ("".to_string(), "no version"),
            ("v9.abc".to_string(), "not supported"),
            (good[..good.len() / 2].to_string(), "damaged"),
            (format!("{}x", &good[..good.len() - 1]), "damaged"),
            ("v1.<script>alert(1)</script>".to_string(), "not base64url"),
            (format!("v1.{}", "A".repeat(MAX_ENCODED)), "too long"),
        ];
        for (text, want) in cases {
            let err = decode(&text).expect_err(&text);
            assert_eq!(err.field, "link");
            assert!(err.reason.contains(want), "{text:?}: {}", err.reason);
        }
    }

    #[test]
    fn every_single_bit_flip_is_refused_or_valid() {
        let good = encode(&sample());
        let bytes = good.as_bytes();
        for i in 3..bytes.len() {
            for bit in 0..6 {
                let mut b = bytes.to_vec();
                b[i] ^= 1 << bit;
                if let Ok(s) = std::str::from_utf8(&b) {
                    // Never a panic; a decode that succeeds yields a valid scenario.
                    if let Ok(link) = decode(s) {
                        assert!(parse_scenario(&scenario_to_toml(&link.scenario)).is_ok());
                    }
                }
            }
        }
    }

    #[test]
    fn a_bad_scenario_inside_a_link_names_its_field() {
        let payload = serde_json::to_vec(&Payload { s: "[broker]\nflushDiskType = \"FAST\"\n".into(), t: 0, v: BTreeMap::new(), m: MODEL_VERSION }).unwrap();
        let text = format!("v1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec_zlib(&payload, 6)));
        let err = decode(&text).unwrap_err();
        assert_eq!(err.field, "link: broker.flushDiskType");
    }

    #[test]
    fn a_zip_bomb_is_refused() {
        let payload = vec![b' '; MAX_INFLATED * 4];
        let text = format!("v1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec_zlib(&payload, 9)));
        assert!(decode(&text).is_err());
    }

    /// Every link a lab writes opens without the `toml` parser; one whose scenario text only
    /// the full parser reads (written by hand: a comment, a float) comes back unpacked, and
    /// finishing it with the full parser's result opens the same link `decode` opens.
    #[test]
    fn links_open_without_the_toml_parser_unless_hand_written() {
        for p in presets::all() {
            let link = Link::new(presets::load(p.id).unwrap(), SimTime::ZERO, BTreeMap::new());
            assert_eq!(decode_here(&encode(&link)), Ok(Decoded::Link(Box::new(link))), "{}", p.id);
        }
        let link = sample();
        let hand = format!("# written by hand\n{}", minimal_toml(&link.scenario)).replace("[broker]", "[broker] # the broker");
        let payload = serde_json::json!({ "s": hand, "t": link.playhead.as_us(), "v": link.view, "m": MODEL_VERSION });
        let text = format!("v1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec_zlib(payload.to_string().as_bytes(), 9)));
        let Ok(Decoded::NeedsParser(u)) = decode_here(&text) else { panic!("needs the parser") };
        let parsed = parse_scenario(&u.toml);
        assert_eq!(u.finish(parsed), Ok(link.clone()));
        assert_eq!(decode(&text), Ok(link));
    }

    /// A link made now carries this model's version and opens without a note.
    #[test]
    fn a_new_link_carries_the_model_version() {
        let back = decode(&encode(&sample())).unwrap();
        assert_eq!(back.model, MODEL_VERSION);
        assert_eq!(back.model_changed(), None);
    }

    /// A link made before the model version was recorded (no `m`, as every link made before
    /// issue 18 item 8) opens the very same scenario, playhead and view, flagged as made with an
    /// older model; one from a later model is flagged too.
    #[test]
    fn an_old_link_opens_the_same_scenario_flagged_as_an_older_model() {
        let link = sample();
        // The payload exactly as the v1 encoder wrote it before `m` existed.
        let old = serde_json::json!({ "s": minimal_toml(&link.scenario), "t": link.playhead.as_us(), "v": link.view });
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(old.to_string().as_bytes(), 9);
        let back = decode(&format!("v1.{}", URL_SAFE_NO_PAD.encode(packed))).expect("an old link opens");
        assert_eq!((&back.scenario, back.playhead, &back.view), (&link.scenario, link.playhead, &link.view));
        assert_eq!(back.model, 0);
        assert_eq!(back.model_changed(), Some(ModelChange::Older));
        let future = decode(&encode(&Link { model: MODEL_VERSION + 1, ..sample() })).expect("opens");
        assert_eq!(future.model_changed(), Some(ModelChange::Newer));
    }
}
