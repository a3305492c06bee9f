//! One message token. Its state reads without colour: dashed outline = only in page cache,
//! solid = on disk, double ring = replicated, ✓ = consumed, ☠ = dead-lettered, ✕ ghost = lost.

use yew::prelude::*;

use crate::i18n::{t, tf, Key, Lang};
use crate::layout::{Look, Token, TOKEN_R};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub token: Token,
    pub selected: bool,
    pub on_select: Callback<u32>,
}

fn look_class(l: Look) -> &'static str {
    match l {
        Look::InFlight => "tok-flight",
        Look::MemoryOnly => "tok-memory",
        Look::Durable => "tok-durable",
        Look::Replicated => "tok-replicated",
        Look::Consumed => "tok-consumed",
        Look::DeadLettered => "tok-dlq",
        Look::Lost => "tok-lost",
        Look::LostUnacked => "tok-lost tok-unacked",
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
        Look::DeadLettered => Key::LookDlq,
        Look::Lost => Key::LookLost,
        Look::LostUnacked => Key::LookLostUnacked,
    };
    t(lang, key)
}

fn mark(l: Look) -> Option<&'static str> {
    match l {
        Look::Consumed => Some("✓"),
        Look::DeadLettered => Some("☠"),
        Look::Lost | Look::LostUnacked => Some("✕"),
        _ => None,
    }
}

#[function_component(MessageToken)]
pub fn message_token(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let t = &p.token;
    let id = t.msg;
    let onclick = p.on_select.reform(move |_: MouseEvent| id);
    let class = classes!("token", look_class(t.look), p.selected.then_some("selected"), t.moving.then_some("moving"));
    // The label changes only with the look (per event), not with the position (per frame).
    let label = use_memo((id, t.look, t.consumed, lang), |&(id, look, consumed, lang)| {
        let dup = if consumed > 1 { tf(lang, Key::TokenDup, &[&consumed]) } else { String::new() };
        tf(lang, Key::TokenLabel, &[&id, &look_words(look, lang), &dup])
    });
    let label = (*label).clone();
    html! {
        <g class={class} transform={format!("translate({:.1} {:.1})", t.x, t.y)} {onclick}
           data-msg={id.to_string()} role="button" aria-label={label.clone()}>
            <title>{label}</title>
            if t.look == Look::Replicated {
                <circle class="ring2" r={format!("{}", TOKEN_R + 2.2)} />
            }
            <circle class="body" r={format!("{}", TOKEN_R)} />
            if matches!(t.look, Look::Lost | Look::LostUnacked) {
                <path class="cross" d="M-5.5,-5.5L5.5,5.5M5.5,-5.5L-5.5,5.5" />
            }
            <text class="id" y="2.6">{id}</text>
            if t.look == Look::Consumed && t.consumed > 1 {
                <text class="mark dup" x="8" y="-4">{format!("×{}", t.consumed)}</text>
            } else if let Some(m) = mark(t.look).filter(|_| !matches!(t.look, Look::Lost | Look::LostUnacked)) {
                <text class="mark" x="7" y="-4">{m}</text>
            }
        </g>
    }
}
