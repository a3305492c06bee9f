//! `PullRequestHoldService`: the broker's long polling (spec §5; client spec §6, "Long poll").
//!
//! A pull that finds nothing new (`PULL_NOT_FOUND` with the suspend flag) is held by the broker
//! (`suspendPullRequest`) for the client's `brokerSuspendMaxTimeMillis`, 15 s. On a master a
//! dispatched message wakes it at once (`NotifyMessageArrivingListener`, called by the reput
//! service only when the broker is not a `SLAVE`). The service itself wakes every 5 s
//! (`waitForRunning(5 * 1000)` with `longPollingEnable`; nothing wakes it early) and
//! `checkHoldRequest`s every held pull: one whose queue has grown is answered with its messages
//! (the only way a slave's held pulls learn of replicated messages), one held 15 s or more is
//! answered `PULL_NOT_FOUND`, the others stay held. So a held pull without new messages returns
//! 15–20 s after it was held. On `PULL_NOT_FOUND` the client pulls again at once
//! (`executePullRequestImmediately`), and that pull carries the queue's commit offset to the
//! master (`PullMessageProcessor` stores it on the first pass; a held pull's wake-up pass
//! stores nothing).
//!
//! The service's ticks run from the broker's start, and the model schedules them only while a
//! pull is held there. The empty-pull cycle logs nothing, and its ticks are background actions:
//! an idle run ends as soon as nothing but held pulls is left, so the cycle never keeps it alive.
//! A `PULL_NOT_FOUND` on its way back and the pull that follows are foreground, though: a message
//! that arrives meanwhile is found by that pull (as a background answer, swarm seed 1128's retry
//! was left unread when the run ended under it).

use super::{Action, Sim};
use crate::event::{NodeId, QueueKind};
use crate::time::SimDuration;

/// `PullRequestHoldService.run`: `waitForRunning(5 * 1000)` between checks.
pub const HOLD_CHECK_INTERVAL: SimDuration = SimDuration::from_ms(5_000);
/// `DefaultMQPushConsumerImpl.BROKER_SUSPEND_MAX_TIME_MILLIS`: how long the broker may hold a pull.
pub const BROKER_SUSPEND_MAX: SimDuration = SimDuration::from_ms(15_000);

impl Sim {
    /// A pull was suspended on `node`: its hold service checks it at the next 5 s tick.
    pub(crate) fn arm_hold_check(&mut self, node: NodeId) {
        let n = self.node(node);
        if n.hold_check_armed == Some(n.epoch) {
            return;
        }
        let (nepoch, phase) = (n.epoch, n.started_at);
        self.node_mut(node).hold_check_armed = Some(nepoch);
        let at = (self.now + SimDuration::from_us(1)).next_tick(phase, HOLD_CHECK_INTERVAL);
        self.schedule_at(at, Action::HoldCheck { node, nepoch });
    }

    /// `checkHoldRequest`: answers the held pulls whose queue grew or whose 15 s are up.
    pub(super) fn on_hold_check(&mut self, node: NodeId, nepoch: u32) {
        if !self.node(node).is_up() || self.node(node).epoch != nepoch {
            return;
        }
        self.node_mut(node).hold_check_armed = None;
        let held: Vec<QueueKind> = self.consumer.held.iter().filter(|(_, h)| h.node == node && h.nepoch == nepoch).map(|(&q, _)| q).collect();
        let mut still_held = false;
        for q in held {
            let h = self.consumer.held[&q].clone();
            if h.cepoch != self.consumer.epoch {
                self.consumer.held.remove(&q);
                continue;
            }
            let len = self.node(node).store.consume_queue(q).len() as u64;
            if len > h.offset {
                self.consumer.held.remove(&q);
                self.answer_pull(q, node, h.offset);
            } else if self.now >= h.held_at + BROKER_SUSPEND_MAX {
                self.consumer.held.remove(&q);
                let cepoch = h.cepoch;
                self.schedule(self.sc.network.latency, Action::PullNotFound { queue: q, cepoch, seq: h.seq });
            } else {
                still_held = true;
            }
        }
        if still_held {
            self.arm_hold_check(node);
        }
    }

    /// `PULL_NOT_FOUND` reached the client: it pulls again at once, carrying the commit offset.
    pub(super) fn on_pull_not_found(&mut self, q: QueueKind, cepoch: u32, seq: u32) {
        let s = self.consumer.queues.get_mut(&q).expect("queue");
        if cepoch != self.consumer.epoch || !self.consumer.online || s.pull_seq != seq || !s.pull_outstanding {
            return;
        }
        s.pull_outstanding = false;
        self.pull(q);
    }
}
