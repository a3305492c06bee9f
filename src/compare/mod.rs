//! Compare and explain: side-by-side lanes of the same run under other configurations, the
//! what-if answer for one message, its retry schedule, and downloads of the run.
//!
//! Everything decided here is the core's (`rmq_sim::whatif`, `rmq_sim::retry_schedule`,
//! `rmq_sim::export`); these components only render it. Lanes are a list of [`Knob`]s, each lane
//! being the current timeline (scenario, seed, injected faults) with that knob changed, so a
//! fault injected at the playhead lands in every lane and one time control scrubs them all.

pub mod downloads;
pub mod gantt;
pub mod lanes;
pub mod whatif_panel;

use std::rc::Rc;

use rmq_sim::whatif::Knob;
use rmq_sim::{RocketMqVersion, Sim};
use yew::prelude::*;

use crate::playback::Timeline;

pub use downloads::Downloads;
pub use gantt::RetrySchedule;
pub use lanes::{LaneCards, Lanes};
pub use whatif_panel::WhatIfPanel;

pub use crate::share::{lanes_text, parse_lanes, MAX_LANES};

/// The lanes open beside the current run, shared by the lanes view and the inspector's what-if
/// (which opens a saving run as a lane) through a Yew context.
#[derive(Clone)]
pub struct LanesCtx {
    pub knobs: Rc<Vec<Knob>>,
    pub set: Callback<Vec<Knob>>,
}

/// Equal when the same lanes are open. The page builds its context anew on every frame, with a
/// new `set` that writes the same state; comparing `set` too made every frame a new context, and
/// every panel that reads it (the lanes, the inspector) drew again each frame for nothing.
impl PartialEq for LanesCtx {
    fn eq(&self, other: &Self) -> bool {
        self.knobs == other.knobs
    }
}

impl LanesCtx {
    pub fn new(state: &UseStateHandle<Vec<Knob>>) -> LanesCtx {
        let s = state.clone();
        LanesCtx { knobs: Rc::new((**state).clone()), set: Callback::from(move |v: Vec<Knob>| s.set(v)) }
    }

    /// Adds a lane for `knob` (if new and there is room).
    pub fn add(&self, knob: Knob) {
        let mut v = (*self.knobs).clone();
        if !v.contains(&knob) && v.len() < MAX_LANES {
            v.push(knob);
            self.set.emit(v);
        }
    }

    pub fn remove(&self, knob: Knob) {
        self.set.emit(self.knobs.iter().copied().filter(|k| *k != knob).collect());
    }
}

/// The version lanes the add-menu offers for a run under `v`: "the same on 5.3.3" for a 4.x run,
/// "the same on 4.9.8" for a 5.x one (the upgrade question, both ways).
pub fn version_lanes(v: RocketMqVersion) -> Vec<Knob> {
    let target = if v.rules().quorum_write { RocketMqVersion::V4_9_8 } else { RocketMqVersion::V5_3_3 };
    vec![Knob::SameOn(target)]
}

/// A lane: the current timeline with one knob changed, run to its end.
pub struct LaneRun {
    pub knob: Knob,
    pub change: String,
    pub done: Sim,
    pub report: rmq_sim::report::Report,
    /// Every message's moves, for the lane's small diagram (as the main picture's).
    pub tracks: crate::layout::Tracks,
}

impl LaneRun {
    /// `None` when the knob changes nothing in this scenario.
    pub fn new(base: &Timeline, knob: Knob) -> Option<LaneRun> {
        let scenario = knob.apply(&base.scenario)?;
        let done = Timeline { scenario, injected: base.injected.clone() }.run_to_end();
        let report = rmq_sim::report::Report::of(&done);
        let tracks = crate::layout::Tracks::build(done.events(), done.ledger());
        Some(LaneRun { knob, change: knob.describe(&base.scenario), done, report, tracks })
    }
}

/// The scenario a timeline replays as (injected faults as scenario faults, as in share links).
pub fn merged_scenario(tl: &Timeline) -> rmq_sim::Scenario {
    crate::share::to_link(tl, rmq_sim::SimTime::ZERO, &Default::default()).scenario
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lanes_context_is_unchanged_while_the_same_lanes_are_open() {
        let knobs = Rc::new(vec![Knob::SameOn(RocketMqVersion::V5_3_3)]);
        let frame = |knobs: &Rc<Vec<Knob>>| LanesCtx { knobs: Rc::new((**knobs).clone()), set: Callback::from(|_: Vec<Knob>| ()) };
        assert!(frame(&knobs) == frame(&knobs), "two frames, the same lanes: no new context");
        assert!(frame(&knobs) != frame(&Rc::new(Vec::new())), "a lane closed: a new context");
    }

    #[test]
    fn a_4x_run_offers_the_same_on_5_3_3_and_a_5x_run_the_same_on_4_9_8() {
        assert_eq!(version_lanes(RocketMqVersion::V4_9_8), vec![Knob::SameOn(RocketMqVersion::V5_3_3)]);
        assert_eq!(version_lanes(RocketMqVersion::V4_7_0), vec![Knob::SameOn(RocketMqVersion::V5_3_3)]);
        assert_eq!(version_lanes(RocketMqVersion::V5_3_3), vec![Knob::SameOn(RocketMqVersion::V4_9_8)]);
    }

    #[test]
    fn the_same_on_5_3_3_lane_runs_the_same_timeline_under_5_3_3() {
        let base = Timeline::new(rmq_sim::scenario::presets::load("sync-master-disk-lost").unwrap());
        let lane = LaneRun::new(&base, Knob::SameOn(RocketMqVersion::V5_3_3)).expect("a 4.9.8 run has a 5.3.3 lane");
        assert_eq!(lane.report.version, RocketMqVersion::V5_3_3);
        assert_eq!(lane.done.scenario().faults, base.scenario.faults);
        assert_eq!(lane.done.scenario().seed, base.scenario.seed);
        assert_eq!(lane.change, "version = 5.3.3");
        // The other way round: a 5.3.3 run's lane is 4.9.8, and a lane of its own version is none.
        let five = Timeline::new(Knob::SameOn(RocketMqVersion::V5_3_3).apply(&base.scenario).unwrap());
        assert!(LaneRun::new(&five, Knob::SameOn(RocketMqVersion::V5_3_3)).is_none());
        assert_eq!(LaneRun::new(&five, Knob::SameOn(RocketMqVersion::V4_9_8)).unwrap().report.version, RocketMqVersion::V4_9_8);
    }
}
