// End-to-end tests of the experiments section (issue 7), in headless Chromium on the served page.
// One browser context throughout, so IndexedDB persists across reloads as it would for a user:
// - two short runs with different learning rates appear in the runs table (the lr column marked
//   as differing) and overlay in the compare chart, whose legend says "lr 0.01 vs 0.001";
//   after a reload both are still there with their curves;
// - a run interrupted by a reload shows as interrupted, with its completed epochs and its model;
// - a shared link restores the config; a malformed link shows a message and the defaults, and
//   nothing from it reaches the page as markup;
// - the runs and curves export as JSON and CSV, a compare chart as PNG; the TF.js export of the
//   page loads in TensorFlow.js and reads the test set as our engine does;
// - the downloaded model file loads back and predicts the same digits (the same test accuracy to
//   the last image, and for a stored run's model the same confusion matrix as when it was
//   trained); a corrupt model file, a corrupt stored run record and a corrupt stored model each
//   give a clear message;
//   with storage off the page says so and keeps working in memory.
// Screenshots of the section at 1440 and 375 px go to test-results/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { acceptLeaving, downloads as downloadsOf, RESULTS_DIR, startBrowser, waitForDataState } from '../harness.mjs';

const T = (id) => `[data-testid="${id}"]`;
/** Small, fast runs: 2,000 training images, 1,000 validation images. */
const SMALL = 'train_subset=2000&validation_size=1000&epochs=1';

let session;
let context;
let page;
const pageErrors = [];

before(async () => {
  session = await startBrowser();
  context = await session.browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true, serviceWorkers: 'block' });
  page = await context.newPage();
  acceptLeaving(page);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});
after(async () => {
  await session?.close();
});

async function open(hash = '', search = '') {
  await page.goto('about:blank'); // a new document even when only the fragment differs
  await page.goto(new URL(`${search}${hash ? `#${hash}` : ''}`, session.baseUrl).href);
  assert.equal(await waitForDataState(page, ['ready', 'error'], 20_000), 'ready');
  await page.waitForSelector(`${T('train')}:not([disabled])`, { timeout: 10_000 });
  await page.waitForSelector(T('runs-table'), { state: 'attached' });
}

async function train() {
  const before = await page.locator(`${T('runs-table')} tbody tr`).count();
  await page.click(T('train'));
  await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 30_000 });
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="runs-table"] tbody tr[data-state="finished"]').length > n, before);
}

const rows = () =>
  page.$$eval(`${T('runs-table')} tbody tr`, (trs) =>
    trs.map((tr) => ({
      id: tr.dataset.runId,
      state: tr.dataset.state,
      epochs: Number(tr.dataset.epochs),
      modelEpoch: tr.dataset.modelEpoch,
      name: tr.querySelector('.run-name').value,
      lr: tr.querySelector('td[data-col="learning_rate"]')?.textContent,
      test: tr.querySelector('td[data-col="test"]').dataset.value,
    })),
  );

/** Runs `action` and resolves with the `count` files it downloads, by suggested name. */
const downloads = (action, count = 1) => downloadsOf(page, action, count);

/** Test accuracy of a TF.js layers model (model.json + weights.bin) on MNIST's test set, in Node. */
async function tfjsTestAccuracy(modelJson, weights) {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData }),
  );
  const images = gunzipSync(await readFile(new URL('../../../data/t10k-images-idx3-ubyte.gz', import.meta.url))).subarray(16);
  const labels = gunzipSync(await readFile(new URL('../../../data/t10k-labels-idx1-ubyte.gz', import.meta.url))).subarray(8);
  const x = tf.tidy(() => tf.tensor2d(Float32Array.from(images, (p) => p / 255), [labels.length, 784]));
  const predicted = await tf.tidy(() => model.predict(x).argMax(1)).data();
  x.dispose();
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

describe('experiments: history, compare, links, models', () => {
  test('two runs with different learning rates: table, compare chart, and both kept after a reload', { timeout: 90_000 }, async () => {
    await open(`${SMALL}&learning_rate=0.01`);
    await train();
    await page.fill(T('learning-rate'), '0.001');
    await page.waitForTimeout(100);
    await train();

    let list = await rows();
    assert.equal(list.length, 2);
    assert.deepEqual(list.map((r) => r.lr), ['0.01', '0.001']);
    assert.ok(list.every((r) => Number(r.test) > 0.5), JSON.stringify(list));
    assert.equal(await page.getAttribute(`${T('runs-table')} th[aria-sort] button[data-sort="learning_rate"]`, 'data-sort'), 'learning_rate');
    assert.match(await page.getAttribute(`${T('runs-table')} td[data-col="learning_rate"]`, 'class'), /differs/);
    assert.match(await page.textContent(T('compare-legend')), /lr 0\.01 vs 0\.001/);
    assert.equal(await page.isDisabled(T('delete-ticked')), false, 'new runs are ticked, so Delete ticked is on');
    await page.waitForFunction(() => document.querySelector('[data-testid="compare-loss"]').dataset.series === '2');
    assert.ok(Number(await page.getAttribute(T('compare-loss'), 'data-points')) > 10);

    // Sorting by test accuracy (descending twice-clicked) puts the better run (lr 0.01) first.
    await page.click(`${T('runs-table')} button[data-sort="test"]`);
    await page.click(`${T('runs-table')} button[data-sort="test"]`);
    list = await rows();
    assert.ok(Number(list[0].test) >= Number(list[1].test));

    // Rename one; reload: both runs, their names and curves are still there.
    await page.fill(`${T('runs-table')} tr[data-run-id="${list[0].id}"] .run-name`, 'fast one');
    await page.press(`${T('runs-table')} tr[data-run-id="${list[0].id}"] .run-name`, 'Tab');
    await page.waitForTimeout(200);
    // Untick the other run: the ticks are kept across the reload too.
    await page.uncheck(`${T('runs-table')} tr[data-run-id="${list[1].id}"] ${T('run-select')}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="compare-loss"]').dataset.series === '1');
    await page.reload();
    await waitForDataState(page, ['ready'], 20_000);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="runs-table"] tbody tr').length === 2);
    assert.equal(await page.isChecked(`${T('runs-table')} tr[data-run-id="${list[1].id}"] ${T('run-select')}`), false);
    assert.equal(await page.isChecked(`${T('runs-table')} tr[data-run-id="${list[0].id}"] ${T('run-select')}`), true);
    await page.check(`${T('runs-table')} tr[data-run-id="${list[1].id}"] ${T('run-select')}`);
    list = await rows();
    assert.ok(list.some((r) => r.name === 'fast one'));
    assert.ok(list.every((r) => r.state === 'finished' && r.epochs === 1 && r.modelEpoch === '1'), JSON.stringify(list));
    assert.match(await page.textContent(T('compare-legend')), /lr 0\.01 vs 0\.001/);
    assert.equal(await page.getAttribute(T('compare-loss'), 'data-series'), '2');
    assert.ok(Number(await page.getAttribute(T('compare-loss'), 'data-points')) > 10);
    // The learning rate each run used, a point per recorded step: 0.01 and 0.001 throughout.
    assert.equal(await page.isVisible(T('compare-rate')), true);
    assert.equal(await page.getAttribute(T('compare-rate'), 'data-series'), '2');
    const rates = await page.evaluate(() => document.querySelector('[data-testid="compare-rate"]').__chart.data.slice(1).map((ys) => [...new Set(ys.filter((y) => y != null).map((y) => Number(y.toPrecision(3))))].sort()));
    assert.deepEqual(rates.sort(), [[0.001], [0.01]]);
    await page.selectOption(T('compare-axis'), 'epoch');
    assert.equal(await page.getAttribute(T('compare-accuracy'), 'data-points'), '4'); // 2 runs × (validation, training) × 1 epoch
    assert.equal(await page.isVisible(T('compare-rate')), false, 'no rate chart by epoch');

    // A run's settings back into the form, through the link.
    await page.fill(T('learning-rate'), '0.3');
    await page.click(`${T('runs-table')} tr[data-run-id="${list.find((r) => r.lr === '0.001').id}"] ${T('run-use-settings')}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="learning-rate"]').value === '0.001');
    // 0.001 is the default rate: the link holds only what differs from the defaults.
    assert.equal(await page.evaluate(() => location.hash), '#epochs=1&validation_size=1000&train_subset=2000');

    // Delete with undo.
    await page.click(`${T('runs-table')} tr[data-run-id="${list[1].id}"] ${T('run-delete')}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="runs-table"] tbody tr').length === 1);
    await page.click(T('undo-delete'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="runs-table"] tbody tr').length === 2);
    // Two deletes in a row: Undo brings both back.
    for (const run of list) {
      await page.click(`${T('runs-table')} tr[data-run-id="${run.id}"] ${T('run-delete')}`);
      await page.waitForFunction((id) => !document.querySelector(`[data-testid="runs-table"] tr[data-run-id="${id}"]`), run.id);
    }
    assert.equal(await page.textContent(T('undo-delete')), 'Undo all 2');
    await page.click(T('undo-delete'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="runs-table"] tbody tr').length === 2);
  });

  test('the downloaded model file loads back and predicts the same digits', { timeout: 60_000 }, async () => {
    // The page after the reload has no run in the engine: train one, download it, load it back.
    await open(`${SMALL}&learning_rate=0.01&seed=3`);
    await train();
    const trained = (await rows()).at(-1);
    // A file that is not a model is refused before anything changes: the finished run stays shown.
    const shownAccuracy = await page.textContent(T('test-accuracy'));
    await page.setInputFiles(T('model-file'), { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('my notes, not a model') });
    await page.waitForSelector(`${T('model-status')}[data-state="error"]`, { timeout: 10_000 });
    assert.equal(await page.getAttribute(T('run'), 'data-state'), 'finished');
    assert.equal(await page.textContent(T('test-accuracy')), shownAccuracy);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(T('model-download'))]);
    assert.equal(download.suggestedFilename(), 'mnist-model.bin');
    await mkdir(RESULTS_DIR, { recursive: true });
    const file = `${RESULTS_DIR}experiments-model.bin`;
    await download.saveAs(file);
    const bytes = await readFile(file);
    assert.ok(bytes.length > 1000);

    await page.setInputFiles(T('model-file'), { name: 'mnist-model.bin', mimeType: 'application/octet-stream', buffer: bytes });
    await page.waitForSelector(`${T('model-status')}[data-state="ok"][data-accuracy]`, { timeout: 20_000 });
    // Every one of the 10,000 test images read the same: the accuracy is equal to the last digit.
    assert.equal(await page.getAttribute(T('model-status'), 'data-accuracy'), trained.test);
    assert.match(await page.textContent(T('model-status')), /Loaded mnist-model\.bin \(784-128-10, relu\)/);

    // The TF.js export of the same model, loaded with TensorFlow.js (in Node, CPU backend) and run
    // on the 10,000 test images (p/255 inputs): the same accuracy as our engine's, within 2 images
    // (float rounding may flip a near-tie).
    const files = await downloads(() => page.click(T('model-export-tfjs')), 2);
    assert.deepEqual(Object.keys(files).sort(), ['model.json', 'weights.bin']);
    const tfjsAccuracy = await tfjsTestAccuracy(JSON.parse(files['model.json'].toString()), files['weights.bin']);
    console.log(`TF.js export: test accuracy ${tfjsAccuracy} (engine ${trained.test})`);
    assert.ok(Math.abs(tfjsAccuracy - Number(trained.test)) <= 2e-4, `${tfjsAccuracy} vs ${trained.test}`);

    // Exports of the runs table and curves (JSON, CSV) and of a chart (PNG).
    const json = JSON.parse((await downloads(() => page.click(T('export-json'))))['mnist-runs.json'].toString());
    assert.equal(json.format, 'mnist-playground-runs');
    assert.ok(json.runs.length >= 3 && json.runs.every((r) => r.steps.step.length > 0 && r.epochs.length >= 1));
    const runsCsv = (await downloads(() => page.click(T('export-runs-csv'))))['mnist-runs.csv'].toString().trim().split('\r\n');
    assert.match(runsCsv[0], /^id,name,state,note,started,epochs_done,duration_s,samples_per_second,test_accuracy,test_loss,validation_accuracy,hidden,/);
    assert.equal(runsCsv.length, json.runs.length + 1);
    const curvesCsv = (await downloads(() => page.click(T('export-curves-csv'))))['mnist-curves.csv'].toString();
    assert.ok(curvesCsv.split('\r\n').filter((line) => line.includes(',epoch,')).length >= 3);
    const png = (await downloads(() => page.click(T('export-png-loss'))))['mnist-compare-loss-by-step.png'];
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.ok(png.length > 5000);

    // A stored run's model, for drawing: the same confusion matrix as when it was trained.
    await page.click(`${T('runs-table')} tr[data-run-id="${trained.id}"] ${T('run-use-model')}`);
    await page.waitForSelector(`${T('model-status')}[data-state="ok"][data-same-as-run]`, { timeout: 20_000 });
    assert.equal(await page.getAttribute(T('model-status'), 'data-same-as-run'), 'true');
    assert.match(await page.getAttribute(T('prediction'), 'data-model'), /epoch 1/);
    // …and the page went to the drawing panel, its heading at the top with the focus.
    await page.waitForFunction(() => {
      const top = document.getElementById('draw-heading').getBoundingClientRect().top;
      return top >= 0 && top < 80 && document.activeElement?.id === 'draw-heading';
    }, null, { timeout: 5000 });

    // A corrupt file: the engine's validation message.
    await page.setInputFiles(T('model-file'), { name: 'broken.bin', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model file at all') });
    await page.waitForSelector(`${T('model-status')}[data-state="error"]`, { timeout: 10_000 });
    const message = await page.textContent(T('model-status'));
    assert.match(message, /Could not load broken\.bin: .+/);
    console.log(`corrupt model file: ${message}`);
  });

  test('a run interrupted by a reload shows as interrupted, with its completed epochs and model', { timeout: 60_000 }, async () => {
    await open('train_subset=2000&validation_size=1000&epochs=300&learning_rate=0.01');
    await page.click(T('train'));
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="runs-table"] tbody tr[data-state="running"]')].some((tr) => Number(tr.dataset.modelEpoch) >= 1),
      null,
      { timeout: 30_000 },
    );
    // A second tab opened meanwhile sees the run as running (this tab holds its Web Lock).
    const other = await context.newPage();
    acceptLeaving(other);
    await other.goto(session.baseUrl);
    await other.waitForSelector(`${T('runs-table')} tbody tr[data-state="running"]`, { timeout: 20_000 });
    assert.equal(await other.locator(`${T('runs-table')} tbody tr[data-state="interrupted"]`).count(), 0);
    await other.close();
    await page.reload();
    await waitForDataState(page, ['ready'], 20_000);
    await page.waitForSelector(`${T('runs-table')} tbody tr[data-state="interrupted"]`);
    const run = (await rows()).find((r) => r.state === 'interrupted');
    assert.ok(run.epochs >= 1 && run.epochs < 300, JSON.stringify(run));
    assert.ok(Number(run.modelEpoch) >= 1);
    assert.match(await page.textContent(`${T('runs-table')} tr[data-run-id="${run.id}"]`), /interrupted after \d+ completed epoch/);
    // Its model so far is kept and loads: the model of its last stored epoch, which reads the test
    // set exactly as that epoch's evaluation did (it was once exported a few batches later).
    await page.click(`${T('runs-table')} tr[data-run-id="${run.id}"] ${T('run-use-model')}`);
    await page.waitForSelector(`${T('model-status')}[data-state="ok"][data-accuracy]`, { timeout: 20_000 });
    // The stored model is that epoch's (not one a few batches into the next epoch): it reads the
    // test set exactly as the epoch's evaluation did.
    const epochTest = await page.evaluate(
      ({ id, epoch }) =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open('mnist-playground');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('runs').objectStore('runs').get(id);
            get.onsuccess = () => resolve(get.result.epochs.find((e) => e.epoch === epoch)?.test?.accuracy ?? null);
            get.onerror = () => reject(get.error);
          };
        }),
      { id: run.id, epoch: Number(run.modelEpoch) },
    );
    assert.equal(Number(await page.getAttribute(T('model-status'), 'data-accuracy')), epochTest, await page.textContent(T('model-status')));
  });

  test('a run stopped mid-epoch keeps the test accuracy measured at Stop, in the runs table as on the card', { timeout: 60_000 }, async () => {
    await open('train_subset=2000&validation_size=1000&epochs=300&learning_rate=0.01');
    await page.click(T('train'));
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="epoch-counter"]').dataset.value) >= 1, null, { timeout: 30_000 });
    await page.waitForTimeout(200); // into the next epoch
    await page.click(T('stop'));
    await page.waitForSelector(`${T('run')}[data-state="stopped"]`);
    const epochsDone = await page.$eval(`${T('runs-table')} tbody tr[data-state="stopped"]`, (tr) => tr.dataset.epochs);
    assert.ok(Number(epochsDone) >= 1);
    // The evaluation at Stop arrives after the stopped state; the card shows it, and so must the table
    // (it showed the last completed epoch's).
    await page.waitForFunction(() => {
      const card = document.querySelector('[data-testid="test-accuracy"]').dataset.value;
      const row = document.querySelector('[data-testid="runs-table"] tbody tr[data-state="stopped"] td[data-col="test"]');
      return card !== '' && row?.dataset.value === card;
    }, null, { timeout: 20_000 });
    // Its stored model is the one at Stop and reads as measured. It is named by its step — unless
    // the Stop came while an epoch's end was being evaluated (epochs here are 16 steps): then that
    // epoch still joins the run, and the model is exactly that epoch's.
    const row = () => page.$eval(`${T('runs-table')} tbody tr[data-state="stopped"]`, (tr) => ({ id: tr.dataset.runId, epochs: Number(tr.dataset.epochs) }));
    const { id } = await row();
    await page.waitForFunction((runId) => document.querySelector(`[data-run-id="${runId}"] [data-testid="run-use-model"]`), id);
    await page.click(`${T('runs-table')} tr[data-run-id="${id}"] ${T('run-use-model')}`);
    await page.waitForSelector(`${T('model-status')}[data-state="ok"][data-accuracy]`, { timeout: 20_000 });
    const label = (await page.textContent(T('model-status'))).match(/\((step [\d,]+|epoch (\d+))\)/);
    assert.ok(label, await page.textContent(T('model-status')));
    if (label[2]) assert.equal(Number(label[2]), (await row()).epochs, 'a model named by its epoch is the last epoch\'s');
    assert.match(await page.textContent(T('model-status')), /\(the same predictions as when it was trained\)/);
    // The table says when its test accuracy was measured at Stop (the validation one is the last epoch's).
    const cell = await page.textContent(`${T('runs-table')} tr[data-run-id="${id}"] td[data-col="test"]`);
    if (label[2]) assert.doesNotMatch(cell, /at stop/);
    else assert.match(cell, /^\d+\.\d\d% \(at stop\)$/);
    assert.equal(await page.getAttribute(T('model-status'), 'data-same-as-run'), 'true');
  });

  test('a shared link restores the config; a malformed one is reported and replaced by the defaults', { timeout: 30_000 }, async () => {
    await open('hidden=64-32&optimizer.kind=sgd&learning_rate=0.05&seed=7&epochs=2');
    await page.waitForTimeout(300);
    assert.equal(await page.inputValue(T('learning-rate')), '0.05');
    assert.equal(await page.inputValue(T('epochs')), '2');
    assert.equal(await page.inputValue(T('hidden-0')), '64');
    assert.equal(await page.inputValue(T('hidden-1')), '32');
    const hash = await page.evaluate(() => location.hash);
    for (const part of ['hidden=64-32', 'optimizer.kind=sgd', 'learning_rate=0.05', 'seed=7', 'epochs=2']) assert.ok(hash.includes(part), hash);
    assert.equal(await page.isVisible(T('link-problems')), false);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.click(T('copy-link'));
    await page.waitForFunction(() => document.querySelector('[data-testid="share-status"]').textContent !== '');
    assert.match(await page.textContent(T('share-status')), /Copied|Copy this link/);
    // The copied link names the number of cores too (the page default, left out of the address, differs between devices).
    const copied = (await page.$(`${T('share-status')} input`))
      ? await page.inputValue(`${T('share-status')} input`)
      : await page.evaluate(() => navigator.clipboard.readText());
    const shared = new URLSearchParams(new URL(copied).hash.slice(1));
    assert.equal(shared.get('threads'), await page.inputValue(T('threads')), copied);
    assert.equal(shared.get('learning_rate'), '0.05', copied);

    const scripts = await page.evaluate(() => document.scripts.length);
    await open('learning_rate=abc&activation=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&epochs=99999999&hidden=0-5&bogus=1');
    await page.waitForSelector(`${T('link-problems')}[data-count="5"]`, { timeout: 10_000 });
    const text = await page.textContent(T('link-problems'));
    assert.match(text, /Learning rate: "abc" is not a number; using the default/);
    assert.match(text, /Epochs: "99999999" is out of range/);
    assert.match(text, /Activation: "<img src=x onerror=alert\(1\)>" is not one of/);
    assert.match(text, /Hidden layers: "0-5"/);
    assert.equal(await page.$$eval('img[src="x"]', (imgs) => imgs.length), 0);
    assert.equal(await page.evaluate(() => document.scripts.length), scripts);
    assert.equal(await page.inputValue(T('epochs')), '3');
    assert.notEqual(await page.inputValue(T('learning-rate')), 'abc');
    await page.waitForSelector(`${T('train')}:not([disabled])`);
    assert.doesNotMatch(await page.evaluate(() => location.hash), /abc|99999999|img/);
  });

  test('a corrupt stored record is reported and skipped; a diverged run is recorded; storage off keeps working in memory', { timeout: 30_000 }, async () => {
    await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const request = indexedDB.open('mnist-playground', 1);
          request.onsuccess = () => {
            const tx = request.result.transaction('runs', 'readwrite');
            tx.objectStore('runs').put({ id: 'from-the-future', schema: 99, name: 'x' });
            tx.objectStore('runs').put({ id: 'broken', schema: 1, name: 'y', config: 'nope' });
            tx.oncomplete = () => {
              request.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
          request.onerror = () => reject(request.error);
        }),
    );
    const count = (await rows()).length;
    await page.reload();
    await waitForDataState(page, ['ready'], 20_000);
    await page.waitForSelector(`${T('storage-status')}:not([hidden])`);
    const text = await page.textContent(T('storage-status'));
    assert.match(text, /Skipped 2 stored run records that this page cannot read \(old or corrupt\)/);
    assert.match(text, /from-the-future: schema version 99/);
    assert.equal((await rows()).length, count);

    // A stored model that is not a model record, and one whose bytes are not a model file.
    const withModels = (await rows()).filter((r) => r.modelEpoch !== '' && r.state !== 'running');
    assert.ok(withModels.length >= 2);
    await page.evaluate(
      ([a, b]) =>
        new Promise((resolve, reject) => {
          const request = indexedDB.open('mnist-playground', 1);
          request.onsuccess = () => {
            const tx = request.result.transaction('models', 'readwrite');
            tx.objectStore('models').put({ id: a, schema: 1, bytes: 'not bytes' });
            tx.objectStore('models').put({ id: b, schema: 1, bytes: new Uint8Array([1, 2, 3]), epoch: 1 });
            tx.oncomplete = () => {
              request.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      [withModels[0].id, withModels[1].id],
    );
    await page.click(`${T('runs-table')} tr[data-run-id="${withModels[0].id}"] ${T('run-use-model')}`);
    await page.waitForSelector(`${T('model-status')}[data-state="error"]`);
    assert.match(await page.textContent(T('model-status')), /the stored model record is old or corrupt/);
    await page.click(`${T('runs-table')} tr[data-run-id="${withModels[1].id}"] ${T('run-use-model')}`);
    await page.waitForFunction(() => /^Could not load .*epoch 1\): /.test(document.querySelector('[data-testid="model-status"]').textContent));
    console.log(`corrupt stored model: ${await page.textContent(T('model-status'))}`);

    // A diverging run is recorded as diverged, with the engine's message.
    await open('train_subset=2048&validation_size=1000&epochs=1&hidden=512-512&optimizer.kind=sgd&learning_rate=10');
    await page.click(T('train'));
    await page.waitForSelector(`${T('runs-table')} tbody tr[data-state="diverged"]`, { timeout: 20_000 });
    assert.match(await page.textContent(`${T('runs-table')} tbody tr[data-state="diverged"]`), /diverged at step \d+: loss became NaN/);
    const divergedSteps = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const request = indexedDB.open('mnist-playground', 1);
          request.onsuccess = () => {
            const all = request.result.transaction('runs').objectStore('runs').getAll();
            all.onsuccess = () => resolve(all.result.find((r) => r.state === 'diverged').steps.step.length);
          };
        }),
    );
    assert.ok(divergedSteps > 0, 'the batches before the divergence are kept');

    await open(SMALL, '?storage=memory');
    assert.match(await page.textContent(T('storage-status')), /kept in memory only and will be lost on reload/);
    assert.equal((await rows()).length, 0);
    await train();
    assert.equal((await rows()).length, 1);
  });

  test('the runs export to JSON, Delete ticked removes them (one Undo for all), and the file imports them back', { timeout: 60_000 }, async () => {
    await open(SMALL);
    const before = await rows();
    assert.ok(before.length >= 2, `runs from the tests before: ${before.length}`);
    const file = (await downloads(() => page.click(T('export-json'))))['mnist-runs.json'];
    for (const r of before) await page.check(`${T('runs-table')} tr[data-run-id="${r.id}"] ${T('run-select')}`);
    const countRows = (n) => page.waitForFunction((want) => document.querySelectorAll('[data-testid="runs-table"] tbody tr').length === want, n, { timeout: 10_000 });
    await page.click(T('delete-ticked'));
    await countRows(0);
    // The rows leave the table as each delete starts; the bar counts each when it is done.
    await page.waitForFunction((n) => document.querySelector('[data-testid="undo-delete"]')?.textContent === `Undo all ${n}`, before.length, { timeout: 10_000 });
    await page.click(T('undo-delete'));
    await countRows(before.length);
    for (const r of before) await page.check(`${T('runs-table')} tr[data-run-id="${r.id}"] ${T('run-select')}`);
    await page.click(T('delete-ticked'));
    await countRows(0);
    await page.waitForFunction((n) => document.querySelector('[data-testid="undo-delete"]')?.textContent === `Undo all ${n}`, before.length, { timeout: 10_000 });
    assert.equal(await page.isDisabled(T('delete-ticked')), true, 'nothing ticked any more');

    await page.setInputFiles(T('import-runs-file'), { name: 'mnist-runs.json', mimeType: 'application/json', buffer: file });
    await page.waitForSelector(`${T('runs-status')}[data-state="ok"]`, { timeout: 10_000 });
    assert.match(await page.textContent(T('runs-status')), new RegExp(`^Imported ${before.length} runs from mnist-runs\\.json\\. Their models are not in the file`));
    await countRows(before.length);
    const after = await rows();
    assert.deepEqual(after.map((r) => r.id).sort(), before.map((r) => r.id).sort());
    assert.deepEqual(after.map((r) => r.epochs).sort(), before.map((r) => r.epochs).sort());
    assert.equal(await page.locator(`${T('runs-table')} ${T('run-use-model')}`).count(), 0, 'no models came with the file');
    // The same file again adds nothing; a file that is not an export says so.
    await page.setInputFiles(T('import-runs-file'), { name: 'mnist-runs.json', mimeType: 'application/json', buffer: file });
    await page.waitForFunction(() => /were here already|was here already/.test(document.querySelector('[data-testid="runs-status"]').textContent));
    assert.match(await page.textContent(T('runs-status')), new RegExp(`^Imported 0 runs from mnist-runs\\.json; ${before.length} runs were here already\\.$`));
    await page.setInputFiles(T('import-runs-file'), { name: 'chart.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]) });
    await page.waitForSelector(`${T('runs-status')}[data-state="error"]`);
    assert.match(await page.textContent(T('runs-status')), /^Could not import chart\.png: it is not JSON \(/);
    await countRows(before.length);
  });

  test('screenshots of the section at 1440 and 375 px', { timeout: 30_000 }, async () => {
    await open(SMALL);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="runs-table"] tbody tr').length >= 3);
    await mkdir(RESULTS_DIR, { recursive: true });
    await page.locator('#experiments').screenshot({ path: `${RESULTS_DIR}experiments-1440.png` });
    // The table is wider than the card (six differing settings): each row's buttons stay in view.
    const inView = await page.evaluate(() => {
      const table = document.querySelector('[data-testid="runs-table"]');
      table.scrollIntoView({ block: 'center' });
      const box = table.parentElement.getBoundingClientRect();
      return [...table.querySelectorAll('tbody [data-testid="run-use-settings"]')].map((b) => {
        const r = b.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return { wider: table.scrollWidth > table.parentElement.clientWidth, inside: r.right <= box.right + 1, hits: hit === b };
      });
    });
    assert.ok(inView.length >= 3 && inView[0].wider, JSON.stringify(inView[0]));
    assert.ok(inView.every((v) => v.inside && v.hits), JSON.stringify(inView));
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(300);
    await page.locator('#experiments').screenshot({ path: `${RESULTS_DIR}experiments-375.png` });
    // On a phone the table leaves out time, speed and start time (in the CSV and on wider screens).
    const shown = await page.$$eval(`${T('runs-table')} thead th`, (ths) => ths.filter((th) => getComputedStyle(th).display !== 'none').map((th) => th.dataset.col).filter(Boolean));
    for (const col of ['duration', 'rate', 'created']) assert.ok(!shown.includes(col), `${col} hidden at 375 px: ${shown}`);
    for (const col of ['name', 'state', 'test', 'validation', 'epochs']) assert.ok(shown.includes(col), `${col} shown at 375 px: ${shown}`);
    assert.deepEqual(pageErrors, []);
  });
});
