// The class label and look helpers of the views that follow the data set's classes (www/ui/classes.js), in Node.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barColumns, classMark, className, MARKERS, upwardLabels } from '../../www/ui/classes.js';

test('className gives the name, or the index where there is none', () => {
  assert.equal(className(['cat', 'dog'], 1), 'dog');
  assert.equal(className(['cat', 'dog'], 2), '2');
  assert.equal(className([], 0), '0');
  assert.equal(className(null, 7), '7');
});

test('classMark: colours cycle, and each round of them gets another marker, for up to 64 classes', () => {
  assert.deepEqual(classMark(0, 10), { colour: 0, marker: 'dot' });
  assert.deepEqual(classMark(9, 10), { colour: 9, marker: 'dot' });
  assert.deepEqual(classMark(10, 10), { colour: 0, marker: 'ring' });
  assert.deepEqual(classMark(23, 10), { colour: 3, marker: 'square' });
  // 64 classes, 10 colours: no two share both colour and marker.
  const looks = new Set(Array.from({ length: 64 }, (_, k) => JSON.stringify(classMark(k, 10))));
  assert.equal(looks.size, 64);
  assert.ok(MARKERS.length * 10 >= 64);
});

test('barColumns: one row up to the maximum, then balanced rows', () => {
  assert.equal(barColumns(3, 12), 3);
  assert.equal(barColumns(10, 12), 10);
  assert.equal(barColumns(12, 12), 12);
  assert.equal(barColumns(13, 12), 7); // 7 + 6, not 12 + 1
  assert.equal(barColumns(64, 12), 11); // 6 rows
  assert.equal(barColumns(0, 12), 1);
});

test('upwardLabels: the digits and a few short names stay upright; many or very long names go upwards', () => {
  assert.equal(upwardLabels(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']), false);
  assert.equal(upwardLabels(['bar', 'cross', 'ring']), false);
  assert.equal(upwardLabels(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']), true);
  assert.equal(upwardLabels(['a', 'a very long class name']), true);
  assert.equal(upwardLabels([]), false);
});
