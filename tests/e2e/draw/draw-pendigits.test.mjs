// Real handwriting through the real page (issues 5 and 20): the pendigits trajectories of the 15
// `report` writers (16–30, whom the shipped model never saw and who did not choose it; the split is
// WRITERS in scripts/checks/pendigits-replay.mjs), replayed as pointer strokes on the drawing canvas
// and read from the prediction read-out. The same command measures any writers:
// node scripts/checks/pendigits-replay.mjs --writers report
//
// The file lives outside the repository (../shared/pendigits/pendigits-tra.json from the project
// root, or $PENDIGITS); without it this test is skipped with a message saying so.
//
// Thresholds: issue 20's targets, ≥ 96% overall and ≥ 90% for every digit. The shipped default
// model reads 97.92% of these 3,745 digits, the weakest digit (1) 93.3% (data/README.md); the
// replay is deterministic (same model, same strokes, same canvas), so this is a regression check
// for drawing, preprocessing and the model.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { DEFAULT_FILE, formatReport, replayPendigits, sampleIndices, WRITERS } from '../../../scripts/checks/pendigits-replay.mjs';
import { readFile } from 'node:fs/promises';
import { fitStrokes, replayInPage } from './draw-helpers.mjs';
import { acceptLeaving, startBrowser } from '../harness.mjs';

const FILE = process.env.PENDIGITS ?? DEFAULT_FILE;
const SEED = 1;
const FLOOR = 0.96; // issue 20's target; measured 0.9792
const DIGIT_FLOOR = 0.9; // issue 20's target for every digit; the weakest measured 0.933

test(`pendigits: the report writers' digits replayed on the page read ≥ ${100 * FLOOR}%, every digit ≥ ${100 * DIGIT_FLOOR}%`, { skip: existsSync(FILE) ? false : `${FILE} not found: the pendigits file lives outside the repository (set PENDIGITS=path to use another copy)`, timeout: 300_000 }, async () => {
  const report = await replayPendigits({ file: FILE, writers: WRITERS.report });
  console.log(formatReport(report).replace(/^/gm, '# '));
  assert.equal(report.model, 'default');
  assert.ok(report.digits > 3000, `${report.digits} digits of writers ${WRITERS.report.join('–')}`);
  assert.equal(report.unanswered, 0, 'every digit got a read-out');
  assert.ok(report.accuracy >= FLOOR, `accuracy ${(100 * report.accuracy).toFixed(2)}% < ${100 * FLOOR}%`);
  for (const d of report.perDigit) assert.ok(d.accuracy >= DIGIT_FLOOR, `digit ${d.digit}: ${(100 * d.accuracy).toFixed(1)}% < ${100 * DIGIT_FLOOR}%`);
});

// A digit drawn small must read about as well as one drawn large, with a network trained on the
// page: the network's image gets a brush in proportion to the digit (docs/decisions.md has
// the numbers before and after).
test('pendigits drawn at a quarter of the canvas read within 5 points of the same digits drawn large, by a model trained on the page', { skip: existsSync(FILE) ? false : `${FILE} not found`, timeout: 300_000 }, async () => {
  const all = JSON.parse(await readFile(FILE, 'utf8'));
  const sample = sampleIndices(all.length, 300, SEED).map((i) => all[i]);
  const session = await startBrowser();
  try {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    acceptLeaving(page);
    await page.goto(new URL('#epochs=1&threads=1', session.baseUrl).href);
    await page.waitForSelector('[data-testid="train"]:not([disabled])', { timeout: 30_000 });
    await page.click('[data-testid="train"]');
    await page.waitForSelector('[data-testid="run"][data-state="finished"]', { timeout: 120_000 });
    await page.waitForSelector('[data-testid="prediction"][data-model="trained"]', { state: 'attached', timeout: 20_000 });
    const accuracy = async (fill) => {
      const answers = await replayInPage(page, sample.map((d) => fitStrokes(d.strokes, fill)));
      return answers.filter((a, k) => a === sample[k].label).length / sample.length;
    };
    const large = await accuracy(0.72);
    const small = await accuracy(0.25);
    console.log(`# trained on the page: ${(100 * large).toFixed(1)}% drawn large (72%), ${(100 * small).toFixed(1)}% drawn small (25%)`);
    assert.ok(large >= 0.8, `drawn large: ${large}`);
    assert.ok(small >= large - 0.05, `drawn small ${(100 * small).toFixed(1)}% vs large ${(100 * large).toFixed(1)}%`);
    await context.close();
  } finally {
    await session.close();
  }
});
