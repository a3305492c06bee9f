//! Any argument list (NUL-separated bytes, so non-UTF-8 arguments too) through `losslab`'s
//! command-line parser (sim/src/bin/losslab/args.rs, compiled in here): no panic; a refusal is a
//! message; the same arguments parse the same way.
#![no_main]
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../sim/src/bin/losslab/args.rs"]
mod args;

fuzz_target!(|data: &[u8]| {
    let argv = || data.split(|&b| b == 0).map(|a| OsString::from_vec(a.to_vec()));
    let first = args::parse(argv());
    match &first {
        Err(msg) => assert!(!msg.trim().is_empty()),
        Ok(args::Command::Run { file, preset, .. }) => assert!(file.is_some() != preset.is_some()),
        Ok(args::Command::Sweep { set, .. }) => {
            for (i, (flag, _)) in set.iter().enumerate() {
                assert!(set[..i].iter().all(|(f, _)| f != flag), "--{flag} given twice was accepted");
            }
        }
        Ok(_) => {}
    }
    assert_eq!(first, args::parse(argv()), "deterministic");
});
