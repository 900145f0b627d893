// Numbers and durations as the page writes them: grouped thousands (60,000), percentages, sizes
// in MB, short counts (1.2 M), durations (3 min 5 s).
//
// Non-goals: chart axis labels (www/ui/ticks.js), the engine's messages (www/playground/settings.js).

export const numberFormat = new Intl.NumberFormat('en-US');

/**
 * A network's layers as "784-128-10": the engine's input and output sizes (its `limits`) around
 * the config's hidden widths.
 */
export const layersText = (config, limits) => [limits.pixels, ...(config.hidden ?? []), limits.classes].join('-');

/** 0.9712 → "97.12%" (`digits` after the point). */
export const percent = (x, digits = 2) => `${(100 * x).toFixed(digits)}%`;

/** Bytes in MB with one decimal. */
export const formatMB = (bytes) => (bytes / 1e6).toFixed(1);

/** A count in k, M or G with three digits: 101,770 → "102 k". */
export function formatCount(n) {
  if (!Number.isFinite(n)) return '–';
  if (n >= 1e9) return `${(n / 1e9).toPrecision(3)} G`;
  if (n >= 1e6) return `${(n / 1e6).toPrecision(3)} M`;
  if (n >= 1e3) return `${(n / 1e3).toPrecision(3)} k`;
  return String(n);
}

/** Seconds left as "< 1 s", "42 s", "3 min 5 s", "1 h 2 min"; "–" when unknown. */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 1) return '< 1 s';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - 60 * m);
  return m < 60 ? `${m} min ${s} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A learning rate with three significant digits: 0.001, 0.000447, 4.47e-8. */
export const formatRate = (lr) => String(Number(lr.toPrecision(3)));
