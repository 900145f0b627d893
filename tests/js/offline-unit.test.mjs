// The offline note of the status card (www/ui/offline.js keepOffline) and the service worker's file
// list (scripts/precache.mjs), in Node with stand-ins for the browser's service worker objects.
// The real service worker in Chromium: tests/e2e/page/offline.test.mjs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepOffline } from '../../www/ui/offline.js';
import { manifest, precacheFiles, render } from '../../scripts/precache.mjs';

const note = () => ({ hidden: true, textContent: '', dataset: {} });

/** An active service worker that answers `offline-status` with `files` of `expected`. */
function activeWorker(files, expected, error = null) {
  return {
    state: 'activated',
    postMessage(message, [port]) {
      assert.equal(message.type, 'offline-status');
      port.postMessage({ type: 'offline-status', version: 'v1', files, expected, error });
    },
  };
}

/** A service worker being installed; `end(state)` finishes it ("activated" or "redundant"). */
function installingWorker() {
  const listeners = [];
  const worker = { state: 'installing', addEventListener: (type, f) => listeners.push(f) };
  worker.end = (state) => {
    worker.state = state;
    listeners.forEach((f) => f());
  };
  return worker;
}

/** A ServiceWorkerContainer whose register() gives `registration` (or throws `error`). */
function container({ registration, error, active }) {
  return {
    scripts: [],
    async register(url) {
      this.scripts.push(String(url));
      if (error) throw error;
      return registration;
    },
    ready: Promise.resolve({ active }),
  };
}

test('without service workers or outside a secure context the note stays hidden', async () => {
  const n = note();
  assert.equal(await keepOffline(n, { serviceWorker: undefined, secure: true }), 'hidden');
  assert.equal(n.hidden, true);
  const sw = container({ registration: {}, active: activeWorker(3, 3) });
  assert.equal(await keepOffline(n, { serviceWorker: sw, secure: false }), 'hidden');
  assert.deepEqual(sw.scripts, [], 'nothing registered on plain http');
});

test('registers sw.js at the site root and says "saved" when the copy is complete', async () => {
  const n = note();
  const active = activeWorker(39, 39);
  const sw = container({ registration: { active, installing: null }, active });
  assert.equal(await keepOffline(n, { serviceWorker: sw, secure: true }), 'saved');
  assert.equal(sw.scripts.length, 1);
  // The project root's sw.js (a service worker controls only pages at or below its folder).
  assert.equal(sw.scripts[0], new URL('../../sw.js', import.meta.url).href);
  assert.equal(n.hidden, false);
  assert.equal(n.dataset.state, 'saved');
  assert.match(n.textContent, /^Saved for offline use/);
});

test('a first install that the browser gives up says the copy could not be stored', async () => {
  const n = note();
  const installing = installingWorker();
  const sw = container({ registration: { active: null, installing }, active: null });
  const result = keepOffline(n, { serviceWorker: sw, secure: true });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(n.dataset.state, 'saving', 'while the files are fetched');
  assert.equal(n.hidden, true, 'nothing shown until the outcome is known (no line that comes and goes)');
  installing.end('redundant');
  assert.equal(await result, 'failed');
  assert.match(n.textContent, /could not store the copy/);
  assert.match(n.textContent, /works online as before/);
});

test('a new version being installed over an older copy: its outcome is what the note says', async () => {
  // Stored: the note waits for the new version and reports it.
  const stored = note();
  const newer = installingWorker();
  const result = keepOffline(stored, { serviceWorker: container({ registration: { active: activeWorker(39, 39), installing: newer }, active: activeWorker(40, 40) }), secure: true });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(stored.dataset.state, 'saving', 'not "saved" on the strength of the older copy');
  newer.end('activated');
  assert.equal(await result, 'saved');

  // Not stored (no room for both copies): the older copy still opens offline, and the note says so.
  const refused = note();
  const failing = installingWorker();
  const old = activeWorker(39, 39);
  const pending = keepOffline(refused, { serviceWorker: container({ registration: { active: old, installing: failing }, active: old }), secure: true });
  failing.end('redundant');
  assert.equal(await pending, 'outdated');
  assert.match(refused.textContent, /older version of this page: the newest could not be stored/);
});

test('an incomplete copy, a refused registration and a test browser\'s blocked one', async () => {
  const incomplete = note();
  const active = activeWorker(12, 39);
  assert.equal(await keepOffline(incomplete, { serviceWorker: container({ registration: { active }, active }), secure: true }), 'failed');
  assert.match(incomplete.textContent, /holds 12 of 39 files.*Reload the page online/);
  const refilling = note(); // the service worker tried to make the copy again and says why it could not
  const why = activeWorker(12, 39, 'QuotaExceededError');
  assert.equal(await keepOffline(refilling, { serviceWorker: container({ registration: { active: why }, active: why }), secure: true }), 'failed');
  assert.match(refilling.textContent, /holds 12 of 39 files \(QuotaExceededError\)/);

  const refused = note();
  const error = new Error('The operation is insecure.');
  assert.equal(await keepOffline(refused, { serviceWorker: container({ error }), secure: true }), 'failed');
  assert.match(refused.textContent, /^Not saved for offline use: The operation is insecure\./);

  const blocked = note(); // Playwright's serviceWorkers: 'block' resolves register() to undefined
  assert.equal(await keepOffline(blocked, { serviceWorker: container({ registration: undefined }), secure: true }), 'hidden');
  assert.equal(blocked.hidden, true);
  assert.equal(blocked.dataset.state, undefined);
});

test('the file list: the page first, www/ scripts, styles, wasm, icon and manifest, data/; not bench/ or the list itself', () => {
  const root = mkdtempSync(join(tmpdir(), 'precache-'));
  try {
    const put = (path, bytes = path) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), bytes);
    };
    for (const f of ['index.html', 'www/main.js', 'www/style.css', 'www/pkg/m_bg.wasm', 'www/pkg/m.js', 'www/precache.js', 'www/icon.svg', 'www/icon-192.png', 'www/app.webmanifest',
      'www/vendor/uPlot.LICENSE', 'www/.hidden.js', 'data/train.gz', 'data/model.bin', 'data/README.md', 'bench/bench.js', 'sw.js']) put(f);
    const files = precacheFiles(root);
    assert.deepEqual(files, ['index.html', 'www/app.webmanifest', 'www/icon-192.png', 'www/icon.svg', 'www/main.js', 'www/pkg/m.js', 'www/pkg/m_bg.wasm', 'www/style.css', 'data/model.bin', 'data/train.gz']);
    const m = manifest(root, files);
    assert.equal(m.files[0], './', 'index.html is cached as the page\'s own URL');
    assert.match(m.version, /^[0-9a-f]{16}$/);
    assert.equal(manifest(root).version, m.version, 'the same bytes give the same version');
    put('data/train.gz', 'other bytes');
    assert.notEqual(manifest(root).version, m.version, 'any changed byte gives a new version');
    const text = render(m);
    const self = {};
    new Function('self', text)(self); // what importScripts does in sw.js
    assert.deepEqual(self.PRECACHE, m);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
