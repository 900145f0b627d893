// Loading the WebAssembly engine: picks one of the two builds in www/ and starts it in this worker.
//
// There are two builds of the engine: www/pkg-relaxed/ uses relaxed-SIMD fused multiply-add in its
// matrix kernel (faster), www/pkg/ plain 128-bit SIMD. A browser that validates a tiny module with
// one f32x4.relaxed_madd gets the relaxed build; every other one the plain build. The engine worker,
// the shard workers (which must run the lead's build) and the benchmark (bench/) load it from here.
//
// Does not: talk to the page, download data, or catch the start's failure (the caller reports it).

const v128Zero = [0xfd, 0x0c, ...new Array(16).fill(0)];
const probeBody = [0x00, ...v128Zero, ...v128Zero, ...v128Zero, 0xfd, 0x85, 0x02, 0x0b];
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section
  0x0a, probeBody.length + 2, 0x01, probeBody.length, ...probeBody, // code section
]);

/** Which build runs in this browser: "relaxed-simd" or "simd". */
export const BUILD = WebAssembly.validate(RELAXED_SIMD_PROBE) ? 'relaxed-simd' : 'simd';

/** The folder of `build`'s wasm package (www/pkg/ or www/pkg-relaxed/). */
export const packageDir = (build = BUILD) => new URL(build === 'relaxed-simd' ? '../pkg-relaxed/' : '../pkg/', import.meta.url);

/** The wasm-bindgen package of `build` (its JS glue; call its default export to instantiate). */
export const loadPackage = (build = BUILD) => import(new URL('mnist_playground.js', packageDir(build)).href);

/** This worker's engine, set once `startEngine` has resolved (live bindings for importers). */
export let Engine = null;
/** @type {import('../pkg/mnist_playground.js').Engine | null} */
export let engine = null;
/** Test hook of the wasm package: a Rust panic with the given message. */
export let debugPanic = null;
/** The wasm instance's memory (its size is reported for the benchmark). */
export let memory = null;
/** Engine.limits(): the engine's own limits (image side, pixels, classes, max_threads, …). */
export let limits = null;

let started = null;

/**
 * Instantiates `build` and creates this worker's Engine. Idempotent: every call returns the same
 * promise, so commands await it to wait for the engine.
 */
export function startEngine(build = BUILD) {
  started ??= (async () => {
    const pkg = await loadPackage(build);
    memory = (await pkg.default()).memory;
    ({ Engine, debugPanic } = pkg);
    limits = Engine.limits();
    engine = new Engine();
    return engine;
  })();
  return started;
}
