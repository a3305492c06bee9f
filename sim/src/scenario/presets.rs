//! The presets: one scenario per claim of the seed note (and per item of spec §6), shipped as
//! TOML files under `sim/presets/` so that users read and edit the same text the lab runs.
//!
//! Each file opens with comments saying the claim in plain English, where it comes from, and what
//! the run should show. They are compiled in with `include_str!` (the lab's copy without the
//! comments, see [`Preset::body`]), and a test parses every one.

use super::Scenario;

/// A named, documented scenario file.
#[derive(Debug)]
pub struct Preset {
    /// Stable id, also the file name (`sim/presets/<id>.toml`) and the URL slug.
    pub id: &'static str,
    /// A short plain title, e.g. "SYNC_FLUSH survives a power cut".
    pub title: &'static str,
    /// One sentence: what the seed note or the spec claims.
    pub claim: &'static str,
    /// The TOML the lab runs: the file without its comment lines (written by `sim/build.rs`).
    /// It parses to the same scenario as [`Preset::source`] (a test checks every preset), and
    /// keeps the lab's first load free of the files' explanations, which only
    /// [`Preset::source`]'s readers show (issue 23).
    pub body: &'static str,
}

impl Preset {
    /// The file's whole text, comments and all: what users read and edit (the JS API's
    /// `presets()`, the CLI). Kept out of the presets' table so that a build that never asks for it
    /// (the lab's wasm module) does not carry it.
    pub fn source(&self) -> &'static str {
        SOURCES.iter().find(|(id, _)| *id == self.id).map_or(self.body, |(_, s)| *s)
    }
}

macro_rules! preset {
    ($id:literal, $title:expr, $claim:expr) => {
        Preset { id: $id, title: $title, claim: $claim, body: include_str!(concat!(env!("OUT_DIR"), "/presets/", $id, ".toml")) }
    };
}

include!(concat!(env!("OUT_DIR"), "/presets/sources.rs"));

static PRESETS: &[Preset] = &[
    preset!(
        "whole-path",
        "The whole path in one run: sent, flushed, copied, consumed, retried, dead-lettered, lost",
        "SEND_OK does not make a message safe: a power cut loses what the master had not flushed, and the slave's copy does not bring it back once the master restarts; meanwhile a message the consumer keeps failing is retried, then dead-lettered."
    ),
    preset!(
        "defaults",
        "Defaults, no fault: everything arrives",
        "With RocketMQ's defaults and no fault, every send is answered SEND_OK and every message is consumed once."
    ),
    preset!(
        "slave-not-available",
        "SYNC_MASTER without a slave: SLAVE_NOT_AVAILABLE",
        "A SYNC_MASTER with no slave configured answers SLAVE_NOT_AVAILABLE; the message is still stored."
    ),
    preset!(
        "slave-stopped",
        "Slave stopped: later sends get SLAVE_NOT_AVAILABLE",
        "When the slave of a SYNC_MASTER goes away, sends are answered SLAVE_NOT_AVAILABLE and are no longer replicated."
    ),
    preset!(
        "flush-slave-timeout",
        "Slave link stalls: FLUSH_SLAVE_TIMEOUT",
        "A SYNC_MASTER whose slave does not catch up within the wait answers FLUSH_SLAVE_TIMEOUT; the message is stored but not replicated."
    ),
    preset!(
        "flush-slave-client-timeout",
        "Slave link stalls, default client timeout: exceptions",
        "With the default sendMsgTimeout the client gives up before the broker answers FLUSH_SLAVE_TIMEOUT, so it sees an exception for a message that was stored."
    ),
    preset!(
        "flush-disk-timeout",
        "Disk stalls under SYNC_FLUSH: FLUSH_DISK_TIMEOUT",
        "Under SYNC_FLUSH a flush that does not finish within syncFlushTimeout is answered FLUSH_DISK_TIMEOUT; the message is in memory and lost only if the server goes down."
    ),
    preset!(
        "flush-disk-client-timeout",
        "Disk stalls, default client timeout: exceptions",
        "With the default sendMsgTimeout (3 s) shorter than syncFlushTimeout (5 s), the client sees an exception instead of FLUSH_DISK_TIMEOUT, though the message is stored."
    ),
    preset!(
        "async-flush-power-loss",
        "ASYNC_FLUSH loses SEND_OK messages in a power cut",
        "Asynchronous flush can lose messages that were not yet persisted: SEND_OK alone does not make a message reliable."
    ),
    preset!(
        "async-flush-process-crash",
        "ASYNC_FLUSH survives a process crash",
        "A broker process crash loses nothing, even under ASYNC_FLUSH: the OS still writes the page cache back."
    ),
    preset!(
        "transient-store-pool-process-crash",
        "transientStorePoolEnable: a process crash loses the write buffer",
        "With transientStorePoolEnable a broker process crash loses the messages still in the off-heap write buffer, which a plain ASYNC_FLUSH broker never does."
    ),
    preset!(
        "sync-flush-power-loss",
        "SYNC_FLUSH survives a power cut",
        "To guarantee no loss enable synchronous flush: a SEND_OK message under SYNC_FLUSH is on disk."
    ),
    preset!(
        "book-recommendation",
        "ASYNC_FLUSH + SYNC_MASTER survives a master power cut",
        "The book recommends ASYNC_FLUSH with SYNC_MASTER: a SEND_OK message is also on the slave, so one machine's power loss loses nothing acknowledged."
    ),
    preset!(
        "book-recommendation-master-restarts",
        "Book recommendation, but the master restarts",
        "The slave's copy protects acknowledged messages only while the master stays down; 4.x master-slave does not reconcile a restarted master with its slave."
    ),
    preset!(
        "both-machines-lose-power",
        "Both machines lose power at once",
        "ASYNC_FLUSH + SYNC_MASTER loses acknowledged messages only when both machines lose power within the flush window."
    ),
    preset!(
        "async-master-disk-lost",
        "ASYNC_MASTER loses what was not yet replicated",
        "With asynchronous replication a destroyed master disk loses the messages the slave had not received yet."
    ),
    preset!(
        "async-master-push-window",
        "ASYNC_MASTER at defaults: the last 100 ms are only on the master",
        "Even with a healthy slave on a fast link, ASYNC_MASTER replicates in 100 ms steps: a destroyed master disk loses the SEND_OK messages of the last step."
    ),
    preset!(
        "slave-falls-behind-burst",
        "A burst leaves the slave behind: SLAVE_NOT_AVAILABLE",
        "A burst faster than the replication link leaves the slave more than haSlaveFallbehindMax behind, so a SYNC_MASTER answers SLAVE_NOT_AVAILABLE with its slave up (apache/rocketmq #2528)."
    ),
    preset!(
        "sync-master-disk-lost",
        "SYNC_MASTER survives a destroyed master disk",
        "With synchronous replication (SYNC_MASTER) a SEND_OK message is on the slave too, so losing the master's disk loses none of them."
    ),
    preset!(
        "poison-message-dlq",
        "A poison message ends in the DLQ after 16 retries",
        "A failed consumption returns RECONSUME_LATER and is retried; after 16 retries the message enters the dead letter queue."
    ),
    preset!(
        "max-reconsume-3",
        "maxReconsumeTimes = 3: the DLQ after 3 retries",
        "maxReconsumeTimes sets how many retries a failing message gets before the DLQ."
    ),
    preset!(
        "consumer-crash-duplicates",
        "A consumer crash re-delivers: duplicates",
        "Consumption is at-least-once: a consumer that crashes before its offset reaches the broker receives those messages again."
    ),
    preset!(
        "async-send-compensation",
        "Async send with persist-and-resend compensates",
        "An asynchronous sender can persist a failed message in onException and compensate later."
    ),
    preset!(
        "master-down-sync-send",
        "Master down: sync sends throw and are dropped",
        "If a synchronous send throws, the message did not reach the broker; an application that only logs it loses it."
    ),
    preset!(
        "oneway-power-loss",
        "ONEWAY sends vanish silently",
        "A oneway send gets no answer, so a message lost to a power cut leaves no trace at the producer."
    ),
    preset!(
        "retry-then-success",
        "RECONSUME_LATER twice, then success",
        "A consumer that returns RECONSUME_LATER receives the message again, so a transient failure does not lose it."
    ),
    preset!(
        "dlq-compensation",
        "Consuming the DLQ compensates a poison message",
        "The DLQ is a topic too, and consuming it is the way to compensate."
    ),
    preset!(
        "v5-sync-master-upgrade-trap",
        "RocketMQ 5: SYNC_MASTER at defaults no longer waits for the slave",
        "On RocketMQ 5.3.3, brokerRole = SYNC_MASTER at default settings does not wait for the slave (inSyncReplicas = 1 counts the master itself): a destroyed master disk loses SEND_OK messages that 4.9.8 keeps."
    ),
    preset!(
        "v5-slave-unreadable",
        "RocketMQ 5: the slave refuses every pull at defaults",
        "A RocketMQ 5.3.3 slave refuses every pull while slaveReadEnable = false (the default): while the master is down, no message that was not consumed before the fault reaches a consumer, whatever the replication setting."
    ),
    preset!(
        "v5-grpc-poison-message",
        "RocketMQ 5 gRPC consumer: a poison message retries from 1 s and reaches the DLQ in ~2h46m",
        "The RocketMQ 5 gRPC push consumer retries a failed message through POP with the group's retry policy from its first entry (1 s, 5 s, 10 s, …): 17 deliveries, then %DLQ% about 2 h 46 min after the first (the remoting consumer: 4 h 45 min)."
    ),
    preset!(
        "v5-in-sync-replicas-slave-down",
        "RocketMQ 5: inSyncReplicas = 2 and the slave down: every send waits 3 s",
        "On RocketMQ 5.3.3 a SYNC_MASTER with inSyncReplicas = 2 whose slave is down makes every send wait slaveTimeout (3 s) for FLUSH_SLAVE_TIMEOUT, where 4.9.8 answers SLAVE_NOT_AVAILABLE at once."
    ),
    preset!(
        "v5-acting-master-degrades",
        "RocketMQ 5: automatic degradation answers SEND_OK when the slave goes",
        "On RocketMQ 5.3.3 with slave-acting master and automatic degradation, a send waits for the slave while it is in sync and is answered SEND_OK at master-only latency once it is down."
    ),
    preset!(
        "v470-flush-slave-timeout-5s",
        "RocketMQ 4.7: the slave wait is syncFlushTimeout, 5 s",
        "On RocketMQ 4.7.0 a SYNC_MASTER whose slave link stalls answers FLUSH_SLAVE_TIMEOUT after syncFlushTimeout (5 s), the seed note's 5 s, not 4.9.x's slaveTimeout (3 s); the waiting sends are served one after the other."
    ),
    preset!(
        "v5-controller-failover-all-ack",
        "RocketMQ 5 controller mode, allAckInSyncStateSet: failover keeps every acknowledged message",
        "In RocketMQ 5.3.3 controller mode with allAckInSyncStateSet = true, a put waits for every SyncStateSet member, so when the master loses power the elected slave holds every SEND_OK message: none is lost, and no consumer read a message that was later cut."
    ),
    preset!(
        "v5-controller-failover-truncated",
        "RocketMQ 5 controller mode at defaults: the old master's tail is truncated when it rejoins",
        "In controller mode at the defaults (inSyncReplicas = 1) a send is acknowledged before any slave has it: after a failover the old master rejoins as a slave and truncates its log to the last point it shares with the new master, losing the SEND_OK messages only it held."
    ),
    preset!(
        "v5-controller-unclean-election",
        "RocketMQ 5 controller mode: an unclean election loses what the old master alone held",
        "With enableElectUncleanMaster = true the controller elects a live replica outside the SyncStateSet when no member is alive: writes resume, but what the old master alone held is truncated when it rejoins."
    ),
    preset!(
        "v5-controller-lost-with-master",
        "RocketMQ 5 controller mode: a controller lost together with the master elects nobody",
        "Controller mode presumes a controller that survives the fault: when it is down as the master dies, nobody is elected and writes stop until it is back and re-elects at its next 5 s scan."
    ),
    preset!(
        "v5-grpc-flush-disk-stall",
        "RocketMQ 5 gRPC producer, disk stalls under SYNC_FLUSH: each message stored three times",
        "The 5.x gRPC producer has no SendStatus: an attempt the broker cannot confirm in time fails and is resent at once, up to maxAttempts (3); every attempt was stored, so a message sent during a stalled SYNC_FLUSH disk is stored and consumed three times while the application sees an exception."
    ),
    preset!(
        "v5-remoting-flush-disk-stall",
        "RocketMQ 5 remoting producer, disk stalls under SYNC_FLUSH: the comparison lane",
        "The remoting producer (DefaultMQProducer) in the same stall spends one sendMsgTimeout budget per send and throws after it, without another attempt: each message is stored once, where the gRPC producer stores it three times."
    ),
    preset!(
        "v5-grpc-master-persistence-timeout",
        "RocketMQ 5 gRPC producer through a local proxy: MASTER_PERSISTENCE_TIMEOUT, then a resend",
        "The proxy turns the broker's FLUSH_DISK_TIMEOUT into the error MASTER_PERSISTENCE_TIMEOUT; the gRPC client throws on it and resends at once, so the message the broker had stored is stored again."
    ),
];

/// Every preset: the lab's first run (the whole path), then the claims in the order the spec lists them.
pub fn all() -> &'static [Preset] {
    PRESETS
}

/// The preset with this id.
pub fn find(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// The preset with this id, parsed. Presets always parse (a test checks it), and are read
/// without the `toml` parser ([`super::lite`]: the web lab's first load does not carry it).
pub fn load(id: &str) -> Option<Scenario> {
    find(id).and_then(|p| super::lite::read(p.body)).and_then(Result::ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;

    #[test]
    fn every_preset_parses_and_is_named_after_its_title() {
        assert_eq!(all().len(), 40);
        for p in all() {
            let s = parse_scenario(p.source()).unwrap_or_else(|e| panic!("preset {}: {e}", p.id));
            assert_eq!(s.name, p.title, "preset {}", p.id);
            assert!(p.source().starts_with("# "), "preset {} opens with its explanation", p.id);
            assert_eq!(parse_scenario(p.body).as_ref(), Ok(&s), "preset {}: the lab's body runs the file's scenario", p.id);
            assert!(!p.body.lines().any(|l| l.trim_start().starts_with('#')), "preset {}: the body has no comment line", p.id);
            assert!((5..=300).contains(&s.producer.messages), "preset {} stays small", p.id);
            assert_eq!(load(p.id), Some(s));
        }
    }

    #[test]
    fn preset_ids_are_unique_and_found() {
        for (i, p) in all().iter().enumerate() {
            assert!(all()[..i].iter().all(|q| q.id != p.id), "duplicate id {}", p.id);
            assert_eq!(find(p.id).map(|q| q.id), Some(p.id));
        }
        assert!(find("no-such-preset").is_none());
        assert!(load("no-such-preset").is_none());
    }
}
