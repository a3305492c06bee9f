//! The front end's dependencies run one way (issue 23, item 5): the modules lower down never name
//! the ones above them. Before, `app` ↔ `embed` ↔ `share_bar` and `compare` ↔ `share` were
//! circles, which a split of the front end into a lab module and an extras module cannot follow.
//! Read from the sources, so a new `use` that closes a circle again fails here.

use std::path::Path;

fn source(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The non-comment lines of `rel` that name `what`.
fn uses(rel: &str, what: &str) -> Vec<String> {
    source(rel)
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .filter(|l| l.contains(what))
        .map(str::to_string)
        .collect()
}

#[test]
fn embed_uses_neither_the_app_nor_the_share_bar() {
    for what in ["crate::app", "share_bar", "crate::mount"] {
        assert_eq!(uses("src/embed.rs", what), Vec::<String>::new(), "src/embed.rs names {what}");
    }
}

#[test]
fn the_app_and_the_share_bar_do_not_use_the_mount_entry() {
    for file in ["src/app.rs", "src/components/share_bar.rs"] {
        assert_eq!(uses(file, "crate::mount"), Vec::<String>::new(), "{file} names crate::mount");
    }
    assert_eq!(uses("src/components/share_bar.rs", "crate::app"), Vec::<String>::new());
}

#[test]
fn share_does_not_use_compare() {
    assert_eq!(uses("src/share.rs", "compare::"), Vec::<String>::new(), "src/share.rs names the compare module");
}
