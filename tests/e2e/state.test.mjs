// Unit tests of the settings table (www/state.js), in Node without a browser: engine config →
// form values → engine config is the identity (for every optimizer and schedule kind), text that
// does not parse is reported per field, and the URL hash holds exactly the changed settings.
//
// Expected configs are the engine's JSON shapes (src/config.rs, src/optimizer.rs,
// src/schedule.rs, src/augment.rs), written out by hand.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromValues, hashFromValues, sameValues, valuesFromConfig, valuesFromHash } from '../../www/state.js';

const AUGMENT = { enabled: false, max_shift: 2, max_rotation: 12, max_scale: 0.12, max_shear: 0.15, thickness: 0.3 };
const DEFAULT = {
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
};

describe('the settings table', () => {
  const cases = [
    ['default', DEFAULT],
    ['sgd, no hidden layer, cosine', { ...DEFAULT, hidden: [], optimizer: { kind: 'sgd' }, schedule: { kind: 'cosine', min_lr: 0.0001, warmup_epochs: 1 } }],
    ['nesterov momentum, step decay', { ...DEFAULT, optimizer: { kind: 'momentum', momentum: 0.95, nesterov: true }, schedule: { kind: 'step', gamma: 0.5, every_epochs: 3, warmup_epochs: 0 } }],
    ['rmsprop, exponential', { ...DEFAULT, optimizer: { kind: 'rmsprop', rho: 0.9, epsilon: 1e-7 }, schedule: { kind: 'exponential', gamma: 0.9, warmup_epochs: 0.5 } }],
    ['adamw, augmented, deep gelu', { ...DEFAULT, hidden: [512, 256, 64], activation: 'gelu', init: 'he_normal', dropout: 0.2, optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weight_decay: 0.05 }, augment: { ...AUGMENT, enabled: true, max_rotation: 20 } }],
  ];
  for (const [name, config] of cases) {
    test(`config → values → config is the identity: ${name}`, () => {
      const { config: back, errors } = configFromValues(valuesFromConfig(config));
      assert.deepEqual(errors, {});
      assert.deepEqual(back, config);
    });
  }

  test('f32 values from the engine are shown as typed (0.8999999761581421 → 0.9)', () => {
    const values = valuesFromConfig({ ...DEFAULT, optimizer: { kind: 'adam', beta1: 0.8999999761581421, beta2: 0.9990000128746033, epsilon: 9.99999993922529e-9 } });
    assert.equal(values['optimizer.beta1'], '0.9');
    assert.equal(values['optimizer.beta2'], '0.999');
    assert.equal(values['optimizer.epsilon'], '1e-8');
  });

  test('text that does not parse is reported for its field', () => {
    const values = valuesFromConfig(DEFAULT);
    const bad = { ...values, learning_rate: 'abc', epochs: '2.5', batch_size: '', hidden: [128, NaN] };
    const { errors } = configFromValues(bad);
    assert.deepEqual(Object.keys(errors).sort(), ['batch_size', 'epochs', 'hidden[1]', 'learning_rate']);
    assert.equal(errors.learning_rate, 'Learning rate: enter a number');
    assert.equal(errors.epochs, 'Epochs: enter a whole number ≥ 0');
  });

  test('the URL hash holds only what differs from the defaults, and reads back', () => {
    const base = valuesFromConfig(DEFAULT);
    assert.equal(hashFromValues(base, base), '');
    const changed = { ...base, hidden: [256, 128], learning_rate: '0.01', 'optimizer.kind': 'sgd' };
    const hash = hashFromValues(changed, base);
    assert.equal(hash, '#hidden=256-128&optimizer.kind=sgd&learning_rate=0.01');
    assert.ok(sameValues(valuesFromHash(hash, base), changed));
    assert.deepEqual(valuesFromHash('#hidden=none', base).hidden, []);
    // Unknown keys and unknown choices are ignored.
    const odd = valuesFromHash('#bogus=1&activation=softplus', base);
    assert.equal(odd.activation, 'relu');
    assert.ok(!('bogus' in odd));
  });
});
