//! What a message token's look means. Its state reads without colour: dashed outline = only in
//! page cache, solid = on disk, double ring = replicated, ✓ = consumed, ◌ faded = invisible (POP, nacked), ☠ = dead-lettered, ✕
//! ghost = lost, ✂ ghost = cut by a truncation. The tokens are drawn by [`super::token_canvas`]; these are their class names
//! (on the accessible list's buttons and the legend) and words.

use crate::i18n::{t, Key, Lang};
use crate::layout::Look;

/// The look's class: the stylesheet's `.tok-*` rules, and what tests select tokens by.
pub fn look_class(l: Look) -> &'static str {
    match l {
        Look::InFlight => "tok-flight",
        Look::MemoryOnly => "tok-memory",
        Look::Durable => "tok-durable",
        Look::Replicated => "tok-replicated",
        Look::Consumed => "tok-consumed",
        Look::Invisible => "tok-invisible",
        Look::DeadLettered => "tok-dlq",
        Look::Lost => "tok-lost",
        Look::LostUnacked => "tok-lost tok-unacked",
        Look::Truncated => "tok-lost tok-truncated",
    }
}

/// Words for the look, used in the token's tooltip and accessible name.
pub fn look_words(l: Look, lang: Lang) -> &'static str {
    let key = match l {
        Look::InFlight => Key::LookFlight,
        Look::MemoryOnly => Key::LookMemory,
        Look::Durable => Key::LookDurable,
        Look::Replicated => Key::LookReplicated,
        Look::Consumed => Key::LookConsumed,
        Look::Invisible => Key::LookInvisible,
        Look::DeadLettered => Key::LookDlq,
        Look::Lost => Key::LookLost,
        Look::LostUnacked => Key::LookLostUnacked,
        Look::Truncated => Key::LookTruncated,
    };
    t(lang, key)
}

/// The mark drawn beside the number.
pub fn mark(l: Look) -> Option<&'static str> {
    match l {
        Look::Consumed => Some("✓"),
        Look::DeadLettered => Some("☠"),
        Look::Invisible => Some("◌"),
        Look::Lost | Look::LostUnacked => Some("✕"),
        Look::Truncated => Some("✂"),
        _ => None,
    }
}
