// Fuzz target: the runs-import JSON (www/experiments/runs-file.js parseRunsFile), the text of a file
// a stranger may hand the page. Inputs: exports of valid records (seeds.mjs) as runsToJson writes
// them, mutated as values (fields replaced, deleted, given other types) or as text (characters
// flipped, cut, inserted), and random JSON and text. parseRunsFile either refuses the file with its
// one documented Error, a one-line message saying what the file is instead, or returns runs that
// pass the stored-record check and go through everything the page does with a run (use-record.mjs),
// and reasons for the runs it skipped; an unmutated export reads back whole.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { expectRefusal, fuzz } from './harness.mjs';
import { mutatedText, mutatedValue } from './mutate.mjs';
import { validRecord } from './seeds.mjs';
import { useRecord } from './use-record.mjs';
import { recordProblem } from '../../../www/experiments/history.js';
import { parseRunsFile, runsToJson } from '../../../www/experiments/runs-file.js';

const records = fc.array(validRecord, { minLength: 1, maxLength: 3 });
const exportDoc = records.map((runs) => JSON.parse(runsToJson(runs)));

const input = fc.oneof(
  { weight: 1, arbitrary: records.map((runs) => ({ text: runsToJson(runs), whole: runs.length })) },
  { weight: 4, arbitrary: mutatedValue(exportDoc, { maxMoves: 3 }).map((doc) => ({ text: JSON.stringify(doc) ?? 'undefined' })) },
  { weight: 4, arbitrary: mutatedText(records.map((runs) => runsToJson(runs)), { maxMoves: 3 }).map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.oneof(fc.json(), fc.string({ unit: 'binary', maxLength: 200 })).map((text) => ({ text })) },
);

function check({ text, whole }) {
  let parsed;
  const refusal = expectRefusal(() => (parsed = parseRunsFile(text)), 'parseRunsFile');
  if (refusal !== null) return `refused: ${refusal.replace(/ \(.*|: .*| of schema .*/, '')}`;
  assert.ok(Array.isArray(parsed.runs) && Array.isArray(parsed.skipped));
  for (const reason of parsed.skipped) assert.match(reason, /^run \d+/);
  for (const run of parsed.runs) {
    assert.equal(recordProblem(run), '', 'an imported run is a valid record');
    assert.equal(run.modelEpoch, null, 'an imported run has no model');
    useRecord(run);
  }
  if (whole !== undefined) assert.equal(parsed.runs.length, whole, 'an unmutated export reads back whole');
  if (parsed.runs.length === 0) return parsed.skipped.length ? 'all runs skipped' : 'no runs';
  return parsed.skipped.length ? 'some runs imported, some skipped' : 'all runs imported';
}

// Inputs that once failed (docs/fuzzing.md): V8's JSON message quoted the file's line break, and
// the refusal was two lines.
const regressions = [{ text: '#\n "format"' }];

fuzz('runs-file', input, check, { regressions });
