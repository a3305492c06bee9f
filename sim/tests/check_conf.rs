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

#[test]
fn dledger_and_controller_mode_are_named_not_reported() {
    for (conf, key, mode) in [
        (&b"brokerName=a\nenableDLegerCommitLog=true\ndLegerGroup=a\n"[..], "enableDLegerCommitLog (line 2)", "DLedger mode"),
        (&b"enableControllerMode = TRUE\n"[..], "enableControllerMode (line 1)", "controller mode"),
    ] {
        for json in [false, true] {
            let o = check_bytes("mode.conf", conf, json);
            assert_eq!(o.status.code(), Some(2));
            let e = String::from_utf8_lossy(&o.stderr);
            assert!(e.contains(key) && e.contains(mode) && e.contains("master/slave"), "{e}");
            assert!(o.stdout.is_empty(), "no misleading report");
        }
    }
    // Turned off, they are ordinary keys.
    let (_, _, keys) = imported("off.conf", b"enableDLegerCommitLog=false\n");
    assert_eq!(keys, ["enableDLegerCommitLog"]);
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
