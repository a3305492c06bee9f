//! The broker's side of controller mode (`shared/spec/rocketmq-5.md` §4):
//! `broker/.../controller/ReplicasManager` (role changes) and
//! `store/.../ha/autoswitch/AutoSwitchHAService` (SyncStateSet, confirm offset, truncation).
//!
//! - **Role change.** The elected broker becomes master (`changeToMaster`: `SYNC_MASTER`, whatever
//!   `brokerRole` says) when the controller's notification reaches it; every other live broker
//!   becomes its slave (`changeToSlave`) and reconnects its HA client. In the lab the master is a
//!   position: the promoted broker's node moves to it and the old master's node to the slave
//!   position the promoted one left (each keeps its `broker_id`).
//! - **SyncStateSet.** Every `checkSyncStateSetPeriod` (5 s, first 3 s after it becomes master)
//!   the master drops members with no HA connection, or not caught up for
//!   `haMaxTimeSlaveNotCatchup` (15 s), and reports the set to the controller
//!   (`maybeShrinkSyncStateSet`, `alterSyncStateSet`: nothing changes while the controller is
//!   away). A slave whose ack reaches the confirm offset within the current epoch joins again
//!   (`maybeExpandInSyncStateSet`). A slave is caught up when its ack reaches the master's max
//!   offset at the last transfer (`AutoSwitchHAConnection.maybeExpandInSyncStateSet`).
//! - **Put.** A SyncStateSet smaller than `minInSyncReplicas` answers `IN_SYNC_REPLICAS_NOT_ENOUGH`
//!   before appending; with `allAckInSyncStateSet` a put waits for every member's ack.
//! - **Confirm offset** (`computeConfirmOffset`): the least ack over the members' connections
//!   (the master's end when it is alone); while a member has no connection it stays where it was
//!   (apache/rocketmq#6662). With `allAckInSyncStateSet` and more than one member, consumers read
//!   only up to it (`CommitLog.getConfirmOffset`); slaves get it from the master.
//! - **Truncation on rejoin** (`AutoSwitchHAClient.doTruncate`, `EpochFileCache.findConsistentPoint`):
//!   a replica that comes back under a newer master epoch cuts its log to the end of the last
//!   epoch it shares with the master. What only it held is gone, from its own disk too. Every
//!   handshake does this: the consistent point is the lesser of the two ends of the newest
//!   epoch both files start at the same offset, so a slave ahead of its master cuts back to the
//!   master's end (controller mode has no "master behind its slave" of 4.x, spec §4b).
//! - **A master back before the controller noticed** (a power cut or a lost disk found only by
//!   the heartbeat timeout, `controllerHeartBeatTimeoutMills`, and a restart sooner): the fresh
//!   process registers, the controller still names it master (`registerBroker`: the master is
//!   alive while its last heartbeat is recent) with the same epoch, and `changeToMaster` runs
//!   its full path (`masterBrokerId` is null in a new process, so not the "last role was
//!   master" shortcut): `AutoSwitchHAService.changeToMaster` removes the epoch's entry and
//!   appends it again at `getMaxPhyOffset()` — the epoch now starts at the recovered end.
//!   `checkSyncStateSetAndDoReport` runs at once and finds no slave connected: the set shrinks
//!   to the master alone. A slave's next handshake finds the epoch's starts differ and falls
//!   back to the epoch before, cutting everything it held of this epoch (what the master kept
//!   it fetches again; what the master lost is gone); in the group's first epoch there is none
//!   before: no consistent point, the handshake fails every time and the slave replicates
//!   nothing from this master. (A lost disk takes the broker's `brokerIdentity` file too; the
//!   lab keeps the broker's id and models it as the same replica with an empty epoch file.)

use crate::vec_map::VecSet;

use super::controller::set_text;
use super::{Action, Sim};
use crate::event::{EventKind, NodeId, Topic};
use crate::scenario::FlushDiskType;
use crate::text::LossReason;
use crate::time::SimDuration;

/// `checkSyncStateSetPeriod` (`BrokerConfig`, 5 s; first run 3 s after the task starts).
pub(crate) const CHECK_SYNC_STATE_SET_PERIOD: SimDuration = SimDuration::from_ms(5_000);
const FIRST_SYNC_STATE_SET_CHECK: SimDuration = SimDuration::from_ms(3_000);

impl Sim {
    /// Controller mode: the SyncStateSet members the master counts (`inSyncReplicasNums`).
    pub(crate) fn sync_state_set_size(&self) -> u32 {
        self.ctrl.as_ref().map_or(1, |c| c.sync_state_set.len() as u32)
    }

    /// Starts the master's SyncStateSet check (controller mode).
    pub(crate) fn start_sync_state_set_check(&mut self) {
        if self.ctrl.is_some() {
            let epoch = self.master.epoch;
            self.schedule(FIRST_SYNC_STATE_SET_CHECK, Action::CheckSyncStateSet { epoch });
        }
    }

    /// `checkSyncStateSetAndDoReport`.
    pub(super) fn on_check_sync_state_set(&mut self, epoch: u32) {
        if self.master.epoch != epoch || !self.master.is_up() {
            return;
        }
        self.schedule(CHECK_SYNC_STATE_SET_PERIOD, Action::CheckSyncStateSet { epoch });
        let Some(c) = &self.ctrl else { return };
        if c.master != Some(self.master.broker_id) {
            return;
        }
        let limit = self.sc.broker.ha_max_time_slave_not_catchup;
        let now = self.now;
        let mut set = c.sync_state_set.clone();
        for s in &self.slaves {
            if !set.contains(&s.broker_id) {
                continue;
            }
            let connected = self.ha.conns.iter().any(|conn| conn.slave == s.id);
            let caught_up = self.caught_up_at.get(&s.broker_id).copied().unwrap_or(crate::time::SimTime::ZERO);
            if !connected || now.since(caught_up) > limit {
                set.remove(&s.broker_id);
            }
        }
        self.alter_sync_state_set(set, "shrunk");
    }

    /// The master's next SyncStateSet check will drop a member that has no connection (the
    /// controller is there to apply it): work a quiet-looking run still has, since it may free
    /// what waits above a frozen confirm offset (swarm seed 8126 of the 20,000-case run: the
    /// controller came back after the slave stopped, and the run ended before the check).
    pub(crate) fn sync_state_set_would_shrink(&self) -> bool {
        let Some(c) = &self.ctrl else { return false };
        c.up && self.master.is_up()
            && c.master == Some(self.master.broker_id)
            && c.sync_state_set.iter().any(|&b| b != self.master.broker_id && !self.ha.conns.iter().any(|conn| self.node(conn.slave).broker_id == b))
    }

    /// `alterSyncStateSet` through the controller: applied when it answers (nothing while it is
    /// away).
    fn alter_sync_state_set(&mut self, set: VecSet<u32>, how: &'static str) {
        let Some(c) = self.ctrl.as_mut() else { return };
        if set == c.sync_state_set || !c.up {
            return;
        }
        c.sync_state_set = set;
        let text = set_text(&c.sync_state_set);
        let epoch = c.epoch;
        self.emit(EventKind::SyncStateSetChanged { sync_state_set: text, epoch, how });
        self.update_confirm_offset();
    }

    /// A slave's ack reached the master (controller mode): caught-up time, maybe a new member,
    /// the confirm offset.
    pub(crate) fn replicas_on_ack(&mut self, slave: NodeId, ack: u64, last_master_max: Option<u64>, last_transfer: crate::time::SimTime) {
        if self.ctrl.is_none() {
            return;
        }
        let b = self.node(slave).broker_id;
        let max = self.master.store.written;
        // `lastMasterMaxOffset` is -1 before the first transfer: any ack reaches it.
        if last_master_max.is_none_or(|m| ack >= m) {
            let at = if ack == max { self.now } else { last_transfer };
            let e = self.caught_up_at.get_or_insert_with(b, || at);
            *e = (*e).max(at);
            // `maybeExpandInSyncStateSet`: caught up to the confirm offset, within this epoch.
            let c = self.ctrl.as_ref().expect("controller");
            let epoch_start = c.epoch_starts.last().map_or(0, |(_, s)| *s);
            if !c.sync_state_set.contains(&b) && ack >= self.confirm_offset && ack >= epoch_start {
                let mut set = c.sync_state_set.clone();
                set.insert(b);
                self.alter_sync_state_set(set, "grew");
            }
        }
        self.update_confirm_offset();
    }

    /// `computeConfirmOffset`, and what readers may see with `allAckInSyncStateSet`.
    pub(crate) fn update_confirm_offset(&mut self) {
        let Some(c) = &self.ctrl else { return };
        let members: Vec<u32> = c.sync_state_set.iter().copied().filter(|&b| b != self.master.broker_id).collect();
        let mut confirm = self.master.store.written;
        let mut frozen = false;
        for b in &members {
            let pos = self.position_of(*b);
            let acks: Vec<u64> = self.ha.conns.iter().filter(|conn| conn.slave == pos).map(|conn| conn.slave_ack_offset).collect();
            if acks.is_empty() {
                frozen = true; // apache/rocketmq#6662: keep the old value
            }
            for a in acks.into_iter().filter(|&a| a > 0) {
                confirm = confirm.min(a);
            }
        }
        if !frozen {
            self.confirm_offset = confirm;
        }
        let limited = self.sc.broker.all_ack_in_sync_state_set && !members.is_empty();
        let limit = limited.then_some(self.confirm_offset);
        let before = self.master.store.confirm_limit;
        self.master.store.set_confirm_limit(limit);
        for s in &mut self.slaves {
            s.store.set_confirm_limit(limit);
        }
        if before != limit {
            for q in 0..self.master.store.cq_main.len() {
                self.notify_dispatch(NodeId::Master, Topic::Main, q as u8);
            }
            for topic in [Topic::Retry, Topic::Dlq] {
                self.notify_dispatch(NodeId::Master, topic, 0);
            }
        }
    }

    /// `changeToMaster` of the broker `broker` for `epoch` (the controller's notification).
    pub(super) fn on_change_to_master(&mut self, broker: u32, epoch: u32) {
        let Some(c) = &self.ctrl else { return };
        if c.epoch != epoch || c.master != Some(broker) {
            return;
        }
        let pos = self.position_of(broker);
        let Some(i) = pos.slave_index() else {
            // Re-elected where it stands (it came back to a group left without a master).
            self.master.ha_epoch = epoch;
            self.emit(EventKind::RoleChanged { broker, node: NodeId::Master, epoch });
            return;
        };
        if !self.slaves[i].is_up() {
            return; // it died meanwhile; it learns its role when it is back
        }
        // The old master's node takes the promoted one's slave position.
        std::mem::swap(&mut self.master, &mut self.slaves[i]);
        self.master.id = NodeId::Master;
        self.slaves[i].id = pos;
        self.master.epoch += 1;
        self.slaves[i].epoch += 1;
        self.master.ha_epoch = epoch;
        self.master.flush_in_progress = None;
        self.master.started_at = self.now;
        self.puts.clear();
        self.close_all_connections("a new master was elected");
        self.ha.push2slave = 0;
        self.ha.slave_ahead_at = None;
        self.ha.master_recovered_to = self.master.store.written;
        self.ha.links[i] = Default::default();
        self.caught_up_at.clear();
        self.confirm_offset = self.master.store.written;
        self.emit(EventKind::RoleChanged { broker, node: NodeId::Master, epoch });
        let flush_epoch = self.master.epoch;
        match self.master.flush_disk_type {
            FlushDiskType::AsyncFlush => {
                self.schedule(self.sc.broker.flush_interval_commit_log, Action::FlushTick { node: NodeId::Master, epoch: flush_epoch })
            }
            FlushDiskType::SyncFlush => self.start_flush(NodeId::Master),
        }
        self.master_started_at = self.now;
        self.rearm_schedules();
        // `changeSpecialServiceStatus(true)` starts its `PopReviveService`
        // (`setPopReviveServiceStatus`): the checkpoints, replicated in the revive topic, are
        // revived here now; the client's acks and nacks that failed reach this master.
        self.rearm_revives();
        self.resend_pop_answers();
        self.start_sync_state_set_check();
        self.update_confirm_offset();
        // The old master, down, waits for its restart on its new position.
        let old = self.slaves[i].id;
        self.drop_held_pulls(old);
        if !self.slaves[i].is_up() {
            self.plan_restart(old);
        }
        // Every live slave follows the new master.
        for s in self.slave_ids().collect::<Vec<_>>() {
            if self.slave_up(s) {
                self.change_to_slave(s);
            }
        }
        // Consumers keep the old master's address until their route poll.
        if self.route == NodeId::Master {
            self.route = old;
        } else if self.route == old {
            self.route = NodeId::Master;
        }
        self.namesrv_master_gone_at = None;
        self.schedule_route_update(false);
        self.kick_consumer();
    }

    /// `changeToSlave` of the live slave `slave`: truncate to the point it shares with the
    /// master, then follow it.
    pub(crate) fn change_to_slave(&mut self, slave: NodeId) {
        let Some(c) = &self.ctrl else { return };
        let epoch = c.epoch;
        let n = self.node(slave);
        if n.ha_epoch < epoch {
            let point = c.epoch_end(n.ha_epoch).unwrap_or(u64::MAX).min(n.store.written);
            self.truncate_to_consistent_point(slave, point, epoch);
        }
        self.node_mut(slave).ha_epoch = epoch;
        if let Some(id) = self.ha.link(slave).client_conn {
            self.close_connection(id, "the slave follows the new master");
        }
        self.start_ha_client(slave);
        self.start_slave_synchronize(slave);
    }

    /// `doTruncate`: cut `slave`'s log at `point`; the copies only it held are lost.
    fn truncate_to_consistent_point(&mut self, slave: NodeId, point: u64, epoch: u32) {
        let why = LossReason::TruncatedOnRejoin { node: slave, at: self.now, epoch };
        self.truncate_with(slave, point, epoch, why);
    }

    /// Cuts `slave`'s log at `point`, following `epoch`; the copies only it held are lost `why`.
    fn truncate_with(&mut self, slave: NodeId, point: u64, epoch: u32, why: LossReason) {
        let written = self.node(slave).store.written;
        if point >= written {
            return;
        }
        let n = self.node_mut(slave);
        let cut = n.store.truncate(point);
        // A flush running over the cut bytes ends at the cut: what is written there later (the
        // master's bytes, sent again) was not part of it.
        n.flush_in_progress = n.flush_in_progress.map(|to| to.min(point));
        let broker = n.broker_id;
        self.emit(EventKind::LogTruncated { node: slave, broker, to: point, cut: written - point, epoch });
        for r in cut {
            if self.master.store.find(r.copy).is_some() || r.topic == Topic::Schedule {
                continue;
            }
            self.copy_gone(r.copy, slave, why.clone());
        }
    }

    /// The master restarted while the controller still names it master (module doc): the
    /// epoch's start is rewritten to its recovered end and the SyncStateSet shrinks to it.
    fn restart_in_place(&mut self) {
        let (broker, end) = (self.master.broker_id, self.master.store.written);
        let Some(c) = self.ctrl.as_mut() else { return };
        if !c.up || c.master != Some(broker) {
            return;
        }
        let epoch = c.epoch;
        let Some(last) = c.epoch_starts.last_mut().filter(|(e, _)| *e == epoch) else { return };
        let from = last.1;
        if from != end {
            last.1 = end;
            // Every slave that holds data of this epoch has an entry for it, at the start it
            // learned (the old one, or an earlier rewrite's).
            let mut pending = c.rewrite.take().map(|r| r.pending).unwrap_or_default();
            for s in &self.slaves {
                if s.ha_epoch == epoch && !c.stuck.contains(&s.broker_id) {
                    pending.get_or_insert_with(s.broker_id, || from);
                }
            }
            c.rewrite = Some(super::controller::Rewrite { broker, epoch, pending });
            self.emit(EventKind::EpochStartRewritten { broker, epoch, from, to: end });
        }
        self.alter_sync_state_set([broker].into_iter().collect(), "shrunk");
    }

    /// `AutoSwitchHAClient.doTruncate` at `slave`'s handshake (controller mode): cut its log to
    /// the consistent point with the master's epoch file. False when there is none: the
    /// handshake fails and the slave replicates nothing from this master.
    pub(crate) fn replicas_on_handshake(&mut self, slave: NodeId) -> bool {
        let Some(c) = &self.ctrl else { return true };
        let n = self.node(slave);
        let b = n.broker_id;
        if c.stuck.contains(&b) {
            return false;
        }
        let epoch = c.epoch;
        let master_end = self.master.store.written;
        let now = self.now;
        let pending = c.rewrite.as_ref().and_then(|r| r.pending.get(&b).map(|&start| (r.epoch, start)));
        let (point, why) = match pending {
            // Its entry for the rewritten epoch starts elsewhere: the epoch before decides.
            Some((e, start)) => match c.epoch_starts.iter().position(|(x, _)| *x == e) {
                Some(i) if i > 0 => {
                    let point = start.min(c.epoch_starts[i].1);
                    (point, LossReason::MasterRestartedInPlace { node: slave, at: now, epoch: e, truncated: true })
                }
                _ => {
                    let ctrl = self.ctrl.as_mut().expect("controller");
                    ctrl.stuck.insert(b);
                    if let Some(r) = ctrl.rewrite.as_mut() {
                        r.pending.remove(&b);
                    }
                    self.emit(EventKind::NoConsistentPoint { node: slave, broker: b, epoch: e });
                    self.stuck_slave_copies_unread(slave, e);
                    return false;
                }
            },
            // An older epoch: the end of its last epoch in the master's file.
            None if n.ha_epoch < epoch => {
                (c.epoch_end(n.ha_epoch).unwrap_or(master_end), LossReason::TruncatedOnRejoin { node: slave, at: now, epoch })
            }
            // The same epoch: the master's end (it lost what lies beyond in a restart in place).
            // When that restart left the epoch's start where it was, the master may have written
            // new messages over the offsets the slave still holds: RocketMQ keeps those stale
            // bytes (only the epoch starts are compared); the lab cuts them too, at the first
            // record that differs from the master's.
            None => {
                let from = self.ha.master_recovered_to;
                let diverged = n.store.records.iter().filter(|r| r.offset >= from && r.offset < master_end).find(|r| {
                    self.master.store.range(r.offset, r.offset + 1).first().is_none_or(|m| m.copy != r.copy)
                });
                let point = diverged.map_or(master_end, |r| r.offset);
                (point, LossReason::MasterRestartedInPlace { node: slave, at: now, epoch, truncated: true })
            }
        };
        if let Some(r) = self.ctrl.as_mut().expect("controller").rewrite.as_mut() {
            r.pending.remove(&b);
        }
        let point = point.min(self.node(slave).store.written);
        self.truncate_with(slave, point, epoch, why);
        self.node_mut(slave).ha_epoch = epoch;
        true
    }

    /// A slave that finds no consistent point keeps its log, but nothing reads it while the
    /// master serves: the copies only it holds are lost to consumers.
    fn stuck_slave_copies_unread(&mut self, slave: NodeId, epoch: u32) {
        let on_master = self.copies_on(&self.master.store);
        let orphans: Vec<usize> = self
            .node(slave)
            .store
            .records
            .iter()
            .filter(|r| !on_master[r.copy] && r.topic != Topic::Schedule && !self.copies[r.copy].handled)
            .map(|r| r.copy)
            .collect();
        let now = self.now;
        for copy in orphans {
            self.copy_gone(copy, slave, LossReason::MasterRestartedInPlace { node: slave, at: now, epoch, truncated: false });
        }
    }

    /// A broker restarted in controller mode: it registers; a slave position follows the
    /// current master (truncating first), and with no master it asks to be elected.
    pub(crate) fn replicas_on_restart(&mut self, node: NodeId) {
        if self.ctrl.is_none() {
            return;
        }
        if node != NodeId::Master {
            let master_alive = self.master.is_up();
            if master_alive {
                // `changeToSlave` replaces the plain HA client start of a restart.
                let c = self.ctrl.as_ref().expect("controller");
                let epoch = c.epoch;
                let n = self.node(node);
                if n.ha_epoch < epoch {
                    let point = c.epoch_end(n.ha_epoch).unwrap_or(u64::MAX).min(n.store.written);
                    self.truncate_to_consistent_point(node, point, epoch);
                    self.node_mut(node).ha_epoch = epoch;
                }
            }
        } else {
            self.restart_in_place();
            self.start_sync_state_set_check();
        }
        self.controller_sees_broker_register();
    }
}
