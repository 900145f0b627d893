//! Principal component analysis by power iteration with deflation.
//!
//! For data `X` (`[n, d]`, one row per sample) the components are the top eigenvectors of the
//! covariance `C = X̃ᵀX̃/(n−1)`, `X̃` the rows minus their mean; `C` is formed once in `f64`. The
//! top eigenvector is found by power iteration, `v ← C·v/‖C·v‖`, from a fixed start vector until
//! `v` moves less than [`TOLERANCE`] (or [`MAX_ITERATIONS`]); its eigenvalue `λ = vᵀCv` is then
//! deflated, `C ← C − λ·v·vᵀ`, and the next component found the same way. Each component's sign
//! is fixed so that its largest-magnitude entry is positive (a deterministic choice; the map
//! aligns signs with the previous map itself, see [`crate::inspect::hidden_map`]).
//!
//! Power iteration suits the few components a 2-D map needs and small `d` (a hidden layer's
//! width): `C` costs `n·d²` to form and `d²` per iteration.
//!
//! Non-goals: many components, `d` in the thousands (use an SVD), whitening, incremental PCA.

/// Iterations are stopped once `‖v_new − v‖ < TOLERANCE`, or after `MAX_ITERATIONS`.
pub const TOLERANCE: f64 = 1e-9;
pub const MAX_ITERATIONS: usize = 5000;

/// The principal components of a data set.
///
/// # Shapes
/// `mean`: `[d]`; `components`: `[k, d]` row-major, unit rows; `variances`: `[k]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    pub dims: usize,
    pub mean: Vec<f64>,
    pub components: Vec<f64>,
    /// The variance along each component (its eigenvalue), largest first.
    pub variances: Vec<f64>,
    /// The total variance (trace of `C`), for the share each component explains.
    pub total_variance: f64,
    /// Power iterations each component took.
    pub iterations: Vec<usize>,
}

/// The first `k` principal components of `data`.
///
/// # Shapes
/// `data`: `[n, d]` row-major with `n ≥ 2`.
///
/// # Panics
/// If `data.len()` is not `n·d` or `n < 2` (the callers check their inputs).
pub fn pca(data: &[f32], d: usize, k: usize) -> Pca {
    assert!(
        d > 0 && data.len().is_multiple_of(d),
        "pca: data is not [n, {d}]"
    );
    let n = data.len() / d;
    assert!(n >= 2, "pca: need at least two samples");
    let mut mean = vec![0.0f64; d];
    for row in data.chunks_exact(d) {
        mean.iter_mut()
            .zip(row)
            .for_each(|(m, &x)| *m += f64::from(x));
    }
    mean.iter_mut().for_each(|m| *m /= n as f64);
    // C = X̃ᵀX̃/(n−1), upper triangle then mirrored.  [d, d]
    let mut cov = vec![0.0f64; d * d];
    let mut centred = vec![0.0f64; d];
    for row in data.chunks_exact(d) {
        centred
            .iter_mut()
            .zip(row.iter().zip(&mean))
            .for_each(|(c, (&x, m))| *c = f64::from(x) - m);
        for i in 0..d {
            let ci = centred[i];
            if ci == 0.0 {
                continue;
            }
            let out = &mut cov[i * d + i..(i + 1) * d];
            out.iter_mut()
                .zip(&centred[i..])
                .for_each(|(o, &cj)| *o += ci * cj);
        }
    }
    for i in 0..d {
        for j in i..d {
            let v = cov[i * d + j] / (n - 1) as f64;
            cov[i * d + j] = v;
            cov[j * d + i] = v;
        }
    }
    let total_variance = (0..d).map(|i| cov[i * d + i]).sum();
    let (mut components, mut variances, mut iterations) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..k.min(d) {
        let (v, lambda, its) = top_eigenvector(&cov, d);
        for i in 0..d {
            for j in 0..d {
                cov[i * d + j] -= lambda * v[i] * v[j];
            }
        }
        components.extend_from_slice(&v);
        variances.push(lambda);
        iterations.push(its);
    }
    Pca {
        dims: d,
        mean,
        components,
        variances,
        total_variance,
        iterations,
    }
}

/// Power iteration on the symmetric positive semi-definite `c` (`[d, d]`): the unit eigenvector
/// of its largest eigenvalue (sign: largest-magnitude entry positive), that eigenvalue, and the
/// iterations taken. A zero matrix gives the start vector and 0.
fn top_eigenvector(c: &[f64], d: usize) -> (Vec<f64>, f64, usize) {
    // A fixed start with no special structure (a Weyl sequence), so it is not orthogonal to the
    // top eigenvector except by a measure-zero accident.
    let mut v: Vec<f64> = (0..d)
        .map(|i| ((i as f64 + 1.0) * 0.618_033_988_75).fract() - 0.5)
        .collect();
    normalise(&mut v);
    let mut next = vec![0.0; d];
    let mut iterations = 0;
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        for (i, out) in next.iter_mut().enumerate() {
            *out = c[i * d..(i + 1) * d]
                .iter()
                .zip(&v)
                .map(|(a, b)| a * b)
                .sum();
        }
        if normalise(&mut next) == 0.0 {
            break;
        }
        let moved = next
            .iter()
            .zip(&v)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            .sqrt();
        std::mem::swap(&mut v, &mut next);
        if moved < TOLERANCE {
            break;
        }
    }
    let lambda: f64 = (0..d)
        .map(|i| {
            v[i] * c[i * d..(i + 1) * d]
                .iter()
                .zip(&v)
                .map(|(a, b)| a * b)
                .sum::<f64>()
        })
        .sum();
    let biggest = v
        .iter()
        .fold(0.0f64, |m, &x| if x.abs() > m.abs() { x } else { m });
    if biggest < 0.0 {
        v.iter_mut().for_each(|x| *x = -*x);
    }
    (v, lambda.max(0.0), iterations)
}

/// Scale `v` to unit length; returns its former length (0 leaves it unchanged).
fn normalise(v: &mut [f64]) -> f64 {
    let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    norm
}

impl Pca {
    /// Coordinates of one sample (`[d]`) on the components: `components · (x − mean)`, `[k]`.
    pub fn project(&self, x: &[f32]) -> Vec<f64> {
        self.components
            .chunks_exact(self.dims)
            .map(|c| {
                c.iter()
                    .zip(x.iter().zip(&self.mean))
                    .map(|(w, (&x, m))| w * (f64::from(x) - m))
                    .sum()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Data with an exactly known covariance: the rows ±a·u, ±b·w (u, w orthonormal) around a
    /// mean m, so C = 2(a²uuᵀ + b²wwᵀ)/(n−1) with n = 4: eigenvalues 2a²/3 and 2b²/3 along u, w.
    #[test]
    fn recovers_known_components_and_variances() {
        let d = 6;
        let s = 1.0 / 3f64.sqrt();
        let u = [s, s, s, 0.0, 0.0, 0.0];
        let w = [0.0, 0.0, 0.0, 0.6, -0.8, 0.0];
        let m = [1.0, -2.0, 0.5, 3.0, 0.0, 7.0];
        let (a, b) = (5.0, 2.0);
        let mut data = Vec::new();
        for (scale, dir) in [(a, &u), (-a, &u), (b, &w), (-b, &w)] {
            data.extend((0..d).map(|i| (m[i] + scale * dir[i]) as f32));
        }
        let p = pca(&data, d, 2);
        let close = |x: f64, y: f64, tol: f64| (x - y).abs() < tol * y.abs().max(1.0);
        assert!(
            close(p.variances[0], 2.0 * a * a / 3.0, 1e-5),
            "{:?}",
            p.variances
        );
        assert!(
            close(p.variances[1], 2.0 * b * b / 3.0, 1e-5),
            "{:?}",
            p.variances
        );
        assert!(close(p.total_variance, 2.0 * (a * a + b * b) / 3.0, 1e-5));
        // Signs: largest-magnitude entry positive (u's entries tie at s > 0; w's is −0.8 → flipped).
        let want_w = w.map(|x| -x);
        for (got, want) in [(&p.components[..d], &u), (&p.components[d..], &want_w)] {
            for (g, w) in got.iter().zip(want.iter()) {
                assert!((g - w).abs() < 1e-5, "{got:?} vs {want:?}");
            }
        }
        for (got, want) in p.mean.iter().zip(m) {
            assert!((got - want).abs() < 1e-6);
        }
        // A sample's coordinates are its offsets along the components.
        let c = p.project(&data[..d]);
        assert!(close(c[0], a, 1e-5) && c[1].abs() < 1e-5, "{c:?}");
    }

    #[test]
    fn matches_a_reference_eigendecomposition_of_random_data() {
        // Reference: the 2×2 symmetric eigenproblem in closed form, for 2-D Gaussian-like data.
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 40) as f64 / (1u64 << 24) as f64) - 0.5
        };
        let data: Vec<f32> = (0..500)
            .flat_map(|_| {
                let (x, y) = (next(), next());
                [(3.0 * x + y) as f32, (x - 0.5 * y) as f32]
            })
            .collect();
        let p = pca(&data, 2, 2);
        let n = 500.0;
        let (mx, my) = (p.mean[0], p.mean[1]);
        let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
        for r in data.chunks(2) {
            let (x, y) = (f64::from(r[0]) - mx, f64::from(r[1]) - my);
            sxx += x * x;
            sxy += x * y;
            syy += y * y;
        }
        let (sxx, sxy, syy) = (sxx / (n - 1.0), sxy / (n - 1.0), syy / (n - 1.0));
        let tr = sxx + syy;
        let disc = ((sxx - syy).powi(2) / 4.0 + sxy * sxy).sqrt();
        let (l1, l2) = (tr / 2.0 + disc, tr / 2.0 - disc);
        assert!((p.variances[0] - l1).abs() < 1e-8 * l1);
        assert!((p.variances[1] - l2).abs() < 1e-6 * l1);
        // Eigenvector of l1: (sxy, l1 − sxx), normalised; compare up to sign.
        let (ex, ey) = (sxy, l1 - sxx);
        let norm = (ex * ex + ey * ey).sqrt();
        let cos = (p.components[0] * ex + p.components[1] * ey) / norm;
        assert!((cos.abs() - 1.0).abs() < 1e-9, "{cos}");
        let orth = p.components[0] * p.components[2] + p.components[1] * p.components[3];
        assert!(orth.abs() < 1e-6);
    }

    #[test]
    fn constant_data_has_zero_variance_and_finite_components() {
        let data = vec![0.5f32; 30];
        let p = pca(&data, 3, 2);
        assert_eq!(p.variances, vec![0.0, 0.0]);
        assert!(p.components.iter().all(|x| x.is_finite()));
    }
}
