// The page's side of a UMAP: starts www/inspect/umap-worker.js for one layout, passes its progress
// on, and resolves with the layout; cancel() terminates the worker at once (its layout loop does
// not stop for messages).
//
// Does not: fetch the activations (the engine worker sends them) or show anything.

import { FromUmap, ToUmap } from '../protocol.js';

/**
 * Lays out `count` rows of `units` activations (transferred) in 2-D.
 * @param {{activations: Float32Array, count: number, units: number, seed?: number,
 *          onProgress?: (p: {phase: 'neighbours' | 'layout', done: number, total: number}) => void}} job
 * @returns {{done: Promise<{coordinates: Float32Array, ms: number} | null>, cancel: () => void}}
 *   `done` resolves with null when cancelled, and rejects with a readable error.
 */
export function startUmap({ activations, count, units, seed = 1, onProgress = () => {} }) {
  const worker = new Worker(new URL('./umap-worker.js', import.meta.url), { type: 'module', name: 'umap' });
  let settle = null;
  const done = new Promise((resolve, reject) => {
    settle = { resolve, reject };
    worker.onmessage = ({ data }) => {
      if (data.type === FromUmap.PROGRESS) return onProgress(data);
      worker.terminate();
      if (data.type === FromUmap.EMBEDDING) resolve({ coordinates: data.coordinates, ms: data.ms });
      else reject(new Error(data.message));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(`its worker failed to start${event.message ? ` (${event.message})` : ''}; was the page built? Run: bash scripts/build.sh`));
    };
  });
  worker.postMessage({ type: ToUmap.UMAP, id: 1, activations, count, units, seed }, [activations.buffer]);
  return {
    done,
    cancel() {
      worker.terminate();
      settle.resolve(null);
    },
  };
}
