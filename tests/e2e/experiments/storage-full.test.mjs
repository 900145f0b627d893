// The history when the browser's storage is full, and two tabs recording at once (issue 21), in
// headless Chromium on the served page.
//
// Full store: an init script makes IndexedDB behave as a full one when the test says so: every
// put's transaction aborts with a QuotaExceededError (as Chromium reports a quota that is
// exceeded), until a delete from the models store frees room. The page must keep training and
// reading drawings, say what happened and what to do, keep the run it could not store (its record
// and model, in memory: Draw and the export still have it), keep the stored runs' models loadable,
// and store what it kept in memory once a deleted run has made room — after a reload it is there.
//
// Two tabs: two pages of one browser context train at the same time; after a reload each shows
// both runs, finished, with their models.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { acceptLeaving, T, useBrowser, waitForDataState } from '../harness.mjs';
import { drawWithMouse, loadStrokes } from '../draw/draw-helpers.mjs';

const SMALL = 'train_subset=2000&validation_size=1000&epochs=1&threads=1';

/** Installed before the page's scripts: `window.__quota.full` makes puts fail as a full store does. */
function simulateQuota() {
  window.__quota = { full: false, refused: 0 };
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (...args) {
    const request = put.apply(this, args);
    const tx = this.transaction;
    if (window.__quota.full && !tx.__quotaAbort) {
      // The put is accepted; the transaction then fails as it would at commit, with its error set.
      window.__quota.refused += 1;
      tx.__quotaAbort = true;
      request.addEventListener('success', () => {
        Object.defineProperty(tx, 'error', { value: new DOMException('The quota has been exceeded.', 'QuotaExceededError'), configurable: true });
        tx.abort();
      });
    }
    return request;
  };
  const remove = IDBObjectStore.prototype.delete;
  IDBObjectStore.prototype.delete = function (...args) {
    if (this.name === 'models') window.__quota.full = false; // a deleted model makes room
    return remove.apply(this, args);
  };
}

const browser = useBrowser();

async function newPage(context, pageErrors) {
  const page = await context.newPage();
  acceptLeaving(page);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
  });
  return page;
}

async function open(page, hash = SMALL) {
  await page.goto(new URL(`#${hash}`, browser.session.baseUrl).href);
  assert.equal(await waitForDataState(page, ['ready', 'error'], 20_000), 'ready');
  await page.waitForSelector(`${T('train')}:not([disabled])`, { timeout: 10_000 });
  await page.waitForSelector(T('runs-table'), { state: 'attached' });
}

const rows = (page) =>
  page.$$eval(`${T('runs-table')} tbody tr`, (trs) => trs.map((tr) => ({ id: tr.dataset.runId, state: tr.dataset.state, modelEpoch: tr.dataset.modelEpoch })));

/** Trains one run to its end; returns its row once its model is recorded. */
async function train(page) {
  const before = new Set((await rows(page)).map((r) => r.id));
  await page.click(T('train'));
  await page.waitForFunction(
    (known) => [...document.querySelectorAll('[data-testid="runs-table"] tbody tr')].some((tr) => !known.includes(tr.dataset.runId) && tr.dataset.state === 'finished' && tr.dataset.modelEpoch === '1'),
    [...before],
    { timeout: 60_000 },
  );
  return (await rows(page)).find((r) => !before.has(r.id));
}

/** Clicks a run's Draw and waits until its model is loaded and measured (or refused); returns {state, text}. */
async function useModel(page, id) {
  await page.evaluate(() => {
    const status = document.querySelector('[data-testid="model-status"]');
    delete status.dataset.state;
    delete status.dataset.accuracy;
  });
  await page.click(`${T('runs-table')} tr[data-run-id="${id}"] ${T('run-use-model')}`);
  // Loaded and measured on the test set, or refused.
  await page.waitForSelector(`${T('model-status')}[data-state="ok"][data-accuracy], ${T('model-status')}[data-state="error"]`, { timeout: 20_000 });
  return { state: await page.getAttribute(T('model-status'), 'data-state'), text: await page.textContent(T('model-status')) };
}

describe('storage: a full store, two tabs', () => {
  test('a full store: the page keeps working, says what to do, loses nothing, and stores it once there is room', { timeout: 120_000 }, async () => {
    const context = await browser.session.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, serviceWorkers: 'block' });
    await context.addInitScript(simulateQuota);
    const errors = [];
    const page = await newPage(context, errors);
    await open(page);
    const stored = await train(page);

    await page.evaluate(() => (window.__quota.full = true));
    const kept = await train(page); // recorded while nothing can be stored
    assert.ok(await page.evaluate(() => window.__quota.refused) > 0, 'the page tried to store the run');
    await page.waitForSelector(`${T('storage-status')}:not([hidden])`);
    const message = await page.textContent(T('storage-status'));
    assert.match(message, /storage for this page is full \(quota exceeded\)/, 'what happened');
    assert.match(message, /kept in memory only and would be lost on reload/);
    assert.match(message, /download what you want to keep.*then delete old runs/, 'what to do');

    // Nothing in memory is lost: the new run's model (in memory) and the stored run's (in IndexedDB) both load.
    const fromMemory = await useModel(page, kept.id);
    assert.equal(fromMemory.state, 'ok', fromMemory.text);
    assert.match(fromMemory.text, /^Loaded .*\(the same predictions as when it was trained\)/);
    assert.match((await useModel(page, stored.id)).text, /^Loaded /, 'a stored run\'s model still loads while the store is full');
    // The page keeps working: a drawing is read; the export has both runs.
    const { strokes } = await loadStrokes('seven');
    const readout = await drawWithMouse(page, strokes);
    assert.equal(readout.probs.length, 10);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(T('export-json'))]);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.deepEqual(exported.runs.map((r) => r.id).sort(), [stored.id, kept.id].sort());
    assert.equal(exported.runs.find((r) => r.id === kept.id).state, 'finished');

    // Deleting the old run makes room: the run kept in memory is stored, the message goes.
    await page.click(`${T('runs-table')} tr[data-run-id="${stored.id}"] ${T('run-delete')}`);
    await page.waitForSelector(`${T('storage-status')}[hidden]`, { state: 'attached', timeout: 10_000 });
    await page.reload();
    assert.equal(await waitForDataState(page, ['ready', 'error'], 20_000), 'ready');
    await page.waitForSelector(`${T('runs-table')} tr[data-run-id="${kept.id}"]`, { timeout: 10_000 });
    const after = await rows(page);
    assert.deepEqual(after, [{ id: kept.id, state: 'finished', modelEpoch: '1' }]);
    assert.match((await useModel(page, kept.id)).text, /^Loaded .*\(the same predictions as when it was trained\)/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('two tabs recording at once lose nothing', { timeout: 120_000 }, async () => {
    const context = await browser.session.browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
    const errors = [];
    const pages = [await newPage(context, errors), await newPage(context, errors)];
    for (const page of pages) await open(page, `${SMALL}&epochs=2`);
    // Both train at once; each records its run while the other does.
    const before = await Promise.all(pages.map(async (p) => new Set((await rows(p)).map((r) => r.id))));
    await Promise.all(pages.map((p) => p.click(T('train'))));
    await Promise.all(pages.map((p) => p.waitForSelector(`${T('run')}[data-state="running"], ${T('run')}[data-state="finished"]`)));
    const ids = [];
    for (const [k, page] of pages.entries()) {
      await page.waitForFunction(
        (known) => [...document.querySelectorAll('[data-testid="runs-table"] tbody tr')].some((tr) => !known.includes(tr.dataset.runId) && tr.dataset.state === 'finished' && tr.dataset.modelEpoch === '2'),
        [...before[k]],
        { timeout: 90_000 },
      );
      ids.push((await rows(page)).find((r) => !before[k].has(r.id)).id);
    }
    assert.notEqual(ids[0], ids[1]);
    for (const page of pages) {
      await page.reload();
      assert.equal(await waitForDataState(page, ['ready', 'error'], 20_000), 'ready');
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="runs-table"] tbody tr').length >= n, 2);
      const list = await rows(page);
      for (const id of ids) assert.deepEqual(list.find((r) => r.id === id), { id, state: 'finished', modelEpoch: '2' }, JSON.stringify(list));
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
});
