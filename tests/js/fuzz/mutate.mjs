// Mutations shared by the JS fuzz targets, as fast-check arbitraries: a valid value (a seed) with
// some of its nodes replaced, deleted, duplicated or given the wrong type, and a valid text with
// characters flipped, cut, inserted or spliced. Starting from valid inputs lets most mutations
// reach past the first check (harness.mjs prints how far they get).
//
// Non-goals: what a valid input is (each target's seeds), checking outcomes (the targets).

import fc from 'fast-check';

/** Values that break careless code: edges of numbers, odd strings, markup, other types. */
export const EDGE_VALUES = [
  0, -0, 1, -1, 0.5, 1e-45, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, 2 ** 31, 2 ** 32, Number.MAX_VALUE,
  NaN, Infinity, -Infinity, '', ' ', '0', '1e400', 'NaN', 'null', 'undefined', '__proto__', 'constructor',
  'x'.repeat(10_000), '\u0000', '\ud800', '<img src=x onerror=alert(1)>', '<script>alert(1)</script>',
  '"]; alert(1); //', '=1+1', null, undefined, true, false, [], {}, [null], [[[]]], { length: 1e9 }, { toString: 'x', valueOf: 'y' }, JSON.parse('{"__proto__": {"polluted": 1}}'),
];

/** Values a structured clone (IndexedDB) can hold beyond JSON's. */
export const CLONE_ONLY_VALUES = [new Date(NaN), new Date(8.64e15), new Uint8Array(3), new Map([[1, 2]]), new Set([1]), 10n, -(2n ** 70n), /x/g, new ArrayBuffer(4)];

/** An arbitrary replacement value: an edge, a random JSON value, or (with `clone`) a structured-clone-only one. */
export const replacement = ({ clone = false } = {}) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...EDGE_VALUES) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 2, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    ...(clone ? [{ weight: 1, arbitrary: fc.constantFrom(...CLONE_ONLY_VALUES) }] : []),
  );

/** Every [parent, key] of `value`'s tree, depth first (arrays and plain objects only). */
function slots(value, out = []) {
  if (value === null || typeof value !== 'object') return out;
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return out;
  for (const key of Object.keys(value)) {
    out.push([value, key]);
    slots(value[key], out);
  }
  return out;
}

const valueMove = (clone) =>
  fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('replace', 'replace', 'replace', 'delete', 'duplicate', 'wrap', 'stringify', 'negate', 'grow'),
    with: replacement({ clone }),
    key: fc.constantFrom('__proto__', 'constructor', 'extra', 'toString', 'length', '0'),
  });

/** `x` as text: JSON where it can be written so, else its type. */
function stringify(x) {
  try {
    return typeof x === 'object' ? JSON.stringify(x) ?? 'null' : String(x);
  } catch {
    return typeof x; // big integers, cycles
  }
}

/** Applies value-level moves to a deep copy of `seed`. */
export function applyValueMoves(seed, moves) {
  const root = { root: structuredClone(seed) };
  for (const move of moves) {
    const all = slots(root);
    if (all.length === 0) break; // the whole value was deleted
    const [parent, key] = all[move.at % all.length];
    const old = parent[key];
    switch (move.kind) {
      case 'replace':
        // A copy: the edge values are shared by every input (and a later move may change it).
        parent[key] = structuredClone(move.with);
        break;
      case 'delete':
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 'duplicate':
        if (Array.isArray(parent)) parent.splice(Number(key), 0, structuredClone(old));
        else if (old && typeof old === 'object' && Object.getPrototypeOf(old) === Object.prototype) Object.defineProperty(old, move.key, { value: structuredClone(move.with ?? null), enumerable: true, configurable: true, writable: true });
        break;
      case 'wrap':
        parent[key] = [old];
        break;
      case 'stringify':
        parent[key] = stringify(old);
        break;
      case 'negate':
        parent[key] = typeof old === 'number' ? -old : old;
        break;
      case 'grow':
        if (Array.isArray(old)) parent[key] = old.concat(old, old);
        else if (typeof old === 'string') parent[key] = old.repeat(50);
        break;
    }
  }
  return root.root;
}

/** `seed` (an arbitrary of valid values) mutated by 0–maxMoves value-level moves. */
export const mutatedValue = (seed, { clone = false, maxMoves = 4 } = {}) =>
  fc.tuple(seed, fc.array(valueMove(clone), { maxLength: maxMoves })).map(([value, moves]) => applyValueMoves(value, moves));

const textMove = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('flip', 'delete', 'insert', 'truncate', 'duplicate'),
  length: fc.integer({ min: 1, max: 40 }),
  text: fc.oneof(fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', 'null', '1e999', '-', '0', '\u2028', '<', '&', '%', '=', '#', '%zz', '%E0%A4%A'), fc.string({ maxLength: 6 })),
});

/** Applies text-level moves to `text`. */
export function applyTextMoves(text, moves) {
  let s = text;
  for (const move of moves) {
    const at = s.length === 0 ? 0 : move.at % (s.length + 1);
    switch (move.kind) {
      case 'flip':
        s = s.slice(0, at) + move.text + s.slice(at + 1);
        break;
      case 'delete':
        s = s.slice(0, at) + s.slice(at + move.length);
        break;
      case 'insert':
        s = s.slice(0, at) + move.text + s.slice(at);
        break;
      case 'truncate':
        s = s.slice(0, at);
        break;
      case 'duplicate':
        s = s.slice(0, at + move.length) + s.slice(at, at + move.length) + s.slice(at + move.length);
        break;
    }
  }
  return s;
}

/** `seed` (an arbitrary of valid texts) mutated by 1–maxMoves text-level moves. */
export const mutatedText = (seed, { maxMoves = 4 } = {}) =>
  fc.tuple(seed, fc.array(textMove, { minLength: 1, maxLength: maxMoves })).map(([text, moves]) => applyTextMoves(text, moves));
