// "Fool the network": make the answering model read the example as a digit of the learner's
// choosing ("Make it a 7") by changing every pixel by at most ε. The engine runs the attack
// (`attack`: iterated gradient-sign steps inside the L∞ budget, src/explain/attack.rs) and finds the
// smallest ε that works (`smallest-epsilon`); this view shows the perturbed image, the
// perturbation (amplified: colours on the scale of ε, www/ui/diverging.js), the smallest ε and the
// ten probabilities before and after. The ε slider's range and the step count come from the
// engine's explainLimits; the slider starts at the smallest ε found.
//
// createFoolView({api, limits}) returns {element, setSubject(subject | null)}:
//   api.attack(image, target, epsilon, steps), api.smallestEpsilon(image, target, steps) →
//     Promise of the `attack-result` / `epsilon-result` message (www/protocol.js)
//   limits() → the engine's explainLimits, or null before `ready`
//   subject = {image: Uint8Array(784), digit (its prediction), probabilities, name, key}
//
// Only the newest request's answer is shown; at most one attack is out at a time while the slider
// moves (the latest ε is asked next).
//
// Automation contract: data-testid="fool" with data-state "empty" (no example), "waiting",
// "shown" or "error"; for the attack shown: data-target, data-epsilon, data-steps, data-reached
// ("true"/"false"), data-predicted-after, data-probability-after (of the target), data-linf (the
// largest |perturbed − original| over the pixels, computed here from the image the engine
// returned and the example's bytes read as the engine reads them, f32 p/255), data-image-min,
// data-image-max (of the perturbed image); and data-smallest-epsilon ("" while searching,
// "none" when even the largest budget fails). Controls: "fool-target-<k>" radios, "fool-epsilon"
// slider, "fool-use-smallest" button; pictures "fool-perturbed", "fool-perturbation".
//
// Does not: compute anything about the network (the engine does) or choose the example
// (www/explain/explain-panel.js).

import { el } from '../ui/dom.js';
import { percentShort, probabilityChart } from './bars.js';
import { digitRadios } from './controls.js';
import { drawImage, drawSignedMap, pictureCanvas } from './pictures.js';
import { className } from '../ui/classes.js';

const LEVELS_OF_GREY = 255;

/** ε as the page writes it: three decimals, and what it means in grey levels of 255. */
const epsilonText = (e) => `${e.toFixed(3)} (up to ${Math.round(e * LEVELS_OF_GREY)} of ${LEVELS_OF_GREY} grey levels per pixel)`;

/** The largest |x − original| (original read as the engine reads it: f32 of p/255), and x's range. */
export function budgetUsed(image, original) {
  let linf = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < image.length; i++) {
    linf = Math.max(linf, Math.abs(image[i] - Math.fround(original[i] / 255)));
    min = Math.min(min, image[i]);
    max = Math.max(max, image[i]);
  }
  return { linf, min, max };
}

export function createFoolView({ api, limits }) {
  /** The answering model's class names (setClasses). */
  let names = [];
  const name = (k) => className(names, k);
  const ui = build();
  /** The example: {image, digit, probabilities, name, key} or null. */
  let subject = null;
  let target = null;
  let epsilon = null;
  let asked = 0;
  let attackOut = false;
  let attackAgain = false;
  let searchAsked = 0;
  let smallest = undefined; // undefined: not known; null: none within the largest budget

  ui.slider.addEventListener('input', () => {
    epsilon = Number(ui.slider.value);
    ui.epsilonOut.textContent = epsilonText(epsilon);
    runAttack();
  });
  ui.useSmallest.addEventListener('click', () => {
    if (typeof smallest !== 'number') return;
    setEpsilon(smallest);
    runAttack();
  });

  /** The slider's range and step from the engine's limits (once they are known). */
  function configureSlider() {
    const l = limits();
    if (!l) return false;
    const { min, max } = l.epsilon;
    ui.slider.min = String(min);
    ui.slider.max = String(max);
    // 0.001: the resolution the page writes ε with; the search's own is finer (max / 2^rounds).
    ui.slider.step = '0.001';
    ui.steps.textContent = String(l.default_attack_steps);
    return true;
  }

  function setEpsilon(e) {
    // Rounded up to the slider's step, so the budget shown still reaches the target.
    epsilon = Math.min(Number(ui.slider.max), Math.ceil(e * 1000 - 1e-9) / 1000);
    ui.slider.value = String(epsilon);
    ui.epsilonOut.textContent = epsilonText(epsilon);
  }

  /** A new example (null: none). Keeps the target unless it is what the example already reads. */
  function setSubject(next) {
    subject = next;
    ui.original.hidden = !subject;
    if (subject) drawImage(ui.original, subject.image);
    ui.subjectNote.textContent = subject ? `It reads ${name(subject.digit)} (${percentShort(subject.probabilities[subject.digit])} sure).` : '';
    if (!subject) {
      clearResult();
      return setState('empty');
    }
    if (target === null || target === subject.digit) target = defaultTarget(subject);
    ui.targets.check(target);
    search();
  }

  /** The most likely class other than the prediction: the natural first thing to try. */
  function defaultTarget(s) {
    let best = -1;
    s.probabilities.forEach((p, k) => {
      if (k !== s.digit && (best < 0 || p > s.probabilities[best])) best = k;
    });
    return best;
  }

  /** Finds the smallest ε for the target, puts the slider there and shows that attack. */
  async function search() {
    if (!subject || !configureSlider()) return;
    const request = ++searchAsked;
    const key = subject.key;
    ++asked; // an attack still out is older than this search
    smallest = undefined;
    setState('waiting');
    ui.smallest.textContent = `Searching for the smallest ε that makes it a ${name(target)}…`;
    ui.useSmallest.hidden = true;
    let reply;
    try {
      reply = await api.smallestEpsilon(subject.image, target, limits().default_attack_steps);
    } catch (err) {
      if (request !== searchAsked) return;
      return showError(err);
    }
    if (request !== searchAsked || !reply || subject?.key !== key) return;
    smallest = reply.epsilon;
    const t = reply.attack.target;
    if (smallest === null) {
      ui.smallest.textContent = `Even the largest budget, ε = ${Number(ui.slider.max).toFixed(2)}, does not make it a ${t} with ${reply.attack.steps} steps.`;
      setEpsilon(Number(ui.slider.max));
    } else if (smallest === 0) {
      ui.smallest.textContent = `It already reads ${t}: nothing to change.`;
      setEpsilon(0);
    } else {
      ui.smallest.textContent = `Smallest ε that makes it a ${t}: ${epsilonText(smallest)}. (It failed at ${reply.failed_below.toFixed(4)}.)`;
      ui.useSmallest.hidden = false;
      setEpsilon(smallest);
    }
    ui.slider.disabled = false;
    await runAttack();
  }

  /** Attacks at the slider's ε; while one attack is out, the latest ε waits for it. */
  async function runAttack() {
    if (!subject || target === null || epsilon === null) return;
    if (attackOut) {
      attackAgain = true;
      return;
    }
    attackOut = true;
    const request = ++asked;
    const original = subject.image;
    setState('waiting');
    let reply = null;
    let error = null;
    try {
      reply = await api.attack(original, target, epsilon, limits().default_attack_steps);
    } catch (err) {
      error = err;
    }
    attackOut = false;
    if (attackAgain) {
      attackAgain = false;
      return runAttack();
    }
    if (request !== asked || subject?.image !== original) return;
    if (error) return showError(error);
    if (reply) show(reply, original);
  }

  function show(a, original) {
    const used = budgetUsed(a.image, original);
    drawImage(ui.perturbed, a.image);
    // Amplified: ±ε is full colour, whatever ε is.
    drawSignedMap(ui.perturbation, a.perturbation, a.epsilon > 0 ? a.epsilon : null);
    ui.chart.show(a.before, a.after, { [a.target]: 'target' });
    ui.figures.hidden = false;
    const pAfter = a.after[a.target];
    ui.verdict.textContent = a.reached
      ? `At ε = ${a.epsilon.toFixed(3)} it reads ${name(a.target)} (${percentShort(pAfter)} sure): fooled.`
      : `At ε = ${a.epsilon.toFixed(3)} it still reads ${name(a.predicted_after)} (${name(a.target)}: ${percentShort(pAfter)}). Raise ε.`;
    ui.verdict.classList.toggle('is-reached', a.reached);
    ui.perturbationCaption.textContent = `the change, ×${a.epsilon > 0 ? Math.round(1 / a.epsilon) : 1} (red: brighter, blue: darker; full colour = ±ε)`;
    const d = ui.section.dataset;
    Object.assign(d, {
      target: String(a.target),
      epsilon: String(a.epsilon),
      steps: String(a.steps),
      reached: String(a.reached),
      predictedAfter: String(a.predicted_after),
      probabilityAfter: String(pAfter),
      linf: String(used.linf),
      imageMin: String(used.min),
      imageMax: String(used.max),
    });
    setState('shown');
  }

  function clearResult() {
    ui.figures.hidden = true;
    ui.chart.show(null);
    ui.verdict.textContent = '';
    ui.smallest.textContent = '';
    ui.useSmallest.hidden = true;
    ui.slider.disabled = true;
  }

  function showError(err) {
    ui.error.textContent = `Could not attack it: ${err?.message ?? err}`;
    setState('error');
  }

  function setState(state) {
    const d = ui.section.dataset;
    d.state = state;
    d.smallestEpsilon = smallest === undefined ? '' : smallest === null ? 'none' : String(smallest);
    ui.error.hidden = state !== 'error';
    ui.hint.hidden = state !== 'empty';
    ui.section.setAttribute('aria-busy', String(state === 'waiting'));
  }

  setState('empty');
  clearResult();
  /** Another model answers: its classes are the targets. */
  function setClasses(next) {
    if (JSON.stringify(next) === JSON.stringify(names)) return;
    names = next.slice();
    ui.targets.setClasses(names);
    if (target !== null && target < names.length) ui.targets.check(target);
  }

  return { element: ui.section, setSubject, setClasses };

  function build() {
    const name = `fool-${Math.random().toString(36).slice(2)}`;
    const targets = digitRadios({
      legend: 'Make it a',
      testid: 'fool-target',
      onPick(k) {
        target = k;
        search();
      },
    });
    const steps = el('span', { text: '…' });
    const slider = el('input', { type: 'range', id: `${name}-epsilon`, testid: 'fool-epsilon', min: '0', max: '0.5', step: '0.001', value: '0', disabled: true });
    const epsilonOut = el('output', { class: 'xp-epsilon-value', for: slider.id, 'aria-live': 'off' });
    const useSmallest = el('button', { type: 'button', class: 'secondary', testid: 'fool-use-smallest', text: 'Back to the smallest ε', hidden: true });
    const smallest = el('p', { class: 'xp-smallest', testid: 'fool-smallest', 'aria-live': 'polite' });
    const original = pictureCanvas({ label: 'The example as the network reads it' });
    const perturbed = pictureCanvas({ label: 'The attacked image', testid: 'fool-perturbed' });
    const perturbation = pictureCanvas({ label: 'The change the attack made, amplified: red brighter, blue darker', testid: 'fool-perturbation' });
    const perturbationCaption = el('figcaption', { text: 'the change, amplified' });
    const figures = el('div', { class: 'xp-figures', hidden: true }, [
      el('figure', {}, [original, el('figcaption', { text: 'the example' })]),
      el('figure', {}, [perturbed, el('figcaption', { text: 'attacked' })]),
      el('figure', {}, [perturbation, perturbationCaption]),
    ]);
    const chart = probabilityChart({ testid: 'fool-probabilities', label: 'Probability of each class before (pale) and after the attack', names: () => names });
    const verdict = el('p', { class: 'xp-verdict', 'aria-live': 'polite' });
    const subjectNote = el('p', { class: 'xp-subject-note' });
    const hint = el('p', { class: 'xp-hint', text: 'Choose an example above: your drawing or a test image.' });
    const error = el('p', { class: 'xp-error', role: 'alert', hidden: true });
    const section = el('section', { class: 'xp-view xp-fool', testid: 'fool', 'aria-labelledby': `${name}-heading` }, [
      el('h3', { id: `${name}-heading`, text: 'Fool the network' }),
      el('p', { class: 'muted' }, [
        'Change every pixel a little, by at most ε, in the direction that makes the network more sure of the class you choose: ',
        steps,
        ' small gradient-sign steps, computed by the engine on the model that answers (projected gradient descent).',
      ]),
      hint,
      el('div', { class: 'xp-fool-grid' }, [
        el('div', { class: 'xp-fool-controls' }, [
          subjectNote,
          targets.element,
          el('div', { class: 'xp-epsilon' }, [el('label', { for: slider.id, text: 'Budget ε, the largest change of any pixel (0–1 scale)' }), slider, epsilonOut]),
          el('div', { class: 'xp-smallest-row' }, [smallest, useSmallest]),
          error,
        ]),
        el('div', { class: 'xp-fool-results' }, [figures, verdict, chart.element]),
      ]),
      el('p', { class: 'xp-lesson' }, [
        el('strong', { text: 'Would training with augmentation fix it? ' }),
        'Try it: turn Augmentation on in ',
        el('a', { href: '#settings-heading', 'data-jump': 'settings-heading', text: 'the settings' }),
        ', train, and attack again. It will not fix it. The pretrained model was trained with augmentation, and still small budgets turn many test digits into the digit of our choosing and slightly larger ones nearly all (',
        el('a', { href: 'docs/explain.md#fool-the-network-targeted-attacks', text: 'the measured table' }),
        '). Augmentation teaches the changes a hand makes; an attack makes tiny changes to all 784 pixels at once, and a network of dense layers adds them all up. Only training on attacked images (adversarial training) buys real robustness, at a cost in accuracy and training time.',
      ]),
    ]);
    return { section, targets, steps, slider, epsilonOut, useSmallest, smallest, original, perturbed, perturbation, perturbationCaption, figures, chart, verdict, subjectNote, hint, error };
  }
}
