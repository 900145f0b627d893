#!/usr/bin/env bash
# The speed benchmark: set up, build the wasm and the native CLI, then run scripts/bench.mjs.
# Usage: bash scripts/bench.sh [--seconds 4] [--page-reps 5]
#        bash scripts/bench.sh page [--page-reps 5]   (or BENCH_ONLY=page): only the page readiness
#        (navigation → data and default model ready, bench/page-ready.mjs); no native build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = page ]; then
  shift
  export BENCH_ONLY=page
fi
bash scripts/setup.sh --test
bash scripts/build.sh
if [ "${BENCH_ONLY:-}" = page ]; then
  node scripts/bench.mjs --only page "$@"
else
  cargo build --release --bin mnist
  node scripts/bench.mjs "$@"
fi
