// Fuzz target: the new data loaders' page side (issue 19) — an image folder's layout
// (www/data/folder.js relativeEntries + planFolder, with the engine's limits from its build) and a
// picture's pixels → the network's 28×28 image (www/data/preprocess.js toNetworkImage).
// Inputs: folders the panel accepts (class folders, train/ and test/ splits), mutated by moves that
// break them (a file moved to the top, a class emptied or renamed to markup, a long or blank name,
// system and non-picture files, deep folders, huge sizes, hundreds of classes) and random paths;
// pictures of random size (1×1 up to 64×64) with random, flat, all-ink and noise pixels.
// Properties:
//   - planFolder returns a plan or refuses with a one-line DataError (nothing else is thrown);
//   - a plan holds min_classes … max_classes classes, each with a name the engine takes, every
//     picture exactly once, labels that index the classes, per-class counts that add up, test
//     classes among the training ones, and every class with a picture in each split;
//   - toNetworkImage returns 784 bytes or a one-line problem.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { expectRefusal, fuzz } from './harness.mjs';
import { LIMITS } from '../engine-default.mjs';
import { DataError, planFolder, relativeEntries } from '../../../www/data/folder.js';
import { MODES, toNetworkImage } from '../../../www/data/preprocess.js';

const name = fc.oneof(
  fc.constantFrom('cats', 'dogs', 'A', 'B', '✓', '✗', '○', 'test', 'train', 'TEST', 'Train', '.DS_Store', 'Thumbs.db', '__MACOSX', '<img src=x>', ' ', '10', '2'),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('/')),
  fc.string({ minLength: 60, maxLength: 80 }).filter((s) => !s.includes('/')),
);
const fileName = fc.tuple(fc.oneof(fc.constantFrom('1', 'a', 'img 7', ''), fc.string({ maxLength: 6 })), fc.constantFrom('.png', '.PNG', '.jpg', '.jpeg', '.webp', '.txt', '.csv', '', '.png.bak', '.gif')).map(([b, e]) => `${b}${e}`);
const size = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 50_000 }) }, { weight: 1, arbitrary: fc.constantFrom(LIMITS.max_dataset_file_bytes, LIMITS.max_dataset_file_bytes + 1, Number.MAX_SAFE_INTEGER) });

/** A well-formed folder: k classes of n pictures, maybe split into train/ and test/. */
const goodFolder = fc
  .record({ classes: fc.integer({ min: 2, max: 6 }), per: fc.integer({ min: 2, max: 5 }), split: fc.boolean(), root: fc.boolean() })
  .map(({ classes, per, split, root }) => {
    const entries = [];
    for (const s of split ? ['train', 'test'] : ['']) {
      for (let c = 0; c < classes; c++) {
        for (let i = 0; i < per; i++) entries.push({ path: `${root ? 'picked/' : ''}${s ? `${s}/` : ''}class${c}/${i}.png`, file: { size: 100 + i } });
      }
    }
    return { entries, root };
  });

const move = fc.oneof(
  fc.record({ kind: fc.constant('add'), path: fc.array(name, { minLength: 0, maxLength: 3 }), file: fileName, size }),
  fc.record({ kind: fc.constant('drop'), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename'), at: fc.nat(), part: fc.nat(3), to: name }),
  fc.record({ kind: fc.constant('resize'), at: fc.nat(), size }),
  fc.record({ kind: fc.constant('classes'), count: fc.integer({ min: LIMITS.max_classes - 1, max: LIMITS.max_classes + 2 }) }),
);

function applyMoves({ entries, root }, moves) {
  const list = entries.map((e) => ({ ...e }));
  for (const m of moves) {
    if (m.kind === 'add') list.push({ path: [...m.path, m.file].join('/'), file: { size: m.size } });
    else if (list.length === 0) continue;
    else if (m.kind === 'drop') list.splice(m.at % list.length, 1);
    else if (m.kind === 'resize') list[m.at % list.length].file = { size: m.size };
    else if (m.kind === 'rename') {
      const e = list[m.at % list.length];
      const parts = e.path.split('/');
      parts[m.part % parts.length] = m.to;
      e.path = parts.join('/');
    } else if (m.kind === 'classes') {
      for (let c = 0; c < m.count; c++) for (const i of [0, 1]) list.push({ path: `${root ? 'picked/' : ''}many${c}/${i}.png`, file: { size: 10 } });
    }
  }
  // A folder holds a path once.
  const seen = new Set();
  return { entries: list.filter((e) => !seen.has(e.path) && seen.add(e.path)), root };
}

const folderInput = fc.oneof(
  { weight: 1, arbitrary: goodFolder.map((f) => ({ folder: f, good: true })) },
  { weight: 5, arbitrary: fc.tuple(goodFolder, fc.array(move, { minLength: 1, maxLength: 4 })).map(([f, moves]) => ({ folder: applyMoves(f, moves) })) },
  { weight: 1, arbitrary: fc.array(fc.record({ path: fc.string({ maxLength: 30 }), file: fc.record({ size }) }), { maxLength: 8 }).map((entries) => ({ folder: { entries, root: false } })) },
);

const pictureInput = fc
  .record({
    width: fc.integer({ min: 1, max: 64 }),
    height: fc.integer({ min: 1, max: 64 }),
    fill: fc.constantFrom('noise', 'flat', 'ink', 'blob', 'transparent'),
    seed: fc.integer(),
    mode: fc.constantFrom(MODES.MNIST, MODES.PLAIN),
  })
  .map((p) => ({ picture: p }));

function pixels({ width, height, fill, seed }) {
  const rgba = new Uint8ClampedArray(width * height * 4);
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    const grey = fill === 'noise' ? rand() : fill === 'flat' ? 200 : fill === 'ink' ? 0 : Math.hypot(x - width / 2, y - height / 2) < Math.min(width, height) / 4 ? 0 : 255;
    rgba.set([grey, grey, grey, fill === 'transparent' ? rand() : 255], i * 4);
  }
  return rgba;
}

const oneLine = (text) => typeof text === 'string' && text.length > 0 && !/[\n\r]/.test(text);

function checkFolder({ folder, good }) {
  let plan;
  const refusal = expectRefusal(() => {
    try {
      plan = planFolder(relativeEntries(folder.entries, folder.root), LIMITS, true);
    } catch (err) {
      assert.ok(err instanceof DataError, `a ${err?.constructor?.name}, not a DataError: ${err?.message}`);
      throw err;
    }
  }, 'planFolder');
  if (refusal !== null) {
    assert.ok(oneLine(refusal));
    assert.ok(!good, `a well-formed folder is refused: ${refusal}`);
    const what = refusal.includes(' — ') ? refusal.split(' — ').pop().replace(/\S*\/\S*/g, '…').split(' ').slice(0, 3).join(' ') : refusal.replace(/^.*?: /, '').split(',')[0].replace(/[\d.]+/g, 'N');
    return `refused: ${what}`;
  }
  const { classes, train, test } = plan;
  assert.ok(classes.length >= LIMITS.min_classes && classes.length <= LIMITS.max_classes, `${classes.length} classes`);
  for (const c of classes) assert.ok(c.length > 0 && [...c].length <= LIMITS.max_class_name_chars, `class name ${JSON.stringify(c)}`);
  assert.equal(new Set(classes).size, classes.length, 'class names are distinct');
  const all = [...train, ...(test ?? [])];
  assert.equal(new Set(all.map((p) => p.path)).size, all.length, 'every picture once');
  for (const p of all) assert.ok(Number.isInteger(p.label) && p.label >= 0 && p.label < classes.length, `label ${p.label}`);
  for (const [which, list] of [['train', train], ['test', test]]) {
    if (!list) continue;
    const counts = plan.counts[which];
    assert.equal(counts.length, classes.length);
    assert.equal(counts.reduce((a, b) => a + b, 0), list.length, `${which} counts add up`);
    assert.ok(counts.every((n) => n >= 1), `${which}: every class has a picture`);
  }
  if (!test) assert.ok(plan.counts.train.every((n) => n >= 2), 'a held-out share needs two of every class');
  return test ? 'planned with a test folder' : 'planned, share held out';
}

function checkPicture({ picture }) {
  const out = toNetworkImage(pixels(picture), picture.width, picture.height, picture.mode);
  if (out.problem !== undefined) {
    assert.ok(oneLine(out.problem));
    return `no image: ${out.problem.slice(0, 24)}`;
  }
  assert.ok(out.image instanceof Uint8Array || out.image instanceof Uint8ClampedArray, 'bytes');
  assert.equal(out.image.length, LIMITS.pixels);
  return `image (${picture.mode})`;
}

const input = fc.oneof({ weight: 3, arbitrary: folderInput }, { weight: 1, arbitrary: pictureInput });
fuzz('data-folder', input, (i) => (i.picture ? checkPicture(i) : checkFolder(i)));
