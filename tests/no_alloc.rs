//! # The steady-state training step does not allocate
//!
//! A counting `#[global_allocator]` (wrapping [`System`]) counts every `alloc`, `alloc_zeroed`
//! and `realloc` made — on any thread — while a measured region is open. For several configs
//! (plain ReLU/Adam, dropout, augmentation, SGD with momentum and weight decay, two hidden layers
//! with a warm-up cosine schedule) a [`Trainer`] is warmed up through a whole epoch (its short last
//! batch included) and into the next, then three further `train_steps` calls are measured: part
//! of an epoch, the rest of it (ending it) and the start of the following one (a new shuffle).
//!
//! What may allocate, and why: natively [`gemm`] is ndarray's `general_mat_mul`, i.e.
//! matrixmultiply, which allocates one packing buffer per product (`make_packing_buffer` in
//! matrixmultiply 0.3.11's `gemm.rs`, requested with the kernel's alignment, 16 to 64 bytes).
//! The test does not assume that count: it measures the allocations of one warmed-up [`gemm`]
//! call of the trainer's shapes (`per_product`, 1 with matrixmultiply, 0 with an
//! allocation-free kernel) and then demands, for `s` measured steps of a network with `L`
//! layers (`L` forward products, `L` weight-gradient products and `L − 1` products passing the
//! error back: `3L − 1`), exactly `s·(3L − 1)·per_product` allocations, every one of them
//! over-aligned (≥ 16 bytes, which no `Vec` of the engine's scalar types asks for). So the rest
//! of the step — batch loading, augmentation, dropout masks, activations, loss, optimizer,
//! schedule, the epoch's reshuffle — must allocate nothing, and once the matrix product is
//! allocation-free the same test demands zero allocations in total.
//!
//! In WebAssembly (`wasm-pack test … -- --test no_alloc`, in a dedicated worker like the engine on
//! the page) [`gemm`] is the crate's own packed kernel, whose packing buffers are thread-local and
//! grow once: there `per_product` must be 0 and so must the whole measured region.
//!
//! All checks live in one test so that no other test of this binary runs (and allocates) while a
//! region is measured; counting is global, so worker threads would be counted too.
//!
//! Non-goals: speed, and allocations outside `train_steps` (building the trainer, evaluation,
//! layer statistics), which happen once per run or per epoch at the caller's request.

use mnist_playground::data::augment::AugmentConfig;
use mnist_playground::data::mnist::synthetic_bars as bars;
use mnist_playground::nn::activation::Activation;
use mnist_playground::nn::gemm::gemm;
use mnist_playground::train::config::Config;
use mnist_playground::train::optimizer::OptimizerConfig;
use mnist_playground::train::schedule::{Schedule, ScheduleKind};
use mnist_playground::train::trainer::Trainer;
use ndarray::Array2;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};

/// Counts allocations while [`MEASURING`] is set.
struct Counting;

static MEASURING: AtomicBool = AtomicBool::new(false);
/// Allocations (including reallocations) in the open region.
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
/// Of those, the ones asking for an alignment of 16 bytes or more.
static OVER_ALIGNED: AtomicUsize = AtomicUsize::new(0);

impl Counting {
    fn count(layout: Layout) {
        if MEASURING.load(SeqCst) {
            ALLOCATIONS.fetch_add(1, SeqCst);
            if layout.align() >= 16 {
                OVER_ALIGNED.fetch_add(1, SeqCst);
            }
        }
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Counting::count(layout);
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Counting::count(layout);
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Counting::count(layout);
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// Allocations made by `f`: (all of them, the over-aligned ones).
fn allocations_in<T>(f: impl FnOnce() -> T) -> ((usize, usize), T) {
    ALLOCATIONS.store(0, SeqCst);
    OVER_ALIGNED.store(0, SeqCst);
    MEASURING.store(true, SeqCst);
    let out = f();
    MEASURING.store(false, SeqCst);
    ((ALLOCATIONS.load(SeqCst), OVER_ALIGNED.load(SeqCst)), out)
}

/// 300 images, 50 held out: 250 to train on in batches of 32, so 8 steps per epoch, the last
/// of 26 images.
fn small() -> Config {
    Config {
        hidden: vec![32],
        batch_size: 32,
        epochs: 6,
        validation_size: 50,
        learning_rate: 0.01,
        seed: 5,
        ..Config::default()
    }
}

fn configs() -> Vec<(&'static str, Config)> {
    vec![
        ("relu + adam", small()),
        (
            "dropout",
            Config {
                dropout: 0.25,
                ..small()
            },
        ),
        (
            "augmentation",
            Config {
                augment: AugmentConfig {
                    enabled: true,
                    ..AugmentConfig::default()
                },
                ..small()
            },
        ),
        (
            "sgd momentum + weight decay",
            Config {
                optimizer: OptimizerConfig::Momentum {
                    momentum: 0.9,
                    nesterov: true,
                },
                weight_decay: 1e-4,
                ..small()
            },
        ),
        (
            "two hidden layers, tanh, dropout, cosine with warm-up",
            Config {
                hidden: vec![48, 24],
                activation: Activation::Tanh,
                dropout: 0.1,
                schedule: Schedule {
                    kind: ScheduleKind::Cosine { min_lr: 1e-4 },
                    warmup_epochs: 1.5,
                },
                ..small()
            },
        ),
    ]
}

/// Allocations of one warmed-up product of the first layer's forward shape `[32, 784]·[784, 32]`.
fn allocations_per_product() -> (usize, usize) {
    let a = Array2::from_shape_fn((32, 784), |(i, j)| ((i * 31 + j) % 7) as f32);
    let b = Array2::from_shape_fn((784, 32), |(i, j)| ((i + 3 * j) % 5) as f32 - 2.0);
    let mut c = Array2::zeros((32, 32));
    gemm(1.0, &a, &b, 0.0, &mut c);
    let (counts, ()) = allocations_in(|| gemm(1.0, &a, &b, 0.0, &mut c));
    counts
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_steady_state_training_step_allocates_nothing_but_the_native_matrix_products() {
    let data = bars(300);

    // The counter sees what it should: a deliberate allocation is counted, with its alignment.
    let (counts, v) = allocations_in(|| std::hint::black_box(Vec::<f32>::with_capacity(10)));
    drop(v);
    assert_eq!(
        counts,
        (1, 0),
        "a Vec<f32> is one allocation, 4-byte aligned"
    );

    let (per_product, per_product_aligned) = allocations_per_product();
    if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
        assert_eq!(
            (per_product, per_product_aligned),
            (0, 0),
            "the wasm kernel's packing buffers are thread-local and grow once"
        );
    }
    assert!(
        per_product <= 1 && per_product_aligned == per_product,
        "one matrix product made {per_product} allocations ({per_product_aligned} over-aligned); \
         expected matrixmultiply's one over-aligned packing buffer, or none"
    );

    for (name, config) in configs() {
        let layers = config.hidden.len() + 1;
        let products_per_step = 3 * layers - 1;
        let mut t = Trainer::new(config, &data).unwrap();
        assert_eq!(
            t.steps_per_epoch(),
            8,
            "{name}: 250 images in batches of 32"
        );

        // Warm-up: the whole first epoch (its last batch has 26 images), then 2 steps into the
        // second (after its reshuffle).
        let p = t.train_steps(&data, 100).unwrap();
        assert!(p.epoch_finished && p.steps == 8, "{name}: {p:?}");
        t.train_steps(&data, 2).unwrap();

        // Measured: 3 steps, the rest of epoch 2 (3 steps, the short one last, ending it), and
        // 4 steps into epoch 3 (a new shuffle first).
        let ((all, over_aligned), progress) = allocations_in(|| {
            [3, 100, 4].map(|max_steps| t.train_steps(&data, max_steps).unwrap())
        });
        let steps: usize = progress.iter().map(|p| p.steps).sum();
        assert_eq!(steps, 3 + 3 + 4, "{name}: {progress:?}");
        assert!(
            progress[1].epoch_finished && progress[2].epoch == 2,
            "{name}: the measured calls cross an epoch boundary: {progress:?}"
        );
        assert!(progress.iter().all(|p| p.loss.is_finite()), "{name}");

        assert_eq!(
            all - over_aligned,
            0,
            "{name}: {steps} training steps made {} ordinary allocations",
            all - over_aligned
        );
        assert_eq!(
            (all, over_aligned),
            (
                steps * products_per_step * per_product,
                steps * products_per_step * per_product
            ),
            "{name}: {steps} steps of {products_per_step} matrix products, each making \
             {per_product} allocation(s), should make exactly that many"
        );
    }
}
