//! A panic in the wasm shows a readable error panel instead of a blank or frozen page.
//!
//! [`install`] sets a `std::panic` hook (once per page; `main` and `mount_lab` call it after Yew's
//! first render, which installs Yew's console hook: that one still runs first). On a panic it puts
//! a panel on the page: what happened in one
//! sentence, and a read-only text with the panic message, its location, the page address and
//! the browser, selected so that Ctrl+C copies it for a bug report (and a Copy button). The panel
//! is built with DOM calls and `textContent`, never markup, so a message carrying `<…>` stays
//! text. The release build aborts after the hook; the panel is already drawn by then.

/// The text to paste into a bug report.
pub fn report_text(message: &str, location: Option<&str>, page: &str, agent: &str) -> String {
    let mut s = String::from("losslab crashed (a bug in the lab, not in your scenario)\n");
    s.push_str(&format!("panic: {message}\n"));
    if let Some(l) = location {
        s.push_str(&format!("at: {l}\n"));
    }
    s.push_str(&format!("version: {}\n", env!("CARGO_PKG_VERSION")));
    s.push_str(&format!("page: {page}\n"));
    s.push_str(&format!("browser: {agent}\n"));
    s
}

/// The panic's message, from its payload.
pub fn payload_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string())
}

/// Installs the panic hook (idempotent).
pub fn install() {
    #[cfg(target_arch = "wasm32")]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            // Yew installs `console_error_panic_hook` when it first renders; keep it (the
            // console message with its stack) and draw the panel after it.
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                previous(info);
                let message = payload_message(info.payload());
                let location = info.location().map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                let w = web_sys::window();
                let page = w.as_ref().and_then(|w| w.location().href().ok()).unwrap_or_default();
                let agent = w.as_ref().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default();
                let text = report_text(&message, location.as_deref(), &page, &agent);
                show(&text);
            }));
        });
    }
}

/// Draws the panel (once; a second panic only logs).
#[cfg(target_arch = "wasm32")]
fn show(text: &str) {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if doc.get_element_by_id("losslab-panic").is_some() {
        return;
    }
    let Some(body) = doc.body() else { return };
    let el = |tag: &str| doc.create_element(tag).ok();
    let (Some(panel), Some(h), Some(p), Some(area), Some(button)) = (el("section"), el("h2"), el("p"), el("textarea"), el("button")) else {
        return;
    };
    let _ = panel.set_attribute("id", "losslab-panic");
    let _ = panel.set_attribute("class", "panic-panel");
    let _ = panel.set_attribute("role", "alert");
    let _ = panel.set_attribute("data-testid", "panic-panel");
    h.set_text_content(Some("The lab stopped because of an internal error"));
    p.set_text_content(Some(
        "This is a bug in the lab, not in your scenario. Reload the page to start again. To report it, copy the text below \
         (it is selected: press Ctrl+C) into a bug report, with the link you opened.",
    ));
    area.set_text_content(Some(text));
    let _ = area.set_attribute("readonly", "");
    let _ = area.set_attribute("rows", "8");
    let _ = area.set_attribute("aria-label", "Error report");
    let _ = area.set_attribute("data-testid", "panic-report");
    button.set_text_content(Some("Copy report"));
    let _ = button.set_attribute("type", "button");
    let copy = text.to_string();
    let on_click = Closure::<dyn Fn()>::new(move || {
        use js_sys::{Function, Reflect};
        let clip = web_sys::window()
            .and_then(|w| Reflect::get(&w, &"navigator".into()).ok())
            .and_then(|n| Reflect::get(&n, &"clipboard".into()).ok())
            .filter(|c| c.is_object());
        if let Some(c) = clip {
            if let Some(f) = Reflect::get(&c, &"writeText".into()).ok().and_then(|f| f.dyn_into::<Function>().ok()) {
                let _ = f.call1(&c, &JsValue::from_str(&copy));
            }
        }
    });
    let _ = button.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
    for child in [&h, &p, &area, &button] {
        let _ = panel.append_child(child);
    }
    let _ = body.insert_before(&panel, body.first_child().as_ref());
    if let Some(a) = area.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        a.select();
    }
}

/// Panics on purpose, for the end-to-end test of the panel (`window.wasmBindings.losslab_test_panic`).
/// Harmless to leave exported: it can only crash the page of whoever calls it from the console.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen::prelude::wasm_bindgen)]
pub fn losslab_test_panic(message: String) {
    panic!("{message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_names_the_panic_its_place_the_page_and_the_browser() {
        let r = report_text("index out of bounds", Some("sim/src/x.rs:1:2"), "http://h/?preset=a#run=v1.x", "Chromium");
        assert!(r.contains("panic: index out of bounds\n"), "{r}");
        assert!(r.contains("at: sim/src/x.rs:1:2\n"), "{r}");
        assert!(r.contains("page: http://h/?preset=a#run=v1.x\n"), "{r}");
        assert!(r.contains("browser: Chromium\n"), "{r}");
        assert!(r.contains(&format!("version: {}", env!("CARGO_PKG_VERSION"))), "{r}");
    }

    #[test]
    fn the_message_comes_from_either_payload_type() {
        let a: Box<dyn std::any::Any + Send> = Box::new("static");
        let b: Box<dyn std::any::Any + Send> = Box::new(String::from("owned"));
        let c: Box<dyn std::any::Any + Send> = Box::new(7u8);
        assert_eq!(payload_message(a.as_ref()), "static");
        assert_eq!(payload_message(b.as_ref()), "owned");
        assert_eq!(payload_message(c.as_ref()), "(no message)");
    }
}
