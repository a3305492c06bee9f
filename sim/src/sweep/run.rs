//! One run of a sweep: a (cell, seed) simulated to the end and reduced to its figures.

use super::grid::Plan;
use crate::log::LogMode;
use crate::report::Report;
use crate::sim::Sim;

/// What one (cell, seed) lost and cost. Integers with their unit in the name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunResult {
    /// Run index in the plan.
    pub run: u32,
    pub cell: u32,
    /// A `BigInt` in the JS API above 2^53 − 1 (serde-wasm-bindgen refuses a `u64` there).
    #[serde(serialize_with = "crate::report::serialize_seed")]
    pub seed: u64,
    pub messages: u32,
    /// Messages whose producer was told they were stored (any `SendStatus`).
    pub acked: u32,
    /// `LOST_AFTER_ACK`: told stored, never consumed — the broken promise.
    pub lost_after_ack: u32,
    /// `lostAfterAck / acked`, in parts per million (0 when nothing was acknowledged).
    pub lost_after_ack_ppm: u32,
    pub lost_unacked: u32,
    pub duplicated: u32,
    pub send_failed: u32,
    /// Latency over every answered send (`"all"` of the run's report).
    pub p50_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
    /// The report's `sendTps` × 1000 (0 when the producer's window was empty).
    pub send_milli_tps: u64,
    /// The run's `eventLogDigest`.
    pub digest: String,
}

impl RunResult {
    /// Reduces a finished run's report.
    pub fn of(run: u32, cell: u32, report: &Report) -> RunResult {
        let v = &report.summary.verdicts;
        let acked = report.messages.iter().filter(|m| !matches!(m.send_status, "EXCEPTION" | "NO_REPLY")).count() as u32;
        let lost_after_ack = v["LOST_AFTER_ACK"];
        let lost_after_ack_ppm =
            if acked == 0 { 0 } else { (lost_after_ack as u64 * 1_000_000 / acked as u64) as u32 };
        let all = &report.latency.all;
        RunResult {
            run,
            cell,
            seed: report.seed,
            messages: report.summary.messages,
            acked,
            lost_after_ack,
            lost_after_ack_ppm,
            lost_unacked: v["LOST_UNACKED"],
            duplicated: v["DUPLICATED"],
            send_failed: report.throughput.send_failed,
            p50_us: all.p50_us,
            p99_us: all.p99_us,
            max_us: all.max_us,
            send_milli_tps: report.throughput.send_milli_tps.unwrap_or(0),
            digest: report.event_log_digest.clone(),
        }
    }
}

impl Plan {
    /// Simulates run `i` (see [`Plan::run_at`]). Pure: the same grid and `i` give the same result
    /// on any thread, in any order, natively and in wasm. The log is streamed into its digest
    /// ([`LogMode::Digest`]: the same digest as a kept log, without holding every event).
    pub fn run(&self, i: u32) -> RunResult {
        let (cell, seed) = self.run_at(i);
        let mut sim = Sim::new(&self.scenario(cell, seed));
        sim.set_log_mode(LogMode::Digest);
        sim.run();
        RunResult::of(i, cell, &Report::of(&sim))
    }

    /// Every run in order, on this thread.
    pub fn run_all(&self) -> Vec<RunResult> {
        (0..self.runs()).map(|i| self.run(i)).collect()
    }
}
