//! The settings sweep: the same workload under every combination of `flushDiskType` ×
//! `brokerRole` × send mode × fault, over N seeds, reduced to what each configuration loses and
//! what it costs.
//!
//! # API (shared by `losslab sweep` and the browser's worker, so both give identical numbers)
//!
//! ```
//! use rmq_sim::sweep::{Grid, Plan};
//! let grid: Grid = serde_json::from_str(r#"{"seeds": 2, "faults": ["POWER_LOSS"]}"#).unwrap();
//! let plan = Plan::new(&grid).unwrap();            // Err(GridError { field, reason }) when malformed
//! let results: Vec<_> = (0..plan.runs()).map(|i| plan.run(i)).collect(); // any order, any thread
//! let report = plan.aggregate(&results);          // per-configuration spread, frontiers, book mark
//! assert_eq!(report.cells.len(), plan.cells().len());
//! ```
//!
//! - [`Grid`] (serde, camelCase, unknown keys refused): the inputs. Every field is optional; the
//!   JSON/TOML keys are `base` (scenario TOML) or `preset` (a preset id), `flushDiskType`,
//!   `brokerRole`, `sendMode` (lists of RocketMQ names), `faults` (list of `"NONE"`, `"BASE"`,
//!   `"KIND"` or `"KIND@target"`), `faultAt`, `faultJitter`, `faultDuration` (durations like
//!   `"500ms"`), `seeds` (how many), `firstSeed`.
//! - [`Plan::new`] checks the grid and its size (at most [`MAX_RUNS`] runs, …); errors name the
//!   key. [`Plan::cells`] lists the configurations × faults in a fixed order; run `i` is cell
//!   `i / seeds`, seed `firstSeed + i % seeds` ([`Plan::run_at`]).
//! - [`Plan::run`]`(i)` simulates one (cell, seed) and returns a [`RunResult`]: lost-after-ack
//!   count and rate, latency p50/p99, send TPS and the run's event-log digest. It depends only on
//!   the grid and `i`, never on which runs ran before or on which thread.
//! - [`Plan::scenario`]`(cell, seed)` is the exact scenario of a run (open it in the animated view;
//!   its digest equals the `RunResult`'s).
//! - [`Plan::aggregate`] turns results (any order, a subset after a cancel) into a
//!   [`SweepReport`]: per cell min/mean/max over seeds, the book's recommendation
//!   (`ASYNC_FLUSH` + `SYNC_MASTER`) marked, and the Pareto frontiers among cells of the same fault:
//!   no other configuration has both a lower-or-equal lost-after-ack rate and a lower-or-equal p99
//!   latency (`frontierLatency`), or a higher-or-equal send TPS (`frontierTps`), one of them strictly.
//!   Each cell also carries `healthy`: its configuration's cost in the `NONE` cell (when the grid
//!   has `NONE`), since under a fault the latency is mostly the outage's.
//! - All figures are integers with their unit in the name (`…Us` µs, `…Ppm` parts per million,
//!   `…MilliTps` thousandths of a message per second), so JSON round-trips exactly and native and
//!   wasm agree; [`SweepReport::to_table`] / [`SweepReport::to_csv`] convert for people.
//! - [`benchmark`]: RocketMQ's benchmark producer against one broker configuration (what
//!   `losslab check` prints as the configuration's cost).

mod aggregate;
pub mod benchmark;
mod grid;
mod output;
mod run;

pub use aggregate::{CellSummary, HealthyCost, Spread, SweepReport, SyncMasterLoss, SyncMasterLossRule};
pub use grid::{Cell, FaultChoice, Grid, GridError, Plan, DEFAULT_BASE, MAX_MESSAGES, MAX_RUNS, MAX_SEEDS};
pub use run::RunResult;
