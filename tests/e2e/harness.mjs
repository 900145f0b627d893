// Shared helpers for the end-to-end page tests (`node --test tests/e2e/`).
//
// - Serves the project: uses BASE_URL if set (scripts/test.sh starts scripts/serve.mjs and sets
//   it), otherwise starts the same server in-process on a free port.
// - Launches the system Chromium (/usr/bin/chromium, or $CHROMIUM) through playwright-core with a
//   fresh profile and no background networking; playwright never downloads a browser here.
// - Records console errors (page and worker), uncaught page errors, and every request of the
//   browser context (page and workers), so tests can assert that nothing leaves the page's origin.
//
// Non-goals: a test framework; this is a thin layer over node:test and playwright-core.

import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url));

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Starts (or reuses) the server and a browser (with `args`, by default CHROMIUM_FLAGS). Call `close()` when done. */
export async function startBrowser({ args = CHROMIUM_FLAGS } = {}) {
  let server = null;
  let baseUrl = process.env.BASE_URL;
  if (!baseUrl) {
    server = await startServer({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${server.address().port}/`;
  }
  if (!baseUrl.endsWith('/')) baseUrl += '/';
  // playwright's launch() uses a fresh temporary user-data-dir for every browser.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  return {
    baseUrl,
    browser,
    async close() {
      await browser.close();
      if (server) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}

/**
 * One browser for a test file: started before its tests, closed after them (node:test hooks).
 * Returns a holder; its `session` is what `startBrowser` gives once the tests run.
 */
export function useBrowser() {
  const holder = { session: null };
  before(async () => {
    holder.session = await startBrowser();
  });
  after(async () => {
    await holder.session?.close();
  });
  return holder;
}

/** The selector of a `data-testid`. */
export const T = (id) => `[data-testid="${id}"]`;

/**
 * The page asks before leaving a run that trains or is paused (www/playground/playground.js); tests that reload or
 * navigate mid-run leave (playwright would otherwise dismiss the question, which means "stay").
 * Returns the list of questions asked, which grows.
 */
export function acceptLeaving(page) {
  const asked = [];
  page.on('dialog', (dialog) => {
    if (dialog.type() !== 'beforeunload') return;
    asked.push(dialog.type());
    dialog.accept().catch(() => {});
  });
  return asked;
}

/**
 * Opens `path` (relative to the base URL) in a new context. Service workers are blocked unless
 * `serviceWorkers: 'allow'` (tests/e2e/page/offline.test.mjs): otherwise every context would make the
 * page's ~14 MB offline copy in the background while the test runs.
 * @returns {Promise<{page, context, origin, requests: string[], consoleErrors: string[], pageErrors: string[], navigationStart: number, leaveQuestions: string[]}>}
 */
export async function openPage(session, path = '', { viewport = { width: 1280, height: 900 }, colorScheme = 'light', serviceWorkers = 'block' } = {}) {
  const context = await session.browser.newContext({ viewport, colorScheme, serviceWorkers });
  const page = await context.newPage();
  const requests = [];
  const consoleErrors = [];
  const pageErrors = [];
  context.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  const leaveQuestions = acceptLeaving(page);
  const url = new URL(path, session.baseUrl).href;
  const navigationStart = Date.now();
  await page.goto(url);
  return { page, context, url, origin: new URL(url).origin, requests, consoleErrors, pageErrors, navigationStart, leaveQuestions };
}

/**
 * Opens `path` in a fresh browser, waits until the page puts its JSON result in `<body data-…>`
 * (`attribute`, e.g. "data-results"), closes the browser and returns the parsed result. For the
 * bench/ pages, which compute one result and publish it there.
 */
export async function pageResult(path, attribute, timeout) {
  const session = await startBrowser();
  try {
    const { page } = await openPage(session, path);
    await page.waitForSelector(`body[${attribute}]`, { timeout });
    return JSON.parse(await page.getAttribute('body', attribute));
  } finally {
    await session.close();
  }
}

/** Waits until the data-status element's data-state is one of `states`; returns it. */
export async function waitForDataState(page, states, timeout = 15_000) {
  const selector = states.map((s) => `[data-testid="data-status"][data-state="${s}"]`).join(', ');
  await page.waitForSelector(selector, { timeout });
  return page.getAttribute('[data-testid="data-status"]', 'data-state');
}

/**
 * Saves a full-page screenshot as test-results/<name>.png and returns its path. On narrow screens
 * the training controls are a bar fixed to the bottom of the viewport; a full-page capture would
 * draw it where the first screen ends, so it is put back in the page's flow for the picture.
 */
export async function screenshot(page, name) {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}${name}.png`;
  // Through the CSSOM (the page's CSP refuses injected style sheets, which playwright's `style` uses).
  const unfix = () => {
    for (const el of document.querySelectorAll('.run .controls, #run-state, #run-progress')) {
      if (getComputedStyle(el).position !== 'fixed') continue;
      el.dataset.screenshotUnfixed = '1';
      el.style.setProperty('position', 'static', 'important');
    }
  };
  const refix = () => {
    for (const el of document.querySelectorAll('[data-screenshot-unfixed]')) {
      el.style.removeProperty('position');
      delete el.dataset.screenshotUnfixed;
    }
  };
  await page.evaluate(unfix);
  try {
    await page.screenshot({ path, fullPage: true });
  } finally {
    await page.evaluate(refix);
  }
  return path;
}

/** Runs `action` and resolves with the `count` files `page` downloads meanwhile: {name: Buffer}. */
export async function downloads(page, action, count = 1) {
  const files = {};
  const done = new Promise((resolve) => {
    const onDownload = async (download) => {
      files[download.suggestedFilename()] = await readFile(await download.path());
      if (Object.keys(files).length === count) {
        page.off('download', onDownload);
        resolve();
      }
    };
    page.on('download', onDownload);
  });
  await action();
  await done;
  return files;
}

/** Requests whose origin differs from `origin` (data: and blob: URLs are local, not requests out). */
export function offOriginRequests(requests, origin) {
  return requests.filter((url) => {
    const { protocol, origin: o } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:') return false;
    return o !== origin;
  });
}
