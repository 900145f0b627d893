//! # Learning-rate schedules
//!
//! Purpose: the learning rate at every training step, from a base rate, a schedule kind and an
//! optional linear warm-up. The trainer asks for the rate once per step and reports it.
//!
//! With `step` 0-based, `spe` = steps per epoch (at least 1) and `total` = epochs·spe:
//!
//! | Kind | Rate before warm-up scaling |
//! |---|---|
//! | `constant` | `base` |
//! | `step` | `base · γ^⌊epoch / every_epochs⌋`, `epoch = ⌊step / spe⌋` (integer division) |
//! | `exponential` | `base · γ^(step / spe)` (continuous: γ per epoch, applied smoothly) |
//! | `cosine` | `min + (base − min)·(1 + cos(π·p))/2`, `p = (step − warmup) / (total − warmup)` clamped to [0, 1] |
//!
//! Warm-up: with `warmup = round(warmup_epochs · spe)` steps, for `step < warmup` the rate above
//! is multiplied by `(step + 1) / warmup`, so the first step uses `rate/warmup` and step
//! `warmup − 1` the full rate. Cosine annealing starts after the warm-up (its `p` counts from
//! the end of the warm-up) and reaches `min_lr` at `step = total`.
//!
//! Guarantees: the result is finite and > 0 whenever `base_lr` is finite and > 0 and the schedule
//! passed [`Schedule::validate`] (a rate that would underflow to 0, e.g. after hundreds of step
//! decays or a cosine ending at `min_lr = 0`, is floored at `f32::MIN_POSITIVE`, ≈ 1.2e-38).
//! Cosine's `min_lr` is clamped to `base_lr` at use (`validate` cannot see the base rate), so a
//! floor above the base gives a constant `base_lr`. Arithmetic is done in `f64` and rounded to
//! `f32` once, so the rate is the same natively and in wasm.
//!
//! Non-goals: schedules that react to the loss (reduce-on-plateau), cyclic or one-cycle
//! schedules, restarts.

use serde::{Deserialize, Serialize};

use crate::bounds::{FloatRange, IntRange};

/// The shape of the schedule after warm-up. Serialised with an internal `kind` tag.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScheduleKind {
    /// The base rate throughout.
    Constant,
    /// Multiply by `gamma` every `every_epochs` whole epochs.
    Step {
        /// γ, in (0, 1].
        gamma: f32,
        /// k ≥ 1.
        every_epochs: u32,
    },
    /// Multiply by `gamma` per epoch, continuously.
    Exponential {
        /// γ, in (0, 1].
        gamma: f32,
    },
    /// Half a cosine from the base rate (after warm-up) down to `min_lr` at the last step.
    Cosine {
        /// The floor, finite and ≥ 0 (clamped to the base rate at use).
        min_lr: f32,
    },
}

impl ScheduleKind {
    /// Every kind once, with the parameters the page starts it from, in the order the page offers
    /// them.
    pub const DEFAULTS: [ScheduleKind; 4] = [
        ScheduleKind::Constant,
        ScheduleKind::Step {
            gamma: 0.5,
            every_epochs: 2,
        },
        ScheduleKind::Exponential { gamma: 0.8 },
        ScheduleKind::Cosine { min_lr: 0.0 },
    ];

    /// The serde tag: `"constant"`, `"step"`, `"exponential"` or `"cosine"`.
    pub fn name(&self) -> &'static str {
        match self {
            ScheduleKind::Constant => "constant",
            ScheduleKind::Step { .. } => "step",
            ScheduleKind::Exponential { .. } => "exponential",
            ScheduleKind::Cosine { .. } => "cosine",
        }
    }
}

/// A schedule kind plus an optional linear warm-up.
///
/// JSON shape (the kind's fields sit beside `warmup_epochs`):
/// `{"kind":"step","gamma":0.5,"every_epochs":2,"warmup_epochs":0}`; a missing
/// `warmup_epochs` means 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Schedule {
    /// The schedule after warm-up.
    #[serde(flatten)]
    pub kind: ScheduleKind,
    /// Warm-up length in epochs (fractions allowed), finite and ≥ 0; 0 means no warm-up.
    pub warmup_epochs: f32,
}

impl Default for Schedule {
    /// Constant rate, no warm-up.
    fn default() -> Self {
        Schedule {
            kind: ScheduleKind::Constant,
            warmup_epochs: 0.0,
        }
    }
}

/// Allowed range of γ (step and exponential decay).
pub const GAMMA: FloatRange = FloatRange::open_closed(0.0, 1.0);
/// Allowed range of `every_epochs` (step decay).
pub const EVERY_EPOCHS: IntRange = IntRange::at_least(1);
/// Allowed range of cosine's `min_lr`.
pub const MIN_LR: FloatRange = FloatRange::at_least(0.0, false);
/// Allowed range of `warmup_epochs` (the config also caps it at the run's epochs).
pub const WARMUP_EPOCHS: FloatRange = FloatRange::at_least(0.0, false);

impl Schedule {
    /// Number of warm-up steps: `round(warmup_epochs · steps_per_epoch)` (0 for a negative or
    /// non-finite `warmup_epochs`).
    pub fn warmup_steps(&self, steps_per_epoch: u64) -> u64 {
        let steps = f64::from(self.warmup_epochs) * steps_per_epoch.max(1) as f64;
        if steps.is_finite() && steps > 0.0 {
            // `as` saturates for huge values.
            steps.round() as u64
        } else {
            0
        }
    }

    /// Learning rate for the 0-based `step`, given `steps_per_epoch` (treated as at least 1) and
    /// `total_steps` = epochs · steps_per_epoch. See the module doc for the formulas.
    pub fn learning_rate(
        &self,
        base_lr: f32,
        step: u64,
        steps_per_epoch: u64,
        total_steps: u64,
    ) -> f32 {
        let base = f64::from(base_lr);
        let steps_per_epoch = steps_per_epoch.max(1);
        let warmup = self.warmup_steps(steps_per_epoch);
        let scheduled = match self.kind {
            ScheduleKind::Constant => base,
            ScheduleKind::Step {
                gamma,
                every_epochs,
            } => {
                let epoch = step / steps_per_epoch;
                let decays = epoch / u64::from(every_epochs.max(1));
                // powf on f64: exact for small integer exponents, no i32 overflow for big ones.
                base * f64::from(gamma).powf(decays as f64)
            }
            ScheduleKind::Exponential { gamma } => {
                let epochs = step as f64 / steps_per_epoch as f64;
                base * f64::from(gamma).powf(epochs)
            }
            ScheduleKind::Cosine { min_lr } => {
                let min = f64::from(min_lr).clamp(0.0, base.max(0.0));
                let span = total_steps.saturating_sub(warmup);
                let p = if step < warmup {
                    0.0
                } else if span == 0 {
                    1.0
                } else {
                    ((step - warmup) as f64 / span as f64).min(1.0)
                };
                min + (base - min) * (1.0 + (std::f64::consts::PI * p).cos()) / 2.0
            }
        };
        let rate = if step < warmup {
            scheduled * (step + 1) as f64 / warmup as f64
        } else {
            scheduled
        };
        let rate = rate as f32;
        if base_lr > 0.0 && base_lr.is_finite() && (rate.is_nan() || rate < f32::MIN_POSITIVE) {
            // Underflow (or a NaN from an unvalidated γ): keep the promise "finite and > 0".
            f32::MIN_POSITIVE
        } else {
            rate
        }
    }

    /// Checks the ranges: γ in (0, 1], `every_epochs` ≥ 1, `min_lr` finite and ≥ 0,
    /// `warmup_epochs` finite and ≥ 0. The error names the field, e.g.
    /// `"schedule.gamma must be in (0, 1], got 0"`.
    pub fn validate(&self) -> Result<(), String> {
        match self.kind {
            ScheduleKind::Constant => {}
            ScheduleKind::Step {
                gamma,
                every_epochs,
            } => {
                GAMMA.check("schedule.gamma", gamma)?;
                if !EVERY_EPOCHS.contains(u64::from(every_epochs)) {
                    return Err(format!(
                        "schedule.every_epochs must be >= {}, got {every_epochs}",
                        EVERY_EPOCHS.min
                    ));
                }
            }
            ScheduleKind::Exponential { gamma } => GAMMA.check("schedule.gamma", gamma)?,
            ScheduleKind::Cosine { min_lr } => MIN_LR.check("schedule.min_lr", min_lr)?,
        }
        WARMUP_EPOCHS.check("schedule.warmup_epochs", self.warmup_epochs)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_named_by_their_tag() {
        for kind in ScheduleKind::DEFAULTS {
            assert_eq!(serde_json::to_value(&kind).unwrap()["kind"], kind.name());
            schedule(kind).validate().unwrap();
        }
    }

    fn schedule(kind: ScheduleKind) -> Schedule {
        Schedule {
            kind,
            warmup_epochs: 0.0,
        }
    }

    fn assert_close(actual: f32, expected: f64) {
        assert!(
            (f64::from(actual) - expected).abs() <= 1e-6 * expected.abs().max(1e-30) + 1e-12,
            "got {actual}, expected {expected}"
        );
    }

    #[test]
    fn constant() {
        let s = Schedule::default();
        for step in [0, 1, 99, 10_000] {
            assert_eq!(s.learning_rate(0.01, step, 100, 1000), 0.01);
        }
    }

    #[test]
    fn step_decay_by_hand() {
        // γ 0.5 every 2 epochs, 10 steps per epoch, base 0.1.
        // step 0..19 → epoch 0..1 → ⌊epoch/2⌋ = 0 → 0.1; step 20 → epoch 2 → 0.05;
        // step 39 → epoch 3 → 0.05; step 40 → epoch 4 → 0.025; step 65 → epoch 6 → 0.0125.
        let s = schedule(ScheduleKind::Step {
            gamma: 0.5,
            every_epochs: 2,
        });
        for (step, expected) in [
            (0, 0.1),
            (19, 0.1),
            (20, 0.05),
            (39, 0.05),
            (40, 0.025),
            (65, 0.0125),
        ] {
            assert_close(s.learning_rate(0.1, step, 10, 100), expected);
        }
    }

    #[test]
    fn exponential_by_hand() {
        // γ 0.5 per epoch, 4 steps per epoch, base 1.
        // step 0 → 1; step 2 → 0.5^0.5 = 0.70710678; step 4 → 0.5; step 6 → 0.5^1.5 = 0.35355339;
        // step 12 → 0.125.
        let s = schedule(ScheduleKind::Exponential { gamma: 0.5 });
        for (step, expected) in [
            (0, 1.0),
            (2, std::f64::consts::FRAC_1_SQRT_2), // 0.70710678
            (4, 0.5),
            (6, 0.35355339),
            (12, 0.125),
        ] {
            assert_close(s.learning_rate(1.0, step, 4, 40), expected);
        }
    }

    #[test]
    fn cosine_endpoints_and_midpoint() {
        // base 0.1, min 0.01, total 100 steps, no warm-up.
        // step 0: p = 0 → base 0.1. step 50: p = 0.5, cos(π/2) = 0 → (0.1 + 0.01)/2 = 0.055.
        // step 25: p = 0.25, (1 + cos(π/4))/2 = 0.85355339 → 0.01 + 0.09·0.85355339 = 0.086819805.
        // step 100: p = 1 → min 0.01; beyond the end it stays at min.
        let s = schedule(ScheduleKind::Cosine { min_lr: 0.01 });
        assert_close(s.learning_rate(0.1, 0, 10, 100), 0.1);
        assert_close(s.learning_rate(0.1, 25, 10, 100), 0.086819805);
        assert_close(s.learning_rate(0.1, 50, 10, 100), 0.055);
        assert_close(s.learning_rate(0.1, 100, 10, 100), 0.01);
        assert_close(s.learning_rate(0.1, 150, 10, 100), 0.01);
        // Decreasing throughout.
        let rates: Vec<f32> = (0..=100)
            .map(|k| s.learning_rate(0.1, k, 10, 100))
            .collect();
        assert!(rates.windows(2).all(|w| w[1] <= w[0]), "{rates:?}");
    }

    #[test]
    fn cosine_min_above_base_uses_base() {
        let s = schedule(ScheduleKind::Cosine { min_lr: 0.5 });
        for step in [0, 50, 100] {
            assert_close(s.learning_rate(0.1, step, 10, 100), 0.1);
        }
    }

    #[test]
    fn cosine_to_zero_stays_positive() {
        // min 0 at the end would give 0; the documented floor is f32::MIN_POSITIVE.
        let s = schedule(ScheduleKind::Cosine { min_lr: 0.0 });
        let end = s.learning_rate(0.1, 100, 10, 100);
        assert!(end > 0.0 && end <= 1e-30, "{end}");
    }

    #[test]
    fn warmup_ramp() {
        // Constant base 0.1, warm-up 0.5 epochs at 8 steps per epoch → round(4) = 4 steps:
        // step 0 → 0.1·1/4 = 0.025, step 1 → 0.05, step 2 → 0.075, step 3 → 0.1, step 4 → 0.1.
        let s = Schedule {
            kind: ScheduleKind::Constant,
            warmup_epochs: 0.5,
        };
        assert_eq!(s.warmup_steps(8), 4);
        for (step, expected) in [(0, 0.025), (1, 0.05), (2, 0.075), (3, 0.1), (4, 0.1)] {
            assert_close(s.learning_rate(0.1, step, 8, 80), expected);
        }
        // round(): 0.3 epochs · 5 steps = 1.5 → 2; 0.25 · 5 = 1.25 → 1.
        assert_eq!(
            Schedule {
                warmup_epochs: 0.3,
                ..Schedule::default()
            }
            .warmup_steps(5),
            2
        );
        assert_eq!(
            Schedule {
                warmup_epochs: 0.25,
                ..Schedule::default()
            }
            .warmup_steps(5),
            1
        );
    }

    #[test]
    fn cosine_with_warmup_starts_after_warmup() {
        // base 0.1, min 0, 10 steps per epoch, total 110, warm-up 1 epoch = 10 steps.
        // step 0 → p clamped to 0, rate 0.1 · 1/10 = 0.01; step 9 → 0.1 (full base);
        // step 10 → p = 0 → 0.1; step 60 → p = 50/100 = 0.5 → 0.05; step 110 → p = 1 → floor.
        let s = Schedule {
            kind: ScheduleKind::Cosine { min_lr: 0.0 },
            warmup_epochs: 1.0,
        };
        assert_close(s.learning_rate(0.1, 0, 10, 110), 0.01);
        assert_close(s.learning_rate(0.1, 9, 10, 110), 0.1);
        assert_close(s.learning_rate(0.1, 10, 10, 110), 0.1);
        assert_close(s.learning_rate(0.1, 60, 10, 110), 0.05);
        assert!(s.learning_rate(0.1, 110, 10, 110) <= 1e-30);
    }

    #[test]
    fn step_decay_with_warmup_scales_the_scheduled_rate() {
        // γ 0.5 every epoch, 2 steps per epoch, warm-up 2 epochs = 4 steps, base 1.
        // step 0: epoch 0 → 1 · 1/4 = 0.25; step 2: epoch 1 → 0.5 · 3/4 = 0.375;
        // step 3: epoch 1 → 0.5 · 4/4 = 0.5; step 4: epoch 2 → 0.25 (warm-up over).
        let s = Schedule {
            kind: ScheduleKind::Step {
                gamma: 0.5,
                every_epochs: 1,
            },
            warmup_epochs: 2.0,
        };
        for (step, expected) in [(0, 0.25), (2, 0.375), (3, 0.5), (4, 0.25)] {
            assert_close(s.learning_rate(1.0, step, 2, 20), expected);
        }
    }

    #[test]
    fn always_finite_and_positive() {
        // Extreme but valid settings: many decays would underflow f32.
        let kinds = [
            ScheduleKind::Constant,
            ScheduleKind::Step {
                gamma: 1e-3,
                every_epochs: 1,
            },
            ScheduleKind::Exponential { gamma: 1e-3 },
            ScheduleKind::Cosine { min_lr: 0.0 },
        ];
        for kind in kinds {
            for warmup_epochs in [0.0, 0.5, 1000.0] {
                let s = Schedule {
                    kind: kind.clone(),
                    warmup_epochs,
                };
                assert_eq!(s.validate(), Ok(()));
                for step in [0, 1, 50, 999, 1000, 1_000_000] {
                    // steps_per_epoch 0 is treated as 1.
                    for spe in [0, 1, 7] {
                        let rate = s.learning_rate(0.01, step, spe, 1000);
                        assert!(rate.is_finite() && rate > 0.0, "{s:?} step {step}: {rate}");
                        assert!(rate <= 0.01, "{s:?} step {step}: {rate}");
                    }
                }
            }
        }
    }

    #[test]
    fn validate_refusals() {
        let with_warmup = |warmup_epochs| Schedule {
            kind: ScheduleKind::Constant,
            warmup_epochs,
        };
        let cases = [
            (
                schedule(ScheduleKind::Step {
                    gamma: 0.0,
                    every_epochs: 1,
                }),
                "schedule.gamma must be in (0, 1], got 0",
            ),
            (
                schedule(ScheduleKind::Step {
                    gamma: 1.5,
                    every_epochs: 1,
                }),
                "schedule.gamma must be in (0, 1], got 1.5",
            ),
            (
                schedule(ScheduleKind::Step {
                    gamma: 0.5,
                    every_epochs: 0,
                }),
                "schedule.every_epochs must be >= 1, got 0",
            ),
            (
                schedule(ScheduleKind::Exponential { gamma: f32::NAN }),
                "schedule.gamma must be in (0, 1], got NaN",
            ),
            (
                schedule(ScheduleKind::Exponential { gamma: -0.5 }),
                "schedule.gamma must be in (0, 1], got -0.5",
            ),
            (
                schedule(ScheduleKind::Cosine { min_lr: -0.001 }),
                "schedule.min_lr must be finite and >= 0, got -0.001",
            ),
            (
                schedule(ScheduleKind::Cosine {
                    min_lr: f32::INFINITY,
                }),
                "schedule.min_lr must be finite and >= 0, got inf",
            ),
            (
                with_warmup(-1.0),
                "schedule.warmup_epochs must be finite and >= 0, got -1",
            ),
            (
                with_warmup(f32::NAN),
                "schedule.warmup_epochs must be finite and >= 0, got NaN",
            ),
        ];
        for (s, message) in cases {
            assert_eq!(s.validate(), Err(message.to_string()), "{s:?}");
        }
        assert_eq!(
            schedule(ScheduleKind::Exponential { gamma: 1.0 }).validate(),
            Ok(())
        );
    }

    #[test]
    fn serde_round_trip_exact_json() {
        let cases = [
            (
                Schedule::default(),
                r#"{"kind":"constant","warmup_epochs":0.0}"#,
            ),
            (
                schedule(ScheduleKind::Step {
                    gamma: 0.5,
                    every_epochs: 2,
                }),
                r#"{"kind":"step","gamma":0.5,"every_epochs":2,"warmup_epochs":0.0}"#,
            ),
            (
                Schedule {
                    kind: ScheduleKind::Exponential { gamma: 0.95 },
                    warmup_epochs: 0.5,
                },
                r#"{"kind":"exponential","gamma":0.95,"warmup_epochs":0.5}"#,
            ),
            (
                Schedule {
                    kind: ScheduleKind::Cosine { min_lr: 1e-5 },
                    warmup_epochs: 1.0,
                },
                r#"{"kind":"cosine","min_lr":0.00001,"warmup_epochs":1.0}"#,
            ),
        ];
        for (s, json) in cases {
            assert_eq!(serde_json::to_string(&s).unwrap(), json);
            let back: Schedule = serde_json::from_str(json).unwrap();
            assert_eq!(back, s);
        }
        // The shape from the brief, with an integer 0, and a missing warmup_epochs.
        let s: Schedule = serde_json::from_str(
            r#"{"kind":"step","gamma":0.5,"every_epochs":2,"warmup_epochs":0}"#,
        )
        .unwrap();
        assert_eq!(
            s,
            schedule(ScheduleKind::Step {
                gamma: 0.5,
                every_epochs: 2
            })
        );
        let s: Schedule = serde_json::from_str(r#"{"kind":"cosine","min_lr":0}"#).unwrap();
        assert_eq!(s, schedule(ScheduleKind::Cosine { min_lr: 0.0 }));
        assert!(serde_json::from_str::<Schedule>(r#"{"kind":"cyclic"}"#).is_err());
    }
}
