//! `losslab`: run RocketMQ reliability scenarios from the command line.
//!
//! ```text
//! losslab run FILE.toml [--seed N] [--json | --log | --summary | --export jsonl|history|csv]
//! losslab run --preset NAME [--seed N] [--json | --log | --summary | --export jsonl|history|csv]
//! losslab presets
//! losslab check broker.conf [--json]
//! losslab sweep [GRID.toml] [flags]     (see losslab/sweep.rs)
//! ```
//! Errors go to stderr with the field named, exit code 2.

use std::io::Write as _;
use std::process::ExitCode;

#[path = "losslab/check_cost.rs"]
mod check_cost;
#[path = "losslab/sweep.rs"]
mod sweep;

use rmq_sim::export::Format;
use rmq_sim::log::LogMode;
use rmq_sim::report::Report;
use rmq_sim::exposure::check_broker_conf;
use rmq_sim::scenario::{parse_scenario, presets, Scenario};
use rmq_sim::Sim;

const USAGE: &str = "usage:
  losslab run FILE.toml [--seed N] [--json | --log | --summary | --export jsonl|history|csv]
  losslab run --preset NAME [--seed N] [--json | --log | --summary | --export jsonl|history|csv]
  losslab presets
  losslab check broker.conf [--json]
  losslab sweep [GRID.toml] [--preset NAME | --base FILE.toml] [--seeds N] [--faults K,…] … [--json | --csv]";

#[derive(Clone, Copy, PartialEq)]
enum Output {
    Summary,
    Json,
    Log,
    Export(Format),
}

fn main() -> ExitCode {
    match real_main() {
        Ok(text) => {
            // A closed pipe (`| head`) is not an error worth a panic.
            use std::io::Write;
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("losslab: {msg}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> Result<String, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let cmd = match parser.next().map_err(|e| e.to_string())? {
        Some(Value(v)) => v.string().map_err(|e| e.to_string())?,
        Some(Long("help") | Short('h')) | None => return Ok(format!("{USAGE}\n")),
        Some(other) => return Err(format!("{}\n{USAGE}", other.unexpected())),
    };
    if cmd == "sweep" {
        return sweep::main(&mut parser);
    }
    let mut file: Option<String> = None;
    let mut preset: Option<String> = None;
    let mut seed: Option<u64> = None;
    let mut output = Output::Summary;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("seed") => {
                let v = parser.value().map_err(|e| e.to_string())?.string().map_err(|e| e.to_string())?;
                seed = Some(v.parse().map_err(|_| format!("--seed: `{v}` is not an unsigned 64-bit integer"))?);
            }
            Long("preset") => {
                preset = Some(parser.value().map_err(|e| e.to_string())?.string().map_err(|e| e.to_string())?)
            }
            Long("json") => output = Output::Json,
            Long("log") => output = Output::Log,
            Long("summary") => output = Output::Summary,
            Long("export") => {
                let v = parser.value().map_err(|e| e.to_string())?.string().map_err(|e| e.to_string())?;
                let format = Format::parse(&v)
                    .ok_or_else(|| format!("--export: unknown format `{v}` (jsonl, history or csv)"))?;
                output = Output::Export(format);
            }
            Value(v) if file.is_none() => file = Some(v.string().map_err(|e| e.to_string())?),
            other => return Err(format!("{}\n{USAGE}", other.unexpected())),
        }
    }
    match cmd.as_str() {
        "presets" => Ok(list_presets()),
        "run" => {
            let scenario = load(file.as_deref(), preset.as_deref())?;
            Ok(run(scenario, seed, output))
        }
        "check" => {
            let path = file.ok_or_else(|| format!("check needs a broker.conf path\n{USAGE}"))?;
            check(&path, output == Output::Json)
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}

fn list_presets() -> String {
    let mut out = String::new();
    for p in presets::all() {
        out.push_str(&format!("{:<38} {}\n", p.id, p.title));
    }
    out
}

fn load(file: Option<&str>, preset: Option<&str>) -> Result<Scenario, String> {
    match (file, preset) {
        (Some(_), Some(_)) => Err("give a FILE or --preset, not both".into()),
        (None, None) => Err(format!("run needs a FILE.toml or --preset NAME\n{USAGE}")),
        (None, Some(id)) => presets::load(id).ok_or_else(|| {
            format!("--preset: unknown preset `{id}` (see `losslab presets`)")
        }),
        (Some(path), None) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            parse_scenario(&text).map_err(|e| format!("{path}: {e}"))
        }
    }
}

fn run(mut scenario: Scenario, seed: Option<u64>, output: Output) -> String {
    if let Some(s) = seed {
        scenario.seed = s;
    }
    // A run of 10^6 messages logs ~10^7 events: never hold them all. `--log` writes each
    // action's events as they come; the reports stream the log into its digest.
    let mut sim = Sim::new(&scenario);
    match output {
        Output::Log => {
            sim.set_log_mode(LogMode::Discard);
            write_log(&mut sim);
            String::new()
        }
        Output::Json | Output::Summary => {
            sim.set_log_mode(LogMode::Digest);
            sim.run();
            let report = Report::of(&sim);
            if output == Output::Json { report.to_json() + "\n" } else { report.to_table() }
        }
        // Exports read the whole log: it is kept.
        Output::Export(format) => {
            sim.run();
            format.render(&sim)
        }
    }
}

/// Runs `sim` to its end, writing each event line to stdout as it happens (a closed stdout, as
/// in `| head`, stops the run quietly).
fn write_log(sim: &mut Sim) {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    while let Some(events) = sim.step_action() {
        for e in events {
            if writeln!(out, "{e}").is_err() {
                return;
            }
        }
    }
    let _ = out.flush();
}

fn check(path: &str, json: bool) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let report = check_broker_conf(&text).map_err(|e| format!("{path}: {e}"))?;
    if json {
        let mut v = serde_json::to_value(&report).expect("json");
        v["config"] = serde_json::Value::from(path);
        v["cost"] = check_cost::json(&report.broker);
        return Ok(serde_json::to_string_pretty(&v).expect("json") + "\n");
    }
    let b = &report.broker;
    let mut out = format!(
        "{path}: flushDiskType={:?} brokerRole={:?}\n",
        b.flush_disk_type, b.broker_role
    );
    if b.uses_transient_store_pool() {
        out.push_str("transientStorePoolEnable=true: a broker process crash loses what is still in the off-heap write buffer (see async-flush-process-crash)\n");
    }
    if !report.not_modelled.is_empty() {
        let keys: Vec<String> = report.not_modelled.iter().map(|k| format!("{} (line {})", k.key, k.line)).collect();
        out.push_str(&format!("not modelled: {}\n", keys.join(", ")));
    }
    out.push_str("\nfault (from preset)                          acked-then-lost  of which SEND_OK\n");
    for r in &report.faults {
        let mark = if r.lost_after_ack > 0 { "  <- loses acknowledged messages" } else { "" };
        out.push_str(&format!("  {:<42} {:>8}/{:<6} {:>8}{mark}\n", r.preset, r.lost_after_ack, r.messages, r.send_ok_lost));
    }
    out.push_str(&check_cost::text(&report.broker));
    Ok(out)
}
