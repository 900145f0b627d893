// The hidden-layer map in the engine worker: the answering model's last hidden layer on a fixed set
// of test images, projected on its two principal components by the engine (Engine.hiddenMap,
// src/inspect/hidden_map.rs), and where a drawing falls on it (Engine.hiddenMapPlace).
//
// - `hidden-map` computes one now; with `follow` the worker also computes and posts one after a
//   run's first batch and after every epoch's evaluation (training.js calls mapAfterEpoch), until a
//   `hidden-map` with `follow: false`.
// - Each map is aligned with the last one sent of the same size (the engine negates an axis whose
//   coordinates correlate negatively with the previous map's), so it does not flip from one epoch,
//   or one model, to the next.
//
// - `hidden-map-activations` hands the last map's activations to the page (for its UMAP,
//   www/inspect/umap-worker.js).
//
// Does not: draw (www/inspect/hidden-map.js), choose the images (the engine's fixed subset) or
// send their pixels (the page asks with `test-images`).

import { FromWorker } from '../protocol.js';
import { describeError } from './errors.js';
import { Engine, engine, limits } from './wasm.js';

/** Whether (and with how many images) to post a map after every epoch. */
let follow = null;
/** The last map's coordinates (aligned against by the next map of the same size). */
let previous = null;

/** Computes a map of `count` images (the engine's default when left out) and posts it. */
function computeAndPost(id, count, epoch, step) {
  const t0 = performance.now();
  const aligned = previous && previous.length === 2 * count ? previous : undefined;
  const map = engine.hiddenMap(count, aligned);
  const ms = performance.now() - t0;
  previous = map.coordinates.slice();
  const { indices, labels, predictions, coordinates } = map;
  self.postMessage(
    {
      type: FromWorker.HIDDEN_MAP,
      id,
      indices,
      labels,
      predictions,
      coordinates,
      explained: Array.from(map.explained),
      flipped: Array.from(map.flipped),
      units: map.units,
      model: map.model,
      epoch: epoch ?? null,
      step: step ?? null,
      classes: limits.classes,
      ms,
    },
    [indices.buffer, labels.buffer, predictions.buffer, coordinates.buffer],
  );
}

/** The `hidden-map` command: a map of the answering model now; `follow` turns the per-epoch maps on or off. */
export function hiddenMap({ id, count, follow: keep }) {
  const n = count ?? Engine.inspectLimits().default_map_images;
  follow = keep ? n : null;
  computeAndPost(id, n, null, null);
}

/**
 * Called by the run (www/engine/training.js) after an epoch's evaluation (`epoch` done, at `step`),
 * and after the run's first batch (`epoch` 0): posts that map when the page follows. A refusal
 * (e.g. a network without a hidden layer) is posted as a `hidden-map` with `error`, and the run
 * goes on.
 */
export function mapAfterEpoch(epoch, step) {
  if (follow === null) return;
  try {
    computeAndPost(undefined, follow, epoch, step);
  } catch (err) {
    const { message, fatal } = describeError(err);
    if (fatal) throw err; // a panic: the run's own failure path reports it
    self.postMessage({ type: FromWorker.HIDDEN_MAP, epoch, step, model: engine.answeringModel(), error: message });
  }
}

/** The `hidden-map-place` command: where `image` (a prediction's image) falls on the last map. */
export function hiddenMapPlace({ id, image }) {
  const pixels = new Uint8Array(image?.buffer ?? image ?? []);
  if (pixels.length !== limits.pixels) {
    throw new Error(`the image to place has ${pixels.length} pixels; expected ${limits.pixels} (${limits.side} × ${limits.side}, as a prediction's image)`);
  }
  const point = engine.hiddenMapPlace(pixels);
  self.postMessage({ type: FromWorker.HIDDEN_MAP_POINT, id, x: point[0], y: point[1], model: engine.answeringModel() });
}

/** The `hidden-map-activations` command: the last map's activations, for the page's UMAP. */
export function hiddenMapActivations({ id }) {
  const activations = engine.hiddenMapActivations();
  self.postMessage({ type: FromWorker.HIDDEN_MAP_ACTIVATIONS, id, activations }, [activations.buffer]);
}
