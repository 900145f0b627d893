// "Step through one example": one training step of the answering model on one image, layer by
// layer, as slides (big type, for a projector and for a phone): forward (each layer's
// pre-activations z and activations a: the first units as bars, all of them as statistics; the
// softmax and the loss), backward (each layer's δ = ∂loss/∂z; the first layer's weight gradient as a
// 28×28 map per unit, for the first few units with δ ≠ 0) and "Apply one SGD step on this example", which shows
// how the ten probabilities move. Every number is the engine's (`walkthrough`,
// src/explain/walkthrough.rs: the training step's own passes on a batch of one, no dropout; the
// SGD step is taken on a copy, the model itself does not change).
//
// createStepThrough({api, limits}) returns {element, setSubject(subject | null)}:
//   api.walkthrough(image, label, learningRate) → Promise of the `walkthrough-result` message
//   limits() → the engine's explainLimits (the learning rate's range and default), or null
//   subject = {image, digit (prediction), label (true label, or null for a drawing), name, key}
//
// Keys: ← and → (or the Previous / Next buttons) move one slide; Home and End go to the first and
// the last; the slide names above are buttons too.
//
// Automation contract: data-testid="step-through" with data-state ("empty", "waiting", "shown",
// "error"), data-stage (index), data-stages (count), data-stage-kind ("input", "forward",
// "output", "output-delta", "delta", "weight-gradient", "sgd-step"), data-layer (1-based, "" when
// none), data-layers, data-label, data-loss, data-probabilities (before, JSON) and, once the step
// is applied, data-applied "true", data-probabilities-after (JSON) and data-loss-after. Buttons
// "step-prev", "step-next", "step-apply", "step-fullscreen"; the label radios "step-label-<k>", the
// learning rate "step-rate", the slide "step-slide".
//
// Does not: compute anything (the engine does), train the real model, or choose the example.

import { el } from '../ui/dom.js';
import { percentShort, probabilityChart, signed, statsList, unitBars } from './bars.js';
import { digitRadios } from './controls.js';
import { drawImage, drawSignedMap, pictureCanvas } from './pictures.js';
import { className } from '../ui/classes.js';

/** Units of a layer drawn as bars (the rest are in the statistics). */
const UNITS_SHOWN = 12;
/** First-layer units whose weight gradient is drawn as a 28×28 map. */
const MAPS_SHOWN = 8;

/** The slides of a walkthrough of `layers` layers: [{kind, layer (0-based or null), title}]. */
export function stagesOf(layers) {
  const stages = [{ kind: 'input', layer: null, title: 'Input' }];
  for (let l = 0; l < layers - 1; l++) stages.push({ kind: 'forward', layer: l, title: `Layer ${l + 1}` });
  stages.push({ kind: 'output', layer: layers - 1, title: 'Softmax and loss' });
  stages.push({ kind: 'output-delta', layer: layers - 1, title: `δ output` });
  for (let l = layers - 2; l >= 0; l--) stages.push({ kind: 'delta', layer: l, title: `δ layer ${l + 1}` });
  stages.push({ kind: 'weight-gradient', layer: 0, title: '∂loss/∂W₁' });
  stages.push({ kind: 'sgd-step', layer: null, title: 'SGD step' });
  return stages;
}

export function createStepThrough({ api, limits }) {
  /** The answering model's class names (setClasses). */
  let names = [];
  const name = (k) => className(names, k);
  let subject = null;
  let label = null;
  let result = null;
  let stage = 0;
  let applied = false;
  let asked = 0;
  const ui = build();

  ui.prev.addEventListener('click', () => go(stage - 1));
  ui.next.addEventListener('click', () => go(stage + 1));
  ui.section.addEventListener('keydown', (event) => {
    if (event.target.matches('input, select, textarea') || event.altKey || event.ctrlKey || event.metaKey) return;
    const moves = { ArrowLeft: stage - 1, ArrowRight: stage + 1, Home: 0, End: Infinity };
    if (!(event.key in moves) || !result) return;
    event.preventDefault();
    go(moves[event.key]);
  });
  ui.rate.addEventListener('change', () => {
    applied = false;
    request();
  });
  ui.apply.addEventListener('click', () => {
    applied = true;
    render();
  });
  ui.fullscreen.addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else ui.section.requestFullscreen?.().catch(() => {});
  });
  document.addEventListener('fullscreenchange', () => {
    ui.fullscreen.textContent = document.fullscreenElement === ui.section ? 'Leave full screen' : 'Full screen';
  });

  function configureRate() {
    const l = limits();
    if (!l) return false;
    const r = l.step_learning_rate;
    ui.rate.min = String(r.min);
    ui.rate.max = String(r.max);
    // The default comes as an f32 (0.100000001…): written as the number it stands for.
    if (ui.rate.value === '') ui.rate.value = String(Number(l.default_step_learning_rate.toPrecision(6)));
    return true;
  }

  function setSubject(next) {
    subject = next;
    applied = false;
    if (!subject) {
      result = null;
      ui.labelRow.hidden = true;
      return render();
    }
    label = subject.label ?? subject.digit;
    ui.labels.check(label);
    ui.labelRow.hidden = false;
    request();
  }

  async function request() {
    if (!subject || !configureRate()) return;
    const rate = Number(ui.rate.value);
    const r = limits().step_learning_rate;
    if (!(rate > r.min && rate <= r.max)) {
      ui.error.textContent = `The learning rate must be above ${r.min} and at most ${r.max}; it is ${ui.rate.value || 'empty'}.`;
      return setState('error');
    }
    const n = ++asked;
    const key = subject.key;
    setState('waiting');
    let reply = null;
    try {
      reply = await api.walkthrough(subject.image, label, rate);
    } catch (err) {
      if (n !== asked) return;
      ui.error.textContent = `Could not step through it: ${err?.message ?? err}`;
      return setState('error');
    }
    if (n !== asked || !reply || subject?.key !== key) return;
    result = reply;
    result.stages = stagesOf(reply.layers.length);
    stage = Math.min(stage, result.stages.length - 1);
    render();
  }

  function go(i) {
    if (!result) return;
    stage = Math.max(0, Math.min(result.stages.length - 1, i));
    render();
    ui.slide.focus({ preventScroll: true });
  }

  function render() {
    if (!result || !subject) {
      ui.slide.replaceChildren();
      ui.tabs.replaceChildren();
      ui.nav.hidden = true;
      return setState('empty');
    }
    const stages = result.stages;
    const s = stages[stage];
    ui.tabs.replaceChildren(
      ...stages.map((t, i) => {
        const b = el('button', { type: 'button', class: 'xp-stage-tab', text: t.title, testid: `step-stage-${i}`, 'aria-current': i === stage ? 'step' : null });
        b.addEventListener('click', () => go(i));
        return el('li', {}, [b]);
      }),
    );
    ui.position.textContent = `${stage + 1} / ${stages.length}`;
    ui.prev.disabled = stage === 0;
    ui.next.disabled = stage === stages.length - 1;
    ui.nav.hidden = false;
    ui.slide.replaceChildren(...slide(s));
    ui.slide.setAttribute('aria-label', `Slide ${stage + 1} of ${stages.length}: ${s.title}`);
    const d = ui.section.dataset;
    Object.assign(d, {
      stage: String(stage),
      stages: String(stages.length),
      stageKind: s.kind,
      layer: s.layer === null ? '' : String(s.layer + 1),
      layers: String(result.layers.length),
      label: String(result.label),
      loss: String(result.loss),
      probabilities: JSON.stringify(result.probabilities),
      applied: String(applied),
      probabilitiesAfter: applied ? JSON.stringify(result.probabilities_after_step) : '',
      lossAfter: applied ? String(result.loss_after_step) : '',
    });
    setState('shown');
  }

  /** The contents of slide `s`. */
  function slide(s) {
    const w = result;
    const L = w.layers.length;
    const layer = s.layer === null ? null : w.layers[s.layer];
    const width = layer ? layer.pre_activations.length : 0;
    const inputs = w.first_layer_weight_gradient.length / w.units;
    switch (s.kind) {
      case 'input': {
        const canvas = pictureCanvas({ label: `The example: ${subject.name}`, className: 'xp-picture xp-picture-large' });
        drawImage(canvas, subject.image);
        return [
          heading('Forward: the input'),
          el('div', { class: 'xp-slide-row' }, [
            canvas,
            el('div', {}, [
              para(`${subject.name}: ${inputs} pixels, each 0 (background) to 1 (ink), the input x.`),
              para(`The network reads it as ${name(w.predicted)}; we teach it that it is a ${name(w.label)}. Press → to follow it through ${L === 1 ? 'the one layer' : `the ${L} layers`}.`),
            ]),
          ]),
        ];
      }
      case 'forward':
        return [
          heading(`Forward: layer ${s.layer + 1} of ${L}, ${width} units`),
          para(`z = W·${s.layer === 0 ? 'x' : `a${sub(s.layer)}`} + b, then a = activation(z). The first ${Math.min(UNITS_SHOWN, width)} units, on the scale of the layer's largest |value|:`),
          twoColumns(
            unitPanel(`pre-activations z${sub(s.layer + 1)}`, layer.pre_activations, ['min', 'mean', 'max']),
            unitPanel(`activations a${sub(s.layer + 1)}`, layer.activations, ['mean', 'max', 'zeroShare']),
          ),
        ];
      case 'output': {
        const chart = probabilityChart({ testid: 'step-softmax', label: 'The softmax: probability of each class', names: () => names });
        chart.show(w.probabilities, null, { [w.label]: 'label' });
        return [
          heading(`Forward: the output, softmax and loss`),
          para(`The ${width} logits z${sub(L)} (the bars) become probabilities p = softmax(z) (the columns). The loss is −log p(${name(w.label)}) = ${signed(w.loss)}.`),
          twoColumns(unitPanel(`logits z${sub(L)}`, layer.pre_activations, ['min', 'max'], width, 'class'), el('div', { class: 'xp-panel' }, [el('h5', { text: 'softmax p' }), chart.element])),
        ];
      }
      case 'output-delta':
        return [
          heading('Backward: the output δ'),
          para(`δ${sub(L)} = ∂loss/∂z${sub(L)} = p − onehot(${name(w.label)}): negative at ${name(w.label)} (raise it), positive elsewhere (lower them).`),
          unitPanel(`δ${sub(L)}`, layer.delta, ['min', 'max'], width, 'class'),
        ];
      case 'delta':
        return [
          heading(`Backward: δ of layer ${s.layer + 1}, ${width} units`),
          para(`δ${sub(s.layer + 1)} = (W${sub(s.layer + 2)}ᵀ·δ${sub(s.layer + 2)}) ⊙ activation′(z${sub(s.layer + 1)}). A unit that was off (zero slope) gets δ = 0 and learns nothing from this example. δ is also the gradient of its bias.`),
          unitPanel(`δ${sub(s.layer + 1)}`, layer.delta, ['meanAbs', 'min', 'max', 'zeroShare']),
        ];
      case 'weight-gradient': {
        const { units, skipped } = mapUnits();
        const which = skipped > 0 ? `the first ${units.length} units whose δ is not 0 (${skipped} before them had δ = 0: their maps are blank)` : `the first ${units.length} of ${w.units}`;
        return [heading('Backward: the first layer’s weight gradient'), para(`∂loss/∂W${sub(1)} for unit u is δ${sub(1)}[u] times the input as the first layer reads it (standardised: the background a little below 0): the image itself, scaled by that unit's δ. One 28×28 map per unit: ${which}, on one colour scale (red: the step lowers that weight, blue: raises it).`), weightMaps(units)];
      }
      case 'sgd-step':
        return sgdSlide();
      default:
        return [];
    }
  }

  /**
   * The first-layer units whose maps are drawn: the first MAPS_SHOWN with δ ≠ 0 (a unit with δ = 0,
   * e.g. a ReLU that was off, has a blank map); `skipped`: how many units before the last one
   * drawn had δ = 0. All units in order when too few have δ ≠ 0.
   */
  function mapUnits() {
    const delta = result.layers[0].delta;
    const units = [];
    let skipped = 0;
    for (let u = 0; u < delta.length && units.length < MAPS_SHOWN; u++) {
      if (delta[u] !== 0) units.push(u);
      else skipped++;
    }
    if (units.length < Math.min(MAPS_SHOWN, delta.length)) return { units: Array.from({ length: Math.min(MAPS_SHOWN, delta.length) }, (_, u) => u), skipped: 0 };
    return { units, skipped };
  }

  function weightMaps(units) {
    const inputs = result.first_layer_weight_gradient.length / result.units;
    const map = (u) => result.first_layer_weight_gradient.subarray(u * inputs, (u + 1) * inputs);
    let max = 0;
    for (const u of units) for (const v of map(u)) max = Math.max(max, Math.abs(v));
    const delta = result.layers[0].delta;
    return el(
      'ol',
      { class: 'xp-maps', testid: 'step-weight-maps' },
      units.map((u) => {
        const canvas = pictureCanvas({ label: `Weight gradient of unit ${u + 1}` });
        canvas.dataset.unit = String(u + 1);
        drawSignedMap(canvas, map(u), max);
        return el('li', {}, [el('figure', {}, [canvas, el('figcaption', { text: `unit ${u + 1}, δ ${signed(delta[u])}` })])]);
      }),
    );
  }

  function sgdSlide() {
    const w = result;
    const chart = probabilityChart({ testid: 'step-after', label: 'Probability of each class before (pale) and after the SGD step', names: () => names });
    chart.show(w.probabilities, applied ? w.probabilities_after_step : null, { [w.label]: 'label' });
    const rate = Number(w.learning_rate.toPrecision(6));
    const sure = w.probabilities[w.label] > 0.999 ? ` It is already ${percentShort(w.probabilities[w.label])} sure of ${name(w.label)}, so the loss is tiny and one step hardly moves anything: pick another label above to see a real step.` : '';
    const words = applied
      ? `After one step at learning rate ${rate}: p(${name(w.label)}) ${percentShort(w.probabilities[w.label])} → ${percentShort(w.probabilities_after_step[w.label])}, loss ${signed(w.loss)} → ${signed(w.loss_after_step)}. The step was taken on a copy; the model that answers is unchanged.${sure}`
      : `W ← W − rate·∂loss/∂W and b ← b − rate·δ for every layer, on a copy of the model (rate ${rate}).${sure}`;
    return [heading('Apply one SGD step on this example'), para(words), ui.apply, chart.element];
  }

  /** A layer's first units as bars and its statistics; the output's ('class') are labelled with the class names. */
  function unitPanel(title, values, stats, count = UNITS_SHOWN, name = 'unit') {
    const shown = Math.min(count, values.length);
    return el('div', { class: 'xp-panel' }, [
      el('h5', { text: `${title}${values.length > shown ? `: units 1–${shown} of ${values.length}` : ''}` }),
      unitBars(values, shown, name === 'class' ? { name, labels: names } : { name }),
      statsList(values, stats),
    ]);
  }

  function setState(state) {
    ui.section.dataset.state = state;
    ui.error.hidden = state !== 'error';
    ui.hint.hidden = state !== 'empty';
    ui.apply.hidden = applied;
    ui.section.setAttribute('aria-busy', String(state === 'waiting'));
  }

  /** Another model answers: its classes are the labels to learn. */
  function setClasses(next) {
    if (JSON.stringify(next) === JSON.stringify(names)) return;
    names = next.slice();
    ui.labels.setClasses(names);
    if (label !== null && label < names.length) ui.labels.check(label);
  }

  setState('empty');
  ui.labelRow.hidden = true;
  return { element: ui.section, setSubject, setClasses };

  function build() {
    const id = `step-${Math.random().toString(36).slice(2)}`;
    const labels = digitRadios({
      legend: 'Learn it as',
      testid: 'step-label',
      onPick(k) {
        label = k;
        applied = false;
        request();
      },
    });
    const rate = el('input', { type: 'number', id: `${id}-rate`, testid: 'step-rate', step: 'any', inputMode: 'decimal', class: 'xp-rate' });
    const labelRow = el('div', { class: 'xp-step-settings' }, [
      labels.element,
      el('div', { class: 'xp-rate-field' }, [el('label', { for: rate.id, text: 'Learning rate of the step' }), rate]),
    ]);
    const prev = el('button', { type: 'button', class: 'secondary', testid: 'step-prev', text: '← Previous' });
    const next = el('button', { type: 'button', testid: 'step-next', text: 'Next →' });
    const position = el('span', { class: 'xp-position', 'aria-live': 'polite' });
    const fullscreen = el('button', { type: 'button', class: 'secondary', testid: 'step-fullscreen', text: 'Full screen' });
    const tabs = el('ol', { class: 'xp-stage-tabs', 'aria-label': 'Slides' });
    const nav = el('div', { class: 'xp-step-nav', hidden: true }, [prev, position, next, fullscreen]);
    const slide = el('div', { class: 'xp-slide', testid: 'step-slide', tabIndex: 0, role: 'region', 'aria-roledescription': 'slide' });
    const apply = el('button', { type: 'button', class: 'primary', testid: 'step-apply', text: 'Apply one SGD step on this example' });
    const hint = el('p', { class: 'xp-hint', text: 'Choose an example above: your drawing or a test image.' });
    const error = el('p', { class: 'xp-error', role: 'alert', hidden: true });
    const section = el('section', { class: 'xp-view xp-step', testid: 'step-through', 'aria-labelledby': `${id}-heading` }, [
      el('h3', { id: `${id}-heading`, text: 'Step through one example' }),
      el('p', { class: 'muted' }, ['One training step of backpropagation on this one image, with the numbers of the model that answers. Use ', el('kbd', { text: '←' }), ' and ', el('kbd', { text: '→' }), ' or the buttons.']),
      hint,
      labelRow,
      error,
      tabs,
      nav,
      slide,
    ]);
    return { section, labels, rate, labelRow, prev, next, position, fullscreen, tabs, nav, slide, apply, hint, error };
  }
}

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';
/** 12 → "₁₂". */
const sub = (n) => String(n).replace(/\d/g, (d) => SUBSCRIPTS[d]);
const heading = (text) => el('h4', { class: 'xp-slide-title', text });
const para = (text) => el('p', { class: 'xp-slide-text', text });
const twoColumns = (a, b) => el('div', { class: 'xp-columns' }, [a, b]);
