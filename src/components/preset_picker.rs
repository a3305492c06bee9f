//! The core's presets, one click each, grouped by the part of the path they test (a preset not
//! listed here still appears, under "More").

use rmq_sim::scenario::presets::{self, Preset};
use yew::prelude::*;

use crate::i18n::{preset_text, t, Key, Lang};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub current: Option<AttrValue>,
    pub on_load: Callback<&'static str>,
}

/// Groups by id, in the pipeline's order; a preset not listed falls into "More".
const GROUPS: &[(Key, &[&str])] = &[
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
    html! {
        <section class="panel presets" aria-labelledby="presets-h">
            <h2 id="presets-h">{t(lang, Key::PresetsHeading)}</h2>
            { for grouped().into_iter().map(|(g, list)| html! {
                <details open={true}>
                    <summary>{t(lang, g)}</summary>
                    <ul>
                        { for list.into_iter().map(|pr| {
                            let id = pr.id;
                            let onclick = p.on_load.reform(move |_: MouseEvent| id);
                            let current = p.current.as_deref() == Some(id);
                            let (title, claim) = preset_text(lang, pr);
                            html! {
                                <li>
                                    <button class={classes!("preset", current.then_some("current"))} {onclick} data-preset={id} aria-pressed={current.to_string()}>
                                        <span class="p-title">{title}</span>
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
