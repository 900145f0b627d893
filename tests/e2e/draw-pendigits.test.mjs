// Real handwriting through the real page (issue 5): a fixed sample of pendigits trajectories (30
// writers, recorded with a pen) replayed as pointer strokes on the drawing canvas, read from the
// prediction read-out. The same command measures the full set: node scripts/pendigits-replay.mjs
//
// The file lives outside the repository (../shared/pendigits/pendigits-tra.json from the project
// root, or $PENDIGITS); without it this test is skipped with a message saying so.
//
// Threshold: the target is ≥ 95% of pendigits-tra for the shipped default model; the
// default model reads 94.81% of the full set and 94.90% of this exact sample (measured through the
// page on 2026-11-27, see data/README.md), so the target is not met and this test asserts the
// measured floor, 94%, to catch regressions in drawing, preprocessing or the model.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { DEFAULT_FILE, formatReport, replayPendigits } from '../../scripts/pendigits-replay.mjs';

const FILE = process.env.PENDIGITS ?? DEFAULT_FILE;
const SAMPLE = 1000;
const SEED = 1;
const FLOOR = 0.94; // measured 0.949 on this sample; the target, 0.95, is not reached yet

test(`pendigits: ${SAMPLE} real handwritten digits replayed on the page read ≥ ${100 * FLOOR}%`, { skip: existsSync(FILE) ? false : `${FILE} not found: the pendigits file lives outside the repository (set PENDIGITS=path to use another copy)`, timeout: 300_000 }, async () => {
  const report = await replayPendigits({ file: FILE, sample: SAMPLE, seed: SEED });
  console.log(formatReport(report).replace(/^/gm, '# '));
  assert.equal(report.model, 'default');
  assert.equal(report.digits, SAMPLE);
  assert.equal(report.unanswered, 0, 'every digit got a read-out');
  assert.ok(report.accuracy >= FLOOR, `accuracy ${(100 * report.accuracy).toFixed(2)}% < ${100 * FLOOR}%`);
});
