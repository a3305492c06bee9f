//! The swarm's cases: a random scenario (every knob, a workload, faults of every kind —
//! overlapping, during recovery, permanent) and faults injected mid-run, from one seed. Shared by
//! `sim/tests/swarm.rs` (invariants) and the root crate's `tests/digests.rs` (the same digests
//! natively and in the browser), both through `#[path]`.
#![allow(dead_code)]

use rmq_sim::rng::{SimRng, Stream};
use rmq_sim::scenario::parse::scenario_to_toml;
use rmq_sim::scenario::*;
use rmq_sim::{Command, Scenario, Sim, SimDuration, SimTime};

/// One swarm case: a scenario and the faults injected while it runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub scenario: Scenario,
    /// (simulated time, fault) in time order; injected as the UI does, at the playhead.
    pub injected: Vec<(SimTime, Fault)>,
}

pub fn pick<T: Clone>(r: &mut SimRng, xs: &[T]) -> T {
    xs[r.below(xs.len() as u64) as usize].clone()
}

pub fn ms(n: u64) -> SimDuration {
    SimDuration::from_ms(n)
}

pub fn valid_targets(kind: FaultKind, sc: &Scenario) -> Vec<FaultTarget> {
    kind.targets()
        .iter()
        .copied()
        .filter(|t| sc.slave.enabled || *t != FaultTarget::Slave)
        .filter(|t| sc.slave_count() >= 2 || *t != FaultTarget::Slave2)
        .filter(|t| sc.controller_mode() || !matches!(t, FaultTarget::Controller | FaultTarget::FirstMaster))
        .filter(|t| sc.consumer.enabled || *t != FaultTarget::Consumer)
        .collect()
}

/// A random valid case for `seed` (the same seed always gives the same case).
pub fn generate(seed: u64) -> Case {
    let mut r = SimRng::stream(seed, Stream::Faults);
    let r = &mut r;
    let mut sc = Scenario { name: format!("swarm {seed}"), seed, ..Scenario::default() };
    sc.until = SimTime::from_ms(pick(r, &[20_000, 120_000, 600_000, 3_600_000, 6 * 3_600_000]));
    let b = &mut sc.broker;
    b.flush_disk_type = pick(r, &[FlushDiskType::SyncFlush, FlushDiskType::AsyncFlush]);
    b.broker_role = pick(r, &[BrokerRole::SyncMaster, BrokerRole::AsyncMaster]);
    b.sync_flush_timeout = ms(pick(r, &[0, 5, 500, 5_000]));
    b.slave_timeout = ms(pick(r, &[0, 5, 500, 3_000]));
    b.flush_interval_commit_log = ms(pick(r, &[1, 200, 500, 5_000]));
    b.flush_commit_log_least_pages = pick(r, &[0, 1, 4, 16, 1_000]);
    b.flush_commit_log_thorough_interval = ms(pick(r, &[0, 1_000, 10_000]));
    b.ha_slave_fallbehind_max_bytes = pick(r, &[0, 4 * 1024, 256 * 1024 * 1024]);
    b.ha_housekeeping_interval = ms(pick(r, &[500, 5_000, 20_000]));
    b.ha_send_heartbeat_interval = ms(pick(r, &[200, 5_000]));
    if r.below(3) == 0 {
        b.message_delay_level = ["1s 2s 3s", "1s 5s 10s 30s", "10ms 20ms 30ms 40ms 50ms 60ms"][r.below(3) as usize]
            .split(' ')
            .map(|w| rmq_sim::time::parse_duration(w).expect("a duration"))
            .collect();
    }
    sc.disk.flush_latency_min = SimDuration::from_us(pick(r, &[0, 100, 2_000, 20_000]));
    sc.disk.flush_latency_max = sc.disk.flush_latency_min + SimDuration::from_us(pick(r, &[0, 5_000, 500_000]));
    sc.disk.flush_bytes_per_ms = pick(r, &[1_000, 200_000]);
    sc.slave.enabled = r.below(3) > 0;
    sc.slave.replication_latency = ms(pick(r, &[0, 1, 20, 2_000]));
    sc.slave.flush_disk_type = pick(r, &[FlushDiskType::SyncFlush, FlushDiskType::AsyncFlush]);
    sc.network.latency = SimDuration::from_us(pick(r, &[0, 200, 1_000, 30_000, 2_000_000]));
    let p = &mut sc.producer;
    p.send_mode = pick(r, &[SendMode::Sync, SendMode::Sync, SendMode::Async, SendMode::Oneway]);
    let most = pick(r, &[5, 60, 250]);
    p.messages = 1 + r.below(most) as u32;
    p.interval = ms(pick(r, &[0, 1, 10, 100, 1_000]));
    p.body_size = pick(r, &[1, 100, 1024, 64 * 1024]);
    p.send_msg_timeout = ms(pick(r, &[1, 100, 1_000, 3_000, 10_000]));
    p.retry_times_when_send_failed = pick(r, &[0, 2, 5]);
    p.retry_times_when_send_async_failed = pick(r, &[0, 2]);
    p.retry_another_broker_when_not_store_ok = r.below(3) == 0;
    p.on_exception = pick(r, &[OnException::Log, OnException::PersistAndResend]);
    p.resend_delay = ms(pick(r, &[0, 1_000, 10_000]));
    p.resend_max_times = pick(r, &[0, 1, 3, 10]);
    let c = &mut sc.consumer;
    c.enabled = r.below(8) > 0;
    c.start_at = SimTime::from_ms(pick(r, &[0, 0, 2_000, 15_000]).min(sc.until.as_ms()));
    c.max_reconsume_times = pick(r, &[0, 1, 3, 16]);
    c.consume_time = ms(pick(r, &[0, 1, 5, 50, 5_000]));
    c.fail_percent = pick(r, &[0, 0, 0, 10, 50, 100]);
    if r.below(4) == 0 {
        c.fail_messages = (0..sc.producer.messages).filter(|_| r.below(5) == 0).collect();
    }
    c.fail_first_attempts = pick(r, &[0, 0, 1, 3]);
    c.fail_with = pick(r, &[FailWith::ReconsumeLater, FailWith::Exception]);
    c.dlq_consumer = c.enabled && r.below(2) == 0;
    c.persist_consumer_offset_interval = ms(pick(r, &[100, 5_000]));
    c.pull_batch_size = pick(r, &[1, 4, 32]);
    c.consume_thread = pick(r, &[1, 2, 20]);

    // Two rarer workloads the uniform draw seldom builds: a burst that fills the master's
    // pending-put queue (SYSTEM_BUSY), and a long master outage beside a slave (no route).
    match r.below(500) {
        0 => {
            sc.producer.send_mode = SendMode::Async;
            sc.producer.messages = 10_500;
            sc.producer.interval = SimDuration::ZERO;
            sc.broker.flush_disk_type = FlushDiskType::SyncFlush;
            sc.broker.sync_flush_timeout = ms(60_000);
            sc.producer.send_msg_timeout = ms(60_000);
            sc.until = SimTime::from_ms(600_000);
            sc.faults.push(Fault { at: SimTime::ZERO, kind: FaultKind::DiskStall, target: FaultTarget::Master, duration: Some(ms(30_000)), factor: 10 });
        }
        1..=40 => {
            sc.slave.enabled = true;
            sc.producer.interval = ms(500);
            sc.producer.messages = sc.producer.messages.max(100);
            sc.until = sc.until.max(SimTime::from_ms(600_000));
            let kind = pick(r, &[FaultKind::ProcessCrash, FaultKind::PowerLoss, FaultKind::DiskLost]);
            sc.faults.push(Fault { at: SimTime::from_ms(2_000), kind, target: FaultTarget::Master, duration: Some(ms(pick(r, &[90_000, 200_000]))), factor: 10 });
        }
        _ => {}
    }
    let horizon = (sc.producer.messages as u64 * sc.producer.interval.as_ms()).max(1_000) + 10_000;
    let horizon = horizon.min(sc.until.as_ms());
    let mut faults: Vec<Fault> = std::mem::take(&mut sc.faults);
    for _ in 0..pick(r, &[0, 1, 2, 3, 5, 8]) {
        let kind = pick(r, &FaultKind::ALL);
        let targets = valid_targets(kind, &sc);
        if targets.is_empty() {
            continue;
        }
        let target = pick(r, &targets);
        let at = match (faults.last(), r.below(4)) {
            // During recovery: at (or just after) the moment the previous fault ends.
            (Some(prev), 0) if prev.duration.is_some() => {
                prev.at + prev.duration.unwrap_or_default() + ms(pick(r, &[0, 0, 1, 50]))
            }
            // Overlapping: inside the previous fault's window.
            (Some(prev), 1) => prev.at + ms(r.below(prev.duration.map_or(5_000, |d| d.as_ms()).max(1))),
            _ => SimTime::from_ms(r.below(horizon)),
        };
        if at > sc.until {
            continue;
        }
        let duration = match kind {
            FaultKind::SlaveUp => None,
            _ if r.below(5) == 0 => None,
            _ => Some(ms(pick(r, &[1, 500, 5_000, 30_000, 300_000]))),
        };
        let factor = if kind == FaultKind::DiskSlow { pick(r, &[2, 10, 1_000]) } else { 10 };
        faults.push(Fault { at, kind, target, duration, factor });
    }
    sc.faults = faults;
    let mut injected = Vec::new();
    for _ in 0..pick(r, &[0, 0, 1, 2, 4]) {
        let kind = pick(r, &FaultKind::ALL);
        // Whatever target (as the random injections of the UI test): invalid pairs must be ignored.
        let target = if r.below(6) == 0 {
            pick(r, &[FaultTarget::Master, FaultTarget::Slave, FaultTarget::Producer, FaultTarget::Consumer])
        } else {
            match valid_targets(kind, &sc).as_slice() {
                [] => continue,
                ts => pick(r, ts),
            }
        };
        let at = match (sc.faults.first(), r.below(3)) {
            (Some(f), 0) => f.at + f.duration.unwrap_or_default(),
            _ => SimTime::from_ms(r.below(horizon)),
        };
        let duration = (kind != FaultKind::SlaveUp && r.below(4) > 0).then(|| ms(pick(r, &[1, 1_000, 20_000])));
        injected.push((at, Fault { at: SimTime::ZERO, kind, target, duration, factor: 10 }));
    }
    injected.sort_by_key(|(t, _)| *t);
    // Issue 19: the RocketMQ version and its keys, drawn last so every earlier draw of a seed
    // stays what it was. Half the cases stay on 4.9.8.
    sc.version = pick(r, &[RocketMqVersion::V4_9_8, RocketMqVersion::V4_9_8, RocketMqVersion::V4_7_0, RocketMqVersion::V5_3_3]);
    if sc.version == RocketMqVersion::V4_7_0 {
        sc.broker.slave_timeout = Scenario::default().broker.slave_timeout; // no such key in 4.7.0
    }
    if sc.version == RocketMqVersion::V5_3_3 {
        let b = &mut sc.broker;
        b.total_replicas = pick(r, &[1, 2]);
        b.in_sync_replicas = pick(r, &[1, 2, 2, 3]);
        b.min_in_sync_replicas = pick(r, &[1, 2]);
        b.enable_auto_in_sync_replicas = r.below(2) == 0;
        b.enable_slave_acting_master = r.below(2) == 0;
    }
    sc.slave.slave_read_enable = r.below(2) == 0;
    // Issue 18 item 6: the topic's queues, drawn last for the same reason (small ranges; now and
    // then fewer read queues than write queues, whose extra queues nobody reads).
    sc.topic.write_queue_nums = pick(r, &[1, 2, 4, 4, 8]);
    sc.topic.read_queue_nums = match r.below(6) {
        0 => 1 + r.below(sc.topic.write_queue_nums as u64) as u32,
        1 => sc.topic.write_queue_nums + 1,
        _ => sc.topic.write_queue_nums,
    };
    // Issue 21: half the 5.3.3 cases use the gRPC producer through the proxy (drawn last too).
    if sc.version == RocketMqVersion::V5_3_3 && r.below(2) == 0 {
        let d = ProducerConfig::default();
        let p = &mut sc.producer;
        p.client = Client::Grpc;
        p.max_attempts = pick(r, &[1, 3, 3, 5]);
        p.request_timeout = ms(pick(r, &[1_000, 3_000, 3_000, 10_000]));
        (p.send_msg_timeout, p.retry_times_when_send_failed) = (d.send_msg_timeout, d.retry_times_when_send_failed);
        p.retry_times_when_send_async_failed = d.retry_times_when_send_async_failed;
        p.retry_another_broker_when_not_store_ok = false;
        if p.send_mode == SendMode::Oneway {
            p.send_mode = SendMode::Sync;
        }
        sc.proxy.proxy_mode = pick(r, &[ProxyMode::Cluster, ProxyMode::Local]);
    }
    // Issue 20: a second slave and controller mode (5.3.3 only), drawn last for the same reason.
    // Half the 5.3.3 cases with a slave run controller mode; a third of those have exactly one
    // failure (one fault, nothing injected): the case the allAckInSyncStateSet promises are about.
    if sc.version == RocketMqVersion::V5_3_3 && sc.slave.enabled {
        sc.slave.count = pick(r, &[1, 1, 2]);
        if r.below(2) == 0 {
            let b = &mut sc.broker;
            b.enable_controller_mode = true;
            b.enable_slave_acting_master = false; // controller mode's put ignores it; the lab refuses both
            b.all_ack_in_sync_state_set = r.below(2) == 0;
            b.ha_max_time_slave_not_catchup = ms(pick(r, &[1_000, 15_000]));
            b.controller_heart_beat_timeout_mills = ms(pick(r, &[3_000, 10_000]));
            sc.slave.flush_disk_type = sc.broker.flush_disk_type;
            let c = &mut sc.controller;
            c.scan_not_active_broker_interval = ms(pick(r, &[1_000, 5_000]));
            c.enable_elect_unclean_master = r.below(4) == 0;
            c.notify_broker_role_changed = r.below(4) > 0;
            let horizon = horizon.max(1);
            match r.below(3) {
                0 => {
                    let kind = pick(r, &[FaultKind::ProcessCrash, FaultKind::PowerLoss, FaultKind::DiskLost, FaultKind::NetworkPartition]);
                    let target = pick(r, &valid_targets(kind, &sc));
                    let duration = (r.below(4) > 0).then(|| ms(pick(r, &[5_000, 30_000, 90_000])));
                    sc.faults = vec![Fault { at: SimTime::from_ms(r.below(horizon)), kind, target, duration, factor: 10 }];
                    injected.clear();
                }
                1 => {
                    for _ in 0..1 + r.below(2) {
                        let kind = pick(r, &[FaultKind::ProcessCrash, FaultKind::PowerLoss, FaultKind::NetworkPartition]);
                        let targets: Vec<FaultTarget> = valid_targets(kind, &sc)
                            .into_iter()
                            .filter(|t| matches!(t, FaultTarget::Controller | FaultTarget::FirstMaster | FaultTarget::Slave2 | FaultTarget::Master))
                            .collect();
                        if targets.is_empty() {
                            continue;
                        }
                        let duration = (r.below(5) > 0).then(|| ms(pick(r, &[1_000, 20_000, 60_000])));
                        let at = SimTime::from_ms(r.below(horizon)).min(sc.until);
                        sc.faults.push(Fault { at, kind, target: pick(r, &targets), duration, factor: 10 });
                    }
                }
                _ => {}
            }
        }
    }
    draw_grpc_consumer(r, &mut sc, &mut injected);
    Case { scenario: sc, injected }
}

/// Issue 21: two thirds of the 5.3.3 cases with a consumer group use the gRPC push consumer (POP through
/// the proxy), with its group's `retryMaxTimes`, retry policy and the proxy's invisible time.
/// Drawn last, so every earlier draw of a seed stays what it was; the remoting-only keys go back
/// to their defaults (the parser refuses them beside `client = "grpc"`).
///
/// They keep the case's broker faults and controller mode. A quarter of them run with no fault
/// and a poison message (the swarm checks its `retryMaxTimes` + 1 deliveries at the policy's
/// backoff, then `%DLQ%`); another quarter crash the consumer while it holds messages (they come
/// back when their invisible time runs out).
fn draw_grpc_consumer(r: &mut SimRng, sc: &mut Scenario, injected: &mut Vec<(SimTime, Fault)>) {
    if sc.version != RocketMqVersion::V5_3_3 || !sc.consumer.enabled || r.below(3) == 0 {
        return;
    }
    let d = ConsumerConfig::default();
    let c = &mut sc.consumer;
    c.client = Client::Grpc;
    c.retry_max_times = pick(r, &[0, 1, 3, 16, 16]);
    c.group_retry_policy = pick(r, &[GroupRetryPolicy::Customized, GroupRetryPolicy::Customized, GroupRetryPolicy::Exponential]);
    c.default_invisible_time = ms(pick(r, &[10_000, 60_000, 60_000, 300_000]));
    c.max_reconsume_times = d.max_reconsume_times;
    c.persist_consumer_offset_interval = d.persist_consumer_offset_interval;
    c.pull_batch_size = d.pull_batch_size;
    c.pull_threshold_for_queue = d.pull_threshold_for_queue;
    c.pull_threshold_size_for_queue = d.pull_threshold_size_for_queue;
    c.consume_concurrently_max_span = d.consume_concurrently_max_span;
    // A consumption longer than the invisible time, now and then: the proxy's renewals.
    if r.below(8) == 0 {
        c.consume_time = ms(pick(r, &[15_000, 70_000]));
    }
    match r.below(4) {
        0 => {
            sc.faults.clear();
            injected.clear();
            let poison = r.below(u64::from(sc.producer.messages)) as u32;
            if !sc.consumer.fail_messages.contains(&poison) {
                sc.consumer.fail_messages.push(poison);
                sc.consumer.fail_messages.sort_unstable();
            }
            sc.until = sc.until.max(SimTime::from_ms(6 * 3_600_000));
            // A put that waits for replicas no slave gives would refuse every send: none to poison.
            sc.broker.in_sync_replicas = 1;
            sc.broker.min_in_sync_replicas = 1;
        }
        1 => {
            let at = sc.consumer.start_at + ms(pick(r, &[10, 500, 3_000]));
            let duration = Some(ms(pick(r, &[1, 5_000, 120_000])));
            let crash = Fault { at: SimTime::ZERO, kind: FaultKind::ConsumerCrash, target: FaultTarget::Consumer, duration, factor: 10 };
            injected.push((at, crash));
            injected.sort_by_key(|(t, _)| *t);
        }
        _ => {}
    }
}

/// The case as a scenario file, with the injected faults as comments (times in the file's units).
pub fn describe(case: &Case) -> String {
    let mut s = scenario_to_toml(&case.scenario);
    for (t, f) in &case.injected {
        s.push_str(&format!(
            "# injected at {t}: {} -> {}{}\n",
            f.kind.name(),
            f.target.name(),
            f.duration.map(|d| format!(" for {}", rmq_sim::time::format_duration(d))).unwrap_or_default()
        ));
    }
    s
}


/// Runs the case to the end without checks, injecting its faults at their times; with `chunk`,
/// in `run_until` steps of that many ms (as the UI's playback does) — the log must not change.
pub fn replay(case: &Case, chunk: Option<u64>) -> Sim {
    let mut sim = Sim::new(&case.scenario);
    let mut pending = case.injected.iter().peekable();
    let mut t = 0;
    while sim.ended().is_none() {
        let next_stop = match chunk {
            Some(c) => SimTime::from_ms(t + c),
            None => SimTime::from_ms(u64::MAX / 2_000),
        };
        match pending.peek() {
            Some((at, fault)) if *at <= next_stop => {
                sim.run_until(*at);
                sim.inject(Command::Inject(fault.clone()));
                pending.next();
            }
            _ => {
                sim.run_until(next_stop);
                t = next_stop.as_ms();
            }
        }
    }
    sim
}
