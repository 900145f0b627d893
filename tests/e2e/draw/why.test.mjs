// End-to-end tests of "Why this digit?" in the drawing panel (issue 17; www/draw/why-overlay.js) in
// headless Chromium, on the pretrained model: the attribution overlay appears for a drawn digit and
// explains the prediction; clicking another probability bar explains that class with another map;
// integrated gradients add up to the change of log p(class) within 1% (checked on the map's own
// sum, not only on the engine's report); the gradient follows a stroke live; an empty canvas shows
// no overlay; the section fits a 375 px phone.
//
// Expected digits come from the stroke files' labels (tests/e2e/draw/strokes/); the numbers checked
// are the page's own (data-* of [data-testid="why"], see why-overlay.js) and its canvas pixels.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RESULTS_DIR, T, useBrowser } from '../harness.mjs';
import { CLEAR, drawPartly, drawWithMouse, loadStrokes, openDrawPage, PREDICTION, waitForReadout } from './draw-helpers.mjs';

const browser = useBrowser();
const WHY = T('why');

/** The section's hooks: {state, class, chosen, method, strokes, mapMax, mapSum, completenessError, steps, logProbChange}. */
const readWhy = (page) => page.$eval(WHY, (el) => ({ ...el.dataset }));

/** Waits for an explanation on screen matching `attrs` (data-* values), and returns the hooks. */
async function waitForWhy(page, attrs, timeout = 10_000) {
  const selector = Object.entries({ state: 'shown', ...attrs })
    .map(([k, v]) => `[data-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${v}"]`)
    .join('');
  await page.waitForSelector(`${WHY}${selector}`, { timeout });
  return readWhy(page);
}

/** The overlay's pixels as [r, g, b] triples. */
const mapPixels = (page) =>
  page.$eval(T('why-map'), (c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const out = [];
    for (let i = 0; i < data.length; i += 4) out.push([data[i], data[i + 1], data[i + 2]]);
    return out;
  });

/** How many pixels lean clearly red (r above g and b) and clearly blue (b above r and g). */
function tints(pixels) {
  let red = 0;
  let blue = 0;
  for (const [r, g, b] of pixels) {
    if (r > g + 40 && r > b + 40) red++;
    if (b > r + 40 && b > g + 20) blue++;
  }
  return { red, blue };
}

async function openWhy(options) {
  const opened = await openDrawPage(browser.session, options);
  const { page } = opened;
  assert.equal((await readWhy(page)).state, 'closed', 'folded at first');
  await page.click(T('why-toggle'));
  await page.waitForSelector(`${WHY}[data-state="empty"]`);
  return opened;
}

describe('why this digit', () => {
  test('the overlay explains the prediction; another bar explains its class with another map', async () => {
    const { page, context, pageErrors } = await openWhy();
    // Nothing drawn: a hint, no overlay.
    assert.equal(await page.isVisible(T('why-map')), false);
    assert.match(await page.textContent(`${WHY} .why-hint`), /Draw a digit/);

    const { label, strokes } = await loadStrokes('seven');
    const readout = await drawWithMouse(page, strokes);
    assert.equal(readout.digit, label);
    const own = await waitForWhy(page, { strokes: strokes.length, method: 'gradient' });
    assert.equal(Number(own.class), readout.digit, 'the class explained is the prediction');
    assert.equal(own.chosen, 'prediction');
    assert.ok(Number(own.mapMax) > 0 && Number.isFinite(Number(own.mapMax)), `largest |value| ${own.mapMax}`);
    assert.equal(await page.isVisible(T('why-map')), true);
    assert.equal(await page.getAttribute(T(`draw-bar-${label}`), 'aria-pressed'), 'true', 'the explained bar is marked');
    assert.match(await page.textContent(`${WHY} .why-note`), new RegExp(`Why ${label}: the prediction`));
    assert.equal(await page.isVisible(T('why-back')), false);
    const ownPixels = await mapPixels(page);
    const ownTints = tints(ownPixels);
    assert.ok(ownTints.red > 0 && ownTints.blue > 0, `the overlay shows red and blue (${JSON.stringify(ownTints)})`);

    // "What makes it look like a 1?"
    const other = label === 1 ? 2 : 1;
    await page.click(T(`draw-bar-${other}`));
    const picked = await waitForWhy(page, { class: other, method: 'gradient' });
    assert.equal(picked.chosen, 'picked');
    assert.equal(picked.strokes, String(strokes.length), 'the same drawing');
    assert.notEqual(picked.mapSum, own.mapSum, 'another class, another map');
    assert.notEqual(picked.mapMax, own.mapMax);
    assert.notDeepEqual(await mapPixels(page), ownPixels, 'and the overlay shows it');
    assert.match(await page.textContent(`${WHY} .why-note`), new RegExp(`look like a ${other}\\? \\(It reads ${label}\\.\\)`));
    assert.equal(await page.getAttribute(T(`draw-bar-${other}`), 'aria-pressed'), 'true');
    assert.equal(await page.getAttribute(T(`draw-bar-${label}`), 'aria-pressed'), 'false');

    // Back to the prediction: the same map as before.
    await page.click(T('why-back'));
    const back = await waitForWhy(page, { class: label, chosen: 'prediction' });
    assert.equal(back.mapSum, own.mapSum, 'the same drawing and class give the same map');
    assert.equal(await page.isVisible(T('why-back')), false);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('integrated gradients add up to the change of log p(class) within 1%', async () => {
    const { page, context, pageErrors } = await openWhy();
    const { label, strokes } = await loadStrokes('four');
    await drawWithMouse(page, strokes);
    await waitForWhy(page, { strokes: strokes.length, method: 'gradient' });
    await page.click(T('why-method-integrated_gradients'));
    for (const cls of [label, (label + 5) % 10]) {
      if (cls !== label) await page.click(T(`draw-bar-${cls}`));
      const ig = await waitForWhy(page, { class: cls, method: 'integrated_gradients' });
      const error = Number(ig.completenessError);
      assert.ok(error >= 0 && error <= 0.01, `class ${cls}: completeness error ${error}`);
      assert.ok(Number(ig.steps) >= 50, `at least the 50 starting intervals (${ig.steps})`);
      // The map the page received adds up to the change it explains (the engine's claim, rechecked).
      const [sum, change] = [Number(ig.mapSum), Number(ig.logProbChange)];
      assert.ok(Math.abs(sum - change) <= 0.01 * Math.abs(change) + 1e-6, `class ${cls}: Σ map ${sum} vs Δ log p ${change}`);
      assert.match(await page.textContent(`${WHY} .why-detail`), /add up to it within \d+(\.\d+)?%/);
    }
    // Integrated gradients wait for the pen: a new stroke is explained once it is finished.
    await drawWithMouse(page, [[[0.1, 0.9], [0.2, 0.92]]]);
    const after = await waitForWhy(page, { strokes: strokes.length + 1, method: 'integrated_gradients' });
    assert.ok(Number(after.completenessError) <= 0.01);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('the gradient follows a stroke live, before the pen is lifted', async () => {
    const { page, context } = await openWhy();
    const { strokes } = await loadStrokes('zero');
    const finish = await drawPartly(page, strokes[0], 30);
    // Pointer still down: the explanation on screen is of the live read-out (zero finished strokes).
    const live = await waitForWhy(page, { strokes: 0, method: 'gradient' }, 5000);
    assert.notEqual(live.class, '');
    await finish();
    await waitForReadout(page, 1);
    await waitForWhy(page, { strokes: 1 });
    await context.close();
  });

  test('Clear leaves no overlay, only the hint, and a picked class is forgotten', async () => {
    const { page, context } = await openWhy();
    await drawWithMouse(page, (await loadStrokes('one')).strokes);
    await waitForWhy(page, { strokes: 1 });
    await page.click(T('draw-bar-4'));
    await waitForWhy(page, { class: 4 });
    await page.click(CLEAR);
    await page.waitForSelector(`${WHY}[data-state="empty"]`);
    const empty = await readWhy(page);
    assert.equal(empty.class, '');
    assert.equal(empty.mapMax, '');
    assert.equal(await page.isVisible(T('why-map')), false, 'no overlay');
    assert.equal(await page.isVisible(`${WHY} .why-hint`), true);
    assert.equal(await page.locator(`${PREDICTION} .draw-bar.is-explained`).count(), 0, 'no bar marked');
    assert.equal(await page.isDisabled(T('draw-bar-4')), true, 'nothing to pick on an empty canvas');
    // A new drawing is explained for its own prediction again.
    const readout = await drawWithMouse(page, (await loadStrokes('seven')).strokes);
    const again = await waitForWhy(page, { strokes: 1 });
    assert.equal(Number(again.class), readout.digit);
    await context.close();
  });

  test('clicking a bar opens the section; it fits a 375 px phone, light and dark', async () => {
    for (const colorScheme of ['light', 'dark']) {
      const { page, context, pageErrors } = await openDrawPage(browser.session, { viewport: { width: 375, height: 740 }, colorScheme });
      const { label, strokes } = await loadStrokes('seven');
      await drawWithMouse(page, strokes);
      assert.equal((await readWhy(page)).state, 'closed');
      await page.click(T('draw-bar-1'));
      const why = await waitForWhy(page, { class: 1, strokes: strokes.length });
      assert.equal(why.chosen, 'picked');
      assert.notEqual(label, 1);
      const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }));
      assert.ok(widths.page <= widths.view, `no sideways scrolling (${widths.page} > ${widths.view})`);
      for (const id of ['why-map', 'why-back', 'why-method-integrated_gradients']) {
        const box = await page.locator(T(id)).boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= widths.view, `${id} inside the screen (${JSON.stringify(box)})`);
      }
      const { red, blue } = tints(await mapPixels(page));
      assert.ok(red > 0 && blue > 0, `${colorScheme}: red and blue readable (${red}, ${blue})`);
      await page.locator(WHY).screenshot({ path: `${RESULTS_DIR}why-375-${colorScheme}.png` });
      assert.deepEqual(pageErrors, []);
      await context.close();
    }
  });
});
