//! Pure geometry: where each station sits and where each message token is at time `t`.
//!
//! Tracks are built once per run from the finished event log (the per-event work); a frame
//! then only looks each message up by binary search. A token moves between two places over
//! the send/arrive times the core put on its events (`SendAttempted.arrives_at`,
//! `Pulled.arrives_at`); otherwise it rests in a slot of its station. How a token *looks*
//! (memory-only, durable, replicated, lost) comes from the core's ledger stage times.
//! No `web_sys` here, so everything is unit-tested natively.

use std::collections::BTreeMap;

use rmq_sim::event::{ConsumeResult, QueueKind, Topic};
use rmq_sim::ledger::{Ledger, MessageRecord};
use rmq_sim::{Event, EventKind, NodeId, SimTime, Verdict};

/// Where a message is, logically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// Not sent yet.
    Pending,
    /// At the producer (between attempts, or failed).
    Producer,
    /// Stored on the master (page cache or disk, by its flush time).
    Master,
    /// The master's copy is gone; the slave still holds one.
    Slave,
    /// A consume thread holds it.
    Consumer,
    /// gRPC consumer (POP): nacked, invisible until its backoff ends and the revive service
    /// writes it to `%RETRY%` (drawn on the consumer's side).
    Invisible,
    /// Consumed successfully.
    Consumed,
    /// Waiting in `SCHEDULE_TOPIC_XXXX` for its delay level.
    Scheduled,
    /// Due and readable in `%RETRY%<group>`.
    Retry,
    /// In `%DLQ%<group>`.
    Dlq,
    /// Gone: a ghost in the lost bin.
    Lost,
}

/// One move: the token leaves its previous place at `start` and is at `place` from `arrive` on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub start: SimTime,
    pub arrive: SimTime,
    pub place: Place,
}

/// Every message's moves, sorted by start time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tracks {
    pub keys: Vec<Vec<Key>>,
    /// (start, arrive) of every move that takes time, sorted by start: to know whether anything moves.
    spans: Vec<(SimTime, SimTime)>,
    /// The longest move, bounding the search in `moving_at`.
    longest_us: u64,
}

/// A pull in flight: offsets `from..from+count` of `queue`, travelling from `at` to `arrives_at`.
#[derive(Clone, Copy)]
struct PullSpan {
    from: u64,
    count: u32,
    at: SimTime,
    arrives_at: SimTime,
}

struct Builder<'a> {
    ledger: &'a Ledger,
    keys: Vec<Vec<Key>>,
    pulls: BTreeMap<QueueKind, Vec<PullSpan>>,
    /// Where each message rests when it is not at the consumer (to return after a consumer crash).
    stored: Vec<Place>,
    /// When the consumer last failed each message (RECONSUME_LATER): its way back to the broker
    /// (`sendMessageBack`) starts there.
    failed: Vec<Option<SimTime>>,
    /// gRPC consumer: when the broker last popped each message for the proxy (the delivery
    /// travels from there).
    popped: Vec<Option<SimTime>>,
    /// gRPC consumer: when each nacked message becomes visible again (its way into `%RETRY%`
    /// starts there and ends at the revive).
    visible_at: Vec<Option<SimTime>>,
}

impl Builder<'_> {
    fn place(&self, m: usize) -> Place {
        self.keys[m].last().map_or(Place::Pending, |k| k.place)
    }

    fn push(&mut self, m: usize, start: SimTime, arrive: SimTime, place: Place) {
        if m >= self.keys.len() {
            return;
        }
        let start = self.keys[m].last().map_or(start, |k| start.max(k.start));
        self.keys[m].push(Key { start, arrive: arrive.max(start), place });
        if matches!(place, Place::Master | Place::Slave | Place::Retry) {
            self.stored[m] = place;
        }
    }

    fn jump(&mut self, m: usize, at: SimTime, place: Place) {
        if self.place(m) != place {
            self.push(m, at, at, place);
        }
    }

    fn delivered(&mut self, m: usize, at: SimTime, queue: QueueKind, offset: u64) {
        let span = self.pulls.get(&queue).and_then(|v| {
            v.iter().rev().find(|p| p.at <= at && p.from <= offset && offset < p.from + p.count as u64).copied()
        });
        match span {
            Some(p) => self.push(m, p.at, p.arrives_at.min(at), Place::Consumer),
            // A POP delivery (gRPC consumer) travels from the pop, through the proxy.
            None => match self.popped.get_mut(m).and_then(Option::take).filter(|p| *p <= at) {
                Some(p) => self.push(m, p, at, Place::Consumer),
                None => self.push(m, at, at, Place::Consumer),
            },
        }
    }

    /// gRPC consumer: a nack keeps the message invisible on the consumer's side until
    /// `visible_at` (its backoff); the failure's way back is the revive, not `sendMessageBack`.
    fn nacked(&mut self, m: usize, at: SimTime, visible_at: SimTime) {
        if let Some(f) = self.failed.get_mut(m) {
            *f = None;
        }
        if let Some(v) = self.visible_at.get_mut(m) {
            *v = Some(visible_at);
        }
        self.jump(m, at, Place::Invisible);
    }

    /// gRPC consumer: the revive service wrote the message to `%RETRY%`: it travels there from
    /// the consumer's side over the revive's lag after its invisible time ended.
    fn revived(&mut self, m: usize, at: SimTime) {
        match self.visible_at.get_mut(m).and_then(Option::take) {
            Some(v) if self.place(m) == Place::Invisible && v <= at => self.push(m, v, at, Place::Retry),
            _ => self.jump(m, at, Place::Retry),
        }
    }

    fn on(&mut self, e: &Event) {
        use EventKind::*;
        let at = e.at;
        match &e.kind {
            SendAttempted { msg, arrives_at: Some(a), .. } => {
                self.jump(msg.0 as usize, at, Place::Producer);
                self.push(msg.0 as usize, at, *a, Place::Master);
            }
            SendAttempted { msg, arrives_at: None, .. } | OnewaySent { msg } if self.place(msg.0 as usize) == Place::Pending => {
                self.jump(msg.0 as usize, at, Place::Producer)
            }
            RequestLost { msg, .. } | AttemptFailed { msg, .. } | SendFailed { msg, .. } => {
                let m = msg.0 as usize;
                if self.stored.get(m) == Some(&Place::Pending) {
                    self.jump(m, at, Place::Producer);
                }
            }
            Appended { node: NodeId::Master, msg, topic: Topic::Main, .. } => self.jump(msg.0 as usize, at, Place::Master),
            Pulled { queue, from, count, arrives_at, .. } => {
                let span = PullSpan { from: *from, count: *count, at, arrives_at: *arrives_at };
                self.pulls.entry(*queue).or_default().push(span);
            }
            Delivered { msg, queue, queue_offset, .. } => self.delivered(msg.0 as usize, at, *queue, *queue_offset),
            Consumed { msg, result: ConsumeResult::Success, .. } => self.jump(msg.0 as usize, at, Place::Consumed),
            Consumed { msg, .. } => {
                if let Some(f) = self.failed.get_mut(msg.0 as usize) {
                    *f = Some(at);
                }
            }
            Popped { msg, .. } => {
                if let Some(p) = self.popped.get_mut(msg.0 as usize) {
                    *p = Some(at);
                }
            }
            InvisibleTimeChanged { msg, visible_at, renewed: false } => self.nacked(msg.0 as usize, at, *visible_at),
            Revived { msg, .. } => self.revived(msg.0 as usize, at),
            RetryScheduled { msg, .. } => self.sent_back(msg.0 as usize, at, Place::Scheduled),
            RetryDue { msg, .. } => self.jump(msg.0 as usize, at, Place::Retry),
            DeadLettered { msg, .. } => self.sent_back(msg.0 as usize, at, Place::Dlq),
            ConsumerCrashed { .. } => self.consumer_crashed(at),
            CopyLost { msg, node: NodeId::Master, topic: Topic::Main, .. } => self.master_copy_lost(msg.0 as usize, at),
            RoleChanged { node: NodeId::Master, epoch, .. } if *epoch > 1 => self.promoted(at),
            _ => {}
        }
    }

    /// A failed message the broker stored again (in `SCHEDULE_TOPIC_XXXX` or `%DLQ%`): it travels
    /// there from the consumer over the time `sendMessageBack` took; otherwise it jumps.
    fn sent_back(&mut self, m: usize, at: SimTime, place: Place) {
        match self.failed.get_mut(m).and_then(Option::take) {
            Some(f) if self.place(m) == Place::Consumer => self.push(m, f, at, place),
            _ => self.jump(m, at, place),
        }
    }

    /// Controller mode: a slave became master (the positions swap, `changeToMaster`). What only
    /// the old master held goes with it to the slave's place; what waited on the slave after the
    /// master lost it is on the master now.
    fn promoted(&mut self, at: SimTime) {
        for m in 0..self.keys.len() {
            let replicated = self.ledger.messages.get(m).is_some_and(|r| r.replicated_at().is_some_and(|t| t <= at));
            match self.place(m) {
                Place::Master if !replicated => self.jump(m, at, Place::Slave),
                Place::Slave => self.jump(m, at, Place::Master),
                _ => {}
            }
        }
    }

    /// When the master loses a message the slave already holds, the token moves to the slave.
    fn master_copy_lost(&mut self, m: usize, at: SimTime) {
        let on_slave = self.ledger.messages.get(m).is_some_and(|r| r.replicated_at().is_some_and(|t| t <= at));
        if on_slave && self.place(m) == Place::Master {
            self.jump(m, at, Place::Slave);
        }
    }

    fn consumer_crashed(&mut self, at: SimTime) {
        for m in 0..self.keys.len() {
            if self.place(m) == Place::Consumer {
                let back = self.stored[m];
                self.jump(m, at, back);
            }
        }
    }

    /// Lost messages become ghosts when their last readable copy vanished (or, never stored,
    /// when the producer gave up).
    fn ghosts(&mut self, ledger: &Ledger) {
        for r in &ledger.messages {
            if !matches!(r.verdict, Some(Verdict::LostAfterAck | Verdict::LostUnacked)) {
                continue;
            }
            let m = r.id as usize;
            let last = self.keys.get(m).and_then(|k| k.last()).map_or(SimTime::ZERO, |k| k.arrive);
            let at = r.lost().last().map(|(t, _)| *t).or(r.answer.as_ref().map(|(t, _)| *t)).unwrap_or(last).max(last);
            self.push(m, at, at, Place::Lost);
        }
    }
}

impl Tracks {
    /// Builds every message's moves from a finished run's log and ledger.
    pub fn build(events: &[Event], ledger: &Ledger) -> Tracks {
        let n = ledger.messages.len();
        let mut b = Builder {
            ledger,
            keys: vec![Vec::new(); n],
            pulls: BTreeMap::new(),
            stored: vec![Place::Pending; n],
            failed: vec![None; n],
            popped: vec![None; n],
            visible_at: vec![None; n],
        };
        for e in events {
            b.on(e);
        }
        b.ghosts(ledger);
        let mut spans: Vec<(SimTime, SimTime)> =
            b.keys.iter().flatten().filter(|k| k.arrive > k.start).map(|k| (k.start, k.arrive)).collect();
        rmq_sim::sort::sort(&mut spans);
        let longest_us = spans.iter().map(|(a, b)| b.0 - a.0).max().unwrap_or(0);
        Tracks { keys: b.keys, spans, longest_us }
    }

    /// Whether any token is travelling at `t`.
    pub fn moving_at(&self, t: SimTime) -> bool {
        let hi = self.spans.partition_point(|(s, _)| *s <= t);
        let lo = self.spans.partition_point(|(s, _)| s.0 + self.longest_us < t.0);
        self.spans[lo..hi].iter().any(|(s, a)| *s <= t && t < *a)
    }

    /// The shortest move under way at `t` or starting before `t + horizon_us`, in microseconds
    /// (playback slows down so that it can be watched: [`crate::playback::pace`]).
    pub fn shortest_move_near(&self, t: SimTime, horizon_us: u64) -> Option<u64> {
        let hi = self.spans.partition_point(|(s, _)| s.0 <= t.0.saturating_add(horizon_us));
        let lo = self.spans.partition_point(|(s, _)| s.0 + self.longest_us < t.0);
        self.spans[lo..hi].iter().filter(|(_, a)| *a > t).map(|(s, a)| a.0 - s.0).min()
    }

    /// Where message `m` is at `t`: (from, to, fraction of the way travelled).
    pub fn at(&self, m: usize, t: SimTime) -> (Place, Place, f64) {
        let Some(keys) = self.keys.get(m) else { return (Place::Pending, Place::Pending, 1.0) };
        let i = keys.partition_point(|k| k.start <= t);
        if i == 0 {
            return (Place::Pending, Place::Pending, 1.0);
        }
        let k = keys[i - 1];
        let from = if i >= 2 { keys[i - 2].place } else { Place::Producer };
        if t >= k.arrive {
            return (k.place, k.place, 1.0);
        }
        let f = (t.0 - k.start.0) as f64 / (k.arrive.0 - k.start.0).max(1) as f64;
        (from, k.place, f)
    }
}

/// How a token looks, so its state reads without colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Look {
    /// Not stored anywhere yet (travelling, or at the producer).
    InFlight,
    /// Only in the master's page cache: dashed outline.
    MemoryOnly,
    /// On the master's disk: solid outline.
    Durable,
    /// Also on the slave: double ring.
    Replicated,
    /// Consumed: check mark.
    Consumed,
    /// gRPC consumer: nacked and invisible until its backoff ends: faded, dotted, ◌.
    Invisible,
    /// Dead-lettered: skull.
    DeadLettered,
    /// Lost after the producer was told it was stored (a broken promise): ghost with a cross.
    Lost,
    /// Lost, but the producer saw an exception or nothing: paler ghost with a cross.
    LostUnacked,
    /// Lost because a rejoining replica truncated its log (controller mode, issue 20): a ghost
    /// marked ✂.
    Truncated,
}

fn reached(t: SimTime, stage: Option<SimTime>) -> bool {
    stage.is_some_and(|s| s <= t)
}

/// Whether the message's last copy went in a truncation on rejoin (the core's loss reason).
pub fn cut_by_truncation(r: &MessageRecord) -> bool {
    use rmq_sim::text::LossReason::*;
    matches!(r.lost().last(), Some((_, TruncatedOnRejoin { .. } | MasterRestartedInPlace { truncated: true, .. })))
}

/// The look of a message at `t`, from its place and the core's ledger stage times.
pub fn look(r: &MessageRecord, place: Place, t: SimTime) -> Look {
    match place {
        Place::Lost if cut_by_truncation(r) => Look::Truncated,
        Place::Lost if r.was_acked() => Look::Lost,
        Place::Lost => Look::LostUnacked,
        Place::Dlq => Look::DeadLettered,
        Place::Consumed => Look::Consumed,
        Place::Invisible => Look::Invisible,
        _ if reached(t, r.replicated_at()) => Look::Replicated,
        _ if reached(t, r.master_flushed_at()) => Look::Durable,
        _ if reached(t, r.appended_at()) => Look::MemoryOnly,
        _ => Look::InFlight,
    }
}

/// A station of the picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StationId {
    Producer,
    MasterCache,
    MasterDisk,
    SlaveCache,
    SlaveDisk,
    ConsumeQueue,
    Consumer,
    Consumed,
    Retry,
    Dlq,
    /// Keep last: per-station arrays are sized by it ([`STATIONS`]).
    Lost,
}

/// A rectangle in the SVG's user units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// Wide (desktop), compact (a documentation column, ~600–1000 px) or tall (phone) arrangement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orientation {
    Wide,
    /// The wide arrangement squeezed to 640 units, so that in a ~690 px docs column it is drawn at
    /// about 1:1 (text at its normal size) and the whole path fits one screen with the controls.
    Compact,
    Tall,
}

impl Orientation {
    /// Its name in `data-orientation` (for the embed styles).
    pub fn name(self) -> &'static str {
        match self {
            Orientation::Wide => "wide",
            Orientation::Compact => "compact",
            Orientation::Tall => "tall",
        }
    }
}

/// The picture's size in user units.
pub fn canvas(o: Orientation) -> (f64, f64) {
    match o {
        Orientation::Wide => (1000.0, 580.0),
        Orientation::Compact => (640.0, 520.0),
        Orientation::Tall => (400.0, 1040.0),
    }
}

/// What the picture holds beyond a master, a slave and the clients (issue 20): controller
/// mode's controller, and a second slave (`[slave] count = 2`). Each is a small station in a band
/// added below the picture, so the stations every scenario has stay where they are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    pub controller: bool,
    pub slave2: bool,
}

impl Shape {
    pub fn of(sc: &rmq_sim::Scenario) -> Shape {
        Shape { controller: sc.broker.enable_controller_mode, slave2: sc.slave.enabled && sc.slave.count >= 2 }
    }

    /// Whether the picture has the band.
    pub fn band(self) -> bool {
        self.controller || self.slave2
    }
}

/// The band's height, in units.
pub const BAND_H: f64 = 76.0;

/// The picture's size for `shape`: [`canvas`], taller by the band when there is one.
pub fn canvas_in(o: Orientation, shape: Shape) -> (f64, f64) {
    let (w, h) = canvas(o);
    (w, if shape.band() { h + BAND_H } else { h })
}

/// A station of the band.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BandStation {
    /// The second slave (brokerId 2 at the start), under the first one.
    Slave2,
    /// The controller, with the SyncStateSet it keeps.
    Controller,
}

/// Where a band station's area is (its box is drawn 8 units around it with the 34-unit title
/// band above, like every station's): one row of chips or a log bar, 22 units tall.
pub fn band_station(o: Orientation, s: BandStation) -> Rect {
    let y = canvas(o).1 + 40.0;
    match (o, s) {
        (Orientation::Wide, BandStation::Slave2) => r(240.0, y, 230.0, 22.0),
        (Orientation::Wide, BandStation::Controller) => r(520.0, y, 460.0, 22.0),
        (Orientation::Compact, BandStation::Slave2) => r(206.0, y, 176.0, 22.0),
        (Orientation::Compact, BandStation::Controller) => r(430.0, y, 194.0, 22.0),
        (Orientation::Tall, BandStation::Slave2) => r(20.0, y, 170.0, 22.0),
        (Orientation::Tall, BandStation::Controller) => r(210.0, y, 170.0, 22.0),
    }
}

/// The SyncStateSet's chips in the controller station: one per broker (brokerId 0, 1, 2), as
/// (brokerId, chip box), left to right after the "SyncStateSet" label's room.
pub fn sync_set_chips(o: Orientation, brokers: u32) -> Vec<(u32, Rect)> {
    let a = band_station(o, BandStation::Controller);
    let x0 = a.x + 2.0 + SYNC_LABEL_ROOM;
    (0..brokers).map(|b| (b, Rect { x: x0 + b as f64 * (SYNC_CHIP_W + 3.0), y: a.y + 3.0, w: SYNC_CHIP_W, h: 16.0 })).collect()
}

/// The room the controller's "SyncStateSet" label (RocketMQ's name, in both languages) takes
/// before the chips, at [`SYNC_PX`].
pub const SYNC_LABEL_ROOM: f64 = 76.0;
/// A chip's width: "★2" at [`SYNC_PX`] bold with room.
pub const SYNC_CHIP_W: f64 = 26.0;
/// The size the SyncStateSet label and chips are drawn at (www/style.css `.sync-set`).
pub const SYNC_PX: f64 = 9.5;

const fn r(x: f64, y: f64, w: f64, h: f64) -> Rect {
    Rect { x, y, w, h }
}

/// Where each station's token area is.
pub fn station(o: Orientation, s: StationId) -> Rect {
    use StationId::*;
    match (o, s) {
        (Orientation::Wide, Producer) => r(20.0, 50.0, 170.0, 300.0),
        (Orientation::Wide, MasterCache) => r(240.0, 70.0, 230.0, 120.0),
        (Orientation::Wide, MasterDisk) => r(240.0, 230.0, 230.0, 120.0),
        (Orientation::Wide, SlaveCache) => r(240.0, 430.0, 230.0, 50.0),
        (Orientation::Wide, SlaveDisk) => r(240.0, 500.0, 230.0, 50.0),
        (Orientation::Wide, ConsumeQueue) => r(520.0, 70.0, 110.0, 280.0),
        (Orientation::Wide, Consumer) => r(680.0, 70.0, 300.0, 100.0),
        (Orientation::Wide, Consumed) => r(680.0, 210.0, 300.0, 140.0),
        (Orientation::Wide, Retry) => r(520.0, 430.0, 230.0, 120.0),
        (Orientation::Wide, Dlq) => r(790.0, 430.0, 190.0, 50.0),
        (Orientation::Wide, Lost) => r(20.0, 430.0, 170.0, 120.0),
        (Orientation::Compact, Producer) => r(16.0, 50.0, 150.0, 250.0),
        (Orientation::Compact, MasterCache) => r(206.0, 70.0, 176.0, 95.0),
        (Orientation::Compact, MasterDisk) => r(206.0, 205.0, 176.0, 95.0),
        (Orientation::Compact, SlaveCache) => r(206.0, 380.0, 176.0, 48.0),
        (Orientation::Compact, SlaveDisk) => r(206.0, 444.0, 176.0, 48.0),
        (Orientation::Compact, ConsumeQueue) => r(430.0, 50.0, 194.0, 36.0),
        (Orientation::Compact, Consumer) => r(430.0, 134.0, 194.0, 60.0),
        (Orientation::Compact, Consumed) => r(430.0, 214.0, 194.0, 86.0),
        (Orientation::Compact, Retry) => r(430.0, 380.0, 194.0, 50.0),
        (Orientation::Compact, Dlq) => r(430.0, 478.0, 194.0, 30.0),
        (Orientation::Compact, Lost) => r(16.0, 380.0, 150.0, 120.0),
        (Orientation::Tall, Producer) => r(20.0, 50.0, 360.0, 90.0),
        (Orientation::Tall, MasterCache) => r(20.0, 200.0, 215.0, 100.0),
        (Orientation::Tall, MasterDisk) => r(20.0, 330.0, 215.0, 100.0),
        (Orientation::Tall, SlaveCache) => r(255.0, 200.0, 125.0, 100.0),
        (Orientation::Tall, SlaveDisk) => r(255.0, 330.0, 125.0, 100.0),
        (Orientation::Tall, ConsumeQueue) => r(20.0, 490.0, 360.0, 40.0),
        (Orientation::Tall, Consumer) => r(20.0, 590.0, 360.0, 70.0),
        (Orientation::Tall, Consumed) => r(20.0, 690.0, 360.0, 80.0),
        (Orientation::Tall, Retry) => r(20.0, 830.0, 170.0, 195.0),
        (Orientation::Tall, Dlq) => r(210.0, 830.0, 170.0, 40.0),
        (Orientation::Tall, Lost) => r(210.0, 930.0, 170.0, 95.0),
    }
}

/// Token spacing in user units.
pub const SLOT: f64 = 19.0;
/// Token radius.
pub const TOKEN_R: f64 = 8.0;

/// Columns and rows of a station's slot grid.
fn grid(area: Rect) -> (usize, usize) {
    (((area.w - 4.0) / SLOT).floor().max(1.0) as usize, ((area.h - 4.0) / SLOT).floor().max(1.0) as usize)
}

/// The `i`-th slot of a station (row-major), or None when the station is full.
pub fn slot(area: Rect, i: usize) -> Option<(f64, f64)> {
    let (cols, rows) = grid(area);
    if i >= cols * rows {
        return None;
    }
    let (c, row) = (i % cols, i / cols);
    Some((area.x + 2.0 + SLOT / 2.0 + c as f64 * SLOT, area.y + 2.0 + SLOT / 2.0 + row as f64 * SLOT))
}

/// Roughly how wide `s` is drawn at `px_per_char` for Latin text (CJK characters are wider).
pub fn text_width(s: &str, px_per_char: f64) -> f64 {
    s.chars().map(|c| if c >= '\u{2e80}' { px_per_char * 1.65 } else { px_per_char }).sum()
}

/// How wide `s` is drawn at `px` (font size in diagram units), in the UI's proportional font,
/// on the safe side: measured on DejaVu Sans (the widest of the fonts the page names, and the one
/// headless Chromium uses), per glyph class, plus 4 %. CJK characters are a full em.
pub fn label_width(s: &str, px: f64, bold: bool) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| match c {
            c if c >= '\u{2e80}' => 1.0,
            ' ' | '.' | ',' | ':' | ';' | '·' | 'i' | 'l' | 'j' | '!' | '|' | '\'' | 'I' => 0.36,
            'f' | 't' | 'r' | '(' | ')' | '[' | ']' => 0.5,
            'm' | 'w' | 'M' | 'W' | '%' | '@' => 1.0,
            '✕' | '✓' | '☠' | '⇣' | '×' => 0.84,
            // Capitals by their DejaVu Sans advance (RocketMQ's settings are all capitals: one
            // width for all of them cut "ASYNC_FLUSH · ASYNC_MASTER" in a 690 px embed that had room).
            'D' | 'G' | 'O' | 'Q' => 0.79,
            'H' | 'N' | 'U' => 0.76,
            'A' | 'B' | 'C' | 'K' | 'R' | 'V' | 'X' | 'Z' => 0.70,
            'E' | 'F' | 'L' | 'P' | 'S' | 'T' | 'Y' => 0.64,
            'J' => 0.36,
            '_' => 0.5,
            _ if bold => 0.7,
            _ => 0.64,
        })
        .sum();
    em * px * 1.04
}

/// A label fitted to `room` units: drawn at `px` when it fits, else at a smaller size down to
/// `min_px`, else at `min_px` cut with an ellipsis (the caller keeps the full text in a tooltip).
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    pub text: String,
    pub px: f64,
    /// Whether the text was cut (its full form must stay readable elsewhere).
    pub clipped: bool,
}

impl Fit {
    /// Whether it is drawn smaller than asked or cut.
    pub fn changed(&self, px: f64) -> bool {
        self.clipped || self.px < px
    }
}

/// Fits `s` into `room` units (see [`Fit`]).
pub fn fit_label(s: &str, room: f64, px: f64, min_px: f64, bold: bool) -> Fit {
    let w = label_width(s, px, bold);
    if w <= room {
        return Fit { text: s.to_string(), px, clipped: false };
    }
    let scaled = (px * room / w * 100.0).floor() / 100.0;
    if scaled >= min_px {
        return Fit { text: s.to_string(), px: scaled, clipped: false };
    }
    let chars: Vec<char> = s.chars().collect();
    let mut n = chars.len();
    let mut text = String::new();
    while n > 0 {
        text = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
        if label_width(&text, min_px, bold) <= room {
            break;
        }
        n -= 1;
    }
    if n == 0 {
        text = "…".to_string();
    }
    Fit { text, px: min_px, clipped: true }
}

/// The largest size each diagram label is drawn at (www/style.css; on screens up to 760 px wide,
/// where a phone or a docs column shows the picture): what the fitting must allow for.
pub const TITLE_PX: f64 = 14.0;
pub const SUB_PX: f64 = 11.5;
/// The smallest the fitting shrinks them to before cutting.
pub const TITLE_MIN_PX: f64 = 10.5;
pub const SUB_MIN_PX: f64 = 9.0;

/// The largest size a region label is drawn at (11 px on screens up to 760 px wide).
pub const RG_PX: f64 = 11.0;

/// A subtitle "a · b · c" too long for `room` even at the smallest size, split into its first
/// part (the subtitle) and the rest (drawn on a line of its own), or None when it fits as is.
pub fn split_sub(sub: &str, room: f64) -> Option<(String, String)> {
    if !fit_label(sub, room, SUB_PX, SUB_MIN_PX, false).clipped {
        return None;
    }
    let (head, tail) = sub.split_once(" · ")?;
    Some((head.to_string(), tail.to_string()))
}

/// A station's title band: the room its title and subtitle have, in units, for a station box
/// drawn `pad` around `area`, less `reserve` units at the right (the master's version badge).
pub fn title_room(area: Rect, pad: f64, reserve: f64) -> f64 {
    area.w + 2.0 * pad - 16.0 - reserve
}

/// The consume queue's subtitle, "TopicTest ×N · <the broker the consumer reads from>", for its
/// station: whole where it fits; else (the wide picture's narrow, tall station) the topic as the
/// subtitle and the broker on a line of its own at the top of the lanes, which then start
/// [`QUEUE_ROUTE_H`] lower.
pub fn queue_sub(o: Orientation, full: &str) -> (String, Option<String>) {
    let a = station(o, StationId::ConsumeQueue);
    match split_sub(full, title_room(a, 8.0, 0.0)) {
        Some((head, tail)) if a.h > a.w => (head, Some(tail)),
        _ => (full.to_string(), None),
    }
}

/// The room the consume queue's route line takes above its lanes, when it has one.
pub const QUEUE_ROUTE_H: f64 = 14.0;

/// The consume queue's "consumed to N of M" under its lanes: one line where it fits the station
/// (drawn smaller if need be), else the two halves on two lines (the wide picture's narrow
/// station with 4–5 digit offsets); each fitted to the station's width.
pub fn consumed_lines(o: Orientation, whole: &str, head: &str, tail: &str) -> Vec<(String, Fit)> {
    let room = station(o, StationId::ConsumeQueue).w + 4.0;
    let fit = |s: &str| (s.to_string(), fit_label(s, room, RG_PX, 8.5, false));
    let one = fit(whole);
    if one.1.clipped {
        vec![fit(head), fit(tail)]
    } else {
        vec![one]
    }
}

/// The producer's answer feed: how many lines, and the band at the bottom of its area they fill
/// (no token is drawn there, so the lines never print over the grid).
pub fn feed_lines(o: Orientation) -> usize {
    if o == Orientation::Tall {
        2
    } else {
        7
    }
}

/// Line pitch of the answer feed, and the widest a monospace character of it is drawn (11 px).
pub const FEED_PITCH: f64 = 13.0;
pub const FEED_CHAR_W: f64 = 11.0 * 0.61;

pub fn feed_band(o: Orientation) -> Rect {
    let a = station(o, StationId::Producer);
    let h = 6.0 + FEED_PITCH * feed_lines(o) as f64 + 2.0;
    Rect { x: a.x, y: a.y + a.h - h, w: a.w, h }
}

/// How many characters of an answer line fit the producer's width.
pub fn feed_chars(o: Orientation) -> usize {
    ((station(o, StationId::Producer).w - 4.0) / FEED_CHAR_W).floor() as usize
}

/// Where a station's resting tokens go: its area, less the producer's answer feed.
pub fn token_area(o: Orientation, s: StationId) -> Rect {
    let a = station(o, s);
    if s == StationId::Producer {
        Rect { h: a.h - feed_band(o).h, ..a }
    } else {
        a
    }
}

/// Room for a token's number: the token's inside, clear of its outline.
pub const ID_ROOM: f64 = 2.0 * TOKEN_R - 3.0;
/// The number's largest and smallest size; a digit of the bold UI font is 0.7 em at most.
pub const ID_PX: f64 = 7.6;
pub const ID_MIN_PX: f64 = 5.4;
const ID_DIGIT_EM: f64 = 0.7;

/// How message `msg`'s number is drawn on its token: the font size, and (for ids too long even
/// at the smallest size) the width it is condensed to, so that ids of any length fit the token.
pub fn id_font(msg: u32) -> (f64, Option<f64>) {
    let digits = msg.to_string().len() as f64;
    let px = (ID_ROOM / (digits * ID_DIGIT_EM)).clamp(ID_MIN_PX, ID_PX);
    let natural = digits * ID_DIGIT_EM * px;
    (px, (natural > ID_ROOM).then_some(ID_ROOM))
}

/// The drawn width of `msg`'s number on its token.
pub fn id_width(msg: u32) -> f64 {
    let (px, max) = id_font(msg);
    let natural = msg.to_string().len() as f64 * ID_DIGIT_EM * px;
    max.map_or(natural, |m| natural.min(m))
}

/// Width of the "+N more" plate around `label`.
pub fn overflow_plate_width(label: &str) -> f64 {
    text_width(label, 6.2) + 10.0
}

/// The region label drawn at the bottom right of a station's area, if any (the master's page
/// cache and commit log, the consumer's two areas).
pub fn region_label_key(s: StationId) -> Option<crate::i18n::Key> {
    use crate::i18n::Key;
    match s {
        StationId::MasterCache => Some(Key::RegionCache),
        StationId::MasterDisk => Some(Key::RegionDisk),
        StationId::Consumer => Some(Key::RegionConsuming),
        StationId::Consumed => Some(Key::RegionConsumed),
        _ => None,
    }
}

/// The widest a region label is drawn (11 px on small screens, about 0.58 em a Latin character
/// in the UI font: "page cache (memory)" measured 105 units at 9.5 px in headless Chromium), in diagram units.
fn region_label_width(label: &str) -> f64 {
    text_width(label, 11.0 * 0.58)
}

/// The plate's text: `long` ("+N more") when it fits beside the area's region label, else `short` ("+N").
pub fn fit_plate_label<'a>(area: Rect, long: &'a str, short: &'a str, region_label: Option<&str>) -> &'a str {
    let room = area.w - 8.0 - region_label.map_or(0.0, region_label_width);
    if grid(area).1 == 1 || overflow_plate_width(long) <= room {
        long
    } else {
        short
    }
}

/// Height of the "+N more" plate a full station shows in its bottom-right corner.
pub const OVERFLOW_PLATE_H: f64 = 16.0;
/// Slots a one-row station gives up to that plate (wide enough for "+99999 more").
const OVERFLOW_PLATE_SLOTS: usize = 5;

/// Where the "+N more" plate of `w` units is drawn in `area`, inside the slots [`shown`] leaves
/// free: bottom left, clear of the region's label at the bottom right; in a one-row station
/// (no label), at the right end.
pub fn overflow_plate(area: Rect, w: f64) -> Rect {
    let y = area.y + area.h - OVERFLOW_PLATE_H - 2.0;
    let x = if grid(area).1 > 1 { area.x + 2.0 } else { area.x + area.w - w - 2.0 };
    Rect { x, y, w, h: OVERFLOW_PLATE_H }
}

/// How many of `resting` tokens a station draws. When they all fit, all of them; otherwise
/// the last row (or, in a one-row station, its last few slots) is left to the "+N more" plate,
/// so the plate never covers a token or the region's label.
pub fn shown(area: Rect, resting: usize) -> usize {
    let (cols, rows) = grid(area);
    if resting <= cols * rows {
        resting
    } else if rows > 1 {
        cols * (rows - 1)
    } else {
        cols.saturating_sub(OVERFLOW_PLATE_SLOTS)
    }
}

/// The station a resting message is drawn in.
pub fn station_of(place: Place, r: &MessageRecord, t: SimTime) -> Option<StationId> {
    Some(match place {
        Place::Pending => return None,
        Place::Producer => StationId::Producer,
        Place::Master if reached(t, r.master_flushed_at()) => StationId::MasterDisk,
        Place::Master => StationId::MasterCache,
        Place::Slave if reached(t, r.slave_flushed_at()) => StationId::SlaveDisk,
        Place::Slave => StationId::SlaveCache,
        Place::Consumer | Place::Invisible => StationId::Consumer,
        Place::Consumed => StationId::Consumed,
        Place::Scheduled | Place::Retry => StationId::Retry,
        Place::Dlq => StationId::Dlq,
        Place::Lost => StationId::Lost,
    })
}

/// One token to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub msg: u32,
    pub x: f64,
    pub y: f64,
    pub look: Look,
    pub place: Place,
    pub moving: bool,
    /// How many times it has been consumed by `t` (a duplicate shows ×2).
    pub consumed: u32,
    /// How far along its way a moving token is drawn (0..1); 1 for a resting one.
    pub progress: f64,
}

/// How travelling tokens are drawn: gliding along their way, or (for `prefers-reduced-motion`)
/// jumping from one station to the next at the halfway time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Motion {
    Glide,
    Jump,
}

/// The drawn fraction of a move: as is when gliding, 0 or 1 when jumping.
pub fn drawn_fraction(f: f64, motion: Motion) -> f64 {
    match motion {
        Motion::Glide => f,
        Motion::Jump if f < 0.5 => 0.0,
        Motion::Jump => 1.0,
    }
}

/// Tokens at `t`, plus how many did not fit per station.
pub fn tokens(o: Orientation, tracks: &Tracks, ledger: &Ledger, t: SimTime) -> (Vec<Token>, Overflow) {
    tokens_with(o, tracks, ledger, t, Motion::Glide)
}

/// [`tokens`], with travelling tokens drawn as `motion` says.
pub fn tokens_with(o: Orientation, tracks: &Tracks, ledger: &Ledger, t: SimTime, motion: Motion) -> (Vec<Token>, Overflow) {
    let mut out = Vec::new();
    let overflow = tokens_into(&mut out, &mut TokenScratch::default(), o, tracks, ledger, t, motion);
    (out, overflow)
}

/// How many stations there are ([`StationId`]'s variants).
const STATIONS: usize = StationId::Lost as usize + 1;

/// How many resting tokens did not fit, per station: the "+N more" plates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Overflow([usize; STATIONS]);

impl Overflow {
    /// How many tokens `s` could not show; `None` when it showed them all.
    pub fn get(&self, s: StationId) -> Option<usize> {
        Some(self.0[s as usize]).filter(|n| *n > 0)
    }
}

/// What [`tokens_into`] reuses between frames, so a frame allocates nothing once it has grown
/// to the run's size: each message's place at `t`.
#[derive(Debug, Default)]
pub struct TokenScratch {
    at: Vec<(Place, Place, f64)>,
}

/// [`tokens_with`] into `out` (cleared first), reusing `out`'s and `scratch`'s memory: the
/// diagram calls it every animation frame. Per-station counts are arrays, not maps.
#[allow(clippy::too_many_arguments)]
pub fn tokens_into(
    out: &mut Vec<Token>,
    scratch: &mut TokenScratch,
    o: Orientation,
    tracks: &Tracks,
    ledger: &Ledger,
    t: SimTime,
    motion: Motion,
) -> Overflow {
    out.clear();
    let at = &mut scratch.at;
    at.clear();
    at.extend(ledger.messages.iter().map(|rec| tracks.at(rec.id as usize, t)));
    // How many rest in each station first, so a full one leaves room for its "+N more" plate.
    let mut resting = [0usize; STATIONS];
    for (rec, (_, to, f)) in ledger.messages.iter().zip(at.iter()) {
        if let Some(s) = station_of(*to, rec, t).filter(|_| *f >= 1.0) {
            resting[s as usize] += 1;
        }
    }
    let mut filled = [0usize; STATIONS];
    let mut overflow = Overflow::default();
    for (rec, &(from, to, f)) in ledger.messages.iter().zip(at.iter()) {
        if f < 1.0 {
            let a = station_of(from, rec, t);
            let b = station_of(to, rec, t);
            if let (Some(a), Some(b)) = (a, b) {
                let f = drawn_fraction(f, motion);
                let (x, y) = along(&route(o, a, b), f);
                out.push(Token { msg: rec.id, x, y, look: look(rec, to, t), place: to, moving: true, consumed: 0, progress: f });
            }
            continue;
        }
        let Some(s) = station_of(to, rec, t) else { continue };
        let area = token_area(o, s);
        let i = &mut filled[s as usize];
        match slot(area, *i).filter(|_| *i < shown(area, resting[s as usize])) {
            Some((x, y)) => {
                let consumed = rec.consumed_at.iter().filter(|c| **c <= t).count() as u32;
                out.push(Token { msg: rec.id, x, y, look: look(rec, to, t), place: to, moving: false, consumed, progress: 1.0 })
            }
            None => overflow.0[s as usize] += 1,
        }
        *i += 1;
    }
    overflow
}

/// A gauge's filled fraction: `part` of `whole`, in 0..=1.
pub fn fraction(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part.min(whole) as f64) / whole as f64
    }
}

/// A station box as drawn around its area (the title band above, `pad` around): [`outer`]'s unit.
fn padded(a: Rect) -> Rect {
    Rect { x: a.x - 8.0, y: a.y - 34.0, w: a.w + 16.0, h: a.h + 42.0 }
}

/// The drawn box of the station that holds `s`: the master's (page cache and disk), the slave's,
/// the consumer group's (consuming and consumed) span two areas.
pub fn outer(o: Orientation, s: StationId) -> Rect {
    use StationId::*;
    let (a, b) = match s {
        MasterCache | MasterDisk => (station(o, MasterCache), station(o, MasterDisk)),
        SlaveCache | SlaveDisk => (station(o, SlaveCache), station(o, SlaveDisk)),
        Consumer | Consumed => (station(o, Consumer), station(o, Consumed)),
        _ => (station(o, s), station(o, s)),
    };
    padded(Rect { x: a.x, y: a.y, w: a.w, h: b.y + b.h - a.y })
}

/// The links of the picture: (from, to, what travels it), in the message's direction.
pub const LINKS: &[(StationId, StationId, &str)] = &[
    (StationId::Producer, StationId::MasterCache, "send"),
    (StationId::MasterCache, StationId::SlaveCache, "replicate"),
    (StationId::MasterCache, StationId::ConsumeQueue, "dispatch"),
    (StationId::ConsumeQueue, StationId::Consumer, "pull"),
    (StationId::Consumer, StationId::Retry, "retry"),
    (StationId::Retry, StationId::Dlq, "dead-letter"),
];

/// The drawn link between two stations' boxes: a straight segment across the gap, level with
/// where both stations' areas overlap (horizontal when they sit side by side, vertical when one
/// is above the other).
pub fn link(o: Orientation, a: StationId, b: StationId) -> ((f64, f64), (f64, f64)) {
    let (ra, rb) = (station(o, a), station(o, b));
    let (oa, ob) = (outer(o, a), outer(o, b));
    let (lo, hi) = (ra.y.max(rb.y), (ra.y + ra.h).min(rb.y + rb.h));
    if hi > lo && (ob.x >= oa.x + oa.w || oa.x >= ob.x + ob.w) {
        let y = (lo + hi) / 2.0;
        return if ob.x >= oa.x + oa.w { ((oa.x + oa.w, y), (ob.x, y)) } else { ((oa.x, y), (ob.x + ob.w, y)) };
    }
    let x = (ra.x.max(rb.x) + (ra.x + ra.w).min(rb.x + rb.w)) / 2.0;
    if ob.y >= oa.y + oa.h {
        ((x, oa.y + oa.h), (x, ob.y))
    } else {
        ((x, oa.y), (x, ob.y + ob.h))
    }
}

/// gRPC consumer: the messages invisible at `t` (nacked, waiting out their backoff on the
/// consumer's side) with the time each becomes visible again (where its way into `%RETRY%`
/// starts), newest nack first.
pub fn invisible_at(tracks: &Tracks, t: SimTime) -> Vec<(u32, SimTime)> {
    let mut out: Vec<(SimTime, u32, SimTime)> = Vec::new();
    for (m, keys) in tracks.keys.iter().enumerate() {
        let i = keys.partition_point(|k| k.start <= t);
        let Some(k) = i.checked_sub(1).map(|j| keys[j]) else { continue };
        if k.place != Place::Invisible || t < k.arrive {
            continue;
        }
        let until = keys.get(i).map_or(SimTime::MAX, |n| n.start);
        out.push((k.start, m as u32, until));
    }
    rmq_sim::sort::sort_by(&mut out, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    out.into_iter().map(|(_, m, until)| (m, until)).collect()
}

/// A hop through the RocketMQ 5 proxy (spec 5 §5): the gRPC producer's sends, or the gRPC
/// consumer's pops. The proxy is drawn as a plate on that link, where the tokens travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyHop {
    Send,
    Pop,
}

impl ProxyHop {
    /// The link the hop sits on.
    pub fn link(self) -> (StationId, StationId) {
        match self {
            ProxyHop::Send => (StationId::Producer, StationId::MasterCache),
            ProxyHop::Pop => (StationId::ConsumeQueue, StationId::Consumer),
        }
    }

    /// Its name in `data-hop`.
    pub fn name(self) -> &'static str {
        match self {
            ProxyHop::Send => "send",
            ProxyHop::Pop => "pop",
        }
    }

    /// The hops a scenario's clients take: the producer's when it is gRPC, the consumer's when it is.
    pub fn of(sc: &rmq_sim::Scenario) -> Vec<ProxyHop> {
        use rmq_sim::scenario::Client::Grpc;
        let mut out = Vec::new();
        if sc.producer.client == Grpc {
            out.push(ProxyHop::Send);
        }
        if sc.consumer.enabled && sc.consumer.client == Grpc {
            out.push(ProxyHop::Pop);
        }
        out
    }
}

/// The proxy plate's length along its link, and its label's largest size.
pub const PROXY_PLATE_LEN: f64 = 104.0;
pub const PROXY_PX: f64 = 10.0;

/// Where the proxy's plate is drawn on `hop`'s link: across the gap between the two boxes,
/// centred on the link, standing upright (its label turned) when the boxes sit side by side,
/// lying flat when one is above the other. `true` when upright.
pub fn proxy_plate(o: Orientation, hop: ProxyHop) -> (Rect, bool) {
    let (a, b) = hop.link();
    let ((x1, y1), (x2, y2)) = link(o, a, b);
    if (y1 - y2).abs() < 0.5 {
        let w = ((x2 - x1).abs() - 6.0).clamp(12.0, 22.0);
        (r((x1 + x2) / 2.0 - w / 2.0, y1 - PROXY_PLATE_LEN / 2.0, w, PROXY_PLATE_LEN), true)
    } else {
        let h = 14.0;
        (r(x1 - PROXY_PLATE_LEN / 2.0, (y1 + y2) / 2.0 - h / 2.0, PROXY_PLATE_LEN, h), false)
    }
}

/// The way a token travels from station `a` to station `b`: from `a`'s centre along the drawn
/// links to `b`'s centre (a pull from a broker goes through the consume queue; a retry back
/// to the consumer, and a dead letter, along the retry link).
pub fn route(o: Orientation, a: StationId, b: StationId) -> Route {
    use StationId::*;
    let c = |s: StationId| station(o, s).center();
    let mut pts = Route { pts: [(0.0, 0.0); ROUTE_MAX], n: 0 };
    pts.push(c(a));
    let mut via = |x: StationId, y: StationId, rev: bool| {
        let (p, q) = link(o, x, y);
        if rev {
            pts.push(q);
            pts.push(p);
        } else {
            pts.push(p);
            pts.push(q);
        }
    };
    match (a, b) {
        (Producer, MasterCache | MasterDisk) => via(Producer, MasterCache, false),
        (MasterCache | MasterDisk, Consumer) => {
            via(MasterCache, ConsumeQueue, false);
            via(ConsumeQueue, Consumer, false);
        }
        (SlaveCache | SlaveDisk, Consumer) => {
            via(MasterCache, SlaveCache, true);
            via(MasterCache, ConsumeQueue, false);
            via(ConsumeQueue, Consumer, false);
        }
        (Retry, Consumer) => via(Consumer, Retry, true),
        (Consumer, Retry) => via(Consumer, Retry, false),
        (Consumer, Dlq) => {
            via(Consumer, Retry, false);
            via(Retry, Dlq, false);
        }
        _ => {}
    }
    pts.push(c(b));
    pts
}

/// Most points a [`route`] has: its two ends and two per link (three links at most).
const ROUTE_MAX: usize = 8;

/// A [`route`]'s points, on the stack: the diagram computes one per moving token every frame,
/// which must not allocate (tests/frame_alloc.rs).
#[derive(Clone, Copy, Debug)]
pub struct Route {
    pts: [(f64, f64); ROUTE_MAX],
    n: usize,
}

impl Route {
    fn push(&mut self, p: (f64, f64)) {
        self.pts[self.n] = p;
        self.n += 1;
    }
}

impl std::ops::Deref for Route {
    type Target = [(f64, f64)];
    fn deref(&self) -> &[(f64, f64)] {
        &self.pts[..self.n]
    }
}

/// The point a fraction `f` (0..=1) of the way along the polyline `pts`, by length.
pub fn along(pts: &[(f64, f64)], f: f64) -> (f64, f64) {
    let seg = |i: usize| ((pts[i + 1].0 - pts[i].0).powi(2) + (pts[i + 1].1 - pts[i].1).powi(2)).sqrt();
    let total: f64 = (0..pts.len().saturating_sub(1)).map(seg).sum();
    let Some(&last) = pts.last() else { return (0.0, 0.0) };
    let mut left = total * f.clamp(0.0, 1.0);
    for i in 0..pts.len() - 1 {
        let l = seg(i);
        if left <= l && l > 0.0 {
            let k = left / l;
            return (pts[i].0 + (pts[i + 1].0 - pts[i].0) * k, pts[i].1 + (pts[i + 1].1 - pts[i].1) * k);
        }
        left -= l;
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_sim::scenario::presets;
    use rmq_sim::Sim;

    fn finished(id: &str) -> Sim {
        let mut sim = Sim::new(&presets::load(id).expect("preset"));
        sim.run();
        sim
    }

    #[test]
    fn a_send_travels_from_producer_to_master_between_its_event_times() {
        let sim = finished("defaults");
        let tr = Tracks::build(sim.events(), sim.ledger());
        let k = tr.keys[0][1];
        assert_eq!(k.place, Place::Master);
        let mid = SimTime((k.start.0 + k.arrive.0) / 2);
        let (from, to, f) = tr.at(0, mid);
        assert_eq!((from, to), (Place::Producer, Place::Master));
        assert!(f > 0.0 && f < 1.0);
        assert!(tr.moving_at(mid));
        assert_eq!(tr.at(0, sim.now()).1, Place::Consumed);
    }

    #[test]
    fn power_cut_ghosts_land_in_the_lost_bin_after_the_cut() {
        let sim = finished("async-flush-power-loss");
        let tr = Tracks::build(sim.events(), sim.ledger());
        let lost: Vec<_> = sim.ledger().messages.iter().filter(|r| r.verdict == Some(Verdict::LostAfterAck)).collect();
        assert!(!lost.is_empty());
        let r = lost[0];
        assert_eq!(tr.at(r.id as usize, SimTime::from_ms(2_999)).1, Place::Master);
        assert_eq!(tr.at(r.id as usize, SimTime::from_ms(3_000)).1, Place::Lost);
        assert_eq!(look(r, Place::Master, SimTime::from_ms(2_999)), Look::MemoryOnly);
        let (toks, _) = tokens(Orientation::Wide, &tr, sim.ledger(), sim.now());
        let lost_area = station(Orientation::Wide, StationId::Lost);
        assert!(toks.iter().any(|t| t.look == Look::Lost && t.x >= lost_area.x && t.y >= lost_area.y));
    }

    #[test]
    fn retries_wait_in_the_retry_station_and_poison_ends_in_the_dlq() {
        let sim = finished("max-reconsume-3");
        let tr = Tracks::build(sim.events(), sim.ledger());
        let dl = sim.ledger().messages.iter().find(|r| r.verdict == Some(Verdict::DeadLettered)).expect("a DLQ message");
        let keys = &tr.keys[dl.id as usize];
        assert!(keys.iter().any(|k| k.place == Place::Scheduled));
        assert_eq!(keys.last().map(|k| k.place), Some(Place::Dlq));
    }

    #[test]
    fn a_replicated_message_moves_to_the_slave_when_the_master_loses_power() {
        let sim = finished("book-recommendation");
        let tr = Tracks::build(sim.events(), sim.ledger());
        let moved = (0..tr.keys.len()).filter(|&m| tr.keys[m].iter().any(|k| k.place == Place::Slave)).count();
        assert!(moved > 0, "some acknowledged messages survive only on the slave");
    }

    /// Controller mode (issue 20): what only the old master held moves with it to the slave's
    /// place when the slave is promoted, and is cut (a truncated ghost in the lost bin) when the
    /// old master rejoins; the inspector's stage names the truncation.
    #[test]
    fn the_old_masters_tail_follows_it_to_the_slave_and_is_cut_on_rejoin() {
        let sim = finished("v5-controller-failover-truncated");
        let tr = Tracks::build(sim.events(), sim.ledger());
        let role = |k: &EventKind| matches!(k, EventKind::RoleChanged { node: NodeId::Master, epoch: 2, .. });
        let promoted = sim.events().iter().find(|e| role(&e.kind)).expect("a promotion").at;
        let truncated = sim.events().iter().find(|e| matches!(e.kind, EventKind::LogTruncated { .. })).expect("a truncation").at;
        let cut: Vec<&MessageRecord> = sim.ledger().messages.iter().filter(|r| cut_by_truncation(r)).collect();
        assert!(!cut.is_empty());
        for r in &cut {
            let m = r.id as usize;
            assert_eq!(tr.at(m, SimTime(promoted.0 - 1)).1, Place::Master, "msg {m} on the master before");
            assert_eq!(tr.at(m, promoted).1, Place::Slave, "msg {m} with the old master after the promotion");
            assert_eq!(tr.at(m, truncated).1, Place::Lost, "msg {m} cut when it rejoins");
            assert_eq!(look(r, Place::Lost, truncated), Look::Truncated);
        }
        let (toks, _) = tokens(Orientation::Wide, &tr, sim.ledger(), sim.now());
        assert!(toks.iter().any(|t| t.look == Look::Truncated), "truncated ghosts are drawn");
        assert!(sim.ledger().messages.iter().filter(|r| r.verdict == Some(Verdict::LostAfterAck)).all(cut_by_truncation));
    }

    #[test]
    fn reduced_motion_puts_travelling_tokens_on_stations_only() {
        let sim = finished("defaults");
        let tr = Tracks::build(sim.events(), sim.ledger());
        let k = tr.keys[0][1];
        let centers: Vec<(f64, f64)> = [StationId::Producer, StationId::MasterCache]
            .iter()
            .map(|s| station(Orientation::Wide, *s).center())
            .collect();
        for num in 1..10 {
            let t = SimTime(k.start.0 + (k.arrive.0 - k.start.0) * num / 10);
            let (toks, _) = tokens_with(Orientation::Wide, &tr, sim.ledger(), t, Motion::Jump);
            let tok = toks.iter().find(|x| x.msg == 0).expect("message 0 is drawn");
            assert!(centers.contains(&(tok.x, tok.y)), "at {t}: {:?}", (tok.x, tok.y));
        }
        assert_eq!(drawn_fraction(0.3, Motion::Glide), 0.3);
    }

    /// A full station leaves its last row (or a one-row station its last slots) to the
    /// "+N more" plate: no drawn token and no region label sits under it, in any layout.
    #[test]
    fn the_overflow_plate_covers_no_token() {
        use crate::i18n::{t, tf, Key, Lang};
        use StationId::*;
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            for s in [Producer, MasterCache, MasterDisk, SlaveCache, SlaveDisk, ConsumeQueue, Consumer, Consumed, Retry, Dlq, Lost] {
                let a = token_area(o, s);
                let n = shown(a, 100_000);
                assert!(n > 0, "{o:?} {s:?} shows no token when full");
                for lang in [Lang::En, Lang::Zh] {
                    let (long, short) = (tf(lang, Key::OverflowMore, &[&99_999]), tf(lang, Key::OverflowShort, &[&99_999]));
                    let region = region_label_key(s).map(|k| t(lang, k));
                    let plate = overflow_plate(a, overflow_plate_width(fit_plate_label(a, &long, &short, region)));
                    for i in 0..n {
                        let (x, y) = slot(a, i).expect("a shown token has a slot");
                        let apart = x + TOKEN_R <= plate.x || x - TOKEN_R >= plate.x + plate.w || y + TOKEN_R <= plate.y || y - TOKEN_R >= plate.y + plate.h;
                        assert!(apart, "{o:?} {s:?}: token {i} at {:?} is under the plate {plate:?}", (x, y));
                    }
                    if let Some(label) = region {
                        let left = a.x + a.w - 4.0 - region_label_width(label);
                        assert!(plate.x + plate.w <= left, "{o:?} {s:?} {lang:?}: the plate {plate:?} runs into the label {label:?}");
                    }
                }
                let all = (0..).take_while(|i| slot(a, *i).is_some()).count();
                assert_eq!(shown(a, all), all, "{o:?} {s:?}: a station that is just full draws every token");
            }
        }
    }

    #[test]
    fn slots_fill_rows_and_stop_when_full() {
        let a = r(0.0, 0.0, 4.0 + 4.0 * SLOT, 4.0 + 2.0 * SLOT);
        assert_eq!(slot(a, 0), Some((2.0 + SLOT / 2.0, 2.0 + SLOT / 2.0)));
        assert_eq!(slot(a, 4).map(|p| p.1), Some(2.0 + 1.5 * SLOT));
        assert_eq!(slot(a, 8), None);
        assert_eq!(fraction(5, 0), 0.0);
        assert_eq!(fraction(15, 10), 1.0);
    }

    #[test]
    fn stations_stay_inside_the_canvas() {
        use StationId::*;
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            let (w, h) = canvas(o);
            for s in [Producer, MasterCache, MasterDisk, SlaveCache, SlaveDisk, ConsumeQueue, Consumer, Consumed, Retry, Dlq, Lost] {
                let a = station(o, s);
                assert!(a.x >= 0.0 && a.y >= 0.0 && a.x + a.w <= w && a.y + a.h <= h, "{s:?} {o:?}");
            }
        }
    }

    /// The boxes the picture draws around stations (title band of 34 units above, 8 of padding;
    /// master, slave and consumer group each one box around their two areas) must not overlap,
    /// or titles and tokens of one station are drawn over another.
    #[test]
    fn station_boxes_do_not_overlap() {
        use StationId::*;
        let span = |a: Rect, b: Rect| Rect { x: a.x, y: a.y, w: a.w.max(b.w), h: b.y + b.h - a.y };
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            let s = |id| station(o, id);
            let boxes = [
                ("producer", s(Producer)),
                ("master", span(s(MasterCache), s(MasterDisk))),
                ("slave", span(s(SlaveCache), s(SlaveDisk))),
                ("queue", s(ConsumeQueue)),
                ("consumer", span(s(Consumer), s(Consumed))),
                ("retry", s(Retry)),
                ("dlq", s(Dlq)),
                ("lost", s(Lost)),
            ]
            .map(|(n, a)| (n, Rect { x: a.x - 8.0, y: a.y - 34.0, w: a.w + 16.0, h: a.h + 42.0 }));
            let (w, h) = canvas(o);
            for (i, (n, a)) in boxes.iter().enumerate() {
                assert!(a.x >= 0.0 && a.y >= 0.0 && a.x + a.w <= w && a.y + a.h <= h, "{o:?}: {n} box leaves the canvas");
                for (m, b) in &boxes[i + 1..] {
                    let apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                    assert!(apart, "{o:?}: the {n} and {m} boxes overlap");
                }
            }
        }
    }

    /// The band of controller mode and the second slave (issue 20): its stations' boxes stay in
    /// the taller canvas, clear of every other box; their titles and subtitles (brokerId and epoch,
    /// the controller's longest states, 5-digit offsets) fit at 375 px, in the 690 px embed and on
    /// the desktop, in both languages; the SyncStateSet label and its three chips stay inside the
    /// controller's area; and the brokers' titles with their brokerId fit uncut.
    #[test]
    fn the_controller_and_a_second_slave_fit_the_band() {
        use crate::i18n::{t, tf, Key, Lang};
        use StationId::*;
        let span = |a: Rect, b: Rect| Rect { x: a.x, y: a.y, w: a.w.max(b.w), h: b.y + b.h - a.y };
        let boxed = |a: Rect| Rect { x: a.x - 8.0, y: a.y - 34.0, w: a.w + 16.0, h: a.h + 42.0 };
        let shape = Shape { controller: true, slave2: true };
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            let (w, h) = canvas_in(o, shape);
            assert_eq!(canvas_in(o, Shape::default()), canvas(o), "{o:?}: no band, no change");
            let s = |id| station(o, id);
            let others = [
                span(s(MasterCache), s(MasterDisk)),
                span(s(SlaveCache), s(SlaveDisk)),
                span(s(Consumer), s(Consumed)),
                s(Producer),
                s(ConsumeQueue),
                s(Retry),
                s(Dlq),
                s(Lost),
            ]
            .map(boxed);
            let band = [BandStation::Slave2, BandStation::Controller].map(|b| (b, boxed(band_station(o, b))));
            let apart = |a: Rect, b: Rect| a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
            for (i, (n, a)) in band.iter().enumerate() {
                assert!(a.x >= 0.0 && a.y >= 0.0 && a.x + a.w <= w && a.y + a.h <= h, "{o:?}: {n:?} leaves the canvas");
                for b in &others {
                    assert!(apart(*a, *b), "{o:?}: {n:?} overlaps {b:?}");
                }
                for (m, b) in &band[i + 1..] {
                    assert!(apart(*a, *b), "{o:?}: {n:?} overlaps {m:?}");
                }
            }
            let ctl = band_station(o, BandStation::Controller);
            let chips = sync_set_chips(o, 3);
            assert!(label_width("SyncStateSet", SYNC_PX, false) + 2.0 <= SYNC_LABEL_ROOM, "the label runs into the first chip");
            for (b, c) in &chips {
                assert!(c.x >= ctl.x + SYNC_LABEL_ROOM && c.x + c.w <= ctl.x + ctl.w && c.y >= ctl.y && c.y + c.h <= ctl.y + ctl.h, "{o:?}: chip {b}");
                assert!(label_width(&format!("★{b}"), SYNC_PX, true) <= c.w - 4.0, "{o:?}: chip {b}'s text");
            }
            for lang in [Lang::En, Lang::Zh] {
                let slave2 = band_station(o, BandStation::Slave2);
                let sub2 = tf(lang, Key::SlaveSub, &[&t(lang, Key::LinkPartitioned), &rmq_sim::event::bytes(999 << 20)]) + " · epoch 12";
                let ctl_subs = [
                    tf(lang, Key::ControllerUp, &[&2, &12]),
                    tf(lang, Key::ControllerNoMaster, &[&12]),
                    tf(lang, Key::ControllerOut, &[&t(lang, Key::ControllerPartitioned)]),
                    tf(lang, Key::ControllerOut, &[&t(lang, Key::BadgeMachineOff)]),
                ];
                let mut labels: Vec<(Rect, f64, String, String)> =
                    ctl_subs.into_iter().map(|sub| (ctl, 0.0, t(lang, Key::StController).to_string(), sub)).collect();
                labels.push((slave2, 0.0, tf(lang, Key::StSlaveBroker, &[&2]), sub2));
                labels.push((span(s(MasterCache), s(MasterDisk)), 60.0, tf(lang, Key::StMasterBroker, &[&2]), tf(lang, Key::EpochSub, &[&12, &"ASYNC_FLUSH"])));
                labels.push((span(s(SlaveCache), s(SlaveDisk)), 0.0, tf(lang, Key::StSlaveBroker, &[&0]), String::new()));
                for (area, reserve, title, sub) in labels {
                    let room = title_room(area, 8.0, reserve);
                    let ft = fit_label(&title, room, TITLE_PX, TITLE_MIN_PX, true);
                    assert!(!ft.clipped && label_width(&ft.text, ft.px, true) <= room, "{o:?} {lang:?}: the title {title:?} is cut or overflows");
                    let fs = fit_label(&sub, title_room(area, 8.0, 0.0), SUB_PX, SUB_MIN_PX, false);
                    assert!(label_width(&fs.text, fs.px, false) <= title_room(area, 8.0, 0.0), "{o:?} {lang:?}: {sub:?} overflows");
                }
                // The controller's state is never cut outside the phone.
                if o != Orientation::Tall {
                    let sub = tf(lang, Key::ControllerUp, &[&2, &12]);
                    assert!(!fit_label(&sub, title_room(ctl, 8.0, 0.0), SUB_PX, SUB_MIN_PX, false).clipped, "{o:?} {lang:?}: {sub:?} is cut");
                }
                let line = tf(lang, Key::Slave2Log, &[&rmq_sim::event::bytes(999 << 20), &rmq_sim::event::bytes(999 << 20)]);
                assert!(!fit_label(&line, slave2.w - 4.0, RG_PX, 8.5, false).clipped, "{o:?} {lang:?}: {line:?} is cut");
            }
        }
    }

    /// Message ids of any length are drawn inside their token: short ones at the full size,
    /// 4–5 digits and more smaller and, past the smallest size, condensed to the token's inside.
    #[test]
    fn a_five_digit_id_fits_its_token() {
        for msg in [0, 7, 42, 999, 1_234, 12_345, 99_999, 1_000_000, u32::MAX] {
            let (px, _) = id_font(msg);
            assert!(id_width(msg) <= ID_ROOM + 1e-9, "id {msg} is {} wide, the token has {ID_ROOM}", id_width(msg));
            assert!(id_width(msg) <= 2.0 * TOKEN_R - 2.0, "id {msg} stays clear of the outline");
            assert!((ID_MIN_PX..=ID_PX).contains(&px), "id {msg} at {px}px");
        }
        assert_eq!(id_font(42), (ID_PX, None), "two digits keep the full size");
        assert!(id_font(12_345).0 < ID_PX, "five digits are drawn smaller");
    }

    /// The consume queue's subtitle names the topic's queues and the broker the consumer reads
    /// from, uncut in every picture and language (at 1440 px the wide picture's narrow station cut
    /// "TopicTest ×4 (mast…"): whole, or in the wide picture with the broker on a line of its own
    /// above the lanes, which keep most of their height.
    #[test]
    fn the_consume_queue_subtitle_is_never_cut() {
        use crate::i18n::{t, Lang};
        use rmq_sim::NodeId;
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            let a = station(o, StationId::ConsumeQueue);
            for lang in [Lang::En, Lang::Zh] {
                for n in [1, 4, 16, 64] {
                    for node in [NodeId::Master, NodeId::Slave, NodeId::Slave2] {
                        let full = format!("TopicTest ×{n} · {}", t(lang, crate::narrate::node_word(node)));
                        let (sub, route) = queue_sub(o, &full);
                        let fs = fit_label(&sub, title_room(a, 8.0, 0.0), SUB_PX, SUB_MIN_PX, false);
                        assert!(!fs.clipped, "{o:?} {lang:?}: the subtitle {sub:?} is cut to {:?}", fs.text);
                        match route {
                            None => assert_eq!(sub, full),
                            Some(r) => {
                                assert_eq!(format!("{sub} · {r}"), full);
                                assert!(a.h > a.w, "{o:?}: only the tall station splits it");
                                let f = fit_label(&r, a.w - 4.0, RG_PX, 8.5, false);
                                assert!(!f.clipped, "{o:?} {lang:?}: the route line {r:?} is cut to {:?}", f.text);
                                assert!(a.h - 40.0 - QUEUE_ROUTE_H >= 0.75 * (a.h - 40.0), "{o:?}: the lanes keep their height");
                            }
                        }
                    }
                }
            }
        }
    }

    /// "consumed to 99999 of 99999" under the consume queue's lanes is never cut (it ran past the
    /// wide picture's narrow station): one line or two, inside the station in every picture.
    #[test]
    fn the_consume_queues_offsets_are_never_cut() {
        use crate::i18n::{tf, Key, Lang};
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            for lang in [Lang::En, Lang::Zh] {
                for (off, len) in [(0u64, 0u64), (20, 20), (12_345, 99_999)] {
                    let lines = consumed_lines(o, &tf(lang, Key::ConsumedTo, &[&off, &len]), &tf(lang, Key::ConsumedToHead, &[&off]), &tf(lang, Key::ConsumedToTail, &[&len]));
                    for (text, fit) in &lines {
                        assert!(!fit.clipped, "{o:?} {lang:?}: {text:?} is cut to {:?}", fit.text);
                        assert!(label_width(&fit.text, fit.px, false) <= station(o, StationId::ConsumeQueue).w + 4.0);
                    }
                    assert!(lines.len() == 1 || o == Orientation::Wide && len > 999, "{o:?} {lang:?} {len}: two lines only where needed");
                    if (o, lang, len) == (Orientation::Wide, Lang::En, 99_999) {
                        assert_eq!(lines.len(), 2, "the wide picture's narrow station splits the English line");
                    }
                }
            }
        }
    }

    /// Every station's title and subtitle, with 5-digit counts, the default group and the longest
    /// states, fits inside its box in the phone's picture (Tall, 375 px), the compact embed's
    /// (a 690 px docs column) and the desktop's, in English and Chinese, at the largest size the
    /// stylesheet draws them: drawn smaller or, past the smallest size, cut (the full text stays
    /// in the tooltip). The boxes do not overlap, so labels inside them do not collide. The
    /// producer's answer lines, with 5-digit ids, keep to its width and below its token grid.
    #[test]
    fn labels_fit_their_boxes_at_375_px_and_in_the_compact_embed() {
        use crate::i18n::{t, tf, Key, Lang};
        use StationId::*;
        let n = 12_345u32;
        for o in [Orientation::Tall, Orientation::Compact, Orientation::Wide] {
            for lang in [Lang::En, Lang::Zh] {
                let group = "demo_group";
                let joined = |a: StationId, b: StationId| {
                    let (a, b) = (station(o, a), station(o, b));
                    Rect { x: a.x, y: a.y, w: a.w.max(b.w), h: b.y + b.h - a.y }
                };
                let slave_full = tf(lang, Key::SlaveSub, &[&t(lang, Key::LinkPartitioned), &rmq_sim::event::bytes(999 << 20)]);
                let slave_room = title_room(joined(SlaveCache, SlaveDisk), 8.0, 0.0);
                let slave_sub = split_sub(&slave_full, slave_room).map_or(slave_full.clone(), |(h, _)| h);
                let consumer = [Key::ConsumerOnline, Key::ConsumerNotStarted].map(|k| tf(lang, k, &[&"1h 23m 45s"]));
                let labels: Vec<(Rect, f64, String, String)> = vec![
                    (station(o, Producer), 0.0, t(lang, Key::StProducer).into(), tf(lang, Key::ProducerSub, &[&"ASYNC", &n, &n]) + t(lang, Key::LinkCut)),
                    (joined(MasterCache, MasterDisk), 60.0, t(lang, Key::StMaster).into(), "ASYNC_FLUSH · ASYNC_MASTER".into()),
                    (joined(SlaveCache, SlaveDisk), 0.0, t(lang, Key::StSlave).into(), slave_sub),
                    (station(o, ConsumeQueue), 0.0, t(lang, Key::StQueue).into(), "TopicTest ×16 (slave)".into()),
                    (joined(Consumer, Consumed), 0.0, tf(lang, Key::StConsumerGroup, &[&group]), consumer[0].clone()),
                    (joined(Consumer, Consumed), 0.0, tf(lang, Key::StConsumerGroup, &[&group]), consumer[1].clone()),
                    (station(o, Retry), 0.0, format!("%RETRY%{group}"), t(lang, Key::RetrySub).into()),
                    (station(o, Dlq), 0.0, format!("%DLQ%{group}"), t(lang, Key::DlqSub).into()),
                    (station(o, Lost), 0.0, t(lang, Key::StLost).into(), tf(lang, Key::LostSub, &[&n])),
                ];
                for (area, reserve, title, sub) in labels {
                    let room = title_room(area, 8.0, reserve);
                    let ft = fit_label(&title, room, TITLE_PX, TITLE_MIN_PX, true);
                    let fs = fit_label(&sub, title_room(area, 8.0, 0.0), SUB_PX, SUB_MIN_PX, false);
                    assert!(label_width(&ft.text, ft.px, true) <= room, "{o:?} {lang:?}: title {title:?} overflows {room}");
                    assert!(label_width(&fs.text, fs.px, false) <= title_room(area, 8.0, 0.0), "{o:?} {lang:?}: {sub:?} overflows");
                    assert!(ft.px >= TITLE_MIN_PX && fs.px >= SUB_MIN_PX, "{o:?} {lang:?}: {title:?}/{sub:?} drawn too small");
                    assert!(!ft.clipped, "{o:?} {lang:?}: the title {title:?} is cut (to {:?})", ft.text);
                }
                // The slave's subtitle, where it does not fit whole, keeps the acked offset on a line of its own.
                if let Some((head, tail)) = split_sub(&slave_full, slave_room) {
                    assert_eq!(format!("{head} · {tail}"), slave_full);
                    let cache = station(o, SlaveCache);
                    let f = fit_label(&tail, cache.w - 4.0, RG_PX, 8.5, false);
                    assert!(!f.clipped, "{o:?} {lang:?}: the acked offset line {tail:?} is cut");
                }
            }
            // The master's settings, the line a reader of an embed needs, are never cut outside the phone.
            if o != Orientation::Tall {
                let area = station(o, StationId::MasterCache);
                for sub in ["ASYNC_FLUSH · ASYNC_MASTER", "SYNC_FLUSH · SYNC_MASTER", "ASYNC_FLUSH · SYNC_MASTER"] {
                    let fit = fit_label(sub, title_room(Rect { w: area.w, ..area }, 8.0, 0.0), SUB_PX, SUB_MIN_PX, false);
                    assert!(!fit.clipped, "{o:?}: the master's {sub:?} is cut to {:?}", fit.text);
                }
            }
            // The compact embed's consumer title (the one seen nearly touching its edge) keeps room to spare.
            let cg = title_room(Rect { ..station(o, Consumer) }, 8.0, 0.0);
            let f = fit_label("Consumer group demo_group", cg, TITLE_PX, TITLE_MIN_PX, true);
            assert!(label_width(&f.text, f.px, true) <= cg, "{o:?}: the consumer group's title");
            // The answer feed: a 5-digit answer keeps to the producer's width, below every token slot.
            let p = station(o, Producer);
            let line: String = "✓ 12345 onSuccess SEND_OK".chars().take(feed_chars(o)).collect();
            assert!(line.chars().count() as f64 * FEED_CHAR_W <= p.w - 2.0, "{o:?}: an answer line leaves the producer");
            let band = feed_band(o);
            let top_line = p.y + p.h - 6.0 - FEED_PITCH * (feed_lines(o) as f64 - 1.0) - 11.0;
            assert!(top_line >= band.y, "{o:?}: the top answer line starts above the feed band");
            let grid = token_area(o, Producer);
            for i in 0..shown(grid, 100_000) {
                let (_, y) = slot(grid, i).expect("a slot");
                assert!(y + TOKEN_R <= band.y, "{o:?}: producer token {i} is drawn over the answer lines");
            }
        }
    }
    #[test]
    fn every_station_receives_a_token_in_the_first_run() {
        // Issue 24: the default preset's one run uses the whole path (the consume queue is passed
        // through, not rested in).
        let sim = finished(crate::DEFAULT_PRESET);
        let tr = Tracks::build(sim.events(), sim.ledger());
        let mut seen = std::collections::BTreeSet::new();
        let times = sim.events().iter().map(|e| e.at).chain([SimTime(sim.now().0)]);
        for t in times {
            for (rec, (from, to, f)) in sim.ledger().messages.iter().map(|r| (r, tr.at(r.id as usize, t))) {
                // Where it rests, or where it sets out from (the producer: every send leaves at once).
                let at = if f >= 1.0 { station_of(to, rec, t) } else { station_of(from, rec, t) };
                if let Some(s) = at {
                    seen.insert(s as u8);
                }
            }
        }
        use StationId::*;
        for s in [Producer, MasterCache, MasterDisk, SlaveCache, SlaveDisk, Consumer, Consumed, Retry, Dlq, Lost] {
            assert!(seen.contains(&(s as u8)), "{s:?} never holds a token");
        }
    }

    #[test]
    fn a_failed_message_travels_back_to_the_broker() {
        let sim = finished("whole-path");
        let tr = Tracks::build(sim.events(), sim.ledger());
        let keys = &tr.keys[2];
        let back = keys.iter().find(|k| k.place == Place::Scheduled).expect("msg#2 is retried");
        assert!(back.arrive > back.start, "sendMessageBack takes time: {back:?}");
        let dlq = keys.last().expect("keys");
        assert_eq!(dlq.place, Place::Dlq);
        assert!(dlq.arrive > dlq.start);
    }

    #[test]
    fn links_cross_gaps_between_boxes_and_no_box() {
        use StationId::*;
        let all = [Producer, MasterCache, SlaveCache, ConsumeQueue, Consumer, Retry, Dlq, Lost];
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            for (a, b, what) in LINKS {
                let ((x1, y1), (x2, y2)) = link(o, *a, *b);
                assert!((x1 - x2).abs() < 1e-9 || (y1 - y2).abs() < 1e-9, "{o:?} {what}: straight");
                assert!((x1 - x2).abs() + (y1 - y2).abs() >= 4.0, "{o:?} {what}: long enough to see");
                for k in 1..10 {
                    let f = k as f64 / 10.0;
                    let (x, y) = (x1 + (x2 - x1) * f, y1 + (y2 - y1) * f);
                    for s in all {
                        let r = outer(o, s);
                        let inside = x > r.x + 0.5 && x < r.x + r.w - 0.5 && y > r.y + 0.5 && y < r.y + r.h - 0.5;
                        assert!(!inside, "{o:?} {what}: crosses {s:?}'s box at ({x:.1},{y:.1})");
                    }
                }
            }
        }
    }

    #[test]
    fn a_travelling_token_follows_the_drawn_link() {
        let sim = finished("whole-path");
        let tr = Tracks::build(sim.events(), sim.ledger());
        let k = tr.keys[0].iter().find(|k| k.place == Place::Master).copied().expect("a send");
        let o = Orientation::Wide;
        let ((lx1, ly), (lx2, _)) = link(o, StationId::Producer, StationId::MasterCache);
        let mut crossed = 0;
        for i in 1..100 {
            let t = SimTime(k.start.0 + (k.arrive.0 - k.start.0) * i / 100);
            let (toks, _) = tokens(o, &tr, sim.ledger(), t);
            let tok = toks.iter().find(|t| t.msg == 0).expect("msg#0 drawn");
            assert!(tok.moving);
            if tok.x > lx1 && tok.x < lx2 {
                assert!((tok.y - ly).abs() < 1e-6, "in the gap the token is on the link: {tok:?}");
                crossed += 1;
            }
        }
        assert!(crossed > 0, "the token crosses the gap between the boxes");
        assert_eq!(along(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)], 0.75), (10.0, 5.0));
    }


    /// Issue 21 item 3: the gRPC consumer's poison message is drawn invisible on the consumer's
    /// side after each nack, travels into `%RETRY%` over the revive's lag when its invisible time
    /// ends, comes back from its pop, and after its 17th delivery ends in `%DLQ%`.
    #[test]
    fn a_pop_consumers_poison_message_waits_invisible_then_is_revived_into_retry() {
        let sim = finished("v5-grpc-poison-message");
        let tr = Tracks::build(sim.events(), sim.ledger());
        let r = &sim.ledger().messages[3];
        assert_eq!(r.verdict, Some(Verdict::DeadLettered));
        assert_eq!(r.deliveries.len(), 17);
        let keys = &tr.keys[3];
        assert_eq!(keys.iter().filter(|k| k.place == Place::Invisible).count(), 17, "one invisible wait per failed delivery");
        assert_eq!(keys.iter().filter(|k| k.place == Place::Retry).count(), 17, "one revive per nack, the 17th then dead-lettered");
        assert_eq!(keys.last().map(|k| k.place), Some(Place::Dlq));
        // The first delivery travels from the pop (31 ms) to the consumer (33 ms).
        let (from, to, f) = tr.at(3, SimTime::from_ms(32));
        assert_eq!((from, to), (Place::Master, Place::Consumer));
        assert!(f > 0.0 && f < 1.0);
        // Nacked at 40 ms, invisible until 1.040 s: resting on the consumer's side, faded.
        assert_eq!(tr.at(3, SimTime::from_ms(500)), (Place::Invisible, Place::Invisible, 1.0));
        assert_eq!(look(r, Place::Invisible, SimTime::from_ms(500)), Look::Invisible);
        assert_eq!(station_of(Place::Invisible, r, SimTime::from_ms(500)), Some(StationId::Consumer));
        // Visible again at 1.040 s, revived at 3.140 s: on its way into %RETRY% in between.
        let (from, to, f) = tr.at(3, SimTime::from_ms(2_000));
        assert_eq!((from, to), (Place::Invisible, Place::Retry));
        assert!(f > 0.0 && f < 1.0);
        // The other messages are delivered from their pop and consumed once.
        assert_eq!(tr.at(0, sim.now()).1, Place::Consumed);
        let (toks, _) = tokens(Orientation::Wide, &tr, sim.ledger(), SimTime::from_ms(500));
        let t3 = toks.iter().find(|t| t.msg == 3).expect("msg#3 drawn");
        let a = station(Orientation::Wide, StationId::Consumer);
        assert!(t3.look == Look::Invisible && t3.x >= a.x && t3.x <= a.x + a.w && t3.y >= a.y && t3.y <= a.y + a.h);
    }

    /// The remoting consumer never pops: its poison message waits in `SCHEDULE_TOPIC_XXXX` as
    /// before, never invisible.
    #[test]
    fn the_remoting_consumer_has_no_invisible_state() {
        let sim = finished("max-reconsume-3");
        let tr = Tracks::build(sim.events(), sim.ledger());
        assert!(tr.keys.iter().flatten().all(|k| k.place != Place::Invisible));
        assert!(tr.keys.iter().flatten().any(|k| k.place == Place::Scheduled));
    }

    /// Issue 21 item 1: the proxy's plate sits in the gap of its link in every arrangement,
    /// inside the picture, over no station's tokens, and its label fits it in both languages.
    #[test]
    fn the_proxy_plate_sits_on_its_link_between_the_boxes() {
        use crate::i18n::{tf, Key, Lang};
        let overlaps = |a: Rect, b: Rect| a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        use StationId::*;
        let all = [Producer, MasterCache, MasterDisk, SlaveCache, SlaveDisk, ConsumeQueue, Consumer, Consumed, Retry, Dlq, Lost];
        for o in [Orientation::Wide, Orientation::Compact, Orientation::Tall] {
            let (w, h) = canvas(o);
            for hop in [ProxyHop::Send, ProxyHop::Pop] {
                let (p, upright) = proxy_plate(o, hop);
                assert!(p.x >= 0.0 && p.y >= 0.0 && p.x + p.w <= w && p.y + p.h <= h, "{o:?} {hop:?}: {p:?} in the picture");
                for s in all {
                    assert!(!overlaps(p, token_area(o, s)), "{o:?} {hop:?}: the plate {p:?} covers {s:?}'s tokens");
                }
                let ((x1, y1), (x2, y2)) = link(o, hop.link().0, hop.link().1);
                let (cx, cy) = p.center();
                assert!((cx - (x1 + x2) / 2.0).abs() < 0.5 && (cy - (y1 + y2) / 2.0).abs() < 0.5, "{o:?} {hop:?}: centred on the link");
                let (long, thick) = if upright { (p.h, p.w) } else { (p.w, p.h) };
                assert!(thick >= 12.0, "{o:?} {hop:?}: {thick} thick");
                for lang in [Lang::En, Lang::Zh] {
                    for mode in ["CLUSTER", "LOCAL"] {
                        let label = tf(lang, Key::ProxyPlate, &[&mode]);
                        assert!(label_width(&label, PROXY_PX, true) + 8.0 <= long, "{o:?} {hop:?} {lang:?}: {label:?} fits {long}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_proxy_hops_follow_the_clients() {
        let hops = |id: &str| ProxyHop::of(&presets::load(id).expect("preset"));
        assert_eq!(hops("v5-grpc-flush-disk-stall"), vec![ProxyHop::Send]);
        assert_eq!(hops("v5-grpc-poison-message"), vec![ProxyHop::Pop]);
        assert_eq!(hops("v5-remoting-flush-disk-stall"), vec![]);
        assert_eq!(hops("defaults"), vec![]);
    }
}
