// The settings as a URL fragment, so a link reproduces a setup: `#hidden=256-128&learning_rate=0.01`
// holds only what differs from the defaults, and a link read back reports what it could not use.
//
// Non-goals: the settings table and its conversions to an engine config (www/playground/settings.js),
// range checks (the engine's; www/playground/share.js asks it about an opened link), the DOM.

import { applies, choices, coresOf, DECIMAL, defaultThreads, leastWhole, maxHiddenLayers, normaliseNumber, SETTING, SETTINGS, TOO_LARGE } from './settings.js';

/**
 * `base` with the page's own defaults (Cores: see coresOf): what a link leaves out means these.
 * @param {object} base  values from the engine's default config
 * @param {object} env  the global scope (see coresOf)
 */
export function pageBase(base, env = globalThis) {
  return { ...base, hidden: [...base.hidden], threads: String(defaultThreads(env)) };
}

/**
 * `#hidden=256-128&learning_rate=0.01&optimizer.kind=sgd`: only the values that differ from `base`
 * (with the page's defaults: pageBase).
 */
export function hashFromValues(values, engineBase, env = globalThis) {
  const base = pageBase(engineBase, env);
  const params = new URLSearchParams();
  const hidden = values.hidden.map((w) => normaliseNumber(w, 'integer')).join('-');
  if (hidden !== base.hidden.join('-')) params.set('hidden', hidden === '' ? 'none' : hidden);
  for (const s of SETTINGS) {
    if (s.key === 'hidden' || !applies(s, values)) continue;
    const value = s.kind === 'number' || s.kind === 'integer' ? normaliseNumber(values[s.key], s.kind) : values[s.key];
    if (value !== base[s.key]) params.set(s.key, String(value));
  }
  const text = params.toString();
  return text ? `#${text}` : '';
}

/**
 * The link to share for the page at `href` whose Cores setting is `threads`: the page's link with
 * `threads` added when the fragment leaves it out (it equals this page's default, which depends on
 * the device: 2 here may be 1 where the link is opened, and a seed reproduces a run only for the same
 * number of cores).
 */
export function shareLink(href, threads) {
  const url = new URL(href);
  const params = new URLSearchParams(url.hash.slice(1));
  if (!params.has('threads')) params.set('threads', String(threads));
  url.hash = params.toString();
  return url.href;
}

/** Longest text accepted for one value in a link. */
const MAX_LINK_VALUE = 32;

/**
 * Values from a URL hash on top of `base`, and what was wrong with it: `{values, problems, keys}`.
 * A value that is not a choice, not a number of the setting's kind, too long, or an unknown key is
 * replaced by (or left at) the default and reported in `problems` (plain text, for textContent);
 * `keys` are the settings the link set. Range checks are the engine's (www/playground/share.js asks it);
 * one is the page's: more than 1 Cores only on a cross-origin isolated page (`env`, see coresOf).
 */
export function parseHash(hash, engineBase, env = globalThis) {
  const base = pageBase(engineBase, env);
  const values = { ...base, hidden: [...base.hidden] };
  const problems = [];
  const keys = new Set();
  let params;
  try {
    params = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  } catch {
    return { values, problems: ['the link\'s settings could not be read; using the defaults'], keys };
  }
  const show = (raw) => JSON.stringify(raw.length > MAX_LINK_VALUE ? `${raw.slice(0, MAX_LINK_VALUE)}…` : raw);
  const fallback = (key, label, raw, why) => {
    const def = key === 'hidden' ? base.hidden.join('-') || 'none' : String(base[key]);
    problems.push(`${label}: ${show(raw)} ${why}; using the default ${def}`);
  };
  let count = 0;
  for (const [key, raw] of params) {
    if (++count > 100) {
      problems.push('the link has too many settings; the rest were ignored');
      break;
    }
    if (key === 'hidden') {
      const widths = raw === 'none' || raw === '' ? [] : raw.split('-');
      const ok =
        widths.length <= maxHiddenLayers() && widths.every((w) => /^[0-9]{1,6}$/.test(w) && Number(w) >= leastWhole('hidden[]'));
      if (!ok) fallback('hidden', 'Hidden layers', raw, `is not a list of layer widths like 256-128 (at most ${maxHiddenLayers()})`);
      else {
        values.hidden = widths.map(Number);
        keys.add('hidden');
      }
      continue;
    }
    const s = SETTING[key];
    if (!s) {
      problems.push(`unknown setting ${show(key)} ignored`);
      continue;
    }
    if (s.kind === 'checkbox') {
      if (raw === 'true' || raw === 'false') {
        values[key] = raw === 'true';
        keys.add(key);
      } else fallback(key, s.label, raw, 'is not true or false');
    } else if (s.kind === 'select') {
      if (choices(key).some(([v]) => v === raw)) {
        values[key] = raw;
        keys.add(key);
      } else fallback(key, s.label, raw, `is not one of ${choices(key).map(([v]) => v).join(', ')}`);
    } else {
      const text = normaliseNumber(raw, s.kind); // a link written by hand may say 0,01
      const x = text.length <= MAX_LINK_VALUE && DECIMAL.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(x)) fallback(key, s.label, raw, 'is not a number');
      else if (s.kind === 'integer' && (!Number.isInteger(x) || x < leastWhole(key))) fallback(key, s.label, raw, `is not a whole number ≥ ${leastWhole(key)}`);
      else if (s.kind === 'integer' && x > Number.MAX_SAFE_INTEGER) fallback(key, s.label, raw, `is too large (${TOO_LARGE})`);
      else if (key === 'threads' && x > 1 && !coresOf(env).isolated) {
        problems.push(`${s.label}: ${show(raw)} needs a cross-origin isolated page (this one is not); using 1`);
      } else {
        values[key] = text;
        keys.add(key);
      }
    }
  }
  return { values, problems, keys };
}

/** Values from a URL hash on top of `base`; unknown keys and malformed values are ignored (see parseHash). */
export function valuesFromHash(hash, base, env = globalThis) {
  return parseHash(hash, base, env).values;
}

