//! Every hyperparameter of a run, including the seed, in one serialisable struct. A run is fully
//! determined by its `Config` (and the data); the model file stores it beside the weights.
//!
//! JSON shape (every field optional, missing ones take the defaults below):
//! ```json
//! {"hidden":[128],"activation":"relu","init":"auto","dropout":0,"weight_decay":0,
//!  "optimizer":{"kind":"adam","beta1":0.9,"beta2":0.999,"epsilon":1e-8},"learning_rate":0.001,
//!  "schedule":{"kind":"constant","warmup_epochs":0},"batch_size":128,"epochs":3,
//!  "validation_size":5000,"train_subset":0,"seed":1,"augment":{"enabled":false}}
//! ```
//! `classes` (the class names, the network's outputs) is left out of the JSON when it is the ten
//! digits `"0"` … `"9"`, and a config without it has those: every MNIST config, and every model
//! file written before other classes existed, keeps its one serialised form. Otherwise it is a
//! list of 2 to 64 names, e.g. `"classes":["✓","✗","○"]`.
//! [`Config::validate`] refuses anything out of range with a message naming the field and the
//! allowed range; [`limits`] tells the page those ranges, and [`presets`] are named configs.
//!
//! Non-goals: training (that is [`crate::train::trainer`]), the JSON of a run's history or of the
//! page's URL (the page owns those).

use crate::bounds::{FloatRange, IntRange, Limit};
use crate::data::augment::AugmentConfig;
use crate::data::classes::{self, MAX_CLASSES, MAX_CLASS_NAME_CHARS, MIN_CLASSES};
use crate::data::{PIXELS, SIDE};
use crate::nn::activation::Activation;
use crate::nn::init::Init;
use crate::nn::network::Network;
use crate::train::optimizer::OptimizerConfig;
use crate::train::schedule::Schedule;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Caps that keep a config within what a browser tab can hold and train.
pub const MAX_HIDDEN_LAYERS: usize = 16;
pub const MAX_WIDTH: usize = 8192;
pub const MAX_PARAMETERS: usize = 20_000_000;
pub const MAX_BATCH: usize = 4096;
pub const MAX_EPOCHS: u32 = 1000;
/// Most data-parallel training workers (more than the cores only adds overhead).
pub const MAX_THREADS: usize = 8;

/// Allowed ranges of the numeric fields (validation and [`limits`] read these).
pub const HIDDEN_WIDTH: IntRange = IntRange::new(1, MAX_WIDTH as u64);
pub const DROPOUT: FloatRange = FloatRange::closed_open(0.0, 0.95);
pub const WEIGHT_DECAY: FloatRange = FloatRange::closed(0.0, 1.0);
pub const LEARNING_RATE: FloatRange = FloatRange::open_closed(0.0, 10.0);
pub const THREADS: IntRange = IntRange::new(1, MAX_THREADS as u64);
pub const EPOCHS: IntRange = IntRange::new(1, MAX_EPOCHS as u64);
/// The batch size's own range; it must also be at most the run's training images.
pub const BATCH_SIZE: IntRange = IntRange::new(1, MAX_BATCH as u64);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Widths of the hidden layers, input side first. Empty = softmax regression.
    pub hidden: Vec<usize>,
    pub activation: Activation,
    pub init: Init,
    /// Inverted-dropout rate after every hidden layer (0 = off); never applied at evaluation.
    pub dropout: f32,
    /// Coupled L2 weight decay λ: λ·w is added to each weight gradient (not biases).
    pub weight_decay: f32,
    pub optimizer: OptimizerConfig,
    /// Base learning rate; the schedule scales it per step.
    pub learning_rate: f32,
    pub schedule: Schedule,
    pub batch_size: usize,
    pub epochs: u32,
    /// Images held out of the 60,000 training images for validation (0 allowed).
    pub validation_size: usize,
    /// Train on only this many of the remaining images (0 = all of them).
    pub train_subset: usize,
    pub seed: u64,
    pub augment: AugmentConfig,
    /// Workers training data-parallel (each takes a share of every batch; see
    /// [`crate::train::exchange`]). Part of the config because the rounding, and the dropout and
    /// augmentation draws, depend on it: a seed reproduces a run for the same thread count.
    /// Model file format version 1 allows configs without this field: it is left out of the JSON
    /// when 1 and a missing field reads as 1, so every one-thread config has one serialised form.
    #[serde(skip_serializing_if = "is_one")]
    pub threads: usize,
    /// The classes' names, in label order: the network has one output per class. Left out of the
    /// JSON when the ten digits (the default), so MNIST configs keep one serialised form.
    #[serde(skip_serializing_if = "is_digits")]
    pub classes: Vec<String>,
}

fn is_digits(names: &[String]) -> bool {
    classes::are_digits(names)
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

impl Default for Config {
    /// 784-128-10 ReLU, Adam 0.001, batch 128, 3 epochs: reaches ≥ 97% test accuracy.
    fn default() -> Self {
        Config {
            hidden: vec![128],
            activation: Activation::Relu,
            init: Init::Auto,
            dropout: 0.0,
            weight_decay: 0.0,
            optimizer: OptimizerConfig::default(),
            learning_rate: 0.001,
            schedule: Schedule::default(),
            batch_size: 128,
            epochs: 3,
            validation_size: 5000,
            train_subset: 0,
            seed: 1,
            augment: AugmentConfig::default(),
            threads: 1,
            classes: classes::digit_names(),
        }
    }
}

/// A refused config: which field, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    /// The field's path, e.g. `hidden[1]` or `optimizer.beta1`.
    pub field: String,
    pub message: String,
}

fn refuse(field: &str, message: String) -> ConfigError {
    ConfigError {
        field: field.to_string(),
        message,
    }
}

/// The field name from a sub-validator's "field.name must be …" message.
fn sub(message: String) -> ConfigError {
    let field = message.split_whitespace().next().unwrap_or("").to_string();
    ConfigError { field, message }
}

impl Config {
    /// Layer widths from input to output: `[784, hidden…, classes]` (`[784, hidden…, 10]` for
    /// the digits).
    pub fn layer_sizes(&self) -> Vec<usize> {
        let mut s = Vec::with_capacity(self.hidden.len() + 2);
        s.push(PIXELS);
        s.extend_from_slice(&self.hidden);
        s.push(self.classes.len());
        s
    }

    /// Number of classes, the network's outputs.
    pub fn class_count(&self) -> usize {
        self.classes.len()
    }

    /// Refuse a run of this config on data whose classes are `data` (a different count, names
    /// or order): the field is `classes`, the message says what to do.
    pub fn check_classes_match(&self, data: &[String]) -> Result<(), ConfigError> {
        if self.classes == data {
            return Ok(());
        }
        let list = |n: &[String]| format!("{} ({})", n.len(), classes::listed(n));
        Err(refuse(
            "classes",
            format!(
                "the config's classes {} are not the loaded data's {} — set classes to the data's names, or load the data this config was made for",
                list(&self.classes),
                list(data)
            ),
        ))
    }

    /// A freshly initialised network for this config (its seed decides every weight).
    pub fn fresh_network(&self) -> Network {
        Network::from_sizes(&self.layer_sizes(), self.activation, self.init, self.seed)
    }

    /// Trainable parameters (weights and biases), saturating on overflow.
    pub fn parameter_count(&self) -> usize {
        self.layer_sizes().windows(2).fold(0usize, |acc, w| {
            acc.saturating_add(w[0].saturating_mul(w[1]).saturating_add(w[1]))
        })
    }

    /// Floating-point operations of one forward pass for one sample (a multiply-add counts as 2),
    /// saturating on overflow: the page asks for it before the config is validated.
    pub fn forward_flops(&self) -> usize {
        self.products()
            .iter()
            .fold(0usize, |acc, &p| acc.saturating_add(p))
    }

    /// Floating-point operations of one training step per sample: the forward products, the weight
    /// gradients (same count), and the error passed back through every layer but the first.
    /// Saturating on overflow, like [`Config::forward_flops`].
    pub fn training_flops(&self) -> usize {
        let products = self.products();
        let backward = products[1..]
            .iter()
            .fold(0usize, |acc, &p| acc.saturating_add(p));
        self.forward_flops()
            .saturating_mul(2)
            .saturating_add(backward)
    }

    /// Floating-point operations of each layer's matrix product for one sample, input side first.
    fn products(&self) -> Vec<usize> {
        self.layer_sizes()
            .windows(2)
            .map(|w| w[0].saturating_mul(w[1]).saturating_mul(2))
            .collect()
    }

    /// How many training images remain once validation is held out and the subset applied.
    pub fn training_images(&self, available: usize) -> usize {
        let rest = available.saturating_sub(self.validation_size);
        if self.train_subset == 0 {
            rest
        } else {
            self.train_subset.min(rest)
        }
    }

    /// Check every field against its allowed range. `available` is the number of images in the
    /// training file (60,000 for MNIST), out of which validation and subset are taken.
    pub fn validate(&self, available: usize) -> Result<(), ConfigError> {
        classes::check_names("classes", &self.classes)
            .map_err(|(field, message)| refuse(&field, message))?;
        if self.hidden.len() > MAX_HIDDEN_LAYERS {
            return Err(refuse(
                "hidden",
                format!(
                    "at most {MAX_HIDDEN_LAYERS} hidden layers are supported, got {}",
                    self.hidden.len()
                ),
            ));
        }
        for (i, &w) in self.hidden.iter().enumerate() {
            if !HIDDEN_WIDTH.contains(w as u64) {
                return Err(refuse(
                    &format!("hidden[{i}]"),
                    format!(
                        "hidden layer {} must have {} to {MAX_WIDTH} units, got {w}",
                        i + 1,
                        HIDDEN_WIDTH.min
                    ),
                ));
            }
        }
        let params = self.parameter_count();
        if params > MAX_PARAMETERS {
            return Err(refuse(
                "hidden",
                format!("the network has {params} parameters; at most {MAX_PARAMETERS} are supported — use fewer or narrower layers"),
            ));
        }
        DROPOUT.check("dropout", self.dropout).map_err(sub)?;
        WEIGHT_DECAY
            .check("weight_decay", self.weight_decay)
            .map_err(sub)?;
        if !LEARNING_RATE.contains(self.learning_rate) {
            return Err(refuse(
                "learning_rate",
                format!(
                    "learning_rate must be a number {}, got {}",
                    LEARNING_RATE.phrase(),
                    self.learning_rate
                ),
            ));
        }
        self.optimizer.validate().map_err(sub)?;
        self.schedule.validate().map_err(sub)?;
        self.augment.validate().map_err(sub)?;
        if !THREADS.contains(self.threads as u64) {
            return Err(refuse(
                "threads",
                format!(
                    "threads must be {} to {MAX_THREADS}, got {}",
                    THREADS.min, self.threads
                ),
            ));
        }
        if !EPOCHS.contains(u64::from(self.epochs)) {
            return Err(refuse(
                "epochs",
                format!(
                    "epochs must be {} to {MAX_EPOCHS}, got {}",
                    EPOCHS.min, self.epochs
                ),
            ));
        }
        // A warm-up longer than the run never reaches the learning rate that was set.
        if self.schedule.warmup_epochs > self.epochs as f32 {
            return Err(refuse(
                "schedule.warmup_epochs",
                format!(
                    "schedule.warmup_epochs must be at most the run's {} epochs, got {} (the learning rate would never reach {})",
                    self.epochs, self.schedule.warmup_epochs, self.learning_rate
                ),
            ));
        }
        if self.validation_size >= available {
            return Err(refuse(
                "validation_size",
                format!(
                    "validation_size must be less than the {available} training images, got {}",
                    self.validation_size
                ),
            ));
        }
        let n = self.training_images(available);
        if self.train_subset > available - self.validation_size {
            return Err(refuse(
                "train_subset",
                format!(
                    "train_subset must be 0 (all) or at most {} (training images left after validation), got {}",
                    available - self.validation_size,
                    self.train_subset
                ),
            ));
        }
        let max_batch = n.min(MAX_BATCH);
        if !BATCH_SIZE.contains(self.batch_size as u64) || self.batch_size > max_batch {
            return Err(refuse(
                "batch_size",
                format!(
                    "batch_size must be {} to {max_batch} (at most the {n} training image{}), got {}",
                    BATCH_SIZE.min,
                    if n == 1 { "" } else { "s" },
                    self.batch_size
                ),
            ));
        }
        Ok(())
    }
}

/// What the page needs to know to offer only valid settings: sizes, caps, the augmentation
/// defaults, and the range of every numeric field that [`Config::validate`] checks on its own.
///
/// `ranges` is keyed by field path as validation names it (`"learning_rate"`,
/// `"optimizer.beta1"`, `"augment.max_rotation"`; `"hidden[]"` is each hidden width). Bounds that
/// depend on other fields or on the data are checked by `validate` only: the batch size is also at
/// most the training images, `schedule.warmup_epochs` at most `epochs`, `validation_size` less
/// than the training file's images and `train_subset` at most the images left after validation
/// (the ranges below give these for the MNIST training file).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limits {
    pub side: usize,
    pub pixels: usize,
    /// Classes of the default data set, MNIST (10); a config or data set may have
    /// `min_classes` to `max_classes`.
    pub classes: usize,
    /// The default class names, the digits `"0"` … `"9"`.
    pub class_names: Vec<String>,
    pub min_classes: usize,
    pub max_classes: usize,
    /// Longest class name, in characters.
    pub max_class_name_chars: usize,
    /// Most images of a data set loaded other than MNIST, and most bytes of one of its files.
    pub max_dataset_images: usize,
    pub max_dataset_file_bytes: usize,
    /// The share of a loaded data set that may be held out as its test set.
    pub test_share: Limit,
    /// The share held out when none is chosen.
    pub default_test_share: f64,
    pub max_hidden_layers: usize,
    pub max_width: usize,
    pub max_parameters: usize,
    pub max_batch: usize,
    pub max_epochs: u32,
    pub max_threads: usize,
    /// Images in the MNIST training file, out of which validation and the subset are taken.
    pub train_images: usize,
    /// Largest model file of a network within these limits, in bytes: the page refuses a larger
    /// file before reading it.
    pub max_model_file_bytes: usize,
    pub augment: AugmentConfig,
    pub ranges: BTreeMap<String, Limit>,
    /// The values of each choice field by its path (`"activation"`, `"init"`, `"optimizer.kind"`,
    /// `"schedule.kind"`): serde names, in the order the page offers them.
    pub choices: BTreeMap<&'static str, Vec<&'static str>>,
    /// Each kind's own parameters at their defaults, by kind name, in a config's serde shape.
    pub kind_defaults: KindDefaults,
}

/// `{optimizer: {sgd: {kind: "sgd"}, adam: {kind: "adam", beta1, beta2, epsilon}, …}, schedule:
/// {constant: {kind: "constant"}, step: {kind: "step", gamma, every_epochs}, …}}`: what a field of
/// a newly picked kind starts from ([`OptimizerConfig::DEFAULTS`], [`ScheduleKind::DEFAULTS`]).
///
/// [`ScheduleKind::DEFAULTS`]: crate::train::schedule::ScheduleKind::DEFAULTS
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindDefaults {
    pub optimizer: BTreeMap<&'static str, OptimizerConfig>,
    pub schedule: BTreeMap<&'static str, crate::train::schedule::ScheduleKind>,
}

/// The engine's limits (see [`Limits`]), built from the constants validation uses.
pub fn limits() -> Limits {
    use crate::train::{optimizer, schedule};
    let train_images = crate::data::mnist::TRAIN_IMAGES as u64;
    let mut ranges: BTreeMap<String, Limit> = [
        ("hidden[]", HIDDEN_WIDTH.to_limit()),
        ("dropout", DROPOUT.to_limit()),
        ("weight_decay", WEIGHT_DECAY.to_limit()),
        ("learning_rate", LEARNING_RATE.to_limit()),
        ("optimizer.momentum", optimizer::UNIT_INTERVAL.to_limit()),
        ("optimizer.rho", optimizer::UNIT_INTERVAL.to_limit()),
        ("optimizer.beta1", optimizer::UNIT_INTERVAL.to_limit()),
        ("optimizer.beta2", optimizer::UNIT_INTERVAL.to_limit()),
        ("optimizer.epsilon", optimizer::EPSILON.to_limit()),
        (
            "optimizer.weight_decay",
            optimizer::ADAMW_WEIGHT_DECAY.to_limit(),
        ),
        ("schedule.gamma", schedule::GAMMA.to_limit()),
        ("schedule.every_epochs", schedule::EVERY_EPOCHS.to_limit()),
        ("schedule.min_lr", schedule::MIN_LR.to_limit()),
        ("schedule.warmup_epochs", schedule::WARMUP_EPOCHS.to_limit()),
        ("threads", THREADS.to_limit()),
        ("epochs", EPOCHS.to_limit()),
        ("batch_size", BATCH_SIZE.to_limit()),
        (
            "validation_size",
            Limit {
                max_exclusive: true,
                ..IntRange::new(0, train_images).to_limit()
            },
        ),
        ("train_subset", IntRange::new(0, train_images).to_limit()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (name, range) in crate::data::augment::RANGES {
        ranges.insert(format!("augment.{name}"), range.to_limit());
    }
    Limits {
        side: SIDE,
        pixels: PIXELS,
        classes: classes::DIGITS,
        class_names: classes::digit_names(),
        min_classes: MIN_CLASSES,
        max_classes: MAX_CLASSES,
        max_class_name_chars: MAX_CLASS_NAME_CHARS,
        max_dataset_images: crate::data::loaders::MAX_IMAGES,
        max_dataset_file_bytes: crate::data::loaders::MAX_FILE_BYTES,
        test_share: crate::data::loaders::TEST_SHARE.to_limit(),
        // As a decimal (0.2, not f32's 0.20000000298…), like `test_share`'s bounds.
        default_test_share: crate::data::loaders::DEFAULT_TEST_SHARE.to_string().parse().unwrap_or(f64::from(crate::data::loaders::DEFAULT_TEST_SHARE)),
        max_hidden_layers: MAX_HIDDEN_LAYERS,
        max_width: MAX_WIDTH,
        max_parameters: MAX_PARAMETERS,
        max_batch: MAX_BATCH,
        max_epochs: MAX_EPOCHS,
        max_threads: MAX_THREADS,
        train_images: crate::data::mnist::TRAIN_IMAGES,
        max_model_file_bytes: crate::io::model_file::MAX_FILE_BYTES,
        augment: AugmentConfig::default(),
        ranges,
        choices: BTreeMap::from([
            ("activation", Activation::ALL.map(Activation::name).to_vec()),
            ("init", Init::ALL.map(Init::name).to_vec()),
            (
                "optimizer.kind",
                OptimizerConfig::DEFAULTS.iter().map(|o| o.name()).collect(),
            ),
            (
                "schedule.kind",
                schedule::ScheduleKind::DEFAULTS
                    .iter()
                    .map(|k| k.name())
                    .collect(),
            ),
        ]),
        kind_defaults: KindDefaults {
            optimizer: OptimizerConfig::DEFAULTS
                .into_iter()
                .map(|o| (o.name(), o))
                .collect(),
            schedule: schedule::ScheduleKind::DEFAULTS
                .into_iter()
                .map(|k| (k.name(), k))
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(c: Config) -> ConfigError {
        c.validate(60_000).unwrap_err()
    }

    #[test]
    fn classes_are_left_out_of_the_json_when_the_digits_and_checked_otherwise() {
        let json = serde_json::to_value(Config::default()).unwrap();
        assert!(json.get("classes").is_none(), "{json}");
        let back: Config = serde_json::from_value(json).unwrap();
        assert_eq!(back.classes, classes::digit_names());
        assert_eq!(back.layer_sizes(), [784, 128, 10]);
        let three = Config {
            classes: ["✓", "✗", "○"].map(String::from).to_vec(),
            ..Config::default()
        };
        let json = serde_json::to_value(&three).unwrap();
        assert_eq!(json["classes"], serde_json::json!(["✓", "✗", "○"]));
        assert_eq!(serde_json::from_value::<Config>(json).unwrap(), three);
        assert_eq!(three.layer_sizes(), [784, 128, 3]);
        assert_eq!(three.parameter_count(), 784 * 128 + 128 + 128 * 3 + 3);
        three.validate(60_000).unwrap();
        let with = |names: Vec<String>| Config {
            classes: names,
            ..Config::default()
        };
        for (names, field, words) in [
            (
                classes::default_names(1),
                "classes",
                "classes must name 2 to 64 classes, got 1",
            ),
            (classes::default_names(65), "classes", "got 65"),
            (vec!["a".into(), "".into()], "classes[1]", "empty name"),
            (
                vec!["a".into(), "a".into()],
                "classes[1]",
                "repeats the name",
            ),
            (vec!["a".into(), "b".repeat(33)], "classes[1]", "at most 32"),
        ] {
            let e = refused(with(names));
            assert_eq!(e.field, field);
            assert!(e.message.contains(words), "{}", e.message);
        }
        let l = limits();
        assert_eq!(
            (
                l.classes,
                l.min_classes,
                l.max_classes,
                l.max_class_name_chars
            ),
            (10, 2, 64, 32)
        );
        assert_eq!(l.class_names, classes::digit_names());
    }

    #[test]
    fn threads_is_left_out_of_the_json_when_one() {
        let one = serde_json::to_value(Config::default()).unwrap();
        assert!(one.get("threads").is_none(), "{one}");
        let back: Config = serde_json::from_value(one).unwrap();
        assert_eq!(back.threads, 1);
        let two = serde_json::to_value(Config {
            threads: 2,
            ..Config::default()
        })
        .unwrap();
        assert_eq!(two["threads"], 2);
        assert_eq!(serde_json::from_value::<Config>(two).unwrap().threads, 2);
    }

    #[test]
    fn same_seed_same_weights_other_seed_other_weights() {
        let c = Config::default();
        assert_eq!(c.fresh_network(), c.fresh_network());
        assert_ne!(c.fresh_network(), Config { seed: 2, ..c }.fresh_network());
    }

    #[test]
    fn a_fresh_seed_is_a_valid_seed() {
        let config = Config {
            seed: u64::from(crate::rng::fresh_seed().unwrap()),
            ..Config::default()
        };
        config.validate(crate::data::mnist::TRAIN_IMAGES).unwrap();
    }

    #[test]
    fn default_is_valid_and_counts_parameters() {
        let c = Config::default();
        c.validate(60_000).unwrap();
        // 784·128 + 128 + 128·10 + 10
        assert_eq!(c.parameter_count(), 101_770);
        assert_eq!(c.forward_flops(), 2 * (784 * 128 + 128 * 10));
        // forward + weight gradients + δ through the output layer only
        assert_eq!(
            c.training_flops(),
            2 * 2 * (784 * 128 + 128 * 10) + 2 * 128 * 10
        );
        assert_eq!(c.training_images(60_000), 55_000);
    }

    // The page's config report asks for the cost before validating: absurd widths saturate.
    #[test]
    fn cost_of_an_absurd_config_saturates() {
        let c = Config {
            hidden: vec![usize::MAX / 4, 8],
            ..Config::default()
        };
        assert_eq!(c.forward_flops(), usize::MAX);
        assert_eq!(c.training_flops(), usize::MAX);
        assert_eq!(c.parameter_count(), usize::MAX);
        assert_eq!(c.validate(60_000).unwrap_err().field, "hidden[0]");
    }

    #[test]
    fn every_refusal_names_its_field_and_range() {
        let d = Config::default;
        let cases: Vec<(Config, &str, &str)> = vec![
            (
                Config {
                    learning_rate: 0.0,
                    ..d()
                },
                "learning_rate",
                "(0, 10]",
            ),
            (
                Config {
                    learning_rate: -0.1,
                    ..d()
                },
                "learning_rate",
                "got -0.1",
            ),
            (
                Config {
                    learning_rate: f32::NAN,
                    ..d()
                },
                "learning_rate",
                "got NaN",
            ),
            (
                Config {
                    learning_rate: f32::INFINITY,
                    ..d()
                },
                "learning_rate",
                "got inf",
            ),
            (
                Config {
                    hidden: vec![128, 0],
                    ..d()
                },
                "hidden[1]",
                "1 to 8192",
            ),
            (
                Config {
                    hidden: vec![8; 17],
                    ..d()
                },
                "hidden",
                "at most 16",
            ),
            (
                Config {
                    hidden: vec![8000, 8000],
                    ..d()
                },
                "hidden",
                "20000000",
            ),
            (
                Config {
                    batch_size: 0,
                    ..d()
                },
                "batch_size",
                "1 to 4096",
            ),
            (
                Config {
                    batch_size: 600,
                    train_subset: 500,
                    ..d()
                },
                "batch_size",
                "1 to 500",
            ),
            (Config { epochs: 0, ..d() }, "epochs", "1 to 1000"),
            (
                Config {
                    epochs: 2,
                    schedule: crate::train::schedule::Schedule {
                        warmup_epochs: 2.5,
                        ..crate::train::schedule::Schedule::default()
                    },
                    ..d()
                },
                "schedule.warmup_epochs",
                "at most the run's 2 epochs, got 2.5",
            ),
            (
                Config {
                    dropout: 1.0,
                    ..d()
                },
                "dropout",
                "[0, 0.95)",
            ),
            (
                Config {
                    weight_decay: -1.0,
                    ..d()
                },
                "weight_decay",
                "[0, 1]",
            ),
            (
                Config {
                    validation_size: 60_000,
                    ..d()
                },
                "validation_size",
                "less than",
            ),
            (
                Config {
                    train_subset: 56_000,
                    ..d()
                },
                "train_subset",
                "at most 55000",
            ),
            (
                Config {
                    optimizer: OptimizerConfig::Momentum {
                        momentum: 1.5,
                        nesterov: false,
                    },
                    ..d()
                },
                "optimizer.momentum",
                "[0, 1)",
            ),
        ];
        for (c, field, hint) in cases {
            let e = refused(c);
            assert_eq!(e.field, field, "{e}");
            assert!(e.message.contains(hint), "{e} should contain {hint}");
        }
    }

    #[test]
    fn limits_agree_with_validation_at_every_edge() {
        let limits = limits();
        let json = serde_json::to_value(&limits).unwrap();
        assert_eq!(
            json["augment"],
            serde_json::to_value(AugmentConfig::default()).unwrap()
        );
        assert_eq!(
            (json["side"].clone(), json["pixels"].clone()),
            (28.into(), 784.into())
        );
        assert_eq!(json["ranges"]["dropout"]["max"], 0.95);
        assert_eq!(json["train_images"], crate::data::mnist::TRAIN_IMAGES);
        assert!(json["ranges"]["optimizer.epsilon"]["max"].is_null());
        type Set = fn(&mut Config, f64);
        let fields: Vec<(&str, Set)> = vec![
            ("hidden[]", |c, v| c.hidden = vec![v as usize]),
            ("dropout", |c, v| c.dropout = v as f32),
            ("weight_decay", |c, v| c.weight_decay = v as f32),
            ("learning_rate", |c, v| c.learning_rate = v as f32),
            ("optimizer.beta1", |c, v| {
                c.optimizer = OptimizerConfig::Adam {
                    beta1: v as f32,
                    beta2: 0.999,
                    epsilon: 1e-8,
                }
            }),
            ("optimizer.momentum", |c, v| {
                c.optimizer = OptimizerConfig::Momentum {
                    momentum: v as f32,
                    nesterov: false,
                }
            }),
            ("optimizer.epsilon", |c, v| {
                c.optimizer = OptimizerConfig::Rmsprop {
                    rho: 0.9,
                    epsilon: v as f32,
                }
            }),
            ("schedule.gamma", |c, v| {
                c.schedule.kind =
                    crate::train::schedule::ScheduleKind::Exponential { gamma: v as f32 }
            }),
            ("schedule.warmup_epochs", |c, v| {
                c.schedule.warmup_epochs = v as f32;
            }),
            ("augment.max_rotation", |c, v| {
                c.augment.max_rotation = v as f32
            }),
            ("augment.thickness", |c, v| c.augment.thickness = v as f32),
            ("threads", |c, v| c.threads = v as usize),
            ("epochs", |c, v| c.epochs = v as u32),
            ("batch_size", |c, v| c.batch_size = v as usize),
            ("validation_size", |c, v| c.validation_size = v as usize),
            ("train_subset", |c, v| {
                c.validation_size = 0;
                c.train_subset = v as usize;
            }),
        ];
        for (key, set) in fields {
            let range = limits.ranges[key];
            let valid = |v: f64| {
                let mut c = Config::default();
                set(&mut c, v);
                c.validate(crate::data::mnist::TRAIN_IMAGES).is_ok()
            };
            let step = if range.integer { 1.0 } else { 1e-3 };
            assert_eq!(valid(range.min), !range.min_exclusive, "{key} at min");
            // An unsigned field cannot go below 0.
            if !(range.integer && range.min == 0.0) {
                assert!(!valid(range.min - step), "{key} below min");
            }
            if let Some(max) = range.max {
                assert_eq!(valid(max), !range.max_exclusive, "{key} at max");
                assert!(!valid(max + step), "{key} above max");
            }
        }
    }

    #[test]
    fn choices_list_every_variant_once_by_its_serde_name() {
        use crate::train::schedule::ScheduleKind;
        {
            use Activation::*;
            assert_lists_all! { Activation::ALL; Relu, LeakyRelu, Gelu, Tanh, Sigmoid }
        }
        {
            use Init::*;
            assert_lists_all! { Init::ALL; Auto, HeUniform, HeNormal, GlorotUniform, GlorotNormal }
        }
        {
            use OptimizerConfig::*;
            assert_lists_all! {
                OptimizerConfig::DEFAULTS;
                Sgd, Momentum { .. }, Rmsprop { .. }, Adam { .. }, Adamw { .. }
            }
        }
        {
            use ScheduleKind::*;
            assert_lists_all! {
                ScheduleKind::DEFAULTS;
                Constant, Step { .. }, Exponential { .. }, Cosine { .. }
            }
        }
        // Each choice is its variant's serde name (for the kinds, the tag).
        let choices = serde_json::to_value(limits().choices).unwrap();
        for (key, list) in [
            ("activation", serde_json::to_value(Activation::ALL)),
            ("init", serde_json::to_value(Init::ALL)),
            (
                "optimizer.kind",
                serde_json::to_value(OptimizerConfig::DEFAULTS),
            ),
            (
                "schedule.kind",
                serde_json::to_value(ScheduleKind::DEFAULTS),
            ),
        ] {
            let names: Vec<serde_json::Value> = list
                .unwrap()
                .as_array()
                .unwrap()
                .iter()
                .map(|v| {
                    if v.is_object() {
                        v["kind"].clone()
                    } else {
                        v.clone()
                    }
                })
                .collect();
            assert_eq!(choices[key], serde_json::Value::from(names), "{key}");
        }
    }

    #[test]
    fn choices_and_kind_defaults_are_what_a_config_accepts() {
        let limits = limits();
        let json = serde_json::to_value(&limits).unwrap();
        let d = serde_json::to_value(Config::default()).unwrap();
        let names = |key: &str| -> Vec<String> {
            serde_json::from_value(json["choices"][key].clone()).unwrap()
        };
        // Every listed choice, put in the default config, is a valid config.
        for (key, field) in [
            ("activation", "/activation"),
            ("init", "/init"),
            ("optimizer.kind", "/optimizer/kind"),
            ("schedule.kind", "/schedule/kind"),
        ] {
            assert!(names(key).len() >= 4, "{key}");
            for name in names(key) {
                let mut c = d.clone();
                *c.pointer_mut(field).unwrap() = name.clone().into();
                if key == "optimizer.kind" {
                    c["optimizer"] = json["kind_defaults"]["optimizer"][&name].clone();
                }
                if key == "schedule.kind" {
                    c["schedule"] = json["kind_defaults"]["schedule"][&name].clone();
                }
                let c: Config = serde_json::from_value(c).unwrap_or_else(|e| panic!("{name}: {e}"));
                c.validate(limits.train_images).unwrap();
            }
        }
        // One set of defaults per kind, each in a config's shape (tagged with its kind).
        for (key, kinds) in [
            ("optimizer.kind", "optimizer"),
            ("schedule.kind", "schedule"),
        ] {
            let defaults = json["kind_defaults"][kinds].as_object().unwrap();
            let mut listed = names(key);
            listed.sort();
            assert_eq!(defaults.keys().cloned().collect::<Vec<_>>(), listed);
            for (name, d) in defaults {
                assert_eq!(d["kind"], name.as_str());
            }
        }
        assert_eq!(json["kind_defaults"]["optimizer"]["adam"], d["optimizer"]);
    }

    #[test]
    fn json_round_trip_and_defaults_for_missing_fields() {
        let c = Config {
            hidden: vec![256, 64],
            seed: 42,
            ..Config::default()
        };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Config>(&json).unwrap(), c);
        let partial: Config = serde_json::from_str(r#"{"hidden":[],"learning_rate":0.5}"#).unwrap();
        assert_eq!(partial.hidden, Vec::<usize>::new());
        assert_eq!(partial.batch_size, 128);
        assert!(serde_json::from_str::<Config>(r#"{"activation":"swish"}"#).is_err());
    }
}

/// A named starting point offered by the page and the CLI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preset {
    pub name: &'static str,
    pub description: &'static str,
    pub config: Config,
}

/// The built-in presets, in the order the page lists them.
pub fn presets() -> Vec<Preset> {
    let d = Config::default();
    vec![
        Preset {
            name: "default",
            description: "784-128-10 ReLU, Adam 0.001, batch 128, 3 epochs: about 97.5% in a few seconds",
            config: d.clone(),
        },
        Preset {
            name: "tiny",
            description: "784-32-10, 1 epoch: trains in about a second",
            config: Config { hidden: vec![32], epochs: 1, ..d.clone() },
        },
        Preset {
            name: "softmax_regression",
            description: "No hidden layer (a linear model), plain SGD 0.05 with cosine decay, batch 32, 5 epochs: about 92%",
            config: Config {
                hidden: vec![],
                optimizer: crate::train::optimizer::OptimizerConfig::Sgd,
                learning_rate: 0.05,
                batch_size: 32,
                schedule: crate::train::schedule::Schedule {
                    kind: crate::train::schedule::ScheduleKind::Cosine { min_lr: 0.0 },
                    warmup_epochs: 0.0,
                },
                epochs: 5,
                ..d.clone()
            },
        },
        Preset {
            name: "keras_mnist_mlp",
            description: "The Keras mnist_mlp example: 512-512 ReLU, dropout 0.2, RMSprop 0.001, 20 epochs",
            config: Config {
                hidden: vec![512, 512],
                dropout: 0.2,
                optimizer: crate::train::optimizer::OptimizerConfig::Rmsprop { rho: 0.9, epsilon: 1e-7 },
                epochs: 20,
                ..d.clone()
            },
        },
        Preset {
            name: "best_mlp",
            description: "1024-1024 ReLU, dropout 0.3, Adam 0.001 with cosine decay, 20 epochs: ≥ 98.3%",
            config: Config {
                hidden: vec![1024, 1024],
                dropout: 0.3,
                schedule: crate::train::schedule::Schedule {
                    kind: crate::train::schedule::ScheduleKind::Cosine { min_lr: 1e-5 },
                    warmup_epochs: 0.0,
                },
                epochs: 20,
                ..d
            },
        },
    ]
}

/// The preset called `name`, if any.
pub fn preset(name: &str) -> Option<Config> {
    presets()
        .into_iter()
        .find(|p| p.name == name)
        .map(|p| p.config)
}

#[cfg(test)]
mod preset_tests {
    #[test]
    fn every_preset_is_valid() {
        for p in super::presets() {
            p.config
                .validate(60_000)
                .unwrap_or_else(|e| panic!("{}: {e}", p.name));
        }
    }
}
