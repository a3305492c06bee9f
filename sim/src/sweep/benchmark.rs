//! The cost benchmark: RocketMQ's benchmark producer (`distribution/benchmark/producer.sh`)
//! against one broker configuration, with no fault: closed-loop SYNC sends of 1 KiB over a
//! 1 Gbit/s link to a master with a slave attached. `losslab check` prints it beside the loss
//! exposure of a `broker.conf`.

use crate::report::Report;
use crate::rocketmq_version::RocketMqVersion;
use crate::scenario::{BrokerConfig, BrokerRole, FlushDiskType, Scenario, GIGABIT_BYTES_PER_MS};
use crate::sim::Sim;

/// Messages per benchmark run.
pub const BENCHMARK_MESSAGES: u32 = 2_000;
/// The thread counts the benchmark reports: one (the latency of a lone send) and many (throughput).
pub const BENCHMARK_THREADS: [u32; 2] = [1, 16];

/// The benchmark workload on `broker`, run as RocketMQ `version`, with `threads` sending threads.
/// In controller mode the slave runs the master's `flushDiskType` (either may be elected).
pub fn benchmark_scenario(broker: &BrokerConfig, version: RocketMqVersion, threads: u32) -> Scenario {
    let mut sc = Scenario {
        name: format!(
            "Benchmark: {threads} SYNC thread(s), {BENCHMARK_MESSAGES} × 1 KiB, {}",
            crate::exposure::config_label(broker)
        ),
        version,
        ..Scenario::default()
    };
    sc.broker = broker.clone();
    sc.slave.enabled = true;
    if broker.enable_controller_mode {
        sc.slave.flush_disk_type = broker.flush_disk_type;
    }
    sc.network.producer_bytes_per_ms = Some(GIGABIT_BYTES_PER_MS);
    sc.producer.messages = BENCHMARK_MESSAGES;
    sc.producer.threads = Some(threads);
    sc
}

/// Runs the benchmark: its report has the `latency` and `throughput` figures.
pub fn benchmark(broker: &BrokerConfig, version: RocketMqVersion, threads: u32) -> Report {
    let mut sim = Sim::new(&benchmark_scenario(broker, version, threads));
    sim.run();
    Report::of(&sim)
}

/// `broker` with the book's recommendation (`ASYNC_FLUSH` + `SYNC_MASTER`) instead of its own.
pub fn recommended(broker: &BrokerConfig) -> BrokerConfig {
    BrokerConfig { flush_disk_type: FlushDiskType::AsyncFlush, broker_role: BrokerRole::SyncMaster, ..broker.clone() }
}
