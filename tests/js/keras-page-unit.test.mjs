// Issue 18, in Node (no browser): the page's side of the Keras/TensorBoard/TF.js exchange —
// the recorder keeping every step (and where it stops), a run record turned into what
// Engine.tensorboardZip takes (docs/keras.md) with notes on what it leaves out, the runs file
// carrying the per-step curves, and TF.js model files ordered by their manifest and size-checked
// before they are read. Expected values are written out by hand.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Recorder, MAX_BATCHES } from '../../www/experiments/recorder.js';
import { recordProblem, SCHEMA_VERSION } from '../../www/experiments/history.js';
import { parseRunsFile, runsToJson } from '../../www/experiments/runs-file.js';
import { tensorboardRun } from '../../www/experiments/tensorboard-runs.js';
import { MAX_MODEL_JSON_BYTES, readTfjsFiles } from '../../www/experiments/tfjs-files.js';

const histogram = { min: -1, max: 1, num: 4, sum: 0, sum_squares: 2, bucket_limit: [0, 1], bucket: [2, 2] };
const layers = [{ layer: 1, weights: histogram, gradients: histogram }];

/** A stored record of 4 steps and 2 epochs, as the recorder makes them now. */
const record = (changes = {}) => ({
  schema: SCHEMA_VERSION,
  id: 'r1',
  name: 'lr 0.1',
  note: '',
  createdAt: 1_765_000_000_500,
  config: { hidden: [2] },
  state: 'finished',
  steps: { step: [1, 2, 3, 4], loss: [2, 1.5, 1, 0.5], accuracy: [0.1, 0.2, 0.3, 0.4], time: [0, 0, 0, 0], learning_rate: [0.1, 0.1, 0.1, 0.1] },
  batches: { loss: Float32Array.of(2, 1.5, 1, 0.5), accuracy: Float32Array.of(0.1, 0.2, 0.3, 0.4), learning_rate: Float32Array.of(0.1, 0.1, 0.1, 0.1), cut: null },
  epochs: [
    { epoch: 1, step: 2, time: 1.5, train: { loss: 1.75, accuracy: 0.15 }, validation: { loss: 1.6, accuracy: 0.2, count: 10 }, test: null, layers },
    { epoch: 2, step: 4, time: 3, train: { loss: 0.75, accuracy: 0.35 }, validation: { loss: 0.7, accuracy: 0.4, count: 10 }, test: { loss: 0.8, accuracy: 0.3, count: 10 }, layers },
  ],
  final: null,
  modelEpoch: 2,
  ...changes,
});

describe('a run record for TensorBoard', () => {
  test('every step, every epoch with its metrics and histograms; start time in seconds', () => {
    const { run, notes } = tensorboardRun(record());
    assert.deepEqual(notes, []);
    assert.equal(run.name, 'lr 0.1');
    assert.equal(run.start_time, 1_765_000_000.5);
    assert.deepEqual(Array.from(run.steps.loss), [2, 1.5, 1, 0.5]);
    assert.deepEqual(Array.from(run.steps.learning_rate), [0.1, 0.1, 0.1, 0.1].map(Math.fround));
    assert.deepEqual(run.epochs[0], { epoch: 1, step: 2, seconds: 1.5, train_loss: 1.75, train_accuracy: 0.15, validation_loss: 1.6, validation_accuracy: 0.2, layers });
    assert.deepEqual(run.epochs[1], { epoch: 2, step: 4, seconds: 3, train_loss: 0.75, train_accuracy: 0.35, validation_loss: 0.7, validation_accuracy: 0.4, test_loss: 0.8, test_accuracy: 0.3, layers });
  });

  test('a record of before every step was kept: its unthinned chart curves, scalars only, said', () => {
    const old = record({ batches: undefined });
    for (const e of old.epochs) delete e.layers;
    const { run, notes } = tensorboardRun(old);
    assert.deepEqual(Array.from(run.steps.accuracy), [0.1, 0.2, 0.3, 0.4].map(Math.fround));
    assert.deepEqual(run.epochs.map((e) => e.layers), [[], []]);
    assert.deepEqual(notes, ['scalars only: no weight or gradient histograms were recorded with it (recorded before the page kept them)']);
  });

  test('thinned curves, or none, are refused with the reason; a cut run stops where its steps stop', () => {
    const thinned = record({ batches: undefined, steps: { step: [1, 3], loss: [2, 1], accuracy: [0, 0], time: [0, 0], learning_rate: [0.1, 0.1] } });
    assert.throws(() => tensorboardRun(thinned), /^Error: “lr 0\.1” was recorded before this page kept every step \(its curves were thinned for the charts\), so it cannot be written for TensorBoard; train it again$/);
    const empty = record({ batches: undefined, epochs: [], steps: { step: [], loss: [], accuracy: [], time: [] } });
    assert.throws(() => tensorboardRun(empty), /has no training steps yet/);
    const cut = record();
    cut.batches = { loss: Float32Array.of(2, 1.5, 1), accuracy: Float32Array.of(0, 0, 0), learning_rate: Float32Array.of(0.1, 0.1, 0.1), cut: 'limit' };
    const { run, notes } = tensorboardRun(cut);
    assert.deepEqual(run.epochs.map((e) => e.epoch), [1]);
    assert.deepEqual(notes, [`its logs stop at step 3 (the page keeps at most ${MAX_BATCHES.toLocaleString('en-US')} steps of a run)`]);
    const some = record();
    delete some.epochs[1].layers;
    assert.deepEqual(tensorboardRun(some).notes, ['histograms for 1 of its 2 epochs (the others were recorded without them)']);
  });
});

describe('the recorder keeps every step', () => {
  // Node 20 has no `navigator` (the recorder asks navigator.locks, optional, for its run lock).
  if (typeof navigator === 'undefined') globalThis.navigator = {};
  const history = () => {
    const runs = new Map();
    return { runs, list: () => [...runs.values()], get: (id) => runs.get(id) ?? null, put: (r) => runs.set(r.id, structuredClone(r)), putRunModel: async () => {} };
  };
  const points = (from, n) => ({
    step: Array.from({ length: n }, (_, i) => from + i),
    loss: Array.from({ length: n }, (_, i) => 1 / (from + i)),
    accuracy: Array.from({ length: n }, () => 0.5),
    learning_rate: Array.from({ length: n }, () => 0.01),
  });

  test('past the charts\' 2,000 points, as exact-length Float32Arrays; epochs keep their histograms', () => {
    const h = history();
    const recorder = new Recorder(h, { exportModel: async () => null });
    recorder.start({ config: { hidden: [2] }, info: {} });
    for (let from = 1; from <= 3000; from += 500) recorder.progress({ points: points(from, 500) });
    recorder.epoch({ epoch: 1, step: 3000, train: { loss: 1, accuracy: 0.5 }, validation: null, test: null, samples_per_second: 1, layers, model: null });
    const stored = h.list()[0];
    assert.ok(stored.steps.step.length <= 2000, 'the chart curves are thinned');
    assert.ok(stored.batches.loss instanceof Float32Array);
    assert.equal(stored.batches.loss.length, 3000);
    assert.equal(stored.batches.loss[2999], Math.fround(1 / 3000));
    assert.equal(stored.batches.cut, null);
    assert.deepEqual(stored.epochs[0].layers, layers);
    assert.equal(recordProblem(stored), '');
  });

  test('a step that never arrived ends the kept steps there ("gap")', () => {
    const h = history();
    const recorder = new Recorder(h, { exportModel: async () => null });
    recorder.start({ config: { hidden: [2] }, info: {} });
    recorder.progress({ points: points(1, 10) });
    recorder.progress({ points: points(12, 5) });
    recorder.save(false);
    const { batches } = h.list()[0];
    assert.equal(batches.loss.length, 10);
    assert.equal(batches.cut, 'gap');
  });
});

test('the runs file carries every step as numbers and reads them back as Float32Arrays', () => {
  const text = runsToJson([record()]);
  assert.match(text, /"loss": \[\n\s+2,\n\s+1\.5,/);
  const { runs, skipped } = parseRunsFile(text);
  assert.deepEqual(skipped, []);
  assert.ok(runs[0].batches.loss instanceof Float32Array);
  assert.deepEqual(Array.from(runs[0].batches.loss), [2, 1.5, 1, 0.5]);
  assert.equal(recordProblem(record({ batches: { loss: [1], accuracy: [], learning_rate: [1] } })), 'per-step curves of different lengths');
});

describe('TF.js model files', () => {
  const file = (name, content) => {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    return { name, size: bytes.length, text: async () => new TextDecoder().decode(bytes), arrayBuffer: async () => bytes.slice().buffer };
  };
  const manifest = JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: [] }] });

  test('weight files in manifest order, whatever order they were picked in; other files ignored', async () => {
    const read = await readTfjsFiles([file('group1-shard2of2.bin', Uint8Array.of(3, 4)), file('notes.txt', 'x'), file('model.json', manifest), file('group1-shard1of2.bin', Uint8Array.of(1, 2))], 100);
    assert.deepEqual(Array.from(read.weights), [1, 2, 3, 4]);
    assert.equal(read.modelJson, manifest);
    assert.equal(read.name, 'model.json');
  });

  test('what is wrong, said before anything large is read', async () => {
    await assert.rejects(readTfjsFiles([file('weights.bin', Uint8Array.of(1))], 100), /^Error: no model\.json among weights\.bin: pick the model's model\.json together with its weight files \(\.bin\)$/);
    await assert.rejects(readTfjsFiles([file('a.json', '{}'), file('b.json', '{}')], 100), /a\.json and b\.json: pick one model\.json/);
    await assert.rejects(readTfjsFiles([file('model.json', 'nope')], 100), /^Error: model\.json is not JSON \(/);
    await assert.rejects(readTfjsFiles([file('model.json', '{"format":"graph-model"}')], 100), /model\.json has no weightsManifest with paths/);
    await assert.rejects(readTfjsFiles([file('model.json', manifest), file('group1-shard1of2.bin', Uint8Array.of(1))], 100), /^Error: model\.json names the weight file group1-shard2of2\.bin, not picked: pick it together with model\.json/);
    const huge = { name: 'model.json', size: MAX_MODEL_JSON_BYTES + 1, text: async () => assert.fail('read whole'), arrayBuffer: async () => assert.fail('read whole') };
    await assert.rejects(readTfjsFiles([huge], 100), /model\.json is 4\.0 MB; the model\.json of a TensorFlow\.js layers model is a few KB/);
    const big = { name: 'group1-shard1of2.bin', size: 80, text: async () => assert.fail('read whole'), arrayBuffer: async () => assert.fail('read whole') };
    await assert.rejects(readTfjsFiles([file('model.json', manifest), big, { ...big, name: 'group1-shard2of2.bin' }], 100), /the weight files add up to 0\.0 MB, more than the largest network this page runs holds/);
  });
});

test('Download for TensorBoard: Cancel drops the engine\'s answer; runs that cannot be written are named', async () => {
  const { downloadTensorboard } = await import('../../www/experiments/keras-exports.js');
  const asked = [];
  const engine = { tensorboardZip: async (runs) => (asked.push(runs.map((r) => r.name)), new Uint8Array(3)) };
  const thinned = record({ name: 'old', batches: undefined, steps: { step: [1, 3], loss: [2, 1], accuracy: [0, 0], time: [0, 0], learning_rate: [0.1, 0.1] } });
  const result = await downloadTensorboard(engine, [record(), thinned], { cancelled: () => true });
  assert.deepEqual(asked, [['lr 0.1']]);
  assert.deepEqual(result, { ok: false, cancelled: true, text: 'Cancelled: nothing was downloaded.' });
  assert.deepEqual(await downloadTensorboard(engine, [thinned]), { ok: false, text: `Nothing to download for TensorBoard: “old” was recorded before this page kept every step (its curves were thinned for the charts), so it cannot be written for TensorBoard; train it again.` });
  assert.match((await downloadTensorboard(engine, [])).text, /^Tick the runs to download for TensorBoard first/);
});
