//! The browser's window where there is one. Imported JS calls (`web_sys::window()` among them)
//! panic outside wasm, and a component's render path (its hook initialisers, which server-side
//! rendering runs; effects it does not) is also run natively to draw the lab's first frame ahead
//! of time (`src/first_frame.rs`, issue 23): code on that path asks here, and natively gets
//! `None`, the answer a page without a window would give.

/// `web_sys::window()` in the browser; `None` natively.
pub fn window() -> Option<web_sys::Window> {
    if cfg!(target_arch = "wasm32") {
        web_sys::window()
    } else {
        None
    }
}
