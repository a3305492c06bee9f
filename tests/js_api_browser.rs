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
    let e = js_api::run(js(r#"{"consumer": {"group": null}}"#), JsValue::UNDEFINED).unwrap_err();
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
