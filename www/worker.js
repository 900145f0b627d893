// The engine worker: a dedicated module Web Worker that owns the WebAssembly engine and the data.
//
// It is the only importer of the wasm package (www/pkg/). The page talks to it only through the
// messages documented in www/protocol.js. Commands are handled one at a time, in arrival order;
// commands that arrive before the wasm is initialised wait for it (`load-data` starts its
// downloads at once and waits only before handing the bytes to the engine).
//
// Errors: every failure reaches the page as an `error` message with a readable text. A Rust panic
// traps the wasm instance (`WebAssembly.RuntimeError: unreachable`); the panic hook installed by
// src/wasm_api.rs leaves the panic message in `globalThis.__mnistLastPanic`, which is reported with
// `fatal: true` (the instance may be inconsistent, so the page recreates the worker).

import init, { Engine, debugPanic } from './pkg/mnist_playground.js';
import { DATA_FILES, DEFAULT_MODEL_FILE, FromWorker, IMAGE_SIDE, ToWorker } from './protocol.js';

const PROGRESS_INTERVAL_MS = 50;
const MAX_SAMPLES = 1000;

/** @type {Engine | null} */
let engine = null;
/** Set when the wasm failed to start (already reported once, with its own hint). */
let wasmFailed = false;

const post = (message, transfer = []) => self.postMessage(message, transfer);

/** Readable text for anything thrown, preferring a Rust panic message if one just happened. */
function describe(err) {
  const panic = self.__mnistLastPanic;
  if (panic) {
    self.__mnistLastPanic = undefined;
    return { message: `the engine crashed (Rust panic): ${panic}`, fatal: true };
  }
  if (err instanceof WebAssembly.RuntimeError) {
    return { message: `the engine crashed: ${err.message}`, fatal: true };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { message, fatal: false };
}

const wasmReady = init().then(() => {
  engine = new Engine();
  post({ type: FromWorker.READY });
});
wasmReady.catch((err) => {
  wasmFailed = true;
  post({
    type: FromWorker.ERROR,
    message: `could not start the WebAssembly engine: ${describe(err).message} (was it built? run: bash scripts/build.sh)`,
    fatal: true,
  });
});

/** A file name as the page should show it: its path on the server, e.g. `data/t10k-labels-idx1-ubyte.gz`. */
const displayName = (url) => decodeURIComponent(url.pathname.replace(/^\//, ''));

/**
 * Downloads one gzip'd file with byte progress and gunzips it with the browser's
 * DecompressionStream (streamed: decompression runs while bytes arrive).
 * @returns {Promise<Uint8Array>} the uncompressed bytes
 */
async function fetchGunzip(url, onProgress) {
  const name = displayName(url);
  let response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new Error(`could not download ${name}: ${err.message} (is the server still running?)`);
  }
  if (!response.ok) {
    const hint = response.status === 404 ? ' (is the data/ directory complete? see data/README.md)' : '';
    throw new Error(`could not download ${name}: HTTP ${response.status} ${response.statusText}${hint}`);
  }
  const total = Number(response.headers.get('Content-Length')) || 0;
  let loaded = 0;
  onProgress(name, loaded, total, true);
  const counter = new TransformStream({
    transform(chunk, controller) {
      loaded += chunk.byteLength;
      onProgress(name, loaded, total, false);
      controller.enqueue(chunk);
    },
    flush() {
      onProgress(name, loaded, total, true);
    },
  });
  const gunzipped = response.body.pipeThrough(counter).pipeThrough(new DecompressionStream('gzip'));
  try {
    return new Uint8Array(await new Response(gunzipped).arrayBuffer());
  } catch {
    // Browsers only say "Failed to fetch" or similar here; the cause is the gzip data.
    throw new Error(`${name} is not a valid gzip file (corrupt or incomplete); re-create data/ as described in data/README.md`);
  }
}

async function loadData({ id, baseUrl, samples = 60 }) {
  const base = new URL(baseUrl, self.location.href);
  if (base.origin !== self.location.origin) {
    throw new Error(`data must come from this site, not ${base.origin}`);
  }
  const sampleCount = Math.max(0, Math.min(MAX_SAMPLES, Math.floor(Number(samples) || 0)));

  const lastPost = new Map();
  const onProgress = (file, loaded, total, force) => {
    const now = performance.now();
    if (!force && now - (lastPost.get(file) ?? -Infinity) < PROGRESS_INTERVAL_MS) return;
    lastPost.set(file, now);
    post({ type: FromWorker.DATA_PROGRESS, id, file, loaded, total });
  };

  const t0 = performance.now();
  const urls = [DATA_FILES.train.images, DATA_FILES.train.labels, DATA_FILES.test.images, DATA_FILES.test.labels]
    .map((file) => new URL(file, base));
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    urls.map((url) => fetchGunzip(url, onProgress)),
  );
  const t1 = performance.now();
  await wasmReady;
  engine.loadTrain(trainImages, trainLabels);
  engine.loadTest(testImages, testLabels);
  const t2 = performance.now();

  const count = Math.min(sampleCount, engine.testCount());
  const sampleList = [];
  for (let index = 0; index < count; index++) {
    const pixels = engine.image('test', index);
    if (pixels.length !== IMAGE_SIDE * IMAGE_SIDE) {
      throw new Error(`test image ${index} has ${pixels.length} pixels, expected ${IMAGE_SIDE}×${IMAGE_SIDE}`);
    }
    sampleList.push({ index, label: engine.label('test', index), pixels });
  }
  post(
    {
      type: FromWorker.DATA_READY,
      id,
      train: { count: engine.trainCount(), histogram: Array.from(engine.histogram('train')) },
      test: { count: engine.testCount(), histogram: Array.from(engine.histogram('test')) },
      samples: sampleList,
      timings: { downloadMs: t1 - t0, parseMs: t2 - t1 },
    },
    sampleList.map((s) => s.pixels.buffer),
  );
  // Queued commands (e.g. a prediction) run after this, so they see the default model.
  await loadDefaultModel(base);
}

// --- Models and predictions ----------------------------------------------------------------------

/** The answering model last announced with `model-changed` ("" = none). */
let announcedModel = '';

/** Posts `model-changed` if the model answering predictions is not the one last announced. */
function announceModel() {
  const model = engine ? engine.answeringModel() : '';
  if (model === announcedModel) return;
  announcedModel = model;
  post({ type: FromWorker.MODEL_CHANGED, model });
}

/** Loads data/default-model.bin if the server has it (a missing file is not an error). */
async function loadDefaultModel(base) {
  const url = new URL(DEFAULT_MODEL_FILE, base);
  let response;
  try {
    response = await fetch(url);
  } catch {
    return; // offline or refused: drawing says "no model yet"
  }
  if (!response.ok) return;
  const bytes = new Uint8Array(await response.arrayBuffer());
  try {
    engine.loadModel(bytes, 'default');
  } catch (err) {
    // A shipped model that no longer decodes is worth a console line, not a page error.
    console.warn(`${displayName(url)} was not loaded: ${describe(err).message}`);
    return;
  }
  announceModel();
}

function predict({ id, rgba, width, height }) {
  const pixels = new Uint8Array(rgba);
  if (!engine.answeringModel()) {
    post({ type: FromWorker.PREDICTION, id, prediction: null, message: 'no model yet: train one or load a model file' });
    return;
  }
  const prediction = engine.predict(pixels, width, height);
  if (prediction) prediction.image = Uint8Array.from(prediction.image);
  post({ type: FromWorker.PREDICTION, id, prediction: prediction ?? null }, prediction ? [prediction.image.buffer] : []);
}

function loadModel({ id, bytes, name }) {
  const config = engine.loadModel(new Uint8Array(bytes), String(name ?? 'loaded'));
  post({ type: FromWorker.MODEL_LOADED, id, config, name: String(name ?? 'loaded') });
  announceModel();
}

function exportModel({ id }) {
  const bytes = engine.exportModel();
  post({ type: FromWorker.MODEL, id, bytes }, [bytes.buffer]);
}

async function handle(message) {
  switch (message?.type) {
    case ToWorker.LOAD_DATA:
      return loadData(message); // downloads while the wasm initialises; waits for it to parse
    case ToWorker.PREDICT:
      await wasmReady;
      return predict(message);
    case ToWorker.LOAD_MODEL:
      await wasmReady;
      return loadModel(message);
    case ToWorker.EXPORT_MODEL:
      await wasmReady;
      return exportModel(message);
    case ToWorker.DEBUG_PANIC:
      await wasmReady;
      return debugPanic(String(message.message ?? 'requested by the page'));
    default:
      throw new Error(`unknown message type ${JSON.stringify(message?.type)} (see www/protocol.js)`);
  }
}

let queue = Promise.resolve();
self.onmessage = (event) => {
  const message = event.data;
  queue = queue
    .then(() => handle(message))
    .catch((err) => {
      if (wasmFailed) return;
      const { message: text, fatal } = describe(err);
      post({ type: FromWorker.ERROR, id: message?.id, message: text, fatal });
    });
};

self.addEventListener('unhandledrejection', (event) => {
  const { message, fatal } = describe(event.reason);
  post({ type: FromWorker.ERROR, message, fatal });
});
