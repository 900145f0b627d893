// MNIST in the engine: the `load-data` command (download the four files and the default model,
// hand the IDX bytes to the engine, answer with counts, histograms and sample images) and the
// `test-images` command (test images for the page's gallery).
//
// Does not: fetch or gunzip (www/engine/download.js), or train (www/engine/training.js, which gets
// the data sets for its shard workers through the `onSets` hook).

import { FromWorker } from '../protocol.js';
import { downloadDefaultModel, downloadMnist } from './download.js';
import { defaultModelSettled, installDefaultModel } from './models.js';
import { postDataReady } from './dataset.js';
import { engine, limits, startEngine } from './wasm.js';

/** At most this many `data-progress` messages per file and interval. */
const PROGRESS_INTERVAL_MS = 50;
/** At most this many images are sent in one `test-images` reply. */
const MAX_TEST_IMAGES = 500;

/**
 * The `load-data` command. `onSets({trainImages, trainLabels, testImages, testLabels})` gets the
 * IDX bytes once the engine holds them (for the shard workers of multi-core runs).
 */
export async function loadData({ id, baseUrl, samples = 60 }, onSets, onReplaced = () => {}) {
  const base = new URL(baseUrl, self.location.href);
  if (base.origin !== self.location.origin) {
    throw new Error(`data must come from this site, not ${base.origin}`);
  }

  const lastPost = new Map();
  const onProgress = (file, loaded, total, force) => {
    const now = performance.now();
    if (!force && now - (lastPost.get(file) ?? -Infinity) < PROGRESS_INTERVAL_MS) return;
    lastPost.set(file, now);
    self.postMessage({ type: FromWorker.DATA_PROGRESS, id, file, loaded, total });
  };

  // The default model downloads alongside the data and answers drawings even if the data fails.
  installDefaultModel(downloadDefaultModel(base));
  // The engine (started at the worker's boot) sets the cap on each file's uncompressed size.
  await startEngine();
  const t0 = performance.now();
  const bytes = await downloadMnist(base, onProgress, limits.max_dataset_file_bytes);
  const t1 = performance.now();
  engine.loadTrain(bytes.trainImages, bytes.trainLabels);
  engine.loadTest(bytes.testImages, bytes.testLabels);
  onReplaced();
  await onSets(bytes);
  const t2 = performance.now();

  postDataReady(id, { kind: 'mnist', name: 'MNIST' }, samples, { downloadMs: t1 - t0, parseMs: t2 - t1 });
  // Queued commands (e.g. a prediction) run after this, so they see the default model.
  await defaultModelSettled();
}

/**
 * Test images for the gallery: `indices` (at most MAX_TEST_IMAGES), or the first `limit` images
 * labelled `label` whose index is not in `exclude` (the correctly classified ones of a digit).
 */
export function testImages({ id, indices, label, exclude, limit }) {
  const count = engine.testCount();
  let wanted = indices ?? [];
  if (indices === undefined && Number.isInteger(label)) {
    const skip = new Set(exclude ?? []);
    const max = Math.min(MAX_TEST_IMAGES, limit ?? 100);
    wanted = [];
    for (let i = 0; i < count && wanted.length < max; i++) {
      if (!skip.has(i) && engine.label('test', i) === label) wanted.push(i);
    }
  }
  const images = [];
  for (const index of wanted.slice(0, MAX_TEST_IMAGES)) {
    if (!Number.isInteger(index) || index < 0 || index >= count) continue;
    images.push({ index, label: engine.label('test', index), pixels: engine.image('test', index) });
  }
  self.postMessage({ type: FromWorker.TEST_IMAGES, id, images }, images.map((i) => i.pixels.buffer));
}
