//! Writes each preset's TOML without its comment lines to `$OUT_DIR/presets/<id>.toml` (the
//! text the lab parses, `Preset::body`) and the table of the whole files (`$OUT_DIR/presets/sources.rs`,
//! `Preset::source`). The files under `presets/`,
//! comments and all, stay what users read (`Preset::source`, the JS API, the CLI); the lab's first
//! load carries only what it runs (issue 23: the comments were ~7 KB of its gzip). A wasm build's
//! bodies also leave out the tours' Chinese, which `$OUT_DIR/presets/tour_zh.rs` holds keyed by the
//! English (`rmq_sim::scenario::tour::builtin_tour_zh`, and `losslab-zh.txt` for the lab).
use std::path::Path;

fn main() {
    let src = Path::new("presets");
    println!("cargo:rerun-if-changed=presets");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("presets");
    std::fs::create_dir_all(&out).expect("create OUT_DIR/presets");
    let mut names: Vec<_> = std::fs::read_dir(src).expect("read presets/").filter_map(|e| e.ok()).map(|e| e.path()).collect();
    names.sort();
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR")).join("presets");
    // A wasm build's bodies leave the tours' Chinese out (the lab reads it from losslab-zh.txt).
    let strip_zh = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    let mut files = Vec::new();
    let mut sources = String::from("/// Each preset file's whole text, by id (see `Preset::source`).\nstatic SOURCES: &[(&str, &str)] = &[\n");
    for path in names.into_iter().filter(|p| p.extension().is_some_and(|e| e == "toml")) {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().expect("file name");
        std::fs::write(out.join(name), body(&text, strip_zh)).expect("write preset body");
        files.push((name.to_string_lossy().into_owned(), text.clone()));
        let id = path.file_stem().expect("file stem").to_string_lossy();
        sources.push_str(&format!("    ({id:?}, include_str!({:?})),\n", dir.join(name).display().to_string()));
    }
    sources.push_str("];\n");
    std::fs::write(out.join("sources.rs"), sources).expect("write sources.rs");
    std::fs::write(out.join("tour_zh.rs"), tour_zh(&files)).expect("write tour_zh.rs");
}

/// `text` without its whole-line comments (outside multi-line strings, whose lines are text), and
/// with `strip_zh` without the tours' `question_zh` / `text_zh` lines.
fn body(text: &str, strip_zh: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string: Option<&str> = None;
    for line in text.lines() {
        if in_string.is_none() && line.trim_start().starts_with('#') {
            continue;
        }
        if in_string.is_none() && strip_zh && matches!(line.split('=').next().map(str::trim), Some("question_zh" | "text_zh")) {
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

/// The tours' Chinese (`question_zh`, `text_zh`), keyed by the FNV-1a hash of the English they
/// translate: `(hash, chinese)` rows for `rmq_sim::scenario::tour::builtin_tour_zh`, and the
/// table's own fingerprint. A wasm build's preset bodies leave these lines out (see [`body`]): the
/// lab reads them from `losslab-zh.txt` (issue 23, one language per page).
fn tour_zh(files: &[(String, String)]) -> String {
    let mut rows: Vec<(u64, String)> = Vec::new();
    for (name, text) in files {
        let (mut question, mut step) = (None, None);
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else { continue };
            let key = key.trim();
            let value = value.trim();
            if !matches!(key, "question" | "question_zh" | "text" | "text_zh") {
                continue;
            }
            let s = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or_else(|| panic!("{name}: {key} is not a one-line basic string"));
            assert!(!s.contains('\\'), "{name}: {key} holds an escape, which sim/build.rs does not read");
            match key {
                "question" => question = Some(s.to_string()),
                "text" => step = Some(s.to_string()),
                "question_zh" => rows.push((fnv1a(question.as_deref().unwrap_or_else(|| panic!("{name}: question_zh before question"))), s.to_string())),
                _ => rows.push((fnv1a(step.as_deref().unwrap_or_else(|| panic!("{name}: text_zh before text"))), s.to_string())),
            }
        }
    }
    let mut fp: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::from("/// The presets' tour Chinese by the hash of its English (see `sim/build.rs`).\nstatic TOUR_ZH: &[(u64, &str)] = &[\n");
    for (h, zh) in &rows {
        for b in h.to_le_bytes().iter().chain(zh.as_bytes()).chain([0u8].iter()) {
            fp ^= u64::from(*b);
            fp = fp.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("    (0x{h:016x}, {zh:?}),\n"));
    }
    out.push_str(&format!("];\n/// A fingerprint of [`TOUR_ZH`].\npub const TOUR_ZH_FINGERPRINT: u64 = 0x{fp:016x};\n"));
    out
}

/// FNV-1a (64 bits) of `s` followed by a zero byte, as `rmq_sim::text::fnv1a(&[s])`.
fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes().chain([0u8]) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
