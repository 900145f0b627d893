// The soak's memory measurement itself (tests/e2e/soak/soak-session.mjs measureMemory), in headless
// Chromium: it measures after V8's last-resort garbage collection, which empties the compilation
// cache where the test driver's injected script piles up at every page load. This checks both
// halves of that choice:
// - after reloads of an idle page (each one with Playwright's selector waits, so its injected
//   script is compiled again), the measured page stays within the soak's tolerance of where it
//   started (the figure after an ordinary collection is reported beside it);
// - memory the page keeps (a leak made on purpose: buffers and objects held by `window`) is counted
//   in full, and counted out again once let go.
//
// Non-goals: the soak itself (soak.test.mjs); what the page keeps over many runs (the soak checks).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser } from '../harness.mjs';
import { LAST_RESORT_GC, MEMORY_SLACK, MEMORY_TOLERANCE, measureMemory, ORDINARY_GC, SOAK_FLAGS, SOAK_HASH } from './soak-session.mjs';

const RELOADS = 8;
const LEAK_STEPS = 3;
const LEAK_BUFFER = 1 << 20; // bytes per step, besides 20,000 small objects
const T = (id) => `[data-testid="${id}"]`;
const mb = (bytes) => `${(bytes / 1048576).toFixed(2)} MB`;
const parts = (m) => Object.entries(m.pageParts).map(([k, v]) => `${k} ${mb(v)}`).join(', ');

let session;
let context;
let page;
before(async () => {
  session = await startBrowser({ args: SOAK_FLAGS });
  context = await session.browser.newContext({ serviceWorkers: 'block' });
  page = await context.newPage();
  await page.goto(new URL(`#${SOAK_HASH}`, session.baseUrl).href);
  await ready();
});
after(async () => {
  await context?.close();
  await session?.close();
});

/** Waits, as the soak does, until the page can train (Playwright's injected script answers). */
async function ready() {
  await (await page.waitForSelector(`${T('train')}:not([disabled])`, { timeout: 60_000 })).dispose();
  await (await page.waitForSelector(T('runs-table'), { state: 'attached', timeout: 15_000 })).dispose();
}

test(`reloads: the driver's compiled scripts are not counted as the page's memory (${RELOADS} reloads)`, { timeout: 60_000 + RELOADS * 30_000 }, async (t) => {
  const start = await measureMemory(page, { gc: LAST_RESORT_GC });
  t.diagnostic(`start: ${mb(start.page)} (${parts(start)})`);
  for (let i = 0; i < RELOADS; i++) {
    await page.reload();
    await ready();
  }
  const ordinary = await measureMemory(page, { gc: ORDINARY_GC });
  const end = await measureMemory(page, { gc: LAST_RESORT_GC });
  t.diagnostic(`after ${RELOADS} reloads, ordinary collection: ${mb(ordinary.page)} (${parts(ordinary)})`);
  t.diagnostic(`after ${RELOADS} reloads, last-resort collection: ${mb(end.page)} (${parts(end)})`);
  const allowed = MEMORY_TOLERANCE * start.page + MEMORY_SLACK;
  assert.ok(end.page - start.page <= allowed, `the page's measured memory grew by ${mb(end.page - start.page)} over ${RELOADS} reloads of an idle page (allowed ${mb(allowed)})`);
});

test(`a leak in the page is counted in full after the last-resort collection (${LEAK_STEPS} steps of ${mb(LEAK_BUFFER)} and 20,000 objects)`, async (t) => {
  const start = await measureMemory(page, { gc: LAST_RESORT_GC });
  let last = start;
  for (let step = 1; step <= LEAK_STEPS; step++) {
    await page.evaluate((bytes) => {
      (window.__soakLeak ??= []).push(new Uint8Array(bytes).fill(1), Array.from({ length: 20_000 }, (_, k) => ({ k, label: `kept ${k}` })));
    }, LEAK_BUFFER);
    last = await measureMemory(page, { gc: LAST_RESORT_GC });
    t.diagnostic(`step ${step}: ${mb(last.page)} (+${mb(last.page - start.page)})`);
  }
  // The buffers alone are LEAK_STEPS MB; the objects add more.
  assert.ok(last.page - start.page >= LEAK_STEPS * LEAK_BUFFER, `a leak of ${LEAK_STEPS} × ${mb(LEAK_BUFFER)} and more grew the measured page by ${mb(last.page - start.page)} only`);
  await page.evaluate(() => delete window.__soakLeak);
  const released = await measureMemory(page, { gc: LAST_RESORT_GC });
  t.diagnostic(`let go: ${mb(released.page)}`);
  assert.ok(released.page - start.page <= MEMORY_SLACK, `after the page let go of the leak it still measures ${mb(released.page - start.page)} above the start`);
});
