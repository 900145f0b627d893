// Runs as files: the JSON and CSV exports of the runs and their curves, and reading a "Runs +
// curves (JSON)" export back into the history — a teacher's runs prepared at home, or the class's
// runs gathered on one machine to compare side by side. Models are not in that file (they stay
// with the browser that trained them).
//
// `parseRunsFile` is pure (Node tests it: tests/js/runs-file-unit.test.mjs); `importRunsFile` adds
// what it read to the history. Non-goals: merging two records of the same run, importing models.

import { recordProblem } from './history.js';
import { readFile } from '../ui/files.js';
import { RunState } from '../protocol.js';
import { lastEpoch, settingsOf, testAccuracy, validationAccuracy } from './run-records.js';

/** Files larger than this are refused before reading (an export of 100 runs is a few MB). */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/**
 * The runs of an export's text, checked like stored records (www/experiments/history.js): `{runs, skipped}`,
 * `skipped` saying which were left out and why. A run exported while it trained comes in as
 * interrupted, and without a model. Throws an Error whose message says what the file is instead.
 */
export function parseRunsFile(text) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // The engine's message quotes the file around the error: on one line, for the status line.
    throw new Error(`it is not JSON (${err.message.replace(/\s+/g, ' ')})`);
  }
  if (doc?.format !== 'mnist-playground-runs' || !Array.isArray(doc.runs)) {
    throw new Error('it is not a runs file of this page (make one with “Runs + curves (JSON)”)');
  }
  if (doc.schema !== 1) throw new Error(`it is a runs file of schema ${JSON.stringify(doc.schema)}; this page reads schema 1`);
  const runs = [];
  const skipped = [];
  doc.runs.forEach((record, i) => {
    const problem = recordProblem(record);
    if (problem) {
      skipped.push(`run ${i + 1}${typeof record?.name === 'string' ? ` (“${record.name.slice(0, 60)}”)` : ''}: ${problem}`);
      return;
    }
    const copy = structuredClone(record);
    if (copy.state === RunState.RUNNING || copy.state === RunState.PAUSED) {
      copy.state = RunState.INTERRUPTED;
      copy.error = copy.error ?? 'it was still training when it was exported';
    }
    copy.modelEpoch = null;
    // Every step's curves travel as number arrays (JSON has no Float32Array; the values are f32).
    if (copy.batches) for (const k of ['loss', 'accuracy', 'learning_rate']) copy.batches[k] = Float32Array.from(copy.batches[k], (x) => x ?? NaN);
    runs.push(copy);
  });
  return { runs, skipped };
}

/**
 * Adds the runs of `file` to `history` (runs already there, by id, are left as they are) and
 * returns `{ok, text}`: what happened, in words.
 */
export async function importRunsFile(file, history) {
  const name = file.name || 'the file';
  let parsed;
  try {
    parsed = parseRunsFile(await readFile(file, MAX_IMPORT_BYTES, 'runs file of this page'));
  } catch (err) {
    return { ok: false, text: `Could not import ${name}: ${err.message}.` };
  }
  const { runs, skipped } = parsed;
  if (runs.length === 0 && skipped.length === 0) return { ok: false, text: `Could not import ${name}: it holds no runs.` };
  let added = 0;
  let already = 0;
  for (const record of runs) {
    if (history.runs.has(record.id)) {
      already += 1;
      continue;
    }
    await history.put(record);
    added += 1;
  }
  const parts = [`Imported ${plural(added, 'run')} from ${name}`];
  if (already) parts.push(`${plural(already, 'run')} ${already === 1 ? 'was' : 'were'} here already`);
  if (skipped.length) parts.push(`skipped ${skipped.length}: ${skipped.join('; ')}`);
  const note = added ? ' Their models are not in the file: Draw and .bin stay with the browser that trained them.' : '';
  return { ok: added > 0 || (already > 0 && skipped.length === 0), text: `${parts.join('; ')}.${note}` };
}

// --- Exports -------------------------------------------------------------------------------------

/** The runs and their curves as one JSON document. */
export function runsToJson(records) {
  // Typed arrays (a record's `batches`) as number arrays; NaN becomes null, as for any number.
  const plain = (key, value) => (value instanceof Float32Array ? Array.from(value) : value);
  return JSON.stringify({ format: 'mnist-playground-runs', schema: 1, exported: new Date().toISOString(), runs: records }, plain, 1);
}

// Numbers, strings and booleans as text; anything else (a value a record should not hold) empty.
const csvCell = (v) => {
  const s = ['number', 'string', 'boolean'].includes(typeof v) ? String(v) : '';
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const csv = (rows) => rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';

/** One row per run: results and every setting. */
export function runsToCsv(records) {
  const keys = [...new Set(records.flatMap((r) => [...settingsOf(r.config).keys()]))];
  const head = ['id', 'name', 'state', 'note', 'started', 'epochs_done', 'duration_s', 'samples_per_second', 'test_accuracy', 'test_loss', 'validation_accuracy', ...keys];
  const rows = records.map((r) => {
    const s = settingsOf(r.config);
    return [
      r.id, r.name, r.state, r.note, new Date(r.createdAt).toISOString(), r.epochs.length, (r.durationMs / 1000).toFixed(2),
      Math.round(r.samplesPerSecond), testAccuracy(r), r.final?.loss ?? lastEpoch(r)?.test?.loss, validationAccuracy(r),
      ...keys.map((k) => s.get(k) ?? ''),
    ];
  });
  return csv([head, ...rows]);
}

/** Long format: one row per run and point (kind "step" or "epoch"). */
export function curvesToCsv(records) {
  const head = ['run_id', 'run_name', 'kind', 'step', 'epoch', 'time_s', 'train_loss', 'train_accuracy', 'validation_loss', 'validation_accuracy', 'test_loss', 'test_accuracy', 'learning_rate'];
  const rows = [];
  for (const r of records) {
    const s = r.steps;
    for (let i = 0; i < s.step.length; i++) rows.push([r.id, r.name, 'step', s.step[i], '', s.time[i].toFixed(3), s.loss[i], s.accuracy[i], '', '', '', '', s.learning_rate?.[i] ?? '']);
    for (const e of r.epochs) {
      rows.push([r.id, r.name, 'epoch', e.step, e.epoch, e.time.toFixed(3), e.train.loss, e.train.accuracy, e.validation?.loss, e.validation?.accuracy, e.test?.loss, e.test?.accuracy, '']);
    }
  }
  return csv([head, ...rows]);
}
