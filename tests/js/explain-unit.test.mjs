// The pure parts of "Look inside a prediction" (www/explain/), in Node: the slides of a walkthrough
// in order (every layer forward, then backward), the page's own budget check of an attacked image
// (exact on f32 values), a layer's statistics and the signed number format.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stagesOf } from '../../www/explain/step-through.js';
import { budgetUsed } from '../../www/explain/fool.js';
import { layerStats, signed } from '../../www/explain/bars.js';

test('the slides: input, each layer forward, softmax, each δ from the output back, ∂W₁, the step', () => {
  const kinds = (n) => stagesOf(n).map((s) => `${s.kind}${s.layer ?? ''}`);
  assert.deepEqual(kinds(3), ['input', 'forward0', 'forward1', 'output2', 'output-delta2', 'delta1', 'delta0', 'weight-gradient0', 'sgd-step']);
  // No hidden layer (softmax regression): the output is the first layer.
  assert.deepEqual(kinds(1), ['input', 'output0', 'output-delta0', 'weight-gradient0', 'sgd-step']);
  assert.equal(stagesOf(17).length, 2 * 17 + 3);
});

test('budgetUsed reads the original as the engine does (f32 of p/255) and is exact at the budget', () => {
  const original = Uint8Array.from([0, 255, 128, 37]);
  const epsilon = Math.fround(0.1);
  // Pixels moved by exactly ε (0 + ε is exact), not at all, or by less than ε.
  const x = (p) => Math.fround(p / 255);
  const image = Float32Array.from([epsilon, 1, x(128), Math.fround(x(37) + 0.05)]);
  const used = budgetUsed(image, original);
  assert.equal(used.linf, epsilon, 'the largest change is the budget, exactly');
  assert.equal(used.min, Math.min(...image));
  assert.equal(used.max, 1);
  // One f32 step over the budget is seen.
  const over = Float32Array.from(image);
  over[0] = Math.fround(epsilon + 2 ** -26);
  assert.ok(over[0] > epsilon && budgetUsed(over, original).linf > epsilon);
  // A byte read as a double p/255 would differ from the engine's f32 in the last bits.
  assert.notEqual(x(37), 37 / 255);
});

test('layer statistics and signed numbers', () => {
  const s = layerStats([0, 0, 2, -1, 3]);
  assert.deepEqual(s, { count: 5, min: -1, max: 3, mean: 0.8, meanAbs: 1.2, zeroShare: 0.4, positiveShare: 0.4 });
  assert.equal(signed(-0.0511), '−0.0511');
  assert.equal(signed(17.4567), '17.5');
  assert.equal(signed(0), '0');
  assert.equal(signed(2.5e-7), '2.50e-7');
});
