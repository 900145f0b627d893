// Page tests of "Look inside training" (issue 16; www/inspect/, www/engine/inspect.js) in headless
// Chromium:
// - the learning-rate finder's suggestion goes into the form and a run trains with it;
// - the loss landscape draws around the default model, and its centre equals the loss of the
//   current weights on the same images (the line at α = 1, computed another way by the engine);
// - Cancel stops both promptly, the section returns to idle-like states, and a new computation runs;
// - while the finder runs, Pause, Resume and Stop of the run shown answer at once;
// - a run brought back from the runs table (Draw) gets its landscape beside the run's (A and B);
// - on the plane of the training path (Li et al. §7) the path's points lie in the plane; a model
//   file, which has no path, is refused with a message;
// - a run continued after the finder and the landscape ends with the same model file, byte for byte,
//   as the same run trained without them.
//
// The numbers checked are the page's own (data-* of [data-testid="lr-finder"] and
// [data-testid="landscape"]) and the model files it downloads.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { T, openPage, useBrowser, waitForDataState } from '../harness.mjs';

const browser = useBrowser();

/** A short run: 1,280 training images, batches of 64 (20 steps an epoch), one epoch, one core. */
const SHORT = 'train_subset=1280&batch_size=64&epochs=1&validation_size=1000&threads=1';
/**
 * The default network and batch size (128) on 2,560 images, one epoch (20 steps). The batch size is
 * the default's: the bound on Adam's suggestion is for the default settings (with batches of
 * 64 on 1,280 images the sweep ends without the loss passing 4× its minimum, and fastai's
 * "steepest" rule then lands in the chaotic end, at ~2.7: docs/inspect.md).
 */
const FINDER_SHORT = 'train_subset=2560&epochs=1&validation_size=1000&threads=1';

async function ready(path = '', options = {}) {
  const opened = await openPage(browser.session, path, options);
  assert.equal(await waitForDataState(opened.page, ['ready', 'error'], 30_000), 'ready');
  await opened.page.waitForSelector(`${T('train')}:not([disabled])`, { timeout: 15_000 });
  await opened.page.waitForSelector(`${T('lr-finder-start')}:not([disabled])`, { timeout: 15_000 });
  return opened;
}

const data = (page, id) => page.$eval(T(id), (e) => ({ ...e.dataset }));
const stateOf = async (page, id) => (await data(page, id)).state;
const waitState = (page, id, states, timeout = 60_000) =>
  page.waitForSelector(states.map((s) => `${T(id)}[data-state="${s}"]`).join(', '), { timeout });

/** Runs the finder to its end; returns its hooks. */
async function runFinder(page) {
  await page.click(T('lr-finder-start'));
  await waitState(page, 'lr-finder', ['done', 'error']);
  const d = await data(page, 'lr-finder');
  assert.equal(d.state, 'done', await page.textContent(T('lr-finder-status')));
  return d;
}

/** Computes the landscape to its end; returns its hooks. */
async function runLandscape(page) {
  await page.waitForSelector(`${T('landscape-start')}:not([disabled])`);
  await page.click(T('landscape-start'));
  await waitState(page, 'landscape', ['done', 'error'], 120_000);
  const d = await data(page, 'landscape');
  assert.equal(d.state, 'done', await page.textContent(T('landscape-status')));
  return d;
}

/** The model file "Download current model" saves. */
async function downloadModel(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(T('model-download'))]);
  return readFile(await download.path());
}

/** Clicks Step (batch) until the run has taken `steps` steps. */
async function stepTo(page, steps) {
  for (let s = Number(await page.getAttribute(T('step-counter'), 'data-value')) + 1; s <= steps; s++) {
    await page.waitForSelector(`${T('step')}:not([disabled])`);
    await page.click(T('step'));
    await page.waitForSelector(`${T('step-counter')}[data-value="${s}"]`, { timeout: 10_000 });
  }
}

describe('look inside training', () => {
  test('the finder suggests an Adam rate in [1e-4, 1e-2]; "Use" puts it in the form and a run trains at it', async () => {
    const { page, context, consoleErrors, pageErrors } = await ready(`#${FINDER_SHORT}`);
    const finder = await runFinder(page);
    const steepest = Number(finder.steepest);
    const minOver10 = Number(finder.minimumOver10);
    console.log(`# finder (Adam): ${finder.steps} steps, ${finder.stop}, steepest ${steepest}, minimum/10 ${minOver10}`);
    assert.ok(steepest >= 1e-4 && steepest <= 1e-2, `Adam's suggestion ${steepest} lies in [1e-4, 1e-2]`);
    assert.ok(minOver10 > 0, 'the minimum ÷ 10 rule is shown beside it');
    assert.match(await page.textContent(T('lr-finder-suggestion')), /minimum ÷ 10/);
    // The chart has the sweep's points.
    assert.ok(Number(finder.steps) >= 20, `${finder.steps} steps recorded`);
    assert.equal(await page.isVisible(T('lr-finder-chart')), true);

    const text = String(Number(steepest.toPrecision(3)));
    assert.equal(await page.textContent(T('lr-finder-use')), `Use ${text}`);
    await page.click(T('lr-finder-use'));
    assert.equal(await page.inputValue(T('learning-rate')), text, 'the form holds the suggestion');
    await page.waitForFunction((t) => location.hash.includes(`learning_rate=${t}`), text);
    assert.match(await page.textContent(T('lr-finder-applied')), new RegExp(`now ${text.replace('.', '\\.')}`));

    await page.waitForSelector(`${T('train')}:not([disabled])`);
    await page.click(T('train'));
    await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 90_000 });
    // The rate the run reported (constant schedule): the suggestion.
    assert.equal(await page.textContent(T('current-learning-rate')), text);
    const accuracy = Number(await page.getAttribute(T('test-accuracy'), 'data-value'));
    console.log(`# one epoch of 2,560 images at ${text}: test accuracy ${accuracy}`);
    assert.ok(accuracy > 0.75, `the run at the suggested rate learns (test accuracy ${accuracy})`);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });

  test('the finder works for every optimizer, and suggests a larger rate for SGD than for Adam', async () => {
    const { page, context, consoleErrors, pageErrors } = await ready(`#${FINDER_SHORT}`);
    const kinds = await page.$$eval('#cfg-optimizer-kind option', (options) => options.map((o) => o.value));
    assert.ok(kinds.includes('sgd') && kinds.includes('adam'), kinds.join());
    const steepest = {};
    for (const kind of kinds) {
      await page.selectOption('#cfg-optimizer-kind', kind);
      await page.waitForTimeout(100); // describe-config round trip
      const d = await runFinder(page);
      steepest[kind] = Number(d.steepest);
      assert.ok(steepest[kind] > 0, `${kind}: a suggestion (${d.steps} steps, ${d.stop})`);
    }
    console.log(`# steepest by optimizer: ${JSON.stringify(steepest)}`);
    assert.ok(steepest.sgd > steepest.adam, `SGD's ${steepest.sgd} is larger than Adam's ${steepest.adam}`);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });

  test('the landscape draws around the default model; its centre equals the current loss; Cancel stops it and the finder, and both run again', async () => {
    const { page, context, consoleErrors, pageErrors } = await ready('', { viewport: { width: 1440, height: 1000 } });
    // Cancel the landscape after a few rows: it stops within a row, keeps nothing running.
    await page.click(T('landscape-start'));
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="landscape"]').dataset.rows ?? 0) >= 2, null, { timeout: 60_000 });
    const t0 = Date.now();
    await page.click(T('landscape-cancel'));
    await waitState(page, 'landscape', ['cancelled'], 5_000);
    const cancelMs = Date.now() - t0;
    const rowsAtCancel = Number((await data(page, 'landscape')).rows);
    console.log(`# landscape cancelled after ${rowsAtCancel} rows, ${cancelMs} ms after the click`);
    assert.ok(cancelMs < 3_000, `Cancel answered in ${cancelMs} ms`);
    assert.ok(rowsAtCancel < 25, 'it did not run to the end');
    assert.equal(await page.isDisabled(T('landscape-cancel')), true);
    assert.equal(await page.isVisible(T('landscape-progress')), false);
    await page.waitForTimeout(700);
    assert.equal(Number((await data(page, 'landscape')).rows), rowsAtCancel, 'no row arrives after Cancel');

    // A new computation runs to its end.
    const d = await runLandscape(page);
    assert.equal(d.model, 'default');
    assert.equal(Number(d.rows), 25, '25 × 25 grid');
    const centre = Number(d.centre);
    const current = Number(d.lineAtOne);
    console.log(`# landscape: centre ${centre}, current weights on the same images ${current}, slice ${d.sliceMs} ms`);
    assert.ok(Number.isFinite(centre) && centre > 0);
    assert.ok(Math.abs(centre - current) <= 1e-4 * current, `centre ${centre} = the current loss ${current}`);
    // The read-outs show the same number side by side.
    assert.equal(await page.textContent(T('landscape-centre')), await page.textContent(T('landscape-current-loss')));
    // The map is drawn: blue near the centre (low loss), red at the edge (high loss).
    const pixel = (x, y) => page.$eval(T('landscape-map'), (c, [x, y]) => Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data), [x, y]);
    const [r0, , b0] = await pixel(150 + 20, 150 + 20);
    const [r1, , b1] = await pixel(4, 4);
    assert.ok(b0 > r0 + 40, `near the centre the map is blue (${r0}, ${b0})`);
    assert.ok(r1 > b1 + 40, `at the corner the map is red (${r1}, ${b1})`);

    // (Keep as A and two maps side by side: inspect-guided.test.mjs, "sharp vs flat".)

    // The finder: cancel a slow sweep (a wide network, big batches) after its first progress.
    await page.fill(T('hidden-0'), '1024');
    await page.fill('#cfg-batch-size', '512');
    await page.waitForTimeout(100);
    await page.click(T('lr-finder-start'));
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="lr-finder-progress"]').value) >= 1, null, { timeout: 30_000 });
    const t1 = Date.now();
    await page.click(T('lr-finder-cancel'));
    await waitState(page, 'lr-finder', ['cancelled'], 5_000);
    console.log(`# finder cancelled ${Date.now() - t1} ms after the click`);
    assert.ok(Date.now() - t1 < 3_000);
    assert.equal(await page.isDisabled(T('lr-finder-cancel')), true);
    assert.equal(await page.isDisabled(T('lr-finder-start')), false);
    // And a new sweep runs to its end.
    await page.fill('#cfg-batch-size', '128');
    await page.waitForTimeout(100);
    const again = await runFinder(page);
    assert.ok(Number(again.steepest) > 0);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });

  test('the plane of the training path: the path lies on it; a model file without a path is refused with a message', async () => {
    const { page, context, consoleErrors, pageErrors } = await ready(`#${SHORT.replace('epochs=1', 'epochs=3')}`, { viewport: { width: 1440, height: 1000 } });
    // The default model has no training path.
    await page.selectOption(T('landscape-directions'), 'trajectory');
    await page.click(T('landscape-start'));
    await waitState(page, 'landscape', ['error', 'done']);
    assert.equal(await stateOf(page, 'landscape'), 'error');
    assert.match(await page.textContent(T('landscape-status')), /no training path.*random directions/);
    // A run of three epochs: the initial weights, two epoch ends and the current weights.
    await page.click(T('train'));
    await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 60_000 });
    const d = await runLandscape(page);
    assert.equal(d.directions, 'trajectory');
    assert.equal(d.model, 'trained');
    assert.equal(d.checkpoints, '4', 'epoch 0 (initial) and the ends of epochs 1–3');
    // Every earlier point lies mostly in the plane (the last epoch's end is the centre itself).
    assert.equal(d.onPlane, '3');
    assert.ok(Math.abs(Number(d.centre) - Number(d.lineAtOne)) <= 1e-4 * Number(d.lineAtOne), `centre ${d.centre} = current ${d.lineAtOne}`);
    assert.match(await page.textContent(T('landscape-explained')), /^\d+\.\d% and \d+\.\d%$/);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });

  test('a run of the table brought back with Draw: its landscape beside the run\'s, the same weights giving the same centre', async () => {
    const { page, context, consoleErrors, pageErrors } = await ready(`#${SHORT}`); // a fresh context: the one run in the table is this one
    await page.click(T('train'));
    await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 60_000 });
    const a = await runLandscape(page);
    assert.equal(a.model, 'trained');
    await page.click(T('landscape-keep'));
    // Draw on the run's row: its stored model (the end of its one epoch) answers, as a loaded model.
    await page.click(T('run-use-model'));
    await page.waitForSelector(`${T('model-status')}[data-state="ok"]`, { timeout: 30_000 });
    const b = await runLandscape(page);
    assert.notEqual(b.model, 'trained', `a loaded model (${b.model})`);
    assert.equal(b.kept, 'trained');
    assert.equal(Number(b.centre), Number(a.centre), 'the same weights: the same centre, bit for bit');
    assert.equal(Number(b.lineAtOne), Number(a.lineAtOne));
    assert.equal(await page.isVisible(T('landscape-map-a')), true, 'A beside B');
    assert.equal(await page.isVisible(T('landscape-map')), true);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });

  test('while the finder runs, Pause and Stop of the run shown answer at once', async () => {
    const { page, context, consoleErrors, pageErrors } = await ready(`#${FINDER_SHORT.replace('epochs=1', 'epochs=20')}`);
    await page.click(T('train'));
    await page.waitForSelector(`${T('run')}[data-state="running"]`);
    // A slow sweep (a wide network, big batches: the form's settings change the next run, not this one).
    await page.fill(T('hidden-0'), '1024');
    await page.fill('#cfg-batch-size', '512');
    await page.waitForTimeout(100);
    await page.click(T('lr-finder-start'));
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="lr-finder-progress"]').value) >= 1, null, { timeout: 30_000 });
    const answer = async (button, state) => {
      const t0 = Date.now();
      await page.click(T(button));
      await page.waitForSelector(`${T('run')}[data-state="${state}"]`, { timeout: 5_000 });
      const ms = Date.now() - t0;
      assert.equal(await stateOf(page, 'lr-finder'), 'running', `${button} answered while the sweep went on`);
      return ms;
    };
    const pauseMs = await answer('pause', 'paused');
    const resumeMs = await answer('pause', 'running');
    const stopMs = await answer('stop', 'stopped');
    console.log(`# during the sweep: pause ${pauseMs} ms, resume ${resumeMs} ms, stop ${stopMs} ms`);
    // "At once": each answer came while the sweep was still running (checked in `answer`), so the
    // run's commands do not wait for the sweep; the milliseconds depend on the machine's load and
    // are reported, not asserted.
    await page.click(T('lr-finder-cancel'));
    await waitState(page, 'lr-finder', ['cancelled'], 5_000);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });

  test('a run continued after the finder and the landscape ends bit-identical to one without them', async () => {
    const { page, context, consoleErrors, pageErrors } = await ready(`#${SHORT}`);
    // With the tools: 5 steps, pause (a stepped run is paused), finder + landscape, then the rest of
    // the epoch with another sweep running meanwhile.
    await stepTo(page, 5);
    await runFinder(page);
    const d = await runLandscape(page);
    assert.equal(d.model, 'trained', 'the landscape is of the run shown');
    // The rest of the epoch, with a second sweep started at once (their chunks take turns).
    await page.click(T('step-epoch'));
    await page.click(T('lr-finder-start'));
    await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 60_000 });
    await waitState(page, 'lr-finder', ['done']);
    const withTools = await downloadModel(page);
    const accuracyWith = await page.getAttribute(T('test-accuracy'), 'data-value');

    // Without: the same settings from the start.
    await page.click(T('reset'));
    await page.waitForSelector(`${T('run')}[data-state="idle"]`);
    await stepTo(page, 5);
    await page.click(T('step-epoch'));
    await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 60_000 });
    const without = await downloadModel(page);
    const accuracyWithout = await page.getAttribute(T('test-accuracy'), 'data-value');

    assert.ok(withTools.length > 1000, `a model file (${withTools.length} bytes)`);
    assert.equal(withTools.length, without.length);
    assert.ok(withTools.equals(without), 'the two model files are the same bytes');
    assert.equal(accuracyWith, accuracyWithout);
    console.log(`# continued run: ${withTools.length} bytes identical, test accuracy ${accuracyWith}`);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });
});
