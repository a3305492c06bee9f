//! Browser tests: mount the app into a div in headless Chromium, drive it through its own
//! buttons, and read the DOM. Run with
//! `CARGO_TARGET_DIR=/work/target-web cargo test --target wasm32-unknown-unknown -p losslab-web`.
//! (Natively this file compiles to nothing: the app needs a DOM.)
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> web_sys::Document {
    web_sys::window().expect("window").document().expect("document")
}

/// Mounts a fresh app in English; the URL is reset first, since the app writes the loaded preset into it.
async fn mount() -> Element {
    mount_with("?lang=en").await
}

/// Mounts a fresh app with `query` as the page's query string.
async fn mount_with(query: &str) -> Element {
    // The page fetches the Chinese text (losslab-zh.txt, tests/e2e/lang_load.test.mjs); this test
    // page has no such file, so it gets the compiled-in text before the lab starts.
    losslab_web::i18n::install_builtin_zh();
    let history = web_sys::window().expect("window").history().expect("history");
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(query)).expect("url");
    let root = doc().create_element("div").expect("div");
    doc().body().expect("body").append_child(&root).expect("append");
    yew::Renderer::<losslab_web::App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    root
}

fn q(root: &Element, sel: &str) -> Element {
    root.query_selector(sel).ok().flatten().unwrap_or_else(|| panic!("no element {sel}"))
}

fn text(root: &Element, sel: &str) -> String {
    q(root, sel).text_content().unwrap_or_default()
}

/// Clicks any element (SVG ones too) with a bubbling click, as Yew delegates events to its root.
async fn click(root: &Element, sel: &str) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).expect("event");
    q(root, sel).dispatch_event(&ev).expect("dispatch");
    yew::scheduler::flush().await;
}

/// Seeks through the scrub bar, as a user dragging it would.
async fn seek_ms(root: &Element, ms: u64) {
    let input: HtmlInputElement = q(root, "[data-testid=scrub]").dyn_into().expect("input");
    input.set_value(&ms.to_string());
    let ev = web_sys::InputEvent::new("input").expect("event");
    input.dispatch_event(&ev).expect("dispatch");
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn a_power_cut_shows_broken_promises_and_explains_a_lost_message() {
    // The ASYNC_FLUSH power cut (no longer the default preset since whole-path, issue 24 item 2).
    let root = mount_with("?lang=en&preset=async-flush-power-loss").await;
    assert!(text(&root, "[data-testid=scenario-name]").contains("ASYNC_FLUSH"));
    click(&root, "[data-testid=step]").await;
    assert_ne!(text(&root, "[data-testid=clock]"), "0µs");
    seek_ms(&root, 3_500).await;
    assert_eq!(text(&root, "[data-testid=clock]"), "3.500s");
    assert!(text(&root, "[data-testid=broken]").starts_with("49"), "{}", text(&root, "[data-testid=broken]"));
    click(&root, ".token-list .tok-lost").await;
    let explain = text(&root, "[data-testid=explain]");
    assert!(explain.contains("lost power"), "{explain}");
    assert!(text(&root, "[data-testid=inspector]").contains("LOST_AFTER_ACK"));
    click(&root, ".lang button[data-lang=zh]").await;
    let zh = text(&root, "[data-testid=explain]");
    assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "the core's Chinese cause: {zh}");
    root.remove();
}

#[wasm_bindgen_test]
async fn sync_flush_preset_loses_nothing_acknowledged() {
    let root = mount().await;
    click(&root, "[data-preset=sync-flush-power-loss]").await;
    assert!(text(&root, "[data-testid=scenario-name]").contains("SYNC_FLUSH"));
    seek_ms(&root, 10_000_000).await;
    assert!(text(&root, "[data-testid=broken]").starts_with("0"));
    assert!(root.query_selector(".token-list .tok-lost").ok().flatten().is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn a_power_cut_injected_during_playback_is_on_the_timeline() {
    let root = mount().await;
    click(&root, "[data-preset=defaults]").await;
    seek_ms(&root, 1_000).await;
    click(&root, "[data-fault=POWER_LOSS-master]").await;
    assert_eq!(text(&root, "[data-testid=clock]"), "1.000s");
    assert_eq!(root.query_selector_all(".fault-mark").expect("marks").length(), 1);
    seek_ms(&root, 10_000_000).await;
    let log = text(&root, "[data-testid=log-view]");
    assert!(log.contains("run ended"), "the log follows the playhead to the end");
    root.remove();
}

#[wasm_bindgen_test]
async fn an_invalid_field_is_named_inline_and_keeps_what_was_typed() {
    let root = mount().await;
    let input: HtmlInputElement = q(&root, "#cfg-broker-syncFlushTimeout").dyn_into().expect("input");
    input.set_value("5 parsecs");
    input.dispatch_event(&web_sys::InputEvent::new("input").expect("event")).expect("dispatch");
    yew::scheduler::flush().await;
    let field = text(&root, ".field.invalid");
    assert!(field.contains("broker.syncFlushTimeout"), "{field}");
    let input: HtmlInputElement = q(&root, "#cfg-broker-syncFlushTimeout").dyn_into().expect("input");
    assert_eq!(input.value(), "5 parsecs");
    let apply: web_sys::HtmlButtonElement = q(&root, "[data-testid=apply]").dyn_into().expect("button");
    assert!(apply.disabled());
    root.remove();
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[wasm_bindgen_test]
async fn chinese_from_the_url_then_english_from_the_switch() {
    let root = mount_with("?lang=zh").await;
    assert_eq!(text(&root, "#summary-h"), "汇总");
    assert_eq!(text(&root, "#log-h"), "事件日志（英文原文）");
    assert_eq!(text(&root, "[data-testid=play]"), "▶ 播放");
    assert!(text(&root, "[data-fault=POWER_LOSS-master]").starts_with("主节点断电"));
    assert!(text(&root, "[data-preset=sync-flush-power-loss]").contains("同步刷盘"));
    assert!(text(&root, ".claim").contains("SEND_OK"), "identifiers stay as they are");
    let headings = root.query_selector_all("h2").expect("h2");
    for i in 0..headings.length() {
        let h = headings.item(i).and_then(|n| n.text_content()).unwrap_or_default();
        assert!(has_cjk(&h), "heading without Chinese: {h}");
    }
    let html = doc().document_element().expect("html");
    assert_eq!(html.get_attribute("lang").as_deref(), Some("zh-CN"));
    let search = web_sys::window().expect("window").location().search().expect("search");
    assert!(search.contains("lang=zh") && search.contains("preset="), "{search}");
    click(&root, ".lang button[data-lang=en]").await;
    assert_eq!(text(&root, "#summary-h"), "Summary");
    assert_eq!(text(&root, "[data-testid=play]"), "▶ Play");
    assert_eq!(html.get_attribute("lang").as_deref(), Some("en"));
    let search = web_sys::window().expect("window").location().search().expect("search");
    assert!(search.contains("lang=en") && search.contains("preset="), "{search}");
    root.remove();
}
