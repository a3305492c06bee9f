//! `losslab sweep`: the settings sweep from the command line.
//!
//! The grid comes from a TOML file (the keys of [`rmq_sim::sweep::Grid`]) and/or flags, flags
//! winning. Runs go to every core (`rayon`; `RAYON_NUM_THREADS` caps them) and the output does not
//! depend on how many: each run is a pure function of the grid and its index, and results are
//! put back in run order before they are summarised.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use rmq_sim::scenario::{BrokerRole, Client, FlushDiskType, SendMode};
use rmq_sim::sweep::{Grid, GridError, Plan};

use crate::args::{SweepOutput as Output, SWEEP_FLAGS as FLAGS};

fn names<T: Copy>(flag: &str, value: &str, all: &[T], name: fn(T) -> &'static str) -> Result<Vec<T>, String> {
    value
        .split(',')
        .map(|v| {
            let v = v.trim();
            all.iter().copied().find(|x| name(*x) == v).ok_or_else(|| {
                let known: Vec<&str> = all.iter().map(|x| name(*x)).collect();
                format!("--{flag}: `{v}` is not one of {}", known.join(", "))
            })
        })
        .collect()
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.trim().parse().map_err(|_| format!("--{flag}: `{value}` is not a non-negative integer"))
}

/// Runs the sweep of the grid `file` (if any) with the flags `set`, returns what to print and
/// whether it is JSON.
pub fn main(file: Option<&str>, output: Output, set: &[(&'static str, String)]) -> Result<(String, bool), String> {
    let mut grid = match file {
        Some(path) => {
            let text = crate::input::read_text(path, crate::input::Input::Grid)?;
            Grid::from_toml(&text).map_err(|e| format!("{path}: {e}"))?
        }
        None => Grid::default(),
    };
    for (flag, value) in set {
        apply(&mut grid, flag, value)?;
    }
    edit_workload(&mut grid, set)?;
    let plan = Plan::new(&grid).map_err(|e| name_source(&e, set, file))?;
    if let Output::Scenario(which) = &output {
        return Ok((scenario_of(&plan, which)?, false));
    }
    let results = run_parallel(&plan);
    let report = plan.aggregate(&results);
    Ok(match output {
        Output::Table => (report.to_table(), false),
        Output::Json => (report.to_json(), true),
        Output::Csv => (report.to_csv(), false),
        Output::Scenario(_) => unreachable!("answered before running"),
    })
}

/// `--scenario CELL:SEED`: the exact scenario of that run, as a file `losslab run` takes.
fn scenario_of(plan: &Plan, which: &str) -> Result<String, String> {
    let bad = || format!("--scenario: `{which}` is not CELL:SEED (a cell index of the table and one of its seeds)");
    let (cell, seed) = which.split_once(':').ok_or_else(bad)?;
    let (cell, seed): (u32, u64) = (cell.trim().parse().map_err(|_| bad())?, seed.trim().parse().map_err(|_| bad())?);
    if plan.run_index(cell, seed).is_none() {
        let last_seed = plan.grid.first_seed + plan.grid.seeds as u64 - 1;
        return Err(format!(
            "--scenario: the grid has cells 0 to {} and seeds {} to {last_seed}",
            plan.cells().len() - 1,
            plan.grid.first_seed
        ));
    }
    Ok(rmq_sim::scenario::parse::scenario_to_toml(&plan.scenario(cell, seed)))
}

fn apply(grid: &mut Grid, flag: &str, value: &str) -> Result<(), String> {
    let list = || value.split(',').map(|v| v.trim().to_string()).collect::<Vec<_>>();
    match flag {
        "preset" => grid.preset = Some(value.to_string()),
        "base" => {
            let text = crate::input::read_text(value, crate::input::Input::Scenario).map_err(|e| format!("--base: {e}"))?;
            grid.base = Some(text);
        }
        "flush-disk-type" => {
            grid.flush_disk_type =
                names(flag, value, &[FlushDiskType::AsyncFlush, FlushDiskType::SyncFlush], FlushDiskType::name)?
        }
        "broker-role" => {
            grid.broker_role = names(flag, value, &[BrokerRole::AsyncMaster, BrokerRole::SyncMaster], BrokerRole::name)?
        }
        "send-mode" => {
            grid.send_mode = names(flag, value, &[SendMode::Sync, SendMode::Async, SendMode::Oneway], SendMode::name)?
        }
        "faults" => grid.faults = list(),
        "fault-at" => grid.fault_at = Some(value.to_string()),
        "fault-jitter" => grid.fault_jitter = Some(value.to_string()),
        "fault-duration" => grid.fault_duration = Some(value.to_string()),
        "seeds" => grid.seeds = number(flag, value)?,
        "first-seed" => grid.first_seed = number(flag, value)?,
        "version" => grid.version = Some(crate::args::versions(flag, value)?),
        "client" => grid.client = Some(names(flag, value, &[Client::Remoting, Client::Grpc], Client::name)?),
        "controller-mode" => {
            grid.controller_mode = Some(
                list()
                    .iter()
                    .map(|v| match v.as_str() {
                        "true" => Ok(true),
                        "false" => Ok(false),
                        other => Err(format!("--{flag}: `{other}` is not `true` or `false` (e.g. --{flag} false,true)")),
                    })
                    .collect::<Result<_, _>>()?,
            )
        }
        "slave-count" => {
            grid.slave_count = Some(
                list()
                    .iter()
                    .map(|v| v.parse::<u32>().map_err(|_| format!("--{flag}: `{v}` is not a slave count (0, 1 or 2, e.g. --{flag} 0,1,2)")))
                    .collect::<Result<_, _>>()?,
            )
        }
        "power-losses-per-year" => grid.power_losses_per_year = Some(crate::args::rate(flag, value)?),
        "disk-failures-per-year" => grid.disk_failures_per_year = Some(crate::args::rate(flag, value)?),
        "process-crashes-per-year" => grid.process_crashes_per_year = Some(crate::args::rate(flag, value)?),
        "messages" | "interval" | "threads" => {} // edit_workload
        _ => unreachable!("flags come from FLAGS"),
    }
    Ok(())
}

/// `--messages`, `--interval`, `--threads`: the base workload with those producer settings, as
/// minimal scenario TOML in `base` (only when it differs from the default workload, as the page's
/// sweep form writes it, so the same inputs make the same grid).
fn edit_workload(grid: &mut Grid, set: &[(&str, String)]) -> Result<(), String> {
    let get = |f: &str| set.iter().rev().find(|(s, _)| *s == f).map(|(_, v)| v.as_str());
    let (messages, interval, threads) = (get("messages"), get("interval"), get("threads"));
    if messages.is_none() && interval.is_none() && threads.is_none() {
        return Ok(());
    }
    if interval.is_some() && threads.is_some() {
        return Err("--threads and --interval: give one (a closed-loop or an open-loop producer)".into());
    }
    let mut probe = grid.clone();
    probe.faults = vec!["NONE".into()];
    let mut base = Plan::new(&probe).map_err(|e| e.to_string())?.base().clone();
    if let Some(m) = messages {
        base.producer.messages = number("messages", m)?;
    }
    if let Some(i) = interval {
        base.producer.interval = rmq_sim::time::parse_duration(i).map_err(|r| format!("--interval: {r}"))?;
        base.producer.threads = None;
    }
    if let Some(t) = threads {
        let n: u32 = number("threads", t)?;
        let max = rmq_sim::scenario::limits::MAX_THREADS;
        if n == 0 || n > max {
            return Err(format!("--threads: {n} is out of range; give 1 to {max}"));
        }
        base.producer.threads = Some(n);
    }
    let p = &base.producer;
    let producer = match p.threads {
        Some(n) => format!("{n} closed-loop threads"),
        None => format!("one every {}", rmq_sim::time::format_duration(p.interval)),
    };
    base.name = format!("Sweep workload: {} messages of {} B, {producer}", p.messages, p.body_size);
    let text = rmq_sim::scenario::link::minimal_toml(&base);
    // The text must parse back to the same workload (limits such as messages apply here).
    rmq_sim::scenario::parse_scenario(&text).map_err(|e| match e.field.as_str() {
        "producer.messages" => format!("--messages: {}", e.reason),
        _ => e.to_string(),
    })?;
    let default = Plan::new(&Grid { faults: vec!["NONE".into()], ..Grid::default() }).expect("the default grid").base().clone();
    grid.base = (base != default || grid.preset.is_some() || grid.base.is_some()).then_some(text);
    grid.preset = None;
    Ok(())
}

/// An error about a grid key: named as the flag when a flag set it, else as the file's key.
fn name_source(e: &GridError, set: &[(&str, String)], file: Option<&str>) -> String {
    let key = e.field.split(':').next().unwrap_or(&e.field);
    let flag = FLAGS.iter().find(|(f, k)| *k == key && set.iter().any(|(s, _)| s == f));
    match (flag, file) {
        (Some((f, _)), _) => format!("--{f}: {}", e.reason_for_flag()),
        (None, Some(path)) => format!("{path}: {e}"),
        (None, None) => e.to_string(),
    }
}

trait ForFlag {
    fn reason_for_flag(&self) -> String;
}

impl ForFlag for GridError {
    /// `base: producer.messages: …` keeps the part after the key.
    fn reason_for_flag(&self) -> String {
        match self.field.split_once(": ") {
            Some((_, rest)) => format!("{rest}: {}", self.reason),
            None => self.reason.clone(),
        }
    }
}

/// Every run on every core, with a progress bar on a terminal; results in run order.
fn run_parallel(plan: &Plan) -> Vec<rmq_sim::sweep::RunResult> {
    let runs = plan.runs();
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new(runs as u64) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {elapsed_precise} elapsed, {eta} left")
            .expect("a valid template"),
    );
    let results: Vec<_> = (0..runs)
        .into_par_iter()
        .map(|i| {
            let r = plan.run(i);
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();
    results
}
