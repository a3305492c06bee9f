//! What the user asks the sweep to compare, as the form holds it (numbers as typed, so a bad
//! entry is kept and named rather than lost), its link form (`#sweep=1&flush=…&seeds=5…`, read
//! and written here) and its grid (`rmq_sim::sweep`'s TOML, as `losslab sweep grid.toml` reads it).

use rmq_sim::scenario::link::minimal_toml;
use rmq_sim::scenario::{parse_scenario, BrokerRole, FaultKind, FlushDiskType, RocketMqVersion, SendMode};
use rmq_sim::fault_rates::PerYear;
use rmq_sim::sweep::{self, Grid, Plan};
use rmq_sim::time::parse_duration;

use crate::i18n::{tf, Key, Lang};
use crate::share::{percent_decode, percent_encode};

/// RocketMQ releases, oldest first (the form's order). Only 4.9.8 ticked (the default): no
/// `version` axis, the grid and its link as before the version switch.
pub const VERSION_CHOICES: [RocketMqVersion; 3] = RocketMqVersion::ALL;
pub const FLUSH_CHOICES: [FlushDiskType; 2] = [FlushDiskType::SyncFlush, FlushDiskType::AsyncFlush];
pub const ROLE_CHOICES: [BrokerRole; 2] = [BrokerRole::SyncMaster, BrokerRole::AsyncMaster];
pub const MODE_CHOICES: [SendMode; 3] = [SendMode::Sync, SendMode::Async, SendMode::Oneway];
/// Faults a sweep can hit the master with (`None`: no fault, the cost baseline).
pub const FAULT_CHOICES: [Option<FaultKind>; 5] =
    [Some(FaultKind::PowerLoss), Some(FaultKind::DiskLost), Some(FaultKind::ProcessCrash), Some(FaultKind::DiskStall), None];

/// Open loop (a send every `interval`) or closed loop (`threads` senders back to back).
#[derive(Clone, Debug, PartialEq)]
pub enum Workload {
    /// As typed: `"10ms"`, `"250us"`, …
    Interval(String),
    Threads(String),
}

/// The form.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepInputs {
    /// RocketMQ releases to compare (a grid axis when anything but 4.9.8 alone is ticked).
    pub versions: Vec<RocketMqVersion>,
    pub flush: Vec<FlushDiskType>,
    pub roles: Vec<BrokerRole>,
    pub modes: Vec<SendMode>,
    pub faults: Vec<Option<FaultKind>>,
    pub seeds_text: String,
    pub messages_text: String,
    pub workload: Workload,
    /// The last interval / thread count typed, kept while the other workload is chosen.
    pub interval_text: String,
    pub threads_text: String,
    /// `faultAt` as typed; empty: the core's default (a quarter into the sending, jittered by seed).
    pub fault_at_text: String,
    /// Faults per machine and year as typed (`powerLossesPerYear`, `diskFailuresPerYear`,
    /// `processCrashesPerYear`); empty: the core's default, with its source.
    pub rates_text: [String; 3],
}

/// The rate fields: grid key, the link's key, the fault kind.
pub const RATE_FIELDS: [(&str, &str, FaultKind); 3] = [
    ("powerLossesPerYear", "powerLosses", FaultKind::PowerLoss),
    ("diskFailuresPerYear", "diskFailures", FaultKind::DiskLost),
    ("processCrashesPerYear", "processCrashes", FaultKind::ProcessCrash),
];

impl Default for SweepInputs {
    /// 2 × 2 × SYNC under a power cut, a lost disk and no fault, 5 seeds of 1,000 messages one every 2 ms
    /// (`rmq_sim::sweep`'s default workload): a chart in seconds.
    fn default() -> Self {
        SweepInputs {
            versions: vec![RocketMqVersion::default()],
            flush: FLUSH_CHOICES.to_vec(),
            roles: ROLE_CHOICES.to_vec(),
            modes: vec![SendMode::Sync],
            // No fault too: what each setting costs on a healthy group (after a fault that lasts,
            // every later send times out and the latencies all look alike).
            faults: vec![Some(FaultKind::PowerLoss), Some(FaultKind::DiskLost), None],
            seeds_text: "5".into(),
            messages_text: "1000".into(),
            workload: Workload::Interval("2ms".into()),
            interval_text: "2ms".into(),
            threads_text: "8".into(),
            fault_at_text: String::new(),
            rates_text: Default::default(),
        }
    }
}

/// Why the inputs make no grid; [`InputError::text`] says it in the page's language.
#[derive(Clone, Debug, PartialEq)]
pub enum InputError {
    /// Nothing ticked for this field.
    Empty(&'static str),
    /// A field's value, with the reason (from the core, English, naming the key).
    Bad { field: &'static str, reason: String },
    /// The core's refusal of the grid (`rmq_sim::sweep::GridError`, naming the key).
    Grid(String),
}

impl InputError {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            InputError::Empty(f) => tf(lang, Key::SweepChoose, &[f]),
            InputError::Bad { field, reason } => tf(lang, Key::SweepBadNumber, &[field, reason]),
            InputError::Grid(e) => e.clone(),
        }
    }
}

fn fault_id(f: Option<FaultKind>) -> &'static str {
    f.map_or("NONE", FaultKind::name)
}

fn parse_list<T: Copy + PartialEq>(v: &str, choices: &[T], name: impl Fn(T) -> &'static str) -> Result<Vec<T>, String> {
    let mut out = Vec::new();
    for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let c = choices.iter().copied().find(|c| name(*c) == part).ok_or_else(|| format!("unknown value `{}`", part.chars().take(24).collect::<String>()))?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

impl SweepInputs {
    /// Puts each list in the order the form shows it (so the grid, and its link, do not depend on
    /// the order boxes were ticked in).
    pub fn normalise(&mut self) {
        fn order<T: PartialEq + Copy>(v: &mut Vec<T>, choices: &[T]) {
            *v = choices.iter().copied().filter(|c| v.contains(c)).collect();
        }
        order(&mut self.versions, &VERSION_CHOICES);
        order(&mut self.flush, &FLUSH_CHOICES);
        order(&mut self.roles, &ROLE_CHOICES);
        order(&mut self.modes, &MODE_CHOICES);
        order(&mut self.faults, &FAULT_CHOICES);
    }

    /// The grid these inputs describe, or what is wrong with them (naming the field). The
    /// workload is `rmq_sim::sweep`'s default one with these messages and interval (or threads).
    pub fn to_grid(&self) -> Result<Grid, InputError> {
        for (empty, field) in [
            (self.versions.is_empty(), "version"),
            (self.flush.is_empty(), "flushDiskType"),
            (self.roles.is_empty(), "brokerRole"),
            (self.modes.is_empty(), "sendMode"),
            (self.faults.is_empty(), "faults"),
        ] {
            if empty {
                return Err(InputError::Empty(field));
            }
        }
        let whole = |field: &'static str, text: &str, max: u64| -> Result<u64, InputError> {
            match text.trim().parse::<u64>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(InputError::Bad { field, reason: format!("`{}` is not a whole number from 1 to {max}", text.trim()) }),
            }
        };
        let seeds = whole("seeds", &self.seeds_text, u64::from(sweep::MAX_SEEDS))? as u32;
        let messages = whole("messages", &self.messages_text, u64::from(sweep::MAX_MESSAGES))? as u32;
        let mut base = parse_scenario(sweep::DEFAULT_BASE).expect("the default sweep workload parses");
        let default_base = base.clone();
        base.producer.messages = messages;
        match &self.workload {
            Workload::Interval(text) => {
                base.producer.interval = parse_duration(text.trim()).map_err(|reason| InputError::Bad { field: "interval", reason })?;
                if base.producer.interval.as_us() == 0 {
                    return Err(InputError::Bad { field: "interval", reason: "give a duration above 0, e.g. 2ms".into() });
                }
            }
            Workload::Threads(text) => {
                base.producer.threads = Some(whole("threads", text, u64::from(rmq_sim::scenario::limits::MAX_THREADS))? as u32);
            }
        }
        let fault_at = Some(self.fault_at_text.trim()).filter(|t| !t.is_empty()).map(str::to_string);
        let mut rates = [None; 3];
        for (k, (field, _, _)) in RATE_FIELDS.iter().enumerate() {
            let text = self.rates_text[k].trim();
            if text.is_empty() {
                continue;
            }
            let v: f64 = text.parse().map_err(|_| InputError::Bad { field, reason: format!("`{text}` is not a number (faults per machine and year, e.g. 0.5)") })?;
            rates[k] = Some(PerYear::from_f64(v).map_err(|reason| InputError::Bad { field, reason })?);
        }
        let grid = Grid {
            base: (base != default_base).then(|| minimal_toml(&base)),
            flush_disk_type: self.flush.clone(),
            broker_role: self.roles.clone(),
            send_mode: self.modes.clone(),
            faults: self.faults.iter().map(|f| fault_id(*f).to_string()).collect(),
            fault_at,
            seeds,
            version: self.version_axis(),
            power_losses_per_year: rates[0],
            disk_failures_per_year: rates[1],
            process_crashes_per_year: rates[2],
            ..Grid::default()
        };
        // The core's own checks (sizes, fault time …), with the key they name.
        Plan::new(&grid).map_err(|e| InputError::Grid(e.to_string()))?;
        Ok(grid)
    }

    /// The grid's `version` axis: none when only the default release (4.9.8) is ticked, so the
    /// default sweep, its grid TOML and its CSV stay as they were before the switch.
    pub fn version_axis(&self) -> Option<Vec<RocketMqVersion>> {
        (self.versions != [RocketMqVersion::default()]).then(|| self.versions.clone())
    }

    /// The fragment's value after `#sweep=`: readable pairs, e.g.
    /// `1&flush=SYNC_FLUSH,ASYNC_FLUSH&role=SYNC_MASTER&mode=SYNC&fault=POWER_LOSS&seeds=5&messages=1000&interval=10ms`.
    pub fn to_link(&self) -> String {
        let list = |names: Vec<&str>| names.join(",");
        let mut parts = vec![
            "1".to_string(),
        ];
        if self.version_axis().is_some() {
            parts.push(format!("version={}", list(self.versions.iter().map(|v| v.name()).collect())));
        }
        parts.extend([
            format!("flush={}", list(self.flush.iter().map(|f| f.name()).collect())),
            format!("role={}", list(self.roles.iter().map(|r| r.name()).collect())),
            format!("mode={}", list(self.modes.iter().map(|m| m.name()).collect())),
            format!("fault={}", list(self.faults.iter().map(|f| fault_id(*f)).collect())),
            format!("seeds={}", percent_encode(&self.seeds_text)),
            format!("messages={}", percent_encode(&self.messages_text)),
        ]);
        if !self.fault_at_text.trim().is_empty() {
            parts.push(format!("faultAt={}", percent_encode(self.fault_at_text.trim())));
        }
        parts.push(match &self.workload {
            Workload::Interval(i) => format!("interval={}", percent_encode(i)),
            Workload::Threads(n) => format!("threads={}", percent_encode(n)),
        });
        for (k, (_, key, _)) in RATE_FIELDS.iter().enumerate() {
            if !self.rates_text[k].trim().is_empty() {
                parts.push(format!("{key}={}", percent_encode(self.rates_text[k].trim())));
            }
        }
        parts.join("&")
    }

    /// Reads a `#sweep=` value (the rest of the fragment after `sweep=`). A part it cannot read is
    /// an error naming the key; the inputs read so far are returned with it, the rest default.
    pub fn from_link(text: &str) -> (SweepInputs, Option<String>) {
        let mut i = SweepInputs::default();
        let mut problem = None;
        let mut note = |e: String| {
            problem.get_or_insert(e);
        };
        let mut parts = text.split('&');
        if parts.next() != Some("1") {
            return (i, Some("sweep link: unknown version (this lab reads `sweep=1&…`)".into()));
        }
        for kv in parts {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let v = percent_decode(v);
            if v.len() > 200 {
                note(format!("sweep link: `{k}` is too long"));
                continue;
            }
            let r = match k {
                "version" => parse_list(&v, &VERSION_CHOICES, RocketMqVersion::name).map(|l| i.versions = l),
                "flush" => parse_list(&v, &FLUSH_CHOICES, FlushDiskType::name).map(|l| i.flush = l),
                "role" => parse_list(&v, &ROLE_CHOICES, BrokerRole::name).map(|l| i.roles = l),
                "mode" => parse_list(&v, &MODE_CHOICES, SendMode::name).map(|l| i.modes = l),
                "fault" => parse_list(&v, &FAULT_CHOICES, fault_id).map(|l| i.faults = l),
                "seeds" => Ok(v).map(|v| i.seeds_text = v),
                "faultAt" => Ok(v).map(|v| i.fault_at_text = v),
                "powerLosses" => Ok(v).map(|v| i.rates_text[0] = v),
                "diskFailures" => Ok(v).map(|v| i.rates_text[1] = v),
                "processCrashes" => Ok(v).map(|v| i.rates_text[2] = v),
                "messages" => Ok(v).map(|v| i.messages_text = v),
                "interval" => Ok(v).map(|v| {
                    i.interval_text = v.clone();
                    i.workload = Workload::Interval(v);
                }),
                "threads" => Ok(v).map(|v| {
                    i.threads_text = v.clone();
                    i.workload = Workload::Threads(v);
                }),
                _ => Err("unknown key".to_string()),
            };
            if let Err(e) = r {
                note(format!("sweep link: `{}`: {e}", k.chars().take(24).collect::<String>()));
            }
        }
        i.normalise();
        (i, problem)
    }
}

/// `"…"` with TOML's basic-string escapes.
fn toml_str(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The grid as the TOML file `losslab sweep grid.toml` reads (only the keys that are set).
pub fn grid_toml(g: &Grid) -> String {
    let list = |v: Vec<&str>| format!("[{}]", v.iter().map(|s| toml_str(s)).collect::<Vec<_>>().join(", "));
    let mut out = String::new();
    if let Some(v) = &g.version {
        out.push_str(&format!("version = {}\n", list(v.iter().map(|v| v.name()).collect())));
    }
    out.push_str(&format!("flushDiskType = {}\n", list(g.flush_disk_type.iter().map(|f| f.name()).collect())));
    out.push_str(&format!("brokerRole = {}\n", list(g.broker_role.iter().map(|r| r.name()).collect())));
    out.push_str(&format!("sendMode = {}\n", list(g.send_mode.iter().map(|m| m.name()).collect())));
    out.push_str(&format!("faults = {}\n", list(g.faults.iter().map(String::as_str).collect())));
    out.push_str(&format!("seeds = {}\n", g.seeds));
    if g.first_seed != Grid::default().first_seed {
        out.push_str(&format!("firstSeed = {}\n", g.first_seed));
    }
    for (k, v) in [("faultAt", &g.fault_at), ("faultJitter", &g.fault_jitter), ("faultDuration", &g.fault_duration), ("preset", &g.preset)] {
        if let Some(v) = v {
            out.push_str(&format!("{k} = {}\n", toml_str(v)));
        }
    }
    if let Some(b) = &g.base {
        out.push_str(&format!("base = {}\n", toml_str(b)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_link_round_trips_and_reads_like_the_form() {
        let d = SweepInputs::default();
        let text = d.to_link();
        assert_eq!(text, "1&flush=SYNC_FLUSH,ASYNC_FLUSH&role=SYNC_MASTER,ASYNC_MASTER&mode=SYNC&fault=POWER_LOSS,DISK_LOST,NONE&seeds=5&messages=1000&interval=2ms");
        assert_eq!(SweepInputs::from_link(&text), (d, None));
    }

    #[test]
    fn closed_loop_and_no_fault_round_trip() {
        let mut i = SweepInputs {
            workload: Workload::Threads("16".into()),
            threads_text: "16".into(),
            fault_at_text: "1s".into(),
            faults: vec![None, Some(FaultKind::PowerLoss)],
            flush: vec![FlushDiskType::AsyncFlush, FlushDiskType::SyncFlush],
            ..SweepInputs::default()
        };
        i.normalise();
        assert_eq!(i.faults, vec![Some(FaultKind::PowerLoss), None]);
        assert_eq!(i.flush, FLUSH_CHOICES.to_vec(), "lists in the form's order");
        assert_eq!(SweepInputs::from_link(&i.to_link()), (i, None));
    }

    #[test]
    fn a_bad_link_names_the_key_and_keeps_what_it_could_read() {
        let (i, p) = SweepInputs::from_link("1&flush=SYNC_FLUSH&role=BOSS&seeds=3");
        assert_eq!(i.flush, vec![FlushDiskType::SyncFlush]);
        assert_eq!(i.seeds_text, "3");
        assert_eq!(i.roles, SweepInputs::default().roles);
        assert!(p.unwrap().contains("`role`"));
        assert!(SweepInputs::from_link("2&flush=x").1.unwrap().contains("version"));
        assert!(SweepInputs::from_link("1&evil=<script>").1.unwrap().contains("unknown key"));
    }

    #[test]
    fn fault_rates_travel_in_the_grid_and_the_link_and_bad_ones_name_their_field() {
        let mut i = SweepInputs::default();
        i.rates_text[0] = "0.25".into();
        let g = i.to_grid().unwrap();
        assert_eq!(g.power_losses_per_year, Some(PerYear(250)));
        assert_eq!((g.disk_failures_per_year, g.process_crashes_per_year), (None, None), "empty: the default");
        assert!(i.to_link().ends_with("&powerLosses=0.25"), "{}", i.to_link());
        assert_eq!(SweepInputs::from_link(&i.to_link()), (i.clone(), None));
        i.rates_text[1] = "often".into();
        assert!(i.to_grid().unwrap_err().text(Lang::En).starts_with("diskFailuresPerYear"));
        i.rates_text[1] = "-1".into();
        assert!(i.to_grid().unwrap_err().text(Lang::En).contains("is not a rate per machine and year"));
        assert!(!SweepInputs::default().to_link().contains("Losses"), "the default link is unchanged");
    }

    #[test]
    fn the_default_inputs_are_the_cores_default_workload() {
        let g = SweepInputs::default().to_grid().unwrap();
        assert_eq!(g.base, None, "1,000 messages every 2 ms is DEFAULT_BASE itself");
        assert_eq!(g.faults, vec!["POWER_LOSS".to_string(), "DISK_LOST".to_string(), "NONE".to_string()]);
        assert_eq!(Plan::new(&g).unwrap().runs(), 2 * 2 * 3 * 5);
    }

    #[test]
    fn a_changed_workload_travels_as_base_toml_the_core_reads_back() {
        let i = SweepInputs {
            messages_text: "300".into(),
            workload: Workload::Threads("4".into()),
            fault_at_text: "200ms".into(),
            ..SweepInputs::default()
        };
        let g = i.to_grid().unwrap();
        let plan = Plan::new(&g).unwrap();
        assert_eq!(plan.base().producer.messages, 300);
        assert_eq!(plan.base().producer.threads, Some(4));
        assert_eq!(plan.base().consumer.start_at, rmq_sim::SimTime::from_ms(60_000), "the rest of DEFAULT_BASE stays");
    }

    #[test]
    fn bad_inputs_name_their_field() {
        let bad = |f: fn(&mut SweepInputs)| {
            let mut i = SweepInputs::default();
            f(&mut i);
            i.to_grid().unwrap_err().text(Lang::En)
        };
        assert!(bad(|i| i.flush.clear()).contains("flushDiskType"));
        assert!(bad(|i| i.seeds_text = "x".into()).starts_with("seeds"));
        assert!(bad(|i| i.messages_text = "0".into()).starts_with("messages"));
        assert!(bad(|i| i.workload = Workload::Interval("soon".into())).starts_with("interval"));
        assert!(bad(|i| i.workload = Workload::Threads("8".into())).contains("faultAt"), "closed loop needs faultAt");
        assert!(bad(|i| i.seeds_text = "1000".into()).contains("seeds"), "too many runs");
    }

    #[test]
    fn releases_are_a_grid_axis_only_when_more_than_4_9_8_is_ticked() {
        assert_eq!(SweepInputs::default().version_axis(), None, "the default sweep and its link stay as they were");
        let mut i = SweepInputs { versions: vec![RocketMqVersion::V5_3_3, RocketMqVersion::V4_9_8], ..SweepInputs::default() };
        i.normalise();
        assert_eq!(i.versions, vec![RocketMqVersion::V4_9_8, RocketMqVersion::V5_3_3], "oldest first, as the form shows them");
        let link = i.to_link();
        assert!(link.starts_with("1&version=4.9.8,5.3.3&flush="), "{link}");
        assert_eq!(SweepInputs::from_link(&link), (i.clone(), None));
        let g = i.to_grid().unwrap();
        assert_eq!(g.version, Some(vec![RocketMqVersion::V4_9_8, RocketMqVersion::V5_3_3]));
        assert_eq!(Plan::new(&g).unwrap().runs(), 2 * 2 * 2 * 3 * 5);
        assert!(grid_toml(&g).starts_with("version = [\"4.9.8\", \"5.3.3\"]\n"), "{}", grid_toml(&g));
        // 5.3.3 alone is an axis too: its cells run 5.3.3, not the workload's 4.9.8.
        let only5 = SweepInputs { versions: vec![RocketMqVersion::V5_3_3], ..SweepInputs::default() };
        assert_eq!(only5.to_grid().unwrap().version, Some(vec![RocketMqVersion::V5_3_3]));
        let none = SweepInputs { versions: vec![], ..SweepInputs::default() };
        assert_eq!(none.to_grid().unwrap_err(), InputError::Empty("version"));
        let (read, problem) = SweepInputs::from_link("1&version=4.9.8,6.0&seeds=2");
        assert!(problem.unwrap().contains("`version`: unknown value `6.0`"));
        assert_eq!(read.seeds_text, "2", "the rest of the link is kept");
    }

    #[test]
    fn the_grid_toml_reads_back_as_the_same_grid() {
        let i = SweepInputs { messages_text: "300".into(), fault_at_text: "100ms".into(), ..SweepInputs::default() };
        let v = SweepInputs { versions: RocketMqVersion::ALL.to_vec(), ..SweepInputs::default() };
        for g in [SweepInputs::default().to_grid().unwrap(), i.to_grid().unwrap(), v.to_grid().unwrap()] {
            let text = grid_toml(&g);
            assert_eq!(Grid::from_toml(&text), Ok(g), "{text}");
        }
    }
}
