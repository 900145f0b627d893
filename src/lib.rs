//! # MNIST Playground core
//!
//! A small, readable multilayer perceptron (MLP) for MNIST that runs the same way natively
//! (tests, command-line tool, benchmarks) and in WebAssembly inside a Web Worker (the page).
//!
//! Data flow, from MNIST bytes to a prediction, file by file:
//!
//! 1. [`data::idx`] checks the IDX bytes; [`data::mnist`] keeps them as a [`data::mnist::Dataset`]
//!    (pixels stay `u8`, [`data::PIXELS`] per image).
//! 2. [`train::config`]: every hyperparameter, seed included, in one serialisable struct, with the
//!    allowed ranges ([`bounds`]) that validation checks and the page reads.
//! 3. [`train::trainer`]: each step loads a batch (seeded shuffle from [`rng`], distorted by
//!    [`data::augment`] if asked) into [`nn::workspace`], whose forward and backward passes over
//!    [`nn::network`] (with [`nn::activation`], [`nn::loss`], [`nn::gemm`]; weights from
//!    [`nn::init`]) give the gradients; [`train::team`] sums them over shards (several cores);
//!    [`train::optimizer`] at the rate of [`train::schedule`] applies the update; the step is
//!    recorded. [`train::metrics`] evaluates the network on validation and test images.
//! 4. [`io::model_file`]: the trained network as a versioned binary file; [`io::export_tfjs`]: the
//!    same network in TensorFlow.js's layers format; [`io::keras`]: its weights for Keras and a
//!    Keras script of its config; [`io::tensorboard`]: a run's curves as TensorBoard logs.
//! 5. [`data::preprocess`]: a drawing on a canvas → the 28×28 image that
//!    [`nn::network::Network::predict`] turns into ten probabilities.
//!
//! 6. [`explain`]: why the network answered so (attribution maps), how little changes its answer
//!    (targeted attacks), and one example stepped through backpropagation, with the training
//!    passes of [`nn::workspace`].
//!
//! 7. [`inspect`]: the surface training walks: a learning-rate range test on a fresh network, the
//!    loss along the line from initial to current weights and on a plane around them, and a map
//!    of the last hidden layer's activations, with [`train::trainer`] and the passes of
//!    [`nn::workspace`].
//!
//! `wasm` (wasm32 builds only) is the browser's boundary over all of this, `bin/mnist.rs` the
//! command line's.
//!
//! Non-goals: convolutions, GPUs, general autograd. The numeric core never imports
//! wasm-bindgen, web-sys or js-sys; only `wasm` touches the browser.

/// `assert_lists_all! { list; A, B { .. }, … }` tests that `list` (an enum's `ALL` or `DEFAULTS`,
/// which the page's choices are built from) holds each variant exactly once: the patterns are
/// matched exhaustively, so a new variant does not compile until it is named in the test, and then
/// fails it until it is listed.
#[cfg(test)]
macro_rules! assert_lists_all {
    ($list:expr; $($variant:pat),+ $(,)?) => {{
        let list = &$list;
        for v in list.iter() {
            match v {
                $($variant)|+ => {}
            }
        }
        $(
            let count = list.iter().filter(|v| matches!(v, $variant)).count();
            assert_eq!(count, 1, "{} listed {count} times", stringify!($variant));
        )+
    }};
}

pub mod bounds;
pub mod data;
pub mod explain;
pub mod inspect;
pub mod io;
pub mod nn;
pub mod rng;
pub mod train;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
