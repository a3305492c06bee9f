//! The proxy between the gRPC clients and the broker (`proxy/`, `rocketmq-all-5.3.3`; spec 5 §5).
//!
//! `SendMessageActivity.sendMessage` hands the client's message to the broker and turns the
//! broker's answer into a gRPC code (`convertToSendMessageResponse`): `SEND_OK` is `OK` (a receipt),
//! `FLUSH_DISK_TIMEOUT` is `MASTER_PERSISTENCE_TIMEOUT`, `FLUSH_SLAVE_TIMEOUT` is
//! `SLAVE_PERSISTENCE_TIMEOUT`, `SLAVE_NOT_AVAILABLE` is `HA_NOT_AVAILABLE`. A refused request
//! becomes a code through `ResponseBuilder.buildStatus`: `SYSTEM_BUSY` is `TOO_MANY_REQUESTS`
//! (`RESPONSE_CODE_MAPPING`), any other broker code `INTERNAL_SERVER_ERROR`; a
//! `RemotingTimeoutException` is `PROXY_TIMEOUT`.
//!
//! `[proxy] proxyMode` (`ProxyConfig.proxyMode`, default `CLUSTER`):
//! - `CLUSTER`: the proxy is a process of its own that calls the broker over remoting
//!   (`ClusterMessageService.sendMessage`) with `MessagingProcessor.DEFAULT_TIMEOUT_MILLS` (2 s).
//!   The remoting client drops a timed-out call at its response-table scan (first 3 s after it
//!   started, then every second, once `begin + timeout + 1 s` has passed): `PROXY_TIMEOUT` 3–4 s
//!   after the call, later than the client's 3 s `requestTimeout`. A refused connection to the
//!   broker is `INTERNAL_SERVER_ERROR` at once; the broker process dying fails the calls on its
//!   connection at once (`failFast`), also `INTERNAL_SERVER_ERROR`. A broker answer after the
//!   proxy's timeout is dropped. `SYSTEM_BUSY` reaches the proxy as an `MQBrokerException`:
//!   `TOO_MANY_REQUESTS`.
//! - `LOCAL`: the proxy runs inside the broker's process and calls `SendMessageProcessor`
//!   directly (`LocalMessageService.sendMessage`): no timeout of its own, and any broker code
//!   other than the four statuses is a `ProxyException(INTERNAL_SERVER_ERROR)` — `SYSTEM_BUSY`
//!   included. When the broker process dies, the proxy dies with it: the client's connection is
//!   refused or closed (`UNAVAILABLE`).
//!
//! The lab puts the proxy next to the broker: the client ↔ proxy hop takes `[network] latency`
//! each way (the producer's link, which a `PARTITION` of the producer cuts), the proxy ↔ broker
//! hop takes no time.
//!
//! **The read route.** The proxy keeps each topic's route in a cache (`TopicRouteService`:
//! Caffeine, `refreshAfterWrite` = `topicRouteServiceCacheRefreshSeconds`, 20 s) and sends a
//! receive to the broker its read selector names: `MessageQueueSelector.buildRead` takes
//! `TopicRouteWrapper.getMasterAddrPrefer`, the master while the name server lists it, else the
//! first slave listed (`brokerId` 1). So outside controller mode a master gone from the name
//! server moves the gRPC consumer's pops to the slave at the proxy's next reload
//! (`pop_message_processor.rs`), and a master back in the route moves them back at the reload
//! after that. The model reloads on every multiple of 20 s after the name server's change (a
//! receive touches the cache all the time). Acks, nacks and renewals use `getMasterAddr` only.
//! The gRPC client's `queryAssignment` fails while the route has no master (`RouteActivity`
//! builds the queue with the master's `Broker`, null), and the client keeps its assignment.
//! Not modelled: in controller mode, a reload that falls between the master's death and the
//! election (the model's pops stay on the master position there).

use super::{Action, Sim};
use crate::event::{EventKind, MsgId, NodeId, SendError, SendStatus};
use crate::scenario::ProxyMode;
use crate::time::{SimDuration, SimTime};

/// `MessagingProcessor.DEFAULT_TIMEOUT_MILLS`: the cluster-mode proxy's call to the broker.
pub(crate) const PROXY_CALL_TIMEOUT: SimDuration = SimDuration::from_ms(2_000);
/// `topicRouteServiceCacheRefreshSeconds`: the proxy's route cache reloads after this.
pub(crate) const PROXY_ROUTE_REFRESH: SimDuration = SimDuration::from_ms(20_000);

/// The proxy's state: the cluster-mode calls to the broker still waiting for an answer, and
/// whether its cached read route names a slave (the name server listed no master at its reload).
#[derive(Clone, Debug, Default)]
pub(crate) struct Proxy {
    calls: crate::vec_map::DequeMap<(MsgId, u32), ()>,
    read_slave: bool,
}

/// How the cluster-mode proxy finds the master.
enum BrokerReach {
    Ok,
    /// The process is down (or the node is no master now): the connection is refused.
    Refused,
    /// The machine is off: the request vanishes.
    Blackhole,
}

/// The proxy's code for a broker answer (`convertToSendMessageResponse`, `buildStatus`).
pub(crate) fn convert(result: Result<SendStatus, SendError>, mode: ProxyMode) -> Result<SendStatus, SendError> {
    match result {
        Ok(SendStatus::SendOk) => Ok(SendStatus::SendOk),
        Ok(SendStatus::FlushDiskTimeout) => Err(SendError::MasterPersistenceTimeout),
        Ok(SendStatus::FlushSlaveTimeout) => Err(SendError::SlavePersistenceTimeout),
        Ok(SendStatus::SlaveNotAvailable) => Err(SendError::HaNotAvailable),
        Err(SendError::BrokerBusy) if mode == ProxyMode::Cluster => Err(SendError::TooManyRequests),
        Err(_) => Err(SendError::InternalServerError),
    }
}

/// What the broker said, as the proxy's log line names it.
fn broker_said(result: Result<SendStatus, SendError>) -> &'static str {
    match result {
        Ok(status) => status.name(),
        Err(SendError::BrokerBusy) => "broker SYSTEM_BUSY",
        Err(SendError::SystemError) => "broker SYSTEM_ERROR",
        Err(e) => e.name(),
    }
}

impl Sim {
    fn proxy_mode(&self) -> ProxyMode {
        self.sc.proxy.proxy_mode
    }

    /// The broker the gRPC consumer's receives go to: the master position, or (outside
    /// controller mode) the slave once the proxy's read route lost the master.
    pub(crate) fn pop_read_node(&self) -> NodeId {
        if self.ctrl.is_none() && self.proxy.read_slave {
            NodeId::Slave
        } else {
            NodeId::Master
        }
    }

    /// The proxy's route follows the name server's change at `seen` (gRPC consumer outside
    /// controller mode, with a slave): its first reload after it.
    pub(crate) fn schedule_proxy_route_refresh(&mut self, seen: SimTime) {
        let grpc = self.sc.consumer.enabled && self.sc.consumer.client == crate::scenario::Client::Grpc;
        if !grpc || self.ctrl.is_some() || self.slaves.is_empty() {
            return;
        }
        let at = (seen + SimDuration::from_us(1)).next_tick(SimTime::ZERO, PROXY_ROUTE_REFRESH);
        self.schedule_at(at, Action::ProxyRouteRefresh);
    }

    /// The proxy's route cache reloaded: the read route names the master, or the first slave
    /// when the name server lists no master. A change moves the receives (the client's failed
    /// receives are retried every second; the model sends them at the change).
    pub(super) fn on_proxy_route_refresh(&mut self) {
        let slave = self.namesrv_route() != NodeId::Master;
        if slave == self.proxy.read_slave {
            return;
        }
        self.proxy.read_slave = slave;
        self.consumer_route_changed(if slave { NodeId::Slave } else { NodeId::Master });
        // A receive a slave held ends within its long-polling time; the next goes the new way.
        for q in std::mem::take(&mut self.pop.held_on_slave) {
            self.pop.receiving.remove(&q);
        }
        self.kick_pop_consumer();
    }

    fn proxy_reach_broker(&self) -> BrokerReach {
        let node = self.position_of(self.producer_broker);
        match self.node(node).state {
            super::NodeState::Up if node != NodeId::Master => BrokerReach::Refused,
            super::NodeState::Up => BrokerReach::Ok,
            super::NodeState::ProcessDown | super::NodeState::Stopped => BrokerReach::Refused,
            super::NodeState::MachineDown => BrokerReach::Blackhole,
        }
    }

    /// A client's attempt reached the cluster-mode proxy: it calls the broker.
    pub(super) fn on_proxy_request(&mut self, msg: MsgId, attempt: u32, queue: u8) {
        match self.proxy_reach_broker() {
            BrokerReach::Refused => {
                self.proxy_reply(msg, attempt, "RemotingConnectException", Err(SendError::InternalServerError));
                return;
            }
            BrokerReach::Ok => {
                self.proxy.calls.insert((msg, attempt), ());
                let epoch = self.master.epoch;
                self.on_request_arrive(msg, attempt, queue, epoch);
            }
            BrokerReach::Blackhole => {
                self.proxy.calls.insert((msg, attempt), ());
            }
        }
        if self.proxy.calls.contains_key(&(msg, attempt)) {
            // `scanResponseTable`: first 3 s after the proxy started, then every second.
            let due = self.now + PROXY_CALL_TIMEOUT + SimDuration::from_ms(1_000);
            let at = due.next_tick(SimTime::from_ms(3_000), SimDuration::from_ms(1_000));
            self.schedule_at(at, Action::ProxyCallTimeout { msg, attempt });
        }
    }

    /// The cluster-mode proxy's call to the broker timed out.
    pub(super) fn on_proxy_call_timeout(&mut self, msg: MsgId, attempt: u32) {
        if self.proxy.calls.remove(&(msg, attempt)).is_some() {
            self.proxy_reply(msg, attempt, "its call to the broker: RemotingTimeoutException", Err(SendError::ProxyTimeout));
        }
    }

    /// The broker answered a gRPC client's put: the proxy converts the answer and replies.
    pub(super) fn proxy_on_broker_answer(&mut self, msg: MsgId, attempt: u32, result: Result<SendStatus, SendError>) {
        let mode = self.proxy_mode();
        if mode == ProxyMode::Cluster && self.proxy.calls.remove(&(msg, attempt)).is_none() {
            // The proxy's call had already timed out (and answered PROXY_TIMEOUT).
            return;
        }
        self.proxy_reply(msg, attempt, broker_said(result), convert(result, mode));
    }

    /// The broker's process died (its connections closed): cluster mode fails the calls on the
    /// connection at once; in local mode the proxy died with it and the clients' connections close.
    pub(super) fn proxy_broker_connection_closed(&mut self) {
        match self.proxy_mode() {
            ProxyMode::Cluster => {
                for ((msg, attempt), ()) in std::mem::take(&mut self.proxy.calls) {
                    self.proxy_reply(msg, attempt, "RemotingSendRequestException", Err(SendError::InternalServerError));
                }
            }
            ProxyMode::Local => self.grpc_connection_closed(),
        }
    }

    /// The proxy's response to the client: `OK` (a receipt) or an error code; it travels back.
    fn proxy_reply(&mut self, msg: MsgId, attempt: u32, from: &'static str, result: Result<SendStatus, SendError>) {
        let code = match result {
            Ok(_) => "OK",
            Err(e) => e.grpc_code().unwrap_or("INTERNAL_SERVER_ERROR"),
        };
        self.emit(EventKind::ProxyAnswered { msg, attempt, from, code });
        let lat = self.sc.network.latency;
        self.schedule(lat, Action::ResponseArrive { msg, attempt, result });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_message_activity_maps_each_status_and_refusal_to_its_code() {
        use SendError::*;
        for mode in [ProxyMode::Cluster, ProxyMode::Local] {
            assert_eq!(convert(Ok(SendStatus::SendOk), mode), Ok(SendStatus::SendOk));
            assert_eq!(convert(Ok(SendStatus::FlushDiskTimeout), mode), Err(MasterPersistenceTimeout));
            assert_eq!(convert(Ok(SendStatus::FlushSlaveTimeout), mode), Err(SlavePersistenceTimeout));
            assert_eq!(convert(Ok(SendStatus::SlaveNotAvailable), mode), Err(HaNotAvailable));
            assert_eq!(convert(Err(SystemError), mode), Err(InternalServerError));
        }
        // SYSTEM_BUSY: `RESPONSE_CODE_MAPPING` (cluster) vs `LocalMessageService`'s default branch.
        assert_eq!(convert(Err(BrokerBusy), ProxyMode::Cluster), Err(TooManyRequests));
        assert_eq!(convert(Err(BrokerBusy), ProxyMode::Local), Err(InternalServerError));
    }
}
