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
//! `wasm` (wasm32 builds only) is the browser's boundary over all of this, `bin/mnist.rs` the
//! command line's.
//!
//! Non-goals: convolutions, GPUs, general autograd. The numeric core never imports
//! wasm-bindgen, web-sys or js-sys; only `wasm` touches the browser.

pub mod bounds;
pub mod data;
pub mod explain;
pub mod io;
pub mod nn;
pub mod rng;
pub mod train;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
