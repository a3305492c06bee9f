//! One scenario test per preset: its send statuses and verdicts, exactly, with every invariant
//! checked after every action. Each preset reproduces a claim of the seed note / spec §6.

mod common;
use common::*;

fn check(id: &str, statuses_want: &str, verdicts_want: &str) -> rmq_sim::report::Report {
    let (_, r) = run(&preset(id));
    assert_eq!(statuses(&r), statuses_want, "{id}: send statuses");
    assert_eq!(verdicts(&r), verdicts_want, "{id}: verdicts");
    r
}

#[test]
fn every_preset_runs_with_invariants() {
    for p in rmq_sim::scenario::presets::all() {
        let (_, r) = run(&preset(p.id));
        println!("{:<38} {:<60} {}", p.id, statuses(&r), verdicts(&r));
    }
}

#[test]
fn preset_whole_path() {
    // The lab's first run: every station of the picture is used (issue 24 item 2).
    let (sim, r) = run(&preset("whole-path"));
    assert_eq!(statuses(&r), "SEND_OK=20");
    assert_eq!(verdicts(&r), "DEAD_LETTERED=1 DELIVERED=14 LOST_AFTER_ACK=5");
    assert_eq!(r.summary.reconsumes, 1);
    let m = &sim.ledger().messages;
    assert!(m.iter().all(|m| m.master_flushed_at().is_some() || m.verdict == Some(rmq_sim::Verdict::LostAfterAck)), "the flush ran");
    assert_eq!(m.iter().filter(|m| m.replicated_at().is_some()).count(), 19, "all but the last reached the slave");
    let lost: Vec<u32> = m.iter().filter(|m| m.verdict == Some(rmq_sim::Verdict::LostAfterAck)).map(|m| m.id).collect();
    assert_eq!(lost, [15, 16, 17, 18, 19]);
}
#[test]
fn preset_defaults() {
    check("defaults", "SEND_OK=100", "DELIVERED=100");
}
#[test]
fn preset_slave_not_available() {
    check("slave-not-available", "SLAVE_NOT_AVAILABLE=100", "DELIVERED=100");
}
#[test]
fn preset_slave_stopped() {
    check("slave-stopped", "SEND_OK=100 SLAVE_NOT_AVAILABLE=100", "DELIVERED=200");
}
#[test]
fn preset_flush_slave_timeout() {
    check("flush-slave-timeout", "FLUSH_SLAVE_TIMEOUT=100 SEND_OK=100", "DELIVERED=200");
}
#[test]
fn preset_flush_slave_client_timeout() {
    check("flush-slave-client-timeout", "EXCEPTION=100 SEND_OK=100", "DELIVERED=101 DUPLICATED=99");
}
#[test]
fn preset_flush_disk_timeout() {
    check("flush-disk-timeout", "FLUSH_DISK_TIMEOUT=100 SEND_OK=100", "DELIVERED=200");
}
#[test]
fn preset_flush_disk_client_timeout() {
    check("flush-disk-client-timeout", "EXCEPTION=100 SEND_OK=100", "DELIVERED=101 DUPLICATED=99");
}
#[test]
fn preset_async_flush_power_loss() {
    check("async-flush-power-loss", "SEND_OK=300", "DELIVERED=251 LOST_AFTER_ACK=49");
}
#[test]
fn preset_async_flush_process_crash() {
    check("async-flush-process-crash", "SEND_OK=300", "DELIVERED=300");
}
#[test]
fn preset_sync_flush_power_loss() {
    check("sync-flush-power-loss", "SEND_OK=300", "DELIVERED=300");
}
#[test]
fn preset_book_recommendation() {
    check("book-recommendation", "SEND_OK=300", "DELIVERED=300");
}
#[test]
fn preset_book_recommendation_master_restarts() {
    check("book-recommendation-master-restarts", "SEND_OK=300", "DELIVERED=251 LOST_AFTER_ACK=49");
}
#[test]
fn preset_both_machines_lose_power() {
    check("both-machines-lose-power", "SEND_OK=300", "DELIVERED=251 LOST_AFTER_ACK=49");
}
#[test]
fn preset_async_master_disk_lost() {
    check("async-master-disk-lost", "SEND_OK=300", "DELIVERED=291 LOST_AFTER_ACK=9");
}
#[test]
fn preset_async_master_push_window() {
    check("async-master-push-window", "EXCEPTION=50 SEND_OK=250", "DELIVERED=201 LOST_AFTER_ACK=49 LOST_UNACKED=50");
}
#[test]
fn preset_slave_falls_behind_burst() {
    check("slave-falls-behind-burst", "SEND_OK=135 SLAVE_NOT_AVAILABLE=165", "DELIVERED=300");
}
#[test]
fn preset_transient_store_pool_process_crash() {
    check("transient-store-pool-process-crash", "SEND_OK=300", "DELIVERED=290 LOST_AFTER_ACK=10");
}
#[test]
fn preset_sync_master_disk_lost() {
    check("sync-master-disk-lost", "EXCEPTION=10 SEND_OK=290", "DELIVERED=295 LOST_UNACKED=5");
}
#[test]
fn preset_poison_message_dlq() {
    check("poison-message-dlq", "SEND_OK=10", "DEAD_LETTERED=1 DELIVERED=9");
}
#[test]
fn preset_max_reconsume_3() {
    check("max-reconsume-3", "SEND_OK=5", "DEAD_LETTERED=1 DELIVERED=4");
}
#[test]
fn preset_consumer_crash_duplicates() {
    check("consumer-crash-duplicates", "SEND_OK=300", "DUPLICATED=300");
}
#[test]
fn preset_async_send_compensation() {
    check("async-send-compensation", "SEND_OK=200", "DELIVERED=200");
}
#[test]
fn preset_master_down_sync_send() {
    check("master-down-sync-send", "EXCEPTION=100 SEND_OK=100", "DELIVERED=100 LOST_UNACKED=100");
}
#[test]
fn preset_oneway_power_loss() {
    check("oneway-power-loss", "NO_REPLY=300", "DELIVERED=100 LOST_UNACKED=200");
}
#[test]
fn preset_retry_then_success() {
    let r = check("retry-then-success", "SEND_OK=10", "DELIVERED=10");
    assert_eq!(r.summary.reconsumes, 20);
}
#[test]
fn preset_dlq_compensation() {
    let (sim, r) = run(&preset("dlq-compensation"));
    assert_eq!(verdicts(&r), "DEAD_LETTERED=1 DELIVERED=9");
    assert!(sim.ledger().messages.iter().any(|m| m.compensated_at().is_some()), "the DLQ consumer compensated");
}

#[test]
fn every_preset_is_tested_here() {
    let src = include_str!("presets.rs");
    for p in rmq_sim::scenario::presets::all() {
        assert!(src.contains(&format!("\"{}\"", p.id)), "preset {} has no scenario test", p.id);
    }
}

// ---- issue 19: the RocketMQ 5.3.3 and 4.7.0 presets (spec rocketmq-5.md §6 items 1–4) ----

#[test]
fn preset_v5_sync_master_upgrade_trap() {
    // sync-master-disk-lost on 4.9.8: SEND_OK=290, no LOST_AFTER_ACK.
    let r = check("v5-sync-master-upgrade-trap", "SEND_OK=300", "DELIVERED=291 LOST_AFTER_ACK=9");
    let lost = r.messages.iter().find(|m| m.verdict == "LOST_AFTER_ACK").unwrap();
    let cause = lost.cause.as_deref().unwrap();
    assert!(cause.contains("inSyncReplicas = 1") && cause.contains("inSyncReplicas = 2"), "{cause}");
    let mut on_498 = preset("v5-sync-master-upgrade-trap");
    on_498.version = rmq_sim::RocketMqVersion::V4_9_8;
    let (_, r) = run(&on_498);
    assert_eq!(r.summary.verdicts["LOST_AFTER_ACK"], 0, "4.9.8 keeps them: {}", verdicts(&r));
}
#[test]
fn preset_v5_slave_unreadable() {
    let r = check("v5-slave-unreadable", "EXCEPTION=10 SEND_OK=290", "LOST_UNACKED=5 UNRESOLVED=295");
    let stuck = r.messages.iter().find(|m| m.verdict == "UNRESOLVED").unwrap();
    assert!(stuck.cause.as_deref().unwrap().contains("slaveReadEnable = false"), "{:?}", stuck.cause);
    let mut readable = preset("v5-slave-unreadable");
    readable.slave.slave_read_enable = true;
    let (_, r) = run(&readable);
    assert_eq!(verdicts(&r), "DELIVERED=295 LOST_UNACKED=5");
}
#[test]
fn preset_v5_in_sync_replicas_slave_down() {
    check("v5-in-sync-replicas-slave-down", "FLUSH_SLAVE_TIMEOUT=80 SEND_OK=20", "DELIVERED=100");
}
#[test]
fn preset_v5_acting_master_degrades() {
    check("v5-acting-master-degrades", "SEND_OK=100", "DELIVERED=100");
}
#[test]
fn preset_v470_flush_slave_timeout_5s() {
    check("v470-flush-slave-timeout-5s", "FLUSH_SLAVE_TIMEOUT=100 SEND_OK=100", "DELIVERED=200");
}

// ---- issue 20: controller mode (spec rocketmq-5.md §4, §6 item 5) ----

#[test]
fn preset_v5_controller_failover_all_ack() {
    // No LOST_AFTER_ACK: every SEND_OK message was on the elected slave.
    check("v5-controller-failover-all-ack", "EXCEPTION=129 SEND_OK=171", "DELIVERED=170 DUPLICATED=1 LOST_UNACKED=129");
}
#[test]
fn preset_v5_controller_failover_truncated() {
    let (sim, r) = run(&preset("v5-controller-failover-truncated"));
    assert_eq!(statuses(&r), "EXCEPTION=51 SEND_OK=249");
    assert_eq!(verdicts(&r), "DELIVERED=201 LOST_AFTER_ACK=48 LOST_UNACKED=51");
    let truncated = sim.ledger().messages.iter().filter(|m| m.verdict == Some(rmq_sim::ledger::Verdict::LostAfterAck)).all(|m| {
        m.lost().iter().any(|(_, why)| matches!(why, rmq_sim::event::LossReason::TruncatedOnRejoin { .. }))
    });
    assert!(truncated, "every acknowledged loss is a truncation on rejoin");
}
#[test]
fn preset_v5_controller_unclean_election() {
    check("v5-controller-unclean-election", "EXCEPTION=50 SEND_OK=250", "DELIVERED=9 LOST_AFTER_ACK=241 LOST_UNACKED=50");
}
#[test]
fn preset_v5_controller_lost_with_master() {
    check("v5-controller-lost-with-master", "EXCEPTION=222 SEND_OK=78", "DELIVERED=77 DUPLICATED=1 LOST_UNACKED=222");
}
#[test]
fn preset_v5_grpc_poison_message() {
    check("v5-grpc-poison-message", "SEND_OK=10", "DEAD_LETTERED=1 DELIVERED=9");
    let sc = preset("v5-grpc-poison-message");
    let (sim, _) = run(&sc);
    let at = |f: &dyn Fn(&rmq_sim::EventKind) -> bool| sim.events().iter().filter(|e| f(&e.kind)).map(|e| e.at).collect::<Vec<_>>();
    let d = at(&|k| matches!(k, rmq_sim::EventKind::Delivered { msg: rmq_sim::MsgId(3), .. }));
    assert_eq!(d.len(), 17);
    let dlq = at(&|k| matches!(k, rmq_sim::EventKind::DeadLettered { .. }))[0];
    let mins = |t: rmq_sim::SimTime| t.since(d[0]).as_us() / 60_000_000;
    assert_eq!((mins(d[1]) , mins(d[16]), mins(dlq)), (0, 106, 166), "first retry within a minute, 17th at 1h46m, DLQ at 2h46m");
    // The same poison message under the remoting consumer (preset poison-message-dlq): 4 h 45 min.
    let (rsim, _) = run(&preset("poison-message-dlq"));
    let rdlq = rsim.events().iter().find(|e| matches!(e.kind, rmq_sim::EventKind::DeadLettered { .. })).unwrap().at;
    assert!(rdlq.since(dlq).as_us() > 3_600_000_000 * 3 / 2, "remoting dead-letters ~2 h later");
}
#[test]
fn preset_v5_grpc_flush_disk_stall() {
    let r = check("v5-grpc-flush-disk-stall", "EXCEPTION=5 SEND_OK=1", "DELIVERED=1 DUPLICATED=5");
    let grpc = r.grpc.as_ref().unwrap();
    assert_eq!((grpc.copies_stored, grpc.resend_duplicates), (16, 10));
    assert!(r.messages[1..].iter().all(|m| m.copies_stored == Some(3) && m.error_code == Some("DEADLINE_EXCEEDED")));
}
#[test]
fn preset_v5_remoting_flush_disk_stall() {
    // The comparison lane: the same exceptions, one copy each.
    check("v5-remoting-flush-disk-stall", "EXCEPTION=5 SEND_OK=1", "DELIVERED=6");
}
#[test]
fn preset_v5_grpc_master_persistence_timeout() {
    let r = check("v5-grpc-master-persistence-timeout", "EXCEPTION=20 SEND_OK=10", "DELIVERED=10 DUPLICATED=20");
    assert_eq!(r.grpc.as_ref().unwrap().error_codes.get("MASTER_PERSISTENCE_TIMEOUT"), Some(&20));
}

// ---- issue 24 item 3: guided tours written in the preset files ----

#[test]
fn every_tour_stops_inside_its_run_and_speaks_both_languages() {
    let toured: Vec<&str> = rmq_sim::scenario::presets::all().iter().filter(|p| preset(p.id).tour.is_some()).map(|p| p.id).collect();
    assert!(toured.len() >= 7, "the guide's presets carry tours: {toured:?}");
    for id in toured {
        let sc = preset(id);
        let tour = sc.tour.as_ref().unwrap();
        let (sim, _) = run(&sc);
        assert!(!tour.question.zh.is_empty(), "{id}: the question in Chinese");
        assert!(!tour.steps.is_empty(), "{id}: a tour says something during the run");
        for st in &tour.steps {
            assert!(st.at <= sim.now(), "{id}: a step at {} comes after the run ends at {}", st.at, sim.now());
            assert!(!st.text.zh.is_empty(), "{id}: step at {} in Chinese", st.at);
        }
    }
}

#[test]
fn whole_path_tour_stops_at_its_key_moments() {
    // The first run's tour (issue 24 items 2–3): a step at each moment of the story, at the time
    // of the event that tells it.
    let sc = preset("whole-path");
    let tour = sc.tour.as_ref().expect("the default preset carries a tour");
    assert_eq!(tour.predict, rmq_sim::Verdict::LostAfterAck);
    let (sim, _) = run(&sc);
    let at = |what: &str| sim.events().iter().find(|e| e.to_string().contains(what)).unwrap_or_else(|| panic!("no event {what:?}")).at;
    for (moment, event) in [
        ("the power cut", "master lost power"),
        ("the slave's copies not brought back", "master restarted, recovered"),
        ("the first failure", "RECONSUME_LATER"),
        ("the retry", "from %RETRY%"),
        ("the DLQ", "to %DLQ% after"),
    ] {
        let t = at(event);
        assert!(tour.steps.iter().any(|s| s.at == t), "a step at {moment} ({t})");
    }
}
