//! The boundary to the tools outside the playground: the exports to Keras and TensorBoard
//! ([`crate::io::keras`], [`crate::io::tensorboard`]) and the TensorFlow.js layers import
//! ([`crate::io::import_tfjs`]); thin wrappers that take plain objects, text and bytes.
//!
//! Non-goals: recording a run's curves (the page does that while training, with
//! `lastSteps()`, the epoch reports and [`Engine::layer_histograms`]); downloads (the page).

use wasm_bindgen::prelude::*;

use super::{config_from_js, to_js, Engine};
use crate::io::{import_tfjs, keras, tensorboard};

/// MNIST's training images (the Keras script's config is validated against them).
const MNIST_TRAIN_IMAGES: usize = 60_000;

#[wasm_bindgen]
impl Engine {
    /// The answering model's weights as numpy's `.npz` (a zip of `arr_0.npy`, `arr_1.npy`, …:
    /// kernel `[inputs, outputs]` then bias `[outputs]` per layer, `model.get_weights()` order).
    /// The Keras script's `--weights` loads it. Save as e.g. `<name>.weights.npz`.
    #[wasm_bindgen(js_name = exportKerasWeights)]
    pub fn export_keras_weights(&self) -> Result<Vec<u8>, JsError> {
        let (network, _) = self.answering()?;
        keras::weights_npz(network).map_err(|e| JsError::new(&e))
    }

    /// The Keras 3 training script of `config` (the page's config object) for a run called
    /// `name`: `{file_name: "train_<name>.py", text: string}`. An invalid config is refused with
    /// the same message as `configure`.
    #[wasm_bindgen(js_name = kerasScript)]
    pub fn keras_script(config: JsValue, name: &str) -> Result<JsValue, JsError> {
        let config = config_from_js(config)?;
        config
            .validate(MNIST_TRAIN_IMAGES)
            .map_err(|e| JsError::new(&e.to_string()))?;
        #[derive(serde::Serialize)]
        struct Script {
            file_name: String,
            text: String,
        }
        to_js(&Script {
            file_name: keras::script::file_name(name),
            text: keras::script::script(&config, name),
        })
    }

    /// Histograms of every layer's weights and of its weight gradient from the last training step:
    /// `[{layer: 1, weights: Histogram, gradients: Histogram}, …]` with `Histogram` =
    /// `{min, max, num, sum, sum_squares, bucket_limit: number[], bucket: number[]}`. Call it when
    /// an epoch ends and keep the result in that epoch's record for `tensorboardZip`.
    #[wasm_bindgen(js_name = layerHistograms)]
    pub fn layer_histograms(&self) -> Result<JsValue, JsError> {
        let trainer = self
            .trainer
            .as_ref()
            .ok_or_else(|| JsError::new("no run configured"))?;
        to_js(&tensorboard::layer_histograms(
            trainer.network(),
            &trainer.weight_gradients(),
        ))
    }

    /// Runs as TensorBoard logs: a zip (bytes) with one folder per run, `<name>/train/…`,
    /// `<name>/validation/…`, `<name>/test/…` event files. `runs` is an array of run records,
    /// each `{name, start_time, steps: {loss, accuracy, learning_rate}, epochs: [{epoch, step,
    /// seconds, train_loss, train_accuracy, validation_loss?, validation_accuracy?, test_loss?,
    /// test_accuracy?, layers?}]}` (see `RunRecord` in src/io/tensorboard/mod.rs; arrays may be
    /// typed arrays). A malformed record is refused with a message naming the run and field.
    #[wasm_bindgen(js_name = tensorboardZip)]
    pub fn tensorboard_zip(runs: JsValue) -> Result<Vec<u8>, JsError> {
        let runs: Vec<tensorboard::RunRecord> = serde_wasm_bindgen::from_value(runs)
            .map_err(|e| JsError::new(&format!("invalid run record: {e}")))?;
        tensorboard::zip_runs(&runs).map_err(|e| JsError::new(&e))
    }

    /// Load a TensorFlow.js layers model of a dense MLP (`model.json`'s text, and the bytes of
    /// its weight files concatenated in manifest order) as the model that answers predictions,
    /// under `name`. It is taken to read pixels/255, as TensorFlow.js models (and `exportTfjs`)
    /// do. Returns the config it implies (widths, activation and `classes`, the names in
    /// `userDefinedMetadata.classes` or `"0"` … `"k−1"`; the rest defaults). Anything
    /// but a supported dense MLP is refused with a message naming what is unsupported.
    #[wasm_bindgen(js_name = loadTfjs)]
    pub fn load_tfjs(
        &mut self,
        model_json: &str,
        weights: &[u8],
        name: &str,
    ) -> Result<JsValue, JsError> {
        let network = import_tfjs::import(model_json, weights).map_err(|e| JsError::new(&e))?;
        let classes = import_tfjs::class_names(model_json, network.outputs())
            .map_err(|e| JsError::new(&e))?;
        let config = import_tfjs::implied_config(&network, classes);
        let js = to_js(&config)?;
        self.loaded = Some((config, network, name.to_string()));
        Ok(js)
    }
}
