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
    assert!(sync.run.latency.median > w.base.latency.median, "{:?} vs {:?}", sync.run.latency, w.base.latency);
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

#[test]
fn knobs_round_trip_their_ids_and_out_of_range_messages_are_refused() {
    for k in Knob::ALL {
        assert_eq!(Knob::from_id(k.id()), Some(k));
    }
    let sc = common::preset("defaults");
    assert!(what_if(&sc, MsgId(sc.producer.messages)).is_none());
}
