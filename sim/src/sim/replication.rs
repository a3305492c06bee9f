//! Master→slave replication (`HAService`, `HAConnection`, `HAClient`; spec §2 and §4b).
//!
//! The master pushes new commit-log bytes in batches of up to 32 KiB (`haTransferBatchSize`);
//! the slave appends them to its own page cache and reports its max offset, which advances the
//! master's `push2SlaveMaxOffset`. So `SEND_OK` under `SYNC_MASTER` means "in two page caches".
//! A clean stop or a process crash closes the connection at once; a slave that vanishes
//! silently (power loss, partition) is dropped only after `haHousekeepingInterval` without a
//! report (the slave reports at least every `haSendHeartbeatInterval`). A disconnected slave
//! retries every 5 s. A master that restarts behind its slave takes the slave's larger offset as
//! acknowledged and never re-sends the difference (4.x does not reconcile).

use super::{Action, Sim};
use crate::event::{EventKind, NodeId, Topic};
use crate::scenario::FlushDiskType;
use crate::time::{SimDuration, SimTime};

/// `haTransferBatchSize`.
const HA_TRANSFER_BATCH: u64 = 32 * 1024;
/// `HAClient` waits this long between connection attempts.
const HA_RECONNECT: SimDuration = SimDuration::from_ms(5_000);

impl Sim {
    fn link_up(&self) -> bool {
        self.ha.link_down_until.is_none_or(|u| u <= self.now)
    }

    /// Pushes whatever the slave lacks, if the connection and the link allow.
    pub(crate) fn push_to_slave(&mut self) {
        if !self.ha.connected || !self.master.is_up() || !self.slave_up() || !self.link_up() {
            return;
        }
        let written = self.master.store.written;
        let lat = self.sc.slave.replication_latency;
        while self.ha.transfer_from < written {
            let from = self.ha.transfer_from;
            let to = (from + HA_TRANSFER_BATCH).min(written);
            self.ha.transfer_from = to;
            let arrives_at = self.now + lat;
            self.emit(EventKind::ReplicaSent { from, to, arrives_at });
            self.schedule(lat, Action::ReplicaArrive { conn: self.ha.conn, from, to });
        }
    }

    pub(super) fn on_replica_arrive(&mut self, conn: u32, from: u64, to: u64) {
        if conn != self.ha.conn || !self.slave_up() || !self.master.is_up() {
            return;
        }
        // Records that start inside the batch; a record cut by the batch edge arrives whole with it.
        let records: Vec<_> = self.master.store.range(from, to).to_vec();
        let now = self.now;
        let slave = self.slave.as_mut().expect("slave up");
        let before = slave.store.written;
        for r in &records {
            if r.offset >= slave.store.written {
                slave.store.append_replica(r);
            }
        }
        let offset = slave.store.written;
        if offset == before {
            return;
        }
        let sync_flush = slave.flush_disk_type == FlushDiskType::SyncFlush;
        for r in &records {
            self.ledger.get_mut(r.msg).replicated_at.get_or_insert(now);
        }
        self.emit(EventKind::ReplicaReceived { offset });
        for topic in [Topic::Main, Topic::Retry, Topic::Dlq] {
            if records.iter().any(|r| r.topic == topic) {
                self.notify_dispatch(NodeId::Slave, topic);
            }
        }
        if sync_flush {
            self.start_flush(NodeId::Slave);
        }
        self.report_slave_offset();
    }

    /// `HAClient.reportSlaveMaxOffset`: the slave tells the master how far it has appended.
    pub(crate) fn report_slave_offset(&mut self) {
        if !self.link_up() || !self.slave_up() {
            return;
        }
        let offset = self.slave.as_ref().expect("slave").store.written;
        self.schedule(self.sc.slave.replication_latency, Action::AckArrive { conn: self.ha.conn, offset });
    }

    pub(super) fn on_ack_arrive(&mut self, conn: u32, offset: u64) {
        if conn != self.ha.conn || !self.master.is_up() {
            return;
        }
        self.ha.last_heard = self.now;
        if offset > self.ha.push2slave {
            self.ha.push2slave = offset;
            self.emit(EventKind::SlaveAcked { offset });
            self.complete_puts(None, Some(offset));
        }
    }

    /// The master loses its slave connection.
    pub(crate) fn disconnect_slave(&mut self, why: &'static str) {
        if !self.ha.connected {
            return;
        }
        self.ha.connected = false;
        self.ha.conn += 1;
        self.ha.disconnected_at = self.now;
        self.emit(EventKind::SlaveDisconnected { why });
    }

    /// The slave went silent at `now` (power loss, partition): the master notices only when
    /// `haHousekeepingInterval` has passed since the last report.
    pub(crate) fn slave_went_silent(&mut self) {
        if !self.ha.connected {
            return;
        }
        let heartbeat = self.sc.broker.ha_send_heartbeat_interval;
        let last_beat = self.now.last_tick(self.ha.connected_since, heartbeat).unwrap_or(self.ha.connected_since);
        let last_heard = self.ha.last_heard.max(last_beat);
        let at = last_heard + self.sc.broker.ha_housekeeping_interval;
        self.schedule_at(at, Action::Housekeeping { conn: self.ha.conn });
    }

    pub(super) fn on_housekeeping(&mut self, conn: u32) {
        if conn != self.ha.conn || !self.ha.connected {
            return;
        }
        let silent = !self.link_up() || !self.slave_up();
        if silent {
            self.disconnect_slave("no report for haHousekeepingInterval");
            if self.slave_up() {
                self.schedule_reconnect();
            }
        }
    }

    /// Schedules the slave's next connection attempt on its 5 s retry rhythm.
    pub(crate) fn schedule_reconnect(&mut self) {
        let at = (self.now + SimDuration::from_us(1)).next_tick(self.ha.disconnected_at, HA_RECONNECT);
        self.schedule_at(at, Action::SlaveReconnect);
    }

    pub(super) fn on_slave_reconnect(&mut self) {
        if self.ha.connected || !self.slave_up() {
            return;
        }
        if self.master.is_up() && self.link_up() {
            self.connect_slave();
            return;
        }
        // Keep trying only while the master and the link can still come back.
        let master_back = self.master.is_up() || self.master.restart_at.is_some();
        let link_back = self.link_up() || self.ha.link_down_until.is_some_and(|u| u < SimTime::MAX);
        if master_back && link_back {
            self.schedule_reconnect();
        }
    }

    /// A new HA connection: the slave reports its offset and the master pushes from there.
    pub(crate) fn connect_slave(&mut self) {
        let slave_offset = self.slave.as_ref().expect("slave").store.written;
        let master_offset = self.master.store.written;
        self.ha.connected = true;
        self.ha.conn += 1;
        self.ha.connected_since = self.now;
        self.ha.last_heard = self.now;
        self.emit(EventKind::SlaveConnected { slave_offset });
        if slave_offset > master_offset {
            // §4b: the master takes the slave's offset as acknowledged and never re-sends the gap.
            self.emit(EventKind::MasterBehindSlave { master_offset, slave_offset });
            self.ha.slave_ahead_at = Some(slave_offset);
            self.ha.transfer_from = slave_offset;
        } else {
            self.ha.transfer_from = slave_offset;
        }
        if slave_offset > self.ha.push2slave {
            self.ha.push2slave = slave_offset;
            self.emit(EventKind::SlaveAcked { offset: slave_offset });
            self.complete_puts(None, Some(slave_offset));
        }
        self.push_to_slave();
    }
}
