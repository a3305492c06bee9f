//! The 23 presets from the core, one click each, grouped by the part of the path they test.

use rmq_sim::scenario::presets::{self, Preset};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub current: Option<AttrValue>,
    pub on_load: Callback<&'static str>,
}

/// Groups by id, in the pipeline's order; a preset not listed falls into "More".
const GROUPS: &[(&str, &[&str])] = &[
    ("Producing: what the send status means", &["defaults", "slave-not-available", "slave-stopped", "flush-slave-timeout", "flush-slave-client-timeout", "flush-disk-timeout", "flush-disk-client-timeout", "master-down-sync-send", "async-send-compensation", "oneway-power-loss"]),
    ("Storing: flush and crashes", &["async-flush-power-loss", "async-flush-process-crash", "sync-flush-power-loss"]),
    ("Replicating: master and slave", &["book-recommendation", "book-recommendation-master-restarts", "both-machines-lose-power", "async-master-disk-lost", "sync-master-disk-lost"]),
    ("Consuming: retries and the DLQ", &["poison-message-dlq", "max-reconsume-3", "consumer-crash-duplicates", "retry-then-success", "dlq-compensation"]),
];

fn grouped() -> Vec<(&'static str, Vec<&'static Preset>)> {
    let mut out: Vec<(&'static str, Vec<&'static Preset>)> =
        GROUPS.iter().map(|(g, ids)| (*g, ids.iter().filter_map(|id| presets::find(id)).collect())).collect();
    let rest: Vec<&'static Preset> =
        presets::all().iter().filter(|p| !GROUPS.iter().any(|(_, ids)| ids.contains(&p.id))).collect();
    if !rest.is_empty() {
        out.push(("More", rest));
    }
    out
}

#[function_component(PresetPicker)]
pub fn preset_picker(p: &Props) -> Html {
    html! {
        <section class="panel presets" aria-label="Presets">
            <h2>{"Presets: one claim each"}</h2>
            { for grouped().into_iter().map(|(g, list)| html! {
                <details open={true}>
                    <summary>{g}</summary>
                    <ul>
                        { for list.into_iter().map(|pr| {
                            let id = pr.id;
                            let onclick = p.on_load.reform(move |_: MouseEvent| id);
                            let current = p.current.as_deref() == Some(id);
                            html! {
                                <li>
                                    <button class={classes!("preset", current.then_some("current"))} {onclick} data-preset={id} aria-pressed={current.to_string()}>
                                        <span class="p-title">{pr.title}</span>
                                        <span class="p-claim">{pr.claim}</span>
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
