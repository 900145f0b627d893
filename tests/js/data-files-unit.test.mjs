// Picked data files (www/data/data-files.js), in Node: which file is the training or test images,
// labels, CSV or names file, told by its name; one test per refusal, each naming the file and
// what to do; and what `load-dataset` gets once they are read. The contents are the engine's to
// check (src/data/loaders.rs, with Rust tests).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSets, sortFiles } from '../../www/data/data-files.js';
import { DataError } from '../../www/data/folder.js';

const MAX = 1_000_000;
/** A File-like object; `reads` counts how often it was read. */
function file(name, text = 'x', size = text.length) {
  const f = {
    name,
    size,
    reads: 0,
    async arrayBuffer() {
      f.reads += 1;
      return new TextEncoder().encode(text).buffer;
    },
    async text() {
      f.reads += 1;
      return text;
    },
  };
  return f;
}
const refused = (files, pattern) => assert.throws(() => sortFiles(files, MAX), (err) => (err instanceof DataError && pattern.test(err.message)) || assert.fail(`message was: ${err.message}`));
const names = (sorted) => JSON.parse(JSON.stringify(sorted, (k, v) => (v && typeof v === 'object' && 'reads' in v ? v.name : v)));

test('MNIST\'s own four file names, with a names file: IDX, training and test sets', () => {
  const files = ['t10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', 'names.txt', 't10k-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'].map((n) => file(n));
  assert.deepEqual(names(sortFiles(files, MAX)), {
    format: 'idx',
    train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' },
    test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
    names: 'names.txt',
  });
});

test('one images and labels pair (uncompressed too): the training set, a share is held out', () => {
  assert.deepEqual(names(sortFiles([file('letters-labels.idx'), file('letters-images.idx')], MAX)), { format: 'idx', train: { images: 'letters-images.idx', labels: 'letters-labels.idx' }, test: null, names: null });
});

test('one CSV, or two with one named test; gzipped CSV too', () => {
  assert.deepEqual(names(sortFiles([file('mnist_train.csv'), file('classes.txt')], MAX)), { format: 'csv', train: 'mnist_train.csv', test: null, names: 'classes.txt' });
  assert.deepEqual(names(sortFiles([file('mnist_test.csv.gz'), file('mnist_train.csv.gz')], MAX)), { format: 'csv', train: 'mnist_train.csv.gz', test: 'mnist_test.csv.gz', names: null });
});

test('refused: a file larger than the engine reads, before it is read', () => {
  const big = file('train-images-idx3-ubyte', 'x', MAX + 1);
  refused([big, file('train-labels-idx1-ubyte')], /^train-images-idx3-ubyte: it is [\d.]+ MB, larger than any data file the browser can hold \(at most [\d.]+ MB\); pick another file$/);
  assert.equal(big.reads, 0);
});

test('refused: pictures picked as files (they load as a folder)', () => {
  refused([file('cat.png'), file('dog.jpg')], /^cat\.png is a picture: pictures load as a folder with one folder per class — use "Load image folder…" or drop the folder here$/);
});

test('refused: a names file alone, and two names files', () => {
  refused([file('names.txt')], /^names\.txt holds class names only — pick the data files with it/);
  refused([file('a.txt'), file('b.txt'), file('x.csv')], /^a\.txt and b\.txt: more than one names file — pick one/);
});

test('refused: IDX and CSV files mixed', () => {
  refused([file('data.csv'), file('train-images-idx3-ubyte')], /^train-images-idx3-ubyte beside the CSV data\.csv: pick either IDX files or CSV files, not both$/);
});

test('refused: three CSVs, and two CSVs with no test among them', () => {
  refused([file('a.csv'), file('b.csv'), file('c.csv')], /^3 CSV files: pick one/);
  refused([file('a.csv'), file('b.csv')], /^a\.csv and b\.csv: which is the test set\? Put "test" in the name of one of them$/);
});

test('refused: a file whose name does not say images or labels', () => {
  refused([file('data.bin'), file('train-labels-idx1-ubyte')], /^data\.bin: cannot tell whether it holds images or labels — name them like train-images-idx3-ubyte\.gz/);
});

test('refused: images without labels, and two training image files', () => {
  refused([file('train-images-idx3-ubyte.gz')], /^train-images-idx3-ubyte\.gz has no labels file beside it — pick the labels file too/);
  refused([file('train-images-idx3-ubyte.gz'), file('images.idx'), file('train-labels-idx1-ubyte.gz')], /^train-images-idx3-ubyte\.gz and images\.idx are both training images — pick one of them$/);
});

test('refused: test files only', () => {
  refused([file('t10k-images-idx3-ubyte.gz'), file('t10k-labels-idx1-ubyte.gz')], /^only test files \(.*\) — pick the training images and labels too$/);
});

test('readSets: the files as load-dataset sets, with the names file in each', async () => {
  const sorted = sortFiles([file('a-images.idx', 'IMG'), file('a-labels.idx', 'LB'), file('n.txt', 'x\ny\n')], MAX);
  const { train, test: testSet } = await readSets(sorted, MAX);
  assert.equal(testSet, null);
  assert.equal(train.format, 'idx');
  assert.equal(train.images_name, 'a-images.idx');
  assert.equal(new TextDecoder().decode(train.images), 'IMG');
  assert.equal(new TextDecoder().decode(train.labels), 'LB');
  assert.equal(train.names_name, 'n.txt');
  assert.equal(new TextDecoder().decode(train.names), 'x\ny\n');
  const csv = await readSets(sortFiles([file('d.csv', '0,1')], MAX), MAX);
  assert.deepEqual({ ...csv.train, bytes: new TextDecoder().decode(csv.train.bytes) }, { format: 'csv', bytes: '0,1', name: 'd.csv' });
});

test('readSets: a file the browser cannot read is named', async () => {
  const broken = file('b-labels.idx');
  broken.arrayBuffer = async () => {
    throw new Error('NotReadableError');
  };
  await assert.rejects(readSets(sortFiles([file('b-images.idx'), broken], MAX), MAX), /^Error: b-labels\.idx: the browser could not read it \(NotReadableError\); pick it again$/);
});
