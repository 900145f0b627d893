// The speed benchmark page (issue 6). Each contender trains in its own dedicated worker, one after
// the other, so they never compete for the cores. Results go to #out and, as JSON, to
// `document.body.dataset.results` (read by scripts/bench.mjs).

const params = new URLSearchParams(location.search);
const seconds = Number(params.get('seconds') ?? 4);
/** `?only=ours`: our engine (the page's build) alone, for quick measurements while tuning. */
const onlyOurs = params.get('only') === 'ours';
const out = document.getElementById('out');
const log = (line) => {
  out.textContent = (out.textContent === 'running…' ? '' : out.textContent) + line + '\n';
};

import { BUILD } from '../www/engine/wasm.js';

function run(url, options, message) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, options);
    worker.onmessage = (e) => {
      if (e.data.type === 'log') return log(e.data.line);
      worker.terminate();
      if (e.data.type === 'error') reject(new Error(e.data.message));
      else resolve(e.data.result);
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`${url}: ${e.message}`));
    };
    worker.postMessage(message);
  });
}

/** A dedicated worker driven by request/reply messages (one outstanding request at a time). */
function servant(url, options) {
  const worker = new Worker(url, options);
  const ask = (message) => new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => (data.type === 'error' ? reject(new Error(`${url}: ${data.message}`)) : resolve(data));
    worker.onerror = (e) => reject(new Error(`${url}: ${e.message}`));
    worker.postMessage(message);
  });
  return { ask, terminate: () => worker.terminate() };
}

async function gunzip(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await new Response(response.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Ours against TF.js in the same rounds: the suites above run one after the other, minutes apart,
 * and this shared machine's speed drifts in between. Here our engine (bench/solo-worker.js, the
 * page's build) and TF.js's wasm backend (1 and 2 threads requested, each in its own worker) take
 * turns in short windows, ROUNDS times per config; each round's ratio is ours over the faster TF.js
 * window, and the median of the rounds is the robust ratio.
 */
async function headToHead(build) {
  const ROUNDS = 5;
  const windowMs = Math.max(500, (seconds * 1000) / 3);
  const out = { build, rounds: ROUNDS, window_ms: windowMs };
  const ours = servant('./solo-worker.js', { type: 'module' });
  const tfjs = [1, 2].map((threads) => ({ threads, ...servant('./tfjs-worker.js', {}) }));
  try {
    const [images, labels] = await Promise.all(['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'].map((f) => gunzip(`../data/${f}`)));
    await ours.ask({ type: 'init', build, images, labels });
    for (const t of tfjs) await t.ask({ type: 'setup', backend: 'wasm', threads: t.threads });
    for (const c of [{ name: 'A', hidden: [128], batch: 128 }, { name: 'B', hidden: [512, 256], batch: 256 }]) {
      await ours.ask({ type: 'configure', hidden: c.hidden, batch: c.batch });
      for (const t of tfjs) await t.ask({ type: 'model', name: c.name });
      const rounds = [];
      for (let r = 0; r < ROUNDS; r++) {
        const mine = (await ours.ask({ type: 'train', ms: windowMs })).samplesPerSecond;
        const theirs = [];
        for (const t of tfjs) theirs.push((await t.ask({ type: 'window', ms: windowMs })).samplesPerSecond);
        rounds.push({ ours: mine, tfjs_wasm_1t: theirs[0], tfjs_wasm_2t: theirs[1], ratio: mine / Math.max(...theirs) });
      }
      const ratios = rounds.map((x) => x.ratio);
      out[c.name] = { rounds, ratio_median: median(ratios), ratio_range: [Math.min(...ratios), Math.max(...ratios)] };
      log(`head to head, config ${c.name} (${ROUNDS} rounds of ${(windowMs / 1000).toFixed(1)} s windows, ours ${build} vs TF.js wasm 1 and 2 threads requested): ` +
        `ours ${median(rounds.map((x) => x.ours)).toFixed(0)} samples/s, TF.js ${median(rounds.map((x) => Math.max(x.tfjs_wasm_1t, x.tfjs_wasm_2t))).toFixed(0)}: ` +
        `${median(ratios).toFixed(1)}× (median of the rounds' ratios; ${Math.min(...ratios).toFixed(1)}–${Math.max(...ratios).toFixed(1)})`);
    }
  } catch (e) {
    out.error = String(e.message ?? e);
    log(`head to head failed: ${out.error}`);
  } finally {
    ours.terminate();
    for (const t of tfjs) t.terminate();
  }
  return out;
}

async function main() {
  const results = { seconds, crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, userAgent: navigator.userAgent };
  log(`cross-origin isolated: ${crossOriginIsolated}; ${navigator.hardwareConcurrency} logical cores; ${seconds} s per measurement`);
  // Both of our builds; the page uses the relaxed-SIMD one where the browser supports it.
  results.relaxedSimd = BUILD === 'relaxed-simd';
  if (!onlyOurs || !results.relaxedSimd) results.ours_simd = await run('./ours-worker.js', { type: 'module' }, { seconds, build: 'simd' });
  if (results.relaxedSimd) results.ours_relaxed = await run('./ours-worker.js', { type: 'module' }, { seconds, build: 'relaxed-simd' });
  results.ours = results.ours_relaxed ?? results.ours_simd;
  const tfjs = {};
  for (const setting of onlyOurs ? [] : [
    { backend: 'wasm', threads: 1 },
    { backend: 'wasm', threads: 2 },
    { backend: 'cpu', threads: 1 },
  ]) {
    const name = setting.backend === 'wasm' ? `wasm-${setting.threads}t` : 'cpu';
    try {
      tfjs[name] = await run('./tfjs-worker.js', {}, { ...setting, seconds });
    } catch (e) {
      tfjs[name] = { error: String(e.message ?? e) };
      log(`TF.js ${name}: failed: ${e.message ?? e}`);
    }
  }
  results.tfjs = tfjs;
  if (!onlyOurs) results.head_to_head = await headToHead(results.relaxedSimd ? 'relaxed-simd' : 'simd');
  document.body.dataset.results = JSON.stringify(results);
  log('done');
}

main().catch((e) => {
  log(`benchmark failed: ${e.message ?? e}`);
  document.body.dataset.results = JSON.stringify({ error: String(e.message ?? e) });
});
