//! `SlaveSynchronize` (spec §5; client spec §8): the slave's copy of the master's consumer offsets.
//!
//! `BrokerController.handleSlaveSynchronize` runs `syncAll` on the slave every 10 s, the first
//! 3 s after the slave starts. `syncConsumerOffset` fetches the master's whole consumer-offset
//! table and `putAll`s it into the slave's (an entry the master lacks is kept; one it has
//! overwrites the slave's, older or not). The call needs the master up and reachable from the
//! slave (a partition of the master↔slave link fails it too); a failed sync changes nothing and
//! the next one comes 10 s later. So while the master is up the slave holds the group's offsets
//! to within ~10 s, and a consumer that restarts during a master outage resumes from that copy
//! (or from a newer one its own `persistAll` wrote to the slave once its route lost the master).
//!
//! `syncDelayOffset` also copies the schedule service's `delayOffset.json` — into the slave's
//! file only: a 4.x slave runs no schedule service and reads that file only if it is restarted
//! as a master, which this model never does, so that half has no effect here and is not modelled.

use super::{Action, Sim};
use crate::event::{NodeId, OffsetVia, QueueKind};
use crate::time::SimDuration;

/// `handleSlaveSynchronize`'s initial delay.
pub(crate) const FIRST_SLAVE_SYNC: SimDuration = SimDuration::from_ms(3_000);
/// `handleSlaveSynchronize`'s period.
pub const SLAVE_SYNC_PERIOD: SimDuration = SimDuration::from_ms(10_000);

impl Sim {
    /// `node` (a slave) (re)started: its sync timer starts over, first run 3 s later.
    pub(crate) fn start_slave_synchronize(&mut self, node: NodeId) {
        let Some(slave) = self.slave_node(node) else { return };
        let epoch = slave.epoch;
        self.schedule(FIRST_SLAVE_SYNC, Action::SlaveSync { node, epoch });
    }

    /// `SlaveSynchronize.syncConsumerOffset`: the master's table over the slave's.
    pub(super) fn on_slave_sync(&mut self, node: NodeId, epoch: u32) {
        let Some(slave) = self.slave_node(node) else { return };
        if slave.epoch != epoch || !slave.is_up() {
            return; // a restart starts a new timer
        }
        self.schedule(SLAVE_SYNC_PERIOD, Action::SlaveSync { node, epoch });
        let link_down = !self.link_up(node);
        if !self.master.is_up() || link_down {
            return; // the RPC fails; nothing changes
        }
        let table: Vec<(QueueKind, u64)> = self.master.offsets.iter().map(|(&q, &o)| (q, o)).collect();
        for (queue, offset) in table {
            self.store_offset(node, queue, offset, OffsetVia::SlaveSync);
        }
    }
}

