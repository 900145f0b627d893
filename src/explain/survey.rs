//! How easily is the network fooled: the share of test digits a targeted attack turns into a
//! chosen class, per budget ε (the table in docs/explain.md; `mnist attack-survey` prints it).
//!
//! For each of the first `count` images of a data set, the target is `(label + 1) mod classes`
//! (every image gets a target other than its own label, and each class is a target equally often
//! in a balanced test set such as MNIST's, where it is `(label + 1) mod 10`). Each ε runs `steps` full PGD steps from the clean image
//! (no early stop; [`crate::explain::attack`]), a batch of images at a time.
//! An image counts as turned when the perturbed image's prediction is the target.
//!
//! Non-goals: the smallest ε per image (that is [`crate::explain::attack::smallest_epsilon`]),
//! printing (the command line's).

use crate::data::mnist::Dataset;
use crate::explain::attack::reached_batch;
use crate::explain::probe::{unit_pixels, Probe};
use crate::nn::loss::argmax;
use crate::nn::network::Network;
use serde::Serialize;

/// Images attacked at once (one batch through the probe).
const BATCH: usize = 100;

/// The survey's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Survey {
    pub images: usize,
    pub steps: usize,
    /// Clean images the network already reads correctly.
    pub correct_before: usize,
    /// Per ε: `(ε, images turned into their target)`.
    pub turned: Vec<(f32, usize)>,
}

/// The target class of an image with `label` in the survey among `classes` classes: the next
/// class (the next digit for MNIST).
pub fn target_of(label: u8, classes: usize) -> u8 {
    ((label as usize + 1) % classes) as u8
}

/// Attack the first `count` images of `data` towards [`target_of`] their labels at each of
/// `epsilons`, with `steps` PGD steps.
pub fn survey(
    net: &Network,
    data: &Dataset,
    count: usize,
    epsilons: &[f32],
    steps: usize,
) -> Survey {
    let count = count.min(data.len());
    let mut probe = Probe::new(net, BATCH);
    let mut turned = vec![0; epsilons.len()];
    let mut correct_before = 0;
    for start in (0..count).step_by(BATCH) {
        let end = (start + BATCH).min(count);
        let xs: Vec<f32> = (start..end)
            .flat_map(|i| unit_pixels(data.image(i)))
            .collect();
        let labels = &data.labels[start..end];
        let targets: Vec<u8> = labels
            .iter()
            .map(|&l| target_of(l, net.outputs()))
            .collect();
        probe.run(net, &xs, &targets);
        correct_before += (0..end - start)
            .filter(|&i| argmax(probe.probabilities(i)).0 == labels[i] as usize)
            .count();
        for (t, reached) in turned.iter_mut().zip(reached_batch(
            net, &mut probe, &xs, &targets, epsilons, steps,
        )) {
            *t += reached.iter().filter(|&&r| r).count();
        }
    }
    Survey {
        images: count,
        steps,
        correct_before,
        turned: epsilons.iter().cloned().zip(turned).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::mnist::synthetic_bars;
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;

    #[test]
    fn a_zero_budget_turns_only_images_already_read_as_their_target() {
        let data = synthetic_bars(130);
        let net = Network::from_sizes(&[784, 12, 10], Activation::Relu, Init::Auto, 4);
        let s = survey(&net, &data, 125, &[0.0, 0.5], 3);
        assert_eq!((s.images, s.steps), (125, 3));
        let already = (0..125)
            .filter(|&i| {
                let p = net.predict(data.image(i));
                argmax(&p).0 == target_of(data.labels[i], 10) as usize
            })
            .count();
        assert_eq!(s.turned[0], (0.0, already));
        assert!(s.turned[1].1 <= 125);
        assert_eq!(target_of(9, 10), 0);
        assert_eq!((target_of(2, 3), target_of(1, 3)), (0, 2));
    }
}
