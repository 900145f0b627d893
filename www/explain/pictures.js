// The 28×28 pictures of "Look inside a prediction" (www/explain/): a digit (bytes, or 0–1 floats
// such as an attacked image) in the theme's ink, and a signed map (a perturbation, a weight
// gradient) in the diverging colours of www/ui/diverging.js, linear and symmetric around 0.
//
// Does not: compute any map (the engine does) or scale a map by itself unless asked (a
// perturbation is shown on the scale of its budget ε, so its colours mean the same at every ε).

import { divergingTable } from '../ui/diverging.js';
import { readPalette } from '../draw/why-overlay.js';
import { drawDigit, inkColour } from '../playground/insight.js';
import { el } from '../ui/dom.js';

/** Colour steps on each side of 0. */
const LEVELS = 64;

/** A pixelated canvas for a side × side picture, labelled for screen readers. */
export function pictureCanvas({ label, testid, className = 'xp-picture' }) {
  return el('canvas', { class: className, width: 28, height: 28, role: 'img', 'aria-label': label, testid });
}

/** Draws an image of bytes (0 = background) or of 0–1 floats in the theme's ink. */
export function drawImage(canvas, image) {
  const bytes = image instanceof Uint8Array ? image : Uint8ClampedArray.from(image, (v) => Math.round(255 * v));
  drawDigit(canvas, bytes, inkColour());
}

/**
 * Draws `map` (signed) with 0 neutral, +scale full red, −scale full blue (linear, clamped);
 * `scale` defaults to the largest |value|. Returns the scale used.
 */
export function drawSignedMap(canvas, map, scale = null) {
  let max = scale;
  if (!(max > 0)) {
    max = 0;
    for (const v of map) max = Math.max(max, Math.abs(v));
  }
  const side = Math.round(Math.sqrt(map.length));
  if (canvas.width !== side) canvas.width = canvas.height = side;
  // The theme's colours are read from the page (a canvas not yet attached has no computed style).
  const table = divergingTable(readPalette(document.body), LEVELS);
  const ctx = canvas.getContext('2d');
  const data = ctx.createImageData(side, side);
  const pixels = new Uint32Array(data.data.buffer);
  for (let i = 0; i < map.length; i++) {
    const t = max > 0 ? Math.max(-1, Math.min(1, map[i] / max)) : 0;
    pixels[i] = table[LEVELS + Math.round(t * LEVELS)];
  }
  ctx.putImageData(data, 0, 0);
  return max;
}
