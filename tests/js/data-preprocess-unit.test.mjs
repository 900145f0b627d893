// Pictures → the network's 28×28 images (www/data/preprocess.js), in Node. "As MNIST was made"
// must be the drawing panel's preprocessing exactly: the engine's own (src/data/preprocess.rs,
// through Engine.predict, which returns the image it read) is run on the same pictures and the
// bytes compared. Then the ink detection (dark on light is inverted, transparent backgrounds take
// alpha, blank pictures are refused) and the plain resize.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inkOf, mnistStyle, MODES, plainResize, toNetworkImage } from '../../www/data/preprocess.js';
import { Engine } from './engine-default.mjs';
import { mulberry32 as random } from '../../www/ui/random.js';

/** An ink picture (light on black) of `strokes` random thick segments with soft edges. */
function inkPicture(width, height, rand, strokes = 3) {
  const ink = new Uint8Array(width * height);
  const r = 1 + rand() * Math.min(width, height) * 0.06;
  for (let s = 0; s < strokes; s++) {
    const [x0, y0, x1, y1] = [rand() * width, rand() * height, rand() * width, rand() * height];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const t = Math.max(0, Math.min(1, ((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2 || 1)));
        const d = Math.hypot(x - (x0 + t * (x1 - x0)), y - (y0 + t * (y1 - y0)));
        const v = Math.round(255 * Math.max(0, Math.min(1, r + 0.5 - d)));
        ink[y * width + x] = Math.max(ink[y * width + x], v);
      }
    }
  }
  return ink;
}

const rgbaOf = (ink) => {
  const rgba = new Uint8Array(ink.length * 4);
  ink.forEach((v, i) => rgba.set([v, v, v, 255], 4 * i));
  return rgba;
};

test('"as MNIST was made" gives exactly the bytes of the drawing panel\'s preprocessing (the engine\'s)', () => {
  const engine = new Engine();
  engine.loadModel(readFileSync(new URL('../../data/default-model.bin', import.meta.url)), 'default');
  const rand = random(7);
  const sizes = [[28, 28], [200, 200], [37, 91], [300, 120], [8, 8], [512, 384], [64, 1]];
  let compared = 0;
  for (const [width, height] of sizes) {
    for (let k = 0; k < 6; k++) {
      const ink = inkPicture(width, height, rand, 1 + (k % 4));
      const ours = mnistStyle(ink, width, height);
      const theirs = engine.predict(rgbaOf(ink), width, height);
      if (theirs === null || theirs === undefined) {
        assert.equal(ours, null, `${width}×${height} #${k}: the engine found no ink`);
        continue;
      }
      assert.deepEqual(Array.from(ours), Array.from(theirs.image), `${width}×${height} #${k}`);
      compared += 1;
    }
  }
  assert.ok(compared >= 35, `pictures compared: ${compared}`);
  engine.free();
});

test('an empty ink picture has nothing to preprocess', () => {
  assert.equal(mnistStyle(new Uint8Array(100), 10, 10), null);
  assert.equal(mnistStyle(new Uint8Array(100).fill(7), 10, 10), null, 'below the ink threshold is background');
});

test('dark ink on light paper is inverted, and the paper becomes 0', () => {
  const width = 40;
  const height = 30;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const v = x >= 18 && x < 22 ? 20 : 240; // a dark vertical bar
    rgba.set([v, v, v, 255], 4 * i);
  }
  const { ink, inverted, blank } = inkOf(rgba, width, height);
  assert.equal(inverted, true);
  assert.equal(blank, false);
  assert.equal(ink[0], 0, 'the paper');
  assert.equal(ink[20], 255, 'the bar, at full ink');
  const { image } = toNetworkImage(rgba, width, height, MODES.MNIST);
  // The bar fills the 20-px box's height, centred: rows 4–23 have ink, the rest none.
  const rows = Array.from({ length: 28 }, (_, r) => image.slice(r * 28, r * 28 + 28).some((v) => v > 0));
  assert.deepEqual(rows.map((r, i) => (r ? i : -1)).filter((i) => i >= 0), Array.from({ length: 20 }, (_, i) => i + 4));
});

test('light ink on dark stays as it is, with noise of the background removed', () => {
  const width = 20;
  const height = 20;
  const rand = random(3);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const [x, y] = [i % width, Math.floor(i / width)];
    const v = Math.abs(x - 10) < 3 && Math.abs(y - 10) < 3 ? 200 : 30 + Math.floor(rand() * 6);
    rgba.set([v, v, v, 255], 4 * i);
  }
  const { ink, inverted } = inkOf(rgba, width, height);
  assert.equal(inverted, false);
  assert.ok(ink.every((v, i) => (Math.abs((i % width) - 10) < 3 && Math.abs(Math.floor(i / width) - 10) < 3 ? v === 255 : v === 0)), 'the square is ink, the noisy background none');
});

test('a transparent background takes alpha as the ink, whatever the strokes\' colour', () => {
  const rgba = new Uint8Array(10 * 10 * 4); // transparent black
  rgba.set([255, 255, 255, 255], 4 * 55); // one white opaque pixel
  rgba.set([0, 0, 0, 128], 4 * 44); // one black half-transparent pixel
  const { ink, transparent } = inkOf(rgba, 10, 10);
  assert.equal(transparent, true);
  assert.equal(ink[55], 255);
  assert.equal(ink[44], 128);
  assert.equal(ink[0], 0);
});

test('a blank picture is refused with a reason', () => {
  const rgba = new Uint8Array(16 * 16 * 4).fill(200);
  assert.deepEqual(toNetworkImage(rgba, 16, 16, MODES.MNIST), { problem: 'it is blank: no ink stands out from its background' });
  assert.deepEqual(toNetworkImage(rgba, 16, 16, MODES.PLAIN), { problem: 'it is blank: no ink stands out from its background' });
});

test('plain resize squashes the whole picture by area averaging', () => {
  const width = 56;
  const height = 14;
  const ink = new Uint8Array(width * height);
  for (let i = 0; i < ink.length; i++) if (i % width < 28) ink[i] = 200; // left half
  const image = plainResize(ink, width, height);
  assert.equal(image.length, 784);
  for (let r = 0; r < 28; r++) {
    assert.deepEqual(Array.from(image.slice(r * 28, r * 28 + 28)), [...Array(14).fill(200), ...Array(14).fill(0)], `row ${r}`);
  }
  // Shrinking averages: a 2×2 checkerboard of 0 and 255 becomes one grey.
  const checker = Uint8Array.from({ length: 56 * 56 }, (_, i) => ((i % 56) + Math.floor(i / 56)) % 2 ? 255 : 0);
  assert.ok(plainResize(checker, 56, 56).every((v) => v === 128), 'mid grey everywhere');
});
