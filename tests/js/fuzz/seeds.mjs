// Valid inputs the JS fuzz targets start from: engine configs (every optimizer, schedule,
// activation and initialisation the engine's limits list) and run records of the shape
// www/experiments/recorder.js writes, with curves, epochs and a final evaluation.
//
// Non-goals: mutating them (mutate.mjs), the checks (the targets).

import fc from 'fast-check';
import { ENGINE_DEFAULT, LIMITS } from '../engine-default.mjs';
import { SCHEMA_VERSION, RECORD_STATES } from '../../../www/experiments/history.js';

const { choices, kind_defaults: kinds } = LIMITS;

/** An engine config the engine accepts (widths and counts kept small). */
export const validConfig = fc
  .record({
    hidden: fc.array(fc.integer({ min: 1, max: 512 }), { maxLength: 3 }),
    activation: fc.constantFrom(...choices.activation),
    init: fc.constantFrom(...choices.init),
    dropout: fc.constantFrom(0, 0.2, 0.5),
    weight_decay: fc.constantFrom(0, 0.0001),
    optimizer: fc.constantFrom(...Object.values(kinds.optimizer)),
    learning_rate: fc.constantFrom(0.001, 0.01, 0.1, 1),
    schedule: fc.constantFrom(...Object.values(kinds.schedule)).map((s) => ({ ...s, warmup_epochs: 0 })),
    batch_size: fc.constantFrom(1, 32, 128),
    epochs: fc.integer({ min: 1, max: 5 }),
    validation_size: fc.constantFrom(0, 5000),
    train_subset: fc.constantFrom(0, 1000),
    seed: fc.nat(),
    augment: fc.boolean().map((enabled) => ({ ...ENGINE_DEFAULT.augment, enabled })),
    threads: fc.constantFrom(1, 2),
  })
  .map((c) => ({ ...ENGINE_DEFAULT, ...c }));

const metric = fc.record({ loss: fc.double({ min: 0, max: 5, noNaN: true }), accuracy: fc.double({ min: 0, max: 1, noNaN: true }) });
const evaluation = fc.record({ loss: fc.double({ min: 0, max: 5, noNaN: true }), accuracy: fc.double({ min: 0, max: 1, noNaN: true }), count: fc.constantFrom(10_000) });

/** A run record as the recorder writes it. */
export const validRecord = fc
  .record({
    id: fc.stringMatching(/^run-[a-z0-9]{1,8}-[a-z0-9]{1,6}$/),
    name: fc.oneof(fc.constantFrom('Run 1', 'lr too high (2)'), fc.string({ maxLength: 20 })),
    note: fc.oneof(fc.constant(''), fc.string({ maxLength: 20 })),
    createdAt: fc.integer({ min: 1.6e12, max: 1.9e12 }),
    config: validConfig,
    state: fc.constantFrom(...RECORD_STATES),
    error: fc.constantFrom(null, 'diverged at step 3: loss became NaN — lower the learning rate'),
    points: fc.integer({ min: 0, max: 12 }),
    epochs: fc.array(fc.record({ train: metric, validation: fc.option(metric), test: fc.option(evaluation) }), { maxLength: 4 }),
    final: fc.option(fc.record({ epoch: fc.nat(5), step: fc.nat(500), loss: fc.double({ min: 0, max: 5, noNaN: true }), accuracy: fc.double({ min: 0, max: 1, noNaN: true }) })),
    learningRate: fc.boolean(),
    modelEpoch: fc.option(fc.nat(5)),
    experiment: fc.constantFrom(null, 'learning-rate'),
  })
  .map(({ points, epochs, learningRate, ...r }) => {
    const step = Array.from({ length: points }, (_, i) => i + 1);
    const steps = { step, loss: step.map((i) => 2.3 / i), accuracy: step.map((i) => Math.min(1, i / 10)), time: step.map((i) => i * 0.03) };
    if (learningRate) steps.learning_rate = step.map(() => 0.001);
    return {
      schema: SCHEMA_VERSION,
      ...r,
      updatedAt: r.createdAt + 1000,
      info: { parameters: 101_770 },
      steps,
      epochs: epochs.map((e, i) => ({ epoch: i + 1, step: (i + 1) * 10, time: i + 0.5, ...e, samples_per_second: 5000 })),
      durationMs: 1234,
      samplesPerSecond: 5000,
    };
  });
