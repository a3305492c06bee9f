//! Simulated time: integer microseconds since the run started.
//!
//! The core never reads a wall clock (it would break determinism and panics on
//! `wasm32-unknown-unknown`); time only moves when [`crate::Sim`] jumps to the next scheduled event.

use std::fmt;

/// A point in simulated time, in microseconds since the start of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct SimTime(pub u64);

/// A span of simulated time, in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct SimDuration(pub u64);

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);
    pub const fn from_us(us: u64) -> Self {
        SimDuration(us)
    }
    pub const fn from_ms(ms: u64) -> Self {
        SimDuration(ms * 1_000)
    }
    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s * 1_000_000)
    }
    pub const fn as_us(self) -> u64 {
        self.0
    }
    /// Whole milliseconds, rounded down.
    pub const fn as_ms(self) -> u64 {
        self.0 / 1_000
    }
    pub fn saturating_mul(self, factor: u64) -> Self {
        SimDuration(self.0.saturating_mul(factor))
    }
}

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const MAX: SimTime = SimTime(u64::MAX);
    pub const fn from_ms(ms: u64) -> Self {
        SimTime(ms * 1_000)
    }
    pub const fn as_us(self) -> u64 {
        self.0
    }
    pub const fn as_ms(self) -> u64 {
        self.0 / 1_000
    }
    /// The time elapsed since `earlier`, zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
    /// The first multiple of `period` (counted from `phase`) at or after `self`.
    pub fn next_tick(self, phase: SimTime, period: SimDuration) -> SimTime {
        if self <= phase || period.0 == 0 {
            return phase.max(self);
        }
        let k = (self.0 - phase.0).div_ceil(period.0);
        SimTime(phase.0 + k * period.0)
    }
    /// The last multiple of `period` (counted from `phase`) at or before `self`, if any.
    pub fn last_tick(self, phase: SimTime, period: SimDuration) -> Option<SimTime> {
        if self < phase || period.0 == 0 {
            return None;
        }
        let k = (self.0 - phase.0) / period.0;
        Some(SimTime(phase.0 + k * period.0))
    }
}

impl std::ops::Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl std::ops::Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(d.0))
    }
}

/// Formats microseconds the way the event log shows time: `12.500ms`, `3.000s`, `2h05m10.000s`.
fn fmt_us(us: u64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if us < 1_000_000 {
        write!(f, "{}.{:03}ms", us / 1_000, us % 1_000)
    } else if us < 60_000_000 {
        write!(f, "{}.{:03}s", us / 1_000_000, (us % 1_000_000) / 1_000)
    } else {
        let ms = us / 1_000;
        let (h, m, s, milli) = (ms / 3_600_000, (ms / 60_000) % 60, (ms / 1_000) % 60, ms % 1_000);
        if h > 0 {
            write!(f, "{h}h{m:02}m{s:02}.{milli:03}s")
        } else {
            write!(f, "{m}m{s:02}.{milli:03}s")
        }
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_us(self.0, f)
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_us(self.0, f)
    }
}

/// Parses a duration with a unit: `"250us"`, `"500ms"`, `"5s"`, `"2m"`, `"6h"`; also `"1.5s"`.
/// Returns a reason on failure, for the caller to attach the field name.
pub fn parse_duration(text: &str) -> Result<SimDuration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let unit_us: u64 = match unit.trim() {
        "us" | "µs" => 1,
        "ms" => 1_000,
        "s" => 1_000_000,
        "m" | "min" => 60_000_000,
        "h" => 3_600_000_000,
        "" => return Err(format!("`{t}` has no unit (use us, ms, s, m or h, e.g. \"500ms\")")),
        other => return Err(format!("unknown unit `{other}` in `{t}` (use us, ms, s, m or h)")),
    };
    let (int_part, frac_part) = match num.split_once('.') {
        Some((i, f)) => (i, f),
        None => (num, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(format!("`{t}` has no number"));
    }
    let bad = || format!("`{t}` is not a duration");
    let int: u64 = if int_part.is_empty() { 0 } else { int_part.parse().map_err(|_| bad())? };
    let mut total = int.checked_mul(unit_us).ok_or_else(|| format!("`{t}` is too large"))?;
    if !frac_part.is_empty() {
        if frac_part.len() > 9 || !frac_part.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let frac: u64 = frac_part.parse().map_err(|_| bad())?;
        let scale = 10u64.pow(frac_part.len() as u32);
        let extra = (frac as u128 * unit_us as u128 / scale as u128) as u64;
        total = total.checked_add(extra).ok_or_else(|| format!("`{t}` is too large"))?;
    }
    Ok(SimDuration(total))
}

/// Writes a duration in the largest unit that holds it exactly (`"2h"`, `"90m"`, `"1500ms"`,
/// `"250us"`), so that [`parse_duration`] reads back the same value; zero is `"0ms"`.
pub fn format_duration(d: SimDuration) -> String {
    const UNITS: [(u64, &str); 5] =
        [(3_600_000_000, "h"), (60_000_000, "m"), (1_000_000, "s"), (1_000, "ms"), (1, "us")];
    if d.0 == 0 {
        return "0ms".to_string();
    }
    let (size, unit) = UNITS.iter().copied().find(|(size, _)| d.0 % size == 0).unwrap_or((1, "us"));
    format!("{}{unit}", d.0 / size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("500ms"), Ok(SimDuration::from_ms(500)));
        assert_eq!(parse_duration("5s"), Ok(SimDuration::from_secs(5)));
        assert_eq!(parse_duration("2m"), Ok(SimDuration::from_secs(120)));
        assert_eq!(parse_duration("6h"), Ok(SimDuration::from_secs(21_600)));
        assert_eq!(parse_duration("1.5s"), Ok(SimDuration::from_ms(1_500)));
        assert_eq!(parse_duration("250us"), Ok(SimDuration::from_us(250)));
        assert!(parse_duration("5").unwrap_err().contains("no unit"));
        assert!(parse_duration("5 parsecs").unwrap_err().contains("unknown unit"));
        assert!(parse_duration("ms").is_err());
        assert!(parse_duration("99999999999999999999h").is_err());
    }

    #[test]
    fn times_print_with_stable_units() {
        assert_eq!(SimTime(12_500).to_string(), "12.500ms");
        assert_eq!(SimTime(3_000_000).to_string(), "3.000s");
        assert_eq!(SimTime::from_ms(7_510_000).to_string(), "2h05m10.000s");
        assert_eq!(SimTime::from_ms(61_000).to_string(), "1m01.000s");
    }

    #[test]
    fn ticks_align_to_their_phase() {
        let p = SimDuration::from_secs(5);
        let phase = SimTime::from_ms(10_000);
        assert_eq!(SimTime::from_ms(3_000).next_tick(phase, p), phase);
        assert_eq!(SimTime::from_ms(10_001).next_tick(phase, p), SimTime::from_ms(15_000));
        assert_eq!(SimTime::from_ms(14_999).last_tick(phase, p), Some(phase));
        assert_eq!(SimTime::from_ms(9_999).last_tick(phase, p), None);
    }

    #[test]
    fn formatted_durations_read_back_exactly() {
        assert_eq!(format_duration(SimDuration::from_ms(1_500)), "1500ms");
        assert_eq!(format_duration(SimDuration::from_secs(7_200)), "2h");
        assert_eq!(format_duration(SimDuration::from_secs(5_400)), "90m");
        assert_eq!(format_duration(SimDuration::from_us(250)), "250us");
        assert_eq!(format_duration(SimDuration::ZERO), "0ms");
        for us in
            [0, 1, 999, 1_000, 1_001, 59_999_999, 60_000_000, 3_600_000_001, u64::MAX / 2, u64::MAX]
        {
            let d = SimDuration(us);
            assert_eq!(parse_duration(&format_duration(d)), Ok(d), "{us}us");
        }
    }
}
