// "Train on my classes", the parts that need no page: whether the drawn examples can be trained on
// (and if not, what to do), the engine's `load-dataset` message built from them (IDX files written
// by www/data/idx-encode.js and a names file, with a share of every class held out as the test
// set), and the page's settings for a run on a few dozen images (validation images from a share,
// a batch that fits, augmentation on or off, the epochs).
//
// Pure (Node tests it: tests/js/own-classes-unit.test.mjs). Does not: send anything (own-panel.js),
// check names (class-names.js; the engine checks everything again when it loads the set).

import { encodeIdxImages, encodeIdxLabels, encodeNames } from '../idx-encode.js';

/** The fewest examples of a class: one to train on and one held out to test. */
export const MIN_EXAMPLES = 2;
/** The batch size of a run on drawn classes (smaller if fewer images remain to train on). */
export const BATCH_SIZE = 16;
/** What the panel proposes: epochs of a run, a validation share, augmentation (measured: docs/benchmarks.md). */
export const DEFAULTS = Object.freeze({ epochs: 40, validationShare: 0.1, augment: true });

const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : noun.endsWith('s') ? 'es' : 's'}`;

/**
 * Why `classes` ([{name, count}] in label order) cannot be trained on, or '' when they can: fewer
 * than limits.min_classes classes, more than max_classes, or a class with fewer than MIN_EXAMPLES.
 */
export function trainingProblem(classes, limits) {
  if (classes.length < limits.min_classes) return `Add a class: a network needs at least ${limits.min_classes} classes to tell apart (you have ${classes.length}).`;
  if (classes.length > limits.max_classes) return `Remove ${classes.length - limits.max_classes} classes: at most ${limits.max_classes} can be trained.`;
  const few = classes.filter((c) => c.count < MIN_EXAMPLES);
  if (few.length) {
    const list = few.map((c) => `“${c.name}” has ${c.count}`).join(', ');
    return `Draw more examples: every class needs at least ${MIN_EXAMPLES} (one to train on, one to test), and ${list}.`;
  }
  return '';
}

/**
 * The `load-dataset` message (without type and id) for `classes` ([{name, examples: [{image}]}] in
 * label order; label = index), holding out `testShare` of every class (the engine's seeded split),
 * and the buffers to transfer.
 */
export function datasetMessage(classes, { side, testShare, seed, name = 'your drawn classes', samples = 60 }) {
  const images = [];
  const labels = [];
  classes.forEach((c, label) => {
    for (const e of c.examples) {
      images.push(e.image);
      labels.push(label);
    }
  });
  const train = {
    format: 'idx',
    images: encodeIdxImages(images, side, side),
    images_name: 'your drawings (images)',
    labels: encodeIdxLabels(labels),
    labels_name: 'your drawings (labels)',
    names: encodeNames(classes.map((c) => c.name)),
    names_name: 'your class names',
  };
  return {
    message: { name, train, test: null, test_share: testShare, seed, samples },
    transfer: [train.images.buffer, train.labels.buffer, train.names.buffer],
  };
}

/**
 * How many of `trainCount` training images `share` holds out for validation: the share rounded
 * (none when it rounds to 0: with a handful of images, the one held out could be a class's only
 * training example), leaving at least one to train.
 */
export function validationImages(trainCount, share) {
  if (!(share > 0) || trainCount < 2) return 0;
  return Math.min(trainCount - 1, Math.round(share * trainCount));
}

/**
 * The page's settings values (www/playground/settings.js: numbers as text) for a run on the drawn
 * set of `trainCount` training images: `values` with validation images, batch size, epochs and
 * augmentation set; everything else (network, optimizer, learning rate, seed) as the learner set it.
 */
export function trainingValues(values, { trainCount, validationShare, augment, epochs }) {
  const validation = validationImages(trainCount, validationShare);
  const batch = Math.max(1, Math.min(BATCH_SIZE, trainCount - validation));
  return {
    ...values,
    hidden: [...values.hidden],
    validation_size: String(validation),
    train_subset: '0',
    batch_size: String(batch),
    epochs: String(epochs),
    'augment.enabled': Boolean(augment),
  };
}

/** The settings a run on drawn classes sets (trainingValues). */
export const SET_KEYS = Object.freeze(['validation_size', 'train_subset', 'batch_size', 'epochs', 'augment.enabled']);

/**
 * What runs on drawn classes changed in the settings, to undo back on MNIST: `changes`
 * ([{key, from, to}], from the last undo) updated with a run that turned `before` (the values before
 * its data set loaded) into `after`. A key changed twice keeps its first `from`; one set back to
 * its `from` is no change.
 */
export function trackChanges(changes, before, after) {
  const next = changes.filter((c) => !SET_KEYS.includes(c.key) || String(c.from) !== String(after[c.key]));
  for (const key of SET_KEYS) {
    const known = next.find((c) => c.key === key);
    if (known) known.to = after[key];
    else if (String(before[key]) !== String(after[key])) next.push({ key, from: before[key], to: after[key] });
  }
  return next.map((c) => ({ ...c }));
}

/** `values` with `changes` undone where the learner has not changed the value since (types kept). */
export function undoChanges(values, changes) {
  const next = { ...values, hidden: [...values.hidden] };
  for (const { key, from, to } of changes) if (String(next[key]) === String(to)) next[key] = from;
  return next;
}

/** "45 examples in 3 classes" */
export const countText = (examples, classes) => `${plural(examples, 'example')} in ${plural(classes, 'class')}`;
