// The page's entry point: starts the engine worker and its MNIST download first, then loads the
// page's own scripts (www/app/main.js and its ~20 modules).
//
// The worker (wasm, data download, gunzip, parse) needs much longer than the page's module graph
// and depends on nothing in it, so it starts before the graph is even fetched. This file imports only the message names (www/protocol.js).
// It creates the worker exactly as www/app/main.js would (same URL and options), sends `load-data`
// with id 0 for the default data directory, keeps every event the worker fires until main.js
// takes it over, and leaves `globalThis.__engineBoot = {worker, buffered, loadId, baseUrl,
// samples}` for main.js's startWorker() to adopt (once).
//
// Non-goals: anything about the page itself. With `?data=` or `?debug=` (see www/app/main.js) it
// starts nothing and main.js does everything as it always did.

import { ToWorker } from './protocol.js';

/** How many test images the worker sends back to show (www/app/main.js checks it asked for as many). */
const SAMPLE_COUNT = 60;

function startEngine() {
  const params = new URLSearchParams(location.search);
  if (params.has('data') || params.has('debug') || typeof Worker !== 'function') return;
  let worker;
  try {
    worker = new Worker(new URL('./engine/worker.js', import.meta.url), { type: 'module', name: 'engine' });
  } catch {
    return; // main.js tries again and reports what went wrong
  }
  /** The worker's events (message, error, messageerror), in order, until main.js replaces these handlers. */
  const buffered = [];
  worker.onmessage = (event) => buffered.push(event);
  worker.onerror = (event) => {
    event.preventDefault(); // main.js reports it (a module worker that failed to load)
    buffered.push(event);
  };
  worker.onmessageerror = (event) => buffered.push(event);
  const baseUrl = new URL('data/', document.baseURI).href;
  const loadId = 0; // www/app/engine-client.js's ids start at 1
  worker.postMessage({ type: ToWorker.LOAD_DATA, id: loadId, baseUrl, samples: SAMPLE_COUNT });
  globalThis.__engineBoot = { worker, buffered, loadId, baseUrl, samples: SAMPLE_COUNT };
}

/**
 * Resolves once the document is parsed and its style sheets are in (main.js reads CSS colours and
 * sizes), as for an ordinary module script; a sheet that never arrives holds it up 3 s at most.
 */
async function documentReady() {
  if (document.readyState === 'loading') {
    await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }));
  }
  const pending = [...document.querySelectorAll('link[rel="stylesheet"]')].filter((link) => !link.sheet);
  const patience = new Promise((resolve) => setTimeout(resolve, 3000));
  const sheets = Promise.all(
    pending.map(
      (link) =>
        new Promise((resolve) => {
          link.addEventListener('load', resolve, { once: true });
          link.addEventListener('error', resolve, { once: true });
        }),
    ),
  );
  await Promise.race([sheets, patience]);
}

startEngine();
await documentReady();
await import('./app/main.js');
