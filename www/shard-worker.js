// A shard worker of data-parallel training (see www/team.js): its own wasm engine with the
// training set, computing its share of every batch. Once configured it follows the run's BUDGET
// word (the step number the lead allows) in a loop, sleeping in Atomics.wait while there is nothing
// to train, and returns to its event loop every FOLLOW_SLICE_MS so messages are still handled. It
// never evaluates or reports progress; the engine worker does.

import { BUDGET } from './team.js';

/** How long the follow loop runs before it lets the event loop handle messages. */
const FOLLOW_SLICE_MS = 50;

let engine = null;
let debugPanic = null;
/** The run's shared buffer, to raise its abort word if this worker fails. */
let control = null;
/** The run being followed: its control words and this engine's step (null when none). */
let follow = null;
const wake = new MessageChannel();
wake.port1.onmessage = () => followBudget();

function abortRun() {
  if (!control) return;
  Atomics.store(control, 2, 1); // layout: src/wasm_api/shared_exchange.rs
  Atomics.notify(control, 1);
}

function describe(err) {
  const panic = self.__mnistLastPanic;
  if (panic) {
    self.__mnistLastPanic = undefined;
    return { message: `a training worker crashed (Rust panic): ${panic}`, fatal: true };
  }
  if (err instanceof WebAssembly.RuntimeError) return { message: `a training worker crashed: ${err.message}`, fatal: true };
  return { message: err instanceof Error ? err.message : String(err), fatal: false };
}

async function handle(message) {
  switch (message.type) {
    case 'init': {
      const pkg = await import(message.build === 'relaxed-simd' ? './pkg-relaxed/mnist_playground.js' : './pkg/mnist_playground.js');
      await pkg.default();
      engine = new pkg.Engine();
      debugPanic = pkg.debugPanic;
      engine.loadTrain(message.images, message.labels);
      return { type: 'ready' };
    }
    case 'configure':
      follow = null;
      control = new Int32Array(message.buffer, 0, 4);
      engine.configureShard(message.config, message.index, message.buffer);
      follow = { control, step: 0 };
      wake.port2.postMessage(null);
      return { type: 'configured' };
    case 'debug-panic': // test hook (?debug=panic-shard-during-training)
      debugPanic(String(message.message));
      return null;
    case 'times': // for profiles (bench/ours-worker.js)
      return { type: 'times', times: engine.exchangeTimes() };
    default:
      throw new Error(`unknown message ${JSON.stringify(message.type)}`);
  }
}

/** Train up to the BUDGET step for a slice of time, then yield to the event loop and come back. */
function followBudget() {
  const run = follow;
  if (!run) return;
  const until = performance.now() + FOLLOW_SLICE_MS;
  try {
    while (follow === run) {
      const target = Atomics.load(run.control, BUDGET);
      if (target > run.step) {
        const progress = engine.trainSteps(target - run.step);
        if (progress.steps === 0) {
          follow = null; // the run is over: nothing left to follow
          return;
        }
        run.step = progress.step;
        if (performance.now() >= until) break;
        continue;
      }
      const left = until - performance.now();
      if (left <= 0) break;
      Atomics.wait(run.control, BUDGET, target, left);
    }
  } catch (err) {
    follow = null;
    abortRun();
    self.postMessage({ type: 'error', ...describe(err) });
    return;
  }
  if (follow === run) wake.port2.postMessage(null);
}

self.onmessage = async ({ data }) => {
  try {
    const reply = await handle(data);
    if (reply) self.postMessage({ ...reply, id: data.id });
  } catch (err) {
    abortRun();
    self.postMessage({ type: 'error', id: data.id, ...describe(err) });
  }
};
