// The speed benchmark (issue 6): our engine and TensorFlow.js 4.22 training the same two MLPs in
// the same headless Chromium, plus the native CLI, with ratios from this one run; and the main
// page's readiness (navigation → MNIST parsed and the default model answering, bench/page-ready.mjs).
//
//   node scripts/bench.mjs [--seconds 4] [--no-native] [--page-reps 5]
//   node scripts/bench.mjs --only page [--page-reps 5]     (or BENCH_ONLY=page): page readiness only
//   node scripts/bench.mjs --only inspect [--inspect-reps 3]   the finder and the 25×25 loss slice on
//                                                          the page (bench/inspect-page.mjs)
//
// Prints a human-readable table, then one JSON line (prefixed "BENCH_JSON "); page readiness is
// its `page_ready` field (and `ratios.page_ready_median_vs_limit`, `…_max_vs_limit`); the slice's time
// is `inspect_page` (and `ratios.inspect_slice_median_vs_limit`).
// Needs `bash scripts/build.sh` first (scripts/bench.sh does both).

import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startServer } from './serve.mjs';
import { formatPageReady, measurePageReady } from '../bench/page-ready.mjs';
import { formatInspect, measureInspect } from '../bench/inspect-page.mjs';

const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1] || 0) || 4;
const native = !args.includes('--no-native');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : process.env.BENCH_ONLY || '';
if (only && only !== 'page' && only !== 'inspect') {
  console.error(`bench: unknown --only ${JSON.stringify(only)} (the parts that run alone are "page" and "inspect")`);
  process.exit(2);
}
const pageReps = Number(args[args.indexOf('--page-reps') + 1] || 0) || 5;
const inspectReps = Number(args[args.indexOf('--inspect-reps') + 1] || 0) || 3;
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const server = await startServer({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
let results;
let pageReady;
let inspectPage;
try {
  if (only === 'inspect') {
    inspectPage = await measureInspect({ browser, base, reps: inspectReps, log: (l) => console.log(`  ${l}`) });
    inspectPage.browser = await browser.version();
    for (const l of formatInspect(inspectPage)) console.log(l);
  } else {
    // Page readiness first, on a quiet browser (fresh contexts, cold HTTP cache).
    console.log(`${await browser.version()} (headless): page readiness, ${pageReps} loads`);
    pageReady = await measurePageReady({ browser, base, reps: pageReps, log: (l) => console.log(`  ${l}`) });
    pageReady.browser = await browser.version();
    for (const l of formatPageReady(pageReady)) console.log(l);
    console.log('');
  }
  if (!only) {
    console.log(`look inside training on the page, ${inspectReps} loads`);
    inspectPage = await measureInspect({ browser, base, reps: inspectReps, log: (l) => console.log(`  ${l}`) });
    inspectPage.browser = await browser.version();
    for (const l of formatInspect(inspectPage)) console.log(l);
    console.log('');
  }
  if (!only) {
    const page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && console.error(`[page] ${m.text()}`));
    await page.goto(`${base}bench/?seconds=${seconds}`);
    console.log(`${await browser.version()} (headless), ${seconds} s per measurement`);
    let shown = 0;
    for (;;) {
      // Results first, then the log: the lines written just before the results are printed too.
      const done = await page.getAttribute('body', 'data-results');
      const text = await page.textContent('#out');
      const lines = text.split('\n').filter(Boolean);
      for (const l of lines.slice(shown)) if (l !== 'running…') console.log(`  ${l}`);
      shown = lines.length;
      if (done) {
        results = JSON.parse(done);
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
} finally {
  await browser.close();
  server.closeAllConnections();
  server.close();
}
if (only === 'inspect') {
  const out = { inspect_page: inspectPage, ratios: { inspect_slice_median_vs_limit: inspectPage.slice_median_vs_limit }, date: new Date().toISOString() };
  console.log(`BENCH_JSON ${JSON.stringify(out)}`);
  process.exit(inspectPage.slice_median_vs_limit <= 1 ? 0 : 1);
}
const pageOk = pageReady.cold.n === pageReady.reps && (!pageReady.warm || pageReady.warm.failed === 0);
if (!pageOk) console.error(`page readiness: ${[...pageReady.cold.errors, ...(pageReady.warm?.errors ?? [])].join('; ')}`);
if (only === 'page') {
  const out = { page_ready: pageReady, ratios: { page_ready_median_vs_limit: pageReady.cold.median_vs_limit, page_ready_max_vs_limit: pageReady.cold.max_vs_limit }, date: new Date().toISOString() };
  console.log(`BENCH_JSON ${JSON.stringify(out)}`);
  process.exit(pageOk ? 0 : 1);
}
if (results.error) {
  console.error(`benchmark failed: ${results.error}`);
  process.exit(1);
}

if (native) {
  const json = execFileSync('target/release/mnist', ['bench', '--json', '--seconds', String(seconds)], { encoding: 'utf8' });
  results.native = JSON.parse(json.trim().split('\n').pop());
}

const ours = results.ours;
const tf = results.tfjs;
const bestWasm = (c) => Math.max(...['wasm-1t', 'wasm-2t'].map((k) => tf[k]?.[`${c}_samples_per_second`] ?? 0));
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
const ratios = {};
console.log('\nconfig  ours wasm (samples/s)  TF.js wasm best  TF.js cpu  ours/TF.js-wasm  ours/TF.js-cpu  native  wasm/native');
for (const c of ['A', 'B']) {
  const o = ours[`${c}_samples_per_second`];
  const w = bestWasm(c);
  const cpu = tf.cpu?.[`${c}_samples_per_second`];
  const n = results.native?.[`${c}_samples_per_second`];
  ratios[`${c}_vs_tfjs_wasm`] = w ? o / w : null;
  ratios[`${c}_vs_tfjs_cpu`] = cpu ? o / cpu : null;
  ratios[`${c}_wasm_vs_native`] = n ? o / n : null;
  console.log(
    `${c.padEnd(6)}  ${fmt(o).padStart(20)}  ${fmt(w).padStart(15)}  ${(cpu ? fmt(cpu) : '-').padStart(9)}  ${(w ? (o / w).toFixed(1) + '×' : '-').padStart(15)}  ${(cpu ? (o / cpu).toFixed(1) + '×' : '-').padStart(14)}  ${(n ? fmt(n) : '-').padStart(6)}  ${(n ? (o / n).toFixed(2) : '-').padStart(11)}`,
  );
}
const h2h = results.head_to_head;
if (h2h && !h2h.error) {
  console.log(`head to head (ours and TF.js wasm taking turns, ${h2h.rounds} rounds of ${(h2h.window_ms / 1000).toFixed(1)} s, median of the rounds' ratios): ` +
    ['A', 'B'].map((c) => `config ${c} ${h2h[c].ratio_median.toFixed(1)}× (${h2h[c].ratio_range.map((x) => x.toFixed(1)).join('–')})`).join(', ') + ' (targets A ≥ 8×, B ≥ 12×)');
  ratios.A_vs_tfjs_wasm_head_to_head = h2h.A.ratio_median;
  ratios.B_vs_tfjs_wasm_head_to_head = h2h.B.ratio_median;
}
ratios.B_step_vs_matmul_roof = ours.B_gflops / ours.matmul_512_gflops;
if (results.ours_relaxed) {
  const s = results.ours_simd;
  console.log(`(the page runs the relaxed-SIMD build here; the plain SIMD build: A ${fmt(s.A_samples_per_second)}, B ${fmt(s.B_samples_per_second)} samples/s, ${s.matmul_512_gflops.toFixed(1)} GFLOP/s on 512³)`);
}
console.log(`\nconfig B training step: ${ours.B_gflops.toFixed(1)} GFLOP/s = ${(100 * ratios.B_step_vs_matmul_roof).toFixed(0)}% of the engine's 512³ gemm (${ours.matmul_512_gflops.toFixed(1)} GFLOP/s), wasm, 1 thread`);
console.log(`drawing → prediction: ${ours.predict_ms.toFixed(3)} ms (target ≤ 2 ms)`);
console.log(`worker wasm memory after config B: ${ours.wasm_memory_mb.toFixed(0)} MiB (target ≤ 160 MB)`);
if (ours.threads) {
  const range = (c) => ours[`${c}_threads_speedup_range`].map((x) => x.toFixed(2)).join('–');
  console.log(
    `${ours.threads} workers vs one thread (alternating windows, median): config A ${ours.A_threads_speedup.toFixed(2)}× (${range('A')}), ` +
      `config B ${ours.B_threads_speedup.toFixed(2)}× (${range('B')}) (target B ≥ 1.6×)`,
  );
  ratios.A_threads_speedup = ours.A_threads_speedup;
  ratios.B_threads_speedup = ours.B_threads_speedup;
  if (ours.B_independent_speedup) {
    console.log(
      `  ceiling, two independent one-thread trainers at once: config A ${ours.A_independent_speedup.toFixed(2)}×, config B ${ours.B_independent_speedup.toFixed(2)}×; ` +
        `the team reaches ${(100 * (ours.B_threads_speedup - 1) / (ours.B_independent_speedup - 1)).toFixed(0)}% of config B's extra throughput`,
    );
    ratios.A_independent_speedup = ours.A_independent_speedup;
    ratios.B_independent_speedup = ours.B_independent_speedup;
  }
}
const nat = results.native;
if (nat?.A_threads_samples_per_second) {
  ratios.native_A_threads_speedup = nat.A_threads_samples_per_second / nat.A_samples_per_second;
  ratios.native_B_threads_speedup = nat.B_threads_samples_per_second / nat.B_samples_per_second;
  console.log(`native, 2 threads vs 1: config A ${ratios.native_A_threads_speedup.toFixed(2)}×, config B ${ratios.native_B_threads_speedup.toFixed(2)}×`);
}
console.log(
  `page ready (cold cache): median ${pageReady.cold.median_ms?.toFixed(0)} ms, max ${pageReady.cold.max_ms?.toFixed(0)} ms ` +
    `(target ≤ ${pageReady.limit_ms} ms: ${pageReady.cold.median_vs_limit?.toFixed(2)} of it); details above`,
);
ratios.page_ready_median_vs_limit = pageReady.cold.median_vs_limit;
ratios.page_ready_max_vs_limit = pageReady.cold.max_vs_limit;
results.page_ready = pageReady;
ratios.inspect_slice_median_vs_limit = inspectPage.slice_median_vs_limit;
results.inspect_page = inspectPage;
results.ratios = ratios;
results.date = new Date().toISOString();
console.log(`BENCH_JSON ${JSON.stringify(results)}`);
