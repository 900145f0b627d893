// The page's wiring: starts (and restarts) the engine worker, connects it to the one engine client
// (www/app/engine-client.js), and gives each panel what it needs: the data card
// (www/app/data-status.js) and its Data panel (www/data/: other data sets), the playground (www/playground/), the drawing panel (www/draw/), the
// hidden-layer map, the learning-rate finder and the loss landscape (www/inspect/) and the
// experiments (www/experiments/). The first worker and its load-data are started earlier by
// www/boot.js, the page's entry point, which then imports this module; startWorker() adopts that
// worker.
//
// It never imports the wasm package; everything goes through the messages in www/protocol.js.
// Non-goals: what the panels do with the messages; the worker itself (www/engine/).
//
// Query parameters (docs/ lists them):
//   ?data=<dir>/     load the four IDX .gz files from another same-origin directory (relative to
//                    the page), e.g. ?data=missing/ to see the error for a missing file
//   ?debug=panic     make the Rust engine panic after loading, to see how a crash is reported
//   ?debug=panic-during-training   … or once the first training progress arrives
//   ?debug=panic-shard-during-training   … the same in a shard worker of a multi-core run
//   ?debug=panic-shard-during-evaluation … a shard worker panics on its share of the first epoch's
//                    evaluation (the lead evaluates that share itself; the run then stops)
//   ?charts=off      no live charts (to measure what drawing them costs the training)

import { FromWorker, ToWorker } from '../protocol.js';
import { EngineClient } from './engine-client.js';
import { DataStatus } from './data-status.js';
import { TrainedModelStatus } from './model-status.js';
import { mountDrawPanel } from '../draw/draw-panel.js';
import { mountOwnClasses } from '../data/own-classes/own-panel.js';
import { mountHiddenMap } from '../inspect/hidden-map.js';
import { stats } from '../charts/line-chart.js';
import { Playground } from '../playground/playground.js';
import { mountExperiments } from '../experiments/experiments-panel.js';
import { mountExplainPanel } from '../explain/explain-panel.js';
import { attachGalleryWhy } from '../explain/gallery-why.js';
import { mountInspect } from '../inspect/inspect-panel.js';
import { mountDataPanel } from '../data/data-panel.js';
import { keepOffline } from '../ui/offline.js';
import { byId, goTo } from '../ui/dom.js';
import { layersText } from '../ui/format.js';

/** How many test images the worker sends back to show (as www/boot.js asks for). */
const SAMPLE_COUNT = 60;
const DEFAULT_DATA_DIR = 'data/';


const dataStatus = new DataStatus({
  status: byId('data-status'),
  statusText: byId('status-text'),
  statusDetail: byId('status-detail'),
  progress: byId('load-progress'),
  error: byId('error'),
  errorMessage: byId('error-message'),
  trainCount: byId('train-count'),
  testCount: byId('test-count'),
  trainHistogram: byId('train-histogram'),
  testHistogram: byId('test-histogram'),
  sampleGrid: byId('sample-grid'),
  samplesCaption: byId('samples-caption'),
});
const offlineNote = byId('offline-status');
const retry = byId('retry');

/** The data directory as an absolute same-origin URL ending in `/`, or an error message. */
function dataDirectory(params) {
  const dir = params.get('data') ?? DEFAULT_DATA_DIR;
  if (!/^[A-Za-z0-9_\-./]+\/$/.test(dir) || dir.startsWith('/') || dir.split('/').includes('..')) {
    return { error: `invalid ?data= directory ${JSON.stringify(dir)}: use a relative path ending in "/", e.g. data/` };
  }
  const url = new URL(dir, document.baseURI);
  if (url.origin !== location.origin) return { error: `?data= must stay on this site` };
  return { url: url.href };
}

const params = new URLSearchParams(location.search);
const engine = new EngineClient();
/** The load-data command's id of the current worker (its error is the data card's). */
let loadId = 0;
/** The engine's `ready` message (limits, default config, presets) once it came. */
let ready = null;
/** The service worker is registered once per page, after the first data load (www/ui/offline.js). */
let offlineStarted = false;

// --- Which model answers predictions, and how far the trained one got (for the drawing panel) ----

let answeringModel = '';
/** The answering model's config when it came from a model file (`model-changed`), else null. */
let answeringConfig = null;
/** The answering model's class names in label order (`model-changed`; [] before any model answers). */
let answeringClasses = [];
const modelListeners = new Set();
/** Who hears every read-out of the drawing panel (the explain panel follows the drawing). */
const predictionListeners = new Set();
const trainedStatus = new TrainedModelStatus();

function setAnsweringModel(model, config = null, classes = []) {
  // A second file of the same name is a new model: only an unchanged name and config is no news.
  if (model === answeringModel && config === answeringConfig && String(classes) === String(answeringClasses)) return;
  answeringModel = model;
  answeringConfig = config;
  answeringClasses = classes;
  notifyModelListeners();
}

/** What the drawing panel says beside the model's name: how far the trained one got, the default one's layers. */
function modelDetail() {
  if (answeringModel === 'trained') return trainedStatus.describe();
  if (answeringModel === 'default' && answeringConfig && ready) return layersText(answeringConfig, ready.limits);
  return '';
}

/** The answering model's class names; before one answers, the engine's default classes (the digits). */
function modelClasses() {
  return answeringClasses.length ? answeringClasses : (ready?.limits.class_names ?? []);
}

function notifyModelListeners() {
  const detail = modelDetail();
  for (const listener of modelListeners) listener(answeringModel, detail, modelClasses());
}

trainedStatus.subscribe(engine, () => {
  if (answeringModel === 'trained') notifyModelListeners();
});

// --- The panels -------------------------------------------------------------------------------------

const playground = new Playground({ engine, chartsOn: params.get('charts') !== 'off' });
playground.onResetClick = () => {
  if (engine.worker) playground.reset();
  else {
    // The engine crashed: a new worker, the data again, a clean page (a requested crash only once).
    params.delete('debug');
    startWorker();
  }
};

// The Data panel: MNIST, the Fashion-MNIST example, files, image folders (www/data/).
mountDataPanel(byId('data-panel'), {
  engine,
  ready: () => ready,
  runState: () => playground.state,
  settings: () => playground.settings ?? null,
  mnistUrl: () => dataDirectory(params).url ?? new URL(DEFAULT_DATA_DIR, document.baseURI).href,
  samples: SAMPLE_COUNT,
  showSamples: (samples, caption) => dataStatus.showSamples(samples, caption),
});

/** What www/draw/draw-panel.js and www/experiments/ may use of the engine. */
const engineApi = Object.freeze({
  /** @returns {Promise<object|null>} the prediction, or null (empty canvas, no model, engine restarted) */
  async predict(rgba, width, height) {
    const copy = new Uint8ClampedArray(rgba); // the caller keeps its pixels; the copy is transferred
    const reply = await engine.request({ type: ToWorker.PREDICT, rgba: copy.buffer, width, height }, FromWorker.PREDICTION, [copy.buffer]);
    const prediction = reply?.prediction ?? null;
    for (const listener of predictionListeners) listener(prediction);
    return prediction;
  },
  /** Calls `callback(prediction | null)` with every read-out `predict` returns. */
  onPrediction(callback) {
    predictionListeners.add(callback);
    return () => predictionListeners.delete(callback);
  },
  /** "Make it a `target`": the `attack-result` message (www/explain/fool.js). */
  attack(image, target, epsilon, steps) {
    const copy = Uint8Array.from(image);
    return engine.request({ type: ToWorker.ATTACK, image: copy, target, epsilon, steps }, FromWorker.ATTACK_RESULT, [copy.buffer]);
  },
  /** The smallest budget that makes it a `target`: the `epsilon-result` message. */
  smallestEpsilon(image, target, steps) {
    const copy = Uint8Array.from(image);
    return engine.request({ type: ToWorker.SMALLEST_EPSILON, image: copy, target, steps }, FromWorker.EPSILON_RESULT, [copy.buffer]);
  },
  /** One example stepped through backprop: the `walkthrough-result` message (www/explain/step-through.js). */
  walkthrough(image, label, learningRate) {
    const copy = Uint8Array.from(image);
    return engine.request({ type: ToWorker.WALKTHROUGH, image: copy, label, learning_rate: learningRate }, FromWorker.WALKTHROUGH_RESULT, [copy.buffer]);
  },
  /** @returns {Promise<{index, label, pixels}[]>} test images by index */
  async testImages(indices) {
    return (await engine.request({ type: ToWorker.TEST_IMAGES, indices }, FromWorker.TEST_IMAGES))?.images ?? [];
  },
  /**
   * Why the answering model gives `cls` for `image` (a prediction's image): the `explanation`
   * message ({map: Float32Array, class, method, probabilities, …}), or null (engine restarted).
   * @param {'gradient'|'integrated_gradients'} method
   */
  async explain(image, cls, method) {
    const copy = Uint8Array.from(image); // the caller keeps its image; the copy is transferred
    return engine.request({ type: ToWorker.EXPLAIN, image: copy, class: cls, method }, FromWorker.EXPLANATION, [copy.buffer]);
  },
  /** Calls `callback(model, detail, classes)` now and whenever the answering model or, for the model
   *  being trained, how far it got (`detail`, e.g. "after 2 of 3 epochs, 97.1% on the test set") changes;
   *  `classes` are the answering model's class names in label order (the digits before one answers,
   *  [] before the engine is ready). */
  onModelChange(callback) {
    modelListeners.add(callback);
    callback(answeringModel, modelDetail(), modelClasses());
    return () => modelListeners.delete(callback);
  },
  /** @returns {Promise<Uint8Array|null>} a model file of the run being trained */
  async exportModel() {
    const reply = await engine.request({ type: ToWorker.EXPORT_MODEL }, FromWorker.MODEL);
    return reply?.bytes ?? null;
  },
  /** Loads a model file to answer predictions; resolves with its config. */
  async loadModel(bytes, name) {
    const copy = new Uint8Array(bytes);
    const reply = await engine.request({ type: ToWorker.LOAD_MODEL, bytes: copy.buffer, name }, FromWorker.MODEL_LOADED, [copy.buffer]);
    return reply?.config ?? null;
  },
  exportTfjs: () => engine.request({ type: ToWorker.EXPORT_TFJS }, FromWorker.TFJS_MODEL),
  /** Loads a TF.js layers model (model.json text, weight files' bytes in manifest order); resolves with its implied config. */
  async loadTfjs(modelJson, weights, name) {
    const copy = new Uint8Array(weights);
    const reply = await engine.request({ type: ToWorker.LOAD_TFJS, model_json: modelJson, weights: copy.buffer, name }, FromWorker.MODEL_LOADED, [copy.buffer]);
    return reply?.config ?? null;
  },
  /** @returns {Promise<{file_name, text}|null>} the Keras script of `config` for a run called `name` */
  kerasScript: (config, name) => engine.request({ type: ToWorker.KERAS_SCRIPT, config, name }, FromWorker.KERAS_SCRIPT),
  /** @returns {Promise<Uint8Array|null>} the weights as .npz: of the model file `bytes`, or (null) of the answering model */
  async kerasWeights(bytes = null) {
    const copy = bytes ? new Uint8Array(bytes) : null;
    const reply = await engine.request({ type: ToWorker.KERAS_WEIGHTS, bytes: copy?.buffer }, FromWorker.KERAS_WEIGHTS, copy ? [copy.buffer] : []);
    return reply?.bytes ?? null;
  },
  /** @returns {Promise<Uint8Array|null>} TensorBoard logs of `runs` (docs/keras.md) as one zip */
  async tensorboardZip(runs) {
    const reply = await engine.request({ type: ToWorker.TENSORBOARD_ZIP, runs }, FromWorker.TENSORBOARD_ZIP);
    return reply?.bytes ?? null;
  },
  answeringModel: () => answeringModel,
  /** @returns {Promise<object|null>} the test-set evaluation of the answering model (null: the
   *  engine restarted); rejects with the engine's refusal (no model, no test set, other classes) */
  async evaluate() {
    // The reply carries the command's id, so an epoch's evaluation arriving meanwhile is not taken for it.
    return (await engine.request({ type: ToWorker.EVALUATE }, FromWorker.EVALUATION))?.evaluation ?? null;
  },
  start: (config) => engine.send({ type: ToWorker.START, config }),
  reset: () => playground.reset(),
  runState: () => playground.state,
  /** The engine's `ready` message, or null before it came. */
  ready: () => ready,
});

// The hidden-layer map sends a test digit to the drawing panel and marks the drawing's place.
let drawPanel = null;
const hiddenMap = mountHiddenMap(byId('hidden-map'), {
  engine,
  sendToDrawing: (pixels, caption) => drawPanel?.showImage(pixels, caption),
  drawHeading: byId('draw-heading'),
});
drawPanel = mountDrawPanel(byId('draw-panel'), { ...engineApi, onReadout: (prediction) => hiddenMap.placeDrawing(prediction) });
// Your own classes: drawn, kept, trained on; the drawing panel then reads them.
mountOwnClasses(byId('own-classes'), {
  engine,
  ready: () => ready,
  settings: () => playground.settings ?? null,
  runState: () => playground.state,
  start: engineApi.start,
  drawHeading: byId('draw-heading'),
});
// Fool the network and one example stepped through; "why?" for each digit of the test-set gallery.
const explainPanel = mountExplainPanel(byId('explain-panel'), { ...engineApi, engine });
attachGalleryWhy(byId('misclassified-gallery'), { api: engineApi, explainPanel });
// Learning-rate finder and loss landscape (they use the form's settings and the answering model).
const inspectTools = mountInspect(byId('inspect'), {
  engine,
  settings: () => playground.settings ?? null,
  runState: () => playground.state,
  engineReady: () => playground.workerAlive && playground.dataReady,
  onModelChange: engineApi.onModelChange,
});
// Run history, compare chart, models in and out, guided experiments.
mountExperiments(byId('experiments'), {
  ...engineApi,
  engine,
  settingsLink: () => playground.shareLink(),
  /** The form's config, or null while it cannot train. */
  formConfig: () => {
    const read = playground.settings?.config();
    return read && Object.keys(read.errors).length === 0 ? read.config : null;
  },
  inspect: inspectTools,
  headings: { draw: byId('draw-heading'), settings: byId('settings-heading') },
});


// --- The engine's messages that belong to the page as a whole ----------------------------------------

engine.on('*', (message) => {
  if (!Object.values(FromWorker).includes(message.type)) console.warn('unknown message from the worker', message);
});
engine.on(FromWorker.READY, (message) => {
  ready = message;
  playground.onReady(message);
  // Before a model answers, the views label their classes with the engine's defaults.
  if (!answeringClasses.length) notifyModelListeners();
});
engine.on(FromWorker.DATA_PROGRESS, (message) => dataStatus.progress(message));
engine.on(FromWorker.DATA_READY, (message) => {
  dataStatus.show(message);
  playground.dataLoaded(message.test.names);
  if (!offlineStarted) {
    offlineStarted = true;
    keepOffline(offlineNote);
  }
  if (params.get('debug') === 'panic') {
    engine.send({ type: ToWorker.DEBUG_PANIC, message: 'requested with ?debug=panic' });
  }
});
engine.on(FromWorker.MODEL_CHANGED, (message) => setAnsweringModel(message.model, message.config, message.classes ?? []));
engine.on(FromWorker.PROGRESS, () => {
  // A requested crash, once: after Reset the page recovers.
  const debug = params.get('debug');
  const shard = { 'panic-during-training': false, 'panic-shard-during-training': true, 'panic-shard-during-evaluation': 'evaluation' }[debug];
  if (shard === undefined) return;
  params.delete('debug');
  engine.send({ type: ToWorker.DEBUG_PANIC, ...(shard ? { shard } : {}), message: `requested with ?debug=${debug}` });
});
engine.on(FromWorker.ERROR, (message, { answered }) => {
  if (answered && !message.fatal) return; // a command of the engine API failed: its promise rejected
  if (message.fatal) {
    engineLost(message.message, 'The engine crashed');
  } else if (message.id === loadId) {
    dataStatus.showError(message.message);
  } else {
    playground.onError(message);
  }
});

/** The worker crashed or could not start: it goes; the data card says why; Reset restarts it. */
function engineLost(message, title, died = message) {
  engine.worker?.terminate();
  engine.use(null);
  dataStatus.showError(message, title);
  playground.workerDied(died);
}

// --- The worker ---------------------------------------------------------------------------------

function startWorker() {
  const dir = dataDirectory(params);
  if (dir.error) return dataStatus.showError(dir.error);

  engine.worker?.terminate();
  engine.use(null);
  setAnsweringModel('');
  dataStatus.starting();

  // www/boot.js may have started the worker and its load-data already (once, for the default data
  // directory): adopt it, and replay what it fired meanwhile once the handlers are in place.
  const boot = adoptBoot(dir.url);
  const current = boot?.worker ?? new Worker(new URL('../engine/worker.js', import.meta.url), { type: 'module', name: 'engine' });
  engine.use(current);
  loadId = boot ? boot.loadId : engine.nextId++;
  playground.clearRun();
  playground.workerStarted();

  current.onmessage = (event) => {
    if (engine.worker !== current) return; // a message from a worker we already replaced
    const t0 = performance.now();
    engine.dispatch(event.data);
    stats.messageMs += performance.now() - t0;
    stats.messages += 1;
  };
  // A module worker that fails to load or evaluate (e.g. www/pkg/ not built) only gets a bare event.
  current.onerror = (event) => {
    event.preventDefault();
    if (engine.worker !== current) return;
    const detail = event.message ? `: ${event.message}` : '';
    engineLost(`the engine worker failed to start${detail}. Was the WebAssembly built? Run: bash scripts/build.sh`, undefined, 'the engine worker failed to start');
  };
  current.onmessageerror = () => dataStatus.showError('a message from the engine worker could not be read');

  if (!boot) {
    current.postMessage({ type: ToWorker.LOAD_DATA, id: loadId, baseUrl: dir.url, samples: SAMPLE_COUNT });
    return;
  }
  for (const event of boot.buffered) {
    if (engine.worker !== current) break; // an error in the replay replaced or dropped the worker
    if (event.type === 'message') current.onmessage(event);
    else if (event.type === 'error') current.onerror(event);
    else current.onmessageerror(event);
  }
  boot.buffered.length = 0;
}

/**
 * The worker www/boot.js started, with its load-data id and the events it buffered, or null (no
 * boot, already adopted, or it loads other data than the page wants: then it is discarded).
 */
function adoptBoot(baseUrl) {
  const boot = globalThis.__engineBoot;
  if (!boot) return null;
  delete globalThis.__engineBoot; // once: a retry or a restart starts a fresh worker
  if (boot.baseUrl === baseUrl && boot.samples === SAMPLE_COUNT) return boot;
  boot.worker.terminate();
  return null;
}

retry.addEventListener('click', () => {
  // Retrying with a bad ?data= would fail the same way: go back to the plain page.
  if (params.has('data')) {
    location.search = '';
    return;
  }
  params.delete('debug'); // the crash was requested once; the retry shows recovery
  startWorker();
});

// Section links and the skip link scroll to their target and move the focus there, without
// changing the address's #fragment (it holds the settings: www/playground/share.js would read "#draw-heading").
document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[data-jump]');
  if (!link) return;
  const target = document.getElementById(link.dataset.jump);
  if (!target) return;
  event.preventDefault();
  goTo(target);
});

startWorker();
