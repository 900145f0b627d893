// The "smoothed" lines of the batch-loss and compare charts (www/playground/playground.js, www/experiments/compare.js): an
// exponential moving average per training step, bias-corrected so the first steps are not pulled
// towards zero. Pure (no DOM), so Node can test it: tests/js/smoothing-unit.test.mjs.
//
// Loss is averaged on a log scale (a running geometric mean), like the log axis it is drawn on. An
// arithmetic mean would be dominated by the rare huge batch losses of a run that diverges (one
// batch at 10⁵ among batches at 2.3 would keep the line near 10³ for a hundred steps), so the line
// would sit far above what almost every batch does. Accuracy, on a linear axis, is averaged as is.

/** Weight of the past per training step (about the last 50 steps count). */
export const SMOOTHING_PER_STEP = 0.98;
/** The least value averaged on a log scale (log 0 is −∞). */
const MIN_LOSS = 1e-12;

export class Smoother {
  /** @param {{log?: boolean}} [options]  log: average log(value) (for losses; values must be > 0) */
  constructor({ log = false } = {}) {
    this.log = log;
    this.ema = 0;
    this.weight = 0;
    this.last = 0;
  }

  /**
   * The smoothed value after `value` at training step `step` (steps may skip: the weight decays
   * per step, not per call). A missing or unusable value (null, NaN, ±∞, or < 0 on a log scale)
   * is left out of the average and gives null.
   */
  push(step, value) {
    if (value == null || !Number.isFinite(value) || (this.log && value < 0)) return null;
    const beta = SMOOTHING_PER_STEP ** Math.max(1, step - this.last);
    this.last = step;
    // A loss of exactly 0 (a fully confident batch) counts as 10⁻¹² on the log scale.
    this.ema = beta * this.ema + (1 - beta) * (this.log ? Math.log(Math.max(value, MIN_LOSS)) : value);
    this.weight = beta * this.weight + (1 - beta);
    const mean = this.ema / this.weight;
    return this.log ? Math.exp(mean) : mean;
  }
}

/** Every point of `values` (at `steps`) smoothed; see Smoother. */
export function smoothSeries(steps, values, options) {
  const smoother = new Smoother(options);
  return values.map((v, i) => smoother.push(steps[i], v));
}
