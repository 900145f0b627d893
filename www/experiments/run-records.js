// What a recorded run says, in words and numbers: its settings as display text, which settings
// differ between runs ("lr 0.1 vs 0.001"), its accuracies, and curves aligned on one x axis. Used
// by the runs table, the compare chart and the exports.
//
// Non-goals: the DOM (www/experiments/runs-table.js, compare.js), storage (history.js).

import { applies, SETTINGS, valuesFromConfig } from '../playground/settings.js';
import { lowestHeldOut } from '../playground/verdict.js';

/** Short names for legends; settings not listed use their label. */
const SHORT = {
  hidden: 'hidden',
  learning_rate: 'lr',
  'optimizer.kind': 'optimizer',
  'schedule.kind': 'schedule',
  batch_size: 'batch',
  train_subset: 'subset',
  validation_size: 'validation',
  'augment.enabled': 'augment',
  weight_decay: 'L2',
  threads: 'cores',
};
export const shortName = (key) => {
  const label = SHORT[key] ?? SETTINGS.find((s) => s.key === key)?.label ?? key;
  return label.charAt(0).toLowerCase() + label.slice(1); // "epochs 2 vs 3", like "lr 0.01 vs 0.001"
};
/** "12800" → "12,800" (settings text in sentences); other text as it is. */
const grouped = (text) => (/^\d{5,}$/.test(text) ? Number(text).toLocaleString('en-US') : text);


/** The settings that apply to a config, as `Map(key → display text)`. */
export function settingsOf(config) {
  let values;
  try {
    values = valuesFromConfig(config);
  } catch {
    return new Map();
  }
  const out = new Map();
  out.set('hidden', values.hidden.length ? values.hidden.join('-') : 'none');
  for (const s of SETTINGS) {
    if (s.key === 'hidden' || !applies(s, values)) continue;
    const v = values[s.key];
    if (v !== undefined) out.set(s.key, String(v));
  }
  return out;
}

/**
 * Keys whose value differs between the records where they apply (β₁ of Adam is not a difference
 * from an SGD run: the optimizer is).
 */
export function differingKeys(records) {
  if (records.length < 2) return [];
  const all = records.map((r) => settingsOf(r.config));
  const keys = new Set(all.flatMap((m) => [...m.keys()]));
  return [...keys].filter((key) => new Set(all.map((m) => m.get(key)).filter((v) => v !== undefined)).size > 1);
}

/** "lr 0.1 vs 0.001; optimizer sgd vs adam" for the records (in their order). */
export function describeDifferences(records, keys = differingKeys(records)) {
  return keys
    .map((key) => {
      const values = [...new Set(records.map((r) => grouped(settingsOf(r.config).get(key) ?? '—')))];
      return `${shortName(key)} ${values.join(' vs ')}`;
    })
    .join('; ');
}

/**
 * Up to `max` of `keys` that tell `record` apart from `others`, chosen greedily (the key that sets
 * it apart from most of the others still alike, then the next), returned in `keys`' order. Runs
 * that differ only in the learning rate are named by it, even when the compared runs also differ
 * in settings listed before it. Empty when nothing tells them apart (same settings).
 */
export function distinguishingKeys(record, others, keys, max = 3) {
  const mine = settingsOf(record.config);
  let alike = others.map((o) => settingsOf(o.config));
  const chosen = new Set();
  while (alike.length > 0 && chosen.size < max) {
    let best = null;
    let bestCount = 0;
    for (const key of keys) {
      if (chosen.has(key)) continue;
      const count = alike.filter((m) => m.get(key) !== mine.get(key)).length;
      if (count > bestCount) [best, bestCount] = [key, count];
    }
    if (best === null) break;
    chosen.add(best);
    alike = alike.filter((m) => m.get(best) === mine.get(best));
  }
  return keys.filter((key) => chosen.has(key));
}

/** "lr 0.1, optimizer sgd": this record's values of the differing keys. */
export function describeRun(record, keys) {
  const settings = settingsOf(record.config);
  return keys.map((key) => `${shortName(key)} ${grouped(settings.get(key) ?? '—')}`).join(', ');
}

export const pct = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : '–');
export const lastEpoch = (r) => r.epochs.at(-1) ?? null;
export const testAccuracy = (r) => r.final?.accuracy ?? lastEpoch(r)?.test?.accuracy ?? null;
export const validationAccuracy = (r) => lastEpoch(r)?.validation?.accuracy ?? null;
/**
 * True when the test accuracy shown was measured at Stop, between epochs' ends (the validation
 * accuracy beside it is the last completed epoch's).
 */
export const measuredAtStop = (r) => r.final != null && typeof r.final.epoch === 'number' && !r.epochs.some((e) => e.epoch === r.final.epoch);


/**
 * "Run 3: lowest validation loss after epoch 4 (0.071), 0.093 at the end." when a run's held-out
 * loss was lowest before its last epoch (the turn of an overfitting run), else ''. A last epoch
 * without that loss (a record from a file may mix epochs with and without validation) reads "–".
 */
export function heldOutTurn(r) {
  const low = lowestHeldOut(r.epochs);
  if (low.index < 0 || low.index >= r.epochs.length - 1) return '';
  const loss = (x) => (Number.isFinite(x) ? x.toFixed(3) : '–');
  return `${r.name}: lowest ${low.heldName} loss after epoch ${low.epoch} (${loss(low.lowest)}), ${loss(low.now)} at the end.`;
}

/** Aligns series with their own x values onto the union of the xs (null where a series has none). */
export function align(curves) {
  const xs = [...new Set(curves.flatMap((c) => c.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = curves.map((c) => {
    const column = new Array(xs.length).fill(null);
    c.x.forEach((x, i) => (column[index.get(x)] = c.y[i] ?? null));
    return column;
  });
  return [xs, ...columns];
}
