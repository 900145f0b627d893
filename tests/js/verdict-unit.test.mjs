// The verdict under the training read-outs (www/playground/verdict.js), in Node, on hand-made epoch summaries.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowestHeldOut, verdict } from '../../www/playground/verdict.js';

const epoch = (n, train, validation, test = null) => ({
  epoch: n,
  train: { loss: train[0], accuracy: train[1] },
  validation: validation && { loss: validation[0], accuracy: validation[1] },
  test: test && { loss: test[0], accuracy: test[1] },
});

test('no epochs, or no held-out data: nothing to say', () => {
  assert.equal(verdict([]), null);
  assert.equal(verdict([epoch(1, [0.3, 0.9], null)]), null);
});

test('a learning run that has not overfitted: nothing to say', () => {
  const run = [epoch(1, [0.3, 0.91], [0.16, 0.95]), epoch(2, [0.12, 0.96], [0.11, 0.97]), epoch(3, [0.08, 0.98], [0.1, 0.97])];
  assert.equal(verdict(run), null);
});

test('held-out accuracy at chance is named, with the accuracy and the epoch', () => {
  const v = verdict([epoch(1, [2.4, 0.1], [2.31, 0.1137])]);
  assert.equal(v.kind, 'chance');
  assert.match(v.text, /after epoch 1 the network reads 11\.4% of the validation images correctly, about what guessing among 10 classes gets \(10\.0%\)/);
  assert.match(v.text, /learning rate/);
});

test('without a validation set the test set is judged', () => {
  const v = verdict([epoch(1, [2.3, 0.1], null, [2.3, 0.098])]);
  assert.equal(v.kind, 'chance');
  assert.match(v.text, /9\.8% of the test images/);
});

test('just above chance (21%) is not called chance', () => {
  assert.equal(verdict([epoch(1, [2.0, 0.2], [1.9, 0.21])]), null);
});

test('a network that fits a tiny training subset but reads held-out digits badly is not "not learning"', () => {
  assert.equal(verdict([epoch(1, [0.9, 0.7], [2.2, 0.19])]), null);
});

test('overfitting: held-out loss 2%+ above its lowest at an earlier epoch while training loss falls', () => {
  const run = [
    epoch(6, [0.2, 0.94], [0.42, 0.88]),
    epoch(7, [0.1, 0.97], [0.41, 0.89]),
    epoch(8, [0.05, 0.99], [0.415, 0.89]), // +1.2%: not yet
  ];
  assert.equal(verdict(run), null);
  run.push(epoch(9, [0.03, 1], [0.429, 0.89])); // +4.6%, but only one epoch above +2%
  assert.equal(verdict(run), null, 'one epoch above the lowest may be noise');
  run.push(epoch(10, [0.02, 1], [0.433, 0.89])); // two epochs above +2%
  const v = verdict(run);
  assert.equal(v.kind, 'overfitting');
  assert.match(v.text, /validation loss was lowest after epoch 7 \(0\.410\) and is 0\.433 now/);
  assert.match(v.text, /0\.100 → 0\.020/);
});

test('a one-epoch wobble of a learning run is not called overfitting', () => {
  const run = [0.105, 0.1, 0.103, 0.095].map((loss, i) => epoch(i + 1, [0.2 - 0.03 * i, 0.95], [loss, 0.97]));
  for (let n = 1; n <= run.length; n++) assert.equal(verdict(run.slice(0, n)), null, `after epoch ${n}`);
});

test('held-out loss rising together with the training loss is not overfitting', () => {
  const run = [epoch(1, [0.3, 0.9], [0.3, 0.9]), epoch(2, [0.5, 0.85], [0.6, 0.8])];
  assert.equal(verdict(run), null);
});

test('lowestHeldOut: the epoch of the lowest validation loss, or test without validation', () => {
  const run = [epoch(1, [0.3, 0.9], [0.2, 0.9]), epoch(2, [0.2, 0.95], [0.15, 0.95]), epoch(3, [0.1, 0.97], [0.18, 0.95])];
  assert.deepEqual(lowestHeldOut(run), { index: 1, epoch: 2, lowest: 0.15, now: 0.18, heldName: 'validation' });
  const testOnly = [epoch(1, [0.3, 0.9], null, [0.25, 0.9]), epoch(2, [0.2, 0.95], null, [0.2, 0.93])];
  assert.deepEqual(lowestHeldOut(testOnly), { index: 1, epoch: 2, lowest: 0.2, now: 0.2, heldName: 'test' });
  assert.equal(lowestHeldOut([]).index, -1);
});

test('chance follows the class count: 1/classes, and "not learning" a ninth of the way above it', async () => {
  const { chanceAccuracy, chanceLimit } = await import('../../www/playground/verdict.js');
  assert.equal(chanceAccuracy(10), 0.1);
  assert.equal(chanceLimit(10), 0.2);
  assert.equal(chanceAccuracy(3), 1 / 3);
  // 50% validation accuracy on three classes (chance 33%) is no verdict for ten classes either way…
  const threeWay = [epoch(1, [1.1, 0.38], [1.09, 0.4])];
  assert.equal(verdict(threeWay, 10), null, 'for ten classes 40% is well above chance');
  const v = verdict(threeWay, 3);
  assert.equal(v.kind, 'chance', 'for three classes 40% is about guessing');
  assert.match(v.text, /reads 40\.0% of the validation images correctly, about what guessing among 3 classes gets \(33\.3%\)/);
  // Two classes: 52% is chance, 70% is not.
  assert.equal(verdict([epoch(1, [0.69, 0.55], [0.69, 0.52])], 2)?.kind, 'chance');
  assert.equal(verdict([epoch(1, [0.6, 0.7], [0.6, 0.7])], 2), null);
});
