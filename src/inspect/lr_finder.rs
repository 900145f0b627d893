//! The learning-rate range test (Smith 2017), as fastai's `lr_find` runs it.
//!
//! [`LrFinder`] trains a fresh network of the given config (its own [`Trainer`], so its own
//! weights, optimizer state and random streams from the config's seed) for up to `steps` steps,
//! the rate of step `i` (0-based) being `START_RATE · (END_RATE/START_RATE)^(i/(steps−1))`: an
//! exponential sweep from 1e-7 to 10, both ends included (fastai's sweep stops one step short of
//! its end rate). The config's schedule and warm-up are replaced by the sweep; its optimizer,
//! batch size, dropout, augmentation and seed are kept. The step's loss is the mean loss of its
//! batch before the update at that step's rate, as fastai records it.
//!
//! Smoothing is fastai's `AvgSmoothLoss`: `avg ← β·avg + (1−β)·loss` from `avg = 0`, reported
//! debiased, `avg / (1 − β^t)` after `t` steps, with β = 0.98. The sweep stops early once the
//! smoothed loss exceeds 4× its minimum so far, or when a loss is not finite.
//!
//! The suggestions are fastai's, computed on the smoothed losses without the first `steps/10`
//! and the last 5 recorded steps: *steepest*, the rate where the smoothed loss falls fastest per
//! unit of `ln rate` (forward differences), and *minimum ÷ 10*, a tenth of the rate at the
//! smoothed loss's minimum.
//!
//! The sweep runs in chunks ([`LrFinder::step`]), so the worker can answer Cancel in between.
//!
//! Non-goals: restoring a model (the finder never touches the run being shown), other
//! suggestion rules (fastai's "valley", "slide"), several learning-rate groups.

use crate::bounds::IntRange;
use crate::data::mnist::Dataset;
use crate::inspect::{check_count, InspectError};
use crate::train::config::{Config, LEARNING_RATE, MAX_EPOCHS};
use crate::train::schedule::Schedule;
use crate::train::trainer::{TrainError, Trainer};
use serde::Serialize;

/// The sweep's first and last rates.
pub const START_RATE: f64 = 1e-7;
pub const END_RATE: f64 = LEARNING_RATE.max as f64;
/// Allowed sweep lengths, and the default (fastai's `num_it`).
pub const STEPS: IntRange = IntRange::new(100, 300);
pub const DEFAULT_STEPS: usize = 100;
/// β of the smoothed loss (fastai's `AvgSmoothLoss`).
pub const SMOOTHING: f64 = 0.98;
/// The sweep stops once the smoothed loss exceeds this many times its minimum.
pub const STOP_FACTOR: f64 = 4.0;
/// Recorded steps left out at the end when suggesting (fastai's `[num_it//10:-5]`).
const SKIP_END: usize = 5;

/// Why the sweep ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// Every step of the sweep ran.
    Completed,
    /// The smoothed loss passed [`STOP_FACTOR`]× its minimum.
    LossRose,
    /// A step's loss was NaN or infinite (it is not recorded).
    LossNotFinite,
}

/// Where the sweep is, after a [`LrFinder::step`] call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinderProgress {
    /// Steps recorded so far, of at most `steps`.
    pub done: usize,
    pub steps: usize,
    /// The last recorded step's rate, loss and smoothed loss (None before the first step).
    pub rate: Option<f32>,
    pub loss: Option<f32>,
    pub smoothed: Option<f32>,
    /// Set once the sweep has ended; then [`LrFinder::result`] is final.
    pub stop: Option<Stop>,
}

/// The sweep's record and suggestions.
///
/// # Shapes
/// `rates`, `losses`, `smoothed`: `[done]`, step by step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinderResult {
    pub rates: Vec<f32>,
    /// Each step's batch loss.
    pub losses: Vec<f32>,
    /// The debiased exponentially weighted loss.
    pub smoothed: Vec<f32>,
    /// The steepest descent of the smoothed loss (None if too few steps were recorded).
    pub steepest: Option<f32>,
    /// A tenth of the rate at the smoothed loss's minimum (None likewise).
    pub minimum_over_10: Option<f32>,
    pub stop: Option<Stop>,
}

/// A learning-rate sweep in progress; see the module doc.
pub struct LrFinder {
    trainer: Trainer,
    steps: usize,
    rates: Vec<f32>,
    losses: Vec<f32>,
    smoothed: Vec<f32>,
    smoother: Smoother,
    stop: Option<Stop>,
}

/// fastai's smoothed loss and stop rule: `avg ← β·avg + (1−β)·loss`, reported as
/// `avg/(1−β^t)`; the sweep should stop once that exceeds [`STOP_FACTOR`]× its minimum so far.
#[derive(Debug, Clone, Default)]
pub struct Smoother {
    /// The undebiased running average, the steps seen, and the smallest debiased value so far.
    average: f64,
    steps: i32,
    best: Option<f64>,
}

impl Smoother {
    /// Add one step's loss: `(smoothed loss, whether it passed STOP_FACTOR× the minimum)`.
    pub fn push(&mut self, loss: f64) -> (f64, bool) {
        self.average = SMOOTHING * self.average + (1.0 - SMOOTHING) * loss;
        self.steps += 1;
        let smoothed = self.average / (1.0 - SMOOTHING.powi(self.steps));
        let best = self.best.map_or(smoothed, |b| b.min(smoothed));
        self.best = Some(best);
        (smoothed, smoothed > STOP_FACTOR * best)
    }
}

/// Rate of step `i` of a sweep of `steps` (at least 2).
pub fn rate_at(i: usize, steps: usize) -> f32 {
    let t = i as f64 / (steps - 1) as f64;
    (START_RATE * (END_RATE / START_RATE).powf(t)) as f32
}

impl LrFinder {
    /// A sweep of `steps` steps (see [`STEPS`]) on a fresh network of `config` trained on `train`.
    /// The config is validated as for a run (with `threads` set to 1, the schedule replaced).
    pub fn new(config: &Config, train: &Dataset, steps: usize) -> Result<LrFinder, InspectError> {
        check_count("finder", "steps", STEPS, steps)?;
        let mut config = Config {
            threads: 1,
            schedule: Schedule::default(),
            learning_rate: rate_at(0, steps),
            ..config.clone()
        };
        // Enough epochs for every step (an epoch's end only reshuffles).
        let per_epoch = config
            .training_images(train.len())
            .div_ceil(config.batch_size.max(1))
            .max(1);
        let needed = steps.div_ceil(per_epoch) as u32;
        config.epochs = config.epochs.max(needed).min(MAX_EPOCHS);
        let trainer =
            Trainer::new(config, train).map_err(|e| InspectError::Config(e.to_string()))?;
        Ok(LrFinder {
            trainer,
            steps,
            rates: Vec::with_capacity(steps),
            losses: Vec::with_capacity(steps),
            smoothed: Vec::with_capacity(steps),
            smoother: Smoother::default(),
            stop: None,
        })
    }

    /// Run up to `n` more steps of the sweep (fewer if it ends); `train` must be the data set
    /// given to [`LrFinder::new`].
    pub fn step(&mut self, train: &Dataset, n: usize) -> Result<FinderProgress, InspectError> {
        for _ in 0..n {
            if self.stop.is_some() {
                break;
            }
            let i = self.rates.len();
            let rate = rate_at(i, self.steps);
            self.trainer
                .set_learning_rate(rate)
                .map_err(|e| InspectError::Config(e.to_string()))?;
            let loss = match self.trainer.train_steps(train, 1) {
                Ok(p) => p.loss,
                Err(TrainError::Diverged { .. }) => f64::NAN,
                Err(e) => return Err(InspectError::Train(e.to_string())),
            };
            if !loss.is_finite() {
                self.stop = Some(Stop::LossNotFinite);
                break;
            }
            let (smoothed, rose) = self.smoother.push(loss);
            self.rates.push(rate);
            self.losses.push(loss as f32);
            self.smoothed.push(smoothed as f32);
            if rose {
                self.stop = Some(Stop::LossRose);
            } else if self.rates.len() == self.steps {
                self.stop = Some(Stop::Completed);
            }
        }
        Ok(self.progress())
    }

    pub fn progress(&self) -> FinderProgress {
        FinderProgress {
            done: self.rates.len(),
            steps: self.steps,
            rate: self.rates.last().copied(),
            loss: self.losses.last().copied(),
            smoothed: self.smoothed.last().copied(),
            stop: self.stop,
        }
    }

    pub fn is_done(&self) -> bool {
        self.stop.is_some()
    }

    /// The record so far and its suggestions (final once [`LrFinder::is_done`]).
    pub fn result(&self) -> FinderResult {
        let (steepest, minimum_over_10) = suggest(&self.rates, &self.smoothed, self.steps);
        FinderResult {
            rates: self.rates.clone(),
            losses: self.losses.clone(),
            smoothed: self.smoothed.clone(),
            steepest,
            minimum_over_10,
            stop: self.stop,
        }
    }
}

/// fastai's "steep" and "minimum" suggestions from the smoothed losses of a sweep planned for
/// `planned` steps: `(steepest, minimum ÷ 10)`, None when fewer than two steps remain after
/// leaving out the first `planned/10` and the last [`SKIP_END`].
pub fn suggest(rates: &[f32], smoothed: &[f32], planned: usize) -> (Option<f32>, Option<f32>) {
    let start = planned / 10;
    let end = smoothed.len().saturating_sub(SKIP_END);
    if end < start + 2 {
        return (None, None);
    }
    let (r, s) = (&rates[start..end], &smoothed[start..end]);
    // Slope per unit of ln(rate), forward differences; the first smallest wins (torch.argmin).
    let steepest = (0..r.len() - 1)
        .map(|i| {
            let slope = (f64::from(s[i + 1]) - f64::from(s[i]))
                / (f64::from(r[i + 1]).ln() - f64::from(r[i]).ln());
            (i, slope)
        })
        .fold(
            (0, f64::INFINITY),
            |best, (i, g)| if g < best.1 { (i, g) } else { best },
        )
        .0;
    let lowest = (0..s.len()).fold(0, |best, i| if s[i] < s[best] { i } else { best });
    (Some(r[steepest]), Some(r[lowest] / 10.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::mnist::synthetic_bars;
    use crate::train::optimizer::OptimizerConfig;

    fn small() -> Config {
        Config {
            hidden: vec![16],
            batch_size: 16,
            validation_size: 50,
            ..Config::default()
        }
    }

    #[test]
    fn the_sweep_is_exponential_from_start_to_end() {
        assert_eq!(rate_at(0, 100), 1e-7);
        assert!((rate_at(99, 100) - 10.0).abs() < 1e-5);
        // Equal ratios between consecutive rates: 10^(8/99).
        let ratio = 10f64.powf(8.0 / 99.0);
        for i in 0..99 {
            let r = f64::from(rate_at(i + 1, 100)) / f64::from(rate_at(i, 100));
            assert!((r / ratio - 1.0).abs() < 1e-5, "step {i}: {r}");
        }
    }

    #[test]
    fn smoothing_is_fastais_debiased_average_and_the_record_matches_the_trainer() {
        let data = synthetic_bars(400);
        let mut f = LrFinder::new(&small(), &data, 100).unwrap();
        let p = f.step(&data, 7).unwrap();
        assert_eq!((p.done, p.steps, p.stop), (7, 100, None));
        let r = f.result();
        // Oracle: the formula written out, in f64 from the recorded raw losses.
        let mut avg = 0.0f64;
        for (t, (&loss, &smoothed)) in r.losses.iter().zip(&r.smoothed).enumerate() {
            avg = 0.98 * avg + 0.02 * f64::from(loss);
            let want = avg / (1.0 - 0.98f64.powi(t as i32 + 1));
            assert!((f64::from(smoothed) - want).abs() < 1e-6 * want, "{t}");
        }
        // The first smoothed value is the first loss itself (debiasing).
        assert!((r.smoothed[0] - r.losses[0]).abs() < 1e-6);
        // The same steps on a Trainer of the same config give the same losses, bit for bit.
        let config = Config {
            schedule: Schedule::default(),
            learning_rate: rate_at(0, 100),
            ..small()
        };
        let mut t = Trainer::new(config, &data).unwrap();
        for (i, &loss) in r.losses.iter().enumerate() {
            t.set_learning_rate(rate_at(i, 100)).unwrap();
            assert_eq!(t.train_steps(&data, 1).unwrap().loss as f32, loss);
        }
    }

    #[test]
    fn a_rising_loss_stops_the_sweep_and_every_optimizer_works() {
        let data = synthetic_bars(400);
        // Every kind with its default hyperparameters.
        for kind in ["sgd", "momentum", "rmsprop", "adam", "adamw"] {
            let optimizer: OptimizerConfig =
                serde_json::from_value(serde_json::json!({ "kind": kind })).unwrap();
            let name = optimizer.name();
            let config = Config {
                optimizer,
                ..small()
            };
            let mut f = LrFinder::new(&config, &data, 100).unwrap();
            while f.step(&data, 13).unwrap().stop.is_none() {}
            let r = f.result();
            assert!(r.rates.len() <= 100, "{name}");
            match r.stop.unwrap() {
                Stop::LossRose => {
                    let best = r.smoothed.iter().cloned().fold(f32::INFINITY, f32::min);
                    assert!(*r.smoothed.last().unwrap() > 4.0 * best, "{name}");
                    assert!(r.smoothed[..r.smoothed.len() - 1]
                        .iter()
                        .all(|&s| s <= 4.0 * best * 1.000_001));
                }
                Stop::LossNotFinite => {}
                Stop::Completed => assert_eq!(r.rates.len(), 100, "{name}"),
            }
            assert!(
                r.steepest.is_some() && r.minimum_over_10.is_some(),
                "{name}"
            );
            // More steps after the end do nothing.
            assert_eq!(f.step(&data, 5).unwrap().done, r.rates.len());
        }
    }

    #[test]
    fn the_stop_rule_fires_when_the_smoothed_loss_passes_four_times_its_minimum() {
        let mut s = Smoother::default();
        // Debiased: a constant loss is reported as itself from the first step.
        for _ in 0..5 {
            let (v, rose) = s.push(1.0);
            assert!((v - 1.0).abs() < 1e-12 && !rose);
        }
        // Then the loss jumps to 100: the smoothed value climbs and passes 4 after a few steps.
        // Oracle by hand: after t = 5 + k steps, avg = 0.02·(1·Σ_{i<5} 0.98^(k+i) + 100·Σ_{i<k} 0.98^i).
        let mut fired = None;
        for k in 1..20 {
            let (v, rose) = s.push(100.0);
            let ones: f64 = (0..5).map(|i| 0.98f64.powi(k + i)).sum();
            let hundreds: f64 = (0..k).map(|i| 0.98f64.powi(i)).sum();
            let want = 0.02 * (ones + 100.0 * hundreds) / (1.0 - 0.98f64.powi(5 + k));
            assert!((v - want).abs() < 1e-9 * want, "{k}: {v} vs {want}");
            assert_eq!(rose, want > 4.0, "{k}");
            if rose && fired.is_none() {
                fired = Some(k);
            }
        }
        assert_eq!(
            fired,
            Some(1),
            "the first 100 already lifts the debiased mean past 4"
        );
    }

    #[test]
    fn suggestions_follow_fastais_rules_on_a_known_curve() {
        // 100 planned steps, 40 recorded: skip 10 at the start and 5 at the end → steps 10..35.
        let rates: Vec<f32> = (0..40).map(|i| rate_at(i, 100)).collect();
        let mut smoothed = vec![2.0f32; 40];
        // Falls by 0.1 per step over 20..25, by 0.3 from step 22 to 23 (the steepest), lowest at 30.
        for i in 20..40 {
            smoothed[i] = smoothed[i - 1] - if i == 23 { 0.3 } else { 0.1 };
        }
        smoothed[31..].iter_mut().for_each(|s| *s = 5.0);
        smoothed[5] = 0.0; // inside the skipped start: ignored
        let (steep, min10) = suggest(&rates, &smoothed, 100);
        assert_eq!(steep, Some(rates[22]));
        assert_eq!(min10, Some(rates[30] / 10.0));
        assert_eq!(suggest(&rates[..16], &smoothed[..16], 100), (None, None));
    }

    #[test]
    fn bad_arguments_are_refused_with_a_message() {
        let data = synthetic_bars(100);
        let e = LrFinder::new(&small(), &data, 50).err().unwrap();
        assert!(e.to_string().contains("100–300 steps"), "{e}");
        let bad = Config {
            batch_size: 0,
            ..small()
        };
        assert!(LrFinder::new(&bad, &data, 100).is_err());
    }
}
