// Explanations of a prediction, in the engine worker: `explain` asks why the answering model gives a
// class for an image (the one a `prediction` carried, or the last drawing predicted) and gets the
// engine's attribution map (Engine.explainImage, src/explain/attribution.rs: the gradient of
// log p(class) or integrated gradients, signed, on the 0–1 pixel scale) back as `explanation`.
//
// Does not: check the method (the engine refuses an unknown one with a readable message), draw
// anything (www/draw/why-overlay.js), or keep a model (www/engine/models.js).

import { FromWorker } from '../protocol.js';
import { lastPredictedImage } from './models.js';
import { engine, limits } from './wasm.js';

export function explain({ id, image, class: cls, method }) {
  const pixels = image === undefined || image === null ? lastPredictedImage() : new Uint8Array(image.buffer ?? image);
  if (!pixels) throw new Error('nothing to explain yet: draw a digit first (or send the image to explain)');
  if (pixels.length !== limits.pixels) {
    throw new Error(`the image to explain has ${pixels.length} pixels; expected ${limits.pixels} (${limits.side} × ${limits.side}, as a prediction's image)`);
  }
  // wasm-bindgen would wrap -1 or truncate 2.5 into some class; say what is wrong instead.
  if (!Number.isInteger(cls) || cls < 0 || cls >= limits.classes) {
    throw new Error(`the class to explain must be a whole number from 0 to ${limits.classes - 1} (got ${JSON.stringify(cls)})`);
  }
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
