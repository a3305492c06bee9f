//! Reading and rewriting one `key = value` line of a scenario's TOML text, so that the form
//! fields and the text editor share one source of truth: the text the user typed is never lost,
//! and the core's parser decides whether it is valid.

/// The line range of `[section]`'s body (the whole top level when `section` is empty).
fn section_lines<'a>(lines: &'a [&'a str], section: &str) -> (usize, usize) {
    let header = format!("[{section}]");
    let start = if section.is_empty() {
        0
    } else {
        match lines.iter().position(|l| l.trim() == header) {
            Some(i) => i + 1,
            None => return (lines.len(), lines.len()),
        }
    };
    let end = lines[start..].iter().position(|l| l.trim_start().starts_with('[')).map_or(lines.len(), |i| start + i);
    (start, end)
}

fn key_of(line: &str) -> Option<&str> {
    let (k, _) = line.split_once('=')?;
    Some(k.trim())
}

/// The raw value of `section.key`, unquoted, if the line exists.
pub fn get(text: &str, section: &str, key: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let (a, b) = section_lines(&lines, section);
    let line = lines[a..b].iter().find(|l| key_of(l) == Some(key))?;
    let (_, v) = line.split_once('=')?;
    let v = v.trim();
    Some(v.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(v).to_string())
}

/// How a raw form value is written: integers and booleans bare, anything else quoted (so the
/// TOML stays well formed and the scenario parser can name the field it refuses).
fn literal(raw: &str) -> String {
    let t = raw.trim();
    let bare = (!t.is_empty() && t.chars().all(|c| c.is_ascii_digit())) || t == "true" || t == "false";
    if bare {
        t.to_string()
    } else {
        format!("\"{}\"", t.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// `text` with `section.key` set to `raw`; the line is added to the section when missing.
pub fn set(text: &str, section: &str, key: &str, raw: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let (a, b) = section_lines(&lines, section);
    let new_line = format!("{key} = {}", literal(raw));
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match lines[a..b].iter().position(|l| key_of(l) == Some(key)) {
        Some(i) => out[a + i] = new_line,
        None if a == lines.len() && !section.is_empty() => {
            out.push(format!("[{section}]"));
            out.push(new_line);
        }
        None => out.insert(a, new_line),
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// `text` without the line of `section.key` (unchanged when there is none).
pub fn remove(text: &str, section: &str, key: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let (a, b) = section_lines(&lines, section);
    let Some(i) = lines[a..b].iter().position(|l| key_of(l) == Some(key)) else { return text.to_string() };
    let mut out: Vec<&str> = lines.clone();
    out.remove(a + i);
    let mut s = out.join("\n");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "name = \"x\"\nseed = 1\n\n[broker]\nflushDiskType = \"ASYNC_FLUSH\"\nsyncFlushTimeout = 5000\n\n[producer]\nmessages = 3\n";

    #[test]
    fn reads_values_by_section() {
        assert_eq!(get(T, "broker", "flushDiskType").as_deref(), Some("ASYNC_FLUSH"));
        assert_eq!(get(T, "", "seed").as_deref(), Some("1"));
        assert_eq!(get(T, "producer", "flushDiskType"), None);
    }

    #[test]
    fn writes_keep_bad_input_quoted_for_the_parser() {
        let t = set(T, "broker", "syncFlushTimeout", "abc");
        assert_eq!(get(&t, "broker", "syncFlushTimeout").as_deref(), Some("abc"));
        let err = rmq_sim::scenario::parse_scenario(&t).unwrap_err();
        assert_eq!(err.field, "broker.syncFlushTimeout");
        let t = set(T, "producer", "messages", "12");
        assert!(t.contains("messages = 12\n"));
        let t = set(T, "consumer", "startAt", "40s");
        assert_eq!(get(&t, "consumer", "startAt").as_deref(), Some("40s"));
    }

    #[test]
    fn removes_one_line_of_one_section() {
        let t = remove(T, "broker", "syncFlushTimeout");
        assert_eq!(get(&t, "broker", "syncFlushTimeout"), None);
        assert_eq!(get(&t, "broker", "flushDiskType").as_deref(), Some("ASYNC_FLUSH"));
        assert_eq!(remove(T, "producer", "syncFlushTimeout"), T);
    }
}
