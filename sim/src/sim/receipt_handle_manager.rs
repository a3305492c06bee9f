//! The proxy's `DefaultReceiptHandleManager` (`proxy/.../service/receipt/`, `rocketmq-all-5.3.3`;
//! spec 5 §5): auto-renew of the messages a gRPC push consumer holds.
//!
//! The push consumer receives with `autoRenew = true`, so the proxy pops with its
//! `defaultInvisibleTimeMills` (60 s) and keeps a `MessageReceiptHandle` for each message it hands
//! the client (`addReceiptHandle`, from the pop on — before the answer reaches the client). An ack
//! or a nack from the client removes it (`removeReceiptHandle`), and the proxy sends the broker
//! its *latest* receipt handle in the client's place.
//!
//! - **The scan.** `scheduleRenewTask` runs every `renewSchedulePeriodMillis` (5 s, a fixed delay
//!   from the proxy's start; the model puts the scans at every multiple of 5 s) and renews each
//!   handle whose invisible time ends within `renewAheadTimeMillis` (10 s): at the proxy's minimum
//!   invisible time (10 s) that is the first scan after the pop, never the pop itself.
//! - **The steps.** Renewal *n* (from 0, `renewTimes`) sets the invisible time to
//!   `RenewStrategyPolicy.nextDelayDuration(n)`: 1 min, 3 min, 5 min, 10 min, 30 min, then 1 h for
//!   every later one (`changeInvisibleTime`: a new checkpoint, a new handle).
//! - **`renewMaxTimeMillis` (3 h).** At the first due scan 3 h or more after the message was
//!   retrieved (`consumeTimestamp`, the pop), the proxy stops renewing (`STOP_RENEW`): it changes
//!   the invisible time to the *group's* retry policy's `nextDelayDuration(reconsumeTimes)` — the
//!   server-side `CustomizedRetryPolicy` indexes its list at `reconsumeTimes + 2` (10 s for a
//!   first delivery, 30 s for the second …), not at `attempt − 1` as the client's backoff does;
//!   `ExponentialRetryPolicy` gives 5 s × 2^`reconsumeTimes` (≤ 2 h) — and drops the handle. The
//!   message is revived and delivered again while the first consumption may still run; that
//!   consumption's ack then carries the client's original handle, which no longer matches: refused.
//! - **A failed renewal** (the master is down: the cluster-mode proxy's call fails at once) counts
//!   `renewRetryTimes` and is tried at the next scan; at `maxRenewRetryTimes` (3) the handle is
//!   dropped without a change. A successful renewal resets the count. In `LOCAL` mode the proxy
//!   lives in the broker's process: a broker that went down took the proxy's handles with it.
//! - **A crashed client.** The proxy does not see a gRPC client die (its telemetry stream's
//!   `onError` only logs); it keeps renewing its handles until the client's channel expires: the
//!   consumer manager's scan (`scanNotActiveChannel`, every 10 s from the proxy's start) removes a
//!   channel whose last heartbeat (the client's, 1 s after its start and every 10 s:
//!   `ClientManagerImpl.HEART_BEAT_PERIOD`) is more than `channelExpiredTimeout` (120 s) old. Its
//!   `CLIENT_UNREGISTER` clears the group's handles (`clearGroup`): each message is made visible
//!   `invisibleTimeMillisWhenClear` (1 s) later, and revived into the retry topic.
//!
//! Not modelled: the renew thread pool's limits (`renewThreadPoolNums`, queue 300);
//! `enableProxyAutoRenew = false`; `INVALID_RECEIPT_HANDLE` from a renewal racing a revive (the
//! model's renewal of a revived checkpoint finds nothing).

use super::pop_message_processor::PopEnd;
use super::{Action, Sim};
use crate::broker::store::CopyId;
use crate::event::{EventKind, MsgId, RenewEnd};
use crate::scenario::{GroupRetryPolicy, ProxyMode};
use crate::time::{SimDuration, SimTime};

/// `renewAheadTimeMillis`.
pub(crate) const RENEW_AHEAD: SimDuration = SimDuration::from_ms(10_000);
/// `renewMaxTimeMillis`.
pub(crate) const RENEW_MAX: SimDuration = SimDuration::from_secs(3 * 3_600);
/// `renewSchedulePeriodMillis`: the renewal scan's period.
pub(crate) const RENEW_SCAN: SimDuration = SimDuration::from_ms(5_000);
/// `RenewStrategyPolicy.next`: the invisible time renewal `renewTimes` sets (the last for every
/// later one).
pub(crate) const RENEW_STEPS_SECS: [u64; 6] = [60, 180, 300, 600, 1_800, 3_600];
/// `maxRenewRetryTimes`: failed renewals before the proxy drops a handle.
pub(crate) const MAX_RENEW_RETRY_TIMES: u32 = 3;
/// `invisibleTimeMillisWhenClear`: what `clearGroup` sets for a gone client's messages.
pub(crate) const INVISIBLE_WHEN_CLEAR: SimDuration = SimDuration::from_ms(1_000);
/// `channelExpiredTimeout` (`ProxyConfig`, and the broker's in `LOCAL` mode): 120 s.
pub(crate) const CHANNEL_EXPIRED_TIMEOUT: SimDuration = SimDuration::from_secs(120);
/// The consumer manager's `scanNotActiveChannel` period (10 s, first 10 s after the start).
pub(crate) const CHANNEL_SCAN: SimDuration = SimDuration::from_secs(10);
/// The gRPC client's heartbeat: `HEART_BEAT_INITIAL_DELAY` (1 s), then `HEART_BEAT_PERIOD` (10 s).
pub(crate) const HEARTBEAT_FIRST: SimDuration = SimDuration::from_secs(1);
pub(crate) const HEARTBEAT_PERIOD: SimDuration = SimDuration::from_secs(10);

/// `RenewStrategyPolicy.nextDelayDuration(renewTimes)`.
pub fn renew_step(renew_times: u32) -> SimDuration {
    let i = (renew_times as usize).min(RENEW_STEPS_SECS.len() - 1);
    SimDuration::from_secs(RENEW_STEPS_SECS[i])
}

/// The group retry policy's server-side `nextDelayDuration(reconsumeTimes)`, which `STOP_RENEW`
/// uses: `CustomizedRetryPolicy` takes `next[reconsumeTimes + 2]` ("compatible logic": the old
/// delay level was `reconsumeTimes + 3`), the last entry past the list; `ExponentialRetryPolicy`
/// min(2 h, 5 s × 2^min(reconsumeTimes, 32)).
pub fn stop_renew_delay(policy: GroupRetryPolicy, reconsume_times: u32) -> SimDuration {
    match policy {
        GroupRetryPolicy::Customized => {
            let next = GroupRetryPolicy::CUSTOMIZED_NEXT_SECS;
            SimDuration::from_secs(next[(reconsume_times as usize + 2).min(next.len() - 1)])
        }
        // `next_attempt_delay(attempt)` is 5 s × 2^(attempt − 1), capped at 2 h.
        GroupRetryPolicy::Exponential => policy.next_attempt_delay(reconsume_times.min(32) + 1),
    }
}

/// The proxy's `MessageReceiptHandle` for one popped message.
#[derive(Clone, Debug)]
pub(crate) struct Handle {
    /// The pop it stands for (the checkpoint's entry in `Pop::trace`).
    trace: usize,
    /// The checkpoint generation of the proxy's latest handle.
    gen: u32,
    /// The client (its epoch) whose channel it belongs to (`ReceiptHandleGroupKey`).
    cepoch: u32,
    /// The master's epoch when it was added (a `LOCAL` proxy dies with the broker).
    master_epoch: u32,
    /// `renewTimes`: successful renewals.
    renew_times: u32,
    /// `renewRetryTimes`: failed renewals since the last success.
    renew_retry_times: u32,
}

/// The proxy's receipt handles, by popped copy (`receiptHandleGroupMap`).
#[derive(Clone, Debug, Default)]
pub(crate) struct ReceiptHandles {
    by_copy: crate::vec_map::DequeMap<CopyId, Handle>,
    /// Handles the proxy stopped renewing with the checkpoint still open (`STOP_RENEW`, or
    /// dropped after failed renewals): (message, when, why, the pop's trace entry), for the
    /// cause chain of a message delivered twice.
    pub ended: Vec<(MsgId, SimTime, RenewEnd, usize)>,
}

/// The first renewal scan strictly after `after` and at or after `due`.
fn next_scan(after: SimTime, due: SimTime) -> SimTime {
    let from = due.as_us().max(after.as_us() + 1);
    let p = RENEW_SCAN.as_us();
    SimTime(from.div_ceil(p) * p)
}

/// When the proxy's channel scan removes a client whose last heartbeat went out at `last`: the
/// first scan (a multiple of 10 s) more than `channelExpiredTimeout` after it.
pub(crate) fn channel_expired_at(last: SimTime) -> SimTime {
    let p = CHANNEL_SCAN.as_us();
    SimTime(((last + CHANNEL_EXPIRED_TIMEOUT).as_us() / p + 1) * p)
}

impl Sim {
    /// The cause of a gRPC-consumed message delivered more than once, if the proxy's renewal
    /// ended under a consumption of it: the first such end whose pop was revived.
    pub(crate) fn renew_ended_cause(&self, msg: MsgId) -> Option<crate::ledger::CauseStep> {
        self.handles.ended.iter().find_map(|&(m, at, why, trace)| {
            let revived = matches!(self.pop.trace[trace].end, Some((_, PopEnd::Revived)));
            (m == msg && revived).then_some(crate::ledger::CauseStep::ProxyStoppedRenewing { why, at })
        })
    }

    /// Plans the renewal of `copy`'s invisible time: the first scan once it ends within
    /// `renewAheadTimeMillis`. A fresh pop's handle is added here (`addReceiptHandle`).
    pub(crate) fn arm_renew(&mut self, copy: CopyId) {
        let Some(ck) = self.pop.cks.get(&copy) else { return };
        let (trace, gen) = (ck.trace, ck.gen);
        let due = SimTime(ck.revive_at.as_us().saturating_sub(RENEW_AHEAD.as_us()));
        let fresh = self.handles.by_copy.get(&copy).is_none_or(|h| h.trace != trace);
        if fresh {
            let h = Handle {
                trace,
                gen,
                cepoch: self.consumer.epoch,
                master_epoch: self.master.epoch,
                renew_times: 0,
                renew_retry_times: 0,
            };
            self.handles.by_copy.insert(copy, h);
        }
        self.schedule_at(next_scan(self.now, due), Action::PopRenew { copy, gen });
    }

    /// The client's ack or nack for `copy` reaches the proxy (`removeReceiptHandle`): the
    /// checkpoint generation the broker gets — the proxy's latest handle while it holds one, else
    /// the client's own from the pop (generation 0). `None`: no checkpoint is open.
    pub(crate) fn remove_receipt_handle(&mut self, copy: CopyId) -> Option<u32> {
        let ck = self.pop.cks.get(&copy)?;
        let held = self.handles.by_copy.remove(&copy).filter(|h| h.trace == ck.trace);
        Some(held.map_or(0, |h| h.gen))
    }

    pub(super) fn on_pop_renew(&mut self, copy: CopyId, gen: u32) {
        let Some(ck) = self.pop.cks.get(&copy) else {
            self.handles.by_copy.remove(&copy);
            return;
        };
        let (ck_gen, ck_trace) = (ck.gen, ck.trace);
        let Some(h) = self.handles.by_copy.get_mut(&copy).filter(|h| h.trace == ck.trace && h.gen == gen) else {
            return; // the client answered, or the proxy dropped the handle
        };
        if ck.gen != gen {
            return;
        }
        let now = self.now;
        let msg = self.copies[copy].msg;
        let local_proxy_died = self.sc.proxy.proxy_mode == ProxyMode::Local
            && (!self.master.is_up() || h.master_epoch != self.master.epoch);
        if local_proxy_died {
            self.handles.by_copy.remove(&copy);
            return;
        }
        if h.renew_retry_times >= MAX_RENEW_RETRY_TIMES {
            self.handles.by_copy.remove(&copy);
            if ck_gen > 0 {
                // The client's own handle (from the pop) was replaced by a renewal: stale.
                self.handles.ended.push((msg, now, RenewEnd::RetriesExhausted, ck_trace));
            }
            self.emit(EventKind::RenewEnded { msg, why: RenewEnd::RetriesExhausted, visible_at: None });
            return;
        }
        let stop = now.since(ck.popped_at) >= RENEW_MAX;
        if !self.master.is_up() {
            // The `changeInvisibleTime` fails. A renewal is tried again at the next scan; a
            // `STOP_RENEW` completes with the handle dropped all the same.
            if stop {
                self.handles.by_copy.remove(&copy);
                if ck_gen > 0 {
                    self.handles.ended.push((msg, now, RenewEnd::MaxTime, ck_trace));
                }
                self.emit(EventKind::RenewEnded { msg, why: RenewEnd::MaxTime, visible_at: None });
            } else {
                h.renew_retry_times += 1;
                self.schedule_at(next_scan(now, now), Action::PopRenew { copy, gen });
            }
            return;
        }
        let (invisible, renew_times) = match stop {
            false => (renew_step(h.renew_times), h.renew_times + 1),
            true => (stop_renew_delay(self.sc.consumer.group_retry_policy, ck.reconsume_times), h.renew_times),
        };
        let ck = self.pop.cks.get_mut(&copy).expect("checked above");
        ck.revive_at = now + invisible;
        ck.gen += 1;
        let (visible_at, new_gen) = (ck.revive_at, ck.gen);
        let trace = &mut self.pop.trace[ck.trace];
        trace.invisible_until = visible_at;
        if stop {
            let t = ck.trace;
            self.handles.by_copy.remove(&copy);
            self.handles.ended.push((msg, now, RenewEnd::MaxTime, t));
            self.emit(EventKind::RenewEnded { msg, why: RenewEnd::MaxTime, visible_at: Some(visible_at) });
            self.arm_revive(copy);
            return;
        }
        trace.renewals += 1;
        let h = self.handles.by_copy.get_mut(&copy).expect("held");
        h.gen = new_gen;
        h.renew_times = renew_times;
        h.renew_retry_times = 0;
        self.emit(EventKind::InvisibleTimeChanged { msg, visible_at, renewed: true });
        self.arm_revive(copy);
        self.arm_renew(copy);
    }

    /// The consumer process died now: the proxy learns it only when the client's channel
    /// expires, and renews its handles until then.
    pub(crate) fn proxy_client_crashed(&mut self) {
        let started = self.consumer.started_at;
        let last = self.now.last_tick(started + HEARTBEAT_FIRST, HEARTBEAT_PERIOD).unwrap_or(started);
        let cepoch = self.consumer.epoch;
        self.schedule_at(channel_expired_at(last), Action::ProxyClearGroup { cepoch });
    }

    /// `scanNotActiveChannel` removed the channel of client `cepoch`: `CLIENT_UNREGISTER` →
    /// `clearGroup`, each of its handles made visible `invisibleTimeMillisWhenClear` from now.
    pub(super) fn on_proxy_clear_group(&mut self, cepoch: u32) {
        let gone: Vec<(CopyId, Handle)> =
            self.handles.by_copy.iter().filter(|(_, h)| h.cepoch == cepoch).map(|(&c, h)| (c, h.clone())).collect();
        let local = self.sc.proxy.proxy_mode == ProxyMode::Local;
        for (copy, h) in gone {
            self.handles.by_copy.remove(&copy);
            if local && h.master_epoch != self.master.epoch {
                continue; // that proxy died with its broker, and its handles with it
            }
            let msg = self.copies[copy].msg;
            let master_up = self.master.is_up();
            let Some(ck) = self.pop.cks.get_mut(&copy).filter(|ck| ck.trace == h.trace && ck.gen == h.gen) else {
                continue;
            };
            if !master_up {
                self.emit(EventKind::RenewEnded { msg, why: RenewEnd::ClientGone, visible_at: None });
                continue;
            }
            ck.revive_at = self.now + INVISIBLE_WHEN_CLEAR;
            ck.gen += 1;
            let visible_at = ck.revive_at;
            self.pop.trace[ck.trace].invisible_until = visible_at;
            self.emit(EventKind::RenewEnded { msg, why: RenewEnd::ClientGone, visible_at: Some(visible_at) });
            self.arm_revive(copy);
        }
    }
}
