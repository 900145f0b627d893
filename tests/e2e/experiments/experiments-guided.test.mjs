// Issue 7: each guided experiment set shows what it tells the learner to look for. Every set is
// launched with one click in headless Chromium; its runs go one after the other; then their stored
// records (IndexedDB, as the compare chart draws them) are checked against the set's "What you
// should see"; Stop during a set ends it. The thresholds come from the same configs trained natively (`mnist train`, same
// seed: the browser's numbers are identical) with some margin; see www/experiments/experiments-panel.js.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptLeaving, startBrowser, waitForDataState } from '../harness.mjs';

let session;
let page;
before(async () => {
  session = await startBrowser();
  const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  page = await context.newPage();
  acceptLeaving(page);
  await page.goto(session.baseUrl);
  assert.equal(await waitForDataState(page, ['ready', 'error'], 20_000), 'ready');
  await page.waitForSelector('[data-testid="train"]:not([disabled])');
});
after(async () => {
  await session?.close();
});

/** Launches a set, waits for it, returns its runs by name. */
async function runSet(id) {
  const t0 = Date.now();
  await page.click(`[data-testid="launch-${id}"]`);
  await page.waitForSelector('[data-testid="guided-status"][data-state="done"]', { timeout: 90_000 });
  const seconds = (Date.now() - t0) / 1000;
  const records = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const request = indexedDB.open('mnist-playground', 1);
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const all = request.result.transaction('runs').objectStore('runs').getAll();
          all.onsuccess = () => resolve(all.result);
        };
      }),
  );
  await page.evaluate(() => (document.querySelector('[data-testid="guided-status"]').dataset.state = ''));
  const runs = Object.fromEntries(records.filter((r) => r.experiment?.set === id).map((r) => [r.name, r]));
  for (const r of Object.values(runs)) assert.equal(r.state, 'finished', `${r.name}: ${r.error}`);
  console.log(`${id}: ${seconds.toFixed(1)} s; ${Object.values(runs).map((r) => `${r.name} val ${(100 * last(r).validation.accuracy).toFixed(1)}%`).join(', ')}`);
  assert.ok(seconds < 60, `${id} took ${seconds} s`);
  return runs;
}

const last = (r) => r.epochs.at(-1);
const val = (r) => last(r).validation.accuracy;

test('guided experiments show what they say', { timeout: 240_000 }, async () => {
  // The learner's own settings before the first set (given back by "Back to your settings").
  await page.evaluate(() => {
    history.replaceState(null, '', '#hidden=33&seed=4242');
    dispatchEvent(new HashChangeEvent('hashchange'));
  });
  await page.waitForFunction(() => document.getElementById('cfg-seed')?.value === '4242');
  const lr = await runSet('learning-rate');
  const high = lr['lr too high (2)'];
  assert.ok(Math.max(...high.steps.loss.filter(Number.isFinite)) > 10, 'the loss shoots up');
  assert.ok(val(high) < 0.25);
  assert.ok(val(lr['lr too low (0.001)']) < 0.6);
  assert.ok(lr['lr just right (0.1)'].epochs[0].validation.accuracy > 0.85);
  assert.ok(val(lr['lr just right (0.1)']) > 0.9);
  assert.match(await page.textContent('[data-testid="compare-legend"]'), /lr 2 vs 0\.001 vs 0\.1/);
  assert.equal(await page.getAttribute('[data-testid="compare-loss"]', 'data-series'), '3');
  // The form (and the link) show the settings of the set's last run.
  assert.equal(await page.inputValue('[data-testid="learning-rate"]'), '0.1');
  assert.match(await page.evaluate(() => location.hash), /optimizer\.kind=sgd.*learning_rate=0\.1/);
  // The status sits in the set's own card, and gives the learner's settings back.
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="guided-status"]').closest('[data-set]')?.dataset.set), 'learning-rate');
  await page.click('[data-testid="guided-restore"]');
  await page.waitForFunction(() => document.getElementById('cfg-seed')?.value === '4242');
  assert.equal(await page.evaluate(() => location.hash), '#hidden=33&seed=4242');
  assert.equal(await page.inputValue('[data-testid="learning-rate"]'), '0.001');

  const act = await runSet('activation');
  assert.ok(act['deep sigmoid'].epochs.every((e) => e.validation.accuracy < 0.15 && e.train.loss > 2.2), 'sigmoid stays at chance');
  assert.ok(val(act['deep ReLU']) > 0.85);

  const opt = await runSet('optimizer');
  assert.ok(last(opt.SGD).train.loss > 0.3);
  for (const name of ['momentum', 'Adam']) {
    assert.ok(last(opt[name]).train.loss < 0.2, name);
    assert.ok(val(opt[name]) > val(opt.SGD) + 0.03, name);
  }

  const fit = await runSet('overfitting');
  const plain = fit['no dropout'];
  const dropout = fit['dropout 0.5'];
  assert.ok(last(plain).train.accuracy > 0.999 && val(plain) < 0.92, 'memorised, not generalised');
  const minLoss = Math.min(...plain.epochs.map((e) => e.validation.loss));
  assert.ok(last(plain).validation.loss > minLoss + 0.01, 'the validation loss turns up again');
  assert.ok(last(dropout).train.accuracy < 0.99);
  assert.ok(last(dropout).validation.loss < last(plain).validation.loss - 0.03);
  assert.equal(await page.inputValue('[data-testid="compare-axis"]'), 'epoch');
  // By epoch, the compare caption names where the held-out loss turned.
  assert.match(await page.textContent('[data-testid="compare-legend"]'), /no dropout: lowest validation loss after epoch \d+ \(0\.\d{3}\), 0\.\d{3} at the end\./);

  const decay = await runSet('decay');
  const constant = decay['constant 0.01'];
  const decayed = decay['decay ×0.5 per epoch'];
  assert.ok(last(decayed).train.loss < last(constant).train.loss / 2);
  assert.ok(val(decayed) > val(constant) + 0.01);

  // What the network looks at (issue 17): the linear model is behind, then answers with ten
  // templates as its first-layer weights and one layer to step through.
  const looks = await runSet('looks-at');
  const linear = looks['no hidden layer'];
  assert.ok(val(linear) > 0.84 && val(linear) < val(looks['hidden layer of 128']) - 0.02, 'the linear model is a few points behind');
  await page.waitForSelector('[data-testid="first-layer-weights"][data-units="10"]');
  await page.click('[data-testid="explain-show-test"]');
  await page.waitForSelector('[data-testid="step-through"][data-state="shown"][data-layers="1"]');

  // Stop during a set ends the set (the next run does not start) and says so.
  await page.click('[data-testid="launch-overfitting"]');
  await page.waitForSelector('[data-testid="run"][data-state="running"]');
  await page.click('[data-testid="stop"]');
  await page.waitForSelector('[data-testid="guided-status"][data-state="ended"]');
  assert.match(await page.textContent('[data-testid="guided-status"]'), /ended after 1 of 2 runs: “no dropout” was stopped/);
  await page.waitForTimeout(300);
  assert.equal(await page.getAttribute('[data-testid="run"]', 'data-state'), 'stopped');
  assert.equal(await page.isDisabled('[data-testid="launch-overfitting"]'), false);
});
