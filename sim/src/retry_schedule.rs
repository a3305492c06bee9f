//! A message's retry schedule (spec §5; spec 5 §5 for the gRPC consumer): each delivery to the
//! consumer group with its `reconsumeTimes` and result, the wait that followed — in
//! `SCHEDULE_TOPIC_XXXX` at a delay level (the remoting consumer's `sendMessageBack`), or
//! invisible after a nack with the retry policy's backoff until the revive service writes it to
//! `%RETRY%` (the gRPC consumer's POP) — and how it ended: consumed, in `%DLQ%<group>`,
//! compensated by the DLQ consumer. [`Schedule::waits`] gives each wait between deliveries (and
//! the gRPC consumer's last one, before the pop that dead-letters it) as a bar with its length.
//! Built from the event log; the page draws it as a Gantt chart on a [`CompressedAxis`].

use crate::event::{ConsumeResult, EventKind, MsgId, QueueKind, RenewEnd};
use crate::sim::Sim;
use crate::time::{SimDuration, SimTime};

/// One delivery and what followed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub at: SimTime,
    /// When the consume thread finished (or would have, had the consumer not crashed).
    pub done_at: SimTime,
    pub queue: QueueKind,
    pub reconsume_times: u32,
    /// `None`: the consumer crashed first, or the run ended.
    pub result: Option<ConsumeResult>,
    /// The retry the broker scheduled after this delivery failed: (at, delay level, due).
    pub retry: Option<(SimTime, u32, SimTime)>,
    /// `sendMessageBack` failed: the client consumes it again at this time.
    pub local_retry_at: Option<SimTime>,
    /// gRPC consumer: the nack the master took after this delivery failed — when, and the
    /// retry policy's backoff (`changeInvisibleDuration`).
    pub nack: Option<(SimTime, SimDuration)>,
    /// gRPC consumer: when the revive service wrote it to `%RETRY%` (`reconsumeTimes` + 1).
    pub revived_at: Option<SimTime>,
    /// gRPC consumer: the proxy stopped renewing its invisible time while this delivery was
    /// still being consumed (`STOP_RENEW`, `renewMaxTimeMillis` = 3 h after the pop) — when, and
    /// the group retry policy's `nextDelayDuration` it set instead.
    pub renew_stopped: Option<(SimTime, SimDuration)>,
}

/// What a message waited for between two deliveries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitKind {
    /// Remoting consumer: `sendMessageBack` put it in `SCHEDULE_TOPIC_XXXX` at this delay level,
    /// due at `due`, then into `%RETRY%`.
    Scheduled { level: u32, due: SimTime },
    /// `sendMessageBack` failed: the client consumes it again itself.
    Local,
    /// gRPC consumer (POP): invisible — for the nack's `backoff`, or (no nack: the client died)
    /// until its invisible time ran out — then revived into `%RETRY%` at `revived_at`.
    Invisible { backoff: Option<SimDuration>, revived_at: Option<SimTime> },
    /// gRPC consumer (POP): the proxy stopped renewing (`STOP_RENEW`, 3 h after the pop) with the
    /// delivery still consuming: invisible for the group retry policy's `delay`, then revived
    /// into `%RETRY%` at `revived_at` and delivered again — the wait starts at the stop, inside
    /// the delivery, not at its end.
    RenewStopped { delay: SimDuration, revived_at: Option<SimTime> },
    /// The failed delivery was never answered nor revived: it came back another way (a
    /// consumer restart, a rebalance) or is still waiting.
    Other,
}

/// One wait: from the end of delivery `after` to the next delivery's start (or, for the gRPC
/// consumer's last failure, to its forward into `%DLQ%`; or, still waiting at the run's end, to
/// the time it is due).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wait {
    /// The index of the delivery it follows.
    pub after: usize,
    pub from: SimTime,
    pub to: SimTime,
    pub kind: WaitKind,
    /// The wait ends in `%DLQ%<group>`, not in another delivery.
    pub to_dlq: bool,
    /// The run ended while it waited: `to` is when it was due.
    pub open: bool,
}

impl Wait {
    pub fn duration(&self) -> SimDuration {
        self.to.since(self.from)
    }
}

/// How the schedule ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    Consumed(SimTime),
    DeadLettered { at: SimTime, compensated: Option<SimTime> },
    /// Still waiting or in flight when the run ended.
    Open,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub msg: MsgId,
    pub deliveries: Vec<Delivery>,
    pub end: End,
}

impl Schedule {
    pub fn of(sim: &Sim, msg: MsgId) -> Schedule {
        let mut deliveries: Vec<Delivery> = Vec::new();
        let mut end = End::Open;
        for e in sim.events().iter().filter(|e| e.kind.msg() == Some(msg)) {
            match &e.kind {
                EventKind::Delivered { queue, reconsume_times, done_at, .. } => deliveries.push(Delivery {
                    at: e.at,
                    done_at: *done_at,
                    queue: *queue,
                    reconsume_times: *reconsume_times,
                    result: None,
                    retry: None,
                    local_retry_at: None,
                    nack: None,
                    revived_at: None,
                    renew_stopped: None,
                }),
                EventKind::Consumed { result, .. } => {
                    if let Some(d) = deliveries.iter_mut().find(|d| d.done_at == e.at && d.result.is_none()) {
                        d.result = Some(*result);
                    }
                    if *result == ConsumeResult::Success && !matches!(end, End::Consumed(_)) {
                        end = End::Consumed(e.at);
                    }
                }
                EventKind::RetryScheduled { delay_level, due_at, .. } => {
                    if let Some(d) = deliveries.iter_mut().rev().find(|d| d.result.is_some() && d.retry.is_none()) {
                        d.retry = Some((e.at, *delay_level, *due_at));
                    }
                }
                EventKind::ConsumeRetriedLocally { again_at, .. } => {
                    if let Some(d) = deliveries.last_mut() {
                        d.local_retry_at = Some(*again_at);
                    }
                }
                EventKind::InvisibleTimeChanged { visible_at, renewed: false, .. } => {
                    if let Some(d) = deliveries.iter_mut().rev().find(|d| d.result.is_some() && d.nack.is_none()) {
                        d.nack = Some((e.at, visible_at.since(e.at)));
                    }
                }
                EventKind::Revived { reconsume_times, .. } => {
                    let of = |d: &&mut Delivery| d.reconsume_times + 1 == *reconsume_times && d.revived_at.is_none();
                    if let Some(d) = deliveries.iter_mut().rev().find(of) {
                        d.revived_at = Some(e.at);
                    }
                }
                EventKind::RenewEnded { why: RenewEnd::MaxTime, visible_at: Some(v), .. } => {
                    if let Some(d) = deliveries.last_mut().filter(|d| d.renew_stopped.is_none() && e.at < d.done_at) {
                        d.renew_stopped = Some((e.at, v.since(e.at)));
                    }
                }
                EventKind::DeadLettered { .. } if !matches!(end, End::Consumed(_)) => {
                    end = End::DeadLettered { at: e.at, compensated: None };
                }
                EventKind::Compensated { .. } => {
                    if let End::DeadLettered { compensated, .. } = &mut end {
                        *compensated = Some(e.at);
                    }
                }
                _ => {}
            }
        }
        Schedule { msg, deliveries, end }
    }

    /// Each wait after a delivery that did not succeed, in order: to the next delivery; for the
    /// last one, to `%DLQ%` when the gRPC consumer's pop forwarded it there after a wait (the
    /// remoting consumer's last failure goes there at once: no wait), or to its due time when
    /// the run ended first. A delivery under which the proxy stopped renewing has its wait from
    /// the stop, whatever its result.
    pub fn waits(&self) -> Vec<Wait> {
        let mut out = Vec::new();
        for (k, d) in self.deliveries.iter().enumerate() {
            if d.result == Some(ConsumeResult::Success) && d.renew_stopped.is_none() {
                continue;
            }
            let kind = match (d.renew_stopped, d.retry, d.local_retry_at) {
                (Some((_, delay)), _, _) => WaitKind::RenewStopped { delay, revived_at: d.revived_at },
                (None, r, l) => Self::wait_kind(d, r, l),
            };
            let from = d.renew_stopped.map_or(d.done_at, |(at, _)| at);
            let due = match kind {
                WaitKind::Scheduled { due, .. } => Some(due),
                WaitKind::Local => d.local_retry_at,
                WaitKind::Invisible { revived_at: Some(at), .. } => Some(at),
                WaitKind::Invisible { revived_at: None, .. } => d.nack.map(|(at, b)| at + b),
                WaitKind::RenewStopped { revived_at: Some(at), .. } => Some(at),
                WaitKind::RenewStopped { delay, revived_at: None } => Some(from + delay),
                WaitKind::Other => None,
            };
            let (to, to_dlq, open) = match (self.deliveries.get(k + 1), &self.end) {
                (Some(next), _) => (next.at, false, false),
                (None, End::DeadLettered { at, .. }) if matches!(kind, WaitKind::Invisible { .. } | WaitKind::RenewStopped { .. }) => {
                    (*at, true, false)
                }
                (None, End::Open) => match due {
                    Some(due) => (due, false, true),
                    None => continue,
                },
                (None, _) => continue,
            };
            if to >= from {
                out.push(Wait { after: k, from, to, kind, to_dlq, open });
            }
        }
        out
    }

    /// What a wait after `d` (no `STOP_RENEW` under it) was, from its retry, local retry, nack
    /// and revive.
    fn wait_kind(d: &Delivery, retry: Option<(SimTime, u32, SimTime)>, local: Option<SimTime>) -> WaitKind {
        match (retry, local) {
            (Some((_, level, due)), _) => WaitKind::Scheduled { level, due },
            (None, Some(_)) => WaitKind::Local,
            _ if d.nack.is_some() || d.revived_at.is_some() => {
                WaitKind::Invisible { backoff: d.nack.map(|(_, b)| b), revived_at: d.revived_at }
            }
            _ => WaitKind::Other,
        }
    }

    /// Every time the chart must place, in order.
    pub fn times(&self) -> Vec<SimTime> {
        let mut ts = Vec::new();
        for d in &self.deliveries {
            ts.extend([d.at, d.done_at]);
            if let Some((at, _, due)) = d.retry {
                ts.extend([at, due]);
            }
            ts.extend(d.local_retry_at);
            ts.extend(d.nack.map(|(at, _)| at));
            ts.extend(d.revived_at);
            ts.extend(d.renew_stopped.map(|(at, _)| at));
        }
        ts.extend(self.waits().iter().map(|w| w.to));
        match self.end {
            End::Consumed(t) => ts.push(t),
            End::DeadLettered { at, compensated } => ts.extend(std::iter::once(at).chain(compensated)),
            End::Open => {}
        }
        crate::sort::sort(&mut ts);
        ts.dedup();
        ts
    }
}

/// A time axis that compresses idle stretches: each gap between consecutive points of interest
/// gets a width growing with the logarithm of its length, so a 5 ms consumption and a 2 h wait
/// are both visible. Gaps longer than [`CompressedAxis::IDLE`] are marked as compressed.
#[derive(Clone, Debug, PartialEq)]
pub struct CompressedAxis {
    /// (time, position in 0..=1), increasing in both.
    points: Vec<(SimTime, f64)>,
}

impl CompressedAxis {
    /// Gaps at least this long are drawn with a break mark.
    pub const IDLE: SimDuration = SimDuration::from_secs(60);

    pub fn new(times: &[SimTime]) -> CompressedAxis {
        let mut ts: Vec<SimTime> = times.to_vec();
        crate::sort::sort(&mut ts);
        ts.dedup();
        let width = |gap: SimDuration| (1.0 + gap.as_us() as f64 / 1_000.0).ln().max(0.3);
        let total: f64 = ts.windows(2).map(|w| width(w[1].since(w[0]))).sum();
        let mut x = 0.0;
        let mut points = Vec::with_capacity(ts.len());
        for (i, t) in ts.iter().enumerate() {
            if i > 0 {
                x += width(t.since(ts[i - 1])) / total.max(f64::MIN_POSITIVE);
            }
            points.push((*t, x.min(1.0)));
        }
        CompressedAxis { points }
    }

    /// Position of `t` in 0..=1, linear between the points around it.
    pub fn x(&self, t: SimTime) -> f64 {
        let i = self.points.partition_point(|(p, _)| *p <= t);
        match (i.checked_sub(1).map(|j| self.points[j]), self.points.get(i)) {
            (None, _) => 0.0,
            (Some((_, x)), None) => x,
            (Some((t0, x0)), Some((t1, x1))) => {
                x0 + (x1 - x0) * (t.since(t0).as_us() as f64 / t1.since(t0).as_us().max(1) as f64)
            }
        }
    }

    /// The compressed idle stretches: (start, end), for break marks and their labels.
    pub fn idle_gaps(&self) -> Vec<(SimTime, SimTime)> {
        self.points
            .windows(2)
            .filter(|w| w[1].0.since(w[0].0) >= Self::IDLE)
            .map(|w| (w[0].0, w[1].0))
            .collect()
    }
}
