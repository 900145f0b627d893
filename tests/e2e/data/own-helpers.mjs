// Helpers for the page tests of "Your own classes" (tests/e2e/data/own-classes*.test.mjs) and the
// drawn-classes accuracy check (scripts/checks/own-classes-accuracy.mjs): open the page with the
// panel ready, name the classes, draw examples on the panel's canvas and add them, train, and read
// the drawing panel's answer. Drawing goes through the canvas's real pointer handlers: with the
// mouse (playwright's real input events) or, for hundreds of drawings, with PointerEvents
// dispatched on the canvas inside the page (the same handlers, faster).
//
// Strokes are [x, y] points in fractions of the canvas side (tests/e2e/data/shapes.mjs makes them).
// Non-goals: asserting anything (the tests do that).

import { T, openPage, waitForDataState } from '../harness.mjs';
import { PREDICTION } from '../draw/draw-helpers.mjs';

export const PANEL = T('own-classes');
export const OWN_CANVAS = T('own-canvas');

/** Opens the page and waits until MNIST has loaded, the default model answers and the panel's store is open. */
export async function openOwnPage(session, { path = '', viewport, colorScheme, context = null } = {}) {
  let opened;
  if (context) {
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(new URL(path, session.baseUrl).href);
    opened = { page, context, pageErrors };
  } else {
    opened = await openPage(session, path, { viewport, colorScheme });
  }
  const state = await waitForDataState(opened.page, ['ready', 'error'], 60_000);
  if (state !== 'ready') throw new Error(`MNIST did not load: ${await opened.page.textContent(T('data-status'))}`);
  await opened.page.waitForSelector(`${PANEL}[data-ready="true"]`, { timeout: 15_000 });
  await opened.page.waitForSelector(`${PREDICTION}[data-model="default"]`, { timeout: 30_000 });
  return opened;
}

/** The panel's class names (label order) and example count. */
export async function panelState(page) {
  return page.$eval(PANEL, (el) => ({ names: JSON.parse(el.dataset.classes ?? '[]'), examples: Number(el.dataset.examples ?? 0) }));
}

/** Makes the classes exactly `names` (adding or removing classes, which must have no examples). */
export async function setClassNames(page, names) {
  let { names: now } = await panelState(page);
  while (now.length < names.length) {
    await page.click(T('own-add-class'));
    await page.waitForFunction((n) => JSON.parse(document.querySelector('[data-testid="own-classes"]').dataset.classes).length === n, now.length + 1);
    ({ names: now } = await panelState(page));
  }
  while (now.length > names.length) {
    await page.click(T(`own-class-remove-${now.length - 1}`));
    await page.waitForFunction((n) => JSON.parse(document.querySelector('[data-testid="own-classes"]').dataset.classes).length === n, now.length - 1);
    ({ names: now } = await panelState(page));
  }
  for (const [k, name] of names.entries()) {
    if (now[k] === name) continue;
    await page.fill(T(`own-class-name-${k}`), name);
    await page.press(T(`own-class-name-${k}`), 'Enter');
    await page.waitForFunction(([k, name]) => JSON.parse(document.querySelector('[data-testid="own-classes"]').dataset.classes)[k] === name, [k, name]);
  }
}

/** Draws `strokes` on the panel's canvas with the mouse (real input events), one stroke at a time. */
export async function drawOnOwnCanvas(page, strokes) {
  await page.locator(OWN_CANVAS).scrollIntoViewIfNeeded();
  const box = await page.locator(OWN_CANVAS).boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (const point of stroke.slice(1)) await page.mouse.move(...at(point));
    await page.mouse.up();
  }
}

/** Picks class `k` and adds the drawing on the canvas as its example; waits until it is kept. */
export async function addExample(page, k) {
  const before = (await panelState(page)).examples;
  await page.check(T(`own-class-pick-${k}`));
  await page.click(`${T('own-add')}:not([disabled])`);
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="own-classes"]').dataset.examples) === n, before + 1, { timeout: 10_000 });
}

/**
 * Adds `examples` ([{label, strokes}]) inside the page: for each, pick its class, Clear, dispatch
 * pointerdown / pointermove per point / pointerup on the canvas, press "Add example" and wait until
 * it is kept. Much faster than the mouse, through the same pointer handlers.
 */
export async function addExamplesInPage(page, examples, { timeout = 10_000 } = {}) {
  return page.evaluate(
    async ({ examples, timeout }) => {
      const q = (id) => document.querySelector(`[data-testid="${id}"]`);
      const panel = q('own-classes');
      const canvas = q('own-canvas');
      canvas.scrollIntoView({ block: 'center' });
      const rect = canvas.getBoundingClientRect();
      const fire = (type, [x, y], buttons) =>
        canvas.dispatchEvent(new PointerEvent(type, { bubbles: true, cancelable: true, composed: true, pointerId: 9, pointerType: 'pen', isPrimary: true, button: 0, buttons, pressure: buttons ? 0.5 : 0, clientX: rect.left + x * rect.width, clientY: rect.top + y * rect.height }));
      const kept = (n) =>
        new Promise((resolve, reject) => {
          if (Number(panel.dataset.examples) === n) return resolve();
          const timer = setTimeout(() => {
            observer.disconnect();
            reject(new Error(`example ${n} was not kept within ${timeout} ms: ${q('own-status').textContent}`));
          }, timeout);
          const observer = new MutationObserver(() => {
            if (Number(panel.dataset.examples) !== n) return;
            observer.disconnect();
            clearTimeout(timer);
            resolve();
          });
          observer.observe(panel, { attributes: true });
        });
      for (const { label, strokes } of examples) {
        const pick = q(`own-class-pick-${label}`);
        pick.checked = true;
        pick.dispatchEvent(new Event('change', { bubbles: true }));
        q('own-clear').click();
        for (const stroke of strokes) {
          fire('pointerdown', stroke[0], 1);
          for (const point of stroke.slice(1)) fire('pointermove', point, 1);
          fire('pointerup', stroke[stroke.length - 1], 0);
        }
        const n = Number(panel.dataset.examples) + 1;
        q('own-add').click();
        await kept(n);
      }
    },
    { examples, timeout },
  );
}

/** Waits for a status message after the one numbered `serial` that is not "busy"; returns {state, text}. */
export async function waitForStatus(page, serial, timeout = 15_000) {
  await page.waitForFunction(
    (serial) => {
      const s = document.querySelector('[data-testid="own-status"]');
      return Number(s.dataset.serial) > serial && s.dataset.state !== 'busy';
    },
    serial,
    { timeout },
  );
  return page.$eval(T('own-status'), (s) => ({ state: s.dataset.state, text: s.textContent }));
}

/**
 * Sets the panel's training options (any of `epochs`, `testShare` and `validationShare` in %,
 * `augment`), presses "Train on my classes" and waits until the run has finished. Returns the
 * panel's status text.
 */
export async function trainOwnClasses(page, { epochs, testShare, validationShare, augment, timeout = 300_000 } = {}) {
  if (epochs !== undefined) await page.fill(T('own-epochs'), String(epochs));
  if (testShare !== undefined) await page.fill(T('own-test-share'), String(testShare));
  if (validationShare !== undefined) await page.fill(T('own-validation-share'), String(validationShare));
  if (augment !== undefined) await page.setChecked(T('own-augment'), augment);
  const serial = Number(await page.getAttribute(T('own-status'), 'data-serial'));
  await page.click(`${T('own-train')}:not([disabled])`);
  await waitForStatus(page, serial, 60_000);
  const status = await page.textContent(T('own-status'));
  if ((await page.getAttribute(T('own-status'), 'data-state')) === 'error') throw new Error(`training refused: ${status}`);
  const runState = () =>
    page.evaluate(() => {
      const text = (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent.trim();
      return `run ${document.querySelector('[data-testid="run"]').dataset.state} (“${text('run-state')}”), step ${text('step-counter')}, epoch ${text('epoch-counter')}, error “${text('run-error')}”`;
    });
  try {
    await page.waitForSelector(`${T('run')}:is([data-state="finished"], [data-state="failed"])`, { timeout });
  } catch (err) {
    throw new Error(`the run did not end within ${timeout / 1000} s: ${await runState()}`, { cause: err });
  }
  if ((await page.getAttribute(T('run'), 'data-state')) !== 'finished') throw new Error(`the run failed: ${await runState()}`);
  await page.waitForSelector(`${PREDICTION}[data-model="trained"]`, { timeout: 10_000 });
  return status;
}
