//! The edges of `losslab` (issue 22): bounded inputs, checked writes, streamed exports, escaped
//! control characters, `--help`/`--version`, refused flags, warnings for do-nothing inputs.

use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_losslab");

fn losslab(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("losslab runs")
}

/// `losslab ARGS` through `sh`, under a virtual memory limit (KiB), stdout to `stdout`.
fn limited(kib: u64, args: &str, stdout: &str) -> Output {
    let script = format!("ulimit -v {kib}; exec '{BIN}' {args} > {stdout}");
    Command::new("sh").arg("-c").arg(script).output().expect("sh runs")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("losslab-edges-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn temp_file(name: &str, text: &str) -> String {
    let p = dir().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

fn assert_usage_error(o: &Output, what: &str, needle: &str) {
    assert_eq!(o.status.code(), Some(2), "{what}: {}", err(o));
    assert!(err(o).contains(needle), "{what}: {}", err(o));
    assert!(!err(o).contains("panicked"), "{what}: {}", err(o));
}

// ---- 1. Bounded reads -------------------------------------------------------------------

/// `check /dev/zero` grew to 23 GB: now it stops at the broker.conf limit, under 400 MB of
/// address space.
#[test]
fn check_dev_zero_is_refused_at_the_limit() {
    let o = limited(400_000, "check /dev/zero", "/dev/null");
    assert_usage_error(&o, "check /dev/zero", "/dev/zero: larger than 1024 KiB, the limit for a broker.conf");
    let o = limited(400_000, "run /dev/zero", "/dev/null");
    assert_usage_error(&o, "run /dev/zero", "/dev/zero: larger than 1024 KiB, the limit for a scenario file");
}

/// A 200 MB file (sparse: it costs no disk) for every input kind: refused by its length before
/// it is read, under a 400 MB address-space limit.
#[test]
fn a_200_mb_file_is_refused_by_its_length_for_every_input_kind() {
    let path = dir().join("huge.conf");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(200 * 1024 * 1024).unwrap();
    let p = path.to_string_lossy();
    for (args, kind) in [
        (format!("check {p}"), "a broker.conf"),
        (format!("run {p}"), "a scenario file"),
        (format!("sweep {p}"), "a sweep grid file"),
        (format!("sweep --base {p} --seeds 1"), "a scenario file"),
    ] {
        let o = limited(400_000, &args, "/dev/null");
        assert_usage_error(&o, &args, &format!("{p}: larger than 1024 KiB, the limit for {kind}"));
    }
    std::fs::remove_file(&path).unwrap();
}

/// An endless pipe is cut at the limit too (it has no length to check first).
#[test]
fn an_endless_pipe_is_refused_at_the_limit() {
    let script = format!("ulimit -v 400000; yes 'brokerName=a' | '{BIN}' check /dev/stdin");
    let o = Command::new("sh").arg("-c").arg(script).output().unwrap();
    assert_usage_error(&o, "a pipe", "/dev/stdin: larger than 1024 KiB, the limit for a broker.conf");
}

// ---- 2. Checked writes ------------------------------------------------------------------

/// A full disk (`/dev/full`) on every output path: exit 1 and one line on stderr (it was exit 0).
#[test]
fn a_full_disk_is_an_error_on_every_output() {
    let conf = temp_file("full.conf", "flushDiskType=ASYNC_FLUSH\n");
    for args in [
        "run --preset defaults --json".to_string(),
        "run --preset defaults".to_string(),
        "run --preset defaults --log".to_string(),
        "run --preset defaults --export jsonl".to_string(),
        "run --preset defaults --export history".to_string(),
        "run --preset defaults --export csv".to_string(),
        format!("check {conf}"),
        format!("check {conf} --json"),
        "sweep --seeds 1 --faults NONE --messages 20".to_string(),
        "sweep --seeds 1 --faults NONE --messages 20 --json".to_string(),
        "presets".to_string(),
        "--help".to_string(),
        "run --help".to_string(),
        "--version".to_string(),
    ] {
        let o = limited(4_000_000, &args, "/dev/full");
        assert_eq!(o.status.code(), Some(1), "{args}: {}", err(&o));
        let e = err(&o);
        assert_eq!(e.lines().count(), 1, "{args}: one line: {e}");
        assert!(e.starts_with("losslab: cannot write the output: No space left on device"), "{args}: {e}");
    }
}

/// A closed pipe (`| head -c 1`) ends the run quietly with a non-zero exit, no panic message.
#[test]
fn a_closed_pipe_ends_quietly() {
    for args in ["--log", "--export jsonl", "--json"] {
        let mut child = Command::new(BIN)
            .args(["run", "--preset", "async-flush-power-loss"])
            .args(args.split(' '))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes away before the first line
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{args}");
        assert_eq!(err(&o), "", "{args}");
    }
}

// ---- 3. Exports are the same run as --json -----------------------------------------------

/// Every export, streamed, is byte for byte the export of the kept-log run, for presets with
/// faults, retries and dead letters.
#[test]
fn streamed_exports_equal_the_kept_log_exports() {
    use rmq_sim::export::Format;
    for id in ["async-flush-power-loss", "book-recommendation", "defaults"] {
        let sc = rmq_sim::scenario::presets::load(id).unwrap();
        let mut kept = rmq_sim::Sim::new(&sc);
        kept.run();
        for f in Format::ALL {
            let mut streamed = Vec::new();
            f.stream(&mut rmq_sim::Sim::new(&sc), &mut streamed).unwrap();
            assert!(String::from_utf8(streamed).unwrap() == f.render(&kept), "{id} {}", f.name());
        }
    }
}

/// A run past the kept log's 5·10^6 events (800,000 messages at 1 ms, 7 events each: 5.6·10^6,
/// about the smallest that exceeds it; ~1 min in the dev profile): `--export csv` stopped at the kept-log
/// limit and reported 378,096 of 10^6 `UNRESOLVED`, exit 0, while `--json` delivered every
/// message. Now the export is the `--json` run.
#[test]
fn export_of_a_run_past_the_kept_log_limit_is_the_json_run() {
    let messages = 800_000;
    let text = format!("name = \"big\"\nuntil = \"2h\"\n[producer]\nmessages = {messages}\ninterval = \"1ms\"\n");
    let path = temp_file("big.toml", &text);
    let json = losslab(&["run", &path, "--json"]);
    assert!(json.status.success(), "{}", err(&json));
    let v: serde_json::Value = serde_json::from_str(&out(&json)).unwrap();
    assert_eq!(v["summary"]["verdicts"]["DELIVERED"], messages);
    let csv = losslab(&["run", &path, "--export", "csv"]);
    assert!(csv.status.success(), "{}", err(&csv));
    let rows = out(&csv);
    let delivered = rows.lines().skip(1).filter(|l| l.split(',').nth(2) == Some("DELIVERED")).count();
    assert_eq!(rows.lines().count() - 1, messages as usize);
    assert_eq!(delivered, messages as usize, "csv verdicts = json verdicts");
    // And the run does exceed what a kept log holds.
    let mut sim = rmq_sim::Sim::new(&rmq_sim::scenario::parse_scenario(&text).unwrap());
    sim.set_log_mode(rmq_sim::log::LogMode::Discard);
    sim.run();
    assert!(sim.events_emitted() > rmq_sim::scenario::limits::MAX_EVENTS, "{}", sim.events_emitted());
}

// ---- 5. Control characters ---------------------------------------------------------------

/// A scenario name with `ESC[2J` (clear screen) and a C1 CSI is printed escaped everywhere.
#[test]
fn control_sequences_from_a_file_or_flag_are_escaped() {
    let path = temp_file("esc.toml", "name = \"x\\u001b[2Jy\\u009b31m\\u0007\"\n[producer]\nmessages = 3\n");
    for args in [vec!["run", &path], vec!["run", &path, "--log"], vec!["run", &path, "--json"], vec!["run", &path, "--export", "jsonl"]] {
        let o = losslab(&args);
        assert!(o.status.success(), "{args:?}: {}", err(&o));
        let text = out(&o);
        assert!(!text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{args:?}: {text:?}");
    }
    let table = out(&losslab(&["run", &path]));
    assert!(table.starts_with("x\\u{1b}[2Jy\\u{9b}31m\\u{7}\n"), "{table:?}");
    let json: serde_json::Value = serde_json::from_str(&out(&losslab(&["run", &path, "--json"]))).unwrap();
    assert_eq!(json["name"], "x\u{1b}[2Jy\u{9b}31m\u{7}", "JSON stays JSON, with the name intact");
    // From a flag, a path and a file's value: the error messages.
    for args in [vec!["run", "--preset", "\x1b]0;pwned\x07"], vec!["run", "/no/such/\x1b[2J.toml"], vec!["run", "--\x1b[2J"]] {
        let o = losslab(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!err(&o).chars().any(|c| c.is_control() && c != '\n'), "{args:?}: {:?}", err(&o));
    }
    let bad = temp_file("esc-bad.toml", "[broker]\nflushDiskType = \"\\u001b[2J\"\n");
    let o = losslab(&["run", &bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!err(&o).chars().any(|c| c.is_control() && c != '\n'), "{:?}", err(&o));
    assert!(err(&o).contains("\\u{1b}[2J"), "{:?}", err(&o));
}

// ---- 6. --help, --version, refused flags ---------------------------------------------------

#[test]
fn help_on_every_subcommand_and_version() {
    for args in [
        vec!["--help"],
        vec!["-h"],
        vec!["run", "--help"],
        vec!["run", "-h"],
        vec!["presets", "--help"],
        vec!["check", "-h"],
        vec!["check", "--help"],
        vec!["sweep", "--help"],
        vec!["sweep", "-h"],
        vec!["run", "--preset", "defaults", "--help"],
    ] {
        let o = losslab(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
        assert!(out(&o).starts_with("usage:\n"), "{args:?}: {}", out(&o));
        assert_eq!(err(&o), "", "{args:?}");
    }
    assert!(out(&losslab(&["run", "-h"])).contains("--export FORMAT"));
    assert!(out(&losslab(&["sweep", "-h"])).contains("--fault-duration"));
    let o = losslab(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(out(&o), format!("losslab {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn unknown_and_conflicting_flags_are_refused_by_name() {
    let conf = temp_file("flags.conf", "flushDiskType=ASYNC_FLUSH\n");
    for (args, needle) in [
        (vec!["check", &conf, "--seed", "3"], "'--seed'"),
        (vec!["check", &conf, "--log"], "'--log'"),
        (vec!["presets", "--json"], "'--json'"),
        (vec!["presets", "extra"], "extra"),
        (vec!["run", "--preset", "defaults", "--json", "--log"], "--json and --log: give one output"),
        (vec!["run", "--preset", "defaults", "--export", "csv", "--export", "jsonl"], "--export csv and --export jsonl"),
        (vec!["run", "--preset", "defaults", "--seed", "1", "--seed", "2"], "--seed is given twice"),
        (vec!["run", "--preset", "defaults", "--preset", "defaults"], "--preset is given twice"),
        (vec!["sweep", "--json", "--csv"], "--json and --csv: give one output"),
        (vec!["sweep", "--seeds", "1", "--seeds", "2"], "--seeds is given twice"),
        (vec!["sweep", "--preset", "defaults", "--base", &conf], "--preset and --base"),
        (vec!["sweep", "--bogus", "1"], "--bogus"),
    ] {
        assert_usage_error(&losslab(&args), &format!("{args:?}"), needle);
    }
}

// ---- 7. Do-nothing inputs ----------------------------------------------------------------

#[test]
fn do_nothing_inputs_are_warned_about_by_field() {
    let path = temp_file(
        "noop.toml",
        "until = \"10s\"\n[producer]\nmessages = 100\ninterval = \"200ms\"\n[consumer]\nstartAt = \"5s\"\n\
         [[fault]]\nat = \"1s\"\nkind = \"CONSUMER_CRASH\"\ntarget = \"consumer\"\n\
         [[fault]]\nat = \"2s\"\nkind = \"CONSUMER_CRASH\"\ntarget = \"consumer\"\n",
    );
    let o = losslab(&["run", &path, "--json"]);
    assert!(o.status.success(), "warnings do not stop the run: {}", err(&o));
    let e = err(&o);
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 3, "{e}");
    assert!(lines[0].starts_with("losslab: warning: fault[1].at: CONSUMER_CRASH at 1.000s is before the consumer starts (consumer.startAt = 5.000s)"), "{e}");
    assert!(lines[1].starts_with("losslab: warning: fault[2].at: CONSUMER_CRASH at 2.000s is before the consumer starts"), "{e}");
    assert!(lines[2].starts_with("losslab: warning: producer.messages: 100 messages, one every 200ms"), "{e}");
    assert!(lines[2].contains("only the first 51 are sent"), "{e}");
    // The shipped presets get none.
    for p in rmq_sim::scenario::presets::all() {
        let sc = rmq_sim::scenario::presets::load(p.id).unwrap();
        assert_eq!(rmq_sim::scenario::warnings(&sc), [], "{}", p.id);
    }
}

// ---- 7. What the seed draws ----------------------------------------------------------------

/// `--seed` changes nothing for a preset (none draws: no flush-latency range, no failPercent),
/// and changes the run of a scenario that draws (README "The seed" shows this one).
#[test]
fn the_seed_draws_only_where_the_scenario_asks() {
    use rmq_sim::log::LogMode;
    let digest = |sc: &rmq_sim::Scenario, seed: u64| {
        let mut sc = sc.clone();
        sc.seed = seed;
        let mut sim = rmq_sim::Sim::new(&sc);
        sim.set_log_mode(LogMode::Digest);
        sim.run();
        (sim.log_digest().unwrap(), rmq_sim::report::Report::of(&sim).to_json())
    };
    for p in rmq_sim::scenario::presets::all() {
        let sc = rmq_sim::scenario::presets::load(p.id).unwrap();
        assert!(sc.disk.flush_latency_min == sc.disk.flush_latency_max && sc.consumer.fail_percent == 0, "{} draws", p.id);
        assert_eq!(digest(&sc, 1).0, digest(&sc, 9).0, "{}", p.id);
    }
    let seeded = "name = \"Seeded: a flaky consumer and a jittery disk\"\n[disk]\nflushLatencyMin = \"1ms\"\nflushLatencyMax = \"20ms\"\n\
                  [broker]\nflushDiskType = \"SYNC_FLUSH\"\n[consumer]\nfailPercent = 10\n";
    let path = temp_file("seeded.toml", seeded);
    let figures = |seed: &str| {
        let o = losslab(&["run", &path, "--seed", seed, "--json"]);
        let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
        assert_eq!(v["summary"]["verdicts"]["DELIVERED"], 200);
        (v["summary"]["reconsumes"].as_u64().unwrap(), v["endedAtMs"].as_u64().unwrap(), v["eventLogDigest"].as_str().unwrap().to_string())
    };
    let (one, nine) = (figures("1"), figures("9"));
    assert_eq!((one.0, one.1), (14, 45_000), "README's figures for --seed 1");
    assert_eq!((nine.0, nine.1), (16, 15_000), "README's figures for --seed 9");
    assert_ne!(one.2, nine.2);
}

// ---- 8. 64-bit seeds exact in every output ----------------------------------------------------

/// A seed is written as its exact digits above 2^53 too, by `--json` and by a sweep's report
/// (the JS API gives the same values as BigInts: `rmq_sim::report::serialize_seed`, pinned by
/// tests/js_api_browser.rs).
#[test]
fn seeds_above_2_53_are_written_exact() {
    for seed in [(1u64 << 53) - 1, 1 << 53, (1 << 60) + 1, u64::MAX] {
        let o = losslab(&["run", "--preset", "defaults", "--seed", &seed.to_string(), "--json"]);
        assert!(o.status.success(), "{}", err(&o));
        assert!(out(&o).contains(&format!("\"seed\": {seed},")), "seed {seed}: {}", &out(&o)[..200]);
        let mut sc = rmq_sim::scenario::presets::load("defaults").unwrap();
        sc.seed = seed;
        let mut sim = rmq_sim::Sim::new(&sc);
        sim.run();
        let report = rmq_sim::report::Report::of(&sim);
        assert_eq!(serde_json::to_value(&report).unwrap()["seed"].as_u64(), Some(seed), "as a serde_json::Value too");
    }
    let grid = rmq_sim::sweep::Grid { first_seed: u64::MAX - 1, ..Default::default() };
    let json = serde_json::to_string(&grid).unwrap();
    assert!(json.contains(&format!("\"firstSeed\":{}", u64::MAX - 1)), "{json}");
    assert_eq!(rmq_sim::sweep::Grid::from_json(&json).unwrap(), grid, "and read back");
}
