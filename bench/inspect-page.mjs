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
// click to the section's "done", on the page's clock (www/inspect/landscape.js data-*), and the CPU
// time all the browser's processes used meanwhile (Linux /proc): on a shared machine the wall time
// includes waiting for a core, the CPU time does not.
//
// Non-goals: the engine's own timings outside the page (docs/inspect.md, bench/inspect-wasm.cjs).

import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export const SLICE_LIMIT_MS = 10_000;

/**
 * CPU time (user + system, ms) used so far by process `root` and all its descendants, from
 * /proc (Linux; null elsewhere): with this script as the root, the browser it started, so on a
 * loaded machine the page's work can be told from the time it waited for a core.
 */
function treeCpuMs(root) {
  try {
    const stats = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map((pid) => {
        try {
          // Fields after the command's closing parenthesis: state ppid … utime (14th) stime (15th).
          const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
          return { pid: Number(pid), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
        } catch {
          return null; // the process ended meanwhile
        }
      })
      .filter(Boolean);
    const inTree = new Set([root]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of stats) {
        if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
          inTree.add(p.pid);
          grew = true;
        }
      }
    }
    const ticks = stats.filter((p) => inTree.has(p.pid)).reduce((sum, p) => sum + p.ticks, 0);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

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
    // This process's tree: the browser playwright started (and this script, nearly idle meanwhile).
    const pid = process.pid;
    const cpu0 = treeCpuMs(pid);
    const t0 = await page.evaluate(() => {
      document.querySelector('[data-testid="landscape-start"]').click();
      return performance.now();
    });
    await page.waitForSelector('[data-testid="landscape"][data-state="done"]', { timeout: 120_000 });
    const wall = (await page.evaluate(() => performance.now())) - t0;
    const cpu1 = treeCpuMs(pid);
    const d = await page.$eval('[data-testid="landscape"]', (e) => ({ ...e.dataset }));
    return { finder_ms: Number(finder.ms), finder_steps: Number(finder.steps), line_ms: Number(d.lineMs), slice_ms: Number(d.sliceMs), landscape_wall_ms: wall, landscape_cpu_ms: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null, centre: Number(d.centre), rows: Number(d.rows) };
  } finally {
    await context.close();
  }
}

/** `reps` repetitions; the medians and the slice's ratio to the 10 s. */
export async function measureInspect({ browser, base, reps = 3, log = () => {} }) {
  const runs = [];
  for (let i = 0; i < reps; i++) {
    const r = await once(browser, base);
    const cpu = r.landscape_cpu_ms === null ? '' : `, the browser's CPU time meanwhile ${(r.landscape_cpu_ms / 1000).toFixed(2)} s`;
    log(`load ${i + 1}: finder ${r.finder_steps} steps ${(r.finder_ms / 1000).toFixed(1)} s; line ${(r.line_ms / 1000).toFixed(1)} s; 25×25 slice ${(r.slice_ms / 1000).toFixed(2)} s (line + slice click to done ${(r.landscape_wall_ms / 1000).toFixed(2)} s${cpu}); centre ${r.centre.toFixed(4)}`);
    runs.push(r);
  }
  const slice = runs.map((r) => r.slice_ms);
  return {
    reps,
    runs,
    slice_median_ms: median(slice),
    slice_max_ms: Math.max(...slice),
    landscape_wall_median_ms: median(runs.map((r) => r.landscape_wall_ms)),
    landscape_cpu_median_ms: runs.every((r) => r.landscape_cpu_ms !== null) ? median(runs.map((r) => r.landscape_cpu_ms)) : null,
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
      `(target ≤ ${r.limit_ms / 1000} s: ${r.slice_median_vs_limit.toFixed(2)} of it); line + slice click to done ${(r.landscape_wall_median_ms / 1000).toFixed(2)} s` +
      (r.landscape_cpu_median_ms === null ? '; ' : ` (the browser's CPU time ${(r.landscape_cpu_median_ms / 1000).toFixed(2)} s: the page's work without the wait for a core); `) +
      `finder (Adam) ${(r.finder_median_ms / 1000).toFixed(1)} s`,
  ];
}
