// A shard worker of data-parallel training (see www/team.js): its own wasm engine with the
// training set, computing its share of every batch when the engine worker says `run`. It never
// evaluates or reports progress; the engine worker does.

let engine = null;
let debugPanic = null;
/** The run's shared buffer, to raise its abort word if this worker fails. */
let control = null;

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
      control = new Int32Array(message.buffer, 0, 4);
      engine.configureShard(message.config, message.index, message.buffer);
      return { type: 'configured' };
    case 'run':
      engine.trainSteps(message.steps);
      return null;
    case 'debug-panic': // test hook (?debug=panic-shard-during-training)
      debugPanic(String(message.message));
      return null;
    case 'times': // for profiles (bench/ours-worker.js)
      return { type: 'times', times: engine.exchangeTimes() };
    default:
      throw new Error(`unknown message ${JSON.stringify(message.type)}`);
  }
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
