// Axis tick labels and which log-axis ticks to keep, for the charts (www/charts.js). Pure functions
// (no uPlot, no DOM), so Node can test them: tests/e2e/ticks-unit.test.mjs.

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
  const keep = decades > 3 ? [1] : [1, 2, 5];
  const every = Math.max(1, Math.ceil(decades / MAX_DECADES));
  return splits.map((v) => {
    const exponent = Math.floor(Math.round(Math.log10(v) * 1e6) / 1e6);
    const mantissa = Math.round(v / 10 ** exponent);
    return keep.includes(mantissa) && (mantissa !== 1 || exponent % every === 0) ? v : null;
  });
};
