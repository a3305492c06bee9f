//! The RocketMQ version selector beside the presets: re-runs the current scenario (with the
//! user's edits, applied or not) under another release ([`crate::version_switch`]). A key the
//! release lacks leaves the run as it is and shows the core's error here and in the
//! configuration panel; the text keeps what the user entered.

use rmq_sim::scenario::RocketMqVersion;
use rmq_sim::Scenario;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::{t, tf, Key, Lang};
use crate::version_switch::{switch, version_of};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The scenario text shared with the configuration panel.
    pub text: UseStateHandle<String>,
    /// The release of the run on screen.
    pub running: RocketMqVersion,
    /// Starts a run of the switched scenario.
    pub on_load: Callback<Scenario>,
}

#[function_component(VersionPicker)]
pub fn version_picker(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let chosen = version_of(&p.text).unwrap_or(p.running);
    // The text names another release than the run: it did not parse (or is not applied yet).
    let err = (chosen != p.running).then(|| crate::lab_limits::parse(&p.text).err()).flatten();
    let onchange = {
        let (text, on_load) = (p.text.clone(), p.on_load.clone());
        Callback::from(move |e: Event| {
            let Ok(v) = RocketMqVersion::parse(&e.target_unchecked_into::<HtmlSelectElement>().value()) else { return };
            let (new_text, parsed) = switch(&text, v);
            text.set(new_text);
            if let Ok(sc) = parsed {
                on_load.emit(sc);
            }
        })
    };
    html! {
        <div class="version-picker" data-testid="version-picker" data-running={p.running.name()}>
            <label for="rmq-version">{t(lang, Key::VersionLabel)}</label>
            <select id="rmq-version" data-testid="version-select" {onchange} aria-describedby="rmq-version-help">
                { for RocketMqVersion::ALL.iter().map(|v| html! {
                    <option value={v.name()} selected={*v == chosen}>{v.name()}</option>
                }) }
            </select>
            <span class="hint" id="rmq-version-help">{t(lang, Key::VersionHelp)}</span>
            if let Some(e) = err {
                <p class="error" role="alert" data-testid="version-error">
                    {tf(lang, Key::VersionNotSwitched, &[&p.running, &chosen])}{e.to_string()}{" "}{t(lang, Key::VersionFixHint)}
                </p>
            }
        </div>
    }
}
