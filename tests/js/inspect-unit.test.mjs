// The loss slice's numbers (www/inspect/slice-math.js): the log colour bands split [min, max]
// evenly in log(loss) and refuse what is not a loss; the range skips missing rows and bad values;
// a checkpoint is drawn only when most of its distance lies in the plane; the sharpness read-out is
// the mean rise over the inner half of the grid, worked out by hand on small grids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BANDS, band, innerRise, lossRange, onPlane } from '../../www/inspect/slice-math.js';

test('bands are even in log(loss), clamped, and -1 for what is not a loss', () => {
  assert.equal(band(0.01, 0.01, 100), 0);
  assert.equal(band(100, 0.01, 100), BANDS - 1, 'the maximum is in the top band');
  // 1 is halfway between 0.01 and 100 in log: just above it is the first band of the upper half,
  // just below it the last of the lower half.
  assert.equal(band(1.1, 0.01, 100), BANDS / 2);
  assert.equal(band(0.9, 0.01, 100), BANDS / 2 - 1);
  assert.equal(band(1e-9, 0.01, 100), 0, 'below the range: the lowest band');
  assert.equal(band(1e9, 0.01, 100), BANDS - 1);
  for (const bad of [0, -1, NaN, Infinity, undefined]) assert.equal(band(bad, 0.01, 100), -1, String(bad));
  assert.equal(band(3, 3, 3), 0, 'a flat slice is one band');
});

test('the range skips missing rows and values that are not losses', () => {
  const a = [Float32Array.of(0.5, 2), null, [NaN, 0, 8]];
  const b = [[Infinity, 0.25]];
  assert.deepEqual(lossRange([a, b]), [0.25, 8]);
  assert.deepEqual(lossRange([[null]]), [1, 1], 'nothing yet');
});

test('a checkpoint is on the plane when at most half its distance is off it', () => {
  assert.equal(onPlane({ distance: 10, off_plane: 5 }), true);
  assert.equal(onPlane({ distance: 42.8, off_plane: 42.79 }), false, 'random directions miss the path');
  assert.equal(onPlane({ distance: 0, off_plane: 0 }), false, 'the centre itself');
});

test('the sharpness read-out is the mean rise over |a|, |b| ≤ half the radius', () => {
  // 5 × 5 on [−1, 1]: the inner half is the 3 × 3 block of rows and columns 1–3.
  const coordinates = Float32Array.of(-1, -0.5, 0, 0.5, 1);
  const rows = [0, 1, 2, 3, 4].map((r) => Float32Array.from([0, 1, 2, 3, 4], (j) => 10 * r + j));
  const centre = rows[2][2]; // 22
  // Inner values: 10r + j for r, j in 1..3: mean 22, so the mean rise is 0.
  assert.equal(innerRise({ coordinates, rows, centre }), 0);
  const bowl = [0, 1, 2, 3, 4].map((r) => Float32Array.from([0, 1, 2, 3, 4], (j) => (r - 2) ** 2 + (j - 2) ** 2));
  // Inner 3 × 3 of (r−2)² + (j−2)²: four corners 2, four edges 1, centre 0 → 12 / 9.
  assert.ok(Math.abs(innerRise({ coordinates, rows: bowl, centre: 0 }) - 12 / 9) < 1e-12);
  // Rows not computed yet are left out.
  assert.ok(Math.abs(innerRise({ coordinates, rows: [null, null, bowl[2], null, null], centre: 0 }) - 2 / 3) < 1e-12);
  assert.ok(Number.isNaN(innerRise({ coordinates, rows: [null, null, null, null, null], centre: 0 })));
});
