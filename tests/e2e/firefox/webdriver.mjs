// A small WebDriver (classic, W3C) client over HTTP for the Firefox smoke test: starts geckodriver
// on a free port, opens one headless Firefox session, and offers the few commands the test needs
// (navigate, refresh, execute script, find and click, pointer actions). Plain fetch, no package.
//
// Firefox runs with a fresh profile (geckodriver makes one), service workers off (the offline copy
// would download ~14 MB in the background) and no background network traffic of its own.
//
// Non-goals: a general WebDriver library; BiDi; console logs (classic WebDriver has none for Firefox:
// the test reads the page's own error displays and an error hook installed after load instead).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { homedir } from 'node:os';

/** The element reference key of the W3C WebDriver protocol. */
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** The first executable named `name` on PATH (or in ~/.cargo/bin, where setup.sh installs geckodriver), or null. */
export function findExecutable(name, extra = []) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), join(homedir(), '.cargo', 'bin'), ...extra];
  for (const dir of dirs) {
    const path = join(dir, name);
    if (dir && existsSync(path)) return path;
  }
  return null;
}

/** `path` from the environment if set (null if it does not exist), else what `find()` finds. */
const given = (path, find) => (path === undefined || path === '' ? find() : existsSync(path) ? path : null);

/** Where Firefox and geckodriver are ($FIREFOX, $GECKODRIVER, else found on PATH): {firefox, geckodriver}, each a path or null. */
export function firefoxTools() {
  return {
    firefox: given(process.env.FIREFOX, () => findExecutable('firefox-esr') ?? findExecutable('firefox')),
    geckodriver: given(process.env.GECKODRIVER, () => findExecutable('geckodriver')),
  };
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Preferences for a quiet test profile. */
const PREFS = {
  'app.update.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'extensions.update.enabled': false,
  'dom.serviceWorkers.enabled': false,
};

/**
 * Starts geckodriver and a headless Firefox session.
 * @returns {Promise<Session>}
 */
export async function startFirefox({ firefox, geckodriver }) {
  const port = await freePort();
  const driver = spawn(geckodriver, ['--port', String(port), '--host', '127.0.0.1', '--log', 'error'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  driver.stdout.on('data', (d) => (output += d));
  driver.stderr.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const status = await (await fetch(`${base}/status`)).json();
      if (status.value?.ready !== undefined) break;
    } catch {
      // not listening yet
    }
    if (driver.exitCode !== null || Date.now() > deadline) {
      driver.kill();
      throw new Error(`geckodriver did not start: ${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const capabilities = {
    alwaysMatch: {
      browserName: 'firefox',
      'moz:firefoxOptions': { binary: firefox, args: ['-headless'], prefs: PREFS },
      timeouts: { script: 120_000, pageLoad: 60_000 },
    },
  };
  let created;
  try {
    created = await command(base, 'POST', '/session', { capabilities });
  } catch (err) {
    driver.kill();
    throw new Error(`${err.message} ${output.trim()}`);
  }
  return new Session(base, created.sessionId, created.capabilities, driver);
}

async function command(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok || json.value?.error) {
    const { error, message } = json.value ?? {};
    throw new Error(`WebDriver ${method} ${path}: ${error ?? response.status}: ${message ?? ''}`);
  }
  return json.value;
}

class Session {
  constructor(base, id, capabilities, driver) {
    this.base = base;
    this.id = id;
    this.capabilities = capabilities;
    this.driver = driver;
  }

  send(method, path, body) {
    return command(this.base, method, `/session/${this.id}${path}`, body);
  }

  navigate(url) {
    return this.send('POST', '/url', { url });
  }

  refresh() {
    return this.send('POST', '/refresh', {});
  }

  /** Runs `fn` (a function) in the page with `args`; returns its (awaited) result. */
  execute(fn, ...args) {
    return this.send('POST', '/execute/sync', { script: `return (${fn}).apply(null, arguments);`, args });
  }

  /** Polls `fn(...args)` in the page every 200 ms until it returns a truthy value; returns it. */
  async waitFor(fn, { timeout = 30_000, what = String(fn) } = {}, ...args) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await this.execute(fn, ...args);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async find(selector) {
    const found = await this.send('POST', '/element', { using: 'css selector', value: selector });
    return found[ELEMENT];
  }

  async click(selector) {
    const id = await this.find(selector);
    return this.send('POST', `/element/${id}/click`, {});
  }

  /**
   * Draws `strokes` (lists of [x, y] in fractions of the element's side) with the mouse on the
   * element `selector`, through WebDriver pointer actions (real input events in the browser).
   */
  async drawStrokes(selector, strokes) {
    const id = await this.find(selector);
    const rect = await this.send('GET', `/element/${id}/rect`);
    const origin = { [ELEMENT]: id };
    // Pointer positions with an element origin are offsets from its centre, in whole CSS pixels.
    const at = ([x, y]) => ({ x: Math.round((x - 0.5) * rect.width), y: Math.round((y - 0.5) * rect.height) });
    for (const stroke of strokes) {
      const actions = [
        { type: 'pointerMove', duration: 0, origin, ...at(stroke[0]) },
        { type: 'pointerDown', button: 0 },
        ...stroke.slice(1).map((point) => ({ type: 'pointerMove', duration: 10, origin, ...at(point) })),
        { type: 'pointerUp', button: 0 },
      ];
      await this.send('POST', '/actions', { actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions }] });
    }
    await this.send('DELETE', '/actions');
  }

  async close() {
    try {
      await this.send('DELETE', '');
    } finally {
      this.driver.kill();
    }
  }
}
