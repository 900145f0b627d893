//! Browser tests of the WebAssembly SIMD matrix product ([`mnist_playground::nn::gemm::gemm`]), run by
//! `wasm-pack test --headless --chrome --firefox -- --test web_gemm`, in a dedicated Web Worker like
//! the engine on the page. In wasm, `gemm` runs the packed `core::arch::wasm32` kernel (natively it
//! is ndarray), so these are the tests of the real kernel: 1×1, edges smaller and larger than a
//! 4×8 tile and than a cache block, the training step's transposed views, `β = 0` with NaN in `C`,
//! `β = 1` accumulation, `α ≠ 1`, a column-major `C`, and mostly-zero (image-like) inputs.
//!
//! The cases and the oracle are shared with the native tests: tests/common/gemm_cases.rs.
//!
//! Non-goals: speed (scripts/bench.mjs measures it).
#![cfg(target_arch = "wasm32")]

use mnist_playground::nn::gemm::gemm;
use ndarray::{Array2, ArrayView2};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use wasm_bindgen_test::*;

#[path = "common/gemm_cases.rs"]
mod gemm_cases;
use gemm_cases::{c_before, Expected};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// Runs `gemm` on a row-major and a column-major `C` and compares with the oracle.
fn check(a: ArrayView2<f32>, b: ArrayView2<f32>, alpha: f32, beta: f32) {
    let (m, k, n) = (a.nrows(), a.ncols(), b.ncols());
    let mut rng = Pcg64Mcg::seed_from_u64((m * 7919 + k * 31 + n) as u64);
    let c0 = gemm_cases::random(&mut rng, m, n, false);
    let expected = Expected::new(a, b, alpha, beta, &c0);
    for column_major_c in [false, true] {
        let mut c = c_before(&c0, beta, column_major_c);
        gemm(alpha, &a, &b, beta, &mut c);
        expected.assert(
            &c,
            &format!("{m}×{k}×{n} α={alpha} β={beta} column-major c={column_major_c}"),
        );
    }
}

#[wasm_bindgen_test]
fn odd_shapes_in_every_layout() {
    gemm_cases::every_layout(&[], 61, &mut check);
}

#[wasm_bindgen_test]
fn alpha_beta_and_nan_in_c() {
    gemm_cases::alpha_beta(62, &mut check);
}

#[wasm_bindgen_test]
fn training_step_products_on_transposed_views() {
    // The layer widths of the playground's configurations, at a smaller batch to keep the naive
    // oracle quick.
    let shapes = [(32, 784, 128), (32, 128, 10), (19, 512, 256), (19, 256, 10)];
    gemm_cases::training_step_products(&shapes, 63, &mut check);
}

#[wasm_bindgen_test]
fn mostly_zero_inputs_take_the_compacted_path() {
    // Image-like x (background columns and scattered zeros): the kernel skips the depth steps
    // where a packed panel of A is all zero, in x·W and in xᵀ·δ.
    gemm_cases::mostly_zero(40, 300, 70, 65, &mut check);
}

#[wasm_bindgen_test]
fn strided_and_reversed_views() {
    gemm_cases::strided_and_reversed(64, &mut check);
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
