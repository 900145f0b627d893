// www/app/model-status.js: what the drawing panel says about the model being trained, from the
// worker's messages. Expected strings are written out by hand from the messages fed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrainedModelStatus } from '../../www/app/model-status.js';
import { FromWorker, RunState } from '../../www/protocol.js';

const configured = (totalSteps, stepsPerEpoch) => ({ type: FromWorker.CONFIGURED, config: {}, info: { total_steps: totalSteps, steps_per_epoch: stepsPerEpoch } });
const progress = (step) => ({ type: FromWorker.PROGRESS, step });
const state = (s, reset = false) => ({ type: FromWorker.RUN_STATE, state: s, ...(reset ? { reset } : {}) });
const tested = (step, accuracy) => ({ type: FromWorker.EVALUATION, which: 'test', step, evaluation: { accuracy } });

test('one Step: "after 1 of 1,290 steps (not yet through one epoch)"', () => {
  const s = new TrainedModelStatus();
  assert.equal(s.describe(), '');
  assert.equal(s.update(configured(1290, 430)), true);
  s.update(state(RunState.PAUSED));
  assert.equal(s.update(progress(1)), true);
  assert.equal(s.describe(), 'after 1 of 1,290 steps (not yet through one epoch)');
});

test('while running it says so once (no churn per batch); a finished run names its epochs and test accuracy', () => {
  const s = new TrainedModelStatus();
  s.update(configured(1290, 430));
  s.update(state(RunState.RUNNING));
  assert.equal(s.describe(), 'as it trains');
  assert.equal(s.update(progress(10)), false);
  assert.equal(s.update(progress(430)), false);
  s.update(progress(1290));
  s.update(tested(1290, 0.97391));
  assert.equal(s.update(state(RunState.FINISHED)), true);
  assert.equal(s.describe(), 'after 3 epochs, 97.4% on the test set');
});

test('stopped mid-epoch: steps, past the first epoch, with the accuracy evaluated at that step only', () => {
  const s = new TrainedModelStatus();
  s.update(configured(1290, 430));
  s.update(state(RunState.RUNNING));
  s.update(progress(500));
  s.update(tested(500, 0.9561));
  s.update(state(RunState.STOPPED));
  assert.equal(s.describe(), 'after 500 of 1,290 steps, 95.6% on the test set');
  // A Step afterwards changes the model: the old accuracy no longer applies.
  s.update(progress(501));
  assert.equal(s.describe(), 'after 501 of 1,290 steps');
});

test('paused at an epoch boundary: "after 1 of 3 epochs"; Reset clears it', () => {
  const s = new TrainedModelStatus();
  s.update(configured(1290, 430));
  s.update(progress(430));
  s.update(state(RunState.PAUSED));
  assert.equal(s.describe(), 'after 1 of 3 epochs');
  s.update(state(RunState.IDLE, true));
  assert.equal(s.describe(), '');
});
