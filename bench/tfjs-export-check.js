// Trains a small network per activation with our engine (in this page, for simplicity), exports it in
// the TensorFlow.js layers format, loads that with tf.loadLayersModel, and compares the predicted
// probabilities on 200 MNIST test images. Result JSON in document.body.dataset.result
// (read by tests/e2e/experiments/tfjs-export.test.mjs).
/* global tf */
import init, { Engine } from '../www/pkg/mnist_playground.js';

const out = document.getElementById('out');
const log = (line) => (out.textContent += `\n${line}`);

async function gunzip(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await new Response(response.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
}

async function main() {
  await init();
  await tf.setBackend('cpu');
  const engine = new Engine();
  engine.loadTrain(await gunzip('../data/train-images-idx3-ubyte.gz'), await gunzip('../data/train-labels-idx1-ubyte.gz'));
  engine.loadTest(await gunzip('../data/t10k-images-idx3-ubyte.gz'), await gunzip('../data/t10k-labels-idx1-ubyte.gz'));
  const images = Array.from({ length: 200 }, (_, i) => engine.image('test', i * 50));
  const result = { activations: {} };
  for (const activation of ['relu', 'leaky_relu', 'sigmoid', 'tanh']) {
    engine.configure({ ...Engine.defaultConfig(), hidden: [64, 32], activation, epochs: 1, train_subset: 3000, validation_size: 0 });
    while (!engine.trainSteps(100).finished);
    const { model_json, weights } = engine.exportTfjs();
    const json = JSON.parse(model_json);
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights.slice().buffer }),
    );
    const x = tf.tensor2d(images.flatMap((img) => Array.from(img, (p) => p / 255)), [images.length, 784]);
    const theirs = await model.predict(x).array();
    let maxDiff = 0;
    let sameDigit = 0;
    images.forEach((img, i) => {
      const ours = engine.predictImage(img).probabilities;
      ours.forEach((p, k) => (maxDiff = Math.max(maxDiff, Math.abs(p - theirs[i][k]))));
      if (ours.indexOf(Math.max(...ours)) === theirs[i].indexOf(Math.max(...theirs[i]))) sameDigit++;
    });
    result.activations[activation] = { maxDiff, sameDigit, images: images.length, layers: json.modelTopology.config.layers.length };
    log(`${activation}: max |Δp| = ${maxDiff.toExponential(2)}, same digit for ${sameDigit}/${images.length}`);
    x.dispose();
    model.dispose();
  }
  // GELU cannot be exported (TF.js 4.22 fails to load its tanh-approximated GELU): a clear error.
  engine.configure({ ...Engine.defaultConfig(), hidden: [16], activation: 'gelu', epochs: 1, train_subset: 500, validation_size: 0 });
  engine.trainSteps(1);
  try {
    engine.exportTfjs();
    result.geluError = null;
  } catch (e) {
    result.geluError = String(e.message ?? e);
  }
  document.body.dataset.result = JSON.stringify(result);
}

main().catch((e) => {
  log(`failed: ${e.message ?? e}`);
  document.body.dataset.result = JSON.stringify({ error: String(e.message ?? e) });
});
