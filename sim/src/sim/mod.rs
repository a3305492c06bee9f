//! The simulator: one event queue, one dispatcher, handlers that schedule follow-ups.
//!
//! Handlers never call each other across a time gap: anything that happens later is an
//! [`Action`] in the queue, ordered by (time, class, insertion sequence), faults last at their time. Each processed action appends
//! zero or more past-tense [`Event`]s to the log. The same scenario and seed always give the
//! same log, however the run is chunked ([`Sim::run_until`]) and on every platform.

mod ack_message_processor;
mod broker;
mod commit_real_time_service;
mod consumer;
pub mod controller;
mod faults;
mod finish;
mod grpc_producer;
mod group_transfer_service;
mod ha_client;
mod ha_connection;
mod pop_buffer_merge_service;
mod pop_message_processor;
mod pop_revive_service;
mod process_queue_impl;
mod producer;
mod proxy;
mod pull_message_service;
mod pull_request_hold_service;
mod receipt_handle_manager;
mod replicas_manager;
mod schedule_message_service;
mod slave_synchronize;

use crate::broker::store::{CopyId, Store};
use crate::event::{EndReason, Event, EventKind, MsgId, NodeId, QueueKind, SendError, SendStatus, Topic};
use crate::ledger::Ledger;
use crate::log::{EventLog, LogMode};
use crate::queue::TimeQueue;
use crate::rng::{SimRng, Stream};
use crate::scenario::{limits, Fault, FlushDiskType, Scenario};
use crate::time::{SimDuration, SimTime};
use crate::vec_map::{DequeMap, VecMap, VecSet};

pub use consumer::ConsumerView;
pub use faults::FaultRefusal;
pub use ha_connection::{Ha, HaConnection};
pub use pop_message_processor::{PopAnswer, PopEnd, PopTrace};
pub use pull_request_hold_service::{BROKER_SUSPEND_MAX, HOLD_CHECK_INTERVAL};
pub use slave_synchronize::SLAVE_SYNC_PERIOD;

/// Something scheduled to happen at a simulated time. Internal: the log records what it did.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Action {
    /// Logs `VersionSelected` first thing (a run not on 4.9.8 only).
    AnnounceVersion,
    FaultStart(usize),
    FaultEnd(usize),
    Restart { node: NodeId, epoch: u32 },
    ProducerSend(MsgId),
    RequestArrive { msg: MsgId, attempt: u32, queue: u8, epoch: u32 },
    AttemptRefused { msg: MsgId, attempt: u32 },
    ResponseArrive { msg: MsgId, attempt: u32, result: Result<SendStatus, SendError> },
    ClientTimeout { msg: MsgId, attempt: u32 },
    /// A gRPC attempt reached the cluster-mode proxy.
    ProxyRequest { msg: MsgId, attempt: u32, queue: u8 },
    /// The cluster-mode proxy's call to the broker timed out.
    ProxyCallTimeout { msg: MsgId, attempt: u32 },
    /// The gRPC producer's `TOO_MANY_REQUESTS` backoff is over.
    GrpcResend(MsgId),
    FlushTick { node: NodeId, epoch: u32 },
    CommitTick { epoch: u32, gen: u32 },
    FlushDone { node: NodeId, epoch: u32, gen: u32, to: u64 },
    FlushDeadline { put: u64 },
    TransferRecheck { gen: u32 },
    HaPush { conn: u32, gen: u32, idle: bool },
    ReplicaArrive { conn: u32, from: u64, to: u64 },
    SlaveFirstReport { conn: u32 },
    AckArrive { conn: u32, offset: u64 },
    Housekeeping { conn: u32 },
    SlaveReconnect { slave: NodeId },
    RouteUpdate,
    ScheduleDue { copy: CopyId, epoch: u32 },
    PullArrive { queue: QueueKind, cepoch: u32, node: NodeId, nepoch: u32, offset: u64, commit: Option<u64> },
    PullResponse { queue: QueueKind, cepoch: u32, entries: Vec<(u64, CopyId)> },
    PullLater { queue: QueueKind, cepoch: u32 },
    HoldCheck { node: NodeId, nepoch: u32 },
    PullNotFound { queue: QueueKind, cepoch: u32, seq: u32 },
    SlaveReset { conn: u32 },
    /// (`pop`: the gRPC consumer's pop the message came from, its entry in the pop trace.)
    ConsumeDone { queue: QueueKind, cepoch: u32, qoffset: u64, copy: CopyId, attempt_rc: u32, pop: Option<u32> },
    SendBackArrive { queue: QueueKind, cepoch: u32, qoffset: u64, copy: CopyId, rpc: u32 },
    SendBackAck { queue: QueueKind, cepoch: u32, qoffset: u64, rpc: u32 },
    SendBackTimeout { queue: QueueKind, cepoch: u32, qoffset: u64, copy: CopyId, attempt_rc: u32, rpc: u32 },
    /// The timeout of the client's own send to `%RETRY%` (`sendMessageBack`'s catch block).
    SendBackFallbackTimeout { queue: QueueKind, cepoch: u32, qoffset: u64, copy: CopyId, attempt_rc: u32, rpc: u32 },
    /// The client's own send of a failed message to `%RETRY%<group>` reached the master.
    SendBackFallbackArrive { queue: QueueKind, cepoch: u32, qoffset: u64, copy: CopyId, attempt_rc: u32, rpc: u32 },
    LocalRetry { queue: QueueKind, cepoch: u32, qoffset: u64, copy: CopyId, attempt_rc: u32 },
    PersistTick { cepoch: u32 },
    ConsumerStart { cepoch: u32 },
    DlqConsume { copy: CopyId },
    SlaveSync { node: NodeId, epoch: u32 },
    DelayOffsetPersist { epoch: u32 },
    Rebalance { cepoch: u32 },
    /// The controller decides the group's master (`electMaster`).
    ControllerElect { gen: u32 },
    /// The controller's outage ends.
    ControllerBack { gen: u32 },
    /// The controller's notification reaches the elected broker (`changeToMaster`).
    ChangeToMaster { broker: u32, epoch: u32 },
    /// The master's `checkSyncStateSetAndDoReport` (for its node epoch).
    CheckSyncStateSet { epoch: u32 },
    /// gRPC consumer: a receive reaches the master through the proxy (`PopMessageProcessor`).
    PopArrive { queue: QueueKind, cepoch: u32 },
    /// gRPC consumer: a queue whose cache was full receives again.
    PopReceiveLater { queue: QueueKind, cepoch: u32 },
    /// gRPC consumer: popped messages (queue offset, copy, entry in the pop trace) reach the client.
    PopResponse { queue: QueueKind, cepoch: u32, entries: Vec<(u64, CopyId, usize)> },
    /// The proxy's cached route (`TopicRouteService`'s cache, `refreshAfterWrite` 20 s) reloads
    /// from the name server.
    ProxyRouteRefresh,
    /// gRPC consumer: an ack (`nack: None`) or a nack with its backoff reaches the master.
    PopAnswerArrive { copy: CopyId, gen: u32, nack: Option<SimDuration>, cepoch: u32 },
    /// `PopReviveService` looks at a checkpoint (generation `gen`, master epoch `epoch`).
    PopRevive { copy: CopyId, gen: u32, epoch: u32 },
    /// The proxy renews a held message's invisible time.
    PopRenew { copy: CopyId, gen: u32 },
    /// The proxy's channel scan removed the expired channel of client `cepoch` (`clearGroup`).
    ProxyClearGroup { cepoch: u32 },
}

impl Action {
    /// Order among actions due at the same time: a fault comes after everything else due then.
    /// So a fault "at t" in a scenario file and one injected at t (after running to t) are the
    /// same run, and share links that turn injected faults into scenario faults replay exactly.
    fn class(&self) -> u8 {
        match self {
            Action::FaultStart(_) => 1,
            _ => 0,
        }
    }

    /// Background actions (idle service ticks) do not keep a run alive.
    fn is_background(&self) -> bool {
        matches!(
            self,
            Action::FlushTick { .. } | Action::CommitTick { .. } | Action::HaPush { idle: true, .. } | Action::SlaveSync { .. }
                | Action::DelayOffsetPersist { .. }
                | Action::HoldCheck { .. }
                | Action::CheckSyncStateSet { .. }
        )
    }
}

/// Whether a broker is serving.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeState {
    Up,
    /// The process is down; the machine answers with connection refused.
    ProcessDown,
    /// The machine is off (power loss, destroyed disk): packets vanish.
    MachineDown,
    /// Stopped cleanly (`SLAVE_DOWN`).
    Stopped,
}

/// One broker: its store and its flush service.
#[derive(Clone, Debug)]
pub struct Node {
    /// The node's position: `Master`, or the slave it is (after a controller-mode failover the
    /// promoted broker's node moves to `Master`).
    pub id: NodeId,
    /// The broker's own id (`brokerId`: 0 started as master, 1 and 2 as slaves); it stays with
    /// the broker whatever its role.
    pub broker_id: u32,
    /// Controller mode: the master epoch of the last data it holds (its epoch file's last entry).
    pub ha_epoch: u32,
    pub state: NodeState,
    /// Bumped at each crash so that stale actions are ignored.
    pub epoch: u32,
    pub store: Store,
    pub flush_disk_type: FlushDiskType,
    /// Target offset of the flush in progress.
    pub flush_in_progress: Option<u64>,
    pub(crate) flush_gen: u32,
    pub(crate) flush_done_at: SimTime,
    /// `lastFlushTimestamp` of the last thorough flush; `None` (0 in RocketMQ) after a start.
    pub(crate) last_thorough: Option<SimTime>,
    /// `CommitRealTimeService.lastCommitTimestamp`; `None` (0) after a start.
    pub(crate) last_commit: Option<SimTime>,
    pub(crate) commit_gen: u32,
    /// `DISK_SLOW` factor (1 when healthy).
    pub slow_factor: u32,
    /// `DISK_STALL`: no flush completes before this time.
    pub stalled_until: Option<SimTime>,
    /// When the broker (re)started: its services' timers count from it.
    pub(crate) started_at: SimTime,
    /// `PullRequestHoldService`'s next check is scheduled (for this epoch).
    pub(crate) hold_check_armed: Option<u32>,
    /// Consume offsets stored on this broker, by queue.
    pub offsets: VecMap<QueueKind, u64>,
    /// When it will restart, if it is down and will.
    pub restart_at: Option<SimTime>,
    /// Bytes the last crash cut from the commit log (reported by the restart's recovery).
    pub(crate) truncated_by_crash: u64,
    /// While down: since when, and the worst that hit it (a lost disk over a power loss over a
    /// dead process); see [`faults`] for how outages compose.
    pub(crate) down: Option<(SimTime, crate::event::CrashKind)>,
    /// The machine is off until then (`SimTime::MAX`: for the rest of the run).
    pub(crate) machine_off_until: Option<SimTime>,
    /// The broker process is kept down until then, even with the machine on (a crash's
    /// downtime; `SimTime::MAX` after `SLAVE_DOWN` or a crash with no restart), and how it went.
    pub(crate) process_held: Option<(SimTime, crate::event::CrashKind)>,
}

impl Node {
    fn new(id: NodeId, flush_disk_type: FlushDiskType) -> Self {
        Node {
            id,
            broker_id: id.slave_index().map_or(0, |i| i as u32 + 1),
            ha_epoch: 1,
            state: NodeState::Up,
            epoch: 0,
            store: Store::default(),
            flush_disk_type,
            flush_in_progress: None,
            flush_gen: 0,
            flush_done_at: SimTime::ZERO,
            last_thorough: None,
            last_commit: None,
            commit_gen: 0,
            slow_factor: 1,
            stalled_until: None,
            started_at: SimTime::ZERO,
            hold_check_armed: None,
            offsets: VecMap::new(),
            restart_at: None,
            truncated_by_crash: 0,
            down: None,
            machine_off_until: None,
            process_held: None,
        }
    }
    pub fn is_up(&self) -> bool {
        self.state == NodeState::Up
    }
}

/// A send the master holds until its flush and replication parts complete.
#[derive(Clone, Debug)]
pub(crate) struct PendingPut {
    pub reply: Reply,
    pub copy: CopyId,
    pub next_offset: u64,
    /// `None` while waiting; `Some(None)` done OK; `Some(Some(s))` done with a failure status.
    pub flush: Option<Option<SendStatus>>,
    pub replica: Option<Option<SendStatus>>,
    /// `SYNC_MASTER`: when `GroupTransferService` gives up (checked only when it wakes); 4.7.0
    /// sets it only when the service starts on the request.
    pub slave_deadline: Option<SimTime>,
    /// When the put was held (`GroupCommitRequest.startTimestamp`).
    pub created: SimTime,
    /// 5.x `needAckNums`: replicas, the master included, whose ack the put waits for.
    pub need_ack: u32,
}

/// Who waits for a held put's answer.
#[derive(Clone, Debug)]
pub(crate) enum Reply {
    /// A producer's send (`sendMessageBack` waits for nothing, so it is never held).
    Producer { msg: MsgId, attempt: u32 },
}

/// What the simulator knows about one stored copy (shared by master and slave replicas).
#[derive(Clone, Debug)]
pub struct CopyInfo {
    pub msg: MsgId,
    pub topic: Topic,
    /// The queue of `topic` it was dispatched to (`queueId`).
    pub queue_id: u8,
    pub reconsume_times: u32,
    pub appended_at: SimTime,
    /// The consumer finished it (consumed, or sent back), or the schedule service moved it.
    pub handled: bool,
    /// Producer attempt that created it (main-topic copies only).
    pub attempt: Option<u32>,
    /// `SendStatus` the producer was sent for this copy, if any.
    pub answered: Option<SendStatus>,
    pub due_at: Option<SimTime>,
}

/// Commands from outside the simulation (the UI's buttons), applied at [`Sim::now`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Inject a fault now (its `at` is ignored and set to now).
    Inject(Fault),
}

/// The simulation of one scenario.
pub struct Sim {
    pub(crate) sc: Scenario,
    now: SimTime,
    queue: TimeQueue<(SimTime, u8, u64), Action>,
    next_seq: u64,
    foreground: usize,
    log: EventLog,
    actions: u64,
    ended: Option<EndReason>,
    pub(crate) disk_rng: SimRng,
    pub(crate) consumer_rng: SimRng,
    pub(crate) master: Node,
    /// The slaves, in `brokerId` order (`slave`, `slave2`); empty without `[slave] enabled`.
    pub(crate) slaves: Vec<Node>,
    pub(crate) ha: Ha,
    pub(crate) gts: group_transfer_service::GroupTransfer,
    /// When the master last started (the schedule service's timers count from it).
    pub(crate) master_started_at: SimTime,
    /// Schedule entries the master moved to `%RETRY%` since it last saved `delayOffset.json`.
    pub(crate) unsaved_moves: Vec<CopyId>,
    pub(crate) puts: DequeMap<u64, PendingPut>,
    pub(crate) next_put: u64,
    pub(crate) copies: Vec<CopyInfo>,
    pub(crate) producer: producer::Producer,
    /// The proxy in front of the broker (gRPC clients, 5.3.3).
    pub(crate) proxy: proxy::Proxy,
    pub(crate) consumer: consumer::Consumer,
    /// The gRPC consumer's POP state: the master's checkpoints and the client's cache.
    pub(crate) pop: pop_message_processor::Pop,
    /// The proxy's receipt handles of the gRPC consumer's messages (auto-renew).
    pub(crate) handles: receipt_handle_manager::ReceiptHandles,
    /// Which node the consumers' route points at.
    pub(crate) route: NodeId,
    /// When the name server dropped (or will drop) the dead master from the route; `None` while
    /// the master is up. A consumer that starts fetches the route from the name server at once.
    pub(crate) namesrv_master_gone_at: Option<SimTime>,
    /// The producer's route shows no master (after a route poll while the master was down).
    pub(crate) producer_no_route: bool,
    /// The producer↔master link drops packets until this time.
    pub(crate) producer_link_down_until: Option<SimTime>,
    /// All faults: the scenario's plus injected ones, by index.
    pub(crate) faults: Vec<Fault>,
    /// Faults in force whose end is still to come (indexes into `faults`).
    pub(crate) active_faults: VecSet<usize>,
    /// Faults that could not apply: (index into `faults`, why), in the order they were due.
    pub(crate) refused: Vec<(usize, FaultRefusal)>,
    pub(crate) ledger: Ledger,
    /// Send attempts refused with `IN_SYNC_REPLICAS_NOT_ENOUGH` (5.x, spec 5 §3).
    pub(crate) in_sync_refusals: u32,
    /// Controller mode: the controller's state (`None` in master-slave mode).
    pub(crate) ctrl: Option<controller::Controller>,
    /// Controller mode: each slave's last caught-up time (`connectionCaughtUpTimeTable`), by brokerId.
    pub(crate) caught_up_at: VecMap<u32, SimTime>,
    /// Controller mode: the master's confirm offset.
    pub(crate) confirm_offset: u64,
    /// The brokerId the producer's route names as master (it learns a new one at its route poll).
    pub(crate) producer_broker: u32,
    pub(crate) finished: bool,
    event_limit: u64,
}

/// Bytes of one queued action (the benchmarks' bare-queue baseline queues payloads this size).
pub const QUEUED_ACTION_BYTES: usize = std::mem::size_of::<Action>();

/// Most puts the master holds waiting for flush or slave before it answers `SYSTEM_BUSY`
/// (standing for `sendThreadPoolQueueCapacity`, 10000).
pub const MAX_PENDING_PUTS: usize = 10_000;

impl Sim {
    /// A simulation of `scenario` with its own seed.
    pub fn new(scenario: &Scenario) -> Sim {
        let sc = scenario.clone();
        let seed = sc.seed;
        let mut sim = Sim {
            now: SimTime::ZERO,
            queue: TimeQueue::new(),
            next_seq: 0,
            foreground: 0,
            log: EventLog::default(),
            actions: 0,
            ended: None,
            disk_rng: SimRng::stream(seed, Stream::Disk),
            consumer_rng: SimRng::stream(seed, Stream::Consumer),
            master: {
                let mut m = Node::new(NodeId::Master, sc.broker.flush_disk_type);
                m.store.write_buffer = sc.broker.uses_transient_store_pool();
                // (Not in controller mode: the confirm offset decides there, spec 5 §2, §4.)
                m.store.dispatch_to_flushed = sc.rules().sync_flush_dispatch_flushed_only
                    && sc.broker.flush_disk_type == FlushDiskType::SyncFlush
                    && !sc.controller_mode();
                m
            },
            slaves: (0..sc.slave_count())
                .map(|i| {
                    let mut s = Node::new(NodeId::slave(i), sc.slave.flush_disk_type);
                    s.store.dispatch_to_flushed = sc.rules().sync_flush_dispatch_flushed_only
                        && sc.slave.flush_disk_type == FlushDiskType::SyncFlush
                        && !sc.controller_mode();
                    s
                })
                .collect(),
            ha: Ha::default(),
            gts: Default::default(),
            master_started_at: SimTime::ZERO,
            unsaved_moves: Vec::new(),
            puts: DequeMap::new(),
            next_put: 0,
            // One copy per message at least, in a run without faults.
            copies: Vec::with_capacity(sc.producer.messages as usize),
            producer: producer::Producer::new(sc.producer.messages, sc.producer.threads.unwrap_or(1)),
            proxy: proxy::Proxy::default(),
            consumer: consumer::Consumer::new(sc.topic.read_queue_nums),
            pop: Default::default(),
            handles: Default::default(),
            route: NodeId::Master,
            namesrv_master_gone_at: None,
            producer_no_route: false,
            producer_link_down_until: None,
            faults: sc.faults.clone(),
            active_faults: Default::default(),
            refused: Vec::new(),
            ledger: Ledger::new(sc.producer.messages),
            in_sync_refusals: 0,
            ctrl: sc.controller_mode().then(|| controller::Controller::new(0..1 + sc.slave_count() as u32)),
            caught_up_at: VecMap::new(),
            confirm_offset: 0,
            producer_broker: 0,
            finished: false,
            event_limit: u64::MAX,
            sc,
        };
        sim.start();
        sim
    }

    /// A simulation of `scenario` under another seed.
    pub fn with_seed(scenario: &Scenario, seed: u64) -> Sim {
        let mut sc = scenario.clone();
        sc.seed = seed;
        Sim::new(&sc)
    }

    fn start(&mut self) {
        if self.sc.version != crate::rocketmq_version::RocketMqVersion::default() {
            // An action rather than an event in `new`: the log mode is chosen after `new`.
            self.schedule_at(SimTime::ZERO, Action::AnnounceVersion);
        }
        let mut order: Vec<usize> = (0..self.faults.len()).collect();
        crate::sort::sort_by_key(&mut order, |&i| (self.faults[i].at, i));
        for i in order {
            let at = self.faults[i].at;
            self.schedule_at(at, Action::FaultStart(i));
        }
        self.start_producer();
        self.start_delay_offset_persist();
        if self.sc.broker.flush_disk_type == FlushDiskType::AsyncFlush {
            self.schedule(self.sc.broker.flush_interval_commit_log, Action::FlushTick { node: NodeId::Master, epoch: 0 });
        }
        for i in 0..self.slaves.len() {
            let slave = NodeId::slave(i);
            if self.slaves[i].flush_disk_type == FlushDiskType::AsyncFlush {
                self.schedule(self.sc.broker.flush_interval_commit_log, Action::FlushTick { node: slave, epoch: 0 });
            }
            // The slave has long been connected and reporting when the run starts.
            let id = self.open_connection(slave, Some(0));
            self.ha.link_mut(slave).client_conn = Some(id);
            self.start_slave_synchronize(slave);
        }
        if self.sc.consumer.enabled {
            self.schedule_at(self.sc.consumer.start_at, Action::ConsumerStart { cepoch: 0 });
        }
        self.start_sync_state_set_check();
    }

    /// Lowers the event limit (default [`limits::MAX_EVENTS`], or
    /// [`limits::MAX_EVENTS_STREAMED`] when the log is not kept); the run then ends with
    /// `EventLimit` instead of going on.
    pub fn set_event_limit(&mut self, limit: u64) {
        self.event_limit = limit;
    }

    /// The event limit in force: the one set, within the cap for the log mode (a kept log
    /// holds every event in memory).
    fn effective_event_limit(&self) -> u64 {
        let cap = if self.log.mode() == LogMode::Retain { limits::MAX_EVENTS } else { limits::MAX_EVENTS_STREAMED };
        self.event_limit.min(cap)
    }

    /// The scenario this run simulates.
    pub fn scenario(&self) -> &Scenario {
        &self.sc
    }

    /// What the scenario's RocketMQ release does differently ([`crate::rocketmq_version`]).
    pub fn rules(&self) -> &'static crate::rocketmq_version::VersionRules {
        self.sc.version.rules()
    }

    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Every event so far, in order ([`LogMode::Retain`], the default); with [`LogMode::Digest`],
    /// only the latest action's.
    pub fn events(&self) -> &[Event] {
        self.log.events()
    }

    /// Keeps the whole log (default) or streams it into the digest, for runs too long to hold
    /// every line. Call before the run starts; the digest is the same either way.
    pub fn set_log_mode(&mut self, mode: LogMode) {
        self.log.set_mode(mode);
    }

    /// SHA-256 over the event lines so far ([`crate::report::digest`] of the whole log); `None`
    /// when the log is discarded ([`LogMode::Discard`]).
    pub fn log_digest(&self) -> Option<String> {
        self.log.digest()
    }

    /// How many events the run has logged.
    pub fn events_emitted(&self) -> u64 {
        self.log.emitted()
    }

    /// How many scheduled actions the run has processed.
    pub fn actions_processed(&self) -> u64 {
        self.actions
    }

    /// Why the run ended, once it has.
    pub fn ended(&self) -> Option<EndReason> {
        self.ended
    }

    /// The master broker.
    pub fn master(&self) -> &Node {
        &self.master
    }

    /// The (first) slave broker, if the scenario has one.
    pub fn slave(&self) -> Option<&Node> {
        self.slaves.first()
    }

    /// Every slave broker, in `brokerId` order (`slave`, then `slave2`).
    pub fn slaves(&self) -> &[Node] {
        &self.slaves
    }

    /// The master's replication state.
    pub fn ha(&self) -> &Ha {
        &self.ha
    }

    /// Stored copies, by [`CopyId`].
    pub fn copies(&self) -> &[CopyInfo] {
        &self.copies
    }

    /// Which copies `store` holds, by [`CopyId`] (a bitmap over [`Self::copies`]).
    pub(crate) fn copies_on(&self, store: &Store) -> Vec<bool> {
        let mut on = vec![false; self.copies.len()];
        for r in &store.records {
            on[r.copy] = true;
        }
        on
    }

    /// Every pop of the gRPC consumer (`[consumer] client = "grpc"`) in order: its queue, times,
    /// renewals, the answer the master took and how its checkpoint ended. Empty otherwise.
    pub fn pop_trace(&self) -> &[PopTrace] {
        &self.pop.trace
    }

    /// Send attempts the master refused with `IN_SYNC_REPLICAS_NOT_ENOUGH` so far.
    pub fn in_sync_replicas_not_enough(&self) -> u32 {
        self.in_sync_refusals
    }

    /// Every message's stages (and, after the run ended, its verdict).
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Every fault that could not apply so far (its `at` is when it was due), with why; the
    /// log names each too (`FaultRefused`), but a streamed log keeps no lines.
    pub fn refused_faults(&self) -> impl Iterator<Item = (&Fault, FaultRefusal)> + '_ {
        self.refused.iter().map(|&(i, why)| (&self.faults[i], why))
    }

    /// Until when the producer↔master link is partitioned, if it is.
    pub fn producer_link_down_until(&self) -> Option<SimTime> {
        self.producer_link_down_until.filter(|&u| u > self.now)
    }

    /// Where consumers currently read from.
    pub fn route(&self) -> NodeId {
        self.route
    }

    /// Where the gRPC consumer's receives go now: the master, or (outside controller mode) the
    /// slave while the proxy's read route lists no master (spec 5 §5).
    pub fn pop_reads_from(&self) -> NodeId {
        self.pop_read_node()
    }

    /// The time of the next scheduled action, if any.
    pub fn next_at(&self) -> Option<SimTime> {
        self.queue.peek_key().map(|(at, _, _)| *at)
    }

    pub(crate) fn node(&self, id: NodeId) -> &Node {
        match id.slave_index() {
            None => &self.master,
            Some(i) => self.slaves.get(i).expect("no such slave configured"),
        }
    }

    pub(crate) fn node_mut(&mut self, id: NodeId) -> &mut Node {
        match id.slave_index() {
            None => &mut self.master,
            Some(i) => self.slaves.get_mut(i).expect("no such slave configured"),
        }
    }

    /// The slave `id`, if the scenario has it.
    pub(crate) fn slave_node(&self, id: NodeId) -> Option<&Node> {
        id.slave_index().and_then(|i| self.slaves.get(i))
    }

    /// The slaves the scenario has, in `brokerId` order.
    pub(crate) fn slave_ids(&self) -> impl Iterator<Item = NodeId> + 'static {
        NodeId::SLAVES.into_iter().take(self.slaves.len())
    }

    /// Slave `id` exists and is serving.
    pub(crate) fn slave_up(&self, id: NodeId) -> bool {
        self.slave_node(id).is_some_and(|s| s.is_up())
    }

    pub(crate) fn schedule_at(&mut self, at: SimTime, action: Action) {
        let at = at.max(self.now);
        if !action.is_background() {
            self.foreground += 1;
        }
        self.queue.push((at, action.class(), self.next_seq), action);
        self.next_seq += 1;
    }

    pub(crate) fn schedule(&mut self, after: SimDuration, action: Action) {
        self.schedule_at(self.now + after, action);
    }

    pub(crate) fn emit(&mut self, kind: EventKind) {
        self.log.push(self.now, kind);
    }

    /// Applies `command` at the current time.
    pub fn inject(&mut self, command: Command) {
        if self.ended.is_some() {
            return;
        }
        match command {
            Command::Inject(mut fault) => {
                // A pair the kind does not take is refused in the log (`FaultRefused`) like any
                // other fault that cannot apply.
                fault.at = self.now;
                self.faults.push(fault);
                let i = self.faults.len() - 1;
                self.schedule_at(self.now, Action::FaultStart(i));
            }
        }
    }

    /// Processes the earliest scheduled action and returns the events it produced (possibly
    /// none: an idle flush tick). Returns `None` once the run has ended.
    pub fn step_action(&mut self) -> Option<&[Event]> {
        if self.ended.is_some() {
            return None;
        }
        self.log.begin_action();
        let first = self.log.emitted();
        if first >= self.effective_event_limit() {
            self.end(EndReason::EventLimit);
            return Some(self.log.since(first));
        }
        let quiet = self.foreground == 0 && self.stores_clean();
        match self.queue.peek_key() {
            Some((at, _, _)) if *at <= self.sc.until && !quiet => {}
            Some(_) if !quiet => {
                self.now = self.now.max(self.sc.until);
                self.end(EndReason::TimeLimit);
                return Some(self.log.since(first));
            }
            _ => {
                self.end(EndReason::Quiescent);
                return Some(self.log.since(first));
            }
        }
        let ((at, _, _), action) = self.queue.pop().expect("peeked");
        if !action.is_background() {
            self.foreground -= 1;
        }
        self.now = at;
        self.actions += 1;
        self.dispatch(action);
        Some(self.log.since(first))
    }

    /// Processes actions until at least one event is produced or the run ends.
    pub fn step(&mut self) -> Option<&[Event]> {
        let first = self.log.emitted();
        while self.ended.is_none() && self.log.emitted() == first {
            self.step_action();
        }
        (self.log.emitted() > first).then(|| self.log.since(first))
    }

    /// Runs every action scheduled at or before `t` (or until the run ends); `now` becomes `t`.
    /// Running to `T` in any number of chunks gives the same log as one call.
    pub fn run_until(&mut self, t: SimTime) {
        while self.ended.is_none() {
            let quiet = self.foreground == 0 && self.stores_clean();
            match self.next_at() {
                _ if quiet => {}
                None => {}
                Some(at) if at <= t => {}
                Some(at) if at > self.sc.until && t >= self.sc.until => {}
                _ => break,
            }
            self.step_action();
        }
        if self.ended.is_none() {
            self.now = self.now.max(t.min(self.sc.until));
        }
    }

    /// Runs to the end.
    pub fn run(&mut self) {
        while self.ended.is_none() {
            self.step_action();
        }
    }

    /// No unflushed bytes on a running broker and nothing left to replicate.
    fn stores_clean(&self) -> bool {
        let clean = |n: &Node| !n.is_up() || n.store.dirty() == 0 && n.store.uncommitted() == 0;
        clean(&self.master) && self.slaves.iter().all(clean) && !self.replication_pending() && !self.sync_state_set_would_shrink()
    }

    fn end(&mut self, reason: EndReason) {
        self.ended = Some(reason);
        self.emit(EventKind::RunEnded { reason });
        self.finish();
    }

    fn dispatch(&mut self, action: Action) {
        use Action::*;
        match action {
            AnnounceVersion => self.emit(EventKind::VersionSelected { version: self.sc.version }),
            FaultStart(i) => self.on_fault_start(i),
            FaultEnd(i) => self.on_fault_end(i),
            Restart { node, epoch } => self.on_restart(node, epoch),
            ProducerSend(msg) => self.on_producer_send(msg),
            RequestArrive { msg, attempt, queue, epoch } => self.on_request_arrive(msg, attempt, queue, epoch),
            AttemptRefused { msg, attempt } => self.on_attempt_refused(msg, attempt),
            ResponseArrive { msg, attempt, result } => self.on_response_arrive(msg, attempt, result),
            ClientTimeout { msg, attempt } => self.on_client_timeout(msg, attempt),
            ProxyRequest { msg, attempt, queue } => self.on_proxy_request(msg, attempt, queue),
            ProxyCallTimeout { msg, attempt } => self.on_proxy_call_timeout(msg, attempt),
            GrpcResend(msg) => self.on_grpc_resend(msg),
            FlushTick { node, epoch } => self.on_flush_tick(node, epoch),
            CommitTick { epoch, gen } => self.on_commit_tick(epoch, gen),
            FlushDone { node, epoch, gen, to } => self.on_flush_done(node, epoch, gen, to),
            FlushDeadline { put } => self.on_flush_deadline(put),
            TransferRecheck { gen } => self.on_transfer_recheck(gen),
            HaPush { conn, gen, .. } => self.on_ha_push(conn, gen),
            SlaveFirstReport { conn } => self.on_slave_first_report(conn),
            ReplicaArrive { conn, from, to } => self.on_replica_arrive(conn, from, to),
            AckArrive { conn, offset } => self.on_ack_arrive(conn, offset),
            Housekeeping { conn } => self.on_housekeeping(conn),
            SlaveReconnect { slave } => self.on_slave_reconnect(slave),
            RouteUpdate => self.on_route_update(),
            ScheduleDue { copy, epoch } => self.on_schedule_due(copy, epoch),
            PullArrive { queue, cepoch, node, nepoch, offset, commit } => {
                self.on_pull_arrive(queue, cepoch, node, nepoch, offset, commit)
            }
            PullResponse { queue, cepoch, entries } => self.on_pull_response(queue, cepoch, entries),
            PullLater { queue, cepoch } => self.on_pull_later(queue, cepoch),
            HoldCheck { node, nepoch } => self.on_hold_check(node, nepoch),
            PullNotFound { queue, cepoch, seq } => self.on_pull_not_found(queue, cepoch, seq),
            SlaveReset { conn } => self.close_connection(conn, "the slave closed the connection"),
            ConsumeDone { queue, cepoch, qoffset, copy, attempt_rc, pop } => {
                self.on_consume_done(queue, cepoch, qoffset, copy, attempt_rc, pop)
            }
            SendBackArrive { queue, cepoch, qoffset, copy, rpc } => self.on_send_back_arrive(queue, cepoch, qoffset, copy, rpc),
            SendBackAck { queue, cepoch, qoffset, rpc } => self.on_send_back_ack(queue, cepoch, qoffset, rpc),
            SendBackTimeout { queue, cepoch, qoffset, copy, attempt_rc, rpc } => {
                self.on_send_back_timeout(queue, cepoch, qoffset, copy, attempt_rc, rpc)
            }
            SendBackFallbackTimeout { queue, cepoch, qoffset, copy, attempt_rc, rpc } => {
                self.on_send_back_fallback_timeout(queue, cepoch, qoffset, copy, attempt_rc, rpc)
            }
            SendBackFallbackArrive { queue, cepoch, qoffset, copy, attempt_rc, rpc } => {
                self.on_send_back_fallback_arrive(queue, cepoch, qoffset, copy, attempt_rc, rpc)
            }
            LocalRetry { queue, cepoch, qoffset, copy, attempt_rc } => {
                self.on_local_retry(queue, cepoch, qoffset, copy, attempt_rc)
            }
            PersistTick { cepoch } => self.on_persist_tick(cepoch),
            ConsumerStart { cepoch } => self.on_consumer_start(cepoch),
            DlqConsume { copy } => self.on_dlq_consume(copy),
            SlaveSync { node, epoch } => self.on_slave_sync(node, epoch),
            DelayOffsetPersist { epoch } => self.on_delay_offset_persist(epoch),
            Rebalance { cepoch } => self.on_rebalance(cepoch),
            ControllerElect { gen } => self.on_controller_elect(gen),
            ControllerBack { gen } => self.on_controller_back(gen),
            ChangeToMaster { broker, epoch } => self.on_change_to_master(broker, epoch),
            CheckSyncStateSet { epoch } => self.on_check_sync_state_set(epoch),
            PopArrive { queue, cepoch } => self.on_pop_arrive(queue, cepoch),
            PopReceiveLater { queue, cepoch } => self.on_pop_receive_later(queue, cepoch),
            PopResponse { queue, cepoch, entries } => self.on_pop_response(queue, cepoch, entries),
            PopAnswerArrive { copy, gen, nack, cepoch } => self.on_pop_answer_arrive(copy, gen, nack, cepoch),
            PopRevive { copy, gen, epoch } => self.on_pop_revive(copy, gen, epoch),
            PopRenew { copy, gen } => self.on_pop_renew(copy, gen),
            ProxyClearGroup { cepoch } => self.on_proxy_clear_group(cepoch),
            ProxyRouteRefresh => self.on_proxy_route_refresh(),
        }
    }
}
