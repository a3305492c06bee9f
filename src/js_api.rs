//! The JavaScript API of the core, for documentation pages: `run`, `check`, `presets` and
//! `events` of `www/losslab.mjs` call the `#[wasm_bindgen]` functions here (declared in
//! `www/losslab.d.ts`).
//!
//! Results are plain JS objects with exactly the names of the `losslab … --json` output: the
//! same `Serialize` types the runner prints, written by serde_json and read by `JSON.parse`
//! (`None` → `null`, maps → objects), so a page's table and the command line cannot disagree on
//! a name or a number. (serde_json rather than serde-wasm-bindgen: the wasm already holds
//! serde_json's serializers of these types for the downloads and the sweep, so the API adds no
//! second copy of each: 5 KB gzip of the bundle.)
//! Errors are thrown as JS `Error`s with `field`, `line` (or `null`) and `reason` set, the
//! message reading like the runner's (`broker.flushDiskType (line 3): …`).
//!
//! A scenario is given as TOML text, as a preset id, or as a JS object with the TOML's names
//! (`{ broker: { flushDiskType: 'SYNC_FLUSH' }, fault: [{ at: '3s', kind: 'POWER_LOSS' }] }`).
//! An object is walked here into a TOML table (rather than through serde) so that a value TOML
//! cannot hold (`null`, a function) is refused with its dotted path, and `undefined` counts as
//! absent, as JS code expects; the table is then read by the same parser as a file
//! ([`parse_scenario_table`]).

use js_sys::{Array, Object, Reflect, JSON};
use rmq_sim::exposure::check_broker_conf;
use rmq_sim::report::Report;
use rmq_sim::scenario::parse::parse_scenario_table;
use rmq_sim::scenario::{parse_scenario, presets, Scenario, ScenarioError};
use rmq_sim::Sim;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The JS value of `json`, a result as `losslab … --json` prints it.
fn from_json(json: &str) -> Result<JsValue, JsValue> {
    JSON::parse(json).map_err(|_| js_error(&ScenarioError::new("result", None, "is not valid JSON")))
}

/// The JS value of `v`: plain objects for structs and maps, `null` for `None` (as in the JSON).
fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(v).map_err(|e| js_error(&ScenarioError::new("result", None, e.to_string())))?;
    from_json(&json)
}

/// A JS `Error` carrying the field, line and reason of `e`.
pub fn js_error(e: &ScenarioError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&err, &k.into(), &v);
    };
    set("name", "LosslabError".into());
    set("field", e.field.as_str().into());
    set("line", e.line.map_or(JsValue::NULL, |l| JsValue::from(l as u32)));
    set("reason", e.reason.as_str().into());
    err.into()
}

fn err(field: &str, reason: impl Into<String>) -> ScenarioError {
    ScenarioError::new(field, None, reason)
}

/// `v` (at dotted path `path`) as a TOML value; `Ok(None)` for `undefined` (absent).
fn toml_value(v: &JsValue, path: &str) -> Result<Option<toml::Value>, ScenarioError> {
    if v.is_undefined() {
        return Ok(None);
    }
    if let Some(s) = v.as_string() {
        return Ok(Some(toml::Value::String(s)));
    }
    if let Some(b) = v.as_bool() {
        return Ok(Some(toml::Value::Boolean(b)));
    }
    if let Some(n) = v.as_f64() {
        let safe = n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0;
        return Ok(Some(if safe { toml::Value::Integer(n as i64) } else { toml::Value::Float(n) }));
    }
    if v.is_bigint() {
        let s = String::from(js_sys::BigInt::unchecked_from_js_ref(v).to_string(10).unwrap_or_default());
        let n = s.parse::<i64>().map_err(|_| err(path, format!("{s} does not fit a 64-bit integer")))?;
        return Ok(Some(toml::Value::Integer(n)));
    }
    if Array::is_array(v) {
        let mut out = Vec::new();
        for (i, x) in Array::from(v).iter().enumerate() {
            // Faults are counted from 1 in the parser's messages (`fault[1].at`).
            let p = format!("{path}[{}]", i + 1);
            out.push(toml_value(&x, &p)?.ok_or_else(|| err(&p, "is undefined"))?);
        }
        return Ok(Some(toml::Value::Array(out)));
    }
    if v.is_object() && !v.is_function() {
        return toml_table(v, path).map(|t| Some(toml::Value::Table(t)));
    }
    let what = if v.is_null() { "null".to_string() } else { v.js_typeof().as_string().unwrap_or_default() };
    Err(err(path, format!("a {what} is not a scenario value (give a string, number, boolean, array or object)")))
}

fn toml_table(o: &JsValue, path: &str) -> Result<toml::Table, ScenarioError> {
    let mut t = toml::Table::new();
    for key in Object::keys(o.unchecked_ref::<Object>()).iter().filter_map(|k| k.as_string()) {
        let p = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
        let v = Reflect::get(o, &key.as_str().into()).unwrap_or(JsValue::UNDEFINED);
        if let Some(x) = toml_value(&v, &p)? {
            t.insert(key, x);
        }
    }
    Ok(t)
}

/// A scenario from TOML text, a preset id, or an object with the TOML's names.
pub fn scenario_from_js(input: &JsValue) -> Result<Scenario, ScenarioError> {
    if let Some(text) = input.as_string() {
        // A preset id is never valid TOML (a bare key needs `=`), so the two cannot be confused.
        if let Some(sc) = presets::load(text.trim()) {
            return Ok(sc);
        }
        return parse_scenario(&text);
    }
    if !input.is_object() || Array::is_array(input) || input.is_function() {
        return Err(err("scenario", "give a scenario object with the TOML's names, TOML text or a preset id"));
    }
    parse_scenario_table(&toml_table(input, "")?)
}

/// The run options: `{ seed }` (a number or BigInt) overrides the scenario's seed.
fn seed_option(options: &JsValue) -> Result<Option<u64>, ScenarioError> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    let v = Reflect::get(options, &"seed".into()).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    if let Some(n) = v.as_f64() {
        if n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 {
            return Ok(Some(n as u64));
        }
        return Err(err("options.seed", format!("{n} is not an unsigned integer (use a BigInt above 2^53)")));
    }
    if v.is_bigint() {
        let s = String::from(js_sys::BigInt::unchecked_from_js_ref(&v).to_string(10).unwrap_or_default());
        return s.parse::<u64>().map(Some).map_err(|_| err("options.seed", format!("{s} is not an unsigned 64-bit integer")));
    }
    Err(err("options.seed", "must be a number or a BigInt"))
}

/// The scenario of `input` with the seed of `options` applied.
fn scenario_with_seed(input: &JsValue, options: &JsValue) -> Result<Scenario, ScenarioError> {
    let mut sc = scenario_from_js(input)?;
    if let Some(seed) = seed_option(options)? {
        sc.seed = seed;
    }
    Ok(sc)
}

/// Runs a scenario to its end; returns the report of `losslab run --json`.
#[wasm_bindgen(js_name = losslabRun)]
pub fn run(scenario: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let sc = scenario_with_seed(&scenario, &options).map_err(|e| js_error(&e))?;
    let mut sim = Sim::new(&sc);
    // The report needs the ledger and the digest, not the log: streamed, as `losslab run` does,
    // so a run of 10^6 messages does not hold every event in the page's memory.
    sim.set_log_mode(rmq_sim::log::LogMode::Digest);
    sim.run();
    from_json(&Report::of(&sim).to_json())
}

/// The loss-exposure check of a `broker.conf` text; the object of `losslab check --json`
/// without `config` (there is no file path).
#[wasm_bindgen(js_name = losslabCheck)]
pub fn check(broker_conf: JsValue) -> Result<JsValue, JsValue> {
    let text = broker_conf.as_string().ok_or_else(|| js_error(&err("brokerConf", "give the broker.conf text as a string")))?;
    to_js(&check_broker_conf(&text).map_err(|e| js_error(&e))?)
}

/// One preset as the API lists it.
#[derive(Serialize)]
struct PresetInfo {
    id: &'static str,
    title: &'static str,
    claim: &'static str,
    toml: &'static str,
}

/// The presets: `[{ id, title, claim, toml }]`, in `losslab presets` order.
#[wasm_bindgen(js_name = losslabPresets)]
pub fn presets_js() -> Result<JsValue, JsValue> {
    let list: Vec<PresetInfo> =
        presets::all().iter().map(|p| PresetInfo { id: p.id, title: p.title, claim: p.claim, toml: p.source }).collect();
    to_js(&list)
}

/// One entry of the event log as `events()` yields it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventItem<'a> {
    /// Simulated time in microseconds.
    at_us: u64,
    seq: u64,
    /// The variant name, e.g. `SendAnswered`.
    kind: &'static str,
    /// The line of `losslab run --log` (what the digest hashes).
    line: String,
    /// The event's fields, as the core names them.
    data: &'a rmq_sim::EventKind,
}

/// The event log of a run, produced lazily: each `next()` runs the simulation only as far as
/// the next event, so a page that stops early does not pay for the rest.
#[wasm_bindgen]
pub struct EventCursor {
    sim: Sim,
    next: usize,
}

#[wasm_bindgen]
impl EventCursor {
    /// The next event as `{ atUs, seq, kind, line, data }`, or `undefined` after the last.
    #[wasm_bindgen(js_name = nextEvent)]
    pub fn next_event(&mut self) -> Result<JsValue, JsValue> {
        while self.next >= self.sim.events().len() {
            if self.sim.ended().is_some() || self.sim.step().is_none() {
                return Ok(JsValue::UNDEFINED);
            }
        }
        let e = &self.sim.events()[self.next];
        self.next += 1;
        let item = EventItem { at_us: e.at.0, seq: e.seq, kind: e.kind.kind_name(), line: e.to_string(), data: &e.kind };
        // Through a `serde_json::Value`, as the JSON Lines export writes events: the wasm then
        // holds one serializer of `EventKind` (~8 KB), not one per output format.
        let value = serde_json::to_value(&item).map_err(|e| js_error(&ScenarioError::new("event", None, e.to_string())))?;
        from_json(&value.to_string())
    }
}

/// Starts a run whose log is read with [`EventCursor::next_event`].
#[wasm_bindgen(js_name = losslabEvents)]
pub fn events(scenario: JsValue, options: JsValue) -> Result<EventCursor, JsValue> {
    let sc = scenario_with_seed(&scenario, &options).map_err(|e| js_error(&e))?;
    Ok(EventCursor { sim: Sim::new(&sc), next: 0 })
}

/// The settings sweep (`rmq_sim::sweep`, as `losslab sweep --json`): `grid` is an object with the
/// sweep's keys (`{ seeds: 2, faults: ['POWER_LOSS'] }`) or its TOML text. Runs every (cell, seed)
/// here, so call it with `{ worker: true }` from a page.
#[wasm_bindgen(js_name = losslabSweep)]
pub fn sweep(grid: JsValue, _options: JsValue) -> Result<JsValue, JsValue> {
    use rmq_sim::sweep::{Grid, Plan};
    let grid_err = |e: rmq_sim::sweep::GridError| js_error(&ScenarioError::new(e.field, None, e.reason));
    let grid: Grid = match grid.as_string() {
        Some(text) => Grid::from_toml(&text).map_err(grid_err)?,
        None if grid.is_object() => JSON::stringify(&grid)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| js_error(&err("grid", "cannot be read as JSON")))
            .and_then(|s| Grid::from_json(&s).map_err(grid_err))?,
        None => return Err(js_error(&err("grid", "give the sweep grid as an object or TOML text"))),
    };
    let plan = Plan::new(&grid).map_err(grid_err)?;
    from_json(&plan.aggregate(&plan.run_all()).to_json())
}
