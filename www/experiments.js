// The experiments section: the run history (runs table), the compare chart, models in and out,
// exports, and guided experiment sets for a class. mountExperiments(section, api) builds it into
// the page's <section id="experiments"> and returns `{onMessage}`, which www/main.js calls with
// every message from the engine worker (the recorder turns them into stored runs).
//
// api (from www/main.js): exportModel(), loadModel(bytes, name), exportTfjs(), evaluate(),
// start(config), reset(), runState().
//
// Guided sets launch their runs one after the other (the next starts when the previous ends; Stop
// ends the set), put each run's settings in the form, and tick the runs in the compare chart. Each set's runs are short (1,000–10,000 training images, a
// few epochs: 3–15 s per set in headless Chromium here); what each says the learner should see
// was checked with the native CLI (`mnist train` with the same settings and seed; the browser's
// numbers agree to about a point) and is asserted by tests/e2e/experiments-guided.test.mjs. They
// train on one core (threads 1), as checked: a seed reproduces a run only for the same core count.
//
// Non-goals: the playground's own controls and charts (www/run.js).

import { CompareView } from './compare.js';
import { goTo } from './dom.js';
import { History } from './history.js';
import { ModelsPanel } from './models.js';
import { importRunsFile } from './runs-io.js';
import { Recorder } from './recorder.js';
import { curvesToCsv, download, runsToCsv, runsToJson, RunsTable } from './runs.js';
import { FromWorker } from './protocol.js';
import { showRunThreads } from './controls.js';
import { hashFromValues, shareLink, valuesFromConfig } from './state.js';

/** Shared by every run of a set unless the run says otherwise (on top of the engine's default). */
const SMALL = { train_subset: 5120, validation_size: 2000, epochs: 3, batch_size: 64, seed: 1, dropout: 0, weight_decay: 0, augment: { enabled: false, max_shift: 2, max_rotation: 10, max_scale: 0.1, max_shear: 0.1, thickness: 0 }, schedule: { kind: 'constant', warmup_epochs: 0 }, threads: 1 };
const SGD = { optimizer: { kind: 'sgd' } };
const ADAM = { optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };

/**
 * Training-set sizes are multiples of the batch size: a last, smaller batch makes a noisy step just
 * before each epoch's evaluation (with plain SGD on 5,000 images and batches of 64, validation
 * accuracy dropped from 90% to 79% at epoch 3 for that reason alone).
 *
 * The guided sets: {id, title, explain, expect, axis (of the compare chart), runs: [{name, config}]}.
 * Configs are partial: merged over the engine's default config and SMALL.
 */
export const EXPERIMENTS = [
  {
    id: 'learning-rate',
    title: 'Learning rate: too high, too low, just right',
    explain: 'The learning rate is the size of each step down the loss surface. Plain SGD, one hidden layer of 128, 5,120 images, 3 epochs; only the rate changes.',
    expect: 'At 2 the loss of the first batches shoots up (above 10) and the accuracy stays below about 20%: the steps overshoot. At 0.001 the loss falls slowly and the run ends far behind (about 50% accuracy). At 0.1 the loss falls fastest and the validation accuracy passes 88% in the first epoch and 91% by the third.',
    axis: 'step',
    runs: [
      { name: 'lr too high (2)', config: { ...SGD, hidden: [128], learning_rate: 2 } },
      { name: 'lr too low (0.001)', config: { ...SGD, hidden: [128], learning_rate: 0.001 } },
      { name: 'lr just right (0.1)', config: { ...SGD, hidden: [128], learning_rate: 0.1 } },
    ],
  },
  {
    id: 'activation',
    title: 'Sigmoid vs ReLU in a deep network',
    explain: 'Six hidden layers of 64 units, plain SGD at 0.05, 5,120 images, 3 epochs. The sigmoid\'s slope is at most ¼, so the gradient shrinks layer by layer on its way back to the first layers (vanishing gradients); ReLU passes it through unchanged where a unit is active.',
    expect: 'The sigmoid network stays at chance (about 10% accuracy, loss stuck at 2.3) for all three epochs; the ReLU network learns (about 89% validation accuracy). While the sigmoid run trains, the gradient chart under “What the network learned” shows its first layers getting gradients orders of magnitude smaller than the output layer (afterwards that chart shows the last run: press Setup on the sigmoid\'s row and Train to see it again).',
    axis: 'step',
    runs: [
      { name: 'deep sigmoid', config: { ...SGD, hidden: [64, 64, 64, 64, 64, 64], activation: 'sigmoid', init: 'auto', learning_rate: 0.05, batch_size: 32 } },
      { name: 'deep ReLU', config: { ...SGD, hidden: [64, 64, 64, 64, 64, 64], activation: 'relu', init: 'auto', learning_rate: 0.05, batch_size: 32 } },
    ],
  },
  {
    id: 'optimizer',
    title: 'SGD vs momentum vs Adam',
    explain: 'One hidden layer of 128, 5,120 images, 3 epochs. SGD and momentum (μ 0.9) at 0.01; Adam at its usual 0.001. Momentum adds up past gradients into a velocity; Adam also scales each weight\'s step by its own gradient history.',
    expect: 'Plain SGD is the slowest (about 88% validation accuracy after 3 epochs, training loss still above 0.35); momentum and Adam reach a lower loss sooner (below 0.16) and end about 4–5 points higher (about 92%).',
    axis: 'step',
    runs: [
      { name: 'SGD', config: { ...SGD, hidden: [128], learning_rate: 0.01, batch_size: 32 } },
      { name: 'momentum', config: { optimizer: { kind: 'momentum', momentum: 0.9, nesterov: false }, hidden: [128], learning_rate: 0.01, batch_size: 32 } },
      { name: 'Adam', config: { optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, hidden: [128], learning_rate: 0.001, batch_size: 32 } },
    ],
  },
  {
    id: 'overfitting',
    title: 'Overfitting on 1,000 images, with and without dropout',
    explain: 'A wide layer (256 units) and Adam on only 1,000 training images (batches of 50) for 15 epochs: the network can memorise them. Dropout (0.5) switches off half the hidden units at random at every step, so no unit can rely on another.',
    expect: 'Compare by epoch: without dropout the training accuracy (dashed) reaches 100% by about epoch 10 while validation (solid) stays near 89%, and the validation loss turns up again after about epoch 7: the gap is overfitting. With dropout the training accuracy stays below 100% and the validation loss ends lower (about 0.38 against 0.43), but the validation accuracy hardly changes: the gap narrows, it does not close; only more data closes it.',
    axis: 'epoch',
    runs: [
      { name: 'no dropout', config: { optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, hidden: [256], learning_rate: 0.001, batch_size: 50, train_subset: 1000, epochs: 15, dropout: 0 } },
      { name: 'dropout 0.5', config: { optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, hidden: [256], learning_rate: 0.001, batch_size: 50, train_subset: 1000, epochs: 15, dropout: 0.5 } },
    ],
  },
  {
    id: 'decay',
    title: 'Learning-rate decay vs none',
    explain: 'Adam at 0.01 (ten times its usual rate), 10,000 images, 5 epochs. With exponential decay (γ 0.5) the rate halves every epoch: big steps first, then small ones to settle into a minimum.',
    expect: 'With a constant rate the loss levels off early (training loss about 0.15 after 5 epochs) and the validation accuracy creeps up unevenly to 91–92%; with decay the loss keeps falling (to about 0.05) and the validation accuracy ends about 2 points higher (about 94.5%). Set the comparison\'s x axis to step to see the two learning rates.',
    axis: 'epoch',
    runs: [
      { name: 'constant 0.01', config: { ...ADAM, hidden: [128], learning_rate: 0.01, batch_size: 50, train_subset: 10000, epochs: 5 } },
      { name: 'decay ×0.5 per epoch', config: { ...ADAM, hidden: [128], learning_rate: 0.01, batch_size: 50, train_subset: 10000, epochs: 5, schedule: { kind: 'exponential', gamma: 0.5, warmup_epochs: 0 } } },
    ],
  },
];

/** A full engine config: the default, then SMALL, then the run's own settings (objects merged one level). */
export function experimentConfig(base, partial) {
  const config = structuredClone(base);
  for (const layer of [SMALL, partial]) {
    for (const [key, value] of Object.entries(layer)) {
      config[key] = value && typeof value === 'object' && !Array.isArray(value) ? { ...structuredClone(value) } : structuredClone(value);
    }
  }
  return config;
}

const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'testid') e.dataset.testid = v;
    else if (k === 'class') e.className = v;
    else e[k] = v;
  }
  e.append(...children);
  return e;
};

/**
 * Builds the section; returns `{onMessage(message)}` for main.js at once (messages that arrive
 * while the history opens are replayed when it is open).
 */
export function mountExperiments(section, api) {
  const backlog = [];
  let handle = (message) => backlog.push(message);
  const ready = setUp(section, api).then((onMessage) => {
    handle = onMessage;
    for (const message of backlog.splice(0)) onMessage(message);
  });
  ready.catch((err) => {
    section.append(el('p', { class: 'error-message', role: 'alert', textContent: `The experiments panel failed: ${err.message}` }));
  });
  return { onMessage: (message) => handle(message) };
}

async function setUp(section, api) {
  const forceMemory = new URLSearchParams(location.search).get('storage') === 'memory';
  const history = await History.open({ forceMemory });
  const recorder = new Recorder(history, api);
  await recorder.markInterrupted();

  section.replaceChildren();
  section.append(el('h2', { id: 'experiments-heading', textContent: 'Experiments: compare runs, keep them, share them' }));
  section.setAttribute('aria-labelledby', 'experiments-heading');
  section.append(
    el('p', { class: 'muted', textContent: 'Every run is recorded here and kept in this browser (IndexedDB), with its model after every epoch. The settings live in the page\'s link: copy it to share a setup.' }),
  );
  const share = el('div', { class: 'share-bar' });
  const copy = el('button', { type: 'button', textContent: 'Copy a link to the current settings', testid: 'copy-link' });
  const shareStatus = el('span', { class: 'muted', testid: 'share-status', role: 'status' });
  copy.addEventListener('click', async () => {
    // With the number of cores even where it is this page's default (state.js shareLink).
    const link = shareLink(location.href, document.querySelector('[data-testid="threads"]')?.value || '1');
    try {
      await navigator.clipboard.writeText(link);
      shareStatus.textContent = 'Copied. Whoever opens it gets these settings, seed and number of cores.';
    } catch {
      // No clipboard (permission, insecure origin): show the link to copy by hand.
      const input = el('input', { type: 'text', readOnly: true, value: link, ariaLabel: 'Link to the current settings' });
      shareStatus.replaceChildren('Copy this link: ', input);
      input.select();
    }
  });
  share.append(copy, shareStatus);
  section.append(share);
  const storage = el('div', { class: 'storage-status', testid: 'storage-status', role: 'status' });
  section.append(storage);
  const showStorage = () => {
    storage.dataset.mode = history.mode;
    storage.replaceChildren(...history.problems.map((p) => el('p', { class: 'storage-problem', textContent: p })));
    storage.hidden = history.problems.length === 0;
  };
  history.onChange(showStorage);
  showStorage();

  // --- Guided experiments ---
  const guided = el('section', { class: 'guided', ariaLabel: 'Guided experiments' });
  guided.append(el('h3', { textContent: 'Guided experiments' }));
  const guidedStatus = el('p', { class: 'guided-status', testid: 'guided-status', role: 'status' });
  const list = el('div', { class: 'guided-list' });
  guided.append(list, guidedStatus);
  let queue = null; // {set, runs: [...], next: index, ids: []}

  // --- Runs table + compare ---
  const runsBox = el('section', { class: 'runs', ariaLabel: 'Runs' });
  const runsHeader = el('div', { class: 'runs-header' }, el('h3', { textContent: 'Runs' }));
  const exports = el('div', { class: 'exports' });
  runsHeader.append(exports);
  const runsStatus = el('p', { class: 'runs-status', testid: 'runs-status', role: 'status' });
  runsBox.append(runsHeader, runsStatus);
  const deleteTicked = el('button', { type: 'button', textContent: 'Delete ticked', testid: 'delete-ticked', title: 'Delete every ticked run (not one still training); Undo brings them back', disabled: true });
  const compareBox = el('section', { class: 'compare', testid: 'compare' });
  compareBox.append(el('h3', { textContent: 'Compare the ticked runs' }));
  const modelsBox = el('section', { class: 'models', ariaLabel: 'Models in and out' });
  modelsBox.append(el('h3', { textContent: 'Models in and out' }));

  let compare = null;
  let models = null;
  const table = new RunsTable(el('div'), history, {
    onSelect: (ids) => {
      deleteTicked.disabled = ids.length === 0;
      compare?.show(ids);
    },
    onUseModel: async (record) => {
      // "Draw" in the table: once the model answers, go to the drawing panel.
      if (await models.loadStored(record)) goTo(document.getElementById('draw-heading'));
    },
    onDownloadModel: (record) => models.downloadStored(record),
    onUseSettings: (record) => {
      showSettings(record.config);
      models.say(`The settings of “${record.name}” are in the form; the page's link now shares them.`);
      goTo(document.getElementById('settings-heading'));
    },
  });
  runsBox.append(table.container);
  deleteTicked.disabled = table.selectedIds().length === 0;
  compare = new CompareView(compareBox, history);
  compare.show(table.selectedIds());
  models = new ModelsPanel(modelsBox, history, api);

  const exportButton = (text, testid, make) => {
    const b = el('button', { type: 'button', textContent: text, testid });
    b.addEventListener('click', () => {
      const records = history.list();
      const [data, name, type] = make(records);
      download(data, name, type);
    });
    exports.append(b);
  };
  exportButton('Runs + curves (JSON)', 'export-json', (r) => [runsToJson(r), 'mnist-runs.json', 'application/json']);
  exportButton('Runs (CSV)', 'export-runs-csv', (r) => [runsToCsv(r), 'mnist-runs.csv', 'text/csv']);
  exportButton('Curves (CSV)', 'export-curves-csv', (r) => [curvesToCsv(r), 'mnist-curves.csv', 'text/csv']);

  // Runs from another browser or machine (a JSON export), and clearing out the ticked runs.
  const importInput = el('input', { type: 'file', accept: '.json,application/json', className: 'visually-hidden', testid: 'import-runs-file' });
  importInput.setAttribute('aria-label', 'Runs file (JSON) to import');
  const importButton = el('button', { type: 'button', textContent: 'Import runs (JSON)…', testid: 'import-runs', title: 'Runs exported with “Runs + curves (JSON)” on this or another machine' });
  importButton.addEventListener('click', () => importInput.click());
  importInput.addEventListener('change', async () => {
    const file = importInput.files?.[0];
    importInput.value = ''; // the same file again is a new choice
    if (!file) return;
    runsStatus.dataset.state = 'busy';
    runsStatus.textContent = `Importing ${file.name}…`;
    const { ok, text } = await importRunsFile(file, history);
    runsStatus.dataset.state = ok ? 'ok' : 'error';
    runsStatus.textContent = text;
  });
  deleteTicked.addEventListener('click', async () => {
    const ticked = history.list().filter((r) => table.selected.has(r.id));
    const records = ticked.filter((r) => r.state !== 'running' && r.state !== 'paused');
    const kept = ticked.filter((r) => !records.includes(r)).map((r) => `“${r.name}”`);
    if (kept.length) {
      runsStatus.dataset.state = records.length ? 'ok' : 'error';
      runsStatus.textContent = `${kept.join(', ')} ${kept.length === 1 ? 'is' : 'are'} still training and ${kept.length === 1 ? 'was' : 'were'} not deleted: stop ${kept.length === 1 ? 'it' : 'them'} first.`;
    }
    if (records.length === 0) return;
    deleteTicked.disabled = true; // a second click must not delete them twice
    await table.removeMany(records); // one Undo brings them all back
    deleteTicked.disabled = table.selectedIds().length === 0;
  });
  exports.append(importButton, importInput, deleteTicked);

  section.append(runsBox, compareBox, modelsBox, guided);

  // Redraw the compare chart as runs progress (at epoch ends and when they end; not every batch).
  let redraw = 0;
  const refreshCompare = () => {
    clearTimeout(redraw);
    redraw = setTimeout(() => compare.render(), 100);
  };
  recorder.onEvent((record, event) => {
    if (event === 'start') {
      table.selected.add(record.id);
      // A new run joins the ticked ones; at most six stay ticked (the oldest leave first).
      const ticked = history.list().filter((r) => table.selected.has(r.id));
      for (const r of ticked.slice(0, Math.max(0, ticked.length - 6))) table.selected.delete(r.id);
      deleteTicked.disabled = table.selectedIds().length === 0;
      table.render();
      compare.show(table.selectedIds());
    } else refreshCompare();
    if (event === 'end' && queue && queue.ids.includes(record.id)) launchNext(record);
  });

  /** Puts a config in the page's link; www/share.js applies a changed fragment to the form. */
  function showSettings(config) {
    if (!defaultConfig) return;
    const hash = hashFromValues(valuesFromConfig(config), valuesFromConfig(defaultConfig));
    window.history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }

  // --- Guided sets: launch one after the other ---
  function launchNext(ended) {
    const q = queue;
    if (!q) return;
    if (ended && (ended.state === 'stopped' || ended.state === 'error')) {
      const why = ended.state === 'error' && ended.error ? ` (${ended.error})` : '';
      guidedStatus.textContent = `“${q.set.title}” ended after ${q.next} of ${q.set.runs.length} runs: “${ended.name}” ${ended.state === 'error' ? 'failed' : 'was stopped'}${why}.`;
      guidedStatus.dataset.state = 'ended';
      finish();
      return;
    }
    if (q.next >= q.set.runs.length) {
      const look = el('button', { type: 'button', textContent: 'Show the comparison', testid: 'guided-show-compare' });
      look.addEventListener('click', () => goTo(compareBox.querySelector('h3')));
      // The runs put their settings in the form; offer the ones the learner had before.
      const restore = el('button', { type: 'button', textContent: 'Back to your settings', testid: 'guided-restore' });
      restore.addEventListener('click', () => {
        window.history.replaceState(null, '', `${location.pathname}${location.search}${q.before}`);
        window.dispatchEvent(new HashChangeEvent('hashchange'));
        note.textContent = ' The form has your settings again.';
        restore.remove();
      });
      const note = el('span', {
        class: 'muted guided-form-note',
        textContent: ` The settings form now holds the last run's settings (“${q.set.runs.at(-1).name}”). `,
      });
      note.append(restore);
      guidedStatus.replaceChildren(`“${q.set.title}” is done: ${q.set.runs.length} runs, overlaid in the comparison; check them against “What you should see” above. `, look, note);
      guidedStatus.dataset.state = 'done';
      finish();
      return;
    }
    const run = q.set.runs[q.next];
    q.next += 1;
    guidedStatus.dataset.state = 'running';
    guidedStatus.textContent = `“${q.set.title}”: run ${q.next} of ${q.set.runs.length} (${run.name})…`;
    const base = defaultConfig;
    if (!base) {
      guidedStatus.textContent = 'The engine is not ready yet; try again in a moment.';
      finish();
      return;
    }
    recorder.nextRun = { name: run.name, experiment: { set: q.set.id } };
    // The run's id is known when the worker confirms it (recorder 'start'); remember it then.
    const off = recorder.onEvent((record, event) => {
      if (event === 'start') {
        q.ids.push(record.id);
        off();
      }
    });
    const config = experimentConfig(base, run.config);
    showSettings(config); // the form shows what this run trains with
    api.start(config);
  }

  function finish() {
    queue = null;
    for (const b of list.querySelectorAll('button[data-launch]')) b.disabled = false;
  }

  for (const set of EXPERIMENTS) {
    const card = el('article', { class: 'guided-set' });
    card.dataset.set = set.id;
    const launch = el('button', { type: 'button', class: 'primary', textContent: `Run ${set.runs.length} runs`, testid: `launch-${set.id}` });
    launch.dataset.launch = set.id;
    launch.addEventListener('click', () => {
      // The set's progress is shown in its own card, next to the button that started it.
      card.append(guidedStatus);
      const state = api.runState();
      if (state === 'running' || state === 'paused') {
        guidedStatus.textContent = 'A run is in progress: stop it first.';
        return;
      }
      queue = { set, next: 0, ids: [], before: location.hash };
      table.selected = new Set();
      compare.axis = set.axis;
      compare.axisSelect.value = set.axis;
      for (const b of list.querySelectorAll('button[data-launch]')) b.disabled = true;
      launchNext(null);
    });
    card.append(
      el('h4', { textContent: set.title }),
      el('p', { textContent: set.explain }),
      el('p', { class: 'expect' }, el('strong', { textContent: 'What you should see: ' }), set.expect),
      el('p', { class: 'muted', textContent: `Runs: ${set.runs.map((r) => r.name).join(' · ')}` }),
      launch,
    );
    list.append(card);
  }

  return (message) => {
    if (message.type === FromWorker.READY) defaultConfig = message.defaultConfig;
    // The cores the worker really uses (it may fall back to 1), under the Cores setting.
    if (message.type === FromWorker.CONFIGURED) showRunThreads(message.config?.threads ?? 1);
    if (message.type === FromWorker.RUN_STATE && message.reset) showRunThreads(null);
    if (message.type === FromWorker.EVALUATION && pendingEvaluation) {
      const resolve = pendingEvaluation;
      pendingEvaluation = null;
      resolve(message.evaluation);
    }
    recorder.onMessage(message);
  };
}

/** The engine's default config (from its `ready` message): the base of the guided runs. */
let defaultConfig = null;

/** Resolved by the next `evaluation` message (the reply to the `evaluate` command). */
let pendingEvaluation = null;

/** An `evaluate` request whose reply is the next evaluation message (used by main.js's api). */
export function awaitEvaluation() {
  return new Promise((resolve) => {
    pendingEvaluation = resolve;
    setTimeout(() => {
      if (pendingEvaluation === resolve) {
        pendingEvaluation = null;
        resolve(null);
      }
    }, 30_000);
  });
}
