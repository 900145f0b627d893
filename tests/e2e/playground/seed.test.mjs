// The "New seed" control beside the Seed field, in headless Chromium on the served page: a click
// asks the engine for a fresh random seed (`fresh-seed`, drawn through getrandom), puts it in the
// field, and the settings follow it like a typed seed: the address holds it, the engine accepts
// it (Train stays enabled, no error), and another click draws another seed.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { T, openPage, useBrowser, waitForDataState } from '../harness.mjs';

const browser = useBrowser();

const seedInput = '#cfg-seed';

/** Clicks New seed and resolves with the field's new text (once it differs from `before`). */
async function newSeed(page, before) {
  await page.click(T('new-seed'));
  await page.waitForFunction(
    ([selector, old]) => document.querySelector(selector).value !== old && !document.querySelector('[data-testid="new-seed"]').disabled,
    [seedInput, before],
  );
  return page.inputValue(seedInput);
}

describe('a new random seed', () => {
  test('New seed puts a fresh whole-number seed in the field, the link and the run; twice gives two seeds', async () => {
    const { page, context, pageErrors } = await openPage(browser.session, '?storage=memory');
    assert.equal(await waitForDataState(page, ['ready', 'error'], 20_000), 'ready');
    await page.waitForSelector(`${T('train')}:not([disabled])`, { timeout: 10_000 });
    const first = await page.inputValue(seedInput);

    const a = await newSeed(page, first);
    assert.match(a, /^\d+$/, 'a whole number');
    assert.notEqual(a, first);
    await page.waitForFunction((seed) => new URLSearchParams(location.hash.slice(1)).get('seed') === seed, a);
    await page.waitForSelector(`${T('train')}:not([disabled])`, { timeout: 10_000 });
    assert.equal(await page.isHidden(T('config-error')), true, 'the engine accepts the seed');

    const b = await newSeed(page, a);
    assert.match(b, /^\d+$/);
    assert.notEqual(b, a, 'another click draws another seed');

    // The run trains with the seed in the field (the worker reports the config it configured).
    await page.fill(T('epochs'), '1');
    await page.fill('#cfg-train-subset', '1280');
    await page.waitForSelector(`${T('train')}:not([disabled])`, { timeout: 10_000 });
    await page.click(T('train'));
    await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 60_000 });
    assert.equal(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get('seed'), b);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
