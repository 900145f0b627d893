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
// When IndexedDB fails (private mode, quota, blocked, `?storage=memory` to try it) the history keeps
// working in memory and `problems` says that nothing will survive a reload.
//
// Non-goals: recording runs (www/experiments/recorder.js), showing them (www/experiments/runs-table.js), multi-tab merging.

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

/** Why a stored run record cannot be used, or '' if it can. */
export function recordProblem(r) {
  if (!isObject(r)) return 'not an object';
  if (r.schema !== SCHEMA_VERSION) return `schema version ${JSON.stringify(r.schema)}, this page reads ${SCHEMA_VERSION}`;
  if (typeof r.id !== 'string' || r.id === '') return 'no id';
  if (typeof r.name !== 'string') return 'no name';
  if (!isObject(r.config) || !Array.isArray(r.config.hidden)) return 'no config';
  if (!RECORD_STATES.includes(r.state)) return `unknown state ${JSON.stringify(r.state)}`;
  const s = r.steps;
  if (!isObject(s) || !['step', 'loss', 'accuracy', 'time'].every((k) => isNumberArray(s[k]))) return 'bad step curves';
  if (!['loss', 'accuracy', 'time'].every((k) => s[k].length === s.step.length)) return 'step curves of different lengths';
  // Optional: records made before the learning rate was recorded have no such curve.
  if (s.learning_rate !== undefined && !(isNumberArray(s.learning_rate) && s.learning_rate.length === s.step.length)) return 'bad learning-rate curve';
  if (!Array.isArray(r.epochs) || !r.epochs.every((e) => isObject(e) && Number.isInteger(e.epoch) && isObject(e.train))) return 'bad epoch list';
  if (!r.epochs.every((e) => e.layers === undefined || e.layers === null || Array.isArray(e.layers))) return 'bad layer histograms';
  const b = r.batches;
  if (b !== undefined && b !== null) {
    const curve = (a) => a instanceof Float32Array || isNumberArray(a);
    if (!isObject(b) || !['loss', 'accuracy', 'learning_rate'].every((k) => curve(b[k]))) return 'bad per-step curves';
    if (b.accuracy.length !== b.loss.length || b.learning_rate.length !== b.loss.length) return 'per-step curves of different lengths';
  }
  if (typeof r.createdAt !== 'number') return 'no creation time';
  return '';
}

function promisify(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function openDatabase() {
  return new Promise((resolve, reject) => {
    let request;
    try {
      request = indexedDB.open(DB_NAME, DB_VERSION);
    } catch (err) {
      reject(err);
      return;
    }
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains('runs')) db.createObjectStore('runs', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('models')) db.createObjectStore('models', { keyPath: 'id' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('could not open IndexedDB'));
    request.onblocked = () => reject(new Error('the database is blocked by another tab of this page'));
    setTimeout(() => reject(new Error('IndexedDB did not answer within 5 s')), 5000);
  });
}

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
    /** @type {Map<string, object>} models by run id, only while storage is in memory */
    this.memoryModels = new Map();
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
      history.db = await openDatabase();
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
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
      });
    } catch (err) {
      // Keep what is stored so far readable; carry on in memory from here.
      const models = this.memoryModels;
      this.fallBack(describeStorageError(err));
      if (store === 'models') models.set(value.id, value);
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
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
          tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
        });
      } catch (err) {
        this.fallBack(describeStorageError(err));
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
    if (!isObject(value) || value.schema !== SCHEMA_VERSION || !(value.bytes instanceof Uint8Array)) {
      throw new Error('the stored model record is old or corrupt; train the run again');
    }
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
    this.changed();
    if (this.db) {
      try {
        const tx = this.db.transaction(['runs', 'models'], 'readwrite');
        tx.objectStore('runs').delete(id);
        tx.objectStore('models').delete(id);
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
      } catch (err) {
        this.fallBack(describeStorageError(err));
      }
    }
    return { record, model };
  }

  async restore({ record, model }) {
    if (!record) return;
    await this.put(record);
    if (model) await this.putModel(record.id, model.bytes, model.epoch, model.step ?? null);
  }
}
