//! The event log's typed accessors agree with its text lines.

use rmq_sim::scenario::presets;
use rmq_sim::Sim;

#[test]
fn msg_accessor_matches_the_line_and_kind_names_are_stable() {
    let mut kinds = std::collections::BTreeSet::new();
    for p in presets::all() {
        let mut sim = Sim::new(&presets::load(p.id).unwrap());
        sim.run();
        for e in sim.events() {
            let line = e.to_string();
            match e.kind.msg() {
                Some(m) => assert!(line.contains(&format!("{m} ")) || line.ends_with(&m.to_string()), "{line}"),
                None => assert!(!line.contains("msg#"), "{line} names a message but msg() is None"),
            }
            kinds.insert(e.kind.kind_name());
        }
    }
    assert!(kinds.len() >= 30, "presets exercise most event kinds: {kinds:?}");
}

#[test]
fn pulled_lists_the_messages_it_carries() {
    let mut sim = Sim::new(&presets::load("defaults").unwrap());
    sim.run();
    for e in sim.events() {
        if let rmq_sim::EventKind::Pulled { count, msgs, .. } = &e.kind {
            assert_eq!(*count as usize, msgs.len());
        }
    }
}
