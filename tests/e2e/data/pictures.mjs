// Picture folders and CSV files made by the data tests (tests/e2e/data/): PNGs written with
// node:zlib (8-bit RGBA, one IDAT), of shapes drawn in dark ink on a light background (the page
// must invert them), at varied sizes and places; plus a corrupt "PNG" and a CSV in the
// "label, 784 pixels" layout.
//
// Non-goals: a general PNG encoder (no palettes, no interlace).

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { mulberry32 } from '../../../www/ui/random.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** PNG bytes of an RGBA picture (`rgba`: width·height·4 bytes). */
export function encodePng(rgba, width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    raw[y * (1 + width * 4)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (1 + width * 4) + 1);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * Whether pixel (x, y) of a `shape` centred at (cx, cy) with radius r is ink: 'ring' (a circle's
 * outline), 'bar' (a vertical stroke), 'cross' (an X).
 */
function inked(shape, x, y, cx, cy, r) {
  const dx = x - cx;
  const dy = y - cy;
  const w = Math.max(1.5, r * 0.18);
  if (shape === 'ring') return Math.abs(Math.hypot(dx, dy) - r) < w;
  if (shape === 'bar') return Math.abs(dx) < w && Math.abs(dy) < r;
  if (shape === 'cross') return Math.abs(dx) < r && Math.abs(dy) < r && (Math.abs(dx - dy) < w * 1.2 || Math.abs(dx + dy) < w * 1.2);
  throw new Error(`no shape ${shape}`);
}

/** A PNG of `shape` in dark ink on a light background, of a size and place drawn from `rand`. */
export function shapePng(shape, rand) {
  const width = 48 + Math.floor(rand() * 80);
  const height = 48 + Math.floor(rand() * 80);
  const r = Math.min(width, height) * (0.2 + rand() * 0.15);
  const cx = r + 2 + rand() * (width - 2 * r - 4);
  const cy = r + 2 + rand() * (height - 2 * r - 4);
  const paper = 225 + Math.floor(rand() * 30);
  const ink = 10 + Math.floor(rand() * 40);
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = inked(shape, x + 0.5, y + 0.5, cx, cy, r) ? ink : paper;
      rgba.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return encodePng(rgba, width, height);
}

/**
 * Writes a folder `{class: count}` of shape PNGs under a new temporary directory (`name`), with
 * `extra` files ({path: bytes}); returns the folder's path.
 */
export async function writeFolder(name, classes, { seed = 1, extra = {} } = {}) {
  const root = join(await mkdtemp(join(tmpdir(), 'data-test-')), name);
  const rand = mulberry32(seed);
  for (const [shape, count] of Object.entries(classes)) {
    const dir = join(root, shape);
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < count; i++) await writeFile(join(dir, `${shape}-${String(i).padStart(3, '0')}.png`), shapePng(shape, rand));
  }
  for (const [path, bytes] of Object.entries(extra)) {
    const full = join(root, path);
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, bytes);
  }
  return root;
}

/**
 * A CSV of `count` rows per class in the "label, 784 pixels" layout with a header: class 0 has its
 * ink in the left half, class 1 in the right half (with noise), light on dark like MNIST.
 */
export function halvesCsv(count, seed = 2) {
  const rand = mulberry32(seed);
  const lines = [['label', ...Array.from({ length: 784 }, (_, k) => `pixel${k}`)].join(',')];
  for (let i = 0; i < count; i++) {
    for (const label of [0, 1]) {
      const pixels = Array.from({ length: 784 }, (_, k) => {
        const x = k % 28;
        const inside = label === 0 ? x < 14 : x >= 14;
        return inside && rand() < 0.5 ? 150 + Math.floor(rand() * 105) : Math.floor(rand() * 20);
      });
      lines.push([label, ...pixels].join(','));
    }
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}
