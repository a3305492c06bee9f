//! Trunk entry point of the lab module (`losslab-web.js` / `losslab-web_bg.wasm`): mounts the app
//! on the page body, and exports `mount_lab` for the ES module `losslab.mjs`. Nothing else is
//! exported from here: the JS API, the settings sweep, the comparison views and the benchmarks are
//! in the extras module (`src/extras_main.rs`), which the lab fetches on first use
//! ([`losslab_web::extras`]), so a page that only shows a lab loads only the lab.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

fn main() {
    // The ES module `losslab.mjs` loads this same wasm and mounts labs itself (`mount_lab`).
    #[cfg(target_arch = "wasm32")]
    if !losslab_web::embed::autostart_disabled() {
        losslab_web::embed::remove_boot_message();
        yew::Renderer::<losslab_web::App>::new().render();
        // After the first render (Yew sets its console hook then): a panic also shows a panel.
        losslab_web::panic_panel::install();
    }
}

/// Mounts a lab into `element` (see [`losslab_web::mount::mount_lab`]).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn mount_lab(element: web_sys::Element, options: JsValue) {
    losslab_web::mount::mount_lab(element, options);
}
