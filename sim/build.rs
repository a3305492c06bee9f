//! Writes each preset's TOML without its comment lines to `$OUT_DIR/presets/<id>.toml` (the
//! text the lab parses, `Preset::body`) and the table of the whole files (`$OUT_DIR/presets/sources.rs`,
//! `Preset::source`). The files under `presets/`,
//! comments and all, stay what users read (`Preset::source`, the JS API, the CLI); the lab's first
//! load carries only what it runs (issue 23: the comments were ~7 KB of its gzip).
use std::path::Path;

fn main() {
    let src = Path::new("presets");
    println!("cargo:rerun-if-changed=presets");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("presets");
    std::fs::create_dir_all(&out).expect("create OUT_DIR/presets");
    let mut names: Vec<_> = std::fs::read_dir(src).expect("read presets/").filter_map(|e| e.ok()).map(|e| e.path()).collect();
    names.sort();
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR")).join("presets");
    let mut sources = String::from("/// Each preset file's whole text, by id (see `Preset::source`).\nstatic SOURCES: &[(&str, &str)] = &[\n");
    for path in names.into_iter().filter(|p| p.extension().is_some_and(|e| e == "toml")) {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().expect("file name");
        std::fs::write(out.join(name), body(&text)).expect("write preset body");
        let id = path.file_stem().expect("file stem").to_string_lossy();
        sources.push_str(&format!("    ({id:?}, include_str!({:?})),\n", dir.join(name).display().to_string()));
    }
    sources.push_str("];\n");
    std::fs::write(out.join("sources.rs"), sources).expect("write sources.rs");
}

/// `text` without its whole-line comments (outside multi-line strings, whose lines are text).
fn body(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string: Option<&str> = None;
    for line in text.lines() {
        if in_string.is_none() && line.trim_start().starts_with('#') {
            continue;
        }
        for delim in ["\"\"\"", "'''"] {
            if line.matches(delim).count() % 2 == 1 {
                in_string = match in_string {
                    Some(d) if d == delim => None,
                    None => Some(delim),
                    other => other,
                };
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}
