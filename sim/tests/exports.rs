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
