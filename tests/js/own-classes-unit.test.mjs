// "Your own classes" without a page (www/data/own-classes/): the export file and every check of a
// file to import (one test per bad input), the merge of an import, the class-name rules, and
// "Train on my classes" (when it is refused, the load-dataset message, the settings it sets).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportName, exportText, FORMAT, mergePlan, mergeSummary, parseOwnClassesFile, VERSION } from '../../www/data/own-classes/own-file.js';
import { freshName, nameProblem, tidyName } from '../../www/data/own-classes/class-names.js';
import { BATCH_SIZE, datasetMessage, MIN_EXAMPLES, trackChanges, trainingProblem, trainingValues, undoChanges, validationImages } from '../../www/data/own-classes/own-training.js';

// The engine's limits that these modules read (src/train/config.rs limits(); the values it sends).
const LIMITS = Object.freeze({ side: 28, pixels: 784, min_classes: 2, max_classes: 64, max_class_name_chars: 32, max_epochs: 1000 });
const MAX = 100;

const image = (v) => new Uint8Array(784).fill(v);
const example = (v, strokes = [[[10, 10], [200, 200]]]) => ({ image: image(v), strokes, canvas: 280 });
const sample = () => [
  { name: '○', examples: [example(1), example(2)] },
  { name: '△', examples: [example(3, [[[1.25, 2.5], [3, 4]], [[5, 6]]])] },
];
/** A valid file's document, to break one field of. */
const doc = () => JSON.parse(exportText(sample(), 28, new Date('2026-12-06T00:00:00Z')));
const parse = (d) => parseOwnClassesFile(typeof d === 'string' ? d : JSON.stringify(d), LIMITS, MAX);
const refuses = (d, pattern) => assert.throws(() => parse(d), (err) => {
  assert.match(err.message, pattern);
  return true;
});

test('an export reads back as the same classes, images and strokes (strokes to a tenth of a pixel)', () => {
  const text = exportText(sample(), 28, new Date('2026-12-06T00:00:00Z'));
  const d = JSON.parse(text);
  assert.equal(d.format, FORMAT);
  assert.equal(d.version, VERSION);
  assert.equal(d.exported, '2026-12-06T00:00:00.000Z');
  const back = parse(text);
  assert.deepEqual(back.map((c) => c.name), ['○', '△']);
  assert.equal(back[0].examples.length, 2);
  assert.ok(back[0].examples[1].image instanceof Uint8Array);
  assert.deepEqual(Array.from(back[0].examples[1].image.slice(0, 3)), [2, 2, 2]);
  assert.deepEqual(back[1].examples[0].strokes, [[[1.3, 2.5], [3, 4]], [[5, 6]]]);
  assert.equal(back[1].examples[0].canvas, 280);
  assert.equal(exportName(new Date('2026-12-06T10:00:00Z')), 'my-classes-2026-12-06.json');
});

test('import refuses a file that is not JSON', () => refuses('{"format": ', /not JSON/));
test('import refuses JSON that is not a file of drawn classes', () => {
  refuses({ format: 'mnist-playground-runs', schema: 1, runs: [] }, /not a file of your own classes/);
  refuses([], /not a file of your own classes/);
  refuses('null', /not a file of your own classes/);
});
test('import refuses another version, and says when the file is newer', () => {
  refuses({ ...doc(), version: 2 }, /version 2 .*reads version 1 \(it was made by a newer page/);
  refuses({ ...doc(), version: '1' }, /version "1"/);
});
test('import refuses images of another size', () => refuses({ ...doc(), side: 32 }, /32 pixels on a side; this page's are 28/));
test('import refuses a file without classes', () => {
  refuses({ ...doc(), classes: [] }, /holds no classes/);
  refuses({ ...doc(), classes: undefined }, /holds no classes/);
});
test('import refuses more classes than the engine takes', () => {
  const d = doc();
  d.classes = Array.from({ length: 65 }, (_, k) => ({ name: `c${k}`, examples: [] }));
  refuses(d, /65 classes; at most 64/);
});
test('import refuses a class without a name, an empty one, a long one, a line break, a repeated one', () => {
  const named = (name, k = 1) => {
    const d = doc();
    d.classes[k].name = name;
    return d;
  };
  refuses(named(undefined), /class 2 has no name/);
  refuses(named('   '), /class 2: a class needs a name/);
  refuses(named('x'.repeat(33)), /class 2: .*33 characters long; a class name has at most 32/);
  refuses(named('a\nb'), /class 2: a class name is one line/);
  refuses(named('○'), /class 2: there is a class “○” already/);
});
test('import refuses a class whose examples are not a list', () => {
  const d = doc();
  d.classes[0].examples = {};
  refuses(d, /class 1 \(“○”\) has no list of examples/);
});
test('import refuses an example that is not an object', () => {
  const d = doc();
  d.classes[0].examples[1] = 7;
  refuses(d, /class 1 \(“○”\), example 2 is not an example/);
});
test('import refuses an image of the wrong size, or missing', () => {
  const d = doc();
  d.classes[1].examples[0].image = d.classes[1].examples[0].image.slice(1);
  refuses(d, /class 2 \(“△”\), example 1: its image has 783 values, expected 784 \(28×28\)/);
  const e = doc();
  delete e.classes[0].examples[0].image;
  refuses(e, /example 1: its image is missing/);
});
test('import refuses pixel values out of range or not whole', () => {
  for (const bad of [256, -1, 1.5, '7', null]) {
    const d = doc();
    d.classes[0].examples[0].image[100] = bad;
    refuses(d, /pixel 101 of its image is .*; pixels are whole numbers from 0 to 255/);
  }
});
test('import refuses missing strokes, an empty stroke, and points that are not pairs of numbers', () => {
  const withStrokes = (strokes) => {
    const d = doc();
    d.classes[0].examples[0].strokes = strokes;
    return d;
  };
  refuses(withStrokes(undefined), /its strokes are missing/);
  refuses(withStrokes([]), /its strokes are missing/);
  refuses(withStrokes([[[1, 2]], []]), /stroke 2 is not a list of \[x, y\] points/);
  refuses(withStrokes([[[1, 2], [3]]]), /point 2 of stroke 1 is not a pair of finite numbers/);
  refuses(withStrokes([[[1, 'a']]]), /point 1 of stroke 1 is not a pair/);
});
test('import refuses an example without its canvas size', () => {
  for (const canvas of [undefined, 0, -280, '280']) {
    const d = doc();
    d.classes[0].examples[0].canvas = canvas;
    refuses(d, /its canvas size is missing/);
  }
});
test('import refuses more examples than the page keeps', () => {
  const d = doc();
  d.classes[0].examples = Array.from({ length: MAX + 1 }, () => d.classes[1].examples[0]);
  refuses(d, /more than 100 examples/);
});
test('import tidies names: surrounding spaces are dropped', () => {
  const d = doc();
  d.classes[0].name = '  ○ ';
  assert.equal(parse(d)[0].name, '○');
});

test('merge: same name joins the class, a new name becomes a class, drawings already there are skipped', () => {
  const current = [{ name: '○', examples: [example(1)] }, { name: 'B', examples: [] }];
  const incoming = parse(exportText([{ name: '○', examples: [example(1), example(9)] }, { name: '△', examples: [example(3), example(3)] }], 28));
  const plan = mergePlan(current, incoming, LIMITS, MAX);
  assert.deepEqual(plan.newClasses, ['△']);
  assert.deepEqual(plan.additions.map((a) => [a.name, a.image[0]]), [['○', 9], ['△', 3]]);
  assert.equal(plan.skipped, 2); // ○'s image 1 is there; △'s second copy repeats its first
  assert.equal(mergeSummary(plan), 'Added 2 examples to 2 classes (1 new: “△”). 2 examples were here already and were skipped.');
  // Importing the same file again adds nothing.
  const after = [{ name: '○', examples: [example(1), example(9)] }, { name: 'B', examples: [] }, { name: '△', examples: [example(3)] }];
  const again = mergePlan(after, incoming, LIMITS, MAX);
  assert.deepEqual([again.newClasses, again.additions.length, again.skipped], [[], 0, 4]);
  assert.equal(mergeSummary(again), 'Added no examples. 4 examples were here already and were skipped.');
});
test('merge: the same image with other strokes is another drawing', () => {
  const current = [{ name: '○', examples: [example(1, [[[0, 0], [1, 1]]])] }];
  const plan = mergePlan(current, [{ name: '○', examples: [example(1, [[[0, 0], [2, 2]]])] }], LIMITS, MAX);
  assert.equal(plan.additions.length, 1);
});
test('merge refuses to go beyond the most classes or examples, before anything changes', () => {
  const current = Array.from({ length: 63 }, (_, k) => ({ name: `c${k}`, examples: [] }));
  assert.throws(() => mergePlan(current, [{ name: 'x', examples: [] }, { name: 'y', examples: [] }], LIMITS, MAX), /with its 2 new classes there would be 65 classes; at most 64 fit/);
  const full = [{ name: 'a', examples: Array.from({ length: MAX }, (_, i) => example(i % 256, [[[i, i]]])) }];
  assert.throws(() => mergePlan(full, [{ name: 'a', examples: [example(255, [[[-1, -1]]])] }], LIMITS, MAX), /there would be 101 examples; this page keeps at most 100/);
});

test('class names: the engine\'s rules in words', () => {
  assert.equal(nameProblem('✓', ['✗'], LIMITS), '');
  assert.match(nameProblem('', [], LIMITS), /needs a name/);
  assert.match(nameProblem('x'.repeat(33), [], LIMITS), /33 characters long; a class name has at most 32/);
  assert.equal(nameProblem('🙂'.repeat(32), [], LIMITS), '', 'characters are code points, not UTF-16 units');
  assert.match(nameProblem('a\tb', [], LIMITS), /one line of plain text/);
  assert.match(nameProblem('✗', ['✓', '✗'], LIMITS), /there is a class “✗” already/);
  assert.equal(tidyName('  A  '), 'A');
  assert.equal(freshName(['A', 'C']), 'B');
  assert.equal(freshName(Array.from({ length: 26 }, (_, k) => String.fromCharCode(65 + k))), 'class 27');
});

test('training is refused with fewer than two classes, more than the most, or a class of fewer than two examples', () => {
  assert.equal(trainingProblem([{ name: 'a', count: 2 }, { name: 'b', count: 5 }], LIMITS), '');
  assert.match(trainingProblem([{ name: 'a', count: 9 }], LIMITS), /Add a class: a network needs at least 2 classes to tell apart \(you have 1\)/);
  assert.match(trainingProblem([], LIMITS), /you have 0/);
  assert.match(trainingProblem(Array.from({ length: 65 }, (_, k) => ({ name: `${k}`, count: 3 })), LIMITS), /Remove 1 classes: at most 64/);
  const few = trainingProblem([{ name: '○', count: 1 }, { name: '△', count: 0 }, { name: '✗', count: 2 }], LIMITS);
  assert.match(few, new RegExp(`every class needs at least ${MIN_EXAMPLES} .*“○” has 1, “△” has 0\\.$`));
});

test('the load-dataset message: IDX images and labels in label order, the names file, a test share, no test files', () => {
  const classes = [{ name: '○', examples: [{ image: image(7) }, { image: image(8) }] }, { name: '✗', examples: [{ image: image(9) }] }];
  const { message, transfer } = datasetMessage(classes, { side: 28, testShare: 0.25, seed: 5 });
  assert.equal(message.test, null);
  assert.equal(message.test_share, 0.25);
  assert.equal(message.seed, 5);
  const { images, labels, names } = message.train;
  const view = new DataView(images.buffer);
  assert.deepEqual([view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(12)], [0x803, 3, 28, 28]);
  assert.deepEqual([images[16], images[16 + 784], images[16 + 2 * 784]], [7, 8, 9]);
  assert.equal(images.length, 16 + 3 * 784);
  assert.equal(new DataView(labels.buffer).getUint32(4), 3);
  assert.deepEqual(Array.from(labels.slice(8)), [0, 0, 1]);
  assert.equal(new DataView(labels.buffer).getUint32(0), 0x801);
  assert.equal(new TextDecoder().decode(names), '○\n✗\n');
  assert.deepEqual(transfer, [images.buffer, labels.buffer, names.buffer]);
});

test('validation images: a share of the training images, rounded, one left to train', () => {
  assert.equal(validationImages(36, 0.1), 4);
  assert.equal(validationImages(3, 0.1), 0);
  assert.equal(validationImages(6, 0.1), 1);
  assert.equal(validationImages(36, 0), 0);
  assert.equal(validationImages(2, 0.5), 1);
  assert.equal(validationImages(1, 0.5), 0);
});

test('the settings of a run on drawn classes: validation, a batch that fits, epochs, augmentation; the rest kept', () => {
  const values = { hidden: ['128'], learning_rate: '0.001', batch_size: '128', epochs: '3', validation_size: '5000', train_subset: '100', 'augment.enabled': false, seed: '7' };
  const out = trainingValues(values, { trainCount: 36, validationShare: 0.1, augment: true, epochs: 40 });
  assert.deepEqual(out, { ...values, validation_size: '4', train_subset: '0', batch_size: String(BATCH_SIZE), epochs: '40', 'augment.enabled': true });
  assert.notEqual(out.hidden, values.hidden, 'the layer list is a copy');
  const tiny = trainingValues(values, { trainCount: 5, validationShare: 0.2, augment: false, epochs: 10 });
  assert.equal(tiny.validation_size, '1');
  assert.equal(tiny.batch_size, '4');
  assert.equal(tiny['augment.enabled'], false);
});

test('back on MNIST, what runs on drawn classes changed goes back (first values, types kept), unless edited since', () => {
  const start = { hidden: ['128'], batch_size: '128', epochs: '3', validation_size: '5000', train_subset: '0', 'augment.enabled': false, learning_rate: '0.001' };
  // The Data panel fitted the validation to 3 before the first run; the run then set its own.
  const first = trainingValues({ ...start, validation_size: '3' }, { trainCount: 36, validationShare: 0.1, augment: true, epochs: 40 });
  let changes = trackChanges([], start, first);
  assert.deepEqual(changes.map((c) => c.key).sort(), ['augment.enabled', 'batch_size', 'epochs', 'validation_size']);
  // A second run (more examples) keeps the first `from`s.
  const second = trainingValues(first, { trainCount: 60, validationShare: 0.2, augment: true, epochs: 50 });
  changes = trackChanges(changes, first, second);
  assert.deepEqual(changes.find((c) => c.key === 'validation_size'), { key: 'validation_size', from: '5000', to: '12' });
  assert.deepEqual(changes.find((c) => c.key === 'epochs'), { key: 'epochs', from: '3', to: '50' });
  // The learner set the learning rate and the epochs meanwhile: those stay.
  const edited = { ...second, learning_rate: '0.003', epochs: '7' };
  const back = undoChanges(edited, changes);
  assert.deepEqual(back, { ...start, learning_rate: '0.003', epochs: '7' });
  assert.equal(back['augment.enabled'], false, 'the checkbox comes back as a boolean');
  assert.deepEqual(trackChanges([], start, start), []);
});
