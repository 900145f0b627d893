// "Your own classes" on a phone and a wide screen, light and dark (issue 19): with three classes
// drawn, nothing sticks out of the page sideways, the class rows, drawing buttons and options stay
// inside the panel, and the canvas is square and large enough to draw on. Saves a picture of the
// panel for each (test-results/own-classes-<width>-<scheme>.png) for a person to look at.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RESULTS_DIR, T, useBrowser } from '../harness.mjs';
import { addExamplesInPage, openOwnPage, setClassNames } from './own-helpers.mjs';
import { shapeSet } from './shapes.mjs';

const browser = useBrowser();

describe('your own classes fit the screen', () => {
  for (const [width, colorScheme] of [[375, 'light'], [375, 'dark'], [1440, 'light']]) {
    test(`${width} px, ${colorScheme}`, async () => {
      const { page, context, pageErrors } = await openOwnPage(browser.session, { viewport: { width, height: 900 }, colorScheme });
      await setClassNames(page, ['○', '△', '✗']);
      await addExamplesInPage(page, shapeSet(21, 6));
      const layout = await page.evaluate(() => {
        const panel = document.querySelector('[data-testid="own-classes"]').getBoundingClientRect();
        const outside = [...document.querySelectorAll('[data-testid="own-classes"] :is(button, input:not([type="file"]), canvas, label)')]
          .filter((e) => e.getClientRects().length > 0)
          .filter((e) => {
            const r = e.getBoundingClientRect();
            return r.left < panel.left - 1 || r.right > panel.right + 1;
          })
          .map((e) => e.dataset.testid || e.className || e.tagName);
        const canvas = document.querySelector('[data-testid="own-canvas"]').getBoundingClientRect();
        return { scrollWidth: document.documentElement.scrollWidth, innerWidth, outside, canvas: [canvas.width, canvas.height] };
      });
      assert.ok(layout.scrollWidth <= layout.innerWidth, `the page is ${layout.scrollWidth} px wide in a ${layout.innerWidth} px window`);
      assert.deepEqual(layout.outside, [], 'every control lies inside the panel');
      assert.ok(Math.abs(layout.canvas[0] - layout.canvas[1]) < 1, `the canvas is square (${layout.canvas})`);
      assert.ok(layout.canvas[0] >= 260, `the canvas is ${layout.canvas[0]} px wide`);
      await page.locator(T('own-classes')).screenshot({ path: `${RESULTS_DIR}own-classes-${width}-${colorScheme}.png` });
      assert.deepEqual(pageErrors, []);
      await context.close();
    });
  }
});
