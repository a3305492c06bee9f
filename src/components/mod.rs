//! The views, one file each. Each takes the playback state (or a piece of it) as props and
//! sends [`crate::playback::Action`]s; none of them decides anything about reliability.

pub mod announcer;
pub mod chrome;
pub mod config_panel;
pub mod event_log;
pub mod fault_panel;
pub mod help_dialog;
pub mod inspector;
pub mod message_token;
pub mod pipeline;
pub mod preset_picker;
pub mod share_bar;
pub mod summary;
pub mod time_controls;
pub mod token_canvas;
pub mod tour_panel;
pub mod version_picker;

use rmq_sim::SimTime;

/// A time for people: `3.000s`, `2h05m10.000s` (the core's own format).
pub fn clock(t: SimTime) -> String {
    t.to_string()
}
