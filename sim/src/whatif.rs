//! "Would it have survived with …?": re-runs a scenario (same seed, workload and faults) with one
//! knob flipped toward safety and says, for one message, whether that change saves it and what
//! it costs in send latency (the cost model's figures, `Report::latency`). Pure and deterministic, so the page only renders the answer.
//!
//! A knob applies only where it changes something (`SYNC_FLUSH` on an `ASYNC_FLUSH` broker, a
//! DLQ consumer where there is none, …). Message ids name the same message in every run: the
//! producer's *i*-th message.

use crate::event::MsgId;
use crate::ledger::Verdict;
use crate::report::{LatencyStats, Report};
use crate::rocketmq_version::RocketMqVersion;
use crate::scenario::{BrokerRole, Client, FlushDiskType, OnException, Scenario, SendMode};
use crate::sim::Sim;

/// One configuration change, toward fewer lost messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Knob {
    /// `flushDiskType = SYNC_FLUSH`: a send waits for the flush.
    SyncFlush,
    /// `brokerRole = SYNC_MASTER` with a slave: a send waits for the slave.
    SyncMaster,
    /// A slave (`[slave] enabled = true`), the role unchanged.
    Slave,
    /// `sendMode = SYNC`: the application learns each send's outcome.
    SyncSend,
    /// Three more producer retries (`retryTimesWhenSendFailed`, `retryTimesWhenSendAsyncFailed`).
    MoreSendRetries,
    /// Twice the consumer retries (`maxReconsumeTimes`).
    MoreReconsumes,
    /// `onException = PERSIST_AND_RESEND`: the application resends failed sends.
    PersistAndResend,
    /// `dlqConsumer = true`: a consumer reads `%DLQ%` and compensates.
    DlqConsumer,
    /// `transientStorePoolEnable = false`: appends go straight to the page cache (no write buffer
    /// that a process crash loses).
    TransientStorePoolOff,
    /// 5.x `SYNC_MASTER` with a slave and `inSyncReplicas = totalReplicas = 2`: the put waits
    /// for the slave again (spec 5 §2; at the default 1 a 5.x `SYNC_MASTER` waits for none).
    InSyncReplicas2,
    /// Controller mode: `allAckInSyncStateSet = true`, a put waits for every member of the
    /// SyncStateSet (spec 5 §4), so a failover's truncation takes back nothing acknowledged.
    AllAckInSyncStateSet,
    /// The same scenario under another RocketMQ release: not a safety knob (not in
    /// [`Knob::ALL`], so no what-if asks it), a lane for the upgrade question.
    SameOn(RocketMqVersion),
    /// The gRPC clients (`[producer] client`, `[consumer] client` = `grpc`) swapped for the
    /// remoting ones (spec 5 §5): not a safety knob either (the remoting producer stores a
    /// stalled send once where the gRPC one resends it; the remoting consumer retries a poison
    /// message on the 4.x schedule), a lane for the client question (issue 21 item 4).
    RemotingClients,
}

impl Knob {
    pub const ALL: [Knob; 11] = [
        Knob::SyncFlush,
        Knob::SyncMaster,
        Knob::Slave,
        Knob::SyncSend,
        Knob::MoreSendRetries,
        Knob::MoreReconsumes,
        Knob::PersistAndResend,
        Knob::DlqConsumer,
        Knob::TransientStorePoolOff,
        Knob::InSyncReplicas2,
        Knob::AllAckInSyncStateSet,
    ];

    /// The version lanes, one per release ([`Knob::SameOn`]).
    pub const VERSIONS: [Knob; 3] = [
        Knob::SameOn(RocketMqVersion::V4_7_0),
        Knob::SameOn(RocketMqVersion::V4_9_8),
        Knob::SameOn(RocketMqVersion::V5_3_3),
    ];

    /// Stable id (share links, tests).
    pub fn id(self) -> &'static str {
        match self {
            Knob::SyncFlush => "SYNC_FLUSH",
            Knob::SyncMaster => "SYNC_MASTER",
            Knob::Slave => "SLAVE",
            Knob::SyncSend => "SYNC_SEND",
            Knob::MoreSendRetries => "MORE_SEND_RETRIES",
            Knob::MoreReconsumes => "MORE_RECONSUMES",
            Knob::PersistAndResend => "PERSIST_AND_RESEND",
            Knob::DlqConsumer => "DLQ_CONSUMER",
            Knob::TransientStorePoolOff => "TRANSIENT_STORE_POOL_OFF",
            Knob::InSyncReplicas2 => "IN_SYNC_REPLICAS_2",
            Knob::AllAckInSyncStateSet => "ALL_ACK_IN_SYNC_STATE_SET",
            Knob::SameOn(RocketMqVersion::V4_7_0) => "SAME_ON_4.7.0",
            Knob::SameOn(RocketMqVersion::V4_9_8) => "SAME_ON_4.9.8",
            Knob::SameOn(RocketMqVersion::V5_3_3) => "SAME_ON_5.3.3",
            Knob::RemotingClients => "REMOTING_CLIENTS",
        }
    }

    pub fn from_id(id: &str) -> Option<Knob> {
        Knob::ALL.into_iter().chain(Knob::VERSIONS).chain([Knob::RemotingClients]).find(|k| k.id() == id)
    }

    /// The change in RocketMQ's (or the lab's) property names, for `base`.
    pub fn describe(self, base: &Scenario) -> String {
        match self {
            Knob::SyncFlush => "flushDiskType = SYNC_FLUSH".into(),
            Knob::SyncMaster if base.slave.enabled => "brokerRole = SYNC_MASTER".into(),
            Knob::SyncMaster => "brokerRole = SYNC_MASTER + a slave".into(),
            Knob::Slave => "a slave (brokerRole unchanged)".into(),
            Knob::SyncSend => "sendMode = SYNC".into(),
            Knob::MoreSendRetries => format!(
                "retryTimesWhenSendFailed = {}",
                (base.producer.retry_times_when_send_failed + 3).min(crate::scenario::parse::MAX_SEND_RETRIES)
            ),
            Knob::MoreReconsumes => format!("maxReconsumeTimes = {}", more_reconsumes(base.consumer.max_reconsume_times)),
            Knob::PersistAndResend => "onException = PERSIST_AND_RESEND".into(),
            Knob::DlqConsumer => "dlqConsumer = true".into(),
            Knob::TransientStorePoolOff => "transientStorePoolEnable = false".into(),
            Knob::InSyncReplicas2 if base.broker.broker_role == BrokerRole::SyncMaster && base.slave.enabled => {
                "inSyncReplicas = 2, totalReplicas = 2".into()
            }
            Knob::InSyncReplicas2 => "inSyncReplicas = 2, totalReplicas = 2, brokerRole = SYNC_MASTER + a slave".into(),
            Knob::AllAckInSyncStateSet => "allAckInSyncStateSet = true".into(),
            Knob::SameOn(v) => format!("version = {v}"),
            Knob::RemotingClients => match (base.producer.client, base.consumer.client) {
                (Client::Grpc, Client::Grpc) => "[producer] + [consumer] client = \"remoting\"".into(),
                (_, Client::Grpc) => "[consumer] client = \"remoting\"".into(),
                _ => "[producer] client = \"remoting\"".into(),
            },
        }
    }

    /// `base` with this change, or `None` where it would change nothing.
    pub fn apply(self, base: &Scenario) -> Option<Scenario> {
        let mut sc = base.clone();
        let (b, p, c) = (&mut sc.broker, &mut sc.producer, &mut sc.consumer);
        let changed = match self {
            Knob::SyncFlush => std::mem::replace(&mut b.flush_disk_type, FlushDiskType::SyncFlush) != FlushDiskType::SyncFlush,
            Knob::SyncMaster => {
                let was = (b.broker_role, sc.slave.enabled);
                b.broker_role = BrokerRole::SyncMaster;
                sc.slave.enabled = true;
                was != (BrokerRole::SyncMaster, true)
            }
            Knob::Slave => !std::mem::replace(&mut sc.slave.enabled, true),
            Knob::SyncSend => std::mem::replace(&mut p.send_mode, SendMode::Sync) != SendMode::Sync,
            Knob::MoreSendRetries => {
                let max = crate::scenario::parse::MAX_SEND_RETRIES;
                let was = (p.retry_times_when_send_failed, p.retry_times_when_send_async_failed);
                p.retry_times_when_send_failed = (was.0 + 3).min(max);
                p.retry_times_when_send_async_failed = (was.1 + 3).min(max);
                p.send_mode != SendMode::Oneway && was != (p.retry_times_when_send_failed, p.retry_times_when_send_async_failed)
            }
            Knob::MoreReconsumes => {
                let was = c.max_reconsume_times;
                c.max_reconsume_times = more_reconsumes(was);
                c.enabled && was != c.max_reconsume_times
            }
            Knob::PersistAndResend => {
                std::mem::replace(&mut p.on_exception, OnException::PersistAndResend) != OnException::PersistAndResend
            }
            Knob::DlqConsumer => c.enabled && !std::mem::replace(&mut c.dlq_consumer, true),
            Knob::TransientStorePoolOff => {
                let used = b.uses_transient_store_pool();
                b.transient_store_pool_enable = false;
                used
            }
            Knob::InSyncReplicas2 => {
                let was = (b.in_sync_replicas, b.broker_role, sc.slave.enabled);
                b.in_sync_replicas = b.in_sync_replicas.max(2);
                b.total_replicas = b.total_replicas.max(2);
                b.broker_role = BrokerRole::SyncMaster;
                sc.slave.enabled = true;
                // Only where the release counts replicas (5.x): 4.x has no such key.
                base.rules().quorum_write && was != (b.in_sync_replicas, b.broker_role, sc.slave.enabled)
            }
            // Only in controller mode (the key means nothing elsewhere), with a slave to wait for.
            Knob::AllAckInSyncStateSet => b.enable_controller_mode && sc.slave.enabled && !std::mem::replace(&mut b.all_ack_in_sync_state_set, true),
            Knob::SameOn(v) => std::mem::replace(&mut sc.version, v) != v,
            Knob::RemotingClients => {
                let was = (p.client, c.client);
                p.client = Client::Remoting;
                c.client = Client::Remoting;
                was != (Client::Remoting, Client::Remoting)
            }
        };
        changed.then(|| {
            sc.name = format!("{} + {}", base.name, self.describe(base));
            sc
        })
    }
}

/// RocketMQ bounds `maxReconsumeTimes` by the delay levels in practice; the lab doubles it.
fn more_reconsumes(n: u32) -> u32 {
    (n.max(1) * 2).min(64)
}

/// One run of a scenario, kept small: its report and latency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSummary {
    pub scenario: Scenario,
    pub report: Report,
}

impl RunSummary {
    pub fn of(scenario: &Scenario) -> RunSummary {
        let mut sim = Sim::new(scenario);
        sim.run();
        RunSummary { scenario: scenario.clone(), report: Report::of(&sim) }
    }

    /// The cost model's send latency (`Report::latency`) over the sends that got a `SendStatus`.
    pub fn latency(&self) -> LatencyStats {
        self.report.latency.acked
    }

    pub fn verdict(&self, msg: MsgId) -> Option<&'static str> {
        self.report.messages.get(msg.0 as usize).map(|m| m.verdict)
    }

    pub fn count(&self, verdict: Verdict) -> u32 {
        self.report.summary.verdicts[verdict.name()]
    }
}

/// Whether `after` is a good end for a message that ended `before`: a lost message arrives, a
/// duplicated one arrives once, a dead-lettered one is consumed (or compensated).
pub fn saves(before: Verdict, after: &str, compensated: bool) -> bool {
    match before {
        Verdict::LostAfterAck | Verdict::LostUnacked | Verdict::Unresolved => {
            matches!(after, "DELIVERED" | "DUPLICATED") || compensated
        }
        Verdict::Duplicated => after == "DELIVERED",
        Verdict::DeadLettered => matches!(after, "DELIVERED" | "DUPLICATED") || compensated,
        Verdict::Delivered => after == "DELIVERED",
    }
}

/// One knob's answer for one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub knob: Knob,
    /// The change, in property names.
    pub change: String,
    /// The message's verdict with the change.
    pub verdict: &'static str,
    pub saved: bool,
    pub run: RunSummary,
}

/// The answer to "would `msg` have survived with …?" for every knob that applies to `base`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhatIf {
    pub msg: MsgId,
    pub before: Verdict,
    pub base: RunSummary,
    pub outcomes: Vec<Outcome>,
}

impl WhatIf {
    /// The knobs that save the message, in [`Knob::ALL`] order.
    pub fn saving(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(|o| o.saved)
    }
}

fn verdict_of(name: &str) -> Verdict {
    Verdict::ALL.into_iter().find(|v| v.name() == name).unwrap_or(Verdict::Unresolved)
}

/// Runs `base` and, for each applicable knob, `base` with that knob; judges `msg` in each.
/// `None` if `msg` is not one of the scenario's messages.
pub fn what_if(base: &Scenario, msg: MsgId) -> Option<WhatIf> {
    if msg.0 >= base.producer.messages {
        return None;
    }
    let base_run = RunSummary::of(base);
    let before = verdict_of(base_run.verdict(msg)?);
    let outcomes = Knob::ALL
        .into_iter()
        .filter_map(|knob| {
            let sc = knob.apply(base)?;
            let mut sim = Sim::new(&sc);
            sim.run();
            let compensated = sim.ledger().get(msg).compensated_at().is_some();
            let run = RunSummary { scenario: sc, report: Report::of(&sim) };
            let verdict = run.verdict(msg)?;
            Some(Outcome { knob, change: knob.describe(base), verdict, saved: saves(before, verdict, compensated), run })
        })
        .collect();
    Some(WhatIf { msg, before, base: base_run, outcomes })
}

/// How a lane's run differs from the base run on the same seed, workload and faults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneDiff {
    /// Lane minus base, per verdict (in [`Verdict::ALL`] order).
    pub verdict_delta: Vec<(Verdict, i64)>,
    /// Messages lost (either way) or dead-lettered in the base that arrive in the lane.
    pub saved: Vec<u32>,
    /// Messages that arrive in the base but are lost or dead-lettered in the lane.
    pub newly_lost: Vec<u32>,
}

impl LaneDiff {
    pub fn of(base: &Report, lane: &Report) -> LaneDiff {
        let verdict_delta = Verdict::ALL
            .into_iter()
            .map(|v| (v, lane.summary.verdicts[v.name()] as i64 - base.summary.verdicts[v.name()] as i64))
            .collect();
        let bad = |v: &str| matches!(v, "LOST_AFTER_ACK" | "LOST_UNACKED" | "DEAD_LETTERED");
        let good = |v: &str| matches!(v, "DELIVERED" | "DUPLICATED");
        let pairs = || base.messages.iter().zip(&lane.messages);
        LaneDiff {
            verdict_delta,
            saved: pairs().filter(|(b, l)| bad(b.verdict) && good(l.verdict)).map(|(b, _)| b.id).collect(),
            newly_lost: pairs().filter(|(b, l)| good(b.verdict) && bad(l.verdict)).map(|(b, _)| b.id).collect(),
        }
    }

    pub fn delta(&self, v: Verdict) -> i64 {
        self.verdict_delta.iter().find(|(w, _)| *w == v).map_or(0, |(_, d)| *d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sync_master(version: RocketMqVersion) -> Scenario {
        let mut sc = Scenario { version, ..Scenario::default() };
        sc.broker.broker_role = BrokerRole::SyncMaster;
        sc.slave.enabled = true;
        sc
    }

    #[test]
    fn in_sync_replicas_2_applies_only_where_the_release_counts_replicas() {
        assert!(Knob::InSyncReplicas2.apply(&sync_master(RocketMqVersion::V4_9_8)).is_none(), "4.x has no inSyncReplicas");
        assert!(Knob::InSyncReplicas2.apply(&sync_master(RocketMqVersion::V4_7_0)).is_none());
        let base = sync_master(RocketMqVersion::V5_3_3);
        let sc = Knob::InSyncReplicas2.apply(&base).expect("5.3.3 SYNC_MASTER at the default inSyncReplicas = 1");
        assert_eq!((sc.broker.in_sync_replicas, sc.broker.total_replicas), (2, 2));
        assert_eq!(Knob::InSyncReplicas2.describe(&base), "inSyncReplicas = 2, totalReplicas = 2");
        assert!(Knob::InSyncReplicas2.apply(&sc).is_none(), "already waits for the slave");
        // From a 5.x ASYNC_MASTER without a slave the knob brings both.
        let plain = Scenario { version: RocketMqVersion::V5_3_3, ..Scenario::default() };
        let sc = Knob::InSyncReplicas2.apply(&plain).unwrap();
        assert!(sc.slave.enabled && sc.broker.broker_role == BrokerRole::SyncMaster);
        assert!(Knob::InSyncReplicas2.describe(&plain).starts_with("inSyncReplicas = 2"));
    }

    #[test]
    fn version_lanes_change_only_the_version_and_are_no_what_if() {
        let base = sync_master(RocketMqVersion::V4_9_8);
        let on5 = Knob::SameOn(RocketMqVersion::V5_3_3).apply(&base).unwrap();
        assert_eq!(Scenario { version: RocketMqVersion::V4_9_8, name: base.name.clone(), ..on5.clone() }, base);
        assert!(Knob::SameOn(RocketMqVersion::V4_9_8).apply(&base).is_none());
        for k in Knob::VERSIONS {
            assert_eq!(Knob::from_id(k.id()), Some(k));
            assert!(!Knob::ALL.contains(&k), "a release is not a safety knob");
        }
        assert_eq!(Knob::from_id("IN_SYNC_REPLICAS_2"), Some(Knob::InSyncReplicas2));
    }
}
