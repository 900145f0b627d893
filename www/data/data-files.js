// Picked data files (not a folder of pictures) → the sets of a `load-dataset` command: IDX image
// and label files, gzipped or not, with an optional names file; or a CSV in the "label, 784
// pixels" layout (one, or a training and a test file). Which file is which is told by its name
// (MNIST's own names work: train-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz); each file's
// size is checked before it is read (www/ui/files.js). Pure apart from reading the files, so Node
// tests every refusal (tests/js/data-files-unit.test.mjs).
//
// Does not: parse or check the contents (the engine's loaders do, src/data/loaders.rs, with
// messages naming the file), or decode pictures (folder.js, image-worker.js).

import { readFile, tooLarge } from '../ui/files.js';
import { DataError, PICTURE } from './folder.js';

const IMAGES = /idx3|images?\b|images?[-_.]/i;
const LABELS = /idx1|labels?\b|labels?[-_.]/i;
const TEST = /t10k|test/i;
const CSV = /\.csv(\.gz)?$/i;
const NAMES = /\.txt$/i;

const layoutHelp =
  'name them like train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz (t10k-… or test-… for a test set), or pick one CSV with a label and 784 pixels per line';

/**
 * What the picked `files` are: `{format: 'idx', train: {images, labels}, test: {images, labels} |
 * null, names: file | null}` or `{format: 'csv', train: file, test: file | null, names}`. Throws
 * DataError naming the file and what to do. `maxBytes`: the engine's limit per file.
 */
export function sortFiles(files, maxBytes) {
  const list = [...files];
  if (list.length === 0) throw new DataError('no files were picked');
  for (const file of list) {
    const why = tooLarge(file, maxBytes, 'data file the browser can hold');
    if (why) throw new DataError(`${file.name}: ${why}`);
  }
  const pictures = list.filter((f) => PICTURE.test(f.name));
  if (pictures.length > 0) {
    throw new DataError(`${pictures[0].name} is a picture: pictures load as a folder with one folder per class — use "Load image folder…" or drop the folder here`);
  }
  const namesFiles = list.filter((f) => NAMES.test(f.name));
  if (namesFiles.length > 1) throw new DataError(`${namesFiles.map((f) => f.name).join(' and ')}: more than one names file — pick one (a class name per line)`);
  const names = namesFiles[0] ?? null;
  const data = list.filter((f) => f !== names);
  if (data.length === 0) throw new DataError(`${names.name} holds class names only — pick the data files with it (${layoutHelp})`);

  const csvs = data.filter((f) => CSV.test(f.name));
  if (csvs.length > 0) {
    const others = data.filter((f) => !CSV.test(f.name));
    if (others.length > 0) throw new DataError(`${others[0].name} beside the CSV ${csvs[0].name}: pick either IDX files or CSV files, not both`);
    if (csvs.length > 2) throw new DataError(`${csvs.length} CSV files: pick one (a test share is held out) or two (one with "test" in its name)`);
    if (csvs.length === 1) return { format: 'csv', train: csvs[0], test: null, names };
    const tests = csvs.filter((f) => TEST.test(f.name));
    if (tests.length !== 1) throw new DataError(`${csvs[0].name} and ${csvs[1].name}: which is the test set? Put "test" in the name of one of them`);
    return { format: 'csv', train: csvs.find((f) => f !== tests[0]), test: tests[0], names };
  }

  const role = (f) => {
    const images = IMAGES.test(f.name);
    const labels = LABELS.test(f.name);
    if (images === labels) throw new DataError(`${f.name}: cannot tell whether it holds images or labels — ${layoutHelp}`);
    return images ? 'images' : 'labels';
  };
  const sets = { train: {}, test: {} };
  for (const f of data) {
    const split = TEST.test(f.name) ? 'test' : 'train';
    const kind = role(f);
    if (sets[split][kind]) throw new DataError(`${sets[split][kind].name} and ${f.name} are both ${split === 'test' ? 'test' : 'training'} ${kind} — pick one of them`);
    sets[split][kind] = f;
  }
  const complete = (s) => s.images && s.labels;
  for (const split of ['train', 'test']) {
    const s = sets[split];
    if ((s.images || s.labels) && !complete(s)) {
      const have = s.images ?? s.labels;
      throw new DataError(`${have.name} has no ${s.images ? 'labels' : 'images'} file beside it — pick the ${s.images ? 'labels' : 'images'} file too (${layoutHelp})`);
    }
  }
  if (!complete(sets.train)) throw new DataError(`only test files (${data.map((f) => f.name).join(', ')}) — pick the training images and labels too`);
  return { format: 'idx', train: sets.train, test: complete(sets.test) ? sets.test : null, names };
}

/**
 * The `load-dataset` files of `sorted` (sortFiles), read: `{train, test}` as www/protocol.js
 * describes them, and the buffers to transfer.
 */
export async function readSets(sorted, maxBytes) {
  const read = async (file) => {
    try {
      return await readFile(file, maxBytes, 'data file the browser can hold', 'bytes');
    } catch (err) {
      throw new DataError(`${file.name}: ${err.message}`);
    }
  };
  const names = sorted.names ? { names: await read(sorted.names), names_name: sorted.names.name } : {};
  const set = async (s) => {
    if (!s) return null;
    if (sorted.format === 'csv') return { format: 'csv', bytes: await read(s), name: s.name, ...names };
    return { format: 'idx', images: await read(s.images), images_name: s.images.name, labels: await read(s.labels), labels_name: s.labels.name, ...names };
  };
  const train = await set(sorted.train);
  const test = await set(sorted.test);
  return { train, test };
}
