// End-to-end tests of "Look inside a prediction" (issue 17; www/explain/) in headless Chromium on
// the pretrained model: "Fool the network" turns a drawn 7 into the chosen digit within the budget
// (the L∞ distance and the range of the returned image are checked on the page side, from the
// image the engine sent back), and fails below the smallest ε found; "Step through one example"
// shows every layer forward and backward, is steppable by keyboard, and one SGD step on a label
// raises that label's probability; a test digit can be chosen by number (a bad number gets a
// message); the test-set gallery's digits open the "why" overlay (after a short training run); the
// section fits a 375 px phone.
//
// The numbers checked are the page's own data-* hooks (documented in fool.js, step-through.js,
// gallery-why.js), not the engine's report alone.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { T, useBrowser } from '../harness.mjs';
import { drawWithMouse, loadStrokes, openDrawPage } from '../draw/draw-helpers.mjs';

const browser = useBrowser();
const FOOL = T('fool');
const STEP = T('step-through');

const hooks = (page, selector) => page.$eval(selector, (el) => ({ ...el.dataset }));

/** Opens the page, draws the 7 of tests/e2e/draw/strokes/ and makes it the example. */
async function withDrawnSeven(options) {
  const opened = await openDrawPage(browser.session, options);
  const { strokes, label } = await loadStrokes('seven');
  const readout = await drawWithMouse(opened.page, strokes);
  assert.equal(readout.digit, label);
  await opened.page.click(T('explain-use-drawing'));
  await opened.page.waitForSelector(`${T('explain-panel')}[data-subject="drawing"]`);
  return { ...opened, digit: readout.digit };
}

/** Moves the ε slider as a user would (an `input` event) and waits for that attack. */
async function setEpsilon(page, epsilon) {
  await page.$eval(T('fool-epsilon'), (s, v) => {
    s.value = String(v);
    s.dispatchEvent(new Event('input', { bubbles: true }));
  }, epsilon);
  await page.waitForFunction(
    ([sel, e]) => {
      const d = document.querySelector(sel).dataset;
      return d.state === 'shown' && Math.abs(Number(d.epsilon) - e) < 1e-6;
    },
    [FOOL, epsilon],
    { timeout: 10_000 },
  );
  return hooks(page, FOOL);
}

/** The budget holds: every pixel within ε of the original, and in [0, 1] (the page's own check). */
function assertWithinBudget(d) {
  assert.ok(Number(d.linf) <= Number(d.epsilon), `L∞ ${d.linf} ≤ ε ${d.epsilon}`);
  assert.ok(Number(d.imageMin) >= 0 && Number(d.imageMax) <= 1, `range [${d.imageMin}, ${d.imageMax}] in [0, 1]`);
}

describe('look inside a prediction', () => {
  test('the attack turns a drawn 7 into the chosen digit within the budget', async () => {
    const { page, context, pageErrors, digit } = await withDrawnSeven();
    const target = 3;
    assert.notEqual(target, digit);
    await page.click(`label:has(${T(`fool-target-${target}`)})`);
    // The search ends with the slider at the smallest ε found, and that attack on screen.
    await page.waitForFunction((sel) => {
      const d = document.querySelector(sel).dataset;
      return d.state === 'shown' && d.target === '3' && d.smallestEpsilon !== '';
    }, FOOL, { timeout: 15_000 });
    const found = await hooks(page, FOOL);
    const smallest = Number(found.smallestEpsilon);
    const max = Number(await page.getAttribute(T('fool-epsilon'), 'max'));
    assert.ok(smallest > 0 && smallest <= max, `smallest ε ${smallest} in (0, ${max}]`);
    assert.equal(found.reached, 'true', 'at the smallest ε (rounded up to the slider) it reads the target');
    assert.equal(found.predictedAfter, String(target));
    assert.ok(Number(found.epsilon) >= smallest);
    assertWithinBudget(found);
    assert.match(await page.textContent(T('fool-smallest')), /Smallest ε that makes it a 3/);

    // A larger budget: still within it; well below the smallest: not fooled.
    const large = await setEpsilon(page, 0.3);
    assert.equal(large.reached, 'true');
    assertWithinBudget(large);
    assert.ok(Number(large.linf) > smallest / 2, 'the attack uses its budget');
    const small = await setEpsilon(page, Math.floor((smallest / 2) * 1000) / 1000);
    assert.equal(small.reached, 'false', `half the smallest ε (${small.epsilon}) does not reach ${target}`);
    assert.equal(small.predictedAfter, String(digit));
    assertWithinBudget(small);
    assert.match(await page.textContent(`${FOOL} .xp-verdict`), /still reads 7/);
    // The probabilities before and after are on the page.
    const probs = await hooks(page, T('fool-probabilities'));
    assert.equal(JSON.parse(probs.before).length, 10);
    assert.equal(JSON.parse(probs.after).length, 10);
    assert.ok(await page.isVisible(T('fool-perturbation')));
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('stepping through shows every layer; one SGD step on a label raises its probability', async () => {
    const { page, context, pageErrors, digit } = await withDrawnSeven();
    await page.waitForSelector(`${STEP}[data-state="shown"]`);
    let d = await hooks(page, STEP);
    assert.equal(d.label, String(digit), 'a drawing is learned as its prediction by default');
    const label = 3;
    await page.click(`label:has(${T(`step-label-${label}`)})`);
    await page.waitForSelector(`${STEP}[data-state="shown"][data-label="${label}"]`);
    d = await hooks(page, STEP);
    const layers = Number(d.layers);
    const stages = Number(d.stages);
    assert.equal(layers, 3, 'the pretrained model: 784-256-128-10');
    // Every slide, with the Next button.
    const seen = [];
    for (let i = 0; i < stages; i++) {
      d = await hooks(page, STEP);
      assert.equal(Number(d.stage), i);
      seen.push(`${d.stageKind}${d.layer}`);
      if (d.stageKind === 'forward' || d.stageKind === 'delta') {
        const bars = await page.$$eval(`${T('step-slide')} .xp-unit`, (l) => l.length);
        assert.ok(bars > 0, `${seen.at(-1)} shows its first units as bars`);
        assert.ok(await page.isVisible(`${T('step-slide')} .xp-stats`), `${seen.at(-1)} shows statistics`);
      }
      if (d.stageKind === 'weight-gradient') {
        const units = await page.$$eval(`${T('step-weight-maps')} canvas`, (l) => l.map((c) => Number(c.dataset.unit)));
        assert.equal(units.length, 8, 'eight units as 28×28 maps');
        assert.deepEqual(units, [...units].sort((a, b) => a - b), 'the first ones (with δ ≠ 0), in order');
      }
      if (i < stages - 1) await page.click(T('step-next'));
    }
    const expected = ['input', ...Array.from({ length: layers - 1 }, (_, l) => `forward${l + 1}`), `output${layers}`, `output-delta${layers}`];
    for (let l = layers - 1; l >= 1; l--) expected.push(`delta${l}`);
    expected.push('weight-gradient1', 'sgd-step');
    assert.deepEqual(seen, expected, 'every layer forward and backward');
    assert.equal(await page.isDisabled(T('step-next')), true, 'the last slide');

    // The SGD step: p(label) rises, the loss falls.
    await page.click(T('step-apply'));
    await page.waitForSelector(`${STEP}[data-applied="true"]`);
    d = await hooks(page, STEP);
    const before = JSON.parse(d.probabilities);
    const after = JSON.parse(d.probabilitiesAfter);
    assert.ok(after[label] > before[label], `p(${label}) ${before[label]} → ${after[label]}`);
    assert.ok(Number(d.lossAfter) < Number(d.loss), `loss ${d.loss} → ${d.lossAfter}`);
    assert.ok(Math.abs(after.reduce((a, b) => a + b, 0) - 1) < 1e-4);
    const shown = await hooks(page, T('step-after'));
    assert.deepEqual(JSON.parse(shown.after), after, 'the chart shows the probabilities after the step');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('keyboard: ← and → step through the slides, Home and End jump', async () => {
    const { page, context } = await withDrawnSeven();
    await page.waitForSelector(`${STEP}[data-state="shown"]`);
    const stage = async () => Number((await hooks(page, STEP)).stage);
    await page.focus(T('step-slide'));
    assert.equal(await stage(), 0);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await stage(), 0, 'no slide before the first');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await stage(), 2);
    assert.equal((await hooks(page, STEP)).stageKind, 'forward');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await stage(), 1);
    await page.keyboard.press('End');
    const last = Number((await hooks(page, STEP)).stages) - 1;
    assert.equal(await stage(), last);
    assert.equal((await hooks(page, STEP)).stageKind, 'sgd-step');
    await page.keyboard.press('Home');
    assert.equal(await stage(), 0);
    // The keys work from the buttons too (Tab to Next, then →).
    await page.focus(T('step-next'));
    await page.keyboard.press('ArrowRight');
    assert.equal(await stage(), 1);
    await context.close();
  });

  test('a test digit by number; a number out of range gets a message', async () => {
    const { page, context, pageErrors } = await openDrawPage(browser.session);
    await page.fill(T('explain-test-index'), '10000');
    await page.click(T('explain-show-test'));
    await page.waitForFunction(() => /numbered 0 to 9,999/.test(document.querySelector('.xp-chooser .xp-error').textContent));
    await page.fill(T('explain-test-index'), '3');
    await page.click(T('explain-show-test'));
    await page.waitForSelector(`${T('explain-panel')}[data-subject="test-3"]`);
    await page.waitForSelector(`${STEP}[data-state="shown"]`);
    // Test digit 3 is a 0: it is learned as its true label.
    assert.equal((await hooks(page, STEP)).label, '0');
    await page.waitForSelector(`${FOOL}[data-state="shown"]`, { timeout: 15_000 });
    assertWithinBudget(await hooks(page, FOOL));
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('each digit of the test-set gallery opens the why overlay', async () => {
    // A short run (1,024 images, one epoch): its test evaluation fills the gallery.
    const { page, context, pageErrors } = await openDrawPage(browser.session);
    await page.evaluate(() => {
      history.replaceState(null, '', '#hidden=32&epochs=1&train_subset=1024');
      dispatchEvent(new HashChangeEvent('hashchange'));
    });
    await page.waitForFunction(() => document.querySelector('[data-testid="epochs"]')?.value === '1');
    const t0 = Date.now();
    await page.click(T('train'));
    await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 60_000 });
    console.log(`# short run trained and evaluated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const first = `${T('misclassified-gallery')} li:first-child .gallery-pick`;
    await page.waitForSelector(first);
    const item = await page.$eval(`${T('misclassified-gallery')} li:first-child`, (li) => ({ ...li.dataset }));
    await page.click(first);
    const DIALOG = T('gallery-why');
    await page.waitForSelector(`${DIALOG}[open]`);
    assert.equal((await hooks(page, DIALOG)).index, item.index);
    const WHY = `${DIALOG} ${T('why')}`;
    await page.waitForSelector(`${WHY}[data-state="shown"]`, { timeout: 10_000 });
    let why = await hooks(page, WHY);
    assert.equal(why.class, item.predicted, 'it explains the prediction');
    assert.ok(Number(why.mapMax) > 0);
    assert.ok(await page.isVisible(`${DIALOG} ${T('why-map')}`));
    // Another class: click its probability.
    const other = item.label;
    await page.click(`${DIALOG} ${T('gallery-why-probabilities')} li[data-class="${other}"] button`);
    await page.waitForSelector(`${WHY}[data-state="shown"][data-class="${other}"]`);
    why = await hooks(page, WHY);
    assert.equal(why.chosen, 'picked');
    // Hand it to "Fool the network".
    await page.click(T('gallery-why-fool'));
    await page.waitForSelector(`${DIALOG}:not([open])`, { state: 'attached' });
    await page.waitForSelector(`${T('explain-panel')}[data-subject="test-${item.index}"]`);
    await page.waitForSelector(`${FOOL}[data-state="shown"]`, { timeout: 15_000 });
    // Keyboard: the gallery digit is a button; Escape closes the dialog.
    await page.focus(first);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${DIALOG}[open]`);
    await page.keyboard.press('Escape');
    await page.waitForSelector(`${DIALOG}:not([open])`, { state: 'attached' });
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('the section fits a 375 px phone', async () => {
    const { page, context } = await withDrawnSeven({ viewport: { width: 375, height: 740 } });
    await page.waitForSelector(`${FOOL}[data-state="shown"]`, { timeout: 15_000 });
    await page.waitForSelector(`${STEP}[data-state="shown"]`);
    for (let i = 0; i < 3; i++) await page.click(T('step-next'));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, 'no horizontal scrolling');
    for (const sel of [FOOL, STEP, T('step-slide')]) {
      const box = await page.$eval(sel, (el) => el.getBoundingClientRect().right);
      assert.ok(box <= 375, `${sel} ends at ${box}`);
    }
    await context.close();
  });
});
