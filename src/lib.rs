//! # MNIST Playground core
//!
//! A small, readable multilayer perceptron (MLP) for MNIST that runs the same way natively
//! (tests, command-line tool, benchmarks) and in WebAssembly inside a Web Worker (the page).
//!
//! Data flow, module by module:
//!
//! 1. [`mnist`]: IDX bytes → [`mnist::Dataset`] (pixels stay `u8`).
//! 2. [`config`]: every hyperparameter, including the seed, in one serialisable struct.
//! 3. [`network`] with [`activation`] and [`loss`]: forward and backward passes.
//! 4. [`optimizer`] and [`schedule`]: how gradients become weight updates, and at what rate.
//! 5. [`trainer`] (with [`augment`]): mini-batches over a seeded shuffle, a step API, evaluation
//!    into [`metrics`]; [`parallel`]: several trainers sharing every batch (multi-core).
//! 6. [`model_file`]: the trained network as a versioned binary file; [`export_tfjs`]: the same
//!    network in TensorFlow.js's layers format.
//! 7. [`preprocess`]: a drawing on a canvas → the 28×28 image the network reads.
//!
//! Non-goals: convolutions, GPUs, general autograd. The numeric core never imports
//! wasm-bindgen, web-sys or js-sys; only [`wasm_api`] (wasm32 builds) touches the browser.

pub mod activation;
pub mod augment;
pub mod bounds;
pub mod config;
pub mod export_tfjs;
pub mod gemm;
pub mod loss;
pub mod metrics;
pub mod mnist;
pub mod model_file;
pub mod network;
pub mod optimizer;
pub mod parallel;
pub mod preprocess;
pub mod rng;
pub mod schedule;
pub mod trainer;

#[cfg(target_arch = "wasm32")]
pub mod wasm_api;
