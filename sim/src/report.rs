//! The run's report: the JSON the `losslab` runner prints (a public interface), the event-log
//! digest that identifies a run, and a readable summary table.
//!
//! Cost figures ([`Latency`], [`Throughput`]) are computed in integer microseconds (and
//! milli-TPS) and turned into milliseconds only when serialised, so they are identical natively
//! and in wasm.

use crate::vec_map::VecMap;
use std::fmt::Write as _;

use crate::event::{EndReason, Event};
use crate::ledger::{Answer, Ledger, SendRecord, Verdict};
use crate::sim::Sim;

pub use crate::log::digest;

/// JavaScript's largest safe integer, 2^53 − 1: a `Number` above it may not be the integer meant.
pub const MAX_SAFE_JS_INTEGER: u64 = (1 << 53) - 1;

/// Serializes a seed (`#[serde(serialize_with)]`): as any `u64` up to 2^53 − 1, and as a 128-bit
/// integer above. JSON writes both the same digits; serde-wasm-bindgen, which gives the JS API its
/// values, makes the first a `Number` and the second a `BigInt`, so a seed reaches a page exact
/// (a `Number` would round it).
pub fn serialize_seed<S: serde::Serializer>(seed: &u64, s: S) -> Result<S::Ok, S::Error> {
    if *seed <= MAX_SAFE_JS_INTEGER {
        s.serialize_u64(*seed)
    } else {
        s.serialize_u128(u128::from(*seed))
    }
}

/// [`serialize_seed`] for each seed of a list.
pub fn serialize_seeds<S: serde::Serializer>(seeds: &[u64], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(seeds.len()))?;
    for seed in seeds {
        seq.serialize_element(&Seed(*seed))?;
    }
    seq.end()
}

/// A seed serialized by [`serialize_seed`].
struct Seed(u64);

impl serde::Serialize for Seed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_seed(&self.0, s)
    }
}

/// The whole log as text, one line per event.
pub fn log_text(events: &[Event]) -> String {
    let mut out = String::new();
    for e in events {
        writeln!(out, "{e}").expect("write to string");
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub messages: u32,
    pub send_status: VecMap<&'static str, u32>,
    pub verdicts: VecMap<&'static str, u32>,
    pub reconsumes: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageReport {
    pub id: u32,
    pub send_status: &'static str,
    pub verdict: &'static str,
    pub send_attempts: u32,
    pub deliveries: u32,
    pub reconsume_times: u32,
    pub cause: Option<String>,
    /// gRPC producer: the code of the exception the application saw (`MASTER_PERSISTENCE_TIMEOUT`,
    /// `DEADLINE_EXCEEDED`, …); absent for a receipt and for the remoting producer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<&'static str>,
    /// gRPC producer: the copies of it the broker stored in `TopicTest`, one per attempt that
    /// reached it (absent for the remoting producer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copies_stored: Option<u32>,
    /// gRPC consumer: each pop of it, in order (absent for the remoting consumer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pops: Option<Vec<PopReport>>,
    /// gRPC consumer: when the proxy forwarded it to `%DLQ%<group>` (absent if it did not, and
    /// for the remoting consumer).
    #[serde(rename = "deadLetteredAtMs", skip_serializing_if = "Option::is_none", serialize_with = "serialize_opt_ms")]
    pub dead_lettered_at_us: Option<u64>,
}

/// Serializes µs as (fractional) milliseconds ([`us_to_ms`]).
fn serialize_ms<S: serde::Serializer>(us: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(us_to_ms(*us))
}

/// [`serialize_ms`] of a time that may be absent (`null`).
fn serialize_opt_ms<S: serde::Serializer>(us: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match us {
        Some(us) => s.serialize_f64(us_to_ms(*us)),
        None => s.serialize_none(),
    }
}

/// One pop of a message by the gRPC push consumer (`messages[].pops`, spec 5 §5): the broker
/// made it invisible, the proxy renewed it while the client held it, the client acked or nacked
/// it, and an open checkpoint was revived into the retry topic. Times in ms.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PopReport {
    /// The queue it was popped from (`"TopicTest#2"`, `"%RETRY%"`).
    pub queue: String,
    pub queue_offset: u64,
    pub reconsume_times: u32,
    #[serde(rename = "poppedAtMs", serialize_with = "serialize_ms")]
    pub popped_at_us: u64,
    /// When the receive brought it to the client; `null` if the client never got it (it died).
    #[serde(rename = "receivedAtMs", serialize_with = "serialize_opt_ms")]
    pub received_at_us: Option<u64>,
    /// The end of its invisible time: `poppedAtMs` + `defaultInvisibleTimeMills`, moved by each
    /// renewal and by a nack (then: the nack's time + its backoff).
    #[serde(rename = "invisibleUntilMs", serialize_with = "serialize_ms")]
    pub invisible_until_us: u64,
    /// Auto-renewals by the proxy while the client held it.
    pub renewals: u32,
    /// The client's answer the master took: `"ACK"`, `"NACK"`, or `null` (none arrived in time).
    pub answer: Option<&'static str>,
    #[serde(rename = "answeredAtMs", serialize_with = "serialize_opt_ms")]
    pub answered_at_us: Option<u64>,
    /// A nack's backoff: the retry policy's delay for this delivery attempt.
    #[serde(rename = "nackBackoffMs", serialize_with = "serialize_opt_ms")]
    pub nack_backoff_us: Option<u64>,
    /// How the checkpoint ended: `"ACKED"`, `"REVIVED"` (written to `%RETRY%` with
    /// `reconsumeTimes` + 1), `"COPY_LOST"` (the popped copy was gone: nothing to revive) or
    /// `"OPEN"` at the end of the run; `"NO_CHECKPOINT"` for a pop a slave served while the
    /// proxy's route had no master (spec 5 §5: its checkpoint could not be stored).
    pub end: &'static str,
    #[serde(rename = "endedAtMs", serialize_with = "serialize_opt_ms")]
    pub ended_at_us: Option<u64>,
}

impl PopReport {
    fn of(t: &crate::sim::PopTrace) -> PopReport {
        use crate::sim::{PopAnswer, PopEnd};
        PopReport {
            queue: t.queue.to_string(),
            queue_offset: t.queue_offset,
            reconsume_times: t.reconsume_times,
            popped_at_us: t.popped_at.as_us(),
            received_at_us: t.received_at.map(|at| at.as_us()),
            invisible_until_us: t.invisible_until.as_us(),
            renewals: t.renewals,
            answer: t.answer.map(|(_, a)| match a {
                PopAnswer::Ack => "ACK",
                PopAnswer::Nack(_) => "NACK",
            }),
            answered_at_us: t.answer.map(|(at, _)| at.as_us()),
            nack_backoff_us: t.answer.and_then(|(_, a)| match a {
                PopAnswer::Nack(d) => Some(d.as_us()),
                PopAnswer::Ack => None,
            }),
            end: match t.end {
                None if t.node != crate::event::NodeId::Master => "NO_CHECKPOINT",
                Some((_, PopEnd::Acked)) => "ACKED",
                Some((_, PopEnd::Revived)) => "REVIVED",
                Some((_, PopEnd::CopyLost)) => "COPY_LOST",
                None => "OPEN",
            },
            ended_at_us: t.end.map(|(at, _)| at.as_us()),
        }
    }
}

/// The `"pop"` section (only when `[consumer] client = "grpc"`): what the gRPC push consumer's
/// pops came to (spec 5 §5).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PopSummary {
    /// Messages a broker popped for the group, every queue: the master (made invisible), or a
    /// slave while the proxy's route had no master (no checkpoint).
    pub pops: u32,
    /// Pops whose ack the master took.
    pub acks: u32,
    /// Pops whose nack (`changeInvisibleDuration` with the retry policy's backoff) it took.
    pub nacks: u32,
    /// Auto-renewals of invisible time by the proxy.
    pub renewals: u32,
    /// Checkpoints the revive service wrote to `%RETRY%` (a nack's or a timeout's).
    pub revives: u32,
    /// Messages the proxy forwarded to `%DLQ%<group>` (popped at `maxAttempts`).
    pub dead_lettered: u32,
    /// Checkpoints still open when the run ended.
    pub open_at_end: u32,
}

/// The `"grpc"` section (only when `[producer] client = "grpc"`): what the gRPC producer saw and
/// stored (spec 5 §5).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrpcSummary {
    /// Messages whose last send returned a receipt (`OK`).
    pub receipts: u32,
    /// Messages whose last send threw, by the code of the exception.
    pub error_codes: VecMap<&'static str, u32>,
    /// Attempts made, resends included.
    pub attempts: u32,
    /// Copies the broker stored in `TopicTest`, over all messages.
    pub copies_stored: u32,
    /// Copies beyond each message's first: the duplicates the client's resends stored.
    pub resend_duplicates: u32,
}

/// Latency figures of a set of sends, in µs; serialised as `{"count", "p50Ms", "p99Ms", "maxMs",
/// "meanMs"}` (the `…Ms` fields are `null` when `count` is 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LatencyStats {
    pub count: u32,
    /// Nearest-rank percentiles: the smallest latency at least p % of the sends did not exceed.
    pub p50_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
    /// Integer mean (rounded down).
    pub mean_us: u64,
}

impl LatencyStats {
    /// The figures of `latencies_us` (any order).
    pub fn of(latencies_us: &mut [u64]) -> LatencyStats {
        latencies_us.sort_unstable();
        let n = latencies_us.len();
        if n == 0 {
            return LatencyStats::default();
        }
        let rank = |p: usize| latencies_us[(p * n).div_ceil(100).max(1) - 1];
        let sum: u128 = latencies_us.iter().map(|&l| l as u128).sum();
        LatencyStats {
            count: n as u32,
            p50_us: rank(50),
            p99_us: rank(99),
            max_us: latencies_us[n - 1],
            mean_us: (sum / n as u128) as u64,
        }
    }
}

/// µs as (fractional) milliseconds: exact integer division by a power of ten, the same everywhere.
pub fn us_to_ms(us: u64) -> f64 {
    us as f64 / 1_000.0
}

impl serde::Serialize for LatencyStats {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let ms = |us: u64| (self.count > 0).then(|| us_to_ms(us));
        let mut st = s.serialize_struct("LatencyStats", 5)?;
        st.serialize_field("count", &self.count)?;
        st.serialize_field("p50Ms", &ms(self.p50_us))?;
        st.serialize_field("p99Ms", &ms(self.p99_us))?;
        st.serialize_field("maxMs", &ms(self.max_us))?;
        st.serialize_field("meanMs", &ms(self.mean_us))?;
        st.end()
    }
}

/// The `"latency"` section: per answer the producer got (`SEND_OK` … or `EXCEPTION`, only those
/// that occurred), `"all"` over every answered send, and (not serialised) `"acked"`: the sends
/// that returned a `SendStatus`, which the benchmark tool's Max RT and Average RT describe.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Latency {
    #[serde(flatten)]
    pub by_answer: VecMap<&'static str, LatencyStats>,
    pub all: LatencyStats,
    #[serde(skip)]
    pub acked: LatencyStats,
}

/// The `"throughput"` section. Send TPS is over the producer's window (its first send to the end
/// of its last send: answer, callback, or ONEWAY write); Consume TPS over the first send to the last
/// successful consumption: over the producer's window alone, a consumer that starts after the
/// sends are over read 0 beside every delivery (and a batch consumed at one instant has no window
/// of its own).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Throughput {
    pub window_us: u64,
    /// Sends that returned a `SendStatus` (ONEWAY: requests written): the benchmark's "success".
    pub sends_acked: u32,
    /// Sends that ended in an exception: the benchmark's "Send Failed".
    pub send_failed: u32,
    /// Successful consumptions, all of them.
    pub consumed: u32,
    /// From the first send to the last successful consumption.
    pub consume_window_us: u64,
    /// `sends_acked` per second, in thousandths (`None` when the window is empty).
    pub send_milli_tps: Option<u64>,
    pub consume_milli_tps: Option<u64>,
}

impl serde::Serialize for Throughput {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let tps = |m: Option<u64>| m.map(|m| m as f64 / 1_000.0);
        let mut st = s.serialize_struct("Throughput", 6)?;
        st.serialize_field("sendTps", &tps(self.send_milli_tps))?;
        st.serialize_field("consumeTps", &tps(self.consume_milli_tps))?;
        st.serialize_field("windowMs", &us_to_ms(self.window_us))?;
        st.serialize_field("consumeWindowMs", &us_to_ms(self.consume_window_us))?;
        st.serialize_field("sendOk", &self.sends_acked)?;
        st.serialize_field("sendFailed", &self.send_failed)?;
        st.end()
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Per-second rate of `count` events in `window_us`, in thousandths.
fn milli_rate(count: u32, window_us: u64) -> Option<u64> {
    (window_us > 0).then(|| (count as u128 * 1_000_000_000 / window_us as u128) as u64)
}

impl Latency {
    pub fn of(ledger: &Ledger) -> Latency {
        let mut by: VecMap<&'static str, Vec<u64>> = VecMap::new();
        let (mut all, mut acked) = (Vec::new(), Vec::new());
        for s in ledger.messages.iter().flat_map(|m| &m.sends) {
            let key = match s.answer {
                Answer::Status(st) => st.name(),
                Answer::Exception(_) => "EXCEPTION",
                Answer::NoReply => continue,
            };
            by.get_or_insert_with(key, Vec::new).push(s.latency_us());
            all.push(s.latency_us());
            if matches!(s.answer, Answer::Status(_)) {
                acked.push(s.latency_us());
            }
        }
        Latency {
            by_answer: by.into_iter().map(|(k, mut v)| (k, LatencyStats::of(&mut v))).collect(),
            all: LatencyStats::of(&mut all),
            acked: LatencyStats::of(&mut acked),
        }
    }
}

impl Throughput {
    pub fn of(ledger: &Ledger) -> Throughput {
        let sends = || ledger.messages.iter().flat_map(|m| &m.sends);
        let start = sends().map(|s| s.started_at).min();
        let end = sends().map(|s| s.ended_at).max();
        let (Some(start), Some(end)) = (start, end) else { return Throughput::default() };
        let window_us = end.since(start).as_us();
        let ok = |s: &&SendRecord| !matches!(s.answer, Answer::Exception(_));
        let sends_acked = sends().filter(ok).count() as u32;
        let send_failed = sends().count() as u32 - sends_acked;
        let consumptions = || ledger.messages.iter().flat_map(|m| &m.consumed_at);
        let consumed = consumptions().count() as u32;
        let consume_window_us = consumptions().max().map_or(0, |last| last.since(start).as_us());
        Throughput {
            window_us,
            sends_acked,
            send_failed,
            consumed,
            consume_window_us,
            send_milli_tps: milli_rate(sends_acked, window_us),
            consume_milli_tps: milli_rate(consumed, consume_window_us),
        }
    }
}

/// The `--json` report.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub name: String,
    /// The RocketMQ release the run followed (`"4.9.8"` …).
    pub version: crate::rocketmq_version::RocketMqVersion,
    #[serde(serialize_with = "serialize_seed")]
    pub seed: u64,
    pub ended_at_ms: u64,
    /// Why the run stopped: `NOTHING_PENDING`, `TIME_LIMIT` (`until`) or `EVENT_LIMIT`; at a
    /// limit, every message still in flight is `UNRESOLVED` with the limit as its cause.
    pub ended_by: &'static str,
    pub event_log_digest: String,
    pub summary: Summary,
    pub latency: Latency,
    pub throughput: Throughput,
    pub messages: Vec<MessageReport>,
    /// Send attempts a 5.x master refused with `IN_SYNC_REPLICAS_NOT_ENOUGH` (answered
    /// `SYSTEM_ERROR`; absent when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub in_sync_replicas_not_enough: u32,
    /// `"grpc"` when `[producer] client = "grpc"` (absent for the remoting producer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer_client: Option<&'static str>,
    /// The gRPC producer's receipts, error codes, attempts and stored copies (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grpc: Option<GrpcSummary>,
    /// `"grpc"` when `[consumer] client = "grpc"` (absent for the remoting consumer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumer_client: Option<&'static str>,
    /// The gRPC consumer's pops, acks, nacks, renewals, revives and DLQ forwards (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pop: Option<PopSummary>,
    /// Faults that could not apply, each as "at KIND on target: why" (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub faults_not_applied: Vec<String>,
}

pub const SEND_STATUS_KEYS: [&str; 6] =
    ["SEND_OK", "FLUSH_DISK_TIMEOUT", "FLUSH_SLAVE_TIMEOUT", "SLAVE_NOT_AVAILABLE", "EXCEPTION", "NO_REPLY"];

impl Report {
    /// The report of a finished run.
    pub fn of(sim: &Sim) -> Report {
        let mut send_status: VecMap<&'static str, u32> = VecMap::new();
        for k in SEND_STATUS_KEYS {
            send_status.insert(k, 0);
        }
        let mut verdicts: VecMap<&'static str, u32> = VecMap::new();
        for v in Verdict::ALL {
            verdicts.insert(v.name(), 0);
        }
        let mut reconsumes = 0;
        let mut messages = Vec::new();
        let grpc_client = sim.scenario().producer.client == crate::scenario::Client::Grpc;
        let mut copies = vec![0u32; sim.ledger().messages.len()];
        if grpc_client {
            for c in sim.copies().iter().filter(|c| c.topic == crate::event::Topic::Main) {
                copies[c.msg.0 as usize] += 1;
            }
        }
        let mut grpc = GrpcSummary::default();
        let pop_client = sim.scenario().consumer.client == crate::scenario::Client::Grpc;
        let mut pops: Vec<Vec<PopReport>> = if pop_client { vec![Vec::new(); copies.len()] } else { Vec::new() };
        let mut pop = PopSummary::default();
        if pop_client {
            for t in sim.pop_trace() {
                let r = PopReport::of(t);
                pop.pops += 1;
                pop.renewals += r.renewals;
                match r.answer {
                    Some("ACK") => pop.acks += 1,
                    Some(_) => pop.nacks += 1,
                    None => {}
                }
                match r.end {
                    "REVIVED" => pop.revives += 1,
                    "OPEN" => pop.open_at_end += 1,
                    _ => {}
                }
                pops[t.msg.0 as usize].push(r);
            }
        }
        for m in &sim.ledger().messages {
            let dead_lettered_at_us = m.dead_lettered_at().filter(|_| pop_client).map(|at| at.as_us());
            pop.dead_lettered += u32::from(dead_lettered_at_us.is_some());
            let status = m.send_status_name();
            let verdict = m.verdict.unwrap_or(Verdict::Unresolved).name();
            *send_status.get_mut(status).expect("known status") += 1;
            *verdicts.get_mut(verdict).expect("known verdict") += 1;
            reconsumes += m.deliveries.iter().filter(|d| d.from_retry).count() as u32;
            messages.push(MessageReport {
                id: m.id,
                send_status: status,
                verdict,
                send_attempts: m.attempts.len() as u32,
                deliveries: m.deliveries.len() as u32,
                reconsume_times: m.reconsume_times(),
                cause: m.cause().map(|c| c.render(crate::text::Lang::En)),
                error_code: match m.answer {
                    Some((_, Answer::Exception(e))) => e.grpc_code(),
                    _ => None,
                },
                copies_stored: grpc_client.then_some(copies[m.id as usize]),
                pops: pop_client.then(|| std::mem::take(&mut pops[m.id as usize])),
                dead_lettered_at_us,
            });
            if grpc_client {
                match m.answer {
                    Some((_, Answer::Status(_))) => grpc.receipts += 1,
                    Some((_, Answer::Exception(e))) => {
                        *grpc.error_codes.get_or_insert_with(e.grpc_code().unwrap_or(e.name()), || 0) += 1
                    }
                    _ => {}
                }
                grpc.attempts += m.attempts.len() as u32;
                let n = copies[m.id as usize];
                grpc.copies_stored += n;
                grpc.resend_duplicates += n.saturating_sub(1);
            }
        }
        Report {
            name: sim.scenario().name.clone(),
            version: sim.scenario().version,
            seed: sim.scenario().seed,
            ended_at_ms: sim.now().as_ms(),
            ended_by: match sim.ended() {
                Some(EndReason::Quiescent) => "NOTHING_PENDING",
                Some(EndReason::TimeLimit) => "TIME_LIMIT",
                Some(EndReason::EventLimit) => "EVENT_LIMIT",
                None => "RUNNING",
            },
            event_log_digest: sim.log_digest().unwrap_or_default(),
            summary: Summary { messages: messages.len() as u32, send_status, verdicts, reconsumes },
            latency: Latency::of(sim.ledger()),
            throughput: Throughput::of(sim.ledger()),
            in_sync_replicas_not_enough: sim.in_sync_replicas_not_enough(),
            producer_client: grpc_client.then_some("grpc"),
            grpc: grpc_client.then_some(grpc),
            messages,
            consumer_client: pop_client.then_some("grpc"),
            pop: pop_client.then_some(pop),
            faults_not_applied: sim
                .refused_faults()
                .map(|(f, why)| format!("{} {} on {}: {why}", f.at, f.kind.name(), f.target.name()))
                .collect(),
        }
    }

    /// The cost lines: RocketMQ's benchmark producer's words (`Send TPS`, `Max RT(ms)`,
    /// `Average RT(ms)`, `Send Failed`), then latency percentiles per answer.
    pub fn cost_text(&self) -> String {
        let mut out = String::new();
        let t = &self.throughput;
        let tps = |m: Option<u64>| m.map_or("-".to_string(), |m| format!("{}", m / 1_000));
        let a = &self.latency.acked;
        let rt = |us: u64| if a.count > 0 { format!("{:.3}", us_to_ms(us)) } else { "-".into() };
        let _ = writeln!(
            out,
            "\nSend TPS: {} | Max RT(ms): {} | Average RT(ms): {} | Send Failed: {} | Consume TPS: {}",
            tps(t.send_milli_tps),
            rt(a.max_us),
            rt(a.mean_us),
            t.send_failed,
            tps(t.consume_milli_tps),
        );
        let _ = writeln!(
            out,
            "  (Send TPS over {:.3} s from the first send to the last answer; Consume TPS over {:.3} s from the first send to the last consumption)",
            self.throughput.window_us as f64 / 1e6,
            self.throughput.consume_window_us as f64 / 1e6
        );
        if self.latency.all.count > 0 {
            let _ = writeln!(out, "\nlatency (ms)            sends      p50      p99      max     mean");
            let rows = self.latency.by_answer.iter().map(|(k, v)| (*k, v)).chain([("all", &self.latency.all)]);
            for (k, v) in rows {
                let _ = writeln!(
                    out,
                    "  {k:<20}{:>8} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
                    v.count,
                    us_to_ms(v.p50_us),
                    us_to_ms(v.p99_us),
                    us_to_ms(v.max_us),
                    us_to_ms(v.mean_us)
                );
            }
        }
        out
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises")
    }

    /// A readable table for the terminal.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.name);
        let _ = writeln!(out, "RocketMQ {}", self.version);
        let _ = writeln!(
            out,
            "seed {}  ended at {} ms ({})  digest {}",
            self.seed,
            self.ended_at_ms,
            self.ended_by,
            self.event_log_digest.get(..16).unwrap_or("-")
        );
        let _ = writeln!(out, "\nproducer saw            messages");
        for k in SEND_STATUS_KEYS {
            let _ = writeln!(out, "  {k:<22}{:>8}", self.summary.send_status[k]);
        }
        let _ = writeln!(out, "\nverdict                 messages");
        for v in Verdict::ALL {
            let _ = writeln!(out, "  {:<22}{:>8}", v.name(), self.summary.verdicts[v.name()]);
        }
        let _ = writeln!(out, "  {:<22}{:>8}", "(retry deliveries)", self.summary.reconsumes);
        out.push_str(&self.cost_text());
        if self.in_sync_replicas_not_enough > 0 {
            let _ = writeln!(
                out,
                "\nIN_SYNC_REPLICAS_NOT_ENOUGH (SYSTEM_ERROR) refusals: {} send attempts",
                self.in_sync_replicas_not_enough
            );
        }
        if let Some(p) = &self.pop {
            let _ = writeln!(
                out,
                "\ngRPC consumer (POP): {} pops, {} acks, {} nacks, {} renewals, {} revived to %RETRY%, {} forwarded to %DLQ%, {} open",
                p.pops, p.acks, p.nacks, p.renewals, p.revives, p.dead_lettered, p.open_at_end
            );
        }
        if !self.faults_not_applied.is_empty() {
            let _ = writeln!(out, "\nfaults not applied");
            for f in &self.faults_not_applied {
                let _ = writeln!(out, "  {f}");
            }
        }
        let lost: Vec<&MessageReport> = self.messages.iter().filter(|m| m.cause.is_some()).collect();
        if !lost.is_empty() {
            let _ = writeln!(out, "\nlost messages");
            for m in lost.iter().take(10) {
                let _ = writeln!(out, "  msg#{:<5} {:<15} {}", m.id, m.verdict, m.cause.as_deref().unwrap_or(""));
            }
            if lost.len() > 10 {
                let _ = writeln!(out, "  … and {} more (use --json)", lost.len() - 10);
            }
        }
        out
    }
}
