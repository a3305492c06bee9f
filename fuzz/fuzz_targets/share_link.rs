//! Any text as a share-link body (`v1.…`), and any bytes as the link's inflated payload (so the
//! fuzzer reaches the JSON reader and the scenario parser behind the checksum): no panic; a
//! refusal is on the field `link…`; an accepted link is a valid run whose playhead lies inside it.
#![no_main]
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use rmq_sim::scenario::link::decode;

fn check(text: &str) {
    match decode(text) {
        Err(e) => assert!(e.field.starts_with("link"), "{e:?}"),
        Ok(link) => assert!(link.playhead <= link.scenario.until),
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check(text);
    }
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(data, 1);
    check(&format!("v1.{}", URL_SAFE_NO_PAD.encode(packed)));
});
