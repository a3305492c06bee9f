//! One scenario test per preset: its send statuses and verdicts, exactly, with every invariant
//! checked after every action. Each preset reproduces a claim of the seed note / spec §6.

mod common;
use common::*;

fn check(id: &str, statuses_want: &str, verdicts_want: &str) -> rmq_sim::report::Report {
    let (_, r) = run(&preset(id));
    assert_eq!(statuses(&r), statuses_want, "{id}: send statuses");
    assert_eq!(verdicts(&r), verdicts_want, "{id}: verdicts");
    r
}

#[test]
fn every_preset_runs_with_invariants() {
    for p in rmq_sim::scenario::presets::all() {
        let (_, r) = run(&preset(p.id));
        println!("{:<38} {:<60} {}", p.id, statuses(&r), verdicts(&r));
    }
}
