//! `losslab sweep` and the `rmq_sim::sweep` API: the same numbers whichever way a sweep runs
//! (library sequentially, CLI on 1 or 2 threads), errors naming the flag or key, bounded size.

use std::process::{Command, Output};

use rmq_sim::fault_rates::PerYear;
use rmq_sim::sweep::{CellSummary, Grid, Plan, RunResult};

/// `losslab sweep ARGS` with `RAYON_NUM_THREADS=threads`.
fn losslab(args: &[&str], threads: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_losslab"))
        .arg("sweep")
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("losslab runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("losslab-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A small grid: 2 × 2 × 1 × 2 cells × 3 seeds on a 300-message workload.
const SMALL: &[&str] = &["--seeds", "3", "--faults", "NONE,POWER_LOSS", "--preset", "book-recommendation"];

fn small_grid() -> Grid {
    Grid {
        seeds: 3,
        faults: vec!["NONE".into(), "POWER_LOSS".into()],
        preset: Some("book-recommendation".into()),
        ..Grid::default()
    }
}

#[test]
fn output_is_the_same_on_one_thread_and_on_two() {
    for format in ["--json", "--csv", "--table"] {
        let args: Vec<&str> = SMALL.iter().copied().chain([format]).collect();
        let one = losslab(&args, "1");
        let two = losslab(&args, "2");
        assert!(one.status.success(), "{}", stderr(&one));
        assert_eq!(stdout(&one), stdout(&two), "{format}");
    }
}

#[test]
fn cli_json_equals_the_library_run_in_order_and_in_reverse() {
    let o = losslab(&[SMALL, &["--json"]].concat(), "2");
    assert!(o.status.success(), "{}", stderr(&o));
    let plan = Plan::new(&small_grid()).unwrap();
    let forward = plan.aggregate(&plan.run_all());
    let mut backward: Vec<RunResult> = (0..plan.runs()).rev().map(|i| plan.run(i)).collect();
    backward.rotate_left(3);
    assert_eq!(plan.aggregate(&backward), forward, "order of execution does not matter");
    assert_eq!(stdout(&o), forward.to_json(), "CLI and library agree to the byte");
    // What the browser's worker receives is JSON: the report survives a round trip.
    let back: rmq_sim::sweep::SweepReport = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(back, forward);
}

#[test]
fn a_grid_file_and_flags_combine_flags_winning() {
    let file = temp_file(
        "grid.toml",
        "preset = \"book-recommendation\"\nseeds = 2\nfaults = [\"NONE\"]\nflushDiskType = [\"SYNC_FLUSH\"]\n",
    );
    let o = losslab(&[file.to_str().unwrap(), "--seeds", "1", "--csv"], "2");
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = stdout(&o);
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "1 flushDiskType × 2 brokerRole × 1 fault: {csv}");
    assert!(rows.iter().all(|r| r.contains(",SYNC_FLUSH,") && r.contains(",NONE,1,")), "{csv}");
}

#[test]
fn malformed_grids_name_the_flag_or_key_and_exit_2() {
    let bad_file = temp_file("bad.toml", "seeds = 3\nflushDiskTyp = [\"SYNC_FLUSH\"]\n");
    let bad_value = temp_file("bad-value.toml", "brokerRole = [\"SLAVE\"]\n");
    let big = temp_file("big.toml", "seeds = 1000\nfaults = [\"NONE\", \"POWER_LOSS\", \"DISK_LOST\"]\n");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--seeds", "many"], "--seeds"),
        (vec!["--seeds", "0"], "--seeds"),
        (vec!["--seeds", "1000"], "--seeds"),
        (vec!["--flush-disk-type", "SYNC"], "--flush-disk-type"),
        (vec!["--faults", "POWER_LOSS@producer"], "--faults"),
        (vec!["--faults", "NONE,NONE"], "--faults"),
        (vec!["--fault-at", "soon"], "--fault-at"),
        (vec!["--preset", "nope"], "--preset"),
        (vec!["--frobnicate", "1"], "--frobnicate"),
        (vec![bad_file.to_str().unwrap()], "flushDiskTyp"),
        (vec![bad_value.to_str().unwrap()], "SLAVE"),
        (vec![big.to_str().unwrap()], "seeds"),
    ];
    for (args, named) in cases {
        let o = losslab(&args, "1");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(named), "{args:?} must name {named}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{args:?}");
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
}

#[test]
fn grid_size_is_bounded_with_the_field_named() {
    let g = Grid { seeds: 1_000, ..Grid::default() };
    let e = Plan::new(&g).unwrap_err();
    assert_eq!(e.field, "seeds", "{e}");
    let g = Grid { base: Some("[producer]\nmessages = 50000".into()), ..Grid::default() };
    let e = Plan::new(&g).unwrap_err();
    assert_eq!(e.field, "base: producer.messages", "{e}");
    let g = Grid { base: Some("[producer]\nthreads = 8".into()), ..Grid::default() };
    assert_eq!(Plan::new(&g).unwrap_err().field, "faultAt", "a closed loop has no span to place the fault in");
}

#[test]
fn every_run_is_reproducible_from_its_scenario() {
    let plan = Plan::new(&small_grid()).unwrap();
    for i in [0, plan.runs() / 2, plan.runs() - 1] {
        let r = plan.run(i);
        let (cell, seed) = plan.run_at(i);
        assert_eq!((r.cell, r.seed), (cell, seed));
        assert_eq!(plan.run_index(cell, seed), Some(i));
        // The scenario goes through TOML (as a share link or a file would) and replays the digest.
        let text = rmq_sim::scenario::parse::scenario_to_toml(&plan.scenario(cell, seed));
        let sc = rmq_sim::scenario::parse_scenario(&text).unwrap();
        let mut sim = rmq_sim::Sim::new(&sc);
        sim.run();
        assert_eq!(rmq_sim::report::digest(sim.events()), r.digest, "run {i}");
    }
}

#[test]
fn seeds_move_the_fault_and_the_book_recommendation_is_marked() {
    let plan = Plan::new(&small_grid()).unwrap();
    let times: Vec<_> = (1..=3).map(|s| plan.fault_time(s)).collect();
    assert!(times[0] != times[1] || times[1] != times[2], "{times:?}");
    let report = plan.aggregate(&plan.run_all());
    assert_eq!(report.cells.len(), 8);
    for c in &report.cells {
        assert_eq!(
            c.recommended,
            c.cell.flush_disk_type.name() == "ASYNC_FLUSH" && c.cell.broker_role.name() == "SYNC_MASTER"
        );
        assert_eq!(c.runs, 3);
        assert!(c.lost_after_ack_ppm.min <= c.lost_after_ack_ppm.mean && c.lost_after_ack_ppm.mean <= c.lost_after_ack_ppm.max);
    }
    // Under each fault at least one configuration is on each frontier; the frontier compares the
    // loss under the fault with the cost with no fault (the NONE cell's p99: under the fault the
    // p99 is the outage's); a configuration another matches or beats on both is not on it, ties
    // are named instead.
    for fault in ["NONE", "POWER_LOSS@master"] {
        let cells: Vec<_> = report.cells.iter().filter(|c| c.cell.fault == fault).collect();
        assert!(cells.iter().any(|c| c.frontier_latency) && cells.iter().any(|c| c.frontier_tps), "{fault}");
        let cost = |c: &CellSummary| (c.lost_after_ack_ppm.mean, c.healthy.unwrap().p99_us.mean);
        for c in &cells {
            let rivals = || cells.iter().filter(|o| o.cell.index != c.cell.index);
            let matched = rivals().any(|o| cost(o).0 <= cost(c).0 && cost(o).1 <= cost(c).1);
            assert_eq!(c.frontier_latency, !matched, "{fault} {}", c.cell.config_label());
            let ties: Vec<u32> = rivals().filter(|o| cost(o) == cost(c)).map(|o| o.cell.index).collect();
            assert_eq!(c.ties, ties, "{fault} {}", c.cell.config_label());
        }
    }
    // Every cell knows its configuration's healthy cost: the NONE cell's figures.
    for c in &report.cells {
        let none = report.cells.iter().find(|o| o.cell.fault == "NONE" && o.cell.config_label() == c.cell.config_label()).unwrap();
        assert_eq!(c.healthy.unwrap().p99_us, none.p99_us);
    }
    // A partial report (a cancelled sweep) summarises what ran.
    let some: Vec<RunResult> = (0..5).map(|i| plan.run(i)).collect();
    let partial = plan.aggregate(&some);
    assert_eq!(partial.runs.len(), 5);
    assert_eq!(partial.cells.iter().map(|c| c.runs).sum::<u32>(), 5);
}

#[test]
fn scenario_flag_prints_the_run_behind_a_cell_and_it_replays_to_the_same_digest() {
    let json = losslab(&[SMALL, &["--json"]].concat(), "2");
    let report: rmq_sim::sweep::SweepReport = serde_json::from_str(&stdout(&json)).unwrap();
    let failing = report.cells.iter().find(|c| !c.failing_seeds.is_empty()).expect("POWER_LOSS loses something somewhere");
    let (cell, seed) = (failing.cell.index, failing.failing_seeds[0]);
    let o = losslab(&[SMALL, &["--scenario", &format!("{cell}:{seed}")]].concat(), "1");
    assert!(o.status.success(), "{}", stderr(&o));
    let file = temp_file("run.toml", &stdout(&o));
    let run = Command::new(env!("CARGO_BIN_EXE_losslab")).args(["run", file.to_str().unwrap(), "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let expected = report.runs.iter().find(|r| r.cell == cell && r.seed == seed).unwrap();
    assert_eq!(v["eventLogDigest"], expected.digest.as_str());
    assert_eq!(v["summary"]["verdicts"]["LOST_AFTER_ACK"], expected.lost_after_ack);
    for bad in ["99:1", "0:77", "zero"] {
        let o = losslab(&[SMALL, &["--scenario", bad]].concat(), "1");
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(stderr(&o).contains("--scenario"), "{bad}: {}", stderr(&o));
    }
}

#[test]
fn json_grids_name_the_key_too() {
    assert_eq!(Grid::from_json(r#"{"seeds": 2, "sed": 1}"#).unwrap_err().field, "sed");
    assert_eq!(Grid::from_json(r#"{"faults": ["NONE"], "seeds": "two"}"#).unwrap_err().field, "seeds");
    assert_eq!(Grid::from_json(r#"{"brokerRole": ["SLAVE"]}"#).unwrap_err().field, "brokerRole");
    let g = Grid::from_json(r#"{"seeds": 2}"#).unwrap();
    assert_eq!((g.seeds, g.faults.len()), (2, 3), "absent keys take the defaults");
    assert_eq!(Grid::from_json(&serde_json::to_string(&g).unwrap()).unwrap(), g, "a grid round-trips");
}

#[test]
fn toml_grids_name_the_key_and_its_toml_line() {
    let cases = [
        ("seeds = 3\nflushDiskTyp = [\"SYNC_FLUSH\"]\n", "flushDiskTyp", "line 2: unknown field"),
        ("faults = [\"NONE\"]\n\nseeds = \"two\"\n", "seeds", "line 3: invalid type: string \"two\""),
        ("brokerRole = [\"SLAVE\"]\n", "brokerRole", "line 1: unknown variant `SLAVE`"),
        ("seeds = 2\nfirstSeed = 1979-05-27\n", "firstSeed", "line 2: invalid type: map, expected u64"),
        ("seeds = [2\n", "seeds", "line 1"),
    ];
    for (text, field, reason) in cases {
        let e = Grid::from_toml(text).unwrap_err();
        assert_eq!(e.field, field, "{text:?}: {e}");
        assert!(e.reason.starts_with(reason) || e.reason.contains(reason), "{text:?}: {e}");
        assert!(!e.reason.contains("column"), "a JSON position would mislead a TOML author: {e}");
    }
    let g = Grid::from_toml("seeds = 2\nflushDiskType = [\"SYNC_FLUSH\"]\nfirstSeed = 7\n").unwrap();
    assert_eq!((g.seeds, g.first_seed, g.flush_disk_type.len(), g.faults.len()), (2, 7, 1, 3), "absent keys take the defaults");
}

#[test]
fn workload_flags_make_a_closed_loop_sweep_where_settings_differ_in_tps() {
    let o = losslab(&["--threads", "8", "--messages", "400", "--faults", "NONE", "--seeds", "1", "--json"], "2");
    assert!(o.status.success(), "{}", stderr(&o));
    let r: rmq_sim::sweep::SweepReport = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(r.workload.contains("8 closed-loop threads"), "{}", r.workload);
    let tps = |flush: &str, role: &str| {
        r.cells
            .iter()
            .find(|c| c.cell.flush_disk_type.name() == flush && c.cell.broker_role.name() == role)
            .unwrap()
            .send_milli_tps
            .mean
    };
    // The book's reason: flushing every send costs throughput; so does waiting for the slave.
    assert!(tps("SYNC_FLUSH", "ASYNC_MASTER") < tps("ASYNC_FLUSH", "ASYNC_MASTER"));
    assert!(tps("ASYNC_FLUSH", "SYNC_MASTER") < tps("ASYNC_FLUSH", "ASYNC_MASTER"));
    for (args, named) in [
        (vec!["--threads", "8", "--interval", "1ms"], "--interval"),
        (vec!["--threads", "0"], "--threads"),
        (vec!["--messages", "50000"], "messages"),
        (vec!["--threads", "8"], "faultAt"),
    ] {
        let o = losslab(&args, "1");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(named), "{args:?}: {}", stderr(&o));
    }
}

/// `--fault-duration 0s` printed, for `--scenario CELL:SEED`, a scenario `losslab run` refused
/// (`fault[1].duration: must be greater than zero`); now the sweep refuses it, naming the flag.
#[test]
fn a_zero_fault_duration_is_refused_naming_the_flag() {
    let o = losslab(&["--faults", "POWER_LOSS", "--fault-duration", "0s", "--seeds", "1", "--scenario", "0:1"], "1");
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).starts_with("losslab: --fault-duration: must be greater than zero"), "{}", stderr(&o));
    // A positive one round-trips through `losslab run`.
    let o = losslab(&["--faults", "POWER_LOSS", "--fault-duration", "1ms", "--seeds", "1", "--scenario", "0:1"], "1");
    assert!(o.status.success(), "{}", stderr(&o));
    let path = temp_file("zero-duration.toml", &stdout(&o));
    let run = Command::new(env!("CARGO_BIN_EXE_losslab")).args(["run", path.to_str().unwrap(), "--json"]).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
}

/// `--version 4.9.8,5.3.3` is a grid axis: every cell once per release, the release in each cell
/// (JSON, CSV, table) and in the scenario `--scenario` prints, which replays to the same digest.
#[test]
fn version_is_a_grid_axis() {
    let args = ["--seeds", "1", "--faults", "POWER_LOSS", "--flush-disk-type", "ASYNC_FLUSH", "--broker-role", "SYNC_MASTER", "--messages", "100"];
    let with = |extra: &[&str]| -> Vec<String> { args.iter().chain(extra).map(|s| s.to_string()).collect() };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = losslab(&a, "1");
        assert!(o.status.success(), "{a:?}: {}", stderr(&o));
        stdout(&o)
    };
    let json: serde_json::Value = serde_json::from_str(&run(with(&["--version", "4.9.8,5.3.3", "--json"]))).unwrap();
    let cells = json["cells"].as_array().unwrap();
    let versions: Vec<&str> = cells.iter().map(|c| c["version"].as_str().unwrap()).collect();
    assert_eq!(versions, ["4.9.8", "5.3.3"]);
    assert_eq!(json["grid"]["version"], serde_json::json!(["4.9.8", "5.3.3"]));
    // Without the axis, cells carry no version (the output is what it was).
    let plain: serde_json::Value = serde_json::from_str(&run(with(&["--json"]))).unwrap();
    assert!(plain["cells"][0].get("version").is_none() && plain["grid"].get("version").is_none());
    let csv = run(with(&["--version", "4.9.8,5.3.3", "--csv"]));
    assert!(csv.lines().next().unwrap().ends_with(",failingSeeds,version"), "{csv}");
    assert!(csv.lines().nth(2).unwrap().ends_with(",5.3.3"), "{csv}");
    let table = run(with(&["--version", "4.9.8,5.3.3"]));
    assert!(table.contains("5.3.3 ASYNC_FLUSH + SYNC_MASTER + SYNC"), "{table}");
    let toml = run(with(&["--version", "4.9.8,5.3.3", "--scenario", "1:1"]));
    assert!(toml.contains("version = \"5.3.3\""), "{toml}");
    let sc = rmq_sim::scenario::parse_scenario(&toml).unwrap();
    let mut sim = rmq_sim::Sim::new(&sc);
    sim.run();
    assert_eq!(sc.version, rmq_sim::rocketmq_version::RocketMqVersion::V5_3_3);
    let run = json["runs"].as_array().unwrap().iter().find(|r| r["cell"] == 1 && r["seed"] == 1).expect("cell 1 seed 1");
    assert_eq!(rmq_sim::report::Report::of(&sim).event_log_digest, run["digest"].as_str().unwrap());
}

#[test]
fn bad_version_axes_are_refused_naming_the_flag_or_key() {
    for (list, needle) in [
        ("5.0", "--version: `5.0` is not a RocketMQ version the lab models; known: `4.7.0`, `4.9.8`, `5.3.3`"),
        ("", "--version: the list is empty"),
        ("5.3.3,5.3.3", "--version: 5.3.3 is given twice"),
    ] {
        let o = losslab(&["--seeds", "1", "--version", list], "1");
        assert_eq!(o.status.code(), Some(2), "{list}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{list}: {}", stderr(&o));
    }
    for (text, needle) in [
        ("version = []\n", "the list is empty"),
        ("version = [\"4.9.8\", \"4.9.8\"]\n", "\"4.9.8\" is listed twice"),
        ("version = [\"6.0.0\"]\n", "`6.0.0` is not a RocketMQ version"),
    ] {
        let path = temp_file("versions.toml", text);
        let o = losslab(&[path.to_str().unwrap()], "1");
        assert_eq!(o.status.code(), Some(2), "{text}: {}", stderr(&o));
        assert!(stderr(&o).contains("version") && stderr(&o).contains(needle), "{text}: {}", stderr(&o));
    }
}

/// Issue 24 item 5: loss per year = the fault's rate per machine-year × the mean loss per fault,
/// for the machine faults that have a rate; the defaults name their sources.
#[test]
fn each_machine_fault_cell_carries_its_expected_loss_per_year() {
    let grid = Grid { faults: vec!["POWER_LOSS".into(), "DISK_STALL".into()], seeds: 2, ..small_grid() };
    let report = Plan::new(&grid).unwrap().aggregate(&Plan::new(&grid).unwrap().run_all());
    let lossy = report.cells.iter().find(|c| c.cell.fault == "POWER_LOSS@master" && c.lost_after_ack > 0).expect("ASYNC_FLUSH loses");
    let y = lossy.per_year.expect("POWER_LOSS has a rate");
    assert_eq!(y.faults_per_machine_year, PerYear(1_000), "the default: once a machine-year");
    assert_eq!(y.acked_then_lost, PerYear(1_000 * lossy.lost_after_ack / 2), "1 × the mean over 2 seeds");
    assert!(report.cells.iter().filter(|c| c.cell.fault.starts_with("DISK_STALL")).all(|c| c.per_year.is_none()), "a stall has no rate");
    let table = report.to_table();
    assert!(table.contains("lost per year: expected acked-then-lost per year = faults per machine-year"), "{table}");
    assert!(table.contains("POWER_LOSS 1 per machine-year (default: J. Dean, LADIS 2009"), "{table}");
    assert!(report.to_csv().lines().next().unwrap().contains(",faultsPerMachineYear,ackedThenLostPerYear,"));
    let v: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let cell = &v["cells"].as_array().unwrap()[lossy.cell.index as usize];
    assert_eq!(cell["perYear"]["faultsPerMachineYear"], 1.0);

    // A rate the user gives replaces the default, and the table says it was given.
    let half = Grid::from_toml("preset = \"book-recommendation\"\nseeds = 2\nfaults = [\"POWER_LOSS\"]\npowerLossesPerYear = 0.5\n").unwrap();
    let report = Plan::new(&half).unwrap().aggregate(&Plan::new(&half).unwrap().run_all());
    let same = report.cells.iter().find(|c| c.cell.config_label() == lossy.cell.config_label()).unwrap();
    assert_eq!(same.per_year.unwrap().acked_then_lost, PerYear(500 * same.lost_after_ack / 2));
    assert!(report.to_table().contains("POWER_LOSS 0.5 per machine-year (given)"));
    // Nonsense is refused by its key.
    for bad in ["powerLossesPerYear = -1", "diskFailuresPerYear = \"often\"", "processCrashesPerYear = 1e12"] {
        let e = Grid::from_toml(bad).unwrap_err();
        assert_eq!(e.field, bad.split(' ').next().unwrap(), "{e}");
    }
    let out = losslab(&["--seeds", "1", "--faults", "NONE", "--power-losses-per-year", "often"], "1");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--power-losses-per-year: `often` is not a number"));
}

/// Issue 24 item 5: a SYNC_MASTER configuration that loses under a fault says why, by the rule
/// that applies: 4.x's restart divergence (spec §4b), or 5.x's inSyncReplicas = 1 (spec 5 §2).
#[test]
fn a_sync_master_that_still_loses_says_why() {
    let grid = Grid {
        faults: vec!["POWER_LOSS".into()],
        seeds: 2,
        flush_disk_type: vec![rmq_sim::scenario::FlushDiskType::AsyncFlush],
        broker_role: vec![rmq_sim::scenario::BrokerRole::SyncMaster],
        version: Some(vec![rmq_sim::scenario::RocketMqVersion::V4_9_8, rmq_sim::scenario::RocketMqVersion::V5_3_3]),
        ..small_grid()
    };
    let report = Plan::new(&grid).unwrap().aggregate(&Plan::new(&grid).unwrap().run_all());
    let why = |v: &str| {
        let c = report.cells.iter().find(|c| c.cell.version.unwrap().name() == v).unwrap();
        assert!(c.lost_after_ack > 0, "{v} loses under a 30 s power loss");
        c.despite_sync_master.clone().unwrap().text
    };
    assert!(why("4.9.8").contains("does not reconcile") && why("4.9.8").contains("spec §4b"), "{}", why("4.9.8"));
    assert!(why("5.3.3").contains("waits for no slave at inSyncReplicas = 1"), "{}", why("5.3.3"));
    let rule = |v: &str| report.cells.iter().find(|c| c.cell.version.unwrap().name() == v).unwrap().despite_sync_master.clone().unwrap();
    assert_eq!(rule("4.9.8").rule, rmq_sim::sweep::SyncMasterLossRule::RestartWithoutReconcile);
    assert_eq!(rule("4.9.8").restart_after.as_deref(), Some("30s"));
    assert_eq!(rule("5.3.3").rule, rmq_sim::sweep::SyncMasterLossRule::InSyncReplicasOne);
    assert!(report.to_table().contains("SYNC_MASTER and still losing:"));
    // A configuration that loses nothing, or is no SYNC_MASTER, gets no sentence.
    let plain = Plan::new(&small_grid()).unwrap();
    let r = plain.aggregate(&plain.run_all());
    assert!(r.cells.iter().all(|c| c.despite_sync_master.is_none() || (c.cell.broker_role.name() == "SYNC_MASTER" && c.lost_after_ack > 0)));
}

/// Issue 20 item 5: controller mode and the group's slave count are grid axes. A controller-mode
/// cell runs one brokerRole (the election decides) and is labelled `controller mode`; a slave
/// count of 0 is a lone master, 2 a three-replica group; each cell's scenario says so, parses
/// back, and replays to the run's digest. CSV gets a column per axis; the book's mark is never on
/// a controller-mode cell.
#[test]
fn controller_mode_and_slave_count_are_grid_axes() {
    let grid = Grid {
        version: Some(vec![rmq_sim::RocketMqVersion::V5_3_3]),
        controller_mode: Some(vec![false, true]),
        slave_count: Some(vec![0, 1, 2]),
        flush_disk_type: vec![rmq_sim::scenario::FlushDiskType::SyncFlush],
        faults: vec!["PROCESS_CRASH".into()],
        seeds: 1,
        base: Some("[slave]\nenabled = true\n[producer]\nmessages = 100\ninterval = \"2ms\"\n[consumer]\nstartAt = \"1m\"\n".into()),
        ..Grid::default()
    };
    let plan = Plan::new(&grid).unwrap();
    // 2 roles × 3 counts master/slave, 1 role × 3 counts in controller mode.
    let labels: Vec<String> = plan.cells().iter().map(|c| c.config_label()).collect();
    assert_eq!(labels.len(), 9, "{labels:?}");
    assert_eq!(labels[0], "5.3.3 SYNC_FLUSH + ASYNC_MASTER + SYNC + no slave");
    assert_eq!(labels[8], "5.3.3 SYNC_FLUSH + controller mode + SYNC + 2 slaves");
    assert!(plan.cells().iter().all(|c| !(c.controller_mode == Some(true) && c.is_recommended())));
    let results = plan.run_all();
    for c in plan.cells() {
        let sc = plan.scenario(c.index, 1);
        assert_eq!(sc.broker.enable_controller_mode, c.controller_mode == Some(true), "{}", c.config_label());
        assert_eq!(sc.slave_count() as u32, c.slave_count.unwrap(), "{}", c.config_label());
        let text = rmq_sim::scenario::parse::scenario_to_toml(&sc);
        let back = rmq_sim::scenario::parse_scenario(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", c.config_label()));
        assert_eq!(back, sc);
        let mut sim = rmq_sim::Sim::new(&sc);
        sim.run();
        let elected = sim.events().iter().any(|e| matches!(e.kind, rmq_sim::EventKind::MasterElected { broker, .. } if broker != 0));
        // A killed master is replaced in controller mode, when there is a slave to elect (a lone
        // broker is elected again only when it is back).
        assert_eq!(elected, sc.controller_mode() && sc.slave_count() > 0, "{}", c.config_label());
        let r = results.iter().find(|r| r.cell == c.index).unwrap();
        assert_eq!(rmq_sim::report::Report::of(&sim).event_log_digest, r.digest, "{}", c.config_label());
    }
    // Without the axes, cells carry neither field (the output is what it was).
    let plain = Plan::new(&Grid { controller_mode: None, slave_count: None, ..grid.clone() }).unwrap();
    let json = serde_json::to_value(&plain.cells()[0]).unwrap();
    assert!(json.get("controllerMode").is_none() && json.get("slaveCount").is_none(), "{json}");
    // The CLI: flags, CSV columns, the scenario of a cell.
    let args = ["--version", "5.3.3", "--controller-mode", "false,true", "--slave-count", "1,2", "--faults", "NONE", "--seeds", "1", "--messages", "50", "--flush-disk-type", "ASYNC_FLUSH", "--broker-role", "SYNC_MASTER"];
    let csv = losslab(&[&args[..], &["--csv"]].concat(), "1");
    assert!(csv.status.success(), "{}", stderr(&csv));
    let csv = stdout(&csv);
    assert!(csv.lines().next().unwrap().ends_with(",failingSeeds,version,controllerMode,slaveCount"), "{csv}");
    assert!(csv.lines().nth(4).unwrap().ends_with(",5.3.3,true,2"), "{csv}");
    let toml = stdout(&losslab(&[&args[..], &["--scenario", "3:1"]].concat(), "1"));
    assert!(toml.contains("enableControllerMode = true") && toml.contains("count = 2"), "{toml}");
}

/// Bad axis values are refused naming the key (in a grid) or the flag (on the command line):
/// controller mode outside 5.3.3, more than two slaves, a fault some cell cannot take.
#[test]
fn bad_controller_mode_and_slave_count_axes_name_the_field() {
    let base = Grid { seeds: 1, faults: vec!["NONE".into()], ..Grid::default() };
    let v5 = Some(vec![rmq_sim::RocketMqVersion::V5_3_3]);
    for (grid, field, needle) in [
        (Grid { controller_mode: Some(vec![true]), ..base.clone() }, "controllerMode", "true needs RocketMQ 5.3.3, but cells run 4.9.8"),
        (Grid { controller_mode: Some(vec![true, true]), version: v5.clone(), ..base.clone() }, "controllerMode", "listed twice"),
        (Grid { controller_mode: Some(vec![]), ..base.clone() }, "controllerMode", "the list is empty"),
        (Grid { slave_count: Some(vec![1, 3]), ..base.clone() }, "slaveCount", "3 is out of range; a broker group in the lab has 0, 1 or 2 slaves"),
        (Grid { slave_count: Some(vec![0, 1]), faults: vec!["SLAVE_DOWN".into()], ..base.clone() }, "slaveCount", "SLAVE_DOWN@slave needs a slave, and slaveCount has 0"),
        (Grid { slave_count: Some(vec![1, 2]), faults: vec!["POWER_LOSS@slave2".into()], ..base.clone() }, "slaveCount", "needs a second slave"),
        (Grid { faults: vec!["POWER_LOSS@slave2".into()], ..base.clone() }, "faults", "needs a base with two slaves"),
        (Grid { controller_mode: Some(vec![false, true]), version: v5.clone(), faults: vec!["POWER_LOSS@controller".into()], ..base.clone() }, "controllerMode", "controllerMode has false"),
        (Grid { version: v5.clone(), faults: vec!["POWER_LOSS@controller".into()], ..base.clone() }, "faults", "controllerMode = [true]"),
    ] {
        let e = Plan::new(&grid).expect_err(needle);
        assert_eq!(e.field, field, "{e}");
        assert!(e.reason.contains(needle), "{needle}: {e}");
    }
    // Controller mode in the base and a release without it on the version axis.
    let ctrl = Grid {
        base: Some("version = \"5.3.3\"\n[broker]\nenableControllerMode = true\n[slave]\nenabled = true\n".into()),
        version: Some(vec![rmq_sim::RocketMqVersion::V4_9_8, rmq_sim::RocketMqVersion::V5_3_3]),
        ..base.clone()
    };
    let e = Plan::new(&ctrl).unwrap_err();
    assert_eq!(e.field, "version", "{e}");
    assert!(Plan::new(&Grid { controller_mode: Some(vec![true]), version: v5, ..base.clone() }).is_ok());
    // JSON and the command line name the key and the flag.
    let e = Grid::from_json(r#"{"controllerMode": ["yes"]}"#).unwrap_err();
    assert_eq!(e.field, "controllerMode", "{e}");
    let e = Grid::from_json(r#"{"slaveCount": [-1]}"#).unwrap_err();
    assert_eq!(e.field, "slaveCount", "{e}");
    for (args, needle) in [
        (&["--controller-mode", "maybe"][..], "--controller-mode: `maybe` is not `true` or `false`"),
        (&["--slave-count", "two"][..], "--slave-count: `two` is not a slave count"),
        (&["--slave-count", "3"][..], "--slave-count: 3 is out of range"),
        (&["--controller-mode", "true"][..], "--controller-mode: true needs RocketMQ 5.3.3"),
    ] {
        let o = losslab(&[args, &["--seeds", "1", "--faults", "NONE"]].concat(), "1");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
}

/// Issue 21 item 5: the producer's client as a grid axis. `grpc` needs 5.3.3 and has no ONEWAY;
/// every cell runs once per client; the CSV gets a `client` column, the TOML form reads it.
#[test]
fn the_producer_client_is_a_grid_axis() {
    use rmq_sim::scenario::{Client, RocketMqVersion, SendMode};
    let grid = Grid {
        faults: vec!["NONE".into(), "DISK_STALL".into()],
        seeds: 1,
        flush_disk_type: vec![rmq_sim::scenario::FlushDiskType::SyncFlush],
        broker_role: vec![rmq_sim::scenario::BrokerRole::AsyncMaster],
        version: Some(vec![RocketMqVersion::V5_3_3]),
        client: Some(vec![Client::Remoting, Client::Grpc]),
        preset: None,
        base: Some("[producer]\nmessages = 60\ninterval = \"50ms\"".into()),
        ..small_grid()
    };
    let plan = Plan::new(&grid).unwrap();
    assert_eq!(plan.cells().len(), 4);
    let clients: Vec<_> = (0..4).map(|i| plan.scenario(i, 1).producer.client).collect();
    assert_eq!(clients, [Client::Remoting, Client::Remoting, Client::Grpc, Client::Grpc]);
    assert!(plan.cells()[2].config_label().ends_with("(grpc)"), "{}", plan.cells()[2].config_label());
    let report = plan.aggregate(&plan.run_all());
    let csv = report.to_csv();
    assert!(csv.lines().next().unwrap().ends_with(",version,client"), "{csv}");
    assert!(csv.lines().nth(3).unwrap().ends_with(",5.3.3,grpc"), "{csv}");
    // The same grid from TOML.
    let toml = "version = [\"5.3.3\"]\nclient = [\"remoting\", \"grpc\"]\nfaults = [\"NONE\"]\n";
    assert_eq!(Grid::from_toml(toml).unwrap().client, Some(vec![Client::Remoting, Client::Grpc]));
    // grpc under 4.9.8 (the default base's release), or with ONEWAY: an error naming `client`.
    let bad = Grid { client: Some(vec![Client::Grpc]), ..small_grid() };
    let e = Plan::new(&bad).unwrap_err().to_string();
    assert!(e.contains("client") && e.contains("5.3.3"), "{e}");
    let bad = Grid { send_mode: vec![SendMode::Oneway], ..grid.clone() };
    assert!(Plan::new(&bad).unwrap_err().to_string().contains("client"));
    let dup = Grid { client: Some(vec![Client::Grpc, Client::Grpc]), ..grid };
    assert!(Plan::new(&dup).unwrap_err().to_string().contains("client"));
    // The runner's flag.
    let args = ["--version", "5.3.3", "--client", "remoting,grpc", "--faults", "NONE", "--seeds", "1", "--messages", "20", "--csv"];
    let out = losslab(&args, "1");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).lines().last().unwrap().ends_with(",5.3.3,grpc"), "{}", stdout(&out));
    let out = losslab(&["--client", "grpc", "--faults", "NONE", "--seeds", "1", "--messages", "20"], "1");
    assert!(!out.status.success() && stderr(&out).contains("client") && stderr(&out).contains("5.3.3"), "{}", stderr(&out));
}
