// Downloading the data files: the four gzip'd MNIST IDX files (streamed through the browser's
// DecompressionStream, with byte progress) and the pretrained default model, each from the
// network or, when the network refuses, from the page's offline copy (sw.js). A data file that
// unpacks to more than the engine's max_dataset_file_bytes is stopped as soon as it passes it.
//
// Does not: parse the bytes or hand them to the engine (www/engine/data.js does), or check that
// the folder is on this site (the caller does).

import { DATA_FILES, DEFAULT_MODEL_FILE } from '../protocol.js';
import { formatMB } from '../ui/format.js';

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
 * Gunzips `stream` (a ReadableStream of gzip bytes) with the browser's DecompressionStream, and
 * stops (cancelling the stream) as soon as the output passes `maxBytes`, so a small file that
 * unpacks to gigabytes (a "gzip bomb") never fills the memory.
 * @param {ReadableStream<Uint8Array>} stream
 * @param {number} maxBytes the engine's max_dataset_file_bytes
 * @param {string} name the file as the page shows it, for the messages
 * @returns {Promise<Uint8Array>} the uncompressed bytes
 */
export async function gunzipCapped(stream, maxBytes, name) {
  if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0)) throw new Error(`gunzipCapped: maxBytes must be a positive whole number, not ${maxBytes}`);
  const reader = stream.pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        reader.cancel().catch(() => {});
        throw new CapError(
          `${name} unpacks to more than ${formatMB(maxBytes)} MB, the most the engine reads from one data file: ` +
            'it is not an MNIST file; re-create data/ as described in data/README.md',
        );
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof CapError) throw err;
    // Browsers only say "Failed to fetch" or similar here; the cause is the gzip data.
    throw new Error(`${name} is not a valid gzip file (corrupt or incomplete); re-create data/ as described in data/README.md`);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/** The error of a file that unpacks to more than the cap (kept apart from gzip errors). */
class CapError extends Error {}

/**
 * Downloads one gzip'd file with byte progress and gunzips it (streamed: decompression runs while
 * bytes arrive), at most `maxBytes` uncompressed.
 * @param {URL} url
 * @param {(name: string, loaded: number, total: number, force: boolean) => void} onProgress
 *   `force` on the first and last call of a file
 * @param {number} maxBytes
 * @returns {Promise<Uint8Array>} the uncompressed bytes
 */
async function fetchGunzip(url, onProgress, maxBytes) {
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
  return gunzipCapped(response.body.pipeThrough(counter), maxBytes, name);
}

/**
 * The four MNIST files under `base`, all four downloading at once, each at most `maxBytes`
 * uncompressed (the engine's max_dataset_file_bytes).
 * @returns {Promise<{trainImages, trainLabels, testImages, testLabels}>} uncompressed IDX bytes
 */
export async function downloadMnist(base, onProgress, maxBytes) {
  const files = [DATA_FILES.train.images, DATA_FILES.train.labels, DATA_FILES.test.images, DATA_FILES.test.labels];
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    files.map((file) => fetchGunzip(new URL(file, base), onProgress, maxBytes)),
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
