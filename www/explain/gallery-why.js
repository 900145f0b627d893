// "Why?" for each digit of the test-set gallery (www/playground/insight.js): picking a digit there
// (its `gallery-pick` event) opens a dialog with that digit, the class probabilities the answering
// model gives it (labelled with its class names), and the drawing panel's "Why this digit?" overlay (www/draw/why-overlay.js, the
// same component: the engine's attribution map in the colours of www/ui/diverging.js); clicking a
// probability explains that class. Two buttons hand the digit to "Fool the network" and "Step
// through one example" (www/explain/explain-panel.js).
//
// attachGalleryWhy(gallery, {api, explainPanel}): `gallery` is the gallery's <ol>, `api` main.js's
// engine API (explain, ready, onModelChange), `explainPanel` what mountExplainPanel returned.
//
// Automation contract: the dialog has data-testid="gallery-why" with data-index, data-label and
// data-predicted of the digit shown; the overlay inside is the drawing panel's ("why", "why-map",
// … scoped to the dialog); the probabilities "gallery-why-probabilities" (each a button), the
// buttons "gallery-why-fool", "gallery-why-step", "gallery-why-close".
//
// Does not: list or draw the gallery (insight.js), or compute anything.

import { el, goTo } from '../ui/dom.js';
import { createWhyOverlay } from '../draw/why-overlay.js';
import { probabilityChart } from './bars.js';
import { className } from '../ui/classes.js';
import { drawImage, pictureCanvas } from './pictures.js';

export function attachGalleryWhy(gallery, { api, explainPanel }) {
  let ui = null;
  /** The answering model's class names (label order). */
  let names = [];
  const name = (k) => className(names, k);
  api.onModelChange((model, detail, classes = []) => {
    names = classes;
    ui?.why.setClasses(names);
  });
  /** The digit shown: {index, label, predicted, pixels} and the last probabilities read. */
  let item = null;
  let probabilities = null;
  let explained = null;

  gallery.addEventListener('gallery-pick', (event) => open(event.detail));

  function open(detail) {
    ui ??= build();
    item = detail;
    probabilities = null;
    explained = detail.predicted;
    const d = ui.dialog.dataset;
    Object.assign(d, { index: String(detail.index), label: String(detail.label), predicted: String(detail.predicted) });
    ui.title.textContent = detail.label === detail.predicted ? `Test image ${detail.index}: a ${name(detail.label)}, read correctly` : `Test image ${detail.index}: a ${name(detail.label)}, read as ${name(detail.predicted)}`;
    drawImage(ui.image, detail.pixels);
    ui.chart.show(null);
    if (!ui.dialog.open) ui.dialog.showModal();
    ui.why.forget();
    ui.why.element.open = true;
    ui.why.update({ image: detail.pixels, digit: detail.predicted }, { state: 'ready' });
  }

  function mark() {
    if (!probabilities || !item) return;
    const marks = { [item.label]: 'label' };
    if (explained !== null) marks[explained] = 'picked';
    ui.chart.show(probabilities, null, marks);
  }

  function handOver(view) {
    const s = item;
    ui.dialog.close();
    explainPanel.show({ image: s.pixels, label: s.label, name: `Test image ${s.index} (a ${name(s.label)})`, source: 'test', index: s.index });
    goTo(document.querySelector(`[data-testid="${view}"] h3`));
  }

  function build() {
    const why = createWhyOverlay({
      async explain(image, cls, method) {
        const e = await api.explain(image, cls, method);
        if (e && image === item?.pixels) {
          probabilities = Array.from(e.probabilities, Number);
          mark();
        }
        return e;
      },
      limits: () => api.ready()?.explainLimits ?? null,
      drawing: false,
      onClass(cls) {
        explained = cls;
        mark();
      },
    });
    const title = el('h2', { id: 'gallery-why-title', class: 'xp-dialog-title' });
    const image = pictureCanvas({ label: 'The test image', className: 'xp-picture xp-picture-large' });
    const chart = probabilityChart({ testid: 'gallery-why-probabilities', label: 'Probability of each class; click one to see what makes it look like that class', onPick: (k) => why.choose(k), names: () => names });
    const close = el('button', { type: 'button', class: 'secondary', testid: 'gallery-why-close', text: 'Close', autofocus: true });
    const fool = el('button', { type: 'button', testid: 'gallery-why-fool', text: 'Fool the network with it' });
    const step = el('button', { type: 'button', testid: 'gallery-why-step', text: 'Step through it' });
    const dialog = el('dialog', { class: 'xp-dialog', testid: 'gallery-why', 'aria-labelledby': title.id }, [
      el('div', { class: 'xp-dialog-head' }, [title, close]),
      el('div', { class: 'xp-dialog-body' }, [el('figure', { class: 'xp-dialog-digit' }, [image, el('figcaption', { text: 'the test image' })]), el('div', { class: 'xp-dialog-side' }, [chart.element, why.element])]),
      el('div', { class: 'xp-dialog-actions' }, [fool, step]),
    ]);
    close.addEventListener('click', () => dialog.close());
    fool.addEventListener('click', () => handOver('fool'));
    step.addEventListener('click', () => handOver('step-through'));
    // A click on the backdrop (outside the dialog's box) closes it, as Escape does.
    dialog.addEventListener('click', (event) => {
      if (event.target !== dialog) return;
      const r = dialog.getBoundingClientRect();
      if (event.clientX < r.left || event.clientX > r.right || event.clientY < r.top || event.clientY > r.bottom) dialog.close();
    });
    document.body.append(dialog);
    why.setClasses(names);
    return { dialog, title, image, chart, why };
  }
}
