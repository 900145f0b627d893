// Undo after deleting runs (www/experiments/runs-table.js) forgets deletes older than its 20 s
// window even while later deletes keep its bar up (issue 21's soak found the list growing without
// bound: "Undo all 40" after 40 runs deleted one every few seconds, each kept in memory with its
// model). In headless Chromium with playwright's clock, so the test does not wait 20 s.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptLeaving, T, useBrowser, waitForDataState } from '../harness.mjs';

const browser = useBrowser();

test('Undo brings back the deletes of the last 20 s, not every delete since its bar appeared', { timeout: 60_000 }, async () => {
  const context = await browser.session.browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  acceptLeaving(page);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.clock.install();
  await page.goto(new URL('#train_subset=512&validation_size=1000&epochs=1&hidden=32&threads=1', browser.session.baseUrl).href);
  assert.equal(await waitForDataState(page, ['ready', 'error'], 20_000), 'ready');
  await page.waitForSelector(`${T('train')}:not([disabled])`, { timeout: 10_000 });
  for (let n = 1; n <= 3; n++) {
    await page.click(T('train'));
    await page.waitForFunction((k) => document.querySelectorAll('[data-testid="runs-table"] tbody tr[data-state="finished"][data-model-epoch="1"]').length === k, n, { timeout: 20_000 });
  }
  const ids = await page.$$eval(`${T('runs-table')} tbody tr`, (trs) => trs.map((tr) => tr.dataset.runId));
  const remove = async (id) => {
    await page.click(`${T('runs-table')} tr[data-run-id="${id}"] ${T('run-delete')}`);
    await page.waitForFunction((runId) => !document.querySelector(`[data-testid="runs-table"] tr[data-run-id="${runId}"]`), id);
  };
  // Deletes 15 s apart: the bar stays up throughout (each delete gives it 20 s more).
  await remove(ids[0]);
  await page.clock.fastForward(15_000);
  await remove(ids[1]);
  await page.waitForFunction(() => document.querySelector('[data-testid="undo-delete"]')?.textContent === 'Undo all 2');
  await page.clock.fastForward(15_000);
  await remove(ids[2]);
  // The first delete is 30 s old: final. Undo brings back the other two.
  await page.waitForFunction(() => /^Deleted “.*”, “.*”\. $/.test(document.querySelector('[data-testid="undo-delete"]')?.parentElement.firstChild.textContent ?? ''));
  assert.equal(await page.textContent(T('undo-delete')), 'Undo all 2');
  await page.click(T('undo-delete'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="runs-table"] tbody tr').length === 2);
  const back = await page.$$eval(`${T('runs-table')} tbody tr`, (trs) => trs.map((tr) => tr.dataset.runId));
  assert.deepEqual(back.sort(), [ids[1], ids[2]].sort());
  assert.deepEqual(errors, []);
  await context.close();
});
