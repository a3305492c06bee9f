//! Downloads of the run: the core's three exports (`rmq_sim::export`: event log as JSON Lines,
//! Jepsen-style history, per-message CSV — the same bytes as `losslab run --export`) and the
//! diagram as SVG (computed styles inlined, so it looks the same outside the page) and PNG.
//!
//! The three exports are written by the extras module (issue 23: `rmq_sim::export` and the event
//! serializer are not in the lab module): the run crosses as its link body and is replayed there to
//! the same log ([`crate::extras_host::export_run`]). The first click fetches the module, the group
//! says so meanwhile; the pictures are drawn here from the page's own diagram.

use rmq_sim::export::Format;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, Element, HtmlAnchorElement, HtmlCanvasElement, HtmlImageElement, Url};
use yew::prelude::*;

use crate::i18n::{t, Key, Lang};
use crate::playback::Playback;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub pb: Playback,
    /// The lab's base URL, where the extras module is.
    pub base: AttrValue,
}

/// Where an export asked of the extras module is.
#[derive(Clone, PartialEq)]
enum Export {
    Idle,
    Loading,
    Failed(String),
}

/// `Book recommendation: …` → `book-recommendation`.
fn slug(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let parts: Vec<&str> = s.split('-').filter(|p| !p.is_empty()).take(6).collect();
    if parts.is_empty() { "run".into() } else { parts.join("-") }
}

fn click_link(href: &str, file: &str) -> Option<()> {
    let doc = web_sys::window()?.document()?;
    let a: HtmlAnchorElement = doc.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(href);
    a.set_download(file);
    a.set_attribute("hidden", "").ok()?;
    doc.body()?.append_child(&a).ok()?;
    a.click();
    a.remove();
    Some(())
}

/// Saves `text` as `file` through a blob URL.
fn save_text(text: &str, mime: &str, file: &str) -> Option<()> {
    let opts = BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&JsValue::from_str(text)), &opts).ok()?;
    let url = Url::create_object_url_with_blob(&blob).ok()?;
    click_link(&url, file);
    // Revoked on a later turn, once the download has started.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Some(())
}

/// Presentation properties copied from the page's stylesheet onto each SVG element.
const STYLE_PROPS: [&str; 14] = [
    "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity", "opacity",
    "font-family", "font-size", "font-weight", "text-anchor", "dominant-baseline", "visibility", "display",
];

/// The lab's diagram as a standalone SVG document, with its size.
fn diagram_svg(from: &Element) -> Option<(String, f64, f64)> {
    let root = from.closest(".app").ok().flatten()?;
    let svg = root.query_selector("svg.pipeline").ok().flatten()?;
    let window = web_sys::window()?;
    let copy: Element = svg.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    let (orig, dup) = (svg.query_selector_all("*").ok()?, copy.query_selector_all("*").ok()?);
    let style_of = |el: &Element| -> String {
        let Ok(Some(cs)) = window.get_computed_style(el) else { return String::new() };
        STYLE_PROPS.iter().filter_map(|p| cs.get_property_value(p).ok().filter(|v| !v.is_empty()).map(|v| format!("{p}:{v};"))).collect()
    };
    let _ = copy.set_attribute("style", &style_of(&svg));
    for i in 0..orig.length().min(dup.length()) {
        if let (Some(o), Some(d)) = (orig.item(i), dup.item(i)) {
            if let (Ok(o), Ok(d)) = (o.dyn_into::<Element>(), d.dyn_into::<Element>()) {
                let _ = d.set_attribute("style", &style_of(&o));
            }
        }
    }
    // The tokens are drawn on a canvas (components::token_canvas): the copy carries that picture.
    if let (Some(fo), Some(canvas)) = (
        copy.query_selector("foreignObject.token-layer").ok().flatten(),
        svg.query_selector("canvas.token-canvas").ok().flatten().and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok()),
    ) {
        let img = window.document()?.create_element_ns(Some("http://www.w3.org/2000/svg"), "image").ok()?;
        for a in ["x", "y", "width", "height"] {
            let _ = img.set_attribute(a, &fo.get_attribute(a).unwrap_or_default());
        }
        let _ = img.set_attribute("href", &canvas.to_data_url().ok()?);
        let _ = fo.parent_node()?.replace_child(&img, &fo);
    }
    let vb: Vec<f64> = svg.get_attribute("viewBox")?.split_whitespace().filter_map(|v| v.parse().ok()).collect();
    let (w, h) = (*vb.get(2)?, *vb.get(3)?);
    let _ = copy.set_attribute("xmlns", "http://www.w3.org/2000/svg");
    let _ = copy.set_attribute("width", &w.to_string());
    let _ = copy.set_attribute("height", &h.to_string());
    Some((copy.outer_html(), w, h))
}

/// Draws the SVG on a canvas (2× for sharpness, on the page's background) and saves a PNG.
fn save_png(svg: String, w: f64, h: f64, file: String) -> Option<()> {
    let doc = web_sys::window()?.document()?;
    let img = HtmlImageElement::new().ok()?;
    let bg = doc
        .body()
        .and_then(|b| web_sys::window()?.get_computed_style(&b).ok().flatten())
        .and_then(|cs| cs.get_property_value("background-color").ok())
        .filter(|c| !c.is_empty() && c != "rgba(0, 0, 0, 0)")
        .unwrap_or_else(|| "#ffffff".into());
    let img2 = img.clone();
    let onload = Closure::once(move || {
        let draw = || -> Option<()> {
            let canvas: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
            canvas.set_width((w * 2.0) as u32);
            canvas.set_height((h * 2.0) as u32);
            let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
            ctx.set_fill_style_str(&bg);
            ctx.fill_rect(0.0, 0.0, w * 2.0, h * 2.0);
            ctx.draw_image_with_html_image_element_and_dw_and_dh(&img2, 0.0, 0.0, w * 2.0, h * 2.0).ok()?;
            click_link(&canvas.to_data_url_with_type("image/png").ok()?, &file)
        };
        draw();
    });
    img.set_onload(Some(onload.as_ref().unchecked_ref()));
    onload.forget();
    img.set_src(&format!("data:image/svg+xml;charset=utf-8,{}", js_sys::encode_uri_component(&svg)));
    Some(())
}

#[function_component(Downloads)]
pub fn downloads(p: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let sc = &p.pb.run.timeline.scenario;
    let stem = format!("losslab-{}-seed{}", slug(&sc.name), sc.seed);
    let state = use_state(|| Export::Idle);
    let export = |f: Format, mime: &'static str| {
        let (run, file, base, state) = (p.pb.run.clone(), format!("{stem}.{}", f.extension()), p.base.clone(), state.clone());
        Callback::from(move |_: MouseEvent| {
            let body = crate::share::encode_run(&run.timeline, rmq_sim::SimTime::ZERO, &Default::default());
            state.set(Export::Loading);
            let (state, file) = (state.clone(), file.clone());
            let done = Callback::from(move |r: Result<String, String>| match r {
                Ok(text) => {
                    state.set(Export::Idle);
                    save_text(&text, mime, &file);
                }
                Err(why) => state.set(Export::Failed(why)),
            });
            crate::extras::call_extras(&base, "export_run", vec![body, f.name().to_string()], done);
        })
    };
    let picture = |png: bool| {
        let file = format!("{stem}.diagram.{}", if png { "png" } else { "svg" });
        Callback::from(move |e: MouseEvent| {
            let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
            let Some((svg, w, h)) = diagram_svg(&el) else { return };
            if png {
                save_png(svg, w, h, file.clone());
            } else {
                save_text(&svg, "image/svg+xml", &file);
            }
        })
    };
    html! {
        <div class="downloads" role="group" aria-label={t(lang, Key::DownloadsLabel)} data-testid="downloads">
            <span class="dl-label">{t(lang, Key::DownloadsLabel)}</span>
            <button class="small" onclick={export(Format::Jsonl, "application/x-ndjson")} data-testid="dl-jsonl" title={t(lang, Key::DlJsonlTitle)}>{"events.jsonl"}</button>
            <button class="small" onclick={export(Format::History, "application/x-ndjson")} data-testid="dl-history" title={t(lang, Key::DlHistoryTitle)}>{"history.jsonl"}</button>
            <button class="small" onclick={export(Format::Csv, "text/csv")} data-testid="dl-csv" title={t(lang, Key::DlCsvTitle)}>{"messages.csv"}</button>
            <button class="small" onclick={picture(false)} data-testid="dl-svg" title={t(lang, Key::DlSvgTitle)}>{"diagram.svg"}</button>
            <button class="small" onclick={picture(true)} data-testid="dl-png" title={t(lang, Key::DlPngTitle)}>{"diagram.png"}</button>
            if *state == Export::Loading { <span class="extra-loading" role="status" data-testid="extra-loading">{t(lang, Key::ExtraLoading)}</span> }
            if let Export::Failed(why) = &*state { <span class="extra-failed" role="alert" data-testid="extra-failed">{t(lang, Key::ExtraFailed)}{why.clone()}</span> }
        </div>
    }
}
