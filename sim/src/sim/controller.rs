//! The controller of RocketMQ 5.x controller mode (`shared/spec/rocketmq-5.md` §4):
//! `controller/.../ReplicasInfoManager` (the group's master, master epoch and SyncStateSet),
//! `DefaultElectPolicy` (who becomes master) and `DefaultBrokerHeartbeatManager` (who is alive).
//!
//! - **Who is alive.** Brokers heartbeat every 1 s (`brokerHeartbeatInterval`, first 1 s after
//!   they start), carrying their `controllerHeartBeatTimeoutMills` (10 s). A broker whose process
//!   dies closes its channel and the controller treats it as inactive at once
//!   (`onBrokerChannelClose`); a machine that goes dark is found by `scanNotActiveBroker`, every
//!   `scanNotActiveBrokerInterval` (5 s, first 2 s after the controller starts), once its last
//!   heartbeat is older than the timeout: 10–15 s after it. Heartbeats are not logged one by one:
//!   the model computes the last one from the broker's start.
//! - **Election** (`ReplicasInfoManager.electMaster`, `DefaultElectPolicy.elect`): among the
//!   live members of the SyncStateSet — or, with `enableElectUncleanMaster`, any live replica
//!   when no member is — the one with the highest epoch, then the largest max offset, then the
//!   lowest `brokerElectionPriority` (all equal here; a tie keeps the lowest brokerId). The new
//!   master gets epoch + 1 and a SyncStateSet of itself. No candidate: the group has no master
//!   (the SyncStateSet is kept), writes stop, and the next broker of the set that registers asks
//!   to be elected (`ReplicasManager.brokerElect`).
//! - **The controller is one node here.** RocketMQ runs a Raft (DLedger) group of controllers;
//!   the lab models one: crashed or partitioned away, it elects nobody and changes no
//!   SyncStateSet. Back, it finds a master that is not alive at its first
//!   `scanInactiveMasterInterval` (5 s) scan and elects then.
//!
//! The new master's side of the role change (and the old master's truncation when it returns)
//! is [`super::replicas_manager`].

use crate::vec_map::VecSet;

use super::{Action, Sim};
use crate::event::{EventKind, NodeId};
use crate::time::{SimDuration, SimTime};

/// `brokerHeartbeatInterval` (`BrokerController.scheduleSendHeartbeat`, first run 1 s in).
pub(crate) const BROKER_HEARTBEAT_INTERVAL: SimDuration = SimDuration::from_ms(1_000);
/// `scanNotActiveBroker`'s initial delay (`DefaultBrokerHeartbeatManager.start`).
pub(crate) const FIRST_INACTIVE_SCAN: SimDuration = SimDuration::from_ms(2_000);
/// `scanInactiveMasterInterval` (`ControllerConfig`, 5 s): a controller that becomes leader
/// re-elects for a group whose master is not alive at this rhythm.
pub(crate) const SCAN_INACTIVE_MASTER_INTERVAL: SimDuration = SimDuration::from_ms(5_000);

/// The controller's view of the broker group (`SyncStateInfo`, `BrokerReplicaInfo`).
#[derive(Clone, Debug)]
pub struct Controller {
    /// The master's brokerId (`None`: no master, writes stop).
    pub master: Option<u32>,
    /// The master epoch (1 for the group's first master).
    pub epoch: u32,
    /// The SyncStateSet, by brokerId (the master included).
    pub sync_state_set: VecSet<u32>,
    /// Reachable and running (not crashed, not partitioned away).
    pub up: bool,
    /// When the controller (re)started: its scans count from it.
    pub(crate) started_at: SimTime,
    /// Bumped when it goes down, so that its scheduled work is dropped.
    pub(crate) gen: u32,
    /// Until when it is down (`SimTime::MAX`: for the rest of the run).
    pub down_until: Option<SimTime>,
    /// The master's epoch file (`EpochFileCache`): each epoch and the offset it started at.
    pub epoch_starts: Vec<(u32, u64)>,
    /// The master restarted in place and rewrote its current epoch's start
    /// ([`super::replicas_manager`]): what the slaves still believe.
    pub(crate) rewrite: Option<Rewrite>,
    /// Slaves (brokerIds) whose HA handshake finds no consistent point with the master's epoch
    /// file: they replicate nothing from this master.
    pub stuck: VecSet<u32>,
}

/// A master's `changeToMaster` for the epoch it already led rewrote that epoch's start.
#[derive(Clone, Debug)]
pub(crate) struct Rewrite {
    /// The broker that restarted in place.
    pub broker: u32,
    pub epoch: u32,
    /// Slaves (brokerIds) not handshaken since, with the start their epoch file still has for
    /// `epoch`.
    pub pending: crate::vec_map::VecMap<u32, u64>,
}

impl Controller {
    pub(crate) fn new(members: impl Iterator<Item = u32>) -> Self {
        Controller {
            master: Some(0),
            epoch: 1,
            sync_state_set: members.collect(),
            up: true,
            started_at: SimTime::ZERO,
            gen: 0,
            down_until: None,
            epoch_starts: vec![(1, 0)],
            rewrite: None,
            stuck: VecSet::new(),
        }
    }

    /// Where epoch `epoch` ends in the master's log: the start of the next one (`None`: it is
    /// the current epoch).
    pub fn epoch_end(&self, epoch: u32) -> Option<u64> {
        self.epoch_starts.iter().find(|(e, _)| *e > epoch).map(|(_, start)| *start)
    }
}

/// The SyncStateSet as `{0, 1}`.
pub fn set_text(set: &VecSet<u32>) -> String {
    let ids: Vec<String> = set.iter().map(|b| b.to_string()).collect();
    format!("{{{}}}", ids.join(", "))
}

impl Sim {
    /// The controller state, in controller mode.
    pub fn controller(&self) -> Option<&Controller> {
        self.ctrl.as_ref()
    }

    /// Controller mode: the master's confirm offset (`computeConfirmOffset`: the least ack over
    /// the SyncStateSet's members); `None` in master-slave mode.
    pub fn confirm_offset(&self) -> Option<u64> {
        self.ctrl.as_ref().map(|_| self.confirm_offset)
    }

    /// Where the broker with `broker_id` sits now (master or a slave position).
    pub(crate) fn position_of(&self, broker_id: u32) -> NodeId {
        if self.master.broker_id == broker_id {
            return NodeId::Master;
        }
        self.slaves.iter().find(|s| s.broker_id == broker_id).map_or(NodeId::Master, |s| s.id)
    }

    /// The master went down (controller mode): when the controller will notice, and elect.
    pub(crate) fn controller_sees_master_down(&mut self, silent: bool) {
        let Some(c) = &self.ctrl else { return };
        if !c.up {
            return; // it finds out when it is back (`on_controller_back`)
        }
        let gen = c.gen;
        let at = if silent {
            // The last heartbeat went out on the broker's 1 s rhythm; the scan that first finds
            // it older than the timeout declares the broker inactive.
            let start = self.master.started_at + BROKER_HEARTBEAT_INTERVAL;
            let last = self.now.last_tick(start, BROKER_HEARTBEAT_INTERVAL).unwrap_or(self.master.started_at);
            let timeout = self.sc.broker.controller_heart_beat_timeout_mills;
            let scans_from = c.started_at + FIRST_INACTIVE_SCAN;
            (last + timeout + SimDuration::from_us(1)).next_tick(scans_from, self.sc.controller.scan_not_active_broker_interval)
        } else {
            // The channel closed: `onBrokerChannelClose`, then the election, at once.
            self.now + self.sc.network.latency
        };
        self.schedule_at(at, Action::ControllerElect { gen });
    }

    /// `ControllerManager.onBrokerInactive` → `electMaster` with the default policy.
    pub(super) fn on_controller_elect(&mut self, gen: u32) {
        let Some(c) = &self.ctrl else { return };
        if !c.up || c.gen != gen {
            return;
        }
        // Still master and alive (it came back before the scan): nothing to elect.
        if c.master.is_some_and(|m| self.position_of(m) == NodeId::Master) && self.master.is_up() {
            return;
        }
        let old = c.master;
        let alive = |s: &super::Node| s.is_up();
        let rank = |s: &super::Node| (std::cmp::Reverse(s.ha_epoch), std::cmp::Reverse(s.store.written), s.broker_id);
        let nodes: Vec<&super::Node> = std::iter::once(&self.master).chain(self.slaves.iter()).collect();
        let in_set: Vec<&super::Node> =
            nodes.iter().copied().filter(|s| alive(s) && c.sync_state_set.contains(&s.broker_id)).collect();
        let (pick, unclean) = match in_set.iter().min_by_key(|s| rank(s)) {
            Some(s) => (Some(s.broker_id), false),
            None if self.sc.controller.enable_elect_unclean_master => {
                (nodes.iter().filter(|s| alive(s)).min_by_key(|s| rank(s)).map(|s| s.broker_id), true)
            }
            None => (None, false),
        };
        let Some(new) = pick else {
            let ctrl = self.ctrl.as_mut().expect("controller");
            let set = set_text(&ctrl.sync_state_set);
            ctrl.master = None;
            let epoch = ctrl.epoch;
            self.emit(EventKind::NoMasterElected { epoch, sync_state_set: set });
            return;
        };
        if old == Some(new) {
            return;
        }
        let offset = self.node(self.position_of(new)).store.written;
        let ctrl = self.ctrl.as_mut().expect("controller");
        // Another broker's epoch file from now on: what a restart in place left behind is moot.
        if ctrl.rewrite.as_ref().is_some_and(|r| r.broker != new) {
            ctrl.rewrite = None;
            ctrl.stuck.clear();
        }
        ctrl.epoch += 1;
        ctrl.master = Some(new);
        ctrl.sync_state_set = [new].into_iter().collect();
        let epoch = ctrl.epoch;
        ctrl.epoch_starts.push((epoch, offset));
        self.emit(EventKind::MasterElected { broker: new, epoch, offset, unclean });
        // `notifyBrokerRoleChanged`: the brokers hear it at once; else at their next metadata
        // poll (`syncBrokerMetadataPeriod`, 5 s, first 3 s after they start).
        let at = if self.sc.controller.notify_broker_role_changed {
            self.now + self.sc.network.latency
        } else {
            let n = self.node(self.position_of(new));
            (self.now + SimDuration::from_us(1)).next_tick(n.started_at + SimDuration::from_ms(3_000), SimDuration::from_ms(5_000))
        };
        self.schedule_at(at, Action::ChangeToMaster { broker: new, epoch });
    }

    /// A broker of the group registered (it restarted) while the group has no master: it asks to
    /// be elected (`ReplicasManager.brokerElect`).
    pub(crate) fn controller_sees_broker_register(&mut self) {
        let Some(c) = &self.ctrl else { return };
        if c.up && c.master.is_none() {
            let gen = c.gen;
            self.schedule(self.sc.network.latency, Action::ControllerElect { gen });
        }
    }

    /// The controller goes down until `until` (`None`: for the rest of the run).
    pub(crate) fn controller_down(&mut self, until: Option<SimTime>) {
        let Some(c) = self.ctrl.as_mut() else { return };
        c.up = false;
        c.gen += 1;
        let end = until.unwrap_or(SimTime::MAX);
        c.down_until = Some(c.down_until.map_or(end, |u| u.max(end)));
        let gen = c.gen;
        if let Some(u) = until {
            self.schedule_at(u, Action::ControllerBack { gen });
        }
    }

    pub(super) fn on_controller_back(&mut self, gen: u32) {
        let now = self.now;
        let Some(c) = self.ctrl.as_mut() else { return };
        if c.up || c.gen != gen || c.down_until.is_some_and(|u| u > now) {
            return;
        }
        c.up = true;
        c.down_until = None;
        c.started_at = now;
        let gen = c.gen;
        let master = c.master;
        self.emit(EventKind::ControllerBack);
        // `scanInactiveMasterAndTriggerReelect`, 5 s after it leads again.
        let master_alive = master.is_some_and(|m| self.position_of(m) == NodeId::Master) && self.master.is_up();
        if !master_alive {
            self.schedule(SCAN_INACTIVE_MASTER_INTERVAL, Action::ControllerElect { gen });
        }
    }
}
