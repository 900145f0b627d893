// Helpers for drawing on the page's canvas in end-to-end tests and in the pendigits replay
// (scripts/checks/pendigits-replay.mjs). Everything goes through the page's real pointer handlers:
//
// - drawWithMouse: playwright's mouse (real input events from the browser), one stroke at a time;
// - drawWithTouch: Chrome DevTools Protocol touch events (real touches: the browser turns them into
//   pointer events with pointerType "touch", subject to touch-action and pointer capture);
// - replayInPage: PointerEvents dispatched on the canvas from inside the page (fast: thousands of
//   digits per minute), the same handlers and the same read-out as a person's drawing.
//
// Strokes are lists of [x, y] points in fractions of the canvas side (x right, y down), so they do
// not depend on the size the canvas is shown at. The read-out is the contract documented in the
// README: [data-testid="prediction"] with data-digit, data-probs, data-model, data-strokes, data-state.
//
// Non-goals: asserting anything (the tests do that).

import { readFile } from 'node:fs/promises';
import { acceptLeaving, openPage } from '../harness.mjs';

export const CANVAS = '[data-testid="draw-canvas"]';
export const CLEAR = '[data-testid="draw-clear"]';
export const UNDO = '[data-testid="draw-undo"]';
export const PREDICTION = '[data-testid="prediction"]';
export const SEEN = '[data-testid="draw-seen"]';

/** Reads a stroke file from tests/e2e/draw/strokes/: {label, strokes}. */
export async function loadStrokes(name) {
  return JSON.parse(await readFile(new URL(`./strokes/${name}.json`, import.meta.url), 'utf8'));
}

/**
 * Opens the page and waits until `model` answers predictions and the MNIST data has loaded (or
 * failed to). Extra context options (e.g. `hasTouch`) go to `contextOptions`.
 */
export async function openDrawPage(session, { model = 'default', timeout = 60_000, viewport, colorScheme, contextOptions } = {}) {
  let opened;
  if (contextOptions) {
    const context = await session.browser.newContext({ viewport: viewport ?? { width: 1280, height: 900 }, colorScheme, serviceWorkers: 'block', ...contextOptions });
    const page = await context.newPage();
    acceptLeaving(page);
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(session.baseUrl);
    opened = { page, context, pageErrors };
  } else {
    opened = await openPage(session, '', { viewport, colorScheme });
  }
  await opened.page.waitForSelector(`${PREDICTION}[data-model="${model}"]`, { timeout });
  // The default model usually answers before MNIST has loaded; the status card then changes height
  // above the drawing (scroll anchoring moves the page to keep the canvas in place), which would
  // blur what the touch test measures (whether the finger scrolled the page).
  await opened.page.waitForSelector('[data-testid="data-status"][data-state="ready"], [data-testid="data-status"][data-state="error"]', { timeout });
  return opened;
}

/** The read-out: {digit: number|null, probs: number[], model, strokes, state}. */
export async function readPrediction(page) {
  return page.$eval(PREDICTION, (el) => ({
    digit: el.dataset.digit === '' ? null : Number(el.dataset.digit),
    probs: JSON.parse(el.dataset.probs),
    model: el.dataset.model,
    strokes: Number(el.dataset.strokes),
    state: el.dataset.state,
  }));
}

/** Waits until the read-out reflects `strokes` finished strokes in `state`, and returns it. */
export async function waitForReadout(page, strokes, state = 'ready', timeout = 10_000) {
  await page.waitForSelector(`${PREDICTION}[data-state="${state}"][data-strokes="${strokes}"]`, { timeout });
  return readPrediction(page);
}

/** Canvas rectangle in CSS pixels of the viewport (scrolled into view first). */
async function canvasBox(page) {
  await page.locator(CANVAS).scrollIntoViewIfNeeded();
  return page.locator(CANVAS).boundingBox();
}

const toViewport = (box, [x, y]) => [box.x + x * box.width, box.y + y * box.height];

/** Draws `strokes` with the mouse, waiting for the read-out after each; returns the last read-out. */
export async function drawWithMouse(page, strokes) {
  const box = await canvasBox(page);
  const before = Number(await page.getAttribute(PREDICTION, 'data-strokes'));
  for (const [s, stroke] of strokes.entries()) {
    const [x0, y0] = toViewport(box, stroke[0]);
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (const point of stroke.slice(1)) await page.mouse.move(...toViewport(box, point));
    await page.mouse.up();
    await waitForReadout(page, before + s + 1);
  }
  return readPrediction(page);
}

/**
 * Starts a stroke with the mouse and draws its first `upTo` points without lifting the pen (to see
 * the live read-out); returns `finish()`, which draws the rest and lifts it.
 */
export async function drawPartly(page, stroke, upTo) {
  const box = await canvasBox(page);
  const move = (point) => page.mouse.move(...toViewport(box, point));
  await move(stroke[0]);
  await page.mouse.down();
  for (const point of stroke.slice(1, upTo)) await move(point);
  return async () => {
    for (const point of stroke.slice(upTo)) await move(point);
    await page.mouse.up();
  };
}

/** Draws `strokes` with a finger (CDP touch events), waiting for the read-out after each. */
export async function drawWithTouch(page, strokes) {
  const box = await canvasBox(page);
  const cdp = await page.context().newCDPSession(page);
  const before = Number(await page.getAttribute(PREDICTION, 'data-strokes'));
  for (const [s, stroke] of strokes.entries()) {
    const touch = (type, point) => {
      const [x, y] = toViewport(box, point);
      return cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1 }] });
    };
    await touch('touchStart', stroke[0]);
    for (const point of stroke.slice(1)) await touch('touchMove', point);
    await touch('touchEnd', stroke[stroke.length - 1]);
    await waitForReadout(page, before + s + 1);
  }
  await cdp.detach();
  return readPrediction(page);
}

/**
 * Scales a trajectory digit (any units, y down) so that its longer side is `fill` of the canvas
 * side, keeping the aspect ratio, centred — as a person draws a digit large in the middle.
 * @returns strokes in fractions of the canvas side
 */
export function fitStrokes(strokes, fill = 0.72) {
  const points = strokes.flat();
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const k = fill / Math.max(x1 - x0, y1 - y0, 1e-9);
  const [ox, oy] = [(1 - (x1 - x0) * k) / 2, (1 - (y1 - y0) * k) / 2];
  return strokes.map((stroke) => stroke.map(([x, y]) => [ox + (x - x0) * k, oy + (y - y0) * k]));
}

/**
 * Replays digits (each a list of strokes in canvas fractions) inside the page: Clear, then for each
 * stroke pointerdown, pointermove per point, pointerup dispatched on the canvas; then waits for the
 * read-out of all strokes. Returns the read-out digit (or null) of each, in order; with `images`,
 * `{answers, images}` where each image is the side × side image the network read (from the panel's
 * "what the net sees" canvas, which holds its exact grey values).
 */
export async function replayInPage(page, digits, { pointerType = 'pen', timeout = 10_000, images = false } = {}) {
  return page.evaluate(
    async ({ digits, pointerType, timeout, images, selectors }) => {
      const canvas = document.querySelector(selectors.canvas);
      const seen = document.querySelector(selectors.seen);
      const clear = document.querySelector(selectors.clear);
      const readout = document.querySelector(selectors.prediction);
      canvas.scrollIntoView({ block: 'center' });
      const rect = canvas.getBoundingClientRect();
      const ready = (n) =>
        new Promise((resolve, reject) => {
          const done = () => readout.dataset.state === 'ready' && readout.dataset.strokes === String(n);
          if (done()) return resolve();
          const timer = setTimeout(() => {
            observer.disconnect();
            reject(new Error(`no read-out for ${n} strokes within ${timeout} ms (state ${readout.dataset.state})`));
          }, timeout);
          const observer = new MutationObserver(() => {
            if (!done()) return;
            observer.disconnect();
            clearTimeout(timer);
            resolve();
          });
          observer.observe(readout, { attributes: true });
        });
      const fire = (type, [x, y], buttons) =>
        canvas.dispatchEvent(
          new PointerEvent(type, {
            bubbles: true,
            cancelable: true,
            composed: true,
            pointerId: 7,
            pointerType,
            isPrimary: true,
            button: 0,
            buttons,
            pressure: buttons ? 0.5 : 0,
            clientX: rect.left + x * rect.width,
            clientY: rect.top + y * rect.height,
          }),
        );
      const results = [];
      const seenImages = [];
      for (const strokes of digits) {
        clear.click();
        for (const stroke of strokes) {
          fire('pointerdown', stroke[0], 1);
          for (const point of stroke.slice(1)) fire('pointermove', point, 1);
          fire('pointerup', stroke[stroke.length - 1], 0);
        }
        await ready(strokes.length);
        results.push(readout.dataset.digit === '' ? null : Number(readout.dataset.digit));
        if (images) {
          const rgba = seen.getContext('2d').getImageData(0, 0, seen.width, seen.height).data;
          seenImages.push(Array.from({ length: rgba.length / 4 }, (_, i) => rgba[4 * i]));
        }
      }
      return images ? { answers: results, images: seenImages } : results;
    },
    { digits, pointerType, timeout, images, selectors: { canvas: CANVAS, clear: CLEAR, prediction: PREDICTION, seen: SEEN } },
  );
}
