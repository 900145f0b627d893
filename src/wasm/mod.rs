//! # The WebAssembly boundary
//!
//! The only module that touches `wasm-bindgen` (compiled for `wasm32` only). It exposes an opaque
//! [`Engine`] handle that owns the large, long-lived data (the MNIST train and test sets, pixels as
//! `u8` in wasm linear memory) and returns small, copied results to JavaScript: counts, a
//! histogram, one 28×28 image at a time.
//!
//! Its one caller is `www/engine/worker.js` (the page never imports the wasm package), which fetches and
//! gunzips the IDX files with the browser's `DecompressionStream` and hands the raw bytes over.
//! Data sets other than MNIST (2 to 64 named classes) come in through `loadIdxDataset`,
//! `loadCsvDataset` and `holdOutTest` (`src/data/loaders.rs`); the train and test sets always have
//! the same classes, and every call that runs a model on a data set checks that the model's
//! classes are the data's.
//!
//! Panics: [`start`] installs a panic hook that logs to the console (console_error_panic_hook)
//! and stores the panic message in `globalThis.__mnistLastPanic`, so the worker can turn the
//! resulting `RuntimeError: unreachable` into a readable message for the page.
//!
//! Non-goals: no numerics here, no JSON strings, no class instances crossing the worker boundary;
//! every method is a thin wrapper over the core crate.

use wasm_bindgen::prelude::*;

use crate::data::loaders;
use crate::data::mnist::Dataset;
use crate::data::preprocess;
use crate::data::PIXELS;
use crate::explain::{self, attack, attribution, walkthrough, ExplainError};
use crate::io::model_file;
use crate::nn::network::Network;
use crate::train::config::{self, Config};
use crate::train::metrics::{self, Evaluation};
use crate::train::trainer::Trainer;
use serde::Serialize;

mod inspect;
mod interop;
mod shared_exchange;

/// Name of the global property where the panic hook leaves the last panic message.
const LAST_PANIC_PROPERTY: &str = "__mnistLastPanic";

/// Runs once when the wasm module is instantiated: installs the panic hook.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = info.to_string();
        // Best effort: if this fails there is nothing more useful to do inside a panic.
        let _ = js_sys::Reflect::set(
            &js_sys::global(),
            &JsValue::from_str(LAST_PANIC_PROPERTY),
            &JsValue::from_str(&message),
        );
    }));
}

/// Panics on purpose with `message`. Test-only: lets the browser tests check that a Rust panic
/// reaches the page as a readable error and that the page recovers.
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic(message: &str) {
    panic!("debug panic: {message}");
}

/// Benchmark hook: `reps` products of two n×n matrices with [`crate::nn::gemm::gemm`] (the
/// kernel the training step uses); the caller times it. Returns a checksum so it is not optimised away.
#[wasm_bindgen(js_name = matmulRepeat)]
pub fn matmul_repeat(n: usize, reps: usize) -> f32 {
    let a = ndarray::Array2::from_shape_fn((n, n), |(i, j)| ((i * 7 + j * 3) % 17) as f32 * 0.01);
    let b = ndarray::Array2::from_shape_fn((n, n), |(i, j)| ((i * 5 + j * 11) % 13) as f32 * 0.01);
    let mut c = ndarray::Array2::<f32>::zeros((n, n));
    for _ in 0..reps {
        crate::nn::gemm::gemm(1.0, &a, &b, 0.0, &mut c);
    }
    c.sum()
}

/// Which of the two data sets a call refers to; JavaScript passes the string `"train"` or
/// `"test"`. Any other value arrives as a hidden invalid variant, which [`Split::name`] refuses.
#[wasm_bindgen]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    Train = "train",
    Test = "test",
}

impl Split {
    /// `"train"` or `"test"`; an error naming the two for anything else JavaScript passed.
    fn name(self) -> Result<&'static str, JsError> {
        match self {
            Split::Train => Ok("train"),
            Split::Test => Ok("test"),
            _ => Err(JsError::new(
                "unknown data set (expected \"train\" or \"test\")",
            )),
        }
    }
}

/// Which attribution map `explainImage` computes; JavaScript passes `"gradient"` or
/// `"integrated_gradients"`. Any other value arrives as a hidden invalid variant, which
/// [`AttributionMethod::method`] refuses.
#[wasm_bindgen]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributionMethod {
    Gradient = "gradient",
    IntegratedGradients = "integrated_gradients",
}

impl AttributionMethod {
    fn method(self) -> Result<attribution::Method, JsError> {
        match self {
            AttributionMethod::Gradient => Ok(attribution::Method::Gradient),
            AttributionMethod::IntegratedGradients => Ok(attribution::Method::IntegratedGradients),
            _ => Err(JsError::new(
                "unknown attribution method (expected \"gradient\" or \"integrated_gradients\")",
            )),
        }
    }
}

/// Opaque handle owning the MNIST data, the trainer and the model that answers predictions.
#[wasm_bindgen]
#[derive(Default)]
pub struct Engine {
    train: Option<Dataset>,
    test: Option<Dataset>,
    trainer: Option<Trainer>,
    /// A model loaded from a file (the shipped default, or one the user loaded), with its name.
    loaded: Option<(Config, Network, String)>,
    /// The learning-rate finder, the slice in progress, the last hidden map, the run's epoch
    /// checkpoints (see `inspect.rs`).
    inspect: inspect::InspectState,
}

/// Plain JS objects (not `Map`s) for structs and maps.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(|e| {
            JsError::new(&format!(
                "internal error converting a result for JavaScript: {e}"
            ))
        })
}

fn config_from_js(config: JsValue) -> Result<Config, JsError> {
    serde_wasm_bindgen::from_value(config)
        .map_err(|e| JsError::new(&format!("invalid config: {e}")))
}

/// What the page shows about a config before training: validity, size and cost.
#[derive(Serialize)]
struct ConfigReport {
    ok: bool,
    /// The refused field (e.g. "learning_rate", "hidden[1]") and why, when not ok.
    field: Option<String>,
    message: Option<String>,
    parameters: usize,
    flops_per_sample: usize,
    training_images: usize,
}

#[derive(Serialize)]
struct Prediction {
    /// The 28×28 image the network reads (after MNIST-style preprocessing).
    image: Vec<u8>,
    probabilities: Vec<f32>,
    /// The most probable class (named `digit` from MNIST; any class index), and its name.
    digit: usize,
    class_name: String,
    /// Which model answered: "trained" (the one being trained here) or the loaded model's name.
    model: String,
    /// Activations of each hidden layer for this image.
    hidden: Vec<Vec<f32>>,
}

#[wasm_bindgen]
impl Engine {
    /// An engine with no data loaded.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Parses the (already gunzipped) IDX image and label files of the training set. The engine
    /// keeps wasm-bindgen's copy of the two `Uint8Array`s as the data set: no second copy.
    #[wasm_bindgen(js_name = loadTrain)]
    pub fn load_train(&mut self, images: Vec<u8>, labels: Vec<u8>) -> Result<(), JsError> {
        let train = parse(Split::Train, images, labels)?;
        self.set_train(train);
        Ok(())
    }

    /// Parses the (already gunzipped) IDX image and label files of the test set (kept like
    /// `loadTrain`'s).
    #[wasm_bindgen(js_name = loadTest)]
    pub fn load_test(&mut self, images: Vec<u8>, labels: Vec<u8>) -> Result<(), JsError> {
        let test = parse(Split::Test, images, labels)?;
        self.set_test(test)
    }

    /// Number of training images (0 before loading).
    #[wasm_bindgen(js_name = trainCount)]
    pub fn train_count(&self) -> usize {
        self.train.as_ref().map_or(0, Dataset::len)
    }

    /// Number of test images (0 before loading).
    #[wasm_bindgen(js_name = testCount)]
    pub fn test_count(&self) -> usize {
        self.test.as_ref().map_or(0, Dataset::len)
    }

    /// How many images of each class (`[classes]`, label order; the digits 0–9 for MNIST) the
    /// data set `which` ("train" or "test") holds.
    pub fn histogram(&self, which: Split) -> Result<Vec<u32>, JsError> {
        Ok(self.dataset(which)?.label_histogram().to_vec())
    }

    /// A copy of image `index` of `which`: rows × cols (28 × 28 = 784) bytes, row-major, 0 = background.
    pub fn image(&self, which: Split, index: usize) -> Result<Vec<u8>, JsError> {
        let data = self.dataset(which)?;
        check_index(which, index, data.len())?;
        Ok(data.image(index).to_vec())
    }

    /// The label (a class index, 0–9 for MNIST) of image `index` of `which`.
    pub fn label(&self, which: Split, index: usize) -> Result<u8, JsError> {
        let data = self.dataset(which)?;
        check_index(which, index, data.len())?;
        Ok(data.labels[index])
    }
}

/// What the page shows of a data set: `{which, count, classes, names, histogram, rows, cols,
/// test_dropped}`; `histogram[k]` counts the images of class `k` (named `names[k]`);
/// `test_dropped` is true when loading this training set dropped a test set of other classes.
#[derive(Serialize)]
struct DatasetSummary {
    which: &'static str,
    count: usize,
    classes: usize,
    names: Vec<String>,
    histogram: Vec<u32>,
    rows: usize,
    cols: usize,
    test_dropped: bool,
}

#[wasm_bindgen]
impl Engine {
    /// Load an IDX data set of any 2 to 64 classes as the set `which` ("train" or "test"): the
    /// image and label files (each gzipped or not, detected), named for messages, and optionally
    /// a names file (one class name per line, UTF-8; `undefined` for `"0"` … `"k−1"`). Every
    /// check of `src/data/loaders.rs` applies (28×28 images, labels that are classes, at least
    /// two classes, every class with images, sizes); an error names the file, the problem and
    /// what to do, and leaves the loaded data as it was. A training set ends the current run and
    /// drops a test set of other classes; a test set must have the training set's classes.
    /// Returns the set's summary (`{which, count, classes, names, histogram, rows, cols,
    /// test_dropped}`).
    #[wasm_bindgen(js_name = loadIdxDataset)]
    #[allow(clippy::too_many_arguments)]
    pub fn load_idx_dataset(
        &mut self,
        which: Split,
        images_name: &str,
        images: Vec<u8>,
        labels_name: &str,
        labels: &[u8],
        names_name: Option<String>,
        names: Option<Vec<u8>>,
    ) -> Result<JsValue, JsError> {
        which.name()?;
        let names_file = names_file(&names_name, &names);
        let data = loaders::load_idx(images_name, images, labels_name, labels, names_file)
            .map_err(|e| JsError::new(&e))?;
        self.keep(which, data)
    }

    /// Load a CSV data set ("label, 784 pixels" per line, with or without a header line;
    /// gzipped or not) as the set `which`, with an optional names file: like `loadIdxDataset`.
    #[wasm_bindgen(js_name = loadCsvDataset)]
    pub fn load_csv_dataset(
        &mut self,
        which: Split,
        name: &str,
        bytes: &[u8],
        names_name: Option<String>,
        names: Option<Vec<u8>>,
    ) -> Result<JsValue, JsError> {
        which.name()?;
        let names_file = names_file(&names_name, &names);
        let data = loaders::load_csv(name, bytes, names_file).map_err(|e| JsError::new(&e))?;
        self.keep(which, data)
    }

    /// Split the training set into a training and a test set: a `share` (see `limits().test_share`)
    /// of every class's images, chosen by `seed`, becomes the test set (replacing the current
    /// one). Ends the current run. Returns `{train: summary, test: summary}`.
    #[wasm_bindgen(js_name = holdOutTest)]
    pub fn hold_out_test(&mut self, share: f32, seed: u32) -> Result<JsValue, JsError> {
        let (train, test) = loaders::split(self.dataset(Split::Train)?, share, u64::from(seed))
            .map_err(|e| JsError::new(&e))?;
        self.set_train(train);
        self.test = Some(test);
        #[derive(Serialize)]
        struct Both {
            train: DatasetSummary,
            test: DatasetSummary,
        }
        to_js(&Both {
            train: self.summary(Split::Train, false)?,
            test: self.summary(Split::Test, false)?,
        })
    }

    /// The summary of the loaded set `which` (see `loadIdxDataset`; `test_dropped` false).
    #[wasm_bindgen(js_name = datasetSummary)]
    pub fn dataset_summary(&self, which: Split) -> Result<JsValue, JsError> {
        to_js(&self.summary(which, false)?)
    }

    /// The class names of the model that answers predictions (label order; the digits for
    /// MNIST models).
    #[wasm_bindgen(js_name = answeringClasses)]
    pub fn answering_class_names(&self) -> Result<Vec<String>, JsError> {
        Ok(self.answering_classes()?.to_vec())
    }
}

#[wasm_bindgen]
impl Engine {
    /// The built-in presets: `[{name, description, config}]`.
    pub fn presets() -> Result<JsValue, JsError> {
        to_js(&config::presets())
    }

    /// What the page needs to offer only valid settings, from the constants validation uses:
    /// `{side, pixels, classes (10, MNIST's), class_names (the digits), min_classes, max_classes,
    /// max_class_name_chars, max_dataset_images, max_dataset_file_bytes, test_share, max_hidden_layers, max_width, max_parameters, max_batch,
    /// max_epochs, max_threads, train_images, augment, ranges, choices, kind_defaults}`; `ranges`
    /// maps a field path (`"learning_rate"`, `"optimizer.beta1"`, `"augment.max_rotation"`,
    /// `"hidden[]"` for each width, …) to `{min, max, min_exclusive, max_exclusive, integer}`,
    /// `max` being `null` when unbounded; `choices` a choice field's path to its values;
    /// `kind_defaults` each optimizer and schedule kind to its default parameters.
    /// See `config::Limits` for the bounds that depend on other fields.
    pub fn limits() -> Result<JsValue, JsError> {
        config::limits()
            .serialize(
                &serde_wasm_bindgen::Serializer::new()
                    .serialize_maps_as_objects(true)
                    .serialize_missing_as_null(true),
            )
            .map_err(|e| JsError::new(&format!("internal error converting the limits: {e}")))
    }

    /// A new random seed (a whole number below 2³², valid as `config.seed`), drawn from the
    /// browser's `crypto.getRandomValues` through the `getrandom` crate.
    #[wasm_bindgen(js_name = freshSeed)]
    pub fn fresh_seed() -> Result<u32, JsError> {
        crate::rng::fresh_seed().map_err(|e| JsError::new(&e))
    }

    /// The default config as a plain object.
    #[wasm_bindgen(js_name = defaultConfig)]
    pub fn default_config() -> Result<JsValue, JsError> {
        to_js(&Config::default())
    }

    /// Check a config without training: `{ok, field, message, parameters, flops_per_sample,
    /// training_images}`; with a training set loaded, its classes must be the config's (field
    /// `classes`). A config that does not even parse gives `ok: false` with `field: null`.
    #[wasm_bindgen(js_name = describeConfig)]
    pub fn describe_config(&self, config: JsValue) -> Result<JsValue, JsError> {
        let available = self
            .train
            .as_ref()
            .map_or(crate::data::mnist::TRAIN_IMAGES, Dataset::len);
        let report = match serde_wasm_bindgen::from_value::<Config>(config) {
            Err(e) => ConfigReport {
                ok: false,
                field: None,
                message: Some(format!("invalid config: {e}")),
                parameters: 0,
                flops_per_sample: 0,
                training_images: 0,
            },
            Ok(c) => {
                // The config's classes must also be the loaded training set's.
                let v = c
                    .validate(available)
                    .and_then(|()| match &self.train {
                        Some(train) => c.check_classes_match(train.classes()),
                        None => Ok(()),
                    })
                    .err();
                ConfigReport {
                    ok: v.is_none(),
                    field: v.as_ref().map(|e| e.field.clone()),
                    message: v.map(|e| e.message),
                    parameters: c.parameter_count(),
                    flops_per_sample: c.forward_flops(),
                    training_images: c.training_images(available),
                }
            }
        };
        to_js(&report)
    }

    /// Start a new run with `config` (a fresh network from its seed) on this worker alone
    /// (`config.threads` must be 1). Returns `{training_images, validation_images,
    /// steps_per_epoch, total_steps, parameters}`.
    pub fn configure(&mut self, config: JsValue) -> Result<JsValue, JsError> {
        let config = config_from_js(config)?;
        let train = self.dataset(Split::Train)?;
        let trainer = Trainer::new(config, train).map_err(|e| JsError::new(&e.message))?;
        self.start_run(trainer)
    }

    /// Bytes of the `SharedArrayBuffer` that the `config.threads` workers of a data-parallel run
    /// share (see `src/wasm/shared_exchange.rs` for its layout).
    #[wasm_bindgen(js_name = exchangeBytes)]
    pub fn exchange_bytes(config: JsValue) -> Result<usize, JsError> {
        let config = config_from_js(config)?;
        // Checked here because the size arithmetic trusts its inputs: an unvalidated config could
        // otherwise ask for an overflowing or absurd buffer.
        let parameters = config.parameter_count();
        if !(1..=config::MAX_THREADS).contains(&config.threads) {
            return Err(JsError::new(&format!(
                "threads must be 1 to {} (got {})",
                config::MAX_THREADS,
                config.threads
            )));
        }
        if parameters > config::MAX_PARAMETERS {
            return Err(JsError::new(&format!(
                "the network has {parameters} parameters; at most {} fit — use fewer or narrower layers",
                config::MAX_PARAMETERS
            )));
        }
        Ok(shared_exchange::buffer_bytes(config.threads, parameters))
    }

    /// Start shard `index` of a data-parallel run of `config.threads` workers: every worker calls
    /// this with the same config and `buffer`, then `trainSteps` with the same step counts (each
    /// call waits for the others at every step). Returns what `configure` returns.
    #[wasm_bindgen(js_name = configureShard)]
    pub fn configure_shard(
        &mut self,
        config: JsValue,
        index: usize,
        buffer: &js_sys::SharedArrayBuffer,
    ) -> Result<JsValue, JsError> {
        let config = config_from_js(config)?;
        let train = self.dataset(Split::Train)?;
        let exchange = shared_exchange::SharedExchange::new(
            buffer,
            index,
            config.threads,
            config.parameter_count(),
        )
        .map_err(|e| JsError::new(&e))?;
        let trainer = Trainer::shard(config, train, index, Box::new(exchange))
            .map_err(|e| JsError::new(&e.message))?;
        self.start_run(trainer)
    }

    /// Where a data-parallel run's exchange time went on this worker so far:
    /// `{steps, send_ms, wait_ms, sum_ms}`, or `null` for a one-thread run (for profiles).
    #[wasm_bindgen(js_name = exchangeTimes)]
    pub fn exchange_times(&self) -> Result<JsValue, JsError> {
        to_js(&self.trainer.as_ref().and_then(|t| t.exchange_times()))
    }

    /// Forget the current run (the loaded model, if any, answers predictions again).
    pub fn reset(&mut self) {
        self.trainer = None;
        self.inspect.new_run();
    }

    /// Run up to `max_steps` training steps (stopping at an epoch's end); returns the progress
    /// record (see `trainer::Progress`). Divergence is an error whose message says what to do.
    #[wasm_bindgen(js_name = trainSteps)]
    pub fn train_steps(&mut self, max_steps: usize) -> Result<JsValue, JsError> {
        let (trainer, train) = self.trainer_and_data()?;
        let progress = trainer
            .train_steps(train, max_steps)
            .map_err(|e| JsError::new(&e.to_string()))?;
        if progress.epoch_finished {
            self.inspect
                .epoch_ended(progress.epoch, self.trainer.as_ref().unwrap().network());
        }
        to_js(&progress)
    }

    /// Each step of the last `trainSteps` call: `[loss, accuracy, learning rate]` per step, flat
    /// (the charts' "raw" batch loss is per batch, not per call).
    #[wasm_bindgen(js_name = lastSteps)]
    pub fn last_steps(&self) -> js_sys::Float32Array {
        let steps = self.trainer.as_ref().map_or(&[][..], |t| t.last_steps());
        js_sys::Float32Array::from(steps)
    }

    /// Loss, accuracy, confusion matrix, per-class accuracy and misclassified images of the
    /// current run on the validation images (`null` when there are none).
    #[wasm_bindgen(js_name = evaluateValidation)]
    pub fn evaluate_validation(&mut self) -> Result<JsValue, JsError> {
        let (trainer, train) = self.trainer_and_data()?;
        to_js(&trainer.evaluate_validation(train))
    }

    /// The same on the test set, for the model being trained (or, with no run, the loaded model).
    #[wasm_bindgen(js_name = evaluateTest)]
    pub fn evaluate_test(&self) -> Result<JsValue, JsError> {
        let (network, _, test) = self.answering_on(Split::Test)?;
        let e: Evaluation = metrics::evaluate(network, test, None);
        to_js(&e)
    }

    /// [`evaluateValidation`] on the validation images `start..end` only (clamped to them), and
    /// [`evaluateTestRange`] on test images `start..end`: the worker evaluates in slices and stays
    /// responsive between them (pause within 100 ms even at an epoch's end); the page adds the
    /// slices up (counts and confusion matrices add; misclassified indices are data-set indices).
    ///
    /// [`evaluateValidation`]: Engine::evaluate_validation
    /// [`evaluateTestRange`]: Engine::evaluate_test_range
    #[wasm_bindgen(js_name = evaluateValidationRange)]
    pub fn evaluate_validation_range(
        &mut self,
        start: usize,
        end: usize,
    ) -> Result<JsValue, JsError> {
        let (trainer, train) = self.trainer_and_data()?;
        let all = trainer.validation_indices();
        let end = end.min(all.len());
        let start = start.min(end);
        to_js(&metrics::evaluate(
            trainer.network(),
            train,
            Some(&all[start..end]),
        ))
    }

    /// See [`evaluateValidationRange`](Engine::evaluate_validation_range).
    #[wasm_bindgen(js_name = evaluateTestRange)]
    pub fn evaluate_test_range(&self, start: usize, end: usize) -> Result<JsValue, JsError> {
        let (network, _, test) = self.answering_on(Split::Test)?;
        let end = end.min(test.len());
        let start = start.min(end);
        let indices: Vec<u32> = (start as u32..end as u32).collect();
        to_js(&metrics::evaluate(network, test, Some(&indices)))
    }

    /// Per-layer weight/gradient magnitude percentiles and inactive units after the last step.
    #[wasm_bindgen(js_name = layerStats)]
    pub fn layer_stats(&self) -> Result<JsValue, JsError> {
        let trainer = self
            .trainer
            .as_ref()
            .ok_or_else(|| JsError::new("no run configured"))?;
        to_js(&trainer.layer_stats())
    }

    /// Incoming weights of the first `max_units` first-layer units, `[units × 784]` (units =
    /// length / 784). Empty for a network without hidden layers… which still has a first layer:
    /// then the units are the ten output classes.
    #[wasm_bindgen(js_name = firstLayerWeights)]
    pub fn first_layer_weights(&self, max_units: usize) -> Result<Vec<f32>, JsError> {
        let trainer = self
            .trainer
            .as_ref()
            .ok_or_else(|| JsError::new("no run configured"))?;
        Ok(trainer.first_layer_weights(max_units).1)
    }

    /// Preprocess a drawing (RGBA canvas pixels, white ink on black) like MNIST and predict it.
    /// Returns `null` for an empty canvas (nothing to predict).
    pub fn predict(&self, rgba: &[u8], width: usize, height: usize) -> Result<JsValue, JsError> {
        let image = preprocess::preprocess(rgba, width, height, 4)
            .map_err(|e| JsError::new(&e.to_string()))?;
        match image {
            None => Ok(JsValue::NULL),
            Some(image) => self.predict_image(&image),
        }
    }

    /// Predict one 28×28 image (784 bytes, 0 = background) as is, without preprocessing.
    #[wasm_bindgen(js_name = predictImage)]
    pub fn predict_image(&self, image: &[u8]) -> Result<JsValue, JsError> {
        if image.len() != PIXELS {
            return Err(JsError::new(&format!(
                "an image must have {PIXELS} pixels, got {}",
                image.len()
            )));
        }
        let (network, model) = self.answering()?;
        let (probabilities, hidden) = network.predict_with_hidden(image);
        let digit = crate::nn::loss::argmax(&probabilities).0;
        let class_name = self
            .answering_classes()?
            .get(digit)
            .cloned()
            .unwrap_or_else(|| digit.to_string());
        to_js(&Prediction {
            image: image.to_vec(),
            digit,
            class_name,
            probabilities,
            model: model.to_string(),
            hidden,
        })
    }

    /// Load a model file (validated; errors say what is wrong) to answer predictions, under
    /// `name`. Returns its config.
    #[wasm_bindgen(js_name = loadModel)]
    pub fn load_model(&mut self, bytes: &[u8], name: &str) -> Result<JsValue, JsError> {
        let (config, network) =
            model_file::decode(bytes).map_err(|e| JsError::new(&e.to_string()))?;
        let js = to_js(&config)?;
        self.loaded = Some((config, network, name.to_string()));
        Ok(js)
    }

    /// The model being trained, as a model file.
    #[wasm_bindgen(js_name = exportModel)]
    pub fn export_model(&self) -> Result<Vec<u8>, JsError> {
        let trainer = self
            .trainer
            .as_ref()
            .ok_or_else(|| JsError::new("there is no trained model yet — train first"))?;
        if trainer.diverged() {
            return Err(JsError::new(
                "the last run diverged, so its model is useless — train again with a lower learning rate",
            ));
        }
        Ok(model_file::encode(trainer.config(), trainer.network()))
    }

    /// The model that answers predictions in TensorFlow.js's layers format:
    /// `{model_json: string, weights: Uint8Array}` (the files model.json and weights.bin).
    #[wasm_bindgen(js_name = exportTfjs)]
    pub fn export_tfjs(&self) -> Result<JsValue, JsError> {
        let (network, _) = self.answering()?;
        let classes = self.answering_classes()?;
        let m = crate::io::export_tfjs::export(network, classes).map_err(|e| JsError::new(&e))?;
        let out = js_sys::Object::new();
        js_sys::Reflect::set(&out, &"model_json".into(), &m.model_json.into())
            .map_err(|_| JsError::new("export failed"))?;
        js_sys::Reflect::set(
            &out,
            &"weights".into(),
            &js_sys::Uint8Array::from(&m.weights[..]).into(),
        )
        .map_err(|_| JsError::new("export failed"))?;
        Ok(out.into())
    }

    /// Which model answers predictions: "trained", the loaded model's name, or "" if none.
    #[wasm_bindgen(js_name = answeringModel)]
    pub fn answering_model(&self) -> String {
        self.answering()
            .map(|(_, name)| name.to_string())
            .unwrap_or_default()
    }
}

#[wasm_bindgen]
impl Engine {
    /// Accepted ranges and defaults of the explain calls below: `{epsilon, attack_steps,
    /// default_attack_steps, search_rounds, integrated_gradients_steps,
    /// integrated_gradients_max_steps, completeness_tolerance, step_learning_rate,
    /// default_step_learning_rate}`; ranges are `{min, max, min_exclusive, max_exclusive,
    /// integer}` like `limits()`'s.
    #[wasm_bindgen(js_name = explainLimits)]
    pub fn explain_limits() -> Result<JsValue, JsError> {
        to_js(&explain::limits())
    }

    /// Why the answering model gives `class` (0–9) for a 28×28 image (784 bytes, 0 =
    /// background, e.g. `predict`'s `image`): an attribution map of `log p_class` over the
    /// pixels on the 0–1 scale the network reads (value 255 = 1), to overlay on that image
    /// (positive: this pixel pushes towards `class`). Returns `{map: Float32Array(784), method,
    /// class, probabilities: number[10], log_prob, baseline_log_prob, steps,
    /// completeness_error, model}`; `baseline_log_prob` (`log p_class` of the blank image),
    /// `steps` (trapezoid intervals) and `completeness_error` (`|Σ map − (log_prob −
    /// baseline_log_prob)| / |log_prob − baseline_log_prob|`) are for integrated gradients
    /// (`null`, 0 and `null` for the gradient).
    #[wasm_bindgen(js_name = explainImage)]
    pub fn explain_image(
        &self,
        image: &[u8],
        class: usize,
        method: AttributionMethod,
    ) -> Result<JsValue, JsError> {
        let method = method.method()?;
        let (network, model) = self.answering()?;
        let mut a = attribution::explain(network, image, class, method).map_err(js_error)?;
        let map = std::mem::take(&mut a.map);
        let out = to_js(&Answered { model, result: a })?;
        set_f32(&out, "map", &map)?;
        Ok(out)
    }

    /// "Make it a `target`": targeted PGD (`steps` gradient-sign steps, see
    /// `src/explain/attack.rs`) on the image (784 bytes) within an L∞ budget `epsilon` on 0–1
    /// pixels (see `explainLimits`). Returns `{image: Float32Array(784), perturbation:
    /// Float32Array(784), before: number[10], after: number[10], predicted_before,
    /// predicted_after, reached, target, epsilon, steps, model}`: `image` is the perturbed image
    /// (0–1, every pixel within `epsilon` of the original and in [0, 1]), `perturbation` =
    /// `image − original` (amplify it to show it), `reached` = the perturbed image is predicted
    /// as `target`.
    #[wasm_bindgen(js_name = attackImage)]
    pub fn attack_image(
        &self,
        image: &[u8],
        target: usize,
        epsilon: f32,
        steps: usize,
    ) -> Result<JsValue, JsError> {
        let (network, model) = self.answering()?;
        let a = attack::attack(network, image, target, epsilon, steps).map_err(js_error)?;
        attack_to_js(a, model)
    }

    /// The smallest budget ε at which `attackImage` with `steps` steps turns the image into
    /// `target`, by bisection over [0, `explainLimits().epsilon.max`]: `{epsilon, failed_below,
    /// attack}`; `epsilon` is `null` when even the largest budget fails, `failed_below` the
    /// largest ε tried that failed, `attack` what `attackImage` returns at `epsilon` (or at the
    /// largest budget when `epsilon` is `null`).
    #[wasm_bindgen(js_name = smallestEpsilon)]
    pub fn smallest_epsilon(
        &self,
        image: &[u8],
        target: usize,
        steps: usize,
    ) -> Result<JsValue, JsError> {
        let (network, model) = self.answering()?;
        let s = attack::smallest_epsilon(network, image, target, steps).map_err(js_error)?;
        let out = js_sys::Object::new();
        set(
            &out,
            "epsilon",
            s.epsilon.map_or(JsValue::NULL, JsValue::from),
        )?;
        set(&out, "failed_below", JsValue::from(s.failed_below))?;
        set(&out, "attack", attack_to_js(s.attack, model)?)?;
        Ok(out.into())
    }

    /// One training step on one image (784 bytes) with its `label`, for stepping through
    /// backpropagation on the answering model (without dropout), and one plain SGD step at
    /// `learning_rate` on a copy (see `explainLimits`; the model itself is not changed). Returns
    /// `{layers: [{pre_activations, activations, delta}], probabilities: number[10], predicted,
    /// label, loss, first_layer_weight_gradient: Float32Array(units × 784), units,
    /// learning_rate, probabilities_after_step: number[10], loss_after_step, model}`: one entry
    /// of `layers` per layer (hidden layers, then the output layer, whose `activations` are the
    /// softmax), each a `number[width]`; `delta` = ∂loss/∂(pre-activations);
    /// `first_layer_weight_gradient` holds the 28×28 map of unit `u` at `u·784 … u·784 + 783`.
    pub fn walkthrough(
        &self,
        image: &[u8],
        label: usize,
        learning_rate: f32,
    ) -> Result<JsValue, JsError> {
        let (network, model) = self.answering()?;
        let mut w =
            walkthrough::walkthrough(network, image, label, learning_rate).map_err(js_error)?;
        let gradient = std::mem::take(&mut w.first_layer_weight_gradient);
        let out = to_js(&Answered { model, result: w })?;
        set_f32(&out, "first_layer_weight_gradient", &gradient)?;
        set(&out, "units", JsValue::from(network.layers[0].outputs()))?;
        Ok(out)
    }
}

/// A result with the name of the model that answered (`"trained"` or the loaded model's name).
#[derive(Serialize)]
struct Answered<'a, T: Serialize> {
    model: &'a str,
    #[serde(flatten)]
    result: T,
}

fn js_error(e: ExplainError) -> JsError {
    JsError::new(&e.to_string())
}

fn set(object: &JsValue, name: &str, value: JsValue) -> Result<(), JsError> {
    js_sys::Reflect::set(object, &JsValue::from_str(name), &value)
        .map(drop)
        .map_err(|_| JsError::new(&format!("internal error setting {name} on a result")))
}

/// `object[name] = new Float32Array(values)`.
fn set_f32(object: &JsValue, name: &str, values: &[f32]) -> Result<(), JsError> {
    set(object, name, js_sys::Float32Array::from(values).into())
}

fn attack_to_js(mut a: attack::Attack, model: &str) -> Result<JsValue, JsError> {
    let (image, perturbation) = (
        std::mem::take(&mut a.image),
        std::mem::take(&mut a.perturbation),
    );
    let out = to_js(&Answered { model, result: a })?;
    set_f32(&out, "image", &image)?;
    set_f32(&out, "perturbation", &perturbation)?;
    Ok(out)
}

impl Engine {
    fn start_run(&mut self, trainer: Trainer) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct RunInfo {
            training_images: usize,
            validation_images: usize,
            steps_per_epoch: u64,
            total_steps: u64,
            parameters: usize,
        }
        let info = RunInfo {
            training_images: trainer.training_size(),
            validation_images: trainer.validation_indices().len(),
            steps_per_epoch: trainer.steps_per_epoch(),
            total_steps: trainer.total_steps(),
            parameters: trainer.network().parameter_count(),
        };
        self.trainer = Some(trainer);
        self.inspect.new_run();
        to_js(&info)
    }

    /// The network that answers predictions: the run being trained once it has taken a step
    /// (unless it diverged: its weights are then useless), else the loaded model.
    fn answering(&self) -> Result<(&Network, &str), JsError> {
        if let Some(t) = self
            .trainer
            .as_ref()
            .filter(|t| t.step() > 0 && !t.diverged())
        {
            return Ok((t.network(), "trained"));
        }
        self.loaded
            .as_ref()
            .map(|(_, n, name)| (n, name.as_str()))
            .ok_or_else(|| JsError::new("no model yet: train one or load a model file"))
    }

    /// The class names of the answering model (its config's).
    fn answering_classes(&self) -> Result<&[String], JsError> {
        Ok(&self.answering_config()?.classes)
    }

    /// The answering model, its name and the set `which`, refused when their classes differ
    /// (a label beyond the model's outputs has no meaning for it).
    fn answering_on(&self, which: Split) -> Result<(&Network, &str, &Dataset), JsError> {
        let data = self.dataset(which)?;
        let (network, model) = self.answering()?;
        let classes = self.answering_classes()?;
        if classes != data.classes() {
            return Err(JsError::new(&format!(
                "the model ({model}) knows {} classes ({}) but the {} set has {} ({}) — train a model on this data, or load the data the model was made for",
                classes.len(),
                crate::data::classes::listed(classes),
                which.name()?,
                data.class_count(),
                crate::data::classes::listed(data.classes())
            )));
        }
        Ok((network, model, data))
    }

    /// Make `train` the training set: ends the run and the inspections that index the old one,
    /// and drops a test set of other classes. Returns whether it dropped one.
    fn set_train(&mut self, train: Dataset) -> bool {
        let dropped = self
            .test
            .as_ref()
            .is_some_and(|t| t.classes() != train.classes());
        if dropped {
            self.test = None;
        }
        self.train = Some(train);
        // A run or a finder sweep indexes the training set it started on: new data ends them.
        self.trainer = None;
        self.inspect.data_changed();
        dropped
    }

    /// Make `test` the test set; refused when its classes are not the training set's.
    fn set_test(&mut self, test: Dataset) -> Result<(), JsError> {
        if let Some(train) = &self.train {
            if train.classes() != test.classes() {
                return Err(JsError::new(&format!(
                    "the test set's classes {} ({}) are not the training set's {} ({}) — load the test set made for this training set, or hold out a share of the training set",
                    test.class_count(),
                    crate::data::classes::listed(test.classes()),
                    train.class_count(),
                    crate::data::classes::listed(train.classes())
                )));
            }
        }
        self.test = Some(test);
        Ok(())
    }

    /// Keep a loaded data set as `which` and return its summary.
    fn keep(&mut self, which: Split, data: Dataset) -> Result<JsValue, JsError> {
        let dropped = match which {
            Split::Train => self.set_train(data),
            _ => {
                self.set_test(data)?;
                false
            }
        };
        to_js(&self.summary(which, dropped)?)
    }

    fn summary(&self, which: Split, test_dropped: bool) -> Result<DatasetSummary, JsError> {
        let data = self.dataset(which)?;
        Ok(DatasetSummary {
            which: which.name()?,
            count: data.len(),
            classes: data.class_count(),
            names: data.classes().to_vec(),
            histogram: data.label_histogram(),
            rows: data.rows,
            cols: data.cols,
            test_dropped,
        })
    }

    fn trainer_and_data(&mut self) -> Result<(&mut Trainer, &Dataset), JsError> {
        let train = self
            .train
            .as_ref()
            .ok_or_else(|| JsError::new("the training set is not loaded yet"))?;
        let trainer = self
            .trainer
            .as_mut()
            .ok_or_else(|| JsError::new("no run configured: send configure first"))?;
        Ok((trainer, train))
    }

    fn dataset(&self, which: Split) -> Result<&Dataset, JsError> {
        let name = which.name()?;
        let data = match which {
            Split::Train => self.train.as_ref(),
            _ => self.test.as_ref(), // `name` refused anything but the two
        };
        data.ok_or_else(|| {
            JsError::new(&format!(
                "the {name} set is not loaded yet (send load-data first)"
            ))
        })
    }
}

fn parse(split: Split, images: Vec<u8>, labels: Vec<u8>) -> Result<Dataset, JsError> {
    let name = split.name()?;
    Dataset::from_idx_owned(images, labels).map_err(|e| JsError::new(&format!("{name} set: {e}")))
}

/// The optional names file of a loader call, when both its name and bytes are given.
fn names_file<'a>(
    name: &'a Option<String>,
    bytes: &'a Option<Vec<u8>>,
) -> Option<(&'a str, &'a [u8])> {
    match (name, bytes) {
        (Some(n), Some(b)) => Some((n.as_str(), b.as_slice())),
        (None, Some(b)) => Some(("names file", b.as_slice())),
        _ => None,
    }
}

fn check_index(which: Split, index: usize, len: usize) -> Result<(), JsError> {
    if index < len {
        Ok(())
    } else {
        Err(JsError::new(&format!(
            "image index {index} out of range for the {} set ({len} images)",
            which.name()?
        )))
    }
}
