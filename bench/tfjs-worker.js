// TensorFlow.js 4.22 (the npm dev dependency, served from node_modules) training the same two
// models on MNIST-shaped data in a classic worker: one backend per worker, since a backend's
// thread count is fixed when it starts.
/* global tf, importScripts */
importScripts('../node_modules/@tensorflow/tfjs/dist/tf.min.js', '../node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js');

const CONFIGS = [
  { name: 'A', hidden: [128], batch: 128 },
  { name: 'B', hidden: [512, 256], batch: 256 },
];
const log = (line) => postMessage({ type: 'log', line });

async function startBackend(backend, threads) {
  if (backend === 'wasm') {
    tf.wasm.setWasmPaths(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', location.href).href);
    tf.wasm.setThreadsCount(threads);
  }
  await tf.setBackend(backend);
  await tf.ready();
  return backend === 'wasm' ? `wasm (SIMD ${await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')}, multithread support ${await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')}, ${tf.wasm.getThreadsCount()} of ${threads} thread(s) requested)` : backend;
}

/** The model of config `c`, compiled, with one batch of MNIST-shaped data, warmed up. */
async function prepare(c) {
  const model = tf.sequential();
  c.hidden.forEach((units, i) => model.add(tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) })));
  if (c.hidden.length === 0) model.add(tf.layers.dense({ units: 10, activation: 'softmax', inputShape: [784] }));
  else model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  const x = tf.randomUniform([c.batch, 784]);
  const y = tf.oneHot(tf.randomUniform([c.batch], 0, 10, 'int32'), 10);
  for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y); // warm-up
  return { c, model, x, y, dispose: () => (tf.dispose([x, y]), model.dispose()) };
}

/** Samples per second training `prepared` for `ms`. */
async function train({ c, model, x, y }, ms) {
  const t0 = performance.now();
  let samples = 0;
  while (performance.now() - t0 < ms) {
    await model.trainOnBatch(x, y);
    samples += c.batch;
  }
  return samples / ((performance.now() - t0) / 1000);
}

// Two ways to drive it. A whole suite: {backend, threads, seconds} → logs, then {type:'done', result}.
// Window by window (bench.js's head-to-head rounds): {type:'setup', backend, threads} → {type:'ready', backend};
// {type:'model', name} → {type:'prepared'}; {type:'window', ms} → {type:'trained', samplesPerSecond}.
let prepared = null;
onmessage = async ({ data }) => {
  try {
    if (data.type === 'setup') return postMessage({ type: 'ready', backend: await startBackend(data.backend, data.threads) });
    if (data.type === 'model') {
      prepared?.dispose();
      prepared = await prepare(CONFIGS.find((c) => c.name === data.name));
      return postMessage({ type: 'prepared' });
    }
    if (data.type === 'window') return postMessage({ type: 'trained', samplesPerSecond: await train(prepared, data.ms) });
    const { backend, threads, seconds } = data;
    const label = await startBackend(backend, threads);
    const result = { backend: label };
    for (const c of CONFIGS) {
      const p = await prepare(c);
      const sps = await train(p, seconds * 1000);
      result[`${c.name}_samples_per_second`] = sps;
      log(`TF.js ${label}: config ${c.name}: ${sps.toFixed(0)} samples/s`);
      p.dispose();
    }
    postMessage({ type: 'done', result });
  } catch (e) {
    postMessage({ type: 'error', message: String(e.message ?? e) });
  }
};
