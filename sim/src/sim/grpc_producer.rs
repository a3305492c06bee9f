//! The gRPC producer of `apache/rocketmq-clients` (Java `ProducerImpl`; spec 5 §5), which talks
//! to the proxy ([`super::proxy`]) instead of the broker. `[producer] client = "grpc"` (5.3.3).
//!
//! - A send picks its queue once (`PublishingLoadBalancer.takeMessageQueues`: a round robin on
//!   one index of the producer; the lab starts it at queue 0, RocketMQ at a random one). The
//!   candidates hold one queue per broker name, so with the lab's one broker group every attempt
//!   of a send goes to the same queue.
//! - Each attempt has its own deadline, `requestTimeout` (default 3 s,
//!   `ClientConfigurationBuilder`): not one budget as the remoting client's `sendMsgTimeout`.
//! - There is no `SendStatus`: the proxy answers `OK` with a receipt, or an error code that
//!   `StatusChecker` throws (`MASTER_PERSISTENCE_TIMEOUT` and `SLAVE_PERSISTENCE_TIMEOUT` as
//!   `ProxyTimeoutException`, `HA_NOT_AVAILABLE` as `InternalErrorException`, …). A deadline
//!   is `DEADLINE_EXCEEDED`, a refused or closed connection `UNAVAILABLE`.
//! - `send0` resends a failed attempt **at once**, with the same message id, while
//!   `attempt < maxAttempts` (default 3, `ProducerBuilderImpl`; `immediatelyRetryPolicy`). Only
//!   `TOO_MANY_REQUESTS` waits first, the backoff the proxy pushes in its settings
//!   (`GrpcClientSettingsManager`: `grpcClientProducerBackoffInitialMillis` 10 ms × 2^(attempt − 1),
//!   at most `grpcClientProducerBackoffMaxMillis` 1 s; `ExponentialBackoffRetryPolicy.getNextAttemptDelay`
//!   of the next attempt). The last failure is the exception the application sees.
//! - Every attempt that reached the broker was appended: a stalled disk or a slow slave makes
//!   the broker answer late or with a timeout status, and each resend stores another copy.
//!   A 4.x client in the same case stores the message once and returns the status.

use super::producer::Reach;
use super::{Action, Sim};
use crate::event::{EventKind, MsgId, SendError, SendStatus};
use crate::ledger::Answer;
use crate::scenario::{Client, ProxyMode, SendMode};
use crate::time::SimDuration;

/// `grpcClientProducerBackoffInitialMillis` (10 ms), `…MaxMillis` (1 s), `…Multiplier` (2): the
/// producer backoff the proxy pushes (`ProxyConfig`), used for `TOO_MANY_REQUESTS` only.
pub(crate) fn too_many_requests_backoff(next_attempt: u32) -> SimDuration {
    let factor = 1u64 << next_attempt.saturating_sub(1).min(20);
    SimDuration::from_ms((10 * factor).min(1_000))
}

impl Sim {
    pub(crate) fn grpc_producer(&self) -> bool {
        self.sc.producer.client == Client::Grpc
    }

    /// A send call of the gRPC producer starts: pick its queue, make the first attempt.
    pub(super) fn grpc_send(&mut self, msg: MsgId) {
        let n = u64::from(self.sc.topic.write_queue_nums.max(1));
        let queue = (self.producer.grpc_index % n) as u8;
        self.producer.grpc_index += 1;
        self.producer.sends[msg.0 as usize].grpc_queue = queue;
        self.grpc_start_attempt(msg);
    }

    /// How the client reaches the proxy: cut by a producer partition; in local mode the proxy
    /// is the broker's process, so it is as reachable as the master.
    fn grpc_reach(&self) -> Reach {
        let partitioned = self.producer_link_down_until.is_some_and(|u| u > self.now);
        match self.sc.proxy.proxy_mode {
            _ if partitioned => Reach::Blackhole,
            ProxyMode::Cluster => Reach::Ok,
            ProxyMode::Local => self.reach_master(),
        }
    }

    pub(super) fn grpc_start_attempt(&mut self, msg: MsgId) {
        let (now, lat) = (self.now, self.sc.network.latency);
        let queue = self.producer.sends[msg.0 as usize].grpc_queue;
        let reach = self.grpc_reach();
        let (attempt, written) = self.begin_attempt(msg, queue, &reach);
        match reach {
            Reach::Ok if self.sc.proxy.proxy_mode == ProxyMode::Cluster => {
                self.schedule_at(written + lat, Action::ProxyRequest { msg, attempt, queue })
            }
            Reach::Ok => {
                // Local mode: the proxy hands it to `SendMessageProcessor` in the same process.
                let epoch = self.master.epoch;
                self.schedule_at(written + lat, Action::RequestArrive { msg, attempt, queue, epoch })
            }
            Reach::Refused => self.schedule(lat + lat, Action::AttemptRefused { msg, attempt }),
            Reach::Blackhole => {}
        }
        let s = &mut self.producer.sends[msg.0 as usize];
        s.outstanding = Some(attempt);
        s.on_channel = !matches!(reach, Reach::Refused);
        let deadline = now + self.sc.producer.request_timeout;
        self.schedule_at(deadline, Action::ClientTimeout { msg, attempt });
    }

    /// The outstanding `attempt` failed with `error`: resend at once (after the backoff for
    /// `TOO_MANY_REQUESTS`) while attempts last, else the application sees `error`.
    pub(super) fn grpc_attempt_failed(&mut self, msg: MsgId, attempt: u32, error: SendError) {
        self.emit(EventKind::AttemptFailed { msg, attempt, error });
        self.set_answer(msg, attempt, Answer::Exception(error));
        let max = self.sc.producer.max_attempts;
        let s = &mut self.producer.sends[msg.0 as usize];
        s.outstanding = None;
        s.on_channel = false;
        if s.attempts_in_send >= max {
            self.send_failed(msg, error);
        } else if error == SendError::TooManyRequests {
            s.backoff_pending = true;
            let delay = too_many_requests_backoff(s.attempts_in_send + 1);
            self.schedule(delay, Action::GrpcResend(msg));
        } else {
            self.grpc_start_attempt(msg);
        }
    }

    /// The backoff after `TOO_MANY_REQUESTS` is over: the next attempt.
    pub(super) fn on_grpc_resend(&mut self, msg: MsgId) {
        self.producer.sends[msg.0 as usize].backoff_pending = false;
        self.grpc_start_attempt(msg);
    }

    /// The proxy's answer reached the client (for the outstanding attempt).
    pub(super) fn grpc_response(&mut self, msg: MsgId, attempt: u32, result: Result<SendStatus, SendError>) {
        match result {
            Ok(_) => {
                let callback = self.sc.producer.send_mode == SendMode::Async;
                let status = SendStatus::SendOk;
                self.emit(EventKind::SendAnswered { msg, attempt, status, callback });
                self.set_answer(msg, attempt, Answer::Status(status));
                let s = &mut self.producer.sends[msg.0 as usize];
                s.outstanding = None;
                s.on_channel = false;
                self.end_send(msg, Answer::Status(status), self.now);
            }
            Err(error) => self.grpc_attempt_failed(msg, attempt, error),
        }
    }

    /// The connection to the proxy closed (local mode: the broker's process, the proxy in it,
    /// died): every attempt on it fails with `UNAVAILABLE`.
    pub(super) fn grpc_connection_closed(&mut self) {
        for (msg, attempt) in self.outstanding_on_channel() {
            self.grpc_attempt_failed(msg, attempt, SendError::Unavailable);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_requests_backoff_doubles_from_20_ms_and_stops_at_1_s() {
        assert_eq!(too_many_requests_backoff(2), SimDuration::from_ms(20));
        assert_eq!(too_many_requests_backoff(3), SimDuration::from_ms(40));
        assert_eq!(too_many_requests_backoff(8), SimDuration::from_ms(1_000));
        assert_eq!(too_many_requests_backoff(99), SimDuration::from_ms(1_000));
    }
}
