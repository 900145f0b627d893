set -e
cd "$(dirname "$0")"
RUSTFLAGS='-C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128,+relaxed-simd -C link-arg=--shared-memory -C link-arg=--max-memory=1073741824 -C link-arg=--import-memory -C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size -C link-arg=--export=__tls_align -C link-arg=--export=__tls_base' cargo +nightly build --target wasm32-unknown-unknown --release -Z build-std=panic_abort,std 2>&1 | grep -E "^error|Finished" -A7
wasm-bindgen --target web --out-dir www/pkg target/wasm32-unknown-unknown/release/spike.wasm
