//! # Data: the bytes the network learns from and answers
//!
//! The MNIST IDX files parsed into a [`mnist::Dataset`] ([`idx`] reads the format), random
//! label-preserving distortions of training images ([`augment`]), and a drawing on a canvas turned
//! into the 28×28 image the network reads ([`preprocess`]). Every image here is [`PIXELS`] bytes,
//! row-major, 0 = background. A data set has 2 to 64 named classes ([`classes`]; MNIST's are the
//! ten digits); [`loaders`] read other data sets (IDX with a names file, CSV) and split them.
//!
//! Non-goals: decompression in the browser (the worker's `DecompressionStream` does it), the
//! network's input encoding (`nn::network::input`), anything that learns.

pub mod augment;
pub mod classes;
pub mod csv;
pub mod idx;
pub mod loaders;
pub mod mnist;
pub mod preprocess;

/// Side of an image, in pixels (MNIST's 28).
pub const SIDE: usize = 28;
/// Pixels per image, `SIDE × SIDE` (784): the network's inputs.
pub const PIXELS: usize = SIDE * SIDE;
