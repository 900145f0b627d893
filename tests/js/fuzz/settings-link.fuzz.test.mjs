// Fuzz target: the URL hash, a settings link (www/playground/settings-link.js parseHash, then
// www/playground/share.js checkLink with the engine's own describe-config, from its build in Node).
// Inputs: links the page writes (hashFromValues of valid configs), mutated as text (characters
// flipped, cut, inserted: `%zz`, `&`, `=`, `#`, markup), with values replaced by edge values, unknown
// and repeated keys, and random text. Properties:
//   - parseHash never throws; its values are all of the settings' kinds (numbers as decimal text, a
//     choice of the engine's, booleans, whole layer widths), so configFromValues reports nothing
//     unparsable; its problems are plain one-line text, one per value it could not use;
//   - the link of those values reads back as the same settings (those that apply), with no problem;
//   - after checkLink the engine accepts the config, or refuses a setting the link did not set
//     (the form explains that one inline: share.js).

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzz } from './harness.mjs';
import { EDGE_VALUES, mutatedText } from './mutate.mjs';
import { validConfig } from './seeds.mjs';
import { Engine, ENGINE_DEFAULT, LIMITS } from '../engine-default.mjs';
import { choices, configFromValues, DECIMAL, sameValues, SETTING, SETTINGS, setLimits, valuesFromConfig } from '../../../www/playground/settings.js';
import { hashFromValues, parseHash } from '../../../www/playground/settings-link.js';
import { checkLink } from '../../../www/playground/share.js';

setLimits(LIMITS);
// As on the served page (cross-origin isolated), so that links with Cores 2 are read as links.
globalThis.crossOriginIsolated = true;
const engine = new Engine();
const BASE = valuesFromConfig(ENGINE_DEFAULT);
const describe = async (config) => ({ report: engine.describeConfig(config) });

const validHash = validConfig.map((config) => hashFromValues(valuesFromConfig(config), BASE));
// A lone surrogate cannot be percent-encoded: it goes in as it is.
const encode = (text) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
};
const keys = fc.constantFrom(...SETTINGS.map((s) => s.key), 'hidden', 'unknown', '__proto__', 'constructor', '', 'learning_rate ');
const edge = fc.constantFrom(...EDGE_VALUES.filter((v) => typeof v !== 'object' || v === null).map(String), '1,5', '0,01', '5,000', '1e-3', '.5', '+1', '0x10', '-0', '256-128', 'none', '1--2', '9'.repeat(40), '%00', '%F0%9F%98%80');
const pairs = fc.array(fc.tuple(keys, edge), { maxLength: 8 }).map((list) => list.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'));

const input = fc.oneof(
  { weight: 2, arbitrary: validHash },
  { weight: 3, arbitrary: fc.tuple(validHash, pairs).map(([h, p]) => `${h || '#'}${h && p ? '&' : ''}${p}`) },
  { weight: 3, arbitrary: mutatedText(validHash, { maxMoves: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.constant('seed=1'), { minLength: 90, maxLength: 130 }).map((list) => `#${list.join('&')}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);

const isChoice = (key, v) => choices(key).some(([c]) => c === v);

function checkValues(values) {
  assert.ok(Array.isArray(values.hidden) && values.hidden.every((w) => Number.isInteger(w) && w >= 0), 'hidden: whole widths');
  for (const s of SETTINGS) {
    if (s.key === 'hidden') continue;
    const v = values[s.key];
    if (s.kind === 'checkbox') assert.equal(typeof v, 'boolean', s.key);
    else if (s.kind === 'select') assert.ok(isChoice(s.key, v), `${s.key}: ${v} is a choice`);
    else assert.ok(typeof v === 'string' && DECIMAL.test(v), `${s.key}: ${JSON.stringify(v)} is decimal text`);
  }
  assert.deepEqual(configFromValues(values).errors, {}, 'nothing unparsable');
}

async function check(hash) {
  const link = parseHash(hash, BASE);
  checkValues(link.values);
  for (const p of link.problems) assert.ok(typeof p === 'string' && p.length > 0 && !/[\n\r]/.test(p), `problem on one line: ${JSON.stringify(p)}`);
  for (const k of link.keys) assert.ok(k === 'hidden' || SETTING[k], `key ${k}`);
  // The link of what was read reads back the same.
  const again = parseHash(hashFromValues(link.values, BASE), BASE);
  assert.deepEqual(again.problems, []);
  assert.ok(sameValues(again.values, link.values), 'the same settings (those that apply)');
  // The engine's verdict, as the page asks it when a link is opened.
  const setKeys = new Set(link.keys);
  const { values, problems } = await checkLink(link, BASE, describe, configFromValues);
  checkValues(values);
  const report = engine.describeConfig(configFromValues(values).config);
  if (!report.ok) {
    const field = String(report.field ?? '').replace(/\[\d+\]$/, '');
    assert.ok(!setKeys.has(field) || problems.length > link.problems.length, `the engine refuses ${field}, which the link set: ${report.message}`);
    assert.ok(typeof report.message === 'string' && report.message.length > 0);
    return 'refused by the engine (a combination)';
  }
  const dropped = problems.length - link.problems.length;
  if (link.problems.length === 0 && dropped === 0) return link.keys.size ? 'used as it is' : 'defaults';
  return dropped ? 'some values out of range' : 'some values unreadable';
}

fuzz('settings-link', input, check, { async: true });
