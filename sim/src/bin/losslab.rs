//! `losslab`: run RocketMQ reliability scenarios from the command line.
//!
//! ```text
//! losslab run FILE.toml [--seed N] [--json | --log | --summary]
//! losslab run --preset NAME [--seed N] [--json | --log | --summary]
//! losslab presets
//! losslab check broker.conf [--json]
//! ```
//! Errors go to stderr with the field named, exit code 2.

use std::process::ExitCode;

use rmq_sim::report::{log_text, Report};
use rmq_sim::exposure::check_broker_conf;
use rmq_sim::scenario::{parse_scenario, presets, Scenario};
use rmq_sim::Sim;

const USAGE: &str = "usage:
  losslab run FILE.toml [--seed N] [--json | --log | --summary]
  losslab run --preset NAME [--seed N] [--json | --log | --summary]
  losslab presets
  losslab check broker.conf [--json]";

#[derive(Clone, Copy, PartialEq)]
enum Output {
    Summary,
    Json,
    Log,
}

fn main() -> ExitCode {
    match real_main() {
        Ok(text) => {
            print!("{text}");
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
    let mut sim = Sim::new(&scenario);
    sim.run();
    match output {
        Output::Log => log_text(sim.events()),
        Output::Json => Report::of(&sim).to_json() + "\n",
        Output::Summary => Report::of(&sim).to_table(),
    }
}

fn check(path: &str, json: bool) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let report = check_broker_conf(&text).map_err(|e| format!("{path}: {e}"))?;
    if json {
        let mut v = serde_json::to_value(&report).expect("json");
        v["config"] = serde_json::Value::from(path);
        return Ok(serde_json::to_string_pretty(&v).expect("json") + "\n");
    }
    let b = &report.broker;
    let mut out = format!(
        "{path}: flushDiskType={:?} brokerRole={:?}\n",
        b.flush_disk_type, b.broker_role
    );
    if !report.not_modelled.is_empty() {
        let keys: Vec<String> = report.not_modelled.iter().map(|k| format!("{} (line {})", k.key, k.line)).collect();
        out.push_str(&format!("not modelled: {}\n", keys.join(", ")));
    }
    out.push_str("\nfault (from preset)                          acked-then-lost  of which SEND_OK\n");
    for r in &report.faults {
        let mark = if r.lost_after_ack > 0 { "  <- loses acknowledged messages" } else { "" };
        out.push_str(&format!("  {:<42} {:>8}/{:<6} {:>8}{mark}\n", r.preset, r.lost_after_ack, r.messages, r.send_ok_lost));
    }
    Ok(out)
}
