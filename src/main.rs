//! Trunk entry point: mounts the app on the page body.

fn main() {
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<losslab_web::App>::new().render();
}
