// A shard worker of data-parallel training (see www/engine/team.js): its own wasm engine with the
// training and test sets, computing its share of every batch. Once configured it follows the run's
// BUDGET word (the step number the lead allows) in a loop, sleeping in Atomics.wait while the lead's
// next call is due, and returns to its event loop every FOLLOW_SLICE_MS, or when the lead pauses or
// evaluates, so messages are still handled: among them its share of an epoch's evaluation.
//
// Does not: talk to the page or report progress (the engine worker, its lead, does).

import { encodeNames } from '../data/idx-encode.js';
import { FromShard, ToShard } from '../protocol.js';
import { describeError } from './errors.js';
import { evaluateRange } from './evaluation.js';
import { BUDGET } from './team.js';
import { debugPanic, engine, memory, startEngine } from './wasm.js';

/** How long the follow loop runs before it lets the event loop handle messages. */
const FOLLOW_SLICE_MS = 50;
/**
 * How long it sleeps in a blocking Atomics.wait for the next budget (the lead's next call comes
 * within milliseconds while it trains) before it waits with Atomics.waitAsync instead, which leaves
 * the event loop free (the lead is paused or evaluating, and may send `evaluate`).
 */
const BLOCKING_WAIT_MS = 5;

/** Test hook: the panic message for the next `evaluate` (?debug=panic-shard-during-evaluation). */
let panicOnEvaluate = null;
/** The run's shared buffer, to raise its abort word if this worker fails. */
let control = null;
/** The run being followed: its control words and this engine's step (null when none). */
let follow = null;
const wake = new MessageChannel();
wake.port1.onmessage = () => followBudget();
/** Run followBudget soon, once: `pending` keeps a run to one chain of follow calls. */
function resume(run) {
  if (follow !== run || run.pending) return;
  run.pending = true;
  wake.port2.postMessage(null);
}

function abortRun() {
  if (!control) return;
  Atomics.store(control, 2, 1); // layout: src/wasm/shared_exchange.rs
  Atomics.notify(control, 1);
}

const describe = (err) => describeError(err, 'a training worker');

async function handle(message) {
  switch (message.type) {
    case ToShard.INIT: {
      await startEngine(message.build);
      if (message.names) {
        // A data set other than MNIST, already checked by the lead (www/engine/dataset.js).
        const names = encodeNames(message.names);
        engine.loadIdxDataset('train', 'training images', message.images, 'training labels', message.labels, 'names', names);
        if (message.test) engine.loadIdxDataset('test', 'test images', message.test.images, 'test labels', message.test.labels, 'names', names);
      } else {
        engine.loadTrain(message.images, message.labels);
        if (message.test) engine.loadTest(message.test.images, message.test.labels);
      }
      return { type: FromShard.READY };
    }
    case ToShard.CONFIGURE:
      follow = null;
      // Wake this worker's wait on the old run's buffer, so the pending waitAsync (which would
      // keep that buffer alive) settles and is dropped.
      if (control) Atomics.notify(control, BUDGET);
      control = new Int32Array(message.buffer, 0, 4);
      engine.configureShard(message.config, message.index, message.buffer);
      follow = { control, step: 0, pending: false, parked: false, poll: 1 };
      resume(follow);
      return { type: FromShard.CONFIGURED };
    case ToShard.EVALUATE: {
      // Its share of an epoch's evaluation (www/engine/team.js evaluateShares): the network is the lead's,
      // bit for bit, since both finished the same steps.
      const { which, start, end } = message;
      if (panicOnEvaluate) debugPanic(panicOnEvaluate);
      const evaluation = evaluateRange(which, start, end);
      self.__mnistEvaluated = (self.__mnistEvaluated ?? 0) + (end - start); // for tests
      return { type: FromShard.EVALUATED, evaluation };
    }
    case ToShard.DEBUG_PANIC: // test hooks (?debug=panic-shard-during-training, …-during-evaluation)
      if (message.when === 'evaluation') panicOnEvaluate = String(message.message);
      else debugPanic(String(message.message));
      return null;
    case ToShard.TIMES: // for profiles (bench/ours-worker.js)
      return { type: FromShard.TIMES, times: engine.exchangeTimes(), wasm_memory_mb: memory ? memory.buffer.byteLength / 2 ** 20 : null };
    default:
      throw new Error(`unknown message ${JSON.stringify(message.type)} (see www/protocol.js)`);
  }
}

/**
 * Train up to the BUDGET step; yield to the event loop every FOLLOW_SLICE_MS while training, and
 * once there is nothing to train for BLOCKING_WAIT_MS (or at an epoch's end, where the lead
 * evaluates), wait for the next budget without blocking messages.
 */
function followBudget() {
  const run = follow;
  if (!run || !run.pending) return;
  run.pending = false;
  const until = performance.now() + FOLLOW_SLICE_MS;
  let idleSince = null;
  try {
    while (follow === run) {
      const target = Atomics.load(run.control, BUDGET);
      if (target > run.step) {
        idleSince = null;
        run.parked = false;
        run.poll = 1;
        const progress = engine.trainSteps(target - run.step);
        if (progress.steps === 0) {
          follow = null; // the run is over: nothing left to follow
          return;
        }
        run.step = progress.step;
        if (progress.epoch_finished) return waitForBudget(run, target);
        if (performance.now() >= until) break;
        continue;
      }
      const now = performance.now();
      idleSince ??= now;
      // Parked (the lead paused, evaluates or finished): look once, then wait without blocking.
      if (run.parked || now - idleSince >= BLOCKING_WAIT_MS) return waitForBudget(run, target);
      if (now >= until) break;
      Atomics.wait(run.control, BUDGET, target, Math.min(until, idleSince + BLOCKING_WAIT_MS) - now);
    }
  } catch (err) {
    follow = null;
    abortRun();
    self.postMessage({ type: FromShard.ERROR, ...describe(err) });
    return;
  }
  resume(run);
}

/**
 * Follow again once BUDGET moves past `seen`, leaving the event loop free meanwhile. Without
 * Atomics.waitAsync it looks again after 2 ms, then less and less often (up to every 50 ms).
 */
function waitForBudget(run, seen) {
  run.parked = true;
  const again = () => resume(run);
  if (typeof Atomics.waitAsync === 'function') {
    const waiting = Atomics.waitAsync(run.control, BUDGET, seen);
    if (waiting.async) waiting.value.then(again);
    else again();
  } else {
    run.poll = Math.min(50, run.poll * 2);
    setTimeout(again, run.poll);
  }
}

self.onmessage = async ({ data }) => {
  try {
    const reply = await handle(data);
    if (reply) self.postMessage({ ...reply, id: data.id });
  } catch (err) {
    abortRun();
    self.postMessage({ type: FromShard.ERROR, id: data.id, ...describe(err) });
  }
};
