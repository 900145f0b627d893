// The learner's own classes and their drawn examples, kept in IndexedDB so that a reload or a closed
// tab loses none of them (the pattern of www/draw/kept-drawings.js, with the helpers of
// www/ui/idb.js).
//
// Database `mnist-playground-own-classes`, two object stores (key: id):
//   classes:  {schema, id, name, order (the label order: classes sort by it), createdAt}
//   examples: {schema, id, classId, image: Uint8Array(side × side, the image the network reads,
//              made by the engine's preprocessing of the drawing), side, strokes: [[[x, y], …], …]
//              (pointer strokes in the drawing canvas's backing-store pixels), canvas: that
//              canvas's side, createdAt}
// An example belongs to its class by id, so renaming a class touches one record. Removing a class
// removes its examples in the same transaction. A stored record of another schema or the wrong
// shape is skipped and reported in `problem`, never shown. When IndexedDB fails (private mode,
// full, `?storage=memory`) everything is kept in memory and `problem` says it will not survive a
// reload.
//
// Does not: check names (class-names.js; callers check before calling), read or write files
// (own-file.js), draw or train.

import { openDatabase, promisify } from '../../ui/idb.js';

export const SCHEMA_VERSION = 1;
/** Most examples kept (each is a few kilobytes): a class's pooled drawings fit many times over. */
export const MAX_EXAMPLES = 10_000;
const DB_NAME = 'mnist-playground-own-classes';
const CLASSES = 'classes';
const EXAMPLES = 'examples';
/** The classes a learner starts with (rename, remove or add to them). */
export const STARTING_NAMES = Object.freeze(['○', '△', '✗']);

const isPoint = (p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite);
export const isStrokes = (strokes) => Array.isArray(strokes) && strokes.length > 0 && strokes.every((s) => Array.isArray(s) && s.length > 0 && s.every(isPoint));

const newId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const describe = (err) =>
  err?.name === 'QuotaExceededError' ? "the browser's storage is full (quota exceeded)" : err?.message || String(err);

/** Why a stored class record cannot be used, or '' if it can. */
export function classProblem(r) {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return 'not an object';
  if (r.schema !== SCHEMA_VERSION) return `schema version ${JSON.stringify(r.schema)}, this page reads ${SCHEMA_VERSION}`;
  if (typeof r.id !== 'string' || r.id === '') return 'no id';
  if (typeof r.name !== 'string' || r.name === '') return 'no name';
  if (!Number.isFinite(r.order)) return 'no order';
  return '';
}

/** Why a stored example record cannot be used, or '' if it can. */
export function exampleProblem(r) {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return 'not an object';
  if (r.schema !== SCHEMA_VERSION) return `schema version ${JSON.stringify(r.schema)}, this page reads ${SCHEMA_VERSION}`;
  if (typeof r.id !== 'string' || r.id === '') return 'no id';
  if (typeof r.classId !== 'string' || r.classId === '') return 'no class';
  if (!Number.isInteger(r.side) || r.side < 1 || !(r.image instanceof Uint8Array) || r.image.length !== r.side * r.side) return 'bad image';
  if (!isStrokes(r.strokes)) return 'bad strokes';
  if (!(r.canvas > 0)) return 'no canvas size';
  if (typeof r.createdAt !== 'number') return 'no creation time';
  return '';
}

export class OwnClasses {
  constructor() {
    /** @type {Map<string, object>} class records by id */
    this.classMap = new Map();
    /** @type {Map<string, object>} example records by id */
    this.exampleMap = new Map();
    this.db = null;
    /** A readable problem with storage or stored records ('' when none). */
    this.problem = '';
    this.listeners = new Set();
  }

  /**
   * Opens the store and reads everything; never throws (falls back to memory). A learner with no
   * classes yet gets STARTING_NAMES (stored at once, so their ids stay).
   */
  static async open({ forceMemory = false } = {}) {
    const own = new OwnClasses();
    if (forceMemory) own.problem = 'storage is off (?storage=memory): your classes last until the page is reloaded';
    else {
      try {
        own.db = await openDatabase(DB_NAME, 1, [CLASSES, EXAMPLES]);
        const tx = own.db.transaction([CLASSES, EXAMPLES]);
        const [classes, examples] = await Promise.all([promisify(tx.objectStore(CLASSES).getAll()), promisify(tx.objectStore(EXAMPLES).getAll())]);
        let skipped = 0;
        for (const r of classes) {
          if (classProblem(r)) skipped++;
          else own.classMap.set(r.id, r);
        }
        for (const r of examples) {
          if (exampleProblem(r) || !own.classMap.has(r.classId)) skipped++;
          else own.exampleMap.set(r.id, r);
        }
        if (skipped) own.problem = `${plural(skipped, 'stored record')} could not be read and ${skipped === 1 ? 'is' : 'are'} not shown`;
      } catch (err) {
        own.db = null;
        own.problem = `your classes last only until the page is reloaded: ${describe(err)}`;
      }
    }
    if (own.classMap.size === 0) {
      const records = STARTING_NAMES.map((name, order) => own.classRecord(name, order));
      for (const r of records) own.classMap.set(r.id, r);
      await own.write((stores) => records.forEach((r) => stores.classes.put(r)));
    }
    return own;
  }

  classRecord(name, order) {
    return { schema: SCHEMA_VERSION, id: newId(), name, order, createdAt: Date.now() };
  }

  /** The classes in label order. */
  classes() {
    return [...this.classMap.values()].sort((a, b) => a.order - b.order || a.createdAt - b.createdAt);
  }

  /** The class names in label order. */
  names() {
    return this.classes().map((c) => c.name);
  }

  /** The examples of class `classId`, oldest first. */
  examplesOf(classId) {
    return [...this.exampleMap.values()].filter((e) => e.classId === classId).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** How many examples each class has, by class id. */
  counts() {
    const counts = new Map([...this.classMap.keys()].map((id) => [id, 0]));
    for (const e of this.exampleMap.values()) counts.set(e.classId, (counts.get(e.classId) ?? 0) + 1);
    return counts;
  }

  get exampleCount() {
    return this.exampleMap.size;
  }

  /** Calls `listener()` after every change; returns an unsubscribe function. */
  onChange(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds a class named `name` (checked by the caller) after the others; resolves to its record. */
  async addClass(name) {
    const last = this.classes().at(-1);
    const record = this.classRecord(name, last ? last.order + 1 : 0);
    this.classMap.set(record.id, record);
    await this.write((stores) => stores.classes.put(record));
    this.emit();
    return record;
  }

  /** Renames class `id` (the name checked by the caller). */
  async renameClass(id, name) {
    const old = this.classMap.get(id);
    if (!old || old.name === name) return;
    const record = { ...old, name };
    this.classMap.set(id, record);
    await this.write((stores) => stores.classes.put(record));
    this.emit();
  }

  /** Removes class `id` and its examples (the caller asked the learner first). */
  async removeClass(id) {
    if (!this.classMap.delete(id)) return;
    const gone = this.examplesOf(id).map((e) => e.id);
    for (const e of gone) this.exampleMap.delete(e);
    await this.write((stores) => {
      stores.classes.delete(id);
      for (const e of gone) stores.examples.delete(e);
    });
    this.emit();
  }

  /**
   * Keeps an example of class `classId`: `image` (Uint8Array, side × side), `strokes`, `canvas`.
   * Refuses (throws a message saying what to do) beyond MAX_EXAMPLES or for an unknown class.
   */
  async addExample(classId, { image, strokes, canvas }) {
    if (!this.classMap.has(classId)) throw new Error('that class is gone: pick another one');
    if (this.exampleMap.size >= MAX_EXAMPLES) throw new Error(`${MAX_EXAMPLES.toLocaleString('en-US')} examples are kept already: delete some before adding more`);
    const record = { schema: SCHEMA_VERSION, id: newId(), classId, image: new Uint8Array(image), side: Math.round(Math.sqrt(image.length)), strokes, canvas, createdAt: Date.now() };
    const problem = exampleProblem(record);
    if (problem) throw new Error(`this example cannot be kept: ${problem}`);
    this.exampleMap.set(record.id, record);
    await this.write((stores) => stores.examples.put(record));
    this.emit();
    return record;
  }

  /** Deletes one example. */
  async removeExample(id) {
    if (!this.exampleMap.delete(id)) return;
    await this.write((stores) => stores.examples.delete(id));
    this.emit();
  }

  /** Deletes every class and example, then starts again from STARTING_NAMES (the caller asked first). */
  async clearAll() {
    this.classMap.clear();
    this.exampleMap.clear();
    const records = STARTING_NAMES.map((name, order) => this.classRecord(name, order));
    for (const r of records) this.classMap.set(r.id, r);
    await this.write((stores) => {
      stores.classes.clear();
      stores.examples.clear();
      records.forEach((r) => stores.classes.put(r));
    });
    this.emit();
  }

  /**
   * Adds what a file brought (own-file.js mergePlan: `{newClasses: [name], additions: [{name,
   * image, strokes, canvas}]}`) in one transaction: new classes after the others, each addition
   * to the class of its name. The plan was checked against the limits beforehand.
   */
  async merge({ newClasses, additions }) {
    let order = (this.classes().at(-1)?.order ?? -1) + 1;
    const created = newClasses.map((name) => this.classRecord(name, order++));
    for (const r of created) this.classMap.set(r.id, r);
    const idOf = new Map(this.classes().map((c) => [c.name, c.id]));
    const now = Date.now();
    const records = additions.map((a, i) => ({
      schema: SCHEMA_VERSION,
      id: newId() + i.toString(36),
      classId: idOf.get(a.name),
      image: new Uint8Array(a.image),
      side: Math.round(Math.sqrt(a.image.length)),
      strokes: a.strokes,
      canvas: a.canvas,
      createdAt: now + i / 1000, // keeps the file's order
    }));
    for (const r of records) this.exampleMap.set(r.id, r);
    await this.write((stores) => {
      created.forEach((r) => stores.classes.put(r));
      records.forEach((r) => stores.examples.put(r));
    });
    this.emit();
  }

  /** Runs `change({classes, examples})` (object stores) in one read-write transaction, if stored. */
  async write(change) {
    if (!this.db) return;
    try {
      const tx = this.db.transaction([CLASSES, EXAMPLES], 'readwrite');
      change({ classes: tx.objectStore(CLASSES), examples: tx.objectStore(EXAMPLES) });
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('the write was aborted'));
      });
    } catch (err) {
      this.problem = `your classes are in memory only and will not survive a reload: ${describe(err)}`;
    }
  }

  emit() {
    for (const listener of this.listeners) listener();
  }
}
