//! "Copy link" and "Embed": the run as a `#run=v1.…` link, and as an iframe snippet for
//! documentation. Each is a snapshot taken when the button is pressed, shown in a read-only
//! field (selected, so Ctrl+C works where the clipboard API is not allowed). Also the banner
//! that says why a link could not be opened, and the note on a link made with another model.

use yew::prelude::*;

use crate::embed::{copy_text, select_text};
use crate::i18n::{t, Key, Lang};
use crate::playback::Playback;
use crate::share::{self, Panel, ViewOpts};
use rmq_sim::scenario::link::ModelChange;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub pb: Playback,
    pub view: ViewOpts,
    /// The query the link keeps (`?preset=…`).
    pub query: AttrValue,
    /// The lab's base URL (`https://…/losslab/`).
    pub base: AttrValue,
}

#[derive(Clone, PartialEq)]
enum Shown {
    Link(String),
    Embed(String),
}

/// The panels the Embed button offers beside the picture and its controls (always embedded), with
/// their headings; a newly pressed Embed includes the summary only ([`EMBED_DEFAULT`]).
const EMBED_PANELS: [(Panel, Key); 7] = [
    (Panel::Summary, Key::SummaryHeading),
    (Panel::Inspector, Key::InspectorHeading),
    (Panel::Tour, Key::TourHeading),
    (Panel::Faults, Key::FaultsHeading),
    (Panel::Log, Key::LogHeading),
    (Panel::Presets, Key::PresetsHeading),
    (Panel::Config, Key::ConfigHeading),
];

/// What a newly pressed Embed includes beside the picture and its controls: the summary, which
/// a docs column draws as one line under Play, so the pasted frame stays ≤ 700 px in a 690 px
/// column (issue 24 item 6).
pub const EMBED_DEFAULT: [Panel; 1] = [Panel::Summary];

/// What an embed with `chosen` panels hides: every other panel.
pub fn embed_hide(chosen: &[Panel]) -> std::collections::BTreeSet<Panel> {
    Panel::ALL.into_iter().filter(|p| !chosen.contains(p)).collect()
}

#[function_component(ShareBar)]
pub fn share_bar(p: &Props) -> Html {
    let shown = use_state(|| None::<Shown>);
    let chosen = use_state(|| EMBED_DEFAULT.to_vec());
    let status = use_state(|| None::<Key>);
    let l = use_context::<Lang>().unwrap_or_default();
    let field = use_node_ref();
    // Select the field whenever it shows something new.
    {
        let field = field.clone();
        use_effect_with((*shown).clone(), move |_| {
            if let Some(el) = field.cast::<web_sys::Element>() {
                select_text(&el);
            }
        });
    }
    let body = {
        let (pb, view) = (p.pb.clone(), p.view.clone());
        move || share::encode_run(&pb.run.timeline, pb.cursor, &view)
    };
    let done = {
        let status = status.setter();
        Callback::from(move |ok: bool| status.set(Some(if ok { Key::Copied } else { Key::PressCopy })))
    };
    let copy_link = {
        let (shown, status, done, body) = (shown.setter(), status.setter(), done.clone(), body.clone());
        let (base, query) = (p.base.clone(), p.query.clone());
        Callback::from(move |_: MouseEvent| {
            let url = share::run_url(&base, &query, &body());
            status.set(None);
            shown.set(Some(Shown::Link(url.clone())));
            copy_text(&url, done.clone());
        })
    };
    // The snippet's run carries the panels to hide in its view (`hide`).
    let snippet = {
        let (pb, view, base) = (p.pb.clone(), p.view.clone(), p.base.clone());
        let title = p.pb.run.timeline.scenario.name.clone();
        move |chosen: &[Panel]| {
            let view = ViewOpts { hide: embed_hide(chosen), ..view.clone() };
            share::embed_snippet(&base, &share::encode_run(&pb.run.timeline, pb.cursor, &view), &title)
        }
    };
    let embed = {
        let (shown, status, snippet, chosen) = (shown.setter(), status.setter(), snippet.clone(), chosen.clone());
        Callback::from(move |_: MouseEvent| {
            status.set(None);
            shown.set(Some(Shown::Embed(snippet(&chosen))));
        })
    };
    let toggle = |panel: Panel| {
        let (shown, chosen, snippet) = (shown.setter(), chosen.clone(), snippet.clone());
        Callback::from(move |_: Event| {
            let mut next: Vec<Panel> = (*chosen).clone();
            if let Some(i) = next.iter().position(|q| *q == panel) {
                next.remove(i);
            } else {
                next.push(panel);
            }
            shown.set(Some(Shown::Embed(snippet(&next))));
            chosen.set(next);
        })
    };
    let copy_snippet = {
        let (shown, field, done) = (shown.clone(), field.clone(), done.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(Shown::Embed(s)) = &*shown {
                if let Some(el) = field.cast::<web_sys::Element>() {
                    select_text(&el);
                }
                copy_text(s, done.clone());
            }
        })
    };
    let is_embed = matches!(*shown, Some(Shown::Embed(_)));
    html! {
        <section class="share-bar" aria-label={t(l, Key::ShareRegion)} data-testid="share" data-digest={p.pb.run.report.event_log_digest.clone()}>
            <div class="share-buttons">
                <button onclick={copy_link} data-testid="copy-link" title={t(l, Key::CopyLinkTitle)}>{t(l, Key::CopyLink)}</button>
                <button onclick={embed} data-testid="embed" aria-expanded={is_embed.to_string()} title={t(l, Key::EmbedTitle)}>{t(l, Key::EmbedButton)}</button>
                <span class="share-status" role="status">{ status.map(|k| t(l, k)).unwrap_or("") }</span>
            </div>
            { match &*shown {
                Some(Shown::Link(url)) => html! {
                    <input type="text" readonly=true class="share-field" value={url.clone()} ref={field}
                           aria-label={t(l, Key::LinkField)} data-testid="share-link" />
                },
                Some(Shown::Embed(snippet)) => html! {
                    <div class="share-embed">
                        <fieldset class="embed-panels" data-testid="embed-panels">
                            <legend>{t(l, Key::EmbedPanels)}</legend>
                            { for EMBED_PANELS.iter().map(|(panel, key)| html! {
                                <label><input type="checkbox" checked={chosen.contains(panel)} onchange={toggle(*panel)} data-panel={panel.name()} />{t(l, *key)}</label>
                            }) }
                        </fieldset>
                        <textarea readonly=true class="share-field" rows="5" value={snippet.clone()} ref={field}
                                  aria-label={t(l, Key::SnippetField)} data-testid="embed-snippet" />
                        <button onclick={copy_snippet} data-testid="copy-snippet">{t(l, Key::CopySnippet)}</button>
                    </div>
                },
                None => html! {},
            } }
        </section>
    }
}

/// A note's Dismiss button, or `None` once it was pressed (the note then renders nothing).
#[hook]
fn use_dismiss_button(l: Lang) -> Option<Html> {
    let open = use_state(|| true);
    let close = {
        let open = open.setter();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    (*open).then(|| html! { <button class="link" onclick={close} aria-label={t(l, Key::DismissLabel)}>{t(l, Key::Dismiss)}</button> })
}

#[derive(Properties, PartialEq)]
pub struct BannerProps {
    pub problem: AttrValue,
}

/// Why a link could not be opened, and what is shown instead.
#[function_component(LinkBanner)]
pub fn link_banner(p: &BannerProps) -> Html {
    let l = use_context::<Lang>().unwrap_or_default();
    let Some(dismiss) = use_dismiss_button(l) else { return html! {} };
    // "link: the link is damaged …; was it cut short?" → "The link is damaged …; was it cut short?"
    let problem = p.problem.strip_prefix("link: ").unwrap_or(&p.problem);
    // The decoder's messages start with an ASCII word; ASCII case keeps core's Unicode case tables
    // (~14 KB) out of the wasm.
    let mut sentence: String = problem.chars().take(1).map(|c| c.to_ascii_uppercase()).chain(problem.chars().skip(1)).collect();
    if !sentence.ends_with(['.', '?', '!']) {
        sentence.push('.');
    }
    html! {
        <div class="link-banner" role="alert" data-testid="link-banner">
            <p><strong>{t(l, Key::BannerCannotOpen)}</strong>{sentence}{t(l, Key::BannerDefault)}</p>
            {dismiss}
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ModelNoteProps {
    pub change: ModelChange,
}

/// The link opened, but it was made with another version of the model: the run may differ from
/// the one its author saw (never replayed silently).
#[function_component(ModelNote)]
pub fn model_note(p: &ModelNoteProps) -> Html {
    let l = use_context::<Lang>().unwrap_or_default();
    let Some(dismiss) = use_dismiss_button(l) else { return html! {} };
    let key = match p.change {
        ModelChange::Older => Key::LinkModelOlder,
        ModelChange::Newer => Key::LinkModelNewer,
    };
    html! {
        <div class="link-banner link-note" role="status" data-testid="model-note" data-change={format!("{:?}", p.change).to_ascii_lowercase()}>
            <p>{t(l, key)}</p>
            {dismiss}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_embed_shows_the_picture_its_controls_and_the_summary() {
        let hide = embed_hide(&EMBED_DEFAULT);
        assert!(!hide.contains(&Panel::Summary), "the summary is in the default snippet");
        assert_eq!(hide.len(), Panel::ALL.len() - 1, "and nothing else");
    }

    #[test]
    fn an_embed_hides_every_panel_not_chosen() {
        let hide = embed_hide(&[Panel::Summary]);
        assert!(!hide.contains(&Panel::Summary));
        assert_eq!(hide.len(), Panel::ALL.len() - 1);
        assert_eq!(EMBED_PANELS.len(), Panel::ALL.len(), "every panel can be chosen");
        assert!(Panel::ALL.iter().all(|p| EMBED_PANELS.iter().any(|(q, _)| q == p)));
    }
}
