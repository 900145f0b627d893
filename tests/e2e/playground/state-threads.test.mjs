// End-to-end tests of the Cores setting (`threads`, issue 6 "Both cores") in headless Chromium on
// the served page:
// - on the cross-origin isolated page (scripts/serve.mjs sends COOP/COEP) the default is 2 (the
//   machine has two cores or more; asserted), left out of the link; a value the engine refuses is
//   shown inline like any field's error (the engine's message, src/config.rs) and blocks Train;
//   above the device's cores it is allowed with a warning; picking a preset keeps it;
// - a link with an out-of-range value is reported and the page default used; an old link without
//   it gets the page default;
// - two short runs on 1 and 2 cores: the runs table shows the cores the worker reported using, and
//   the note under the field says what the latest run uses;
// - on a page that is not isolated (the test strips COOP/COEP from the document) the field is
//   disabled at 1 with the reason, and a link asking for 4 is reported.
// Screenshots of the Training settings (1280 and 375 px wide) go to test-results/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { acceptLeaving, RESULTS_DIR, startBrowser, waitForDataState } from '../harness.mjs';

const T = (id) => `[data-testid="${id}"]`;
const SMALL = 'train_subset=1024&validation_size=1000&epochs=1&batch_size=64';

let session;
before(async () => {
  session = await startBrowser();
  await mkdir(RESULTS_DIR, { recursive: true });
});
after(async () => {
  await session?.close();
});

/** A new context on `hash`; `isolated: false` strips the isolation headers from the document. */
async function open(hash = '', { isolated = true, viewport = { width: 1280, height: 900 } } = {}) {
  const context = await session.browser.newContext({ viewport, serviceWorkers: 'block' });
  if (!isolated) {
    await context.route((url) => url.pathname === '/' || url.pathname.endsWith('/index.html'), async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
  }
  const page = await context.newPage();
  acceptLeaving(page);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(new URL(`?storage=memory${hash ? `#${hash}` : ''}`, session.baseUrl).href);
  assert.equal(await waitForDataState(page, ['ready', 'error'], 20_000), 'ready');
  await page.waitForSelector(T('threads'));
  return { context, page, pageErrors };
}

const settled = (page) => page.waitForFunction(() => !document.querySelector('[data-testid="config-error"]')?.hidden || !document.querySelector('[data-testid="train"]').disabled);

describe('Cores on the isolated page', () => {
  test('default 2, not in the link; refused values inline; above the device with a warning; presets keep it', async () => {
    const { context, page, pageErrors } = await open();
    const env = await page.evaluate(() => ({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency }));
    assert.equal(env.isolated, true);
    assert.ok(env.cores >= 2, `this test expects a machine with two cores or more, got ${env.cores}`);
    assert.equal(await page.inputValue(T('threads')), '2');
    assert.equal(await page.isDisabled(T('threads')), false);
    assert.equal(await page.textContent(T('threads-note')), `1 to 8; this device has ${env.cores} cores.`);
    await page.waitForSelector(`${T('train')}:not([disabled])`);
    assert.equal(await page.evaluate(() => location.hash), '');

    // The engine refuses 9: its message beside the field and in the summary; Train is off.
    await page.fill(T('threads'), '9');
    await page.waitForSelector('#cfg-threads-error:not([hidden])');
    assert.equal(await page.textContent('#cfg-threads-error'), 'Cores must be 1 to 8, got 9');
    assert.equal(await page.getAttribute(T('threads'), 'aria-invalid'), 'true');
    assert.equal(await page.textContent(T('config-error')), 'Cannot train: Cores must be 1 to 8, got 9');
    assert.equal(await page.isDisabled(T('train')), true);
    assert.equal(await page.evaluate(() => location.hash), '#threads=9');
    // Text that is not a whole number: the form's own message.
    await page.fill(T('threads'), 'two');
    await page.waitForFunction(() => document.querySelector('#cfg-threads-error').textContent === 'Cores: enter a whole number ≥ 1');

    // More than the device has: allowed, with a warning.
    const over = Math.min(8, env.cores + 1);
    await page.fill(T('threads'), String(over));
    await page.waitForSelector(`${T('train')}:not([disabled])`);
    assert.equal(await page.isHidden('#cfg-threads-error'), true);
    assert.match(await page.textContent(T('threads-note')), new RegExp(`More than the ${env.cores} of this device`));
    assert.equal(await page.getAttribute(T('threads-note'), 'class'), 'field-help field-warning');

    // 1: in the link (it differs from the page default); a preset keeps it and is still recognised.
    await page.fill(T('threads'), '1');
    await settled(page);
    assert.equal(await page.evaluate(() => location.hash), '#threads=1');
    await page.selectOption(T('preset'), 'tiny');
    assert.equal(await page.inputValue(T('threads')), '1');
    assert.equal(await page.inputValue(T('preset')), 'tiny');
    assert.match(await page.evaluate(() => location.hash), /threads=1/);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('links: out of range reported and the default used; an old link gets the page default', async () => {
    const bad = await open('threads=9&seed=5');
    await bad.page.waitForSelector(`${T('link-problems')}[data-count="1"]`);
    assert.match(await bad.page.textContent(T('link-problems')), /Cores: "9" is out of range \(Cores must be 1 to 8, got 9\); using the default 2/);
    await bad.page.waitForFunction(() => document.querySelector('[data-testid="threads"]').value === '2');
    assert.equal(await bad.page.inputValue('#cfg-seed'), '5');
    await bad.page.waitForFunction(() => location.hash === '#seed=5');
    await bad.context.close();

    const old = await open('learning_rate=0.01');
    assert.equal(await old.page.inputValue(T('threads')), '2');
    assert.equal(await old.page.isHidden(T('link-problems')), true);
    await old.context.close();

    const four = await open('threads=4');
    assert.equal(await four.page.inputValue(T('threads')), '4');
    await four.context.close();
  });

  test('runs on 1 and 2 cores: the table and the note show what the worker used', async (t) => {
    const { context, page, pageErrors } = await open(`${SMALL}&threads=1`);
    const train = async (n) => {
      await page.waitForSelector(`${T('train')}:not([disabled])`);
      await page.click(T('train'));
      await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 60_000 });
      await page.waitForFunction((k) => document.querySelectorAll('[data-testid="runs-table"] tbody tr[data-state="finished"]').length === k, n);
    };
    await train(1);
    await page.waitForSelector(`${T('threads-run')}:not([hidden])`);
    assert.equal(await page.textContent(T('threads-run')), 'Latest run: 1 core');

    await page.fill(T('threads'), '2');
    await settled(page);
    await page.click(T('reset'));
    await page.waitForSelector(`${T('run')}[data-state="idle"]`);
    assert.equal(await page.isHidden(T('threads-run')), true, 'Reset forgets the run, and the note');
    await train(2);
    const used = await page.getAttribute(T('threads-run'), 'data-value');
    assert.ok(used === '1' || used === '2', used);
    // What the worker used: 2, or 1 with the reason if it could not start workers.
    assert.equal(
      await page.textContent(T('threads-run')),
      used === '2' ? 'Latest run: 2 cores' : 'Latest run: 1 core (2 set: the engine could not start more workers)',
    );
    // The table's Cores column needs the second run to have trained on 2: skipped (and shown as
    // skipped) when the engine could not start the second worker.
    await t.test('the runs table and the compare legend say "cores 1 vs 2"', { skip: used === '2' ? false : 'the engine trained on 1 core (it could not start more workers)' }, async () => {
      const cells = await page.$$eval(`${T('runs-table')} tbody td[data-col="threads"]`, (tds) => tds.map((td) => td.textContent));
      assert.deepEqual(cells, ['1', '2']);
      assert.match(await page.textContent(`${T('runs-table')} thead`), /cores/);
      assert.match(await page.textContent(T('compare-legend')), /cores 1 vs 2/);
    });
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});

describe('Cores on a page that is not isolated', () => {
  test('disabled at 1 with the reason; a link asking for 4 is reported', async () => {
    const { context, page, pageErrors } = await open('threads=4&seed=3', { isolated: false });
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    assert.equal(await page.inputValue(T('threads')), '1');
    assert.equal(await page.isDisabled(T('threads')), true);
    assert.equal(await page.textContent(T('threads-note')), 'Only 1: more needs a cross-origin isolated page (this one is not).');
    await page.waitForSelector(`${T('link-problems')}[data-count="1"]`);
    assert.match(await page.textContent(T('link-problems')), /Cores: "4" needs a cross-origin isolated page \(this one is not\); using 1/);
    assert.equal(await page.inputValue('#cfg-seed'), '3');
    await page.waitForSelector(`${T('train')}:not([disabled])`);
    await page.waitForFunction(() => location.hash === '#seed=3');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});

describe('screenshots', () => {
  // The whole settings panel on the isolated page; the Training group alone for the other cases.
  for (const [name, viewport, isolated, hash, selector] of [
    ['desktop', { width: 1280, height: 900 }, true, '', '.card.settings'],
    ['phone', { width: 375, height: 800 }, true, '', '.card.settings'],
    ['refused-desktop', { width: 1280, height: 900 }, true, 'threads=3', 'fieldset'],
    ['not-isolated-phone', { width: 375, height: 800 }, false, '', 'fieldset'],
  ]) {
    test(`the settings, ${name}`, async () => {
      const { context, page } = await open(hash, { isolated, viewport });
      if (name === 'refused-desktop') {
        await page.fill(T('threads'), '9');
        await page.waitForSelector('#cfg-threads-error:not([hidden])');
      }
      const box = page.locator(selector, { has: page.locator(T('threads')) });
      await box.scrollIntoViewIfNeeded();
      await box.screenshot({ path: `${RESULTS_DIR}cores-${name}.png` });
      await context.close();
    });
  }
});
