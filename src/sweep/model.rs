//! The worker's results gathered as they arrive: each run's `RunResult` by index, summarised by
//! `rmq_sim::sweep::Plan::aggregate` (the CLI's own function) into the chart's [`Mark`]s and the
//! table's [`Row`]s, one fault at a time. While the sweep runs, only configurations with all their
//! seeds in are shown (a mark never moves once drawn); after a cancel, whatever arrived.

use rmq_sim::sweep::{CellSummary, Grid, GridError, Plan, RunResult, SweepReport};
use rmq_sim::scenario::RocketMqVersion;
use rmq_sim::Scenario;

use super::chart::{Mark, Spread};
use crate::i18n::{t, Key, Lang};

/// A fault label of the grid (`NONE`, `POWER_LOSS@master`, …) as the page shows it.
pub fn fault_label(lang: Lang, label: &str) -> String {
    match label {
        "NONE" => t(lang, Key::SweepNoFault).to_string(),
        l => l.strip_suffix("@master").unwrap_or(l).to_string(),
    }
}

/// A configuration's table row (beside its [`Mark`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The cell (configuration × fault) in the grid.
    pub cell: u32,
    pub p50_ms: Spread,
    /// Seeds that lost an acknowledged message, in order.
    pub failing_seeds: Vec<u64>,
    /// Runs in (fewer than the seeds after a cancel).
    pub runs: u32,
}

impl Row {
    /// The seed a click opens: the first failing one, else the grid's first seed.
    pub fn open_seed(&self, first_seed: u64) -> u64 {
        self.failing_seeds.first().copied().unwrap_or(first_seed)
    }
}

/// `ASYNC_FLUSH + SYNC_MASTER + SYNC`: the cell's settings without its release (on a `version`
/// axis the chart and table show the release apart, as a swatch and a column).
fn settings_label(c: &CellSummary) -> String {
    let c = &c.cell;
    format!("{} + {} + {}", c.flush_disk_type.name(), c.broker_role.name(), c.send_mode.name())
}

fn ms(s: rmq_sim::sweep::Spread) -> Spread {
    Spread { mean: s.mean as f64 / 1000.0, min: s.min as f64 / 1000.0, max: s.max as f64 / 1000.0 }
}

fn pct(s: rmq_sim::sweep::Spread) -> Spread {
    Spread { mean: s.mean as f64 / 10_000.0, min: s.min as f64 / 10_000.0, max: s.max as f64 / 10_000.0 }
}

/// A sweep in progress (or finished, or cancelled).
#[derive(Debug)]
pub struct Progressive {
    plan: Plan,
    grid_json: String,
    results: Vec<Option<RunResult>>,
    report: SweepReport,
    /// Whether every run is in or the sweep stopped: then partial cells are summarised too.
    closed: bool,
}

impl Progressive {
    pub fn new(grid: &Grid) -> Result<Progressive, GridError> {
        let plan = Plan::new(grid)?;
        let grid_json = serde_json::to_string(grid).expect("a grid always serialises");
        let report = plan.aggregate(&[]);
        let results = vec![None; plan.runs() as usize];
        Ok(Progressive { plan, grid_json, results, report, closed: false })
    }

    /// The grid as the worker receives it.
    pub fn grid_json(&self) -> &str {
        &self.grid_json
    }

    pub fn total(&self) -> usize {
        self.results.len()
    }

    pub fn done(&self) -> usize {
        self.results.iter().filter(|u| u.is_some()).count()
    }

    pub fn is_complete(&self) -> bool {
        self.done() == self.total()
    }

    pub fn seeds(&self) -> u32 {
        self.plan.grid.seeds
    }

    /// Takes run `index`'s JSON from the worker; the summary is brought up to date when a
    /// configuration has all its seeds.
    pub fn accept(&mut self, index: usize, json: &str) -> Result<(), String> {
        let r: RunResult = serde_json::from_str(json).map_err(|e| format!("run {index}: unreadable result ({e})"))?;
        if r.run as usize != index || self.plan.run_at(r.run) != (r.cell, r.seed) {
            return Err(format!("run {index}: the worker answered for another run ({})", r.run));
        }
        let slot = self.results.get_mut(index).ok_or_else(|| format!("run {index} is not in the grid"))?;
        *slot = Some(r);
        let seeds = self.plan.grid.seeds as usize;
        let cell = index / seeds;
        if self.results[cell * seeds..(cell + 1) * seeds].iter().all(Option::is_some) || self.is_complete() {
            self.refresh();
        }
        Ok(())
    }

    /// No more results will come (done, cancelled or failed): summarise what arrived.
    pub fn close(&mut self) {
        self.closed = true;
        self.refresh();
    }

    fn refresh(&mut self) {
        let seeds = self.plan.grid.seeds as usize;
        let closed = self.closed || self.is_complete();
        let given: Vec<RunResult> = self
            .results
            .chunks(seeds)
            .filter(|c| closed || c.iter().all(Option::is_some))
            .flat_map(|c| c.iter().flatten().cloned())
            .collect();
        self.report = self.plan.aggregate(&given);
    }

    /// The summary so far — with every run in, what `losslab sweep --json` prints for this grid.
    pub fn report(&self) -> &SweepReport {
        &self.report
    }

    /// The releases on the grid's `version` axis, in grid order (empty without one).
    pub fn versions(&self) -> Vec<RocketMqVersion> {
        self.plan.grid.version.clone().unwrap_or_default()
    }

    /// The grid's fault labels, in grid order.
    pub fn faults(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in self.plan.cells() {
            if !out.contains(&c.fault) {
                out.push(c.fault.clone());
            }
        }
        out
    }

    fn cells_of(&self, fi: usize) -> Vec<&CellSummary> {
        let Some(f) = self.faults().get(fi).cloned() else { return Vec::new() };
        self.report.cells.iter().filter(|c| c.cell.fault == f).collect()
    }

    /// The chart's marks under fault `fi`, numbered in grid order.
    ///
    /// The x figures are the configuration's cost with no fault (its `NONE` cell) when the grid
    /// has one, as the core's frontier compares them: under a fault every p99 is the outage's.
    pub fn marks(&self, fi: usize) -> Vec<Mark> {
        let cells = self.cells_of(fi);
        let n_of = |index: u32| cells.iter().position(|c| c.cell.index == index).map(|k| k + 1);
        cells
            .iter()
            .enumerate()
            .map(|(k, c)| Mark {
                n: k + 1,
                version: c.cell.version,
                label: settings_label(c),
                loss_pct: pct(c.lost_after_ack_ppm),
                p99_ms: ms(c.healthy.map_or(c.p99_us, |h| h.p99_us)),
                tps: ms(c.healthy.map_or(c.send_milli_tps, |h| h.send_milli_tps)),
                recommended: c.recommended,
                frontier_latency: c.frontier_latency,
                frontier_tps: c.frontier_tps,
                cell: c.cell.index,
                open_seed: c.failing_seeds.first().copied().unwrap_or(self.plan.grid.first_seed),
                cost_with_no_fault: c.healthy.is_some(),
                per_year: c.per_year.map(|y| y.acked_then_lost.as_f64()),
                ties: c.ties.iter().filter_map(|&i| n_of(i)).collect(),
            })
            .collect()
    }

    /// Under fault `fi`: each `SYNC_MASTER` configuration that still loses, with its number.
    pub fn despite_sync_master(&self, fi: usize) -> Vec<(usize, &CellSummary)> {
        self.cells_of(fi).into_iter().enumerate().filter(|(_, c)| c.despite_sync_master.is_some()).map(|(k, c)| (k + 1, c)).collect()
    }

    /// The fault kinds under fault `fi` that have a rate per year (for the formula and sources).
    pub fn rated_kinds(&self, fi: usize) -> Vec<rmq_sim::scenario::FaultKind> {
        let mut out = Vec::new();
        for c in self.cells_of(fi).into_iter().filter(|c| c.per_year.is_some()) {
            if let rmq_sim::sweep::FaultChoice::One(kind, _) = self.plan.choice(c.cell.index) {
                if !out.contains(&kind) {
                    out.push(kind);
                }
            }
        }
        out
    }

    /// The grid's fault rates (given or default).
    pub fn fault_rates(&self) -> rmq_sim::fault_rates::FaultRates {
        self.plan.grid.fault_rates()
    }

    /// The table's rows under fault `fi`, in the order of [`Progressive::marks`].
    pub fn rows(&self, fi: usize) -> Vec<Row> {
        self.cells_of(fi)
            .into_iter()
            .map(|c| Row { cell: c.cell.index, p50_ms: ms(c.healthy.map_or(c.p50_us, |h| h.p50_us)), failing_seeds: c.failing_seeds.clone(), runs: c.runs })
            .collect()
    }

    pub fn first_seed(&self) -> u64 {
        self.plan.grid.first_seed
    }

    /// The scenario behind one point: `cell` with `seed` (its digest is the run's).
    pub fn scenario(&self, cell: u32, seed: u64) -> Option<Scenario> {
        self.plan.run_index(cell, seed).map(|_| self.plan.scenario(cell, seed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_sim::report::{digest, Report};
    use rmq_sim::Sim;

    fn small() -> Grid {
        Grid {
            faults: vec!["POWER_LOSS".into(), "NONE".into()],
            seeds: 2,
            base: Some("[slave]\nenabled = true\n[producer]\nmessages = 60\ninterval = \"2ms\"\n[consumer]\nstartAt = \"1m\"\n".into()),
            ..Grid::default()
        }
    }

    #[test]
    fn results_in_any_order_summarise_to_the_whole_sweep() {
        let grid = small();
        let plan = Plan::new(&grid).unwrap();
        let all = plan.run_all();
        let mut p = Progressive::new(&grid).unwrap();
        assert_eq!(p.total(), all.len());
        // Backwards: a cell shows only once all its seeds are in.
        for r in all.iter().rev() {
            p.accept(r.run as usize, &serde_json::to_string(r).unwrap()).unwrap();
            let shown: usize = (0..p.faults().len()).map(|f| p.marks(f).len()).sum();
            let whole_cells = (0..plan.cells().len()).filter(|c| all.iter().filter(|x| x.cell == *c as u32).all(|x| x.run >= r.run)).count();
            assert_eq!(shown, whole_cells);
        }
        assert!(p.is_complete());
        assert_eq!(p.report().to_json(), plan.aggregate(&all).to_json());
        assert_eq!(p.faults(), vec!["POWER_LOSS@master".to_string(), "NONE".to_string()]);
    }

    #[test]
    fn marks_under_a_fault_carry_the_cost_with_no_fault_and_the_loss_per_year() {
        let grid = small();
        let plan = Plan::new(&grid).unwrap();
        let mut p = Progressive::new(&grid).unwrap();
        for r in plan.run_all() {
            p.accept(r.run as usize, &serde_json::to_string(&r).unwrap()).unwrap();
        }
        let (under, none) = (p.marks(0), p.marks(1));
        for (m, h) in under.iter().zip(&none) {
            assert_eq!(m.label, h.label);
            assert!(m.cost_with_no_fault);
            assert_eq!((m.p99_ms, m.tps), (h.p99_ms, h.tps), "x is the NONE cell's cost: {}", m.label);
            assert!(m.per_year.is_some(), "POWER_LOSS has a rate");
            assert!(h.per_year.is_none(), "no fault, no rate");
        }
        assert_eq!(p.rated_kinds(0), vec![rmq_sim::scenario::FaultKind::PowerLoss]);
        let lossy_sync = p.despite_sync_master(0);
        assert!(lossy_sync.iter().all(|(_, c)| c.cell.broker_role == rmq_sim::scenario::BrokerRole::SyncMaster && c.lost_after_ack > 0));
    }

    #[test]
    fn a_version_axis_gives_each_mark_its_release() {
        let grid = Grid {
            version: Some(vec![RocketMqVersion::V4_9_8, RocketMqVersion::V5_3_3]),
            broker_role: vec![rmq_sim::scenario::BrokerRole::SyncMaster],
            flush_disk_type: vec![rmq_sim::scenario::FlushDiskType::AsyncFlush],
            faults: vec!["DISK_LOST".into()],
            seeds: 1,
            ..small()
        };
        let plan = Plan::new(&grid).unwrap();
        let mut p = Progressive::new(&grid).unwrap();
        for r in plan.run_all() {
            p.accept(r.run as usize, &serde_json::to_string(&r).unwrap()).unwrap();
        }
        assert_eq!(p.versions(), vec![RocketMqVersion::V4_9_8, RocketMqVersion::V5_3_3]);
        let marks = p.marks(0);
        assert_eq!(marks.iter().map(|m| m.version).collect::<Vec<_>>(), vec![Some(RocketMqVersion::V4_9_8), Some(RocketMqVersion::V5_3_3)]);
        assert!(marks.iter().all(|m| m.label == "ASYNC_FLUSH + SYNC_MASTER + SYNC"), "the release is shown apart, not in the label");
        // The upgrade trap, in the chart's figures: the same settings lose on 5.3.3 what 4.9.8 keeps.
        assert_eq!(marks[0].loss_pct.max, 0.0);
        assert!(marks[1].loss_pct.mean > 0.0, "{:?}", marks[1]);
        assert!(Progressive::new(&small()).unwrap().versions().is_empty());
    }

    #[test]
    fn a_cancelled_sweep_summarises_what_arrived() {
        let grid = small();
        let plan = Plan::new(&grid).unwrap();
        let mut p = Progressive::new(&grid).unwrap();
        let first = plan.run(0);
        p.accept(0, &serde_json::to_string(&first).unwrap()).unwrap();
        assert!(p.marks(0).is_empty(), "half a cell is not drawn while running");
        p.close();
        assert_eq!(p.rows(0).len(), 1);
        assert_eq!(p.rows(0)[0].runs, 1);
    }

    #[test]
    fn a_result_for_another_run_is_refused() {
        let grid = small();
        let plan = Plan::new(&grid).unwrap();
        let mut p = Progressive::new(&grid).unwrap();
        let r = serde_json::to_string(&plan.run(1)).unwrap();
        assert!(p.accept(0, &r).unwrap_err().contains("another run"));
        assert!(p.accept(0, "{").unwrap_err().contains("unreadable"));
    }

    #[test]
    fn the_scenario_behind_a_point_replays_to_its_digest() {
        let grid = small();
        let plan = Plan::new(&grid).unwrap();
        let p = Progressive::new(&grid).unwrap();
        let r = plan.run(3);
        let sc = p.scenario(r.cell, r.seed).unwrap();
        let mut sim = Sim::new(&sc);
        sim.run();
        assert_eq!(digest(sim.events()), r.digest);
        assert_eq!(Report::of(&sim).event_log_digest, r.digest);
        assert!(p.scenario(r.cell, 99).is_none());
    }
}
