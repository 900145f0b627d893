#!/usr/bin/env bash
# The speed benchmark: set up, build the wasm and the native CLI, then run scripts/bench.mjs.
# Usage: bash scripts/bench.sh [--seconds 4] [--page-reps 5]
#        bash scripts/bench.sh page [--page-reps 5]   (or BENCH_ONLY=page): only the page readiness
#        (navigation → data and default model ready, bench/page-ready.mjs); no native build.
#        bash scripts/bench.sh inspect [--inspect-reps 3]   (or BENCH_ONLY=inspect): only the
#        learning-rate finder and the 25×25 loss slice on the page (bench/inspect-page.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = page ] || [ "${1:-}" = inspect ]; then
  export BENCH_ONLY=$1
  shift
fi
bash scripts/setup.sh --test
bash scripts/build.sh
if [ -n "${BENCH_ONLY:-}" ]; then
  node scripts/bench.mjs --only "$BENCH_ONLY" "$@"
else
  cargo build --release --bin mnist
  node scripts/bench.mjs "$@"
fi
