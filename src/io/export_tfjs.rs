//! Export a trained network in the TensorFlow.js layers format — `model.json` (a Keras `Sequential`
//! topology plus a weights manifest) and `weights.bin` (little-endian f32) — so that
//! `tf.loadLayersModel` loads it.
//!
//! Our network standardises its inputs, `x = (p/255 − μ)/σ`. The exported model instead takes the
//! usual TensorFlow.js input `p/255` (0–1, shape `[null, 784]`): the standardisation is folded into
//! the first layer, `W′ = W/σ` and `b′ = b − (μ/σ)·Σᵢ Wᵢ`, computed in f64. Predictions then agree
//! with ours to float rounding (a browser test checks within 1e-5).
//!
//! The class names travel in `model.json`'s `userDefinedMetadata` (which `tf.loadLayersModel`
//! keeps and `model.getUserDefinedMetadata()` returns): `{"classes": ["0", …, "9"]}`, one name per
//! output unit in order; [`crate::io::import_tfjs::class_names`] reads them back.
//!
//! Activations map to Keras names: relu, sigmoid, tanh; leaky ReLU becomes a linear `Dense` followed by a `LeakyReLU` layer (alpha 0.01). The output layer
//! is a `Dense` with softmax. Dropout is not exported (it does nothing at inference).
//!
//! GELU networks are refused: TensorFlow.js 4.22 names our tanh-approximated GELU `gelu_new` but
//! looks it up as `geluNew` when loading, so no such file would load; its `gelu` is the exact (erf)
//! form, which would silently predict differently.
//!
//! Non-goal: importing TensorFlow.js models (that is [`crate::io::import_tfjs`]).

use crate::nn::activation::{Activation, LEAKY_SLOPE};
use crate::nn::network::{Network, PIXEL_MEAN, PIXEL_STD};
use serde_json::{json, Value};

/// The two files of a TensorFlow.js layers model.
#[derive(Debug, Clone, PartialEq)]
pub struct TfjsModel {
    /// Contents of `model.json`; its manifest names the weights file `weights.bin`.
    pub model_json: String,
    /// Contents of `weights.bin`.
    pub weights: Vec<u8>,
}

/// Why a network cannot be exported.
pub const GELU_UNSUPPORTED: &str = "TensorFlow.js cannot load a GELU network (its tanh-approximated GELU, \"gelu_new\", fails to load in TensorFlow.js 4.22) — train with ReLU, leaky ReLU, sigmoid or tanh to export";

/// Convert `network` (any depth; ReLU, leaky ReLU, sigmoid or tanh) to the TensorFlow.js layers
/// format, with `classes` (one name per output unit) in its metadata.
pub fn export(network: &Network, classes: &[String]) -> Result<TfjsModel, String> {
    if classes.len() != network.outputs() {
        return Err(format!(
            "the network has {} outputs but {} class names were given — export the model with its own config",
            network.outputs(),
            classes.len()
        ));
    }
    if network.activation == Activation::Gelu && network.layers.len() > 1 {
        return Err(GELU_UNSUPPORTED.to_string());
    }
    let depth = network.layers.len();
    let mut layers: Vec<Value> = Vec::new();
    let mut specs: Vec<Value> = Vec::new();
    let mut weights: Vec<u8> = Vec::new();
    let mut put = |values: &mut dyn Iterator<Item = f32>| {
        for v in values {
            weights.extend_from_slice(&v.to_le_bytes());
        }
    };
    for (l, layer) in network.layers.iter().enumerate() {
        let name = format!("dense_{}", l + 1);
        let last = l + 1 == depth;
        let activation = if last {
            "softmax"
        } else {
            match network.activation {
                Activation::Relu => "relu",
                Activation::Sigmoid => "sigmoid",
                Activation::Tanh => "tanh",
                Activation::Gelu => unreachable!("refused above"),
                Activation::LeakyRelu => "linear",
            }
        };
        let mut config = json!({
            "name": name, "trainable": true, "dtype": "float32",
            "units": layer.outputs(), "activation": activation, "use_bias": true,
        });
        if l == 0 {
            config["batch_input_shape"] = json!([null, layer.inputs()]);
        }
        layers.push(json!({"class_name": "Dense", "config": config}));
        if !last && network.activation == Activation::LeakyRelu {
            layers.push(json!({"class_name": "LeakyReLU", "config": {
                "name": format!("leaky_re_lu_{}", l + 1), "trainable": true, "dtype": "float32", "alpha": LEAKY_SLOPE
            }}));
        }
        specs.push(json!({"name": format!("{name}/kernel"), "shape": [layer.inputs(), layer.outputs()], "dtype": "float32"}));
        specs.push(
            json!({"name": format!("{name}/bias"), "shape": [layer.outputs()], "dtype": "float32"}),
        );
        if l == 0 {
            // Fold x = (p/255 − μ)/σ into the first layer: x·W + b = (p/255)·(W/σ) + (b − (μ/σ)·Σᵢ Wᵢ).
            let (mu, sigma) = (PIXEL_MEAN as f64, PIXEL_STD as f64);
            put(&mut layer.weights.iter().map(|&w| (w as f64 / sigma) as f32));
            let mut sums = layer
                .weights
                .columns()
                .into_iter()
                .map(|c| c.iter().map(|&w| w as f64).sum::<f64>());
            put(&mut layer
                .biases
                .iter()
                .map(|&b| (b as f64 - mu / sigma * sums.next().unwrap()) as f32));
        } else {
            put(&mut layer.weights.iter().copied());
            put(&mut layer.biases.iter().copied());
        }
    }
    let model = json!({
        "format": "layers-model",
        "generatedBy": concat!("mnist-playground ", env!("CARGO_PKG_VERSION")),
        "convertedBy": null,
        "modelTopology": {
            "class_name": "Sequential",
            "config": {"name": "mnist_playground_mlp", "layers": layers},
            "keras_version": "tfjs-layers 4.22.0",
            "backend": "tensor_flow.js"
        },
        "weightsManifest": [{"paths": ["weights.bin"], "weights": specs}],
        "userDefinedMetadata": {"classes": classes}
    });
    Ok(TfjsModel {
        model_json: model.to_string(),
        weights,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::init::Init;
    use ndarray::Array2;

    /// Evaluate the exported model as TensorFlow.js would (input p/255), from the JSON and bytes
    /// alone, and compare with our own prediction: an oracle independent of `Network::predict`.
    fn run_exported(model: &TfjsModel, pixels: &[u8]) -> Vec<f32> {
        let json: Value = serde_json::from_str(&model.model_json).unwrap();
        let floats: Vec<f32> = model
            .weights
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
            .collect();
        let mut offset = 0;
        let mut x: Vec<f64> = pixels.iter().map(|&p| p as f64 / 255.0).collect();
        for layer in json["modelTopology"]["config"]["layers"]
            .as_array()
            .unwrap()
        {
            let c = &layer["config"];
            if layer["class_name"] == "LeakyReLU" {
                let alpha = c["alpha"].as_f64().unwrap();
                x.iter_mut()
                    .for_each(|v| *v = if *v > 0.0 { *v } else { alpha * *v });
                continue;
            }
            let units = c["units"].as_u64().unwrap() as usize;
            let inputs = x.len();
            let w = Array2::from_shape_vec(
                (inputs, units),
                floats[offset..offset + inputs * units].to_vec(),
            )
            .unwrap();
            offset += inputs * units;
            let b = &floats[offset..offset + units];
            offset += units;
            let mut z: Vec<f64> = (0..units)
                .map(|j| b[j] as f64 + (0..inputs).map(|i| x[i] * w[[i, j]] as f64).sum::<f64>())
                .collect();
            match c["activation"].as_str().unwrap() {
                "relu" => z.iter_mut().for_each(|v| *v = v.max(0.0)),
                "sigmoid" => z.iter_mut().for_each(|v| *v = 1.0 / (1.0 + (-*v).exp())),
                "tanh" => z.iter_mut().for_each(|v| *v = v.tanh()),
                "linear" => {}
                "softmax" => {
                    let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                    let s: f64 = z.iter().map(|v| (v - m).exp()).sum();
                    z.iter_mut().for_each(|v| *v = (*v - m).exp() / s);
                }
                other => panic!("unexpected activation {other}"),
            }
            x = z;
        }
        assert_eq!(offset, floats.len(), "every weight consumed");
        x.into_iter().map(|v| v as f32).collect()
    }

    #[test]
    fn exported_model_predicts_like_ours_for_every_activation() {
        for act in [
            Activation::Relu,
            Activation::LeakyRelu,
            Activation::Sigmoid,
            Activation::Tanh,
        ] {
            let net = Network::from_sizes(&[784, 32, 16, 10], act, Init::Auto, 4);
            let model = export(&net, &crate::data::classes::default_names(net.outputs())).unwrap();
            for seed in 0..3u32 {
                let pixels: Vec<u8> = (0..784u32)
                    .map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(seed * 977) >> 24) as u8)
                    .collect();
                let ours = net.predict(&pixels);
                let theirs = run_exported(&model, &pixels);
                for (a, b) in ours.iter().zip(&theirs) {
                    assert!(
                        (a - b).abs() < 1e-5,
                        "{}: {ours:?} vs {theirs:?}",
                        act.name()
                    );
                }
            }
        }
    }

    #[test]
    fn gelu_networks_are_refused_with_a_reason() {
        let net = Network::from_sizes(&[784, 8, 10], Activation::Gelu, Init::Auto, 1);
        assert!(export(&net, &crate::data::classes::digit_names())
            .unwrap_err()
            .contains("GELU"));
        // Without hidden layers the activation is never used, so it exports.
        assert!(export(
            &Network::from_sizes(&[784, 10], Activation::Gelu, Init::Auto, 1),
            &crate::data::classes::digit_names()
        )
        .is_ok());
    }

    #[test]
    fn manifest_matches_the_weights_file() {
        let net = Network::from_sizes(&[784, 10], Activation::Relu, Init::Auto, 1);
        let m = export(&net, &crate::data::classes::default_names(net.outputs())).unwrap();
        let json: Value = serde_json::from_str(&m.model_json).unwrap();
        assert_eq!(json["format"], "layers-model");
        let specs = json["weightsManifest"][0]["weights"].as_array().unwrap();
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[0]["name"], "dense_1/kernel");
        assert_eq!(m.weights.len(), 4 * (784 * 10 + 10));
        assert_eq!(
            json["modelTopology"]["config"]["layers"][0]["config"]["activation"],
            "softmax"
        );
    }
}
