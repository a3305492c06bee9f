//! Hostile input for the web lab's own parsers, natively (`cargo test -p losslab-web`): the
//! embed's query parameters and fragment ([`LabOptions::from_url`]), the ES module's mount
//! options ([`LabOptions::from_module`]), and a scenario object as the module's `run` / `events`
//! read it (a TOML table for the core's `parse_scenario_table`, `src/js_api.rs`). No panic; a
//! refusal names the field; the user's text is kept as typed (cleaned of control characters and
//! capped, never dropped for being odd).
//!
//! `PROPTEST_CASES=N` changes how many inputs each property tries (default 256).
#![cfg(not(target_arch = "wasm32"))]

use losslab_web::share::{self, clean_text, percent_encode, resolve_start, LabOptions, ModuleOptions, Panel, CAPTION_MAX, ID_MAX};
use losslab_web::DEFAULT_PRESET;
use proptest::prelude::*;
use rmq_sim::scenario::parse::parse_scenario_table;
use rmq_sim::scenario::presets;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A banner's problem names what was wrong: `field: reason` (`link: …`, `producer.messages: …`)
/// or the preset the user asked for.
fn names_a_field(problem: &str) -> Result<(), TestCaseError> {
    let named = problem.starts_with("there is no preset `")
        || match problem.split_once(": ") {
            Some((field, reason)) => {
                !field.is_empty() && field.chars().all(|c| c.is_ascii_alphanumeric() || "_.[]%".contains(c)) && !reason.trim().is_empty()
            }
            None => false,
        };
    prop_assert!(named, "the problem names no field: {problem:?}");
    Ok(())
}

/// Keys the page reads, keys it does not, and the debris of hand-edited URLs.
fn query_soup() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "embed", "preset", "lang", "caption", "lock", "hide", "id", "run", "x", "", "%", "%zz", "+",
    ]);
    let value = prop_oneof![
        any::<String>(),
        any::<String>().prop_map(|s| percent_encode(&s)),
        prop::sample::select(vec![
            "1",
            "0",
            "true",
            "no",
            "",
            "zh-CN",
            "en",
            "log,config,bogus",
            "%e2%82",
            "%",
            "+",
            "&",
            "=",
            "#run=v1.x"
        ])
        .prop_map(String::from),
    ];
    prop::collection::vec((key, value), 0..8)
        .prop_map(|kv| format!("?{}", kv.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")))
}

/// A link body: a real one with a random character changed, or a plausible-looking fake.
fn link_body() -> impl Strategy<Value = String> {
    let real = {
        let sc = presets::load("defaults").expect("the defaults preset");
        let timeline = losslab_web::playback::Timeline::new(sc);
        share::encode_run(&timeline, rmq_sim::SimTime::ZERO, &share::ViewOpts::default())
    };
    prop_oneof![
        (any::<prop::sample::Index>(), any::<char>()).prop_map(move |(i, c)| {
            let mut chars: Vec<char> = real.chars().collect();
            let i = i.index(chars.len());
            chars[i] = c;
            chars.into_iter().collect()
        }),
        "v1\\.[A-Za-z0-9_-]{0,300}",
        any::<String>(),
        Just("v2.AAAA".to_string()),
        Just("v1.<script>alert(1)</script>".to_string()),
    ]
}

fn module_options() -> impl Strategy<Value = ModuleOptions> {
    let text = || prop::option::of(any::<String>());
    (
        prop::option::of(any::<bool>()),
        text(),
        text(),
        text(),
        prop::option::of(any::<bool>()),
        text(),
        prop::option::of(link_body()),
        text(),
        prop_oneof![Just(None), Just(Some("5.3.3".to_string())), Just(Some("4.7.0".to_string())), text()],
    )
        .prop_map(|(embed, preset, lang, caption, lock, hide, run, base, version)| ModuleOptions {
            embed,
            preset,
            lang,
            caption,
            lock,
            hide,
            run,
            base,
            version,
        })
}

proptest! {
    #![proptest_config(config())]

    /// Any query string and fragment: options come out, and the start they ask for either works
    /// or names its problem.
    #[test]
    fn the_embed_url_survives_any_text(search in any::<String>(), hash in any::<String>()) {
        let o = LabOptions::from_url(&search, &hash);
        if let Some(p) = resolve_start(&o).problem {
            names_a_field(&p)?;
        }
    }

    #[test]
    fn the_embed_url_survives_query_soup(search in query_soup(), body in prop::option::of(link_body())) {
        let hash = body.map(|b| format!("#run={b}")).unwrap_or_default();
        let o = LabOptions::from_url(&search, &hash);
        let start = resolve_start(&o);
        if let Some(p) = &start.problem {
            names_a_field(p)?;
        }
        // Whatever the URL held, the lab shows a scenario the core accepts.
        prop_assert!(start.timeline.scenario.producer.messages >= 1);
        // The query the lab writes back reads as the same options (the embed's own parameters
        // are written in embed mode only: the full page has no caption).
        let again = LabOptions::from_url(&o.query_for(o.preset.as_deref(), o.lang), "");
        prop_assert_eq!(again.embed, o.embed);
        if o.embed {
            prop_assert_eq!((&again.caption, again.lock, &again.hide, &again.id), (&o.caption, o.lock, &o.hide, &o.id));
        }
    }

    /// A caption and an id are shown exactly as typed (less control characters, within their
    /// caps), and survive the lab rewriting its URL.
    #[test]
    fn the_users_caption_and_id_are_kept(caption in any::<String>(), id in any::<String>()) {
        let q = format!("?embed=1&caption={}&id={}", percent_encode(&caption), percent_encode(&id));
        let o = LabOptions::from_url(&q, "");
        prop_assert_eq!(&o.caption, &clean_text(&caption, CAPTION_MAX));
        prop_assert_eq!(&o.id, &clean_text(&id, ID_MAX));
        let again = LabOptions::from_url(&o.query_for(None, None), "");
        prop_assert_eq!(again.caption, o.caption);
        prop_assert_eq!(again.id, o.id);
    }

    /// `?preset=` with a name that is no preset: the default preset, and a problem that names
    /// the preset asked for.
    #[test]
    fn an_unknown_preset_is_named_with_the_users_text(id in "[a-zA-Z0-9 <>&\"'é😀_-]{1,30}") {
        prop_assume!(presets::find(&id).is_none());
        let start = resolve_start(&LabOptions::from_url(&format!("?preset={}", percent_encode(&id)), ""));
        let problem = start.problem.expect("a problem");
        names_a_field(&problem)?;
        prop_assert!(problem.contains(&clean_text(&id, 40).unwrap_or_default()), "{problem:?} lost {id:?}");
        prop_assert_eq!(start.preset, Some(DEFAULT_PRESET));
    }

    /// A damaged `#run=` link is refused with a field, or is a valid run.
    #[test]
    fn a_damaged_run_link_is_refused_with_a_field(body in link_body()) {
        let start = resolve_start(&LabOptions::from_url("", &format!("#run={body}")));
        if let Some(p) = &start.problem {
            names_a_field(p)?;
        }
    }

    /// The ES module's `mountLab` options: anything at all mounts a lab, the caption is kept,
    /// `hide` keeps every panel it names, and the run is found in a full URL too.
    #[test]
    fn module_options_survive_anything(m in module_options()) {
        let o = LabOptions::from_module(m.clone());
        prop_assert_eq!(&o.caption, &m.caption.as_deref().and_then(|c| clean_text(c, CAPTION_MAX)));
        let named: Vec<Panel> = m.hide.as_deref().unwrap_or("").split(',').filter_map(Panel::from_name).collect();
        prop_assert!(named.iter().all(|p| o.hide.contains(p)));
        prop_assert!(!o.sync_url && !o.keys && !o.report_height, "a module mount leaves the page's URL and keys alone");
        if let Some(p) = resolve_start(&o).problem {
            names_a_field(&p)?;
        }
        if let Some(body) = m.run.filter(|b| !b.contains(['#', '&']) && !b.trim().is_empty()) {
            let url = LabOptions::from_module(ModuleOptions { run: Some(format!("https://docs.example/lab/?x=1#run={body}")), ..Default::default() });
            let decoded = share::percent_decode(&body);
            prop_assert_eq!(url.run.as_deref(), Some(decoded.as_str()));
        }
    }

    /// A scenario object (`losslabRun({ broker: { … } })`): the JS side walks it into a TOML
    /// table with the same names; any values under the real names are refused by a field that
    /// is in the object, or accepted.
    #[test]
    fn a_scenario_object_with_wrong_values_names_its_field(entries in scenario_object()) {
        let mut root = toml::Table::new();
        for (section, key, value) in &entries {
            let t = root.entry(section.to_string()).or_insert_with(|| toml::Value::Table(Default::default()));
            if let toml::Value::Table(t) = t {
                t.insert(key.to_string(), value.clone());
            }
        }
        if let Err(e) = parse_scenario_table(&root) {
            prop_assert!(!e.field.is_empty() && !e.reason.trim().is_empty(), "{e:?}");
            let head = e.field.split(['.', '[']).next().unwrap_or("");
            prop_assert!(root.contains_key(head) || ["name", "seed", "until", "scenario", "fault"].contains(&head), "{e:?} names no part of {root:?}");
        }
    }
}

/// (section, key, value) under the scenario's real names, with values of every TOML kind.
fn scenario_object() -> impl Strategy<Value = Vec<(&'static str, &'static str, toml::Value)>> {
    let names = prop::sample::select(vec![
        ("broker", "flushDiskType"),
        ("broker", "brokerRole"),
        ("broker", "syncFlushTimeout"),
        ("broker", "messageDelayLevel"),
        ("disk", "flushLatencyMin"),
        ("slave", "enabled"),
        ("network", "latency"),
        ("producer", "messages"),
        ("producer", "sendMode"),
        ("producer", "interval"),
        ("consumer", "maxReconsumeTimes"),
        ("consumer", "failMessages"),
        ("consumer", "bogus"),
        ("nosuch", "thing"),
    ]);
    let value = prop_oneof![
        any::<String>().prop_map(toml::Value::String),
        any::<i64>().prop_map(toml::Value::Integer),
        any::<f64>().prop_map(toml::Value::Float),
        any::<bool>().prop_map(toml::Value::Boolean),
        prop::collection::vec(any::<i64>().prop_map(toml::Value::Integer), 0..4).prop_map(toml::Value::Array),
        prop::sample::select(vec!["SYNC_FLUSH", "3s", "-1ms", "1 2 3", "ASYNC", "18446744073709551616"])
            .prop_map(|s| toml::Value::String(s.into())),
    ];
    prop::collection::vec((names, value).prop_map(|((s, k), v)| (s, k, v)), 0..6)
}
