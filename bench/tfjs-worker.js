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

onmessage = async ({ data: { backend, threads, seconds } }) => {
  try {
    if (backend === 'wasm') {
      tf.wasm.setWasmPaths(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', location.href).href);
      tf.wasm.setThreadsCount(threads);
    }
    await tf.setBackend(backend);
    await tf.ready();
    const label = backend === 'wasm' ? `wasm (SIMD ${await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')}, multithread support ${await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')}, ${tf.wasm.getThreadsCount()} of ${threads} thread(s) requested)` : backend;
    const result = { backend: label };
    for (const c of CONFIGS) {
      const model = tf.sequential();
      c.hidden.forEach((units, i) => model.add(tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) })));
      if (c.hidden.length === 0) model.add(tf.layers.dense({ units: 10, activation: 'softmax', inputShape: [784] }));
      else model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
      model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
      const x = tf.randomUniform([c.batch, 784]);
      const y = tf.oneHot(tf.randomUniform([c.batch], 0, 10, 'int32'), 10);
      for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y); // warm-up
      const t0 = performance.now();
      let samples = 0;
      while (performance.now() - t0 < seconds * 1000) {
        await model.trainOnBatch(x, y);
        samples += c.batch;
      }
      const sps = samples / ((performance.now() - t0) / 1000);
      result[`${c.name}_samples_per_second`] = sps;
      log(`TF.js ${label}: config ${c.name}: ${sps.toFixed(0)} samples/s`);
      tf.dispose([x, y]);
      model.dispose();
    }
    postMessage({ type: 'done', result });
  } catch (e) {
    postMessage({ type: 'error', message: String(e.message ?? e) });
  }
};
