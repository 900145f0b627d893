// The small charts of "Look inside a prediction" (www/explain/): the class probabilities, before and
// after (an attack, or one SGD step), as paired columns; the first units of a layer as signed
// horizontal bars; and the statistics of a whole layer.
//
// Bars are DOM elements sized by CSS custom properties (--p, --v; www/explain/explain.css), so
// they follow the theme and the page's strict CSP (no inline styles in markup). The probability
// columns are the drawing panel's bars (www/draw/draw.css, draw-bar*) with a second, "after" fill.
//
// Does not: ask the engine for anything, or know what the numbers mean beyond their sign and size.

import { el } from '../ui/dom.js';
import { barColumns, className } from '../ui/classes.js';

/** Probability columns in one row at most (more classes wrap into rows of about equal length). */
const MAX_COLUMNS_PER_ROW = 12;

/** 0.0312 → "3.1%", 0.00004 → "0.004%": a probability short enough for a column. */
export const percentShort = (p) => `${(100 * p).toFixed(p < 0.001 ? 3 : p < 0.1 ? 1 : 0)}%`;

/** A signed number in 3 significant digits (exponent below 0.001), with a true minus sign. */
export function signed(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const text = a === 0 ? '0' : a < 0.001 || a >= 1e5 ? a.toExponential(2) : String(Number(a.toPrecision(3)));
  return `${v < 0 ? '−' : ''}${text}`;
}

/**
 * One column per class, labelled with its name (`names()`: the answering model's class names, label
 * order), each with the probability before (muted) and, if given, after (accent), the latest in
 * whole percent above it; `onPick(k)` (optional) makes each column a button. The columns follow the
 * probabilities shown: as many as they have (else as many names).
 * @returns {{element: HTMLElement, show(before: number[]|null, after?: number[]|null, marks?: {[k]: string}): void}}
 */
export function probabilityChart({ testid, label, onPick = null, names = () => [] }) {
  let columns = [];
  let built = '';
  const list = el('ol', { class: 'draw-bars xp-probs', testid, 'aria-label': label });
  function build(count) {
    const labels = Array.from({ length: count }, (_, k) => className(names(), k));
    if (JSON.stringify(labels) === built) return labels;
    built = JSON.stringify(labels);
    list.style.setProperty('--columns', String(barColumns(count, MAX_COLUMNS_PER_ROW)));
    columns = labels.map((name, k) => {
      const before = el('span', { class: 'draw-bar-fill xp-prob-before' });
      const after = el('span', { class: 'draw-bar-fill xp-prob-after' });
      const value = el('span', { class: 'draw-bar-value' });
      const body = [value, el('span', { class: 'draw-bar-track' }, [before, after]), el('span', { class: 'draw-bar-label', text: name })];
      const inner = onPick ? el('button', { type: 'button', class: 'draw-bar-button', 'aria-pressed': 'false' }, body) : el('span', { class: 'draw-bar-button' }, body);
      if (onPick) inner.addEventListener('click', () => onPick(k));
      const item = el('li', { class: 'draw-bar', dataset: { class: String(k), name } }, [inner]);
      return { item, inner, before, after, value };
    });
    list.replaceChildren(...columns.map((c) => c.item));
    return labels;
  }
  function show(p, q = null, marks = {}) {
    const labels = build(p ? p.length : names().length);
    list.dataset.before = JSON.stringify(p ? Array.from(p, Number) : []);
    list.dataset.after = JSON.stringify(q ? Array.from(q, Number) : []);
    list.classList.toggle('has-after', !!q);
    columns.forEach(({ item, inner, before, after, value }, k) => {
      const a = p ? p[k] : 0;
      const b = q ? q[k] : null;
      const name = labels[k];
      before.style.setProperty('--p', String(a));
      after.style.setProperty('--p', String(b ?? 0));
      // Whole percent above the column (as the drawing panel's bars); the exact value in its label.
      value.textContent = !p ? '' : String(Math.round(100 * (b === null ? a : b)));
      const words = !p ? name : b === null ? `${name}: ${percentShort(a)}` : `${name}: ${percentShort(a)} before, ${percentShort(b)} after`;
      inner.setAttribute('aria-label', marks[k] ? `${words} (${marks[k]})` : words);
      inner.title = inner.getAttribute('aria-label');
      item.classList.toggle('is-marked', marks[k] === 'target' || marks[k] === 'label');
      item.classList.toggle('is-explained', marks[k] === 'picked');
      if (onPick) inner.setAttribute('aria-pressed', String(marks[k] === 'picked'));
      if (inner.tagName === 'BUTTON') inner.disabled = !p;
    });
  }
  show(null);
  return { element: list, show };
}

/**
 * The first `count` of `values` as signed horizontal bars, scaled by the largest |value| of all of
 * them (so the bars shown compare with the layer's whole range). Each is numbered from `first`
 * (units from 1), or, with `labels` (the output's class names), labelled with labels[i].
 */
export function unitBars(values, count, { name = 'unit', first = 1, labels = null, testid } = {}) {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  const shown = Math.min(count, values.length);
  const list = el('ol', { class: 'xp-units', testid, 'aria-label': `the first ${shown} ${name}s` });
  for (let i = 0; i < shown; i++) {
    const v = values[i];
    const bar = el('span', { class: v < 0 ? 'xp-unit-bar is-negative' : 'xp-unit-bar' });
    bar.style.setProperty('--v', String(max > 0 ? Math.abs(v) / max : 0));
    list.append(
      el('li', { class: 'xp-unit', 'aria-label': `${name} ${labels ? className(labels, i) : i + first}: ${signed(v)}` }, [
        el('span', { class: 'xp-unit-index', text: labels ? className(labels, i) : String(i + first), 'aria-hidden': 'true' }),
        el('span', { class: 'xp-unit-track', 'aria-hidden': 'true' }, [bar]),
        el('span', { class: 'xp-unit-value', text: signed(v), 'aria-hidden': 'true' }),
      ]),
    );
  }
  return list;
}

/** Count, min, mean, max, mean |v|, and the shares of exact zeros and of positive values. */
export function layerStats(values) {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let abs = 0;
  let zeros = 0;
  let positive = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    abs += Math.abs(v);
    if (v === 0) zeros++;
    if (v > 0) positive++;
  }
  const n = values.length;
  return { count: n, min, max, mean: sum / n, meanAbs: abs / n, zeroShare: zeros / n, positiveShare: positive / n };
}

/** A layer's statistics as a short definition list; `which` picks the rows (keys of layerStats). */
export function statsList(values, which, testid) {
  const s = layerStats(values);
  const names = { min: 'smallest', max: 'largest', mean: 'mean', meanAbs: 'mean |value|', zeroShare: 'exactly 0', positiveShare: 'above 0' };
  const text = (k) => (k.endsWith('Share') ? `${(100 * s[k]).toFixed(0)}%` : signed(s[k]));
  return el(
    'dl',
    { class: 'xp-stats', testid },
    which.map((k) => el('div', {}, [el('dt', { text: names[k] }), el('dd', { text: text(k) })])),
  );
}
