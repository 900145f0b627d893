// A class's label and look in the views that follow the data set's classes: its name (an index
// stands in where a name is missing), how many bars go in one row, and, beyond the series colours,
// which marker shape keeps classes of the same colour tellable apart (the hidden-layer map).
//
// Does not: know the class names (the engine does: `model-changed`, `data-ready`), or draw anything.

/** Class k's name in `names` (label order), or its index when there is none. */
export const className = (names, k) => names?.[k] ?? String(k);

/** Marker shapes, in the order a class count beyond the colours uses them (7 × 10 colours ≥ 64 classes). */
export const MARKERS = Object.freeze(['dot', 'ring', 'square', 'diamond', 'triangle', 'cross', 'plus']);

/** Class k's look among `colours` colours: the colour's index (cyclic) and a marker per round of them. */
export function classMark(k, colours) {
  return { colour: k % colours, marker: MARKERS[Math.floor(k / colours) % MARKERS.length] };
}

/** Columns for `n` bars: one row up to `maxPerRow`, else rows of about equal length. */
export function barColumns(n, maxPerRow) {
  if (!(n > 0)) return 1;
  return Math.ceil(n / Math.ceil(n / maxPerRow));
}

/**
 * Whether bar labels of `names` are written upwards: when the names together are long (beyond about
 * 40 characters in a row of bars, e.g. Fashion-MNIST's ten) or one is very long; the digits, or a
 * few short names, stay upright.
 */
export function upwardLabels(names) {
  const longest = Math.max(0, ...(names ?? []).map((n) => [...n].length));
  return longest > 12 || longest * (names?.length ?? 0) > 40;
}
