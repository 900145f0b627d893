// The soak: one scripted browser session used as a class would use the page (issue 21), shared by
// the short page test (tests/e2e/soak/soak.test.mjs, in the test command) and the long check
// (scripts/checks/soak.mjs, `SOAK_RUNS=200`).
//
// In one page of one browser context, for `runs` short runs (2 epochs of 512 images, a 32-unit
// hidden layer), in an order drawn from a seeded generator:
// - each run is one of: Train to the end; Train then Pause, Step, Resume; Step then Stop; Train
//   then Stop; Step (epoch) then Resume; Step then Reset; a reload while it trains (a 20-epoch run)
//   or is paused;
// - Cores switch between 1 and 2 (two cores: a shard worker trains every batch with the engine worker);
// - between runs: draw a digit, download the current model and load it back, switch the answering
//   model to a stored run's, export the runs, delete some and import them back, delete a run and
//   undo, reload; the oldest runs are deleted once more than KEEP are kept, as a class would tidy up.
// After each run it records which run the page added and how it ended, and measures memory:
// `performance.measureUserAgentSpecificMemory()` (the page is cross-origin isolated), after V8's
// last-resort garbage collection in the page and each worker (Chromium started with
// --js-flags=--expose-gc and ForceEagerMeasureMemory, so the measurement is immediate); that
// collection also empties V8's compilation cache, which otherwise keeps the test driver's scripts
// (MEASURE_GC). The engine worker's figure includes its WebAssembly memory (the MNIST data sets
// live there).
//
// The last TAIL_SHARE of the runs has no reload, so a leak there cannot be hidden by a fresh page:
// memory is compared between the start of that stretch, once its page has warmed up (WARM_SHARE),
// and its end, each the median of SAMPLE_RUNS runs measured once the Undo window has closed.
//
// Returns a report; `soakProblems(report)` lists what is wrong with it (empty: the soak passed).
//
// Non-goals: asserting (the callers do, from `soakProblems`); fuzzing inputs (other tests).

import { readFile } from 'node:fs/promises';
import { acceptLeaving, CHROMIUM_FLAGS, waitForDataState } from '../harness.mjs';
import { drawWithMouse, loadStrokes } from '../draw/draw-helpers.mjs';
import { mulberry32 } from '../../../www/ui/random.js';

/** Extra Chromium flags: gc() in page and workers; memory measured at once, not at the next GC. */
export const SOAK_FLAGS = [...CHROMIUM_FLAGS, '--js-flags=--expose-gc', '--enable-blink-features=ForceEagerMeasureMemory'];

/** The runs' settings: 512 training images at batch 128 = 4 steps per epoch, 2 epochs. */
export const SOAK_HASH = 'train_subset=512&validation_size=1000&epochs=2&hidden=32';
const EPOCHS = 2;
/** Steps in a run: 4 an epoch. */
const RUN_STEPS = EPOCHS * 4;
/** Runs kept in the history; older ones are deleted. */
const KEEP = 12;
/** Random numbers drawn per run (the last one picks the scenario). */
const DRAWS = 15;
/** The last share of the runs: no reload, memory compared over it. */
const TAIL_SHARE = 0.4;
/**
 * The share of the tail not yet counted, at least 2 runs: its page may be new (the last reload can
 * come just before the tail), and a new page's memory climbs for about 20 runs (V8 compiling its
 * busy functions to machine code, performance-timeline entries up to their caps) before it stays
 * flat (docs/testing.md#soak).
 */
const WARM_SHARE = 0.25;
/** Runs whose median is the start (after the warm-up) and the end of the tail's memory. */
const SAMPLE_RUNS = 2;

/** The tail's runs (indices into it) counted by the memory check: [start runs, end runs]. */
function countedRuns(tailLength) {
  const warm = Math.max(2, Math.round(tailLength * WARM_SHARE));
  const start = Array.from({ length: SAMPLE_RUNS }, (_, i) => warm + i);
  const end = Array.from({ length: SAMPLE_RUNS }, (_, i) => tailLength - SAMPLE_RUNS + i);
  return [start, end];
}
/** Memory may grow over the tail by at most this fraction of its start, plus MEMORY_SLACK bytes. */
export const MEMORY_TOLERANCE = 0.05;
export const MEMORY_SLACK = 2 * 1024 * 1024;

const T = (id) => `[data-testid="${id}"]`;

/**
 * The session's waits let go of what they return. Playwright's waitForSelector answers with an
 * element handle and waitForFunction with a handle to the function's value; until disposed (or the
 * page navigates) DevTools holds it as a global handle, so the element and everything its listeners
 * reach stay alive in the page (an Undo button holds the runs and models it can bring back) and
 * would count as the page's memory.
 */
async function waitSelector(page, selector, options) {
  await (await page.waitForSelector(selector, options))?.dispose();
}

async function waitTrue(page, predicate, arg, options) {
  await (await page.waitForFunction(predicate, arg, options)).dispose();
}
const ENDED = ['finished', 'stopped', 'failed', 'idle'];


const SCENARIOS = [
  ['train', 4],
  ['pause-step-resume', 2],
  ['step-stop', 2],
  ['train-stop', 2],
  ['step-epoch-resume', 2],
  ['step-reset', 1],
  ['reload-running', 1],
  ['reload-paused', 1],
];

/** The entry of `weighted` ([name, weight] pairs) that `u`, uniform in [0, 1), falls on. */
function pick(u, weighted) {
  const total = weighted.reduce((a, [, w]) => a + w, 0);
  let x = u * total;
  for (const [name, w] of weighted) if ((x -= w) < 0) return name;
  return weighted.at(-1)[0];
}

/** The runs table's rows: id, state, model epoch ('' if none), completed epochs. */
const rows = (page) =>
  page.$$eval(`${T('runs-table')} tbody tr`, (trs) =>
    trs.map((tr) => ({ id: tr.dataset.runId, state: tr.dataset.state, modelEpoch: tr.dataset.modelEpoch, epochs: Number(tr.dataset.epochs) })),
  );

const cardState = (page) => page.getAttribute(T('run'), 'data-state');
const steps = async (page) => Number(await page.getAttribute(T('step-counter'), 'data-value'));

/**
 * Starts listening for the run card's state changes: `waitCard` then waits for a state reached
 * after this call (right after a click the card still shows the last run's end).
 */
async function track(page) {
  await page.evaluate(() => {
    const card = document.querySelector('[data-testid="run"]');
    window.__soakChanges = [];
    if (window.__soakObserver) return;
    let last = card.dataset.state;
    window.__soakObserver = new MutationObserver(() => {
      if (card.dataset.state === last) return; // the buttons were updated, the state is the same
      last = card.dataset.state;
      window.__soakChanges.push(last);
    });
    window.__soakObserver.observe(card, { attributes: true, attributeFilter: ['data-state'] });
  });
}

/**
 * Waits until the card, having changed since `track` (and, with `after`, having shown `after`
 * since), shows one of `states`; returns it.
 */
async function waitCard(page, states, timeout = 60_000, after = null) {
  try {
    await waitTrue(
      page,
      ({ states, after }) =>
        window.__soakChanges.length > 0 &&
        (after === null || window.__soakChanges.includes(after)) &&
        states.includes(document.querySelector('[data-testid="run"]').dataset.state),
      { states, after },
      { timeout },
    );
  } catch (err) {
    const seen = await page.evaluate(() => ({
      changes: window.__soakChanges,
      state: document.querySelector('[data-testid="run-state"]').textContent,
      step: document.querySelector('[data-testid="step-counter"]').dataset.value,
      error: document.querySelector('[data-testid="run-error"]').textContent.trim(),
      cores: document.querySelector('[data-testid="threads"]').value,
      model: document.querySelector('[data-testid="model-status"]').textContent,
    }));
    throw new Error(`the run did not reach ${states.join(' or ')} within ${timeout / 1000} s: ${JSON.stringify(seen)} (${err.message.split('\n')[0]})`);
  }
  return cardState(page);
}

/** Clicks `id` if it becomes enabled within `timeout` (a short run may end first); true if clicked. */
async function tryClick(page, id, timeout = 3000) {
  try {
    await page.click(`${T(id)}:not([disabled])`, { timeout });
    return true;
  } catch {
    return false;
  }
}

/** Step (batch): one batch, of the paused run or of a new one; waits until the page has shown it. */
async function stepOnce(page) {
  // The counter is set again for the new step (a new run's first step may show the same number as
  // the last run's end), so watch for it to be written with a step, not for a different value.
  await page.evaluate(() => {
    const counter = document.querySelector('[data-testid="step-counter"]');
    window.__soakStepped = false;
    new MutationObserver((_, observer) => {
      if (Number(counter.dataset.value) > 0) {
        window.__soakStepped = true;
        observer.disconnect();
      }
    }).observe(counter, { attributes: true, attributeFilter: ['data-value'] });
  });
  await page.click(`${T('step')}:not([disabled])`, { timeout: 10_000 });
  await waitTrue(page, () => window.__soakStepped, null, { timeout: 20_000 });
  await waitSelector(page, ['paused', 'finished', 'failed'].map((s) => `${T('run')}[data-state="${s}"]`).join(', '), { timeout: 20_000 });
}

async function setEpochs(page, epochs) {
  await page.fill(T('epochs'), String(epochs));
  await waitTrue(page, (n) => new URLSearchParams(location.hash.slice(1)).get('epochs') === String(n), epochs);
}

async function openReady(page, url) {
  await page.goto(url);
  await waitForReady(page);
}

async function waitForReady(page) {
  if ((await waitForDataState(page, ['ready', 'error'], 30_000)) !== 'ready') throw new Error(`the data did not load: ${await page.textContent(T('data-status'))}`);
  await waitSelector(page, `${T('train')}:not([disabled])`, { timeout: 15_000 });
  await waitSelector(page, T('runs-table'), { state: 'attached', timeout: 15_000 });
}

async function reload(page) {
  await page.reload();
  await waitForReady(page);
}

/** gc()'s options (Chromium started with --js-flags=--expose-gc): V8's last-resort full collection, and an ordinary one. */
export const LAST_RESORT_GC = { type: 'major', execution: 'sync', flavor: 'last-resort' };
export const ORDINARY_GC = { type: 'major', execution: 'sync' };

/**
 * The garbage collection before each measurement: V8's last-resort one (what V8 runs before it
 * gives up for lack of memory, and on a low-memory notification), which also empties the
 * compilation cache. Without it the page's figure grows by about 0.9 MB a reload, none of it the
 * page's: after each navigation Playwright evaluates its injected script (330 KB of source, a new
 * text each time) in the page's main world and in its utility world, and V8 keeps each compilation
 * with its source in the renderer's compilation cache (unattributed "Shared" memory), where
 * nothing looks it up again. The collection frees no object that is still reachable, so a leak in
 * the page still counts (soak-memory.test.mjs checks both). SOAK_PLAIN_GC=1 measures after an
 * ordinary collection instead, to see the cache's share. Measurements: docs/testing.md#soak.
 */
export const MEASURE_GC = process.env.SOAK_PLAIN_GC ? ORDINARY_GC : LAST_RESORT_GC;

/**
 * Memory after a garbage collection (`gc`: gc()'s options, MEASURE_GC unless given): {page, engine,
 * shards} in bytes (page: its window's JS, DOM, canvas; pageParts: the page's by type).
 */
export async function measureMemory(page, { gc = MEASURE_GC } = {}) {
  await Promise.all(page.workers().map((w) => w.evaluate((options) => globalThis.gc?.(options), gc).catch(() => {})));
  return page.evaluate(async (options) => {
    globalThis.gc?.(options);
    const result = await performance.measureUserAgentSpecificMemory();
    const sums = { page: 0, engine: 0, shards: 0, total: result.bytes, pageParts: {} };
    const part = (type, bytes) => (sums.pageParts[type] = (sums.pageParts[type] ?? 0) + bytes);
    for (const entry of result.breakdown) {
      for (const a of entry.attribution) {
        if (a.scope === 'Window') {
          sums.page += entry.bytes;
          part(entry.types.join('+'), entry.bytes);
        } else if (a.scope === 'DedicatedWorkerGlobalScope' && a.url.endsWith('/engine/worker.js')) sums.engine += entry.bytes;
        else if (a.scope === 'DedicatedWorkerGlobalScope' && a.url.endsWith('/shard-worker.js')) sums.shards += entry.bytes;
      }
      // Unattributed (shared, DOM) bytes count as the page's.
      if (entry.attribution.length === 0) {
        sums.page += entry.bytes;
        part(`unattributed ${entry.types.join('+')}`, entry.bytes);
      }
    }
    return sums;
  }, gc);
}

/** Everything the page stored: runs and models (ids, states, model epochs, sizes) and the usage estimate. */
export async function readStore(page) {
  return page.evaluate(async () => {
    const request = (r) => new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const db = await request(indexedDB.open('mnist-playground'));
    const runs = await request(db.transaction('runs').objectStore('runs').getAll());
    const models = await request(db.transaction('models').objectStore('models').getAll());
    db.close();
    const estimate = await navigator.storage.estimate();
    return {
      runs: runs.map((r) => ({ id: r.id, state: r.state, modelEpoch: r.modelEpoch ?? null, epochs: r.epochs.length, configEpochs: r.config.epochs, json: JSON.stringify(r).length })),
      models: models.map((m) => ({ id: m.id, epoch: m.epoch, bytes: m.bytes.byteLength })),
      usage: estimate.usage,
    };
  });
}

/**
 * Runs the soak in `session` (tests/e2e/harness.mjs startBrowser, launched with SOAK_FLAGS).
 * `log(text)` hears of progress; `afterRun(page, run)`, if given, is awaited after each run's memory
 * sample (to look closer at a failed memory check, e.g. with heap snapshots). Returns the report.
 */
export async function runSoak(session, { runs = 16, seed = 1, log = () => {}, afterRun = null } = {}) {
  const random = mulberry32(seed);
  const started = Date.now();
  const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, serviceWorkers: 'block' });
  const page = await context.newPage();
  acceptLeaving(page);
  const errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  const strokes = await Promise.all(['zero', 'one', 'four', 'seven'].map(loadStrokes));
  const url = new URL(`#${SOAK_HASH}`, session.baseUrl).href;
  await openReady(page, url);
  if (!(await page.evaluate(() => self.crossOriginIsolated))) throw new Error('the page is not cross-origin isolated: no multi-core runs, no memory measurement');

  /** Runs the page should keep: id -> {state, model: model epoch or null, run index}. */
  const expected = new Map();
  /** Runs deleted, as they were (an Undo may bring them back). */
  const deleted = new Map();
  const counts = { scenarios: {}, actions: {}, cores: { 1: 0, 2: 0 }, reloads: 0 };
  const memory = [];
  let modelFile = null;
  const tailStart = Math.floor(runs * (1 - TAIL_SHARE));
  const count = (group, name) => (counts[group][name] = (counts[group][name] ?? 0) + 1);

  /** The row of run `id` once it leaves running/paused (and, for finished runs, has its last model). */
  async function settledRow(id, { model = false } = {}) {
    await waitTrue(page, 
      ({ id, model, epochs }) => {
        const tr = document.querySelector(`[data-testid="runs-table"] tr[data-run-id="${id}"]`);
        if (!tr || tr.dataset.state === 'running' || tr.dataset.state === 'paused') return false;
        return !model || tr.dataset.state !== 'finished' || tr.dataset.modelEpoch === String(epochs);
      },
      { id, model, epochs: EPOCHS },
      { timeout: 20_000 },
    );
    return (await rows(page)).find((r) => r.id === id);
  }

  for (let run = 0; run < runs; run++) {
    const inTail = run >= tailStart;
    // This run's random numbers, drawn at once: the same seed gives the same choices whatever the timing.
    const r = Array.from({ length: DRAWS }, random);
    // Cores: 1 or 2 (this page's default here is 2), changed between runs as a learner would.
    const cores = r[0] < 0.5 ? 1 : 2;
    if ((await page.inputValue(T('threads'))) !== String(cores)) {
      await page.fill(T('threads'), String(cores));
      await waitTrue(page, (c) => (c === 1) === /threads=1/.test(location.hash), cores);
    }
    counts.cores[cores] += 1;

    let scenario = pick(r[DRAWS - 1], SCENARIOS);
    if (inTail && scenario.startsWith('reload')) scenario = 'train';
    // At least one reload mid-run, however short the soak: the last run before the tail, if none yet.
    if (run === tailStart - 1 && !counts.scenarios['reload-running'] && !counts.scenarios['reload-paused']) scenario = 'reload-running';
    count('scenarios', scenario);
    if (process.env.SOAK_VERBOSE) log(`run ${run}: ${scenario}, ${cores} core(s)`);
    const before = new Set((await rows(page)).map((r) => r.id));
    let want; // the state the run's record must end in: as the card showed it, or interrupted
    switch (scenario) {
      case 'train':
        await track(page);
        await page.click(T('train'));
        want = await waitCard(page, ['finished', 'failed']);
        break;
      case 'pause-step-resume':
        await track(page);
        await page.click(T('train'));
        if (await tryClick(page, 'pause', 2000)) {
          if ((await waitCard(page, ['paused', 'finished'])) === 'paused') {
            // Not past the last step: after it the card still says paused while the last epoch is
            // evaluated, and a Step then could land once the run has finished, starting another.
            for (let k = 1 + Math.floor(r[1] * 2); k > 0 && (await cardState(page)) === 'paused' && (await steps(page)) < RUN_STEPS; k--) await stepOnce(page);
            await track(page);
            if ((await cardState(page)) === 'paused' && (await steps(page)) < RUN_STEPS) await page.click(T('pause')); // Resume
            else await page.evaluate(() => window.__soakChanges.push('ended while stepping'));
          }
        }
        want = await waitCard(page, ['finished', 'failed']);
        break;
      case 'step-stop':
        await stepOnce(page);
        if (r[2] < 0.5 && (await cardState(page)) === 'paused') await stepOnce(page);
        await track(page);
        if ((await cardState(page)) === 'paused') await page.click(T('stop'));
        else await page.evaluate(() => window.__soakChanges.push('ended while stepping'));
        want = await waitCard(page, ['stopped', 'finished', 'failed']);
        break;
      case 'train-stop':
        await track(page);
        await page.click(T('train'));
        await tryClick(page, 'stop', 2000);
        want = await waitCard(page, ['stopped', 'finished', 'failed']);
        break;
      case 'step-epoch-resume':
        await track(page);
        await page.click(`${T('step-epoch')}:not([disabled])`);
        // A new run is configured paused, then runs to the epoch's end: wait for the pause after
        // it ran (else the Resume click below lands while it runs, and pauses it).
        if ((await waitCard(page, ['paused', 'finished', 'failed'], 60_000, 'running')) === 'paused') {
          if ((await steps(page)) !== 4) throw new Error(`run ${run}: Step (epoch) paused at step ${await steps(page)}, not at the epoch's end (4)`);
          await track(page);
          await page.click(T('pause'));
        }
        want = await waitCard(page, ['finished', 'failed']);
        break;
      case 'step-reset':
        await stepOnce(page);
        await track(page);
        await page.click(T('reset'));
        await waitCard(page, ['idle']);
        want = 'stopped'; // the recorder keeps a reset run as stopped
        break;
      case 'reload-paused':
        await stepOnce(page);
        await reload(page);
        counts.reloads += 1;
        want = 'interrupted';
        break;
      case 'reload-running':
        // A longer run (400 epochs of 4 steps, each epoch evaluated: several seconds; 20 epochs
        // could end between two looks at the card on a fast machine), so the reload comes while
        // it trains.
        await setEpochs(page, 400);
        await track(page);
        await page.click(T('train'));
        await waitCard(page, ['running']);
        await waitTrue(page, () => Number(document.querySelector('[data-testid="step-counter"]').dataset.value) > 0);
        await reload(page);
        counts.reloads += 1;
        await setEpochs(page, EPOCHS);
        want = 'interrupted';
        break;
    }
    if (want === 'failed') throw new Error(`run ${run} (${scenario}) failed: ${await page.textContent(T('run-error'))}`);
    const added = (await rows(page)).filter((r) => !before.has(r.id));
    if (added.length !== 1) throw new Error(`run ${run} (${scenario}): ${added.length} runs added to the history, not 1`);
    const row = await settledRow(added[0].id, { model: true }).catch(async (err) => {
      throw new Error(`run ${run} (${scenario}): its row did not settle: ${JSON.stringify((await rows(page)).find((r) => r.id === added[0].id))}, the page says ${await cardState(page)} (${err.message})`);
    });
    if (row.state !== want) throw new Error(`run ${run} (${scenario}): the history says ${row.state}, the page said ${want}`);
    if (row.state === 'finished' && row.modelEpoch !== String(EPOCHS)) throw new Error(`run ${run}: finished without its model (model epoch ${JSON.stringify(row.modelEpoch)})`);
    expected.set(row.id, { state: row.state, model: row.modelEpoch === '' ? null : Number(row.modelEpoch), run, scenario, cores });

    // --- Between runs: what a class does besides training ---
    const settled = ENDED.includes(await cardState(page));
    if (r[3] < 0.3) {
      count('actions', 'draw');
      await page.click(T('draw-clear')).catch(() => {});
      const readout = await drawWithMouse(page, strokes[Math.floor(r[4] * strokes.length)].strokes);
      if (readout.state !== 'ready' || readout.probs.length !== 10) throw new Error(`run ${run}: the drawing was not read: ${JSON.stringify(readout)}`);
    }
    if (settled && (await cardState(page)) === 'finished' && r[5] < 0.15) {
      count('actions', 'download-model');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(T('model-download'))]);
      modelFile = await readFile(await download.path());
    }
    if (settled && modelFile && r[6] < 0.1) {
      count('actions', 'load-model-file');
      await page.setInputFiles(T('model-file'), { name: 'soak-model.bin', mimeType: 'application/octet-stream', buffer: modelFile });
      await waitSelector(page, `${T('model-status')}[data-state="ok"][data-accuracy], ${T('model-status')}[data-state="error"]`, { timeout: 20_000 });
      if ((await page.getAttribute(T('model-status'), 'data-state')) !== 'ok') throw new Error(`run ${run}: a downloaded model did not load: ${await page.textContent(T('model-status'))}`);
      await page.evaluate(() => delete document.querySelector('[data-testid="model-status"]').dataset.accuracy);
    }
    const withModel = (await rows(page)).filter((r) => r.modelEpoch !== '' && !['running', 'paused'].includes(r.state));
    if (settled && withModel.length > 0 && r[7] < 0.15) {
      count('actions', 'answer-with-stored-model');
      const chosen = withModel[Math.floor(r[8] * withModel.length)];
      await page.evaluate(() => delete document.querySelector('[data-testid="model-status"]').dataset.accuracy);
      await page.click(`${T('runs-table')} tr[data-run-id="${chosen.id}"] ${T('run-use-model')}`);
      await waitSelector(page, `${T('model-status')}[data-state="ok"][data-accuracy], ${T('model-status')}[data-state="error"]`, { timeout: 20_000 });
      if ((await page.getAttribute(T('model-status'), 'data-state')) !== 'ok') throw new Error(`run ${run}: a stored run's model did not load: ${await page.textContent(T('model-status'))}`);
      await waitSelector(page, `${T('prediction')}[data-model*="epoch"], ${T('prediction')}[data-model*="step"]`, { timeout: 10_000 });
      await page.evaluate(() => delete document.querySelector('[data-testid="model-status"]').dataset.accuracy);
    }
    if (r[9] < 0.08) {
      count('actions', 'export-delete-import');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(T('export-json'))]);
      const file = await readFile(await download.path());
      const deletable = (await rows(page)).filter((r) => !['running', 'paused'].includes(r.state));
      const at = Math.floor(r[8] * deletable.length);
      const chosen = [...deletable, ...deletable].slice(at, at + Math.min(1 + Math.floor(r[10] * 2), deletable.length));
      for (const r of chosen) {
        await deleteRun(page, r.id);
        deleted.set(r.id, { ...expected.get(r.id) });
      }
      await page.setInputFiles(T('import-runs-file'), { name: 'soak-runs.json', mimeType: 'application/json', buffer: file });
      await waitSelector(page, `${T('runs-status')}[data-state="ok"]`, { timeout: 10_000 });
      await waitTrue(page, (ids) => ids.every((id) => document.querySelector(`[data-testid="runs-table"] tr[data-run-id="${id}"]`)), chosen.map((r) => r.id));
      // Imported runs come back without their models (the file holds none).
      for (const r of chosen) {
        if (!expected.has(r.id)) throw new Error(`run ${run}: the table has a run the soak did not add: ${JSON.stringify(r)}; kept ${JSON.stringify([...expected])}`);
        Object.assign(expected.get(r.id), { model: null, imported: true });
      }
      await page.evaluate(() => delete document.querySelector('[data-testid="runs-status"]').dataset.state);
    }
    if (r[11] < 0.08) {
      count('actions', 'delete-undo');
      const deletable = (await rows(page)).filter((r) => !['running', 'paused'].includes(r.state));
      const chosen = deletable[Math.floor(r[12] * deletable.length)];
      if (chosen) {
        await deleteRun(page, chosen.id);
        await page.click(T('undo-delete'));
        await waitTrue(page, (id) => document.querySelector(`[data-testid="runs-table"] tr[data-run-id="${id}"]`), chosen.id);
        // Undo brings back every run deleted since its bar appeared (20 s): the tidied-up ones too.
        await page.waitForTimeout(200);
        // (A run deleted and imported back since then returns as it was before, with its model.)
        for (const r of await rows(page)) {
          const before = deleted.get(r.id);
          if (expected.has(r.id) && !(before && r.modelEpoch === String(before.model ?? ''))) continue;
          if (!before) throw new Error(`run ${run}: Undo brought back a run that was not deleted: ${JSON.stringify(r)}`);
          expected.set(r.id, before);
          deleted.delete(r.id);
        }
      }
    }
    if (!inTail && r[13] < 0.05) {
      count('actions', 'reload');
      await reload(page);
      counts.reloads += 1;
    }
    // Tidy up: keep the KEEP most recent runs.
    while (expected.size > KEEP) {
      const [oldest] = expected.keys();
      await deleteRun(page, oldest);
      deleted.set(oldest, expected.get(oldest));
      expected.delete(oldest);
      count('actions', 'delete-oldest');
    }

    if (inTail && countedRuns(runs - tailStart).flat().includes(run - tailStart)) {
      // A counted run: wait until the Undo bar has gone (20 s after the latest delete), so that the
      // runs and models the page keeps for Undo, as many as were deleted in the last 20 s (how
      // fast the soak went, not how long), are let go; undo-window.test.mjs checks that they are.
      await waitSelector(page, T('undo-delete'), { state: 'hidden', timeout: 40_000 });
    }
    memory.push({ run, inTail, ...(await measureMemory(page)) });
    await afterRun?.(page, run);
    if ((run + 1) % 10 === 0 || run === runs - 1) {
      const m = memory.at(-1);
      const parts = Object.entries(m.pageParts).map(([k, v]) => `${k} ${mb(v)}`).join(', ');
      log(`run ${run + 1}/${runs}: ${((Date.now() - started) / 1000).toFixed(0)} s, page ${mb(m.page)} (${parts}), engine worker ${mb(m.engine)}, shard workers ${mb(m.shards)}`);
    }
  }

  await page.waitForTimeout(500); // the last writes
  const table = await rows(page);
  const store = await readStore(page);
  await context.close();
  return { runs, seed, seconds: (Date.now() - started) / 1000, counts, expected: [...expected].map(([id, e]) => ({ id, ...e })), table, store, memory, tailStart, errors };
}

/** Deletes a run with its Delete button; waits until the delete is done (its Undo bar is new). */
async function deleteRun(page, id) {
  await page.evaluate(() => {
    for (const button of document.querySelectorAll('[data-testid="undo-delete"]')) button.dataset.soakOld = '1';
  });
  await page.click(`${T('runs-table')} tr[data-run-id="${id}"] ${T('run-delete')}`);
  await waitTrue(page, (runId) => !document.querySelector(`[data-testid="runs-table"] tr[data-run-id="${runId}"]`), id);
  await waitSelector(page, `${T('undo-delete')}:not([data-soak-old])`, { state: 'attached', timeout: 10_000 });
}

const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Memory over the reload-free tail, per part: {start, end, growth, allowed, max} in bytes, start
 * the median of the SAMPLE_RUNS runs after the warm-up, end the median of the last SAMPLE_RUNS.
 */
export function memoryTrend(report) {
  const tail = report.memory.filter((m) => m.inTail);
  const [startRuns, endRuns] = countedRuns(tail.length);
  const first = startRuns.map((i) => tail[i]);
  const last = endRuns.map((i) => tail[i]);
  const trend = {};
  for (const part of ['page', 'engine']) {
    const start = median(first.map((m) => m[part]));
    const end = median(last.map((m) => m[part]));
    trend[part] = { start, end, growth: end - start, allowed: MEMORY_TOLERANCE * start + MEMORY_SLACK, max: Math.max(...tail.map((m) => m[part])), from: first[0].run + 1, to: last.at(-1).run + 1 };
  }
  return trend;
}

/** What is wrong with a soak report: a list of readable problems, empty if none. */
export function soakProblems(report) {
  const problems = [...report.errors];
  const { expected, table, store } = report;
  const ids = (list) => list.map((r) => r.id).sort();
  const want = ids(expected);
  if (JSON.stringify(ids(table)) !== JSON.stringify(want)) problems.push(`the runs table shows ${table.length} runs, ${expected.length} were kept: ${JSON.stringify({ table: ids(table), kept: want })}`);
  if (JSON.stringify(ids(store.runs)) !== JSON.stringify(want)) problems.push(`IndexedDB holds ${store.runs.length} run records, ${expected.length} were kept`);
  const stored = new Map(store.runs.map((r) => [r.id, r]));
  const models = new Map(store.models.map((m) => [m.id, m]));
  for (const e of expected) {
    const r = stored.get(e.id);
    if (!r) continue;
    if (r.state !== e.state) problems.push(`run ${e.run} (${e.scenario}): stored as ${r.state}, ended ${e.state}`);
    if (e.state === 'finished' && r.epochs !== r.configEpochs) problems.push(`finished run ${e.run}: ${r.epochs} of ${r.configEpochs} epochs`);
    // A runs file holds no models: a run deleted and imported back has none.
    if (e.state === 'finished' && !e.imported && r.modelEpoch !== r.configEpochs) problems.push(`finished run ${e.run}: model epoch ${r.modelEpoch}, not ${r.configEpochs}`);
    if (e.imported && r.modelEpoch !== null) problems.push(`run ${e.run}, imported from a runs file, names model epoch ${r.modelEpoch}`);
    // A run stopped while an epoch's end was evaluated gets that epoch (and its model's number) late.
    if (e.model !== null && !(r.modelEpoch >= e.model && models.get(e.id)?.epoch === r.modelEpoch)) problems.push(`run ${e.run} (${e.scenario}): its model (epoch ${e.model}) is not stored: record says ${r.modelEpoch}, model store ${models.get(e.id)?.epoch}`);
    if (r.modelEpoch !== null && !models.has(e.id)) problems.push(`run ${e.run}: the record names model epoch ${r.modelEpoch}, no model is stored`);
  }
  for (const m of store.models) if (!stored.has(m.id)) problems.push(`a stored model (${m.id}) belongs to no kept run`);
  const finished = expected.filter((e) => e.state === 'finished');
  if (finished.length === 0) problems.push('no run finished');
  const trend = memoryTrend(report);
  for (const [part, t] of Object.entries(trend)) {
    if (!(t.growth <= t.allowed)) problems.push(`${part} memory grew by ${mb(t.growth)} from run ${t.from} to run ${t.to} (${mb(t.start)} to ${mb(t.end)}; allowed ${mb(t.allowed)})`);
  }
  return problems;
}

/** A few lines that sum the report up (for the test's diagnostics and the long check's output). */
export function soakSummary(report) {
  const trend = memoryTrend(report);
  const { store } = report;
  const modelBytes = store.models.reduce((a, m) => a + m.bytes, 0);
  const jsonBytes = store.runs.reduce((a, r) => a + r.json, 0);
  const kept = report.expected;
  return [
    `${report.runs} runs (seed ${report.seed}) in ${report.seconds.toFixed(0)} s; scenarios ${JSON.stringify(report.counts.scenarios)}; cores ${JSON.stringify(report.counts.cores)}; reloads ${report.counts.reloads}`,
    `actions ${JSON.stringify(report.counts.actions)}`,
    `kept ${kept.length} runs (${kept.filter((e) => e.state === 'finished').length} finished), ${store.models.length} models; IndexedDB: ${store.runs.length} run records (${(jsonBytes / 1024).toFixed(0)} KB as JSON), ${store.models.length} models (${(modelBytes / 1024).toFixed(0)} KB); usage estimate ${(store.usage / 1024).toFixed(0)} KB`,
    ...Object.entries(trend).map(([part, t]) => `${part} memory from run ${t.from} to ${t.to} (no reload from run ${report.tailStart + 1}): ${mb(t.start)} -> ${mb(t.end)} (growth ${mb(t.growth)}, allowed ${mb(t.allowed)}, max ${mb(t.max)})`),
  ];
}
