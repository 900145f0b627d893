import { chromium } from '../../../node_modules/playwright-core/index.mjs';
const url = process.argv[2];
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const p = await b.newPage();
p.on('console', (m) => console.log('console:', m.text()));
await p.goto(url);
await p.waitForFunction(() => /RESULT|ERROR/.test(document.getElementById('out').textContent), null, { timeout: 300000 });
console.log(await p.textContent('#out'));
await b.close();
