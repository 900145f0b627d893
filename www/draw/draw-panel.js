// The "Draw a digit" panel: a drawing canvas, Clear and Undo, the side × side image the network sees, a
// bar chart of the class probabilities (one bar per class of the answering model, labelled with its
// name) with the top class highlighted, "Why this digit?" (the attribution overlay,
// www/draw/why-overlay.js: clicking a bar explains that class), which model is answering, the
// hidden layers' activations for the drawing, and, where the reading may be wrong, "looks like a 9
// or a 3" and keeping the drawing with the right label (www/draw/correction.js).
//
// mountDrawPanel(section, api) fills `section` (the page's <section id="draw-panel">) and uses
// `api` from www/app/main.js:
//   api.predict(rgba: Uint8ClampedArray, width, height) → Promise<prediction | null>
//     prediction = {image: Uint8Array(limits.pixels), probabilities: number[limits.classes], digit, model, hidden: number[][]}
//     (null for an empty canvas, when no model can answer yet, or when the engine restarted)
//   api.onModelChange(callback(model: string, detail: string, classes: string[]))  — "default",
//     "trained", a loaded model's name or ""; for "trained", how far it got ("after 1 of 1,290 steps
//     …", or ""); for "default", its layers ("784-256-128-10", or ""); `classes`: the answering
//     model's class names (the bars, close call, keep buttons and why notes follow them)
//   api.explain(image, class, method) → Promise<explanation | null> (www/draw/why-overlay.js)
//   api.ready() → the engine's `ready` message or null (its explainLimits)
//   api.onReadout(prediction | null) (optional) — every read-out put on screen (the hidden-layer
//     map marks the drawing with it)
//
// It returns `{showImage(pixels, caption)}`: the drawing becomes that side × side image (e.g. a
// test digit picked on the hidden-layer map; the learner can draw over it) and is read at once;
// `caption` says where it came from (shown under the canvas until the drawing is cleared).
//
// Predictions: after every stroke (pointer lifted) and live while drawing, at most one request in
// flight and at most one every LIVE_INTERVAL_MS (with the live explanation, when "Why this digit?"
// is open, in the same slot). Every read-out is tagged with the canvas version
// it was computed from; a reply for an older version than the one shown is dropped, so a slow live
// reply never overwrites the read-out of a finished stroke, and nothing survives Clear.
//
// Automation contract (documented with the testers' hooks in docs/): the canvas has
// data-testid="draw-canvas", the buttons "draw-clear" and "draw-undo"; the element
// data-testid="prediction" carries data-digit (top class's index, "" when none), data-probs (JSON array of
// the classes' probabilities, "[]" when none), data-model (the answering model), data-strokes (how many
// finished strokes the read-out reflects) and data-state: "empty" (nothing drawn), "drawing" (a
// live read-out of a stroke in progress), "ready" (the read-out of the finished strokes), or
// "no-model" (nothing can answer yet). The canvas's data-picture is the caption of a picture sent
// by showImage ("" without one). Each probability bar is a button, data-testid="draw-bar-<k>",
// with aria-pressed when its class is the one explained and data-name (its class name); the bars'
// list "draw-bars" has data-classes (JSON names). "Why this digit?": see why-overlay.js.
//
// Non-goals: training or loading models (other panels do that), keeping drawings across reloads.

import { createDrawing, SIZE } from './drawing.js';
import { createWhyOverlay } from './why-overlay.js';
import { createCorrection } from './correction.js';
import { KeptDrawings } from './kept-drawings.js';
import { el } from '../ui/dom.js';
import { paintGrey } from '../ui/grey-image.js';
import { barColumns, className } from '../ui/classes.js';

/** Minimum time between two live predictions while drawing. */
const LIVE_INTERVAL_MS = 100;
/** Probability bars in one row at most (more classes wrap into rows of about equal length). */
const MAX_BARS_PER_ROW = 12;
/** Hidden units shown per layer (wider layers show their first units). */
const MAX_UNITS_SHOWN = 256;

const MODEL_NAMES = {
  default: 'the pretrained model that comes with the page (not the Default preset)',
  trained: 'your trained model',
  '': 'no model yet — it loads with the data, or train one',
};

/** Which model answers, in words; `detail` as api.onModelChange gives it. */
function modelName(name, detail) {
  if (name === 'trained' && detail) return `your model, ${detail}`;
  if (name === 'default' && detail) return `the pretrained model that comes with the page (${detail}; not the Default preset)`;
  return MODEL_NAMES[name] ?? `the loaded model “${name}”`;
}

/** @param {HTMLElement} section @param {object} api */
export function mountDrawPanel(section, api) {
  loadStyles();
  const why = createWhyOverlay({
    explain: api.explain,
    limits: () => api.ready()?.explainLimits ?? null,
    onClass: (cls) => markExplained(ui, cls),
  });
  const ui = build(section, why.element);
  let version = 0; // bumped by every change of the drawing
  let shownVersion = -1; // version of the read-out on screen
  let inFlight = false; // a live prediction is awaited
  let lastLive = 0;
  let liveTimer = 0;
  let model = '';
  let correction = null; // "looks like a 9 or a 3" and keeping a drawing, once the store is open
  let reading = { prediction: null, state: 'empty', strokes: [], canvas: SIZE, model };

  const forceMemory = new URLSearchParams(location.search).get('storage') === 'memory';
  KeptDrawings.open({ forceMemory }).then((kept) => {
    correction = createCorrection({ kept, classes: ui.names });
    ui.chart.after(correction.notice);
    why.element.after(correction.element);
    correction.update(reading);
  });

  const drawing = createDrawing(ui.canvas, {
    onDraw() {
      version++;
      scheduleLive();
    },
    onStrokeEnd() {
      version++;
      requestPrediction(false);
    },
  });

  function scheduleLive() {
    if (liveTimer || inFlight) return;
    const wait = Math.max(0, lastLive + LIVE_INTERVAL_MS - performance.now());
    liveTimer = setTimeout(() => {
      liveTimer = 0;
      if (drawing.isDrawing()) requestPrediction(true);
    }, wait);
  }

  async function requestPrediction(live) {
    const asked = version;
    const strokes = drawing.strokeCount();
    if (drawing.isEmpty()) {
      show(asked, null, strokes, 'empty');
      return;
    }
    const pixels = drawing.pixels();
    if (live) {
      inFlight = true;
      lastLive = performance.now();
    }
    let prediction = null;
    try {
      prediction = await api.predict(pixels, SIZE, SIZE);
    } catch (err) {
      console.warn(`prediction failed: ${err?.message ?? err}`);
    }
    const state = live ? 'drawing' : prediction ? 'ready' : model ? 'empty' : 'no-model';
    try {
      await show(asked, prediction, strokes, state, live);
    } finally {
      if (live) inFlight = false;
    }
    if (live && drawing.isDrawing()) scheduleLive();
  }

  /** Puts a read-out on screen unless a newer one is there; resolves once it is explained. */
  function show(asked, prediction, strokes, state, live = false) {
    if (asked < shownVersion) return; // a newer read-out is already on screen
    shownVersion = asked;
    render(ui, prediction, strokes, state, model);
    // A test digit sent by showImage is not the learner's handwriting to keep: no strokes then.
    reading = { prediction, state, strokes: state === 'ready' && !drawing.hasPicture() ? drawing.strokes() : [], canvas: SIZE, model };
    correction?.update(reading);
    api.onReadout?.(prediction);
    return why.update(prediction, { strokes, live, state });
  }

  function showPicture(caption) {
    ui.canvas.dataset.picture = caption;
    ui.pictureNote.textContent = caption ? `${caption}. Draw over it, or Clear.` : '';
    ui.pictureNote.hidden = !caption;
  }

  ui.clear.addEventListener('click', () => {
    drawing.clear();
    showPicture('');
    version++;
    why.forget();
    show(version, null, 0, 'empty');
  });
  ui.undo.addEventListener('click', () => {
    drawing.undo();
    if (!drawing.hasPicture()) showPicture('');
    version++;
    requestPrediction(false);
  });

  api.onModelChange((name, detail, classes = []) => {
    // Another model may answer with other classes: its bars, close call and "keep as" buttons.
    if (classes.length && JSON.stringify(classes) !== JSON.stringify(ui.names)) {
      buildBars(ui, classes, (k) => why.choose(k));
      const digits = api.ready()?.limits.class_names;
      ui.intro.textContent = introText(digits && JSON.stringify(classes) === JSON.stringify(digits) ? null : classes);
      why.setClasses(ui.names);
      correction?.setClasses(ui.names);
    }
    model = name;
    ui.model.textContent = modelName(name, detail);
    ui.prediction.dataset.model = name;
    // The same drawing may read differently with another model.
    version++;
    requestPrediction(false);
  });

  render(ui, null, 0, 'empty', model);
  showPicture('');

  return {
    showImage(pixels, caption) {
      drawing.setPicture(pixels);
      showPicture(caption);
      version++;
      why.forget();
      requestPrediction(false);
    },
  };
}

/** Loads draw.css once (same-origin stylesheet; the CSP forbids inline styles). */
function loadStyles() {
  const href = new URL('./draw.css', import.meta.url).href;
  if ([...document.styleSheets].some((s) => s.href === href)) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  document.head.append(link);
}

/** What to draw: one digit, or, for a model of other classes (`names` unless the digits), one of those. */
function introText(names) {
  const what = names ? `one of its ${names.length} classes (${names.join(', ')})` : 'one digit';
  return (
    `Draw ${what}, large, with your mouse, finger or pen. The network reads it after every stroke ` +
    'and live while you draw; the small image is what it actually sees after MNIST-style preprocessing.'
  );
}

function build(section, whyElement) {
  const intro = el('p', { className: 'muted', testid: 'draw-intro', textContent: introText(null) });

  const canvas = el('canvas', {
    className: 'draw-canvas',
    dataset: { testid: 'draw-canvas' },
    'aria-label': 'Drawing area: draw a digit here',
    role: 'img',
  });
  const undo = el('button', { type: 'button', className: 'secondary', textContent: 'Undo', dataset: { testid: 'draw-undo' } });
  const clear = el('button', { type: 'button', className: 'secondary', textContent: 'Clear', dataset: { testid: 'draw-clear' } });
  const pictureNote = el('p', { className: 'muted draw-picture-note', testid: 'draw-picture-note', 'aria-live': 'polite' });
  const board = el('div', { className: 'draw-board' }, [canvas, el('div', { className: 'draw-actions' }, [undo, clear]), pictureNote]);

  const seen = el('canvas', { className: 'draw-seen', 'aria-label': 'The image the network sees', dataset: { testid: 'draw-seen' } });
  const digit = el('output', { className: 'draw-digit', textContent: '–' });
  const confidence = el('span', { className: 'draw-confidence', textContent: '' });
  const model = el('span', { className: 'draw-model-name', textContent: MODEL_NAMES[''] });
  const summary = el('div', { className: 'draw-summary' }, [
    el('figure', { className: 'draw-seen-figure' }, [seen, el('figcaption', { textContent: 'what the net sees' })]),
    el('div', { className: 'draw-answer', 'aria-live': 'polite' }, [
      el('span', { className: 'draw-label', textContent: 'It reads' }),
      digit,
      confidence,
    ]),
  ]);

  const bars = [];
  const chart = el('ol', { className: 'draw-bars', testid: 'draw-bars', dataset: { classes: '' }, 'aria-label': 'Probability of each class; click one to see what makes it look like that class' });

  const hidden = el('div', { className: 'draw-hidden' });
  const details = el('details', { className: 'draw-hidden-details' }, [
    el('summary', { textContent: 'Hidden activations' }),
    el('p', { className: 'muted', textContent: 'Each square is one hidden unit; brighter is more active (scaled per layer).' }),
    hidden,
  ]);

  const prediction = el('div', { className: 'draw-readout', dataset: { testid: 'prediction', digit: '', probs: '[]', model: '', strokes: '0', state: 'empty' } }, [
    summary,
    chart,
    whyElement,
    el('p', { className: 'draw-model' }, [el('span', { textContent: 'Answering: ' }), model]),
    details,
  ]);

  section.append(intro, el('div', { className: 'draw-layout' }, [board, prediction]));
  return { intro, canvas, pictureNote, undo, clear, seen, digit, confidence, model, bars, names: [], chart, hidden, prediction };
}

/**
 * One probability bar per class, labelled with its name (`names` in label order; data-testid
 * "draw-bar-<k>" by index); `onPick(k)` when one is clicked. Replaces the bars shown.
 */
function buildBars(ui, names, onPick) {
  ui.names = names.slice();
  ui.chart.dataset.classes = JSON.stringify(ui.names);
  // One row for up to MAX_BARS_PER_ROW classes; beyond, rows of about equal length.
  ui.chart.style.setProperty('--columns', String(barColumns(names.length, MAX_BARS_PER_ROW)));
  ui.bars = names.map((name, k) => {
    const fill = el('span', { className: 'draw-bar-fill' });
    const value = el('span', { className: 'draw-bar-value', textContent: '' });
    const button = el('button', { type: 'button', className: 'draw-bar-button', disabled: true, testid: `draw-bar-${k}`, dataset: { name }, 'aria-pressed': 'false' }, [
      value,
      el('span', { className: 'draw-bar-track' }, [fill]),
      el('span', { className: 'draw-bar-label', textContent: name }),
    ]);
    button.addEventListener('click', () => onPick(k));
    return { item: el('li', { className: 'draw-bar' }, [button]), button, fill, value };
  });
  ui.chart.replaceChildren(...ui.bars.map((b) => b.item));
}

function render(ui, prediction, strokes, state, model) {
  const p = ui.prediction;
  p.dataset.state = state;
  p.dataset.strokes = String(strokes);
  p.dataset.model = model;
  const probs = prediction ? Array.from(prediction.probabilities, Number) : null;
  p.dataset.digit = prediction ? String(prediction.digit) : '';
  p.dataset.probs = JSON.stringify(probs ?? []);
  p.classList.toggle('is-empty', !prediction);

  const name = (k) => className(ui.names, k);
  ui.digit.textContent = prediction ? name(prediction.digit) : '–';
  ui.confidence.textContent = prediction ? `${(100 * probs[prediction.digit]).toFixed(1)}% sure` : state === 'no-model' ? 'no model yet' : '';
  ui.bars.forEach(({ item, button, fill, value }, k) => {
    const q = probs ? probs[k] : 0;
    fill.style.setProperty('--p', String(q));
    value.textContent = probs ? `${Math.round(100 * q)}` : '';
    item.classList.toggle('is-top', !!prediction && k === prediction.digit);
    button.disabled = !prediction;
    button.title = probs ? `${name(k)}: ${(100 * q).toFixed(2)}% — click: what makes it look like a ${name(k)}?` : name(k);
  });
  drawSeen(ui.seen, prediction?.image ?? null);
  drawHidden(ui.hidden, prediction?.hidden ?? []);
}

/** Marks the bar of the class "Why this digit?" explains (null: none). */
function markExplained(ui, cls) {
  ui.bars.forEach(({ item, button }, k) => {
    item.classList.toggle('is-explained', k === cls);
    button.setAttribute('aria-pressed', String(k === cls));
  });
}

/** The image the network sees (side × side), white ink on black (scaled up by CSS, pixelated); black without one. */
function drawSeen(canvas, image) {
  const ctx = canvas.getContext('2d');
  if (!image) {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    return;
  }
  const side = Math.round(Math.sqrt(image.length));
  if (canvas.width !== side) canvas.setAttribute('aria-label', `The image the network sees (${side} × ${side} pixels)`);
  paintGrey(canvas, image);
}

/** One row of squares per hidden layer, brightness = activation / the layer's largest. */
function drawHidden(container, layers) {
  while (container.children.length > layers.length) container.lastChild.remove();
  layers.forEach((layer, l) => {
    const units = Math.min(layer.length, MAX_UNITS_SHOWN);
    const cols = Math.min(units, 32);
    const rows = Math.ceil(units / cols);
    let row = container.children[l];
    if (!row) {
      row = el('figure', { className: 'draw-hidden-layer' }, [el('canvas'), el('figcaption')]);
      container.append(row);
    }
    const [canvas, caption] = row.children;
    caption.textContent = `layer ${l + 1}: ${layer.length} units${layer.length > units ? ` (first ${units})` : ''}`;
    if (canvas.width !== cols || canvas.height !== rows) {
      canvas.width = cols;
      canvas.height = rows;
    }
    canvas.style.setProperty('--rows', String(rows));
    canvas.style.setProperty('--cols', String(cols));
    let max = 0;
    for (let i = 0; i < units; i++) max = Math.max(max, layer[i]);
    const ctx = canvas.getContext('2d');
    const data = ctx.createImageData(cols, rows);
    for (let i = 0; i < units; i++) {
      const v = max > 0 ? Math.round((255 * Math.max(0, layer[i])) / max) : 0;
      data.data.set([v, Math.round(v * 0.8), 40 + Math.round(v * 0.3), 255], 4 * i);
    }
    ctx.putImageData(data, 0, 0);
  });
}
