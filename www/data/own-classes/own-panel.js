// The "Your own classes" panel: the learner names classes (✓ ✗ ○ △, the letters A–E …), draws
// examples of each on a canvas, reviews them in a grid per class, and trains the page's network on
// them; the "Draw a digit" panel then reads drawings as one of those classes.
//
// - Drawing: the stroke capture of the drawing panel (www/draw/drawing.js). "Add example" sends the
//   canvas to the engine's `predict`, whose reply carries the 28×28 image the network reads (the
//   same preprocessing as the drawing panel), and keeps that image with the strokes
//   (own-store.js, IndexedDB). The class list is class-list.js, the review grids example-grid.js.
// - Export writes a versioned JSON file (own-file.js); Import merges a file into the classes (same
//   name, same class; drawings already there skipped), or refuses it whole with a message.
// - "Train on my classes": refused, saying what to do, unless there are limits.min_classes
//   classes of at least two examples each (own-training.js). Otherwise `load-dataset` (test share
//   held out of every class by the engine), then the page's settings take a validation share,
//   a batch that fits, augmentation and the epochs (the learner sees them in the settings form),
//   the config carries the class names (the page's settings take the loaded data's names:
//   www/playground/settings-store.js setClasses), and the run starts; Pause, Stop, the charts and
//   the test-set views are the page's own.
//
// mountOwnClasses(section, api): api.engine (www/app/engine-client.js), api.ready() (the `ready`
// message or null), api.settings() (www/playground/settings-store.js or null), api.runState(),
// api.start(config), api.drawHeading (the drawing panel's heading, to go there after training).
//
// Automation contract (tests/e2e/data/): canvas "own-canvas", buttons "own-add", "own-undo",
// "own-clear", "own-train", "own-export", "own-import" (input "own-import-file"), "own-clear-all";
// fields "own-test-share", "own-validation-share", "own-epochs", "own-augment"; the section has
// data-classes (JSON names in label order), data-examples (total) and data-ready ("true" once the
// store is open); "own-status" has data-state "", "ok", "busy" or "error" and the last message.
//
// Does not: predict for the learner (the drawing panel does), load other data sets (www/data/ panel).

import { createDrawing, SIZE } from '../../draw/drawing.js';
import { FromWorker, RunState, ToWorker } from '../../protocol.js';
import { download, el, goTo } from '../../ui/dom.js';
import { readFile } from '../../ui/files.js';
import { freshName } from './class-names.js';
import { ClassList } from './class-list.js';
import { ExampleGrids } from './example-grid.js';
import { exportName, exportText, MAX_FILE_BYTES, mergePlan, mergeSummary, parseOwnClassesFile } from './own-file.js';
import { MAX_EXAMPLES, OwnClasses } from './own-store.js';
import { countText, datasetMessage, DEFAULTS, trackChanges, trainingProblem, trainingValues, undoChanges } from './own-training.js';

/** Most validation share offered (the rest trains). */
const MAX_VALIDATION_SHARE = 0.5;

/** Loads own-classes.css once (a same-origin stylesheet; the CSP forbids inline styles). */
function loadStyles() {
  const href = new URL('./own-classes.css', import.meta.url).href;
  if ([...document.styleSheets].some((s) => s.href === href)) return;
  document.head.append(el('link', { rel: 'stylesheet', href }));
}

/** @param {HTMLElement} section @param {object} api */
export function mountOwnClasses(section, api) {
  loadStyles();
  const ui = build(section);
  /** The engine's `ready` message as this panel heard it (it may hear it before api.ready() has it). */
  let readyMessage = null;
  const limits = () => (api.ready() ?? readyMessage)?.limits ?? null;
  let store = null;
  let busy = false;

  const status = (text, state = 'ok') => {
    ui.status.textContent = text;
    ui.status.dataset.state = state;
    ui.status.dataset.serial = String(Number(ui.status.dataset.serial ?? 0) + 1);
    ui.status.setAttribute('role', state === 'error' ? 'alert' : 'status');
  };

  const drawing = createDrawing(ui.canvas, { onStrokeEnd: () => updateButtons() });

  const classList = new ClassList({
    limits: () => limits() ?? { max_classes: 64, max_class_name_chars: 32 },
    onPick: () => updateButtons(),
    onRename: (id, name) => store.renameClass(id, name),
    onRemove: (id) => removeClass(id),
    onAdd: () => addClass(),
  });
  const grids = new ExampleGrids({
    onDelete: async (id, focusAfter) => {
      const example = store.exampleMap.get(id);
      const name = example && store.classMap.get(example.classId)?.name;
      pendingFocus = focusAfter;
      await store.removeExample(id);
      status(`Deleted an example of “${name}”.`);
    },
  });
  let pendingFocus = null;
  ui.classes.append(classList.element);
  ui.grids.append(grids.element);

  const pickedName = () => store?.classMap.get(classList.picked)?.name ?? '';

  function render() {
    const l = limits();
    // The engine's default share until the learner types another.
    if (l && ui.testShare.value === '') ui.testShare.value = String(Math.round(l.default_test_share * 100));
    if (!store) return;
    const counts = store.counts();
    const classes = store.classes().map((c) => ({ ...c, count: counts.get(c.id) ?? 0 }));
    classList.show(classes);
    grids.show(store.classes().map((c) => ({ ...c, examples: store.examplesOf(c.id) })), pendingFocus);
    pendingFocus = null;
    section.dataset.classes = JSON.stringify(classes.map((c) => c.name));
    section.dataset.examples = String(store.exampleCount);
    ui.summary.textContent = `${countText(store.exampleCount, classes.length)}, kept in this browser.`;
    ui.storage.textContent = store.problem ? `Note: ${store.problem}.` : '';
    ui.storage.hidden = !store.problem;
    updateButtons();
  }

  function updateButtons() {
    const ready = Boolean(store && limits());
    ui.add.disabled = !ready || busy || drawing.isEmpty() || !classList.picked;
    ui.undo.disabled = drawing.isEmpty();
    ui.clear.disabled = drawing.isEmpty();
    ui.add.textContent = store && classList.picked ? `Add example of “${pickedName()}”` : 'Add example';
    ui.canvas.setAttribute('aria-label', `Drawing area: draw an example of “${pickedName()}” here`);
    ui.train.disabled = !ready || busy;
    ui.exportButton.disabled = !store || store.exampleCount === 0;
    ui.importButton.disabled = !ready || busy;
    ui.clearAll.disabled = !store || busy;
  }

  // --- Classes ----------------------------------------------------------------------------------

  async function addClass() {
    const names = store.names();
    const record = await store.addClass(freshName(names));
    classList.picked = record.id;
    render();
    // The new class's name, ready to type over.
    const field = ui.classes.querySelector(`[data-class-id="${CSS.escape(record.id)}"][data-role="name"]`);
    field?.focus();
    field?.select();
  }

  async function removeClass(id) {
    const c = store.classMap.get(id);
    const count = store.examplesOf(id).length;
    if (count > 0 && !confirm(`Remove the class “${c.name}” and its ${count} example${count === 1 ? '' : 's'}? Export first to keep a copy.`)) return;
    await store.removeClass(id);
    status(`Removed the class “${c.name}”${count ? ` and its ${count} example${count === 1 ? '' : 's'}` : ''}.`);
    ui.classes.querySelector('input[type="radio"]:checked, input[type="radio"]')?.focus();
  }

  // --- Drawing an example -------------------------------------------------------------------------

  /** The 28×28 image the network reads for the drawing (the engine's preprocessing), or null. */
  async function networkImage() {
    const rgba = new Uint8ClampedArray(drawing.pixels());
    const reply = await api.engine.request({ type: ToWorker.PREDICT, rgba: rgba.buffer, width: SIZE, height: SIZE }, FromWorker.PREDICTION, [rgba.buffer]);
    return reply?.prediction?.image ?? null;
  }

  async function addExample() {
    if (drawing.isEmpty()) return status('Draw an example on the canvas first.', 'error');
    const classId = classList.picked;
    const name = pickedName();
    busy = true;
    updateButtons();
    try {
      let image;
      try {
        image = await networkImage();
      } catch (err) {
        return status(`The drawing could not be turned into the network's image: ${err.message}. Try again.`, 'error');
      }
      if (!image) return status('The engine could not read the drawing yet (it is still starting, or restarted): wait a moment and press “Add example” again.', 'error');
      try {
        await store.addExample(classId, { image, strokes: drawing.strokes(), canvas: SIZE });
      } catch (err) {
        return status(`Not added: ${err.message}.`, 'error');
      }
      drawing.clear();
      status(`Added example ${store.examplesOf(classId).length} of “${name}”.`);
    } finally {
      busy = false;
      render();
    }
  }

  ui.add.addEventListener('click', addExample);
  ui.undo.addEventListener('click', () => {
    drawing.undo();
    updateButtons();
  });
  ui.clear.addEventListener('click', () => {
    drawing.clear();
    updateButtons();
  });

  // --- Training -------------------------------------------------------------------------------------

  /** The options' values, or {error} naming the field and its range. */
  function readOptions(l) {
    const percent = (input) => Number(input.value.trim().replace(',', '.').replace(/%$/, '').trim()) / 100;
    const testShare = percent(ui.testShare);
    const r = l.test_share;
    const inRange = (x) => Number.isFinite(x) && (r.min_exclusive ? x > r.min : x >= r.min) && (r.max == null || (r.max_exclusive ? x < r.max : x <= r.max));
    if (!inRange(testShare)) return { error: `Held out for testing must be a percentage from ${+(r.min * 100).toFixed(4)} to ${+(r.max * 100).toFixed(4)}.`, field: ui.testShare };
    const validationShare = percent(ui.validationShare);
    if (!(validationShare >= 0 && validationShare <= MAX_VALIDATION_SHARE)) return { error: `Validation must be a percentage from 0 to ${MAX_VALIDATION_SHARE * 100}.`, field: ui.validationShare };
    const epochs = Number(ui.epochs.value.trim());
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > l.max_epochs) return { error: `Epochs must be a whole number from 1 to ${l.max_epochs}.`, field: ui.epochs };
    return { testShare, validationShare, epochs, augment: ui.augment.checked };
  }

  async function train() {
    const l = limits();
    const settings = api.settings();
    if (!l || !store || !settings) return status('The engine is still starting: try again in a moment.', 'error');
    for (const input of [ui.testShare, ui.validationShare, ui.epochs]) input.setAttribute('aria-invalid', 'false');
    const counts = store.counts();
    const classes = store.classes().map((c) => ({ name: c.name, count: counts.get(c.id) ?? 0, examples: store.examplesOf(c.id) }));
    const problem = trainingProblem(classes, l);
    if (problem) return status(`Cannot train yet. ${problem}`, 'error');
    const options = readOptions(l);
    if (options.error) {
      options.field.setAttribute('aria-invalid', 'true');
      options.field.focus();
      return status(options.error, 'error');
    }
    const state = api.runState();
    if (state === RunState.RUNNING || state === RunState.PAUSED) {
      return status('A run is under way: stop it (Stop, in Training) before training on your classes.', 'error');
    }
    const { config: current, errors } = settings.config();
    if (Object.keys(errors).length) return status('The settings form has a field it cannot read: fix it, then train.', 'error');
    busy = true;
    updateButtons();
    status(`Loading ${countText(store.exampleCount, classes.length)} into the engine…`, 'busy');
    // The settings as they were before this data set (the Data panel fits them when it loads).
    const before = { ...settings.values, hidden: [...settings.values.hidden] };
    try {
      const { message, transfer } = datasetMessage(classes, { side: l.side, testShare: options.testShare, seed: current.seed });
      let reply;
      try {
        reply = await api.engine.request({ type: ToWorker.LOAD_DATASET, ...message }, FromWorker.DATA_READY, transfer);
      } catch (err) {
        return status(`The engine refused your classes: ${err.message}`, 'error');
      }
      if (!reply) return status('The engine restarted before it took your classes: press “Train on my classes” again.', 'error');
      startRun(settings, reply, options, before);
    } finally {
      busy = false;
      updateButtons();
    }
  }

  /** The loaded set is in the engine: the settings take the drawn set's sizes, and the run starts. */
  function startRun(settings, reply, options, before) {
    const values = trainingValues(settings.values, { trainCount: reply.train.count, ...options });
    changed = trackChanges(changed, before, values);
    settings.replace(values);
    settings.changed('own-classes');
    const { config } = settings.config();
    api.start(config);
    const validation = config.validation_size;
    status(
      `Training on ${reply.train.count - validation} of your drawings` +
        `${validation ? `, ${validation} held out for validation` : ''}, ${reply.test.count} for testing, ` +
        `${config.epochs} epochs${config.augment.enabled ? ' with augmentation' : ''}. Watch it in Training; then draw in “Draw a digit”.`,
    );
    ui.goDraw.hidden = false;
  }

  /** What runs on drawn classes changed in the settings since the last time on MNIST ([{key, from, to}]). */
  let changed = [];
  // Back on MNIST (the Data panel's button): the settings go back to what they were, unless edited since.
  api.engine.on(FromWorker.DATA_READY, (message) => {
    const settings = api.settings();
    if ((message.dataset?.kind ?? 'mnist') !== 'mnist' || !changed.length || !settings) return;
    settings.replace(undoChanges(settings.values, changed));
    settings.changed('own-classes');
    changed = [];
  });

  ui.train.addEventListener('click', train);
  ui.goDraw.addEventListener('click', () => goTo(api.drawHeading));

  // --- Files ------------------------------------------------------------------------------------------

  ui.exportButton.addEventListener('click', () => {
    const classes = store.classes().map((c) => ({ name: c.name, examples: store.examplesOf(c.id) }));
    const now = new Date();
    download(exportText(classes, limits()?.side ?? 28, now), exportName(now), 'application/json');
    status(`Exported ${countText(store.exampleCount, classes.length)} as ${exportName(now)}.`);
  });
  ui.importButton.addEventListener('click', () => ui.importInput.click());
  ui.importInput.addEventListener('change', async () => {
    const file = ui.importInput.files?.[0];
    ui.importInput.value = ''; // the same file again is a new choice
    if (!file) return;
    const name = file.name || 'the file';
    busy = true;
    updateButtons();
    try {
      const l = limits();
      let plan;
      try {
        const text = await readFile(file, MAX_FILE_BYTES, 'file of drawn classes');
        const incoming = parseOwnClassesFile(text, l, MAX_EXAMPLES);
        const current = store.classes().map((c) => ({ name: c.name, examples: store.examplesOf(c.id) }));
        plan = mergePlan(current, incoming, l, MAX_EXAMPLES);
      } catch (err) {
        return status(`Could not import ${name}: ${err.message}. Nothing was changed.`, 'error');
      }
      await store.merge(plan);
      status(`Imported ${name}. ${mergeSummary(plan)}`);
    } finally {
      busy = false;
      render();
    }
  });
  ui.clearAll.addEventListener('click', async () => {
    const n = store.exampleCount;
    if (!confirm(`Delete all your classes and their ${n} example${n === 1 ? '' : 's'} from this browser? Export first to keep a copy.`)) return;
    await store.clearAll();
    drawing.clear();
    status('Deleted all your classes and examples; you start again from ○, △ and ✗.');
  });

  // --- Start --------------------------------------------------------------------------------------------

  api.engine.on(FromWorker.READY, (message) => {
    readyMessage = message;
    render();
  });
  const forceMemory = new URLSearchParams(location.search).get('storage') === 'memory';
  OwnClasses.open({ forceMemory }).then((opened) => {
    store = opened;
    store.onChange(render);
    render();
    section.dataset.ready = 'true';
  });
  updateButtons();
}

function build(section) {
  const intro = el('p', {
    class: 'muted',
    text:
      'Teach the network classes of your own: name them, draw a dozen or more examples of each, and train. ' +
      'It learns from nothing but your drawings — try few examples, then more, with and without augmentation. ' +
      'Everything stays in this browser.',
  });
  const canvas = el('canvas', { class: 'draw-canvas own-canvas', testid: 'own-canvas', role: 'img', 'aria-label': 'Drawing area' });
  const add = el('button', { type: 'button', class: 'primary own-add', testid: 'own-add', text: 'Add example' });
  const undo = el('button', { type: 'button', class: 'secondary', testid: 'own-undo', text: 'Undo' });
  const clear = el('button', { type: 'button', class: 'secondary', testid: 'own-clear', text: 'Clear' });
  const board = el('div', { class: 'own-board' }, canvas, add, el('div', { class: 'own-draw-actions' }, undo, clear));

  const status = el('p', { class: 'own-status', testid: 'own-status', role: 'status', dataset: { state: '' } });
  const summary = el('p', { class: 'muted own-summary', testid: 'own-summary' });
  const storage = el('p', { class: 'field-help field-warning', testid: 'own-storage-note', hidden: true });
  const classes = el('div', { class: 'own-class-area' });

  const field = (label, input, help) => el('div', { class: 'field' }, el('label', { for: input.id, text: label }), input, help ? el('p', { class: 'field-help', text: help }) : []);
  const textInput = (id, testid, value) => el('input', { type: 'text', id, testid, value, inputMode: 'decimal', autocomplete: 'off' });
  const testShare = textInput('own-test-share', 'own-test-share', '');
  const validationShare = textInput('own-validation-share', 'own-validation-share', String(DEFAULTS.validationShare * 100));
  const epochs = textInput('own-epochs', 'own-epochs', String(DEFAULTS.epochs));
  epochs.inputMode = 'numeric';
  const augment = el('input', { type: 'checkbox', id: 'own-augment', testid: 'own-augment', checked: DEFAULTS.augment });
  const options = el(
    'fieldset',
    { class: 'settings-group own-options' },
    el('legend', { text: 'Training on your classes' }),
    field('Held out for testing (%)', testShare, 'Of every class, never trained on'),
    field('Validation (%)', validationShare, 'Of the rest, to watch for overfitting'),
    field('Epochs', epochs),
    el('div', { class: 'field field-checkbox' }, el('label', { class: 'checkbox', for: 'own-augment' }, augment, 'Augment (shift, rotate, scale, slant, thicken)')),
  );
  const train = el('button', { type: 'button', class: 'primary own-train', testid: 'own-train', text: 'Train on my classes' });
  const goDraw = el('button', { type: 'button', class: 'secondary', testid: 'own-go-draw', text: 'Go to “Draw a digit”', hidden: true });
  const trainNote = el('p', { class: 'field-help', text: 'The network, optimizer and learning rate are the settings above; this sets the epochs, batch size, validation and augmentation there.' });

  const exportButton = el('button', { type: 'button', class: 'secondary', testid: 'own-export', text: 'Export…' });
  const importInput = el('input', { type: 'file', accept: '.json,application/json', class: 'visually-hidden', testid: 'own-import-file', tabIndex: -1, 'aria-hidden': 'true' });
  const importButton = el('button', { type: 'button', class: 'secondary', testid: 'own-import', text: 'Import…', title: 'Add the drawings of an exported file (same class name, same class)' });
  const clearAll = el('button', { type: 'button', class: 'secondary own-clear-all', testid: 'own-clear-all', text: 'Delete all' });
  const files = el('div', { class: 'own-files', role: 'group', 'aria-label': 'Your classes as a file' }, exportButton, importButton, importInput, clearAll);

  const side = el('div', { class: 'own-side' }, classes, options, el('div', { class: 'own-train-actions' }, train, goDraw), trainNote, status, summary, storage, files);
  const grids = el('div', { class: 'own-grids-area' }, el('h3', { text: 'Your examples (as the network sees them)' }));
  section.append(intro, el('div', { class: 'own-layout' }, board, side), grids);

  return { canvas, add, undo, clear, status, summary, storage, classes, testShare, validationShare, epochs, augment, train, goDraw, exportButton, importInput, importButton, clearAll, grids };
}
