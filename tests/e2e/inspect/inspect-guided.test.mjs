// The guided sets that look inside training (issue 16; www/experiments/guided-sets.js) show what
// they say: "find the learning rate, then train at it" runs the finder and trains at multiples of its
// suggestion; "sharp vs flat" computes each run's landscape and the large-batch minimum is the
// sharper one. The numbers are the runs' stored records (IndexedDB, as the compare chart draws
// them) and the landscape section's hooks; the thresholds are those the set's text promises, from
// these same seeded runs in headless Chromium (docs/inspect.md).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { T, openPage, useBrowser, waitForDataState } from '../harness.mjs';

const browser = useBrowser();

/** The stored runs of guided set `id`, by name. */
const runsOf = (page, id) =>
  page.evaluate(
    (set) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('mnist-playground', 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('runs').objectStore('runs').getAll();
          all.onsuccess = () => resolve(Object.fromEntries(all.result.filter((r) => r.experiment?.set === set).map((r) => [r.name, r])));
        };
      }),
    id,
  );

/** Opens the page, launches set `id`, waits until it is done; returns the page and its runs. */
async function launch(id) {
  const opened = await openPage(browser.session, '', { viewport: { width: 1280, height: 900 } });
  const { page } = opened;
  assert.equal(await waitForDataState(page, ['ready', 'error'], 30_000), 'ready');
  await page.waitForSelector(`${T(`launch-${id}`)}:not([disabled])`, { timeout: 15_000 });
  await page.waitForSelector(`${T('lr-finder-start')}:not([disabled])`, { timeout: 15_000 });
  const t0 = Date.now();
  await page.click(T(`launch-${id}`));
  await page.waitForSelector(`${T('guided-status')}[data-state="done"], ${T('guided-status')}[data-state="ended"]`, { timeout: 120_000 });
  assert.equal(await page.getAttribute(T('guided-status'), 'data-state'), 'done', await page.textContent(T('guided-status')));
  const runs = await runsOf(page, id);
  for (const r of Object.values(runs)) assert.equal(r.state, 'finished', `${r.name}: ${r.error}`);
  console.log(`# ${id}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { ...opened, runs };
}

const final = (r) => r.epochs.at(-1);

describe('guided sets that look inside training', () => {
  test('find the learning rate, then train at it', async () => {
    const { page, context, runs, pageErrors } = await launch('find-rate');
    const finder = await page.$eval(T('lr-finder'), (e) => ({ ...e.dataset }));
    const rate = Number(Number(finder.steepest).toPrecision(3));
    const at = runs["at the finder's rate"];
    const below = runs['100× below it'];
    const above = runs['30× above it'];
    console.log(`# finder: ${rate}; validation: at ${final(at).validation.accuracy}, below ${final(below).validation.accuracy}, above ${final(above).validation.accuracy}`);
    assert.ok(rate > 0.03 && rate < 0.15, `about 0.07 for SGD (${rate})`);
    assert.equal(at.config.learning_rate, rate, 'the first run trains at the suggestion');
    assert.equal(below.config.learning_rate, Number((rate * 0.01).toPrecision(3)));
    assert.equal(above.config.learning_rate, Number((rate * 30).toPrecision(3)));
    assert.ok(at.epochs[0].validation.accuracy > 0.85, `passes 85% in the first epoch (${at.epochs[0].validation.accuracy})`);
    assert.ok(final(at).validation.accuracy > 0.88, `ends near 90% (${final(at).validation.accuracy})`);
    assert.ok(final(below).validation.accuracy < 0.55, `100× below ends far behind (about 40%) (${final(below).validation.accuracy})`);
    assert.ok(final(above).validation.accuracy < 0.2, `30× above stays at chance (${final(above).validation.accuracy})`);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('why large batches generalise worse: sharp vs flat', async () => {
    const { page, context, runs, pageErrors } = await launch('sharp-flat');
    const small = runs['small batches (32)'];
    const large = runs['large batches (1,024)'];
    const d = await page.$eval(T('landscape'), (e) => ({ ...e.dataset }));
    const [riseSmall, riseLarge] = [Number(d.keptRise), Number(d.rise)];
    const [accSmall, accLarge] = [final(small).test.accuracy, final(large).test.accuracy];
    console.log(`# sharp-flat: rise small ${riseSmall}, large ${riseLarge}; centre (large) ${d.centre}; test small ${accSmall}, large ${accLarge}`);
    assert.equal(await page.isVisible(T('landscape-map-a')), true, 'A (small batches) beside B');
    assert.equal(await page.isVisible(T('landscape-map')), true);
    assert.ok(riseLarge > 1.25 * riseSmall, `the large-batch minimum is sharper (${riseLarge} vs ${riseSmall})`);
    assert.ok(accSmall > accLarge, `small batches generalise better (${accSmall} vs ${accLarge})`);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
