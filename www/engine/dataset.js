// The `load-dataset` command: a data set other than MNIST (2–64 named classes) replaces the loaded
// one, all or nothing. Every file is first parsed and checked by a scratch engine (the checks and
// messages of src/data/loaders.rs); only when the training set, the test set (or the held-out share)
// and their classes all pass does the worker's engine take them, so a bad file leaves the previous
// data set, and the run on it, exactly as they were.
//
// Does not: read image folders or draw (the page turns those into IDX files: www/data/), fetch
// anything, or load MNIST (www/engine/data.js).

import { encodeIdxImages, encodeIdxLabels, encodeNames } from '../data/idx-encode.js';
import { FromWorker } from '../protocol.js';
import { Engine, engine, limits, startEngine } from './wasm.js';

/** At most this many test images are sent back with `data-ready`. */
const MAX_SAMPLES = 1000;

const bytesOf = (buffer) => (buffer == null ? undefined : buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer));

/** Load `files` (see www/protocol.js `load-dataset`) as the set `which` of `target`. */
function loadInto(target, which, files) {
  if (!files || typeof files !== 'object') throw new Error(`no ${which === 'train' ? 'training' : 'test'} files were given`);
  const names = bytesOf(files.names);
  const namesName = names ? String(files.names_name ?? 'names.txt') : undefined;
  if (files.format === 'idx') {
    return target.loadIdxDataset(which, String(files.images_name ?? 'images'), bytesOf(files.images), String(files.labels_name ?? 'labels'), bytesOf(files.labels), namesName, names);
  }
  if (files.format === 'csv') {
    return target.loadCsvDataset(which, String(files.name ?? 'data.csv'), bytesOf(files.bytes), namesName, names);
  }
  throw new Error(`unknown data format "${files.format}" (expected "idx" or "csv")`);
}

/** The set `which` of `source` as IDX bytes: {images, labels}. */
function idxOf(source, which) {
  const count = which === 'train' ? source.trainCount() : source.testCount();
  const pixels = new Uint8Array(count * limits.pixels);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    pixels.set(source.image(which, i), i * limits.pixels);
    labels[i] = source.label(which, i);
  }
  return { images: encodeIdxImages(pixels, limits.side, limits.side), labels: encodeIdxLabels(labels) };
}

/**
 * Parse and check everything in a scratch engine; returns the checked sets as IDX bytes and the
 * class names. Throws (with the loaders' message) on the first problem; nothing is kept then.
 */
function check({ train, test, test_share: share, seed }) {
  const scratch = new Engine();
  try {
    loadInto(scratch, 'train', train);
    if (test) loadInto(scratch, 'test', test);
    else {
      const wanted = share ?? limits.default_test_share;
      scratch.holdOutTest(Number(wanted), (Number(seed) >>> 0) || 1);
    }
    const names = scratch.datasetSummary('train').names;
    return { names, train: idxOf(scratch, 'train'), test: idxOf(scratch, 'test') };
  } finally {
    scratch.free();
  }
}

/**
 * The `load-dataset` command. `onSets({trainImages, trainLabels, testImages, testLabels, names})`
 * gets the checked IDX bytes (for the shard workers of multi-core runs); `onReplaced()` runs once
 * the engine holds the new data (the run on the old data is forgotten there).
 */
export async function loadDataset(message, onSets, onReplaced) {
  const { id, name, samples = 60 } = message;
  await startEngine();
  const t0 = performance.now();
  const checked = check(message);
  const namesBytes = encodeNames(checked.names);
  // Checked above: these two loads cannot fail, so the engine never holds half a data set.
  engine.loadIdxDataset('train', 'training images', checked.train.images, 'training labels', checked.train.labels, 'names', namesBytes);
  engine.loadIdxDataset('test', 'test images', checked.test.images, 'test labels', checked.test.labels, 'names', namesBytes);
  onReplaced();
  await onSets({ trainImages: checked.train.images, trainLabels: checked.train.labels, testImages: checked.test.images, testLabels: checked.test.labels, names: checked.names });
  const t1 = performance.now();
  postDataReady(id, { kind: 'custom', name: String(name ?? 'your data') }, samples, { downloadMs: 0, parseMs: t1 - t0 });
}

/** The `data-ready` reply: counts, histograms, class names and up to `samples` test images. */
export function postDataReady(id, dataset, samples, timings) {
  const count = Math.min(Math.max(0, Math.min(MAX_SAMPLES, Math.floor(Number(samples) || 0))), engine.testCount());
  const sampleList = [];
  for (let index = 0; index < count; index++) {
    const pixels = engine.image('test', index);
    if (pixels.length !== limits.pixels) {
      throw new Error(`test image ${index} has ${pixels.length} pixels, expected ${limits.side}×${limits.side}`);
    }
    sampleList.push({ index, label: engine.label('test', index), pixels });
  }
  const set = (which) => {
    const summary = engine.datasetSummary(which);
    return { count: summary.count, histogram: Array.from(summary.histogram), names: summary.names };
  };
  self.postMessage(
    { type: FromWorker.DATA_READY, id, dataset, train: set('train'), test: set('test'), samples: sampleList, timings },
    sampleList.map((s) => s.pixels.buffer),
  );
}
