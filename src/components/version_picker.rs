//! The RocketMQ version selector beside the presets: re-runs the current scenario (with the
//! user's edits, applied or not) under another release ([`crate::version_switch`]). A key the
//! release lacks leaves the run as it is and shows the core's error here and in the
//! configuration panel; the text keeps what the user entered.

use rmq_sim::scenario::RocketMqVersion;
use rmq_sim::Scenario;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::{t, tf, Key, Lang};
use crate::scenario_text::TextParse;
use crate::version_switch::{switch_here, version_of};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The scenario text shared with the configuration panel.
    pub text: UseStateHandle<String>,
    /// The release of the run on screen.
    pub running: RocketMqVersion,
    /// Starts a run of the switched scenario.
    pub on_load: Callback<Scenario>,
    /// The lab's base URL: text the lab cannot read itself goes to the extras module there.
    pub base: AttrValue,
}

#[function_component(VersionPicker)]
pub fn version_picker(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let chosen = version_of(&p.text).unwrap_or(p.running);
    // Text outside the lab's own TOML (typed by hand) is read by the extras module's parser.
    let read = crate::scenario_text::use_parse(&p.text, &p.base);
    // The text names another release than the run: it did not parse (or is not applied yet).
    let err = match &read {
        TextParse::Ready(Err(e)) if chosen != p.running => Some(e.clone()),
        _ => None,
    };
    // A switch whose text waits for that parser: run it once the parser has read it.
    let pending = use_state_eq(|| None::<String>);
    {
        let (pending, on_load) = (pending.clone(), p.on_load.clone());
        use_effect_with((read.clone(), (*p.text).clone()), move |(read, text)| {
            if pending.as_deref() == Some(text.as_str()) {
                if let TextParse::Ready(r) = read {
                    if let Ok(sc) = r {
                        on_load.emit(sc.clone());
                    }
                    pending.set(None);
                }
            }
        });
    }
    let onchange = {
        let (text, on_load, pending) = (p.text.clone(), p.on_load.clone(), pending.clone());
        Callback::from(move |e: Event| {
            let Ok(v) = RocketMqVersion::parse(&e.target_unchecked_into::<HtmlSelectElement>().value()) else { return };
            let (new_text, parsed) = switch_here(&text, v);
            match parsed {
                Some(Ok(sc)) => on_load.emit(sc),
                Some(Err(_)) => {}
                None => pending.set(Some(new_text.clone())),
            }
            text.set(new_text);
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
            if pending.is_some() && read == TextParse::Loading {
                <p class="extra-loading" role="status" data-testid="toml-loading">{t(lang, Key::TomlLoading)}</p>
            }
            if let Some(e) = err {
                <p class="error" role="alert" data-testid="version-error">
                    {tf(lang, Key::VersionNotSwitched, &[&p.running, &chosen])}{e.to_string()}{" "}{t(lang, Key::VersionFixHint)}
                </p>
            }
        </div>
    }
}
