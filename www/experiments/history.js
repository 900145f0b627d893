// The run history: every training run's record and its model, kept in IndexedDB so that a reload,
// a crash or a closed tab loses nothing but the epoch in progress.
//
// Two object stores in the database `mnist-playground`:
//   runs    {schema, id, name, note, createdAt, updatedAt, config, info, state, error, steps (step,
//            loss, accuracy, time and, optionally, learning_rate arrays: thinned to ~2,000 points
//            for the charts), batches (optional: every step's loss, accuracy, learning_rate as
//            Float32Arrays, entry i = step i + 1, and `cut`; for TensorBoard), epochs (each
//            optionally with `layers`: weight and gradient histograms), final, durationMs,
//            samplesPerSecond, experiment, modelEpoch}   (key: id)
//            Records made before `batches` and `layers` were kept have neither (scalars only).
//   models  {schema, id, bytes: Uint8Array (the engine's model file), epoch, step (null in models
//            stored before steps were), savedAt} (key: id)
// Every record carries `schema` (SCHEMA_VERSION); a record of another version or of the wrong
// shape is reported in `problems` and skipped, never shown or trusted.
//
// When IndexedDB fails (private mode, blocked, `?storage=memory` to try it) the history keeps
// working in memory and `problems` says that nothing will survive a reload. When it is full (quota
// exceeded) the database stays open: what is stored still loads and deletes still free space; what
// could not be written is kept in memory (`unsaved`, `memoryModels`), `problems` says so and what to
// do, and once a delete has made room it is written again.
//
// Non-goals: recording runs (www/experiments/recorder.js), showing them (www/experiments/runs-table.js), multi-tab merging.

import { openDatabase, promisify } from '../ui/idb.js';
import { RunState } from '../protocol.js';

export const SCHEMA_VERSION = 1;
const DB_NAME = 'mnist-playground';
const DB_VERSION = 1;

/** The states a stored run can be in (www/protocol.js RunState): still going in this page, or how it ended. */
export const RECORD_STATES = Object.freeze([
  RunState.RUNNING,
  RunState.PAUSED,
  RunState.FINISHED,
  RunState.STOPPED,
  RunState.DIVERGED,
  RunState.ERROR,
  RunState.INTERRUPTED,
]);

const isObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);
const isNumberArray = (a) => Array.isArray(a) && a.every((x) => x === null || typeof x === 'number');
const isFiniteArray = (a) => Array.isArray(a) && a.every((x) => Number.isFinite(x));
const absentOr = (x, check) => x === undefined || x === null || check(x);
const isNumber = (x) => typeof x === 'number';
/** A loss and an accuracy, either of which may be missing (null: not finite when measured). */
const isMetrics = (m) => isObject(m) && absentOr(m.loss, isNumber) && absentOr(m.accuracy, isNumber);
/**
 * Whether `x` is what JSON can write: null, booleans, numbers (NaN and ±∞ become null), strings,
 * arrays and plain objects, at most 32 deep, and Float32Arrays (the per-step curves, `batches`,
 * which the runs file writes as numbers). IndexedDB can also hold dates, maps, other typed arrays
 * and big integers, which no part of a run record is.
 */
function isPlainData(x, depth = 0) {
  if (x === null || x === undefined || x instanceof Float32Array) return true;
  const type = typeof x;
  if (type === 'boolean' || type === 'number' || type === 'string') return true;
  if (type !== 'object' || depth >= 32) return false;
  if (Array.isArray(x)) return x.every((v) => isPlainData(v, depth + 1));
  const proto = Object.getPrototypeOf(x);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in x) if (Object.hasOwn(x, key) && !isPlainData(x[key], depth + 1)) return false;
  return true;
}

const isLeaf = (x) => x === null || ['undefined', 'number', 'string', 'boolean'].includes(typeof x);
/** The groups of an engine config (src/train/config.rs); every other field is one value. */
const CONFIG_GROUPS = ['optimizer', 'schedule', 'augment'];
/**
 * An engine config's shape: whole-number layer widths, groups of values (optimizer, schedule,
 * augment) and single values. Its ranges are the engine's to check.
 */
const isConfig = (c) =>
  isObject(c) &&
  Array.isArray(c.hidden) &&
  c.hidden.every(Number.isInteger) &&
  Object.entries(c).every(([key, v]) =>
    key === 'hidden' || (CONFIG_GROUPS.includes(key) ? v === undefined || (isObject(v) && Object.values(v).every(isLeaf)) : isLeaf(v)));

/** Largest time a Date holds (ECMAScript: ±8.64e15 ms). */
const MAX_TIME = 8.64e15;

/**
 * Why a stored run record cannot be used, or '' if it can. Every field the page reads from a
 * record is checked here (www/experiments/runs-table.js, compare.js, runs-file.js,
 * run-records.js), so a record that passes can be shown, compared and exported; optional fields
 * (learning-rate curve, final evaluation, duration) may be missing, as in older records.
 */
export function recordProblem(r) {
  if (!isObject(r)) return 'not an object';
  if (!isPlainData(r)) return 'holds values that are not plain data (JSON)';
  if (r.schema !== SCHEMA_VERSION) return `schema version ${describeValue(r.schema)}, this page reads ${SCHEMA_VERSION}`;
  if (typeof r.id !== 'string' || r.id === '') return 'no id';
  if (typeof r.name !== 'string') return 'no name';
  if (typeof r.note !== 'string') return 'no note';
  if (!isConfig(r.config)) return 'no config';
  if (!RECORD_STATES.includes(r.state)) return `unknown state ${describeValue(r.state)}`;
  if (!absentOr(r.error, (e) => typeof e === 'string')) return 'bad error message';
  const s = r.steps;
  if (!isObject(s) || !isFiniteArray(s.step) || !isFiniteArray(s.time) || !isNumberArray(s.loss) || !isNumberArray(s.accuracy)) return 'bad step curves';
  if (!['loss', 'accuracy', 'time'].every((k) => s[k].length === s.step.length)) return 'step curves of different lengths';
  // Optional: records made before the learning rate was recorded have no such curve.
  if (s.learning_rate !== undefined && !(isNumberArray(s.learning_rate) && s.learning_rate.length === s.step.length)) return 'bad learning-rate curve';
  const goodEpoch = (e) =>
    isObject(e) && Number.isInteger(e.epoch) && Number.isFinite(e.time) && absentOr(e.step, isNumber) && isMetrics(e.train) && absentOr(e.validation, isMetrics) && absentOr(e.test, isMetrics);
  if (!Array.isArray(r.epochs) || !r.epochs.every(goodEpoch)) return 'bad epoch list';
  if (!r.epochs.every((e) => e.layers === undefined || e.layers === null || Array.isArray(e.layers))) return 'bad layer histograms';
  const b = r.batches;
  if (b !== undefined && b !== null) {
    const curve = (a) => a instanceof Float32Array || isNumberArray(a);
    if (!isObject(b) || !['loss', 'accuracy', 'learning_rate'].every((k) => curve(b[k]))) return 'bad per-step curves';
    if (b.accuracy.length !== b.loss.length || b.learning_rate.length !== b.loss.length) return 'per-step curves of different lengths';
  }
  if (!absentOr(r.final, isMetrics)) return 'bad final evaluation';
  if (!Number.isFinite(r.createdAt) || Math.abs(r.createdAt) > MAX_TIME) return 'no creation time';
  if (!absentOr(r.durationMs, isNumber) || !absentOr(r.samplesPerSecond, isNumber)) return 'bad duration or speed';
  if (!absentOr(r.modelEpoch, Number.isInteger)) return 'bad model epoch';
  if (!absentOr(r.experiment, (x) => typeof x === 'string')) return 'bad experiment';
  return '';
}

/** A value named in a problem: JSON for what has it, the type otherwise, at most 40 characters. */
function describeValue(x) {
  let text;
  try {
    text = JSON.stringify(x) ?? String(typeof x);
  } catch {
    text = typeof x;
  }
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Why a stored model record cannot be used, or '' if it can: its bytes (the engine's model file,
 * checked by the engine when loaded) and when it was saved (www/experiments/models.js storedAt).
 */
export function storedModelProblem(m) {
  if (!isObject(m)) return 'not an object';
  if (m.schema !== SCHEMA_VERSION) return `schema version ${describeValue(m.schema)}, this page reads ${SCHEMA_VERSION}`;
  if (!(m.bytes instanceof Uint8Array)) return 'no model file bytes';
  if (!Number.isInteger(m.epoch) || m.epoch < 0) return 'no epoch';
  if (!absentOr(m.step, (x) => Number.isInteger(x) && x >= 0)) return 'bad step';
  return '';
}

const isQuotaError = (err) => err?.name === 'QuotaExceededError';

/** What the page says while the store is full: what happened and what to do. */
export const STORAGE_FULL_MESSAGE =
  'The browser\'s storage for this page is full (quota exceeded): new runs and models are kept in memory only and would be lost on reload. '
  + 'To make room, download what you want to keep (Runs + curves (JSON), and .bin for a model), then delete old runs: '
  + 'the page stores the rest as soon as there is room.';

/** Waits for a transaction to commit; rejects with its error if it fails or aborts. */
const committed = (tx) =>
  new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });

const describeStorageError = (err) => {
  const name = err?.name ?? '';
  if (name === 'QuotaExceededError') return 'the browser\'s storage is full (quota exceeded)';
  if (name === 'InvalidStateError' || name === 'SecurityError') return 'the browser refuses storage here (private mode?)';
  return err?.message || String(err);
};

export class History {
  constructor() {
    /** @type {Map<string, object>} runs by id (always complete in memory) */
    this.runs = new Map();
    /** @type {Map<string, object>} models by run id kept in memory: all of them while storage is in
     *  memory, those that did not fit while the store is full */
    this.memoryModels = new Map();
    /** Ids of runs whose last write did not fit (the store is full); written again once there is room. */
    this.unsaved = new Set();
    /** True while the store is full (quota exceeded). */
    this.full = false;
    this.db = null;
    this.mode = 'memory';
    /** Readable problems: storage failures, skipped records. */
    this.problems = [];
    this.listeners = new Set();
  }

  /** Opens IndexedDB and reads every run; never throws (falls back to memory). */
  static async open({ forceMemory = false } = {}) {
    const history = new History();
    if (forceMemory) {
      history.fallBack('storage is off (?storage=memory)');
      return history;
    }
    try {
      history.db = await openDatabase(DB_NAME, DB_VERSION, ['runs', 'models']);
      history.mode = 'indexeddb';
      const records = await promisify(history.db.transaction('runs').objectStore('runs').getAll());
      const skipped = [];
      for (const record of records) {
        const problem = recordProblem(record);
        if (problem) {
          skipped.push(`${typeof record?.id === 'string' ? record.id : '(no id)'}: ${problem}`);
          continue;
        }
        history.runs.set(record.id, record);
      }
      if (skipped.length > 0) {
        history.problems.push(
          `Skipped ${skipped.length} stored run record${skipped.length > 1 ? 's' : ''} that this page cannot read (old or corrupt): ${skipped.join('; ')}.`,
        );
      }
    } catch (err) {
      history.fallBack(describeStorageError(err));
    }
    return history;
  }

  fallBack(reason) {
    if (this.mode === 'memory' && this.problems.some((p) => p.startsWith('Runs are kept in memory'))) return;
    this.mode = 'memory';
    this.db?.close?.();
    this.db = null;
    this.problems.push(`Runs are kept in memory only and will be lost on reload: ${reason}.`);
    this.changed();
  }

  /** The store is full: keep going in memory, keep the database for reads and deletes, say so. */
  storageFull() {
    if (this.full) return;
    this.full = true;
    this.problems.push(STORAGE_FULL_MESSAGE);
    this.changed();
  }

  /**
   * After a delete while the store is full: writes what is kept in memory only, in one transaction.
   * If it fits the store is no longer full and the message goes; if not, it stays as it is.
   */
  async retryUnsaved() {
    if (!this.full || !this.db) return;
    const runs = [...this.unsaved].map((id) => this.runs.get(id)).filter(Boolean);
    const models = [...this.memoryModels.values()].filter((m) => this.runs.has(m.id));
    try {
      const tx = this.db.transaction(['runs', 'models'], 'readwrite');
      for (const model of models) tx.objectStore('models').put(model);
      for (const record of runs) tx.objectStore('runs').put(structuredClone(record));
      await committed(tx);
    } catch (err) {
      if (!isQuotaError(err)) this.fallBack(describeStorageError(err));
      return;
    }
    this.unsaved.clear();
    this.memoryModels.clear();
    this.full = false;
    this.problems = this.problems.filter((p) => p !== STORAGE_FULL_MESSAGE);
    this.changed();
  }

  onChange(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed() {
    for (const listener of this.listeners) listener(this);
  }

  list() {
    return [...this.runs.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  get(id) {
    return this.runs.get(id) ?? null;
  }

  async write(store, value) {
    if (!this.db) return;
    try {
      const tx = this.db.transaction(store, 'readwrite');
      tx.objectStore(store).put(value);
      await committed(tx);
      if (store === 'runs') this.unsaved.delete(value.id);
    } catch (err) {
      // Full: what is stored stays readable and deletable, this value waits in memory for room.
      // Otherwise carry on in memory from here.
      if (isQuotaError(err)) this.storageFull();
      else this.fallBack(describeStorageError(err));
      if (store === 'models') this.memoryModels.set(value.id, value);
      else if (this.db) this.unsaved.add(value.id);
    }
  }

  /** Saves (a copy of) a run record; `notify` re-renders listeners. */
  async put(record, { notify = true } = {}) {
    record.updatedAt = Date.now();
    this.runs.set(record.id, record);
    if (notify) this.changed();
    await this.write('runs', structuredClone(record));
  }

  /**
   * Saves a run's model and its record (with `modelEpoch`) in one transaction, so a stored record
   * never names a model that is not stored; listeners hear of it once both are written.
   */
  async putRunModel(record, bytes, epoch, step = null) {
    const value = { schema: SCHEMA_VERSION, id: record.id, bytes: new Uint8Array(bytes), epoch, step, savedAt: Date.now() };
    record.modelEpoch = epoch;
    record.updatedAt = Date.now();
    this.runs.set(record.id, record);
    if (!this.db) this.memoryModels.set(record.id, value);
    else {
      try {
        const tx = this.db.transaction(['runs', 'models'], 'readwrite');
        tx.objectStore('models').put(value);
        tx.objectStore('runs').put(structuredClone(record));
        await committed(tx);
        this.unsaved.delete(record.id);
        this.memoryModels.delete(record.id);
      } catch (err) {
        if (isQuotaError(err)) {
          this.storageFull();
          this.unsaved.add(record.id);
        } else this.fallBack(describeStorageError(err));
        this.memoryModels.set(record.id, value);
      }
    }
    this.changed();
  }

  async putModel(id, bytes, epoch, step = null) {
    const value = { schema: SCHEMA_VERSION, id, bytes: new Uint8Array(bytes), epoch, step, savedAt: Date.now() };
    if (!this.db) this.memoryModels.set(id, value);
    else await this.write('models', value);
  }

  /** The stored model file of a run: {bytes, epoch} or null; a corrupt entry throws a readable error. */
  async getModel(id) {
    let value = this.memoryModels.get(id);
    if (!value && this.db) {
      try {
        value = await promisify(this.db.transaction('models').objectStore('models').get(id));
      } catch (err) {
        throw new Error(`could not read the stored model: ${describeStorageError(err)}`);
      }
    }
    if (!value) return null;
    const problem = storedModelProblem(value);
    if (problem) throw new Error(`the stored model record is old or corrupt (${problem}); train the run again`);
    return value;
  }

  /** Deletes a run and its model; returns what is needed to undo it. */
  async delete(id) {
    const record = this.runs.get(id);
    let model = null;
    try {
      model = await this.getModel(id);
    } catch {
      model = null;
    }
    this.runs.delete(id);
    this.memoryModels.delete(id);
    this.unsaved.delete(id);
    this.changed();
    if (this.db) {
      try {
        const tx = this.db.transaction(['runs', 'models'], 'readwrite');
        tx.objectStore('runs').delete(id);
        tx.objectStore('models').delete(id);
        await committed(tx);
      } catch (err) {
        this.fallBack(describeStorageError(err));
        return { record, model };
      }
      await this.retryUnsaved();
    }
    return { record, model };
  }

  async restore({ record, model }) {
    if (!record) return;
    await this.put(record);
    if (model) await this.putModel(record.id, model.bytes, model.epoch, model.step ?? null);
  }
}
