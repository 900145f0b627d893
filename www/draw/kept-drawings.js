// Drawings a learner kept as labelled examples (from the drawing panel: "Not what you drew? It is
// a …"), stored in IndexedDB so that a reload or a closed tab loses none of them; training with
// one's own data reads them from here.
//
// Database `mnist-playground-drawings`, object store `drawings` (key: id), one record per drawing:
//   {schema, id, label: 0 … classes − 1, name: the class's name (absent in older records: the digit
//    String(label)), image: Uint8Array(side × side, the image the network read),
//    side, strokes: [[[x, y], …], …] (the pointer strokes in the drawing canvas's backing-store
//    pixels), canvas: that canvas's side, readAs: the class the model read (or null), model: the
//    answering model's name, createdAt}
// A stored record of another schema or the wrong shape is skipped and reported in `problem`, never
// shown. When IndexedDB fails (private mode, full, `?storage=memory`) the drawings are kept in memory
// and `problem` says that they will not survive a reload.
//
// Non-goals: training on the drawings, exporting or importing them, drawing them.

import { openDatabase, promisify } from '../ui/idb.js';

export const SCHEMA_VERSION = 1;
/** How many drawings are kept at most (each is a few kilobytes). */
export const MAX_KEPT = 5000;
const DB_NAME = 'mnist-playground-drawings';
const STORE = 'drawings';

const isPoint = (p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite);

/** Why a stored record cannot be used, or '' if it can. */
export function drawingProblem(r) {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return 'not an object';
  if (r.schema !== SCHEMA_VERSION) return `schema version ${JSON.stringify(r.schema)}, this page reads ${SCHEMA_VERSION}`;
  if (typeof r.id !== 'string' || r.id === '') return 'no id';
  if (!Number.isInteger(r.label) || r.label < 0) return 'no label';
  if (!Number.isInteger(r.side) || r.side < 1 || !(r.image instanceof Uint8Array) || r.image.length !== r.side * r.side) return 'bad image';
  if (!Array.isArray(r.strokes) || !r.strokes.every((s) => Array.isArray(s) && s.length > 0 && s.every(isPoint))) return 'bad strokes';
  if (typeof r.createdAt !== 'number') return 'no creation time';
  return '';
}

const describe = (err) =>
  err?.name === 'QuotaExceededError' ? "the browser's storage is full (quota exceeded)" : err?.message || String(err);

export class KeptDrawings {
  constructor() {
    /** @type {Map<string, object>} every kept drawing by id (complete in memory) */
    this.drawings = new Map();
    this.db = null;
    /** A readable problem with storage or stored records ('' when none). */
    this.problem = '';
    this.listeners = new Set();
  }

  /** Opens the store and reads every drawing; never throws (falls back to memory). */
  static async open({ forceMemory = false } = {}) {
    const kept = new KeptDrawings();
    if (forceMemory) {
      kept.problem = 'storage is off (?storage=memory): kept drawings last until the page is reloaded';
      return kept;
    }
    try {
      kept.db = await openDatabase(DB_NAME, 1, [STORE]);
      const records = await promisify(kept.db.transaction(STORE).objectStore(STORE).getAll());
      let skipped = 0;
      for (const r of records) {
        if (drawingProblem(r)) skipped++;
        else kept.drawings.set(r.id, r);
      }
      if (skipped) kept.problem = `${skipped} stored drawing${skipped === 1 ? '' : 's'} could not be read and ${skipped === 1 ? 'is' : 'are'} not shown`;
    } catch (err) {
      kept.db = null;
      kept.problem = `kept drawings last only until the page is reloaded: ${describe(err)}`;
    }
    return kept;
  }

  /** The kept drawings, oldest first. */
  list() {
    return [...this.drawings.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Calls `listener()` after every change; returns an unsubscribe function. */
  onChange(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Keeps a drawing labelled `label`; resolves to its record. Refuses (throws a message saying what
   * to do) when MAX_KEPT are kept. A storage failure keeps it in memory and sets `problem`.
   */
  async add({ label, name = String(label), image, strokes, canvas, readAs = null, model = '' }) {
    if (this.drawings.size >= MAX_KEPT) throw new Error(`${MAX_KEPT.toLocaleString('en-US')} drawings are kept already: delete some before keeping more`);
    const side = Math.round(Math.sqrt(image.length));
    const record = {
      schema: SCHEMA_VERSION,
      id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
      label,
      name: String(name),
      image: new Uint8Array(image),
      side,
      strokes,
      canvas,
      readAs,
      model,
      createdAt: Date.now(),
    };
    const problem = drawingProblem(record);
    if (problem) throw new Error(`this drawing cannot be kept: ${problem}`);
    this.drawings.set(record.id, record);
    await this.write((store) => store.put(record));
    this.emit();
    return record;
  }

  /** Deletes one kept drawing. */
  async remove(id) {
    if (!this.drawings.delete(id)) return;
    await this.write((store) => store.delete(id));
    this.emit();
  }

  async write(change) {
    if (!this.db) return;
    try {
      const tx = this.db.transaction(STORE, 'readwrite');
      change(tx.objectStore(STORE));
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('the write was aborted'));
      });
    } catch (err) {
      this.problem = `kept drawings are in memory only and will not survive a reload: ${describe(err)}`;
    }
  }

  emit() {
    for (const listener of this.listeners) listener();
  }
}
