//! rmq_sim — a deterministic simulation of Apache RocketMQ's reliability path: 4.9.8 by default,
//! 4.7.0 and 5.3.3 by a scenario's `version` ([`rocketmq_version`] holds what each does differently).
//!
//! The path the seed note describes (`shared/seed/message-loss.en.md`), modelled after RocketMQ's
//! source (`shared/spec/rocketmq-semantics.md`, `rocketmq-client.md`):
//!
//! producer send ([`sim`]'s producer, spec §3) → master page cache → commit log on disk
//! ([`broker::store`], flush services, spec §2) → slave (replication, spec §2, §4b) → consume
//! queue → consumer group → `%RETRY%<group>` → `%DLQ%<group>` (spec §5).
//!
//! Everything is driven by [`Sim`]: integer simulated time that jumps to the next event, one
//! seed with one random stream per subsystem, and an event log of past-tense facts whose text
//! lines and digest are identical natively and in wasm. Scenarios are TOML files with RocketMQ's
//! own property names ([`scenario`]); [`report::Report`] is the JSON the `losslab` runner prints.

pub mod broker;
pub mod event;
pub mod export;
pub mod exposure;
pub mod fault_rates;
pub mod invariants;
pub mod ledger;
pub mod log;
pub mod queue;
pub mod report;
pub mod retry_schedule;
pub mod rocketmq_version;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod sort;
pub mod sweep;
pub mod text;
pub mod time;
pub mod vec_map;
pub mod whatif;

pub use event::{Event, EventKind, MsgId, NodeId, SendStatus};
pub use ledger::Verdict;
pub use rocketmq_version::{RocketMqVersion, VersionRules};
pub use scenario::Scenario;
pub use sim::{Command, FaultRefusal, Sim, SLAVE_SYNC_PERIOD};
pub use time::{SimDuration, SimTime};
