// The drawing panel's "looks like a 9 or a 3" rule and the kept drawings' record check
// (www/draw/correction.js, www/draw/kept-drawings.js), in Node.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeCall, CLOSE_RATIO } from '../../www/draw/correction.js';
import { drawingProblem, SCHEMA_VERSION } from '../../www/draw/kept-drawings.js';

const probs = (entries) => {
  const p = new Array(10).fill(0);
  for (const [k, v] of Object.entries(entries)) p[k] = v;
  return p;
};

test('closeCall names the top two classes, top first, when the runner-up is close', () => {
  assert.deepEqual(closeCall(probs({ 9: 0.5, 3: 0.45, 7: 0.05 })), [9, 3]);
  assert.deepEqual(closeCall(probs({ 3: 0.55, 9: 0.4, 7: 0.05 })), [3, 9]);
  // exactly at the ratio counts as close; just below does not
  assert.deepEqual(closeCall(probs({ 4: 0.6, 9: 0.6 * CLOSE_RATIO })), [4, 9]);
  assert.equal(closeCall(probs({ 4: 0.6, 9: 0.6 * CLOSE_RATIO - 1e-6 })), null);
});

test('closeCall is silent for a confident reading and for no reading', () => {
  assert.equal(closeCall(probs({ 7: 0.97, 2: 0.02, 1: 0.01 })), null);
  assert.equal(closeCall(null), null);
  assert.equal(closeCall([]), null);
});

test('drawingProblem accepts a kept drawing and names what is wrong with a bad one', () => {
  const good = { schema: SCHEMA_VERSION, id: 'a', label: 9, side: 28, image: new Uint8Array(784), strokes: [[[1, 2], [3, 4]]], createdAt: 1 };
  assert.equal(drawingProblem(good), '');
  assert.match(drawingProblem({ ...good, schema: 99 }), /schema version 99/);
  assert.equal(drawingProblem({ ...good, label: -1 }), 'no label');
  assert.equal(drawingProblem({ ...good, image: new Uint8Array(10) }), 'bad image');
  assert.equal(drawingProblem({ ...good, image: Array.from({ length: 784 }, () => 0) }), 'bad image');
  assert.equal(drawingProblem({ ...good, strokes: [[[1, NaN]]] }), 'bad strokes');
  assert.equal(drawingProblem({ ...good, strokes: [[]] }), 'bad strokes');
  assert.equal(drawingProblem(null), 'not an object');
  assert.equal(drawingProblem([]), 'not an object');
});
