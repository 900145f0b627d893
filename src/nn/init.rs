//! # Initial weights
//!
//! How a fresh network's weights are drawn from the seed's [`Stream::Init`] generator: the
//! [`Init`] schemes (He and Glorot, uniform or normal), and which one a layer gets. Biases always
//! start at zero.
//!
//! Non-goals: loading weights (`io::model_file`), data-dependent initialisation (LSUV and the like).
//!
//! [`Stream::Init`]: crate::rng::Stream::Init

use crate::nn::activation::Activation;
use crate::rng::{self, EngineRng};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// How initial weights are drawn. Biases always start at zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    /// He uniform for ReLU, leaky ReLU and GELU; Glorot uniform for sigmoid and tanh.
    #[default]
    Auto,
    /// U(±√(6/fan_in)) (He et al. 2015).
    HeUniform,
    /// N(0, 2/fan_in).
    HeNormal,
    /// U(±√(6/(fan_in+fan_out))) (Glorot & Bengio 2010; Keras' default).
    GlorotUniform,
    /// N(0, 2/(fan_in+fan_out)).
    GlorotNormal,
}

impl Init {
    /// Every scheme once, in the order the page offers them.
    pub const ALL: [Init; 5] = [
        Init::Auto,
        Init::HeUniform,
        Init::HeNormal,
        Init::GlorotUniform,
        Init::GlorotNormal,
    ];

    /// The serde name.
    pub fn name(self) -> &'static str {
        match self {
            Init::Auto => "auto",
            Init::HeUniform => "he_uniform",
            Init::HeNormal => "he_normal",
            Init::GlorotUniform => "glorot_uniform",
            Init::GlorotNormal => "glorot_normal",
        }
    }

    /// The concrete scheme for an activation (`Auto` resolved).
    pub fn resolve(self, activation: Activation) -> Init {
        match (self, activation) {
            (Init::Auto, Activation::Sigmoid | Activation::Tanh) => Init::GlorotUniform,
            (Init::Auto, _) => Init::HeUniform,
            (other, _) => other,
        }
    }
}

/// The concrete scheme of layer `l` (0-based) of a network whose last layer is `last`: `Auto`
/// gives the softmax layer Glorot uniform and the hidden layers [`Init::resolve`]'s choice.
pub fn layer_scheme(init: Init, activation: Activation, l: usize, last: usize) -> Init {
    match init {
        Init::Auto if l == last => Init::GlorotUniform,
        other => other.resolve(activation),
    }
}

/// One weight of a `fan_in × fan_out` layer drawn with `scheme`.
pub fn draw_weight(rng: &mut EngineRng, scheme: Init, fan_in: usize, fan_out: usize) -> f32 {
    let (fi, fo) = (fan_in as f32, fan_out as f32);
    match scheme {
        Init::HeUniform => (6.0 / fi).sqrt() * (2.0 * rng.random::<f32>() - 1.0),
        Init::HeNormal => (2.0 / fi).sqrt() * rng::normal(rng),
        Init::GlorotUniform | Init::Auto => {
            (6.0 / (fi + fo)).sqrt() * (2.0 * rng.random::<f32>() - 1.0)
        }
        Init::GlorotNormal => (2.0 / (fi + fo)).sqrt() * rng::normal(rng),
    }
}
