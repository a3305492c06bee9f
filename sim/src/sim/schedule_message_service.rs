//! `ScheduleMessageService` (spec §5): delayed retries in `SCHEDULE_TOPIC_XXXX`.
//!
//! One timer task per delay level: it starts 1 s after the broker (`FIRST_DELAY_TIME`), and
//! whenever the head entry of its level is not due yet it looks again 100 ms later
//! (`DELAY_FOR_A_WHILE`), so a retry moves to `%RETRY%<group>` at the first 100 ms tick at or
//! after its due time.
//!
//! The service's progress (each level's next offset) lives in memory and is saved to
//! `delayOffset.json` every `flushDelayOffsetInterval` (10 s, the first 10 s after the master
//! starts); a crash does not save it. So after a process crash or a power loss the restarted
//! master resumes each level from the saved offset: the retries it moved in the last ≤ 10 s
//! before the crash are moved to `%RETRY%` again and delivered twice (where the first move's copy
//! survived). Surviving entries not moved yet fire at their due time. (The file is written without
//! `fsync`; that a power loss could also cost its latest save is not modelled.)

use super::{Action, Sim};
use crate::broker::store::CopyId;
use crate::event::{EventKind, Topic};
use crate::time::{SimDuration, SimTime};

/// `FIRST_DELAY_TIME`.
const FIRST_DELAY: SimDuration = SimDuration::from_ms(1_000);
/// `DELAY_FOR_A_WHILE`.
pub(crate) const SCHEDULE_TICK: SimDuration = SimDuration::from_ms(100);
/// `flushDelayOffsetInterval` (`MessageStoreConfig`, 10 s); also the persist task's initial delay.
pub(crate) const FLUSH_DELAY_OFFSET_INTERVAL: SimDuration = SimDuration::from_ms(10_000);

impl Sim {
    /// Plans the move of schedule entry `copy`, due at `due`, to the level's next tick.
    pub(crate) fn schedule_delivery(&mut self, copy: CopyId, due: SimTime) {
        let phase = self.master_started_at + FIRST_DELAY;
        let at = due.next_tick(phase, SCHEDULE_TICK);
        let epoch = self.master.epoch;
        self.schedule_at(at, Action::ScheduleDue { copy, epoch });
    }

    /// The master (re)started: the persist task of `delayOffset.json` starts, first in 10 s.
    pub(crate) fn start_delay_offset_persist(&mut self) {
        let epoch = self.master.epoch;
        self.schedule(FLUSH_DELAY_OFFSET_INTERVAL, Action::DelayOffsetPersist { epoch });
    }

    /// `ScheduleMessageService.persist`: the moves so far are saved.
    pub(super) fn on_delay_offset_persist(&mut self, epoch: u32) {
        if !self.master.is_up() || self.master.epoch != epoch {
            return; // a restart starts a new task
        }
        self.unsaved_moves.clear();
        self.schedule(FLUSH_DELAY_OFFSET_INTERVAL, Action::DelayOffsetPersist { epoch });
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
        self.unsaved_moves.push(copy);
        let (msg, rc) = (self.copies[copy].msg, self.copies[copy].reconsume_times);
        self.emit(EventKind::RetryDue { msg, reconsume_times: rc });
        self.master_append(msg, Topic::Retry, 0, rc, None);
    }

    /// After a restart: the moves made since the last save of `delayOffset.json` are forgotten,
    /// and the schedule service is re-armed for every surviving entry not moved (as far as the
    /// file says); its persist task starts again.
    pub(crate) fn rearm_schedules(&mut self) {
        for copy in std::mem::take(&mut self.unsaved_moves) {
            if self.master.store.find(copy).is_some() {
                self.copies[copy].handled = false;
            }
        }
        let pending: Vec<(CopyId, SimTime)> = self
            .master
            .store
            .records
            .iter()
            .filter(|r| r.topic == Topic::Schedule && !self.copies[r.copy].handled)
            .map(|r| (r.copy, self.copies[r.copy].due_at.unwrap_or(self.now)))
            .collect();
        for (copy, due) in pending {
            self.schedule_delivery(copy, due);
        }
        self.start_delay_offset_persist();
    }
}
