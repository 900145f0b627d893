// Models in and out: download the current run's model as the engine's model file, load a model
// file back (the engine validates it; its error is shown), load a stored run's model for the
// drawing panel, and export the answering model in the TensorFlow.js layers format (model.json +
// weights.bin, for tf.loadLayersModel); load a TensorFlow.js layers model of a dense MLP (picked
// or dropped: model.json with its .bin files, read by tfjs-files.js) to draw with and evaluate; and
// the form's settings as a Keras script (keras-exports.js).
//
// A loaded model answers predictions only when no trained run is in the engine (src/wasm_api.rs:
// the run being trained answers first), so loading one after a run resets the playground first;
// a run in progress must be stopped. After loading, the model is evaluated on the test set and
// its accuracy shown (the same file gives the same predictions: tests compare it with the run's).
//
// Non-goals: the file format (src/model_file.rs), the TF.js conversion (src/export_tfjs.rs).

import { download, makeButton } from '../ui/dom.js';
import { layersText } from '../ui/format.js';
import { readFile } from '../ui/files.js';
import { RunState } from '../protocol.js';
import { downloadKeras, resultNodes } from './keras-exports.js';
import { readTfjsFiles } from './tfjs-files.js';

/** "784-128-10, relu": the layers (input and output sizes from the engine's `limits`) and activation. */
const describeShape = (config, limits) =>
  config && limits ? `${layersText(config, limits)}, ${config.activation}` : '';

export class ModelsPanel {
  /**
   * @param {HTMLElement} container
   * @param {import('./history.js').History} history
   * @param {object} engine  {exportModel, loadModel, exportTfjs, loadTfjs, kerasScript, kerasWeights,
   *                          formConfig, answeringModel, evaluate, runState, reset, ready}
   */
  constructor(container, history, engine) {
    this.history = history;
    this.engine = engine;
    const bar = document.createElement('div');
    bar.className = 'models-bar';
    const button = (text, testid, onClick, title) => {
      const b = makeButton({ text, testid, onClick, title });
      bar.append(b);
      return b;
    };
    button('Download current model', 'model-download', () => this.downloadCurrent(), 'The run being trained, as the engine\'s model file (.bin)');
    this.fileInput = document.createElement('input');
    this.fileInput.type = 'file';
    this.fileInput.accept = '.bin,application/octet-stream';
    this.fileInput.className = 'visually-hidden';
    this.fileInput.dataset.testid = 'model-file';
    this.fileInput.setAttribute('aria-label', 'Model file to load');
    this.fileInput.addEventListener('change', () => this.loadFile());
    button('Load a model file…', 'model-load', () => this.fileInput.click(), 'A model file downloaded from this page or made by the mnist CLI');
    button('Export for TensorFlow.js', 'model-export-tfjs', () => this.exportTfjs(), 'The answering model as model.json + weights.bin (tf.loadLayersModel)');
    this.tfjsInput = document.createElement('input');
    this.tfjsInput.type = 'file';
    this.tfjsInput.multiple = true;
    this.tfjsInput.accept = '.json,.bin,application/json,application/octet-stream';
    this.tfjsInput.className = 'visually-hidden';
    this.tfjsInput.dataset.testid = 'tfjs-files';
    this.tfjsInput.setAttribute('aria-label', 'TensorFlow.js model files to load (model.json and its .bin files)');
    this.tfjsInput.addEventListener('change', () => {
      const files = [...(this.tfjsInput.files ?? [])];
      this.tfjsInput.value = ''; // the same files again are a new choice
      if (files.length) this.loadTfjsFiles(files);
    });
    button('Load a TF.js model…', 'tfjs-load', () => this.tfjsInput.click(), 'A TensorFlow.js layers model of a dense MLP: pick model.json and its .bin files together (or drop them here)');
    button('Settings as a Keras script', 'keras-settings', () => this.exportSettingsScript(), 'The form\'s current settings as a Keras 3 training script (train_<name>.py)');
    bar.append(this.fileInput, this.tfjsInput);
    // model.json and its .bin files dropped anywhere on the panel load like the picker's.
    container.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types?.includes('Files')) return;
      event.preventDefault();
      container.classList.add('drop-target');
    });
    container.addEventListener('dragleave', (event) => {
      if (!container.contains(event.relatedTarget)) container.classList.remove('drop-target');
    });
    container.addEventListener('drop', (event) => {
      const files = [...(event.dataTransfer?.files ?? [])];
      container.classList.remove('drop-target');
      if (files.length === 0) return;
      event.preventDefault();
      this.loadTfjsFiles(files);
    });
    this.status = document.createElement('p');
    this.status.className = 'model-status';
    this.status.dataset.testid = 'model-status';
    this.status.setAttribute('role', 'status');
    this.status.textContent = 'Models of finished epochs are stored with each run (Draw and .bin in the table). A TF.js model\'s files can also be dropped here.';
    container.append(bar, this.status);
  }

  /** Shows `text` (a string, or nodes: keras-exports.js resultNodes) in the status line. */
  say(text, state = 'ok', extra = {}) {
    this.status.replaceChildren(...[text].flat());
    this.status.dataset.state = state;
    for (const [k, v] of Object.entries(extra)) this.status.dataset[k] = String(v);
  }

  async downloadCurrent() {
    try {
      const bytes = await this.engine.exportModel();
      if (!bytes) throw new Error('the engine restarted; train again');
      download(bytes, 'mnist-model.bin', 'application/octet-stream');
      this.say(`Downloaded mnist-model.bin (${(bytes.length / 1024).toFixed(0)} KB). Load it back with “Load a model file…”.`);
    } catch (err) {
      this.say(`Could not download the model: ${err.message}`, 'error');
    }
  }

  async loadFile() {
    const file = this.fileInput.files?.[0];
    this.fileInput.value = '';
    if (!file) return;
    const max = this.engine.ready()?.limits?.max_model_file_bytes;
    let bytes;
    try {
      if (!max) throw new Error('the engine is still starting; try again in a moment');
      bytes = await readFile(file, max, 'model file of this page', 'bytes');
    } catch (err) {
      this.say(`Could not load ${file.name}: ${err.message}.`, 'error');
      return;
    }
    await this.load(bytes, file.name);
  }

  /** Loads the TF.js model in `files` (model.json + its weight files) to answer predictions. */
  async loadTfjsFiles(files) {
    const state = this.engine.runState();
    if (state === RunState.RUNNING || state === RunState.PAUSED) {
      this.say('A run is in progress: stop it first (its model answers the drawing panel until then).', 'error');
      return false;
    }
    let read;
    try {
      this.say(`Reading ${files.map((f) => f.name).join(', ')}…`, 'busy');
      const limits = this.engine.ready()?.limits;
      if (!limits) throw new Error('the engine is not ready yet; try again in a moment');
      read = await readTfjsFiles(files, 4 * limits.max_parameters);
    } catch (err) {
      this.say(`Could not load the TF.js model: ${err.message}.`, 'error');
      return false;
    }
    return this.load(null, read.name, { loader: () => this.engine.loadTfjs(read.modelJson, read.weights, read.name) });
  }

  /** Downloads the form's settings as a Keras script, train_settings.py. */
  async exportSettingsScript() {
    const config = this.engine.formConfig();
    if (!config) {
      this.say('The settings cannot train as they are (see the message in the form): fix them first, then export them as a Keras script.', 'error');
      return;
    }
    const result = await downloadKeras(this.engine, config, 'settings');
    this.say(resultNodes(result), result.ok ? 'ok' : 'error');
  }

  /**
   * Loads model bytes to answer predictions (or, with `loader`, whatever it loads: it resolves
   * with the model's config); evaluates them on the test set.
   */
  async load(bytes, name, { compareWith = null, modelStep = null, loader = () => this.engine.loadModel(bytes, name) } = {}) {
    const state = this.engine.runState();
    if (state === RunState.RUNNING || state === RunState.PAUSED) {
      this.say('A run is in progress: stop it first (its model answers the drawing panel until then).', 'error');
      return false;
    }
    try {
      this.say(`Loading ${name}…`, 'busy');
      // Checked first: a file that is not a good model leaves the shown run as it was.
      const config = await loader();
      if (!config) throw new Error('the engine restarted; try again');
      if (state !== RunState.IDLE) this.engine.reset(); // so the loaded model, not the last run, answers
      this.say(`Loaded ${name} (${describeShape(config, this.engine.ready()?.limits)}): it answers in the drawing panel. Measuring it on the test set…`, 'busy');
      let evaluation = null;
      let unmeasured = '';
      try {
        evaluation = await this.engine.evaluate();
      } catch (err) {
        // Loaded, but not for this data (e.g. other classes): it still answers drawings.
        unmeasured = `, but it cannot be measured on the test set: ${err.message}`;
      }
      const extra = { model: name, accuracy: evaluation?.accuracy ?? '' };
      let text = `Loaded ${name} (${describeShape(config, this.engine.ready()?.limits)}): it answers in the drawing panel${unmeasured}`;
      if (evaluation) text += `; test accuracy ${(100 * evaluation.accuracy).toFixed(2)}%`;
      // The playground showed the last run until now; say where it went.
      const cleared = state !== RunState.IDLE ? ' The charts of the last run were cleared to make way for it; that run is still in the runs table.' : '';
      if (compareWith?.final?.confusion && evaluation) {
        const same = JSON.stringify(compareWith.final.confusion) === JSON.stringify(evaluation.confusion);
        extra.sameAsRun = same;
        // The run's last evaluation and this model are of the same step (when the record has its
        // step), or, for records without one, both of the last epoch.
        const sameStep =
          compareWith.final.step != null && modelStep != null
            ? compareWith.final.step === modelStep
            : compareWith.modelEpoch === compareWith.epochs.length && compareWith.final.epoch === compareWith.epochs.at(-1)?.epoch;
        if (sameStep) {
          text += same ? ' (the same predictions as when it was trained)' : ' (different predictions from the run’s last evaluation!)';
        }
      }
      this.say(`${text}.${cleared}`, 'ok', extra);
      return true;
    } catch (err) {
      this.say(`Could not load ${name}: ${err.message}`, 'error');
      return false;
    }
  }

  async loadStored(record) {
    let model;
    try {
      model = await this.history.getModel(record.id);
    } catch (err) {
      this.say(`Could not load the model of “${record.name}”: ${err.message}`, 'error');
      return false;
    }
    if (!model) {
      this.say(`“${record.name}” has no stored model (it ended before its first epoch).`, 'error');
      return false;
    }
    return this.load(model.bytes, `${record.name} (${storedAt(record, model)})`, { compareWith: record, modelStep: model.step ?? null });
  }

  async downloadStored(record) {
    try {
      const model = await this.history.getModel(record.id);
      if (!model) throw new Error('it has no stored model');
      const safe = record.name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
      download(model.bytes, `${safe}-${storedAt(record, model).replace(/[ ,]/g, '')}.bin`, 'application/octet-stream');
      this.say(`Downloaded the model of “${record.name}” (${storedAt(record, model)}).`);
    } catch (err) {
      this.say(`Could not download the model of “${record.name}”: ${err.message}`, 'error');
    }
  }

  async exportTfjs() {
    try {
      const out = await this.engine.exportTfjs();
      if (!out) throw new Error('the engine restarted; try again');
      download(out.model_json, 'model.json', 'application/json');
      setTimeout(() => download(out.weights, 'weights.bin', 'application/octet-stream'), 300);
      // The model that answers drawings: after a diverged run that is the pretrained one, say so.
      const model = this.engine.answeringModel?.() ?? '';
      const which = model === 'default' ? 'the pretrained model' : model === 'trained' ? 'the model being trained' : model ? `“${model}”` : 'the model';
      this.say(`Exported ${which} as model.json and weights.bin: keep them in one folder and load with tf.loadLayersModel(".../model.json").`);
    } catch (err) {
      this.say(`Could not export for TensorFlow.js: ${err.message}`, 'error');
    }
  }
}

/**
 * When a stored model was saved: "epoch 3" at an epoch's end, "step 835" for a run stopped (or
 * finished) between epochs' ends. Models stored before steps were recorded say their epoch.
 */
export function storedAt(record, model) {
  const epochEnd = record.epochs?.find((e) => e.epoch === model.epoch)?.step ?? (model.epoch === 0 ? 0 : undefined);
  if (model.step == null || model.step === epochEnd) return `epoch ${model.epoch}`;
  return `step ${new Intl.NumberFormat('en-US').format(model.step)}`;
}
