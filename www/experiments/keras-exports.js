// The exports to Keras and TensorBoard, as downloads: the ticked runs as TensorBoard logs (one zip,
// a folder per run), and a run's (or the form's) settings as a Keras 3 training script with, when
// the run has a stored model, its weights as .npz for the script's --weights. The engine writes
// them (www/engine/interop.js → src/wasm/interop.rs); each function returns `{ok, text, commands}`:
// what was downloaded, or why not, in words, and the commands in the text (resultNodes shows them
// as code that wraps only between words).
//
// Non-goals: what a run record holds (recorder.js, tensorboard-runs.js), the buttons
// (experiments-panel.js, runs-table.js, models.js).

import { download, el } from '../ui/dom.js';
import { tensorboardRun } from './tensorboard-runs.js';

export const TENSORBOARD_ZIP = 'mnist-tensorboard.zip';

/** A result's text as nodes for a status line: each of its `commands` as <code>, whole words kept. */
export function resultNodes({ text, commands = [] }) {
  let nodes = [text];
  for (const command of commands) {
    nodes = nodes.flatMap((node) => {
      if (typeof node !== 'string' || !node.includes(command)) return [node];
      const words = command.split(' ').flatMap((word, i) => [...(i ? [' '] : []), el('span', { class: 'nowrap', text: word })]);
      return node.split(command).flatMap((part, i) => [...(i ? [el('code', { class: 'command' }, words)] : []), part]);
    });
  }
  return nodes.filter((node) => node !== '');
}

const kb = (bytes) => `${Math.max(1, Math.round(bytes / 1024)).toLocaleString('en-US')} KB`;

/**
 * Downloads `records` as TensorBoard logs in one zip. Runs that cannot be written are left out
 * and named; the others' notes (scalars only, cut short) are said. When `cancelled()` is true by
 * the time the engine answers, nothing is downloaded.
 * @param {{tensorboardZip: (runs: object[]) => Promise<Uint8Array|null>}} engine
 */
export async function downloadTensorboard(engine, records, { cancelled = () => false } = {}) {
  if (records.length === 0) return { ok: false, text: 'Tick the runs to download for TensorBoard first (the boxes in the first column).' };
  const runs = [];
  const left = [];
  const notes = [];
  for (const record of records) {
    try {
      const { run, notes: said } = tensorboardRun(record);
      runs.push(run);
      for (const note of said) notes.push(`“${record.name}”: ${note}`);
    } catch (err) {
      left.push(err.message);
    }
  }
  if (runs.length === 0) return { ok: false, text: `Nothing to download for TensorBoard: ${left.join('; ')}.` };
  let bytes;
  try {
    bytes = await engine.tensorboardZip(runs);
    if (!bytes) throw new Error('the engine restarted; try again');
  } catch (err) {
    return { ok: false, text: `Could not write the TensorBoard logs: ${err.message}.` };
  }
  // The engine's work cannot be interrupted; Cancel drops its result.
  if (cancelled()) return { ok: false, cancelled: true, text: 'Cancelled: nothing was downloaded.' };
  download(bytes, TENSORBOARD_ZIP, 'application/zip');
  const command = 'tensorboard --logdir <that folder>';
  const parts = [`Downloaded ${TENSORBOARD_ZIP} (${kb(bytes.length)}): ${runs.length === 1 ? '1 run in its own folder' : `${runs.length} runs, a folder each`}. Unzip it and run: ${command}.`];
  if (notes.length) parts.push(`${notes.join('; ')}.`);
  if (left.length) parts.push(`Left out: ${left.join('; ')}.`);
  return { ok: true, text: parts.join(' '), commands: [command] };
}

/**
 * Downloads the Keras script of `config` named `name` (train_<name>.py), and `modelBytes`' weights
 * beside it as <name>.weights.npz when given.
 * @param {{kerasScript: (config, name) => Promise<{file_name, text}|null>, kerasWeights: (bytes) => Promise<Uint8Array|null>}} engine
 */
export async function downloadKeras(engine, config, name, modelBytes = null) {
  let script;
  let weights = null;
  try {
    script = await engine.kerasScript(config, name);
    if (!script) throw new Error('the engine restarted; try again');
    if (modelBytes) {
      weights = await engine.kerasWeights(modelBytes);
      if (!weights) throw new Error('the engine restarted; try again');
    }
  } catch (err) {
    return { ok: false, text: `Could not export “${name}” as a Keras script: ${err.message}.` };
  }
  download(script.text, script.file_name, 'text/x-python');
  const stem = script.file_name.replace(/^train_/, '').replace(/\.py$/, '');
  const weightsName = `${stem}.weights.npz`;
  if (weights) setTimeout(() => download(weights, weightsName, 'application/octet-stream'), 300);
  const run = `python ${script.file_name} --data DIR`;
  const evaluate = `${run} --weights ${weightsName}`;
  return {
    ok: true,
    text: weights
      ? `Downloaded ${script.file_name} and ${weightsName}. Train it in Keras with: ${run} (DIR holds the four MNIST .gz files); evaluate this run's model there with: ${evaluate}.`
      : `Downloaded ${script.file_name}. Train it in Keras with: ${run} (DIR holds the four MNIST .gz files).`,
    // The longer first: it contains the shorter.
    commands: weights ? [evaluate, run] : [run],
  };
}
