//! # The training step's passes, allocation-free
//!
//! [`Workspace`] holds every buffer one training step needs, allocated once for the largest batch;
//! [`Network::forward_train`] and [`Network::backward`] run the step's forward and backward passes
//! in it, so a step allocates nothing (in wasm; natively matrixmultiply allocates one packing
//! buffer per matrix product — both checked by tests/no_alloc.rs).
//!
//! Per layer l, with `z_l = a_{l−1} · W_l + b_l` and `a_l = f(z_l)` (see [`crate::nn::network`]),
//! a step is three matrix products, all by [`gemm`] on transposed *views* (no copies):
//!
//! - forward `z_l = a_{l−1} · W_l`,
//! - weight gradient `∂W_l = a_{l−1}ᵀ · δ_l`,
//! - the previous layer's error `δ_{l−1} = (δ_l · W_lᵀ) ⊙ f′(z_{l−1})`.
//!
//! The batch is kept as `p/255` (background stays exactly 0, which the first product skips) and
//! the input standardisation is folded into the first layer. Inverted dropout multiplies hidden
//! activations by a mask of 0 or 1/(1−p), during training only.
//!
//! [`Network::backward_to_input`] runs the same error propagation one product further, to the
//! input pixels (for explaining a prediction, [`crate::explain`]).
//!
//! Non-goals: evaluation and prediction (they use the plain [`Network::layer_outputs`]), the
//! optimizer update (`train::optimizer`), choosing the batch (`train::trainer`).

use crate::nn::gemm::gemm;
use crate::nn::loss;
use crate::nn::network::{Network, PIXEL_MEAN, PIXEL_STD};
use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2};
use rand::Rng;

impl Network {
    /// Forward pass of a training batch of `n` rows already in `ws.x`/`ws.labels`, using the
    /// dropout masks in `ws` (see [`Workspace::draw_masks`]) when `ws.dropout > 0`. Leaves
    /// `δ_L = (p − y)/mean_over` in `ws.deltas[L−1]` and returns (summed loss, correct
    /// predictions). `mean_over` is `n`, or the whole batch when these rows are one shard of it
    /// (see [`crate::train::exchange`]).
    pub fn forward_train(&self, ws: &mut Workspace, n: usize, mean_over: usize) -> (f64, usize) {
        let depth = self.layers.len();
        for (l, layer) in self.layers.iter().enumerate() {
            let out = layer.outputs();
            let (before, from_here) = ws.acts.split_at_mut(l);
            let input = if l == 0 {
                view(&ws.x, n, layer.inputs())
            } else if ws.dropout > 0.0 {
                view(&ws.dropped[l - 1], n, layer.inputs())
            } else {
                view(&before[l - 1], n, layer.inputs())
            };
            let z = &mut ws.zs[l][..n * out];
            let biases = if l == 0 {
                // ws.x holds p/255 (mostly zero, which the product skips); the standardised
                // input is x/σ − μ/σ, so z = (x·W)/σ + (b − (μ/σ)·Σ_rows W).
                gemm(
                    1.0 / PIXEL_STD,
                    &input,
                    &layer.weights,
                    0.0,
                    &mut view_mut(z, n, out),
                );
                let shift = &mut ws.first_bias[..];
                shift.copy_from_slice(layer.biases.as_slice().unwrap());
                // Over the contiguous rows as slices: the loop vectorises (ndarray's row
                // iterators did not), and it reads every weight each step.
                for row in layer.weights.as_slice().unwrap().chunks_exact(out) {
                    for (s, w) in shift.iter_mut().zip(row) {
                        *s -= PIXEL_MEAN / PIXEL_STD * w;
                    }
                }
                &ws.first_bias[..]
            } else {
                gemm(1.0, &input, &layer.weights, 0.0, &mut view_mut(z, n, out)); // [n, out]
                layer.biases.as_slice().unwrap()
            };
            if l + 1 < depth {
                let a = &mut from_here[0][..n * out];
                self.activation.bias_forward(z, biases, a);
                if ws.dropout > 0.0 {
                    for ((d, a), m) in ws.dropped[l][..n * out]
                        .iter_mut()
                        .zip(a.iter())
                        .zip(&ws.masks[l])
                    {
                        *d = a * m;
                    }
                }
            } else {
                for row in z.chunks_exact_mut(out) {
                    for (v, b) in row.iter_mut().zip(biases) {
                        *v += b;
                    }
                }
            }
        }
        let out = self.outputs();
        let (loss_sum, correct) = loss::softmax_cross_entropy(
            &ws.zs[depth - 1][..n * out],
            &ws.labels[..n],
            &mut ws.deltas[depth - 1][..n * out],
        );
        loss::softmax_cross_entropy_backward(
            &mut ws.deltas[depth - 1][..n * out],
            &ws.labels[..n],
            mean_over,
        );
        (loss_sum, correct)
    }

    /// Backward pass after [`Network::forward_train`]: fills `ws.grad_w` / `ws.grad_b` with the
    /// gradient of the mean loss, plus `weight_decay · W` on the weights (coupled L2).
    pub fn backward(&self, ws: &mut Workspace, n: usize, weight_decay: f32) {
        for l in (0..self.layers.len()).rev() {
            let layer = &self.layers[l];
            let (inp, out) = (layer.inputs(), layer.outputs());
            let delta = view(&ws.deltas[l], n, out); // [n, out]
            let input = if l == 0 {
                view(&ws.x, n, inp)
            } else if ws.dropout > 0.0 {
                view(&ws.dropped[l - 1], n, inp)
            } else {
                view(&ws.acts[l - 1], n, inp)
            }; // [n, in]
               // ∂b = Σ_rows δ  [out]
            let gb = ws.grad_b[l].as_slice_mut().unwrap();
            gb.fill(0.0);
            for row in ws.deltas[l][..n * out].chunks_exact(out) {
                for (g, d) in gb.iter_mut().zip(row) {
                    *g += d;
                }
            }
            // ∂W = aᵀ · δ  [in, out]; with L2, start from λ·W (beta = 1 keeps it).
            let gw = &mut ws.grad_w[l];
            let beta = if weight_decay > 0.0 {
                gw.zip_mut_with(&layer.weights, |g, w| *g = weight_decay * w);
                1.0
            } else {
                0.0
            };
            if l == 0 {
                // Standardised input x/σ − μ/σ (see forward_train): ∂W = (xᵀ·δ)/σ − (μ/σ)·1·∂bᵀ.
                gemm(1.0 / PIXEL_STD, &input.t(), &delta, beta, gw);
                for row in gw.as_slice_mut().unwrap().chunks_exact_mut(out) {
                    for (g, b) in row.iter_mut().zip(gb.iter()) {
                        *g -= PIXEL_MEAN / PIXEL_STD * b;
                    }
                }
            } else {
                gemm(1.0, &input.t(), &delta, beta, gw);
            }
            if l > 0 {
                self.propagate_delta(ws, l, n);
            }
        }
    }

    /// `δ_{l−1} = (δ_l · W_lᵀ) ⊙ mask ⊙ f′(z_{l−1})` for layer `l > 0`, into `ws.deltas[l − 1]`:
    /// the step of [`Network::backward`] that carries the error one layer towards the input.
    ///
    /// # Shapes
    /// `ws.deltas[l]`: `[n, outputs_l]` → `ws.deltas[l − 1]`: `[n, inputs_l]`
    fn propagate_delta(&self, ws: &mut Workspace, l: usize, n: usize) {
        let layer = &self.layers[l];
        let (inp, out) = (layer.inputs(), layer.outputs());
        let (deltas_before, deltas_here) = ws.deltas.split_at_mut(l);
        let delta = view(&deltas_here[0], n, out); // [n, out]
        let prev = &mut deltas_before[l - 1][..n * inp]; // [n, in]
        gemm(
            1.0,
            &delta,
            &layer.weights.t(),
            0.0,
            &mut view_mut(prev, n, inp),
        );
        if ws.dropout > 0.0 {
            for (d, m) in prev.iter_mut().zip(&ws.masks[l - 1]) {
                *d *= m;
            }
        }
        self.activation
            .backward(&ws.zs[l - 1][..n * inp], &ws.acts[l - 1][..n * inp], prev);
    }

    /// Backward pass to the input after [`Network::forward_train`]: `∂loss/∂x` for each row, `x`
    /// being the batch as [`Workspace::x`] holds it (pixels scaled 0–1, before the
    /// standardisation folded into the first layer). The same layer-by-layer error propagation
    /// as [`Network::backward`], without the weight gradients; one more product carries `δ_1`
    /// through the first layer: the network reads `x/σ − μ/σ`, so `∂loss/∂x = (δ_1 · W_1ᵀ)/σ`.
    ///
    /// # Shapes
    /// `grad_x`: `[n, inputs]`, row-major.
    pub fn backward_to_input(&self, ws: &mut Workspace, n: usize, grad_x: &mut [f32]) {
        for l in (1..self.layers.len()).rev() {
            self.propagate_delta(ws, l, n);
        }
        let first = &self.layers[0];
        let (inp, out) = (first.inputs(), first.outputs());
        gemm(
            1.0 / PIXEL_STD,
            &view(&ws.deltas[0], n, out),
            &first.weights.t(),
            0.0,
            &mut view_mut(grad_x, n, inp),
        );
    }
}

fn view(buf: &[f32], rows: usize, cols: usize) -> ArrayView2<'_, f32> {
    ArrayView2::from_shape((rows, cols), &buf[..rows * cols])
        .expect("workspace buffer sized for the batch")
}

fn view_mut(buf: &mut [f32], rows: usize, cols: usize) -> ArrayViewMut2<'_, f32> {
    ArrayViewMut2::from_shape((rows, cols), &mut buf[..rows * cols])
        .expect("workspace buffer sized for the batch")
}

/// Every buffer a training step needs, allocated once for a maximum batch size.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub capacity: usize,
    pub dropout: f32,
    /// `[capacity, inputs]` the batch as `p/255`: background pixels stay exactly 0, so the first
    /// layer's matrix products skip them; the standardisation of [`input`](crate::nn::network::input) is folded into the
    /// first layer (see [`Network::forward_train`]).
    pub x: Vec<f32>,
    /// `[outputs of layer 0]`: the first layer's bias with the standardisation's shift folded in.
    pub first_bias: Vec<f32>,
    pub labels: Vec<u8>,
    /// Per layer `[capacity, outputs]`: pre-activations (logits for the last layer).
    pub zs: Vec<Vec<f32>>,
    /// Per hidden layer `[capacity, outputs]`: f(z) before dropout.
    pub acts: Vec<Vec<f32>>,
    /// Per hidden layer: dropout masks (0 or 1/(1−p)) and the activations after dropout.
    pub masks: Vec<Vec<f32>>,
    pub dropped: Vec<Vec<f32>>,
    /// Per layer `[capacity, outputs]`: δ = ∂loss/∂z.
    pub deltas: Vec<Vec<f32>>,
    pub grad_w: Vec<Array2<f32>>,
    pub grad_b: Vec<Array1<f32>>,
}

impl Workspace {
    pub fn new(net: &Network, capacity: usize, dropout: f32) -> Workspace {
        let sizes = net.sizes();
        let outs = &sizes[1..];
        let hidden = &sizes[1..sizes.len() - 1];
        let buf = |ws: &[usize]| {
            ws.iter()
                .map(|&w| vec![0.0; capacity * w])
                .collect::<Vec<_>>()
        };
        let with_dropout = |ws: &[usize]| if dropout > 0.0 { buf(ws) } else { Vec::new() };
        Workspace {
            capacity,
            dropout,
            x: vec![0.0; capacity * sizes[0]],
            first_bias: vec![0.0; sizes[1]],
            labels: vec![0; capacity],
            zs: buf(outs),
            acts: buf(hidden),
            masks: with_dropout(hidden),
            dropped: with_dropout(hidden),
            deltas: buf(outs),
            grad_w: net
                .layers
                .iter()
                .map(|l| Array2::zeros(l.weights.raw_dim()))
                .collect(),
            grad_b: net
                .layers
                .iter()
                .map(|l| Array1::zeros(l.biases.len()))
                .collect(),
        }
    }

    /// Copy up to `capacity` images (`u8`, as `p/255`; see [`Workspace::x`]) and labels into the
    /// batch buffers.
    pub fn load_batch<'a>(&mut self, images: impl Iterator<Item = (&'a [u8], u8)>) -> usize {
        let mut n = 0;
        let width = self.x.len() / self.capacity;
        for (i, (pixels, label)) in images.enumerate().take(self.capacity) {
            // p/255, computed per pixel: this vectorises (a 256-entry table lookup did not).
            for (x, &p) in self.x[i * width..(i + 1) * width].iter_mut().zip(pixels) {
                *x = f32::from(p) / 255.0;
            }
            self.labels[i] = label;
            n = i + 1;
        }
        n
    }

    /// Draw fresh inverted-dropout masks for `n` rows: each unit kept with probability 1−p and
    /// scaled by 1/(1−p), so the expected activation is unchanged and evaluation needs no scaling.
    pub fn draw_masks<R: Rng + ?Sized>(&mut self, rng: &mut R, n: usize) {
        let p = self.dropout;
        if p <= 0.0 {
            return;
        }
        let scale = 1.0 / (1.0 - p);
        for mask in &mut self.masks {
            let width = mask.len() / self.capacity;
            for m in &mut mask[..n * width] {
                *m = if rng.random::<f32>() < p { 0.0 } else { scale };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;
    use crate::nn::network::input;
    use crate::rng::{seeded, Stream};

    /// Mean loss of the batch in `ws` for `net` (masks as they are).
    fn mean_loss(net: &Network, ws: &mut Workspace, n: usize) -> f64 {
        net.forward_train(ws, n, n).0 / n as f64
    }

    /// Central finite differences on every weight and bias of a small network, as the oracle for
    /// the whole backward pass (dense layers, each activation, dropout with a fixed mask, softmax-CE).
    fn gradient_check(activation: Activation, dropout: f32, weight_decay: f32) {
        let sizes = [5, 4, 3, 3];
        let mut net = Network::from_sizes(&sizes, activation, Init::Auto, 11);
        // Non-zero biases, so their gradients are exercised away from zero.
        let mut r = seeded(5, Stream::Training);
        for layer in &mut net.layers {
            layer.biases.mapv_inplace(|_| r.random::<f32>() - 0.5);
        }
        let n = 4;
        let mut ws = Workspace::new(&net, n, dropout);
        let images: Vec<Vec<u8>> = (0..n)
            .map(|i| (0..5).map(|j| ((i * 37 + j * 91) % 256) as u8).collect())
            .collect();
        ws.load_batch(images.iter().map(|v| v.as_slice()).zip([0u8, 2, 1, 2]));
        ws.draw_masks(&mut seeded(9, Stream::Training), n);

        net.forward_train(&mut ws, n, n);
        net.backward(&mut ws, n, weight_decay);
        let (gw, gb) = (ws.grad_w.clone(), ws.grad_b.clone());

        let total = |net: &Network, ws: &mut Workspace| {
            let l2: f64 = net
                .layers
                .iter()
                .map(|l| l.weights.iter().map(|w| (*w as f64).powi(2)).sum::<f64>())
                .sum();
            mean_loss(net, ws, n) + 0.5 * weight_decay as f64 * l2
        };
        // Small enough that no ReLU unit crosses its kink, large enough for f32 rounding (~1e-7/h).
        let h = 1e-3f32;
        let mut worst: f64 = 0.0;
        for l in 0..net.layers.len() {
            for idx in 0..net.layers[l].weights.len() {
                let (r, c) = (idx / sizes[l + 1], idx % sizes[l + 1]);
                let w0 = net.layers[l].weights[[r, c]];
                net.layers[l].weights[[r, c]] = w0 + h;
                let up = total(&net, &mut ws);
                net.layers[l].weights[[r, c]] = w0 - h;
                let down = total(&net, &mut ws);
                net.layers[l].weights[[r, c]] = w0;
                let numeric = (up - down) / (2.0 * h as f64);
                let err = (numeric - gw[l][[r, c]] as f64).abs();
                worst = worst.max(err);
                assert!(
                    err < 2e-3,
                    "{} layer {l} w[{r},{c}]: numeric {numeric} analytic {}",
                    activation.name(),
                    gw[l][[r, c]]
                );
            }
            for (j, &gb_j) in gb[l].iter().enumerate() {
                let b0 = net.layers[l].biases[j];
                net.layers[l].biases[j] = b0 + h;
                let up = total(&net, &mut ws);
                net.layers[l].biases[j] = b0 - h;
                let down = total(&net, &mut ws);
                net.layers[l].biases[j] = b0;
                let numeric = (up - down) / (2.0 * h as f64);
                assert!(
                    (numeric - gb_j as f64).abs() < 2e-3,
                    "{} layer {l} b[{j}]",
                    activation.name()
                );
            }
        }
        assert!(worst < 2e-3);
    }

    #[test]
    fn gradients_match_finite_differences_for_every_activation() {
        for act in Activation::ALL {
            gradient_check(act, 0.0, 0.0);
        }
    }

    #[test]
    fn gradients_with_a_fixed_dropout_mask() {
        gradient_check(Activation::Tanh, 0.5, 0.0);
        gradient_check(Activation::Relu, 0.3, 0.0);
    }

    #[test]
    fn gradients_with_l2_weight_decay() {
        gradient_check(Activation::Sigmoid, 0.0, 0.1);
    }

    #[test]
    fn training_forward_matches_logits_of_standardised_inputs() {
        // The training batch holds p/255 with the standardisation folded into the first layer;
        // the oracle is `logits`, which standardises each pixel with `input` first.
        for sizes in [&[784, 30, 10][..], &[784, 10][..]] {
            let net = Network::from_sizes(sizes, Activation::Relu, Init::HeUniform, 5);
            let mut rng = seeded(9, Stream::Training);
            let images: Vec<Vec<u8>> = (0..7)
                .map(|_| {
                    (0..784)
                        .map(|p| if p % 5 == 0 { rng.random::<u8>() } else { 0 })
                        .collect()
                })
                .collect();
            let mut ws = Workspace::new(&net, 8, 0.0);
            let n = ws.load_batch(images.iter().map(|v| v.as_slice()).zip([1u8; 7]));
            net.forward_train(&mut ws, n, n);
            let x = Array2::from_shape_fn((n, 784), |(i, j)| input(images[i][j]));
            let want = net.logits(x.view());
            let got = &ws.zs[sizes.len() - 2][..n * 10];
            for (g, w) in got.iter().zip(want.iter()) {
                assert!((g - w).abs() <= 1e-4 * (1.0 + w.abs()), "{g} vs {w}");
            }
        }
    }

    #[test]
    fn dropout_masks_keep_the_expected_share() {
        let net = Network::from_sizes(&[4, 1000, 2], Activation::Relu, Init::Auto, 1);
        let mut ws = Workspace::new(&net, 10, 0.25);
        ws.draw_masks(&mut seeded(1, Stream::Training), 10);
        let kept = ws.masks[0].iter().filter(|&&m| m > 0.0).count() as f64 / 10_000.0;
        assert!((kept - 0.75).abs() < 0.02, "{kept}");
        assert!(ws.masks[0]
            .iter()
            .all(|&m| m == 0.0 || (m - 1.0 / 0.75).abs() < 1e-6));
    }
}
