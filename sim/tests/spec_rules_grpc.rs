//! One test per rule of `shared/spec/rocketmq-5.md` §5, the producer half: the gRPC producer of
//! `apache/rocketmq-clients` through the proxy (`[producer] client = "grpc"`, 5.3.3). The model
//! is in `sim/src/sim/grpc_producer.rs` and `sim/src/sim/proxy.rs`.

mod common;
use common::*;

use rmq_sim::event::{EventKind, SendError, Topic};
use rmq_sim::ledger::{Answer, Verdict};
use rmq_sim::scenario::parse::scenario_to_toml;
use rmq_sim::scenario::parse_scenario;
use rmq_sim::text::Lang;
use rmq_sim::{Sim, SimDuration, SimTime};

/// 5.3.3, `SYNC_FLUSH`, the master's disk completes no flush from 1 s for 10 s; 200 sends 10 ms
/// apart (100 of them in the stall). `producer` and `proxy` add keys to those sections.
fn disk_stall(producer: &str, proxy: &str) -> rmq_sim::Scenario {
    stall_for("10s", producer, proxy)
}

/// [`disk_stall`] with a stall of `duration`.
fn stall_for(duration: &str, producer: &str, proxy: &str) -> rmq_sim::Scenario {
    grpc_sync_flush(
        "1m",
        &format!("messages = 200\n{producer}"),
        &format!(
            r#"
            [proxy]
            {proxy}
            [[fault]]
            at = "1s"
            kind = "DISK_STALL"
            target = "master"
            duration = "{duration}"
            "#
        ),
    )
}

/// 5.3.3, a `SYNC_FLUSH` master and the gRPC producer with `producer`'s keys, run for `until`;
/// `rest` adds sections and faults.
fn grpc_sync_flush(until: &str, producer: &str, rest: &str) -> rmq_sim::Scenario {
    scenario(&format!(
        r#"
        version = "5.3.3"
        until = "{until}"
        [broker]
        flushDiskType = "SYNC_FLUSH"
        [producer]
        client = "grpc"
        {producer}
        {rest}
        "#
    ))
}

/// Main-topic copies the broker stored of `msg`.
fn copies(sim: &Sim, msg: u32) -> usize {
    sim.copies().iter().filter(|c| c.msg.0 == msg && c.topic == Topic::Main).count()
}

/// (attempt, error) of each failed attempt of `msg`, with when it failed.
fn failures(sim: &Sim, msg: u32) -> Vec<(SimTime, u32, SendError)> {
    sim.events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::AttemptFailed { msg: m, attempt, error } if m.0 == msg => Some((e.at, attempt, error)),
            _ => None,
        })
        .collect()
}

fn attempts_sent(sim: &Sim, msg: u32) -> Vec<SimTime> {
    sim.events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::SendAttempted { msg: m, .. } if m.0 == msg => Some(e.at),
            _ => None,
        })
        .collect()
}

fn parse_err(toml: &str) -> String {
    match parse_scenario(toml) {
        Ok(_) => panic!("should be refused:\n{toml}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn grpc_producer_exists_only_on_5_3_3() {
    for version in ["4.7.0", "4.9.8"] {
        let e = parse_err(&format!("version = \"{version}\"\n[producer]\nclient = \"grpc\"\n"));
        assert!(e.contains("producer.client") && e.contains("5.3.3"), "{e}");
    }
    let e = parse_err("[proxy]\nproxyMode = \"LOCAL\"\n");
    assert!(e.contains("proxy.proxyMode"), "{e}");
    let sc = scenario("version = \"5.3.3\"\n[producer]\nclient = \"grpc\"\n");
    assert_eq!((sc.producer.max_attempts, sc.producer.request_timeout), (3, SimDuration::from_ms(3_000)));
}

#[test]
fn grpc_knobs_refuse_bad_values_naming_the_field() {
    let grpc = |keys: &str| format!("version = \"5.3.3\"\n[producer]\nclient = \"grpc\"\n{keys}\n");
    for (keys, field) in [
        ("maxAttempts = 0", "producer.maxAttempts"),
        ("maxAttempts = -1", "producer.maxAttempts"),
        ("requestTimeout = 0", "producer.requestTimeout"),
        ("sendMsgTimeout = 10000", "producer.sendMsgTimeout"),
        ("retryTimesWhenSendFailed = 5", "producer.retryTimesWhenSendFailed"),
        ("retryAnotherBrokerWhenNotStoreOK = true", "producer.retryAnotherBrokerWhenNotStoreOK"),
        ("sendMode = \"ONEWAY\"", "producer.sendMode"),
    ] {
        let e = parse_err(&grpc(keys));
        assert!(e.contains(field), "{keys}: {e}");
    }
    let e = parse_err("version = \"5.3.3\"\n[producer]\nmaxAttempts = 5\n");
    assert!(e.contains("producer.maxAttempts") && e.contains("grpc"), "{e}");
    let e = parse_err("version = \"5.3.3\"\n[producer]\nclient = \"http\"\n");
    assert!(e.contains("producer.client"), "{e}");
    let e = parse_err("version = \"5.3.3\"\n[proxy]\nproxyMode = \"EMBEDDED\"\n");
    assert!(e.contains("proxy.proxyMode"), "{e}");
}

#[test]
fn grpc_scenario_round_trips_through_toml() {
    let sc = disk_stall("maxAttempts = 5\nrequestTimeout = 7000", "proxyMode = \"LOCAL\"");
    let back = scenario(&scenario_to_toml(&sc));
    assert_eq!(back, sc);
}

#[test]
fn grpc_resends_at_once_up_to_max_attempts_and_each_attempt_is_stored() {
    let sim = run(&disk_stall("", "")).0;
    // msg 100 is sent at 1 s, in the stall: three attempts, each sent the instant the last failed.
    let sent = attempts_sent(&sim, 100);
    let failed = failures(&sim, 100);
    assert_eq!(sent.len(), 3);
    assert_eq!(failed.len(), 3);
    assert_eq!(sent[1], failed[0].0);
    assert_eq!(sent[2], failed[1].0);
    assert_eq!(copies(&sim, 100), 3, "every attempt reached the broker and was appended");
    let rec = sim.ledger().get(rmq_sim::event::MsgId(100));
    assert!(matches!(rec.answer, Some((_, Answer::Exception(SendError::DeadlineExceeded)))));
    assert_eq!(rec.verdict, Some(Verdict::Duplicated));
    // maxAttempts = 5 in a 20 s stall: five copies.
    let sim = run(&stall_for("20s", "maxAttempts = 5", "")).0;
    assert_eq!((attempts_sent(&sim, 100).len(), copies(&sim, 100)), (5, 5));
    // maxAttempts = 5 in the 10 s stall: the 4th attempt (at 10 s) is flushed when the stall
    // ends (11 s), within its own 3 s: a receipt, and four copies.
    let sim = run(&disk_stall("maxAttempts = 5", "")).0;
    assert_eq!((attempts_sent(&sim, 100).len(), copies(&sim, 100)), (4, 4));
    let rec = sim.ledger().get(rmq_sim::event::MsgId(100));
    assert!(matches!(rec.answer, Some((_, Answer::Status(rmq_sim::SendStatus::SendOk)))));
    // maxAttempts = 1: no resend, one copy, still an exception.
    let sim = run(&disk_stall("maxAttempts = 1", "")).0;
    assert_eq!((attempts_sent(&sim, 100).len(), copies(&sim, 100)), (1, 1));
    assert_eq!(sim.ledger().get(rmq_sim::event::MsgId(100)).verdict, Some(Verdict::Delivered));
}

#[test]
fn grpc_request_timeout_bounds_each_attempt_not_the_send() {
    let sim = run(&disk_stall("", "")).0;
    let first = attempts_sent(&sim, 100)[0];
    let failed: Vec<SimDuration> = failures(&sim, 100).iter().map(|f| f.0.since(first)).collect();
    let secs = |s: u64| SimDuration::from_ms(s * 1_000);
    assert_eq!(failed, vec![secs(3), secs(6), secs(9)]);
    assert!(failures(&sim, 100).iter().all(|f| f.2 == SendError::DeadlineExceeded));
    // requestTimeout = 2 s: 2, 4, 6 s.
    let sim = run(&disk_stall("requestTimeout = 2000", "")).0;
    let first = attempts_sent(&sim, 100)[0];
    let failed: Vec<SimDuration> = failures(&sim, 100).iter().map(|f| f.0.since(first)).collect();
    assert_eq!(failed, vec![secs(2), secs(4), secs(6)]);
}

#[test]
fn proxy_turns_flush_disk_timeout_into_master_persistence_timeout() {
    // A local proxy waits for the broker; requestTimeout 10 s outlasts syncFlushTimeout (5 s);
    // the stall (20 s) outlasts three attempts of 5 s.
    let sc = stall_for("20s", "requestTimeout = 10000", "proxyMode = \"LOCAL\"");
    let sim = run(&sc).0;
    let answered = sim.events().iter().find_map(|e| match e.kind {
        EventKind::ProxyAnswered { msg, attempt: 1, from, code } if msg.0 == 100 => Some((from, code)),
        _ => None,
    });
    assert_eq!(answered, Some(("FLUSH_DISK_TIMEOUT", "MASTER_PERSISTENCE_TIMEOUT")));
    let f = failures(&sim, 100);
    assert_eq!(f.len(), 3);
    assert!(f.iter().all(|f| f.2 == SendError::MasterPersistenceTimeout), "{f:?}");
    assert_eq!(copies(&sim, 100), 3);
    let r = run(&sc).1;
    let m = &r.messages[100];
    assert_eq!((m.send_status, m.error_code, m.copies_stored), ("EXCEPTION", Some("MASTER_PERSISTENCE_TIMEOUT"), Some(3)));
}

#[test]
fn proxy_turns_flush_slave_timeout_into_slave_persistence_timeout() {
    let sc = scenario(
        r#"
        version = "5.3.3"
        until = "1m"
        [broker]
        brokerRole = "SYNC_MASTER"
        totalReplicas = 2
        inSyncReplicas = 2
        [slave]
        enabled = true
        [producer]
        client = "grpc"
        messages = 40
        interval = "50ms"
        requestTimeout = 10000
        [proxy]
        proxyMode = "LOCAL"
        [[fault]]
        at = "1s"
        kind = "SLAVE_DOWN"
        target = "slave"
        "#,
    );
    let sim = run(&sc).0;
    let f = failures(&sim, 30);
    assert_eq!(f.len(), 3, "{f:?}");
    assert!(f.iter().all(|f| f.2 == SendError::SlavePersistenceTimeout), "{f:?}");
    assert_eq!(copies(&sim, 30), 3);
}

#[test]
fn cluster_proxy_times_out_its_broker_call_at_its_response_table_scan() {
    // requestTimeout 10 s: the client outlasts the proxy, which gives up on the broker
    // 2 s + 1 s after the call, at its next 1 s scan, and answers PROXY_TIMEOUT.
    let sim = run(&disk_stall("requestTimeout = 10000", "proxyMode = \"CLUSTER\"")).0;
    let first = attempts_sent(&sim, 100)[0];
    let f = failures(&sim, 100);
    assert_eq!(f[0].2, SendError::ProxyTimeout);
    let after = f[0].0.since(first);
    assert!(after >= SimDuration::from_ms(3_000) && after <= SimDuration::from_ms(4_002), "{after}");
    // The broker's FLUSH_DISK_TIMEOUT comes after the proxy gave up: dropped, never a code.
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::ProxyAnswered { code: "MASTER_PERSISTENCE_TIMEOUT", .. })));
    assert_eq!(copies(&sim, 100), 3);
}

#[test]
fn proxy_maps_every_broker_answer_to_its_code() {
    // The default run's answers: OK before and after the stall, never a SendStatus.
    let sim = run(&disk_stall("", "")).0;
    assert!(!sim.events().iter().any(|e| matches!(e.kind, EventKind::SendAnswered { status, .. } if status != rmq_sim::SendStatus::SendOk)));
    assert!(sim.events().iter().any(|e| matches!(e.kind, EventKind::ProxyAnswered { from: "SEND_OK", code: "OK", .. })));
}

#[test]
fn local_proxy_dies_with_the_broker_and_a_cluster_proxy_answers_internal_server_error() {
    let crash = |mode: &str| {
        grpc_sync_flush(
            "2m",
            "messages = 100",
            &format!(
                r#"
            [proxy]
            proxyMode = "{mode}"
            [[fault]]
            at = "300ms"
            kind = "DISK_STALL"
            target = "master"
            duration = "10s"
            [[fault]]
            at = "500ms"
            kind = "PROCESS_CRASH"
            target = "master"
            duration = "5s"
            "#
            ),
        )
    };
    let errors = |sim: &Sim| -> std::collections::BTreeSet<SendError> {
        sim.events().iter().filter_map(|e| match e.kind { EventKind::AttemptFailed { error, .. } => Some(error), _ => None }).collect()
    };
    let local = run(&crash("LOCAL")).0;
    assert!(errors(&local).contains(&SendError::Unavailable), "{:?}", errors(&local));
    assert!(!errors(&local).contains(&SendError::InternalServerError));
    let cluster = run(&crash("CLUSTER")).0;
    assert!(errors(&cluster).contains(&SendError::InternalServerError), "{:?}", errors(&cluster));
    assert!(!errors(&cluster).contains(&SendError::Unavailable));
}

#[test]
fn resend_duplicates_are_counted_and_explained_in_both_languages() {
    let (sim, r) = run(&disk_stall("", ""));
    let grpc = r.grpc.as_ref().expect("grpc section");
    assert_eq!(grpc.copies_stored, 400);
    assert_eq!(grpc.resend_duplicates, 200);
    assert_eq!(grpc.error_codes.get("DEADLINE_EXCEEDED"), Some(&100));
    assert_eq!(grpc.receipts, 100);
    assert_eq!(r.producer_client, Some("grpc"));
    let rec = sim.ledger().get(rmq_sim::event::MsgId(100));
    let en = rec.explain(Lang::En);
    let zh = rec.explain(Lang::Zh);
    assert!(en.contains("consumed 3 times") && en.contains("DEADLINE_EXCEEDED") && en.contains("3 copies stored"), "{en}");
    assert!(zh.contains("3 份副本") && zh.contains("DEADLINE_EXCEEDED"), "{zh}");
    assert!(r.messages[100].cause.as_deref().unwrap().contains("resent it at once"));
}

#[test]
fn the_remoting_client_on_5_3_3_stores_once_per_attempt_within_one_budget() {
    // The same stall with the remoting client: one 3 s budget per send, so no resend after the
    // first timeout (failFast retries aside) and no "grpc" section in the report.
    let mut sc = disk_stall("", "");
    sc.producer.client = rmq_sim::scenario::Client::Remoting;
    let (sim, r) = run(&sc);
    assert_eq!(r.grpc, None);
    assert_eq!(r.producer_client, None);
    assert_eq!(copies(&sim, 100), 1);
    assert_eq!(attempts_sent(&sim, 100).len(), 1);
}

#[test]
fn too_many_requests_is_resent_after_the_proxys_backoff() {
    // 10,050 sends at once into a stalled SYNC_FLUSH disk: the broker holds 10,000 puts, then
    // answers SYSTEM_BUSY, which the cluster proxy turns into TOO_MANY_REQUESTS; the client waits
    // 10 ms × 2^(attempt − 1) (20 ms, then 40 ms) before each resend instead of resending at once.
    let sc = grpc_sync_flush(
        "2m",
        "messages = 10050\ninterval = \"0ms\"\nrequestTimeout = 20000",
        r#"
        [[fault]]
        at = "0ms"
        kind = "DISK_STALL"
        target = "master"
        duration = "30s"
        "#,
    );
    let mut sim = Sim::new(&sc);
    sim.run();
    let last = 10_049;
    let f = failures(&sim, last);
    assert_eq!(f.len(), 3, "{f:?}");
    assert!(f.iter().all(|f| f.2 == SendError::TooManyRequests), "{f:?}");
    let sent = attempts_sent(&sim, last);
    assert_eq!(sent[1].since(f[0].0), SimDuration::from_ms(20));
    assert_eq!(sent[2].since(f[1].0), SimDuration::from_ms(40));
    assert_eq!(copies(&sim, last), 0, "a refused put stores nothing");
    let rec = sim.ledger().get(rmq_sim::event::MsgId(last));
    assert!(matches!(rec.answer, Some((_, Answer::Exception(SendError::TooManyRequests)))));
    // (A local proxy answers INTERNAL_SERVER_ERROR instead, resent at once: the mapping's unit
    // test in sim/src/sim/proxy.rs; a second 10,000-message run would double this test's time.)
}
