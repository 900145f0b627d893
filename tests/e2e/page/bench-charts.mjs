#!/usr/bin/env node
// What do the live charts cost the training? One long run in one page, with the charts shown
// during every other epoch and hidden (display: none, so they are not redrawn) during the others:
// neighbouring epochs see the same machine load, so the paired comparison holds up on a shared
// machine where two separate runs can differ by ±30%. Throughput is the worker's own measure,
// samples per second of its training calls averaged over each epoch (the `data-epoch-average` of
// the samples-per-second read-out; `data-epoch` says which epoch). Also reported: the renderer main thread's busy time (Chrome's
// Performance.getMetrics TaskDuration: script, style, layout, paint) in each kind of epoch.
//
//   node tests/e2e/page/bench-charts.mjs [--epochs 9] [--hash '#hidden=128']
//
// The window is 1440 × 3200 so every chart is on screen when shown (the worst case). The first
// epoch is a warm-up and not counted. Not part of `node --test` (the file name has no .test.).

import { parseArgs } from 'node:util';
import { openPage, startBrowser, waitForDataState } from '../harness.mjs';

const { values: args } = parseArgs({
  options: { epochs: { type: 'string', default: '9' }, hash: { type: 'string', default: '' } },
});
const epochs = Number(args.epochs);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

const session = await startBrowser();
try {
  const hash = `${args.hash || '#'}${args.hash.length > 1 ? '&' : ''}epochs=${epochs}`;
  const { page, context } = await openPage(session, hash, { viewport: { width: 1440, height: 3200 } });
  await waitForDataState(page, ['ready'], 30_000);
  await page.waitForSelector('[data-testid="train"]:not([disabled])');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const busy = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const showCharts = (show) =>
    page.evaluate((on) => {
      for (const el of document.querySelectorAll('.charts, .learned')) el.hidden = !on;
      document.getElementById('run-heading').scrollIntoView();
    }, show);

  await page.click('[data-testid="train"]');
  const rows = [];
  let shown = true;
  await showCharts(shown);
  let busy0 = await busy();
  let t0 = Date.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    await page.waitForFunction((e) => Number(document.querySelector('[data-testid="samples-per-second"]').dataset.epoch) >= e, epoch, { timeout: 120_000 });
    const average = Number(await page.getAttribute('[data-testid="samples-per-second"]', 'data-epoch-average'));
    const busy1 = await busy();
    const t1 = Date.now();
    rows.push({ epoch, charts: shown, average, mainBusy: (busy1 - busy0) / ((t1 - t0) / 1000) });
    console.log(`epoch ${epoch}: charts ${shown ? 'shown ' : 'hidden'} ${Math.round(average)} samples/s, main thread busy ${(100 * rows.at(-1).mainBusy).toFixed(1)}%`);
    shown = !shown;
    await showCharts(shown);
    busy0 = busy1;
    t0 = t1;
  }
  await context.close();

  const counted = rows.slice(1);
  const on = counted.filter((r) => r.charts);
  const off = counted.filter((r) => !r.charts);
  const rateOn = mean(on.map((r) => r.average));
  const rateOff = mean(off.map((r) => r.average));
  console.log(`\ncharts shown: ${Math.round(rateOn)} samples/s (${on.length} epochs), hidden: ${Math.round(rateOff)} samples/s (${off.length} epochs)`);
  console.log(`the charts cost ${((100 * (rateOff - rateOn)) / rateOff).toFixed(1)}% of the training throughput`);
  console.log(`main thread busy: ${(100 * mean(on.map((r) => r.mainBusy))).toFixed(1)}% with charts, ${(100 * mean(off.map((r) => r.mainBusy))).toFixed(1)}% without`);
} finally {
  await session.close();
}
