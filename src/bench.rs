//! Browser benchmarks (`dist/bench.html`): how fast the core runs as wasm, and scenarios for the
//! rendering benchmark. Wall-clock timing is fine here — it lives in the web crate, never in
//! `sim/`, and speed goals live in benchmarks, never in tests.

use js_sys::Reflect;
use rmq_sim::log::LogMode;
use rmq_sim::scenario::presets;
use rmq_sim::{Scenario, Sim, SimDuration, SimTime};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::playback::Timeline;
use crate::share::{self, ViewOpts};

/// `preset` with `messages` messages (and, if nonzero, `interval_us` between sends), with `until`
/// long enough for every send plus a minute (as the native benchmark, `sim/benches/simulate.rs`).
pub fn bench_scenario(preset: &str, messages: u32, interval_us: u64) -> Result<Scenario, String> {
    let mut sc = presets::load(preset).ok_or_else(|| format!("there is no preset `{preset}`"))?;
    sc.producer.messages = messages;
    if interval_us > 0 {
        sc.producer.interval = SimDuration::from_us(interval_us);
    }
    let sending = SimTime(sc.producer.interval.as_us().saturating_mul(u64::from(messages)));
    sc.until = sc.until.max(sending + SimDuration::from_ms(60_000));
    Ok(sc)
}

/// Runs `sc` to its end with the log discarded (as the native benchmark's core figure):
/// (events, simulated ms).
pub fn run_core(sc: &Scenario) -> (u64, u64) {
    let mut sim = Sim::new(sc);
    sim.set_log_mode(LogMode::Discard);
    sim.run();
    (sim.events_emitted(), sim.now().as_ms())
}

/// `performance.now()` where there is one (finer than `Date.now()`), else `Date.now()`.
fn now_ms() -> f64 {
    Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .filter(|p| p.is_object())
        .and_then(|p| {
            let f = Reflect::get(&p, &"now".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
            f.call0(&p).ok()?.as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}

/// Browsers coarsen timers (to 0.1 ms or more): one timed sample runs the core at least this long.
const MIN_SAMPLE_MS: f64 = 20.0;

/// Before the first timed sample on a page, the core runs this long untimed: V8 first runs wasm
/// through its baseline compiler and optimises hot functions (the dispatcher) in the background,
/// so the first samples would time the baseline code, not the core (the native figures are the
/// best of warm runs too).
const WARM_UP_MS: f64 = 500.0;

thread_local! {
    static WARMED_UP: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs the `defaults` preset at 10^4 messages for [`WARM_UP_MS`], once per page.
fn warm_up() {
    if WARMED_UP.with(|w| w.replace(true)) {
        return;
    }
    let Ok(sc) = bench_scenario("defaults", 10_000, 0) else { return };
    let start = now_ms();
    while now_ms() - start < WARM_UP_MS {
        run_core(&sc);
    }
}

/// Runs the core on `preset` with `messages` messages `repeats` times (at least once) and returns
/// `{ events, simulatedMs, bestMs }` (`bestMs`: the best wall time of one run, in ms). Each of the
/// `repeats` samples runs the core as many times as fit in [`MIN_SAMPLE_MS`] and takes the mean.
pub fn bench_core(preset: &str, messages: u32, repeats: u32) -> Result<JsValue, JsValue> {
    let sc = bench_scenario(preset, messages, 0).map_err(|e| JsValue::from_str(&e))?;
    warm_up();
    let mut best = f64::MAX;
    let (mut events, mut sim_ms) = (0, 0);
    for _ in 0..repeats.max(1) {
        let start = now_ms();
        let mut runs = 0u32;
        let elapsed = loop {
            (events, sim_ms) = run_core(&sc);
            runs += 1;
            let e = now_ms() - start;
            if e >= MIN_SAMPLE_MS {
                break e;
            }
        };
        best = best.min(elapsed / f64::from(runs));
    }
    let o = js_sys::Object::new();
    Reflect::set(&o, &"events".into(), &JsValue::from(events as f64))?;
    Reflect::set(&o, &"simulatedMs".into(), &JsValue::from(sim_ms as f64))?;
    Reflect::set(&o, &"bestMs".into(), &JsValue::from(best))?;
    Ok(o.into())
}

/// Runs the sweep benchmark's grid (JSON, as `rmq_sim::sweep::Grid`; `seeds` overrides its seed
/// count when nonzero) on this thread, every run then the aggregate: `{ runs, ms }`.
pub fn bench_sweep(grid_json: &str, seeds: u32) -> Result<JsValue, JsValue> {
    let mut grid = rmq_sim::sweep::Grid::from_json(grid_json).map_err(|e| JsValue::from_str(&format!("{e:?}")))?;
    if seeds > 0 {
        grid.seeds = seeds;
    }
    let start = now_ms();
    let plan = rmq_sim::sweep::Plan::new(&grid).map_err(|e| JsValue::from_str(&format!("{e:?}")))?;
    let results = plan.run_all();
    let report = plan.aggregate(&results);
    let ms = now_ms() - start;
    let o = js_sys::Object::new();
    Reflect::set(&o, &"runs".into(), &JsValue::from(plan.runs()))?;
    Reflect::set(&o, &"ms".into(), &JsValue::from(ms))?;
    Reflect::set(&o, &"cells".into(), &JsValue::from(report.cells.len() as u32))?;
    Ok(o.into())
}

/// A link body (`v1.…`) for `mount_lab`'s `run` option: `preset` with `messages` messages sent
/// every `interval_us` µs over a network of `latency_ms` one-way latency (0: the preset's), with
/// the playhead at `start_ms` and playback at `speed`. A latency longer than the sending keeps
/// every message travelling, drawn as a moving token, at once; `sendMsgTimeout` is raised to
/// four latencies so that the sends are answered rather than timed out.
pub fn bench_run_link(preset: &str, messages: u32, interval_us: u32, latency_ms: u32, start_ms: u32, speed: f64) -> Result<String, JsValue> {
    let mut sc = bench_scenario(preset, messages, u64::from(interval_us)).map_err(|e| JsValue::from_str(&e))?;
    if latency_ms > 0 {
        sc.network.latency = SimDuration::from_ms(u64::from(latency_ms));
        sc.producer.send_msg_timeout = sc.producer.send_msg_timeout.max(SimDuration::from_ms(4 * u64::from(latency_ms)));
    }
    let view = ViewOpts { speed: Some(speed), ..ViewOpts::default() };
    Ok(share::encode_run(&Timeline::new(sc), SimTime::from_ms(u64::from(start_ms)), &view))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_scenario_overrides_messages_and_interval() {
        let sc = bench_scenario("defaults", 1000, 1000).unwrap();
        assert_eq!(sc.producer.messages, 1000);
        assert_eq!(sc.producer.interval, SimDuration::from_us(1000));
        assert!(bench_scenario("no-such-preset", 1, 0).is_err());
    }

    #[test]
    fn run_core_is_deterministic() {
        let sc = bench_scenario("defaults", 200, 0).unwrap();
        let a = run_core(&sc);
        assert!(a.0 > 0 && a.1 > 0);
        assert_eq!(a, run_core(&sc));
    }
}
