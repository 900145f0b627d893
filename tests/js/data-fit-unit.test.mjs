// The training settings fitted to a data set's size (www/data/fit-settings.js), in Node: MNIST's
// default validation share (5,000 of 60,000) for a small data set, a batch or subset larger than
// what is left shrunk, and undone back on MNIST unless the learner changed the value since.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSettings, unfitSettings } from '../../www/data/fit-settings.js';

const BASE = { validation_size: '5000', batch_size: '128', train_subset: '0', hidden: [128] };

test('MNIST-sized settings on 6,000 images: validation becomes the same share (500), the batch fits', () => {
  const { values, changes } = fitSettings(BASE, BASE, 6000, 60000);
  assert.deepEqual(changes, [{ key: 'validation_size', from: '5000', to: '500' }]);
  assert.equal(values.validation_size, '500');
  assert.equal(values.batch_size, '128');
  assert.deepEqual(values.hidden, [128]);
});

test('48 images: validation 4, and the batch of 128 shrinks to a power of two of about a quarter of the rest', () => {
  const { values, changes } = fitSettings(BASE, BASE, 48, 60000);
  assert.deepEqual(changes, [
    { key: 'validation_size', from: '5000', to: '4' },
    { key: 'batch_size', from: '128', to: '8' },
  ]);
  assert.equal(values.batch_size, '8');
});

test('a subset larger than the images left goes back to all of them', () => {
  const { changes } = fitSettings({ ...BASE, validation_size: '100', train_subset: '20000' }, BASE, 1000, 60000);
  assert.deepEqual(changes, [{ key: 'train_subset', from: '20000', to: '0' }]);
});

test('settings that already fit are left alone', () => {
  const values = { ...BASE, validation_size: '200', batch_size: '32' };
  assert.deepEqual(fitSettings(values, BASE, 2000, 60000).changes, []);
});

test('back on MNIST the changes are undone, except where the learner changed the value since', () => {
  const { values, changes } = fitSettings(BASE, BASE, 48, 60000);
  assert.deepEqual(unfitSettings(values, changes), BASE);
  const edited = { ...values, batch_size: '16' };
  assert.deepEqual(unfitSettings(edited, changes), { ...BASE, batch_size: '16' });
});
