//! The `losslab` runner as a user meets it: outputs, errors on stderr with the field named,
//! exit code 2, never a panic.

use std::process::{Command, Output};

fn losslab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_losslab")).args(args).output().expect("losslab runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("losslab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn presets_lists_every_preset() {
    let o = losslab(&["presets"]);
    assert!(o.status.success());
    for p in rmq_sim::scenario::presets::all() {
        assert!(stdout(&o).contains(p.id), "{}", p.id);
    }
}

#[test]
fn run_preset_json_has_the_public_field_names() {
    let o = losslab(&["run", "--preset", "async-flush-power-loss", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    for key in ["name", "seed", "endedAtMs", "eventLogDigest", "summary", "messages"] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert_eq!(v["summary"]["verdicts"]["LOST_AFTER_ACK"], 49);
    assert_eq!(v["summary"]["sendStatus"]["SEND_OK"], 300);
    let m = &v["messages"][251];
    for key in ["id", "sendStatus", "verdict", "sendAttempts", "deliveries", "reconsumeTimes", "cause"] {
        assert!(m.get(key).is_some(), "{key}");
    }
    assert!(m["cause"].as_str().unwrap().contains("lost power"));
}

#[test]
fn seed_flag_overrides_the_file_seed() {
    let o = losslab(&["run", "--preset", "defaults", "--seed", "99", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["seed"], 99);
}

#[test]
fn log_prints_one_line_per_event_and_summary_is_a_table() {
    let log = stdout(&losslab(&["run", "--preset", "defaults", "--log"]));
    assert!(log.lines().next().unwrap().starts_with("t=0.000ms #0 producer sent msg#0"));
    assert!(log.trim_end().ends_with("run ended: nothing pending"));
    let table = stdout(&losslab(&["run", "--preset", "defaults"]));
    assert!(table.contains("DELIVERED") && table.contains("SEND_OK"));
}

#[test]
fn a_bad_scenario_file_names_the_field_and_exits_2() {
    let p = temp_file("bad.toml", "[broker]\nflushDiskType = \"FAST\"\n");
    let o = losslab(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("broker.flushDiskType (line 2)"), "{e}");
    assert!(stdout(&o).is_empty());
}

#[test]
fn usage_errors_exit_2_without_panicking() {
    for args in [
        vec!["frobnicate"],
        vec!["run"],
        vec!["run", "--preset", "nope"],
        vec!["run", "--seed", "minus-one", "--preset", "defaults"],
        vec!["run", "/no/such/file.toml"],
        vec!["check"],
        vec!["run", "--bogus"],
    ] {
        let o = losslab(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!stderr(&o).contains("panicked"), "{args:?}");
        assert!(stderr(&o).starts_with("losslab: "), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn check_reports_loss_exposure_of_a_broker_conf() {
    let conf = temp_file(
        "broker.conf",
        "brokerClusterName=DefaultCluster\nbrokerName=broker-a\nbrokerId=0\nbrokerRole=ASYNC_MASTER\nflushDiskType=ASYNC_FLUSH\n",
    );
    let o = losslab(&["check", conf.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let not_modelled: Vec<&str> = v["notModelled"].as_array().unwrap().iter().map(|k| k["key"].as_str().unwrap()).collect();
    assert_eq!(not_modelled, ["brokerClusterName", "brokerName", "brokerId"]);
    let power = v["faults"].as_array().unwrap().iter().find(|f| f["preset"] == "async-flush-power-loss").unwrap();
    assert!(power["sendOkLost"].as_u64().unwrap() > 0, "ASYNC_FLUSH loses SEND_OK messages in a power cut");

    let safe = temp_file("safe.conf", "brokerRole=SYNC_MASTER\nflushDiskType=SYNC_FLUSH\n");
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&losslab(&["check", safe.to_str().unwrap(), "--json"]))).unwrap();
    let power = v["faults"].as_array().unwrap().iter().find(|f| f["preset"] == "async-flush-power-loss").unwrap();
    assert_eq!(power["sendOkLost"], 0, "SYNC_FLUSH keeps SEND_OK messages");
}

/// §2c: `transientStorePoolEnable` is modelled, so `check` reports what it exposes: a process
/// crash that a plain ASYNC_FLUSH broker survives now loses acknowledged messages.
#[test]
fn check_reports_the_transient_store_pool_exposure() {
    let conf = temp_file("pool.conf", "flushDiskType=ASYNC_FLUSH\ntransientStorePoolEnable=true\n");
    let o = losslab(&["check", conf.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["notModelled"].as_array().unwrap().len(), 0, "the key is applied, not ignored");
    let crash = v["faults"].as_array().unwrap().iter().find(|f| f["preset"] == "async-flush-process-crash").unwrap();
    assert!(crash["sendOkLost"].as_u64().unwrap() > 0, "a process crash loses the write buffer: {crash}");
    let text = stdout(&losslab(&["check", conf.to_str().unwrap()]));
    assert!(text.contains("transientStorePoolEnable"), "{text}");
}

#[test]
fn check_refuses_a_malformed_line_with_its_number() {
    // `key value` is a property (Java's rule); what Properties.load refuses is a bad escape.
    let conf = temp_file("broken.conf", "brokerName=a\nbrokerIP1=\\u12G4\n");
    let o = losslab(&["check", conf.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));
}

/// `losslab run --json` with `[consumer] client = "grpc"` (spec 5 §5): `consumerClient`, the
/// `pop` summary and, per message, each pop with its invisible time, the answer the master took,
/// the nack's backoff and the revive, and `deadLetteredAtMs`. The poison message of
/// `v5-grpc-poison-message` is nacked with the 5.x schedule from its first entry (1 s, 5 s, …,
/// 1 h), each revive comes `REVIVE_LAG` (2.1 s) after its invisible time ends, and the 18th pop
/// (reconsumeTimes 17) goes to %DLQ% at once.
#[test]
fn run_json_reports_the_grpc_consumers_pops() {
    let o = losslab(&["run", "--preset", "v5-grpc-poison-message", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["consumerClient"], "grpc");
    assert_eq!(
        v["pop"],
        serde_json::json!({"pops": 26, "acks": 9, "nacks": 17, "renewals": 0, "revives": 17, "deadLettered": 1, "openAtEnd": 0})
    );
    let poison = &v["messages"][3];
    assert_eq!(poison["verdict"], "DEAD_LETTERED");
    assert_eq!(poison["deliveries"], 17);
    let pops = poison["pops"].as_array().expect("pops");
    assert_eq!(pops.len(), 17);
    let next = rmq_sim::scenario::GroupRetryPolicy::CUSTOMIZED_NEXT_SECS;
    for (i, p) in pops.iter().enumerate() {
        let f = |k: &str| p[k].as_f64().unwrap_or_else(|| panic!("pop {i}: {k} = {}", p[k]));
        assert_eq!(p["reconsumeTimes"], i as u64, "pop {i}");
        assert_eq!(p["queue"], if i == 0 { "TopicTest#3" } else { "%RETRY%" }, "pop {i}");
        assert_eq!(p["answer"], "NACK", "pop {i}");
        assert_eq!(f("nackBackoffMs"), (next[i] * 1_000) as f64, "pop {i}: the backoff of attempt {}", i + 1);
        assert_eq!(f("invisibleUntilMs"), f("answeredAtMs") + f("nackBackoffMs"), "pop {i}");
        assert_eq!(p["end"], "REVIVED", "pop {i}");
        assert_eq!(f("endedAtMs"), f("invisibleUntilMs") + 2_100.0, "pop {i}: the revive lag");
        if let Some(n) = pops.get(i + 1) {
            assert_eq!(n["poppedAtMs"].as_f64(), Some(f("endedAtMs")), "pop {i}: the revived copy is popped at once");
        }
    }
    assert_eq!(pops[0]["invisibleUntilMs"], 1_040.0);
    assert_eq!(pops[0]["endedAtMs"], 3_140.0, "the first retry ~3.1 s after the first pop");
    assert_eq!(poison["deadLetteredAtMs"], pops[16]["endedAtMs"], "the 18th pop forwards it to %DLQ%");
    let ok = &v["messages"][0];
    assert_eq!(ok["pops"][0]["answer"], "ACK");
    assert_eq!(ok["pops"][0]["end"], "ACKED");
    assert_eq!(ok["pops"][0]["nackBackoffMs"], serde_json::Value::Null);
    assert_eq!(ok["pops"][0]["invisibleUntilMs"], ok["pops"][0]["poppedAtMs"].as_f64().unwrap() + 60_000.0);
    assert!(ok.get("deadLetteredAtMs").is_none());
    let table = stdout(&losslab(&["run", "--preset", "v5-grpc-poison-message"]));
    assert!(
        table.contains("gRPC consumer (POP): 26 pops, 9 acks, 17 nacks, 0 renewals, 17 revived to %RETRY%, 1 forwarded to %DLQ%, 0 open"),
        "{table}"
    );

    // The remoting consumer's report has none of them.
    let o = losslab(&["run", "--preset", "poison-message-dlq", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    for key in ["consumerClient", "pop", "producerClient", "grpc"] {
        assert!(v.get(key).is_none(), "{key}");
    }
    for key in ["pops", "deadLetteredAtMs", "errorCode", "copiesStored"] {
        assert!(v["messages"][3].get(key).is_none(), "{key}");
    }
}

/// Every field name of `losslab run --json` — the gRPC producer's and consumer's included — is
/// declared in `www/losslab.d.ts` (the JS API's `run()` returns the same object): a field added
/// to the report without its declaration fails here. Keys of maps (`sendStatus`, `verdicts`,
/// `latency`, `errorCodes`) are values, not names.
#[test]
fn every_run_json_field_is_declared_in_losslab_d_ts() {
    let dts = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../www/losslab.d.ts")).expect("losslab.d.ts");
    let toml = "name = \"both gRPC clients\"\nversion = \"5.3.3\"\nuntil = \"10m\"\n[broker]\nflushDiskType = \"SYNC_FLUSH\"\n\
                [producer]\nclient = \"grpc\"\nmessages = 20\n\
                [consumer]\nclient = \"grpc\"\nfailMessages = [2]\nretryMaxTimes = 1\n\
                [[fault]]\nat = \"50ms\"\nkind = \"DISK_STALL\"\ntarget = \"master\"\nduration = \"30s\"\n";
    let path = temp_file("both-grpc.toml", toml);
    let o = losslab(&["run", path.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    for key in ["grpc", "pop", "consumerClient", "producerClient"] {
        assert!(v.get(key).is_some(), "the run has {key}");
    }
    assert!(v["messages"].as_array().unwrap().iter().any(|m| m.get("errorCode").is_some()), "an errorCode");
    assert!(v["messages"][2].get("deadLetteredAtMs").is_some());
    fn names(v: &serde_json::Value, path: &str, out: &mut std::collections::BTreeSet<(String, String)>) {
        const MAPS: [&str; 4] = ["sendStatus", "verdicts", "latency", "errorCodes"];
        match v {
            serde_json::Value::Object(o) => {
                for (k, child) in o {
                    out.insert((k.clone(), format!("{path}.{k}")));
                    if !MAPS.contains(&k.as_str()) {
                        names(child, &format!("{path}.{k}"), out);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|c| names(c, &format!("{path}[]"), out)),
            _ => {}
        }
    }
    let mut all = std::collections::BTreeSet::new();
    names(&v, "", &mut all);
    let missing: Vec<&String> = all
        .iter()
        .filter(|(k, _)| !dts.contains(&format!(" {k}:")) && !dts.contains(&format!(" {k}?:")))
        .map(|(_, path)| path)
        .collect();
    assert!(missing.is_empty(), "not declared in www/losslab.d.ts: {missing:?}");
}
