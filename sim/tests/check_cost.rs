//! `losslab check broker.conf` prints what the configuration costs beside what it loses.

use std::process::Command;

fn check(conf: &str, json: bool) -> (String, String, Option<i32>) {
    let dir = std::env::temp_dir().join(format!("losslab-check-cost-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("broker-{}.conf", conf.len()));
    std::fs::write(&path, conf).unwrap();
    let mut args = vec!["check".to_string(), path.to_string_lossy().into_owned()];
    if json {
        args.push("--json".into());
    }
    let o = Command::new(env!("CARGO_BIN_EXE_losslab")).args(&args).output().unwrap();
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned(), o.status.code())
}

fn tps(v: &serde_json::Value, config: &str, threads: u64) -> f64 {
    v["cost"]["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["config"] == config && r["threads"] == threads)
        .unwrap_or_else(|| panic!("{config} × {threads}"))["throughput"]["sendTps"]
        .as_f64()
        .unwrap()
}

#[test]
fn check_prints_cost_beside_loss_exposure() {
    let (out, err, code) = check("flushDiskType=SYNC_FLUSH\nbrokerRole=SYNC_MASTER\n", false);
    assert_eq!(code, Some(0), "{err}");
    let loss = out.find("acked-then-lost").expect("loss exposure");
    let cost = out.find("Send TPS").expect("cost figures");
    assert!(loss < cost);
    for words in ["Average RT(ms)", "Max RT(ms)", "Send Failed", "this configuration (SYNC_FLUSH + SYNC_MASTER)", "book's recommendation (ASYNC_FLUSH + SYNC_MASTER)"] {
        assert!(out.contains(words), "{words}\n{out}");
    }
}

#[test]
fn check_json_cost_ranks_configurations_as_physics_says() {
    let (out, err, code) = check("flushDiskType=SYNC_FLUSH\nbrokerRole=SYNC_MASTER\n", true);
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &v["cost"]["runs"][0];
    assert!(run["latency"]["all"]["p99Ms"].as_f64().unwrap() > 0.0);
    assert_eq!(run["throughput"]["sendFailed"], 0);
    // Many threads: group commit lets SYNC_FLUSH scale, but it stays dearer than ASYNC_FLUSH.
    assert!(tps(&v, "this configuration", 16) > 4.0 * tps(&v, "this configuration", 1));
    assert!(tps(&v, "this configuration", 16) < tps(&v, "book's recommendation", 16));
    // The book's own configuration is not compared with itself.
    let (out, _, _) = check("brokerRole=SYNC_MASTER\n", true);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["cost"]["runs"].as_array().unwrap().iter().all(|r| r["config"] == "this configuration"));
    let async_master = {
        let (out, _, _) = check("brokerRole=ASYNC_MASTER\n", true);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        tps(&v, "this configuration", 16)
    };
    assert!(async_master > tps(&v, "this configuration", 16), "SYNC_MASTER's round trip costs TPS");
}
