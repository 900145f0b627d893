// The capped gunzip of the MNIST download (www/engine/download.js gunzipCapped), in Node with its
// DecompressionStream: real data files unpack whole under the engine's cap (max_dataset_file_bytes,
// read from its build); a file that unpacks past a cap stops as soon as it passes it, naming the
// file and what to do; bytes that are not gzip say so. The download in the page:
// tests/e2e/page/page.test.mjs and offline.test.mjs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { gunzipCapped } from '../../www/engine/download.js';
import { LIMITS } from './engine-default.mjs';

const NAME = 'data/train-images-idx3-ubyte.gz';

/**
 * `bytes` as a stream of `chunk`-byte pieces, one per macrotask (as a network delivers them);
 * `pulled()` counts the pieces read.
 */
function chunked(bytes, chunk) {
  let at = 0;
  let pieces = 0;
  const stream = new ReadableStream({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
      pieces += 1;
    },
  }, { highWaterMark: 0 });
  return { stream, pulled: () => pieces, pieces: Math.ceil(bytes.length / chunk) };
}

test('the real MNIST files unpack whole under the engine\'s cap', async () => {
  const cap = LIMITS.max_dataset_file_bytes;
  assert.ok(Number.isSafeInteger(cap) && cap > 0, `max_dataset_file_bytes: ${cap}`);
  for (const file of ['train-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
    const gz = readFileSync(new URL(`../../data/${file}`, import.meta.url));
    const expected = gunzipSync(gz);
    const bytes = await gunzipCapped(chunked(gz, 65536).stream, cap, `data/${file}`);
    assert.equal(bytes.length, expected.length);
    assert.ok(Buffer.from(bytes).equals(expected), `${file}: the bytes differ from zlib's`);
  }
});

test('a file of exactly the cap unpacks; one byte more is refused', async () => {
  const cap = 100_000;
  const exact = new Uint8Array(cap).map((_, i) => i % 251);
  assert.deepEqual(await gunzipCapped(chunked(gzipSync(exact), 1000).stream, cap, NAME), exact);
  const over = new Uint8Array(cap + 1);
  await assert.rejects(gunzipCapped(chunked(gzipSync(over), 1000).stream, cap, NAME), /unpacks to more than 0\.1 MB/);
});

test('a gzip bomb stops as soon as it passes the cap, naming the file and what to do', async () => {
  // 256 MB of zeros gzip to about 250 KB; with a 1 MB cap, only the first few KB are read.
  const bomb = gzipSync(new Uint8Array(256 * 1024 * 1024), { level: 9 });
  const source = chunked(bomb, 1024);
  await assert.rejects(gunzipCapped(source.stream, 1_000_000, NAME), (err) => {
    assert.match(err.message, /^data\/train-images-idx3-ubyte\.gz unpacks to more than 1\.0 MB, the most the engine reads from one data file/);
    assert.match(err.message, /re-create data\/ as described in data\/README\.md/);
    return true;
  });
  assert.ok(source.pulled() < source.pieces / 10, `read ${source.pulled()} of ${source.pieces} pieces before stopping`);
});

test('bytes that are not gzip say so', async () => {
  const notGzip = new TextEncoder().encode('<html>not found</html>');
  await assert.rejects(
    gunzipCapped(chunked(notGzip, 8).stream, 1_000_000, NAME),
    /^Error: data\/train-images-idx3-ubyte\.gz is not a valid gzip file \(corrupt or incomplete\); re-create data\//,
  );
});

test('a cap that is not a positive whole number is a programming error', async () => {
  for (const cap of [0, -1, 1.5, undefined, NaN]) {
    await assert.rejects(gunzipCapped(chunked(new Uint8Array(1), 1).stream, cap, NAME), /maxBytes must be a positive whole number/);
  }
});
