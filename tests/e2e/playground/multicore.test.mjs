// End-to-end tests of multi-core training (issue 6, "both cores"), in headless Chromium on the
// served page (cross-origin isolated by scripts/serve.mjs): with Cores 2 the engine worker starts a
// shard worker (www/engine/shard-worker.js) and both train every batch together. A seed reproduces such a
// run exactly, and it learns as well as one core (the same gradients, summed in another order).
//
// Expected numbers: one epoch of 784-128-10 Adam on 5,000 images reaches ~85% test accuracy with
// one core (seed 1); two cores split the same batches, so their accuracy agrees to within a point
// (only rounding differs: no dropout or augmentation here). Speed is measured by the benchmark
// (scripts/bench.sh), not here.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { T, openPage, screenshot, useBrowser, waitForDataState } from '../harness.mjs';

const browser = useBrowser();


/** Trains one epoch of `hash`'s settings with Step (epoch); returns the test accuracy and workers. */
async function trainOneEpoch(hash) {
  const opened = await openPage(browser.session, hash);
  const { page } = opened;
  assert.equal(await waitForDataState(page, ['ready', 'error'], 20_000), 'ready');
  await page.waitForSelector(`${T('train')}:not([disabled])`, { timeout: 10_000 });
  await page.click(T('step-epoch'));
  await page.waitForSelector(`${T('run')}[data-state="paused"], ${T('run')}[data-state="finished"], ${T('run')}[data-state="failed"]`, { timeout: 60_000 });
  assert.notEqual(await page.getAttribute(T('run'), 'data-state'), 'failed', await page.textContent('body'));
  await page.waitForFunction(() => document.querySelector('[data-testid="test-accuracy"]').dataset.value !== '', null, { timeout: 60_000 });
  const accuracy = Number(await page.getAttribute(T('test-accuracy'), 'data-value'));
  const shardWorkers = page.workers().filter((w) => w.url().endsWith('/shard-worker.js')).length;
  return { ...opened, accuracy, shardWorkers, model: await storedModel(page) };
}

/** The run's model after its first epoch as the page stored it (www/experiments/history.js), as hex. */
async function storedModel(page) {
  return page.evaluate(async () => {
    const request = (r) => new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    for (let tries = 0; tries < 100; tries++) {
      const db = await request(indexedDB.open('mnist-playground'));
      const models = await request(db.transaction('models').objectStore('models').getAll());
      db.close();
      const model = models.find((m) => m.epoch === 1);
      if (model) return Array.from(new Uint8Array(model.bytes), (b) => b.toString(16).padStart(2, '0')).join('');
      await new Promise((r) => setTimeout(r, 100));
    }
    return null;
  });
}

/** Opens `path` (query and hash), waits for the data and clicks Train. */
async function openAndTrain(path) {
  const opened = await openPage(browser.session, path);
  assert.equal(await waitForDataState(opened.page, ['ready', 'error'], 20_000), 'ready');
  await opened.page.waitForSelector(`${T('train')}:not([disabled])`, { timeout: 10_000 });
  await opened.page.click(T('train'));
  return opened;
}

/** The confusion matrix's cells: true digit, predicted digit, count. */
const confusionCells = (page) =>
  page.$$eval(`${T('confusion-matrix')} .cell`, (els) => els.map((el) => ({ t: Number(el.dataset.true), p: Number(el.dataset.predicted), n: Number(el.textContent.replace(/[^0-9]/g, '')) })));

describe('multi-core training', () => {
  test('Cores 2 trains with a shard worker, a seed reproduces the run, and it learns like one core', async (t) => {
    const settings = '#train_subset=5000&epochs=2&validation_size=1000';
    const two = await trainOneEpoch(`${settings}&threads=2`);
    assert.equal(await two.page.evaluate(() => self.crossOriginIsolated), true);
    assert.equal(two.shardWorkers, 1, 'one shard worker besides the engine worker');
    await screenshot(two.page, 'multicore-2-cores');
    assert.deepEqual(two.consoleErrors, []);
    await two.context.close();

    assert.ok(two.model, 'the run\'s model was stored after its first epoch');
    const again = await trainOneEpoch(`${settings}&threads=2`);
    assert.equal(again.accuracy, two.accuracy, 'the same seed and core count give the same test accuracy');
    assert.ok(again.model === two.model, 'the same seed and core count give the same model file, bit for bit');
    await again.context.close();

    const one = await trainOneEpoch(`${settings}&threads=1`);
    assert.equal(one.shardWorkers, 0);
    assert.ok(one.accuracy > 0.8, `one core: ${one.accuracy}`);
    assert.ok(Math.abs(one.accuracy - two.accuracy) < 0.01, `one core ${one.accuracy}, two cores ${two.accuracy}`);
    assert.ok(one.model && one.model !== two.model, 'one core rounds differently: not the same file');
    t.diagnostic(`test accuracy after one epoch: one core ${one.accuracy}, two cores ${two.accuracy}`);
    await one.context.close();
  });

  test('Step, Step (epoch), Pause and Resume keep the shard worker in step with the lead', async () => {
    // 5,000 training images (validation comes from the rest) at batch 128: 40 steps per epoch.
    const { page, context, consoleErrors } = await openPage(browser.session, '#threads=2&train_subset=5000&validation_size=1000&epochs=2');
    assert.equal(await waitForDataState(page, ['ready', 'error'], 20_000), 'ready');
    await page.waitForSelector(`${T('step')}:not([disabled])`, { timeout: 10_000 });
    const steps = async () => Number(await page.getAttribute(T('step-counter'), 'data-value'));
    for (let k = 1; k <= 3; k++) {
      await page.click(T('step'));
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="step-counter"]').dataset.value) === n, k, { timeout: 20_000 });
    }
    assert.equal(page.workers().filter((w) => w.url().endsWith('/shard-worker.js')).length, 1);
    await page.click(T('step-epoch'));
    await page.waitForSelector(`${T('run')}[data-state="paused"]`, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="test-accuracy"]').dataset.value !== '', null, { timeout: 30_000 });
    // The step counter is drawn in the page's render tick (a few times a second), the evaluation's
    // read-out at once: wait for the counter to catch up before reading where the run paused.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="step-counter"]').dataset.value) >= 40, null, { timeout: 5_000 }).catch(() => {});
    assert.equal(await steps(), 40, 'Step (epoch) pauses at the end of the first epoch');
    // The epoch's evaluation was shared: the shard worker evaluated the second half of the 1,000
    // validation and of the 10,000 test images, and the merged result covers every test image once.
    const shard = page.workers().find((w) => w.url().endsWith('/shard-worker.js'));
    assert.equal(await shard.evaluate(() => self.__mnistEvaluated), 500 + 5000);
    const cells = await confusionCells(page);
    assert.equal(cells.reduce((a, c) => a + c.n, 0), 10_000, 'the confusion matrix counts every test image once');
    const diagonal = cells.filter((c) => c.t === c.p).reduce((a, c) => a + c.n, 0);
    assert.equal(Number(await page.getAttribute(T('test-accuracy'), 'data-value')), diagonal / 10_000);
    // Paused at the epoch's end; the shard worker must not have gone ahead into the next epoch
    // (it would wait there for the lead and the run would fail once its 15 s patience ran out; the
    // test does not wait that long: team-unit.test.mjs checks that the lead never allows it).
    await page.waitForTimeout(1000);
    await page.click(T('pause')); // Resume
    await page.waitForSelector(`${T('run')}[data-state="finished"], ${T('run')}[data-state="failed"]`, { timeout: 60_000 });
    assert.equal(await page.getAttribute(T('run'), 'data-state'), 'finished', await page.textContent(T('run-error')));
    assert.equal(await steps(), 80);
    assert.ok(Number(await page.getAttribute(T('test-accuracy'), 'data-value')) > 0.85);
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });

  test('without Atomics.waitAsync (Firefox before 145, e.g. ESR 140) a parked shard worker polls and keeps in step', async () => {
    // Chromium has Atomics.waitAsync; the shard worker falls back to polling BUDGET with setTimeout
    // (2 ms, then less and less often, up to every 50 ms) where it is missing. Remove it from the
    // shard worker once it exists (after the first Step), count its timers, and train on.
    const { page, context, consoleErrors } = await openPage(browser.session, '#threads=2&train_subset=5000&validation_size=1000&epochs=2');
    assert.equal(await waitForDataState(page, ['ready', 'error'], 20_000), 'ready');
    await page.waitForSelector(`${T('step')}:not([disabled])`, { timeout: 10_000 });
    const steps = async () => Number(await page.getAttribute(T('step-counter'), 'data-value'));
    await page.click(T('step'));
    await page.waitForFunction(() => document.querySelector('[data-testid="step-counter"]').dataset.value === '1', null, { timeout: 20_000 });
    const shard = page.workers().find((w) => w.url().endsWith('/shard-worker.js'));
    assert.ok(shard, 'a shard worker trains with Cores 2');
    await shard.evaluate(() => {
      Atomics.waitAsync = undefined;
      self.__mnistPolls = 0;
      const setTimeoutWas = self.setTimeout;
      self.setTimeout = (f, ms, ...rest) => {
        self.__mnistPolls++;
        return setTimeoutWas(f, ms, ...rest);
      };
    });
    await page.click(T('step-epoch'));
    // The run was already paused (after the Step): wait for the epoch's end, then the pause.
    await page.waitForFunction(() => document.querySelector('[data-testid="step-counter"]').dataset.value === '40', null, { timeout: 30_000 });
    await page.waitForSelector(`${T('run')}[data-state="paused"]`, { timeout: 30_000 });
    assert.equal(await steps(), 40);
    await page.waitForTimeout(1000); // parked at the epoch's end: it polls, with growing pauses
    const polls = await shard.evaluate(() => self.__mnistPolls);
    assert.ok(polls >= 5 && polls <= 100, `the parked shard worker looked ${polls} times in about a second`);
    await page.click(T('pause')); // Resume: it sees the new budget at its next look
    await page.waitForSelector(`${T('run')}[data-state="finished"], ${T('run')}[data-state="failed"]`, { timeout: 60_000 });
    assert.equal(await page.getAttribute(T('run'), 'data-state'), 'finished', await page.textContent(T('run-error')));
    assert.equal(await steps(), 80);
    assert.ok(Number(await page.getAttribute(T('test-accuracy'), 'data-value')) > 0.85);
    assert.equal(await shard.evaluate(() => typeof Atomics.waitAsync), 'undefined', 'the polling path was the one used');
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });

  test('a shard worker that crashes on its share of an evaluation: the lead evaluates that share, then the run stops clearly', async () => {
    // The hook is armed when the first progress arrives; with three epochs of 79 steps a late
    // arrival (a loaded machine) makes the second epoch's evaluation the crashing one, still not the last.
    const { page, context } = await openAndTrain('?debug=panic-shard-during-evaluation#threads=2&train_subset=10000&validation_size=1000&epochs=3');
    await page.waitForSelector(`${T('run')}[data-state="failed"], ${T('run')}[data-state="finished"]`, { timeout: 60_000 });
    assert.equal(await page.getAttribute(T('run'), 'data-state'), 'failed');
    assert.match(await page.textContent(T('run-error')), /another training worker failed \(a training worker crashed \(Rust panic\): [\s\S]*requested with \?debug=panic-shard-during-evaluation\)/);
    // That epoch's evaluation still covered every test image (the lead took over the share).
    const epochs = Number(await page.getAttribute(T('epoch-counter'), 'data-value'));
    assert.ok(epochs === 1 || epochs === 2, `the run stopped after epoch ${epochs}`);
    const accuracy = Number(await page.getAttribute(T('test-accuracy'), 'data-value'));
    assert.ok(accuracy > 0.85, `test accuracy after ${epochs} epoch(s) ${accuracy}`);
    assert.equal((await confusionCells(page)).reduce((a, c) => a + c.n, 0), 10_000);
    await context.close();
  });

  test('a crash of a shard worker stops the run with a clear message, and the next Train works', async () => {
    const { page, context } = await openAndTrain('?debug=panic-shard-during-training#threads=2&hidden=32&epochs=1');
    await page.waitForSelector(`${T('run')}[data-state="failed"]`, { timeout: 30_000 });
    const message = await page.textContent(T('run-error'));
    assert.match(message, /training on 2 threads stopped: another training worker failed/);
    assert.match(message, /\(a training worker crashed \(Rust panic\): [\s\S]*requested with \?debug=panic-shard-during-training\)/, 'it says what went wrong there');
    assert.match(message, /Cores: 1/, 'it says what to do');
    // The engine worker itself is fine: Train again starts a fresh shard worker and finishes.
    await page.click(T('train'));
    await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 60_000 });
    assert.ok(Number(await page.getAttribute(T('test-accuracy'), 'data-value')) > 0.9);
    assert.equal(page.workers().filter((w) => w.url().endsWith('/shard-worker.js')).length, 1);
    await context.close();
  });
});
