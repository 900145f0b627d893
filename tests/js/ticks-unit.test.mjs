// The charts' axis ticks (www/ui/ticks.js), in Node: which log-axis ticks are kept, and their labels.
// Expected values are written out by hand.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floorOneDigit, linearTick, logFilter, logRange, logTick, MIN_PERCENT_SPAN, percentRange, percentTick } from '../../www/ui/ticks.js';

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

test('accuracy axes: labels in percent', () => {
  assert.deepEqual([0.95, 0.925, 1, 0, 0.1].map(percentTick), ['95%', '92.5%', '100%', '0%', '10%']);
  assert.equal(percentTick(null), '');
});

test('accuracy axes: the data plus a tenth of its span on each side', () => {
  const [lo, hi] = percentRange(0.5, 0.9); // span 0.4, pad 0.04
  assert.ok(Math.abs(lo - 0.46) < 1e-12 && Math.abs(hi - 0.94) < 1e-12, `${lo} ${hi}`);
});

test('accuracy axes: a run stuck near chance gets at least 5 points, centred on its data', () => {
  // 10.2–11.4% (span 1.2 points, padded to 1.44) is widened to 5 points about 10.8%.
  const [lo, hi] = percentRange(0.102, 0.114);
  assert.ok(Math.abs(hi - lo - MIN_PERCENT_SPAN) < 1e-12, `${lo} ${hi}`);
  assert.ok(Math.abs((lo + hi) / 2 - 0.108) < 1e-12, `${lo} ${hi}`);
});

test('accuracy axes stay within 0–100%: widening near the ends shifts inwards', () => {
  const [top0, top1] = percentRange(0.99, 1);
  assert.ok(Math.abs(top0 - 0.95) < 1e-12 && top1 === 1, `${top0} ${top1}`);
  const [lo, hi] = percentRange(0, 0.01);
  assert.equal(lo, 0);
  assert.ok(Math.abs(hi - 0.05) < 1e-12, `${hi}`);
  assert.deepEqual(percentRange(null, null), [0, 1]);
});

test('log axes: the data with a factor 1.25 of margin, not whole decades, from a one-digit lower end', () => {
  assert.deepEqual(logRange(0.08, 0.3), [0.06, 0.3 * 1.25]); // 0.08 / 1.25 = 0.064 → 0.06
  assert.deepEqual(logRange(0.5, 0.5), [0.2, 1]); // 0.25 → 0.2
  // The case that froze uPlot 1.6.32: a lowest batch loss of 0.01201 gave a lower end of 0.00961.
  assert.deepEqual(logRange(0.01201, 2.93), [0.009, 2.93 * 1.25]);
  assert.deepEqual(logRange(null, null), [0.01, 10]);
  assert.deepEqual(logRange(0, 1), [0.01, 10]);
});

test('a log axis under one decade also labels 3 × 10ⁿ', () => {
  assert.deepEqual(kept([0.07, 0.08, 0.09, 0.1, 0.2, 0.3]), [0.1, 0.2, 0.3]);
});

test('floorOneDigit: the largest m × 10ⁿ (m = 1…9) not above v, as the exact decimal', () => {
  assert.equal(floorOneDigit(0.00961), 0.009);
  assert.equal(floorOneDigit(0.064), 0.06);
  assert.equal(floorOneDigit(1.84), 1);
  assert.equal(floorOneDigit(2.3), 2);
  assert.equal(floorOneDigit(950), 900);
  assert.equal(floorOneDigit(0.001), 0.001); // exactly on the grid stays
  assert.equal(floorOneDigit(3e-7), 3e-7);
  // Exactly on the grid for every digit and many exponents (0.3 / 0.1 is 2.9999999999999996).
  for (let e = -12; e <= 8; e++) for (let m = 1; m <= 9; m++) assert.equal(floorOneDigit(Number(`${m}e${e}`)), Number(`${m}e${e}`), `${m}e${e}`);
  // Many values over 20 decades: the result is m × 10ⁿ written with one digit, ≤ v, > v / 10.
  for (let i = 0; i < 5_000; i++) {
    const v = 10 ** (-12 + 20 * ((i * 0.6180339887) % 1));
    const x = floorOneDigit(v);
    assert.ok(x <= v && x > v / 10, `${x} for ${v}`);
    assert.match(x.toExponential(), /^[1-9]e[+-]\d+$/, `${x} for ${v} has one significant digit`);
  }
});
