//! Trunk entry point: mounts the app on the page body.

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
