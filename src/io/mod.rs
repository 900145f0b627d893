//! # Files: a trained network in and out
//!
//! The engine's own versioned model file ([`model_file`], config and weights, validated on load)
//! and TensorFlow.js's layers format ([`export_tfjs`] out, [`import_tfjs`] in, for dense MLPs); a run's
//! curves as TensorBoard event files ([`tensorboard`]); the weights and a training script for
//! Keras ([`keras`]); the zip archives both use ([`archive`]).
//!
//! Non-goals: the MNIST data files (that is [`crate::data`]), downloads and browser storage (the
//! page does those).

pub mod archive;
pub mod export_tfjs;
pub mod import_tfjs;
pub mod keras;
pub mod model_file;
pub mod tensorboard;
