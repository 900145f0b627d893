#!/usr/bin/env bash
# Re-makes data/default-model.bin, the pretrained model the page loads at startup (issue 5), with the
# native command-line tool. How it was chosen and what it measures: data/README.md, "Default model".
#
# Usage: bash scripts/tools/make-default-model.sh [OUTPUT]     (default OUTPUT: data/default-model.bin)
#
# Deterministic: training is determined by the config and its seed (one PCG-64 stream each for
# initialisation, shuffling and augmentation), so the same build of the tool on the same machine
# writes the same bytes every time (checked: two runs, `cmp` identical). A different compiler, CPU
# or matrix kernel may change the last bits of the weights (native matrix products use fused
# multiply-add where the CPU has it), and so the bytes, not the accuracy.
#
# Takes about 3–6 minutes on one core (60 epochs at 10,000–25,000 samples/s with augmentation).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="$HOME/.cargo/bin:$PATH"

out="${1:-data/default-model.bin}"

cargo build --release --bin mnist

# 784-256-128-10 ReLU, Adam 0.001 with cosine decay to 0, batch 128, 60 epochs on all 60,000
# training images (no validation hold-out), seed 1, with the default augmentation (random shifts
# ±2 px, rotations ±12°, scaling ±12%, shear ±0.15, stroke thickening/thinning 30% of the time).
./target/release/mnist train \
  --hidden 256,128 --activation relu --optimizer adam --lr 0.001 --schedule cosine \
  --batch 128 --epochs 60 --validation 0 --seed 1 --augment \
  --save "$out"

./target/release/mnist eval "$out"
echo "sha256: $(sha256sum "$out" | cut -c1-64)  $out"
