#!/usr/bin/env node
// The page's own downloads for scripts/checks/check-keras.sh: in headless Chromium on the served
// page, trains two short runs (5,000 training images, 1,000 held out, 2 epochs; learning rates
// 0.003 and 0.001), then saves into OUT_DIR what the buttons download:
//   mnist-tensorboard.zip        "Download for TensorBoard" with both runs ticked
//   mnist-runs.json              "Runs + curves (JSON)": the records the page kept (the reference)
//   train_Run_1.py, Run_1.weights.npz   "Keras" on Run 1
//   Run_1.bin                    ".bin" on Run 1: its stored model, for `mnist predict-test`
//
//   node scripts/checks/page-exports.mjs OUT_DIR      (BASE_URL, or its own server)
//
// Non-goals: checking the files (check-keras.py does, with TensorFlow and TensorBoard).

import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { acceptLeaving, startBrowser, waitForDataState } from '../../tests/e2e/harness.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/checks/page-exports.mjs OUT_DIR');
  process.exit(2);
}
await mkdir(out, { recursive: true });
const T = (id) => `[data-testid="${id}"]`;

const session = await startBrowser();
try {
  const context = await session.browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true, serviceWorkers: 'block' });
  const page = await context.newPage();
  acceptLeaving(page);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL('#train_subset=5000&validation_size=1000&epochs=2&learning_rate=0.003', session.baseUrl).href);
  if ((await waitForDataState(page, ['ready', 'error'], 30_000)) !== 'ready') throw new Error('MNIST did not load in the page');
  await page.waitForSelector(`${T('train')}:not([disabled])`);

  const train = async (n) => {
    await page.click(T('train'));
    await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 120_000 });
    // Finished, recorded, and its last epoch's model stored.
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid="runs-table"] tbody tr[data-state="finished"][data-model-epoch="2"]').length === count, n);
  };
  await train(1);
  await page.fill(T('learning-rate'), '0.001');
  await page.waitForTimeout(200);
  await train(2);

  /** Clicks `selector` and saves the `count` files it downloads. */
  const save = async (selector, count = 1) => {
    const names = [];
    const done = new Promise((resolve) => {
      const onDownload = async (download) => {
        const name = download.suggestedFilename();
        await download.saveAs(join(out, name));
        names.push(name);
        if (names.length === count) {
          page.off('download', onDownload);
          resolve();
        }
      };
      page.on('download', onDownload);
    });
    await page.click(selector);
    await done;
    return names;
  };
  const runs = await page.$$eval(`${T('runs-table')} tbody tr`, (trs) => trs.map((tr) => ({ id: tr.dataset.runId, name: tr.querySelector('.run-name').value })));
  const first = runs.find((r) => r.name === 'Run 1');
  const saved = await save(T('export-tensorboard'));
  console.log(`the page said: ${await page.textContent(T('runs-status'))}`);
  saved.push(
    ...(await save(T('export-json'))),
    ...(await save(`tr[data-run-id="${first.id}"] ${T('run-keras')}`, 2)),
  );
  const [bin] = await save(`tr[data-run-id="${first.id}"] ${T('run-download-model')}`);
  await copyFile(join(out, bin), join(out, 'Run_1.bin'));
  saved.push(`${bin} (also as Run_1.bin)`);
  console.log(`page downloads in ${out}: ${saved.join(', ')}`);
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
} finally {
  await session.close();
}
