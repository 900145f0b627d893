// The charts' smoothed lines (www/charts/smoothing.js), in Node. Expected values are computed by hand.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Smoother, smoothSeries, SMOOTHING_PER_STEP } from '../../www/charts/smoothing.js';

const close = (a, b, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

test('the first value is returned as is (bias correction), a constant stays constant', () => {
  for (const log of [false, true]) {
    const s = new Smoother({ log });
    close(s.push(1, 0.7), 0.7);
    close(s.push(2, 0.7), 0.7);
    close(s.push(10, 0.7), 0.7);
  }
});

test('two values: the weights are 1−β and β(1−β), normalised', () => {
  const b = SMOOTHING_PER_STEP;
  const w1 = b * (1 - b); // the older value, after one more step
  const w2 = 1 - b;
  const arithmetic = smoothSeries([1, 2], [1, 3]);
  close(arithmetic[1], (w1 * 1 + w2 * 3) / (w1 + w2));
  const geometric = smoothSeries([1, 2], [1, 3], { log: true });
  close(geometric[1], Math.exp((w1 * Math.log(1) + w2 * Math.log(3)) / (w1 + w2)));
});

test('over a skipped step the past decays as over two steps, and the new value stands for both', () => {
  const b = SMOOTHING_PER_STEP;
  const out = smoothSeries([1, 3], [2, 4]);
  const w1 = b ** 2 * (1 - b);
  const w2 = 1 - b ** 2;
  close(out[1], (w1 * 2 + w2 * 4) / (w1 + w2));
});

test('on a log scale one huge batch loss does not lift the line far above the others', () => {
  // 100 batches at 2.3 (chance for 10 classes), one at 10⁵, then 20 more at 2.3.
  const values = [...Array(100).fill(2.3), 1e5, ...Array(20).fill(2.3)];
  const steps = values.map((_, i) => i + 1);
  const geometric = smoothSeries(steps, values, { log: true });
  const arithmetic = smoothSeries(steps, values);
  // Geometric: the spike's weight after 20 steps is (1−β)β²⁰ ≈ 0.0134 of the (nearly 1) total,
  // so the line is 2.3 · (10⁵/2.3)^0.0134 ≈ 2.65; arithmetic: ≈ 0.0134 · 10⁵ ≈ 1,340.
  const b = SMOOTHING_PER_STEP;
  const total = 1 - b ** values.length;
  const spikeWeight = ((1 - b) * b ** 20) / total;
  close(geometric.at(-1), 2.3 * (1e5 / 2.3) ** spikeWeight, 1e-6);
  assert.ok(geometric.at(-1) < 3, `geometric ${geometric.at(-1)}`);
  assert.ok(arithmetic.at(-1) > 1000, `arithmetic ${arithmetic.at(-1)}`);
});

test('missing, non-finite and (on a log scale) negative values give null and are left out', () => {
  const out = smoothSeries([1, 2, 3, 4, 5], [2, null, NaN, Infinity, 2], { log: true });
  assert.deepEqual(out.slice(1, 4), [null, null, null]);
  close(out[4], 2);
  assert.deepEqual(smoothSeries([1, 2], [-1, -0.5], { log: true }), [null, null]);
  // A loss of exactly 0 (a fully confident batch) counts, as 10⁻¹²: the line goes down, no gap.
  const zero = smoothSeries([1, 2], [1, 0], { log: true });
  const b = SMOOTHING_PER_STEP;
  close(zero[1], Math.exp(((1 - b) * Math.log(1e-12)) / (b * (1 - b) + 1 - b)));
  close(smoothSeries([1, 2], [0, 1])[1], (1 - SMOOTHING_PER_STEP) / (SMOOTHING_PER_STEP * (1 - SMOOTHING_PER_STEP) + 1 - SMOOTHING_PER_STEP));
});
