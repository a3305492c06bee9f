//! Any text as a master's broker.conf: no panic; every refusal names a key (or `line`) and its line.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmq_sim::scenario::broker_conf::import_broker_conf;
use rmq_sim::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = import_broker_conf(text, &Scenario::default()) {
        assert!(!e.field.is_empty() && !e.reason.is_empty(), "{e:?}");
        let line = e.line.expect("a broker.conf error has a line");
        assert!(line >= 1 && line <= text.split('\n').count().max(1), "{e:?}");
    }
});
