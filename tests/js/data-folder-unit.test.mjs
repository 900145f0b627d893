// An image folder's layout and its checks (www/data/folder.js), in Node: which picture is of which
// class and split, and one test per refusal, each message naming the file or folder, the problem
// and what to do. The engine's own checks of the IDX it then gets have Rust tests
// (src/data/loaders.rs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError, planFolder, relativeEntries } from '../../www/data/folder.js';
import { LIMITS } from './engine-default.mjs';

/** Entries of a folder from its paths (relative to the folder; sizes 1 kB unless given). */
const folder = (paths, size = 1000) => relativeEntries(paths.map((p) => ({ path: Array.isArray(p) ? p[0] : p, file: { size: Array.isArray(p) ? p[1] : size } })), false);
const pictures = (cls, n, ext = 'png') => Array.from({ length: n }, (_, i) => `${cls}/${i}.${ext}`);
const refused = (paths, pattern, heldOut = true, limits = LIMITS) =>
  assert.throws(() => planFolder(folder(paths), limits, heldOut), (err) => err instanceof DataError && pattern.test(err.message) || assert.fail(`message was: ${err.message}`));

test('one folder per class: classes in natural order, labels by folder, deeper folders belong to their class', () => {
  const plan = planFolder(folder([...pictures('dog', 3, 'jpg'), ...pictures('cat', 2), 'cat/kittens/a.JPEG', ...pictures('10', 2), ...pictures('9', 2)]), LIMITS);
  assert.deepEqual(plan.classes, ['9', '10', 'cat', 'dog']);
  assert.deepEqual(plan.counts.train, [2, 2, 3, 3]);
  assert.equal(plan.test, null, 'no test folder: a share is held out');
  assert.deepEqual(plan.train.find((e) => e.path === 'cat/kittens/a.JPEG')?.label, 2);
  assert.deepEqual(plan.train.filter((e) => e.label === 3).map((e) => e.path), ['dog/0.jpg', 'dog/1.jpg', 'dog/2.jpg']);
});

test('the picked folder\'s own name is stripped from a folder picker\'s paths', () => {
  const entries = relativeEntries([{ path: 'shapes/ring/1.png', file: { size: 1 } }, { path: 'shapes/bar/1.png', file: { size: 1 } }], true);
  assert.deepEqual(entries.map((e) => e.parts), [['ring', '1.png'], ['bar', '1.png']]);
});

test('train/ and test/ folders are the splits; a test/ beside class folders is the test split of those classes', () => {
  const split = planFolder(folder([...pictures('train/a', 2), ...pictures('train/b', 2), ...pictures('test/a', 1), ...pictures('Test/b', 1).map((p) => p.replace('Test', 'test'))]), LIMITS);
  assert.deepEqual(split.classes, ['a', 'b']);
  assert.deepEqual(split.counts, { train: [2, 2], test: [1, 1] });
  assert.deepEqual(split.test.map((e) => [e.path, e.label]), [['test/a/0.png', 0], ['test/b/0.png', 1]]);
  const beside = planFolder(folder([...pictures('a', 2), ...pictures('b', 2), ...pictures('test/a', 1), ...pictures('test/b', 1)]), LIMITS);
  assert.deepEqual(beside.classes, ['a', 'b'], 'test/ is no class');
  assert.deepEqual(beside.counts.test, [1, 1]);
});

test('files that are not pictures are skipped and listed; hidden and system files silently', () => {
  const plan = planFolder(folder([...pictures('a', 2), ...pictures('b', 2), 'README.md', 'a/labels.csv', '.DS_Store', 'b/.hidden.png', 'Thumbs.db', '__MACOSX/a/0.png']), LIMITS);
  assert.deepEqual(plan.skipped, ['README.md', 'a/labels.csv']);
  assert.deepEqual(plan.counts.train, [2, 2]);
});

test('refused: an empty folder', () => {
  refused([], /^the folder is empty — pick the folder that holds one folder of pictures per class$/);
  refused(['.DS_Store'], /^the folder is empty/);
});

test('refused: a folder without pictures names what it holds', () => {
  refused(['a/notes.txt', 'b/data.csv'], /^no PNG or JPEG pictures in the folder \(2 other files: a\/notes\.txt, b\/data\.csv\) — pick a folder with one folder of pictures per class$/);
});

test('refused: one class only', () => {
  refused(pictures('cats', 4), /^only one class folder \(cats\/\) — a network needs at least 2 classes to tell apart: add a folder of pictures for each other class beside it$/);
});

test('refused: pictures at the top level, outside every class folder (mixed-up files)', () => {
  refused([...pictures('a', 2), ...pictures('b', 2), 'stray.png', 'other.jpg'], /^stray\.png, other\.jpg are not in a class folder: every picture goes in the folder of its class \(e\.g\. cats\/stray\.png\) — move them into one or remove them$/);
  refused([...pictures('train/a', 2), ...pictures('train/b', 2), 'train/x.png'], /^train\/x\.png is not in a class folder: .*\(e\.g\. train\/cats\/x\.png\)/);
});

test('refused: class folders beside train/ (mixed-up layout)', () => {
  refused([...pictures('train/a', 2), ...pictures('train/b', 2), ...pictures('test/a', 1), ...pictures('test/b', 1), ...pictures('c', 2)], /^c\/ sits beside train\/ and test\/: with a train\/ folder every class folder goes inside it \(or inside test\/\) — move it there$/);
});

test('refused: a class folder with no pictures', () => {
  refused([...pictures('a', 2), ...pictures('b', 2), 'c/readme.txt'], /^the class folder c\/ has no PNG or JPEG pictures — add pictures of c or remove the folder$/);
});

test('refused: more classes than the engine takes', () => {
  const many = Array.from({ length: LIMITS.max_classes + 1 }, (_, k) => pictures(`class${k}`, 2)).flat();
  refused(many, new RegExp(`^${LIMITS.max_classes + 1} class folders, at most ${LIMITS.max_classes} are supported — merge classes or leave some out$`));
});

test('refused: a class name longer than the engine allows', () => {
  const long = 'x'.repeat(LIMITS.max_class_name_chars + 1);
  refused([...pictures(long, 2), ...pictures('b', 2)], new RegExp(`^the class folder x+/ has a name of ${LIMITS.max_class_name_chars + 1} characters, at most ${LIMITS.max_class_name_chars} are allowed — rename it shorter$`));
});

test('refused: a test class that is not a training class, and a training class missing from test/', () => {
  refused([...pictures('train/a', 2), ...pictures('train/b', 2), ...pictures('test/a', 1), ...pictures('test/b', 1), ...pictures('test/wolf', 1)], /^test\/wolf\/: no such class among the training folders \(a, b\) — rename it to a training class or add its training pictures$/);
  refused([...pictures('train/a', 2), ...pictures('train/b', 2), ...pictures('test/a', 1)], /^test\/ has no pictures of b — add test\/b\/ with pictures, or remove test\/ to hold out a share of every class instead$/);
});

test('refused: a class of one picture when a test share is held out (not with a test folder)', () => {
  refused([...pictures('a', 1), ...pictures('b', 3)], /^the class folder a\/ has one picture — holding out a test share needs at least two of every class/);
  assert.doesNotThrow(() => planFolder(folder([...pictures('a', 1), ...pictures('b', 3)]), LIMITS, false));
});

test('refused: more pictures than fit in the browser', () => {
  const small = { ...LIMITS, max_dataset_images: 5 };
  refused([...pictures('a', 3), ...pictures('b', 3)], /^6 pictures, at most 5 fit in the browser — use a part of the data set$/, true, small);
});

test('refused: a picture file larger than the engine reads, before it is read', () => {
  const big = LIMITS.max_dataset_file_bytes + 1;
  refused([...pictures('a', 2), ['b/huge.png', big], 'b/1.png'], /^b\/huge\.png: it is [\d.]+ MB, larger than any picture the page reads \(at most [\d.]+ MB\); pick another file$/);
});
