//! `HAService.GroupTransferService` (spec §2, §2b): the `SYNC_MASTER` sends waiting for the slave.
//!
//! `doWaitTransfer` takes the waiting requests in order and, for one the slave has not reached,
//! waits on `notifyTransferObject.waitForRunning(1000)`: a new slave report
//! (`notifyTransferSome`) wakes it, else it looks again after 1 s. A request's deadline
//! (`slaveTimeout`) is only checked when it wakes, so `FLUSH_SLAVE_TIMEOUT` can come up to ~1 s
//! after the deadline when the slave is silent. Satisfied requests complete `PUT_OK`.
//!
//! What differs by release comes from [`crate::rocketmq_version::VersionRules`] (spec 5 §1–§2):
//! 4.7.0 waits `syncFlushTimeout`, from when the service *starts* on a request, one request after
//! the other (so in a stall the k-th waits ~k × 5 s), and reports a success later than the
//! timeout (counted from the put) as `FLUSH_SLAVE_TIMEOUT`. 5.x counts acks (the master plus
//! every connection whose slave acknowledged the request, against `needAckNums`) and polls every
//! 1 ms: between slave reports, which wake it at once, only a deadline can change anything, so
//! the model wakes it at the earliest deadline, where the 1 ms poll times the request out.

use super::{Action, Sim};
use crate::event::SendStatus;
use crate::time::{SimDuration, SimTime};

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

    /// A slave report that does not wake the service (not above `push2SlaveMaxOffset`): a 5.x
    /// service waiting on acks sees it at its next 1 ms poll; 4.x waits on `push2SlaveMaxOffset`
    /// only, which it did not move.
    pub(crate) fn transfer_sees_at_next_poll(&mut self, acked: u64) {
        let rules = self.rules();
        let counts = self.puts.values().any(|p| p.replica.is_none() && p.next_offset <= acked);
        if counts && self.gts.waiting && rules.quorum_write && rules.transfer_poll < TRANSFER_RECHECK {
            let gen = self.gts.gen;
            self.schedule(rules.transfer_poll, Action::TransferRecheck { gen });
        }
    }

    pub(super) fn on_transfer_recheck(&mut self, gen: u32) {
        if gen == self.gts.gen {
            self.do_wait_transfer();
        }
    }

    /// One pass of `doWaitTransfer`: complete what the slave reached, time out what is past its
    /// deadline, and wait (up to 1 s) for the rest.
    fn do_wait_transfer(&mut self) {
        let rules = self.rules();
        let pushed = self.ha.push2slave;
        let acked: Vec<u64> = self.ha.conns.iter().map(|c| c.slave_ack_offset).collect();
        // Controller mode, `allAckInSyncStateSet`: only the members' connections count.
        let set_size = self.sync_state_set_size();
        let set_acked: Vec<u64> = match &self.ctrl {
            Some(c) => self
                .ha
                .conns
                .iter()
                .filter(|conn| c.sync_state_set.contains(&self.node(conn.slave).broker_id))
                .map(|conn| conn.slave_ack_offset)
                .collect(),
            None => Vec::new(),
        };
        let timeout = self.slave_wait_timeout();
        let now = self.now;
        let mut ready = Vec::new();
        let mut left = false;
        let mut earliest: Option<SimTime> = None;
        for (&id, p) in self.puts.iter_mut() {
            if p.replica.is_some() {
                continue;
            }
            let reached = if p.need_ack == super::broker::ALL_ACK_IN_SYNC_STATE_SET {
                set_size <= 1 || 1 + set_acked.iter().filter(|&&a| a >= p.next_offset).count() as u32 >= set_size
            } else if rules.quorum_write {
                1 + acked.iter().filter(|&&a| a >= p.next_offset).count() as u32 >= p.need_ack
            } else {
                pushed >= p.next_offset
            };
            // 4.7.0: the deadline starts when the service takes the request.
            let deadline = *p.slave_deadline.get_or_insert(now + timeout);
            if reached {
                let late = rules.late_replica_success_is_timeout && now.since(p.created) > timeout;
                p.replica = Some(late.then_some(SendStatus::FlushSlaveTimeout));
                ready.push(id);
            } else if deadline <= now {
                p.replica = Some(Some(SendStatus::FlushSlaveTimeout));
                ready.push(id);
            } else {
                left = true;
                earliest = Some(earliest.map_or(deadline, |e| e.min(deadline)));
                if rules.transfer_one_by_one {
                    break; // the ones behind wait for this one
                }
            }
        }
        for id in ready {
            self.try_complete(id);
        }
        self.gts.gen += 1;
        self.gts.waiting = left;
        if left {
            let gen = self.gts.gen;
            match earliest {
                Some(at) if rules.transfer_poll < TRANSFER_RECHECK => self.schedule_at(at, Action::TransferRecheck { gen }),
                _ => self.schedule(rules.transfer_poll, Action::TransferRecheck { gen }),
            }
        }
    }
}
