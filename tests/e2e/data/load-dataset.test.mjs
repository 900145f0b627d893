// The engine worker's `load-dataset` command (www/engine/dataset.js), driven directly: a worker
// started by the test in the (cross-origin isolated) page, so the checks see exactly what the
// worker answers, without any panel in between.
//
// - a data set of other classes (the Fashion-MNIST example in data/fashion/) replaces MNIST, with
//   its names, and trains on one and on two cores (the shard worker loads the same classes);
// - a bad file (labels that do not match, one class only) is refused with a message naming the
//   file, and the previous data set stays: same counts and names, and it still trains;
// - a held-out share splits every class;
// - MNIST from a folder without it fails, and the data set loaded before still trains.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, useBrowser } from '../harness.mjs';

const browser = useBrowser();

/** In the page: start an engine worker, load MNIST, and expose `send(message) → reply`. */
async function startWorker(page) {
  await page.evaluate(async () => {
    const worker = new Worker('www/engine/worker.js', { type: 'module' });
    const waiting = new Map();
    let next = 1;
    const events = [];
    worker.onmessage = ({ data }) => {
      events.push(data.type === 'data-ready' ? { ...data, samples: data.samples.length } : { type: data.type, state: data.state, reset: data.reset, message: data.message, test: data.test });
      const waiter = waiting.get(data.id);
      if (!waiter) return;
      if (data.type === 'error' || waiter.types.includes(data.type)) {
        waiting.delete(data.id);
        waiter.resolve(data.type === 'data-ready' ? { ...data, samples: data.samples.length } : data);
      }
    };
    globalThis.__events = events;
    globalThis.__send = (message, types, transfer = []) =>
      new Promise((resolve) => {
        const id = next++;
        waiting.set(id, { resolve, types });
        worker.postMessage({ ...message, id }, transfer);
      });
    const ready = await new Promise((resolve) => {
      const first = worker.onmessage;
      worker.onmessage = (event) => {
        if (event.data.type === 'ready') {
          worker.onmessage = first;
          resolve(event.data);
        }
      };
    });
    globalThis.__limits = ready.limits;
    globalThis.__defaultConfig = ready.defaultConfig;
  });
  const mnist = await page.evaluate(() => __send({ type: 'load-data', baseUrl: new URL('data/', location.href).href, samples: 4 }, ['data-ready']));
  assert.equal(mnist.type, 'data-ready', mnist.message);
  return mnist;
}

/** In the page: fetch data/fashion/* and return the `load-dataset` files (ArrayBuffers). */
const fashionFiles = () =>
  page_fetch(['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'names.txt']);
function page_fetch(names) {
  return `Promise.all(${JSON.stringify(names)}.map((n) => fetch('data/fashion/' + n).then((r) => r.arrayBuffer())))`;
}

/** Train one short epoch on 1,200 images and return its test accuracy, or the error. */
async function trainOneEpoch(page, classes, threads) {
  return page.evaluate(
    async ({ classes, threads }) => {
      const config = { ...__defaultConfig, hidden: [32], epochs: 1, batch_size: 64, threads, validation_size: 500, train_subset: 1200 };
      if (classes) config.classes = classes;
      const from = __events.length;
      const started = __send({ type: 'start', config }, []);
      for (;;) {
        const reply = await Promise.race([started, new Promise((r) => setTimeout(() => r(null), 100))]);
        if (reply?.type === 'error') return { error: reply.message };
        const fresh = __events.slice(from);
        const error = fresh.find((e) => e.type === 'error');
        if (error) return { error: error.message };
        const epoch = fresh.find((e) => e.type === 'epoch');
        if (epoch) return { accuracy: epoch.test?.accuracy };
      }
    },
    { classes, threads },
  );
}

test('a data set of other classes replaces MNIST, trains on one and two cores; bad files change nothing', { timeout: 180_000 }, async () => {
  const { page, pageErrors } = await openPage(browser.session);
  const mnist = await startWorker(page);
  assert.deepEqual(mnist.dataset, { kind: 'mnist', name: 'MNIST' });
  assert.equal(mnist.train.names.length, 10);

  const fashion = await page.evaluate(async (fetchAll) => {
    const [ti, tl, si, sl, names] = await eval(fetchAll);
    const idx = (images, labels, which) => ({ format: 'idx', images, images_name: `${which}-images`, labels, labels_name: `${which}-labels`, names, names_name: 'names.txt' });
    return __send({ type: 'load-dataset', name: 'Fashion-MNIST', train: idx(ti, tl, 'train'), test: idx(si, sl, 't10k'), samples: 8 }, ['data-ready']);
  }, fashionFiles());
  assert.equal(fashion.type, 'data-ready', fashion.message);
  assert.deepEqual(fashion.dataset, { kind: 'custom', name: 'Fashion-MNIST' });
  assert.equal(fashion.train.count, 6000);
  assert.equal(fashion.test.count, 1000);
  assert.equal(fashion.train.names[1], 'Trouser');
  assert.deepEqual(fashion.test.names, fashion.train.names);
  assert.deepEqual(fashion.train.histogram, new Array(10).fill(600));
  assert.equal(fashion.samples, 8);
  const names = fashion.train.names;
  const events = await page.evaluate(() => __events.map((e) => `${e.type}${e.reset ? ':reset' : ''}`));
  assert.ok(events.includes('run-state:reset'), `the run on the old data ends: ${events.join(', ')}`);

  // MNIST's digits as the config's classes: refused, since the data's classes differ.
  const refused = await trainOneEpoch(page, undefined, 1);
  assert.match(refused.error ?? '', /classes/, JSON.stringify(refused));
  const one = await trainOneEpoch(page, names, 1);
  assert.equal(one.error, undefined, one.error);
  assert.ok(one.accuracy > 0.3, `one core: ${JSON.stringify(one)} (chance is 0.1)`);
  const isolated = await page.evaluate(() => crossOriginIsolated);
  console.log(`Fashion-MNIST, 1 epoch on 1,200 images: ${one.accuracy} on one core; cross-origin isolated: ${isolated}`);
  assert.ok(isolated, 'the test server sends COOP/COEP: the page can share memory');
  {
    const two = await trainOneEpoch(page, names, 2);
    assert.equal(two.error, undefined, two.error);
    assert.ok(two.accuracy > 0.3, `two cores: ${JSON.stringify(two)}`);
    console.log(`… and ${two.accuracy} on two cores`);
  }

  // Bad inputs: refused with the file's name; the Fashion set stays.
  const bad = await page.evaluate(async (fetchAll) => {
    const [ti, tlGz, , , names] = await eval(fetchAll);
    const tl = await new Response(new Blob([tlGz]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
    const shortLabels = tl.slice(0, tl.byteLength - 5);
    const oneClass = new Uint8Array(tl.slice(0));
    oneClass.fill(3, 8);
    const idx = (images, labels) => ({ format: 'idx', images, images_name: 'imgs.gz', labels, labels_name: 'labs.idx', names, names_name: 'names.txt' });
    const mismatch = await __send({ type: 'load-dataset', name: 'bad', train: idx(ti, shortLabels), test: null }, ['data-ready']);
    const single = await __send({ type: 'load-dataset', name: 'bad', train: idx(ti, oneClass.buffer), test: null }, ['data-ready']);
    const unknown = await __send({ type: 'load-dataset', name: 'bad', train: { format: 'zip' }, test: null }, ['data-ready']);
    return [mismatch, single, unknown].map((r) => ({ type: r.type, message: r.message }));
  }, fashionFiles());
  for (const reply of bad) assert.equal(reply.type, 'error', JSON.stringify(reply));
  assert.match(bad[0].message, /labs\.idx|imgs\.gz/, bad[0].message);
  assert.match(bad[1].message, /class/i, bad[1].message);
  assert.match(bad[2].message, /format/, bad[2].message);
  const after = await trainOneEpoch(page, names, 1);
  assert.equal(after.error, undefined, `the Fashion set still trains: ${after.error}`);

  // No test files: a share of every class is held out.
  const held = await page.evaluate(async (fetchAll) => {
    const [ti, tl, , , names] = await eval(fetchAll);
    return __send({ type: 'load-dataset', name: 'held out', train: { format: 'idx', images: ti, images_name: 'i', labels: tl, labels_name: 'l', names, names_name: 'n' }, test: null, test_share: 0.25, seed: 7 }, ['data-ready']);
  }, fashionFiles());
  assert.equal(held.type, 'data-ready', held.message);
  assert.deepEqual(held.test.histogram, new Array(10).fill(150));
  assert.deepEqual(held.train.histogram, new Array(10).fill(450));

  // Back to MNIST from a place without it fails: the data set loaded before stays and trains.
  const missing = await page.evaluate(() => __send({ type: 'load-data', baseUrl: new URL('data/no-such-folder/', location.href).href, samples: 2 }, ['data-ready']));
  assert.equal(missing.type, 'error', JSON.stringify(missing));
  const stays = await trainOneEpoch(page, held.train.names, 1);
  assert.equal(stays.error, undefined, `the held-out Fashion set still trains: ${stays.error}`);

  // Back to MNIST.
  const back = await page.evaluate(() => __send({ type: 'load-data', baseUrl: new URL('data/', location.href).href, samples: 2 }, ['data-ready']));
  assert.deepEqual(back.dataset, { kind: 'mnist', name: 'MNIST' });
  assert.equal(back.train.count, 60000);
  const digits = await trainOneEpoch(page, undefined, 1);
  assert.equal(digits.error, undefined, digits.error);
  assert.deepEqual(pageErrors, []);
});
