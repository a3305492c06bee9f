//! The picture: producer → master (page cache, commit log on disk) → slave → consume queue →
//! consumer group → `%RETRY%` → `%DLQ%`, plus the lost bin. Stations show the core's state at
//! the playhead (the playback `Sim`); tokens come from [`crate::layout`].

use rmq_sim::event::{bytes, SendError};
use rmq_sim::scenario::{FaultKind, FaultTarget, SendMode};
use rmq_sim::sim::{Node, NodeState};
use rmq_sim::{EventKind, SimTime};
use yew::prelude::*;

use super::token_canvas::{Frame, FrameBufs, TokenCanvas, TokenList};
use crate::i18n::{t, tf, Key, Lang};
use crate::layout::{self, canvas, station, Motion, Orientation, Rect, StationId};
use crate::playback::{Action, Playback};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub pb: Playback,
    pub orientation: Orientation,
    pub dispatch: Callback<Action>,
}

fn boxed(area: Rect, pad: f64, title: &str, sub: String, class: &'static str) -> Html {
    boxed_with(area, pad, 0.0, title, sub, class)
}

/// A label fitted to its room (see [`layout::fit_label`]): when drawn smaller than the stylesheet
/// asks, its size rides in `--fit` (the stylesheet's `min(…, var(--fit))`, so it never grows);
/// when cut, the full text is its tooltip.
fn fitted(class: &'static str, x: f64, y: f64, full: &str, fit: &layout::Fit, px: f64) -> Html {
    let style = (fit.px < px).then(|| format!("--fit: {:.2}px", fit.px));
    let tip = fit.changed(px).then(|| html! { <title>{full.to_string()}</title> });
    html! {
        <text {class} x={format!("{x:.1}")} y={format!("{y:.1}")} {style} data-full={full.to_string()}>{ for tip }{fit.text.clone()}</text>
    }
}

/// A station's box with its title and subtitle, each fitted to the box's width less `reserve`
/// units at the right (the master's version badge), so that no label runs out of its box at any
/// size: smaller when long, cut with an ellipsis (full text in the tooltip) when very long.
fn boxed_with(area: Rect, pad: f64, reserve: f64, title: &str, sub: String, class: &'static str) -> Html {
    let (x, y, w, h) = (area.x - pad, area.y - 34.0, area.w + 2.0 * pad, area.h + 34.0 + pad);
    let room = layout::title_room(area, pad, reserve);
    let tf_ = layout::fit_label(title, room, layout::TITLE_PX, layout::TITLE_MIN_PX, true);
    let sf = layout::fit_label(&sub, layout::title_room(area, pad, 0.0), layout::SUB_PX, layout::SUB_MIN_PX, false);
    html! {
        <g class={classes!("station", class)}>
            <rect x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} rx="8" />
            { fitted("st-title", x + 8.0, y + 15.0, title, &tf_, layout::TITLE_PX) }
            { fitted("st-sub", x + 8.0, y + 28.0, &sub, &sf, layout::SUB_PX) }
        </g>
    }
}

/// The release the master runs, as a short badge at the right end of its title line (so it fits
/// the narrowest box: a 690 px embed's compact picture, a phone's tall one); the full name is its
/// tooltip and in the picture's accessible name.
fn version_badge(area: Rect, pad: f64, version: rmq_sim::scenario::RocketMqVersion) -> Html {
    let (bx, by, bw, bh) = badge_box(area, pad, version.name());
    html! {
        <g class="st-version" data-testid="master-version" data-version={version.name()}>
            <title>{format!("RocketMQ {version}")}</title>
            <rect x={format!("{bx:.1}")} y={format!("{by:.1}")} width={format!("{bw:.1}")} height={format!("{bh:.1}")} rx="7" />
            <text x={format!("{:.1}", bx + bw / 2.0)} y={format!("{:.1}", by + 10.5)} text-anchor="middle">{version.name()}</text>
        </g>
    }
}

/// The version badge's box (x, y, width, height) in a station drawn around `area`: right-aligned
/// on the title line, 6 units in from the station's edge, wide enough for `text` at the badge's
/// largest font (11 px: a digit is about 0.6 em, a dot 0.3 em).
pub fn badge_box(area: Rect, pad: f64, text: &str) -> (f64, f64, f64, f64) {
    let (x, y, w) = (area.x - pad, area.y - 34.0, area.w + 2.0 * pad);
    let glyphs: f64 = text.chars().map(|c| if c == '.' { 3.3 } else { 6.6 }).sum();
    let bw = glyphs + 12.0;
    (x + w - 6.0 - bw, y + 4.5, bw, 14.0)
}

/// The title room the version badge takes (its width and a gap before it).
fn badge_reserve(text: &str) -> f64 {
    badge_box(Rect { x: 0.0, y: 0.0, w: 100.0, h: 0.0 }, 0.0, text).2 + 6.0
}

fn region(area: Rect, label: &str) -> Html {
    html! {
        <g class="region">
            <rect x={area.x.to_string()} y={area.y.to_string()} width={area.w.to_string()} height={area.h.to_string()} rx="4" />
            <text class="rg-label" x={(area.x + area.w - 4.0).to_string()} y={(area.y + area.h - 4.0).to_string()}>{label.to_string()}</text>
        </g>
    }
}

/// The node's fault state in words (and an icon), or None when healthy.
pub fn node_badge(n: &Node, now: SimTime, lang: Lang) -> Option<String> {
    let down = match n.state {
        NodeState::Up => None,
        NodeState::ProcessDown => Some(t(lang, Key::BadgeProcessDown)),
        NodeState::MachineDown => Some(t(lang, Key::BadgeMachineOff)),
        NodeState::Stopped => Some(t(lang, Key::BadgeStopped)),
    };
    let restart = n.restart_at.filter(|r| *r > now).map(|r| tf(lang, Key::BadgeBackAt, &[&r])).unwrap_or_default();
    if let Some(d) = down {
        return Some(format!("{d}{restart}"));
    }
    node_badge_short(n, now, lang)
}

/// The node's fault state without when it comes back ("✕ process down"): a narrow plate's words
/// when the whole badge does not fit ([`badge_fit`]).
pub fn node_badge_short(n: &Node, now: SimTime, lang: Lang) -> Option<String> {
    match n.state {
        NodeState::Up => {}
        NodeState::ProcessDown => return Some(t(lang, Key::BadgeProcessDown).to_string()),
        NodeState::MachineDown => return Some(t(lang, Key::BadgeMachineOff).to_string()),
        NodeState::Stopped => return Some(t(lang, Key::BadgeStopped).to_string()),
    }
    if n.stalled_until.is_some_and(|u| u > now) {
        return Some(t(lang, Key::BadgeStalled).to_string());
    }
    (n.slow_factor > 1).then(|| tf(lang, Key::BadgeSlow, &[&n.slow_factor]))
}


/// A badge's plate width for `s` at its full size (11.5 px bold).
fn badge_width(s: &str) -> f64 {
    layout::text_width(s, 7.0) + 16.0
}

/// A badge's plate centred in `area` and its scale (1 = 11.5 px text on a 22-unit plate): smaller
/// (down to 8.5 px) where the area is narrower than the plate (a phone's slave) or lower than 22.
pub fn badge_plate(area: Rect, s: &str) -> (Rect, f64) {
    let (cx, cy) = area.center();
    let need = badge_width(s);
    let k = (area.w / need).min(area.h / 22.0).clamp(8.5 / 11.5, 1.0);
    let (w, h) = ((need * k).min(area.w), 22.0 * k);
    (Rect { x: cx - w / 2.0, y: cy - h / 2.0, w, h }, k)
}

/// The slave's badge's area: the gap between its page cache and its disk, whose tokens stay
/// readable (centred on both regions it sat across the page cache's token row in the embeds'
/// compact picture).
pub fn slave_badge_area(o: Orientation) -> Rect {
    let (c, d) = (station(o, StationId::SlaveCache), station(o, StationId::SlaveDisk));
    Rect { x: c.x, y: c.y + c.h, w: c.w, h: d.y - (c.y + c.h) }
}

/// A fault state written across a region, on a plate so it stays readable over tokens
/// ([`badge_plate`]).
fn badge(area: Rect, text: Option<String>, short: Option<String>) -> Html {
    let Some(s) = text else { return html! {} };
    let (p, k, fit) = badge_fit(area, &s, short.as_deref());
    let style = (k < 1.0).then(|| format!("font-size: {:.2}px", 11.5 * k));
    let cx = p.x + p.w / 2.0;
    let tip = fit.clipped.then(|| html! { <title>{s.clone()}</title> });
    html! {
        <g class="badge">
            { for tip }
            <rect x={p.x.to_string()} y={p.y.to_string()} width={p.w.to_string()} height={p.h.to_string()} rx={(p.h / 2.0).to_string()} />
            <text x={cx.to_string()} y={(p.y + p.h / 2.0 + 4.0 * k).to_string()} text-anchor="middle" {style}>{fit.text}</text>
        </g>
    }
}

/// A badge's plate, scale and text. Where even the smallest plate is narrower than the words (a
/// phone's slave: "✕ process down, back at 30.250s" ran past its plate), the `short` words
/// ("✕ process down") if they fit, else the words cut to the plate with an ellipsis; the whole
/// words are then the badge's tooltip (`Fit::clipped`).
fn badge_fit(area: Rect, s: &str, short: Option<&str>) -> (Rect, f64, layout::Fit) {
    let min_k = 8.5 / 11.5;
    let fits = |s: &str| badge_width(s) * min_k <= area.w + 1e-9;
    let whole = |s: &str| {
        let (p, k) = badge_plate(area, s);
        (p, k, layout::Fit { text: s.to_string(), px: 11.5 * k, clipped: false })
    };
    if fits(s) {
        return whole(s);
    }
    match short {
        Some(short) if fits(short) => {
            let (p, k, f) = whole(short);
            (p, k, layout::Fit { clipped: true, ..f })
        }
        _ => {
            let (p, k) = badge_plate(area, s);
            let per_char = 7.0 * k;
            let room = ((p.w - 16.0 * k) / per_char).floor().max(1.0) as usize;
            let cut: String = s.chars().take(room.saturating_sub(1)).collect::<String>().trim_end().to_string() + "…";
            (p, k, layout::Fit { text: cut, px: 11.5 * k, clipped: true })
        }
    }
}

/// The flush gauge: written vs flushed offset of a commit log.
fn gauge(x: f64, y: f64, w: f64, n: &Node, lang: Lang) -> Html {
    let s = &n.store;
    let f = layout::fraction(s.flushed, s.written.max(1));
    let flushed = tf(lang, Key::GaugeOnDisk, &[&bytes(s.flushed)]);
    let dirty = tf(lang, Key::GaugeMemory, &[&bytes(s.dirty())]);
    // Both labels on one line under the bar: the left one in at most half of it when together they
    // do not fit, the right one in what it leaves
    // (a phone's master: "on disk 11.4 MiB" ran into "66.1 KiB memory only").
    let both = layout::label_width(&flushed, layout::RG_PX, false) + layout::label_width(&dirty, layout::RG_PX, true) + 8.0;
    let fl = layout::fit_label(&flushed, if both <= w { w } else { w / 2.0 - 4.0 }, layout::RG_PX, 9.0, false);
    let right = w - layout::label_width(&fl.text, fl.px, false) - 8.0;
    let fr = layout::fit_label(&dirty, right, layout::RG_PX, 9.0, true);
    html! {
        <g class="gauge">
            <title>{t(lang, Key::GaugeTitle)}</title>
            <rect class="g-bg" x={x.to_string()} y={y.to_string()} width={w.to_string()} height="8" rx="4" />
            <rect class="g-fill" x={x.to_string()} y={y.to_string()} width={(w * f).to_string()} height="8" rx="4" />
            { fitted("g-label", x, y + 20.0, &flushed, &fl, layout::RG_PX) }
            <g text-anchor="end">{ fitted(if s.dirty() > 0 { "g-label g-dirty has" } else { "g-label g-dirty" }, x + w, y + 20.0, &dirty, &fr, layout::RG_PX) }</g>
        </g>
    }
}

fn send_mode(m: SendMode, lang: Lang) -> &'static str {
    t(
        lang,
        match m {
            SendMode::Sync => Key::SendSync,
            SendMode::Async => Key::SendAsync,
            SendMode::Oneway => Key::SendOneway,
        },
    )
}

/// The last few answers the producer received in the first `n` events, newest first. With the
/// gRPC client (`grpc_attempts`: its `maxAttempts`), each failed attempt it resent is a line too,
/// with the error code the proxy (or the client's deadline) gave it.
fn answers(ev: &[rmq_sim::Event], n: usize, max: usize, grpc_attempts: Option<u32>, lang: Lang) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for e in ev[..n].iter().rev().take(4_000) {
        let item = match &e.kind {
            EventKind::AttemptFailed { msg, attempt, error } => match (grpc_attempts, error.grpc_code()) {
                (Some(max), Some(code)) if *attempt < max => Some((format!("↻ {msg} {attempt}/{max} {code}"), "ans-warn")),
                _ => None,
            },
            EventKind::SendFailed { msg, error, .. } if grpc_attempts.is_some() && error.grpc_code().is_some() => {
                Some((format!("✕ {msg} {}", error.grpc_code().unwrap_or_default()), "ans-err"))
            }
            EventKind::SendAnswered { msg, status, callback, .. } => {
                let how = if *callback { "onSuccess " } else { "" };
                let (class, sym) = if status.name() == "SEND_OK" { ("ans-ok", "✓") } else { ("ans-warn", "⚠") };
                Some((format!("{sym} {msg} {how}{}", status.name()), class))
            }
            EventKind::SendReturnedEarlierResult { msg, status, .. } => {
                Some((format!("⚠ {msg} {}", status.name()), "ans-warn"))
            }
            EventKind::SendFailed { msg, error, callback } => {
                let how = if *callback { "onException " } else { "" };
                Some((format!("✕ {msg} {how}{}", short_error(*error)), "ans-err"))
            }
            EventKind::OnewaySent { msg } => Some((format!("– {msg} {}", t(lang, Key::OnewayNoAnswer)), "ans-none")),
            _ => None,
        };
        out.extend(item);
        if out.len() >= max {
            break;
        }
    }
    out
}

/// `s` cut to `n` characters with an ellipsis (the full text stays in the tooltip).
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn short_error(e: SendError) -> &'static str {
    e.name()
}

/// What the producer station shows that only changes when an event passes the playhead: how many
/// messages were sent, and the last answers. Recomputed per event, not per frame.
#[derive(PartialEq)]
struct ProducerFeed {
    sent: usize,
    answers: Vec<(String, &'static str)>,
}

fn producer_view(pb: &Playback, o: Orientation, lang: Lang, feed: &ProducerFeed) -> Html {
    let area = station(o, StationId::Producer);
    let sc = &pb.run.timeline.scenario;
    let cut = pb.run.fault_active(FaultKind::NetworkPartition, FaultTarget::Producer, pb.cursor);
    let link = if cut { t(lang, Key::LinkCut) } else { "" };
    let grpc = sc.producer.client == rmq_sim::scenario::Client::Grpc;
    let mode = if grpc { t(lang, Key::ProducerGrpc) } else { send_mode(sc.producer.send_mode, lang) };
    let sub = tf(lang, Key::ProducerSub, &[&mode, &feed.sent, &sc.producer.messages]) + link;
    // The gRPC client's settings take the feed's top line (issue 21: the station said "SYNC send").
    let lines = layout::feed_lines(o);
    let settings = if grpc { settings_lines(&sc.producer, area.w - 4.0, lang) } else { Vec::new() };
    let mut feed = feed.answers.clone();
    feed.truncate(lines - settings.len());
    let max_chars = layout::feed_chars(o);
    let base = area.y + area.h - 6.0 - layout::FEED_PITCH * (feed.len() as f64 - 1.0).max(0.0);
    let full = settings.join(" · ");
    let settings = (!settings.is_empty()).then(|| {
        html! {
            <g data-testid="grpc-settings" data-full={full}>
                { for settings.iter().enumerate().map(|(i, s)| {
                    let fit = layout::fit_label(s, area.w - 4.0, GRPC_SETTINGS_PX, 7.5, false);
                    let y = area.y + area.h - 6.0 - layout::FEED_PITCH * (lines as f64 - 1.0 - i as f64);
                    fitted("grpc-settings", area.x + 2.0, y, s, &fit, GRPC_SETTINGS_PX)
                }) }
            </g>
        }
    });
    html! {
        <>
            { boxed(area, 8.0, t(lang, Key::StProducer), sub, if cut { "st-producer st-down" } else { "st-producer" }) }
            { for settings }
            <g class="answers">
                { for feed.into_iter().enumerate().map(|(i, (s, c))| html! {
                    <text class={c} x={(area.x + 2.0).to_string()} y={(base + layout::FEED_PITCH * i as f64).to_string()}>
                        <title>{s.clone()}</title>{clip(&s, max_chars)}
                    </text>
                }) }
            </g>
        </>
    }
}

/// The master's station: its page cache and its disk.
fn master_outer(o: Orientation) -> Rect {
    let cache = station(o, StationId::MasterCache);
    let disk = station(o, StationId::MasterDisk);
    Rect { x: cache.x, y: cache.y, w: cache.w, h: disk.y + disk.h - cache.y }
}

fn master_view(pb: &Playback, o: Orientation, lang: Lang) -> Html {
    let sc = &pb.run.timeline.scenario;
    let live = pb.live.borrow();
    let m = live.master();
    let cache = station(o, StationId::MasterCache);
    let disk = station(o, StationId::MasterDisk);
    let outer = master_outer(o);
    let sub = format!("{} · {}", sc.broker.flush_disk_type.name(), sc.broker.broker_role.name());
    let (title, sub) = match broker_words(&live, m, lang) {
        Some((title, epoch)) => (title, tf(lang, Key::EpochSub, &[&epoch, &sc.broker.flush_disk_type.name()])),
        None => (t(lang, Key::StMaster).to_string(), sub),
    };
    html! {
        <g data-testid="broker" data-broker={m.broker_id.to_string()} data-role="master" data-epoch={m.ha_epoch.to_string()}
           data-in-sync={in_sync(&live, m).map(|b| b.to_string())} data-up={m.is_up().to_string()}>
            { boxed_with(outer, 8.0, badge_reserve(sc.version.name()), &title, sub, if m.is_up() { "st-master" } else { "st-master st-down" }) }
            { version_badge(outer, 8.0, sc.version) }
            { region(cache, t(lang, Key::RegionCache)) }
            { region(disk, t(lang, Key::RegionDisk)) }
            { gauge(cache.x, cache.y + cache.h + 8.0, cache.w, m, lang) }
            { confirm_tick(&live, Rect { x: cache.x, y: cache.y + cache.h + 6.0, w: cache.w, h: 12.0 }, m.store.written, lang) }
        </g>
    }
}

/// The replication line's size (www/style.css `.repl-wait`).
const REPL_PX: f64 = 10.5;

/// What the master waits for before answering, on the replication link between the master and
/// the slave (the core's sentence, `rmq_sim::text::replication_wait`): the version on the
/// picture where it matters most. Cut to the room there is; the full line is its tooltip.
fn replication_wait_view(pb: &Playback, o: Orientation, lang: Lang) -> Html {
    let sc = &pb.run.timeline.scenario;
    let Some(line) = rmq_sim::text::replication_wait(sc, lang) else { return html! {} };
    let (w, _) = canvas(o);
    let disk = station(o, StationId::MasterDisk);
    let slave = station(o, StationId::SlaveCache);
    // Between the master's box and the slave's: below the master in the wide and compact
    // pictures, under both brokers in the tall one (the slave sits beside the master there).
    let (x, y) = if slave.y > disk.y + disk.h {
        (disk.x - 6.0, (disk.y + disk.h + 8.0 + slave.y - 34.0) / 2.0 + 4.0)
    } else {
        (disk.x - 6.0, disk.y + disk.h + 20.0)
    };
    // Fitted by its drawn width (Chinese runs wider than a count of characters allows).
    let fit = layout::fit_label(&format!("⇣ {line}"), w - x - 8.0, REPL_PX, 8.5, false);
    let style = (fit.px < REPL_PX).then(|| format!("font-size: {:.2}px", fit.px));
    let waits = if sc.broker.enable_controller_mode {
        sc.broker.all_ack_in_sync_state_set || sc.broker.in_sync_replicas >= 2
    } else {
        sc.broker.broker_role == rmq_sim::scenario::BrokerRole::SyncMaster
    };
    html! {
        <text class={classes!("repl-wait", waits.then_some("sync"))} data-testid="replication-wait" x={x.to_string()} y={y.to_string()} {style}>
            <title>{line.clone()}</title>{fit.text}
        </text>
    }
}

fn slave_view(pb: &Playback, o: Orientation, lang: Lang) -> Html {
    let live = pb.live.borrow();
    let cache = station(o, StationId::SlaveCache);
    let disk = station(o, StationId::SlaveDisk);
    let outer = Rect { x: cache.x, y: cache.y, w: cache.w, h: disk.y + disk.h - cache.y };
    let Some(s) = live.slave() else {
        return boxed(outer, 8.0, t(lang, Key::StSlave), t(lang, Key::NotConfigured).into(), "st-slave st-off");
    };
    let ha = live.ha();
    let link = if ha.link(rmq_sim::NodeId::Slave).link_down_until.is_some_and(|u| u > pb.cursor) {
        Key::LinkPartitioned
    } else if ha.conns.iter().any(|c| c.slave == rmq_sim::NodeId::Slave) {
        Key::Connected
    } else {
        Key::NotConnected
    };
    let mut full = tf(lang, Key::SlaveSub, &[&t(lang, link), &bytes(ha.push2slave)]);
    let title = match broker_words(&live, s, lang) {
        Some((title, epoch)) => {
            full = format!("{full} · epoch {epoch}");
            title
        }
        None => t(lang, Key::StSlave).to_string(),
    };
    // Where the whole line does not fit the box (the phone's narrow slave), the shorter form: the
    // link state as the subtitle, the acknowledged offset on its own line in the page-cache area.
    let (sub, acked) = match layout::split_sub(&full, layout::title_room(outer, 8.0, 0.0)) {
        Some((head, tail)) => (head, Some(tail)),
        None => (full, None),
    };
    let st = &s.store;
    let fill = |a: Rect, part: u64| {
        let w = a.w * layout::fraction(part, live.master().store.written.max(st.written).max(1));
        html! { <rect class="s-fill" x={a.x.to_string()} y={a.y.to_string()} width={w.to_string()} height={a.h.to_string()} rx="4" /> }
    };
    let whole = live.master().store.written.max(st.written).max(1);
    html! {
        <g data-testid="broker" data-broker={s.broker_id.to_string()} data-role="slave" data-epoch={s.ha_epoch.to_string()}
           data-in-sync={in_sync(&live, s).map(|b| b.to_string())} data-up={s.is_up().to_string()}>
            { boxed(outer, 8.0, &title, sub, if s.is_up() { "st-slave" } else { "st-slave st-down" }) }
            { region(cache, "") }{ fill(cache, st.written) }
            { confirm_tick(&live, Rect { h: 4.0, ..cache }, whole, lang) }
            <text class="rg-label start" x={(cache.x + 4.0).to_string()} y={(cache.y + 14.0).to_string()}>{tf(lang, Key::SlaveCache, &[&bytes(st.written)])}</text>
            { for acked.map(|a| {
                let fit = layout::fit_label(&a, cache.w - 4.0, layout::RG_PX, 8.5, false);
                fitted("rg-label start", cache.x + 2.0, cache.y + 28.0, &a, &fit, layout::RG_PX)
            }) }
            { region(disk, "") }{ fill(disk, st.flushed) }
            <text class="rg-label start" x={(disk.x + 4.0).to_string()} y={(disk.y + 14.0).to_string()}>{tf(lang, Key::SlaveDisk, &[&bytes(st.flushed)])}</text>
        </g>
    }
}

/// The consume-queue station: one small lane per queue of `TopicTest` (`writeQueueNums`, spec §5),
/// filled to the consumer's offset in that queue out of the queue's max offset; a queue the group
/// does not read (at or above `readQueueNums`) is drawn dashed and never fills. With the gRPC (POP)
/// consumer the client keeps no offset: the lanes fill to the broker's offset, which moves when it
/// pops a message (before any ack), and the lines say what the checkpoints hold (issue 24 item 7:
/// the station said "consumed to 0 of 10" with every message delivered).
/// The remoting consumer's line under the consume queue: whole, and split into head and tail for
/// a narrow station. "consumed to 15 of 3" read as a contradiction after a power loss cut the
/// master's queue below what the consumer had read: then it says the queue's length now.
pub fn consumed_texts(lang: Lang, offset: u64, len: u64) -> (String, String, String) {
    let head = tf(lang, Key::ConsumedToHead, &[&offset]);
    if offset > len {
        (tf(lang, Key::ConsumedToCut, &[&offset, &len]), head, tf(lang, Key::ConsumedToCutTail, &[&len]))
    } else {
        (tf(lang, Key::ConsumedTo, &[&offset, &len]), head, tf(lang, Key::ConsumedToTail, &[&len]))
    }
}

fn queue_view(pb: &Playback, o: Orientation, lang: Lang) -> Html {
    let live = pb.live.borrow();
    let topic = &pb.run.timeline.scenario.topic;
    let pop = pb.run.timeline.scenario.consumer.client == rmq_sim::scenario::Client::Grpc;
    let a = station(o, StationId::ConsumeQueue);
    // A POP receive goes where the proxy's read route points (`proxy.rs`): the master, or the
    // slave once that route lists no master (outside controller mode).
    let read = if pop { live.pop_reads_from() } else { live.route() };
    let node = if read == rmq_sim::NodeId::Slave { live.slave() } else { Some(live.master()) };
    let n = topic.write_queue_nums.max(topic.read_queue_nums).max(1) as usize;
    let lens: Vec<u64> =
        (0..n).map(|q| node.map_or(0, |nd| nd.store.queue(rmq_sim::event::Topic::Main, q as u8).len() as u64)).collect();
    let len: u64 = lens.iter().sum();
    let cv = live.consumer_view();
    let offsets: Vec<Option<u64>> = if pop {
        let stored = |q: usize| node.map_or(0, |nd| nd.offsets.get(&rmq_sim::event::QueueKind::Main(q as u8)).copied().unwrap_or(0));
        (0..n).map(|q| (q < topic.read_queue_nums as usize).then(|| stored(q))).collect()
    } else {
        (0..n).map(|q| cv.main_offsets.get(q).copied()).collect()
    };
    let lines = if pop {
        let popped: u64 = offsets.iter().flatten().sum();
        let trace = live.pop_trace();
        let acked = trace.iter().filter(|p| matches!(p.end, Some((_, rmq_sim::sim::PopEnd::Acked)))).count();
        // (A slave's pop has no checkpoint: nothing open.)
        let open = trace.iter().filter(|p| p.end.is_none() && p.node == rmq_sim::NodeId::Master).count();
        let acks = tf(lang, Key::PopQueueAcks, &[&acked, &open]);
        let to = tf(lang, Key::PopQueueTo, &[&popped, &len]);
        let (head, tail) = (tf(lang, Key::PopQueueToHead, &[&popped]), tf(lang, Key::ConsumedToTail, &[&len]));
        layout::pop_lines(o, &format!("{to} · {acks}"), &to, &head, &tail, &acks)
    } else {
        let (whole, head, tail) = consumed_texts(lang, cv.main_offset, len);
        layout::consumed_lines(o, &whole, &head, &tail)
    };
    let vertical = a.h > a.w;
    // The broker the consumer reads from: in the subtitle, or on a line above the lanes.
    let full = format!("TopicTest ×{n} · {}", t(lang, crate::narrate::node_word(read)));
    let (sub, route) = layout::queue_sub(o, &full);
    let drop = if route.is_some() { layout::QUEUE_ROUTE_H } else { 0.0 };
    let bar = layout::queue_bar(o, drop, lines.len());
    let gap = if n > 16 { 0.5 } else { 2.0 };
    let lane_w = ((bar.w - gap * (n - 1) as f64) / n as f64).max(0.5);
    let lanes = (0..n).map(|q| {
        let x = bar.x + q as f64 * (lane_w + gap);
        let max = lens[q];
        let offset = offsets[q];
        let f = offset.map_or(0.0, |off| layout::fraction(off, max.max(1)));
        let (fw, fh) = if vertical { (lane_w, bar.h * f) } else { (lane_w * f, bar.h) };
        let tip = match offset {
            Some(off) if pop => format!("TopicTest#{q}: maxOffset={max} popOffset={off} (POP)"),
            Some(off) => format!("TopicTest#{q}: maxOffset={max} consumerOffset={off}"),
            None => format!("TopicTest#{q}: maxOffset={max}, not read (readQueueNums = {})", topic.read_queue_nums),
        };
        let dash = if offset.is_none() { "2 2" } else { "none" };
        html! {
            <g class="q-lane">
                <title>{tip}</title>
                <rect class="q-bg" x={x.to_string()} y={bar.y.to_string()} width={lane_w.to_string()} height={bar.h.to_string()} rx="2"
                    stroke={if offset.is_none() { "currentColor" } else { "none" }} stroke-dasharray={dash} fill-opacity={if offset.is_none() { "0.3" } else { "1" }} />
                <rect class="q-fill" x={x.to_string()} y={bar.y.to_string()} width={fw.to_string()} height={fh.to_string()} rx="2" />
            </g>
        }
    });
    html! {
        <>
            { boxed(a, 8.0, t(lang, Key::StQueue), sub, "st-queue") }
            { for route.map(|r| {
                let fit = layout::fit_label(&r, a.w - 4.0, layout::RG_PX, 8.5, false);
                html! {
                    <g class="q-route" data-testid="queue-route">
                        <title>{tf(lang, Key::QueueRouteTip, &[&r])}</title>
                        { fitted("rg-label start", a.x + 2.0, a.y + 11.0, &r, &fit, layout::RG_PX) }
                    </g>
                }
            }) }
            { for lanes }
            <g class="q-lines" data-testid="queue-lines" data-pop={pop.to_string()}>
                if pop { <title>{t(lang, Key::PopQueueTip)}</title> }
                else if cv.main_offset > len { <title>{tf(lang, Key::ConsumedCutTip, &[&cv.main_offset, &len])}</title> }
                { for {
                    let last = lines.len() - 1;
                    lines.into_iter().enumerate().map(move |(i, (text, fit))| {
                        fitted("rg-label start q-consumed", a.x + 2.0, a.y + a.h - 4.0 - layout::QUEUE_LINE_PITCH * (last - i) as f64, &text, &fit, layout::RG_PX)
                    }).collect::<Vec<_>>()
                } }
            </g>
        </>
    }
}

fn consumer_view(pb: &Playback, o: Orientation, lang: Lang) -> Html {
    let live = pb.live.borrow();
    let sc = &pb.run.timeline.scenario;
    let cv = live.consumer_view();
    let a = station(o, StationId::Consumer);
    let done = station(o, StationId::Consumed);
    let outer = Rect { x: a.x, y: a.y, w: a.w, h: done.y + done.h - a.y };
    let crashed = pb.run.fault_active(FaultKind::ConsumerCrash, FaultTarget::Consumer, pb.cursor);
    let state = match (cv.online, sc.consumer.enabled) {
        (true, _) => tf(lang, Key::ConsumerOnline, &[&cv.in_process]),
        (false, true) if crashed => t(lang, Key::ConsumerCrashed).to_string(),
        (false, false) => t(lang, Key::ConsumerDisabled).to_string(),
        (false, true) if pb.cursor < sc.consumer.start_at => tf(lang, Key::ConsumerNotStarted, &[&sc.consumer.start_at]),
        (false, true) => t(lang, Key::ConsumerOffline).to_string(),
    };
    let state = if sc.consumer.client == rmq_sim::scenario::Client::Grpc {
        tf(lang, Key::ConsumerPop, &[&state, &layout::invisible_at(&pb.run.tracks, pb.cursor).len()])
    } else {
        state
    };
    html! {
        <>
            { boxed(outer, 8.0, &tf(lang, Key::StConsumerGroup, &[&sc.consumer.group]), state, if crashed { "st-consumer st-down" } else if cv.online { "st-consumer" } else { "st-consumer st-off" }) }
            { region(a, t(lang, Key::RegionConsuming)) }
            { region(done, t(lang, Key::RegionConsumed)) }
        </>
    }
}

/// The retry list's font size (www/style.css `.retry-list text`).
const RETRY_PX: f64 = 9.5;

/// The waiting retries with their delay level and countdown.
fn retry_list(pb: &Playback, a: Rect, tokens: &[layout::Token], lang: Lang) -> Html {
    let ledger = pb.run.done.ledger();
    let waiting: Vec<String> = tokens
        .iter()
        .filter(|t| t.place == layout::Place::Scheduled && !t.moving)
        .take(4)
        .filter_map(|t| {
            let (level, due) = ledger.messages.get(t.msg as usize)?.retry_waiting_at(pb.cursor)?;
            Some(tf(lang, Key::RetryWaiting, &[&t.msg, &level, &due.since(pb.cursor)]))
        })
        .collect();
    html! {
        <g class="retry-list">
            { for waiting.into_iter().enumerate().map(|(i, s)| html! {
                { fitted("retry-line", a.x + 2.0, a.y + a.h - 4.0 - 12.0 * i as f64, &s, &layout::fit_label(&s, a.w - 4.0, RETRY_PX, 8.5, false), RETRY_PX) }
            }) }
        </g>
    }
}

/// `%RETRY%`'s subtitle: the remoting consumer's retries wait out delay levels in
/// `SCHEDULE_TOPIC_XXXX` before they reach it; a POP consumer's wait (the nack's backoff) is spent
/// invisible in the original queue, and the revive service writes the message to `%RETRY%` only
/// when it is due, to be popped again (rocketmq-5.md §5).
fn retry_sub(client: rmq_sim::scenario::Client) -> Key {
    match client {
        rmq_sim::scenario::Client::Remoting => Key::RetrySub,
        rmq_sim::scenario::Client::Grpc => Key::RetrySubPop,
    }
}

fn bins_view(pb: &Playback, o: Orientation, lang: Lang) -> Html {
    let g = &pb.run.timeline.scenario.consumer.group;
    // What the playhead has reached, never the run's ending before it is played (issue 24).
    let lost_n = pb.decided_by(rmq_sim::Verdict::LostAfterAck, pb.cursor);
    html! {
        <>
            { boxed(station(o, StationId::Retry), 8.0, &format!("%RETRY%{g}"), t(lang, retry_sub(pb.run.timeline.scenario.consumer.client)).into(), "st-retry") }
            { boxed(station(o, StationId::Dlq), 8.0, &format!("%DLQ%{g}"), t(lang, Key::DlqSub).into(), "st-dlq") }
            { boxed(station(o, StationId::Lost), 8.0, t(lang, Key::StLost), tf(lang, Key::LostSub, &[&lost_n]), "st-lost") }
        </>
    }
}

fn overflow_labels(o: Orientation, overflow: &layout::Overflow, lang: Lang) -> Html {
    use StationId::*;
    let all = [Producer, MasterCache, MasterDisk, SlaveCache, SlaveDisk, ConsumeQueue, Consumer, Consumed, Retry, Dlq, Lost];
    html! {
        { for all.iter().filter_map(|s| overflow.get(*s).map(|n| {
            let a = layout::token_area(o, *s);
            let (long, short) = (tf(lang, Key::OverflowMore, &[&n]), tf(lang, Key::OverflowShort, &[&n]));
            let region = layout::region_label_key(*s).map(|k| t(lang, k));
            let label = layout::fit_plate_label(a, &long, &short, region).to_string();
            let Rect { x, y, w, h } = layout::overflow_plate(a, layout::overflow_plate_width(&label));
            html! {
                <g class="overflow">
                    <rect x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} rx="8" />
                    <text x={(x + w / 2.0).to_string()} y={(y + 11.5).to_string()} text-anchor="middle">{label}</text>
                </g>
            }
        })) }
    }
}

/// The links between the stations, under the tokens that travel them ([`layout::route`]): a
/// line across each gap between two boxes, with an arrowhead in the message's direction (no
/// replication link without a slave).
pub fn links_view(o: Orientation, has_slave: bool) -> Html {
    html! {
        <g class="links" data-testid="links" aria-hidden="true">
            { for layout::LINKS.iter().filter(|(_, _, what)| has_slave || *what != "replicate").map(|(a, b, what)| {
                let ((x1, y1), (x2, y2)) = layout::link(o, *a, *b);
                let (dx, dy) = (x2 - x1, y2 - y1);
                let len = (dx * dx + dy * dy).sqrt().max(1.0);
                let (ux, uy) = (dx / len, dy / len);
                let head = 5.0_f64.min(len / 2.0);
                let (bx, by) = (x2 - ux * head, y2 - uy * head);
                let arrow = format!("{x2:.1},{y2:.1} {:.1},{:.1} {:.1},{:.1}", bx - uy * head * 0.7, by + ux * head * 0.7, bx + uy * head * 0.7, by - ux * head * 0.7);
                html! {
                    <g class="link" data-link={*what} data-points={format!("{x1:.1},{y1:.1} {x2:.1},{y2:.1}")}>
                        <line x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{x2:.1}")} y2={format!("{y2:.1}")} />
                        <polygon points={arrow} />
                    </g>
                }
            }) }
        </g>
    }
}

/// Fault states of the brokers, drawn above the tokens.
fn badges(pb: &Playback, o: Orientation, lang: Lang) -> Html {
    let live = pb.live.borrow();
    let m = live.master();
    let master_area = station(o, if m.is_up() { StationId::MasterDisk } else { StationId::MasterCache });
    let slave = live.slave().map(|s| badge(slave_badge_area(o), node_badge(s, pb.cursor, lang), node_badge_short(s, pb.cursor, lang)));
    html! { <>{ badge(master_area, node_badge(m, pb.cursor, lang), node_badge_short(m, pb.cursor, lang)) }{ slave.unwrap_or_default() }</> }
}

/// Whether the reader asked for reduced motion (`prefers-reduced-motion: reduce`), kept up to date.
#[hook]
fn use_reduced_motion() -> bool {
    let query = "(prefers-reduced-motion: reduce)";
    // Through the shim: this initialiser also runs when the first frame is rendered natively.
    let mql = || crate::dom::window().and_then(|w| w.match_media(query).ok().flatten());
    let reduced = use_state(|| mql().is_some_and(|m| m.matches()));
    {
        let reduced = reduced.setter();
        use_effect_with((), move |_| {
            let listener = mql().map(|m| {
                let m2 = m.clone();
                gloo_events::EventListener::new(&m, "change", move |_| reduced.set(m2.matches()))
            });
            move || drop(listener)
        });
    }
    *reduced
}

#[derive(Properties, PartialEq)]
struct LayerProps {
    /// The playback as of the last event ([`crate::playback::use_per_event`]).
    pb: Playback,
    orientation: Orientation,
}

/// The stations, drawn from the brokers' state: it changes only when an event passes the
/// playhead, so this layer skips the animation frames in between.
#[function_component(Stations)]
fn stations(p: &LayerProps) -> Html {
    let (pb, o) = (&p.pb, p.orientation);
    let lang = use_context::<Lang>().unwrap_or_default();
    let feed = {
        let (run, live) = (pb.run.clone(), pb.live.clone());
        let max = layout::feed_lines(o);
        let key = (std::rc::Rc::as_ptr(&pb.run) as usize, pb.run.events_by(pb.cursor), max, lang);
        let sc = &pb.run.timeline.scenario;
        let grpc_attempts = (sc.producer.client == rmq_sim::scenario::Client::Grpc).then_some(sc.producer.max_attempts);
        use_memo(key, move |&(_, n, max, lang)| ProducerFeed {
            sent: live.borrow().ledger().messages.iter().filter(|m| !m.attempts.is_empty()).count(),
            answers: answers(run.done.events(), n, max, grpc_attempts, lang),
        })
    };
    html! {
        <g class="stations">
            { producer_view(pb, o, lang, &feed) }
            { master_view(pb, o, lang) }
            { slave_view(pb, o, lang) }
            { replication_wait_view(pb, o, lang) }
            { queue_view(pb, o, lang) }
            { consumer_view(pb, o, lang) }
            { invisible_view(pb, o, lang) }
            { bins_view(pb, o, lang) }
            { band_view(pb, o, lang) }
            // Last: over the box edges where the gap is narrow (a 690 px embed's consume queue).
            { proxy_view(pb, o, lang) }
        </g>
    }
}

/// The brokers' fault badges, above the tokens; per event, like [`Stations`].
#[function_component(Badges)]
fn badges_layer(p: &LayerProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    html! {
        <g class="badges">
            { badges(&p.pb, p.orientation, lang) }
            { slave2_badge(&p.pb, p.orientation, lang) }
            { promoted_badge(&p.pb, p.orientation, lang) }
        </g>
    }
}

#[function_component(Pipeline)]
pub fn pipeline(p: &Props) -> Html {
    let pb = &p.pb;
    let o = p.orientation;
    let lang = use_context::<Lang>().unwrap_or_default();
    let motion = if use_reduced_motion() { Motion::Jump } else { Motion::Glide };
    let per_event = crate::playback::use_per_event(pb);
    let focused = use_state(|| None::<u32>);
    let (w, h) = layout::canvas_in(o, layout::Shape::of(&pb.run.timeline.scenario));
    // This frame's tokens, in a buffer the canvas no longer holds: no allocation per frame.
    let bufs = use_mut_ref(FrameBufs::default);
    let (tokens, overflow) =
        bufs.borrow_mut().next(|out, scratch| layout::tokens_into(out, scratch, o, &pb.run.tracks, pb.run.done.ledger(), pb.cursor, motion));
    // The accessible list names the tokens drawn as of the last event (positions do not matter).
    let listed = {
        let run = per_event.run.clone();
        use_memo((per_event.clone(), o, motion), move |(pe, o, motion)| {
            std::rc::Rc::new(layout::tokens_with(*o, &run.tracks, run.done.ledger(), pe.cursor, *motion).0)
        })
    };
    // Memoised, so that the list's props stay equal between events.
    let on_select = use_callback(p.dispatch.clone(), |m: u32, d| d.emit(Action::Select(Some(m))));
    let on_focus = {
        let set = focused.setter();
        use_callback((), move |m: Option<u32>, _| set.set(m))
    };
    let retry = station(o, StationId::Retry);
    let retries = retry_list(pb, retry, &tokens, lang);
    let frame = Frame(tokens);
    html! {
        <>
        <svg class="pipeline" viewBox={format!("0 0 {w} {h}")} role="img" aria-label={format!("{} (RocketMQ {})", t(lang, Key::PipelineLabel), pb.run.timeline.scenario.version)}
             data-motion={if motion == Motion::Jump { "jump" } else { "glide" }}>
            { links_view(o, pb.run.timeline.scenario.slave.enabled) }
            <Stations pb={per_event.clone()} orientation={o} />
            { retries }
            <TokenCanvas {frame} width={w} height={h} selected={pb.selected} focused={*focused} on_select={on_select.clone()} />
            { overflow_labels(o, &overflow, lang) }
            <Badges pb={per_event} orientation={o} />
        </svg>
        <TokenList tokens={(*listed).clone()} selected={pb.selected} {on_select} {on_focus} />
        </>
    }
}

// ---------------------------------------------------------------------------------------------
// Controller mode and the second slave (issue 20): each broker's identity (brokerId, role, epoch,
// SyncStateSet membership) on its station, the confirm-offset line on each log, the band below
// the picture with the second slave and the controller, and the promotion drawn on the master.

/// Controller mode: a broker station's title ("Master · broker 1") and the epoch of the last data
/// it holds; `None` in master-slave mode (the stations keep their plain names).
fn broker_words(live: &rmq_sim::Sim, n: &Node, lang: Lang) -> Option<(String, u32)> {
    live.controller()?;
    let key = if n.id == rmq_sim::NodeId::Master { Key::StMasterBroker } else { Key::StSlaveBroker };
    Some((tf(lang, key, &[&n.broker_id]), n.ha_epoch))
}

/// Controller mode: whether the broker is in the SyncStateSet.
fn in_sync(live: &rmq_sim::Sim, n: &Node) -> Option<bool> {
    live.controller().map(|c| c.sync_state_set.contains(&n.broker_id))
}

/// The confirm-offset line across a log drawn in `area` (scaled to `whole` bytes): where the
/// SyncStateSet's least ack is; consumers read only up to it with `allAckInSyncStateSet`.
fn confirm_tick(live: &rmq_sim::Sim, area: Rect, whole: u64, lang: Lang) -> Html {
    let Some(confirm) = live.confirm_offset() else { return html! {} };
    let x = area.x + area.w * layout::fraction(confirm, whole.max(1));
    html! {
        <g class="confirm-line" data-testid="confirm-line" data-offset={confirm.to_string()}>
            <title>{tf(lang, Key::ConfirmLine, &[&bytes(confirm)])}</title>
            <line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={format!("{:.1}", area.y - 2.0)} y2={format!("{:.1}", area.y + area.h + 2.0)} />
            <path d={format!("M{:.1} {:.1} l-3 -4 h6 z", x, area.y - 2.0)} />
        </g>
    }
}

/// The band's second slave: its box, a log bar (written, flushed, the confirm offset) and the
/// written/flushed line under it.
fn slave2_view(pb: &Playback, o: Orientation, lang: Lang) -> Html {
    let live = pb.live.borrow();
    let Some(s) = live.slaves().get(1) else { return html! {} };
    let a = layout::band_station(o, layout::BandStation::Slave2);
    let ha = live.ha();
    let link = if ha.link(s.id).link_down_until.is_some_and(|u| u > pb.cursor) {
        Key::LinkPartitioned
    } else if ha.conns.iter().any(|c| c.slave == s.id) {
        Key::Connected
    } else {
        Key::NotConnected
    };
    let acked = ha.conns.iter().filter(|c| c.slave == s.id).map(|c| c.slave_ack_offset).max().unwrap_or(0);
    let mut sub = tf(lang, Key::SlaveSub, &[&t(lang, link), &bytes(acked)]);
    let title = match broker_words(&live, s, lang) {
        Some((title, epoch)) => {
            sub = format!("{sub} · epoch {epoch}");
            title
        }
        None => tf(lang, Key::StSlaveBroker, &[&s.broker_id]),
    };
    let st = &s.store;
    let whole = live.master().store.written.max(st.written).max(1);
    let bar = Rect { x: a.x, y: a.y + 1.0, w: a.w, h: 8.0 };
    let part = |n: u64, class: &'static str| {
        let w = bar.w * layout::fraction(n, whole);
        html! { <rect {class} x={format!("{:.1}", bar.x)} y={format!("{:.1}", bar.y)} width={format!("{w:.1}")} height={bar.h.to_string()} rx="3" /> }
    };
    let line = tf(lang, Key::Slave2Log, &[&bytes(st.written), &bytes(st.flushed)]);
    let fit = layout::fit_label(&line, a.w - 4.0, layout::RG_PX, 8.5, false);
    // Its fault badge sits at the right end of the title line (see `slave2_badge`): the title
    // takes the room left of it.
    let reserve = node_badge(s, pb.cursor, lang).map_or(0.0, |b| title_plate(a, 8.0, &b).0.w + 6.0);
    html! {
        <g data-testid="broker" data-broker={s.broker_id.to_string()} data-role="slave" data-epoch={s.ha_epoch.to_string()}
           data-in-sync={in_sync(&live, s).map(|b| b.to_string())} data-up={s.is_up().to_string()}>
            { boxed_with(a, 8.0, reserve, &title, sub, if s.is_up() { "st-slave st-band" } else { "st-slave st-band st-down" }) }
            <g class="gauge">
                <rect class="g-bg" x={format!("{:.1}", bar.x)} y={format!("{:.1}", bar.y)} width={bar.w.to_string()} height={bar.h.to_string()} rx="3" />
                { part(st.written, "s-fill") }{ part(st.flushed, "g-fill") }
            </g>
            { confirm_tick(&live, bar, whole, lang) }
            { fitted("rg-label start", a.x + 2.0, a.y + a.h - 1.0, &line, &fit, layout::RG_PX) }
        </g>
    }
}

/// The band's controller: up, down or partitioned away, who it made master at which epoch, and
/// the SyncStateSet as one chip per broker (filled: a member; ★: the master).
fn controller_view(pb: &Playback, o: Orientation, lang: Lang) -> Html {
    use rmq_sim::scenario::{FaultKind::*, FaultTarget::Controller as Ctl};
    let live = pb.live.borrow();
    let Some(c) = live.controller() else { return html! {} };
    let a = layout::band_station(o, layout::BandStation::Controller);
    let active = |k| pb.run.fault_active(k, Ctl, pb.cursor);
    let out = if c.up {
        None
    } else if active(NetworkPartition) {
        Some(t(lang, Key::ControllerPartitioned))
    } else if active(ProcessCrash) {
        Some(t(lang, Key::BadgeProcessDown))
    } else {
        Some(t(lang, Key::BadgeMachineOff))
    };
    let sub = match (out, c.master) {
        (Some(why), _) => tf(lang, Key::ControllerOut, &[&why]),
        (None, Some(m)) => tf(lang, Key::ControllerUp, &[&m, &c.epoch]),
        (None, None) => tf(lang, Key::ControllerNoMaster, &[&c.epoch]),
    };
    let brokers = 1 + live.slaves().len() as u32;
    let chips = layout::sync_set_chips(o, brokers).into_iter().map(|(b, r)| {
        let member = c.sync_state_set.contains(&b);
        let master = c.master == Some(b);
        let tip = tf(lang, if master { Key::SyncChipMaster } else if member { Key::SyncChipIn } else { Key::SyncChipOut }, &[&b]);
        let text = if master { format!("★{b}") } else { b.to_string() };
        html! {
            <g class={classes!("sync-chip", member.then_some("member"), master.then_some("master"))} data-broker={b.to_string()} data-member={member.to_string()}>
                <title>{tip}</title>
                <rect x={format!("{:.1}", r.x)} y={format!("{:.1}", r.y)} width={r.w.to_string()} height={r.h.to_string()} rx="8" />
                <text x={format!("{:.1}", r.x + r.w / 2.0)} y={format!("{:.1}", r.y + 11.5)} text-anchor="middle">{text}</text>
            </g>
        }
    });
    let set = rmq_sim::sim::controller::set_text(&c.sync_state_set);
    html! {
        <g data-testid="controller" data-state={if c.up { "up" } else { "down" }} data-epoch={c.epoch.to_string()}
           data-master={c.master.map(|m| m.to_string())} data-sync-state-set={set}>
            <title>{t(lang, Key::ControllerTitle)}</title>
            { boxed(a, 8.0, t(lang, Key::StController), sub, if c.up { "st-controller" } else { "st-controller st-down" }) }
            <g class="sync-set">
                <text class="sync-label" x={format!("{:.1}", a.x + 2.0)} y={format!("{:.1}", a.y + 14.5)}>{"SyncStateSet"}</text>
                { for chips }
            </g>
        </g>
    }
}

/// The band below the picture (controller mode, a second slave), when the scenario has one.
fn band_view(pb: &Playback, o: Orientation, lang: Lang) -> Html {
    if !layout::Shape::of(&pb.run.timeline.scenario).band() {
        return html! {};
    }
    html! { <g class="band">{ slave2_view(pb, o, lang) }{ controller_view(pb, o, lang) }</g> }
}

/// How long after a promotion the master's station says so (simulated time).
const PROMOTED_SHOWN: rmq_sim::SimDuration = rmq_sim::SimDuration::from_ms(20_000);

/// The promotion as the playhead passes it: "⬆ broker 1 is master now · epoch 2" across the
/// master's page cache for a while after `changeToMaster` (controller mode).
fn promoted_badge(pb: &Playback, o: Orientation, lang: Lang) -> Html {
    if pb.live.borrow().controller().is_none() {
        return html! {};
    }
    let ev = pb.run.done.events();
    let n = pb.run.events_by(pb.cursor);
    let last = ev[..n].iter().rev().find_map(|e| match e.kind {
        EventKind::RoleChanged { broker, node: rmq_sim::NodeId::Master, epoch } if epoch > 1 => Some((e.at, broker, epoch)),
        _ => None,
    });
    let Some((_, broker, epoch)) = last.filter(|(at, ..)| pb.cursor.since(*at) < PROMOTED_SHOWN) else { return html! {} };
    let area = station(o, StationId::MasterCache);
    let long = tf(lang, Key::Promoted, &[&broker, &epoch]);
    let text = if badge_width(&long) <= area.w { long } else { tf(lang, Key::PromotedShort, &[&broker]) };
    html! {
        <g class="promoted" data-testid="promoted" data-broker={broker.to_string()} data-epoch={epoch.to_string()}>
            { badge(area, Some(text), None) }
        </g>
    }
}

/// The largest size of a fault badge on a title line (www/style.css `.title-badge text`).
const TITLE_BADGE_PX: f64 = 10.0;

/// A fault badge on the title line of the station drawn around `area`, right-aligned like the
/// master's version badge: its plate and its text fitted to at most about half the box (cut with
/// an ellipsis beyond, the whole in its tooltip).
fn title_plate(area: Rect, pad: f64, text: &str) -> (Rect, layout::Fit) {
    let (x, y, w) = (area.x - pad, area.y - 34.0, area.w + 2.0 * pad);
    let fit = layout::fit_label(text, (w * 0.55).floor() - 12.0, TITLE_BADGE_PX, 8.0, true);
    let bw = layout::label_width(&fit.text, fit.px, true) + 12.0;
    (Rect { x: x + w - 6.0 - bw, y: y + 4.0, w: bw, h: 15.0 }, fit)
}

/// The second slave's fault badge, on its title line: its band station is one log bar and the
/// line under it, which a plate across the station covered (issue 24 item 7).
fn slave2_badge(pb: &Playback, o: Orientation, lang: Lang) -> Html {
    let live = pb.live.borrow();
    let Some(s) = live.slaves().get(1) else { return html! {} };
    let Some(text) = node_badge(s, pb.cursor, lang) else { return html! {} };
    let (p, fit) = title_plate(layout::band_station(o, layout::BandStation::Slave2), 8.0, &text);
    let style = (fit.px < TITLE_BADGE_PX).then(|| format!("--fit: {:.2}px", fit.px));
    html! {
        <g class="badge title-badge" data-testid="slave2-badge">
            <title>{text.clone()}</title>
            <rect x={format!("{:.1}", p.x)} y={format!("{:.1}", p.y)} width={format!("{:.1}", p.w)} height={p.h.to_string()} rx="7.5" />
            <text x={format!("{:.1}", p.x + p.w / 2.0)} y={format!("{:.1}", p.y + 11.0)} text-anchor="middle" {style}>{fit.text}</text>
        </g>
    }
}

// ---------------------------------------------------------------------------------------------
// RocketMQ 5 clients (issue 21): the proxy on the gRPC clients' links, and the POP consumer's
// invisible messages on the consumer's side.

/// The gRPC client's settings line's largest size (www/style.css `.grpc-settings`).
const GRPC_SETTINGS_PX: f64 = 9.5;

/// The gRPC client's settings for the producer's feed: one line where it fits `room` at 8.5 px or
/// more, else one line per setting.
fn settings_lines(p: &rmq_sim::scenario::ProducerConfig, room: f64, lang: Lang) -> Vec<String> {
    let s = tf(lang, Key::GrpcSettings, &[&p.max_attempts, &short_duration(p.request_timeout)]);
    let fit = layout::fit_label(&s, room, GRPC_SETTINGS_PX, 8.5, false);
    if fit.clipped {
        s.split(" · ").map(str::to_string).collect()
    } else {
        vec![s]
    }
}

/// A duration as the gRPC client's settings say it: whole seconds as "3 s", else milliseconds.
fn short_duration(d: rmq_sim::SimDuration) -> String {
    let ms = d.0 / 1000;
    if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

/// The proxy's last answer to the gRPC producer in the first `n` events: (what the broker said,
/// the code the proxy made of it, the message and attempt).
fn last_proxy_answer(ev: &[rmq_sim::Event], n: usize) -> Option<(&'static str, &'static str, String)> {
    ev[..n].iter().rev().take(4_000).find_map(|e| match &e.kind {
        EventKind::ProxyAnswered { msg, attempt, from, code } => Some((*from, *code, format!("{msg} #{attempt}"))),
        _ => None,
    })
}

/// The proxy (spec 5 §5) as a plate on each link a gRPC client takes (the producer's sends, the
/// consumer's pops), with its mode; its tooltip says what it last made of the broker's answer
/// (`FLUSH_DISK_TIMEOUT` → `MASTER_PERSISTENCE_TIMEOUT`). Nothing for remoting clients.
fn proxy_view(pb: &Playback, o: Orientation, lang: Lang) -> Html {
    let sc = &pb.run.timeline.scenario;
    let hops = layout::ProxyHop::of(sc);
    if hops.is_empty() {
        return html! {};
    }
    let mode = match sc.proxy.proxy_mode {
        rmq_sim::scenario::ProxyMode::Cluster => "CLUSTER",
        rmq_sim::scenario::ProxyMode::Local => "LOCAL",
    };
    let last = last_proxy_answer(pb.run.done.events(), pb.run.events_by(pb.cursor));
    let label = tf(lang, Key::ProxyPlate, &[&mode]);
    html! {
        <g class="proxies">
            { for hops.into_iter().map(|hop| {
                let (p, upright) = layout::proxy_plate(o, hop);
                let who = t(lang, if hop == layout::ProxyHop::Send { Key::ProxyOfProducer } else { Key::ProxyOfConsumer });
                let said = match (&last, hop) {
                    (Some((from, code, which)), layout::ProxyHop::Send) => tf(lang, Key::ProxyLast, &[from, code, which]),
                    _ => String::new(),
                };
                let (cx, cy) = p.center();
                let long = if upright { p.h } else { p.w };
                let fit = layout::fit_label(&label, long - 8.0, layout::PROXY_PX, 7.5, true);
                let style = (fit.px < layout::PROXY_PX).then(|| format!("--fit: {:.2}px", fit.px));
                let transform = upright.then(|| format!("rotate(-90 {cx:.1} {cy:.1})"));
                let (from, code) = match (&last, hop) {
                    (Some((f, c, _)), layout::ProxyHop::Send) => (Some(*f), Some(*c)),
                    _ => (None, None),
                };
                html! {
                    <g class="proxy" data-testid="proxy" data-hop={hop.name()} data-mode={mode} data-from={from} data-code={code}>
                        <title>{tf(lang, Key::ProxyTitle, &[&mode, &who, &said])}</title>
                        <rect x={format!("{:.1}", p.x)} y={format!("{:.1}", p.y)} width={format!("{:.1}", p.w)} height={format!("{:.1}", p.h)} rx="6" />
                        <text x={format!("{cx:.1}")} y={format!("{cy:.1}")} {transform} {style}>{fit.text}</text>
                    </g>
                }
            }) }
        </g>
    }
}

/// The POP consumer's invisible messages (nacked, waiting out their backoff before the revive
/// writes them to `%RETRY%`): one line each at the bottom of the consuming area, "msg#3
/// invisible until 8.149s · 2/17 deliveries", newest first, as many as fit.
fn invisible_view(pb: &Playback, o: Orientation, lang: Lang) -> Html {
    let sc = &pb.run.timeline.scenario;
    if sc.consumer.client != rmq_sim::scenario::Client::Grpc {
        return html! {};
    }
    let a = station(o, StationId::Consumer);
    let rows = (((a.h - 24.0) / 12.0).floor() as usize).clamp(1, 3);
    let ledger = pb.run.done.ledger();
    let max = sc.consumer.max_attempts();
    let lines: Vec<(u32, String, String)> = layout::invisible_at(&pb.run.tracks, pb.cursor)
        .into_iter()
        .take(rows)
        .map(|(m, until)| {
            let n = ledger.messages.get(m as usize).map_or(0, |r| r.deliveries.iter().filter(|d| d.at <= pb.cursor).count());
            (m, tf(lang, Key::InvisibleLine, &[&m, &until, &n, &max]), tf(lang, Key::InvisibleShort, &[&m, &until, &n, &max]))
        })
        .collect();
    // Clear of the area's region label at the bottom right.
    let region = layout::label_width(t(lang, Key::RegionConsuming), layout::RG_PX, false) + 8.0;
    let room = a.w - 4.0 - region;
    html! {
        <g class="invisible-list">
            { for lines.into_iter().enumerate().map(|(i, (m, long, short))| {
                let s = if layout::label_width(&long, 9.5, false) <= room { long } else { short };
                html! {
                    <g data-testid="invisible" data-msg={m.to_string()}>
                        { fitted("invisible-line", a.x + 2.0, a.y + a.h - 4.0 - 12.0 * i as f64, &s, &layout::fit_label(&s, room, 9.5, 7.5, false), 9.5) }
                    </g>
                }
            }) }
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_sim::scenario::RocketMqVersion;

    /// The promotion's plate fits the master's page cache at every size, in both languages: the
    /// long sentence where it fits, else the short one (issue 20).
    #[test]
    fn the_promotion_badge_fits_the_masters_page_cache() {
        use crate::i18n::Lang;
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            let area = station(o, StationId::MasterCache);
            for lang in [Lang::En, Lang::Zh] {
                let short = tf(lang, Key::PromotedShort, &[&2]);
                assert!(badge_width(&short) <= area.w, "{o:?} {lang:?}: {short:?} is {} wide, the page cache {}", badge_width(&short), area.w);
            }
        }
        assert!(badge_width(&tf(Lang::En, Key::Promoted, &[&2, &2])) <= station(Orientation::Wide, StationId::MasterCache).w, "the desktop says it whole");
    }

    /// The gRPC client's settings line fits the producer at its smallest size, in every
    /// arrangement and both languages (issue 21), above the answers it leaves room for.
    #[test]
    fn the_grpc_settings_line_fits_the_producer() {
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            let room = station(o, StationId::Producer).w - 4.0;
            let p = rmq_sim::scenario::ProducerConfig { request_timeout: rmq_sim::SimDuration::from_ms(10_000), max_attempts: 100, ..Default::default() };
            for lang in [Lang::En, Lang::Zh] {
                let lines = settings_lines(&p, room, lang);
                for s in &lines {
                    assert!(!layout::fit_label(s, room, GRPC_SETTINGS_PX, 7.5, false).clipped, "{o:?} {lang:?}: {s:?} in {room}");
                }
                assert!(layout::feed_lines(o) > lines.len(), "{o:?}: room for an answer below the settings");
            }
        }
        assert_eq!(short_duration(rmq_sim::SimDuration::from_ms(10_000)), "10 s");
        assert_eq!(short_duration(rmq_sim::SimDuration::from_ms(2_500)), "2500 ms");
    }

    /// The slave's fault badge sits in the gap between its page cache and its disk, clear of the
    /// tokens of both, in every picture and both languages (it sat across the page cache's token
    /// row in the 690 px embed of v5-controller-failover-truncated).
    #[test]
    fn the_slaves_badge_sits_between_its_page_cache_and_its_disk() {
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            let (c, d) = (station(o, StationId::SlaveCache), station(o, StationId::SlaveDisk));
            for lang in [Lang::En, Lang::Zh] {
                let s = format!("{}{}", t(lang, Key::BadgeProcessDown), tf(lang, Key::BadgeBackAt, &[&SimTime::from_ms(30_250)]));
                let (p, k) = badge_plate(slave_badge_area(o), &s);
                assert!(p.y >= c.y + c.h - 0.5 && p.y + p.h <= d.y + 0.5, "{o:?} {lang:?}: plate {p:?} between {c:?} and {d:?}");
                assert!(p.x >= c.x - 0.01 && p.x + p.w <= c.x + c.w + 0.01 && k >= 8.5 / 11.5, "{o:?} {lang:?}: {p:?} {k}");
            }
        }
        // The master's badge keeps its full plate where the region has room.
        let (p, k) = badge_plate(station(Orientation::Wide, StationId::MasterCache), "× process down");
        assert_eq!((p.h, k), (22.0, 1.0));
    }

    /// A badge's words stay on its plate: on a phone's slave "process down, back at …" ran past
    /// the plate's right end; cut to it, whole in the tooltip. Where they fit, they are whole.
    #[test]
    fn a_badges_words_stay_on_its_plate() {
        let mut cut = 0;
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            for lang in [Lang::En, Lang::Zh] {
                let s = format!("{}{}", t(lang, Key::BadgeProcessDown), tf(lang, Key::BadgeBackAt, &[&SimTime::from_ms(30_250)]));
                let short = t(lang, Key::BadgeProcessDown);
                for area in [slave_badge_area(o), station(o, StationId::MasterCache)] {
                    let (p, k, fit) = badge_fit(area, &s, Some(short));
                    assert!(badge_width(&fit.text) * k <= p.w + 1e-9, "{o:?} {lang:?}: {:?} wider than its plate {p:?}", fit.text);
                    if fit.clipped {
                        // The state whole rather than the sentence cut: "✕ process down".
                        assert_eq!(fit.text, short, "{o:?} {lang:?}");
                        cut += 1;
                    }
                }
            }
        }
        assert!(cut > 0, "the tall slave's plate is too narrow for the whole words");
        // Where the whole words fit (the wide picture's slave), they are kept.
        let s = format!("{}{}", t(Lang::En, Key::BadgeMachineOff), tf(Lang::En, Key::BadgeBackAt, &[&SimTime::from_ms(13_950)]));
        let (_, _, fit) = badge_fit(slave_badge_area(Orientation::Wide), &s, Some(t(Lang::En, Key::BadgeMachineOff)));
        assert_eq!((fit.text.as_str(), fit.clipped), (s.as_str(), false));
        let (_, _, fit) = badge_fit(station(Orientation::Wide, StationId::MasterCache), "× process down", None);
        assert_eq!((fit.text.as_str(), fit.clipped), ("× process down", false));
    }

    /// After a power loss cut the master's queue to 3 entries under a consumer that had read 15,
    /// the line read "consumed to 15 of 3"; it says the queue's length now instead.
    #[test]
    fn a_queue_cut_below_the_consumers_offset_says_its_length_now() {
        assert_eq!(consumed_texts(Lang::En, 15, 3).0, "consumed to 15 · queue now 3");
        assert_eq!(consumed_texts(Lang::Zh, 15, 3).0, "已消费到 15 · 队列现存 3");
        assert_eq!(consumed_texts(Lang::En, 15, 3).2, "queue now 3");
        assert_eq!(consumed_texts(Lang::En, 15, 15).0, "consumed to 15 of 15");
        assert_eq!(consumed_texts(Lang::En, 3, 15).0, "consumed to 3 of 15");
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            for lang in [Lang::En, Lang::Zh] {
                for (off, len) in [(15u64, 3u64), (99_999, 12_345)] {
                    let (whole, head, tail) = consumed_texts(lang, off, len);
                    for (text, fit) in layout::consumed_lines(o, &whole, &head, &tail) {
                        assert!(!fit.clipped, "{o:?} {lang:?}: {text:?} is cut to {:?}", fit.text);
                    }
                }
            }
        }
    }

    /// The POP consume queue and the consumer group count different things — copies popped and
    /// not acked (open checkpoints on the broker: in process, or nacked) and messages nacked and
    /// waiting out their backoff — so they say different words: the queue read "1 invisible"
    /// while the group read "0 invisible" at the same moment (a message in process).
    #[test]
    fn the_retry_station_says_how_each_client_waits() {
        use rmq_sim::scenario::Client;
        assert_eq!(t(Lang::En, retry_sub(Client::Remoting)), "waiting out delay levels");
        for lang in [Lang::En, Lang::Zh] {
            let pop = t(lang, retry_sub(Client::Grpc));
            assert!(!pop.contains("delay level") && !pop.contains("延迟级别"), "{lang:?}: {pop}");
            assert!(pop.contains("nack") && (pop.contains("Pop") || pop.contains("popped")), "{lang:?}: {pop}");
        }
    }

    #[test]
    fn the_pop_queue_and_the_consumer_group_name_what_each_counts() {
        for (lang, invisible) in [(Lang::En, "invisible"), (Lang::Zh, "不可见")] {
            let queue = tf(lang, Key::PopQueueAcks, &[&0, &1]);
            let group = tf(lang, Key::ConsumerPop, &[&tf(lang, Key::ConsumerOnline, &[&1]), &0]);
            assert!(!queue.contains(invisible) && !group.contains(invisible), "{lang:?}: {queue} / {group}");
        }
        assert_eq!(tf(Lang::En, Key::PopQueueAcks, &[&0, &1]), "acked 0 · 1 unacked");
        assert_eq!(tf(Lang::En, Key::ConsumerPop, &[&"online · 1 in process", &0]), "online · 1 in process · POP · 0 nacked, in backoff");
        assert_eq!(tf(Lang::Zh, Key::PopQueueAcks, &[&0, &1]), "已确认 0 · 未确认 1");
        assert_eq!(tf(Lang::Zh, Key::ConsumerPop, &[&"在线 · 处理中 1 条", &0]), "在线 · 处理中 1 条 · POP · 已 nack 退避中 0 条");
    }

    /// The second slave's fault badge sits on its title line, clear of its log bar and line and
    /// of its title, inside its box, at every size and in both languages (issue 24 item 7: the
    /// "stopped" plate was drawn across the band station and covered the log line).
    #[test]
    fn the_second_slaves_badge_leaves_its_log_line_clear() {
        let overlaps = |a: Rect, b: Rect| a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            let a = layout::band_station(o, layout::BandStation::Slave2);
            let bx = Rect { x: a.x - 8.0, y: a.y - 34.0, w: a.w + 16.0, h: a.h + 42.0 };
            for lang in [Lang::En, Lang::Zh] {
                for key in [Key::BadgeStopped, Key::BadgeProcessDown, Key::BadgeMachineOff, Key::BadgeStalled] {
                    let text = t(lang, key);
                    let (p, fit) = title_plate(a, 8.0, text);
                    assert!(!overlaps(p, a), "{o:?} {lang:?} {text:?}: the plate {p:?} covers the log bar and line {a:?}");
                    assert!(p.x >= bx.x && p.x + p.w <= bx.x + bx.w && p.y >= bx.y && p.y + p.h <= a.y - 14.0, "{o:?} {lang:?}: on the title line, inside the box");
                    assert_eq!(fit.text, text, "{o:?} {lang:?}: {text:?} whole");
                    // The title ("Slave · broker 2") keeps the room left of the plate, and is
                    // whole beside "stopped" (what the second slave's fault button does).
                    let room = layout::title_room(a, 8.0, p.w + 6.0);
                    assert!(bx.x + 8.0 + room <= p.x, "{o:?} {lang:?}: the title's room ends before the plate");
                    if key == Key::BadgeStopped {
                        let title = tf(lang, Key::StSlaveBroker, &[&2]);
                        assert!(!layout::fit_label(&title, room, layout::TITLE_PX, layout::TITLE_MIN_PX, true).clipped, "{o:?} {lang:?}: {title:?} whole beside {text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_version_badge_fits_the_masters_title_line_in_every_orientation() {
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            let area = master_outer(o);
            let (x, w) = (area.x - 8.0, area.w + 16.0);
            for v in RocketMqVersion::ALL {
                let (bx, by, bw, bh) = badge_box(area, 8.0, v.name());
                assert!(bx + bw <= x + w - 5.0 && by >= area.y - 34.0 && by + bh <= area.y - 34.0 + 22.0, "{o:?} {v}: inside the title line");
                // "Master broker" at the largest title size (14 px, bold: about 8.2 units a
                // character) from x + 8 ends before the badge, with room to spare.
                assert!(x + 8.0 + 13.0 * 8.2 + 8.0 <= bx, "{o:?} {v}: the title ({}) runs into the badge at {bx}", x + 8.0 + 13.0 * 8.2);
            }
        }
    }
}
