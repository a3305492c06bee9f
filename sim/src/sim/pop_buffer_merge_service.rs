//! `PopBufferMergeService` (broker, 5.x; spec 5 §5) as far as a pop on a **slave** needs it: the
//! in-memory offset queue that stands for the group's pop offset there.
//!
//! Every non-orderly pop that returned messages appends a `PopCheckPointWrapper` with the pop's
//! `nextBeginOffset` to `commitOffsets` (`addCkJustOffset` → `putOffsetQueue`, whether the
//! checkpoint could be stored or not), and the next pop of that queue starts from the larger of
//! the stored consume offset and the last wrapper's `nextBeginOffset` (`getPopOffset` →
//! `getLatestOffset`). On a master the service's scan commits those offsets to the consumer
//! offset table once the checkpoints are stored. On a slave (`isShouldRunning` is false: the
//! role is `SLAVE` and `enableSlaveActingMaster` is off) its loop only waits
//! `interval × 200 × 5` = 5 s and then clears `buffer` and `commitOffsets`: nothing is committed,
//! and after each clear the slave's pops start again from the stored offset — the one
//! `SlaveSynchronize` copied from the master (the model puts the clears at every 5 s from the
//! slave's start). The master's own use of the service (merging checkpoints and acks in memory,
//! `enablePopBufferMerge` = false by default) is not modelled: the master commits at the pop.

use super::Sim;
use crate::event::{EventKind, NodeId, QueueKind};
use crate::time::{SimDuration, SimTime};

/// The slave's loop: `waitForRunning(interval * 200 * 5)` with `interval` = 5 ms.
pub(crate) const SLAVE_CLEAR_PERIOD: SimDuration = SimDuration::from_ms(5_000);

/// The last `nextBeginOffset` a slave's pop put in its offset queue.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BufferedOffset {
    pub next_begin: u64,
    pub at: SimTime,
    /// The slave's node epoch (a restart starts with an empty buffer).
    pub epoch: u32,
}

impl Sim {
    /// How many clears the slave's loop has made by `t` since it started.
    fn clears_by(&self, node: NodeId, t: SimTime) -> u64 {
        let started = self.node(node).started_at;
        t.since(started).as_us() / SLAVE_CLEAR_PERIOD.as_us()
    }

    /// `getLatestOffset` on slave `node`: the buffered `nextBeginOffset` of `q`, unless a clear came since.
    fn buffered_offset(&self, q: QueueKind, node: NodeId) -> Option<u64> {
        let b = self.pop.slave_buffer.get(&(node, q))?;
        let n = self.node(node);
        (b.epoch == n.epoch && self.clears_by(node, b.at) == self.clears_by(node, self.now)).then_some(b.next_begin)
    }

    /// `putOffsetQueue` of a slave's pop that returned messages up to `next_begin`.
    pub(crate) fn pop_buffer_put(&mut self, q: QueueKind, node: NodeId, next_begin: u64) {
        let epoch = self.node(node).epoch;
        self.pop.slave_buffer.insert((node, q), BufferedOffset { next_begin, at: self.now, epoch });
    }

    /// `getPopOffset` on slave `node`: the larger of the stored offset (0 when none: the first
    /// message is still in memory, `initPopOffsetByCheckMsgInMem`) and the buffered one. An
    /// offset past the queue's end is corrected to the end in the slave's (in-memory) offset
    /// table, as on the master (`OFFSET_OVERFLOW_BADLY` → `commitOffset(nextBeginOffset)`).
    pub(crate) fn slave_pop_offset(&mut self, q: QueueKind, node: NodeId) -> u64 {
        let stored = self.node(node).offsets.get(&q).copied().unwrap_or(0);
        let offset = self.buffered_offset(q, node).map_or(stored, |b| b.max(stored));
        let len = self.node(node).store.consume_queue(q).len() as u64;
        if offset <= len {
            return offset;
        }
        self.emit(EventKind::OffsetCorrected { queue: q, from: offset, to: len });
        self.node_mut(node).offsets.insert(q, len);
        self.pop.slave_buffer.remove(&(node, q));
        len
    }
}

