// The second browser engine (issue 21): a smoke path through the served page in headless Firefox
// (firefox-esr), driven by geckodriver over WebDriver classic (tests/e2e/firefox/webdriver.mjs).
// It loads the page (cross-origin isolated: two cores), trains one epoch of the default network on
// all training images, draws a 7 and reads it, sees the run stored with its model, reloads, and
// finds the run again, whose model then answers with the same test accuracy.
//
// Skipped, and said so, when Firefox or geckodriver is missing (scripts/setup.sh --test installs
// both, so the test command runs it).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../../scripts/serve.mjs';
import { loadStrokes } from '../draw/draw-helpers.mjs';
import { firefoxTools, startFirefox } from './webdriver.mjs';

const tools = firefoxTools();
const missing = Object.entries(tools).filter(([, path]) => !path).map(([name]) => name);
const skip = missing.length > 0 ? `${missing.join(' and ')} not found (scripts/setup.sh --test installs firefox-esr and geckodriver)` : false;

let server = null;
let baseUrl = process.env.BASE_URL;
let firefox = null;

before(async () => {
  if (skip) return;
  if (!baseUrl) {
    server = await startServer({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${server.address().port}/`;
  }
  if (!baseUrl.endsWith('/')) baseUrl += '/';
  firefox = await startFirefox(tools);
});
after(async () => {
  await firefox?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Collects uncaught errors and rejections of the page from now on (until it is reloaded). */
const hookErrors = () =>
  firefox.execute(() => {
    window.__smokeErrors = [];
    window.addEventListener('error', (e) => window.__smokeErrors.push(String(e.message)));
    window.addEventListener('unhandledrejection', (e) => window.__smokeErrors.push(String(e.reason)));
  });
const errorsSoFar = () => firefox.execute(() => window.__smokeErrors);

test('Firefox: loads, trains an epoch, reads a drawing, stores the run and has it after a reload', { skip, timeout: 150_000 }, async (t) => {
  const started = Date.now();
  await firefox.navigate(`${baseUrl}#epochs=1`);
  const ready = await firefox.waitFor(
    () => {
      const state = document.querySelector('[data-testid="data-status"]')?.dataset.state;
      return state === 'ready' || state === 'error' ? state : null;
    },
    { timeout: 30_000, what: 'the data' },
  );
  assert.equal(ready, 'ready', await firefox.execute(() => document.querySelector('[data-testid="data-status"]').textContent));
  await hookErrors(); // from here on (the page's own displays cover the load)
  const env = await firefox.execute(() => ({ isolated: self.crossOriginIsolated, cores: document.querySelector('[data-testid="threads"]').value, ua: navigator.userAgent }));
  t.diagnostic(`${env.ua}; ready in ${((Date.now() - started) / 1000).toFixed(1)} s; cross-origin isolated ${env.isolated}; Cores ${env.cores}`);
  assert.equal(env.isolated, true, 'cross-origin isolated (multi-core training)');

  const trainStart = Date.now();
  await firefox.waitFor(() => !document.querySelector('[data-testid="train"]').disabled, { what: 'Train to be enabled' });
  await firefox.click('[data-testid="train"]');
  const state = await firefox.waitFor(
    () => {
      const s = document.querySelector('[data-testid="run"]').dataset.state;
      return s === 'finished' || s === 'failed' ? s : null;
    },
    { timeout: 100_000, what: 'the epoch to finish' },
  );
  assert.equal(state, 'finished', await firefox.execute(() => document.querySelector('[data-testid="run-error"]').textContent));
  const accuracy = Number(await firefox.waitFor(() => document.querySelector('[data-testid="test-accuracy"]').dataset.value, { what: 'the test accuracy' }));
  t.diagnostic(`one epoch on ${env.cores} core(s): ${((Date.now() - trainStart) / 1000).toFixed(1)} s, test accuracy ${accuracy}`);
  assert.ok(accuracy > 0.93, `test accuracy after one epoch: ${accuracy}`);

  // A drawn 7, read by the model just trained.
  const { strokes, label } = await loadStrokes('seven');
  await firefox.execute(() => document.querySelector('[data-testid="draw-canvas"]').scrollIntoView({ block: 'center' }));
  await firefox.drawStrokes('[data-testid="draw-canvas"]', strokes);
  const readout = await firefox.waitFor(
    (n) => {
      const p = document.querySelector('[data-testid="prediction"]').dataset;
      return p.state === 'ready' && Number(p.strokes) === n ? { digit: p.digit, probs: JSON.parse(p.probs), model: p.model } : null;
    },
    { what: 'the read-out of the drawing' },
    strokes.length,
  );
  t.diagnostic(`drawn ${label}: read ${readout.digit} by ${readout.model}`);
  assert.equal(readout.probs.length, 10);
  assert.equal(Number(readout.digit), label);

  // The run is stored with its model; after a reload it is still there and its model loads.
  const run = await firefox.waitFor(
    () => {
      const tr = document.querySelector('[data-testid="runs-table"] tbody tr[data-state="finished"][data-model-epoch="1"]');
      return tr ? tr.dataset.runId : null;
    },
    { what: 'the stored run' },
  );
  assert.deepEqual(await errorsSoFar(), []);
  await firefox.refresh();
  await firefox.waitFor(() => document.querySelector('[data-testid="data-status"]')?.dataset.state === 'ready', { what: 'the data after the reload' });
  await hookErrors();
  const after = await firefox.waitFor(
    (id) => {
      const tr = document.querySelector(`[data-testid="runs-table"] tr[data-run-id="${id}"]`);
      return tr ? { state: tr.dataset.state, modelEpoch: tr.dataset.modelEpoch } : null;
    },
    { what: 'the run after the reload' },
    run,
  );
  assert.deepEqual(after, { state: 'finished', modelEpoch: '1' });
  await firefox.click(`[data-testid="runs-table"] tr[data-run-id="${run}"] [data-testid="run-use-model"]`);
  const loaded = await firefox.waitFor(
    () => {
      const s = document.querySelector('[data-testid="model-status"]');
      return (s.dataset.state === 'ok' && s.dataset.accuracy) || s.dataset.state === 'error' ? { state: s.dataset.state, accuracy: s.dataset.accuracy, text: s.textContent } : null;
    },
    { what: 'the stored model to load' },
  );
  assert.equal(loaded.state, 'ok', loaded.text);
  assert.equal(Number(loaded.accuracy), accuracy, 'the stored model reads the test set as the run did');
  assert.deepEqual(await errorsSoFar(), []);
  t.diagnostic(`whole smoke path: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
