//! The slave's side of replication: `HAClient` (spec §2, §2b).
//!
//! `connectMaster` opens a new connection and sets `lastWriteTimestamp` to now, so the first
//! offset report goes out `haSendHeartbeatInterval` (5 s) later; until then the master pushes
//! nothing. After that the slave appends every batch it receives to its own page cache and
//! reports its max offset right away (`reportSlaveMaxOffsetPlus`), and at least every
//! `haSendHeartbeatInterval` when idle (those heartbeats are implied, not scheduled: they matter
//! only as the last report the master heard when the slave goes silent). A slave without a
//! connection retries every 5 s.
//!
//! A (re)started slave connects only ~5 s after it starts (§2b): `BrokerController.start` starts
//! the store, and with it `HAClient`, before the broker registers with the name server, and the
//! master's HA address comes only from that registration's answer (`updateHaMasterAddress`). The
//! client's first loop finds no address and sleeps `waitForRunning(1000 * 5)`. Until it connects
//! the master has no `HAConnection` for it, so `isSlaveOK` is false (unless an old, silent
//! connection still lingers) and `SYNC_MASTER` sends get `SLAVE_NOT_AVAILABLE` at once.

use super::{Action, Sim};
use crate::event::{EventKind, NodeId, Topic};
use crate::scenario::FlushDiskType;
use crate::time::{SimDuration, SimTime};

/// `HAClient` waits this long between connection attempts.
const HA_RECONNECT: SimDuration = SimDuration::from_ms(5_000);

impl Sim {
    /// `HAClient.connectMaster` of `slave`: a new connection; its first report comes one
    /// heartbeat later.
    pub(crate) fn connect_slave(&mut self, slave: NodeId) {
        let slave_offset = self.node(slave).store.written;
        let id = self.open_connection(slave, None);
        let now = self.now;
        let link = self.ha.link_mut(slave);
        link.client_conn = Some(id);
        link.client_last_report = now;
        self.emit(EventKind::SlaveConnected { slave_offset, slave });
        let first_report = self.sc.broker.ha_send_heartbeat_interval;
        self.schedule(first_report, Action::SlaveFirstReport { conn: id });
    }

    /// `slave`'s process (re)started: its `HAClient` learns the master's address only from the
    /// broker's first registration, so its first connection attempt comes one 5 s wait later.
    pub(crate) fn start_ha_client(&mut self, slave: NodeId) {
        self.ha.link_mut(slave).disconnected_at = self.now;
        self.schedule_reconnect(slave);
    }

    /// The slave's first offset report on connection `id`.
    pub(super) fn on_slave_first_report(&mut self, id: u32) {
        let Some(slave) = self.ha.conn(id).map(|c| c.slave) else { return };
        if self.ha.link(slave).client_conn == Some(id) {
            self.report_slave_offset(slave);
        }
    }

    /// `HAClient.reportSlaveMaxOffset`: `slave` tells the master how far it has appended.
    pub(crate) fn report_slave_offset(&mut self, slave: NodeId) {
        let Some(id) = self.ha.link(slave).client_conn else { return };
        if !self.link_up(slave) || !self.slave_up(slave) {
            return;
        }
        self.ha.link_mut(slave).client_last_report = self.now;
        let offset = self.node(slave).store.written;
        self.schedule(self.sc.slave.replication_latency, Action::AckArrive { conn: id, offset });
    }

    pub(super) fn on_replica_arrive(&mut self, id: u32, from: u64, to: u64) {
        let Some(slave) = self.ha.conn(id).map(|c| c.slave) else { return };
        if self.ha.link(slave).client_conn != Some(id) || !self.slave_up(slave) || !self.master.is_up() {
            return;
        }
        // Records that start inside the batch; a record cut by the batch edge arrives whole with it.
        let records: Vec<_> = self.master.store.range(from, to).to_vec();
        let now = self.now;
        let ctrl_epoch = self.ctrl.as_ref().map(|c| c.epoch);
        let node = self.node_mut(slave);
        let before = node.store.written;
        for r in &records {
            if r.offset >= node.store.written {
                node.store.append_replica(r);
            }
        }
        let offset = node.store.written;
        if offset == before {
            return;
        }
        let sync_flush = node.flush_disk_type == FlushDiskType::SyncFlush;
        let dispatch_now = !node.store.dispatch_to_flushed;
        if let Some(epoch) = ctrl_epoch {
            node.ha_epoch = epoch;
        }
        for r in &records {
            self.ledger.get_mut(r.msg).replicated_at.get_or_insert(now);
        }
        self.emit(EventKind::ReplicaReceived { offset, slave });
        let queues: crate::vec_map::VecSet<(Topic, u8)> =
            records.iter().filter(|r| r.topic != Topic::Schedule).map(|r| (r.topic, r.queue_id)).collect();
        for (topic, queue_id) in queues {
            if dispatch_now {
                self.notify_dispatch(slave, topic, queue_id);
            }
        }
        if sync_flush {
            self.start_flush(slave);
        }
        self.report_slave_offset(slave);
    }

    /// Schedules `slave`'s next connection attempt on its 5 s retry rhythm.
    pub(crate) fn schedule_reconnect(&mut self, slave: NodeId) {
        let at = (self.now + SimDuration::from_us(1)).next_tick(self.ha.link(slave).disconnected_at, HA_RECONNECT);
        self.schedule_at(at, Action::SlaveReconnect { slave });
    }

    pub(super) fn on_slave_reconnect(&mut self, slave: NodeId) {
        if self.ha.link(slave).client_conn.is_some() || !self.slave_up(slave) {
            return;
        }
        if self.master.is_up() && self.link_up(slave) {
            // Controller mode: the handshake truncates first, or fails for good.
            if self.replicas_on_handshake(slave) {
                self.connect_slave(slave);
            }
            return;
        }
        // Keep trying only while the master and the link can still come back.
        let master_back = self.master.is_up() || self.master.restart_at.is_some();
        let link_back = self.link_up(slave) || self.ha.link(slave).link_down_until.is_some_and(|u| u < SimTime::MAX);
        if master_back && link_back {
            self.schedule_reconnect(slave);
        }
    }
}
