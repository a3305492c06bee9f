//! The page's small furniture: the language switch and the token legend.

use yew::prelude::*;

use crate::i18n::{t, Key, Lang};

#[derive(Properties, PartialEq)]
pub struct LangProps {
    pub lang: Lang,
    pub on_change: Callback<Lang>,
    /// The Chinese text is being fetched (the first press of 中文, [`crate::lang_load`]).
    #[prop_or_default]
    pub loading: bool,
    /// Why the Chinese text could not be fetched (the button can be pressed again).
    #[prop_or_default]
    pub problem: Option<AttrValue>,
}

/// English / 中文, each button named in its own language (`lang` set so it is read correctly).
/// While the Chinese text is fetched the 中文 button says so (busy, not pressable twice) and a
/// status line tells why nothing changed yet; a failure is said in both languages.
#[function_component(LangSwitch)]
pub fn lang_switch(p: &LangProps) -> Html {
    let button = |l: Lang, label: &'static str, title: Key| {
        let onclick = p.on_change.reform(move |_: MouseEvent| l);
        let on = p.lang == l;
        let busy = p.loading && l == Lang::Zh;
        html! {
            <button class={classes!((on).then_some("on"))} {onclick} aria-pressed={on.to_string()} disabled={busy}
                    aria-busy={busy.then_some("true")} lang={l.tag()} title={t(p.lang, title)} data-lang={l.tag()}>
                {label}{busy.then_some("…")}
            </button>
        }
    };
    html! {
        <div class="lang" role="group" aria-label={t(p.lang, Key::LangGroup)}>
            { button(Lang::En, "English", Key::LangEnTitle) }{ button(Lang::Zh, "中文", Key::LangZhTitle) }
            if p.loading { <span class="lang-status" role="status" data-testid="lang-loading">{crate::lang_load::LOADING}</span> }
            if let Some(why) = &p.problem { <span class="lang-status lang-failed" role="alert" data-testid="lang-failed">{crate::lang_load::FAILED}{why.clone()}</span> }
        </div>
    }
}

/// What the tokens' outlines and marks mean (shape and symbol, never colour alone).
#[function_component(Legend)]
pub fn legend() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    html! {
        <ul class="legend" aria-label={t(lang, Key::Legend)}>
            <li><svg viewBox="-9 -9 18 18" class="token tok-memory" aria-hidden="true"><circle class="body" r="6" /></svg>{t(lang, Key::LegendMemory)}</li>
            <li><svg viewBox="-9 -9 18 18" class="token tok-durable" aria-hidden="true"><circle class="body" r="6" /></svg>{t(lang, Key::LegendDurable)}</li>
            <li><svg viewBox="-9 -9 18 18" class="token tok-replicated" aria-hidden="true"><circle class="ring2" r="8.2" /><circle class="body" r="6" /></svg>{t(lang, Key::LegendReplicated)}</li>
            <li><span class="sym" aria-hidden="true">{"✓"}</span>{t(lang, Key::LegendConsumed)}</li>
            <li><span class="sym" aria-hidden="true">{"☠"}</span>{t(lang, Key::LegendDlq)}</li>
            <li><span class="sym" aria-hidden="true">{"✕"}</span>{t(lang, Key::LegendLost)}</li>
        </ul>
    }
}
