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
