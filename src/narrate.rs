//! Words for the live region: what happened between two playhead positions, summarised so a
//! burst of losses reads as one sentence ("12 messages lost: the master lost power before they
//! were flushed"). Everything comes from the core's event log and ledger (fault events, the
//! loss reasons the core recorded, ghost arrival times from [`crate::layout::Tracks`]); nothing
//! here decides what is lost. Pure, so it is tested natively.

use rmq_sim::text::LossReason;
use rmq_sim::{EventKind, NodeId, SimTime, Verdict};

use crate::i18n::{t, tf, Key, Lang};
use crate::layout::Place;
use crate::playback::Run;

/// How a lost message's last copy went, grouped for one sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Why {
    Power(NodeId),
    Disk(NodeId),
    SlaveOnly,
    WriteBuffer,
    Truncated,
    Skipped,
    NeverStored,
}

/// A broker position's word ("master", "slave", "second slave").
pub fn node_word(n: NodeId) -> Key {
    match n {
        NodeId::Master => Key::TargetMaster,
        NodeId::Slave => Key::TargetSlave,
        NodeId::Slave2 => Key::TargetSlave2,
    }
}

fn why_words(w: Why, many: bool, lang: Lang) -> String {
    match w {
        Why::Power(n) => tf(lang, if many { Key::SayPowerMany } else { Key::SayPowerOne }, &[&t(lang, node_word(n))]),
        Why::Disk(n) => tf(lang, Key::SayDiskGone, &[&t(lang, node_word(n))]),
        Why::SlaveOnly => t(lang, Key::SaySlaveOnly).to_string(),
        Why::WriteBuffer => t(lang, Key::SayWriteBuffer).to_string(),
        Why::Truncated => t(lang, Key::SayTruncated).to_string(),
        Why::Skipped => t(lang, Key::SaySkipped).to_string(),
        Why::NeverStored => t(lang, Key::SayNeverStored).to_string(),
    }
}

/// Messages whose ghost lands in the lost bin in `(from, to]`, with why.
fn losses(run: &Run, from: SimTime, to: SimTime) -> Vec<(u32, Why)> {
    let mut out = Vec::new();
    for r in &run.done.ledger().messages {
        if !matches!(r.verdict, Some(Verdict::LostAfterAck | Verdict::LostUnacked)) {
            continue;
        }
        let Some(k) = run.tracks.keys.get(r.id as usize).and_then(|k| k.last()) else { continue };
        if k.place != Place::Lost || k.arrive <= from || k.arrive > to {
            continue;
        }
        let why = match r.lost().last().map(|(_, reason)| reason) {
            Some(LossReason::PageCacheLost { node, .. }) => Why::Power(*node),
            Some(LossReason::DiskLost { node, .. }) => Why::Disk(*node),
            Some(LossReason::SlaveOnly { .. }) => Why::SlaveOnly,
            Some(LossReason::WriteBufferLost { .. }) => Why::WriteBuffer,
            Some(LossReason::TruncatedOnRejoin { .. } | LossReason::MasterRestartedInPlace { truncated: true, .. }) => Why::Truncated,
            Some(LossReason::MasterRestartedInPlace { truncated: false, .. }) => Why::SlaveOnly,
            None if r.cause().is_some_and(|c| c.0.iter().any(|s| matches!(s, rmq_sim::text::CauseStep::SkippedByConsumer { .. }))) => Why::Skipped,
            None => Why::NeverStored,
        };
        out.push((r.id, why));
    }
    out
}

fn loss_sentence(lost: &[(u32, Why)], lang: Lang) -> Option<String> {
    let (first_id, first_why) = *lost.first()?;
    if lost.len() == 1 {
        return Some(tf(lang, Key::SayLostOne, &[&first_id, &why_words(first_why, false, lang)]));
    }
    let mut whys: Vec<Why> = lost.iter().map(|(_, w)| *w).collect();
    rmq_sim::sort::sort(&mut whys);
    whys.dedup();
    let sep = if lang == Lang::Zh { "；" } else { "; " };
    let reasons = whys.iter().map(|w| why_words(*w, true, lang)).collect::<Vec<_>>().join(sep);
    Some(tf(lang, Key::SayLostMany, &[&lost.len(), &reasons]))
}

/// The word for a fault's target.
pub fn target_key(target: rmq_sim::scenario::FaultTarget) -> Key {
    use rmq_sim::scenario::FaultTarget::*;
    match target {
        Master => Key::TargetMaster,
        Slave => Key::TargetSlave,
        Slave2 => Key::TargetSlave2,
        FirstMaster => Key::TargetFirstMaster,
        Controller => Key::TargetController,
        Producer => Key::TargetProducer,
        Consumer => Key::TargetConsumer,
    }
}

/// One announcement for what happened in `(from, to]`, or None when nothing worth saying did.
/// A fault in the page's words (`fault_panel::fault_words`, the label of its button), passed in
/// by the caller so that this text module stays below the components that own those labels.
pub type FaultWords = fn(Lang, rmq_sim::scenario::FaultKind, rmq_sim::scenario::FaultTarget) -> String;

pub fn narrate(run: &Run, from: SimTime, to: SimTime, lang: Lang, fault_words: FaultWords) -> Option<String> {
    if to <= from {
        return None;
    }
    let ev = run.done.events();
    let lo = ev.partition_point(|e| e.at <= from);
    let hi = ev.partition_point(|e| e.at <= to);
    let mut parts: Vec<String> = Vec::new();
    let (mut dlq, mut ended) = (0usize, None);
    for e in &ev[lo..hi] {
        match &e.kind {
            EventKind::FaultInjected { kind, target, .. } => {
                parts.push(tf(lang, Key::SayFault, &[&fault_words(lang, *kind, *target)]))
            }
            EventKind::DeadLettered { .. } => dlq += 1,
            // Controller mode (issue 20): the election, the promotion, the set, the truncation.
            EventKind::MasterElected { broker, epoch, unclean, .. } => {
                parts.push(tf(lang, if *unclean { Key::SayElectedUnclean } else { Key::SayElected }, &[broker, epoch]))
            }
            EventKind::RoleChanged { broker, node: NodeId::Master, epoch } => parts.push(tf(lang, Key::SayRoleChanged, &[broker, epoch])),
            EventKind::NoMasterElected { .. } => parts.push(t(lang, Key::SayNoMaster).to_string()),
            EventKind::SyncStateSetChanged { sync_state_set, how, .. } => {
                let how = t(lang, if *how == "grew" { Key::SyncGrew } else { Key::SyncShrunk });
                parts.push(tf(lang, Key::SaySyncSet, &[&how, sync_state_set]))
            }
            EventKind::LogTruncated { broker, cut, .. } => parts.push(tf(lang, Key::SayLogTruncated, &[broker, &rmq_sim::event::bytes(*cut)])),
            EventKind::ControllerBack => parts.push(t(lang, Key::SayControllerBack).to_string()),
            EventKind::RunEnded { .. } => ended = Some(e.at),
            _ => {}
        }
    }
    parts.extend(loss_sentence(&losses(run, from, to), lang));
    let dups = run.done.ledger().messages.iter().filter(|r| r.consumed_at.get(1).is_some_and(|c| *c > from && *c <= to)).count();
    if dups > 0 {
        parts.push(tf(lang, Key::SayDup, &[&dups]));
    }
    if dlq > 0 {
        parts.push(tf(lang, Key::SayDlq, &[&dlq]));
    }
    if let Some(at) = ended {
        parts.push(tf(lang, Key::SayEnded, &[&at]));
    }
    if parts.is_empty() {
        return None;
    }
    let sep = if lang == Lang::Zh { "。" } else { ". " };
    Some(parts.join(sep))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playback::Timeline;
    use rmq_sim::scenario::presets;

    const WORDS: FaultWords = crate::components::fault_panel::fault_words;

    fn run(id: &str) -> Run {
        Run::new(Timeline::new(presets::load(id).expect("preset")))
    }

    #[test]
    fn a_power_cut_is_one_summarised_sentence_in_each_language() {
        let r = run("async-flush-power-loss");
        let en = narrate(&r, SimTime::from_ms(2_999), SimTime::from_ms(3_000), Lang::En, WORDS).expect("something happened");
        assert!(en.contains("messages lost: the master lost power before they were flushed"), "{en}");
        // The fault in its button's words, not the scenario file's kind (a screen reader would
        // spell out "POWER_LOSS").
        assert!(en.contains("fault: Cut master power"), "{en}");
        assert!(!en.contains("POWER_LOSS"), "{en}");
        let zh = narrate(&r, SimTime::from_ms(2_999), SimTime::from_ms(3_000), Lang::Zh, WORDS).expect("zh");
        assert!(zh.contains("条消息丢失：主节点断电时它们尚未刷盘"), "{zh}");
        assert!(zh.contains(&format!("故障：{}", t(Lang::Zh, Key::FaultPower))) && !zh.contains("POWER_LOSS"), "{zh}");
    }

    #[test]
    fn quiet_stretches_say_nothing() {
        let r = run("defaults");
        assert_eq!(narrate(&r, SimTime::ZERO, SimTime::from_ms(5), Lang::En, WORDS), None);
        assert_eq!(narrate(&r, SimTime::from_ms(5), SimTime::from_ms(5), Lang::En, WORDS), None);
    }

    /// Controller mode: the election and the promotion are said when the playhead passes them,
    /// and the truncation on rejoin names the broker and what it cut (issue 20).
    #[test]
    fn a_failover_is_narrated_from_the_election_to_the_truncation() {
        let r = run("v5-controller-failover-truncated");
        let s = narrate(&r, SimTime::ZERO, r.end, Lang::En, WORDS).expect("something");
        assert!(s.contains("the controller elected broker 1 master (epoch 2)"), "{s}");
        assert!(s.contains("broker 1 is master now (epoch 2)"), "{s}");
        assert!(s.contains("broker 0 rejoined and truncated its log by"), "{s}");
        let zh = narrate(&r, SimTime::ZERO, r.end, Lang::Zh, WORDS).expect("zh");
        assert!(zh.contains("控制器选举 Broker 1 为主节点（epoch 2）"), "{zh}");
        let before = r.done.events().iter().find(|e| matches!(e.kind, EventKind::MasterElected { .. })).map(|e| e.at).expect("elected");
        let early = narrate(&r, SimTime::ZERO, SimTime(before.0 - 1), Lang::En, WORDS).unwrap_or_default();
        assert!(!early.contains("elected"), "not before the playhead reaches it: {early}");
    }

    #[test]
    fn dead_letters_are_counted() {
        let r = run("max-reconsume-3");
        let s = narrate(&r, SimTime::ZERO, r.end, Lang::En, WORDS).expect("something");
        assert!(s.contains("dead-lettered to %DLQ%"), "{s}");
        assert!(s.contains("the run ended"), "{s}");
    }
}
