//! The two principal directions of a training trajectory (Li, Xu, Taylor, Studer & Goldstein
//! 2018, §7): a plane in weight space that the path of the weights actually lies near, for the
//! loss slice ([`crate::inspect::landscape::Slice::with_directions`]), unlike random directions,
//! which in ~100k dimensions are nearly orthogonal to it.
//!
//! The points are the trajectory's weights (weights and biases, flattened layer by layer) relative
//! to the centre θ (the current weights): `x_i = θ_i − θ` for the initial weights, each kept
//! epoch's end and the current weights themselves (`x = 0`). Their principal components come from
//! the small Gram matrix of the centred points, `G = X̃X̃ᵀ` (`[n, n]`, f64; `n` points, at most
//! [`MAX_POINTS`]): its eigenvectors `u_k` (cyclic Jacobi) give the components
//! `v_k = X̃ᵀu_k/√λ_k` (unit length, orthogonal), the way PCA of a few points in many dimensions
//! is done without the `[d, d]` covariance. Li et al.'s code leaves the final point out; here it
//! is one of the points, so a run of two epochs (three points) already spans a plane.
//!
//! Each direction is scaled so that the grid's `[−1, 1]` spans the path: by 1.25 × the largest
//! |coordinate| of a point along either component. Signs: the initial weights at negative
//! coordinates (the path comes in from the lower left).
//!
//! Non-goals: more than two components; filter normalisation (the directions are the path's own).

use crate::inspect::InspectError;
use crate::nn::network::Network;

/// Most trajectory points used (the initial weights, epoch ends, the current weights); longer
/// paths are thinned evenly, keeping the first and the last. `G` costs `n²·d/2` products.
pub const MAX_POINTS: usize = 33;

/// How far past the path the grid reaches: the directions' scale over the largest coordinate.
const MARGIN: f64 = 1.25;

/// The plane of a trajectory.
#[derive(Debug, Clone)]
pub struct TrajectoryPlane {
    /// The two directions, shaped like the network (weights and biases), each of length
    /// `scale` (`MARGIN` × the largest |coordinate| of a point).
    pub directions: [Network; 2],
    /// Share of the points' variance along each direction (first ≥ second).
    pub explained: [f64; 2],
    /// Points used (after thinning).
    pub points: usize,
}

/// The weights and biases of `net`, flattened layer by layer (weights row-major, then biases), in f64.
fn flat(net: &Network) -> Vec<f64> {
    net.layers
        .iter()
        .flat_map(|l| l.weights.iter().chain(l.biases.iter()))
        .map(|&v| f64::from(v))
        .collect()
}

/// The flattened weights and biases of `net` minus those of `centre`.
fn difference(net: &Network, centre: &Network) -> Vec<f64> {
    flat(net)
        .iter()
        .zip(flat(centre))
        .map(|(x, y)| x - y)
        .collect()
}

/// A network shaped like `like` holding `values` (flattened as in [`difference`]).
fn network_from(like: &Network, values: &[f64]) -> Network {
    let mut out = like.clone();
    let mut it = values.iter();
    for l in &mut out.layers {
        for w in l.weights.iter_mut().chain(l.biases.iter_mut()) {
            *w = *it.next().expect("as many values as weights") as f32;
        }
    }
    out
}

/// Eigenvalues and eigenvectors of the symmetric `[n, n]` matrix `a` (row-major) by cyclic
/// Jacobi rotations: `(values, vectors)` with `vectors[k]` the unit eigenvector of `values[k]`,
/// largest first.
pub fn symmetric_eigen(mut a: Vec<f64>, n: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    let mut v = vec![0.0; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j].powi(2))
            .sum();
        let scale: f64 = (0..n)
            .map(|i| a[i * n + i].powi(2))
            .sum::<f64>()
            .max(f64::MIN_POSITIVE);
        if off <= 1e-30 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[j * n + j].total_cmp(&a[i * n + i]));
    let values = order.iter().map(|&k| a[k * n + k]).collect();
    let vectors = order
        .iter()
        .map(|&k| (0..n).map(|i| v[i * n + k]).collect())
        .collect();
    (values, vectors)
}

/// At most [`MAX_POINTS`] of `len` indices, evenly spread, the first and the last kept.
fn thinned(len: usize) -> Vec<usize> {
    if len <= MAX_POINTS {
        return (0..len).collect();
    }
    let mut out: Vec<usize> = (0..MAX_POINTS)
        .map(|k| (k * (len - 1) + (MAX_POINTS - 1) / 2) / (MAX_POINTS - 1))
        .collect();
    out.dedup();
    out
}

/// The plane of the path `path` (in order: the initial weights, then each kept epoch's end)
/// ending at `centre`, the current weights (added as the last point unless the path already
/// ends there).
pub fn trajectory_plane(
    centre: &Network,
    path: &[&Network],
) -> Result<TrajectoryPlane, InspectError> {
    for p in path {
        crate::inspect::landscape::same_shape(p, centre)?;
    }
    let mut points: Vec<Vec<f64>> = path.iter().map(|p| difference(p, centre)).collect();
    if points.last().is_none_or(|x| x.iter().any(|&v| v != 0.0)) {
        points.push(vec![0.0; points.first().map_or(0, Vec::len)]);
    }
    let keep = thinned(points.len());
    let points: Vec<Vec<f64>> = keep
        .into_iter()
        .map(|i| std::mem::take(&mut points[i]))
        .collect();
    let n = points.len();
    let d = points[0].len();
    let too_few = || {
        InspectError::OutOfRange(
            "the training path spans no plane yet: it needs the initial weights and at least two \
             more different points (train two epochs, or pause during the second)"
                .to_string(),
        )
    };
    if n < 3 {
        return Err(too_few());
    }
    // [d] mean of the points, then the Gram matrix of the centred points, [n, n].
    let mut mean = vec![0.0; d];
    for x in &points {
        for (m, v) in mean.iter_mut().zip(x) {
            *m += v / n as f64;
        }
    }
    let centred: Vec<Vec<f64>> = points
        .iter()
        .map(|x| x.iter().zip(&mean).map(|(v, m)| v - m).collect())
        .collect();
    let mut gram = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let g: f64 = centred[i].iter().zip(&centred[j]).map(|(a, b)| a * b).sum();
            gram[i * n + j] = g;
            gram[j * n + i] = g;
        }
    }
    let total: f64 = (0..n).map(|i| gram[i * n + i]).sum();
    let (values, vectors) = symmetric_eigen(gram, n);
    if values[1].is_nan() || values[1] <= 1e-12 * total {
        return Err(too_few());
    }
    // v_k = X̃ᵀ u_k / √λ_k: [d], unit length.
    let component = |k: usize| -> Vec<f64> {
        let mut v = vec![0.0; d];
        for (u, x) in vectors[k].iter().zip(&centred) {
            for (o, xi) in v.iter_mut().zip(x) {
                *o += u * xi;
            }
        }
        let s = values[k].sqrt();
        v.iter_mut().for_each(|o| *o /= s);
        v
    };
    let mut comps = [component(0), component(1)];
    // Coordinates of the points (relative to the centre) along each component.
    let coords = |v: &[f64]| -> Vec<f64> {
        points
            .iter()
            .map(|x| x.iter().zip(v).map(|(a, b)| a * b).sum())
            .collect()
    };
    let mut reach: f64 = 0.0;
    for v in &mut comps {
        let c = coords(v);
        if c[0] > 0.0 {
            v.iter_mut().for_each(|o| *o = -*o);
        }
        reach = reach.max(c.iter().fold(0.0, |m, x| m.max(x.abs())));
    }
    let scale = MARGIN * reach;
    let [first, second] =
        comps.map(|v| network_from(centre, &v.iter().map(|x| x * scale).collect::<Vec<_>>()));
    Ok(TrajectoryPlane {
        directions: [first, second],
        explained: [values[0] / total, values[1] / total],
        points: n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::mnist::synthetic_bars;
    use crate::inspect::landscape::{combine, Slice};
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;

    fn net(seed: u64) -> Network {
        Network::from_sizes(&[784, 6, 10], Activation::Relu, Init::Auto, seed)
    }

    #[test]
    fn jacobi_matches_a_known_decomposition() {
        // [[2, 1], [1, 2]]: eigenvalues 3 and 1, eigenvectors (1, 1)/√2 and (1, −1)/√2.
        let (values, vectors) = symmetric_eigen(vec![2.0, 1.0, 1.0, 2.0], 2);
        assert!(
            (values[0] - 3.0).abs() < 1e-12 && (values[1] - 1.0).abs() < 1e-12,
            "{values:?}"
        );
        let r = std::f64::consts::FRAC_1_SQRT_2;
        assert!(
            (vectors[0][0].abs() - r).abs() < 1e-12
                && (vectors[0][0] - vectors[0][1]).abs() < 1e-12
        );
        // A diagonal matrix, out of order: sorted largest first.
        let (values, _) = symmetric_eigen(vec![1.0, 0.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 3.0], 3);
        assert_eq!(values, vec![5.0, 3.0, 1.0]);
    }

    #[test]
    fn a_path_in_a_plane_lies_on_the_trajectory_plane() {
        // Points θ + s·D₁ + t·D₂ (D₁, D₂ two other networks' weights): the plane found must hold
        // every one of them, so each projects with no distance left off the plane.
        let (centre, d1, d2) = (net(1), net(2), net(3));
        let at = |s: f32, t: f32| {
            let mut x = centre.clone();
            combine(&mut x, &[(1.0, &centre), (s, &d1), (t, &d2)]);
            x
        };
        let path = [at(-1.0, -0.8), at(-0.6, 0.1), at(-0.2, 0.3), at(0.1, 0.05)];
        let refs: Vec<&Network> = path.iter().collect();
        let plane = trajectory_plane(&centre, &refs).unwrap();
        assert_eq!(plane.points, 5, "four points and the centre");
        assert!(
            (plane.explained[0] + plane.explained[1] - 1.0).abs() < 1e-6,
            "{:?}",
            plane.explained
        );
        assert!(plane.explained[0] >= plane.explained[1]);
        let data = synthetic_bars(300);
        let slice =
            Slice::with_directions(&centre, &data, 200, 5, 1.0, plane.directions.clone()).unwrap();
        for (k, p) in path.iter().enumerate() {
            let proj = slice.project(p).unwrap();
            assert!(
                proj.off_plane <= 1e-3 * proj.distance,
                "point {k}: {proj:?}"
            );
            assert!(
                proj.a.abs() <= 1.0 && proj.b.abs() <= 1.0,
                "inside the grid: {proj:?}"
            );
        }
        let first = slice.project(&path[0]).unwrap();
        assert!(
            first.a < 0.0,
            "the initial weights at negative a: {first:?}"
        );
        // The directions are orthogonal and of one length.
        let [u, v] = [flat(&plane.directions[0]), flat(&plane.directions[1])];
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        let (uu, vv) = (dot(&u, &u), dot(&v, &v));
        assert!(dot(&u, &v).abs() < 1e-6 * uu, "{} vs {uu}", dot(&u, &v));
        assert!((uu - vv).abs() < 1e-6 * uu, "{uu} vs {vv}");
    }

    #[test]
    fn too_short_a_path_is_refused_with_a_message() {
        let (centre, other) = (net(1), net(2));
        let e = trajectory_plane(&centre, &[&other])
            .unwrap_err()
            .to_string();
        assert!(e.contains("two epochs"), "{e}");
        // Three points on one line span no plane.
        let mut half = centre.clone();
        combine(&mut half, &[(0.5, &centre), (0.5, &other)]);
        assert!(trajectory_plane(&centre, &[&other, &half]).is_err());
        let wrong = Network::from_sizes(&[784, 3, 10], Activation::Relu, Init::Auto, 1);
        assert!(trajectory_plane(&centre, &[&wrong, &other]).is_err());
    }

    #[test]
    fn long_paths_are_thinned_keeping_both_ends() {
        let t = thinned(100);
        assert_eq!(t.len(), MAX_POINTS);
        assert_eq!((t[0], *t.last().unwrap()), (0, 99));
        assert!(t.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(thinned(5), vec![0, 1, 2, 3, 4]);
    }
}
