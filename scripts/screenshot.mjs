// Usage: node scripts/screenshot.mjs [--out docs/screenshot.png]   (after bash scripts/build.sh)
//
// Regenerates the README's screenshot: serves the project with scripts/serve.mjs on a free port,
// opens the page 1440 px wide in headless Chromium (/usr/bin/chromium or $CHROMIUM, through
// playwright-core), waits until MNIST has loaded, trains the default settings (3 epochs, a few
// seconds) to the end, and saves the top of the page as a PNG at device scale 1.
//
// Does not: build the wasm, download a browser, or assert anything (the page tests do that).

import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startServer } from './serve.mjs';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: fileURLToPath(new URL('../docs/screenshot.png', import.meta.url)) },
  },
});

const WIDTH = 1440;
const HEIGHT = 1205; // the part of the page kept: title, settings, controls and the loss and accuracy charts
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const T = (id) => `[data-testid="${id}"]`;

const server = await startServer({ port: 0, host: '127.0.0.1' });
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: FLAGS,
});
try {
  const context = await browser.newContext({
    viewport: { width: WIDTH, height: HEIGHT },
    deviceScaleFactor: 1,
    colorScheme: 'light',
    serviceWorkers: 'block', // no offline copy (14 MB) made in the background
  });
  const page = await context.newPage();
  page.on('dialog', (dialog) => dialog.accept().catch(() => {})); // "leave the page?" on close
  await page.goto(url);
  await page.waitForSelector(`${T('data-status')}[data-state="ready"], ${T('data-status')}[data-state="error"]`, {
    timeout: 30_000,
  });
  if ((await page.getAttribute(T('data-status'), 'data-state')) !== 'ready') {
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
  await browser.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
