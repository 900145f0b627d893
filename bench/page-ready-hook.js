// Injected by bench/page-ready.mjs (playwright addInitScript) into the main page before its own
// scripts run; not loaded by the product. This file is one function expression, which
// page-ready.mjs calls with the message names of www/protocol.js (an init script cannot import). It times the engine worker's messages on the page's clock
// (performance.now(), origin = navigation start) without changing the page:
//
// - wraps `Worker` so every message from the engine worker is logged with its arrival time (a first
//   listener, before www/app/main.js's `onmessage`) and, for `data-ready` and `model-changed`, the time
//   www/app/main.js finished handling it (a listener added after `onmessage`);
// - right after www/app/main.js sends `load-data`, sends one `predict` of a synthetic "1" with a
//   private id. The worker answers it once the default model is loaded (before or after the data,
//   depending on the worker's version), so its reply is the moment the page can answer a drawing.
//   www/app/main.js ignores replies with ids it did not send.
//
// Results: `globalThis.__pageReady = {events: [{type, t, …}], probe: {t, digit, model} | null,
// workerCreated, loadDataSent, longTasks: [{start, duration}]}` (main-thread tasks over 50 ms).
(({ FromWorker, ToWorker }) => {
  const PROBE_ID = 'bench-page-ready-probe';
  const state = { events: [], probe: null, workerCreated: null, loadDataSent: null, longTasks: [] };
  globalThis.__pageReady = state;
  // Main-thread tasks over 50 ms: they delay the page's handling of the worker's messages.
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) state.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no Long Tasks API: the breakdown just lacks that line
  }
  const NativeWorker = globalThis.Worker;
  if (!NativeWorker) return;

  /** 28×28 RGBA, white ink on black: a vertical bar, read as a "1". */
  function probeImage() {
    const side = 28;
    const rgba = new Uint8ClampedArray(side * side * 4);
    for (let i = 0; i < side * side; i++) rgba[i * 4 + 3] = 255;
    for (let y = 5; y < 23; y++) {
      for (let x = 13; x < 16; x++) rgba.fill(255, (y * side + x) * 4, (y * side + x) * 4 + 4);
    }
    return rgba;
  }

  globalThis.Worker = class TimedWorker extends NativeWorker {
    constructor(...args) {
      const t = performance.now();
      super(...args);
      state.workerCreated = t;
      this.addEventListener('message', (event) => {
        const now = performance.now();
        const m = event.data ?? {};
        // bench/page-ready.mjs stamps the worker's messages with their send time (epoch ms), if it could.
        const sent = typeof m.__benchSentAt === 'number' ? m.__benchSentAt - performance.timeOrigin : null;
        if (m.id === PROBE_ID) {
          if (m.type === FromWorker.PREDICTION) {
            state.probe = { t: now, sent, digit: m.prediction?.digit ?? null, model: m.prediction?.model ?? null, message: m.message ?? null };
          } else {
            state.probe = { t: now, sent, error: m.message ?? String(m.type) };
          }
          return;
        }
        const entry = { type: m.type, t: now, sent };
        if (m.type === FromWorker.DATA_PROGRESS) Object.assign(entry, { file: m.file, loaded: m.loaded, total: m.total });
        if (m.type === FromWorker.DATA_READY) entry.timings = m.timings;
        if (m.type === FromWorker.MODEL_CHANGED) entry.model = m.model;
        if (m.type === FromWorker.READY) entry.build = m.build;
        if (m.type === FromWorker.ERROR) Object.assign(entry, { message: m.message, fatal: m.fatal });
        state.events.push(entry);
      });
      // Registered after www/app/main.js sets `onmessage` (same task as the constructor call), so it runs
      // after the page's own handling of the message.
      queueMicrotask(() =>
        this.addEventListener('message', (event) => {
          const type = event.data?.type;
          if (type === FromWorker.DATA_READY || type === FromWorker.MODEL_CHANGED) state.events.push({ type: `${type}:handled`, t: performance.now() });
        }),
      );
    }

    postMessage(...args) {
      super.postMessage(...args);
      if (args[0]?.type === ToWorker.LOAD_DATA && state.loadDataSent === null) {
        state.loadDataSent = performance.now();
        const rgba = probeImage();
        super.postMessage({ type: ToWorker.PREDICT, id: PROBE_ID, rgba: rgba.buffer, width: 28, height: 28 }, [rgba.buffer]);
      }
    }
  };
})
