// Evaluating the validation and test sets in slices, so the engine worker stays responsive: between
// slices of about one chunk's time it handles messages, so Pause and predictions are not held up by
// an epoch's evaluation (a large network takes seconds for 15,000 images). In a multi-core run the
// shard workers evaluate the later ranges of each phase meanwhile (www/engine/team.js
// evaluateShares); a range whose shard worker failed is evaluated here afterwards, in slices too.
// Parts are merged in range order, so the result lists misclassified images in the same order as
// one worker would.
//
// Does not: schedule itself, post results or decide what a finished evaluation means (the run in
// www/engine/training.js does, through the hooks it passes).

import { engine } from './wasm.js';

/** Adds up evaluations of disjoint slices (src/train/metrics.rs Evaluation); null for no slices. */
export function mergeEvaluations(parts) {
  const nonEmpty = parts.filter((e) => e && e.count > 0);
  if (nonEmpty.length === 0) return null;
  const classes = nonEmpty[0].confusion.length;
  const confusion = Array.from({ length: classes }, () => new Array(classes).fill(0));
  let count = 0;
  let lossSum = 0;
  const misclassified = [];
  for (const e of nonEmpty) {
    count += e.count;
    lossSum += e.loss * e.count;
    e.confusion.forEach((row, t) => row.forEach((n, p) => (confusion[t][p] += n)));
    misclassified.push(...e.misclassified);
  }
  let correct = 0;
  const perClass = confusion.map((row, k) => {
    correct += row[k];
    const total = row.reduce((a, b) => a + b, 0);
    return total > 0 ? row[k] / total : NaN;
  });
  return { count, loss: lossSum / count, accuracy: correct / count, confusion, per_class_accuracy: perClass, misclassified };
}

/** Engine.evaluate*Range for `which` ("validation" or "test"). */
export const evaluateRange = (which, start, end) =>
  which === 'test' ? engine.evaluateTestRange(start, end) : engine.evaluateValidationRange(start, end);

export class SlicedEvaluation {
  /**
   * @param {Array<[string, number]>} phases  ["validation" | "test", size] in order
   * @param {object} hooks
   * @param {number} hooks.chunkMs  about how long one slice should take
   * @param {() => import('./team.js').Team | null} hooks.team  the run's team if it shares evaluations
   * @param {() => void} hooks.schedule  call `slice()` again soon
   * @param {() => boolean} hooks.isCurrent  false once a new run or a reset abandoned this one
   * @param {(results: object, ms: number) => void} hooks.finish  the merged evaluations by phase
   * @param {(err: unknown) => void} hooks.fail  a shard worker's share failed beyond recovery
   */
  constructor(phases, hooks) {
    this.hooks = hooks;
    this.ranges = phases.map(([which, size]) => ({ which, start: 0, end: size, share: true }));
    this.range = 0;
    this.offset = null;
    this.parts = {};
    this.shares = [];
    this.slice = 500;
    this.waiting = false;
    this.started = performance.now();
  }

  /** Evaluates the next slice, then schedules the next one or finishes. */
  step() {
    if (this.waiting) return;
    const r = this.ranges[this.range];
    if (this.offset === null) {
      // The start of a phase: hand the shard workers their ranges.
      const team = r.share ? this.hooks.team() : null;
      const shared = team ? team.evaluateShares(r.which, r.end) : null;
      if (shared) {
        r.end = shared.end;
        this.shares.push({ which: r.which, others: shared.others });
      }
      this.offset = r.start;
    }
    const end = Math.min(r.end, this.offset + this.slice);
    const t0 = performance.now();
    const part = end > this.offset ? evaluateRange(r.which, this.offset, end) : null;
    const ms = performance.now() - t0;
    // Size the next slice to about chunkMs from this one's time per image.
    if (end > this.offset && ms > 0) {
      this.slice = Math.max(100, Math.min(10_000, Math.round(((end - this.offset) * this.hooks.chunkMs) / ms)));
    }
    (this.parts[r.which] ??= []).push({ start: this.offset, evaluation: part });
    this.offset = end;
    if (this.offset >= r.end) {
      this.range += 1;
      this.offset = null;
    }
    if (this.range < this.ranges.length) return this.hooks.schedule();
    if (this.shares.length === 0) return this.#finish();
    // The lead's ranges are done: wait for the shard workers' (their network cannot change
    // meanwhile: the lead does not train while an evaluation is under way).
    this.waiting = true;
    const shares = this.shares;
    this.shares = [];
    Promise.all(shares.map((s) => s.others)).then((all) => {
      if (!this.hooks.isCurrent()) return; // abandoned
      this.waiting = false;
      shares.forEach((share, k) => {
        for (const { start, end: stop, evaluation } of all[k]) {
          if (evaluation) this.parts[share.which].push({ start, evaluation });
          // A shard worker that failed to answer: evaluate its range here, in slices.
          else if (stop > start) this.ranges.push({ which: share.which, start, end: stop, share: false });
        }
      });
      if (this.range < this.ranges.length) this.hooks.schedule();
      else this.#finish();
    }).catch((err) => this.hooks.fail(err));
  }

  #finish() {
    const inOrder = (parts) => [...parts].sort((a, b) => a.start - b.start).map((p) => p.evaluation);
    const results = Object.fromEntries(Object.entries(this.parts).map(([k, parts]) => [k, mergeEvaluations(inOrder(parts))]));
    this.hooks.finish(results, performance.now() - this.started);
  }
}
