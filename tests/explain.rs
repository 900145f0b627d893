#![cfg(not(target_arch = "wasm32"))]
//! Look inside a prediction, on the shipped default model (`data/default-model.bin`, 784-256-128-10
//! ReLU) and real MNIST test digits: the input gradient against finite differences, integrated
//! gradients' completeness, the attack's budget, and the walkthrough's gradients against the
//! trainer's own step.
//!
//! The oracle for finite differences is a plain f64 forward pass over the model's weights written
//! here ([`log_prob_f64`]): independent of the engine's f32 passes, and exact enough that the
//! step h can be small (no ReLU crosses its kink) without rounding noise.
//!
//! The 1,000-digit attack table is `mnist attack-survey` (docs/explain.md), not a test.

use mnist_playground::data::idx;
use mnist_playground::data::mnist::{self, Dataset};
use mnist_playground::explain::attack::{self, smallest_epsilon};
use mnist_playground::explain::attribution::{
    self, explain, integrated_gradients_with, Method, COMPLETENESS_TOLERANCE,
};
use mnist_playground::explain::probe::{unit_pixels, Probe};
use mnist_playground::explain::walkthrough::{sgd_step_copy, walkthrough};
use mnist_playground::io::model_file;
use mnist_playground::nn::activation::Activation;
use mnist_playground::nn::network::{Network, PIXEL_MEAN, PIXEL_STD};
use mnist_playground::train::config::Config;
use mnist_playground::train::optimizer::OptimizerConfig;
use mnist_playground::train::trainer::Trainer;
use std::path::Path;
use std::sync::OnceLock;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn model() -> &'static Network {
    static NET: OnceLock<Network> = OnceLock::new();
    NET.get_or_init(|| {
        let bytes = std::fs::read(root().join("data/default-model.bin")).unwrap();
        let (_, net) = model_file::decode(&bytes).unwrap();
        assert_eq!(
            net.activation,
            Activation::Relu,
            "the f64 oracle below is ReLU"
        );
        net
    })
}

fn test_set() -> &'static Dataset {
    static TEST: OnceLock<Dataset> = OnceLock::new();
    TEST.get_or_init(|| mnist::load_gz(&root().join("data"), "t10k").unwrap())
}

/// Logits of a ReLU network in f64 for pixels `x` on the 0–1 scale (standardised like the engine).
fn logits_f64(net: &Network, x: &[f64]) -> Vec<f64> {
    let mut a: Vec<f64> = x
        .iter()
        .map(|&v| (v - f64::from(PIXEL_MEAN)) / f64::from(PIXEL_STD))
        .collect();
    for (l, layer) in net.layers.iter().enumerate() {
        let mut z: Vec<f64> = layer.biases.iter().map(|&b| f64::from(b)).collect();
        for (i, &ai) in a.iter().enumerate() {
            if ai != 0.0 {
                for (zj, &w) in z.iter_mut().zip(layer.weights.row(i)) {
                    *zj += ai * f64::from(w);
                }
            }
        }
        if l + 1 < net.layers.len() {
            z.iter_mut().for_each(|v| *v = v.max(0.0));
        }
        a = z;
    }
    a
}

fn log_prob_f64(net: &Network, x: &[f64], class: usize) -> f64 {
    let z = logits_f64(net, x);
    let max = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    z[class] - max - z.iter().map(|v| (v - max).exp()).sum::<f64>().ln()
}

#[test]
fn input_gradient_matches_central_finite_differences_on_real_digits() {
    let (net, test) = (model(), test_set());
    let mut probe = Probe::new(net, 1);
    let mut worst: f64 = 0.0;
    for i in [0usize, 1, 2, 3, 4, 7, 11] {
        let x = unit_pixels(test.image(i));
        let x64: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let label = test.labels[i] as usize;
        for class in [label, (label + 3) % 10] {
            let a = attribution::gradient(net, &mut probe, &x, class as u8);
            // The 25 pixels with the largest gradient, and every 37th pixel (blank ones too).
            let mut order: Vec<usize> = (0..784).collect();
            order.sort_by(|&p, &q| a.map[q].abs().total_cmp(&a.map[p].abs()));
            let pixels = order[..25].iter().cloned().chain((0..784).step_by(37));
            // h = 1e-4 on the 0–1 scale moves a first-layer pre-activation by ~1e-5: no ReLU of
            // these images sits that close to its kink (a crossing would show as an O(1) error).
            // The f64 quotient's rounding is ~1e-11; the f32 gradient is good to ~1e-5 relative.
            let h = 1e-4;
            for p in pixels {
                let (mut up, mut down) = (x64.clone(), x64.clone());
                up[p] += h;
                down[p] -= h;
                let numeric =
                    (log_prob_f64(net, &up, class) - log_prob_f64(net, &down, class)) / (2.0 * h);
                let analytic = f64::from(a.map[p]);
                let err = (numeric - analytic).abs() / (1e-3 + numeric.abs());
                worst = worst.max(err);
                assert!(
                    err < 1e-3,
                    "image {i} class {class} pixel {p}: numeric {numeric} analytic {analytic}"
                );
            }
            assert!((a.log_prob - log_prob_f64(net, &x64, class)).abs() < 1e-4);
        }
    }
    println!("input gradient: worst relative error {worst:.2e}");
}

#[test]
fn integrated_gradients_are_complete_within_one_percent() {
    let (net, test) = (model(), test_set());
    let mut fixed50_worst: f64 = 0.0;
    let mut worst: f64 = 0.0;
    let mut most_steps = 0;
    for i in [0usize, 1, 2, 3, 4, 5, 6, 8] {
        let label = test.labels[i] as usize;
        for class in [label, (label + 1) % 10, (label + 5) % 10] {
            let a = explain(net, test.image(i), class, Method::IntegratedGradients).unwrap();
            let err = a.completeness_error.unwrap();
            let change = a.log_prob - a.baseline_log_prob.unwrap();
            let sum: f64 = a.map.iter().map(|&v| f64::from(v)).sum();
            assert!(
                err <= COMPLETENESS_TOLERANCE,
                "image {i} class {class}: Σ map {sum} vs f(x) − f(0) = {change} ({} steps)",
                a.steps
            );
            // The reported error is the one recomputed here.
            assert!(((sum - change).abs() / change.abs() - err).abs() < 1e-9);
            worst = worst.max(err);
            most_steps = most_steps.max(a.steps);
            let x = unit_pixels(test.image(i));
            let fixed = integrated_gradients_with(net, &x, class as u8, 50, 50);
            fixed50_worst = fixed50_worst.max(fixed.completeness_error.unwrap());
        }
    }
    println!(
        "integrated gradients: worst completeness error {:.3}% (up to {most_steps} steps); \
         with 50 equal steps: {:.3}%",
        100.0 * worst,
        100.0 * fixed50_worst
    );
}

#[test]
fn attacks_on_real_digits_stay_within_the_budget_and_in_range() {
    let (net, test) = (model(), test_set());
    for i in 0..30usize {
        let label = test.labels[i] as usize;
        let target = (label + 1 + i % 9) % 10;
        let eps = [0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5][i % 7];
        let a = attack::attack(net, test.image(i), target, eps, 20).unwrap();
        let x = unit_pixels(test.image(i));
        for (p, o) in a.image.iter().zip(&x) {
            assert!((0.0..=1.0).contains(p));
            assert!((f64::from(*p) - f64::from(*o)).abs() <= f64::from(eps));
        }
        assert_eq!(
            a.predicted_before,
            mnist_playground::nn::loss::argmax(&a.before).0
        );
        if eps == 0.0 {
            assert_eq!(a.image, x);
        }
    }
}

#[test]
fn smallest_epsilon_search_returns_a_working_attack_inside_its_budget() {
    let (net, test) = (model(), test_set());
    for i in [0usize, 1, 2] {
        let target = (test.labels[i] as usize + 1) % 10;
        let s = smallest_epsilon(net, test.image(i), target, attack::ATTACK_STEPS).unwrap();
        let eps = s.epsilon.expect("an MLP is fooled within ε = 0.5");
        assert!(s.attack.reached && s.attack.epsilon == eps);
        assert!(s.failed_below < eps && eps - s.failed_below <= attack::MAX_EPSILON / 1000.0);
        assert!(s.attack.perturbation.iter().all(|d| d.abs() <= eps));
        println!("image {i} → {target}: smallest ε ≈ {eps:.4}");
    }
    // A target that is already the prediction needs no change at all.
    let predicted = attack::attack(net, test.image(0), 0, 0.0, 1)
        .unwrap()
        .predicted_before;
    let s = smallest_epsilon(net, test.image(0), predicted, attack::ATTACK_STEPS).unwrap();
    assert_eq!((s.epsilon, s.attack.steps), (Some(0.0), 0));
}

/// A data set of one image and its label, through the IDX parser like the real files.
fn one_image(pixels: &[u8], label: u8) -> Dataset {
    Dataset::from_idx_owned(
        idx::encode(idx::IMAGES_MAGIC, &[1, 28, 28], pixels),
        idx::encode(idx::LABELS_MAGIC, &[1], &[label]),
    )
    .unwrap()
}

#[test]
fn walkthrough_gradients_are_the_trainers_for_a_batch_of_one() {
    let test = test_set();
    let (image, label) = (test.image(0), test.labels[0]);
    let data = one_image(image, label);
    let lr = 0.05;
    let config = Config {
        hidden: vec![32, 16],
        optimizer: OptimizerConfig::Sgd,
        learning_rate: lr,
        batch_size: 1,
        epochs: 1,
        validation_size: 0,
        ..Config::default()
    };
    let mut trainer = Trainer::new(config, &data).unwrap();
    let before = trainer.network().clone();
    trainer.train_steps(&data, 1).unwrap();
    let after = trainer.network();
    // The same step on a copy: the same numbers as the trainer's.
    let copy = sgd_step_copy(&before, image, label, lr);
    assert_eq!(&copy, after, "one SGD step on a copy = the trainer's step");
    // The gradient shown is the trainer's: W_before − W_after = lr·∂W.
    let w = walkthrough(&before, image, label as usize, lr).unwrap();
    let (inputs, units) = (784, 32);
    for u in 0..units {
        for i in 0..inputs {
            let step =
                f64::from(before.layers[0].weights[[i, u]] - after.layers[0].weights[[i, u]]);
            let shown = f64::from(w.first_layer_weight_gradient[u * inputs + i]);
            assert!((step / f64::from(lr) - shown).abs() < 1e-5, "w[{i},{u}]");
        }
    }
    for (l, layer) in w.layers.iter().enumerate() {
        for (j, d) in layer.delta.iter().enumerate() {
            let step = f64::from(before.layers[l].biases[j] - after.layers[l].biases[j]);
            assert!(
                (step / f64::from(lr) - f64::from(*d)).abs() < 1e-5,
                "b{l}[{j}]"
            );
        }
    }
    assert!(w.loss_after_step < w.loss);
}

#[test]
fn walkthrough_weight_gradient_matches_finite_differences_on_the_default_model() {
    let (net, test) = (model(), test_set());
    let image = test.image(3);
    let label = test.labels[3] as usize;
    let w = walkthrough(net, image, label, 0.1).unwrap();
    let x: Vec<f64> = unit_pixels(image).iter().map(|&v| f64::from(v)).collect();
    // The 8 largest first-layer weight gradients.
    let g = &w.first_layer_weight_gradient;
    let mut order: Vec<usize> = (0..g.len()).collect();
    order.sort_by(|&p, &q| g[q].abs().total_cmp(&g[p].abs()));
    for &k in &order[..8] {
        let (u, i) = (k / 784, k % 784);
        let h = 1e-4f32;
        let mut up = net.clone();
        up.layers[0].weights[[i, u]] += h;
        let mut down = net.clone();
        down.layers[0].weights[[i, u]] -= h;
        let dw = f64::from(up.layers[0].weights[[i, u]] - down.layers[0].weights[[i, u]]);
        let numeric = (log_prob_f64(&down, &x, label) - log_prob_f64(&up, &x, label)) / dw;
        let shown = f64::from(g[k]);
        assert!(
            (numeric - shown).abs() < 1e-3 * (1e-3 + numeric.abs()),
            "w[{i},{u}]: numeric {numeric} shown {shown}"
        );
    }
    assert_eq!(w.layers.len(), 3);
    assert_eq!(w.layers[0].pre_activations.len(), 256);
    assert_eq!(w.first_layer_weight_gradient.len(), 256 * 784);
}

/// Every layer's δ shown is ∂loss/∂z, which is also ∂loss/∂b: checked against central differences
/// of the f64 loss in each layer's biases (the 6 largest |δ| of each layer), on the default model
/// and a digit learned as another class (a large loss, so every δ is far from 0). Units that were
/// off (ReLU at 0) show δ exactly 0, as the backward pass gives them.
#[test]
fn walkthrough_deltas_of_every_layer_match_finite_differences_on_the_biases() {
    let (net, test) = (model(), test_set());
    let image = test.image(5);
    let label = (test.labels[5] as usize + 3) % 10;
    let w = walkthrough(net, image, label, 0.1).unwrap();
    let x: Vec<f64> = unit_pixels(image).iter().map(|&v| f64::from(v)).collect();
    assert_eq!(w.layers.len(), net.layers.len());
    for (l, layer) in w.layers.iter().enumerate() {
        let mut order: Vec<usize> = (0..layer.delta.len()).collect();
        order.sort_by(|&p, &q| layer.delta[q].abs().total_cmp(&layer.delta[p].abs()));
        for &j in &order[..6] {
            let h = 1e-3f32;
            let mut up = net.clone();
            up.layers[l].biases[j] += h;
            let mut down = net.clone();
            down.layers[l].biases[j] -= h;
            let db = f64::from(up.layers[l].biases[j] - down.layers[l].biases[j]);
            let numeric = (log_prob_f64(&down, &x, label) - log_prob_f64(&up, &x, label)) / db;
            let shown = f64::from(layer.delta[j]);
            assert!(
                (numeric - shown).abs() < 1e-3 * (1e-3 + numeric.abs()),
                "δ{l}[{j}]: numeric {numeric} shown {shown}"
            );
        }
        if l + 1 < w.layers.len() {
            for (j, &z) in layer.pre_activations.iter().enumerate() {
                if z < 0.0 {
                    assert_eq!(layer.delta[j], 0.0, "an inactive unit's δ{l}[{j}]");
                }
            }
        }
    }
    // The output δ is p − onehot(label).
    let out = w.layers.last().unwrap();
    for (k, (&d, &p)) in out.delta.iter().zip(&w.probabilities).enumerate() {
        let expected = p - if k == label { 1.0 } else { 0.0 };
        assert!(
            (d - expected).abs() < 1e-6,
            "output δ[{k}] {d} vs {expected}"
        );
    }
    // One step on that label makes it more likely.
    assert!(w.probabilities_after_step[label] > w.probabilities[label]);
}
