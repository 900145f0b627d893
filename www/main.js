// The page: wiring between the DOM and the engine worker (www/worker.js).
//
// It never imports the wasm package; everything goes through the messages in www/protocol.js.
// It owns the worker's lifecycle (start, crash, restart), loads MNIST with a progress bar, shows
// the data (counts, label histograms, sample digits), and hands training messages to the
// playground (www/run.js) and predictions to the drawing panel (www/draw-panel.js). The first
// worker and its load-data are started earlier by www/boot.js, the page's entry point, which
// then imports this module; startWorker() adopts that worker.
//
// Query parameters (documented in the README):
//   ?data=<dir>/     load the four IDX .gz files from another same-origin directory (relative to
//                    the page), e.g. ?data=missing/ to see the error for a missing file
//   ?debug=panic     make the Rust engine panic after loading, to see how a crash is reported
//   ?debug=panic-during-training   … or once the first training progress arrives
//   ?debug=panic-shard-during-training   … the same in a shard worker of a multi-core run
//   ?debug=panic-shard-during-evaluation … a shard worker panics on its share of the first epoch's
//                    evaluation (the lead evaluates that share itself; the run then stops)
//   ?charts=off      no live charts (to measure what drawing them costs the training)

import { DATA_FILES, FromWorker, IMAGE_SIDE, ToWorker } from './protocol.js';
import { mountDrawPanel } from './draw-panel.js';
import { stats } from './charts.js';
import { drawDigit, inkColour } from './insight.js';
import { Playground } from './run.js';
import { awaitEvaluation, mountExperiments } from './experiments.js';
import { keepOffline } from './offline.js';
import { goTo } from './dom.js';
import { TrainedModelStatus } from './model-status.js';

const SAMPLE_COUNT = 60;
const DEFAULT_DATA_DIR = 'data/';

const $ = (selector) => {
  const element = document.querySelector(selector);
  if (!element) throw new Error(`page is missing ${selector}`);
  return element;
};

const ui = {
  status: $('[data-testid="data-status"]'),
  statusText: $('#status-text'),
  statusDetail: $('#status-detail'),
  offline: $('#offline-status'),
  progress: $('#load-progress'),
  error: $('#error'),
  errorMessage: $('#error-message'),
  retry: $('#retry'),
  trainCount: $('[data-testid="train-count"]'),
  testCount: $('[data-testid="test-count"]'),
  trainHistogram: $('#train-histogram'),
  testHistogram: $('#test-histogram'),
  sampleGrid: $('[data-testid="sample-grid"]'),
};

const numberFormat = new Intl.NumberFormat('en-US');
const formatMB = (bytes) => (bytes / 1e6).toFixed(1);

// --- Query parameters ------------------------------------------------------------------------------

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

// --- Status -------------------------------------------------------------------------------------

function setState(state) {
  ui.status.dataset.state = state;
  ui.status.setAttribute('aria-busy', String(state === 'loading'));
}

function showError(message, title = 'Could not load MNIST') {
  setState('error');
  ui.statusText.textContent = title;
  ui.statusDetail.textContent = '';
  ui.progress.hidden = true;
  ui.errorMessage.textContent = message;
  ui.error.hidden = false;
}

/** Bytes downloaded per file (compressed sizes, from Content-Length). */
const progress = new Map();

function showProgress() {
  let loaded = 0;
  let total = 0;
  for (const p of progress.values()) {
    loaded += p.loaded;
    total += p.total;
  }
  const fileCount = Object.values(DATA_FILES).length * 2; // images + labels per set
  const allKnown = progress.size === fileCount && [...progress.values()].every((p) => p.total > 0);
  const done = allKnown && loaded >= total;
  ui.statusText.textContent = done ? 'Decompressing and reading MNIST…' : 'Downloading MNIST…';
  if (allKnown) {
    ui.progress.max = total;
    ui.progress.value = loaded;
    ui.statusDetail.textContent = `${formatMB(loaded)} of ${formatMB(total)} MB`;
  } else {
    ui.progress.removeAttribute('value'); // indeterminate until every file's size is known
    ui.statusDetail.textContent = `${formatMB(loaded)} MB`;
  }
}

// --- Results ------------------------------------------------------------------------------------

function renderHistogram(list, histogram, setName) {
  const max = Math.max(1, ...histogram);
  const items = histogram.map((count, digit) => {
    const li = document.createElement('li');
    li.setAttribute('aria-label', `digit ${digit}: ${numberFormat.format(count)} images`);
    li.title = `${numberFormat.format(count)} images of ${digit}`;
    const value = document.createElement('span');
    value.className = 'bar-value';
    value.textContent = numberFormat.format(count);
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.setProperty('--fraction', String(count / max));
    const label = document.createElement('span');
    label.className = 'bar-label';
    label.textContent = String(digit);
    li.append(value, bar, label);
    return li;
  });
  list.replaceChildren(...items);
  list.setAttribute('aria-label', `${setName}: images per digit`);
}

let samples = [];

function renderSamples() {
  const ink = inkColour();
  const cells = samples.map(({ index, label, pixels }) => {
    const li = document.createElement('li');
    li.className = 'sample';
    li.setAttribute('aria-label', `test image ${index}, labelled ${label}`);
    const canvas = document.createElement('canvas');
    canvas.width = IMAGE_SIDE;
    canvas.height = IMAGE_SIDE;
    canvas.setAttribute('aria-hidden', 'true');
    drawDigit(canvas, pixels, ink);
    const caption = document.createElement('span');
    caption.className = 'sample-label';
    caption.textContent = String(label);
    li.append(canvas, caption);
    return li;
  });
  ui.sampleGrid.replaceChildren(...cells);
}

function showData({ train, test, samples: received, timings }) {
  const seconds = (performance.now() / 1000).toFixed(2);
  setState('ready');
  ui.status.dataset.loadMs = String(Math.round(performance.now()));
  ui.progress.hidden = true;
  ui.statusText.textContent = `MNIST loaded: ${numberFormat.format(train.count + test.count)} images`;
  ui.statusDetail.textContent =
    `${seconds} s after opening the page (download ${(timings.downloadMs / 1000).toFixed(2)} s, ` +
    `parse ${(timings.parseMs / 1000).toFixed(2)} s)`;
  ui.trainCount.textContent = numberFormat.format(train.count);
  ui.trainCount.dataset.value = String(train.count);
  ui.testCount.textContent = numberFormat.format(test.count);
  ui.testCount.dataset.value = String(test.count);
  renderHistogram(ui.trainHistogram, train.histogram, 'Training set');
  renderHistogram(ui.testHistogram, test.histogram, 'Test set');
  samples = received;
  renderSamples();
  if (!offlineStarted) {
    offlineStarted = true;
    keepOffline(ui.offline);
  }
}

/** The service worker is registered once per page, after the first data load (www/offline.js). */
let offlineStarted = false;

// Redraw the digits in the other ink when the system theme changes.
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  if (samples.length > 0) renderSamples();
});

// --- The worker ---------------------------------------------------------------------------------

const params = new URLSearchParams(location.search);
let worker = null;
let nextId = 1; // command ids; 0 is www/boot.js's load-data
let loadId = 0;

const playground = new Playground({
  send: (message) => worker?.postMessage({ ...message, id: nextId++ }),
  request: (message) => request(message),
  chartsOn: params.get('charts') !== 'off',
});
playground.onResetClick = () => {
  if (worker) playground.reset();
  else {
    // The engine crashed: a new worker, the data again, a clean page (a requested crash only once).
    params.delete('debug');
    startWorker();
  }
};

function startWorker() {
  const dir = dataDirectory(params);
  if (dir.error) return showError(dir.error);

  worker?.terminate();
  settleAll(null);
  setAnsweringModel('');
  progress.clear();
  setState('loading');
  ui.error.hidden = true;
  ui.progress.hidden = false;
  ui.progress.removeAttribute('value');
  ui.statusText.textContent = 'Starting the engine…';
  ui.statusDetail.textContent = '';

  // www/boot.js may have started the worker and its load-data already (once, for the default data
  // directory): adopt it, and replay what it fired meanwhile once the handlers are in place.
  const boot = adoptBoot(dir.url);
  const current = boot?.worker ?? new Worker(new URL('./engine/worker.js', import.meta.url), { type: 'module', name: 'engine' });
  worker = current;
  loadId = boot ? boot.loadId : nextId++;
  playground.clearRun();
  playground.workerStarted();

  const handleMessage = (message) => {
    if (worker !== current) return; // a message from a worker we already replaced
    experiments.onMessage(message); // the run history records every run
    switch (message.type) {
      case FromWorker.READY:
        playground.onReady(message);
        break;
      case FromWorker.DATA_PROGRESS:
        progress.set(message.file, { loaded: message.loaded, total: message.total });
        if (ui.status.dataset.state === 'loading') showProgress(); // not over an error (other files still arrive)
        break;
      case FromWorker.DATA_READY:
        showData(message);
        playground.dataLoaded();
        if (params.get('debug') === 'panic') {
          current.postMessage({ type: ToWorker.DEBUG_PANIC, id: nextId++, message: 'requested with ?debug=panic' });
        }
        break;
      case FromWorker.MODEL_CHANGED:
        setAnsweringModel(message.model);
        break;
      case FromWorker.PREDICTION:
        settle(message.id, message.prediction ?? null);
        break;
      case FromWorker.MODEL_LOADED:
      case FromWorker.MODEL:
      case FromWorker.TFJS_MODEL:
      case FromWorker.CONFIG_REPORT:
      case FromWorker.TEST_IMAGES:
        settle(message.id, message);
        break;
      case FromWorker.PROGRESS:
        playground.onMessage(message);
        if (params.get('debug') === 'panic-during-training') {
          params.delete('debug'); // once: after Reset the page recovers
          current.postMessage({ type: ToWorker.DEBUG_PANIC, id: nextId++, message: 'requested with ?debug=panic-during-training' });
        }
        if (params.get('debug') === 'panic-shard-during-training') {
          params.delete('debug');
          current.postMessage({ type: ToWorker.DEBUG_PANIC, id: nextId++, shard: true, message: 'requested with ?debug=panic-shard-during-training' });
        }
        if (params.get('debug') === 'panic-shard-during-evaluation') {
          params.delete('debug');
          current.postMessage({ type: ToWorker.DEBUG_PANIC, id: nextId++, shard: 'evaluation', message: 'requested with ?debug=panic-shard-during-evaluation' });
        }
        break;
      case FromWorker.ERROR:
        if (message.id !== undefined && pending.has(message.id)) {
          // A command of the engine API failed: its promise rejects with the readable message.
          const { reject } = pending.get(message.id);
          pending.delete(message.id);
          reject(new Error(message.message));
          if (!message.fatal) break;
        }
        if (message.fatal) {
          current.terminate();
          worker = null;
          settleAll(null);
          showError(message.message, 'The engine crashed');
          playground.workerDied(message.message);
        } else if (message.id === loadId) {
          showError(message.message);
        } else {
          playground.onError(message);
        }
        break;
      default:
        if (!playground.onMessage(message)) console.warn('unknown message from the worker', message);
    }
  };
  current.onmessage = (event) => {
    const t0 = performance.now();
    if (trainedStatus.update(event.data) && answeringModel === 'trained') notifyModelListeners();
    handleMessage(event.data);
    stats.messageMs += performance.now() - t0;
    stats.messages += 1;
  };
  // A module worker that fails to load or evaluate (e.g. www/pkg/ not built) only gets a bare event.
  current.onerror = (event) => {
    event.preventDefault();
    if (worker !== current) return;
    current.terminate();
    worker = null;
    settleAll(null);
    const detail = event.message ? `: ${event.message}` : '';
    showError(`the engine worker failed to start${detail}. Was the WebAssembly built? Run: bash scripts/build.sh`);
    playground.workerDied('the engine worker failed to start');
  };
  current.onmessageerror = () => showError('a message from the engine worker could not be read');

  if (!boot) {
    current.postMessage({ type: ToWorker.LOAD_DATA, id: loadId, baseUrl: dir.url, samples: SAMPLE_COUNT });
    return;
  }
  for (const event of boot.buffered) {
    if (worker !== current) break; // an error in the replay replaced or dropped the worker
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

// --- The engine API for other panels (the drawing panel) ------------------------------------------

/** Replies awaited by the engine API, by command id. */
const pending = new Map();

function settle(id, value) {
  const entry = pending.get(id);
  if (!entry) return;
  pending.delete(id);
  entry.resolve(value);
}

/** Resolves every awaited reply with `value` (the worker was replaced; its replies will never come). */
function settleAll(value) {
  for (const { resolve } of pending.values()) resolve(value);
  pending.clear();
}

/** Sends `message` with a fresh id; resolves with the reply (or null if the worker is replaced). */
function request(message, transfer = []) {
  if (!worker) return Promise.resolve(null);
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ ...message, id }, transfer);
  });
}

let answeringModel = '';
const modelListeners = new Set();
/** How far the model being trained got ("after 1 of 1,290 steps"), for the drawing panel. */
const trainedStatus = new TrainedModelStatus();

function setAnsweringModel(model) {
  if (model === answeringModel) return;
  answeringModel = model;
  notifyModelListeners();
}

function notifyModelListeners() {
  const detail = answeringModel === 'trained' ? trainedStatus.describe() : '';
  for (const listener of modelListeners) listener(answeringModel, detail);
}

/** What www/draw-panel.js may use (see the comment at the top of that file). */
const engineApi = Object.freeze({
  /** @returns {Promise<object|null>} the prediction, or null (empty canvas, no model, engine restarted) */
  predict(rgba, width, height) {
    const copy = new Uint8ClampedArray(rgba); // the caller keeps its pixels; the copy is transferred
    return request({ type: ToWorker.PREDICT, rgba: copy.buffer, width, height }, [copy.buffer]);
  },
  /** Calls `callback(model, detail)` now and whenever the answering model or, for the model
   *  being trained, how far it got (`detail`, e.g. "after 2 of 3 epochs, 97.1% on the test set") changes. */
  onModelChange(callback) {
    modelListeners.add(callback);
    callback(answeringModel, answeringModel === 'trained' ? trainedStatus.describe() : '');
    return () => modelListeners.delete(callback);
  },
  /** @returns {Promise<Uint8Array|null>} a model file of the run being trained */
  async exportModel() {
    const reply = await request({ type: ToWorker.EXPORT_MODEL });
    return reply?.bytes ?? null;
  },
  /** Loads a model file to answer predictions; resolves with its config. */
  async loadModel(bytes, name) {
    const copy = new Uint8Array(bytes);
    const reply = await request({ type: ToWorker.LOAD_MODEL, bytes: copy.buffer, name }, [copy.buffer]);
    return reply?.config ?? null;
  },
});

mountDrawPanel(document.getElementById('draw-panel'), engineApi);

// Run history, compare chart, models in and out, guided experiments (www/experiments.js).
const experiments = mountExperiments(document.getElementById('experiments'), {
  exportModel: engineApi.exportModel,
  loadModel: engineApi.loadModel,
  exportTfjs: () => request({ type: ToWorker.EXPORT_TFJS }),
  answeringModel: () => answeringModel,
  evaluate() {
    const reply = awaitEvaluation();
    worker?.postMessage({ type: ToWorker.EVALUATE, id: nextId++ });
    return reply;
  },
  start: (config) => worker?.postMessage({ type: ToWorker.START, config, id: nextId++ }),
  reset: () => playground.reset(),
  runState: () => playground.state,
});

ui.retry.addEventListener('click', () => {
  // Retrying with a bad ?data= would fail the same way: go back to the plain page.
  if (params.has('data')) {
    location.search = '';
    return;
  }
  params.delete('debug'); // the crash was requested once; the retry shows recovery
  startWorker();
});

// Section links and the skip link scroll to their target and move the focus there, without
// changing the address's #fragment (it holds the settings: www/share.js would read "#draw-heading").
document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[data-jump]');
  if (!link) return;
  const target = document.getElementById(link.dataset.jump);
  if (!target) return;
  event.preventDefault();
  goTo(target);
});

startWorker();
