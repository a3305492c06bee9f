//! `ScheduleMessageService` (spec §5): delayed retries in `SCHEDULE_TOPIC_XXXX`.
//!
//! One timer task per delay level: it starts 1 s after the broker (`FIRST_DELAY_TIME`), and
//! whenever the head entry of its level is not due yet it looks again 100 ms later
//! (`DELAY_FOR_A_WHILE`), so a retry moves to `%RETRY%<group>` at the first 100 ms tick at or
//! after its due time. The service's own progress file is not modelled: after a restart every
//! surviving, unmoved entry fires again at its due time.

use super::{Action, Sim};
use crate::broker::store::CopyId;
use crate::event::{EventKind, Topic};
use crate::time::{SimDuration, SimTime};

/// `FIRST_DELAY_TIME`.
const FIRST_DELAY: SimDuration = SimDuration::from_ms(1_000);
/// `DELAY_FOR_A_WHILE`.
pub(crate) const SCHEDULE_TICK: SimDuration = SimDuration::from_ms(100);

impl Sim {
    /// Plans the move of schedule entry `copy`, due at `due`, to the level's next tick.
    pub(crate) fn schedule_delivery(&mut self, copy: CopyId, due: SimTime) {
        let phase = self.master_started_at + FIRST_DELAY;
        let at = due.next_tick(phase, SCHEDULE_TICK);
        let epoch = self.master.epoch;
        self.schedule_at(at, Action::ScheduleDue { copy, epoch });
    }

    /// `ScheduleMessageService`: a due retry is written to `%RETRY%<group>`.
    pub(super) fn on_schedule_due(&mut self, copy: CopyId, epoch: u32) {
        if !self.master.is_up() || self.master.epoch != epoch || self.copies[copy].handled {
            return;
        }
        if self.master.store.find(copy).is_none() {
            return; // the schedule entry itself was lost
        }
        self.copies[copy].handled = true;
        let (msg, rc) = (self.copies[copy].msg, self.copies[copy].reconsume_times);
        self.emit(EventKind::RetryDue { msg, reconsume_times: rc });
        self.master_append(msg, Topic::Retry, rc, None);
    }

    /// After a restart, re-arm the schedule service for surviving, not yet moved entries.
    pub(crate) fn rearm_schedules(&mut self) {
        let epoch = self.master.epoch;
        let pending: Vec<(CopyId, SimTime)> = self
            .master
            .store
            .records
            .iter()
            .filter(|r| r.topic == Topic::Schedule && !self.copies[r.copy].handled)
            .map(|r| (r.copy, self.copies[r.copy].due_at.unwrap_or(self.now)))
            .collect();
        let _ = epoch;
        for (copy, due) in pending {
            self.schedule_delivery(copy, due);
        }
    }
}
