// A recorded run (www/experiments/history.js) as the run record that Engine.tensorboardZip turns
// into TensorBoard event files (docs/keras.md "What the page passes"), and what the export of it
// leaves out, in words. Pure: Node tests it (tests/js/tensorboard-runs-unit.test.mjs).
//
// Non-goals: writing event files or zips (the engine), downloading (keras-exports.js).

import { MAX_BATCHES } from './recorder.js';

const finiteOrNaN = (x) => (typeof x === 'number' ? x : NaN);

/**
 * Every step's loss, accuracy and learning rate of `record` (Float32Arrays, entry i = step i + 1):
 * its `batches`, or, for a record made before they were kept, its chart curves when those were
 * never thinned (steps 1, 2, 3 … with a learning rate each). Null when neither has them.
 */
function everyStep(record) {
  const b = record.batches;
  if (b && b.loss.length > 0) return { loss: Float32Array.from(b.loss, finiteOrNaN), accuracy: Float32Array.from(b.accuracy, finiteOrNaN), learning_rate: Float32Array.from(b.learning_rate, finiteOrNaN), cut: b.cut ?? null };
  const s = record.steps;
  if (!s || !Array.isArray(s.learning_rate) || s.step.length === 0 || !s.step.every((step, i) => step === i + 1)) return null;
  return { loss: Float32Array.from(s.loss, finiteOrNaN), accuracy: Float32Array.from(s.accuracy, finiteOrNaN), learning_rate: Float32Array.from(s.learning_rate, finiteOrNaN), cut: null };
}

/**
 * `{run, notes}`: the engine's run record of `record` and notes on what its logs leave out
 * ("scalars only: recorded before the page kept histograms"). Throws an Error saying why a run
 * cannot be written (no steps yet, or its curves were thinned before every step was kept).
 */
export function tensorboardRun(record) {
  const steps = everyStep(record);
  if (!steps) {
    if (record.steps?.step?.length > 0) {
      throw new Error(`“${record.name}” was recorded before this page kept every step (its curves were thinned for the charts), so it cannot be written for TensorBoard; train it again`);
    }
    throw new Error(`“${record.name}” has no training steps yet`);
  }
  const n = steps.loss.length;
  const kept = record.epochs.filter((e) => e.step >= 1 && e.step <= n);
  const notes = [];
  if (steps.cut === 'limit') notes.push(`its logs stop at step ${n.toLocaleString('en-US')} (the page keeps at most ${MAX_BATCHES.toLocaleString('en-US')} steps of a run)`);
  if (steps.cut === 'gap') notes.push(`its logs stop at step ${n.toLocaleString('en-US')} (the steps after it did not all reach the page)`);
  const withLayers = kept.filter((e) => Array.isArray(e.layers) && e.layers.length > 0).length;
  if (kept.length > 0 && withLayers === 0) notes.push('scalars only: no weight or gradient histograms were recorded with it (recorded before the page kept them)');
  else if (withLayers < kept.length) notes.push(`histograms for ${withLayers} of its ${kept.length} epochs (the others were recorded without them)`);
  const run = {
    name: record.name,
    start_time: record.createdAt / 1000,
    steps: { loss: steps.loss, accuracy: steps.accuracy, learning_rate: steps.learning_rate },
    epochs: kept.map((e) => ({
      epoch: e.epoch,
      step: e.step,
      seconds: Number.isFinite(e.time) && e.time >= 0 ? e.time : 0,
      train_loss: finiteOrNaN(e.train.loss),
      train_accuracy: finiteOrNaN(e.train.accuracy),
      ...(e.validation ? { validation_loss: finiteOrNaN(e.validation.loss), validation_accuracy: finiteOrNaN(e.validation.accuracy) } : {}),
      ...(e.test ? { test_loss: finiteOrNaN(e.test.loss), test_accuracy: finiteOrNaN(e.test.accuracy) } : {}),
      layers: Array.isArray(e.layers) ? e.layers : [],
    })),
  };
  return { run, notes };
}
