//! Browser tests of the WebAssembly SIMD matrix product ([`mnist_playground::nn::gemm::gemm`]), run by
//! `wasm-pack test --headless --chrome --firefox -- --test web_gemm`, in a dedicated Web Worker like
//! the engine on the page. In wasm, `gemm` runs the packed `core::arch::wasm32` kernel (natively it
//! is ndarray), so these are the tests of the real kernel: 1×1, edges smaller and larger than a
//! 4×8 tile and than a cache block, the training step's transposed views, `β = 0` with NaN in `C`,
//! `β = 1` accumulation, `α ≠ 1`, a column-major `C`, and mostly-zero (image-like) inputs.
//!
//! The oracle is a naive triple loop in `f64`; the tolerance is 1e-5 of
//! `|α|·Σ_p |a_ip||b_pj| + |β||c_ij|`, which bounds the `f32` rounding error of any summation order.
//!
//! Non-goals: speed (scripts/bench.mjs measures it).
#![cfg(target_arch = "wasm32")]

use mnist_playground::nn::gemm::gemm;
use ndarray::{s, Array2, ArrayView2, ShapeBuilder};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn random(rng: &mut Pcg64Mcg, rows: usize, cols: usize, column_major: bool) -> Array2<f32> {
    Array2::from_shape_fn((rows, cols).set_f(column_major), |_| {
        rng.random_range(-1.0f32..1.0)
    })
}

/// Runs `gemm` on a row-major and a column-major `C` and compares with the naive product.
fn check(a: ArrayView2<f32>, b: ArrayView2<f32>, alpha: f32, beta: f32) {
    let (m, k, n) = (a.nrows(), a.ncols(), b.ncols());
    let mut rng = Pcg64Mcg::seed_from_u64((m * 7919 + k * 31 + n) as u64);
    let c0 = random(&mut rng, m, n, false);
    for column_major_c in [false, true] {
        let mut c = Array2::from_elem((m, n).set_f(column_major_c), f32::NAN);
        if beta != 0.0 {
            c.assign(&c0);
        }
        gemm(alpha, &a, &b, beta, &mut c);
        for i in 0..m {
            for j in 0..n {
                let (mut dot, mut bound) = (0.0f64, 0.0f64);
                for p in 0..k {
                    dot += a[[i, p]] as f64 * b[[p, j]] as f64;
                    bound += (a[[i, p]] as f64 * b[[p, j]] as f64).abs();
                }
                let c_old = if beta != 0.0 { c0[[i, j]] as f64 } else { 0.0 };
                let want = alpha as f64 * dot + beta as f64 * c_old;
                let bound = (alpha as f64).abs() * bound + (beta as f64 * c_old).abs();
                let got = c[[i, j]] as f64;
                assert!(
                    (got - want).abs() <= 1e-5 * bound.max(1e-6),
                    "{m}×{k}×{n} α={alpha} β={beta} column-major c={column_major_c}: \
                     at ({i}, {j}) got {got}, want {want}"
                );
            }
        }
    }
}

#[wasm_bindgen_test]
fn odd_shapes_in_every_layout() {
    let mut rng = Pcg64Mcg::seed_from_u64(61);
    for &(m, k, n) in &[
        (1, 1, 1),
        (1, 7, 1),
        (3, 1, 5),
        (1, 784, 512), // one drawn digit: the few-rows path
        (2, 50, 37),
        (4, 8, 8),
        (5, 3, 9),
        (37, 129, 61),
        (70, 300, 140), // more than one depth block (KC = 256)
    ] {
        for (fa, fb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = random(&mut rng, m, k, fa);
            let b = random(&mut rng, k, n, fb);
            check(a.view(), b.view(), 1.0, 0.0);
        }
    }
}

#[wasm_bindgen_test]
fn alpha_beta_and_nan_in_c() {
    let mut rng = Pcg64Mcg::seed_from_u64(62);
    let a = random(&mut rng, 37, 129, false);
    let b = random(&mut rng, 129, 61, false);
    for (alpha, beta) in [(1.0, 0.0), (1.0, 1.0), (0.5, 0.0), (-2.0, 1.0), (0.3, -0.7)] {
        check(a.view(), b.view(), alpha, beta);
    }
}

#[wasm_bindgen_test]
fn training_step_products_on_transposed_views() {
    // Forward z = a·W, weight gradient aᵀ·δ (β = 0, and β = 1 for L2), δ_prev = δ·Wᵀ, with the
    // layer widths of the playground's configurations (at a smaller batch, to keep the naive
    // oracle quick).
    let mut rng = Pcg64Mcg::seed_from_u64(63);
    for &(n, inp, out) in &[(32, 784, 128), (32, 128, 10), (19, 512, 256), (19, 256, 10)] {
        let x = random(&mut rng, n, inp, false);
        let w = random(&mut rng, inp, out, false);
        let delta = random(&mut rng, n, out, false);
        check(x.view(), w.view(), 1.0, 0.0);
        check(x.t(), delta.view(), 1.0, 0.0);
        check(x.t(), delta.view(), 1.0, 1.0);
        check(delta.view(), w.t(), 1.0, 0.0);
    }
}

#[wasm_bindgen_test]
fn mostly_zero_inputs_take_the_compacted_path() {
    // Image-like x (background columns and scattered zeros): the kernel skips the depth steps
    // where a packed panel of A is all zero, in x·W and in xᵀ·δ.
    let mut rng = Pcg64Mcg::seed_from_u64(65);
    let mut x = random(&mut rng, 40, 300, false);
    for ((_, j), v) in x.indexed_iter_mut() {
        if j % 7 < 3 || rng.random::<f32>() < 0.6 {
            *v = 0.0;
        }
    }
    let w = random(&mut rng, 300, 70, false);
    let delta = random(&mut rng, 40, 70, false);
    check(x.view(), w.view(), 1.0, 0.0);
    check(x.t(), delta.view(), 1.0, 0.0);
    check(x.t(), delta.view(), -0.5, 1.0);
}

#[wasm_bindgen_test]
fn strided_and_reversed_views() {
    let mut rng = Pcg64Mcg::seed_from_u64(64);
    let big_a = random(&mut rng, 60, 90, false);
    let big_b = random(&mut rng, 90, 70, true);
    let a = big_a.slice(s![..;2, ..;-3]);
    let b = big_b.slice(s![..;-3, 1..;2]);
    check(a, b, 1.0, 0.0);
    check(a, b, 1.5, 1.0);
}

#[wasm_bindgen_test]
fn zero_depth_gives_beta_times_c() {
    let a = Array2::<f32>::zeros((3, 0));
    let b = Array2::<f32>::zeros((0, 4));
    let mut c = Array2::from_elem((3, 4), f32::NAN);
    gemm(1.0, &a, &b, 0.0, &mut c);
    assert!(c.iter().all(|&x| x == 0.0));
    let mut c = Array2::from_elem((3, 4), 2.0f32);
    gemm(1.0, &a, &b, 0.5, &mut c);
    assert!(c.iter().all(|&x| x == 1.0));
}
