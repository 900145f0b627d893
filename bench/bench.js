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

// The same probe as www/worker.js: a module with one f32x4.relaxed_madd.
const v128Zero = [0xfd, 0x0c, ...new Array(16).fill(0)];
const probeBody = [0x00, ...v128Zero, ...v128Zero, ...v128Zero, 0xfd, 0x85, 0x02, 0x0b];
const RELAXED_SIMD_PROBE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7b, 3, 2, 1, 0, 10, probeBody.length + 2, 1, probeBody.length, ...probeBody]);

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

async function main() {
  const results = { seconds, crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, userAgent: navigator.userAgent };
  log(`cross-origin isolated: ${crossOriginIsolated}; ${navigator.hardwareConcurrency} logical cores; ${seconds} s per measurement`);
  // Both of our builds; the page uses the relaxed-SIMD one where the browser supports it.
  results.relaxedSimd = WebAssembly.validate(RELAXED_SIMD_PROBE);
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
  document.body.dataset.results = JSON.stringify(results);
  log('done');
}

main().catch((e) => {
  log(`benchmark failed: ${e.message ?? e}`);
  document.body.dataset.results = JSON.stringify({ error: String(e.message ?? e) });
});
