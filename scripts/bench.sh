#!/usr/bin/env bash
# The speed benchmark: set up, build the wasm and the native CLI, then run scripts/bench.mjs.
# Usage: bash scripts/bench.sh [--seconds 4]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
bash scripts/build.sh
cargo build --release --bin mnist
node scripts/bench.mjs "$@"
