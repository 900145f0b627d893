// Offline use: once MNIST has loaded, registers the service worker (sw.js at the site root, which
// keeps a copy of the page, its engine and MNIST) and says in the status card whether the page is
// saved for offline use. Registering after the data keeps the copy's ~14 MB of downloads out of
// the way of the first load (they mostly come from the HTTP cache then).
//
// States of the note (`data-state`): "saving" while the copy is made (the note stays hidden until
// the outcome is known, so it changes the page's layout at most once), "saved" when the service
// worker holds every file of its version, "outdated" when a newer version could not be stored
// (offline the older copy opens), "failed" with the browser's reason. Where the browser
// has no service workers (or the page is not a secure context, e.g. plain http on a LAN address)
// the note stays hidden: the page works as before, online.
//
// Non-goals: update prompts (online the page always loads the newest files; see sw.js).

import { ToServiceWorker } from '../protocol.js';

/** How long to wait for the service worker's answer (it may first make an evicted copy again). */
const STATUS_TIMEOUT_MS = 120_000;

/** Ask the active service worker how complete its copy is: {version, files, expected}. */
function askStatus(worker) {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => {
      channel.port1.close();
      reject(new Error('the service worker did not answer'));
    }, STATUS_TIMEOUT_MS);
    channel.port1.onmessage = ({ data }) => {
      clearTimeout(timer);
      channel.port1.close();
      resolve(data);
    };
    worker.postMessage({ type: ToServiceWorker.OFFLINE_STATUS }, [channel.port2]);
  });
}

/**
 * Register the service worker and keep `note` (an element of the status card) up to date.
 * @param {HTMLElement} note
 * @param {{serviceWorker?: ServiceWorkerContainer, secure?: boolean}} [env]  (tests pass their own)
 * @returns {Promise<string>} the note's final state ("hidden" where offline use is not possible)
 */
export async function keepOffline(note, { serviceWorker = globalThis.navigator?.serviceWorker, secure = globalThis.isSecureContext } = {}) {
  const show = (state, text) => {
    note.dataset.state = state;
    note.textContent = text;
    note.hidden = false;
    return state;
  };
  if (!serviceWorker || !secure) return 'hidden';
  // Stays hidden until the outcome is known: a line that appears and goes again would move the
  // page under a finger drawing a digit further down (scroll anchoring shifts it).
  note.dataset.state = 'saving';
  let registration;
  try {
    // updateViaCache 'none': the update check reads sw.js and www/precache.js from the server,
    // never from the HTTP cache.
    registration = await serviceWorker.register(new URL('../../sw.js', import.meta.url), { updateViaCache: 'none' });
  } catch (err) {
    return show('failed', `Not saved for offline use: ${err?.message ?? err}. The page works online as before.`);
  }
  if (!registration) {
    // Not a registration (test browsers that block service workers answer undefined): as if unsupported.
    note.hidden = true;
    note.textContent = '';
    delete note.dataset.state;
    return 'hidden';
  }
  // Look for a new version now (the browser's own check on navigation may not have run yet), so an
  // install under way is seen here. It fails quietly offline: the copy in hand is what counts then.
  if (registration.active) await registration.update?.().catch(() => {});
  // An install under way (the first one, or a new version's) fetches every file and succeeds or
  // fails as a whole (no space left, a file missing): report its outcome, not the old copy's.
  const pending = registration.installing ?? registration.waiting;
  let updateFailed = false;
  if (pending) {
    const ended = await new Promise((resolve) => {
      const check = () => {
        if (pending.state === 'activated' || pending.state === 'redundant') resolve(pending.state);
      };
      pending.addEventListener('statechange', check);
      check();
    });
    if (ended === 'redundant') {
      if (!registration.active) {
        return show('failed', 'Not saved for offline use: the browser could not store the copy (is storage full, or is this a private window?). The page works online as before.');
      }
      updateFailed = true;
    }
  }
  try {
    const active = (await serviceWorker.ready).active;
    const { files, expected, version, error } = await askStatus(active);
    note.dataset.version = version;
    if (files < expected) {
      const why = error ? ` (${error})` : '';
      return show('failed', `Not saved for offline use: the copy holds ${files} of ${expected} files${why}. Reload the page online to try again.`);
    }
    if (updateFailed) {
      return show('outdated', 'Saved for offline use, but an older version of this page: the newest could not be stored (is storage full?). Online you always get the newest.');
    }
    const say = () => show('saved', globalThis.navigator?.onLine === false
      ? 'You are offline: this page runs from the copy saved in this browser (training and drawing work as online).'
      : 'Saved for offline use: this page, its engine and MNIST open and train without a network.');
    globalThis.addEventListener?.('online', say);
    globalThis.addEventListener?.('offline', say);
    return say();
  } catch (err) {
    return show('failed', `Not saved for offline use: ${err?.message ?? err}. The page works online as before.`);
  }
}
