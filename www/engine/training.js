// A training run: configure it (one worker, or a team of workers for several cores), train in
// chunks, report progress, layer statistics and each epoch's metrics, model and layer histograms
// (for TensorBoard), and answer pause / resume / step / stop / reset.
//
// A run trains in chunks of about CHUNK_MS, each a few `trainSteps` calls of about CALL_MS (the
// steps per call adapt to the measured time per step), then yields to the event loop through a
// MessageChannel (not setTimeout, which browsers clamp to 4 ms when nested), so `pause`, `stop`
// and `predict` are handled within one chunk. Progress is posted every TRAIN_PROGRESS_MS, layer
// statistics and first-layer weights every STATS_MS. At every epoch's end the validation and test
// sets are evaluated in slices of about CHUNK_MS too (www/engine/evaluation.js), then the epoch's
// hidden-layer map is made if the page follows it (www/engine/hidden-map.js).
//
// Does not: load data (the engine worker hands it the sets www/engine/data.js loaded: useTrainingSet),
// answer drawings (www/engine/models.js) or run the shard workers (www/engine/team.js).

import { FromWorker, RunState } from '../protocol.js';
import { describeError } from './errors.js';
import { SlicedEvaluation } from './evaluation.js';
import { mapAfterEpoch } from './hidden-map.js';
import { announceModel } from './models.js';
import { ProgressReport, STATS_MS, TRAIN_PROGRESS_MS } from './progress.js';
import { Team, canShare } from './team.js';
import { BUILD, Engine, engine, limits } from './wasm.js';

/** The data sets' IDX bytes for shard workers (null without shared memory), and the team of them. */
let trainingBytes = null;
/** @type {Team | null} */
let team = null;

/**
 * The training and test sets just loaded into the engine, kept for the shard workers of multi-core
 * runs (which need a shareable copy of them). A team of the previous data is shut down.
 */
export function useTrainingSet({ trainImages, trainLabels, testImages, testLabels, names = null }) {
  trainingBytes = canShare() ? { images: trainImages, labels: trainLabels, testImages, testLabels, names } : null;
  team?.shutdown();
  team = null;
}

const CHUNK_MS = 30;
const CALL_MS = 3;
const MAX_STEPS_PER_CALL = 4096;

/** The run's state as the page sees it (see RunState in protocol.js). */
const run = {
  state: RunState.IDLE,
  /** `step` with unit "epoch": pause when the current epoch ends. */
  untilEpochEnd: false,
  /** A Step pressed while paused during an epoch's evaluation: done when the evaluation ends. */
  deferredStep: null,
  info: null,
  /** Workers training the run (config.threads as used). */
  threads: 1,
  stepsPerCall: 1,
  /** The engine's Progress after the last training call (null before the first). */
  last: null,
  report: new ProgressReport(),
  scheduled: false,
  /** @type {SlicedEvaluation | null} an evaluation under way (see startEvaluation) */
  evaluation: null,
  /** Counts configured runs and resets: an evaluation of an older one is abandoned. */
  generation: 0,
};

function setState(state) {
  if (run.state === state) return;
  run.state = state;
  if (state !== RunState.RUNNING) run.untilEpochEnd = false;
  self.postMessage({ type: FromWorker.RUN_STATE, state });
}

const channel = new MessageChannel();
channel.port1.onmessage = () => {
  run.scheduled = false;
  try {
    if (run.evaluation) run.evaluation.step();
    else trainChunk();
  } catch (err) {
    run.evaluation = null;
    fail(err);
  }
};
function scheduleChunk() {
  if (run.scheduled) return;
  run.scheduled = true;
  channel.port2.postMessage(null);
}

/** Starts a run of `config`; with `threads` > 1 on a team of workers when the page can share memory. */
async function configure(requested) {
  // Without shared memory the run falls back to one core (and says so in `configured`).
  const threads = canShare() && trainingBytes ? (requested.threads ?? 1) : 1;
  const config = { ...requested, threads };
  let info;
  // More than limits.max_threads: the engine refuses it with a message saying so.
  if (Number.isInteger(threads) && threads > 1 && threads <= limits.max_threads) {
    if (!team) {
      team = new Team({ Engine, build: BUILD, ...trainingBytes });
      // Keep only the team's shared copies of the bytes (the unshared ones can be collected).
      trainingBytes = { images: team.images, labels: team.labels, testImages: team.test?.images ?? null, testLabels: team.test?.labels ?? null, names: team.names };
    }
    info = await team.configure(engine, config);
  } else {
    info = engine.configure(config);
  }
  run.threads = threads;
  run.evaluation = null;
  run.deferredStep = null;
  run.generation += 1;
  run.info = info;
  run.stepsPerCall = 1;
  run.last = null;
  run.report.newRun();
  self.postMessage({ type: FromWorker.CONFIGURED, info, config });
  announceModel();
}

/** One trainSteps call, timed; records its point. Returns the Progress record. */
function trainCall(maxSteps) {
  const t0 = performance.now();
  const p = run.threads > 1 ? team.trainSteps(engine, maxSteps) : engine.trainSteps(maxSteps);
  const ms = performance.now() - t0;
  if (p.steps > 0) {
    const perStep = ms / p.steps;
    const target = Math.round(CALL_MS / Math.max(perStep, 1e-3));
    // Grow gently, shrink at once: a slow call must not make a chunk overrun.
    run.stepsPerCall = Math.max(1, Math.min(MAX_STEPS_PER_CALL, target, run.stepsPerCall * 2));
  }
  run.report.record(p, ms);
  run.last = p;
  // The run's first call (one step): the hidden-layer map of its start, for the page's replay of
  // the epochs (the engine maps a run's network once it has taken a step).
  if (p.steps > 0 && p.step === p.steps && !p.epoch_finished) mapAfterEpoch(0, p.step);
  return p;
}

function postProgress() {
  if (run.last) run.report.postProgress(run.last, run.info);
}

/** Summary of an evaluation for the per-epoch charts (null when there was nothing to evaluate). */
const summary = (e) => (e && e.count > 0 ? { loss: e.loss, accuracy: e.accuracy, count: e.count } : null);

/** A whole test evaluation at once, of the answering model (the `evaluate` command). */
export function evaluateTest(id) {
  const epoch = run.last ? run.last.epoch + run.last.epoch_fraction : 0;
  const t0 = performance.now();
  const test = engine.evaluateTest();
  // `id` (the page's `evaluate` command) makes this the reply to it, not an epoch's evaluation.
  self.postMessage({ type: FromWorker.EVALUATION, id, which: 'test', step: run.last?.step ?? 0, epoch, evaluation: test, ms: performance.now() - t0 });
  return test;
}

function endEpoch(p) {
  const { trainMs, samples } = run.report.takeEpoch();
  // Histograms of the weights and of the last batch's gradients (for TensorBoard), taken now:
  // the evaluation below leaves them as they are, the next epoch's first step would not.
  let layers = [];
  try {
    layers = engine.layerHistograms();
  } catch {
    // none for this epoch (the record then exports its scalars only)
  }
  const phases = [['validation', run.info?.validation_images ?? 0], ['test', engine.testCount()]];
  startEvaluation(phases, ({ validation, test }, ms) => {
    if (test) self.postMessage({ type: FromWorker.EVALUATION, which: 'test', step: p.step, epoch: p.epoch, evaluation: test, ms });
    // The model as it is at this epoch's end, for the page's run history: asked for
    // after this message, it would already have trained on the next epoch's first batches.
    let model = null;
    try {
      model = engine.exportModel();
    } catch {
      // a diverged network is not exported (the run is failing anyway)
    }
    self.postMessage({
      type: FromWorker.EPOCH,
      model,
      layers,
      epoch: p.epoch,
      step: p.step,
      train: { loss: p.epoch_loss, accuracy: p.epoch_accuracy },
      validation: summary(validation),
      test: summary(test),
      samples_per_second: trainMs > 0 ? (1000 * samples) / trainMs : 0,
      train_ms: trainMs,
      evaluate_ms: ms,
    }, model ? [model.buffer] : []);
    mapAfterEpoch(p.epoch, p.step); // the epoch's hidden-layer map, if the page follows it
    run.report.resetWindow(); // the evaluation's time is not training time
    // Stopped while this last evaluation ran: the run ended as stopped, and stays so.
    if (p.finished && run.state !== RunState.STOPPED) setState(RunState.FINISHED);
    else if (run.untilEpochEnd && run.state === RunState.RUNNING) setState(RunState.PAUSED);
  });
}

/**
 * Evaluates `phases` (["validation" | "test", size]) in slices between which messages are handled;
 * `done(results, ms)` gets the merged evaluations by phase. A new run or a reset abandons it.
 */
function startEvaluation(phases, done) {
  const generation = run.generation;
  const evaluation = new SlicedEvaluation(phases, {
    chunkMs: CHUNK_MS,
    team: () => (run.threads > 1 && team?.active > 0 ? team : null),
    schedule: scheduleChunk,
    isCurrent: () => run.evaluation === evaluation && run.generation === generation,
    finish: (results, ms) => {
      run.evaluation = null;
      done(results, ms);
      if (run.state === RunState.RUNNING) scheduleChunk();
      const deferred = run.deferredStep;
      run.deferredStep = null;
      if (deferred && run.state === RunState.PAUSED) step(deferred);
    },
    fail: (err) => {
      if (run.evaluation !== evaluation) return;
      run.evaluation = null;
      fail(err);
    },
  });
  run.evaluation = evaluation;
  scheduleChunk();
}

/** Everything to do after training calls: progress, statistics, epoch end. */
function afterTraining(p, force) {
  const now = performance.now();
  if (force || p.epoch_finished || now - run.report.lastProgressAt >= TRAIN_PROGRESS_MS) postProgress();
  if (force || p.epoch_finished || now - run.report.lastStatsAt >= STATS_MS) run.report.postStats(run.last?.step ?? 0);
  announceModel();
  if (p.steps > 0 && (p.epoch_finished || p.finished)) endEpoch(p);
}

/** The engine's words when a shard worker of the run failed (src/wasm/shared_exchange.rs). */
const SHARD_FAILED = 'another training worker failed';
/** How long a failed multi-core run waits for the failed shard worker's own message. */
const SHARD_REASON_WAIT_MS = 300;

function fail(err) {
  const { message, fatal } = describeError(err);
  // The batches before the failing one still count (the run history keeps the curve up to it).
  if (!fatal && run.report.hasPoints) postProgress();
  const report = (text) => {
    if (!fatal) setState(RunState.FAILED);
    self.postMessage({ type: FromWorker.ERROR, message: text, fatal, during: 'training' });
    // A diverged network no longer answers drawings (the engine falls back to the loaded model).
    if (!fatal) announceModel();
  };
  if (fatal || !message.includes(SHARD_FAILED) || !team) return report(message);
  // A shard worker failed and its own message (say, its Rust panic) is still on its way: wait
  // briefly so the error says what went wrong there. Nothing trains meanwhile (the state is set
  // here and announced with the error); a new run started in between makes this report moot.
  const { state, generation } = run;
  run.state = RunState.FAILED;
  const started = performance.now();
  const waitForReason = () => {
    if (run.generation !== generation) return;
    const reason = team?.failure();
    if (!reason && performance.now() - started < SHARD_REASON_WAIT_MS) return setTimeout(waitForReason, 20);
    run.state = state;
    report(reason ? message.replace(SHARD_FAILED, `${SHARD_FAILED} (${reason})`) : message);
  };
  waitForReason();
}

function trainChunk() {
  if (run.state !== RunState.RUNNING) return;
  const start = performance.now();
  let p;
  try {
    do {
      p = trainCall(run.stepsPerCall);
    } while (!p.epoch_finished && !p.finished && p.steps > 0 && performance.now() - start < CHUNK_MS);
    afterTraining(p, false);
    if (p.steps === 0 && p.finished) setState(RunState.FINISHED);
  } catch (err) {
    return fail(err);
  }
  if (run.state === RunState.RUNNING) scheduleChunk();
}

const hasRun = () => run.state === RunState.RUNNING || run.state === RunState.PAUSED;

export async function start({ config }) {
  if (hasRun()) throw new Error('a run is in progress: stop or reset it first');
  await configure(config);
  setState(RunState.RUNNING);
  run.report.resetWindow();
  scheduleChunk();
}

export async function step({ config, unit }) {
  if (run.state === RunState.RUNNING) return; // already moving
  // A paused run's epoch-end evaluation is still running: its model must not change yet, so the
  // step waits for it (startEvaluation's finish). A finished or stopped run's evaluation is
  // abandoned by configure() below, as Train does.
  if (run.evaluation && run.state === RunState.PAUSED) {
    run.deferredStep = { config, unit };
    return;
  }
  if (run.state !== RunState.PAUSED) {
    await configure(config);
    setState(RunState.PAUSED);
  }
  run.report.resetWindow();
  if (unit === 'epoch') {
    setState(RunState.RUNNING);
    run.untilEpochEnd = true;
    scheduleChunk();
    return;
  }
  try {
    const p = trainCall(1);
    afterTraining(p, true);
  } catch (err) {
    fail(err);
  }
}

export function pause() {
  if (run.state !== RunState.RUNNING) return;
  if (run.last) postProgress(); // the last numbers first, then the state
  setState(RunState.PAUSED);
}

export function resume() {
  if (run.state !== RunState.PAUSED) return;
  setState(RunState.RUNNING);
  run.report.resetWindow();
  scheduleChunk();
}

export function stop() {
  if (!hasRun()) return;
  if (run.last) postProgress();
  setState(RunState.STOPPED);
  // The model as stopped, on the test set (unless an epoch's evaluation is already under way).
  const last = run.last;
  if (last && !run.evaluation) {
    startEvaluation([['test', engine.testCount()]], ({ test }, ms) => {
      if (test) self.postMessage({ type: FromWorker.EVALUATION, which: 'test', step: last.step, epoch: last.epoch + last.epoch_fraction, evaluation: test, ms });
    });
  }
}

export function reset() {
  engine.reset();
  run.evaluation = null;
  run.deferredStep = null;
  run.generation += 1;
  run.info = null;
  run.last = null;
  run.report.clearPoints();
  run.state = RunState.IDLE;
  run.untilEpochEnd = false;
  // Always confirmed: the page clears its views on this, after any message of the old run.
  self.postMessage({ type: FromWorker.RUN_STATE, state: RunState.IDLE, reset: true });
  announceModel();
}

/**
 * Test hook: make the first shard worker of the run panic, `when` "now" (the run then fails) or on
 * its next share of an evaluation ("evaluation").
 */
export function debugPanicShard(message, when) {
  team?.debugPanicShard(message, when);
}
