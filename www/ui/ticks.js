// Axis tick labels and which log-axis ticks to keep, for the charts (www/charts/line-chart.js). Pure functions
// (no uPlot, no DOM), so Node can test them: tests/js/ticks-unit.test.mjs.

/** At most this many labelled decades on a log axis (a diverged run spans 10⁻³ … 10¹⁰). */
const MAX_DECADES = 6;

/** A superscript-free label for log-axis ticks: 0.001, 0.01 … 1e-6. */
export const logTick = (v) => (v == null ? '' : v >= 1e-3 && v < 1e4 ? String(Number(v.toPrecision(2))) : v.toExponential(0).replace('+', ''));

/** Linear-axis labels with enough digits to tell neighbouring ticks apart (0.0015, not 0.002). */
export const linearTick = (v) => (v == null ? '' : Math.abs(v) >= 1e4 ? new Intl.NumberFormat('en-US').format(v) : String(Number(v.toPrecision(4))));

/**
 * Log-axis ticks and grid lines only at 1, 2 and 5 × 10ⁿ; over more than 3 decades only at 10ⁿ, and
 * over more than MAX_DECADES decades only at every k-th power of ten so that labels do not crowd.
 * `splits` are uPlot's candidate tick values; kept ones stay, the others become null.
 */
export const logFilter = (u, splits) => {
  const decades = splits.length > 1 ? Math.log10(splits.at(-1) / splits[0]) : 0;
  // Under a decade (a tight range such as 0.07–0.35) also 3 × 10ⁿ, or there could be one label.
  const keep = decades > 3 ? [1] : decades < 1 ? [1, 2, 3, 5] : [1, 2, 5];
  const every = Math.max(1, Math.ceil(decades / MAX_DECADES));
  return splits.map((v) => {
    const exponent = Math.floor(Math.round(Math.log10(v) * 1e6) / 1e6);
    const mantissa = Math.round(v / 10 ** exponent);
    return keep.includes(mantissa) && (mantissa !== 1 || exponent % every === 0) ? v : null;
  });
};

/** Tick labels of an axis of fractions shown in percent: 0.95 → "95%", 0.925 → "92.5%". */
export const percentTick = (v) => (v == null ? '' : `${Number((100 * v).toPrecision(4))}%`);

/**
 * The shown span of an accuracy axis is at least this (5 percentage points), so the noise of a run
 * stuck near chance (say 10.2–11.4%) is not blown up to fill the chart as if it were learning.
 */
export const MIN_PERCENT_SPAN = 0.05;

/**
 * The y range [lo, hi] of an accuracy axis for data from `min` to `max` (fractions): the data plus
 * a tenth of its span on each side, widened about its middle to MIN_PERCENT_SPAN, kept in [0, 1].
 */
export const percentRange = (min, max) => {
  if (min == null || max == null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const pad = (max - min) / 10;
  let lo = min - pad;
  let hi = max + pad;
  if (hi - lo < MIN_PERCENT_SPAN) {
    const mid = (lo + hi) / 2;
    lo = mid - MIN_PERCENT_SPAN / 2;
    hi = mid + MIN_PERCENT_SPAN / 2;
  }
  if (lo < 0) [lo, hi] = [0, Math.min(1, hi - lo)];
  if (hi > 1) [lo, hi] = [Math.max(0, lo - (hi - 1)), 1];
  return [lo, hi];
};

/**
 * The y range of a log axis for positive data from `min` to `max`: the data with a margin of a
 * factor 1.25 on each side, not rounded out to whole decades (uPlot's default, which would put
 * losses of 0.08–0.3 on 0.01–1 and flatten them), the lower end then rounded down to one
 * significant digit (see floorOneDigit). One value gets a factor 2 on each side.
 */
export const logRange = (min, max) => {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return [0.01, 10];
  return min === max ? [floorOneDigit(min / 2), max * 2] : [floorOneDigit(min / 1.25), max * 1.25];
};

/**
 * The largest m × 10ⁿ (m = 1…9, as the exact decimal, e.g. 0.009) not above `v` > 0. uPlot's log
 * axis steps its ticks from the range's lower end: from an end off that grid (0.00961) its steps
 * go wrong (labels such as 0.016), and uPlot can even loop until it runs out of memory (see
 * docs/decisions.md).
 */
export const floorOneDigit = (v) => {
  // The decimal mantissa and exponent as JavaScript prints v (v / 10 ** e would make 0.3 into 2.99…).
  const [mantissa, exponent] = v.toExponential().split('e');
  return Number(`${mantissa[0]}e${exponent}`);
};
