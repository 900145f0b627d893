// Issue 7: a model exported in the TensorFlow.js layers format loads with tf.loadLayersModel
// (TensorFlow.js 4.22, the npm dev dependency) and predicts what our engine predicts, within 1e-5,
// for every exportable activation; a GELU network is refused with a clear message. The check runs in bench/tfjs-export-check.html (TF.js needs 'unsafe-eval',
// which only the bench/ pages are served with).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageResult } from '../harness.mjs';

test('TF.js export loads in TensorFlow.js and predicts like our engine', { timeout: 180_000 }, async () => {
  const result = await pageResult('bench/tfjs-export-check.html', 'data-result', 170_000);
  assert.equal(result.error, undefined, result.error);
  for (const [activation, r] of Object.entries(result.activations)) {
    console.log(`${activation}: max |Δp| ${r.maxDiff.toExponential(2)}, same digit ${r.sameDigit}/${r.images}`);
    assert.ok(r.maxDiff < 1e-5, `${activation}: max probability difference ${r.maxDiff}`);
    assert.equal(r.sameDigit, r.images, activation);
  }
  assert.deepEqual(Object.keys(result.activations), ['relu', 'leaky_relu', 'sigmoid', 'tanh']);
  assert.match(result.geluError ?? '', /cannot load a GELU network/);
});
