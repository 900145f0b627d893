// The engine worker's own contract (www/engine/worker.js, messages of www/protocol.js), driven
// directly from a page of the site with no data loaded: `ready` carries the engine's limits, and
// `fresh-seed` answers with a new random seed (drawn by the engine through getrandom) that the
// engine accepts as config.seed; the explain commands refuse bad arguments with their messages.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FromWorker, ToWorker } from '../../../www/protocol.js';
import { openPage, useBrowser } from '../harness.mjs';

const browser = useBrowser();

/**
 * In the page: starts a second engine worker, sends `requests` (each with an id) and resolves to
 * {ready, replies}: the `ready` message and one reply per request, in order.
 */
function talkToEngine(page, requests) {
  return page.evaluate(async ({ requests, FromWorker }) => {
    const worker = new Worker(new URL('www/engine/worker.js', document.baseURI), { type: 'module' });
    const pending = new Map();
    let readyMessage;
    const ready = new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        if (data.type === FromWorker.READY) return resolve((readyMessage = data));
        if (data.type === FromWorker.ERROR && data.id === undefined) return reject(new Error(data.message));
        pending.get(data.id)?.(data);
      };
      worker.onerror = (event) => reject(new Error(event.message || 'the worker did not start'));
    });
    const replies = requests.map((message) => new Promise((resolve) => {
      pending.set(message.id, resolve);
      worker.postMessage(message);
    }));
    await ready;
    const all = await Promise.all(replies);
    worker.terminate();
    return { ready: readyMessage, replies: all };
  }, { requests, FromWorker });
}

describe('the engine worker', () => {
  test('ready carries the engine\'s limits, beside its presets and default config', async () => {
    const { page, context } = await openPage(browser.session, '');
    const { ready } = await talkToEngine(page, []);
    const { limits } = ready;
    assert.ok(limits, 'ready.limits is there');
    assert.equal(limits.side, 28, 'MNIST images are 28×28');
    assert.equal(limits.pixels, limits.side * limits.side);
    assert.equal(limits.classes, 10, 'ten digits');
    assert.ok(Number.isInteger(limits.max_threads) && limits.max_threads >= 1);
    // The model file input refuses larger files before reading them (www/experiments/models.js).
    assert.ok(Number.isInteger(limits.max_model_file_bytes) && limits.max_model_file_bytes > 4 * limits.max_parameters, 'room for the largest network\'s weights');
    assert.deepEqual(limits.augment, ready.defaultConfig.augment, 'the augmentation defaults, as in a config');
    assert.ok(limits.ranges.learning_rate, 'the ranges name the config fields');
    // The select settings' values, the default config's among them, and each kind's defaults as in a config.
    const config = ready.defaultConfig;
    for (const [key, value] of [['activation', config.activation], ['init', config.init], ['optimizer.kind', config.optimizer.kind], ['schedule.kind', config.schedule.kind]]) {
      assert.ok(limits.choices[key].includes(value), `${key}: ${limits.choices[key]} has ${value}`);
    }
    assert.deepEqual(limits.kind_defaults.optimizer[config.optimizer.kind], config.optimizer);
    assert.deepEqual(Object.keys(limits.kind_defaults.schedule).sort(), [...limits.choices['schedule.kind']].sort());
    assert.ok(Number.isInteger(limits.train_images) && limits.train_images > config.validation_size);
    assert.ok(Array.isArray(ready.presets) && ready.presets.length > 0);
    await context.close();
  });

  test('fresh-seed answers with a valid seed, a different one each time, without data', async () => {
    const { page, context } = await openPage(browser.session, '');
    const asks = [1, 2, 3].map((id) => ({ type: ToWorker.FRESH_SEED, id }));
    const { ready, replies } = await talkToEngine(page, asks);
    assert.deepEqual(replies.map((r) => [r.type, r.id]), asks.map((a) => [FromWorker.SEED, a.id]));
    const seeds = replies.map((r) => r.seed);
    for (const seed of seeds) assert.ok(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32, `a whole number below 2³²: ${seed}`);
    assert.equal(new Set(seeds).size, seeds.length, `three different seeds: ${seeds}`);
    // Each is a seed the engine takes: a config with it passes validation.
    const checks = seeds.map((seed, k) => ({ type: ToWorker.DESCRIBE_CONFIG, id: 10 + k, config: { ...ready.defaultConfig, seed } }));
    const { replies: reports } = await talkToEngine(page, checks);
    for (const r of reports) {
      assert.equal(r.type, FromWorker.CONFIG_REPORT);
      assert.equal(r.report.ok, true, r.report.message);
    }
    await context.close();
  });

  test('explain refuses what it cannot explain, each time saying what is wrong', async () => {
    const { page, context } = await openPage(browser.session, '');
    const image = new Array(784).fill(0);
    const asks = [
      { class: 3, method: 'gradient' }, // no image, and nothing predicted yet
      { image: [1, 2, 3], class: 3, method: 'gradient' },
      { image, class: 10, method: 'gradient' },
      { image, class: 2.5, method: 'gradient' },
      { image, class: 3, method: 'saliency' },
      { image, class: 3, method: 'gradient' }, // no data loaded: no model answers
    ].map((ask, k) => ({ type: ToWorker.EXPLAIN, id: k + 1, ...ask }));
    const { ready, replies } = await talkToEngine(page, asks);
    assert.deepEqual(replies.map((r) => r.type), asks.map(() => FromWorker.ERROR));
    const messages = replies.map((r) => r.message);
    assert.match(messages[0], /nothing to explain yet: draw a digit/);
    assert.match(messages[1], /has 3 pixels; expected 784/);
    assert.match(messages[2], /whole number from 0 to 9 \(got 10\)/);
    assert.match(messages[3], /whole number from 0 to 9 \(got 2.5\)/);
    assert.match(messages[4], /unknown attribution method/);
    assert.match(messages[5], /no model yet/);
    for (const r of replies) assert.equal(r.fatal, false, `not a crash: ${r.message}`);
    // The page learns integrated gradients' numbers from the engine.
    assert.equal(ready.explainLimits.completeness_tolerance, 0.01);
    assert.ok(ready.explainLimits.integrated_gradients_steps >= 1);
    await context.close();
  });

  test('attack, smallest-epsilon and walkthrough refuse bad arguments, each saying what is wrong', async () => {
    const { page, context } = await openPage(browser.session, '');
    const model = await page.evaluate(async () => Array.from(new Uint8Array(await (await fetch('data/default-model.bin')).arrayBuffer())));
    const image = new Array(784).fill(0);
    const asks = [
      { type: ToWorker.LOAD_MODEL, bytes: model, name: 'default' }, // a plain array: new Uint8Array(bytes) reads it
      { type: ToWorker.ATTACK, target: 3, epsilon: 0.1, steps: 40 }, // no image, and nothing predicted yet
      { type: ToWorker.ATTACK, image: [1, 2], target: 3, epsilon: 0.1, steps: 40 },
      { type: ToWorker.ATTACK, image, target: -1, epsilon: 0.1, steps: 40 },
      { type: ToWorker.ATTACK, image, target: 3, epsilon: '0.1', steps: 40 },
      { type: ToWorker.ATTACK, image, target: 3, epsilon: 0.9, steps: 40 },
      { type: ToWorker.ATTACK, image, target: 3, epsilon: 0.1, steps: 2.5 },
      { type: ToWorker.ATTACK, image, target: 3, epsilon: 0.1, steps: 0 },
      { type: ToWorker.SMALLEST_EPSILON, image, target: 10, steps: 40 },
      { type: ToWorker.WALKTHROUGH, image, label: 3, learning_rate: 0 },
      { type: ToWorker.WALKTHROUGH, image, label: 3, learning_rate: null },
      { type: ToWorker.WALKTHROUGH, image, label: 3, learning_rate: 0.1 },
    ].map((ask, k) => ({ id: k + 1, ...ask }));
    const { replies } = await talkToEngine(page, asks);
    assert.equal(replies[0].type, FromWorker.MODEL_LOADED);
    const errors = replies.slice(1, -1);
    assert.deepEqual(errors.map((r) => r.type), errors.map(() => FromWorker.ERROR));
    const m = errors.map((r) => r.message);
    assert.match(m[0], /nothing to attack yet: draw a digit/);
    assert.match(m[1], /has 2 pixels; expected 784/);
    assert.match(m[2], /target class must be a whole number from 0 to 9 \(got -1\)/);
    assert.match(m[3], /budget ε must be a number \(got "0.1"\)/);
    assert.match(m[4], /epsilon.*0\.5/i, 'the engine names the largest budget');
    assert.match(m[5], /attack steps must be a whole number \(got 2.5\)/);
    assert.match(m[6], /steps/i);
    assert.match(m[7], /target class must be a whole number from 0 to 9 \(got 10\)/);
    assert.match(m[8], /learning.rate/i);
    assert.match(m[9], /learning rate must be a number \(got null\)/);
    for (const r of errors) assert.equal(r.fatal, false, `not a crash: ${r.message}`);
    const w = replies.at(-1);
    assert.equal(w.type, FromWorker.WALKTHROUGH_RESULT);
    assert.ok(w.layers.every((l) => l.delta instanceof Float32Array), 'the numbers arrive as transferred Float32Arrays');
    assert.equal(w.first_layer_weight_gradient.length, w.units * 784);
    await context.close();
  });
});
