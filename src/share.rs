//! Share links and embedding, the pure part (no `web_sys`, tested natively): the page's query
//! (`?preset=…&embed=1&lang=…&caption=…&lock=1&hide=…&id=…`), the `#run=v1.…` fragment, the
//! conversion between a [`Timeline`] + playhead + view options and the core's
//! [`rmq_sim::scenario::link::Link`], and the iframe snippet.
//!
//! A link stores the faults injected during playback in `scenario.faults` with their times, after
//! the scenario's own faults, and `view["inj"]` says how many of the trailing faults were
//! injected. Opening the link puts those back into [`Timeline::injected`], so the replay is the
//! very same sequence of calls as the original run and the event-log digest is identical.
//! (Read as plain scenario faults — e.g. by `losslab run` — the same faults fire *before* the
//! other actions due at the same microsecond instead of after them, which can reorder the log.)

use std::collections::{BTreeMap, BTreeSet};

use rmq_sim::scenario::link::{self, Link, ModelChange};
use rmq_sim::scenario::presets;
use rmq_sim::text::Lang;
use rmq_sim::whatif::Knob;
use rmq_sim::SimTime;

use crate::playback::{Timeline, SPEED_DEFAULT, SPEED_MAX, SPEED_MIN};
use crate::DEFAULT_PRESET;

/// Longest caption kept from the query (characters).
pub const CAPTION_MAX: usize = 200;
/// Longest `id` kept from the query (characters).
pub const ID_MAX: usize = 64;

/// A part of the page that `hide=` can remove.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Panel {
    Log,
    Config,
    Summary,
    Inspector,
    Faults,
    Presets,
    /// The scenario's guided tour (shown only when its file has a `[tour]`).
    Tour,
}

impl Panel {
    pub const ALL: [Panel; 7] = [Panel::Log, Panel::Config, Panel::Summary, Panel::Inspector, Panel::Faults, Panel::Presets, Panel::Tour];

    pub fn name(self) -> &'static str {
        match self {
            Panel::Log => "log",
            Panel::Config => "config",
            Panel::Summary => "summary",
            Panel::Inspector => "inspector",
            Panel::Faults => "faults",
            Panel::Presets => "presets",
            Panel::Tour => "tour",
        }
    }

    pub fn from_name(s: &str) -> Option<Panel> {
        Panel::ALL.into_iter().find(|p| p.name() == s.trim().to_ascii_lowercase())
    }
}

/// `log,config` → {Log, Config}; unknown names are ignored.
///
/// Inserted one by one rather than `collect()`ed: collecting into a `BTreeSet` sorts a vector
/// first, which compiled one more stable-sort instance (3 KB before wasm-opt, 0.2 KB gzip after) for a handful
/// of panels.
pub fn parse_panels(list: &str) -> BTreeSet<Panel> {
    let mut set = BTreeSet::new();
    for p in list.split(',').filter_map(Panel::from_name) {
        set.insert(p);
    }
    set
}

pub fn panels_text(set: &BTreeSet<Panel>) -> String {
    set.iter().map(|p| p.name()).collect::<Vec<_>>().join(",")
}

/// `mount_lab`'s options object as the page gave it, read from JS into plain values (a value of
/// the wrong type is absent; `hide` as a comma list), so that checking it is plain Rust.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModuleOptions {
    pub embed: Option<bool>,
    pub preset: Option<String>,
    pub lang: Option<String>,
    pub caption: Option<String>,
    pub lock: Option<bool>,
    pub hide: Option<String>,
    /// A link body `v1.…` or any URL with `#run=`.
    pub run: Option<String>,
    pub base: Option<String>,
    /// The RocketMQ release to run the preset under (`"5.3.3"`).
    pub version: Option<String>,
}

/// How the lab was started and what it shows: from the page's URL, or from `mount_lab`'s options.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LabOptions {
    /// No page chrome: the diagram, the control bar and the panels not hidden.
    pub embed: bool,
    pub preset: Option<String>,
    pub lang: Option<Lang>,
    pub caption: Option<String>,
    /// No configuration editing, no preset switching.
    pub lock: bool,
    pub hide: BTreeSet<Panel>,
    /// The iframe's `?id=`, echoed in the height messages.
    pub id: Option<String>,
    /// A link body `v1.…` (from `#run=` or the module's `run` option).
    pub run: Option<String>,
    /// `?version=5.3.3`: run the preset under that RocketMQ release (a link carries its own).
    /// Kept as given, so an unknown one is named in the banner.
    pub version: Option<String>,
    /// Where the lab's files are (a module mount passes the module's URL); else the page's directory.
    pub base: Option<String>,
    /// Keep the page's URL in sync (the page owns its URL; a module mount does not).
    pub sync_url: bool,
    /// Post `losslab:height` messages to `window.parent`.
    pub report_height: bool,
    /// Space and arrow keys drive playback (document-wide, so off for module mounts).
    pub keys: bool,
    /// The width (CSS px) of the element a module mount draws into, measured by `mount_lab` before
    /// the first render, so that an embedded lab's first render already has its own arrangement
    /// (`embed::embed_orientation`) rather than the window's; `None` for the lab's own page.
    pub own_width: Option<f64>,
}

impl LabOptions {
    /// Options of the lab page itself: its query string and fragment (`location.search`, `location.hash`).
    pub fn from_url(search: &str, hash: &str) -> LabOptions {
        let mut o = LabOptions { sync_url: true, keys: true, ..LabOptions::default() };
        for (k, v) in query_pairs(search) {
            match k.as_str() {
                "embed" => o.embed = is_true(&v),
                "preset" => o.preset = Some(v),
                "lang" => o.lang = Lang::from_tag(&v),
                "caption" => o.caption = clean_text(&v, CAPTION_MAX),
                "lock" => o.lock = is_true(&v),
                "hide" => o.hide = parse_panels(&v),
                "id" => o.id = clean_text(&v, ID_MAX),
                "version" => o.version = clean_text(&v, 16),
                _ => {}
            }
        }
        o.run = run_in_fragment(hash);
        o.report_height = o.embed;
        o
    }

    /// Options of a lab mounted by the ES module (`mount_lab`), from the values the page gave.
    pub fn from_module(m: ModuleOptions) -> LabOptions {
        let run = m.run.map(|r| run_in_fragment(r.rsplit('#').next().unwrap_or(&r)).unwrap_or(r));
        LabOptions {
            embed: m.embed.unwrap_or(true),
            preset: m.preset,
            lang: m.lang.and_then(|l| Lang::from_tag(&l)),
            caption: m.caption.and_then(|c| clean_text(&c, CAPTION_MAX)),
            lock: m.lock.unwrap_or(false),
            hide: m.hide.map(|h| parse_panels(&h)).unwrap_or_default(),
            id: None,
            run: run.filter(|r| !r.trim().is_empty()),
            base: m.base,
            version: m.version.and_then(|v| clean_text(&v, 16)),
            sync_url: false,
            report_height: false,
            keys: false,
            own_width: None,
        }
    }

    /// Whether `panel` is shown.
    pub fn shows(&self, panel: Panel) -> bool {
        let locked = self.lock && matches!(panel, Panel::Config | Panel::Presets);
        !self.hide.contains(&panel) && !locked
    }

    /// The query string that reproduces these options plus `preset` (`?preset=…` as before for
    /// the full page; the embed parameters too in embed mode).
    pub fn query_for(&self, preset: Option<&str>, lang: Option<Lang>) -> String {
        let mut parts = Vec::new();
        if self.embed {
            parts.push("embed=1".to_string());
        }
        if let Some(p) = preset {
            parts.push(format!("preset={}", percent_encode(p)));
        }
        if let Some(l) = lang.or(self.lang) {
            parts.push(format!("lang={}", l.tag()));
        }
        if self.embed {
            if let Some(c) = &self.caption {
                parts.push(format!("caption={}", percent_encode(c)));
            }
            if self.lock {
                parts.push("lock=1".to_string());
            }
            if !self.hide.is_empty() {
                parts.push(format!("hide={}", panels_text(&self.hide)));
            }
            if let Some(id) = &self.id {
                parts.push(format!("id={}", percent_encode(id)));
            }
        }
        format!("?{}", parts.join("&"))
    }
}

fn is_true(v: &str) -> bool {
    matches!(v.trim(), "" | "1" | "true" | "yes" | "on")
}

/// Drops control characters, trims, caps the length; empty → None. (Yew escapes text, so markup
/// in a caption is shown as text, never run.)
pub fn clean_text(v: &str, max: usize) -> Option<String> {
    let t: String = v.chars().filter(|c| !c.is_control()).take(max).collect();
    let t = t.trim().to_string();
    (!t.is_empty()).then_some(t)
}

/// `?a=1&b=x%20y` → [("a","1"), ("b","x y")] (`+` is a space, as in forms).
pub fn query_pairs(search: &str) -> Vec<(String, String)> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(&k.replace('+', " ")), percent_decode(&v.replace('+', " ")))
        })
        .collect()
}

/// The link body in a fragment `#run=v1.…` (also `#…&run=…`), if any.
pub fn run_in_fragment(hash: &str) -> Option<String> {
    hash.trim_start_matches('#').split('&').find_map(|kv| kv.strip_prefix("run=")).map(percent_decode)
}

/// Decodes `%XX` escapes (invalid ones are kept as they are; invalid UTF-8 becomes U+FFFD).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// View options that travel in a link (`Link::view`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ViewOpts {
    /// Playback speed, simulated seconds per wall second.
    pub speed: Option<f64>,
    /// The message open in the inspector.
    pub selected: Option<u32>,
    pub lang: Option<Lang>,
    /// The preset the run started from (for its claim and `?preset=`).
    pub preset: Option<&'static str>,
    /// Hidden panels.
    pub hide: BTreeSet<Panel>,
    /// Comparison lanes beside the run (`lanes=SYNC_FLUSH,SLAVE`; absent in older links).
    pub lanes: Vec<Knob>,
}

/// At most this many comparison lanes beside the current run (2–4 configurations in all).
pub const MAX_LANES: usize = 3;

/// `SYNC_FLUSH,SLAVE` ↔ knobs, for the share link's `lanes` view option. Unknown ids are
/// skipped, so a link from a newer lab still opens.
pub fn lanes_text(knobs: &[Knob]) -> String {
    knobs.iter().map(|k| k.id()).collect::<Vec<_>>().join(",")
}

pub fn parse_lanes(text: &str) -> Vec<Knob> {
    let mut out: Vec<Knob> = Vec::new();
    for k in text.split(',').filter_map(|id| Knob::from_id(id.trim())) {
        if !out.contains(&k) && out.len() < MAX_LANES {
            out.push(k);
        }
    }
    out
}

/// The run as a link: the timeline's injected faults are appended to the scenario's faults with
/// their times, and `view["inj"]` counts them.
pub fn to_link(timeline: &Timeline, playhead: SimTime, view: &ViewOpts) -> Link {
    let mut scenario = timeline.scenario.clone();
    scenario.faults.extend(timeline.injected.iter().map(|(t, f)| {
        let mut f = f.clone();
        f.at = *t;
        f
    }));
    let mut v = BTreeMap::new();
    if !timeline.injected.is_empty() {
        v.insert("inj".to_string(), timeline.injected.len().to_string());
    }
    if let Some(s) = view.speed {
        v.insert("speed".to_string(), s.to_string());
    }
    if let Some(m) = view.selected {
        v.insert("msg".to_string(), m.to_string());
    }
    if let Some(l) = view.lang {
        v.insert("lang".to_string(), l.tag().to_string());
    }
    if let Some(p) = view.preset {
        v.insert("preset".to_string(), p.to_string());
    }
    if !view.hide.is_empty() {
        v.insert("hide".to_string(), panels_text(&view.hide));
    }
    if !view.lanes.is_empty() {
        v.insert("lanes".to_string(), lanes_text(&view.lanes));
    }
    Link::new(scenario, playhead, v)
}

/// The link body (`v1.…`) of a run.
pub fn encode_run(timeline: &Timeline, playhead: SimTime, view: &ViewOpts) -> String {
    link::encode(&to_link(timeline, playhead, view))
}

/// Markup or script where a link should hold none.
fn carries_script(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.contains('<') || l.contains('>') || l.contains("javascript:") || l.contains("<script")
}

/// What a link reproduces, decoded and checked; every refusal is a sentence for the banner.
pub fn open_link(text: &str) -> Result<(Timeline, SimTime, ViewOpts), String> {
    read_link(text).map(|o| (o.timeline, o.playhead, o.view))
}

/// A link opened: the run it reproduces, and whether it was made with another model.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenedLink {
    pub timeline: Timeline,
    pub playhead: SimTime,
    pub view: ViewOpts,
    /// The link was made with another model version: the run may differ from the author's.
    pub model: Option<ModelChange>,
}

/// [`open_link`], and whether the link's model is this lab's (with the full parser: natively and
/// in the extras module).
pub fn read_link(text: &str) -> Result<OpenedLink, String> {
    match read_link_here(text)? {
        LinkRead::Opened(o) => Ok(*o),
        LinkRead::NeedsParser(u) => {
            let parsed = rmq_sim::scenario::parse_scenario(&u.toml);
            finish_link(u, parsed)
        }
    }
}

/// A link as far as the lab reads it without the `toml` parser.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkRead {
    Opened(Box<OpenedLink>),
    /// Its scenario text is not one a lab wrote (a hand-made link): the full parser, in the
    /// extras module, reads it ([`finish_link`]).
    NeedsParser(link::Unpacked),
}

/// [`read_link`] in the lab: every link a lab wrote opens here; a hand-made one comes back unpacked.
pub fn read_link_here(text: &str) -> Result<LinkRead, String> {
    if carries_script(text) {
        return Err("link: it carries markup or script, so it was refused".to_string());
    }
    match link::decode_here(text).map_err(|e| format!("{}: {}", e.field, e.reason))? {
        link::Decoded::Link(l) => check_link(*l).map(|o| LinkRead::Opened(Box::new(o))),
        link::Decoded::NeedsParser(u) => Ok(LinkRead::NeedsParser(u)),
    }
}

/// An unpacked link finished with what the full parser made of its scenario text.
pub fn finish_link(u: link::Unpacked, parsed: Result<rmq_sim::Scenario, rmq_sim::scenario::ScenarioError>) -> Result<OpenedLink, String> {
    let link = u.finish(parsed).map_err(|e| format!("{}: {}", e.field, e.reason))?;
    check_link(link)
}

fn check_link(link: Link) -> Result<OpenedLink, String> {
    let model = link.model_changed();
    if carries_script(&link.scenario.name) || link.view.values().any(|v| carries_script(v)) {
        return Err("link: it carries markup or script, so it was refused".to_string());
    }
    let mut scenario = link.scenario;
    let inj = match link.view.get("inj") {
        None => 0,
        Some(n) => n.parse::<usize>().map_err(|_| "link: the injected-fault count is not a number".to_string())?,
    };
    if inj > scenario.faults.len() {
        return Err(format!("link: it names {inj} injected faults but holds {}", scenario.faults.len()));
    }
    let injected: Vec<_> = scenario.faults.split_off(scenario.faults.len() - inj).into_iter().map(|f| (f.at, f)).collect();
    if injected.windows(2).any(|w| w[0].0 > w[1].0) {
        return Err("link: its injected faults are out of time order".to_string());
    }
    let v = &link.view;
    let view = ViewOpts {
        speed: v.get("speed").and_then(|s| s.parse::<f64>().ok()).filter(|s| s.is_finite()).map(|s| s.clamp(SPEED_MIN, SPEED_MAX)),
        selected: v.get("msg").and_then(|s| s.parse::<u32>().ok()).filter(|m| *m < scenario.producer.messages),
        lang: v.get("lang").and_then(|s| Lang::from_tag(s)),
        preset: v.get("preset").and_then(|s| presets::find(s)).map(|p| p.id),
        hide: v.get("hide").map(|s| parse_panels(s)).unwrap_or_default(),
        lanes: v.get("lanes").map(|s| parse_lanes(s)).unwrap_or_default(),
    };
    Ok(OpenedLink { timeline: Timeline { scenario, injected }, playhead: link.playhead, view, model })
}

/// Where the lab starts: the run to show, the playhead, the view, and a message when the link
/// (or preset) in the options could not be used.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    pub timeline: Timeline,
    pub playhead: SimTime,
    pub view: ViewOpts,
    /// The preset loaded, if the run is one (shown with its claim).
    pub preset: Option<&'static str>,
    /// Shown in a banner: what was wrong with the link or preset.
    pub problem: Option<String>,
    /// Shown in a note: the link was made with another model, so the run may differ.
    pub model_note: Option<ModelChange>,
    /// A link whose scenario text only the full parser reads (a hand-made one): the lab shows a
    /// loading line, reads it in the extras module and starts with [`finish_start`].
    pub pending: Option<link::Unpacked>,
}

/// The run a link or preset names; a broken link names its problem and the default scenario
/// (or the `preset` option, when valid) is shown instead — never a part of the broken state.
/// A link only the full parser reads comes back `pending`, showing the default meanwhile.
pub fn resolve_start(opts: &LabOptions) -> Start {
    match opts.run.as_deref().map(read_link_here) {
        None => start_from(opts, None),
        Some(Ok(LinkRead::Opened(o))) => start_from(opts, Some(Ok(*o))),
        Some(Ok(LinkRead::NeedsParser(u))) => Start { pending: Some(u), ..start_from(opts, None) },
        Some(Err(e)) => start_from(opts, Some(Err(e))),
    }
}

/// The start of a pending link ([`Start::pending`]) once the full parser read its scenario text
/// (`Err`: the extras module could not be loaded).
pub fn finish_start(opts: &LabOptions, u: link::Unpacked, parsed: Result<Result<rmq_sim::Scenario, rmq_sim::scenario::ScenarioError>, String>) -> Start {
    let opened = match parsed {
        Ok(parsed) => finish_link(u, parsed),
        Err(why) => Err(format!("link: its scenario needs the full TOML parser, which could not be loaded: {why}")),
    };
    start_from(opts, Some(opened))
}

fn start_from(opts: &LabOptions, link: Option<Result<OpenedLink, String>>) -> Start {
    let mut problem = None;
    match link {
        // A valid link to a run larger than the lab holds: named, like a broken one.
        Some(Ok(OpenedLink { timeline, playhead, view, model })) => match crate::lab_limits::check(&timeline.scenario) {
            Err(e) => problem = Some(format!("link: {e}")),
            Ok(()) => {
                let preset = view.preset.filter(|p| presets::load(p).is_some_and(|sc| sc == timeline.scenario));
                return Start { timeline, playhead, preset, view, problem: None, model_note: model, pending: None };
            }
        },
        Some(Err(e)) => problem = Some(e),
        None => {}
    }
    let preset = match opts.preset.as_deref() {
        Some(id) => match presets::find(id) {
            Some(p) => p.id,
            None => {
                problem.get_or_insert(format!("there is no preset `{}`", clean_text(id, 40).unwrap_or_default()));
                DEFAULT_PRESET
            }
        },
        None => DEFAULT_PRESET,
    };
    let scenario = presets::load(preset).unwrap_or_default();
    // Under another release the run is no longer the preset (its claim is about its own release),
    // as when the version selector switches it; the run's link carries the version from then on.
    let (scenario, preset, problem) = match opts.version.as_deref().map(|v| with_version(&scenario, v)) {
        None | Some(Ok(None)) => (scenario, Some(preset), problem),
        Some(Ok(Some(sc))) => (sc, None, problem),
        Some(Err(e)) => (scenario, Some(preset), problem.or(Some(e))),
    };
    Start { timeline: Timeline::new(scenario), playhead: SimTime::ZERO, view: ViewOpts::default(), preset, problem, model_note: None, pending: None }
}

/// `sc` under the release named `version` (`?version=`): `None` when it already is, an error
/// sentence for the banner when the name is unknown or the scenario has a key the release lacks.
pub fn with_version(sc: &rmq_sim::Scenario, version: &str) -> Result<Option<rmq_sim::Scenario>, String> {
    let v = rmq_sim::RocketMqVersion::parse(version).map_err(|e| format!("version: {e}"))?;
    if v == sc.version {
        return Ok(None);
    }
    let text = rmq_sim::scenario::parse::scenario_to_toml(sc);
    // The lab's own text, so the lab reads it without the `toml` parser.
    let parsed = crate::version_switch::switch_here(&text, v).1;
    let parsed = parsed.unwrap_or_else(|| Err(rmq_sim::scenario::ScenarioError::new("version", None, "the switched scenario needs the full TOML parser")));
    parsed.map(Some).map_err(|e| format!("version {v}: {e}"))
}

/// The lab's base URL from a page address: `https://h/losslab/index.html?x#y` → `https://h/losslab/`.
pub fn lab_base(href: &str) -> String {
    let end = href.find(['?', '#']).unwrap_or(href.len());
    let path = &href[..end];
    match path.rfind('/') {
        Some(i) if i + 1 > path.find("://").map_or(0, |p| p + 3) => path[..=i].to_string(),
        _ => format!("{path}/"),
    }
}

/// `scheme://host[:port]` of an http(s) URL, or `None` (an opaque `null` origin, `file:`, junk).
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let ok = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    ok.then(|| format!("{scheme}://{host}"))
}

/// Escapes text for an HTML attribute or element.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The page address of a run: `{base}{query}#run={body}`.
pub fn run_url(base: &str, query: &str, body: &str) -> String {
    let q = if query == "?" { "" } else { query };
    format!("{base}{q}#run={body}")
}

/// Whether the plain query `query` (as [`LabOptions::query_for`] writes it, with no `#run=`) opens
/// exactly this state when loaded: the run is that preset's run as shipped (nothing injected or
/// edited), paused at t = 0 (`cursor` is `None` while playing) at the default speed, nothing
/// selected, no lanes, the language and the hidden panels those the query carries. A lab untouched
/// at a preset's t = 0 then keeps the address `www/first-frame.mjs` draws a first frame for, so a
/// reload draws the diagram before the wasm arrives; anything else needs the `#run=` link.
pub fn query_reproduces(query: &str, timeline: &Timeline, cursor: Option<SimTime>, view: &ViewOpts) -> bool {
    // The cheap refusals first: this runs on every write of the address.
    if cursor != Some(SimTime::ZERO) || view.preset.is_none() || !timeline.injected.is_empty() || view.selected.is_some() || !view.lanes.is_empty() {
        return false;
    }
    // What a load of the plain query starts with, read as the lab reads it (src/app.rs `Lab`).
    let opts = LabOptions::from_url(query, "");
    let start = resolve_start(&opts);
    let hide = if opts.hide.is_empty() { &start.view.hide } else { &opts.hide };
    start.problem.is_none()
        && start.pending.is_none()
        && start.playhead == SimTime::ZERO
        && start.preset == view.preset
        && start.timeline == *timeline
        && start.view.speed.unwrap_or(SPEED_DEFAULT) == view.speed.unwrap_or(SPEED_DEFAULT)
        && start.view.selected == view.selected
        && start.view.lanes == view.lanes
        && *hide == view.hide
        && opts.lang.or(start.view.lang) == view.lang
}

/// The page address that reproduces the state: `{base}{query}` when the plain query does
/// ([`query_reproduces`]), else `{base}{query}#run={body}` with the run at `cursor` (t = 0 while
/// playing).
pub fn page_url(base: &str, query: &str, timeline: &Timeline, cursor: Option<SimTime>, view: &ViewOpts) -> String {
    if query_reproduces(query, timeline, cursor, view) {
        return format!("{base}{query}");
    }
    run_url(base, query, &encode_run(timeline, cursor.unwrap_or(SimTime::ZERO), view))
}

/// The iframe snippet for a run: sandboxed to scripts only, lazy, titled, sized by the host
/// script from the frame's `losslab:height` messages.
pub fn embed_snippet(base: &str, body: &str, title: &str) -> String {
    let src = format!("{base}?embed=1#run={body}");
    format!(
        "<iframe src=\"{}\" title=\"{}\" sandbox=\"allow-scripts\" loading=\"lazy\" style=\"width: 100%; border: 0;\" height=\"560\"></iframe>\n<script src=\"{}\" defer></script>",
        html_escape(&src),
        html_escape(&format!("losslab: {title}")),
        html_escape(&format!("{base}embed/host.js")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playback::{Action, Playback, Run};
    use rmq_sim::report::digest;
    use rmq_sim::scenario::{Fault, FaultKind, FaultTarget};
    use rmq_sim::Sim;

    fn fault(kind: FaultKind, target: FaultTarget) -> Fault {
        Fault { at: SimTime::ZERO, kind, target, duration: None, factor: 10 }
    }

    /// encode → decode → the same timeline, playhead and view, and the same event-log digest.
    fn assert_round_trip(timeline: &Timeline, playhead: SimTime, view: &ViewOpts, what: &str) {
        let want = Run::new(timeline.clone()).report.event_log_digest;
        let body = encode_run(timeline, playhead, view);
        let (tl, ph, v) = open_link(&body).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(ph, playhead, "{what}");
        assert_eq!(&v, view, "{what}");
        assert_eq!(tl.scenario, timeline.scenario, "{what}");
        assert_eq!(Run::new(tl).report.event_log_digest, want, "{what}: same digest after the round trip");
    }

    #[test]
    fn lanes_round_trip_and_skip_unknown_ids() {
        let v = vec![Knob::SyncFlush, Knob::SyncMaster];
        assert_eq!(parse_lanes(&lanes_text(&v)), v);
        assert_eq!(parse_lanes("SYNC_FLUSH,FUTURE_KNOB,SYNC_FLUSH"), vec![Knob::SyncFlush]);
        assert_eq!(parse_lanes(""), Vec::<Knob>::new());
        assert_eq!(parse_lanes("SLAVE,SYNC_FLUSH,SYNC_MASTER,DLQ_CONSUMER").len(), MAX_LANES);
        let v = vec![Knob::SameOn(rmq_sim::RocketMqVersion::V5_3_3), Knob::SyncFlush];
        assert_eq!(lanes_text(&v), "SAME_ON_5.3.3,SYNC_FLUSH");
        assert_eq!(parse_lanes(&lanes_text(&v)), v);
    }

    #[test]
    fn every_preset_round_trips_with_the_same_digest() {
        for p in presets::all() {
            let tl = Timeline::new(presets::load(p.id).expect("preset"));
            let view = ViewOpts { preset: Some(p.id), speed: Some(1.0), ..ViewOpts::default() };
            assert_round_trip(&tl, SimTime::from_ms(1_234), &view, p.id);
        }
    }

    /// Timelines built as the UI builds them: step to events (so a fault lands on the same
    /// microsecond as other actions), seek to odd times, inject.
    fn injected_timelines() -> Vec<(&'static str, Playback)> {
        let mut out = Vec::new();
        let p = Playback::new(presets::load("defaults").expect("preset"));
        let mut q = p.apply(Action::Seek(SimTime(404_321)));
        for _ in 0..3 {
            q = q.apply(Action::Step);
        }
        out.push(("power cut after steps", q.apply(Action::Inject(fault(FaultKind::PowerLoss, FaultTarget::Master)))));
        let two = Playback::new(presets::load("book-recommendation").expect("preset"))
            .apply(Action::Seek(SimTime::from_ms(700)))
            .apply(Action::Step)
            .apply(Action::Inject(Fault { duration: Some(rmq_sim::SimDuration::from_ms(2_000)), ..fault(FaultKind::DiskStall, FaultTarget::Slave) }))
            .apply(Action::Seek(SimTime(2_500_017)))
            .apply(Action::Inject(fault(FaultKind::ProcessCrash, FaultTarget::Master)));
        out.push(("slave stall + master crash", two));
        let consumer = Playback::new(presets::load("max-reconsume-3").expect("preset"))
            .apply(Action::Seek(SimTime::from_ms(50)))
            .apply(Action::Step)
            .apply(Action::Inject(fault(FaultKind::ConsumerCrash, FaultTarget::Consumer)));
        out.push(("consumer crash", consumer));
        out.push(("controller crash, slave2 stop, first-master power cut", controller_timeline()));
        out
    }

    /// Controller mode with two slaves (issue 20), faults injected from the fault panel's new
    /// buttons: the controller crashes for 10 s at 1 s, the second slave stops at 2 s, and at
    /// 40 s — after the failover, broker 0 now a slave — the first master loses power for good.
    fn controller_timeline() -> Playback {
        let secs = |s| Some(rmq_sim::SimDuration::from_secs(s));
        Playback::new(presets::load("v5-controller-failover-all-ack").expect("preset"))
            .apply(Action::Seek(SimTime::from_ms(1_000)))
            .apply(Action::Inject(Fault { duration: secs(10), ..fault(FaultKind::ProcessCrash, FaultTarget::Controller) }))
            .apply(Action::Seek(SimTime::from_ms(2_000)))
            .apply(Action::Inject(fault(FaultKind::SlaveDown, FaultTarget::Slave2)))
            .apply(Action::Seek(SimTime::from_ms(40_000)))
            .apply(Action::Inject(fault(FaultKind::PowerLoss, FaultTarget::FirstMaster)))
    }

    /// The faults the panel injects on the controller, the second slave and the first master
    /// come back from a link as they went in (each applied, none refused), and the what-if's
    /// scenario holds them too.
    #[test]
    fn controller_slave2_and_first_master_faults_survive_a_link() {
        let p = controller_timeline();
        let run = &p.run;
        let applied: Vec<FaultTarget> = run
            .done
            .events()
            .iter()
            .filter_map(|e| match e.kind {
                rmq_sim::EventKind::FaultInjected { target, .. } => Some(target),
                rmq_sim::EventKind::FaultRefused { target, why, .. } => panic!("{target:?} refused: {why}"),
                _ => None,
            })
            .collect();
        assert_eq!(applied, [FaultTarget::Controller, FaultTarget::Slave2, FaultTarget::Master, FaultTarget::FirstMaster]);
        let body = encode_run(&run.timeline, p.cursor, &ViewOpts::default());
        let (tl, _, _) = open_link(&body).expect("the link opens");
        let what = |tl: &Timeline| tl.injected.iter().map(|(t, f)| (*t, f.kind, f.target, f.duration)).collect::<Vec<_>>();
        assert_eq!(what(&tl), what(&run.timeline));
        assert_eq!(Run::new(tl).report.event_log_digest, run.report.event_log_digest);
        // The what-if runs this scenario (the compare module's merged_scenario).
        let whatif = to_link(&run.timeline, SimTime::ZERO, &ViewOpts::default()).scenario;
        let targets: Vec<FaultTarget> = whatif.faults.iter().map(|f| f.target).collect();
        assert_eq!(targets, [FaultTarget::Master, FaultTarget::Controller, FaultTarget::Slave2, FaultTarget::FirstMaster]);
    }

    #[test]
    fn injected_faults_round_trip_with_the_same_digest() {
        for (what, p) in injected_timelines() {
            assert!(!p.run.timeline.injected.is_empty(), "{what}");
            let view = ViewOpts { selected: Some(3), lang: Some(Lang::Zh), ..ViewOpts::default() };
            assert_round_trip(&p.run.timeline, p.cursor, &view, what);
            // The link holds them as scenario faults with their times, after the scenario's own.
            let link = to_link(&p.run.timeline, p.cursor, &view);
            let n = p.run.timeline.scenario.faults.len();
            assert_eq!(link.scenario.faults.len(), n + p.run.timeline.injected.len(), "{what}");
            for (f, (t, _)) in link.scenario.faults[n..].iter().zip(&p.run.timeline.injected) {
                assert_eq!(f.at, *t, "{what}");
            }
        }
    }

    /// A fault due at `t` fires after everything else due at `t`, whether it comes from the
    /// scenario or was injected at `t`: read as plain scenario faults (as `losslab run` reads a
    /// link's scenario), the injected faults replay to the identical digest.
    #[test]
    fn injected_faults_read_as_scenario_faults_replay_identically() {
        for (what, p) in injected_timelines() {
            let link = to_link(&p.run.timeline, p.cursor, &ViewOpts::default());
            let mut s = Sim::new(&link.scenario);
            s.run();
            let replayed = Run::new(p.run.timeline.clone()).report.event_log_digest;
            assert_eq!(digest(s.events()), replayed, "{what}");
        }
    }

    /// A well-formed link to a run larger than the web lab holds is refused by name, and the
    /// default scenario is shown instead (the core and the CLI still accept it).
    #[test]
    fn a_link_over_the_labs_message_cap_names_the_field() {
        let mut sc = presets::load("defaults").expect("preset");
        sc.producer.messages = crate::lab_limits::LAB_MAX_MESSAGES + 1;
        let text = encode_run(&Timeline::new(sc), SimTime::ZERO, &ViewOpts::default());
        let s = resolve_start(&LabOptions { run: Some(text), ..LabOptions::default() });
        let problem = s.problem.expect("refused");
        assert!(problem.starts_with("link: producer.messages"), "{problem}");
        assert!(problem.contains("losslab run"), "{problem}");
        assert_eq!(s.timeline, Timeline::new(presets::load(DEFAULT_PRESET).expect("preset")));
    }

    #[test]
    fn broken_links_name_the_problem_and_fall_back_to_the_default() {
        let p = &injected_timelines()[0].1;
        let good = encode_run(&p.run.timeline, p.cursor, &ViewOpts::default());
        let mut flipped = good.clone().into_bytes();
        let i = flipped.len() / 2;
        flipped[i] = if flipped[i] == b'A' { b'B' } else { b'A' };
        let cases = [
            ("truncated", good[..good.len() * 2 / 3].to_string(), "damaged"),
            ("bit-flipped", String::from_utf8(flipped).expect("ascii"), ""),
            ("oversized", format!("v1.{}", "A".repeat(link::MAX_ENCODED + 10)), "too long"),
            ("script", "v1.<script>alert(1)</script>".to_string(), "script"),
            ("script, percent-encoded", percent_decode("v1.%3Cscript%3Ealert(1)%3C/script%3E"), "script"),
            ("unknown version", format!("v2.{}", &good[3..]), "not supported"),
            ("not a link", "hello".to_string(), "no version"),
        ];
        for (what, text, reason) in cases {
            let opts = LabOptions { run: Some(text.clone()), ..LabOptions::default() };
            let s = resolve_start(&opts);
            let problem = s.problem.unwrap_or_else(|| panic!("{what}: accepted {text:?}"));
            assert!(problem.contains(reason), "{what}: {problem}");
            assert!(problem.starts_with("link"), "{what}: {problem}");
            assert_eq!(s.preset, Some(DEFAULT_PRESET), "{what}");
            assert_eq!(s.timeline, Timeline::new(presets::load(DEFAULT_PRESET).expect("preset")), "{what}");
            assert_eq!(s.playhead, SimTime::ZERO, "{what}");
        }
    }

    #[test]
    fn a_link_whose_scenario_carries_markup_is_refused() {
        let mut sc = presets::load("defaults").expect("preset");
        sc.name = "<img src=x onerror=alert(1)>".to_string();
        let body = encode_run(&Timeline::new(sc), SimTime::ZERO, &ViewOpts::default());
        let e = open_link(&body).expect_err("refused");
        assert!(e.contains("script"), "{e}");
    }

    #[test]
    fn lanes_travel_in_links_and_links_without_them_open_with_none() {
        use Knob;
        let tl = Timeline::new(presets::load("async-flush-power-loss").expect("preset"));
        let view = ViewOpts { lanes: vec![Knob::SyncFlush, Knob::SyncMaster], ..ViewOpts::default() };
        let (_, _, back) = open_link(&encode_run(&tl, SimTime::ZERO, &view)).expect("opens");
        assert_eq!(back.lanes, view.lanes);
        // A link made before lanes existed (no `lanes` key) opens as before.
        let (_, _, old) = open_link(&encode_run(&tl, SimTime::ZERO, &ViewOpts::default())).expect("opens");
        assert!(old.lanes.is_empty());
        // Unknown knob ids (a newer lab) are skipped, not refused.
        let mut link = to_link(&tl, SimTime::ZERO, &ViewOpts::default());
        link.view.insert("lanes".into(), "SYNC_FLUSH,FROM_THE_FUTURE".into());
        let (_, _, v) = open_link(&rmq_sim::scenario::link::encode(&link)).expect("opens");
        assert_eq!(v.lanes, vec![Knob::SyncFlush]);
    }

    /// A link made before the model changed (no model version: every link made before issue 18
    /// item 8) opens the same run, with the note that the model changed since; a link made now
    /// opens without it.
    #[test]
    fn an_old_link_opens_the_same_run_with_a_model_note() {
        let tl = Timeline::new(presets::load("book-recommendation").expect("preset"));
        let view = ViewOpts { preset: Some("book-recommendation"), selected: Some(2), ..ViewOpts::default() };
        let link = to_link(&tl, SimTime::from_ms(1_500), &view);
        assert_eq!(link.model, rmq_sim::scenario::link::MODEL_VERSION);
        let fresh = resolve_start(&LabOptions { run: Some(link::encode(&link)), ..LabOptions::default() });
        assert_eq!((fresh.model_note, fresh.problem), (None, None));
        let old = resolve_start(&LabOptions { run: Some(link::encode(&Link { model: 0, ..link })), ..LabOptions::default() });
        assert_eq!(old.model_note, Some(ModelChange::Older));
        assert_eq!(old.problem, None, "an old link is no broken link");
        assert_eq!((old.timeline, old.playhead, old.view, old.preset), (fresh.timeline, fresh.playhead, fresh.view, fresh.preset));
    }

    /// Every link a lab made opens at once, without the `toml` parser; a hand-made one (a comment
    /// in its scenario text) waits for the extras module's parser, shows the default meanwhile,
    /// and then opens the very run the full parser reads; if the module cannot be loaded, the
    /// banner says so and the default stays.
    #[test]
    fn a_hand_made_link_waits_for_the_full_parser_and_opens_the_same_run() {
        let tl = Timeline::new(presets::load("book-recommendation").expect("preset"));
        let view = ViewOpts { selected: Some(2), ..ViewOpts::default() };
        let made = to_link(&tl, SimTime::from_ms(1_500), &view);
        let opts = LabOptions { run: Some(link::encode(&made)), ..LabOptions::default() };
        let at_once = resolve_start(&opts);
        assert_eq!((at_once.pending.is_none(), at_once.problem.as_deref()), (true, None));
        assert_eq!(at_once.timeline, tl);

        let hand = link::Link { scenario: made.scenario.clone(), ..made.clone() };
        let text = {
            use base64::Engine as _;
            let toml = format!("# by hand\n{}", link::minimal_toml(&hand.scenario)).replace("[broker]", "[broker] # edited");
            let json = serde_json::json!({ "s": toml, "t": hand.playhead.as_us(), "v": hand.view, "m": hand.model });
            let packed = miniz_oxide::deflate::compress_to_vec_zlib(json.to_string().as_bytes(), 9);
            format!("v1.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed))
        };
        let opts = LabOptions { run: Some(text), ..LabOptions::default() };
        let waiting = resolve_start(&opts);
        let u = waiting.pending.clone().expect("waits for the full parser");
        assert_eq!(waiting.timeline, Timeline::new(presets::load(DEFAULT_PRESET).expect("preset")));
        let answer = crate::scenario_text::parse_answer(&u.toml);
        let done = finish_start(&opts, u.clone(), Ok(crate::scenario_text::read_answer(&answer)));
        assert_eq!((done.timeline, done.playhead, done.view, done.problem, done.pending), (at_once.timeline, at_once.playhead, at_once.view, None, None));
        let failed = finish_start(&opts, u, Err("offline".into()));
        assert!(failed.problem.as_deref().is_some_and(|p| p.starts_with("link:") && p.contains("offline")), "{:?}", failed.problem);
        assert_eq!(failed.preset, Some(DEFAULT_PRESET));
    }

    #[test]
    fn a_tampered_injected_count_is_refused() {
        let mut link = to_link(&Timeline::new(presets::load("defaults").expect("preset")), SimTime::ZERO, &ViewOpts::default());
        link.view.insert("inj".into(), "3".into());
        assert!(open_link(&link::encode(&link)).expect_err("refused").contains("injected"));
    }

    #[test]
    fn query_and_fragment_are_parsed() {
        let o = LabOptions::from_url(
            "?embed=1&preset=book-recommendation&lang=zh&caption=Power+cut%3A%20%E6%96%AD%E7%94%B5&lock=1&hide=log,config,bogus&id=lab-2",
            "#run=v1.abc",
        );
        assert!(o.embed && o.lock && o.report_height && o.sync_url);
        assert_eq!(o.preset.as_deref(), Some("book-recommendation"));
        assert_eq!(o.lang, Some(Lang::Zh));
        assert_eq!(o.caption.as_deref(), Some("Power cut: 断电"));
        assert_eq!(o.hide, [Panel::Log, Panel::Config].into_iter().collect());
        assert_eq!(o.id.as_deref(), Some("lab-2"));
        assert_eq!(o.run.as_deref(), Some("v1.abc"));
        assert!(!o.shows(Panel::Config) && !o.shows(Panel::Presets) && o.shows(Panel::Summary));
        assert_eq!(LabOptions::from_url("", "").run, None);
        assert!(!LabOptions::from_url("?embed=0", "").embed);
        assert_eq!(
            o.query_for(Some("book-recommendation"), None),
            "?embed=1&preset=book-recommendation&lang=zh&caption=Power%20cut%3A%20%E6%96%AD%E7%94%B5&lock=1&hide=log,config&id=lab-2"
        );
        assert_eq!(LabOptions::from_url("", "").query_for(None, None), "?");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn the_old_preset_query_still_works() {
        let s = resolve_start(&LabOptions::from_url("?preset=max-reconsume-3", ""));
        assert_eq!(s.preset, Some("max-reconsume-3"));
        assert_eq!(s.problem, None);
        let bad = resolve_start(&LabOptions::from_url("?preset=nope", ""));
        assert_eq!(bad.preset, Some(DEFAULT_PRESET));
        assert!(bad.problem.expect("named").contains("nope"));
    }

    #[test]
    fn a_link_names_its_preset_only_if_the_scenario_is_unchanged() {
        let tl = Timeline::new(presets::load("book-recommendation").expect("preset"));
        let body = encode_run(&tl, SimTime::ZERO, &ViewOpts { preset: Some("book-recommendation"), ..ViewOpts::default() });
        let s = resolve_start(&LabOptions { run: Some(body), ..LabOptions::default() });
        assert_eq!(s.preset, Some("book-recommendation"));
        let mut sc = tl.scenario.clone();
        sc.seed = 99;
        let body = encode_run(&Timeline::new(sc), SimTime::ZERO, &ViewOpts { preset: Some("book-recommendation"), ..ViewOpts::default() });
        assert_eq!(resolve_start(&LabOptions { run: Some(body), ..LabOptions::default() }).preset, None);
    }

    #[test]
    fn origins_of_urls() {
        assert_eq!(origin_of("https://docs.example.com/guide/x.html?a#b").as_deref(), Some("https://docs.example.com"));
        assert_eq!(origin_of("http://127.0.0.1:8080").as_deref(), Some("http://127.0.0.1:8080"));
        for bad in ["null", "", "file:///x", "javascript://alert(1)", "https://", "https://a b/", "https://a\"b/"] {
            assert_eq!(origin_of(bad), None, "{bad}");
        }
    }

    /// What the lab's address shows right after it opened `search` + `hash` and before anything
    /// was touched, as `app.rs` `Lab` builds it: the start's view (speed, selection, language,
    /// preset, hidden panels, lanes), the query `query_for` writes, and the address the URL sync
    /// writes. `lang`: the language the lab settled on when neither the options nor the link say.
    fn untouched(search: &str, hash: &str) -> (Start, ViewOpts, String, String) {
        let opts = LabOptions::from_url(search, hash);
        let start = resolve_start(&opts);
        let view = ViewOpts {
            speed: Some(start.view.speed.unwrap_or(SPEED_DEFAULT)),
            selected: start.view.selected,
            lang: Some(opts.lang.or(start.view.lang).unwrap_or(Lang::En)),
            preset: start.preset,
            hide: if opts.hide.is_empty() { start.view.hide.clone() } else { opts.hide.clone() },
            lanes: start.view.lanes.clone(),
        };
        let query = opts.query_for(view.preset, view.lang);
        let url = page_url("/lab/", &query, &start.timeline, Some(start.playhead), &view);
        (start, view, query, url)
    }

    /// A lab untouched at a preset's t = 0 keeps the plain query as its address (no `#run=`):
    /// the one `www/first-frame.mjs` draws a first frame for, so a reload draws it too. Loading
    /// that address starts the very same run (same timeline, so the same digest), paused at 0.
    #[test]
    fn an_untouched_preset_keeps_the_plain_query() {
        for (search, want) in [
            ("", "/lab/?preset=whole-path&lang=en"),
            ("?preset=async-flush-power-loss", "/lab/?preset=async-flush-power-loss&lang=en"),
            ("?lang=zh&preset=book-recommendation", "/lab/?preset=book-recommendation&lang=zh"),
            // A preset under its own release is the preset; the query need not say the release.
            ("?preset=sync-master-disk-lost&version=4.9.8", "/lab/?preset=sync-master-disk-lost&lang=en"),
            ("?embed=1&preset=whole-path&caption=A%20b&lock=1&hide=log,config&id=x", "/lab/?embed=1&preset=whole-path&lang=en&caption=A%20b&lock=1&hide=log,config&id=x"),
            // An unknown preset: the banner names it and the default opens; its plain address.
            ("?preset=nope", "/lab/?preset=whole-path&lang=en"),
        ] {
            let (start, view, query, url) = untouched(search, "");
            assert_eq!(url, want, "{search}");
            assert!(query_reproduces(&query, &start.timeline, Some(SimTime::ZERO), &view), "{search}");
            let (again, again_view, _, again_url) = untouched(&url["/lab/".len()..], "");
            assert_eq!((&again.timeline, again.playhead, &again_view, &again_url), (&start.timeline, SimTime::ZERO, &view, &url), "{search}: a reload is the same lab");
            assert_eq!(again.problem, None, "{search}");
        }
        // Every preset, and the run a reload starts is the same run, event for event.
        for p in presets::all() {
            let (start, _, _, url) = untouched(&format!("?preset={}", p.id), "");
            assert_eq!(url, format!("/lab/?preset={}&lang=en", p.id));
            assert_eq!(start.timeline, Timeline::new(presets::load(p.id).expect("preset")), "{}", p.id);
        }
        let (start, _, _, url) = untouched("?preset=async-flush-power-loss", "");
        let reloaded = resolve_start(&LabOptions::from_url(&url["/lab/".len()..], ""));
        assert_eq!(Run::new(reloaded.timeline).report.event_log_digest, Run::new(start.timeline).report.event_log_digest);
    }

    /// A `#run=` link that holds exactly an untouched preset at t = 0 (the address every lab
    /// wrote on loading before) is rewritten to the plain query, so the next reload has a frame.
    #[test]
    fn an_untouched_run_link_becomes_the_plain_query() {
        let tl = Timeline::new(presets::load("max-reconsume-3").expect("preset"));
        let view = ViewOpts { speed: Some(SPEED_DEFAULT), lang: Some(Lang::En), preset: Some("max-reconsume-3"), ..ViewOpts::default() };
        let body = encode_run(&tl, SimTime::ZERO, &view);
        let (_, _, _, url) = untouched("?preset=max-reconsume-3&lang=en", &format!("#run={body}"));
        assert_eq!(url, "/lab/?preset=max-reconsume-3&lang=en");
        // One that differs in anything keeps its link.
        let selected = encode_run(&tl, SimTime::ZERO, &ViewOpts { selected: Some(2), ..view.clone() });
        let (_, _, _, url) = untouched("?preset=max-reconsume-3&lang=en", &format!("#run={selected}"));
        assert!(url.starts_with("/lab/?preset=max-reconsume-3&lang=en#run=v1."), "{url}");
    }

    /// Anything that differs from the preset's untouched t = 0 is written as the `#run=` link,
    /// which opens that state.
    #[test]
    fn anything_touched_is_written_as_a_run_link() {
        let (start, view, query, _) = untouched("?preset=async-flush-power-loss&lang=en", "");
        let tl = &start.timeline;
        let at0 = Some(SimTime::ZERO);
        let injected = Playback::new(tl.scenario.clone()).apply(Action::Inject(fault(FaultKind::PowerLoss, FaultTarget::Master))).run.timeline.clone();
        let edited = Timeline::new(rmq_sim::Scenario { seed: tl.scenario.seed + 1, ..tl.scenario.clone() });
        let mut other_release = tl.clone();
        other_release.scenario.version = rmq_sim::RocketMqVersion::V5_3_3;
        let cases: Vec<(&str, &Timeline, Option<SimTime>, ViewOpts, &str)> = vec![
            ("a seek", tl, Some(SimTime::from_ms(1_500)), view.clone(), &query),
            ("playing (no playhead)", tl, None, view.clone(), &query),
            ("a fault injected at 0", &injected, at0, view.clone(), &query),
            ("an edited scenario", &edited, at0, view.clone(), &query),
            ("another release", &other_release, at0, view.clone(), &query),
            ("a user's scenario (no preset)", tl, at0, ViewOpts { preset: None, ..view.clone() }, "?lang=en"),
            ("another speed", tl, at0, ViewOpts { speed: Some(2.0), ..view.clone() }, &query),
            ("a selected message", tl, at0, ViewOpts { selected: Some(0), ..view.clone() }, &query),
            ("a lane", tl, at0, ViewOpts { lanes: vec![Knob::SyncFlush], ..view.clone() }, &query),
            ("a hidden panel the page's query does not carry", tl, at0, ViewOpts { hide: parse_panels("log"), ..view.clone() }, &query),
            ("another language than the query's", tl, at0, ViewOpts { lang: Some(Lang::Zh), ..view.clone() }, &query),
        ];
        for (what, tl, cursor, view, query) in cases {
            assert!(!query_reproduces(query, tl, cursor, &view), "{what}");
            let url = page_url("/lab/", query, tl, cursor, &view);
            let body = url.split_once("#run=").unwrap_or_else(|| panic!("{what}: {url}")).1;
            assert_eq!(&url[..url.len() - body.len() - "#run=".len()], format!("/lab/{query}"), "{what}");
            let (back, at, back_view) = open_link(body).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!((&back, at, &back_view), (tl, cursor.unwrap_or(SimTime::ZERO), &view), "{what}: the link opens that state");
        }
        // Seeking back to 0 with nothing else changed is the untouched lab again.
        assert_eq!(page_url("/lab/", &query, tl, at0, &view), "/lab/?preset=async-flush-power-loss&lang=en");
        // An embed whose query carries its hidden panels keeps the plain query.
        let (start, view, query, url) = untouched("?embed=1&preset=whole-path&hide=summary,log", "");
        assert!(query_reproduces(&query, &start.timeline, Some(SimTime::ZERO), &view));
        assert_eq!(url, "/lab/?embed=1&preset=whole-path&lang=en&hide=log,summary");
    }

    #[test]
    fn urls_and_snippets() {
        assert_eq!(lab_base("https://docs.example.com/losslab/index.html?x=1#run=v1.a"), "https://docs.example.com/losslab/");
        assert_eq!(lab_base("http://127.0.0.1:8080/?preset=a"), "http://127.0.0.1:8080/");
        assert_eq!(lab_base("http://127.0.0.1:8080"), "http://127.0.0.1:8080/");
        assert_eq!(run_url("http://h/", "?", "v1.x"), "http://h/#run=v1.x");
        assert_eq!(run_url("http://h/", "?preset=a", "v1.x"), "http://h/?preset=a#run=v1.x");
        let s = embed_snippet("https://d.example/losslab/", "v1.AbC-_", "A <b> & \"c\"");
        assert!(s.contains("src=\"https://d.example/losslab/?embed=1#run=v1.AbC-_\""), "{s}");
        assert!(s.contains("sandbox=\"allow-scripts\"") && s.contains("loading=\"lazy\""), "{s}");
        assert!(s.contains("title=\"losslab: A &lt;b&gt; &amp; &quot;c&quot;\""), "{s}");
        assert!(s.contains("<script src=\"https://d.example/losslab/embed/host.js\" defer></script>"), "{s}");
    }

    #[test]
    fn a_5_3_3_link_round_trips_with_its_version_lanes_and_digest() {
        let base = presets::load("sync-master-disk-lost").expect("preset");
        let five = with_version(&base, "5.3.3").expect("switches").expect("a change");
        assert_eq!(five.version, rmq_sim::RocketMqVersion::V5_3_3);
        let p = Playback::new(five.clone())
            .apply(Action::Seek(SimTime::from_ms(1_500)))
            .apply(Action::Step)
            .apply(Action::Inject(fault(FaultKind::PowerLoss, FaultTarget::Slave)));
        let view = ViewOpts { lanes: vec![Knob::SameOn(rmq_sim::RocketMqVersion::V4_9_8)], ..ViewOpts::default() };
        assert_round_trip(&p.run.timeline, SimTime::from_ms(2_000), &view, "5.3.3 with an injected fault");
        let link = link::decode(&encode_run(&p.run.timeline, SimTime::ZERO, &view)).unwrap();
        assert!(link::minimal_toml(&link.scenario).contains("version = \"5.3.3\""));
        assert_eq!(link.view.get("lanes").map(String::as_str), Some("SAME_ON_4.9.8"));
        // A 4.9.8 link does not name the version (links made before the switch read the same).
        let old = link::minimal_toml(&base);
        assert!(!old.contains("version"), "{old}");
    }

    #[test]
    fn version_in_the_query_runs_the_preset_under_that_release() {
        let o = LabOptions::from_url("?embed=1&preset=sync-master-disk-lost&version=5.3.3", "");
        assert_eq!(o.version.as_deref(), Some("5.3.3"));
        let s = resolve_start(&o);
        assert_eq!(s.timeline.scenario.version, rmq_sim::RocketMqVersion::V5_3_3);
        assert_eq!(s.problem, None);
        assert_eq!(s.preset, None, "no longer the preset as shipped");
        let same = resolve_start(&LabOptions::from_url("?preset=sync-master-disk-lost&version=4.9.8", ""));
        assert_eq!(same.preset, Some("sync-master-disk-lost"));
        let bad = resolve_start(&LabOptions::from_url("?preset=sync-master-disk-lost&version=6.0", ""));
        assert!(bad.problem.as_deref().is_some_and(|p| p.contains("`4.7.0`, `4.9.8`, `5.3.3`")), "{:?}", bad.problem);
        assert_eq!(bad.timeline.scenario, presets::load("sync-master-disk-lost").unwrap());
        let m = LabOptions::from_module(ModuleOptions { preset: Some("defaults".into()), version: Some("4.7.0".into()), ..Default::default() });
        assert_eq!(resolve_start(&m).timeline.scenario.version, rmq_sim::RocketMqVersion::V4_7_0);
    }
}
