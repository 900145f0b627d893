//! Why this digit: an attribution map over the 784 input pixels for one chosen class.
//!
//! Two methods, both on the 0–1 pixel scale the network reads before standardisation (see
//! [`crate::explain::probe`]), for `f(x) = log p_class(x)`:
//!
//! - [`Method::Gradient`]: `∂f/∂x`, one forward and one backward pass. A pixel's value says how
//!   fast `f` changes as that pixel brightens; it can be large on blank pixels.
//! - [`Method::IntegratedGradients`] (Sundararajan, Taly & Yan 2017): from the blank image
//!   `x' = 0`, `IG_i = x_i · ∫₀¹ ∂f/∂x_i(α·x) dα`. Blank pixels get exactly 0, and the map adds
//!   up to `f(x) − f(0)` (completeness) up to the quadrature's error.
//!
//! The quadrature: the trapezoid rule over a grid of α in [0, 1], every grid point probed in
//! batches. It starts with [`IG_STEPS`] equal intervals. For a trained network `f(α·x)` often
//! changes almost entirely in the first few percent of the path, where equal intervals are too
//! coarse even at 400 of them (measurements in docs/explain.md). Each probe also gives
//! `f` at its grid point, so each interval's error is known: its trapezoid value of
//! `∫ ∇f(α·x)·x dα` minus the change of `f` across it. While the sum of these errors (exactly
//! `Σ map − (f(x) − f(0))`) exceeds [`COMPLETENESS_TOLERANCE`] · |f(x) − f(0)|, the 50
//! intervals with the largest errors are halved, up to [`IG_MAX_STEPS`] intervals. The result
//! reports the intervals used and the completeness error reached.
//!
//! Non-goals: choosing the class (the caller's), drawing the map (the page's), other baselines
//! (blurred or noisy images), SmoothGrad.

use crate::explain::probe::{unit_pixels, Probe};
use crate::explain::{check, ExplainError};
use crate::nn::network::Network;
use serde::Serialize;

/// Trapezoid intervals integrated gradients starts with.
pub const IG_STEPS: usize = 50;
/// Most intervals integrated gradients refines to.
pub const IG_MAX_STEPS: usize = 400;
/// Intervals bisected per refinement round (one batch through the probe).
const REFINE_BATCH: usize = 50;
/// Completeness target: `|Σ map − (f(x) − f(0))| ≤ tolerance · |f(x) − f(0)|`.
pub const COMPLETENESS_TOLERANCE: f64 = 0.01;

/// Which attribution to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Gradient,
    IntegratedGradients,
}

/// An attribution map and what it explains.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribution {
    pub method: Method,
    /// The class whose log-probability is explained.
    pub class: usize,
    /// Per pixel, row-major 28×28; positive = this pixel pushes towards `class`.
    ///
    /// # Shapes
    /// `[inputs]` (784)
    pub map: Vec<f32>,
    /// The ten probabilities of the image.
    pub probabilities: Vec<f32>,
    /// `f(x) = log p_class(x)`.
    pub log_prob: f64,
    /// `f(0)`, the blank image's `log p_class` (integrated gradients only).
    pub baseline_log_prob: Option<f64>,
    /// Trapezoid intervals used (integrated gradients only; 0 for the gradient).
    pub steps: usize,
    /// `|Σ map − (f(x) − f(0))| / |f(x) − f(0)|` (integrated gradients only).
    pub completeness_error: Option<f64>,
}

/// [`Method::Gradient`] or [`Method::IntegratedGradients`] of `log p_class` for one image of
/// `u8` pixels, after checking the image's size and the class.
pub fn explain(
    net: &Network,
    image: &[u8],
    class: usize,
    method: Method,
) -> Result<Attribution, ExplainError> {
    check(net, image, class)?;
    let x = unit_pixels(image);
    Ok(match method {
        Method::Gradient => gradient(net, &mut Probe::new(net, 1), &x, class as u8),
        Method::IntegratedGradients => integrated_gradients(net, &x, class as u8),
    })
}

/// `∂ log p_class/∂x` for one image `x` (0–1 scale), reusing `probe`'s buffers.
///
/// # Shapes
/// `x`: `[inputs]`
pub fn gradient(net: &Network, probe: &mut Probe, x: &[f32], class: u8) -> Attribution {
    probe.run(net, x, &[class]);
    Attribution {
        method: Method::Gradient,
        class: class as usize,
        map: probe.gradient(0).to_vec(),
        probabilities: probe.probabilities(0).to_vec(),
        log_prob: probe.log_prob(0),
        baseline_log_prob: None,
        steps: 0,
        completeness_error: None,
    }
}

/// Integrated gradients from the blank image for one image `x` (0–1 scale): [`IG_STEPS`] equal
/// intervals, refined as the module docs say until completeness holds within
/// [`COMPLETENESS_TOLERANCE`] or the grid has [`IG_MAX_STEPS`] intervals (the result says which).
///
/// # Shapes
/// `x`: `[inputs]`
pub fn integrated_gradients(net: &Network, x: &[f32], class: u8) -> Attribution {
    integrated_gradients_with(net, x, class, IG_STEPS, IG_MAX_STEPS)
}

/// One point of the path `α·x`: `f(α·x)`, the gradient there, and the slope `∇f·x` (the
/// derivative of `f` along the path).
struct Node {
    alpha: f64,
    log_prob: f64,
    slope: f64,
    grad: Vec<f32>,
}

/// Probe the path at each of `alphas` (in batches of the probe's capacity).
fn probe_path(net: &Network, probe: &mut Probe, x: &[f32], class: u8, alphas: &[f64]) -> Vec<Node> {
    let mut nodes = Vec::with_capacity(alphas.len());
    for chunk in alphas.chunks(probe.capacity()) {
        let path: Vec<f32> = chunk
            .iter()
            .flat_map(|&a| x.iter().map(move |&v| a as f32 * v))
            .collect();
        probe.run(net, &path, &vec![class; chunk.len()]);
        for (i, &alpha) in chunk.iter().enumerate() {
            let grad = probe.gradient(i).to_vec();
            let slope = grad
                .iter()
                .zip(x)
                .map(|(&g, &v)| f64::from(g) * f64::from(v))
                .sum();
            nodes.push(Node {
                alpha,
                log_prob: probe.log_prob(i),
                slope,
                grad,
            });
        }
    }
    nodes
}

/// Integrated gradients by the trapezoid rule, starting from `intervals` equal intervals and
/// refining up to `max_intervals` (`max_intervals ≤ intervals`: no refinement).
///
/// # Shapes
/// `x`: `[inputs]`
pub fn integrated_gradients_with(
    net: &Network,
    x: &[f32],
    class: u8,
    intervals: usize,
    max_intervals: usize,
) -> Attribution {
    let intervals = intervals.max(1);
    let mut probe = Probe::new(net, intervals.min(REFINE_BATCH) + 1);
    let alphas: Vec<f64> = (0..=intervals)
        .map(|k| k as f64 / intervals as f64)
        .collect();
    let mut nodes = probe_path(net, &mut probe, x, class, &alphas);
    // Per interval: its trapezoid value of ∫ slope dα minus the change of f over it.
    let errors = |nodes: &[Node]| -> Vec<f64> {
        nodes
            .windows(2)
            .map(|w| {
                0.5 * (w[1].alpha - w[0].alpha) * (w[0].slope + w[1].slope)
                    - (w[1].log_prob - w[0].log_prob)
            })
            .collect()
    };
    let change = nodes[nodes.len() - 1].log_prob - nodes[0].log_prob;
    loop {
        let e = errors(&nodes);
        let total: f64 = e.iter().sum();
        let room = max_intervals.saturating_sub(e.len());
        if total.abs() <= COMPLETENESS_TOLERANCE * change.abs() || room == 0 {
            break;
        }
        let mut worst: Vec<usize> = (0..e.len()).collect();
        worst.sort_by(|&a, &b| e[b].abs().total_cmp(&e[a].abs()));
        let mids: Vec<f64> = worst[..room.min(REFINE_BATCH)]
            .iter()
            .map(|&i| 0.5 * (nodes[i].alpha + nodes[i + 1].alpha))
            .collect();
        nodes.extend(probe_path(net, &mut probe, x, class, &mids));
        nodes.sort_by(|a, b| a.alpha.total_cmp(&b.alpha));
    }
    // Trapezoid weights of a non-uniform grid: half of each neighbouring interval.
    let last = nodes.len() - 1;
    let mut mean = vec![0.0f64; x.len()];
    for (k, node) in nodes.iter().enumerate() {
        let left = if k > 0 {
            node.alpha - nodes[k - 1].alpha
        } else {
            0.0
        };
        let right = if k < last {
            nodes[k + 1].alpha - node.alpha
        } else {
            0.0
        };
        let w = 0.5 * (left + right);
        mean.iter_mut()
            .zip(&node.grad)
            .for_each(|(m, &g)| *m += w * f64::from(g));
    }
    let map: Vec<f32> = mean
        .iter()
        .zip(x)
        .map(|(m, &v)| (f64::from(v) * m) as f32)
        .collect();
    let total: f64 = map.iter().map(|&v| f64::from(v)).sum();
    probe.run(net, x, &[class]);
    Attribution {
        method: Method::IntegratedGradients,
        class: class as usize,
        map,
        probabilities: probe.probabilities(0).to_vec(),
        log_prob: nodes[last].log_prob,
        baseline_log_prob: Some(nodes[0].log_prob),
        steps: last,
        completeness_error: Some(completeness(total, change)),
    }
}

/// `|Σ map − change| / |change|`, 0 when both are 0 (a blank image: nothing to attribute).
fn completeness(sum: f64, change: f64) -> f64 {
    if sum == change {
        0.0
    } else {
        (sum - change).abs() / change.abs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;

    #[test]
    fn blank_pixels_get_no_integrated_gradient_and_the_sum_is_complete() {
        let net = Network::from_sizes(&[16, 8, 4], Activation::Tanh, Init::Auto, 2);
        let mut image = [0u8; 16];
        image[3] = 200;
        image[9] = 90;
        image[10] = 255;
        let a = explain(&net, &image, 1, Method::IntegratedGradients).unwrap();
        for (j, v) in a.map.iter().enumerate() {
            if image[j] == 0 {
                assert_eq!(*v, 0.0);
            }
        }
        // A smooth net: the trapezoid rule's error is far below the target at 50 intervals.
        assert_eq!(a.steps, IG_STEPS);
        let blank = explain(&net, &[0; 16], 1, Method::IntegratedGradients).unwrap();
        assert!(blank.map.iter().all(|&v| v == 0.0));
        assert_eq!(blank.completeness_error, Some(0.0));
        assert!(a.completeness_error.unwrap() < COMPLETENESS_TOLERANCE);
    }

    #[test]
    fn bad_class_and_image_size_are_refused() {
        let net = Network::from_sizes(&[16, 4], Activation::Relu, Init::Auto, 2);
        assert_eq!(
            explain(&net, &[0; 16], 4, Method::Gradient).unwrap_err(),
            ExplainError::ClassOutOfRange {
                class: 4,
                classes: 4
            }
        );
        assert_eq!(
            explain(&net, &[0; 15], 0, Method::Gradient).unwrap_err(),
            ExplainError::WrongImageSize {
                expected: 16,
                found: 15
            }
        );
    }
}
