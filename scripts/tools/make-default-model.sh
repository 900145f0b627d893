#!/usr/bin/env bash
# Re-makes data/default-model.bin, the pretrained model the page loads at startup, with the native
# command-line tool. How it was chosen and what it measures: data/README.md, "Default model".
#
# Usage: bash scripts/tools/make-default-model.sh [OUTPUT]     (default OUTPUT: data/default-model.bin)
#
# Its training data: MNIST's 60,000 training images plus real pen-drawn digits of the pendigits
# `fit` writers (1–10), four times over, each as the exact image the page makes of it: replayed as
# pointer strokes on the page's canvas in headless Chromium (scripts/tools/pen-images.mjs; needs
# ../shared/pendigits and the built page). The `select` writers (11–15) chose the recipe; the
# `report` writers (16–30) are only for reporting (data/README.md).
#
# Deterministic: training is determined by the config and its seed (one PCG-64 stream each for
# initialisation, shuffling and augmentation), so the same build of the tool on the same machine,
# given the same images, writes the same bytes. A different compiler, CPU or matrix kernel may
# change the last bits of the weights (native matrix products use fused multiply-add where the CPU
# has it), and another Chromium may rasterise the strokes a little differently; neither changes the
# accuracy noticeably.
#
# Takes about 2 minutes for the images and 4–10 minutes of training on one core.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="$HOME/.cargo/bin:$PATH"

out="${1:-data/default-model.bin}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --bin mnist
[ -f www/pkg/mnist_playground_bg.wasm ] || bash scripts/build.sh
node scripts/tools/pen-images.mjs "$work" --repeat 4

# 784-256-128-10 ReLU, Adam 0.001 with cosine decay to 0, batch 128, 60 epochs on all training
# images (no validation hold-out), seed 1, with the default augmentation (random shifts ±2 px,
# rotations ±12°, scaling ±12%, shear ±0.15, stroke thickening/thinning 30% of the time).
./target/release/mnist train \
  --hidden 256,128 --activation relu --optimizer adam --lr 0.001 --schedule cosine \
  --batch 128 --epochs 60 --validation 0 --seed 1 --augment --data "$work" \
  --save "$out"

echo "MNIST test set:"
./target/release/mnist eval "$out"
echo "pendigits select writers (11–15), as the page reads them:"
./target/release/mnist eval "$out" --data "$work/select"
echo "pendigits report writers (16–30), as the page reads them:"
./target/release/mnist eval "$out" --data "$work/report"
echo "sha256: $(sha256sum "$out" | cut -c1-64)  $out"
