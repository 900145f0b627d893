// The engine worker: a dedicated module Web Worker that owns the WebAssembly engine and the data.
// This file receives the page's commands and dispatches each to the module that does its job:
//
//   wasm.js       which build, and starting it          download.js  fetching + gunzipping files
//   data.js       load-data, test-images               models.js    predictions, model files
//   dataset.js    load-dataset (data other than MNIST,
//                 all or nothing)
//   explain.js    why a prediction (attribution maps), attacks, one example stepped through
//   interop.js    Keras script and weights, TensorBoard logs
//   hidden-map.js the hidden-layer map (training.js also makes one after each epoch)
//   inspect.js    the learning-rate finder and the loss landscape, in chunks
//   training.js   a run: start … reset (progress.js,   team.js      shard workers of a multi-core
//                 evaluation.js report and evaluate)                run (shard-worker.js)
//   errors.js     readable text for a failure
//
// Only the engine worker and its shard workers load the wasm package (www/pkg/, through wasm.js;
// bench/ does too). The page talks to it only through the messages of www/protocol.js. Commands are handled one at a time, in
// arrival order; commands that arrive before the wasm is initialised wait for it (`load-data`
// starts its downloads at once and waits only before handing the bytes to the engine).
//
// Errors: every failure reaches the page as an `error` message with a readable text; a Rust panic
// or a trap is reported with `fatal: true` (see errors.js), and the page then recreates the worker.
//
// Does not: compute anything itself; it only routes commands and reports their failures.

import { FromWorker, ToWorker } from '../protocol.js';
import { loadData, testImages } from './data.js';
import { loadDataset } from './dataset.js';
import { describeError } from './errors.js';
import { attack, explain, smallestEpsilon, walkthrough } from './explain.js';
import { hiddenMap, hiddenMapActivations, hiddenMapPlace } from './hidden-map.js';
import { cancelFinder, cancelLandscape, startFinder, startLandscape } from './inspect.js';
import { kerasScript, kerasWeights, tensorboardZip } from './interop.js';
import { defaultModelSettled, exportModel, exportTfjs, loadModel, loadTfjs, predict } from './models.js';
import { BUILD, Engine, debugPanic, engine, limits, startEngine } from './wasm.js';
// Used by data.js and models.js; imported here too so the browser requests it with them.
import './download.js';

// The run's modules (training.js, progress.js, evaluation.js, team.js) load while the data
// downloads: statically imported, they would hold up `load-data` until the whole graph arrived.
const training = import('./training.js');
training.catch(() => {}); // a command that needs it reports the failure

/** Whether the engine holds a data set other than MNIST (loaded by `load-dataset`). */
let customData = false;

/**
 * New data ends the run on the old data (the engine forgets it when a training set is loaded):
 * the page hears `run-state` idle with `reset` and which model answers.
 */
function forgetRun(trainingModule) {
  if (trainingModule) trainingModule.reset();
  else training.then((m) => m.reset());
}

/** Set when the wasm failed to start (already reported once, with its own hint). */
let wasmFailed = false;

const wasmReady = startEngine().then(() => {
  self.postMessage({ type: FromWorker.READY, presets: Engine.presets(), defaultConfig: Engine.defaultConfig(), build: BUILD, limits, explainLimits: Engine.explainLimits(), inspectLimits: Engine.inspectLimits() });
});
wasmReady.catch((err) => {
  wasmFailed = true;
  self.postMessage({
    type: FromWorker.ERROR,
    message: `could not start the WebAssembly engine: ${describeError(err).message} (was it built? run: bash scripts/build.sh)`,
    fatal: true,
  });
});

/** Resolves once MNIST is loaded (rejects with a short message if loading failed). */
let dataLoaded = null;
const needData = () => {
  if (!dataLoaded) throw new Error(`MNIST is not loaded yet (send ${ToWorker.LOAD_DATA} first)`);
  return dataLoaded;
};

async function handle(message) {
  switch (message?.type) {
    case ToWorker.LOAD_DATA: {
      // Not awaited: commands that need no data (describe-config, pause…) run meanwhile.
      const replacing = customData;
      const loading = loadData(message, async (sets) => (await training).useTrainingSet(sets), () => {
        customData = false;
        if (replacing) forgetRun();
      });
      dataLoaded = loading.catch(() => {
        // Back to MNIST failed before the engine took it: the data set loaded before stays and
        // trains (the page shows the error and keeps that data set).
        if (customData) return;
        throw new Error('MNIST is not loaded (see the error above)');
      });
      dataLoaded.catch(() => {}); // awaited by later commands; not an unhandled rejection
      loading.catch((err) => reportError(err, message.id));
      return;
    }
    case ToWorker.LOAD_DATASET: {
      await wasmReady;
      // After an MNIST load still under way (its failure does not matter: this replaces it).
      await dataLoaded?.catch(() => {});
      const trainingModule = await training;
      await loadDataset(message, async (sets) => trainingModule.useTrainingSet(sets), () => {
        customData = true;
        forgetRun(trainingModule);
      });
      dataLoaded = Promise.resolve();
      return;
    }
    case ToWorker.DESCRIBE_CONFIG:
      await wasmReady;
      return self.postMessage({ type: FromWorker.CONFIG_REPORT, id: message.id, report: engine.describeConfig(message.config) });
    case ToWorker.PREDICT:
      await wasmReady;
      await defaultModelSettled();
      return predict(message);
    case ToWorker.EXPLAIN:
      await wasmReady;
      await defaultModelSettled();
      return explain(message);
    case ToWorker.ATTACK:
      await wasmReady;
      await defaultModelSettled();
      return attack(message);
    case ToWorker.SMALLEST_EPSILON:
      await wasmReady;
      await defaultModelSettled();
      return smallestEpsilon(message);
    case ToWorker.WALKTHROUGH:
      await wasmReady;
      await defaultModelSettled();
      return walkthrough(message);
    case ToWorker.LOAD_MODEL:
      await wasmReady;
      return loadModel(message);
    case ToWorker.EXPORT_MODEL:
      await wasmReady;
      return exportModel(message);
    case ToWorker.EXPORT_TFJS:
      await wasmReady;
      return exportTfjs(message);
    case ToWorker.LOAD_TFJS:
      await wasmReady;
      return loadTfjs(message);
    case ToWorker.KERAS_SCRIPT:
      await wasmReady;
      return kerasScript(message);
    case ToWorker.KERAS_WEIGHTS:
      await wasmReady;
      return kerasWeights(message);
    case ToWorker.TENSORBOARD_ZIP:
      await wasmReady;
      return tensorboardZip(message);
    case ToWorker.START:
      await needData();
      return (await training).start(message);
    case ToWorker.STEP:
      await needData();
      return (await training).step(message);
    case ToWorker.PAUSE:
      return (await training).pause();
    case ToWorker.RESUME:
      return (await training).resume();
    case ToWorker.STOP:
      return (await training).stop();
    case ToWorker.RESET:
      await wasmReady;
      return (await training).reset();
    case ToWorker.EVALUATE:
      await needData();
      (await training).evaluateTest(message.id);
      return;
    case ToWorker.HIDDEN_MAP:
      await needData();
      await defaultModelSettled();
      return hiddenMap(message);
    case ToWorker.HIDDEN_MAP_PLACE:
      await wasmReady;
      return hiddenMapPlace(message);
    case ToWorker.HIDDEN_MAP_ACTIVATIONS:
      await wasmReady;
      return hiddenMapActivations(message);
    case ToWorker.TEST_IMAGES:
      await needData();
      return testImages(message);
    case ToWorker.FRESH_SEED:
      await wasmReady;
      return self.postMessage({ type: FromWorker.SEED, id: message.id, seed: Engine.freshSeed() });
    case ToWorker.LR_FINDER_START:
      await needData();
      return startFinder(message);
    case ToWorker.LR_FINDER_CANCEL:
      await wasmReady;
      return cancelFinder();
    case ToWorker.LANDSCAPE_START:
      await needData();
      await defaultModelSettled();
      return startLandscape(message);
    case ToWorker.LANDSCAPE_CANCEL:
      await wasmReady;
      return cancelLandscape();
    case ToWorker.DEBUG_PANIC:
      await wasmReady;
      if (message.shard) return (await training).debugPanicShard(String(message.message ?? 'requested by the page'), message.shard === 'evaluation' ? 'evaluation' : 'now');
      return debugPanic(String(message.message ?? 'requested by the page'));
    default:
      throw new Error(`unknown message type ${JSON.stringify(message?.type)} (see www/protocol.js)`);
  }
}

function reportError(err, id) {
  if (wasmFailed) return;
  const { message, fatal } = describeError(err);
  self.postMessage({ type: FromWorker.ERROR, id, message, fatal });
}

let queue = Promise.resolve();
self.onmessage = (event) => {
  const message = event.data;
  queue = queue.then(() => handle(message)).catch((err) => reportError(err, message?.id));
};

self.addEventListener('unhandledrejection', (event) => {
  const { message, fatal } = describeError(event.reason);
  self.postMessage({ type: FromWorker.ERROR, message, fatal });
});
