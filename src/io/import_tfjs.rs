//! Load a TensorFlow.js layers model of a dense MLP — the format `tensorflowjs_converter` writes
//! from Keras, and [`crate::io::export_tfjs`] writes — into a [`Network`], to draw with and
//! evaluate.
//!
//! Accepted: a `Sequential` model whose layers are an optional `InputLayer` (784 inputs, or
//! 28×28(×1) followed by `Flatten`), `Dense` layers with bias, every hidden one with the same
//! activation (`relu`, `sigmoid`, `tanh`, or `linear` followed by a `LeakyReLU` of slope 0.01),
//! optional `Dropout` layers (nothing at inference), and a last `Dense` of 2 to 64 units (one
//! per class; 10 for the digits) with `softmax`. The class names are read from
//! `userDefinedMetadata.classes` ([`class_names`]; the export writes them there), else they are
//! `"0"` … `"k−1"` (the digits for 10 units). Weights are float32, listed in the manifest layer by layer (kernel, then bias), and
//! `weights` is the concatenation of the manifest's files in manifest order.
//!
//! Inputs: like the export, the model is taken to read `p/255` (0–1) pixels, the TensorFlow.js
//! convention; our network reads standardised pixels, so the first layer is unfolded,
//! `W = σ·W′`, `b = b′ + μ·Σᵢ W′ᵢ` (the inverse of the export's fold, in f64).
//!
//! Anything else is refused with a message that names what is unsupported.
//!
//! Non-goals: convolutional or functional models, other input scalings, quantised weights.

use crate::data::classes::{self, CLASS_COUNT, MAX_CLASSES, MIN_CLASSES};
use crate::data::PIXELS;
use crate::nn::activation::{Activation, LEAKY_SLOPE};
use crate::nn::network::{Dense, Network, PIXEL_MEAN, PIXEL_STD};
use crate::train::config::{Config, HIDDEN_WIDTH, MAX_HIDDEN_LAYERS, MAX_WIDTH};
use ndarray::{Array1, Array2};
use serde_json::Value;

fn unsupported(what: impl std::fmt::Display) -> String {
    format!("not a supported dense MLP: {what}")
}

/// One weight tensor of the manifest and where its floats start.
struct Spec {
    name: String,
    shape: Vec<usize>,
    offset: usize,
}

fn manifest(json: &Value, bytes: usize) -> Result<Vec<Spec>, String> {
    let groups = json["weightsManifest"]
        .as_array()
        .ok_or("model.json has no weightsManifest")?;
    let mut specs = Vec::new();
    let mut offset = 0usize;
    for group in groups {
        for w in group["weights"].as_array().into_iter().flatten() {
            let name = w["name"].as_str().unwrap_or("?").to_string();
            if w["dtype"].as_str() != Some("float32") || !w["quantization"].is_null() {
                return Err(unsupported(format!(
                    "weight {name} is {} (only float32 is supported)",
                    if w["quantization"].is_null() {
                        w["dtype"].as_str().unwrap_or("of no dtype").to_string()
                    } else {
                        "quantised".into()
                    }
                )));
            }
            let shape: Vec<usize> = w["shape"]
                .as_array()
                .ok_or_else(|| format!("weight {name} has no shape"))?
                .iter()
                .map(|d| d.as_u64().map(|d| d as usize))
                .collect::<Option<_>>()
                .ok_or_else(|| format!("weight {name} has a shape that is not whole numbers"))?;
            let count = shape
                .iter()
                .try_fold(1usize, |a, &d| a.checked_mul(d))
                .ok_or_else(|| format!("weight {name} is implausibly large"))?;
            specs.push(Spec {
                name,
                shape,
                offset,
            });
            offset = offset
                .checked_add(count.checked_mul(4).ok_or("implausible weights")?)
                .ok_or("implausible weights")?;
        }
    }
    if offset != bytes {
        return Err(format!(
            "the manifest lists {offset} bytes of weights but {bytes} were given"
        ));
    }
    Ok(specs)
}

/// The activation of a hidden `Dense` (with a following `LeakyReLU` when `linear`).
fn hidden_activation(name: &str, next: Option<&Value>) -> Result<(Activation, bool), String> {
    match name {
        "relu" => Ok((Activation::Relu, false)),
        "sigmoid" => Ok((Activation::Sigmoid, false)),
        "tanh" => Ok((Activation::Tanh, false)),
        "linear" => match next {
            Some(l) if l["class_name"] == "LeakyReLU" => {
                let c = &l["config"];
                let slope = c["alpha"]
                    .as_f64()
                    .or(c["negative_slope"].as_f64())
                    .unwrap_or(0.3);
                if (slope - f64::from(LEAKY_SLOPE)).abs() > 1e-6 {
                    return Err(unsupported(format!(
                        "LeakyReLU with slope {slope} (the playground's is {LEAKY_SLOPE})"
                    )));
                }
                Ok((Activation::LeakyRelu, true))
            }
            _ => Err(unsupported(
                "a hidden Dense layer without activation (linear)",
            )),
        },
        other => Err(unsupported(format!(
            "hidden activation {other:?} (supported: relu, sigmoid, tanh, leaky ReLU 0.01)"
        ))),
    }
}

fn input_size(config: &Value) -> Option<Vec<Option<u64>>> {
    let shape = config["batch_input_shape"]
        .as_array()
        .or(config["batch_shape"].as_array())?;
    Some(shape.iter().map(Value::as_u64).collect())
}

/// The network of a TensorFlow.js layers model (`model.json` text and the weights' bytes).
pub fn import(model_json: &str, weights: &[u8]) -> Result<Network, String> {
    let json: Value =
        serde_json::from_str(model_json).map_err(|e| format!("model.json is not JSON: {e}"))?;
    let topology = &json["modelTopology"];
    let model = if topology["model_config"].is_object() {
        &topology["model_config"]
    } else {
        topology
    };
    if model["class_name"] != "Sequential" {
        return Err(unsupported(format!(
            "a {} model (only Sequential models are supported)",
            model["class_name"].as_str().unwrap_or("unknown")
        )));
    }
    let layers = model["config"]["layers"]
        .as_array()
        .or(model["config"].as_array())
        .ok_or("model.json has no layer list")?;
    let specs = manifest(&json, weights.len())?;
    let floats = |s: &Spec, n: usize| -> Vec<f32> {
        weights[s.offset..s.offset + 4 * n]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    };
    let mut next_spec = specs.iter();
    let mut dense: Vec<Dense> = Vec::new();
    let mut activation: Option<Activation> = None;
    let mut flattened = false;
    let mut softmax_last = false;
    let mut i = 0;
    while i < layers.len() {
        let layer = &layers[i];
        let class = layer["class_name"].as_str().unwrap_or("unknown");
        let c = &layer["config"];
        i += 1;
        if let Some(shape) = input_size(c) {
            let ok = matches!(
                shape[..],
                [None, Some(784)]
                    | [None, Some(28), Some(28)]
                    | [None, Some(28), Some(28), Some(1)]
            );
            if !ok {
                return Err(unsupported(format!(
                    "input shape {shape:?} (expected 784 pixels, or 28×28)"
                )));
            }
            flattened = shape.len() == 2;
        }
        match class {
            "InputLayer" | "Dropout" => {}
            "Flatten" => flattened = true,
            "Dense" => {
                if softmax_last {
                    return Err(unsupported("layers after the softmax layer"));
                }
                if !flattened && dense.is_empty() && input_size(c).is_none() {
                    // No declared input shape: the kernel's shape below must be 784 wide.
                    flattened = true;
                }
                if !flattened {
                    return Err(unsupported("a Dense layer on 28×28 images without Flatten"));
                }
                if c["use_bias"] == false {
                    return Err(unsupported("a Dense layer without bias"));
                }
                let units = c["units"].as_u64().unwrap_or(0);
                // The engine's own widths (a 0-unit layer would load and then fail to predict).
                if !HIDDEN_WIDTH.contains(units) {
                    return Err(unsupported(format!(
                        "a Dense layer of {units} units (1 to {MAX_WIDTH})"
                    )));
                }
                if dense.len() > MAX_HIDDEN_LAYERS {
                    return Err(unsupported(format!(
                        "more than {MAX_HIDDEN_LAYERS} hidden layers"
                    )));
                }
                let units = units as usize;
                let inputs = dense.last().map_or(PIXELS, Dense::outputs);
                let (kernel, bias) = match (next_spec.next(), next_spec.next()) {
                    (Some(k), Some(b)) => (k, b),
                    _ => return Err("the manifest has fewer weights than the layers need".into()),
                };
                if kernel.shape != [inputs, units] || bias.shape != [units] {
                    return Err(format!(
                        "weights {} {:?} and {} {:?} do not fit a Dense layer of {inputs} → {units}",
                        kernel.name, kernel.shape, bias.name, bias.shape
                    ));
                }
                let name = c["activation"].as_str().unwrap_or("linear");
                if name == "softmax" {
                    softmax_last = true;
                } else {
                    let (a, skip) = hidden_activation(name, layers.get(i))?;
                    if skip {
                        i += 1;
                    }
                    if activation.is_some_and(|b| b != a) {
                        return Err(unsupported(
                            "hidden layers with different activations (the playground uses one for all)",
                        ));
                    }
                    activation = Some(a);
                }
                dense.push(Dense {
                    weights: Array2::from_shape_vec(
                        (inputs, units),
                        floats(kernel, inputs * units),
                    )
                    .map_err(|e| e.to_string())?,
                    biases: Array1::from(floats(bias, units)),
                });
            }
            other => return Err(unsupported(format!("layer type {other}"))),
        }
    }
    if !softmax_last
        || !dense
            .last()
            .is_some_and(|d| CLASS_COUNT.contains(d.outputs() as u64))
    {
        return Err(unsupported(format!(
            "the last layer must be a Dense of {MIN_CLASSES} to {MAX_CLASSES} units (one per class) with softmax"
        )));
    }
    if next_spec.next().is_some() {
        return Err("the manifest has more weights than the layers use".into());
    }
    if dense
        .iter()
        .any(|d| d.weights.iter().chain(&d.biases).any(|v| !v.is_finite()))
    {
        return Err("the weights contain NaN or infinite values".into());
    }
    // Unfold the p/255 input into the standardised one: W = σ·W′, b = b′ + μ·Σᵢ W′ᵢ.
    let (mu, sigma) = (f64::from(PIXEL_MEAN), f64::from(PIXEL_STD));
    let first = &mut dense[0];
    let sums: Vec<f64> = first
        .weights
        .columns()
        .into_iter()
        .map(|c| c.iter().map(|&w| f64::from(w)).sum())
        .collect();
    for (b, s) in first.biases.iter_mut().zip(sums) {
        *b = (f64::from(*b) + mu * s) as f32;
    }
    first
        .weights
        .mapv_inplace(|w| (f64::from(w) * sigma) as f32);
    Ok(Network {
        layers: dense,
        activation: activation.unwrap_or_default(),
    })
}

/// The class names of a model with `outputs` output units: `userDefinedMetadata.classes` of
/// `model_json` when present (checked like a config's), else `"0"` … `"outputs − 1"`.
pub fn class_names(model_json: &str, outputs: usize) -> Result<Vec<String>, String> {
    let json: Value =
        serde_json::from_str(model_json).map_err(|e| format!("model.json is not JSON: {e}"))?;
    let given = &json["userDefinedMetadata"]["classes"];
    if given.is_null() {
        return Ok(classes::default_names(outputs));
    }
    let names: Vec<String> = given
        .as_array()
        .and_then(|a| a.iter().map(|v| v.as_str().map(String::from)).collect())
        .ok_or("model.json's userDefinedMetadata.classes must be a list of names (strings) — fix or remove it")?;
    if names.len() != outputs {
        return Err(format!(
            "model.json names {} classes in userDefinedMetadata.classes but its last layer has {outputs} units — fix or remove the names",
            names.len()
        ));
    }
    classes::check_names("userDefinedMetadata.classes", &names)
        .map_err(|(_, m)| format!("model.json: {m}"))?;
    Ok(names)
}

/// The config an imported network implies: its hidden widths, activation and `classes`, every
/// other field at its default (how it was trained is not in the file).
pub fn implied_config(network: &Network, classes: Vec<String>) -> Config {
    let sizes = network.sizes();
    Config {
        hidden: sizes[1..sizes.len() - 1].to_vec(),
        activation: network.activation,
        classes,
        ..Config::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::export_tfjs::export;
    use crate::nn::init::Init;

    // Regression: a 0-unit Dense layer loaded and then panicked in the first prediction.
    #[test]
    fn widths_outside_the_engines_are_refused() {
        let net = Network::from_sizes(&[784, 24, 10], Activation::Relu, Init::Auto, 5);
        let m = export(&net, &classes::default_names(net.outputs())).unwrap();
        for (units, shown) in [("0", "0 units"), ("9000", "9000 units")] {
            let json = m
                .model_json
                .replacen("\"units\":24", &format!("\"units\":{units}"), 1);
            assert_ne!(json, m.model_json, "the test edits the first layer's width");
            let err = import(&json, &m.weights).unwrap_err();
            assert!(err.contains(shown) && err.contains("1 to 8192"), "{err}");
        }
    }

    #[test]
    fn export_then_import_predicts_the_same() {
        for act in [
            Activation::Relu,
            Activation::LeakyRelu,
            Activation::Sigmoid,
            Activation::Tanh,
        ] {
            let net = Network::from_sizes(&[784, 24, 12, 10], act, Init::Auto, 5);
            let m = export(&net, &classes::default_names(net.outputs())).unwrap();
            let back = import(&m.model_json, &m.weights).unwrap();
            assert_eq!(back.sizes(), net.sizes());
            assert_eq!(back.activation, act);
            assert_eq!(
                implied_config(&back, classes::digit_names()).layer_sizes(),
                net.sizes()
            );
            let pixels: Vec<u8> = (0..784u32).map(|i| (i * 37 % 256) as u8).collect();
            for (a, b) in net.predict(&pixels).iter().zip(back.predict(&pixels)) {
                assert!((a - b).abs() < 1e-5, "{}: {a} vs {b}", act.name());
            }
        }
    }

    fn model(layers: Value, weights: Value) -> String {
        serde_json::json!({"format": "layers-model", "modelTopology": {"class_name": "Sequential",
            "config": {"layers": layers}}, "weightsManifest": [{"paths": ["w.bin"], "weights": weights}]})
        .to_string()
    }

    #[test]
    fn unsupported_models_are_refused_naming_what() {
        let net = Network::from_sizes(&[784, 8, 10], Activation::Relu, Init::Auto, 1);
        let m = export(&net, &classes::default_names(net.outputs())).unwrap();
        let mut json: Value = serde_json::from_str(&m.model_json).unwrap();
        json["modelTopology"]["config"]["layers"]
            .as_array_mut()
            .unwrap()
            .insert(1, serde_json::json!({"class_name": "Conv2D", "config": {}}));
        let e = import(&json.to_string(), &m.weights).unwrap_err();
        assert!(e.contains("layer type Conv2D"), "{e}");
        let e = import(&m.model_json, &m.weights[4..]).unwrap_err();
        assert!(e.contains("bytes of weights"), "{e}");
        let functional = m.model_json.replace("\"Sequential\"", "\"Model\"");
        assert!(import(&functional, &m.weights)
            .unwrap_err()
            .contains("a Model model"));
        let gelu = m.model_json.replace("\"relu\"", "\"gelu\"");
        assert!(import(&gelu, &m.weights).unwrap_err().contains("\"gelu\""));
        let spec =
            |n: &str, s: Value| serde_json::json!({"name": n, "shape": s, "dtype": "float32"});
        for units in [1usize, 65] {
            let wrong = model(
                serde_json::json!([{"class_name": "Dense", "config": {"units": units, "activation": "softmax", "batch_input_shape": [null, 784]}}]),
                serde_json::json!([
                    spec("k", serde_json::json!([784, units])),
                    spec("b", serde_json::json!([units]))
                ]),
            );
            let e = import(&wrong, &vec![0; 4 * (784 * units + units)]).unwrap_err();
            assert!(
                e.contains("2 to 64 units (one per class) with softmax"),
                "{units}: {e}"
            );
        }
        assert!(import("{", &[]).unwrap_err().contains("not JSON"));
    }

    #[test]
    fn class_names_round_trip_and_default_to_numbers() {
        let names: Vec<String> = ["✓", "✗", "○"].map(String::from).to_vec();
        let net = Network::from_sizes(&[784, 8, 3], Activation::Tanh, Init::Auto, 2);
        let m = export(&net, &names).unwrap();
        let back = import(&m.model_json, &m.weights).unwrap();
        assert_eq!(back.sizes(), [784, 8, 3]);
        assert_eq!(class_names(&m.model_json, back.outputs()).unwrap(), names);
        let config = implied_config(&back, names.clone());
        assert_eq!(config.layer_sizes(), [784, 8, 3]);
        config.validate(60_000).unwrap();
        // Without metadata (a model from Keras): "0" … "k−1", the digits for ten units.
        let mut json: Value = serde_json::from_str(&m.model_json).unwrap();
        json.as_object_mut().unwrap().remove("userDefinedMetadata");
        assert_eq!(class_names(&json.to_string(), 3).unwrap(), ["0", "1", "2"]);
        assert_eq!(
            class_names(&json.to_string(), 10).unwrap(),
            classes::digit_names()
        );
        // Names that disagree with the units, or are not names, are refused.
        let e = class_names(&m.model_json, 4).unwrap_err();
        assert!(
            e.contains("names 3 classes") && e.contains("has 4 units"),
            "{e}"
        );
        for (bad, words) in [
            (serde_json::json!(["a", 1, "c"]), "must be a list of names"),
            (serde_json::json!(["a", "a", "c"]), "repeats the name"),
            (serde_json::json!("abc"), "must be a list of names"),
        ] {
            json["userDefinedMetadata"] = serde_json::json!({ "classes": bad });
            let e = class_names(&json.to_string(), 3).unwrap_err();
            assert!(e.contains(words) && e.contains(" — "), "{e}");
        }
        // The export refuses names that do not fit the network.
        assert!(export(&net, &classes::digit_names())
            .unwrap_err()
            .contains("3 outputs but 10 class names"));
    }

    /// A Keras-style model: 28×28 input, Flatten, Dense relu, Dropout, Dense softmax.
    #[test]
    fn keras_style_flatten_and_dropout_are_accepted() {
        let spec =
            |n: &str, s: Value| serde_json::json!({"name": n, "shape": s, "dtype": "float32"});
        let json = model(
            serde_json::json!([
                {"class_name": "InputLayer", "config": {"batch_shape": [null, 28, 28]}},
                {"class_name": "Flatten", "config": {}},
                {"class_name": "Dense", "config": {"units": 4, "activation": "relu", "use_bias": true}},
                {"class_name": "Dropout", "config": {"rate": 0.2}},
                {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}
            ]),
            serde_json::json!([
                spec("d/kernel", serde_json::json!([784, 4])),
                spec("d/bias", serde_json::json!([4])),
                spec("d1/kernel", serde_json::json!([4, 10])),
                spec("d1/bias", serde_json::json!([10]))
            ]),
        );
        let bytes = vec![0u8; 4 * (784 * 4 + 4 + 4 * 10 + 10)];
        let net = import(&json, &bytes).unwrap();
        assert_eq!(net.sizes(), [784, 4, 10]);
        let p = net.predict(&[0; 784]);
        assert!(p.iter().all(|&v| (v - 0.1).abs() < 1e-6));
    }
}
