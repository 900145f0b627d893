//! Activation functions of the hidden layers, each with its derivative written right below it.
//!
//! | name | f(z) | f′(z) |
//! |---|---|---|
//! | ReLU | max(0, z) | 1 if z > 0 else 0 |
//! | leaky ReLU | z if z > 0 else 0.01·z | 1 or 0.01 |
//! | sigmoid | 1 / (1 + e^−z) | f(z)·(1 − f(z)) |
//! | tanh | tanh z | 1 − tanh² z |
//! | GELU (tanh approximation, Hendrycks & Gimpel 2016) | ½z(1 + tanh(√(2/π)(z + 0.044715 z³))) | see [`gelu_derivative`] |
//!
//! Non-goal: learnable activations (PReLU), softmax (it lives with the loss in [`crate::nn::loss`]).

use serde::{Deserialize, Serialize};

/// Slope of leaky ReLU for negative inputs (the common default, as in PyTorch).
pub const LEAKY_SLOPE: f32 = 0.01;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    #[default]
    Relu,
    LeakyRelu,
    Sigmoid,
    Tanh,
    Gelu,
}

const SQRT_2_OVER_PI: f32 = 0.797_884_6;
const GELU_C: f32 = 0.044_715;

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

fn gelu(z: f32) -> f32 {
    0.5 * z * (1.0 + (SQRT_2_OVER_PI * (z + GELU_C * z * z * z)).tanh())
}

/// d/dz of the tanh-approximated GELU: with u = √(2/π)(z + c z³), t = tanh u,
/// f′ = ½(1 + t) + ½ z (1 − t²) √(2/π)(1 + 3c z²).
pub fn gelu_derivative(z: f32) -> f32 {
    let t = (SQRT_2_OVER_PI * (z + GELU_C * z * z * z)).tanh();
    0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_C * z * z)
}

impl Activation {
    /// Every activation once, in the order the page offers them.
    pub const ALL: [Activation; 5] = [
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Gelu,
        Activation::Tanh,
        Activation::Sigmoid,
    ];

    /// The serde name.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Gelu => "gelu",
        }
    }

    /// f(z) for one value.
    #[inline]
    pub fn f(self, z: f32) -> f32 {
        match self {
            Activation::Relu => z.max(0.0),
            Activation::LeakyRelu => {
                if z > 0.0 {
                    z
                } else {
                    LEAKY_SLOPE * z
                }
            }
            Activation::Sigmoid => sigmoid(z),
            Activation::Tanh => z.tanh(),
            Activation::Gelu => gelu(z),
        }
    }

    /// f′(z), given z and a = f(z) (sigmoid and tanh reuse a).
    #[inline]
    pub fn df(self, z: f32, a: f32) -> f32 {
        match self {
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu => {
                if z > 0.0 {
                    1.0
                } else {
                    LEAKY_SLOPE
                }
            }
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Tanh => 1.0 - a * a,
            Activation::Gelu => gelu_derivative(z),
        }
    }

    /// Adds `bias` to each row of `z` in place and writes f(z) into `a`. The bias add and the
    /// activation are one pass over memory.
    ///
    /// # Shapes
    /// `z`, `a`: `[batch * width]` row-major; `bias`: `[width]`.
    pub fn bias_forward(self, z: &mut [f32], bias: &[f32], a: &mut [f32]) {
        let w = bias.len();
        for (zr, ar) in z.chunks_exact_mut(w).zip(a.chunks_exact_mut(w)) {
            match self {
                // The common case gets its own branch-free loop, which vectorises to max.
                Activation::Relu => {
                    for ((z, a), b) in zr.iter_mut().zip(ar.iter_mut()).zip(bias) {
                        *z += b;
                        *a = z.max(0.0);
                    }
                }
                _ => {
                    for ((z, a), b) in zr.iter_mut().zip(ar.iter_mut()).zip(bias) {
                        *z += b;
                        *a = self.f(*z);
                    }
                }
            }
        }
    }

    /// [`Activation::bias_forward`] in place: each row of `z` becomes f(z + bias) (the same
    /// arithmetic, so the same bits), for evaluation and prediction, which keep only f(z).
    ///
    /// # Shapes
    /// `z`: `[batch * width]` row-major; `bias`: `[width]`.
    pub fn bias_forward_in_place(self, z: &mut [f32], bias: &[f32]) {
        for row in z.chunks_exact_mut(bias.len()) {
            match self {
                Activation::Relu => {
                    for (z, b) in row.iter_mut().zip(bias) {
                        *z = (*z + b).max(0.0);
                    }
                }
                _ => {
                    for (z, b) in row.iter_mut().zip(bias) {
                        *z = self.f(*z + b);
                    }
                }
            }
        }
    }

    /// delta ← delta ⊙ f′(z), elementwise.
    pub fn backward(self, z: &[f32], a: &[f32], delta: &mut [f32]) {
        match self {
            Activation::Relu => {
                // A select, not a conditional store, so it vectorises (same result, NaN included).
                for (d, z) in delta.iter_mut().zip(z) {
                    *d = if *z <= 0.0 { 0.0 } else { *d };
                }
            }
            _ => {
                for ((d, z), a) in delta.iter_mut().zip(z).zip(a) {
                    *d *= self.df(*z, *a);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central finite difference in f64 around z, as the oracle for every derivative.
    #[test]
    fn derivatives_match_finite_differences() {
        for act in Activation::ALL {
            for &z in &[-3.0f32, -1.2, -0.3, 0.2, 0.7, 2.5] {
                let h = 1e-3f32;
                let numeric = (act.f(z + h) as f64 - act.f(z - h) as f64) / (2.0 * h as f64);
                let analytic = act.df(z, act.f(z)) as f64;
                assert!(
                    (numeric - analytic).abs() < 2e-3,
                    "{}: z={z} numeric {numeric} analytic {analytic}",
                    act.name()
                );
            }
        }
    }

    #[test]
    fn in_place_forward_gives_the_bits_of_the_training_forward() {
        // Evaluation and prediction (bias_forward_in_place) must read a net exactly as training
        // (bias_forward) computes it: the same z + b, then f, for every activation.
        let bias = [0.5f32, -1.25, 0.0];
        let z0: Vec<f32> = (0..12).map(|i| (i as f32 - 5.5) * 0.37).collect();
        for act in Activation::ALL {
            let (mut z, mut a) = (z0.clone(), vec![0.0f32; 12]);
            act.bias_forward(&mut z, &bias, &mut a);
            let mut in_place = z0.clone();
            act.bias_forward_in_place(&mut in_place, &bias);
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&in_place), bits(&a), "{}", act.name());
            assert_eq!(in_place[1], act.f(z0[1] + bias[1]));
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(Activation::Relu.f(-2.0), 0.0);
        assert_eq!(Activation::LeakyRelu.f(-2.0), -0.02);
        assert!((Activation::Sigmoid.f(0.0) - 0.5).abs() < 1e-7);
        assert!((Activation::Tanh.f(1.0) - 0.761_594_2).abs() < 1e-6);
        // GELU(1) with the tanh approximation = 0.841192 (PyTorch gelu(approximate='tanh')).
        assert!((Activation::Gelu.f(1.0) - 0.841_192).abs() < 1e-5);
    }

    #[test]
    fn bias_forward_and_backward_agree_with_scalar_definitions() {
        for act in Activation::ALL {
            let mut z = vec![0.5, -1.0, 2.0, -0.1, 0.0, 1.5];
            let bias = [0.1, 0.2, -0.3];
            let mut a = vec![0.0; 6];
            let z0 = z.clone();
            act.bias_forward(&mut z, &bias, &mut a);
            for i in 0..6 {
                assert_eq!(z[i], z0[i] + bias[i % 3]);
                assert_eq!(a[i], act.f(z[i]));
            }
            let mut d = vec![1.0; 6];
            act.backward(&z, &a, &mut d);
            for i in 0..6 {
                assert_eq!(d[i], act.df(z[i], a[i]), "{}", act.name());
            }
        }
    }
}
