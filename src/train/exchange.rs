//! # The gradient exchange: shards of one batch add up their gradients
//!
//! In data-parallel training `threads` workers ("shards"), each with its own copy of the network
//! and optimizer state, share every batch. Shard k of N takes the contiguous rows
//! `[k·n/N, (k+1)·n/N)` of each batch ([`Shard::rows`]), computes their part of the mean-loss
//! gradient (δ scaled by 1/n of the whole batch, weight decay added by shard 0 only), and an
//! [`Exchange`] replaces each shard's gradient by the sum over shards, added in shard order
//! ([`summation_order`]). Every shard then holds the same bits and applies the same optimizer
//! update, so the copies stay identical without sending weights.
//!
//! Exchanges: [`ThreadExchange`] here (std threads in one process), and in the browser one over a
//! `SharedArrayBuffer` between Web Workers (`wasm::shared_exchange`).
//!
//! Non-goals: running the shards (the trainer computes a shard's rows, [`crate::train::team`]
//! starts threads), tolerating a shard that leaves mid-run (the exchange reports it and the run
//! stops).

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Which share of every batch a trainer computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The whole batch, for single-thread training.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// This shard's rows of a batch of `n` rows (possibly empty when `n` < `count`).
    pub fn rows(&self, n: usize) -> Range<usize> {
        (self.index * n / self.count)..((self.index + 1) * n / self.count)
    }
}

/// Why an exchange failed; the run stops with this message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ExchangeError(pub String);

/// Sums the shards' gradients and step statistics ("all-reduce"). Every shard calls, once per
/// step: [`send`] for each gradient slice (weights and biases of every layer, in layer order, at
/// increasing offsets), then [`wait`], then [`receive_sum`] for the same slices.
///
/// [`send`]: Exchange::send
/// [`wait`]: Exchange::wait
/// [`receive_sum`]: Exchange::receive_sum
pub trait Exchange {
    /// Publish this shard's `values` at `offset` of the flat gradient.
    fn send(&mut self, offset: usize, values: &[f32]);
    /// Wait for every shard's gradient; replace `stats` (summed loss, correct predictions) by
    /// their sum over shards in shard order.
    fn wait(&mut self, stats: &mut [f64; 2]) -> Result<(), ExchangeError>;
    /// Overwrite `values` with the sum over shards (in shard order) of the slice at `offset`.
    fn receive_sum(&mut self, offset: usize, values: &mut [f32]);
    /// Where this shard's exchange time went so far, if the exchange keeps a clock.
    fn times(&self) -> Option<ExchangeTimes> {
        None
    }
}

/// Time a shard spent in the exchange, summed over steps (for profiles: the benchmark reports it).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct ExchangeTimes {
    pub steps: u64,
    /// Publishing its gradient, waiting for the other shards (the barrier), adding theirs in.
    pub send_ms: f64,
    pub wait_ms: f64,
    pub sum_ms: f64,
}

/// How [`Exchange::receive_sum`] takes another shard's slice into the sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    Copy,
    Add,
}

/// One term of the sum as seen from a shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub index: usize,
    pub how: Take,
}

/// The slices shard `own` of `count` must read to form `((g₀ + g₁) + g₂) + …` (shard order, the
/// same bits in every shard) when its own gradient `g_own` is already in place. Addition of two
/// numbers is commutative in IEEE arithmetic, so shards 0 and 1 start from their own gradient and
/// add the other one (one slice fewer to read); shards from 2 on copy g₀ and add the rest, their own
/// included from the shared buffer.
pub fn summation_order(own: usize, count: usize) -> impl Iterator<Item = Term> {
    let term = |index, how| Some(Term { index, how });
    let first = match own {
        0 | 1 if count >= 2 => [term(1 - own, Take::Add), None],
        0 => [None, None], // alone
        _ => [term(0, Take::Copy), term(1, Take::Add)],
    };
    first
        .into_iter()
        .flatten()
        .chain((2..count).map(|index| Term {
            index,
            how: Take::Add,
        }))
}

/// A barrier that spins briefly before it sleeps: shards arrive within a fraction of a step of
/// each other, and waking a sleeping thread costs more than that on virtual machines (the idle
/// CPU halts and needs an interrupt). After `SPINS` checks it sleeps 50 µs between checks.
struct SpinBarrier {
    count: usize,
    arrived: AtomicUsize,
    generation: AtomicUsize,
}

impl SpinBarrier {
    const SPINS: usize = 200_000;

    fn new(count: usize) -> SpinBarrier {
        SpinBarrier {
            count,
            arrived: AtomicUsize::new(0),
            generation: AtomicUsize::new(0),
        }
    }

    fn wait(&self) {
        let generation = self.generation.load(Ordering::Acquire);
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.count {
            self.arrived.store(0, Ordering::Relaxed);
            self.generation.fetch_add(1, Ordering::Release);
            return;
        }
        let mut spins = 0usize;
        while self.generation.load(Ordering::Acquire) == generation {
            spins += 1;
            if spins < Self::SPINS {
                std::hint::spin_loop();
            } else {
                std::thread::sleep(std::time::Duration::from_micros(50));
            }
        }
    }
}

/// What [`ThreadExchange`]s of one run share.
struct Shared {
    barrier: SpinBarrier,
    /// Per step parity, per shard: the flat gradient and the statistics. Two parities so a fast
    /// shard can publish step s+1 while a slow one still reads step s (one barrier per step).
    gradients: [Vec<Mutex<Vec<f32>>>; 2],
    stats: [Vec<Mutex<[f64; 2]>>; 2],
}

/// An [`Exchange`] between threads of one process.
pub struct ThreadExchange {
    shared: Arc<Shared>,
    index: usize,
    /// Buffers this step's `send`s write, and those the last `wait` completed for `receive_sum`.
    write: usize,
    read: usize,
}

impl ThreadExchange {
    /// One exchange per shard, for `count` shards and a flat gradient of `len` numbers.
    pub fn group(count: usize, len: usize) -> Vec<ThreadExchange> {
        let slots = |v: f32| (0..count).map(|_| Mutex::new(vec![v; len])).collect();
        let stats = || (0..count).map(|_| Mutex::new([0.0; 2])).collect();
        let shared = Arc::new(Shared {
            barrier: SpinBarrier::new(count),
            gradients: [slots(0.0), slots(0.0)],
            stats: [stats(), stats()],
        });
        (0..count)
            .map(|index| ThreadExchange {
                shared: Arc::clone(&shared),
                index,
                write: 0,
                read: 0,
            })
            .collect()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicking shard poisons nothing we rely on: the data is plain numbers.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Exchange for ThreadExchange {
    fn send(&mut self, offset: usize, values: &[f32]) {
        let mut slot = lock(&self.shared.gradients[self.write][self.index]);
        slot[offset..offset + values.len()].copy_from_slice(values);
    }

    fn wait(&mut self, stats: &mut [f64; 2]) -> Result<(), ExchangeError> {
        *lock(&self.shared.stats[self.write][self.index]) = *stats;
        self.shared.barrier.wait();
        *stats = [0.0; 2];
        for slot in &self.shared.stats[self.write] {
            let s = lock(slot);
            stats[0] += s[0];
            stats[1] += s[1];
        }
        self.read = self.write;
        self.write ^= 1;
        Ok(())
    }

    fn receive_sum(&mut self, offset: usize, values: &mut [f32]) {
        let range = offset..offset + values.len();
        let slots = &self.shared.gradients[self.read];
        for shard in summation_order(self.index, slots.len()) {
            let slot = lock(&slots[shard.index]);
            let slot = &slot[range.clone()];
            match shard.how {
                Take::Copy => values.copy_from_slice(slot),
                Take::Add => values.iter_mut().zip(slot).for_each(|(v, g)| *v += g),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shard_sums_to_the_same_bits_in_shard_order() {
        // Values whose sums round differently in different orders (1e8 + 1 − 1e8 …).
        let g = |k: usize| -> Vec<f32> {
            (0..64)
                .map(|i| [1e8, 1.0, -1e8, 0.1, 3.0e-3, -7.0][(i + k) % 6] * (1.0 + k as f32 * 0.37))
                .collect()
        };
        for count in 1..=8 {
            let reference: Vec<f32> = (0..64)
                .map(|i| (1..count).fold(g(0)[i], |acc, k| acc + g(k)[i]))
                .collect();
            for own in 0..count {
                let mut values = g(own);
                for term in summation_order(own, count) {
                    if own <= 1 {
                        assert_ne!(term.index, own, "shards 0 and 1 start from their own slice");
                    }
                    for (v, x) in values.iter_mut().zip(g(term.index)) {
                        match term.how {
                            Take::Copy => *v = x,
                            Take::Add => *v += x,
                        }
                    }
                }
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&values), bits(&reference), "shard {own} of {count}");
            }
        }
    }

    #[test]
    fn shard_rows_tile_every_batch_in_order() {
        for count in 1..=8 {
            for n in 0..50 {
                let mut next = 0;
                for index in 0..count {
                    let r = Shard { index, count }.rows(n);
                    assert_eq!(r.start, next, "n {n}, shard {index} of {count}");
                    assert!(r.len() <= n.div_ceil(count));
                    next = r.end;
                }
                assert_eq!(next, n);
            }
        }
    }
}
