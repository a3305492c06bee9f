//! Results per cell: spread over seeds, the book's recommendation, the Pareto frontiers.

use super::grid::{Cell, Grid, Plan};
use super::run::RunResult;

/// Minimum, integer mean (rounded down) and maximum over a cell's seeds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Spread {
    pub min: u64,
    pub mean: u64,
    pub max: u64,
}

impl Spread {
    pub fn of(values: impl IntoIterator<Item = u64>) -> Spread {
        let (mut n, mut sum, mut min, mut max) = (0u128, 0u128, u64::MAX, 0u64);
        for v in values {
            n += 1;
            sum += v as u128;
            min = min.min(v);
            max = max.max(v);
        }
        if n == 0 {
            return Spread::default();
        }
        Spread { min, mean: (sum / n) as u64, max }
    }
}

/// One cell's figures over its seeds: a mark of the chart with its error bars.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CellSummary {
    #[serde(flatten)]
    pub cell: Cell,
    /// Seeds that ran (all of them unless the sweep was cancelled).
    pub runs: u32,
    /// `ASYNC_FLUSH` + `SYNC_MASTER`, the seed note's recommendation.
    pub recommended: bool,
    /// No cell of the same fault is at least as good on lost-after-ack rate and p99 latency and
    /// better on one (means over seeds).
    pub frontier_latency: bool,
    /// The same with send TPS (higher is better) instead of p99 latency.
    pub frontier_tps: bool,
    pub lost_after_ack_ppm: Spread,
    pub p50_us: Spread,
    pub p99_us: Spread,
    pub send_milli_tps: Spread,
    /// Summed over seeds.
    pub lost_after_ack: u64,
    pub acked: u64,
    pub messages: u64,
    /// Seeds whose run lost acknowledged messages, in order: the runs worth opening.
    #[serde(serialize_with = "crate::report::serialize_seeds")]
    pub failing_seeds: Vec<u64>,
    /// What the same configuration costs with no fault (its `NONE` cell), when the grid has one
    /// and it ran: under a fault the latency is mostly the outage's, the same for every setting.
    pub healthy: Option<HealthyCost>,
}

/// A configuration's cost on a healthy broker group: its `NONE` cell's spreads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthyCost {
    pub p50_us: Spread,
    pub p99_us: Spread,
    pub send_milli_tps: Spread,
}

/// A finished (or cancelled) sweep.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SweepReport {
    pub grid: Grid,
    /// The base workload's name.
    pub workload: String,
    /// Cells with at least one run, in index order.
    pub cells: Vec<CellSummary>,
    /// Every run given, in run order.
    pub runs: Vec<RunResult>,
}

/// Whether `a` dominates `b`: no worse on both (lower is better for each), better on one.
fn dominates(a: (u64, u64), b: (u64, u64)) -> bool {
    a.0 <= b.0 && a.1 <= b.1 && (a.0 < b.0 || a.1 < b.1)
}

impl Plan {
    /// Summarises `results` (any order; a run given twice counts once; run indices outside the
    /// plan are ignored). Depends only on the set of results, never on their order.
    pub fn aggregate(&self, results: &[RunResult]) -> SweepReport {
        let mut runs: Vec<RunResult> = results.iter().filter(|r| r.run < self.runs()).cloned().collect();
        crate::sort::sort_by_key(&mut runs, |r| r.run);
        runs.dedup_by_key(|r| r.run);
        let mut cells = Vec::new();
        for cell in self.cells() {
            let mine: Vec<&RunResult> = runs.iter().filter(|r| r.cell == cell.index).collect();
            if mine.is_empty() {
                continue;
            }
            cells.push(CellSummary {
                cell: cell.clone(),
                runs: mine.len() as u32,
                recommended: cell.is_recommended(),
                frontier_latency: false,
                frontier_tps: false,
                lost_after_ack_ppm: Spread::of(mine.iter().map(|r| r.lost_after_ack_ppm as u64)),
                p50_us: Spread::of(mine.iter().map(|r| r.p50_us)),
                p99_us: Spread::of(mine.iter().map(|r| r.p99_us)),
                send_milli_tps: Spread::of(mine.iter().map(|r| r.send_milli_tps)),
                lost_after_ack: mine.iter().map(|r| r.lost_after_ack as u64).sum(),
                acked: mine.iter().map(|r| r.acked as u64).sum(),
                messages: mine.iter().map(|r| r.messages as u64).sum(),
                failing_seeds: mine.iter().filter(|r| r.lost_after_ack > 0).map(|r| r.seed).collect(),
                healthy: None,
            });
        }
        let healthy: Vec<(String, HealthyCost)> = cells
            .iter()
            .filter(|c| c.cell.fault == "NONE")
            .map(|c| (c.cell.config_label(), HealthyCost { p50_us: c.p50_us, p99_us: c.p99_us, send_milli_tps: c.send_milli_tps }))
            .collect();
        for c in &mut cells {
            c.healthy = healthy.iter().find(|(k, _)| *k == c.cell.config_label()).map(|(_, h)| *h);
        }
        mark_frontiers(&mut cells);
        SweepReport { grid: self.grid.clone(), workload: self.base().name.clone(), cells, runs }
    }
}

/// Marks the Pareto frontiers among cells of the same fault.
fn mark_frontiers(cells: &mut [CellSummary]) {
    let lat = |c: &CellSummary| (c.lost_after_ack_ppm.mean, c.p99_us.mean);
    // TPS: higher is better, so compare its complement.
    let tps = |c: &CellSummary| (c.lost_after_ack_ppm.mean, u64::MAX - c.send_milli_tps.mean);
    let flags: Vec<(bool, bool)> = cells
        .iter()
        .map(|c| {
            let rivals = || cells.iter().filter(|o| o.cell.fault == c.cell.fault && o.cell.index != c.cell.index);
            (!rivals().any(|o| dominates(lat(o), lat(c))), !rivals().any(|o| dominates(tps(o), tps(c))))
        })
        .collect();
    for (c, (l, t)) in cells.iter_mut().zip(flags) {
        c.frontier_latency = l;
        c.frontier_tps = t;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_is_integer_and_order_free() {
        assert_eq!(Spread::of([3, 1, 2, 2]), Spread { min: 1, mean: 2, max: 3 });
        assert_eq!(Spread::of([2, 2, 1, 3]), Spread::of([3, 1, 2, 2]));
        assert_eq!(Spread::of(std::iter::empty()), Spread::default());
    }

    #[test]
    fn domination_needs_one_strict_improvement() {
        assert!(dominates((1, 1), (1, 2)));
        assert!(dominates((0, 5), (1, 5)));
        assert!(!dominates((1, 1), (1, 1)), "equals do not dominate each other");
        assert!(!dominates((0, 9), (1, 1)), "better on one, worse on the other");
    }
}
