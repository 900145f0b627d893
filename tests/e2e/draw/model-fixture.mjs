// A model file of the page's own format (src/io/model_file.rs, format version 1) for classes other
// than the digits, built from the shipped default model's config with `classes` and `hidden`
// changed: a softmax regression (784 → n) whose output is set by its biases alone, so every
// drawing reads the same, known probabilities. Used by the page tests that check the views follow
// the answering model's class names.
//
// Non-goals: a model that reads anything (its weights are zero), other format versions.

import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

const DEFAULT_MODEL = new URL('../../../data/default-model.bin', import.meta.url);
const PIXELS = 784;

/** The model file (Buffer) of a 784 → biases.length network with these class names. */
export async function namedClassModel(names, biases) {
  if (names.length !== biases.length) throw new Error('one bias per class');
  const base = await readFile(DEFAULT_MODEL);
  if (base.subarray(0, 8).toString('latin1') !== 'MNISTMLP' || base.readUInt32LE(8) !== 1) throw new Error('default-model.bin is not a version 1 model file');
  const config = JSON.parse(base.subarray(16, 16 + base.readUInt32LE(12)).toString('utf8'));
  const json = Buffer.from(JSON.stringify({ ...config, hidden: [], classes: names }), 'utf8');
  const n = names.length;
  const layer = Buffer.alloc(8 + 4 * PIXELS * n + 4 * n); // weights stay 0
  layer.writeUInt32LE(PIXELS, 0);
  layer.writeUInt32LE(n, 4);
  biases.forEach((b, k) => layer.writeFloatLE(b, 8 + 4 * PIXELS * n + 4 * k));
  const head = Buffer.alloc(16);
  head.write('MNISTMLP', 0, 'latin1');
  head.writeUInt32LE(1, 8);
  head.writeUInt32LE(json.length, 12);
  const count = Buffer.alloc(4);
  count.writeUInt32LE(1, 0);
  const body = Buffer.concat([head, json, count, layer]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(body), 0);
  return Buffer.concat([body, crc]);
}
