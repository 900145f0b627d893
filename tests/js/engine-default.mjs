// The engine's default config as the page receives it (Rust `Config::default()` in src/config.rs,
// written out by hand, with `threads` spelled out), shared by the Node unit tests of the page's
// settings (settings-unit.test.mjs) and experiments (experiments-unit.test.mjs).

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
 * The part of the engine's `limits` (Rust `limits()` in src/train/config.rs, sent in its `ready`
 * message) that the page's settings read, written out by hand: the least whole numbers and the
 * most hidden layers. Tests hand it to settings.js setLimits as the page does when the engine is ready.
 */
export const LIMITS = Object.freeze({
  max_hidden_layers: 16,
  ranges: {
    'hidden[]': { min: 1, max: 8192, min_exclusive: false, max_exclusive: false, integer: true },
    batch_size: { min: 1, max: 4096, min_exclusive: false, max_exclusive: false, integer: true },
    epochs: { min: 1, max: 1000, min_exclusive: false, max_exclusive: false, integer: true },
    threads: { min: 1, max: 8, min_exclusive: false, max_exclusive: false, integer: true },
    'schedule.every_epochs': { min: 1, max: null, min_exclusive: false, max_exclusive: false, integer: true },
    validation_size: { min: 0, max: 60000, min_exclusive: false, max_exclusive: true, integer: true },
    train_subset: { min: 0, max: 60000, min_exclusive: false, max_exclusive: false, integer: true },
  },
});
