//! One broker's commit log and consume queues: bytes in the OS page cache and bytes on disk.
//!
//! The commit log is written through `mmap` (spec §4): an append lands in the page cache at
//! once (`written`); a flush makes everything written so far durable (`flushed`). A process
//! crash keeps the page cache (the OS writes it back); a power loss truncates the log at the
//! last flush; a lost disk empties it. Consume queues are rebuilt from the commit log, so here
//! they are views over its records, in commit-log order: one per (topic, `queueId`) — the
//! producer's topic has `writeQueueNums` of them, `%RETRY%<group>` and `%DLQ%<group>` one each
//! (spec §5, "A topic has several queues").
//!
//! With `transientStorePoolEnable` (spec §2c) an append lands in an off-heap write buffer first
//! (`written`); `CommitRealTimeService` copies it into the file (`committed`). Readers, replication
//! and flushes see only committed bytes; a process crash loses the uncommitted tail.

use crate::event::{MsgId, QueueKind, Topic};
use crate::time::SimTime;

/// Index of a stored copy in [`crate::Sim`]'s copy table; replicas share the master's id.
pub type CopyId = usize;

/// One message as it sits in a commit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub copy: CopyId,
    pub msg: MsgId,
    pub topic: Topic,
    /// The consume queue of `topic` it is dispatched to (`queueId`; 0 outside `TopicTest`).
    pub queue_id: u8,
    pub offset: u64,
    pub size: u64,
    pub reconsume_times: u32,
    pub appended_at: SimTime,
}

impl Record {
    pub fn end(&self) -> u64 {
        self.offset + self.size
    }
}

/// A commit log plus the consume queues dispatched from it.
#[derive(Clone, Debug, Default)]
pub struct Store {
    /// Records in offset order.
    pub records: Vec<Record>,
    /// End of the last append (the page-cache write position).
    pub written: u64,
    /// Everything below this offset is on disk.
    pub flushed: u64,
    /// Appends go to an off-heap write buffer first (`transientStorePoolEnable`, spec §2c).
    pub write_buffer: bool,
    /// With a write buffer: everything below this offset is in the file (page cache).
    pub committed: u64,
    /// `TopicTest`'s queues, by `queueId`: indices into `records` (a queue nothing was sent to
    /// yet may be missing at the end).
    pub cq_main: Vec<Vec<usize>>,
    /// `%RETRY%<group>` queue 0.
    pub cq_retry: Vec<usize>,
    /// `%DLQ%<group>` queue 0.
    pub cq_dlq: Vec<usize>,
    /// 5.3.x `SYNC_FLUSH` (`CommitLog.getConfirmOffset` returns the flushed offset): the consume
    /// queues show only flushed records (spec 5 §2).
    pub dispatch_to_flushed: bool,
    /// Controller mode with `allAckInSyncStateSet` and more than one SyncStateSet member:
    /// readers see records only up to the confirm offset (`CommitLog.getConfirmOffset`). Set it
    /// with [`Store::set_confirm_limit`].
    pub confirm_limit: Option<u64>,
    /// How far `ReputMessageService` dispatched before the confirm limit last changed: a consume
    /// queue keeps what was dispatched to it, so a confirm offset that falls (a slave joins the
    /// SyncStateSet, or a member's first ack replaces an ack of 0 that `computeConfirmOffset`
    /// skipped) stops further dispatch but hides nothing already dispatched
    /// (`isCommitLogAvailable`: `reputFromOffset < getConfirmOffset()`, never a step back).
    pub reput_floor: u64,
}

/// OS page size the flush rules count in (`MappedFile.OS_PAGE_SIZE`).
pub const OS_PAGE_SIZE: u64 = 4096;

impl Store {
    /// Appends at the write position and dispatches to the consume queue of its topic.
    pub fn append(&mut self, mut rec: Record) -> &Record {
        rec.offset = self.written;
        self.push(rec)
    }

    /// Adds a record at the write position and dispatches it to its topic's consume queue
    /// (`ReputMessageService`).
    fn push(&mut self, rec: Record) -> &Record {
        let idx = self.records.len();
        match rec.topic {
            Topic::Main => {
                let q = rec.queue_id as usize;
                if self.cq_main.len() <= q {
                    self.cq_main.resize_with(q + 1, Vec::new);
                }
                self.cq_main[q].push(idx)
            }
            Topic::Retry => self.cq_retry.push(idx),
            Topic::Dlq => self.cq_dlq.push(idx),
            Topic::Schedule => {}
        }
        self.written = rec.end();
        self.records.push(rec);
        &self.records[idx]
    }

    /// Appends a replica of `rec` at its own offset (the slave's log mirrors the master's).
    pub fn append_replica(&mut self, rec: &Record) {
        debug_assert!(rec.offset >= self.written);
        self.push(rec.clone());
    }

    /// The end of what is in the file (`MappedFile.getReadPosition`): what readers
    /// (consume-queue dispatch, HA replication) and flushes see.
    pub fn readable_end(&self) -> u64 {
        if self.write_buffer {
            self.committed
        } else {
            self.written
        }
    }

    /// Bytes in the write buffer that are not in the file yet.
    pub fn uncommitted(&self) -> u64 {
        self.written - self.readable_end()
    }

    /// Bytes in the page cache that are not on disk yet.
    pub fn dirty(&self) -> u64 {
        self.readable_end() - self.flushed
    }

    /// `MappedFile.isAbleToFlush(leastPages)`.
    pub fn able_to_flush(&self, least_pages: u64) -> bool {
        pages_waiting(self.readable_end(), self.flushed, least_pages)
    }

    /// `MappedFile.isAbleToCommit(leastPages)`.
    pub fn able_to_commit(&self, least_pages: u64) -> bool {
        self.write_buffer && pages_waiting(self.written, self.committed, least_pages)
    }

    /// Sets the confirm limit; what the consume queues showed until now stays dispatched.
    pub fn set_confirm_limit(&mut self, limit: Option<u64>) {
        if limit != self.confirm_limit {
            self.reput_floor = self.dispatched_end();
            self.confirm_limit = limit;
        }
    }

    /// The end of what the consume queues hold (`ReputMessageService`'s position).
    pub fn dispatched_end(&self) -> u64 {
        if self.dispatch_to_flushed {
            self.flushed
        } else if let Some(confirm) = self.confirm_limit {
            confirm.max(self.reput_floor).min(self.readable_end())
        } else {
            self.readable_end()
        }
    }

    /// Truncates the log to `offset` (recovery after a power loss keeps only complete messages
    /// below it) and returns the records that were cut.
    pub fn truncate(&mut self, offset: u64) -> Vec<Record> {
        let keep = self.records.partition_point(|r| r.end() <= offset);
        let cut = self.records.split_off(keep);
        self.written = self.records.last().map_or(0, |r| r.end());
        self.flushed = self.flushed.min(self.written);
        self.committed = self.committed.min(self.written);
        self.reput_floor = self.reput_floor.min(self.written);
        for cq in self.cq_main.iter_mut().chain([&mut self.cq_retry, &mut self.cq_dlq]) {
            cq.retain(|&i| i < keep);
        }
        cut
    }

    /// The record whose copy is `copy`, if this store holds it.
    pub fn find(&self, copy: CopyId) -> Option<&Record> {
        self.records.iter().rev().find(|r| r.copy == copy)
    }

    /// Records in `[from, to)` by start offset.
    pub fn range(&self, from: u64, to: u64) -> &[Record] {
        let a = self.records.partition_point(|r| r.offset < from);
        let b = self.records.partition_point(|r| r.offset < to);
        &self.records[a..b]
    }

    /// The consume queue a consumer reads as `q`.
    pub fn consume_queue(&self, q: QueueKind) -> &[usize] {
        self.queue(q.topic(), q.queue_id())
    }

    /// Queue `queue_id` of a topic: the entries dispatched so far (only committed records).
    pub fn queue(&self, topic: Topic, queue_id: u8) -> &[usize] {
        let cq: &[usize] = match topic {
            Topic::Main => self.cq_main.get(queue_id as usize).map_or(&[], |q| q.as_slice()),
            Topic::Retry if queue_id == 0 => &self.cq_retry,
            Topic::Dlq if queue_id == 0 => &self.cq_dlq,
            _ => &[],
        };
        if self.confirm_limit.is_none() && !self.dispatch_to_flushed && (!self.write_buffer || self.committed >= self.written) {
            return cq;
        }
        let end = self.dispatched_end();
        &cq[..cq.partition_point(|&i| self.records[i].end() <= end)]
    }
}

/// `isAbleToFlush` / `isAbleToCommit`: with `least_pages` 0 anything waiting, else that many
/// 4 KiB page boundaries between `done` and `to`.
fn pages_waiting(to: u64, done: u64, least_pages: u64) -> bool {
    if least_pages == 0 {
        to > done
    } else {
        to / OS_PAGE_SIZE - done / OS_PAGE_SIZE >= least_pages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(copy: usize, size: u64) -> Record {
        Record {
            copy,
            msg: MsgId(copy as u32),
            topic: Topic::Main,
            queue_id: 0,
            offset: 0,
            size,
            reconsume_times: 0,
            appended_at: SimTime::ZERO,
        }
    }

    #[test]
    fn is_able_to_flush_counts_page_boundaries() {
        let mut s = Store::default();
        for i in 0..15 {
            s.append(rec(i, 1_000));
        }
        // 15000 bytes written: 3 page boundaries crossed, not 4.
        assert!(!s.able_to_flush(4));
        assert!(s.able_to_flush(0));
        s.append(rec(15, 2_000));
        assert!(s.able_to_flush(4));
    }

    #[test]
    fn power_loss_truncates_at_the_last_flush() {
        let mut s = Store::default();
        for i in 0..4 {
            s.append(rec(i, 100));
        }
        s.flushed = 250;
        let cut = s.truncate(s.flushed);
        assert_eq!(cut.len(), 2, "records ending after the flushed offset are gone");
        assert_eq!(s.written, 200);
        assert_eq!(s.cq_main[0].len(), 2);
    }
}
