// An image folder's layout → which picture is of which class, in which split, checked before a
// single picture is decoded. Pure (paths and sizes only), so Node tests every refusal
// (tests/js/data-folder-unit.test.mjs).
//
// Layout: one subfolder per class, named as the class (`cats/1.png`, `dogs/a/b.jpg`: pictures in
// deeper folders belong to the class folder they are in). A top-level folder named `test` is the
// test split, with the same class folders; the training classes are then in a `train` folder if
// there is one, else in the other top-level folders. Without `test`, a share of every class is
// held out (the engine does: `load-dataset` test_share).
//
// Decisions, said in the messages: files that are not pictures (a notes.txt, a labels.csv) are
// skipped and listed in a note; hidden files (.DS_Store) and system files (Thumbs.db, desktop.ini)
// are skipped silently. A picture outside every class folder, a folder beside `train`/`test`, a
// class folder without pictures, one class only, too many classes or pictures, a class name the
// engine would refuse, and a file larger than the engine reads are refused: nothing is loaded.
//
// Does not: decode pictures (image-worker.js), read files, or talk to the engine.

import { tooLarge } from '../ui/files.js';

/** Picture files the browser decodes (by extension, case-insensitive). */
export const PICTURE = /\.(png|jpe?g|webp|gif|bmp)$/i;
/** Files nobody put there on purpose: skipped without a word. */
const SYSTEM = /^(\.|thumbs\.db$|desktop\.ini$|__macosx$)/i;

/** At most this many file names are quoted in one message. */
const QUOTE = 3;

/** A refusal: its message names the file or folder, the problem and what to do. */
export class DataError extends Error {}

const quote = (list) => list.slice(0, QUOTE).join(', ') + (list.length > QUOTE ? ` and ${list.length - QUOTE} more` : '');
const plural = (n, word) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** Natural order of class names ("2" before "10", case-insensitive first). */
export const byName = (a, b) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);

/**
 * Paths as the folder gives them → paths inside the folder. `entries`: [{path ('a/b.png', '/'
 * separated), file}]; with `stripRoot`, the first part (the picked folder's own name) goes.
 */
export function relativeEntries(entries, stripRoot) {
  return entries.map(({ path, file }) => {
    const parts = String(path).split('/').filter((p) => p !== '');
    return { parts: stripRoot && parts.length > 1 ? parts.slice(1) : parts, file };
  });
}

/**
 * The plan of a folder: `{classes: [name…], train: [{file, path, label}], test: [...] | null,
 * skipped: [path…] (not pictures), counts: {train: [per class], test: [per class] | null}}`.
 * Throws DataError.
 * @param {{parts: string[], file: {size: number}}[]} entries  the folder's files (relativeEntries)
 * @param {{max_classes: number, min_classes: number, max_class_name_chars: number,
 *   max_dataset_images: number, max_dataset_file_bytes: number}} limits  the engine's
 * @param {boolean} heldOut  whether a share is held out when there is no `test` folder (then every
 *   class needs two pictures)
 */
export function planFolder(entries, limits, heldOut = true) {
  const files = entries.filter(({ parts }) => parts.length > 0 && !parts.some((p) => SYSTEM.test(p)));
  if (files.length === 0) throw new DataError('the folder is empty — pick the folder that holds one folder of pictures per class');
  const skipped = files.filter(({ parts }) => !PICTURE.test(parts.at(-1))).map(({ parts }) => parts.join('/'));
  const pictures = files.filter(({ parts }) => PICTURE.test(parts.at(-1)));
  if (pictures.length === 0) {
    throw new DataError(`no PNG or JPEG pictures in the folder (${plural(skipped.length, 'other file')}: ${quote(skipped)}) — pick a folder with one folder of pictures per class`);
  }

  const top = new Set(files.filter(({ parts }) => parts.length > 1).map(({ parts }) => parts[0]));
  const find = (name) => [...top].find((t) => t.toLowerCase() === name);
  const testDir = find('test');
  const trainDir = find('train');
  if (testDir || trainDir) {
    const beside = [...top].filter((t) => t !== testDir && t !== trainDir);
    const loose = pictures.filter(({ parts }) => parts.length === 1).map(({ parts }) => parts[0]);
    if (trainDir && beside.length > 0) {
      throw new DataError(
        `${quote(beside.map((b) => `${b}/`))} ${beside.length === 1 ? 'sits' : 'sit'} beside ${trainDir}/${testDir ? ` and ${testDir}/` : ''}: with a ${trainDir}/ folder every class folder goes inside it (or inside ${testDir ?? 'test'}/) — move ${beside.length === 1 ? 'it' : 'them'} there`,
      );
    }
    if (loose.length > 0) {
      throw new DataError(`${quote(loose)} ${loose.length === 1 ? 'is' : 'are'} not in a class folder: every picture goes in the folder of its class (e.g. cats/${loose[0]}) — move ${loose.length === 1 ? 'it' : 'them'} into one or remove ${loose.length === 1 ? 'it' : 'them'}`);
    }
  }
  const trainRoot = trainDir ? [trainDir] : [];
  const inSplit = (root) => (entry) => root.every((r, i) => entry.parts[i] === r);
  const trainFiles = files.filter(({ parts }) => parts[0] !== testDir && inSplit(trainRoot)({ parts }));
  const testFiles = testDir ? files.filter(({ parts }) => parts[0] === testDir) : null;

  const train = groupByClass(trainFiles, trainRoot, limits);
  const test = testFiles ? groupByClass(testFiles, [testDir], limits) : null;
  const classes = train.names;
  if (classes.length < limits.min_classes) {
    const only = classes.length === 1 ? `only one class folder (${classes[0]}/)` : 'no class folders';
    throw new DataError(`${only} — a network needs at least ${limits.min_classes} classes to tell apart: add a folder of pictures for each other class beside it`);
  }
  if (classes.length > limits.max_classes) {
    throw new DataError(`${classes.length} class folders, at most ${limits.max_classes} are supported — merge classes or leave some out`);
  }
  for (const name of classes) {
    const chars = [...name].length;
    if (chars > limits.max_class_name_chars) {
      throw new DataError(`the class folder ${name}/ has a name of ${chars} characters, at most ${limits.max_class_name_chars} are allowed — rename it shorter`);
    }
  }
  if (test) {
    const extra = test.names.filter((n) => !classes.includes(n));
    if (extra.length > 0) {
      throw new DataError(`${quote(extra.map((n) => `${testDir}/${n}/`))}: no such class among the training folders (${quote(classes)}) — rename it to a training class or add its training pictures`);
    }
    const missing = classes.filter((n) => !test.names.includes(n));
    if (missing.length > 0) {
      throw new DataError(`${testDir}/ has no pictures of ${quote(missing)} — add ${testDir}/${missing[0]}/ with pictures, or remove ${testDir}/ to hold out a share of every class instead`);
    }
  } else if (heldOut) {
    const few = classes.filter((n) => train.byClass.get(n).length < 2);
    if (few.length > 0) {
      throw new DataError(`the class folder ${few[0]}/ has one picture — holding out a test share needs at least two of every class (one to train on, one to test): add pictures`);
    }
  }
  const total = trainFiles.length + (testFiles?.length ?? 0);
  const pictureCount = pictures.length;
  if (pictureCount > limits.max_dataset_images) {
    throw new DataError(`${pictureCount.toLocaleString('en-US')} pictures, at most ${limits.max_dataset_images.toLocaleString('en-US')} fit in the browser — use a part of the data set`);
  }
  for (const { parts, file } of pictures) {
    const why = tooLarge(file, limits.max_dataset_file_bytes, 'picture the page reads');
    if (why) throw new DataError(`${parts.join('/')}: ${why}`);
  }
  const labelled = (group, prefix) =>
    classes.flatMap((name, label) => (group.byClass.get(name) ?? []).map(({ parts, file }) => ({ file, path: [...prefix, ...parts].join('/'), label })));
  return {
    classes,
    train: labelled(train, trainRoot),
    test: test ? labelled(test, [testDir]) : null,
    skipped,
    counts: {
      train: classes.map((n) => train.byClass.get(n).length),
      test: test ? classes.map((n) => test.byClass.get(n)?.length ?? 0) : null,
    },
    total,
  };
}

/**
 * The class folders of one split (`root`: the split's folder parts, [] for the folder itself):
 * `{names (sorted), byClass: Map(name → [{parts (inside the split), file}])}`. Refuses pictures
 * outside a class folder and class folders without pictures.
 */
function groupByClass(files, root, limits) {
  const where = root.length ? `${root.join('/')}/` : '';
  const inside = files.map(({ parts, file }) => ({ parts: parts.slice(root.length), file }));
  const loose = inside.filter(({ parts }) => parts.length === 1 && PICTURE.test(parts[0])).map(({ parts }) => `${where}${parts[0]}`);
  if (loose.length > 0) {
    throw new DataError(
      `${quote(loose)} ${loose.length === 1 ? 'is' : 'are'} not in a class folder: every picture goes in the folder of its class (e.g. ${where}cats/${loose[0].split('/').at(-1)}) — move ${loose.length === 1 ? 'it' : 'them'} into one or remove ${loose.length === 1 ? 'it' : 'them'}`,
    );
  }
  const byClass = new Map();
  const folders = new Set();
  for (const entry of inside) {
    if (entry.parts.length < 2) continue; // a non-picture file at the split's top: skipped
    const name = entry.parts[0];
    folders.add(name);
    if (!PICTURE.test(entry.parts.at(-1))) continue;
    if (!byClass.has(name)) byClass.set(name, []);
    byClass.get(name).push({ parts: entry.parts, file: entry.file });
  }
  const empty = [...folders].filter((n) => !byClass.has(n)).sort(byName);
  if (empty.length > 0) {
    throw new DataError(`the class folder ${where}${empty[0]}/ has no PNG or JPEG pictures — add pictures of ${empty[0]} or remove the folder`);
  }
  for (const list of byClass.values()) list.sort((a, b) => byName(a.parts.join('/'), b.parts.join('/')));
  return { names: [...byClass.keys()].sort(byName), byClass };
}
