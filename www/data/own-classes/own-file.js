// "Your own classes" as a file: the export (JSON, versioned) and the checks of a file to import, so
// a class can pool its drawings on one machine (each learner exports, one imports them all).
//
// The file (FORMAT, VERSION 1):
//   {"format": "mnist-playground-own-classes", "version": 1, "exported": ISO date,
//    "side": 28, "classes": [{"name": "○", "examples": [{"image": [784 integers 0–255, row by row,
//    0 = background], "strokes": [[[x, y], …], …], "canvas": 280}, …]}, …]}
//   `strokes` are the pointer strokes in the drawing canvas's backing-store pixels, `canvas` that
//   canvas's side (x right, y down); `image` is what the network reads.
//
// Importing MERGES, never replaces: a class of the file joins the class of the same name (or
// becomes a new class after the others), and an example already there (same class, same image and
// strokes) is skipped, so importing the same file twice adds nothing. Nothing the learner drew is
// ever dropped by an import. A file with any problem is refused whole, with a message naming where
// (class, example) and what is wrong; nothing changes then.
//
// Pure (Node tests it: tests/js/own-classes-unit.test.mjs). Does not: read the file (www/ui/files.js)
// or write the store (own-store.js merge).

import { nameProblem, tidyName } from './class-names.js';

export const FORMAT = 'mnist-playground-own-classes';
export const VERSION = 1;
/** Files larger than this are refused before reading (10,000 examples are about 60 MB). */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
/** Stroke coordinates are written to this many decimals (a tenth of a backing-store pixel). */
const DECIMALS = 1;

const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : noun.endsWith('s') ? 'es' : 's'}`;
const round = (x) => Math.round(x * 10 ** DECIMALS) / 10 ** DECIMALS;
/** A value of the file as a message quotes it: JSON, at most 40 characters. */
const shown = (v) => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
};

/**
 * The file's text for `classes`: [{name, examples: [{image: Uint8Array, strokes, canvas}]}] in
 * label order, `side` the images' side.
 */
export function exportText(classes, side, now = new Date()) {
  const doc = {
    format: FORMAT,
    version: VERSION,
    exported: now.toISOString(),
    side,
    classes: classes.map((c) => ({
      name: c.name,
      examples: c.examples.map((e) => ({
        image: Array.from(e.image),
        strokes: e.strokes.map((s) => s.map(([x, y]) => [round(x), round(y)])),
        canvas: e.canvas,
      })),
    })),
  };
  return JSON.stringify(doc);
}

/** The file name of an export made on `now`: "my-classes-2026-12-06.json". */
export const exportName = (now = new Date()) => `my-classes-${now.toISOString().slice(0, 10)}.json`;

/** Why `strokes` are not strokes, or ''. */
function strokesProblem(strokes) {
  if (!Array.isArray(strokes) || strokes.length === 0) return 'its strokes are missing (a list of strokes, each a list of [x, y] points)';
  for (const [s, stroke] of strokes.entries()) {
    if (!Array.isArray(stroke) || stroke.length === 0) return `stroke ${s + 1} is not a list of [x, y] points`;
    const bad = stroke.findIndex((p) => !Array.isArray(p) || p.length !== 2 || !p.every((v) => typeof v === 'number' && Number.isFinite(v)));
    if (bad >= 0) return `point ${bad + 1} of stroke ${s + 1} is not a pair of finite numbers`;
  }
  return '';
}

/** Why `image` is not side × side grey values, or ''. */
function imageProblem(image, side) {
  if (!Array.isArray(image)) return `its image is missing (a list of ${side * side} grey values)`;
  if (image.length !== side * side) return `its image has ${image.length} values, expected ${side * side} (${side}×${side})`;
  const bad = image.findIndex((v) => !Number.isInteger(v) || v < 0 || v > 255);
  if (bad >= 0) return `pixel ${bad + 1} of its image is ${shown(image[bad])}; pixels are whole numbers from 0 to 255`;
  return '';
}

/**
 * The classes of an export's `text`, checked: `[{name, examples: [{image: Uint8Array, strokes,
 * canvas}]}]`. `limits` are the engine's (side, max_classes, max_class_name_chars); `maxExamples`
 * the most the store keeps. Throws an Error whose message says what is wrong and where.
 */
export function parseOwnClassesFile(text, limits, maxExamples) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`it is not JSON (${err.message.replace(/\s+/g, ' ')}); pick a file made with “Export”`);
  }
  if (doc === null || typeof doc !== 'object' || doc.format !== FORMAT) {
    throw new Error('it is not a file of your own classes (make one with “Export” in this panel)');
  }
  if (doc.version !== VERSION) {
    const newer = Number.isInteger(doc.version) && doc.version > VERSION;
    throw new Error(`it is version ${shown(doc.version)} of the file; this page reads version ${VERSION}${newer ? ' (it was made by a newer page: update this one)' : ''}`);
  }
  const side = limits.side;
  if (doc.side !== side) throw new Error(`its images are ${shown(doc.side)} pixels on a side; this page's are ${side}`);
  if (!Array.isArray(doc.classes) || doc.classes.length === 0) throw new Error('it holds no classes');
  if (doc.classes.length > limits.max_classes) throw new Error(`it has ${doc.classes.length} classes; at most ${limits.max_classes} fit`);
  const names = [];
  let total = 0;
  const classes = doc.classes.map((c, k) => {
    const where = `class ${k + 1}`;
    if (c === null || typeof c !== 'object' || typeof c.name !== 'string') throw new Error(`${where} has no name`);
    const name = tidyName(c.name);
    const problem = nameProblem(name, names, limits);
    if (problem) throw new Error(`${where}: ${problem}`);
    names.push(name);
    if (!Array.isArray(c.examples)) throw new Error(`${where} (“${name}”) has no list of examples`);
    total += c.examples.length;
    if (total > maxExamples) throw new Error(`it has more than ${maxExamples.toLocaleString('en-US')} examples, more than this page keeps`);
    const examples = c.examples.map((e, i) => {
      const at = `${where} (“${name}”), example ${i + 1}`;
      if (e === null || typeof e !== 'object') throw new Error(`${at} is not an example`);
      const problem = imageProblem(e.image, side) || strokesProblem(e.strokes) || (typeof e.canvas === 'number' && e.canvas > 0 && Number.isFinite(e.canvas) ? '' : 'its canvas size is missing (the drawing canvas\'s side, e.g. 280)');
      if (problem) throw new Error(`${at}: ${problem}`);
      return { image: Uint8Array.from(e.image), strokes: e.strokes, canvas: e.canvas };
    });
    return { name, examples };
  });
  return classes;
}

/** A key that is the same for the same drawing (image and strokes), to skip what is already there. */
const sameKey = (name, image, strokes) => `${name}\u0000${Array.from(image).join(',')}\u0000${JSON.stringify(strokes.map((s) => s.map(([x, y]) => [round(x), round(y)])))}`;

/**
 * What importing `incoming` (parseOwnClassesFile) into `current` ([{name, examples}] of the store)
 * does: `{newClasses: [name], additions: [{name, image, strokes, canvas}], skipped}` (skipped: the
 * examples already there). Throws a message when the result would have more classes than
 * limits.max_classes or more examples than `maxExamples`.
 */
export function mergePlan(current, incoming, limits, maxExamples) {
  const have = new Set();
  for (const c of current) for (const e of c.examples) have.add(sameKey(c.name, e.image, e.strokes));
  const known = new Set(current.map((c) => c.name));
  const newClasses = incoming.map((c) => c.name).filter((name) => !known.has(name));
  const classCount = current.length + newClasses.length;
  if (classCount > limits.max_classes) {
    throw new Error(`with its ${plural(newClasses.length, 'new class')} there would be ${classCount} classes; at most ${limits.max_classes} fit — remove some classes first, or rename them to match the file's`);
  }
  const additions = [];
  let skipped = 0;
  for (const c of incoming) {
    for (const e of c.examples) {
      const key = sameKey(c.name, e.image, e.strokes);
      if (have.has(key)) {
        skipped++;
        continue;
      }
      have.add(key);
      additions.push({ name: c.name, image: e.image, strokes: e.strokes, canvas: e.canvas });
    }
  }
  const total = current.reduce((n, c) => n + c.examples.length, 0) + additions.length;
  if (total > maxExamples) {
    throw new Error(`with its ${plural(additions.length, 'new example')} there would be ${total.toLocaleString('en-US')} examples; this page keeps at most ${maxExamples.toLocaleString('en-US')} — delete some first`);
  }
  return { newClasses, additions, skipped };
}

/** What an import did, in words: "Added 45 examples to 3 classes (1 new); 2 already here were skipped." */
export function mergeSummary({ newClasses, additions, skipped }) {
  const touched = new Set(additions.map((a) => a.name)).size;
  const parts = [additions.length ? `Added ${plural(additions.length, 'example')} to ${plural(touched, 'class')}` : 'Added no examples'];
  if (newClasses.length) parts.push(` (${newClasses.length} new: ${newClasses.map((n) => `“${n}”`).join(', ')})`);
  let text = `${parts.join('')}.`;
  if (skipped) text += ` ${plural(skipped, 'example')} ${skipped === 1 ? 'was' : 'were'} here already and ${skipped === 1 ? 'was' : 'were'} skipped.`;
  return text;
}
