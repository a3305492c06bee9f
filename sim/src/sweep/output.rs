//! A sweep for people: a table for the terminal, CSV, JSON.

use std::fmt::Write as _;

use super::aggregate::SweepReport;
use crate::fault_rates::{explain, DEFAULT_RATES};
use crate::scenario::FaultKind;

fn ms(us: u64) -> String {
    format!("{}.{:03}", us / 1_000, us % 1_000)
}

/// Parts per million as a percentage with four decimals, computed on integers.
fn pct(ppm: u64) -> String {
    format!("{}.{:04}", ppm / 10_000, ppm % 10_000)
}

fn tps(milli: u64) -> String {
    format!("{}.{:03}", milli / 1_000, milli % 1_000)
}

impl SweepReport {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a sweep report always serialises") + "\n"
    }

    /// One row per cell: configuration, fault, lost-after-ack rate (mean [min–max]), p50, p99,
    /// send TPS, marks (`*` the book's recommendation, `L`/`T` on the latency/TPS frontier).
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let seeds = self.grid.seeds;
        let _ = writeln!(out, "{}: {} cells × {} seeds", self.workload, self.cells.len(), seeds);
        let _ = writeln!(
            out,
            "\n{:>4} {:<36} {:<24} {:>32} {:>10} {:>22} {:>20} {:>14}  {:<5} failing seeds",
            "cell", "configuration", "fault", "acked-then-lost % mean [min-max]", "p50 ms", "p99 ms mean [max]", "Send TPS mean [min]", "lost per year", "marks"
        );
        // Grouped by fault (in grid order): the frontier compares configurations under one fault.
        let mut faults: Vec<&str> = Vec::new();
        for c in &self.cells {
            if !faults.contains(&c.cell.fault.as_str()) {
                faults.push(&c.cell.fault);
            }
        }
        let rows = faults.iter().flat_map(|f| self.cells.iter().filter(move |c| c.cell.fault == *f));
        let mut last_fault = None;
        for c in rows {
            if last_fault.is_some() && last_fault != Some(&c.cell.fault) {
                out.push('\n');
            }
            last_fault = Some(&c.cell.fault);
            let marks = [(c.recommended, '*'), (c.frontier_latency, 'L'), (c.frontier_tps, 'T'), (!c.ties.is_empty(), '=')]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, m)| *m)
                .collect::<String>();
            let l = &c.lost_after_ack_ppm;
            let mut failing: Vec<String> = c.failing_seeds.iter().take(3).map(u64::to_string).collect();
            if c.failing_seeds.len() > 3 {
                failing.push(format!("… ({} in all)", c.failing_seeds.len()));
            }
            let row = format!(
                "{:>4} {:<36} {:<24} {:>32} {:>10} {:>22} {:>20} {:>14}  {marks:<5} {}",
                c.cell.index,
                c.cell.config_label(),
                c.cell.fault,
                format!("{} [{}-{}]", pct(l.mean), pct(l.min), pct(l.max)),
                ms(c.p50_us.mean),
                format!("{} [{}]", ms(c.p99_us.mean), ms(c.p99_us.max)),
                format!("{} [{}]", tps(c.send_milli_tps.mean), tps(c.send_milli_tps.min)),
                c.per_year.map(|y| y.acked_then_lost.to_string()).unwrap_or_else(|| "-".into()),
                failing.join(" "),
            );
            let _ = writeln!(out, "{}", row.trim_end());
        }
        let cost = if self.cells.iter().any(|c| c.healthy.is_some()) { "with no fault (its NONE cell)" } else { "under the fault" };
        let _ = writeln!(
            out,
            "\n* the book's recommendation (ASYNC_FLUSH + SYNC_MASTER)   L no other configuration under the same fault\n  loses at most as much and costs at most as much p99 {cost}   T … and sends at least as much\n  = ties with another configuration on both (neither is marked)"
        );
        self.per_year_text(&mut out);
        let despite: Vec<&str> = self.cells.iter().filter_map(|c| c.despite_sync_master.as_ref().map(|d| d.text.as_str())).collect();
        if !despite.is_empty() {
            let _ = writeln!(out, "\nSYNC_MASTER and still losing:");
            for d in despite {
                let _ = writeln!(out, "  {d}");
            }
        }
        let _ = writeln!(out, "\nopen a run: the same command with --scenario CELL:SEED > run.toml, then losslab run run.toml [--log]");
        out
    }

    /// The per-year column's rates and their sources, and the formula.
    fn per_year_text(&self, out: &mut String) {
        let used: Vec<FaultKind> = DEFAULT_RATES
            .iter()
            .map(|d| d.kind)
            .filter(|k| self.cells.iter().any(|c| c.per_year.is_some() && c.cell.fault.starts_with(&format!("{}@", k.name()))))
            .collect();
        if used.is_empty() {
            return;
        }
        out.push('\n');
        for line in explain(&self.grid.fault_rates(), &used) {
            let _ = writeln!(out, "{line}");
        }
    }

    /// One row per cell, figures in ms, percent and messages per second.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "cell,flushDiskType,brokerRole,sendMode,fault,seeds,lostAfterAckPctMean,lostAfterAckPctMin,lostAfterAckPctMax,lostAfterAck,acked,p50MsMean,p99MsMean,p99MsMin,p99MsMax,sendTpsMean,sendTpsMin,sendTpsMax,healthyP99MsMean,healthySendTpsMean,recommended,frontierLatency,frontierTps,faultsPerMachineYear,ackedThenLostPerYear,failingSeeds",
        );
        // A `version`, `controllerMode` or `slaveCount` axis adds a last column (a grid without
        // one keeps the columns it had).
        let versions = self.grid.version.is_some();
        let (modes, slaves) = (self.grid.controller_mode.is_some(), self.grid.slave_count.is_some());
        let clients = self.grid.client.is_some();
        out.push_str(if versions { ",version" } else { "" });
        // A `client`, `controllerMode` or `slaveCount` axis adds a column after it, the same way.
        out.push_str(if clients { ",client" } else { "" });
        out.push_str(if modes { ",controllerMode" } else { "" });
        out.push_str(if slaves { ",slaveCount\n" } else { "\n" });
        for c in &self.cells {
            let seeds: Vec<String> = c.failing_seeds.iter().map(u64::to_string).collect();
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                c.cell.index,
                c.cell.flush_disk_type.name(),
                c.cell.broker_role.name(),
                c.cell.send_mode.name(),
                c.cell.fault,
                c.runs,
                pct(c.lost_after_ack_ppm.mean),
                pct(c.lost_after_ack_ppm.min),
                pct(c.lost_after_ack_ppm.max),
                c.lost_after_ack,
                c.acked,
                ms(c.p50_us.mean),
                ms(c.p99_us.mean),
                ms(c.p99_us.min),
                ms(c.p99_us.max),
                tps(c.send_milli_tps.mean),
                tps(c.send_milli_tps.min),
                tps(c.send_milli_tps.max),
                c.healthy.map(|h| ms(h.p99_us.mean)).unwrap_or_default(),
                c.healthy.map(|h| tps(h.send_milli_tps.mean)).unwrap_or_default(),
                c.recommended,
                c.frontier_latency,
                c.frontier_tps,
                c.per_year.map(|y| y.faults_per_machine_year.to_string()).unwrap_or_default(),
                c.per_year.map(|y| y.acked_then_lost.to_string()).unwrap_or_default(),
                seeds.join(" "),
            );
            if let (true, Some(v)) = (versions, c.cell.version) {
                out.pop();
                let _ = writeln!(out, ",{v}");
            }
            if let (true, Some(client)) = (clients, c.cell.client) {
                out.pop();
                let _ = writeln!(out, ",{}", client.name());
            }
            if let (true, Some(on)) = (modes, c.cell.controller_mode) {
                out.pop();
                let _ = writeln!(out, ",{on}");
            }
            if let (true, Some(n)) = (slaves, c.cell.slave_count) {
                out.pop();
                let _ = writeln!(out, ",{n}");
            }
        }
        out
    }
}
