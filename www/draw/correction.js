// Feedback where the drawing panel's reading may be wrong: "Looks like a 9 or a 3" when the top two
// probabilities are close, and "Not what you drew? It is a …" to keep the drawing with the right
// label (www/draw/kept-drawings.js stores it for training with one's own data), with a grid of the
// kept drawings to review and delete.
//
// createCorrection({kept, classes}) → {notice, element, update(reading), setClasses(names)} (the
// close-call notice and the keep/review block, placed by the panel) where `classes` are the
// answering model's class names in label order (setClasses: another model answers) and `reading` is
// {prediction, state, strokes, canvas, model} after every read-out (prediction null: nothing drawn).
// Testers' hooks: data-testid="close-call" (hidden unless close; data-classes="9,3", the indices;
// data-names, their names as JSON),
// "keep-as-<k>" buttons (by index, labelled with the name), "kept-count" (data-count), "kept-grid" of "kept-drawing" items each with a
// "kept-delete" button.
//
// Non-goals: predicting, storing (kept-drawings.js), training.

import { el } from '../ui/dom.js';
import { paintGrey } from '../ui/grey-image.js';
import { className } from '../ui/classes.js';

/** The runner-up is "close" when its probability is at least this share of the top one's. */
export const CLOSE_RATIO = 0.5;

/** [top, runner-up] classes when their probabilities are close, else null. */
export function closeCall(probabilities) {
  if (!probabilities || probabilities.length < 2) return null;
  const order = Array.from(probabilities.keys()).sort((a, b) => probabilities[b] - probabilities[a]);
  const [first, second] = order;
  return probabilities[second] >= CLOSE_RATIO * probabilities[first] ? [first, second] : null;
}

export function createCorrection({ kept, classes }) {
  let reading = null;
  const close = el('p', { class: 'draw-close-call', testid: 'close-call', hidden: true, 'aria-live': 'polite' });
  const status = el('p', { class: 'muted draw-kept-status', 'aria-live': 'polite' });
  let names = [];
  let keepButtons = [];
  const keepRow = el('div', { class: 'draw-keep-row', role: 'group', 'aria-label': 'The class you drew' });
  const name = (k) => className(names, k);
  const count = el('span', { testid: 'kept-count', dataset: { count: '0' } });
  const grid = el('ul', { class: 'draw-kept-grid', testid: 'kept-grid', 'aria-label': 'Kept drawings' });
  const keptDetails = el('details', { class: 'draw-kept' }, el('summary', {}, 'Kept drawings (', count, ')'), grid);
  const element = el(
    'div',
    { class: 'draw-correction' },
    el(
      'details',
      { class: 'draw-correct' },
      el('summary', { text: 'Not what you drew? Keep it with the right label' }),
      el('p', { class: 'muted', text: 'It is a:' }),
      keepRow,
      status,
    ),
    keptDetails,
  );

  /** One "keep as" button per class, labelled with its name. */
  function setClasses(next) {
    names = next.slice();
    keepButtons = names.map((n, k) => {
      const button = el('button', { type: 'button', class: 'secondary draw-keep', testid: `keep-as-${k}`, text: n, disabled: true, title: `Keep this drawing as a ${n}` });
      button.addEventListener('click', () => keep(k));
      return button;
    });
    keepRow.replaceChildren(...keepButtons);
  }

  async function keep(label) {
    const r = reading;
    if (!r?.prediction) return;
    try {
      await kept.add({ label, name: name(label), image: r.prediction.image, strokes: r.strokes, canvas: r.canvas, readAs: r.prediction.digit, model: r.model });
      status.textContent = `Kept as a ${name(label)}${label === r.prediction.digit ? '' : ` (read as ${name(r.prediction.digit)})`}.` + (kept.problem ? ` ${kept.problem}.` : ' It stays in this browser for training with your own data.');
    } catch (err) {
      status.textContent = err.message;
    }
  }

  function renderKept() {
    const list = kept.list();
    count.textContent = list.length.toLocaleString('en-US');
    count.dataset.count = String(list.length);
    grid.replaceChildren(
      ...list.map((d) => {
        const label = d.name ?? String(d.label);
        const thumb = el('canvas', { class: 'draw-kept-image', 'aria-label': `A kept drawing labelled ${label}` });
        paintGrey(thumb, d.image);
        const remove = el('button', { type: 'button', class: 'secondary', testid: 'kept-delete', text: 'Delete', title: `Delete this ${label}` });
        remove.addEventListener('click', () => kept.remove(d.id));
        return el('li', { class: 'draw-kept-item', testid: 'kept-drawing', dataset: { label: String(d.label), name: label } }, thumb, el('span', { text: label }), remove);
      }),
    );
  }
  setClasses(classes);
  kept.onChange(renderKept);
  renderKept();
  if (kept.problem) status.textContent = kept.problem;

  return {
    notice: close,
    element,
    setClasses(next) {
      setClasses(next);
      if (reading) this.update(reading);
    },
    update(next) {
      reading = next;
      const finished = !!next.prediction && next.state === 'ready';
      keepButtons.forEach((b, k) => {
        b.disabled = !finished;
        b.classList.toggle('is-read', finished && k === next.prediction.digit);
      });
      if (!next.prediction) status.textContent = '';
      const pair = next.prediction ? closeCall(next.prediction.probabilities) : null;
      close.hidden = !pair;
      close.dataset.classes = pair ? pair.join(',') : '';
      close.dataset.names = pair ? JSON.stringify(pair.map(name)) : '[]';
      close.textContent = pair ? `Looks like a ${name(pair[0])} or a ${name(pair[1])}: the network is torn between them.` : '';
    },
  };
}
