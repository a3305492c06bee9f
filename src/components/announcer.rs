//! The polite live region: every 1.5 s of wall time at most, one sentence about what happened
//! since the last one (faults, losses with their reason, dead letters, the end of the run), in
//! the page's language. The words come from [`crate::narrate`]; this file only paces them.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use rmq_sim::SimTime;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::narrate::narrate;
use crate::playback::{Playback, Run};

/// At most one announcement per this much wall time.
pub const ANNOUNCE_EVERY_MS: u32 = 1_500;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub pb: Playback,
}

/// The latest state, read by the timer.
struct Latest {
    pb: Option<Playback>,
    lang: Lang,
}

/// Up to where the last announcement went.
struct Said {
    run: Option<Rc<Run>>,
    to: SimTime,
}

/// Where to narrate from after the run changed: a fork of the same scenario (an injected fault)
/// continues from just before the fork, so the fault itself is told; anything else starts over.
fn resume_from(old: &Run, new: &Run, said: SimTime, cursor: SimTime) -> SimTime {
    let forked = old.timeline.scenario == new.timeline.scenario && new.timeline.injected.len() > old.timeline.injected.len();
    match new.timeline.injected.last() {
        // The fault may sit a little before the playhead (at the live sim's last event).
        Some((at, _)) if forked => SimTime(at.0.saturating_sub(1)).min(said),
        _ => cursor,
    }
}

fn tick(latest: &RefCell<Latest>, said: &RefCell<Said>, text: &UseStateHandle<String>) {
    let l = latest.borrow();
    let Some(pb) = l.pb.as_ref() else { return };
    let mut s = said.borrow_mut();
    let from = match s.run.as_ref() {
        Some(old) if Rc::ptr_eq(old, &pb.run) => s.to,
        Some(old) => resume_from(old, &pb.run, s.to, pb.cursor),
        // The first tick tells what happened since the start.
        None => SimTime::ZERO,
    };
    s.run = Some(pb.run.clone());
    if pb.cursor < from {
        // Seeking back: say nothing about the past, start again from here.
        s.to = pb.cursor;
        return;
    }
    if let Some(words) = narrate(&pb.run, from, pb.cursor, l.lang, crate::components::fault_panel::fault_words) {
        text.set(words);
    }
    s.to = pb.cursor;
}

#[function_component(Announcer)]
pub fn announcer(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let text = use_state(String::new);
    let latest = use_mut_ref(|| Latest { pb: None, lang });
    {
        let mut l = latest.borrow_mut();
        l.pb = Some(p.pb.clone());
        l.lang = lang;
    }
    let said = use_mut_ref(|| Said { run: None, to: SimTime::ZERO });
    {
        let text = text.clone();
        use_effect_with((), move |_| {
            let interval = Interval::new(ANNOUNCE_EVERY_MS, move || tick(&latest, &said, &text));
            move || drop(interval)
        });
    }
    html! {
        <div class="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer" lang={lang.tag()}>{(*text).clone()}</div>
    }
}
