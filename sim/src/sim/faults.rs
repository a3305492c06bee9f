//! Faults and their inverses (spec §4): what each does to page cache, disk, connections and
//! routes, and what a restart recovers.
//!
//! Routes follow the name server (client spec §10–§11): a broker whose process dies is removed
//! at once (its channel closes); a machine that goes dark is removed by the 10 s scan once its
//! last 30 s registration is 120 s old. Clients see either only at their next 30 s route poll.
//!
//! # How faults compose (what a real machine does)
//! Each broker is a machine (on or off) with a disk (kept or destroyed) running a process (up or
//! down). `POWER_LOSS` and `DISK_LOST` turn the machine off for their duration (`DISK_LOST` also
//! destroys the disk: the broker restarts on an empty, replaced one); `PROCESS_CRASH` kills the
//! process, which a supervisor starts again after the duration; `SLAVE_DOWN` stops the slave's
//! process until `SLAVE_UP`. Faults that overlap, on master or slave, permanent or temporary:
//! - **An outage ends when every cause has ended.** A broker that is down comes back when the
//!   machine is on again *and* nothing holds the process down: a longer or permanent
//!   `POWER_LOSS`/`DISK_LOST` during a shorter outage (power or crash) extends it; a shorter
//!   `POWER_LOSS` inside a longer one changes nothing and is refused ("already off until …").
//!   Power that returns before a crash's downtime ends leaves the process down until then
//!   (connection refused again); a stopped slave stays stopped until `SLAVE_UP`.
//! - **A disk destroyed while the broker is down stays destroyed**: whatever was down (process or
//!   machine), the commit log and stored offsets are gone and the restart finds nothing. A second
//!   `DISK_LOST` of a disk already destroyed only extends the outage, if longer.
//! - **Power lost while only the process was down** cuts what the OS had not written back; this
//!   model has the OS write the page cache back at the crash, so nothing more is lost, but the
//!   machine stops answering (refused connections become silence).
//! - **A process that is not running cannot crash or stop**: `PROCESS_CRASH` or `SLAVE_DOWN` of a
//!   broker that is down is refused with why; `SLAVE_UP` of a running slave, or of one whose
//!   machine is off, is refused.
//! - **Disk and link faults last until the latest end among those overlapping**: a longer
//!   `DISK_STALL` or `NETWORK_PARTITION` extends the one in force, a shorter one inside it is
//!   refused; overlapping `DISK_SLOW`s run at the largest factor while they overlap and the disk
//!   is back to normal when the last ends. They belong to the disk and the link, so they apply
//!   whether the broker runs or not, except to a destroyed disk (refused until the restart).
//! - **The consumer** is one process: `CONSUMER_CRASH` while it is down extends its downtime if
//!   longer and is refused otherwise; before it first starts it is refused (no process yet).
//! - A fault on a slave or consumer the scenario lacks, or on a target its kind does not take,
//!   is refused.
//!
//! A fault that cannot apply is never dropped silently: the log names it (`FaultRefused`, with
//! the [`FaultRefusal`]). [`Sim::can_apply`] answers the same question before injecting, for
//! the page's fault buttons and the CLI.

use super::{Action, NodeState, Sim};
use crate::event::{CrashKind, EventKind, NodeId, Topic};
use crate::text::LossReason;
use crate::scenario::{Fault, FaultKind, FaultTarget, FlushDiskType};
use crate::time::{SimDuration, SimTime};

const ROUTE_POLL: SimDuration = SimDuration::from_ms(30_000);
const REGISTER_PERIOD: SimDuration = SimDuration::from_ms(30_000);
const NAMESRV_EXPIRY: SimDuration = SimDuration::from_ms(120_000);
const NAMESRV_SCAN: SimDuration = SimDuration::from_ms(10_000);
/// A slave process that dies: how long the OS takes to tear it down and close its sockets
/// (kill -9 of a broker JVM with a multi-GB heap); its FIN/RST then crosses the HA link. "Tens of
/// milliseconds" (issue 18 item 7); no RocketMQ code sets it.
pub(crate) const SLAVE_PROCESS_EXIT: SimDuration = SimDuration::from_ms(20);

/// Why a fault cannot apply now. Times are `None` for "the rest of the run".
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum FaultRefusal {
    /// The kind does not take this target.
    WrongTarget { kind: FaultKind, target: FaultTarget },
    /// The scenario has no slave.
    NoSlave,
    /// The scenario has no consumer.
    NoConsumer,
    /// A fault on the controller outside controller mode.
    NoController,
    /// `PROCESS_CRASH` / `SLAVE_DOWN` of a broker whose process is not running.
    NotRunning { node: NodeId, since: SimTime, how: CrashKind },
    /// `SLAVE_UP` of a running slave.
    AlreadyRunning { node: NodeId },
    /// `SLAVE_UP` while the slave's machine is off.
    MachineOff { node: NodeId, until: Option<SimTime> },
    /// A machine outage that would end no later than the one in force.
    AlreadyOff { node: NodeId, until: Option<SimTime> },
    /// A disk fault on a disk destroyed at `since` (the restart brings a new one).
    DiskDestroyed { node: NodeId, since: SimTime },
    /// The same disk stall or partition is in force at least as long.
    AlreadyInForce { until: Option<SimTime> },
    /// `CONSUMER_CRASH` before the consumer has started.
    ConsumerNotStarted { starts_at: SimTime },
    /// `CONSUMER_CRASH` while the consumer is down at least as long.
    ConsumerDown { until: Option<SimTime> },
}

fn until_text(until: Option<SimTime>) -> String {
    match until {
        Some(u) => format!("until {u}"),
        None => "for the rest of the run".to_string(),
    }
}

impl std::fmt::Display for FaultRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use FaultRefusal::*;
        match *self {
            WrongTarget { kind, target } => write!(f, "{} does not apply to the {}", kind.name(), target.name()),
            NoSlave => write!(f, "the scenario has no slave"),
            NoConsumer => write!(f, "the scenario has no consumer"),
            NoController => write!(f, "the scenario is not in controller mode ([broker] enableControllerMode = false)"),
            NotRunning { node, since, how } => {
                write!(f, "the {} process is not running (down since {since}: {})", node.name(), how.name())
            }
            AlreadyRunning { node } => write!(f, "the {} is already running", node.name()),
            MachineOff { node, until } => write!(f, "the {} machine is off {}", node.name(), until_text(until)),
            AlreadyOff { node, until } => write!(
                f,
                "the {} machine is already off {}; an outage that ends sooner changes nothing",
                node.name(),
                until_text(until)
            ),
            DiskDestroyed { node, since } => {
                write!(f, "the {} disk was destroyed at {since}; its restart brings a new one", node.name())
            }
            AlreadyInForce { until } => write!(f, "the same fault is already in force {}", until_text(until)),
            ConsumerNotStarted { starts_at } => write!(f, "the consumer has not started yet (it starts at {starts_at})"),
            ConsumerDown { until } => write!(f, "the consumer is already down {}", until_text(until)),
        }
    }
}

/// `SimTime::MAX` (for the rest of the run) as `None`.
fn finite(t: SimTime) -> Option<SimTime> {
    (t != SimTime::MAX).then_some(t)
}

impl Sim {
    /// The node a fault on `target` hits now: `firstMaster` is wherever broker 0 sits.
    pub(crate) fn target_node(&self, target: FaultTarget) -> NodeId {
        match target {
            FaultTarget::Slave => NodeId::Slave,
            FaultTarget::Slave2 => NodeId::Slave2,
            FaultTarget::FirstMaster => self.position_of(0),
            _ => NodeId::Master,
        }
    }
}

/// The worse of two ways down: a lost disk over a power loss over a dead process.
fn worse(a: CrashKind, b: CrashKind) -> CrashKind {
    let rank = |k| match k {
        CrashKind::DiskLost => 3,
        CrashKind::PowerLoss => 2,
        CrashKind::ProcessCrash => 1,
        CrashKind::CleanStop => 0,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

impl Sim {
    /// Whether `fault` can apply now, and if not why (the rules in this module's doc). The
    /// simulator asks this when the fault is due; the page and the CLI ask it before injecting.
    pub fn can_apply(&self, fault: &Fault) -> Result<(), FaultRefusal> {
        use FaultRefusal::*;
        let (kind, target) = (fault.kind, fault.target);
        if !kind.targets().contains(&target) {
            return Err(WrongTarget { kind, target });
        }
        if matches!(target, FaultTarget::Slave | FaultTarget::Slave2) && self.slave_node(self.target_node(target)).is_none() {
            return Err(NoSlave);
        }
        if target == FaultTarget::Consumer && !self.sc.consumer.enabled {
            return Err(NoConsumer);
        }
        let now = self.now;
        let until = fault.duration.map_or(SimTime::MAX, |d| now + d);
        let in_force = |u: Option<SimTime>| u.filter(|&u| u > now && u >= until);
        if target == FaultTarget::Controller {
            // Crashed or partitioned away, the controller is out until the latest end.
            let Some(c) = &self.ctrl else { return Err(NoController) };
            return match in_force(c.down_until) {
                Some(u) => Err(AlreadyInForce { until: finite(u) }),
                None => Ok(()),
            };
        }
        let node = self.target_node(target);
        let disk_destroyed = |n: &super::Node| match n.down {
            Some((since, CrashKind::DiskLost)) => Err(DiskDestroyed { node, since }),
            _ => Ok(()),
        };
        match kind {
            FaultKind::ProcessCrash | FaultKind::SlaveDown => match self.node(node).down {
                Some((since, how)) => Err(NotRunning { node, since, how }),
                None => Ok(()),
            },
            FaultKind::SlaveUp => {
                let n = self.node(node);
                match n.machine_off_until {
                    _ if n.is_up() => Err(AlreadyRunning { node }),
                    Some(u) => Err(MachineOff { node, until: finite(u) }),
                    None => Ok(()),
                }
            }
            FaultKind::PowerLoss => match in_force(self.node(node).machine_off_until) {
                Some(u) => Err(AlreadyOff { node, until: finite(u) }),
                None => Ok(()),
            },
            FaultKind::DiskLost => {
                let n = self.node(node);
                match (n.down, in_force(n.machine_off_until)) {
                    (Some((since, CrashKind::DiskLost)), Some(_)) => Err(DiskDestroyed { node, since }),
                    _ => Ok(()),
                }
            }
            FaultKind::DiskSlow => disk_destroyed(self.node(node)),
            FaultKind::DiskStall => {
                let n = self.node(node);
                disk_destroyed(n)?;
                match in_force(n.stalled_until) {
                    Some(u) => Err(AlreadyInForce { until: finite(u) }),
                    None => Ok(()),
                }
            }
            FaultKind::NetworkPartition => {
                let cut = match target {
                    FaultTarget::Producer => self.producer_link_down_until,
                    t => self.ha.link(self.target_node(t)).link_down_until,
                };
                match in_force(cut) {
                    Some(u) => Err(AlreadyInForce { until: finite(u) }),
                    None => Ok(()),
                }
            }
            FaultKind::ConsumerCrash => {
                let c = &self.consumer;
                if c.online {
                    Ok(())
                } else if !c.crashed {
                    Err(ConsumerNotStarted { starts_at: self.sc.consumer.start_at })
                } else {
                    match in_force(Some(c.restart_at.unwrap_or(SimTime::MAX))) {
                        Some(u) => Err(ConsumerDown { until: finite(u) }),
                        None => Ok(()),
                    }
                }
            }
        }
    }

    pub(super) fn on_fault_start(&mut self, i: usize) {
        let f = self.faults[i].clone();
        if let Err(why) = self.can_apply(&f) {
            self.emit(EventKind::FaultRefused { kind: f.kind, target: f.target, why });
            self.refused.push((i, why));
            return;
        }
        let until = f.duration.map(|d| self.now + d);
        self.emit(EventKind::FaultInjected { kind: f.kind, target: f.target, until });
        if f.target == FaultTarget::Controller {
            self.controller_down(until);
            return;
        }
        let node = self.target_node(f.target);
        match (f.kind, f.target) {
            (FaultKind::ProcessCrash | FaultKind::PowerLoss | FaultKind::DiskLost, _) => {
                let how = match f.kind {
                    FaultKind::ProcessCrash => CrashKind::ProcessCrash,
                    FaultKind::PowerLoss => CrashKind::PowerLoss,
                    _ => CrashKind::DiskLost,
                };
                if self.node(node).is_up() {
                    self.crash(node, how, until);
                } else {
                    self.machine_fault_while_down(node, how, until);
                }
            }
            (FaultKind::SlaveDown, _) => self.crash(node, CrashKind::CleanStop, None),
            (FaultKind::SlaveUp, _) => self.restart(node),
            (FaultKind::DiskSlow, _) => {
                let n = self.node_mut(node);
                n.slow_factor = n.slow_factor.max(f.factor.max(1));
            }
            (FaultKind::DiskStall, _) => {
                self.stall(node, until.unwrap_or(SimTime::MAX));
            }
            (FaultKind::NetworkPartition, FaultTarget::Producer) => {
                self.producer_link_down_until = Some(until.unwrap_or(SimTime::MAX));
            }
            (FaultKind::NetworkPartition, _) => {
                self.ha.link_mut(node).link_down_until = Some(until.unwrap_or(SimTime::MAX));
                self.slave_went_silent(node);
            }
            (FaultKind::ConsumerCrash, _) if self.consumer.online => self.crash_consumer(until),
            (FaultKind::ConsumerCrash, _) => self.extend_consumer_outage(until),
        }
        let restarts = matches!(f.kind, FaultKind::ProcessCrash | FaultKind::PowerLoss | FaultKind::DiskLost);
        if let Some(u) = until {
            if !restarts {
                self.active_faults.insert(i);
                self.schedule_at(u, Action::FaultEnd(i));
            }
        }
    }

    pub(super) fn on_fault_end(&mut self, i: usize) {
        self.active_faults.remove(&i);
        let f = self.faults[i].clone();
        let now = self.now;
        // Whether the fault's effect is over (not still in force through a longer overlapping one).
        let over = match (f.kind, f.target) {
            (FaultKind::DiskSlow, t) => {
                let still = self
                    .active_faults
                    .iter()
                    .map(|&j| &self.faults[j])
                    .filter(|g| g.kind == FaultKind::DiskSlow && g.target == t)
                    .map(|g| g.factor.max(1))
                    .max();
                self.node_mut(self.target_node(t)).slow_factor = still.unwrap_or(1);
                still.is_none()
            }
            (FaultKind::DiskStall, t) => self.node(self.target_node(t)).stalled_until.is_none_or(|u| u <= now),
            (FaultKind::NetworkPartition, FaultTarget::Producer) => {
                let over = self.producer_link_down_until.is_none_or(|u| u <= now);
                if over {
                    self.producer_link_down_until = None;
                }
                over
            }
            (FaultKind::NetworkPartition, t) => {
                let slave = self.target_node(t);
                let over = self.ha.link(slave).link_down_until.is_none_or(|u| u <= now);
                if over {
                    self.ha.link_mut(slave).link_down_until = None;
                    // TCP delivers what was held: the slave reports and the master pushes again.
                    if let Some(id) = self.ha.link(slave).client_conn {
                        self.report_slave_offset(slave);
                        self.wake_push(id);
                    } else if self.slave_up(slave) {
                        self.schedule_reconnect(slave);
                    }
                }
                over
            }
            _ => true,
        };
        if over {
            self.emit(EventKind::FaultEnded { kind: f.kind, target: f.target });
        }
    }

    fn stall(&mut self, node: NodeId, until: SimTime) {
        let now = self.now;
        let n = self.node_mut(node);
        // A stall already in force (this one is longer) delays the flush from its end.
        let resume_from = n.stalled_until.filter(|&u| u > now).unwrap_or(now);
        n.stalled_until = Some(until);
        if let (Some(to), true) = (n.flush_in_progress, n.flush_done_at > now) {
            // The flush in progress finishes only after the stall, with its remaining time.
            let remaining = n.flush_done_at.since(resume_from.min(n.flush_done_at));
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

    /// `CONSUMER_CRASH` of a consumer already down: the longer downtime wins (checked by
    /// [`Sim::can_apply`]).
    fn extend_consumer_outage(&mut self, until: Option<SimTime>) {
        let c = &mut self.consumer;
        c.restart_at = until;
        c.epoch += 1;
        let cepoch = c.epoch;
        if let Some(u) = until {
            self.schedule_at(u, Action::ConsumerStart { cepoch });
        }
    }

    /// What a down broker's machine and process wait for: when it restarts (`None`: never),
    /// with a `Restart` planned at each end (the machine's power, the process's downtime).
    pub(crate) fn plan_restart(&mut self, node: NodeId) {
        let n = self.node_mut(node);
        let ends = [n.machine_off_until, n.process_held.map(|(u, _)| u)];
        let last = ends.iter().flatten().copied().max().unwrap_or(SimTime::MAX);
        n.restart_at = finite(last);
        let epoch = n.epoch;
        for at in ends.into_iter().flatten().filter(|&t| t != SimTime::MAX) {
            self.schedule_at(at, Action::Restart { node, epoch });
        }
    }

    /// Removes what a machine fault cuts from `node`'s store (the page cache for a power loss,
    /// everything for a lost disk) and records the copies it took.
    fn cut_store(&mut self, node: NodeId, how: CrashKind, written: u64, flushed: u64) {
        let now = self.now;
        let n = self.node_mut(node);
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
        let after = n.store.written;
        n.truncated_by_crash += written - after;
        for r in cut {
            // A slave copy the master still holds is no loss to any reader.
            if node != NodeId::Master && self.master.store.find(r.copy).is_some() {
                continue;
            }
            let why = match how {
                CrashKind::PowerLoss => LossReason::PageCacheLost { node, at: now, behind: written - flushed },
                CrashKind::ProcessCrash => LossReason::WriteBufferLost { node, at: now, uncommitted },
                _ => LossReason::DiskLost { node, at: now },
            };
            self.copy_gone(r.copy, node, why);
        }
    }

    /// A power loss or a lost disk on a broker already down (its process dead or its machine
    /// off): the machine is off until the later end, a lost disk is lost now.
    fn machine_fault_while_down(&mut self, node: NodeId, how: CrashKind, until: Option<SimTime>) {
        let now = self.now;
        let (written, flushed) = (self.node(node).store.written, self.node(node).store.flushed);
        let n = self.node_mut(node);
        n.epoch += 1;
        let off = until.unwrap_or(SimTime::MAX);
        n.machine_off_until = Some(n.machine_off_until.map_or(off, |u| u.max(off)));
        n.state = NodeState::MachineDown;
        n.down = n.down.map(|(since, was)| (since, worse(was, how))).or(Some((now, how)));
        self.plan_restart(node);
        let restart_at = self.node(node).restart_at;
        self.emit(EventKind::BrokerStillDown { node, how, restart_at });
        self.cut_store(node, how, written, flushed);
    }

    /// A broker goes down; `until` is when it restarts (never, if None).
    fn crash(&mut self, node: NodeId, how: CrashKind, until: Option<SimTime>) {
        if !self.node(node).is_up() {
            return; // refused earlier by `can_apply`
        }
        let now = self.now;
        let (written, flushed) = (self.node(node).store.written, self.node(node).store.flushed);
        self.emit(EventKind::BrokerDown { node, how, written, flushed });
        let n = self.node_mut(node);
        n.epoch += 1;
        n.flush_in_progress = None;
        n.truncated_by_crash = 0;
        n.down = Some((now, how));
        let until_or_never = until.unwrap_or(SimTime::MAX);
        match how {
            CrashKind::ProcessCrash | CrashKind::CleanStop => n.process_held = Some((until_or_never, how)),
            CrashKind::PowerLoss | CrashKind::DiskLost => n.machine_off_until = Some(until_or_never),
        }
        n.state = match how {
            CrashKind::ProcessCrash => NodeState::ProcessDown,
            CrashKind::CleanStop => NodeState::Stopped,
            CrashKind::PowerLoss | CrashKind::DiskLost => NodeState::MachineDown,
        };
        self.cut_store(node, how, written, flushed);
        if node == NodeId::Master {
            self.puts.clear();
            let silent = matches!(how, CrashKind::PowerLoss | CrashKind::DiskLost);
            self.close_all_connections(if silent { "the master went down" } else { "the master process closed the connection" });
            for slave in self.slave_ids().collect::<Vec<_>>() {
                if self.slave_up(slave) {
                    self.schedule_reconnect(slave);
                }
            }
            self.drop_held_pulls(NodeId::Master);
            self.drop_held_pops();
            self.schedule_route_update(silent);
            // Controller mode: the controller notices and elects (`sim::controller`).
            self.controller_sees_master_down(silent);
            // A dead process's sockets are closed by the OS: the client fails every request in
            // flight on that connection at once (`failFast`, spec §6 item 26) and SYNC sends retry
            // now. A machine that goes dark, or a partitioned link, sends no FIN: clients wait.
            // (The FIN's one-way latency is not modelled: the failure is at the crash.)
            let partitioned = self.producer_link_down_until.is_some_and(|u| u > now);
            if how == CrashKind::ProcessCrash && !partitioned {
                self.fail_fast_connection(crate::event::SendError::ConnectionClosed);
            }
        } else {
            self.drop_held_pulls(node);
            match (how, self.ha.link(node).client_conn) {
                // The machine went dark: its connections linger on the master until housekeeping.
                (CrashKind::PowerLoss | CrashKind::DiskLost, _) => {
                    self.slave_went_silent(node);
                    self.ha.link_mut(node).client_conn = None;
                }
                // The process died: the OS closes its sockets and the master's read of the HA
                // connection fails within tens of milliseconds (the dying process's teardown, then
                // the FIN or RST across the link). Until then the master still counts the slave,
                // so a SYNC_MASTER send reaching it waits `slaveTimeout` (`FLUSH_SLAVE_TIMEOUT`).
                (CrashKind::ProcessCrash, Some(id)) => {
                    let link = self.ha.link_mut(node);
                    link.client_conn = None;
                    link.disconnected_at = now;
                    let after = SLAVE_PROCESS_EXIT + self.sc.slave.replication_latency;
                    self.schedule(after, Action::SlaveReset { conn: id });
                }
                (_, Some(id)) => self.close_connection(id, "the slave closed the connection"),
                (_, None) => {}
            }
        }
        self.plan_restart(node);
    }

    /// The end of one of a down broker's outages: the machine's power or the process's
    /// downtime. It restarts once both are over.
    pub(super) fn on_restart(&mut self, node: NodeId, epoch: u32) {
        let now = self.now;
        let n = self.node_mut(node);
        if n.epoch != epoch || n.is_up() {
            return;
        }
        if n.machine_off_until.is_some_and(|u| u <= now) {
            n.machine_off_until = None;
            if let Some((_, how)) = n.process_held.filter(|&(u, _)| u > now) {
                // The machine is back but the process stays down: connections are refused again.
                n.state = if how == CrashKind::CleanStop { NodeState::Stopped } else { NodeState::ProcessDown };
                let restart_at = n.restart_at;
                self.emit(EventKind::BrokerStillDown { node, how, restart_at });
                return;
            }
        }
        if n.process_held.is_some_and(|(u, _)| u <= now) {
            n.process_held = None;
        }
        if n.machine_off_until.is_none() && n.process_held.is_none() {
            self.restart(node);
        }
    }

    fn restart(&mut self, node: NodeId) {
        let now = self.now;
        let Some(n) = (match node.slave_index() {
            None => Some(&mut self.master),
            Some(i) => self.slaves.get_mut(i),
        }) else {
            return;
        };
        if n.is_up() {
            return;
        }
        n.state = NodeState::Up;
        n.epoch += 1;
        n.started_at = now;
        n.restart_at = None;
        n.down = None;
        n.machine_off_until = None;
        n.process_held = None;
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
        self.resume_rebalance();
        match node {
            NodeId::Master => {
                self.producer_no_route = false;
                self.master_started_at = self.now;
                self.ha.master_recovered_to = recovered_to;
                self.ha.push2slave = 0;
                self.ha.slave_ahead_at = None;
                self.rearm_schedules();
                self.rearm_revives();
                self.resend_pop_answers();
                if self.route == NodeId::Master && self.ctrl.is_none() {
                    // Consumers never left this master: whatever only the slave holds is unreadable.
                    self.slave_only_copies_unreadable();
                }
                self.schedule_route_update(false);
                self.kick_consumer();
                self.replicas_on_restart(node);
            }
            slave => {
                // Controller mode: it registers and follows the master, truncating first.
                self.replicas_on_restart(slave);
                self.start_slave_synchronize(slave);
                // Consumers routed to this slave pull from it again (their pulls failed while it
                // was down and are retried; swarm seed 54180 left them idle for good).
                if self.route == slave {
                    // (gRPC: a receive it held died with it and is sent again.)
                    for q in std::mem::take(&mut self.pop.held_on_slave) {
                        self.pop.receiving.remove(&q);
                    }
                    self.kick_consumer();
                }
                // A restarted slave always opens a new connection (an old one may linger).
                self.start_ha_client(slave);
            }
        }
    }

    /// When the clients will see the master's change in their route.
    pub(crate) fn schedule_route_update(&mut self, silent_death: bool) {
        let seen_by_namesrv = if silent_death {
            let registered = self.now.last_tick(SimTime::ZERO, REGISTER_PERIOD).unwrap_or(SimTime::ZERO);
            (registered + NAMESRV_EXPIRY).next_tick(SimTime::ZERO, NAMESRV_SCAN)
        } else {
            self.now
        };
        self.namesrv_master_gone_at = (!self.master.is_up()).then_some(seen_by_namesrv);
        let poll = (seen_by_namesrv + SimDuration::from_us(1)).next_tick(SimTime::ZERO, ROUTE_POLL);
        self.schedule_at(poll, Action::RouteUpdate);
        self.schedule_proxy_route_refresh(seen_by_namesrv);
    }

    /// The gRPC consumer reads through the proxy, whose own route cache decides
    /// (`proxy.rs`), outside controller mode.
    fn route_follows_proxy(&self) -> bool {
        self.sc.consumer.client == crate::scenario::Client::Grpc && self.ctrl.is_none()
    }

    pub(super) fn on_route_update(&mut self) {
        // With the master gone, `findBrokerAddressInSubscribe` takes the first slave listed
        // (`brokerId` 1 before 2 in the route's map).
        let target = if self.master.is_up() {
            NodeId::Master
        } else if !self.slaves.is_empty() {
            NodeId::Slave
        } else {
            NodeId::Master
        };
        // A group whose master is gone but whose slave is listed has no queue to send to.
        self.producer_no_route = !self.master.is_up() && !self.slaves.is_empty();
        if self.master.is_up() {
            // The producer sends to the broker the route names master (controller mode: the
            // elected one, from this poll on).
            self.producer_broker = self.master.broker_id;
        }
        if target == self.route || self.route_follows_proxy() {
            return;
        }
        self.consumer_route_changed(target);
        self.consumer_switch_source();
    }

    /// The consumers' route now names `target`.
    pub(crate) fn consumer_route_changed(&mut self, target: NodeId) {
        self.route = target;
        self.emit(EventKind::RouteChanged { consumers_read_from: target });
        if target == NodeId::Master && self.ctrl.is_none() {
            self.slave_only_copies_unreadable();
        }
    }

    /// §4b: consumers are back on a master that lost what only a slave still holds.
    fn slave_only_copies_unreadable(&mut self) {
        let on_master = self.copies_on(&self.master.store);
        let written = self.slaves.iter().map(|s| s.store.written).max().unwrap_or(0);
        let gap = written.saturating_sub(self.master.store.written);
        let mut orphans: Vec<usize> = Vec::new();
        for slave in &self.slaves {
            for r in slave.store.records.iter().filter(|r| !on_master[r.copy] && r.topic != Topic::Schedule) {
                if !self.copies[r.copy].handled && !orphans.contains(&r.copy) {
                    orphans.push(r.copy);
                }
            }
        }
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
