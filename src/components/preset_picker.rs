//! The core's presets, one click each, grouped by the part of the path they test (a preset not
//! listed here still appears, under "More"), with the RocketMQ version selector at the top of the
//! panel (its `children`): the selector re-runs the scenario on screen under another release, a
//! preset opens under its own release (tagged on its button when it is not 4.9.8), and the
//! selector then shows that release.

use rmq_sim::scenario::presets::{self, Preset};
use rmq_sim::scenario::RocketMqVersion;
use yew::prelude::*;

use crate::i18n::{preset_text, t, Key, Lang};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub current: Option<AttrValue>,
    pub on_load: Callback<&'static str>,
    /// Drawn under the heading, before the groups: the version selector.
    #[prop_or_default]
    pub children: Html,
    /// One drop-down of the groups instead of the list of buttons (an embed in a docs column,
    /// where the list would be ~3,800 px tall; issue 24 item 6).
    #[prop_or_default]
    pub compact: bool,
}

/// The compact picker: the groups as `<optgroup>`s of one `<select>`; choosing opens the preset.
fn preset_select(lang: Lang, p: &Props) -> Html {
    let onchange = {
        let on_load = p.on_load.clone();
        Callback::from(move |e: Event| {
            let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else { return };
            if let Some(pr) = presets::find(&sel.value()) {
                on_load.emit(pr.id);
            }
        })
    };
    let current = p.current.as_deref();
    html! {
        <select class="preset-select" {onchange} aria-labelledby="presets-h" data-testid="preset-select">
            if current.and_then(presets::find).is_none() { <option value="" selected=true>{"…"}</option> }
            { for grouped().into_iter().map(|(g, list)| html! {
                <optgroup label={t(lang, g)}>
                    { for list.into_iter().map(|pr| html! {
                        <option value={pr.id} selected={current == Some(pr.id)}>{preset_text(lang, pr).0}</option>
                    }) }
                </optgroup>
            }) }
        </select>
    }
}

/// Groups by id, in the pipeline's order; a preset not listed falls into "More".
const GROUPS: &[(Key, &[&str])] = &[
    (Key::GroupReleases, &["v5-sync-master-upgrade-trap", "v5-slave-unreadable", "v5-in-sync-replicas-slave-down", "v5-acting-master-degrades", "v470-flush-slave-timeout-5s", "v5-controller-failover-all-ack", "v5-controller-failover-truncated", "v5-controller-unclean-election", "v5-controller-lost-with-master", "v5-grpc-flush-disk-stall", "v5-remoting-flush-disk-stall", "v5-grpc-master-persistence-timeout", "v5-grpc-poison-message"]),
    (Key::GroupStart, &["whole-path"]),
    (Key::GroupProducing, &["defaults", "slave-not-available", "slave-stopped", "flush-slave-timeout", "flush-slave-client-timeout", "flush-disk-timeout", "flush-disk-client-timeout", "master-down-sync-send", "async-send-compensation", "oneway-power-loss"]),
    (Key::GroupStoring, &["async-flush-power-loss", "async-flush-process-crash", "transient-store-pool-process-crash", "sync-flush-power-loss"]),
    (Key::GroupReplicating, &["book-recommendation", "book-recommendation-master-restarts", "both-machines-lose-power", "async-master-disk-lost", "async-master-push-window", "sync-master-disk-lost", "slave-falls-behind-burst"]),
    (Key::GroupConsuming, &["poison-message-dlq", "max-reconsume-3", "consumer-crash-duplicates", "retry-then-success", "dlq-compensation"]),
];

fn grouped() -> Vec<(Key, Vec<&'static Preset>)> {
    let mut out: Vec<(Key, Vec<&'static Preset>)> =
        GROUPS.iter().map(|(g, ids)| (*g, ids.iter().filter_map(|id| presets::find(id)).collect())).collect();
    let rest: Vec<&'static Preset> =
        presets::all().iter().filter(|p| !GROUPS.iter().any(|(_, ids)| ids.contains(&p.id))).collect();
    if !rest.is_empty() {
        out.push((Key::GroupMore, rest));
    }
    out
}

#[function_component(PresetPicker)]
pub fn preset_picker(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    if p.compact {
        return html! {
            <section class="panel presets presets-compact" aria-labelledby="presets-h">
                <h2 id="presets-h">{t(lang, Key::PresetsHeading)}</h2>
                { preset_select(lang, p) }
                { p.children.clone() }
            </section>
        };
    }
    html! {
        <section class="panel presets" aria-labelledby="presets-h">
            <h2 id="presets-h">{t(lang, Key::PresetsHeading)}</h2>
            { p.children.clone() }
            { for grouped().into_iter().map(|(g, list)| html! {
                <details open={true}>
                    <summary>{t(lang, g)}</summary>
                    <ul>
                        { for list.into_iter().map(|pr| {
                            let id = pr.id;
                            let onclick = p.on_load.reform(move |_: MouseEvent| id);
                            let current = p.current.as_deref() == Some(id);
                            let (title, claim) = preset_text(lang, pr);
                            // A preset of another release than 4.9.8 says so: a click switches the release.
                            let release = crate::version_switch::version_of(pr.body).filter(|v| *v != RocketMqVersion::default());
                            html! {
                                <li>
                                    <button class={classes!("preset", current.then_some("current"))} {onclick} data-preset={id} aria-pressed={current.to_string()}>
                                        <span class="p-title">{title}
                                            if let Some(v) = release { {" "}<span class="p-version" data-version={v.name()}>{format!("RocketMQ {v}")}</span> }
                                        </span>
                                        <span class="p-claim">{claim}</span>
                                    </button>
                                </li>
                            }
                        }) }
                    </ul>
                </details>
            }) }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_in_one_group_and_the_releases_have_their_own() {
        let groups = grouped();
        assert!(groups.iter().all(|(g, _)| *g != Key::GroupMore), "no preset left over for \"More\"");
        let n: usize = groups.iter().map(|(_, l)| l.len()).sum();
        assert_eq!(n, presets::all().len());
        let (g, releases) = &groups[0];
        assert_eq!(*g, Key::GroupReleases, "the releases come first, under the version selector");
        for p in releases {
            let v = crate::version_switch::version_of(p.body).unwrap();
            assert_ne!(v, RocketMqVersion::default(), "{} is a preset of another release", p.id);
        }
        for (_, list) in &groups[1..] {
            for p in list {
                assert_eq!(crate::version_switch::version_of(p.body), Some(RocketMqVersion::default()), "{}", p.id);
            }
        }
    }
}
