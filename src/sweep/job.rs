//! The sweep's computation, exported to JavaScript: `sweep_run_count` and `sweep_run` for the
//! worker (`www/sweep-worker.mjs`), `sweep_json` for the page's own thread. Each is a thin call
//! into `rmq_sim::sweep` — the functions `losslab sweep` runs — so the worker, the page and the
//! terminal give the same numbers. The grid travels as JSON (`rmq_sim::sweep::Grid`).

use rmq_sim::sweep::{Grid, GridError, Plan};
use wasm_bindgen::prelude::*;

fn js_err(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

/// The grid's plan; a malformed grid is an error naming its key.
pub fn plan(grid_json: &str) -> Result<Plan, GridError> {
    Plan::new(&Grid::from_json(grid_json)?)
}

/// How many runs (cells × seeds) the grid holds.
pub fn sweep_run_count(grid_json: &str) -> Result<u32, JsValue> {
    Ok(plan(grid_json).map_err(js_err)?.runs())
}

/// Simulates run `index` of the grid; its `RunResult` as JSON.
pub fn sweep_run(grid_json: &str, index: u32) -> Result<String, JsValue> {
    let plan = plan(grid_json).map_err(js_err)?;
    if index >= plan.runs() {
        return Err(js_err(format!("the grid has {} runs, not {}", plan.runs(), index + 1)));
    }
    serde_json::to_string(&plan.run(index)).map_err(js_err)
}

/// The whole sweep on the calling thread: the report's JSON, as `losslab sweep --json` prints it.
pub fn sweep_json(grid_json: &str) -> Result<String, JsValue> {
    let plan = plan(grid_json).map_err(js_err)?;
    Ok(plan.aggregate(&plan.run_all()).to_json())
}
