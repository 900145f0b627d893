// The page's service worker: keeps a copy of the page, its engine and MNIST so the page opens and
// trains offline once it has been opened online (www/ui/offline.js registers it). It lives at the
// root because a service worker only controls pages at or below its own folder.
//
// Online, every request goes to the network as if this worker were not there (so a new version of
// the page is used at once and nothing is ever stale); only when the network fails does the answer
// come from the copy. The copy is all-or-nothing per version: installing fetches every file
// www/precache.js lists (scripts/precache.mjs writes it at build time, with a version over the
// files' bytes) into a cache named for that version; a build that changes any file changes
// precache.js, the browser then installs this worker anew, and the old copy is deleted once the new
// one is complete. A page opened offline therefore gets every file from one copy. (A tab left open
// across an update that then loses the network gets the files it has not loaded yet, such as the
// second core's worker, from the newer copy.)
//
// Messages: ToServiceWorker / FromServiceWorker in www/protocol.js (the copy's version and how many
// of its files it holds; an incomplete copy is made again first).
//
// Non-goals: background sync, push, caching anything else (bench/, other origins).

importScripts('./www/precache.js');

// This classic script cannot import www/protocol.js (an ES module); these restate its
// ToServiceWorker and FromServiceWorker, and tests/js/protocol-unit.test.mjs checks they agree.
const ToServiceWorker = Object.freeze({ OFFLINE_STATUS: 'offline-status' });
const FromServiceWorker = Object.freeze({ OFFLINE_STATUS: 'offline-status' });

const PREFIX = 'mnist-playground-';
const CACHE = PREFIX + self.PRECACHE.version;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      try {
        await saveAll(await caches.open(CACHE));
      } catch (err) {
        await caches.delete(CACHE); // nothing half-made stays behind; the install fails
        throw err;
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

/** The page's own addresses (the scope, or index.html in it): navigations to them get the copy of "./". */
function isThePage(url) {
  const scope = new URL(self.registration.scope);
  const { pathname } = new URL(url);
  return pathname === scope.pathname || pathname === `${scope.pathname}index.html`;
}

/**
 * The network's answer, or the copy's when the network fails. Navigations to the page itself find
 * its copy whatever the query (?storage=…, ?debug=…); other pages (data/README.md, bench/) are not
 * in the copy and fail as they would without this worker.
 */
async function networkElseCopy(request) {
  try {
    return await fetch(request);
  } catch (err) {
    const cache = await caches.open(CACHE);
    const page = request.mode === 'navigate' && isThePage(request.url);
    const copy = page ? await cache.match('./') : await cache.match(request);
    if (copy) return copy;
    throw err;
  }
}

/** Fetch every listed file into the cache (all or nothing). */
function saveAll(cache) {
  // `no-cache`: revalidate with the server, never take an older copy from the HTTP cache.
  return cache.addAll(self.PRECACHE.files.map((url) => new Request(url, { cache: 'no-cache' })));
}

/**
 * The data files (11 MB of MNIST, the pretrained model) go to the network untouched, not streamed
 * through this worker. Offline, the engine worker, which fetches them, reads the copy itself
 * (www/engine/download.js fetchOrCopy), which also covers Firefox, reported to refuse a worker's fetch while
 * offline before a service worker sees it (Mozilla bug 2067202).
 */
const DIRECT = /\/data\/[^/]+\.(gz|bin)$/;

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || DIRECT.test(url.pathname)) return;
  event.respondWith(networkElseCopy(request));
});

self.addEventListener('message', (event) => {
  if (event.data?.type !== ToServiceWorker.OFFLINE_STATUS || !event.ports[0]) return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const expected = self.PRECACHE.files.length;
      let files = (await cache.keys()).length;
      let error = null;
      if (files < expected) {
        // The browser evicted the copy (or someone cleared it): make it again while online.
        try {
          await saveAll(cache);
        } catch (err) {
          error = String(err?.message ?? err);
        }
        files = (await cache.keys()).length;
      }
      event.ports[0].postMessage({ type: FromServiceWorker.OFFLINE_STATUS, version: self.PRECACHE.version, files, expected, error });
    })(),
  );
});
