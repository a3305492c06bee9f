//! Browser tests of share links and embedding: a broken `#run=` link shows its banner and the
//! default scenario; a link mounted through the same props `mount_lab` uses reproduces the run's
//! digest and playhead (the browser's digest equals the native one); embed mode hides the chrome.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use losslab_web::app::{App, AppProps};
use losslab_web::playback::{Action, Playback};
use losslab_web::share::{self, LabOptions, ViewOpts};
use rmq_sim::scenario::{presets, Fault, FaultKind, FaultTarget};
use rmq_sim::SimTime;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> web_sys::Document {
    web_sys::window().expect("window").document().expect("document")
}

async fn mount_at(url: &str, options: Option<LabOptions>) -> Element {
    let history = web_sys::window().expect("window").history().expect("history");
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url)).expect("url");
    let root = doc().create_element("div").expect("div");
    doc().body().expect("body").append_child(&root).expect("append");
    let props = AppProps { options: options.map(Rc::new) };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    root
}

fn text(root: &Element, sel: &str) -> String {
    root.query_selector(sel).ok().flatten().unwrap_or_else(|| panic!("no element {sel}")).text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_truncated_link_shows_a_banner_and_the_default_scenario() {
    let root = mount_at("?#run=v1.eNqrVkrOz0nNTc0rUbJSMjIwMDY", None).await;
    let banner = text(&root, "[data-testid=link-banner]");
    assert!(banner.contains("could not be opened") && banner.contains("damaged"), "{banner}");
    let default = rmq_sim::scenario::presets::find(losslab_web::DEFAULT_PRESET).expect("the default preset");
    assert_eq!(text(&root, "[data-testid=scenario-name]"), default.title, "the default scenario is shown");
    let scrub: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::dyn_into(root.query_selector("[data-testid=scrub]").ok().flatten().expect("scrub")).expect("input");
    assert_eq!(scrub.value(), "0", "the playhead starts at 0");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_script_carrying_link_is_refused() {
    let root = mount_at("?#run=v1.%3Cscript%3Ealert(1)%3C%2Fscript%3E", None).await;
    assert!(text(&root, "[data-testid=link-banner]").contains("script"));
    assert!(root.query_selector("script").ok().flatten().is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn a_link_with_an_injected_fault_reproduces_digest_and_playhead() {
    let cut = Fault { at: SimTime::ZERO, kind: FaultKind::PowerLoss, target: FaultTarget::Master, duration: None, factor: 10 };
    let p = Playback::new(presets::load("defaults").expect("preset"))
        .apply(Action::Seek(SimTime::from_ms(1_000)))
        .apply(Action::Step)
        .apply(Action::Inject(cut))
        .apply(Action::Seek(SimTime::from_ms(2_500)));
    let body = share::encode_run(&p.run.timeline, p.cursor, &ViewOpts::default());
    let opts = LabOptions { embed: false, run: Some(body), ..LabOptions::default() };
    let root = mount_at("?", Some(opts)).await;
    let share = root.query_selector("[data-testid=share]").ok().flatten().expect("share bar");
    assert_eq!(share.get_attribute("data-digest").as_deref(), Some(p.run.report.event_log_digest.as_str()));
    assert_eq!(text(&root, "[data-testid=clock]"), "2.500s");
    assert!(root.query_selector("[data-testid=link-banner]").ok().flatten().is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn embed_mode_has_no_page_chrome_and_honours_lock_and_hide() {
    let root = mount_at("?embed=1&preset=max-reconsume-3&lock=1&hide=log,summary&caption=Retries", None).await;
    assert!(root.query_selector("header.top").ok().flatten().is_none());
    assert_eq!(text(&root, "[data-testid=caption]"), "Retries");
    for gone in [".presets", ".config", ".event-log", "[data-testid=summary]"] {
        assert!(root.query_selector(gone).ok().flatten().is_none(), "{gone} is hidden");
    }
    assert!(root.query_selector("svg.pipeline").ok().flatten().is_some());
    assert!(root.query_selector("[data-testid=play]").ok().flatten().is_some());
    root.remove();
}
