// Fuzz target: the import of "Your own classes" (www/data/own-classes/own-file.js
// parseOwnClassesFile, then mergePlan), the text of a file a classmate may hand the page. Inputs:
// exports (exportText) of 1–4 valid classes of 0–3 small drawings each, mutated as values (fields
// replaced, deleted, given other types; mostly pixels and points, the bulk of the tree) or as text,
// and random JSON and text. The import either refuses the file with its one documented Error, a
// one-line message, or returns classes whose every name passes the class-name rules, every image
// is side × side values 0–255 and every stroke a list of finite [x, y] pairs; merging them into an
// empty set and into the same classes again either works (the second adds nothing) or refuses with
// a one-line Error; an unmutated export reads back whole.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { expectRefusal, fuzz } from './harness.mjs';
import { mutatedText, mutatedValue } from './mutate.mjs';
import { nameProblem } from '../../../www/data/own-classes/class-names.js';
import { exportText, mergePlan, parseOwnClassesFile } from '../../../www/data/own-classes/own-file.js';

// The engine's limits this parser reads (src/train/config.rs limits()).
const LIMITS = Object.freeze({ side: 28, pixels: 784, min_classes: 2, max_classes: 64, max_class_name_chars: 32 });
const MAX_EXAMPLES = 50;

const point = fc.tuple(fc.integer({ min: 0, max: 2800 }).map((v) => v / 10), fc.integer({ min: 0, max: 2800 }).map((v) => v / 10));
const example = fc.record({
  image: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 784, maxLength: 784 }).map((a) => Uint8Array.from(a)),
  strokes: fc.array(fc.array(point, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }),
  canvas: fc.constant(280),
});
const names = fc.uniqueArray(fc.oneof(fc.constantFrom('○', '△', '✗', '✓', 'A', 'B', 'cat', 'dog'), fc.string({ minLength: 1, maxLength: 8 }).map((s) => s.trim()).filter((s) => s !== '' && !/\p{Cc}/u.test(s))), { minLength: 1, maxLength: 4 });
const classes = names.chain((list) => fc.tuple(...list.map((name) => fc.array(example, { maxLength: 3 }).map((examples) => ({ name, examples })))));
const exported = classes.map((list) => ({ list, text: exportText(list, 28, new Date(0)) }));

const input = fc.oneof(
  { weight: 1, arbitrary: exported.map(({ list, text }) => ({ text, whole: list })) },
  { weight: 4, arbitrary: mutatedValue(exported.map(({ text }) => JSON.parse(text)), { maxMoves: 3 }).map((doc) => ({ text: JSON.stringify(doc) ?? 'undefined' })) },
  { weight: 3, arbitrary: mutatedText(exported.map(({ text }) => text), { maxMoves: 3 }).map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.oneof(fc.json(), fc.string({ unit: 'binary', maxLength: 200 })).map((text) => ({ text })) },
);

function check({ text, whole }) {
  let parsed;
  const refusal = expectRefusal(() => (parsed = parseOwnClassesFile(text, LIMITS, MAX_EXAMPLES)), 'parseOwnClassesFile');
  if (refusal !== null) {
    // The kind of refusal, without the values it quotes: "class: its image has", "it is version".
    const inClass = /^class \d+/.test(refusal);
    const rest = refusal.replace(/^class \d+( \(“.*?”\))?(, example \d+)?:? /, '');
    return `refused: ${inClass ? 'class: ' : ''}${rest.replace(/[“"\d[(-].*$/, '').trim()}`;
  }
  assert.ok(Array.isArray(parsed) && parsed.length >= 1 && parsed.length <= LIMITS.max_classes);
  const seen = [];
  for (const c of parsed) {
    assert.equal(nameProblem(c.name, seen, LIMITS), '', `name ${JSON.stringify(c.name)}`);
    seen.push(c.name);
    for (const e of c.examples) {
      assert.ok(e.image instanceof Uint8Array && e.image.length === 784);
      assert.ok(e.strokes.length > 0 && e.strokes.every((s) => s.length > 0 && s.every((p) => p.length === 2 && p.every(Number.isFinite))));
      assert.ok(Number.isFinite(e.canvas) && e.canvas > 0);
    }
  }
  if (whole) {
    assert.deepEqual(parsed.map((c) => [c.name, c.examples.length]), whole.map((c) => [c.name, c.examples.length]), 'an unmutated export reads back whole');
    parsed.forEach((c, k) => c.examples.forEach((e, i) => assert.deepEqual(e.image, whole[k].examples[i].image)));
  }
  let plan;
  const mergeRefusal = expectRefusal(() => (plan = mergePlan([], parsed, LIMITS, MAX_EXAMPLES)), 'mergePlan');
  if (mergeRefusal !== null) return 'merge refused';
  assert.deepEqual(plan.newClasses, parsed.map((c) => c.name));
  // Merged once, the same file again adds nothing.
  const after = parsed.map((c) => ({ name: c.name, examples: plan.additions.filter((a) => a.name === c.name) }));
  const again = mergePlan(after, parsed, LIMITS, MAX_EXAMPLES);
  assert.equal(again.additions.length, 0);
  assert.equal(again.newClasses.length, 0);
  return whole ? 'export read back' : 'accepted';
}

fuzz('own-classes-file', input, check, {
  regressions: [{ text: '{"format":"mnist-playground-own-classes","version":1,"side":28,"classes":[{"name":"__proto__","examples":[]}]}' }, { text: 'null' }, { text: '[]' }],
});
