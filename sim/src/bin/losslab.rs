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

#[path = "losslab/args.rs"]
mod args;
#[path = "losslab/check_cost.rs"]
mod check_cost;
#[path = "losslab/input.rs"]
mod input;
#[path = "losslab/sweep.rs"]
mod sweep;

use args::{Command, RunOutput as Output};
use input::Input;
use rmq_sim::exposure::{check_broker_conf_with, CheckReport};
use rmq_sim::fault_rates::{self, FaultRates};
use rmq_sim::rocketmq_version::RocketMqVersion;
use rmq_sim::log::LogMode;
use rmq_sim::report::Report;
use rmq_sim::scenario::{parse_scenario, presets, FaultKind, Scenario};
use rmq_sim::Sim;

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

fn real_main(out: &mut dyn Write) -> Result<(), Fail> {
    match args::parse(std::env::args_os().skip(1))? {
        Command::Help(usage) => writeln!(out, "{usage}")?,
        Command::Version => writeln!(out, "losslab {}", env!("CARGO_PKG_VERSION"))?,
        Command::Presets => out.write_all(list_presets().as_bytes())?,
        Command::Check { file, json, versions, rates } => check(&file, json, &versions, &rates, out)?,
        Command::Run { file, preset, seed, output } => {
            let scenario = load(file.as_deref(), preset.as_deref())?;
            for w in rmq_sim::scenario::warnings(&scenario) {
                let _ = writeln!(std::io::stderr(), "losslab: warning: {}", shown(&w.to_string()));
            }
            run(scenario, seed, output, out)?
        }
        Command::Sweep { file, output, set } => {
            let (text, json) = sweep::main(file.as_deref(), output, &set)?;
            let text = if json { json_safe(&text) } else { shown(&text) };
            out.write_all(text.as_bytes())?
        }
    }
    Ok(())
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
        // args::parse refuses both and neither; kept an error, not a panic.
        (Some(_), Some(_)) | (None, None) => Err("give a FILE or --preset, one of them".into()),
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

fn check(path: &str, json: bool, versions: &[RocketMqVersion], rates: &FaultRates, out: &mut dyn Write) -> Result<(), Fail> {
    let text = input::read_latin1(path, Input::BrokerConf)?;
    let mut reports = Vec::new();
    for &v in versions {
        reports.push(check_broker_conf_with(&text, v, rates).map_err(|e| format!("{path}: {e}"))?);
    }
    // A misspelt modelled key is ignored by RocketMQ too, and its default used: say so (once).
    for k in &reports[0].not_modelled {
        if let Some(known) = k.did_you_mean {
            let _ = writeln!(
                std::io::stderr(),
                "losslab: warning: {}: {} (line {}) is not a key RocketMQ or losslab knows, so its value is ignored and the default used; did you mean {known}?",
                shown(path),
                shown(&k.key),
                k.line
            );
        }
    }
    if json {
        let one = |report: &CheckReport| {
            let mut v = serde_json::to_value(report).expect("json");
            v["config"] = serde_json::Value::from(path);
            v["cost"] = check_cost::json(&report.broker, report.version);
            v
        };
        for r in &reports {
            for w in &r.warnings {
                let _ = writeln!(std::io::stderr(), "losslab: warning: {}", shown(w));
            }
        }
        // One release: its report, as before; several: each, and the difference per fault.
        let v = match reports.as_slice() {
            [only] => one(only),
            all => serde_json::json!({
                "config": path,
                "reports": all.iter().map(one).collect::<Vec<_>>(),
                "difference": rmq_sim::exposure::difference(all),
            }),
        };
        writeln!(out, "{}", json_safe(&serde_json::to_string_pretty(&v).expect("json")))?;
        return Ok(());
    }
    let mut text = String::new();
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&check_text(path, r, reports.len() > 1));
    }
    if reports.len() > 1 {
        let names: Vec<&str> = reports.iter().map(|r| r.version.name()).collect();
        text.push_str(&format!("\ndifference per fault (acked-then-lost, {}):\n", names.join(" vs ")));
        let diff = rmq_sim::exposure::difference(&reports);
        if diff.is_empty() {
            text.push_str("  no fault rows to compare\n");
        }
        for d in diff {
            let figures: Vec<String> = d.lost_after_ack.iter().map(|(v, n)| format!("{v}: {n}")).collect();
            let mark = if d.same() { "same" } else { "<- differs" };
            text.push_str(&format!("  {:<64} {}  {mark}\n", d.fault, figures.join("  ")));
        }
    }
    Ok(out.write_all(shown(&text).as_bytes())?)
}

/// The text report of one release: its warnings first, then the file, the keys and the rows.
fn check_text(path: &str, report: &CheckReport, name_version: bool) -> String {
    let mut text = String::new();
    for w in &report.warnings {
        text.push_str(&format!("warning: {w}\n"));
    }
    let b = &report.broker;
    let config = rmq_sim::exposure::config_label(b);
    let version = if name_version { format!("RocketMQ {}: ", report.version) } else { String::new() };
    match report.file {
        "MASTER" => text.push_str(&format!("{version}{path}: flushDiskType={} brokerRole={}\n", b.flush_disk_type.name(), b.broker_role.name())),
        "CONTROLLER_MODE" => text.push_str(&format!(
            "{version}{path}: controller mode, flushDiskType={} allAckInSyncStateSet={} inSyncReplicas={} minInSyncReplicas={}\n",
            b.flush_disk_type.name(),
            b.all_ack_in_sync_state_set,
            b.in_sync_replicas,
            b.min_in_sync_replicas
        )),
        kind => text.push_str(&format!("{version}{path}: {}\n", kind.to_ascii_lowercase().replace('_', " "))),
    }
    if report.file == "MASTER" && b.uses_transient_store_pool() {
        text.push_str("transientStorePoolEnable=true: a broker process crash loses what is still in the off-heap write buffer (see the PROCESS_CRASH row)\n");
    }
    // Keys of a mode the lab does not model, one line per mode: "a key of DLedger mode (…), not
    // modelled yet" → "keys of DLedger mode (…), not modelled yet: dLegerGroup (line 23), …".
    let mut notes: Vec<&str> = Vec::new();
    for k in &report.mode_keys {
        if !notes.contains(&k.note.as_str()) {
            notes.push(&k.note);
        }
    }
    for note in notes {
        let keys: Vec<String> =
            report.mode_keys.iter().filter(|k| k.note == note).map(|k| format!("{} (line {})", k.key, k.line)).collect();
        text.push_str(&format!("keys {}: {}\n", note.strip_prefix("a key ").unwrap_or(note), keys.join(", ")));
    }
    for k in &report.notes {
        text.push_str(&format!("note: {} (line {}): {}\n", k.key, k.line, k.note));
    }
    if !report.not_in_version.is_empty() {
        let keys: Vec<String> = report.not_in_version.iter().map(|k| format!("{} (line {})", k.key, k.line)).collect();
        text.push_str(&format!("not in RocketMQ {} (it ignores them): {}\n", report.version, keys.join(", ")));
    }
    if !report.not_modelled.is_empty() {
        let keys: Vec<String> = report
            .not_modelled
            .iter()
            .map(|k| match k.did_you_mean {
                Some(known) => format!("{} (line {}: did you mean {known}?)", k.key, k.line),
                None => format!("{} (line {})", k.key, k.line),
            })
            .collect();
        text.push_str(&format!("not modelled: {}\n", keys.join(", ")));
    }
    if report.faults.is_empty() {
        return text;
    }
    text.push_str(&format!(
        "\n{:<44} {:<76} {:>15} {:>16} {:>14}\n",
        "fault injected", "configuration tested (workload)", "acked-then-lost", "of which SEND_OK", "lost per year"
    ));
    // Scenarios that differ only in the broker knobs the import replaces are the same run here:
    // one row each.
    let mut rows: Vec<String> = Vec::new();
    for r in &report.faults {
        let (fault, tested) = row_label(r.preset, &config);
        let mark = if r.lost_after_ack > 0 { "  <- loses acknowledged messages" } else { "" };
        let lost = format!("{}/{}", r.lost_after_ack, r.messages);
        let per_year = r.per_year.map_or("-".to_string(), |y| y.acked_then_lost.to_string());
        let row = format!("  {fault:<42} {tested:<76} {lost:>15} {:>16} {per_year:>14}{mark}\n", r.send_ok_lost);
        if !rows.contains(&row) {
            rows.push(row);
        }
    }
    rows.iter().for_each(|r| text.push_str(r));
    let used: Vec<FaultKind> = report
        .faults
        .iter()
        .filter(|r| r.per_year.is_some())
        .filter_map(|r| presets::load(r.preset).and_then(|sc| sc.faults.first().map(|f| f.kind)))
        .collect();
    if !used.is_empty() {
        text.push('\n');
        for line in fault_rates::explain(&report.rates, &used) {
            text.push_str(&line);
            text.push('\n');
        }
    }
    text.push_str(&check_cost::text(&report.broker, report.version));
    text
}

/// A row of `check`'s table: the faults the run injects, and what it tests — the imported
/// `config` with the run's slave and workload (the scenario is the preset `id`'s, with the
/// imported `[broker]`).
fn row_label(id: &str, config: &str) -> (String, String) {
    let Some(sc) = presets::load(id) else { return (id.to_string(), config.to_string()) };
    let fault = rmq_sim::exposure::preset_fault_label(id);
    let mut slave = rmq_sim::exposure::slaves_label(&sc).to_string();
    if config.contains("controller mode") && sc.controller.enable_elect_unclean_master {
        slave.push_str(", enableElectUncleanMaster");
    }
    let p = &sc.producer;
    let timeout = rmq_sim::time::format_duration(p.send_msg_timeout);
    (fault, format!("{config}, {slave}, {} {} sends, sendMsgTimeout {timeout}", p.messages, p.send_mode.name()))
}
