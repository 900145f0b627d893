// "Your own classes" end to end in headless Chromium (issue 19): name three classes, draw 15
// examples of each shape with the mouse on the panel's canvas (generated, seeded strokes:
// shapes.mjs), train on them, then draw a new example of each shape on "Draw a digit" and check that
// the trained model reads it as its class, with the class names on the bars. Also: training is
// refused, saying what to do, with a class of fewer than two examples or a test share out of range.
//
// The expected classes come from the generator (which shape each drawing is); nothing in the page
// knows them.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RESULTS_DIR, T, useBrowser } from '../harness.mjs';
import { drawWithMouse, PREDICTION, readPrediction } from '../draw/draw-helpers.mjs';
import { addExample, addExamplesInPage, drawOnOwnCanvas, openOwnPage, panelState, setClassNames, trainOwnClasses, waitForStatus } from './own-helpers.mjs';
import { shapeSet, SHAPES } from './shapes.mjs';

const browser = useBrowser();
const NAMES = ['circle', 'triangle', 'cross'];
const PER_CLASS = 15;

describe('your own classes', () => {
  test('refuses to train with a class of fewer than two examples, and names it', async () => {
    const { page, context, pageErrors } = await openOwnPage(browser.session);
    const [first] = shapeSet(7, 1);
    await drawOnOwnCanvas(page, first.strokes);
    await addExample(page, 0);
    const serial = Number(await page.getAttribute(T('own-status'), 'data-serial'));
    await page.click(T('own-train'));
    const status = await waitForStatus(page, serial);
    assert.equal(status.state, 'error');
    assert.match(status.text, /Cannot train yet\. Draw more examples: every class needs at least 2 .*“○” has 1, “△” has 0, “✗” has 0/);
    assert.equal(await page.getAttribute(T('own-status'), 'role'), 'alert');
    // Enough examples, but a test share out of the engine's range: refused, the field marked.
    await addExamplesInPage(page, shapeSet(8, 2).slice(1));
    await page.fill(T('own-test-share'), '95');
    const serial2 = Number(await page.getAttribute(T('own-status'), 'data-serial'));
    await page.click(T('own-train'));
    const share = await waitForStatus(page, serial2);
    assert.equal(share.state, 'error');
    assert.equal(share.text, 'Held out for testing must be a percentage from 1 to 90.');
    assert.equal(await page.getAttribute(T('own-test-share'), 'aria-invalid'), 'true');
    // Nothing was sent: the data card still shows MNIST, and no run started.
    assert.equal(await page.textContent(T('train-count')), '60,000');
    assert.equal(await page.getAttribute(T('run'), 'data-state'), 'idle');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test(`${PER_CLASS} drawn examples of three shapes train a model that reads a new drawing of each`, async () => {
    const { page, context, pageErrors } = await openOwnPage(browser.session);
    await setClassNames(page, NAMES);
    // A rename to a name another class has is refused in words, and changes nothing.
    await page.fill(T('own-class-name-2'), 'circle');
    assert.match(await page.textContent(T('own-class-error-2')), /there is a class “circle” already/);
    await page.press(T('own-class-name-2'), 'Enter');
    assert.deepEqual((await panelState(page)).names, NAMES);
    assert.equal(await page.inputValue(T('own-class-name-2')), 'cross');

    // Drawn with the mouse, one example at a time, in turns (circle, triangle, cross, …).
    const examples = shapeSet(11, PER_CLASS);
    for (const { label, strokes } of examples) {
      await drawOnOwnCanvas(page, strokes);
      await addExample(page, label);
    }
    assert.deepEqual(await panelState(page), { names: NAMES, examples: 3 * PER_CLASS });
    for (const k of [0, 1, 2]) {
      assert.equal(await page.getAttribute(T(`own-grid-${k}`), 'data-count'), String(PER_CLASS));
      assert.equal(await page.locator(`${T(`own-grid-${k}`)} canvas.own-thumb`).count(), PER_CLASS);
      assert.equal(await page.getAttribute(T(`own-class-count-${k}`), 'data-value'), String(PER_CLASS));
    }
    // Each kept image is the network's 28×28 view: ink on black, not empty.
    const ink = await page.$$eval(`${T('own-grid-0')} canvas.own-thumb`, (cs) => cs.map((c) => [c.width, c.height, c.getContext('2d').getImageData(0, 0, 28, 28).data.filter((_, i) => i % 4 === 0).reduce((a, b) => a + b, 0)]));
    for (const [w, h, sum] of ink) {
      assert.deepEqual([w, h], [28, 28]);
      assert.ok(sum > 0, 'the example shows ink');
    }

    const status = await trainOwnClasses(page);
    assert.match(status, /^Training on \d+ of your drawings, \d+ held out for validation, 9 for testing, 40 epochs with augmentation/);
    // The data card shows the drawn set: 36 training and 9 test images (20% of each class held out).
    assert.equal(await page.textContent(T('train-count')), '36');
    assert.equal(await page.textContent(T('test-count')), '9');
    // The settings form shows what the run used.
    assert.equal(await page.inputValue(T('epochs')), '40');
    // The Data panel leaves these settings to this panel: no note of its own fitting.
    assert.equal(await page.isHidden(T('dataset-fit-note')), true, 'no Data panel fit note for drawn classes');

    // The drawing panel now answers with the learner's classes.
    await page.locator('#draw-panel').scrollIntoViewIfNeeded();
    assert.deepEqual(JSON.parse(await page.getAttribute(T('draw-bars'), 'data-classes')), NAMES);
    const fresh = shapeSet(2024, 1); // one new drawing of each shape, never added
    for (const { shape, label, strokes } of fresh) {
      await page.click(T('draw-clear'));
      const readout = await drawWithMouse(page, strokes);
      assert.equal(readout.model, 'trained');
      assert.equal(readout.probs.length, 3);
      assert.equal(readout.digit, label, `a new ${shape} read as ${NAMES[readout.digit]} (${JSON.stringify(readout.probs.map((p) => +p.toFixed(3)))})`);
      assert.equal(await page.textContent(`${PREDICTION} .draw-digit`), NAMES[label]);
      assert.equal(SHAPES[label], shape);
    }
    await page.locator(T('own-classes')).screenshot({ path: `${RESULTS_DIR}own-classes-trained.png` });
    assert.deepEqual((await readPrediction(page)).probs.length, 3);

    // Back on MNIST (the Data panel): the settings the run changed are the defaults again.
    await page.click(T('dataset-mnist'));
    await page.waitForFunction(() => document.querySelector('[data-testid="train-count"]').textContent === '60,000', null, { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="epochs"]').value === '3');
    assert.equal(await page.isChecked('#config-form input[name="augment.enabled"], #config-form [data-key="augment.enabled"] input'), false);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
