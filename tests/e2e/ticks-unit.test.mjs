// The charts' axis ticks (www/ticks.js), in Node: which log-axis ticks are kept, and their labels.
// Expected values are written out by hand.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearTick, logFilter, logTick } from '../../www/ticks.js';

/** uPlot's candidate ticks for a log axis: 1…9 × 10ⁿ for n in [from, to]. */
const candidates = (from, to) => {
  const out = [];
  for (let e = from; e <= to; e++) for (let m = 1; m <= 9; m++) out.push(Number(`${m}e${e}`));
  return out;
};
const kept = (splits) => logFilter(null, splits).filter((v) => v != null);

test('a log axis over 2 decades keeps 1, 2 and 5 × 10ⁿ', () => {
  assert.deepEqual(kept(candidates(-2, -1).concat([1])), [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
});

test('over 3 to 6 decades only the powers of ten', () => {
  assert.deepEqual(kept(candidates(-3, 1).concat([100])), [0.001, 0.01, 0.1, 1, 10, 100]);
});

test('a diverged run (10⁻³ … 10¹⁰) labels every third power of ten, not thirteen crowded ones', () => {
  const splits = candidates(-3, 9).concat([1e10]);
  const labels = kept(splits).map(logTick);
  assert.deepEqual(labels, ['0.001', '1', '1000', '1e6', '1e9']);
  assert.ok(labels.length <= 6);
});

test('tick labels', () => {
  assert.equal(logTick(0.002), '0.002');
  assert.equal(logTick(1e-6), '1e-6');
  assert.equal(logTick(1e6), '1e6');
  assert.equal(linearTick(0.0015), '0.0015');
  assert.equal(linearTick(25000), '25,000');
  assert.equal(linearTick(null), '');
});
