//! Any text as a scenario file: no panic; a refusal names a field and a line inside the text;
//! an accepted scenario writes back to TOML that parses to the same scenario.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmq_sim::scenario::parse::{parse_scenario, scenario_to_toml};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_scenario(text) {
        Err(e) => {
            assert!(!e.field.is_empty() && !e.reason.is_empty(), "{e:?}");
            if let Some(line) = e.line {
                assert!(line >= 1 && line <= text.split('\n').count(), "{e:?}");
            }
        }
        Ok(sc) => assert_eq!(parse_scenario(&scenario_to_toml(&sc)).as_ref(), Ok(&sc)),
    }
});
