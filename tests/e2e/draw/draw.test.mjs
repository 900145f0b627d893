// End-to-end tests of the drawing panel (issue 5) in headless Chromium: draw our own stroke paths
// (tests/e2e/draw/strokes/*.json) with the mouse and with a finger, and check the read-out contract.
//
// Expected digits come from the stroke files' labels (each file is a plain, unambiguous drawing of
// its digit). The Undo oracle is the page itself: undoing a stroke must give back exactly the
// probabilities read before that stroke (same strokes → same pixels → same numbers).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RESULTS_DIR, useBrowser } from '../harness.mjs';
import { CANVAS, CLEAR, drawPartly, drawWithMouse, drawWithTouch, loadStrokes, openDrawPage, PREDICTION, readPrediction, UNDO, waitForReadout } from './draw-helpers.mjs';

const browser = useBrowser();

function assertProbabilities(probs) {
  assert.equal(probs.length, 10);
  for (const p of probs) assert.ok(p >= 0 && p <= 1, `probability ${p} outside [0, 1]`);
  const sum = probs.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-4, `probabilities sum to ${sum}`);
}

const argmax = (xs) => xs.indexOf(Math.max(...xs));

describe('drawing a digit', () => {
  test('the empty canvas predicts nothing, and the default model answers', async () => {
    const { page, context, pageErrors } = await openDrawPage(browser.session);
    const readout = await readPrediction(page);
    assert.deepEqual(readout, { digit: null, probs: [], model: 'default', strokes: 0, state: 'empty' });
    assert.equal(await page.locator(`${PREDICTION} .draw-bar.is-top`).count(), 0, 'no bar is highlighted');
    assert.match(await page.textContent(`${PREDICTION} .draw-model`), /pretrained model that comes with the page/);
    // Its layers come from the model file's config (input and output sizes from the engine).
    assert.match(await page.textContent(`${PREDICTION} .draw-model`), /\(\d+(-\d+)+-\d+; not the Default preset\)/);
    // The canvas keeps the page from scrolling or zooming under a finger.
    assert.equal(await page.$eval(CANVAS, (c) => getComputedStyle(c).touchAction), 'none');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  for (const name of ['one', 'seven', 'zero', 'four']) {
    test(`a mouse-drawn ${name} reads as its digit, with the bars and the 28×28 image`, async () => {
      const { page, context, pageErrors } = await openDrawPage(browser.session);
      const { label, strokes } = await loadStrokes(name);
      const readout = await drawWithMouse(page, strokes);
      assert.equal(readout.digit, label, `read ${readout.digit} (${JSON.stringify(readout.probs.map((p) => +p.toFixed(3)))})`);
      assert.equal(readout.model, 'default');
      assert.equal(readout.strokes, strokes.length);
      assertProbabilities(readout.probs);
      assert.equal(argmax(readout.probs), label, 'data-digit is the top class of data-probs');
      // The highlighted bar is the top class; the preview shows ink.
      assert.equal(await page.textContent(`${PREDICTION} .draw-bar.is-top .draw-bar-label`), String(label));
      const ink = await page.$eval(`${PREDICTION} canvas.draw-seen`, (c) =>
        c.getContext('2d').getImageData(0, 0, 28, 28).data.filter((_, i) => i % 4 === 0).reduce((a, b) => a + b, 0),
      );
      assert.ok(ink > 0, 'the 28×28 preview shows the drawing');
      // The pretrained model's name gives the layers of the network that answers (its hidden layers' captions).
      const named = /\((\d+(?:-\d+)+); not the Default preset\)/.exec(await page.textContent(`${PREDICTION} .draw-model`));
      assert.ok(named, 'the pretrained model is named by its layers');
      const captions = await page.$$eval('.draw-hidden-layer figcaption', (cs) => cs.map((c) => Number(/: (\d+) units/.exec(c.textContent)[1])));
      assert.deepEqual(named[1].split('-').slice(1, -1).map(Number), captions);
      if (name === 'seven') await page.locator('#draw-panel').screenshot({ path: `${RESULTS_DIR}draw-panel-desktop.png` });
      assert.deepEqual(pageErrors, []);
      await context.close();
    });
  }

  test('predicts live while a stroke is still being drawn', async () => {
    const { page, context } = await openDrawPage(browser.session);
    const { strokes } = await loadStrokes('zero');
    const finish = await drawPartly(page, strokes[0], 30);
    // No pointerup yet: the read-out is a live one, for zero finished strokes.
    await page.waitForSelector(`${PREDICTION}[data-state="drawing"]`, { timeout: 5000 });
    const live = await readPrediction(page);
    assert.equal(live.strokes, 0);
    assert.notEqual(live.digit, null);
    assertProbabilities(live.probs);
    await finish();
    assert.equal((await waitForReadout(page, 1)).digit, 0);
    await context.close();
  });

  test('once the user trains, their model answers and the panel says so', async () => {
    const { page, context } = await openDrawPage(browser.session);
    const before = await drawWithMouse(page, (await loadStrokes('seven')).strokes);
    assert.equal(before.model, 'default');
    await page.click('[data-testid="step"]'); // one training batch: the run's model now answers
    await page.waitForSelector(`${PREDICTION}[data-model="trained"][data-state="ready"][data-strokes="1"]`, { timeout: 20_000 });
    const after = await readPrediction(page);
    assertProbabilities(after.probs);
    assert.notDeepEqual(after.probs, before.probs, 'the same drawing, read by another model');
    // …and says how far that model got: one step is not a trained network.
    assert.match(await page.textContent(`${PREDICTION} .draw-model`), /your model, after 1 of [\d,]+ steps \(not yet through one epoch\)/);
    await context.close();
  });

  test('Clear empties the canvas and the prediction', async () => {
    const { page, context } = await openDrawPage(browser.session);
    await drawWithMouse(page, (await loadStrokes('zero')).strokes);
    await page.click(CLEAR);
    const readout = await waitForReadout(page, 0, 'empty');
    assert.deepEqual(readout, { digit: null, probs: [], model: 'default', strokes: 0, state: 'empty' });
    const ink = await page.$eval(CANVAS, (c) =>
      c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0).reduce((a, b) => a + b, 0),
    );
    assert.equal(ink, 0, 'the canvas is black again');
    assert.equal(await page.locator(`${PREDICTION} .draw-bar.is-top`).count(), 0);
    await context.close();
  });

  test('Undo removes the last stroke and gives back the earlier read-out exactly', async () => {
    const { page, context } = await openDrawPage(browser.session);
    const four = (await loadStrokes('four')).strokes;
    const first = await drawWithMouse(page, [four[0]]);
    const both = await drawWithMouse(page, [four[1]]);
    assert.equal(both.strokes, 2);
    assert.notDeepEqual(both.probs, first.probs);
    await page.click(UNDO);
    const undone = await waitForReadout(page, 1);
    assert.deepEqual(undone.probs, first.probs);
    assert.equal(undone.digit, first.digit);
    await page.click(UNDO);
    assert.deepEqual(await waitForReadout(page, 0, 'empty'), { digit: null, probs: [], model: 'default', strokes: 0, state: 'empty' });
    await context.close();
  });

  test('drawing with a finger (touch events) on a 375 px phone reads the digit', async () => {
    const { page, context, pageErrors } = await openDrawPage(browser.session, {
      viewport: { width: 375, height: 740 },
      contextOptions: { hasTouch: true, isMobile: true, deviceScaleFactor: 2 },
    });
    const { label, strokes } = await loadStrokes('seven');
    await page.locator(CANVAS).scrollIntoViewIfNeeded();
    const scrollBefore = await page.evaluate(() => window.scrollY);
    await page.evaluate(() => {
      window.__pointerTypes = new Set();
      document.querySelector('[data-testid="draw-canvas"]').addEventListener('pointerdown', (e) => window.__pointerTypes.add(e.pointerType));
    });
    const readout = await drawWithTouch(page, strokes);
    assert.equal(readout.digit, label, `read ${readout.digit}`);
    assert.deepEqual(await page.evaluate(() => [...window.__pointerTypes]), ['touch']);
    // The finger drew instead of scrolling the page (touch-action: none), and the canvas fits. A
    // stroke that scrolled would move the page by tens of pixels; scroll anchoring may shift it by
    // a pixel when a read-out above the viewport re-renders (seen once in CI: 9066 → 9067).
    const scrolled = (await page.evaluate(() => window.scrollY)) - scrollBefore;
    assert.ok(Math.abs(scrolled) <= 2, `the page scrolled by ${scrolled} px under the finger`);
    const box = await page.locator(CANVAS).boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 375, `canvas fits the phone: ${JSON.stringify(box)}`);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 375, 'no horizontal scrolling');
    await page.locator('#draw-panel').screenshot({ path: `${RESULTS_DIR}draw-panel-phone.png` });
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
