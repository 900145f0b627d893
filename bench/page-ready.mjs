// Page readiness (issue 6: "page ready — data fetched, decompressed and parsed, default model
// loaded — ≤ 1.5 s from navigation on localhost"), measured in headless Chromium.
//
//   node bench/page-ready.mjs [--reps 5] [--no-warm] [--no-parts]     (standalone: own server and browser)
//   node scripts/bench.mjs --only page                                 (the same, through the benchmark)
//
// For each repetition: a fresh browser context (empty HTTP cache, so every file is really fetched)
// opens index.html; bench/page-ready-hook.js, injected before the page's scripts, timestamps the
// engine worker's messages on the page's clock (origin = navigation start) and sends one private
// `predict` right after `load-data`, which the worker answers once the default model is loaded.
// "Ready" = the later of `data-ready` (MNIST fetched, gunzipped, parsed) and that answer, as they
// reach the page's main thread. Then, in the same context (a repeat visit: warm HTTP cache, every
// file revalidated with a 304, and the page's service worker in place once the first load's offline
// copy is complete), the page is opened again and measured the same way.
//
// The breakdown of each load comes from the worker's messages (`ready` = wasm instantiated,
// `data-progress`, `data-ready` with its {downloadMs, parseMs}, `model-changed`) and the network
// timings of the browser context (page and worker requests). Finally bench/page-ready-components.js
// times each part alone, one after another (download, gunzip, wasm compile and instantiate, parse,
// model download and decode), in a blank page.
//
// Non-goals: first paint or layout metrics; networks slower than localhost.

import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { DATA_FILES, FromWorker, ToWorker } from '../www/protocol.js';

export const LIMIT_MS = 1500;
/** bench/page-ready-hook.js, called with the message names it needs. */
const HOOK = `(${readFileSync(new URL('./page-ready-hook.js', import.meta.url), 'utf8').trim()})(${JSON.stringify({ FromWorker, ToWorker })});`;
const DATA_GZ = [DATA_FILES.train.images, DATA_FILES.train.labels, DATA_FILES.test.images, DATA_FILES.test.labels];

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const max = (xs) => (xs.some(Number.isFinite) ? Math.max(...xs.filter(Number.isFinite)) : null);
const round1 = (x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
const ratio = (x) => (Number.isFinite(x) ? Math.round((1000 * x) / LIMIT_MS) / 1000 : null);
/** A copy of `value` with every number rounded to 0.1 (compact JSON). */
const rounded = (value) =>
  typeof value === 'number' ? round1(value) : Array.isArray(value) ? value.map(rounded) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)])) : value;
const loadAverage = () => loadavg().map((x) => Math.round(x * 100) / 100);

/**
 * Evaluated in the engine worker as soon as it exists: stamps every message it posts with its send
 * time (epoch ms, `__benchSentAt`), so the breakdown can tell worker time from the time a message
 * waits for the page's main thread. The worker's `post` looks `self.postMessage` up at each call.
 */
const STAMP_WORKER_MESSAGES = () => {
  const send = self.postMessage.bind(self);
  self.postMessage = (message, ...rest) => {
    if (message && typeof message === 'object' && !Array.isArray(message)) message.__benchSentAt = performance.timeOrigin + performance.now();
    return send(message, ...rest);
  };
};

/** One load of the page in `context`; returns its timeline (ms from navigation start). */
async function loadOnce(context, url, timeoutMs, { settle = false } = {}) {
  const page = await context.newPage();
  const requests = [];
  const onFinished = (request) => requests.push(request);
  context.on('requestfinished', onFinished);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('worker', (worker) => worker.evaluate(STAMP_WORKER_MESSAGES).catch(() => {}));
  try {
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(
      ({ DATA_READY, ERROR }) => {
        const s = globalThis.__pageReady;
        return s && ((s.probe && s.events.some((e) => e.type === DATA_READY)) || s.events.some((e) => e.type === ERROR));
      },
      FromWorker,
      { timeout: timeoutMs, polling: 100 },
    );
    const s = await page.evaluate(() => {
      const status = document.querySelector('[data-testid="data-status"]');
      const prediction = document.querySelector('[data-testid="prediction"]');
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        ...globalThis.__pageReady,
        timeOrigin: performance.timeOrigin,
        nav: nav ? { responseEnd: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd } : null,
        dom: { dataState: status?.dataset.state ?? null, loadMs: Number(status?.dataset.loadMs ?? NaN), model: prediction?.dataset.model ?? null },
      };
    });
    // The last requestfinished events may trail the page by a moment.
    for (let i = 0; i < 20 && !requests.some((r) => r.url().endsWith('default-model.bin')); i++) await page.waitForTimeout(50);
    const network = requests.map((r) => {
      const t = r.timing();
      const start = t.startTime - s.timeOrigin;
      return {
        file: new URL(r.url()).pathname.replace(/^\//, '') || 'index.html',
        start: round1(start),
        end: t.responseEnd >= 0 ? round1(start + t.responseEnd) : null,
      };
    });
    if (settle) {
      // Let the page finish its offline copy (www/ui/offline.js, after data-ready) before the next
      // load, as it has long finished by a real repeat visit.
      await page.waitForFunction(() => document.querySelector('[data-testid="offline-status"]')?.dataset.state !== 'saving', null, { timeout: 60_000, polling: 100 }).catch(() => {});
    }
    return summarize(s, network, errors);
  } finally {
    context.off('requestfinished', onFinished);
    await page.close();
  }
}

/** The timeline of one load: milestones and phases (ms), from the hook's log and the network. */
function summarize(s, network, errors) {
  const first = (type, pred = () => true) => s.events.find((e) => e.type === type && pred(e));
  const err = first(FromWorker.ERROR);
  if (err) return { error: err.message, errors };
  if (!s.probe || s.probe.error) return { error: `the probe prediction failed: ${s.probe?.error ?? 'no answer'}`, errors };
  const ready = first(FromWorker.READY);
  const dataReady = first(FromWorker.DATA_READY);
  if (!dataReady) return { error: 'no data-ready from the worker', errors };
  const dataHandled = first(`${FromWorker.DATA_READY}:handled`);
  const model = first(FromWorker.MODEL_CHANGED, (e) => e.model === 'default');
  const progress = s.events.filter((e) => e.type === FromWorker.DATA_PROGRESS);
  const net = (name) => network.find((n) => n.file.endsWith(name));
  const gz = DATA_GZ.map(net).filter(Boolean);
  const modelNet = net('default-model.bin');
  const wasmNet = network.find((n) => n.file.endsWith('.wasm'));
  // Worker clock → page clock: loadData's t1 (all four files gunzipped) ≈ data-ready − parseMs
  // (the ~60 sample images and the post after t2 take well under a millisecond).
  const t1 = dataReady ? dataReady.t - dataReady.timings.parseMs : null;
  const wasmWait = dataReady && ready ? Math.max(0, Math.min(dataReady.timings.parseMs, ready.t - t1)) : null;
  const gzStart = gz.length ? Math.min(...gz.map((n) => n.start)) : null;
  const gzEnd = gz.length === 4 && gz.every((n) => n.end !== null) ? Math.max(...gz.map((n) => n.end)) : null;
  // Main-thread long tasks (> 50 ms), in ms: before the worker exists, and after the data arrived.
  const busy = (from, to) =>
    s.longTasks.reduce((sum, { start, duration }) => sum + Math.max(0, Math.min(to, start + duration) - Math.max(from, start)), 0);
  // Ready = the data is in (data-ready) and the default model has answered the probe, whichever
  // comes last (the worker may answer drawings before the data is in).
  const readyMs = Math.max(dataReady.t, s.probe.t);
  const modelT = model?.t ?? s.probe.t;
  const out = {
    ready_ms: readyMs,
    data_ready_ms: dataReady?.t ?? null,
    model_ready_ms: model?.t ?? null,
    // Milestones (ms from navigation start).
    milestones: {
      html_received: s.nav?.responseEnd ?? null,
      dom_content_loaded: s.nav?.domContentLoaded ?? null,
      worker_created: s.workerCreated,
      load_data_sent: s.loadDataSent,
      data_requests_start: gzStart,
      wasm_request_start: wasmNet?.start ?? null,
      wasm_request_end: wasmNet?.end ?? null,
      wasm_ready: ready?.t ?? null,
      data_downloaded: gzEnd,
      data_gunzipped: t1,
      data_ready: dataReady?.t ?? null,
      data_rendered: dataHandled?.t ?? null,
      model_request_start: modelNet?.start ?? null,
      model_request_end: modelNet?.end ?? null,
      model_changed: model?.t ?? null,
      probe_answered: s.probe.t,
      ready: readyMs,
      page_load_event: s.nav?.load ?? null,
    },
    // Phases on the critical path (ms), in order; they add up to ready_ms. The last two are what
    // the default model and its first answer add after the data is in (0 if they came first).
    phases: {
      page_scripts: s.workerCreated, // HTML, main.js and its imports, until `new Worker`
      worker_start: gzStart !== null ? gzStart - s.workerCreated : null, // the engine worker's modules, first fetch
      download_and_gunzip: gzStart !== null ? t1 - gzStart : null, // streamed, overlapped
      wait_for_wasm: wasmWait,
      parse: dataReady.timings.parseMs - wasmWait, // engine.loadTrain + loadTest (+ samples)
      model_after_data: Math.max(0, modelT - dataReady.t), // default-model.bin fetch + decode not hidden by the data
      first_prediction: readyMs - Math.max(dataReady.t, modelT),
    },
    // The worker's own numbers (its clock).
    worker_timings: dataReady?.timings ?? null,
    // Off the critical path: the download alone (until the last byte), the data-ready handling in
    // main.js (histograms, 60 sample digits), and the wasm (instantiated while the data downloads).
    download_only_ms: gzStart !== null && gzEnd !== null ? gzEnd - gzStart : null,
    data_ready_handling_ms: dataHandled && dataReady ? dataHandled.t - dataReady.t : null,
    wasm_ms_from_worker_created: ready ? ready.t - s.workerCreated : null,
    model_fetch_ms: modelNet && modelNet.end !== null ? modelNet.end - modelNet.start : null,
    // Send times in the worker (page clock; null if the worker could not be stamped) and how long
    // each message then waited for the page's main thread.
    worker_sent: {
      ready: ready?.sent ?? null,
      data_ready: dataReady?.sent ?? null,
      model_changed: model?.sent ?? null,
      probe: s.probe.sent ?? null,
    },
    model_after_data_in_worker_ms: model?.sent != null && dataReady?.sent != null ? Math.max(0, model.sent - dataReady.sent) : null,
    delivery_ms: {
      data_ready: dataReady?.sent != null ? dataReady.t - dataReady.sent : null,
      model_changed: model?.sent != null ? model.t - model.sent : null,
      probe: s.probe.sent != null ? s.probe.t - s.probe.sent : null,
    },
    long_tasks_before_worker_ms: busy(0, s.workerCreated ?? 0),
    long_tasks_after_data_ready_ms: busy(dataReady.t, readyMs),
    long_tasks_total_ms: busy(0, readyMs),
    build: ready?.build ?? null,
    progress_messages: progress.length,
    dom: s.dom,
    network,
    errors,
  };
  if (s.dom.dataState !== 'ready' || s.dom.model !== 'default') {
    out.error = `the page did not show ready data and the default model (data-state=${s.dom.dataState}, data-model=${s.dom.model})`;
  }
  return out;
}

/** Statistics over loads: median and max of the totals, medians of the phases. */
function aggregate(loads) {
  const ok = loads.filter((l) => !l.error);
  const pick = (f) => ok.map(f);
  const readies = pick((l) => l.ready_ms);
  const phaseNames = Object.keys(ok[0]?.phases ?? {});
  return {
    n: ok.length,
    failed: loads.length - ok.length,
    ready_ms: readies.map(round1),
    median_ms: round1(median(readies)),
    max_ms: round1(max(readies)),
    median_vs_limit: ratio(median(readies)),
    max_vs_limit: ratio(max(readies)),
    data_ready_median_ms: round1(median(pick((l) => l.data_ready_ms))),
    model_ready_median_ms: round1(median(pick((l) => l.model_ready_ms))),
    phases_median_ms: Object.fromEntries(phaseNames.map((p) => [p, round1(median(pick((l) => l.phases[p])))])),
    milestones_median_ms: Object.fromEntries(
      Object.keys(ok[0]?.milestones ?? {}).map((m) => [m, round1(median(pick((l) => l.milestones[m])))]),
    ),
    download_only_median_ms: round1(median(pick((l) => l.download_only_ms))),
    data_ready_handling_median_ms: round1(median(pick((l) => l.data_ready_handling_ms))),
    wasm_from_worker_created_median_ms: round1(median(pick((l) => l.wasm_ms_from_worker_created))),
    model_fetch_median_ms: round1(median(pick((l) => l.model_fetch_ms))),
    worker_sent_median_ms: Object.fromEntries(['ready', 'data_ready', 'model_changed', 'probe'].map((k) => [k, round1(median(pick((l) => l.worker_sent[k])))])),
    model_after_data_in_worker_median_ms: round1(median(pick((l) => l.model_after_data_in_worker_ms))),
    delivery_median_ms: Object.fromEntries(['data_ready', 'model_changed', 'probe'].map((k) => [k, round1(median(pick((l) => l.delivery_ms[k])))])),
    long_tasks_before_worker_median_ms: round1(median(pick((l) => l.long_tasks_before_worker_ms))),
    long_tasks_after_data_ready_median_ms: round1(median(pick((l) => l.long_tasks_after_data_ready_ms))),
    worker_parse_median_ms: round1(median(pick((l) => l.worker_timings?.parseMs))),
    worker_download_median_ms: round1(median(pick((l) => l.worker_timings?.downloadMs))),
    errors: loads.filter((l) => l.error).map((l) => l.error),
  };
}

/**
 * Measures page readiness with an already launched `browser` against `base` (the server's URL,
 * ending in "/"). `log(line)` receives progress lines.
 */
export async function measurePageReady({ browser, base, reps = 5, warm = true, parts = true, timeoutMs = 30_000, log = () => {} }) {
  const url = new URL('index.html', base).href;
  const loadBefore = loadAverage();
  const cold = [];
  const warmLoads = [];
  for (let i = 0; i < reps; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      await context.addInitScript({ content: HOOK });
      const failed = (e) => ({ error: `the page did not get ready within ${timeoutMs} ms: ${e.message.split('\n')[0]}` });
      const c = await loadOnce(context, url, timeoutMs, { settle: warm }).catch(failed);
      cold.push(c);
      let w = null;
      if (warm) {
        w = await loadOnce(context, url, timeoutMs).catch(failed);
        warmLoads.push(w);
      }
      const show = (l) => (l.error ? `failed: ${l.error}` : `${l.ready_ms.toFixed(0)} ms`);
      log(`page ready, load ${i + 1}/${reps}: cold ${show(c)}${w ? `, warm ${show(w)}` : ''}`);
    } finally {
      await context.close();
    }
  }
  const result = {
    limit_ms: LIMIT_MS,
    reps,
    url: 'index.html',
    // The machine's load average (1, 5, 15 min) before and after: the loads are CPU-bound.
    load_average: { before: loadBefore, after: loadAverage() },
    cold: aggregate(cold),
    loads_cold: cold.map(({ network, ...rest }) => rounded(rest)),
  };
  if (warm) result.warm = aggregate(warmLoads);
  // One cold load's network waterfall, for the record.
  result.network_first_cold = cold[0]?.network ?? null;
  result.cpus = cpus().length;

  if (parts) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(new URL('bench/page-ready.html', base).href);
      result.parts_ms = await page.evaluate(async () => {
        const m = await import('./page-ready-components.js');
        return m.run();
      });
      for (const [k, v] of Object.entries(result.parts_ms)) if (typeof v === 'number') result.parts_ms[k] = round1(v);
      if (result.parts_ms.gunzip_each_ms) {
        for (const [k, v] of Object.entries(result.parts_ms.gunzip_each_ms)) result.parts_ms.gunzip_each_ms[k] = round1(v);
      }
    } finally {
      await context.close();
    }
  }
  return result;
}

/** Human-readable lines for a result of measurePageReady. */
export function formatPageReady(r) {
  const lines = [];
  const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
  const block = (name, a) => {
    if (!a || a.n === 0) {
      lines.push(`${name}: no successful load (${a?.errors?.join('; ') ?? ''})`);
      return;
    }
    lines.push(
      `${name} (${a.n} loads${a.failed ? `, ${a.failed} FAILED` : ''}): median ${f(a.median_ms)} ms, max ${f(a.max_ms)} ms ` +
        `= ${a.median_vs_limit.toFixed(2)} / ${a.max_vs_limit.toFixed(2)} of the ${LIMIT_MS} ms limit ` +
        `${a.max_ms <= LIMIT_MS ? '(within)' : a.median_ms <= LIMIT_MS ? '(median within, max OVER)' : '(OVER)'}` +
        `   [all: ${a.ready_ms.map(f).join(', ')}]`,
    );
      lines.push(`  data ready ${f(a.data_ready_median_ms)} ms, default model loaded ${f(a.model_ready_median_ms)} ms (medians)`);
    const p = a.phases_median_ms;
    lines.push(
      `  critical path (medians, ms): page scripts until new Worker ${f(p.page_scripts)} → worker start ${f(p.worker_start)} → ` +
        `download+gunzip (streamed) ${f(p.download_and_gunzip)} → wait for wasm ${f(p.wait_for_wasm)} → parse ${f(p.parse)} → ` +
        `default model after the data ${f(p.model_after_data)} → first prediction ${f(p.first_prediction)}`,
    );
    lines.push(
      `  off the path: last data byte at +${f(a.download_only_median_ms)} ms of the download, wasm instantiated ${f(a.wasm_from_worker_created_median_ms)} ms ` +
        `after new Worker, default-model.bin fetch ${f(a.model_fetch_median_ms)} ms, main thread handling data-ready ${f(a.data_ready_handling_median_ms)} ms`,
    );
    const w = a.worker_sent_median_ms;
    const d = a.delivery_median_ms;
    if (Number.isFinite(w.probe)) {
      lines.push(
        `  in the worker (sent at, medians): wasm ready ${f(w.ready)}, data-ready ${f(w.data_ready)}, default model ${f(w.model_changed)} ` +
          `(after the data: ${f(a.model_after_data_in_worker_median_ms)} ms), probe answer ${f(w.probe)}; ` +
          `then waiting for the page's main thread: ${f(d.data_ready)} / ${f(d.model_changed)} / ${f(d.probe)} ms`,
      );
    }
    lines.push(
      `  main-thread long tasks (> 50 ms): ${f(a.long_tasks_before_worker_median_ms)} ms before new Worker, ` +
        `${f(a.long_tasks_after_data_ready_median_ms)} ms between data-ready and ready (medians)`,
    );
  };
  lines.push(
    `Page ready (navigation → MNIST parsed and the default model answering a prediction), headless, target ≤ ${LIMIT_MS} ms ` +
      `(load average ${r.load_average.before[0]} → ${r.load_average.after[0]} on ${r.cpus} cores):`,
  );
  block('cold cache', r.cold);
  if (r.warm) block('warm cache', r.warm);
  const q = r.parts_ms;
  if (q) {
    lines.push(
      `  parts alone (ms): fetch 4 .gz ${f(q.fetch_gz_ms)} (${(q.gz_bytes / 1e6).toFixed(1)} MB), gunzip ${f(q.gunzip_parallel_ms)} in parallel / ` +
        `${f(q.gunzip_sequential_ms)} one by one (${(q.raw_bytes / 1e6).toFixed(1)} MB), both streamed ${f(q.fetch_and_gunzip_streamed_ms)}; ` +
        `wasm (${q.build}, ${(q.wasm_bytes / 1e3).toFixed(0)} kB) fetch ${f(q.wasm_fetch_ms)} + compile ${f(q.wasm_compile_ms)} + instantiate ${f(q.wasm_instantiate_ms)} ` +
        `(streaming compile ${f(q.wasm_compile_streaming_ms)}); parse train ${f(q.parse_train_ms)} + test ${f(q.parse_test_ms)}; ` +
        `model fetch ${f(q.model_fetch_ms)} + decode ${f(q.model_decode_ms)}; first predict ${q.first_predict_ms.toFixed(1)}`,
    );
  }
  return lines;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const reps = Number(args[args.indexOf('--reps') + 1] || 0) || 5;
  const { chromium } = await import('playwright-core');
  const { startServer } = await import('../scripts/serve.mjs');
  // The same flags as scripts/bench.mjs and tests/e2e/harness.mjs.
  const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
  const server = await startServer({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
  try {
    const r = await measurePageReady({ browser, base, reps, warm: !args.includes('--no-warm'), parts: !args.includes('--no-parts'), log: (l) => console.log(`  ${l}`) });
    console.log(`${await browser.version()} (headless)`);
    for (const l of formatPageReady(r)) console.log(l);
    console.log(`PAGE_READY_JSON ${JSON.stringify(r)}`);
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
  }
}
