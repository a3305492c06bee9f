//! `HAService.GroupTransferService` (spec §2, §2b): the `SYNC_MASTER` sends waiting for the slave.
//!
//! `doWaitTransfer` takes the waiting requests in order and, for one the slave has not reached,
//! waits on `notifyTransferObject.waitForRunning(1000)`: a new slave report
//! (`notifyTransferSome`) wakes it, else it looks again after 1 s. A request's deadline
//! (`slaveTimeout`) is only checked when it wakes, so `FLUSH_SLAVE_TIMEOUT` can come up to ~1 s
//! after the deadline when the slave is silent. Satisfied requests complete `PUT_OK`.

use super::{Action, Sim};
use crate::event::SendStatus;
use crate::time::SimDuration;

/// `notifyTransferObject.waitForRunning(1000)`.
pub(crate) const TRANSFER_RECHECK: SimDuration = SimDuration::from_ms(1_000);

/// The service's wait: bumped when it is re-planned so stale wake-ups are ignored.
#[derive(Clone, Debug, Default)]
pub(crate) struct GroupTransfer {
    pub gen: u32,
    /// The service is inside a wait (some request is not satisfied yet).
    pub waiting: bool,
}

impl Sim {
    /// `GroupTransferService.putRequest`: a new waiting request. An idle service looks at once;
    /// a waiting one sees it at its next wake-up.
    pub(crate) fn submit_replica_request(&mut self) {
        if !self.gts.waiting {
            self.do_wait_transfer();
        }
    }

    /// `notifyTransferSome`: the slave reported further; the service wakes and looks again.
    pub(crate) fn notify_transfer_some(&mut self) {
        self.do_wait_transfer();
    }

    pub(super) fn on_transfer_recheck(&mut self, gen: u32) {
        if gen == self.gts.gen {
            self.do_wait_transfer();
        }
    }

    /// One pass of `doWaitTransfer`: complete what the slave reached, time out what is past its
    /// deadline, and wait (up to 1 s) for the rest.
    fn do_wait_transfer(&mut self) {
        let pushed = self.ha.push2slave;
        let now = self.now;
        let mut ready = Vec::new();
        let mut left = false;
        for (&id, p) in self.puts.iter_mut() {
            if p.replica.is_some() {
                continue;
            }
            if pushed >= p.next_offset {
                p.replica = Some(None);
                ready.push(id);
            } else if p.slave_deadline.is_some_and(|d| d <= now) {
                p.replica = Some(Some(SendStatus::FlushSlaveTimeout));
                ready.push(id);
            } else {
                left = true;
            }
        }
        for id in ready {
            self.try_complete(id);
        }
        self.gts.gen += 1;
        self.gts.waiting = left;
        if left {
            let gen = self.gts.gen;
            self.schedule(TRANSFER_RECHECK, Action::TransferRecheck { gen });
        }
    }
}
