#!/usr/bin/env node
// How accurate is "Your own classes" on drawings it never saw, for a given number of examples per
// class? Through the real page in headless Chromium: for each count N and each seed, a fresh
// browser context (empty IndexedDB) draws N generated examples of each of three shapes (circle,
// triangle, cross: tests/e2e/data/shapes.mjs) on the panel's canvas and adds them, trains with
// "Train on my classes" (the panel's defaults unless given), then draws `--test` new drawings of
// each shape (another seed) on the "Draw a digit" canvas and counts those read as their shape.
//
//   node scripts/checks/own-classes-accuracy.mjs [--counts 5,10,15,25] [--seeds 1,2,3] [--test 30]
//        [--shapes circle,triangle,cross] [--epochs E] [--augment on|off] [--validation PCT]
//        [--test-share PCT] [--json]
//
// --shapes: the classes, named after the shapes (also square and plus: look-alikes of the circle
// and the cross, for a harder set).
//
// Drawing goes through the canvases' own pointer handlers (PointerEvents dispatched on them inside
// the page, as scripts/checks/pendigits-replay.mjs does). Training set of seed s: shapeSet(s, N);
// test drawings: shapeSet(1000 + s, test), the same for every N. Uses BASE_URL if set, else serves
// the project itself. Prints a table (or --json): per N, the accuracy of each seed, the mean and
// the lowest, and the smallest N whose every seed reached 95%.
//
// Non-goals: the page's speed (docs/benchmarks.md has other checks for that), real handwriting.

import { parseArgs } from 'node:util';
import os from 'node:os';
import { startBrowser } from '../../tests/e2e/harness.mjs';
import { addExamplesInPage, openOwnPage, setClassNames, trainOwnClasses } from '../../tests/e2e/data/own-helpers.mjs';
import { ALL_SHAPES, shapeSet, SHAPES } from '../../tests/e2e/data/shapes.mjs';
import { replayInPage } from '../../tests/e2e/draw/draw-helpers.mjs';

const { values: args } = parseArgs({
  options: {
    counts: { type: 'string', default: '5,10,15,25' },
    seeds: { type: 'string', default: '1,2,3' },
    test: { type: 'string', default: '30' },
    shapes: { type: 'string', default: SHAPES.join(',') },
    epochs: { type: 'string' },
    augment: { type: 'string' },
    validation: { type: 'string' },
    'test-share': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const list = (text, what) => {
  const xs = text.split(',').map((s) => Number(s.trim()));
  if (!xs.length || !xs.every((x) => Number.isInteger(x) && x > 0)) throw new Error(`--${what} takes whole numbers above 0, comma-separated; got ${JSON.stringify(text)}`);
  return xs;
};
const counts = list(args.counts, 'counts');
const seeds = list(args.seeds, 'seeds');
const perShapeTest = list(args.test, 'test')[0];
const shapes = args.shapes.split(',').map((s) => s.trim());
for (const shape of shapes) if (!ALL_SHAPES.includes(shape)) throw new Error(`--shapes takes ${ALL_SHAPES.join(', ')}; got ${JSON.stringify(shape)}`);
if (args.augment !== undefined && !['on', 'off'].includes(args.augment)) throw new Error(`--augment takes on or off, got ${JSON.stringify(args.augment)}`);
const options = {
  ...(args.epochs !== undefined && { epochs: Number(args.epochs) }),
  ...(args.augment !== undefined && { augment: args.augment === 'on' }),
  ...(args.validation !== undefined && { validationShare: Number(args.validation) }),
  ...(args['test-share'] !== undefined && { testShare: Number(args['test-share']) }),
};

/** One run: N examples of each shape from `seed`, trained, then the test drawings read. */
async function runOnce(session, n, seed) {
  const { page, context } = await openOwnPage(session, { viewport: { width: 1280, height: 900 } });
  try {
    await setClassNames(page, shapes);
    await addExamplesInPage(page, shapeSet(seed, n, shapes));
    const t0 = performance.now();
    const status = await trainOwnClasses(page, options);
    const trainSeconds = (performance.now() - t0) / 1000;
    const settings = await page.$eval('[data-testid="own-classes"]', () => ({
      epochs: document.querySelector('[data-testid="own-epochs"]').value,
      augment: document.querySelector('[data-testid="own-augment"]').checked,
      validation: document.querySelector('[data-testid="own-validation-share"]').value,
      testShare: document.querySelector('[data-testid="own-test-share"]').value,
    }));
    const test = shapeSet(1000 + seed, perShapeTest, shapes);
    const answers = await replayInPage(page, test.map((t) => t.strokes));
    const perShape = shapes.map((shape, label) => {
      const mine = test.map((t, i) => ({ t, a: answers[i] })).filter(({ t }) => t.label === label);
      return { shape, correct: mine.filter(({ t, a }) => a === t.label).length, count: mine.length };
    });
    const correct = perShape.reduce((s, p) => s + p.correct, 0);
    return { n, seed, correct, count: test.length, accuracy: correct / test.length, perShape, trainSeconds, status, settings };
  } finally {
    await context.close();
  }
}

const session = await startBrowser();
const runs = [];
try {
  for (const n of counts) {
    for (const seed of seeds) {
      const run = await runOnce(session, n, seed);
      runs.push(run);
      if (!args.json) console.error(`N=${n} seed=${seed}: ${run.correct}/${run.count} (${(100 * run.accuracy).toFixed(1)}%) ${run.perShape.map((p) => `${p.shape} ${p.correct}/${p.count}`).join(', ')}; trained in ${run.trainSeconds.toFixed(1)} s`);
    }
  }
} finally {
  await session.close();
}

const table = counts.map((n) => {
  const mine = runs.filter((r) => r.n === n);
  const accs = mine.map((r) => r.accuracy);
  return { n, accuracies: accs, mean: accs.reduce((a, b) => a + b, 0) / accs.length, lowest: Math.min(...accs) };
});
const enough = table.find((row) => row.lowest >= 0.95)?.n ?? null;
const report = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${os.platform()} ${os.release()}`,
  settings: runs[0]?.settings,
  shapes,
  testPerShape: perShapeTest,
  seeds,
  table,
  fewestFor95: enough,
  runs,
};
if (args.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(`shapes: ${shapes.join(', ')}; settings: ${JSON.stringify(report.settings)}; ${perShapeTest} test drawings per shape; seeds ${seeds.join(', ')}`);
  console.log('examples/class | accuracy per seed      | mean   | lowest');
  for (const row of table) console.log(`${String(row.n).padStart(14)} | ${row.accuracies.map((a) => `${(100 * a).toFixed(1)}%`.padStart(6)).join(' ').padEnd(22)} | ${(100 * row.mean).toFixed(1).padStart(5)}% | ${(100 * row.lowest).toFixed(1).padStart(5)}%`);
  console.log(enough ? `fewest examples per class with every seed ≥ 95%: ${enough}` : 'no count reached 95% for every seed');
  console.log(`${report.machine}; ${report.date}`);
}
