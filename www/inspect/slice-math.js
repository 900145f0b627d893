// Numbers about a loss slice, for www/inspect/heat-map.js and landscape.js: the log colour scale's
// bands, the range of the losses, whether a checkpoint lies in the plane, how sharp the minimum is.
// Pure functions (tests/js/inspect-unit.test.mjs).
//
// Does not: draw, or read the page.

/** How many colour bands (and so contour levels) the log scale is cut into. */
export const BANDS = 14;

/** The band (0 … BANDS − 1) of `loss` on the log scale [min, max]; −1 for a missing or bad value. */
export function band(loss, min, max) {
  if (!(loss > 0) || !Number.isFinite(loss)) return -1;
  if (!(max > min)) return 0;
  const t = (Math.log(loss) - Math.log(min)) / (Math.log(max) - Math.log(min));
  return Math.max(0, Math.min(BANDS - 1, Math.floor(t * BANDS)));
}

/** [min, max] of the finite positive losses of `grids` (arrays of rows; rows may be missing). */
export function lossRange(grids) {
  let min = Infinity;
  let max = -Infinity;
  for (const rows of grids) {
    for (const row of rows) {
      for (const v of row ?? []) {
        if (v > 0 && Number.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
  }
  return Number.isFinite(min) ? [min, max] : [1, 1];
}

/**
 * Whether a checkpoint's place on the plane means something: most of its distance from the centre
 * lies in the plane. Random directions in ~100k dimensions are nearly orthogonal to the training
 * path, so a dot for such a checkpoint would sit near the centre and mislead.
 */
export const onPlane = (c) => c.distance > 0 && c.off_plane <= 0.5 * c.distance;

/**
 * How sharp the minimum is on this slice: the mean of (loss − centre loss) over the grid points
 * with |a| and |b| at most half the radius. A flat minimum rises little; a sharp one much.
 */
export function innerRise({ coordinates, rows, centre }) {
  const half = coordinates.at(-1) / 2;
  let sum = 0;
  let n = 0;
  rows.forEach((row, r) => {
    if (!row || Math.abs(coordinates[r]) > half + 1e-6) return;
    row.forEach((v, j) => {
      if (Math.abs(coordinates[j]) > half + 1e-6) return;
      sum += v - centre;
      n += 1;
    });
  });
  return n ? sum / n : NaN;
}
