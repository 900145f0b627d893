//! # Single-precision matrix product for the training step
//!
//! [`gemm`] computes `C ← α·A·B + β·C` with the semantics of ndarray's
//! [`general_mat_mul`](ndarray::linalg::general_mat_mul) (when `β = 0`, `C` is write-only: NaN or
//! garbage in it is ignored). Any strides are accepted, so the transposed views of
//! backpropagation (`aᵀ·δ`, `δ·Wᵀ`) need no copies.
//!
//! In WebAssembly with `simd128` it runs our own packed, cache-blocked product (the classic
//! Goto/BLIS loop nest): blocks of B (`KC × NC`) and A (`MC × KC`) are copied into contiguous
//! panels — which is also where strides and transposes are absorbed — and a 4×8 micro-kernel
//! keeps its `C` tile in SIMD registers while it walks the shared depth: per depth step, two `B`
//! vectors, four broadcast `A` values (`v128.load32_splat`) and eight multiply-adds into eight
//! accumulators. That fits V8's 15 usable SIMD registers on x86 with room to spare
//! (matrixmultiply's wasm kernel is 8×8: 16 accumulators plus lane shuffles, more than V8 has
//! registers). `+relaxed-simd` builds use `f32x4.relaxed_madd` in the same kernel. The other tile
//! shapes tried, and each build's measured speed, are in docs/decisions.md.
//! Packing buffers are thread-local and grow once, so the steady state allocates nothing (natively,
//! where ndarray's matrixmultiply runs instead, each product allocates its packing buffer). With
//! fewer rows than the tile (one drawn digit), B is streamed once per row instead of packed. When
//! at least a quarter of a packed A block's depth steps are all zero (unstandardised MNIST pixels
//! are ~80% background), those steps are dropped and the kernel gathers the matching B rows by
//! index, for `x·W` and `xᵀ·δ` alike.
//!
//! Natively, [`gemm`] simply calls ndarray (matrixmultiply has excellent AVX/FMA kernels). The
//! blocked algorithm is written once over a tiny four-lane vector trait, `F32x4`; a portable
//! `[f32; 4]` implementation lets the native tests run exactly the packing, blocking, edge-tile and
//! write-back code the browser runs (tests/web_gemm.rs runs the real SIMD kernel in browsers).
//!
//! Non-goals: multi-threading, other element types, tuning for anything but wasm.

// Natively only the tests use the blocked product.
#![cfg_attr(
    not(all(target_arch = "wasm32", target_feature = "simd128")),
    allow(dead_code)
)]

use ndarray::{ArrayBase, Data, DataMut, Ix2};

/// `C ← α·A·B + β·C` (same contract as ndarray's `general_mat_mul`).
///
/// # Shapes
/// `a`: `[m, k]`, `b`: `[k, n]`, `c`: `[m, n]`, each with any strides (transposed views are fine).
///
/// # Panics
/// If the shapes do not agree (as ndarray does).
pub fn gemm<S1, S2, S3>(
    alpha: f32,
    a: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, Ix2>,
    beta: f32,
    c: &mut ArrayBase<S3, Ix2>,
) where
    S1: Data<Elem = f32>,
    S2: Data<Elem = f32>,
    S3: DataMut<Elem = f32>,
{
    #[cfg(all(
        target_arch = "wasm32",
        target_feature = "simd128",
        target_feature = "relaxed-simd"
    ))]
    gemm_blocked::<wasm::Relaxed, 4, 2>(alpha, a, b, beta, c);
    #[cfg(all(
        target_arch = "wasm32",
        target_feature = "simd128",
        not(target_feature = "relaxed-simd")
    ))]
    gemm_blocked::<wasm::Simd, 4, 2>(alpha, a, b, beta, c);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    ndarray::linalg::general_mat_mul(alpha, a, b, beta, c);
}

/// Depth of a packed block (rows of B, columns of A); `KC × NR` floats of B stay in L1.
const KC: usize = 256;
/// Rows of A packed at a time, before rounding to a multiple of `MR` (`MC × KC` lives in L2).
const MC: usize = 96;
/// Columns of B packed at a time (`KC × NC` floats: 1 MiB at most).
const NC: usize = 1024;

/// The four-lane `f32` vector the micro-kernel is written in: `v128` in wasm, `[f32; 4]` in tests.
pub(crate) trait F32x4: Copy {
    fn splat(x: f32) -> Self;
    /// # Safety
    /// `p` must be valid for reading one `f32`.
    unsafe fn load_splat(p: *const f32) -> Self;
    /// # Safety
    /// `p` must be valid for reading four `f32` (no alignment needed).
    unsafe fn load(p: *const f32) -> Self;
    /// # Safety
    /// `p` must be valid for writing four `f32` (no alignment needed).
    unsafe fn store(self, p: *mut f32);
    fn add(self, other: Self) -> Self;
    fn mul(self, other: Self) -> Self;
    /// `self + a·b`, fused or not.
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// Transposes a 4×4 block held as four row vectors.
    fn transpose4(rows: [Self; 4]) -> [Self; 4];
}

/// Portable lanes: the same arithmetic as the plain-SIMD build (multiply, then add).
#[derive(Clone, Copy)]
#[allow(dead_code)] // in wasm builds only the native tests' lanes are unused
pub(crate) struct Portable([f32; 4]);

impl F32x4 for Portable {
    #[inline(always)]
    fn splat(x: f32) -> Self {
        Portable([x; 4])
    }
    #[inline(always)]
    unsafe fn load_splat(p: *const f32) -> Self {
        Portable([*p; 4])
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        Portable(std::ptr::read_unaligned(p as *const [f32; 4]))
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        std::ptr::write_unaligned(p as *mut [f32; 4], self.0)
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Portable(std::array::from_fn(|i| self.0[i] + o.0[i]))
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        Portable(std::array::from_fn(|i| self.0[i] * o.0[i]))
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Portable(std::array::from_fn(|i| self.0[i] + a.0[i] * b.0[i]))
    }
    #[inline(always)]
    fn transpose4(r: [Self; 4]) -> [Self; 4] {
        std::array::from_fn(|j| Portable(std::array::from_fn(|i| r[i].0[j])))
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) mod wasm {
    //! `core::arch::wasm32` lanes: plain SIMD and, in `+relaxed-simd` builds, fused multiply-add.
    use super::F32x4;
    use core::arch::wasm32::*;

    /// 4×4 transpose with two rounds of lane interleaving (unpcklps/unpckhps, movlhps/movhlps).
    #[inline(always)]
    fn transpose(r: [v128; 4]) -> [v128; 4] {
        let t0 = i32x4_shuffle::<0, 4, 1, 5>(r[0], r[1]);
        let t1 = i32x4_shuffle::<0, 4, 1, 5>(r[2], r[3]);
        let t2 = i32x4_shuffle::<2, 6, 3, 7>(r[0], r[1]);
        let t3 = i32x4_shuffle::<2, 6, 3, 7>(r[2], r[3]);
        [
            i32x4_shuffle::<0, 1, 4, 5>(t0, t1),
            i32x4_shuffle::<2, 3, 6, 7>(t0, t1),
            i32x4_shuffle::<0, 1, 4, 5>(t2, t3),
            i32x4_shuffle::<2, 3, 6, 7>(t2, t3),
        ]
    }

    /// A lane type over `v128`: every operation is the plain SIMD one except `mul_add`, given as
    /// a function of (accumulator, a, b).
    macro_rules! lanes {
        ($(#[$attr:meta])* $name:ident, $mul_add:expr) => {
            $(#[$attr])*
            #[derive(Clone, Copy)]
            pub struct $name(v128);

            $(#[$attr])*
            impl F32x4 for $name {
                #[inline(always)]
                fn splat(x: f32) -> Self {
                    $name(f32x4_splat(x))
                }
                #[inline(always)]
                unsafe fn load_splat(p: *const f32) -> Self {
                    $name(v128_load32_splat(p as *const u32))
                }
                #[inline(always)]
                unsafe fn load(p: *const f32) -> Self {
                    $name(v128_load(p as *const v128))
                }
                #[inline(always)]
                unsafe fn store(self, p: *mut f32) {
                    v128_store(p as *mut v128, self.0)
                }
                #[inline(always)]
                fn add(self, o: Self) -> Self {
                    $name(f32x4_add(self.0, o.0))
                }
                #[inline(always)]
                fn mul(self, o: Self) -> Self {
                    $name(f32x4_mul(self.0, o.0))
                }
                #[inline(always)]
                fn transpose4(r: [Self; 4]) -> [Self; 4] {
                    transpose([r[0].0, r[1].0, r[2].0, r[3].0]).map($name)
                }
                #[inline(always)]
                fn mul_add(self, a: Self, b: Self) -> Self {
                    let f: fn(v128, v128, v128) -> v128 = $mul_add;
                    $name(f(self.0, a.0, b.0))
                }
            }
        };
    }

    lanes!(
        /// Plain SIMD: `f32x4.mul` then `f32x4.add` (builds without relaxed SIMD).
        #[cfg(not(target_feature = "relaxed-simd"))]
        Simd,
        |acc, a, b| f32x4_add(acc, f32x4_mul(a, b))
    );

    lanes!(
        /// Relaxed SIMD: `f32x4.relaxed_madd` (a fused multiply-add where the CPU has one).
        #[cfg(target_feature = "relaxed-simd")]
        Relaxed,
        |acc, a, b| f32x4_relaxed_madd(a, b, acc)
    );
}

/// Packing buffers, grown to the largest block once.
struct Buffers {
    /// Packed A panels (`MC × KC`).
    a: Vec<f32>,
    /// Packed B panels (`KC × NC`).
    b: Vec<f32>,
    /// Per A panel: the number of non-zero depth steps, then their depths (see [`compact_a`]).
    steps: Vec<u32>,
}

std::thread_local! {
    static PACK: std::cell::RefCell<Buffers> = const {
        std::cell::RefCell::new(Buffers { a: Vec::new(), b: Vec::new(), steps: Vec::new() })
    };
}

/// Returns a 64-byte-aligned window of `len` floats inside `buf`, growing it if needed.
fn aligned(buf: &mut Vec<f32>, len: usize) -> &mut [f32] {
    if buf.len() < len + 16 {
        buf.resize(len + 16, 0.0);
    }
    let skip = buf.as_ptr().align_offset(64).min(16);
    &mut buf[skip..skip + len]
}

/// Splits `total` into `ceil(total / max)` near-equal blocks, each a multiple of `unit` (but the
/// last), so that no block is a thin remainder; returns the block size.
fn balanced_block(total: usize, max: usize, unit: usize) -> usize {
    let blocks = total.div_ceil(max).max(1);
    total.div_ceil(blocks).div_ceil(unit) * unit
}

/// The blocked product with `MR × (4·NV)` micro-tiles over lanes `V`.
///
/// # Shapes
/// As [`gemm`].
pub(crate) fn gemm_blocked<V: F32x4, const MR: usize, const NV: usize>(
    alpha: f32,
    a: &ArrayBase<impl Data<Elem = f32>, Ix2>,
    b: &ArrayBase<impl Data<Elem = f32>, Ix2>,
    beta: f32,
    c: &mut ArrayBase<impl DataMut<Elem = f32>, Ix2>,
) {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert!(
        k == k2 && c.dim() == (m, n),
        "gemm: shapes do not agree: a {:?} · b {:?} into c {:?}",
        a.dim(),
        b.dim(),
        c.dim()
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if beta == 0.0 {
            c.fill(0.0);
        } else {
            c.map_inplace(|x| *x *= beta);
        }
        return;
    }
    let nr = 4 * NV;
    let (rsa, csa) = (a.strides()[0], a.strides()[1]);
    let (rsb, csb) = (b.strides()[0], b.strides()[1]);
    let (rsc, csc) = (c.strides()[0], c.strides()[1]);
    let (pa, pb, pc) = (a.as_ptr(), b.as_ptr(), c.as_mut_ptr());
    if m < MR && csb == 1 {
        // A few rows (one drawn digit): stream B once per row instead of packing all of it.
        for i in 0..m {
            // SAFETY: row i of A, all of B and row i of C, each with its own strides.
            unsafe {
                few_rows_row::<V>(
                    alpha,
                    pa.offset(i as isize * rsa),
                    csa,
                    pb,
                    rsb,
                    k,
                    n,
                    beta,
                    pc.offset(i as isize * rsc),
                    csc,
                );
            }
        }
        return;
    }

    let kc_max = balanced_block(k, KC, 1);
    let mc_max = balanced_block(m, MC.div_ceil(MR) * MR, MR);
    let nc_max = balanced_block(n, NC, nr);
    PACK.with(|cell| {
        let mut guard = cell.try_borrow_mut();
        let mut spare = Buffers {
            a: Vec::new(),
            b: Vec::new(),
            steps: Vec::new(),
        };
        let bufs = match guard {
            Ok(ref mut g) => &mut **g,
            Err(_) => &mut spare,
        };
        let a_panels = mc_max.div_ceil(MR);
        let apack = aligned(&mut bufs.a, a_panels * MR * kc_max);
        let bpack = aligned(&mut bufs.b, nc_max.div_ceil(nr) * nr * kc_max);
        if bufs.steps.len() < a_panels * (kc_max + 1) {
            bufs.steps.resize(a_panels * (kc_max + 1), 0);
        }
        let steps = &mut bufs.steps[..];
        // SAFETY: every pointer below stays inside the views (row < m, col < n, depth < k, using
        // their own strides) or inside the packing buffers sized just above.
        unsafe {
            for jc in (0..n).step_by(nc_max) {
                let nc = nc_max.min(n - jc);
                for p0 in (0..k).step_by(kc_max) {
                    let kc = kc_max.min(k - p0);
                    let b_block = pb.offset(p0 as isize * rsb + jc as isize * csb);
                    pack_b::<V, NV>(bpack, b_block, rsb, csb, kc, nc);
                    let beta_here = if p0 == 0 { beta } else { 1.0 };
                    for ic in (0..m).step_by(mc_max) {
                        let mc = mc_max.min(m - ic);
                        let a_block = pa.offset(ic as isize * rsa + p0 as isize * csa);
                        pack_a::<V, MR>(apack, a_block, rsa, csa, mc, kc);
                        // Skipping zero depth steps pays when each A panel meets many B panels.
                        let sparse = nc >= 4 * nr && compact_a::<MR>(apack, steps, mc, kc);
                        for jr in (0..nc).step_by(nr) {
                            let b_panel = bpack.as_ptr().add(jr * kc);
                            for ir in (0..mc).step_by(MR) {
                                let a_panel = apack.as_ptr().add(ir * kc);
                                let (count, depths) = if sparse {
                                    let s = steps.as_ptr().add(ir / MR * (kc + 1));
                                    (*s as usize, s.add(1))
                                } else {
                                    (kc, std::ptr::null())
                                };
                                let c_tile =
                                    pc.offset((ic + ir) as isize * rsc + (jc + jr) as isize * csc);
                                tile::<V, MR, NV>(
                                    count,
                                    depths,
                                    a_panel,
                                    b_panel,
                                    alpha,
                                    beta_here,
                                    c_tile,
                                    rsc,
                                    csc,
                                    MR.min(mc - ir),
                                    nr.min(nc - jr),
                                );
                            }
                        }
                    }
                }
            }
        }
    });
}

/// One row of C for the few-rows case (`B` row-major): `c ← α·a·B + β·c`, 32 columns at a time
/// in eight accumulators, then four at a time, then one at a time.
///
/// # Safety
/// `a` must hold `k` floats at stride `csa`, `b` a `k × n` row-major block with row stride `rsb`,
/// `c` `n` floats at stride `csc`.
#[allow(clippy::too_many_arguments)]
unsafe fn few_rows_row<V: F32x4>(
    alpha: f32,
    a: *const f32,
    csa: isize,
    b: *const f32,
    rsb: isize,
    k: usize,
    n: usize,
    beta: f32,
    c: *mut f32,
    csc: isize,
) {
    let mut j = 0;
    // Blocks of 4·W columns while they fit: W = 8 (32 columns), then W = 1 (4 columns).
    macro_rules! blocks_of {
        ($w:literal) => {
            while j + 4 * $w <= n {
                few_rows_block::<V, $w>(
                    alpha,
                    a,
                    csa,
                    b.add(j),
                    rsb,
                    k,
                    beta,
                    c.offset(j as isize * csc),
                    csc,
                );
                j += 4 * $w;
            }
        };
    }
    blocks_of!(8);
    blocks_of!(1);
    while j < n {
        let mut dot = 0.0f32;
        for p in 0..k {
            dot += *a.offset(p as isize * csa) * *b.offset(p as isize * rsb).add(j);
        }
        let cj = c.offset(j as isize * csc);
        *cj = if beta == 0.0 {
            alpha * dot
        } else {
            beta * *cj + alpha * dot
        };
        j += 1;
    }
}

/// `4·W` columns of one row of C, accumulated over the whole depth in `W` registers.
///
/// # Safety
/// As [`few_rows_row`], for `4·W` columns.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn few_rows_block<V: F32x4, const W: usize>(
    alpha: f32,
    a: *const f32,
    csa: isize,
    b: *const f32,
    rsb: isize,
    k: usize,
    beta: f32,
    c: *mut f32,
    csc: isize,
) {
    let mut acc = [V::splat(0.0); W];
    for p in 0..k {
        let ap = V::load_splat(a.offset(p as isize * csa));
        let bp = b.offset(p as isize * rsb);
        for (v, r) in acc.iter_mut().enumerate() {
            *r = r.mul_add(ap, V::load(bp.add(4 * v)));
        }
    }
    let alpha_v = V::splat(alpha);
    for (v, r) in acc.iter().enumerate() {
        let ab = r.mul(alpha_v);
        if csc == 1 {
            let p = c.add(4 * v);
            let out = if beta == 0.0 {
                ab
            } else {
                ab.mul_add(V::load(p), V::splat(beta))
            };
            out.store(p);
        } else {
            let mut t = [0.0f32; 4];
            ab.store(t.as_mut_ptr());
            for (l, x) in t.iter().enumerate() {
                let p = c.offset((4 * v + l) as isize * csc);
                *p = if beta == 0.0 { *x } else { beta * *p + x };
            }
        }
    }
}

/// Packs `mc × kc` of A (at `a`, strides `rsa`, `csa`) into panels of `MR` rows: panel `r`,
/// depth `p`, lane `i` is `A[r·MR + i, p]`, zero past row `mc`.
///
/// # Safety
/// `a` must address an `mc × kc` block with those strides; `buf` must hold `ceil(mc/MR)·MR·kc`.
#[inline(always)]
unsafe fn pack_a<V: F32x4, const MR: usize>(
    buf: &mut [f32],
    a: *const f32,
    rsa: isize,
    csa: isize,
    mc: usize,
    kc: usize,
) {
    let out = buf.as_mut_ptr();
    for (panel, r0) in (0..mc).step_by(MR).enumerate() {
        let rows = MR.min(mc - r0);
        let dst = out.add(panel * MR * kc);
        let src = a.offset(r0 as isize * rsa);
        if rows == MR && MR.is_multiple_of(4) && rsa == 1 {
            // Column-major A (e.g. aᵀ): MR contiguous values per depth.
            for p in 0..kc {
                let s = src.offset(p as isize * csa);
                for g in 0..MR / 4 {
                    V::load(s.add(4 * g)).store(dst.add(p * MR + 4 * g));
                }
            }
        } else if rows == MR && MR.is_multiple_of(4) && csa == 1 {
            // Row-major A: each group of four rows is four streams along the depth.
            for g in 0..MR / 4 {
                let rows = std::array::from_fn(|i| src.offset((4 * g + i) as isize * rsa));
                interleave4::<V>(rows, dst.add(4 * g), MR, kc);
            }
        } else {
            // Edge panel or general strides.
            for i in 0..MR {
                if i < rows {
                    let s = src.offset(i as isize * rsa);
                    for p in 0..kc {
                        *dst.add(p * MR + i) = *s.offset(p as isize * csa);
                    }
                } else {
                    for p in 0..kc {
                        *dst.add(p * MR + i) = 0.0;
                    }
                }
            }
        }
    }
}

/// Packs `kc × nc` of B (at `b`, strides `rsb`, `csb`) into panels of `NR = 4·NV` columns:
/// panel `s`, depth `p`, lane `j` is `B[p, s·NR + j]`, zero past column `nc`.
///
/// # Safety
/// `b` must address a `kc × nc` block with those strides; `buf` must hold `ceil(nc/NR)·NR·kc`.
#[inline(always)]
unsafe fn pack_b<V: F32x4, const NV: usize>(
    buf: &mut [f32],
    b: *const f32,
    rsb: isize,
    csb: isize,
    kc: usize,
    nc: usize,
) {
    let nr = 4 * NV;
    let out = buf.as_mut_ptr();
    for (panel, j0) in (0..nc).step_by(nr).enumerate() {
        let cols = nr.min(nc - j0);
        let dst = out.add(panel * nr * kc);
        let src = b.offset(j0 as isize * csb);
        if cols == nr && csb == 1 {
            // Row-major B: NR contiguous values per depth.
            for p in 0..kc {
                let s = src.offset(p as isize * rsb);
                for g in 0..NV {
                    V::load(s.add(4 * g)).store(dst.add(p * nr + 4 * g));
                }
            }
        } else if cols == nr && rsb == 1 {
            // Column-major B (e.g. Wᵀ): each group of four columns is four streams along the depth.
            for g in 0..NV {
                let cols = std::array::from_fn(|j| src.offset((4 * g + j) as isize * csb));
                interleave4::<V>(cols, dst.add(4 * g), nr, kc);
            }
        } else {
            // Edge panel or general strides.
            for j in 0..nr {
                if j < cols {
                    let s = src.offset(j as isize * csb);
                    for p in 0..kc {
                        *dst.add(p * nr + j) = *s.offset(p as isize * rsb);
                    }
                } else {
                    for p in 0..kc {
                        *dst.add(p * nr + j) = 0.0;
                    }
                }
            }
        }
    }
}

/// Writes `dst[p·width + i] = src[i][p]` for `p < kc`, `i < 4`: four streams contiguous along the
/// depth become four lanes of a panel, via 4×4 transposes of four depth steps at a time.
///
/// # Safety
/// Each `src[i]` must hold `kc` floats; `dst` must hold `(kc − 1)·width + 4`.
#[inline(always)]
unsafe fn interleave4<V: F32x4>(src: [*const f32; 4], dst: *mut f32, width: usize, kc: usize) {
    let mut p = 0;
    while p + 4 <= kc {
        let t = V::transpose4(std::array::from_fn(|i| V::load(src[i].add(p))));
        for (q, v) in t.iter().enumerate() {
            v.store(dst.add((p + q) * width));
        }
        p += 4;
    }
    while p < kc {
        for (i, s) in src.iter().enumerate() {
            *dst.add(p * width + i) = *s.add(p);
        }
        p += 1;
    }
}

/// One `MR × NR` tile: accumulates `Σ_p A_panel[p]·B_panel[p]` in registers, then writes
/// `α·acc + β·C` into the `rows × cols` valid part of the tile (`β = 0`: C is not read). With
/// `depths` non-null, the A panel is compacted: its `kc` steps pair with B's steps `depths[s]`.
///
/// # Safety
/// The panels must hold `kc` steps (B: every listed depth); `c` must address a `rows × cols` block
/// with strides `rsc`, `csc`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn tile<V: F32x4, const MR: usize, const NV: usize>(
    kc: usize,
    depths: *const u32,
    a: *const f32,
    b: *const f32,
    alpha: f32,
    beta: f32,
    c: *mut f32,
    rsc: isize,
    csc: isize,
    rows: usize,
    cols: usize,
) {
    let acc = if depths.is_null() {
        micro_kernel::<V, MR, NV>(kc, a, b)
    } else {
        micro_kernel_sparse::<V, MR, NV>(kc, depths, a, b)
    };
    let alpha_v = V::splat(alpha);
    if rows == MR && cols == 4 * NV && csc == 1 {
        let beta_v = V::splat(beta);
        for (i, row) in acc.iter().enumerate() {
            let c_row = c.offset(i as isize * rsc);
            for (j, &v) in row.iter().enumerate() {
                let p = c_row.add(4 * j);
                let ab = v.mul(alpha_v);
                let out = if beta == 0.0 {
                    ab
                } else if beta == 1.0 {
                    V::load(p).add(ab)
                } else {
                    ab.mul_add(V::load(p), beta_v)
                };
                out.store(p);
            }
        }
    } else {
        let mut tmp = [[[0.0f32; 4]; NV]; MR];
        for (t, row) in tmp.iter_mut().zip(acc.iter()) {
            for (tv, &v) in t.iter_mut().zip(row.iter()) {
                v.mul(alpha_v).store(tv.as_mut_ptr());
            }
        }
        for (i, t) in tmp.iter().enumerate().take(rows) {
            for j in 0..cols {
                let p = c.offset(i as isize * rsc + j as isize * csc);
                let ab = t[j / 4][j % 4];
                *p = if beta == 0.0 { ab } else { beta * *p + ab };
            }
        }
    }
}

/// [`micro_kernel`] over a compacted A panel: step `s` pairs A's step `s` with B's step
/// `depths[s]` (the depths where A's panel has a non-zero value).
///
/// # Safety
/// `a` must hold `count·MR` floats, `depths` `count` depths within the B panel.
#[inline(always)]
unsafe fn micro_kernel_sparse<V: F32x4, const MR: usize, const NV: usize>(
    count: usize,
    depths: *const u32,
    mut a: *const f32,
    b: *const f32,
) -> [[V; NV]; MR] {
    let zero = V::splat(0.0);
    let mut acc = [[zero; NV]; MR];
    for s in 0..count {
        let bp = b.add(*depths.add(s) as usize * 4 * NV);
        let mut bv = [zero; NV];
        for (j, v) in bv.iter_mut().enumerate() {
            *v = V::load(bp.add(4 * j));
        }
        for (i, row) in acc.iter_mut().enumerate() {
            let ai = V::load_splat(a.add(i));
            for (r, &bj) in row.iter_mut().zip(bv.iter()) {
                *r = r.mul_add(ai, bj);
            }
        }
        a = a.add(MR);
    }
    acc
}

/// Drops the depth steps where a packed A panel is all zero, if at least a quarter of the block's
/// steps are (MNIST images are mostly background): each panel's non-zero steps move to its front,
/// in order, and `steps[r·(kc+1)]` holds panel `r`'s count, followed by their depths. Returns
/// whether it compacted. Skipping exact zeros changes nothing but `0·∞` (which would be NaN).
fn compact_a<const MR: usize>(apack: &mut [f32], steps: &mut [u32], mc: usize, kc: usize) -> bool {
    let panels = mc.div_ceil(MR);
    let nonzero_step =
        |panel: &[f32], p: usize| panel[p * MR..(p + 1) * MR].iter().any(|&x| x != 0.0);
    let mut nonzero = 0;
    for r in 0..panels {
        let panel = &apack[r * MR * kc..(r + 1) * MR * kc];
        nonzero += (0..kc).filter(|&p| nonzero_step(panel, p)).count();
    }
    if 4 * nonzero > 3 * panels * kc {
        return false;
    }
    for r in 0..panels {
        let panel = &mut apack[r * MR * kc..(r + 1) * MR * kc];
        let list = &mut steps[r * (kc + 1)..(r + 1) * (kc + 1)];
        let mut w = 0;
        for p in 0..kc {
            if nonzero_step(panel, p) {
                panel.copy_within(p * MR..(p + 1) * MR, w * MR);
                list[1 + w] = p as u32;
                w += 1;
            }
        }
        list[0] = w as u32;
    }
    true
}

/// The register-blocked inner loop: `MR × NV` accumulators, `NV` loads of B and `MR` broadcast
/// loads of A per depth step.
///
/// # Safety
/// `a` must hold `kc·MR` floats and `b` `kc·4·NV`.
#[inline(always)]
unsafe fn micro_kernel<V: F32x4, const MR: usize, const NV: usize>(
    kc: usize,
    mut a: *const f32,
    mut b: *const f32,
) -> [[V; NV]; MR] {
    let zero = V::splat(0.0);
    let mut acc = [[zero; NV]; MR];
    for _ in 0..kc {
        let mut bv = [zero; NV];
        for (j, v) in bv.iter_mut().enumerate() {
            *v = V::load(b.add(4 * j));
        }
        for (i, row) in acc.iter_mut().enumerate() {
            let ai = V::load_splat(a.add(i));
            for (r, &bj) in row.iter_mut().zip(bv.iter()) {
                *r = r.mul_add(ai, bj);
            }
        }
        a = a.add(MR);
        b = b.add(4 * NV);
    }
    acc
}

#[cfg(test)]
#[path = "../../tests/common/gemm_cases.rs"]
mod gemm_cases;

#[cfg(test)]
mod tests {
    //! The cases and the oracle (a naive `f64` product, independent of both ndarray and this
    //! kernel) are shared with the browser tests: tests/common/gemm_cases.rs. Shapes cover 1×1,
    //! odd edges smaller and larger than one tile and one block, transposed views and the training
    //! step's own shapes.
    use super::gemm_cases::{self, c_before, Expected};
    use super::*;
    use ndarray::{Array2, ArrayView2};
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    /// Runs every variant used in wasm (4×8 plain, 6×8 relaxed) plus odd ones on `a·b`.
    fn check(a: ArrayView2<f32>, b: ArrayView2<f32>, alpha: f32, beta: f32) {
        let (m, n) = (a.nrows(), b.ncols());
        let mut rng = Pcg64Mcg::seed_from_u64((m * 1000 + n) as u64);
        let c0 = gemm_cases::random(&mut rng, m, n, false);
        let expected = Expected::new(a, b, alpha, beta, &c0);
        let what = format!("{m}×{}×{n} α={alpha} β={beta}", a.ncols());
        let mut got = c_before(&c0, beta, false);
        gemm_blocked::<Portable, 4, 2>(alpha, &a, &b, beta, &mut got);
        expected.assert(&got, &format!("4×8 {what}"));
        let mut got = c_before(&c0, beta, false);
        gemm_blocked::<Portable, 6, 2>(alpha, &a, &b, beta, &mut got);
        expected.assert(&got, &format!("6×8 {what}"));
        let mut got = c_before(&c0, beta, false);
        gemm_blocked::<Portable, 5, 3>(alpha, &a, &b, beta, &mut got);
        expected.assert(&got, &format!("5×12 {what}"));
        // Column-major C goes through the strided edge path for every tile.
        let mut got_f = c_before(&c0, beta, true);
        gemm_blocked::<Portable, 4, 2>(alpha, &a, &b, beta, &mut got_f);
        expected.assert(&got_f, &format!("4×8 column-major c {what}"));
        // The public entry point (ndarray natively, the SIMD kernel in wasm).
        let mut got = c_before(&c0, beta, false);
        gemm(alpha, &a, &b, beta, &mut got);
        expected.assert(&got, &format!("gemm {what}"));
    }

    #[test]
    fn matches_the_oracle_on_odd_shapes_and_layouts() {
        // Plus several blocks in every dimension.
        gemm_cases::every_layout(&[(200, 531, 1100)], 6, &mut check);
    }

    #[test]
    fn alpha_beta_and_nan_in_c() {
        gemm_cases::alpha_beta(7, &mut check);
    }

    #[test]
    fn training_step_shapes_with_transposed_views() {
        let shapes = [
            (128, 784, 128),
            (128, 128, 10),
            (256, 512, 256),
            (256, 256, 10),
        ];
        gemm_cases::training_step_products(&shapes, 8, &mut check);
    }

    #[test]
    fn strided_and_reversed_views() {
        gemm_cases::strided_and_reversed(9, &mut check);
    }

    #[test]
    fn mostly_zero_a_takes_the_compacted_path() {
        // Forward x·W (zero depth steps shared by 4 images) and weight gradient xᵀ·δ (4 pixels of
        // one image all zero): both compact, and both still match the oracle.
        gemm_cases::mostly_zero(64, 300, 130, 10, &mut check);

        // compact_a itself: panel 0 has non-zero steps 1 and 3 (of 5), panel 1 only step 4.
        let mut packed = vec![0.0f32; 2 * 4 * 5];
        packed[4 + 2] = 1.0; // panel 0, step 1, lane 2
        packed[12] = f32::NAN; // panel 0, step 3, lane 0: NaN is not zero
        packed[20 + 16 + 3] = 2.0; // panel 1, step 4, lane 3
        let mut steps = vec![0u32; 2 * 6];
        assert!(compact_a::<4>(&mut packed, &mut steps, 8, 5));
        assert_eq!(&steps[..3], &[2, 1, 3]);
        assert_eq!(&steps[6..8], &[1, 4]);
        assert_eq!(packed[2], 1.0);
        assert!(packed[4].is_nan());
        assert_eq!(packed[20 + 3], 2.0);
        // Dense panels are left alone.
        let mut dense = vec![1.0f32; 4 * 5];
        assert!(!compact_a::<4>(&mut dense, &mut steps, 4, 5));
    }

    #[test]
    fn empty_and_zero_depth() {
        let a = Array2::<f32>::zeros((3, 0));
        let b = Array2::<f32>::zeros((0, 4));
        let mut c = Array2::from_elem((3, 4), f32::NAN);
        gemm_blocked::<Portable, 4, 2>(1.0, &a, &b, 0.0, &mut c);
        assert!(c.iter().all(|&x| x == 0.0), "k = 0, β = 0 gives zeros");
        let mut c = Array2::from_elem((3, 4), 2.0f32);
        gemm_blocked::<Portable, 4, 2>(1.0, &a, &b, 0.5, &mut c);
        assert!(c.iter().all(|&x| x == 1.0), "k = 0 scales C by β");
        let a = Array2::<f32>::zeros((0, 5));
        let b = Array2::<f32>::zeros((5, 4));
        let mut c = Array2::<f32>::zeros((0, 4));
        gemm_blocked::<Portable, 4, 2>(1.0, &a, &b, 0.0, &mut c);
    }

    #[test]
    #[should_panic(expected = "shapes do not agree")]
    fn mismatched_shapes_panic() {
        let a = Array2::<f32>::zeros((3, 4));
        let b = Array2::<f32>::zeros((5, 4));
        let mut c = Array2::<f32>::zeros((3, 4));
        gemm_blocked::<Portable, 4, 2>(1.0, &a, &b, 0.0, &mut c);
    }
}
