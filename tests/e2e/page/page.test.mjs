// End-to-end tests of the served page (issue 2): MNIST loads in a worker and the page shows the
// counts, histograms and sample digits; the page is cross-origin isolated and makes no request
// beyond its own origin; missing or corrupt data and a Rust panic give readable errors.
//
// Expected numbers: counts and label histograms are those of the original MNIST files (LeCun et
// al.; also asserted natively in tests/); the first ten test labels, 7 2 1 0 4 1 4 9 5 9, are the
// first ten bytes after the header of t10k-labels-idx1-ubyte.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { acceptLeaving, offOriginRequests, openPage, RESULTS_DIR, ROOT, screenshot, useBrowser, waitForDataState } from '../harness.mjs';

const TRAIN_HISTOGRAM = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_HISTOGRAM = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
const FIRST_TEST_LABELS = ['7', '2', '1', '0', '4', '1', '4', '9', '5', '9'];
const DATA_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

const browser = useBrowser();

/** Sum of the 784 pixels of each of the first `n` test images, read with Node's own gunzip. */
async function testImageInk(n) {
  const idx = gunzipSync(await readFile(`${ROOT}data/t10k-images-idx3-ubyte.gz`));
  const header = 16; // magic, count, rows, cols: four big-endian u32
  return Array.from({ length: n }, (_, i) => idx.subarray(header + 784 * i, header + 784 * (i + 1)).reduce((a, b) => a + b, 0));
}

/** The status line as the user reads it. */
const statusText = async (page) =>
  `${await page.textContent('#status-text')} ${await page.textContent('#status-detail')}`.trim();

/** The bars' aria-labels of a histogram, as numbers: "3: 6,131 images" → 6131. */
async function histogram(page, id) {
  const labels = await page.$$eval(`#${id} li`, (items) => items.map((li) => li.getAttribute('aria-label')));
  return labels.map((label) => Number(label.match(/: ([\d,]+) images/)[1].replaceAll(',', '')));
}

describe('the page loads MNIST', () => {
  test('shows 60,000 / 10,000, the histograms and 60 sample digits without errors (the load time is reported)', async () => {
    const { page, context, consoleErrors, pageErrors } = await openPage(browser.session, '');
    const state = await waitForDataState(page, ['ready', 'error']);
    const status = await statusText(page);
    assert.equal(state, 'ready', `data status: ${status}`);

    const loadMs = Number(await page.getAttribute('[data-testid="data-status"]', 'data-load-ms'));
    console.log(`# navigation → data-ready: ${loadMs} ms (${status})`);
    // The time is reported, not asserted (shared machines): the page-ready benchmark
    // (`bash scripts/bench.sh page`) measures it; a hang fails waitForDataState above.
    assert.ok(loadMs > 0, `data-load-ms is set: ${loadMs}`);

    assert.equal(await page.getAttribute('[data-testid="train-count"]', 'data-value'), '60000');
    assert.equal(await page.getAttribute('[data-testid="test-count"]', 'data-value'), '10000');
    assert.equal(await page.textContent('[data-testid="train-count"]'), '60,000');
    assert.equal(await page.textContent('[data-testid="test-count"]'), '10,000');
    assert.deepEqual(await histogram(page, 'train-histogram'), TRAIN_HISTOGRAM);
    assert.deepEqual(await histogram(page, 'test-histogram'), TEST_HISTOGRAM);

    const samples = await page.$$eval('[data-testid="sample-grid"] li', (items) =>
      items.map((li) => {
        const canvas = li.querySelector('canvas');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 3; i < pixels.length; i += 4) ink += pixels[i];
        return { label: li.querySelector('.sample-label').textContent, size: [canvas.width, canvas.height], ink };
      }),
    );
    assert.equal(samples.length, 60);
    assert.deepEqual(samples.slice(0, 10).map((s) => s.label), FIRST_TEST_LABELS);
    for (const s of samples) assert.deepEqual(s.size, [28, 28]);
    // Each canvas's alpha channel is the image's pixels: compare the sums with the file read here.
    assert.deepEqual(samples.map((s) => s.ink), await testImageInk(60));

    assert.deepEqual(pageErrors, [], 'no uncaught errors');
    assert.deepEqual(consoleErrors, [], 'no console errors (CSP violations would show here)');
    await screenshot(page, 'page-loaded-1280-light');
    await context.close();
  });

  test('shows download progress in bytes, up to the total size of the four files', async () => {
    const total = (await Promise.all(DATA_FILES.map((f) => stat(`${ROOT}data/${f}`)))).reduce((a, s) => a + s.size, 0);
    const context = await browser.session.browser.newContext({ serviceWorkers: 'block' });
    // Record every text the progress read-out shows (the init script runs before the page's own).
    await context.addInitScript(() => {
      globalThis.__progressTexts = [];
      new MutationObserver(() => {
        const detail = document.getElementById('status-detail');
        const progress = document.getElementById('load-progress');
        if (detail && progress) globalThis.__progressTexts.push([detail.textContent, progress.value, progress.max]);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    const page = await context.newPage();
    acceptLeaving(page);
    await page.goto(browser.session.baseUrl);
    assert.equal(await waitForDataState(page, ['ready', 'error']), 'ready');
    const texts = await page.evaluate(() => globalThis.__progressTexts);
    const withTotal = texts.filter(([text]) => / of [\d.]+ MB$/.test(text));
    assert.ok(withTotal.length > 0, `progress showed "x of y MB" (saw ${JSON.stringify(texts.slice(0, 5))})`);
    const values = withTotal.map(([, value]) => value);
    assert.deepEqual(values, [...values].sort((a, b) => a - b), 'progress never goes back');
    const last = withTotal.at(-1);
    assert.equal(last[2], total, 'the bar\'s maximum is the sum of the Content-Lengths');
    assert.equal(last[1], total, 'the bar ends full');
    assert.equal(last[0], `${(total / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB`);
    await context.close();
  });

  test('makes no request beyond its own origin (data is fetched by the worker)', async () => {
    const { page, context, requests, origin } = await openPage(browser.session, '');
    await waitForDataState(page, ['ready', 'error']);
    assert.deepEqual(offOriginRequests(requests, origin), []);
    const paths = requests.map((url) => new URL(url).pathname);
    for (const file of DATA_FILES) assert.ok(paths.includes(`/data/${file}`), `requested /data/${file}`);
    assert.ok(paths.includes('/www/engine/worker.js'), 'the worker was loaded');
    assert.ok(paths.some((p) => p.endsWith('.wasm')), 'the wasm was loaded');
    await context.close();
  });

  test('is cross-origin isolated, in the page and in the worker', async () => {
    const { page, context } = await openPage(browser.session, '');
    assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
    const worker = page.workers()[0] ?? (await page.waitForEvent('worker'));
    assert.equal(await worker.evaluate(() => globalThis.crossOriginIsolated), true);
    await context.close();
  });

  test('fits a 375 px phone and follows a dark system theme', async () => {
    const { page, context, consoleErrors } = await openPage(browser.session, '', {
      viewport: { width: 375, height: 800 },
      colorScheme: 'dark',
    });
    assert.equal(await waitForDataState(page, ['ready', 'error']), 'ready');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (${overflow} px too wide)`);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = background.match(/\d+/g).map(Number);
    assert.ok(r + g + b < 3 * 80, `dark background in dark mode (${background})`);
    assert.deepEqual(consoleErrors, []);
    await screenshot(page, 'page-loaded-375-dark');
    await context.close();
  });
});

describe('errors are readable', () => {
  const fixtures = `${RESULTS_DIR}fixtures/`;

  before(async () => {
    // test-results/fixtures/<case>/: the real files (symlinks) with one replaced by a broken one.
    await rm(fixtures, { recursive: true, force: true });
    const cases = {
      'not-gzip': { 'train-labels-idx1-ubyte.gz': Buffer.from('this is not gzip\n') },
      // Valid gzip of an IDX file with the image magic 0x00000803 where labels (0x00000801) belong.
      'wrong-magic': { 't10k-labels-idx1-ubyte.gz': gzipSync(Buffer.from([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0])) },
    };
    for (const [name, replaced] of Object.entries(cases)) {
      const dir = `${fixtures}${name}/`;
      await mkdir(dir, { recursive: true });
      for (const file of [...DATA_FILES, 'default-model.bin']) {
        if (replaced[file]) await writeFile(dir + file, replaced[file]);
        else await symlink(`${ROOT}data/${file}`, dir + file);
      }
    }
  });

  async function expectError(path, patterns) {
    const { page, context } = await openPage(browser.session, path);
    try {
      await waitForDataState(page, ['error']);
    } catch (err) {
      throw new Error(`no error shown; data status: ${await statusText(page)}`, { cause: err });
    }
    const alert = page.locator('#error[role="alert"]');
    assert.ok(await alert.isVisible(), 'the error is shown');
    const message = await page.textContent('#error-message');
    for (const pattern of patterns) assert.match(message, pattern);
    return { page, context, message };
  }

  test('a missing data file names the file and the HTTP status', async () => {
    const { page, context, message } = await expectError('?data=missing/', [/could not download missing\/[a-z0-9-]+\.gz/, /HTTP 404/]);
    console.log(`# missing file: ${message}`);
    await screenshot(page, 'page-error-missing-file');
    // "Try again" on a bad ?data= goes back to the real data.
    await page.click('#retry');
    await waitForDataState(page, ['ready']);
    assert.equal(new URL(page.url()).search, '');
    await context.close();
  });

  test('a file that is not gzip is reported as such; the default model still reads drawings', async () => {
    const { page, context, message } = await expectError('?data=test-results/fixtures/not-gzip/', [
      /train-labels-idx1-ubyte\.gz is not a valid gzip file/,
    ]);
    console.log(`# not gzip: ${message}`);
    // The model downloads alongside the data and does not need it.
    await page.waitForSelector('[data-testid="prediction"][data-model="default"]', { timeout: 10_000 });
    await context.close();
  });

  test('a gzip file with the wrong IDX magic number is reported by the wasm reader', async () => {
    const { context, message } = await expectError('?data=test-results/fixtures/wrong-magic/', [
      /test set/,
      /wrong magic number 0x00000803, expected 0x00000801/,
    ]);
    console.log(`# wrong magic: ${message}`);
    await context.close();
  });

  test('a Rust panic reaches the page as a readable error, and "Try again" recovers', async () => {
    const { page, context, message } = await expectError('?debug=panic', [/Rust panic/, /debug panic: requested with \?debug=panic/]);
    console.log(`# panic: ${message}`);
    await page.click('#retry');
    await waitForDataState(page, ['ready']);
    assert.equal(await page.getAttribute('[data-testid="test-count"]', 'data-value'), '10000');
    await context.close();
  });
});
