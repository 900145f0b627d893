// The diverging colour map (www/ui/diverging.js) and the "why this digit" overlay's pixels
// (www/draw/why-overlay.js overlayPixels): 0 is the neutral colour (or the pixel under the
// overlay), v and −v are equally far from it towards red and blue, and the scale is the map's
// largest magnitude, so scaling a map does not change its colours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { divergingColour, divergingPosition, divergingTable, packRgba, rgb } from '../../www/ui/diverging.js';
import { overlayPixels } from '../../www/draw/why-overlay.js';

const palette = { neutral: [240, 242, 246], positive: [198, 47, 34], negative: [31, 99, 198], ink: [21, 26, 36] };
const distance = (a, b) => Math.hypot(...a.map((x, i) => x - b[i]));
const unpack = (p) => [p & 255, (p >>> 8) & 255, (p >>> 16) & 255];

test('colours parse from the CSS custom properties\' forms', () => {
  assert.deepEqual(rgb('#c62f22'), [198, 47, 34]);
  assert.deepEqual(rgb('rgb(31, 99, 198)'), [31, 99, 198]);
  assert.deepEqual(rgb(''), [128, 128, 128]);
});

test('0 maps to the neutral colour; the ends to the positive and negative colours', () => {
  assert.deepEqual(divergingColour(0, palette), palette.neutral);
  assert.deepEqual(divergingColour(1, palette), palette.positive);
  assert.deepEqual(divergingColour(-1, palette), palette.negative);
  assert.equal(divergingPosition(0, 3), 0);
});

test('the scale is symmetric: v and −v are equally far from neutral, towards red and blue', () => {
  for (const v of [0.01, 0.3, 1.7, 2.9]) {
    const max = 2.9;
    const [p, n] = [divergingPosition(v, max), divergingPosition(-v, max)];
    assert.equal(p, -n);
    const [red, blue] = [divergingColour(p, palette), divergingColour(n, palette)];
    const share = (c, end) => distance(c, palette.neutral) / distance(end, palette.neutral);
    assert.ok(Math.abs(share(red, palette.positive) - share(blue, palette.negative)) < 1e-12, `v = ${v}`);
    // …on the way from neutral to red, and from neutral to blue
    const onSegment = (c, end) => Math.abs(distance(palette.neutral, c) + distance(c, end) - distance(palette.neutral, end)) < 1e-9;
    assert.ok(onSegment(red, palette.positive), 'positive leans red');
    assert.ok(onSegment(blue, palette.negative), 'negative leans blue');
  }
});

test('positions clamp to [-1, 1]; no scale (0, NaN, ∞) gives neutral', () => {
  assert.equal(divergingPosition(5, 2), 1);
  assert.equal(divergingPosition(-5, 2), -1);
  for (const max of [0, NaN, Infinity]) assert.equal(divergingPosition(1, max), 0);
  assert.equal(divergingPosition(NaN, 1), 0);
});

test('the lookup table is neutral in the middle and symmetric in strength', () => {
  const levels = 4;
  const table = divergingTable(palette, levels);
  assert.equal(table.length, 2 * levels + 1);
  assert.equal(table[levels], packRgba(palette.neutral));
  assert.equal(table[2 * levels], packRgba(palette.positive));
  assert.equal(table[0], packRgba(palette.negative));
});

test('the overlay: a zero map shows the image as it is; scaling the map changes no colour', () => {
  const image = Uint8Array.from([0, 255, 128, 0, 255, 0]);
  const zero = overlayPixels(image, new Float32Array(6), palette);
  assert.equal(zero.max, 0);
  const background = unpack(zero.pixels[0]);
  assert.deepEqual(background, palette.neutral, 'blank pixel, no attribution: neutral');
  assert.ok(distance(unpack(zero.pixels[1]), palette.ink) < distance(background, palette.ink), 'ink shows darker than the background');

  const map = Float32Array.from([0.5, -0.5, 2, -2, 0, 1]);
  const a = overlayPixels(image, map, palette);
  assert.equal(a.max, 2, 'scaled by the largest magnitude');
  const b = overlayPixels(image, map.map((v) => v * 1e-7), palette);
  assert.deepEqual([...b.pixels], [...a.pixels], 'a tiny map (a saturated softmax) looks the same');
  // Equal magnitudes over the same pixel: equally strong red and blue; 0 keeps the pixel.
  const onBlank = (v) => unpack(overlayPixels(Uint8Array.from([0]), Float32Array.from([v, 2]), palette).pixels[0]);
  const [red, blue] = [onBlank(2), onBlank(-2)];
  const share = (c, end) => distance(c, palette.neutral) / distance(end, palette.neutral);
  assert.ok(Math.abs(share(red, palette.positive) - share(blue, palette.negative)) < 0.02, 'symmetric up to byte rounding');
  assert.ok(distance(red, palette.positive) < distance(red, palette.negative));
  assert.deepEqual(unpack(a.pixels[4]), unpack(zero.pixels[4]), 'value 0 leaves the pixel as the image shows it');
});
