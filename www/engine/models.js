// The model that answers drawings: the pretrained default model, a loaded model file or the run's
// own; predictions, model files (and TF.js layers models) in and out, and `model-changed` whenever the answering model changes.
//
// Does not: train (www/engine/training.js) or download (www/engine/download.js).

import { FromWorker } from '../protocol.js';
import { displayName } from './download.js';
import { describeError } from './errors.js';
import { engine, startEngine } from './wasm.js';

/** The answering model last announced with `model-changed` ("" = none), with its class names. */
let announcedModel = '';
let announcedClasses = '';
/** The config of each model loaded from a file (the default one too), by its name. */
const loadedConfigs = new Map();

/**
 * Posts `model-changed` if the model answering predictions (or its classes) is not the one last
 * announced, with its config when it was loaded from a file (null for the run's own model or none)
 * and its class names (the views label their bars, buttons and texts with them; [] for none).
 */
export function announceModel() {
  const model = engine ? engine.answeringModel() : '';
  const classes = model ? Array.from(engine.answeringClasses(), String) : [];
  const key = JSON.stringify(classes);
  if (model === announcedModel && key === announcedClasses) return;
  announcedModel = model;
  announcedClasses = key;
  self.postMessage({ type: FromWorker.MODEL_CHANGED, model, config: loadedConfigs.get(model) ?? null, classes });
}

/** Settles once the default model was loaded or found missing (predictions wait for it). */
let defaultModelTried = Promise.resolve();
export const defaultModelSettled = () => defaultModelTried;

/**
 * Loads the default model once `download` (www/engine/download.js downloadDefaultModel) has
 * fetched it, unless the user loaded a model meanwhile. Returns when that is settled.
 */
export function installDefaultModel(download) {
  defaultModelTried = download.then(async (fetched) => {
    if (!fetched) return;
    try {
      await startEngine();
    } catch {
      return; // reported once, with its own hint
    }
    if (engine.answeringModel() !== '') return;
    try {
      loadedConfigs.set('default', engine.loadModel(fetched.bytes, 'default'));
    } catch (err) {
      // A shipped model that no longer decodes is worth a console line, not a page error.
      console.warn(`${displayName(fetched.url)} was not loaded: ${describeError(err).message}`);
      return;
    }
    announceModel();
  });
  return defaultModelTried;
}

/** The image the network read for the last drawing predicted (null: none, or an empty canvas). */
let lastImage = null;
/** The last drawing's preprocessed image (what `explain` explains when it is sent no image). */
export const lastPredictedImage = () => lastImage;

export function predict({ id, rgba, width, height }) {
  const pixels = new Uint8Array(rgba);
  if (!engine.answeringModel()) {
    self.postMessage({ type: FromWorker.PREDICTION, id, prediction: null, message: 'no model yet: train one or load a model file' });
    return;
  }
  const prediction = engine.predict(pixels, width, height);
  if (prediction) prediction.image = Uint8Array.from(prediction.image);
  lastImage = prediction ? prediction.image.slice() : null;
  self.postMessage({ type: FromWorker.PREDICTION, id, prediction: prediction ?? null }, prediction ? [prediction.image.buffer] : []);
}

export function loadModel({ id, bytes, name }) {
  const config = engine.loadModel(new Uint8Array(bytes), String(name ?? 'loaded'));
  loadedConfigs.set(String(name ?? 'loaded'), config);
  self.postMessage({ type: FromWorker.MODEL_LOADED, id, config, name: String(name ?? 'loaded') });
  announceModel();
}

/** A TensorFlow.js layers model (model.json + its weight files' bytes) as the answering model. */
export function loadTfjs({ id, model_json, weights, name }) {
  const label = String(name ?? 'model.json');
  const config = engine.loadTfjs(String(model_json ?? ''), new Uint8Array(weights ?? 0), label);
  loadedConfigs.set(label, config);
  self.postMessage({ type: FromWorker.MODEL_LOADED, id, config, name: label });
  announceModel();
}

export function exportModel({ id }) {
  const bytes = engine.exportModel();
  self.postMessage({ type: FromWorker.MODEL, id, bytes }, [bytes.buffer]);
}

export function exportTfjs({ id }) {
  const { model_json, weights } = engine.exportTfjs();
  self.postMessage({ type: FromWorker.TFJS_MODEL, id, model_json, weights }, [weights.buffer]);
}
