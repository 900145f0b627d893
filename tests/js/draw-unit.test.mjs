// www/draw/drawing.js's brush for the network's image: in proportion to the digit, so a digit drawn small
// is not a blob once preprocessing scales it up (pendigits replayed at a quarter of the canvas with a
// model the page trained: 59% read before, 90% after; tests/e2e/draw/draw-pendigits.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BRUSH, FULL_BRUSH_EXTENT, MIN_BRUSH, inputBrush } from '../../www/draw/drawing.js';

const vertical = (length) => [[[100, 40], [100, 40 + length]]];

test('a digit FULL_BRUSH_EXTENT tall or more is read with the screen brush', () => {
  assert.equal(inputBrush(vertical(FULL_BRUSH_EXTENT)), BRUSH);
  assert.equal(inputBrush(vertical(240)), BRUSH);
});

test('a smaller digit gets a brush in proportion: half as tall, half as wide a stroke', () => {
  assert.equal(inputBrush(vertical(FULL_BRUSH_EXTENT / 2)), BRUSH / 2);
  // the longer side counts, across strokes: a 70 × 40 digit in two strokes
  assert.equal(inputBrush([[[10, 10], [80, 10]], [[10, 10], [10, 50]]]), (BRUSH * 70) / FULL_BRUSH_EXTENT);
});

test('a dot or a tiny scribble gets the thinnest brush, not zero', () => {
  assert.equal(inputBrush([[[5, 5]]]), MIN_BRUSH);
  assert.equal(inputBrush(vertical(2)), MIN_BRUSH);
});
