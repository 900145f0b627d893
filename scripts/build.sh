#!/usr/bin/env bash
# Builds the page's WebAssembly (release, +simd128 from .cargo/config.toml) into www/pkg/ (and a
# relaxed-SIMD build into www/pkg-relaxed/), copies
# the vendored front-end libraries (uPlot, umap-js) from node_modules/ into www/vendor/ and writes www/precache.js
# (the service worker's file list; all gitignored).
# Assumes scripts/setup.sh has run (scripts/run.sh and scripts/test.sh call it first).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1mbuild:\033[0m %s\n' "$*"; }
fail() { printf '\033[31mbuild: error:\033[0m %s\n' "$*" >&2; exit 1; }

# --mode no-install: use the wasm-bindgen-cli that setup.sh installed; never download one.
say "wasm-pack build --release --target web --out-dir www/pkg"
wasm-pack build --mode no-install --release --target web --out-dir www/pkg \
  --no-typescript --no-pack --no-gitignore \
  || fail "wasm-pack build failed (see the output above; bash scripts/setup.sh installs the tools)"
[ -f www/pkg/mnist_playground.js ] && [ -f www/pkg/mnist_playground_bg.wasm ] \
  || fail "wasm-pack did not produce www/pkg/mnist_playground.js and _bg.wasm"

# A second build with relaxed SIMD (fused multiply-add in the matrix kernel, src/gemm.rs) into
# www/pkg-relaxed/; the worker loads it where the browser validates relaxed-SIMD code (Chrome,
# Firefox) and falls back to www/pkg/ elsewhere (Safari). Its own target dir keeps both builds cached.
say "wasm-pack build (+relaxed-simd) --out-dir www/pkg-relaxed"
CARGO_TARGET_DIR=target/wasm-relaxed \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" \
  wasm-pack build --mode no-install --release --target web --out-dir www/pkg-relaxed \
  --no-typescript --no-pack --no-gitignore \
  || fail "wasm-pack build (relaxed SIMD) failed (see the output above)"

say "copying uPlot into www/vendor/"
[ -f node_modules/uplot/dist/uPlot.esm.js ] || fail "node_modules/uplot missing: run bash scripts/setup.sh"
mkdir -p www/vendor
cp node_modules/uplot/dist/uPlot.esm.js www/vendor/uPlot.esm.js
cp node_modules/uplot/dist/uPlot.min.css www/vendor/uPlot.min.css
cp node_modules/uplot/LICENSE www/vendor/uPlot.LICENSE 2>/dev/null || true

# umap-js (the hidden-layer map's UMAP, www/inspect/umap-worker.js) ships a UMD bundle; a module
# worker imports it as an ES module: the bundle, given a CommonJS `module` to fill, then its export.
say "copying umap-js into www/vendor/"
[ -f node_modules/umap-js/lib/umap-js.min.js ] || fail "node_modules/umap-js missing: run bash scripts/setup.sh"
{
  printf '// umap-js (npm, Apache-2.0: umap-js.LICENSE) as an ES module: its UMD bundle, given a CommonJS `module` to fill.\n'
  printf 'const module = { exports: {} };\nconst exports = module.exports;\n'
  cat node_modules/umap-js/lib/umap-js.min.js
  printf '\nexport const UMAP = module.exports.UMAP;\n'
} > www/vendor/umap-js.esm.js
cp node_modules/umap-js/LICENSE www/vendor/umap-js.LICENSE

# What the service worker (sw.js) saves for offline use, with a version over those files' bytes.
node scripts/precache.mjs || fail "could not write www/precache.js (see the output above)"

size=$(wc -c < www/pkg/mnist_playground_bg.wasm)
say "done: www/pkg/mnist_playground_bg.wasm ($((size / 1024)) KiB)"
