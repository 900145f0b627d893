#!/usr/bin/env node
// What do the live charts cost the training? Trains the same run with charts on and with
// `?charts=off`, alternating, and compares the training throughput (samples per second of the
// worker's training calls, averaged over each epoch: the `data-epoch-average` of the
// samples-per-second read-out). Also reports the main-thread time spent drawing charts per second
// of training, a load-independent bound: on a machine where the page and the worker had to
// share one core, the worker could lose at most that share.
//
//   node tests/e2e/bench-charts.mjs [--rounds 3] [--hash '#epochs=2'] [--height 900]
//
// The window is 1440 × height, scrolled so the loss and accuracy charts are in view (a tall window,
// e.g. --height 4000, has every chart on screen: the worst case). The renderer's main-thread busy
// time (Chrome's Performance.getMetrics TaskDuration: script, style, layout, paint) is reported too.
//
// Not part of `node --test` (the file name has no .test.): timing on a shared machine is noisy.

import { parseArgs } from 'node:util';
import { openPage, startBrowser, waitForDataState } from './harness.mjs';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    hash: { type: 'string', default: '#epochs=2' },
    height: { type: 'string', default: '900' },
  },
});
const rounds = Number(args.rounds);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const session = await startBrowser();
const results = { on: [], off: [] };
const drawShare = [];
const busyShare = { on: [], off: [] };
try {
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? ['on', 'off'] : ['off', 'on']) {
      const { page, context } = await openPage(session, `${mode === 'off' ? '?charts=off' : ''}${args.hash}`, {
        viewport: { width: 1440, height: Number(args.height) },
      });
      await waitForDataState(page, ['ready'], 30_000);
      await page.waitForSelector('[data-testid="train"]:not([disabled])');
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const busy = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
      await page.click('[data-testid="train"]');
      await page.evaluate(() => document.getElementById('run-heading').scrollIntoView());
      const busy0 = await busy();
      const t0 = Date.now();
      // Every epoch's average, from the epoch messages as the page shows them.
      const averages = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const rate = document.querySelector('[data-testid="samples-per-second"]');
            const run = document.querySelector('[data-testid="run"]');
            const seen = [];
            const observer = new MutationObserver(() => {
              const avg = Number(rate.dataset.epochAverage);
              if (avg && seen.at(-1) !== avg) seen.push(avg);
              if (run.dataset.state === 'finished') {
                observer.disconnect();
                resolve(seen);
              }
            });
            observer.observe(document.body, { subtree: true, attributes: true });
          }),
      );
      const seconds = (Date.now() - t0) / 1000;
      const mainBusy = (await busy()) - busy0;
      busyShare[mode].push(mainBusy / seconds);
      const average = averages.reduce((a, b) => a + b, 0) / averages.length;
      results[mode].push(average);
      if (mode === 'on') {
        const stats = await page.evaluate(() => globalThis.mnistPageStats);
        drawShare.push(stats.drawMs / (seconds * 1000));
        console.log(`charts ${mode}: ${Math.round(average)} samples/s (epochs ${averages.map(Math.round).join(', ')}); ` +
          `${stats.draws} chart draws took ${stats.drawMs.toFixed(0)} ms, ${stats.messages} worker messages ` +
          `${stats.messageMs.toFixed(0)} ms of the main thread in ${seconds.toFixed(1)} s; main thread busy ${(100 * busyShare.on.at(-1)).toFixed(1)}%`);
      } else {
        const stats = await page.evaluate(() => globalThis.mnistPageStats);
        console.log(`charts ${mode}: ${Math.round(average)} samples/s (epochs ${averages.map(Math.round).join(', ')}); ` +
          `${stats.messages} worker messages ${stats.messageMs.toFixed(0)} ms; main thread busy ${(100 * busyShare.off.at(-1)).toFixed(1)}%`);
      }
      await context.close();
    }
  }
} finally {
  await session.close();
}
const on = median(results.on);
const off = median(results.off);
console.log(`\nmedian samples/s: charts on ${Math.round(on)}, off ${Math.round(off)}: ` +
  `charts cost ${((100 * (off - on)) / off).toFixed(1)}% of the training throughput`);
console.log(`chart drawing used ${(100 * median(drawShare)).toFixed(2)}% of the wall time on the main thread while training; ` +
  `the main thread was busy ${(100 * median(busyShare.on)).toFixed(1)}% of the time with charts, ${(100 * median(busyShare.off)).toFixed(1)}% without`);
