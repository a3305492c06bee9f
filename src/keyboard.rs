//! The keyboard map and the one document-level key listener.
//!
//! [`command_for`] is the map (pure, tested natively); [`use_keyboard`] listens on the document,
//! ignores keys typed into fields, and turns commands into [`Action`]s. The listener is
//! registered once; it reads the latest state from a shared cell, so it is not re-registered on
//! every animation frame.

use std::cell::RefCell;
use std::rc::Rc;

use rmq_sim::scenario::{Fault, FaultKind, FaultTarget};
use rmq_sim::{SimDuration, SimTime};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::Key;
use crate::playback::{Action, SPEED_MAX, SPEED_MIN};

/// What a key asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    TogglePlay,
    Step,
    Back,
    Faster,
    Slower,
    Help,
    Escape,
    /// Move focus to the list of lost messages.
    FocusLost,
    Fault(FaultKey),
}

/// The faults that have a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKey {
    Power,
    Kill,
    Disk,
    Slave,
    Consumer,
}

/// The keyboard map, as shown in the help dialog: (keys, what they do).
pub const KEYMAP: &[(&str, Key)] = &[
    ("Space / K", Key::KeyPlay),
    ("→ / .", Key::KeyStep),
    ("← / ,", Key::KeyBack),
    ("+", Key::KeyFaster),
    ("−", Key::KeySlower),
    ("P", Key::KeyPower),
    ("C", Key::KeyKill),
    ("D", Key::KeyDisk),
    ("S", Key::KeySlave),
    ("X", Key::KeyConsumer),
    ("L", Key::KeyLost),
    ("?", Key::KeyHelp),
    ("Esc", Key::KeyEscape),
];

/// The command for a `KeyboardEvent.key`, if any.
pub fn command_for(key: &str) -> Option<Command> {
    Some(match key {
        " " | "k" | "K" => Command::TogglePlay,
        "ArrowRight" | "." => Command::Step,
        "ArrowLeft" | "," => Command::Back,
        "+" | "=" => Command::Faster,
        "-" | "_" => Command::Slower,
        "?" => Command::Help,
        "Escape" | "Esc" => Command::Escape,
        "l" | "L" => Command::FocusLost,
        "p" | "P" => Command::Fault(FaultKey::Power),
        "c" | "C" => Command::Fault(FaultKey::Kill),
        "d" | "D" => Command::Fault(FaultKey::Disk),
        "s" | "S" => Command::Fault(FaultKey::Slave),
        "x" | "X" => Command::Fault(FaultKey::Consumer),
        _ => return None,
    })
}

/// Speeds offered, in simulated seconds per wall second (the speed menu and + / −).
pub const SPEEDS: &[f64] = &[0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0, 1_000.0, 10_000.0];

/// The next offered speed above (`up`) or below the current one.
pub fn next_speed(current: f64, up: bool) -> f64 {
    let next = if up {
        SPEEDS.iter().copied().find(|s| *s > current + 1e-9)
    } else {
        SPEEDS.iter().rev().copied().find(|s| *s < current - 1e-9)
    };
    next.unwrap_or(current).clamp(SPEED_MIN, SPEED_MAX)
}

/// What the listener needs to know about the page, refreshed on every render.
#[derive(Clone, Debug, Default)]
pub struct KeyState {
    pub playing: bool,
    pub speed: f64,
    pub has_slave: bool,
    /// The slave is stopped (so S starts it).
    pub slave_stopped: bool,
    pub ended: bool,
    pub help_open: bool,
}

/// The fault a fault key injects at the playhead, or None when it does not apply.
/// `duration_s` is the fault panel's choice (None: for the rest of the run).
pub fn fault_for(k: FaultKey, s: &KeyState, duration_s: Option<u64>) -> Option<Fault> {
    let (kind, target) = match k {
        FaultKey::Power => (FaultKind::PowerLoss, FaultTarget::Master),
        FaultKey::Kill => (FaultKind::ProcessCrash, FaultTarget::Master),
        FaultKey::Disk => (FaultKind::DiskLost, FaultTarget::Master),
        FaultKey::Slave if s.slave_stopped => (FaultKind::SlaveUp, FaultTarget::Slave),
        FaultKey::Slave => (FaultKind::SlaveDown, FaultTarget::Slave),
        FaultKey::Consumer => (FaultKind::ConsumerCrash, FaultTarget::Consumer),
    };
    if s.ended || (target == FaultTarget::Slave && !s.has_slave) {
        return None;
    }
    let duration = if target == FaultTarget::Slave { None } else { duration_s.map(SimDuration::from_secs) };
    Some(Fault { at: SimTime::ZERO, kind, target, duration, factor: 10 })
}

/// The action for a command, for those that are playback actions.
pub fn action_for(c: Command, s: &KeyState, duration_s: Option<u64>) -> Option<Action> {
    match c {
        Command::TogglePlay => Some(if s.playing { Action::Pause } else { Action::Play }),
        Command::Step => Some(Action::Step),
        Command::Back => Some(Action::StepBack),
        Command::Faster => Some(Action::SetSpeed(next_speed(s.speed, true))),
        Command::Slower => Some(Action::SetSpeed(next_speed(s.speed, false))),
        Command::Fault(k) => fault_for(k, s, duration_s).map(Action::Inject),
        Command::Escape => Some(Action::Select(None)),
        Command::Help | Command::FocusLost => None,
    }
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// The duration chosen in the fault panel (`#fault-duration`), default 30 s.
fn panel_duration() -> Option<u64> {
    let el = document()?.get_element_by_id("fault-duration")?;
    match el.dyn_into::<web_sys::HtmlSelectElement>() {
        Ok(sel) => sel.value().parse::<u64>().ok(),
        Err(_) => Some(30),
    }
}

/// Focuses the first element matching `sel`, if any.
pub fn focus(sel: &str) -> bool {
    let el = document().and_then(|d| d.query_selector(sel).ok().flatten());
    match el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        Some(h) => h.focus().is_ok(),
        None => false,
    }
}

fn on_key(e: &web_sys::KeyboardEvent, state: &KeyState, dispatch: &Callback<Action>, help: &Callback<bool>) {
    let tag = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map(|el| el.tag_name());
    let typing = matches!(tag.as_deref(), Some("INPUT" | "TEXTAREA" | "SELECT"));
    if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
        return;
    }
    let Some(cmd) = command_for(&e.key()) else { return };
    // Space on a focused button presses that button.
    let on_button = matches!(tag.as_deref(), Some("BUTTON" | "SUMMARY"));
    if cmd == Command::TogglePlay && e.key() == " " && on_button {
        return;
    }
    if state.help_open {
        // Only Escape and ? act while the help dialog is open; the dialog keeps the focus.
        if matches!(cmd, Command::Escape | Command::Help) {
            e.prevent_default();
            help.emit(false);
        }
        return;
    }
    e.prevent_default();
    match cmd {
        Command::Help => help.emit(true),
        Command::FocusLost => {
            if !focus("#lost-list button") {
                focus("#lost-list");
            }
        }
        _ => {
            if let Some(a) = action_for(cmd, state, panel_duration()) {
                dispatch.emit(a);
            }
        }
    }
}

/// Listens for the keyboard map on the document. `state` is refreshed by the caller on each
/// render; `help` opens (true) or closes (false) the help dialog.
#[hook]
pub fn use_keyboard(state: KeyState, dispatch: Callback<Action>, help: Callback<bool>) {
    let cell: Rc<RefCell<KeyState>> = use_mut_ref(KeyState::default);
    *cell.borrow_mut() = state;
    use_effect_with((), move |_| {
        let listener = document().map(|doc| {
            let active = gloo_events::EventListenerOptions::enable_prevent_default();
            gloo_events::EventListener::new_with_options(&doc, "keydown", active, move |e| {
                if let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() {
                    let s = cell.borrow().clone();
                    on_key(e, &s, &dispatch, &help);
                }
            })
        });
        move || drop(listener)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_key_maps_to_a_command() {
        for k in [" ", "k", "K", "ArrowRight", ".", "ArrowLeft", ",", "+", "-", "?", "Escape", "p", "c", "d", "s", "x", "l"] {
            assert!(command_for(k).is_some(), "{k:?}");
        }
        assert_eq!(command_for("q"), None);
        assert_eq!(command_for("P"), Some(Command::Fault(FaultKey::Power)));
    }

    #[test]
    fn speed_keys_walk_the_offered_speeds_and_stop_at_the_ends() {
        assert_eq!(next_speed(0.2, true), 0.5);
        assert_eq!(next_speed(0.2, false), 0.1);
        assert_eq!(next_speed(0.1, false), 0.1);
        assert_eq!(next_speed(10_000.0, true), 10_000.0);
        assert_eq!(next_speed(3.0, true), 5.0);
    }

    #[test]
    fn fault_keys_respect_the_slave_and_the_end_of_the_run() {
        let s = KeyState { has_slave: false, ..KeyState::default() };
        assert_eq!(fault_for(FaultKey::Slave, &s, Some(30)), None);
        let f = fault_for(FaultKey::Power, &s, Some(30)).expect("power cut");
        assert_eq!((f.kind, f.target, f.duration), (FaultKind::PowerLoss, FaultTarget::Master, Some(SimDuration::from_secs(30))));
        let s = KeyState { has_slave: true, slave_stopped: true, ..KeyState::default() };
        assert_eq!(fault_for(FaultKey::Slave, &s, Some(30)).map(|f| (f.kind, f.duration)), Some((FaultKind::SlaveUp, None)));
        let ended = KeyState { ended: true, ..KeyState::default() };
        assert_eq!(fault_for(FaultKey::Kill, &ended, None), None);
        assert_eq!(action_for(Command::TogglePlay, &KeyState { playing: true, ..KeyState::default() }, None), Some(Action::Pause));
    }
}
