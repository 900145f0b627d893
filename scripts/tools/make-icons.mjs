#!/usr/bin/env node
// Renders the page's PNG icons from www/icon.svg with the system Chromium (playwright-core):
// www/icon-192.png and www/icon-512.png for the web app manifest, and www/apple-touch-icon.png
// (180 × 180, square: iOS rounds the corners itself) for "Add to Home Screen" on iPhones and iPads,
// which ignores SVG icons. The PNGs are committed; run this after changing the SVG:
//
//   node scripts/tools/make-icons.mjs

import { chromium } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const svg = await readFile(`${ROOT}www/icon.svg`, 'utf8');
// The square variant: the same drawing without the rounded corners.
const square = svg.replace(/ rx="\d+"/, '');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const [file, size, source] of [['icon-192.png', 192, svg], ['icon-512.png', 512, svg], ['apple-touch-icon.png', 180, square]]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const url = `data:image/svg+xml;base64,${Buffer.from(source).toString('base64')}`;
    await page.setContent(`<html><body style="margin:0;background:transparent"><img src="${url}" width="${size}" height="${size}" style="display:block"></body></html>`);
    await page.waitForFunction(() => document.images[0].complete);
    await page.screenshot({ path: `${ROOT}www/${file}`, omitBackground: true });
    await page.close();
    console.log(`make-icons: www/${file} (${size} × ${size})`);
  }
} finally {
  await browser.close();
}
