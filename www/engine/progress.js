// What a training run reports as it trains: one point per step (batch) for the curves, the rate in
// samples per second, the time left, and the layer statistics with the first layer's weights; it
// posts `progress` and `layer-stats`.
//
// Does not: decide when to train or report (www/engine/training.js calls it), or compute the
// statistics (the engine does: src/train/metrics.rs).

import { FromWorker } from '../protocol.js';
import { engine, limits } from './wasm.js';

/** How often `progress` and `layer-stats` are posted while training. */
export const TRAIN_PROGRESS_MS = 200;
export const STATS_MS = 500;
/** First-layer units whose incoming weights are sent as images. */
const WEIGHT_UNITS = 64;

export class ProgressReport {
  constructor() {
    this.lastProgressAt = 0;
    this.lastStatsAt = 0;
    this.newRun();
  }

  /** A new run: no points, no rate, a new epoch. */
  newRun() {
    this.rate = 0;
    /** Training time (ms, excluding evaluations and pauses) and samples of the current epoch. */
    this.epochTrainMs = 0;
    this.epochSamples = 0;
    this.clearPoints();
    this.resetWindow();
  }

  /** Points since the last `progress` post: one per training step (batch). */
  clearPoints() {
    this.points = { step: [], loss: [], accuracy: [], learning_rate: [] };
  }

  get hasPoints() {
    return this.points.step.length > 0;
  }

  /** Starts the window of samples and wall time that the next rate (samples/s) is measured over. */
  resetWindow() {
    this.windowSamples = 0;
    this.windowStart = performance.now();
  }

  /** Records a trainSteps call `p` (the engine's Progress) that took `ms`. */
  record(p, ms) {
    if (p.steps > 0) {
      // A point per step (batch), not per call: a call's mean would smooth small batches' noise, by
      // an amount that depends on the machine's speed.
      const log = engine.lastSteps(); // [loss, accuracy, learning rate] per step of this call
      const first = p.step - p.steps + 1;
      for (let k = 0; k < p.steps; k++) {
        this.points.step.push(first + k);
        this.points.loss.push(log[3 * k]);
        this.points.accuracy.push(log[3 * k + 1]);
        this.points.learning_rate.push(log[3 * k + 2]);
      }
    }
    this.windowSamples += p.samples;
    this.epochTrainMs += ms;
    this.epochSamples += p.samples;
  }

  /** The epoch's training time and samples so far; the next epoch starts from zero. */
  takeEpoch() {
    const epoch = { trainMs: this.epochTrainMs, samples: this.epochSamples };
    this.epochTrainMs = 0;
    this.epochSamples = 0;
    return epoch;
  }

  /** Posts `progress` for the run's last Progress `p` and its RunInfo `info`. */
  postProgress(p, info) {
    const now = performance.now();
    const windowMs = now - this.windowStart;
    if (windowMs > 0 && this.windowSamples > 0) {
      const current = (1000 * this.windowSamples) / windowMs;
      this.rate = this.rate > 0 ? 0.6 * this.rate + 0.4 * current : current;
    }
    this.resetWindow();
    const batch = info ? info.training_images / info.steps_per_epoch : 1;
    const stepsLeft = p.total_steps - p.step;
    self.postMessage({
      type: FromWorker.PROGRESS,
      step: p.step,
      total_steps: p.total_steps,
      epoch: p.epoch,
      epoch_fraction: p.epoch_fraction,
      epochs: info ? p.total_steps / info.steps_per_epoch : 0,
      learning_rate: p.learning_rate,
      samples_per_second: this.rate,
      seconds_left: this.rate > 0 ? (stepsLeft * batch) / this.rate : null,
      points: this.points,
    });
    this.clearPoints();
    this.lastProgressAt = now;
  }

  /** Posts `layer-stats` of the network at `step`. */
  postStats(step) {
    this.lastStatsAt = performance.now();
    const layers = engine.layerStats();
    const weights = engine.firstLayerWeights(WEIGHT_UNITS);
    self.postMessage(
      { type: FromWorker.LAYER_STATS, step, layers, weights, units: weights.length / limits.pixels },
      [weights.buffer],
    );
  }
}
