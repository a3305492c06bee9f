//! `cargo bench -p rmq_sim`: how fast the core simulates, beside a bare baseline measured in the
//! same run. Speed goals live here (and in `BENCHMARKS.md`, written by `scripts/bench.sh`), never
//! in tests.
//!
//! A plain harness (no extra dependency). Flags: `--smoke` (tiny sizes, one repeat: CI runs it so
//! the harness cannot rot), `--json PATH` (the figures as JSON for `scripts/bench.sh`).
//!
//! Figures, for the `defaults` preset at 10^4, 10^5 and 10^6 messages (its own 10 ms interval,
//! `until` long enough for every message):
//! - **core**: `Sim::run` with the log kept as a streaming digest (what the `losslab` runner does);
//!   events/s and messages/s, best of a few runs;
//! - **bare queue**: the same number of pushes and pops, in the same pattern (every send queued up
//!   front, then one follow-up per processed action), through the same kind of queue
//!   (`BinaryHeap<Reverse<(SimTime, u8, u64, payload)>>` with a payload the size of the core's
//!   action), with no broker logic;
//! - **memory**: bytes per message of the ledger and of the event log (a counting allocator: live
//!   heap bytes owned by each, after the run), with the log streamed and with it retained.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use rmq_sim::scenario::presets;
use rmq_sim::log::LogMode;
use rmq_sim::queue::TimeQueue;
use rmq_sim::sim::QUEUED_ACTION_BYTES;
use rmq_sim::{Scenario, Sim, SimDuration, SimTime};

/// Counts live heap bytes, so memory per message is measured, not estimated.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new, Ordering::Relaxed);
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.realloc(p, l, new) }
    }
}
#[global_allocator]
static GLOBAL: Counting = Counting;
fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// A stopwatch of this thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`). The machines this runs on
/// are shared and busy: time spent waiting for a core is not the simulator's, so CPU time is what
/// the figures and their ratios use.
#[derive(Clone, Copy)]
struct Clock(f64);

fn thread_cpu_secs() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid out-pointer for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

impl Clock {
    fn start() -> Clock {
        Clock(thread_cpu_secs())
    }
    fn secs(&self) -> f64 {
        thread_cpu_secs() - self.0
    }
}

/// The `defaults` preset with `n` messages at its own interval, and time for all of them.
fn default_scenario(n: u32) -> Scenario {
    let mut sc = presets::load("defaults").expect("the defaults preset");
    sc.producer.messages = n;
    let sending = sc.producer.interval.as_us() * u64::from(n);
    sc.until = SimTime(sending) + SimDuration::from_ms(60_000);
    sc
}

struct CoreRun {
    secs: f64,
    /// Wall time of the same run: the browser has no CPU clock, so the wasm figures compare with this.
    wall_secs: f64,
    events: u64,
    actions: u64,
    digest: String,
}

fn run_core(sc: &Scenario, mode: LogMode) -> CoreRun {
    let wall = std::time::Instant::now();
    let start = Clock::start();
    let mut sim = Sim::new(sc);
    sim.set_log_mode(mode);
    sim.run();
    let digest = sim.log_digest().unwrap_or_default();
    let secs = start.secs();
    CoreRun { secs, wall_secs: wall.elapsed().as_secs_f64(), events: sim.events_emitted(), actions: sim.actions_processed(), digest }
}

/// A payload the size of the core's queued action.
type Payload = [u64; QUEUED_ACTION_BYTES.div_ceil(8)];

/// The bare baseline: `sends` entries queued up front at the core's send times, then `actions`
/// pops, each pushing one follow-up (a few ms later) while pushes remain, until the queue drains.
fn run_bare(sends: u64, interval_us: u64, actions: u64) -> f64 {
    let start = Clock::start();
    let mut q: TimeQueue<(SimTime, u8, u64), Payload> = TimeQueue::new();
    let mut seq = 0u64;
    for i in 0..sends {
        q.push((SimTime(i * interval_us), 0, seq), [i; QUEUED_ACTION_BYTES.div_ceil(8)]);
        seq += 1;
    }
    let mut follow_ups = actions.saturating_sub(sends);
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut popped = 0u64;
    while let Some(((at, _, s), p)) = q.pop() {
        popped += 1;
        black_box(&p);
        if follow_ups > 0 {
            follow_ups -= 1;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            q.push((SimTime(at.0 + x % 5_000), (s & 1) as u8, seq), p);
            seq += 1;
        }
    }
    black_box(popped);
    start.secs()
}

/// Heap bytes per run: (everything the finished `Sim` holds, its ledger, its event log). The
/// ledger's and the log's are those of an exact copy (`clone`, no spare capacity); the whole
/// `Sim`'s is the live heap it holds after the run, spare capacity included.
fn memory(sc: &Scenario, mode: LogMode) -> (usize, usize, usize) {
    let base = live();
    let mut sim = Sim::new(sc);
    sim.set_log_mode(mode);
    sim.run();
    let total = live() - base;
    let before = live();
    let ledger = sim.ledger().clone();
    let ledger_bytes = live() - before;
    drop(ledger);
    let before = live();
    let log = sim.events().to_vec();
    let log_bytes = live() - before;
    drop(log);
    (total, ledger_bytes, log_bytes)
}

/// The sweep benchmark's grid, shared with the browser's (`dist/bench-sweep-grid.json`): the
/// default 2 × 2 × 3 grid (flushDiskType × brokerRole × fault) of 1,000-message runs, 20 seeds.
const SWEEP_GRID: &str = include_str!("../../www/bench-sweep-grid.json");

/// Runs the whole sweep (every run, then the aggregate) on this thread: (runs, CPU seconds, wall
/// seconds).
fn sweep(smoke: bool) -> (u32, f64, f64) {
    let mut grid = rmq_sim::sweep::Grid::from_json(SWEEP_GRID).expect("the sweep grid");
    if smoke {
        grid.seeds = 1;
    }
    let wall = std::time::Instant::now();
    let start = Clock::start();
    let plan = rmq_sim::sweep::Plan::new(&grid).expect("a valid grid");
    let results = plan.run_all();
    let report = plan.aggregate(&results);
    black_box(&report);
    (plan.runs(), start.secs(), wall.elapsed().as_secs_f64())
}

fn main() {
    let mut smoke = false;
    let mut json_path = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--smoke" => smoke = true,
            "--json" => json_path = args.next(),
            "--bench" => {}
            other => eprintln!("simulate: ignoring argument `{other}`"),
        }
    }
    let sizes: Vec<u32> = match std::env::var("BENCH_SIZES") {
        Ok(v) => v.split(',').map(|n| n.trim().parse().expect("BENCH_SIZES: comma-separated message counts")).collect(),
        Err(_) if smoke => vec![100, 1_000],
        Err(_) => vec![10_000, 100_000, 1_000_000],
    };
    let repeats = if smoke { 1 } else { 3 };
    let mut json = String::from("{\"core\":[");
    for (k, &n) in sizes.iter().enumerate() {
        let sc = default_scenario(n);
        let (mut core, mut core_wall, mut digested, mut bare) = (f64::MAX, f64::MAX, f64::MAX, f64::MAX);
        let mut first: Option<CoreRun> = None;
        for _ in 0..repeats {
            let r = run_core(&sc, LogMode::Discard);
            core = core.min(r.secs);
            core_wall = core_wall.min(r.wall_secs);
            let d = run_core(&sc, LogMode::Digest);
            digested = digested.min(d.secs);
            assert_eq!(d.events, r.events, "the same run logs the same events");
            if let Some(f) = &first {
                assert_eq!(f.digest, d.digest, "the same run gives the same digest");
            }
            bare = bare.min(run_bare(u64::from(n), sc.producer.interval.as_us(), r.actions));
            first.get_or_insert(d);
        }
        let r = first.expect("at least one repeat");
        let (total_streamed_b, ledger_b, log_streamed_b) = memory(&sc, LogMode::Digest);
        // A kept log stops at `limits::MAX_EVENTS`: measure it only where the run fits.
        let fits = r.events < rmq_sim::scenario::limits::MAX_EVENTS;
        let (total_retained_b, _, log_retained_b) = if fits { memory(&sc, LogMode::Retain) } else { (0, 0, 0) };
        let per = |b: usize| b as f64 / f64::from(n);
        println!(
            "defaults {n:>8} msgs: {:>9} events {:>9} actions | core {:>8.1} ms {:>10.0} msgs/s {:>10.0} events/s | with digest {:>8.1} ms {:>10.0} msgs/s | bare queue {:>7.1} ms (core/bare {:.2}) | ledger {:.0} B/msg, log {:.0} B/msg streamed, {:.0} B/msg kept; whole sim {:.0} / {:.0} B/msg",
            r.events,
            r.actions,
            core * 1e3,
            f64::from(n) / core,
            r.events as f64 / core,
            digested * 1e3,
            f64::from(n) / digested,
            bare * 1e3,
            bare / core,
            per(ledger_b),
            per(log_streamed_b),
            per(log_retained_b),
            per(total_streamed_b),
            per(total_retained_b),
        );
        if k > 0 {
            json.push(',');
        }
        let _ = write!(
            json,
            "{{\"messages\":{n},\"events\":{},\"actions\":{},\"coreSecs\":{core},\"coreWallSecs\":{core_wall},\"digestSecs\":{digested},\"bareSecs\":{bare},\"ledgerBytes\":{ledger_b},\"logStreamedBytes\":{log_streamed_b},\"logRetainedBytes\":{log_retained_b},\"simStreamedBytes\":{total_streamed_b},\"simRetainedBytes\":{total_retained_b},\"digest\":\"{}\"}}",
            r.events, r.actions, r.digest
        );
    }
    json.push_str("],");
    let (runs, secs, wall_secs) = sweep(smoke);
    println!("sweep: {runs} runs (2×2×3 grid × seeds × 1,000 messages) in {:.1} ms", secs * 1e3);
    let _ = write!(json, "\"sweep\":{{\"runs\":{runs},\"secs\":{secs},\"wallSecs\":{wall_secs}}}}}");
    if let Some(p) = json_path {
        std::fs::write(&p, json + "\n").expect("write the JSON figures");
    }
}
