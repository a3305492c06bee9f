//! The web lab's own reading of scenario text, without the `toml` crate's parser (issue 23: the
//! parser was ~48 KB of the lab's first-load gzip).
//!
//! It reads the strict subset of TOML that the lab itself writes and edits: what
//! [`super::parse::scenario_to_toml`] and [`super::link::minimal_toml`] write (every share link's
//! scenario, the configuration panel's text), what the form fields put there
//! (`tomledit::set` in the web crate), and the presets' files. One item a line:
//! blank and whole-line `#` comment lines; headers `[table]`, `[[array]]` and `[[table.array]]`;
//! `key = value` with a bare key and a value that is a basic string (`"…"`, with TOML's escapes),
//! `true`/`false`, a decimal integer, or an array of such integers. Anything else — a float, an
//! inline table, a trailing comment, a literal or multi-line string, a duplicate key, a header
//! the subset does not build — is *not read* ([`read`] returns `None`): the caller then hands the
//! text to the full parser ([`super::parse_scenario`], in the extras module on the web). So the
//! subset never disagrees with TOML: whatever it reads, `toml` reads to the same table (tests
//! below, generated input included), and the scenario is then built and checked by the very same
//! code ([`super::parse::parse_scenario_table`] with the text's lines), with the same errors.

use toml::{Table, Value};

use super::parse::{from_table_with_lines, ScenarioError};
use super::Scenario;

/// The scenario in `text` when the text is in the subset (the result is then exactly what
/// [`super::parse_scenario`] gives, errors and lines included); `None` when only the full parser
/// can read it.
pub fn read(text: &str) -> Option<Result<Scenario, ScenarioError>> {
    let table = table(text)?;
    Some(from_table_with_lines(&table, text))
}

/// Where the next `key = value` lines go.
enum Target {
    Root,
    /// A table at the root.
    Table(String),
    /// The last element of an array of tables at the root (`[[fault]]`).
    Array(String),
    /// The last element of an array of tables inside a root table (`[[tour.step]]`).
    Nested(String, String),
}

/// The text as a TOML table, when it is in the subset.
pub fn table(text: &str) -> Option<Table> {
    let mut root = Table::new();
    let mut target = Target::Root;
    // Tables opened by a `[header]`: TOML refuses a second header of the same table.
    let mut headed: Vec<String> = Vec::new();
    // Arrays of tables opened by `[[header]]`s (`a` or `a.b`): a plain array cannot be extended.
    let mut arrays: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let t = line.trim_matches([' ', '\t']);
        if t.is_empty() || t.starts_with('#') && !t.chars().any(|c| c.is_control() && c != '\t') {
            continue;
        }
        if let Some(inner) = t.strip_prefix("[[").and_then(|r| r.strip_suffix("]]")) {
            target = match inner.split_once('.') {
                None => {
                    let k = bare(inner)?;
                    if root.contains_key(k) && !arrays.iter().any(|h| h == k) {
                        return None;
                    }
                    arrays.push(k.to_string());
                    match root.entry(k.to_string()).or_insert_with(|| Value::Array(Vec::new())) {
                        Value::Array(a) => a.push(Value::Table(Table::new())),
                        _ => return None,
                    }
                    Target::Array(k.to_string())
                }
                Some((a, b)) => {
                    let (a, b) = (bare(a)?, bare(b)?);
                    // Only inside a table its own `[a]` header opened, before any `[[a.b]]`.
                    if !headed.iter().any(|h| h == a) {
                        return None;
                    }
                    let Some(Value::Table(parent)) = root.get_mut(a) else { return None };
                    let dotted = format!("{a}.{b}");
                    if parent.contains_key(b) && !arrays.contains(&dotted) {
                        return None;
                    }
                    arrays.push(dotted);
                    match parent.entry(b.to_string()).or_insert_with(|| Value::Array(Vec::new())) {
                        Value::Array(arr) => arr.push(Value::Table(Table::new())),
                        _ => return None,
                    }
                    Target::Nested(a.to_string(), b.to_string())
                }
            };
            continue;
        }
        if let Some(inner) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            let k = bare(inner)?;
            if headed.iter().any(|h| h == k) || root.contains_key(k) {
                return None;
            }
            root.insert(k.to_string(), Value::Table(Table::new()));
            headed.push(k.to_string());
            target = Target::Table(k.to_string());
            continue;
        }
        let (k, v) = t.split_once('=')?;
        let k = bare(k.trim_end_matches([' ', '\t']))?;
        let v = value(v.trim_matches([' ', '\t']))?;
        let table = match &target {
            Target::Root => &mut root,
            Target::Table(name) => match root.get_mut(name) {
                Some(Value::Table(t)) => t,
                _ => return None,
            },
            Target::Array(name) => match root.get_mut(name) {
                Some(Value::Array(a)) => match a.last_mut() {
                    Some(Value::Table(t)) => t,
                    _ => return None,
                },
                _ => return None,
            },
            Target::Nested(a, b) => match root.get_mut(a) {
                Some(Value::Table(p)) => match p.get_mut(b) {
                    Some(Value::Array(arr)) => match arr.last_mut() {
                        Some(Value::Table(t)) => t,
                        _ => return None,
                    },
                    _ => return None,
                },
                _ => return None,
            },
        };
        if table.contains_key(k) {
            return None;
        }
        table.insert(k.to_string(), v);
    }
    Some(root)
}

/// A bare key: ASCII letters, digits, `_` and `-`, not empty.
fn bare(k: &str) -> Option<&str> {
    (!k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')).then_some(k)
}

fn value(v: &str) -> Option<Value> {
    match v {
        "true" => return Some(Value::Boolean(true)),
        "false" => return Some(Value::Boolean(false)),
        _ => {}
    }
    if let Some(body) = v.strip_prefix('"') {
        return string(body).map(Value::String);
    }
    if let Some(inner) = v.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let inner = inner.trim_matches([' ', '\t']);
        let mut out = Vec::new();
        if !inner.is_empty() {
            let inner = inner.strip_suffix(',').unwrap_or(inner);
            for item in inner.split(',') {
                out.push(Value::Integer(integer(item.trim_matches([' ', '\t']))?));
            }
        }
        return Some(Value::Array(out));
    }
    integer(v).map(Value::Integer)
}

/// A decimal integer as TOML writes one: an optional `-`, no leading zero, no `_`, no `+`.
fn integer(v: &str) -> Option<i64> {
    let digits = v.strip_prefix('-').unwrap_or(v);
    let ok = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && (digits == "0" || !digits.starts_with('0'));
    if !ok {
        return None;
    }
    v.parse().ok()
}

/// The rest of a basic string after its opening quote; the closing quote must end the value.
fn string(body: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return chars.as_str().is_empty().then_some(out),
            '\\' => {
                let e = chars.next()?;
                out.push(match e {
                    '"' => '"',
                    '\\' => '\\',
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'u' | 'U' => {
                        let n = if e == 'u' { 4 } else { 8 };
                        let hex: String = chars.by_ref().take(n).collect();
                        if hex.len() != n || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                            return None;
                        }
                        char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
                    }
                    _ => return None,
                });
            }
            c if c.is_control() && c != '\t' => return None,
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::link::minimal_toml;
    use crate::scenario::parse::{parse_scenario, scenario_to_toml};
    use crate::scenario::presets;
    use proptest::prelude::*;

    /// Whatever the subset reads, `toml` reads to the same table.
    fn agrees(text: &str) -> bool {
        match table(text) {
            None => false,
            Some(t) => {
                let full: Table = toml::from_str(text).unwrap_or_else(|e| panic!("the subset read what TOML refuses ({e}):\n{text}"));
                assert_eq!(t, full, "{text}");
                true
            }
        }
    }

    #[test]
    fn every_preset_and_every_written_scenario_is_read_without_the_toml_parser() {
        for p in presets::all() {
            let sc = parse_scenario(p.source()).unwrap();
            for text in [p.source().to_string(), p.body.to_string(), scenario_to_toml(&sc), minimal_toml(&sc)] {
                assert!(agrees(&text), "{}: not in the subset:\n{text}", p.id);
                assert_eq!(read(&text), Some(Ok(sc.clone())), "{}", p.id);
            }
        }
    }

    #[test]
    fn errors_are_the_full_parsers_with_their_lines() {
        for text in [
            "[broker]\nflushDiskType = \"FAST\"\n",
            "seed = 1\n[producer]\nmessages = 0\n",
            "[broker]\nflushDiskTyp = \"SYNC_FLUSH\"\n",
            "[[fault]]\nat = \"1s\"\nkind = \"POWER_LOSS\"\ntarget = \"moon\"\n",
        ] {
            assert!(agrees(text));
            let lite = read(text).expect("in the subset");
            assert!(lite.is_err(), "{text}");
            assert_eq!(lite, parse_scenario(text), "{text}");
        }
    }

    #[test]
    fn what_the_subset_does_not_build_is_left_to_the_full_parser() {
        for text in [
            "a = 1.5",
            "a = 01",
            "a = +1",
            "a = 1_000",
            "a = 1 # trailing comment",
            "a = 'literal'",
            "a = \"\"\"multi\"\"\"",
            "a = { b = 1 }",
            "a = [\"x\"]",
            "a = 1\na = 2",
            "[b]\n[b]",
            "b = 1\n[b]",
            "[[f]]\n[f]",
            "f = []\n[[f]]",
            "[t]\ns = []\n[[t.s]]",
            "[a.b]\nx = 1",
            "[[t.s]]\nx = 1",
            "\"quoted\" = 1",
            "a = \"unterminated",
            "a = \"x\" y",
            "a = \"bad \\q escape\"",
            "a = \"\\uD800\"",
            "a = 99999999999999999999",
            "just words",
        ] {
            assert!(table(text).is_none(), "{text:?} read by the subset");
        }
    }

    proptest! {
        /// Lines drawn from the subset's pieces and its near misses: whatever the subset reads,
        /// TOML reads the same.
        #[test]
        fn generated_text_the_subset_reads_toml_reads_the_same(lines in proptest::collection::vec(
            prop_oneof![
                Just("[broker]".to_string()), Just("[tour]".to_string()), Just("[[fault]]".to_string()),
                Just("[[tour.step]]".to_string()), Just("# c".to_string()), Just("".to_string()),
                Just("  ".to_string()), Just("[ broker ]".to_string()),
                ("[a-c]{1,2}", "(-?[0-9]{1,3}|true|false|\"[a-z \\\\\"é]{0,4}\"|\\[[0-9, ]{0,6}\\]|0[0-9])")
                    .prop_map(|(k, v)| format!("{k} = {v}")),
            ],
            0..12,
        )) {
            let text = lines.join("\n");
            let _ = agrees(&text);
        }
    }
}
