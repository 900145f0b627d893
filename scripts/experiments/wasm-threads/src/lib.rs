//! Spike: does a config-B training step (784-512-256-10, batch 256, Adam) split into fine-grained
//! tasks over wasm threads sharing one memory reach ≥ 1.6× one thread on this VM?
//! Tasks split the *outputs* of each product (columns), so the result does not depend on which
//! thread ran which task (deterministic for any thread count).
#![feature(stdarch_wasm_atomic_wait)]

use mnist_playground::nn::gemm::gemm;
use ndarray::{ArrayView2, ArrayViewMut2, ShapeBuilder};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use wasm_bindgen::prelude::*;

const N: usize = 256;
const I: usize = 784;
const H1: usize = 512;
const H2: usize = 256;
const O: usize = 10;

struct Buf(Vec<f32>);
impl Buf {
    fn new(len: usize) -> Buf {
        Buf(vec![0.0; len])
    }
    fn ptr(&self) -> *mut f32 {
        self.0.as_ptr() as *mut f32
    }
}

pub struct Ctx {
    x: Buf,
    w1: Buf,
    w2: Buf,
    w3: Buf,
    z1: Buf,
    z2: Buf,
    z3: Buf,
    d1: Buf,
    d2: Buf,
    d3: Buf,
    g1: Buf,
    g2: Buf,
    g3: Buf,
    m: Buf,
    v: Buf,
    threads: u32,
    blocks: usize,
    grow: bool,
    frow: bool,
    counters: [AtomicUsize; 8],
    arrived: AtomicU32,
    generation: AtomicU32,
    pub spins: AtomicUsize,
    times: std::cell::UnsafeCell<[f64; 8]>,
    pub waits: AtomicUsize,
}

unsafe fn view<'a>(p: *mut f32, rows: usize, cols: usize, rs: usize, cs: usize) -> ArrayView2<'a, f32> {
    ArrayView2::from_shape_ptr((rows, cols).strides((rs, cs)), p)
}
unsafe fn view_mut<'a>(p: *mut f32, rows: usize, cols: usize, rs: usize) -> ArrayViewMut2<'a, f32> {
    ArrayViewMut2::from_shape_ptr((rows, cols).strides((rs, 1)), p)
}

#[wasm_bindgen]
pub fn setup(threads: u32, blocks: usize, grow: bool, frow: bool) -> usize {
    let mut seed = 12345u32;
    let mut rnd = || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        (seed as f32 / u32::MAX as f32) - 0.5
    };
    let mut c = Ctx {
        x: Buf::new(N * I),
        w1: Buf::new(I * H1),
        w2: Buf::new(H1 * H2),
        w3: Buf::new(H2 * O),
        z1: Buf::new(N * H1),
        z2: Buf::new(N * H2),
        z3: Buf::new(N * O),
        d1: Buf::new(N * H1),
        d2: Buf::new(N * H2),
        d3: Buf::new(N * O),
        g1: Buf::new(I * H1),
        g2: Buf::new(H1 * H2),
        g3: Buf::new(H2 * O),
        m: Buf::new(I * H1 + H1 * H2 + H2 * O),
        v: Buf::new(I * H1 + H1 * H2 + H2 * O),
        threads,
        blocks,
        grow,
        frow,
        counters: Default::default(),
        arrived: AtomicU32::new(0),
        generation: AtomicU32::new(0),
        spins: AtomicUsize::new(0),
        times: std::cell::UnsafeCell::new([0.0; 8]),
        waits: AtomicUsize::new(0),
    };
    // MNIST-like: ~80% zero pixels.
    for v in c.x.0.iter_mut() {
        let r = rnd();
        *v = if r > 0.3 { r + 0.5 } else { 0.0 };
    }
    for w in [&mut c.w1, &mut c.w2, &mut c.w3] {
        for v in w.0.iter_mut() {
            *v = rnd() * 0.1;
        }
    }
    Box::into_raw(Box::new(c)) as usize
}

impl Ctx {
    fn barrier(&self) {
        let gen = self.generation.load(Ordering::Acquire);
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.threads {
            self.arrived.store(0, Ordering::Relaxed);
            for c in &self.counters {
                c.store(0, Ordering::Relaxed);
            }
            self.generation.fetch_add(1, Ordering::Release);
            unsafe {
                core::arch::wasm32::memory_atomic_notify(self.generation.as_ptr() as *mut i32, u32::MAX);
            }
            return;
        }
        let mut n = 0;
        while self.generation.load(Ordering::Acquire) == gen {
            n += 1;
            if n < 20_000 {
                core::hint::spin_loop();
            } else {
                self.waits.fetch_add(1, Ordering::Relaxed);
                unsafe {
                    core::arch::wasm32::memory_atomic_wait32(
                        self.generation.as_ptr() as *mut i32,
                        gen as i32,
                        1_000_000,
                    );
                }
            }
        }
        self.spins.fetch_add(n, Ordering::Relaxed);
    }

    /// Runs tasks 0..count of phase `p` (dynamically claimed), then waits for the others.
    fn phase(&self, p: usize, count: usize, f: impl Fn(usize)) {
        let t0 = js_sys_now();
        loop {
            let t = self.counters[p].fetch_add(1, Ordering::Relaxed);
            if t >= count {
                break;
            }
            f(t);
        }
        if self.threads > 1 {
            self.barrier();
        } else {
            self.counters[p].store(0, Ordering::Relaxed);
        }
        unsafe { (*self.times.get())[p] += js_sys_now() - t0; }
    }

    unsafe fn step(&self, t: u32) {
        let nb = self.blocks;
        let x = M::new(self.x.ptr(), N, I);
        let (w1, w2, w3) = (M::new(self.w1.ptr(), I, H1), M::new(self.w2.ptr(), H1, H2), M::new(self.w3.ptr(), H2, O));
        let (z1, z2, z3) = (M::new(self.z1.ptr(), N, H1), M::new(self.z2.ptr(), N, H2), M::new(self.z3.ptr(), N, O));
        let (d1, d2, d3) = (M::new(self.d1.ptr(), N, H1), M::new(self.d2.ptr(), N, H2), M::new(self.d3.ptr(), N, O));
        let (g1, g2, g3) = (M::new(self.g1.ptr(), I, H1), M::new(self.g2.ptr(), H1, H2), M::new(self.g3.ptr(), H2, O));
        self.gemms(0, &[G { a: x, b: w1, c: z1, rows: self.frow, blocks: nb, post: Post::Relu }]);
        self.gemms(1, &[G { a: z1, b: w2, c: z2, rows: self.frow, blocks: nb, post: Post::Relu }]);
        self.gemms(2, &[G { a: z2, b: w3, c: z3, rows: true, blocks: 1, post: Post::Fake(d3) }]);
        self.gemms(3, &[
            G { a: z2.t(), b: d3, c: g3, rows: true, blocks: 1, post: Post::None },
            G { a: d3, b: w3.t(), c: d2, rows: false, blocks: nb, post: Post::Mask(z2) },
        ]);
        self.gemms(4, &[
            G { a: z1.t(), b: d2, c: g2, rows: self.grow, blocks: nb, post: Post::None },
            G { a: d2, b: w2.t(), c: d1, rows: false, blocks: nb, post: Post::Mask(z1) },
        ]);
        self.gemms(5, &[G { a: x.t(), b: d1, c: g1, rows: self.grow, blocks: nb, post: Post::None }]);
        // Adam over all parameters in 16 ranges
        let total = I * H1 + H1 * H2 + H2 * O;
        let parts = if self.blocks > 1 { 16 } else { 1 };
        let _ = t;
        self.phase(6, parts, |b| {
            let (lo, hi) = (b * total / parts, (b + 1) * total / parts);
            let segs = [(0, I * H1, self.w1.ptr(), self.g1.ptr()), (I * H1, I * H1 + H1 * H2, self.w2.ptr(), self.g2.ptr()), (I * H1 + H1 * H2, total, self.w3.ptr(), self.g3.ptr())];
            for (s0, s1, wp, gp) in segs {
                let (a, z) = (lo.max(s0), hi.min(s1));
                if a >= z { continue; }
                let len = z - a;
                let w = std::slice::from_raw_parts_mut(wp.add(a - s0), len);
                let g = std::slice::from_raw_parts(gp.add(a - s0), len);
                let m = std::slice::from_raw_parts_mut(self.m.ptr().add(a), len);
                let v = std::slice::from_raw_parts_mut(self.v.ptr().add(a), len);
                for (((w, g), m), v) in w.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                    *m = 0.9 * *m + 0.1 * g;
                    *v = 0.999 * *v + 0.001 * g * g;
                    *w -= 1e-6 * *m / (v.sqrt() + 1e-8);
                }
            }
        });
    }
}

/// Runs `steps` steps as thread `t`; returns milliseconds.
#[wasm_bindgen]
pub fn run(ctx: usize, t: u32, steps: u32) -> f64 {
    let c = unsafe { &*(ctx as *const Ctx) };
    let t0 = js_sys_now();
    for _ in 0..steps {
        unsafe { c.step(t) };
    }
    js_sys_now() - t0
}

#[wasm_bindgen]
pub fn checksum(ctx: usize) -> f64 {
    let c = unsafe { &*(ctx as *const Ctx) };
    c.w1.0.iter().chain(&c.w2.0).map(|&v| v as f64).sum()
}

#[wasm_bindgen]
pub fn stats(ctx: usize) -> Vec<f64> {
    let c = unsafe { &*(ctx as *const Ctx) };
    let t = unsafe { *c.times.get() };
    vec![t[0], t[1], t[2], t[3], t[4], t[5], t[6], c.spins.load(Ordering::Relaxed) as f64, c.waits.load(Ordering::Relaxed) as f64]
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn js_sys_now() -> f64;
}

unsafe impl Sync for Ctx {}

#[derive(Clone, Copy)]
struct M { p: *mut f32, r: usize, c: usize, rs: usize, cs: usize }
impl M {
    fn new(p: *mut f32, r: usize, c: usize) -> M { M { p, r, c, rs: c, cs: 1 } }
    fn t(self) -> M { M { p: self.p, r: self.c, c: self.r, rs: self.cs, cs: self.rs } }
    unsafe fn rows(self, a: usize, b: usize) -> M { M { p: self.p.add(a * self.rs), r: b - a, ..self } }
    unsafe fn cols(self, a: usize, b: usize) -> M { M { p: self.p.add(a * self.cs), c: b - a, ..self } }
    unsafe fn v<'a>(self) -> ArrayView2<'a, f32> { view(self.p, self.r, self.c, self.rs, self.cs) }
    unsafe fn vm<'a>(self) -> ArrayViewMut2<'a, f32> { ArrayViewMut2::from_shape_ptr((self.r, self.c).strides((self.rs, self.cs)), self.p) }
}
enum Post { None, Relu, Mask(M), Fake(M) }
struct G { a: M, b: M, c: M, rows: bool, blocks: usize, post: Post }

fn bounds(total: usize, blocks: usize, i: usize, unit: usize) -> (usize, usize) {
    let units = total.div_ceil(unit);
    let f = |j: usize| (j * units / blocks * unit).min(total);
    (f(i), f(i + 1))
}

impl Ctx {
    fn gemms(&self, p: usize, gs: &[G]) {
        let count: usize = gs.iter().map(|g| g.blocks).sum();
        self.phase(p, count, |mut i| {
            for g in gs {
                if i >= g.blocks { i -= g.blocks; continue; }
                unsafe {
                    let (a, b, c, sub): (M, M, M, &dyn Fn(M) -> M) = if g.rows {
                        let (r0, r1) = bounds(g.c.r, g.blocks, i, 4);
                        (g.a.rows(r0, r1), g.b, g.c.rows(r0, r1), &move |m: M| m.rows(r0, r1))
                    } else {
                        let (c0, c1) = bounds(g.c.c, g.blocks, i, 8);
                        (g.a, g.b.cols(c0, c1), g.c.cols(c0, c1), &move |m: M| m.cols(c0, c1))
                    };
                    gemm(1.0, &a.v(), &b.v(), 0.0, &mut c.vm());
                    match g.post {
                        Post::None => {}
                        Post::Relu => c.vm().mapv_inplace(|v| v.max(0.0)),
                        Post::Mask(z) => c.vm().zip_mut_with(&sub(z).v(), |d, z| if *z <= 0.0 { *d = 0.0 }),
                        Post::Fake(d) => sub(d).vm().zip_mut_with(&c.v(), |d, z| *d = z * (1.0 / N as f32)),
                    }
                }
                return;
            }
        });
    }
}
