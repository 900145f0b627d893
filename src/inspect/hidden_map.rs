//! A map of what the last hidden layer learned: its activations for a fixed set of test images,
//! projected on their first two principal components ([`crate::inspect::pca`]).
//!
//! The images are a [`fixed_subset`] of the test set, the same on every call, so successive maps
//! (e.g. one per epoch) show the same points moving. Activations come from the evaluation
//! forward pass ([`Network::layer_outputs`], no dropout).
//!
//! Alignment: a principal component is defined up to its sign, so a map could mirror from one
//! epoch to the next. Given the previous map's coordinates of the same images, each axis is
//! flipped when its coordinates correlate negatively with the previous map's same axis (sign
//! alignment: `Σᵢ yᵢₖ·y′ᵢₖ < 0` → negate component k). Sign alignment, not Procrustes: the axes stay
//! the principal directions (their variances mean something), only their orientation follows
//! the previous map; a rotation between epochs, when the two variances swap order, still shows.
//!
//! Non-goals: nonlinear maps (UMAP, t-SNE; the page may add one), layers other than the last
//! hidden one, drawing.

use crate::bounds::IntRange;
use crate::data::mnist::Dataset;
use crate::inspect::pca::{self, Pca};
use crate::inspect::{check_count, fixed_subset, InspectError};
use crate::nn::loss::argmax;
use crate::nn::network::{input, Network};
use ndarray::Array2;
use serde::Serialize;

/// Test images on a map, and the default.
pub const IMAGES: IntRange = IntRange::new(10, 10_000);
pub const DEFAULT_IMAGES: usize = 2000;
/// Widest hidden layer the map accepts (the covariance is `[width, width]`).
pub const MAX_UNITS: usize = 1024;
/// Images per forward pass.
const CHUNK: usize = 1000;

/// A map of `count` test images.
///
/// # Shapes
/// `indices`, `labels`, `predictions`: `[count]`; `coordinates`: `[count, 2]` row-major (x, y);
/// `activations`: `[count, units]` row-major.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HiddenMap {
    /// Which test images (indices into the test set).
    pub indices: Vec<u32>,
    pub labels: Vec<u8>,
    pub predictions: Vec<u8>,
    pub coordinates: Vec<f32>,
    /// Share of the layer's total variance each axis shows.
    pub explained: [f32; 2],
    /// Whether each axis was negated to match the previous map.
    pub flipped: [bool; 2],
    /// The hidden layer's width.
    pub units: usize,
    /// The projection, for placing another image (a drawing) on this map.
    #[serde(skip)]
    pub pca: Pca,
    /// The last hidden layer's activations the map projects, for a nonlinear map made elsewhere
    /// (the page's UMAP).
    #[serde(skip)]
    pub activations: Vec<f32>,
}

/// The map of `count` fixed test images for `net`; `previous` is the previous map's
/// `coordinates` of the same images (`[count, 2]`), to align the axes with.
pub fn hidden_map(
    net: &Network,
    test: &Dataset,
    count: usize,
    previous: Option<&[f32]>,
) -> Result<HiddenMap, InspectError> {
    check_count("map", "images", IMAGES, count)?;
    if net.layers.len() < 2 {
        return Err(InspectError::NoHiddenLayer);
    }
    let units = net.layers[net.layers.len() - 2].outputs();
    if units > MAX_UNITS {
        return Err(InspectError::OutOfRange(format!(
            "the last hidden layer has {units} units; the map takes at most {MAX_UNITS}"
        )));
    }
    if test.pixels_per_image() != net.inputs() {
        return Err(InspectError::ShapeMismatch(format!(
            "the images have {} pixels, the network {} inputs",
            test.pixels_per_image(),
            net.inputs()
        )));
    }
    let indices = fixed_subset(test.len(), count);
    let count = indices.len();
    if count < 2 {
        return Err(InspectError::OutOfRange(
            "the test set has too few images".into(),
        ));
    }
    if let Some(p) = previous {
        if p.len() != 2 * count {
            return Err(InspectError::OutOfRange(format!(
                "the previous map has {} coordinates; a map of {count} images has {}",
                p.len(),
                2 * count
            )));
        }
    }
    let mut hidden = Vec::with_capacity(count * units); // [count, units]
    let mut predictions = Vec::with_capacity(count);
    for chunk in indices.chunks(CHUNK) {
        let x = Array2::from_shape_fn((chunk.len(), net.inputs()), |(r, j)| {
            input(test.image(chunk[r] as usize)[j])
        }); // [chunk, 784]
        let mut outputs = net.layer_outputs(x.view());
        let logits = outputs.pop().expect("at least two layers"); // [chunk, 10]
        let last_hidden = outputs.pop().expect("at least one hidden layer"); // [chunk, units]
        hidden.extend(last_hidden.iter());
        predictions.extend(
            logits
                .rows()
                .into_iter()
                .map(|r| argmax(r.as_slice().expect("a new array is contiguous")).0 as u8),
        );
    }
    let pca = pca::pca(&hidden, units, 2);
    let mut coordinates: Vec<f32> = hidden
        .chunks_exact(units)
        .flat_map(|h| {
            let c = pca.project(h);
            [c[0] as f32, c.get(1).copied().unwrap_or(0.0) as f32]
        })
        .collect();
    let flipped = align(&mut coordinates, previous);
    let mut pca = pca;
    for (k, &f) in flipped.iter().enumerate() {
        if f {
            pca.components[k * units..(k + 1) * units]
                .iter_mut()
                .for_each(|w| *w = -*w);
        }
    }
    let share = |k: usize| {
        let v = pca.variances.get(k).copied().unwrap_or(0.0);
        if pca.total_variance > 0.0 {
            (v / pca.total_variance) as f32
        } else {
            0.0
        }
    };
    Ok(HiddenMap {
        labels: indices.iter().map(|&i| test.labels[i as usize]).collect(),
        indices,
        predictions,
        coordinates,
        explained: [share(0), share(1)],
        flipped,
        units,
        pca,
        activations: hidden,
    })
}

/// Negate each axis of `coordinates` (`[n, 2]`) whose values correlate negatively with
/// `previous`'s same axis; which axes were negated.
pub fn align(coordinates: &mut [f32], previous: Option<&[f32]>) -> [bool; 2] {
    let Some(previous) = previous else {
        return [false, false];
    };
    let mut flipped = [false; 2];
    for (k, f) in flipped.iter_mut().enumerate() {
        let dot: f64 = coordinates
            .chunks_exact(2)
            .zip(previous.chunks_exact(2))
            .map(|(c, p)| f64::from(c[k]) * f64::from(p[k]))
            .sum();
        if dot < 0.0 {
            *f = true;
            coordinates.chunks_exact_mut(2).for_each(|c| c[k] = -c[k]);
        }
    }
    flipped
}

impl HiddenMap {
    /// Where one image (784 bytes, e.g. the current drawing) falls on this map, for `net` (the
    /// network the map was made for).
    pub fn place(&self, net: &Network, image: &[u8]) -> Result<[f32; 2], InspectError> {
        if image.len() != net.inputs() {
            return Err(InspectError::OutOfRange(format!(
                "an image must have {} pixels, got {}",
                net.inputs(),
                image.len()
            )));
        }
        let hidden = net.hidden_activations(image);
        let last = hidden.last().ok_or(InspectError::NoHiddenLayer)?;
        if last.len() != self.units {
            return Err(InspectError::ShapeMismatch(format!(
                "the map was made for {} hidden units, the network has {}",
                self.units,
                last.len()
            )));
        }
        let c = self.pca.project(last);
        Ok([c[0] as f32, c.get(1).copied().unwrap_or(0.0) as f32])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::mnist::synthetic_bars;
    use crate::train::config::Config;
    use crate::train::trainer::Trainer;

    fn trained(steps: usize) -> (Network, Dataset) {
        let data = synthetic_bars(600);
        let config = Config {
            hidden: vec![20, 8],
            batch_size: 32,
            validation_size: 50,
            learning_rate: 0.01,
            ..Config::default()
        };
        let mut t = Trainer::new(config, &data).unwrap();
        t.train_steps(&data, steps).unwrap();
        (t.into_network(), data)
    }

    #[test]
    fn a_map_has_every_image_and_its_coordinates_are_the_pca_projection() {
        let (net, data) = trained(10);
        let m = hidden_map(&net, &data, 300, None).unwrap();
        assert_eq!(
            (m.indices.len(), m.labels.len(), m.coordinates.len()),
            (300, 300, 600)
        );
        assert_eq!(m.units, 8);
        assert_eq!(m.flipped, [false, false]);
        assert!(m.explained[0] >= m.explained[1] && m.explained[0] + m.explained[1] <= 1.0 + 1e-6);
        // Coordinates are centred (PCA) and a point re-placed through `place` lands where it is.
        let mean_x: f32 = m.coordinates.iter().step_by(2).sum::<f32>() / 300.0;
        assert!(mean_x.abs() < 1e-3, "{mean_x}");
        let i = 17;
        let at = m.place(&net, data.image(m.indices[i] as usize)).unwrap();
        assert!((at[0] - m.coordinates[2 * i]).abs() < 1e-3);
        assert!((at[1] - m.coordinates[2 * i + 1]).abs() < 1e-3);
        // Predictions are the network's.
        let p = argmax(&net.predict(data.image(m.indices[i] as usize))).0 as u8;
        assert_eq!(m.predictions[i], p);
        // The activations kept are the ones projected.
        assert_eq!(m.activations.len(), 300 * 8);
        let row = m.pca.project(&m.activations[i * 8..(i + 1) * 8]);
        assert!((row[0] as f32 - m.coordinates[2 * i]).abs() < 1e-4);
        assert!((row[1] as f32 - m.coordinates[2 * i + 1]).abs() < 1e-4);
    }

    #[test]
    fn alignment_keeps_the_previous_maps_signs() {
        let (net, data) = trained(10);
        let first = hidden_map(&net, &data, 200, None).unwrap();
        // The previous map mirrored on x: the new map follows it.
        let mirrored: Vec<f32> = first
            .coordinates
            .chunks(2)
            .flat_map(|c| [-c[0], c[1]])
            .collect();
        let again = hidden_map(&net, &data, 200, Some(&mirrored)).unwrap();
        assert_eq!(again.flipped, [true, false]);
        assert_eq!(again.coordinates, mirrored);
        // After more training every axis still correlates positively with the previous map.
        let (later, _) = trained(14);
        let next = hidden_map(&later, &data, 200, Some(&again.coordinates)).unwrap();
        for k in 0..2 {
            let dot: f32 = next
                .coordinates
                .chunks(2)
                .zip(again.coordinates.chunks(2))
                .map(|(a, b)| a[k] * b[k])
                .sum();
            assert!(dot >= 0.0, "axis {k}");
        }
        // A drawing placed on the flipped map is flipped too.
        let img = data.image(3);
        let (p1, p2) = (
            first.place(&net, img).unwrap(),
            again.place(&net, img).unwrap(),
        );
        assert!((p1[0] + p2[0]).abs() < 1e-4 && (p1[1] - p2[1]).abs() < 1e-4);
    }

    #[test]
    fn bad_arguments_are_refused() {
        let (net, data) = trained(1);
        assert!(hidden_map(&net, &data, 5, None).is_err());
        assert!(hidden_map(&net, &data, 100, Some(&[0.0; 10])).is_err());
        let regression =
            Network::from_sizes(&[784, 10], net.activation, crate::nn::init::Init::Auto, 1);
        assert_eq!(
            hidden_map(&regression, &data, 100, None).unwrap_err(),
            InspectError::NoHiddenLayer
        );
    }
}
