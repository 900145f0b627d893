//! # Look inside a prediction
//!
//! Why the network says what it says, how little it takes to fool it, and one example stepped
//! through backpropagation, all on the answering network with the engine's own training passes
//! ([`crate::nn::workspace`]): no second implementation of the network's math.
//!
//! - [`probe`]: `∂ log p_class/∂x` for a batch of images, `x` the pixels on the 0–1 scale;
//! - [`attribution`]: the gradient map and integrated gradients of one image;
//! - [`attack`]: targeted PGD inside an L∞ budget ε, and the smallest ε that works;
//! - [`survey`]: the share of test digits an attack turns into a chosen class, per ε;
//! - [`walkthrough`]: one image's forward and backward pass, and one SGD step on a copy.
//!
//! Every public entry point checks its arguments and returns [`ExplainError`] with a message
//! that says what to change; [`limits`] gives the page the accepted ranges and defaults.
//!
//! Non-goals: drawing (the page's), convolutional or other architectures, training.

pub mod attack;
pub mod attribution;
pub mod probe;
pub mod survey;
pub mod walkthrough;

use crate::bounds::Limit;
use crate::nn::network::Network;
use serde::Serialize;

/// An argument the engine cannot explain with.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExplainError {
    #[error("an image must have {expected} pixels, got {found}")]
    WrongImageSize { expected: usize, found: usize },
    #[error("class {class} does not exist: the network has classes 0–{}", classes - 1)]
    ClassOutOfRange { class: usize, classes: usize },
    #[error("{0}")]
    OutOfRange(String),
}

/// `image` has one pixel per input of `net` and `class` is one of its outputs.
pub(crate) fn check(net: &Network, image: &[u8], class: usize) -> Result<(), ExplainError> {
    if image.len() != net.inputs() {
        return Err(ExplainError::WrongImageSize {
            expected: net.inputs(),
            found: image.len(),
        });
    }
    if class >= net.outputs() {
        return Err(ExplainError::ClassOutOfRange {
            class,
            classes: net.outputs(),
        });
    }
    Ok(())
}

/// The accepted ranges and defaults of every explain argument, for the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limits {
    /// Budget ε of an attack, on the 0–1 pixel scale.
    pub epsilon: Limit,
    /// PGD steps of an attack, and the default.
    pub attack_steps: Limit,
    pub default_attack_steps: usize,
    /// Bisection rounds of the smallest-ε search (its resolution is `epsilon.max / 2^rounds`).
    pub search_rounds: usize,
    /// Trapezoid intervals integrated gradients starts with and may refine to, and the
    /// completeness it aims for (a fraction of `f(x) − f(0)`).
    pub integrated_gradients_steps: usize,
    pub integrated_gradients_max_steps: usize,
    pub completeness_tolerance: f64,
    /// Learning rate of the walkthrough's SGD step, and the default.
    pub step_learning_rate: Limit,
    pub default_step_learning_rate: f32,
}

pub fn limits() -> Limits {
    Limits {
        epsilon: attack::EPSILON.to_limit(),
        attack_steps: attack::STEPS.to_limit(),
        default_attack_steps: attack::ATTACK_STEPS,
        search_rounds: attack::SEARCH_ROUNDS,
        integrated_gradients_steps: attribution::IG_STEPS,
        integrated_gradients_max_steps: attribution::IG_MAX_STEPS,
        completeness_tolerance: attribution::COMPLETENESS_TOLERANCE,
        step_learning_rate: crate::train::config::LEARNING_RATE.to_limit(),
        default_step_learning_rate: walkthrough::STEP_LEARNING_RATE,
    }
}
