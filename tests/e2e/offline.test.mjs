// Offline use (sw.js, www/offline.js, scripts/precache.mjs) in headless Chromium with service
// workers allowed: once the page has been opened online it says it is saved, and with the network
// cut it opens again — cross-origin isolated, MNIST loaded, the pretrained model answering — and
// trains on two cores. A new build (another www/precache.js) replaces the copy as a whole.
//
// The other page tests block service workers (tests/e2e/harness.mjs openPage).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { ROOT, T, offOriginRequests, openPage, screenshot, useBrowser, waitForDataState } from './harness.mjs';

const browser = useBrowser();

/** Waits until the offline note is final ("saved" or "failed"); returns {state, text, version}. */
async function offlineNote(page, timeout = 60_000) {
  await page.waitForSelector(`${T('offline-status')}[data-state="saved"], ${T('offline-status')}[data-state="failed"]`, { timeout });
  return page.$eval(T('offline-status'), (el) => ({ state: el.dataset.state, text: el.textContent, version: el.dataset.version, hidden: el.hidden }));
}

/** Names of this page's caches (Cache Storage). */
const cacheNames = (page) => page.evaluate(() => caches.keys());

/** [name, number of entries] of each of this page's caches. */
const cacheContents = (page) =>
  page.evaluate(async () => Promise.all((await caches.keys()).map(async (name) => [name, (await (await caches.open(name)).keys()).length])));

describe('offline', () => {
  test('saved once opened online; with the network cut it opens, predicts and trains on two cores', async () => {
    const { page, context, origin, requests, pageErrors, consoleErrors } = await openPage(browser.session, '', { serviceWorkers: 'allow' });
    assert.equal(await waitForDataState(page, ['ready', 'error'], 30_000), 'ready');
    const note = await offlineNote(page);
    assert.equal(note.state, 'saved', note.text);
    assert.equal(note.hidden, false);
    assert.match(note.text, /^Saved for offline use/);
    const precache = await readFile(`${ROOT}www/precache.js`, 'utf8');
    const version = precache.match(/"version": "([0-9a-f]+)"/)[1];
    assert.equal(note.version, version);
    assert.deepEqual(await cacheNames(page), [`mnist-playground-${version}`]);
    assert.deepEqual(offOriginRequests(requests, origin), [], 'the copy comes from the page\'s own origin');
    await screenshot(page, 'offline-saved');

    await context.setOffline(true);
    const before = requests.length;
    await page.goto(new URL('#hidden=32&epochs=1&threads=2', page.url()).href);
    await page.reload();
    assert.equal(await waitForDataState(page, ['ready', 'error'], 30_000), 'ready', await page.textContent('#status-text'));
    assert.equal(await page.textContent('#status-text'), 'MNIST loaded: 70,000 images');
    assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'the copy keeps the isolation headers');
    assert.equal(await page.evaluate(() => navigator.onLine), false);
    assert.ok(requests.length > before, 'the page did request its files (answered by the service worker)');
    // The pretrained model answers drawings (loaded from the copy too).
    await page.waitForSelector(`${T("prediction")}[data-model="default"]`, { timeout: 30_000 });

    await page.waitForSelector(`${T('train')}:not([disabled])`);
    await page.click(T('train'));
    await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 90_000 });
    const accuracy = Number((await page.textContent(T('test-accuracy'))).replace('%', ''));
    assert.ok(accuracy > 85, `a 784-32-10 net after one epoch offline: ${accuracy}%`);
    assert.equal(await page.getAttribute(T('threads-run'), 'data-value'), '2', 'both cores trained offline');
    await screenshot(page, 'offline-trained');
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
    await context.close();
  });

  test('a new build replaces the copy as a whole; the old one is deleted', async () => {
    const path = `${ROOT}www/precache.js`;
    const original = await readFile(path, 'utf8');
    const { page, context, pageErrors } = await openPage(browser.session, '', { serviceWorkers: 'allow' });
    try {
      assert.equal(await waitForDataState(page, ['ready', 'error'], 30_000), 'ready');
      const first = await offlineNote(page);
      assert.equal(first.state, 'saved', first.text);
      // What scripts/build.sh writes after any file changed: the same list, a new version.
      const next = original.replace(/"version": "([0-9a-f]+)"/, '"version": "0000000000000001"');
      assert.notEqual(next, original);
      await writeFile(path, next);
      await page.reload(); // the browser sees the changed precache.js and installs the worker anew
      assert.equal(await waitForDataState(page, ['ready', 'error'], 30_000), 'ready');
      // Until the new copy is complete only the old one is used; then the old one goes.
      const expected = JSON.parse(next.slice(next.indexOf('{'), next.lastIndexOf('}') + 1)).files.length;
      let caches = [];
      for (const start = Date.now(); Date.now() - start < 60_000; await page.waitForTimeout(250)) {
        caches = await cacheContents(page);
        if (caches.length === 1 && caches[0][0] === 'mnist-playground-0000000000000001') break;
        for (const [name, files] of caches) {
          if (name !== 'mnist-playground-0000000000000001') assert.equal(files, expected, `the old copy stays whole meanwhile: ${JSON.stringify(caches)}`);
        }
      }
      assert.deepEqual(caches, [['mnist-playground-0000000000000001', expected]]);
      assert.deepEqual(pageErrors, []);
    } finally {
      await writeFile(path, original);
      await context.close();
    }
  });
});
