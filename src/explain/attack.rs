//! Fool the network: a targeted attack inside an L∞ budget, and the smallest budget that works.
//!
//! [`attack`] is projected gradient descent with gradient-sign steps (targeted PGD, Madry et al.
//! 2018; each step is a targeted FGSM step, Goodfellow et al. 2015). On the image `x` as the
//! network reads it (pixels 0–1), towards class `t`, with budget `ε`:
//!
//! ```text
//! x₀ = x
//! x_{k+1} = Π( x_k + α · sign(∂ log p_t/∂x (x_k)) ),   k = 0 … steps−1,   α = 2.5·ε/steps
//! Π(v)_j  = clamp(v_j, max(x_j − ε, 0), min(x_j + ε, 1))
//! ```
//!
//! (α = 2.5·ε/steps is Madry et al.'s choice: the walk can cross the ε-box and come back.) No
//! random start, so the result is deterministic. A pixel whose gradient is exactly 0 does not
//! move. [`project`] also guards against rounding, so every returned pixel satisfies
//! `|x'_j − x_j| ≤ ε` and `0 ≤ x'_j ≤ 1` exactly (as real numbers, not just in f32).
//!
//! [`smallest_epsilon`] bisects over ε with a fixed number of PGD steps, each run stopping as soon
//! as the target is the prediction: if the target is already the prediction, ε = 0; if PGD at
//! [`MAX_EPSILON`] does not reach it, there is no answer; otherwise `lo = 0`, `hi = MAX_EPSILON`
//! and [`SEARCH_ROUNDS`] times `mid = (lo + hi)/2`, `hi = mid` if PGD at `mid` reaches the
//! target, else `lo = mid`. It returns `hi` (a budget at which the attack verifiably worked) and
//! that attack; the true smallest ε of this PGD lies in `(lo, hi]` if success is monotone in ε
//! (usual, not guaranteed).
//!
//! Non-goals: untargeted attacks, other norms (L2, L0), defences (adversarial training).

use crate::bounds::{FloatRange, IntRange};
use crate::explain::probe::{unit_pixels, Probe};
use crate::explain::{check, ExplainError};
use crate::nn::loss::argmax;
use crate::nn::network::Network;
use serde::Serialize;

/// PGD steps of an attack unless the caller asks for others.
pub const ATTACK_STEPS: usize = 40;
/// Most PGD steps one attack may take (a bound on the time a call can take).
pub const MAX_ATTACK_STEPS: usize = 1000;
/// Largest budget ε accepted, and the upper end of [`smallest_epsilon`]'s search.
pub const MAX_EPSILON: f32 = 0.5;
/// Bisection rounds of [`smallest_epsilon`]: the bracket ends `MAX_EPSILON/2¹⁰ ≈ 0.0005` wide.
pub const SEARCH_ROUNDS: usize = 10;

/// The outcome of one targeted attack.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attack {
    pub target: usize,
    pub epsilon: f32,
    /// PGD steps taken.
    pub steps: usize,
    /// The perturbed image the network reads, pixels 0–1, row-major 28×28.
    ///
    /// # Shapes
    /// `[inputs]`
    pub image: Vec<f32>,
    /// `image − original` on the 0–1 scale, each within `[−ε, ε]`.
    ///
    /// # Shapes
    /// `[inputs]`
    pub perturbation: Vec<f32>,
    /// The ten probabilities of the original and of the perturbed image.
    pub before: Vec<f32>,
    pub after: Vec<f32>,
    pub predicted_before: usize,
    pub predicted_after: usize,
    /// The perturbed image is predicted as `target`.
    pub reached: bool,
}

/// Result of [`smallest_epsilon`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpsilonSearch {
    /// The smallest ε found at which PGD reaches the target (`None`: not even at [`MAX_EPSILON`]).
    pub epsilon: Option<f32>,
    /// The largest ε tried at which it did not (0 when none failed).
    pub failed_below: f32,
    /// The attack at `epsilon`, or at [`MAX_EPSILON`] when there is none.
    pub attack: Attack,
}

/// Budgets ε accepted: `[0, MAX_EPSILON]` on the 0–1 pixel scale.
pub const EPSILON: FloatRange = FloatRange::closed(0.0, MAX_EPSILON);
/// PGD steps accepted per attack.
pub const STEPS: IntRange = IntRange::new(1, MAX_ATTACK_STEPS as u64);

fn check_attack(epsilon: f32, steps: usize) -> Result<(), ExplainError> {
    EPSILON
        .check("epsilon", epsilon)
        .map_err(ExplainError::OutOfRange)?;
    if !STEPS.contains(steps as u64) {
        return Err(ExplainError::OutOfRange(format!(
            "steps must be in 1..={MAX_ATTACK_STEPS}, got {steps}"
        )));
    }
    Ok(())
}

/// Targeted PGD towards `target` within `epsilon` (0–[`MAX_EPSILON`]) for `steps` steps, on one
/// image of `u8` pixels, after checking every argument.
pub fn attack(
    net: &Network,
    image: &[u8],
    target: usize,
    epsilon: f32,
    steps: usize,
) -> Result<Attack, ExplainError> {
    check(net, image, target)?;
    check_attack(epsilon, steps)?;
    let x = unit_pixels(image);
    let mut probe = Probe::new(net, 1);
    Ok(attack_one(
        net,
        &mut probe,
        &x,
        target as u8,
        epsilon,
        steps,
        false,
    ))
}

/// [`attack`] repeated by bisection over ε (see the module docs), `steps` PGD steps each.
pub fn smallest_epsilon(
    net: &Network,
    image: &[u8],
    target: usize,
    steps: usize,
) -> Result<EpsilonSearch, ExplainError> {
    check(net, image, target)?;
    check_attack(MAX_EPSILON, steps)?;
    let x = unit_pixels(image);
    let mut probe = Probe::new(net, 1);
    let t = target as u8;
    // ε = 0 cannot move a pixel: no steps, just the prediction.
    let at_zero = attack_one(net, &mut probe, &x, t, 0.0, 0, true);
    if at_zero.reached {
        return Ok(EpsilonSearch {
            epsilon: Some(0.0),
            failed_below: 0.0,
            attack: at_zero,
        });
    }
    let mut run = |eps: f32| attack_one(net, &mut probe, &x, t, eps, steps, true);
    let mut best = run(MAX_EPSILON);
    if !best.reached {
        return Ok(EpsilonSearch {
            epsilon: None,
            failed_below: MAX_EPSILON,
            attack: best,
        });
    }
    let (mut lo, mut hi) = (0.0f32, MAX_EPSILON);
    for _ in 0..SEARCH_ROUNDS {
        let mid = 0.5 * (lo + hi);
        let a = run(mid);
        if a.reached {
            hi = mid;
            best = a;
        } else {
            lo = mid;
        }
    }
    Ok(EpsilonSearch {
        epsilon: Some(hi),
        failed_below: lo,
        attack: best,
    })
}

/// One image's attack with the probe's buffers; `stop_when_reached` ends the walk at the first
/// iterate predicted as `target` (for the search: the smallest change along the path).
///
/// # Shapes
/// `x`: `[inputs]`
pub fn attack_one(
    net: &Network,
    probe: &mut Probe,
    x: &[f32],
    target: u8,
    epsilon: f32,
    steps: usize,
    stop_when_reached: bool,
) -> Attack {
    probe.run(net, x, &[target]);
    let before = probe.probabilities(0).to_vec();
    let mut adv = x.to_vec();
    let mut taken = 0;
    while taken < steps {
        if stop_when_reached && argmax(probe.probabilities(0)).0 == target as usize {
            break;
        }
        pgd_step(&mut adv, x, probe.gradient(0), epsilon, steps);
        taken += 1;
        probe.run(net, &adv, &[target]);
    }
    let after = probe.probabilities(0).to_vec();
    let (predicted_before, predicted_after) = (argmax(&before).0, argmax(&after).0);
    Attack {
        target: target as usize,
        epsilon,
        steps: taken,
        perturbation: adv.iter().zip(x).map(|(a, o)| a - o).collect(),
        image: adv,
        before,
        after,
        predicted_before,
        predicted_after,
        reached: predicted_after == target as usize,
    }
}

/// One PGD step on a batch: `adv ← Π(adv + α·sign(grad))` with `α = 2.5·ε/steps`.
///
/// # Shapes
/// `adv`, `original`, `grad`: `[n, inputs]` (any n, the same for all three)
pub fn pgd_step(adv: &mut [f32], original: &[f32], grad: &[f32], epsilon: f32, steps: usize) {
    let alpha = 2.5 * epsilon / steps as f32;
    for ((a, &o), &g) in adv.iter_mut().zip(original).zip(grad) {
        let sign = if g > 0.0 {
            1.0
        } else if g < 0.0 {
            -1.0
        } else {
            0.0
        };
        *a = project(o, *a + alpha * sign, epsilon);
    }
}

/// `v` clamped to `[max(x − ε, 0), min(x + ε, 1)]`, then moved towards `x` one f32 step at a
/// time while `|v − x| > ε` as real numbers (the f32 bounds `x ± ε` can round outward).
pub fn project(x: f32, v: f32, epsilon: f32) -> f32 {
    let mut r = v.clamp((x - epsilon).max(0.0), (x + epsilon).min(1.0));
    let eps = f64::from(epsilon);
    while f64::from(r) - f64::from(x) > eps {
        r = r.next_down();
    }
    while f64::from(x) - f64::from(r) > eps {
        r = r.next_up();
    }
    r
}

/// A batch of images attacked at every ε of `epsilons`, `steps` full PGD steps each (no early
/// stop; the survey's inner loop): returns, per ε and image, whether the target became the
/// prediction.
///
/// # Shapes
/// `xs`: `[n, inputs]` on the 0–1 scale, `targets`: `[n]` → `[epsilons.len()][n]`
pub fn reached_batch(
    net: &Network,
    probe: &mut Probe,
    xs: &[f32],
    targets: &[u8],
    epsilons: &[f32],
    steps: usize,
) -> Vec<Vec<bool>> {
    let n = targets.len();
    epsilons
        .iter()
        .map(|&eps| {
            let mut adv = xs.to_vec();
            for _ in 0..steps {
                probe.run(net, &adv, targets);
                pgd_step(&mut adv, xs, probe.gradients(n), eps, steps);
            }
            probe.run(net, &adv, targets);
            (0..n)
                .map(|i| argmax(probe.probabilities(i)).0 == targets[i] as usize)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;
    use crate::rng::{seeded, Stream};
    use rand::Rng;

    #[test]
    fn projection_keeps_the_budget_exactly_even_where_f32_rounds() {
        let mut rng = seeded(4, Stream::Training);
        for _ in 0..100_000 {
            let x = f32::from(rng.random::<u8>()) / 255.0;
            let eps: f32 = rng.random::<f32>() * MAX_EPSILON;
            let v = x + (rng.random::<f32>() - 0.5) * 3.0 * eps;
            let r = project(x, v, eps);
            assert!((0.0..=1.0).contains(&r));
            assert!(
                (f64::from(r) - f64::from(x)).abs() <= f64::from(eps),
                "{x} {v} {eps} {r}"
            );
        }
    }

    #[test]
    fn attacks_stay_in_the_budget_and_in_range_for_random_images() {
        // Property over many random images, targets and budgets, on a small untrained net (the
        // invariant does not depend on the weights; the default model is covered in
        // tests/explain.rs).
        let net = Network::from_sizes(&[49, 16, 10], Activation::Relu, Init::Auto, 6);
        let mut rng = seeded(7, Stream::Training);
        for case in 0..300 {
            let image: Vec<u8> = (0..49)
                .map(|_| match rng.random::<u8>() % 3 {
                    0 => 0,
                    1 => 255,
                    _ => rng.random(),
                })
                .collect();
            let eps = if case % 10 == 0 {
                0.0
            } else {
                rng.random::<f32>() * MAX_EPSILON
            };
            let target = rng.random::<u8>() as usize % 10;
            let steps = 1 + case % 12;
            let a = attack(&net, &image, target, eps, steps).unwrap();
            let x = unit_pixels(&image);
            for ((p, d), o) in a.image.iter().zip(&a.perturbation).zip(&x) {
                assert!((0.0..=1.0).contains(p));
                assert!((f64::from(*p) - f64::from(*o)).abs() <= f64::from(eps));
                assert!(d.abs() <= eps);
            }
            assert_eq!(a.steps, steps);
            assert_eq!(a.reached, a.predicted_after == target);
        }
    }

    #[test]
    fn arguments_out_of_range_are_refused() {
        let net = Network::from_sizes(&[4, 3], Activation::Relu, Init::Auto, 1);
        assert!(matches!(
            attack(&net, &[0; 4], 0, 0.6, 10),
            Err(ExplainError::OutOfRange(_))
        ));
        assert!(matches!(
            attack(&net, &[0; 4], 0, f32::NAN, 10),
            Err(ExplainError::OutOfRange(_))
        ));
        assert!(matches!(
            attack(&net, &[0; 4], 0, 0.1, 0),
            Err(ExplainError::OutOfRange(_))
        ));
        assert!(matches!(
            attack(&net, &[0; 4], 3, 0.1, 10),
            Err(ExplainError::ClassOutOfRange { .. })
        ));
    }
}
