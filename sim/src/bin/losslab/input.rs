//! Bounded reads of the runner's inputs: every file is checked against the limit for its kind
//! before it is read (its length when it is a regular file; otherwise at most limit + 1 bytes are
//! read, so `/dev/zero` or an endless pipe is refused, not swallowed).

use std::io::Read as _;

/// What a file is for, with its size limit (README "Using losslab": input limits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// A scenario (`losslab run FILE.toml`, `sweep --base FILE.toml`).
    Scenario,
    /// A master's `broker.conf` (`losslab check`).
    BrokerConf,
    /// A sweep grid (`losslab sweep GRID.toml`).
    Grid,
}

impl Input {
    /// The most bytes accepted. A scenario at its limits (1,000 faults, 64 delay levels) is
    /// under 200 KB; a real broker.conf is a few KB.
    pub const fn limit(self) -> u64 {
        match self {
            Input::Scenario => 1024 * 1024,
            Input::BrokerConf => 1024 * 1024,
            Input::Grid => 1024 * 1024,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Input::Scenario => "a scenario file",
            Input::BrokerConf => "a broker.conf",
            Input::Grid => "a sweep grid file",
        }
    }

    fn too_large(self, path: &str) -> String {
        format!(
            "{}: larger than {} KiB, the limit for {} (see README \"Input limits\")",
            crate::shown(path),
            self.limit() / 1024,
            self.what()
        )
    }
}

/// The bytes of `path`, refused (naming the file and the limit) past the limit of `kind`.
pub fn read_bytes(path: &str, kind: Input) -> Result<Vec<u8>, String> {
    let shown = crate::shown(path);
    let file = std::fs::File::open(path).map_err(|e| format!("{shown}: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("{shown}: {e}"))?;
    if meta.is_dir() {
        return Err(format!("{shown}: is a directory"));
    }
    if meta.is_file() && meta.len() > kind.limit() {
        return Err(kind.too_large(path));
    }
    let mut bytes = Vec::new();
    file.take(kind.limit() + 1).read_to_end(&mut bytes).map_err(|e| format!("{shown}: {e}"))?;
    if bytes.len() as u64 > kind.limit() {
        return Err(kind.too_large(path));
    }
    Ok(bytes)
}

/// The text of `path` (UTF-8), bounded as [`read_bytes`].
pub fn read_text(path: &str, kind: Input) -> Result<String, String> {
    let bytes = read_bytes(path, kind)?;
    String::from_utf8(bytes).map_err(|e| {
        format!("{}: not UTF-8 text (byte {} is not valid UTF-8)", crate::shown(path), e.utf8_error().valid_up_to())
    })
}

/// A broker.conf as `java.util.Properties.load(InputStream)` reads it (what RocketMQ's
/// `BrokerStartup` calls): every byte is one ISO-8859-1 character, so a file with Latin-1 bytes
/// is read, not refused; non-ASCII text is written `\uXXXX` in a properties file.
pub fn read_latin1(path: &str, kind: Input) -> Result<String, String> {
    Ok(read_bytes(path, kind)?.into_iter().map(char::from).collect())
}
