// Sharing a setup by link: the settings live in the URL fragment (the playground writes it from the
// settings store on every change). Opening a link restores them; what is wrong in it is reported above the form and
// replaced by the defaults: values that do not parse (settings-link.js parseHash), then values the engine
// refuses (out of range: asked through describe-config, one field at a time). A link's text only
// ever reaches the page as form values and textContent — never as markup or code.
//
// Also a "Copy link" button, and `hashchange` (a link pasted into the address bar of an open page).
//
// Non-goals: the settings table itself (www/playground/settings.js), the form (www/playground/settings-form.js).

import { inFormWords, SETTING } from './settings.js';
import { pageBase, parseHash } from './settings-link.js';
import { el } from '../ui/dom.js';

const MAX_ROUNDS = 24;

/** The message box above the settings form. */
function messageBox(form) {
  const box = el('div', { id: 'link-problems', class: 'link-problems', role: 'alert', testid: 'link-problems', hidden: true });
  form.before(box);
  return box;
}

function showProblems(box, problems) {
  box.replaceChildren();
  box.hidden = problems.length === 0;
  box.dataset.count = String(problems.length);
  if (problems.length === 0) return;
  const close = el('button', { type: 'button', text: 'Dismiss' });
  close.addEventListener('click', () => (box.hidden = true));
  box.append(
    el('p', { class: 'link-problems-title', text: 'This link\'s settings had problems; the defaults are used instead for:' }),
    el('ul', {}, problems.map((problem) => el('li', { text: problem }))),
    close,
  );
}

/**
 * Checks the settings of a link against the engine and replaces what it refuses by the defaults.
 * @param {{values, problems: string[], keys: Set<string>}} link  from parseHash
 * @param {object} engineBase  the default values (of the engine's default config; the page's own
 *   defaults, e.g. Cores, are put on top: settings-link.js pageBase)
 * @param {(config) => Promise<{report}|null>} describe  the engine's describe-config
 * @param {(values) => {config}} toConfig  settings.js configFromValues
 * @returns {Promise<{values, problems: string[]}>}
 */
export async function checkLink(link, engineBase, describe, toConfig) {
  const base = pageBase(engineBase);
  const values = { ...link.values, hidden: [...link.values.hidden] };
  const problems = [...link.problems];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { config, errors } = toConfig(values);
    if (Object.keys(errors).length > 0) break; // parseHash let nothing unparsable through; be safe
    const reply = await describe(config);
    const report = reply?.report;
    if (!report || report.ok) break;
    const field = String(report.field ?? '').replace(/\[\d+\]$/, '');
    const key = field === 'hidden' ? 'hidden' : SETTING[field] ? field : null;
    if (!key || !link.keys.has(key)) break; // not from the link: the form explains it inline
    const label = key === 'hidden' ? 'Hidden layers' : SETTING[key].label;
    const shown = key === 'hidden' ? values.hidden.join('-') : values[key];
    const def = key === 'hidden' ? base.hidden.join('-') || 'none' : base[key];
    problems.push(`${label}: ${JSON.stringify(String(shown))} is out of range (${inFormWords(report.message, report.field)}); using the default ${def}`);
    if (key === 'hidden') values.hidden = [...base.hidden];
    else values[key] = base[key];
    link.keys.delete(key);
  }
  return { values, problems };
}

/**
 * Called by www/playground/playground.js once the form exists: checks the page's link, applies the corrected values,
 * and listens for later hash changes.
 * @param {{form: HTMLElement, store: import('./settings-store.js').SettingsStore, base, describe, toConfig}} o
 */
export function watchLink({ form, store, base, describe, toConfig }) {
  const box = messageBox(form);
  const run = async (hash) => {
    const link = parseHash(hash, base);
    const { values, problems } = await checkLink(link, base, describe, toConfig);
    showProblems(box, problems);
    store.replace(values);
    store.changed('link');
  };
  run(location.hash);
  window.addEventListener('hashchange', () => run(location.hash));
}
