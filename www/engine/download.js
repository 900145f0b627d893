// Downloading the data files: the four gzip'd MNIST IDX files (streamed through the browser's
// DecompressionStream, with byte progress) and the pretrained default model, each from the
// network or, when the network refuses, from the page's offline copy (sw.js).
//
// Does not: parse the bytes or hand them to the engine (www/engine/data.js does), or check that
// the folder is on this site (the caller does).

import { DATA_FILES, DEFAULT_MODEL_FILE } from '../protocol.js';

/** A file name as the page should show it: its path on the server, e.g. `data/t10k-labels-idx1-ubyte.gz`. */
export const displayName = (url) => decodeURIComponent(url.pathname.replace(/^\//, ''));

/**
 * `fetch(url)`, or the page's offline copy of it (sw.js) when the network refuses. The service
 * worker lets the data files through untouched, and Firefox is reported to refuse a worker's fetch
 * while offline before a service worker sees it (Mozilla bug 2067202).
 */
async function fetchOrCopy(url) {
  try {
    return await fetch(url);
  } catch (err) {
    const copy = await globalThis.caches?.match(String(url)).catch(() => undefined);
    if (copy) return copy;
    throw err;
  }
}

/**
 * Downloads one gzip'd file with byte progress and gunzips it with the browser's
 * DecompressionStream (streamed: decompression runs while bytes arrive).
 * @param {URL} url
 * @param {(name: string, loaded: number, total: number, force: boolean) => void} onProgress
 *   `force` on the first and last call of a file
 * @returns {Promise<Uint8Array>} the uncompressed bytes
 */
async function fetchGunzip(url, onProgress) {
  const name = displayName(url);
  let response;
  try {
    response = await fetchOrCopy(url);
  } catch (err) {
    throw new Error(`could not download ${name}: ${err.message} (is the server still running?)`);
  }
  if (!response.ok) {
    const hint = response.status === 404 ? ' (is the data/ directory complete? see data/README.md)' : '';
    throw new Error(`could not download ${name}: HTTP ${response.status} ${response.statusText}${hint}`);
  }
  const total = Number(response.headers.get('Content-Length')) || 0;
  let loaded = 0;
  onProgress(name, loaded, total, true);
  const counter = new TransformStream({
    transform(chunk, controller) {
      loaded += chunk.byteLength;
      onProgress(name, loaded, total, false);
      controller.enqueue(chunk);
    },
    flush() {
      onProgress(name, loaded, total, true);
    },
  });
  const gunzipped = response.body.pipeThrough(counter).pipeThrough(new DecompressionStream('gzip'));
  try {
    return new Uint8Array(await new Response(gunzipped).arrayBuffer());
  } catch {
    // Browsers only say "Failed to fetch" or similar here; the cause is the gzip data.
    throw new Error(`${name} is not a valid gzip file (corrupt or incomplete); re-create data/ as described in data/README.md`);
  }
}

/**
 * The four MNIST files under `base`, all four downloading at once.
 * @returns {Promise<{trainImages, trainLabels, testImages, testLabels}>} uncompressed IDX bytes
 */
export async function downloadMnist(base, onProgress) {
  const files = [DATA_FILES.train.images, DATA_FILES.train.labels, DATA_FILES.test.images, DATA_FILES.test.labels];
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    files.map((file) => fetchGunzip(new URL(file, base), onProgress)),
  );
  return { trainImages, trainLabels, testImages, testLabels };
}

/**
 * The bytes of the default model under `base`, or null if the server does not have it (a missing
 * file is not an error: drawing says "no model yet").
 * @returns {Promise<{url: URL, bytes: Uint8Array} | null>}
 */
export async function downloadDefaultModel(base) {
  const url = new URL(DEFAULT_MODEL_FILE, base);
  try {
    const response = await fetchOrCopy(url);
    return response.ok ? { url, bytes: new Uint8Array(await response.arrayBuffer()) } : null;
  } catch {
    return null; // offline or refused
  }
}
