// The JS fuzz targets' loop (issue 21, JS part; docs/fuzzing.md): runs one target's check on
// FUZZ_RUNS inputs from a fast-check arbitrary with a fixed seed, and holds it to the properties
// every target shares:
//   - no unexpected exception: `check` returns the input's outcome (a short label, counted) or
//     throws, which fails the run with the input, fast-check's seed and path, shrunk;
//   - no hang: every input's time is measured and the slowest, timed again (best of 3, the
//     machine is shared), must stay under BOUND_MS; a watchdog thread kills the process, naming
//     the target and input, if one input runs for HANG_MS (a synchronous loop cannot be
//     interrupted from its own thread);
//   - depth: the outcomes' shares are printed, so a target whose inputs are all refused at the
//     first check shows it.
//
// Environment: FUZZ_RUNS (inputs per target; default SHORT_RUNS, the test command's short run),
// FUZZ_SEED (default 1), FUZZ_PATH (replay the failing input fast-check reported: its `path`),
// FUZZ_QUIET=1 (no summary line).
//
// Non-goals: the targets themselves (the *.fuzz.test.mjs beside this file), mutating inputs
// (mutate.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';

/** Inputs per target in the test command's short run (a few seconds each). */
export const SHORT_RUNS = 2_000;
/** Longest time one input may take (after re-timing). */
export const BOUND_MS = 1_000;
/** One input running this long is a hang: the watchdog ends the process. */
const HANG_MS = 20_000;

export const RUNS = Number(process.env.FUZZ_RUNS ?? SHORT_RUNS);
export const SEED = Number(process.env.FUZZ_SEED ?? 1);
if (!Number.isSafeInteger(RUNS) || RUNS < 1) throw new Error(`FUZZ_RUNS must be a whole number ≥ 1, not ${process.env.FUZZ_RUNS}`);
if (!Number.isSafeInteger(SEED)) throw new Error(`FUZZ_SEED must be a whole number, not ${process.env.FUZZ_SEED}`);

// [input index + 1 (0: idle), milliseconds since the watchdog started when the input began]
const beat = new Int32Array(new SharedArrayBuffer(8));
const started = performance.now();
let watchdog = null;

function startWatchdog() {
  if (watchdog) return;
  const code = `
    const { workerData: { beat, hangMs, names } } = require('node:worker_threads');
    const fs = require('node:fs');
    const t0 = Date.now();
    setInterval(() => {
      const index = Atomics.load(beat, 0);
      if (index === 0) return;
      const ran = Date.now() - t0 - Atomics.load(beat, 1);
      if (ran > hangMs) {
        const name = new TextDecoder().decode(names.slice()).replace(/\\0+$/, '');
        fs.writeSync(2, 'fuzz ' + name + ': input ' + (index - 1) + ' has run for ' + ran + ' ms: a hang (rebuild it with FUZZ_RUNS=' + index + ' and the same FUZZ_SEED)\\n');
        process.kill(process.pid, 'SIGKILL');
      }
    }, 500);`;
  watchdog = new Worker(code, { eval: true, workerData: { beat, hangMs: HANG_MS, names: nameBytes } });
  watchdog.unref();
}
const nameBytes = new Uint8Array(new SharedArrayBuffer(64));
const offset = () => Math.round(performance.now() - started);

/**
 * Registers the test `fuzz <name>`: `check(input)` on RUNS inputs of `arbitrary` (seeded by SEED),
 * then on `regressions` (inputs that once failed, kept; each must pass alone first).
 * @param {string} name
 * @param {import('fast-check').Arbitrary<any>} arbitrary
 * @param {(input: any) => string | Promise<string>} check  the outcome's label; throws on a failed property
 * @param {{regressions?: any[], async?: boolean}} [options]  `async`: `check` returns a promise
 */
export function fuzz(name, arbitrary, check, { regressions = [], async = false } = {}) {
  test(`fuzz ${name}: ${RUNS.toLocaleString('en-US')} inputs (seed ${SEED}), no unexpected error, each within ${BOUND_MS} ms`, async () => {
    startWatchdog();
    nameBytes.fill(0);
    nameBytes.set(new TextEncoder().encode(name).slice(0, 63));
    for (const [i, input] of regressions.entries()) {
      try {
        await check(input);
      } catch (err) {
        assert.fail(`regression case ${i} of ${name}: ${err.stack}`);
      }
    }
    const outcomes = new Map();
    const slowest = [];
    let index = 0;
    const t0 = performance.now();
    const begin = () => {
      Atomics.store(beat, 1, offset());
      Atomics.store(beat, 0, index + 1);
      return performance.now();
    };
    const done = (input, start, outcome) => {
      const ms = performance.now() - start;
      if (slowest.length < 8 || ms > slowest.at(-1).ms) {
        slowest.push({ ms, input, index });
        slowest.sort((a, b) => b.ms - a.ms);
        slowest.length = Math.min(slowest.length, 8);
      }
      assert.equal(typeof outcome, 'string', `${name}: the check returns its outcome's label`);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      index += 1;
    };
    const syncTimed = (input) => {
      const start = begin();
      try {
        done(input, start, check(input));
      } finally {
        Atomics.store(beat, 0, 0);
      }
    };
    const asyncTimed = async (input) => {
      const start = begin();
      try {
        done(input, start, await check(input));
      } finally {
        Atomics.store(beat, 0, 0);
      }
    };
    const options = { numRuns: RUNS, seed: SEED, includeErrorInReport: true, ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) };
    // A synchronous check runs as a synchronous property (no promise per input).
    if (async) await fc.assert(fc.asyncProperty(arbitrary, asyncTimed), options);
    else fc.assert(fc.property(arbitrary, (input) => void syncTimed(input)), options);
    const seconds = (performance.now() - t0) / 1000;
    // Re-time the slowest: on two shared cores a quick input sometimes waits for a core.
    const retimed = [];
    for (const { input, index: i } of slowest) {
      let best = Infinity;
      for (let k = 0; k < 3; k++) {
        const start = performance.now();
        await check(input);
        best = Math.min(best, performance.now() - start);
      }
      retimed.push({ index: i, ms: best });
    }
    const worst = retimed.reduce((a, b) => (b.ms > a.ms ? b : a), { index: -1, ms: 0 });
    if (process.env.FUZZ_QUIET !== '1') {
      const shares = [...outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${((100 * n) / index).toFixed(2)}%`);
      console.log(
        `fuzz ${name.padEnd(14)} ${index} inputs in ${seconds.toFixed(1)} s (${Math.round(index / seconds)}/s), seed ${SEED}; ` +
          `slowest ${slowest[0]?.ms.toFixed(1)} ms (input ${slowest[0]?.index}), re-timed ${worst.ms.toFixed(2)} ms (input ${worst.index})\n` +
          `  outcomes: ${shares.join(', ')}`,
      );
    }
    if (!process.env.FUZZ_PATH) assert.equal(index, RUNS, `${name}: every input ran`);
    assert.ok(worst.ms < BOUND_MS, `${name}: input ${worst.index} takes ${worst.ms.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
  });
}

/** Asserts `fn` throws an Error whose message is a clear sentence (one line, not a bare type error). */
export function expectRefusal(fn, what) {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof Error, `${what}: threw a non-Error ${String(err)}`);
    assert.ok(!(err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError), `${what}: unexpected ${err.name}: ${err.message}`);
    assert.ok(err.message.length > 0 && !err.message.includes('\n'), `${what}: unclear message ${JSON.stringify(err.message)}`);
    return err.message;
  }
  return null;
}
