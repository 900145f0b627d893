// A second, independent single-thread trainer for the benchmark's ceiling measurement: the same
// build and data as ours-worker.js, trained alone while ours-worker.js trains its own copy, with no
// exchange between them. Their summed samples per second over one thread's is what the machine
// gives two workers that never wait for each other (what a data-parallel team could reach).
//
// Messages: {type:'init', build, images, labels} → {type:'ready'};
// {type:'configure', config} → {type:'configured'}; {type:'train', ms} → {type:'trained', samplesPerSecond}.

let engine = null;

onmessage = async ({ data }) => {
  try {
    if (data.type === 'init') {
      const pkg = await import(data.build === 'relaxed-simd' ? '../www/pkg-relaxed/mnist_playground.js' : '../www/pkg/mnist_playground.js');
      await pkg.default();
      engine = new pkg.Engine();
      engine.loadTrain(data.images, data.labels);
      postMessage({ type: 'ready' });
    } else if (data.type === 'configure') {
      engine.configure(data.config);
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
