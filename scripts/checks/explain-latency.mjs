#!/usr/bin/env node
// How long "Why this digit?" waits for its map, measured from the page: a second engine worker in
// headless Chromium, the pretrained model loaded into it, one drawing (tests/e2e/draw/strokes/
// seven.json, rendered with the page's 26 px brush on a 280 × 280 canvas) predicted once, then
// `explain` requests one after another, each timed from postMessage to its `explanation` (the
// engine call, the message and the transferred map). Reports the median and 90th percentile per
// method, for the prediction's class and for another one, and of `predict` + a gradient `explain`
// (what the panel asks per live read-out). Then what "Fool the network" and "Step through one
// example" wait for (www/explain/): `attack` at ε 0.1 and 0.2 with the engine's default step count
// towards 3 (the digit is a 7), `smallest-epsilon` towards 3 (at most 20 requests: each is up to
// search_rounds + 1 attacks) and `walkthrough` with the label 7 and 3, each timed the same way.
// Results: docs/explain.md#measurements.
//
//   node scripts/checks/explain-latency.mjs [--repeats N]     (default 60; BASE_URL or its own server)
//
// Non-goals: timing the drawing or the overlay's rendering; judging the numbers.

import { startBrowser } from '../../tests/e2e/harness.mjs';
import { loadStrokes } from '../../tests/e2e/draw/draw-helpers.mjs';
import { DEFAULT_MODEL_FILE, FromWorker, ToWorker } from '../../www/protocol.js';

const at = process.argv.indexOf('--repeats');
const repeats = at > 0 ? Number(process.argv[at + 1]) : 60;
if (!Number.isInteger(repeats) || repeats < 1) {
  console.error('--repeats takes a whole number ≥ 1');
  process.exit(2);
}

const { strokes } = await loadStrokes('seven');
const session = await startBrowser();
try {
  const context = await session.browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(new URL('www/app.webmanifest', session.baseUrl).href); // same origin, no page script
  const report = await page.evaluate(
    async ({ strokes, repeats, FromWorker, ToWorker, model }) => {
      const worker = new Worker(new URL('/www/engine/worker.js', location.origin), { type: 'module' });
      const waiting = new Map();
      let ready;
      const started = new Promise((resolve, reject) => {
        ready = resolve;
        worker.onerror = (event) => reject(new Error(event.message || 'the engine worker did not start'));
      });
      worker.onmessage = ({ data }) => {
        if (data.type === FromWorker.READY) ready(data);
        const reply = waiting.get(data.id);
        if (!reply) return;
        waiting.delete(data.id);
        if (data.type === FromWorker.ERROR) reply.reject(new Error(data.message));
        else reply.resolve(data);
      };
      let nextId = 1;
      const ask = (message, transfer = []) =>
        new Promise((resolve, reject) => {
          const id = nextId++;
          waiting.set(id, { resolve, reject });
          worker.postMessage({ ...message, id }, transfer);
        });
      const { build, explainLimits } = await started;
      const bytes = new Uint8Array(await (await fetch(`/data/${model}`)).arrayBuffer());
      await ask({ type: ToWorker.LOAD_MODEL, bytes: bytes.buffer, name: 'default' }, [bytes.buffer]);

      const canvas = new OffscreenCanvas(280, 280);
      const g = canvas.getContext('2d');
      g.fillStyle = '#000';
      g.fillRect(0, 0, 280, 280);
      Object.assign(g, { strokeStyle: '#fff', lineWidth: 26, lineCap: 'round', lineJoin: 'round' });
      for (const stroke of strokes) {
        g.beginPath();
        stroke.forEach(([x, y], i) => (i ? g.lineTo(280 * x, 280 * y) : g.moveTo(280 * x, 280 * y)));
        g.stroke();
      }
      const rgba = g.getImageData(0, 0, 280, 280).data;
      const predict = () => ask({ type: ToWorker.PREDICT, rgba: rgba.slice().buffer, width: 280, height: 280 });
      const { prediction } = await predict();

      const summary = (times) => {
        times.sort((a, b) => a - b);
        const q = (p) => +times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
        return { median_ms: q(0.5), p90_ms: q(0.9) };
      };
      const rows = [];
      const other = prediction.digit === 1 ? 2 : 1;
      for (const method of ['gradient', 'integrated_gradients']) {
        for (const cls of [prediction.digit, other]) {
          const times = [];
          let last;
          for (let k = 0; k < repeats; k++) {
            const t0 = performance.now();
            last = await ask({ type: ToWorker.EXPLAIN, image: prediction.image.slice(), class: cls, method });
            times.push(performance.now() - t0);
          }
          rows.push({ method, class: cls, probability: +prediction.probabilities[cls].toPrecision(4), steps: last.steps, completeness_error: last.completeness_error, ...summary(times) });
        }
      }
      const both = [];
      for (let k = 0; k < repeats; k++) {
        const t0 = performance.now();
        const { prediction: p } = await predict();
        await ask({ type: ToWorker.EXPLAIN, image: p.image, class: p.digit, method: 'gradient' });
        both.push(performance.now() - t0);
      }
      rows.push({ method: 'predict + gradient', class: prediction.digit, ...summary(both) });

      const timed = async (n, message) => {
        const times = [];
        let last;
        for (let k = 0; k < n; k++) {
          const t0 = performance.now();
          last = await ask({ ...message, image: prediction.image.slice() });
          times.push(performance.now() - t0);
        }
        return { last, ...summary(times) };
      };
      const target = prediction.digit === 3 ? 5 : 3;
      const steps = explainLimits.default_attack_steps;
      for (const epsilon of [0.1, 0.2]) {
        const { last, median_ms, p90_ms } = await timed(repeats, { type: ToWorker.ATTACK, target, epsilon, steps });
        rows.push({ method: `attack ε ${epsilon}, ${steps} steps`, class: target, reached: last.reached, median_ms, p90_ms });
      }
      {
        const { last, median_ms, p90_ms } = await timed(Math.min(repeats, 20), { type: ToWorker.SMALLEST_EPSILON, target, steps });
        rows.push({ method: 'smallest ε', class: target, epsilon: last.epsilon, median_ms, p90_ms });
      }
      for (const label of [prediction.digit, target]) {
        const { median_ms, p90_ms } = await timed(repeats, { type: ToWorker.WALKTHROUGH, label, learning_rate: explainLimits.default_step_learning_rate });
        rows.push({ method: 'walkthrough + SGD step', class: label, median_ms, p90_ms });
      }
      worker.terminate();
      return { build, digit: prediction.digit, repeats, rows };
    },
    { strokes, repeats, FromWorker, ToWorker, model: DEFAULT_MODEL_FILE },
  );
  console.log(`Chromium ${session.browser.version()}, ${report.build} build; the drawing reads ${report.digit}; ${report.repeats} requests each`);
  console.table(report.rows);
} finally {
  await session.close();
}
