#!/usr/bin/env bash
# The README's run command: install what is missing, build the wasm (release, +simd128), serve the
# page on http://127.0.0.1:8080 (override with PORT=… / HOST=… or --port N / --host ADDR).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
bash scripts/build.sh
exec node scripts/serve.mjs "$@"
