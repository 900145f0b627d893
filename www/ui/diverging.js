// The diverging colour map of signed values, shared by the first-layer weights
// (www/charts/weights.js) and the drawing panel's "why this digit" overlay (www/draw/why-overlay.js):
// a value is scaled symmetrically around 0 by the largest magnitude, 0 is the neutral colour, and
// it moves linearly towards the positive colour (red) above 0 and the negative colour (blue) below,
// the same distance for v and −v.
//
// Pure functions on [r, g, b] triples (0–255), so Node tests them (tests/js/diverging-unit.test.mjs).
// Does not: read the theme (the callers pass the CSS custom properties' colours) or draw.

/** [r, g, b] of "#rrggbb" or "rgb(r, g, b)"; grey for anything else. */
export function rgb(colour) {
  const hex = /^#([0-9a-f]{6})$/i.exec(colour ?? '');
  if (hex) {
    const n = parseInt(hex[1], 16);
    return [n >> 16, (n >> 8) & 255, n & 255];
  }
  const parts = String(colour ?? '').match(/\d+(\.\d+)?/g);
  return parts && parts.length >= 3 ? parts.slice(0, 3).map(Number) : [128, 128, 128];
}

/** `v` on the map's scale: v / max clamped to [-1, 1]; 0 when there is no scale (max 0, NaN, ∞). */
export function divergingPosition(v, max) {
  if (!(max > 0) || !Number.isFinite(max) || !Number.isFinite(v)) return 0;
  return Math.max(-1, Math.min(1, v / max));
}

/**
 * The colour at position `t` in [-1, 1]: `from` (the neutral colour unless given, e.g. the pixel
 * under an overlay) at 0, `positive` at 1, `negative` at −1, linear in between.
 * @param {number} t @param {{positive: number[], negative: number[], neutral: number[]}} palette
 */
export function divergingColour(t, palette, from = palette.neutral) {
  const end = t >= 0 ? palette.positive : palette.negative;
  const a = Math.min(1, Math.abs(t));
  return from.map((c, i) => c + a * (end[i] - c));
}

/** One RGBA pixel packed as a Uint32Array over ImageData sees it (little-endian), opaque. */
export const packRgba = ([r, g, b]) => ((255 << 24) | (Math.round(b) << 16) | (Math.round(g) << 8) | Math.round(r)) >>> 0;

/**
 * The map as a lookup table of packed pixels: entry `levels + round(t · levels)` for t in [-1, 1].
 * @returns {Uint32Array} 2 · levels + 1 entries
 */
export function divergingTable(palette, levels) {
  const table = new Uint32Array(2 * levels + 1);
  for (let i = -levels; i <= levels; i++) table[levels + i] = packRgba(divergingColour(i / levels, palette));
  return table;
}
