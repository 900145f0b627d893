// Stop pressed while the last epoch is being evaluated (issue 21's soak found it): the run ends as
// stopped, on the card and in the history alike. The worker used to report "finished" after its
// "stopped" once that evaluation was done, so the card said finished and the history stopped.
// In headless Chromium; Stop is clicked from inside the page the moment the last step is shown.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, T, useBrowser, waitForDataState } from '../harness.mjs';

const browser = useBrowser();

test('Stop during the last epoch\'s evaluation: stopped on the card and in the history', { timeout: 60_000 }, async () => {
  // 512 images at batch 128: the run's last step is 4, then 5,000 validation and 10,000 test images
  // are evaluated, by 1,024 hidden units: long enough (about a second) for Stop to arrive meanwhile.
  const { page, context, consoleErrors, pageErrors } = await openPage(browser.session, '#train_subset=512&epochs=1&threads=1&hidden=1024');
  assert.equal(await waitForDataState(page, ['ready', 'error'], 20_000), 'ready');
  await page.waitForSelector(`${T('train')}:not([disabled])`, { timeout: 10_000 });
  await page.evaluate(() => {
    const counter = document.querySelector('[data-testid="step-counter"]');
    new MutationObserver((_, observer) => {
      if (counter.dataset.value !== '4') return;
      observer.disconnect();
      window.__stoppedWhile = document.querySelector('[data-testid="test-accuracy"]').dataset.value;
      document.querySelector('[data-testid="stop"]').click();
    }).observe(counter, { attributes: true, attributeFilter: ['data-value'] });
  });
  await page.click(T('train'));
  await page.waitForFunction(() => window.__stoppedWhile !== undefined, null, { timeout: 20_000 });
  assert.equal(await page.evaluate(() => window.__stoppedWhile), '', 'Stop was clicked before the epoch\'s test accuracy arrived');
  await page.waitForSelector(`${T('runs-table')} tbody tr:not([data-state="running"]):not([data-state="paused"])`, { timeout: 20_000 });
  // The evaluation under way at Stop still arrives: the epoch joins the run, with its model.
  await page.waitForSelector(`${T('runs-table')} tbody tr[data-epochs="1"][data-model-epoch="1"]`, { timeout: 20_000 });
  await page.waitForTimeout(300); // anything the worker still sends
  const card = await page.getAttribute(T('run'), 'data-state');
  const row = await page.getAttribute(`${T('runs-table')} tbody tr`, 'data-state');
  assert.deepEqual({ card, row }, { card: 'stopped', row: 'stopped' });
  assert.deepEqual([...consoleErrors, ...pageErrors], []);
  await context.close();
});
