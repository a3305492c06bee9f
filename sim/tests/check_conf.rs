//! `losslab check` reads broker.conf as `java.util.Properties.load(InputStream)` does (what
//! RocketMQ's `BrokerStartup` calls), names the modes it cannot model, suggests the key a
//! misspelt one meant, and labels its rows by fault and configuration (issue 22).

use std::process::{Command, Output};

fn check_bytes(name: &str, bytes: &[u8], json: bool) -> Output {
    let dir = std::env::temp_dir().join(format!("losslab-check-conf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_losslab"));
    cmd.arg("check").arg(&path);
    if json {
        cmd.arg("--json");
    }
    cmd.output().unwrap()
}

/// `--json` of a broker.conf that must be read: (flushDiskType, brokerRole, not-modelled keys).
fn imported(name: &str, bytes: &[u8]) -> (String, String, Vec<String>) {
    let o = check_bytes(name, bytes, true);
    assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let keys = v["notModelled"].as_array().unwrap().iter().map(|k| k["key"].as_str().unwrap().to_string()).collect();
    // The cost section's first run is "this configuration": the imported broker.
    let this = &v["cost"]["runs"][0];
    assert_eq!(this["config"], "this configuration");
    (this["flushDiskType"].as_str().unwrap().to_string(), this["brokerRole"].as_str().unwrap().to_string(), keys)
}

fn sync_both() -> (String, String) {
    ("SYNC_FLUSH".to_string(), "SYNC_MASTER".to_string())
}

#[test]
fn key_value_and_key_colon_value_separators() {
    let (f, r, _) = imported("space.conf", b"flushDiskType SYNC_FLUSH\nbrokerRole\tSYNC_MASTER\n");
    assert_eq!((f, r), sync_both());
    let (f, r, _) = imported("colon.conf", b"flushDiskType:SYNC_FLUSH\nbrokerRole : SYNC_MASTER\n");
    assert_eq!((f, r), sync_both());
}

#[test]
fn unicode_escapes_are_decoded() {
    let (f, r, _) = imported("escape.conf", b"flushDiskType=SYNC\\u005FFLUSH\nbroker\\u0052ole=SYNC_MASTER\n");
    assert_eq!((f, r), sync_both());
}

#[test]
fn bang_and_hash_comments_and_leading_whitespace() {
    let (f, r, keys) = imported(
        "comments.conf",
        b"! a comment\n   # another\n\t  flushDiskType=SYNC_FLUSH\n  ! brokerRole=ASYNC_MASTER\n \x0cbrokerRole=SYNC_MASTER\n",
    );
    assert_eq!((f, r), sync_both());
    assert!(keys.is_empty(), "{keys:?}");
}

#[test]
fn continuation_lines_join() {
    let (f, r, _) = imported("continued.conf", b"flushDiskType=SYNC_\\\n     FLUSH\nbrokerRole=\\\n SYNC_MASTER\r\n");
    assert_eq!((f, r), sync_both());
}

/// Java reads the file as ISO-8859-1: a Latin-1 byte (here 0xE9, `é`, in a cluster name) is a
/// character, not an error. Before, the file was refused as not UTF-8.
#[test]
fn iso_8859_1_bytes_are_read() {
    let (f, r, keys) = imported("latin1.conf", b"brokerClusterName=caf\xe9\nflushDiskType=SYNC_FLUSH\nbrokerRole=SYNC_MASTER\n");
    assert_eq!((f, r), sync_both());
    assert_eq!(keys, ["brokerClusterName"]);
}

/// DLedger is a valid RocketMQ file: read (exit 0), the mode named in the first line, its keys
/// named as that mode's, and no master/slave report (it would mislead). Controller mode is
/// modelled (5.3.3); under 4.9.8, which has no controller mode, the first line says the broker
/// starts as master/slave, naming the key, and the rows are master/slave's.
#[test]
fn dledger_is_named_not_reported_and_controller_mode_outside_5x_is_named() {
    let conf = &b"brokerName=a\nenableDLegerCommitLog=true\ndLegerGroup=a\n"[..];
    let o = check_bytes("mode.conf", conf, false);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("warning: ") && first.contains("DLedger mode") && first.contains("(line 2)") && first.contains("master/slave"), "{text}");
    assert!(!text.contains("fault injected"), "no misleading report: {text}");
    let o = check_bytes("mode.conf", conf, true);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["faults"].as_array().unwrap().len(), 0);
    assert!(v["warnings"][0].as_str().unwrap().contains("DLedger mode"));
    // Controller mode as 4.9.8 (the default release): the key named, a master/slave report.
    let o = check_bytes("mode.conf", b"enableControllerMode = TRUE\n", false);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "warning: RocketMQ 4.9.8 has no controller mode: it ignores enableControllerMode=true (line 1) and starts this broker as a master/slave ASYNC_MASTER, with no failover.",
        "{text}"
    );
    assert!(text.contains("fault injected") && !text.contains("controller at"), "master/slave rows, none hitting a controller: {text}");
    // Turned off, DLedger's switch is still named as DLedger's key, and the report is given.
    let o = check_bytes("off.conf", b"enableDLegerCommitLog=false\n", true);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["modeKeys"][0]["key"], "enableDLegerCommitLog");
    assert!(!v["faults"].as_array().unwrap().is_empty());
}

#[test]
fn a_misspelt_key_gets_the_nearest_known_one() {
    let conf = b"flushDiskTyp=SYNC_FLUSH\nbrokerName=a\n";
    let o = check_bytes("typo.conf", conf, false);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("flushDiskTyp (line 1: did you mean flushDiskType?)"), "{text}");
    assert!(text.contains("brokerName (line 2)") && !text.contains("brokerName (line 2:"), "{text}");
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("warning") && e.contains("flushDiskTyp (line 1)") && e.contains("did you mean flushDiskType?"), "{e}");
    let o = check_bytes("typo.conf", conf, true);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["notModelled"][0]["didYouMean"], "flushDiskType");
    assert_eq!(v["notModelled"][1]["didYouMean"], serde_json::Value::Null);
}

/// Rows say which fault they inject and what configuration they test, in RocketMQ's spelling;
/// no preset names (which describe other setups: `sync-flush-power-loss` under ASYNC_FLUSH).
#[test]
fn rows_are_labelled_by_fault_and_configuration_in_rocketmq_spelling() {
    let o = check_bytes("labels.conf", b"flushDiskType=ASYNC_FLUSH\nbrokerRole=ASYNC_MASTER\n", false);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("flushDiskType=ASYNC_FLUSH brokerRole=ASYNC_MASTER"), "{text}");
    assert!(!text.contains("AsyncFlush") && !text.contains("AsyncMaster"), "{text}");
    let table: Vec<&str> = text.lines().skip_while(|l| !l.starts_with("fault injected")).skip(1).take_while(|l| !l.is_empty()).collect();
    assert!(table.len() > 5, "{text}");
    for row in &table {
        assert!(row.contains("ASYNC_FLUSH + ASYNC_MASTER, "), "{row}");
        for p in rmq_sim::scenario::presets::all() {
            assert!(!row.contains(p.id), "preset name in {row}");
        }
    }
    assert!(
        table.iter().any(|r| r.contains("POWER_LOSS master at 3.000s for 30s") && r.contains("no slave, 300 SYNC sends") && r.contains("49/300")),
        "{text}"
    );
}

// ---- Versions (issue 19 item 3) ----------------------------------------------------------------

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rocketmq-5.3.3-conf");

fn check_file(path: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_losslab")).arg("check").arg(path).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn sample(rel: &str) -> String {
    format!("{SAMPLES}/{rel}")
}

/// Every `.conf` and `.properties` file RocketMQ 5.3.3 ships (`distribution/conf`, copied as
/// fixtures) is read without an error under 5.3.3 and 4.9.8, and says what it is.
#[test]
fn rocketmq_5_3_3_shipped_configurations_are_read_without_errors() {
    let mut files = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(SAMPLES)];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "conf" || x == "properties") {
                files.push(p.strip_prefix(SAMPLES).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    files.sort();
    assert_eq!(files.len(), 32, "{files:?}");
    let expected = |rel: &str, version: &str| -> &str {
        match rel {
            r if r.starts_with("dledger/") => "DLEDGER",
            // 4.9.8 has no controller mode: brokerRole=SLAVE is what it reads.
            r if r.starts_with("controller/quick-start/broker") && version == "5.3.3" => "CONTROLLER_MODE",
            r if r.starts_with("controller/quick-start/broker") => "SLAVE",
            r if r.starts_with("controller/cluster-3n-namesrv-plugin/") || r == "controller/quick-start/namesrv.conf" => "NAME_SERVER",
            r if r.starts_with("controller/") => "CONTROLLER",
            "container/2container-2m-2s/nameserver.conf" => "NAME_SERVER",
            r if r.starts_with("container/2container-2m-2s/broker-container") => "BROKER_CONTAINER",
            r if r.ends_with("-s.properties") || r.ends_with("-in-container2.conf") && r.contains("broker-a") || r.ends_with("broker-b-in-container1.conf") => "SLAVE",
            _ => "MASTER",
        }
    };
    for rel in &files {
        for version in ["5.3.3", "4.9.8"] {
            let o = check_file(&sample(rel), &["--version", version, "--json"]);
            assert!(o.status.success(), "{rel} as {version}: {}", String::from_utf8_lossy(&o.stderr));
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(v["version"], version, "{rel}");
            assert_eq!(v["file"], expected(rel, version), "{rel} as {version}");
            let rows = v["faults"].as_array().unwrap().len();
            let modelled = v["file"] == "MASTER" || v["file"] == "CONTROLLER_MODE";
            assert_eq!(rows > 0, modelled, "{rel}: only a master's and a controller-mode broker's file have fault rows");
            if !modelled {
                assert!(!v["warnings"].as_array().unwrap().is_empty(), "{rel}: says why there are no rows");
            }
        }
    }
}

/// `2m-2s-sync/broker-a.properties` sets only `brokerRole=SYNC_MASTER`: under 5.3.3 the first line
/// says it replicates asynchronously and names the two keys; under 4.9.8 no such line.
#[test]
fn a_5x_sync_master_at_in_sync_replicas_1_is_warned_at_the_top() {
    let path = sample("2m-2s-sync/broker-a.properties");
    let text = stdout(&check_file(&path, &["--version", "5.3.3"]));
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("warning: RocketMQ 5.3.3 replicates this SYNC_MASTER asynchronously"), "{text}");
    assert!(first.contains("totalReplicas = 2 and inSyncReplicas = 2"), "{first}");
    assert_eq!(first.matches(". ").count(), 0, "one sentence: {first}");
    let text = stdout(&check_file(&path, &["--version", "4.9.8"]));
    assert!(!text.contains("warning:"), "{text}");
    // And the figures say the same: losing the master's disk loses acknowledged messages on 5.3.3
    // that 4.9.8 keeps (the slave had them).
    let text = stdout(&check_file(&path, &["--version", "4.9.8,5.3.3"]));
    let row = text.lines().find(|l| l.trim_start().starts_with("DISK_LOST master at 3.000s [slave]")).expect(&text);
    assert!(row.contains("4.9.8: 0 ") && !row.contains("5.3.3: 0 ") && row.ends_with("<- differs"), "{row}");
    // With the two keys set (the container sample), no warning under 5.3.3.
    let text = stdout(&check_file(&sample("container/2container-2m-2s/broker-a-in-container1.conf"), &["--version", "5.3.3"]));
    assert!(!text.contains("asynchronously"), "{text}");
    // ASYNC_MASTER is asynchronous by choice: no warning.
    let text = stdout(&check_file(&sample("2m-2s-async/broker-a.properties"), &["--version", "5.3.3"]));
    assert!(!text.contains("warning:"), "{text}");
}

/// A slave's file without `slaveReadEnable = true`: under 5.3.3 the first line says reads stop
/// while the master is down; with it (the container sample), no such line; under 4.9.8 neither.
#[test]
fn a_5x_slave_without_slave_read_enable_is_warned_at_the_top() {
    let text = stdout(&check_file(&sample("2m-2s-sync/broker-a-s.properties"), &["--version", "5.3.3"]));
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("warning: RocketMQ 5.3.3's slave refuses every pull at slaveReadEnable = false"), "{text}");
    assert!(first.contains("set slaveReadEnable = true"), "{first}");
    assert!(text.contains("This is a slave's file"), "{text}");
    let text = stdout(&check_file(&sample("container/2container-2m-2s/broker-a-in-container2.conf"), &["--version", "5.3.3"]));
    assert!(!text.contains("refuses every pull"), "{text}");
    let text = stdout(&check_file(&sample("2m-2s-sync/broker-a-s.properties"), &["--version", "4.9.8"]));
    assert!(!text.contains("refuses every pull"), "{text}");
}

/// DLedger and controller-mode brokers, the controller and the name server: read, named at the
/// top, their keys named as keys of that mode, and no fault rows (figures for a mode the lab does
/// not model would mislead).
#[test]
fn keys_of_unmodelled_modes_are_named_as_such() {
    let o = check_file(&sample("dledger/broker-n0.conf"), &["--version", "5.3.3"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.lines().next().unwrap().contains("DLedger mode"), "{text}");
    assert!(text.contains("keys of DLedger mode (a Raft group elects the master and a send is acknowledged by a majority), not modelled yet: enableDLegerCommitLog (line 22), dLegerGroup (line 23), dLegerPeers (line 24), dLegerSelfId (line 26)"), "{text}");
    assert!(!text.contains("fault injected"), "{text}");
    let text = stdout(&check_file(&sample("controller/controller-standalone.conf"), &[]));
    assert!(text.starts_with("warning: This is the configuration of the controller"), "{text}");
}

/// Under 4.9.8 the 5.x keys of a 5.x file are listed as keys that release does not have (it
/// ignores them), not refused: `--version 4.9.8,5.3.3` prints both reports and the difference.
#[test]
fn several_versions_print_each_report_and_the_difference_per_fault() {
    let path = sample("container/2container-2m-2s/broker-a-in-container1.conf");
    let o = check_file(&path, &["--version", "4.9.8,5.3.3"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o);
    assert!(text.contains("RocketMQ 4.9.8: ") && text.contains("RocketMQ 5.3.3: "), "{text}");
    assert!(text.contains("not in RocketMQ 4.9.8 (it ignores them): totalReplicas (line "), "{text}");
    let diff = text.split("difference per fault (acked-then-lost, 4.9.8 vs 5.3.3):\n").nth(1).expect(&text);
    assert!(diff.lines().count() > 3 && diff.lines().all(|l| l.contains("4.9.8: ") && l.contains("5.3.3: ")), "{diff}");
    let o = check_file(&path, &["--version", "4.9.8,5.3.3", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["reports"].as_array().unwrap().len(), 2);
    assert_eq!(v["reports"][0]["version"], "4.9.8");
    assert!(v["difference"][0]["lostAfterAck"]["5.3.3"].is_u64(), "{}", v["difference"]);
}

#[test]
fn bad_version_lists_are_refused_naming_the_flag() {
    let path = sample("broker.conf");
    for (list, needle) in [
        ("5.0", "--version: `5.0` is not a RocketMQ version the lab models; known: `4.7.0`, `4.9.8`, `5.3.3`"),
        ("", "--version: the list is empty"),
        ("4.9.8,4.9.8", "--version: 4.9.8 is given twice"),
    ] {
        let o = check_file(&path, &["--version", list]);
        assert_eq!(o.status.code(), Some(2), "{list}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(needle), "{list}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(o.stdout.is_empty());
    }
}

/// Issue 24 item 5: each row with one machine fault prints its expected loss per year (the rate
/// × that run's loss), the rates under the table with their sources, and the rates are inputs.
#[test]
fn rows_print_the_expected_loss_per_year_with_the_rates_and_their_sources() {
    let conf = sample("2m-noslave/broker-a.properties");
    let o = check_file(&conf, &[]);
    let out = stdout(&o);
    assert!(out.contains("lost per year"), "{out}");
    assert!(out.contains("POWER_LOSS 1 per machine-year (default: J. Dean, LADIS 2009"), "{out}");
    assert!(out.contains("DISK_LOST 0.016 per machine-year (default: Backblaze Drive Stats for 2024"), "{out}");
    let json = |args: &[&str]| -> serde_json::Value {
        let o = check_file(&conf, &[&["--json"], args].concat());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let row = |v: &serde_json::Value| {
        v["faults"].as_array().unwrap().iter().find(|r| r["preset"] == "async-flush-power-loss").cloned().unwrap()
    };
    let default = row(&json(&[]));
    let lost = default["lostAfterAck"].as_f64().unwrap();
    assert!(lost > 0.0, "ASYNC_FLUSH loses under a power loss: {default}");
    assert_eq!(default["perYear"]["ackedThenLost"].as_f64().unwrap(), lost);
    let quarter = row(&json(&["--power-losses-per-year", "0.25"]));
    assert_eq!(quarter["perYear"]["faultsPerMachineYear"], 0.25);
    assert_eq!(quarter["perYear"]["ackedThenLost"].as_f64().unwrap(), lost / 4.0);
    let given = stdout(&check_file(&conf, &["--power-losses-per-year", "0.25"]));
    assert!(given.contains("POWER_LOSS 0.25 per machine-year (given)"), "{given}");
    let bad = check_file(&conf, &["--disk-failures-per-year", "-2"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--disk-failures-per-year: -2 is not a rate per machine and year"));
}

// ---- Controller mode (issue 20 item 5) ----------------------------------------------------------

fn check_bytes_as(name: &str, bytes: &[u8], args: &[&str]) -> Output {
    let dir = std::env::temp_dir().join(format!("losslab-check-conf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    check_file(path.to_str().unwrap(), args)
}

fn json_of(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn keys_of(v: &serde_json::Value, field: &str) -> Vec<String> {
    v[field].as_array().unwrap().iter().map(|k| k["key"].as_str().unwrap().to_string()).collect()
}

/// RocketMQ 5.3.3's `controller/quick-start/broker-n*.conf` as 5.3.3: a controller-mode broker.
/// Its modelled keys are applied; brokerRole (SLAVE in both samples), brokerId (-1) and
/// controllerAddr are read and noted, not listed as unknown; no warning (allAckInSyncStateSet is
/// on); every row is a group with a slave, the controller-fault row included, and with
/// allAckInSyncStateSet a single master failure loses no acknowledged message.
#[test]
fn the_quick_start_controller_brokers_are_modelled_under_5_3_3() {
    for n in ["broker-n0.conf", "broker-n1.conf"] {
        let v = json_of(&check_file(&sample(&format!("controller/quick-start/{n}")), &["--version", "5.3.3", "--json"]));
        assert_eq!(v["file"], "CONTROLLER_MODE", "{n}");
        assert_eq!(v["warnings"].as_array().unwrap().len(), 0, "{n}: {}", v["warnings"]);
        let applied = keys_of(&v, "applied");
        assert!(applied.contains(&"enableControllerMode".to_string()) && applied.contains(&"allAckInSyncStateSet".to_string()), "{applied:?}");
        assert_eq!(keys_of(&v, "notes"), ["brokerId", "brokerRole", "controllerAddr"], "{n}");
        assert!(v["notes"][1]["note"].as_str().unwrap().contains("controller mode ignores it"), "{}", v["notes"]);
        assert!(v["notes"][0]["note"].as_str().unwrap().contains("-1"), "{}", v["notes"]);
        for k in ["brokerRole", "brokerId", "controllerAddr", "allAckInSyncStateSet"] {
            assert!(!keys_of(&v, "notModelled").contains(&k.to_string()), "{n}: {k} is read, not unknown");
        }
        assert!(v["modeKeys"].as_array().unwrap().is_empty() && v["notInVersion"].as_array().unwrap().is_empty(), "{v}");
        let rows = v["faults"].as_array().unwrap();
        assert!(rows.len() >= 8, "{n}: {rows:?}");
        assert!(rows.iter().all(|r| r["fault"].as_str().unwrap().contains("(with ")), "every row has a slave: {rows:?}");
        assert!(rows.iter().any(|r| r["fault"].as_str().unwrap().starts_with("POWER_LOSS controller")), "{rows:?}");
        for r in rows {
            let f = r["fault"].as_str().unwrap();
            let one_master_fault = !f.contains(", ") && f.contains(" master at ");
            if one_master_fault {
                assert_eq!(r["lostAfterAck"], 0, "allAckInSyncStateSet: {f} loses nothing acknowledged");
            }
        }
    }
    let text = stdout(&check_file(&sample("controller/quick-start/broker-n0.conf"), &["--version", "5.3.3"]));
    assert!(text.contains(": controller mode, flushDiskType=ASYNC_FLUSH allAckInSyncStateSet=true"), "{text}");
    assert!(text.contains("note: brokerRole (line 19): controller mode ignores it"), "{text}");
    assert!(text.contains("ASYNC_FLUSH + controller mode + allAckInSyncStateSet, slave, "), "{text}");
    assert!(text.contains("this configuration (ASYNC_FLUSH + controller mode + allAckInSyncStateSet)"), "{text}");
    assert!(!text.contains("book's recommendation"), "a master/slave recommendation is no comparison here: {text}");
}

/// The same file with `allAckInSyncStateSet=false` (the default): the first line warns of the
/// truncation, and the killed-master row loses acknowledged messages (the old master's tail,
/// truncated when it rejoins; spec 5 §6 item 5) that the shipped file keeps.
#[test]
fn controller_mode_without_all_ack_is_warned_and_loses_on_failover() {
    let shipped = std::fs::read_to_string(sample("controller/quick-start/broker-n0.conf")).unwrap();
    let conf = shipped.replace("allAckInSyncStateSet=true", "allAckInSyncStateSet=false");
    let o = check_bytes_as("ctrl-no-all-ack.conf", conf.as_bytes(), &["--version", "5.3.3"]);
    let text = String::from_utf8_lossy(&o.stdout);
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("warning: In controller mode at allAckInSyncStateSet = false and inSyncReplicas = 1"), "{text}");
    assert!(first.contains("truncates") && first.contains("set allAckInSyncStateSet = true"), "{first}");
    let row = |v: &serde_json::Value| {
        v["faults"].as_array().unwrap().iter().find(|r| r["preset"] == "v5-controller-failover-truncated").cloned().expect("the killed-master row")
    };
    let without = row(&json_of(&check_bytes_as("ctrl-no-all-ack.conf", conf.as_bytes(), &["--version", "5.3.3", "--json"])));
    assert!(without["lostAfterAck"].as_u64().unwrap() > 0, "{without}");
    let with = row(&json_of(&check_file(&sample("controller/quick-start/broker-n0.conf"), &["--version", "5.3.3", "--json"])));
    assert_eq!(with["lostAfterAck"], 0, "{with}");
}

/// Controller-mode keys under 4.9.8 (which has none): each listed as a key that release ignores,
/// the first line naming enableControllerMode and the others, and — the quick-start samples say
/// brokerRole=SLAVE with brokerId=-1 — a line saying 4.9.8's BrokerStartup refuses that slave.
#[test]
fn controller_mode_keys_under_4_9_8_are_named() {
    let v = json_of(&check_file(&sample("controller/quick-start/broker-n1.conf"), &["--version", "4.9.8", "--json"]));
    assert_eq!(v["file"], "SLAVE");
    assert_eq!(keys_of(&v, "notInVersion"), ["enableControllerMode", "controllerAddr", "allAckInSyncStateSet"]);
    let w: Vec<&str> = v["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(w[0].starts_with("RocketMQ 4.9.8 has no controller mode: it ignores enableControllerMode=true (line 22) and the other controller-mode keys (controllerAddr (line 23), allAckInSyncStateSet (line 25))"), "{w:?}");
    assert!(w[0].ends_with("starts this broker as a master/slave SLAVE, with no failover."), "{w:?}");
    assert!(w[1].contains("brokerId above 0") && w[1].contains("-1 (line 18)") && w[1].contains("Slave's brokerId must be > 0"), "{w:?}");
    // A master/slave slave with a proper id is not warned; one with brokerId 0 is, in any release.
    let ok = json_of(&check_file(&sample("2m-2s-async/broker-a-s.properties"), &["--json"]));
    assert!(ok["warnings"].as_array().unwrap().iter().all(|w| !w.as_str().unwrap().contains("brokerId")), "{ok}");
    let zero = json_of(&check_bytes("slave0.conf", b"brokerRole=SLAVE\nbrokerId=0\n", true));
    assert!(zero["warnings"][0].as_str().unwrap().contains("this file's is 0 (line 2)"), "{zero}");
    // A master/slave file has no controller: the controller-fault presets give it no row.
    let ms = json_of(&check_file(&sample("2m-2s-sync/broker-a.properties"), &["--version", "5.3.3", "--json"]));
    assert!(ms["faults"].as_array().unwrap().iter().all(|r| !r["fault"].as_str().unwrap().contains("controller")), "{ms}");
}

/// Controller-mode keys in a master/slave 5.3.3 file are read, validated and noted as read only
/// in controller mode; values the lab cannot use are errors naming the key and line.
#[test]
fn controller_mode_keys_are_checked() {
    let v = json_of(&check_bytes_as("ms.conf", b"brokerRole=SYNC_MASTER\nallAckInSyncStateSet=true\nhaMaxTimeSlaveNotCatchup=5000\n", &["--version", "5.3.3", "--json"]));
    assert_eq!(v["file"], "MASTER");
    assert_eq!(keys_of(&v, "notes"), ["allAckInSyncStateSet", "haMaxTimeSlaveNotCatchup"]);
    assert!(v["notes"][0]["note"].as_str().unwrap().contains("read only in controller mode"), "{}", v["notes"]);
    for (conf, key, line, needle) in [
        (&b"enableControllerMode=true\nallAckInSyncStateSet=yes\n"[..], "allAckInSyncStateSet", 2, "`yes` is not `true` or `false`"),
        (b"enableControllerMode=true\nhaMaxTimeSlaveNotCatchup=15s\n", "haMaxTimeSlaveNotCatchup", 2, "milliseconds"),
        (b"enableControllerMode=true\ncontrollerHeartBeatTimeoutMills=0\n", "controllerHeartBeatTimeoutMills", 2, "greater than zero"),
        (b"enableDLegerCommitLog=true\nenableControllerMode=true\n", "enableDLegerCommitLog", 1, "cannot both be true"),
        (b"enableControllerMode=true\nenableSlaveActingMaster=true\n", "enableSlaveActingMaster", 2, "never reads enableSlaveActingMaster"),
        (b"transientStorePoolEnable=true\nenableControllerMode=true\n", "transientStorePoolEnable", 1, "controller mode"),
        (b"enableControllerMode=true\nbrokerRole=LEADER\n", "brokerRole", 2, "`SLAVE`"),
    ] {
        let o = check_bytes_as("bad-ctrl.conf", conf, &["--version", "5.3.3"]);
        assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(conf));
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains(&format!("bad-ctrl.conf: {key} (line {line}): ")), "{e}");
        assert!(e.contains(needle), "{needle}: {e}");
    }
}
