#!/usr/bin/env node
// Writes the data folder the shipped default model is trained from (scripts/tools/make-default-model.sh):
// MNIST's training set followed by real pen-drawn digits of the `fit` writers, each as the exact
// 28 × 28 image the page makes of it (the pendigits trajectories replayed as pointer strokes on the
// page's drawing canvas in headless Chromium, read from its "what the net sees" canvas), and, to
// choose and report on, the `select` and `report` writers' images as test sets of their own.
//
//   node scripts/tools/pen-images.mjs OUT_DIR [--repeat K] [--file PATH]
//
//   OUT_DIR/train-{images,labels}-*.gz   MNIST's 60,000 training images, then the fit writers'
//                                        digits K times (default 4)
//   OUT_DIR/t10k-*.gz                    MNIST's test set (copied)
//   OUT_DIR/select/t10k-*.gz             the select writers' digits   (mnist eval M --data OUT_DIR/select)
//   OUT_DIR/report/t10k-*.gz             the report writers' digits   (mnist eval M --data OUT_DIR/report)
//
// The writer split is WRITERS in scripts/checks/pendigits-replay.mjs. Needs the built page
// (bash scripts/build.sh) and ../shared/pendigits (outside the repository; nothing of it is written
// into the repository, only into OUT_DIR). Non-goals: training (the native tool does that).

import { readFile, writeFile, mkdir, copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { gzipSync, gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { startBrowser } from '../../tests/e2e/harness.mjs';
import { fitStrokes, openDrawPage, replayInPage } from '../../tests/e2e/draw/draw-helpers.mjs';
import { DEFAULT_FILE, WRITERS, byWriters } from '../checks/pendigits-replay.mjs';

const DATA = fileURLToPath(new URL('../../data/', import.meta.url));
const BATCH = 200;

function idx(magic, dims, body) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return gzipSync(Buffer.concat([header, body]));
}

async function writeSet(dir, prefix, images, labels, side) {
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/${prefix}-images-idx3-ubyte.gz`, idx(0x803, [labels.length, side, side], Buffer.concat(images)));
  await writeFile(`${dir}/${prefix}-labels-idx1-ubyte.gz`, idx(0x801, [labels.length], Buffer.from(labels)));
}

/** The page's image of every digit, in order: [{label, writer, image: Buffer}]. */
async function capture(digits, onProgress) {
  const session = await startBrowser();
  try {
    const { page, context } = await openDrawPage(session);
    const out = [];
    for (let start = 0; start < digits.length; start += BATCH) {
      const chunk = digits.slice(start, start + BATCH);
      const { answers, images } = await replayInPage(page, chunk.map((d) => fitStrokes(d.strokes)), { images: true });
      answers.forEach((answer, k) => {
        if (answer === null || images[k].length === 0) throw new Error(`digit ${start + k}: no image from the page`);
        out.push({ label: chunk[k].label, writer: chunk[k].writer, image: Buffer.from(images[k]) });
      });
      onProgress(out.length, digits.length);
    }
    await context.close();
    return out;
  } finally {
    await session.close();
  }
}

async function main(argv) {
  let out = null;
  let repeat = 4;
  let file = DEFAULT_FILE;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--repeat') repeat = Number(argv[++i]);
    else if (argv[i] === '--file') file = argv[++i];
    else if (!out && !argv[i].startsWith('-')) out = argv[i];
    else throw new Error(`unexpected argument ${JSON.stringify(argv[i])} — usage: pen-images.mjs OUT_DIR [--repeat K] [--file PATH]`);
  }
  if (!out) throw new Error('usage: pen-images.mjs OUT_DIR [--repeat K] [--file PATH]');
  if (!Number.isInteger(repeat) || repeat < 0 || repeat > 100) throw new Error(`--repeat takes a whole number 0–100, got ${repeat}`);
  if (!existsSync(file)) throw new Error(`${file} not found (the pendigits file lives outside the repository; pass --file PATH)`);

  const all = JSON.parse(await readFile(file, 'utf8'));
  const wanted = byWriters(all, [WRITERS.fit[0], WRITERS.report[1]]);
  const seen = await capture(wanted, (done, total) => process.stderr.write(`\rpen-images: ${done} / ${total}`));
  process.stderr.write('\n');
  const part = (name) => byWriters(seen, WRITERS[name]);

  const mnistFile = gunzipSync(await readFile(`${DATA}train-images-idx3-ubyte.gz`));
  const side = mnistFile.readUInt32BE(8);
  const mnistImages = mnistFile.subarray(16);
  const mnistLabels = gunzipSync(await readFile(`${DATA}train-labels-idx1-ubyte.gz`)).subarray(8);
  const fit = part('fit');
  const images = [mnistImages];
  const labels = [...mnistLabels];
  for (let k = 0; k < repeat; k++) {
    for (const d of fit) images.push(d.image);
    labels.push(...fit.map((d) => d.label));
  }
  if (seen.some((d) => d.image.length !== side * side)) throw new Error(`the page's images are not ${side} × ${side} like MNIST's`);
  await writeSet(out, 'train', images, labels, side);
  for (const f of ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) await copyFile(`${DATA}${f}`, `${out}/${f}`);
  for (const name of ['select', 'report']) {
    const set = part(name);
    await writeSet(`${out}/${name}`, 't10k', set.map((d) => d.image), set.map((d) => d.label), side);
  }
  console.log(`pen-images: ${out}: ${labels.length} training images (${mnistLabels.length.toLocaleString('en-US')} MNIST + ${fit.length.toLocaleString('en-US')} × ${repeat} of writers ${WRITERS.fit.join('–')}), ` +
    `select ${part('select').length} (writers ${WRITERS.select.join('–')}), report ${part('report').length} (writers ${WRITERS.report.join('–')})`);
}

main(process.argv.slice(2)).catch((err) => {
  console.error(`pen-images: error: ${err.message}`);
  process.exit(1);
});
