// Offline use: once MNIST has loaded, registers the service worker (sw.js at the site root, which
// keeps a copy of the page, its engine and MNIST) and says in the status card whether the page is
// saved for offline use. Registering after the data keeps the copy's ~14 MB of downloads out of
// the way of the first load (they mostly come from the HTTP cache then).
//
// States of the note (`data-state`): "saving" while the copy is made, "saved" when the service
// worker holds every file of its version, "failed" with the browser's reason. Where the browser
// has no service workers (or the page is not a secure context, e.g. plain http on a LAN address)
// the note stays hidden: the page works as before, online.
//
// Non-goals: update prompts (online the page always loads the newest files; see sw.js).

const STATUS_TIMEOUT_MS = 10_000;

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
    worker.postMessage({ type: 'offline-status' }, [channel.port2]);
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
  show('saving', 'Saving this page and MNIST in this browser for offline use…');
  let registration;
  try {
    registration = await serviceWorker.register(new URL('../sw.js', import.meta.url));
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
  // The first install fetches every file; it fails as a whole (no space left, a file missing).
  const installing = registration.installing;
  if (installing && !registration.active) {
    const ended = await new Promise((resolve) => {
      const check = () => {
        if (installing.state === 'activated' || installing.state === 'redundant') resolve(installing.state);
      };
      installing.addEventListener('statechange', check);
      check();
    });
    if (ended === 'redundant') {
      return show('failed', 'Not saved for offline use: the browser could not store the copy (is storage full, or is this a private window?). The page works online as before.');
    }
  }
  try {
    const active = (await serviceWorker.ready).active;
    const { files, expected, version } = await askStatus(active);
    note.dataset.version = version;
    if (files < expected) return show('failed', `Not saved for offline use: the copy holds ${files} of ${expected} files. Reload the page online to try again.`);
    return show('saved', 'Saved for offline use: this page, its engine and MNIST open and train without a network.');
  } catch (err) {
    return show('failed', `Not saved for offline use: ${err?.message ?? err}. The page works online as before.`);
  }
}
