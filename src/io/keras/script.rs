//! A run's config as one self-contained Keras 3 training script (TensorFlow backend):
//! `python train_<name>.py [--data DIR] [--weights FILE] [--logdir DIR]`.
//!
//! The script reads the four MNIST IDX `.gz` files, standardises pixels as the engine does, builds
//! the same `Dense` stack (widths, activation, per-layer initialiser, dropout, L2), the same
//! optimizer and learning-rate schedule (warm-up included, as a `LearningRateSchedule`), and
//! trains with the same batch size, epochs, hold-out size and seed, logging to TensorBoard. With
//! `--weights` it loads a [`super::weights_npz`] file instead and evaluates it. Where Keras's
//! definitions differ from the engine's, the script says so in a comment beside the line
//! (the list is also in docs/keras.md).
//!
//! Non-goals: reproducing the engine's random draws (the hold-out images, shuffles, initial
//! weights and dropout masks come from Keras's and numpy's generators, seeded with the same seed),
//! multi-thread sharding (`threads` only changes rounding and draws in the engine).

use crate::data::augment::AugmentConfig;
use crate::data::PIXELS;
use crate::nn::activation::{Activation, LEAKY_SLOPE};
use crate::nn::init::{layer_scheme, Init};
use crate::nn::network::{PIXEL_MEAN, PIXEL_STD};
use crate::train::config::Config;
use crate::train::optimizer::OptimizerConfig;
use crate::train::schedule::ScheduleKind;

/// MNIST's training images, out of which the hold-out and subset are taken.
const MNIST_TRAIN_IMAGES: usize = 60_000;

/// The script's file name for a run `name`: `train_<name>.py` with anything but ASCII letters,
/// digits and `_` turned into `_`.
pub fn file_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("train_{}.py", if clean.is_empty() { "run" } else { &clean })
}

/// A Python float literal (shortest form that reads back as the same f32).
fn py(v: f32) -> String {
    let s = format!("{v:?}");
    if s.contains(['.', 'e', 'E']) || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// The Keras initializer expression of one concrete scheme.
fn initializer(scheme: Init) -> &'static str {
    match scheme {
        Init::HeUniform => "keras.initializers.HeUniform(seed=next_seed())",
        // Keras's HeNormal and GlorotNormal draw from a truncated normal; the engine's don't.
        Init::HeNormal => {
            "keras.initializers.VarianceScaling(2.0, \"fan_in\", \"untruncated_normal\", seed=next_seed())"
        }
        Init::GlorotUniform | Init::Auto => "keras.initializers.GlorotUniform(seed=next_seed())",
        Init::GlorotNormal => {
            "keras.initializers.VarianceScaling(1.0, \"fan_avg\", \"untruncated_normal\", seed=next_seed())"
        }
    }
}

/// The activation, as Python code and a comment.
fn activation(a: Activation) -> String {
    match a {
        Activation::Relu => "ACTIVATION = \"relu\"".into(),
        Activation::Sigmoid => "ACTIVATION = \"sigmoid\"".into(),
        Activation::Tanh => "ACTIVATION = \"tanh\"".into(),
        Activation::LeakyRelu => format!(
            "# Leaky ReLU with the engine's slope {slope} for z < 0 (Keras's own default is 0.2).\n\
             def ACTIVATION(z):\n    return keras.activations.leaky_relu(z, negative_slope={slope})",
            slope = py(LEAKY_SLOPE)
        ),
        Activation::Gelu => "# The engine's GELU is the tanh approximation, 0.5·z·(1 + tanh(√(2/π)(z + 0.044715 z³)));\n\
             # Keras's gelu() defaults to the exact erf form, so ask for the approximation.\n\
             def ACTIVATION(z):\n    return keras.activations.gelu(z, approximate=True)"
            .into(),
    }
}

fn optimizer(o: &OptimizerConfig) -> String {
    match *o {
        OptimizerConfig::Sgd => "    return keras.optimizers.SGD(learning_rate=schedule)".into(),
        OptimizerConfig::Momentum { momentum, nesterov } => format!(
            "    # Keras keeps v = μ·v − lr·g and adds it (Nesterov: w += μ·v − lr·g); the engine keeps\n\
             \x20   # PyTorch's v = μ·v + g and subtracts lr·v. Equal while the rate is constant; under a\n\
             \x20   # schedule Keras's velocity carries the older, larger rates a little longer.\n\
             \x20   return keras.optimizers.SGD(learning_rate=schedule, momentum={}, nesterov={})",
            py(momentum),
            py_bool(nesterov)
        ),
        OptimizerConfig::Rmsprop { rho, epsilon } => format!(
            "    # Keras divides by sqrt(s + ε) where the engine divides by sqrt(s) + ε: ε² inside the\n\
             \x20   # root stands for the engine's ε outside it (equal when s = 0, within ε otherwise).\n\
             \x20   return keras.optimizers.RMSprop(learning_rate=schedule, rho={}, epsilon={} ** 2, momentum=0.0, centered=False)",
            py(rho),
            py(epsilon)
        ),
        OptimizerConfig::Adam {
            beta1,
            beta2,
            epsilon,
        } => format!(
            "{}\n    return keras.optimizers.Adam(learning_rate=schedule, beta_1={}, beta_2={}, epsilon={})",
            ADAM_EPSILON,
            py(beta1),
            py(beta2),
            py(epsilon)
        ),
        OptimizerConfig::Adamw {
            beta1,
            beta2,
            epsilon,
            weight_decay,
        } => format!(
            "{}\n    # Decoupled decay as in the engine: before each update w ← w − lr·λ·w, with the scheduled\n\
             \x20   # rate, for kernels only (the engine never decays biases).\n\
             \x20   optimizer = keras.optimizers.AdamW(learning_rate=schedule, weight_decay={}, beta_1={}, beta_2={}, epsilon={})\n\
             \x20   optimizer.exclude_from_weight_decay(var_names=[\"bias\"])\n\
             \x20   return optimizer",
            ADAM_EPSILON,
            py(weight_decay),
            py(beta1),
            py(beta2),
            py(epsilon)
        ),
    }
}

const ADAM_EPSILON: &str = "    # Keras adds ε to sqrt(v) before the bias correction, the engine to sqrt(v̂) after it: Keras's\n\
    # ε acts as ε/sqrt(1 − β₂ᵗ), 32× larger at step 1 (β₂ = 0.999) and the same later on. With\n\
    # ε = 1e-8 that is far below sqrt(v̂) either way: no visible effect.";

fn augmentation(a: &AugmentConfig) -> String {
    if !a.enabled {
        return "AUGMENT = False  # the run trained on the images as they are".into();
    }
    format!(
        "AUGMENT = True\n\
         # The engine's distortion per image: shift ≤ {shift} px, rotation ≤ {rot}°, scale 1 ± {scale},\n\
         # horizontal shear ≤ {shear}, then with probability {thick} a 3×3 dilation or erosion (stroke\n\
         # width). Keras's preprocessing layers give the first four approximately: they apply one\n\
         # after another, each resampling the image, rather than as one affine map, and RandomShear\n\
         # shears x += k·y about the top-left corner rather than the centre, which adds a\n\
         # horizontal shift of up to k·14 px. Stroke width has no Keras layer and is left out.\n\
         MAX_SHIFT, MAX_ROTATION, MAX_SCALE, MAX_SHEAR = {shift}, {rot}, {scale}, {shear}",
        shift = py(a.max_shift),
        rot = py(a.max_rotation),
        scale = py(a.max_scale),
        shear = py(a.max_shear),
        thick = py(a.thickness),
    )
}

fn schedule(config: &Config, steps_per_epoch: u64) -> String {
    let (kind, gamma, every, min_lr) = match config.schedule.kind {
        ScheduleKind::Constant => ("constant", 1.0, 1, 0.0),
        ScheduleKind::Step {
            gamma,
            every_epochs,
        } => ("step", gamma, every_epochs, 0.0),
        ScheduleKind::Exponential { gamma } => ("exponential", gamma, 1, 0.0),
        ScheduleKind::Cosine { min_lr } => ("cosine", 1.0, 1, min_lr),
    };
    format!(
        "SCHEDULE = \"{kind}\"  # constant | step | exponential | cosine\n\
         GAMMA, EVERY_EPOCHS, MIN_LR = {}, {every}, {}\n\
         WARMUP_STEPS = {}  # round({} warm-up epochs × {steps_per_epoch} steps per epoch)",
        py(gamma),
        py(min_lr),
        config.schedule.warmup_steps(steps_per_epoch),
        py(config.schedule.warmup_epochs),
    )
}

/// The Keras 3 script for `config`, for a run called `name`. `config` should be valid
/// ([`Config::validate`]); the script repeats the values it was given.
pub fn script(config: &Config, name: &str) -> String {
    let training_images = config.training_images(MNIST_TRAIN_IMAGES);
    let steps_per_epoch = training_images.div_ceil(config.batch_size.max(1)) as u64;
    let layers = config.hidden.len() + 1;
    let inits: Vec<String> = (0..layers)
        .map(|l| {
            format!(
                "lambda: {}",
                initializer(layer_scheme(config.init, config.activation, l, layers - 1))
            )
        })
        .collect();
    let hidden: Vec<String> = config.hidden.iter().map(|w| w.to_string()).collect();
    let config_json = serde_json::to_string(config).unwrap_or_default();
    TEMPLATE
        .replace("{{NAME}}", name)
        .replace("{{FILE}}", &file_name(name))
        .replace("{{CONFIG_JSON}}", &config_json)
        .replace("{{SEED}}", &config.seed.to_string())
        .replace("{{PIXEL_MEAN}}", &py(PIXEL_MEAN))
        .replace("{{PIXEL_STD}}", &py(PIXEL_STD))
        .replace("{{PIXELS}}", &PIXELS.to_string())
        .replace("{{CLASSES}}", &config.class_count().to_string())
        .replace(
            "{{CLASS_NAMES}}",
            &serde_json::to_string(&config.classes).unwrap_or_default(),
        )
        .replace("{{HIDDEN}}", &hidden.join(", "))
        .replace("{{ACTIVATION}}", &activation(config.activation))
        .replace("{{INITIALIZERS}}", &inits.join(",\n    "))
        .replace("{{DROPOUT}}", &py(config.dropout))
        .replace("{{L2}}", &py(config.weight_decay))
        .replace("{{LEARNING_RATE}}", &py(config.learning_rate))
        .replace("{{SCHEDULE}}", &schedule(config, steps_per_epoch))
        .replace("{{OPTIMIZER}}", &optimizer(&config.optimizer))
        .replace("{{BATCH}}", &config.batch_size.to_string())
        .replace("{{EPOCHS}}", &config.epochs.to_string())
        .replace("{{VALIDATION}}", &config.validation_size.to_string())
        .replace("{{SUBSET}}", &config.train_subset.to_string())
        .replace("{{STEPS_PER_EPOCH}}", &steps_per_epoch.to_string())
        .replace("{{AUGMENT}}", &augmentation(&config.augment))
}

const TEMPLATE: &str = r#"#!/usr/bin/env python3
"""Train the MNIST Playground run "{{NAME}}" in Keras 3 (TensorFlow backend).

    python {{FILE}} [--data DIR] [--weights FILE] [--logdir DIR]

Reads MNIST from the four IDX .gz files in DIR (default: data/), trains the same multilayer
perceptron with the same hyperparameters as the playground, logs to TensorBoard (--logdir,
default logs/{{NAME}}), prints each epoch's metrics and the final test accuracy.
With --weights FILE (the playground's "Keras weights (.npz)" download) it trains nothing: it
loads those weights into the same network and evaluates them on the test images.

Where Keras defines something differently from the playground, a comment says so beside it.
The playground's config, for reference:
{{CONFIG_JSON}}
"""
import argparse
import gzip
import math
import os
import struct

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import numpy as np
import keras
from keras import layers, ops

SEED = {{SEED}}
# Inputs: each pixel p (0-255) becomes (p/255 - mean)/std, MNIST's mean and standard deviation.
PIXEL_MEAN, PIXEL_STD = {{PIXEL_MEAN}}, {{PIXEL_STD}}
HIDDEN = [{{HIDDEN}}]  # hidden layer widths, input side first; {{PIXELS}} inputs, {{CLASSES}} classes
# The classes' names in label order (label k is CLASS_NAMES[k]); the ten digits for MNIST. For
# another data set, put its IDX files in DIR under MNIST's four file names.
CLASS_NAMES = {{CLASS_NAMES}}
CLASSES = len(CLASS_NAMES)
{{ACTIVATION}}
# Initial weights per Dense layer (biases start at 0). Seeded from SEED, but Keras's generator is
# not the playground's: the same scheme, different draws.
INITIALIZERS = [
    {{INITIALIZERS}},
]
DROPOUT = {{DROPOUT}}  # inverted dropout after every hidden layer (0 = none)
# Coupled L2: the playground adds λ·w to each kernel's gradient (not to biases). Keras's
# L2(l2) regulariser adds l2·Σw² to the loss, whose gradient is 2·l2·w: l2 = λ/2 is the same
# update. Keras's printed loss includes that penalty; the playground's loss does not.
WEIGHT_DECAY = {{L2}}
LEARNING_RATE = {{LEARNING_RATE}}  # base rate; the schedule scales it per step
{{SCHEDULE}}
BATCH_SIZE, EPOCHS = {{BATCH}}, {{EPOCHS}}
# Hold-out: this many of the 60,000 training images validate (same size and seed as the
# playground, but drawn by numpy, so not the same images); TRAIN_SUBSET > 0 trains on only that many.
VALIDATION_SIZE, TRAIN_SUBSET = {{VALIDATION}}, {{SUBSET}}
STEPS_PER_EPOCH = {{STEPS_PER_EPOCH}}  # ceil(training images / batch size); the last batch may be smaller
{{AUGMENT}}

_seeds = iter(range(SEED * 1000, SEED * 1000 + 1000))


def next_seed():
    return next(_seeds)


def read_idx(path, magic, dims):
    """The array in one gzipped IDX file, after checking its magic number and sizes."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    header = 4 + 4 * dims
    if len(data) < header or struct.unpack(">I", data[:4])[0] != magic:
        raise SystemExit(f"{path}: not an IDX file with magic {magic:#x}")
    shape = struct.unpack(">" + "I" * dims, data[4:header])
    if len(data) != header + int(np.prod(shape)):
        raise SystemExit(f"{path}: expected {int(np.prod(shape))} bytes of data for shape {shape}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def load_mnist(data_dir):
    """(train images, train labels, test images, test labels); images as [n, 784] uint8."""
    out = []
    for prefix in ("train", "t10k"):
        images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"), 0x803, 3)
        labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"), 0x801, 1)
        if len(images) != len(labels):
            raise SystemExit(f"{prefix}: {len(images)} images but {len(labels)} labels")
        out += [images.reshape(len(images), -1), labels.astype("int64")]
    return out


def standardise(images):
    return (images.astype("float32") / 255.0 - PIXEL_MEAN) / PIXEL_STD


class PlaygroundSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """The playground's learning rate at 0-based step t (spe = steps per epoch):
    constant: base; step: base·γ^floor(floor(t/spe)/k); exponential: base·γ^(t/spe);
    cosine: min + (base − min)(1 + cos(π·p))/2 with p = (t − warm-up)/(total − warm-up) in [0, 1].
    During the warm-up (t < W steps) the rate is multiplied by (t + 1)/W.
    Computed in float64 and rounded to float32 once, as the playground does (in float32 the
    cosine's last steps would lose their relative precision)."""

    def __init__(self, base, kind, steps_per_epoch, total_steps, warmup_steps, gamma, every_epochs, min_lr):
        self.base, self.kind = float(base), kind
        self.steps_per_epoch, self.total_steps = int(steps_per_epoch), int(total_steps)
        self.warmup_steps = int(warmup_steps)
        self.gamma, self.every_epochs, self.min_lr = float(gamma), int(every_epochs), float(min_lr)

    def __call__(self, step):
        t = ops.cast(step, "float64")
        spe = float(max(self.steps_per_epoch, 1))
        if self.kind == "step":
            decays = ops.floor(ops.floor(t / spe) / self.every_epochs)
            rate = self.base * ops.power(self.gamma, decays)
        elif self.kind == "exponential":
            rate = self.base * ops.power(self.gamma, t / spe)
        elif self.kind == "cosine":
            low = min(max(self.min_lr, 0.0), self.base)
            span = max(self.total_steps - self.warmup_steps, 1)
            p = ops.clip((t - self.warmup_steps) / span, 0.0, 1.0)
            rate = low + (self.base - low) * (1.0 + ops.cos(math.pi * p)) / 2.0
        else:
            rate = self.base * ops.ones_like(t)
        if self.warmup_steps > 0:
            rate = ops.where(t < self.warmup_steps, rate * (t + 1.0) / self.warmup_steps, rate)
        return ops.cast(ops.maximum(rate, 1.1754944e-38), "float32")

    def get_config(self):
        return dict(base=self.base, kind=self.kind, steps_per_epoch=self.steps_per_epoch,
                    total_steps=self.total_steps, warmup_steps=self.warmup_steps, gamma=self.gamma,
                    every_epochs=self.every_epochs, min_lr=self.min_lr)


def make_optimizer():
    schedule = PlaygroundSchedule(LEARNING_RATE, SCHEDULE, STEPS_PER_EPOCH, EPOCHS * STEPS_PER_EPOCH,
                                  WARMUP_STEPS, GAMMA, EVERY_EPOCHS, MIN_LR)
{{OPTIMIZER}}


def augmentation_layers():
    """Random distortions of the standardised images, active only while training."""
    background = (0.0 - PIXEL_MEAN) / PIXEL_STD  # a black pixel, standardised
    fill = dict(fill_mode="constant", fill_value=background)
    shift = MAX_SHIFT / 28.0
    out = [layers.Reshape((28, 28, 1)),
           layers.RandomTranslation(shift, shift, seed=next_seed(), **fill),
           layers.RandomRotation(MAX_ROTATION / 360.0, seed=next_seed(), **fill),
           layers.RandomZoom((-MAX_SCALE, MAX_SCALE), seed=next_seed(), **fill)]
    if MAX_SHEAR > 0:
        out.append(layers.RandomShear(x_factor=MAX_SHEAR, seed=next_seed(), **fill))
    return out + [layers.Flatten()]


def build_model(augment):
    """784 inputs → Dense hidden layers (activation, then dropout) → Dense softmax over CLASSES."""
    model = keras.Sequential([keras.Input(shape=({{PIXELS}},))] + (augmentation_layers() if augment else []))
    regulariser = keras.regularizers.L2(WEIGHT_DECAY / 2) if WEIGHT_DECAY > 0 else None
    for width, init in zip(HIDDEN, INITIALIZERS):
        model.add(layers.Dense(width, activation=ACTIVATION, kernel_initializer=init(),
                               kernel_regularizer=regulariser))
        if DROPOUT > 0:
            model.add(layers.Dropout(DROPOUT, seed=next_seed()))
    model.add(layers.Dense(CLASSES, activation="softmax", kernel_initializer=INITIALIZERS[-1](),
                           kernel_regularizer=regulariser))
    return model


def load_npz_weights(model, path):
    """The playground's .npz: arr_0, arr_1, … in model.get_weights() order (kernel, bias per layer)."""
    with np.load(path) as f:
        weights = [f[f"arr_{i}"] for i in range(len(f.files))]
    expected = [tuple(w.shape) for w in model.get_weights()]
    if [tuple(w.shape) for w in weights] != expected:
        raise SystemExit(f"{path}: shapes {[w.shape for w in weights]} do not fit this network {expected}")
    model.set_weights(weights)


class TestEachEpoch(keras.callbacks.Callback):
    """Prints the test loss and accuracy after every epoch, as the playground charts them."""

    def __init__(self, x, y):
        super().__init__()
        self.x, self.y = x, y

    def on_epoch_end(self, epoch, logs=None):
        loss, accuracy = self.model.evaluate(self.x, self.y, batch_size=1000, verbose=0)[:2]
        print(f"epoch {epoch + 1}: test loss {loss:.4f}, test accuracy {100 * accuracy:.2f}%")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="data", help="folder with the four MNIST .gz files")
    parser.add_argument("--weights", help="evaluate these .npz weights instead of training")
    parser.add_argument("--logdir", default=os.path.join("logs", "{{NAME}}"), help="TensorBoard log folder")
    args = parser.parse_args()
    keras.utils.set_random_seed(SEED)
    x_train, y_train, x_test, y_test = load_mnist(args.data)
    x_test = standardise(x_test)
    compile_args = dict(loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    if args.weights:
        model = build_model(augment=False)
        load_npz_weights(model, args.weights)
        model.compile(**compile_args)
        loss, accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)[:2]
        print(f"test loss: {loss:.4f}")
        print(f"test accuracy: {accuracy:.4f}")
        return

    order = np.random.default_rng(SEED).permutation(len(x_train))
    validation = order[:VALIDATION_SIZE]
    rest = order[VALIDATION_SIZE:]
    train = np.sort(rest[:TRAIN_SUBSET] if TRAIN_SUBSET > 0 else rest)
    if math.ceil(len(train) / BATCH_SIZE) != STEPS_PER_EPOCH:
        raise SystemExit(f"expected {STEPS_PER_EPOCH} steps per epoch for MNIST's 60,000 training images")
    x_val, y_val = standardise(x_train[validation]), y_train[validation]
    x_fit, y_fit = standardise(x_train[train]), y_train[train]

    model = build_model(augment=AUGMENT)
    model.compile(optimizer=make_optimizer(), **compile_args)
    model.summary()
    model.fit(
        x_fit, y_fit, batch_size=BATCH_SIZE, epochs=EPOCHS, shuffle=True, verbose=2,
        validation_data=(x_val, y_val) if VALIDATION_SIZE > 0 else None,
        callbacks=[keras.callbacks.TensorBoard(log_dir=args.logdir, histogram_freq=1),
                   TestEachEpoch(x_test, y_test)],
    )
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)[:2]
    print(f"test loss: {loss:.4f}")
    print(f"test accuracy: {accuracy:.4f}")


if __name__ == "__main__":
    main()
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::schedule::Schedule;

    #[test]
    fn every_placeholder_is_filled_and_values_appear() {
        let mut c = Config {
            hidden: vec![64, 32],
            activation: Activation::Gelu,
            dropout: 0.25,
            weight_decay: 1e-4,
            ..Config::default()
        };
        c.optimizer = OptimizerConfig::Adamw {
            beta1: 0.9,
            beta2: 0.98,
            epsilon: 1e-8,
            weight_decay: 0.05,
        };
        c.schedule = Schedule {
            kind: ScheduleKind::Cosine { min_lr: 1e-5 },
            warmup_epochs: 0.5,
        };
        let s = script(&c, "my run");
        assert!(!s.contains("{{"), "unfilled placeholder");
        assert!(s.contains("HIDDEN = [64, 32]"));
        assert!(s.contains("approximate=True"));
        assert!(s.contains("AdamW(learning_rate=schedule, weight_decay=0.05, beta_1=0.9, beta_2=0.98, epsilon=1e-8)"));
        assert!(s.contains("exclude_from_weight_decay(var_names=[\"bias\"])"));
        // 55,000 images / 128 = 430 steps per epoch; warm-up round(0.5 × 430) = 215.
        assert!(s.contains("STEPS_PER_EPOCH = 430"));
        assert!(s.contains("WARMUP_STEPS = 215"));
        assert!(s.contains("SCHEDULE = \"cosine\""));
        assert!(s.contains("DROPOUT = 0.25"));
        assert!(s.contains("WEIGHT_DECAY = 0.0001"));
        assert!(s.contains("logs/my run") || s.contains("\"my run\")"));
        assert_eq!(file_name("my run"), "train_my_run.py");
        // GELU + Auto: He uniform for the two hidden layers, Glorot uniform for the output.
        assert_eq!(s.matches("HeUniform(seed").count(), 2);
        assert_eq!(s.matches("GlorotUniform(seed").count(), 1);
    }

    #[test]
    fn the_class_names_and_count_come_from_the_config() {
        let s = script(&Config::default(), "digits");
        assert!(
            s.contains(r#"CLASS_NAMES = ["0","1","2","3","4","5","6","7","8","9"]"#),
            "digits"
        );
        assert!(s.contains("784 inputs, 10 classes"));
        assert!(s.contains("layers.Dense(CLASSES, activation=\"softmax\""));
        let c = Config {
            classes: ["✓", "✗", "say \"hi\""].map(String::from).to_vec(),
            ..Config::default()
        };
        let s = script(&c, "shapes");
        assert!(
            s.contains(r#"CLASS_NAMES = ["✓","✗","say \"hi\""]"#),
            "JSON strings are Python strings"
        );
        assert!(s.contains("784 inputs, 3 classes"));
        assert!(s.contains("CLASSES = len(CLASS_NAMES)"));
    }

    #[test]
    fn optimizers_and_floats_as_python() {
        assert_eq!(py(1.0), "1.0");
        assert_eq!(py(0.001), "0.001");
        assert_eq!(py(1e-8), "1e-8");
        let c = Config {
            optimizer: OptimizerConfig::Momentum {
                momentum: 0.9,
                nesterov: true,
            },
            ..Config::default()
        };
        assert!(
            script(&c, "x").contains("SGD(learning_rate=schedule, momentum=0.9, nesterov=True)")
        );
        let c = Config {
            optimizer: OptimizerConfig::Rmsprop {
                rho: 0.9,
                epsilon: 1e-4,
            },
            ..Config::default()
        };
        assert!(script(&c, "x").contains("epsilon=0.0001 ** 2, momentum=0.0"));
    }
}
