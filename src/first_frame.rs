//! The lab's first frame, drawn ahead of time (issue 23, item 2: the first drawn diagram within
//! 250 KB gzip). The lab's wasm module is ~455 KB gzip and no trim brings it to the budget, so a
//! page does not wait for it to draw: the picture a preset shows at t = 0, before Play, is rendered
//! here by the lab's own components (Yew's server-side rendering, natively, in this module's test)
//! into small HTML fragments checked in under `www/first-frame/`. The page's loader fetches the
//! one for its preset, language and arrangement before the wasm, shows it (styled by the lab's own
//! `www/style.css`), and the live lab replaces it when it mounts.
//!
//! A fragment is `www/first-frame/<preset>.<lang>.<layout>.html`: one root element,
//! `<div class="first-frame …" data-preset data-lang data-layout inert aria-busy="true">`, holding
//! the same wrappers the live lab draws around its diagram ([`crate::app::page_header`],
//! [`crate::app::claim_line`], [`crate::app::embed_stage`]) so that the diagram lands where the lab
//! will draw it; the diagram is the live [`Pipeline`]'s at t = 0 with class `pipeline-frame`
//! instead of `pipeline`, an embed's picture box `embed-stage-frame` instead of `embed-stage`
//! (what the browser tests wait for stays the live lab's), without
//! `data-testid` or `id` attributes (they would name the live lab's elements twice), with a status
//! line saying the lab is loading, and the real time controls, inert and drawn disabled.
//!
//! An embed's fragment is everything the live embed draws at t = 0 ([`crate::app::embed_body`]:
//! the picture box, then its side panels, the event log and the configuration), with every panel
//! in: the loader takes out those the embed's options hide (`hide=`, `lock=1`), so the frame is as
//! tall as the lab that replaces it and the text under an embed (or the iframe it posts its height
//! to) does not move. A page's fragment ends with the summary and inspector beside the picture;
//! what the page draws under its time controls comes with the lab.
//!
//! `UPDATE_EXPECT=1 cargo test -p losslab-web first_frame` rewrites the folder; without it the
//! test fails on any fragment that differs from what the components draw now, and on stale files.

use rmq_sim::scenario::presets;
use yew::prelude::*;

use crate::app::{claim_line, embed_body, page_header, start_playback, EmbedBody};
use crate::components::chrome::{LangSwitch, Legend};
use crate::components::inspector::Inspector;
use crate::components::message_token::{look_class, mark};
use crate::components::pipeline::Pipeline;
use crate::components::summary::Summary;
use crate::components::time_controls::TimeControls;
use crate::components::tour_panel::TourPanel;
use crate::i18n::{self, t, Key, Lang};
use crate::layout::{self, Look, Motion, Orientation, TOKEN_R};
use crate::playback::Playback;
use crate::share::LabOptions;

/// The folder the fragments are written to (the page fetches `first-frame/…` next to itself).
pub const DIR: &str = "www/first-frame";

/// Where a lab is drawn, as the page's loader picks it: the page by its window's width (wide from
/// 760 px, `app.rs` `TALL_BELOW_PX`), an embed by its own width ([`crate::embed::embed_orientation`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FrameLayout {
    PageWide,
    PageTall,
    EmbedWide,
    EmbedCompact,
    EmbedTall,
}

impl FrameLayout {
    pub const ALL: [FrameLayout; 5] =
        [FrameLayout::PageWide, FrameLayout::PageTall, FrameLayout::EmbedWide, FrameLayout::EmbedCompact, FrameLayout::EmbedTall];

    /// The name in the fragment's file name and its `data-layout`.
    pub fn name(self) -> &'static str {
        match self {
            FrameLayout::PageWide => "page-wide",
            FrameLayout::PageTall => "page-tall",
            FrameLayout::EmbedWide => "embed-wide",
            FrameLayout::EmbedCompact => "embed-compact",
            FrameLayout::EmbedTall => "embed-tall",
        }
    }

    pub fn embed(self) -> bool {
        !matches!(self, FrameLayout::PageWide | FrameLayout::PageTall)
    }

    /// The picture's arrangement.
    pub fn orientation(self) -> Orientation {
        match self {
            FrameLayout::PageWide | FrameLayout::EmbedWide => Orientation::Wide,
            FrameLayout::EmbedCompact => Orientation::Compact,
            FrameLayout::PageTall | FrameLayout::EmbedTall => Orientation::Tall,
        }
    }
}

/// The languages a fragment is drawn in.
pub const LANGS: [Lang; 2] = [Lang::En, Lang::Zh];

/// The fragment's file name.
pub fn file_name(preset: &str, lang: Lang, layout: FrameLayout) -> String {
    format!("{preset}.{}.{}.html", lang_name(lang), layout.name())
}

fn lang_name(l: Lang) -> &'static str {
    match l {
        Lang::En => "en",
        Lang::Zh => "zh",
    }
}

/// The playback the lab starts `preset` with, exactly as it does on load (`?preset=`, or a module
/// mount's `preset` option): [`crate::share::resolve_start`], then [`start_playback`] — paused at
/// t = 0 (a guided tour waits for the reader's prediction, nothing plays by itself).
pub fn start_of(preset: &str) -> Playback {
    let opts = LabOptions { preset: Some(preset.to_string()), ..LabOptions::default() };
    let start = crate::share::resolve_start(&opts);
    assert!(start.problem.is_none() && start.preset == Some(presets::find(preset).map_or("", |p| p.id)), "{preset}: {:?}", start.problem);
    start_playback(&start)
}

#[derive(Properties, PartialEq)]
struct FrameProps {
    preset: &'static str,
    lang: Lang,
    layout: FrameLayout,
    pb: Playback,
}

/// The fragment: the live lab's wrappers around its picture and time controls at t = 0.
#[function_component(FirstFrame)]
fn first_frame(p: &FrameProps) -> Html {
    let (l, o, pb) = (p.lang, p.layout.orientation(), &p.pb);
    let sc = &pb.run.timeline.scenario;
    let noop = Callback::noop();
    // The scenario text of the configuration panel and the version selector, as the lab starts it.
    let draft = use_state(|| rmq_sim::scenario::parse::scenario_to_toml(sc));
    let body = if p.layout.embed() {
        // Everything the live embed draws at t = 0, with every panel in: the page's loader takes
        // out those its options hide (`hide=`, `lock=1`), so the frame is as tall as the lab.
        html! {
            <div class="app embed" lang={l.tag()}>
                { embed_body(EmbedBody {
                    orientation: o,
                    state: pb,
                    per_event: pb,
                    dispatch: &noop,
                    shows: &|_| true,
                    current: Some(AttrValue::from(p.preset)),
                    on_preset: Callback::noop(),
                    on_apply: Callback::noop(),
                    draft,
                    base: AttrValue::default(),
                }) }
            </div>
        }
    } else {
        let preset = presets::find(p.preset).map(|x| i18n::preset_text(l, x));
        let (title, claim) = (preset.map_or_else(|| sc.name.clone(), |x| x.0.to_string()), preset.map(|x| x.1));
        let header_controls = html! {
            <>
                <LangSwitch lang={l} on_change={Callback::noop()} />
                <button class="sweep-button" title={t(l, Key::SweepOpenTitle)}>{t(l, Key::SweepOpen)}</button>
            </>
        };
        // The guided tour sits above the picture in one column and beside it from 1,101 px
        // (`SIDE_COLUMN_FROM_PX` in app.rs, which reads the window's width): both are drawn, the
        // stylesheet shows the one the lab will.
        // (Only with a tour: an empty wrapper would still take a gap in the side column.)
        let tour = sc.tour.is_some().then(|| html! { <TourPanel pb={pb.clone()} dispatch={noop.clone()} /> });
        html! {
            <div class="app" lang={l.tag()}>
                { page_header(l, sc.version, title, header_controls, Callback::noop()) }
                <div class="layout-frame">
                    <div class="stage">
                        { claim_line(l, claim) }
                        if let Some(tour) = tour.clone() { <div class="first-frame-one-column">{ tour }</div> }
                        <Pipeline pb={pb.clone()} orientation={o} dispatch={noop.clone()} />
                        <Legend />
                        <TimeControls pb={pb.clone()} dispatch={noop.clone()} />
                    </div>
                    <aside class="side">
                        if let Some(tour) = tour { <div class="first-frame-side-column">{ tour }</div> }
                        <Summary pb={pb.clone()} dispatch={noop.clone()} />
                        <Inspector pb={pb.clone()} dispatch={noop.clone()} base={AttrValue::default()} />
                    </aside>
                </div>
            </div>
        }
    };
    let kind = if p.layout.embed() { "first-frame-embed" } else { "first-frame-page" };
    html! {
        <ContextProvider<Lang> context={l}>
            <div class={classes!("first-frame", kind)} data-preset={p.preset} data-lang={lang_name(l)} data-layout={p.layout.name()}
                 inert=true aria-busy="true">
                { body }
                // Moved onto the time controls by `render_preset` (they stay in view).
                <p class="first-frame-status" role="status">{t(l, Key::FrameLoading)}</p>
            </div>
        </ContextProvider<Lang>>
    }
}

#[derive(Properties, PartialEq)]
struct TokensProps {
    pb: Playback,
    orientation: Orientation,
}

/// The tokens at the playhead as SVG, where the lab paints them on its canvas
/// (`token_canvas::paint_body`): the same looks, drawn by the stylesheet's `.token` / `.tok-*`
/// rules, in the diagram's units. (The canvas is painted by the live lab's code; in the frame it
/// would stay empty.)
#[function_component(TokensFrame)]
fn tokens_frame(p: &TokensProps) -> Html {
    let pb = &p.pb;
    let (tokens, _) = layout::tokens_with(p.orientation, &pb.run.tracks, pb.run.done.ledger(), pb.cursor, Motion::Glide);
    html! {
        <g class="tokens-frame">
            { for tokens.iter().map(|tk| {
                let (px, condensed) = layout::id_font(tk.msg);
                let id_style = (px < layout::ID_PX).then(|| format!("font-size: {px:.2}px"));
                let mark = if tk.look == Look::Consumed && tk.consumed > 1 {
                    Some((format!("×{}", tk.consumed), 8.0, "mark dup"))
                } else {
                    mark(tk.look).filter(|_| !matches!(tk.look, Look::Lost | Look::LostUnacked)).map(|m| (m.to_string(), 7.0, "mark"))
                };
                html! {
                    <g class={classes!("token", look_class(tk.look))} transform={format!("translate({:.1} {:.1})", tk.x, tk.y)}>
                        if tk.look == Look::Replicated { <circle class="ring2" r={format!("{:.1}", TOKEN_R + 2.2)} /> }
                        <circle class="body" r={TOKEN_R.to_string()} />
                        if matches!(tk.look, Look::Lost | Look::LostUnacked) { <path class="cross" d="M-5.5 -5.5L5.5 5.5M5.5 -5.5L-5.5 5.5" /> }
                        <text class="id" y={format!("{:.2}", px * 0.34)} style={id_style} textLength={condensed.map(|w| format!("{w:.1}"))}>{tk.msg}</text>
                        if let Some((text, x, class)) = mark { <text {class} x={x.to_string()} y="-4">{text}</text> }
                    </g>
                }
            }) }
        </g>
    }
}

/// Attributes that name the live lab's elements (tests, labels and their `for`, fragment links): dropped from
/// the fragment, which sits beside the live lab for a moment.
const DROPPED: [&str; 6] = ["data-testid", "id", "for", "aria-labelledby", "aria-controls", "aria-describedby"];

/// `html` without the [`DROPPED`] attributes: a scan of its tags (attribute values are quoted,
/// text outside tags has no unescaped `<`).
fn drop_attributes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let (mut in_tag, mut in_quote) = (false, false);
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if in_tag && !in_quote && c == ' ' {
            let after = &rest[1..];
            if let Some(name) = DROPPED.iter().find(|n| after.starts_with(&format!("{n}=\""))) {
                let value = &after[name.len() + 2..];
                let end = value.find('"').expect("a quoted attribute value ends");
                rest = &value[end + 1..];
                continue;
            }
        }
        match c {
            '<' if !in_tag => in_tag = true,
            '"' if in_tag => in_quote = !in_quote,
            '>' if in_tag && !in_quote => in_tag = false,
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The status line (drawn last in the root) moved into the time controls' section, as its last
/// child: the stylesheet sets it on the section's top edge, which stays in view.
fn status_on_controls(html: &str) -> String {
    let from = html.find("<p role=\"status\" class=\"first-frame-status\">").expect("the status");
    let to = from + html[from..].find("</p>").expect("its end") + "</p>".len();
    let (status, rest) = (&html[from..to], format!("{}{}", &html[..from], &html[to..]));
    let section = rest.find("class=\"time-controls\"").expect("the time controls");
    let end = section + rest[section..].find("</section>").expect("their end");
    format!("{}{status}{}", &rest[..end], &rest[end..])
}

/// The fragments of one preset (all languages and layouts), file name and text, rendered on the
/// current thread (within Yew's runtime: [`render_all`]).
async fn render_preset(preset: &'static str) -> Vec<(String, String)> {
    let pb = start_of(preset);
    let mut out = Vec::new();
    for lang in LANGS {
        for layout in FrameLayout::ALL {
            let props = FrameProps { preset, lang, layout, pb: pb.clone() };
            let html = yew::LocalServerRenderer::<FirstFrame>::with_props(props).hydratable(false).render().await;
            // The canvas layer (painted by the live lab's code) becomes the tokens in SVG.
            let tokens = TokensProps { pb: pb.clone(), orientation: layout.orientation() };
            let tokens = yew::LocalServerRenderer::<TokensFrame>::with_props(tokens).hydratable(false).render().await;
            let (from, to) = (html.find("<foreignObject").expect("the token layer"), html.find("</foreignObject>").expect("its end"));
            assert_eq!(html.matches("<foreignObject").count(), 1, "{preset}: one token layer");
            let html = format!("{}{tokens}{}", &html[..from], &html[to + "</foreignObject>".len()..]);
            let html = drop_attributes(&html);
            let html = status_on_controls(&html);
            // The picture's class, and an embed's picture box's: classes of their own, so that
            // what the browser tests wait for (`svg.pipeline`, `.embed-stage[data-orientation=…]`)
            // stays the live lab's; the stylesheet styles both alike.
            let mut html = html;
            for (live, frame) in [("pipeline", "pipeline-frame"), ("embed-stage", "embed-stage-frame")] {
                let class = format!(" class=\"{live}\"");
                let n = html.matches(&class).count();
                assert_eq!(n, usize::from(live == "pipeline" || layout.embed()), "{preset} {layout:?}: one {live}");
                html = html.replace(&class, &format!(" class=\"{frame}\""));
            }
            out.push((file_name(preset, lang, layout), html + "\n"));
        }
    }
    out
}

/// Every preset's fragments, in the presets' order.
pub fn render_all() -> Vec<(String, String)> {
    let ids: Vec<&'static str> = presets::all().iter().map(|p| p.id).collect();
    render_ids(&ids)
}

fn render_ids(ids: &[&'static str]) -> Vec<(String, String)> {
    let rt = yew::platform::Runtime::default();
    let (tx, rx) = std::sync::mpsc::channel();
    for (i, id) in ids.iter().copied().enumerate() {
        let tx = tx.clone();
        rt.spawn_pinned(move || async move {
            let _ = tx.send((i, render_preset(id).await));
        });
    }
    drop(tx);
    let mut got: Vec<(usize, Vec<(String, String)>)> = rx.iter().collect();
    assert_eq!(got.len(), ids.len(), "every preset rendered (a panic in a render is printed above)");
    got.sort_by_key(|(i, _)| *i);
    got.into_iter().flat_map(|(_, f)| f).collect()
}

/// One fragment.
pub fn render(preset: &'static str, lang: Lang, layout: FrameLayout) -> String {
    let name = file_name(preset, lang, layout);
    render_ids(&[preset]).into_iter().find(|(n, _)| *n == name).map(|(_, h)| h).expect("rendered")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::Panel;
    use std::path::Path;

    fn dir() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR)
    }

    /// The checked-in fragments are what the components draw now, one per preset, language and
    /// layout, and nothing else is in their folder. `UPDATE_EXPECT=1` rewrites them.
    #[test]
    fn first_frame_files_are_current() {
        let all = render_all();
        assert_eq!(all.len(), presets::all().len() * LANGS.len() * FrameLayout::ALL.len());
        let dir = dir();
        let update = std::env::var_os("UPDATE_EXPECT").is_some();
        if update {
            std::fs::create_dir_all(&dir).expect("create www/first-frame");
        }
        let names: std::collections::BTreeSet<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        let mut stale = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e} (run `UPDATE_EXPECT=1 cargo test -p losslab-web first_frame`)", dir.display())) {
            let name = entry.expect("dir entry").file_name().to_string_lossy().into_owned();
            if !names.contains(name.as_str()) {
                if update {
                    std::fs::remove_file(dir.join(&name)).expect("remove a stale fragment");
                } else {
                    stale.push(name);
                }
            }
        }
        assert!(stale.is_empty(), "{DIR} has files no preset draws: {stale:?}; `UPDATE_EXPECT=1 cargo test -p losslab-web first_frame` removes them");
        for (name, html) in &all {
            let path = dir.join(name);
            if update {
                if std::fs::read_to_string(&path).ok().as_deref() != Some(html.as_str()) {
                    std::fs::write(&path, html).expect("write a fragment");
                }
                continue;
            }
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                on_disk == *html,
                "{DIR}/{name} is not what the lab draws at t = 0 now (missing or stale): run `UPDATE_EXPECT=1 cargo test -p losslab-web first_frame` and commit {DIR}"
            );
        }
    }

    /// Every preset starts paused at t = 0, as the lab shows it on load before Play (a guided
    /// tour waits for the reader's prediction): the moment the fragments draw.
    #[test]
    fn first_frame_is_the_labs_start_at_zero_paused() {
        for p in presets::all() {
            let pb = start_of(p.id);
            assert_eq!((pb.cursor, pb.playing, pb.guess.is_some()), (rmq_sim::SimTime::ZERO, false, false), "{}", p.id);
        }
    }

    /// The picture is the live one under another class: the browser tests' waits for
    /// `svg.pipeline` keep waiting for the live lab, and no test id, id or label reference of the
    /// live lab's is in the fragment; no script and no stylesheet either (the page's CSP).
    #[test]
    fn first_frame_names_none_of_the_live_labs_elements() {
        for layout in FrameLayout::ALL {
            let html = render("whole-path", Lang::En, layout);
            assert_eq!(html.matches("<svg").count() - html.matches("<svg viewBox=\"-9 -9 18 18\"").count(), 1, "{layout:?}: one picture");
            assert!(html.contains(" class=\"pipeline-frame\">"), "{layout:?}: the picture's class");
            assert!(!html.contains("class=\"pipeline\"") && !html.contains("pipeline\""), "{layout:?}: not the live picture's class");
            for attr in ["data-testid=", " id=", "aria-labelledby=", "<script", "<style", "<main", "class=\"layout\"", "class=\"embed-stage\""] {
                assert!(!html.contains(attr), "{layout:?}: {attr} in the fragment");
            }
        }
    }

    /// One root element, as the interface says: `div.first-frame` with its preset, language and
    /// layout, inert and busy; a status line in its language.
    #[test]
    fn first_frame_is_one_inert_root_with_a_status() {
        let html = render("async-flush-power-loss", Lang::En, FrameLayout::EmbedCompact);
        assert!(html.starts_with("<div data-preset=\"async-flush-power-loss\" data-lang=\"en\" data-layout=\"embed-compact\" aria-busy=\"true\" inert=\"inert\" class=\"first-frame first-frame-embed\">"), "{html}");
        assert!(html.ends_with("</div>\n"));
        // The root's <div> closes at the end and not before.
        let mut depth = 0i32;
        for (i, _) in html.match_indices("<div").chain(html.match_indices("</div")).collect::<std::collections::BTreeMap<_, _>>() {
            depth += if html[i..].starts_with("</") { -1 } else { 1 };
            assert!(depth > 0 || i == html.len() - "</div>\n".len(), "a second root at {i}");
        }
        let status = format!("<p role=\"status\" class=\"first-frame-status\">{}</p></section>", t(Lang::En, Key::FrameLoading));
        assert!(html.contains(&status), "the status, last in the time controls");
        assert!(html.contains("<div data-orientation=\"compact\" class=\"embed-stage-frame\">"), "the embed's picture box");
        assert!(html.contains("class=\"time-controls\""), "the time controls, drawn disabled");
    }

    /// The stations are drawn as the lab draws them at t = 0: the master's page cache and its
    /// title, the producer's first send.
    #[test]
    fn first_frame_draws_the_stations() {
        let html = render("whole-path", Lang::En, FrameLayout::PageWide);
        for part in ["class=\"station st-master\"", ">Master broker</text>", ">page cache (memory)</text>", "SYNC send · 1 of 20 sent", ">0.000ms</span>"] {
            assert!(html.contains(part), "{part} missing");
        }
        assert!(html.contains("class=\"claim\"") && html.contains("class=\"tour panel\""), "the page's claim and tour, above the picture as in the lab");
        // Message 0, sent at t = 0, on its way out of the producer: in SVG where the lab paints its canvas.
        let token = r#"<g transform="translate(105.0 200.0)" class="token tok-flight"><circle r="8" class="body"></circle><text y="2.58" class="id">0</text></g>"#;
        assert!(html.contains(token) && !html.contains("<foreignObject") && !html.contains("<canvas"), "the tokens in SVG");
    }

    /// A Chinese fragment is in Chinese: the stations, the status, the claim (natively the
    /// Chinese is compiled in; the lab module fetches it).
    #[test]
    fn first_frame_in_chinese_is_chinese() {
        let html = render("whole-path", Lang::Zh, FrameLayout::PageTall);
        for key in [Key::StMaster, Key::RegionCache, Key::FrameLoading, Key::Play] {
            assert!(html.contains(t(Lang::Zh, key)), "{key:?} in Chinese");
        }
        for english in ["Master broker", "page cache (memory)", "Loading the lab", "Guided tour"] {
            assert!(!html.contains(english), "{english:?} in the Chinese fragment");
        }
        let claim = i18n::preset_text(Lang::Zh, presets::find("whole-path").expect("preset")).1;
        assert!(html.contains(claim) && html.contains("lang=\"zh"), "the Chinese claim, marked as Chinese");
    }

    /// The same preset, language and layout draw the same bytes (the checked-in files compare).
    #[test]
    fn first_frame_is_deterministic() {
        let a = render("v5-controller-failover-all-ack", Lang::Zh, FrameLayout::EmbedTall);
        let b = render("v5-controller-failover-all-ack", Lang::Zh, FrameLayout::EmbedTall);
        assert_eq!(a, b);
    }

    /// An embed's frame ends where the live embed does (issue 23: the text under an embedded lab
    /// stayed put only down to the time controls): under the picture box, the row of side panels
    /// (guided tour, faults, inspector, presets with the version selector; the whole summary too in
    /// a wide embed), the event log and the configuration, in the live embed's order, each as the
    /// lab draws it at t = 0; in a docs column or narrower the summary is the line under Play and
    /// the presets a drop-down, as live. All of them: the loader takes out the hidden ones.
    #[test]
    fn first_frame_embed_draws_every_panel_the_live_embed_does() {
        for layout in [FrameLayout::EmbedWide, FrameLayout::EmbedCompact, FrameLayout::EmbedTall] {
            let html = render("whole-path", Lang::En, layout);
            let wide = layout == FrameLayout::EmbedWide;
            let at = |part: &str| html.find(part).unwrap_or_else(|| panic!("{layout:?}: {part} missing"));
            let stage = at("class=\"embed-stage-frame\"");
            let side = at("<div class=\"embed-side\">");
            let summary = if wide { "class=\"panel summary\"" } else { "class=\"summary summary-compact\"" };
            let presets = if wide { "class=\"panel presets\"" } else { "class=\"panel presets presets-compact\"" };
            let order = [
                stage,
                at("class=\"time-controls\""),
                at("class=\"tour panel\""),
                at("class=\"panel fault-panel\""),
                at("class=\"panel inspector\""),
                at(presets),
                at("class=\"version-picker\""),
                at("class=\"panel event-log\""),
                at("class=\"panel config\""),
            ];
            assert!(order.windows(2).all(|w| w[0] < w[1]), "{layout:?}: the live embed's order {order:?}");
            // The summary: the line under Play in the picture box, or the panel among the side panels.
            let s = at(summary);
            assert!(if wide { s > side } else { stage < s && s < side }, "{layout:?}: the summary where the live embed draws it");
            assert_eq!(html.matches("class=\"embed-side\"").count(), 1, "{layout:?}: one row of side panels");
            // At t = 0: the tour's question, the log of what happened at t = 0, the scenario's text.
            assert!(html.contains("class=\"tour-question\""), "{layout:?}: the tour asks first");
            assert!(html.contains("class=\"log-view\"") && html.contains("class=\"row send\""), "{layout:?}: the log's first rows");
            let toml = rmq_sim::scenario::parse::scenario_to_toml(&start_of("whole-path").run.timeline.scenario);
            let first_line = toml.lines().next().expect("a line");
            assert!(html.contains(&format!("<textarea spellcheck=\"false\" rows=\"14\" class=\"toml\">{first_line}")), "{layout:?}: the scenario's text");
            assert!(!html.contains(" for=\""), "{layout:?}: no label points at a live lab's field");
        }
    }

    /// The attributes that name the live lab's elements go, from tags only, wherever they sit.
    #[test]
    fn first_frame_drops_ids_and_test_ids_from_tags_only() {
        let html = r#"<g id="a" data-testid="b" title="x > id=y"><text data-x="1" aria-labelledby="c">say id="d" here</text><label for="e" data-for="f">g</label></g>"#;
        assert_eq!(drop_attributes(html), r#"<g title="x > id=y"><text data-x="1">say id="d" here</text><label data-for="f">g</label></g>"#);
    }

    /// The page's loader (`www/first-frame.mjs`) picks a fragment with rules it mirrors from the
    /// lab; a drift would show a wrong frame at some widths or for some options, which the
    /// browser tests only sample. Each mirrored value must equal the lab's own.
    #[test]
    fn first_frame_loader_mirrors_the_labs_constants() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/first-frame.mjs");
        let js = std::fs::read_to_string(&path).expect("www/first-frame.mjs");
        // `export const NAME = value;` or `const NAME = value;`, the value's text.
        let value = |name: &str| -> String {
            let line = js.lines().find(|l| l.trim_start().trim_start_matches("export ").starts_with(&format!("const {name} =")));
            let line = line.unwrap_or_else(|| panic!("www/first-frame.mjs has no `const {name} = …;`"));
            line.split_once('=').expect("=").1.trim().trim_end_matches(';').trim().to_string()
        };
        let number = |name: &str| -> f64 { value(name).parse().unwrap_or_else(|e| panic!("{name}: {e}")) };
        assert_eq!(value("DEFAULT_PRESET"), format!("'{}'", crate::DEFAULT_PRESET), "DEFAULT_PRESET differs from src/lib.rs");
        assert_eq!(number("TALL_BELOW_PX"), crate::app::TALL_BELOW_PX, "TALL_BELOW_PX differs from src/app.rs");
        assert_eq!(number("EMBED_WIDE_FROM_PX"), crate::embed::EMBED_WIDE_FROM_PX, "EMBED_WIDE_FROM_PX differs from src/embed.rs");
        assert_eq!(number("EMBED_COMPACT_FROM_PX"), crate::embed::EMBED_COMPACT_FROM_PX, "EMBED_COMPACT_FROM_PX differs from src/embed.rs");
        // The fragments' names, as `file_name` writes them.
        assert!(js.contains("first-frame/${preset}.${lang}.${layout}.html") && DIR == "www/first-frame", "the fragment's URL differs from file_name()");
        assert_eq!(file_name("p", Lang::Zh, FrameLayout::EmbedTall), "p.zh.embed-tall.html");
        for layout in FrameLayout::ALL {
            assert!(js.contains(&format!("'{}'", layout.name())), "layout {:?} ('{}') is not in www/first-frame.mjs", layout, layout.name());
        }
        // The panels the frame draws (hiding one changes the frame, so the loader draws none):
        // read from the fragments themselves, every layout of a preset with a guided tour.
        let panel_class = |p: Panel| match p {
            Panel::Log => "event-log",
            Panel::Config => "config",
            Panel::Summary => "summary",
            Panel::Inspector => "inspector",
            Panel::Faults => "fault-panel",
            Panel::Presets => "presets",
            Panel::Tour => "tour",
        };
        let all = render_ids(&[crate::DEFAULT_PRESET]);
        assert!(presets::load(crate::DEFAULT_PRESET).is_some_and(|sc| sc.tour.is_some()), "the default preset has a tour");
        let drawn = |embed: bool| -> Vec<&'static str> {
            let mut drawn: Vec<&str> = Panel::ALL
                .into_iter()
                .filter(|p| {
                    all.iter().filter(|(name, _)| name.contains(".embed-") == embed).any(|(_, html)| {
                        html.split("<section").skip(1).any(|tag| {
                            let tag = &tag[..tag.find('>').unwrap_or(0)];
                            tag.split("class=\"").nth(1).and_then(|c| c.split('"').next()).is_some_and(|c| c.split(' ').any(|c| c == panel_class(*p)))
                        })
                    })
                })
                .map(|p| p.name())
                .collect();
            drawn.sort();
            drawn
        };
        // The page's frame: a page hiding one of its panels has no frame.
        let mut mirrored: Vec<String> = value("IN_PAGE_FRAME").trim_matches(|c| c == '[' || c == ']').split(',').map(|s| s.trim().trim_matches('\'').to_string()).filter(|s| !s.is_empty()).collect();
        mirrored.sort();
        assert_eq!(mirrored, drawn(false), "IN_PAGE_FRAME in www/first-frame.mjs: the panels the page frame draws");
        // The embed's frame draws them all; the loader takes out the hidden ones by their class.
        let classes: std::collections::BTreeMap<String, String> = value("EMBED_PANEL_CLASS")
            .trim_matches(|c| c == '{' || c == '}')
            .split(',')
            .map(|kv| {
                let (k, v) = kv.split_once(':').expect("name: 'class'");
                (k.trim().to_string(), v.trim().trim_matches('\'').to_string())
            })
            .collect();
        let lab: std::collections::BTreeMap<String, String> = Panel::ALL.into_iter().map(|p| (p.name().to_string(), panel_class(p).to_string())).collect();
        assert_eq!(classes, lab, "EMBED_PANEL_CLASS in www/first-frame.mjs: every panel, by its section's class");
        let mut every: Vec<&str> = Panel::ALL.into_iter().map(|p| p.name()).collect();
        every.sort();
        assert_eq!(drawn(true), every, "the embed's frame draws every panel");
    }
}
