//! # Optimizers: how a gradient becomes a weight update
//!
//! Purpose: the update rules the trainer applies to every parameter tensor (weight matrices and
//! bias vectors, flattened row-major) after each backward pass. All five follow PyTorch's
//! conventions, so numbers can be compared with `torch.optim`:
//!
//! | Optimizer | State per element | Update (`g` = gradient, `w` = parameter, `lr` = learning rate) |
//! |---|---|---|
//! | SGD | none | `w -= lr·g` |
//! | Momentum (classical) | velocity `v` (starts at 0) | `v = μ·v + g`; `w -= lr·v` |
//! | Momentum (Nesterov) | velocity `v` | `v = μ·v + g`; `w -= lr·(g + μ·v)` |
//! | RMSprop | mean square `s` | `s = ρ·s + (1−ρ)·g²`; `w -= lr·g / (√s + ε)` |
//! | Adam | moments `m`, `v` | `m = β₁·m + (1−β₁)·g`; `v = β₂·v + (1−β₂)·g²`; `m̂ = m/(1−β₁ᵗ)`; `v̂ = v/(1−β₂ᵗ)`; `w -= lr·m̂/(√v̂ + ε)` |
//! | AdamW | moments `m`, `v` | first, for tensors marked to decay, `w -= lr·λ·w` (decoupled weight decay); then the Adam update |
//!
//! `t` is the step count, 1 for the first training step; [`Optimizer::begin_step`] advances it
//! once per step (not once per tensor). Adam's bias corrections `1−β₁ᵗ` and `1−β₂ᵗ` are computed
//! in `f64` there, once per step; the state itself is `f32`.
//!
//! Conventions worth knowing:
//! - The momentum buffer is PyTorch's (`v = μ·v + g`, no dampening), not the `v = μ·v − lr·g`
//!   form of some textbooks; the two agree for a constant learning rate.
//! - ε is added *outside* the square root (PyTorch, Keras 2+).
//! - AdamW decays with the current learning rate, `w ← w·(1 − lr·λ)`, as `torch.optim.AdamW`
//!   does, so a schedule also scales the decay.
//!
//! Non-goals: coupled L2 weight decay (the trainer adds `λ·w` to the gradient before calling
//! [`Optimizer::update`]), gradient clipping, AMSGrad, per-tensor learning rates, and saving the
//! optimizer state (a resumed run restarts the moments).
//!
//! All state is allocated in [`Optimizer::new`]; [`Optimizer::update`] allocates nothing and is
//! written as plain zipped loops over slices so the compiler can vectorise it (native SIMD and
//! wasm `simd128`).

use serde::{Deserialize, Serialize};

use crate::bounds::FloatRange;

const fn default_momentum() -> f32 {
    0.9
}
const fn default_rho() -> f32 {
    0.9
}
const fn default_beta1() -> f32 {
    0.9
}
const fn default_beta2() -> f32 {
    0.999
}
const fn default_epsilon() -> f32 {
    1e-8
}
const fn default_weight_decay() -> f32 {
    0.01
}

/// Which optimizer to use and its hyperparameters (everything except the learning rate, which
/// comes from the schedule at every step).
///
/// Serialised with an internal `kind` tag, e.g.
/// `{"kind":"adam","beta1":0.9,"beta2":0.999,"epsilon":1e-8}` or `{"kind":"sgd"}`. A missing
/// hyperparameter takes the default listed on its variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OptimizerConfig {
    /// Plain stochastic gradient descent: `w -= lr·g`.
    Sgd,
    /// SGD with a velocity buffer; defaults `momentum` 0.9, `nesterov` false.
    Momentum {
        /// μ, in [0, 1).
        #[serde(default = "default_momentum")]
        momentum: f32,
        /// Use the Nesterov look-ahead form `w -= lr·(g + μ·v)`.
        #[serde(default)]
        nesterov: bool,
    },
    /// RMSprop; defaults `rho` 0.9, `epsilon` 1e-8.
    Rmsprop {
        /// ρ, decay of the running mean of g², in [0, 1).
        #[serde(default = "default_rho")]
        rho: f32,
        /// ε > 0, added to √s.
        #[serde(default = "default_epsilon")]
        epsilon: f32,
    },
    /// Adam; defaults `beta1` 0.9, `beta2` 0.999, `epsilon` 1e-8.
    Adam {
        /// β₁, decay of the first moment, in [0, 1).
        #[serde(default = "default_beta1")]
        beta1: f32,
        /// β₂, decay of the second moment, in [0, 1).
        #[serde(default = "default_beta2")]
        beta2: f32,
        /// ε > 0, added to √v̂.
        #[serde(default = "default_epsilon")]
        epsilon: f32,
    },
    /// Adam with decoupled weight decay; defaults as Adam plus `weight_decay` 0.01.
    Adamw {
        /// β₁, in [0, 1).
        #[serde(default = "default_beta1")]
        beta1: f32,
        /// β₂, in [0, 1).
        #[serde(default = "default_beta2")]
        beta2: f32,
        /// ε > 0.
        #[serde(default = "default_epsilon")]
        epsilon: f32,
        /// λ ≥ 0: each step multiplies decaying tensors by `1 − lr·λ`.
        #[serde(default = "default_weight_decay")]
        weight_decay: f32,
    },
}

impl Default for OptimizerConfig {
    /// Adam with β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
    fn default() -> Self {
        OptimizerConfig::Adam {
            beta1: default_beta1(),
            beta2: default_beta2(),
            epsilon: default_epsilon(),
        }
    }
}

/// `Err` unless `value` is in [0, 1) (NaN is refused too).
/// Allowed range of momentum, ρ, β₁ and β₂.
pub const UNIT_INTERVAL: FloatRange = FloatRange::closed_open(0.0, 1.0);
/// Allowed range of ε.
pub const EPSILON: FloatRange = FloatRange::at_least(0.0, true);
/// Allowed range of AdamW's decoupled weight decay λ.
pub const ADAMW_WEIGHT_DECAY: FloatRange = FloatRange::at_least(0.0, false);

fn check_unit_interval(field: &str, value: f32) -> Result<(), String> {
    UNIT_INTERVAL.check(format_args!("optimizer.{field}"), value)
}

fn check_epsilon(value: f32) -> Result<(), String> {
    EPSILON.check("optimizer.epsilon", value)
}

impl OptimizerConfig {
    /// Every kind once, with its defaults (those a config that names only the kind gets), in the
    /// order the page offers them.
    pub const DEFAULTS: [OptimizerConfig; 5] = [
        OptimizerConfig::Sgd,
        OptimizerConfig::Momentum {
            momentum: default_momentum(),
            nesterov: false,
        },
        OptimizerConfig::Rmsprop {
            rho: default_rho(),
            epsilon: default_epsilon(),
        },
        OptimizerConfig::Adam {
            beta1: default_beta1(),
            beta2: default_beta2(),
            epsilon: default_epsilon(),
        },
        OptimizerConfig::Adamw {
            beta1: default_beta1(),
            beta2: default_beta2(),
            epsilon: default_epsilon(),
            weight_decay: default_weight_decay(),
        },
    ];

    /// The serde tag: `"sgd"`, `"momentum"`, `"rmsprop"`, `"adam"` or `"adamw"`.
    pub fn name(&self) -> &'static str {
        match self {
            OptimizerConfig::Sgd => "sgd",
            OptimizerConfig::Momentum { .. } => "momentum",
            OptimizerConfig::Rmsprop { .. } => "rmsprop",
            OptimizerConfig::Adam { .. } => "adam",
            OptimizerConfig::Adamw { .. } => "adamw",
        }
    }

    /// Checks every hyperparameter's range: momentum, ρ, β₁ and β₂ in [0, 1); ε finite and > 0;
    /// weight decay finite and ≥ 0. The error names the field and the allowed range, e.g.
    /// `"optimizer.momentum must be in [0, 1), got 1.5"`.
    pub fn validate(&self) -> Result<(), String> {
        match *self {
            OptimizerConfig::Sgd => Ok(()),
            OptimizerConfig::Momentum { momentum, .. } => check_unit_interval("momentum", momentum),
            OptimizerConfig::Rmsprop { rho, epsilon } => {
                check_unit_interval("rho", rho)?;
                check_epsilon(epsilon)
            }
            OptimizerConfig::Adam {
                beta1,
                beta2,
                epsilon,
            } => {
                check_unit_interval("beta1", beta1)?;
                check_unit_interval("beta2", beta2)?;
                check_epsilon(epsilon)
            }
            OptimizerConfig::Adamw {
                beta1,
                beta2,
                epsilon,
                weight_decay,
            } => {
                check_unit_interval("beta1", beta1)?;
                check_unit_interval("beta2", beta2)?;
                check_epsilon(epsilon)?;
                ADAMW_WEIGHT_DECAY.check("optimizer.weight_decay", weight_decay)
            }
        }
    }

    /// How many `f32` of state each parameter element needs (0, 1 or 2).
    fn state_per_element(&self) -> usize {
        match self {
            OptimizerConfig::Sgd => 0,
            OptimizerConfig::Momentum { .. } | OptimizerConfig::Rmsprop { .. } => 1,
            OptimizerConfig::Adam { .. } | OptimizerConfig::Adamw { .. } => 2,
        }
    }
}

/// An optimizer bound to a fixed list of parameter tensors, holding their state.
///
/// # Shapes
/// Tensor `i` is a flat slice of `tensor_lens[i]` `f32` (a weight matrix `[fan_in, fan_out]`
/// row-major, or a bias `[fan_out]`); its gradient has the same length. The state buffers
/// (`first[i]`, `second[i]`) have that length too, or are empty when the optimizer needs fewer.
#[derive(Clone, Debug)]
pub struct Optimizer {
    config: OptimizerConfig,
    /// Momentum's velocity, RMSprop's mean square, or Adam's first moment `m`.
    first: Vec<Vec<f32>>,
    /// Adam's second moment `v` (empty for the others).
    second: Vec<Vec<f32>>,
    /// Whether AdamW's decoupled decay applies to tensor `i`.
    decays: Vec<bool>,
    /// Step count `t` (0 before the first [`Optimizer::begin_step`]).
    t: u64,
    /// `1 / (1 − β₁ᵗ)`, for Adam and AdamW.
    inv_bias_correction1: f32,
    /// `1 / √(1 − β₂ᵗ)`, for Adam and AdamW.
    inv_sqrt_bias_correction2: f32,
}

impl Optimizer {
    /// Allocates zeroed state for each tensor. `tensor_lens[i]` is the number of `f32` in
    /// parameter tensor `i`; `decays[i]` says whether AdamW's decoupled weight decay applies to
    /// it (true for weight matrices, false for biases; ignored by the other optimizers).
    ///
    /// The config is assumed to have passed [`OptimizerConfig::validate`].
    ///
    /// # Panics
    /// If `tensor_lens` and `decays` differ in length (a programming error).
    pub fn new(config: &OptimizerConfig, tensor_lens: &[usize], decays: &[bool]) -> Self {
        assert_eq!(
            tensor_lens.len(),
            decays.len(),
            "optimizer: one decay flag per tensor"
        );
        let per = config.state_per_element();
        let buffer = |needed: bool| -> Vec<Vec<f32>> {
            tensor_lens
                .iter()
                .map(|&len| if needed { vec![0.0; len] } else { Vec::new() })
                .collect()
        };
        let mut optimizer = Optimizer {
            config: config.clone(),
            first: buffer(per >= 1),
            second: buffer(per >= 2),
            decays: decays.to_vec(),
            t: 0,
            inv_bias_correction1: 1.0,
            inv_sqrt_bias_correction2: 1.0,
        };
        optimizer.set_bias_corrections();
        optimizer
    }

    /// Starts a training step: increments `t` (1 for the first step) and recomputes Adam's bias
    /// corrections. Call once per step, before the [`Optimizer::update`] calls of that step.
    pub fn begin_step(&mut self) {
        self.t += 1;
        self.set_bias_corrections();
    }

    /// Bias corrections for step `max(t, 1)`, in `f64`; an `update` before any `begin_step`
    /// therefore behaves as step 1.
    fn set_bias_corrections(&mut self) {
        if let OptimizerConfig::Adam { beta1, beta2, .. }
        | OptimizerConfig::Adamw { beta1, beta2, .. } = self.config
        {
            // powi takes i32; beyond that β^t has long underflowed to 0 for β < 1.
            let t = self.t.clamp(1, i32::MAX as u64) as i32;
            let bias_correction1 = 1.0 - f64::from(beta1).powi(t);
            let bias_correction2 = 1.0 - f64::from(beta2).powi(t);
            self.inv_bias_correction1 = (1.0 / bias_correction1) as f32;
            self.inv_sqrt_bias_correction2 = (1.0 / bias_correction2.sqrt()) as f32;
        }
    }

    /// The step count `t`: the number of [`Optimizer::begin_step`] calls so far.
    pub fn steps(&self) -> u64 {
        self.t
    }

    /// The configuration this optimizer was built with.
    pub fn config(&self) -> &OptimizerConfig {
        &self.config
    }

    /// Updates tensor `i` in place from its gradient with learning rate `lr`. Allocation-free.
    ///
    /// # Shapes
    /// `param` and `grad`: `[tensor_lens[i]]`.
    ///
    /// # Panics
    /// If `i` is out of range or the slice lengths differ from `tensor_lens[i]` (programming
    /// errors, checked once per call, not per element).
    pub fn update(&mut self, i: usize, param: &mut [f32], grad: &[f32], lr: f32) {
        assert_eq!(
            param.len(),
            grad.len(),
            "optimizer: param/grad lengths differ"
        );
        let decays = self.decays[i];
        match self.config {
            OptimizerConfig::Sgd => {
                for (w, &g) in param.iter_mut().zip(grad) {
                    *w -= lr * g;
                }
            }
            OptimizerConfig::Momentum { momentum, nesterov } => {
                let velocity = &mut self.first[i];
                assert_eq!(velocity.len(), param.len(), "optimizer: tensor {i} length");
                if nesterov {
                    for ((w, &g), v) in param.iter_mut().zip(grad).zip(velocity.iter_mut()) {
                        *v = momentum * *v + g;
                        *w -= lr * (g + momentum * *v);
                    }
                } else {
                    for ((w, &g), v) in param.iter_mut().zip(grad).zip(velocity.iter_mut()) {
                        *v = momentum * *v + g;
                        *w -= lr * *v;
                    }
                }
            }
            OptimizerConfig::Rmsprop { rho, epsilon } => {
                let mean_square = &mut self.first[i];
                assert_eq!(
                    mean_square.len(),
                    param.len(),
                    "optimizer: tensor {i} length"
                );
                let one_minus_rho = 1.0 - rho;
                for ((w, &g), s) in param.iter_mut().zip(grad).zip(mean_square.iter_mut()) {
                    *s = rho * *s + one_minus_rho * g * g;
                    *w -= lr * g / (s.sqrt() + epsilon);
                }
            }
            OptimizerConfig::Adam {
                beta1,
                beta2,
                epsilon,
            } => self.adam(i, param, grad, lr, beta1, beta2, epsilon, 1.0),
            OptimizerConfig::Adamw {
                beta1,
                beta2,
                epsilon,
                weight_decay,
            } => {
                // Decoupled decay w ← w − lr·λ·w, folded into the Adam loop as a factor.
                let keep = if decays { 1.0 - lr * weight_decay } else { 1.0 };
                self.adam(i, param, grad, lr, beta1, beta2, epsilon, keep)
            }
        }
    }

    /// Adam's update, after scaling each weight by `keep` (1 for Adam, `1 − lr·λ` for AdamW).
    ///
    /// Written as PyTorch does: `w -= (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)`, which equals
    /// `lr · m̂ / (√v̂ + ε)`.
    #[allow(clippy::too_many_arguments)]
    fn adam(
        &mut self,
        i: usize,
        param: &mut [f32],
        grad: &[f32],
        lr: f32,
        beta1: f32,
        beta2: f32,
        epsilon: f32,
        keep: f32,
    ) {
        let m = &mut self.first[i];
        let v = &mut self.second[i];
        assert_eq!(m.len(), param.len(), "optimizer: tensor {i} length");
        assert_eq!(v.len(), param.len(), "optimizer: tensor {i} length");
        let step_size = lr * self.inv_bias_correction1;
        let inv_sqrt_bc2 = self.inv_sqrt_bias_correction2;
        let one_minus_beta1 = 1.0 - beta1;
        let one_minus_beta2 = 1.0 - beta2;
        for ((w, &g), (m, v)) in param
            .iter_mut()
            .zip(grad)
            .zip(m.iter_mut().zip(v.iter_mut()))
        {
            *m = beta1 * *m + one_minus_beta1 * g;
            *v = beta2 * *v + one_minus_beta2 * g * g;
            let denominator = v.sqrt() * inv_sqrt_bc2 + epsilon;
            *w = keep * *w - step_size * *m / denominator;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_what_a_config_naming_only_the_kind_gets() {
        for o in OptimizerConfig::DEFAULTS {
            // name() is the serde tag, and a config naming only the kind gets these defaults.
            let json = serde_json::to_value(&o).unwrap();
            assert_eq!(json["kind"], o.name());
            let named: OptimizerConfig =
                serde_json::from_str(&format!(r#"{{"kind":"{}"}}"#, o.name())).unwrap();
            assert_eq!(named, o);
            o.validate().unwrap();
        }
    }

    const W0: [f32; 2] = [1.0, -2.0];
    const G1: [f32; 2] = [0.5, 0.25];
    const G2: [f32; 2] = [-1.0, 0.5];

    fn assert_close(actual: &[f32], expected: &[f64], tol: f64) {
        assert_eq!(actual.len(), expected.len());
        for (k, (&a, &e)) in actual.iter().zip(expected).enumerate() {
            assert!(
                (f64::from(a) - e).abs() <= tol * e.abs().max(1.0),
                "element {k}: got {a}, expected {e} (all: {actual:?} vs {expected:?})"
            );
        }
    }

    /// Runs `grads.len()` steps on a single tensor starting at W0 and returns the weights after
    /// each step.
    fn run(config: &OptimizerConfig, grads: &[[f32; 2]], lr: f32) -> Vec<[f32; 2]> {
        let mut optimizer = Optimizer::new(config, &[2], &[true]);
        let mut w = W0;
        let mut history = Vec::new();
        for g in grads {
            optimizer.begin_step();
            optimizer.update(0, &mut w, g, lr);
            history.push(w);
        }
        assert_eq!(optimizer.steps(), grads.len() as u64);
        history
    }

    #[test]
    fn sgd_by_hand() {
        // lr 0.1. Step 1: w = [1 − 0.1·0.5, −2 − 0.1·0.25] = [0.95, −2.025].
        // Step 2: w = [0.95 − 0.1·(−1), −2.025 − 0.1·0.5] = [1.05, −2.075].
        let h = run(&OptimizerConfig::Sgd, &[G1, G2], 0.1);
        assert_close(&h[0], &[0.95, -2.025], 1e-6);
        assert_close(&h[1], &[1.05, -2.075], 1e-6);
    }

    #[test]
    fn classical_momentum_by_hand() {
        // μ 0.9, lr 0.1.
        // Step 1: v = g1 = [0.5, 0.25]; w = [1 − 0.05, −2 − 0.025] = [0.95, −2.025].
        // Step 2: v = 0.9·[0.5, 0.25] + [−1, 0.5] = [−0.55, 0.725];
        //         w = [0.95 + 0.055, −2.025 − 0.0725] = [1.005, −2.0975].
        // Step 3 (g = [0, 0]): v = [−0.495, 0.6525]; w = [1.005 + 0.0495, −2.0975 − 0.06525]
        //         = [1.0545, −2.16275].
        let config = OptimizerConfig::Momentum {
            momentum: 0.9,
            nesterov: false,
        };
        let h = run(&config, &[G1, G2, [0.0, 0.0]], 0.1);
        assert_close(&h[0], &[0.95, -2.025], 1e-6);
        assert_close(&h[1], &[1.005, -2.0975], 1e-6);
        assert_close(&h[2], &[1.0545, -2.16275], 1e-6);
    }

    #[test]
    fn nesterov_momentum_by_hand_and_differs_from_classical() {
        // μ 0.9, lr 0.1.
        // Step 1: v = [0.5, 0.25]; step g + μv = [0.5 + 0.45, 0.25 + 0.225] = [0.95, 0.475];
        //         w = [1 − 0.095, −2 − 0.0475] = [0.905, −2.0475].
        // Step 2: v = [−0.55, 0.725]; g + μv = [−1 − 0.495, 0.5 + 0.6525] = [−1.495, 1.1525];
        //         w = [0.905 + 0.1495, −2.0475 − 0.11525] = [1.0545, −2.16275].
        let nesterov = OptimizerConfig::Momentum {
            momentum: 0.9,
            nesterov: true,
        };
        let h = run(&nesterov, &[G1, G2], 0.1);
        assert_close(&h[0], &[0.905, -2.0475], 1e-6);
        assert_close(&h[1], &[1.0545, -2.16275], 1e-6);

        let classical = OptimizerConfig::Momentum {
            momentum: 0.9,
            nesterov: false,
        };
        let c = run(&classical, &[G1, G2], 0.1);
        assert!((h[0][0] - c[0][0]).abs() > 0.01, "{h:?} vs {c:?}");
        assert!((h[1][1] - c[1][1]).abs() > 0.01, "{h:?} vs {c:?}");
    }

    #[test]
    fn momentum_zero_is_sgd() {
        // With μ = 0 both forms reduce to w -= lr·g.
        for nesterov in [false, true] {
            let config = OptimizerConfig::Momentum {
                momentum: 0.0,
                nesterov,
            };
            let h = run(&config, &[G1, G2], 0.1);
            let s = run(&OptimizerConfig::Sgd, &[G1, G2], 0.1);
            assert_eq!(h, s);
        }
    }

    #[test]
    fn rmsprop_by_hand() {
        // ρ 0.9, ε 1e-8, lr 0.01.
        // Step 1: s = 0.1·g² = [0.025, 0.00625]; √s = [0.158113883, 0.0790569415];
        //         g/√s = [3.16227766, 3.16227766] (= 1/√0.1 for both);
        //         w = [1 − 0.0316227766, −2 − 0.0316227766] = [0.9683772234, −2.0316227766]
        //         (ε shifts this by ~2e-9: [0.9683772254, −2.0316227726]).
        // Step 2: s = 0.9·s + 0.1·[1, 0.25] = [0.0225 + 0.1, 0.005625 + 0.025] = [0.1225, 0.030625];
        //         √s = [0.35, 0.175]; g/√s = [−2.857142857, 2.857142857];
        //         w = [0.9683772234 + 0.02857142857, −2.0316227766 − 0.02857142857]
        //           = [0.996948652, −2.060194205].
        let config = OptimizerConfig::Rmsprop {
            rho: 0.9,
            epsilon: 1e-8,
        };
        let h = run(&config, &[G1, G2], 0.01);
        assert_close(&h[0], &[0.9683772254, -2.0316227726], 1e-6);
        assert_close(&h[1], &[0.996948652, -2.060194205], 1e-6);
    }

    #[test]
    fn adam_by_hand() {
        // β₁ 0.9, β₂ 0.999, ε 1e-8, lr 0.1.
        // Step 1 (t = 1): m = 0.1·g = [0.05, 0.025]; v = 0.001·g² = [0.00025, 0.0000625];
        //   m̂ = m/0.1 = g; v̂ = v/0.001 = g²; m̂/(√v̂ + ε) = g/(|g| + 1e-8) ≈ [1, 1] (−2e-8, −4e-8);
        //   w = [1 − 0.1, −2 − 0.1] = [0.9, −2.1] (to ~1e-8).
        // Step 2 (t = 2): m = 0.9·[0.05, 0.025] + 0.1·[−1, 0.5] = [−0.055, 0.0725];
        //   v = 0.999·[0.00025, 0.0000625] + 0.001·[1, 0.25]
        //     = [0.00024975 + 0.001, 0.0000624375 + 0.00025] = [0.00124975, 0.0003124375];
        //   1 − β₁² = 0.19, 1 − β₂² = 0.001999;
        //   m̂ = [−0.055/0.19, 0.0725/0.19] = [−0.289473684, 0.381578947];
        //   v̂ = [0.00124975/0.001999, 0.0003124375/0.001999] = [0.625187594, 0.156296898];
        //   √v̂ = [0.790688051, 0.395344025];
        //   m̂/√v̂ = [−0.366103522, 0.965182001];
        //   w = [0.9 + 0.0366103522, −2.1 − 0.0965182001] = [0.936610352, −2.196518200].
        let h = run(&OptimizerConfig::default(), &[G1, G2], 0.1);
        assert_close(&h[0], &[0.9, -2.1], 1e-6);
        assert_close(&h[1], &[0.936610352, -2.196518200], 1e-6);
    }

    #[test]
    fn adam_bias_correction_makes_first_step_lr_sized() {
        // With bias correction the first step has size lr·g/|g| = lr in every coordinate,
        // whatever the gradient's scale (a classic property of Adam).
        let mut optimizer = Optimizer::new(&OptimizerConfig::default(), &[3], &[false]);
        let mut w = [0.0f32; 3];
        optimizer.begin_step();
        optimizer.update(0, &mut w, &[1e-3, -50.0, 7.0], 0.01);
        assert_close(&w, &[-0.01, 0.01, -0.01], 1e-5);
    }

    #[test]
    fn adamw_decays_weights_not_biases() {
        // β₁ 0.9, β₂ 0.999, ε 1e-8, λ 0.1, lr 0.1; tensor 0 decays (weights), tensor 1 not (bias).
        // Step 1: decay factor 1 − 0.1·0.1 = 0.99; Adam step as in adam_by_hand = −0.1·sign(g).
        //   weights: [0.99·1 − 0.1, 0.99·(−2) − 0.1] = [0.89, −2.08];
        //   bias:    [1 − 0.1, −2 − 0.1] = [0.9, −2.1] (same as plain Adam).
        // Step 2 (g = G2): the Adam step is the same as in adam_by_hand, [+0.0366103522,
        //   −0.0965182001], because the moments depend only on the gradients.
        //   weights: [0.99·0.89 + 0.0366103522, 0.99·(−2.08) − 0.0965182001]
        //          = [0.8811 + 0.0366103522, −2.0592 − 0.0965182001] = [0.917710352, −2.155718200];
        //   bias:    [0.936610352, −2.196518200].
        let config = OptimizerConfig::Adamw {
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            weight_decay: 0.1,
        };
        let mut optimizer = Optimizer::new(&config, &[2, 2], &[true, false]);
        let mut weights = W0;
        let mut bias = W0;
        for (g, expected_w, expected_b) in [
            (G1, [0.89, -2.08], [0.9, -2.1]),
            (G2, [0.917710352, -2.155718200], [0.936610352, -2.196518200]),
        ] {
            optimizer.begin_step();
            optimizer.update(0, &mut weights, &g, 0.1);
            optimizer.update(1, &mut bias, &g, 0.1);
            assert_close(&weights, &expected_w, 1e-6);
            assert_close(&bias, &expected_b, 1e-6);
        }
        // With a zero gradient the moments still move, so compare against a fresh Adam: AdamW
        // with λ = 0 is exactly Adam.
        let adamw0 = OptimizerConfig::Adamw {
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            weight_decay: 0.0,
        };
        assert_eq!(
            run(&adamw0, &[G1, G2], 0.1),
            run(&OptimizerConfig::default(), &[G1, G2], 0.1)
        );
    }

    #[test]
    fn tensors_keep_separate_state() {
        // Two tensors updated in the same step must not share buffers: updating tensor 1 with
        // G2 must not change what tensor 0 sees (compare with tensor 0 alone).
        let config = OptimizerConfig::Momentum {
            momentum: 0.9,
            nesterov: false,
        };
        let mut both = Optimizer::new(&config, &[2, 2], &[true, false]);
        let (mut a, mut b) = (W0, W0);
        for _ in 0..3 {
            both.begin_step();
            both.update(0, &mut a, &G1, 0.1);
            both.update(1, &mut b, &G2, 0.1);
        }
        let alone = run(&config, &[G1, G1, G1], 0.1);
        assert_eq!(a, alone[2]);
    }

    #[test]
    fn update_before_begin_step_acts_as_step_one() {
        let mut optimizer = Optimizer::new(&OptimizerConfig::default(), &[2], &[true]);
        let mut w = W0;
        optimizer.update(0, &mut w, &G1, 0.1);
        assert_eq!(optimizer.steps(), 0);
        assert_close(&w, &[0.9, -2.1], 1e-6);
    }

    #[test]
    fn validate_accepts_defaults() {
        for config in [
            OptimizerConfig::Sgd,
            OptimizerConfig::Momentum {
                momentum: 0.9,
                nesterov: false,
            },
            OptimizerConfig::Rmsprop {
                rho: 0.9,
                epsilon: 1e-8,
            },
            OptimizerConfig::default(),
            OptimizerConfig::Adamw {
                beta1: 0.9,
                beta2: 0.999,
                epsilon: 1e-8,
                weight_decay: 0.01,
            },
            OptimizerConfig::Momentum {
                momentum: 0.0,
                nesterov: true,
            },
        ] {
            assert_eq!(config.validate(), Ok(()), "{config:?}");
        }
    }

    #[test]
    fn validate_refusals() {
        let adamw = |beta1, beta2, epsilon, weight_decay| OptimizerConfig::Adamw {
            beta1,
            beta2,
            epsilon,
            weight_decay,
        };
        let cases: Vec<(OptimizerConfig, &str)> = vec![
            (
                OptimizerConfig::Momentum {
                    momentum: 1.5,
                    nesterov: false,
                },
                "optimizer.momentum must be in [0, 1), got 1.5",
            ),
            (
                OptimizerConfig::Momentum {
                    momentum: 1.0,
                    nesterov: true,
                },
                "optimizer.momentum must be in [0, 1), got 1",
            ),
            (
                OptimizerConfig::Momentum {
                    momentum: -0.1,
                    nesterov: false,
                },
                "optimizer.momentum must be in [0, 1), got -0.1",
            ),
            (
                OptimizerConfig::Rmsprop {
                    rho: f32::NAN,
                    epsilon: 1e-8,
                },
                "optimizer.rho must be in [0, 1), got NaN",
            ),
            (
                OptimizerConfig::Rmsprop {
                    rho: 0.9,
                    epsilon: 0.0,
                },
                "optimizer.epsilon must be finite and > 0, got 0",
            ),
            (
                OptimizerConfig::Adam {
                    beta1: 1.0,
                    beta2: 0.999,
                    epsilon: 1e-8,
                },
                "optimizer.beta1 must be in [0, 1), got 1",
            ),
            (
                OptimizerConfig::Adam {
                    beta1: 0.9,
                    beta2: -0.5,
                    epsilon: 1e-8,
                },
                "optimizer.beta2 must be in [0, 1), got -0.5",
            ),
            (
                OptimizerConfig::Adam {
                    beta1: 0.9,
                    beta2: 0.999,
                    epsilon: -1e-8,
                },
                "optimizer.epsilon must be finite and > 0, got -0.00000001",
            ),
            (
                OptimizerConfig::Adam {
                    beta1: 0.9,
                    beta2: 0.999,
                    epsilon: f32::INFINITY,
                },
                "optimizer.epsilon must be finite and > 0, got inf",
            ),
            (
                adamw(0.9, 0.999, 1e-8, -0.01),
                "optimizer.weight_decay must be finite and >= 0, got -0.01",
            ),
            (
                adamw(0.9, 0.999, 1e-8, f32::NAN),
                "optimizer.weight_decay must be finite and >= 0, got NaN",
            ),
            (
                adamw(0.9, 1.0, 1e-8, 0.01),
                "optimizer.beta2 must be in [0, 1), got 1",
            ),
        ];
        for (config, message) in cases {
            assert_eq!(config.validate(), Err(message.to_string()), "{config:?}");
        }
    }

    #[test]
    fn serde_round_trip_exact_json() {
        let cases = [
            (OptimizerConfig::Sgd, r#"{"kind":"sgd"}"#),
            (
                OptimizerConfig::Momentum {
                    momentum: 0.9,
                    nesterov: true,
                },
                r#"{"kind":"momentum","momentum":0.9,"nesterov":true}"#,
            ),
            (
                OptimizerConfig::Rmsprop {
                    rho: 0.9,
                    epsilon: 1e-8,
                },
                r#"{"kind":"rmsprop","rho":0.9,"epsilon":1e-8}"#,
            ),
            (
                OptimizerConfig::default(),
                r#"{"kind":"adam","beta1":0.9,"beta2":0.999,"epsilon":1e-8}"#,
            ),
            (
                OptimizerConfig::Adamw {
                    beta1: 0.9,
                    beta2: 0.999,
                    epsilon: 1e-8,
                    weight_decay: 0.01,
                },
                r#"{"kind":"adamw","beta1":0.9,"beta2":0.999,"epsilon":1e-8,"weight_decay":0.01}"#,
            ),
        ];
        for (config, json) in cases {
            assert_eq!(serde_json::to_string(&config).unwrap(), json);
            let back: OptimizerConfig = serde_json::from_str(json).unwrap();
            assert_eq!(back, config);
            assert_eq!(config.name(), back.name());
            assert!(json.contains(&format!(r#""kind":"{}""#, config.name())));
        }
    }

    #[test]
    fn serde_missing_fields_take_defaults_and_unknown_kind_is_refused() {
        let adam: OptimizerConfig = serde_json::from_str(r#"{"kind":"adam"}"#).unwrap();
        assert_eq!(adam, OptimizerConfig::default());
        let momentum: OptimizerConfig =
            serde_json::from_str(r#"{"kind":"momentum","nesterov":true}"#).unwrap();
        assert_eq!(
            momentum,
            OptimizerConfig::Momentum {
                momentum: 0.9,
                nesterov: true
            }
        );
        let adamw: OptimizerConfig = serde_json::from_str(r#"{"kind":"adamw"}"#).unwrap();
        assert_eq!(
            adamw,
            OptimizerConfig::Adamw {
                beta1: 0.9,
                beta2: 0.999,
                epsilon: 1e-8,
                weight_decay: 0.01
            }
        );
        assert!(serde_json::from_str::<OptimizerConfig>(r#"{"kind":"lbfgs"}"#).is_err());
    }
}
