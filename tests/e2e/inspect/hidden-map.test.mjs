// End-to-end tests of "What the hidden layer learned" (issue 16; www/inspect/hidden-map.js) in
// headless Chromium: the map of the pretrained model shows the ten digits; hovering a point shows
// its image, label and prediction; clicking sends the image to the drawing panel, which reads it
// and whose drawing is marked on the map near the point it came from; a drawing is marked and the
// mark goes with Clear; the keyboard picks points, and on a phone a tap shows the digit with a
// button that draws with it; a short run brings a new map after its first
// batch and after every epoch, with the points moved; the guided set "What the hidden layer
// learned" separates the digits as its text says, and the replay plays it again; the UMAP view
// (umap-js in a worker of its own) can be cancelled, and clusters the digits far more than PCA.
//
// The numbers checked are the page's own (the section's data-*, the canvas's data-probe: see the
// module's automation contract); the map itself is the engine's (src/inspect/hidden_map.rs, tested
// against a reference there).

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { T, useBrowser } from '../harness.mjs';
import { CLEAR, drawWithMouse, loadStrokes, openDrawPage, PREDICTION, waitForReadout } from '../draw/draw-helpers.mjs';

const browser = useBrowser();
const MAP = T('hidden-map');
const CANVAS = T('hidden-map-canvas');
const TIP = T('hidden-map-tip');

const readMap = (page) => page.$eval(MAP, (el) => ({ ...el.dataset }));
const readProbe = async (page) => JSON.parse(await page.getAttribute(CANVAS, 'data-probe'));

/** Viewport position of map point `p` (a probe entry). */
async function pointOnScreen(page, p) {
  await page.locator(CANVAS).scrollIntoViewIfNeeded();
  const box = await page.locator(CANVAS).boundingBox();
  return [box.x + p.px[0], box.y + p.px[1]];
}

describe('hidden-layer map', () => {
  let page;
  before(async () => {
    ({ page } = await openDrawPage(browser.session));
    await page.waitForSelector(`${MAP}[data-state="shown"]`, { timeout: 20_000 });
  });

  test('shows the pretrained model’s map with the engine’s ten labels', async () => {
    const map = await readMap(page);
    assert.equal(map.model, 'default');
    assert.equal(map.epoch, '');
    assert.equal(map.classes, '10');
    assert.equal(Number(map.count), 2000);
    const legend = await page.$$eval(`${T('hidden-map-legend')} button`, (bs) => bs.map((b) => b.textContent.trim()));
    assert.deepEqual(legend, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const probe = await readProbe(page);
    assert.equal(probe.length, 5);
    for (const p of probe) {
      assert.ok(Number.isInteger(p.label) && p.label >= 0 && p.label < 10);
      assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y));
    }
    // The dots are drawn in the legend's colours: the canvas is not blank.
    const coloured = await page.$eval(CANVAS, (c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    assert.ok(coloured > 2000, `${coloured} painted pixels`);
    console.log(`map of the pretrained model: ${map.ms} ms`);
  });

  test('hovering a point shows its image, label and prediction; clicking draws with it', async () => {
    const [p] = await readProbe(page);
    const [x, y] = await pointOnScreen(page, p);
    await page.mouse.move(x, y);
    await page.waitForSelector(`${TIP}:not([hidden])[data-index="${p.index}"]`);
    const tip = await page.$eval(TIP, (el) => ({ ...el.dataset, text: el.textContent }));
    assert.equal(tip.label, String(p.label));
    assert.match(tip.text, new RegExp(`a ${p.label}, read as ${tip.predicted}`));
    // Its image: the test digit's pixels, once fetched.
    await page.waitForSelector(`${T('hidden-map-tip-image')}[data-loaded="true"]`);
    const ink = await page.$eval(T('hidden-map-tip-image'), (c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 128) n++;
      return n;
    });
    assert.ok(ink > 30, `${ink} inked pixels in the tooltip's digit`);

    await page.mouse.click(x, y);
    await page.waitForSelector(`${T('draw-canvas')}[data-picture*="Test image ${p.index},"]`);
    const read = await waitForReadout(page, 0, 'ready');
    assert.equal(read.digit, Number(tip.predicted), 'the drawing panel reads the digit as the map did');
    assert.ok(read.probs[read.digit] > 0.5);
    // The drawing is marked on the map, near the dot it came from (it went through the drawing
    // panel's preprocessing, so not exactly on it).
    await page.waitForFunction((sel) => document.querySelector(sel).dataset.drawing !== '', MAP);
    const [dx, dy] = (await readMap(page)).drawing.split(',').map(Number);
    const span = await page.$eval(CANVAS, (c) => {
      const probe = JSON.parse(c.dataset.probe);
      return Math.max(...probe.map((q) => Math.hypot(q.x, q.y)));
    });
    const off = Math.hypot(dx - p.x, dy - p.y);
    console.log(`test image ${p.index} drawn: ${off.toFixed(2)} from its dot (probe radius ${span.toFixed(1)})`);
    assert.ok(off < 0.2 * span, `the drawing lands ${off} from its dot`);
  });

  test('the keyboard picks points too, and Enter draws with the chosen one', async () => {
    await page.focus(CANVAS);
    await page.waitForSelector(`${TIP}:not([hidden])`);
    const first = await page.getAttribute(TIP, 'data-index');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(([sel, before]) => document.querySelector(sel).dataset.index !== before, [TIP, first]);
    const chosen = await page.$eval(TIP, (el) => ({ ...el.dataset }));
    assert.ok(await page.isVisible(T('hidden-map-send')), 'a button to draw with it (no mouse to click with)');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${T('draw-canvas')}[data-picture*=", a ${chosen.label}, "]`);
    assert.match(await page.getAttribute(T('draw-canvas'), 'data-picture'), new RegExp(`^Test image ${Number(chosen.index).toLocaleString('en-US')},`));
  });

  test('a drawing appears as a marked point and Clear removes it', async () => {
    await page.click(CLEAR);
    await page.waitForFunction((sel) => document.querySelector(sel).dataset.drawing === '', MAP);
    const one = await loadStrokes('one');
    await drawWithMouse(page, one.strokes);
    await page.waitForFunction((sel) => document.querySelector(sel).dataset.drawing !== '', MAP);
    const first = (await readMap(page)).drawing;
    const zero = await loadStrokes('zero');
    await page.click(CLEAR);
    await drawWithMouse(page, zero.strokes);
    await page.waitForFunction(([sel, before]) => !['', before].includes(document.querySelector(sel).dataset.drawing), [MAP, first]);
    assert.equal(await page.getAttribute(PREDICTION, 'data-digit'), '0');
  });

  test('UMAP of the map: Cancel stops it; it then clusters the digits far more than PCA', async () => {
    const pca = await readMap(page);
    assert.equal(pca.projection, 'pca');
    await page.click(T('hidden-map-umap'));
    await page.waitForSelector(`${MAP}[data-umap="running"]`);
    assert.ok(await page.isVisible(T('hidden-map-umap-cancel')));
    await page.click(T('hidden-map-umap-cancel'));
    await page.waitForSelector(`${MAP}[data-umap="cancelled"][data-projection="pca"]`);
    assert.match(await page.textContent(T('hidden-map-umap-text')), /cancelled/);
    assert.equal(await page.isVisible(T('hidden-map-umap-cancel')), false);

    await page.click(T('hidden-map-umap'));
    await page.waitForSelector(`${MAP}[data-umap="done"][data-projection="umap"]`, { timeout: 60_000 });
    const umap = await readMap(page);
    console.log(`UMAP of the pretrained model's map: ${umap.umapMs} ms; separation ${Number(umap.separation).toFixed(2)} (PCA ${Number(pca.separation).toFixed(2)})`);
    assert.equal(umap.count, pca.count);
    assert.ok(Number(umap.separation) > 4 * Number(pca.separation), `UMAP ${umap.separation} vs PCA ${pca.separation}`);
    assert.equal(umap.drawing, '', 'the drawing is placed on the PCA map only');
    // Points are still picked on it: the tooltip of the first point.
    const [p] = await readProbe(page);
    const [x, y] = await pointOnScreen(page, p);
    await page.mouse.move(x, y);
    await page.waitForSelector(`${TIP}:not([hidden])[data-label="${p.label}"]`);
    // Back to PCA (kept UMAP: no second computation).
    await page.click(T('hidden-map-umap'));
    await page.waitForSelector(`${MAP}[data-projection="pca"]`);
    assert.equal((await readMap(page)).separation, pca.separation);
  });

  test('a run brings a new map after every epoch, and the points move', async () => {
    const before = await readProbe(page);
    const version = Number((await readMap(page)).version);
    await page.evaluate(() => {
      history.replaceState(null, '', '#hidden=64&train_subset=2048&validation_size=500&epochs=3&seed=3');
      dispatchEvent(new HashChangeEvent('hashchange'));
    });
    await page.waitForFunction(() => document.getElementById('cfg-seed')?.value === '3');
    // Step (epoch) trains one epoch and pauses: each epoch's map can be read before the next.
    await page.click(T('step-epoch'));
    await page.waitForSelector(`${MAP}[data-epoch="1"][data-model="trained"]`, { timeout: 30_000 });
    const epoch1 = await readProbe(page);
    const map1 = await readMap(page);
    assert.equal(Number(map1.version), version + 2, 'two new maps: the start (after one batch) and epoch 1');
    assert.match(await page.textContent(T('hidden-map-status')), /your model after epoch 1: its last hidden layer \(64 units\)/);
    assert.deepEqual(epoch1.map((p) => p.index), before.map((p) => p.index), 'the same test images');
    assert.notDeepEqual(epoch1.map((p) => [p.x, p.y]), before.map((p) => [p.x, p.y]));
    await page.waitForSelector(`${T('run-state')}:text("Paused")`);
    await page.click(T('step-epoch'));
    await page.waitForSelector(`${MAP}[data-epoch="2"]`, { timeout: 30_000 });
    assert.equal(Number((await readMap(page)).version), version + 3);
    const epoch2 = await readProbe(page);
    const moved = epoch2.map((p, i) => Math.hypot(p.x - epoch1[i].x, p.y - epoch1[i].y));
    assert.ok(moved.some((d) => d > 1e-3), `points moved: ${moved}`);
    // The drawing is placed on the new map too.
    await page.waitForFunction((sel) => document.querySelector(sel).dataset.drawing !== '', MAP);
    console.log(`epoch maps: ${map1.ms} ms, ${(await readMap(page)).ms} ms`);
  });
});

describe('guided set “What the hidden layer learned”', () => {
  test('the map separates epoch by epoch as the set says, and replays', async () => {
    const { page } = await openDrawPage(browser.session);
    await page.waitForSelector(`${MAP}[data-state="shown"]`, { timeout: 20_000 });
    await page.click(T('launch-hidden-map'));
    await page.waitForSelector(`${T('guided-status')}[data-state="done"]`, { timeout: 60_000 });
    // The replay holds the start (after one batch) and the eight epochs.
    assert.equal(await page.getAttribute(T('hidden-map-replay-range'), 'max'), '8');
    const steps = [];
    for (let k = 0; k <= 8; k++) {
      await page.$eval(T('hidden-map-replay-range'), (r, v) => {
        r.value = String(v);
        r.dispatchEvent(new Event('input'));
      }, k);
      const map = await readMap(page);
      const misread = Number((await page.textContent(T('hidden-map-mistakes'))).match(/\(([\d.]+)%\)/)[1]) / 100;
      steps.push({ epoch: Number(map.epoch), separation: Number(map.separation), misread });
    }
    console.log(steps.map((s) => `${s.epoch}: ${s.separation.toFixed(2)} / ${(100 * s.misread).toFixed(1)}%`).join(', '));
    assert.deepEqual(steps.map((s) => s.epoch), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // What the set's text says (www/experiments/guided-sets.js), with some margin.
    const [start, e1, , e3] = steps;
    const e8 = steps[8];
    assert.ok(start.separation < 1.0 && start.misread > 0.85, 'one cloud at the start');
    assert.ok(e1.separation > 1.2 && e1.separation < 1.45 && e1.misread < 0.45);
    assert.ok(e3.separation > 1.6 && e3.misread < 0.25);
    assert.ok(e8.separation > 1.8 && e8.misread < 0.16);
    for (let k = 1; k <= 8; k++) assert.ok(steps[k].separation > steps[k - 1].separation, `separation grows at epoch ${k}`);
    // "Show the map" goes to it; Play steps through the run again.
    await page.click(T('guided-show-compare'));
    await page.waitForFunction(() => document.activeElement?.id === 'hidden-map-heading');
    await page.click(T('hidden-map-play'));
    await page.waitForSelector(`${MAP}[data-epoch="1"]`);
    await page.waitForSelector(`${MAP}[data-epoch="8"]`, { timeout: 15_000 });
  });
});

describe('hidden-layer map on a phone', () => {
  test('a tap shows the digit with a button that draws with it; the page stays 375 px wide', async () => {
    const { page } = await openDrawPage(browser.session, { viewport: { width: 375, height: 740 }, colorScheme: 'dark', contextOptions: { hasTouch: true, isMobile: true } });
    await page.waitForSelector(`${MAP}[data-state="shown"]`, { timeout: 20_000 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 375, 'no horizontal scrolling');
    const [, p] = await readProbe(page);
    const [x, y] = await pointOnScreen(page, p);
    await page.touchscreen.tap(x, y);
    await page.waitForSelector(`${TIP}:not([hidden])`);
    const tip = await page.$eval(TIP, (el) => ({ ...el.dataset }));
    assert.equal(await page.getAttribute(T('draw-canvas'), 'data-picture'), '', 'a tap only shows the digit');
    await page.tap(T('hidden-map-send'));
    await page.waitForSelector(`${T('draw-canvas')}[data-picture*="Test image ${Number(tip.index).toLocaleString('en-US')},"]`);
    await page.tap(T('hidden-map-go-draw'));
    await page.waitForFunction(() => document.activeElement?.id === 'draw-heading');
  });
});

