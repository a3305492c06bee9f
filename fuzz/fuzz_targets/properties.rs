//! Any text through `check`'s reader of Java properties (`broker_conf::properties`, what
//! `Properties.load` reads): no panic; refusals name `line` and a line in the text; and every
//! property read, written back as Java's `Properties.store` escapes it, reads back the same.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmq_sim::scenario::broker_conf::properties;

/// `Properties.saveConvert`: `\` `=` `:` `#` `!` and (in a key, or leading a value) whitespace
/// escaped; controls as `\t \n \r \f` or `\uXXXX`; other characters as they are (the text is
/// already decoded).
fn escape(s: &str, key: bool) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        match c {
            ' ' if key || i == 0 => out.push_str("\\ "),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\x0c' => out.push_str("\\f"),
            '\\' | '=' | ':' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match properties(text) {
        Err(e) => {
            assert_eq!(e.field, "line", "{e:?}");
            let line = e.line.expect("a properties error has a line");
            assert!(line >= 1 && line <= text.split('\n').count(), "{e:?}");
        }
        Ok(props) => {
            let stored: String = props.iter().map(|(_, k, v)| format!("{}={}\n", escape(k, true), escape(v, false))).collect();
            let back = properties(&stored).expect("what store writes, load reads");
            let pairs = |p: &[(usize, String, String)]| p.iter().map(|(_, k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
            assert_eq!(pairs(&back), pairs(&props), "{stored:?}");
        }
    }
});
