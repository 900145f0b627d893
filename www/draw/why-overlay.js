// "Why this digit?" in the drawing panel: which pixels of the image the network read push it towards
// a class and which away, as a diverging red/blue overlay on that image (www/ui/diverging.js),
// scaled symmetrically by the map's largest magnitude. The map is the engine's (`explain`,
// docs/explain.md): the gradient of log p(class) (live while drawing) or integrated gradients from
// a blank image (when the pen is lifted), on the 0–1 pixel scale. The class is the prediction unless
// the learner picked another by clicking its probability bar ("what makes it look like a 7?").
//
// createWhyOverlay({explain, limits, onClass, drawing}) returns {element, update, choose, forget,
// setClasses(names) (the answering model's class names, label order, for its notes)};
// www/draw/draw-panel.js places `element`, calls update() with every read-out it
// shows and choose(k) when a bar is clicked:
//   explain(image, class, method) → Promise<explanation | null> (the `explanation` message)
//   limits() → the engine's explainLimits, or null before `ready`
//   onClass(class | null) — the class explained changed (null: nothing explained)
//   drawing — true (the default) in the drawing panel: the methods say when they follow the pen;
//     false for an image that does not change (the test-set gallery, www/explain/gallery-why.js)
//
// Only what is on screen is explained: nothing is asked while the section is folded; a reply older
// than the one shown is dropped. The map is drawn on the image it was computed for.
//
// Automation contract: the section has data-testid="why" (its summary "why-toggle", the method
// radios "why-method-gradient" and "why-method-integrated_gradients", the back button "why-back",
// the map canvas "why-map") with data-state: "closed", "empty" (nothing drawn), "no-model",
// "waiting" (a request out, or integrated gradients waiting for the pen to lift), "shown" or
// "error"; and, for the map shown, data-class, data-chosen ("prediction" or "picked"),
// data-method, data-strokes (of the read-out it explains), data-map-max (largest |value|),
// data-map-sum, and for integrated gradients (else "") data-completeness-error, data-steps and
// data-log-prob-change (log p(class) of the image minus that of the blank image).
//
// Does not: compute anything about the network (the engine does), draw the probability bars or
// decide when to predict (draw-panel.js).

import { divergingColour, divergingPosition, packRgba, rgb } from '../ui/diverging.js';
import { el } from '../ui/dom.js';
import { className } from '../ui/classes.js';

/** The methods the engine offers (Engine.explainImage's `method`), with their labels. */
const METHODS = [
  { value: 'gradient', label: 'Gradient', note: 'live while drawing' },
  { value: 'integrated_gradients', label: 'Integrated gradients', note: 'when you lift the pen' },
];
/** How strongly the digit's ink shows under the overlay (0: not at all, 1: full ink colour). */
const INK_SHOWN = 0.5;
/**
 * Colour strength = |v / largest|^GAMMA: below 1 it lifts the many small values of a peaked map
 * into sight; the scale stays symmetric (v and −v equally strong) and 0 stays neutral.
 */
const GAMMA = 0.7;
/** The strongest colour covers this much of the pixel under it, so the digit stays visible. */
const COVER = 0.85;
/** Above this probability the softmax saturates: log p hardly moves, its gradient is tiny. */
const SATURATED = 0.999;

/**
 * The overlay's pixels: the image (bytes, 0 = background) drawn in the theme's ink on its neutral
 * background at INK_SHOWN strength, each pixel then moved towards `positive` or `negative` by its
 * value's position on a scale symmetric around 0 (the largest |value|).
 * @param {Uint8Array} image @param {Float32Array} map same length
 * @param {{neutral: number[], ink: number[], positive: number[], negative: number[]}} palette
 * @returns {{pixels: Uint32Array, max: number}} packed RGBA (little-endian), and the scale used
 */
export function overlayPixels(image, map, palette) {
  let max = 0;
  for (let i = 0; i < map.length; i++) max = Math.max(max, Math.abs(map[i]));
  const pixels = new Uint32Array(image.length);
  for (let i = 0; i < image.length; i++) {
    const ink = (INK_SHOWN * image[i]) / 255;
    const base = palette.neutral.map((c, k) => c + ink * (palette.ink[k] - c));
    const t = divergingPosition(map[i], max);
    pixels[i] = packRgba(divergingColour(COVER * Math.sign(t) * Math.abs(t) ** GAMMA, palette, base));
  }
  return { pixels, max };
}

/** The theme's colours for the overlay, read from `element`'s CSS custom properties. */
export function readPalette(element) {
  const style = getComputedStyle(element);
  const colour = (name) => rgb(style.getPropertyValue(name).trim());
  return { neutral: colour('--digit-bg'), ink: colour('--digit-ink'), positive: colour('--w-pos'), negative: colour('--w-neg') };
}

const percent = (x) => `${(100 * x).toFixed(x < 0.001 ? 2 : 1)}%`;

/** @param {{explain: Function, limits: Function, onClass: Function, drawing?: boolean}} api */
export function createWhyOverlay({ explain, limits, onClass = () => {}, drawing = true }) {
  const ui = build();
  let method = METHODS[0].value;
  /** The class the learner picked, or null: the prediction's. */
  let chosen = null;
  /** The last read-out handed to update(): {prediction, strokes, live, state (the panel's)}. */
  let current = { prediction: null, strokes: 0, live: false, state: 'empty' };
  /** The explanation on screen: {explanation, image (it explains), strokes, digit (predicted then), max} or null. */
  let shown = null;
  let asked = 0; // requests made
  let answered = 0; // the request whose answer is on screen (or that cleared it)
  let palette = null;
  /** What the open section shows (data-state unless folded). */
  let status = 'empty';
  /** The answering model's class names in label order (setClasses); an index stands in until then. */
  let names = [];
  const name = (k) => className(names, k);

  const isOpen = () => ui.details.open;
  const classFor = (prediction) => (prediction ? chosen ?? prediction.digit : null);

  ui.details.addEventListener('toggle', () => {
    setState();
    if (isOpen()) refresh();
    else onClass(null);
  });
  for (const radio of ui.radios) {
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      method = radio.value;
      refresh();
    });
  }
  ui.back.addEventListener('click', () => {
    chosen = null;
    refresh();
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    palette = null;
    if (shown) drawMap();
  });

  /** Explains the current read-out again (class, method or visibility changed). */
  function refresh() {
    return update(current.prediction, { strokes: current.strokes, live: false, state: current.state });
  }

  /**
   * The panel shows a new read-out: explain it if the section is open. `live`: a read-out of a
   * stroke still being drawn (integrated gradients wait for the pen). Never rejects.
   */
  async function update(prediction, { strokes = 0, live = false, state = prediction ? 'ready' : 'empty' } = {}) {
    current = { prediction, strokes, live, state };
    const cls = classFor(prediction);
    onClass(isOpen() ? cls : null);
    if (!isOpen()) {
      // Folded: nothing is asked, and the map of an older drawing is not kept to reappear.
      shown = null;
      drawMap();
      return setState();
    }
    const request = ++asked;
    if (!prediction) {
      answered = request;
      shown = null;
      drawMap();
      return setState(state === 'no-model' ? 'no-model' : 'empty');
    }
    if (live && method !== 'gradient') return setState('waiting');
    setState('waiting');
    let explanation = null;
    let error = null;
    try {
      explanation = await explain(prediction.image, cls, method);
    } catch (err) {
      error = err;
    }
    if (request < answered) return; // a newer answer is already on screen
    answered = request;
    if (error || !explanation) {
      shown = null;
      drawMap();
      ui.error.textContent = error ? `Could not explain it: ${error.message ?? error}` : '';
      return setState(error ? 'error' : 'empty');
    }
    shown = { explanation, image: prediction.image, strokes, digit: prediction.digit };
    drawMap();
    setState('shown');
  }

  /** The learner clicked class `k`'s bar: explain that class (the prediction's bar: back to it). */
  function choose(k) {
    chosen = current.prediction && k === current.prediction.digit ? null : k;
    if (!isOpen()) ui.details.open = true; // its toggle event explains
    else refresh();
  }

  /** A new drawing: the prediction is explained again. */
  function forget() {
    chosen = null;
  }

  function drawMap() {
    const ctx = ui.canvas.getContext('2d');
    ui.figure.hidden = !shown;
    if (!shown) {
      ctx.clearRect(0, 0, ui.canvas.width, ui.canvas.height);
      return;
    }
    const { image, explanation } = shown;
    const side = Math.round(Math.sqrt(image.length));
    if (ui.canvas.width !== side) ui.canvas.width = ui.canvas.height = side;
    palette ??= readPalette(ui.details);
    const { pixels, max } = overlayPixels(image, explanation.map, palette);
    const data = ctx.createImageData(side, side);
    new Uint32Array(data.data.buffer).set(pixels);
    ctx.putImageData(data, 0, 0);
    shown.max = max;
  }

  /** Writes the state, the notes and the data-* hooks; `state` omitted: keep the current one. */
  function setState(state = status) {
    status = state;
    const d = ui.details.dataset;
    d.state = isOpen() ? state : 'closed';
    const e = shown?.explanation;
    const digit = current.prediction?.digit ?? null;
    const cls = e ? e.class : classFor(current.prediction);
    const picked = cls !== null && digit !== null && cls !== digit;
    d.class = e ? String(e.class) : '';
    d.chosen = e ? (e.class === shown.digit ? 'prediction' : 'picked') : '';
    d.method = e ? e.method : '';
    d.strokes = shown ? String(shown.strokes) : '';
    d.mapMax = shown ? String(shown.max) : '';
    d.mapSum = e ? String(e.map.reduce((a, b) => a + b, 0)) : '';
    d.completenessError = e?.completeness_error ?? '';
    d.steps = e?.method === 'integrated_gradients' ? String(e.steps) : '';
    d.logProbChange = e?.method === 'integrated_gradients' ? String(e.log_prob - e.baseline_log_prob) : '';

    ui.error.hidden = d.state !== 'error';
    ui.hint.hidden = !['empty', 'no-model'].includes(d.state);
    ui.hint.textContent = d.state === 'no-model' ? 'No model answers yet: it loads with the data, or train one.' : 'Draw a digit: the colours show which pixels make the network say what it says.';
    ui.back.hidden = !picked || !current.prediction;
    ui.back.textContent = digit === null ? '' : `Back to the prediction, ${name(digit)}`;
    ui.note.hidden = cls === null || d.state === 'empty';
    if (cls !== null) {
      ui.note.textContent = picked ? `What makes it look like a ${name(cls)}? (It reads ${name(digit)}.)` : `Why ${name(cls)}: the prediction.`;
      ui.towards.textContent = `towards ${name(cls)}`;
      ui.away.textContent = `away from ${name(cls)}`;
    }
    ui.detail.textContent = describe(e);
  }

  /** What the map shown means, in words, with the numbers the engine reported. */
  function describe(e) {
    if (status === 'waiting' && current.live && method !== 'gradient') return 'Integrated gradients follow when you lift the pen.';
    if (!e) return '';
    const c = name(e.class);
    const largest = shown.max >= 0.01 ? shown.max.toPrecision(2) : shown.max.toExponential(1);
    const scale = `Colours scaled to the largest |value|, ${largest}.`;
    if (e.method === 'gradient') {
      const what = `Red: brightening the pixel would make ${c} more likely; blue: less likely (the gradient of log p(${c}) on the 0–1 pixel scale). ${scale}`;
      const p = e.probabilities[e.class];
      if (!(p > SATURATED)) return what;
      return `${what} It is ${percent(p)} sure of ${c}, so log p(${c}) hardly moves whatever a pixel does (the softmax saturates): the values are tiny. Integrated gradients show what brought it there.`;
    }
    const change = e.log_prob - e.baseline_log_prob;
    const tolerance = limits()?.completeness_tolerance;
    const within = e.completeness_error === null ? '' : `; the pixels' shares add up to it within ${percent(e.completeness_error)}${tolerance ? ` (asked: ${percent(tolerance)})` : ''}`;
    const signed = `${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(2)}`;
    return `Integrated gradients: each pixel's share of how log p(${c}) changes from a blank image to this one (${signed}), over ${e.steps} steps${within}. ${scale}`;
  }

  setState();
  /** Another model answers: its class names (label order) for the notes. */
  function setClasses(next) {
    names = next.slice();
    setState();
  }

  return { element: ui.details, update, choose, forget, setClasses };

  function build() {
    const canvas = el('canvas', { className: 'why-map', width: 28, height: 28, testid: 'why-map', role: 'img', 'aria-label': 'Attribution map over the image the network read: red pushes towards the class, blue away from it' });
    const towards = el('span', { className: 'why-towards', textContent: 'towards' });
    const away = el('span', { className: 'why-away', textContent: 'away' });
    const figure = el('figure', { className: 'why-figure', hidden: true }, [
      canvas,
      el('figcaption', { className: 'why-legend' }, [el('span', { className: 'why-scale', 'aria-hidden': 'true' }), away, towards]),
    ]);
    const name = `why-method-${Math.random().toString(36).slice(2)}`;
    const radios = [];
    const choices = METHODS.map(({ value, label, note }, i) => {
      const input = el('input', { type: 'radio', name, value, checked: i === 0, testid: `why-method-${value}` });
      radios.push(input);
      return el('label', { className: 'why-choice' }, [input, el('span', { textContent: ` ${label} ` }), drawing ? el('span', { className: 'why-choice-note', textContent: `(${note})` }) : []]);
    });
    const note = el('p', { className: 'why-note', 'aria-live': 'polite' });
    const back = el('button', { type: 'button', className: 'secondary why-back', testid: 'why-back', hidden: true });
    const detail = el('p', { className: 'why-detail' });
    const hint = el('p', { className: 'why-hint' });
    const error = el('p', { className: 'why-error', hidden: true });
    const body = el('div', { className: 'why-body' }, [
      el('div', { className: 'why-head' }, [note, back]),
      figure,
      el('div', { className: 'why-side' }, [
        hint,
        el('fieldset', { className: 'why-methods' }, [el('legend', { textContent: 'Method' }), ...choices]),
        detail,
        error,
      ]),
    ]);
    const details = el('details', { className: 'why', testid: 'why' }, [
      el('summary', { testid: 'why-toggle', textContent: 'Why this digit?' }),
      body,
      el('p', { className: 'why-tip', textContent: 'Click a probability bar to see what makes it look like that class.' }),
    ]);
    return { details, canvas, figure, towards, away, radios, note, back, detail, hint, error };
  }
}
