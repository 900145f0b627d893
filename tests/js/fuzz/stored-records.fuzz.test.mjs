// Fuzz targets: stored run records and models (stored-model, at the end). Run records, as IndexedDB gives them back (any structured-clone value:
// NaN, dates, maps, typed arrays, big integers, own `__proto__` keys), mutated from records of
// the recorder's shape (seeds.mjs). The page reads them with www/experiments/history.js
// recordProblem: a record it refuses is skipped with a reason; one it accepts must go through
// everything the page then does with a record without an exception — the runs table's cells and
// sort values, the settings it shows and compares, the compare chart's curves and its legend, the
// CSV and JSON exports — and the JSON export must read back (runs-file.js) as the same run.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzz } from './harness.mjs';
import { mutatedValue } from './mutate.mjs';
import { validRecord } from './seeds.mjs';
import { LIMITS } from '../engine-default.mjs';
import { recordProblem, SCHEMA_VERSION, storedModelProblem } from '../../../www/experiments/history.js';
import { storedAt } from '../../../www/experiments/models.js';
import { COLUMNS } from '../../../www/experiments/runs-table.js';
import { align, describeDifferences, describeRun, differingKeys, distinguishingKeys, heldOutTurn, measuredAtStop, pct, settingsOf, testAccuracy, validationAccuracy } from '../../../www/experiments/run-records.js';
import { curvesToCsv, parseRunsFile, runsToCsv, runsToJson } from '../../../www/experiments/runs-file.js';
import { smoothSeries } from '../../../www/charts/smoothing.js';
import { setLimits } from '../../../www/playground/settings.js';

setLimits(LIMITS);

const OTHER = fc.sample(validRecord, { seed: 7, numRuns: 1 })[0];

/** Everything the page does with an accepted record (its result is checked only for shape). */
export function useRecord(r) {
  const both = [r, OTHER];
  for (const [key, , value, text] of COLUMNS) {
    const v = value(r);
    assert.ok(v == null || ['string', 'number'].includes(typeof v), `sort value of ${key}`);
    if (text) assert.equal(typeof text(r), 'string', `cell text of ${key}`);
  }
  assert.equal(typeof r.note.toLowerCase(), 'string');
  for (const [, v] of settingsOf(r.config)) assert.equal(typeof v, 'string');
  const keys = differingKeys(both);
  assert.equal(typeof describeDifferences(both, keys), 'string');
  assert.equal(typeof describeRun(r, distinguishingKeys(r, [OTHER], keys)), 'string');
  pct(testAccuracy(r));
  pct(validationAccuracy(r));
  measuredAtStop(r);
  // The compare chart: by epoch, by step and by time.
  const x = r.epochs.map((e) => e.epoch);
  const held = (e) => e.validation ?? e.test;
  const epochCurves = [r.epochs.map((e) => held(e)?.loss ?? null), r.epochs.map((e) => e.train.loss)];
  align(epochCurves.map((y) => ({ x, y })));
  assert.equal(typeof heldOutTurn(r), 'string');
  const time = r.steps.time.map((t) => Number(t.toFixed(3)));
  align([{ x: time, y: smoothSeries(r.steps.step, r.steps.loss, { log: true }) }, { x: r.steps.step, y: smoothSeries(r.steps.step, r.steps.accuracy) }]);
  // Exports, and the JSON export read back.
  runsToCsv(both);
  curvesToCsv(both);
  const back = parseRunsFile(runsToJson([r]));
  assert.deepEqual(back.skipped, [], 'an accepted record exported as JSON reads back');
  assert.equal(back.runs[0].id, r.id);
}

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
