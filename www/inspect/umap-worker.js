// A UMAP of the hidden-layer map's activations, in a Web Worker of its own (so neither the page nor
// the engine worker, which may be training, waits for it): umap-js (npm, pinned in package.json;
// scripts/build.sh puts it in www/vendor/ as an ES module) on the rows the engine sent with
// `hidden-map-activations`.
//
// One `umap` request at a time: the worker reports `umap-progress` as the layout's epochs go by and
// answers `umap-embedding`. Cancel is the page terminating the worker (the layout loop does not
// stop for messages).
//
// Does not: draw, or read anything but the message it is sent (the seed makes a layout repeatable).

import { FromUmap, ToUmap } from '../protocol.js';
import { UMAP } from '../vendor/umap-js.esm.js';
import { mulberry32 } from '../ui/random.js';

/** Layout epochs (umap-js's default for under 10,000 points is 500; 200 looks the same here, in 40% of the time). */
const LAYOUT_EPOCHS = 200;
/** How often progress is reported. */
const PROGRESS_MS = 100;


self.onmessage = ({ data }) => {
  if (data?.type !== ToUmap.UMAP) return;
  const { id, activations, count, units, seed = 1 } = data;
  try {
    if (!(activations instanceof Float32Array) || activations.length !== count * units || count < 3) {
      throw new Error(`UMAP needs count × units activations (got ${activations?.length} for ${count} × ${units})`);
    }
    const t0 = performance.now();
    const rows = Array.from({ length: count }, (_, i) => activations.subarray(i * units, (i + 1) * units));
    const umap = new UMAP({ nComponents: 2, nNeighbors: 15, minDist: 0.1, nEpochs: LAYOUT_EPOCHS, random: mulberry32(seed) });
    self.postMessage({ type: FromUmap.PROGRESS, id, phase: 'neighbours', done: 0, total: LAYOUT_EPOCHS });
    const epochs = umap.initializeFit(rows);
    const neighboursMs = performance.now() - t0;
    let last = performance.now();
    for (let e = 0; e < epochs; e++) {
      umap.step();
      if (performance.now() - last > PROGRESS_MS) {
        last = performance.now();
        self.postMessage({ type: FromUmap.PROGRESS, id, phase: 'layout', done: e + 1, total: epochs });
      }
    }
    const embedding = umap.getEmbedding();
    const coordinates = new Float32Array(2 * count);
    embedding.forEach(([x, y], i) => {
      coordinates[2 * i] = x;
      coordinates[2 * i + 1] = y;
    });
    self.postMessage({ type: FromUmap.EMBEDDING, id, coordinates, ms: performance.now() - t0, neighboursMs }, [coordinates.buffer]);
  } catch (err) {
    self.postMessage({ type: FromUmap.ERROR, id, message: String(err?.message ?? err) });
  }
};
