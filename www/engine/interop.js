// The exports to the tools outside the playground, in the engine worker: a run's Keras 3 training
// script (`keras-script`), model weights as numpy's .npz for that script's --weights
// (`keras-weights`: the answering model's, or those of a model file the page sends, e.g. a stored
// run's) and recorded runs as TensorBoard event files in one zip (`tensorboard-zip`). The engine
// makes them (src/wasm/interop.rs, docs/keras.md); this only routes.
//
// Does not: record runs (www/experiments/recorder.js), load TF.js models (models.js: that changes
// the answering model), or save files (the page does).

import { FromWorker } from '../protocol.js';
import { Engine, engine } from './wasm.js';

export function kerasScript({ id, config, name }) {
  const { file_name, text } = Engine.kerasScript(config, String(name ?? 'run'));
  self.postMessage({ type: FromWorker.KERAS_SCRIPT, id, file_name, text });
}

export function kerasWeights({ id, bytes }) {
  let out;
  if (bytes) {
    // A model file (a stored run's): read by an engine of its own, so the answering model and the
    // run in this worker's engine stay as they are.
    const scratch = new Engine();
    try {
      scratch.loadModel(new Uint8Array(bytes), 'export');
      out = scratch.exportKerasWeights();
    } finally {
      scratch.free();
    }
  } else {
    out = engine.exportKerasWeights();
  }
  self.postMessage({ type: FromWorker.KERAS_WEIGHTS, id, bytes: out }, [out.buffer]);
}

export function tensorboardZip({ id, runs }) {
  const bytes = Engine.tensorboardZip(runs);
  self.postMessage({ type: FromWorker.TENSORBOARD_ZIP, id, bytes }, [bytes.buffer]);
}
