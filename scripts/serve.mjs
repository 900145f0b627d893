#!/usr/bin/env node
// Zero-dependency static file server for the MNIST Playground (the project root).
//
//   node scripts/serve.mjs [--port 8080] [--host 127.0.0.1]     (or PORT=… HOST=… env)
//
// `--port 0` picks a free port. The first line printed is `Serving <root> at http://HOST:PORT/`,
// which the test runner parses.
//
// What it guarantees, because the page depends on it:
// - COOP `same-origin` + COEP `require-corp`: the page is cross-origin isolated
//   (`crossOriginIsolated === true`), which SharedArrayBuffer and precise timers need.
// - A strict Content-Security-Policy: only same-origin scripts, styles, workers and fetches;
//   `'wasm-unsafe-eval'` lets WebAssembly compile, nothing allows `eval` or inline script/style.
// - `application/wasm` for .wasm (streaming compilation) and .gz files served as-is
//   (`application/gzip`, no Content-Encoding: the worker gunzips them with DecompressionStream),
//   always with Content-Length so the page can show byte progress.
// - No path traversal, no dotfiles (.git, .cargo, …): 404.
//
// Non-goals: HTTPS, compression, range requests, directory listings.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.gz': 'application/gzip',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "worker-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * The benchmark page (bench/, not part of the product) runs TensorFlow.js, whose threaded wasm
 * backend starts its pthread workers from blob: URLs and its bundle evaluates strings; only there
 * are blob: workers and eval allowed. The product pages keep the strict policy.
 */
const BENCH_CSP = CSP.replace("worker-src 'self'", "worker-src 'self' blob:").replace(
  "script-src 'self' 'wasm-unsafe-eval'",
  "script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval' blob:", // tf.min.js evaluates strings
);

/** Maps a URL path to a file under ROOT, or null if it is not allowed. */
export function resolvePath(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed %-escape
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  // No `..` and no dotfiles/dot-directories (.git, .cargo, .ci, …).
  if (segments.some((s) => s.startsWith('.'))) return null;
  const file = resolve(join(ROOT, ...segments));
  if (file !== ROOT && !file.startsWith(ROOT + sep)) return null;
  return file;
}

function sendText(res, status, message, method) {
  const body = `${status} ${message}\n`;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(method === 'HEAD' ? undefined : body);
}

async function handle(req, res) {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendText(res, 405, 'Method Not Allowed', method);
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  let file = resolvePath(url.pathname);
  if (file === null) return sendText(res, 404, `Not Found: ${url.pathname}`, method);

  let info;
  try {
    info = await stat(file);
    if (info.isDirectory()) {
      if (!url.pathname.endsWith('/')) {
        res.writeHead(301, { ...SECURITY_HEADERS, Location: `${url.pathname}/${url.search}` });
        return res.end();
      }
      file = join(file, 'index.html');
      info = await stat(file);
    }
  } catch {
    return sendText(res, 404, `Not Found: ${url.pathname}`, method);
  }
  if (!info.isFile()) return sendText(res, 404, `Not Found: ${url.pathname}`, method);

  const lastModified = info.mtime.toUTCString();
  const headers = {
    ...SECURITY_HEADERS,
    ...(url.pathname.startsWith('/bench/') ? { 'Content-Security-Policy': BENCH_CSP } : {}),
    'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Last-Modified': lastModified,
    // Revalidate every time: during development the files change under the same names.
    'Cache-Control': 'no-cache',
  };
  const since = req.headers['if-modified-since'];
  if (since && Date.parse(since) >= Math.floor(info.mtimeMs / 1000) * 1000) {
    const { 'Content-Length': _, ...rest } = headers;
    res.writeHead(304, rest);
    return res.end();
  }
  res.writeHead(200, headers);
  if (method === 'HEAD') return res.end();
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

export function startServer({ port = 8080, host = '127.0.0.1' } = {}) {
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error('serve: internal error:', err);
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error', req.method);
      else res.destroy();
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePromise(server);
    });
  });
}

function serverUrl(server, host) {
  const { port } = server.address();
  const shown = host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}/`;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: node scripts/serve.mjs [--port N] [--host ADDR]   (env: PORT, HOST)');
    process.exit(0);
  }
  const host = values.host ?? process.env.HOST ?? '127.0.0.1';
  const portText = values.port ?? process.env.PORT ?? '8080';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: invalid port ${JSON.stringify(portText)} (expected 0–65535)`);
    process.exit(2);
  }
  try {
    const server = await startServer({ port, host });
    console.log(`Serving ${ROOT} at ${serverUrl(server, host)}`);
    console.log('Press Ctrl+C to stop.');
    const stop = () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (err) {
    const hint = err.code === 'EADDRINUSE' ? ` (port ${port} is in use: try --port ${port + 1})` : '';
    console.error(`serve: cannot listen on ${host}:${port}: ${err.message}${hint}`);
    process.exit(1);
  }
}
