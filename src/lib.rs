//! losslab-web: the Yew front end of the RocketMQ reliability lab.
//!
//! The simulator core (`rmq_sim`) decides everything about reliability; this crate only replays
//! it and draws it. [`playback`] holds the timeline (scenario + injected faults) and the playhead,
//! [`layout`] turns the core's event log and ledger into positions (pure, testable natively),
//! [`eventinfo`] names events for filters, [`i18n`] holds every UI text in English and Chinese,
//! [`js_api`] the JavaScript API of the core (`run`, `check`, `presets`, `events` in `losslab.mjs`),
//! [`keyboard`] the key map, [`narrate`] the live region's sentences, [`tomledit`] lets form fields rewrite the scenario
//! text, and [`components`] are the views, one file each.

pub mod dom;
pub mod eventinfo;
pub mod i18n;
pub mod keyboard;
pub mod lab_limits;
pub mod layout;
pub mod narrate;
pub mod panic_panel;
pub mod playback;
pub mod scenario_text;
pub mod share;
pub mod sweep;
pub mod tomledit;
pub mod version_switch;

pub mod app;
pub mod bench;
pub mod compare;
pub mod components;
pub mod embed;
pub mod extras;
pub mod lang_load;
pub mod extras_host;
pub mod mount;
pub mod js_api;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod first_frame;

pub use app::App;

/// The scenario a newcomer sees first: one run that uses every station (sent, flushed, copied,
/// consumed, retried, dead-lettered) and one power cut that loses SEND_OK messages.
pub const DEFAULT_PRESET: &str = "whole-path";

/// Event-log digest of the `defaults` preset, asserted natively and in the browser (the same
/// run must give the same log on both platforms).
pub const DEFAULTS_DIGEST: &str = "05e2567c667714a99bb78d5644ba89f25ab7ec5bd0a0a8ccf862806609c245d2";
