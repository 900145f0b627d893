// The hidden-layer map's separation score (www/inspect/separation.js): between-class over
// within-class scatter, checked on point sets whose scatters are worked out by hand, and its
// invariance to the map's scale, rotation and mirroring (successive maps must compare).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { separation } from '../../www/inspect/separation.js';

test('hand-computed: two classes of two points each', () => {
  // Class 0 at (−1, ±1), class 1 at (1, ±1): centres (∓1, 0), overall mean (0, 0).
  // Between: 2·1 + 2·1 = 4; within: four points 1 from their centre = 4.
  const coordinates = [-1, 1, -1, -1, 1, 1, 1, -1];
  assert.equal(separation(coordinates, [0, 0, 1, 1], 2), 1);
  // Pull the classes apart to x = ±3: between 2·9 + 2·9 = 36, within still 4.
  assert.equal(separation([-3, 1, -3, -1, 3, 1, 3, -1], [0, 0, 1, 1], 2), 9);
});

test('no separation, perfect separation, and empty input', () => {
  assert.equal(separation([0, 1, 0, -1, 0, 1, 0, -1], [0, 0, 1, 1], 2), 0); // same centres
  assert.equal(separation([-1, 0, -1, 0, 1, 0, 1, 0], [0, 0, 1, 1], 2), Infinity);
  assert.ok(Number.isNaN(separation([], [], 10)));
  assert.ok(Number.isNaN(separation([1, 2, 3], [0, 1], 2)), 'coordinates must be 2 per label');
});

test('a class with no points is left out; scale, rotation and mirroring change nothing', () => {
  const coordinates = [];
  const labels = [];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  for (let i = 0; i < 300; i++) {
    const k = i % 3; // classes 0–2 of 4: class 3 has none
    coordinates.push(2 * k + random(), -k + random());
    labels.push(k);
  }
  const s = separation(coordinates, labels, 4);
  assert.ok(s > 1 && Number.isFinite(s));
  const a = 0.7;
  const turned = [];
  for (let i = 0; i < coordinates.length; i += 2) {
    const [x, y] = [coordinates[i], coordinates[i + 1]];
    turned.push(-5 * (Math.cos(a) * x - Math.sin(a) * y) + 3, 5 * (Math.sin(a) * x + Math.cos(a) * y) - 1);
  }
  assert.ok(Math.abs(separation(turned, labels, 4) - s) < 1e-9 * s);
});
