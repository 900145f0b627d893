// Page tests of the way out to Keras and TensorBoard and the way back from TF.js (issue 18), in
// headless Chromium on the served page, with two short runs (2,000 images, 2 epochs of 16 steps):
// - "Download for TensorBoard" gives one zip with a folder per ticked run, each holding
//   events.out.tfevents.* files; the test reads the zip's directory (and each entry's CRC-32),
//   checks every record's TFRecord framing (lengths, masked CRC-32C) and decodes the Event
//   protocol buffers: every tag with the steps of the run and the values the page recorded; a
//   stored record of before histograms were kept still loads and exports its scalars only, and
//   the page says so;
// - "Keras" on a run downloads train_<name>.py, holding the run's settings, and <name>.weights.npz
//   (numpy arrays of the run's layer shapes); the form's settings export as train_settings.py;
// - a TF.js model exported by the page loads back through "Load a TF.js model…" (several files
//   at once), is evaluated, and answers a drawing; an unsupported model (a Conv2D layer in
//   model.json) dropped on the panel is refused with a message naming Conv2D, and the model that
//   answered before still answers.
// The checkers below are independent of the engine's encoders (src/io/tensorboard/): CRC-32C
// from its definition (Castagnoli polynomial, reflected), protobuf wire format by hand.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { acceptLeaving, downloads as downloadsOf, startBrowser, waitForDataState } from '../harness.mjs';
import { CANVAS, loadStrokes, drawWithMouse, waitForReadout } from '../draw/draw-helpers.mjs';

const T = (id) => `[data-testid="${id}"]`;
const SMALL = 'train_subset=2000&validation_size=1000&epochs=2&seed=5';
const STEPS = 32; // 2 epochs × ⌈2000 / 128⌉

// --- Independent readers: zip directory, TFRecord framing, Event protos ---------------------------

/** The stored entries of a zip, from its central directory: [{name, data}] (CRC-32 checked). */
function readZip(buf) {
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, 'zip: no end-of-central-directory record');
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, 'zip: central directory entry');
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    assert.equal(method, 0, `${name}: stored`);
    assert.equal(buf.readUInt32LE(local), 0x04034b50, `${name}: local header`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    assert.equal(crc32(data), crc, `${name}: CRC-32`);
    entries.push({ name, data });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

const CRC32C_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32c(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC32C_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
const masked = (crc) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** The records of a TFRecord file, each framing checked. */
function tfRecords(buf) {
  const records = [];
  let at = 0;
  while (at < buf.length) {
    const header = buf.subarray(at, at + 8);
    assert.equal(buf.readUInt32LE(at + 8), masked(crc32c(header)), `record ${records.length}: length CRC`);
    const length = Number(buf.readBigUInt64LE(at));
    const data = buf.subarray(at + 12, at + 12 + length);
    assert.equal(data.length, length, `record ${records.length}: truncated`);
    assert.equal(buf.readUInt32LE(at + 12 + length), masked(crc32c(data)), `record ${records.length}: data CRC`);
    records.push(data);
    at += 16 + length;
  }
  return records;
}

/** Protobuf fields of `buf`: [{field, wire, value}] (value: BigInt varint, Buffer, or Buffer of 4/8 bytes). */
function fields(buf) {
  const out = [];
  let at = 0;
  const varint = () => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[at++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (at < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    let value;
    if (wire === 0) value = varint();
    else if (wire === 1) value = buf.subarray(at, (at += 8));
    else if (wire === 5) value = buf.subarray(at, (at += 4));
    else if (wire === 2) {
      const n = Number(varint());
      value = buf.subarray(at, (at += n));
    } else throw new Error(`wire type ${wire}`);
    out.push({ field, wire, value });
  }
  return out;
}

/** event.proto: wall_time 1 (double), step 2, file_version 3, summary 5 {value 1 {tag 1, simple_value 2 (float), histo 5}}. */
function decodeEvent(buf) {
  const event = { step: 0, wallTime: 0, fileVersion: null, values: [] };
  for (const f of fields(buf)) {
    if (f.field === 1) event.wallTime = f.value.readDoubleLE(0);
    else if (f.field === 2) event.step = Number(BigInt.asIntN(64, f.value));
    else if (f.field === 3) event.fileVersion = f.value.toString('utf8');
    else if (f.field === 5) {
      for (const v of fields(f.value).filter((x) => x.field === 1)) {
        const value = { tag: null, simple: null, histo: null };
        for (const g of fields(v.value)) {
          if (g.field === 1) value.tag = g.value.toString('utf8');
          else if (g.field === 2) value.simple = g.value.readFloatLE(0);
          else if (g.field === 5) {
            const h = { bucket: [], bucketLimit: [] };
            for (const k of fields(g.value)) {
              const doubles = (b) => Array.from({ length: b.length / 8 }, (_, i) => b.readDoubleLE(8 * i));
              if (k.field === 1) h.min = k.value.readDoubleLE(0);
              else if (k.field === 2) h.max = k.value.readDoubleLE(0);
              else if (k.field === 3) h.num = k.value.readDoubleLE(0);
              else if (k.field === 6) h.bucketLimit.push(...(k.wire === 2 ? doubles(k.value) : [k.value.readDoubleLE(0)]));
              else if (k.field === 7) h.bucket.push(...(k.wire === 2 ? doubles(k.value) : [k.value.readDoubleLE(0)]));
            }
            value.histo = h;
          }
        }
        event.values.push(value);
      }
    }
  }
  return event;
}

/** An event file as `Map(tag → [{step, simple, histo}])`, after checking its first event. */
function readEventFile(buf) {
  const events = tfRecords(buf).map(decodeEvent);
  assert.equal(events[0]?.fileVersion, 'brain.Event:2', 'the first event is the file version');
  const tags = new Map();
  for (const e of events.slice(1)) {
    for (const v of e.values) {
      if (!tags.has(v.tag)) tags.set(v.tag, []);
      tags.get(v.tag).push({ step: e.step, simple: v.simple, histo: v.histo });
    }
  }
  return tags;
}

// --- The page ---------------------------------------------------------------------------------------

let session;
let context;
let page;
const pageErrors = [];

before(async () => {
  session = await startBrowser();
  context = await session.browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true, serviceWorkers: 'block' });
  page = await context.newPage();
  acceptLeaving(page);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});
after(async () => {
  await session?.close();
});

async function open(hash) {
  await page.goto('about:blank');
  await page.goto(new URL(`#${hash}`, session.baseUrl).href);
  assert.equal(await waitForDataState(page, ['ready', 'error'], 20_000), 'ready');
  await page.waitForSelector(`${T('train')}:not([disabled])`, { timeout: 10_000 });
  await page.waitForSelector(T('runs-table'), { state: 'attached' });
}

async function train() {
  const before = await page.locator(`${T('runs-table')} tbody tr[data-state="finished"]`).count();
  await page.click(T('train'));
  await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 30_000 });
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="runs-table"] tbody tr[data-state="finished"][data-model-epoch="2"]').length > n, before);
}

/** Runs `action` and resolves with the `count` files it downloads, by suggested name. */
const downloads = (action, count = 1) => downloadsOf(page, action, count);

/** The stored run records (IndexedDB), by name. */
const storedRuns = () =>
  page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('mnist-playground');
        open.onsuccess = () => {
          const get = open.result.transaction('runs').objectStore('runs').getAll();
          get.onsuccess = () => {
            open.result.close();
            resolve(get.result.map((r) => ({ ...r, batches: r.batches && { loss: Array.from(r.batches.loss), accuracy: Array.from(r.batches.accuracy), learning_rate: Array.from(r.batches.learning_rate), cut: r.batches.cut } })));
          };
          get.onerror = () => reject(get.error);
        };
        open.onerror = () => reject(open.error);
      }),
  );

const f32 = (x) => Math.fround(x);

describe('Keras, TensorBoard and TF.js on the page', () => {
  test('two runs download for TensorBoard: a folder each, every tag at its steps with the recorded values', { timeout: 90_000 }, async () => {
    // The checker itself, on the standard check value of CRC-32C (RFC 3720, B.4: "123456789").
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    await open(`${SMALL}&learning_rate=0.01`);
    await train();
    await page.fill(T('learning-rate'), '0.003');
    await page.waitForTimeout(100);
    await train();
    // New runs are ticked; both go into one zip.
    const files = await downloads(() => page.click(T('export-tensorboard')));
    const zip = files['mnist-tensorboard.zip'];
    assert.ok(zip, `downloaded ${Object.keys(files)}`);
    assert.match(await page.textContent(T('runs-status')), /Downloaded mnist-tensorboard\.zip .*2 runs, a folder each/);
    const entries = readZip(zip);
    const names = entries.map((e) => e.name).sort();
    const folders = [...new Set(names.map((n) => n.split('/')[0]))];
    assert.deepEqual(folders, ['Run_1', 'Run_2']);
    for (const folder of folders) {
      for (const sub of ['train', 'validation', 'test']) {
        assert.ok(names.some((n) => new RegExp(`^${folder}/${sub}/events\\.out\\.tfevents\\.\\d+\\.mnist-playground$`).test(n)), `${folder}/${sub}: ${names}`);
      }
    }
    const runs = await storedRuns();
    for (const folder of folders) {
      const record = runs.find((r) => r.name === folder.replace('_', ' '));
      assert.equal(record.batches.loss.length, STEPS, 'every step is kept');
      assert.equal(record.batches.cut, null);
      const file = (sub) => readEventFile(entries.find((e) => e.name.startsWith(`${folder}/${sub}/`)).data);
      const train = file('train');
      assert.deepEqual([...train.keys()].sort(), [
        'batch_accuracy', 'batch_learning_rate', 'batch_loss', 'epoch_accuracy', 'epoch_learning_rate', 'epoch_loss',
        'layer_1/kernel', 'layer_1/kernel_gradient', 'layer_2/kernel', 'layer_2/kernel_gradient',
      ]);
      const steps = Array.from({ length: STEPS }, (_, i) => i + 1);
      assert.deepEqual(train.get('batch_loss').map((v) => v.step), steps);
      assert.deepEqual(train.get('batch_loss').map((v) => v.simple), record.batches.loss);
      assert.deepEqual(train.get('batch_accuracy').map((v) => v.simple), record.batches.accuracy);
      assert.deepEqual(train.get('batch_learning_rate').map((v) => v.simple), record.batches.learning_rate);
      assert.deepEqual(train.get('epoch_loss').map((v) => [v.step, v.simple]), record.epochs.map((e) => [e.epoch - 1, f32(e.train.loss)]));
      for (const tag of ['layer_1/kernel', 'layer_2/kernel_gradient']) {
        const h = train.get(tag);
        assert.deepEqual(h.map((v) => v.step), [0, 1], tag);
        for (const [i, v] of h.entries()) {
          assert.equal(v.histo.bucket.length, 30, `${tag}: 30 buckets`);
          assert.equal(v.histo.bucket.reduce((a, b) => a + b, 0), v.histo.num, `${tag}: counts add up`);
          const layer = Number(tag[6]);
          const stored = record.epochs[i].layers.find((l) => l.layer === layer)[tag.endsWith('gradient') ? 'gradients' : 'weights'];
          assert.deepEqual(v.histo.bucket, stored.bucket, `${tag}: the recorded histogram`);
        }
      }
      assert.equal(train.get('layer_1/kernel')[0].histo.num, 784 * 128);
      for (const sub of ['validation', 'test']) {
        const tags = file(sub);
        assert.deepEqual([...tags.keys()].sort(), ['epoch_accuracy', 'epoch_loss']);
        assert.deepEqual(tags.get('epoch_accuracy').map((v) => [v.step, v.simple]), record.epochs.map((e) => [e.epoch - 1, f32(e[sub].accuracy)]));
      }
    }
    assert.deepEqual(pageErrors, []);
  });

  test('a run stored before histograms were kept still loads and exports its scalars only, saying so', { timeout: 30_000 }, async () => {
    // The record as this page stored it before issue 18: no `batches`, no `layers`.
    await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open('mnist-playground');
          open.onsuccess = () => {
            const tx = open.result.transaction('runs', 'readwrite');
            const store = tx.objectStore('runs');
            const get = store.getAll();
            get.onsuccess = () => {
              const old = structuredClone(get.result.find((r) => r.name === 'Run 1'));
              delete old.batches;
              for (const e of old.epochs) delete e.layers;
              old.id = 'run-old-format';
              old.name = 'Old run';
              store.put(old);
            };
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
    );
    await open(SMALL);
    const row = `${T('runs-table')} tr[data-run-id="run-old-format"]`;
    await page.waitForSelector(row);
    // Only the old run ticked (each change redraws the table, so one box at a time).
    await page.evaluate(() => {
      const checked = () => document.querySelector('[data-testid="runs-table"] [data-testid="run-select"]:checked');
      for (let box = checked(); box; box = checked()) box.click();
      document.querySelector('tr[data-run-id="run-old-format"] [data-testid="run-select"]').click();
    });
    const zip = (await downloads(() => page.click(T('export-tensorboard'))))['mnist-tensorboard.zip'];
    assert.match(await page.textContent(T('runs-status')), /“Old run”: scalars only: no weight or gradient histograms/);
    const entries = readZip(zip);
    assert.deepEqual([...new Set(entries.map((e) => e.name.split('/')[0]))], ['Old_run']);
    const train = readEventFile(entries.find((e) => e.name.startsWith('Old_run/train/')).data);
    assert.deepEqual([...train.keys()].sort(), ['batch_accuracy', 'batch_learning_rate', 'batch_loss', 'epoch_accuracy', 'epoch_learning_rate', 'epoch_loss']);
    assert.equal(train.get('batch_loss').length, STEPS);
  });

  test('a run exports as a Keras script with its settings and its weights; the form\'s settings too', { timeout: 30_000 }, async () => {
    const run1 = (await storedRuns()).find((r) => r.name === 'Run 1');
    const row = `${T('runs-table')} tr[data-run-id="${run1.id}"]`;
    const seed = run1.config.seed;
    const files = await downloads(() => page.click(`${row} ${T('run-keras')}`), 2);
    assert.deepEqual(Object.keys(files).sort(), ['Run_1.weights.npz', 'train_Run_1.py']);
    const script = files['train_Run_1.py'].toString();
    assert.match(script, /^LEARNING_RATE = 0\.01\b/m);
    assert.match(script, /^BATCH_SIZE, EPOCHS = 128, 2$/m);
    assert.match(script, /^VALIDATION_SIZE, TRAIN_SUBSET = 1000, 2000$/m);
    assert.match(script, new RegExp(`^SEED = ${seed}$`, 'm'));
    assert.match(await page.textContent(T('runs-status')), /Downloaded train_Run_1\.py and Run_1\.weights\.npz.*--weights Run_1\.weights\.npz/);
    // The .npz: arr_0 … arr_3, kernel [784, 128], bias [128], kernel [128, 10], bias [10], float32.
    const arrays = readZip(files['Run_1.weights.npz']);
    assert.deepEqual(arrays.map((a) => a.name), ['arr_0.npy', 'arr_1.npy', 'arr_2.npy', 'arr_3.npy']);
    const shapes = arrays.map((a) => a.data.toString('latin1', 10, 10 + a.data.readUInt16LE(8)).match(/'shape': \(([^)]*)\)/)[1]);
    assert.deepEqual(shapes, ['784, 128', '128,', '128, 10', '10,']);
    assert.ok(arrays.every((a) => a.data.toString('latin1').includes("'descr': '<f4'")));

    await page.fill(T('learning-rate'), '0.0005');
    await page.waitForTimeout(100);
    const form = await downloads(() => page.click(T('keras-settings')));
    assert.match(form['train_settings.py'].toString(), /^LEARNING_RATE = 0\.0005\b/m);
    assert.match(await page.textContent(T('model-status')), /Downloaded train_settings\.py/);
  });

  test('a TF.js model exported by the page loads back, is evaluated and answers a drawing; Conv2D is refused', { timeout: 60_000 }, async () => {
    await open(SMALL);
    await train(); // the run's model answers
    const tfjs = await downloads(() => page.click(T('model-export-tfjs')), 2);
    const runTest = Number(await page.$eval(`${T('runs-table')} tbody tr:last-child td[data-col="test"]`, (td) => td.dataset.value));

    await page.setInputFiles(T('tfjs-files'), [
      { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: tfjs['weights.bin'] },
      { name: 'model.json', mimeType: 'application/json', buffer: tfjs['model.json'] },
    ]);
    await page.waitForSelector(`${T('model-status')}[data-state="ok"][data-model="model.json"]`, { timeout: 20_000 });
    assert.match(await page.textContent(T('model-status')), /Loaded model\.json \(784-128-10, relu\): it answers in the drawing panel; test accuracy \d+\.\d\d%/);
    const accuracy = Number(await page.getAttribute(T('model-status'), 'data-accuracy'));
    assert.ok(Math.abs(accuracy - runTest) <= 0.0002, `the loaded model reads the test set as the run did: ${accuracy} vs ${runTest}`);

    const seven = await loadStrokes('seven');
    await page.locator(CANVAS).scrollIntoViewIfNeeded();
    await drawWithMouse(page, seven.strokes);
    const readout = await waitForReadout(page, seven.strokes.length);
    assert.equal(readout.model, 'model.json', 'the TF.js model answers the drawing');
    assert.equal(typeof readout.digit, 'number');
    assert.ok(Math.abs(readout.probs.reduce((a, b) => a + b, 0) - 1) < 1e-3);

    // A Conv2D layer, dropped on the panel: refused by name; model.json still answers.
    const json = JSON.parse(tfjs['model.json'].toString());
    const layers = json.modelTopology.model_config?.config?.layers ?? json.modelTopology.config.layers;
    layers[0].class_name = 'Conv2D';
    await page.evaluate(
      ([text, weights]) => {
        const drop = new DataTransfer();
        drop.items.add(new File([text], 'model.json', { type: 'application/json' }));
        drop.items.add(new File([new Uint8Array(weights)], 'weights.bin'));
        const box = document.querySelector('[data-testid="tfjs-load"]').closest('section');
        box.dispatchEvent(new DragEvent('dragover', { dataTransfer: drop, bubbles: true, cancelable: true }));
        box.dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
      },
      [JSON.stringify(json), [...tfjs['weights.bin']]],
    );
    await page.waitForSelector(`${T('model-status')}[data-state="error"]`);
    assert.match(await page.textContent(T('model-status')), /Could not load model\.json: .*not a supported dense MLP: layer type Conv2D/);
    await page.click('[data-testid="draw-clear"]');
    await drawWithMouse(page, seven.strokes);
    assert.equal((await waitForReadout(page, seven.strokes.length)).model, 'model.json', 'the model that answered still answers');

    // model.json without its weight file: the message names the missing file.
    await page.setInputFiles(T('tfjs-files'), [{ name: 'model.json', mimeType: 'application/json', buffer: tfjs['model.json'] }]);
    await page.waitForFunction(() => /names the weight file weights\.bin, not picked/.test(document.querySelector('[data-testid="model-status"]').textContent));
    assert.deepEqual(pageErrors, []);
  });
});
