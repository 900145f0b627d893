#!/usr/bin/env node
// Replays real handwriting (UCI pendigits pen trajectories) as pointer strokes on the real page in
// headless Chromium, reads the prediction read-out after each digit, and reports the accuracy per
// digit and overall, and the most frequent confusions.
//
//   node scripts/checks/pendigits-replay.mjs [--writers W] [--pointer P] [--sample N] [--seed S] [--fill F] [--file PATH] [--json]
//
//   --writers W  only these writers: "fit", "select" or "report" (WRITERS below; data/README.md), or "A-B"
//                (default: all 30)
//   --pointer P  the pointer type of the events: pen (default), mouse or touch
//   --sample N   replay a seeded random sample of N digits (default: all 7,494)
//   --seed S     seed of the sample (default 1); the same seed gives the same digits
//   --fill F     the digit's longer side as a fraction of the canvas side (default 0.72: about
//                200 of 280 px, "fills most of the canvas", as a person draws), aspect ratio kept,
//                centred
//   --file PATH  the trajectories (default ../shared/pendigits/pendigits-tra.json, relative to the
//                project root: the file lives outside the repository)
//   --json       print one JSON object (the report) instead of a table
//
// Each digit: Clear, then every stroke as pointerdown / pointermove per recorded point / pointerup
// dispatched on the canvas (the page's own pointer handlers draw it, exactly as for a person),
// then the read-out data-digit once it reflects all strokes. The answering model must be the
// shipped default (data/default-model.bin). Uses BASE_URL if set, else serves the project itself.
//
// Non-goals: resampling or smoothing the trajectories (the page draws what the pen recorded).

import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startBrowser } from '../../tests/e2e/harness.mjs';
import { mulberry32 } from '../../www/ui/random.js';
import { fitStrokes, openDrawPage, replayInPage } from '../../tests/e2e/draw/draw-helpers.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_FILE = fileURLToPath(new URL('../../../shared/pendigits/pendigits-tra.json', import.meta.url));
const BATCH = 100; // digits per page.evaluate call

/**
 * The split of the 30 pendigits writers behind the shipped model (data/README.md, "Default model"):
 * the `fit` writers' digits are part of its training data, the `select` writers chose between
 * recipes, and the `report` writers are used only to report how it reads new writers.
 */
export const WRITERS = Object.freeze({ fit: [1, 10], select: [11, 15], report: [16, 30] });

/** `[lo, hi]` from "fit" / "select" / "report" or "A-B"; throws a message naming the choices. */
export function parseWriters(text) {
  if (Object.hasOwn(WRITERS, text)) return WRITERS[text];
  const m = /^(\d+)-(\d+)$/.exec(text);
  if (!m || Number(m[1]) > Number(m[2])) throw new Error(`--writers takes fit, select, report or A-B (e.g. 16-30), got ${JSON.stringify(text)}`);
  return [Number(m[1]), Number(m[2])];
}

/** The digits of writers lo…hi (all when `writers` is null). */
export function byWriters(digits, writers) {
  return writers ? digits.filter((d) => d.writer >= writers[0] && d.writer <= writers[1]) : digits;
}

/** A seeded choice of `n` distinct indices out of `length` (mulberry32 + partial Fisher–Yates). */
export function sampleIndices(length, n, seed) {
  const random = mulberry32(seed);
  const indices = Array.from({ length }, (_, i) => i);
  const count = Math.min(n, length);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (length - i));
    [indices[i], indices[j]] = [indices[j], indices[i]];
  }
  return indices.slice(0, count).sort((a, b) => a - b);
}

/**
 * Runs the replay. Returns {file, digits, correct, accuracy, perDigit: [{digit, count, correct,
 * accuracy}], confusions: [{label, predicted, count}], unanswered, model, seconds, sample, seed, fill}.
 */
export async function replayPendigits({ file = DEFAULT_FILE, writers = null, pointerType = 'pen', sample = 0, seed = 1, fill = 0.72, session = null, onProgress = () => {} } = {}) {
  const all = byWriters(JSON.parse(await readFile(file, 'utf8')), writers);
  const indices = sample > 0 ? sampleIndices(all.length, sample, seed) : all.map((_, i) => i);
  const own = !session;
  session ??= await startBrowser();
  const t0 = performance.now();
  try {
    const { page, context } = await openDrawPage(session);
    const model = await page.getAttribute('[data-testid="prediction"]', 'data-model');
    const confusion = Array.from({ length: 10 }, () => new Array(11).fill(0)); // column 10: no answer
    for (let start = 0; start < indices.length; start += BATCH) {
      const chunk = indices.slice(start, start + BATCH).map((i) => all[i]);
      const answers = await replayInPage(page, chunk.map((d) => fitStrokes(d.strokes, fill)), { pointerType });
      answers.forEach((answer, k) => confusion[chunk[k].label][answer ?? 10]++);
      onProgress(Math.min(start + BATCH, indices.length), indices.length);
    }
    await context.close();
    const perDigit = confusion.map((row, digit) => {
      const count = row.reduce((a, b) => a + b, 0);
      return { digit, count, correct: row[digit], accuracy: count ? row[digit] / count : NaN };
    });
    const confusions = [];
    confusion.forEach((row, label) =>
      row.forEach((count, predicted) => {
        if (predicted !== label && count > 0) confusions.push({ label, predicted: predicted === 10 ? null : predicted, count });
      }),
    );
    confusions.sort((a, b) => b.count - a.count || a.label - b.label);
    const correct = perDigit.reduce((a, d) => a + d.correct, 0);
    return {
      file,
      sample: indices.length,
      writers,
      pointerType,
      seed: sample > 0 ? seed : null,
      fill,
      model,
      digits: indices.length,
      correct,
      accuracy: correct / indices.length,
      perDigit,
      confusions,
      unanswered: confusion.reduce((a, row) => a + row[10], 0),
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    if (own) await session.close();
  }
}

/** The report as a table. */
export function formatReport(r) {
  const pct = (x) => `${(100 * x).toFixed(2)}%`;
  const lines = [
    `pendigits replay: ${r.digits} digits${r.writers ? ` of writers ${r.writers.join('–')}` : ''}${r.seed !== null ? ` (sample, seed ${r.seed})` : ' (all)'}, fill ${r.fill}, ${r.pointerType} events, model "${r.model}", ${r.seconds.toFixed(1)} s`,
    `overall: ${r.correct} / ${r.digits} = ${pct(r.accuracy)}${r.unanswered ? ` (${r.unanswered} without an answer)` : ''}`,
    'per digit:',
    ...r.perDigit.map((d) => `  ${d.digit}: ${String(d.correct).padStart(4)} / ${String(d.count).padEnd(4)} ${pct(d.accuracy).padStart(7)}`),
    'most frequent confusions (true → read):',
    ...r.confusions.slice(0, 10).map((c) => `  ${c.label} → ${c.predicted ?? 'none'}: ${c.count}`),
  ];
  return lines.join('\n');
}

function parseArgs(argv) {
  const opts = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    const number = (v) => {
      const x = Number(v);
      if (!Number.isFinite(x) || x < 0) throw new Error(`${flag} needs a number ≥ 0, got ${JSON.stringify(v)}`);
      return x;
    };
    if (flag === '--writers') opts.writers = parseWriters(value());
    else if (flag === '--pointer') {
      opts.pointerType = value();
      if (!['pen', 'mouse', 'touch'].includes(opts.pointerType)) throw new Error(`--pointer takes pen, mouse or touch, got ${JSON.stringify(opts.pointerType)}`);
    }
    else if (flag === '--sample') opts.sample = Math.floor(number(value()));
    else if (flag === '--seed') opts.seed = Math.floor(number(value()));
    else if (flag === '--fill') opts.fill = number(value());
    else if (flag === '--file') opts.file = value();
    else if (flag === '--json') opts.json = true;
    else if (flag === '--help' || flag === '-h') opts.help = true;
    else throw new Error(`unknown option ${JSON.stringify(flag)} — see --help`);
  }
  if (opts.fill !== undefined && !(opts.fill > 0 && opts.fill <= 1)) throw new Error('--fill must be in (0, 1]');
  return opts;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const { json, help, ...opts } = parseArgs(process.argv.slice(2));
    if (help) {
      const text = await readFile(fileURLToPath(import.meta.url), 'utf8');
      console.log(text.split('\n').filter((l) => l.startsWith('//')).slice(0, 21).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    }
    const file = opts.file ?? DEFAULT_FILE;
    if (!existsSync(file)) throw new Error(`${file} not found (the pendigits file lives outside the repository; pass --file PATH)`);
    const report = await replayPendigits({
      ...opts,
      file,
      onProgress: json ? () => {} : (done, total) => process.stderr.write(`\r${done} / ${total}`),
    });
    if (!json) process.stderr.write('\n');
    console.log(json ? JSON.stringify(report, null, 2) : formatReport(report));
  } catch (err) {
    console.error(`pendigits-replay: error: ${err.message}`);
    process.exit(1);
  }
}
