//! The scenario as TOML text (the same text the presets ship as) plus form fields that rewrite
//! its lines. The core's parser judges the text; its `ScenarioError` is shown next to the field it
//! names, and the text the user typed is kept as typed. "Apply" starts a new run.

use rmq_sim::scenario::{RocketMqVersion, ScenarioError};
use rmq_sim::Scenario;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::i18n::{t, tf, Key, Lang};
use crate::scenario_text::TextParse;
use crate::tomledit;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub scenario: Scenario,
    /// The scenario text, owned by the page (the version selector rewrites it too); it follows
    /// the run's scenario whenever that changes.
    pub text: UseStateHandle<String>,
    pub on_apply: Callback<Scenario>,
    /// The lab's base URL: text the lab cannot read itself goes to the extras module there.
    pub base: AttrValue,
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
    unit: Option<Key>,
    help: Key,
}

const fn f(section: &'static str, key: &'static str, kind: Kind, default: &'static str, unit: Option<Key>, help: Key) -> Field {
    Field { section, key, kind, default, unit, help }
}

const FIELDS: &[Field] = &[
    f("broker", "flushDiskType", Kind::Choice(&["ASYNC_FLUSH", "SYNC_FLUSH"]), "ASYNC_FLUSH", None, Key::HelpFlushDiskType),
    f("broker", "brokerRole", Kind::Choice(&["ASYNC_MASTER", "SYNC_MASTER"]), "ASYNC_MASTER", None, Key::HelpBrokerRole),
    f("broker", "syncFlushTimeout", Kind::Text, "5000", Some(Key::UnitMs), Key::HelpSyncFlushTimeout),
    f("broker", "slaveTimeout", Kind::Text, "3000", Some(Key::UnitMs), Key::HelpSlaveTimeout),
    f("broker", "totalReplicas", Kind::Text, "1", None, Key::HelpTotalReplicas),
    f("broker", "inSyncReplicas", Kind::Text, "1", None, Key::HelpInSyncReplicas),
    f("broker", "flushIntervalCommitLog", Kind::Text, "500", Some(Key::UnitMs), Key::HelpFlushInterval),
    f("broker", "flushCommitLogLeastPages", Kind::Text, "4", Some(Key::UnitPages), Key::HelpFlushLeastPages),
    f("slave", "enabled", Kind::Bool, "false", None, Key::HelpSlaveEnabled),
    f("slave", "slaveReadEnable", Kind::Bool, "false", None, Key::HelpSlaveReadEnable),
    f("producer", "client", Kind::Choice(&["remoting", "grpc"]), "remoting", None, Key::HelpClient),
    f("producer", "sendMode", Kind::Choice(&["SYNC", "ASYNC", "ONEWAY"]), "SYNC", None, Key::HelpSendMode),
    f("producer", "messages", Kind::Text, "200", None, Key::HelpMessages),
    f("producer", "interval", Kind::Text, "10ms", None, Key::HelpInterval),
    f("producer", "sendMsgTimeout", Kind::Text, "3000", Some(Key::UnitMs), Key::HelpSendMsgTimeout),
    f("producer", "retryTimesWhenSendFailed", Kind::Text, "2", None, Key::HelpRetryTimes),
    f("producer", "onException", Kind::Choice(&["LOG", "PERSIST_AND_RESEND"]), "LOG", None, Key::HelpOnException),
    f("consumer", "startAt", Kind::Text, "0s", None, Key::HelpStartAt),
    f("consumer", "maxReconsumeTimes", Kind::Text, "16", None, Key::HelpMaxReconsume),
    f("consumer", "failPercent", Kind::Text, "0", Some(Key::UnitPercent), Key::HelpFailPercent),
    f("", "seed", Kind::Text, "1", None, Key::HelpSeed),
];

fn dotted(fl: &Field) -> String {
    if fl.section.is_empty() {
        fl.key.to_string()
    } else {
        format!("{}.{}", fl.section, fl.key)
    }
}

/// Whether the release has the field (`slaveTimeout` not in 4.7.0, the replica keys only in 5.x);
/// `slaveReadEnable` is shown where it changes something (5.x: a 4.x slave serves pulls anyway);
/// the producer's `client` where there is a proxy to talk gRPC to (5.x).
pub fn shown_in(field: &str, v: RocketMqVersion) -> bool {
    v.has_key(field)
        && (field != "slave.slaveReadEnable" || v.rules().slave_pull_needs_read_enable)
        && (field != "producer.client" || v.rules().grpc_clients)
}

fn field_view(lang: Lang, fl: &'static Field, text: &str, err: Option<&ScenarioError>, on_set: &Callback<(usize, String)>, i: usize) -> Html {
    let value = tomledit::get(text, fl.section, fl.key).unwrap_or_default();
    let name = dotted(fl);
    let mine = err.filter(|e| e.field == name);
    let id = format!("cfg-{}", name.replace('.', "-"));
    let id_help = format!("{id}-help");
    let input = match fl.kind {
        Kind::Choice(opts) => {
            let cb = on_set.reform(move |e: Event| (i, e.target_unchecked_into::<HtmlInputElement>().value()));
            html! { <select id={id.clone()} onchange={cb} aria-describedby={id_help.clone()}>{ for opts.iter().map(|o| html! { <option value={*o} selected={value == *o}>{*o}</option> }) }</select> }
        }
        Kind::Bool => {
            let cb = on_set.reform(move |e: Event| (i, e.target_unchecked_into::<HtmlInputElement>().checked().to_string()));
            html! { <input id={id.clone()} type="checkbox" checked={value == "true"} onchange={cb} aria-describedby={id_help.clone()} /> }
        }
        Kind::Text => {
            let cb = on_set.reform(move |e: InputEvent| (i, e.target_unchecked_into::<HtmlInputElement>().value()));
            html! { <input id={id.clone()} type="text" value={value} oninput={cb} aria-invalid={mine.is_some().to_string()} spellcheck="false" aria-describedby={id_help.clone()} /> }
        }
    };
    html! {
        <div class={classes!("field", mine.map(|_| "invalid"))}>
            <label for={id}><code>{name.clone()}</code>
                if let Some(u) = fl.unit { <span class="unit">{format!(" ({})", t(lang, u))}</span> }
            </label>
            { input }
            <p class="help" id={id_help}>{t(lang, fl.help)}{tf(lang, Key::DefaultIs, &[&fl.default])}</p>
            if let Some(e) = mine { <p class="error" role="alert">{format!("{name}: {}", e.reason)}</p> }
        </div>
    }
}

/// Whether `key` is the remoting producer's alone (the gRPC producer refuses it).
fn remoting_only(key: &str) -> bool {
    rmq_sim::scenario::parse::REMOTING_ONLY_PRODUCER_KEYS.iter().any(|(k, _)| *k == key)
}

/// After the producer's `client` was set to `raw`: `text` without the other client's keys, which
/// the core refuses beside it (issue 21: switching the lab's producer to gRPC left
/// `sendMsgTimeout` in the text, and Apply stayed disabled).
fn with_client_keys(text: &str, fl: &Field, raw: &str) -> String {
    use rmq_sim::scenario::parse::{GRPC_ONLY_PRODUCER_KEYS, REMOTING_ONLY_PRODUCER_KEYS};
    if (fl.section, fl.key) != ("producer", "client") {
        return text.to_string();
    }
    let other = if raw == "grpc" { REMOTING_ONLY_PRODUCER_KEYS } else { GRPC_ONLY_PRODUCER_KEYS };
    other.iter().fold(text.to_string(), |t, (k, _)| tomledit::remove(&t, "producer", k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_the_release() {
        assert!(shown_in("broker.slaveTimeout", RocketMqVersion::V4_9_8));
        assert!(!shown_in("broker.slaveTimeout", RocketMqVersion::V4_7_0));
        assert!(!shown_in("broker.inSyncReplicas", RocketMqVersion::V4_9_8));
        assert!(shown_in("broker.inSyncReplicas", RocketMqVersion::V5_3_3));
        assert!(!shown_in("slave.slaveReadEnable", RocketMqVersion::V4_9_8));
        assert!(shown_in("slave.slaveReadEnable", RocketMqVersion::V5_3_3));
        // The gRPC client talks to the 5.x proxy (issue 21).
        assert!(!shown_in("producer.client", RocketMqVersion::V4_9_8));
        assert!(shown_in("producer.client", RocketMqVersion::V5_3_3));
    }

    /// Switching the producer's client takes the other client's keys out, so the text parses.
    #[test]
    fn switching_the_client_drops_the_other_clients_keys() {
        let fl = FIELDS.iter().find(|f| (f.section, f.key) == ("producer", "client")).expect("the client field");
        let text = "version = \"5.3.3\"\n\n[producer]\nmessages = 6\nsendMsgTimeout = 3000\nretryTimesWhenSendFailed = 2\n";
        let grpc = with_client_keys(&tomledit::set(text, "producer", "client", "grpc"), fl, "grpc");
        assert!(!grpc.contains("sendMsgTimeout") && !grpc.contains("retryTimesWhenSendFailed"), "{grpc}");
        let sc = rmq_sim::scenario::parse::parse_scenario(&grpc).expect("parses");
        assert_eq!(sc.producer.client, rmq_sim::scenario::Client::Grpc);
        assert_eq!(sc.producer.messages, 6);
        let back = with_client_keys(&tomledit::set(&format!("{grpc}maxAttempts = 5\n"), "producer", "client", "remoting"), fl, "remoting");
        assert!(!back.contains("maxAttempts"), "{back}");
        assert_eq!(rmq_sim::scenario::parse::parse_scenario(&back).expect("parses").producer.client, rmq_sim::scenario::Client::Remoting);
    }
}

#[function_component(ConfigPanel)]
pub fn config_panel(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let text = p.text.clone();
    let version = crate::version_switch::version_of(&text).unwrap_or(p.scenario.version);
    // The lab's own cap on top of the core's parse (it keeps the whole log: `lab_limits`); text
    // outside the lab's own TOML is read by the extras module's parser (`scenario_text`).
    let read = crate::scenario_text::use_parse(&text, &p.base);
    let (parsed, waiting) = match &read {
        TextParse::Ready(r) => (r.clone(), None),
        TextParse::Loading => (Err(ScenarioError::new("toml", None, "")), Some(html! {
            <p class="extra-loading" role="status" data-testid="toml-loading">{t(lang, Key::TomlLoading)}</p>
        })),
        TextParse::Failed(why) => (Err(ScenarioError::new("toml", None, "")), Some(html! {
            <p class="extra-failed" role="alert" data-testid="extra-failed">{t(lang, Key::ExtraFailed)}{why.clone()}</p>
        })),
    };
    let err = if waiting.is_some() { None } else { parsed.as_ref().err().cloned() };
    let on_set = {
        let text = text.clone();
        Callback::from(move |(i, raw): (usize, String)| {
            if let Some(fl) = FIELDS.get(i) {
                text.set(with_client_keys(&tomledit::set(&text, fl.section, fl.key, &raw), fl, &raw));
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
    let grpc = tomledit::get(&text, "producer", "client").is_some_and(|c| c == "grpc");
    let shown = |fl: &Field| shown_in(&dotted(fl), version) && !(grpc && fl.section == "producer" && remoting_only(fl.key));
    let err_field_shown = err.as_ref().is_some_and(|e| FIELDS.iter().any(|fl| dotted(fl) == e.field && shown_in(&e.field, version)));
    html! {
        <section class="panel config" aria-labelledby="config-h">
            <h2 id="config-h">{t(lang, Key::ConfigHeading)}</h2>
            <div class="fields">
                { for FIELDS.iter().enumerate().filter(|(_, fl)| shown(fl)).map(|(i, fl)| field_view(lang, fl, &text, err.as_ref(), &on_set, i)) }
            </div>
            <label class="toml-label" for="cfg-toml">{t(lang, Key::TomlLabel)}</label>
            <textarea id="cfg-toml" class="toml" value={(*text).clone()} oninput={on_text} spellcheck="false" rows="14" />
            if let (Some(e), false) = (err.as_ref(), err_field_shown) {
                <p class="error" role="alert">{e.to_string()}</p>
            }
            { for waiting }
            <div class="apply-row">
                <button class="primary" onclick={apply} disabled={parsed.is_err()} data-testid="apply">{t(lang, Key::Apply)}</button>
                if err.is_some() { <span class="hint">{t(lang, Key::FixField)}</span> }
            </div>
        </section>
    }
}
