// The engine's default config as the page shows it (Rust `Config::default()` in src/train/config.rs,
// written out by hand, with `threads` spelled out; settings-unit.test.mjs checks it against the
// engine's own), and the engine's limits from its build, shared by the Node unit tests of the page's
// settings (settings-unit.test.mjs) and experiments (experiments-unit.test.mjs).

import { readFileSync } from 'node:fs';

export const AUGMENT = Object.freeze({ enabled: false, max_shift: 2, max_rotation: 12, max_scale: 0.12, max_shear: 0.15, thickness: 0.3 });

export const ENGINE_DEFAULT = Object.freeze({
  hidden: [128],
  activation: 'relu',
  init: 'auto',
  dropout: 0,
  weight_decay: 0,
  optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  learning_rate: 0.001,
  schedule: { kind: 'constant', warmup_epochs: 0 },
  batch_size: 128,
  epochs: 3,
  validation_size: 5000,
  train_subset: 0,
  seed: 1,
  augment: AUGMENT,
  threads: 1,
});

/**
 * The engine's built package (www/pkg/, written by scripts/build.sh, which scripts/test.sh runs
 * first), loaded in Node: its `Engine` class, with no data loaded.
 */
async function loadEngine() {
  const pkg = new URL('../../www/pkg/', import.meta.url);
  let wasm;
  try {
    wasm = readFileSync(new URL('mnist_playground_bg.wasm', pkg));
  } catch (err) {
    throw new Error(`the JS unit tests read the engine's limits from its build, and www/pkg/ has none (${err.code}): run bash scripts/build.sh first`);
  }
  const { Engine, initSync } = await import(new URL('mnist_playground.js', pkg).href);
  initSync({ module: wasm });
  return Engine;
}

export const Engine = await loadEngine();

/**
 * The engine's `limits` (Rust `limits()` in src/train/config.rs), as its `ready` message carries
 * them. Tests hand them to settings.js setLimits as the page does when the engine is ready.
 */
export const LIMITS = Object.freeze(Engine.limits());
