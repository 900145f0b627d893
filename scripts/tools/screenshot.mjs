// Usage: node scripts/tools/screenshot.mjs [--out docs/screenshot.png]   (after bash scripts/build.sh)
//
// Regenerates the README's screenshot with the page tests' harness (tests/e2e/harness.mjs): serves
// the project with scripts/serve.mjs on a free port (or uses BASE_URL), opens the page 1440 px wide
// in headless Chromium (/usr/bin/chromium or $CHROMIUM, through playwright-core), waits until MNIST
// has loaded, trains the default settings (3 epochs, a few seconds) to the end, and saves the top
// of the page as a PNG at device scale 1.
//
// Does not: build the wasm, download a browser, or assert anything (the page tests do that).

import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { T, openPage, startBrowser, waitForDataState } from '../../tests/e2e/harness.mjs';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url)) },
  },
});

const WIDTH = 1440;
const HEIGHT = 1205; // the part of the page kept: title, settings, controls and the loss and accuracy charts

const session = await startBrowser();
try {
  const { page, context } = await openPage(session, '', { viewport: { width: WIDTH, height: HEIGHT } });
  if ((await waitForDataState(page, ['ready', 'error'], 30_000)) !== 'ready') {
    throw new Error(`MNIST did not load: ${await page.textContent(T('data-status'))}`);
  }
  await page.click(`${T('train')}:not([disabled])`, { timeout: 15_000 });
  await page.waitForSelector(`${T('run')}:is([data-state="finished"], [data-state="failed"])`, { timeout: 180_000 });
  if ((await page.getAttribute(T('run'), 'data-state')) !== 'finished') {
    throw new Error(`the run failed: ${await page.textContent(T('run-error'))}`);
  }
  await page.waitForTimeout(500); // the page draws everything once more when a run ends
  await page.evaluate(() => window.scrollTo(0, 0));
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: WIDTH, height: HEIGHT } });
  await writeFile(args.out, png);
  console.log(`wrote ${args.out} (${Math.round(png.length / 1024)} KB)`);
  await context.close();
} finally {
  await session.close();
}
