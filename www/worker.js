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

// Two builds of the engine: www/pkg-relaxed/ uses relaxed-SIMD fused multiply-add in its matrix
// kernel (faster), www/pkg/ plain 128-bit SIMD. A browser that validates this tiny module (one
// f32x4.relaxed_madd) gets the relaxed build; every other one the plain build.
const v128Zero = [0xfd, 0x0c, ...new Array(16).fill(0)];
const probeBody = [0x00, ...v128Zero, ...v128Zero, ...v128Zero, 0xfd, 0x85, 0x02, 0x0b];
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section
  0x0a, probeBody.length + 2, 0x01, probeBody.length, ...probeBody, // code section
]);
/** Which build runs here: "relaxed-simd" or "simd". */
const BUILD = WebAssembly.validate(RELAXED_SIMD_PROBE) ? 'relaxed-simd' : 'simd';
const wasmPackage = import(BUILD === 'relaxed-simd' ? './pkg-relaxed/mnist_playground.js' : './pkg/mnist_playground.js');
let Engine;
let debugPanic;
const init = () =>
  wasmPackage.then((pkg) => {
    ({ Engine, debugPanic } = pkg);
    return pkg.default();
  });
import { DATA_FILES, DEFAULT_MODEL_FILE, FromWorker, IMAGE_SIDE, RunState, ToWorker } from './protocol.js';
import { Team, canShare } from './team.js';

const PROGRESS_INTERVAL_MS = 50;
/** The engine refuses more (src/config.rs MAX_THREADS) with a message saying so. */
const MAX_THREADS = 8;
const MAX_SAMPLES = 1000;

/** @type {Engine | null} */
let engine = null;
/** The data sets' IDX bytes for shard workers, and the team of them (see www/team.js). */
let trainingBytes = null;
/** @type {Team | null} */
let team = null;
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
  post({ type: FromWorker.READY, presets: Engine.presets(), defaultConfig: Engine.defaultConfig(), build: BUILD });
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
/**
 * `fetch(url)`, or the page's offline copy of it (sw.js) when the network refuses. The service
 * worker lets the data files through untouched, and Firefox is reported to refuse a worker's fetch
 * while offline before a service worker sees it (Mozilla bug 2067202).
 */
async function fetchOrCopy(url) {
  try {
    return await fetch(url);
  } catch (err) {
    const copy = await globalThis.caches?.match(String(url)).catch(() => undefined);
    if (copy) return copy;
    throw err;
  }
}

async function fetchGunzip(url, onProgress) {
  const name = displayName(url);
  let response;
  try {
    response = await fetchOrCopy(url);
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

  // The default model downloads alongside the data and answers drawings even if the data fails.
  const model = fetchDefaultModel(base);
  defaultModelTried = model.then(installDefaultModel);
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
  // Kept for the shard workers of multi-core runs (which need a shareable copy of them).
  trainingBytes = canShare() ? { images: trainImages, labels: trainLabels, testImages, testLabels } : null;
  team?.shutdown();
  team = null;
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
  await defaultModelTried;
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

/** Settles once the default model was loaded or found missing (predictions wait for it). */
let defaultModelTried = Promise.resolve();

/**
 * The bytes of data/default-model.bin, or null if the server does not have it (a missing file is
 * not an error: drawing says "no model yet").
 */
async function fetchDefaultModel(base) {
  const url = new URL(DEFAULT_MODEL_FILE, base);
  try {
    const response = await fetchOrCopy(url);
    return response.ok ? { url, bytes: new Uint8Array(await response.arrayBuffer()) } : null;
  } catch {
    return null; // offline or refused
  }
}

/** Loads the fetched default model into the engine (unless the user already loaded one). */
async function installDefaultModel(fetched) {
  if (!fetched) return;
  try {
    await wasmReady;
  } catch {
    return; // reported once, with its own hint
  }
  if (engine.answeringModel() !== '') return;
  try {
    engine.loadModel(fetched.bytes, 'default');
  } catch (err) {
    // A shipped model that no longer decodes is worth a console line, not a page error.
    console.warn(`${displayName(fetched.url)} was not loaded: ${describe(err).message}`);
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

function exportTfjs({ id }) {
  const { model_json, weights } = engine.exportTfjs();
  post({ type: FromWorker.TFJS_MODEL, id, model_json, weights }, [weights.buffer]);
}

// --- Training -------------------------------------------------------------------------------------
//
// A run trains in chunks of about CHUNK_MS, each a few `trainSteps` calls of about CALL_MS (the
// steps per call adapt to the measured time per step), then yields to the event loop through a
// MessageChannel (not setTimeout, which browsers clamp to 4 ms when nested), so `pause`, `stop`
// and `predict` are handled within one chunk. Progress is posted every TRAIN_PROGRESS_MS, layer
// statistics and first-layer weights every STATS_MS. At every epoch's end the validation and test
// sets are evaluated in slices of about CHUNK_MS too (Engine.evaluate*Range, added up here), so
// the worker stays responsive while a large network evaluates 15,000 images.

const CHUNK_MS = 30;
const CALL_MS = 3;
const MAX_STEPS_PER_CALL = 4096;
const TRAIN_PROGRESS_MS = 200;
const STATS_MS = 500;
/** First-layer units whose incoming weights are sent as images. */
const WEIGHT_UNITS = 64;

/** The run's state as the page sees it (see RunState in protocol.js). */
const run = {
  state: RunState.IDLE,
  /** `step` with unit "epoch": pause when the current epoch ends. */
  untilEpochEnd: false,
  /** A Step pressed while paused during an epoch's evaluation: done when the evaluation ends. */
  deferredStep: null,
  info: null,
  /** Workers training the run (config.threads as used). */
  threads: 1,
  stepsPerCall: 1,
  /** Points since the last `progress` post: one per training step (batch). */
  points: { step: [], loss: [], accuracy: [], learning_rate: [] },
  last: null,
  lastProgressAt: 0,
  lastStatsAt: 0,
  /** Samples and wall time since the rate window started (for samples/s). */
  windowSamples: 0,
  windowStart: 0,
  rate: 0,
  /** Training time (ms, excluding evaluations and pauses) and samples of the current epoch. */
  epochTrainMs: 0,
  epochSamples: 0,
  scheduled: false,
  /** An evaluation in slices (see startEvaluation), or null. */
  evaluation: null,
  /** Counts configured runs and resets: an evaluation of an older one is abandoned. */
  generation: 0,
};

function setState(state) {
  if (run.state === state) return;
  run.state = state;
  if (state !== RunState.RUNNING) run.untilEpochEnd = false;
  post({ type: FromWorker.RUN_STATE, state });
}

const channel = new MessageChannel();
channel.port1.onmessage = () => {
  run.scheduled = false;
  try {
    if (run.evaluation) evaluateSlice();
    else trainChunk();
  } catch (err) {
    run.evaluation = null;
    fail(err);
  }
};
function scheduleChunk() {
  if (run.scheduled) return;
  run.scheduled = true;
  channel.port2.postMessage(null);
}

function resetWindow() {
  run.windowSamples = 0;
  run.windowStart = performance.now();
}

function clearPoints() {
  run.points = { step: [], loss: [], accuracy: [], learning_rate: [] };
}

/** Starts a run of `config`; with `threads` > 1 on a team of workers when the page can share memory. */
async function configure(requested) {
  // Without shared memory the run falls back to one core (and says so in `configured`).
  const threads = canShare() && trainingBytes ? (requested.threads ?? 1) : 1;
  const config = { ...requested, threads };
  let info;
  if (Number.isInteger(threads) && threads > 1 && threads <= MAX_THREADS) {
    if (!team) {
      team = new Team({ Engine, build: BUILD, ...trainingBytes });
      // Keep only the team's shared copies of the bytes (the unshared ones can be collected).
      trainingBytes = { images: team.images, labels: team.labels, testImages: team.test?.images ?? null, testLabels: team.test?.labels ?? null };
    }
    info = await team.configure(engine, config);
  } else {
    info = engine.configure(config);
  }
  run.threads = threads;
  run.evaluation = null;
  run.deferredStep = null;
  run.generation += 1;
  run.info = info;
  run.stepsPerCall = 1;
  run.last = null;
  run.rate = 0;
  run.epochTrainMs = 0;
  run.epochSamples = 0;
  clearPoints();
  resetWindow();
  post({ type: FromWorker.CONFIGURED, info, config });
  announceModel();
}

/** One trainSteps call, timed; records its point. Returns the Progress record. */
function trainCall(maxSteps) {
  const t0 = performance.now();
  const p = run.threads > 1 ? team.trainSteps(engine, maxSteps) : engine.trainSteps(maxSteps);
  const ms = performance.now() - t0;
  if (p.steps > 0) {
    const perStep = ms / p.steps;
    const target = Math.round(CALL_MS / Math.max(perStep, 1e-3));
    // Grow gently, shrink at once: a slow call must not make a chunk overrun.
    run.stepsPerCall = Math.max(1, Math.min(MAX_STEPS_PER_CALL, target, run.stepsPerCall * 2));
    // A point per step (batch), not per call: a call's mean would smooth small batches' noise, by
    // an amount that depends on the machine's speed.
    const log = engine.lastSteps(); // [loss, accuracy, learning rate] per step of this call
    const first = p.step - p.steps + 1;
    for (let k = 0; k < p.steps; k++) {
      run.points.step.push(first + k);
      run.points.loss.push(log[3 * k]);
      run.points.accuracy.push(log[3 * k + 1]);
      run.points.learning_rate.push(log[3 * k + 2]);
    }
  }
  run.windowSamples += p.samples;
  run.epochTrainMs += ms;
  run.epochSamples += p.samples;
  run.last = p;
  return p;
}

function postProgress() {
  const p = run.last;
  if (!p) return;
  const now = performance.now();
  const windowMs = now - run.windowStart;
  if (windowMs > 0 && run.windowSamples > 0) {
    const current = (1000 * run.windowSamples) / windowMs;
    run.rate = run.rate > 0 ? 0.6 * run.rate + 0.4 * current : current;
  }
  resetWindow();
  const batch = run.info ? run.info.training_images / run.info.steps_per_epoch : 1;
  const stepsLeft = p.total_steps - p.step;
  post({
    type: FromWorker.PROGRESS,
    step: p.step,
    total_steps: p.total_steps,
    epoch: p.epoch,
    epoch_fraction: p.epoch_fraction,
    epochs: run.info ? p.total_steps / run.info.steps_per_epoch : 0,
    learning_rate: p.learning_rate,
    samples_per_second: run.rate,
    seconds_left: run.rate > 0 ? (stepsLeft * batch) / run.rate : null,
    points: run.points,
  });
  clearPoints();
  run.lastProgressAt = now;
}

function postStats() {
  run.lastStatsAt = performance.now();
  const layers = engine.layerStats();
  const weights = engine.firstLayerWeights(WEIGHT_UNITS);
  post(
    { type: FromWorker.LAYER_STATS, step: run.last?.step ?? 0, layers, weights, units: weights.length / (IMAGE_SIDE * IMAGE_SIDE) },
    [weights.buffer],
  );
}

/** Summary of an evaluation for the per-epoch charts (null when there was nothing to evaluate). */
const summary = (e) => (e && e.count > 0 ? { loss: e.loss, accuracy: e.accuracy, count: e.count } : null);

/** A whole test evaluation at once (the `evaluate` command). */
function evaluateTest(epoch) {
  const t0 = performance.now();
  const test = engine.evaluateTest();
  post({ type: FromWorker.EVALUATION, which: 'test', step: run.last?.step ?? 0, epoch, evaluation: test, ms: performance.now() - t0 });
  return test;
}

/** Adds up evaluations of disjoint slices (src/metrics.rs Evaluation); null for no slices. */
function mergeEvaluations(parts) {
  const nonEmpty = parts.filter((e) => e && e.count > 0);
  if (nonEmpty.length === 0) return null;
  const confusion = Array.from({ length: 10 }, () => new Array(10).fill(0));
  let count = 0;
  let lossSum = 0;
  const misclassified = [];
  for (const e of nonEmpty) {
    count += e.count;
    lossSum += e.loss * e.count;
    e.confusion.forEach((row, t) => row.forEach((n, p) => (confusion[t][p] += n)));
    misclassified.push(...e.misclassified);
  }
  let correct = 0;
  const perClass = confusion.map((row, k) => {
    correct += row[k];
    const total = row.reduce((a, b) => a + b, 0);
    return total > 0 ? row[k] / total : NaN;
  });
  return { count, loss: lossSum / count, accuracy: correct / count, confusion, per_class_accuracy: perClass, misclassified };
}

/**
 * Evaluates in slices of about CHUNK_MS between which the worker handles messages, so Pause and
 * predictions are not held up by an epoch's evaluation (a large network takes seconds for 15,000
 * images). `phases` is a list of ["validation" | "test", size]; `done(results)` gets the merged
 * evaluations by phase. A new run or a reset abandons it. In a multi-core run the shard workers
 * evaluate the later ranges of each phase meanwhile (www/team.js evaluateShares); a range whose
 * shard worker failed is evaluated here afterwards, in slices too. Parts are merged in range order,
 * so the result lists misclassified images in the same order as one worker.
 */
function startEvaluation(phases, done) {
  const ranges = phases.map(([which, size]) => ({ which, start: 0, end: size, share: true }));
  run.evaluation = { ranges, range: 0, offset: null, parts: {}, shares: [], slice: 500, started: performance.now(), done, generation: run.generation };
  scheduleChunk();
}

function evaluateSlice() {
  const e = run.evaluation;
  if (e.waiting) return;
  const r = e.ranges[e.range];
  if (e.offset === null) {
    // The start of a phase: hand the shard workers their ranges.
    const shared = r.share && run.threads > 1 && team?.active > 0 ? team.evaluateShares(r.which, r.end) : null;
    if (shared) {
      r.end = shared.end;
      e.shares.push({ which: r.which, others: shared.others });
    }
    e.offset = r.start;
  }
  const end = Math.min(r.end, e.offset + e.slice);
  const t0 = performance.now();
  const part = end > e.offset ? evaluateRange(r.which, e.offset, end) : null;
  const ms = performance.now() - t0;
  // Size the next slice to about CHUNK_MS from this one's time per image.
  if (end > e.offset && ms > 0) e.slice = Math.max(100, Math.min(10_000, Math.round(((end - e.offset) * CHUNK_MS) / ms)));
  (e.parts[r.which] ??= []).push({ start: e.offset, evaluation: part });
  e.offset = end;
  if (e.offset >= r.end) {
    e.range += 1;
    e.offset = null;
  }
  if (e.range < e.ranges.length) return scheduleChunk();
  if (e.shares.length === 0) return finishEvaluation(e);
  // The lead's ranges are done: wait for the shard workers' (their network cannot change meanwhile:
  // the lead does not train while run.evaluation is set).
  e.waiting = true;
  const shares = e.shares;
  e.shares = [];
  Promise.all(shares.map((s) => s.others)).then((all) => {
    if (run.evaluation !== e || e.generation !== run.generation) return; // abandoned
    e.waiting = false;
    shares.forEach((share, k) => {
      for (const { start, end: stop, evaluation } of all[k]) {
        if (evaluation) e.parts[share.which].push({ start, evaluation });
        // A shard worker that failed to answer: evaluate its range here, in slices.
        else if (stop > start) e.ranges.push({ which: share.which, start, end: stop, share: false });
      }
    });
    if (e.range < e.ranges.length) scheduleChunk();
    else finishEvaluation(e);
  }).catch((err) => {
    if (run.evaluation !== e) return;
    run.evaluation = null;
    fail(err);
  });
}

const evaluateRange = (which, start, end) => (which === 'test' ? engine.evaluateTestRange(start, end) : engine.evaluateValidationRange(start, end));

function finishEvaluation(e) {
  run.evaluation = null;
  const inOrder = (parts) => [...parts].sort((a, b) => a.start - b.start).map((p) => p.evaluation);
  const results = Object.fromEntries(Object.entries(e.parts).map(([k, parts]) => [k, mergeEvaluations(inOrder(parts))]));
  e.done(results, performance.now() - e.started);
  if (run.state === RunState.RUNNING) scheduleChunk();
  const deferred = run.deferredStep;
  run.deferredStep = null;
  if (deferred && run.state === RunState.PAUSED) step(deferred);
}

function endEpoch(p) {
  const trainMs = run.epochTrainMs;
  const samples = run.epochSamples;
  run.epochTrainMs = 0;
  run.epochSamples = 0;
  const phases = [['validation', run.info?.validation_images ?? 0], ['test', engine.testCount()]];
  startEvaluation(phases, ({ validation, test }, ms) => {
    if (test) post({ type: FromWorker.EVALUATION, which: 'test', step: p.step, epoch: p.epoch, evaluation: test, ms });
    // The model as it is at this epoch's end, for the run history (www/recorder.js): asked for
    // after this message, it would already have trained on the next epoch's first batches.
    let model = null;
    try {
      model = engine.exportModel();
    } catch {
      // a diverged network is not exported (the run is failing anyway)
    }
    post({
      type: FromWorker.EPOCH,
      model,
      epoch: p.epoch,
      step: p.step,
      train: { loss: p.epoch_loss, accuracy: p.epoch_accuracy },
      validation: summary(validation),
      test: summary(test),
      samples_per_second: trainMs > 0 ? (1000 * samples) / trainMs : 0,
      train_ms: trainMs,
      evaluate_ms: ms,
    }, model ? [model.buffer] : []);
    resetWindow(); // the evaluation's time is not training time
    if (p.finished) setState(RunState.FINISHED);
    else if (run.untilEpochEnd && run.state === RunState.RUNNING) setState(RunState.PAUSED);
  });
}

/** Everything to do after training calls: progress, statistics, epoch end. */
function afterTraining(p, force) {
  const now = performance.now();
  if (force || p.epoch_finished || now - run.lastProgressAt >= TRAIN_PROGRESS_MS) postProgress();
  if (force || p.epoch_finished || now - run.lastStatsAt >= STATS_MS) postStats();
  announceModel();
  if (p.steps > 0 && (p.epoch_finished || p.finished)) endEpoch(p);
}

/** The engine's words when a shard worker of the run failed (src/wasm_api/shared_exchange.rs). */
const SHARD_FAILED = 'another training worker failed';
/** How long a failed multi-core run waits for the failed shard worker's own message. */
const SHARD_REASON_WAIT_MS = 300;

function fail(err) {
  const { message, fatal } = describe(err);
  // The batches before the failing one still count (the run history keeps the curve up to it).
  if (!fatal && run.points.step.length > 0) postProgress();
  const report = (text) => {
    if (!fatal) setState(RunState.FAILED);
    post({ type: FromWorker.ERROR, message: text, fatal, during: 'training' });
    // A diverged network no longer answers drawings (the engine falls back to the loaded model).
    if (!fatal) announceModel();
  };
  if (fatal || !message.includes(SHARD_FAILED) || !team) return report(message);
  // A shard worker failed and its own message (say, its Rust panic) is still on its way: wait
  // briefly so the error says what went wrong there. Nothing trains meanwhile (the state is set
  // here and announced with the error); a new run started in between makes this report moot.
  const { state, generation } = run;
  run.state = RunState.FAILED;
  const started = performance.now();
  const waitForReason = () => {
    if (run.generation !== generation) return;
    const reason = team?.failure();
    if (!reason && performance.now() - started < SHARD_REASON_WAIT_MS) return setTimeout(waitForReason, 20);
    run.state = state;
    report(reason ? message.replace(SHARD_FAILED, `${SHARD_FAILED} (${reason})`) : message);
  };
  waitForReason();
}

function trainChunk() {
  if (run.state !== RunState.RUNNING) return;
  const start = performance.now();
  let p;
  try {
    do {
      p = trainCall(run.stepsPerCall);
    } while (!p.epoch_finished && !p.finished && p.steps > 0 && performance.now() - start < CHUNK_MS);
    afterTraining(p, false);
    if (p.steps === 0 && p.finished) setState(RunState.FINISHED);
  } catch (err) {
    return fail(err);
  }
  if (run.state === RunState.RUNNING) scheduleChunk();
}

const hasRun = () => run.state === RunState.RUNNING || run.state === RunState.PAUSED;

async function start({ config }) {
  if (hasRun()) throw new Error('a run is in progress: stop or reset it first');
  await configure(config);
  setState(RunState.RUNNING);
  resetWindow();
  scheduleChunk();
}

async function step({ config, unit }) {
  if (run.state === RunState.RUNNING) return; // already moving
  // A paused run's epoch-end evaluation is still running: its model must not change yet, so the
  // step waits for it (finishEvaluation). A finished or stopped run's evaluation is abandoned by
  // configure() below, as Train does.
  if (run.evaluation && run.state === RunState.PAUSED) {
    run.deferredStep = { config, unit };
    return;
  }
  if (run.state !== RunState.PAUSED) {
    await configure(config);
    setState(RunState.PAUSED);
  }
  resetWindow();
  if (unit === 'epoch') {
    setState(RunState.RUNNING);
    run.untilEpochEnd = true;
    scheduleChunk();
    return;
  }
  try {
    const p = trainCall(1);
    afterTraining(p, true);
  } catch (err) {
    fail(err);
  }
}

function pause() {
  if (run.state !== RunState.RUNNING) return;
  if (run.last) postProgress(); // the last numbers first, then the state
  setState(RunState.PAUSED);
}

function resume() {
  if (run.state !== RunState.PAUSED) return;
  setState(RunState.RUNNING);
  resetWindow();
  scheduleChunk();
}

function stop() {
  if (!hasRun()) return;
  if (run.last) postProgress();
  setState(RunState.STOPPED);
  // The model as stopped, on the test set (unless an epoch's evaluation is already under way).
  const last = run.last;
  if (last && !run.evaluation) {
    startEvaluation([['test', engine.testCount()]], ({ test }, ms) => {
      if (test) post({ type: FromWorker.EVALUATION, which: 'test', step: last.step, epoch: last.epoch + last.epoch_fraction, evaluation: test, ms });
    });
  }
}

function reset() {
  engine.reset();
  run.evaluation = null;
  run.deferredStep = null;
  run.generation += 1;
  run.info = null;
  run.last = null;
  clearPoints();
  run.state = RunState.IDLE;
  run.untilEpochEnd = false;
  // Always confirmed: the page clears its views on this, after any message of the old run.
  post({ type: FromWorker.RUN_STATE, state: RunState.IDLE, reset: true });
  announceModel();
}

/**
 * Test images for the gallery: `indices` (at most 500), or the first `limit` images labelled
 * `label` whose index is not in `exclude` (the correctly classified ones of a digit).
 */
function testImages({ id, indices, label, exclude, limit }) {
  const count = engine.testCount();
  let wanted = indices ?? [];
  if (indices === undefined && Number.isInteger(label)) {
    const skip = new Set(exclude ?? []);
    const max = Math.min(500, limit ?? 100);
    wanted = [];
    for (let i = 0; i < count && wanted.length < max; i++) {
      if (!skip.has(i) && engine.label('test', i) === label) wanted.push(i);
    }
  }
  const images = [];
  for (const index of wanted.slice(0, 500)) {
    if (!Number.isInteger(index) || index < 0 || index >= count) continue;
    images.push({ index, label: engine.label('test', index), pixels: engine.image('test', index) });
  }
  post({ type: FromWorker.TEST_IMAGES, id, images }, images.map((i) => i.pixels.buffer));
}

// --- Dispatch -------------------------------------------------------------------------------------

/** Resolves once MNIST is loaded (rejects with a short message if loading failed). */
let dataLoaded = null;
const needData = () => {
  if (!dataLoaded) throw new Error('MNIST is not loaded yet (send load-data first)');
  return dataLoaded;
};

async function handle(message) {
  switch (message?.type) {
    case ToWorker.LOAD_DATA: {
      // Not awaited: commands that need no data (describe-config, pause…) run meanwhile.
      const loading = loadData(message);
      dataLoaded = loading.catch(() => {
        throw new Error('MNIST is not loaded (see the error above)');
      });
      dataLoaded.catch(() => {}); // awaited by later commands; not an unhandled rejection
      loading.catch((err) => reportError(err, message.id));
      return;
    }
    case ToWorker.DESCRIBE_CONFIG:
      await wasmReady;
      return post({ type: FromWorker.CONFIG_REPORT, id: message.id, report: engine.describeConfig(message.config) });
    case ToWorker.PREDICT:
      await wasmReady;
      await defaultModelTried;
      return predict(message);
    case ToWorker.LOAD_MODEL:
      await wasmReady;
      return loadModel(message);
    case ToWorker.EXPORT_MODEL:
      await wasmReady;
      return exportModel(message);
    case ToWorker.EXPORT_TFJS:
      await wasmReady;
      return exportTfjs(message);
    case ToWorker.START:
      await needData();
      return start(message);
    case ToWorker.STEP:
      await needData();
      return step(message);
    case ToWorker.PAUSE:
      return pause();
    case ToWorker.RESUME:
      return resume();
    case ToWorker.STOP:
      return stop();
    case ToWorker.RESET:
      await wasmReady;
      return reset();
    case ToWorker.EVALUATE:
      await needData();
      evaluateTest(run.last ? run.last.epoch + run.last.epoch_fraction : 0);
      return;
    case ToWorker.TEST_IMAGES:
      await needData();
      return testImages(message);
    case ToWorker.DEBUG_PANIC:
      await wasmReady;
      if (message.shard) return team?.debugPanicShard(String(message.message ?? 'requested by the page'), message.shard === 'evaluation' ? 'evaluation' : 'now');
      return debugPanic(String(message.message ?? 'requested by the page'));
    default:
      throw new Error(`unknown message type ${JSON.stringify(message?.type)} (see www/protocol.js)`);
  }
}

function reportError(err, id) {
  if (wasmFailed) return;
  const { message, fatal } = describe(err);
  post({ type: FromWorker.ERROR, id, message, fatal });
}

let queue = Promise.resolve();
self.onmessage = (event) => {
  const message = event.data;
  queue = queue.then(() => handle(message)).catch((err) => reportError(err, message?.id));
};

self.addEventListener('unhandledrejection', (event) => {
  const { message, fatal } = describe(event.reason);
  post({ type: FromWorker.ERROR, message, fatal });
});
