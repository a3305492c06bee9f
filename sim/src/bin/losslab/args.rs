//! The command line of `losslab`, parsed into a [`Command`] without touching a file or running
//! anything, so the parser can be fuzzed on its own (fuzz/fuzz_targets/cli_args.rs includes this
//! file). Every refusal names the flag: unknown flags, flags a command does not take, two outputs,
//! a flag given twice.

use std::ffi::OsString;

use rmq_sim::export::Format;
use rmq_sim::fault_rates::{FaultRates, PerYear};
use rmq_sim::rocketmq_version::RocketMqVersion;

pub const USAGE: &str = "usage:
  losslab run FILE.toml [--seed N] [--json | --log | --summary | --export jsonl|history|csv]
  losslab run --preset NAME [--seed N] [--json | --log | --summary | --export jsonl|history|csv]
  losslab presets
  losslab check broker.conf [--version V[,V…]] [--json]
  losslab sweep [GRID.toml] [--preset NAME | --base FILE.toml] [--seeds N] [--faults K,…] … [--json | --csv]
  losslab --version
  losslab COMMAND --help";

pub const RUN_USAGE: &str = "usage:
  losslab run FILE.toml [--seed N] [--json | --log | --summary | --export jsonl|history|csv]
  losslab run --preset NAME [--seed N] [--json | --log | --summary | --export jsonl|history|csv]

Runs one scenario (a TOML file, at most 1 MiB, or a shipped preset) and prints:
  --summary        the verdict table (default)
  --json           the report as JSON
  --log            the event log, one line per event, as it happens
  --export FORMAT  jsonl (the event log as JSON Lines), history (a Jepsen-style client history) or
                   csv (one row per message); streamed: the same run as --json
  --seed N         overrides the scenario's seed (what it draws: README \"The seed\")";

pub const PRESETS_USAGE: &str = "usage:
  losslab presets

Lists the shipped scenarios (for `losslab run --preset NAME`).";

pub const CHECK_USAGE: &str = "usage:
  losslab check broker.conf [--version V[,V…]] [--json]
                [--power-losses-per-year R] [--disk-failures-per-year R] [--process-crashes-per-year R]

Reads a master's broker.conf (as java.util.Properties does, at most 1 MiB) and reports what each
fault loses under that configuration, and what the configuration costs.
  --version V,…  the RocketMQ release(s) to read it as: 4.7.0, 4.9.8 (default) or 5.3.3; with
                 several, a report for each and then the difference per fault
  --…-per-year R  a machine fault's rate per machine and year, for the rows' expected loss per
                 year (defaults and their sources are printed under the table)
Any RocketMQ configuration file is read: a controller-mode broker's (5.3.3) gets rows for a group
with slaves; a slave's, a DLedger broker's, a controller's or a name server's gets a line at the
top saying what it is, and no fault rows.";

pub const SWEEP_USAGE: &str = "usage:
  losslab sweep [GRID.toml] [--preset NAME | --base FILE.toml] [--flush-disk-type A,B]
                [--broker-role A,B] [--send-mode A,B] [--faults NONE,POWER_LOSS,DISK_LOST@master]
                [--fault-at DUR] [--fault-jitter DUR] [--fault-duration DUR] [--seeds N]
                [--first-seed N] [--version V,V] [--client remoting,grpc] [--controller-mode false,true]
                [--slave-count 0,1,2] [--messages N] [--interval DUR | --threads N]
                [--power-losses-per-year R] [--disk-failures-per-year R] [--process-crashes-per-year R]
                [--table | --json | --csv | --scenario CELL:SEED]
--controller-mode puts controller mode on an axis (5.3.3 only: with --version 5.3.3 or a 5.3.3
workload); --slave-count the group's slaves (0: a lone master, 2: a three-replica group).
The rates (faults per machine and year) turn each cell's loss per fault into an expected loss per
year; the defaults and their sources are printed under the table.";

/// Sweep flag ↔ grid key, so an error about a key set by a flag names the flag.
pub const SWEEP_FLAGS: &[(&str, &str)] = &[
    ("preset", "preset"),
    ("base", "base"),
    ("flush-disk-type", "flushDiskType"),
    ("broker-role", "brokerRole"),
    ("send-mode", "sendMode"),
    ("faults", "faults"),
    ("fault-at", "faultAt"),
    ("fault-jitter", "faultJitter"),
    ("fault-duration", "faultDuration"),
    ("seeds", "seeds"),
    ("first-seed", "firstSeed"),
    ("version", "version"),
    ("client", "client"),
    ("controller-mode", "controllerMode"),
    ("slave-count", "slaveCount"),
    ("power-losses-per-year", "powerLossesPerYear"),
    ("disk-failures-per-year", "diskFailuresPerYear"),
    ("process-crashes-per-year", "processCrashesPerYear"),
    // Workload flags: they edit the base scenario (as the page's sweep form does).
    ("messages", "base: producer.messages"),
    ("interval", "base: producer.interval"),
    ("threads", "base: producer.threads"),
];

/// What `losslab run` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunOutput {
    Summary,
    Json,
    Log,
    Export(Format),
}

/// What `losslab sweep` prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SweepOutput {
    Table,
    Json,
    Csv,
    /// The scenario TOML of one run (`CELL:SEED`, as typed), for `losslab run`.
    Scenario(String),
}

/// A parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Print this usage (to stdout, exit 0).
    Help(&'static str),
    Version,
    Presets,
    Run { file: Option<String>, preset: Option<String>, seed: Option<u64>, output: RunOutput },
    /// `versions`: as given (at least one; default 4.9.8), each once.
    Check { file: String, json: bool, versions: Vec<RocketMqVersion>, rates: FaultRates },
    /// `set`: each grid flag (its name in [`SWEEP_FLAGS`]) and its value, in command-line order.
    Sweep { file: Option<String>, output: SweepOutput, set: Vec<(&'static str, String)> },
}

fn unexpected(arg: lexopt::Arg, usage: &str) -> String {
    format!("{}\n{usage}", arg.unexpected())
}

/// One string flag's value (UTF-8), the flag named in its errors.
fn value(parser: &mut lexopt::Parser, flag: &str) -> Result<String, String> {
    let v = parser.value().map_err(|e| format!("--{flag}: {e}"))?;
    v.into_string().map_err(|v| format!("--{flag}: `{}` is not valid UTF-8", v.to_string_lossy()))
}

/// Sets a flag that may be given once.
/// A fault rate per machine and year, e.g. `0.5`.
pub fn rate(flag: &str, value: &str) -> Result<PerYear, String> {
    let v: f64 = value.trim().parse().map_err(|_| format!("--{flag}: `{value}` is not a number (faults per machine and year, e.g. 0.5)"))?;
    PerYear::from_f64(v).map_err(|r| format!("--{flag}: {r}"))
}

fn once<T>(slot: &mut Option<T>, flag: &str, v: T) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("--{flag} is given twice; give it once"));
    }
    *slot = Some(v);
    Ok(())
}

/// The output chosen so far: a second, different one is refused, both named.
fn choose<T>(slot: &mut Option<(String, T)>, chosen: (String, T)) -> Result<(), String> {
    match slot {
        Some((flag, _)) if *flag != chosen.0 || flag.starts_with("--scenario") => {
            Err(format!("{flag} and {}: give one output", chosen.0))
        }
        _ => {
            *slot = Some(chosen);
            Ok(())
        }
    }
}

/// `--version`'s list: releases, comma-separated, each known and given once.
pub fn versions(flag: &str, list: &str) -> Result<Vec<RocketMqVersion>, String> {
    RocketMqVersion::parse_list(list).map_err(|e| format!("--{flag}: {e}"))
}

fn positional(v: OsString) -> Result<String, String> {
    v.into_string().map_err(|v| format!("`{}` is not valid UTF-8", v.to_string_lossy()))
}

/// Parses `args` (without the program name).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let cmd = match parser.next().map_err(|e| e.to_string())? {
        Some(Value(v)) => positional(v)?,
        Some(Long("help") | Short('h')) | None => return Ok(Command::Help(USAGE)),
        Some(Long("version") | Short('V')) => return Ok(Command::Version),
        Some(other) => return Err(unexpected(other, USAGE)),
    };
    match cmd.as_str() {
        "run" => parse_run(&mut parser),
        "presets" => match parser.next().map_err(|e| e.to_string())? {
            None => Ok(Command::Presets),
            Some(Long("help") | Short('h')) => Ok(Command::Help(PRESETS_USAGE)),
            Some(other) => Err(unexpected(other, PRESETS_USAGE)),
        },
        "check" => {
            let (mut file, mut json, mut chosen) = (None, false, None);
            let mut rates = FaultRates::default();
            while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                match arg {
                    Long("help") | Short('h') => return Ok(Command::Help(CHECK_USAGE)),
                    Long("json") => json = true,
                    Long(flag @ ("power-losses-per-year" | "disk-failures-per-year" | "process-crashes-per-year")) => {
                        let flag = flag.to_string();
                        let v = rate(&flag, &value(&mut parser, &flag)?)?;
                        let slot = match flag.as_str() {
                            "power-losses-per-year" => &mut rates.power_loss,
                            "disk-failures-per-year" => &mut rates.disk_lost,
                            _ => &mut rates.process_crash,
                        };
                        once(slot, &flag, v)?;
                    }
                    Long("version") => {
                        let v = value(&mut parser, "version")?;
                        once(&mut chosen, "version", versions("version", &v)?)?;
                    }
                    Value(v) if file.is_none() => file = Some(positional(v)?),
                    other => return Err(unexpected(other, CHECK_USAGE)),
                }
            }
            let file = file.ok_or_else(|| format!("check needs a broker.conf path\n{CHECK_USAGE}"))?;
            Ok(Command::Check { file, json, versions: chosen.unwrap_or_else(|| vec![RocketMqVersion::default()]), rates })
        }
        "sweep" => parse_sweep(&mut parser),
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}

fn parse_run(parser: &mut lexopt::Parser) -> Result<Command, String> {
    use lexopt::prelude::*;
    let (mut file, mut preset, mut seed, mut output) = (None, None, None, None);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        let chosen = match arg {
            Long("help") | Short('h') => return Ok(Command::Help(RUN_USAGE)),
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
            Long("json") => ("--json".to_string(), RunOutput::Json),
            Long("log") => ("--log".to_string(), RunOutput::Log),
            Long("summary") => ("--summary".to_string(), RunOutput::Summary),
            Long("export") => {
                let v = value(parser, "export")?;
                let format = Format::parse(&v)
                    .ok_or_else(|| format!("--export: unknown format `{v}` (jsonl, history or csv)"))?;
                (format!("--export {v}"), RunOutput::Export(format))
            }
            Value(v) if file.is_none() => {
                file = Some(positional(v)?);
                continue;
            }
            other => return Err(unexpected(other, RUN_USAGE)),
        };
        choose(&mut output, chosen)?;
    }
    match (&file, &preset) {
        (Some(_), Some(_)) => return Err("give a FILE or --preset, not both".into()),
        (None, None) => return Err(format!("run needs a FILE.toml or --preset NAME\n{RUN_USAGE}")),
        _ => {}
    }
    Ok(Command::Run { file, preset, seed, output: output.map_or(RunOutput::Summary, |(_, o)| o) })
}

fn parse_sweep(parser: &mut lexopt::Parser) -> Result<Command, String> {
    use lexopt::prelude::*;
    let (mut file, mut output) = (None, None);
    let mut set: Vec<(&'static str, String)> = Vec::new();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        let chosen = match arg {
            Long("help") | Short('h') => return Ok(Command::Help(SWEEP_USAGE)),
            Long("json") => ("--json".to_string(), SweepOutput::Json),
            Long("csv") => ("--csv".to_string(), SweepOutput::Csv),
            Long("table") => ("--table".to_string(), SweepOutput::Table),
            Long("scenario") => {
                let v = value(parser, "scenario")?;
                ("--scenario".to_string(), SweepOutput::Scenario(v))
            }
            Long(flag) => {
                let Some(&(flag, _)) = SWEEP_FLAGS.iter().find(|(f, _)| *f == flag) else {
                    return Err(format!("sweep: unknown flag --{flag}\n{SWEEP_USAGE}"));
                };
                let v = value(parser, flag)?;
                if set.iter().any(|(f, _)| *f == flag) {
                    return Err(format!("--{flag} is given twice; give it once (a list is comma-separated)"));
                }
                set.push((flag, v));
                continue;
            }
            Value(v) if file.is_none() => {
                file = Some(positional(v)?);
                continue;
            }
            other => return Err(unexpected(other, SWEEP_USAGE)),
        };
        choose(&mut output, chosen)?;
    }
    let has = |f: &str| set.iter().any(|(s, _)| *s == f);
    if has("preset") && has("base") {
        return Err("--preset and --base: give one base scenario".into());
    }
    if has("interval") && has("threads") {
        return Err("--threads and --interval: give one (a closed-loop or an open-loop producer)".into());
    }
    Ok(Command::Sweep { file, output: output.map_or(SweepOutput::Table, |(_, o)| o), set })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(OsString::from))
    }

    #[test]
    fn commands_parse() {
        assert_eq!(p(&[]), Ok(Command::Help(USAGE)));
        assert_eq!(p(&["-V"]), Ok(Command::Version));
        assert_eq!(
            p(&["run", "x.toml", "--seed=7", "--export", "csv"]),
            Ok(Command::Run { file: Some("x.toml".into()), preset: None, seed: Some(7), output: RunOutput::Export(Format::Csv) })
        );
        assert_eq!(
            p(&["check", "b.conf", "--json"]),
            Ok(Command::Check { file: "b.conf".into(), json: true, versions: vec![RocketMqVersion::V4_9_8], rates: FaultRates::default() })
        );
        assert_eq!(
            p(&["check", "b.conf", "--version", "4.9.8, 5.3.3"]),
            Ok(Command::Check {
                file: "b.conf".into(),
                json: false,
                versions: vec![RocketMqVersion::V4_9_8, RocketMqVersion::V5_3_3],
                rates: FaultRates::default()
            })
        );
        for (list, needle) in [
            ("", "--version: the list is empty"),
            ("5.3.3,,4.9.8", "--version: `5.3.3,,4.9.8` has an empty item"),
            ("5.0", "--version: `5.0` is not a RocketMQ version the lab models; known: `4.7.0`, `4.9.8`, `5.3.3`"),
            ("5.3.3,4.9.8,5.3.3", "--version: 5.3.3 is given twice"),
        ] {
            let e = p(&["check", "b.conf", "--version", list]).unwrap_err();
            assert!(e.contains(needle), "{list}: {e}");
        }
        assert!(p(&["check", "b.conf", "--version", "5.3.3", "--version", "4.9.8"]).unwrap_err().contains("--version is given twice"));
        assert_eq!(p(&["--version"]), Ok(Command::Version), "before a command it is losslab's own version");
        assert_eq!(
            p(&["sweep", "--seeds", "3", "--json"]),
            Ok(Command::Sweep { file: None, output: SweepOutput::Json, set: vec![("seeds", "3".into())] })
        );
        assert!(p(&["sweep", "--scenario", "0:1", "--scenario", "0:2"]).unwrap_err().contains("give one output"));
        assert!(p(&["run", "--preset", "a", "x.toml"]).unwrap_err().contains("not both"));
    }
}
