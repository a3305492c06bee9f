//! Seeded randomness: one `seed: u64` per run, one independent stream per subsystem.
//!
//! Streams are derived at construction (TigerBeetle's `.seed = prng.int(u64)`), so adding a draw
//! to the disk model never reorders what the consumer draws. The generator is Xoshiro256++
//! (`rand_xoshiro`), portable across native and wasm. Our own integer helpers sit on `next_u64`
//! and are pinned by a snapshot test, so a change in `rand`'s samplers cannot change a run.

use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::{SplitMix64, Xoshiro256PlusPlus};

/// An integer probability `num / den`; never a float, so decisions match byte for byte everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    pub num: u64,
    pub den: u64,
}

impl Ratio {
    pub const fn percent(p: u64) -> Self {
        Ratio { num: p, den: 100 }
    }
}

/// One subsystem's random stream.
#[derive(Clone, Debug)]
pub struct SimRng(Xoshiro256PlusPlus);

/// The subsystems that draw randomness; each gets its own stream.
#[derive(Clone, Copy, Debug)]
pub enum Stream {
    Disk = 1,
    Network = 2,
    Consumer = 3,
    Faults = 4,
}

impl SimRng {
    /// The stream for `stream` under the run's `seed`.
    pub fn stream(seed: u64, stream: Stream) -> Self {
        let mut root = SplitMix64::seed_from_u64(seed);
        let mut derived = 0;
        for _ in 0..(stream as u64) {
            derived = root.next_u64();
        }
        SimRng(Xoshiro256PlusPlus::seed_from_u64(derived))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A uniform integer in `0..n` (Lemire's multiply-shift, with rejection for exact uniformity).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0) has no value");
        let zone = u64::MAX - (u64::MAX - n + 1) % n;
        loop {
            let x = self.next_u64();
            let m = (x as u128) * (n as u128);
            if (m as u64) <= zone {
                return (m >> 64) as u64;
            }
        }
    }

    /// A uniform integer in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `r`.
    pub fn chance(&mut self, r: Ratio) -> bool {
        r.num > 0 && (r.num >= r.den || self.below(r.den) < r.num)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins the generator and our helpers: if this changes, every golden log changes too.
    #[test]
    fn streams_are_pinned() {
        let mut d = SimRng::stream(7, Stream::Disk);
        let mut c = SimRng::stream(7, Stream::Consumer);
        let draws: Vec<u64> = (0..4).map(|_| d.below(1000)).collect();
        let other: Vec<u64> = (0..4).map(|_| c.below(1000)).collect();
        assert_ne!(draws, other, "streams must be independent");
        let again: Vec<u64> = {
            let mut d2 = SimRng::stream(7, Stream::Disk);
            (0..4).map(|_| d2.below(1000)).collect()
        };
        assert_eq!(draws, again);
        expect_test::expect!["[939, 676, 559, 737]"].assert_eq(&format!("{draws:?}"));
    }

    #[test]
    fn chance_is_exact_at_the_edges() {
        let mut r = SimRng::stream(1, Stream::Faults);
        assert!((0..100).all(|_| !r.chance(Ratio::percent(0))));
        assert!((0..100).all(|_| r.chance(Ratio::percent(100))));
        let hits = (0..10_000).filter(|_| r.chance(Ratio::percent(30))).count();
        assert!((2_700..3_300).contains(&hits), "{hits}");
    }
}
