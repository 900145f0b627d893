// Fuzz target: the drawing's preprocessing in the page (issue 21). The network's image is made by a
// canvas (www/draw/drawing.js pixels), which Node does not have, so this target runs in headless
// Chromium, through the page's real pointer handlers, the engine's predict (src/data/preprocess.rs,
// fuzzed natively in tests/fuzz/) and the read-out: fewer inputs than the Node targets (each is a
// round trip to the engine worker). Node fuzzes the pure part, the brush: tests/js/fuzz/drawing.fuzz.test.mjs.
//
// Inputs (fast-check, seeded): digits of 0–6 strokes with points anywhere from far off the canvas
// (±10⁴ canvas sides) to inside it, single points, long scribbles, the all-ink canvas (rows of
// strokes covering it), the empty canvas, and a canvas laid out 0 px wide (where the pointer's
// position is NaN or infinite). For every input the read-out reflects all the finished strokes
// within BOUND_MS, with ten finite probabilities summing to 1 and the digit their largest, or no
// prediction when no ink lands on the canvas; a digit drawn inside the canvas always gets one.
// Nothing throws, warns of a failed prediction, or logs an error.
//
// Environment: FUZZ_PAGE_RUNS (inputs; default 25, a few seconds), FUZZ_SEED (default 1).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startBrowser } from '../harness.mjs';
import { CANVAS, CLEAR, openDrawPage, PREDICTION } from './draw-helpers.mjs';

const RUNS = Number(process.env.FUZZ_PAGE_RUNS ?? 25);
const SEED = Number(process.env.FUZZ_SEED ?? 1);
/** Longest wait for the read-out of one input. */
const BOUND_MS = 10_000;

let session;
let opened;
const warnings = [];
before(async () => {
  session = await startBrowser();
  opened = await openDrawPage(session);
  opened.page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text());
  });
});
after(async () => {
  await session?.close();
});

const inside = fc.integer({ min: 50, max: 950 }).map((k) => k / 1000);
const anywhere = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -200, max: 1200 }).map((k) => k / 1000) },
  { weight: 1, arbitrary: fc.constantFrom(-1e4, -1, -0.05, 0, 1, 1.05, 2, 1e4) },
);
const stroke = (coordinate) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.array(fc.tuple(coordinate, coordinate), { minLength: 1, maxLength: 30 }) },
    { weight: 1, arbitrary: fc.array(fc.tuple(coordinate, coordinate), { minLength: 200, maxLength: 400 }) },
  );
/** Rows of strokes 4% of the side apart: the brush (26 px of 280) inks every pixel. */
const ALL_INK = Array.from({ length: 26 }, (_, i) => [[-0.05, i * 0.04], [1.05, i * 0.04]]);

const EXAMPLES = [
  [{ strokes: ALL_INK, kind: 'all ink' }],
  [{ strokes: [], kind: 'anywhere' }],
  [{ strokes: [[[0.5, 0.5]]], kind: 'inside' }],
  [{ strokes: [[[0.2, 0.2], [0.8, 0.8]]], kind: 'collapsed' }],
  [{ strokes: [[[-1e4, -1e4], [-1e4, 1e4]], [[2, 0.5], [1e4, 0.5]]], kind: 'anywhere' }],
];

const input = fc.oneof(
  { weight: 4, arbitrary: fc.record({ strokes: fc.array(stroke(inside), { minLength: 1, maxLength: 6 }), kind: fc.constant('inside') }) },
  { weight: 4, arbitrary: fc.record({ strokes: fc.array(stroke(anywhere), { maxLength: 6 }), kind: fc.constant('anywhere') }) },
  { weight: 1, arbitrary: fc.constant({ strokes: ALL_INK, kind: 'all ink' }) },
  { weight: 1, arbitrary: fc.record({ strokes: fc.array(stroke(inside), { minLength: 1, maxLength: 3 }), kind: fc.constant('collapsed') }) },
);

/** Draws one input in the page (Clear first) and returns the read-out once it reflects it. */
function drawInPage([{ strokes, kind }, { selectors, timeout }]) {
  const canvas = document.querySelector(selectors.canvas);
  const readout = document.querySelector(selectors.prediction);
  document.querySelector(selectors.clear).click();
  canvas.scrollIntoView({ block: 'center' });
  if (kind === 'collapsed') canvas.style.setProperty('width', '0px');
  const rect = canvas.getBoundingClientRect();
  const fire = (type, [x, y], buttons) =>
    canvas.dispatchEvent(
      new PointerEvent(type, {
        bubbles: true,
        cancelable: true,
        pointerId: 9,
        pointerType: 'pen',
        isPrimary: true,
        button: 0,
        buttons,
        clientX: rect.left + x * rect.width,
        clientY: rect.top + y * rect.height,
      }),
    );
  const started = performance.now();
  for (const s of strokes) {
    fire('pointerdown', s[0], 1);
    for (const point of s.slice(1)) fire('pointermove', point, 1);
    fire('pointerup', s[s.length - 1], 0);
  }
  canvas.style.removeProperty('width');
  // A canvas with no width records no stroke: its read-out stays that of the empty canvas.
  const want = kind === 'collapsed' ? 0 : strokes.length;
  const done = () => readout.dataset.strokes === String(want) && ['ready', 'empty'].includes(readout.dataset.state);
  return new Promise((resolve) => {
    const finish = () => {
      observer.disconnect();
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, state: readout.dataset.state, strokes: Number(readout.dataset.strokes), digit: readout.dataset.digit, probs: JSON.parse(readout.dataset.probs) });
    };
    const observer = new MutationObserver(() => done() && finish());
    const timer = setTimeout(finish, timeout);
    observer.observe(readout, { attributes: true });
    if (done()) finish();
  });
}

test(`fuzz drawing in the page: ${RUNS} inputs (${EXAMPLES.length} of them named; seed ${SEED}), a read-out within ${BOUND_MS / 1000} s each`, { timeout: 60_000 + RUNS * (BOUND_MS + 2000) }, async () => {
  const { page, pageErrors } = opened;
  const outcomes = new Map();
  let slowest = 0;
  await fc.assert(
    fc.asyncProperty(input, async (digit) => {
      const out = await page.evaluate(drawInPage, [digit, { selectors: { canvas: CANVAS, prediction: PREDICTION, clear: CLEAR }, timeout: BOUND_MS }]);
      const want = digit.kind === 'collapsed' ? 0 : digit.strokes.length;
      assert.equal(out.strokes, want, `the read-out reflects ${want} strokes within ${BOUND_MS} ms: ${JSON.stringify(out)}`);
      assert.ok(['ready', 'empty'].includes(out.state), `state ${out.state}`);
      if (digit.kind === 'inside' || digit.kind === 'all ink') assert.equal(out.state, 'ready', 'ink on the canvas gets a prediction');
      if (digit.kind === 'collapsed') assert.equal(out.state, 'empty');
      if (out.state === 'ready') {
        assert.equal(out.probs.length, 10);
        assert.ok(out.probs.every((p) => Number.isFinite(p) && p >= 0 && p <= 1), JSON.stringify(out.probs));
        assert.ok(Math.abs(out.probs.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'probabilities sum to 1');
        assert.equal(Number(out.digit), out.probs.indexOf(Math.max(...out.probs)));
      } else assert.deepEqual([out.digit, out.probs], ['', []]);
      assert.deepEqual(pageErrors, []);
      assert.deepEqual(warnings, []);
      slowest = Math.max(slowest, out.ms);
      const key = `${digit.kind}: ${out.state === 'ready' ? 'read' : 'no ink'}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }),
    // The first inputs of every run (fast-check counts them in numRuns): the all-ink canvas, the empty canvas, one dot, a
    // canvas laid out 0 px wide, and strokes only far off the canvas.
    { numRuns: RUNS, seed: SEED, includeErrorInReport: true, examples: EXAMPLES },
  );
  const shares = [...outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
  console.log(`fuzz drawing (page) ${RUNS} inputs (${EXAMPLES.length} named), seed ${SEED}; slowest read-out ${slowest.toFixed(0)} ms\n  outcomes: ${shares.join(', ')}`);
});
