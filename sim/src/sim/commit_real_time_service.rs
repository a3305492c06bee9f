//! `CommitLog.CommitRealTimeService` (spec §2c): with `transientStorePoolEnable` (and
//! `ASYNC_FLUSH`), appends land in an off-heap write buffer and this service copies them into
//! the commit-log file, i.e. the page cache.
//!
//! Every put wakes it (`submitFlushRequest` → `commitLogService.wakeup()`); idle it waits up to
//! `commitIntervalCommitLog` (200 ms). A turn commits once `commitCommitLogLeastPages` (4) page
//! boundaries wait, or everything when `commitCommitLogThoroughInterval` (200 ms) has passed
//! since the last commit (`lastCommitTimestamp` starts at 0, so the first turn is thorough).
//! Only committed bytes are dispatched to consume queues and replicated; a process crash loses
//! the uncommitted tail with the JVM's off-heap memory.

use super::{Action, Sim};
use crate::event::{EventKind, NodeId};

impl Sim {
    /// One turn of `CommitRealTimeService.run`; `woken` by a put rather than by its timer.
    pub(crate) fn commit_turn(&mut self, woken: bool) {
        let _ = woken;
        let b = &self.sc.broker;
        let (thorough, interval, mut least) =
            (b.commit_commit_log_thorough_interval, b.commit_interval_commit_log, b.commit_commit_log_least_pages);
        let now = self.now;
        let n = &mut self.master;
        if !n.is_up() || !n.store.write_buffer {
            return;
        }
        if n.last_commit.is_none_or(|t| now >= t + thorough) {
            n.last_commit = Some(now);
            least = 0;
        }
        if n.store.able_to_commit(least) {
            let (from, to) = (n.store.committed, n.store.written);
            n.store.committed = to;
            n.last_commit = Some(now);
            let queues: crate::vec_map::VecSet<_> = n.store.range(from, to).iter().map(|r| (r.topic, r.queue_id)).collect();
            self.emit(EventKind::Committed { from, to });
            // `ReputMessageService` dispatches what is now readable.
            for (topic, queue_id) in queues {
                self.notify_dispatch(NodeId::Master, topic, queue_id);
            }
        }
        let n = &mut self.master;
        n.commit_gen += 1;
        let (epoch, gen) = (n.epoch, n.commit_gen);
        self.schedule(interval, Action::CommitTick { epoch, gen });
    }

    pub(super) fn on_commit_tick(&mut self, epoch: u32, gen: u32) {
        if self.master.epoch == epoch && self.master.commit_gen == gen {
            self.commit_turn(false);
        }
    }
}
