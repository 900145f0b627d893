// Injected content renders as text (issue 21, security). Markup and script in everything a stranger
// can hand the page — a run's name, note and error message in an imported runs file and in a stored
// IndexedDB record, a stored record's id, the keys and values of a settings link, a file's name —
// must show as the characters typed: no element is created from it, no script runs (no dialog, no
// CSP violation), nothing is requested, on the page's origin or off it. Class names come from
// strangers too (a names file, a folder's names, your own classes): a data set whose class names
// are markup is loaded, trained and drawn on, and every view that names classes shows the text.
//
// The strict CSP would stop an inline handler even if markup got in; the test looks for the markup
// itself, so it fails if text ever reaches the DOM as HTML, whatever the CSP says. The CSP's own
// terms are checked in server.test.mjs.
//
// Also: a picked file larger than its kind can be (a model file beyond the engine's largest
// network, a runs file over runs-file.js MAX_IMPORT_BYTES) is refused by its size, with it and the
// limit in the message, before it is read.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { offOriginRequests, startBrowser, T, waitForDataState } from '../harness.mjs';
import { LIMITS } from '../../js/engine-default.mjs';
import { MAX_IMPORT_BYTES } from '../../../www/experiments/runs-file.js';
import { formatMB } from '../../../www/ui/format.js';
import { halvesCsv } from '../data/pictures.mjs';

/** Markup that would create elements, run script or fetch if it were parsed as HTML. */
const PAYLOAD = '<img src=x onerror=alert(1)><script>alert(2)</script><img src="http://192.0.2.1/p.png"><b>bold</b>';

let session;
let context;
let page;
let origin;
const requests = [];
const dialogs = [];
const pageErrors = [];

before(async () => {
  session = await startBrowser();
  context = await session.browser.newContext({ viewport: { width: 1440, height: 1000 }, serviceWorkers: 'block' });
  // Counts CSP violations from the first script on (an init script runs whatever the page's CSP).
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  context.on('request', (request) => requests.push(request.url()));
  page = await context.newPage();
  page.on('dialog', (dialog) => {
    if (dialog.type() !== 'beforeunload') dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});
after(async () => {
  await session?.close();
});

async function open(hash = '') {
  await page.goto('about:blank');
  const url = new URL(hash ? `#${hash}` : '', session.baseUrl).href;
  origin = new URL(url).origin;
  await page.goto(url);
  assert.equal(await waitForDataState(page, ['ready', 'error'], 30_000), 'ready');
  await page.waitForSelector(T('runs-table'), { state: 'attached' });
}

/** Nothing of the payload became markup, ran, or fetched. */
async function assertInert(where) {
  const found = await page.evaluate(() => ({
    images: [...document.images].filter((img) => /(^|\/)x$|192\.0\.2\.1/.test(img.getAttribute('src') ?? '')).length,
    scripts: [...document.scripts].filter((s) => !s.src || /alert/.test(s.textContent)).length,
    bold: [...document.querySelectorAll('b')].filter((b) => b.textContent === 'bold').length,
    handlers: document.querySelectorAll('[onerror]').length,
    violations: window.__violations,
  }));
  assert.deepEqual(found, { images: 0, scripts: 0, bold: 0, handlers: 0, violations: [] }, `${where}: no element made from the payload, no CSP violation`);
  assert.deepEqual(dialogs, [], `${where}: no dialog`);
  assert.deepEqual(offOriginRequests(requests, origin), [], `${where}: no request off the origin`);
  assert.deepEqual(requests.filter((u) => /\/x$|192\.0\.2\.1/.test(u)), [], `${where}: the payload's images were not requested`);
  assert.deepEqual(pageErrors, [], `${where}: no page error`);
}

/** A run record of the recorder's shape (www/experiments/recorder.js), with `changes`. */
const record = (id, changes = {}) => ({
  schema: 1,
  id,
  name: `Run ${id}`,
  note: '',
  createdAt: Date.now(),
  updatedAt: Date.now(),
  config: { hidden: [32], activation: 'relu', init: 'auto', dropout: 0, weight_decay: 0, optimizer: { kind: 'sgd' }, learning_rate: 0.1, schedule: { kind: 'constant', warmup_epochs: 0 }, batch_size: 64, epochs: 1, validation_size: 1000, train_subset: 2000, seed: 1, augment: { enabled: false, max_shift: 2, max_rotation: 12, max_scale: 0.12, max_shear: 0.15, thickness: 0.3 }, threads: 1 },
  info: {},
  state: 'error',
  error: null,
  steps: { step: [1, 2], loss: [2.3, 2.1], accuracy: [0.1, 0.2], time: [0.01, 0.02] },
  epochs: [{ epoch: 1, step: 2, time: 0.02, train: { loss: 2, accuracy: 0.2 }, validation: { loss: 2.1, accuracy: 0.19 }, test: null }],
  final: null,
  durationMs: 20,
  samplesPerSecond: 1000,
  experiment: null,
  modelEpoch: null,
  ...changes,
});

/** The runs table's row of `id`: its name and note fields' values and its text. */
const row = (id) =>
  page.$eval(`${T('runs-table')} tr[data-run-id="${id}"]`, (tr) => ({
    name: tr.querySelector('input.run-name').value,
    note: tr.querySelector('input.run-note').value,
    text: tr.textContent,
  }));

test('a runs file with markup in names, notes and errors: imported as text', async () => {
  await open();
  const file = JSON.stringify({
    format: 'mnist-playground-runs',
    schema: 1,
    runs: [
      record('imported', { name: PAYLOAD, note: PAYLOAD, error: PAYLOAD }),
      { ...record('skipped'), name: PAYLOAD, steps: 'not curves' },
    ],
  });
  await page.setInputFiles(T('import-runs-file'), { name: 'runs.json', mimeType: 'application/json', buffer: Buffer.from(file) });
  await page.waitForSelector(`${T('runs-status')}[data-state="ok"]`);
  const status = await page.textContent(T('runs-status'));
  assert.ok(status.includes(`run 2 (“${PAYLOAD.slice(0, 60)}”): bad step curves`), `the skipped run is named literally: ${status}`);
  const shown = await row('imported');
  assert.equal(shown.name, PAYLOAD);
  assert.equal(shown.note, PAYLOAD);
  assert.ok(shown.text.includes(PAYLOAD), 'the error message is shown as its text');
  // Ticked, it is named in the compare chart's legend.
  await page.check(`${T('runs-table')} tr[data-run-id="imported"] ${T('run-select')}`);
  await page.waitForFunction((p) => document.querySelector('[data-testid="compare-legend"]')?.textContent.includes(p), PAYLOAD);
  await assertInert('import');
});

test('stored records with markup in names, notes, errors and ids: shown as text after a reload', async () => {
  await page.evaluate(
    ([good, bad]) =>
      new Promise((resolve, reject) => {
        const request = indexedDB.open('mnist-playground', 1);
        request.onsuccess = () => {
          const tx = request.result.transaction('runs', 'readwrite');
          tx.objectStore('runs').put(good);
          tx.objectStore('runs').put(bad);
          tx.oncomplete = () => {
            request.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
        request.onerror = () => reject(request.error);
      }),
    [record('stored', { name: PAYLOAD, note: PAYLOAD, error: PAYLOAD, state: 'diverged' }), { id: PAYLOAD, schema: 1, name: PAYLOAD }],
  );
  await open();
  await page.waitForSelector(`${T('runs-table')} tr[data-run-id="stored"]`);
  const shown = await row('stored');
  assert.deepEqual([shown.name, shown.note], [PAYLOAD, PAYLOAD]);
  assert.ok(shown.text.includes(PAYLOAD), 'the error message is shown as its text');
  await page.waitForSelector(`${T('storage-status')}:not([hidden])`);
  const storage = await page.textContent(T('storage-status'));
  assert.ok(storage.includes(`${PAYLOAD}: no note`), `the unreadable record is named by its id, literally: ${storage}`);
  await assertInert('stored records');
});

test('a settings link with markup in keys and values: reported as text, defaults used', async () => {
  const bad = encodeURIComponent(PAYLOAD);
  await open(`learning_rate=${bad}&${bad}=1&hidden=${bad}&optimizer.kind=${bad}`);
  await page.waitForSelector(`${T('link-problems')}:not([hidden])`);
  const problems = await page.$$eval(`${T('link-problems')} li`, (lis) => lis.map((li) => li.textContent));
  assert.equal(problems.length, 4, problems.join(' | '));
  // Values are quoted (JSON) and cut at 32 characters: the markup's start, as characters.
  for (const p of problems) assert.ok(p.includes('"<img src=x onerror=alert(1)><scr'), p);
  assert.equal(await page.inputValue(T('learning-rate')), '0.001', 'the default learning rate');
  await assertInert('link');
});

test('a model file whose name is markup: named as text in the refusal', async () => {
  await page.waitForSelector(`${T('model-status')}`);
  const name = `${PAYLOAD.replaceAll('/', '∕')}.bin`; // file names cannot hold "/"
  await page.setInputFiles(T('model-file'), { name, mimeType: 'application/octet-stream', buffer: Buffer.from('not a model file') });
  await page.waitForSelector(`${T('model-status')}[data-state="error"]`);
  const status = await page.textContent(T('model-status'));
  assert.ok(status.startsWith(`Could not load ${name}: `), status);
  await assertInert('model file name');
});

test('class names that are markup (a names file): every view that names classes shows them as text', async () => {
  // Two classes, each name within the engine's 32 characters; together they hold the payload's parts.
  const names = ['<img src=x onerror=alert(1)>', '<b>bold</b><script>alert(2)'];
  await page.setInputFiles(T('dataset-files'), [
    { name: 'halves.csv', mimeType: 'text/csv', buffer: halvesCsv(60) },
    { name: 'names.txt', mimeType: 'text/plain', buffer: Buffer.from(`${names.join('\n')}\n`) },
  ]);
  await page.waitForFunction(() => document.querySelector('[data-testid="data-panel"]')?.dataset.dataset === 'custom', null, { timeout: 60_000 });
  assert.ok((await page.textContent(T('dataset-current'))).includes(names[0]), 'the data panel names the classes as typed');
  await assertInert('data panel, histograms and samples');
  // A short run, so the confusion matrix, per-class bars, gallery and drawing panel name them.
  await page.fill(T('epochs'), '2');
  await page.click(T('train'));
  await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 120_000 });
  await page.waitForFunction((n) => document.querySelector('[data-testid="draw-bars"]')?.getAttribute('data-classes') === n, JSON.stringify(names), { timeout: 30_000 });
  const shown = await page.evaluate(() => document.body.innerText);
  for (const n of names) assert.ok(shown.includes(n), `the page shows ${n} as text`);
  await assertInert('trained on markup class names');
  await page.click(T('dataset-mnist'));
  await page.waitForFunction(() => document.querySelector('[data-testid="data-panel"]')?.dataset.dataset === 'mnist', null, { timeout: 60_000 });
});

test('picked files larger than their kind can be are refused by their size (that they are not read: files-unit.test.mjs)', async () => {
  // Files of the size only (zeros), made in the page and handed to the inputs as a picker would.
  const pick = (testid, bytes, name) =>
    page.evaluate(
      ([selector, size, fileName]) => {
        const input = document.querySelector(selector);
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(size)], fileName));
        input.files = transfer.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      },
      [T(testid), bytes, name],
    );
  // The limits: the engine's (from its build, as the page gets them in `ready`) and the runs file's.
  const model = LIMITS.max_model_file_bytes + 1_000_000;
  await pick('model-file', model, 'huge.bin');
  await page.waitForSelector(`${T('model-status')}[data-state="error"]`);
  assert.equal(
    await page.textContent(T('model-status')),
    `Could not load huge.bin: it is ${formatMB(model)} MB, larger than any model file of this page (at most ${formatMB(LIMITS.max_model_file_bytes)} MB); pick another file.`,
  );
  const runs = MAX_IMPORT_BYTES + 1_000_000;
  await pick('import-runs-file', runs, 'huge.json');
  await page.waitForSelector(`${T('runs-status')}[data-state="error"]`);
  assert.equal(
    await page.textContent(T('runs-status')),
    `Could not import huge.json: it is ${formatMB(runs)} MB, larger than any runs file of this page (at most ${formatMB(MAX_IMPORT_BYTES)} MB); pick another file.`,
  );
  await assertInert('large files');
});
