//! The scenario as TOML text (the same text the presets ship as) plus form fields that rewrite
//! its lines. The core's parser judges the text; its `ScenarioError` is shown next to the field it
//! names, and the text the user typed is kept as typed. "Apply" starts a new run.

use rmq_sim::scenario::parse::scenario_to_toml;
use rmq_sim::scenario::{parse_scenario, ScenarioError};
use rmq_sim::Scenario;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::tomledit;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub scenario: Scenario,
    pub on_apply: Callback<Scenario>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Choice(&'static [&'static str]),
    Text,
    Bool,
}

struct Field {
    section: &'static str,
    key: &'static str,
    kind: Kind,
    default: &'static str,
    unit: &'static str,
    help: &'static str,
}

const fn f(section: &'static str, key: &'static str, kind: Kind, default: &'static str, unit: &'static str, help: &'static str) -> Field {
    Field { section, key, kind, default, unit, help }
}

const FIELDS: &[Field] = &[
    f("broker", "flushDiskType", Kind::Choice(&["ASYNC_FLUSH", "SYNC_FLUSH"]), "ASYNC_FLUSH", "", "When the commit log reaches the disk: in the background, or before each answer."),
    f("broker", "brokerRole", Kind::Choice(&["ASYNC_MASTER", "SYNC_MASTER"]), "ASYNC_MASTER", "", "Whether each send waits for the slave."),
    f("broker", "syncFlushTimeout", Kind::Text, "5000", "ms", "SYNC_FLUSH: longest wait for the flush before FLUSH_DISK_TIMEOUT."),
    f("broker", "slaveTimeout", Kind::Text, "3000", "ms", "SYNC_MASTER: longest wait for the slave before FLUSH_SLAVE_TIMEOUT."),
    f("broker", "flushIntervalCommitLog", Kind::Text, "500", "ms", "ASYNC_FLUSH: how often the background flush runs."),
    f("broker", "flushCommitLogLeastPages", Kind::Text, "4", "pages", "ASYNC_FLUSH: flush only when this many 4 KiB pages are dirty."),
    f("slave", "enabled", Kind::Bool, "false", "", "Whether the broker group has a slave."),
    f("producer", "sendMode", Kind::Choice(&["SYNC", "ASYNC", "ONEWAY"]), "SYNC", "", "send(msg), send(msg, callback) or sendOneway(msg)."),
    f("producer", "messages", Kind::Text, "200", "", "How many messages the producer sends (lab knob)."),
    f("producer", "interval", Kind::Text, "10ms", "", "Time between two sends (lab knob)."),
    f("producer", "sendMsgTimeout", Kind::Text, "3000", "ms", "One time budget for all attempts of a send."),
    f("producer", "retryTimesWhenSendFailed", Kind::Text, "2", "", "SYNC: extra attempts after a failed one."),
    f("producer", "onException", Kind::Choice(&["LOG", "PERSIST_AND_RESEND"]), "LOG", "", "What the application does with a failed send (lab knob)."),
    f("consumer", "startAt", Kind::Text, "0s", "", "When the consumer group comes online (lab knob)."),
    f("consumer", "maxReconsumeTimes", Kind::Text, "16", "", "Retries before a failing message goes to %DLQ%."),
    f("consumer", "failPercent", Kind::Text, "0", "%", "Share of consume attempts that fail (lab knob)."),
    f("", "seed", Kind::Text, "1", "", "The run's seed: the same seed gives the same run."),
];

fn dotted(fl: &Field) -> String {
    if fl.section.is_empty() {
        fl.key.to_string()
    } else {
        format!("{}.{}", fl.section, fl.key)
    }
}

fn field_view(fl: &'static Field, text: &str, err: Option<&ScenarioError>, on_set: &Callback<(usize, String)>, i: usize) -> Html {
    let value = tomledit::get(text, fl.section, fl.key).unwrap_or_default();
    let name = dotted(fl);
    let mine = err.filter(|e| e.field == name);
    let id = format!("cfg-{}", name.replace('.', "-"));
    let input = match fl.kind {
        Kind::Choice(opts) => {
            let cb = on_set.reform(move |e: Event| (i, e.target_unchecked_into::<HtmlInputElement>().value()));
            html! { <select id={id.clone()} onchange={cb}>{ for opts.iter().map(|o| html! { <option value={*o} selected={value == *o}>{*o}</option> }) }</select> }
        }
        Kind::Bool => {
            let cb = on_set.reform(move |e: Event| (i, e.target_unchecked_into::<HtmlInputElement>().checked().to_string()));
            html! { <input id={id.clone()} type="checkbox" checked={value == "true"} onchange={cb} /> }
        }
        Kind::Text => {
            let cb = on_set.reform(move |e: InputEvent| (i, e.target_unchecked_into::<HtmlInputElement>().value()));
            html! { <input id={id.clone()} type="text" value={value} oninput={cb} aria-invalid={mine.is_some().to_string()} spellcheck="false" /> }
        }
    };
    html! {
        <div class={classes!("field", mine.map(|_| "invalid"))}>
            <label for={id}><code>{name.clone()}</code>{ if fl.unit.is_empty() { html!{} } else { html!{ <span class="unit">{format!(" ({})", fl.unit)}</span> } } }</label>
            { input }
            <p class="help">{fl.help}{format!(" Default {}.", fl.default)}</p>
            if let Some(e) = mine { <p class="error" role="alert">{format!("{name}: {}", e.reason)}</p> }
        </div>
    }
}

#[function_component(ConfigPanel)]
pub fn config_panel(p: &Props) -> Html {
    let text = use_state(|| scenario_to_toml(&p.scenario));
    {
        let text = text.clone();
        use_effect_with(p.scenario.clone(), move |sc| text.set(scenario_to_toml(sc)));
    }
    let parsed = parse_scenario(&text);
    let err = parsed.as_ref().err().cloned();
    let on_set = {
        let text = text.clone();
        Callback::from(move |(i, raw): (usize, String)| {
            if let Some(fl) = FIELDS.get(i) {
                text.set(tomledit::set(&text, fl.section, fl.key, &raw));
            }
        })
    };
    let on_text = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let apply = {
        let on_apply = p.on_apply.clone();
        let parsed = parsed.clone();
        Callback::from(move |_: MouseEvent| {
            if let Ok(sc) = &parsed {
                on_apply.emit(sc.clone());
            }
        })
    };
    let err_field_shown = err.as_ref().is_some_and(|e| FIELDS.iter().any(|fl| dotted(fl) == e.field));
    html! {
        <section class="panel config" aria-label="Configuration">
            <h2>{"Configuration"}</h2>
            <div class="fields">
                { for FIELDS.iter().enumerate().map(|(i, fl)| field_view(fl, &text, err.as_ref(), &on_set, i)) }
            </div>
            <label class="toml-label" for="cfg-toml">{"Scenario file (TOML, RocketMQ names)"}</label>
            <textarea id="cfg-toml" class="toml" value={(*text).clone()} oninput={on_text} spellcheck="false" rows="14" />
            if let (Some(e), false) = (err.as_ref(), err_field_shown) {
                <p class="error" role="alert">{e.to_string()}</p>
            }
            <div class="apply-row">
                <button class="primary" onclick={apply} disabled={parsed.is_err()} data-testid="apply">{"Apply and restart"}</button>
                if parsed.is_err() { <span class="hint">{"Fix the highlighted field to apply."}</span> }
            </div>
        </section>
    }
}
