//! The gradient of one class's log-probability with respect to the input pixels, for a batch.
//!
//! [`Probe`] owns a training [`Workspace`] (without dropout) and runs the training step's own
//! passes in it: [`Network::forward_train`] with the chosen class as the "label", so the error at
//! the logits is `δ = p − onehot(class)` = `∂(−log p_class)/∂z`, then
//! [`Network::backward_to_input`]. Negated, that is `∂ log p_class / ∂x`.
//!
//! The scale: `x` is the image as the network reads it before standardisation, each pixel
//! `p/255` in 0–1 (what [`Workspace::x`] holds). A gradient value `g` at a pixel means: raising
//! that pixel by `d` (on the 0–1 scale) changes `log p_class` by about `g·d`.
//!
//! Non-goals: deciding which images or classes to probe (that is [`crate::explain::attribution`]
//! and [`crate::explain::attack`]), weight gradients (that is [`crate::explain::walkthrough`]).

use crate::nn::loss;
use crate::nn::network::Network;
use crate::nn::workspace::Workspace;

/// An image of `u8` pixels (0 = background) on the 0–1 scale the probe works in: `p/255`, the
/// arithmetic of [`Workspace::load_batch`].
pub fn unit_pixels(image: &[u8]) -> Vec<f32> {
    image.iter().map(|&p| f32::from(p) / 255.0).collect()
}

/// Scratch buffers for probing up to `capacity` images at once through one network's shape.
#[derive(Debug, Clone)]
pub struct Probe {
    ws: Workspace,
    inputs: usize,
    classes: usize,
    /// `[capacity, inputs]`: `∂ log p_class/∂x` per row after [`Probe::run`].
    grads: Vec<f32>,
    /// `[capacity, classes]`: softmax per row after [`Probe::run`].
    probs: Vec<f32>,
    /// `[capacity]`: `log p_class` per row after [`Probe::run`] (f64: the loss's own precision).
    log_probs: Vec<f64>,
}

impl Probe {
    /// Buffers for `capacity` rows of `net`'s shape (any network of the same sizes can use them).
    pub fn new(net: &Network, capacity: usize) -> Probe {
        let capacity = capacity.max(1);
        let (inputs, classes) = (net.inputs(), net.outputs());
        Probe {
            ws: Workspace::new(net, capacity, 0.0),
            inputs,
            classes,
            grads: vec![0.0; capacity * inputs],
            probs: vec![0.0; capacity * classes],
            log_probs: vec![0.0; capacity],
        }
    }

    pub fn capacity(&self) -> usize {
        self.ws.capacity
    }

    /// True when these buffers fit `net` (same input and output widths, same hidden widths).
    pub fn fits(&self, net: &Network) -> bool {
        self.ws.grad_w.len() == net.layers.len()
            && self
                .ws
                .grad_w
                .iter()
                .zip(&net.layers)
                .all(|(g, l)| g.raw_dim() == l.weights.raw_dim())
    }

    /// Forward and backward pass for `classes.len()` rows: row `i` is image `images[i]` (0–1
    /// scale) probed for class `classes[i]`. Afterwards [`Probe::gradient`],
    /// [`Probe::probabilities`] and [`Probe::log_prob`] read the results.
    ///
    /// # Shapes
    /// `images`: `[n, inputs]` row-major, `classes`: `[n]`, with `n ≤ capacity`.
    ///
    /// # Panics
    /// If the shapes disagree or a class is not an output of `net` (the public entry points
    /// check these first and return an error instead).
    pub fn run(&mut self, net: &Network, images: &[f32], classes: &[u8]) {
        let n = classes.len();
        assert!(n <= self.ws.capacity, "probe: {n} rows > capacity");
        assert_eq!(images.len(), n * self.inputs, "probe: image shape");
        assert!(self.fits(net), "probe: buffers made for another shape");
        assert!(
            classes.iter().all(|&c| (c as usize) < self.classes),
            "probe: class out of range"
        );
        self.ws.x[..images.len()].copy_from_slice(images);
        self.ws.labels[..n].copy_from_slice(classes);
        // mean_over = 1: each row's δ is its own loss's gradient (rows do not interact).
        net.forward_train(&mut self.ws, n, 1);
        let last = net.layers.len() - 1;
        let k = self.classes;
        for (i, &c) in classes.iter().enumerate() {
            let row = &self.ws.zs[last][i * k..(i + 1) * k];
            let (nll, _) =
                loss::softmax_cross_entropy(row, &[c], &mut self.probs[i * k..(i + 1) * k]);
            self.log_probs[i] = -nll;
        }
        net.backward_to_input(&mut self.ws, n, &mut self.grads[..n * self.inputs]);
        // ∂ log p = −∂ loss
        for g in &mut self.grads[..n * self.inputs] {
            *g = -*g;
        }
    }

    /// `∂ log p_class/∂x` of row `i` of the last [`Probe::run`].
    ///
    /// # Shapes
    /// `[inputs]`
    pub fn gradient(&self, i: usize) -> &[f32] {
        &self.grads[i * self.inputs..(i + 1) * self.inputs]
    }

    /// All `n` rows' gradients of the last run.
    ///
    /// # Shapes
    /// `[n, inputs]`
    pub fn gradients(&self, n: usize) -> &[f32] {
        &self.grads[..n * self.inputs]
    }

    /// Softmax of row `i` of the last run.
    ///
    /// # Shapes
    /// `[classes]`
    pub fn probabilities(&self, i: usize) -> &[f32] {
        &self.probs[i * self.classes..(i + 1) * self.classes]
    }

    /// `log p_class` of row `i` of the last run.
    pub fn log_prob(&self, i: usize) -> f64 {
        self.log_probs[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;

    /// `log p_class(x)` in f64 from the plain evaluation forward pass (`layer_outputs`, which
    /// standardises its input itself): an oracle independent of the training passes.
    fn log_prob_f64(net: &Network, x: &[f32], class: usize) -> f64 {
        let standardised = ndarray::Array2::from_shape_fn((1, x.len()), |(_, j)| {
            (x[j] - crate::nn::network::PIXEL_MEAN) / crate::nn::network::PIXEL_STD
        });
        let z: Vec<f64> = net
            .logits(standardised.view())
            .iter()
            .map(|&v| v as f64)
            .collect();
        let max = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let lse = max + z.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
        z[class] - lse
    }

    #[test]
    fn gradient_matches_central_finite_differences() {
        // Smooth activations (tanh, GELU) and ReLU on a small net; non-zero biases.
        for act in [Activation::Tanh, Activation::Gelu, Activation::Relu] {
            let mut net = Network::from_sizes(&[12, 7, 5, 4], act, Init::Auto, 3);
            for (l, layer) in net.layers.iter_mut().enumerate() {
                layer
                    .biases
                    .iter_mut()
                    .enumerate()
                    .for_each(|(j, b)| *b = 0.1 * ((j + l) as f32).sin());
            }
            let x: Vec<f32> = (0..12).map(|j| ((j * 37) % 11) as f32 / 10.0).collect();
            let mut probe = Probe::new(&net, 2);
            for class in 0..4u8 {
                probe.run(&net, &x, &[class]);
                let want = log_prob_f64(&net, &x, class as usize);
                assert!((probe.log_prob(0) - want).abs() < 1e-5);
                // h = 1e-3 on the 0–1 scale: f32 logits round at ~1e-7, so the difference
                // quotient's rounding error is ~1e-4; the truncation error is O(h²) ~ 1e-6.
                // ReLU: no unit of this net sits within h·|W| of its kink at these inputs,
                // checked by the agreement itself (a kink would give an O(1) disagreement).
                let h = 1e-3f32;
                for j in 0..12 {
                    let (mut up, mut down) = (x.clone(), x.clone());
                    up[j] += h;
                    down[j] -= h;
                    let numeric = (log_prob_f64(&net, &up, class as usize)
                        - log_prob_f64(&net, &down, class as usize))
                        / (up[j] as f64 - down[j] as f64);
                    let analytic = probe.gradient(0)[j] as f64;
                    assert!(
                        (numeric - analytic).abs() < 5e-4 * (1.0 + analytic.abs()),
                        "{} class {class} pixel {j}: numeric {numeric} analytic {analytic}",
                        act.name()
                    );
                }
            }
        }
    }

    #[test]
    fn rows_of_a_batch_are_independent() {
        let net = Network::from_sizes(&[9, 6, 3], Activation::Relu, Init::Auto, 8);
        let a: Vec<f32> = (0..9).map(|j| j as f32 / 9.0).collect();
        let b: Vec<f32> = (0..9).map(|j| 1.0 - j as f32 / 9.0).collect();
        let mut probe = Probe::new(&net, 2);
        probe.run(&net, &a, &[2]);
        let alone = probe.gradient(0).to_vec();
        let both: Vec<f32> = a.iter().chain(&b).cloned().collect();
        probe.run(&net, &both, &[2, 0]);
        for (g, w) in probe.gradient(0).iter().zip(&alone) {
            assert!((g - w).abs() <= 1e-6 * (1.0 + w.abs()));
        }
        assert!((probe.probabilities(1).iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
}
