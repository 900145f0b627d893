// The page's service worker: keeps a copy of the page, its engine and MNIST so the page opens and
// trains offline once it has been opened online (www/offline.js registers it). It lives at the
// root because a service worker only controls pages at or below its own folder.
//
// Online, every request goes to the network as if this worker were not there (so a new version of
// the page is used at once and nothing is ever stale); only when the network fails does the answer
// come from the copy. The copy is all-or-nothing per version: installing fetches every file
// www/precache.js lists (scripts/precache.mjs writes it at build time, with a version over the
// files' bytes) into a cache named for that version; a build that changes any file changes
// precache.js, the browser then installs this worker anew, and the old copy is deleted once the new
// one is complete. Offline, the page therefore never mixes files of two versions.
//
// Messages: {type: 'offline-status'} → {type: 'offline-status', version, files} (the copy's
// version and how many files it holds), on the message's port.
//
// Non-goals: background sync, push, caching anything else (bench/, other origins).

importScripts('./www/precache.js');

const PREFIX = 'mnist-playground-';
const CACHE = PREFIX + self.PRECACHE.version;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `no-cache`: revalidate with the server, never take an older copy from the HTTP cache.
      await cache.addAll(self.PRECACHE.files.map((url) => new Request(url, { cache: 'no-cache' })));
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

/** The network's answer, or the copy's when the network fails (the page's URL for any navigation). */
async function networkElseCopy(request) {
  try {
    return await fetch(request);
  } catch (err) {
    const cache = await caches.open(CACHE);
    const navigation = request.mode === 'navigate';
    const copy = (await cache.match(request, { ignoreSearch: navigation })) ?? (navigation ? await cache.match('./') : undefined);
    if (copy) return copy;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(networkElseCopy(request));
});

self.addEventListener('message', (event) => {
  if (event.data?.type !== 'offline-status' || !event.ports[0]) return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const files = (await cache.keys()).length;
      event.ports[0].postMessage({ type: 'offline-status', version: self.PRECACHE.version, files, expected: self.PRECACHE.files.length });
    })(),
  );
});
