//! The event-log (JSON Lines) and per-message (CSV) exports parse with ordinary parsers and say
//! the same as the run: one line per event with its log text, one row per message with its
//! verdict and stage times.

mod common;

use rmq_sim::export::{csv::COLUMNS, Format};
use rmq_sim::report::{digest, log_text};

#[test]
fn jsonl_has_one_object_per_event_with_its_log_line() {
    let (sim, _) = common::run(&common::preset("async-flush-power-loss"));
    let out = Format::Jsonl.render(&sim);
    let lines: Vec<serde_json::Value> =
        out.lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    assert_eq!(lines.len(), sim.events().len());
    // `time`, `seq` and `text` rebuild the text log exactly, hence its digest.
    let rebuilt: String = lines
        .iter()
        .zip(sim.events())
        .map(|(v, e)| {
            assert_eq!(v["time"].as_u64(), Some(e.at.as_us()));
            format!("t={} #{} {}\n", e.at, v["seq"].as_u64().expect("seq"), v["text"].as_str().expect("text"))
        })
        .collect();
    assert_eq!(rebuilt, log_text(sim.events()));
    assert!(!digest(sim.events()).is_empty());
    let lost = lines.iter().filter(|v| v["event"] == "CopyLost").count();
    assert!(lost > 0, "the power cut loses copies");
    let first = lines.iter().find(|v| v["event"] == "SendAttempted").expect("a send");
    assert!(first["arrivesAt"].is_u64() && first["msg"].is_u64(), "{first}");
}

#[test]
fn csv_has_one_row_per_message_with_its_stages() {
    for id in ["async-flush-power-loss", "poison-message-dlq", "dlq-compensation"] {
        let (sim, report) = common::run(&common::preset(id));
        let out = Format::Csv.render(&sim);
        let mut r = csv::Reader::from_reader(out.as_bytes());
        let header: Vec<String> = r.headers().expect("header").iter().map(String::from).collect();
        assert_eq!(header, COLUMNS);
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
        assert_eq!(rows.len(), report.messages.len(), "{id}");
        let col = |name: &str| COLUMNS.iter().position(|c| *c == name).expect("column");
        for (row, m) in rows.iter().zip(&report.messages) {
            assert_eq!(row[col("verdict")], *m.verdict, "{id}");
            assert_eq!(row[col("deliveries")], m.deliveries.to_string(), "{id}");
            assert_eq!(row[col("cause")], m.cause.clone().unwrap_or_default(), "{id}");
            if m.verdict == "DEAD_LETTERED" {
                assert!(!row[col("deadLetteredMs")].is_empty(), "{id}");
            }
            // Stages happen in order when present.
            let t = |c: &str| row[col(c)].parse::<f64>().ok();
            if let (Some(a), Some(b)) = (t("firstSendMs"), t("appendedMs")) {
                assert!(a <= b, "{id}: sent after appended");
            }
        }
    }
}

#[test]
fn export_format_names_round_trip() {
    for f in Format::ALL {
        assert_eq!(Format::parse(f.name()), Some(f));
    }
    assert_eq!(Format::parse("xml"), None);
}

/// `losslab run FILE --export …` works on a scenario file too, and a bad format is a clear error.
#[test]
fn the_runner_exports_files_and_names_a_bad_format() {
    let dir = std::env::temp_dir().join(format!("losslab-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("s.toml");
    std::fs::write(&file, "[producer]\nmessages = 5\n").expect("write");
    let run = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_losslab")).args(args).output().expect("runs");
    let f = file.to_str().expect("utf-8 path");
    let csv = run(&["run", f, "--export", "csv"]);
    assert!(csv.status.success());
    assert_eq!(String::from_utf8_lossy(&csv.stdout).lines().count(), 6, "header + 5 rows");
    let jsonl = run(&["run", f, "--seed", "3", "--export", "jsonl"]);
    assert!(String::from_utf8_lossy(&jsonl.stdout).lines().all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
    let bad = run(&["run", f, "--export", "xml"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--export: unknown format `xml`"));
}

/// Every export says which RocketMQ release the run followed: the CSV's last column, a `version`
/// on every history operation, and the event log's first event (`VersionSelected`, logged only
/// off 4.9.8, so a 4.9.8 log is the one it was before versions existed).
#[test]
fn every_export_carries_the_runs_release() {
    for (id, want) in [("sync-master-disk-lost", "4.9.8"), ("v5-sync-master-upgrade-trap", "5.3.3"), ("v470-flush-slave-timeout-5s", "4.7.0")] {
        let (sim, report) = common::run(&common::preset(id));
        assert_eq!(report.version.name(), want, "{id}");
        let csv = Format::Csv.render(&sim);
        let mut r = csv::Reader::from_reader(csv.as_bytes());
        assert_eq!(r.headers().expect("header").iter().next_back(), Some("version"));
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
        assert!(!rows.is_empty() && rows.iter().all(|row| &row[COLUMNS.len() - 1] == want), "{id}: every row names {want}");
        let history = Format::History.render(&sim);
        for line in history.lines() {
            let op: serde_json::Value = serde_json::from_str(line).expect("JSON");
            assert_eq!(op["version"], want, "{id}: {line}");
        }
        let first: serde_json::Value = serde_json::from_str(Format::Jsonl.render(&sim).lines().next().expect("an event")).expect("JSON");
        if want == "4.9.8" {
            assert_ne!(first["event"], "VersionSelected", "{id}: a 4.9.8 log is unchanged");
        } else {
            assert_eq!((first["event"].as_str(), first["version"].as_str()), (Some("VersionSelected"), Some(want)), "{id}");
        }
        // The streamed exports (losslab run --export) are the same bytes.
        for f in [Format::Csv, Format::History] {
            let mut fresh = rmq_sim::Sim::new(&common::preset(id));
            let mut out = Vec::new();
            f.stream(&mut fresh, &mut out).expect("stream");
            assert_eq!(String::from_utf8(out).unwrap(), f.render(&sim), "{id} {}", f.name());
        }
    }
}

/// A 5.x acting master without automatic degradation refuses each put with
/// IN_SYNC_REPLICAS_NOT_ENOUGH before appending (SYSTEM_ERROR, retried by the SYNC producer):
/// every attempt was refused, nothing stored, so the history's send is a definite `fail`, and the
/// event log names the refusal.
#[test]
fn an_in_sync_replicas_refusal_is_a_failed_send_in_the_history() {
    let sc = rmq_sim::scenario::parse_scenario(
        "version = \"5.3.3\"\nuntil = \"1m\"\n[broker]\nbrokerRole = \"SYNC_MASTER\"\ntotalReplicas = 2\ninSyncReplicas = 2\nenableSlaveActingMaster = true\n\
         [slave]\nenabled = true\n[producer]\nmessages = 40\ninterval = \"100ms\"\nsendMsgTimeout = 10000\n\
         [[fault]]\nat = \"1s\"\nkind = \"SLAVE_DOWN\"\ntarget = \"slave\"\n",
    )
    .expect("scenario");
    let (sim, report) = common::run(&sc);
    assert_eq!(report.in_sync_replicas_not_enough, 30 * 3);
    let ops: Vec<serde_json::Value> = Format::History.render(&sim).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let send = |v: u64| ops.iter().find(|o| o["f"] == "send" && o["value"] == v && o["type"] != "invoke").expect("completion");
    assert_eq!((send(20)["type"].as_str(), send(20)["attempts"].as_u64()), (Some("fail"), Some(3)), "{}", send(20));
    assert_eq!(send(20)["error"], "MQClientException");
    assert_eq!(send(5)["type"], "ok", "before the slave went down");
    let refusals = Format::Jsonl.render(&sim).lines().filter(|l| l.contains("\"event\":\"InSyncReplicasNotEnough\"")).count();
    assert_eq!(refusals, 90);
}
