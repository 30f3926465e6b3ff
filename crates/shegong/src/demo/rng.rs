//! The demo's one random generator: SplitMix64 from `rand_xoshiro` (the rust-random project's
//! crate, already built for `metrics-util`), seeded with a fixed number per demo part, and the
//! few ways the demo draws from it.
//!
//! The draws (`below`, `range`, `weighted`, `shuffle`…) are written here, on top of
//! `next_u64`, rather than taken from `rand`'s distributions: `rand` may change the values its
//! distributions produce in a minor release, and the demo must reproduce the same register (and
//! the published 2022 figures) on every build. SplitMix64 itself is fixed by its definition (the
//! test below pins its first outputs).

use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::SplitMix64;

/// A seeded, deterministic generator for demo data (not for anything secret).
pub struct Rng(SplitMix64);

impl Rng {
    pub fn seeded(seed: u64) -> Rng {
        Rng(SplitMix64::seed_from_u64(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in 0..n (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in lo..=hi (lo when hi < lo).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi < lo {
            return lo;
        }
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    /// True with probability num/den.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next_u64() % den.max(1) < num
    }

    /// One element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, s: &[T]) -> T {
        s[self.below(s.len())]
    }

    /// An index drawn with the given weights (not all zero).
    pub fn weighted(&mut self, w: &[u32]) -> usize {
        let total: u64 = w.iter().map(|&x| u64::from(x)).sum();
        let mut r = self.next_u64() % total.max(1);
        for (i, &x) in w.iter().enumerate() {
            if r < u64::from(x) {
                return i;
            }
            r -= u64::from(x);
        }
        w.len().saturating_sub(1)
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_is_splitmix64_and_never_changes() {
        // The reference values of SplitMix64 (Steele, Lea, Flood 2014) for the demo's seeds: a
        // different generator would change the demo register.
        let mut r = Rng::seeded(0x3205_8320_2200_5EC0);
        assert_eq!(
            [r.next_u64(), r.next_u64(), r.next_u64()],
            [3879962709421778737, 2706066117229733045, 9008752850370842787]
        );
        let mut r = Rng::seeded(2022);
        assert_eq!(
            [r.next_u64(), r.next_u64(), r.next_u64()],
            [2064169188749287747, 1038258029244235255, 15710220019600825459]
        );
    }

    #[test]
    fn draws_stay_in_bounds() {
        let mut r = Rng::seeded(7);
        assert_eq!(r.below(0), 0);
        assert_eq!(r.range(5, 4), 5);
        for _ in 0..1000 {
            assert!(r.below(7) < 7);
            assert!((3..=9).contains(&r.range(3, 9)));
            assert!(r.weighted(&[0, 3, 0, 1]) % 2 == 1, "zero weights are never drawn");
        }
        let mut v: Vec<u32> = (0..50).collect();
        r.shuffle(&mut v);
        v.sort_unstable();
        assert_eq!(v, (0..50).collect::<Vec<u32>>());
    }
}
