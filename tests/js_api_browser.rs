//! Browser tests of the JavaScript API's Rust side (`src/js_api.rs`): a scenario object with the
//! TOML's names is the same scenario as the TOML text; results are plain objects with the JSON
//! report's names; bad input is a JS Error with `field` and `line`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, JSON};
use losslab_web::js_api;
use rmq_sim::report::Report;
use rmq_sim::scenario::parse_scenario;
use rmq_sim::Sim;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn js(text: &str) -> JsValue {
    JSON::parse(text).expect("json")
}

fn get(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |o, k| Reflect::get(&o, &k.into()).expect("property"))
}

#[wasm_bindgen_test]
fn an_object_runs_as_its_toml_and_the_report_has_the_json_names() {
    let toml = "seed = 3\n[broker]\nflushDiskType = \"SYNC_FLUSH\"\n[producer]\nmessages = 40\n\
                [[fault]]\nat = \"200ms\"\nkind = \"POWER_LOSS\"\ntarget = \"master\"\n";
    let obj = js(r#"{"seed": 3, "broker": {"flushDiskType": "SYNC_FLUSH"}, "producer": {"messages": 40},
                   "fault": [{"at": "200ms", "kind": "POWER_LOSS", "target": "master"}]}"#);
    let from_obj = js_api::run(obj, JsValue::UNDEFINED).expect("runs");
    let from_text = js_api::run(toml.into(), JsValue::UNDEFINED).expect("runs");
    assert_eq!(JSON::stringify(&from_obj).unwrap(), JSON::stringify(&from_text).unwrap());
    // Exactly the native report, names and numbers.
    let mut sim = Sim::new(&parse_scenario(toml).unwrap());
    sim.run();
    assert_eq!(String::from(JSON::stringify(&from_obj).unwrap()), serde_json_compact(&Report::of(&sim).to_json()));
    assert_eq!(get(&from_obj, "summary.messages").as_f64(), Some(40.0));
    assert!(get(&from_obj, "messages.0.cause").is_null(), "None is null, as in the JSON");
    assert!(!get(&from_obj, "summary.verdicts").is_instance_of::<js_sys::Map>(), "maps are plain objects");
}

/// The pretty JSON of the runner, compacted like `JSON.stringify` writes it.
fn serde_json_compact(pretty: &str) -> String {
    String::from(JSON::stringify(&JSON::parse(pretty).unwrap()).unwrap())
}

#[wasm_bindgen_test]
fn errors_carry_field_and_line() {
    let e = js_api::run("[broker]\nflushDiskType = \"FAST\"\n".into(), JsValue::UNDEFINED).unwrap_err();
    assert!(e.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&e, "field").as_string().as_deref(), Some("broker.flushDiskType"));
    assert_eq!(get(&e, "line").as_f64(), Some(2.0));
    let e = js_api::run(js(r#"{"consumer": {"group": 7}}"#), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(get(&e, "field").as_string().as_deref(), Some("consumer.group"));
    assert!(get(&e, "line").is_null());
    let e = js_api::run("defaults".into(), js(r#"{"seed": 1.5}"#)).unwrap_err();
    assert_eq!(get(&e, "field").as_string().as_deref(), Some("options.seed"));
}

#[wasm_bindgen_test]
fn the_event_cursor_yields_the_log_lines_in_order() {
    let mut cursor = js_api::events("defaults".into(), JsValue::UNDEFINED).expect("starts");
    let mut lines = String::new();
    while let Some(e) = Some(cursor.next_event().expect("next")).filter(|v| !v.is_undefined()) {
        lines.push_str(&get(&e, "line").as_string().unwrap());
        lines.push('\n');
    }
    let mut sim = Sim::new(&rmq_sim::scenario::presets::load("defaults").unwrap());
    sim.run();
    assert_eq!(lines, rmq_sim::report::log_text(sim.events()));
}

/// `{ key: value }` with `value` any JS value (a BigInt, a function), which JSON cannot write.
fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

fn field_of(e: &JsValue) -> String {
    get(e, "field").as_string().unwrap_or_default()
}

/// The native run of the `defaults` preset with `seed`.
fn native_defaults(seed: u64) -> Report {
    let mut sc = rmq_sim::scenario::presets::load("defaults").unwrap();
    sc.seed = seed;
    let mut sim = Sim::new(&sc);
    sim.run();
    Report::of(&sim)
}

#[wasm_bindgen_test]
fn seeds_above_2_53_travel_as_bigint_both_ways() {
    // In through the options and through the scenario object; out as a BigInt, exact.
    for seed in [(1u64 << 60) + 1, u64::MAX] {
        let report = js_api::run("defaults".into(), obj(&[("seed", JsValue::from(seed))])).expect("runs");
        let back = get(&report, "seed");
        assert!(back.is_bigint(), "seed {seed} comes back as a BigInt");
        assert_eq!(back, JsValue::from(seed), "exact");
        let native = native_defaults(seed);
        assert_eq!(get(&report, "eventLogDigest").as_string(), Some(native.event_log_digest.clone()));
        let from_obj = js_api::run(obj(&[("seed", JsValue::from(seed))]), JsValue::UNDEFINED).expect("runs");
        assert_eq!(get(&from_obj, "seed"), JsValue::from(seed));
    }
    // A seed a Number holds exactly stays a Number, given as a Number or as a BigInt.
    for given in [JsValue::from(9_007_199_254_740_991.0), JsValue::from(9_007_199_254_740_991u64)] {
        let report = js_api::run("defaults".into(), obj(&[("seed", given)])).expect("runs");
        assert_eq!(get(&report, "seed").as_f64(), Some(9_007_199_254_740_991.0));
    }
}

#[wasm_bindgen_test]
fn an_unsafe_number_is_refused_naming_its_field() {
    // 2^60 as a Number: JS has already rounded whatever was typed.
    let big = JsValue::from(2f64.powi(60));
    let e = js_api::run("defaults".into(), obj(&[("seed", big.clone())])).unwrap_err();
    assert_eq!(field_of(&e), "options.seed");
    assert!(get(&e, "reason").as_string().unwrap().contains("BigInt"), "says to use a BigInt");
    let e = js_api::run(obj(&[("seed", big.clone())]), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(field_of(&e), "seed");
    let e = js_api::run(obj(&[("producer", obj(&[("messages", big.clone())]))]), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(field_of(&e), "producer.messages");
    let e = js_api::sweep(obj(&[("firstSeed", big)]), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(field_of(&e), "firstSeed");
    let e = js_api::run("defaults".into(), obj(&[("seed", JsValue::from(-1i64))])).unwrap_err();
    assert_eq!(field_of(&e), "options.seed");
    let e = js_api::run("defaults".into(), obj(&[("seed", JsValue::from(1.5))])).unwrap_err();
    assert_eq!(field_of(&e), "options.seed");
    let e = js_api::run("defaults".into(), obj(&[("seed", JsValue::from("seven"))])).unwrap_err();
    assert_eq!(field_of(&e), "options.seed");
    // Beyond 64 bits.
    let huge = js_sys::BigInt::new(&JsValue::from_str("36893488147419103232")).unwrap();
    let e = js_api::run("defaults".into(), obj(&[("seed", huge.into())])).unwrap_err();
    assert_eq!(field_of(&e), "options.seed");
}

#[wasm_bindgen_test]
fn undefined_and_null_are_absent_and_other_values_are_refused_by_path() {
    let plain = js_api::run(js("{}"), JsValue::UNDEFINED).expect("runs");
    let holes = js(r#"{"consumer": {"group": null}, "producer": {"messages": null}}"#);
    let with_holes = js_api::run(holes, JsValue::UNDEFINED).expect("null is absent");
    assert_eq!(get(&with_holes, "eventLogDigest").as_string(), get(&plain, "eventLogDigest").as_string());
    let f = js_sys::Function::new_no_args("return 1");
    let e = js_api::run(obj(&[("broker", obj(&[("flushDiskType", f.into())]))]), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(field_of(&e), "broker.flushDiskType");
    let e = js_api::run(js(r#"{"fault": [{"at": "1s", "kind": "POWER_LOSS"}, null]}"#), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(field_of(&e), "fault[2]");
    let e = js_api::run(JsValue::from(42), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(field_of(&e), "scenario");
    let e = js_api::run("defaults".into(), JsValue::from("fast")).unwrap_err();
    assert_eq!(field_of(&e), "options");
    let e = js_api::sweep(js(r#"{"seeds": 1, "nope": 1}"#), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(field_of(&e), "nope");
}

/// `check()`'s `version`: one release gives that release's report, several (an array or a
/// comma-separated string, as `--version` takes them) each report and the difference per fault,
/// exactly as the core computes them; a bad release is an Error naming `options.version`.
#[wasm_bindgen_test]
fn check_reads_the_file_as_one_release_or_several() {
    use rmq_sim::exposure::{check_broker_conf_as, check_broker_conf_versions};
    use rmq_sim::scenario::RocketMqVersion;
    let conf = "brokerRole=SYNC_MASTER\nflushDiskType=ASYNC_FLUSH\n";
    let compact = |v: &JsValue| String::from(JSON::stringify(v).unwrap());
    let default = js_api::check(conf.into(), JsValue::UNDEFINED).expect("checks");
    assert_eq!(get(&default, "version").as_string().as_deref(), Some("4.9.8"));
    let one = js_api::check(conf.into(), js(r#"{"version": "5.3.3"}"#)).expect("checks");
    let native = check_broker_conf_as(conf, RocketMqVersion::V5_3_3).unwrap();
    // Through JSON.parse: JS writes the float 1.0 as 1.
    assert_eq!(compact(&one), serde_json_compact(&serde_json::to_string(&native).unwrap()));
    assert!(get(&one, "warnings.0").as_string().unwrap().contains("inSyncReplicas = 2"));
    let both = js_api::check(conf.into(), js(r#"{"version": ["4.9.8", "5.3.3"]}"#)).expect("checks");
    let native = check_broker_conf_versions(conf, &[RocketMqVersion::V4_9_8, RocketMqVersion::V5_3_3]).unwrap();
    assert_eq!(compact(&both), serde_json_compact(&serde_json::to_string(&native).unwrap()));
    let listed = js_api::check(conf.into(), js(r#"{"version": "4.9.8, 5.3.3"}"#)).expect("checks");
    assert_eq!(compact(&listed), compact(&both));
    for bad in [r#"{"version": "5.0"}"#, r#"{"version": 5}"#, r#"{"version": []}"#, r#"{"version": ["5.3.3", "5.3.3"]}"#, r#"{"version": [true]}"#] {
        let e = js_api::check(conf.into(), js(bad)).unwrap_err();
        assert_eq!(field_of(&e), "options.version", "{bad}");
    }
}
