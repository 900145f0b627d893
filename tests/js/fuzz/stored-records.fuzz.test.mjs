// Fuzz targets: stored run records and (at the end) stored models. Run records come back from
// IndexedDB as any structured-clone value (NaN, dates, maps, typed arrays, big integers, own `__proto__` keys), mutated from records of
// the recorder's shape (seeds.mjs). The page reads them with www/experiments/history.js
// recordProblem: a record it refuses is skipped with a reason; one it accepts must go through
// everything the page then does with a record without an exception (use-record.mjs), and its JSON
// export must read back (runs-file.js) as the same run.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzz } from './harness.mjs';
import { mutatedValue } from './mutate.mjs';
import { validRecord } from './seeds.mjs';
import { recordProblem, SCHEMA_VERSION, storedModelProblem } from '../../../www/experiments/history.js';
import { storedAt } from '../../../www/experiments/models.js';
import { useRecord } from './use-record.mjs';

function check(record) {
  const problem = recordProblem(record);
  if (problem) {
    assert.equal(typeof problem, 'string');
    assert.ok(!problem.includes('\n'), 'one line');
    return `refused: ${problem.replace(/^(schema version|unknown state) .*/, '$1')}`;
  }
  useRecord(record);
  return 'accepted';
}

// Inputs that once failed (docs/fuzzing.md, "Bugs found and fixed"), on a record of the seeds.
const base = fc.sample(validRecord.filter((r) => r.epochs.length === 0 && r.steps.step.length > 0), { seed: 3, numRuns: 1 })[0];
const epoch = (n, validation) => ({ epoch: n, step: 10 * n, time: n, train: { loss: 1, accuracy: 0.5 }, validation, test: null });
const regressions = [
  // The compare legend's "lowest validation loss" sentence read the last epoch's loss, absent here.
  { ...base, epochs: [epoch(1, { loss: 0.5, accuracy: 0.8 }), epoch(2, { loss: 0.6, accuracy: 0.8 }), epoch(3, null)] },
  // A big integer in the config: the JSON export threw.
  { ...base, config: { ...base.config, seed: 10n } },
  // An epoch's step that is an object whose toString is not a function: the curves CSV threw.
  { ...base, epochs: [{ ...epoch(1, null), step: { toString: 'x', valueOf: 'y' } }] },
  // A choice (the activation) that is such an object: settingsOf threw (runs-file, long run).
  { ...base, config: { ...base.config, activation: { toString: null, valueOf: '"]; alert(1); //' } } },
  // A layer width that is such an object: settingsOf threw.
  { ...base, config: { ...base.config, hidden: [{ toString: 'x' }] } },
  // A step time of null (by reading the compare chart: time.toFixed).
  { ...base, steps: { ...base.steps, time: base.steps.time.map(() => null) } },
];

fuzz('stored-record', mutatedValue(validRecord, { clone: true, maxMoves: 3 }), check, { regressions });

// Stored models: `{schema, id, bytes, epoch, step, savedAt}` (history.js putRunModel). An accepted
// one is named by storedAt; its bytes go to the engine, whose model-file reader is fuzzed natively
// (tests/fuzz/model_file.rs).
const validModel = fc.record({
  schema: fc.constant(SCHEMA_VERSION),
  id: fc.constant('run-1-a'),
  bytes: fc.uint8Array({ maxLength: 64 }),
  epoch: fc.nat(5),
  step: fc.option(fc.nat(5000)),
  savedAt: fc.constant(1.7e12),
});
fuzz('stored-model', fc.tuple(mutatedValue(validModel, { clone: true, maxMoves: 3 }), mutatedValue(validRecord, { clone: true, maxMoves: 2 })), ([model, record]) => {
  const problem = storedModelProblem(model);
  if (problem) return `refused: ${problem.replace(/^schema version .*/, 'schema version')}`;
  if (recordProblem(record) === '') assert.match(storedAt(record, model), /^(epoch|step) /);
  return 'accepted';
});
