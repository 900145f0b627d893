// A second, independent single-thread trainer for the benchmark's ceiling measurement: the same
// build and data as ours-worker.js, trained alone while ours-worker.js trains its own copy, with no
// exchange between them. Their summed samples per second over one thread's is what the machine
// gives two workers that never wait for each other (what a data-parallel team could reach).
//
// bench.js also uses it for the head-to-head rounds against TF.js (ours in one worker, TF.js in
// others, taking turns).
//
// Messages: {type:'init', build, images, labels} → {type:'ready'};
// {type:'configure', config} or {type:'configure', hidden, batch} (the benchmark's settings on the
// engine's defaults) → {type:'configured'}; {type:'train', ms} → {type:'trained', samplesPerSecond}.

import { loadPackage } from '../www/engine/wasm.js';

let engine = null;
let Engine = null;

onmessage = async ({ data }) => {
  try {
    if (data.type === 'init') {
      const pkg = await loadPackage(data.build);
      await pkg.default();
      Engine = pkg.Engine;
      engine = new Engine();
      engine.loadTrain(data.images, data.labels);
      postMessage({ type: 'ready' });
    } else if (data.type === 'configure') {
      engine.configure(data.config ?? { ...Engine.defaultConfig(), hidden: data.hidden, batch_size: data.batch, epochs: 1000, validation_size: 0 });
      engine.trainSteps(10); // warm-up
      postMessage({ type: 'configured' });
    } else if (data.type === 'train') {
      const t0 = performance.now();
      let samples = 0;
      while (performance.now() - t0 < data.ms) samples += engine.trainSteps(2).samples;
      postMessage({ type: 'trained', samplesPerSecond: samples / ((performance.now() - t0) / 1000) });
    }
  } catch (e) {
    postMessage({ type: 'error', message: String(e.message ?? e) });
  }
};
