// End-to-end tests of the Data panel (www/data/, issue 19 "Load a data set"): an image folder
// (PNGs this test writes: three shapes in dark ink on light paper, of varied sizes) is checked,
// decoded, inverted and preprocessed in the page, loaded and trained on; a CSV loads and trains; the
// Fashion-MNIST example trains one epoch well above chance; bad folders and files show a message
// naming the problem and leave the previous data set in place, still training; MNIST comes back in
// one click with the settings the fit changed. Screenshots of the panel with Fashion-MNIST loaded
// at 1440 and 375 px go to test-results/.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { openPage, RESULTS_DIR, T, useBrowser, waitForDataState } from '../harness.mjs';
import { halvesCsv, writeFolder } from './pictures.mjs';

const browser = useBrowser();
/** Epochs the Fashion-MNIST example trains (1; FASHION_EPOCHS=n measures more, docs/guide.md). */
const FASHION_EPOCHS = Number(process.env.FASHION_EPOCHS ?? 1);

async function ready(options) {
  const opened = await openPage(browser.session, '', options);
  await waitForDataState(opened.page, ['ready'], 60_000);
  await opened.page.waitForSelector(`${T('dataset-folder-button')}:not([disabled])`);
  return opened;
}

const value = (page, testid) => page.getAttribute(T(testid), 'data-value');
const text = (page, testid) => page.textContent(T(testid));
const loadedName = (page) => page.getAttribute(T('data-panel'), 'data-name');

/** Waits until the panel shows the data set `name` and is no longer busy. */
async function waitLoaded(page, name, timeout = 60_000) {
  await page.waitForSelector(`${T('data-panel')}[data-name="${name}"][data-busy="false"]`, { timeout });
}

/** Waits until a load ends in an error (the panel not busy, its alert shown); returns its text. */
async function waitError(page, timeout = 60_000) {
  await page.waitForSelector(`${T('data-panel')}[data-busy="false"] ${T('dataset-error')}:not([hidden])`, { timeout });
  return text(page, 'dataset-error');
}

/** Trains `epochs` epochs with the form's other settings; returns the test accuracy reported. */
async function train(page, epochs) {
  await page.fill(T('epochs'), String(epochs));
  await page.waitForSelector(`${T('train')}:not([disabled])`, { timeout: 10_000 });
  await page.click(T('train'));
  await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 120_000 });
  const accuracy = await value(page, 'test-accuracy');
  assert.match(accuracy ?? '', /^0?\.\d+$|^1$|^0$/, `a test accuracy is reported (got ${accuracy})`);
  return Number(accuracy);
}

/** On a phone the training bar is fixed to the bottom of the screen: in the panel's picture it goes back in the flow. */
const unfixBar = (page) =>
  page.evaluate(() => {
    for (const el of document.querySelectorAll('.run .controls, #run-state, #run-progress')) {
      if (getComputedStyle(el).position === 'fixed') el.style.setProperty('position', 'static', 'important');
    }
  });

/** The sample grid's images as the network reads them (each canvas's alpha is the pixel value). */
const samplePixels = (page) =>
  page.$$eval(`${T('sample-grid')} canvas`, (canvases) =>
    canvases.map((c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 3))),
  );

/** An image's ink box (longer side, values ≥ 8 as the engine counts ink) and centre of mass. */
function shape(pixels) {
  let [x0, y0, x1, y1, mass, mx, my] = [28, 28, -1, -1, 0, 0, 0];
  pixels.forEach((v, i) => {
    const [x, y] = [i % 28, Math.floor(i / 28)];
    mass += v;
    mx += v * (x + 0.5);
    my += v * (y + 0.5);
    if (v < 8) return;
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  });
  return { side: Math.max(x1 - x0 + 1, y1 - y0 + 1), cx: mx / mass, cy: my / mass };
}

const histogramLabels = (page, id) => page.$$eval(`#${id} .bar-label`, (labels) => labels.map((l) => l.textContent));

describe('the Data panel', () => {
  test('an image folder loads (checked, inverted, preprocessed), shows its classes, and trains', { timeout: 240_000 }, async () => {
    const folder = await writeFolder('shapes', { ring: 20, bar: 20, cross: 20 }, { extra: { 'notes.txt': Buffer.from('drawn by a test\n'), '.DS_Store': Buffer.from([0]) } });
    const { page, context, pageErrors } = await ready();
    await page.setInputFiles(T('dataset-folder'), folder);
    await waitLoaded(page, 'shapes');
    assert.equal(await page.getAttribute(T('data-panel'), 'data-dataset'), 'custom');
    assert.match(await text(page, 'dataset-current'), /^shapes: 3 classes \(bar, cross, ring\)$/);
    const note = await text(page, 'dataset-note');
    assert.match(note, /Loaded shapes: 3 classes, 48 training and 12 test images\./);
    assert.match(note, /20% of every class is held out as the test set\./);
    assert.match(note, /60 of 60 pictures were dark on light and were inverted\./);
    assert.match(note, /Skipped 1 file that is not a picture: notes\.txt\./, 'the non-picture is named; .DS_Store is not');
    assert.equal(await value(page, 'train-count'), '48');
    assert.equal(await value(page, 'test-count'), '12');
    assert.deepEqual(await histogramLabels(page, 'train-histogram'), ['bar', 'cross', 'ring']);
    assert.deepEqual(await page.$$eval('#train-histogram li', (items) => items.map((li) => li.getAttribute('aria-label'))), ['bar: 16 images', 'cross: 16 images', 'ring: 16 images']);
    const sampleLabels = await page.$$eval(`${T('sample-grid')} .sample-label`, (labels) => labels.map((l) => l.textContent));
    assert.equal(sampleLabels.length, 12);
    assert.deepEqual([...new Set(sampleLabels)].sort(), ['bar', 'cross', 'ring']);
    assert.match(await page.textContent('#status-text'), /^shapes loaded: 60 images$/);
    // The settings were fitted to 48 training images, and say so.
    assert.match(await text(page, 'dataset-fit-note'), /Validation images 5000 → 4, Batch size 128 → 8/);
    assert.equal(await text(page, 'training-images'), '44');

    // The sample images are the network's, made as MNIST was: ink (light on dark: the paper is 0)
    // fitted into 20×20 and centred by mass in 28×28.
    const shapes = (await samplePixels(page)).map(shape);
    assert.equal(shapes.length, 12);
    for (const { side, cx, cy } of shapes) {
      assert.ok(side >= 19 && side <= 20, `the ink's box is 20 px on its longer side (${side})`);
      assert.ok(Math.abs(cx - 14) <= 0.5 && Math.abs(cy - 14) <= 0.5, `centred by mass (${cx.toFixed(2)}, ${cy.toFixed(2)})`);
    }

    const accuracy = await train(page, 15);
    console.log(`# shapes folder (48 training images, 15 epochs): test accuracy ${accuracy}`);
    assert.ok(accuracy > 0.6, `three shapes are told apart well above chance (33%): ${accuracy}`);
    assert.equal(await page.$$eval(`${T('per-class-accuracy')} li`, (items) => items.length), 3, 'per-class accuracy has the three classes');
    assert.deepEqual(await page.$$eval(`${T('per-class-accuracy')} .bar-label`, (l) => l.map((x) => x.textContent)), ['bar', 'cross', 'ring']);
    // The trained model answers the drawing panel with the folder's classes.
    await page.waitForFunction(() => document.querySelector('[data-testid="draw-bars"]')?.dataset.classes === JSON.stringify(['bar', 'cross', 'ring']));
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('a bad folder (one class only, an unreadable picture, a loose picture) says why and keeps the previous data set, which still trains', { timeout: 240_000 }, async () => {
    const good = await writeFolder('shapes', { ring: 12, bar: 12 });
    const oneClass = await writeFolder('rings', { ring: 6 });
    const broken = await writeFolder('broken', { ring: 6, bar: 6 }, { extra: { 'bar/bar-999.png': Buffer.from('this is not a PNG at all') } });
    const loose = await writeFolder('loose', { ring: 4, bar: 4 }, { extra: { 'stray.png': (await import('./pictures.mjs')).shapePng('ring', Math.random) } });
    const { page, context, pageErrors } = await ready();
    await page.setInputFiles(T('dataset-folder'), good);
    await waitLoaded(page, 'shapes');
    const counts = [await value(page, 'train-count'), await value(page, 'test-count')];

    await page.setInputFiles(T('dataset-folder'), oneClass);
    let error = await waitError(page);
    assert.match(error, /^Could not load the folder rings: only one class folder \(ring\/\) — a network needs at least 2 classes to tell apart: add a folder of pictures for each other class beside it\. The data set is still shapes\.$/);
    assert.equal(await loadedName(page), 'shapes');

    await page.setInputFiles(T('dataset-folder'), broken);
    error = await waitError(page);
    assert.match(error, /^Could not load the folder broken: bar\/bar-999\.png: the browser cannot read it as a picture .* Open it in an image viewer, save it again, or remove it\. The data set is still shapes\.$/);
    assert.equal(await loadedName(page), 'shapes');

    await page.setInputFiles(T('dataset-folder'), loose);
    error = await waitError(page);
    assert.match(error, /stray\.png is not in a class folder: every picture goes in the folder of its class \(e\.g\. cats\/stray\.png\) — move it into one or remove it/);

    // Nothing changed: the same data set, counts and classes, and it trains.
    assert.equal(await loadedName(page), 'shapes');
    assert.deepEqual([await value(page, 'train-count'), await value(page, 'test-count')], counts);
    assert.match(await text(page, 'dataset-current'), /^shapes: 2 classes \(bar, ring\)$/);
    const accuracy = await train(page, 5);
    console.log(`# shapes folder after refusals (2 classes, 5 epochs): test accuracy ${accuracy}`);
    assert.ok(accuracy >= 0, 'the previous data set still trains');
    // A successful load hides the old error. With "plain resize" the whole picture is squashed
    // instead: the shapes keep their size and place in the picture, not fitted and centred.
    const fitted = (await samplePixels(page)).map(shape);
    await page.check(T('dataset-mode-plain'));
    await page.setInputFiles(T('dataset-folder'), good);
    await waitLoaded(page, 'shapes');
    assert.equal(await page.isHidden(T('dataset-error')), true);
    const squashed = (await samplePixels(page)).map(shape);
    assert.equal(squashed.length, fitted.length);
    assert.ok(fitted.every((s) => s.side >= 19), 'MNIST-style: fitted to 20 px');
    // The test's shapes sit off centre at a third to two thirds of their picture's size.
    assert.ok(squashed.some((s) => s.side < 19), `plain resize: shapes keep their size in the picture (${squashed.map((s) => s.side)})`);
    assert.ok(squashed.some((s) => Math.hypot(s.cx - 14, s.cy - 14) > 1.5), 'plain resize: shapes keep their place in the picture');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('a CSV ("label, 784 pixels") loads and trains; one with a pixel out of range is refused with the engine\'s message', { timeout: 180_000 }, async () => {
    const { page, context, pageErrors } = await ready();
    await page.setInputFiles(T('dataset-files'), { name: 'halves.csv', mimeType: 'text/csv', buffer: halvesCsv(60) });
    await waitLoaded(page, 'halves');
    assert.match(await text(page, 'dataset-current'), /^halves: 2 classes \(0, 1\)$/);
    assert.equal(await value(page, 'train-count'), '96');
    assert.equal(await value(page, 'test-count'), '24');

    const bad = halvesCsv(3).toString().replace(/\n1,(\d+),/, '\n1,300,');
    await page.setInputFiles(T('dataset-files'), { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    const error = await waitError(page);
    assert.match(error, /^Could not load bad\.csv: bad\.csv: .*300.*The data set is still halves\.$/);
    assert.equal(await loadedName(page), 'halves');

    // Dropped onto the panel (a drop of plain files, as from a file manager): the same CSV loads again under its name.
    const csvText = halvesCsv(40, 5).toString();
    const dropped = await page.evaluateHandle((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
      return transfer;
    }, csvText);
    await page.dispatchEvent(T('data-panel'), 'drop', { dataTransfer: dropped });
    await waitLoaded(page, 'dropped');
    assert.equal(await value(page, 'train-count'), '64');

    const accuracy = await train(page, 10);
    console.log(`# halves CSV (96 training images, 10 epochs): test accuracy ${accuracy}`);
    assert.ok(accuracy > 0.75, `left and right halves are told apart: ${accuracy}`);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('IDX files (gzipped, with a names file) load through Load files…; without it the classes are numbered', { timeout: 120_000 }, async () => {
    const { page, context, pageErrors } = await ready();
    const fashion = (name) => fileURLToPath(new URL(`../../../data/fashion/${name}`, import.meta.url));
    const idx = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map(fashion);
    await page.setInputFiles(T('dataset-files'), [...idx, fashion('names.txt')]);
    await waitLoaded(page, 'train-images');
    assert.match(await text(page, 'dataset-current'), /^train-images: 10 classes \(T-shirt\/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot\)$/);
    assert.deepEqual([await value(page, 'train-count'), await value(page, 'test-count')], ['6000', '1000']);
    // The training pair alone: a fifth held out; no names file: the labels' numbers.
    await page.setInputFiles(T('dataset-files'), idx.slice(0, 2));
    await page.waitForSelector(`${T('dataset-current')}:text("0, 1, 2")`);
    assert.match(await text(page, 'dataset-current'), /^train-images: 10 classes \(0, 1, 2, 3, 4, 5, 6, 7, 8, 9\)$/);
    assert.deepEqual([await value(page, 'train-count'), await value(page, 'test-count')], ['4800', '1200']);
    // Labels without their images: refused by name, nothing changes.
    await page.setInputFiles(T('dataset-files'), idx.slice(1, 2));
    assert.match(await waitError(page), /^Could not load train-labels-idx1-ubyte\.gz: train-labels-idx1-ubyte\.gz has no images file beside it — pick the images file too/);
    assert.equal(await value(page, 'test-count'), '1200');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('the Fashion-MNIST example trains (one epoch) well above chance; MNIST comes back in one click', { timeout: 240_000 }, async () => {
    const { page, context, pageErrors, requests, origin } = await ready({ viewport: { width: 1440, height: 1000 } });
    await page.click(T('dataset-fashion'));
    await waitLoaded(page, 'Fashion-MNIST (example)');
    assert.equal(await page.getAttribute(T('dataset-fashion'), 'aria-pressed'), 'true');
    assert.equal(await value(page, 'train-count'), '6000');
    assert.equal(await value(page, 'test-count'), '1000');
    assert.deepEqual(await histogramLabels(page, 'train-histogram'), ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    assert.match(await text(page, 'dataset-fit-note'), /Validation images 5000 → 500/);
    // Its test set is sorted by class: the samples are spread over it, so every class shows.
    await page.waitForSelector(`${T('samples-caption')}:text("spread evenly")`);
    const sampleLabels = await page.$$eval(`${T('sample-grid')} .sample-label`, (labels) => labels.map((l) => l.textContent));
    assert.equal(sampleLabels.length, 60);
    assert.equal(new Set(sampleLabels).size, 10, `every class among the samples: ${[...new Set(sampleLabels)]}`);

    await mkdir(RESULTS_DIR, { recursive: true });
    await page.locator(T('data-card')).screenshot({ path: `${RESULTS_DIR}data-panel-fashion-1440.png` });

    // While a run is under way (here paused) the data set cannot change: the buttons wait, and say why.
    await page.fill(T('epochs'), String(FASHION_EPOCHS));
    await page.waitForSelector(`${T('step')}:not([disabled])`);
    await page.click(T('step')); // a run that trains one batch, then waits paused
    await page.waitForSelector(`${T('run')}[data-state="paused"]`, { timeout: 30_000 });
    for (const id of ['dataset-mnist', 'dataset-fashion', 'dataset-files-button', 'dataset-folder-button']) assert.equal(await page.isDisabled(T(id)), true, `${id} waits for the run`);
    assert.equal(await page.isHidden(T('dataset-run-note')), false);
    assert.match(await page.textContent(T('dataset-run-note')), /Stop the run \(or let it finish\) to change the data set\./);
    await page.click(T('pause')); // Resume
    await page.waitForSelector(`${T('run')}[data-state="finished"]`, { timeout: 120_000 });
    assert.equal(await page.isDisabled(T('dataset-mnist')), false);
    assert.equal(await page.isHidden(T('dataset-run-note')), true);
    const accuracy = Number(await value(page, 'test-accuracy'));
    console.log(`# Fashion-MNIST example, default settings, ${FASHION_EPOCHS} epoch(s): test accuracy ${accuracy}`);
    assert.ok(accuracy > 0.6, `well above chance (10%): ${accuracy}`);
    assert.match(await page.$eval(`${T('confusion-matrix')}`, (m) => m.textContent), /\d/);
    // Per-class accuracy: the bars' range reaches down to the weakest class (shirts are hard).
    const perClass = (await page.$$eval(`${T('per-class-accuracy')} li`, (items) => items.map((li) => Number(li.dataset.value))));
    assert.equal(perClass.length, 10);
    console.log(`# per class: ${perClass.map((a) => (100 * a).toFixed(0)).join(' ')}`);
    const weakest = Math.min(...perClass);
    const floor = weakest >= 0.8 ? 80 : Math.floor(weakest * 10) * 10;
    assert.equal(await text(page, 'per-class-range'), `Bars span ${floor}–100%.`);

    // The learning-rate finder's config carries the data's classes too (the engine refuses others).
    await page.click(T('lr-finder-start'));
    await page.waitForSelector(`${T('lr-finder')}[data-state="done"], ${T('lr-finder')}[data-state="error"]`, { timeout: 120_000 });
    assert.equal(await page.getAttribute(T('lr-finder'), 'data-state'), 'done', await page.textContent(T('lr-finder-status')));

    // A phone's view of the same panel.
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 375, height: 800 });
    await phone.goto(page.url());
    await waitForDataState(phone, ['ready'], 60_000);
    await phone.waitForSelector(`${T('dataset-fashion')}:not([disabled])`);
    await phone.click(T('dataset-fashion'));
    await waitLoaded(phone, 'Fashion-MNIST (example)');
    await phone.waitForSelector(`${T('samples-caption')}:text("spread evenly")`);
    await unfixBar(phone);
    await phone.locator(T('data-card')).screenshot({ path: `${RESULTS_DIR}data-panel-fashion-375.png` });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at 375 px (${overflow} px too wide)`);
    await phone.close();

    // Back to MNIST: one click, the settings the fit changed return.
    await page.click(T('dataset-mnist'));
    await waitLoaded(page, 'MNIST');
    assert.equal(await page.getAttribute(T('data-panel'), 'data-dataset'), 'mnist');
    assert.equal(await page.textContent('#status-text'), 'MNIST loaded: 70,000 images');
    assert.match(await text(page, 'dataset-current'), /^MNIST: 10 classes \(0, 1, 2, 3, 4, 5, 6, 7, 8, 9\)$/);
    assert.equal(await page.isHidden(T('dataset-fit-note')), true);
    await page.waitForFunction(() => document.querySelector('[data-testid="training-images"]')?.textContent === '55,000');
    assert.deepEqual(await histogramLabels(page, 'train-histogram'), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const foreign = requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:'));
    assert.deepEqual(foreign, [], 'nothing leaves the page\'s origin');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
