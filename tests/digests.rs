//! The `defaults` preset's event-log digest must be the same natively and in the browser: the
//! constant lives in `losslab_web::DEFAULTS_DIGEST`, and this test runs on both platforms
//! (natively with `cargo test`, in headless Chromium with `--target wasm32-unknown-unknown`).

use losslab_web::DEFAULTS_DIGEST;
use rmq_sim::report::digest;
use rmq_sim::scenario::presets;
use rmq_sim::Sim;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[test]
fn defaults_digest_matches_the_shared_constant() {
    let scenario = presets::load("defaults").expect("the defaults preset parses");
    let mut sim = Sim::new(&scenario);
    sim.run();
    assert_eq!(digest(sim.events()), DEFAULTS_DIGEST, "seed {}: rerun with `cargo test --test digests`", scenario.seed);
}
