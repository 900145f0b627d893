// The guided experiment sets for a class: what each set trains, what it explains and what the
// learner should see, and the full engine config of each of its runs.
//
// Each set's runs are short (1,000–10,000 training images, a few epochs) and train on one core
// (threads 1): a seed reproduces a run only for the same core count. What each set says the learner
// should see is asserted by tests/e2e/experiments/experiments-guided.test.mjs (docs/decisions.md has how
// it was checked).
//
// A set may also use the page's look-inside tools (www/inspect/inspect-panel.js): `prepare({config,
// run, index, memo, tools})` resolves with the config a run trains with (null: the set ends), and
// `afterRun({index, memo, tools})` follows each finished run up (false: the set ends).
//
// Non-goals: launching the runs one after the other and the set cards (experiments-panel.js).

import { kindDefaultsOf } from '../playground/settings.js';

/** Shared by every run of a set unless the run says otherwise (on top of the engine's default). */
const SMALL = { train_subset: 5120, validation_size: 2000, epochs: 3, batch_size: 64, seed: 1, dropout: 0, weight_decay: 0, augment: { enabled: false }, schedule: { kind: 'constant', warmup_epochs: 0 }, threads: 1 };
const SGD = { optimizer: { kind: 'sgd' } };
/** Adam with the engine's default β₁, β₂ and ε (experimentConfig fills them in). */
const ADAM = { optimizer: { kind: 'adam' } };

/**
 * Training-set sizes are multiples of the batch size: a last, smaller batch makes a noisy step just
 * before each epoch's evaluation (docs/decisions.md has what it did).
 *
 * The guided sets: {id, title, explain, expect, axis (of the compare chart), runs: [{name, config}],
 * look?}: `look` ({target: an element id, label}) is where the learner looks when the set is done,
 * instead of the comparison. Configs are partial: merged over the engine's default config and SMALL.
 */
export const EXPERIMENTS = [
  {
    id: 'learning-rate',
    title: 'Learning rate: too high, too low, just right',
    explain: 'The learning rate is the size of each step down the loss surface. Plain SGD, one hidden layer of 128, 5,120 images, 3 epochs; only the rate changes.',
    expect: 'At 2 the loss of the first batches shoots up (above 10) and the accuracy stays below about 20%: the steps overshoot. At 0.001 the loss falls slowly and the run ends far behind (about 50% accuracy). At 0.1 the loss falls fastest and the validation accuracy passes 88% in the first epoch and 91% by the third.',
    axis: 'step',
    runs: [
      { name: 'lr too high (2)', config: { ...SGD, hidden: [128], learning_rate: 2 } },
      { name: 'lr too low (0.001)', config: { ...SGD, hidden: [128], learning_rate: 0.001 } },
      { name: 'lr just right (0.1)', config: { ...SGD, hidden: [128], learning_rate: 0.1 } },
    ],
  },
  {
    id: 'activation',
    title: 'Sigmoid vs ReLU in a deep network',
    explain: 'Six hidden layers of 64 units, plain SGD at 0.05, 5,120 images, 3 epochs. The sigmoid\'s slope is at most ¼, so the gradient shrinks layer by layer on its way back to the first layers (vanishing gradients); ReLU passes it through unchanged where a unit is active.',
    expect: 'The sigmoid network stays at chance (about 10% accuracy, loss stuck at 2.3) for all three epochs; the ReLU network learns (about 89% validation accuracy). While the sigmoid run trains, the gradient chart under “What the network learned” shows its first layers getting gradients orders of magnitude smaller than the output layer (afterwards that chart shows the last run: press Setup on the sigmoid\'s row and Train to see it again).',
    axis: 'step',
    runs: [
      { name: 'deep sigmoid', config: { ...SGD, hidden: [64, 64, 64, 64, 64, 64], activation: 'sigmoid', init: 'auto', learning_rate: 0.05, batch_size: 32 } },
      { name: 'deep ReLU', config: { ...SGD, hidden: [64, 64, 64, 64, 64, 64], activation: 'relu', init: 'auto', learning_rate: 0.05, batch_size: 32 } },
    ],
  },
  {
    id: 'optimizer',
    title: 'SGD vs momentum vs Adam',
    explain: 'One hidden layer of 128, 5,120 images, 3 epochs. SGD and momentum (μ 0.9) at 0.01; Adam at its usual 0.001. Momentum adds up past gradients into a velocity; Adam also scales each weight\'s step by its own gradient history.',
    expect: 'Plain SGD is the slowest (about 88% validation accuracy after 3 epochs, training loss still above 0.35); momentum and Adam reach a lower loss sooner (below 0.16) and end about 4–5 points higher (about 92%).',
    axis: 'step',
    runs: [
      { name: 'SGD', config: { ...SGD, hidden: [128], learning_rate: 0.01, batch_size: 32 } },
      { name: 'momentum', config: { optimizer: { kind: 'momentum', momentum: 0.9, nesterov: false }, hidden: [128], learning_rate: 0.01, batch_size: 32 } },
      { name: 'Adam', config: { ...ADAM, hidden: [128], learning_rate: 0.001, batch_size: 32 } },
    ],
  },
  {
    id: 'overfitting',
    title: 'Overfitting on 1,000 images, with and without dropout',
    explain: 'A wide layer (256 units) and Adam on only 1,000 training images (batches of 50) for 15 epochs: the network can memorise them. Dropout (0.5) switches off half the hidden units at random at every step, so no unit can rely on another.',
    expect: 'Compare by epoch: without dropout the training accuracy (dashed) reaches 100% by about epoch 10 while validation (solid) stays near 89%, and the validation loss turns up again after about epoch 7: the gap is overfitting. With dropout the training accuracy stays below 100% and the validation loss ends lower (about 0.38 against 0.43), but the validation accuracy hardly changes: the gap narrows, it does not close; only more data closes it.',
    axis: 'epoch',
    runs: [
      { name: 'no dropout', config: { ...ADAM, hidden: [256], learning_rate: 0.001, batch_size: 50, train_subset: 1000, epochs: 15, dropout: 0 } },
      { name: 'dropout 0.5', config: { ...ADAM, hidden: [256], learning_rate: 0.001, batch_size: 50, train_subset: 1000, epochs: 15, dropout: 0.5 } },
    ],
  },
  {
    id: 'decay',
    title: 'Learning-rate decay vs none',
    explain: 'Adam at 0.01 (ten times its usual rate), 10,000 images, 5 epochs. With exponential decay (γ 0.5) the rate halves every epoch: big steps first, then small ones to settle into a minimum.',
    expect: 'With a constant rate the loss levels off early (training loss about 0.15 after 5 epochs) and the validation accuracy creeps up unevenly to 91–92%; with decay the loss keeps falling (to about 0.05) and the validation accuracy ends about 2 points higher (about 94.5%). Set the comparison\'s x axis to step to see the two learning rates.',
    axis: 'epoch',
    runs: [
      { name: 'constant 0.01', config: { ...ADAM, hidden: [128], learning_rate: 0.01, batch_size: 50, train_subset: 10000, epochs: 5 } },
      { name: 'decay ×0.5 per epoch', config: { ...ADAM, hidden: [128], learning_rate: 0.01, batch_size: 50, train_subset: 10000, epochs: 5, schedule: { kind: 'exponential', gamma: 0.5, warmup_epochs: 0 } } },
    ],
  },
  {
    id: 'looks-at',
    title: 'What the network looks at',
    explain: 'Plain SGD at 0.1, 5,120 images, 3 epochs: a network with a hidden layer of 128, then one with no hidden layer at all, where each digit\'s score is a weighted sum of the pixels: one template per digit. The second run answers your drawings afterwards.',
    expect: 'Without a hidden layer the network ends about 4 points behind (about 87% against 91% validation accuracy). Under “What the network learned” its first-layer weights are now its ten templates, digits 0 to 9 (red: ink there makes that digit more likely, blue: less likely). Draw a digit and open “Why this digit?”: with no hidden layer the map is the template of the digit it reads minus the other templates, weighted by how likely each is. Under “Look inside a prediction”, stepping through your drawing shows a single layer, straight from the pixels to the softmax.',
    axis: 'step',
    runs: [
      { name: 'hidden layer of 128', config: { ...SGD, hidden: [128], learning_rate: 0.1 } },
      { name: 'no hidden layer', config: { ...SGD, hidden: [], learning_rate: 0.1 } },
    ],
  },
  {
    id: 'hidden-map',
    title: 'What the hidden layer learned',
    explain: 'One hidden layer of 128 units, plain SGD at a slow 0.01, 2,048 images, 8 epochs: slow enough to watch. The map under “What the hidden layer learned” places 2,000 test digits by what that layer makes of them (its activations, on their two main directions), after the first batch and after every epoch.',
    expect: 'At the start (after one batch) the digits lie in one overlapping cloud, only the 1s a little apart: separation about 0.9, and about 92% of them misread. Epoch by epoch they pull apart: separation about 1.3 after epoch 1, 1.7 after epoch 3 and 1.9 after epoch 8, while the misread share falls to about 37%, 20% and 13%. On these two directions the 0s and the 1s end up on their own, the 4s, 7s and 9s gather in one corner, and the 2s, 3s, 5s, 6s and 8s still overlap in the middle: they differ along other directions of the layer (the map shows two of its 128). Pick a digit in the legend to see it alone; press Play beside the map to watch the run again, and Show UMAP to see the clusters that two directions hide.',
    axis: 'epoch',
    look: { target: 'hidden-map-heading', label: 'Show the map' },
    runs: [{ name: 'SGD 0.01, 8 epochs', config: { ...SGD, hidden: [128], learning_rate: 0.01, train_subset: 2048, epochs: 8 } }],
  },
  {
    id: 'find-rate',
    title: 'Find the learning rate, then train at it',
    explain: 'Plain SGD, one hidden layer of 128, 5,120 images, 3 epochs. First the learning-rate finder sweeps the rate from 10⁻⁷ to 10 on a fresh copy of this network (see Look inside training) and suggests the rate where the loss falls fastest; then three runs train at that rate, 100× below it and 30× above it.',
    expect: 'The finder suggests about 0.07 for SGD here (Adam would get about 0.003). At the suggested rate the validation accuracy passes 85% in the first epoch and ends near 90%; 100× below it the loss creeps and the run ends far behind (about 40%); 30× above it (about 2) the loss of the first batches shoots up and the accuracy stays at chance (about 10%). The evidence picked a good rate without trying many.',
    axis: 'step',
    prepareText: 'finding the learning rate',
    /** The finder runs once, on the first run's settings; every run trains at a multiple of its suggestion. */
    async prepare({ config, run, index, memo, tools }) {
      if (index === 0) {
        const result = await tools.findRate(config);
        if (!result?.steepest) return null;
        memo.rate = result.steepest;
      }
      return { ...config, learning_rate: Number((memo.rate * run.times).toPrecision(3)) };
    },
    runs: [
      { name: 'at the finder\'s rate', times: 1, config: { ...SGD, hidden: [128] } },
      { name: '100× below it', times: 0.01, config: { ...SGD, hidden: [128] } },
      { name: '30× above it', times: 30, config: { ...SGD, hidden: [128] } },
    ],
  },
  {
    id: 'sharp-flat',
    title: 'Why large batches generalise worse: sharp vs flat',
    explain: 'Adam at 0.001, one hidden layer of 128, 5,120 images. Small batches (32, 8 epochs: 1,280 noisy steps) against large ones (1,024, 40 epochs: 200 smooth steps, until the loss is as low). After each run the page computes its loss landscape (Look inside training): the small-batch one is kept as A, the large-batch one drawn as B beside it, on one colour scale. Keskar et al. (2017) found that large batches settle in sharp minima, which generalise worse.',
    expect: 'Both end at about the same loss at the centre of their landscape (about 0.31 on the 2,000 images), but the large-batch minimum is sharper: the loss rises about 40% more within ±½ of the centre (about 0.17 against 0.12; its blue valley is narrower), and its test accuracy is lower (about 93.6% against 94.2%).',
    axis: 'epoch',
    afterRunText: 'computing the loss landscape of',
    /** Each run's landscape; the first is kept as A so the second is drawn beside it. */
    afterRun: ({ index, tools }) => tools.landscape({ keep: index === 0 }),
    runs: [
      { name: 'small batches (32)', config: { ...ADAM, hidden: [128], learning_rate: 0.001, batch_size: 32, epochs: 8 } },
      { name: 'large batches (1,024)', config: { ...ADAM, hidden: [128], learning_rate: 0.001, batch_size: 1024, epochs: 40 } },
    ],
  },
];

/**
 * A full engine config: the default, then SMALL, then the run's own settings. An optimizer or a
 * schedule is replaced whole (its parameters depend on its kind), its parameters not given taking
 * the engine's defaults for that kind (settings.js kindDefaultsOf: the engine's limits must be
 * set); `augment` is merged over the engine's own augmentation, so its ranges are the engine's
 * defaults (the sets train without it).
 */
export function experimentConfig(base, partial) {
  const config = structuredClone(base);
  for (const layer of [SMALL, partial]) {
    for (const [key, value] of Object.entries(layer)) {
      if (key === 'augment') config.augment = { ...config.augment, ...structuredClone(value) };
      else if (key === 'optimizer' || key === 'schedule') config[key] = { kind: value.kind, ...kindDefaultsOf(key)[value.kind], ...structuredClone(value) };
      else config[key] = value && typeof value === 'object' && !Array.isArray(value) ? { ...structuredClone(value) } : structuredClone(value);
    }
  }
  return config;
}
