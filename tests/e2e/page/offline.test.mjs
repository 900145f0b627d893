// Offline use (sw.js, www/ui/offline.js, scripts/precache.mjs) in headless Chromium with service
// workers allowed: once the page has been opened online it says it is saved, and with the network
// cut it opens again — cross-origin isolated, MNIST loaded, the pretrained model answering — and
// trains on two cores, and Chromium can install it as an app. A new build (another www/precache.js) replaces the copy as a whole; a copy
// that cannot be made is reported. Those two run on a copy of the served files with its own server,
// so they can change www/precache.js.
//
// The other page tests block service workers (tests/e2e/harness.mjs openPage).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { acceptLeaving, CHROMIUM, CHROMIUM_FLAGS, offOriginRequests, openPage, ROOT, screenshot, T, useBrowser, waitForDataState } from '../harness.mjs';

const browser = useBrowser();

/** Waits until the offline note is final ("saved" or "failed"); returns {state, text, version}. */
async function offlineNote(page, timeout = 60_000) {
  await page.waitForSelector(`${T('offline-status')}[data-state="saved"], ${T('offline-status')}[data-state="failed"]`, { timeout });
  return page.$eval(T('offline-status'), (el) => ({ state: el.dataset.state, text: el.textContent, version: el.dataset.version, hidden: el.hidden }));
}

/**
 * A copy of what the page serves (index.html, sw.js, www/, data/) with its own server
 * (scripts/serve.mjs serves the folder it sits in); `close()` stops it and deletes the copy.
 */
async function servedCopy() {
  const dir = await mkdtemp(join(tmpdir(), 'mnist-offline-'));
  for (const f of ['index.html', 'sw.js', 'www', 'data', 'scripts/serve.mjs']) await cp(join(ROOT, f), join(dir, f), { recursive: true });
  const { startServer } = await import(join(dir, 'scripts/serve.mjs'));
  const server = await startServer({ port: 0, host: '127.0.0.1' });
  const precache = join(dir, 'www/precache.js');
  const text = await readFile(precache, 'utf8');
  return {
    base: `http://127.0.0.1:${server.address().port}/`,
    precache: text,
    /** How many files the build lists. */
    files: JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)).files.length,
    /** Write www/precache.js with `version` and the listed files plus `extra`. */
    async writePrecache(version, extra = []) {
      const m = JSON.parse(this.precache.slice(this.precache.indexOf('{'), this.precache.lastIndexOf('}') + 1));
      m.version = version;
      m.files.push(...extra);
      await writeFile(precache, `self.PRECACHE = ${JSON.stringify(m)};\n`);
      return m;
    },
    async close() {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
      await rm(dir, { recursive: true, force: true });
    },
  };
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
    const offlineNoteText = await offlineNote(page);
    assert.equal(offlineNoteText.state, 'saved');
    assert.match(offlineNoteText.text, /^You are offline: this page runs from the copy saved in this browser/);
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
    // Pages that are not in the copy fail offline as without it (not the playground at a wrong address).
    await assert.rejects(page.goto(new URL('data/README.md', page.url()).href), /ERR_INTERNET_DISCONNECTED|ERR_FAILED/);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
    await context.close();
  });

  test('installable as an app (manifest, icon, service worker): Chromium reports nothing missing', async () => {
    // Chromium never offers to install from an incognito-like context: use a profile on disk.
    const profile = await mkdtemp(join(tmpdir(), 'mnist-profile-'));
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, serviceWorkers: 'allow' });
    try {
      const page = await context.newPage();
      acceptLeaving(page);
      await page.goto(browser.session.baseUrl);
      assert.equal(await waitForDataState(page, ['ready', 'error'], 30_000), 'ready');
      assert.equal((await offlineNote(page)).state, 'saved');
      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      assert.deepEqual(installabilityErrors, []);
      const manifest = await cdp.send('Page.getAppManifest');
      assert.deepEqual(manifest.errors, []);
      const parsed = JSON.parse(manifest.data);
      assert.equal(parsed.name, 'MNIST Playground');
      assert.equal(new URL(parsed.start_url, manifest.url).href, browser.session.baseUrl, 'the app opens the playground');
      // The icon and the manifest are in the offline copy too.
      const cached = await page.evaluate(async () => (await Promise.all((await caches.keys()).map(async (n) => (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname)))).flat());
      for (const file of ['/www/app.webmanifest', '/www/icon.svg', '/www/icon-192.png', '/www/icon-512.png', '/www/apple-touch-icon.png']) {
        assert.ok(cached.includes(file), `${file} in the copy`);
      }
      // Every icon the manifest names is served as what it says it is.
      for (const icon of parsed.icons) {
        const response = await page.request.get(new URL(icon.src, manifest.url).href);
        assert.equal(response.status(), 200, icon.src);
        assert.equal(response.headers()['content-type'].split(';')[0], icon.type, icon.src);
      }
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  });

  test('a new build replaces the copy as a whole; the old one is deleted', async () => {
    const served = await servedCopy();
    const { page, context, pageErrors } = await openPage(browser.session, served.base, { serviceWorkers: 'allow' });
    try {
      assert.equal(await waitForDataState(page, ['ready', 'error'], 30_000), 'ready');
      const first = await offlineNote(page);
      assert.equal(first.state, 'saved', first.text);
      const expected = (await cacheContents(page))[0][1];
      // What scripts/build.sh writes after any file changed: the same list, a new version.
      await served.writePrecache('0000000000000001');
      await page.reload(); // the browser sees the changed precache.js and installs the worker anew
      assert.equal(await waitForDataState(page, ['ready', 'error'], 30_000), 'ready');
      // The note reports the new version once it is complete (not the old copy's "saved").
      await page.waitForSelector(`${T('offline-status')}[data-version="0000000000000001"]`, { timeout: 60_000 });
      assert.equal((await offlineNote(page)).state, 'saved');
      assert.deepEqual(await cacheContents(page), [['mnist-playground-0000000000000001', expected]]);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
      await served.close();
    }
  });

  test('a copy that cannot be made is reported; a failed update keeps the older copy and says so', async () => {
    const served = await servedCopy();
    const { page, context, pageErrors } = await openPage(browser.session, served.base, { serviceWorkers: 'allow' });
    try {
      // A file the server does not have: the install fails as a whole.
      await served.writePrecache('00000000000000f1', ['www/missing.js']);
      assert.equal(await waitForDataState(page, ['ready', 'error'], 30_000), 'ready');
      const failed = await offlineNote(page);
      assert.equal(failed.state, 'failed', failed.text);
      assert.match(failed.text, /^Not saved for offline use: the browser could not store the copy/);
      assert.match(failed.text, /The page works online as before\.$/);
      assert.equal(await page.getAttribute(T('train'), 'disabled'), null, 'the page itself works');

      // With the list fixed the next visit saves it; a later version that cannot be stored leaves it.
      await served.writePrecache('00000000000000f2');
      await page.reload();
      assert.equal((await offlineNote(page)).state, 'saved');
      await served.writePrecache('00000000000000f3', ['www/missing.js']);
      await page.reload();
      assert.equal(await waitForDataState(page, ['ready', 'error'], 30_000), 'ready');
      await page.waitForSelector(`${T('offline-status')}[data-state="outdated"]`, { timeout: 60_000 });
      assert.match(await page.textContent(T('offline-status')), /older version of this page: the newest could not be stored/);
      const caches = await cacheContents(page);
      assert.deepEqual(caches, [['mnist-playground-00000000000000f2', served.files]], 'the older copy, whole; nothing left of the failed one');
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
      await served.close();
    }
  });
});
