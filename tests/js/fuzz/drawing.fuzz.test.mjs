// Fuzz target: the drawing's preprocessing on the JS side, in Node (no canvas): the brush the
// network's image is drawn with (www/draw/drawing.js inputBrush) for extreme and degenerate
// strokes — none, empty strokes, one point, thousands of points, coordinates far off the canvas,
// ±∞ and NaN (a pointer over a canvas laid out 0 px wide: drawing.js toCanvas divides by its
// width). The brush is always a finite width between MIN_BRUSH and BRUSH, and a point that is not
// finite is not part of a stroke's extent. What a canvas does with the strokes (all ink, empty) is
// fuzzed in the page: tests/e2e/draw/draw-fuzz.test.mjs.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzz } from './harness.mjs';
import { BRUSH, FULL_BRUSH_EXTENT, inputBrush, MIN_BRUSH, SIZE } from '../../../www/draw/drawing.js';

const onCanvas = fc.double({ min: 0, max: SIZE, noNaN: true });
const extreme = fc.constantFrom(NaN, Infinity, -Infinity, -1e308, 1e308, -0, Number.MIN_VALUE, -SIZE, 2 * SIZE, 1e6);
const coordinate = fc.oneof({ weight: 6, arbitrary: onCanvas }, { weight: 1, arbitrary: extreme }, { weight: 1, arbitrary: fc.double() });
const point = fc.tuple(coordinate, coordinate);
const stroke = fc.oneof(
  { weight: 6, arbitrary: fc.array(point, { minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: fc.array(point, { minLength: 1000, maxLength: 3000 }) },
);
// A digit drawn small somewhere: points within a box of side 0–250 px.
const unit = fc.integer({ min: 0, max: 1000 }).map((k) => k / 1000);
const small = fc
  .tuple(fc.integer({ min: 0, max: SIZE }), fc.integer({ min: 0, max: SIZE }), fc.integer({ min: 0, max: 250 }), fc.array(fc.array(fc.tuple(unit, unit), { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 4 }))
  .map(([x0, y0, side, list]) => list.map((s) => s.map(([u, v]) => [x0 + u * side, y0 + v * side])));
const strokes = fc.oneof(fc.array(stroke, { maxLength: 8 }), small);

/** The extent the brush follows: the longer side of the finite points' bounding box. */
function extentOf(list) {
  const points = list.flat().filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (points.length === 0) return 0;
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  return Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
}

function check(list) {
  const brush = inputBrush(list);
  assert.ok(Number.isFinite(brush) && brush >= MIN_BRUSH && brush <= BRUSH, `brush ${brush} for ${list.length} strokes`);
  const expected = Math.max(MIN_BRUSH, Math.min(BRUSH, (BRUSH * extentOf(list)) / FULL_BRUSH_EXTENT));
  assert.ok(Math.abs(brush - expected) < 1e-9, `brush ${brush}, expected ${expected} from the finite points`);
  if (brush === MIN_BRUSH) return 'thinnest brush';
  return brush === BRUSH ? 'screen brush' : 'brush in proportion';
}

fuzz('drawing', strokes, check, { regressions: [[[[NaN, 10], [100, 100]]], [[[Infinity, 0], [0, 0]]], [], [[]]] });
