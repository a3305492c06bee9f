//! The playback reducer: a timeline (scenario + faults injected at times), the playhead, speed
//! and play/pause. The core is deterministic, so seeking back or injecting a fault at `t` means
//! replaying the timeline from its seed: a replay is `Sim::new`, then for each injected fault
//! `run_until(t_i)` and `inject`, then `run_until(cursor)`.
//!
//! Per timeline we also run a second `Sim` to the end once ([`Run`]): it knows every final
//! verdict and the whole future of the event log, so the view can interpolate tokens between
//! send and arrive times and show where the run ends. The playback `Sim` advances with the
//! playhead and gives the brokers' state at the cursor.

use std::cell::RefCell;
use std::rc::Rc;

use rmq_sim::report::Report;
use rmq_sim::scenario::tour::Guess;
use rmq_sim::scenario::{Fault, FaultKind, FaultTarget};
use rmq_sim::{Command, EventKind, Scenario, Sim, SimTime};
use yew::prelude::{hook, use_memo};
use yew::Reducible;

use crate::layout::Tracks;

/// What defines a run: the scenario and the faults the user injected, with their times.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub scenario: Scenario,
    /// Faults injected from the UI, in time order.
    pub injected: Vec<(SimTime, Fault)>,
}

impl Timeline {
    pub fn new(scenario: Scenario) -> Self {
        Timeline { scenario, injected: Vec::new() }
    }

    /// A fresh simulation replayed up to `t` (faults injected at their times on the way).
    pub fn replay_to(&self, t: SimTime) -> Sim {
        let mut sim = Sim::new(&self.scenario);
        for (at, fault) in self.injected.iter().filter(|(at, _)| *at <= t) {
            sim.run_until(*at);
            sim.inject(Command::Inject(fault.clone()));
        }
        sim.run_until(t);
        sim
    }

    /// A simulation run to its end.
    pub fn run_to_end(&self) -> Sim {
        let mut sim = self.replay_to(self.injected.last().map_or(SimTime::ZERO, |(t, _)| *t));
        sim.run();
        sim
    }

    /// This timeline forked at `t`: later injections are dropped and `fault` is added at `t`.
    pub fn fork_with(&self, t: SimTime, fault: Fault) -> Timeline {
        let mut injected: Vec<(SimTime, Fault)> = self.injected.iter().filter(|(at, _)| *at <= t).cloned().collect();
        injected.push((t, fault));
        Timeline { scenario: self.scenario.clone(), injected }
    }
}

/// Everything computed once per timeline: the finished run, its report and the token tracks.
pub struct Run {
    pub timeline: Timeline,
    pub done: Sim,
    pub report: Report,
    pub tracks: Tracks,
    /// When the run ended.
    pub end: SimTime,
    /// Every fault that began, from the log: (at, kind, target, until), for markers and badges.
    pub faults: Vec<(SimTime, FaultKind, FaultTarget, Option<SimTime>)>,
}

fn faults_of(sim: &Sim) -> Vec<(SimTime, FaultKind, FaultTarget, Option<SimTime>)> {
    sim.events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::FaultInjected { kind, target, until } => Some((e.at, kind, target, until)),
            _ => None,
        })
        .collect()
}

impl Run {
    pub fn new(timeline: Timeline) -> Run {
        let done = timeline.run_to_end();
        let report = Report::of(&done);
        let tracks = Tracks::build(done.events(), done.ledger());
        let end = done.now();
        let faults = faults_of(&done);
        Run { timeline, done, report, tracks, end, faults }
    }

    /// Whether a fault of `kind` on `target` is in force at `t` (it began and has not ended).
    pub fn fault_active(&self, kind: FaultKind, target: FaultTarget, t: SimTime) -> bool {
        self.faults.iter().any(|(at, k, tg, until)| *k == kind && *tg == target && *at <= t && until.is_none_or(|u| u > t))
    }

    /// The first event time strictly after `t`, if any.
    pub fn next_event_after(&self, t: SimTime) -> Option<SimTime> {
        let ev = self.done.events();
        let i = ev.partition_point(|e| e.at <= t);
        ev.get(i).map(|e| e.at)
    }

    /// The last event time strictly before `t`, if any.
    pub fn prev_event_before(&self, t: SimTime) -> Option<SimTime> {
        let ev = self.done.events();
        let i = ev.partition_point(|e| e.at < t);
        i.checked_sub(1).map(|j| ev[j].at)
    }

    /// How many events have happened by `t` (the prefix of the finished log the playhead has passed).
    pub fn events_by(&self, t: SimTime) -> usize {
        self.done.events().partition_point(|e| e.at <= t)
    }
}

/// Slowest and fastest playback, in simulated seconds per wall second.
pub const SPEED_MIN: f64 = 0.1;
pub const SPEED_MAX: f64 = 10_000.0;
/// Default speed: slow enough to watch single tokens move.
pub const SPEED_DEFAULT: f64 = 0.2;
/// Idle skipping: a gap to the next event longer than this much wall time is jumped over.
pub const IDLE_SKIP_WALL_MS: f64 = 400.0;
/// After a skip the playhead lands this much wall time before the next event, so it is seen.
const SKIP_LEAD_WALL_MS: f64 = 150.0;

/// The one place wall time meets simulated time: `wall_ms` of real time at `speed` becomes
/// this many simulated microseconds.
pub fn wall_to_sim_us(wall_ms: f64, speed: f64) -> u64 {
    let us = wall_ms.max(0.0) * 1_000.0 * speed.clamp(SPEED_MIN, SPEED_MAX);
    if us.is_finite() {
        us.round() as u64
    } else {
        0
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Play,
    Pause,
    /// Advance the playhead by this much wall time (the animation frame's delta).
    Tick(f64),
    /// Jump to the next event.
    Step,
    /// Jump back to the previous event (a replay).
    StepBack,
    Seek(SimTime),
    SetSpeed(f64),
    /// Inject a fault at the playhead.
    Inject(Fault),
    /// Start over with another scenario (boxed: a scenario is large, the other actions small).
    Load(Box<Scenario>),
    Select(Option<u32>),
    /// Start the scenario's guided tour with the reader's prediction: play from the start (or
    /// from here, when the run has not ended), stopping at each of its steps.
    Predict(Guess),
    /// Leave the tour: playback no longer stops at its steps.
    EndTour,
}

/// The reducer's state. `live` is the playback `Sim`, advanced in place as the playhead moves
/// (it is only ever replaced by a replay, never edited by the view).
#[derive(Clone)]
pub struct Playback {
    pub run: Rc<Run>,
    pub live: Rc<RefCell<Sim>>,
    pub cursor: SimTime,
    pub speed: f64,
    pub playing: bool,
    /// The message open in the inspector.
    pub selected: Option<u32>,
    /// The reader's prediction while the scenario's guided tour runs ([`Action::Predict`]); with a
    /// tour on, playing stops at each of its steps.
    pub guess: Option<Guess>,
    /// Bumped on each change so that components can compare cheaply.
    pub version: u64,
}

impl PartialEq for Playback {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && Rc::ptr_eq(&self.run, &other.run)
    }
}

impl Playback {
    /// Messages whose final verdict is `v` and whose fate is already visible at `t` (lost ones
    /// once their ghost appears, the others once their last stage has happened): what the page
    /// may say at the playhead, never the run's ending before it is played.
    pub fn decided_by(&self, v: rmq_sim::Verdict, t: SimTime) -> u32 {
        let tracks = &self.run.tracks;
        self.run
            .done
            .ledger()
            .messages
            .iter()
            .filter(|r| r.verdict == Some(v))
            .filter(|r| tracks.keys.get(r.id as usize).and_then(|k| k.last()).is_some_and(|k| k.arrive <= t))
            .count() as u32
    }

    pub fn new(scenario: Scenario) -> Playback {
        Playback::from_timeline(Timeline::new(scenario), SimTime::ZERO)
    }

    /// A paused playback of `timeline` with the playhead at `t` (clamped to the run): a shared link.
    pub fn from_timeline(timeline: Timeline, t: SimTime) -> Playback {
        let run = Run::new(timeline);
        let t = t.min(run.end);
        let live = run.timeline.replay_to(t);
        Playback {
            run: Rc::new(run),
            live: Rc::new(RefCell::new(live)),
            cursor: t,
            speed: SPEED_DEFAULT,
            playing: false,
            selected: None,
            guess: None,
            version: 0,
        }
    }

    /// Moves the playhead to `t` (clamped to the run), replaying when it goes backwards.
    fn moved_to(mut self, t: SimTime) -> Self {
        let t = t.min(self.run.end);
        let now = self.live.borrow().now();
        if t < now {
            self.live = Rc::new(RefCell::new(self.run.timeline.replay_to(t)));
        } else {
            self.live.borrow_mut().run_until(t);
        }
        self.cursor = t;
        if t >= self.run.end {
            self.playing = false;
        }
        self
    }

    /// The playhead after `wall_ms` of play, jumping over idle gaps.
    fn target_after(&self, wall_ms: f64) -> SimTime {
        let t = SimTime(self.cursor.0.saturating_add(wall_to_sim_us(wall_ms, self.speed)));
        let Some(next) = self.run.next_event_after(self.cursor) else { return self.run.end };
        let idle = wall_to_sim_us(IDLE_SKIP_WALL_MS, self.speed);
        if next.0 > t.0.saturating_add(idle) && !self.run.tracks.moving_at(self.cursor) {
            let lead = wall_to_sim_us(SKIP_LEAD_WALL_MS, self.speed);
            return SimTime(next.0.saturating_sub(lead).max(t.0));
        }
        t
    }

    /// Where a tour in progress stops playing on the way from the playhead to `to`: its next step.
    fn tour_stop(&self, to: SimTime) -> Option<SimTime> {
        self.guess?;
        let tour = self.run.timeline.scenario.tour.as_ref()?;
        tour.stop_between(self.cursor, to).map(|i| tour.steps[i].at)
    }

    fn with_timeline(&self, timeline: Timeline, t: SimTime) -> Self {
        let live = timeline.replay_to(t);
        Playback {
            run: Rc::new(Run::new(timeline)),
            live: Rc::new(RefCell::new(live)),
            cursor: t,
            ..self.clone()
        }
    }

    /// The pure transition function (no I/O): also used natively in tests.
    pub fn apply(&self, action: Action) -> Playback {
        let mut next = match action {
            Action::Play if self.cursor >= self.run.end => Playback { playing: true, ..self.clone() }.moved_to(SimTime::ZERO),
            Action::Play => Playback { playing: true, ..self.clone() },
            Action::Pause => Playback { playing: false, ..self.clone() },
            Action::Tick(wall_ms) if self.playing => match self.tour_stop(self.target_after(wall_ms)) {
                Some(at) => Playback { playing: false, ..self.clone() }.moved_to(at),
                None => self.clone().moved_to(self.target_after(wall_ms)),
            },
            Action::Tick(_) => self.clone(),
            Action::Step => {
                let t = self.run.next_event_after(self.cursor).unwrap_or(self.run.end);
                Playback { playing: false, ..self.clone() }.moved_to(t)
            }
            Action::StepBack => {
                let t = self.run.prev_event_before(self.cursor).unwrap_or(SimTime::ZERO);
                Playback { playing: false, ..self.clone() }.moved_to(t)
            }
            Action::Seek(t) => self.clone().moved_to(t),
            Action::SetSpeed(s) if s.is_finite() => Playback { speed: s.clamp(SPEED_MIN, SPEED_MAX), ..self.clone() },
            Action::SetSpeed(_) => self.clone(),
            // An ended run takes no more faults (the buttons and keys are disabled too): a fault
            // after the end would extend the run, which a replay of the timeline could not show.
            Action::Inject(_) if self.live.borrow().ended().is_some() => self.clone(),
            Action::Inject(fault) => {
                let cursor = self.cursor.min(self.live.borrow().now());
                self.with_timeline(self.run.timeline.fork_with(cursor, fault), cursor)
            }
            Action::Load(scenario) => Playback {
                playing: false,
                selected: None,
                guess: None,
                ..self.with_timeline(Timeline::new(*scenario), SimTime::ZERO)
            },
            Action::Select(m) => Playback { selected: m, ..self.clone() },
            Action::Predict(g) if self.cursor >= self.run.end => Playback { guess: Some(g), playing: true, ..self.clone() }.moved_to(SimTime::ZERO),
            Action::Predict(g) => Playback { guess: Some(g), playing: true, ..self.clone() },
            Action::EndTour => Playback { guess: None, ..self.clone() },
        };
        next.version = self.version.wrapping_add(1);
        next
    }
}

/// What the panels that change only when an event passes the playhead depend on: the run, how
/// many of its events the playhead passed, the playback `Sim` and how many events it emitted, the selection, play state and speed, and the
/// playhead itself only while paused (a seek between two events still moves a shared link).
#[derive(Clone, Debug, PartialEq)]
pub struct EventKey {
    run: usize,
    live: usize,
    /// Events of the finished run at or before the playhead.
    passed: usize,
    /// Events the playback `Sim` emitted (it may run a little ahead of the playhead).
    emitted: u64,
    selected: Option<u32>,
    guess: Option<Guess>,
    playing: bool,
    speed_bits: u64,
    paused_at: Option<SimTime>,
}

impl Playback {
    /// The key of [`use_per_event`]: equal on every frame between two events while playing.
    pub fn event_key(&self) -> EventKey {
        EventKey {
            run: Rc::as_ptr(&self.run) as usize,
            live: Rc::as_ptr(&self.live) as usize,
            passed: self.run.events_by(self.cursor),
            emitted: self.live.borrow().events_emitted(),
            selected: self.selected,
            guess: self.guess,
            playing: self.playing,
            speed_bits: self.speed.to_bits(),
            paused_at: (!self.playing).then_some(self.cursor),
        }
    }
}

/// `pb` as it was when its [`EventKey`] last changed: the same value (so an equal prop, and a
/// skipped re-render) on every animation frame until the next event. Panels that compare the
/// playhead only with event times (verdicts decided, stages reached, the log's prefix) read the
/// same answers from it as from the moving playhead, since no event lies between the two.
#[hook]
pub fn use_per_event(pb: &Playback) -> Playback {
    let pb = pb.clone();
    (*use_memo(pb.event_key(), move |_| pb)).clone()
}

impl Reducible for Playback {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_sim::scenario::{presets, FaultKind, FaultTarget};
    use rmq_sim::report::digest;

    fn power_cut() -> Fault {
        Fault { at: SimTime::ZERO, kind: FaultKind::PowerLoss, target: FaultTarget::Master, duration: None, factor: 10 }
    }

    #[test]
    fn outcomes_count_only_once_the_playhead_reaches_them() {
        let p = Playback::new(presets::load("async-flush-power-loss").expect("preset"));
        let total = p.run.report.summary.verdicts["LOST_AFTER_ACK"];
        assert!(total > 0, "the preset loses acknowledged messages");
        assert_eq!(p.decided_by(rmq_sim::Verdict::LostAfterAck, SimTime::ZERO), 0, "nothing lost before Play");
        assert_eq!(p.decided_by(rmq_sim::Verdict::LostAfterAck, p.run.end), total);
    }

    #[test]
    fn replay_equals_the_prefix_of_the_finished_run() {
        let p = Playback::new(presets::load("defaults").expect("preset"));
        let p = p.apply(Action::Seek(SimTime::from_ms(500)));
        let live = p.live.borrow();
        let n = live.events().len();
        assert_eq!(&p.run.done.events()[..n], live.events());
    }

    #[test]
    fn stepping_back_replays_to_the_same_state() {
        let p = Playback::new(presets::load("defaults").expect("preset"));
        let fwd = p.apply(Action::Seek(SimTime::from_ms(300)));
        let a = digest(fwd.live.borrow().events());
        let back = fwd.apply(Action::Seek(SimTime::from_ms(900))).apply(Action::Seek(SimTime::from_ms(300)));
        assert_eq!(a, digest(back.live.borrow().events()));
        let s = back.apply(Action::StepBack);
        assert!(s.cursor < back.cursor);
    }

    #[test]
    fn an_injected_power_cut_is_replayed_and_loses_acked_messages() {
        let mut sc = presets::load("defaults").expect("preset");
        sc.consumer.start_at = SimTime::from_ms(60_000);
        let p = Playback::new(sc).apply(Action::Seek(SimTime::from_ms(1_005)));
        let p = p.apply(Action::Inject(power_cut()));
        assert_eq!(p.run.timeline.injected.len(), 1);
        assert!(p.run.report.summary.verdicts["LOST_AFTER_ACK"] > 0);
        let again = Timeline { ..p.run.timeline.clone() }.run_to_end();
        assert_eq!(digest(again.events()), p.run.report.event_log_digest);
    }

    #[test]
    fn an_ended_run_takes_no_more_faults() {
        let p = Playback::new(presets::load("defaults").expect("preset"));
        let end = p.run.end;
        let p = p.apply(Action::Seek(end));
        assert!(p.live.borrow().ended().is_some());
        let q = p.apply(Action::Inject(power_cut()));
        assert!(q.run.timeline.injected.is_empty());
    }

    #[test]
    fn playing_skips_idle_time_and_stops_at_the_end() {
        let p = Playback::new(presets::load("poison-message-dlq").expect("preset"));
        let mut p = p.apply(Action::SetSpeed(1.0)).apply(Action::Play);
        let mut frames = 0;
        while p.playing && frames < 20_000 {
            p = p.apply(Action::Tick(16.0));
            frames += 1;
        }
        assert_eq!(p.cursor, p.run.end, "hours of retries play in bounded frames");
        assert!(frames < 20_000);
    }

    #[test]
    fn the_event_key_holds_between_events_and_changes_at_one() {
        let p = Playback::new(presets::load("defaults").expect("preset")).apply(Action::SetSpeed(0.1)).apply(Action::Play);
        let first = p.run.next_event_after(SimTime::ZERO).expect("an event");
        let p = p.apply(Action::Seek(SimTime(first.0 + 1)));
        let next = p.run.next_event_after(p.cursor).expect("a later event");
        // A frame short of the next event: the playhead moved, the key did not.
        let q = p.apply(Action::Tick(((next.0 - p.cursor.0) as f64 / 1_000.0 / 0.1 / 2.0).max(0.001)));
        assert!(q.cursor > p.cursor && q.cursor < next);
        assert_eq!(p.event_key(), q.event_key());
        assert_ne!(p.version, q.version, "the playback itself did change");
        let r = q.apply(Action::Seek(next));
        assert_ne!(q.event_key(), r.event_key(), "an event passed the playhead");
        assert_ne!(q.event_key(), q.apply(Action::Select(Some(1))).event_key());
        assert_ne!(q.event_key(), q.apply(Action::Pause).event_key());
        assert_ne!(q.event_key(), q.apply(Action::Predict(Guess::None)).event_key(), "the tour panel follows a prediction");
    }

    #[test]
    fn a_tour_stops_playing_at_each_step_and_only_while_it_runs() {
        let sc = presets::load("async-flush-power-loss").expect("preset");
        let tour = sc.tour.clone().expect("the preset has a tour");
        let play = |p: Playback| {
            let mut p = p.apply(Action::SetSpeed(50.0));
            let mut stops = Vec::new();
            for _ in 0..100_000 {
                if !p.playing {
                    if p.cursor >= p.run.end {
                        break;
                    }
                    stops.push(p.cursor);
                    p = p.apply(Action::Play);
                }
                p = p.apply(Action::Tick(16.0));
            }
            (p, stops)
        };
        let (p, stops) = play(Playback::new(sc.clone()).apply(Action::Predict(Guess::Some)));
        let mut at: Vec<SimTime> = tour.steps.iter().map(|s| s.at).collect();
        at.dedup();
        assert_eq!(stops, at, "one stop per moment of the tour");
        assert_eq!(p.cursor, p.run.end);
        assert_eq!(p.guess, Some(Guess::Some), "the prediction is kept for the reveal");
        // Without a prediction (or after leaving the tour) Play runs through.
        let (_, stops) = play(Playback::new(sc.clone()).apply(Action::Play));
        assert_eq!(stops, []);
        let (_, stops) = play(Playback::new(sc.clone()).apply(Action::Predict(Guess::None)).apply(Action::EndTour));
        assert_eq!(stops, []);
        // Predicting again after the end replays from the start; a new scenario drops the tour.
        let again = p.apply(Action::Predict(Guess::Most));
        assert_eq!((again.cursor, again.playing, again.guess), (SimTime::ZERO, true, Some(Guess::Most)));
        assert_eq!(again.apply(Action::Load(Box::new(sc))).guess, None);
    }

    #[test]
    fn wall_time_converts_with_speed_and_ignores_garbage() {
        assert_eq!(wall_to_sim_us(1_000.0, 1.0), 1_000_000);
        assert_eq!(wall_to_sim_us(-5.0, 1.0), 0);
        assert_eq!(wall_to_sim_us(f64::NAN, 1.0), 0);
    }
}
