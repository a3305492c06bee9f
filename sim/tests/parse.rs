//! Scenario files, broker.conf imports and presets: every refusal names its field and line, the
//! presets round-trip through `scenario_to_toml`, and no input makes the parser panic.

use rmq_sim::scenario::broker_conf::import_broker_conf;
use rmq_sim::scenario::parse::scenario_to_toml;
use rmq_sim::scenario::{
    parse_scenario, presets, BrokerRole, FailWith, FaultKind, FaultTarget, FlushDiskType,
    OnException, Scenario, ScenarioError, SendMode,
};
use rmq_sim::time::{SimDuration, SimTime};

fn err(text: &str) -> ScenarioError {
    match parse_scenario(text) {
        Ok(s) => panic!("expected an error, parsed {s:?}"),
        Err(e) => e,
    }
}

/// Asserts the field and line of the refusal and that the reason mentions `needle`.
fn assert_err(text: &str, field: &str, line: Option<usize>, needle: &str) {
    let e = err(text);
    assert_eq!(e.field, field, "{e}");
    assert_eq!(e.line, line, "{e}");
    assert!(e.reason.contains(needle), "reason `{}` lacks `{needle}`", e.reason);
}

#[test]
fn empty_file_is_the_defaults_with_a_neutral_name() {
    let s = parse_scenario("").unwrap();
    assert_eq!(s, Scenario { name: "Custom scenario".to_string(), ..Scenario::default() });
}

#[test]
fn every_section_reads_its_rocketmq_names() {
    let s = parse_scenario(
        r#"
name = "all keys"
seed = 7
until = "90s"
[broker]
flushDiskType = "SYNC_FLUSH"
brokerRole = "SYNC_MASTER"
syncFlushTimeout = "5s"
slaveTimeout = 2500
flushIntervalCommitLog = 200
flushCommitLogLeastPages = 0
flushCommitLogThoroughInterval = "1s"
haMaxGapNotInSync = 1024
haHousekeepingInterval = 20000
haSendHeartbeatInterval = 5000
messageDelayLevel = "1s 2s 3s 1d"
[disk]
flushLatencyMin = "1ms"
flushLatencyMax = "3ms"
flushBytesPerMs = 1000
[slave]
enabled = true
replicationLatency = "250us"
flushDiskType = "SYNC_FLUSH"
[network]
latency = 2
[producer]
sendMode = "ASYNC"
messages = 20
interval = "1.5ms"
bodySize = 100
sendMsgTimeout = 10000
retryTimesWhenSendFailed = 0
retryTimesWhenSendAsyncFailed = 5
retryAnotherBrokerWhenNotStoreOK = true
onException = "PERSIST_AND_RESEND"
resendDelay = "1m"
resendMaxTimes = 3
[consumer]
enabled = true
group = "%RETRY%|my-group_1"
startAt = "1s"
maxReconsumeTimes = -1
consumeTime = "0ms"
failPercent = 50
failMessages = [1, 19]
failFirstAttempts = 1
failWith = "EXCEPTION"
dlqConsumer = true
persistConsumerOffsetInterval = 1000
pullBatchSize = 1
consumeThread = 1
pullThresholdForQueue = 10
pullThresholdSizeForQueue = 2
consumeConcurrentlyMaxSpan = 30
[[fault]]
at = "3s"
kind = "DISK_SLOW"
duration = 500
factor = 3
[[fault]]
at = 0
kind = "NETWORK_PARTITION"
target = "producer"
"#,
    )
    .unwrap();
    assert_eq!((s.name.as_str(), s.seed, s.until), ("all keys", 7, SimTime::from_ms(90_000)));
    let b = &s.broker;
    assert_eq!(
        (b.flush_disk_type, b.broker_role),
        (FlushDiskType::SyncFlush, BrokerRole::SyncMaster)
    );
    assert_eq!(b.slave_timeout, SimDuration::from_ms(2_500));
    assert_eq!(b.flush_commit_log_thorough_interval, SimDuration::from_secs(1));
    assert_eq!(b.ha_slave_fallbehind_max_bytes, 1_024);
    assert_eq!(b.message_delay_level.last(), Some(&SimDuration::from_secs(86_400)));
    assert_eq!(s.disk.flush_latency_max, SimDuration::from_ms(3));
    assert_eq!(s.slave.replication_latency, SimDuration::from_us(250));
    assert_eq!(s.network.latency, SimDuration::from_ms(2));
    assert_eq!(s.producer.send_mode, SendMode::Async);
    assert_eq!(s.producer.interval, SimDuration::from_us(1_500));
    assert_eq!(s.producer.on_exception, OnException::PersistAndResend);
    assert_eq!(s.consumer.max_reconsume_times, 16);
    assert_eq!(s.consumer.fail_messages, vec![1, 19]);
    assert_eq!(s.consumer.fail_with, FailWith::Exception);
    let c = &s.consumer;
    assert_eq!((c.pull_threshold_for_queue, c.pull_threshold_size_for_queue, c.consume_concurrently_max_span), (10, 2, 30));
    assert_eq!(s.faults.len(), 2);
    assert_eq!((s.faults[0].target, s.faults[0].factor), (FaultTarget::Master, 3));
    assert_eq!(s.faults[0].duration, Some(SimDuration::from_ms(500)));
    assert_eq!((s.faults[1].kind, s.faults[1].duration), (FaultKind::NetworkPartition, None));
    assert_eq!(parse_scenario(&scenario_to_toml(&s)), Ok(s));
}

#[test]
fn unknown_key_suggests_the_nearest_name() {
    assert_err(
        "[broker]\nflushDiskTyp = \"SYNC_FLUSH\"\n",
        "broker.flushDiskTyp",
        Some(2),
        "did you mean `flushDiskType`?",
    );
    assert_err("seed = 1\nuntill = \"1h\"\n", "untill", Some(2), "did you mean `until`?");
    assert_err(
        "[[fault]]\nat = \"1s\"\nkind = \"POWER_LOSS\"\ntarge = \"master\"\n",
        "fault[1].targe",
        Some(4),
        "`target`",
    );
    assert_err("[producer]\nsendmode = \"SYNC\"\n", "producer.sendmode", Some(2), "`sendMode`");
}

#[test]
fn unknown_table_is_refused() {
    assert_err("seed = 1\n\n[namesrv]\naddr = \"x\"\n", "namesrv", Some(3), "unknown key or table");
    assert_err("[broker]\nx = 1\n", "broker.x", Some(2), "unknown key");
    assert_err("[fault]\nat = \"1s\"\n", "fault", Some(1), "[[fault]]");
    assert_err("broker = 3\n", "broker", Some(1), "expected a table");
}

#[test]
fn wrong_types_are_refused() {
    assert_err("seed = \"x\"\n", "seed", Some(1), "not an unsigned 64-bit integer");
    assert_err(
        "[producer]\nmessages = \"200\"\n",
        "producer.messages",
        Some(2),
        "expected an integer, found a string",
    );
    assert_err("[producer]\nmessages = 2.0\n", "producer.messages", Some(2), "found a float");
    assert_err("[slave]\nenabled = \"yes\"\n", "slave.enabled", Some(2), "true or false");
    assert_err(
        "[broker]\nsyncFlushTimeout = 1.5\n",
        "broker.syncFlushTimeout",
        Some(2),
        "a float is not a duration",
    );
    assert_err(
        "[broker]\nsyncFlushTimeout = true\n",
        "broker.syncFlushTimeout",
        Some(2),
        "found a boolean",
    );
    assert_err(
        "[broker]\nflushDiskType = 1\n",
        "broker.flushDiskType",
        Some(2),
        "expected a string",
    );
    assert_err(
        "[consumer]\nfailMessages = 3\n",
        "consumer.failMessages",
        Some(2),
        "expected an array",
    );
    assert_err(
        "[consumer]\nfailMessages = [\"3\"]\n",
        "consumer.failMessages",
        Some(2),
        "integer message ids",
    );
}

#[test]
fn bad_enum_values_list_the_accepted_ones() {
    assert_err(
        "[broker]\nflushDiskType = \"FAST\"\n",
        "broker.flushDiskType",
        Some(2),
        "`SYNC_FLUSH`, `ASYNC_FLUSH`",
    );
    assert_err(
        "[producer]\nsendMode = \"sync\"\n",
        "producer.sendMode",
        Some(2),
        "`SYNC`, `ASYNC`, `ONEWAY`",
    );
    assert_err(
        "[consumer]\nfailWith = \"X\"\n",
        "consumer.failWith",
        Some(2),
        "`RECONSUME_LATER`, `EXCEPTION`",
    );
    assert_err(
        "[[fault]]\nat = 1\nkind = \"CRASH\"\n",
        "fault[1].kind",
        Some(3),
        "`PROCESS_CRASH`",
    );
    assert_err(
        "[broker]\nbrokerRole = \"SLAVE\"\n",
        "broker.brokerRole",
        Some(2),
        "cannot be a SLAVE",
    );
}

#[test]
fn out_of_range_values_are_refused() {
    assert_err(
        "[producer]\nmessages = 0\n",
        "producer.messages",
        Some(2),
        "out of range; give 1 to 1000000",
    );
    assert_err("[producer]\nmessages = 1000001\n", "producer.messages", Some(2), "out of range");
    assert_err("[producer]\nbodySize = 4194305\n", "producer.bodySize", Some(2), "out of range");
    assert_err("[consumer]\nfailPercent = 101\n", "consumer.failPercent", Some(2), "0 to 100");
    assert_err(
        "[consumer]\npullBatchSize = 1025\n",
        "consumer.pullBatchSize",
        Some(2),
        "1 to 1024",
    );
    assert_err("[consumer]\nconsumeThread = 0\n", "consumer.consumeThread", Some(2), "1 to 1000");
    assert_err("[consumer]\npullThresholdForQueue = 0\n", "consumer.pullThresholdForQueue", Some(2), "1 to 65535");
    assert_err("[consumer]\npullThresholdSizeForQueue = 1025\n", "consumer.pullThresholdSizeForQueue", Some(2), "1 to 1024");
    assert_err("[consumer]\nconsumeConcurrentlyMaxSpan = 65536\n", "consumer.consumeConcurrentlyMaxSpan", Some(2), "1 to 65535");
    assert_err(
        "[consumer]\nmaxReconsumeTimes = -2\n",
        "consumer.maxReconsumeTimes",
        Some(2),
        "negative",
    );
    assert_err(
        "[consumer]\nmaxReconsumeTimes = 1001\n",
        "consumer.maxReconsumeTimes",
        Some(2),
        "out of range",
    );
    assert_err("[disk]\nflushBytesPerMs = 0\n", "disk.flushBytesPerMs", Some(2), "out of range");
    assert_err("until = \"8d\"\n", "until", Some(1), "unknown unit");
    assert_err("until = \"169h\"\n", "until", Some(1), "at most 7 days");
    assert_err("until = 0\n", "until", Some(1), "greater than zero");
    assert_err(
        "[broker]\nflushIntervalCommitLog = 0\n",
        "broker.flushIntervalCommitLog",
        Some(2),
        "greater than zero",
    );
    assert_err(
        "[broker]\nmessageDelayLevel = \" \"\n",
        "broker.messageDelayLevel",
        Some(2),
        "0 levels given",
    );
    assert_err(
        "[broker]\nmessageDelayLevel = \"1s 0s 5s\"\n",
        "broker.messageDelayLevel",
        Some(2),
        "level 2 is zero",
    );
    assert_err(
        "[consumer]\ngroup = \"my group\"\n",
        "consumer.group",
        Some(2),
        "^[%|a-zA-Z0-9_-]+$",
    );
    assert_err(
        &format!("[consumer]\ngroup = \"{}\"\n", "g".repeat(256)),
        "consumer.group",
        Some(2),
        "at most 255",
    );
    assert_err(
        "[producer]\nmessages = 5\n[consumer]\nfailMessages = [5]\n",
        "consumer.failMessages",
        Some(4),
        "does not exist",
    );
    assert_err(
        "[consumer]\nfailMessages = [1, 1]\n",
        "consumer.failMessages",
        Some(2),
        "listed twice",
    );
}

#[test]
fn durations_need_a_unit_or_an_integer_and_are_never_negative() {
    assert_err("[network]\nlatency = \"5\"\n", "network.latency", Some(2), "no unit");
    assert_err("[network]\nlatency = -1\n", "network.latency", Some(2), "negative");
    assert_err("[network]\nlatency = \"-1ms\"\n", "network.latency", Some(2), "negative");
    assert_err(
        "[producer]\ninterval = \"10 parsecs\"\n",
        "producer.interval",
        Some(2),
        "unknown unit",
    );
    assert_err(
        "[producer]\nsendMsgTimeout = 9223372036854775807\n",
        "producer.sendMsgTimeout",
        Some(2),
        "too large",
    );
    let s = parse_scenario("[network]\nlatency = 5\n").unwrap();
    assert_eq!(s.network.latency, SimDuration::from_ms(5));
}

#[test]
fn flush_latency_is_one_value_or_an_ordered_range() {
    assert_err(
        "[disk]\nflushLatencyMin = \"5ms\"\nflushLatencyMax = \"1ms\"\n",
        "disk.flushLatencyMin",
        Some(2),
        "greater than flushLatencyMax",
    );
    assert_err(
        "[disk]\nflushLatency = \"2ms\"\nflushLatencyMax = \"3ms\"\n",
        "disk.flushLatencyMax",
        Some(3),
        "not both",
    );
    let s = parse_scenario("[disk]\nflushLatency = \"7ms\"\n").unwrap();
    assert_eq!(
        (s.disk.flush_latency_min, s.disk.flush_latency_max),
        (SimDuration::from_ms(7), SimDuration::from_ms(7))
    );
}

#[test]
fn both_names_of_the_ha_gap_are_refused_together() {
    assert_err(
        "[broker]\nhaSlaveFallbehindMax = 1\nhaMaxGapNotInSync = 2\n",
        "broker.haMaxGapNotInSync",
        Some(3),
        "not both",
    );
    let s = parse_scenario("[broker]\nhaSlaveFallbehindMax = 5\n").unwrap();
    assert_eq!(s.broker.ha_slave_fallbehind_max_bytes, 5);
}

#[test]
fn fault_targets_must_fit_the_kind_and_the_topology() {
    let slave = "[slave]\nenabled = true\n";
    assert_err(
        &format!("{slave}[[fault]]\nat = 1\nkind = \"SLAVE_DOWN\"\ntarget = \"master\"\n"),
        "fault[1].target",
        Some(6),
        "SLAVE_DOWN cannot hit `master`; it accepts `slave`",
    );
    assert_err(
        &format!("{slave}[[fault]]\nat = 1\nkind = \"POWER_LOSS\"\ntarget = \"moon\"\n"),
        "fault[1].target",
        Some(6),
        "unknown target `moon`",
    );
    assert_err(
        &format!("{slave}[[fault]]\nat = 1\nkind = \"CONSUMER_CRASH\"\ntarget = \"slave\"\n"),
        "fault[1].target",
        Some(6),
        "accepts `consumer`",
    );
    // SLAVE_DOWN's default target is the slave: refused without one, pointing at the fault's header.
    assert_err(
        "[[fault]]\nat = 1\nkind = \"SLAVE_DOWN\"\n",
        "fault[1].target",
        Some(1),
        "no slave is configured",
    );
    let two = "[[fault]]\nat = 1\nkind = \"POWER_LOSS\"\n\n[[fault]]\nat = 2\nkind = \"NETWORK_PARTITION\"\ntarget = \"slave\"\n";
    assert_err(two, "fault[2].target", Some(8), "no slave is configured");
    assert_err(
        "[consumer]\nenabled = false\n[[fault]]\nat = 1\nkind = \"CONSUMER_CRASH\"\n",
        "fault[1].target",
        Some(3),
        "consumer.enabled = false",
    );
    assert_err("[[fault]]\nkind = \"POWER_LOSS\"\n", "fault[1].at", Some(1), "missing");
    assert_err("[[fault]]\nat = \"1s\"\n", "fault[1].kind", Some(1), "missing");
    assert_err(
        "[[fault]]\nat = 1\nkind = \"POWER_LOSS\"\nduration = 0\n",
        "fault[1].duration",
        Some(4),
        "greater than zero",
    );
    assert_err(
        &format!("{slave}[[fault]]\nat = 1\nkind = \"SLAVE_UP\"\nduration = \"1s\"\n"),
        "fault[1].duration",
        Some(6),
        "no duration",
    );
}

#[test]
fn fault_after_the_end_of_the_run_is_refused() {
    assert_err(
        "until = \"10s\"\n[[fault]]\nat = \"11s\"\nkind = \"POWER_LOSS\"\n",
        "fault[1].at",
        Some(3),
        "after `until`",
    );
    assert!(
        parse_scenario("until = \"10s\"\n[[fault]]\nat = \"10s\"\nkind = \"POWER_LOSS\"\n").is_ok()
    );
    assert_err(
        "until = \"10s\"\n[consumer]\nstartAt = \"11s\"\n",
        "consumer.startAt",
        Some(3),
        "after `until`",
    );
}

#[test]
fn factor_belongs_to_disk_slow_only() {
    assert_err(
        "[[fault]]\nat = 1\nkind = \"DISK_STALL\"\nfactor = 3\n",
        "fault[1].factor",
        Some(4),
        "only DISK_SLOW",
    );
    assert_err(
        "[[fault]]\nat = 1\nkind = \"DISK_SLOW\"\nfactor = 0\n",
        "fault[1].factor",
        Some(4),
        "out of range",
    );
    let s = parse_scenario("[[fault]]\nat = 1\nkind = \"DISK_SLOW\"\n").unwrap();
    assert_eq!(s.faults[0].factor, 10);
}

#[test]
fn dlq_consumer_needs_the_consumer_group() {
    assert_err(
        "[consumer]\nenabled = false\ndlqConsumer = true\n",
        "consumer.dlqConsumer",
        Some(3),
        "needs the consumer group",
    );
}

#[test]
fn too_many_faults_are_refused() {
    let text = "[[fault]]\nat = 1\nkind = \"POWER_LOSS\"\n".repeat(1_001);
    assert_err(&text, "fault", Some(1), "at most 1000");
    assert_eq!(parse_scenario(&text[..text.len() / 1_001 * 1_000]).unwrap().faults.len(), 1_000);
}

#[test]
fn toml_syntax_errors_carry_the_parser_line() {
    let e = err("seed = 1\n[broker]\nflushDiskType = \"SYNC_FLUSH\n");
    assert_eq!((e.field.as_str(), e.line), ("toml", Some(3)), "{e}");
    let e = err("seed = 1\nseed = 2\n");
    assert_eq!((e.field.as_str(), e.line), ("toml", Some(2)), "{e}");
    assert!(e.to_string().starts_with("toml (line 2): "), "{e}");
}

#[test]
fn keys_in_inline_tables_still_name_the_field() {
    let e = err("broker = { flushDiskType = \"FAST\" }\n");
    assert_eq!(e.field, "broker.flushDiskType");
    assert_eq!(e.line, Some(1), "falls back to the table's line");
}

#[test]
fn defaults_and_every_preset_round_trip_through_toml() {
    let mut all: Vec<Scenario> =
        presets::all().iter().map(|p| presets::load(p.id).unwrap()).collect();
    all.push(Scenario::default());
    let mut odd = Scenario {
        seed: u64::MAX,
        name: "quote \" back\\slash\nnew line".into(),
        ..Scenario::default()
    };
    odd.broker.sync_flush_timeout = SimDuration::from_us(1_500);
    odd.broker.message_delay_level = vec![SimDuration::from_us(1); 3];
    all.push(odd);
    for s in all {
        let text = scenario_to_toml(&s);
        assert_eq!(parse_scenario(&text).as_ref(), Ok(&s), "{text}");
    }
}

#[test]
fn written_files_use_units_and_integer_ms_knobs() {
    let text = scenario_to_toml(&Scenario::default());
    for line in [
        "until = \"6h\"",
        "syncFlushTimeout = 5000",
        "interval = \"10ms\"",
        "messageDelayLevel = \"1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h\"",
    ] {
        assert!(text.lines().any(|l| l == line), "missing `{line}` in\n{text}");
    }
}

#[test]
fn no_prefix_of_any_preset_panics() {
    for p in presets::all() {
        let src = p.source;
        for end in (0..=src.len()).filter(|&i| src.is_char_boundary(i)) {
            let _ = parse_scenario(&src[..end]);
        }
    }
}

#[test]
fn garbage_never_panics() {
    // A fixed xorshift stream, so the test is the same on every run.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let alphabet: Vec<char> =
        "[]{}=\"'#.,-_ 0123456789abcdefsmhu\nfaultbrokerkindat".chars().collect();
    let base = presets::find("both-machines-lose-power").unwrap().source.as_bytes();
    for _ in 0..3_000 {
        let len = (next() % 200) as usize;
        let text: String =
            (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
        let _ = parse_scenario(&text);
        let mut bytes = base.to_vec();
        for _ in 0..4 {
            let i = (next() % bytes.len() as u64) as usize;
            bytes[i] = next() as u8;
        }
        let _ = parse_scenario(&String::from_utf8_lossy(&bytes));
        let _ = import_broker_conf(&String::from_utf8_lossy(&bytes), &Scenario::default());
    }
    let _ = parse_scenario(&"[".repeat(10_000));
    let _ = parse_scenario(&format!("a = {}1{}", "[".repeat(10_000), "]".repeat(10_000)));
}

const BROKER_CONF: &str = "\
# a master's broker.conf
brokerClusterName = DefaultCluster
brokerName=broker-a
brokerId=0
! old-style comment
namesrvAddr=127.0.0.1:9876
deleteWhen=04
fileReservedTime=48
brokerRole=SYNC_MASTER
flushDiskType : SYNC_FLUSH   \n\
syncFlushTimeout=8000
haMaxGapNotInSync=1048576
messageDelayLevel=1s 5s 10s \\
    30s 1m

storePathRootDir=/data/rocketmq/store
slaveTimeout=1000
slaveTimeout=2000
";

#[test]
fn broker_conf_applies_known_keys_and_lists_the_rest() {
    let imp = import_broker_conf(BROKER_CONF, &Scenario::default()).unwrap();
    let b = &imp.scenario.broker;
    assert_eq!(
        (b.flush_disk_type, b.broker_role),
        (FlushDiskType::SyncFlush, BrokerRole::SyncMaster)
    );
    assert_eq!(b.sync_flush_timeout, SimDuration::from_ms(8_000));
    assert_eq!(b.ha_slave_fallbehind_max_bytes, 1_048_576);
    assert_eq!(b.message_delay_level.len(), 5);
    let pool = import_broker_conf("transientStorePoolEnable=true\ncommitIntervalCommitLog=100\n", &Scenario::default()).unwrap();
    assert!(pool.scenario.broker.transient_store_pool_enable && pool.not_modelled.is_empty());
    assert_eq!(pool.scenario.broker.commit_interval_commit_log, SimDuration::from_ms(100));
    assert_eq!(b.slave_timeout, SimDuration::from_ms(2_000), "the later value wins");
    let keys = |v: &[(usize, String)]| {
        v.iter().map(|(l, k)| format!("{l}:{k}")).collect::<Vec<_>>().join(" ")
    };
    assert_eq!(
        keys(&imp.applied),
        "9:brokerRole 10:flushDiskType 11:syncFlushTimeout 12:haMaxGapNotInSync 13:messageDelayLevel 17:slaveTimeout 18:slaveTimeout"
    );
    assert_eq!(
        keys(&imp.not_modelled),
        "2:brokerClusterName 3:brokerName 4:brokerId 6:namesrvAddr 7:deleteWhen 8:fileReservedTime 16:storePathRootDir"
    );
    // Everything else about the scenario is the base's.
    assert_eq!(imp.scenario.producer, Scenario::default().producer);
}

fn conf_err(text: &str) -> ScenarioError {
    import_broker_conf(text, &Scenario::default()).expect_err("expected an error")
}

/// Lines RocketMQ reads are read (Java's `Properties.load`: `key value`, any key); what Java
/// refuses, a malformed `\uXXXX`, is an error naming its line.
#[test]
fn broker_conf_malformed_lines_name_their_line() {
    let imp = import_broker_conf("brokerName=a\n\nlistenPort 10911\n=5\nbroker-name=x\n", &Scenario::default()).unwrap();
    let keys: Vec<(usize, &str)> = imp.not_modelled.iter().map(|(l, k)| (*l, k.as_str())).collect();
    assert_eq!(keys, [(1, "brokerName"), (3, "listenPort"), (4, ""), (5, "broker-name")]);
    let e = conf_err("# c\nbrokerIP1=\\u12\n");
    assert_eq!((e.field.as_str(), e.line), ("line", Some(2)), "{e}");
    assert!(e.reason.contains("malformed \\uXXXX"), "{e}");
}

#[test]
fn broker_conf_bad_values_name_the_key() {
    let e = conf_err("brokerName=a\nsyncFlushTimeout=abc\n");
    assert_eq!((e.field.as_str(), e.line), ("syncFlushTimeout", Some(2)), "{e}");
    assert!(e.reason.contains("milliseconds"), "{e}");
    let e = conf_err("flushDiskType=FAST\n");
    assert_eq!((e.field.as_str(), e.line), ("flushDiskType", Some(1)));
    assert!(e.reason.contains("`SYNC_FLUSH`, `ASYNC_FLUSH`"));
    let e = conf_err("flushIntervalCommitLog=-5\n");
    assert_eq!(e.field, "flushIntervalCommitLog");
    let e = conf_err("flushIntervalCommitLog=0\n");
    assert!(e.reason.contains("greater than zero"));
    let e = conf_err("messageDelayLevel=1s 0s\n");
    assert_eq!(e.field, "messageDelayLevel");
    assert!(e.reason.contains("level 2 is zero"), "{}", e.reason);
    // Any table with a level is accepted (RocketMQ's own tests use "5s 8s").
    let short = import_broker_conf("messageDelayLevel=5s 8s\n", &Scenario::default()).unwrap();
    assert_eq!(short.scenario.broker.message_delay_level, [SimDuration::from_secs(5), SimDuration::from_secs(8)]);
    let e = conf_err("haSlaveFallbehindMax=1\nhaMaxGapNotInSync=2\n");
    assert_eq!((e.field.as_str(), e.line), ("haMaxGapNotInSync", Some(2)));
}

#[test]
fn broker_conf_of_a_slave_is_refused() {
    let e = conf_err("brokerId=1\nbrokerRole=SLAVE\n");
    assert_eq!((e.field.as_str(), e.line), ("brokerRole", Some(2)));
    assert_eq!(e.reason, "this is a slave's broker.conf; give the master's");
}

#[test]
fn broker_conf_empty_and_comment_only_change_nothing() {
    let imp =
        import_broker_conf("\n# only a comment\n   \n! another\n", &Scenario::default()).unwrap();
    assert_eq!(imp.scenario, Scenario::default());
    assert!(imp.applied.is_empty() && imp.not_modelled.is_empty());
}

// ---- The version switch (issue 19): `version`, the 5.x keys, and keys of other versions ----

use rmq_sim::RocketMqVersion;

#[test]
fn version_is_4_9_8_when_absent_and_names_the_known_ones_when_unknown() {
    assert_eq!(parse_scenario("").unwrap().version, RocketMqVersion::V4_9_8);
    for v in RocketMqVersion::ALL {
        let s = parse_scenario(&format!("version = \"{}\"", v.name())).unwrap();
        assert_eq!(s.version, v);
    }
    assert_err("seed = 1\nversion = \"5.0.0\"\n", "version", Some(2), "known: `4.7.0`, `4.9.8`, `5.3.3`");
    assert_err("version = 5.3\n", "version", Some(1), "expected a string, found a float");
    assert_err("versoin = \"5.3.3\"\n", "versoin", Some(1), "did you mean `version`?");
}

#[test]
fn the_5x_keys_read_with_5_3_3_defaults() {
    let s = parse_scenario("version = \"5.3.3\"\n[broker]\nhaMaxGapNotInSync = 1024\n").unwrap();
    let b = &s.broker;
    assert_eq!((b.total_replicas, b.in_sync_replicas, b.min_in_sync_replicas), (1, 1, 1));
    assert!(!b.enable_auto_in_sync_replicas && !b.enable_slave_acting_master);
    assert!(!s.slave.slave_read_enable);
    assert_eq!(b.ha_slave_fallbehind_max_bytes, 1024);
    let s = parse_scenario(
        "version = \"5.3.3\"\n[broker]\ntotalReplicas = 2\ninSyncReplicas = 2\nminInSyncReplicas = 1\n\
         enableAutoInSyncReplicas = true\nenableSlaveActingMaster = true\n[slave]\nenabled = true\nslaveReadEnable = true\n",
    )
    .unwrap();
    let b = &s.broker;
    assert_eq!((b.total_replicas, b.in_sync_replicas, b.min_in_sync_replicas), (2, 2, 1));
    assert!(b.enable_auto_in_sync_replicas && b.enable_slave_acting_master && s.slave.slave_read_enable);
    assert_eq!(parse_scenario(&scenario_to_toml(&s)), Ok(s));
}

#[test]
fn the_5x_keys_refuse_wrong_types_and_out_of_range_values() {
    let v5 = "version = \"5.3.3\"\n[broker]\n";
    for key in ["totalReplicas", "inSyncReplicas", "minInSyncReplicas"] {
        assert_err(&format!("{v5}{key} = \"2\"\n"), &format!("broker.{key}"), Some(3), "expected an integer, found a string");
        assert_err(&format!("{v5}{key} = 0\n"), &format!("broker.{key}"), Some(3), "give 1 to 16");
        assert_err(&format!("{v5}{key} = 17\n"), &format!("broker.{key}"), Some(3), "out of range");
        assert_err(&format!("{v5}{key} = -1\n"), &format!("broker.{key}"), Some(3), "negative");
    }
    for key in ["enableAutoInSyncReplicas", "enableSlaveActingMaster"] {
        assert_err(&format!("{v5}{key} = \"true\"\n"), &format!("broker.{key}"), Some(3), "expected true or false");
    }
    assert_err("[slave]\nslaveReadEnable = 1\n", "slave.slaveReadEnable", Some(2), "expected true or false");
}

#[test]
fn a_key_of_another_version_names_the_key_its_line_and_the_version() {
    assert_err(
        "name = \"x\"\n[broker]\nbrokerRole = \"SYNC_MASTER\"\ninSyncReplicas = 2\n",
        "broker.inSyncReplicas",
        Some(4),
        "RocketMQ 4.9.8 has no `inSyncReplicas`",
    );
    assert_err(
        "version = \"4.7.0\"\n[broker]\nslaveTimeout = 3000\n",
        "broker.slaveTimeout",
        Some(3),
        "RocketMQ 4.7.0 has no `slaveTimeout` (came with 4.9.3",
    );
    assert_err(
        "version = \"4.7.0\"\n[broker]\nenableSlaveActingMaster = false\n",
        "broker.enableSlaveActingMaster",
        Some(3),
        "it exists in 5.3.3",
    );
    // The 4.x and 5.x names of the HA gap and `slaveReadEnable` exist in every version.
    for v in RocketMqVersion::ALL {
        let text = format!("version = \"{v}\"\n[broker]\nhaMaxGapNotInSync = 1\n[slave]\nslaveReadEnable = true\n");
        assert!(parse_scenario(&text).is_ok(), "{v}");
    }
}

#[test]
fn broker_conf_import_reads_the_5x_keys_and_refuses_them_under_4x() {
    let conf = "brokerRole=SYNC_MASTER\ntotalReplicas=2\ninSyncReplicas=2\nenableSlaveActingMaster=true\n";
    let base = Scenario { version: RocketMqVersion::V5_3_3, ..Scenario::default() };
    let imported = import_broker_conf(conf, &base).unwrap();
    assert_eq!(imported.scenario.broker.in_sync_replicas, 2);
    assert!(imported.scenario.broker.enable_slave_acting_master);
    let e = import_broker_conf(conf, &Scenario::default()).unwrap_err();
    assert_eq!((e.field.as_str(), e.line), ("totalReplicas", Some(2)), "{e}");
    assert!(e.reason.contains("RocketMQ 4.9.8 has no `totalReplicas`"), "{e}");
    let e = import_broker_conf("inSyncReplicas=0\n", &base).unwrap_err();
    assert!(e.reason.contains("out of range"), "{e}");
}

#[test]
fn scenario_files_write_only_the_keys_their_version_has() {
    let v470 = Scenario { version: RocketMqVersion::V4_7_0, ..Scenario::default() };
    let text = scenario_to_toml(&v470);
    assert!(text.contains("version = \"4.7.0\"") && !text.contains("slaveTimeout") && !text.contains("inSyncReplicas"), "{text}");
    assert_eq!(parse_scenario(&text).map(|s| s.version), Ok(RocketMqVersion::V4_7_0));
    let text = scenario_to_toml(&Scenario::default());
    assert!(text.contains("slaveTimeout") && !text.contains("inSyncReplicas"), "{text}");
}

/// Issue 18 item 6: `[topic] writeQueueNums` / `readQueueNums` (RocketMQ's `TopicConfig` names):
/// 1 to 64 each; a wrong type, 0 or a huge value names the field; fewer read than write queues is
/// a warning (their messages stay unread), not an error.
#[test]
fn topic_queue_nums_are_checked_and_named() {
    let sc = rmq_sim::scenario::parse_scenario("[topic]\nwriteQueueNums = 8\nreadQueueNums = 2\n").unwrap();
    assert_eq!((sc.topic.write_queue_nums, sc.topic.read_queue_nums), (8, 2));
    let w = rmq_sim::scenario::warnings(&sc);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].field, "topic.readQueueNums");
    assert!(w[0].reason.contains("queues 2..7, which no consumer reads"), "{}", w[0].reason);
    let d = rmq_sim::scenario::parse_scenario("").unwrap();
    assert_eq!((d.topic.write_queue_nums, d.topic.read_queue_nums), (4, 4), "defaultTopicQueueNums: 4 each way");
    assert_err("[topic]\nwriteQueueNums = 0\n", "topic.writeQueueNums", Some(2), "0 is out of range; give 1 to 64");
    assert_err("[topic]\nreadQueueNums = 0\n", "topic.readQueueNums", Some(2), "give 1 to 64");
    assert_err("[topic]\nwriteQueueNums = 9999999999999\n", "topic.writeQueueNums", Some(2), "out of range");
    assert_err("[topic]\nreadQueueNums = -1\n", "topic.readQueueNums", Some(2), "negative");
    assert_err("[topic]\nwriteQueueNums = \"4\"\n", "topic.writeQueueNums", Some(2), "expected an integer, found a string");
    assert_err("[topic]\nreadQueueNums = 2.5\n", "topic.readQueueNums", Some(2), "expected an integer, found a float");
    assert_err("[topic]\nqueueNums = 4\n", "topic.queueNums", Some(2), "unknown key");
    assert_err("topic = 4\n", "topic", Some(1), "expected a table [topic]");
    // The writer writes them back.
    let text = rmq_sim::scenario::parse::scenario_to_toml(&sc);
    assert!(text.contains("[topic]\nwriteQueueNums = 8\nreadQueueNums = 2\n"), "{text}");
    assert_eq!(rmq_sim::scenario::parse_scenario(&text).unwrap().topic, sc.topic);
}

/// broker.conf's `defaultTopicQueueNums` (`BrokerConfig`, default 8) sizes a topic the producer
/// creates: min(it, the producer's `defaultTopicQueueNums` 4) read and write queues. 0 or a value
/// that is not an int names the key.
#[test]
fn broker_conf_default_topic_queue_nums_sets_the_topic() {
    let base = rmq_sim::Scenario::default();
    let two = import_broker_conf("brokerName=a\ndefaultTopicQueueNums=2\n", &base).unwrap();
    assert_eq!((two.scenario.topic.write_queue_nums, two.scenario.topic.read_queue_nums), (2, 2));
    assert_eq!(two.applied, [(2, "defaultTopicQueueNums".to_string())]);
    let sixteen = import_broker_conf("defaultTopicQueueNums=16\n", &base).unwrap();
    assert_eq!(sixteen.scenario.topic.write_queue_nums, 4, "the producer asks for 4");
    for (bad, needle) in [("0", "0 is out of range"), ("99999999999", "out of range"), ("four", "not a non-negative integer"), ("-1", "not a non-negative integer")] {
        let e = import_broker_conf(&format!("defaultTopicQueueNums={bad}\n"), &base).unwrap_err();
        assert_eq!((e.field.as_str(), e.line), ("defaultTopicQueueNums", Some(1)), "{e}");
        assert!(e.reason.contains(needle), "{e}");
    }
    assert_eq!(rmq_sim::scenario::broker_conf::nearest_known_key("defaultTopicQueueNum"), Some("defaultTopicQueueNums"));
}

// ---- issue 24 item 3: the guided tour a scenario file carries ----

const TOURED: &str = r#"
until = "2m"
[[fault]]
at = "3s"
kind = "POWER_LOSS"
[tour]
question = "Will a SEND_OK message be lost?"
question_zh = "会有 SEND_OK 的消息丢失吗？"
predict = "LOST_AFTER_ACK"
[[tour.step]]
at = "40s"
text = "The consumer comes online."
[[tour.step]]
at = "3s"
text = "The master loses power."
text_zh = "主节点断电。"
"#;

#[test]
fn a_tour_parses_in_time_order_and_survives_the_round_trip() {
    use rmq_sim::ledger::Verdict;
    let s = parse_scenario(TOURED).unwrap();
    let tour = s.tour.as_ref().expect("the [tour] table is read");
    assert_eq!(tour.predict, Verdict::LostAfterAck);
    assert_eq!(tour.question.get(true), "会有 SEND_OK 的消息丢失吗？");
    let at: Vec<u64> = tour.steps.iter().map(|st| st.at.as_ms()).collect();
    assert_eq!(at, [3_000, 40_000], "steps are sorted by time");
    assert_eq!(tour.steps[1].text.get(true), "The consumer comes online.", "no Chinese: the English");
    let text = scenario_to_toml(&s);
    assert_eq!(parse_scenario(&text).unwrap(), s, "{text}");
    // The tour never changes the run.
    let mut bare = s.clone();
    bare.tour = None;
    let events = |sc: &Scenario| {
        let mut sim = rmq_sim::Sim::new(sc);
        sim.run();
        sim.events().to_vec()
    };
    assert_eq!(events(&s), events(&bare));
}

#[test]
fn a_bad_tour_is_refused_naming_its_field() {
    let base = "until = \"1m\"\n[tour]\nquestion = \"q\"\npredict = \"LOST_AFTER_ACK\"\n";
    assert_err("[tour]\nquestion = \"q\"\n", "tour.predict", Some(1), "missing");
    assert_err("[tour]\npredict = \"LOST_AFTER_ACK\"\n", "tour.question", Some(1), "missing or empty");
    assert_err("[tour]\nquestion = \"q\"\npredict = \"LOST\"\n", "tour.predict", Some(3), "LOST_AFTER_ACK");
    assert_err(&format!("{base}[[tour.step]]\ntext = \"t\"\n"), "tour.step[1].at", Some(5), "missing");
    assert_err(&format!("{base}[[tour.step]]\nat = \"2m\"\ntext = \"t\"\n"), "tour.step[1].at", Some(6), "after `until`");
    assert_err(&format!("{base}[[tour.step]]\nat = \"1s\"\n"), "tour.step[1].text", Some(5), "missing or empty");
    assert_err(&format!("{base}[[tour.step]]\nat = \"1s\"\ntext = \"t\"\nsay = \"x\"\n"), "tour.step[1].say", Some(8), "unknown key");
    assert_err(&format!("{base}step = 3\n"), "tour.step", Some(5), "array of tables");
    assert_err(&format!("{base}colour = 3\n"), "tour.colour", Some(5), "unknown key");
    let long = "x".repeat(601);
    assert_err(&format!("[tour]\nquestion = \"{long}\"\npredict = \"DUPLICATED\"\n"), "tour.question", Some(2), "at most 600");
    let many: String = (0..21).map(|i| format!("[[tour.step]]\nat = \"{i}s\"\ntext = \"t\"\n")).collect();
    assert_err(&format!("{base}{many}"), "tour.step", Some(5), "at most 20");
    assert_err("[tour]\nquestion = 5\npredict = \"DUPLICATED\"\n", "tour.question", Some(2), "expected a string");
}

/// Issue 20: a controller-mode broker.conf (RocketMQ 5.3.3's quick-start sample) imports onto a
/// 5.3.3 scenario as controller mode — brokerRole=SLAVE and brokerId=-1 there are not a slave's
/// file but keys controller mode ignores — and the scenario it makes runs and parses back. Onto a
/// 4.9.8 scenario the first controller-mode key is an error naming it and its line.
#[test]
fn broker_conf_controller_mode_imports_under_5_3_3_only() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rocketmq-5.3.3-conf/controller/quick-start/broker-n0.conf")).unwrap();
    let base = Scenario { version: rmq_sim::RocketMqVersion::V5_3_3, ..Scenario::default() };
    let imp = import_broker_conf(&text, &base).unwrap();
    let b = &imp.scenario.broker;
    assert!(b.enable_controller_mode && b.all_ack_in_sync_state_set);
    assert_eq!(imp.kind, rmq_sim::scenario::broker_conf::ConfKind::ControllerMode(22));
    let noted: Vec<&str> = imp.notes.iter().map(|(_, k, _)| k.as_str()).collect();
    assert_eq!(noted, ["brokerId", "brokerRole", "controllerAddr"]);
    let mut sc = imp.scenario.clone();
    sc.slave.enabled = true;
    let toml = rmq_sim::scenario::parse::scenario_to_toml(&sc);
    assert_eq!(parse_scenario(&toml).unwrap(), sc);
    let e = import_broker_conf(&text, &Scenario::default()).unwrap_err();
    assert_eq!((e.field.as_str(), e.line), ("enableControllerMode", Some(22)), "{e}");
    assert!(e.reason.contains("RocketMQ 4.9.8 has no `enableControllerMode`"), "{e}");
    let e = import_broker_conf("controllerAddr=127.0.0.1:9878\n", &Scenario::default()).unwrap_err();
    assert_eq!((e.field.as_str(), e.line), ("controllerAddr", Some(1)), "{e}");
    assert!(e.reason.contains("controller mode (RIP-44)"), "{e}");
}
