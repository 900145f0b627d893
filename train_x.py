#!/usr/bin/env python3
"""Train the MNIST Playground run "x" in Keras 3 (TensorFlow backend).

    python train_x.py [--data DIR] [--weights FILE] [--logdir DIR]

Reads MNIST from the four IDX .gz files in DIR (default: data/), trains the same multilayer
perceptron with the same hyperparameters as the playground, logs to TensorBoard (--logdir,
default logs/x), prints each epoch's metrics and the final test accuracy.
With --weights FILE (the playground's "Keras weights (.npz)" download) it trains nothing: it
loads those weights into the same network and evaluates them on the test images.

Where Keras defines something differently from the playground, a comment says so beside it.
The playground's config, for reference:
{"hidden":[128],"activation":"relu","init":"auto","dropout":0.0,"weight_decay":0.0,"optimizer":{"kind":"adam","beta1":0.9,"beta2":0.999,"epsilon":1e-8},"learning_rate":0.001,"schedule":{"kind":"constant","warmup_epochs":0.0},"batch_size":128,"epochs":3,"validation_size":5000,"train_subset":0,"seed":1,"augment":{"enabled":false,"max_shift":2.0,"max_rotation":12.0,"max_scale":0.12,"max_shear":0.15,"thickness":0.3}}
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

SEED = 1
# Inputs: each pixel p (0-255) becomes (p/255 - mean)/std, MNIST's mean and standard deviation.
PIXEL_MEAN, PIXEL_STD = 0.1307, 0.3081
HIDDEN = [128]  # hidden layer widths, input side first; 784 inputs, 10 classes
ACTIVATION = "relu"
# Initial weights per Dense layer (biases start at 0). Seeded from SEED, but Keras's generator is
# not the playground's: the same scheme, different draws.
INITIALIZERS = [
    lambda: keras.initializers.HeUniform(seed=next_seed()),
    lambda: keras.initializers.GlorotUniform(seed=next_seed()),
]
DROPOUT = 0.0  # inverted dropout after every hidden layer (0 = none)
# Coupled L2: the playground adds λ·w to each kernel's gradient (not to biases). Keras's
# L2(l2) regulariser adds l2·Σw² to the loss, whose gradient is 2·l2·w: l2 = λ/2 is the same
# update. Keras's printed loss includes that penalty; the playground's loss does not.
WEIGHT_DECAY = 0.0
LEARNING_RATE = 0.001  # base rate; the schedule scales it per step
SCHEDULE = "constant"  # constant | step | exponential | cosine
GAMMA, EVERY_EPOCHS, MIN_LR = 1.0, 1, 0.0
WARMUP_STEPS = 0  # round(0.0 warm-up epochs × 430 steps per epoch)
BATCH_SIZE, EPOCHS = 128, 3
# Hold-out: this many of the 60,000 training images validate (same size and seed as the
# playground, but drawn by numpy, so not the same images); TRAIN_SUBSET > 0 trains on only that many.
VALIDATION_SIZE, TRAIN_SUBSET = 5000, 0
STEPS_PER_EPOCH = 430  # ceil(training images / batch size); the last batch may be smaller
AUGMENT = False  # the run trained on the images as they are

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
    # Keras adds ε to sqrt(v) before the bias correction, the engine to sqrt(v̂) after it: Keras's
# ε acts as ε/sqrt(1 − β₂ᵗ), 32× larger at step 1 (β₂ = 0.999) and the same later on. With
# ε = 1e-8 that is far below sqrt(v̂) either way: no visible effect.
    return keras.optimizers.Adam(learning_rate=schedule, beta_1=0.9, beta_2=0.999, epsilon=1e-8)


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
    """784 inputs → Dense hidden layers (activation, then dropout) → Dense softmax over 10."""
    model = keras.Sequential([keras.Input(shape=(784,))] + (augmentation_layers() if augment else []))
    regulariser = keras.regularizers.L2(WEIGHT_DECAY / 2) if WEIGHT_DECAY > 0 else None
    for width, init in zip(HIDDEN, INITIALIZERS):
        model.add(layers.Dense(width, activation=ACTIVATION, kernel_initializer=init(),
                               kernel_regularizer=regulariser))
        if DROPOUT > 0:
            model.add(layers.Dropout(DROPOUT, seed=next_seed()))
    model.add(layers.Dense(10, activation="softmax", kernel_initializer=INITIALIZERS[-1](),
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
    parser.add_argument("--logdir", default=os.path.join("logs", "x"), help="TensorBoard log folder")
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
