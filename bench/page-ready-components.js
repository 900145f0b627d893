// The parts of the main page's start-up, each timed alone (bench/page-ready.mjs imports this into
// bench/page-ready.html): what the engine worker does between `load-data` and a default model that
// answers, done one step after another so the steps do not overlap as they do in the worker.
//
// Every fetch uses `cache: 'no-store'` (a real transfer from the local server each time).
// Times in ms. Non-goals: the page's own scripts and rendering (bench/page-ready.mjs measures the
// whole page for those).

// Which of the two wasm builds this browser runs, and where it is: as the engine worker decides.
import { BUILD, packageDir } from '../www/engine/wasm.js';

const DATA = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];


const ms = async (body) => {
  const t0 = performance.now();
  const value = await body();
  return [performance.now() - t0, value];
};

const fetchBytes = async (url) => {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
};

const gunzip = async (bytes) =>
  new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());

/** Fetch and gunzip streamed, as www/engine/download.js does it. */
const fetchGunzip = async (url) => {
  const response = await fetch(url, { cache: 'no-store' });
  return new Uint8Array(await new Response(response.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
};

export async function run(dataDir = '../data/') {
  const out = {};
  const urls = DATA.map((f) => new URL(f, new URL(dataDir, import.meta.url)).href);

  // Download only (all four in parallel, like the worker), then gunzip only (parallel and one by one).
  const [fetchMs, gz] = await ms(() => Promise.all(urls.map(fetchBytes)));
  out.fetch_gz_ms = fetchMs;
  out.gz_bytes = gz.reduce((s, b) => s + b.length, 0);
  const [gunzipParallelMs] = await ms(() => Promise.all(gz.map(gunzip)));
  out.gunzip_parallel_ms = gunzipParallelMs;
  let raw = [];
  out.gunzip_sequential_ms = 0;
  out.gunzip_each_ms = {};
  for (const [i, bytes] of gz.entries()) {
    const [t, r] = await ms(() => gunzip(bytes));
    out.gunzip_each_ms[DATA[i]] = t;
    out.gunzip_sequential_ms += t;
    raw.push(r);
  }
  out.raw_bytes = raw.reduce((s, b) => s + b.length, 0);
  // Both at once, streamed, as the worker does.
  [out.fetch_and_gunzip_streamed_ms] = await ms(() => Promise.all(urls.map(fetchGunzip)));

  // The wasm: download, compile, instantiate (the glue's init with the compiled module), Engine.
  out.build = BUILD;
  const pkgDir = packageDir(BUILD);
  const [importMs, pkg] = await ms(() => import(new URL('mnist_playground.js', pkgDir).href));
  out.wasm_glue_import_ms = importMs;
  const [wasmFetchMs, wasmBytes] = await ms(() => fetchBytes(new URL('mnist_playground_bg.wasm', pkgDir).href));
  out.wasm_fetch_ms = wasmFetchMs;
  out.wasm_bytes = wasmBytes.length;
  const [compileMs, module] = await ms(() => WebAssembly.compile(wasmBytes));
  out.wasm_compile_ms = compileMs;
  [out.wasm_instantiate_ms] = await ms(() => pkg.default({ module_or_path: module }));
  const [engineMs, engine] = await ms(() => new pkg.Engine());
  out.engine_new_ms = engineMs;
  // Streaming compile as the glue does it by default (fetch + compile overlapped), for comparison.
  [out.wasm_compile_streaming_ms] = await ms(() =>
    WebAssembly.compileStreaming(fetch(new URL('mnist_playground_bg.wasm', pkgDir).href, { cache: 'no-store' })),
  );

  // Parse: IDX bytes into the engine (what the worker's parseMs measures, minus waiting for wasm).
  [out.parse_train_ms] = await ms(() => engine.loadTrain(raw[0], raw[1]));
  [out.parse_test_ms] = await ms(() => engine.loadTest(raw[2], raw[3]));
  [out.samples_60_ms] = await ms(() => {
    for (let i = 0; i < 60; i++) engine.image('test', i);
  });

  // The default model: download, decode, first prediction.
  const [modelFetchMs, modelBytes] = await ms(() => fetchBytes(new URL('default-model.bin', new URL(dataDir, import.meta.url)).href));
  out.model_fetch_ms = modelFetchMs;
  out.model_bytes = modelBytes.length;
  [out.model_decode_ms] = await ms(() => engine.loadModel(modelBytes, 'default'));
  const rgba = new Uint8Array(280 * 280 * 4);
  for (let y = 40; y < 240; y++) for (let x = 125; x < 155; x++) rgba.fill(255, (y * 280 + x) * 4, (y * 280 + x) * 4 + 4);
  [out.first_predict_ms] = await ms(() => engine.predict(rgba, 280, 280));
  engine.free?.();
  return out;
}
