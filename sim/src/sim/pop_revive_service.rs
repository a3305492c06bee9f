//! `PopReviveService` (broker, 5.x; spec 5 §5): a checkpoint still open after its invisible time
//! becomes a new message in the group's retry topic (`%RETRY%<group>_<topic>`, here the
//! `%RETRY%` queue), with `reconsumeTimes` + 1 (`reviveRetry`), which the consumer pops again.
//!
//! The checkpoint is written to the revive topic to be delivered at `reviveTime` −
//! `ackTimeInterval` (1 s). The service's scan (`consumeReviveMessage`) keeps as its end time the
//! latest delivery time it read, and moves it to *now* only after 3 s without new revive
//! messages, sleeping 100 ms between empty reads; `mergeAndRevive` revives a checkpoint only when
//! `endTime − reviveTime > ackTimeInterval + 1 s`. So an idle revive queue revives a checkpoint
//! about 2 s after its revive time, on its 100 ms sleep: the model uses [`REVIVE_LAG`] (derived
//! from the code, never measured). A master that is down revives nothing; after it restarts the
//! service waits `reviveInterval` (1 s) before its first scan.

use super::pop_message_processor::PopEnd;
use super::{Action, Sim};
use crate::broker::store::CopyId;
use crate::event::{EventKind, Topic};
use crate::time::{SimDuration, SimTime};

/// `ackTimeInterval` + 1 s, strictly exceeded on the scan's 100 ms sleep.
pub(crate) const REVIVE_LAG: SimDuration = SimDuration::from_ms(2_100);
/// `reviveInterval` (`BrokerConfig`, 1 s): the wait before each scan.
pub(crate) const REVIVE_INTERVAL: SimDuration = SimDuration::from_ms(1_000);

impl Sim {
    /// Plans the revive of `copy`'s checkpoint at its current revive time.
    pub(crate) fn arm_revive(&mut self, copy: CopyId) {
        let Some(ck) = self.pop.cks.get(&copy) else { return };
        let (at, gen) = (ck.revive_at + REVIVE_LAG, ck.gen);
        let epoch = self.master.epoch;
        self.schedule_at(at, Action::PopRevive { copy, gen, epoch });
    }

    pub(super) fn on_pop_revive(&mut self, copy: CopyId, gen: u32, epoch: u32) {
        if !self.master.is_up() || self.master.epoch != epoch {
            return; // a restarted master plans its checkpoints again (`rearm_revives`)
        }
        let Some(ck) = self.pop.cks.get(&copy) else { return };
        if ck.gen != gen {
            return; // its invisible time changed since
        }
        let (rc, trace) = (ck.reconsume_times, ck.trace);
        self.pop.cks.remove(&copy);
        self.copies[copy].handled = true;
        if self.master.store.find(copy).is_none() {
            self.pop.trace[trace].end = Some((self.now, PopEnd::CopyLost));
            return; // "can not get biz msg": the popped copy itself was lost (its `CopyLost` says so)
        }
        self.pop.trace[trace].end = Some((self.now, PopEnd::Revived));
        let msg = self.copies[copy].msg;
        self.emit(EventKind::Revived { msg, reconsume_times: rc + 1 });
        self.master_append(msg, Topic::Retry, 0, rc + 1, None);
    }

    /// The master (re)started: its revive service scans again after `reviveInterval`, and finds
    /// every checkpoint still open.
    pub(crate) fn rearm_revives(&mut self) {
        let first = self.now + REVIVE_INTERVAL;
        let open: Vec<(CopyId, SimTime, u32)> = self.pop.cks.iter().map(|(&c, ck)| (c, ck.revive_at, ck.gen)).collect();
        let epoch = self.master.epoch;
        for (copy, revive_at, gen) in open {
            let at = (revive_at + REVIVE_LAG).max(first);
            self.schedule_at(at, Action::PopRevive { copy, gen, epoch });
        }
    }
}
