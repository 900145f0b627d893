//! Matrix-product test cases and their oracle, shared by the native tests of the blocked product
//! (`src/nn/gemm.rs`, which includes this file) and the browser tests of the wasm SIMD kernel
//! (`tests/web_gemm.rs`). Each case builds its matrices and calls the suite's
//! `check(a, b, α, β)`, which runs its products and compares each with [`Expected::assert`].
//!
//! The oracle is a naive triple loop in `f64`, independent of every kernel under test; the
//! tolerance is 1e-5 of `|α|·Σ_p |a_ip||b_pj| + |β||c_ij|`, which bounds the `f32` rounding error
//! of any summation order.
//!
//! Non-goals: speed (scripts/bench.mjs measures it).

use ndarray::{s, Array2, ArrayView2, ShapeBuilder};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// What a suite does with one case: `check(a, b, α, β)`.
pub type Check<'a> = &'a mut dyn FnMut(ArrayView2<f32>, ArrayView2<f32>, f32, f32);

/// Uniform entries in [-1, 1), row- or column-major.
pub fn random(rng: &mut Pcg64Mcg, rows: usize, cols: usize, column_major: bool) -> Array2<f32> {
    Array2::from_shape_fn((rows, cols).set_f(column_major), |_| {
        rng.random_range(-1.0f32..1.0)
    })
}

/// Image-like: mostly zero, with zero columns (background pixels) and sparse rows.
pub fn image_like(rng: &mut Pcg64Mcg, rows: usize, cols: usize, column_major: bool) -> Array2<f32> {
    let mut a = random(rng, rows, cols, column_major);
    for ((_, j), x) in a.indexed_iter_mut() {
        if j % 7 < 3 || rng.random::<f32>() < 0.6 {
            *x = 0.0;
        }
    }
    a
}

/// `C` before the product: `c0` in the given layout, or all NaN when `β = 0` (then `C` must be
/// write-only).
pub fn c_before(c0: &Array2<f32>, beta: f32, column_major: bool) -> Array2<f32> {
    let mut c = Array2::from_elem(c0.dim().set_f(column_major), f32::NAN);
    if beta != 0.0 {
        c.assign(c0);
    }
    c
}

/// The exact product `α·a·b + β·c0` (in `f64`) and the bound on its `f32` rounding error.
pub struct Expected {
    want: Array2<f64>,
    bound: Array2<f64>,
}

impl Expected {
    pub fn new(
        a: ArrayView2<f32>,
        b: ArrayView2<f32>,
        alpha: f32,
        beta: f32,
        c0: &Array2<f32>,
    ) -> Self {
        let (m, k, n) = (a.nrows(), a.ncols(), b.ncols());
        let (alpha, beta) = (f64::from(alpha), f64::from(beta));
        let mut want = Array2::<f64>::zeros((m, n));
        let mut bound = Array2::<f64>::zeros((m, n));
        for i in 0..m {
            let (mut want_i, mut bound_i) = (want.row_mut(i), bound.row_mut(i));
            for p in 0..k {
                let x = f64::from(a[[i, p]]);
                for ((w, e), &y) in want_i.iter_mut().zip(bound_i.iter_mut()).zip(b.row(p)) {
                    let t = x * f64::from(y);
                    *w += t;
                    *e += t.abs();
                }
            }
            for j in 0..n {
                let c_old = if beta != 0.0 {
                    f64::from(c0[[i, j]])
                } else {
                    0.0
                };
                want[[i, j]] = alpha * want[[i, j]] + beta * c_old;
                bound[[i, j]] = alpha.abs() * bound[[i, j]] + (beta * c_old).abs();
            }
        }
        Expected { want, bound }
    }

    /// Panics, naming `what` and the entry, unless `got` is the product within the bound.
    pub fn assert(&self, got: &Array2<f32>, what: &str) {
        assert_eq!(got.dim(), self.want.dim(), "{what}: shape");
        for ((idx, &w), &b) in self.want.indexed_iter().zip(self.bound.iter()) {
            let g = f64::from(got[idx]);
            assert!(
                (g - w).abs() <= 1e-5 * b.max(1e-6),
                "{what}: at {idx:?} got {g}, want {w}"
            );
        }
    }
}

/// `(m, k, n)` from 1×1 through edges smaller and larger than a 4×8 tile to more than one depth
/// block (256).
pub const ODD_SHAPES: [(usize, usize, usize); 13] = [
    (1, 1, 1),
    (1, 7, 1),
    (3, 1, 5),
    (1, 784, 512), // one drawn digit: the few-rows path (32-, 4- and 1-column blocks)
    (2, 50, 37),
    (3, 70, 39),
    (4, 8, 8),
    (5, 3, 9),
    (6, 3, 8),
    (7, 9, 9),
    (37, 129, 61),
    (70, 300, 140),
    (97, 300, 130),
];

/// Every shape of [`ODD_SHAPES`] and then of `more`, with `a` and `b` in each combination of
/// row- and column-major.
pub fn every_layout(more: &[(usize, usize, usize)], seed: u64, check: Check) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    for &(m, k, n) in ODD_SHAPES.iter().chain(more) {
        for (fa, fb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = random(&mut rng, m, k, fa);
            let b = random(&mut rng, k, n, fb);
            check(a.view(), b.view(), 1.0, 0.0);
        }
    }
}

/// `α ≠ 1`, `β = 1` accumulation, negative `β`, and `β = 0` (NaN in `C`).
pub fn alpha_beta(seed: u64, check: Check) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let a = random(&mut rng, 37, 129, false);
    let b = random(&mut rng, 129, 61, false);
    for (alpha, beta) in [(1.0, 0.0), (1.0, 1.0), (0.5, 0.0), (-2.0, 1.0), (0.3, -0.7)] {
        check(a.view(), b.view(), alpha, beta);
    }
}

/// The training step's products for each `(batch, inputs, outputs)`.
pub fn training_step_products(shapes: &[(usize, usize, usize)], seed: u64, check: Check) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    for &(n, inp, out) in shapes {
        let x = random(&mut rng, n, inp, false);
        step_products(&mut rng, x.view(), out, check);
    }
}

/// Forward `z = x·W`, weight gradient `xᵀ·δ` (`β = 0`, and `β = 1` for L2), previous error
/// `δ·Wᵀ`, for a random `W` and `δ` with `outputs` columns.
fn step_products(rng: &mut Pcg64Mcg, x: ArrayView2<f32>, outputs: usize, check: Check) {
    let w = random(rng, x.ncols(), outputs, false);
    let delta = random(rng, x.nrows(), outputs, false);
    check(x, w.view(), 1.0, 0.0);
    check(x.t(), delta.view(), 1.0, 0.0);
    check(x.t(), delta.view(), 1.0, 1.0);
    check(delta.view(), w.t(), 1.0, 0.0);
}

/// Strided views with a negative stride.
pub fn strided_and_reversed(seed: u64, check: Check) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let big_a = random(&mut rng, 60, 90, false);
    let big_b = random(&mut rng, 90, 70, true);
    let a = big_a.slice(s![..;2, ..;-3]); // 30 × 30, negative column stride
    let b = big_b.slice(s![..;-3, 1..;2]); // 30 × 35
    check(a, b, 1.0, 0.0);
    check(a, b, 1.5, 1.0);
}

/// Image-like `x` (`batch × inputs`), as in the first layer: the step's products, where `x·W`
/// has zero depth steps shared by the rows of a panel and `xᵀ·δ` zero pixels of one image; then
/// `α ≠ 1` with `β = 1`, and a column-major `x`.
pub fn mostly_zero(batch: usize, inputs: usize, outputs: usize, seed: u64, check: Check) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let x = image_like(&mut rng, batch, inputs, false);
    step_products(&mut rng, x.view(), outputs, check);
    let delta = random(&mut rng, batch, outputs, false);
    check(x.t(), delta.view(), -0.5, 1.0);
    let xt = image_like(&mut rng, inputs, batch, true).reversed_axes(); // column-major x
    check(
        xt.view(),
        random(&mut rng, inputs, 40, true).view(),
        0.5,
        0.0,
    );
}
