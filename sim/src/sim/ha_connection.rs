//! The master's side of replication: `HAService` and its `HAConnection`s (spec §2, §2b, §4b).
//!
//! Every slave (re)connect is a new connection. Its `WriteSocketService` pushes nothing until the
//! slave's first offset report (`slaveRequestOffset` is -1 until then), then feeds it from the
//! reported offset, or from the start of the master's current commit-log file when the slave
//! reports 0. It sends what is ready in batches of at most `haTransferBatchSize` (32 KiB), one
//! after the other as fast as the link carries them, and when it has sent everything it waits
//! up to 100 ms (`allWaitForRunning(100)`); only a `SYNC_MASTER` put wakes it early. So under
//! `ASYNC_MASTER` new data reaches the slave up to ~100 ms after the append, plus the network.
//! `ReadSocketService` takes the slave's reports: the maximum over them is `push2SlaveMaxOffset`.
//! A connection silent for `haHousekeepingInterval` is dropped; a connection counts for
//! `isSlaveOK` from the moment it exists, before its first report.

use super::{Action, Sim};
use crate::event::{EventKind, NodeId};
use crate::time::{SimDuration, SimTime};

/// `haTransferBatchSize`.
pub(crate) const HA_TRANSFER_BATCH: u64 = 32 * 1024;
/// `WriteSocketService`'s idle wait (`allWaitForRunning(100)`).
pub(crate) const HA_PUSH_IDLE_WAIT: SimDuration = SimDuration::from_ms(100);
/// `mappedFileSizeCommitLog`: a slave that reports 0 is fed from the start of the current file.
pub(crate) const MAPPED_FILE_SIZE_COMMIT_LOG: u64 = 1 << 30;

/// One `HAConnection` on the master.
#[derive(Clone, Debug)]
pub struct HaConnection {
    pub id: u32,
    /// The slave at the other end.
    pub slave: NodeId,
    pub connected_at: SimTime,
    /// `slaveRequestOffset`: `None` (-1) until the slave's first report.
    pub slave_request_offset: Option<u64>,
    /// `slaveAckOffset`: the slave's last report on this connection (5.x counts acks and
    /// in-sync replicas per connection, spec 5 §2–§3).
    pub slave_ack_offset: u64,
    /// `nextTransferFromWhere`, once the first report set it.
    pub next_transfer_from: Option<u64>,
    /// `lastReadTimestamp`: the last report heard (or the connect).
    pub last_report_at: SimTime,
    /// The slave side went silent at this time (power loss, partition) and has not spoken since.
    pub silent_since: Option<SimTime>,
    /// Bumped whenever the push thread's next wake-up is re-planned (stale wake-ups are ignored).
    pub(crate) push_gen: u32,
    /// The push thread sleeps (until its 100 ms wait ends or a `SYNC_MASTER` put wakes it).
    pub(crate) push_idle: bool,
    /// Controller mode (`AutoSwitchHAConnection`): the master's max offset at the last transfer
    /// (`lastMasterMaxOffset`) and when it was (`lastTransferTimeMs`): an ack reaching it means
    /// the slave was caught up then.
    pub(crate) last_master_max: Option<u64>,
    pub(crate) last_transfer_at: SimTime,
}

/// One slave's `HAClient` and its link to the master.
#[derive(Clone, Debug, Default)]
pub struct HaLink {
    /// The connection the slave's `HAClient` currently uses, if it has one.
    pub client_conn: Option<u32>,
    /// When the slave last reported on its connection.
    pub client_last_report: SimTime,
    pub disconnected_at: SimTime,
    /// The master↔slave link drops packets (partition) until this time.
    pub link_down_until: Option<SimTime>,
    /// The link is busy sending earlier batches until this time (finite bandwidth).
    pub link_free_at: SimTime,
}

/// The master's view of replication (`HAService`) plus each slave's `HAClient` ([`HaLink`]).
#[derive(Clone, Debug, Default)]
pub struct Ha {
    /// At least one connection exists (what `isSlaveOK` counts).
    pub connected: bool,
    /// The master's connections, oldest first; an old silent one lingers until housekeeping.
    pub conns: Vec<HaConnection>,
    /// `push2SlaveMaxOffset`: the largest offset any slave reported.
    pub push2slave: u64,
    /// Next connection id.
    pub(crate) next_conn: u32,
    /// Each slave's client and link, by slave index (`slave`, `slave2`).
    pub links: [HaLink; 2],
    /// §4b: a restarted master found its slave ahead at this offset.
    pub slave_ahead_at: Option<u64>,
    /// Where the master's commit log ended when it last restarted.
    pub master_recovered_to: u64,
}

impl Ha {
    /// The client and link of `slave`.
    pub fn link(&self, slave: NodeId) -> &HaLink {
        &self.links[slave.slave_index().expect("a slave")]
    }
    pub(crate) fn link_mut(&mut self, slave: NodeId) -> &mut HaLink {
        &mut self.links[slave.slave_index().expect("a slave")]
    }
    pub fn conn(&self, id: u32) -> Option<&HaConnection> {
        self.conns.iter().find(|c| c.id == id)
    }
    fn conn_mut(&mut self, id: u32) -> Option<&mut HaConnection> {
        self.conns.iter_mut().find(|c| c.id == id)
    }
}

impl Sim {
    /// The master↔`slave` link carries packets now.
    pub(crate) fn link_up(&self, slave: NodeId) -> bool {
        self.ha.link(slave).link_down_until.is_none_or(|u| u <= self.now)
    }

    /// The master accepts a connection from `slave` (`AcceptSocketService`).
    pub(crate) fn open_connection(&mut self, slave: NodeId, first_report_known: Option<u64>) -> u32 {
        let id = self.ha.next_conn;
        self.ha.next_conn += 1;
        self.ha.conns.push(HaConnection {
            id,
            slave,
            connected_at: self.now,
            slave_request_offset: first_report_known,
            slave_ack_offset: first_report_known.unwrap_or(0),
            next_transfer_from: first_report_known,
            last_report_at: self.now,
            silent_since: None,
            push_gen: 0,
            push_idle: true,
            last_master_max: None,
            last_transfer_at: self.now,
        });
        self.ha.connected = true;
        self.wake_push(id);
        id
    }

    /// Closes connection `id` (FIN from a stopped slave, housekeeping, the master going down).
    pub(crate) fn close_connection(&mut self, id: u32, why: &'static str) {
        let Some(i) = self.ha.conns.iter().position(|c| c.id == id) else { return };
        let slave = self.ha.conns.remove(i).slave;
        self.ha.connected = !self.ha.conns.is_empty();
        let now = self.now;
        let link = self.ha.link_mut(slave);
        if link.client_conn == Some(id) {
            link.client_conn = None;
            link.disconnected_at = now;
        }
        self.emit(EventKind::SlaveDisconnected { why, slave });
    }

    /// Closes every connection at once (the master went down): one event per slave that had any.
    pub(crate) fn close_all_connections(&mut self, why: &'static str) {
        if self.ha.conns.is_empty() {
            return;
        }
        let had: Vec<NodeId> = NodeId::SLAVES.into_iter().filter(|&s| self.ha.conns.iter().any(|c| c.slave == s)).collect();
        self.ha.conns.clear();
        self.ha.connected = false;
        let now = self.now;
        for link in &mut self.ha.links {
            link.client_conn = None;
            link.disconnected_at = now;
        }
        for slave in had {
            self.emit(EventKind::SlaveDisconnected { why, slave });
        }
    }

    /// `WaitNotifyObject.wakeupAll`: a `SYNC_MASTER` put wakes every sleeping push thread.
    pub(crate) fn wake_all_push(&mut self) {
        let ids: Vec<u32> = self.ha.conns.iter().filter(|c| c.push_idle).map(|c| c.id).collect();
        for id in ids {
            self.wake_push(id);
        }
    }

    /// Plans the push thread of `id` to look for data now.
    pub(crate) fn wake_push(&mut self, id: u32) {
        let Some(c) = self.ha.conn_mut(id) else { return };
        if !c.push_idle {
            return; // busy sending: it looks again when the batch is out
        }
        c.push_gen += 1;
        let gen = c.push_gen;
        self.schedule_at(self.now, Action::HaPush { conn: id, gen, idle: false });
    }

    /// The end of the master's commit log readers may see (HA pushes only that).
    pub(crate) fn master_readable_end(&self) -> u64 {
        self.master.store.readable_end()
    }

    /// `WriteSocketService.run`, one turn: send a batch if there is one, else sleep 100 ms.
    pub(super) fn on_ha_push(&mut self, id: u32, gen: u32) {
        let Some(c) = self.ha.conn(id) else { return };
        if c.push_gen != gen {
            return;
        }
        let slave = c.slave;
        let can_send = self.master.is_up()
            && self.link_up(slave)
            && self.slave_up(slave)
            && self.ha.link(slave).client_conn == Some(id);
        let end = self.master_readable_end();
        let from = c.next_transfer_from;
        let link_free_at = self.ha.link(slave).link_free_at;
        let c = self.ha.conn_mut(id).expect("present");
        c.push_gen += 1;
        let gen = c.push_gen;
        match from {
            Some(from) if can_send && from < end => {
                let to = (from + HA_TRANSFER_BATCH).min(end);
                c.next_transfer_from = Some(to);
                c.push_idle = false;
                c.last_master_max = Some(self.master.store.written);
                c.last_transfer_at = self.now;
                let start = self.now.max(link_free_at);
                let bw = self.sc.slave.replication_bytes_per_ms.max(1);
                let sent_at = start + SimDuration::from_us(((to - from) * 1_000).div_ceil(bw));
                self.ha.link_mut(slave).link_free_at = sent_at;
                let arrives_at = sent_at + self.sc.slave.replication_latency;
                self.emit(EventKind::ReplicaSent { from, to, arrives_at, slave });
                self.schedule_at(arrives_at, Action::ReplicaArrive { conn: id, from, to });
                // The thread loops without waiting while more is ready; it is back once the batch is out.
                self.schedule_at(sent_at, Action::HaPush { conn: id, gen, idle: false });
            }
            _ => {
                c.push_idle = true;
                self.schedule(HA_PUSH_IDLE_WAIT, Action::HaPush { conn: id, gen, idle: true });
                if can_send && from == Some(end) && self.ctrl.is_some() {
                    // `AutoSwitchHAConnection.transferToSlave`: nothing left to send counts as
                    // caught up now (`updateConnectionLastCaughtUpTime`).
                    let b = self.node(slave).broker_id;
                    self.caught_up_at.insert(b, self.now);
                }
            }
        }
    }

    /// Replication still has bytes to move over a working connection (keeps a run alive).
    pub(crate) fn replication_pending(&self) -> bool {
        let end = self.master_readable_end();
        self.master.is_up()
            && self.slave_ids().any(|s| {
                self.slave_up(s)
                    && self.link_up(s)
                    && self.ha.link(s).client_conn.and_then(|id| self.ha.conn(id)).is_some_and(|c| c.next_transfer_from.is_some_and(|f| f < end))
            })
    }

    /// `ReadSocketService`: a report from the slave on connection `id`.
    pub(super) fn on_ack_arrive(&mut self, id: u32, offset: u64) {
        if !self.master.is_up() {
            return;
        }
        let master_offset = self.master.store.written;
        let now = self.now;
        let Some(c) = self.ha.conn_mut(id) else { return };
        c.last_report_at = now;
        c.silent_since = None;
        c.slave_ack_offset = offset;
        let slave = c.slave;
        let (last_master_max, last_transfer) = (c.last_master_max, c.last_transfer_at);
        let first = c.slave_request_offset.is_none();
        if first {
            c.slave_request_offset = Some(offset);
            let from = if offset == 0 { master_offset - master_offset % MAPPED_FILE_SIZE_COMMIT_LOG } else { offset };
            c.next_transfer_from = Some(from);
            self.emit(EventKind::SlaveReported { slave_offset: offset, transfer_from: from, slave });
            // Controller mode's handshake truncated the slave to the master already.
            if self.ctrl.is_none() && (offset > master_offset || self.slave_log_diverged(slave)) {
                // §4b: the master takes the slave's offset as acknowledged and never re-sends the
                // gap, even once its new writes have passed that offset: they differ from the
                // slave's bytes below it.
                let master_offset = master_offset.min(self.ha.master_recovered_to);
                self.emit(EventKind::MasterBehindSlave { master_offset, slave_offset: offset });
                self.ha.slave_ahead_at = Some(self.ha.slave_ahead_at.map_or(offset, |a| a.max(offset)));
            }
            self.wake_push(id);
        }
        self.replicas_on_ack(slave, offset, last_master_max, last_transfer);
        if offset > self.ha.push2slave {
            self.ha.push2slave = offset;
            self.emit(EventKind::SlaveAcked { offset, slave });
            self.notify_transfer_some();
        } else {
            // Not above `push2SlaveMaxOffset`: `notifyTransferSome` does not wake the service.
            // 5.x counts each connection's ack and polls every 1 ms, so with two slaves the
            // second's report still counts, at the next poll.
            self.transfer_sees_at_next_poll(offset);
        }
    }

    /// The slave's last record is not the master's record at that offset: the master restarted
    /// behind the slave and wrote new messages over the range the slave still holds.
    fn slave_log_diverged(&self, slave: NodeId) -> bool {
        let Some(last) = self.slave_node(slave).and_then(|s| s.store.records.last()) else { return false };
        self.master.store.range(last.offset, last.offset + 1).first().is_none_or(|m| m.copy != last.copy)
    }

    /// `slave` went silent at `now` (power loss, partition): the master notices only when
    /// `haHousekeepingInterval` has passed since the last report it heard on each of its
    /// connections (an idle slave reports every `haSendHeartbeatInterval`).
    pub(crate) fn slave_went_silent(&mut self, slave: NodeId) {
        let heartbeat = self.sc.broker.ha_send_heartbeat_interval;
        let housekeeping = self.sc.broker.ha_housekeeping_interval;
        let now = self.now;
        let mut plans = Vec::new();
        for c in self.ha.conns.iter_mut().filter(|c| c.slave == slave && c.silent_since.is_none()) {
            c.silent_since = Some(now);
            // Idle heartbeats follow the last report; none before the first one.
            let last = match c.slave_request_offset {
                Some(_) => now.last_tick(c.last_report_at, heartbeat).unwrap_or(c.last_report_at),
                None => c.last_report_at,
            };
            c.last_report_at = last;
            plans.push((c.id, last + housekeeping));
        }
        for (id, at) in plans {
            self.schedule_at(at, Action::Housekeeping { conn: id });
        }
    }

    pub(super) fn on_housekeeping(&mut self, id: u32) {
        let Some(c) = self.ha.conn(id) else { return };
        if c.silent_since.is_none() {
            return; // it spoke again
        }
        let slave = c.slave;
        let client_lost = self.ha.link(slave).client_conn == Some(id);
        self.close_connection(id, "no report for haHousekeepingInterval");
        if client_lost && self.slave_up(slave) {
            self.schedule_reconnect(slave);
        }
    }
}
