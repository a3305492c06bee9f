//! The seed sweep's random scenario generator, shared by the tests that need many random but
//! valid runs (`sweep.rs`, `history_checker.rs`).

use rmq_sim::rng::{SimRng, Stream};
use rmq_sim::scenario::*;
use rmq_sim::{Scenario, SimDuration, SimTime};

pub fn pick<T: Copy>(r: &mut SimRng, xs: &[T]) -> T {
    xs[r.below(xs.len() as u64) as usize]
}

/// A random but valid scenario for `seed`.
pub fn random_scenario(seed: u64) -> Scenario {
    let mut r = SimRng::stream(seed, Stream::Faults);
    let mut sc = Scenario { name: format!("sweep {seed}"), seed, ..Scenario::default() };
    sc.until = SimTime::from_ms(pick(&mut r, &[20_000, 60_000, 300_000, 3_600_000]));
    sc.broker.flush_disk_type = pick(&mut r, &[FlushDiskType::SyncFlush, FlushDiskType::AsyncFlush]);
    sc.broker.broker_role = pick(&mut r, &[BrokerRole::SyncMaster, BrokerRole::AsyncMaster]);
    sc.broker.sync_flush_timeout = SimDuration::from_ms(pick(&mut r, &[500, 5_000]));
    sc.broker.slave_timeout = SimDuration::from_ms(pick(&mut r, &[500, 3_000]));
    sc.broker.flush_commit_log_least_pages = pick(&mut r, &[0, 1, 4, 16]);
    sc.broker.ha_slave_fallbehind_max_bytes = pick(&mut r, &[8 * 1024, 256 * 1024 * 1024]);
    sc.broker.transient_store_pool_enable = r.below(4) == 0;
    sc.broker.commit_commit_log_least_pages = pick(&mut r, &[0, 4]);
    sc.disk.flush_latency_min = SimDuration::from_us(pick(&mut r, &[100, 2_000]));
    sc.disk.flush_latency_max = sc.disk.flush_latency_min + SimDuration::from_us(pick(&mut r, &[0, 5_000, 50_000]));
    sc.slave.enabled = r.below(3) > 0;
    sc.slave.replication_latency = SimDuration::from_ms(pick(&mut r, &[1, 20, 200]));
    sc.slave.replication_bytes_per_ms = pick(&mut r, &[1_000, 125_000]);
    sc.slave.flush_disk_type = pick(&mut r, &[FlushDiskType::SyncFlush, FlushDiskType::AsyncFlush]);
    sc.network.latency = SimDuration::from_us(pick(&mut r, &[200, 1_000, 30_000]));
    sc.producer.send_mode = pick(&mut r, &[SendMode::Sync, SendMode::Async, SendMode::Oneway]);
    sc.producer.messages = 1 + r.below(150) as u32;
    sc.producer.interval = SimDuration::from_ms(pick(&mut r, &[1, 10, 100]));
    if r.below(40) == 0 {
        // A backlog: thousands of messages at 1 ms (or faster) before a late consumer.
        sc.producer.messages = pick(&mut r, &[1_500, 5_000, 20_000]);
        sc.producer.interval = SimDuration::from_us(pick(&mut r, &[100, 1_000]));
    }
    sc.producer.body_size = pick(&mut r, &[100, 1024, 8192]);
    sc.producer.send_msg_timeout = SimDuration::from_ms(pick(&mut r, &[1_000, 3_000, 10_000]));
    sc.producer.retry_another_broker_when_not_store_ok = r.below(4) == 0;
    sc.producer.on_exception = pick(&mut r, &[OnException::Log, OnException::PersistAndResend]);
    sc.producer.resend_delay = SimDuration::from_secs(pick(&mut r, &[1, 10]));
    sc.producer.resend_max_times = pick(&mut r, &[1, 3]);
    sc.consumer.enabled = r.below(8) > 0;
    sc.consumer.start_at = SimTime::from_ms(pick(&mut r, &[0, 2_000, 15_000]));
    sc.consumer.max_reconsume_times = pick(&mut r, &[0, 2, 16]);
    sc.consumer.consume_time = SimDuration::from_ms(pick(&mut r, &[1, 5, 50]));
    sc.consumer.fail_percent = pick(&mut r, &[0, 0, 10, 50]);
    sc.consumer.fail_first_attempts = pick(&mut r, &[0, 0, 1]);
    sc.consumer.fail_with = pick(&mut r, &[FailWith::ReconsumeLater, FailWith::Exception]);
    sc.consumer.dlq_consumer = sc.consumer.enabled && r.below(2) == 0;
    sc.consumer.consume_thread = pick(&mut r, &[1, 20]);
    if r.below(6) == 0 {
        // A slow consumer: the process queue fills and flow control holds the pulls back.
        sc.consumer.consume_time = SimDuration::from_ms(pick(&mut r, &[100, 500]));
        sc.consumer.pull_threshold_for_queue = pick(&mut r, &[50, 1_000]);
        sc.consumer.consume_concurrently_max_span = pick(&mut r, &[100, 2_000]);
    }
    let horizon = (sc.producer.messages as u64 * sc.producer.interval.as_ms()).max(1_000) + 5_000;
    for _ in 0..r.below(4) {
        let kind = pick(&mut r, &FaultKind::ALL);
        let targets: Vec<FaultTarget> = kind
            .targets()
            .iter()
            .copied()
            .filter(|t| sc.slave.enabled || *t != FaultTarget::Slave)
            .filter(|t| sc.slave_count() >= 2 || *t != FaultTarget::Slave2)
            .filter(|t| sc.controller_mode() || !matches!(t, FaultTarget::Controller | FaultTarget::FirstMaster))
            .filter(|t| sc.consumer.enabled || *t != FaultTarget::Consumer)
            .collect();
        if targets.is_empty() {
            continue;
        }
        let target = pick(&mut r, &targets);
        let at = SimTime::from_ms(r.below(horizon.min(sc.until.as_ms())));
        let duration = match (kind, r.below(4)) {
            (FaultKind::SlaveUp, _) => None,
            (_, 0) => None,
            (_, _) => Some(SimDuration::from_ms(pick(&mut r, &[500, 5_000, 30_000]))),
        };
        let factor = if kind == FaultKind::DiskSlow { pick(&mut r, &[2, 10, 100]) } else { 10 };
        sc.faults.push(Fault { at, kind, target, duration, factor });
    }
    sc
}
