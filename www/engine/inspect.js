// Look inside training, in the engine worker: the learning-rate finder and the loss landscape
// (src/inspect/, through the Engine methods of src/wasm/inspect.rs), run in chunks between which the
// worker answers other commands, so pause, stop and predict of the shown run are never held up.
//
// - `lr-finder-start`: a range test on a fresh network of the form's config. Chunks of
//   `lrFinderStep(n)` sized to about CHUNK_MS; `lr-finder-progress` at most every PROGRESS_MS; then
//   `lr-finder-result` (also after `lr-finder-cancel`, with `stop: "cancelled"`).
// - `landscape-start`: the 1-D line (one call) and then the 2-D slice (random filter-normalised
//   directions, or the training path's two principal directions), one row per chunk:
//   `landscape-line`, `landscape-slice` (its grid and the checkpoints on its plane), one
//   `landscape-row` per row, then `landscape-done` (also after `landscape-cancel`).
//
// Neither touches the shown run: the finder trains its own network, the landscape works on copies
// (docs/inspect.md). A new start of the same tool replaces the one under way (its `…-result` /
// `landscape-done` says "cancelled"). Chunks yield through a MessageChannel, as training does.
//
// Does not: decide what is shown (www/inspect/), check ranges (the engine refuses with a message),
// or know the run's state (the page offers the landscape only when the run is not training).

import { FromWorker } from '../protocol.js';
import { describeError } from './errors.js';
import { Engine, engine } from './wasm.js';

const CHUNK_MS = 30;
const PROGRESS_MS = 100;
const MAX_FINDER_STEPS_PER_CALL = 64;

/** The finder under way: {id, done, stepsPerCall, postedAt, t0} or null. */
let finder = null;
/** The landscape under way: {id, row, resolution, t0, sliceT0, lineMs} or null. */
let landscape = null;

const channel = new MessageChannel();
let scheduled = false;
channel.port1.onmessage = () => {
  scheduled = false;
  if (finder) runFinder();
  if (landscape) runLandscapeRow();
  if (finder || landscape) schedule();
};
function schedule() {
  if (scheduled) return;
  scheduled = true;
  channel.port2.postMessage(null);
}

function reportError(err, id) {
  const { message, fatal } = describeError(err);
  self.postMessage({ type: FromWorker.ERROR, id, message, fatal });
}

// --- Learning-rate finder -------------------------------------------------------------------------

/** `lr-finder-start` {id, config, steps?}: replaces a sweep under way. */
export function startFinder({ id, config, steps }) {
  if (finder) endFinder({ stop: 'cancelled' });
  const count = steps ?? Engine.inspectLimits().default_finder_steps;
  // The sweep trains on one thread of its own, whatever the form's Cores say.
  const progress = engine.lrFinderStart({ ...config, threads: 1 }, count);
  finder = { id, steps: progress.steps, stepsPerCall: 1, postedAt: 0, t0: performance.now() };
  self.postMessage({ type: FromWorker.LR_FINDER_PROGRESS, id, ...progressOf(progress) });
  schedule();
}

/** `lr-finder-cancel`: ends the sweep under way (if any). */
export function cancelFinder() {
  if (!finder) return;
  engine.lrFinderCancel();
  endFinder({ stop: 'cancelled' });
}

const progressOf = (p) => ({ done: p.done, steps: p.steps, rate: p.rate ?? null, loss: p.loss ?? null, smoothed: p.smoothed ?? null });

function runFinder() {
  const job = finder;
  const start = performance.now();
  try {
    let p;
    do {
      const t0 = performance.now();
      p = engine.lrFinderStep(job.stepsPerCall);
      const perStep = (performance.now() - t0) / Math.max(1, job.stepsPerCall);
      // Grow gently, shrink at once: a chunk must not overrun.
      const target = Math.max(1, Math.floor(10 / Math.max(perStep, 1e-3)));
      job.stepsPerCall = Math.min(MAX_FINDER_STEPS_PER_CALL, target, job.stepsPerCall * 2);
    } while (!p.result && performance.now() - start < CHUNK_MS);
    if (p.result) {
      const r = p.result;
      self.postMessage({ type: FromWorker.LR_FINDER_PROGRESS, id: job.id, ...progressOf(p) });
      endFinder({ stop: r.stop, rates: r.rates, losses: r.losses, smoothed: r.smoothed, steepest: r.steepest ?? null, minimum_over_10: r.minimum_over_10 ?? null }, [r.rates.buffer, r.losses.buffer, r.smoothed.buffer]);
      engine.lrFinderCancel(); // the result is out; the sweep's network is not needed any more
    } else if (performance.now() - job.postedAt >= PROGRESS_MS) {
      job.postedAt = performance.now();
      self.postMessage({ type: FromWorker.LR_FINDER_PROGRESS, id: job.id, ...progressOf(p) });
    }
  } catch (err) {
    finder = null;
    try {
      engine.lrFinderCancel();
    } catch {
      // the engine's error is the one to report
    }
    reportError(err, job.id);
  }
}

function endFinder(result, transfer = []) {
  const job = finder;
  finder = null;
  self.postMessage({ type: FromWorker.LR_FINDER_RESULT, id: job.id, ms: performance.now() - job.t0, ...result }, transfer);
}

// --- Loss landscape -------------------------------------------------------------------------------

/**
 * `landscape-start` {id, points?, subset?, resolution?, radius?, seed?}: the line, then the slice
 * (the engine's defaults for what is left out); replaces a landscape under way.
 */
export function startLandscape({ id, points, subset, resolution, radius, seed, directions = 'random' }) {
  if (directions !== 'random' && directions !== 'trajectory') throw new Error(`directions must be "random" or "trajectory" (got ${JSON.stringify(directions)})`);
  if (landscape) endLandscape('cancelled');
  const limits = Engine.inspectLimits();
  const size = subset ?? limits.default_subset;
  const t0 = performance.now();
  const line = engine.landscapeLine(points ?? limits.default_line_points, size);
  const lineMs = performance.now() - t0;
  self.postMessage({ type: FromWorker.LANDSCAPE_LINE, id, alphas: line.alphas, train_loss: line.train_loss, test_loss: line.test_loss, model: line.model, subset: size, ms: lineMs }, [line.alphas.buffer, line.train_loss.buffer, line.test_loss.buffer]);
  const sliceT0 = performance.now();
  const grid = [resolution ?? limits.default_slice_resolution, radius ?? limits.default_slice_radius, size];
  const slice = directions === 'trajectory' ? engine.landscapeTrajectoryStart(...grid) : engine.landscapeSliceStart(...grid, seed ?? 1);
  landscape = { id, t0, sliceT0, lineMs, resolution: slice.resolution };
  self.postMessage({ type: FromWorker.LANDSCAPE_SLICE, id, directions, explained: slice.explained ?? null, resolution: slice.resolution, coordinates: slice.coordinates, checkpoints: slice.checkpoints, model: slice.model, subset: size, seed: seed ?? 1 }, [slice.coordinates.buffer]);
  schedule();
}

/** `landscape-cancel`: ends the landscape under way (if any). */
export function cancelLandscape() {
  if (!landscape) return;
  engine.landscapeSliceCancel();
  endLandscape('cancelled');
}

function runLandscapeRow() {
  const job = landscape;
  try {
    const row = engine.landscapeSliceRow();
    if (row === null) {
      engine.landscapeSliceCancel(); // every row is out
      return endLandscape('completed');
    }
    self.postMessage({ type: FromWorker.LANDSCAPE_ROW, id: job.id, row: row.row, done: row.done, resolution: row.resolution, losses: row.losses }, [row.losses.buffer]);
  } catch (err) {
    landscape = null;
    // A new run, Reset or a loaded model drops the engine's slice (src/wasm/inspect.rs new_run).
    const dropped = /no slice/.test(describeError(err).message);
    if (dropped) self.postMessage({ type: FromWorker.ERROR, id: job.id, message: 'the model changed (a new run, Reset or a loaded model) while its landscape was computed: compute it again', fatal: false });
    else reportError(err, job.id);
  }
}

function endLandscape(stop) {
  const job = landscape;
  landscape = null;
  const now = performance.now();
  self.postMessage({ type: FromWorker.LANDSCAPE_DONE, id: job.id, stop, line_ms: job.lineMs, slice_ms: now - job.sliceT0, ms: now - job.t0 });
}
