//! Seeded random numbers with a fixed, documented algorithm, so a run is fully determined by its
//! config and seed.
//!
//! - Generator: PCG-64 MCG ([`rand_pcg::Pcg64Mcg`], O'Neill 2014: 128-bit multiplicative congruential
//!   state, XSL-RR output), seeded with `seed_from_u64` (rand_core's PCG32-based seed expansion).
//! - Independent streams for independent purposes ([`Stream`]): the weight initialisation does not
//!   shift when, say, the validation split changes.
//! - Normal samples use the Irwin–Hall sum of 12 uniforms minus 6 (mean 0, variance 1, bounded to
//!   ±6σ). It needs no `ln`, `sqrt` or `cos`, whose last bit differs between platform math
//!   libraries, so initial weights are bit-identical natively and in WebAssembly.
//! - [`fresh_seed`] is the one draw from outside the seed: a new seed when the learner asks for one.
//!
//! Non-goals: cryptographic randomness, generators chosen per platform.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// The generator used everywhere in the engine.
pub type EngineRng = Pcg64Mcg;

/// What a generator is for; each purpose gets its own stream derived from the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Initial weights.
    Init = 1,
    /// Which training images are held out for validation, and the training subset.
    Split = 2,
    /// Epoch shuffles, dropout masks and augmentation, in the order the trainer draws them.
    Training = 3,
    /// The random directions of a loss-landscape slice ([`crate::inspect::landscape`]).
    Landscape = 4,
    /// Which images of a loaded data set are held out as its test set
    /// ([`crate::data::loaders::split`]).
    TestSplit = 5,
}

/// A generator for `seed` and `stream`.
pub fn seeded(seed: u64, stream: Stream) -> EngineRng {
    // Golden-ratio multiplier spreads the stream number over all 64 bits before mixing.
    Pcg64Mcg::seed_from_u64(seed ^ (stream as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// The generator for dropout masks and augmentation of shard `index` in data-parallel training
/// (see [`crate::train::team`]); the epoch shuffle stays on [`Stream::Training`].
pub fn shard_stream(seed: u64, index: usize) -> EngineRng {
    Pcg64Mcg::seed_from_u64(seed ^ (16 + index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// A new seed from the operating system's (natively) or the browser's (`crypto.getRandomValues`,
/// getrandom's `wasm_js` backend) random source, for a run whose learner asked for a fresh one.
/// It is a `u32`, so it stays short to read and retype and is exact as a JavaScript number; every
/// `u32` is a valid `Config::seed`.
pub fn fresh_seed() -> Result<u32, String> {
    getrandom::u32().map_err(|e| format!("could not draw a random seed: {e}"))
}

/// An approximately standard-normal sample (Irwin–Hall, n = 12), computed with exact arithmetic.
pub fn normal<R: Rng + ?Sized>(rng: &mut R) -> f32 {
    let mut sum = 0.0f32;
    for _ in 0..12 {
        sum += rng.random::<f32>();
    }
    sum - 6.0
}

/// Fisher–Yates shuffle drawing from `rng` (same permutation for the same generator state).
pub fn shuffle<T, R: Rng + ?Sized>(items: &mut [T], rng: &mut R) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers_and_streams_differ() {
        let a: Vec<u32> = (0..4).map(|_| seeded(7, Stream::Init).random()).collect();
        let b: Vec<u32> = (0..4).map(|_| seeded(7, Stream::Init).random()).collect();
        assert_eq!(a, b);
        let mut i = seeded(7, Stream::Init);
        let mut s = seeded(7, Stream::Split);
        assert_ne!(i.random::<u64>(), s.random::<u64>());
    }

    #[test]
    fn fresh_seeds_differ() {
        let a = fresh_seed().unwrap();
        let b = fresh_seed().unwrap();
        // Two equal draws have probability 2⁻³².
        assert_ne!(a, b);
    }

    #[test]
    fn irwin_hall_has_unit_variance() {
        let mut rng = seeded(1, Stream::Init);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| normal(&mut rng) as f64).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        // Standard error of the mean is 1/sqrt(n) ≈ 0.0022; of the variance ≈ sqrt(2/n)·0.95 ≈ 0.003.
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.015, "variance {var}");
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut v: Vec<u32> = (0..1000).collect();
        shuffle(&mut v, &mut seeded(3, Stream::Training));
        assert_ne!(v, (0..1000).collect::<Vec<_>>());
        v.sort();
        assert_eq!(v, (0..1000).collect::<Vec<_>>());
    }
}
