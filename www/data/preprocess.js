// Pictures of any size → the grey side × side images the network reads, for image folders
// (www/data/image-worker.js decodes the files and calls these). Arithmetic only, so Node tests it
// (tests/js/data-preprocess-unit.test.mjs).
//
// 1. inkOf(): the picture's ink, light on black like MNIST. A picture whose border is mostly
//    transparent takes its alpha as ink (strokes on a transparent PNG, whatever their colour).
//    Otherwise the border's median brightness is the background: a light background means dark
//    ink on light paper, and the picture is inverted. The background level (plus twice the
//    border's median deviation, the paper's noise) is subtracted and the strongest ink stretched
//    to 255.
// 2. Either mnistStyle(): MNIST's own recipe, exactly as the drawing panel's preprocessing
//    (src/data/preprocess.rs `preprocess`, which the engine applies to drawings): ink below
//    INK_THRESHOLD is background; crop to the ink's bounding box; scale by exact area averaging so
//    its longer side is BOX px (aspect kept); round to bytes; shift by whole pixels so the centre
//    of mass lands on the field's centre. tests/js/data-preprocess-unit.test.mjs checks it gives
//    the engine's bytes. Or plainResize(): the whole picture squashed to side × side by the same
//    area averaging.
//
// Does not: decode files (image-worker.js), decide which pictures belong together (folder.js).

/** Side of the box MNIST scaled its ink into (src/data/preprocess.rs BOX). */
export const BOX = 20;
/** Ink below this (0–255) is background (src/data/preprocess.rs INK_THRESHOLD). */
export const INK_THRESHOLD = 8;
/** A picture whose strongest ink is this little above its background has none (a blank page). */
export const MIN_CONTRAST = 24;

const f = Math.fround; // the engine computes in f32: the same rounding gives the same bytes

/** Median of a numeric array (sorted copy). */
function median(values) {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  return n === 0 ? 0 : n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/** Indices of the pixels of the picture's outer frame (a ring about 1/32 of the shorter side wide). */
function borderIndices(width, height) {
  const ring = Math.max(1, Math.floor(Math.min(width, height) / 32));
  const out = [];
  for (let y = 0; y < height; y++) {
    const edgeRow = y < ring || y >= height - ring;
    for (let x = 0; x < width; x++) {
      if (edgeRow || x < ring || x >= width - ring) out.push(y * width + x);
    }
  }
  return out;
}

/**
 * The ink of an RGBA picture, light on black: `{ink: Uint8Array(width·height), inverted, transparent,
 * blank}`. `inverted`: it was dark on light and was turned around; `blank`: no ink stands out.
 */
export function inkOf(rgba, width, height) {
  const n = width * height;
  const border = borderIndices(width, height);
  const ink = new Uint8Array(n);
  const transparent = median(border.map((i) => rgba[4 * i + 3])) < 128;
  if (transparent) {
    let peak = 0;
    for (let i = 0; i < n; i++) peak = Math.max(peak, rgba[4 * i + 3]);
    if (peak < MIN_CONTRAST) return { ink, inverted: false, transparent, blank: true };
    for (let i = 0; i < n; i++) ink[i] = Math.round((rgba[4 * i + 3] * 255) / peak);
    return { ink, inverted: false, transparent, blank: false };
  }
  const lum = new Float64Array(n);
  for (let i = 0; i < n; i++) lum[i] = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2];
  const background = median(border.map((i) => lum[i]));
  const inverted = background > 127.5;
  const value = inverted ? (i) => 255 - lum[i] : (i) => lum[i];
  const level = inverted ? 255 - background : background;
  const noise = 2 * median(border.map((i) => Math.abs(value(i) - level)));
  const floor = level + noise;
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, value(i) - floor);
  if (peak + noise < MIN_CONTRAST || peak <= 0) return { ink, inverted, transparent, blank: true };
  for (let i = 0; i < n; i++) ink[i] = Math.round(Math.max(0, ((value(i) - floor) * 255) / peak));
  return { ink, inverted, transparent, blank: false };
}

/** Overlap length of [a0, a1) and [b, b + 1), in f32 as the engine has it. */
const overlap = (a0, a1, b) => Math.max(0, f(Math.min(a1, b + 1) - Math.max(a0, b)));

/**
 * MNIST's recipe on `ink` (Uint8Array of width·height, light on black): the side × side image, or
 * null when no ink reaches INK_THRESHOLD (src/data/preprocess.rs `preprocess`, step for step).
 */
export function mnistStyle(ink, width, height, side = 28) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] < INK_THRESHOLD) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = y;
    }
  }
  if (x1 < 0) return null;
  const boxW = x1 - x0 + 1;
  const boxH = y1 - y0 + 1;
  const s = f(BOX / Math.max(boxW, boxH));
  const outW = Math.min(BOX, Math.max(1, Math.ceil(f(f(boxW * s) - f(1e-4)))));
  const outH = Math.min(BOX, Math.max(1, Math.ceil(f(f(boxH * s) - f(1e-4)))));
  const image = new Float32Array(BOX * BOX);
  const rowAcc = new Float32Array(BOX);
  for (let sy = 0; sy < boxH; sy++) {
    rowAcc.fill(0);
    let rowHasInk = false;
    const row = (y0 + sy) * width + x0;
    for (let sx = 0; sx < boxW; sx++) {
      const v = ink[row + sx] < INK_THRESHOLD ? 0 : ink[row + sx];
      if (v === 0) continue;
      rowHasInk = true;
      const a0 = f(sx * s);
      const a1 = f((sx + 1) * s);
      const i0 = Math.trunc(a0);
      if (a1 <= i0 + 1) {
        const i = Math.min(i0, BOX - 1);
        rowAcc[i] = f(rowAcc[i] + f(v * s));
      } else {
        const iEnd = Math.min(Math.ceil(a1), outW);
        for (let i = Math.min(i0, iEnd); i < iEnd; i++) rowAcc[i] = f(rowAcc[i] + f(v * overlap(a0, a1, i)));
      }
    }
    if (!rowHasInk) continue;
    const b0 = f(sy * s);
    const b1 = f((sy + 1) * s);
    const jEnd = Math.min(Math.ceil(b1), outH);
    for (let j = Math.trunc(b0); j < jEnd; j++) {
      const wy = overlap(b0, b1, j);
      if (wy === 0) continue;
      for (let i = 0; i < outW; i++) image[j * BOX + i] = f(image[j * BOX + i] + f(rowAcc[i] * wy));
    }
  }
  // Bytes first, then the centre of mass of those bytes (as the engine does).
  const bytes = new Uint8Array(BOX * BOX);
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let j = 0; j < outH; j++) {
    for (let i = 0; i < outW; i++) {
      const b = Math.min(255, Math.max(0, roundHalfAway(image[j * BOX + i])));
      bytes[j * BOX + i] = b;
      mass += b;
      mx += b * (i + 0.5);
      my += b * (j + 0.5);
    }
  }
  if (mass === 0) return null;
  const centre = side / 2;
  const dx = roundHalfAway(centre - mx / mass);
  const dy = roundHalfAway(centre - my / mass);
  const out = new Uint8Array(side * side);
  for (let j = 0; j < outH; j++) {
    const r = j + dy;
    if (r < 0 || r >= side) continue;
    for (let i = 0; i < outW; i++) {
      const c = i + dx;
      if (c >= 0 && c < side) out[r * side + c] = bytes[j * BOX + i];
    }
  }
  return out;
}

/** Rust's f32/f64 round(): halves away from zero (Math.round takes −2.5 to −2). */
const roundHalfAway = (x) => Math.sign(x) * Math.round(Math.abs(x));

/** The whole picture `ink` squashed to side × side by area averaging (aspect not kept). */
export function plainResize(ink, width, height, side = 28) {
  const sx = side / width;
  const sy = side / height;
  const out = new Float64Array(side * side);
  const rowAcc = new Float64Array(side);
  for (let y = 0; y < height; y++) {
    rowAcc.fill(0);
    for (let x = 0; x < width; x++) {
      const v = ink[y * width + x];
      if (v === 0) continue;
      const a0 = x * sx;
      const a1 = (x + 1) * sx;
      for (let i = Math.floor(a0); i < Math.min(side, Math.ceil(a1)); i++) rowAcc[i] += v * Math.max(0, Math.min(a1, i + 1) - Math.max(a0, i));
    }
    const b0 = y * sy;
    const b1 = (y + 1) * sy;
    for (let j = Math.floor(b0); j < Math.min(side, Math.ceil(b1)); j++) {
      const wy = Math.max(0, Math.min(b1, j + 1) - Math.max(b0, j));
      for (let i = 0; i < side; i++) out[j * side + i] += rowAcc[i] * wy;
    }
  }
  return Uint8Array.from(out, (v) => Math.min(255, Math.max(0, Math.round(v))));
}

/** The preprocessing choices, as the panel offers them. */
export const MODES = Object.freeze({ MNIST: 'mnist', PLAIN: 'plain' });

/**
 * One picture (RGBA) → `{image: Uint8Array(side²), inverted}`, or `{problem}` saying why not
 * (`mode`: MODES.MNIST or MODES.PLAIN).
 */
export function toNetworkImage(rgba, width, height, mode, side = 28) {
  const { ink, inverted, blank } = inkOf(rgba, width, height);
  if (blank) return { problem: 'it is blank: no ink stands out from its background' };
  const image = mode === MODES.PLAIN ? plainResize(ink, width, height, side) : mnistStyle(ink, width, height, side);
  if (!image) return { problem: 'its ink is too faint to find' };
  return { image, inverted };
}
