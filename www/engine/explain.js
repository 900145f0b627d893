// Explanations of a prediction, in the engine worker: `explain` asks why the answering model gives a
// class for an image (the one a `prediction` carried, or the last drawing predicted) and gets the
// engine's attribution map (Engine.explainImage, src/explain/attribution.rs: the gradient of
// log p(class) or integrated gradients, signed, on the 0–1 pixel scale) back as `explanation`.
// `attack` and `smallest-epsilon` run the engine's targeted attack (Engine.attackImage,
// Engine.smallestEpsilon, src/explain/attack.rs); `walkthrough` one example stepped through
// backpropagation (Engine.walkthrough, src/explain/walkthrough.rs). Every float array of a reply
// is transferred, not copied.
//
// Does not: check the method, budgets, step counts or learning rates (the engine refuses them with
// a readable message), draw anything (www/draw/why-overlay.js, www/explain/), or keep a model
// (www/engine/models.js).

import { FromWorker } from '../protocol.js';
import { lastPredictedImage } from './models.js';
import { engine, limits } from './wasm.js';

/** The image of a request (or the last drawing predicted), checked for its size. */
function imageOf(image, what) {
  const pixels = image === undefined || image === null ? lastPredictedImage() : new Uint8Array(image.buffer ?? image);
  if (!pixels) throw new Error(`nothing to ${what} yet: draw a digit first (or send the image)`);
  if (pixels.length !== limits.pixels) {
    throw new Error(`the image to ${what} has ${pixels.length} pixels; expected ${limits.pixels} (${limits.side} × ${limits.side}, as a prediction's image)`);
  }
  return pixels;
}

/** Refuses a class that is not 0 … classes − 1: wasm-bindgen would wrap −1 or truncate 2.5 into some class. */
function checkClass(cls, what) {
  if (!Number.isInteger(cls) || cls < 0 || cls >= limits.classes) {
    throw new Error(`the ${what} must be a whole number from 0 to ${limits.classes - 1} (got ${JSON.stringify(cls)})`);
  }
}

/** Refuses what is not a finite number (wasm-bindgen would read it as NaN or 0). */
function checkNumber(value, what, integer = false) {
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new Error(`the ${what} must be a ${integer ? 'whole ' : ''}number (got ${JSON.stringify(value)})`);
  }
}

export function explain({ id, image, class: cls, method }) {
  const pixels = imageOf(image, 'explain');
  checkClass(cls, 'class to explain');
  const result = engine.explainImage(pixels, cls, method);
  // The map comes out of wasm as its own Float32Array; it is transferred, not copied again.
  const map = result.map;
  self.postMessage(
    {
      type: FromWorker.EXPLANATION,
      id,
      map,
      class: result.class,
      method: result.method,
      probabilities: result.probabilities,
      log_prob: result.log_prob,
      // The gradient has none of these: null, as www/protocol.js says (wasm gives undefined).
      baseline_log_prob: result.baseline_log_prob ?? null,
      steps: result.steps,
      completeness_error: result.completeness_error ?? null,
      model: result.model,
    },
    [map.buffer],
  );
}

/** An attack's result as a plain object whose two images are transferred with it. */
function attackReply(a, transfer) {
  transfer.push(a.image.buffer, a.perturbation.buffer);
  return {
    image: a.image,
    perturbation: a.perturbation,
    before: a.before,
    after: a.after,
    predicted_before: a.predicted_before,
    predicted_after: a.predicted_after,
    reached: a.reached,
    target: a.target,
    epsilon: a.epsilon,
    steps: a.steps,
    model: a.model,
  };
}

export function attack({ id, image, target, epsilon, steps }) {
  const pixels = imageOf(image, 'attack');
  checkClass(target, 'target class');
  checkNumber(epsilon, 'budget ε');
  checkNumber(steps, 'number of attack steps', true);
  const transfer = [];
  const result = attackReply(engine.attackImage(pixels, target, epsilon, steps), transfer);
  self.postMessage({ type: FromWorker.ATTACK_RESULT, id, ...result }, transfer);
}

export function smallestEpsilon({ id, image, target, steps }) {
  const pixels = imageOf(image, 'attack');
  checkClass(target, 'target class');
  checkNumber(steps, 'number of attack steps', true);
  const s = engine.smallestEpsilon(pixels, target, steps);
  const transfer = [];
  const attack = attackReply(s.attack, transfer);
  self.postMessage({ type: FromWorker.EPSILON_RESULT, id, epsilon: s.epsilon ?? null, failed_below: s.failed_below, attack }, transfer);
}

export function walkthrough({ id, image, label, learning_rate: rate }) {
  const pixels = imageOf(image, 'step through');
  checkClass(label, 'label');
  checkNumber(rate, 'learning rate');
  const w = engine.walkthrough(pixels, label, rate);
  const transfer = [w.first_layer_weight_gradient.buffer];
  // Each layer's numbers come as plain arrays; as Float32Arrays they are transferred, not cloned.
  const layers = w.layers.map((layer) => {
    const out = {
      pre_activations: Float32Array.from(layer.pre_activations),
      activations: Float32Array.from(layer.activations),
      delta: Float32Array.from(layer.delta),
    };
    transfer.push(out.pre_activations.buffer, out.activations.buffer, out.delta.buffer);
    return out;
  });
  self.postMessage(
    {
      type: FromWorker.WALKTHROUGH_RESULT,
      id,
      layers,
      probabilities: w.probabilities,
      predicted: w.predicted,
      label: w.label,
      loss: w.loss,
      first_layer_weight_gradient: w.first_layer_weight_gradient,
      units: w.units,
      learning_rate: w.learning_rate,
      probabilities_after_step: w.probabilities_after_step,
      loss_after_step: w.loss_after_step,
      model: w.model,
    },
    transfer,
  );
}
