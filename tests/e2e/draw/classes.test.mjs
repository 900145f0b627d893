// End-to-end test that the drawing panel follows the answering model's classes and names (issue 19):
// a model file of three named classes (tests/e2e/draw/model-fixture.mjs: its biases fix every
// reading at about 52% / 39% / 8%), loaded through "Load a model file…", turns the ten digit bars
// into three bars with its names, the answer, the close call, the "keep as" buttons and "Why this
// digit?" speak of those names, and the models panel says why it cannot be measured on MNIST's test
// set while it still answers drawings; the explain panel's class pickers offer its names. Loading
// the ten-digit default model back restores ten bars.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { T, useBrowser } from '../harness.mjs';
import { drawWithMouse, loadStrokes, openDrawPage, PREDICTION } from './draw-helpers.mjs';
import { namedClassModel } from './model-fixture.mjs';
import { closeCall } from '../../../www/draw/correction.js';

const browser = useBrowser();
const NAMES = ['cat', 'dog', 'bird'];
const BIASES = [0.4, 0.1, -1.5];

const barNames = (page) => page.$$eval(`${T('draw-bars')} .draw-bar-label`, (labels) => labels.map((l) => l.textContent));

test('a model of three named classes: three bars with its names, the close call and keep buttons name them', { timeout: 60_000 }, async () => {
  const { page, context, pageErrors } = await openDrawPage(browser.session);
  assert.deepEqual(await barNames(page), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], 'the default model answers with the ten digits');

  await page.setInputFiles(T('model-file'), { name: 'animals.bin', mimeType: 'application/octet-stream', buffer: await namedClassModel(NAMES, BIASES) });
  await page.waitForSelector(`${PREDICTION}[data-model="animals.bin"]`, { timeout: 20_000 });
  assert.deepEqual(await barNames(page), NAMES);
  assert.deepEqual(JSON.parse(await page.getAttribute(T('draw-bars'), 'data-classes')), NAMES);
  for (let k = 0; k < NAMES.length; k++) assert.equal(await page.getAttribute(T(`draw-bar-${k}`), 'data-name'), NAMES[k]);
  assert.equal(await page.$(T('draw-bar-3')), null, 'no fourth bar');
  assert.match(await page.textContent(T('draw-intro')), /one of its 3 classes \(cat, dog, bird\)/);
  // "Look inside a prediction": "Make it a …" and "Learn it as …" offer the model's classes.
  const choices = (prefix) => page.$$eval(`[data-testid^="${prefix}-"]`, (inputs) => inputs.map((i) => i.closest('label').textContent.trim()));
  assert.deepEqual(await choices('fool-target'), NAMES);
  assert.deepEqual(await choices('step-label'), NAMES);

  // It cannot be measured on MNIST's ten-digit test set, and says so; it still answers drawings.
  await page.waitForSelector(`${T('model-status')}:not([data-state="busy"])`, { timeout: 20_000 });
  const status = await page.textContent(T('model-status'));
  assert.match(status, /Loaded animals\.bin .*it answers in the drawing panel, but it cannot be measured on the test set: .*3 classes \(cat, dog, bird\)/);

  const { strokes } = await loadStrokes('seven');
  const readout = await drawWithMouse(page, strokes);
  assert.equal(readout.model, 'animals.bin');
  assert.equal(readout.probs.length, 3);
  assert.equal(readout.digit, 0, 'the largest bias wins whatever is drawn');
  assert.equal(await page.textContent(`${PREDICTION} .draw-digit`), 'cat');
  assert.match(await page.getAttribute(T('draw-bar-1'), 'title'), /^dog: .*what makes it look like a dog\?/);

  // The fixture's reading is a close call between cat and dog (checked by the panel's own rule).
  assert.deepEqual(closeCall(readout.probs), [0, 1]);
  const close = await page.$eval(T('close-call'), (el) => ({ hidden: el.hidden, names: JSON.parse(el.dataset.names), text: el.textContent }));
  assert.equal(close.hidden, false);
  assert.deepEqual(close.names, ['cat', 'dog']);
  assert.match(close.text, /Looks like a cat or a dog/);

  const keep = await page.$$eval('[data-testid^="keep-as-"]', (buttons) => buttons.map((b) => [b.dataset.testid, b.textContent]));
  assert.deepEqual(keep, NAMES.map((n, k) => [`keep-as-${k}`, n]));

  // "Why this digit?" on the dog bar names the classes.
  await page.click(T('draw-bar-1'));
  await page.waitForSelector(`${T('why')}[data-state="shown"][data-class="1"]`, { timeout: 10_000 });
  assert.equal(await page.textContent(`${T('why')} .why-note`), 'What makes it look like a dog? (It reads cat.)');
  assert.equal(await page.textContent(`${T('why')} .why-towards`), 'towards dog');

  // A ten-digit model file answers again: ten digit bars, the digits' intro.
  await page.setInputFiles(T('model-file'), { name: 'digits.bin', mimeType: 'application/octet-stream', buffer: await readFile(new URL('../../../data/default-model.bin', import.meta.url)) });
  await page.waitForSelector(`${PREDICTION}[data-model="digits.bin"][data-state="ready"]`, { timeout: 20_000 });
  assert.deepEqual(await barNames(page), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal((await page.$$('[data-testid^="keep-as-"]')).length, 10);
  assert.match(await page.textContent(T('draw-intro')), /^Draw one digit/);
  assert.equal((await choices('fool-target')).length, 10);

  assert.deepEqual(pageErrors, []);
  await context.close();
});
