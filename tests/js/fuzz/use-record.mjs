// What the page does with a run record it accepted (www/experiments/history.js recordProblem),
// in Node: the runs table's cells and sort values, the settings it shows and compares, the compare
// chart's curves and its legend, the CSV and JSON exports, and the JSON export read back. Shared by
// the stored-record and runs-file fuzz targets.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validRecord } from './seeds.mjs';
import { LIMITS } from '../engine-default.mjs';
import { COLUMNS } from '../../../www/experiments/runs-table.js';
import { align, describeDifferences, describeRun, differingKeys, distinguishingKeys, heldOutTurn, measuredAtStop, pct, settingsOf, testAccuracy, validationAccuracy } from '../../../www/experiments/run-records.js';
import { curvesToCsv, parseRunsFile, runsToCsv, runsToJson } from '../../../www/experiments/runs-file.js';
import { smoothSeries } from '../../../www/charts/smoothing.js';
import { setLimits } from '../../../www/playground/settings.js';

setLimits(LIMITS);

const OTHER = fc.sample(validRecord, { seed: 7, numRuns: 1 })[0];

/** Everything the page does with an accepted record `r` (the results are checked for their shape). */
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

