// The message names of www/protocol.js, in Node: each set names every message once, and the
// service worker (sw.js, a classic script that cannot import protocol.js) answers the page's
// `offline-status` under the names protocol.js declares. sw.js runs here in a vm context with
// stand-ins for the service worker's globals; the real one in Chromium: tests/e2e/page/offline.test.mjs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import * as protocol from '../../www/protocol.js';

const { ToWorker, FromWorker, ToShard, FromShard, ToServiceWorker, FromServiceWorker, ToUmap, FromUmap, ToPictures, FromPictures, RunState } = protocol;

test('each set of message names is frozen and names every message once', () => {
  for (const [name, set] of Object.entries({ ToWorker, FromWorker, ToShard, FromShard, ToServiceWorker, FromServiceWorker, ToUmap, FromUmap, ToPictures, FromPictures, RunState })) {
    assert.ok(Object.isFrozen(set), `${name} is frozen`);
    const values = Object.values(set);
    assert.equal(new Set(values).size, values.length, `${name} has no value twice`);
    for (const v of values) assert.match(v, /^[a-z]+(-[a-z]+)*$/, `${name}: ${v}`);
  }
});

/** Loads sw.js with stand-ins; returns its `message` listener and what it saved. */
function loadServiceWorker({ files, expected }) {
  const listeners = {};
  const self = {
    PRECACHE: null,
    addEventListener: (type, f) => (listeners[type] = f),
  };
  const cache = { keys: async () => files, addAll: async () => {} };
  const context = vm.createContext({
    self,
    caches: { open: async () => cache },
    importScripts: () => (self.PRECACHE = { version: 'v1', files: expected }),
    URL,
    Request: class {},
  });
  vm.runInContext(readFileSync(new URL('../../sw.js', import.meta.url), 'utf8'), context);
  return listeners.message;
}

/** Sends `data` to the service worker's `message` listener; resolves to its reply (or null). */
async function ask(onMessage, data) {
  let reply = null;
  let work = Promise.resolve();
  onMessage({ data, ports: [{ postMessage: (m) => (reply = m) }], waitUntil: (p) => (work = p) });
  await work;
  return reply;
}

test('the service worker answers ToServiceWorker.OFFLINE_STATUS with FromServiceWorker.OFFLINE_STATUS', async () => {
  const onMessage = loadServiceWorker({ files: ['a', 'b'], expected: ['a', 'b'] });
  const reply = await ask(onMessage, { type: ToServiceWorker.OFFLINE_STATUS });
  assert.equal(reply?.type, FromServiceWorker.OFFLINE_STATUS);
  assert.deepEqual({ ...reply }, { type: FromServiceWorker.OFFLINE_STATUS, version: 'v1', files: 2, expected: 2, error: null });
  assert.equal(await ask(onMessage, { type: 'something-else' }), null, 'other messages get no answer');
});
