//! What-if: re-running the same seed, workload and faults with one knob flipped, judged for one
//! message. Relations are pinned (which knob saves which loss), counts come from the core.

mod common;

use rmq_sim::whatif::{what_if, Knob};
use rmq_sim::MsgId;

fn first_with(id: &str, verdict: &str) -> (rmq_sim::Scenario, MsgId) {
    let sc = common::preset(id);
    let (_, report) = common::run(&sc);
    let m = report.messages.iter().find(|m| m.verdict == verdict).unwrap_or_else(|| panic!("{id} has a {verdict}"));
    (sc, MsgId(m.id))
}

/// `async-flush-power-loss` with the master down for 5 minutes, long enough for the consumers'
/// route to move to a slave (when there is one) and drain it before the master returns.
fn long_power_cut() -> (rmq_sim::Scenario, MsgId) {
    let mut sc = common::preset("async-flush-power-loss");
    sc.until = rmq_sim::SimTime::from_ms(600_000);
    sc.consumer.start_at = rmq_sim::SimTime::from_ms(10_000);
    sc.faults[0].duration = Some(rmq_sim::SimDuration::from_secs(300));
    let (_, report) = common::run(&sc);
    let m = report.messages.iter().find(|m| m.verdict == "LOST_AFTER_ACK").expect("a lost message");
    (sc, MsgId(m.id))
}

#[test]
fn sync_flush_and_sync_master_save_a_message_lost_to_a_power_cut() {
    let (sc, msg) = long_power_cut();
    let w = what_if(&sc, msg).expect("a message of the scenario");
    let saving: Vec<Knob> = w.saving().map(|o| o.knob).collect();
    assert!(saving.contains(&Knob::SyncFlush), "{saving:?}");
    assert!(saving.contains(&Knob::SyncMaster), "{saving:?}");
    // Knobs about consumers cannot bring back what the broker lost.
    assert!(!saving.contains(&Knob::DlqConsumer) && !saving.contains(&Knob::MoreReconsumes), "{saving:?}");
    let sync = w.outcomes.iter().find(|o| o.knob == Knob::SyncFlush).expect("applies");
    assert_eq!(sync.change, "flushDiskType = SYNC_FLUSH");
    assert_eq!(sync.run.scenario.seed, sc.seed);
    assert_eq!(sync.run.scenario.faults, sc.faults, "same faults");
    // Waiting for the disk costs latency, and the saving run loses fewer acknowledged messages.
    assert!(sync.run.latency().p50_us > w.base.latency().p50_us, "{:?} vs {:?}", sync.run.latency(), w.base.latency());
    let lost = |r: &rmq_sim::whatif::RunSummary| r.count(rmq_sim::Verdict::LostAfterAck);
    assert!(lost(&sync.run) < lost(&w.base));
    // SYNC_FLUSH is already set there: the knob does not apply.
    let (sc2, _) = first_with("sync-flush-power-loss", "DELIVERED");
    assert!(Knob::SyncFlush.apply(&sc2).is_none());
}

/// When the master comes back after 30 s, before any route change, it restarts behind its slave
/// and 4.x does not reconcile (spec §4b): SYNC_MASTER does not save the message, SYNC_FLUSH does.
#[test]
fn sync_master_does_not_save_a_message_when_the_master_restarts_behind_its_slave() {
    let (sc, msg) = first_with("async-flush-power-loss", "LOST_AFTER_ACK");
    let w = what_if(&sc, msg).expect("in range");
    let saved = |k: Knob| w.outcomes.iter().find(|o| o.knob == k).map(|o| o.saved);
    assert_eq!(saved(Knob::SyncFlush), Some(true));
    assert_eq!(saved(Knob::SyncMaster), Some(false));
}

#[test]
fn a_dlq_consumer_saves_a_poison_message_and_more_retries_do_not() {
    let (sc, msg) = first_with("poison-message-dlq", "DEAD_LETTERED");
    let w = what_if(&sc, msg).expect("in range");
    let saved = |k: Knob| w.outcomes.iter().find(|o| o.knob == k).map(|o| o.saved);
    assert_eq!(saved(Knob::DlqConsumer), Some(true));
    assert_eq!(saved(Knob::MoreReconsumes), Some(false), "a poison message fails every time");
    assert_eq!(saved(Knob::SyncFlush), Some(false));
}

/// Controller mode (issue 20): a message acknowledged by the old master alone and truncated when
/// it rejoined is saved by `allAckInSyncStateSet = true` (its put waits for the slave, so it is
/// never acknowledged from the master alone); the knob applies only in controller mode.
#[test]
fn all_ack_in_sync_state_set_saves_a_message_truncated_on_rejoin() {
    let (sc, msg) = first_with("v5-controller-failover-truncated", "LOST_AFTER_ACK");
    let w = what_if(&sc, msg).expect("in range");
    let o = w.outcomes.iter().find(|o| o.knob == Knob::AllAckInSyncStateSet).expect("applies in controller mode");
    assert!(o.saved, "{}: {}", o.change, o.verdict);
    assert_eq!(o.change, "allAckInSyncStateSet = true");
    assert!(Knob::AllAckInSyncStateSet.apply(&common::preset("book-recommendation")).is_none(), "not outside controller mode");
    assert!(Knob::AllAckInSyncStateSet.apply(&common::preset("v5-controller-failover-all-ack")).is_none(), "already on");
}

#[test]
fn knobs_round_trip_their_ids_and_out_of_range_messages_are_refused() {
    for k in Knob::ALL {
        assert_eq!(Knob::from_id(k.id()), Some(k));
    }
    let sc = common::preset("defaults");
    assert!(what_if(&sc, MsgId(sc.producer.messages)).is_none());
}

#[test]
fn a_sync_flush_lane_loses_fewer_acknowledged_messages_and_names_the_survivors() {
    use rmq_sim::whatif::{LaneDiff, RunSummary};
    let base = common::preset("async-flush-power-loss");
    let lane = Knob::SyncFlush.apply(&base).expect("applies");
    let (b, l) = (RunSummary::of(&base), RunSummary::of(&lane));
    let d = LaneDiff::of(&b.report, &l.report);
    let lost = b.count(rmq_sim::Verdict::LostAfterAck) as i64;
    assert!(lost > 0);
    assert_eq!(d.delta(rmq_sim::Verdict::LostAfterAck), l.count(rmq_sim::Verdict::LostAfterAck) as i64 - lost);
    assert!(d.delta(rmq_sim::Verdict::LostAfterAck) < 0);
    assert_eq!(d.saved.len() as i64, lost, "every lost message survives under SYNC_FLUSH");
    assert!(d.newly_lost.is_empty());
    assert_eq!(LaneDiff::of(&b.report, &b.report).saved, Vec::<u32>::new());
}

/// The poison message's schedule: 1 + maxReconsumeTimes deliveries, each failed one followed by
/// a retry at the next delay level, the last one into the DLQ.
#[test]
fn the_retry_schedule_of_a_poison_message() {
    use rmq_sim::retry_schedule::{CompressedAxis, End, Schedule};
    let sc = common::preset("poison-message-dlq");
    let (sim, _) = common::run(&sc);
    let s = Schedule::of(&sim, MsgId(sc.consumer.fail_messages[0]));
    let n = 1 + sc.consumer.max_reconsume_times as usize;
    assert_eq!(s.deliveries.len(), n);
    for (k, d) in s.deliveries.iter().enumerate() {
        assert_eq!(d.reconsume_times, k as u32);
        assert!(d.result.is_some_and(|r| r != rmq_sim::event::ConsumeResult::Success));
        if k + 1 < n {
            let (at, level, due) = d.retry.expect("a retry after each failure but the last");
            assert_eq!(level, 3 + k as u32, "retry k uses level 2 + k (1-based reconsumeTimes)");
            assert!(at >= d.done_at && due > at);
            assert!(s.deliveries[k + 1].at >= due);
        } else {
            assert!(d.retry.is_none());
        }
    }
    assert!(matches!(s.end, End::DeadLettered { compensated: None, .. }));
    // The compressed axis keeps order and marks the long waits as idle.
    let axis = CompressedAxis::new(&s.times());
    let xs: Vec<f64> = s.times().iter().map(|t| axis.x(*t)).collect();
    assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
    assert_eq!(xs.first().copied(), Some(0.0));
    assert!((xs.last().copied().unwrap_or(0.0) - 1.0).abs() < 1e-9);
    assert!(axis.idle_gaps().len() >= 10, "the hour-long waits are compressed");
    // A delivery's 5 ms bar is still visible next to an hour-long wait.
    let d = &s.deliveries[n - 1];
    assert!(axis.x(d.done_at) - axis.x(d.at) > 0.002);
}

/// The Gantt's wait bars for the remoting consumer (4.x, 18 delay levels): one per failed
/// delivery but the last, from the failure to the next delivery, each in `SCHEDULE_TOPIC_XXXX` at
/// level 3 + k; the last failure goes to `%DLQ%` at once (no bar).
#[test]
fn the_gantt_draws_a_wait_bar_between_each_two_remoting_deliveries() {
    use rmq_sim::retry_schedule::{Schedule, WaitKind};
    let sc = common::preset("poison-message-dlq");
    let (sim, _) = common::run(&sc);
    let s = Schedule::of(&sim, MsgId(sc.consumer.fail_messages[0]));
    let waits = s.waits();
    assert_eq!(waits.len(), 16, "17 deliveries, 16 waits between them");
    let levels = &sc.broker.message_delay_level;
    for (k, w) in waits.iter().enumerate() {
        assert_eq!(w.after, k);
        assert_eq!((w.from, w.to), (s.deliveries[k].done_at, s.deliveries[k + 1].at), "wait {k}");
        let WaitKind::Scheduled { level, due } = w.kind else { panic!("wait {k}: {:?}", w.kind) };
        assert_eq!(level, 3 + k as u32);
        assert!(w.from < due && due <= w.to, "wait {k}: due inside the bar");
        // The bar is the level's delay plus the hops around it (milliseconds).
        let delay = levels[level as usize - 1];
        assert!(w.duration() >= delay && w.duration() < delay + rmq_sim::SimDuration::from_ms(1_100), "wait {k}: {}", w.duration());
        assert!(!w.to_dlq && !w.open);
    }
}

/// The Gantt's wait bars for the gRPC consumer (spec 5 §5, the 5.x schedule): after each of the
/// 17 failed deliveries of `v5-grpc-poison-message`, the message is invisible for the nack's
/// backoff (`CustomizedRetryPolicy` from its first entry: 1 s, 5 s, 10 s, … 1 h), then the
/// revive service's 2.1 s, and the hops (nack 2 ms, pop answer 2 ms): each bar is exactly that
/// long. The 17th bar ends in `%DLQ%`, at the 18th pop, ~2 h 46 min after the first delivery.
#[test]
fn the_gantt_draws_the_grpc_consumers_pop_retries_at_the_5x_backoff() {
    use rmq_sim::retry_schedule::{End, Schedule, WaitKind};
    use rmq_sim::scenario::GroupRetryPolicy;
    use rmq_sim::SimDuration;
    let sc = common::preset("v5-grpc-poison-message");
    let (sim, _) = common::run(&sc);
    let s = Schedule::of(&sim, MsgId(sc.consumer.fail_messages[0]));
    assert_eq!(s.deliveries.len(), 17);
    let waits = s.waits();
    assert_eq!(waits.len(), 17, "a bar after each failed delivery, the last one into %DLQ%");
    let hop = SimDuration::from_ms(2);
    let lag = SimDuration::from_ms(2_100);
    for (k, w) in waits.iter().enumerate() {
        let backoff = SimDuration::from_secs(GroupRetryPolicy::CUSTOMIZED_NEXT_SECS[k]);
        let WaitKind::Invisible { backoff: Some(b), revived_at: Some(revived) } = w.kind else {
            panic!("wait {k}: {:?}", w.kind)
        };
        assert_eq!(b, backoff, "wait {k}: next[attempt - 1]");
        assert_eq!(w.from, s.deliveries[k].done_at);
        assert_eq!(revived, w.from + hop + backoff + lag, "wait {k}: nack hop, backoff, revive lag");
        if k < 16 {
            assert_eq!(w.to, s.deliveries[k + 1].at, "wait {k}");
            assert_eq!(w.duration(), hop + backoff + lag + hop, "wait {k}: and the pop's answer");
            assert!(!w.to_dlq);
        } else {
            assert!(w.to_dlq, "the last wait ends in %DLQ%");
            assert_eq!(w.to, revived, "the revived copy's pop forwards it at once");
        }
    }
    assert_eq!(waits[0].duration(), SimDuration::from_ms(3_104), "the first retry ~3.1 s after the failure");
    let End::DeadLettered { at, .. } = s.end else { panic!("{:?}", s.end) };
    let total = at.since(s.deliveries[0].at);
    assert!(total > SimDuration::from_secs(2 * 3_600 + 46 * 60) && total < SimDuration::from_secs(2 * 3_600 + 47 * 60), "{total}");
    let sixteenth = s.deliveries[16].at.since(s.deliveries[0].at);
    assert!(sixteenth > SimDuration::from_secs(3_600 + 45 * 60) && sixteenth < SimDuration::from_secs(3_600 + 47 * 60), "{sixteenth}");
    assert!(s.times().contains(&at));
}

/// The Gantt's wait after a delivery the proxy stopped renewing (spec 5 §5, `STOP_RENEW` at
/// `renewMaxTimeMillis` = 3 h): a 4 h consumption's invisible time becomes the group retry
/// policy's `nextDelayDuration` (10 s for a first delivery) at the first due scan after 3 h; the
/// wait runs from that stop — inside the delivery, still consuming — to the revived copy's
/// delivery, and is a `RenewStopped` wait, not an invisible time that ran out. (It was not drawn
/// at all: the next delivery starts before the first one ends.)
#[test]
fn the_gantt_draws_the_proxys_stop_renew_as_its_own_wait() {
    use rmq_sim::retry_schedule::{Schedule, WaitKind};
    use rmq_sim::{SimDuration, SimTime};
    let sc = rmq_sim::scenario::parse_scenario(
        "version = \"5.3.3\"\nuntil = \"8h\"\n[producer]\nmessages = 1\n[consumer]\nclient = \"grpc\"\nconsumeTime = \"4h\"\n",
    )
    .expect("scenario");
    let (sim, _) = common::run(&sc);
    let s = Schedule::of(&sim, MsgId(0));
    assert_eq!(s.deliveries.len(), 3, "{s:?}");
    let waits = s.waits();
    assert_eq!(waits.len(), 2, "{waits:?}");
    let stop = SimTime::ZERO + SimDuration::from_secs(13_715);
    let w = waits[0];
    assert_eq!((w.after, w.from, w.to), (0, stop, s.deliveries[1].at));
    let WaitKind::RenewStopped { delay, revived_at: Some(revived) } = w.kind else { panic!("{:?}", w.kind) };
    assert_eq!(delay, SimDuration::from_secs(10), "CustomizedRetryPolicy next[reconsumeTimes + 2]");
    assert!(revived > stop + delay && revived <= w.to);
    assert!(w.from < s.deliveries[0].done_at, "the stop comes while the first delivery still consumes");
    let WaitKind::RenewStopped { delay, .. } = waits[1].kind else { panic!("{:?}", waits[1].kind) };
    assert_eq!(delay, SimDuration::from_secs(30), "a second delivery: next[3]");
    assert!(s.times().contains(&stop));
}

/// With `transientStorePoolEnable`, a process crash loses the uncommitted write buffer; turning
/// the pool off saves such a message.
#[test]
fn turning_the_transient_store_pool_off_saves_a_message_lost_to_a_process_crash() {
    let (sc, msg) = first_with("transient-store-pool-process-crash", "LOST_AFTER_ACK");
    let w = what_if(&sc, msg).expect("in range");
    let off = w.outcomes.iter().find(|o| o.knob == Knob::TransientStorePoolOff).expect("applies");
    assert!(off.saved, "{off:?}");
    assert_eq!(off.change, "transientStorePoolEnable = false");
    assert!(Knob::TransientStorePoolOff.apply(&common::preset("defaults")).is_none(), "off by default");
}

/// Issue 19 / spec 5 §2, §6.1: on 5.3.3 a `SYNC_MASTER` at the default `inSyncReplicas = 1` loses
/// the last acknowledged messages with the master's disk; the what-if names
/// `inSyncReplicas = 2, totalReplicas = 2` as what saves one. The same run on 4.9.8 offers no
/// such knob (the key does not exist there) and loses none.
#[test]
fn in_sync_replicas_2_saves_a_message_a_5x_sync_master_lost_at_defaults() {
    let mut sc = common::preset("sync-master-disk-lost");
    sc.version = rmq_sim::RocketMqVersion::V5_3_3;
    sc.slave.slave_read_enable = true;
    let (_, report) = common::run(&sc);
    let m = report.messages.iter().find(|m| m.verdict == "LOST_AFTER_ACK").expect("5.3.3 at defaults loses an acked message");
    let w = what_if(&sc, MsgId(m.id)).expect("a message of the run");
    let isr = w.outcomes.iter().find(|o| o.knob == Knob::InSyncReplicas2).expect("applies on 5.3.3");
    assert!(isr.saved, "inSyncReplicas = 2 keeps it: {}", isr.verdict);
    assert_eq!(isr.change, "inSyncReplicas = 2, totalReplicas = 2");
    assert!(w.saving().any(|o| o.knob == Knob::InSyncReplicas2));
    // 4.9.8: the same scenario loses none, and the knob does not apply.
    sc.version = rmq_sim::RocketMqVersion::V4_9_8;
    let (_, report) = common::run(&sc);
    assert_eq!(report.summary.verdicts["LOST_AFTER_ACK"], 0);
    assert!(Knob::InSyncReplicas2.apply(&sc).is_none());
}

/// Issue 21 item 4: the client lane puts the remoting clients beside the gRPC ones. The gRPC
/// producer's stalled sends are stored three times; in the lane each is stored once, the run of
/// the preset v5-remoting-flush-disk-stall to the event. The gRPC consumer's poison message is
/// dead-lettered after 17 deliveries at ~2 h 46 min; the remoting consumer's 17th delivery comes
/// on the 4.x schedule, hours later.
#[test]
fn the_remoting_clients_lane_swaps_the_grpc_clients() {
    let grpc = common::preset("v5-grpc-flush-disk-stall");
    let lane = Knob::RemotingClients.apply(&grpc).expect("a gRPC producer has a remoting lane");
    assert_eq!(Knob::RemotingClients.describe(&grpc), "[producer] client = \"remoting\"");
    assert_eq!(lane.producer.client, rmq_sim::scenario::Client::Remoting);
    let (_, g) = common::run(&grpc);
    let (_, r) = common::run(&lane);
    let (_, remoting) = common::run(&common::preset("v5-remoting-flush-disk-stall"));
    assert_eq!(g.summary.verdicts["DUPLICATED"], 5);
    assert_eq!(r.summary.verdicts["DUPLICATED"], 0);
    assert_eq!(r.summary.verdicts["DELIVERED"], 6);
    assert_eq!(r.event_log_digest, remoting.event_log_digest, "the lane is the remoting preset's run");

    let poison = common::preset("v5-grpc-poison-message");
    assert_eq!(Knob::RemotingClients.describe(&poison), "[consumer] client = \"remoting\"");
    let lane = Knob::RemotingClients.apply(&poison).expect("a gRPC consumer has a remoting lane");
    let (_, g) = common::run(&poison);
    let (_, r) = common::run(&lane);
    assert_eq!(g.messages[3].verdict, "DEAD_LETTERED");
    assert_eq!(r.messages[3].verdict, "DEAD_LETTERED", "the preset runs long enough for the remoting DLQ too");

    // Nothing to swap in a remoting scenario; the id round-trips for share links.
    assert!(Knob::RemotingClients.apply(&common::preset("defaults")).is_none());
    assert_eq!(Knob::from_id("REMOTING_CLIENTS"), Some(Knob::RemotingClients));
    assert!(!Knob::ALL.contains(&Knob::RemotingClients), "a lane, not a safety knob the what-if asks");
}
