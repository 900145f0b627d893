// The loss landscape's 2-D slice as a heat map with contour bands: a square canvas of the
// resolution × resolution grid (row r at b = coordinates[r], drawn with b growing upwards; column j
// at a = coordinates[j]), colours on a log scale of the loss cut into BANDS levels (blue low, red
// high: www/ui/diverging.js's map from its negative to its positive end), a line where two
// neighbouring cells fall in different bands (the contours), the centre (the current weights)
// marked with a cross, and the checkpoints that lie mostly in the plane and inside the square as
// numbered dots (epoch; 0 the initial weights), joined into the path on the training path's plane.
//
// Does not: compute losses (the engine), read messages (www/inspect/landscape.js), the scale's
// numbers (www/inspect/slice-math.js).

import { divergingColour, rgb } from '../ui/diverging.js';
import { cssVar } from '../charts/line-chart.js';
import { BANDS, band, onPlane } from './slice-math.js';

/** The colour of band `k`: blue (lowest) through the neutral colour to red (highest). */
function bandColours(palette) {
  return Array.from({ length: BANDS }, (_, k) => divergingColour(-1 + (2 * (k + 0.5)) / BANDS, palette));
}

/** The theme's palette (read when drawing, so a switch to dark mode is followed). */
function palette() {
  return { neutral: rgb(cssVar('--digit-bg')), positive: rgb(cssVar('--w-pos')), negative: rgb(cssVar('--w-neg')) };
}

/**
 * Draws `slice` ({resolution, coordinates, rows: Float32Array[] (missing rows: not yet computed),
 * checkpoints, directions: "random" | "trajectory"}) on `canvas` with the scale [min, max].
 */
export function drawHeatMap(canvas, slice, [min, max]) {
  const size = canvas.width;
  const ctx = canvas.getContext('2d');
  const n = slice.resolution;
  const cell = size / n;
  const colours = bandColours(palette()).map(([r, g, b]) => `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`);
  ctx.fillStyle = cssVar('--surface') || '#fff';
  ctx.fillRect(0, 0, size, size);
  const y = (r) => size - (r + 1) * cell; // b grows upwards
  const bands = slice.rows.map((row) => (row ? Array.from(row, (v) => band(v, min, max)) : null));
  for (let r = 0; r < n; r++) {
    if (!bands[r]) continue;
    for (let j = 0; j < n; j++) {
      const k = bands[r][j];
      ctx.fillStyle = k < 0 ? cssVar('--muted') : colours[k];
      ctx.fillRect(Math.floor(j * cell), Math.floor(y(r)), Math.ceil(cell), Math.ceil(cell));
    }
  }
  // Contours: where two neighbouring cells lie in different bands.
  ctx.strokeStyle = cssVar('--text') || '#000';
  ctx.globalAlpha = 0.45;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let r = 0; r < n; r++) {
    if (!bands[r]) continue;
    for (let j = 0; j < n; j++) {
      if (j + 1 < n && bands[r][j] !== bands[r][j + 1]) {
        ctx.moveTo((j + 1) * cell, y(r));
        ctx.lineTo((j + 1) * cell, y(r) + cell);
      }
      if (r + 1 < n && bands[r + 1] && bands[r][j] !== bands[r + 1][j]) {
        ctx.moveTo(j * cell, y(r));
        ctx.lineTo((j + 1) * cell, y(r));
      }
    }
  }
  ctx.stroke();
  ctx.globalAlpha = 1;
  // a, b → canvas: the coordinates span [−radius, radius] at the cells' centres.
  const radius = slice.coordinates[n - 1];
  const px = (a) => ((a + radius) / (2 * radius)) * (size - cell) + cell / 2;
  const py = (b) => size - (((b + radius) / (2 * radius)) * (size - cell) + cell / 2);
  ctx.font = '11px system-ui, sans-serif';
  const drawn = (slice.checkpoints ?? []).filter((c) => onPlane(c) && Math.abs(c.a) <= radius && Math.abs(c.b) <= radius);
  if (slice.directions === 'trajectory' && drawn.length > 0) {
    // The training path, in epoch order, to the current weights at the centre.
    ctx.strokeStyle = cssVar('--text') || '#000';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    [...drawn].sort((x, y) => x.epoch - y.epoch).forEach((c, k) => (k ? ctx.lineTo(px(c.a), py(c.b)) : ctx.moveTo(px(c.a), py(c.b))));
    ctx.lineTo(px(0), py(0));
    ctx.stroke();
  }
  ctx.lineWidth = 2;
  for (const c of drawn) {
    ctx.fillStyle = cssVar('--surface') || '#fff';
    ctx.strokeStyle = cssVar('--text') || '#000';
    ctx.beginPath();
    ctx.arc(px(c.a), py(c.b), 4, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = cssVar('--text') || '#000';
    ctx.fillText(String(c.epoch), px(c.a) + 6, py(c.b) - 6);
  }
  // The centre: the current weights.
  const cx = px(0);
  const cy = py(0);
  for (const [colour, width] of [[cssVar('--surface') || '#fff', 5], [cssVar('--text') || '#000', 2]]) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(cx - 7, cy);
    ctx.lineTo(cx + 7, cy);
    ctx.moveTo(cx, cy - 7);
    ctx.lineTo(cx, cy + 7);
    ctx.stroke();
  }
}

/** Draws the colour scale [min, max] (log) as a horizontal strip of the bands on `canvas`. */
export function drawScale(canvas) {
  const ctx = canvas.getContext('2d');
  const colours = bandColours(palette());
  const w = canvas.width / BANDS;
  colours.forEach(([r, g, b], k) => {
    ctx.fillStyle = `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
    ctx.fillRect(Math.floor(k * w), 0, Math.ceil(w), canvas.height);
  });
}
