//! `losslab`: run RocketMQ reliability scenarios from the command line.
//!
//! ```text
//! losslab run FILE.toml [--seed N] [--json | --log | --summary | --export jsonl|history|csv]
//! losslab run --preset NAME [--seed N] [--json | --log | --summary | --export jsonl|history|csv]
//! losslab presets
//! losslab check broker.conf [--json]
//! losslab sweep [GRID.toml] [flags]     (see losslab/sweep.rs)
//! losslab --version | --help;  losslab COMMAND --help
//! ```
//! Exit codes: 0 done; 2 a usage or input error (on stderr, the flag, file or field named); 1 the
//! output could not be written (a full disk: one line on stderr; a closed pipe, as in `| head`:
//! quietly). Every input file is size-checked before it is read (`losslab/input.rs`), and every
//! string that came from a file or a flag is printed with its control characters escaped.

use std::borrow::Cow;
use std::io::Write;
use std::process::ExitCode;

#[path = "losslab/check_cost.rs"]
mod check_cost;
#[path = "losslab/input.rs"]
mod input;
#[path = "losslab/sweep.rs"]
mod sweep;

use input::Input;
use rmq_sim::export::Format;
use rmq_sim::exposure::check_broker_conf;
use rmq_sim::log::LogMode;
use rmq_sim::report::Report;
use rmq_sim::scenario::{parse_scenario, presets, Scenario};
use rmq_sim::Sim;

const USAGE: &str = "usage:
  losslab run FILE.toml [--seed N] [--json | --log | --summary | --export jsonl|history|csv]
  losslab run --preset NAME [--seed N] [--json | --log | --summary | --export jsonl|history|csv]
  losslab presets
  losslab check broker.conf [--json]
  losslab sweep [GRID.toml] [--preset NAME | --base FILE.toml] [--seeds N] [--faults K,…] … [--json | --csv]
  losslab --version
  losslab COMMAND --help";

const RUN_USAGE: &str = "usage:
  losslab run FILE.toml [--seed N] [--json | --log | --summary | --export jsonl|history|csv]
  losslab run --preset NAME [--seed N] [--json | --log | --summary | --export jsonl|history|csv]

Runs one scenario (a TOML file, at most 1 MiB, or a shipped preset) and prints:
  --summary        the verdict table (default)
  --json           the report as JSON
  --log            the event log, one line per event, as it happens
  --export FORMAT  jsonl (the event log as JSON Lines), history (a Jepsen-style client history) or
                   csv (one row per message); streamed: the same run as --json
  --seed N         overrides the scenario's seed (what it draws: README \"The seed\")";

const PRESETS_USAGE: &str = "usage:
  losslab presets

Lists the shipped scenarios (for `losslab run --preset NAME`).";

const CHECK_USAGE: &str = "usage:
  losslab check broker.conf [--json]

Reads a master's broker.conf (as java.util.Properties does, at most 1 MiB) and reports what each
fault loses under that configuration, and what the configuration costs.";

/// Why the runner stops early.
enum Fail {
    /// A usage or input error: one message, exit 2.
    Usage(String),
    /// The output could not be written: exit 1.
    Write(std::io::Error),
}

impl From<String> for Fail {
    fn from(msg: String) -> Fail {
        Fail::Usage(msg)
    }
}

impl From<std::io::Error> for Fail {
    fn from(e: std::io::Error) -> Fail {
        Fail::Write(e)
    }
}

/// `text` (a path, a name, a value from a flag or a file) with control characters escaped.
pub fn shown(text: &str) -> Cow<'_, str> {
    rmq_sim::text::escape_controls(text)
}

/// JSON text safe for a terminal and still JSON: serde_json escapes C0 controls; DEL and C1
/// (U+0080–U+009F, where U+009B is a one-character CSI) are escaped here as `\u00XX`.
pub fn json_safe(json: &str) -> Cow<'_, str> {
    if !json.chars().any(|c| c.is_control() && c != '\n') {
        return Cow::Borrowed(json);
    }
    Cow::Owned(
        json.chars()
            .map(|c| if c.is_control() && c != '\n' { format!("\\u{:04x}", c as u32) } else { c.to_string() })
            .collect(),
    )
}

fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = real_main(&mut out).and_then(|()| out.flush().map_err(Fail::Write));
    let mut stderr = std::io::stderr();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail::Usage(msg)) => {
            let _ = writeln!(stderr, "losslab: {}", shown(&msg));
            ExitCode::from(2)
        }
        // A closed pipe (`| head`): the reader has what it wanted; no message, no panic.
        Err(Fail::Write(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(1),
        Err(Fail::Write(e)) => {
            let _ = writeln!(stderr, "losslab: cannot write the output: {e}");
            ExitCode::from(1)
        }
    }
}

/// One string flag's value (UTF-8), the flag named in its errors.
fn value(parser: &mut lexopt::Parser, flag: &str) -> Result<String, String> {
    let v = parser.value().map_err(|e| format!("--{flag}: {e}"))?;
    v.into_string().map_err(|v| format!("--{flag}: `{}` is not valid UTF-8", v.to_string_lossy()))
}

/// Sets a flag that may be given once.
fn once<T>(slot: &mut Option<T>, flag: &str, v: T) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("--{flag} is given twice; give it once"));
    }
    *slot = Some(v);
    Ok(())
}

/// An argument the command does not take, named.
fn unexpected(arg: lexopt::Arg, usage: &str) -> String {
    format!("{}\n{usage}", arg.unexpected())
}

fn real_main(out: &mut dyn Write) -> Result<(), Fail> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let cmd = match parser.next().map_err(|e| e.to_string())? {
        Some(Value(v)) => v.string().map_err(|e| e.to_string())?,
        Some(Long("help") | Short('h')) | None => return Ok(writeln!(out, "{USAGE}")?),
        Some(Long("version") | Short('V')) => return Ok(writeln!(out, "losslab {}", env!("CARGO_PKG_VERSION"))?),
        Some(other) => return Err(unexpected(other, USAGE).into()),
    };
    match cmd.as_str() {
        "run" => run_cmd(&mut parser, out),
        "presets" => {
            if let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                return match arg {
                    Long("help") | Short('h') => Ok(writeln!(out, "{PRESETS_USAGE}")?),
                    other => Err(unexpected(other, PRESETS_USAGE).into()),
                };
            }
            Ok(out.write_all(list_presets().as_bytes())?)
        }
        "check" => {
            let (mut file, mut json) = (None, false);
            while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                match arg {
                    Long("help") | Short('h') => return Ok(writeln!(out, "{CHECK_USAGE}")?),
                    Long("json") => json = true,
                    Value(v) if file.is_none() => file = Some(v.string().map_err(|e| e.to_string())?),
                    other => return Err(unexpected(other, CHECK_USAGE).into()),
                }
            }
            let path = file.ok_or_else(|| format!("check needs a broker.conf path\n{CHECK_USAGE}"))?;
            check(&path, json, out)
        }
        "sweep" => {
            let (text, json) = sweep::main(&mut parser)?;
            let text = if json { json_safe(&text) } else { shown(&text) };
            Ok(out.write_all(text.as_bytes())?)
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}").into()),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Output {
    Summary,
    Json,
    Log,
    Export(Format),
}

fn run_cmd(parser: &mut lexopt::Parser, out: &mut dyn Write) -> Result<(), Fail> {
    use lexopt::prelude::*;
    let mut file: Option<String> = None;
    let mut preset: Option<String> = None;
    let mut seed: Option<u64> = None;
    let mut output: Option<(String, Output)> = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        let chosen = match arg {
            Long("help") | Short('h') => return Ok(writeln!(out, "{RUN_USAGE}")?),
            Long("seed") => {
                let v = value(parser, "seed")?;
                let n = v.parse().map_err(|_| format!("--seed: `{v}` is not an unsigned 64-bit integer"))?;
                once(&mut seed, "seed", n)?;
                continue;
            }
            Long("preset") => {
                let v = value(parser, "preset")?;
                once(&mut preset, "preset", v)?;
                continue;
            }
            Long("json") => ("--json".to_string(), Output::Json),
            Long("log") => ("--log".to_string(), Output::Log),
            Long("summary") => ("--summary".to_string(), Output::Summary),
            Long("export") => {
                let v = value(parser, "export")?;
                let format = Format::parse(&v)
                    .ok_or_else(|| format!("--export: unknown format `{v}` (jsonl, history or csv)"))?;
                (format!("--export {v}"), Output::Export(format))
            }
            Value(v) if file.is_none() => {
                file = Some(v.string().map_err(|e| e.to_string())?);
                continue;
            }
            other => return Err(unexpected(other, RUN_USAGE).into()),
        };
        match &output {
            Some((flag, _)) if *flag != chosen.0 => {
                return Err(format!("{flag} and {}: give one output", chosen.0).into());
            }
            _ => output = Some(chosen),
        }
    }
    let scenario = load(file.as_deref(), preset.as_deref())?;
    for w in rmq_sim::scenario::warnings(&scenario) {
        let _ = writeln!(std::io::stderr(), "losslab: warning: {}", shown(&w.to_string()));
    }
    run(scenario, seed, output.map_or(Output::Summary, |(_, o)| o), out)
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
        (None, None) => Err(format!("run needs a FILE.toml or --preset NAME\n{RUN_USAGE}")),
        (None, Some(id)) => presets::load(id).ok_or_else(|| {
            format!("--preset: unknown preset `{id}` (see `losslab presets`)")
        }),
        (Some(path), None) => {
            let text = input::read_text(path, Input::Scenario)?;
            parse_scenario(&text).map_err(|e| format!("{path}: {e}"))
        }
    }
}

fn run(mut scenario: Scenario, seed: Option<u64>, output: Output, out: &mut dyn Write) -> Result<(), Fail> {
    if let Some(s) = seed {
        scenario.seed = s;
    }
    // A run of 10^6 messages logs ~10^7 events: never hold them all. `--log` and the exports
    // write as the run goes; the reports stream the log into its digest.
    let mut sim = Sim::new(&scenario);
    match output {
        Output::Log => {
            sim.set_log_mode(LogMode::Discard);
            while let Some(events) = sim.step_action() {
                for e in events {
                    writeln!(out, "{}", shown(&e.to_string()))?;
                }
            }
        }
        Output::Json | Output::Summary => {
            sim.set_log_mode(LogMode::Digest);
            sim.run();
            let report = Report::of(&sim);
            if output == Output::Json {
                writeln!(out, "{}", json_safe(&report.to_json()))?;
            } else {
                out.write_all(shown(&report.to_table()).as_bytes())?;
            }
        }
        Output::Export(format) => format.stream(&mut sim, out)?,
    }
    Ok(())
}

fn check(path: &str, json: bool, out: &mut dyn Write) -> Result<(), Fail> {
    let text = input::read_latin1(path, Input::BrokerConf)?;
    let report = check_broker_conf(&text).map_err(|e| format!("{path}: {e}"))?;
    if json {
        let mut v = serde_json::to_value(&report).expect("json");
        v["config"] = serde_json::Value::from(path);
        v["cost"] = check_cost::json(&report.broker);
        writeln!(out, "{}", json_safe(&serde_json::to_string_pretty(&v).expect("json")))?;
        return Ok(());
    }
    let b = &report.broker;
    let mut text = format!(
        "{path}: flushDiskType={} brokerRole={}\n",
        b.flush_disk_type.name(),
        b.broker_role.name()
    );
    if b.uses_transient_store_pool() {
        text.push_str("transientStorePoolEnable=true: a broker process crash loses what is still in the off-heap write buffer (see async-flush-process-crash)\n");
    }
    if !report.not_modelled.is_empty() {
        let keys: Vec<String> = report.not_modelled.iter().map(|k| format!("{} (line {})", k.key, k.line)).collect();
        text.push_str(&format!("not modelled: {}\n", keys.join(", ")));
    }
    text.push_str("\nfault (from preset)                          acked-then-lost  of which SEND_OK\n");
    for r in &report.faults {
        let mark = if r.lost_after_ack > 0 { "  <- loses acknowledged messages" } else { "" };
        text.push_str(&format!("  {:<42} {:>8}/{:<6} {:>8}{mark}\n", r.preset, r.lost_after_ack, r.messages, r.send_ok_lost));
    }
    text.push_str(&check_cost::text(&report.broker));
    Ok(out.write_all(shown(&text).as_bytes())?)
}
