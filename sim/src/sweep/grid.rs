//! The sweep's inputs ([`Grid`]), checked and expanded into a [`Plan`] of cells × seeds.

use crate::fault_rates::{FaultRates, PerYear};
use crate::rng::{SimRng, Stream};
use crate::rocketmq_version::RocketMqVersion;
use crate::scenario::{parse_scenario, presets, BrokerRole, Client, Fault, FaultKind, FaultTarget, FlushDiskType, Scenario, SendMode};
use crate::time::{parse_duration, SimDuration, SimTime};

/// How long a fault other than `DISK_LOST` lasts when the grid does not say.
pub const DEFAULT_FAULT_DURATION: SimDuration = SimDuration::from_secs(30);

/// Most runs (cells × seeds) one sweep may have.
pub const MAX_RUNS: u32 = 5_000;
/// Most seeds per cell.
pub const MAX_SEEDS: u32 = 1_000;
/// Most messages the base workload may send in a sweep (each run sends them all).
pub const MAX_MESSAGES: u32 = 20_000;
/// Most messages summed over all runs: bounds the work of a sweep.
pub const MAX_TOTAL_MESSAGES: u64 = 5_000_000;

/// The workload a grid uses when it names none: 1,000 messages of 1 KiB, one every 2 ms, over a
/// 1 Gbit/s link, a slave attached, the consumer coming online after a minute (so what a fault
/// destroys was not consumed before it).
pub const DEFAULT_BASE: &str = r#"name = "Sweep workload: 1000 messages of 1 KiB, one every 2 ms, consumer from 1 min"
until = "30m"

[consumer]
startAt = "1m"

[slave]
enabled = true

[network]
producerBytesPerMs = 125000

[producer]
messages = 1000
interval = "2ms"
"#;

/// The inputs of a sweep. Absent fields take the defaults below.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Grid {
    /// The workload as scenario TOML (default [`DEFAULT_BASE`]). Each cell overrides its
    /// `flushDiskType`, `brokerRole`, `sendMode` and faults, and enables the slave.
    pub base: Option<String>,
    /// Or a preset's id as the workload.
    pub preset: Option<String>,
    /// Default both.
    pub flush_disk_type: Vec<FlushDiskType>,
    /// Default both.
    pub broker_role: Vec<BrokerRole>,
    /// Default `["SYNC"]`.
    pub send_mode: Vec<SendMode>,
    /// Default `["NONE", "POWER_LOSS", "DISK_LOST"]`: `NONE`, `BASE` (the workload's own faults), a fault
    /// kind (on its first target), or `KIND@target`.
    pub faults: Vec<String>,
    /// When the fault strikes; default a quarter into the open-loop sending span (required for a
    /// closed-loop workload).
    pub fault_at: Option<String>,
    /// Each seed moves the fault by a seeded offset in `0..faultJitter`; default half the
    /// open-loop sending span (0 for a closed-loop workload).
    pub fault_jitter: Option<String>,
    /// How long the fault lasts (downtime before a restart, stall, partition). Default per kind:
    /// `DISK_LOST` until the end of the run (the machine does not come back; consumers read the
    /// slave), every other kind 30 s (a crashed or powered-off broker restarts).
    pub fault_duration: Option<String>,
    /// Seeds per cell, default 5.
    pub seeds: u32,
    /// First seed, default 1: seeds are `firstSeed`, `firstSeed + 1`, …
    #[serde(serialize_with = "crate::report::serialize_seed")]
    pub first_seed: u64,
    /// RocketMQ releases as a grid axis (`["4.9.8", "5.3.3"]`): every cell once per release.
    /// Absent: no axis, every cell runs the workload's own `version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<Vec<RocketMqVersion>>,
    /// Controller mode as a grid axis (`[false, true]`; RocketMQ 5.3.3 only, spec 5 §4): each
    /// cell's `[broker] enableControllerMode`. A controller-mode cell runs one `brokerRole` (the
    /// election decides the role) and every broker on its `flushDiskType`. Absent: no axis, the
    /// workload's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controller_mode: Option<Vec<bool>>,
    /// The group's slave count as a grid axis (`[0, 1, 2]`): a lone master, a master and a slave,
    /// a three-replica group (`[slave] count`). Absent: no axis, one slave (or the workload's two).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slave_count: Option<Vec<u32>>,
    /// The producer's client library as a grid axis (`["remoting", "grpc"]`, `grpc` needs 5.3.3):
    /// every cell once per client. Absent: no axis, every cell keeps the workload's own client.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<Vec<Client>>,
    /// Power losses per machine and year, for the expected loss per year (default: see
    /// [`crate::fault_rates`], with its source).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power_losses_per_year: Option<PerYear>,
    /// Disk failures per machine and year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_failures_per_year: Option<PerYear>,
    /// Broker process crashes per machine and year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process_crashes_per_year: Option<PerYear>,
}

impl Default for Grid {
    fn default() -> Self {
        Grid {
            base: None,
            preset: None,
            flush_disk_type: vec![FlushDiskType::AsyncFlush, FlushDiskType::SyncFlush],
            broker_role: vec![BrokerRole::AsyncMaster, BrokerRole::SyncMaster],
            send_mode: vec![SendMode::Sync],
            faults: vec!["NONE".into(), "POWER_LOSS".into(), "DISK_LOST".into()],
            fault_at: None,
            fault_jitter: None,
            fault_duration: None,
            seeds: 5,
            first_seed: 1,
            version: None,
            controller_mode: None,
            slave_count: None,
            client: None,
            power_losses_per_year: None,
            disk_failures_per_year: None,
            process_crashes_per_year: None,
        }
    }
}

impl Grid {
    /// The fault rates the grid gives, defaults for the others.
    pub fn fault_rates(&self) -> FaultRates {
        FaultRates {
            power_loss: self.power_losses_per_year,
            disk_lost: self.disk_failures_per_year,
            process_crash: self.process_crashes_per_year,
        }
    }

    /// Reads a grid from TOML (the same keys as the JSON form). An error names the key of the
    /// offending line (and the line), or the unknown key.
    ///
    /// The text is parsed into a plain table (as scenarios are) and then read by the JSON reader:
    /// deserializing `Grid` straight from TOML compiled one TOML deserializer per field type into
    /// the wasm (~30 KB before wasm-opt), the JSON reader is there anyway for the worker.
    pub fn from_toml(text: &str) -> Result<Grid, GridError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim().to_string();
            let line = e.span().map(|sp| line_of(sp.start));
            let key = line
                .and_then(|l| text.lines().nth(l - 1))
                .and_then(|l| l.split_once('='))
                .map(|(k, _)| k.trim().trim_matches('"').to_string())
                .filter(|k| !k.is_empty() && !k.contains(' '));
            match (key, line) {
                (Some(k), Some(l)) => GridError::new(k, format!("line {l}: {msg}")),
                (None, Some(l)) => GridError::new("grid", format!("line {l}: {msg}")),
                _ => GridError::new("grid", msg),
            }
        })?;
        Grid::from_table(&table).map_err(|e| {
            // Say the TOML line of the key.
            let reason = e.reason;
            let field = e.field;
            let line = text.lines().position(|l| {
                let l = l.trim_start().trim_start_matches('"');
                l.strip_prefix(field.as_str()).is_some_and(|rest| rest.trim_start_matches('"').trim_start().starts_with('='))
            });
            match line {
                Some(i) => GridError::new(field, format!("line {}: {reason}", i + 1)),
                None => GridError::new(field, reason),
            }
        })
    }

    /// Reads a grid from a table of its keys: a TOML file's, or a JS object's (the JS API reads
    /// one through serde-wasm-bindgen). An error names the key.
    pub fn from_table(table: &toml::Table) -> Result<Grid, GridError> {
        let json = serde_json::to_string(table).map_err(|e| GridError::new("grid", e.to_string()))?;
        Grid::from_json(&json).map_err(|e| {
            // The JSON reader's position is in a JSON text the user never saw: leave it out.
            let reason = e.reason.rfind(" at line ").map_or(&e.reason[..], |i| &e.reason[..i]).to_string();
            GridError::new(e.field, reason)
        })
    }

    /// Reads a grid from JSON (what the browser's worker receives).
    pub fn from_json(text: &str) -> Result<Grid, GridError> {
        serde_json::from_str(text).map_err(|e| {
            let msg = e.to_string();
            // serde names an unknown key in backticks; a wrong value is found by its column.
            let unknown = msg.strip_prefix("unknown field `").and_then(|r| r.split('`').next());
            let key = unknown.map(str::to_string).or_else(|| key_before(text, e.line(), e.column()));
            GridError::new(key.unwrap_or_else(|| "grid".into()), msg)
        })
    }
}

/// The last `"key":` before (line, column) of a JSON text, if any.
fn key_before(text: &str, line: usize, column: usize) -> Option<String> {
    let offset: usize = text.lines().take(line.saturating_sub(1)).map(|l| l.len() + 1).sum::<usize>() + column;
    let before = &text[..offset.min(text.len())];
    let colon = before.rfind("\":")?;
    let start = before[..colon].rfind('"')? + 1;
    Some(before[start..colon].to_string()).filter(|k| !k.is_empty())
}

/// A malformed or oversized grid: the key at fault and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct GridError {
    pub field: String,
    pub reason: String,
}

impl GridError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        GridError { field: field.into(), reason: reason.into() }
    }
}

impl std::fmt::Display for GridError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for GridError {}

/// One entry of `faults`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FaultChoice {
    /// No fault: the cost of a configuration on a healthy group.
    None,
    /// The workload's own `[[fault]]`s.
    Base,
    /// One fault of this kind on this target.
    One(FaultKind, FaultTarget),
}

impl FaultChoice {
    /// Parses `NONE`, `BASE`, `KIND` or `KIND@target`.
    pub fn parse(text: &str) -> Result<FaultChoice, String> {
        let t = text.trim();
        match t {
            "NONE" => return Ok(FaultChoice::None),
            "BASE" => return Ok(FaultChoice::Base),
            _ => {}
        }
        let (kind, target) = match t.split_once('@') {
            Some((k, tg)) => (k, Some(tg)),
            None => (t, None),
        };
        let kinds: Vec<&str> = FaultKind::ALL.iter().map(|k| k.name()).collect();
        let kind = FaultKind::ALL.iter().copied().find(|k| k.name() == kind).ok_or_else(|| {
            format!("`{kind}` is not NONE, BASE or a fault kind ({})", kinds.join(", "))
        })?;
        if kind == FaultKind::SlaveUp {
            return Err("SLAVE_UP alone is no fault; use SLAVE_DOWN (it lasts faultDuration)".into());
        }
        let allowed = kind.targets();
        let target = match target {
            None => allowed[0],
            Some(tg) => *allowed.iter().find(|a| a.name() == tg).ok_or_else(|| {
                let names: Vec<&str> = allowed.iter().map(|a| a.name()).collect();
                format!("{} cannot target `{tg}`; it takes {}", kind.name(), names.join(" or "))
            })?,
        };
        Ok(FaultChoice::One(kind, target))
    }

    /// The label used in tables and reports: `NONE`, `BASE`, `POWER_LOSS@master`, …
    pub fn label(self) -> String {
        match self {
            FaultChoice::None => "NONE".into(),
            FaultChoice::Base => "BASE".into(),
            FaultChoice::One(k, t) => format!("{}@{}", k.name(), t.name()),
        }
    }
}

/// One configuration under one fault: a mark on the chart, a row of the table.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    pub index: u32,
    /// The release the cell runs, when the grid has a `version` axis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<RocketMqVersion>,
    /// The producer's client, when the grid has a `client` axis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<Client>,
    pub flush_disk_type: FlushDiskType,
    pub broker_role: BrokerRole,
    pub send_mode: SendMode,
    /// The cell's `enableControllerMode`, when the grid has a `controllerMode` axis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller_mode: Option<bool>,
    /// The cell's slave count, when the grid has a `slaveCount` axis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slave_count: Option<u32>,
    /// [`FaultChoice::label`].
    pub fault: String,
}

impl Cell {
    /// The book's recommendation: `ASYNC_FLUSH` + `SYNC_MASTER` (master/slave).
    pub fn is_recommended(&self) -> bool {
        self.flush_disk_type == FlushDiskType::AsyncFlush
            && self.broker_role == BrokerRole::SyncMaster
            && self.controller_mode != Some(true)
    }

    /// `ASYNC_FLUSH + SYNC_MASTER + SYNC`, after the release on a `version` axis (`5.3.3 ASYNC_FLUSH + …`);
    /// on a `controllerMode` axis a controller-mode cell says `controller mode` instead of its
    /// role, and on a `slaveCount` axis the slaves come last (`+ 2 slaves`).
    pub fn config_label(&self) -> String {
        let version = self.version.map(|v| format!("{v} ")).unwrap_or_default();
        let role = if self.controller_mode == Some(true) { "controller mode" } else { self.broker_role.name() };
        let slaves = match self.slave_count {
            None => "",
            Some(0) => " + no slave",
            Some(1) => " + 1 slave",
            Some(_) => " + 2 slaves",
        };
        let client = self.client.map(|c| format!(" ({})", c.name())).unwrap_or_default();
        format!("{version}{} + {role} + {}{client}{slaves}", self.flush_disk_type.name(), self.send_mode.name())
    }
}

/// A checked grid, expanded: the cells, the seeds and the base scenario.
#[derive(Clone, Debug)]
pub struct Plan {
    pub grid: Grid,
    base: Scenario,
    cells: Vec<Cell>,
    /// Each cell's fault, by cell index.
    choices: Vec<FaultChoice>,
    fault_at: SimTime,
    fault_jitter: SimDuration,
    fault_duration: Option<SimDuration>,
}

fn no_duplicates<T: PartialEq + std::fmt::Debug>(field: &str, values: &[T]) -> Result<(), GridError> {
    if values.is_empty() {
        return Err(GridError::new(field, "the list is empty; give at least one value"));
    }
    for (i, v) in values.iter().enumerate() {
        if values[..i].contains(v) {
            return Err(GridError::new(field, format!("{v:?} is listed twice")));
        }
    }
    Ok(())
}

fn duration(field: &str, text: &Option<String>) -> Result<Option<SimDuration>, GridError> {
    text.as_deref().map(|t| parse_duration(t).map_err(|r| GridError::new(field, r))).transpose()
}

/// A `controllerMode` axis with `true` needs RocketMQ 5.3.3 in every cell and a workload whose
/// broker settings controller mode takes (errors name `controllerMode`).
fn check_controller_axis(grid: &Grid, base: &Scenario, versions: &[Option<RocketMqVersion>]) -> Result<(), GridError> {
    let from_base = grid.controller_mode.is_none() && base.controller_mode();
    if !from_base && !grid.controller_mode.as_ref().is_some_and(|m| m.contains(&true)) {
        return Ok(());
    }
    for v in versions.iter().map(|v| v.unwrap_or(base.version)) {
        if let Some(why) = v.rules().absent_key("broker.enableControllerMode") {
            return Err(if from_base {
                GridError::new("version", format!("{v} has no controller mode ({why}), and the workload runs in controller mode; drop {v}"))
            } else {
                GridError::new(
                    "controllerMode",
                    format!("true needs RocketMQ 5.3.3, but cells run {v}, which has no controller mode ({why}); give version = [\"5.3.3\"] (or a 5.3.3 workload) or drop true"),
                )
            });
        }
    }
    let b = &base.broker;
    for (on, key) in [(b.enable_slave_acting_master, "enableSlaveActingMaster"), (b.transient_store_pool_enable, "transientStorePoolEnable")] {
        if on {
            return Err(GridError::new(
                "controllerMode",
                format!("true cannot run this workload: its [broker] {key} = true is not modelled in controller mode; turn it off in the base"),
            ));
        }
    }
    Ok(())
}

impl Plan {
    /// Checks `grid` (every error names its key) and expands it.
    pub fn new(grid: &Grid) -> Result<Plan, GridError> {
        let base = match (&grid.base, &grid.preset) {
            (Some(_), Some(_)) => return Err(GridError::new("preset", "give `base` or `preset`, not both")),
            (None, Some(id)) => presets::load(id)
                .ok_or_else(|| GridError::new("preset", format!("unknown preset `{id}` (see `losslab presets`)")))?,
            (Some(text), None) => parse_scenario(text).map_err(|e| {
                let at = e.line.map(|l| format!("line {l}: ")).unwrap_or_default();
                GridError::new(format!("base: {}", e.field), format!("{at}{}", e.reason))
            })?,
            (None, None) => parse_scenario(DEFAULT_BASE).expect("the default sweep workload parses"),
        };
        no_duplicates("flushDiskType", &grid.flush_disk_type)?;
        no_duplicates("brokerRole", &grid.broker_role)?;
        no_duplicates("sendMode", &grid.send_mode)?;
        if let Some(versions) = &grid.version {
            no_duplicates("version", &versions.iter().map(|v| v.name()).collect::<Vec<_>>())?;
        }
        let versions: Vec<Option<RocketMqVersion>> = match &grid.version {
            Some(list) => list.iter().copied().map(Some).collect(),
            None => vec![None],
        };
        let clients: Vec<Option<Client>> = match &grid.client {
            Some(list) => {
                no_duplicates("client", &list.iter().map(|c| c.name()).collect::<Vec<_>>())?;
                list.iter().copied().map(Some).collect()
            }
            None => vec![None],
        };
        if clients.contains(&Some(Client::Grpc)) {
            let release = |v: &Option<RocketMqVersion>| v.unwrap_or(base.version);
            if let Some(v) = versions.iter().map(release).find(|v| !v.rules().grpc_clients) {
                return Err(GridError::new(
                    "client",
                    format!("`grpc` (the 5.x gRPC producer through the proxy) needs version 5.3.3, and a cell runs {v}: set version = [\"5.3.3\"] or drop `grpc`"),
                ));
            }
            if grid.send_mode.contains(&SendMode::Oneway) {
                return Err(GridError::new("client", "`grpc` has no ONEWAY send: drop ONEWAY from sendMode or `grpc` from client"));
            }
        }
        let choices =
            grid.faults.iter().map(|f| FaultChoice::parse(f).map_err(|r| GridError::new("faults", r))).collect::<Result<Vec<_>, _>>()?;
        no_duplicates("faults", &choices)?;
        let modes: Vec<Option<bool>> = match &grid.controller_mode {
            Some(list) => {
                no_duplicates("controllerMode", list)?;
                list.iter().copied().map(Some).collect()
            }
            None => vec![None],
        };
        let slave_counts: Vec<Option<u32>> = match &grid.slave_count {
            Some(list) => {
                no_duplicates("slaveCount", list)?;
                if let Some(n) = list.iter().find(|n| **n > crate::scenario::parse::MAX_SLAVES) {
                    return Err(GridError::new(
                        "slaveCount",
                        format!("{n} is out of range; a broker group in the lab has 0, 1 or 2 slaves (a master and at most two slaves)"),
                    ));
                }
                list.iter().copied().map(Some).collect()
            }
            None => vec![None],
        };
        check_controller_axis(grid, &base, &versions)?;
        // Every cell can take its fault: the slaves and the controller it hits exist there. The
        // sweep turns the slave on; without a `slaveCount` axis a second one comes from the base.
        let mut targets: Vec<(String, FaultTarget)> =
            choices.iter().filter_map(|c| if let FaultChoice::One(_, t) = c { Some((c.label(), *t)) } else { None }).collect();
        if choices.contains(&FaultChoice::Base) {
            targets.extend(base.faults.iter().map(|f| (format!("BASE ({}@{})", f.kind.name(), f.target.name()), f.target)));
        }
        let fewest_slaves = slave_counts.iter().map(|n| n.unwrap_or(base.slave.count)).min().unwrap_or(1);
        let any_without_controller = modes.iter().any(|m| !m.unwrap_or(base.controller_mode()));
        for (label, target) in &targets {
            let (needs, field) = match target {
                FaultTarget::Slave if fewest_slaves < 1 => ("a slave, and slaveCount has 0", "slaveCount"),
                FaultTarget::Slave2 if fewest_slaves < 2 && grid.slave_count.is_some() => {
                    ("a second slave, and slaveCount has fewer than 2", "slaveCount")
                }
                FaultTarget::Slave2 if fewest_slaves < 2 => ("a base with two slaves ([slave] count = 2) or slaveCount = [2]", "faults"),
                FaultTarget::Controller if any_without_controller && grid.controller_mode.is_some() => {
                    ("controller mode, and controllerMode has false", "controllerMode")
                }
                FaultTarget::Controller if any_without_controller => {
                    ("a base in controller mode ([broker] enableControllerMode = true) or controllerMode = [true]", "faults")
                }
                _ => continue,
            };
            return Err(GridError::new(field, format!("{label} needs {needs}: every cell must be able to take its fault; drop the value or the fault")));
        }
        if grid.seeds == 0 || grid.seeds > MAX_SEEDS {
            return Err(GridError::new("seeds", format!("{} is out of range; give 1 to {MAX_SEEDS}", grid.seeds)));
        }
        if grid.first_seed.checked_add(grid.seeds as u64).is_none() {
            return Err(GridError::new("firstSeed", "firstSeed + seeds overflows a 64-bit seed"));
        }
        let messages = base.producer.messages;
        if messages > MAX_MESSAGES {
            return Err(GridError::new(
                "base: producer.messages",
                format!("{messages} messages per run is more than a sweep's {MAX_MESSAGES}"),
            ));
        }
        // A controller-mode cell runs one brokerRole (the election decides the role).
        let roles_per_mode: usize =
            modes.iter().map(|m| if m.unwrap_or(false) { 1 } else { grid.broker_role.len() }).sum();
        let configs = versions.len()
            * clients.len()
            * grid.flush_disk_type.len()
            * roles_per_mode
            * grid.send_mode.len()
            * slave_counts.len();
        let cells = configs * choices.len();
        let runs = cells as u64 * grid.seeds as u64;
        if runs > MAX_RUNS as u64 {
            return Err(GridError::new(
                "seeds",
                format!(
                    "{cells} cells ({} version × {} client × {} flushDiskType × {} brokerRole{} × {} sendMode{} × {} faults) × {} seeds = {runs} runs, more than {MAX_RUNS}; lower seeds or drop values",
                    versions.len(), clients.len(), grid.flush_disk_type.len(), grid.broker_role.len(),
                    if grid.controller_mode.is_some() { format!(" (per controllerMode: {roles_per_mode} in all)") } else { String::new() },
                    grid.send_mode.len(),
                    if grid.slave_count.is_some() { format!(" × {} slaveCount", slave_counts.len()) } else { String::new() },
                    choices.len(), grid.seeds
                ),
            ));
        }
        if runs * messages as u64 > MAX_TOTAL_MESSAGES {
            return Err(GridError::new(
                "seeds",
                format!("{runs} runs × {messages} messages = {} messages, more than {MAX_TOTAL_MESSAGES}; lower seeds or the workload's messages", runs * messages as u64),
            ));
        }
        let closed_loop = base.producer.threads.is_some();
        let span = SimDuration(base.producer.interval.as_us().saturating_mul(messages as u64));
        let needs_time = choices.iter().any(|c| matches!(c, FaultChoice::One(..)));
        let fault_at = match duration("faultAt", &grid.fault_at)? {
            Some(d) => SimTime(d.as_us()),
            None if closed_loop && needs_time => {
                return Err(GridError::new("faultAt", "a closed-loop workload (producer.threads) has no sending span to place the fault in; give faultAt"))
            }
            None => SimTime(span.as_us() / 4),
        };
        let fault_jitter = match duration("faultJitter", &grid.fault_jitter)? {
            Some(d) => d,
            None if closed_loop => SimDuration::ZERO,
            None => SimDuration(span.as_us() / 2),
        };
        let fault_duration = duration("faultDuration", &grid.fault_duration)?;
        if fault_duration == Some(SimDuration::ZERO) {
            // A scenario refuses a zero `duration`, so `--scenario CELL:SEED` would print a file
            // `losslab run` refuses.
            return Err(GridError::new(
                "faultDuration",
                "must be greater than zero (it is each fault's `duration`); leave it out for the default per kind",
            ));
        }
        if needs_time && fault_at + fault_jitter >= base.until {
            return Err(GridError::new(
                "faultAt",
                format!("faultAt + faultJitter ({}) is not before the workload's until ({})", fault_at + fault_jitter, base.until),
            ));
        }
        let mut out = Vec::with_capacity(cells);
        let mut cell_choices = Vec::with_capacity(cells);
        for (&version, &client) in versions.iter().flat_map(|v| clients.iter().map(move |c| (v, c))) {
            for &controller_mode in &modes {
                for &flush_disk_type in &grid.flush_disk_type {
                    let roles = if controller_mode == Some(true) { &grid.broker_role[..1] } else { &grid.broker_role[..] };
                    for &broker_role in roles {
                        for &send_mode in &grid.send_mode {
                            for &slave_count in &slave_counts {
                                for &choice in &choices {
                                    out.push(Cell {
                                        index: out.len() as u32,
                                        version,
                                        client,
                                        flush_disk_type,
                                        broker_role,
                                        send_mode,
                                        controller_mode,
                                        slave_count,
                                        fault: choice.label(),
                                    });
                                    cell_choices.push(choice);
                                }
                            }
                        }
                    }
                }
            }
        }
        Ok(Plan { grid: grid.clone(), base, cells: out, choices: cell_choices, fault_at, fault_jitter, fault_duration })
    }

    /// Cell `index`'s fault.
    pub fn choice(&self, index: u32) -> FaultChoice {
        self.choices[index as usize]
    }

    /// The cells, in index order.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The workload every cell starts from.
    pub fn base(&self) -> &Scenario {
        &self.base
    }

    /// Number of runs: cells × seeds.
    pub fn runs(&self) -> u32 {
        self.cells.len() as u32 * self.grid.seeds
    }

    /// Run `i`'s (cell index, seed).
    pub fn run_at(&self, i: u32) -> (u32, u64) {
        (i / self.grid.seeds, self.grid.first_seed + (i % self.grid.seeds) as u64)
    }

    /// The run index of (cell, seed), if the plan has it.
    pub fn run_index(&self, cell: u32, seed: u64) -> Option<u32> {
        let k = seed.checked_sub(self.grid.first_seed)?;
        (cell < self.cells.len() as u32 && k < self.grid.seeds as u64).then(|| cell * self.grid.seeds + k as u32)
    }

    /// When the fault of a run with `seed` strikes: `faultAt` plus a seeded offset below `faultJitter`.
    pub fn fault_time(&self, seed: u64) -> SimTime {
        let j = self.fault_jitter.as_us();
        let offset = if j == 0 { 0 } else { SimRng::stream(seed, Stream::Faults).below(j) };
        self.fault_at + SimDuration(offset)
    }

    /// The exact scenario of (cell, seed).
    pub fn scenario(&self, cell: u32, seed: u64) -> Scenario {
        let c = &self.cells[cell as usize];
        let mut sc = self.base.clone();
        sc.seed = seed;
        if let Some(v) = c.version {
            sc.version = v;
        }
        if let Some(client) = c.client {
            sc.producer.client = client;
        }
        sc.broker.flush_disk_type = c.flush_disk_type;
        sc.broker.broker_role = c.broker_role;
        sc.producer.send_mode = c.send_mode;
        if let Some(on) = c.controller_mode {
            sc.broker.enable_controller_mode = on;
        }
        match c.slave_count {
            Some(0) => sc.slave.enabled = false,
            Some(n) => {
                sc.slave.enabled = true;
                sc.slave.count = n;
            }
            None => sc.slave.enabled = true,
        }
        if sc.broker.enable_controller_mode {
            // Any broker may be elected: every one runs the cell's flushDiskType.
            sc.slave.flush_disk_type = sc.broker.flush_disk_type;
        }
        sc.faults = match self.choices[cell as usize] {
            FaultChoice::None => Vec::new(),
            FaultChoice::Base => self.base.faults.clone(),
            FaultChoice::One(kind, target) => vec![Fault {
                at: self.fault_time(seed),
                kind,
                target,
                duration: match (self.fault_duration, kind) {
                    (Some(d), _) => Some(d),
                    (None, FaultKind::DiskLost) => None,
                    (None, _) => Some(DEFAULT_FAULT_DURATION),
                },
                factor: 10,
            }],
        };
        sc.name = format!("{} · {} · {}", self.base.name, c.config_label(), c.fault);
        sc
    }
}
