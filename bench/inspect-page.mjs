// Look inside training on the page (issue 16: "a 25×25 slice of the default network within 10 s on
// the page"), measured in headless Chromium on index.html itself:
//
//   node scripts/bench.mjs --only inspect [--inspect-reps 3]   (this part alone)
//   node scripts/bench.mjs                                     (with the rest of the benchmark)
//
// Each repetition opens the page in a fresh context, waits for MNIST and the default model, then
// presses "Find a learning rate" (the default settings: 784-128-10, Adam) and "Compute the
// landscape" (the default model: the 1-D line of 41 points, then the 25×25 slice on 2,000 training
// images) and reads what the page shows: the slice's time as the engine worker measured it
// (`landscape-done`'s slice_ms, from the start call to the last row) and the wall time from the
// click to the section's "done", on the page's clock (www/inspect/landscape.js data-*).
//
// Non-goals: the engine's own timings outside the page (docs/inspect.md, bench/inspect-wasm.cjs).

import { cpus, loadavg } from 'node:os';

export const SLICE_LIMIT_MS = 10_000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One repetition: {finder_ms, finder_steps, line_ms, slice_ms, landscape_wall_ms, centre}. */
async function once(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await page.goto(base);
    await page.waitForSelector('[data-testid="data-status"][data-state="ready"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="landscape-start"]:not([disabled])', { timeout: 30_000 });
    await page.click('[data-testid="lr-finder-start"]');
    await page.waitForSelector('[data-testid="lr-finder"][data-state="done"]', { timeout: 60_000 });
    const finder = await page.$eval('[data-testid="lr-finder"]', (e) => ({ ...e.dataset }));
    const t0 = await page.evaluate(() => {
      document.querySelector('[data-testid="landscape-start"]').click();
      return performance.now();
    });
    await page.waitForSelector('[data-testid="landscape"][data-state="done"]', { timeout: 120_000 });
    const wall = (await page.evaluate(() => performance.now())) - t0;
    const d = await page.$eval('[data-testid="landscape"]', (e) => ({ ...e.dataset }));
    return { finder_ms: Number(finder.ms), finder_steps: Number(finder.steps), line_ms: Number(d.lineMs), slice_ms: Number(d.sliceMs), landscape_wall_ms: wall, centre: Number(d.centre), rows: Number(d.rows) };
  } finally {
    await context.close();
  }
}

/** `reps` repetitions; the medians and the slice's ratio to the 10 s. */
export async function measureInspect({ browser, base, reps = 3, log = () => {} }) {
  const runs = [];
  for (let i = 0; i < reps; i++) {
    const r = await once(browser, base);
    log(`load ${i + 1}: finder ${r.finder_steps} steps ${(r.finder_ms / 1000).toFixed(1)} s; line ${(r.line_ms / 1000).toFixed(1)} s; 25×25 slice ${(r.slice_ms / 1000).toFixed(2)} s (click to done ${(r.landscape_wall_ms / 1000).toFixed(2)} s); centre ${r.centre.toFixed(4)}`);
    runs.push(r);
  }
  const slice = runs.map((r) => r.slice_ms);
  return {
    reps,
    runs,
    slice_median_ms: median(slice),
    slice_max_ms: Math.max(...slice),
    landscape_wall_median_ms: median(runs.map((r) => r.landscape_wall_ms)),
    finder_median_ms: median(runs.map((r) => r.finder_ms)),
    limit_ms: SLICE_LIMIT_MS,
    slice_median_vs_limit: median(slice) / SLICE_LIMIT_MS,
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', loadavg: loadavg() },
  };
}

/** The result as lines for the benchmark's table. */
export function formatInspect(r) {
  return [
    `look inside (page, ${r.reps} loads, load average ${r.machine.loadavg.map((x) => x.toFixed(1)).join(' ')}): ` +
      `25×25 slice of the default network median ${(r.slice_median_ms / 1000).toFixed(2)} s, max ${(r.slice_max_ms / 1000).toFixed(2)} s ` +
      `(target ≤ ${r.limit_ms / 1000} s: ${r.slice_median_vs_limit.toFixed(2)} of it); line + slice click to done ${(r.landscape_wall_median_ms / 1000).toFixed(2)} s; ` +
      `finder (Adam) ${(r.finder_median_ms / 1000).toFixed(1)} s`,
  ];
}
