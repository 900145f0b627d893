//! Why this digit: an attribution map over the 784 input pixels for one chosen class.
//!
//! Two methods, both on the 0–1 pixel scale the network reads before standardisation (see
//! [`crate::explain::probe`]), for `f(x) = log p_class(x)`:
//!
//! - [`Method::Gradient`]: `∂f/∂x`, one forward and one backward pass. A pixel's value says how
//!   fast `f` changes as that pixel brightens; it can be large on blank pixels.
//! - [`Method::IntegratedGradients`] (Sundararajan, Taly & Yan 2017): from the blank image
//!   `x' = 0`, `IG_i = x_i · ∫₀¹ ∂f/∂x_i(α·x) dα`, by the trapezoid rule over `steps` equal
//!   intervals (`steps + 1` images on the path, probed as one batch). Blank pixels get exactly 0,
//!   and the map adds up to `f(x) − f(0)` (completeness). Each ReLU switching on or off along
//!   the path bends the integrand, so the rule has an error; [`integrated_gradients`] doubles the
//!   steps (from [`IG_STEPS`] up to [`IG_MAX_STEPS`]) until the sum is within
//!   [`COMPLETENESS_TOLERANCE`] of `f(x) − f(0)`, and reports the steps and the gap it reached.
//!
//! Non-goals: choosing the class (the caller's), drawing the map (the page's), other baselines
//! (blurred or noisy images), SmoothGrad.

use crate::explain::probe::{unit_pixels, Probe};
use crate::explain::{check_class, check_image, ExplainError};
use crate::nn::network::Network;
use serde::Serialize;

/// Trapezoid intervals integrated gradients starts with.
pub const IG_STEPS: usize = 50;
/// Most intervals integrated gradients refines to (three doublings of [`IG_STEPS`]).
pub const IG_MAX_STEPS: usize = 400;
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
    check_image(net, image)?;
    check_class(net, class)?;
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

/// Integrated gradients from the blank image for one image `x` (0–1 scale): the trapezoid rule
/// with [`IG_STEPS`] intervals, doubled until completeness holds within
/// [`COMPLETENESS_TOLERANCE`] or [`IG_MAX_STEPS`] is reached (the result says which).
///
/// # Shapes
/// `x`: `[inputs]`
pub fn integrated_gradients(net: &Network, x: &[f32], class: u8) -> Attribution {
    let mut steps = IG_STEPS;
    loop {
        let mut probe = Probe::new(net, steps + 1);
        let a = integrated_gradients_with(net, &mut probe, x, class, steps);
        let good = a
            .completeness_error
            .is_some_and(|e| e <= COMPLETENESS_TOLERANCE);
        if good || steps * 2 > IG_MAX_STEPS {
            return a;
        }
        steps *= 2;
    }
}

/// Integrated gradients with exactly `steps` trapezoid intervals (`steps + 1 ≤
/// probe.capacity()`).
///
/// # Shapes
/// `x`: `[inputs]`
pub fn integrated_gradients_with(
    net: &Network,
    probe: &mut Probe,
    x: &[f32],
    class: u8,
    steps: usize,
) -> Attribution {
    let points = steps + 1;
    assert!(
        points <= probe.capacity(),
        "integrated gradients: probe too small"
    );
    let inputs = x.len();
    // Row k is α_k·x with α_k = k/steps: row 0 is the blank baseline, row `steps` the image.
    let mut path = vec![0.0f32; points * inputs];
    for (k, row) in path.chunks_exact_mut(inputs).enumerate() {
        let alpha = k as f32 / steps as f32;
        row.iter_mut().zip(x).for_each(|(p, &v)| *p = alpha * v);
    }
    probe.run(net, &path, &vec![class; points]);
    // Trapezoid: the two ends weigh ½, the inner points 1, all divided by `steps`.
    let mut mean = vec![0.0f64; inputs];
    for (k, g) in probe.gradients(points).chunks_exact(inputs).enumerate() {
        let w = if k == 0 || k == steps { 0.5 } else { 1.0 };
        mean.iter_mut()
            .zip(g)
            .for_each(|(m, &g)| *m += w * g as f64);
    }
    let map: Vec<f32> = mean
        .iter()
        .zip(x)
        .map(|(m, &v)| (v as f64 * m / steps as f64) as f32)
        .collect();
    let (log_prob, baseline) = (probe.log_prob(steps), probe.log_prob(0));
    let change = log_prob - baseline;
    let total: f64 = map.iter().map(|&v| v as f64).sum();
    Attribution {
        method: Method::IntegratedGradients,
        class: class as usize,
        map,
        probabilities: probe.probabilities(steps).to_vec(),
        log_prob,
        baseline_log_prob: Some(baseline),
        steps,
        completeness_error: Some((total - change).abs() / change.abs().max(f64::MIN_POSITIVE)),
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
