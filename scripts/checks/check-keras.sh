#!/usr/bin/env bash
# Checks the Keras and TensorBoard exports against the real tools (see docs/keras.md):
#   1. the exported Keras script of the default settings, and of one other optimizer and
#      schedule, reaches a test accuracy within 0.6 points of the engine's runs of the same config
#      (means over seeds 1-3);
#   2. Keras with the exported .npz weights predicts the 10,000 test images as the engine does
#      (argmax equal on >= 99.9%, probabilities within 1e-4);
#   3. TensorBoard's EventAccumulator reads every scalar and histogram of an exported run with
#      the engine's steps and values;
#   4. a Keras model of those weights, converted by tensorflowjs 4.22's Keras converter, loads into
#      the playground (`mnist import-tfjs`) and predicts as Keras does;
#   5. the page's own downloads (scripts/checks/page-exports.mjs: two runs trained and exported
#      through the buttons in headless Chromium): EventAccumulator reads the TensorBoard zip with
#      every tag at the page's steps and values; the page's Keras script runs, and with the page's
#      .npz weights predicts as the engine does with the run's stored model.
# Needs Python 3 with venv, the MNIST files in data/, and for step 5 the built page (www/pkg/),
# node_modules and Chromium (as the page tests). Takes ~3 minutes once the virtual
# environment exists (first time: ~2 more minutes to install it); 2 cores. Not part of scripts/test.sh:
# run it before changing either export.
#   KERAS_VENV   the virtual environment (default: /tmp/mnist-keras-venv, outside the repository)
#   KERAS_TFJS_VENV  the one with tensorflowjs (default: /tmp/mnist-tfjs-venv)
#   KERAS_WORK   where the runs and exports go (default: a fresh temporary folder)
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${KERAS_VENV:-/tmp/mnist-keras-venv}
WORK=${KERAS_WORK:-$(mktemp -d)}
mkdir -p "$WORK"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
# Keras 3 comes with tensorflow-cpu; TensorBoard is a separate package since TensorFlow 2.21.
"$VENV/bin/pip" install -q tensorflow-cpu==2.21.0 tensorboard==2.21.0
export TF_CPP_MIN_LOG_LEVEL=2
# Python at low priority, without TensorFlow's start-up notices.
py() {
  nice -n 10 "$VENV/bin/python" "$@" 2> >(grep -v "oneDNN custom operations\|absl::InitializeLog" >&2)
}
nice -n 10 cargo build --release --bin mnist
MNIST=target/release/mnist
echo "work folder: $WORK"

# One config, trained by the engine and by its exported Keras script with seeds 1, 2 and 3;
# flags as `mnist train`. Seed 1's engine run also keeps its model and TensorBoard files.
# One pair of runs differs by up to ~0.6 points by the seed alone (docs/keras.md), so the means
# over the three seeds are compared.
compare() {
  local name=$1; shift
  echo "== $name: $*"
  local pairs=()
  for seed in 1 2 3; do
    local run="$name-seed$seed"
    nice -n 10 $MNIST train "$@" --seed $seed --json --save "$WORK/$run.bin" --tensorboard "$WORK/$run-tb" > "$WORK/$run-engine.jsonl"
    $MNIST keras-script "$@" --seed $seed --name "$run" --out "$WORK/train_$run.py" > /dev/null
    py "$WORK/train_$run.py" --data data --logdir "$WORK/$run-keras-logs" > "$WORK/$run-keras.log" 2>&1 \
      || { tail -20 "$WORK/$run-keras.log"; exit 1; }
    pairs+=("$WORK/$run-engine.jsonl" "$WORK/$run-keras.log")
  done
  py scripts/checks/check-keras.py accuracy 0.6 "${pairs[@]}"
}

compare default
compare nesterov_cosine --optimizer nesterov --lr 0.05 --schedule cosine --warmup 0.5

echo "== the script's schedule (cosine with warm-up) against the engine's rate at every step"
py scripts/checks/check-keras.py schedule "$WORK/train_nesterov_cosine-seed1.py" "$WORK/nesterov_cosine-seed1-tb/run.json"
$MNIST keras-script --schedule step --gamma 0.5 --every 1 --warmup 1.5 --name step --out "$WORK/train_step.py" > /dev/null
nice -n 10 $MNIST train --schedule step --gamma 0.5 --every 1 --warmup 1.5 --subset 0 --json --tensorboard "$WORK/step-tb" > /dev/null
py scripts/checks/check-keras.py schedule "$WORK/train_step.py" "$WORK/step-tb/run.json"

echo "== every other activation, initialiser, optimizer and schedule runs in Keras (short runs)"
for flags in "--activation gelu --dropout 0.2 --weight-decay 0.0005 --optimizer adamw --schedule step --warmup 0.5 --augment" \
             "--activation leaky_relu --init he_normal --optimizer rmsprop --schedule exponential" \
             "--activation sigmoid --init glorot_normal --optimizer sgd --lr 0.1 --hidden 64,32" \
             "--activation tanh --init he_uniform --optimizer momentum --lr 0.02 --schedule cosine"; do
  # shellcheck disable=SC2086  # the flags are meant to split
  $MNIST keras-script $flags --subset 5000 --validation 1000 --epochs 2 --name smoke --out "$WORK/train_smoke.py" > /dev/null
  py "$WORK/train_smoke.py" --data data --logdir "$WORK/smoke-logs" > "$WORK/smoke.log" 2>&1 \
    || { tail -20 "$WORK/smoke.log"; exit 1; }
  echo "  $flags: $(grep '^test accuracy' "$WORK/smoke.log")"
done

echo "== exported weights in Keras"
$MNIST keras-weights "$WORK/default-seed1.bin" "$WORK/default.npz" > /dev/null
$MNIST predict-test "$WORK/default-seed1.bin" "$WORK/default-probs.npy" > /dev/null
py scripts/checks/check-keras.py predictions "$WORK/train_default-seed1.py" "$WORK/default.npz" "$WORK/default-probs.npy" data

echo "== event files through TensorBoard's EventAccumulator"
py scripts/checks/check-keras.py events "$WORK/default-seed1-tb" "$WORK/default-seed1-engine.jsonl"
echo "== a Keras model through tensorflowjs's converter, loaded by the playground"
# A second environment: tensorflowjs 4.22 asks for TensorFlow Decision Forests, which does not
# install beside TensorFlow 2.21, so its Keras converter's own needs are installed and it without
# its requirements (the Keras path does not use the rest; check-keras.py says how it imports it).
TFJS_VENV=${KERAS_TFJS_VENV:-/tmp/mnist-tfjs-venv}
if [ ! -x "$TFJS_VENV/bin/python" ]; then
  python3 -m venv "$TFJS_VENV"
fi
if "$TFJS_VENV/bin/pip" install -q tensorflow-cpu==2.21.0 tf-keras==2.21.0 tensorflow-hub==0.16.1 h5py==3.14.0 six==1.17.0 \
   && "$TFJS_VENV/bin/pip" install -q --no-deps tensorflowjs==4.22.0; then
  nice -n 10 "$TFJS_VENV/bin/python" scripts/checks/check-keras.py tfjs-convert "$WORK/train_default-seed1.py" "$WORK/default.npz" \
    "$WORK/tfjs-check" "$WORK/tfjs-keras-probs.npy" data 2>&1 | grep "^converted\|Error\|FAIL"
  $MNIST import-tfjs "$WORK/tfjs-check/tfjs" "$WORK/tfjs-imported.bin"
  $MNIST predict-test "$WORK/tfjs-imported.bin" "$WORK/tfjs-engine-probs.npy" > /dev/null
  py scripts/checks/check-keras.py same-predictions "$WORK/tfjs-keras-probs.npy" "$WORK/tfjs-engine-probs.npy"
else
  echo "tensorflowjs does not install here: checking the layers format the engine writes instead"
  $MNIST export-tfjs "$WORK/default-seed1.bin" "$WORK/tfjs-export" > /dev/null
  $MNIST import-tfjs "$WORK/tfjs-export" "$WORK/tfjs-imported.bin"
  $MNIST predict-test "$WORK/tfjs-imported.bin" "$WORK/tfjs-engine-probs.npy" > /dev/null
  py scripts/checks/check-keras.py same-predictions "$WORK/default-probs.npy" "$WORK/tfjs-engine-probs.npy"
fi
echo "== the page's downloads: runs recorded and exported by the page in headless Chromium"
PAGE="$WORK/page"
nice -n 10 node scripts/checks/page-exports.mjs "$PAGE"
py scripts/checks/check-keras.py page-events "$PAGE/mnist-tensorboard.zip" "$PAGE/mnist-runs.json"
$MNIST predict-test "$PAGE/Run_1.bin" "$PAGE/Run_1-probs.npy" > /dev/null
py scripts/checks/check-keras.py predictions "$PAGE/train_Run_1.py" "$PAGE/Run_1.weights.npz" "$PAGE/Run_1-probs.npy" data
# The page's script as a learner runs it (its settings: 5,000 images, 2 epochs), from its folder.
(cd "$PAGE" && py train_Run_1.py --data "$OLDPWD/data" --logdir "$PAGE/keras-logs" > "$PAGE/train_Run_1.log")
grep "^test accuracy" "$PAGE/train_Run_1.log" || { echo "FAIL: the page's Keras script printed no test accuracy"; exit 1; }
echo "check-keras: all checks passed"
