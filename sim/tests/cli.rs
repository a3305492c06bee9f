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
