//! Results per cell: spread over seeds, the book's recommendation, the Pareto frontiers.

use super::grid::{Cell, FaultChoice, Grid, Plan, DEFAULT_FAULT_DURATION};
use crate::fault_rates::{self, YearlyLoss};
use crate::scenario::{BrokerRole, FaultKind, FaultTarget};
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
    /// No other cell of the same fault is at least as good on both lost-after-ack rate and p99
    /// latency (means over seeds; a tie on both marks neither). The latency is the
    /// configuration's cost with no fault (its `healthy` p99) when the grid has `NONE`, else the
    /// cell's own: under a fault the p99 is mostly the outage's, the same for every setting.
    pub frontier_latency: bool,
    /// The same with send TPS (higher is better) instead of p99 latency.
    pub frontier_tps: bool,
    /// Cells of the same fault with exactly this cell's lost-after-ack rate and p99 (the costs
    /// the frontier compares): equals, neither of them marked, both named.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ties: Vec<u32>,
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
    /// Expected acknowledged-then-lost messages per year ([`crate::fault_rates`]), for a cell
    /// whose fault is one machine fault with a rate (`POWER_LOSS`, `DISK_LOST`, `PROCESS_CRASH`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_year: Option<YearlyLoss>,
    /// Why this `SYNC_MASTER` configuration still loses acknowledged messages under the fault
    /// (when it does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub despite_sync_master: Option<SyncMasterLoss>,
}

/// The rule that explains a `SYNC_MASTER` configuration's loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SyncMasterLossRule {
    /// 5.x: `inSyncReplicas` = 1 counts the master alone, so the put waits for no slave (spec 5 §2).
    InSyncReplicasOne,
    /// The master restarts behind its slave and master-slave replication does not reconcile
    /// them (spec §4b).
    RestartWithoutReconcile,
    /// Neither: the failing seeds show each message's cause.
    Other,
}

/// [`CellSummary::despite_sync_master`]: the rule, what it needs to be said again in another
/// language, and the sentence in English (what the CLI prints).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncMasterLoss {
    pub rule: SyncMasterLossRule,
    /// `inSyncReplicas` of the run (for [`SyncMasterLossRule::InSyncReplicasOne`]).
    pub in_sync_replicas: u32,
    /// How long the master was down before it restarted (`30s`), for the restart rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_after: Option<String>,
    pub text: String,
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

/// Whether `a` is at least as good as `b` on both (lower is better for each): `b` is then off the
/// frontier, also when the two tie (a tie is no reason to pick either).
fn at_least_as_good(a: (u64, u64), b: (u64, u64)) -> bool {
    a.0 <= b.0 && a.1 <= b.1
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
                ties: Vec::new(),
                lost_after_ack_ppm: Spread::of(mine.iter().map(|r| r.lost_after_ack_ppm as u64)),
                p50_us: Spread::of(mine.iter().map(|r| r.p50_us)),
                p99_us: Spread::of(mine.iter().map(|r| r.p99_us)),
                send_milli_tps: Spread::of(mine.iter().map(|r| r.send_milli_tps)),
                lost_after_ack: mine.iter().map(|r| r.lost_after_ack as u64).sum(),
                acked: mine.iter().map(|r| r.acked as u64).sum(),
                messages: mine.iter().map(|r| r.messages as u64).sum(),
                failing_seeds: mine.iter().filter(|r| r.lost_after_ack > 0).map(|r| r.seed).collect(),
                healthy: None,
                per_year: None,
                despite_sync_master: None,
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
        let rates = self.grid.fault_rates();
        for c in &mut cells {
            let choice = self.choice(c.cell.index);
            if let FaultChoice::One(kind, FaultTarget::Master | FaultTarget::Slave) = choice {
                c.per_year = rates.of(kind).map(|rate| fault_rates::per_year(rate, c.lost_after_ack, c.runs as u64));
            }
            c.despite_sync_master = self.despite_sync_master(c, choice);
        }
        SweepReport { grid: self.grid.clone(), workload: self.base().name.clone(), cells, runs }
    }
}

impl Plan {
    /// [`CellSummary::despite_sync_master`]: the rule of the spec that explains the loss.
    fn despite_sync_master(&self, c: &CellSummary, choice: FaultChoice) -> Option<SyncMasterLoss> {
        let base = self.base();
        // In controller mode brokerRole means nothing: the election decides the role.
        if c.cell.broker_role != BrokerRole::SyncMaster || c.lost_after_ack == 0 || c.cell.controller_mode.unwrap_or(base.controller_mode()) {
            return None;
        }
        let version = c.cell.version.unwrap_or(base.version);
        let isr = base.broker.in_sync_replicas;
        let lost = format!("{} acknowledged messages lost in {} runs", c.lost_after_ack, c.runs);
        if version.rules().quorum_write && isr <= 1 {
            let text = format!(
                "{}: {lost}, because RocketMQ {version}'s SYNC_MASTER waits for no slave at inSyncReplicas = {isr} (the master alone); totalReplicas = 2 and inSyncReplicas = 2 make it wait as 4.x does.",
                c.cell.config_label()
            );
            return Some(SyncMasterLoss { rule: SyncMasterLossRule::InSyncReplicasOne, in_sync_replicas: isr, restart_after: None, text });
        }
        let restarts = match choice {
            FaultChoice::One(kind @ (FaultKind::PowerLoss | FaultKind::DiskLost), FaultTarget::Master) => {
                match (self.grid.fault_duration.as_deref(), kind) {
                    (Some(d), _) => Some(d.to_string()),
                    (None, FaultKind::DiskLost) => None,
                    (None, _) => Some(crate::time::format_duration(DEFAULT_FAULT_DURATION)),
                }
            }
            _ => None,
        };
        Some(match restarts {
            Some(after) => SyncMasterLoss {
                rule: SyncMasterLossRule::RestartWithoutReconcile,
                in_sync_replicas: isr,
                text: format!(
                    "{}: {lost}, because the master comes back after {after} with less than its slave holds, and master-slave replication (without controller mode) does not reconcile the two: consumers read the restarted master, so what only the slave kept is never delivered (spec §4b).",
                    c.cell.config_label()
                ),
                restart_after: Some(after),
            },
            None => SyncMasterLoss {
                rule: SyncMasterLossRule::Other,
                in_sync_replicas: isr,
                restart_after: None,
                text: format!("{}: {lost}; open a failing seed to see each message's cause.", c.cell.config_label()),
            },
        })
    }
}

/// Marks the Pareto frontiers among cells of the same fault: loss under the fault against the
/// configuration's cost with no fault where the grid measured it.
fn mark_frontiers(cells: &mut [CellSummary]) {
    let p99 = |c: &CellSummary| c.healthy.map_or(c.p99_us.mean, |h| h.p99_us.mean);
    let send_tps = |c: &CellSummary| c.healthy.map_or(c.send_milli_tps.mean, |h| h.send_milli_tps.mean);
    let lat = |c: &CellSummary| (c.lost_after_ack_ppm.mean, p99(c));
    // TPS: higher is better, so compare its complement.
    let tps = |c: &CellSummary| (c.lost_after_ack_ppm.mean, u64::MAX - send_tps(c));
    let flags: Vec<(bool, bool, Vec<u32>)> = cells
        .iter()
        .map(|c| {
            let rivals = || cells.iter().filter(|o| o.cell.fault == c.cell.fault && o.cell.index != c.cell.index);
            (
                !rivals().any(|o| at_least_as_good(lat(o), lat(c))),
                !rivals().any(|o| at_least_as_good(tps(o), tps(c))),
                rivals().filter(|o| lat(o) == lat(c)).map(|o| o.cell.index).collect(),
            )
        })
        .collect();
    for (c, (l, t, ties)) in cells.iter_mut().zip(flags) {
        c.frontier_latency = l;
        c.frontier_tps = t;
        c.ties = ties;
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
    fn a_rival_at_least_as_good_on_both_takes_a_cell_off_the_frontier_ties_too() {
        assert!(at_least_as_good((1, 1), (1, 2)));
        assert!(at_least_as_good((0, 5), (1, 5)));
        assert!(at_least_as_good((1, 1), (1, 1)), "a tie marks neither");
        assert!(!at_least_as_good((0, 9), (1, 1)), "better on one, worse on the other");
    }
}
