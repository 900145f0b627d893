// www/experiments/runs-file.js: reading a "Runs + curves (JSON)" export back. Records are checked like stored
// ones (www/experiments/history.js recordProblem); the expected messages are written out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunsFile, runsToJson } from '../../www/experiments/runs-file.js';
import { SCHEMA_VERSION } from '../../www/experiments/history.js';

const record = (id, changes = {}) => ({
  schema: SCHEMA_VERSION,
  id,
  name: `Run ${id}`,
  note: '',
  createdAt: 1,
  config: { hidden: [128] },
  state: 'finished',
  steps: { step: [1, 2], loss: [2.3, 2.1], accuracy: [0.1, 0.2], time: [0.01, 0.02] },
  epochs: [{ epoch: 1, step: 2, time: 0.02, train: { loss: 2, accuracy: 0.2 }, validation: null, test: null }],
  final: null,
  modelEpoch: 1,
  ...changes,
});

test('an export reads back: runs as they were, without their models; a running one as interrupted', () => {
  const text = runsToJson([record('a'), record('b', { state: 'running' })]);
  const { runs, skipped } = parseRunsFile(text);
  assert.deepEqual(skipped, []);
  assert.deepEqual(runs.map((r) => [r.id, r.state, r.modelEpoch]), [['a', 'finished', null], ['b', 'interrupted', null]]);
  assert.equal(runs[1].error, 'it was still training when it was exported');
  assert.deepEqual(runs[0].steps, record('a').steps);
});

test('records this page cannot read are skipped, each with its reason', () => {
  const text = runsToJson([record('a'), record('b', { schema: 7 }), { name: 'odd' }, record('c', { steps: { step: [1], loss: [], accuracy: [], time: [] } })]);
  const { runs, skipped } = parseRunsFile(text);
  assert.deepEqual(runs.map((r) => r.id), ['a']);
  assert.deepEqual(skipped, [
    'run 2 (“Run b”): schema version 7, this page reads 1',
    'run 3 (“odd”): schema version undefined, this page reads 1',
    'run 4 (“Run c”): step curves of different lengths',
  ]);
});

test('a file that is not a runs export says what it is instead', () => {
  assert.throws(() => parseRunsFile('not json'), /^Error: it is not JSON \(/);
  assert.throws(() => parseRunsFile('{"format":"something-else","runs":[]}'), /it is not a runs file of this page \(make one with “Runs \+ curves \(JSON\)”\)/);
  assert.throws(() => parseRunsFile('[1,2,3]'), /it is not a runs file of this page/);
  assert.throws(() => parseRunsFile('{"format":"mnist-playground-runs","schema":2,"runs":[]}'), /schema 2; this page reads schema 1/);
});

test('a stored model is named by its epoch at an epoch\'s end, by its step otherwise (www/experiments/models.js)', async () => {
  const { storedAt } = await import('../../www/experiments/models.js');
  const run = { epochs: [{ epoch: 1, step: 16 }, { epoch: 2, step: 32 }] };
  assert.equal(storedAt(run, { epoch: 2, step: 32 }), 'epoch 2');
  assert.equal(storedAt(run, { epoch: 2, step: 35 }), 'step 35');
  assert.equal(storedAt(run, { epoch: 2 }), 'epoch 2', 'stored before steps were');
  assert.equal(storedAt({ epochs: [] }, { epoch: 0, step: 1835 }), 'step 1,835');
});
