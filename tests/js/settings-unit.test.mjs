// Unit tests of the settings table (www/playground/settings.js), in Node without a browser: engine config →
// form values → engine config is the identity (for every optimizer and schedule kind), text that
// does not parse is reported per field, and the URL hash holds exactly the changed settings.
// Cores (threads): the page's default (2 on a cross-origin isolated page with two cores or more,
// else 1) is what a link without it means; more than 1 needs an isolated page.
//
// Expected configs are the engine's JSON shapes (src/config.rs, src/optimizer.rs,
// src/schedule.rs, src/augment.rs), written out by hand.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AUGMENT, Engine, ENGINE_DEFAULT, LIMITS } from './engine-default.mjs';
import {
  CHOICE_LABELS,
  choices,
  configFromValues,
  coresOf,
  helpText,
  inFormWords,
  kindDefaultsOf,
  normaliseNumber,
  rangeInWords,
  sameValues,
  setLimits,
  SETTING,
  SETTINGS,
  tidy,
  valuesFromConfig,
} from '../../www/playground/settings.js';
import { layersText } from '../../www/ui/format.js';
import { hashFromValues, parseHash, shareLink, valuesFromHash } from '../../www/playground/settings-link.js';

// As the page does once the engine is ready (its `ready` message's limits).
setLimits(LIMITS);

const DEFAULT = ENGINE_DEFAULT;

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
    assert.equal(errors.epochs, 'Epochs: enter a whole number ≥ 1');
    // Fields whose smallest value is 1 say so (0 would only be refused next).
    assert.equal(configFromValues({ ...values, batch_size: '-1' }).errors.batch_size, 'Batch size: enter a whole number ≥ 1');
    assert.equal(configFromValues({ ...values, batch_size: '0' }).errors.batch_size, 'Batch size: enter a whole number ≥ 1');
    assert.equal(configFromValues({ ...values, seed: '-1' }).errors.seed, 'Seed: enter a whole number ≥ 0');
    assert.equal(configFromValues({ ...values, seed: '0' }).errors.seed, undefined);
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

describe('Cores (threads)', () => {
  // The environments a page can be in (globalThis.crossOriginIsolated, navigator.hardwareConcurrency).
  const ISOLATED = { crossOriginIsolated: true, navigator: { hardwareConcurrency: 4 } };
  const ONE_CORE = { crossOriginIsolated: true, navigator: { hardwareConcurrency: 1 } };
  const PLAIN = { crossOriginIsolated: false, navigator: { hardwareConcurrency: 8 } };
  const base = valuesFromConfig(DEFAULT); // the engine's default: threads 1

  test('the page default: 2 on an isolated page with two cores or more, else 1', () => {
    assert.deepEqual(coresOf(ISOLATED), { isolated: true, cores: 4, defaultThreads: 2 });
    assert.deepEqual(coresOf(ONE_CORE), { isolated: true, cores: 1, defaultThreads: 1 });
    assert.deepEqual(coresOf(PLAIN), { isolated: false, cores: 8, defaultThreads: 1 });
    assert.deepEqual(coresOf({}), { isolated: false, cores: 1, defaultThreads: 1 });
  });

  test('a config without threads (recorded before the setting) means 1, the engine\'s serde default', () => {
    const { threads, ...old } = DEFAULT;
    assert.equal(threads, 1);
    assert.equal(valuesFromConfig(old).threads, '1');
    assert.equal(configFromValues(valuesFromConfig(old)).config.threads, 1);
    assert.equal(configFromValues({ ...base, threads: '4' }).config.threads, 4);
    assert.equal(configFromValues({ ...base, threads: '1.5' }).errors.threads, 'Cores: enter a whole number ≥ 1');
  });

  test('a link without threads (an old link) gets the page default; the hash leaves the default out', () => {
    assert.equal(valuesFromHash('', base, ISOLATED).threads, '2');
    assert.equal(valuesFromHash('#learning_rate=0.01', base, PLAIN).threads, '1');
    assert.equal(hashFromValues({ ...base, threads: '2' }, base, ISOLATED), '');
    assert.equal(hashFromValues({ ...base, threads: '1' }, base, ISOLATED), '#threads=1');
    assert.equal(hashFromValues({ ...base, threads: '1' }, base, PLAIN), '');
    assert.equal(hashFromValues({ ...base, threads: '4', seed: '7' }, base, ISOLATED), '#threads=4&seed=7');
  });

  test('a shared link always says how many cores, since the page default differs between devices', () => {
    assert.equal(shareLink('http://h/?storage=memory#seed=7', '2'), 'http://h/?storage=memory#seed=7&threads=2');
    assert.equal(shareLink('http://h/', '2'), 'http://h/#threads=2');
    assert.equal(shareLink('http://h/#threads=4&seed=1', '2'), 'http://h/#threads=4&seed=1', 'a link that names it keeps it');
    // Opened on a page that is not isolated, the link says what it asked for and why it gets 1.
    const elsewhere = parseHash(new URL(shareLink('http://h/#seed=7', '2')).hash, base, PLAIN);
    assert.equal(elsewhere.values.threads, '1');
    assert.deepEqual(elsewhere.problems, ['Cores: "2" needs a cross-origin isolated page (this one is not); using 1']);
    // On another isolated device with a different default it is kept.
    assert.equal(parseHash(new URL(shareLink('http://h/#seed=7', '1')).hash, base, ISOLATED).values.threads, '1');
  });

  test('a link with threads: kept on an isolated page (even above the device\'s cores), 1 with a reason elsewhere', () => {
    const kept = parseHash('#threads=8&seed=3', base, ISOLATED);
    assert.equal(kept.values.threads, '8');
    assert.deepEqual(kept.problems, []);
    assert.deepEqual([...kept.keys].sort(), ['seed', 'threads']);
    assert.equal(parseHash('#threads=1', base, ISOLATED).values.threads, '1');

    const plain = parseHash('#threads=4&seed=3', base, PLAIN);
    assert.equal(plain.values.threads, '1');
    assert.equal(plain.values.seed, '3');
    assert.deepEqual(plain.problems, ['Cores: "4" needs a cross-origin isolated page (this one is not); using 1']);
    assert.ok(!plain.keys.has('threads'));
    assert.deepEqual(parseHash('#threads=1', base, PLAIN).problems, []);

    const bad = parseHash('#threads=two', base, ISOLATED);
    assert.equal(bad.values.threads, '2');
    assert.deepEqual(bad.problems, ['Cores: "two" is not a number; using the default 2']);
    // Out of range (0, 9) parses: the engine refuses it (share.js reports it, tests/e2e/playground/state-threads.test.mjs).
    assert.equal(parseHash('#threads=9', base, ISOLATED).values.threads, '9');
  });
});

test('engine messages about a field are shown in the words of the form', () => {
  assert.equal(inFormWords('learning_rate must be a number in (0, 10], got 0', 'learning_rate'), 'Learning rate must be above 0 and at most 10, got 0');
  assert.equal(inFormWords('threads must be 1 to 8, got 9', 'threads'), 'Cores must be 1 to 8, got 9');
  assert.equal(inFormWords('hidden[1] must be 1 to 4096 units, got 0', 'hidden[1]'), 'Hidden layer 2 must be 1 to 4096 units, got 0');
  assert.equal(inFormWords('optimizer.beta1 must be in [0, 1), got 1', 'optimizer.beta1'), `${'β₁'} must be at least 0 and below 1, got 1`);
  // Every range the engine words (src/config.rs, optimizer.rs, schedule.rs) reads in words.
  assert.equal(inFormWords('weight_decay must be in [0, 1], got 2', 'weight_decay'), 'L2 weight decay must be at least 0 and at most 1, got 2');
  assert.equal(inFormWords('optimizer.epsilon must be finite and > 0, got 0', 'optimizer.epsilon'), 'ε must be above 0, got 0');
  assert.equal(inFormWords('schedule.min_lr must be finite and >= 0, got -0.001', 'schedule.min_lr'), 'Final rate must be 0 or more, got -0.001');
  assert.equal(inFormWords('schedule.every_epochs must be >= 1, got 0', 'schedule.every_epochs'), 'Every k epochs must be 1 or more, got 0');
  // Not about that key, or no key: unchanged.
  assert.equal(inFormWords('the network has 9 parameters; at most 8 are supported', 'hidden'), 'the network has 9 parameters; at most 8 are supported');
  assert.equal(inFormWords('learning_rate_x is odd', 'learning_rate'), 'learning_rate_x is odd');
  assert.equal(inFormWords('something', undefined), 'something');
});

test('whole numbers beyond 2⁵³ − 1 are refused with a message, in the form and in links', () => {
  const values = valuesFromConfig(ENGINE_DEFAULT);
  for (const seed of ['9007199254740993', '18446744073709551615', '1e20']) {
    const { errors } = configFromValues({ ...values, seed });
    assert.equal(errors.seed, 'Seed: enter a whole number up to 9,007,199,254,740,991', seed);
  }
  assert.equal(configFromValues({ ...values, seed: '9007199254740991' }).errors.seed, undefined);
  const { problems, keys } = parseHash('#seed=99999999999999999999999', ENGINE_DEFAULT, { crossOriginIsolated: true, navigator: { hardwareConcurrency: 2 } });
  assert.equal(keys.has('seed'), false);
  assert.match(problems[0], /^Seed: "99999999999999999999999" is too large \(enter a whole number up to 9,007,199,254,740,991\); using the default 1$/);
});

test('numbers in the form are decimal: 12, -0.5, .5, 1e-3 pass; 0x10, 0b1, Infinity and 1e400 do not', () => {
  const values = valuesFromConfig(ENGINE_DEFAULT);
  for (const ok of ['0.5', '.5', '1e-3', '5E-1', '+0.25', ' 0.5 ']) assert.equal(configFromValues({ ...values, dropout: ok }).errors.dropout, undefined, ok);
  for (const bad of ['0x10', '0b1', 'Infinity', '1e400', '']) assert.equal(configFromValues({ ...values, dropout: bad }).errors.dropout, 'Dropout: enter a number', bad);
  assert.equal(configFromValues({ ...values, dropout: '1,2,3' }).errors.dropout, 'Dropout: enter a number with a decimal point, like 0.01');
  assert.equal(configFromValues({ ...values, epochs: '0x10' }).errors.epochs, 'Epochs: enter a whole number ≥ 1');
});

test('links respect a field\'s least value as the form does: Cores 0 and Batch size 0 are reported', () => {
  const env = { crossOriginIsolated: true, navigator: { hardwareConcurrency: 2 } };
  const { problems, keys } = parseHash('#threads=0&batch_size=0&seed=0', ENGINE_DEFAULT, env);
  assert.deepEqual(problems, [
    'Cores: "0" is not a whole number ≥ 1; using the default 2',
    'Batch size: "0" is not a whole number ≥ 1; using the default 128',
  ]);
  assert.deepEqual([...keys], ['seed']);
});

test('hidden-layer widths are decimal digits too (the link accepts no other)', () => {
  const values = valuesFromConfig(ENGINE_DEFAULT);
  for (const bad of ['0x10', '1e2', '12.0', '']) {
    assert.equal(configFromValues({ ...values, hidden: [bad] }).errors['hidden[0]'], 'Hidden layer 1: enter a whole number of units ≥ 1', bad);
  }
  assert.deepEqual(configFromValues({ ...values, hidden: [' 64 ', 32] }).config.hidden, [64, 32]);
});

test('a decimal comma reads as a point in fraction fields, thousands separators in whole-number fields; links get decimal points', () => {
  assert.equal(normaliseNumber('0,01', 'number'), '0.01');
  assert.equal(normaliseNumber(' 1,5e-3 ', 'number'), '1.5e-3');
  assert.equal(normaliseNumber('5,000', 'integer'), '5000');
  assert.equal(normaliseNumber('12,345,678', 'integer'), '12345678');
  assert.equal(normaliseNumber('5,00', 'integer'), '5,00'); // not thousands: left for the error
  assert.equal(normaliseNumber('1,000', 'number'), '1.000'); // a comma in a fraction field is a decimal comma
  const values = valuesFromConfig(ENGINE_DEFAULT);
  const { config, errors } = configFromValues({ ...values, learning_rate: '0,01', validation_size: '5,000' });
  assert.deepEqual(errors, {});
  assert.equal(config.learning_rate, 0.01);
  assert.equal(config.validation_size, 5000);
  const env = { crossOriginIsolated: true, navigator: { hardwareConcurrency: 2 } };
  assert.equal(hashFromValues({ ...values, learning_rate: '0,01', validation_size: '5,000', seed: ' 7 ' }, values, env), '#learning_rate=0.01&threads=1&seed=7');
});

test('a link written by hand with a decimal comma reads too; hidden widths take thousands separators', () => {
  const env = { crossOriginIsolated: true, navigator: { hardwareConcurrency: 2 } };
  const { values, problems } = parseHash('#learning_rate=0,01', ENGINE_DEFAULT, env);
  assert.deepEqual(problems, []);
  assert.equal(values.learning_rate, '0.01');
  const form = valuesFromConfig(ENGINE_DEFAULT);
  const { config, errors } = configFromValues({ ...form, hidden: ['1,024', '64'] });
  assert.deepEqual(errors, {});
  assert.deepEqual(config.hidden, [1024, 64]);
  assert.match(hashFromValues({ ...form, hidden: ['1,024', '64'] }, form, env), /hidden=1024-64/);
});

test('whole-number fields: "5.000" is 5,000 (a dot for thousands), "2,5" is not a whole number; big numbers in messages are grouped', () => {
  const values = valuesFromConfig(ENGINE_DEFAULT);
  const { config, errors } = configFromValues({ ...values, validation_size: '5.000', batch_size: '1.024' });
  assert.deepEqual(errors, {});
  assert.equal(config.validation_size, 5000);
  assert.equal(config.batch_size, 1024);
  assert.equal(configFromValues({ ...values, epochs: '2,5' }).errors.epochs, 'Epochs: enter a whole number ≥ 1');
  assert.equal(configFromValues({ ...values, epochs: '2.5' }).errors.epochs, 'Epochs: enter a whole number ≥ 1');
  assert.equal(inFormWords('validation_size must be less than the 60000 training images, got 60000', 'validation_size'), 'Validation images must be less than the 60,000 training images, got 60,000');
  assert.equal(inFormWords('learning_rate must be a number in (0, 10], got 0.00001', 'learning_rate'), 'Learning rate must be above 0 and at most 10, got 0.00001');
});

// What the page takes from the engine rather than restating: the select settings' values, each
// kind's default parameters, ranges and counts in the help texts. LIMITS are the engine's own (its
// build, see engine-default.mjs), so these hold for whatever the engine says.
describe('values the page takes from the engine', () => {
  test('the test fixture ENGINE_DEFAULT is the engine\'s default config as the form shows it', () => {
    const engine = Engine.defaultConfig();
    assert.deepEqual(valuesFromConfig(engine), valuesFromConfig(DEFAULT));
  });

  test('every choice the engine offers has a label; the options are the engine\'s, in its order', () => {
    assert.deepEqual(Object.keys(LIMITS.choices).sort(), ['activation', 'init', 'optimizer.kind', 'schedule.kind']);
    for (const [key, values] of Object.entries(LIMITS.choices)) {
      assert.ok(SETTING[key]?.kind === 'select', `${key} is a select setting`);
      for (const value of values) assert.ok(CHOICE_LABELS[key]?.[value], `${key} = ${value} has a label in CHOICE_LABELS`);
      assert.deepEqual(choices(key).map(([v]) => v), values);
    }
    // Every select setting has its values from the engine.
    for (const s of SETTINGS.filter((s) => s.kind === 'select')) assert.ok(choices(s.key).length > 0, s.key);
  });

  test('a value without a label shows as it is; a link may name it', () => {
    try {
      setLimits({ ...LIMITS, choices: { ...LIMITS.choices, activation: [...LIMITS.choices.activation, 'swish'] } });
      assert.deepEqual(choices('activation').at(-1), ['swish', 'swish']);
      assert.equal(valuesFromHash('#activation=swish', valuesFromConfig(DEFAULT)).activation, 'swish');
    } finally {
      setLimits(LIMITS);
    }
    assert.equal(valuesFromHash('#activation=swish', valuesFromConfig(DEFAULT)).activation, DEFAULT.activation);
  });

  test('each kind\'s defaults are the engine\'s, without the kind tag, f32 values as typed', () => {
    for (const head of ['optimizer', 'schedule']) {
      const own = kindDefaultsOf(head);
      // In the engine's order of the kinds: a parameter two kinds share defaults to the first's.
      assert.deepEqual(Object.keys(own), LIMITS.choices[`${head}.kind`]);
      for (const [kind, params] of Object.entries(own)) {
        const engine = LIMITS.kind_defaults[head][kind];
        assert.equal(engine.kind, kind);
        assert.ok(!('kind' in params), `${head} ${kind}: no kind tag`);
        assert.deepEqual(Object.keys(params).sort(), Object.keys(engine).filter((k) => k !== 'kind').sort());
        for (const [k, v] of Object.entries(params)) assert.equal(v, tidy(engine[k]), `${head}.${k} of ${kind}`);
      }
    }
    // The engine's default optimizer is one of them, with the same parameters.
    const { kind, ...adam } = ENGINE_DEFAULT.optimizer;
    assert.deepEqual(kindDefaultsOf('optimizer')[kind], adam);
  });

  test('parameters of kinds the config lacks show an engine default; a config of any kind reads back', () => {
    const values = valuesFromConfig({ ...DEFAULT, optimizer: { kind: 'sgd' }, schedule: { kind: 'constant', warmup_epochs: 0 } });
    for (const head of ['optimizer', 'schedule']) {
      for (const [kind, params] of Object.entries(kindDefaultsOf(head))) {
        for (const k of Object.keys(params)) {
          // A parameter several kinds share (γ of step and exponential decay) shows one kind's default.
          const shown = values[`${head}.${k}`];
          const defaults = Object.values(kindDefaultsOf(head)).filter((d) => k in d).map((d) => (typeof d[k] === 'boolean' ? d[k] : String(d[k])));
          assert.ok(defaults.includes(shown), `${head}.${k} (${kind}): ${shown} is one of ${defaults}`);
        }
        const { config, errors } = configFromValues({ ...values, [`${head}.kind`]: kind });
        assert.deepEqual(errors, {});
        assert.deepEqual(Object.keys(config[head]).filter((k) => k !== 'kind' && k !== 'warmup_epochs').sort(), Object.keys(params).sort());
      }
    }
  });

  test('a range in words says what the engine\'s refusal says', () => {
    // The engine's own message for an out-of-range dropout, in the form's words, states the range
    // that the help text states.
    const engine = new Engine();
    const report = engine.describeConfig({ ...DEFAULT, dropout: 1e6 });
    engine.free();
    assert.equal(report.field, 'dropout');
    assert.ok(inFormWords(report.message, 'dropout').includes(rangeInWords('dropout')), `${report.message} ~ ${rangeInWords('dropout')}`);
    assert.ok(helpText(SETTING.dropout).endsWith(rangeInWords('dropout')));
    assert.ok(helpText(SETTING.weight_decay).endsWith(rangeInWords('weight_decay')));
  });

  test('ranges in words: each kind of end', () => {
    const range = (min, max, min_exclusive, max_exclusive) => ({ min, max, min_exclusive, max_exclusive, integer: false });
    try {
      setLimits({ ...LIMITS, ranges: { a: range(0, 0.5, false, true), b: range(0, 1, false, false), c: range(0, null, true, false), d: range(2, null, false, false), e: range(0, 3, true, false) } });
      assert.equal(rangeInWords('a'), 'at least 0 and below 0.5');
      assert.equal(rangeInWords('b'), 'at least 0 and at most 1');
      assert.equal(rangeInWords('c'), 'above 0');
      assert.equal(rangeInWords('d'), '2 or more');
      assert.equal(rangeInWords('e'), 'above 0 and at most 3');
      assert.equal(rangeInWords('none'), '');
    } finally {
      setLimits(LIMITS);
    }
  });

  test('help texts state the engine\'s numbers: the training images, the usual values', () => {
    assert.equal(helpText(SETTING.validation_size), `Held out of the ${LIMITS.train_images.toLocaleString('en-US')} training images`);
    for (const key of ['optimizer.momentum', 'optimizer.rho', 'optimizer.beta1', 'optimizer.beta2']) {
      const [, param] = key.split('.');
      const engine = Object.values(LIMITS.kind_defaults.optimizer).find((d) => param in d)[param];
      assert.ok(helpText(SETTING[key]).includes(`${tidy(engine)} is usual`), `${key}: ${helpText(SETTING[key])}`);
    }
    for (const s of SETTINGS) assert.doesNotMatch(helpText(s), /undefined|NaN|null/, s.key);
  });

  test('a network\'s layers read input-hidden-output, the sizes from the engine\'s limits', () => {
    assert.equal(layersText({ hidden: [256, 128] }, { pixels: 4, classes: 3 }), '4-256-128-3');
    assert.equal(layersText({ hidden: [] }, LIMITS), `${LIMITS.pixels}-${LIMITS.classes}`);
  });
});
