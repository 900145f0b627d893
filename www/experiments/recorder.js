// Records every training run into the history (www/experiments/history.js) from the worker's messages
// (www/protocol.js): the config when it starts, its batch curves (thinned for the charts, and every
// step in `batches` for TensorBoard), each epoch's metrics and layer histograms, the last test
// evaluation, and how it ended. At every epoch's end (and when it stops) the model so far is
// exported from the worker and stored, so a reload mid-run keeps the completed epochs and their
// model; runs that were still going when the page went away show as "interrupted".
//
// Non-goals: drawing (www/experiments/runs-table.js, www/experiments/compare.js), starting runs (www/experiments/experiments-panel.js).

import { FromWorker, RunState } from '../protocol.js';
import { SCHEMA_VERSION } from './history.js';

/** Step curves are halved beyond this many points (like the playground's charts). */
const MAX_POINTS = 2_000;
/** A running record is saved at least this often (besides every epoch's end). */
const SAVE_MS = 3_000;
/**
 * Steps whose loss, accuracy and rate are all kept (`batches`, 12 bytes a step: 3 MB at most);
 * beyond it a run's later steps are left out of its TensorBoard logs (and the export says so).
 */
export const MAX_BATCHES = 250_000;
const BATCH_KEYS = ['loss', 'accuracy', 'learning_rate'];

const newId = () => `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export class Recorder {
  /**
   * @param {import('./history.js').History} history
   * @param {{exportModel: () => Promise<Uint8Array|null>}} engine
   */
  constructor(history, engine) {
    this.history = history;
    this.engine = engine;
    this.current = null;
    /** Set by experiments: the next configured run's name and experiment tag. */
    this.nextRun = null;
    this.listeners = new Set();
    this.lastSave = 0;
  }

  /**
   * Runs still "running" or "paused" in storage belonged to a page that went away — unless another
   * open tab still records them (it holds the run's Web Lock while it does).
   */
  async markInterrupted() {
    let held = new Set();
    try {
      const { held: locks = [] } = (await navigator.locks?.query()) ?? {};
      held = new Set(locks.map((lock) => lock.name));
    } catch {
      // no Web Locks: every unfinished run counts as interrupted
    }
    for (const record of this.history.list()) {
      if (held.has(lockName(record.id))) continue;
      if (record.state === RunState.RUNNING || record.state === RunState.PAUSED) {
        record.state = RunState.INTERRUPTED;
        record.error = record.error ?? `interrupted after ${record.epochs.length} completed epoch${record.epochs.length === 1 ? '' : 's'} (the page was reloaded or closed)`;
        this.history.put(record, { notify: false });
      }
    }
  }

  /** Calls `listener(record, event)` on run events: 'start', 'epoch', 'end'. */
  onEvent(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(record, event) {
    for (const listener of this.listeners) listener(record, event);
  }

  /** Follows the engine's messages on `bus` (www/app/engine-client.js). */
  subscribe(bus) {
    bus.on(FromWorker.CONFIGURED, (message) => this.start(message));
    bus.on(FromWorker.PROGRESS, (message) => this.progress(message));
    bus.on(FromWorker.EPOCH, (message) => this.epoch(message));
    bus.on(FromWorker.EVALUATION, (message) => this.evaluation(message));
    bus.on(FromWorker.RUN_STATE, (message) => this.state(message));
    bus.on(FromWorker.ERROR, (message) => this.error(message));
  }

  /** A test evaluation: the run's final numbers. */
  evaluation(message) {
    // A stopped run is evaluated after its `stopped` state: that evaluation still belongs to it.
    const stopped = this.ended?.state === RunState.STOPPED && message.step > 0 && this.endedAtStep === message.step ? this.ended : null;
    const r = this.current ?? stopped;
    if (!r || !message.evaluation) return;
    const e = message.evaluation;
    r.final = {
      epoch: message.epoch,
      step: message.step,
      loss: e.loss,
      accuracy: e.accuracy,
      count: e.count,
      confusion: e.confusion,
      per_class_accuracy: e.per_class_accuracy,
    };
    if (r === stopped && this.history.get(r.id) === r) this.history.put(r); // unless deleted meanwhile
  }

  /** An error: a failed run (`run-state` failed comes first, then this error saying why). */
  error(message) {
    const r = this.current ?? this.failing;
    if (r && (message.during === 'training' || message.fatal)) {
      r.error = message.message;
      const state = /diverged/i.test(message.message) ? RunState.DIVERGED : RunState.ERROR;
      if (this.current) this.end(state);
      else {
        r.state = state;
        this.history.put(r);
      }
    }
    this.failing = null;
  }

  start({ config, info }) {
    if (this.current) this.end(RunState.STOPPED);
    this.ended = null;
    this.lastStep = 0;
    const count = this.history.list().length + 1;
    const tag = this.nextRun;
    this.nextRun = null;
    const record = {
      schema: SCHEMA_VERSION,
      id: newId(),
      name: tag?.name ?? `Run ${count}`,
      note: tag?.note ?? '',
      createdAt: Date.now(),
      updatedAt: Date.now(),
      config: structuredClone(config),
      info: structuredClone(info),
      state: RunState.PAUSED,
      error: null,
      steps: { step: [], loss: [], accuracy: [], time: [], learning_rate: [] },
      epochs: [],
      final: null,
      durationMs: 0,
      samplesPerSecond: 0,
      experiment: tag?.experiment ?? null,
      modelEpoch: null,
      batches: null,
    };
    this.batchLog = new BatchLog();
    this.batchLog.copyTo(record);
    this.current = record;
    this.clock = { runningSince: null, elapsed: 0 };
    // Held while this page records the run: another tab opened meanwhile does not call it interrupted.
    this.releaseLock?.();
    navigator.locks
      ?.request(lockName(record.id), () => new Promise((resolve) => (this.releaseLock = resolve)))
      .catch(() => {});
    this.history.put(record);
    this.emit(record, 'start');
  }

  /** Seconds of training (pauses excluded) since the run started. */
  elapsed() {
    const c = this.clock;
    if (!c) return 0;
    return (c.elapsed + (c.runningSince === null ? 0 : performance.now() - c.runningSince)) / 1000;
  }

  progress({ points }) {
    const r = this.current;
    if (!r) return;
    if (points.step.length > 0) this.lastStep = points.step.at(-1);
    const s = r.steps;
    const t = this.elapsed();
    this.batchLog?.add(points);
    for (let i = 0; i < points.step.length; i++) {
      s.step.push(points.step[i]);
      s.loss.push(finite(points.loss[i]));
      s.accuracy.push(finite(points.accuracy[i]));
      s.time.push(t);
      s.learning_rate?.push(finite(points.learning_rate?.[i]));
    }
    if (s.step.length > MAX_POINTS) {
      for (const key of ['step', 'loss', 'accuracy', 'time', 'learning_rate']) if (s[key]) s[key] = s[key].filter((_, i) => i % 2 === 0);
    }
    r.durationMs = 1000 * t;
    if (performance.now() - this.lastSave > SAVE_MS) this.save(false);
  }

  epoch(e) {
    // An epoch whose evaluation was under way when the run was stopped arrives after `stopped`:
    // it still belongs to that run (its numbers and exactly its model).
    const late = this.ended?.state === RunState.STOPPED && e.step > 0 && e.step === this.endedAtStep && this.history.get(this.ended.id) === this.ended;
    const r = this.current ?? (late ? this.ended : null);
    if (!r) return;
    r.epochs.push({
      epoch: e.epoch,
      step: e.step,
      time: this.elapsed(),
      train: e.train,
      validation: e.validation,
      test: e.test,
      samples_per_second: e.samples_per_second,
      // Each layer's weight and gradient histograms (30 buckets each: about 1 KB a layer).
      layers: Array.isArray(e.layers) && e.layers.length > 0 ? e.layers : null,
    });
    this.batchLog?.copyTo(r);
    const rates = r.epochs.map((x) => x.samples_per_second).filter((x) => x > 0);
    r.samplesPerSecond = rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : 0;
    r.durationMs = 1000 * this.elapsed();
    if (late) this.history.put(r);
    else this.save(true);
    // The worker sends the epoch's model with it (null if it could not export one, e.g. diverged).
    if (e.model) this.saveModel(r, e.epoch, e.step, e.model);
    this.emit(r, 'epoch');
  }

  state({ state, reset }) {
    const r = this.current;
    const c = this.clock;
    if (c) {
      if (state === RunState.RUNNING && c.runningSince === null) c.runningSince = performance.now();
      if (state !== RunState.RUNNING && c.runningSince !== null) {
        c.elapsed += performance.now() - c.runningSince;
        c.runningSince = null;
      }
    }
    if (!r) {
      if (reset) this.ended = null; // a loaded model's evaluation is not the last run's
      return;
    }
    if (state === RunState.RUNNING || state === RunState.PAUSED) {
      r.state = state;
      this.save(true);
    } else if (state === RunState.FINISHED) this.end(RunState.FINISHED);
    else if (state === RunState.STOPPED) this.end(RunState.STOPPED);
    else if (state === RunState.FAILED) {
      this.failing = r;
      this.end(RunState.ERROR);
    }
    else if (reset) this.end(RunState.STOPPED, { exportable: false });
    if (reset) this.ended = null;
  }

  /** The run ended: final state, duration, its model (the one the epochs did not save yet). */
  end(state, { exportable = true } = {}) {
    const r = this.current;
    if (!r) return;
    this.current = null;
    this.ended = r;
    this.endedAtStep = this.lastStep;
    this.releaseLock?.();
    this.releaseLock = null;
    r.state = state;
    r.durationMs = 1000 * this.elapsed();
    this.batchLog?.copyTo(r);
    this.history.put(r);
    const lastStep = this.lastStep;
    const lastEpochStep = r.epochs.at(-1)?.step ?? 0;
    if (exportable && (state === RunState.FINISHED || state === RunState.STOPPED) && lastStep > lastEpochStep) {
      this.saveModel(r, r.epochs.length, lastStep);
    }
    this.emit(r, 'end');
  }

  save(notify) {
    if (!this.current) return;
    this.lastSave = performance.now();
    this.batchLog?.copyTo(this.current);
    this.history.put(this.current, { notify });
  }

  /** Stores the run's model after `epoch` completed epochs, at `step`: `bytes` if the worker sent
   *  them (with the epoch's message), else asked for now (a stopped run does not change). */
  async saveModel(record, epoch, step, bytes = null) {
    try {
      bytes ??= await this.engine.exportModel();
      if (!bytes || this.history.get(record.id) !== record) return; // deleted meanwhile
      // Stopped while an epoch's end was evaluated: that epoch arrived meanwhile and stored this
      // same model under its own number.
      const lastEpoch = record.epochs.at(-1);
      if (lastEpoch && lastEpoch.epoch > epoch && lastEpoch.step === step) return;
      await this.history.putRunModel(record, bytes, epoch, step);
    } catch (err) {
      console.warn(`the model of ${record.name} was not saved: ${err.message}`);
    }
  }
}

/**
 * Every step's loss, accuracy and learning rate of the run being recorded, in growing Float32Arrays
 * (the engine's own f32 values, so nothing is rounded); `copyTo` puts an exact-length copy in the
 * record as `batches: {loss, accuracy, learning_rate, cut}`, entry i = step i + 1. `cut` says why
 * later steps are missing: null (none are), "limit" (MAX_BATCHES) or "gap" (a step never arrived).
 */
class BatchLog {
  constructor() {
    this.count = 0;
    this.cut = null;
    this.arrays = Object.fromEntries(BATCH_KEYS.map((k) => [k, new Float32Array(1024)]));
  }

  add(points) {
    for (let i = 0; i < points.step.length && !this.cut; i++) {
      if (points.step[i] !== this.count + 1) this.cut = 'gap';
      else if (this.count >= MAX_BATCHES) this.cut = 'limit';
      else {
        if (this.count === this.arrays.loss.length) {
          for (const k of BATCH_KEYS) {
            const grown = new Float32Array(Math.min(2 * this.count, MAX_BATCHES));
            grown.set(this.arrays[k]);
            this.arrays[k] = grown;
          }
        }
        for (const k of BATCH_KEYS) this.arrays[k][this.count] = points[k]?.[i] ?? NaN;
        this.count += 1;
      }
    }
  }

  copyTo(record) {
    record.batches = { ...Object.fromEntries(BATCH_KEYS.map((k) => [k, this.arrays[k].slice(0, this.count)])), cut: this.cut };
  }
}

const lockName = (id) => `mnist-playground-run-${id}`;
const finite = (x) => (Number.isFinite(x) ? x : null);
