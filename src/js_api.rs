//! The JavaScript API of the core, for documentation pages: `run`, `check`, `presets` and
//! `events` of `www/losslab.mjs` call the `#[wasm_bindgen]` functions here (declared in
//! `www/losslab.d.ts`).
//!
//! Values cross in both directions through `serde-wasm-bindgen`. Results are plain JS objects
//! with exactly the names of the `losslab … --json` output: the same `Serialize` types the runner
//! prints, given to JS by serde-wasm-bindgen's JSON-compatible serializer (`None` → `null`, maps →
//! objects), so a page's table and the command line cannot disagree on a name or a number. Seeds
//! are `Number`s up to 2^53 − 1 and `BigInt`s above ([`rmq_sim::report::serialize_seed`]): a
//! `Number` there would be rounded.
//! Errors are thrown as JS `Error`s with `field`, `line` (or `null`) and `reason` set, the
//! message reading like the runner's (`broker.flushDiskType (line 3): …`).
//!
//! A scenario is given as TOML text, as a preset id, or as a JS object with the TOML's names
//! (`{ broker: { flushDiskType: 'SYNC_FLUSH' }, fault: [{ at: '3s', kind: 'POWER_LOSS' }] }`).
//! An object is read by serde-wasm-bindgen into a TOML table ([`read_js`]) and then by the same
//! parser as a file ([`parse_scenario_table`]). On the way, `undefined` and `null` count as absent
//! (serde-wasm-bindgen's reading of both), a value TOML cannot hold (a function, a symbol) is
//! refused with its dotted path, integers arrive exact as safe `Number`s or `BigInt`s, and a
//! `Number` beyond 2^53 − 1 (already rounded by JS) is refused with a hint to write it as a
//! `BigInt`. The run options and a sweep grid object are read the same way.

use std::cell::RefCell;
use std::fmt;

use js_sys::{Array, Reflect};
use rmq_sim::exposure::{check_broker_conf_as, check_broker_conf_versions};
use rmq_sim::report::{Report, MAX_SAFE_JS_INTEGER};
use rmq_sim::scenario::parse::parse_scenario_table;
use rmq_sim::scenario::{parse_scenario, presets, RocketMqVersion, Scenario, ScenarioError};
use rmq_sim::Sim;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The JS value of `v`: plain objects for structs and maps, `null` for `None` (as in the JSON).
fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(&ScenarioError::new("result", None, e.to_string())))
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

/// Reads the JS value at dotted path `path` into a TOML value, `None` for `undefined` / `null`.
/// The first error (the innermost path) is kept in `failed`; serde's own error only unwinds.
#[derive(Clone, Copy)]
struct ReadAt<'a> {
    path: &'a str,
    failed: &'a RefCell<Option<ScenarioError>>,
}

impl ReadAt<'_> {
    fn fail<E: de::Error>(&self, reason: impl Into<String>) -> E {
        self.failed.borrow_mut().get_or_insert_with(|| err(self.path, reason));
        E::custom(self.path)
    }

    fn join(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

impl<'de> DeserializeSeed<'de> for ReadAt<'_> {
    type Value = Option<toml::Value>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self).map_err(|e| {
            // The deserializer's own refusals (a function, a symbol, a BigInt beyond 64 bits).
            let reason = if e.to_string().contains("BigInt") {
                "is a BigInt outside the 64-bit integers".to_string()
            } else {
                "is not a scenario value (give a string, number, BigInt, boolean, array or object)".to_string()
            };
            self.fail(reason)
        })
    }
}

impl<'de> Visitor<'de> for ReadAt<'_> {
    type Value = Option<toml::Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, number, BigInt, boolean, array or object")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(toml::Value::Boolean(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(toml::Value::String(v.to_string())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(toml::Value::String(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(toml::Value::Integer(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        match i64::try_from(v) {
            Ok(n) => Ok(Some(toml::Value::Integer(n))),
            // A seed above i64::MAX is a decimal string in TOML, too.
            Err(_) if self.path == "seed" || self.path.ends_with(".seed") => Ok(Some(toml::Value::String(v.to_string()))),
            Err(_) => Err(self.fail(format!("{v} is above 2^63 − 1, the largest integer this key can hold"))),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // serde-wasm-bindgen gives a safe-integer Number as an integer: an integral f64 here is
        // beyond 2^53 − 1, where JS has already rounded what was typed.
        if v.fract() == 0.0 && v.abs() > MAX_SAFE_JS_INTEGER as f64 {
            return Err(self.fail(format!(
                "{v} is a Number above 2^53 − 1, where JavaScript rounds integers: give it as a BigInt (e.g. {v:.0}n)"
            )));
        }
        Ok(Some(toml::Value::Float(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        loop {
            // Counted from 1, as the parser's messages count faults (`fault[1].at`).
            let path = format!("{}[{}]", self.path, out.len() + 1);
            let at = ReadAt { path: &path, failed: self.failed };
            match seq.next_element_seed(at)? {
                None => return Ok(Some(toml::Value::Array(out))),
                Some(Some(v)) => out.push(v),
                Some(None) => return Err(at.fail("is undefined or null; an array holds values")),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut t = toml::Table::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = self.join(&key);
            if let Some(v) = map.next_value_seed(ReadAt { path: &path, failed: self.failed })? {
                t.insert(key, v);
            }
        }
        Ok(Some(toml::Value::Table(t)))
    }
}

/// The JS value `v` as a TOML value (dotted paths from `path`), through serde-wasm-bindgen;
/// `None` for `undefined` / `null`.
fn read_js(v: &JsValue, path: &str) -> Result<Option<toml::Value>, ScenarioError> {
    let failed = RefCell::new(None);
    let read = ReadAt { path, failed: &failed }.deserialize(serde_wasm_bindgen::Deserializer::from(v.clone()));
    read.map_err(|e| failed.take().unwrap_or_else(|| err(path, e.to_string())))
}

/// The plain object `v` (not an array, not a function) as a TOML table whose paths start at its
/// keys (`broker.flushDiskType`); else the error `what` on `field`.
fn read_object(v: &JsValue, field: &str, what: &str) -> Result<toml::Table, ScenarioError> {
    if !v.is_object() || Array::is_array(v) || v.is_function() {
        return Err(err(field, what));
    }
    // The options' keys are named from `options` (`options.seed`), a scenario's and a grid's
    // from the root (`broker.flushDiskType`, `seeds`).
    let root = if field == "options" { field } else { "" };
    match read_js(v, root)? {
        Some(toml::Value::Table(t)) => Ok(t),
        _ => Err(err(field, what)),
    }
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
    let what = "give a scenario object with the TOML's names, TOML text or a preset id";
    parse_scenario_table(&read_object(input, "scenario", what)?)
}

/// The run options: `{ seed }` (a safe-integer `Number` or a `BigInt`, or a decimal string as
/// the scenario's `seed` key takes; `undefined` or `null`: the scenario's own) overrides the
/// scenario's seed.
fn seed_option(options: &JsValue) -> Result<Option<u64>, ScenarioError> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    let table = read_object(options, "options", "give the options as an object, e.g. { seed: 7 }")?;
    match table.get("seed") {
        None => Ok(None),
        Some(toml::Value::Integer(n)) if *n >= 0 => Ok(Some(*n as u64)),
        Some(toml::Value::Integer(n)) => Err(err("options.seed", format!("{n} is negative; a seed is 0 to 2^64 − 1"))),
        // A BigInt above i64::MAX, or a decimal string: what the scenario's `seed` key takes.
        Some(toml::Value::String(s)) => s
            .trim()
            .parse::<u64>()
            .map(Some)
            .map_err(|_| err("options.seed", format!("`{s}` is not an unsigned 64-bit integer"))),
        Some(toml::Value::Float(n)) => Err(err("options.seed", format!("{n} is not an integer; a seed is 0 to 2^64 − 1"))),
        Some(_) => Err(err("options.seed", "must be a Number or a BigInt")),
    }
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
pub fn run(scenario: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let sc = scenario_with_seed(&scenario, &options).map_err(|e| js_error(&e))?;
    let mut sim = Sim::new(&sc);
    // The report needs the ledger and the digest, not the log: streamed, as `losslab run` does,
    // so a run of 10^6 messages does not hold every event in the page's memory.
    sim.set_log_mode(rmq_sim::log::LogMode::Digest);
    sim.run();
    to_js(&Report::of(&sim))
}

/// `options.version` of `check()`: absent (`undefined` / `null`, or no options): 4.9.8; a string
/// (`"5.3.3"`, or several comma-separated as `--version` takes them) or an array of strings.
fn check_versions(options: &JsValue) -> Result<Vec<RocketMqVersion>, ScenarioError> {
    if options.is_undefined() || options.is_null() {
        return Ok(vec![RocketMqVersion::default()]);
    }
    let table = read_object(options, "options", "give the options as an object, e.g. { version: '5.3.3' }")?;
    let bad = |reason: String| err("options.version", reason);
    let list = match table.get("version") {
        None => return Ok(vec![RocketMqVersion::default()]),
        Some(toml::Value::String(s)) => s.clone(),
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or_else(|| bad(format!("holds a {}, not a release; give strings such as '5.3.3'", v.type_str()))))
            .collect::<Result<Vec<_>, _>>()?
            .join(","),
        Some(v) => return Err(bad(format!("is a {}, not a release; give '4.9.8', '5.3.3', … or an array of them", v.type_str()))),
    };
    RocketMqVersion::parse_list(&list).map_err(bad)
}

/// The loss-exposure check of a `broker.conf` text; the object of `losslab check --json`
/// without `config` (there is no file path). `options.version` checks it as another release
/// (`'5.3.3'`), or as several (`['4.9.8', '5.3.3']` or `'4.9.8,5.3.3'`): then
/// `{ reports, difference }`, each release's report and the acked-then-lost count per fault and
/// release, as `losslab check --version 4.9.8,5.3.3 --json` gives them.
pub fn check(broker_conf: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let text = broker_conf.as_string().ok_or_else(|| js_error(&err("brokerConf", "give the broker.conf text as a string")))?;
    let versions = check_versions(&options).map_err(|e| js_error(&e))?;
    match versions.as_slice() {
        [one] => to_js(&check_broker_conf_as(&text, *one).map_err(|e| js_error(&e))?),
        several => to_js(&check_broker_conf_versions(&text, several).map_err(|e| js_error(&e))?),
    }
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
pub fn presets_js() -> Result<JsValue, JsValue> {
    let list: Vec<PresetInfo> =
        presets::all().iter().map(|p| PresetInfo { id: p.id, title: p.title, claim: p.claim, toml: p.source() }).collect();
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
pub struct EventCursor {
    sim: Sim,
    next: usize,
}

impl EventCursor {
    /// The next event as `{ atUs, seq, kind, line, data }`, or `undefined` after the last.
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
        to_js(&value)
    }
}

/// Starts a run whose log is read with [`EventCursor::next_event`].
pub fn events(scenario: JsValue, options: JsValue) -> Result<EventCursor, JsValue> {
    let sc = scenario_with_seed(&scenario, &options).map_err(|e| js_error(&e))?;
    Ok(EventCursor { sim: Sim::new(&sc), next: 0 })
}

/// The settings sweep (`rmq_sim::sweep`, as `losslab sweep --json`): `grid` is an object with the
/// sweep's keys (`{ seeds: 2, faults: ['POWER_LOSS'] }`) or its TOML text. Runs every (cell, seed)
/// here, so call it with `{ worker: true }` from a page.
pub fn sweep(grid: JsValue, _options: JsValue) -> Result<JsValue, JsValue> {
    use rmq_sim::sweep::{Grid, Plan};
    let grid_err = |e: rmq_sim::sweep::GridError| js_error(&ScenarioError::new(e.field, None, e.reason));
    let grid: Grid = match grid.as_string() {
        Some(text) => Grid::from_toml(&text).map_err(grid_err)?,
        None => {
            let what = "give the sweep grid as an object or TOML text";
            Grid::from_table(&read_object(&grid, "grid", what).map_err(|e| js_error(&e))?).map_err(grid_err)?
        }
    };
    let plan = Plan::new(&grid).map_err(grid_err)?;
    to_js(&plan.aggregate(&plan.run_all()))
}
