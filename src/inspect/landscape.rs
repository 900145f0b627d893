//! The loss landscape around a network's weights.
//!
//! - **Line** (Goodfellow, Vinyals & Saxe 2015): `θ(α) = (1−α)·θ₀ + α·θ₁` from the initial
//!   weights θ₀ to the current θ₁, for α from −0.5 to 1.5 (this form gives θ₀ and θ₁ exactly at
//!   α = 0 and 1), with the mean loss on a fixed subset of training images and of test images.
//! - **Slice** (Li, Xu, Taylor, Studer & Goldstein 2018): `θ(a, b) = θ + a·δ + b·η` on a square
//!   grid over `[−r, r]²`, θ the current weights at the centre. δ and η are random directions
//!   (normal draws from the [`Stream::Landscape`] generator of a seed) with *filter
//!   normalisation*: for a dense layer each unit's incoming weight vector (a column of `W`,
//!   `[inputs]`) is a filter, and each direction's filter is rescaled to the norm of the weights it
//!   perturbs, `δ_j ← δ_j · ‖θ_j‖/‖δ_j‖`. Biases are zero in both directions, as in Li et al.'s
//!   code (`ignore='biasbn'`): the plane moves the weights only.
//! - **Projection**: a checkpoint θ_k (e.g. each epoch's weights) on the plane, by least squares:
//!   the `(a, b)` minimising `‖θ_k − θ − a·δ − b·η‖` over every weight, and that distance (random
//!   directions in many dimensions are nearly orthogonal to a trajectory, so it is usually large:
//!   the page should say how far off the plane a checkpoint is).
//!
//! Every point is an affine combination `Σ c_k·θ_k` of a few fixed networks (the line: θ₀, θ₁;
//! the slice: θ, δ, η). Its loss is the mean cross-entropy on images fixed in advance,
//! computed by [`Combinations`] with one shortcut, exact up to rounding: the first layer's
//! pre-activations are linear in its weights and biases, `z₁(Σ c_k θ_k) = Σ c_k z₁(θ_k)`, so
//! each network's `z₁` is computed once by the training step's own forward pass
//! ([`Network::forward_train`], which [`SubsetLoss`] also uses) and a point costs only the sum,
//! the activation and the layers after the first ([`Network::logits`] on the combined
//! tail, then [`crate::nn::loss`]). For the default 784-128-10 network that removes the
//! 784×128 product, ~99% of the work. The coefficients (1, 0, …) give back `z₁(θ_k)` exactly.
//! The networks given are never changed: every point is computed in scratch copies.
//!
//! Directions from the trajectory's principal components (Li et al. §7) are made by
//! [`crate::inspect::trajectory`] and given to [`Slice::with_directions`].
//!
//! Non-goals: Hessian eigenvalues, 3-D rendering, accuracy surfaces.
//!
//! [`Stream::Landscape`]: crate::rng::Stream::Landscape

use crate::bounds::{FloatRange, IntRange};
use crate::data::mnist::Dataset;
use crate::inspect::{check_count, fixed_subset, InspectError};
use crate::nn::loss;
use crate::nn::network::Network;
use crate::nn::workspace::Workspace;
use crate::rng::{self, Stream};
use ndarray::ArrayView2;
use serde::Serialize;

/// Points on the line, and the default.
pub const LINE_POINTS: IntRange = IntRange::new(3, 201);
pub const DEFAULT_LINE_POINTS: usize = 41;
/// The line's α range (0 = initial weights, 1 = current weights).
pub const LINE_ALPHA: (f32, f32) = (-0.5, 1.5);
/// Images of each fixed subset, and the default.
pub const SUBSET: IntRange = IntRange::new(100, 10_000);
pub const DEFAULT_SUBSET: usize = 2000;
/// Grid points per side of a slice (odd: the centre is a grid point), and the default.
pub const RESOLUTION: IntRange = IntRange::new(5, 51);
pub const DEFAULT_RESOLUTION: usize = 25;
/// Half-width r of the slice's square `[−r, r]²`, and the default.
pub const RADIUS: FloatRange = FloatRange::open_closed(0.0, 10.0);
pub const DEFAULT_RADIUS: f32 = 1.0;

/// Rows per block in [`Combinations::loss`]: a block's `z₁` (256 KiB for 128 units) stays in
/// the L2 cache from the sum to the loss.
const BLOCK_ROWS: usize = 512;

/// Most weights and biases kept as a run's epoch checkpoints for projection onto a slice
/// (64 MiB of `f32`: 164 epochs of the default network).
pub const MAX_CHECKPOINT_VALUES: usize = 16 << 20;

/// Images evaluated per forward pass (bounds the workspace: `[CHUNK, 784]` floats).
const CHUNK: usize = 500;
/// Most first-layer pre-activations kept by [`Combinations`] (networks × images × width):
/// 128 MiB of `f32`.
const MAX_KEPT: usize = 32 << 20;

/// Mean loss of networks of one shape on a fixed set of images, with the training forward pass.
pub struct SubsetLoss {
    ws: Workspace,
    /// The images as `[count, pixels]` bytes and their labels, in chunks of [`CHUNK`].
    images: Vec<u8>,
    labels: Vec<u8>,
    pixels: usize,
}

impl SubsetLoss {
    /// The images of `data` at `indices`, for networks shaped like `net`.
    pub fn new(net: &Network, data: &Dataset, indices: &[u32]) -> Result<SubsetLoss, InspectError> {
        let pixels = data.pixels_per_image();
        if pixels != net.inputs() {
            return Err(InspectError::ShapeMismatch(format!(
                "the images have {pixels} pixels, the network {} inputs",
                net.inputs()
            )));
        }
        if indices.is_empty() {
            return Err(InspectError::OutOfRange("no images to evaluate on".into()));
        }
        let mut images = Vec::with_capacity(indices.len() * pixels);
        for &i in indices {
            images.extend_from_slice(data.image(i as usize));
        }
        let labels = indices.iter().map(|&i| data.labels[i as usize]).collect();
        Ok(SubsetLoss {
            ws: Workspace::new(net, CHUNK.min(indices.len()), 0.0),
            images,
            labels,
            pixels,
        })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Mean cross-entropy of `net` on the images (f64 sums, as the trainer's).
    pub fn loss(&mut self, net: &Network) -> f64 {
        let mut sum = 0.0;
        self.forward(net, |_, _, loss| sum += loss);
        sum / self.len() as f64
    }

    /// The first layer's pre-activations `z₁ = x·W₁ + b₁` (input standardised) of `net` for
    /// every image, from the training forward pass.
    ///
    /// # Shapes
    /// `[count, width₁]` row-major.
    pub fn first_layer(&mut self, net: &Network) -> Vec<f32> {
        let width = net.layers[0].outputs();
        let mut out = Vec::with_capacity(self.len() * width);
        self.forward(net, |ws, n, _| {
            out.extend_from_slice(&ws.zs[0][..n * width])
        });
        out
    }

    /// The training forward pass of `net` over the images, a workspace-full at a time; after
    /// each, `each(workspace, rows, summed loss)`.
    fn forward(&mut self, net: &Network, mut each: impl FnMut(&Workspace, usize, f64)) {
        let cap = self.ws.capacity;
        for (images, labels) in self
            .images
            .chunks(cap * self.pixels)
            .zip(self.labels.chunks(cap))
        {
            let n = self
                .ws
                .load_batch(images.chunks_exact(self.pixels).zip(labels.iter().copied()));
            let (loss, _) = net.forward_train(&mut self.ws, n, n);
            each(&self.ws, n, loss);
        }
    }
}

/// Mean losses of affine combinations `Σ c_k·θ_k` of a few networks of one shape on fixed
/// images (see the module doc for the first-layer shortcut).
pub struct Combinations {
    nets: Vec<Network>,
    /// Per network, `z₁` for every image: `[count, width₁]`.
    first: Vec<Vec<f32>>,
    labels: Vec<u8>,
    /// The combined layers after the first (None for a one-layer network).
    tail: Option<Network>,
    /// `[BLOCK_ROWS, width₁]`: a block's combined `z₁`, then its activation.
    z: Vec<f32>,
    zero_bias: Vec<f32>,
    /// `[BLOCK_ROWS, classes]`
    probs: Vec<f32>,
}

impl Combinations {
    /// `nets` (at least one, all of one shape) on the images of `data` at `indices`.
    pub fn new(
        nets: &[&Network],
        data: &Dataset,
        indices: &[u32],
    ) -> Result<Combinations, InspectError> {
        let first_net = nets
            .first()
            .ok_or_else(|| InspectError::OutOfRange("no network to evaluate".into()))?;
        for n in nets {
            same_shape(first_net, n)?;
        }
        let width = first_net.layers[0].outputs();
        let kept = nets.len() * indices.len() * width;
        if kept > MAX_KEPT {
            return Err(InspectError::OutOfRange(format!(
                "a first layer of {width} units on {} images needs too much memory: use at most {} images",
                indices.len(),
                MAX_KEPT / (nets.len() * width)
            )));
        }
        let mut subset = SubsetLoss::new(first_net, data, indices)?;
        let first = nets.iter().map(|n| subset.first_layer(n)).collect();
        let tail = (first_net.layers.len() > 1).then(|| Network {
            layers: first_net.layers[1..].to_vec(),
            activation: first_net.activation,
        });
        Ok(Combinations {
            nets: nets.iter().map(|&n| n.clone()).collect(),
            first,
            labels: subset.labels,
            tail,
            z: vec![0.0; BLOCK_ROWS.min(indices.len()) * width],
            zero_bias: vec![0.0; width],
            probs: vec![0.0; BLOCK_ROWS.min(indices.len()) * first_net.outputs()],
        })
    }

    /// Mean cross-entropy of `Σ coefficients[k]·nets[k]`.
    ///
    /// # Panics
    /// If there is not one coefficient per network.
    pub fn loss(&mut self, coefficients: &[f32]) -> f64 {
        assert_eq!(
            coefficients.len(),
            self.nets.len(),
            "one coefficient per network"
        );
        if let Some(tail) = &mut self.tail {
            // The combined layers 2…L (cheap: they are small next to the first).
            for (l, layer) in tail.layers.iter_mut().enumerate() {
                layer.weights.fill(0.0);
                layer.biases.fill(0.0);
                for (&c, net) in coefficients.iter().zip(&self.nets) {
                    layer.weights.scaled_add(c, &net.layers[l + 1].weights);
                    layer.biases.scaled_add(c, &net.layers[l + 1].biases);
                }
            }
        }
        let n = self.labels.len();
        let width = self.zero_bias.len();
        let classes = self.nets[0].outputs();
        let mut sum = 0.0;
        // A block of rows at a time, so the block's z₁ stays in cache from the sum to the loss.
        for (block, labels) in self.labels.chunks(BLOCK_ROWS).enumerate() {
            let rows = labels.len();
            let (start, z) = (block * BLOCK_ROWS * width, &mut self.z[..rows * width]);
            // z₁ = Σ c_k z₁(θ_k)  [rows, width₁]
            for (k, (&c, first)) in coefficients.iter().zip(&self.first).enumerate() {
                let p = &first[start..start + rows * width];
                if k == 0 {
                    z.iter_mut().zip(p).for_each(|(z, &p)| *z = c * p);
                } else {
                    z.iter_mut().zip(p).for_each(|(z, &p)| *z += c * p);
                }
            }
            let probs = &mut self.probs[..rows * classes];
            sum += match &self.tail {
                None => loss::softmax_cross_entropy(z, labels, probs).0,
                Some(tail) => {
                    tail.activation.bias_forward_in_place(z, &self.zero_bias); // a₁ = f(z₁)
                    let a =
                        ArrayView2::from_shape((rows, width), &z[..]).expect("z is [rows, width₁]");
                    let logits = tail.logits(a); // [rows, classes]
                    let logits = logits.as_slice().expect("a new array is contiguous");
                    loss::softmax_cross_entropy(logits, labels, probs).0
                }
            };
        }
        sum / n as f64
    }
}

pub(crate) fn same_shape(a: &Network, b: &Network) -> Result<(), InspectError> {
    if a.sizes() != b.sizes() {
        return Err(InspectError::ShapeMismatch(format!(
            "{:?} and {:?}",
            a.sizes(),
            b.sizes()
        )));
    }
    Ok(())
}

/// `out ← Σ cᵢ·netᵢ` over every weight and bias (all of one shape; `out` too): the oracle the
/// tests check [`Combinations`] against.
#[cfg(test)]
pub(crate) fn combine(out: &mut Network, terms: &[(f32, &Network)]) {
    for (l, layer) in out.layers.iter_mut().enumerate() {
        layer.weights.fill(0.0);
        layer.biases.fill(0.0);
        for &(c, net) in terms {
            layer.weights.scaled_add(c, &net.layers[l].weights);
            layer.biases.scaled_add(c, &net.layers[l].biases);
        }
    }
}

/// The line's values.
///
/// # Shapes
/// `alphas`, `train_loss`, `test_loss`: `[points]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub alphas: Vec<f32>,
    pub train_loss: Vec<f32>,
    pub test_loss: Vec<f32>,
}

/// `points` values of α evenly over [`LINE_ALPHA`], hitting 0 and 1 exactly when the spacing
/// allows (41 points: steps of 0.05).
pub fn line_alphas(points: usize) -> Vec<f32> {
    let (lo, hi) = (f64::from(LINE_ALPHA.0), f64::from(LINE_ALPHA.1));
    (0..points)
        .map(|i| {
            let a = lo + (hi - lo) * i as f64 / (points - 1) as f64;
            // Round away the last bits so α = 0 and α = 1 come out exact.
            ((a * 1e6).round() / 1e6) as f32
        })
        .collect()
}

/// The loss along `θ(α) = (1−α)·initial + α·current` at `points` values of α, on `subset`
/// training images and `subset` test images (each a [`fixed_subset`]).
pub fn line(
    initial: &Network,
    current: &Network,
    train: &Dataset,
    test: &Dataset,
    points: usize,
    subset: usize,
) -> Result<Line, InspectError> {
    check_count("line", "points", LINE_POINTS, points)?;
    check_count("subset", "images", SUBSET, subset)?;
    same_shape(initial, current)?;
    let nets = [initial, current];
    let mut on_train = Combinations::new(&nets, train, &fixed_subset(train.len(), subset))?;
    let mut on_test = Combinations::new(&nets, test, &fixed_subset(test.len(), subset))?;
    let alphas = line_alphas(points);
    let (mut train_loss, mut test_loss) = (Vec::new(), Vec::new());
    for &a in &alphas {
        train_loss.push(on_train.loss(&[1.0 - a, a]) as f32);
        test_loss.push(on_test.loss(&[1.0 - a, a]) as f32);
    }
    Ok(Line {
        alphas,
        train_loss,
        test_loss,
    })
}

/// A random direction shaped like `net`, filter-normalised against it: every column `j` of every
/// layer's weights gets norm `‖net.W[:, j]‖`; biases are zero. Normal draws (Irwin–Hall,
/// [`rng::normal`]) from `rng`, layer by layer, row-major.
pub fn filter_normalised_direction<R: rand::Rng + ?Sized>(net: &Network, rng: &mut R) -> Network {
    let mut d = net.clone();
    for (dl, l) in d.layers.iter_mut().zip(&net.layers) {
        dl.weights.mapv_inplace(|_| rng::normal(rng));
        dl.biases.fill(0.0);
        for (mut dc, c) in dl
            .weights
            .columns_mut()
            .into_iter()
            .zip(l.weights.columns())
        {
            let norm = |v: ndarray::ArrayView1<f32>| {
                v.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>().sqrt()
            };
            let (target, own) = (norm(c), norm(dc.view()));
            let scale = if own > 0.0 {
                (target / own) as f32
            } else {
                0.0
            };
            dc.mapv_inplace(|x| x * scale);
        }
    }
    d
}

/// Where a checkpoint sits relative to the slice's plane.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Projection {
    /// Least-squares coordinates along the two directions.
    pub a: f32,
    pub b: f32,
    /// `‖θ_k − θ‖` and the part of it off the plane, `‖θ_k − θ − a·δ − b·η‖` (weights and biases).
    pub distance: f32,
    pub off_plane: f32,
}

/// One finished row of a slice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SliceRow {
    /// Row index (the `b` coordinate's index), and rows done of `resolution`.
    pub row: usize,
    pub done: usize,
    pub resolution: usize,
    /// The row's losses, `[resolution]`, along `a`.
    pub losses: Vec<f32>,
}

/// `Ok` when a slice's grid (odd `resolution` points per side), `radius` and `subset` are accepted,
/// else the message saying which is wrong.
fn check_grid(resolution: usize, radius: f32, subset: usize) -> Result<(), InspectError> {
    check_count("grid", "points per side", RESOLUTION, resolution)?;
    if resolution.is_multiple_of(2) {
        return Err(InspectError::OutOfRange(format!(
            "the grid takes an odd number of points per side (the current weights are its centre), got {resolution}"
        )));
    }
    RADIUS
        .check("radius", radius)
        .map_err(InspectError::OutOfRange)?;
    check_count("subset", "images", SUBSET, subset)
}

/// A 2-D slice in progress; [`Slice::row`] computes one row of the grid at a time.
pub struct Slice {
    centre: Network,
    directions: [Network; 2],
    /// Losses of `θ + a·δ + b·η` as the combination (1, a, b).
    losses: Combinations,
    coordinates: Vec<f32>,
    /// `[resolution, resolution]`, row `i` at `b = coordinates[i]`, column `j` at `a = coordinates[j]`.
    values: Vec<f32>,
    rows_done: usize,
}

impl Slice {
    /// A slice around `net` (copied: the caller's network is never changed) on
    /// `subset` training images ([`fixed_subset`]), with directions from `seed`.
    pub fn new(
        net: &Network,
        train: &Dataset,
        subset: usize,
        resolution: usize,
        radius: f32,
        seed: u64,
    ) -> Result<Slice, InspectError> {
        check_grid(resolution, radius, subset)?;
        let mut rng = rng::seeded(seed, Stream::Landscape);
        let first = filter_normalised_direction(net, &mut rng);
        let second = filter_normalised_direction(net, &mut rng);
        Slice::with_directions(net, train, subset, resolution, radius, [first, second])
    }

    /// A slice around `net` along two given directions shaped like it (e.g. a training path's,
    /// [`crate::inspect::trajectory`]); otherwise as [`Slice::new`].
    pub fn with_directions(
        net: &Network,
        train: &Dataset,
        subset: usize,
        resolution: usize,
        radius: f32,
        [first, second]: [Network; 2],
    ) -> Result<Slice, InspectError> {
        check_grid(resolution, radius, subset)?;
        same_shape(&first, net)?;
        same_shape(&second, net)?;
        let losses = Combinations::new(
            &[net, &first, &second],
            train,
            &fixed_subset(train.len(), subset),
        )?;
        let half = (resolution - 1) as f64 / 2.0;
        let coordinates = (0..resolution)
            .map(|i| ((i as f64 - half) / half * f64::from(radius)) as f32)
            .collect();
        Ok(Slice {
            centre: net.clone(),
            directions: [first, second],
            losses,
            coordinates,
            values: Vec::with_capacity(resolution * resolution),
            rows_done: 0,
        })
    }

    pub fn resolution(&self) -> usize {
        self.coordinates.len()
    }

    /// The grid's coordinates along each direction, `[resolution]`, with 0 in the middle.
    pub fn coordinates(&self) -> &[f32] {
        &self.coordinates
    }

    /// The two directions (shaped like the network; biases zero).
    pub fn directions(&self) -> &[Network; 2] {
        &self.directions
    }

    pub fn is_done(&self) -> bool {
        self.rows_done == self.resolution()
    }

    /// Compute the next row; None once every row is done.
    pub fn row(&mut self) -> Option<SliceRow> {
        if self.is_done() {
            return None;
        }
        let i = self.rows_done;
        let b = self.coordinates[i];
        let start = self.values.len();
        for j in 0..self.resolution() {
            let a = self.coordinates[j];
            let loss = self.losses.loss(&[1.0, a, b]) as f32;
            self.values.push(loss);
        }
        self.rows_done += 1;
        Some(SliceRow {
            row: i,
            done: self.rows_done,
            resolution: self.resolution(),
            losses: self.values[start..].to_vec(),
        })
    }

    /// Every finished row's losses, `[done rows, resolution]` row-major.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// Least-squares coordinates of `checkpoint` on the plane (see [`Projection`]).
    pub fn project(&self, checkpoint: &Network) -> Result<Projection, InspectError> {
        same_shape(checkpoint, &self.centre)?;
        // Normal equations [δ·δ δ·η; δ·η η·η]·[a; b] = [δ·Δ; η·Δ], in f64; Δ = θ_k − θ.
        let (mut dd, mut de, mut ee, mut dx, mut ex, mut xx) = (0.0f64, 0.0, 0.0, 0.0, 0.0, 0.0);
        for (l, layer) in checkpoint.layers.iter().enumerate() {
            let c = &self.centre.layers[l];
            let (d, e) = (&self.directions[0].layers[l], &self.directions[1].layers[l]);
            for (((&k, &t), &u), &v) in layer
                .weights
                .iter()
                .zip(&c.weights)
                .zip(&d.weights)
                .zip(&e.weights)
            {
                let (x, u, v) = (f64::from(k) - f64::from(t), f64::from(u), f64::from(v));
                dd += u * u;
                de += u * v;
                ee += v * v;
                dx += u * x;
                ex += v * x;
                xx += x * x;
            }
            // The directions' biases are zero: the biases' change is all off the plane.
            for (&k, &t) in layer.biases.iter().zip(&c.biases) {
                xx += (f64::from(k) - f64::from(t)).powi(2);
            }
        }
        let det = dd * ee - de * de;
        let (a, b) = if det > 0.0 {
            ((ee * dx - de * ex) / det, (dd * ex - de * dx) / det)
        } else {
            (0.0, 0.0)
        };
        // ‖Δ − aδ − bη‖² = ‖Δ‖² − 2a δ·Δ − 2b η·Δ + a²δ·δ + 2ab δ·η + b²η·η
        let off = xx - 2.0 * a * dx - 2.0 * b * ex + a * a * dd + 2.0 * a * b * de + b * b * ee;
        Ok(Projection {
            a: a as f32,
            b: b as f32,
            distance: xx.sqrt() as f32,
            off_plane: off.max(0.0).sqrt() as f32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::mnist::synthetic_bars;
    use crate::train::config::Config;
    use crate::train::metrics;
    use crate::train::trainer::Trainer;

    fn trained(seed: u64, data: &Dataset) -> (Network, Network) {
        let config = Config {
            hidden: vec![24, 12],
            batch_size: 32,
            epochs: 1,
            validation_size: 50,
            seed,
            learning_rate: 0.01,
            ..Config::default()
        };
        let initial = config.fresh_network();
        let mut t = Trainer::new(config, data).unwrap();
        t.train_steps(data, 10).unwrap();
        (initial, t.into_network())
    }

    use crate::inspect::tests::bits;

    #[test]
    fn subset_loss_agrees_with_the_evaluation_pass() {
        let data = synthetic_bars(1200);
        let (_, net) = trained(1, &data);
        let idx = fixed_subset(data.len(), 1100); // three chunks, the last one partial
        let mut s = SubsetLoss::new(&net, &data, &idx).unwrap();
        let want = metrics::evaluate(&net, &data, Some(&idx)).loss;
        let got = s.loss(&net);
        assert!((got - want).abs() < 1e-5 * want.max(1.0), "{got} vs {want}");
        assert_eq!(s.loss(&net), got, "the same bits every call");
    }

    #[test]
    fn combinations_agree_with_the_combined_network_evaluated_directly() {
        let data = synthetic_bars(700);
        let (a, b) = trained(6, &data);
        let idx = fixed_subset(data.len(), 600);
        let mut direct = SubsetLoss::new(&a, &data, &idx).unwrap();
        let mut comb = Combinations::new(&[&a, &b], &data, &idx).unwrap();
        let mut scratch = a.clone();
        for c in [[1.0, 0.0], [0.0, 1.0], [0.3, 0.7], [-0.5, 1.5], [2.0, -1.0]] {
            combine(&mut scratch, &[(c[0], &a), (c[1], &b)]);
            let (got, want) = (comb.loss(&c), direct.loss(&scratch));
            assert!(
                (got - want).abs() < 1e-5 * want.max(1.0),
                "{c:?}: {got} vs {want}"
            );
        }
        // One-layer networks (softmax regression) have no tail.
        let r0 = Network::from_sizes(&[784, 10], a.activation, crate::nn::init::Init::Auto, 1);
        let r1 = Network::from_sizes(&[784, 10], a.activation, crate::nn::init::Init::Auto, 2);
        let mut comb = Combinations::new(&[&r0, &r1], &data, &idx).unwrap();
        let mut scratch = r0.clone();
        combine(&mut scratch, &[(0.25, &r0), (0.75, &r1)]);
        let (got, want) = (comb.loss(&[0.25, 0.75]), direct_loss(&scratch, &data, &idx));
        assert!((got - want).abs() < 1e-5 * want.max(1.0), "{got} vs {want}");
        let wide = Network::from_sizes(
            &[784, 5000, 10],
            a.activation,
            crate::nn::init::Init::Auto,
            1,
        );
        let many = fixed_subset(data.len(), 700);
        assert!(
            Combinations::new(&[&wide; 10], &data, &many).is_err(),
            "memory cap"
        );
    }

    fn direct_loss(net: &Network, data: &Dataset, idx: &[u32]) -> f64 {
        SubsetLoss::new(net, data, idx).unwrap().loss(net)
    }

    #[test]
    fn the_line_ends_at_the_initial_and_current_losses() {
        let data = synthetic_bars(800);
        let (initial, current) = trained(2, &data);
        let before = (bits(&initial), bits(&current));
        let l = line(&initial, &current, &data, &data, 41, 300).unwrap();
        assert_eq!((bits(&initial), bits(&current)), before, "inputs unchanged");
        assert_eq!(l.alphas.len(), 41);
        assert_eq!((l.alphas[0], l.alphas[40]), (-0.5, 1.5));
        let (zero, one) = (
            l.alphas.iter().position(|&a| a == 0.0).unwrap(),
            l.alphas.iter().position(|&a| a == 1.0).unwrap(),
        );
        let idx = fixed_subset(data.len(), 300);
        let mut s = SubsetLoss::new(&current, &data, &idx).unwrap();
        let close = |a: f32, b: f64| (f64::from(a) - b).abs() < 1e-5 * b.max(1.0);
        assert!(close(l.train_loss[zero], s.loss(&initial)));
        assert!(close(l.train_loss[one], s.loss(&current)));
        // An independent oracle: the evaluation pass.
        let eval = |n: &Network| metrics::evaluate(n, &data, Some(&idx)).loss as f32;
        assert!((l.train_loss[zero] - eval(&initial)).abs() < 1e-4);
        assert!((l.test_loss[one] - eval(&current)).abs() < 1e-4);
        assert!(
            l.train_loss[one] < l.train_loss[zero],
            "training lowered the loss"
        );
        assert!(line(&initial, &current, &data, &data, 2, 300).is_err());
        assert!(line(&initial, &current, &data, &data, 41, 50).is_err());
    }

    #[test]
    fn directions_give_every_filter_the_norm_of_the_weights_it_perturbs() {
        let data = synthetic_bars(200);
        let (_, net) = trained(3, &data);
        let mut rng = rng::seeded(5, Stream::Landscape);
        let d = filter_normalised_direction(&net, &mut rng);
        for (dl, l) in d.layers.iter().zip(&net.layers) {
            assert!(dl.biases.iter().all(|&b| b == 0.0));
            for (dc, c) in dl.weights.columns().into_iter().zip(l.weights.columns()) {
                let n = |v: ndarray::ArrayView1<f32>| v.iter().map(|x| x * x).sum::<f32>().sqrt();
                assert!((n(dc) - n(c)).abs() <= 1e-5 * n(c), "{} vs {}", n(dc), n(c));
                assert_ne!(dc, c, "a random direction, not the weights");
            }
        }
    }

    #[test]
    fn the_slice_is_centred_on_the_current_loss_and_never_changes_the_network() {
        let data = synthetic_bars(600);
        let (_, net) = trained(4, &data);
        let before = bits(&net);
        let mut s = Slice::new(&net, &data, 500, 5, 1.0, 9).unwrap();
        assert_eq!(s.coordinates(), &[-1.0, -0.5, 0.0, 0.5, 1.0]);
        let mut rows = 0;
        while let Some(r) = s.row() {
            assert_eq!((r.row, r.done, r.losses.len()), (rows, rows + 1, 5));
            rows += 1;
        }
        assert!(s.is_done() && s.row().is_none());
        assert_eq!(bits(&net), before);
        let centre = s.values()[2 * 5 + 2];
        let idx = fixed_subset(data.len(), 500);
        let want = SubsetLoss::new(&net, &data, &idx).unwrap().loss(&net);
        assert!(
            (f64::from(centre) - want).abs() < 1e-5 * want.max(1.0),
            "{centre} vs {want}"
        );
        let want = metrics::evaluate(&net, &data, Some(&idx)).loss;
        assert!(
            (f64::from(centre) - want).abs() < 1e-5 * want.max(1.0),
            "{centre} vs {want}"
        );
        // Away from the minimum the loss is higher at the corners (a trained net).
        assert!(s.values()[0] > centre && s.values()[24] > centre);
        // The same seed gives the same directions; another seed others.
        let again = Slice::new(&net, &data, 500, 5, 1.0, 9).unwrap();
        assert_eq!(bits(&again.directions()[0]), bits(&s.directions()[0]));
        let other = Slice::new(&net, &data, 500, 5, 1.0, 10).unwrap();
        assert_ne!(bits(&other.directions()[0]), bits(&s.directions()[0]));
        assert!(
            Slice::new(&net, &data, 500, 6, 1.0, 9).is_err(),
            "even grid"
        );
        assert!(Slice::new(&net, &data, 500, 5, 0.0, 9).is_err());
    }

    #[test]
    fn a_point_on_the_plane_projects_to_its_coordinates() {
        let data = synthetic_bars(300);
        let (initial, net) = trained(5, &data);
        let s = Slice::new(&net, &data, 200, 5, 1.0, 1).unwrap();
        let mut on = net.clone();
        let [d1, d2] = s.directions();
        combine(&mut on, &[(1.0, &net), (0.3, d1), (-0.7, d2)]);
        let p = s.project(&on).unwrap();
        assert!(
            (p.a - 0.3).abs() < 1e-4 && (p.b + 0.7).abs() < 1e-4,
            "{p:?}"
        );
        assert!(p.off_plane < 1e-3 * p.distance, "{p:?}");
        let centre = s.project(&net).unwrap();
        assert_eq!((centre.a, centre.b, centre.distance), (0.0, 0.0, 0.0));
        // A real checkpoint: the distance splits into the on-plane and off-plane parts.
        let p = s.project(&initial).unwrap();
        let on_plane = {
            let mut x = net.clone();
            combine(&mut x, &[(p.a, d1), (p.b, d2)]);
            norm(&x)
        };
        let total = (on_plane.powi(2) + p.off_plane.powi(2)).sqrt();
        assert!(
            (total - p.distance).abs() < 1e-3 * p.distance,
            "{total} vs {p:?}"
        );
        let other = Network::from_sizes(
            &[784, 3, 10],
            net.activation,
            crate::nn::init::Init::Auto,
            1,
        );
        assert!(s.project(&other).is_err());
    }

    fn norm(net: &Network) -> f32 {
        net.layers
            .iter()
            .flat_map(|l| l.weights.iter().chain(l.biases.iter()))
            .map(|&v| v * v)
            .sum::<f32>()
            .sqrt()
    }
}
