//! Expected acknowledged-then-lost messages per year: how often each machine fault strikes, and
//! what one strike costs at the workload's own rate.
//!
//! A run answers "how many acknowledged messages does one power loss lose"; a decision needs "how
//! many a year". The step between them is the fault's rate per machine and year, an input with a
//! published default where there is one:
//!
//! | fault | default / machine-year | source |
//! |---|---|---|
//! | `POWER_LOSS` (the machine stops at once: page cache gone) | 1.0 | J. Dean, "Designs, Lessons and Advice from Building Large Distributed Systems" (LADIS 2009): a new ~1,800-machine cluster's first year has ~1,000 individual machine failures and ~1 PDU failure taking 500–1,000 machines down at once, ≈ (1,000 + 750) / 1,800 ≈ 1 |
//! | `DISK_LOST` | 0.016 | Backblaze Drive Stats for 2024: 1.57 % annualized failure rate of their data drives (rounded to thousandths) |
//! | `PROCESS_CRASH` (the broker's JVM dies, the OS lives) | 1.0 | no published rate for broker JVM crashes: an assumption, set yours from your incident history |
//!
//! The formula, first order: `expected acked-then-lost per year = faults per machine-year ×
//! acked-then-lost per fault`, where a fault's loss is the mean over the sweep's seeds of one run
//! of the workload with that fault on that machine. The loss of one fault grows with the rate of
//! sending (it is the acknowledged messages in the window the fault destroys), so the figure holds
//! at the workload's own rate; other faults of the group (the other machine, the faults without a
//! rate) are not in it. Rates and losses are integers in thousandths, so native and wasm agree.

use std::fmt;

use crate::scenario::FaultKind;

/// A rate or count per year in thousandths (`1000` = once a year): exact in JSON, equal natively
/// and in wasm. Reads and writes as a plain number (`0.0157`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct PerYear(pub u64);

/// The most a rate input may be: a fault every ~9 hours.
pub const MAX_RATE: PerYear = PerYear(1_000_000);

impl PerYear {
    /// From a user's number: finite, 0 to [`MAX_RATE`], rounded to thousandths.
    pub fn from_f64(v: f64) -> Result<PerYear, String> {
        if !v.is_finite() || v < 0.0 || v > MAX_RATE.0 as f64 / 1_000.0 {
            return Err(format!("{v} is not a rate per machine and year from 0 to {}", MAX_RATE.0 / 1_000));
        }
        Ok(PerYear((v * 1_000.0).round() as u64))
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 1_000.0
    }
}

impl fmt::Display for PerYear {
    /// `1`, `0.5`, `0.016`: thousandths without trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 1_000, self.0 % 1_000);
        if frac == 0 {
            write!(f, "{whole}")
        } else {
            write!(f, "{whole}.{}", format!("{frac:03}").trim_end_matches('0'))
        }
    }
}

impl serde::Serialize for PerYear {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

impl<'de> serde::Deserialize<'de> for PerYear {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PerYear, D::Error> {
        let v = f64::deserialize(d)?;
        PerYear::from_f64(v).map_err(serde::de::Error::custom)
    }
}

/// A fault kind's default rate and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefaultRate {
    pub kind: FaultKind,
    pub per_machine_year: PerYear,
    pub source: &'static str,
}

/// The defaults of the table above, in its order.
pub const DEFAULT_RATES: [DefaultRate; 3] = [
    DefaultRate {
        kind: FaultKind::PowerLoss,
        per_machine_year: PerYear(1_000),
        source: "J. Dean, LADIS 2009: ~1,000 machine failures and ~1 PDU failure (500–1,000 machines) per ~1,800-machine cluster in its first year",
    },
    DefaultRate {
        kind: FaultKind::DiskLost,
        per_machine_year: PerYear(16),
        source: "Backblaze Drive Stats for 2024: 1.57 % annualized failure rate (rounded to 0.016)",
    },
    DefaultRate {
        kind: FaultKind::ProcessCrash,
        per_machine_year: PerYear(1_000),
        source: "no published rate for broker JVM crashes: an assumption, set yours",
    },
];

/// The formula, in words, as the CLI and the page print it.
pub const FORMULA: &str =
    "expected acked-then-lost per year = faults per machine-year × acked-then-lost per fault (one run of the workload with that fault; in a sweep the mean over its seeds), at the workload's own rate";

/// Rates per machine and year for the faults that have one; `None` keeps the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultRates {
    pub power_loss: Option<PerYear>,
    pub disk_lost: Option<PerYear>,
    pub process_crash: Option<PerYear>,
}

impl FaultRates {
    /// The rate of `kind` per machine and year, if it is a fault with one.
    pub fn of(&self, kind: FaultKind) -> Option<PerYear> {
        self.given(kind).or_else(|| DEFAULT_RATES.iter().find(|d| d.kind == kind).map(|d| d.per_machine_year))
    }

    /// The rate the user gave for `kind`, if any.
    pub fn given(&self, kind: FaultKind) -> Option<PerYear> {
        match kind {
            FaultKind::PowerLoss => self.power_loss,
            FaultKind::DiskLost => self.disk_lost,
            FaultKind::ProcessCrash => self.process_crash,
            _ => None,
        }
    }
}

/// An expected loss per year: the rate used and the figure (both in thousandths).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct YearlyLoss {
    /// The fault's rate per machine and year.
    pub faults_per_machine_year: PerYear,
    /// Rate × the mean acked-then-lost per fault.
    pub acked_then_lost: PerYear,
}

/// Expected acknowledged-then-lost messages per year: `rate` per machine-year × `lost` messages
/// over `runs` runs of one fault each (the mean loss per fault).
pub fn per_year(rate: PerYear, lost: u64, runs: u64) -> YearlyLoss {
    let figure = if runs == 0 { 0 } else { (rate.0 as u128 * lost as u128 / runs as u128) as u64 };
    YearlyLoss { faults_per_machine_year: rate, acked_then_lost: PerYear(figure) }
}

/// The lines under a table with a per-year column: the formula, then each rate used with its
/// source (or "given").
pub fn explain(rates: &FaultRates, used: &[FaultKind]) -> Vec<String> {
    let mut out = vec![format!("lost per year: {FORMULA}")];
    for d in DEFAULT_RATES.iter().filter(|d| used.contains(&d.kind)) {
        let (rate, whence) = match rates.given(d.kind) {
            Some(rate) => (rate, "given".to_string()),
            None => (d.per_machine_year, format!("default: {}", d.source)),
        };
        out.push(format!("  {} {rate} per machine-year ({whence})", d.kind.name()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_times_the_mean_loss_per_fault() {
        // 49 lost in each of 5 runs, once a year: 49 a year; 0.016 a year: 0.784.
        let lost = |rate, lost, runs| per_year(PerYear(rate), lost, runs).acked_then_lost;
        assert_eq!(lost(1_000, 245, 5), PerYear(49_000));
        assert_eq!(lost(16, 245, 5), PerYear(784));
        assert_eq!(lost(1_000, 0, 5), PerYear(0));
        assert_eq!(lost(1_000, 3, 0), PerYear(0), "no run, no figure");
        assert_eq!(per_year(PerYear(16), 1, 1).faults_per_machine_year, PerYear(16));
    }

    #[test]
    fn defaults_apply_where_no_rate_is_given_and_only_to_machine_faults() {
        let r = FaultRates { power_loss: Some(PerYear(250)), ..FaultRates::default() };
        assert_eq!(r.of(FaultKind::PowerLoss), Some(PerYear(250)));
        assert_eq!(r.of(FaultKind::DiskLost), Some(PerYear(16)));
        assert_eq!(r.of(FaultKind::ProcessCrash), Some(PerYear(1_000)));
        assert_eq!(r.of(FaultKind::DiskStall), None);
    }

    #[test]
    fn rates_read_and_print_as_plain_numbers_and_refuse_nonsense() {
        assert_eq!(PerYear::from_f64(0.0157), Ok(PerYear(16)));
        assert_eq!(PerYear(16).to_string(), "0.016");
        assert_eq!(PerYear(1_000).to_string(), "1");
        assert_eq!(PerYear(49_500).to_string(), "49.5");
        assert!(PerYear::from_f64(-1.0).is_err());
        assert!(PerYear::from_f64(f64::NAN).is_err());
        assert!(PerYear::from_f64(1e9).is_err());
        assert_eq!(serde_json::to_string(&PerYear(16)).unwrap(), "0.016");
        assert_eq!(serde_json::from_str::<PerYear>("2.5").unwrap(), PerYear(2_500));
        assert!(serde_json::from_str::<PerYear>("-3").unwrap_err().to_string().contains("rate per machine and year"));
    }
}
