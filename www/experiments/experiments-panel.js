// The experiments section: the run history (runs table), the compare chart, models in and out,
// exports, and guided experiment sets for a class. mountExperiments(section, api) builds it into
// the page's <section id="experiments">; the recorder follows the engine's messages (api.engine,
// www/app/engine-client.js) and turns them into stored runs.
//
// api (from www/app/main.js): engine, exportModel(), loadModel(bytes, name), exportTfjs(),
// loadTfjs(json, weights, name), kerasScript(config, name), kerasWeights(bytes), tensorboardZip(runs), formConfig(),
// evaluate(), start(config), reset(), runState(), settingsLink(), inspect (the look-inside tools the
// guided sets use), headings {draw, settings} (where "Draw" and "Setup" in the runs table take the reader).
//
// Guided sets (www/experiments/guided-sets.js) launch their runs one after the other (the next
// starts when the previous ends; Stop ends the set), put each run's settings in the form, and tick
// the runs in the compare chart. A set may prepare a run and follow each one up with the page's
// look-inside tools (api.inspect, www/inspect/inspect-panel.js): its `prepare` and `afterRun`.
//
// Non-goals: the playground's own controls and charts (www/playground/playground.js), what the
// guided sets train (guided-sets.js).

import { CompareView } from './compare.js';
import { EXPERIMENTS, experimentConfig } from './guided-sets.js';
import { download, el, goTo } from '../ui/dom.js';
import { History } from './history.js';
import { ModelsPanel } from './models.js';
import { Recorder } from './recorder.js';
import { RunsTable } from './runs-table.js';
import { curvesToCsv, importRunsFile, runsToCsv, runsToJson } from './runs-file.js';
import { downloadKeras, downloadTensorboard, resultNodes } from './keras-exports.js';
import { FromWorker, RunState } from '../protocol.js';
import { valuesFromConfig } from '../playground/settings.js';
import { hashFromValues } from '../playground/settings-link.js';
import { MessageBus } from '../app/engine-client.js';

/**
 * Builds the section. The engine's messages that arrive while the history opens are kept and
 * handed on once it is open.
 */
export function mountExperiments(section, api) {
  const bus = new MessageBus();
  const backlog = [];
  const off = api.engine.on('*', (message) => backlog.push(message));
  setUp(section, api, bus)
    .then(() => {
      off();
      api.engine.on('*', (message) => bus.dispatch(message));
      for (const message of backlog.splice(0)) bus.dispatch(message);
    })
    .catch((err) => {
      off();
      section.append(el('p', { class: 'error-message', role: 'alert', textContent: `The experiments panel failed: ${err.message}` }));
    });
}

/** Builds the section; `bus` carries the engine's messages once it is built. */
async function setUp(section, api, bus) {
  const forceMemory = new URLSearchParams(location.search).get('storage') === 'memory';
  const history = await History.open({ forceMemory });
  const recorder = new Recorder(history, api);
  recorder.subscribe(bus);
  /** The engine's default config (from its `ready` message): the base of the guided runs. */
  let defaultConfig = null;
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
    // With the number of cores even where it is this page's default (settings-link.js shareLink).
    const link = api.settingsLink();
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
  const tensorboard = el('button', { type: 'button', textContent: 'Download for TensorBoard', testid: 'export-tensorboard', title: 'The ticked runs as TensorBoard logs: one zip, a folder per run', disabled: true });
  tensorboard.addEventListener('click', async () => {
    const records = history.list().filter((r) => table.selected.has(r.id));
    tensorboard.disabled = true;
    // Long runs take seconds (250,000 steps: ~2 s): Cancel drops the result.
    let cancelled = false;
    const cancel = el('button', { type: 'button', textContent: 'Cancel', testid: 'export-tensorboard-cancel' });
    cancel.addEventListener('click', () => {
      cancelled = true;
      runsStatus.dataset.state = 'ok';
      runsStatus.textContent = 'Cancelled: nothing was downloaded.';
      tensorboard.disabled = table.selectedIds().length === 0;
    });
    const steps = records.reduce((sum, r) => sum + (r.batches?.loss.length ?? r.steps.step.length), 0);
    runsStatus.dataset.state = 'busy';
    runsStatus.replaceChildren(`Writing TensorBoard logs of ${records.length} run${records.length === 1 ? '' : 's'} (${steps.toLocaleString('en-US')} steps)… `, cancel);
    const result = await downloadTensorboard(api, records, { cancelled: () => cancelled });
    if (result.cancelled) return;
    runsStatus.dataset.state = result.ok ? 'ok' : 'error';
    runsStatus.replaceChildren(...resultNodes(result));
    tensorboard.disabled = table.selectedIds().length === 0;
  });
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
      tensorboard.disabled = ids.length === 0;
      compare?.show(ids);
    },
    onUseModel: async (record) => {
      // "Draw" in the table: once the model answers, go to the drawing panel.
      if (await models.loadStored(record)) goTo(api.headings.draw);
    },
    onDownloadModel: (record) => models.downloadStored(record),
    onKeras: async (record) => {
      // The script, and the run's stored model (its last epoch's) as weights for --weights.
      let model = null;
      let why = '';
      try {
        model = await history.getModel(record.id);
        if (!model) why = ' It has no stored model, so no weights came with it.';
      } catch (err) {
        why = ` Its stored model could not be read (${err.message}), so no weights came with it.`;
      }
      const result = await downloadKeras(api, record.config, record.name, model?.bytes ?? null);
      runsStatus.dataset.state = result.ok ? 'ok' : 'error';
      runsStatus.replaceChildren(...resultNodes(result), result.ok ? why : '');
    },
    onUseSettings: (record) => {
      showSettings(record.config);
      models.say(`The settings of “${record.name}” are in the form; the page's link now shares them.`);
      goTo(api.headings.settings);
    },
  });
  runsBox.append(table.container);
  deleteTicked.disabled = table.selectedIds().length === 0;
  tensorboard.disabled = deleteTicked.disabled;
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
  exports.append(tensorboard);

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
    const records = ticked.filter((r) => r.state !== RunState.RUNNING && r.state !== RunState.PAUSED);
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
      tensorboard.disabled = deleteTicked.disabled;
      table.render();
      compare.show(table.selectedIds());
    } else refreshCompare();
    if (event === 'end' && queue && queue.ids.includes(record.id)) launchNext(record);
  });

  /** Puts a config in the page's link; www/playground/share.js applies a changed fragment to the form. */
  function showSettings(config) {
    if (!defaultConfig) return;
    const hash = hashFromValues(valuesFromConfig(config), valuesFromConfig(defaultConfig));
    window.history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }

  // --- Guided sets: launch one after the other ---
  async function launchNext(ended) {
    const q = queue;
    if (!q) return;
    // A set's step after each run (e.g. its loss landscape), with the page's tools (www/inspect/).
    if (ended && ended.state === RunState.FINISHED && q.set.afterRun) {
      guidedStatus.textContent = `“${q.set.title}”: ${q.set.afterRunText ?? 'looking inside'} “${ended.name}” (Look inside training)…`;
      const ok = await q.set.afterRun({ index: q.next - 1, memo: q.memo, tools: api.inspect });
      if (!ok) return endEarly(q, `the look inside “${ended.name}” was cancelled or failed (see Look inside training)`);
    }
    if (ended && (ended.state === RunState.STOPPED || ended.state === RunState.ERROR)) {
      const why = ended.state === RunState.ERROR && ended.error ? ` (${ended.error})` : '';
      guidedStatus.textContent = `“${q.set.title}” ended after ${q.next} of ${q.set.runs.length} runs: “${ended.name}” ${ended.state === RunState.ERROR ? 'failed' : 'was stopped'}${why}.`;
      guidedStatus.dataset.state = 'ended';
      finish();
      return;
    }
    if (q.next >= q.set.runs.length) {
      const target = q.set.look ? document.getElementById(q.set.look.target) : null;
      const look = el('button', { type: 'button', textContent: target ? q.set.look.label : 'Show the comparison', testid: 'guided-show-compare' });
      look.addEventListener('click', () => goTo(target ?? compareBox.querySelector('h3')));
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
      const runs = q.set.runs.length === 1 ? '1 run' : `${q.set.runs.length} runs, overlaid in the comparison`;
      guidedStatus.replaceChildren(`“${q.set.title}” is done: ${runs}; check ${q.set.runs.length === 1 ? 'it' : 'them'} against “What you should see” above. `, look, note);
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
    let config = experimentConfig(base, run.config);
    // A set may set up each run with the page's tools first (e.g. the learning-rate finder's rate).
    if (q.set.prepare) {
      guidedStatus.textContent = `“${q.set.title}”: ${q.set.prepareText ?? 'preparing'} for run ${q.next} of ${q.set.runs.length} (${run.name}; Look inside training)…`;
      config = await q.set.prepare({ config, run, index: q.next - 1, memo: q.memo, tools: api.inspect });
      if (queue !== q) return;
      if (!config) return endEarly(q, `${q.set.prepareText ?? 'preparing'} for “${run.name}” was cancelled or failed (see Look inside training)`);
      guidedStatus.textContent = `“${q.set.title}”: run ${q.next} of ${q.set.runs.length} (${run.name}, learning rate ${config.learning_rate})…`;
    }
    showSettings(config); // the form shows what this run trains with
    api.start(config);
  }

  function endEarly(q, why) {
    guidedStatus.textContent = `“${q.set.title}” ended: ${why}.`;
    guidedStatus.dataset.state = 'ended';
    finish();
  }

  function finish() {
    queue = null;
    for (const b of list.querySelectorAll('button[data-launch]')) b.disabled = false;
  }

  for (const set of EXPERIMENTS) {
    const card = el('article', { class: 'guided-set' });
    card.dataset.set = set.id;
    const launch = el('button', { type: 'button', class: 'primary', textContent: set.runs.length === 1 ? 'Run it' : `Run ${set.runs.length} runs`, testid: `launch-${set.id}` });
    launch.dataset.launch = set.id;
    launch.addEventListener('click', () => {
      // The set's progress is shown in its own card, next to the button that started it.
      card.append(guidedStatus);
      const state = api.runState();
      if (state === RunState.RUNNING || state === RunState.PAUSED) {
        guidedStatus.textContent = 'A run is in progress: stop it first.';
        return;
      }
      queue = { set, next: 0, ids: [], before: location.hash, memo: {} };
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

  bus.on(FromWorker.READY, (message) => {
    defaultConfig = message.defaultConfig;
  });
}
