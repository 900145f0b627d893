// The inspect calls of the wasm Engine (issue 16: learning-rate finder, loss line and slice,
// hidden-layer map), timed in Node's V8 — the JavaScript engine of Chrome — outside a page.
// docs/inspect.md has the numbers this printed.
//
//   cargo build --release --target wasm32-unknown-unknown
//   wasm-bindgen --target nodejs --out-dir /tmp/mnist-inspect-node \
//       target/wasm32-unknown-unknown/release/mnist_playground.wasm
//   node bench/inspect-wasm.cjs /tmp/mnist-inspect-node data
//
// (The bindings go outside the repository: its package.json makes every .js file below it an ES
// module, and wasm-bindgen's Node bindings are CommonJS.)
//
// Each call is timed by wall clock (performance.now) and by this process's CPU time
// (process.cpuUsage), since the machines we measure on are shared. Not a page test: the page's
// worker runs the same calls in chunks between messages.
const fs = require('fs'), zlib = require('zlib'), path = require('path');
const [pkg, dir] = process.argv.slice(2);
if (!pkg || !dir) throw new Error('usage: node bench/inspect-wasm.cjs PKG_DIR DATA_DIR');
const m = require(path.resolve(pkg, 'mnist_playground.js'));
const gz = f => new Uint8Array(zlib.gunzipSync(fs.readFileSync(dir + '/' + f)));
const e = new m.Engine();
e.loadTrain(gz('train-images-idx3-ubyte.gz'), gz('train-labels-idx1-ubyte.gz'));
e.loadTest(gz('t10k-images-idx3-ubyte.gz'), gz('t10k-labels-idx1-ubyte.gz'));
e.loadModel(new Uint8Array(fs.readFileSync(dir + '/default-model.bin')), 'default');
const L = m.Engine.inspectLimits();
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };
let c0 = cpu();
const took = () => { const s = `wall ${(performance.now()-t).toFixed(0)} ms, CPU ${(cpu()-c0).toFixed(0)} ms`; return s; };
let t = performance.now(); c0 = cpu();
for (const opt of ['adam', 'sgd']) {
  const c = m.Engine.defaultConfig(); c.optimizer = {kind: opt};
  t = performance.now(); c0 = cpu();
  e.lrFinderStart(c, L.default_finder_steps);
  let p; do { p = e.lrFinderStep(10); } while (p.stop === null || p.stop === undefined);
  console.log(`finder ${opt}: ${p.done} steps ${took()}, steepest ${p.result.steepest.toExponential(2)}, min/10 ${p.result.minimum_over_10.toExponential(2)}, stop ${p.stop}`);
}
t = performance.now(); c0 = cpu();
const line = e.landscapeLine(L.default_line_points, L.default_subset);
console.log(`line ${line.alphas.length} points: ${took()}; train ${line.train_loss[10].toFixed(4)} -> ${line.train_loss[30].toFixed(4)}`);
for (let rep = 0; rep < 2; rep++) {
  t = performance.now(); c0 = cpu();
  const s = e.landscapeSliceStart(L.default_slice_resolution, L.default_slice_radius, L.default_subset, 1);
  const start = performance.now() - t;
  let r, rows = 0, worst = 0, centre;
  for (;;) { const t0 = performance.now(); r = e.landscapeSliceRow(); if (r === null) break; worst = Math.max(worst, performance.now() - t0); rows++; if (r.row === 12) centre = r.losses[12]; }
  console.log(`slice ${s.resolution}x${s.resolution}: ${took()} (start ${start.toFixed(0)} ms, slowest row ${worst.toFixed(0)} ms), centre ${centre.toFixed(4)}, checkpoints ${JSON.stringify(s.checkpoints)}`);
}
t = performance.now(); c0 = cpu();
const map = e.hiddenMap(L.default_map_images, undefined);
console.log(`map ${map.indices.length}: ${took()}, explained ${map.explained}`);
const again = e.hiddenMap(L.default_map_images, map.coordinates.map((v, i) => i % 2 ? v : -v));
console.log(`aligned flipped ${again.flipped}; place ${Array.from(e.hiddenMapPlace(e.image('test', map.indices[0])))} vs ${again.coordinates[0]},${again.coordinates[1]}`);
