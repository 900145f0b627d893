#!/usr/bin/env node
// Times the hidden-layer map on the real page in headless Chromium: the pretrained model's map, a
// run of the default settings for two epochs (its start map and each epoch's map, against the
// epochs' own training speed from the run history), and a UMAP of the last map. Prints one JSON
// object with the machine's load average before and after (wall times include waiting for a core).
//
//   node scripts/checks/hidden-map-timing.mjs
//
// Uses BASE_URL if set, else serves the project itself. Non-goals: judging the numbers
// (docs/inspect.md quotes them).

import { readFileSync } from 'node:fs';
import { openPage, startBrowser, waitForDataState } from '../../tests/e2e/harness.mjs';

const MAP = '[data-testid="hidden-map"]';
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
const readMap = (page) => page.$eval(MAP, (e) => ({ ...e.dataset }));

const session = await startBrowser();
try {
  const { page } = await openPage(session, '#epochs=2');
  const report = { loadBefore: load() };
  await waitForDataState(page, ['ready'], 60_000);
  await page.waitForSelector(`${MAP}[data-state="shown"]`, { timeout: 30_000 });
  report.pretrainedMapMs = Number((await readMap(page)).ms);

  await page.click('[data-testid="train"]');
  const maps = {};
  while (!('2' in maps)) {
    const d = await readMap(page);
    if (d.model === 'trained' && d.epoch !== '' && !(d.epoch in maps)) maps[d.epoch] = Number(d.ms);
    await page.waitForTimeout(10);
  }
  report.runMapsMs = maps;
  await page.waitForSelector('[data-testid="run-state"]:text("Finished")', { timeout: 60_000 });
  const records = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('mnist-playground', 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('runs').objectStore('runs').getAll();
          all.onsuccess = () => resolve(all.result);
        };
      }),
  );
  report.epochSamplesPerSecond = records.at(-1).epochs.map((e) => Math.round(e.samples_per_second));

  await page.click('[data-testid="hidden-map-umap"]');
  await page.waitForSelector(`${MAP}[data-umap="done"]`, { timeout: 120_000 });
  report.umapMs = Number((await readMap(page)).umapMs);
  report.loadAfter = load();
  console.log(JSON.stringify(report, null, 2));
} finally {
  await session.close();
}
