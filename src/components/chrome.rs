//! The page's small furniture: the language switch and the token legend.

use yew::prelude::*;

use crate::i18n::{t, Key, Lang};

#[derive(Properties, PartialEq)]
pub struct LangProps {
    pub lang: Lang,
    pub on_change: Callback<Lang>,
}

/// English / 中文, each button named in its own language (`lang` set so it is read correctly).
#[function_component(LangSwitch)]
pub fn lang_switch(p: &LangProps) -> Html {
    let button = |l: Lang, label: &'static str, title: Key| {
        let onclick = p.on_change.reform(move |_: MouseEvent| l);
        let on = p.lang == l;
        html! {
            <button class={classes!((on).then_some("on"))} {onclick} aria-pressed={on.to_string()}
                    lang={l.tag()} title={t(p.lang, title)} data-lang={l.tag()}>{label}</button>
        }
    };
    html! {
        <div class="lang" role="group" aria-label={t(p.lang, Key::LangGroup)}>
            { button(Lang::En, "English", Key::LangEnTitle) }{ button(Lang::Zh, "中文", Key::LangZhTitle) }
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
