//! Faults and their inverses (spec §4): what each does to page cache, disk, connections and
//! routes, and what a restart recovers.
//!
//! Routes follow the name server (client spec §10–§11): a broker whose process dies is removed
//! at once (its channel closes); a machine that goes dark is removed by the 10 s scan once its
//! last 30 s registration is 120 s old. Clients see either only at their next 30 s route poll.

use super::{Action, NodeState, Sim};
use crate::event::{CrashKind, EventKind, NodeId, Topic};
use crate::text::LossReason;
use crate::scenario::{FaultKind, FaultTarget, FlushDiskType};
use crate::time::{SimDuration, SimTime};

const ROUTE_POLL: SimDuration = SimDuration::from_ms(30_000);
const REGISTER_PERIOD: SimDuration = SimDuration::from_ms(30_000);
const NAMESRV_EXPIRY: SimDuration = SimDuration::from_ms(120_000);
const NAMESRV_SCAN: SimDuration = SimDuration::from_ms(10_000);

impl Sim {
    pub(super) fn on_fault_start(&mut self, i: usize) {
        let f = self.faults[i].clone();
        let until = f.duration.map(|d| self.now + d);
        if f.target == FaultTarget::Slave && self.slave.is_none() {
            return; // validated away for scenario files; an injected one is a no-op
        }
        self.emit(EventKind::FaultInjected { kind: f.kind, target: f.target, until });
        match (f.kind, f.target) {
            (FaultKind::ProcessCrash | FaultKind::PowerLoss | FaultKind::DiskLost, t) => {
                let node = if t == FaultTarget::Slave { NodeId::Slave } else { NodeId::Master };
                let how = match f.kind {
                    FaultKind::ProcessCrash => CrashKind::ProcessCrash,
                    FaultKind::PowerLoss => CrashKind::PowerLoss,
                    _ => CrashKind::DiskLost,
                };
                self.crash(node, how, until);
            }
            (FaultKind::SlaveDown, _) => self.crash(NodeId::Slave, CrashKind::CleanStop, None),
            (FaultKind::SlaveUp, _) => self.restart(NodeId::Slave),
            (FaultKind::DiskSlow, t) => {
                let node = if t == FaultTarget::Slave { NodeId::Slave } else { NodeId::Master };
                self.node_mut(node).slow_factor = f.factor.max(1);
            }
            (FaultKind::DiskStall, t) => {
                let node = if t == FaultTarget::Slave { NodeId::Slave } else { NodeId::Master };
                self.stall(node, until.unwrap_or(SimTime::MAX));
            }
            (FaultKind::NetworkPartition, FaultTarget::Producer) => {
                self.producer_link_down_until = Some(until.unwrap_or(SimTime::MAX));
            }
            (FaultKind::NetworkPartition, _) => {
                self.ha.link_down_until = Some(until.unwrap_or(SimTime::MAX));
                self.slave_went_silent();
            }
            (FaultKind::ConsumerCrash, _) => self.crash_consumer(until),
        }
        let restarts = matches!(f.kind, FaultKind::ProcessCrash | FaultKind::PowerLoss | FaultKind::DiskLost);
        if let Some(u) = until {
            if !restarts {
                self.schedule_at(u, Action::FaultEnd(i));
            }
        }
    }

    pub(super) fn on_fault_end(&mut self, i: usize) {
        let f = self.faults[i].clone();
        match (f.kind, f.target) {
            (FaultKind::DiskSlow, t) => {
                let node = if t == FaultTarget::Slave { NodeId::Slave } else { NodeId::Master };
                self.node_mut(node).slow_factor = 1;
            }
            (FaultKind::DiskStall, _) => {}
            (FaultKind::NetworkPartition, FaultTarget::Producer)
                if self.producer_link_down_until.is_some_and(|u| u <= self.now) =>
            {
                self.producer_link_down_until = None;
            }
            (FaultKind::NetworkPartition, FaultTarget::Slave) if self.ha.link_down_until.is_some_and(|u| u <= self.now) => {
                {
                    self.ha.link_down_until = None;
                    // TCP delivers what was held: the slave reports and the master pushes again.
                    if let Some(id) = self.ha.client_conn {
                        self.report_slave_offset();
                        self.wake_push(id);
                    } else if self.slave_up() {
                        self.schedule_reconnect();
                    }
                }
            }
            _ => {}
        }
        self.emit(EventKind::FaultEnded { kind: f.kind, target: f.target });
    }

    fn stall(&mut self, node: NodeId, until: SimTime) {
        let now = self.now;
        let n = self.node_mut(node);
        n.stalled_until = Some(until);
        if let (Some(to), true) = (n.flush_in_progress, n.flush_done_at > now) {
            // The flush in progress finishes only after the stall, with its remaining time.
            let remaining = n.flush_done_at.since(now);
            n.flush_gen += 1;
            let (epoch, gen) = (n.epoch, n.flush_gen);
            if until == SimTime::MAX {
                n.flush_done_at = SimTime::MAX;
            } else {
                n.flush_done_at = until + remaining;
                let at = n.flush_done_at;
                self.schedule_at(at, super::Action::FlushDone { node, epoch, gen, to });
            }
        }
    }

    /// A broker goes down; `until` is when it restarts (never, if None).
    fn crash(&mut self, node: NodeId, how: CrashKind, until: Option<SimTime>) {
        if !self.node(node).is_up() {
            return;
        }
        let now = self.now;
        let (written, flushed) = (self.node(node).store.written, self.node(node).store.flushed);
        self.emit(EventKind::BrokerDown { node, how, written, flushed });
        let n = self.node_mut(node);
        n.epoch += 1;
        n.flush_in_progress = None;
        n.restart_at = until;
        n.state = match how {
            CrashKind::ProcessCrash => NodeState::ProcessDown,
            CrashKind::CleanStop => NodeState::Stopped,
            CrashKind::PowerLoss | CrashKind::DiskLost => NodeState::MachineDown,
        };
        let uncommitted = n.store.uncommitted();
        let cut = match how {
            // The off-heap write buffer dies with the JVM (§2c); the OS writes the page cache back.
            CrashKind::ProcessCrash => {
                let committed = n.store.readable_end();
                let cut = n.store.truncate(committed);
                n.store.flushed = n.store.written;
                cut
            }
            // A clean stop commits and flushes everything.
            CrashKind::CleanStop => {
                n.store.committed = n.store.written;
                n.store.flushed = n.store.written;
                Vec::new()
            }
            CrashKind::PowerLoss => {
                let f = n.store.flushed;
                n.store.truncate(f)
            }
            CrashKind::DiskLost => {
                n.offsets.clear();
                n.store.truncate(0)
            }
        };
        let after = self.node(node).store.written;
        self.node_mut(node).truncated_by_crash = written - after;
        for r in cut {
            // A slave copy the master still holds is no loss to any reader.
            if node == NodeId::Slave && self.master.store.find(r.copy).is_some() {
                continue;
            }
            let why = match how {
                CrashKind::PowerLoss => LossReason::PageCacheLost { node, at: now, behind: written - flushed },
                CrashKind::ProcessCrash => LossReason::WriteBufferLost { node, at: now, uncommitted },
                _ => LossReason::DiskLost { node, at: now },
            };
            self.copy_gone(r.copy, node, why);
        }
        if node == NodeId::Master {
            self.puts.clear();
            let silent = matches!(how, CrashKind::PowerLoss | CrashKind::DiskLost);
            self.close_all_connections(if silent { "the master went down" } else { "the master process closed the connection" });
            if self.slave_up() {
                self.schedule_reconnect();
            }
            self.drop_held_pulls(NodeId::Master);
            self.schedule_route_update(silent);
        } else {
            self.drop_held_pulls(NodeId::Slave);
            match (how, self.ha.client_conn) {
                // The machine went dark: its connections linger on the master until housekeeping.
                (CrashKind::PowerLoss | CrashKind::DiskLost, _) => {
                    self.slave_went_silent();
                    self.ha.client_conn = None;
                }
                (_, Some(id)) => self.close_connection(id, "the slave closed the connection"),
                (_, None) => {}
            }
        }
        if let Some(u) = until {
            let epoch = self.node(node).epoch;
            self.schedule_at(u, Action::Restart { node, epoch });
        }
    }

    pub(super) fn on_restart(&mut self, node: NodeId, epoch: u32) {
        if self.node(node).epoch == epoch {
            self.restart(node);
        }
    }

    fn restart(&mut self, node: NodeId) {
        let Some(n) = (match node {
            NodeId::Master => Some(&mut self.master),
            NodeId::Slave => self.slave.as_mut(),
        }) else {
            return;
        };
        if n.is_up() {
            return;
        }
        let how = n.state;
        n.state = NodeState::Up;
        n.epoch += 1;
        n.restart_at = None;
        n.last_thorough = None;
        n.last_commit = None;
        let recovered_to = n.store.written;
        let epoch = n.epoch;
        let async_flush = n.flush_disk_type == FlushDiskType::AsyncFlush;
        let truncated = std::mem::take(&mut n.truncated_by_crash);
        self.emit(EventKind::BrokerRestarted { node, recovered_to, truncated });
        if async_flush {
            self.schedule(self.sc.broker.flush_interval_commit_log, Action::FlushTick { node, epoch });
        } else {
            self.start_flush(node);
        }
        match node {
            NodeId::Master => {
                self.producer_no_route = false;
                self.master_started_at = self.now;
                self.ha.master_recovered_to = recovered_to;
                self.ha.push2slave = 0;
                self.ha.slave_ahead_at = None;
                self.rearm_schedules();
                if self.route == NodeId::Master {
                    // Consumers never left this master: whatever only the slave holds is unreadable.
                    self.slave_only_copies_unreadable();
                }
                self.schedule_route_update(false);
                self.kick_consumer();
            }
            NodeId::Slave => {
                let _ = how;
                self.start_slave_synchronize();
                // Consumers routed to this slave pull from it again (their pulls failed while it
                // was down and are retried; swarm seed 54180 left them idle for good).
                if self.route == NodeId::Slave {
                    self.kick_consumer();
                }
                // A restarted slave always opens a new connection (an old one may linger).
                self.start_ha_client();
            }
        }
    }

    /// When the clients will see the master's change in their route.
    fn schedule_route_update(&mut self, silent_death: bool) {
        let seen_by_namesrv = if silent_death {
            let registered = self.now.last_tick(SimTime::ZERO, REGISTER_PERIOD).unwrap_or(SimTime::ZERO);
            (registered + NAMESRV_EXPIRY).next_tick(SimTime::ZERO, NAMESRV_SCAN)
        } else {
            self.now
        };
        self.namesrv_master_gone_at = (!self.master.is_up()).then_some(seen_by_namesrv);
        let poll = (seen_by_namesrv + SimDuration::from_us(1)).next_tick(SimTime::ZERO, ROUTE_POLL);
        self.schedule_at(poll, Action::RouteUpdate);
    }

    pub(super) fn on_route_update(&mut self) {
        let target = if self.master.is_up() {
            NodeId::Master
        } else if self.slave.is_some() {
            NodeId::Slave
        } else {
            NodeId::Master
        };
        // A group whose master is gone but whose slave is listed has no queue to send to.
        self.producer_no_route = !self.master.is_up() && self.slave.is_some();
        if target == self.route {
            return;
        }
        self.route = target;
        self.emit(EventKind::RouteChanged { consumers_read_from: target });
        if target == NodeId::Master {
            self.slave_only_copies_unreadable();
        }
        self.consumer_switch_source();
    }

    /// §4b: consumers are back on a master that lost what only the slave still holds.
    fn slave_only_copies_unreadable(&mut self) {
        let Some(slave) = &self.slave else { return };
        let master_copies: std::collections::BTreeSet<usize> =
            self.master.store.records.iter().map(|r| r.copy).collect();
        let gap = slave.store.written.saturating_sub(self.master.store.written);
        let orphans: Vec<usize> = slave
            .store
            .records
            .iter()
            .filter(|r| !master_copies.contains(&r.copy) && r.topic != Topic::Schedule)
            .map(|r| r.copy)
            .filter(|&c| !self.copies[c].handled)
            .collect();
        for copy in orphans {
            let why = LossReason::SlaveOnly { gap };
            self.copy_gone(copy, NodeId::Master, why);
        }
    }

    /// Records that a readable copy vanished; the ledger keeps the latest reason.
    pub(crate) fn copy_gone(&mut self, copy: usize, node: NodeId, why: LossReason) {
        let c = &self.copies[copy];
        let (msg, topic) = (c.msg, c.topic);
        let now = self.now;
        self.ledger.get_mut(msg).note_loss(now, &why);
        self.emit(EventKind::CopyLost { msg, node, topic, why });
    }
}
