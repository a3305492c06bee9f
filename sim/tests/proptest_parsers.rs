//! Hostile input for every parser of the core: scenario TOML, `broker.conf` import and share-link
//! decoding. Arbitrary text and structured-but-wrong documents (a real key with a value of the
//! wrong kind, at a random place among valid lines) must never panic, and a refusal must name
//! the field — and the line, where the input has lines.
//!
//! `PROPTEST_CASES=N` changes how many inputs each property tries (default 512 here; the fuzz
//! targets in `fuzz/` go further).

use proptest::prelude::*;
use rmq_sim::scenario::broker_conf::import_broker_conf;
use rmq_sim::scenario::link::{decode, encode, Link};
use rmq_sim::scenario::parse::{parse_scenario, scenario_to_toml, ScenarioError};
use rmq_sim::scenario::presets;
use rmq_sim::{Scenario, SimTime};

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn preset_texts() -> Vec<String> {
    presets::all().iter().map(|p| p.source().to_string()).collect()
}

/// An error names a field and, if it gives a line, a line of the input.
fn well_formed(e: &ScenarioError, text: &str) -> Result<(), TestCaseError> {
    prop_assert!(!e.field.trim().is_empty(), "no field named: {e:?}");
    prop_assert!(!e.reason.trim().is_empty(), "no reason given: {e:?}");
    if let Some(line) = e.line {
        let lines = text.split('\n').count();
        prop_assert!(line >= 1 && line <= lines, "line {line} outside 1..={lines}: {e:?}");
    }
    Ok(())
}

/// Fragments TOML is made of, so that random documents get past the tokenizer often.
fn toml_soup() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "[broker]", "[disk]", "[slave]", "[network]", "[producer]", "[consumer]", "[[fault]]", "[fault]",
        "flushDiskType", "brokerRole", "syncFlushTimeout", "messages", "interval", "kind", "at", "target",
        "duration", "factor", "maxReconsumeTimes", "messageDelayLevel", "failMessages", "until", "seed",
        "name", "enabled", "group", "=", " = ", "\"", "'", "\n", "\n", "\n", "#", "[", "]", "{", "}", ",", ".",
        "1", "0", "-1", "18446744073709551615", "1e999", "nan", "inf", "true", "false", "\"3s\"", "\"1h\"",
        "\"0ms\"", "\"SYNC_FLUSH\"", "\"POWER_LOSS\"", "\"master\"", "\"1 2 3\"", "[1, 2]", "\"\\u0000\"",
        "\"%DLQ%g\"", "\"<script>\"", "é", "😀", "\\", " ",
    ]);
    prop::collection::vec(words, 0..60).prop_map(|w| w.concat())
}

/// A preset's text with a random cut and a random insertion.
fn mutated_preset() -> impl Strategy<Value = String> {
    let texts = preset_texts();
    (prop::sample::select(texts), any::<prop::sample::Index>(), any::<prop::sample::Index>(), ".{0,12}").prop_map(
        |(text, a, b, insert)| {
            let chars: Vec<char> = text.chars().collect();
            let (i, j) = (a.index(chars.len() + 1), b.index(chars.len() + 1));
            let (lo, hi) = (i.min(j), i.max(j).min(i.min(j) + 16));
            let mut out: String = chars[..lo].iter().collect();
            out.push_str(&insert);
            out.extend(&chars[hi..]);
            out
        },
    )
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Bool,
    Choice,
    Int,
    Duration,
}

/// Every key of a section whose value has a fixed kind.
const KEYS: &[(&str, &str, Kind)] = &[
    ("broker", "flushDiskType", Kind::Choice),
    ("broker", "brokerRole", Kind::Choice),
    ("broker", "syncFlushTimeout", Kind::Duration),
    ("broker", "slaveTimeout", Kind::Duration),
    ("broker", "flushIntervalCommitLog", Kind::Duration),
    ("broker", "flushCommitLogLeastPages", Kind::Int),
    ("broker", "flushCommitLogThoroughInterval", Kind::Duration),
    ("broker", "haSlaveFallbehindMax", Kind::Int),
    ("broker", "haHousekeepingInterval", Kind::Duration),
    ("disk", "flushLatency", Kind::Duration),
    ("disk", "flushBytesPerMs", Kind::Int),
    ("slave", "enabled", Kind::Bool),
    ("slave", "replicationLatency", Kind::Duration),
    ("slave", "flushDiskType", Kind::Choice),
    ("network", "latency", Kind::Duration),
    ("producer", "sendMode", Kind::Choice),
    ("producer", "messages", Kind::Int),
    ("producer", "interval", Kind::Duration),
    ("producer", "bodySize", Kind::Int),
    ("producer", "sendMsgTimeout", Kind::Duration),
    ("producer", "retryTimesWhenSendFailed", Kind::Int),
    ("producer", "retryAnotherBrokerWhenNotStoreOK", Kind::Bool),
    ("producer", "onException", Kind::Choice),
    ("producer", "resendDelay", Kind::Duration),
    ("producer", "resendMaxTimes", Kind::Int),
    ("consumer", "enabled", Kind::Bool),
    ("consumer", "startAt", Kind::Duration),
    ("consumer", "maxReconsumeTimes", Kind::Int),
    ("consumer", "consumeTime", Kind::Duration),
    ("consumer", "failPercent", Kind::Int),
    ("consumer", "failWith", Kind::Choice),
    ("consumer", "dlqConsumer", Kind::Bool),
    ("consumer", "pullBatchSize", Kind::Int),
    ("consumer", "consumeThread", Kind::Int),
    ("fault", "at", Kind::Duration),
    ("fault", "kind", Kind::Choice),
    ("fault", "target", Kind::Choice),
    ("fault", "duration", Kind::Duration),
    ("fault", "factor", Kind::Int),
];

/// A TOML value that is certainly wrong for a key of `kind`.
fn wrong_value(kind: Kind) -> BoxedStrategy<String> {
    let array = Just("[1, \"a\"]".to_string());
    let table = Just("{ x = 1 }".to_string());
    let letters = "[a-zA-Z_ ]{1,12}".prop_map(|s| format!("{s:?}"));
    match kind {
        Kind::Bool => prop_oneof![any::<i64>().prop_map(|n| n.to_string()), letters, array, table].boxed(),
        Kind::Choice => prop_oneof![
            "[A-Z_]{0,14}".prop_filter("a valid name", |s| !VALID_NAMES.contains(&s.as_str())).prop_map(|s| format!("{s:?}")),
            any::<bool>().prop_map(|b| b.to_string()),
            any::<i64>().prop_map(|n| n.to_string()),
            array,
        ]
        .boxed(),
        Kind::Int => prop_oneof![
            letters,
            any::<bool>().prop_map(|b| b.to_string()),
            (i64::MIN..0).prop_map(|n| n.to_string()),
            array,
            table,
        ]
        .boxed(),
        Kind::Duration => prop_oneof![
            "[a-zA-Z]{1,8}".prop_map(|s| format!("{s:?}")),
            "[0-9]{1,4}[a-z]{3,6}".prop_filter("a unit", |s| !s.ends_with("ms") && !s.ends_with("us")).prop_map(|s| format!("{s:?}")),
            (i64::MIN..0).prop_map(|n| n.to_string()),
            any::<bool>().prop_map(|b| b.to_string()),
            array,
            table,
        ]
        .boxed(),
    }
}

const VALID_NAMES: &[&str] = &[
    "SYNC_FLUSH", "ASYNC_FLUSH", "SYNC_MASTER", "ASYNC_MASTER", "SLAVE", "SYNC", "ASYNC", "ONEWAY", "LOG",
    "PERSIST_AND_RESEND", "RECONSUME_LATER", "EXCEPTION", "PROCESS_CRASH", "POWER_LOSS", "DISK_LOST", "DISK_SLOW",
    "DISK_STALL", "SLAVE_DOWN", "SLAVE_UP", "NETWORK_PARTITION", "CONSUMER_CRASH",
];

/// Valid lines that may stand before the wrong one (comments, blanks, other sections' keys).
fn filler() -> impl Strategy<Value = Vec<String>> {
    let lines = vec!["# a comment", "", "   ", "name = \"a run\"", "seed = 7", "until = \"10m\"", "# [broker] flushDiskType = 1"];
    prop::sample::subsequence(lines, 0..5).prop_map(|ls| ls.into_iter().map(str::to_string).collect())
}

/// A document with one wrong value, its section, key and the key's line.
fn one_wrong_value() -> impl Strategy<Value = (String, String, usize)> {
    (prop::sample::select(KEYS), filler(), filler(), 0u32..3).prop_flat_map(|((section, key, kind), before, inside, faults_before)| {
        wrong_value(kind).prop_map(move |value| {
            let mut lines = before.clone();
            let field = if section == "fault" {
                for _ in 0..faults_before {
                    lines.extend(["[[fault]]", "at = \"1s\"", "kind = \"POWER_LOSS\""].map(String::from));
                }
                lines.push("[[fault]]".into());
                // The wrong key first, so that no other check of this fault fires before it.
                format!("fault[{}].{key}", faults_before + 1)
            } else {
                lines.push(format!("[{section}]"));
                format!("{section}.{key}")
            };
            lines.extend(inside.iter().filter(|l| l.trim().is_empty() || l.starts_with('#')).cloned());
            lines.push(format!("{key} = {value}"));
            let line = lines.len();
            if section == "fault" {
                lines.extend(["at = \"1s\"", "kind = \"POWER_LOSS\"", "target = \"master\""].iter()
                    .filter(|l| !l.starts_with(key)).map(|l| l.to_string()));
            }
            (lines.join("\n") + "\n", field, line)
        })
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn scenario_parser_survives_any_text(text in any::<String>()) {
        if let Err(e) = parse_scenario(&text) { well_formed(&e, &text)?; }
    }

    #[test]
    fn scenario_parser_survives_toml_soup(text in toml_soup()) {
        if let Err(e) = parse_scenario(&text) { well_formed(&e, &text)?; }
    }

    #[test]
    fn scenario_parser_survives_mutated_presets(text in mutated_preset()) {
        match parse_scenario(&text) {
            Err(e) => well_formed(&e, &text)?,
            // Whatever it accepts is a scenario it can write back and read again.
            Ok(sc) => prop_assert_eq!(parse_scenario(&scenario_to_toml(&sc)), Ok(sc)),
        }
    }

    #[test]
    fn a_wrong_value_is_named_with_its_line((text, field, line) in one_wrong_value()) {
        let e = parse_scenario(&text).expect_err(&text);
        prop_assert_eq!(&e.field, &field, "{}\n{}", e, text);
        prop_assert_eq!(e.line, Some(line), "{}\n{}", e, text);
    }
}

/// A master's `broker.conf` as RocketMQ's distribution ships them (conf/2m-2s-sync/broker-a.properties style).
pub const BROKER_CONF_LINES: &[&str] = &[
    "brokerClusterName=DefaultCluster",
    "brokerName=broker-a",
    "brokerId=0",
    "deleteWhen=04",
    "fileReservedTime=48",
    "brokerRole=SYNC_MASTER",
    "flushDiskType=ASYNC_FLUSH",
    "namesrvAddr = 192.168.0.1:9876;192.168.0.2:9876",
    "listenPort:10911",
    "storePathRootDir=/data/rocketmq/store",
    "storePathCommitLog=/data/rocketmq/store/commitlog",
    "syncFlushTimeout=5000",
    "flushIntervalCommitLog = 500",
    "flushCommitLogLeastPages=4",
    "haSlaveFallbehindMax=268435456",
    "messageDelayLevel=1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h",
    "# a comment",
    "! a Java-properties comment",
    "",
    "autoCreateTopicEnable=false",
];

/// Known keys with a value the import must refuse.
fn broker_conf_wrong_line() -> impl Strategy<Value = (String, String)> {
    let digits_no = "[a-zA-Z_ -]{1,10}".prop_map(|s| s.trim().to_string()).prop_filter("empty", |s| !s.is_empty());
    prop_oneof![
        ("[A-Z_]{1,12}", prop::sample::select(vec!["flushDiskType", "brokerRole"]))
            .prop_filter("valid", |(v, _)| !VALID_NAMES.contains(&v.as_str()))
            .prop_map(|(v, k)| (k.to_string(), v)),
        (digits_no.clone(), prop::sample::select(vec![
            "syncFlushTimeout", "slaveTimeout", "flushIntervalCommitLog", "flushCommitLogLeastPages",
            "flushCommitLogThoroughInterval", "haSlaveFallbehindMax", "haHousekeepingInterval", "haSendHeartbeatInterval",
        ])).prop_map(|(v, k)| (k.to_string(), v)),
        (1i64..1_000_000, prop::sample::select(vec!["syncFlushTimeout", "flushCommitLogLeastPages", "haSlaveFallbehindMax"]))
            .prop_map(|(n, k)| (k.to_string(), format!("-{n}"))),
        "[a-z]{1,3}( [a-z]{1,3}){0,2}".prop_map(|v| ("messageDelayLevel".to_string(), v)),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn broker_conf_import_survives_any_text(text in any::<String>()) {
        if let Err(e) = import_broker_conf(&text, &Scenario::default()) {
            well_formed(&e, &text)?;
            prop_assert!(e.line.is_some(), "every broker.conf error has a line: {e:?}");
        }
    }

    #[test]
    fn broker_conf_import_survives_shuffled_real_lines(
        lines in prop::collection::vec(prop::sample::select(BROKER_CONF_LINES), 0..30),
        noise in prop::collection::vec(("[ -~]{0,20}", any::<prop::sample::Index>()), 0..3),
    ) {
        let mut lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for (n, at) in noise {
            let i = at.index(lines.len() + 1);
            lines.insert(i, n);
        }
        let text = lines.join("\n");
        match import_broker_conf(&text, &Scenario::default()) {
            Err(e) => { well_formed(&e, &text)?; prop_assert!(e.line.is_some()); }
            Ok(imp) => {
                // Every key is accounted for, on its line (a `\` continuation may join it to the next;
                // a line with escapes, `\u0041` or `a\ b`, holds its key escaped).
                for (line, key) in imp.applied.iter().chain(&imp.not_modelled) {
                    let rest: String = text.split('\n').skip(line - 1).map(|l| l.trim().trim_end_matches('\\')).collect();
                    if text.split('\n').nth(line - 1).is_some_and(|l| l.contains('\\')) {
                        continue;
                    }
                    prop_assert!(rest.starts_with(key.as_str()), "line {line} `{rest}` is not `{key}`");
                }
            }
        }
    }

    #[test]
    fn a_wrong_broker_conf_value_is_named_with_its_line(
        before in prop::collection::vec(prop::sample::select(BROKER_CONF_LINES), 0..12),
        after in prop::collection::vec(prop::sample::select(BROKER_CONF_LINES), 0..6),
        (key, value) in broker_conf_wrong_line(),
        sep in prop::sample::select(vec!["=", " = ", ":", "  =  "]),
    ) {
        let mut lines: Vec<String> = before.iter().map(|l| l.to_string()).collect();
        lines.push(format!("{key}{sep}{value}"));
        let line = lines.len();
        lines.extend(after.iter().map(|l| l.to_string()));
        let text = lines.join("\n");
        let e = import_broker_conf(&text, &Scenario::default()).expect_err(&text);
        prop_assert_eq!(&e.field, &key, "{}\n{}", e, text);
        prop_assert_eq!(e.line, Some(line), "{}\n{}", e, text);
    }

    #[test]
    fn link_decoding_survives_any_text(text in any::<String>()) {
        let e = decode(&text).expect_err(&text);
        prop_assert!(e.field.starts_with("link"), "{e:?}");
    }

    #[test]
    fn link_decoding_survives_any_base64url_body(body in "[A-Za-z0-9_-]{0,400}") {
        if let Err(e) = decode(&format!("v1.{body}")) {
            prop_assert!(e.field.starts_with("link"), "{e:?}");
        }
    }

    #[test]
    fn a_damaged_link_is_refused_or_a_valid_run(
        preset in prop::sample::select(presets::all().iter().map(|p| p.id).collect::<Vec<_>>()),
        edits in prop::collection::vec((any::<prop::sample::Index>(), "[A-Za-z0-9_.%-]{0,3}"), 1..4),
        playhead_ms in 0u64..10_000,
    ) {
        let scenario = presets::load(preset).expect("preset");
        let playhead = SimTime::from_ms(playhead_ms.min(scenario.until.as_ms()));
        let good = encode(&Link::new(scenario, playhead, Default::default()));
        let mut text = good.clone();
        for (at, with) in edits {
            let i = at.index(text.len() + 1);
            let j = (i + 1).min(text.len());
            text.replace_range(i..j, &with);
        }
        match decode(&text) {
            Err(e) => prop_assert!(e.field.starts_with("link"), "{e:?}"),
            Ok(link) => {
                prop_assert!(link.playhead <= link.scenario.until);
                prop_assert_eq!(parse_scenario(&scenario_to_toml(&link.scenario)), Ok(link.scenario));
            }
        }
    }
}
