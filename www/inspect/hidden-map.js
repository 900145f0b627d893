// "What the hidden layer learned": the engine's hidden-layer map (the last hidden layer's
// activations for a fixed set of test images, projected on their two principal components in Rust:
// src/inspect/hidden_map.rs) as a scatter coloured by true label (www/inspect/scatter.js), for the
// answering model when no run is going and after a run's first batch and every epoch.
//
// - Hover a point (mouse), tap it (touch) or move between points with the arrow keys: its image,
//   label and prediction show beside it. Click it (or "Draw with it", or Enter) to send the image
//   to the drawing panel (`sendToDrawing`).
// - The current drawing is placed on the latest map (`placeDrawing`, from every read-out of the
//   drawing panel) and marked.
// - The legend's digits are buttons that show one digit alone; "Draw digits, not dots" tells the
//   classes apart without colour; "Ring the misread digits"; the separation score
//   (www/inspect/separation.js) and the misread share.
// - Replay: a slider and Play over the maps of the run (or of the model) so far.
// - UMAP: a nonlinear view of the latest map's activations, made in a worker of its own
//   (www/inspect/umap-client.js), with progress and Cancel.
//
// mountHiddenMap(section, {engine, sendToDrawing(pixels, caption), drawHeading}) fills the
// section and returns {placeDrawing(prediction | null)}. `engine` is the page's EngineClient
// (www/app/engine-client.js); the map is asked for once the data is loaded (`follow`: the worker
// then sends the run's maps), when a run is stopped, and whenever the answering model changes
// while no run is going.
//
// Automation contract (docs/testing.md): the section's data-state ("empty", "loading", "shown",
// "error"), data-model, data-epoch ("" unless a run's map; "0" its start), data-count,
// data-classes, data-ms (the engine's time for the map), data-separation, data-version (counts maps
// received), data-drawing ("x,y" on the map, "" when none), data-projection ("pca", "umap"),
// data-umap ("idle", "running", "done", "cancelled", "error") and data-umap-ms; the canvas
// (data-testid="hidden-map-canvas") has data-probe: JSON [{index, label, x, y, px}] of the first
// five points (map coordinates; px: CSS pixels from the canvas's corner); the tooltip
// (data-testid="hidden-map-tip") data-index, data-label, data-predicted; legend buttons
// data-testid="hidden-map-legend-<k>".
//
// Does not: compute the map (the engine does) or draw the points (scatter.js), or know the drawing
// panel (main.js wires it).

import { FromWorker, RunState, ToWorker } from '../protocol.js';
import { drawDigit, inkColour } from '../playground/insight.js';
import { el, goTo } from '../ui/dom.js';
import { numberFormat } from '../ui/format.js';
import { GLIDE_MS, Scatter, colourOf, markerOf } from './scatter.js';
import { className } from '../ui/classes.js';
import { separation } from './separation.js';
import { startUmap } from './umap-client.js';

/** How close (CSS px) the pointer must be to a point to pick it. */
const PICK_RADIUS = 14;
/** At most this many test images per `test-images` request (the worker's cap). */
const IMAGES_PER_REQUEST = 500;

const MODEL_WORDS = { default: 'the pretrained model', trained: 'your model' };
const modelWords = (model) => MODEL_WORDS[model] ?? `the loaded model “${model}”`;

/** @param {HTMLElement} section */
export function mountHiddenMap(section, { engine, sendToDrawing, drawHeading }) {
  loadStyles();
  const ui = build(section);
  /** The answering model's class names, label order (`model-changed`; the map's classes are its). */
  let names = [];
  const name = (k) => className(names, k);
  /** The map shown: {indices, labels, predictions, coordinates, explained, model, epoch, classes, count}. */
  let map = null;
  /** The engine's last map (the one a drawing is placed on), and the maps the replay steps through. */
  let latest = null;
  /** The map entry on screen (`map` is its view: PCA or UMAP coordinates). */
  let shownEntry = null;
  const onLatestPca = () => shownEntry === latest && map?.projection === 'pca';
  let history = [];
  let ringMistakes = false;
  const scatter = new Scatter(ui.canvas);
  let selected = -1;
  let highlight = null;
  let asDigits = false;
  let drawingPoint = null;
  let runState = RunState.IDLE;
  let pending = 0; // counts map requests, so an older reply does not replace a newer one
  const images = new Map();
  let imagesRequested = false;
  let placeBusy = false;
  let placeNext = undefined;

  section.dataset.state = 'empty';
  section.dataset.version = '0';
  section.dataset.drawing = '';
  section.dataset.umap = 'idle';

  // --- Asking the engine ----------------------------------------------------------------------

  async function requestMap() {
    const mine = ++pending;
    setStatus('Computing the map…');
    if (!map) section.dataset.state = 'loading';
    ui.recompute.disabled = true;
    try {
      const reply = await engine.request({ type: ToWorker.HIDDEN_MAP, follow: true }, FromWorker.HIDDEN_MAP);
      if (reply && mine === pending) show(reply);
    } catch (err) {
      if (mine === pending) showError(err.message);
    } finally {
      if (mine === pending) ui.recompute.disabled = false;
    }
  }

  engine.on(FromWorker.DATA_READY, () => {
    images.clear();
    imagesRequested = false;
    requestMap();
  });
  engine.on(FromWorker.HIDDEN_MAP, (message, { answered }) => {
    if (answered || message.id !== undefined) return; // a reply: requestMap shows it
    pending++; // an epoch's map supersedes a request still on its way
    ui.recompute.disabled = false;
    if (message.error) showError(message.error, message.epoch === 0 ? ' at the run’s start' : ` after epoch ${message.epoch}`);
    else show(message);
  });
  engine.on(FromWorker.RUN_STATE, ({ state }) => {
    runState = state;
    // A stopped run answers with its weights as they are now, not those of its last epoch.
    if (state === RunState.STOPPED) requestMap();
  });
  engine.on(FromWorker.CONFIGURED, () => {
    // A new run: the replay starts again with its first epoch.
    stopPlaying();
    history = [];
    updateReplay();
    // The engine drops its map for a new run: the one shown is the previous model's until epoch 1 ends.
    if (map) setStatus(`Still shown: ${describe(map)} The new run's first map comes after its first batch.`);
    drawingPoint = null;
    section.dataset.drawing = '';
    redraw();
  });
  engine.on(FromWorker.MODEL_CHANGED, ({ model, classes }) => {
    if (classes?.length) names = classes;
    // During a run the epochs bring the maps; otherwise a new answering model gets a new map.
    if (runState === RunState.RUNNING || runState === RunState.PAUSED || !model) return;
    if (section.dataset.state !== 'empty' || map) requestMap();
  });
  ui.recompute.addEventListener('click', requestMap);
  ui.digitsBox.addEventListener('change', () => {
    asDigits = ui.digitsBox.checked;
    redraw();
  });
  ui.mistakesBox.addEventListener('change', () => {
    ringMistakes = ui.mistakesBox.checked;
    redraw();
  });

  /** Fetches every image of the map once (for the tooltip and the drawing panel). */
  async function loadImages() {
    if (imagesRequested || !map) return;
    imagesRequested = true;
    const all = Array.from(map.indices);
    for (let i = 0; i < all.length; i += IMAGES_PER_REQUEST) {
      const reply = await engine.request({ type: ToWorker.TEST_IMAGES, indices: all.slice(i, i + IMAGES_PER_REQUEST) }, FromWorker.TEST_IMAGES).catch(() => null);
      if (!reply) {
        imagesRequested = false;
        return;
      }
      for (const image of reply.images) images.set(image.index, image.pixels);
      if (selected >= 0) showTip(selected, tipMode);
    }
  }

  // --- Showing a map ------------------------------------------------------------------------------

  /** A new map from the engine: kept in the replay (maps of one model, or one run) and shown. */
  function show(message) {
    const entry = { ...message, count: message.indices.length };
    if (history.length > 0 && (history[0].model !== entry.model || history[0].count !== entry.count)) history = [];
    history.push(entry);
    latest = entry;
    stopPlaying();
    if (section.dataset.umap === 'running') {
      stopUmap('idle');
      ui.umapText.textContent = 'A new map came: press Show UMAP again for it.';
    }
    section.dataset.version = String(Number(section.dataset.version) + 1);
    updateReplay();
    display(entry);
  }

  /** Shows `entry` (the latest map or one of the replay's), the points gliding from where they were. */
  function display(entry, projection = 'pca') {
    const count = entry.count;
    const sameSet = !!map && map.count === count && map.indices.every((v, i) => v === entry.indices[i]);
    shownEntry = entry;
    map = projection === 'umap' ? { ...entry, coordinates: entry.umap.coordinates, projection } : { ...entry, projection };
    section.dataset.projection = projection;
    ui.umap.textContent = projection === 'umap' ? 'Back to PCA' : 'Show UMAP';
    ui.umap.disabled = entry !== latest && projection === 'pca';
    ui.umap.title = ui.umap.disabled ? 'A UMAP is made of the latest map (the engine keeps its activations)' : '';
    if (!sameSet) {
      selected = -1;
      hideTip();
      images.clear();
      imagesRequested = false;
    }
    section.dataset.state = 'shown';
    section.dataset.model = map.model;
    section.dataset.epoch = map.epoch === null ? '' : String(map.epoch);
    section.dataset.count = String(count);
    section.dataset.classes = String(map.classes);
    section.dataset.ms = String(Math.round(map.ms));
    ui.error.hidden = true;
    buildLegend();
    setStatus(describe(map));
    ui.axes.textContent =
      projection === 'umap'
        ? `UMAP of the same ${numberFormat.format(map.units)} activations (15 neighbours), made on this device in ${(entry.umap.ms / 1000).toFixed(1)} s: what sits together is alike; the distances between clusters and the axes mean little. Your drawing is placed on the PCA map only.`
        : `Across: the direction of greatest spread (${pct(map.explained[0])} of the variance); up: the next (${pct(map.explained[1])}). Computed in ${Math.round(map.ms)} ms.`;
    let wrong = 0;
    for (let i = 0; i < count; i++) if (map.labels[i] !== map.predictions[i]) wrong++;
    ui.mistakes.textContent = `Misread: ${numberFormat.format(wrong)} of ${numberFormat.format(count)} (${pct(wrong / count)}).`;
    const apart = separation(map.coordinates, map.labels, map.classes);
    section.dataset.separation = String(apart);
    ui.separation.textContent = Number.isFinite(apart) ? apart.toFixed(2) : '–';
    scatter.setPoints(map.coordinates, count, { glide: sameSet });
    redraw();
    writeProbe();
    if (selected >= 0) showTip(selected, tipMode);
    // The engine places a drawing on its latest map only (and on its PCA).
    if (onLatestPca() && lastDrawing) placeDrawing(lastDrawing);
    else if (!onLatestPca()) {
      drawingPoint = null;
      section.dataset.drawing = '';
    }
    loadImages();
  }

  function describe(m) {
    const when = m.epoch === null ? '' : m.epoch === 0 ? ' at the start (after its first batch)' : ` after epoch ${m.epoch}`;
    return `${numberFormat.format(m.count)} test images through ${modelWords(m.model)}${when}: its last hidden layer (${m.units} units).`;
  }

  // --- Replay: the maps of the run so far ---------------------------------------------------------

  const stepName = (m) => (m.epoch === null ? 'now' : m.epoch === 0 ? 'start' : `epoch ${m.epoch}`);
  function updateReplay() {
    ui.replay.hidden = history.length < 2;
    ui.replayRange.max = String(Math.max(0, history.length - 1));
    ui.replayRange.value = String(history.length - 1);
    ui.replayOut.textContent = history.length ? stepName(history.at(-1)) : '';
  }
  ui.replayRange.addEventListener('input', () => {
    stopPlaying();
    showStep(Number(ui.replayRange.value));
  });
  function showStep(k) {
    const entry = history[k];
    if (!entry) return;
    ui.replayRange.value = String(k);
    ui.replayOut.textContent = stepName(entry);
    display(entry);
  }
  let playing = 0;
  function stopPlaying() {
    clearInterval(playing);
    playing = 0;
    ui.play.textContent = 'Play';
  }
  ui.play.addEventListener('click', () => {
    if (playing) return stopPlaying();
    let k = 0;
    showStep(k);
    ui.play.textContent = 'Stop';
    playing = setInterval(() => {
      k += 1;
      if (k >= history.length) return stopPlaying();
      showStep(k);
    }, GLIDE_MS + 450);
  });

  function showError(text, when = '') {
    ui.error.hidden = false;
    ui.error.textContent = `No map${when}: ${text}`;
    if (!map) section.dataset.state = 'error';
    setStatus(map ? `Still shown: ${describe(map)}` : '');
  }

  const setStatus = (text) => (ui.status.textContent = text);

  function buildLegend() {
    if (ui.legend.children.length === map.classes && ui.legend.dataset.names === JSON.stringify(names)) {
      updateLegend();
      return;
    }
    ui.legend.replaceChildren();
    ui.legend.dataset.names = JSON.stringify(names);
    for (let k = 0; k < map.classes; k++) {
      const button = el('button', { type: 'button', class: 'hidden-map-key', testid: `hidden-map-legend-${k}`, 'aria-pressed': 'false', title: `Show only the ${name(k)}s (again: all classes)`, dataset: { name: name(k) } }, [
        el('span', { class: 'hidden-map-swatch', 'aria-hidden': 'true', dataset: { marker: markerOf(k) } }),
        el('span', { text: name(k) }),
      ]);
      button.addEventListener('click', () => {
        highlight = highlight === k ? null : k;
        updateLegend();
        redraw();
      });
      ui.legend.append(el('li', {}, button));
    }
    updateLegend();
  }

  function updateLegend() {
    [...ui.legend.querySelectorAll('button')].forEach((b, k) => {
      b.setAttribute('aria-pressed', String(highlight === k));
      b.querySelector('.hidden-map-swatch').style.setProperty('--swatch', colourOf(k));
    });
  }

  // --- Drawing -----------------------------------------------------------------------------------

  const include = (i) => highlight === null || map.labels[i] === highlight;
  /** Draws the map with the panel's choices (www/inspect/scatter.js). */
  function redraw() {
    if (!map) return;
    scatter.draw({
      labels: map.labels,
      predictions: map.predictions,
      classes: map.classes,
      names,
      highlight,
      asDigits,
      ringMistakes,
      selected,
      marker: drawingPoint,
    });
  }

  function writeProbe() {
    const probe = [];
    for (let i = 0; i < Math.min(5, map.count); i++) {
      probe.push({ index: map.indices[i], label: map.labels[i], x: map.coordinates[2 * i], y: map.coordinates[2 * i + 1], px: scatter.point(i) });
    }
    ui.canvas.dataset.probe = JSON.stringify(probe);
  }

  new ResizeObserver(() => {
    if (!map || !scatter.layout()) return;
    writeProbe();
    redraw();
    if (selected >= 0) showTip(selected, tipMode);
  }).observe(ui.canvas);
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    if (!map) return;
    updateLegend();
    redraw();
    if (selected >= 0) showTip(selected, tipMode);
  });

  // --- Picking points ------------------------------------------------------------------------------

  const local = (event) => {
    const r = ui.canvas.getBoundingClientRect();
    return [event.clientX - r.left, event.clientY - r.top];
  };

  let tipMode = 'hover';
  ui.canvas.addEventListener('pointermove', (event) => {
    if (event.pointerType !== 'mouse') return;
    const i = scatter.nearest(...local(event), PICK_RADIUS, include);
    ui.canvas.style.cursor = i >= 0 ? 'pointer' : 'default';
    if (i >= 0) select(i, 'hover');
    else if (tipMode === 'hover') select(-1);
  });
  ui.canvas.addEventListener('pointerleave', (event) => {
    if (event.pointerType === 'mouse' && tipMode === 'hover') select(-1);
  });
  let pointerType = 'mouse';
  ui.canvas.addEventListener('pointerdown', (event) => (pointerType = event.pointerType));
  ui.canvas.addEventListener('click', (event) => {
    const [x, y] = local(event);
    // The point under the pointer is the one hovered (a click's whole-pixel position may be nearer another).
    const [sx, sy] = selected >= 0 ? scatter.point(selected) : [Infinity, Infinity];
    const i = Math.hypot(sx - x, sy - y) <= PICK_RADIUS ? selected : scatter.nearest(x, y, PICK_RADIUS, include);
    // A mouse click sends the point at once; a tap (touch, pen) shows it first, with its button.
    if (i >= 0 && pointerType === 'mouse') {
      select(i, 'hover');
      send(i);
    } else if (i >= 0) select(i, 'tap');
    else select(-1);
  });
  ui.canvas.addEventListener('keydown', (event) => {
    if (!map) return;
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (moves[event.key]) {
      event.preventDefault();
      const start = selected >= 0 ? selected : firstShown();
      select(selected >= 0 ? scatter.step(start, ...moves[event.key], include) : start, 'key');
    } else if ((event.key === 'Enter' || event.key === ' ') && selected >= 0) {
      event.preventDefault();
      send(selected);
    } else if (event.key === 'Escape') select(-1);
  });
  ui.canvas.addEventListener('focus', () => {
    // Tabbing in picks a point; a click or tap picks its own.
    if (map && selected < 0 && ui.canvas.matches(':focus-visible')) select(firstShown(), 'key');
  });
  ui.canvas.addEventListener('blur', (event) => {
    if (tipMode === 'key' && !ui.tip.contains(event.relatedTarget)) select(-1);
  });

  function firstShown() {
    if (highlight === null) return 0;
    const i = map.labels.findIndex((l) => l === highlight);
    return i < 0 ? 0 : i;
  }

  function select(i, mode = tipMode) {
    if (i === selected && mode === tipMode) return;
    selected = i;
    tipMode = mode;
    if (i < 0) hideTip();
    else showTip(i, mode);
    redraw();
  }

  function showTip(i, mode) {
    const label = map.labels[i];
    const predicted = map.predictions[i];
    const index = map.indices[i];
    const pixels = images.get(index);
    if (pixels) drawDigit(ui.tipImage, pixels, inkColour());
    else ui.tipImage.getContext('2d').clearRect(0, 0, ui.tipImage.width, ui.tipImage.height);
    ui.tipImage.dataset.loaded = pixels ? 'true' : 'false';
    const right = label === predicted;
    ui.tipText.replaceChildren(
      el('strong', { text: `a ${name(label)}` }),
      el('span', { class: right ? 'hidden-map-right' : 'hidden-map-wrong', text: right ? `, read as ${name(predicted)} ✓` : `, read as ${name(predicted)} ✗` }),
      el('br'),
      el('span', { class: 'muted-inline', text: `test image ${numberFormat.format(index)}` }),
    );
    Object.assign(ui.tip.dataset, { index: String(index), label: String(label), predicted: String(predicted) });
    ui.tipButton.hidden = mode === 'hover';
    ui.tipHint.hidden = mode !== 'hover';
    ui.tip.hidden = false;
    ui.live.textContent = `Test image ${index}: a ${name(label)}, read as ${name(predicted)}.`;
    // Beside the point, inside the plot.
    const [x, y] = scatter.point(i);
    const w = ui.tip.offsetWidth;
    const h = ui.tip.offsetHeight;
    const size = scatter.size;
    const left = x + 14 + w > size ? x - 14 - w : x + 14;
    const top = Math.max(0, Math.min(size - h, y - h / 2));
    ui.tip.style.setProperty('--left', `${Math.max(0, left)}px`);
    ui.tip.style.setProperty('--top', `${top}px`);
  }

  function hideTip() {
    ui.tip.hidden = true;
    ui.canvas.style.cursor = 'default';
  }

  ui.tipButton.addEventListener('click', () => {
    if (selected >= 0) send(selected);
  });

  async function send(i) {
    const index = map.indices[i];
    const label = map.labels[i];
    let pixels = images.get(index);
    if (!pixels) {
      const reply = await engine.request({ type: ToWorker.TEST_IMAGES, indices: [index] }, FromWorker.TEST_IMAGES).catch(() => null);
      pixels = reply?.images?.[0]?.pixels;
      if (!pixels) return;
      images.set(index, pixels);
    }
    sendToDrawing(pixels, `Test image ${numberFormat.format(index)}, a ${name(label)}, from the hidden-layer map`);
    ui.sent.replaceChildren(`Test image ${numberFormat.format(index)} (a ${name(label)}) is in the drawing panel. `, ui.goDraw);
    ui.sent.hidden = false;
  }
  ui.goDraw.addEventListener('click', () => goTo(drawHeading));

  // --- UMAP of the latest map (www/inspect/umap-worker.js) ---------------------------------------

  /** The UMAP being made ({cancel}), and a counter that makes an abandoned one's answer moot. */
  let umapJob = null;
  let umapId = 0;
  ui.umap.addEventListener('click', () => {
    if (!shownEntry) return;
    if (map.projection === 'umap') return display(shownEntry, 'pca');
    if (shownEntry.umap) return display(shownEntry, 'umap');
    makeUmap(shownEntry);
  });
  ui.umapCancel.addEventListener('click', () => {
    stopUmap('cancelled');
    ui.umapText.textContent = 'UMAP cancelled.';
  });

  function stopUmap(state) {
    umapId++;
    umapJob?.cancel();
    umapJob = null;
    section.dataset.umap = state;
    ui.umapProgress.hidden = true;
    ui.umapCancel.hidden = true;
    ui.umap.disabled = shownEntry !== latest;
  }

  async function makeUmap(entry) {
    stopUmap('running');
    const id = umapId;
    const current = () => id === umapId;
    ui.umap.disabled = true;
    ui.umapProgress.hidden = false;
    ui.umapCancel.hidden = false;
    ui.umapProgress.removeAttribute('value');
    ui.umapText.textContent = 'UMAP: fetching the activations…';
    try {
      const reply = await engine.request({ type: ToWorker.HIDDEN_MAP_ACTIVATIONS }, FromWorker.HIDDEN_MAP_ACTIVATIONS);
      if (!current()) return;
      // A newer map (an epoch ended meanwhile) has other activations: this one's UMAP is moot.
      if (!reply || entry !== latest) {
        stopUmap('idle');
        ui.umapText.textContent = reply ? 'A new map came meanwhile: press Show UMAP again for it.' : '';
        return;
      }
      umapJob = startUmap({
        activations: reply.activations,
        count: entry.count,
        units: reply.activations.length / entry.count,
        onProgress: ({ phase, done, total }) => {
          if (!current()) return;
          if (phase === 'neighbours') ui.umapText.textContent = 'UMAP: finding each image’s nearest neighbours…';
          else {
            ui.umapProgress.max = total;
            ui.umapProgress.value = done;
            ui.umapText.textContent = `UMAP: laying out, ${done} of ${total} rounds…`;
          }
        },
      });
      const result = await umapJob.done;
      if (!current() || !result) return;
      umapJob = null;
      stopUmap('done');
      entry.umap = result;
      section.dataset.umapMs = String(Math.round(result.ms));
      ui.umapText.textContent = `UMAP made in ${(result.ms / 1000).toFixed(1)} s.`;
      if (shownEntry === entry) display(entry, 'umap');
    } catch (err) {
      if (!current()) return;
      umapJob = null;
      stopUmap('error');
      ui.umapText.textContent = `No UMAP: ${err.message}`;
    }
  }

  // --- The drawing on the map ---------------------------------------------------------------------

  let lastDrawing = null;
  /** Places the drawing panel's read-out (its image) on the map; null removes the mark. */
  function placeDrawing(prediction) {
    lastDrawing = prediction?.image ? Uint8Array.from(prediction.image) : null;
    if (!lastDrawing) {
      drawingPoint = null;
      section.dataset.drawing = '';
      redraw();
      return;
    }
    if (!map || !onLatestPca()) return;
    if (placeBusy) {
      placeNext = lastDrawing; // the latest wins
      return;
    }
    place(lastDrawing);
  }

  async function place(image) {
    placeBusy = true;
    try {
      const copy = Uint8Array.from(image);
      const reply = await engine.request({ type: ToWorker.HIDDEN_MAP_PLACE, image: copy }, FromWorker.HIDDEN_MAP_POINT, [copy.buffer]);
      if (reply && lastDrawing && onLatestPca()) {
        drawingPoint = [reply.x, reply.y];
        section.dataset.drawing = `${reply.x},${reply.y}`;
      }
    } catch {
      // No map in the engine (a new run before its first epoch): no mark until the next map.
      drawingPoint = null;
      section.dataset.drawing = '';
    } finally {
      placeBusy = false;
    }
    redraw();
    if (placeNext) {
      const next = placeNext;
      placeNext = undefined;
      if (lastDrawing) place(next);
    }
  }

  return { placeDrawing };
}

const pct = (x) => `${(100 * x).toFixed(1)}%`;

/** Loads hidden-map.css once (same-origin stylesheet; the CSP forbids inline styles). */
function loadStyles() {
  const href = new URL('./hidden-map.css', import.meta.url).href;
  if ([...document.styleSheets].some((s) => s.href === href)) return;
  document.head.append(el('link', { rel: 'stylesheet', href }));
}

function build(section) {
  const intro = el('p', {
    class: 'muted',
    text:
      'Each dot is a test image, placed by what the last hidden layer makes of it: its activations, flattened to the two directions in which they vary most (PCA). ' +
      'It is redrawn after every epoch. Point at a dot (tap on a phone, or use the arrow keys) to see the image; click it to draw with it. Your drawing shows as a cross.',
  });
  const status = el('p', { class: 'hidden-map-status', testid: 'hidden-map-status', 'aria-live': 'polite', text: 'The map comes once the data is loaded.' });
  const error = el('p', { class: 'error-message', testid: 'hidden-map-error', role: 'alert', hidden: true });
  const canvas = el('canvas', {
    class: 'hidden-map-canvas',
    testid: 'hidden-map-canvas',
    tabIndex: 0,
    role: 'img',
    'aria-label': 'Map of test images by the last hidden layer, coloured by their true class. Arrow keys move between images; Enter draws with the chosen one.',
  });
  const tipImage = el('canvas', { class: 'hidden-map-tip-image', testid: 'hidden-map-tip-image', 'aria-hidden': 'true', width: 28, height: 28 });
  const tipText = el('p', { class: 'hidden-map-tip-text' });
  const tipButton = el('button', { type: 'button', text: 'Draw with it', testid: 'hidden-map-send' });
  const tipHint = el('p', { class: 'hidden-map-tip-hint', text: 'Click to draw with it' });
  const tip = el('div', { class: 'hidden-map-tip', testid: 'hidden-map-tip', hidden: true }, [tipImage, el('div', {}, [tipText, tipHint, tipButton])]);
  const live = el('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  const plot = el('div', { class: 'hidden-map-plot' }, [canvas, tip]);
  const legend = el('ol', { class: 'hidden-map-legend', testid: 'hidden-map-legend', 'aria-label': 'True class colours; pick one to show it alone' });
  const digits = el('label', { class: 'hidden-map-check' }, [el('input', { type: 'checkbox', testid: 'hidden-map-as-digits' }), ' Draw class names, not dots']);
  const mistakesBox = el('label', { class: 'hidden-map-check' }, [el('input', { type: 'checkbox', testid: 'hidden-map-ring-mistakes' }), ' Ring the misread images']);
  const mistakes = el('p', { class: 'hidden-map-mistakes', testid: 'hidden-map-mistakes' });
  const separationValue = el('strong', { testid: 'hidden-map-separation', text: '–' });
  const separationLine = el('p', { class: 'hidden-map-separation', title: 'The spread of the classes’ centres over the spread of the dots around their own class’s centre, on this map' }, [
    'Separation: ',
    separationValue,
    el('span', { class: 'muted-inline', text: ' (spread between the classes ÷ spread within each; grows as they cluster)' }),
  ]);
  const replayRange = el('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, testid: 'hidden-map-replay-range', id: 'hidden-map-replay-range' });
  const replayOut = el('output', { for: 'hidden-map-replay-range', class: 'hidden-map-replay-out' });
  const play = el('button', { type: 'button', text: 'Play', testid: 'hidden-map-play', 'aria-label': 'Play the maps of the run, epoch by epoch' });
  const replay = el('div', { class: 'hidden-map-replay', testid: 'hidden-map-replay', hidden: true }, [
    el('label', { for: 'hidden-map-replay-range', text: 'Replay the run' }),
    el('div', { class: 'hidden-map-replay-row' }, [replayRange, replayOut, play]),
  ]);
  const umap = el('button', { type: 'button', text: 'Show UMAP', testid: 'hidden-map-umap' });
  const umapCancel = el('button', { type: 'button', text: 'Cancel', testid: 'hidden-map-umap-cancel', hidden: true });
  const umapProgress = el('progress', { class: 'hidden-map-umap-progress', 'aria-label': 'UMAP progress', hidden: true });
  const umapText = el('p', { class: 'hidden-map-umap-text', testid: 'hidden-map-umap-text', 'aria-live': 'polite' });
  const umapBox = el('div', { class: 'hidden-map-umap' }, [
    el('p', { class: 'hidden-map-umap-head' }, [
      el('strong', { text: 'Another view: ' }),
      'UMAP keeps neighbours together instead of the widest spread, so clusters show that two directions of PCA hide. It takes a few seconds, in a worker of its own.',
    ]),
    el('div', { class: 'hidden-map-umap-row' }, [umap, umapCancel, umapProgress]),
    umapText,
  ]);
  const look = el('div', { class: 'hidden-map-look' }, [
    el('h3', { text: 'What to look for' }),
    el('p', {
      text:
        'Untrained, the classes lie in one overlapping cloud. As the network learns, each class gathers into a cluster of its own: ' +
        'the output layer can only tell apart what the last hidden layer has pulled apart. Images sitting in another class’s cluster are often the ones it misreads. ' +
        'Two directions show only part of the picture (the percentages under the map): clusters that overlap here may be apart in the others.',
    }),
  ]);
  const recompute = el('button', { type: 'button', text: 'Recompute now', testid: 'hidden-map-recompute', title: 'A map of the model answering now (e.g. part way through an epoch)' });
  const axes = el('p', { class: 'field-help hidden-map-axes' });
  const goDraw = el('button', { type: 'button', text: 'Go to the drawing', testid: 'hidden-map-go-draw' });
  const sent = el('p', { class: 'hidden-map-sent', testid: 'hidden-map-sent', 'aria-live': 'polite', hidden: true });
  const side = el('div', { class: 'hidden-map-side' }, [
    el('h3', { text: 'True class' }),
    legend,
    digits,
    mistakesBox,
    separationLine,
    mistakes,
    replay,
    recompute,
    sent,
    umapBox,
    look,
  ]);
  section.append(intro, status, error, el('div', { class: 'hidden-map-layout' }, [el('div', {}, [plot, axes]), side]), live);
  const ui = {
    canvas, status, error, tip, tipImage, tipText, tipButton, tipHint, live, legend, recompute, axes, sent, goDraw, mistakes, replay, replayRange, replayOut, play,
    separation: separationValue,
    umap, umapCancel, umapProgress, umapText,
    digitsBox: digits.querySelector('input'),
    mistakesBox: mistakesBox.querySelector('input'),
  };
  return ui;
}
