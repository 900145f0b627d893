//! # The multilayer perceptron
//!
//! Dense layers with one activation for every hidden layer and softmax at the output; the
//! network's input encoding ([`input`]); the readable forward pass that evaluation and prediction
//! use ([`Network::layer_outputs`]).
//!
//! Notation (Nielsen's): for layer l, `z_l = a_{l−1} · W_l + b_l` and `a_l = f(z_l)`; the last
//! layer's `z` are the logits fed to the fused softmax–cross-entropy of [`crate::nn::loss`]. Data
//! are batch-major (`[batch, features]`). The training step's passes live in
//! [`crate::nn::workspace`], its initial weights in [`crate::nn::init`].
//!
//! Non-goals: convolutions, batch normalisation, layers other than dense.

use crate::nn::activation::Activation;
use crate::nn::gemm::gemm;
use crate::nn::init::{self, Init};
use crate::nn::loss;
use crate::rng::{self, Stream};
use ndarray::{Array1, Array2, ArrayView2};

/// MNIST training-set mean and standard deviation of the pixels scaled to 0–1 (the constants of
/// PyTorch's MNIST example; the mean is checked against `data/` by `tests/mnist_data.rs`).
pub const PIXEL_MEAN: f32 = 0.1307;
pub const PIXEL_STD: f32 = 0.3081;

/// The network's input for a pixel value 0–255: `(p/255 − mean)/std`. Standardised inputs are
/// centred on zero, which makes gradient descent converge faster than plain 0–1 scaling (the
/// measurement is in docs/decisions.md). Training, evaluation and drawings all go through
/// this one function.
#[inline]
pub fn input(pixel: u8) -> f32 {
    INPUT_TABLE[pixel as usize]
}

/// [`input`] for every byte, computed once at compile time.
const INPUT_TABLE: [f32; 256] = {
    let mut t = [0.0f32; 256];
    let mut p = 0;
    while p < 256 {
        t[p] = (p as f32 / 255.0 - PIXEL_MEAN) / PIXEL_STD;
        p += 1;
    }
    t
};

/// One fully connected layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense {
    /// `[inputs, outputs]`
    pub weights: Array2<f32>,
    /// `[outputs]`
    pub biases: Array1<f32>,
}

impl Dense {
    pub fn inputs(&self) -> usize {
        self.weights.nrows()
    }
    pub fn outputs(&self) -> usize {
        self.weights.ncols()
    }
}

/// The network: dense layers with one activation for every hidden layer, softmax at the output.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub layers: Vec<Dense>,
    pub activation: Activation,
}

impl Network {
    /// Layers of the given sizes (`[inputs, hidden…, outputs]`), weights drawn from the
    /// [`Stream::Init`] generator of `seed`, biases zero. `Init::Auto` uses He uniform for
    /// ReLU-like activations and Glorot uniform for sigmoid/tanh on hidden layers, and Glorot
    /// uniform on the softmax layer.
    pub fn from_sizes(sizes: &[usize], activation: Activation, init: Init, seed: u64) -> Network {
        let mut rng = rng::seeded(seed, Stream::Init);
        let last = sizes.len() - 2;
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(l, w)| {
                let (fan_in, fan_out) = (w[0], w[1]);
                let scheme = init::layer_scheme(init, activation, l, last);
                let weights = Array2::from_shape_simple_fn((fan_in, fan_out), || {
                    init::draw_weight(&mut rng, scheme, fan_in, fan_out)
                });
                Dense {
                    weights,
                    biases: Array1::zeros(fan_out),
                }
            })
            .collect();
        Network { layers, activation }
    }

    /// `[inputs, hidden…, outputs]`
    pub fn sizes(&self) -> Vec<usize> {
        let mut s = vec![self.layers[0].inputs()];
        s.extend(self.layers.iter().map(Dense::outputs));
        s
    }

    pub fn inputs(&self) -> usize {
        self.layers[0].inputs()
    }

    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(0, Dense::outputs)
    }

    /// Every layer's output for a batch, without dropout: the hidden activations, then the logits.
    ///
    /// # Shapes
    /// `x`: `[n, inputs]` (already converted by [`input`]) → `[n, width_l]` for each layer l
    pub fn layer_outputs(&self, x: ArrayView2<f32>) -> Vec<Array2<f32>> {
        let mut outputs: Vec<Array2<f32>> = Vec::with_capacity(self.layers.len());
        for (l, layer) in self.layers.iter().enumerate() {
            let mut z = Array2::zeros((x.nrows(), layer.outputs()));
            match outputs.last() {
                None => gemm(1.0, &x, &layer.weights, 0.0, &mut z),
                Some(a) => gemm(1.0, a, &layer.weights, 0.0, &mut z),
            } // [n, out]
            let z_flat = z.as_slice_mut().expect("a new array is contiguous");
            let biases = layer.biases.as_slice().expect("biases are contiguous");
            if l + 1 < self.layers.len() {
                self.activation.bias_forward_in_place(z_flat, biases);
            } else {
                for row in z_flat.chunks_exact_mut(biases.len()) {
                    row.iter_mut().zip(biases).for_each(|(v, b)| *v += b);
                }
            }
            outputs.push(z);
        }
        outputs
    }

    /// Logits for a batch, without dropout (evaluation and prediction).
    ///
    /// # Shapes
    /// `x`: `[n, inputs]` → `[n, outputs]`
    pub fn logits(&self, x: ArrayView2<f32>) -> Array2<f32> {
        self.layer_outputs(x)
            .pop()
            .expect("a network has at least one layer")
    }

    /// Class probabilities and every hidden layer's activations for one image of `u8` pixels
    /// (converted by [`input`] like training), from one forward pass.
    pub fn predict_with_hidden(&self, pixels: &[u8]) -> (Vec<f32>, Vec<Vec<f32>>) {
        let x = Array2::from_shape_fn((1, pixels.len()), |(_, j)| input(pixels[j]));
        let mut outputs = self.layer_outputs(x.view());
        let logits = outputs.pop().expect("a network has at least one layer");
        let mut probs = vec![0.0; logits.len()];
        let (_, max) = loss::argmax(logits.as_slice().unwrap());
        let mut sum = 0.0;
        for (p, z) in probs.iter_mut().zip(logits.iter()) {
            *p = (z - max).exp();
            sum += *p;
        }
        probs.iter_mut().for_each(|p| *p /= sum);
        (
            probs,
            outputs
                .into_iter()
                .map(|a| a.into_raw_vec_and_offset().0)
                .collect(),
        )
    }

    /// Class probabilities for one image of `u8` pixels (converted by [`input`] like training).
    pub fn predict(&self, pixels: &[u8]) -> Vec<f32> {
        self.predict_with_hidden(pixels).0
    }

    /// Hidden activations of every hidden layer for one image (for visualising a drawing).
    pub fn hidden_activations(&self, pixels: &[u8]) -> Vec<Vec<f32>> {
        self.predict_with_hidden(pixels).1
    }

    /// Every parameter as (weights, biases) slices in layer order, for the optimizer.
    pub fn parameter_count(&self) -> usize {
        self.layers
            .iter()
            .map(|l| l.weights.len() + l.biases.len())
            .sum()
    }

    /// True when every weight and bias is finite.
    pub fn is_finite(&self) -> bool {
        self.layers.iter().all(|l| {
            l.weights
                .iter()
                .chain(l.biases.iter())
                .all(|v| v.is_finite())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_regression_has_one_layer() {
        let net = Network::from_sizes(&[784, 10], Activation::Relu, Init::Auto, 1);
        assert_eq!(net.layers.len(), 1);
        let p = net.predict(&[0u8; 784]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }

    #[test]
    fn init_scales_follow_the_scheme() {
        // He uniform on 784 inputs: limit √(6/784) = 0.0875; variance limit²/3 = 2/784.
        for (init, want_var) in [
            (Init::HeUniform, 2.0 / 784.0),
            (Init::HeNormal, 2.0 / 784.0),
            (Init::GlorotUniform, 2.0 / (784.0 + 256.0)),
            (Init::GlorotNormal, 2.0 / (784.0 + 256.0)),
        ] {
            let net = Network::from_sizes(&[784, 256, 10], Activation::Relu, init, 3);
            let w = &net.layers[0].weights;
            let var = w.iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / w.len() as f64;
            assert!(
                (var / want_var - 1.0).abs() < 0.02,
                "{init:?}: variance {var} want {want_var}"
            );
        }
    }
}
