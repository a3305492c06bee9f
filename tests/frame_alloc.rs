//! A frame of the diagram allocates nothing (issue 23, item 3): while a run plays, the
//! diagram computes every message's token each animation frame (`layout::tokens_into`, through
//! `token_canvas::FrameBufs`), and that work reuses the memory of earlier frames instead of
//! building a list, a scratch vector and three maps per frame.
//!
//! Counted with this test binary's own allocator, on this thread only (the other tests of the
//! binary run on threads of their own).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::rc::Rc;

use losslab_web::components::token_canvas::{Cover, FrameBufs};
use losslab_web::layout::{self, Motion, Orientation, Tracks};
use rmq_sim::scenario::presets;
use rmq_sim::{SimTime, Sim};

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCS.with(|a| a.set(a.get() + 1));
        }
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCS.with(|a| a.set(a.get() + 1));
        }
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations `f` makes on this thread.
fn allocations(f: impl FnOnce()) -> u64 {
    ALLOCS.with(|a| a.set(0));
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCS.with(Cell::get)
}

/// A finished run with messages travelling, resting, consumed and lost along the way.
fn run(id: &str) -> Sim {
    let mut sim = Sim::new(&presets::load(id).expect("preset"));
    sim.run();
    sim
}

/// The playheads of a run played from start to end, `frames` frames apart.
fn playheads(sim: &Sim, frames: u64) -> Vec<SimTime> {
    let end = sim.now().0;
    (0..=frames).map(|i| SimTime(end * i / frames)).collect()
}

#[test]
fn playing_a_run_allocates_no_token_list_after_the_first_frames() {
    assert_eq!(allocations(|| drop(std::hint::black_box(vec![0u8; 64]))), 1, "the counter counts");
    for id in ["async-flush-power-loss", "poison-message-dlq", "book-recommendation"] {
        let sim = run(id);
        let tracks = Tracks::build(sim.events(), sim.ledger());
        let times = playheads(&sim, 61);
        for o in [Orientation::Wide, Orientation::Tall] {
            let mut bufs = FrameBufs::default();
            let mut cover = Cover::default();
            // The canvas keeps the frame it drew last until the next one comes.
            let mut shown: Option<Rc<Vec<layout::Token>>> = None;
            let play = |bufs: &mut FrameBufs, cover: &mut Cover, shown: &mut Option<Rc<Vec<layout::Token>>>| {
                for t in &times {
                    let (frame, overflow) = bufs.next(|out, scratch| layout::tokens_into(out, scratch, o, &tracks, sim.ledger(), *t, Motion::Glide));
                    std::hint::black_box(overflow);
                    // Which blits the canvas skips (tokens hidden whole under a later one).
                    std::hint::black_box(cover.hidden(&frame, 2.0, 23.0).len());
                    *shown = Some(frame);
                }
            };
            // Twice through, so that both buffers in turn have held every frame's tokens.
            play(&mut bufs, &mut cover, &mut shown);
            play(&mut bufs, &mut cover, &mut shown);
            let n = allocations(|| play(&mut bufs, &mut cover, &mut shown));
            assert_eq!(n, 0, "{id} {o:?}: {n} allocations while playing {} frames", times.len());
            // What each frame cost before: a new list (and its scratch) per frame.
            let fresh = allocations(|| {
                for t in &times {
                    std::hint::black_box(layout::tokens_with(o, &tracks, sim.ledger(), *t, Motion::Glide));
                }
            });
            assert!(fresh >= times.len() as u64, "{id} {o:?}: a fresh list per frame allocates ({fresh})");
        }
    }
}

#[test]
fn reused_buffers_give_the_same_tokens_as_a_fresh_list() {
    let sim = run("async-flush-power-loss");
    let tracks = Tracks::build(sim.events(), sim.ledger());
    let mut bufs = FrameBufs::default();
    let mut shown = None;
    // Forwards, then backwards (a scrub): a buffer's earlier contents never leak into a frame.
    let mut times = playheads(&sim, 40);
    times.extend(playheads(&sim, 17).into_iter().rev());
    for t in times {
        for motion in [Motion::Glide, Motion::Jump] {
            let (frame, overflow) = bufs.next(|out, scratch| layout::tokens_into(out, scratch, Orientation::Compact, &tracks, sim.ledger(), t, motion));
            let (fresh, fresh_overflow) = layout::tokens_with(Orientation::Compact, &tracks, sim.ledger(), t, motion);
            assert_eq!(*frame, fresh, "tokens at {t:?} ({motion:?})");
            assert_eq!(overflow, fresh_overflow, "overflow at {t:?}");
            shown = Some(frame);
        }
    }
    drop(shown);
}

#[test]
fn a_frame_still_held_is_never_written_into() {
    let mut bufs = FrameBufs::default();
    let (a, _) = bufs.next(|out, _| out.push(token(1)));
    let (b, _) = bufs.next(|out, _| out.push(token(2)));
    let (c, _) = bufs.next(|out, _| out.push(token(3)));
    let (d, _) = bufs.next(|out, _| out.push(token(4)));
    for (frame, msg) in [(&a, 1), (&b, 2), (&c, 3), (&d, 4)] {
        assert_eq!(frame.iter().map(|t| t.msg).collect::<Vec<_>>(), vec![msg], "a held frame keeps its tokens");
    }
    // Once no one holds a frame, its buffer is filled again, in place.
    let old = Rc::as_ptr(&c);
    drop(c);
    let (e, _) = bufs.next(|out, _| out.push(token(5)));
    assert_eq!(Rc::as_ptr(&e), old, "the free buffer is reused");
    assert_eq!(e.iter().map(|t| t.msg).collect::<Vec<_>>(), vec![5], "and cleared first");
    assert_eq!([a[0].msg, b[0].msg, d[0].msg], [1, 2, 4], "the frames still held are untouched");
}

fn token(msg: u32) -> layout::Token {
    layout::Token { msg, x: 0.0, y: 0.0, look: layout::Look::InFlight, place: layout::Place::Producer, moving: false, consumed: 0, progress: 1.0 }
}

#[test]
fn thousands_in_flight_on_one_link_are_blitted_once_a_pixel() {
    // The rendering benchmark's run (bench.rs `bench_run_link`): 5,000 sends over 10 s, 20 s on
    // the wire, the playhead at 10 s: every message on the producer's link at once.
    let mut sc = losslab_web::bench::bench_scenario("defaults", 5_000, 2_000).expect("preset");
    sc.network.latency = rmq_sim::SimDuration::from_ms(20_000);
    sc.producer.send_msg_timeout = sc.producer.send_msg_timeout.max(rmq_sim::SimDuration::from_ms(80_000));
    let mut sim = Sim::new(&sc);
    sim.run();
    let tracks = Tracks::build(sim.events(), sim.ledger());
    let (tokens, _) = layout::tokens_with(Orientation::Wide, &tracks, sim.ledger(), SimTime::from_ms(10_000), Motion::Glide);
    let moving = tokens.iter().filter(|t| t.moving).count();
    assert!(moving >= 4_900, "{moving} of 5,000 in flight");
    let mut cover = Cover::default();
    // At 1.5 bitmap pixels per unit (about a 1,440 px page at devicePixelRatio 2 is 2.6).
    let blits = cover.hidden(&tokens, 1.5, 23.0).iter().filter(|h| !**h).count();
    assert!(blits * 5 < tokens.len(), "{blits} blits for {} tokens: the stacked ones are skipped", tokens.len());
    assert!(blits >= 100, "{blits} blits: each place along the link is still drawn");
}
