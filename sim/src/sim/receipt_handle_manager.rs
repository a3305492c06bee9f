//! The proxy's `DefaultReceiptHandleManager` (5.x; spec 5 §5): auto-renew of the messages a gRPC
//! push consumer holds.
//!
//! The push consumer receives with `autoRenew = true`, so the proxy pops with its
//! `defaultInvisibleTimeMills` (60 s) and, while the client still holds the message, renews its
//! invisible time once it ends within `renewAheadTimeMillis` (10 s), up to `renewMaxTimeMillis`
//! (3 h) after the pop. The renewals run on a scan every `renewSchedulePeriodMillis` (5 s,
//! `scheduleRenewTask` with a fixed delay from the proxy's start; the model puts the scans at
//! every multiple of 5 s): a message is renewed at the first scan after its end came within
//! 10 s — at the proxy's minimum invisible time (10 s) that is the first scan after it was
//! received, never the instant it was popped. A slow consumption is therefore not redelivered
//! while the client is alive. The model renews by `defaultInvisibleTimeMills` each time (the
//! proxy's `RenewStrategyPolicy` steps are not modelled), and a client that crashed renews nothing: its messages come back when their
//! invisible time ends (the proxy's clear-on-unregister, `invisibleTimeMillisWhenClear`, is not
//! modelled: it needs the proxy to notice the client is gone).

use super::{Action, Sim};
use crate::broker::store::CopyId;
use crate::event::EventKind;
use crate::time::{SimDuration, SimTime};

/// `renewAheadTimeMillis`.
pub(crate) const RENEW_AHEAD: SimDuration = SimDuration::from_ms(10_000);
/// `renewMaxTimeMillis`.
pub(crate) const RENEW_MAX: SimDuration = SimDuration::from_secs(3 * 3_600);
/// `renewSchedulePeriodMillis`: the renewal scan's period.
pub(crate) const RENEW_SCAN: SimDuration = SimDuration::from_ms(5_000);

/// The first renewal scan strictly after `after` and at or after `due`.
fn next_scan(after: SimTime, due: SimTime) -> SimTime {
    let from = due.as_us().max(after.as_us() + 1);
    let p = RENEW_SCAN.as_us();
    SimTime(from.div_ceil(p) * p)
}

impl Sim {
    /// Plans the renewal of `copy`'s invisible time: the first scan once it ends within
    /// `renewAheadTimeMillis`.
    pub(crate) fn arm_renew(&mut self, copy: CopyId) {
        let Some(ck) = self.pop.cks.get(&copy) else { return };
        let due = SimTime(ck.revive_at.as_us().saturating_sub(RENEW_AHEAD.as_us()));
        let gen = ck.gen;
        self.schedule_at(next_scan(self.now, due), Action::PopRenew { copy, gen });
    }

    pub(super) fn on_pop_renew(&mut self, copy: CopyId, gen: u32) {
        let held = self.consumer.online && self.pop.cached.contains_key(&copy);
        let now = self.now;
        let invisible = self.sc.consumer.default_invisible_time;
        let master_up = self.master.is_up();
        let online = self.consumer.online;
        let Some(ck) = self.pop.cks.get_mut(&copy) else { return };
        if ck.gen != gen || !master_up || now.since(ck.popped_at) >= RENEW_MAX {
            return;
        }
        if !held {
            // Its receive's answer is still on the way to the client (the proxy holds the handle
            // from its answer on): the next scan sees it. A client that died holds nothing.
            if online && ck.revive_at > now {
                self.schedule_at(next_scan(now, now), Action::PopRenew { copy, gen });
            }
            return;
        }
        ck.revive_at = now + invisible;
        ck.gen += 1;
        let visible_at = ck.revive_at;
        let trace = &mut self.pop.trace[ck.trace];
        trace.invisible_until = visible_at;
        trace.renewals += 1;
        let msg = self.copies[copy].msg;
        self.emit(EventKind::InvisibleTimeChanged { msg, visible_at, renewed: true });
        self.arm_revive(copy);
        self.arm_renew(copy);
    }
}
