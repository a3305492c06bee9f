//! The keyboard help: a modal dialog listing [`crate::keyboard::KEYMAP`]. It takes the focus
//! when it opens (Escape or its button closes it, and the focus goes to Play, where Space plays or pauses).

use web_sys::HtmlElement;
use yew::prelude::*;

use crate::i18n::{t, Key, Lang};
use crate::keyboard::KEYMAP;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub on_close: Callback<()>,
}

#[function_component(HelpDialog)]
pub fn help_dialog(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let close_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        use_effect_with((), move |_| {
            if let Some(b) = close_ref.cast::<HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let close = p.on_close.reform(|_: MouseEvent| ());
    let backdrop = p.on_close.reform(|_: MouseEvent| ());
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <div class="backdrop" onclick={backdrop}>
            <div class="dialog panel" role="dialog" aria-modal="true" aria-labelledby="keys-title" onclick={stop} data-testid="help-dialog">
                <h2 id="keys-title">{t(lang, Key::KeysHeading)}</h2>
                <table class="keys">
                    <tbody>
                        { for KEYMAP.iter().map(|(keys, what)| html! {
                            <tr><th scope="row">{ for keys.split(" / ").map(|k| html! { <><kbd>{k}</kbd>{" "}</> }) }</th><td>{t(lang, *what)}</td></tr>
                        }) }
                    </tbody>
                </table>
                <p class="hint">{t(lang, Key::KeyFaultNote)}</p>
                <p class="hint">{t(lang, Key::KeysNote)}</p>
                <button class="primary" ref={close_ref} onclick={close}>{t(lang, Key::KeysClose)}</button>
            </div>
        </div>
    }
}
