// Tests of scripts/serve.mjs: the headers and MIME types the page depends on, and that nothing
// outside the project (or inside a dotfile directory) is served.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { stat } from 'node:fs/promises';
import { startServer } from '../../../scripts/serve.mjs';
import { ROOT } from '../harness.mjs';

let server;
let port;
before(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1' });
  port = server.address().port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A raw request (no URL normalisation by the client, unlike fetch). */
function get(path, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('every response carries COOP, COEP, a strict CSP and nosniff', async () => {
  for (const path of ['/', '/index.html', '/www/app/main.js', '/does-not-exist']) {
    const { headers } = await get(path);
    assert.equal(headers['cross-origin-opener-policy'], 'same-origin', path);
    assert.equal(headers['cross-origin-embedder-policy'], 'require-corp', path);
    assert.equal(headers['x-content-type-options'], 'nosniff', path);
    const csp = headers['content-security-policy'];
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.match(csp, /object-src 'none'/);
    assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
  }
});

test('MIME types: html, js, css, wasm; .gz as-is with Content-Length and no Content-Encoding', async () => {
  assert.match((await get('/')).headers['content-type'], /^text\/html/);
  assert.match((await get('/www/app/main.js')).headers['content-type'], /^text\/javascript/);
  assert.match((await get('/www/ui/style.css')).headers['content-type'], /^text\/css/);
  // The page tests run after scripts/build.sh: a missing build is a failure here, not a pass.
  const wasm = await get('/www/pkg/mnist_playground_bg.wasm');
  assert.equal(wasm.status, 200, 'www/pkg/ is built (bash scripts/build.sh)');
  assert.equal(wasm.headers['content-type'], 'application/wasm');
  assert.deepEqual([...wasm.body.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'wasm magic "\\0asm"');
  const file = 'data/t10k-labels-idx1-ubyte.gz';
  const gz = await get(`/${file}`);
  assert.equal(gz.status, 200);
  assert.equal(gz.headers['content-type'], 'application/gzip');
  assert.equal(gz.headers['content-encoding'], undefined);
  assert.equal(Number(gz.headers['content-length']), (await stat(ROOT + file)).size);
  assert.deepEqual([...gz.body.subarray(0, 2)], [0x1f, 0x8b], 'served compressed, as stored');
});

test('HEAD sends headers and no body', async () => {
  const head = await get('/data/t10k-labels-idx1-ubyte.gz', 'HEAD');
  assert.equal(head.status, 200);
  assert.ok(Number(head.headers['content-length']) > 0);
  assert.equal(head.body.length, 0);
});

test('refuses path traversal, dotfiles and other methods', async () => {
  // (A plain `/../x` is normalised by the URL parser to `/x`, inside the project.)
  for (const path of ['/%2e%2e/%2e%2e/etc/passwd', '/www/..%2f..%2f..%2fetc/passwd', '/.git/config', '/.cargo/config.toml', '/www/%00', '/%zz']) {
    const { status, body } = await get(path);
    assert.equal(status, 404, `${path} → ${status}`);
    assert.match(body.toString(), /^404 Not Found/);
  }
  assert.equal((await get('/index.html', 'POST')).status, 405);
});
