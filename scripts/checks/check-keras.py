"""Checks for scripts/checks/check-keras.sh, run with the check's Python (TensorFlow, Keras, TensorBoard).

    python check-keras.py accuracy MAX_POINTS ENGINE_1.jsonl KERAS_1.log [ENGINE_2.jsonl KERAS_2.log …]
    python check-keras.py predictions SCRIPT.py WEIGHTS.npz ENGINE_PROBS.npy DATA_DIR
    python check-keras.py schedule SCRIPT.py RUN.json
    python check-keras.py events LOGDIR ENGINE.jsonl
    python check-keras.py page-events TENSORBOARD.zip RUNS.json  (the page's downloads: page-exports.mjs)
    python check-keras.py tfjs-convert SCRIPT.py WEIGHTS.npz OUT_DIR KERAS_PROBS.npy DATA_DIR  (needs tensorflowjs)
    python check-keras.py same-predictions KERAS_PROBS.npy ENGINE_PROBS.npy

Each prints what it measured and exits non-zero when the check fails.
"""
import importlib.util
import json
import os
import re
import sys

import numpy as np


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def engine_epochs(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.startswith("{")]


def accuracy(max_points, *pairs):
    """Test accuracy of engine runs and Keras runs of the same configs (one pair per seed):
    the means over the pairs must be within max_points."""
    gaps = []
    for engine_jsonl, keras_log in zip(pairs[::2], pairs[1::2]):
        engine = 100 * engine_epochs(engine_jsonl)[-1]["test_accuracy"]
        with open(keras_log) as f:
            found = re.findall(r"^test accuracy: ([0-9.]+)$", f.read(), re.M)
        if not found:
            fail(f"{keras_log} has no 'test accuracy:' line")
        keras = 100 * float(found[-1])
        gaps.append((engine, keras))
        print(f"  {os.path.basename(engine_jsonl)}: engine {engine:.2f}%, Keras {keras:.2f}%, difference {keras - engine:+.2f}")
    engine_mean = np.mean([e for e, _ in gaps])
    keras_mean = np.mean([k for _, k in gaps])
    gap = abs(keras_mean - engine_mean)
    print(f"test accuracy over {len(gaps)} seeds: engine {engine_mean:.2f}%, Keras {keras_mean:.2f}%, "
          f"gap {gap:.2f} points (limit {max_points})")
    if gap > float(max_points):
        fail("the Keras script's test accuracy is too far from the engine's")


def load_script(path):
    spec = importlib.util.spec_from_file_location("exported", path)
    exported = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(exported)
    return exported


def predictions(script, weights, engine_probs, data_dir):
    exported = load_script(script)
    _, _, x_test, y_test = exported.load_mnist(data_dir)
    model = exported.build_model(augment=False)
    exported.load_npz_weights(model, weights)
    keras_p = model.predict(exported.standardise(x_test), batch_size=1000, verbose=0)
    engine_p = np.load(engine_probs)
    if keras_p.shape != engine_p.shape:
        fail(f"shapes differ: Keras {keras_p.shape}, engine {engine_p.shape}")
    same = np.mean(keras_p.argmax(1) == engine_p.argmax(1))
    worst = float(np.max(np.abs(keras_p - engine_p)))
    print(f"{len(engine_p)} test images: argmax equal on {100 * same:.2f}%, "
          f"largest probability difference {worst:.2e}; Keras accuracy {100 * np.mean(keras_p.argmax(1) == y_test):.2f}%")
    if same < 0.999 or worst > 1e-4:
        fail("Keras's predictions with the exported weights differ from the engine's")


def schedule(script, run_json):
    """The script's PlaygroundSchedule gives the engine's learning rate at every step."""
    exported = load_script(script)
    with open(run_json) as f:
        engine = np.asarray(json.load(f)["steps"]["learning_rate"], dtype=np.float32)
    s = exported.PlaygroundSchedule(exported.LEARNING_RATE, exported.SCHEDULE, exported.STEPS_PER_EPOCH,
                                    exported.EPOCHS * exported.STEPS_PER_EPOCH, exported.WARMUP_STEPS,
                                    exported.GAMMA, exported.EVERY_EPOCHS, exported.MIN_LR)
    keras_rates = np.asarray(s(np.arange(len(engine))), dtype=np.float32)
    worst = float(np.max(np.abs(keras_rates - engine) / engine))
    print(f"learning rate at {len(engine)} steps: largest relative difference {worst:.1e}")
    if worst > 1e-5:
        fail(f"the script's schedule differs from the engine's (first at step {int(np.argmax(np.abs(keras_rates - engine) / engine > 1e-5)) + 1})")


def keras_h5_conversion():
    """tensorflowjs 4.22's Keras converter module. Its package imports, at start-up, TensorFlow
    Decision Forests and the JAX and SavedModel converters, which do not install or import beside
    TensorFlow 2.21, and which the Keras path does not use; so the two packages are registered
    without running their __init__ files and the Keras converter module is imported alone."""
    import importlib.util
    import types

    root = os.path.dirname(importlib.util.find_spec("tensorflowjs").origin)
    for name, path in (("tensorflowjs", root), ("tensorflowjs.converters", os.path.join(root, "converters"))):
        package = types.ModuleType(name)
        package.__path__ = [path]
        sys.modules[name] = package
    from tensorflowjs.converters import keras_h5_conversion as module

    return module


def tfjs_convert(script, weights, out_dir, probs_out, data_dir):
    """A Keras (tf_keras) model of the exported weights reading pixels/255, as a TF.js model would,
    saved as .h5 and converted by tensorflowjs's Keras converter (what `tensorflowjs_converter
    --input_format keras` runs); its probabilities on the test images go to probs_out."""
    import tf_keras

    exported = load_script(script)
    with np.load(weights) as f:
        arrays = [f[f"arr_{i}"].astype(np.float64) for i in range(len(f.files))]
    # Fold the standardisation into the first layer: x·W + b with x = (p/255 − μ)/σ.
    mu, sigma = exported.PIXEL_MEAN, exported.PIXEL_STD
    arrays[1] = arrays[1] - mu / sigma * arrays[0].sum(axis=0)
    arrays[0] = arrays[0] / sigma
    model = tf_keras.Sequential([tf_keras.Input(shape=(784,))])
    for width in exported.HIDDEN:
        model.add(tf_keras.layers.Dense(width, activation=exported.ACTIVATION))
    model.add(tf_keras.layers.Dense(10, activation="softmax"))
    model.set_weights([a.astype(np.float32) for a in arrays])
    h5 = os.path.join(out_dir, "model.h5")
    os.makedirs(out_dir, exist_ok=True)
    model.save(h5)
    keras_h5_conversion().save_keras_model(tf_keras.models.load_model(h5), os.path.join(out_dir, "tfjs"))
    _, _, x_test, _ = exported.load_mnist(data_dir)
    np.save(probs_out, model.predict(x_test.astype(np.float32) / 255.0, batch_size=1000, verbose=0))
    print(f"converted by tensorflowjs's Keras converter into {os.path.join(out_dir, 'tfjs')}")


def same_predictions(keras_probs, engine_probs):
    keras_p, engine_p = np.load(keras_probs), np.load(engine_probs)
    same = np.mean(keras_p.argmax(1) == engine_p.argmax(1))
    worst = float(np.max(np.abs(keras_p - engine_p)))
    print(f"{len(engine_p)} test images: argmax equal on {100 * same:.2f}%, largest probability difference {worst:.2e}")
    if keras_p.shape != engine_p.shape or same < 0.999 or worst > 1e-4:
        fail("the playground's predictions with the converted model differ from Keras's")


def events(logdir, engine_jsonl):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    with open(os.path.join(logdir, "run.json")) as f:
        run = json.load(f)
    epochs = engine_epochs(engine_jsonl)

    def load(folder):
        acc = EventAccumulator(os.path.join(logdir, folder), size_guidance={"scalars": 0, "histograms": 0})
        acc.Reload()
        return acc

    def expect_scalars(acc, tag, steps, values):
        got = acc.Scalars(tag)
        if [e.step for e in got] != list(steps):
            fail(f"{tag}: steps {[e.step for e in got][:5]}… expected {list(steps)[:5]}…")
        want = np.asarray(values, dtype=np.float32)
        have = np.asarray([e.value for e in got], dtype=np.float32)
        if not np.array_equal(want, have):
            fail(f"{tag}: values differ, first at {int(np.argmax(want != have))}")
        return len(got)

    counts = {}
    train = load("train")
    n = len(run["steps"]["loss"])
    for key in ("loss", "accuracy", "learning_rate"):
        counts[f"train/batch_{key}"] = expect_scalars(train, f"batch_{key}", range(1, n + 1), run["steps"][key])
    epoch_steps = [e["epoch"] - 1 for e in run["epochs"]]
    if [e["epoch"] for e in epochs] != [e["epoch"] for e in run["epochs"]]:
        fail("the engine's printed epochs and run.json disagree")
    # Epoch values against the engine's own printed report (a path independent of run.json).
    counts["train/epoch_loss"] = expect_scalars(train, "epoch_loss", epoch_steps, [e["train_loss"] for e in epochs])
    counts["train/epoch_accuracy"] = expect_scalars(train, "epoch_accuracy", epoch_steps, [e["train_accuracy"] for e in epochs])
    counts["train/epoch_learning_rate"] = expect_scalars(train, "epoch_learning_rate", epoch_steps, [e["learning_rate"] for e in epochs])
    for folder in ("validation", "test"):
        acc = load(folder)
        for key in ("loss", "accuracy"):
            counts[f"{folder}/epoch_{key}"] = expect_scalars(acc, f"epoch_{key}", epoch_steps, [e[f"{folder}_{key}"] for e in epochs])
    fields = ("min", "max", "num", "sum", "sum_squares", "bucket_limit", "bucket")
    for layer in range(1, len(run["epochs"][0]["layers"]) + 1):
        for tag, key in ((f"layer_{layer}/kernel", "weights"), (f"layer_{layer}/kernel_gradient", "gradients")):
            got = train.Histograms(tag)
            if [h.step for h in got] != epoch_steps:
                fail(f"{tag}: steps {[h.step for h in got]}, expected {epoch_steps}")
            for h, e in zip(got, run["epochs"]):
                want = e["layers"][layer - 1][key]
                for field in fields:
                    if list(np.atleast_1d(getattr(h.histogram_value, field))) != list(np.atleast_1d(want[field])):
                        fail(f"{tag} step {h.step}: {field} differs")
            counts[f"train/{tag}"] = len(got)
    for folder, acc in (("train", train), ("validation", load("validation")), ("test", load("test"))):
        tags = acc.Tags()
        present = {f"{folder}/{t}" for t in tags["scalars"] + tags["histograms"]}
        extra = present - set(counts)
        if extra:
            fail(f"unexpected tags {sorted(extra)}")
    for tag, count in counts.items():
        print(f"  {tag}: {count} events, steps and values equal")
    print(f"event files: {len(counts)} tags present with the engine's steps and values")


def page_events(zip_path, runs_json):
    """The page's "Download for TensorBoard" zip, read with TensorBoard's EventAccumulator: a
    folder per run of the page's "Runs + curves (JSON)" export, every tag present with the steps
    and values the page recorded (batches, epochs, layers), and no other tag."""
    import tempfile
    import zipfile

    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    with open(runs_json) as f:
        runs = json.load(f)["runs"]
    folder_of = {re.sub(r"[^A-Za-z0-9._-]", "_", r["name"]).strip("."): r for r in runs}
    logdir = tempfile.mkdtemp(prefix="page-tensorboard-")
    with zipfile.ZipFile(zip_path) as z:
        if z.testzip() is not None:
            fail(f"{zip_path}: an entry's CRC-32 is wrong")
        names = z.namelist()
        z.extractall(logdir)
    folders = sorted({n.split("/")[0] for n in names})
    if folders != sorted(folder_of):
        fail(f"folders {folders}, expected one per run {sorted(folder_of)}")
    for name in names:
        if not re.fullmatch(r"[^/]+/(train|validation|test)/events\.out\.tfevents\.\d+\.mnist-playground", name):
            fail(f"unexpected file {name}")
    f32 = lambda values: np.asarray([np.nan if v is None else v for v in values], dtype=np.float32)
    total = 0
    for folder in folders:
        run = folder_of[folder]
        counts = {}

        def load(sub):
            acc = EventAccumulator(os.path.join(logdir, folder, sub), size_guidance={"scalars": 0, "histograms": 0})
            acc.Reload()
            return acc

        def expect_scalars(acc, tag, steps, values, where):
            got = acc.Scalars(tag)
            if [e.step for e in got] != list(steps):
                fail(f"{folder}/{where}/{tag}: steps {[e.step for e in got][:5]}… expected {list(steps)[:5]}…")
            want, have = f32(values), f32([e.value for e in got])
            if not np.array_equal(want, have, equal_nan=True):
                fail(f"{folder}/{where}/{tag}: values differ, first at {int(np.argmax(want != have))}")
            counts[f"{where}/{tag}"] = len(got)

        b = run["batches"]
        n = len(b["loss"])
        train = load("train")
        for key in ("loss", "accuracy", "learning_rate"):
            expect_scalars(train, f"batch_{key}", range(1, n + 1), b[key], "train")
        epochs = run["epochs"]
        steps = [e["epoch"] - 1 for e in epochs]
        expect_scalars(train, "epoch_loss", steps, [e["train"]["loss"] for e in epochs], "train")
        expect_scalars(train, "epoch_accuracy", steps, [e["train"]["accuracy"] for e in epochs], "train")
        expect_scalars(train, "epoch_learning_rate", steps, [b["learning_rate"][e["step"] - 1] for e in epochs], "train")
        for sub in ("validation", "test"):
            acc = load(sub)
            for key in ("loss", "accuracy"):
                expect_scalars(acc, f"epoch_{key}", steps, [e[sub][key] for e in epochs], sub)
            extra = set(acc.Tags()["scalars"] + acc.Tags()["histograms"]) - {"epoch_loss", "epoch_accuracy"}
            if extra:
                fail(f"{folder}/{sub}: unexpected tags {sorted(extra)}")
        fields = ("min", "max", "num", "sum", "sum_squares", "bucket_limit", "bucket")
        for layer in epochs[0]["layers"]:
            for tag, key in ((f"layer_{layer['layer']}/kernel", "weights"), (f"layer_{layer['layer']}/kernel_gradient", "gradients")):
                got = train.Histograms(tag)
                if [h.step for h in got] != steps:
                    fail(f"{folder}/{tag}: steps {[h.step for h in got]}, expected {steps}")
                for h, e in zip(got, epochs):
                    want = next(l for l in e["layers"] if l["layer"] == layer["layer"])[key]
                    for field in fields:
                        if list(np.atleast_1d(getattr(h.histogram_value, field))) != list(np.atleast_1d(want[field])):
                            fail(f"{folder}/{tag} step {h.step}: {field} differs")
                counts[f"train/{tag}"] = len(got)
        tags = train.Tags()
        extra = {f"train/{t}" for t in tags["scalars"] + tags["histograms"]} - set(counts)
        if extra:
            fail(f"{folder}: unexpected tags {sorted(extra)}")
        print(f"  {folder}: " + ", ".join(f"{t} {c}" for t, c in counts.items()))
        total += len(counts)
    print(f"page's TensorBoard zip: {len(folders)} run folders, {total} tags, every one with the page's steps and values, no other tag")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"accuracy": accuracy, "predictions": predictions, "schedule": schedule, "events": events,
     "tfjs-convert": tfjs_convert, "same-predictions": same_predictions, "page-events": page_events}[command](*args)
