// Issue 7, in Node (no browser): the pure parts of the experiments section — which settings differ
// between runs and how the legend names them, the CSV exports (quoting, no spreadsheet formulas),
// the stored-record checks, links parsed into values and problems, and the guided configs.
// Expected values are written out by hand from the settings table (www/playground/settings.js).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE_DEFAULT, LIMITS } from './engine-default.mjs';
import { align, describeDifferences, describeRun, differingKeys, distinguishingKeys, measuredAtStop } from '../../www/experiments/run-records.js';
import { runsToCsv } from '../../www/experiments/runs-file.js';
import { recordProblem, SCHEMA_VERSION } from '../../www/experiments/history.js';
import { kindDefaultsOf, setLimits, valuesFromConfig } from '../../www/playground/settings.js';
import { parseHash } from '../../www/playground/settings-link.js';

// As the page does once the engine is ready (its `ready` message's limits).
setLimits(LIMITS);

// A run's config: the engine's default (augmentation magnitudes other than the default, and no
// `threads`, as records from before multi-core training have it).
const { threads: _, ...CONFIG } = {
  ...ENGINE_DEFAULT,
  augment: { enabled: false, max_shift: 2, max_rotation: 10, max_scale: 0.1, max_shear: 0.1, thickness: 0 },
};

const record = (name, changes = {}) => ({
  schema: SCHEMA_VERSION,
  id: `id-${name}`,
  name,
  note: '',
  createdAt: 1,
  config: { ...structuredClone(CONFIG), ...changes },
  state: 'finished',
  steps: { step: [1], loss: [2.3], accuracy: [0.1], time: [0.01] },
  epochs: [{ epoch: 1, step: 1, time: 0.02, train: { loss: 2, accuracy: 0.2 }, validation: null, test: { loss: 1, accuracy: 0.5, count: 10000 } }],
  final: null,
  durationMs: 20,
  samplesPerSecond: 1000,
});

describe('what differs between runs', () => {
  test('a learning rate: "lr 0.1 vs 0.001"', () => {
    const runs = [record('a', { learning_rate: 0.1 }), record('b')];
    assert.deepEqual(differingKeys(runs), ['learning_rate']);
    assert.equal(describeDifferences(runs), 'lr 0.1 vs 0.001');
    assert.equal(describeRun(runs[0], ['learning_rate']), 'lr 0.1');
  });

  test('each run is named by what tells it apart from the others (two runs that differ only in lr, among others)', () => {
    const runs = [
      record('lr 0.01', { hidden: [64], learning_rate: 0.01 }),
      record('lr 0.001', { hidden: [64] }),
      record('dropout', { hidden: [64], dropout: 0.5 }),
      record('too high', { hidden: [64], optimizer: { kind: 'sgd' }, learning_rate: 2 }),
      record('wide', { hidden: [256] }),
      record('tanh', { hidden: [64], activation: 'tanh' }),
    ];
    const keys = differingKeys(runs);
    // The learning rate comes fifth: the first three keys alone named the first two runs alike.
    assert.deepEqual(keys, ['hidden', 'activation', 'dropout', 'optimizer.kind', 'learning_rate']);
    assert.equal(describeRun(runs[0], keys.slice(0, 3)), describeRun(runs[1], keys.slice(0, 3)));
    const names = runs.map((r) => describeRun(r, distinguishingKeys(r, runs.filter((o) => o !== r), keys)));
    assert.equal(new Set(names).size, 6, `every run named differently: ${names.join(' | ')}`);
    assert.match(names[0], /lr 0\.01/);
    assert.match(names[1], /lr 0\.001/);
    // Two runs with the same settings: nothing tells them apart.
    assert.deepEqual(distinguishingKeys(record('x'), [record('y')], []), []);
  });

  test('another optimizer is one difference, not its parameters', () => {
    const runs = [record('a'), record('b', { optimizer: { kind: 'sgd' }, hidden: [64, 32] })];
    assert.deepEqual(differingKeys(runs).sort(), ['hidden', 'optimizer.kind']);
    assert.equal(describeDifferences(runs, ['hidden', 'optimizer.kind']), 'hidden 128 vs 64-32; optimizer adam vs sgd');
  });

  test('cores: a run recorded before the setting trained on 1 ("cores 1 vs 2"); in the CSV', () => {
    const runs = [record('old'), record('two', { threads: 2 })];
    assert.ok(!('threads' in runs[0].config));
    assert.deepEqual(differingKeys(runs), ['threads']);
    assert.equal(describeDifferences(runs), 'cores 1 vs 2');
    const [head, old, two] = runsToCsv(runs).split('\r\n').map((line) => line.split(','));
    const column = head.indexOf('threads');
    assert.ok(column > 0, head.join(','));
    assert.deepEqual([old[column], two[column]], ['1', '2']);
  });

  test('one run or identical runs: no differences', () => {
    assert.deepEqual(differingKeys([record('a')]), []);
    assert.deepEqual(differingKeys([record('a'), record('b')]), []);
  });
});

test('runs CSV: one row per run, quoted where needed, no spreadsheet formulas', () => {
  const evil = record('=HYPERLINK("x")');
  evil.note = 'a, "quoted"\nnote';
  const lines = runsToCsv([record('plain'), evil]).split('\r\n');
  assert.match(lines[0], /^id,name,state,note,started,epochs_done,duration_s,samples_per_second,test_accuracy,test_loss,validation_accuracy,hidden,activation,/);
  assert.ok(lines[1].startsWith('id-plain,plain,finished,,'));
  assert.ok(lines[2].startsWith('"id-=HYPERLINK(""x"")","=HYPERLINK(""x"")",finished,"a, ""quoted""\nnote",'), lines[2]);
});

test('stored run records: the wrong schema or shape is named, a good one passes', () => {
  assert.equal(recordProblem(record('ok')), '');
  assert.equal(recordProblem(null), 'not an object');
  assert.equal(recordProblem({ ...record('x'), schema: 0 }), 'schema version 0, this page reads 1');
  assert.equal(recordProblem({ ...record('x'), config: 'nope' }), 'no config');
  assert.equal(recordProblem({ ...record('x'), state: 'exploded' }), 'unknown state "exploded"');
  const uneven = record('x');
  uneven.steps.loss.push(1);
  assert.equal(recordProblem(uneven), 'step curves of different lengths');
});

test('a link: good values kept, bad ones reported and left at the defaults', () => {
  const base = valuesFromConfig(CONFIG);
  const good = parseHash('#hidden=64-32&learning_rate=0.05&optimizer.kind=sgd&augment.enabled=true', base);
  assert.deepEqual(good.problems, []);
  assert.deepEqual(good.values.hidden, [64, 32]);
  assert.equal(good.values.learning_rate, '0.05');
  assert.equal(good.values['optimizer.kind'], 'sgd');
  assert.equal(good.values['augment.enabled'], true);
  assert.deepEqual([...good.keys].sort(), ['augment.enabled', 'hidden', 'learning_rate', 'optimizer.kind']);

  const bad = parseHash('#learning_rate=1e999&batch_size=-3&augment.enabled=yes&init=%3Cscript%3E&hidden=' + '8-'.repeat(20) + '8&x=1', base);
  assert.equal(bad.values.learning_rate, base.learning_rate);
  assert.equal(bad.values.batch_size, base.batch_size);
  assert.equal(bad.values['augment.enabled'], false);
  assert.equal(bad.values.init, 'auto');
  assert.deepEqual(bad.values.hidden, [128]);
  assert.equal(bad.keys.size, 0);
  assert.deepEqual(bad.problems, [
    'Learning rate: "1e999" is not a number; using the default 0.001',
    'Batch size: "-3" is not a whole number ≥ 1; using the default 128',
    'Augment training images: "yes" is not true or false; using the default false',
    'Initialisation: "<script>" is not one of auto, he_uniform, he_normal, glorot_uniform, glorot_normal; using the default auto',
    // Long values are shown cut to 32 characters.
    'Hidden layers: "8-8-8-8-8-8-8-8-8-8-8-8-8-8-8-8-…" is not a list of layer widths like 256-128 (at most 16); using the default 128',
    'unknown setting "x" ignored',
  ]);
});

test('compare: curves with their own x values share one axis (null where a run has no point)', () => {
  const data = align([
    { x: [1, 2, 4], y: [10, 20, 40] },
    { x: [2, 3], y: [200, 300] },
  ]);
  assert.deepEqual(data, [
    [1, 2, 3, 4],
    [10, 20, null, 40],
    [null, 200, 300, null],
  ]);
});

test('a test accuracy measured at Stop, between epochs, is marked as such', () => {
  const finished = record('f', {});
  assert.equal(measuredAtStop({ ...finished, final: { epoch: 1, accuracy: 0.5 } }), false);
  assert.equal(measuredAtStop({ ...finished, final: { epoch: 1.4375, accuracy: 0.6 } }), true);
  assert.equal(measuredAtStop({ ...finished, final: null }), false);
});

test('guided runs take the engine\'s augmentation ranges (from its default config), switched off', async () => {
  const { experimentConfig, EXPERIMENTS } = await import('../../www/experiments/guided-sets.js');
  const engine = { ...ENGINE_DEFAULT, augment: { ...ENGINE_DEFAULT.augment, enabled: true } };
  for (const set of EXPERIMENTS) {
    for (const run of set.runs) {
      const config = experimentConfig(engine, run.config);
      assert.deepEqual(config.augment, { ...ENGINE_DEFAULT.augment, enabled: false }, `${set.id}: ${run.name}`);
      assert.equal(config.threads, 1);
      // Every parameter of the optimizer and schedule kinds is there, the engine's where the set gives none.
      for (const head of ['optimizer', 'schedule']) {
        const { kind, ...given } = run.config[head] ?? {};
        if (!kind) continue;
        assert.deepEqual(config[head], { kind, ...kindDefaultsOf(head)[kind], ...given }, `${set.id}: ${run.name} ${head}`);
      }
    }
  }
  const adam = EXPERIMENTS.flatMap((set) => set.runs).filter((run) => run.config.optimizer?.kind === 'adam');
  assert.ok(adam.length > 0);
  for (const run of adam) assert.deepEqual(experimentConfig(ENGINE_DEFAULT, run.config).optimizer, ENGINE_DEFAULT.optimizer, run.name);
});
