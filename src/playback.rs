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
use rmq_sim::{Command, EventKind, Scenario, Sim, SimDuration, SimTime};
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

/// Pacing (issue 24): the simulated time one wall second covers at the chosen speed is looked
/// at ahead of the playhead; more events than this in it, and playback slows down (a power cut's
/// burst of copies lost, a consumer's run of deliveries).
pub const CROWD_EVENTS: usize = 8;
/// A token's move is drawn over at least this much wall time (a 20 ms send at 0.2× would take 100 ms).
pub const GLIDE_MIN_WALL_MS: f64 = 350.0;
/// Playback never slows below this fraction of the chosen speed.
pub const SLOW_FLOOR: f64 = 0.1;
/// How long the time bar keeps saying that idle time was skipped, in wall milliseconds.
const SKIP_NOTE_WALL_MS: f64 = 1_500.0;

/// How the playhead is moving, as the time bar says it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pace {
    /// At the chosen speed.
    Normal,
    /// Slowed to this fraction of the chosen speed: events crowd, or a token is travelling.
    Slowed(f64),
    /// Jumped over this much simulated time in which nothing happened.
    Skipped(SimDuration),
}

/// The fraction of `speed` to play at around `t` (a pure function of the finished run): 1, or
/// less where more than [`CROWD_EVENTS`] events fall in the next wall second, or
/// where a move under way would otherwise take less than [`GLIDE_MIN_WALL_MS`]; never below
/// [`SLOW_FLOOR`].
pub fn pace(run: &Run, t: SimTime, speed: f64) -> f64 {
    let window = wall_to_sim_us(1_000.0, speed);
    let ev = run.done.events();
    let from = ev.partition_point(|e| e.at <= t);
    let cap = (CROWD_EVENTS as f64 / SLOW_FLOOR) as usize;
    let n = ev[from..].iter().take(cap).take_while(|e| e.at.0 < t.0.saturating_add(window)).count();
    let crowd = if n > CROWD_EVENTS { CROWD_EVENTS as f64 / n as f64 } else { 1.0 };
    let glide = run
        .tracks
        .shortest_move_near(t, wall_to_sim_us(50.0, speed))
        .map_or(1.0, |d| (d as f64 / wall_to_sim_us(GLIDE_MIN_WALL_MS, speed).max(1) as f64).min(1.0));
    crowd.min(glide).max(SLOW_FLOOR)
}

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
    /// How the last frames moved the playhead (the time bar says it).
    pub pace: Pace,
    /// Wall milliseconds the time bar still shows a skip.
    skip_note_ms: f64,
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
            .filter(|r| tracks.settled_by(r.id as usize, t))
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
            pace: Pace::Normal,
            skip_note_ms: 0.0,
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

    /// The playhead after `wall_ms` of play, paced by [`pace`] and jumping over idle gaps, and
    /// how it moved.
    fn target_after(&self, wall_ms: f64) -> (SimTime, Pace) {
        let f = pace(&self.run, self.cursor, self.speed);
        let step = (wall_to_sim_us(wall_ms, self.speed) as f64 * f).round() as u64;
        let t = SimTime(self.cursor.0.saturating_add(step));
        let slowed = if f < 1.0 { Pace::Slowed(f) } else { Pace::Normal };
        let Some(next) = self.run.next_event_after(self.cursor) else { return (self.run.end, slowed) };
        let idle = wall_to_sim_us(IDLE_SKIP_WALL_MS, self.speed);
        if next.0 > t.0.saturating_add(idle) && !self.run.tracks.moving_at(self.cursor) {
            let lead = wall_to_sim_us(SKIP_LEAD_WALL_MS, self.speed);
            let to = SimTime(next.0.saturating_sub(lead).max(t.0));
            return (to, Pace::Skipped(SimDuration(to.0 - self.cursor.0)));
        }
        (t, slowed)
    }

    /// One frame of play: the playhead moved by `wall_ms`, and what the time bar says about it
    /// (a skip stays said for [`SKIP_NOTE_WALL_MS`] unless playback slows down meanwhile).
    fn ticked(&self, wall_ms: f64) -> Playback {
        let (t, p) = self.target_after(wall_ms);
        // The guided tour stops at its next step first (the lead's tour_stop).
        if let Some(at) = self.tour_stop(t) {
            return Playback { playing: false, pace: Pace::Normal, skip_note_ms: 0.0, ..self.clone() }.moved_to(at);
        }
        let mut next = self.clone().moved_to(t);
        match p {
            Pace::Skipped(_) => (next.pace, next.skip_note_ms) = (p, SKIP_NOTE_WALL_MS),
            Pace::Normal if self.skip_note_ms > 0.0 => next.skip_note_ms = (self.skip_note_ms - wall_ms).max(0.0),
            _ => (next.pace, next.skip_note_ms) = (p, 0.0),
        }
        if next.skip_note_ms <= 0.0 && matches!(next.pace, Pace::Skipped(_)) {
            next.pace = Pace::Normal;
        }
        if !next.playing {
            next.pace = Pace::Normal;
        }
        next
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
        let keeps_pace = matches!(action, Action::Tick(_) | Action::Select(_) | Action::SetSpeed(_));
        let mut next = match action {
            Action::Play if self.cursor >= self.run.end => Playback { playing: true, ..self.clone() }.moved_to(SimTime::ZERO),
            Action::Play => Playback { playing: true, ..self.clone() },
            Action::Pause => Playback { playing: false, ..self.clone() },
            Action::Tick(wall_ms) if self.playing => self.ticked(wall_ms),
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
        if !keeps_pace {
            (next.pace, next.skip_note_ms) = (Pace::Normal, 0.0);
        }
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
    /// Plays `p` to its end in 16 ms frames; the wall milliseconds it took and each frame's pace.
    fn play_through(p: Playback) -> (f64, Vec<(SimTime, Pace)>) {
        let mut p = p.apply(Action::Play);
        let (mut wall, mut paces) = (0.0, Vec::new());
        while p.playing && wall < 600_000.0 {
            p = p.apply(Action::Tick(16.0));
            wall += 16.0;
            paces.push((p.cursor, p.pace));
        }
        (wall, paces)
    }

    #[test]
    fn pacing_slows_where_events_crowd_and_not_where_nothing_happens() {
        let p = Playback::new(presets::load("whole-path").expect("preset"));
        let cut = SimTime::from_ms(1_950);
        assert!(pace(&p.run, SimTime(cut.0 - 30_000), SPEED_DEFAULT) < 1.0, "the power cut's burst of events slows playback");
        // The master is down from 1.95 s to 13.95 s: after the slave flushes nothing happens.
        assert_eq!(pace(&p.run, SimTime::from_ms(5_500), SPEED_DEFAULT), 1.0);
        assert!(pace(&p.run, SimTime::ZERO, 1_000.0) >= SLOW_FLOOR);
    }

    #[test]
    fn a_send_is_drawn_over_at_least_the_glide_minimum() {
        let p = Playback::new(presets::load("whole-path").expect("preset")).apply(Action::Play);
        let k = p.run.tracks.keys[0].iter().find(|k| k.arrive > k.start).copied().expect("a move");
        let mut q = p.apply(Action::Seek(k.start));
        q.playing = true;
        let mut frames = 0;
        while q.cursor < k.arrive {
            q = q.apply(Action::Tick(16.0));
            frames += 1;
        }
        let wall = frames as f64 * 16.0;
        assert!(wall >= GLIDE_MIN_WALL_MS * 0.9, "a {} µs send took {wall} ms of wall time", k.arrive.0 - k.start.0);
    }

    #[test]
    fn the_first_run_skips_its_idle_stretches_and_says_so() {
        let p = Playback::new(presets::load("whole-path").expect("preset"));
        let (wall, paces) = play_through(p.clone());
        let skipped: Vec<SimDuration> = paces.iter().filter_map(|(_, pc)| if let Pace::Skipped(d) = pc { Some(*d) } else { None }).collect();
        assert!(skipped.iter().any(|d| d.0 >= 1_000_000), "a second or more of idle time is skipped: {skipped:?}");
        assert!(paces.iter().any(|(_, pc)| matches!(pc, Pace::Slowed(_))), "and playback slows somewhere");
        // The whole story at the default speed fits a minute and a half of watching.
        assert!(wall < 90_000.0, "{wall} ms of wall time");
        let paused = p.apply(Action::Play).apply(Action::Tick(16.0)).apply(Action::Pause);
        assert_eq!(paused.pace, Pace::Normal, "a paused playhead says nothing about pacing");
    }

}
