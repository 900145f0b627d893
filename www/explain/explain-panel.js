// "Look inside a prediction": the page section that holds "Fool the network" (fool.js) and "Step
// through one example" (step-through.js) for one example, which the learner chooses here: their
// drawing (it follows the drawing panel's read-outs) or a test digit by its number; the test-set
// gallery's "why" dialog (gallery-why.js) hands one over with show().
//
// mountExplainPanel(section, api) fills `section` (index.html's #explain-panel) and returns
// {show(subject)}; `api` is www/app/main.js's engine API:
//   api.onPrediction(callback(prediction | null)) — every read-out of the drawing panel
//   api.testImages(indices) → Promise<[{index, label, pixels}]>
//   api.explain(image, class, method) → the `explanation` (its probabilities: the model's reading)
//   api.attack / smallestEpsilon / walkthrough (fool.js, step-through.js)
//   api.onModelChange(callback), api.ready() → the `ready` message (explainLimits), api.engine
//     (to hear `data-ready`: how many test digits there are)
//
// A subject is {image: Uint8Array(784), digit (its prediction), probabilities, label (true label,
// null for a drawing), name (in words), key (changes with the example)}.
//
// Automation contract: data-testid="explain-panel" with data-subject ("" none, "drawing", or
// "test-<index>"); controls "explain-use-drawing", "explain-test-index", "explain-show-test".
//
// Does not: compute anything (the engine does); the views do their own requests.

import { FromWorker } from '../protocol.js';
import { el } from '../ui/dom.js';
import { numberFormat } from '../ui/format.js';
import { percentShort } from './bars.js';
import { createFoolView } from './fool.js';
import { drawImage, pictureCanvas } from './pictures.js';
import { createStepThrough } from './step-through.js';
import { className } from '../ui/classes.js';

/** A drawing still changing is taken this long after its last read-out. */
const FOLLOW_DELAY_MS = 250;

export function mountExplainPanel(section, api) {
  const limits = () => api.ready()?.explainLimits ?? null;
  const fool = createFoolView({ api, limits });
  const steps = createStepThrough({ api, limits });
  const ui = build();
  section.dataset.subject = '';
  section.append(ui.intro, ui.chooser, el('div', { class: 'xp-views' }, [fool.element, steps.element]));

  /** The drawing panel's latest read-out, and whether the panel follows it. */
  let drawing = null;
  let following = false;
  let followTimer = 0;
  let subject = null;
  let keys = 0;

  api.onPrediction((prediction) => {
    if (!prediction) return;
    drawing = prediction;
    ui.useDrawing.disabled = false;
    if (!following) return;
    clearTimeout(followTimer);
    followTimer = setTimeout(useDrawing, FOLLOW_DELAY_MS);
  });
  api.engine.on(FromWorker.DATA_READY, (message) => {
    ui.index.max = String(message.test.count - 1);
    ui.showTest.disabled = false;
    ui.index.disabled = false;
  });
  // Another model reads the same example differently: read it again.
  /** The answering model's class names (label order). */
  let names = [];
  api.onModelChange((model, detail, classes = []) => {
    names = classes;
    fool.setClasses(classes);
    steps.setClasses(classes);
    if (subject?.source === 'test') showTest(subject.index);
  });

  ui.useDrawing.addEventListener('click', () => {
    following = true;
    useDrawing();
  });
  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const i = Number(ui.index.value);
    const max = Number(ui.index.max);
    if (!Number.isInteger(i) || i < 0 || i > max) {
      ui.message.textContent = `Test images are numbered 0 to ${numberFormat.format(max)}; “${ui.index.value}” is not one of them.`;
      return;
    }
    showTest(i);
  });

  function useDrawing() {
    if (!drawing) return;
    show({ image: drawing.image, digit: drawing.digit, probabilities: drawing.probabilities, label: null, name: 'Your drawing', source: 'drawing' });
  }

  async function showTest(index) {
    following = false;
    ui.message.textContent = '';
    let images;
    try {
      images = await api.testImages([index]);
    } catch (err) {
      ui.message.textContent = `Could not get test image ${index}: ${err?.message ?? err}`;
      return;
    }
    const image = images?.[0];
    if (!image) return;
    await showImage({ image: image.pixels, label: image.label, name: `Test image ${numberFormat.format(index)} (a ${className(names, image.label)})`, source: 'test', index });
  }

  /** Reads an image with the answering model, then shows it. */
  async function showImage(partial) {
    let reading;
    try {
      reading = await api.explain(partial.image, partial.label ?? 0, 'gradient');
    } catch (err) {
      ui.message.textContent = `Could not read it: ${err?.message ?? err}`;
      return;
    }
    if (!reading) return;
    const p = Array.from(reading.probabilities, Number);
    show({ ...partial, probabilities: p, digit: p.indexOf(Math.max(...p)) });
  }

  /** Makes `s` the example of both views (a subject without probabilities is read first). */
  function show(s) {
    if (s.source !== 'drawing') following = false;
    if (!s.probabilities) return showImage(s);
    subject = { ...s, key: ++keys };
    section.dataset.subject = s.source === 'test' ? `test-${s.index}` : s.source;
    ui.figure.hidden = false;
    drawImage(ui.thumb, s.image);
    ui.caption.textContent = `${s.name}: it reads ${className(names, s.digit)} (${percentShort(s.probabilities[s.digit])}).`;
    ui.message.textContent = '';
    ui.useDrawing.setAttribute('aria-pressed', String(following));
    fool.setSubject(subject);
    steps.setSubject(subject);
  }

  return { show };

  function build() {
    const intro = el('p', { class: 'muted' }, [
      'Two ways to look inside the network for one example: make it read a class of your choosing with changes too small to notice, and follow one training step through every layer. ',
      'For “which pixels made it say that?” open “Why this digit?” in the drawing panel, or click an image in the test-set gallery.',
    ]);
    const useDrawing = el('button', { type: 'button', testid: 'explain-use-drawing', text: 'Use my drawing', disabled: true, 'aria-pressed': 'false', title: 'Follows the drawing panel: draw a digit there first' });
    const index = el('input', { type: 'number', id: 'explain-test-index', testid: 'explain-test-index', min: '0', max: '9999', step: '1', value: '0', inputMode: 'numeric', disabled: true, class: 'xp-index' });
    const showTest = el('button', { type: 'submit', class: 'secondary', testid: 'explain-show-test', text: 'Use it', disabled: true });
    // noValidate: an index out of range gets this panel's message, not the browser's bubble.
    const form = el('form', { class: 'xp-test-pick', noValidate: true }, [el('label', { for: index.id, text: 'or test image no.' }), index, showTest]);
    const thumb = pictureCanvas({ label: 'The example', testid: 'explain-subject-image' });
    const caption = el('figcaption', { 'aria-live': 'polite' });
    const figure = el('figure', { class: 'xp-subject', hidden: true }, [thumb, caption]);
    const message = el('p', { class: 'xp-error', 'aria-live': 'polite' });
    const chooser = el('div', { class: 'xp-chooser', role: 'group', 'aria-label': 'The example to look inside' }, [
      el('div', { class: 'xp-chooser-controls' }, [el('span', { class: 'xp-chooser-label', text: 'Example:' }), useDrawing, form]),
      figure,
      message,
    ]);
    return { intro, chooser, useDrawing, index, showTest, form, thumb, caption, figure, message };
  }
}
