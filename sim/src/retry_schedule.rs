//! A message's retry schedule (spec §5): each delivery to the consumer group with its
//! `reconsumeTimes` and result, the wait in `SCHEDULE_TOPIC_XXXX` that followed (delay level, due
//! time), and how it ended — consumed, in `%DLQ%<group>`, compensated by the DLQ consumer.
//! Built from the event log; the page draws it as a Gantt chart on a [`CompressedAxis`].

use crate::event::{ConsumeResult, EventKind, MsgId, QueueKind};
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

    /// Every time the chart must place, in order.
    pub fn times(&self) -> Vec<SimTime> {
        let mut ts = Vec::new();
        for d in &self.deliveries {
            ts.extend([d.at, d.done_at]);
            if let Some((at, _, due)) = d.retry {
                ts.extend([at, due]);
            }
            ts.extend(d.local_retry_at);
        }
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
