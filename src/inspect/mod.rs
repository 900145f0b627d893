//! # Look inside training
//!
//! Three tools that show the surface training walks, each on networks the engine already trains
//! and evaluates with its own passes (no second implementation of the network's math):
//!
//! - [`lr_finder`]: the learning-rate range test (Smith 2017, fastai's `lr_find`) on a fresh
//!   network of a config, with its suggested rates;
//! - [`landscape`]: the loss along the line from the initial to the current weights (Goodfellow,
//!   Vinyals & Saxe 2015) and on a plane of two filter-normalised random directions around the
//!   current weights (Li et al. 2018), with checkpoints projected onto that plane;
//!   or on the plane of the training path's two principal directions ([`trajectory`], their §7);
//! - [`pca`]: principal components by power iteration with deflation;
//! - [`hidden_map`]: the last hidden layer's activations for fixed test images, projected on their
//!   two principal components, aligned with the previous map so it does not flip.
//!
//! The long computations run in chunks (`step`/`row` calls), so the worker can answer Cancel in
//! between. None of them changes the network or the random streams of the run being shown.
//! [`limits`] gives the page the accepted ranges and defaults.
//!
//! Non-goals: drawing (the page's), architectures other than the engine's MLP.

pub mod hidden_map;
pub mod landscape;
pub mod lr_finder;
pub mod pca;
pub mod trajectory;

use crate::bounds::{IntRange, Limit};
use serde::Serialize;

/// An argument or state the inspect tools cannot work with.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InspectError {
    #[error("{0}")]
    OutOfRange(String),
    #[error("invalid config: {0}")]
    Config(String),
    #[error("training stopped: {0}")]
    Train(String),
    #[error("networks of different shapes: {0}")]
    ShapeMismatch(String),
    #[error("the network has no hidden layer to map — add a hidden layer")]
    NoHiddenLayer,
}

/// `Ok` when `value` is in `range`, else "the {what} takes {min}–{max} {unit}, got {value}".
pub(crate) fn check_count(
    what: &str,
    unit: &str,
    range: IntRange,
    value: usize,
) -> Result<(), InspectError> {
    if range.contains(value as u64) {
        return Ok(());
    }
    let max = range.max.map_or("…".to_string(), |m| m.to_string());
    Err(InspectError::OutOfRange(format!(
        "the {what} takes {}–{max} {unit}, got {value}",
        range.min
    )))
}

/// `count` indices spread evenly over `0..len` (`i·len/count`): a fixed subset that takes every
/// part of a data set, the same on every call.
pub fn fixed_subset(len: usize, count: usize) -> Vec<u32> {
    let count = count.min(len);
    (0..count).map(|i| (i * len / count) as u32).collect()
}

/// The accepted ranges and defaults of every inspect argument, for the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limits {
    /// Steps of a learning-rate sweep, the default, and the sweep's first and last rates.
    pub finder_steps: Limit,
    pub default_finder_steps: usize,
    pub finder_start_rate: f64,
    pub finder_end_rate: f64,
    /// Points on the 1-D line and its default, and the α range (0 = initial, 1 = current).
    pub line_points: Limit,
    pub default_line_points: usize,
    pub line_alpha_min: f32,
    pub line_alpha_max: f32,
    /// Images of the fixed subsets the landscape evaluates on, and the default.
    pub subset: Limit,
    pub default_subset: usize,
    /// Grid points per side of a slice (odd, so the current weights are the centre), the
    /// default, and the half-width of the default square `[−r, r]²`.
    pub slice_resolution: Limit,
    pub default_slice_resolution: usize,
    pub slice_radius: Limit,
    pub default_slice_radius: f32,
    /// Test images of a hidden-layer map, and the default.
    pub map_images: Limit,
    pub default_map_images: usize,
}

pub fn limits() -> Limits {
    Limits {
        finder_steps: lr_finder::STEPS.to_limit(),
        default_finder_steps: lr_finder::DEFAULT_STEPS,
        finder_start_rate: lr_finder::START_RATE,
        finder_end_rate: lr_finder::END_RATE,
        line_points: landscape::LINE_POINTS.to_limit(),
        default_line_points: landscape::DEFAULT_LINE_POINTS,
        line_alpha_min: landscape::LINE_ALPHA.0,
        line_alpha_max: landscape::LINE_ALPHA.1,
        subset: landscape::SUBSET.to_limit(),
        default_subset: landscape::DEFAULT_SUBSET,
        slice_resolution: landscape::RESOLUTION.to_limit(),
        default_slice_resolution: landscape::DEFAULT_RESOLUTION,
        slice_radius: landscape::RADIUS.to_limit(),
        default_slice_radius: landscape::DEFAULT_RADIUS,
        map_images: hidden_map::IMAGES.to_limit(),
        default_map_images: hidden_map::DEFAULT_IMAGES,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::data::mnist::synthetic_bars;
    use crate::train::config::Config;
    use crate::train::trainer::Trainer;

    #[test]
    fn a_run_continued_after_every_tool_gives_the_same_bits_as_without_them() {
        let data = synthetic_bars(500);
        let config = Config {
            hidden: vec![16],
            batch_size: 32,
            validation_size: 50,
            dropout: 0.2, // draws from the run's training stream every step
            ..Config::default()
        };
        let mut alone = Trainer::new(config.clone(), &data).unwrap();
        let mut inspected = Trainer::new(config.clone(), &data).unwrap();
        alone.train_steps(&data, 6).unwrap();
        inspected.train_steps(&data, 6).unwrap();

        let mut finder = lr_finder::LrFinder::new(&config, &data, 100).unwrap();
        finder.step(&data, 30).unwrap();
        let net = inspected.network();
        landscape::line(&config.fresh_network(), net, &data, &data, 5, 100).unwrap();
        let mut slice = landscape::Slice::new(net, &data, 100, 5, 1.0, 3).unwrap();
        while slice.row().is_some() {}
        hidden_map::hidden_map(net, &data, 100, None).unwrap();

        alone.train_steps(&data, 6).unwrap();
        inspected.train_steps(&data, 6).unwrap();
        assert_eq!(bits(alone.network()), bits(inspected.network()));
    }

    /// Every weight's and bias's bits, layer by layer.
    pub(crate) fn bits(net: &crate::nn::network::Network) -> Vec<u32> {
        let values = net
            .layers
            .iter()
            .flat_map(|l| l.weights.iter().chain(&l.biases));
        values.map(|v| v.to_bits()).collect()
    }

    #[test]
    fn the_fixed_subset_spreads_over_the_data_and_is_capped_by_it() {
        assert_eq!(fixed_subset(10, 5), vec![0, 2, 4, 6, 8]);
        assert_eq!(fixed_subset(3, 5), vec![0, 1, 2]);
        assert_eq!(fixed_subset(60_000, 2000).last(), Some(&59_970));
    }
}
