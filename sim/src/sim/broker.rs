//! The master's put path and both brokers' flush services (spec §2).
//!
//! A put appends to the page cache at once, then waits on two parts: the flush
//! (`SYNC_FLUSH`: group commit up to `syncFlushTimeout`, else `FLUSH_DISK_TIMEOUT`) and the
//! replica (`SYNC_MASTER`: the slave's ack up to `slaveTimeout`, else `FLUSH_SLAVE_TIMEOUT`;
//! `SLAVE_NOT_AVAILABLE` at once when `isSlaveOK` fails). A replica failure overrides a flush
//! failure. `ASYNC_FLUSH`'s `FlushRealTimeService` sleeps `flushIntervalCommitLog`, then flushes
//! if `flushCommitLogLeastPages` page boundaries are dirty, or anything at all once
//! `flushCommitLogThoroughInterval` has passed. A flush makes everything written so far durable.

use super::{Action, CopyInfo, PendingPut, Reply, Sim, MAX_PENDING_PUTS};
use crate::broker::store::{CopyId, Record};
use crate::event::{EventKind, MsgId, NodeId, SendError, SendStatus, Topic};
use crate::rocketmq_version::{SlaveWaitTimeout, TransferDeadline};
use crate::scenario::{BrokerRole, FlushDiskType};
use crate::time::{SimDuration, SimTime};

/// `MixAll.ALL_ACK_IN_SYNC_STATE_SET` (-1): the put waits for every SyncStateSet member.
pub(crate) const ALL_ACK_IN_SYNC_STATE_SET: u32 = u32::MAX;

impl Sim {
    /// Stored size of a message (`CommitLog.calMsgLength`, 4.9.8): 91 bytes of fixed fields and
    /// length prefixes, the topic name, the body and the properties string; `rc` is the copy's
    /// `reconsumeTimes`, which decides a retry's delay level.
    pub(crate) fn stored_size(&self, topic: Topic, rc: u32) -> u64 {
        91 + topic.label().len() as u64 + self.sc.producer.body_size as u64 + self.properties_size(topic, rc)
    }

    /// Length of the stored properties string (`MessageDecoder.messageProperties2String`: each
    /// `name` 0x01 `value` 0x02, the last separator dropped). A plain send keeps `UNIQ_KEY` (32 hex
    /// characters) and the broker's `CLUSTER` (`DefaultCluster`): 64 bytes; 4.9.8's
    /// `asyncSendMessage` removes `WAIT=true` before storing. `consumerSendMsgBack` adds
    /// `RETRY_TOPIC`, `WAIT=false`, `DELAY` and `ORIGIN_MESSAGE_ID`; a delayed put adds `REAL_TOPIC`
    /// and `REAL_QID`, which the `%RETRY%` copy the schedule service writes keeps (it reuses the
    /// schedule copy's string). A DLQ copy carries `DELAY=0`, and `REAL_*` when it came from a retry.
    pub(crate) fn properties_size(&self, topic: Topic, rc: u32) -> u64 {
        let digits = |n: u64| n.to_string().len();
        let levels = self.sc.broker.message_delay_level.len() as u64;
        let real_topic = "%RETRY%".len() + self.sc.consumer.group.len();
        let mut props: Vec<(&str, usize)> = vec![("UNIQ_KEY", 32), ("CLUSTER", "DefaultCluster".len())];
        let back = |props: &mut Vec<(&str, usize)>, delay: usize| {
            props.extend([("RETRY_TOPIC", Topic::Main.label().len()), ("WAIT", "false".len()), ("DELAY", delay), ("ORIGIN_MESSAGE_ID", 32)]);
        };
        match topic {
            Topic::Main => {}
            Topic::Schedule | Topic::Retry => {
                // Scheduled with `reconsumeTimes` rc - 1: level 3 + (rc - 1), clamped to the table.
                back(&mut props, digits((2 + rc as u64).min(levels)));
                props.extend([("REAL_TOPIC", real_topic), ("REAL_QID", 1)]);
            }
            Topic::Dlq => {
                back(&mut props, 1);
                if rc >= 2 {
                    props.extend([("REAL_TOPIC", real_topic), ("REAL_QID", 1)]);
                }
            }
        }
        props.iter().map(|(name, value)| (name.len() + value + 2) as u64).sum::<u64>() - 1
    }

    /// Appends a new copy of `msg` to the master and dispatches it; returns its copy id.
    /// `queue_id`: the queue of `topic` it is dispatched to (0 for the one-queue topics).
    pub(crate) fn master_append(&mut self, msg: MsgId, topic: Topic, queue_id: u8, rc: u32, attempt: Option<u32>) -> CopyId {
        let copy = self.copies.len();
        self.copies.push(CopyInfo {
            msg,
            topic,
            queue_id,
            reconsume_times: rc,
            appended_at: self.now,
            handled: false,
            attempt,
            answered: None,
            due_at: None,
        });
        let size = self.stored_size(topic, rc);
        let rec = self.master.store.append(Record {
            copy,
            msg,
            topic,
            queue_id,
            offset: 0,
            size,
            reconsume_times: rc,
            appended_at: self.now,
        });
        let offset = rec.offset;
        self.emit(EventKind::Appended { node: NodeId::Master, msg, topic, queue_id, offset, size, reconsume_times: rc });
        let rec = self.ledger.get_mut(msg);
        rec.appended_at.get_or_insert(self.now);
        if self.master.flush_disk_type == FlushDiskType::SyncFlush {
            self.start_flush(NodeId::Master);
        }
        if self.master.store.write_buffer {
            // `submitFlushRequest` wakes CommitRealTimeService; readers wait for the commit.
            self.commit_turn(true);
        } else if !self.master.store.dispatch_to_flushed {
            // (5.3.x SYNC_FLUSH dispatches when the flush ends: `on_flush_done`.)
            self.notify_dispatch(NodeId::Master, topic, queue_id);
        }
        copy
    }

    pub(super) fn on_request_arrive(&mut self, msg: MsgId, attempt: u32, queue: u8, epoch: u32) {
        if !self.master.is_up() || self.master.epoch != epoch {
            self.emit(EventKind::RequestLost { msg, attempt, why: "the master went down before it arrived" });
            return;
        }
        if self.puts.len() >= MAX_PENDING_PUTS {
            self.emit(EventKind::PutRefused { msg, attempt });
            self.answer_put(msg, attempt, Err(SendError::BrokerBusy));
            return;
        }
        let need_ack = match self.need_ack_nums() {
            Ok(need) => need,
            Err((in_sync, need_ack_nums)) => {
                // `asyncPutMessage` refuses before it appends: nothing is stored.
                self.emit(EventKind::InSyncReplicasNotEnough { msg, attempt, in_sync, need_ack_nums });
                self.in_sync_refusals += 1;
                self.answer_put(msg, attempt, Err(SendError::SystemError));
                return;
            }
        };
        let copy = self.master_append(msg, Topic::Main, queue, 0, Some(attempt));
        self.hold_put(copy, Reply::Producer { msg, attempt }, need_ack);
    }

    /// 5.x `needAckNums` of a put arriving now (spec 5 §2–§3): `inSyncReplicas`; with
    /// `enableSlaveActingMaster` on a `SYNC_MASTER`, first the in-sync count = min(alive replicas,
    /// `inSyncReplicasNums`), `calcNeedAckNums` (with `enableAutoInSyncReplicas`:
    /// max(min(`inSyncReplicas`, in-sync), `minInSyncReplicas`)), and `Err((in_sync, need))`
    /// when more are needed than are in sync: `IN_SYNC_REPLICAS_NOT_ENOUGH`. 4.x: unused (0).
    pub(crate) fn need_ack_nums(&self) -> Result<u32, (u32, u32)> {
        let (b, rules) = (&self.sc.broker, self.rules());
        if !rules.quorum_write {
            return Ok(0);
        }
        if self.sc.controller_mode() {
            // Controller mode (spec 5 §4): the master is a `SYNC_MASTER`; a SyncStateSet smaller
            // than `minInSyncReplicas` refuses, `allAckInSyncStateSet` waits for every member.
            let in_sync = self.sync_state_set_size();
            if in_sync < b.min_in_sync_replicas {
                return Err((in_sync, b.min_in_sync_replicas));
            }
            return Ok(if b.all_ack_in_sync_state_set { ALL_ACK_IN_SYNC_STATE_SET } else { b.in_sync_replicas });
        }
        if !(rules.slave_acting_master && b.enable_slave_acting_master && b.broker_role == BrokerRole::SyncMaster) {
            return Ok(b.in_sync_replicas);
        }
        let in_sync = self.alive_replicas().min(self.in_sync_replicas_nums(self.master.store.written));
        let mut need = b.in_sync_replicas;
        if b.enable_auto_in_sync_replicas {
            need = need.min(in_sync).max(b.min_in_sync_replicas);
        }
        if need > in_sync {
            return Err((in_sync, need));
        }
        Ok(need)
    }

    /// `DefaultHAService.inSyncReplicasNums`: the master plus every HA connection whose slave
    /// acknowledged to within `haMaxGapNotInSync` of `master_put_where`.
    pub(crate) fn in_sync_replicas_nums(&self, master_put_where: u64) -> u32 {
        let gap = self.sc.broker.ha_slave_fallbehind_max_bytes;
        1 + self.ha.conns.iter().filter(|c| master_put_where.saturating_sub(c.slave_ack_offset) < gap).count() as u32
    }

    /// `getAliveReplicaNumInGroup`: the brokers of the group the name server lists, the master
    /// included. A slave stopped or killed unregisters at once (its channel closes); a slave
    /// whose machine went silent stays listed (for the name server's 120 s), so then the HA
    /// connection count decides. (RocketMQ refreshes it every 1 s, `syncBrokerMemberGroup`; the
    /// lab reads it at once.)
    fn alive_replicas(&self) -> u32 {
        use super::NodeState::{ProcessDown, Stopped};
        1 + self.slaves.iter().filter(|s| !matches!(s.state, ProcessDown | Stopped)).count() as u32
    }

    /// How long a `SYNC_MASTER` send waits for its slave: `slaveTimeout` (4.9.3+) or
    /// `syncFlushTimeout` (4.7.0).
    pub(crate) fn slave_wait_timeout(&self) -> SimDuration {
        match self.rules().slave_wait_timeout {
            SlaveWaitTimeout::SlaveTimeout => self.sc.broker.slave_timeout,
            SlaveWaitTimeout::SyncFlushTimeout => self.sc.broker.sync_flush_timeout,
        }
    }

    /// Holds the put of `copy` (just appended) until its flush and replica parts complete.
    pub(crate) fn hold_put(&mut self, copy: CopyId, reply: Reply, need_ack: u32) {
        let rules = self.rules();
        let next_offset = self.master.store.written;
        let flush = match self.sc.broker.flush_disk_type {
            FlushDiskType::AsyncFlush => Some(None),
            FlushDiskType::SyncFlush if self.master.store.flushed >= next_offset => Some(None),
            FlushDiskType::SyncFlush => None,
        };
        let role = if self.sc.controller_mode() { BrokerRole::SyncMaster } else { self.sc.broker.broker_role };
        let replica = match role {
            BrokerRole::AsyncMaster => Some(None),
            // `allAckInSyncStateSet` with the master alone in the set: done at the service's
            // first look.
            BrokerRole::SyncMaster if need_ack == ALL_ACK_IN_SYNC_STATE_SET && self.sync_state_set_size() <= 1 => Some(None),
            // 5.x `handleHA`: `needAckNums` ≤ 1 answers PUT_OK at once and wakes no push thread.
            BrokerRole::SyncMaster if rules.quorum_write && need_ack <= 1 => Some(None),
            BrokerRole::SyncMaster if rules.checks_slave_ok && !self.is_slave_ok(next_offset) => {
                Some(Some(SendStatus::SlaveNotAvailable))
            }
            BrokerRole::SyncMaster if !rules.quorum_write && self.ha.push2slave >= next_offset => Some(None),
            BrokerRole::SyncMaster => None,
        };
        let put = self.next_put;
        self.next_put += 1;
        if let (Some(flush), Some(replica)) = (flush, replica) {
            // Both parts done already (`ASYNC_FLUSH` + `ASYNC_MASTER`): answer without queueing.
            self.complete_put(copy, reply, flush, replica);
            return;
        }
        if flush.is_none() && rules.flush_disk_watcher {
            self.schedule(self.sc.broker.sync_flush_timeout, Action::FlushDeadline { put });
        }
        let slave_deadline = (replica.is_none() && rules.transfer_deadline == TransferDeadline::RequestCreated)
            .then(|| self.now + self.slave_wait_timeout());
        let created = self.now;
        self.puts.insert(put, PendingPut { reply, copy, next_offset, flush, replica, slave_deadline, created, need_ack });
        if replica.is_none() {
            // `submitReplicaRequest`: queue the request and wake the HA push threads.
            self.wake_all_push();
            self.submit_replica_request();
        }
        self.try_complete(put);
    }

    /// `HAService.isSlaveOK`: a slave connection exists and it is less than
    /// `haSlaveFallbehindMax` behind.
    pub(crate) fn is_slave_ok(&self, master_put_where: u64) -> bool {
        self.ha.connected
            && master_put_where.saturating_sub(self.ha.push2slave) < self.sc.broker.ha_slave_fallbehind_max_bytes
    }

    /// Answers a put once both its parts are done; the replica status wins over the flush's.
    pub(crate) fn try_complete(&mut self, put: u64) {
        let Some(p) = self.puts.get(&put) else { return };
        let (Some(flush), Some(replica)) = (p.flush, p.replica) else { return };
        let p = self.puts.remove(&put).expect("present");
        self.complete_put(p.copy, p.reply, flush, replica);
    }

    /// Answers the put of `copy` whose flush and replica parts ended with these statuses.
    fn complete_put(&mut self, copy: CopyId, reply: Reply, flush: Option<SendStatus>, replica: Option<SendStatus>) {
        let status = replica.or(flush).unwrap_or(SendStatus::SendOk);
        let Reply::Producer { msg, attempt } = reply;
        self.copies[copy].answered = Some(status);
        self.answer_put(msg, attempt, Ok(status));
    }

    /// `FlushDiskWatcher`: a `SYNC_FLUSH` request past `syncFlushTimeout`.
    pub(super) fn on_flush_deadline(&mut self, put: u64) {
        let Some(p) = self.puts.get_mut(&put) else { return };
        if p.flush.is_some() {
            return;
        }
        p.flush = Some(Some(SendStatus::FlushDiskTimeout));
        self.try_complete(put);
    }

    /// Completes the puts whose flush part is satisfied by the new flushed offset.
    pub(crate) fn complete_flushed_puts(&mut self, flushed: u64) {
        // Without `FlushDiskWatcher` (4.7.0) `wakeupCustomer` reports a flush later than
        // `syncFlushTimeout` as a failure, which the put answers `FLUSH_DISK_TIMEOUT`.
        let late_after = (!self.rules().flush_disk_watcher).then_some(self.sc.broker.sync_flush_timeout);
        let now = self.now;
        let ready: Vec<u64> = self
            .puts
            .iter_mut()
            .filter_map(|(&id, p)| {
                let done = p.flush.is_none() && flushed >= p.next_offset;
                if done {
                    let late = late_after.is_some_and(|t| now.since(p.created) > t);
                    p.flush = Some(late.then_some(SendStatus::FlushDiskTimeout));
                }
                done.then_some(id)
            })
            .collect();
        for id in ready {
            self.try_complete(id);
        }
    }

    /// How long one flush of `bytes` takes on `node`'s disk right now.
    fn flush_cost(&mut self, node: NodeId, bytes: u64) -> SimDuration {
        let d = &self.sc.disk;
        let base = self.disk_rng.between(d.flush_latency_min.as_us(), d.flush_latency_max.as_us());
        let per_byte = bytes.saturating_mul(1_000) / d.flush_bytes_per_ms.max(1);
        SimDuration(base + per_byte).saturating_mul(self.node(node).slow_factor as u64)
    }

    /// Starts a flush of everything written, unless one is running.
    pub(crate) fn start_flush(&mut self, node: NodeId) {
        let n = self.node(node);
        if !n.is_up() || n.flush_in_progress.is_some() || n.store.dirty() == 0 {
            return;
        }
        let (from, to) = (n.store.flushed, n.store.readable_end());
        let cost = self.flush_cost(node, to - from);
        let now = self.now;
        let n = self.node_mut(node);
        let begin = match n.stalled_until {
            Some(u) if u > now => u,
            _ => now,
        };
        n.flush_in_progress = Some(to);
        n.flush_gen += 1;
        let (epoch, gen) = (n.epoch, n.flush_gen);
        if begin == SimTime::MAX {
            // Stalled for the rest of the run: this flush never completes.
            n.flush_done_at = SimTime::MAX;
            self.emit(EventKind::FlushStarted { node, from, to, done_at: SimTime::MAX });
            return;
        }
        let done_at = begin + cost;
        n.flush_done_at = done_at;
        self.emit(EventKind::FlushStarted { node, from, to, done_at });
        self.schedule_at(done_at, Action::FlushDone { node, epoch, gen, to });
    }

    pub(super) fn on_flush_tick(&mut self, node: NodeId, epoch: u32) {
        let n = self.node(node);
        if n.epoch != epoch || !n.is_up() {
            return;
        }
        if n.flush_in_progress.is_some() {
            return; // the service is inside flush(); FlushDone schedules the next sleep
        }
        let thorough = self.sc.broker.flush_commit_log_thorough_interval;
        let mut least = self.sc.broker.flush_commit_log_least_pages;
        let now = self.now;
        let n = self.node_mut(node);
        // `lastFlushTimestamp` starts at 0 (epoch), so the first turn after a start is thorough.
        if n.last_thorough.is_none_or(|t| now >= t + thorough) {
            n.last_thorough = Some(now);
            least = 0;
        }
        if n.store.able_to_flush(least) {
            self.start_flush(node);
        } else {
            self.schedule(self.sc.broker.flush_interval_commit_log, Action::FlushTick { node, epoch });
        }
    }

    pub(super) fn on_flush_done(&mut self, node: NodeId, epoch: u32, gen: u32, to: u64) {
        let n = self.node_mut(node);
        if n.epoch != epoch || n.flush_gen != gen || !n.is_up() {
            return;
        }
        // A truncation while the flush ran lowered its end (`truncate_with`).
        let to = n.flush_in_progress.take().map_or(to, |end| end.min(to));
        let old = n.store.flushed;
        n.store.flushed = n.store.flushed.max(to);
        let flushed = n.store.flushed;
        let msgs: Vec<MsgId> = n.store.range(old, flushed).iter().filter(|r| r.end() <= flushed).map(|r| r.msg).collect();
        let now = self.now;
        for m in msgs {
            let rec = self.ledger.get_mut(m);
            let slot = match node {
                NodeId::Master => &mut rec.master_flushed_at,
                NodeId::Slave | NodeId::Slave2 => &mut rec.slave_flushed_at,
            };
            slot.get_or_insert(now);
        }
        self.emit(EventKind::Flushed { node, offset: flushed });
        if self.node(node).store.dispatch_to_flushed {
            // 5.3.x SYNC_FLUSH: `ReputMessageService` dispatches up to the flushed offset.
            let queues: crate::vec_map::VecSet<(Topic, u8)> =
                self.node(node).store.range(old, flushed).iter().map(|r| (r.topic, r.queue_id)).collect();
            for (topic, queue_id) in queues {
                self.notify_dispatch(node, topic, queue_id);
            }
        }
        if node == NodeId::Master {
            self.complete_flushed_puts(flushed);
        }
        match self.node(node).flush_disk_type {
            FlushDiskType::SyncFlush => self.start_flush(node),
            FlushDiskType::AsyncFlush => {
                self.schedule(self.sc.broker.flush_interval_commit_log, Action::FlushTick { node, epoch })
            }
        }
    }
}
