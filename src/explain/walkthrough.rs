//! One example stepped through backpropagation, for teaching: every number of one training step
//! on one image, and what one plain SGD step on it would do.
//!
//! It loads the image and its label as a batch of one into a training [`Workspace`] (without
//! dropout: the model as it answers) and runs the training step's own
//! [`Network::forward_train`] and [`Network::backward`]; the numbers shown are that workspace's
//! buffers. [`sgd_step_copy`] then applies [`Optimizer`] (plain SGD, the trainer's update code)
//! to a copy of the network. With a batch of one the mean loss is the image's loss, so these are
//! exactly the gradients the trainer uses for that image (tests/explain.rs checks it against
//! [`crate::train::trainer::Trainer`]).
//!
//! Notation as in [`crate::nn::network`]: `z_l = a_{l−1}·W_l + b_l`, `a_l = f(z_l)`, the last
//! layer's `z` are the logits, `δ_l = ∂loss/∂z_l`, `∂loss/∂W_1 = xᵀ·δ_1` for the standardised
//! input `x`.
//!
//! Non-goals: several images (a real batch), other optimizers for the step, dropout.

use crate::explain::{check, ExplainError};
use crate::nn::loss::{self, argmax};
use crate::nn::network::Network;
use crate::nn::workspace::Workspace;
use crate::train::config::LEARNING_RATE;
use crate::train::optimizer::{Optimizer, OptimizerConfig};
use serde::Serialize;

/// Learning rate of the "one SGD step" unless the caller picks another (accepted: the training
/// config's [`LEARNING_RATE`] range).
pub const STEP_LEARNING_RATE: f32 = 0.1;

/// One layer of the example.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerTrace {
    /// `z_l`: for the last layer, the logits.
    ///
    /// # Shapes
    /// `[width_l]`
    pub pre_activations: Vec<f32>,
    /// `a_l = f(z_l)`; for the last layer, the softmax.
    ///
    /// # Shapes
    /// `[width_l]`
    pub activations: Vec<f32>,
    /// `δ_l = ∂loss/∂z_l` (also the bias gradient `∂loss/∂b_l`, for a batch of one).
    ///
    /// # Shapes
    /// `[width_l]`
    pub delta: Vec<f32>,
}

/// Forward, backward and one SGD step for one image and its label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Walkthrough {
    pub label: usize,
    /// Hidden layers, then the output layer.
    pub layers: Vec<LayerTrace>,
    /// Softmax of the logits (the last layer's `activations`).
    pub probabilities: Vec<f32>,
    pub predicted: usize,
    /// Cross-entropy `−log p_label`.
    pub loss: f64,
    /// `∂loss/∂W_1`, unit by unit: row `u` is the 28×28 map of the weights into first-layer unit
    /// `u` (the transpose of the weight matrix's `[inputs, units]` layout).
    ///
    /// # Shapes
    /// `[units_1 · inputs]`, row-major `[units_1, inputs]`
    pub first_layer_weight_gradient: Vec<f32>,
    /// The SGD step: `W ← W − rate·∂loss/∂W`, `b ← b − rate·∂loss/∂b` on a copy of the network.
    pub learning_rate: f32,
    pub probabilities_after_step: Vec<f32>,
    pub loss_after_step: f64,
}

/// The training step's forward and backward pass of `net` for one image and label, left in a
/// new workspace; returns it and the loss.
fn one_example(net: &Network, image: &[u8], label: u8) -> (Workspace, f64) {
    let mut ws = Workspace::new(net, 1, 0.0);
    ws.load_batch(std::iter::once((image, label)));
    let (loss, _) = net.forward_train(&mut ws, 1, 1);
    net.backward(&mut ws, 1, 0.0);
    (ws, loss)
}

/// The softmax of the workspace's logits (row 0).
fn softmax(net: &Network, ws: &Workspace, label: u8) -> Vec<f32> {
    let mut p = vec![0.0; net.outputs()];
    loss::softmax_cross_entropy(&ws.zs[net.layers.len() - 1][..p.len()], &[label], &mut p);
    p
}

/// Every number of one training step on `image` (`u8` pixels) with `label`, and the ten
/// probabilities after one SGD step at `learning_rate` on a copy.
pub fn walkthrough(
    net: &Network,
    image: &[u8],
    label: usize,
    learning_rate: f32,
) -> Result<Walkthrough, ExplainError> {
    check(net, image, label)?;
    LEARNING_RATE
        .check("learning_rate", learning_rate)
        .map_err(ExplainError::OutOfRange)?;
    let y = label as u8;
    let (ws, loss) = one_example(net, image, y);
    let probabilities = softmax(net, &ws, y);
    let depth = net.layers.len();
    let layers = net
        .layers
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            let w = layer.outputs();
            LayerTrace {
                pre_activations: ws.zs[l][..w].to_vec(),
                activations: if l + 1 < depth {
                    ws.acts[l][..w].to_vec()
                } else {
                    probabilities.clone()
                },
                delta: ws.deltas[l][..w].to_vec(),
            }
        })
        .collect();
    let first_layer_weight_gradient = ws.grad_w[0].t().iter().cloned().collect();
    let stepped = apply_sgd(net, &ws, learning_rate);
    let (after, loss_after_step) = one_example(&stepped, image, y);
    Ok(Walkthrough {
        label,
        layers,
        predicted: argmax(&probabilities).0,
        probabilities,
        loss,
        first_layer_weight_gradient,
        learning_rate,
        probabilities_after_step: softmax(&stepped, &after, y),
        loss_after_step,
    })
}

/// A copy of `net` after one plain SGD step at `learning_rate` on one image and label, with the
/// trainer's optimizer code.
pub fn sgd_step_copy(net: &Network, image: &[u8], label: u8, learning_rate: f32) -> Network {
    let (ws, _) = one_example(net, image, label);
    apply_sgd(net, &ws, learning_rate)
}

fn apply_sgd(net: &Network, ws: &Workspace, learning_rate: f32) -> Network {
    let mut copy = net.clone();
    let lens: Vec<usize> = net
        .layers
        .iter()
        .flat_map(|l| [l.weights.len(), l.biases.len()])
        .collect();
    let mut sgd = Optimizer::new(&OptimizerConfig::Sgd, &lens, &vec![false; lens.len()]);
    sgd.begin_step();
    for (l, layer) in copy.layers.iter_mut().enumerate() {
        let (w, b) = (&ws.grad_w[l], &ws.grad_b[l]);
        let (w, b) = (w.as_slice().unwrap(), b.as_slice().unwrap());
        sgd.update(
            2 * l,
            layer.weights.as_slice_mut().unwrap(),
            w,
            learning_rate,
        );
        sgd.update(
            2 * l + 1,
            layer.biases.as_slice_mut().unwrap(),
            b,
            learning_rate,
        );
    }
    copy
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;
    use crate::nn::network::input;

    /// `−log p_label` in f64 from the evaluation forward pass (an oracle independent of the
    /// training passes).
    fn loss_f64(net: &Network, image: &[u8], label: usize) -> f64 {
        let x = ndarray::Array2::from_shape_fn((1, image.len()), |(_, j)| input(image[j]));
        let z: Vec<f64> = net.logits(x.view()).iter().map(|&v| v as f64).collect();
        let max = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        max + z.iter().map(|v| (v - max).exp()).sum::<f64>().ln() - z[label]
    }

    fn small() -> (Network, Vec<u8>) {
        let net = Network::from_sizes(&[16, 6, 5, 4], Activation::Tanh, Init::Auto, 12);
        let image = (0..16).map(|j| ((j * 53) % 256) as u8).collect();
        (net, image)
    }

    #[test]
    fn forward_numbers_agree_with_the_evaluation_pass_and_step_lowers_the_loss() {
        let (net, image) = small();
        let w = walkthrough(&net, &image, 2, 0.5).unwrap();
        assert_eq!(w.layers.len(), 3);
        let (p, hidden) = net.predict_with_hidden(&image);
        for (h, trace) in hidden.iter().zip(&w.layers) {
            for (a, b) in h.iter().zip(&trace.activations) {
                assert!((a - b).abs() < 1e-5);
            }
        }
        for (a, b) in p.iter().zip(&w.probabilities) {
            assert!((a - b).abs() < 1e-6);
        }
        assert!((w.loss - loss_f64(&net, &image, 2)).abs() < 1e-5);
        // δ at the logits is p − onehot(label).
        for (k, d) in w.layers[2].delta.iter().enumerate() {
            let want = w.probabilities[k] - if k == 2 { 1.0 } else { 0.0 };
            assert!((d - want).abs() < 1e-6);
        }
        assert_eq!(w.first_layer_weight_gradient.len(), 6 * 16);
        // A small step against the gradient lowers this example's loss.
        assert!(w.loss_after_step < w.loss);
        assert!(w.probabilities_after_step[2] > w.probabilities[2]);
    }

    #[test]
    fn first_layer_weight_gradient_matches_finite_differences() {
        let (net, image) = small();
        let w = walkthrough(&net, &image, 1, 0.1).unwrap();
        let h = 1e-3f32;
        for (i, u) in [(0, 0), (3, 2), (7, 5), (15, 1), (9, 4)] {
            let mut up = net.clone();
            up.layers[0].weights[[i, u]] += h;
            let mut down = net.clone();
            down.layers[0].weights[[i, u]] -= h;
            let dw = f64::from(up.layers[0].weights[[i, u]] - down.layers[0].weights[[i, u]]);
            let numeric = (loss_f64(&up, &image, 1) - loss_f64(&down, &image, 1)) / dw;
            let analytic = f64::from(w.first_layer_weight_gradient[u * 16 + i]);
            assert!(
                (numeric - analytic).abs() < 1e-3 * (1.0 + analytic.abs()),
                "w[{i},{u}]: numeric {numeric} analytic {analytic}"
            );
        }
    }

    #[test]
    fn bad_arguments_are_refused() {
        let (net, image) = small();
        assert!(matches!(
            walkthrough(&net, &image, 4, 0.1),
            Err(ExplainError::ClassOutOfRange { .. })
        ));
        assert!(matches!(
            walkthrough(&net, &image, 0, 0.0),
            Err(ExplainError::OutOfRange(_))
        ));
    }
}
